//! Launch parameters: where to send statements, as whom, and for which registration.
//!
//! They come from the URL query in the common "xAPI launch" form (`endpoint`, `auth`,
//! `actor`, `registration`, `activity_id`) or from a `launch.json` beside the module; the
//! query wins. Every problem is reported with the field it came from, never silently
//! dropped: a learner whose records would go nowhere must be told.

use crate::error::LaunchProblem;
use crate::statement::{Account, Agent};
use serde_json::Value;
use uuid::Uuid;

/// Decoded `(name, value)` pairs of a URL query, in order.
pub type QueryPairs = Vec<(String, String)>;

/// The launch parameters, all optional: without an endpoint, statements stay in the browser.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Launch {
    /// The LRS endpoint, always ending in `/`.
    pub endpoint: Option<String>,
    /// The `Authorization` header value, such as `Basic dXNlcjpwYXNz`.
    pub auth: Option<String>,
    /// The learner.
    pub actor: Option<Agent>,
    /// The registration fixed by the launcher.
    pub registration: Option<Uuid>,
    /// The module's activity id as the launcher knows it.
    pub activity_id: Option<String>,
    /// The module file to play, relative to the player.
    pub module: Option<String>,
    /// The language the learner asked for.
    pub lang: Option<String>,
    /// The most statements per request (`batch_size`, 1 to 500; default
    /// [`crate::DEFAULT_BATCH`]), for an LRS that limits its request size.
    pub batch_size: Option<usize>,
    /// How long one send may take before it counts as failed (`send_timeout`, in seconds,
    /// 1 to 300; default 30).
    pub send_timeout_s: Option<u32>,
    /// A portal's theme (`theme`): the URL of a CSS file (setting the player's custom
    /// properties) or of a JSON file (custom property names to values).
    pub theme: Option<String>,
    /// The portal's primary colour (`primary`), as `#rrggbb`.
    pub primary: Option<String>,
    /// The URL of the portal's logo (`logo`), shown above the module's title.
    pub logo: Option<String>,
    /// Light or dark (`color_scheme`); by default the learner's system setting.
    pub color_scheme: Option<ColorScheme>,
    /// The origin of the page that embeds the player in an iframe (`embed_origin`), the
    /// only one the player tells its size and results to.
    pub embed_origin: Option<String>,
}

/// The player's colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorScheme {
    /// Dark text on a light background.
    Light,
    /// Light text on a dark background.
    Dark,
}

impl Launch {
    /// Reads the launch parameters of a URL query; unknown names are ignored because
    /// launchers add their own.
    pub fn from_query(pairs: &[(String, String)]) -> Result<Launch, Vec<LaunchProblem>> {
        let mut reader = LaunchReader::new("query");
        for (name, value) in pairs {
            reader.field(name, &Value::String(value.clone()), true);
        }
        reader.finish()
    }

    /// Reads a launch.json file; unknown keys are errors, since they are usually typos.
    pub fn from_config(text: &str, source: &str) -> Result<Launch, Vec<LaunchProblem>> {
        let mut reader = LaunchReader::new(source);
        match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(map)) => {
                for (name, value) in &map {
                    reader.field(name, value, false);
                }
            }
            Ok(_) => reader.problem("$", "expected a JSON object".into()),
            Err(e) => reader.problem(
                &format!("line {} column {}", e.line(), e.column()),
                format!("not valid JSON: {e}"),
            ),
        }
        reader.finish()
    }

    /// These parameters with every value that `other` has taking precedence.
    pub fn overridden_by(self, other: Launch) -> Launch {
        Launch {
            endpoint: other.endpoint.or(self.endpoint),
            auth: other.auth.or(self.auth),
            actor: other.actor.or(self.actor),
            registration: other.registration.or(self.registration),
            activity_id: other.activity_id.or(self.activity_id),
            module: other.module.or(self.module),
            lang: other.lang.or(self.lang),
            batch_size: other.batch_size.or(self.batch_size),
            send_timeout_s: other.send_timeout_s.or(self.send_timeout_s),
            theme: other.theme.or(self.theme),
            primary: other.primary.or(self.primary),
            logo: other.logo.or(self.logo),
            color_scheme: other.color_scheme.or(self.color_scheme),
            embed_origin: other.embed_origin.or(self.embed_origin),
        }
    }

    /// The outbox policy these parameters ask for.
    pub fn policy(&self) -> crate::Policy {
        crate::Policy {
            max_batch: self.batch_size.unwrap_or(crate::DEFAULT_BATCH),
            ..crate::Policy::default()
        }
    }

    /// How long one send may take, in milliseconds.
    pub fn send_timeout_ms(&self) -> u32 {
        self.send_timeout_s.unwrap_or(30) * 1000
    }

    /// The Statements resource, when an LRS is configured.
    pub fn statements_url(&self) -> Option<String> {
        self.endpoint.as_ref().map(|e| format!("{e}statements"))
    }
}

struct LaunchReader {
    source: String,
    launch: Launch,
    problems: Vec<LaunchProblem>,
}

impl LaunchReader {
    fn new(source: &str) -> LaunchReader {
        LaunchReader {
            source: source.into(),
            launch: Launch::default(),
            problems: vec![],
        }
    }

    fn problem(&mut self, field: &str, message: String) {
        self.problems.push(LaunchProblem {
            field: format!("{}: {field}", self.source),
            message,
        });
    }

    fn finish(self) -> Result<Launch, Vec<LaunchProblem>> {
        if self.problems.is_empty() {
            Ok(self.launch)
        } else {
            Err(self.problems)
        }
    }

    fn string(&mut self, name: &str, value: &Value) -> Option<String> {
        match value {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Value::String(_) => {
                self.problem(name, "must not be empty".into());
                None
            }
            _ => {
                self.problem(name, "expected a string".into());
                None
            }
        }
    }

    /// A whole number from 1 to `max`, given as a number or, in a query, as text.
    fn whole_number(&mut self, name: &str, value: &Value, max: u32) -> Option<u32> {
        let number = match value {
            Value::String(s) => s.trim().parse::<u32>().ok(),
            other => other.as_u64().and_then(|n| u32::try_from(n).ok()),
        };
        match number {
            Some(n) if (1..=max).contains(&n) => Some(n),
            _ => {
                self.problem(
                    name,
                    format!("`{value}` is not a whole number from 1 to {max}"),
                );
                None
            }
        }
    }

    fn field(&mut self, name: &str, value: &Value, lenient: bool) {
        match name {
            "endpoint" => {
                if let Some(url) = self.string(name, value) {
                    if url.starts_with("https://") || url.starts_with("http://") {
                        let url = if url.ends_with('/') {
                            url
                        } else {
                            format!("{url}/")
                        };
                        self.launch.endpoint = Some(url);
                    } else {
                        self.problem(name, format!("`{url}` is not an http:// or https:// URL"));
                    }
                }
            }
            "auth" => {
                if let Some(auth) = self.string(name, value) {
                    // A bare credential is taken as Basic, as most launchers mean it.
                    let auth = if auth.contains(' ') {
                        auth
                    } else {
                        format!("Basic {auth}")
                    };
                    self.launch.auth = Some(auth);
                }
            }
            "actor" => {
                let parsed = match value {
                    Value::String(s) => {
                        serde_json::from_str::<Value>(s).map_err(|e| format!("not valid JSON: {e}"))
                    }
                    other => Ok(other.clone()),
                };
                match parsed.and_then(|v| agent_from_json(&v)) {
                    Ok(agent) => self.launch.actor = Some(agent),
                    Err(message) => self.problem(name, message),
                }
            }
            "registration" => {
                if let Some(text) = self.string(name, value) {
                    match Uuid::parse_str(&text) {
                        Ok(uuid) => self.launch.registration = Some(uuid),
                        Err(_) => self.problem(name, format!("`{text}` is not a UUID")),
                    }
                }
            }
            "activity_id" | "activityId" => {
                if let Some(id) = self.string(name, value) {
                    if pelita_lesson::is_absolute_iri(&id) {
                        self.launch.activity_id = Some(id);
                    } else {
                        self.problem(name, format!("`{id}` is not an absolute IRI"));
                    }
                }
            }
            "module" => {
                if let Some(path) = self.string(name, value) {
                    let safe = !path.contains(':')
                        && !path.starts_with('/')
                        && !path.split('/').any(|s| s == "..")
                        && (path.ends_with(".json") || path.to_ascii_lowercase().ends_with(".md"));
                    if safe {
                        self.launch.module = Some(path);
                    } else {
                        self.problem(name, format!("`{path}` must be a relative path to a .json or .md module beside the player"));
                    }
                }
            }
            "lang" => {
                if let Some(lang) = self.string(name, value) {
                    self.launch.lang = Some(lang);
                }
            }
            "batch_size" => {
                if let Some(n) = self.whole_number(name, value, 500) {
                    self.launch.batch_size = Some(n as usize);
                }
            }
            "send_timeout" => {
                if let Some(n) = self.whole_number(name, value, 300) {
                    self.launch.send_timeout_s = Some(n);
                }
            }
            "theme" | "logo" => {
                if let Some(url) = self.string(name, value) {
                    match check_url(&url) {
                        Ok(()) if name == "theme" => self.launch.theme = Some(url),
                        Ok(()) => self.launch.logo = Some(url),
                        Err(message) => self.problem(name, message),
                    }
                }
            }
            "primary" => {
                if let Some(text) = self.string(name, value) {
                    match parse_hex_colour(&text) {
                        Some(colour) => self.launch.primary = Some(colour),
                        None => self.problem(
                            name,
                            format!("`{text}` is not a colour such as #0b5cad or #07c"),
                        ),
                    }
                }
            }
            "color_scheme" => {
                if let Some(text) = self.string(name, value) {
                    match text.as_str() {
                        "light" => self.launch.color_scheme = Some(ColorScheme::Light),
                        "dark" => self.launch.color_scheme = Some(ColorScheme::Dark),
                        "auto" => self.launch.color_scheme = None,
                        _ => self.problem(
                            name,
                            format!("`{text}` must be light, dark or auto"),
                        ),
                    }
                }
            }
            "embed_origin" => {
                if let Some(text) = self.string(name, value) {
                    match check_origin(&text) {
                        Ok(origin) => self.launch.embed_origin = Some(origin),
                        Err(message) => self.problem(name, message),
                    }
                }
            }
            _ if lenient => {}
            other => self.problem(
                other,
                "unknown key; expected endpoint, auth, actor, registration, activity_id, lang, batch_size, send_timeout, theme, primary, logo, color_scheme, embed_origin"
                    .into(),
            ),
        }
    }
}

/// A URL the player may load a theme or logo from: a relative path, or http(s). Other
/// schemes (`javascript:`, `data:`, `file:`) are refused, since a launch link is easy to
/// forge.
fn check_url(url: &str) -> Result<(), String> {
    let lower = url.trim().to_ascii_lowercase();
    let scheme = lower.split_once(':').map(|(scheme, _)| scheme).filter(|s| {
        s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    match scheme {
        _ if url.trim().is_empty() => Err("must not be empty".into()),
        None | Some("http") | Some("https") => Ok(()),
        Some(other) => Err(format!(
            "`{other}:` URLs are refused; give an http(s) URL or a path"
        )),
    }
}

/// `#rgb` or `#rrggbb` as `#rrggbb` in lower case.
pub fn parse_hex_colour(text: &str) -> Option<String> {
    let hex = text.trim().strip_prefix('#')?;
    if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    match hex.len() {
        3 => Some(hex.chars().flat_map(|c| [c, c]).collect::<String>()),
        6 => Some(hex.to_string()),
        _ => None,
    }
    .map(|h| format!("#{}", h.to_ascii_lowercase()))
}

/// An origin as a browser writes it (`https://portal.example.org`, with a port when not
/// the default): scheme and host only, so it can name a `postMessage` target.
fn check_origin(text: &str) -> Result<String, String> {
    let origin = text.trim().trim_end_matches('/');
    let rest = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !host.contains(['/', '?', '#', '@', ' ']) => {
            Ok(origin.to_ascii_lowercase())
        }
        _ => Err(format!(
            "`{text}` is not an origin such as https://portal.example.org"
        )),
    }
}

/// Reads an Agent, accepting the older launch form where values are one-item arrays
/// (`{"mbox": ["mailto:a@b"], "name": ["A"]}`).
pub(crate) fn agent_from_json(value: &Value) -> Result<Agent, String> {
    let Value::Object(map) = value else {
        return Err("expected a JSON object (an xAPI Agent)".into());
    };
    let first = |key: &str| -> Option<Value> {
        match map.get(key)? {
            Value::Array(items) => items.first().cloned(),
            other => Some(other.clone()),
        }
    };
    let text = |key: &str| -> Result<Option<String>, String> {
        match first(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(format!("`{key}` must be a string")),
        }
    };
    if let Some(kind) = text("objectType")? {
        if kind != "Agent" {
            return Err(format!(
                "objectType `{kind}` is not supported; the learner must be an Agent"
            ));
        }
    }
    let account = match first("account") {
        None => None,
        Some(Value::Object(acc)) => {
            let home = acc.get("homePage").and_then(Value::as_str);
            let name = acc.get("name").and_then(Value::as_str);
            match (home, name) {
                (Some(home), Some(name)) if home.contains("://") && !name.is_empty() => {
                    Some(Account {
                        home_page: home.into(),
                        name: name.into(),
                    })
                }
                _ => return Err("`account` needs a `homePage` URL and a `name`".into()),
            }
        }
        Some(_) => return Err("`account` must be an object".into()),
    };
    let agent = Agent {
        object_type: "Agent".into(),
        name: text("name")?,
        mbox: text("mbox")?,
        mbox_sha1sum: text("mbox_sha1sum")?,
        openid: text("openid")?,
        account,
    };
    if agent.identifiers() != 1 {
        return Err("an Agent needs exactly one of mbox, mbox_sha1sum, openid or account".into());
    }
    if let Some(mbox) = &agent.mbox {
        if !mbox.starts_with("mailto:") || !mbox.contains('@') {
            return Err(format!("mbox `{mbox}` must be a mailto: address"));
        }
    }
    if let Some(sum) = &agent.mbox_sha1sum {
        if sum.len() != 40 || !sum.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err("mbox_sha1sum must be 40 hexadecimal digits".into());
        }
    }
    Ok(agent)
}
