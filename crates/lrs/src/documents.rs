//! The document resources: State, Activity Profile and Agent Profile, one table with a
//! kind column. The concurrency rules (`If-Match`, `If-None-Match`, 412 and 409) and the
//! JSON merge of POST are decided here, inside the writer's job, so that checking a
//! precondition and writing the document are one atomic step.

use crate::error::LrsError;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;
use sha1::{Digest, Sha1};

/// Which document resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `/activities/state`: per activity, agent and optional registration.
    State = 0,
    /// `/activities/profile`: per activity.
    ActivityProfile = 1,
    /// `/agents/profile`: per agent.
    AgentProfile = 2,
}

impl Kind {
    /// Whether a PUT over an existing document must carry `If-Match` or `If-None-Match`
    /// (the profile resources require it; the State resource only honours them).
    pub fn requires_precondition(self) -> bool {
        self != Kind::State
    }
}

/// Which documents: everything but the document id (empty strings where not used).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    /// The resource.
    pub kind: Kind,
    /// The `activityId`, or empty for agent profiles.
    pub activity: String,
    /// The agent key, or empty for activity profiles.
    pub agent: String,
    /// The registration (State only), or empty.
    pub registration: String,
}

/// A stored document.
#[derive(Debug, Clone)]
pub struct Document {
    /// Its media type as it was sent.
    pub content_type: String,
    /// Its bytes.
    pub body: Vec<u8>,
    /// Its quoted ETag (the SHA-1 of the body).
    pub etag: String,
    /// When it was last written, ms since the epoch.
    pub updated_ms: i64,
}

/// The concurrency headers of a request.
#[derive(Debug, Clone, Default)]
pub struct Preconditions {
    /// `If-Match`: the ETags (or `*`) the current document must have.
    pub if_match: Option<String>,
    /// `If-None-Match`: `*` means there must be no document.
    pub if_none_match: Option<String>,
    /// Whether a PUT over an existing document must carry one of the two even on the
    /// State resource: xAPI 2.0 asks it of every document resource (IEEE 9274.1.1
    /// 4.1.4), 1.0.3 of the profiles only.
    pub every_resource: bool,
}

impl Preconditions {
    fn check(&self, current: Option<&Document>) -> Result<(), LrsError> {
        let matches = |list: &str, etag: &str| {
            list.split(',')
                .map(str::trim)
                .any(|t| t == "*" || t == etag || t.trim_start_matches("W/") == etag)
        };
        if let Some(list) = &self.if_match {
            match current {
                Some(doc) if matches(list, &doc.etag) => {}
                Some(_) => {
                    return Err(LrsError::PreconditionFailed(
                        "If-Match does not match the document's ETag".into(),
                    ))
                }
                None => {
                    return Err(LrsError::PreconditionFailed(
                        "If-Match was given but there is no document".into(),
                    ))
                }
            }
        }
        if let Some(list) = &self.if_none_match {
            if let Some(doc) = current {
                if matches(list, &doc.etag) {
                    return Err(LrsError::PreconditionFailed(
                        "If-None-Match: the document exists".into(),
                    ));
                }
            }
        }
        Ok(())
    }

    fn any(&self) -> bool {
        self.if_match.is_some() || self.if_none_match.is_some()
    }
}

/// The quoted ETag of a body.
pub fn etag(body: &[u8]) -> String {
    let digest = Sha1::digest(body);
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// Reads one document.
pub fn get(conn: &Connection, scope: &Scope, id: &str) -> Result<Option<Document>, LrsError> {
    Ok(conn
        .prepare_cached(
            "SELECT content_type, body, etag, updated_ms FROM documents
             WHERE kind = ?1 AND activity = ?2 AND agent = ?3 AND registration = ?4 AND doc_id = ?5",
        )?
        .query_row(params![scope.kind as i64, scope.activity, scope.agent, scope.registration, id], |r| {
            Ok(Document { content_type: r.get(0)?, body: r.get(1)?, etag: r.get(2)?, updated_ms: r.get(3)? })
        })
        .optional()?)
}

/// The ids of the documents in `scope`, updated after `since_ms` if given.
pub fn ids(
    conn: &Connection,
    scope: &Scope,
    since_ms: Option<i64>,
) -> Result<Vec<String>, LrsError> {
    let mut stmt = conn.prepare_cached(
        "SELECT doc_id FROM documents WHERE kind = ?1 AND activity = ?2 AND agent = ?3 AND registration = ?4
         AND updated_ms > ?5 ORDER BY doc_id",
    )?;
    let rows = stmt.query_map(
        params![
            scope.kind as i64,
            scope.activity,
            scope.agent,
            scope.registration,
            since_ms.unwrap_or(i64::MIN)
        ],
        |r| r.get(0),
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn is_json(content_type: &str) -> bool {
    content_type
        .split(';')
        .next()
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"))
}

/// Writes a document (PUT replaces, POST merges JSON objects key by key) after checking
/// the preconditions; returns the new ETag.
#[allow(clippy::too_many_arguments)]
pub fn write(
    conn: &Connection,
    scope: &Scope,
    id: &str,
    merge: bool,
    content_type: &str,
    body: Vec<u8>,
    pre: &Preconditions,
    now_ms: i64,
) -> Result<String, LrsError> {
    let current = get(conn, scope, id)?;
    pre.check(current.as_ref())?;
    if !merge
        && current.is_some()
        && (scope.kind.requires_precondition() || pre.every_resource)
        && !pre.any()
    {
        return Err(LrsError::Conflict(
            "the document exists: send If-Match with its ETag (or If-None-Match: * to create only)"
                .into(),
        ));
    }
    let (content_type, body) = match (merge, current) {
        (true, Some(doc)) => {
            if !is_json(&doc.content_type) || !is_json(content_type) {
                return Err(LrsError::BadRequest(
                    "POST merges JSON documents only: both the stored document and the request must be application/json".into(),
                ));
            }
            let mut stored: Value = serde_json::from_slice(&doc.body).map_err(|_| {
                LrsError::BadRequest(
                    "the stored document is not a JSON object, so it cannot be merged".into(),
                )
            })?;
            let new: Value = serde_json::from_slice(&body)
                .map_err(|e| LrsError::BadRequest(format!("the body is not JSON: {e}")))?;
            match (&mut stored, new) {
                (Value::Object(old), Value::Object(new)) => {
                    for (k, v) in new {
                        old.insert(k, v);
                    }
                }
                _ => return Err(LrsError::BadRequest("POST merges JSON objects only".into())),
            }
            (content_type.to_string(), stored.to_string().into_bytes())
        }
        (true, None) if is_json(content_type) => {
            let new: Value = serde_json::from_slice(&body)
                .map_err(|e| LrsError::BadRequest(format!("the body is not JSON: {e}")))?;
            if !new.is_object() {
                return Err(LrsError::BadRequest(
                    "a JSON document sent with POST must be an object".into(),
                ));
            }
            (content_type.to_string(), body)
        }
        _ => (content_type.to_string(), body),
    };
    let tag = etag(&body);
    conn.prepare_cached(
        "INSERT INTO documents (kind, activity, agent, registration, doc_id, content_type, body, etag, updated_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (kind, activity, agent, registration, doc_id) DO UPDATE SET
           content_type = excluded.content_type, body = excluded.body, etag = excluded.etag, updated_ms = excluded.updated_ms",
    )?
    .execute(params![scope.kind as i64, scope.activity, scope.agent, scope.registration, id, content_type, body, tag, now_ms])?;
    Ok(tag)
}

/// Deletes one document (after checking `If-Match`), or every document of the scope when
/// `id` is `None` (the State resource's multiple delete).
pub fn delete(
    conn: &Connection,
    scope: &Scope,
    id: Option<&str>,
    pre: &Preconditions,
) -> Result<(), LrsError> {
    match id {
        Some(id) => {
            let current = get(conn, scope, id)?;
            pre.check(current.as_ref())?;
            conn.prepare_cached(
                "DELETE FROM documents WHERE kind = ?1 AND activity = ?2 AND agent = ?3 AND registration = ?4 AND doc_id = ?5",
            )?
            .execute(params![scope.kind as i64, scope.activity, scope.agent, scope.registration, id])?;
        }
        None => {
            // Without a registration, the State resource deletes across every registration.
            let all_registrations = scope.registration.is_empty();
            conn.prepare_cached(
                "DELETE FROM documents WHERE kind = ?1 AND activity = ?2 AND agent = ?3 AND (?5 OR registration = ?4)",
            )?
            .execute(params![scope.kind as i64, scope.activity, scope.agent, scope.registration, all_registrations])?;
        }
    }
    Ok(())
}
