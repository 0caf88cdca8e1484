//! The saved attempt: what the player keeps in the LRS State API (and in the browser) so
//! that a learner can continue where they left off, on this device or another one.
//!
//! The document is small JSON (slow links): the session's [`Snapshot`], the attempt's
//! registration, the time spent so far, when it was saved, and the module it belongs to.
//! It is stored under [`STATE_ID`] for the learner and the module's activity, without a
//! registration (unless the launcher fixed one): a learner opening the module elsewhere
//! does not know the registration of the attempt to continue; the document tells it.

use crate::launch::Launch;
use crate::statement::Agent;
use pelita_lesson::Snapshot;
use serde_json::{json, Value};
use uuid::Uuid;

/// The State API `stateId` of the saved attempt.
pub const STATE_ID: &str = "pelita.session.v1";

/// A saved attempt, or the note that the last attempt finished (nothing to continue).
#[derive(Debug, Clone, PartialEq)]
pub struct SavedAttempt {
    /// The module's id, so a document from another module is never taken up.
    pub module_id: String,
    /// The attempt in progress; `None` once it finished.
    pub snapshot: Option<Snapshot>,
    /// The attempt's registration.
    pub registration: Option<Uuid>,
    /// Milliseconds spent in the attempt so far.
    pub elapsed_ms: i64,
    /// When it was saved, in milliseconds since the epoch: the newest copy wins.
    pub saved_at_ms: i64,
}

impl SavedAttempt {
    /// The document as JSON text.
    pub fn to_json(&self) -> String {
        json!({
            "module": self.module_id,
            "attempt": self.snapshot.as_ref().map(Snapshot::to_json),
            "registration": self.registration.map(|r| r.to_string()),
            "elapsed_ms": self.elapsed_ms,
            "saved_at_ms": self.saved_at_ms,
        })
        .to_string()
    }

    /// Reads a document; says what is wrong with one that cannot be used.
    pub fn from_json(text: &str) -> Result<SavedAttempt, String> {
        let value: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        let module_id = value
            .get("module")
            .and_then(Value::as_str)
            .ok_or("no `module`")?
            .to_string();
        let snapshot = match value.get("attempt") {
            None | Some(Value::Null) => None,
            Some(attempt) => Some(Snapshot::from_json(attempt)?),
        };
        let registration = match value.get("registration") {
            None | Some(Value::Null) => None,
            Some(Value::String(r)) => {
                Some(Uuid::parse_str(r).map_err(|_| format!("`{r}` is not a registration"))?)
            }
            Some(_) => return Err("`registration` must be a UUID string".into()),
        };
        let number = |key: &str| -> Result<i64, String> {
            value
                .get(key)
                .and_then(Value::as_i64)
                .ok_or_else(|| format!("`{key}` must be a whole number"))
        };
        Ok(SavedAttempt {
            module_id,
            snapshot,
            registration,
            elapsed_ms: number("elapsed_ms")?.max(0),
            saved_at_ms: number("saved_at_ms")?,
        })
    }

    /// The attempt to offer for `module_id` from two copies (the browser's and the LRS's):
    /// the newer one, and only if it is an unfinished attempt of this module.
    pub fn to_continue(
        module_id: &str,
        a: Option<SavedAttempt>,
        b: Option<SavedAttempt>,
    ) -> Option<SavedAttempt> {
        let newest = match (a, b) {
            (Some(a), Some(b)) => Some(if b.saved_at_ms > a.saved_at_ms { b } else { a }),
            (a, b) => a.or(b),
        }?;
        (newest.module_id == module_id && newest.snapshot.is_some()).then_some(newest)
    }
}

/// What an LRS's answer to reading the saved attempt means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateRead {
    /// The document is there (2xx).
    Found,
    /// There is no document (404). Every LRS answers so before the first write, so this
    /// says nothing about whether it has a State API: only a write can tell.
    NotFound,
    /// Anything else: nothing to continue from this LRS now, and saving goes on.
    Failed,
}

/// What an LRS's answer to writing the saved attempt means for the next writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateWrite {
    /// Stored (2xx); its ETag goes with the next write.
    Saved,
    /// Another device wrote in between (412): read the new ETag and write once more.
    Conflict,
    /// The LRS has no State API: a PUT to the State resource, which creates the document
    /// when it is missing, was answered 404 (no such resource) or 405 (no PUT there).
    /// Writing again would only be refused again, after every step of the session.
    NoStateApi,
    /// Anything else (refused credentials, a server error): the next step writes again.
    Failed,
}

/// The player's dealings with one LRS's State API during a page session: the ETag for
/// `If-Match`, and whether saving there goes on. Once a write showed that the LRS has no
/// State API, saving there stops for the session; the browser's copy still keeps the
/// attempt on the device.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StateApi {
    etag: Option<String>,
    missing: bool,
}

impl StateApi {
    /// Takes in the answer (`status`, `etag`) to a read of the document.
    pub fn read(&mut self, status: u16, etag: Option<String>) -> StateRead {
        let read = match status {
            200..=299 => StateRead::Found,
            404 => StateRead::NotFound,
            _ => StateRead::Failed,
        };
        match read {
            StateRead::Found => self.etag = etag,
            // No document, so nothing to match: the next write creates it.
            StateRead::NotFound => self.etag = None,
            StateRead::Failed => {}
        }
        read
    }

    /// Takes in the answer (`status`, `etag`) to a write of the document.
    pub fn wrote(&mut self, status: u16, etag: Option<String>) -> StateWrite {
        let write = match status {
            200..=299 => StateWrite::Saved,
            412 => StateWrite::Conflict,
            404 | 405 => StateWrite::NoStateApi,
            _ => StateWrite::Failed,
        };
        match write {
            StateWrite::Saved => self.etag = etag,
            StateWrite::NoStateApi => self.missing = true,
            StateWrite::Conflict | StateWrite::Failed => {}
        }
        write
    }

    /// Whether the attempt is still to be written to this LRS.
    pub fn saving(&self) -> bool {
        !self.missing
    }

    /// Whether a write showed that this LRS has no State API.
    pub fn missing(&self) -> bool {
        self.missing
    }

    /// The ETag of the last document read or written, for `If-Match`.
    pub fn etag(&self) -> Option<&str> {
        self.etag.as_deref()
    }
}

/// The State API URL of the saved attempt for `actor` and the module's `activity_id`, when
/// an LRS is configured.
pub fn state_url(launch: &Launch, activity_id: &str, actor: &Agent) -> Option<String> {
    let endpoint = launch.endpoint.as_ref()?;
    // Serialising our own Agent type cannot fail: every map key is a string.
    let agent = serde_json::to_string(actor).unwrap_or_default();
    let mut url = format!(
        "{endpoint}activities/state?stateId={}&activityId={}&agent={}",
        encode(STATE_ID),
        encode(activity_id),
        encode(&agent)
    );
    if let Some(registration) = launch.registration {
        url.push_str(&format!("&registration={registration}"));
    }
    Some(url)
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
