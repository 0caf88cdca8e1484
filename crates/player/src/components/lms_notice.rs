//! What the learner must know about the SCORM LMS, in the learner's language: that it is
//! not recording the attempt, or what it did not save, that it is kept and sent again, and
//! what to do; the LMS's own error code and text follow as a detail (a view function).

use crate::glue::scorm::{LmsCall, LmsProblem};
use crate::i18n::{t, tf, Arg, Key, Msg};
use crate::state::PlayerState;
use pelita_lesson::Phase;
use yew::prelude::*;

/// The notice for `state`, or nothing when the LMS has nothing to say.
pub fn lms_notice(state: &PlayerState) -> Html {
    let Some(problem) = &state.lms_problem else {
        return html! {};
    };
    let lang = state.lang.as_str();
    let (text, detail) = match problem {
        LmsProblem::NoApi => (t(lang, Key::ScormNoApi), None),
        LmsProblem::Failed(error) => {
            let text = match (error.call, state.session.phase()) {
                (LmsCall::Initialize, _) => Key::ScormStartFailed,
                (_, Phase::Finished(_)) => Key::ScormResultNotSaved,
                _ => Key::ScormAnswersNotSaved,
            };
            let detail = tf(
                lang,
                Msg::ScormErrorDetail,
                &[
                    ("code", Arg::Text(&error.code)),
                    ("text", Arg::Text(&error.text)),
                ],
            );
            (t(lang, text), Some(detail))
        }
    };
    html! {
        <div class="lms-notice" role="alert">
            <p>{ text }</p>
            if let Some(detail) = detail {
                <p class="detail"><code>{ detail }</code></p>
            }
        </div>
    }
}
