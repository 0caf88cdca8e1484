//! Resuming: before the session starts, look for a saved attempt of this learner in this
//! module, in the browser and in the LRS State API, and offer the newer one; then save the
//! attempt after every step, in both places, so it can be continued on this device or on
//! another one. An LRS that shows it has no State API (a write answered 404 or 405) is not
//! written to again for the session: the browser's copy keeps the attempt on the device,
//! and the learning record says so once.

use crate::glue::{browser_env::BrowserEnv, http, storage};
use crate::state::{Action, PlayerContext, PlayerState};
use pelita_xapi::{state_url, Env, SavedAttempt, StateApi, StateRead, StateWrite};
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// How long the first look into the LRS may hold up the start: past it, the learner
/// starts a new attempt rather than wait on a bad connection.
const CHECK_TIMEOUT_MS: u32 = 4_000;

/// This page session's dealings with the LRS's State API: the last ETag of the document,
/// for `If-Match`, and whether saving there goes on.
pub type RemoteSave = Rc<RefCell<StateApi>>;

/// Writes to the State API one at a time: a step taken while a write is on its way waits,
/// and only the newest waiting document is written next. Two writes in flight at once
/// would carry the same `If-Match`, and the second would be refused (412) for nothing.
#[derive(Default)]
struct Writes {
    /// Whether a write is on its way.
    busy: bool,
    /// The newest document that waits for it.
    next: Option<String>,
}

/// The attempt to offer: the newest of this module's saved attempts in the browser, in
/// the LRS (`remote`, when one was asked) and in a SCORM LMS, which hands back the resume
/// data it kept.
fn newest_saved(state: &PlayerState, remote: Option<SavedAttempt>) -> Option<Rc<SavedAttempt>> {
    let local = storage::saved_attempt(&state.activity_id(), state.reporter.actor());
    let from_lms = state.scorm.as_ref().and_then(|s| s.resume.clone());
    let offer = SavedAttempt::to_continue(&state.module.id, local, remote);
    SavedAttempt::to_continue(&state.module.id, offer, from_lms).map(Rc::new)
}

/// The resume check when no LRS is to be asked: the browser's copy and the SCORM LMS's
/// are at hand, so the player's first render can show the first page (or the offer to
/// continue) at once, instead of a loading screen and one more round of rendering.
/// `None` when there is an LRS, whose answer only [`use_resume`] can wait for.
pub fn check_at_hand(state: &PlayerState) -> Option<Option<Rc<SavedAttempt>>> {
    let url = state_url(&state.launch, &state.activity_id(), state.reporter.actor());
    url.is_none().then(|| newest_saved(state, None))
}

/// Runs the resume check (unless [`check_at_hand`] already did) and the saving for the
/// player state `ctx`.
#[hook]
pub fn use_resume(ctx: &PlayerContext) -> RemoteSave {
    let remote: RemoteSave = use_mut_ref(StateApi::default);
    let url = state_url(&ctx.launch, &ctx.activity_id(), ctx.reporter.actor());
    // Look for a saved attempt once, when the first render has not settled it.
    {
        let state = ctx.clone();
        let url = url.clone();
        let remote = remote.clone();
        use_effect_with((), move |_| {
            if state.resume_checked {
                return;
            }
            wasm_bindgen_futures::spawn_local(async move {
                let mut from_lrs = None;
                if let Some(url) = url {
                    let auth = state.launch.auth.as_deref();
                    match http::get_state(&url, auth, CHECK_TIMEOUT_MS).await {
                        Ok(doc) => {
                            // A 404 is only a missing document (and says nothing about
                            // whether there is a State API): saving goes on.
                            let read = remote.borrow_mut().read(doc.status, doc.etag);
                            if read == StateRead::Found {
                                from_lrs = doc.text.and_then(|t| SavedAttempt::from_json(&t).ok());
                            }
                        }
                        Err(problem) => web_sys::console::warn_1(
                            &format!("the saved attempt could not be read from the LRS: {problem}")
                                .into(),
                        ),
                    }
                }
                let offer = newest_saved(&state, from_lrs);
                state.dispatch(Action::ResumeChecked(offer));
            });
        });
    }
    // Save after every step: an answer, a page, a new attempt, the end of one.
    {
        let progress = (
            ctx.resume_checked && ctx.offer.is_none(),
            ctx.session.attempt(),
            ctx.session.current_index(),
            ctx.session.answered_count(),
            ctx.session.snapshot().is_some(),
        );
        let state = ctx.clone();
        let remote = remote.clone();
        let writes = use_mut_ref(Writes::default);
        use_effect_with(progress, move |&(ready, attempt, ..)| {
            if !ready || attempt == 0 {
                return;
            }
            let saved = state.saved_attempt(BrowserEnv.now_ms());
            storage::save_attempt(&state.activity_id(), state.reporter.actor(), &saved);
            // Once the LRS showed it has no State API, the browser's copy is the only one.
            if let Some(url) = url.filter(|_| remote.borrow().saving()) {
                {
                    let mut w = writes.borrow_mut();
                    if w.busy {
                        w.next = Some(saved.to_json());
                        return;
                    }
                    w.busy = true;
                }
                let auth = state.launch.auth.clone();
                let timeout = state.launch.send_timeout_ms();
                wasm_bindgen_futures::spawn_local(async move {
                    let mut body = saved.to_json();
                    loop {
                        if put(&url, auth.as_deref(), body, &remote, timeout, false).await {
                            state.dispatch(Action::NoStateApi);
                        }
                        let next = writes.borrow_mut().next.take();
                        match next {
                            Some(newer) if remote.borrow().saving() => body = newer,
                            _ => {
                                writes.borrow_mut().busy = false;
                                break;
                            }
                        }
                    }
                });
            }
        });
    }
    remote
}

/// Writes the document to the State API, unless the LRS already showed it has none; a
/// write refused because another device wrote in between (412) is repeated once with the
/// new ETag: the newest step wins. Failures only warn: the browser's copy stays, and the
/// next step writes again. Returns whether this write showed that the LRS has no State
/// API (404 or 405), after which nothing more is written to it in this session.
pub async fn put(
    url: &str,
    auth: Option<&str>,
    body: String,
    remote: &RemoteSave,
    timeout_ms: u32,
    keepalive: bool,
) -> bool {
    if !remote.borrow().saving() {
        return false;
    }
    let mut outcome = write(url, auth, body.clone(), remote, timeout_ms, keepalive).await;
    if outcome == Ok(StateWrite::Conflict) {
        if let Ok(doc) = http::get_state(url, auth, timeout_ms).await {
            remote.borrow_mut().read(doc.status, doc.etag);
            outcome = write(url, auth, body, remote, timeout_ms, keepalive).await;
        }
    }
    match outcome {
        Ok(StateWrite::Saved) => false,
        Ok(StateWrite::NoStateApi) => true,
        Ok(refused) => {
            web_sys::console::warn_1(
                &format!("the attempt could not be saved to the LRS: {refused:?}").into(),
            );
            false
        }
        Err(problem) => {
            web_sys::console::warn_1(
                &format!("the attempt could not be saved to the LRS: {problem}").into(),
            );
            false
        }
    }
}

/// One PUT of the document with the ETag known so far, judged by [`StateApi::wrote`].
async fn write(
    url: &str,
    auth: Option<&str>,
    body: String,
    remote: &RemoteSave,
    timeout_ms: u32,
    keepalive: bool,
) -> Result<StateWrite, String> {
    let known = remote.borrow().etag().map(str::to_string);
    let doc = http::put_state(url, auth, body, known.as_deref(), timeout_ms, keepalive).await?;
    let status = doc.status;
    let judged = remote.borrow_mut().wrote(status, doc.etag);
    if judged == StateWrite::Failed {
        return Err(format!("{status}: {}", doc.text.unwrap_or_default()));
    }
    Ok(judged)
}
