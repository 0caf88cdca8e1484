//! The Pelita player: a Yew single-page app that plays a module and reports every step as
//! xAPI statements.
//!
//! The key design decision is that this crate decides nothing about learning. The reducer
//! in [`state`] hands each learner action to `pelita_lesson::Session`, turns the resulting
//! events into statements with `pelita_xapi::Reporter`, and queues them in
//! `pelita_xapi::Outbox`; components only render that state and send actions. The browser
//! itself (fetch, storage, clock, crypto) is reached only through [`glue`], at the edge.

pub mod app;
pub mod chunks;
pub mod components;
pub mod error;
pub mod glue;
pub mod hooks;
pub mod i18n;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod prerender;
pub mod state;
pub mod theme;

pub use app::App;

/// Talc instead of the standard library's dlmalloc: a few kilobytes less in the first
/// chunk, which every learner downloads before the first question, and faster.
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// Mounts the app on the page's `#app` element. A page without one (such as the test
/// runner's) gets nothing, so component tests mount exactly what they test.
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    if let Some(root) = gloo::utils::document().get_element_by_id("app") {
        yew::set_custom_panic_hook(Box::new(show_panic));
        yew::Renderer::<App>::with_root(root).render();
    }
}

/// A bug must not leave a blank or frozen page: the learner is told to reload (every
/// statement is already saved by then), and the details go to the console for the
/// developers.
fn show_panic(info: &std::panic::PanicHookInfo<'_>) {
    web_sys::console::error_1(&info.to_string().into());
    let document = gloo::utils::document();
    if let Some(root) = document.get_element_by_id("app") {
        root.set_text_content(None);
        if let Ok(main) = document.create_element("main") {
            main.set_class_name("error-page");
            let _ = main.set_attribute("role", "alert");
            // The language chosen is not reachable from here; the page's own `lang` (set
            // as the learner chose) is, and the browser's is the next best guess.
            let lang = document
                .document_element()
                .and_then(|e| e.get_attribute("lang"))
                .unwrap_or_else(|| {
                    gloo::utils::window()
                        .navigator()
                        .language()
                        .unwrap_or_default()
                });
            main.set_text_content(Some(i18n::t(&lang, i18n::Key::Crash)));
            let _ = root.append_child(&main);
        }
    }
}
