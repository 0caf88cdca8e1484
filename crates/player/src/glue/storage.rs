//! What the player keeps in the browser: the outbox, the local learner id, the language.
//!
//! Storage can be missing or full (private modes, quotas); every function here degrades to
//! "not kept" instead of failing, and the record panel says when saving failed.

use gloo::storage::{LocalStorage, Storage};
use pelita_xapi::Outbox;

const LEARNER_KEY: &str = "pelita.learner.v1";
const LANGUAGE_KEY: &str = "pelita.language.v1";

fn outbox_key(activity_id: &str) -> String {
    format!("pelita.outbox.v1:{activity_id}")
}

/// The saved outbox for a module, or a note on why it could not be read. A saved outbox
/// that cannot be read is moved aside (never deleted) so its statements can be recovered.
pub fn load_outbox(activity_id: &str) -> (Outbox, Option<String>) {
    let key = outbox_key(activity_id);
    let raw: Option<String> = LocalStorage::raw().get_item(&key).ok().flatten();
    let Some(raw) = raw else {
        return (Outbox::new(), None);
    };
    match Outbox::restore(&raw) {
        Ok(outbox) => (outbox, None),
        Err(e) => {
            let aside = format!("{key}.unreadable.{}", js_sys::Date::now() as i64);
            let _ = LocalStorage::raw().set_item(&aside, &raw);
            (Outbox::new(), Some(format!("{e} (kept as {aside})")))
        }
    }
}

/// Delivered statements kept in the saved copy; older delivered ones are dropped so that
/// storage stays small, while undelivered ones are always kept.
const KEEP_DELIVERED: usize = 500;

/// Saves the outbox; an error message when the browser refused.
pub fn save_outbox(activity_id: &str, outbox: &Outbox) -> Result<(), String> {
    let mut outbox = outbox.clone();
    outbox.prune_delivered(KEEP_DELIVERED);
    let json = outbox.to_json();
    LocalStorage::raw()
        .set_item(&outbox_key(activity_id), &json)
        .map_err(|_| {
            "the browser refused to save the learning record (storage full or disabled)".to_string()
        })
}

/// A stable anonymous learner id for this browser, made on first use.
pub fn learner_id(make: impl FnOnce() -> String) -> String {
    if let Ok(Some(id)) = LocalStorage::raw().get_item(LEARNER_KEY) {
        if !id.is_empty() {
            return id;
        }
    }
    let id = make();
    let _ = LocalStorage::raw().set_item(LEARNER_KEY, &id);
    id
}

/// The language the learner last chose.
pub fn language() -> Option<String> {
    LocalStorage::raw().get_item(LANGUAGE_KEY).ok().flatten()
}

/// Remembers the learner's language choice.
pub fn set_language(lang: &str) {
    let _ = LocalStorage::raw().set_item(LANGUAGE_KEY, lang);
}
