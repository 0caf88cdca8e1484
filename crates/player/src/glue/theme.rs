//! Applies a portal's theme to the page: the colour scheme, the primary colour, and a
//! theme file (CSS linked as it is; JSON read into the style sheet's custom properties).
//!
//! A broken theme never stops a lesson: the learner gets the built-in look, and what was
//! wrong goes to the console with the file and the entry, for the portal's developers.
//!
//! The colour scheme is one attribute, set at once. A primary colour or a theme file is
//! applied by [`apply_custom`], which is in a chunk of its own in the learners' build
//! (`chunks::THEME`): most launches keep the built-in look and never download it.

use crate::glue::http;
use crate::theme::{primary_properties, theme_entry, Rgb};
use pelita_xapi::{ColorScheme, Launch};
use serde_json::Value;
use wasm_bindgen::JsCast;

/// Sets everything the launch asks for on the document's root element.
pub fn apply(launch: &Launch) {
    let document = gloo::utils::document();
    let Some(root) = document
        .document_element()
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    else {
        return;
    };
    if let Some(scheme) = launch.color_scheme {
        let value = match scheme {
            ColorScheme::Light => "light",
            ColorScheme::Dark => "dark",
        };
        let _ = root.set_attribute("data-color-scheme", value);
    }
    if launch.primary.is_none() && launch.theme.is_none() {
        return;
    }
    let launch = launch.clone();
    wasm_bindgen_futures::spawn_local(async move {
        match crate::chunks::THEME.load().await {
            Ok(apply_custom) => apply_custom(&root, &launch),
            Err(e) => web_sys::console::warn_1(&format!("{e}: theme ignored").into()),
        }
    });
}

/// Sets the primary colour and the theme file the launch asks for on `root`.
pub fn apply_custom(root: &web_sys::HtmlElement, launch: &Launch) {
    let document = gloo::utils::document();
    if let Some(primary) = launch.primary.as_deref().and_then(Rgb::from_hex) {
        let style = root.style();
        for (name, value) in primary_properties(primary) {
            let _ = style.set_property(name, &value);
        }
    }
    let Some(url) = launch.theme.clone() else {
        return;
    };
    let path = url.split(['?', '#']).next().unwrap_or("");
    if path.to_ascii_lowercase().ends_with(".json") {
        let root = root.clone();
        wasm_bindgen_futures::spawn_local(async move {
            if let Err(problems) = json_theme(&root, &url).await {
                for problem in problems {
                    web_sys::console::warn_1(&format!("{url}: {problem} (theme ignored)").into());
                }
            }
        });
    } else if let (Ok(link), Some(head)) = (document.create_element("link"), document.head()) {
        let _ = link.set_attribute("rel", "stylesheet");
        let _ = link.set_attribute("href", &url);
        let _ = head.append_child(&link);
    }
}

/// Reads a JSON theme (`{"accent": "#8a1538", "radius": "0"}`) and sets each entry it
/// accepts; every refused entry is reported by its JSON path.
async fn json_theme(root: &web_sys::HtmlElement, url: &str) -> Result<(), Vec<String>> {
    let text = http::text_of(http::start_get(url))
        .await
        .map_err(|e| vec![e.to_string()])?
        .ok_or_else(|| vec!["not found (HTTP 404)".to_string()])?;
    let value: Value =
        serde_json::from_str(&text).map_err(|e| vec![format!("not valid JSON: {e}")])?;
    let Value::Object(map) = value else {
        return Err(vec!["$: expected an object of theme properties".into()]);
    };
    let style = root.style();
    let mut problems = Vec::new();
    for (name, value) in &map {
        let checked = match value {
            Value::String(v) => theme_entry(name, v).map(|property| (property, v)),
            _ => Err("expected a string".into()),
        };
        match checked {
            Ok((property, v)) => {
                let _ = style.set_property(&property, v);
            }
            Err(message) => problems.push(format!("$.{name}: {message}")),
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}
