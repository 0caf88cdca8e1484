//! Delivering statements: sending each batch the reducer takes, retrying after the delay
//! the outbox asks for (or at once when the browser comes back online), and saving the
//! outbox after every change so that a closed tab loses nothing.

use crate::glue::{http, storage};
use crate::state::{Action, PlayerContext};
use gloo::events::EventListener;
use gloo::timers::callback::Timeout;
use yew::prelude::*;

/// Runs delivery for the player state `ctx`.
#[hook]
pub fn use_delivery(ctx: &PlayerContext) {
    // Send the batch in flight; keyed by its ids, so each batch is sent exactly once.
    {
        let batch = ctx.batch.clone();
        let ids = batch.as_ref().map(|b| b.ids.clone());
        let url = ctx.launch.statements_url();
        let auth = ctx.launch.auth.clone();
        let dispatcher = ctx.dispatcher();
        use_effect_with(ids, move |ids| {
            if let (Some(ids), Some(batch), Some(url)) = (ids.clone(), batch, url) {
                wasm_bindgen_futures::spawn_local(async move {
                    let outcome =
                        http::post_statements(&url, auth.as_deref(), batch.body.clone()).await;
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
            let timeout =
                waiting.then(|| Timeout::new(delay, move || dispatcher.dispatch(Action::RetryNow)));
            move || drop(timeout)
        });
    }
    // Retry at once when the browser says it is online again.
    {
        let dispatcher = ctx.dispatcher();
        use_effect_with((), move |_| {
            let listener = EventListener::new(&gloo::utils::window(), "online", move |_| {
                dispatcher.dispatch(Action::RetryNow)
            });
            move || drop(listener)
        });
    }
    // Save the outbox after every change.
    {
        let outbox = ctx.outbox.clone();
        let activity_id = ctx.activity_id();
        let dispatcher = ctx.dispatcher();
        let had_problem = ctx.storage_problem.is_some();
        use_effect_with(ctx.revision, move |_| {
            if let Err(problem) = storage::save_outbox(&activity_id, &outbox) {
                if !had_problem {
                    dispatcher.dispatch(Action::StorageFailed(problem.to_string()));
                }
            }
        });
    }
}
