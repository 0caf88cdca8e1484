//! Delivering statements: reading the stored outbox, writing every change to it before
//! anything is sent, sending each batch the reducer takes (only from the tab that holds
//! the module's sender lock), retrying after the delay the outbox asks for or at once when
//! the browser comes back online or the page is hidden. The last send as the page goes
//! away is `use_exit`'s.

use crate::chunks;
use crate::glue::{idb, storage, tabs};
use crate::state::{Action, PlayerContext};
use gloo::events::EventListener;
use gloo::timers::callback::Timeout;
use pelita_xapi::Entry;
use std::rc::Rc;
use uuid::Uuid;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// How long to wait before downloading the sending chunk again after it failed twice.
const RETRY_SEND_CHUNK_MS: i32 = 30_000;

/// Runs delivery for the player state `ctx`.
#[hook]
pub fn use_delivery(ctx: &PlayerContext) {
    let activity_id: Rc<str> = use_memo((), |_| ctx.activity_id()).as_str().into();
    // Read the stored outbox once.
    {
        let dispatcher = ctx.dispatcher();
        let activity_id = activity_id.clone();
        let cmi5 = ctx.cmi5.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let mut restored = storage::restore(&activity_id).await;
                // A new cmi5 session does not send what an ended one left waiting.
                if let Some(context) = &cmi5 {
                    crate::glue::cmi5::settle_other_sessions(context, &mut restored.entries).await;
                }
                dispatcher.dispatch(Action::Restored(Rc::new(restored)));
            });
        });
    }
    // Fetch the sending chunk once the first page is shown; until it is in, statements
    // are kept and stored but neither checked nor sent. A failed download is tried again
    // after a pause, then every 30 seconds for as long as the page is open.
    {
        let dispatcher = ctx.dispatcher();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                if chunks::SEND.ready().is_none() {
                    chunks::idle().await;
                }
                loop {
                    match chunks::SEND.load_with_retry().await {
                        Ok(_) => {
                            dispatcher.dispatch(Action::SendReady);
                            break;
                        }
                        Err(e) => {
                            web_sys::console::warn_1(&format!("chunk `send`: {e}").into());
                            chunks::sleep(RETRY_SEND_CHUNK_MS).await;
                        }
                    }
                }
            });
        });
    }
    // Be the module's sender while this tab can send: it has an LRS, and the LRS has not
    // refused its credentials.
    {
        let dispatcher = ctx.dispatcher();
        let activity_id = activity_id.clone();
        let can_send = ctx.has_lrs() && ctx.outbox.paused().is_none();
        use_effect_with(can_send, move |&can_send| {
            let claim = can_send.then(|| {
                let dispatcher = dispatcher.clone();
                tabs::become_sender(&activity_id, move || {
                    dispatcher.dispatch(Action::BecameSender)
                })
            });
            move || {
                if let Some(claim) = claim {
                    claim.release();
                    dispatcher.dispatch(Action::StoppedSending);
                }
            }
        });
    }
    // Read the stored outbox again when another tab changed it or this tab became the
    // sender, so that whichever tab sends, it sends everything.
    {
        let dispatcher = ctx.dispatcher();
        let activity_id = activity_id.clone();
        let durable = ctx.backend == Some(storage::Backend::IndexedDb);
        use_effect_with((ctx.sync, durable), move |&(_, durable)| {
            if durable {
                wasm_bindgen_futures::spawn_local(async move {
                    if let Ok((entries, _)) = idb::load(&activity_id).await {
                        dispatcher.dispatch(Action::Merged(Rc::new(entries)));
                    }
                });
            }
        });
    }
    // Listen for other tabs' news.
    let channel = use_memo((), |_| tabs::channel());
    {
        let dispatcher = ctx.dispatcher();
        let activity_id = activity_id.clone();
        use_effect_with(channel.clone(), move |channel| {
            let listener = channel.as_ref().as_ref().map(|channel| {
                EventListener::new(channel, "message", move |event| {
                    let about = event
                        .dyn_ref::<web_sys::MessageEvent>()
                        .and_then(|m| m.data().as_string());
                    if about.as_deref() == Some(&*activity_id) {
                        dispatcher.dispatch(Action::SyncNeeded);
                    }
                })
            });
            move || drop(listener)
        });
    }
    // Write every change before anything is sent (the reducer sends only saved entries).
    // A change already being written is not written again by the next render: with a long
    // queue, every batch's answer would otherwise rewrite all the answers still in flight.
    let writing = use_mut_ref(Vec::<(Uuid, &'static str)>::new);
    {
        let dispatcher = ctx.dispatcher();
        let activity_id = activity_id.clone();
        let backend = ctx.backend;
        let state = ctx.clone();
        let channel = channel.clone();
        let had_problem = ctx.storage_problem.is_some();
        use_effect_with((ctx.revision, backend), move |_| {
            let Some(backend) = backend else { return };
            if backend == storage::Backend::Memory {
                return;
            }
            let changed: Vec<Entry> = {
                let busy = writing.borrow();
                state
                    .outbox
                    .unsaved()
                    .filter(|e| !busy.contains(&(e.id, e.delivery.storage_name())))
                    .cloned()
                    .collect()
            };
            if changed.is_empty() {
                return;
            }
            // The fallback store keeps one copy of the whole outbox, written at once.
            let outbox = (backend == storage::Backend::LocalStorage).then(|| state.outbox.clone());
            let written: Rc<Vec<(Uuid, &'static str)>> = Rc::new(
                changed
                    .iter()
                    .map(|e| (e.id, e.delivery.storage_name()))
                    .collect(),
            );
            writing.borrow_mut().extend(written.iter().copied());
            wasm_bindgen_futures::spawn_local(async move {
                let outbox = outbox.unwrap_or_default();
                let result = storage::save(backend, &activity_id, &outbox, &changed).await;
                writing.borrow_mut().retain(|w| !written.contains(w));
                match result {
                    Ok(()) => {
                        dispatcher.dispatch(Action::Written(written));
                        if let Some(channel) = channel.as_ref() {
                            tabs::announce(channel, &activity_id);
                        }
                    }
                    Err(problem) => {
                        if !had_problem {
                            web_sys::console::warn_1(&problem.to_string().into());
                        }
                        dispatcher.dispatch(Action::StorageFailed(problem.to_string(), written));
                    }
                }
            });
        });
    }
    // Send the batch in flight; keyed by the send's number, so each batch taken is sent
    // exactly once, even one retried at once with the same statements.
    {
        let batch = ctx.batch.clone();
        let send = ctx.sends;
        let ids = batch.as_ref().map(|b| (send, b.ids.clone()));
        let url = ctx.launch.statements_url();
        let auth = ctx.launch.auth.clone();
        let timeout_ms = ctx.launch.send_timeout_ms();
        let dispatcher = ctx.dispatcher();
        use_effect_with(ids, move |ids| {
            // A batch exists only once the outbox has its check, which came with the
            // sending chunk: `post` is at hand.
            let post = chunks::SEND.ready().map(|glue| glue.post);
            if let (Some((_, ids)), Some(batch), Some(url), Some(post)) =
                (ids.clone(), batch, url, post)
            {
                wasm_bindgen_futures::spawn_local(async move {
                    let outcome = post(url, auth, batch.body.clone(), timeout_ms).await;
                    dispatcher.dispatch(Action::Delivered(ids, outcome));
                });
            }
        });
    }
    // Wait out the retry delay. Keyed by the delay, not by every change, so that a learner
    // who keeps answering does not keep postponing the retry.
    {
        let dispatcher = ctx.dispatcher();
        let delay = ctx.outbox.retry_delay_ms();
        use_effect_with((ctx.waiting_retry, delay), move |&(waiting, delay)| {
            let timeout = waiting.then(|| {
                Timeout::new(delay.min(u64::from(u32::MAX)) as u32, move || {
                    dispatcher.dispatch(Action::RetryNow)
                })
            });
            move || drop(timeout)
        });
    }
    // Send at once when the browser is online again, and when the page is hidden (on
    // phones a hidden page is often closed without any further event): sends use
    // `keepalive`, so they finish even if the page is gone by then.
    {
        let dispatcher = ctx.dispatcher();
        use_effect_with((), move |_| {
            let online = {
                let dispatcher = dispatcher.clone();
                EventListener::new(&gloo::utils::window(), "online", move |_| {
                    dispatcher.dispatch(Action::RetryNow)
                })
            };
            let hidden =
                EventListener::new(&gloo::utils::document(), "visibilitychange", move |_| {
                    dispatcher.dispatch(Action::RetryNow)
                });
            move || drop((online, hidden))
        });
    }
}
