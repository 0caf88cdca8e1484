//! A view kept in a chunk of its own (see `chunks`): shown at once when its chunk is in,
//! otherwise loaded, retried once, and, if it still fails, replaced by a message with a
//! retry button. Nothing the learner did is lost meanwhile: the session and its
//! statements live in the first chunk.

use crate::chunks::{Piece, View};
use crate::i18n::{t, Key};
use crate::state::PlayerContext;
use yew::prelude::*;

/// Props of [`Lazy`].
#[derive(Properties)]
pub struct Props<P: PartialEq + 'static> {
    /// The piece to show.
    pub piece: &'static Piece<View<P>>,
    /// Its props.
    pub props: P,
    /// While loading, show nothing rather than a busy note: for a part beside the page
    /// (the learning record), which must not make the page look unfinished.
    #[prop_or_default]
    pub quiet: bool,
}

impl<P: PartialEq + 'static> PartialEq for Props<P> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.piece, other.piece)
            && self.props == other.props
            && self.quiet == other.quiet
    }
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
pub fn Lazy<P: PartialEq + 'static>(props: &Props<P>) -> Html {
    let piece = props.piece;
    let stage = use_state(|| match piece.ready() {
        Some(_) => Stage::Ready,
        None => Stage::Loading(0),
    });
    {
        let stage = stage.clone();
        use_effect_with(*stage, move |now| {
            if let Stage::Loading(attempt) = *now {
                wasm_bindgen_futures::spawn_local(async move {
                    match piece.load_with_retry().await {
                        Ok(_) => stage.set(Stage::Ready),
                        Err(e) => {
                            web_sys::console::error_1(
                                &format!("chunk `{}`: {e}", piece.name).into(),
                            );
                            stage.set(Stage::Failed(attempt));
                        }
                    }
                });
            }
        });
    }
    if let Some(view) = piece.ready() {
        return view(&props.props);
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
