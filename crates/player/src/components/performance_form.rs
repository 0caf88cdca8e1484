//! The form of a performance question: one labelled field per step, and after the answer
//! is checked, under each field whether that step was right. A view function: the card
//! keeps the state.
//!
//! Each field is a real text input with its own `<label>`, so it works with any keyboard,
//! screen reader or phone keyboard; a number step asks phones for their decimal keypad
//! but stays a text field, so that `3,5` can be typed. A step's verdict is a word with a
//! mark ("✓ Right", "✗ Wrong"), never a colour alone, and is the field's description.

use crate::components::input_value;
use crate::i18n::{t, tf, Arg, Key, Msg};
use pelita_lesson::{NumericRange, Step, StepCheck};
use yew::prelude::*;

/// What the form shows.
pub struct PerformanceView<'a> {
    /// The question's element id prefix (`q-<id>`).
    pub base: &'a str,
    /// The language shown.
    pub lang: &'a str,
    /// The module's default language, for missing labels.
    pub fallback: &'a str,
    /// The steps, in order.
    pub steps: &'a [Step],
    /// What is typed so far, per step.
    pub texts: &'a [String],
    /// Once answered: whether each step was right.
    pub verdicts: Option<Vec<bool>>,
    /// Step `i` now holds this text.
    pub ontext: Callback<(usize, String)>,
}

/// Whether `text`, typed into `step`, keeps the answer from being checked: a number step
/// holding something that is not a number.
pub fn step_problem(step: &Step, text: &str) -> bool {
    step.is_number() && !text.trim().is_empty() && pelita_lesson::parse_decimal(text).is_none()
}

/// The right numbers of a numeric question or step, in words.
pub fn right_numbers(lang: &str, range: &NumericRange) -> String {
    let n = |v: i64| Arg::Num(v as f64 / 1_000_000.0);
    match (range.min, range.max) {
        (Some(lo), Some(hi)) if lo == hi => tf(lang, Msg::RightNumber, &[("answer", n(lo))]),
        (Some(lo), Some(hi)) => tf(lang, Msg::RightRange, &[("min", n(lo)), ("max", n(hi))]),
        (Some(lo), None) => tf(lang, Msg::RightAtLeast, &[("min", n(lo))]),
        (None, Some(hi)) => tf(lang, Msg::RightAtMost, &[("max", n(hi))]),
        (None, None) => String::new(),
    }
}

/// The form.
pub fn performance_form(view: PerformanceView<'_>) -> Html {
    let answered = view.verdicts.is_some();
    let fields = view.steps.iter().enumerate().map(|(i, step)| {
        let id = format!("{}-step-{}", view.base, step.id);
        let text = view.texts.get(i).cloned().unwrap_or_default();
        let problem = !answered && step_problem(step, &text);
        let verdict = view.verdicts.as_ref().and_then(|v| v.get(i).copied());
        let note_id = format!("{id}-note");
        let note = match verdict {
            Some(true) => html! { <><span aria-hidden="true">{ "✓ " }</span>{ t(view.lang, Key::StepRight) }</> },
            Some(false) => {
                let right = match &step.check {
                    StepCheck::Text { accept } => tf(view.lang, Msg::AcceptedAnswers, &[("answers", Arg::Text(&accept.join(", ")))]),
                    StepCheck::Number(range) => right_numbers(view.lang, range),
                };
                html! { <><span aria-hidden="true">{ "✗ " }</span>{ t(view.lang, Key::StepWrong) }{ " — " }{ right }</> }
            }
            None if problem => html! { { t(view.lang, Key::NotANumber) } },
            None => Html::default(),
        };
        let oninput = {
            let ontext = view.ontext.clone();
            Callback::from(move |e: InputEvent| ontext.emit((i, input_value(&e))))
        };
        let class = classes!(
            "step",
            verdict.map(|right| if right { "right" } else { "wrong" })
        );
        html! {
            <li {class}>
                <label for={id.clone()}>{ step.label.text(view.lang, view.fallback) }</label>
                <input
                    type="text"
                    class={if step.is_number() { "number" } else { "blank" }}
                    inputmode={step.is_number().then_some("decimal")}
                    id={id}
                    maxlength="200"
                    autocomplete="off"
                    spellcheck="false"
                    aria-describedby={note_id.clone()}
                    aria-invalid={problem.to_string()}
                    value={text}
                    disabled={answered}
                    {oninput}
                />
                <p
                    class={classes!(if verdict.is_some() { "step-note" } else { "problem" })}
                    id={note_id}
                    aria-live={(!answered).then_some("polite")}
                >
                    { note }
                </p>
            </li>
        }
    });
    html! { <ol class="steps">{ for fields }</ol> }
}
