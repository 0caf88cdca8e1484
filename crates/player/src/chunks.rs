//! The learner's wasm in chunks: the views that the first page of a typical module does not
//! need, each behind a [`Piece`] that the learners' build loads on first use.
//!
//! With the `split` feature (only `cargo xtask dist` turns it on), each piece's view is a
//! split point of WorldSEnder's `wasm_split` (`#[wasm_split]`): the splitter moves the code
//! reachable only from it into a chunk of its own (or one shared by several pieces), and
//! calling the split point downloads that chunk first. Without the feature (component
//! tests, the report build, the native pre-render) the same view is called directly, so
//! every build runs the same components. A piece hands out a plain function from its
//! props to `Html`; once its chunk is in, [`Piece::ready`] returns it at once, so a render
//! never waits. [`Lazy`](crate::components::Lazy) shows a piece: loading, ready, or a
//! message with a retry button when the download failed twice. ARCHITECTURE.md has the
//! chunk map and the rule for what the first chunk may hold.

use crate::error::ChunkError;
use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// A view kept in a chunk: its props to its markup.
pub type View<P> = fn(&P) -> Html;

/// What loads a piece's chunk and hands out what it holds.
type Loader<T> = fn() -> Pin<Box<dyn Future<Output = Result<T, ChunkError>>>>;

/// One part of the player kept out of the first chunk, with what loads it: a view (`T` is
/// a [`View`]) or a table of functions that is not a view (cmi5, SCORM, sending,
/// theming). `T` is a plain value (function pointers), built by code in the chunk.
pub struct Piece<T: 'static> {
    /// Its name, for the console when its chunk fails to load.
    pub name: &'static str,
    /// What it holds, once its chunk is in.
    value: OnceLock<T>,
    load: Loader<T>,
    /// The value itself in a build that is not split, where it is always at hand.
    direct: Option<T>,
}

impl<T: Copy + 'static> Piece<T> {
    const fn new(name: &'static str, load: Loader<T>, direct: Option<T>) -> Self {
        Self {
            name,
            value: OnceLock::new(),
            load,
            direct,
        }
    }

    /// What the piece holds, if its chunk is already in (always, in a build that is not
    /// split).
    pub fn ready(&self) -> Option<T> {
        self.value.get().copied().or(self.direct)
    }

    /// Downloads the piece's chunk (once: a piece already in returns at once) and returns
    /// what it holds. A failure is not remembered: the next call tries again.
    pub async fn load(&'static self) -> Result<T, ChunkError> {
        if let Some(value) = self.ready() {
            return Ok(value);
        }
        let value = (self.load)().await?;
        Ok(*self.value.get_or_init(|| value))
    }

    /// [`Piece::load`], and once more after a pause if that failed: what a launch that
    /// cannot go on without the piece (cmi5, SCORM) waits for.
    pub async fn load_with_retry(&'static self) -> Result<T, ChunkError> {
        match self.load().await {
            Ok(value) => Ok(value),
            Err(_) => {
                sleep(RETRY_AFTER_MS).await;
                self.load().await
            }
        }
    }
}

/// Waits until the browser is idle (at most a second), so that a download started after
/// the first page does not compete with showing it.
pub async fn idle() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let window = gloo::utils::window();
        let request = js_sys::Reflect::get(&window, &"requestIdleCallback".into())
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
        let options = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&options, &"timeout".into(), &1_000.into());
        let asked = request.is_some_and(|f| f.call2(&window, &resolve, &options).is_ok());
        if !asked {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 200);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// How long to wait before the automatic second try of a download, in milliseconds: long
/// enough for a phone that just lost its signal to get it back.
const RETRY_AFTER_MS: i32 = 1_500;

/// Waits `ms` milliseconds.
pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = gloo::utils::window()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Declares a piece: its static, the split point (named by the caller, so that each is
/// unique), the chunk it goes to, the type of what it holds and the expression that makes
/// it (run in the chunk).
macro_rules! piece {
    ($(#[$doc:meta])* $name:ident, $split:ident, $chunk:ident, $ty:ty, $value:expr) => {
        $(#[$doc])*
        pub static $name: Piece<$ty> = {
            #[cfg_attr(
                all(feature = "split", target_family = "wasm"),
                wasm_split_helpers::wasm_split($chunk, fallible)
            )]
            fn $split() -> Result<$ty, ChunkError> {
                Ok($value)
            }
            #[cfg(all(feature = "split", target_family = "wasm"))]
            fn load() -> Pin<Box<dyn Future<Output = Result<$ty, ChunkError>>>> {
                Box::pin($split())
            }
            #[cfg(not(all(feature = "split", target_family = "wasm")))]
            fn load() -> Pin<Box<dyn Future<Output = Result<$ty, ChunkError>>>> {
                Box::pin(std::future::ready($split()))
            }
            #[cfg(all(feature = "split", target_family = "wasm"))]
            let direct = None;
            #[cfg(not(all(feature = "split", target_family = "wasm")))]
            let direct: Option<$ty> = Some($value);
            Piece::new(stringify!($chunk), load, direct)
        };
    };
}

/// The props of [`RESULT`]: the finished attempt's outcome.
#[derive(Clone, PartialEq)]
pub struct ResultProps(pub pelita_lesson::Outcome);

piece!(
    /// The result page, shown once per attempt at its end.
    RESULT, result_view, result, View<ResultProps>,
    |p: &ResultProps| html! { <crate::pages::ResultPage outcome={p.0} /> }
);

piece!(
    /// The learning record, collapsed under every page and opened by few learners.
    RECORD, record_view, record, View<()>,
    |_: &()| html! { <crate::components::RecordPanel /> }
);

piece!(
    /// The offer to continue a saved attempt.
    RESUME, resume_view, resume, View<()>,
    |_: &()| html! { <crate::pages::ResumePage /> }
);

piece!(
    /// Flashcards, a block few pages have.
    FLASHCARDS, flashcards_view, flashcards, View<crate::components::FlashcardsProps>,
    |p: &crate::components::FlashcardsProps| html! { <crate::components::Flashcards ..p.clone() /> }
);

piece!(
    /// The answer widgets of every question kind but true/false, choice and Likert
    /// (sequence, matching, hotspot, typed answers, number, performance).
    WIDGETS, widgets_view, widgets, View<crate::components::WidgetProps>,
    crate::components::question_widget
);

piece!(
    /// The picture of a hotspot question with its regions.
    HOTSPOT, hotspot_view, hotspot, View<crate::components::HotspotImageProps>,
    |p: &crate::components::HotspotImageProps| html! { <crate::components::HotspotImage ..p.clone() /> }
);

piece!(
    /// An audio or video recording, a block few pages have.
    MEDIA, media_view, media, View<crate::components::MediaView>,
    crate::components::media_block
);

piece!(
    /// A portal's primary colour and theme file, which most launches do not have (the
    /// colour scheme is applied without it).
    THEME, theme_fn, theme, fn(&web_sys::HtmlElement, &pelita_xapi::Launch),
    crate::glue::theme::apply_custom
);

piece!(
    /// Reporting to a SCORM LMS, for the launches that find its API.
    SCORM, scorm_fn, scorm, crate::glue::scorm::ScormGlue,
    crate::glue::scorm::ScormGlue {
        start: crate::glue::scorm::start_session,
        report: crate::hooks::scorm_report,
    }
);

piece!(
    /// A cmi5 session: starting it with the LMS, its rules for statements, its bookkeeping.
    CMI5, cmi5_fn, cmi5, crate::glue::cmi5::Cmi5Glue,
    crate::glue::cmi5::chunk_glue()
);

/// What the sending chunk holds ([`SEND`]).
#[derive(Clone, Copy)]
pub struct SendGlue {
    /// The check every statement passes before it is sent: the embedded LRS's validation.
    pub check: pelita_xapi::Checker,
    /// POSTs a batch of statements (`glue::http::post_statements`).
    pub post: Post,
}

/// POSTs a batch to the statements URL with the authorization and time-out given.
pub type Post = fn(
    url: String,
    auth: Option<String>,
    body: String,
    timeout_ms: u32,
) -> Pin<Box<dyn Future<Output = pelita_xapi::SendOutcome>>>;

piece!(
    /// Checking and sending statements. Statements are made and stored by the first chunk;
    /// this chunk comes once the first page is shown, and until then they wait in storage.
    SEND, send_fn, send, SendGlue,
    SendGlue {
        check: pelita_xapi::validation_problems,
        post: crate::glue::http::post_statements,
    }
);

/// A piece that the first page of some module shows, so that the player loads it before
/// it shows that page ([`load_first_page`]) and a pre-rendered page has its chunk
/// downloaded from the start (`prerender`, `index.html`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FirstPagePiece {
    /// [`FLASHCARDS`].
    Flashcards,
    /// [`MEDIA`].
    Media,
    /// [`WIDGETS`].
    Widgets,
    /// [`HOTSPOT`].
    Hotspot,
}

impl FirstPagePiece {
    /// Every piece a first page may need.
    pub const ALL: [FirstPagePiece; 4] = [
        FirstPagePiece::Flashcards,
        FirstPagePiece::Media,
        FirstPagePiece::Widgets,
        FirstPagePiece::Hotspot,
    ];

    /// The name of its split point, which the splitter's map of chunks is keyed by.
    pub fn name(self) -> &'static str {
        match self {
            FirstPagePiece::Flashcards => FLASHCARDS.name,
            FirstPagePiece::Media => MEDIA.name,
            FirstPagePiece::Widgets => WIDGETS.name,
            FirstPagePiece::Hotspot => HOTSPOT.name,
        }
    }

    /// Downloads its chunk. A failure is left to `Lazy`, which tries again and says so.
    async fn load(self) {
        // Each piece holds a value of its own type, so each is named here.
        let _ = match self {
            FirstPagePiece::Flashcards => FLASHCARDS.load().await.map(drop),
            FirstPagePiece::Media => MEDIA.load().await.map(drop),
            FirstPagePiece::Widgets => WIDGETS.load().await.map(drop),
            FirstPagePiece::Hotspot => HOTSPOT.load().await.map(drop),
        };
    }
}

/// The pieces the module's first page shows, each once, in the order of its blocks.
pub fn first_page_pieces(module: &pelita_lesson::Module) -> Vec<FirstPagePiece> {
    use pelita_lesson::{Block, QuestionKind};
    let mut pieces = Vec::new();
    let Some(page) = module.lessons.first().and_then(|l| l.pages.first()) else {
        return pieces;
    };
    for block in &page.blocks {
        let needs: &[FirstPagePiece] = match block {
            Block::Flashcards(_) => &[FirstPagePiece::Flashcards],
            Block::Media(_) => &[FirstPagePiece::Media],
            Block::Question(q) if matches!(q.kind, QuestionKind::Hotspot { .. }) => {
                &[FirstPagePiece::Widgets, FirstPagePiece::Hotspot]
            }
            Block::Question(q) if crate::components::widget_hint(&q.kind).is_some() => {
                &[FirstPagePiece::Widgets]
            }
            _ => &[],
        };
        for piece in needs {
            if !pieces.contains(piece) {
                pieces.push(*piece);
            }
        }
    }
    pieces
}

/// Downloads the chunks the module's first page needs, before the player shows it: the
/// player's first page then is the pre-rendered one whole, and the answers typed into
/// the pre-rendered page are carried over into the player's own fields (index.html),
/// which must be there. A pre-rendered page has asked for these chunks already, as it
/// was parsed, so here they are usually on their way or in. A chunk that fails here is
/// left to `Lazy`, which tries again and says so.
pub async fn load_first_page(module: &pelita_lesson::Module) {
    for piece in first_page_pieces(module) {
        piece.load().await;
    }
}

/// Downloads every chunk in turn, for a learner who goes offline later: called once the
/// first page is shown, when the browser is idle. Failures are left for first use, which
/// tries again and tells the learner.
pub fn preload_at_idle() {
    #[cfg(all(feature = "split", target_family = "wasm"))]
    wasm_bindgen_futures::spawn_local(async {
        idle().await;
        let _ = SEND.load().await;
        let _ = RECORD.load().await;
        let _ = WIDGETS.load().await;
        let _ = FLASHCARDS.load().await;
        let _ = HOTSPOT.load().await;
        let _ = MEDIA.load().await;
        let _ = RESUME.load().await;
        let _ = RESULT.load().await;
    });
}
