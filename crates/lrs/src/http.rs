//! The HTTP face of the LRS: axum handlers for every resource, the version and auth
//! middleware, and the parsing of query parameters. Request data is never trusted: every
//! parameter and body is checked and a bad one becomes a 400 naming it, never a panic.

use crate::attachments::{self, Attachment};
use crate::documents::{self, Kind, Preconditions, Scope};
use crate::error::LrsError;
use crate::statements::{self, Filter, Format};
use crate::Shared;
use axum::body::Bytes;
use axum::extract::{RawQuery, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use pelita_xapi::validate::{actor_problems, agent_problems, batch_problems_for, is_iri, is_uuid};
use pelita_xapi::Spec;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;

type SharedState = State<Arc<Shared>>;

/// The xAPI 1.0 version this LRS speaks, sent on every answer to a 1.0.x request (and to
/// a request that states no version it speaks).
pub const VERSION: &str = "1.0.3";

/// The xAPI 2.0 version this LRS speaks, sent on every answer to a 2.0.x request.
pub const VERSION_2: &str = "2.0.0";

/// The key of the credentials a request came with, put in its extensions by [`auth`].
#[derive(Clone)]
pub struct Caller(pub Option<String>);

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Which version of the standard a request states (`X-Experience-API-Version`), put in
/// its extensions by [`version`]: each request is held to its own version's rules.
fn stated(given: &str) -> Option<Spec> {
    let given = given.trim();
    let minor = |prefix: &str, bare: &str| {
        given == bare
            || given
                .strip_prefix(prefix)
                .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    };
    if minor("1.0.", "1.0") {
        Some(Spec::V1)
    } else if minor("2.0.", "2.0") {
        Some(Spec::V2)
    } else {
        None
    }
}

/// Checks `X-Experience-API-Version` (required on everything but `/about`), records the
/// version the request states, and puts the matching version of the LRS on every answer.
pub async fn version(mut request: Request, next: Next) -> Response {
    let exempt = request.uri().path().ends_with("/about") || request.method() == Method::OPTIONS;
    let statements_path = request.uri().path().ends_with("/statements");
    let given = request
        .headers()
        .get("x-experience-api-version")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let spec = given.as_deref().and_then(stated);
    let mut response = if spec.is_some() || exempt {
        request.extensions_mut().insert(spec.unwrap_or_default());
        next.run(request).await
    } else {
        let message = match given {
            None => "the X-Experience-API-Version header is required (1.0.3 or 2.0.0)".to_string(),
            Some(v) => format!(
                "X-Experience-API-Version {v:?} is not supported; this LRS speaks 1.0.3 and 2.0.0"
            ),
        };
        LrsError::BadRequest(message).into_response()
    };
    let answer = if spec == Some(Spec::V2) {
        VERSION_2
    } else {
        VERSION
    };
    response
        .headers_mut()
        .insert("x-experience-api-version", HeaderValue::from_static(answer));
    // Every answer of the Statements resource says how current it is, errors included
    // (Communication 2.1.3: "regardless of the code returned"); clients polling for a
    // statement rely on it.
    if statements_path && !response.headers().contains_key(CONSISTENT_THROUGH) {
        response = consistent_through(response);
    }
    response
}

/// The header that says up to when the Statements resource's answers are complete.
const CONSISTENT_THROUGH: &str = "x-experience-api-consistent-through";

/// Checks Basic credentials when a credentials file is configured, and records who called.
pub async fn auth(State(shared): SharedState, mut request: Request, next: Next) -> Response {
    if request.method() == Method::OPTIONS {
        return next.run(request).await;
    }
    let caller = match &shared.credentials {
        None => None,
        Some(creds) => {
            let header = request
                .headers()
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok());
            match creds.check(header) {
                Ok(key) => Some(key),
                Err(e) => return e.into_response(),
            }
        }
    };
    request.extensions_mut().insert(Caller(caller));
    next.run(request).await
}

/// The query parameters, each at most once, only those the resource knows.
fn params(query: Option<String>, allowed: &[&str]) -> Result<HashMap<String, String>, LrsError> {
    let mut out = HashMap::new();
    for (k, v) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        if !allowed.contains(&k.as_ref()) {
            return Err(LrsError::BadRequest(format!(
                "unknown parameter {k:?} (this resource takes {})",
                allowed.join(", ")
            )));
        }
        if out.insert(k.to_string(), v.to_string()).is_some() {
            return Err(LrsError::BadRequest(format!(
                "parameter {k:?} is given twice"
            )));
        }
    }
    Ok(out)
}

fn boolean(params: &HashMap<String, String>, name: &str) -> Result<bool, LrsError> {
    match params.get(name).map(String::as_str) {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(other) => Err(LrsError::BadRequest(format!(
            "parameter {name} must be true or false, not {other:?}"
        ))),
    }
}

fn iri_param(params: &HashMap<String, String>, name: &str) -> Result<Option<String>, LrsError> {
    match params.get(name) {
        Some(v) if !is_iri(v) => Err(LrsError::BadRequest(format!(
            "parameter {name}: {v:?} is not an IRI"
        ))),
        other => Ok(other.cloned()),
    }
}

fn required<'a>(params: &'a HashMap<String, String>, name: &str) -> Result<&'a str, LrsError> {
    params
        .get(name)
        .map(String::as_str)
        .ok_or_else(|| LrsError::BadRequest(format!("parameter {name} is required")))
}

fn timestamp_param(params: &HashMap<String, String>, name: &str) -> Result<Option<i64>, LrsError> {
    params
        .get(name)
        .map(|v| {
            pelita_xapi::parse_timestamp(v).ok_or_else(|| {
                LrsError::BadRequest(format!(
                    "parameter {name}: {v:?} is not an ISO 8601 timestamp with a zone"
                ))
            })
        })
        .transpose()
}

/// The agent key of an `agent` parameter (JSON). `groups` allows identified Groups.
fn agent_param(
    params: &HashMap<String, String>,
    name: &str,
    groups: bool,
) -> Result<Option<String>, LrsError> {
    let Some(text) = params.get(name) else {
        return Ok(None);
    };
    let value: Value = serde_json::from_str(text)
        .map_err(|e| LrsError::BadRequest(format!("parameter {name} is not JSON: {e}")))?;
    let problems = if groups {
        actor_problems(&value, name)
    } else {
        agent_problems(&value, name)
    };
    if !problems.is_empty() {
        return Err(LrsError::Invalid(problems));
    }
    statements::agent_key(&value).map(Some).ok_or_else(|| {
        LrsError::BadRequest(format!(
            "parameter {name} must identify an Agent or an identified Group"
        ))
    })
}

/// The statements of a POST or PUT body and the attachment content sent with them:
/// `application/json` carries statements only, `multipart/mixed` statements and
/// attachments ([`attachments::read`]).
fn statements_body(headers: &HeaderMap, body: &[u8]) -> Result<(Value, Vec<Attachment>), LrsError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    match attachments::media_type(content_type).as_str() {
        "application/json" => Ok((parse_json(body)?, Vec::new())),
        "multipart/mixed" => attachments::read(content_type, body),
        "" => Err(LrsError::BadRequest(
            "Content-Type is required: application/json, or multipart/mixed with attachments"
                .into(),
        )),
        other => Err(LrsError::BadRequest(format!(
            "Content-Type {other:?} is not supported: send application/json, or multipart/mixed with attachments"
        ))),
    }
}

fn parse_json(body: &[u8]) -> Result<Value, LrsError> {
    serde_json::from_slice(body)
        .map_err(|e| LrsError::BadRequest(format!("the body is not JSON: {e}")))
}

fn authority(shared: &Shared, caller: &Caller) -> Value {
    match &caller.0 {
        Some(key) => crate::auth::authority(key),
        None => shared.anonymous_authority.clone(),
    }
}

fn consistent_through(mut response: Response) -> Response {
    if let Ok(v) = HeaderValue::from_str(&pelita_xapi::format_timestamp(now_ms())) {
        response.headers_mut().insert(CONSISTENT_THROUGH, v);
    }
    response
}

/// POST /statements: one statement or a batch, all stored or none.
pub async fn post_statements(
    State(shared): SharedState,
    axum::Extension(caller): axum::Extension<Caller>,
    axum::Extension(spec): axum::Extension<Spec>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<Response, LrsError> {
    params(query, &[])?;
    let (value, parts) = statements_body(&headers, &body)?;
    let problems = batch_problems_for(&value, spec);
    if !problems.is_empty() {
        return Err(LrsError::Invalid(problems));
    }
    let list = match value {
        Value::Array(items) => items,
        one => vec![one],
    };
    let content = attachments::check(&list, parts)?;
    let prepared = statements::prepare(list, &authority(&shared, &caller), spec)?;
    // The attachments go in the statements' transaction: both are stored, or neither.
    let ids = shared
        .db
        .write(move |conn| {
            attachments::store(conn, &content)?;
            statements::insert(conn, prepared, now_ms())
        })
        .await?;
    Ok(Json(ids).into_response())
}

/// PUT /statements?statementId=: one statement with a given id.
pub async fn put_statement(
    State(shared): SharedState,
    axum::Extension(caller): axum::Extension<Caller>,
    axum::Extension(spec): axum::Extension<Spec>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<Response, LrsError> {
    let params = params(query, &["statementId"])?;
    let id = required(&params, "statementId")?.to_ascii_lowercase();
    if !is_uuid(&id) {
        return Err(LrsError::BadRequest(format!(
            "parameter statementId: {id:?} is not a UUID"
        )));
    }
    let (mut value, parts) = statements_body(&headers, &body)?;
    let Value::Object(map) = &mut value else {
        return Err(LrsError::BadRequest(
            "PUT takes one statement (a JSON object)".into(),
        ));
    };
    match map.get("id") {
        Some(Value::String(given)) if given.eq_ignore_ascii_case(&id) => {}
        Some(given) => {
            return Err(LrsError::BadRequest(format!(
                "the statement's id {given} differs from statementId {id}"
            )));
        }
        None => {
            map.insert("id".into(), Value::String(id.clone()));
        }
    }
    let problems = batch_problems_for(&value, spec);
    if !problems.is_empty() {
        return Err(LrsError::Invalid(problems));
    }
    let content = attachments::check(std::slice::from_ref(&value), parts)?;
    let prepared = statements::prepare(vec![value], &authority(&shared, &caller), spec)?;
    shared
        .db
        .write(move |conn| {
            attachments::store(conn, &content)?;
            statements::insert(conn, prepared, now_ms())
        })
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

fn languages(headers: &HeaderMap) -> Vec<String> {
    let text = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mut weighted: Vec<(f32, String)> = text
        .split(',')
        .filter_map(|part| {
            let mut pieces = part.split(';');
            let tag = pieces.next()?.trim();
            if tag.is_empty() || tag == "*" {
                return None;
            }
            let q = pieces
                .find_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            Some((q, tag.to_string()))
        })
        .collect();
    weighted.sort_by(|a, b| b.0.total_cmp(&a.0));
    weighted.into_iter().map(|(_, t)| t).collect()
}

/// GET /statements: one statement by id, or a filtered page with a `more` link.
pub async fn get_statements(
    State(shared): SharedState,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, LrsError> {
    const ALL: &[&str] = &[
        "statementId",
        "voidedStatementId",
        "agent",
        "verb",
        "activity",
        "registration",
        "related_activities",
        "related_agents",
        "since",
        "until",
        "limit",
        "format",
        "attachments",
        "ascending",
        "cursor",
    ];
    let params = params(query, ALL)?;
    let format = match params.get("format").map(String::as_str) {
        None | Some("exact") => Format::Exact,
        Some("ids") => Format::Ids,
        Some("canonical") => Format::Canonical,
        Some(other) => {
            return Err(LrsError::BadRequest(format!(
                "parameter format must be ids, exact or canonical, not {other:?}"
            )))
        }
    };
    let with_attachments = boolean(&params, "attachments")?;
    let langs = languages(&headers);
    let single = match (params.get("statementId"), params.get("voidedStatementId")) {
        (Some(_), Some(_)) => {
            return Err(LrsError::BadRequest(
                "give statementId or voidedStatementId, not both".into(),
            ))
        }
        (Some(id), None) => Some((id.clone(), false)),
        (None, Some(id)) => Some((id.clone(), true)),
        (None, None) => None,
    };
    if let Some((id, voided)) = single {
        if let Some(extra) = params.keys().find(|k| {
            !matches!(
                k.as_str(),
                "statementId" | "voidedStatementId" | "format" | "attachments"
            )
        }) {
            return Err(LrsError::BadRequest(format!(
                "parameter {extra} cannot be used with a statement id"
            )));
        }
        if !is_uuid(&id) {
            return Err(LrsError::BadRequest(format!("{id:?} is not a UUID")));
        }
        let found = shared
            .db
            .read(move |conn| statements::get(conn, &id))
            .await?;
        let Some(stored) = found.filter(|s| s.voided == voided) else {
            let what = if voided {
                "no voided statement with this id"
            } else {
                "no statement with this id (or it is voided)"
            };
            return Err(LrsError::NotFound(what.into()));
        };
        let mut body = stored.body;
        statements::format(&mut body, format, &langs);
        let mut response = if with_attachments {
            let json = body.to_string();
            let content = shared
                .db
                .read(move |conn| attachments::load(conn, &[&body]))
                .await?;
            attachments::response(json, &content)
        } else {
            Json(body).into_response()
        };
        if let Ok(v) = HeaderValue::from_str(&http_date(stored.stored_ms)) {
            response.headers_mut().insert(header::LAST_MODIFIED, v);
        }
        return Ok(consistent_through(response));
    }
    let registration = match params.get("registration") {
        Some(r) if !is_uuid(r) => {
            return Err(LrsError::BadRequest(format!(
                "parameter registration: {r:?} is not a UUID"
            )))
        }
        other => other.cloned(),
    };
    let filter = Filter {
        agent: agent_param(&params, "agent", true)?,
        verb: iri_param(&params, "verb")?,
        activity: iri_param(&params, "activity")?,
        registration,
        related_agents: boolean(&params, "related_agents")?,
        related_activities: boolean(&params, "related_activities")?,
        since_ms: timestamp_param(&params, "since")?,
        until_ms: timestamp_param(&params, "until")?,
        ascending: boolean(&params, "ascending")?,
    };
    let limit = match params.get("limit") {
        None => shared.max_limit,
        Some(l) => match l.parse::<usize>() {
            Ok(0) => shared.max_limit,
            Ok(n) => n.min(shared.max_limit),
            Err(_) => {
                return Err(LrsError::BadRequest(format!(
                    "parameter limit must be a non-negative integer, not {l:?}"
                )))
            }
        },
    };
    let cursor = params
        .get("cursor")
        .map(|c| {
            c.parse::<i64>().map_err(|_| {
                LrsError::BadRequest("parameter cursor is not one this LRS made".into())
            })
        })
        .transpose()?;
    let (rows, next) = {
        let filter = filter.clone();
        shared
            .db
            .read(move |conn| statements::query_raw(conn, &filter, limit, cursor))
            .await?
    };
    let more = match next {
        Some(seq) => {
            let mut pairs = form_urlencoded::Serializer::new(String::new());
            for (k, v) in &params {
                if k != "cursor" {
                    pairs.append_pair(k, v);
                }
            }
            pairs.append_pair("cursor", &seq.to_string());
            format!("{}/statements?{}", shared.base_path, pairs.finish())
        }
        None => String::new(),
    };
    // The page is written as text: in the `exact` format each stored body is copied as it
    // is (with `stored` spliced in), the others are parsed and rewritten.
    let mut page =
        String::with_capacity(rows.iter().map(|(b, _)| b.len() + 64).sum::<usize>() + 256);
    page.push_str("{\"statements\":[");
    for (i, (body, stored_ms)) in rows.iter().enumerate() {
        if i > 0 {
            page.push(',');
        }
        if format == Format::Exact {
            statements::append_exact(&mut page, body, *stored_ms)?;
        } else if format == Format::Ids {
            statements::append_ids(&mut page, body, *stored_ms)?;
        } else {
            let mut value = statements::hydrate(body, *stored_ms)?;
            statements::format(&mut value, format, &langs);
            page.push_str(&value.to_string());
        }
    }
    page.push_str("],\"more\":");
    page.push_str(&Value::String(more).to_string());
    page.push('}');
    if with_attachments {
        let result: Value =
            serde_json::from_str(&page).map_err(|e| LrsError::Storage(e.to_string()))?;
        let content = shared
            .db
            .read(move |conn| {
                let list: Vec<&Value> = result["statements"]
                    .as_array()
                    .map(|a| a.iter().collect())
                    .unwrap_or_default();
                attachments::load(conn, &list)
            })
            .await?;
        return Ok(attachments::response(page, &content));
    }
    let mut response = page.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Ok(consistent_through(response))
}

/// An HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`) for `Last-Modified`.
pub fn http_date(ms: i64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let stamp = pelita_xapi::format_timestamp(ms);
    let weekday = DAYS[usize::try_from(ms.div_euclid(86_400_000).rem_euclid(7)).unwrap_or(0)];
    let month = stamp
        .get(5..7)
        .and_then(|m| m.parse::<usize>().ok())
        .unwrap_or(1);
    format!(
        "{weekday}, {} {} {} {} GMT",
        stamp.get(8..10).unwrap_or("01"),
        MONTHS[month.clamp(1, 12) - 1],
        stamp.get(0..4).unwrap_or("1970"),
        stamp.get(11..19).unwrap_or("00:00:00")
    )
}

/// Which document resource a handler serves, with the name of its id parameter.
#[derive(Clone, Copy)]
pub struct DocResource {
    kind: Kind,
    id_param: &'static str,
}

/// `/activities/state`.
pub const STATE: DocResource = DocResource {
    kind: Kind::State,
    id_param: "stateId",
};
/// `/activities/profile`.
pub const ACTIVITY_PROFILE: DocResource = DocResource {
    kind: Kind::ActivityProfile,
    id_param: "profileId",
};
/// `/agents/profile`.
pub const AGENT_PROFILE: DocResource = DocResource {
    kind: Kind::AgentProfile,
    id_param: "profileId",
};

fn scope(
    resource: DocResource,
    query: Option<String>,
    method: &Method,
) -> Result<(Scope, Option<String>, Option<i64>), LrsError> {
    let allowed: &[&str] = match resource.kind {
        Kind::State => &["activityId", "agent", "registration", "stateId", "since"],
        Kind::ActivityProfile => &["activityId", "profileId", "since"],
        Kind::AgentProfile => &["agent", "profileId", "since"],
    };
    let params = params(query, allowed)?;
    let activity = if resource.kind == Kind::AgentProfile {
        String::new()
    } else {
        let a = required(&params, "activityId")?;
        if !is_iri(a) {
            return Err(LrsError::BadRequest(format!(
                "parameter activityId: {a:?} is not an IRI"
            )));
        }
        a.to_string()
    };
    let agent = if resource.kind == Kind::ActivityProfile {
        String::new()
    } else {
        required(&params, "agent")?;
        agent_param(&params, "agent", false)?.unwrap_or_default()
    };
    let registration = match params.get("registration") {
        Some(r) if !is_uuid(r) => {
            return Err(LrsError::BadRequest(format!(
                "parameter registration: {r:?} is not a UUID"
            )))
        }
        Some(r) => r.to_ascii_lowercase(),
        None => String::new(),
    };
    let id = params.get(resource.id_param).cloned();
    if id.is_none() && matches!(*method, Method::PUT | Method::POST) {
        return Err(LrsError::BadRequest(format!(
            "parameter {} is required",
            resource.id_param
        )));
    }
    if id.is_some() && params.contains_key("since") {
        return Err(LrsError::BadRequest(format!(
            "parameter since cannot be used with {}",
            resource.id_param
        )));
    }
    if params.contains_key("since") && *method != Method::GET {
        return Err(LrsError::BadRequest(
            "parameter since is for GET only".into(),
        ));
    }
    if id.is_none() && *method == Method::DELETE && resource.kind != Kind::State {
        return Err(LrsError::BadRequest(format!(
            "parameter {} is required",
            resource.id_param
        )));
    }
    let since = timestamp_param(&params, "since")?;
    Ok((
        Scope {
            kind: resource.kind,
            activity,
            agent,
            registration,
        },
        id,
        since,
    ))
}

fn preconditions(headers: &HeaderMap, spec: Spec) -> Preconditions {
    let get = |name: header::HeaderName| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    Preconditions {
        if_match: get(header::IF_MATCH),
        if_none_match: get(header::IF_NONE_MATCH),
        every_resource: spec == Spec::V2,
    }
}

/// GET, PUT, POST and DELETE of a document resource.
pub async fn document(
    State(shared): SharedState,
    resource: DocResource,
    spec: Spec,
    method: Method,
    headers: HeaderMap,
    query: Option<String>,
    body: Bytes,
) -> Result<Response, LrsError> {
    let (scope, id, since) = scope(resource, query, &method)?;
    let pre = preconditions(&headers, spec);
    match method {
        Method::GET | Method::HEAD => match id {
            Some(id) => {
                let doc = shared
                    .db
                    .read(move |conn| documents::get(conn, &scope, &id))
                    .await?;
                let doc = doc.ok_or_else(|| LrsError::NotFound("no such document".into()))?;
                let mut response = doc.body.into_response();
                let h = response.headers_mut();
                if let Ok(v) = HeaderValue::from_str(&doc.content_type) {
                    h.insert(header::CONTENT_TYPE, v);
                }
                if let Ok(v) = HeaderValue::from_str(&doc.etag) {
                    h.insert(header::ETAG, v);
                }
                if let Ok(v) = HeaderValue::from_str(&http_date(doc.updated_ms)) {
                    h.insert(header::LAST_MODIFIED, v);
                }
                Ok(response)
            }
            None => {
                let ids = shared
                    .db
                    .read(move |conn| documents::ids(conn, &scope, since))
                    .await?;
                Ok(Json(ids).into_response())
            }
        },
        Method::PUT | Method::POST => {
            let id = id.unwrap_or_default();
            let content_type = headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("application/octet-stream")
                .to_string();
            let merge = method == Method::POST;
            let body = body.to_vec();
            let tag = shared
                .db
                .write(move |conn| {
                    documents::write(
                        conn,
                        &scope,
                        &id,
                        merge,
                        &content_type,
                        body,
                        &pre,
                        now_ms(),
                    )
                })
                .await?;
            let mut response = StatusCode::NO_CONTENT.into_response();
            if let Ok(v) = HeaderValue::from_str(&tag) {
                response.headers_mut().insert(header::ETAG, v);
            }
            Ok(response)
        }
        Method::DELETE => {
            shared
                .db
                .write(move |conn| documents::delete(conn, &scope, id.as_deref(), &pre))
                .await?;
            Ok(StatusCode::NO_CONTENT.into_response())
        }
        _ => Ok(StatusCode::METHOD_NOT_ALLOWED.into_response()),
    }
}

/// GET /activities?activityId=: the activity with the latest definition the LRS has seen.
pub async fn activities(
    State(shared): SharedState,
    RawQuery(query): RawQuery,
) -> Result<Response, LrsError> {
    let params = params(query, &["activityId"])?;
    let id = required(&params, "activityId")?.to_string();
    if !is_iri(&id) {
        return Err(LrsError::BadRequest(format!(
            "parameter activityId: {id:?} is not an IRI"
        )));
    }
    let lookup = id.clone();
    let definition: Option<String> = shared
        .db
        .read(move |conn| {
            use rusqlite::OptionalExtension;
            Ok(conn
                .prepare_cached("SELECT definition FROM activities WHERE id = ?1")?
                .query_row([lookup], |r| r.get(0))
                .optional()?)
        })
        .await?;
    let mut activity = json!({ "objectType": "Activity", "id": id });
    if let Some(def) = definition.and_then(|d| serde_json::from_str::<Value>(&d).ok()) {
        activity["definition"] = def;
    }
    Ok(Json(activity).into_response())
}

/// GET /agents?agent=: the Person the LRS knows for this agent.
pub async fn agents(
    State(shared): SharedState,
    RawQuery(query): RawQuery,
) -> Result<Response, LrsError> {
    let params = params(query, &["agent"])?;
    required(&params, "agent")?;
    let key = agent_param(&params, "agent", false)?.unwrap_or_default();
    let text = params.get("agent").cloned().unwrap_or_default();
    let given: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    let seen: Option<String> = shared
        .db
        .read(move |conn| {
            use rusqlite::OptionalExtension;
            Ok(conn
                .prepare_cached("SELECT body FROM agents WHERE agent = ?1")?
                .query_row([key], |r| r.get(0))
                .optional()?)
        })
        .await?;
    let seen: Value = seen
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or(Value::Null);
    let mut person = json!({ "objectType": "Person" });
    let mut names: Vec<Value> = Vec::new();
    for source in [&given, &seen] {
        if let Some(n) = source.get("name") {
            if !names.contains(n) {
                names.push(n.clone());
            }
        }
    }
    if !names.is_empty() {
        person["name"] = Value::Array(names);
    }
    for ifi in ["mbox", "mbox_sha1sum", "openid", "account"] {
        if let Some(v) = given.get(ifi) {
            person[ifi] = json!([v]);
        }
    }
    Ok(Json(person).into_response())
}

/// GET /about: the versions this LRS speaks (1.0.x and 2.0.0).
pub async fn about() -> Response {
    Json(json!({ "version": [VERSION, "1.0.2", "1.0.1", "1.0.0", VERSION_2], "extensions": {} }))
        .into_response()
}

/// The alternate request syntax (xAPI 1.0.3 Communication 1.3): a browser that cannot
/// send a cross-origin PUT, or custom headers, POSTs a form to `?method=PUT` instead; the
/// form carries the headers (`Authorization`, `X-Experience-API-Version`, `Content-Type`,
/// `If-Match`, `If-None-Match`), the query parameters, and the body as `content`. The
/// request is rewritten into the one it stands for before anything else sees it.
pub async fn alternate(State(limit): State<usize>, request: Request, next: Next) -> Response {
    let query = request.uri().query().unwrap_or("").to_string();
    if request.method() != Method::POST
        || !form_urlencoded::parse(query.as_bytes()).any(|(k, _)| k == "method")
    {
        return next.run(request).await;
    }
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let method = match pairs.as_slice() {
        [(k, m)] if k == "method" => match m.as_str() {
            "GET" => Method::GET,
            "HEAD" => Method::HEAD,
            "PUT" => Method::PUT,
            "POST" => Method::POST,
            "DELETE" => Method::DELETE,
            other => {
                return LrsError::BadRequest(format!("method={other:?} is not an xAPI method"))
                    .into_response()
            }
        },
        _ => {
            return LrsError::BadRequest(
                "with the alternate request syntax, method is the only query parameter".into(),
            )
            .into_response()
        }
    };
    let form_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !form_type.split(';').next().is_some_and(|t| {
        t.trim()
            .eq_ignore_ascii_case("application/x-www-form-urlencoded")
    }) {
        return LrsError::BadRequest(
            "the alternate request syntax needs Content-Type: application/x-www-form-urlencoded"
                .into(),
        )
        .into_response();
    }
    let (mut parts, body) = request.into_parts();
    let Ok(form) = axum::body::to_bytes(body, limit).await else {
        return LrsError::TooLarge(limit).into_response();
    };
    parts.method = method;
    match rewrite(parts, &form) {
        // xAPI 2.0 dropped the alternate request syntax (IEEE 9274.1.1 has no such
        // section): a form that states 2.0 is refused, not run.
        Ok(request)
            if request
                .headers()
                .get("x-experience-api-version")
                .and_then(|v| v.to_str().ok())
                .and_then(stated)
                == Some(Spec::V2) =>
        {
            LrsError::BadRequest(
                "xAPI 2.0 has no alternate request syntax: send the request itself".into(),
            )
            .into_response()
        }
        Ok(request) => next.run(request).await,
        Err(e) => e.into_response(),
    }
}

/// The request a form of the alternate request syntax stands for (see [`alternate`]).
fn rewrite(mut parts: axum::http::request::Parts, form: &[u8]) -> Result<Request, LrsError> {
    const HEADERS: [&str; 5] = [
        "authorization",
        "x-experience-api-version",
        "content-type",
        "if-match",
        "if-none-match",
    ];
    let mut content = Vec::new();
    let mut params = form_urlencoded::Serializer::new(String::new());
    parts.headers.remove(header::CONTENT_TYPE);
    parts.headers.remove(header::CONTENT_LENGTH);
    for (k, v) in form_urlencoded::parse(form) {
        let lower = k.to_ascii_lowercase();
        if lower == "content" {
            content = v.as_bytes().to_vec();
        } else if HEADERS.contains(&lower.as_str()) {
            match (
                header::HeaderName::from_bytes(lower.as_bytes()),
                HeaderValue::from_str(&v),
            ) {
                (Ok(name), Ok(value)) => {
                    parts.headers.insert(name, value);
                }
                _ => {
                    return Err(LrsError::BadRequest(format!(
                        "form field {k} is not a valid header"
                    )))
                }
            }
        } else {
            params.append_pair(&k, &v);
        }
    }
    // A form without a Content-Type field carries JSON: it is what every resource but the
    // documents takes, and the spec's examples send it so (Communication 1.3).
    if !content.is_empty() && !parts.headers.contains_key(header::CONTENT_TYPE) {
        parts.headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
    }
    let params = params.finish();
    let uri = if params.is_empty() {
        parts.uri.path().to_string()
    } else {
        format!("{}?{params}", parts.uri.path())
    };
    parts.uri = uri
        .parse()
        .map_err(|_| LrsError::BadRequest("the form does not make a valid request".into()))?;
    Ok(Request::from_parts(parts, axum::body::Body::from(content)))
}
