//! The Pelita player: a Yew single-page app that plays a module and reports every step as
//! xAPI statements.
//!
//! The key design decision is that this crate decides nothing about learning. The reducer
//! in [`state`] hands each learner action to `pelita_lesson::Session`, turns the resulting
//! events into statements with `pelita_xapi::Reporter`, and queues them in
//! `pelita_xapi::Outbox`; components only render that state and send actions. The browser
//! itself (fetch, storage, clock, crypto) is reached only through [`glue`], at the edge.

pub mod app;
pub mod components;
pub mod glue;
pub mod hooks;
pub mod i18n;
pub mod pages;
pub mod state;

pub use app::App;

/// Mounts the app on the page's `#app` element. A page without one (such as the test
/// runner's) gets nothing, so component tests mount exactly what they test.
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    if let Some(root) = gloo::utils::document().get_element_by_id("app") {
        yew::Renderer::<App>::with_root(root).render();
    }
}
