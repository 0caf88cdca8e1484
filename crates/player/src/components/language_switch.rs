//! Switching between the module's languages (a view function: no state).

use crate::i18n::{language_name, t, Key};
use yew::prelude::*;

/// A group of toggle buttons, one per language, each labelled in its own language;
/// `onchange` gets the chosen tag. Nothing is shown for a one-language module.
pub fn language_switch(languages: &[String], current: &str, onchange: &Callback<String>) -> Html {
    if languages.len() < 2 {
        return html! {};
    }
    let buttons = languages.iter().map(|tag| {
        let pressed = tag == current;
        let onclick = {
            let tag = tag.clone();
            let onchange = onchange.clone();
            Callback::from(move |_| onchange.emit(tag.clone()))
        };
        html! {
            <button type="button" lang={tag.clone()} aria-pressed={pressed.to_string()} {onclick}>
                { language_name(tag) }
            </button>
        }
    });
    html! {
        <div class="languages" role="group" aria-label={t(current, Key::Language)}>
            { for buttons }
        </div>
    }
}
