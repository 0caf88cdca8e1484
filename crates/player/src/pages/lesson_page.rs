//! The current page of the module, with its navigation.

use crate::components::{
    image_block, nav_bar, rich_text, FlashcardsProps, ImageView, Lazy, MediaView, Nav,
    QuestionCard, Shown,
};
use crate::glue::{location, timing};
use crate::i18n::page_of;
use crate::i18n::{t, Key};
use crate::state::{Action, PlayerContext};
use pelita_lesson::{Block, CalloutKind, Command, QuestionKind, Response};
use web_sys::HtmlElement;
use yew::prelude::*;

/// The question as this attempt shows it: its choices in the attempt's order when the
/// module shuffles them (answers name choices by id, so nothing else changes).
fn shown_question(
    ctx: &PlayerContext,
    question: &pelita_lesson::Question,
) -> pelita_lesson::Question {
    let mut shown = question.clone();
    if let QuestionKind::Choice { choices, .. } = &mut shown.kind {
        let order = ctx
            .session
            .choice_order(&ctx.module, &question.id, choices.len());
        let original = std::mem::take(choices);
        *choices = order
            .into_iter()
            .filter_map(|i| original.get(i).cloned())
            .collect();
    }
    shown
}

/// A question of the page as its card, wired to the session through `ctx`. The pre-render
/// draws the same card for each answer it judges in advance (`prerender::outcomes`).
pub(crate) fn question_card(ctx: &PlayerContext, question: &pelita_lesson::Question) -> Html {
    let lang = &ctx.lang;
    let fallback = ctx.module.default_language();
    let id = question.id.clone();
    let dispatcher = ctx.dispatcher();
    let ontoggle = Callback::from(move |choice: String| {
        dispatcher.dispatch(Action::Learner(Command::ToggleChoice(id.clone(), choice)))
    });
    let id = question.id.clone();
    let dispatcher = ctx.dispatcher();
    let onrespond = Callback::from(move |response: Response| {
        dispatcher.dispatch(Action::Learner(Command::SetResponse(id.clone(), response)))
    });
    let id = question.id.clone();
    let dispatcher = ctx.dispatcher();
    // A sequencing question the learner did not touch is answered with the order
    // shown; the session needs it as the response first.
    let untouched = match &question.kind {
        QuestionKind::Sequencing { start, .. } if ctx.session.draft(&question.id).is_none() => {
            Some(Response::Order(start.clone()))
        }
        _ => None,
    };
    let onsubmit = Callback::from(move |_| {
        if let Some(order) = untouched.clone() {
            dispatcher.dispatch(Action::Learner(Command::SetResponse(id.clone(), order)));
        }
        dispatcher.dispatch(Action::Learner(Command::Submit(id.clone())))
    });
    let image_src = match &question.kind {
        QuestionKind::Hotspot { image, .. } => Some(AttrValue::from(location::resolve(
            &ctx.module_path,
            &image.src,
        ))),
        _ => None,
    };
    html! {
        <QuestionCard
            question={shown_question(ctx, question)}
            lang={lang.clone()}
            fallback={fallback.to_string()}
            draft={ctx.session.draft(&question.id).cloned()}
            answer={ctx.session.answer(&question.id).cloned()}
            {ontoggle}
            {onrespond}
            {onsubmit}
            {image_src}
        />
    }
}

/// Shows the session's current page.
#[component]
pub fn LessonPage() -> Html {
    let heading = use_node_ref();
    let first_render = use_mut_ref(|| true);
    let ctx = use_context::<PlayerContext>();
    let index = ctx.as_ref().map(|c| c.session.current_index()).unwrap_or(0);
    let attempt = ctx.as_ref().map(|c| c.session.attempt()).unwrap_or(0);
    {
        // Moving focus to the new page's heading tells keyboard and screen reader users
        // that the page changed (also after "try again", whose button is gone); only the
        // very first page of a visit keeps the browser's own focus.
        let heading = heading.clone();
        use_effect_with(index, move |_| {
            if std::mem::replace(&mut *first_render.borrow_mut(), false) && attempt <= 1 {
                return;
            }
            if let Some(h) = heading.cast::<HtmlElement>() {
                let _ = h.focus();
            }
            gloo::utils::window().scroll_to_with_x_and_y(0.0, 0.0);
        });
    }
    // A page of the module is on screen (marked at every mount; the first is a milestone
    // of the benchmarks, see glue::timing).
    use_effect_with((), |_| timing::mark("pelita:lesson-shown"));
    let Some(ctx) = ctx else {
        return html! {};
    };
    let lang = ctx.lang.clone();
    let fallback = ctx.module.default_language().to_string();
    let at = ctx.session.current_page();
    let (Some(lesson), Some(page)) = (
        ctx.module.lessons.get(at.lesson),
        ctx.module
            .lessons
            .get(at.lesson)
            .and_then(|l| l.pages.get(at.page)),
    ) else {
        return html! {};
    };
    let go = |target: usize| {
        let dispatcher = ctx.dispatcher();
        Callback::from(move |_| dispatcher.dispatch(Action::Learner(Command::GoTo(target))))
    };
    let onfinish = {
        let dispatcher = ctx.dispatcher();
        Callback::from(move |_| dispatcher.dispatch(Action::Learner(Command::Finish)))
    };
    let count = ctx.session.page_count();
    let unanswered = ctx
        .session
        .attempt_questions(&ctx.module)
        .iter()
        .filter(|q| ctx.session.answer(&q.id).is_none())
        .count();
    // The page as this attempt shows it: a pool's drawn questions, in the attempt's order.
    let shown = ctx.session.page_blocks(&ctx.module, at);
    let blocks = shown.into_iter().map(|block| match block {
        Block::Text(text) => rich_text(
            text.get(&lang, &fallback)
                .map(Vec::as_slice)
                .unwrap_or_default(),
        ),
        Block::Image(image) => image_block(ImageView {
            src: location::resolve(&ctx.module_path, &image.src),
            alt: image.alt.text(&lang, &fallback).to_string(),
            caption: image
                .caption
                .as_ref()
                .map(|c| c.text(&lang, &fallback).to_string()),
            width: image.width,
            height: image.height,
        }),
        Block::Callout(callout) => {
            let (class, label) = match callout.kind {
                CalloutKind::Info => ("info", Key::NoteInfo),
                CalloutKind::Warning => ("warning", Key::NoteWarning),
                CalloutKind::Tip => ("tip", Key::NoteTip),
            };
            html! {
                <aside class={classes!("callout", class)} role="note">
                    <p class="callout-title">
                        <strong>{ t(&lang, label) }</strong>
                        if let Some(title) = &callout.title {
                            { ": " }{ title.text(&lang, &fallback) }
                        }
                    </p>
                    { rich_text(callout.content.get(&lang, &fallback).map(Vec::as_slice).unwrap_or_default()) }
                </aside>
            }
        }
        Block::Accordion(sections) => html! {
            <div class="accordion">
                { for sections.iter().map(|s| html! {
                    <details class="section">
                        <summary>{ s.title.text(&lang, &fallback) }</summary>
                        { rich_text(s.content.get(&lang, &fallback).map(Vec::as_slice).unwrap_or_default()) }
                    </details>
                }) }
            </div>
        },
        Block::Media(media) => html! {
            <Lazy shows={Shown::new(&crate::chunks::MEDIA, MediaView {
                src: location::resolve(&ctx.module_path, &media.src).into(),
                tracks: media
                    .captions
                    .iter()
                    .map(|track| location::resolve(&ctx.module_path, &track.src).into())
                    .collect(),
                media: media.clone(),
                lang: lang.clone().into(),
                fallback: fallback.clone().into(),
            })} />
        },
        Block::Branch(branch) => {
            let prompt_id = format!("b-{}-prompt", branch.id);
            let options = branch.options.iter().map(|o| {
                let dispatcher = ctx.dispatcher();
                let command = Command::Choose(branch.id.clone(), o.id.clone());
                let onclick = Callback::from(move |_| {
                    dispatcher.dispatch(Action::Learner(command.clone()))
                });
                html! {
                    <button type="button" class="secondary branch-option" id={format!("b-{}-{}", branch.id, o.id)} {onclick}>
                        { o.text.text(&lang, &fallback) }
                    </button>
                }
            });
            html! {
                <section class="branch" id={format!("b-{}", branch.id)} aria-labelledby={prompt_id.clone()}>
                    <p class="branch-prompt" id={prompt_id}>{ branch.prompt.text(&lang, &fallback) }</p>
                    <div class="branch-options">{ for options }</div>
                </section>
            }
        }
        Block::Flashcards(cards) => html! {
            <Lazy shows={Shown::new(&crate::chunks::FLASHCARDS, FlashcardsProps {
                cards: cards.clone(),
                lang: lang.clone().into(),
                fallback: fallback.clone().into(),
            })} />
        },
        Block::Question(question) => question_card(&ctx, question),
    });
    html! {
        <main class="page" id="main">
            <p class="crumb">
                <span>{ lesson.title.text(&lang, &fallback) }</span>
                { " · " }
                <span>{ page_of(&lang, index, count) }</span>
            </p>
            <progress class="progress" max={count.to_string()} value={(index + 1).to_string()} aria-hidden="true" />
            <h1 tabindex="-1" ref={heading}>{ page.title.text(&lang, &fallback) }</h1>
            // Keyed by page, so that moving to another page builds its blocks afresh
            // instead of reusing the previous page's elements and question state.
            <div class="blocks" key={format!("{}/{}", at.lesson, at.page)}>{ for blocks }</div>
            if let Some(notice) = &ctx.notice {
                <p class="notice" role="alert">{ notice.clone() }</p>
            }
            { nav_bar(Nav {
                lang: lang.clone().into(),
                index,
                count,
                unanswered,
                onprevious: go(index.saturating_sub(1)),
                onnext: go(index + 1),
                onfinish,
            }) }
        </main>
    }
}
