//! Talking to the page that embeds the player in an iframe (with `www/embed.js`): the
//! player's height whenever it changes, and the attempt's results, so the portal can size
//! the frame and react without reading the LRS.
//!
//! Messages go only to the origin the launch names (`embed_origin`), never to `*`: a
//! result is the learner's, and another site framing the player must not read it. The
//! player listens to no message, so no foreign page can steer it.

use crate::state::PlayerContext;
use pelita_lesson::Phase;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Reports size and results to the embedding page, when there is one.
#[hook]
pub fn use_embed(ctx: &PlayerContext) {
    let origin = ctx.launch.embed_origin.clone();
    {
        let origin = origin.clone();
        use_effect_with(origin, |origin| {
            let observer = origin.clone().and_then(|origin| watch_height(origin));
            move || {
                if let Some((observer, _closure)) = observer {
                    observer.disconnect();
                }
            }
        });
    }
    let finished = match ctx.session.phase() {
        Phase::Finished(outcome) => Some((ctx.session.attempt(), *outcome)),
        _ => None,
    };
    use_effect_with(finished, move |finished| {
        if let (Some(origin), Some((_, outcome))) = (origin, finished) {
            let score = js_sys::Object::new();
            let set = |o: &js_sys::Object, k: &str, v: JsValue| {
                let _ = js_sys::Reflect::set(o, &k.into(), &v);
            };
            set(&score, "scaled", outcome.score.scaled().into());
            set(&score, "raw", outcome.score.raw.into());
            set(&score, "min", outcome.score.min.into());
            set(&score, "max", outcome.score.max.into());
            let verdict = if outcome.passed { "passed" } else { "failed" };
            for kind in ["completed", verdict] {
                let message = js_sys::Object::new();
                set(&message, "type", format!("pelita:{kind}").into());
                set(&message, "score", score.clone().into());
                post(&origin, &message);
            }
        }
    });
}

/// The parent window, when the player is framed.
fn parent() -> Option<web_sys::Window> {
    let window = web_sys::window()?;
    let parent = window.parent().ok().flatten()?;
    // A top-level page is its own parent.
    (!js_sys::Object::is(&parent, &window)).then_some(parent)
}

fn post(origin: &str, message: &js_sys::Object) {
    if let Some(parent) = parent() {
        // A wrong origin makes postMessage drop the message silently, which is the point.
        let _ = parent.post_message(message, origin);
    }
}

/// Tells the parent the document's height now and after every change of size.
fn watch_height(origin: String) -> Option<(web_sys::ResizeObserver, Closure<dyn FnMut()>)> {
    parent()?;
    let report = Closure::<dyn FnMut()>::new(move || {
        let Some(root) = gloo::utils::document().document_element() else {
            return;
        };
        let message = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&message, &"type".into(), &"pelita:resize".into());
        let height = root.get_bounding_client_rect().height().ceil();
        let _ = js_sys::Reflect::set(&message, &"height".into(), &height.into());
        post(&origin, &message);
    });
    let observer = web_sys::ResizeObserver::new(report.as_ref().unchecked_ref()).ok()?;
    if let Some(root) = gloo::utils::document().document_element() {
        observer.observe(&root);
    }
    Some((observer, report))
}
