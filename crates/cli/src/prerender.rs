//! A module's first page as HTML, for `pelita pack` (the package's `index.html`, which the
//! LMS launches) and `pelita serve` (rendered when the page is asked for): the player's own
//! components rendered natively into the built `index.html` (`pelita_player::prerender`).

use pelita_lesson::Module;
use std::rc::Rc;

/// The built `index.html` (`template`) with `module`'s first page, in `lang` when the
/// module has it, else in its default language.
pub fn page(
    template: &str,
    module: Module,
    module_path: &str,
    lang: Option<&str>,
) -> anyhow::Result<String> {
    Ok(pelita_player::prerender::page(
        template,
        Rc::new(module),
        module_path,
        lang,
    )?)
}

/// Whether `html` is already one module's pre-rendered page (`cargo xtask dist` writes
/// one per example module beside `index.html`).
pub fn is_prerendered(html: &str) -> bool {
    html.contains("<meta name=\"pelita-module\"")
}
