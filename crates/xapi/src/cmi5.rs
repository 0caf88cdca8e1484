//! The Assignable Unit side of cmi5 (Quartz), as pure rules: reading the launch and the
//! `LMS.LaunchData` document, deciding which statement may be sent when, and dressing an
//! admitted statement the way cmi5 requires.
//!
//! The rules work on statements as the JSON the outbox keeps, so they apply the same to
//! every statement, whoever built it. An LMS refuses a statement that breaks the rules, and
//! a refused statement would sit in the outbox for ever; so the player asks [`Cmi5Rules`]
//! before queueing, and a statement the rules forbid is never queued (the player shows
//! why). The bookkeeping of once-only statements survives a reload through
//! [`Cmi5Rules::to_json`], because the LMS remembers them too.

use crate::error::LaunchProblem;
use crate::statement::Agent;
use serde_json::{json, Map, Value};
use uuid::Uuid;

/// The category every cmi5 defined statement carries.
pub const CATEGORY_CMI5: &str = "https://w3id.org/xapi/cmi5/context/categories/cmi5";
/// The category of the statements that may satisfy `moveOn` (completed, passed, failed).
pub const CATEGORY_MOVEON: &str = "https://w3id.org/xapi/cmi5/context/categories/moveon";
/// The context extension holding the LMS's session id (it comes in the context template).
pub const EXT_SESSION_ID: &str = "https://w3id.org/xapi/cmi5/context/extensions/sessionid";
/// The context extension stating the mastery score a passed/failed was judged by.
pub const EXT_MASTERY_SCORE: &str = "https://w3id.org/xapi/cmi5/context/extensions/masteryscore";
/// The state document the LMS writes for the AU to read.
pub const LAUNCH_DATA_STATE_ID: &str = "LMS.LaunchData";
/// The agent profile holding the learner's preferences.
pub const LEARNER_PREFERENCES_PROFILE_ID: &str = "cmi5LearnerPreferences";

const ADL: &str = "http://adlnet.gov/expapi/verbs/";

/// How the LMS launched the AU.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LaunchMode {
    /// The learner takes the AU for credit.
    Normal,
    /// The learner looks around; nothing counts.
    Browse,
    /// The learner looks back at a finished attempt; nothing counts.
    Review,
}

/// What the LMS needs to see before the learner may move on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoveOn {
    /// `passed`.
    Passed,
    /// `completed`.
    Completed,
    /// Both.
    CompletedAndPassed,
    /// Either.
    CompletedOrPassed,
    /// Nothing: the AU counts as satisfied.
    NotApplicable,
}

/// The `LMS.LaunchData` state document.
#[derive(Debug, Clone, PartialEq)]
pub struct LaunchData {
    /// Merged into the context of every statement, never overwritten.
    pub context_template: Value,
    /// How the AU was launched.
    pub launch_mode: LaunchMode,
    /// What satisfies the AU.
    pub move_on: MoveOn,
    /// The score (0 to 1) that passes, overriding the module's own when present.
    pub mastery_score: Option<f64>,
    /// Where to go when the learner exits.
    pub return_url: Option<String>,
    /// Free text for the AU, as the course structure gave it.
    pub launch_parameters: Option<String>,
}

impl LaunchData {
    /// Reads the document; every problem is named with its property.
    pub fn from_json(text: &str) -> Result<LaunchData, Vec<String>> {
        let value: Value =
            serde_json::from_str(text).map_err(|e| vec![format!("not JSON: {e}")])?;
        let mut problems = Vec::new();
        let context_template = match value.get("contextTemplate") {
            Some(template @ Value::Object(_)) => template.clone(),
            _ => {
                problems.push("contextTemplate: must be an object".to_string());
                Value::Null
            }
        };
        if context_template
            .pointer("/extensions")
            .and_then(|e| e.get(EXT_SESSION_ID))
            .is_none()
            && problems.is_empty()
        {
            problems.push(format!(
                "contextTemplate.extensions: missing {EXT_SESSION_ID}"
            ));
        }
        let launch_mode = match value.get("launchMode").and_then(Value::as_str) {
            Some("Normal") => LaunchMode::Normal,
            Some("Browse") => LaunchMode::Browse,
            Some("Review") => LaunchMode::Review,
            other => {
                problems.push(format!(
                    "launchMode: expected Normal, Browse or Review, got {}",
                    other.unwrap_or("nothing")
                ));
                LaunchMode::Normal
            }
        };
        let move_on = match value.get("moveOn").and_then(Value::as_str) {
            Some("Passed") => MoveOn::Passed,
            Some("Completed") => MoveOn::Completed,
            Some("CompletedAndPassed") => MoveOn::CompletedAndPassed,
            Some("CompletedOrPassed") => MoveOn::CompletedOrPassed,
            Some("NotApplicable") => MoveOn::NotApplicable,
            other => {
                problems.push(format!(
                    "moveOn: expected Passed, Completed, CompletedAndPassed, CompletedOrPassed or NotApplicable, got {}",
                    other.unwrap_or("nothing")
                ));
                MoveOn::NotApplicable
            }
        };
        let mastery_score = match value.get("masteryScore") {
            None | Some(Value::Null) => None,
            Some(v) => match v.as_f64() {
                Some(m) if (0.0..=1.0).contains(&m) => Some(m),
                _ => {
                    problems.push(format!(
                        "masteryScore: must be a number from 0 to 1, got {v}"
                    ));
                    None
                }
            },
        };
        let text = |key: &str, problems: &mut Vec<String>| match value.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => {
                problems.push(format!("{key}: must be a string"));
                None
            }
        };
        // The spec says `returnURL`; its own sample document says `returnUrl`: take either.
        let return_url =
            text("returnURL", &mut problems).or_else(|| text("returnUrl", &mut problems));
        let launch_parameters = text("launchParameters", &mut problems);
        if problems.is_empty() {
            Ok(LaunchData {
                context_template,
                launch_mode,
                move_on,
                mastery_score,
                return_url,
                launch_parameters,
            })
        } else {
            Err(problems)
        }
    }
}

/// The launch parameters of a cmi5 launch.
#[derive(Debug, Clone, PartialEq)]
pub struct Cmi5Launch {
    /// The LMS's xAPI endpoint, ending in `/`.
    pub endpoint: String,
    /// The one-time URL that hands out the session's auth token.
    pub fetch: String,
    /// The learner, identified by an account.
    pub actor: Agent,
    /// The registration of the course enrolment.
    pub registration: Uuid,
    /// The AU's activity id.
    pub activity_id: String,
}

impl Cmi5Launch {
    /// Reads a cmi5 launch from a URL query: `None` when the query is no cmi5 launch (no
    /// `fetch`), else the launch or every problem, by parameter.
    pub fn from_query(
        pairs: &[(String, String)],
    ) -> Option<Result<Cmi5Launch, Vec<LaunchProblem>>> {
        let get = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim());
        get("fetch")?;
        let mut problems = Vec::new();
        let mut problem = |field: &str, message: String| {
            problems.push(LaunchProblem {
                field: format!("query: {field}"),
                message,
            })
        };
        let url = |name: &str, problem: &mut dyn FnMut(&str, String)| -> String {
            match get(name) {
                Some(v) if v.starts_with("https://") || v.starts_with("http://") => v.to_string(),
                Some(v) => {
                    problem(name, format!("`{v}` is not an http:// or https:// URL"));
                    String::new()
                }
                None => {
                    problem(name, "missing; cmi5 requires it".into());
                    String::new()
                }
            }
        };
        let mut endpoint = url("endpoint", &mut problem);
        if !endpoint.is_empty() && !endpoint.ends_with('/') {
            endpoint.push('/');
        }
        let fetch = url("fetch", &mut problem);
        let parsed = get("actor").map(|text| {
            serde_json::from_str::<Value>(text)
                .map_err(|e| format!("not valid JSON: {e}"))
                .and_then(|v| crate::launch::agent_from_json(&v))
        });
        let actor = match parsed {
            Some(Ok(agent)) if agent.account.is_some() => agent,
            Some(Ok(_)) => {
                problem("actor", "a cmi5 actor is identified by an `account`".into());
                Agent::default()
            }
            Some(Err(e)) => {
                problem("actor", e);
                Agent::default()
            }
            None => {
                problem("actor", "missing; cmi5 requires it".into());
                Agent::default()
            }
        };
        let registration = match get("registration").map(Uuid::parse_str) {
            Some(Ok(r)) => r,
            Some(Err(_)) => {
                problem("registration", "not a UUID".into());
                Uuid::nil()
            }
            None => {
                problem("registration", "missing; cmi5 requires it".into());
                Uuid::nil()
            }
        };
        let activity_id = match get("activityId") {
            Some(id) if pelita_lesson::is_absolute_iri(id) => id.to_string(),
            Some(id) => {
                problem("activityId", format!("`{id}` is not an absolute IRI"));
                String::new()
            }
            None => {
                problem("activityId", "missing; cmi5 requires it".into());
                String::new()
            }
        };
        Some(if problems.is_empty() {
            Ok(Cmi5Launch {
                endpoint,
                fetch,
                actor,
                registration,
                activity_id,
            })
        } else {
            Err(problems)
        })
    }
}

/// Reads the fetch URL's answer: the auth token, or the LMS's error (a second fetch is
/// refused with error code 1).
pub fn auth_token(answer: &str) -> Result<String, String> {
    let value: Value =
        serde_json::from_str(answer).map_err(|e| format!("the fetch answer is not JSON: {e}"))?;
    if let Some(token) = value.get("auth-token").and_then(Value::as_str) {
        if !token.is_empty() {
            return Ok(token.to_string());
        }
    }
    let code = value.get("error-code").map(Value::to_string);
    let text = value.get("error-text").and_then(Value::as_str);
    Err(match (code, text) {
        (Some(code), Some(text)) => format!("the LMS refused the fetch (error {code}): {text}"),
        (Some(code), None) => format!("the LMS refused the fetch (error {code})"),
        _ => "the fetch answer has no auth-token".to_string(),
    })
}

/// The LMS's own words when the fetch URL gives no token: its `error-code` and
/// `error-text` (cmi5 8.2.3), each `None` when the answer has none (or is not JSON).
pub fn fetch_refusal(answer: &str) -> (Option<String>, Option<String>) {
    let value: Value = serde_json::from_str(answer).unwrap_or(Value::Null);
    let code = value.get("error-code").map(|c| match c {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    });
    let text = value
        .get("error-text")
        .and_then(Value::as_str)
        .map(str::to_string);
    (code, text)
}

/// What a registration already holds from earlier sessions: the once-per-registration
/// statements an AU must not send again.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RegistrationRecord {
    /// The registration has a `completed` for this AU.
    pub completed: bool,
    /// The registration has a `passed` for this AU.
    pub passed: bool,
}

/// The Statement API query that tells whether the registration already holds a `verb`
/// statement by the learner about the AU: `statements?agent=..&verb=..&activity=..&
/// registration=..&limit=1&format=ids`. cmi5 makes the LMS an LRS (section 6.0) and its
/// endpoint the AU's, so the AU can ask it; voided statements never match, so a statement
/// the LMS voided as breaking the rules does not count either.
pub fn registration_query(launch: &Cmi5Launch, verb: Defined) -> String {
    // Serialising our own Agent type cannot fail: every map key is a string.
    let agent = serde_json::to_string(&launch.actor).unwrap_or_default();
    format!(
        "{}statements?agent={}&verb={}&activity={}&registration={}&limit=1&format=ids",
        launch.endpoint,
        encode(&agent),
        encode(&format!("{ADL}{}", verb.name())),
        encode(&launch.activity_id),
        launch.registration
    )
}

/// Reads the answer to [`registration_query`]: whether it found a statement.
pub fn query_found(answer: &str) -> Result<bool, String> {
    let value: Value = serde_json::from_str(answer)
        .map_err(|e| format!("the statements answer is not JSON: {e}"))?;
    value
        .get("statements")
        .and_then(Value::as_array)
        .map(|list| !list.is_empty())
        .ok_or_else(|| "the statements answer has no `statements` list".to_string())
}

/// The `terminated` statement that ends a session cut short (the page goes away in the
/// middle of an attempt): the twin of the `suspended` statement made at the same moment,
/// with the same actor, object, context, timestamp and duration, its own `id`, and the
/// verb `terminated`. cmi5 7.1.2: once the AU knows the session will end it should send
/// `terminated`; a page that is going away has no later moment to send it.
pub fn terminated_after(suspended: &Value, id: Uuid) -> Value {
    let mut statement = suspended.clone();
    if let Some(object) = statement.as_object_mut() {
        object.insert("id".into(), Value::String(id.to_string()));
        object.insert("verb".into(), verb_value(crate::verbs::terminated()));
    }
    statement
}

/// A verb as the JSON of a statement (the reporter's own verbs, so the displays match).
fn verb_value(verb: crate::statement::Verb) -> Value {
    // Serialising our own Verb type cannot fail: every map key is a string.
    serde_json::to_value(verb).unwrap_or(Value::Null)
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The cmi5 defined verbs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Defined {
    /// `initialized`.
    Initialized,
    /// `completed`.
    Completed,
    /// `passed`.
    Passed,
    /// `failed`.
    Failed,
    /// `terminated`.
    Terminated,
}

impl Defined {
    /// The defined verb a verb IRI names, if it is one.
    pub fn of(verb_id: &str) -> Option<Defined> {
        match verb_id.strip_prefix(ADL)? {
            "initialized" => Some(Defined::Initialized),
            "completed" => Some(Defined::Completed),
            "passed" => Some(Defined::Passed),
            "failed" => Some(Defined::Failed),
            "terminated" => Some(Defined::Terminated),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Defined::Initialized => "initialized",
            Defined::Completed => "completed",
            Defined::Passed => "passed",
            Defined::Failed => "failed",
            Defined::Terminated => "terminated",
        }
    }
}

/// Why a statement may not be sent now.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Forbidden {
    /// Nothing may come before `initialized` in a session.
    #[error("`{0}` before `initialized`: a cmi5 session starts with initialized")]
    BeforeInitialized(String),
    /// Nothing may come after `terminated`.
    #[error("`{0}` after `terminated`: the LMS has closed the session")]
    AfterTerminated(String),
    /// A defined statement was already sent in this session.
    #[error("`{0}` was already sent in this session")]
    TwiceInSession(&'static str),
    /// `passed` and `failed` in one session.
    #[error("`{0}` after `{1}` in the same session")]
    PassedAndFailed(&'static str, &'static str),
    /// `completed` or `passed` was already sent for this registration.
    #[error("`{0}` was already sent for this registration")]
    TwiceInRegistration(&'static str),
    /// `failed` after the registration has passed.
    #[error("`failed` after `passed` for this registration")]
    FailedAfterPassed,
    /// Browse and Review launches report only initialized and terminated.
    #[error("`{0}` in a {1:?} launch, which reports only initialized and terminated")]
    NotInThisMode(String, LaunchMode),
    /// The statement has no verb id.
    #[error("the statement has no verb")]
    NoVerb,
}

/// The once-only bookkeeping of one session and its registration.
#[derive(Debug, Clone, PartialEq)]
pub struct Cmi5Rules {
    mode: LaunchMode,
    /// Defined statements sent in this session, in order.
    session: Vec<Defined>,
    /// Whether this registration already has completed / passed (the LMS's view, as far as
    /// this AU knows it).
    completed: bool,
    passed: bool,
}

impl Cmi5Rules {
    /// The rules for a new session launched in `mode`; `completed` and `passed` say what
    /// the registration already has from earlier sessions.
    pub fn new(mode: LaunchMode, completed: bool, passed: bool) -> Cmi5Rules {
        Self::for_registration(mode, RegistrationRecord { completed, passed })
    }

    /// The rules for a new session of a registration that holds `record`.
    pub fn for_registration(mode: LaunchMode, record: RegistrationRecord) -> Cmi5Rules {
        let RegistrationRecord { completed, passed } = record;
        Cmi5Rules {
            mode,
            session: Vec::new(),
            completed,
            passed,
        }
    }

    /// Whether `statement` may be sent now.
    pub fn check(&self, statement: &Value) -> Result<(), Forbidden> {
        let verb = statement
            .pointer("/verb/id")
            .and_then(Value::as_str)
            .ok_or(Forbidden::NoVerb)?;
        let defined = Defined::of(verb);
        let short = verb.rsplit('/').next().unwrap_or(verb).to_string();
        if self.session.contains(&Defined::Terminated) {
            return Err(Forbidden::AfterTerminated(short));
        }
        if self.session.is_empty() && defined != Some(Defined::Initialized) {
            return Err(Forbidden::BeforeInitialized(short));
        }
        if self.mode != LaunchMode::Normal
            && !matches!(defined, Some(Defined::Initialized | Defined::Terminated))
        {
            return Err(Forbidden::NotInThisMode(short, self.mode));
        }
        let Some(defined) = defined else {
            return Ok(());
        };
        if self.session.contains(&defined) {
            return Err(Forbidden::TwiceInSession(defined.name()));
        }
        match defined {
            Defined::Passed if self.session.contains(&Defined::Failed) => {
                Err(Forbidden::PassedAndFailed("passed", "failed"))
            }
            Defined::Failed if self.session.contains(&Defined::Passed) => {
                Err(Forbidden::PassedAndFailed("failed", "passed"))
            }
            Defined::Failed if self.passed => Err(Forbidden::FailedAfterPassed),
            Defined::Passed if self.passed => Err(Forbidden::TwiceInRegistration("passed")),
            Defined::Completed if self.completed => {
                Err(Forbidden::TwiceInRegistration("completed"))
            }
            _ => Ok(()),
        }
    }

    /// Checks `statement`, and if it may be sent, dresses it for cmi5 (see [`dress`]) and
    /// records it.
    pub fn admit(
        &mut self,
        statement: &mut Value,
        launch: &Cmi5Launch,
        data: &LaunchData,
    ) -> Result<(), Forbidden> {
        // A saved attempt continued in a new session (a new launch by the LMS) opens with
        // `resumed`, but a cmi5 session must open with `initialized` (7.1.1): in that place
        // the statement is sent as `initialized`, with its own id and everything else kept.
        if self.session.is_empty()
            && statement.pointer("/verb/id").and_then(Value::as_str)
                == Some(&format!("{ADL}resumed"))
        {
            if let Some(verb) = statement.get_mut("verb") {
                *verb = verb_value(crate::verbs::initialized());
            }
        }
        self.check(statement)?;
        let defined = statement
            .pointer("/verb/id")
            .and_then(Value::as_str)
            .and_then(Defined::of);
        dress(statement, launch, data, defined);
        if let Some(defined) = defined {
            self.session.push(defined);
            match defined {
                Defined::Completed => self.completed = true,
                Defined::Passed => self.passed = true,
                _ => {}
            }
        }
        Ok(())
    }

    /// What the registration holds now, as far as this AU knows (earlier sessions and
    /// this one).
    pub fn record(&self) -> RegistrationRecord {
        RegistrationRecord {
            completed: self.completed,
            passed: self.passed,
        }
    }

    /// How the session was launched.
    pub fn mode(&self) -> LaunchMode {
        self.mode
    }

    /// Whether the session has ended.
    pub fn terminated(&self) -> bool {
        self.session.contains(&Defined::Terminated)
    }

    /// The bookkeeping as JSON, to survive a reload in the middle of a session.
    pub fn to_json(&self) -> String {
        json!({
            "mode": format!("{:?}", self.mode),
            "session": self.session.iter().map(|d| d.name()).collect::<Vec<_>>(),
            "completed": self.completed,
            "passed": self.passed,
        })
        .to_string()
    }

    /// Reads [`Cmi5Rules::to_json`]'s form back.
    pub fn from_json(text: &str) -> Result<Cmi5Rules, String> {
        let value: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let mode = match value.get("mode").and_then(Value::as_str) {
            Some("Normal") => LaunchMode::Normal,
            Some("Browse") => LaunchMode::Browse,
            Some("Review") => LaunchMode::Review,
            _ => return Err("no launch mode".into()),
        };
        let session = value
            .get("session")
            .and_then(Value::as_array)
            .ok_or("no session list")?
            .iter()
            .map(|v| {
                v.as_str()
                    .and_then(|name| Defined::of(&format!("{ADL}{name}")))
                    .ok_or_else(|| format!("unknown verb {v}"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let flag = |key: &str| value.get(key).and_then(Value::as_bool).unwrap_or(false);
        Ok(Cmi5Rules {
            mode,
            session,
            completed: flag("completed"),
            passed: flag("passed"),
        })
    }
}

/// Dresses an admitted statement for cmi5: the context template merged into its context
/// (the template's values win, the statement's additions stay); for a defined statement,
/// the AU's activity id as object, the launch's registration, the cmi5 category (and the
/// moveOn category on completed, passed and failed), no `result.completion` on passed and
/// failed, and the mastery score extension on passed and failed when the LMS gave one. A statement that is not defined ("cmi5
/// allowed", such as answered) never carries the cmi5 category.
pub fn dress(
    statement: &mut Value,
    launch: &Cmi5Launch,
    data: &LaunchData,
    defined: Option<Defined>,
) {
    let Some(object) = statement.as_object_mut() else {
        return;
    };
    let context = object
        .entry("context")
        .or_insert_with(|| Value::Object(Map::new()));
    merge_template(context, &data.context_template);
    if let Some(context) = context.as_object_mut() {
        context.insert(
            "registration".into(),
            Value::String(launch.registration.to_string()),
        );
    }
    match defined {
        Some(defined) => {
            // cmi5 reports completion with `completed` alone: passed and failed carry none.
            if matches!(defined, Defined::Passed | Defined::Failed) {
                if let Some(result) = object.get_mut("result").and_then(Value::as_object_mut) {
                    result.remove("completion");
                }
            }
            object.insert(
                "object".into(),
                json!({ "objectType": "Activity", "id": launch.activity_id }),
            );
            let context = object.entry("context").or_insert(Value::Null);
            if let Some(list) = categories(context) {
                let mut wanted = vec![CATEGORY_CMI5];
                if matches!(
                    defined,
                    Defined::Completed | Defined::Passed | Defined::Failed
                ) {
                    wanted.push(CATEGORY_MOVEON);
                }
                for id in wanted {
                    if !list
                        .iter()
                        .any(|c| c.get("id").and_then(Value::as_str) == Some(id))
                    {
                        list.push(json!({ "id": id }));
                    }
                }
            }
            if let (Some(mastery), Defined::Passed | Defined::Failed) =
                (data.mastery_score, defined)
            {
                if let Some(context) = context.as_object_mut() {
                    let extensions = context
                        .entry("extensions")
                        .or_insert_with(|| Value::Object(Map::new()));
                    if let Some(extensions) = extensions.as_object_mut() {
                        extensions.insert(EXT_MASTERY_SCORE.into(), json!(mastery));
                    }
                }
            }
        }
        None => {
            let list = object
                .get_mut("context")
                .and_then(|c| c.get_mut("contextActivities"))
                .and_then(|a| a.get_mut("category"))
                .and_then(Value::as_array_mut);
            if let Some(list) = list {
                list.retain(|c| c.get("id").and_then(Value::as_str) != Some(CATEGORY_CMI5));
            }
        }
    }
    // An empty category list or contextActivities object says nothing: drop it.
    if let Some(context) = object.get_mut("context").and_then(Value::as_object_mut) {
        if let Some(activities) = context
            .get_mut("contextActivities")
            .and_then(Value::as_object_mut)
        {
            if activities
                .get("category")
                .and_then(Value::as_array)
                .is_some_and(Vec::is_empty)
            {
                activities.remove("category");
            }
            if activities.is_empty() {
                context.remove("contextActivities");
            }
        }
    }
}

/// The context's `contextActivities.category` list, made if missing.
fn categories(context: &mut Value) -> Option<&mut Vec<Value>> {
    context
        .as_object_mut()?
        .entry("contextActivities")
        .or_insert_with(|| Value::Object(Map::new()))
        .as_object_mut()?
        .entry("category")
        .or_insert_with(|| Value::Array(vec![]))
        .as_array_mut()
}

/// Merges `template` into `target`: keys only in the template are added, objects merged
/// recursively, lists joined without repeats, and where both hold a plain value the
/// template's wins (cmi5: the AU must not overwrite what the template provides).
fn merge_template(target: &mut Value, template: &Value) {
    match (target, template) {
        (Value::Object(target), Value::Object(template)) => {
            for (key, value) in template {
                match target.get_mut(key) {
                    Some(existing) => merge_template(existing, value),
                    None => {
                        target.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (Value::Array(target), Value::Array(template)) => {
            for (i, item) in template.iter().enumerate() {
                if !target.contains(item) {
                    target.insert(i.min(target.len()), item.clone());
                }
            }
        }
        (target, template) => *target = template.clone(),
    }
}
