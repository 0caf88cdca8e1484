//! The statement outbox: which statements to send next and what an LRS answer means.
//!
//! The outbox never drops a statement. A statement leaves the queue only when an LRS has
//! stored it (2xx, or 409 for an id it already has) or has rejected it on its own (a 400
//! for a batch of one). A 400 for a larger batch could be any one statement's fault, so the
//! batch is re-queued and sent one by one to find it. Everything else (no network, 401,
//! 5xx) keeps the batch queued for a later try with growing delays.

use crate::statement::Statement;
use serde_json::{json, Map, Value};
use uuid::Uuid;

/// What happened to a statement so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// Waiting to be sent.
    Queued,
    /// Sent, no answer yet.
    InFlight,
    /// Stored by the LRS.
    Sent,
    /// Refused by the LRS as invalid; kept so that nothing is lost silently.
    Rejected {
        /// The HTTP status.
        status: u16,
        /// The LRS's message, shortened.
        reason: String,
    },
    /// Kept in the browser only, because no LRS is configured.
    Local,
}

/// A statement, as the JSON that is (or will be) sent, and its delivery state.
///
/// The outbox keeps statements as JSON values rather than typed [`Statement`]s: it never
/// needs to understand them again, and reading typed statements back from storage would
/// cost the player a large share of its download size in deserialisation code.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The statement's id.
    pub id: Uuid,
    /// The statement exactly as it is sent.
    pub statement: Value,
    /// Its state.
    pub delivery: Delivery,
}

/// The answer to sending one batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendOutcome {
    /// The LRS answered with this status and body.
    Status(u16, String),
    /// No answer: offline, DNS, CORS or a time-out.
    Network(String),
}

/// A batch to POST: the ids it holds and the request body (a JSON array).
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    /// The statement ids, in order.
    pub ids: Vec<Uuid>,
    /// The JSON array of the statements.
    pub body: String,
}

/// The ordered list of every statement of this browser's sessions, with delivery states.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Outbox {
    entries: Vec<Entry>,
    /// Set after a batch was refused as a whole: send one at a time until that clears.
    isolate: bool,
    /// Failed sends in a row, for the retry delay.
    failures: u32,
    /// The last delivery problem, for the record panel.
    last_error: Option<String>,
}

/// The largest batch sent in one request.
pub const MAX_BATCH: usize = 25;

impl Outbox {
    /// An empty outbox.
    pub fn new() -> Outbox {
        Outbox::default()
    }

    /// Reads a saved outbox (see [`Outbox::to_json`]); statements that were in flight when
    /// the page went away are queued again (a resend is harmless because ids are reused).
    pub fn restore(text: &str) -> Result<Outbox, crate::XapiError> {
        let bad = |what: &str| crate::XapiError::Storage(what.to_string());
        let value: Value = serde_json::from_str(text).map_err(|e| bad(&e.to_string()))?;
        let items = value
            .get("entries")
            .and_then(Value::as_array)
            .ok_or_else(|| bad("no `entries` list"))?;
        let mut entries = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let statement = item.get("statement").cloned().unwrap_or(Value::Null);
            let id = statement
                .get("id")
                .and_then(Value::as_str)
                .and_then(|s| Uuid::parse_str(s).ok())
                .ok_or_else(|| bad(&format!("entry {i} has no statement id")))?;
            let delivery = match item.get("delivery").and_then(delivery_from_json) {
                Some(Delivery::InFlight) => Delivery::Queued,
                Some(d) => d,
                None => return Err(bad(&format!("entry {i} has no delivery state"))),
            };
            entries.push(Entry {
                id,
                statement,
                delivery,
            });
        }
        Ok(Outbox {
            entries,
            isolate: value
                .get("isolate")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            failures: value.get("failures").and_then(Value::as_u64).unwrap_or(0) as u32,
            last_error: value
                .get("last_error")
                .and_then(Value::as_str)
                .map(str::to_string),
        })
    }

    /// The outbox as JSON text for storage: `{"entries": [{"statement", "delivery"}], …}`.
    pub fn to_json(&self) -> String {
        let entries: Vec<Value> = self
            .entries
            .iter()
            .map(|e| json!({ "statement": e.statement, "delivery": delivery_to_json(&e.delivery) }))
            .collect();
        json!({
            "entries": entries,
            "isolate": self.isolate,
            "failures": self.failures,
            "last_error": self.last_error,
        })
        .to_string()
    }

    /// Adds a statement, `Queued` when an LRS is configured and `Local` otherwise. A
    /// statement whose id is already present is not added twice.
    pub fn push(&mut self, statement: &Statement, has_lrs: bool) -> bool {
        if self.entries.iter().any(|e| e.id == statement.id) {
            return false;
        }
        // Serialising our own types to a JSON value cannot fail: every map key is a string.
        let json = serde_json::to_value(statement).unwrap_or(Value::Null);
        let delivery = if has_lrs {
            Delivery::Queued
        } else {
            Delivery::Local
        };
        self.entries.push(Entry {
            id: statement.id,
            statement: json,
            delivery,
        });
        true
    }

    /// Every entry, oldest first.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// How many statements wait to be sent (queued or in flight).
    pub fn pending(&self) -> usize {
        self.entries
            .iter()
            .filter(|e| matches!(e.delivery, Delivery::Queued | Delivery::InFlight))
            .count()
    }

    /// Whether a batch is out and unanswered.
    pub fn in_flight(&self) -> bool {
        self.entries
            .iter()
            .any(|e| e.delivery == Delivery::InFlight)
    }

    /// The last delivery problem, if the last send failed.
    pub fn last_error(&self) -> Option<&str> {
        self.last_error.as_deref()
    }

    /// Takes the next batch to send, oldest first, and marks it in flight. `None` when
    /// nothing is queued or a batch is already out (one request at a time keeps order).
    pub fn next_batch(&mut self) -> Option<Batch> {
        if self.in_flight() {
            return None;
        }
        let max = if self.isolate { 1 } else { MAX_BATCH };
        let mut ids = Vec::new();
        let mut statements = Vec::new();
        for entry in &mut self.entries {
            if ids.len() == max {
                break;
            }
            if entry.delivery == Delivery::Queued {
                entry.delivery = Delivery::InFlight;
                ids.push(entry.id);
                statements.push(entry.statement.clone());
            }
        }
        if ids.is_empty() {
            return None;
        }
        Some(Batch {
            ids,
            body: Value::Array(statements).to_string(),
        })
    }

    /// Records the answer to the batch of `ids`.
    pub fn settle(&mut self, ids: &[Uuid], outcome: SendOutcome) {
        match outcome {
            SendOutcome::Status(status, _) if (200..300).contains(&status) || status == 409 => {
                self.finish(ids, Delivery::Sent)
            }
            SendOutcome::Status(400, body) if ids.len() == 1 => self.finish(
                ids,
                Delivery::Rejected {
                    status: 400,
                    reason: shorten(&body),
                },
            ),
            SendOutcome::Status(400, body) => {
                // Any one statement may be at fault: send one at a time, at once, to find it.
                self.isolate = true;
                self.last_error = Some(format!("400: {}", shorten(&body)));
                self.set(ids, Delivery::Queued);
            }
            SendOutcome::Status(status, body) => {
                self.retry_later(ids, format!("{status}: {}", shorten(&body)))
            }
            SendOutcome::Network(message) => self.retry_later(ids, shorten(&message)),
        }
    }

    /// The LRS has decided about these statements for good.
    fn finish(&mut self, ids: &[Uuid], state: Delivery) {
        self.failures = 0;
        self.last_error = None;
        self.set(ids, state);
        // Isolation ends once the queue that held the refused batch has drained.
        if !self.entries.iter().any(|e| e.delivery == Delivery::Queued) {
            self.isolate = false;
        }
    }

    /// No decision: keep the statements queued and wait longer before the next try.
    fn retry_later(&mut self, ids: &[Uuid], problem: String) {
        self.failures += 1;
        self.last_error = Some(problem);
        self.set(ids, Delivery::Queued);
    }

    /// How long to wait before the next try: nothing after a success, then 2, 4, 8 … up
    /// to 60 seconds after failures in a row.
    pub fn retry_delay_ms(&self) -> u32 {
        if self.failures == 0 {
            0
        } else {
            (1000u32 << self.failures.min(6)).min(60_000)
        }
    }

    /// Drops the oldest delivered entries beyond `keep`, so the saved outbox stays small;
    /// undelivered statements are never dropped.
    pub fn prune_delivered(&mut self, keep: usize) {
        let delivered = self
            .entries
            .iter()
            .filter(|e| e.delivery == Delivery::Sent)
            .count();
        let mut excess = delivered.saturating_sub(keep);
        self.entries.retain(|e| {
            if excess > 0 && e.delivery == Delivery::Sent {
                excess -= 1;
                false
            } else {
                true
            }
        });
    }

    fn set(&mut self, ids: &[Uuid], state: Delivery) {
        for entry in &mut self.entries {
            if ids.contains(&entry.id) {
                entry.delivery = state.clone();
            }
        }
    }
}

fn shorten(text: &str) -> String {
    let text = text.trim();
    match text.char_indices().nth(300) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

fn delivery_to_json(delivery: &Delivery) -> Value {
    match delivery {
        Delivery::Queued => "Queued".into(),
        Delivery::InFlight => "InFlight".into(),
        Delivery::Sent => "Sent".into(),
        Delivery::Local => "Local".into(),
        Delivery::Rejected { status, reason } => {
            json!({ "Rejected": { "status": status, "reason": reason } })
        }
    }
}

fn delivery_from_json(value: &Value) -> Option<Delivery> {
    match value {
        Value::String(s) => match s.as_str() {
            "Queued" => Some(Delivery::Queued),
            "InFlight" => Some(Delivery::InFlight),
            "Sent" => Some(Delivery::Sent),
            "Local" => Some(Delivery::Local),
            _ => None,
        },
        Value::Object(map) => {
            let rejected: &Map<String, Value> = map.get("Rejected")?.as_object()?;
            Some(Delivery::Rejected {
                status: rejected.get("status")?.as_u64()? as u16,
                reason: rejected.get("reason")?.as_str()?.to_string(),
            })
        }
        _ => None,
    }
}
