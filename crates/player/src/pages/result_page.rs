//! The result of a finished attempt: score, passed or not, each question, and a retry. In
//! a cmi5 Browse or Review launch there is no verdict, only each answer's feedback; a cmi5
//! session goes back to the LMS's `returnURL` once everything is saved.

use crate::glue::scorm::LmsProblem;
use crate::i18n::{mastery_line, score_line, t, tf, Arg, Key, Msg};
use crate::pages::is_web_url;
use crate::state::{Action, PlayerContext};
use pelita_lesson::{Command, Outcome};
use pelita_xapi::cmi5::LaunchMode;
use web_sys::HtmlElement;
use yew::prelude::*;

/// Props of [`ResultPage`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The attempt's outcome.
    pub outcome: Outcome,
}

/// Shows the outcome and offers another attempt.
#[component]
pub fn ResultPage(props: &Props) -> Html {
    let heading = use_node_ref();
    {
        let heading = heading.clone();
        use_effect_with((), move |_| {
            if let Some(h) = heading.cast::<HtmlElement>() {
                let _ = h.focus();
            }
        });
    }
    let ctx = use_context::<PlayerContext>();
    // cmi5 10.2.6: once the session has ended (terminated) and everything reached the LMS,
    // the window goes to `returnURL`; the link stays on the page for a browser that does
    // not follow (a blocked navigation leaves the learner here).
    let return_now = ctx.as_ref().and_then(|ctx| {
        let ended = ctx.cmi5_rules.as_ref().is_some_and(|r| r.terminated());
        let url = ctx.cmi5.as_ref()?.data.return_url.clone()?;
        (ended && ctx.outbox.pending() == 0 && is_web_url(&url)).then_some(url)
    });
    use_effect_with(return_now, |url| {
        if let Some(url) = url {
            let _ = gloo::utils::window().location().assign(url);
        }
    });
    let Some(ctx) = ctx else {
        return html! {};
    };
    let lang = ctx.lang.clone();
    let fallback = ctx.module.default_language().to_string();
    let outcome = props.outcome;
    let percent = (outcome.score.scaled() * 100.0).round() as u32;
    let mastery = (outcome.mastery_score * 100.0).round() as u32;
    let onretry = {
        let dispatcher = ctx.dispatcher();
        Callback::from(move |_| dispatcher.dispatch(Action::Learner(Command::Retry)))
    };
    let asked = ctx.session.attempt_questions(&ctx.module);
    let rows = asked.into_iter().map(|q| {
        let answer = ctx.session.answer(&q.id);
        let (class, status) = match answer {
            Some(a) if a.correct => ("right", t(&lang, Key::Correct)),
            Some(_) => ("wrong", t(&lang, Key::Incorrect)),
            None => ("wrong", t(&lang, Key::NotAnswered)),
        };
        let points = answer.map(|a| a.points).unwrap_or(0);
        html! {
            <li class={class}>
                <span class="q">{ q.prompt.text(&lang, &fallback) }</span>
                <span class="status">{ tf(&lang, Msg::QuestionStatus, &[
                    ("status", Arg::Text(status)),
                    ("points", Arg::Num(f64::from(points))),
                    ("max", Arg::Num(f64::from(q.points))),
                ]) }</span>
            </li>
        }
    });
    let verdict = if outcome.passed {
        Key::Passed
    } else {
        Key::Failed
    };
    // Browse and Review let the learner look around without judgement (cmi5 10.2.3): no
    // verdict, score or pass mark, only each answer's feedback.
    let looking = match ctx.cmi5.as_ref().map(|c| c.data.launch_mode) {
        Some(LaunchMode::Browse) => Some(Key::BrowseNote),
        Some(LaunchMode::Review) => Some(Key::ReviewNote),
        _ => None,
    };
    let unsaved = matches!(ctx.lms_problem, Some(LmsProblem::Failed(_)));
    // A cmi5 session ends with the attempt (terminated is sent): the way on is back to the
    // LMS, once everything has reached it, never another attempt in the same session.
    let ending = match &ctx.cmi5 {
        // Inside a SCORM LMS the session ended with the attempt too.
        // The LMS did not store the result: the notice above says so, never "saved".
        None if ctx.scorm.is_some() && unsaved => html! {},
        None if ctx.scorm.is_some() => html! { <p class="note">{ t(&lang, Key::CloseWindow) }</p> },
        None if !ctx.session.can_retry(&ctx.module) => {
            let max = ctx.module.max_attempts.unwrap_or(1);
            html! { <p class="note">{ tf(&lang, Msg::NoAttemptsLeft, &[("max", Arg::Num(f64::from(max)))]) }</p> }
        }
        None => {
            let label = if ctx.module.retry_wrong_only {
                Key::RetryWrong
            } else {
                Key::Retry
            };
            html! { <button type="button" class="primary" onclick={onretry}>{ t(&lang, label) }</button> }
        }
        Some(context) => {
            let waiting = ctx.outbox.pending() > 0;
            match &context.data.return_url {
                Some(url) if !waiting => html! {
                    <a class="button primary" href={url.clone()}>{ t(&lang, Key::ReturnToCourse) }</a>
                },
                Some(_) => html! { <p class="note">{ t(&lang, Key::ReturnWhenSaved) }</p> },
                None => html! { <p class="note">{ t(&lang, Key::CloseWindow) }</p> },
            }
        }
    };
    html! {
        <main class="result" id="main">
            <h1 tabindex="-1" ref={heading}>{ t(&lang, Key::ResultTitle) }</h1>
            if let Some(note) = looking {
                <p class="mode-note" role="status">{ t(&lang, note) }</p>
            } else {
                <p class={classes!("verdict", if outcome.passed { "passed" } else { "failed" })} role="status">
                    <strong>{ t(&lang, verdict) }</strong>
                </p>
                <p class="score">{ score_line(&lang, outcome.score.raw, outcome.score.max, percent) }</p>
                <p>{ mastery_line(&lang, mastery) }</p>
            }
            if let Some(max) = ctx.module.max_attempts {
                <p class="attempts">{ tf(&lang, Msg::AttemptOf, &[
                    ("n", Arg::Num(f64::from(ctx.session.attempt()))),
                    ("max", Arg::Num(f64::from(max))),
                ]) }</p>
            }
            <ol class="summary">{ for rows }</ol>
            { ending }
        </main>
    }
}
