//! One question of any kind, its "check answer" button and its feedback.
//!
//! The card is presentational: it shows the draft and the submitted answer it is given and
//! reports the learner's clicks; the session decides what they mean.

use crate::components::{
    prompt_with_gaps, right_numbers, step_problem, widget_hint, Lazy, Move, Shown, WidgetProps,
};
use crate::i18n::{t, tf, Arg, Key, Msg};
use pelita_lesson::{Answer, Question, QuestionKind, Response};
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;
use yew::prelude::*;

/// Props of [`QuestionCard`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The question.
    pub question: Question,
    /// The language shown.
    pub lang: String,
    /// The module's default language, for missing texts.
    pub fallback: String,
    /// The response chosen but not yet submitted.
    #[prop_or_default]
    pub draft: Option<Response>,
    /// The submitted answer, once there is one.
    #[prop_or_default]
    pub answer: Option<Answer>,
    /// A choice or a hotspot region was clicked (it is chosen, or no longer chosen).
    pub ontoggle: Callback<String>,
    /// The learner's response changed (true or false chosen, items reordered, a target
    /// picked, text or a number typed): the whole new draft.
    pub onrespond: Callback<Response>,
    /// "Check answer" was pressed.
    pub onsubmit: Callback<()>,
    /// The image of a hotspot question, resolved against the module's address.
    #[prop_or_default]
    pub image_src: Option<AttrValue>,
}

struct ChoiceView {
    key: String,
    label: String,
    chosen: bool,
    correct: bool,
    feedback: Option<String>,
    onchange: Callback<Event>,
}

/// A question as a fieldset of real radio buttons or checkboxes with labels.
#[component]
pub fn QuestionCard(props: &Props) -> Html {
    let feedback_ref = use_node_ref();
    let mounted = use_mut_ref(|| false);
    {
        // After "check answer" the inputs are disabled, so focus moves to the feedback that
        // the learner needs to read next. A question shown already answered (on a page the
        // learner comes back to) leaves focus where the page put it.
        let feedback_ref = feedback_ref.clone();
        use_effect_with(props.answer.is_some(), move |answered| {
            let was_mounted = std::mem::replace(&mut *mounted.borrow_mut(), true);
            if *answered && was_mounted {
                if let Some(el) = feedback_ref.cast::<HtmlElement>() {
                    let _ = el.focus();
                }
            }
        });
    }
    // The last move in a sequencing question: focus follows the moved item, and a live
    // region says where it went.
    let moved = use_state(|| None::<(String, Move)>);
    {
        let base = format!("q-{}", props.question.id);
        use_effect_with((*moved).clone(), move |moved| {
            if let Some((item, dir)) = moved {
                let document = gloo::utils::document();
                let other = if *dir == Move::Up {
                    Move::Down
                } else {
                    Move::Up
                };
                let find = |d: Move| {
                    document
                        .get_element_by_id(&format!("{base}-{item}-{}", d.suffix()))
                        .and_then(|e| e.dyn_into::<web_sys::HtmlButtonElement>().ok())
                        .filter(|b| !b.disabled())
                };
                if let Some(button) = find(*dir).or_else(|| find(other)) {
                    let _ = button.focus();
                }
            }
        });
    }
    // What is typed into a number field that is not (yet) a number: kept here, since the
    // session only ever holds numbers.
    let number_problem = use_state(|| false);
    // The number field's text as typed. The field shows it rather than the number it stands
    // for: showing the number re-set the field on every keystroke, so `7,` became `7` and
    // typing `7,5` gave 75, and an emptied field filled itself in again.
    let number_text = use_state(|| None::<String>);
    let q = &props.question;
    let lang = &props.lang;
    let fb = &props.fallback;
    let base = format!("q-{}", q.id);
    let shown = props
        .answer
        .as_ref()
        .map(|a| &a.response)
        .or(props.draft.as_ref());
    let answered = props.answer.is_some();
    // The kinds with a widget of their own (in a chunk of its own, see
    // `question_widget.rs`); true/false, choice and Likert share the list below.
    let special = widget_hint(&q.kind).map(|hint| {
        let widget = WidgetProps {
            question: q.clone(),
            lang: lang.clone(),
            fallback: fb.clone(),
            shown: shown.cloned(),
            answered,
            image_src: props.image_src.clone(),
            ontoggle: props.ontoggle.clone(),
            onrespond: props.onrespond.clone(),
            moved: moved.clone(),
            number_problem: number_problem.clone(),
            number_text: number_text.clone(),
        };
        (
            hint,
            html! { <Lazy shows={Shown::new(&crate::chunks::WIDGETS, widget)} /> },
        )
    });
    let (multiple, options): (bool, Vec<ChoiceView>) = match &q.kind {
        QuestionKind::TrueFalse { answer } => {
            let chosen = match shown {
                Some(Response::TrueFalse(b)) => Some(*b),
                _ => None,
            };
            let make = |value: bool, key: Key| {
                let onrespond = props.onrespond.clone();
                ChoiceView {
                    key: value.to_string(),
                    label: t(lang, key).to_string(),
                    chosen: chosen == Some(value),
                    correct: *answer == value,
                    feedback: None,
                    onchange: Callback::from(move |_| onrespond.emit(Response::TrueFalse(value))),
                }
            };
            (false, vec![make(true, Key::True), make(false, Key::False)])
        }
        QuestionKind::Choice { multiple, choices } => {
            let chosen = match shown {
                Some(Response::Choices(c)) => c.clone(),
                _ => Default::default(),
            };
            let options = choices
                .iter()
                .map(|c| {
                    let ontoggle = props.ontoggle.clone();
                    let id = c.id.clone();
                    ChoiceView {
                        key: c.id.clone(),
                        label: c.text.text(lang, fb).to_string(),
                        chosen: chosen.contains(&c.id),
                        correct: c.correct,
                        feedback: c.feedback.as_ref().map(|f| f.text(lang, fb).to_string()),
                        onchange: Callback::from(move |_| ontoggle.emit(id.clone())),
                    }
                })
                .collect();
            (*multiple, options)
        }
        QuestionKind::Likert { scale } => {
            let chosen = match shown {
                Some(Response::Choices(c)) => c.clone(),
                _ => Vec::new(),
            };
            let options = scale
                .iter()
                .map(|point| {
                    let ontoggle = props.ontoggle.clone();
                    let id = point.id.clone();
                    ChoiceView {
                        key: point.id.clone(),
                        label: point.text.text(lang, fb).to_string(),
                        chosen: chosen.contains(&point.id),
                        // A survey has no right answer to mark.
                        correct: false,
                        feedback: None,
                        onchange: Callback::from(move |_| ontoggle.emit(id.clone())),
                    }
                })
                .collect();
            (false, options)
        }
        _ => (false, Vec::new()),
    };
    let can_submit = !answered
        && match &q.kind {
            // The first order shown is an answer too: the learner may think it right.
            QuestionKind::Sequencing { .. } => true,
            // Every source needs a target.
            QuestionKind::Matching { sources, .. } => {
                matches!(shown, Some(Response::Pairs(p)) if p.len() == sources.len())
            }
            // An emptied field holds no answer, whatever number it held before.
            QuestionKind::Numeric { .. } => {
                !*number_problem
                    && !number_text.as_deref().is_some_and(|t| t.trim().is_empty())
                    && matches!(shown, Some(Response::Number(_)))
            }
            // Something typed, and every number step holding a number or nothing.
            QuestionKind::Performance { steps, .. } => match shown {
                Some(r @ Response::Steps(texts)) => {
                    !r.is_empty() && !steps.iter().zip(texts).any(|(s, t)| step_problem(s, t))
                }
                _ => false,
            },
            _ => shown.is_some_and(|r| !r.is_empty()),
        };
    let input_type = if multiple { "checkbox" } else { "radio" };
    let hint = match &special {
        Some((hint, _)) => *hint,
        None if matches!(q.kind, QuestionKind::Likert { .. }) => Key::LikertHint,
        None if multiple => Key::ChooseAll,
        None => Key::ChooseOne,
    };
    let prompt_id = format!("{base}-prompt");
    let items = options.iter().map(|o| {
        let input_id = format!("{base}-{}", o.key);
        let class = classes!(
            "option",
            o.chosen.then_some("chosen"),
            (answered && o.correct).then_some("key")
        );
        html! {
            <div {class}>
                <input
                    type={input_type}
                    id={input_id.clone()}
                    name={base.clone()}
                    value={o.key.clone()}
                    checked={o.chosen}
                    disabled={answered}
                    onchange={o.onchange.clone()}
                />
                <label for={input_id}>
                    { o.label.clone() }
                    if answered && o.correct {
                        <span class="tag">{ " — " }{ t(lang, Key::CorrectChoice) }</span>
                    }
                </label>
            </div>
        }
    });
    let onclick = {
        let onsubmit = props.onsubmit.clone();
        Callback::from(move |_| onsubmit.emit(()))
    };
    let feedback = props.answer.as_ref().map(|a| {
        let (verdict, general) = if !q.is_scored() {
            (t(lang, Key::Recorded).to_string(), q.feedback.correct.as_ref())
        } else if a.correct {
            (t(lang, Key::Correct).to_string(), q.feedback.correct.as_ref())
        } else if a.points > 0 {
            (
                tf(
                    lang,
                    Msg::PartlyCorrect,
                    &[
                        ("points", Arg::Num(f64::from(a.points))),
                        ("max", Arg::Num(f64::from(a.max_points))),
                    ],
                ),
                q.feedback.incorrect.as_ref(),
            )
        } else {
            (t(lang, Key::Incorrect).to_string(), q.feedback.incorrect.as_ref())
        };
        let picked: Vec<&ChoiceView> = options.iter().filter(|o| o.chosen && o.feedback.is_some()).collect();
        // A wrong order is followed by the right one, to learn from.
        let right_order = match &q.kind {
            QuestionKind::Sequencing { items, .. } if !a.correct => Some(html! {
                <>
                    <p>{ t(lang, Key::CorrectOrder) }</p>
                    <ol class="correct-order">
                        { for items.iter().map(|i| html! { <li>{ i.text.text(lang, fb) }</li> }) }
                    </ol>
                </>
            }),
            QuestionKind::FillIn { blanks, .. } if !a.correct => Some(html! {
                <ul class="accepted">
                    { for blanks.iter().map(|b| html! {
                        <li>{ tf(lang, Msg::AcceptedAnswers, &[("answers", Arg::Text(&b.accept.join(", ")))]) }</li>
                    }) }
                </ul>
            }),
            QuestionKind::Numeric { answer } if !a.correct => {
                Some(html! { <p>{ right_numbers(lang, answer) }</p> })
            }
            // Which step was right is said under each field; this counts them.
            QuestionKind::Performance { .. } => {
                let (right, count) = q.parts_right_with(&a.response, crate::glue::intl::CASE_FOLD);
                Some(html! {
                    <p>{ tf(lang, Msg::StepsRight, &[("right", Arg::Num(right as f64)), ("count", Arg::Num(count as f64))]) }</p>
                })
            }
            _ => None,
        };
        html! {
            <>
                <p class="verdict"><strong>{ verdict }</strong></p>
                if let Some(general) = general {
                    <p>{ general.text(lang, fb) }</p>
                }
                { right_order.unwrap_or_default() }
                if let Some(explanation) = &q.explanation {
                    <p class="explanation">
                        <strong>{ t(lang, Key::Explanation) }</strong>{ " " }{ explanation.text(lang, fb) }
                    </p>
                }
                if !picked.is_empty() {
                    <ul class="choice-feedback">
                        { for picked.iter().map(|o| html! {
                            <li>
                                <span class="chosen-label">{ tf(lang, Msg::YouChose, &[("choice", Arg::Text(&o.label))]) }</span>
                                { o.feedback.clone().unwrap_or_default() }
                            </li>
                        }) }
                    </ul>
                }
            </>
        }
    });
    let verdict_class = props.answer.as_ref().map(|a| {
        if !q.is_scored() {
            "recorded"
        } else if a.correct {
            "right"
        } else {
            "wrong"
        }
    });
    html! {
        <section class="question" id={base.clone()} aria-labelledby={prompt_id.clone()}>
            <fieldset>
                if matches!(q.kind, QuestionKind::FillIn { .. }) {
                    // The sentence with its inputs follows; the group is named by the
                    // sentence with gaps.
                    <legend id={prompt_id} class="visually-hidden">{ prompt_with_gaps(q.prompt.text(lang, fb)) }</legend>
                } else {
                    <legend id={prompt_id}>{ q.prompt.text(lang, fb) }</legend>
                }
                <p class="hint">{ t(lang, hint) }</p>
                if let Some((_, body)) = special {
                    { body }
                } else {
                    { for items }
                }
            </fieldset>
            if let (false, Some(hint)) = (answered, &q.hint) {
                <details class="hint-box">
                    <summary>{ t(lang, Key::Hint) }</summary>
                    <p>{ hint.text(lang, fb) }</p>
                </details>
            }
            if !answered {
                <button type="button" class="primary" disabled={!can_submit} {onclick}>
                    { t(lang, Key::CheckAnswer) }
                </button>
            }
            <div
                class={classes!("feedback", verdict_class)}
                role="status"
                aria-live="polite"
                tabindex="-1"
                ref={feedback_ref}
            >
                { feedback.unwrap_or_default() }
            </div>
        </section>
    }
}
