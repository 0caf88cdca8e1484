//! What the player keeps in the browser: the outbox, the local learner id, the language.
//!
//! Storage can be missing or full (private modes, quotas); every function here degrades to
//! "not kept" instead of failing, and the record panel says when saving failed.

use crate::error::PlayerError;
use pelita_xapi::Outbox;
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

fn outbox_key(activity_id: &str) -> String {
    format!("pelita.outbox.v1:{activity_id}")
}

/// The saved outbox for a module, or a note on why it could not be read. A saved outbox
/// that cannot be read is moved aside (never deleted) so its statements can be recovered.
pub fn load_outbox(activity_id: &str) -> (Outbox, Option<String>) {
    let key = outbox_key(activity_id);
    let Some(storage) = local() else {
        return (Outbox::new(), Some(UNAVAILABLE.to_string()));
    };
    let raw: Option<String> = storage.get_item(&key).ok().flatten();
    let Some(raw) = raw else {
        return (Outbox::new(), None);
    };
    match Outbox::restore(&raw) {
        Ok(outbox) => (outbox, None),
        Err(e) => {
            let aside = format!("{key}.unreadable.{}", js_sys::Date::now() as i64);
            let _ = storage.set_item(&aside, &raw);
            (Outbox::new(), Some(format!("{e} (kept as {aside})")))
        }
    }
}

/// Delivered statements kept in the saved copy; older delivered ones are dropped so that
/// storage stays small, while undelivered ones are always kept.
const KEEP_DELIVERED: usize = 500;

/// Saves the outbox, or says why the browser refused.
pub fn save_outbox(activity_id: &str, outbox: &Outbox) -> Result<(), PlayerError> {
    let mut outbox = outbox.clone();
    outbox.prune_delivered(KEEP_DELIVERED);
    let json = outbox.to_json();
    local()
        .ok_or_else(|| PlayerError::Storage(UNAVAILABLE.to_string()))?
        .set_item(&outbox_key(activity_id), &json)
        .map_err(|_| {
            PlayerError::Storage(
                "the browser refused to save the learning record (storage full or disabled)".into(),
            )
        })
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
