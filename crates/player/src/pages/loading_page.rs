//! Shown while the module loads (a view function: no state).

use crate::i18n::{t, Key};
use yew::prelude::*;

/// A short, announced loading message in the browser's language.
pub fn loading_page() -> Html {
    let lang = gloo::utils::window()
        .navigator()
        .language()
        .unwrap_or_default();
    html! {
        <main class="loading" aria-busy="true">
            <p role="status">{ t(&lang, Key::Loading) }</p>
        </main>
    }
}
