//! A view kept in a chunk of its own (see `chunks`): shown at once when its chunk is in,
//! otherwise loaded, retried once, and, if it still fails, replaced by a message with a
//! retry button. Nothing the learner did is lost meanwhile: the session and its
//! statements live in the first chunk.
//!
//! The component is not generic over the piece's props: it takes them with the piece as
//! a [`Shown`], which hides their type. Every Yew component is a separate copy of Yew's
//! lifecycle code, and a generic one is a copy per props type: five of them took about
//! 11 KB of the first chunk, where the small per-type part of [`Shown`] takes a few
//! hundred bytes.

use crate::chunks::{Piece, View};
use crate::error::ChunkError;
use crate::i18n::{t, Key};
use crate::state::PlayerContext;
use std::any::Any;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use yew::prelude::*;

/// A piece with the props to show it with, whatever their type: what [`Lazy`] needs.
#[derive(Clone)]
pub struct Shown(Rc<dyn Show>);

impl Shown {
    /// `piece`, to be shown with `props`.
    pub fn new<P: PartialEq + 'static>(piece: &'static Piece<View<P>>, props: P) -> Self {
        Shown(Rc::new(WithProps { piece, props }))
    }
}

impl PartialEq for Shown {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0) || self.0.same(other.0.as_any())
    }
}

/// What [`Lazy`] asks of a piece and its props.
trait Show {
    /// The piece's name, for the console.
    fn name(&self) -> &'static str;
    /// Whether its chunk is in.
    fn ready(&self) -> bool;
    /// Its view with the props, once its chunk is in.
    fn view(&self) -> Option<Html>;
    /// Downloads its chunk, trying once more if that fails.
    fn load(&self) -> Pin<Box<dyn Future<Output = Result<(), ChunkError>>>>;
    /// Whether `other` is the same piece with equal props.
    fn same(&self, other: &dyn Any) -> bool;
    /// Itself, for [`Show::same`].
    fn as_any(&self) -> &dyn Any;
}

/// A piece and its props.
struct WithProps<P: 'static> {
    piece: &'static Piece<View<P>>,
    props: P,
}

impl<P: PartialEq + 'static> Show for WithProps<P> {
    fn name(&self) -> &'static str {
        self.piece.name
    }

    fn ready(&self) -> bool {
        self.piece.ready().is_some()
    }

    fn view(&self) -> Option<Html> {
        self.piece.ready().map(|view| view(&self.props))
    }

    fn load(&self) -> Pin<Box<dyn Future<Output = Result<(), ChunkError>>>> {
        let piece = self.piece;
        Box::pin(async move { piece.load_with_retry().await.map(drop) })
    }

    fn same(&self, other: &dyn Any) -> bool {
        other
            .downcast_ref::<Self>()
            .is_some_and(|o| std::ptr::eq(self.piece, o.piece) && self.props == o.props)
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Props of [`Lazy`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The piece to show, with its props.
    pub shows: Shown,
    /// While loading, show nothing rather than a busy note: for a part beside the page
    /// (the learning record), which must not make the page look unfinished.
    #[prop_or_default]
    pub quiet: bool,
}

/// Where the download of a piece stands.
#[derive(Clone, Copy, PartialEq)]
enum Stage {
    /// Downloading (attempt number).
    Loading(u32),
    /// Both tries failed; the learner may ask again.
    Failed(u32),
    /// In.
    Ready,
}

/// Shows a piece kept in a chunk.
#[component]
pub fn Lazy(props: &Props) -> Html {
    let shows = &props.shows.0;
    let stage = use_state(|| {
        if shows.ready() {
            Stage::Ready
        } else {
            Stage::Loading(0)
        }
    });
    {
        let stage = stage.clone();
        let shows = shows.clone();
        use_effect_with(*stage, move |now| {
            if let Stage::Loading(attempt) = *now {
                let name = shows.name();
                let load = shows.load();
                wasm_bindgen_futures::spawn_local(async move {
                    match load.await {
                        Ok(()) => stage.set(Stage::Ready),
                        Err(e) => {
                            web_sys::console::error_1(&format!("chunk `{name}`: {e}").into());
                            stage.set(Stage::Failed(attempt));
                        }
                    }
                });
            }
        });
    }
    if let Some(view) = shows.view() {
        return view;
    }
    let lang = use_context::<PlayerContext>()
        .map(|ctx| ctx.lang.clone())
        .unwrap_or_else(|| {
            gloo::utils::window()
                .navigator()
                .language()
                .unwrap_or_default()
        });
    match *stage {
        Stage::Failed(attempt) => {
            let onclick = {
                let stage = stage.clone();
                Callback::from(move |_: MouseEvent| stage.set(Stage::Loading(attempt + 1)))
            };
            html! {
                <div class="chunk-failed" role="alert">
                    <p>{ t(&lang, Key::ChunkFailed) }</p>
                    <button type="button" {onclick}>{ t(&lang, Key::ChunkRetry) }</button>
                </div>
            }
        }
        _ if props.quiet => html! {},
        _ => html! {
            <p class="chunk-loading" role="status" aria-busy="true">
                { t(&lang, Key::ChunkLoading) }
            </p>
        },
    }
}
