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
use yew::prelude::*;

/// A view kept in a chunk: its props to its markup.
pub type View<P> = fn(&P) -> Html;

/// What loads a piece's chunk and hands out its view.
type Loader<P> = fn() -> Pin<Box<dyn Future<Output = Result<View<P>, ChunkError>>>>;

/// One view kept out of the first chunk, with what loads it.
pub struct Piece<P: 'static> {
    /// Its name, for the console when its chunk fails to load.
    pub name: &'static str,
    /// The view, once its chunk is in.
    view: OnceLock<View<P>>,
    load: Loader<P>,
    /// The view itself in a build that is not split, where it is always at hand.
    direct: Option<View<P>>,
}

impl<P: 'static> Piece<P> {
    const fn new(name: &'static str, load: Loader<P>, direct: Option<View<P>>) -> Self {
        Self {
            name,
            view: OnceLock::new(),
            load,
            direct,
        }
    }

    /// The view, if its chunk is already in (always, in a build that is not split).
    pub fn ready(&self) -> Option<View<P>> {
        self.view.get().copied().or(self.direct)
    }

    /// Downloads the piece's chunk (once: a piece already in returns at once) and returns
    /// its view. A failure is not remembered: the next call tries again.
    pub async fn load(&'static self) -> Result<View<P>, ChunkError> {
        if let Some(view) = self.ready() {
            return Ok(view);
        }
        let view = (self.load)().await?;
        Ok(*self.view.get_or_init(|| view))
    }
}

/// Declares a piece: its static, the split point (named by the caller, so that each is
/// unique), the chunk it goes to, its props and its view.
macro_rules! piece {
    ($(#[$doc:meta])* $name:ident, $split:ident, $chunk:ident, $props:ty, $view:expr) => {
        $(#[$doc])*
        pub static $name: Piece<$props> = {
            #[cfg_attr(
                all(feature = "split", target_family = "wasm"),
                wasm_split_helpers::wasm_split($chunk, fallible)
            )]
            fn $split() -> Result<View<$props>, ChunkError> {
                Ok($view)
            }
            #[cfg(all(feature = "split", target_family = "wasm"))]
            fn load() -> Pin<Box<dyn Future<Output = Result<View<$props>, ChunkError>>>> {
                Box::pin($split())
            }
            #[cfg(not(all(feature = "split", target_family = "wasm")))]
            fn load() -> Pin<Box<dyn Future<Output = Result<View<$props>, ChunkError>>>> {
                Box::pin(std::future::ready($split()))
            }
            #[cfg(all(feature = "split", target_family = "wasm"))]
            let direct = None;
            #[cfg(not(all(feature = "split", target_family = "wasm")))]
            let direct: Option<View<$props>> = Some($view);
            Piece::new(stringify!($chunk), load, direct)
        };
    };
}

/// The props of [`RESULT`]: the finished attempt's outcome.
#[derive(Clone, PartialEq)]
pub struct ResultProps(pub pelita_lesson::Outcome);

piece!(
    /// The result page, shown once per attempt at its end.
    RESULT, result_view, result, ResultProps,
    |p: &ResultProps| html! { <crate::pages::ResultPage outcome={p.0} /> }
);

piece!(
    /// The learning record, collapsed under every page and opened by few learners.
    RECORD, record_view, record, (),
    |_: &()| html! { <crate::components::RecordPanel /> }
);

piece!(
    /// The offer to continue a saved attempt.
    RESUME, resume_view, resume, (),
    |_: &()| html! { <crate::pages::ResumePage /> }
);

piece!(
    /// Flashcards, a block few pages have.
    FLASHCARDS, flashcards_view, flashcards, crate::components::FlashcardsProps,
    |p: &crate::components::FlashcardsProps| html! { <crate::components::Flashcards ..p.clone() /> }
);

piece!(
    /// The answer widgets of every question kind but true/false, choice and Likert
    /// (sequence, matching, hotspot, typed answers, number, performance).
    WIDGETS, widgets_view, widgets, crate::components::WidgetProps,
    crate::components::question_widget
);

piece!(
    /// The picture of a hotspot question with its regions.
    HOTSPOT, hotspot_view, hotspot, crate::components::HotspotImageProps,
    |p: &crate::components::HotspotImageProps| html! { <crate::components::HotspotImage ..p.clone() /> }
);

/// Downloads the chunks the module's first page needs, before the player shows it: the
/// player's first page then is the pre-rendered one whole, and the answers typed into
/// the pre-rendered page are carried over into the player's own fields (index.html),
/// which must be there. A chunk that fails here is left to `Lazy`, which tries again and
/// says so.
pub async fn load_first_page(module: &pelita_lesson::Module) {
    use pelita_lesson::{Block, QuestionKind};
    let Some(page) = module.lessons.first().and_then(|l| l.pages.first()) else {
        return;
    };
    for block in &page.blocks {
        match block {
            Block::Flashcards(_) => {
                let _ = FLASHCARDS.load().await;
            }
            Block::Question(q) if crate::components::widget_hint(&q.kind).is_some() => {
                let _ = WIDGETS.load().await;
                if matches!(q.kind, QuestionKind::Hotspot { .. }) {
                    let _ = HOTSPOT.load().await;
                }
            }
            _ => {}
        }
    }
}

/// Downloads every chunk in turn, for a learner who goes offline later: called once the
/// first page is shown, when the browser is idle. Failures are left for first use, which
/// tries again and tells the learner.
pub fn preload_at_idle() {
    #[cfg(all(feature = "split", target_family = "wasm"))]
    {
        use wasm_bindgen::prelude::*;
        let start = Closure::once_into_js(|| {
            wasm_bindgen_futures::spawn_local(async {
                let _ = RECORD.load().await;
                let _ = WIDGETS.load().await;
                let _ = FLASHCARDS.load().await;
                let _ = HOTSPOT.load().await;
                let _ = RESUME.load().await;
                let _ = RESULT.load().await;
            });
        });
        let window = gloo::utils::window();
        let idle = js_sys::Reflect::get(&window, &"requestIdleCallback".into())
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
        match idle {
            Some(idle) => {
                let _ = idle.call1(&window, &start);
            }
            None => {
                let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                    start.unchecked_ref(),
                    200,
                );
            }
        }
    }
}
