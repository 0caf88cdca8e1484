//! One question of any kind, its "check answer" button and its feedback.
//!
//! The card is presentational: it shows the draft and the submitted answer it is given and
//! reports the learner's clicks; the session decides what they mean.

use crate::components::{
    fill_in_sentence, long_answer, match_list, number_answer, performance_form, prompt_with_gaps,
    right_numbers, sequence_list, step_problem, FillInView, HotspotImageProps, Lazy, LongView,
    MatchView, Move, NumberView, PerformanceView, SequenceView,
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
    /// A choice was clicked (choice questions).
    pub ontoggle: Callback<String>,
    /// True or false was chosen (true/false questions).
    pub onanswer: Callback<bool>,
    /// "Check answer" was pressed.
    pub onsubmit: Callback<()>,
    /// The items of a sequencing question were put in this order.
    #[prop_or_default]
    pub onorder: Callback<Vec<String>>,
    /// A source of a matching question was given a target.
    #[prop_or_default]
    pub onpair: Callback<(String, String)>,
    /// The texts of a fill-in (one per blank) or long fill-in question changed.
    #[prop_or_default]
    pub ontexts: Callback<Vec<String>>,
    /// A numeric question now holds this number (in millionths).
    #[prop_or_default]
    pub onnumber: Callback<i64>,
    /// The fields of a performance question now hold these texts (one per step).
    #[prop_or_default]
    pub onsteps: Callback<Vec<String>>,
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
    // The kinds with a widget of their own; true/false and choice share the list below.
    let special: Option<(Key, Html)> = match &q.kind {
        QuestionKind::Sequencing { items, start } => {
            let order: Vec<String> = match shown {
                Some(Response::Order(o)) => o.clone(),
                _ => start.clone(),
            };
            let onmove = {
                let order = order.clone();
                let onorder = props.onorder.clone();
                let moved = moved.clone();
                Callback::from(move |(item, dir): (String, Move)| {
                    let Some(i) = order.iter().position(|o| *o == item) else {
                        return;
                    };
                    let j = match dir {
                        Move::Up if i > 0 => i - 1,
                        Move::Down if i + 1 < order.len() => i + 1,
                        _ => return,
                    };
                    let mut next = order.clone();
                    next.swap(i, j);
                    onorder.emit(next);
                    moved.set(Some((item, dir)));
                })
            };
            let announcement = (*moved).as_ref().and_then(|(item, _)| {
                let position = order.iter().position(|o| o == item)? + 1;
                let text = items.iter().find(|it| it.id == *item)?.text.text(lang, fb);
                Some(tf(
                    lang,
                    Msg::MovedTo,
                    &[
                        ("item", Arg::Text(text)),
                        ("position", Arg::Num(position as f64)),
                        ("count", Arg::Num(order.len() as f64)),
                    ],
                ))
            });
            let list = sequence_list(SequenceView {
                base: &base,
                lang,
                fallback: fb,
                items,
                order: &order,
                answered,
                onmove,
            });
            Some((
                Key::OrderHint,
                html! {
                    <>
                        { list }
                        <p class="visually-hidden" aria-live="polite">{ announcement.unwrap_or_default() }</p>
                    </>
                },
            ))
        }
        QuestionKind::Matching {
            sources,
            targets,
            pairs,
        } => {
            let chosen = match shown {
                Some(Response::Pairs(p)) => p.clone(),
                _ => Vec::new(),
            };
            Some((
                Key::MatchHint,
                match_list(MatchView {
                    base: &base,
                    lang,
                    fallback: fb,
                    sources,
                    targets,
                    chosen: &chosen,
                    correct: pairs,
                    answered,
                    onpair: props.onpair.clone(),
                }),
            ))
        }
        QuestionKind::Hotspot { image, regions } => {
            let chosen = match shown {
                Some(Response::Choices(c)) => c.first().cloned(),
                _ => None,
            };
            let regions = regions
                .iter()
                .map(|r| (r.clone(), r.label.text(lang, fb).to_string()))
                .collect::<Vec<_>>();
            Some((
                Key::HotspotHint,
                html! {
                    <Lazy<HotspotImageProps> piece={&crate::chunks::HOTSPOT} props={HotspotImageProps {
                        base: base.clone().into(),
                        src: props.image_src.clone().unwrap_or_else(|| image.src.clone().into()),
                        alt: image.alt.text(lang, fb).to_string().into(),
                        width: image.width.unwrap_or(1),
                        height: image.height.unwrap_or(1),
                        regions,
                        chosen,
                        answered,
                        onchoose: props.ontoggle.clone(),
                    }} />
                },
            ))
        }
        QuestionKind::FillIn { blanks, .. } => {
            let texts: Vec<String> = match shown {
                Some(Response::Texts(t)) => t.clone(),
                _ => vec![String::new(); blanks.len()],
            };
            let ontext = {
                let texts = texts.clone();
                let ontexts = props.ontexts.clone();
                Callback::from(move |(i, text): (usize, String)| {
                    let mut next = texts.clone();
                    if let Some(slot) = next.get_mut(i) {
                        *slot = text;
                    }
                    ontexts.emit(next);
                })
            };
            Some((
                Key::FillInHint,
                fill_in_sentence(FillInView {
                    base: &base,
                    lang,
                    prompt: q.prompt.text(lang, fb),
                    blanks,
                    texts: &texts,
                    answered,
                    ontext,
                }),
            ))
        }
        QuestionKind::LongFillIn { max_length, .. } => {
            let text = match shown {
                Some(Response::Texts(t)) => t.first().cloned().unwrap_or_default(),
                _ => String::new(),
            };
            let ontext = {
                let ontexts = props.ontexts.clone();
                Callback::from(move |text: String| ontexts.emit(vec![text]))
            };
            Some((
                Key::LongAnswerHint,
                long_answer(LongView {
                    base: &base,
                    lang,
                    text: &text,
                    max: *max_length,
                    answered,
                    ontext,
                }),
            ))
        }
        QuestionKind::Numeric { .. } => {
            // The typed text while it still stands for the number held (or for none: an
            // empty field, or text that is not a number yet); otherwise, as after a retry
            // or on resuming, the number itself.
            let initial = match (&*number_text, shown) {
                (Some(text), Some(Response::Number(n)))
                    if pelita_lesson::parse_decimal(text) == Some(*n) =>
                {
                    text.clone()
                }
                (Some(text), _) if pelita_lesson::parse_decimal(text).is_none() => text.clone(),
                (_, Some(Response::Number(n))) => pelita_lesson::format_decimal(*n),
                _ => String::new(),
            };
            let ontext = {
                let onnumber = props.onnumber.clone();
                let number_problem = number_problem.clone();
                let number_text = number_text.clone();
                Callback::from(move |text: String| {
                    let parsed = pelita_lesson::parse_decimal(&text);
                    number_problem.set(parsed.is_none() && !text.trim().is_empty());
                    number_text.set(Some(text));
                    if let Some(n) = parsed {
                        onnumber.emit(n);
                    }
                })
            };
            Some((
                Key::NumberHint,
                number_answer(NumberView {
                    base: &base,
                    initial,
                    problem: (*number_problem).then(|| t(lang, Key::NotANumber).to_string()),
                    answered,
                    ontext,
                }),
            ))
        }
        QuestionKind::Performance {
            steps,
            case_sensitive,
        } => {
            let texts: Vec<String> = match shown {
                Some(Response::Steps(t)) => t.clone(),
                _ => vec![String::new(); steps.len()],
            };
            let ontext = {
                let texts = texts.clone();
                let onsteps = props.onsteps.clone();
                Callback::from(move |(i, text): (usize, String)| {
                    let mut next = texts.clone();
                    if let Some(slot) = next.get_mut(i) {
                        *slot = text;
                    }
                    onsteps.emit(next);
                })
            };
            let verdicts = answered.then(|| {
                steps
                    .iter()
                    .enumerate()
                    .map(|(i, step)| {
                        step.accepts(
                            texts.get(i).map(String::as_str).unwrap_or(""),
                            *case_sensitive,
                        )
                    })
                    .collect()
            });
            Some((
                Key::PerformanceHint,
                performance_form(PerformanceView {
                    base: &base,
                    lang,
                    fallback: fb,
                    steps,
                    texts: &texts,
                    verdicts,
                    ontext,
                }),
            ))
        }
        QuestionKind::TrueFalse { .. }
        | QuestionKind::Choice { .. }
        | QuestionKind::Likert { .. } => None,
    };
    let (multiple, options): (bool, Vec<ChoiceView>) = match &q.kind {
        QuestionKind::TrueFalse { answer } => {
            let chosen = match shown {
                Some(Response::TrueFalse(b)) => Some(*b),
                _ => None,
            };
            let make = |value: bool, key: Key| {
                let onanswer = props.onanswer.clone();
                ChoiceView {
                    key: value.to_string(),
                    label: t(lang, key).to_string(),
                    chosen: chosen == Some(value),
                    correct: *answer == value,
                    feedback: None,
                    onchange: Callback::from(move |_| onanswer.emit(value)),
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
                let (right, count) = q.parts_right(&a.response);
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
