//! The first page of a module as HTML, rendered natively by the player's own components
//! (Yew's server-side rendering), for `cargo xtask dist`, `pelita pack` and `pelita serve`
//! (feature `ssr`; the learner's wasm never contains it).
//!
//! On a slow link the learner reads the module's first page while the wasm downloads.
//! The page is [`LessonPage`] and the player's header ([`top_bar`]) around a fresh
//! session, so it is the page the player itself shows first, in the same markup. The
//! player does not hydrate it: it renders itself into the empty `#app` beside it, and the
//! page's takeover script (in `index.html`) swaps the two once the player shows its first
//! page, carrying over the answers picked and the clicks made in between (see
//! ARCHITECTURE.md, "The first page arrives as HTML").

use crate::chunks::first_page_pieces;
#[cfg(doc)]
use crate::chunks::FirstPagePiece;
use crate::components::{top_bar, TopBar};
use crate::error::PrerenderError;
use crate::i18n::{t, Key};
use crate::pages::{question_card, LessonPage};
use crate::state::{PlayerContext, PlayerState};
use pelita_lesson::{Block, Command, Module, QuestionKind, Response};
use pelita_xapi::{Agent, Launch};
use std::rc::Rc;
use yew::prelude::*;
use yew::LocalServerRenderer;

/// Where the page template (`index.html`, as `cargo xtask dist` fills it) takes the
/// pre-rendered page: the generic loading message sits between these two markers.
pub const APP_START: &str = "<!-- pelita:app -->";
/// The end of the generic loading message.
pub const APP_END: &str = "<!-- /pelita:app -->";
/// Where the template takes the module's path, in the `<head>` before the preload script.
pub const MODULE_MARKER: &str = "<!-- pelita:module -->";
/// How the template lists the wasm files of each piece a first page may need
/// ([`chunks_marker`]), for the page to name those its first page needs.
pub const CHUNKS_MARKER: &str = "<!-- pelita:chunks ";

/// The template's list of the files of each piece a first page may need, as
/// `cargo xtask dist` writes it into `index.html`: `files` holds each piece's name (its
/// split point, [`FirstPagePiece::name`]) and the wasm files its chunk is loaded from (its
/// own and those it shares with other pieces), named as the build wrote them. A page
/// without a pre-rendered first page ignores it.
pub fn chunks_marker(files: &[(&str, Vec<String>)]) -> String {
    let entries: Vec<String> = files
        .iter()
        .map(|(piece, names)| format!("{piece}={}", names.join(",")))
        .collect();
    format!("{CHUNKS_MARKER}{} -->", entries.join(" "))
}

/// Each piece's name and its files, as the template lists them ([`chunks_marker`]).
type ChunkList<'t> = Vec<(&'t str, Vec<&'t str>)>;

/// The template's list ([`chunks_marker`]): where it is, and what it says.
fn read_chunks_marker(template: &str) -> Option<(std::ops::Range<usize>, ChunkList<'_>)> {
    let start = template.find(CHUNKS_MARKER)?;
    let end = start + template[start..].find("-->")? + 3;
    let list = template[start + CHUNKS_MARKER.len()..end - 3]
        .split_whitespace()
        .filter_map(|entry| entry.split_once('='))
        .map(|(piece, files)| (piece, files.split(',').filter(|f| !f.is_empty()).collect()))
        .collect();
    Some((start..end, list))
}

/// What takes the template's list in a page whose first page is `module`'s: the files of
/// the pieces that page needs, each once, for the preload script (`index.html`) to fetch
/// as the page is parsed (only when the page plays its own module, not one the query
/// names), or nothing when the page needs no piece. A piece missing from the list (a
/// template of another build) is left out: the player loads it as before, one round trip
/// later.
fn first_page_chunks(list: &[(&str, Vec<&str>)], module: &Module) -> String {
    let mut files: Vec<&str> = Vec::new();
    for piece in first_page_pieces(module) {
        let found = list.iter().find(|(name, _)| *name == piece.name());
        for file in found.map(|(_, files)| files.as_slice()).unwrap_or_default() {
            if !files.contains(file) {
                files.push(file);
            }
        }
    }
    if files.is_empty() {
        return String::new();
    }
    format!(
        "<meta name=\"pelita-chunks\" content=\"{}\">",
        html_escape::encode_double_quoted_attribute(&files.join(" "))
    )
}

/// The most choices a "choose all that apply" question may have for its answers to be
/// judged in advance: every combination is a card of its own (31 at five choices).
pub const MAX_JUDGED_CHOICES: usize = 5;

/// The player's state at the start of a module's first attempt, as the pre-render shows
/// it. Nothing is reported from it: the learner, the LRS and the registration are the
/// player's business once it runs; the session only places the page.
fn fresh_state(module: Rc<Module>, module_path: Rc<str>, lang: String) -> PlayerState {
    let mut state = PlayerState::new(
        module,
        module_path,
        Rc::new(Launch::default()),
        Agent::default(),
        lang,
        None,
    );
    let _ = state.session.apply(&state.module, Command::Start);
    state
}

/// One answer to a question of the first page, judged in advance: what the learner
/// checks it with (the session's commands, as the player's card sends them) and the
/// name the page's takeover script finds it by.
#[derive(Debug, Clone, PartialEq)]
pub struct Judged {
    /// The question's id.
    pub question: String,
    /// The checked inputs' values, sorted and joined by spaces, as the takeover script
    /// reads them from the card (`true` or `false`, or choice ids).
    pub key: String,
    /// What the learner's clicks ask of the session before "Check".
    pub commands: Vec<Command>,
}

/// The answers of the first page that the pre-render judges in advance, so that "Check"
/// works before the player runs: every answer of each true/false, choice and Likert
/// question (a "choose all" question only up to [`MAX_JUDGED_CHOICES`] choices). None for
/// a page that draws or shuffles its questions (the attempt's seed decides what it shows,
/// and the pre-render does not know it) or for a module of one page (its "Finish" counts
/// the questions left unanswered, which the card alone would not update).
pub fn judged_answers(module: &Rc<Module>) -> Vec<Judged> {
    let state = fresh_state(module.clone(), Rc::from(""), String::new());
    let at = state.session.current_page();
    let page = module
        .lessons
        .get(at.lesson)
        .and_then(|l| l.pages.get(at.page));
    if state.session.page_count() < 2 || page.is_none_or(|p| p.draw.is_some() || p.shuffle) {
        return Vec::new();
    }
    let mut judged = Vec::new();
    for block in state.session.page_blocks(module, at) {
        let Block::Question(q) = block else { continue };
        let id = &q.id;
        let toggles = |ids: &[&String]| {
            let commands = ids
                .iter()
                .map(|c| Command::ToggleChoice(id.clone(), (*c).clone()))
                .collect();
            let mut key: Vec<&str> = ids.iter().map(|c| c.as_str()).collect();
            key.sort_unstable();
            Judged {
                question: id.clone(),
                key: key.join(" "),
                commands,
            }
        };
        match &q.kind {
            QuestionKind::TrueFalse { .. } => {
                for value in [true, false] {
                    judged.push(Judged {
                        question: id.clone(),
                        key: value.to_string(),
                        commands: vec![Command::SetResponse(
                            id.clone(),
                            Response::TrueFalse(value),
                        )],
                    });
                }
            }
            QuestionKind::Choice {
                multiple: false,
                choices,
            } => {
                judged.extend(choices.iter().map(|c| toggles(&[&c.id])));
            }
            QuestionKind::Likert { scale } => {
                judged.extend(scale.iter().map(|p| toggles(&[&p.id])));
            }
            QuestionKind::Choice {
                multiple: true,
                choices,
            } if choices.len() <= MAX_JUDGED_CHOICES => {
                for set in 1..1u32 << choices.len() {
                    let ids: Vec<&String> = choices
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| set & (1 << i) != 0)
                        .map(|(_, c)| &c.id)
                        .collect();
                    judged.push(toggles(&ids));
                }
            }
            _ => {}
        }
    }
    judged
}

/// Props of [`FirstPage`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The module.
    pub module: Rc<Module>,
    /// Its path relative to the player, for its images.
    pub module_path: Rc<str>,
    /// The language to show, one of the module's.
    pub lang: AttrValue,
    /// An answer judged in advance: then only its question's card is rendered, as the
    /// player shows it after "Check" with that answer.
    #[prop_or_default]
    pub answer: Option<Judged>,
}

/// The player's first page of a module, as it is before the learner does anything; or,
/// with an answer, the card of its question once the session has judged that answer.
#[component]
pub fn FirstPage(props: &Props) -> Html {
    let state = {
        let module = props.module.clone();
        let module_path = props.module_path.clone();
        let lang = props.lang.to_string();
        let answer = props.answer.clone();
        use_reducer(move || {
            let mut state = fresh_state(module, module_path, lang);
            if let Some(answer) = answer {
                for command in answer.commands {
                    let _ = state.session.apply(&state.module, command);
                }
                let _ = state
                    .session
                    .apply(&state.module, Command::Submit(answer.question));
            }
            state
        })
    };
    if let Some(answer) = &props.answer {
        let at = state.session.current_page();
        let question = state
            .session
            .page_blocks(&state.module, at)
            .into_iter()
            .find_map(|b| match b {
                Block::Question(q) if q.id == answer.question => Some(q),
                _ => None,
            });
        return match question {
            Some(q) if state.session.answer(&q.id).is_some() => html! {
                <ContextProvider<PlayerContext> context={state.clone()}>
                    { question_card(&state, q) }
                </ContextProvider<PlayerContext>>
            },
            _ => html! {},
        };
    }
    let lang = state.lang.clone();
    let title = state
        .module
        .title
        .text(&lang, state.module.default_language())
        .to_string();
    html! {
        <ContextProvider<PlayerContext> context={state.clone()}>
            <div class="player">
                { top_bar(TopBar {
                    logo: None,
                    title,
                    languages: &state.module.languages,
                    lang: &lang,
                    onlanguage: &Callback::noop(),
                    status: html! {},
                }) }
                <p class="not-ready" role="status" hidden=true>{ t(&lang, Key::NotReady) }</p>
                <LessonPage />
            </div>
        </ContextProvider<PlayerContext>>
    }
}

/// The first page's answers judged in advance ([`judged_answers`]), each as a
/// `<template>` holding the question's card after "Check" with it, for the page's
/// takeover script (`index.html`) to show when the learner checks that answer before the
/// player runs. The player, once it runs, is given the same answer and check (the clicks
/// are kept), judges them again and reports them.
pub fn outcomes(module: Rc<Module>, module_path: &str, lang: &str) -> String {
    let mut html = String::new();
    for answer in judged_answers(&module) {
        let question = answer.question.clone();
        let key = answer.key.clone();
        let props = Props {
            module: module.clone(),
            module_path: module_path.into(),
            lang: AttrValue::from(lang.to_string()),
            answer: Some(answer),
        };
        let renderer = LocalServerRenderer::<FirstPage>::with_props(props).hydratable(false);
        let card = futures::executor::block_on(renderer.render());
        if card.is_empty() {
            continue;
        }
        html.push_str(&format!(
            "<template data-answer=\"q-{}\" data-response=\"{}\">{card}</template>",
            html_escape::encode_double_quoted_attribute(&question),
            html_escape::encode_double_quoted_attribute(&key),
        ));
    }
    html
}

/// The language a pre-rendered page shows: the launch's `lang` when the module has it
/// (or its primary language), else the module's default.
pub fn language(module: &Module, wanted: Option<&str>) -> String {
    wanted
        .and_then(|w| module.best_language(&[w]))
        .unwrap_or_else(|| module.default_language())
        .to_string()
}

/// The first page's markup (the content of the page's `#prerendered` element).
pub fn render(module: Rc<Module>, module_path: &str, lang: &str) -> String {
    let props = Props {
        module,
        module_path: module_path.into(),
        lang: AttrValue::from(lang.to_string()),
        answer: None,
    };
    let renderer = LocalServerRenderer::<FirstPage>::with_props(props).hydratable(false);
    futures::executor::block_on(renderer.render())
}

/// The whole page: `template` (the built `index.html`) with the first page of `module`
/// (at `module_path`, relative to the page) in the language [`language`] picks, the
/// document's language, direction and title set to match, and the module's path named
/// for the player and the preload script when the page's URL does not name it.
pub fn page(
    template: &str,
    module: Rc<Module>,
    module_path: &str,
    lang: Option<&str>,
) -> Result<String, PrerenderError> {
    let Some(start) = template.find(APP_START) else {
        return Err(PrerenderError::Marker(APP_START));
    };
    let Some(end) = template[start..].find(APP_END).map(|i| start + i) else {
        return Err(PrerenderError::Marker(APP_END));
    };
    if !template.contains(MODULE_MARKER) {
        return Err(PrerenderError::Marker(MODULE_MARKER));
    }
    let chunks = read_chunks_marker(template);
    let needed = chunks
        .as_ref()
        .map(|(_, list)| first_page_chunks(list, &module))
        .unwrap_or_default();
    let lang = language(&module, lang);
    let title = module
        .title
        .text(&lang, module.default_language())
        .to_string();
    let body = render(module.clone(), module_path, &lang);
    let outcomes = outcomes(module, module_path, &lang);
    let app = format!(
        "<div id=\"prerendered\">{body}{outcomes}</div>\n    <div id=\"app\" hidden></div>"
    );
    // The list of every piece's files goes; the files this page needs take its place.
    let (before, after) = match &chunks {
        Some((at, _)) if at.end <= start => (
            format!(
                "{}{needed}{}",
                &template[..at.start],
                &template[at.end..start]
            ),
            &template[end + APP_END.len()..],
        ),
        _ => (
            template[..start].to_string(),
            &template[end + APP_END.len()..],
        ),
    };
    let before = before.as_str();
    // The template's `#app` element opens before the start marker and closes after the
    // end marker; the pre-rendered page replaces it whole.
    let before = before
        .rfind("<div id=\"app\">")
        .map_or(before, |i| &before[..i]);
    let after = after.find("</div>").map_or(after, |i| &after[i + 6..]);
    let dir = if crate::i18n::is_rtl(&lang) {
        "rtl"
    } else {
        "ltr"
    };
    let head = before
        .replacen(
            MODULE_MARKER,
            &format!(
                "<meta name=\"pelita-module\" content=\"{}\">",
                html_escape::encode_double_quoted_attribute(module_path)
            ),
            1,
        )
        .replacen(
            "<html lang=\"id\">",
            &format!(
                "<html lang=\"{}\" dir=\"{dir}\">",
                html_escape::encode_double_quoted_attribute(&lang)
            ),
            1,
        )
        .replacen(
            "<title>Pelita</title>",
            &format!(
                "<title>{} · Pelita</title>",
                html_escape::encode_text(&title)
            ),
            1,
        );
    Ok(format!("{head}{app}{after}"))
}
