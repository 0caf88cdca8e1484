//! Shown when an LMS's cmi5 launch does not start, or a reload finds the session ended:
//! what happened and what the learner can do, in the learner's words (the LMS's own code
//! and text kept as a detail), never advice meant for authors.

use crate::glue::cmi5::Cmi5Stop;
use crate::glue::{location, storage};
use crate::i18n::{t, tf, Arg, Key, Msg};
use web_sys::HtmlElement;
use yew::prelude::*;

/// Props of [`LmsStopPage`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// Why the launch stopped.
    pub stop: Cmi5Stop,
}

/// The language of a page shown before any module is read: the launch's `lang`, else the
/// learner's own earlier choice, else the browser's.
fn page_language() -> String {
    location::query_pairs()
        .into_iter()
        .find(|(k, _)| k == "lang")
        .map(|(_, v)| v)
        .or_else(storage::language)
        .or_else(|| gloo::utils::window().navigator().language())
        .unwrap_or_default()
}

/// The learner's page for a launch that stopped; an ended session goes back to the LMS's
/// `returnURL` at once (cmi5 10.2.6), and keeps the link for a browser that stays.
#[component]
pub fn LmsStopPage(props: &Props) -> Html {
    let lang = use_memo((), |_| page_language());
    let heading = use_node_ref();
    {
        let heading = heading.clone();
        let target = match &props.stop {
            Cmi5Stop::Ended { return_url } => return_url.clone(),
            _ => None,
        };
        use_effect_with((), move |_| {
            if let Some(h) = heading.cast::<HtmlElement>() {
                let _ = h.focus();
            }
            if let Some(url) = target.filter(|u| is_web_url(u)) {
                let _ = gloo::utils::window().location().assign(&url);
            }
        });
    }
    let lang = lang.as_str();
    let (title, text, detail) = match &props.stop {
        Cmi5Stop::Refused { detail } => (Key::LmsStopTitle, Key::LmsRefused, Some(detail)),
        Cmi5Stop::Unreachable { detail } => (Key::LmsStopTitle, Key::LmsUnreachable, Some(detail)),
        Cmi5Stop::LinkUsed => (Key::LmsStopTitle, Key::LmsLinkUsed, None),
        Cmi5Stop::PartMissing => (Key::LmsStopTitle, Key::ChunkFailed, None),
        Cmi5Stop::Ended { .. } => (Key::SessionEndedTitle, Key::SessionEnded, None),
    };
    let back = match &props.stop {
        Cmi5Stop::Ended {
            return_url: Some(url),
        } if is_web_url(url) => html! {
            <a class="button primary" href={url.clone()}>{ t(lang, Key::ReturnToCourse) }</a>
        },
        Cmi5Stop::PartMissing => {
            let onclick = Callback::from(|_: MouseEvent| {
                let _ = gloo::utils::window().location().reload();
            });
            html! {
                <button type="button" class="primary" {onclick}>{ t(lang, Key::ChunkRetry) }</button>
            }
        }
        _ => html! {},
    };
    html! {
        <main class="error-page lms-stop" id="main">
            <h1 tabindex="-1" ref={heading}>{ t(lang, title) }</h1>
            <p role="alert">{ t(lang, text) }</p>
            if let Some(detail) = detail {
                <p class="detail"><code>{ tf(lang, Msg::LmsDetail, &[("detail", Arg::Text(detail))]) }</code></p>
            }
            { back }
        </main>
    }
}

/// Only an http(s) address is followed or linked: a `javascript:` URL from an LMS's
/// launch data must never run in the player's page.
pub fn is_web_url(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}
