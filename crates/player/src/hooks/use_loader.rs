//! Loading the launch parameters and the module, with every problem collected for the
//! error page.

use crate::glue::{http, location};
use pelita_lesson::{load_module, Module};
use pelita_xapi::Launch;
use std::rc::Rc;
use yew::prelude::*;

/// The module played when the URL names none.
pub const DEFAULT_MODULE: &str = "modules/phishing.json";

/// Why the player cannot start: each line names the file (or launch parameter) and the
/// problem, located as precisely as possible.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// Every problem found.
    pub problems: Vec<String>,
}

/// A module ready to play.
#[derive(Debug, Clone, PartialEq)]
pub struct Ready {
    /// The validated module.
    pub module: Rc<Module>,
    /// Its path relative to the player.
    pub module_path: Rc<str>,
    /// The launch parameters (launch.json overridden by the URL query).
    pub launch: Rc<Launch>,
}

/// The loading state.
#[derive(Debug, Clone, PartialEq)]
pub enum Loaded {
    /// Still fetching.
    Loading,
    /// It cannot be played.
    Failed(Rc<Failure>),
    /// It can be played.
    Ready(Rc<Ready>),
}

/// Loads once on mount.
#[hook]
pub fn use_loader() -> Loaded {
    let state = use_state(|| Loaded::Loading);
    {
        let state = state.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                state.set(load(location::query_pairs()).await);
            });
        });
    }
    (*state).clone()
}

/// Reads the query, then fetches the module and its launch.json side by side.
pub async fn load(query: Vec<(String, String)>) -> Loaded {
    let mut problems = Vec::new();
    let query = Launch::from_query(&query).unwrap_or_else(|errors| {
        problems.extend(errors.iter().map(|p| p.to_string()));
        Launch::default()
    });
    let module_path = query
        .module
        .clone()
        .unwrap_or_else(|| DEFAULT_MODULE.to_string());
    let config_path = format!("{}launch.json", location::folder_of(&module_path));
    let (module_text, config_text) =
        futures::join!(http::get_text(&module_path), http::get_text(&config_path));
    let config = match config_text {
        Ok(Some(text)) => Launch::from_config(&text, &config_path).unwrap_or_else(|errors| {
            problems.extend(errors.iter().map(|p| p.to_string()));
            Launch::default()
        }),
        Ok(None) => Launch::default(),
        Err(e) => {
            problems.push(e.to_string());
            Launch::default()
        }
    };
    let module = match module_text {
        Ok(Some(text)) => match load_module(&text) {
            Ok(module) => Some(module),
            Err(e) => {
                problems.extend(e.report(&module_path).lines().map(str::to_string));
                None
            }
        },
        Ok(None) => {
            problems.push(format!("{module_path}: not found (HTTP 404); put the module file there or name another with ?module="));
            None
        }
        Err(e) => {
            problems.push(e.to_string());
            None
        }
    };
    match module {
        Some(module) if problems.is_empty() => Loaded::Ready(Rc::new(Ready {
            module: Rc::new(module),
            module_path: module_path.into(),
            launch: Rc::new(config.overridden_by(query)),
        })),
        _ => Loaded::Failed(Rc::new(Failure { problems })),
    }
}
