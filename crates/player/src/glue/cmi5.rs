//! Starting a cmi5 session at the browser edge: the one-time fetch of the auth token, the
//! `LMS.LaunchData` document, the learner's preferences, and keeping the token and the
//! once-only bookkeeping in localStorage so that a reload in the middle of a session goes
//! on where it was (the LMS refuses a second fetch).

use super::http;
use pelita_xapi::cmi5::{
    auth_token, Cmi5Launch, Cmi5Rules, LaunchData, LAUNCH_DATA_STATE_ID,
    LEARNER_PREFERENCES_PROFILE_ID,
};
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
}

fn local() -> Option<Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn key(launch: &Cmi5Launch, what: &str) -> String {
    format!("pelita.cmi5.v1:{what}:{}", launch.fetch)
}

fn encode(text: &str) -> String {
    String::from(js_sys::encode_uri_component(text))
}

/// Starts the session: the token (fetched once, then kept), then `LMS.LaunchData` and the
/// learner's preferences. Every problem is said in words for the error page.
pub async fn start(launch: Cmi5Launch) -> Result<Cmi5Context, Vec<String>> {
    let stored = local().and_then(|s| s.get_item(&key(&launch, "token")).ok().flatten());
    let token = match stored {
        Some(token) => token,
        None => {
            let (status, body) = http::post_empty(&launch.fetch)
                .await
                .map_err(|e| vec![format!("cmi5 fetch {}: {e}", launch.fetch)])?;
            let token = auth_token(&body).map_err(|e| {
                vec![format!(
                    "cmi5 fetch {} (HTTP {status}): {e}; open the course again from the LMS",
                    launch.fetch
                )]
            })?;
            if let Some(storage) = local() {
                let _ = storage.set_item(&key(&launch, "token"), &token);
            }
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
            Some(text) => LaunchData::from_json(&text).map_err(|p| {
                p.iter()
                    .map(|p| format!("LMS.LaunchData: {p}"))
                    .collect::<Vec<_>>()
            })?,
            None => {
                return Err(vec![
                    "LMS.LaunchData: the LMS has none for this launch".into()
                ])
            }
        },
        Err(e) => return Err(vec![format!("LMS.LaunchData could not be read: {e}")]),
    };
    let profile_url = format!(
        "{}agents/profile?agent={}&profileId={}",
        launch.endpoint,
        encode(&agent),
        encode(LEARNER_PREFERENCES_PROFILE_ID)
    );
    // Missing preferences are normal; any failure here only means "no preference".
    let language = http::get_state(&profile_url, Some(&auth), TIMEOUT_MS)
        .await
        .ok()
        .and_then(|doc| doc.text)
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .and_then(|v| v.get("languagePreference")?.as_str().map(str::to_string))
        .and_then(|list| list.split(',').next().map(|l| l.trim().to_string()))
        .filter(|l| !l.is_empty());
    Ok(Cmi5Context {
        launch,
        data,
        auth,
        language,
    })
}

/// The once-only bookkeeping of this session, as kept across reloads, or a new one.
pub fn rules(context: &Cmi5Context) -> Cmi5Rules {
    local()
        .and_then(|s| s.get_item(&key(&context.launch, "rules")).ok().flatten())
        .and_then(|text| Cmi5Rules::from_json(&text).ok())
        .unwrap_or_else(|| Cmi5Rules::new(context.data.launch_mode, false, false))
}

/// Keeps the bookkeeping for a reload.
pub fn save_rules(context: &Cmi5Context, rules: &Cmi5Rules) {
    if let Some(storage) = local() {
        let _ = storage.set_item(&key(&context.launch, "rules"), &rules.to_json());
    }
}
