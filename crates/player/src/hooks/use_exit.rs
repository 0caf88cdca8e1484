//! Leaving the page: the attempt is suspended, and nothing the page holds is lost.
//!
//! `pagehide` is the last moment a page can act, and it cannot wait for anything: the
//! reducer will not run again and an IndexedDB write may never finish. So the handler
//! works on a copy of the latest state: it makes the `suspended` statement, keeps it and
//! every statement not yet written in localStorage (synchronous; the next visit moves them
//! into IndexedDB), sends what is queued in one `keepalive` request if this tab is the
//! sender, and saves the attempt in the browser and, with `keepalive`, in the LRS. In a
//! cmi5 session `terminated` follows `suspended` in the same batch, and the bookkeeping
//! that says the session has ended is written before the page goes.

use super::use_resume::{put, RemoteSave};
use crate::glue::{browser_env::BrowserEnv, cmi5, http, storage};
use crate::state::PlayerContext;
use gloo::events::EventListener;
use pelita_xapi::{state_url, Env};
use yew::prelude::*;

/// Installs the `pagehide` handler for the player state `ctx`.
#[hook]
pub fn use_exit(ctx: &PlayerContext, remote: &RemoteSave) {
    let latest = use_mut_ref(|| ctx.clone());
    *latest.borrow_mut() = ctx.clone();
    let remote = remote.clone();
    let cmi5_session = ctx.cmi5.is_some();
    use_effect_with((), move |_| {
        let listener = EventListener::new(&gloo::utils::window(), "pagehide", move |_| {
            let state = latest.borrow();
            let now = BrowserEnv.now_ms();
            let activity_id = state.activity_id();
            let mut outbox = state.outbox.clone();
            let (statements, rules) = state.exit_statements();
            for (id, statement) in statements {
                outbox.push_value(id, statement, state.has_lrs(), now as f64);
            }
            if let (Some(context), Some(rules)) = (state.cmi5.as_deref(), rules.as_ref()) {
                cmi5::save_rules(context, rules);
            }
            let unsaved: Vec<_> = outbox.unsaved().cloned().collect();
            storage::stash(&activity_id, &unsaved);
            let ids: Vec<_> = unsaved.iter().map(|e| e.id).collect();
            outbox.mark_saved(&ids);
            if state.sender {
                if let (Some(url), Some(batch)) = (
                    state.launch.statements_url(),
                    outbox.exit_batch(http::EXIT_MAX_BYTES),
                ) {
                    http::post_statements_on_exit(&url, state.launch.auth.as_deref(), batch.body);
                }
            }
            if state.resume_checked && state.offer.is_none() && state.session.attempt() > 0 {
                let saved = state.saved_attempt(now);
                storage::save_attempt(&activity_id, state.reporter.actor(), &saved);
                let url = state_url(&state.launch, &activity_id, state.reporter.actor());
                // `put` writes nothing to an LRS that showed it has no State API.
                if let Some(url) = url.filter(|_| remote.borrow().saving()) {
                    let auth = state.launch.auth.clone();
                    let timeout = state.launch.send_timeout_ms();
                    let remote = remote.clone();
                    // Started now, the keepalive request goes out even though the page
                    // will not see its answer.
                    wasm_bindgen_futures::spawn_local(async move {
                        put(
                            &url,
                            auth.as_deref(),
                            saved.to_json(),
                            &remote,
                            timeout,
                            true,
                        )
                        .await;
                    });
                }
            }
        });
        // A page kept in the back-forward cache comes back with the state it had, but a
        // cmi5 session ended as it went away: loading it again shows that it ended.
        let shown = EventListener::new(&gloo::utils::window(), "pageshow", move |event| {
            let persisted = js_sys::Reflect::get(event, &"persisted".into())
                .ok()
                .and_then(|v| v.as_bool())
                .unwrap_or(false);
            if persisted && cmi5_session {
                let _ = gloo::utils::window().location().reload();
            }
        });
        move || drop((listener, shown))
    });
}
