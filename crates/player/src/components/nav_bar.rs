//! Moving between pages, and finishing.

use crate::i18n::{t, unanswered, Key};
use yew::prelude::*;

/// Props of [`NavBar`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The player's language.
    pub lang: String,
    /// The current page's index in reading order.
    pub index: usize,
    /// How many pages there are.
    pub count: usize,
    /// Questions not answered yet in this attempt.
    pub unanswered: usize,
    /// Go to the previous page.
    pub onprevious: Callback<MouseEvent>,
    /// Go to the next page.
    pub onnext: Callback<MouseEvent>,
    /// Finish the attempt (offered on the last page).
    pub onfinish: Callback<MouseEvent>,
}

/// Previous and next buttons; on the last page, Finish with a warning about open questions.
#[component]
pub fn NavBar(props: &Props) -> Html {
    let lang = &props.lang;
    let last = props.index + 1 >= props.count;
    html! {
        <nav class="nav" aria-label={t(lang, Key::Pages)}>
            if props.index > 0 {
                <button type="button" class="secondary" onclick={props.onprevious.clone()}>
                    { "← " }{ t(lang, Key::Previous) }
                </button>
            }
            <span class="spacer"></span>
            if last {
                <div class="finish">
                    if props.unanswered > 0 {
                        <p class="warning" id="unanswered-warning">{ unanswered(lang, props.unanswered) }</p>
                    }
                    <button
                        type="button"
                        class="primary"
                        aria-describedby={(props.unanswered > 0).then_some("unanswered-warning")}
                        onclick={props.onfinish.clone()}
                    >
                        { t(lang, Key::Finish) }
                    </button>
                </div>
            } else {
                <button type="button" class="primary" onclick={props.onnext.clone()}>
                    { t(lang, Key::Next) }{ " →" }
                </button>
            }
        </nav>
    }
}
