//! Loading the launch parameters and the module, with every problem collected for the
//! error page.

use crate::glue::cmi5::{self, Cmi5Context, Cmi5Stop};
use crate::glue::scorm::{self, ScormContext};
use crate::glue::{http, location, markdown, timing};
use pelita_lesson::{load_module, Module};
use pelita_xapi::cmi5::Cmi5Launch;
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
    /// Why the LMS's cmi5 launch did not start: then the learner is told what to do, not
    /// the author.
    pub lms: Option<Cmi5Stop>,
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
    /// The cmi5 session, when an LMS launched the module as a cmi5 AU.
    pub cmi5: Option<Rc<Cmi5Context>>,
    /// The SCORM session, when the player runs inside a SCORM LMS.
    pub scorm: Option<Rc<ScormContext>>,
    /// The launch came from a SCORM package (`lms=scorm`, which `pelita pack` puts in the
    /// item's parameters) but no SCORM API was found: the LMS records nothing.
    pub scorm_missing: bool,
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

/// Reads the query, then fetches the module and its launch.json side by side (and, for a
/// cmi5 launch, starts the cmi5 session at the same time).
pub async fn load(pairs: Vec<(String, String)>) -> Loaded {
    let mut problems = Vec::new();
    let cmi5_launch = match Cmi5Launch::from_query(&pairs) {
        None => None,
        Some(Ok(launch)) => Some(launch),
        Some(Err(errors)) => {
            problems.extend(errors.iter().map(|p| p.to_string()));
            None
        }
    };
    let query = Launch::from_query(&pairs).unwrap_or_else(|errors| {
        problems.extend(errors.iter().map(|p| p.to_string()));
        Launch::default()
    });
    let module_path = query
        .module
        .clone()
        .unwrap_or_else(|| DEFAULT_MODULE.to_string());
    let config_path = format!("{}launch.json", location::folder_of(&module_path));
    // All three run side by side: the two files are on their way while cmi5 starts.
    let module_request = http::start_get(&module_path);
    let config_request = http::start_get(&config_path);
    let cmi5 = match cmi5_launch {
        Some(launch) => Some(cmi5::start(launch).await),
        None => None,
    };
    let cmi5 = match cmi5 {
        Some(Ok(context)) => Some(Rc::new(context)),
        // The learner cannot do anything about the module's files now: say only what to do.
        Some(Err(stop)) => {
            return Loaded::Failed(Rc::new(Failure {
                problems,
                lms: Some(stop),
            }))
        }
        None => None,
    };
    let module_text = http::text_of(module_request).await;
    timing::mark("pelita:module-fetched");
    let config_text = http::text_of(config_request).await;
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
    // A Markdown module is first read into JSON by the Markdown reader, loaded only now;
    // its problems and warnings are placed on the Markdown's own lines.
    let mut unreadable = false;
    let module_text = match module_text {
        Ok(Some(text)) if markdown::is_markdown(&module_path) => {
            match markdown::convert(&text, &module_path).await {
                Ok(converted) => {
                    for warning in &converted.warnings {
                        web_sys::console::warn_1(&format!("{warning} (warning)").into());
                    }
                    Ok(Some(converted.json))
                }
                Err(lines) => {
                    problems.extend(lines);
                    unreadable = true;
                    Ok(None)
                }
            }
        }
        other => other,
    };
    let module = match module_text {
        Ok(Some(text)) => match load_module(&text) {
            Ok(module) => {
                timing::mark("pelita:module-read");
                // The module plays; what its author may want to fix (a missing translation,
                // shown in the default language) goes to the console, as `pelita check`
                // prints it. A Markdown module's warnings were printed with its own lines.
                for warning in module
                    .warnings
                    .iter()
                    .filter(|_| !markdown::is_markdown(&module_path))
                {
                    let line = format!("{module_path}:{warning} (warning)");
                    web_sys::console::warn_1(&line.into());
                }
                Some(module)
            }
            Err(e) => {
                problems.extend(e.report(&module_path).lines().map(str::to_string));
                None
            }
        },
        // The Markdown reader has already said why it gave no module.
        Ok(None) if unreadable => None,
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
        Some(mut module) if problems.is_empty() => {
            let mut launch = config.overridden_by(query);
            // Inside a SCORM LMS (and not launched by cmi5), the LMS's mastery score wins too.
            let scorm = if cmi5.is_none() {
                match scorm::start().await {
                    Ok(scorm) => scorm.map(Rc::new),
                    Err(_) => {
                        return Loaded::Failed(Rc::new(Failure {
                            problems,
                            lms: Some(Cmi5Stop::PartMissing),
                        }))
                    }
                }
            } else {
                None
            };
            if let Some(mastery) = scorm.as_ref().and_then(|s| s.mastery) {
                module.mastery_score = mastery;
            }
            if let Some(context) = &cmi5 {
                // The LMS's launch is the whole truth: its token, its mastery score (which
                // passed and failed must be judged by), the learner's language choice.
                launch.auth = Some(context.auth.clone());
                launch.registration = Some(context.launch.registration);
                launch.activity_id = Some(context.launch.activity_id.clone());
                launch.lang = launch.lang.or_else(|| context.language.clone());
                if let Some(mastery) = context.data.mastery_score {
                    module.mastery_score = mastery;
                }
            }
            let scorm_missing =
                scorm.is_none() && pairs.iter().any(|(k, v)| k == "lms" && v == "scorm");
            crate::chunks::load_first_page(&module).await;
            Loaded::Ready(Rc::new(Ready {
                module: Rc::new(module),
                module_path: module_path.into(),
                launch: Rc::new(launch),
                cmi5,
                scorm,
                scorm_missing,
            }))
        }
        _ => Loaded::Failed(Rc::new(Failure {
            problems,
            lms: None,
        })),
    }
}
