//! The SCORM LMS's API at the browser edge: found by walking parent frames and the
//! opener, as SCORM requires, and called with the checks SCORM asks of content: every call
//! is followed by GetLastError, and an error is said in words (GetErrorString), never
//! ignored. What to set comes from `pelita_xapi::scorm`.
//!
//! Finding the API is in the first wasm chunk; talking to it is in the SCORM chunk
//! (`chunks::SCORM`, [`ScormGlue`]), which only a launch that found an API downloads.

use crate::error::ChunkError;
use crate::hooks::End;
use crate::state::PlayerState;
use js_sys::{Function, Reflect};
use pelita_xapi::scorm::{mastery_score, Progress, ScormVersion};
use pelita_xapi::SavedAttempt;
use std::cell::Cell;
use wasm_bindgen::{JsCast, JsValue};

/// The API call that failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LmsCall {
    /// `LMSInitialize` / `Initialize`.
    Initialize,
    /// `LMSGetValue` / `GetValue`.
    Get,
    /// `LMSSetValue` / `SetValue`.
    Set,
    /// `LMSCommit` / `Commit`.
    Commit,
    /// `LMSFinish` / `Terminate`.
    Terminate,
}

/// An error the LMS reported: the call, and the LMS's own code and text (kept as the LMS
/// said them; the learner's words around them come from the catalogs).
#[derive(Debug, Clone, PartialEq)]
pub struct LmsError {
    /// The call that failed.
    pub call: LmsCall,
    /// The data model element, for Get and Set.
    pub element: Option<String>,
    /// The SCORM error code (`101`).
    pub code: String,
    /// The LMS's text for it (GetErrorString).
    pub text: String,
}

impl std::fmt::Display for LmsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = match (self.call, &self.element) {
            (LmsCall::Initialize, _) => "starting the LMS session (Initialize)".to_string(),
            (LmsCall::Get, Some(e)) => format!("reading {e}"),
            (LmsCall::Set, Some(e)) => format!("setting {e}"),
            (LmsCall::Get | LmsCall::Set, None) => "a data model call".to_string(),
            (LmsCall::Commit, _) => "saving to the LMS (Commit)".to_string(),
            (LmsCall::Terminate, _) => "ending the LMS session (Terminate)".to_string(),
        };
        write!(
            f,
            "{what}: the LMS answered SCORM error {} ({})",
            self.code, self.text
        )
    }
}

/// What the learner must know about the SCORM LMS.
#[derive(Debug, Clone, PartialEq)]
pub enum LmsProblem {
    /// The package was launched as SCORM content but no API was found: nothing is recorded.
    NoApi,
    /// The LMS reported an error.
    Failed(LmsError),
}

/// The LMS's API object and its version.
#[derive(Debug)]
pub struct ScormContext {
    /// The version, from the API object's name.
    pub version: ScormVersion,
    api: JsValue,
    /// When this SCO session began, for the session time.
    pub started_ms: f64,
    /// The attempt saved in `cmi.suspend_data`, when the learner comes back to one.
    pub resume: Option<SavedAttempt>,
    /// The LMS's mastery score (0 to 1), which overrides the module's.
    pub mastery: Option<f64>,
    terminated: Cell<bool>,
    /// Why the session with the LMS could not start, shown to the learner.
    pub start_problem: Option<LmsError>,
}

impl PartialEq for ScormContext {
    fn eq(&self, other: &Self) -> bool {
        self.api == other.api && self.version == other.version
    }
}

/// How far up the frames to look: SCORM's own sample walks 500, real LMSs nest a few.
const MAX_FRAMES: usize = 12;

fn api_in(window: &JsValue) -> Option<(ScormVersion, JsValue)> {
    for (name, version) in [
        ("API_1484_11", ScormVersion::V2004),
        ("API", ScormVersion::V12),
    ] {
        // A frame of another origin throws on access: that ends the search there.
        let api = Reflect::get(window, &name.into()).ok()?;
        if api.is_object() {
            return Some((version, api));
        }
    }
    None
}

fn find_from(start: JsValue) -> Option<(ScormVersion, JsValue)> {
    let mut window = start;
    for _ in 0..MAX_FRAMES {
        if let Some(found) = api_in(&window) {
            return Some(found);
        }
        let parent = Reflect::get(&window, &"parent".into()).ok()?;
        if parent.is_undefined() || parent.is_null() || parent == window {
            return None;
        }
        window = parent;
    }
    None
}

/// Finds the API (this window, its parents, then the opener and its parents).
fn find() -> Option<(ScormVersion, JsValue)> {
    let window: JsValue = web_sys::window()?.into();
    find_from(window.clone()).or_else(|| {
        let opener = Reflect::get(&window, &"opener".into()).ok()?;
        if opener.is_object() {
            find_from(opener)
        } else {
            None
        }
    })
}

impl ScormContext {
    fn call(&self, name12: &str, name2004: &str, args: &[&str]) -> String {
        let name = match self.version {
            ScormVersion::V12 => name12,
            ScormVersion::V2004 => name2004,
        };
        let Some(function) = Reflect::get(&self.api, &name.into())
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok())
        else {
            return String::new();
        };
        let args: js_sys::Array = args.iter().map(|a| JsValue::from_str(a)).collect();
        function
            .apply(&self.api, &args)
            .ok()
            .and_then(|v| v.as_string().or_else(|| v.as_bool().map(|b| b.to_string())))
            .unwrap_or_default()
    }

    /// The error of the last call, with the LMS's code and text, if there was one.
    fn last_error(&self, call: LmsCall, element: Option<&str>) -> Result<(), LmsError> {
        let code = self.call("LMSGetLastError", "GetLastError", &[]);
        if code.is_empty() || code == "0" {
            return Ok(());
        }
        let text = self.call("LMSGetErrorString", "GetErrorString", &[&code]);
        Err(LmsError {
            call,
            element: element.map(str::to_string),
            code,
            text,
        })
    }

    /// Reads a data model element.
    pub fn get(&self, element: &str) -> Result<String, LmsError> {
        let value = self.call("LMSGetValue", "GetValue", &[element]);
        self.last_error(LmsCall::Get, Some(element)).map(|()| value)
    }

    /// Reads an element that may be unset (SCORM 2004 answers an unset element with an
    /// error, which here only means "none").
    pub fn get_optional(&self, element: &str) -> Option<String> {
        let value = self.call("LMSGetValue", "GetValue", &[element]);
        let code = self.call("LMSGetLastError", "GetLastError", &[]);
        (code.is_empty() || code == "0")
            .then_some(value)
            .filter(|v| !v.is_empty())
    }

    /// Sets a data model element.
    pub fn set(&self, element: &str, value: &str) -> Result<(), LmsError> {
        self.call("LMSSetValue", "SetValue", &[element, value]);
        self.last_error(LmsCall::Set, Some(element))
    }

    /// Asks the LMS to store what was set.
    pub fn commit(&self) -> Result<(), LmsError> {
        self.call("LMSCommit", "Commit", &[""]);
        self.last_error(LmsCall::Commit, None)
    }

    /// Ends the session with the LMS, once.
    pub fn terminate(&self) -> Result<(), LmsError> {
        if self.terminated.replace(true) {
            return Ok(());
        }
        self.call("LMSFinish", "Terminate", &[""]);
        self.last_error(LmsCall::Terminate, None)
    }

    /// Whether the session with the LMS has ended.
    pub fn is_terminated(&self) -> bool {
        self.terminated.get()
    }
}

/// What the SCORM chunk holds: the calls that talk to the LMS.
#[derive(Clone, Copy)]
pub struct ScormGlue {
    /// [`start_session`].
    pub start: fn(ScormVersion, JsValue) -> ScormContext,
    /// Sets the attempt's progress, commits, and ends the session as asked
    /// (`hooks::use_scorm`).
    pub report: fn(&PlayerState, &Progress, End) -> Result<(), LmsError>,
}

/// Starts the SCORM session when the player runs inside a SCORM LMS: finds the API,
/// downloads the SCORM chunk and starts the session with it. `Ok(None)` outside an LMS;
/// an error when the chunk could not be downloaded (twice), for the learner to try again
/// rather than play an attempt the LMS would not record.
pub async fn start() -> Result<Option<ScormContext>, ChunkError> {
    let Some((version, api)) = find() else {
        return Ok(None);
    };
    let glue = crate::chunks::SCORM.load_with_retry().await?;
    Ok(Some((glue.start)(version, api)))
}

/// Initializes the API found, and reads the resume data and the mastery score.
pub fn start_session(version: ScormVersion, api: JsValue) -> ScormContext {
    let context = ScormContext {
        version,
        api,
        started_ms: js_sys::Date::now(),
        resume: None,
        mastery: None,
        terminated: Cell::new(false),
        start_problem: None,
    };
    context.call("LMSInitialize", "Initialize", &[""]);
    if let Err(problem) = context.last_error(LmsCall::Initialize, None) {
        return ScormContext {
            start_problem: Some(problem),
            ..context
        };
    }
    let entry = context.get(version.entry()).unwrap_or_default();
    // On a first entry (`ab-initio`) there is nothing to read, and SCORM 2004 reports an
    // unset element as an error: only a resumed session asks.
    let resume = if entry == "resume" {
        context
            .get(version.suspend_data())
            .ok()
            .and_then(|data| SavedAttempt::from_json(&data).ok())
    } else {
        None
    };
    let mastery = context
        .get_optional(version.mastery())
        .and_then(|m| mastery_score(version, &m));
    ScormContext {
        resume,
        mastery,
        ..context
    }
}
