//! Shown while the module loads.

use crate::i18n::{t, Key};
use yew::prelude::*;

/// A short, announced loading message in the browser's language.
#[component]
pub fn LoadingPage() -> Html {
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
