//! Reporting to a SCORM LMS: after every step the attempt's status, location and resume
//! data (or, at the end, the result) are set and committed; the session with the LMS ends
//! at the end of the attempt, or when the page goes away in the middle of one (then as a
//! suspend, so the LMS resumes it). What is set comes from `pelita_xapi::scorm::values`.

use crate::glue::browser_env::BrowserEnv;
use crate::state::{Action, PlayerContext, PlayerState};
use gloo::events::EventListener;
use pelita_lesson::Phase;
use pelita_xapi::scorm::{values, Progress};
use pelita_xapi::Env;
use yew::prelude::*;

/// The attempt as SCORM reports it, if there is one to report.
fn progress(state: &PlayerState) -> Option<Progress> {
    match state.session.phase() {
        Phase::Finished(outcome) => Some(Progress::Finished(*outcome)),
        Phase::InProgress => Some(Progress::InProgress {
            page: state.session.current_index(),
            suspend_data: state.saved_attempt(BrowserEnv.now_ms()).to_json(),
        }),
        Phase::NotStarted => None,
    }
}

/// Sets `progress` (with the exit values when `leaving`), commits, and ends the session
/// when asked; returns the first LMS error.
fn report(state: &PlayerState, progress: &Progress, end: bool) -> Result<(), String> {
    let Some(scorm) = state.scorm.as_ref() else {
        return Ok(());
    };
    if scorm.is_terminated() {
        return Ok(());
    }
    let leaving = end.then(|| (js_sys::Date::now() - scorm.started_ms) as i64);
    let mut first = Ok(());
    for (element, value) in values(scorm.version, progress, leaving) {
        if let Err(e) = scorm.set(element, &value) {
            first = first.and(Err(e));
        }
    }
    first = first.and(scorm.commit());
    if end {
        first = first.and(scorm.terminate());
    }
    first
}

/// Runs SCORM reporting for the player state `ctx`.
#[hook]
pub fn use_scorm(ctx: &PlayerContext) {
    let active = ctx.scorm.is_some();
    let step = (
        active && ctx.resume_checked && ctx.offer.is_none(),
        ctx.session.attempt(),
        ctx.session.current_index(),
        ctx.session.answered_count(),
        matches!(ctx.session.phase(), Phase::Finished(_)),
    );
    {
        let state = ctx.clone();
        use_effect_with(step, move |&(ready, _, _, _, finished)| {
            if !ready {
                return;
            }
            if let Some(progress) = progress(&state) {
                // The end of the attempt is the end of the SCORM session: the LMS records
                // the result now, whether or not the learner closes the window nicely.
                if let Err(problem) = report(&state, &progress, finished) {
                    web_sys::console::warn_1(&problem.clone().into());
                    state.dispatch(Action::LmsProblem(problem));
                }
            }
        });
    }
    // Leaving in the middle of an attempt: suspend, so the LMS offers to resume.
    let latest = use_mut_ref(|| ctx.clone());
    *latest.borrow_mut() = ctx.clone();
    use_effect_with(active, move |&active| {
        let listener = active.then(|| {
            EventListener::new(&gloo::utils::window(), "pagehide", move |_| {
                let state = latest.borrow();
                if let Some(progress) = progress(&state) {
                    let _ = report(&state, &progress, true);
                }
            })
        });
        move || drop(listener)
    });
}
