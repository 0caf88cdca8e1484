//! Markdown modules: the player's Markdown reader (`crates/convert`, a second wasm) is
//! loaded on first use and asked for the module JSON, so that a learner who only ever
//! opens JSON modules never downloads it.
//!
//! The build names the reader's script and wasm in `<meta name="pelita-markdown">`. The
//! script is a classic one defining the global `pelitaMarkdown` (wasm-bindgen's
//! `no-modules` output); it is added as a `<script>` element, which the strict
//! Content-Security-Policy of `pelita serve` allows from 'self' without `eval` or a
//! JavaScript file of the player's own.

use std::cell::Cell;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The global the reader's script defines.
const GLOBAL: &str = "pelitaMarkdown";

thread_local! {
    /// Whether the reader's wasm has been started in this page.
    static STARTED: Cell<bool> = const { Cell::new(false) };
}

/// A Markdown module read into JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct Converted {
    /// The module JSON text, for `pelita_lesson::load_module`.
    pub json: String,
    /// Located warnings (`file:line:column: path: message`).
    pub warnings: Vec<String>,
}

/// Whether `path` names a Markdown module (`.md`, any case; the query is not part of it).
pub fn is_markdown(path: &str) -> bool {
    let path = path.split(['?', '#']).next().unwrap_or(path);
    path.len() > 3 && path[path.len() - 3..].eq_ignore_ascii_case(".md")
}

/// Reads the Markdown module `src` from `file`. Every problem is a line for the error page:
/// the module's own, located by line and column, or why the reader could not run.
pub async fn convert(src: &str, file: &str) -> Result<Converted, Vec<String>> {
    let reader = start().await.map_err(|why| {
        vec![format!(
            "{file}: the Markdown reader could not be loaded ({why}); check the connection, then reload the page"
        )]
    })?;
    let convert = js_sys::Reflect::get(&reader, &JsValue::from_str("convert"))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .ok_or_else(|| vec![format!("{file}: the Markdown reader has no `convert`")])?;
    match convert.call2(&reader, &JsValue::from_str(src), &JsValue::from_str(file)) {
        Ok(answer) => answer
            .as_string()
            .ok_or_else(|| vec![format!("{file}: the Markdown reader answered no text")])
            .and_then(|text| parse_answer(&text, file)),
        Err(refused) => Err(refused
            .as_string()
            .unwrap_or_else(|| format!("{file}: the Markdown reader failed: {refused:?}"))
            .lines()
            .map(str::to_string)
            .collect()),
    }
}

/// Reads the reader's answer, `{"module": …, "warnings": […]}` (see `pelita_convert`).
pub fn parse_answer(text: &str, file: &str) -> Result<Converted, Vec<String>> {
    let bad = |why: &str| vec![format!("{file}: the Markdown reader's answer {why}")];
    let mut value: serde_json::Value =
        serde_json::from_str(text).map_err(|_| bad("is not JSON"))?;
    let warnings = value["warnings"]
        .as_array()
        .ok_or_else(|| bad("has no warnings list"))?
        .iter()
        .filter_map(|w| w.as_str().map(str::to_string))
        .collect();
    let module = value
        .get_mut("module")
        .map(serde_json::Value::take)
        .ok_or_else(|| bad("has no module"))?;
    Ok(Converted {
        json: module.to_string(),
        warnings,
    })
}

/// The started reader (the `pelitaMarkdown` global), adding its script and starting its
/// wasm the first time.
async fn start() -> Result<JsValue, String> {
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    let (script, wasm) = files(&document)?;
    let mut global = js_sys::Reflect::get(&window, &JsValue::from_str(GLOBAL))
        .map_err(|_| "the window cannot be read".to_string())?;
    if global.is_undefined() {
        add_script(&document, &script).await?;
        global = js_sys::Reflect::get(&window, &JsValue::from_str(GLOBAL))
            .map_err(|_| "the window cannot be read".to_string())?;
    }
    let init = global
        .clone()
        .dyn_into::<js_sys::Function>()
        .map_err(|_| format!("{script} did not define {GLOBAL}"))?;
    if !STARTED.with(Cell::get) {
        let options = js_sys::Object::new();
        js_sys::Reflect::set(
            &options,
            &JsValue::from_str("module_or_path"),
            &JsValue::from_str(&wasm),
        )
        .map_err(|_| "the options cannot be made".to_string())?;
        let started = init
            .call1(&JsValue::NULL, &options)
            .map_err(|e| describe(&e))?;
        JsFuture::from(js_sys::Promise::resolve(&started))
            .await
            .map_err(|e| format!("{wasm}: {}", describe(&e)))?;
        STARTED.with(|s| s.set(true));
    }
    Ok(global)
}

/// The reader's script and wasm, as the build named them.
fn files(document: &web_sys::Document) -> Result<(String, String), String> {
    let missing = || {
        "this build of the player has no Markdown reader (build it with `cargo xtask dist`)"
            .to_string()
    };
    let content = document
        .query_selector("meta[name=\"pelita-markdown\"]")
        .ok()
        .flatten()
        .and_then(|meta| meta.get_attribute("content"))
        .ok_or_else(missing)?;
    let mut names = content.split_whitespace();
    match (names.next(), names.next()) {
        (Some(script), Some(wasm)) => Ok((script.to_string(), wasm.to_string())),
        _ => Err(missing()),
    }
}

/// Adds `<script src>` and waits until it ran, or failed to load.
async fn add_script(document: &web_sys::Document, src: &str) -> Result<(), String> {
    let script = document
        .create_element("script")
        .map_err(|e| describe(&e))?
        .dyn_into::<web_sys::HtmlScriptElement>()
        .map_err(|_| "no script element".to_string())?;
    script.set_src(src);
    let done = js_sys::Promise::new(&mut |resolve, reject| {
        let loaded = Closure::once_into_js(move || {
            let _ = resolve.call0(&JsValue::NULL);
        });
        let failed = Closure::once_into_js(move || {
            let _ = reject.call0(&JsValue::NULL);
        });
        script.set_onload(Some(loaded.unchecked_ref()));
        script.set_onerror(Some(failed.unchecked_ref()));
    });
    let head = document.head().ok_or("no head")?;
    head.append_child(&script).map_err(|e| describe(&e))?;
    JsFuture::from(done)
        .await
        .map(|_| ())
        .map_err(|_| format!("{src} did not load"))
}

/// A JavaScript error's message, or the thrown text.
fn describe(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "failed".to_string())
}
