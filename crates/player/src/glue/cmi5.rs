//! Starting a cmi5 session at the browser edge: the one-time fetch of the auth token, the
//! `LMS.LaunchData` document, the learner's preferences, what the registration already
//! holds, and keeping the token and the once-only bookkeeping in localStorage so that a
//! reload knows where the session is (the LMS refuses a second fetch).
//!
//! Knowing that a launch is cmi5 (`Cmi5Launch::from_query`) and the types of a session are
//! in the first wasm chunk; everything a session does is in the cmi5 chunk
//! (`chunks::CMI5`, [`Cmi5Glue`]), which only a cmi5 launch downloads. A started session
//! carries the chunk's functions, so the player calls them through its context.

use super::http;
use crate::error::ChunkError;
use pelita_xapi::cmi5::{
    auth_token, fetch_refusal, query_found, registration_query, Cmi5Launch, Cmi5Rules, Defined,
    LaunchData, LaunchMode, RegistrationRecord, LAUNCH_DATA_STATE_ID,
    LEARNER_PREFERENCES_PROFILE_ID,
};
use pelita_xapi::Entry;
use serde_json::Value;
use std::future::Future;
use std::pin::Pin;
use uuid::Uuid;
use web_sys::Storage;

/// How long each request of the start may take.
const TIMEOUT_MS: u32 = 10_000;

/// A started cmi5 session.
#[derive(Debug, Clone, PartialEq)]
pub struct Cmi5Context {
    /// The launch parameters.
    pub launch: Cmi5Launch,
    /// What the LMS says about this launch.
    pub data: LaunchData,
    /// The `Authorization` header value for every xAPI request.
    pub auth: String,
    /// The learner's preferred language, from `cmi5LearnerPreferences`.
    pub language: Option<String>,
    /// What the registration held when this session started.
    pub record: RegistrationRecord,
    /// The cmi5 chunk's functions.
    pub glue: Cmi5Glue,
}

/// A started session's statements, dressed or forbidden; see `Cmi5Rules::admit`.
type Admit = fn(&Cmi5Context, &mut Cmi5Rules, &mut Value) -> Result<(), String>;

/// Starts a session with the chunk's own functions; see [`start_session`].
type Start =
    fn(Cmi5Launch, Cmi5Glue) -> Pin<Box<dyn Future<Output = Result<Cmi5Context, Cmi5Stop>>>>;

/// Settles what earlier sessions left waiting; see [`settle_other_sessions`].
type Settle =
    for<'a> fn(&'a Cmi5Context, &'a mut [Entry]) -> Pin<Box<dyn Future<Output = ()> + 'a>>;

/// What the cmi5 chunk holds: what a cmi5 session does.
#[derive(Clone, Copy)]
pub struct Cmi5Glue {
    /// [`start_session`].
    pub start: Start,
    /// [`rules`].
    pub rules: fn(&Cmi5Context) -> Cmi5Rules,
    /// [`save_rules`].
    pub save_rules: fn(&Cmi5Context, &Cmi5Rules),
    /// Checks a statement against the session's rules and dresses it for cmi5.
    pub admit: Admit,
    /// `terminated` made from the session's last statement (`cmi5::terminated_after`).
    pub terminated_after: fn(&Value, Uuid) -> Value,
    /// [`settle_other_sessions`].
    pub settle: Settle,
}

/// The functions of the one cmi5 chunk: any two are the same.
impl PartialEq for Cmi5Glue {
    fn eq(&self, _: &Cmi5Glue) -> bool {
        true
    }
}

impl std::fmt::Debug for Cmi5Glue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Cmi5Glue")
    }
}

/// The cmi5 chunk's functions, as [`Cmi5Glue`] hands them out (run in the chunk).
pub const fn chunk_glue() -> Cmi5Glue {
    Cmi5Glue {
        start: |launch, glue| Box::pin(start_session(launch, glue)),
        rules: rules_now,
        save_rules: save_rules_now,
        admit: |context, rules, statement| {
            rules
                .admit(statement, &context.launch, &context.data)
                .map_err(|forbidden| forbidden.to_string())
        },
        terminated_after: pelita_xapi::cmi5::terminated_after,
        settle: |context, entries| Box::pin(settle_now(context, entries)),
    }
}

/// Why a cmi5 launch does not start, as the learner is told (the error page's words come
/// from the catalogs; `detail` keeps what the LMS or the browser said, untranslated).
#[derive(Debug, Clone, PartialEq)]
pub enum Cmi5Stop {
    /// The LMS answered the fetch URL, or the first requests, without letting the course
    /// start (its `error-code` and `error-text`, or the HTTP status).
    Refused {
        /// The LMS's own code and text.
        detail: String,
    },
    /// The LMS could not be reached at all (connection refused, offline, timeout).
    Unreachable {
        /// The browser's reason.
        detail: String,
    },
    /// This device already used the one-time fetch URL (an earlier load of this page) and
    /// kept no token: posting it again would only be refused.
    LinkUsed,
    /// The part of the player an LMS launch needs (the cmi5 or the SCORM chunk) could not
    /// be downloaded, twice: nothing was asked of the LMS yet, so loading the page again
    /// starts the launch afresh.
    PartMissing,
    /// The session has ended (`terminated` was sent): nothing more may be sent in it, and
    /// only the LMS can start a new one.
    Ended {
        /// Where the LMS wants the learner to go (`returnURL`), if it said.
        return_url: Option<String>,
    },
}

fn local() -> Option<Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn key(launch: &Cmi5Launch, what: &str) -> String {
    format!("pelita.cmi5.v1:{what}:{}", launch.fetch)
}

fn record_key(launch: &Cmi5Launch) -> String {
    format!(
        "pelita.cmi5.v1:record:{}:{}",
        launch.registration, launch.activity_id
    )
}

fn get(key: &str) -> Option<String> {
    local().and_then(|s| s.get_item(key).ok().flatten())
}

fn set(key: &str, value: &str) {
    if let Some(storage) = local() {
        let _ = storage.set_item(key, value);
    }
}

fn encode(text: &str) -> String {
    String::from(js_sys::encode_uri_component(text))
}

/// The session's bookkeeping as kept in this browser, if any.
fn stored_rules(launch: &Cmi5Launch) -> Option<Cmi5Rules> {
    get(&key(launch, "rules")).and_then(|text| Cmi5Rules::from_json(&text).ok())
}

/// Starts the session with the cmi5 chunk, downloaded first (and tried again once): a
/// chunk that cannot be downloaded stops the launch before anything is asked of the LMS,
/// so loading the page again starts it afresh.
pub async fn start(launch: Cmi5Launch) -> Result<Cmi5Context, Cmi5Stop> {
    let glue = crate::chunks::CMI5
        .load_with_retry()
        .await
        .map_err(|ChunkError| Cmi5Stop::PartMissing)?;
    (glue.start)(launch, glue).await
}

/// Starts the session: the token (fetched once, then kept), then `LMS.LaunchData`, the
/// learner's preferences and what the registration holds. A session that has ended, or
/// a fetch URL this device already used, is not asked again.
async fn start_session(launch: Cmi5Launch, glue: Cmi5Glue) -> Result<Cmi5Context, Cmi5Stop> {
    if stored_rules(&launch).is_some_and(|rules| rules.terminated()) {
        return Err(Cmi5Stop::Ended {
            return_url: get(&key(&launch, "return")),
        });
    }
    let token = match get(&key(&launch, "token")) {
        Some(token) => token,
        // The fetch URL works once: a page that posted it before (and then failed, or was
        // closed before the answer came) must not post it again.
        None if get(&key(&launch, "fetched")).is_some() => return Err(Cmi5Stop::LinkUsed),
        None => {
            set(&key(&launch, "fetched"), "1");
            let (status, body) = http::post_empty(&launch.fetch)
                .await
                .map_err(|detail| Cmi5Stop::Unreachable { detail })?;
            let token = auth_token(&body).map_err(|_| {
                let detail = match fetch_refusal(&body) {
                    (Some(code), Some(text)) => format!("{code}: {text}"),
                    (Some(code), None) => code,
                    (None, Some(text)) => text,
                    (None, None) => format!("HTTP {status}"),
                };
                Cmi5Stop::Refused { detail }
            })?;
            set(&key(&launch, "token"), &token);
            token
        }
    };
    let auth = format!("Basic {token}");
    let agent = serde_json::to_string(&launch.actor).unwrap_or_default();
    let state_url = format!(
        "{}activities/state?stateId={}&activityId={}&agent={}&registration={}",
        launch.endpoint,
        encode(LAUNCH_DATA_STATE_ID),
        encode(&launch.activity_id),
        encode(&agent),
        launch.registration
    );
    let data = match http::get_state(&state_url, Some(&auth), TIMEOUT_MS).await {
        Ok(doc) => match doc.text {
            Some(text) => LaunchData::from_json(&text).map_err(|p| Cmi5Stop::Refused {
                detail: format!("LMS.LaunchData: {}", p.join("; ")),
            })?,
            None => {
                return Err(Cmi5Stop::Refused {
                    detail: "LMS.LaunchData: 404".into(),
                })
            }
        },
        Err(detail) => {
            // A status comes back as "403: text"; anything else is the browser's reason.
            return Err(if detail.starts_with(|c: char| c.is_ascii_digit()) {
                Cmi5Stop::Refused {
                    detail: format!("LMS.LaunchData: {detail}"),
                }
            } else {
                Cmi5Stop::Unreachable { detail }
            });
        }
    };
    if let Some(url) = &data.return_url {
        set(&key(&launch, "return"), url);
    }
    let profile_url = format!(
        "{}agents/profile?agent={}&profileId={}",
        launch.endpoint,
        encode(&agent),
        encode(LEARNER_PREFERENCES_PROFILE_ID)
    );
    // Only a Normal launch may send completed or passed, so only it needs to know.
    let asks =
        (data.launch_mode == LaunchMode::Normal && stored_rules(&launch).is_none()).then(|| {
            [Defined::Completed, Defined::Passed].map(|verb| {
                http::start_xapi_get(&registration_query(&launch, verb), Some(&auth), TIMEOUT_MS)
            })
        });
    // Missing preferences are normal; any failure here only means "no preference".
    let language = http::get_state(&profile_url, Some(&auth), TIMEOUT_MS)
        .await
        .ok()
        .and_then(|doc| doc.text)
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .and_then(|v| v.get("languagePreference")?.as_str().map(str::to_string))
        .and_then(|list| list.split(',').next().map(|l| l.trim().to_string()))
        .filter(|l| !l.is_empty());
    let mut record = local_record(&launch);
    if let Some([completed, passed]) = asks {
        for (ask, flag) in [
            (completed, &mut record.completed),
            (passed, &mut record.passed),
        ] {
            match ask.text().await.map(|text| query_found(&text)) {
                Ok(Ok(found)) => *flag |= found,
                // An LMS that does not answer the query leaves what this device remembers
                // of the registration; the console says so for whoever looks.
                Ok(Err(problem)) => web_sys::console::warn_1(&format!("cmi5: {problem}").into()),
                Err(problem) => web_sys::console::warn_1(&format!("cmi5: {problem}").into()),
            }
        }
    }
    Ok(Cmi5Context {
        launch,
        data,
        auth,
        language,
        record,
        glue,
    })
}

/// What this device remembers sending in the registration (a fallback for an LMS that
/// does not answer the statements query).
fn local_record(launch: &Cmi5Launch) -> RegistrationRecord {
    let value = get(&record_key(launch))
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .unwrap_or_default();
    let flag = |name: &str| value.get(name).and_then(|v| v.as_bool()).unwrap_or(false);
    RegistrationRecord {
        completed: flag("completed"),
        passed: flag("passed"),
    }
}

/// The once-only bookkeeping of this session, as kept across reloads, or a new one for
/// what the registration holds.
pub fn rules(context: &Cmi5Context) -> Cmi5Rules {
    (context.glue.rules)(context)
}

fn rules_now(context: &Cmi5Context) -> Cmi5Rules {
    stored_rules(&context.launch)
        .unwrap_or_else(|| Cmi5Rules::for_registration(context.data.launch_mode, context.record))
}

/// Keeps the bookkeeping for a reload (synchronously, so the page's last moment can call
/// it), and what the registration now holds for the next session on this device.
pub fn save_rules(context: &Cmi5Context, rules: &Cmi5Rules) {
    (context.glue.save_rules)(context, rules);
}

fn save_rules_now(context: &Cmi5Context, rules: &Cmi5Rules) {
    set(&key(&context.launch, "rules"), &rules.to_json());
    let record = rules.record();
    set(
        &record_key(&context.launch),
        &serde_json::json!({"completed": record.completed, "passed": record.passed}).to_string(),
    );
}

/// The cmi5 session id a statement was made in (its context's `sessionid` extension).
fn session_of(statement: &serde_json::Value) -> Option<&str> {
    statement
        .pointer("/context/extensions")?
        .get(pelita_xapi::cmi5::EXT_SESSION_ID)?
        .as_str()
}

/// Statements of an earlier cmi5 session that this device still counts as waiting (the
/// page that made them went away before their answer came, as a closed window's last
/// batch does) must not go out with this session's token: the LMS would take them into
/// the wrong session or refuse them. The LMS is asked for each one by id: one it holds is
/// delivered; one it does not is kept, quarantined with the reason (its session has ended,
/// and after `terminated` an LMS must refuse statements for it).
pub async fn settle_other_sessions(context: &Cmi5Context, entries: &mut [Entry]) {
    (context.glue.settle)(context, entries).await;
}

async fn settle_now(context: &Cmi5Context, entries: &mut [Entry]) {
    let Some(current) = context
        .data
        .context_template
        .pointer("/extensions")
        .and_then(|e| e.get(pelita_xapi::cmi5::EXT_SESSION_ID))
        .and_then(|s| s.as_str())
    else {
        return;
    };
    for entry in entries.iter_mut() {
        if entry.delivery != pelita_xapi::Delivery::Queued {
            continue;
        }
        let Some(session) = session_of(&entry.statement).map(str::to_string) else {
            continue;
        };
        if session == current {
            continue;
        }
        let url = format!(
            "{}statements?statementId={}",
            context.launch.endpoint, entry.id
        );
        let found = http::start_xapi_get(&url, Some(&context.auth), TIMEOUT_MS)
            .text()
            .await;
        entry.delivery = match found {
            Ok(_) => pelita_xapi::Delivery::Sent,
            Err(_) => pelita_xapi::Delivery::Quarantined {
                status: 0,
                reason: format!(
                    "made in cmi5 session {session}, which has ended; the LMS takes a session's statements only while it lasts"
                ),
            },
        };
        // Written back in its new state.
        entry.saved = false;
    }
}
