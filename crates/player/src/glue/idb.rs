//! The durable outbox in IndexedDB, through a thin web-sys wrapper.
//!
//! One database `pelita` (version 1) holds one object store `outbox`, keyed by statement
//! id, with an index `queue` on `[outbox, seq]`: every tab of every module writes to the
//! same store, and each tab reads its module's queue back in one order. A record is
//! `{id, outbox, seq, state, status, reason, json}`, where `outbox` is the module's
//! activity id, `state` is `queued`, `sent`, `quarantined` or `local`, and `json` is the
//! statement exactly as it is sent. Requests and transactions are awaited by handing a
//! promise's resolve and reject functions to their callbacks, so no Rust closure has to
//! outlive a call.

use js_sys::{Array, Object, Promise, Reflect};
use pelita_xapi::Entry;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbKeyRange, IdbObjectStoreParameters, IdbRequest, IdbTransaction};

const DB_NAME: &str = "pelita";
const STORE: &str = "outbox";
const QUEUE_INDEX: &str = "queue";

#[wasm_bindgen]
extern "C" {
    /// An `IDBDatabase` seen through the one call web-sys has only behind its unstable
    /// flag: `transaction(store, mode, options)`, whose `durability` option is what makes
    /// a write survive a power cut, not only a closed tab.
    type DurableDatabase;
    #[wasm_bindgen(catch, method, js_name = transaction)]
    fn transaction_with_options(
        this: &DurableDatabase,
        store: &str,
        mode: &str,
        options: &Object,
    ) -> Result<IdbTransaction, JsValue>;
}

thread_local! {
    /// The open database, shared by every call of this page.
    static DB: RefCell<Option<IdbDatabase>> = const { RefCell::new(None) };
}

/// A readable message for a failed request, transaction or exception: a `DOMException`'s
/// name and message (`QuotaExceededError: …`), or whatever JavaScript said.
fn describe(error: &JsValue) -> String {
    if let Some(e) = error.dyn_ref::<web_sys::DomException>() {
        return format!("{}: {}", e.name(), e.message());
    }
    // An error event: its target is the failed request.
    let from_target = Reflect::get(error, &"target".into())
        .ok()
        .and_then(|t| Reflect::get(&t, &"error".into()).ok())
        .and_then(|e| e.dyn_into::<web_sys::DomException>().ok());
    if let Some(e) = from_target {
        return format!("{}: {}", e.name(), e.message());
    }
    error
        .as_string()
        .unwrap_or_else(|| "the browser's database failed".to_string())
}

/// Waits for a request's `success` (its result) or `error`.
async fn request_done(request: &IdbRequest) -> Result<JsValue, String> {
    let promise = Promise::new(&mut |resolve, reject| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
    });
    JsFuture::from(promise).await.map_err(|e| describe(&e))?;
    request.result().map_err(|e| describe(&e))
}

/// Waits until a transaction has committed (`complete`), or says why it failed.
async fn transaction_done(tx: &IdbTransaction) -> Result<(), String> {
    let promise = Promise::new(&mut |resolve, reject| {
        tx.set_oncomplete(Some(&resolve));
        tx.set_onerror(Some(&reject));
        tx.set_onabort(Some(&reject));
    });
    match JsFuture::from(promise).await {
        Ok(_) => Ok(()),
        Err(e) => Err(tx
            .error()
            .map(|e| format!("{}: {}", e.name(), e.message()))
            .unwrap_or_else(|| describe(&e))),
    }
}

/// Opens (and on first use creates) the database.
async fn open() -> Result<IdbDatabase, String> {
    if let Some(db) = DB.with(|db| db.borrow().clone()) {
        return Ok(db);
    }
    let factory = web_sys::window()
        .ok_or("no window")?
        .indexed_db()
        .map_err(|e| describe(&e))?
        .ok_or("this browser has no IndexedDB")?;
    let request = factory
        .open_with_u32(DB_NAME, 1)
        .map_err(|e| describe(&e))?;
    let upgrade = {
        let request = request.clone();
        Closure::<dyn FnMut()>::new(move || {
            let Ok(db) = request.result().map(JsCast::unchecked_into::<IdbDatabase>) else {
                return;
            };
            let params = IdbObjectStoreParameters::new();
            params.set_key_path(&"id".into());
            if let Ok(store) = db.create_object_store_with_optional_parameters(STORE, &params) {
                let path = Array::of2(&"outbox".into(), &"seq".into());
                let _ = store.create_index_with_str_sequence(QUEUE_INDEX, &path);
            }
        })
    };
    request.set_onupgradeneeded(Some(upgrade.as_ref().unchecked_ref()));
    let result = request_done(&request).await;
    request.set_onupgradeneeded(None);
    drop(upgrade);
    let db: IdbDatabase = result?.unchecked_into();
    // Another tab's newer version must not be blocked by this one.
    {
        let db2 = db.clone();
        let close = Closure::<dyn FnMut()>::new(move || {
            db2.close();
            DB.with(|d| d.borrow_mut().take());
        });
        db.set_onversionchange(Some(close.as_ref().unchecked_ref()));
        close.forget();
    }
    DB.with(|d| *d.borrow_mut() = Some(db.clone()));
    Ok(db)
}

/// Whether this browser offers IndexedDB at all (it may still fail to open, e.g. in some
/// private modes; [`load`] says so).
pub fn available() -> bool {
    web_sys::window().is_some_and(|w| matches!(w.indexed_db(), Ok(Some(_))))
}

fn record(outbox: &str, entry: &Entry) -> Result<Object, JsValue> {
    let object = Object::new();
    let (status, reason) = match &entry.delivery {
        pelita_xapi::Delivery::Quarantined { status, reason } => (*status, reason.as_str()),
        _ => (0, ""),
    };
    Reflect::set(&object, &"id".into(), &entry.id.to_string().into())?;
    Reflect::set(&object, &"outbox".into(), &outbox.into())?;
    Reflect::set(&object, &"seq".into(), &entry.seq.into())?;
    Reflect::set(
        &object,
        &"state".into(),
        &entry.delivery.storage_name().into(),
    )?;
    Reflect::set(&object, &"status".into(), &status.into())?;
    Reflect::set(&object, &"reason".into(), &reason.into())?;
    Reflect::set(&object, &"json".into(), &entry.statement.to_string().into())?;
    Ok(object)
}

fn field(record: &JsValue, name: &str) -> JsValue {
    Reflect::get(record, &name.into()).unwrap_or(JsValue::UNDEFINED)
}

fn entry_of(record: &JsValue) -> Result<Entry, String> {
    let text = |name: &str| field(record, name).as_string().unwrap_or_default();
    let id = text("id");
    Entry::from_stored(
        &id,
        field(record, "seq").as_f64().unwrap_or(f64::NAN),
        &text("state"),
        field(record, "status").as_f64().unwrap_or(0.0) as u16,
        &text("reason"),
        &text("json"),
    )
    .map_err(|e| e.to_string())
}

fn queue_range(outbox: &str) -> Result<IdbKeyRange, JsValue> {
    let lower = Array::of2(&outbox.into(), &f64::NEG_INFINITY.into());
    let upper = Array::of2(&outbox.into(), &f64::INFINITY.into());
    IdbKeyRange::bound(&lower, &upper)
}

/// The module's stored queue in order, and a note for each record that could not be read
/// (such records stay in the database, untouched, so they can be recovered by hand).
pub async fn load(outbox: &str) -> Result<(Vec<Entry>, Vec<String>), String> {
    let db = open().await?;
    let tx = db.transaction_with_str(STORE).map_err(|e| describe(&e))?;
    let store = tx.object_store(STORE).map_err(|e| describe(&e))?;
    let index = store.index(QUEUE_INDEX).map_err(|e| describe(&e))?;
    let range = queue_range(outbox).map_err(|e| describe(&e))?;
    let request = index.get_all_with_key(&range).map_err(|e| describe(&e))?;
    let records: Array = request_done(&request).await?.unchecked_into();
    let mut entries = Vec::with_capacity(records.length() as usize);
    let mut problems = Vec::new();
    for record in records.iter() {
        match entry_of(&record) {
            Ok(entry) => entries.push(entry),
            Err(problem) => problems.push(problem),
        }
    }
    Ok((entries, problems))
}

/// Writes these entries (in their current states) in one transaction that is durable
/// once this returns `Ok`.
pub async fn write(outbox: &str, entries: &[Entry]) -> Result<(), String> {
    if entries.is_empty() {
        return Ok(());
    }
    let db = open().await?;
    let options = Object::new();
    let _ = Reflect::set(&options, &"durability".into(), &"strict".into());
    let tx = db
        .unchecked_ref::<DurableDatabase>()
        .transaction_with_options(STORE, "readwrite", &options)
        .map_err(|e| describe(&e))?;
    let store = tx.object_store(STORE).map_err(|e| describe(&e))?;
    for entry in entries {
        let value = record(outbox, entry).map_err(|e| describe(&e))?;
        store.put(&value).map_err(|e| describe(&e))?;
    }
    transaction_done(&tx).await
}

/// Deletes the delivered statements among `entries` (one module's queue) beyond the newest `keep`, so the store
/// does not grow without end; nothing undelivered is ever deleted.
pub async fn prune_sent(entries: &[Entry], keep: usize) -> Result<(), String> {
    let sent: Vec<&Entry> = entries
        .iter()
        .filter(|e| e.delivery == pelita_xapi::Delivery::Sent)
        .collect();
    let excess = sent.len().saturating_sub(keep);
    if excess == 0 {
        return Ok(());
    }
    let db = open().await?;
    let tx = db
        .transaction_with_str_and_mode(STORE, web_sys::IdbTransactionMode::Readwrite)
        .map_err(|e| describe(&e))?;
    let store = tx.object_store(STORE).map_err(|e| describe(&e))?;
    for entry in &sent[..excess] {
        store
            .delete(&entry.id.to_string().into())
            .map_err(|e| describe(&e))?;
    }
    transaction_done(&tx).await
}

/// Deletes every stored statement of the module, delivered or not: only for an author
/// starting over (and for tests), never called by the player on its own.
pub async fn clear(outbox: &str) -> Result<(), String> {
    let (entries, _) = load(outbox).await?;
    let db = open().await?;
    let tx = db
        .transaction_with_str_and_mode(STORE, web_sys::IdbTransactionMode::Readwrite)
        .map_err(|e| describe(&e))?;
    let store = tx.object_store(STORE).map_err(|e| describe(&e))?;
    for entry in &entries {
        store
            .delete(&entry.id.to_string().into())
            .map_err(|e| describe(&e))?;
    }
    transaction_done(&tx).await
}
