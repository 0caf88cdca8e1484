//! Shown when the module or the launch parameters are broken: every problem, located.

use crate::i18n::{t, Key};
use yew::prelude::*;

/// Props of [`ErrorPage`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// Each problem as `file:line:column: path: message` (or `source: field: message`).
    pub problems: Vec<String>,
}

/// The list of problems, in both of the player's languages' words around them.
#[component]
pub fn ErrorPage(props: &Props) -> Html {
    let lang = gloo::utils::window()
        .navigator()
        .language()
        .unwrap_or_default();
    html! {
        <main class="error-page">
            <h1>{ t(&lang, Key::ErrorTitle) }</h1>
            <p>{ t(&lang, Key::ErrorIntro) }</p>
            <div role="alert">
                <ul class="problems">
                    { for props.problems.iter().map(|p| html! { <li><code>{ p.clone() }</code></li> }) }
                </ul>
            </div>
            <p>{ t(&lang, Key::ErrorHelp) }</p>
        </main>
    }
}
