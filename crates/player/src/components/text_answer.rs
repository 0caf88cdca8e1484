//! The typed answers: blanks inside a sentence (fill-in), a longer answer with a character
//! count (long fill-in) and a number (numeric). View functions: the card keeps the state.
//!
//! Every input is a real, labelled text control, so it works with any keyboard, screen
//! reader or phone keyboard; a number field asks phones for their decimal keypad.

use crate::i18n::{tf, Arg, Msg};
use pelita_lesson::{blank_markers, Blank};
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// The value of the input or text area an event came from.
pub fn input_value(e: &InputEvent) -> String {
    let target = e.target();
    if let Some(input) = target
        .clone()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
    {
        return input.value();
    }
    target
        .and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
        .map(|t| t.value())
        .unwrap_or_default()
}

/// The prompt with every `[[id]]` marker shown as a gap, for the question's name.
pub fn prompt_with_gaps(prompt: &str) -> String {
    let mut out = prompt.to_string();
    for marker in blank_markers(prompt) {
        out = out.replacen(&format!("[[{marker}]]"), "…", 1);
    }
    out
}

/// The sentence of a fill-in question with an input where each marker is.
pub struct FillInView<'a> {
    /// The question's element id prefix (`q-<id>`).
    pub base: &'a str,
    /// The language shown.
    pub lang: &'a str,
    /// The prompt in that language, with its markers.
    pub prompt: &'a str,
    /// The blanks, in marker order.
    pub blanks: &'a [Blank],
    /// What is typed so far, per blank.
    pub texts: &'a [String],
    /// Once answered, the inputs are fixed.
    pub answered: bool,
    /// Blank `i` now holds this text.
    pub ontext: Callback<(usize, String)>,
}

/// The sentence with its inputs.
pub fn fill_in_sentence(view: FillInView<'_>) -> Html {
    let mut parts = Vec::new();
    let mut rest = view.prompt;
    let count = view.blanks.len();
    while let Some(start) = rest.find("[[") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("]]") else { break };
        parts.push(html! { { rest[..start].to_string() } });
        let id = after[..end].trim();
        if let Some(i) = view.blanks.iter().position(|b| b.id == id) {
            let oninput = {
                let ontext = view.ontext.clone();
                Callback::from(move |e: InputEvent| ontext.emit((i, input_value(&e))))
            };
            let value = view.texts.get(i).cloned().unwrap_or_default();
            parts.push(html! {
                <input
                    type="text"
                    class="blank"
                    id={format!("{}-{id}", view.base)}
                    aria-label={tf(view.lang, Msg::BlankN, &[("n", Arg::Num((i + 1) as f64)), ("count", Arg::Num(count as f64))])}
                    maxlength="200"
                    autocomplete="off"
                    spellcheck="false"
                    {value}
                    disabled={view.answered}
                    {oninput}
                />
            });
        }
        rest = &after[end + 2..];
    }
    parts.push(html! { { rest.to_string() } });
    html! { <p class="sentence">{ for parts }</p> }
}

/// A text area with its character count.
pub struct LongView<'a> {
    /// The question's element id prefix (`q-<id>`).
    pub base: &'a str,
    /// The language shown.
    pub lang: &'a str,
    /// The text so far.
    pub text: &'a str,
    /// The most characters allowed.
    pub max: u32,
    /// Once answered, the text is fixed.
    pub answered: bool,
    /// The text changed.
    pub ontext: Callback<String>,
}

/// The text area; the count is its description, read when the learner reaches the field,
/// not announced at every key.
pub fn long_answer(view: LongView<'_>) -> Html {
    let count_id = format!("{}-count", view.base);
    let oninput = {
        let ontext = view.ontext.clone();
        Callback::from(move |e: InputEvent| ontext.emit(input_value(&e)))
    };
    let count = view.text.chars().count();
    html! {
        <>
            <textarea
                class="long-answer"
                id={format!("{}-text", view.base)}
                aria-labelledby={format!("{}-prompt", view.base)}
                aria-describedby={count_id.clone()}
                maxlength={view.max.to_string()}
                rows="6"
                value={view.text.to_string()}
                disabled={view.answered}
                {oninput}
            />
            <p class="count" id={count_id}>
                { tf(view.lang, Msg::Characters, &[("count", Arg::Num(count as f64)), ("max", Arg::Num(f64::from(view.max)))]) }
            </p>
        </>
    }
}

/// A number field.
pub struct NumberView<'a> {
    /// The question's element id prefix (`q-<id>`).
    pub base: &'a str,
    /// The text shown at first (the saved draft or answer).
    pub initial: String,
    /// The problem with what is typed, if any.
    pub problem: Option<String>,
    /// Once answered, the number is fixed.
    pub answered: bool,
    /// The text changed.
    pub ontext: Callback<String>,
}

/// The field: text with a decimal keypad, so that `3,5` can be typed where a number input
/// would refuse the comma.
pub fn number_answer(view: NumberView<'_>) -> Html {
    let problem_id = format!("{}-problem", view.base);
    let oninput = {
        let ontext = view.ontext.clone();
        Callback::from(move |e: InputEvent| ontext.emit(input_value(&e)))
    };
    html! {
        <>
            <input
                type="text"
                inputmode="decimal"
                class="number"
                id={format!("{}-number", view.base)}
                aria-labelledby={format!("{}-prompt", view.base)}
                aria-describedby={problem_id.clone()}
                aria-invalid={view.problem.is_some().to_string()}
                autocomplete="off"
                value={view.initial}
                disabled={view.answered}
                {oninput}
            />
            <p class="problem" id={problem_id} aria-live="polite">{ view.problem.unwrap_or_default() }</p>
        </>
    }
}
