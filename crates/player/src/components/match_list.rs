//! The rows of a matching question: each source with a native select of the targets (a
//! view function). A select works with a keyboard, a screen reader and a finger, which a
//! drag-and-drop board alone would not.

use crate::i18n::{t, tf, Arg, Key, Msg};
use pelita_lesson::Item;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// What the rows show.
pub struct MatchView<'a> {
    /// The question's element id prefix (`q-<id>`).
    pub base: &'a str,
    /// The language shown.
    pub lang: &'a str,
    /// The module's default language.
    pub fallback: &'a str,
    /// The sources, in the module's order.
    pub sources: &'a [Item],
    /// The targets, offered in alphabetical order of their text so that the module's
    /// order gives nothing away.
    pub targets: &'a [Item],
    /// The learner's pairs so far.
    pub chosen: &'a [(String, String)],
    /// The correct pairs, shown once answered.
    pub correct: &'a [(String, String)],
    /// Once answered, the selects are fixed.
    pub answered: bool,
    /// A source was given a target.
    pub onpair: Callback<(String, String)>,
}

/// The rows.
pub fn match_list(view: MatchView<'_>) -> Html {
    let text = |item: &Item| item.text.text(view.lang, view.fallback).to_string();
    let mut targets: Vec<(String, String)> = view
        .targets
        .iter()
        .map(|t| (t.id.clone(), text(t)))
        .collect();
    // The widgets chunk is not paid for before the first page, so the standard sort is
    // fine here (the first chunk uses `pelita_lesson::insertion_sort_by` to stay small).
    targets.sort_by(|a, b| a.1.cmp(&b.1));
    let rows = view.sources.iter().map(|source| {
        let select_id = format!("{}-{}", view.base, source.id);
        let current = view
            .chosen
            .iter()
            .find(|(s, _)| *s == source.id)
            .map(|(_, t)| t.clone());
        let right = view
            .correct
            .iter()
            .find(|(s, _)| *s == source.id)
            .map(|(_, t)| t.clone());
        let ok = view.answered && current.is_some() && current == right;
        let onchange = {
            let onpair = view.onpair.clone();
            let source = source.id.clone();
            Callback::from(move |e: Event| {
                let value = e
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
                    .map(|s| s.value())
                    .unwrap_or_default();
                if !value.is_empty() {
                    onpair.emit((source.clone(), value));
                }
            })
        };
        let correct_text = right
            .as_ref()
            .and_then(|r| targets.iter().find(|(id, _)| id == r))
            .map(|(_, text)| text.clone())
            .unwrap_or_default();
        html! {
            <div class={classes!("match-row", view.answered.then_some(if ok { "right" } else { "wrong" }))}>
                <label for={select_id.clone()}>{ text(source) }</label>
                <select id={select_id} disabled={view.answered} {onchange}>
                    <option value="" selected={current.is_none()}>{ t(view.lang, Key::ChooseMatch) }</option>
                    { for targets.iter().map(|(id, label)| html! {
                        <option value={id.clone()} selected={current.as_deref() == Some(id.as_str())}>{ label.clone() }</option>
                    }) }
                </select>
                if view.answered && !ok {
                    <span class="correct-match">
                        { tf(view.lang, Msg::CorrectMatch, &[("target", Arg::Text(&correct_text))]) }
                    </span>
                }
            </div>
        }
    });
    html! { <div class="matching">{ for rows }</div> }
}
