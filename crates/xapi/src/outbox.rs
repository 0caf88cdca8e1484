//! The statement outbox: which statements to send next and what an LRS answer means.
//!
//! The outbox never drops a statement. A statement is sent only after the browser has
//! written it to durable storage (`saved`), and leaves the queue only when an LRS has
//! stored it (2xx, or 409 for an id it already has) or has refused that one statement on
//! its own (400, 413 or 422 for a batch of one: it is quarantined with the LRS's reason,
//! kept and shown, and never blocks the statements behind it). A refusal of a larger batch
//! could be any one statement's fault, so the batch is halved until the culprit stands
//! alone. 401 and 403 pause sending until the credentials change (retrying a wrong
//! password only locks accounts). Everything else (no network, time-outs, 5xx, 429) is
//! retried with exponential backoff and jitter, never sooner than a `Retry-After` asks.
//!
//! Every statement is checked by the same validation as the embedded LRS's before it can
//! be sent (a statement the player should never have made is quarantined, not sent). The
//! check is a [`Checker`] the outbox is given: [`Outbox::new`] brings
//! [`validation_problems`], while the player's first wasm chunk makes its outbox with
//! [`Outbox::awaiting_check`] and hands it the checker when the chunk that holds the
//! validation has arrived. Until then statements are kept and stored, not sent.
//!
//! The outbox is one tab's view of the stored queue: [`Outbox::merge`] folds in what other
//! tabs stored or delivered, so whichever tab sends, each statement is sent by one of them.

use crate::statement::Statement;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::rc::Rc;
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
    /// Refused by the LRS on its own; kept with the reason so nothing is lost silently,
    /// and never sent again automatically.
    Quarantined {
        /// The HTTP status.
        status: u16,
        /// The LRS's message, shortened.
        reason: String,
    },
    /// Kept in the browser only, because no LRS is configured.
    Local,
}

impl Delivery {
    /// The name used in storage: `queued`, `sent`, `quarantined` or `local`. Statements in
    /// flight are stored as queued: after a crash they are sent again, which is harmless
    /// because ids are reused and an LRS keeps one statement per id.
    pub fn storage_name(&self) -> &'static str {
        match self {
            Delivery::Queued | Delivery::InFlight => "queued",
            Delivery::Sent => "sent",
            Delivery::Quarantined { .. } => "quarantined",
            Delivery::Local => "local",
        }
    }
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
    /// Its place in the queue: milliseconds since the epoch when it was queued, made
    /// strictly increasing within a tab, so that every tab sorts the queue alike.
    pub seq: f64,
    /// The statement exactly as it is sent, shared: the player copies its state on every
    /// change, and a long queue must not copy every statement each time.
    pub statement: Rc<Value>,
    /// Its state.
    pub delivery: Delivery,
    /// Whether durable storage holds it in its current state (see
    /// [`Delivery::storage_name`]); only saved statements are sent.
    pub saved: bool,
    /// Whether the outbox's [`Checker`] has seen it (in this tab: storage does not keep
    /// it, so a statement read back is checked again); only checked statements are sent.
    pub checked: bool,
}

impl Entry {
    /// Reads an entry back from the fields storage keeps (see [`Delivery::storage_name`]);
    /// the statement's own id must match the record's.
    pub fn from_stored(
        id: &str,
        seq: f64,
        state: &str,
        status: u16,
        reason: &str,
        statement_json: &str,
    ) -> Result<Entry, crate::XapiError> {
        let bad = |what: String| crate::XapiError::Storage(what);
        let parsed =
            Uuid::parse_str(id).map_err(|_| bad(format!("`{id}` is not a statement id")))?;
        let statement: Value = serde_json::from_str(statement_json)
            .map_err(|e| bad(format!("statement {id} is not JSON: {e}")))?;
        if statement.get("id").and_then(Value::as_str) != Some(id) {
            return Err(bad(format!("statement {id} has another id inside")));
        }
        if !seq.is_finite() {
            return Err(bad(format!("statement {id} has no queue position")));
        }
        let delivery = match state {
            "queued" => Delivery::Queued,
            "sent" => Delivery::Sent,
            "local" => Delivery::Local,
            "quarantined" => Delivery::Quarantined {
                status,
                reason: reason.to_string(),
            },
            other => {
                return Err(bad(format!(
                    "statement {id} has the unknown state `{other}`"
                )))
            }
        };
        Ok(Entry {
            id: parsed,
            seq,
            statement: Rc::new(statement),
            delivery,
            saved: true,
            checked: false,
        })
    }
}

/// The answer to sending one batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendOutcome {
    /// The LRS answered.
    Status {
        /// The HTTP status.
        status: u16,
        /// The answer's body, for messages.
        body: String,
        /// How long the LRS asked the client to wait (its `Retry-After`, see
        /// [`parse_retry_after`]), if it said.
        retry_after_ms: Option<u64>,
    },
    /// No answer: offline, DNS, CORS, a dropped connection or the client's time-out.
    Network(String),
}

impl SendOutcome {
    /// An answer without `Retry-After`.
    pub fn status(status: u16, body: impl Into<String>) -> SendOutcome {
        SendOutcome::Status {
            status,
            body: body.into(),
            retry_after_ms: None,
        }
    }
}

/// What [`Outbox::settle`] made of an answer, for the player to act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The LRS has the statements: they leave storage.
    Stored,
    /// The LRS refused one statement for good: it stays in storage, quarantined.
    Quarantined,
    /// The LRS refused the batch: it is searched in smaller batches, at once.
    Split,
    /// The credentials were refused: nothing is sent until [`Outbox::resume`].
    Paused,
    /// No decision: try again after this many milliseconds.
    Retry(u64),
}

/// A batch to POST: the ids it holds and the request body (a JSON array).
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    /// The statement ids, in order.
    pub ids: Vec<Uuid>,
    /// The JSON array of the statements.
    pub body: String,
}

/// How the outbox batches and backs off.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// The most statements in one request.
    pub max_batch: usize,
    /// The largest request body, in bytes; a single larger statement still goes alone.
    pub max_batch_bytes: usize,
    /// The delay before the first retry; it doubles with every failure in a row.
    pub first_retry_ms: u64,
    /// The longest backoff delay.
    pub max_retry_ms: u64,
}

/// The default number of statements in one request.
pub const DEFAULT_BATCH: usize = 50;

/// The longest wait a `Retry-After` can impose: an LRS asking for more is more likely
/// misconfigured than serious, and the learner's records should not wait a day.
pub const MAX_RETRY_AFTER_MS: u64 = 3_600_000;

impl Default for Policy {
    fn default() -> Policy {
        Policy {
            max_batch: DEFAULT_BATCH,
            max_batch_bytes: 512 * 1024,
            first_retry_ms: 2_000,
            max_retry_ms: 60_000,
        }
    }
}

/// Where a refused batch is being searched for its bad statement.
#[derive(Debug, Clone, PartialEq, Default)]
struct Split {
    /// The batch size while searching.
    limit: usize,
    /// The statements of the last refused batch.
    suspects: Vec<Uuid>,
}

/// What is wrong with a statement, in words; nothing when it may be sent.
pub type Checker = fn(&Value) -> Vec<String>;

/// The check [`Outbox::new`] brings: the embedded LRS's validation
/// ([`crate::validate::statement_problems`]).
pub fn validation_problems(statement: &Value) -> Vec<String> {
    crate::validate::statement_problems(statement)
        .iter()
        .map(ToString::to_string)
        .collect()
}

/// An outbox's check, if it has one. Two are equal when both have one or neither has:
/// function pointers have no meaningful equality, and an outbox is compared for its
/// statements.
#[derive(Clone, Copy, Default)]
struct Check(Option<Checker>);

impl PartialEq for Check {
    fn eq(&self, other: &Check) -> bool {
        self.0.is_some() == other.0.is_some()
    }
}

impl std::fmt::Debug for Check {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() { "Check" } else { "NoCheck" })
    }
}

/// The ordered list of one module's statements in this browser, with delivery states.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Outbox {
    /// The check every statement passes before it is sent; none until it is given.
    checker: Check,
    entries: Vec<Entry>,
    policy: Policy,
    split: Option<Split>,
    /// Failed sends in a row, for the backoff.
    failures: u32,
    /// The wait chosen after the last failure.
    delay_ms: u64,
    /// Why sending is paused (refused credentials), if it is.
    paused: Option<String>,
    /// The last delivery problem, for the record panel.
    last_error: Option<String>,
    /// Statements whose write to storage failed: sent anyway (sending is then the only way
    /// to keep them), but storage lacking them says nothing about their delivery.
    unstored: Vec<Uuid>,
}

impl Outbox {
    /// An empty outbox with the default policy, checking with [`validation_problems`].
    pub fn new() -> Outbox {
        Outbox::with_policy(Policy::default())
    }

    /// An empty outbox with this policy, checking with [`validation_problems`].
    pub fn with_policy(policy: Policy) -> Outbox {
        Outbox {
            checker: Check(Some(validation_problems)),
            ..Outbox::awaiting_check(policy)
        }
    }

    /// An empty outbox with this policy and no check yet: it keeps every statement and
    /// sends none until [`Outbox::set_checker`] (the player's first wasm chunk, which
    /// does not hold the validation).
    pub fn awaiting_check(policy: Policy) -> Outbox {
        Outbox {
            policy,
            ..Outbox::default()
        }
    }

    /// Gives the outbox its check and checks every statement waiting for it.
    pub fn set_checker(&mut self, checker: Checker) {
        self.checker = Check(Some(checker));
        self.check_waiting();
    }

    /// Whether the outbox has its check (and so may send).
    pub fn has_checker(&self) -> bool {
        self.checker.0.is_some()
    }

    /// Checks the statements not checked yet, if the outbox has its check: a queued or
    /// local statement with problems is quarantined with every problem (status 0:
    /// refused here, never sent), rather than sent to be refused by the LRS or, worse,
    /// stored by a lenient one. Statements already delivered or quarantined need no check.
    fn check_waiting(&mut self) {
        let Check(Some(checker)) = self.checker else {
            return;
        };
        for entry in self.entries.iter_mut().filter(|e| !e.checked) {
            entry.checked = true;
            if !matches!(entry.delivery, Delivery::Queued | Delivery::Local) {
                continue;
            }
            let problems = checker(&entry.statement);
            if !problems.is_empty() {
                entry.delivery = Delivery::Quarantined {
                    status: 0,
                    reason: problems.join("; "),
                };
                entry.saved = false;
            }
        }
    }

    /// Adds a statement, `Queued` when an LRS is configured and `Local` otherwise, not yet
    /// saved; `now_ms` places it in the queue. A statement whose id is already present is
    /// not added twice.
    pub fn push(&mut self, statement: &Statement, has_lrs: bool, now_ms: f64) -> bool {
        // Serialising our own types to a JSON value cannot fail: every map key is a string.
        let json = serde_json::to_value(statement).unwrap_or(Value::Null);
        self.push_value(statement.id, json, has_lrs, now_ms)
    }

    /// Adds a statement already in its JSON form (for instance dressed for cmi5), as
    /// [`Outbox::push`] does, and checks it at once if the outbox has its check.
    pub fn push_value(&mut self, id: Uuid, json: Value, has_lrs: bool, now_ms: f64) -> bool {
        if self.entries.iter().any(|e| e.id == id) {
            return false;
        }
        // Strictly after everything queued here, even if the clock went back.
        let last = self.entries.last().map_or(f64::MIN, |e| e.seq);
        let seq = if now_ms > last { now_ms } else { last + 0.01 };
        self.entries.push(Entry {
            id,
            seq,
            statement: Rc::new(json),
            delivery: if has_lrs {
                Delivery::Queued
            } else {
                Delivery::Local
            },
            saved: false,
            checked: false,
        });
        self.check_waiting();
        true
    }

    /// Every entry, in queue order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entries durable storage does not hold yet.
    pub fn unsaved(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(|e| !e.saved)
    }

    /// Storage now holds these statements in their current state.
    pub fn mark_saved(&mut self, ids: &[Uuid]) {
        for entry in &mut self.entries {
            if ids.contains(&entry.id) {
                entry.saved = true;
            }
        }
    }

    /// Storage now holds these statements in the states named (as written, see
    /// [`Delivery::storage_name`]); a statement whose state changed while it was being
    /// written stays unsaved, so that its new state is written too.
    pub fn mark_written(&mut self, written: &[(Uuid, &str)]) {
        self.unstored
            .retain(|id| !written.iter().any(|(w, _)| w == id));
        for entry in &mut self.entries {
            if written
                .iter()
                .any(|(id, name)| *id == entry.id && *name == entry.delivery.storage_name())
            {
                entry.saved = true;
            }
        }
    }

    /// Writing these statements (in the states named) failed: they may be sent all the
    /// same, since sending is then the only way to keep them, but [`Outbox::merge`] does
    /// not take their absence from storage for a delivery.
    pub fn mark_unstored(&mut self, failed: &[(Uuid, &str)]) {
        self.mark_written(failed);
        self.unstored.extend(failed.iter().map(|(id, _)| *id));
    }

    /// Folds in the queue as storage holds it now, which other tabs may have changed:
    /// statements stored by another tab join in queue order; a delivery or quarantine
    /// decided by another tab holds here too, and so does a saved statement that storage
    /// no longer has (delivered, then pruned). Statements in flight from this tab,
    /// changes not yet written, and statements storage could not take are left alone.
    pub fn merge(&mut self, stored: Vec<Entry>) {
        // Looked up by id: a queue can hold thousands of statements after days offline.
        let by_id: HashMap<Uuid, usize> =
            stored.iter().enumerate().map(|(i, e)| (e.id, i)).collect();
        for entry in &mut self.entries {
            if !entry.saved || entry.delivery != Delivery::Queued {
                continue;
            }
            match by_id.get(&entry.id).map(|&i| &stored[i]) {
                None if self.unstored.contains(&entry.id) => {}
                None => entry.delivery = Delivery::Sent,
                Some(s) if s.delivery != Delivery::Queued => entry.delivery = s.delivery.clone(),
                Some(_) => {}
            }
        }
        // The same map type as `by_id` (positions unused): one copy of the hashing code in
        // the player's first chunk instead of two.
        let known: HashMap<Uuid, usize> = self
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id, i))
            .collect();
        let mut added: Vec<Entry> = stored
            .into_iter()
            .filter(|s| !known.contains_key(&s.id))
            .collect();
        if added.is_empty() {
            return;
        }
        // Both lists are in queue order already (storage reads them by position): one
        // linear merge, where sorting thousands of entries again would stall the page.
        sort_by_seq(&mut added);
        let mine = std::mem::take(&mut self.entries);
        let mut merged = Vec::with_capacity(mine.len() + added.len());
        let (mut a, mut b) = (mine.into_iter().peekable(), added.into_iter().peekable());
        while let (Some(x), Some(y)) = (a.peek(), b.peek()) {
            let next = if y.seq.total_cmp(&x.seq).is_lt() {
                b.next()
            } else {
                a.next()
            };
            merged.extend(next);
        }
        merged.extend(a);
        merged.extend(b);
        self.entries = merged;
        self.check_waiting();
    }

    /// How many statements wait to be sent (queued or in flight).
    pub fn pending(&self) -> usize {
        self.entries
            .iter()
            .filter(|e| matches!(e.delivery, Delivery::Queued | Delivery::InFlight))
            .count()
    }

    /// How many statements the LRS refused for good.
    pub fn quarantined(&self) -> usize {
        self.entries
            .iter()
            .filter(|e| matches!(e.delivery, Delivery::Quarantined { .. }))
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

    /// Why sending is paused, if the LRS refused the credentials.
    pub fn paused(&self) -> Option<&str> {
        self.paused.as_deref()
    }

    /// Sends again after a pause, for instance with new credentials.
    pub fn resume(&mut self) {
        self.paused = None;
    }

    /// Takes the next batch to send, in queue order, and marks it in flight. `None` when
    /// nothing saved is queued, sending is paused, or a batch is already out (one request
    /// at a time keeps the order). An unsaved statement ends the batch, so nothing is
    /// sent ahead of a statement that was queued before it.
    pub fn next_batch(&mut self) -> Option<Batch> {
        if self.paused.is_some() || self.in_flight() {
            return None;
        }
        let limit = self
            .split
            .as_ref()
            .map_or(self.policy.max_batch, |s| s.limit);
        let (picked, batch) = self.collect(limit, self.policy.max_batch_bytes)?;
        for i in picked {
            self.entries[i].delivery = Delivery::InFlight;
        }
        Some(batch)
    }

    /// The statements to send as the page goes away: the next queued ones not already in
    /// flight, within `max_bytes` (browsers limit `keepalive` bodies). Nothing is marked,
    /// since no answer will come back to this page; the next visit sends them again.
    pub fn exit_batch(&self, max_bytes: usize) -> Option<Batch> {
        if self.paused.is_some() {
            return None;
        }
        self.collect(self.policy.max_batch, max_bytes)
            .map(|(_, batch)| batch)
    }

    /// The positions and body of up to `limit` saved, checked, queued statements in order
    /// (an unsaved or unchecked one ends the list), the body
    /// within `max_bytes` unless one statement alone is larger.
    fn collect(&self, limit: usize, max_bytes: usize) -> Option<(Vec<usize>, Batch)> {
        let mut picked = Vec::new();
        let mut ids = Vec::new();
        let mut body = String::from("[");
        for (i, entry) in self.entries.iter().enumerate() {
            if ids.len() == limit.max(1) {
                break;
            }
            match entry.delivery {
                Delivery::Queued if entry.saved && entry.checked => {}
                Delivery::Queued => break,
                _ => continue,
            }
            let text = entry.statement.to_string();
            if !ids.is_empty() && body.len() + text.len() + 2 > max_bytes {
                break;
            }
            if !ids.is_empty() {
                body.push(',');
            }
            body.push_str(&text);
            picked.push(i);
            ids.push(entry.id);
        }
        if ids.is_empty() {
            return None;
        }
        body.push(']');
        Some((picked, Batch { ids, body }))
    }

    /// Records the answer to the batch of `ids`; `jitter` (uniform in 0..1) spreads the
    /// retries of many learners who lost the same connection at the same moment.
    pub fn settle(&mut self, ids: &[Uuid], outcome: SendOutcome, jitter: f64) -> Verdict {
        match outcome {
            SendOutcome::Status { status, .. } if (200..300).contains(&status) || status == 409 => {
                self.decided(ids, Delivery::Sent);
                Verdict::Stored
            }
            SendOutcome::Status {
                status: status @ (400 | 413 | 422),
                body,
                ..
            } => {
                if ids.len() == 1 {
                    let reason = shorten(&body);
                    self.decided(ids, Delivery::Quarantined { status, reason });
                    Verdict::Quarantined
                } else {
                    // Any one statement may be at fault (or the batch is too large for
                    // this LRS): halve it, at once, until the culprit stands alone.
                    self.split = Some(Split {
                        limit: ids.len().div_ceil(2),
                        suspects: ids.to_vec(),
                    });
                    self.last_error = Some(format!("{status}: {}", shorten(&body)));
                    self.set(ids, Delivery::Queued);
                    Verdict::Split
                }
            }
            SendOutcome::Status {
                status: status @ (401 | 403),
                body,
                ..
            } => {
                let problem = format!("{status}: {}", shorten(&body));
                self.paused = Some(problem.clone());
                self.last_error = Some(problem);
                self.set(ids, Delivery::Queued);
                Verdict::Paused
            }
            SendOutcome::Status {
                status,
                body,
                retry_after_ms,
            } => self.retry_later(
                ids,
                format!("{status}: {}", shorten(&body)),
                retry_after_ms,
                jitter,
            ),
            SendOutcome::Network(message) => self.retry_later(ids, shorten(&message), None, jitter),
        }
    }

    /// The LRS has decided about these statements for good.
    fn decided(&mut self, ids: &[Uuid], state: Delivery) {
        self.failures = 0;
        self.delay_ms = 0;
        self.last_error = None;
        self.set(ids, state);
        // The search ends once every suspect is decided: full batches again.
        if let Some(split) = &self.split {
            let open = split.suspects.iter().any(|id| {
                self.entries
                    .iter()
                    .any(|e| e.id == *id && e.delivery == Delivery::Queued)
            });
            if !open {
                self.split = None;
            }
        }
    }

    /// No decision: keep the statements queued and wait longer before the next try.
    fn retry_later(
        &mut self,
        ids: &[Uuid],
        problem: String,
        retry_after_ms: Option<u64>,
        jitter: f64,
    ) -> Verdict {
        self.failures = self.failures.saturating_add(1);
        self.last_error = Some(problem);
        self.set(ids, Delivery::Queued);
        self.delay_ms = backoff_ms(&self.policy, self.failures, jitter)
            .max(retry_after_ms.unwrap_or(0).min(MAX_RETRY_AFTER_MS));
        Verdict::Retry(self.delay_ms)
    }

    /// How long to wait before the next try: nothing after a success, else what the last
    /// failure chose.
    pub fn retry_delay_ms(&self) -> u64 {
        self.delay_ms
    }

    /// Drops the oldest delivered entries beyond `keep`, so memory stays bounded in a long
    /// session; undelivered statements are never dropped.
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

    /// Reads an outbox saved by [`Outbox::to_json`] (the fallback storage where durable
    /// storage is missing, and the format of earlier versions, whose `Rejected` statements
    /// become quarantined). Statements in flight when the page went away are queued again.
    pub fn restore(text: &str) -> Result<Outbox, crate::XapiError> {
        let bad = |what: &str| crate::XapiError::Storage(what.to_string());
        let value: Value = serde_json::from_str(text).map_err(|e| bad(&e.to_string()))?;
        let items = value
            .get("entries")
            .and_then(Value::as_array)
            .ok_or_else(|| bad("no `entries` list"))?;
        // Its entries are checked by the outbox they are merged into.
        let mut outbox = Outbox::default();
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
            // Earlier versions kept no position: their order in the list is the queue's.
            let seq = item.get("seq").and_then(Value::as_f64).unwrap_or(i as f64);
            outbox.entries.push(Entry {
                id,
                seq,
                statement: Rc::new(statement),
                delivery,
                saved: true,
                checked: false,
            });
        }
        sort_by_seq(&mut outbox.entries);
        Ok(outbox)
    }

    /// The outbox as JSON text for the fallback storage:
    /// `{"entries": [{"statement", "delivery", "seq"}]}`.
    pub fn to_json(&self) -> String {
        let entries: Vec<Value> = self
            .entries
            .iter()
            .map(|e| {
                json!({
                    "statement": *e.statement,
                    "delivery": delivery_to_json(&e.delivery),
                    "seq": e.seq,
                })
            })
            .collect();
        json!({ "entries": entries }).to_string()
    }

    fn set(&mut self, ids: &[Uuid], state: Delivery) {
        for entry in &mut self.entries {
            if ids.contains(&entry.id) {
                if entry.delivery.storage_name() != state.storage_name() {
                    entry.saved = false;
                }
                entry.delivery = state.clone();
            }
        }
    }
}

/// Puts entries in queue order. Stable, and written by hand: the lists arrive nearly in
/// order (a few statements from another tab), where an insertion sort does little work,
/// and the standard library's sorts would add kilobytes to the player's download.
pub fn sort_by_seq(entries: &mut [Entry]) {
    for i in 1..entries.len() {
        let mut j = i;
        while j > 0 && entries[j - 1].seq.total_cmp(&entries[j].seq).is_gt() {
            entries.swap(j - 1, j);
            j -= 1;
        }
    }
}

/// The backoff before retry number `failures` (1 for the first): the policy's first delay
/// doubled per failure up to its maximum, of which the second half is jitter ("equal
/// jitter"), so retries spread out but never come sooner than half the nominal delay.
pub fn backoff_ms(policy: &Policy, failures: u32, jitter: f64) -> u64 {
    if failures == 0 {
        return 0;
    }
    let nominal = policy
        .first_retry_ms
        .saturating_mul(1u64 << (failures - 1).min(30))
        .min(policy.max_retry_ms);
    let jitter = if jitter.is_finite() {
        jitter.clamp(0.0, 1.0)
    } else {
        0.0
    };
    nominal / 2 + (nominal as f64 / 2.0 * jitter) as u64
}

/// Reads a `Retry-After` header: delay-seconds (`120`) or an HTTP date
/// (`Wed, 21 Oct 2015 07:28:00 GMT`), as milliseconds from `now_ms`. A date in the past
/// means no wait; anything unreadable is ignored (`None`), leaving the backoff in charge.
pub fn parse_retry_after(value: &str, now_ms: f64) -> Option<u64> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return Some(value.parse::<u64>().ok()?.saturating_mul(1000));
    }
    let at = crate::time::parse_http_date(value)?;
    Some((at as f64 - now_ms).max(0.0) as u64)
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
        Delivery::Queued | Delivery::InFlight => "Queued".into(),
        Delivery::Sent => "Sent".into(),
        Delivery::Local => "Local".into(),
        Delivery::Quarantined { status, reason } => {
            json!({ "Quarantined": { "status": status, "reason": reason } })
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
            // `Rejected` is how the first version wrote a quarantined statement.
            let inner = map.get("Quarantined").or_else(|| map.get("Rejected"))?;
            Some(Delivery::Quarantined {
                status: u16::try_from(inner.get("status")?.as_u64()?).ok()?,
                reason: inner.get("reason")?.as_str()?.to_string(),
            })
        }
        _ => None,
    }
}
