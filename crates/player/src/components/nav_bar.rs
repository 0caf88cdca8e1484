//! Moving between pages, and finishing (a view function: no state).

use crate::i18n::{is_rtl, t, unanswered, Key};
use yew::prelude::*;

/// Where the learner is and what the buttons do.
pub struct Nav {
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
pub fn nav_bar(nav: Nav) -> Html {
    let lang = &nav.lang;
    let last = nav.index + 1 >= nav.count;
    // The arrows point the way the page is read; they are decoration for screen readers.
    let (back, forward) = if is_rtl(lang) {
        ("→", "←")
    } else {
        ("←", "→")
    };
    html! {
        <nav class="nav" aria-label={t(lang, Key::Pages)}>
            if nav.index > 0 {
                <button type="button" class="secondary" onclick={nav.onprevious}>
                    <span aria-hidden="true">{ back }</span>{ " " }{ t(lang, Key::Previous) }
                </button>
            }
            <span class="spacer"></span>
            if last {
                <div class="finish">
                    if nav.unanswered > 0 {
                        <p class="warning" id="unanswered-warning">{ unanswered(lang, nav.unanswered) }</p>
                    }
                    <button
                        type="button"
                        class="primary"
                        aria-describedby={(nav.unanswered > 0).then_some("unanswered-warning")}
                        onclick={nav.onfinish}
                    >
                        { t(lang, Key::Finish) }
                    </button>
                </div>
            } else {
                <button type="button" class="primary" onclick={nav.onnext}>
                    { t(lang, Key::Next) }{ " " }<span aria-hidden="true">{ forward }</span>
                </button>
            }
        </nav>
    }
}
