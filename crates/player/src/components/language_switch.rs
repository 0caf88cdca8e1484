//! Switching between the module's languages.

use crate::i18n::{language_name, t, Key};
use yew::prelude::*;

/// Props of [`LanguageSwitch`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The module's languages.
    pub languages: Vec<String>,
    /// The language shown now.
    pub current: String,
    /// Called with the chosen language tag.
    pub onchange: Callback<String>,
}

/// A group of toggle buttons, one per language, each labelled in its own language.
#[component]
pub fn LanguageSwitch(props: &Props) -> Html {
    if props.languages.len() < 2 {
        return html! {};
    }
    let buttons = props.languages.iter().map(|tag| {
        let pressed = *tag == props.current;
        let onclick = {
            let tag = tag.clone();
            let onchange = props.onchange.clone();
            Callback::from(move |_| onchange.emit(tag.clone()))
        };
        html! {
            <button type="button" lang={tag.clone()} aria-pressed={pressed.to_string()} {onclick}>
                { language_name(tag) }
            </button>
        }
    });
    html! {
        <div class="languages" role="group" aria-label={t(&props.current, Key::Language)}>
            { for buttons }
        </div>
    }
}
