//! Shown when the module or the launch parameters are broken: every problem, located
//! (a view function: no state).

use crate::i18n::{t, Key};
use yew::prelude::*;

/// The list of problems, each as `file:line:column: path: message` (or
/// `source: field: message`), with the player's words around them in the browser's language.
pub fn error_page(problems: &[String]) -> Html {
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
                    { for problems.iter().map(|p| html! { <li><code>{ p.clone() }</code></li> }) }
                </ul>
            </div>
            <p>{ t(&lang, Key::ErrorHelp) }</p>
        </main>
    }
}
