//! Reporting to a SCORM LMS: after every step the attempt's status, location and resume
//! data (or, at the end, the result) are set and committed; the session with the LMS ends
//! at the end of the attempt, or when the page goes away in the middle of one (then as a
//! suspend, so the LMS resumes it). What is set comes from `pelita_xapi::scorm::values`.
//!
//! A commit the LMS refuses is not the end: the values are set and committed again at the
//! next step, and a result whose commit failed is committed again every 30 seconds (the
//! session with the LMS ends only once it is saved), so the learner can be told truthfully
//! that it is kept and will be sent again.

use crate::glue::browser_env::BrowserEnv;
use crate::glue::scorm::{LmsError, LmsProblem};
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

/// How often a result the LMS did not save is committed again.
const RETRY_MS: u32 = 30_000;

/// When to end the session with the LMS after setting and committing.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// Not now.
    No,
    /// Once the commit worked (the end of the attempt).
    IfSaved,
    /// Whatever happened: the page is going away. A browser refuses an LMS's synchronous
    /// request while a page hides, so its Commit may fail, while Terminate hands the data
    /// over as the page goes (scorm-again sends it with a beacon).
    Always,
}

/// [`scorm_report`], from the SCORM chunk: a state with a SCORM session has it, because
/// starting the session needed it.
fn report(state: &PlayerState, progress: &Progress, end: End) -> Result<(), LmsError> {
    match crate::chunks::SCORM.ready() {
        Some(glue) => (glue.report)(state, progress, end),
        None => Ok(()),
    }
}

/// Sets `progress` (with the exit values when ending), commits, and ends the session as
/// `end` says; returns the first LMS error. In the SCORM chunk (`chunks::SCORM`).
pub fn scorm_report(state: &PlayerState, progress: &Progress, end: End) -> Result<(), LmsError> {
    let Some(scorm) = state.scorm.as_ref() else {
        return Ok(());
    };
    if scorm.is_terminated() {
        return Ok(());
    }
    let leaving = (end != End::No).then(|| (js_sys::Date::now() - scorm.started_ms) as i64);
    let mut first = Ok(());
    for (element, value) in values(scorm.version, progress, leaving) {
        if let Err(e) = scorm.set(element, &value) {
            first = first.and(Err(e));
        }
    }
    let committed = scorm.commit();
    // Ending the session now would lose what the LMS did not store: it ends only after a
    // commit that worked.
    let ended = match (&committed, end) {
        (_, End::Always) | (Ok(()), End::IfSaved) => scorm.terminate(),
        _ => Ok(()),
    };
    first.and(committed).and(ended)
}

/// Reports and tells the player how it went: an error is shown to the learner, and a
/// success clears an earlier error (a missing API stays said).
fn report_and_tell(state: &PlayerContext, progress: &Progress, end: End) {
    match report(state, progress, end) {
        Err(problem) => {
            web_sys::console::warn_1(&problem.to_string().into());
            state.dispatch(Action::LmsProblem(LmsProblem::Failed(problem)));
        }
        Ok(()) if matches!(state.lms_problem, Some(LmsProblem::Failed(_))) => {
            state.dispatch(Action::LmsSaved);
        }
        Ok(()) => {}
    }
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
                let end = if finished { End::IfSaved } else { End::No };
                report_and_tell(&state, &progress, end);
            }
        });
    }
    let latest = use_mut_ref(|| ctx.clone());
    *latest.borrow_mut() = ctx.clone();
    {
        // A finished attempt whose result the LMS did not store: committed again until
        // it is.
        let unsaved = active
            && matches!(ctx.session.phase(), Phase::Finished(_))
            && matches!(ctx.lms_problem, Some(LmsProblem::Failed(_)))
            && ctx.scorm.as_ref().is_some_and(|s| !s.is_terminated());
        let latest = latest.clone();
        use_effect_with(unsaved, move |&unsaved| {
            let timer = unsaved.then(|| {
                gloo::timers::callback::Interval::new(RETRY_MS, move || {
                    let state = latest.borrow().clone();
                    if let Some(progress) = progress(&state) {
                        report_and_tell(&state, &progress, End::IfSaved);
                    }
                })
            });
            move || drop(timer)
        });
    }
    // Leaving in the middle of an attempt: suspend, so the LMS offers to resume.
    use_effect_with(active, move |&active| {
        let listener = active.then(|| {
            EventListener::new(&gloo::utils::window(), "pagehide", move |_| {
                let state = latest.borrow();
                if let Some(progress) = progress(&state) {
                    let _ = report(&state, &progress, End::Always);
                }
            })
        });
        move || drop(listener)
    });
}
