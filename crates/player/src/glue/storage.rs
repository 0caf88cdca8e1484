//! What the player keeps in the browser: the outbox, the local learner id, the language.
//!
//! The outbox lives in IndexedDB ([`super::idb`]); localStorage is the fallback where
//! IndexedDB is missing, and memory where the browser blocks storage altogether. Storage
//! can be missing or full (private modes, quotas); every function here degrades to "not
//! kept" instead of failing, and the player says when saving failed.

use super::idb;
use crate::error::PlayerError;
use pelita_xapi::{Entry, Outbox, SavedAttempt};
use web_sys::Storage;

const LEARNER_KEY: &str = "pelita.learner.v1";
const LANGUAGE_KEY: &str = "pelita.language.v1";

/// Why nothing can be kept, in the words the record panel shows.
const UNAVAILABLE: &str =
    "this browser does not let the player save (storage blocked or unavailable): the learning record is kept only while this page stays open";

/// The page's localStorage, or `None` where the browser blocks it: reading
/// `window.localStorage` itself throws in some privacy modes and sandboxed frames.
fn local() -> Option<Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The localStorage key of the first version's outbox, still the fallback's.
fn outbox_key(activity_id: &str) -> String {
    format!("pelita.outbox.v1:{activity_id}")
}

/// Where this page keeps the module's outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// IndexedDB: durable, one record per statement, shared safely by tabs.
    IndexedDb,
    /// localStorage, where IndexedDB is missing: one JSON copy per module, last write wins.
    LocalStorage,
    /// Nowhere: the browser blocks storage, so the record lives as long as the page.
    Memory,
}

/// The module's stored outbox as this page found it.
#[derive(Debug, Clone, PartialEq)]
pub struct Restored {
    /// The stored statements, in queue order.
    pub entries: Vec<Entry>,
    /// Where the outbox is kept from now on.
    pub backend: Backend,
    /// Why something could not be kept or read, for the learner and the author.
    pub problem: Option<String>,
}

/// Delivered statements kept in storage for the learning record; older delivered ones are
/// dropped so that storage stays small, while undelivered ones are always kept.
pub const KEEP_DELIVERED: usize = 500;

/// Reads the module's stored outbox: from IndexedDB (moving in what the first version
/// left in localStorage), else from localStorage, else nothing.
pub async fn restore(activity_id: &str) -> Restored {
    let mut notes = Vec::new();
    if idb::available() {
        match idb::load(activity_id).await {
            Ok((mut entries, unreadable)) => {
                if !unreadable.is_empty() {
                    notes.push(format!(
                        "{} saved statements could not be read and were left untouched: {}",
                        unreadable.len(),
                        unreadable.join("; ")
                    ));
                }
                if let Some(note) = migrate(activity_id, &mut entries).await {
                    notes.push(note);
                }
                let _ = idb::prune_sent(&entries, KEEP_DELIVERED).await;
                return Restored {
                    entries,
                    backend: Backend::IndexedDb,
                    problem: (!notes.is_empty()).then(|| notes.join(" ")),
                };
            }
            Err(e) => notes.push(format!("IndexedDB failed ({e}); using localStorage")),
        }
    }
    let Some(storage) = local() else {
        notes.push(UNAVAILABLE.to_string());
        return Restored {
            entries: vec![],
            backend: Backend::Memory,
            problem: Some(notes.join(" ")),
        };
    };
    let (entries, problem) = read_local(&storage, activity_id);
    notes.extend(problem);
    Restored {
        entries,
        backend: Backend::LocalStorage,
        problem: (!notes.is_empty()).then(|| notes.join(" ")),
    }
}

/// The localStorage copy, or a note on why it could not be read. A copy that cannot be
/// read is moved aside (never deleted) so its statements can be recovered.
fn read_local(storage: &Storage, activity_id: &str) -> (Vec<Entry>, Option<String>) {
    let key = outbox_key(activity_id);
    let Some(raw) = storage.get_item(&key).ok().flatten() else {
        return (vec![], None);
    };
    match Outbox::restore(&raw) {
        Ok(outbox) => (outbox.entries().to_vec(), None),
        Err(e) => {
            let aside = format!("{key}.unreadable.{}", js_sys::Date::now() as i64);
            let _ = storage.set_item(&aside, &raw);
            let _ = storage.remove_item(&key);
            (vec![], Some(format!("{e} (kept as {aside})")))
        }
    }
}

/// Moves a localStorage outbox (the first version's, or the fallback's) into IndexedDB;
/// the old copy is removed only once IndexedDB holds every statement of it.
async fn migrate(activity_id: &str, entries: &mut Vec<Entry>) -> Option<String> {
    let storage = local()?;
    let (old, problem) = read_local(&storage, activity_id);
    let new: Vec<Entry> = old
        .into_iter()
        .filter(|e| !entries.iter().any(|x| x.id == e.id))
        .collect();
    match idb::write(activity_id, &new).await {
        Ok(()) => {
            let _ = storage.remove_item(&outbox_key(activity_id));
            entries.extend(new);
            pelita_xapi::sort_by_seq(entries);
            problem
        }
        Err(e) => Some(format!(
            "the record saved by an earlier version stays in localStorage: {e}"
        )),
    }
}

/// Saves the changed entries: into IndexedDB, or as a whole new copy of `outbox` in
/// localStorage. Says why the browser refused, if it did.
pub async fn save(
    backend: Backend,
    activity_id: &str,
    outbox: &Outbox,
    changed: &[Entry],
) -> Result<(), PlayerError> {
    match backend {
        Backend::IndexedDb => idb::write(activity_id, changed).await.map_err(|e| {
            PlayerError::Storage(format!(
                "the browser refused to save the learning record ({e})"
            ))
        }),
        Backend::LocalStorage => {
            let mut outbox = outbox.clone();
            outbox.prune_delivered(KEEP_DELIVERED);
            local()
                .ok_or_else(|| PlayerError::Storage(UNAVAILABLE.to_string()))?
                .set_item(&outbox_key(activity_id), &outbox.to_json())
                .map_err(|_| {
                    PlayerError::Storage(
                        "the browser refused to save the learning record (storage full or disabled)"
                            .into(),
                    )
                })
        }
        Backend::Memory => Err(PlayerError::Storage(UNAVAILABLE.to_string())),
    }
}

/// Keeps entries in localStorage at once, as the page goes away: an IndexedDB write
/// started now may never finish, while localStorage writes are synchronous. The next visit
/// moves them into IndexedDB (see [`restore`]). Entries already kept there are not
/// duplicated.
pub fn stash(activity_id: &str, entries: &[Entry]) {
    let Some(storage) = local() else { return };
    if entries.is_empty() {
        return;
    }
    let key = outbox_key(activity_id);
    let (mut kept, _) = read_local(&storage, activity_id);
    kept.extend(
        entries
            .iter()
            .filter(|e| !kept.iter().any(|k| k.id == e.id))
            .cloned()
            .collect::<Vec<_>>(),
    );
    // Only to put the entries in order and write them: the player's own outbox checks them.
    let mut outbox = Outbox::default();
    outbox.merge(kept);
    let _ = storage.set_item(&key, &outbox.to_json());
}

/// The localStorage key of the saved attempt of `actor` in a module.
fn attempt_key(activity_id: &str, actor: &pelita_xapi::Agent) -> String {
    let who = actor
        .mbox
        .clone()
        .or_else(|| actor.mbox_sha1sum.clone())
        .or_else(|| actor.openid.clone())
        .or_else(|| {
            actor
                .account
                .as_ref()
                .map(|a| format!("{}|{}", a.home_page, a.name))
        })
        .unwrap_or_default();
    format!("pelita.attempt.v1:{activity_id}:{who}")
}

/// The attempt saved in this browser, if any (an unreadable copy counts as none).
pub fn saved_attempt(activity_id: &str, actor: &pelita_xapi::Agent) -> Option<SavedAttempt> {
    let text = local()?.get_item(&attempt_key(activity_id, actor)).ok()??;
    SavedAttempt::from_json(&text).ok()
}

/// Saves the attempt in this browser.
pub fn save_attempt(activity_id: &str, actor: &pelita_xapi::Agent, attempt: &SavedAttempt) {
    if let Some(storage) = local() {
        let _ = storage.set_item(&attempt_key(activity_id, actor), &attempt.to_json());
    }
}

/// A stable anonymous learner id for this browser, made on first use.
pub fn learner_id(make: impl FnOnce() -> String) -> String {
    let storage = local();
    if let Some(Ok(Some(id))) = storage.as_ref().map(|s| s.get_item(LEARNER_KEY)) {
        if !id.is_empty() {
            return id;
        }
    }
    let id = make();
    if let Some(storage) = storage {
        let _ = storage.set_item(LEARNER_KEY, &id);
    }
    id
}

/// The language the learner last chose.
pub fn language() -> Option<String> {
    local()?.get_item(LANGUAGE_KEY).ok().flatten()
}

/// Remembers the learner's language choice.
pub fn set_language(lang: &str) {
    if let Some(storage) = local() {
        let _ = storage.set_item(LANGUAGE_KEY, lang);
    }
}
