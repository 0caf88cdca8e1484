//! The answer widget of a question that is not true/false, choice or Likert: the
//! sequence, matching, hotspot, typed-answer, number and performance widgets.
//!
//! It is a chunk of its own in the learners' build (`chunks::WIDGETS`): most first pages
//! hold only true/false and choice questions, whose list `QuestionCard` draws itself, so
//! these widgets are not paid for before the first page. The card keeps the state they
//! share with its "check answer" rule (the number typed, the last move) and hands it in.

use crate::components::{
    fill_in_sentence, long_answer, match_list, number_answer, performance_form, sequence_list,
    FillInView, HotspotImageProps, Lazy, LongView, MatchView, Move, NumberView, PerformanceView,
    SequenceView, Shown,
};
use crate::i18n::{t, tf, Arg, Key, Msg};
use pelita_lesson::{Question, QuestionKind, Response};
use yew::prelude::*;

/// What [`question_widget`] draws from: the question, what the learner has put in so far,
/// the card's callbacks and the state the card keeps for its "check answer" rule.
#[derive(Clone, PartialEq)]
pub struct WidgetProps {
    /// The question.
    pub question: Question,
    /// The language shown.
    pub lang: String,
    /// The module's default language, for missing texts.
    pub fallback: String,
    /// The submitted response, or else the draft.
    pub shown: Option<Response>,
    /// The question was answered: the widget is read-only.
    pub answered: bool,
    /// The image of a hotspot question, resolved against the module's address.
    pub image_src: Option<AttrValue>,
    /// A region of a hotspot question was chosen.
    pub ontoggle: Callback<String>,
    /// The learner's response changed: the whole new draft.
    pub onrespond: Callback<Response>,
    /// The last move in a sequencing question (the card moves focus after it).
    pub moved: UseStateHandle<Option<(String, Move)>>,
    /// The number field holds text that is not a number.
    pub number_problem: UseStateHandle<bool>,
    /// The number field's text as typed.
    pub number_text: UseStateHandle<Option<String>>,
}

/// The hint under the prompt of a question with a widget of its own, or `None` for the
/// kinds `QuestionCard` lists itself.
pub fn widget_hint(kind: &QuestionKind) -> Option<Key> {
    Some(match kind {
        QuestionKind::Sequencing { .. } => Key::OrderHint,
        QuestionKind::Matching { .. } => Key::MatchHint,
        QuestionKind::Hotspot { .. } => Key::HotspotHint,
        QuestionKind::FillIn { .. } => Key::FillInHint,
        QuestionKind::LongFillIn { .. } => Key::LongAnswerHint,
        QuestionKind::Numeric { .. } => Key::NumberHint,
        QuestionKind::Performance { .. } => Key::PerformanceHint,
        QuestionKind::TrueFalse { .. }
        | QuestionKind::Choice { .. }
        | QuestionKind::Likert { .. } => return None,
    })
}

/// A field's callback for a list of texts (the blanks of a fill-in, the steps of a
/// performance question): the text typed into field `i` replaces the `i`th, and the whole
/// list, made a response by `response`, goes to `onrespond`.
fn replace_text(
    texts: &[String],
    response: fn(Vec<String>) -> Response,
    onrespond: &Callback<Response>,
) -> Callback<(usize, String)> {
    let texts = texts.to_vec();
    let onrespond = onrespond.clone();
    Callback::from(move |(i, text): (usize, String)| {
        let mut next = texts.clone();
        if let Some(slot) = next.get_mut(i) {
            *slot = text;
        }
        onrespond.emit(response(next));
    })
}

/// The widget of a question with one (see [`widget_hint`]); nothing for the others.
pub fn question_widget(props: &WidgetProps) -> Html {
    let q = &props.question;
    let lang = &props.lang;
    let fb = &props.fallback;
    let base = format!("q-{}", q.id);
    let shown = props.shown.as_ref();
    let answered = props.answered;
    let moved = props.moved.clone();
    let number_problem = props.number_problem.clone();
    let number_text = props.number_text.clone();
    match &q.kind {
        QuestionKind::Sequencing { items, start } => {
            let order: Vec<String> = match shown {
                Some(Response::Order(o)) => o.clone(),
                _ => start.clone(),
            };
            let onmove = {
                let order = order.clone();
                let onrespond = props.onrespond.clone();
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
                    onrespond.emit(Response::Order(next));
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
            html! {
                <>
                    { list }
                    <p class="visually-hidden" aria-live="polite">{ announcement.unwrap_or_default() }</p>
                </>
            }
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
            // A target picked for a source is the learner's pairs so far with that one.
            let onpair = {
                let chosen = chosen.clone();
                let onrespond = props.onrespond.clone();
                Callback::from(move |pair: (String, String)| {
                    onrespond.emit(Response::pairs(chosen.iter().cloned().chain([pair])))
                })
            };
            match_list(MatchView {
                base: &base,
                lang,
                fallback: fb,
                sources,
                targets,
                chosen: &chosen,
                correct: pairs,
                answered,
                onpair,
            })
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
            html! {
                <Lazy shows={Shown::new(&crate::chunks::HOTSPOT, HotspotImageProps {
                    base: base.clone().into(),
                    src: props.image_src.clone().unwrap_or_else(|| image.src.clone().into()),
                    alt: image.alt.text(lang, fb).to_string().into(),
                    width: image.width.unwrap_or(1),
                    height: image.height.unwrap_or(1),
                    regions,
                    chosen,
                    answered,
                    onchoose: props.ontoggle.clone(),
                })} />
            }
        }
        QuestionKind::FillIn { blanks, .. } => {
            let texts: Vec<String> = match shown {
                Some(Response::Texts(t)) => t.clone(),
                _ => vec![String::new(); blanks.len()],
            };
            let ontext = replace_text(&texts, Response::Texts, &props.onrespond);
            fill_in_sentence(FillInView {
                base: &base,
                lang,
                prompt: q.prompt.text(lang, fb),
                blanks,
                texts: &texts,
                answered,
                ontext,
            })
        }
        QuestionKind::LongFillIn { max_length, .. } => {
            let text = match shown {
                Some(Response::Texts(t)) => t.first().cloned().unwrap_or_default(),
                _ => String::new(),
            };
            let ontext = {
                let onrespond = props.onrespond.clone();
                Callback::from(move |text: String| onrespond.emit(Response::Texts(vec![text])))
            };
            long_answer(LongView {
                base: &base,
                lang,
                text: &text,
                max: *max_length,
                answered,
                ontext,
            })
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
                let onrespond = props.onrespond.clone();
                let number_problem = number_problem.clone();
                let number_text = number_text.clone();
                Callback::from(move |text: String| {
                    let parsed = pelita_lesson::parse_decimal(&text);
                    number_problem.set(parsed.is_none() && !text.trim().is_empty());
                    number_text.set(Some(text));
                    if let Some(n) = parsed {
                        onrespond.emit(Response::Number(n));
                    }
                })
            };
            number_answer(NumberView {
                base: &base,
                initial,
                problem: (*number_problem).then(|| t(lang, Key::NotANumber).to_string()),
                answered,
                ontext,
            })
        }
        QuestionKind::Performance {
            steps,
            case_sensitive,
        } => {
            let texts: Vec<String> = match shown {
                Some(Response::Steps(t)) => t.clone(),
                _ => vec![String::new(); steps.len()],
            };
            let ontext = replace_text(&texts, Response::Steps, &props.onrespond);
            let verdicts = answered.then(|| {
                steps
                    .iter()
                    .enumerate()
                    .map(|(i, step)| {
                        step.accepts_with(
                            texts.get(i).map(String::as_str).unwrap_or(""),
                            *case_sensitive,
                            crate::glue::intl::CASE_FOLD,
                        )
                    })
                    .collect()
            });
            performance_form(PerformanceView {
                base: &base,
                lang,
                fallback: fb,
                steps,
                texts: &texts,
                verdicts,
                ontext,
            })
        }
        QuestionKind::TrueFalse { .. }
        | QuestionKind::Choice { .. }
        | QuestionKind::Likert { .. } => Html::default(),
    }
}
