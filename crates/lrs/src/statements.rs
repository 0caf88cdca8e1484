//! Storing and querying statements: what the LRS adds on the way in (id, `stored`,
//! `authority`, `version`, `timestamp`, context activities as arrays), the comparison that
//! decides between "same statement again" and a conflict, voiding, the query filters and
//! the three response formats.
//!
//! Everything here runs on a `rusqlite::Connection` inside a job of [`crate::db::Db`], so
//! a batch is stored or refused as a whole.

use crate::error::LrsError;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{Map, Value};

/// The verb whose statements void another statement.
pub const VOIDED: &str = "http://adlnet.gov/expapi/verbs/voided";

/// The key that identifies an Agent or identified Group: its inverse functional
/// identifier, typed so that an mbox and an openid with the same text never meet.
/// `None` for an anonymous Group or a value without an identifier.
pub fn agent_key(agent: &Value) -> Option<String> {
    if let Some(m) = agent.get("mbox").and_then(Value::as_str) {
        return Some(format!("mbox:{m}"));
    }
    if let Some(m) = agent.get("mbox_sha1sum").and_then(Value::as_str) {
        return Some(format!("sha1:{}", m.to_ascii_lowercase()));
    }
    if let Some(m) = agent.get("openid").and_then(Value::as_str) {
        return Some(format!("openid:{m}"));
    }
    let account = agent.get("account")?;
    let home = account.get("homePage").and_then(Value::as_str)?;
    let name = account.get("name").and_then(Value::as_str)?;
    Some(format!("account:{home}|{name}"))
}

/// Puts a statement in the form the LRS stores and returns: each single Activity in
/// `context.contextActivities` becomes an array of one (as the spec requires), and every
/// Agent, Group member and Activity gets its default `objectType` written out (as the
/// reference LRS does), in the statement and in a SubStatement object.
pub fn normalize(statement: &mut Value) {
    fn agent(a: &mut Value) {
        let Value::Object(map) = a else { return };
        map.entry("objectType")
            .or_insert_with(|| Value::String("Agent".into()));
        if let Some(Value::Array(members)) = map.get_mut("member") {
            members.iter_mut().for_each(agent);
        }
    }
    fn activity(a: &mut Value) {
        if let Value::Object(map) = a {
            map.entry("objectType")
                .or_insert_with(|| Value::String("Activity".into()));
        }
    }
    fn body(s: &mut Value, top: bool) {
        for key in ["actor", "authority"] {
            if let Some(a) = s.get_mut(key) {
                agent(a);
            }
        }
        if let Some(object) = s.get_mut("object") {
            match object.get("objectType").and_then(Value::as_str) {
                None | Some("Activity") => activity(object),
                Some("Agent" | "Group") => agent(object),
                Some("SubStatement") if top => body(object, false),
                _ => {}
            }
        }
        let Some(context) = s.get_mut("context") else {
            return;
        };
        for key in ["instructor", "team"] {
            if let Some(a) = context.get_mut(key) {
                agent(a);
            }
        }
        if let Some(Value::Object(ca)) = context.get_mut("contextActivities") {
            for value in ca.values_mut() {
                if value.is_object() {
                    *value = Value::Array(vec![value.take()]);
                }
                if let Value::Array(items) = value {
                    items.iter_mut().for_each(activity);
                }
            }
        }
    }
    body(statement, true);
}

/// Whether two statements with the same id are the same statement, by the spec's
/// comparison rules: `authority`, `stored`, `timestamp`, `version` and attachments do
/// not count, and single context activities equal arrays of one.
pub fn same_statement(a: &Value, b: &Value) -> bool {
    fn comparable(v: &Value) -> Value {
        let mut v = v.clone();
        normalize(&mut v);
        if let Value::Object(map) = &mut v {
            for key in ["authority", "stored", "timestamp", "version", "attachments"] {
                map.remove(key);
            }
        }
        // Durations compare to the hundredth of a second (Data 4.6).
        for pointer in ["/result/duration", "/object/result/duration"] {
            if let Some(d) = v.pointer_mut(pointer) {
                if let Some(text) = d.as_str() {
                    *d = Value::String(hundredths(text));
                }
            }
        }
        v
    }
    comparable(a) == comparable(b)
}

/// An ISO 8601 duration with its seconds cut to hundredths (`PT1.2391S` becomes
/// `PT1.23S`, `PT1S` becomes `PT1.00S`), so that two durations differing only beyond a
/// hundredth of a second compare equal, as xAPI Data 4.6 requires.
pub fn hundredths(duration: &str) -> String {
    let Some(body) = duration.strip_suffix('S') else {
        return duration.to_string();
    };
    let start = body
        .rfind(|c: char| !(c.is_ascii_digit() || c == '.'))
        .map_or(0, |i| i + 1);
    let (prefix, seconds) = body.split_at(start);
    let (whole, fraction) = seconds.split_once('.').unwrap_or((seconds, ""));
    let mut cut: String = fraction.chars().take(2).collect();
    while cut.len() < 2 {
        cut.push('0');
    }
    let whole = whole.trim_start_matches('0');
    format!(
        "{prefix}{}.{cut}S",
        if whole.is_empty() { "0" } else { whole }
    )
}

/// A validated statement made ready for storing, outside the writer: normalised, with the
/// LRS's `authority`, `version` and id filled in, serialised, and the rows the filters
/// use worked out. Only `stored` is left to the writer (it must not go backwards), and it
/// is kept in its own column and put back into the statement when it is read.
pub struct Prepared {
    /// The statement's id, lower case.
    pub id: String,
    verb: String,
    registration: Option<String>,
    voids: Option<String>,
    /// The id of the statement its object refers to (a StatementRef), for the filters.
    target: Option<String>,
    /// The statement as it will be read back, minus `stored` (and minus `timestamp` when
    /// the client gave none: it is `stored` then, put back on reading too).
    body: String,
    /// The same, for comparing with a stored statement of the same id.
    value: Value,
    agents: Vec<(String, bool)>,
    activities: Vec<(String, bool)>,
    definitions: Vec<(String, String)>,
    actor: Option<(String, String)>,
}

/// Prepares each statement of a validated batch with the `authority` of the credentials it
/// came with.
pub fn prepare(
    statements: Vec<Value>,
    authority: &Value,
    spec: pelita_xapi::Spec,
) -> Result<Vec<Prepared>, LrsError> {
    // A statement without `version` gets the version its request was made under.
    let default_version = match spec {
        pelita_xapi::Spec::V1 => "1.0.0",
        pelita_xapi::Spec::V2 => "2.0.0",
    };
    statements
        .into_iter()
        .map(|mut statement| {
            normalize(&mut statement);
            let Value::Object(map) = &mut statement else {
                return Err(LrsError::BadRequest(
                    "a statement must be a JSON object".into(),
                ));
            };
            let id = match map.get("id").and_then(Value::as_str) {
                Some(id) => id.to_ascii_lowercase(),
                None => uuid::Uuid::new_v4().to_string(),
            };
            map.insert("id".into(), Value::String(id.clone()));
            map.insert("authority".into(), authority.clone());
            map.entry("version")
                .or_insert_with(|| Value::String(default_version.into()));
            let verb = statement
                .pointer("/verb/id")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let registration = statement
                .pointer("/context/registration")
                .and_then(Value::as_str)
                .map(str::to_ascii_lowercase);
            let target = (statement
                .pointer("/object/objectType")
                .and_then(Value::as_str)
                == Some("StatementRef"))
            .then(|| {
                statement
                    .pointer("/object/id")
                    .and_then(Value::as_str)
                    .map(str::to_ascii_lowercase)
            })
            .flatten();
            let voids = if verb == VOIDED { target.clone() } else { None };
            let mut agents = Vec::new();
            let mut activities = Vec::new();
            let mut found = Vec::new();
            collect(&statement, true, &mut agents, &mut activities, &mut found);
            if let Some(authority) = statement.get("authority") {
                collect_agent(authority, false, &mut agents);
            }
            let definitions = found
                .iter()
                .filter_map(|a| {
                    Some((
                        a.get("id")?.as_str()?.to_string(),
                        a.get("definition")?.to_string(),
                    ))
                })
                .collect();
            let actor = statement
                .get("actor")
                .and_then(|a| Some((agent_key(a)?, a.to_string())));
            Ok(Prepared {
                body: statement.to_string(),
                value: statement,
                id,
                verb,
                registration,
                voids,
                target,
                agents,
                activities,
                definitions,
                actor,
            })
        })
        .collect()
}

/// A stored body as the client reads it: `stored` put back, and `timestamp` when the LRS
/// filled it in.
pub fn hydrate(body: &str, stored_ms: i64) -> Result<Value, LrsError> {
    let mut value: Value =
        serde_json::from_str(body).map_err(|e| LrsError::Storage(e.to_string()))?;
    if let Value::Object(map) = &mut value {
        let stored = Value::String(pelita_xapi::format_timestamp(stored_ms));
        map.entry("timestamp").or_insert_with(|| stored.clone());
        map.insert("stored".into(), stored);
    }
    Ok(value)
}

/// Stores a prepared batch as a whole; returns the ids in order. A statement whose id is
/// stored already is skipped when it is the same statement and refuses the whole batch
/// (409) when it is not.
pub fn insert(
    conn: &Connection,
    statements: Vec<Prepared>,
    now_ms: i64,
) -> Result<Vec<String>, LrsError> {
    let last: Option<i64> =
        conn.query_row("SELECT max(stored_ms) FROM statements", [], |r| r.get(0))?;
    // `stored` never goes backwards, so statement order and `stored` order agree even if
    // the clock is set back.
    let stored_ms = last.map_or(now_ms, |l| l.max(now_ms));
    let mut ids = Vec::with_capacity(statements.len());
    let mut find = conn.prepare_cached("SELECT body FROM statements WHERE id = ?1")?;
    let mut put = conn.prepare_cached(
        "INSERT INTO statements (id, stored_ms, verb, registration, voids, target, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    let mut put_agent = conn.prepare_cached(
        "INSERT INTO statement_agents (agent, seq, direct) VALUES (?1, ?2, ?3)
         ON CONFLICT (agent, seq) DO UPDATE SET direct = max(direct, excluded.direct)",
    )?;
    let mut put_activity = conn.prepare_cached(
        "INSERT INTO statement_activities (activity, seq, direct) VALUES (?1, ?2, ?3)
         ON CONFLICT (activity, seq) DO UPDATE SET direct = max(direct, excluded.direct)",
    )?;
    // The Activities resource returns the latest definition seen for each activity, with
    // the languages of earlier ones kept ([`merge_definition`]); an unchanged one is not
    // written again.
    // One lookup in the common case (the definition seen before, unchanged).
    let mut old_definition =
        conn.prepare_cached("SELECT definition FROM activities WHERE id = ?1")?;
    let mut new_definition =
        conn.prepare_cached("INSERT INTO activities (id, definition) VALUES (?1, ?2)")?;
    let mut set_definition =
        conn.prepare_cached("UPDATE activities SET definition = ?2 WHERE id = ?1")?;
    let mut put_actor = conn.prepare_cached(
        "INSERT INTO agents (agent, body) VALUES (?1, ?2)
         ON CONFLICT (agent) DO UPDATE SET body = excluded.body WHERE body != excluded.body",
    )?;
    for s in statements {
        if let Some(existing) = find
            .query_row([&s.id], |r| r.get::<_, String>(0))
            .optional()?
        {
            let existing: Value =
                serde_json::from_str(&existing).map_err(|e| LrsError::Storage(e.to_string()))?;
            if same_statement(&existing, &s.value) {
                ids.push(s.id);
                continue;
            }
            return Err(LrsError::Conflict(format!(
                "statement {} is already stored with different content; a statement id cannot be reused",
                s.id
            )));
        }
        put.execute(params![
            s.id,
            stored_ms,
            s.verb,
            s.registration,
            s.voids,
            s.target,
            s.body
        ])?;
        let seq = conn.last_insert_rowid();
        // The rows the filters use: `direct` = 1 for the actor and object (what `agent` and
        // `activity` match), 0 for the rest (what `related_agents` and `related_activities` add).
        for (key, direct) in &s.agents {
            put_agent.execute(params![key, seq, direct])?;
        }
        for (activity, direct) in &s.activities {
            put_activity.execute(params![activity, seq, direct])?;
        }
        for (activity, definition) in &s.definitions {
            let old: Option<String> = old_definition
                .query_row([activity], |r| r.get(0))
                .optional()?;
            match old {
                None => {
                    new_definition.execute(params![activity, definition])?;
                }
                Some(old) if &old != definition => {
                    let merged = merge_definition(&old, definition);
                    if merged != old {
                        set_definition.execute(params![activity, merged])?;
                    }
                }
                Some(_) => {}
            }
        }
        if let Some((key, body)) = &s.actor {
            put_actor.execute(params![key, body])?;
        }
        match &s.voids {
            // A voiding statement voids its target, unless the target is itself voiding.
            Some(target) => {
                conn.prepare_cached(
                    "UPDATE statements SET voided = 1 WHERE id = ?1 AND voids IS NULL",
                )?
                .execute([target])?;
            }
            // A statement that arrives after the statement voiding it is voided at once.
            None => {
                conn.prepare_cached(
                    "UPDATE statements SET voided = 1 WHERE seq = ?1 AND EXISTS (SELECT 1 FROM statements WHERE voids = ?2)",
                )?
                .execute(params![seq, s.id])?;
            }
        }
        ids.push(s.id);
    }
    Ok(ids)
}

/// The definition the Activities resource keeps when a statement brings a new one for a
/// known activity: the new one, with the entries of the old one's language maps (`name`,
/// `description`) that the new one lacks added back, so that two statements describing
/// an activity in two languages give it both (Communication 2.5: the Activity Object
/// holds all available information from the statements naming it).
pub fn merge_definition(old: &str, new: &str) -> String {
    let (Ok(Value::Object(old)), Ok(Value::Object(mut new))) = (
        serde_json::from_str::<Value>(old),
        serde_json::from_str::<Value>(new),
    ) else {
        return new.to_string();
    };
    for key in ["name", "description"] {
        let Some(Value::Object(earlier)) = old.get(key) else {
            continue;
        };
        match new.get_mut(key) {
            Some(Value::Object(later)) => {
                for (lang, text) in earlier {
                    later.entry(lang.clone()).or_insert_with(|| text.clone());
                }
            }
            Some(_) => {}
            None => {
                new.insert(key.into(), Value::Object(earlier.clone()));
            }
        }
    }
    Value::Object(new).to_string()
}

fn collect_agent(agent: &Value, direct: bool, out: &mut Vec<(String, bool)>) {
    if let Some(key) = agent_key(agent) {
        out.push((key, direct));
    }
    if let Some(Value::Array(members)) = agent.get("member") {
        for m in members {
            if let Some(key) = agent_key(m) {
                out.push((key, false));
            }
        }
    }
}

fn collect<'a>(
    statement: &'a Value,
    top: bool,
    agents: &mut Vec<(String, bool)>,
    activities: &mut Vec<(String, bool)>,
    definitions: &mut Vec<&'a Value>,
) {
    if let Some(actor) = statement.get("actor") {
        collect_agent(actor, top, agents);
    }
    if let Some(object) = statement.get("object") {
        match object
            .get("objectType")
            .and_then(Value::as_str)
            .unwrap_or("Activity")
        {
            "Activity" => {
                if let Some(id) = object.get("id").and_then(Value::as_str) {
                    activities.push((id.to_string(), top));
                    definitions.push(object);
                }
            }
            "Agent" | "Group" => collect_agent(object, top, agents),
            "SubStatement" => collect(object, false, agents, activities, definitions),
            _ => {}
        }
    }
    if let Some(context) = statement.get("context") {
        for key in ["instructor", "team"] {
            if let Some(a) = context.get(key) {
                collect_agent(a, false, agents);
            }
        }
        if let Some(Value::Object(ca)) = context.get("contextActivities") {
            for list in ca.values() {
                for activity in list.as_array().into_iter().flatten() {
                    if let Some(id) = activity.get("id").and_then(Value::as_str) {
                        activities.push((id.to_string(), false));
                        definitions.push(activity);
                    }
                }
            }
        }
    }
}

/// One stored statement as read back.
pub struct Stored {
    /// The statement with everything the LRS added.
    pub body: Value,
    /// Whether a voiding statement voids it.
    pub voided: bool,
    /// When it was stored, in milliseconds since the epoch.
    pub stored_ms: i64,
}

/// Reads one statement by id, voided or not.
pub fn get(conn: &Connection, id: &str) -> Result<Option<Stored>, LrsError> {
    let row = conn
        .prepare_cached("SELECT body, voided, stored_ms FROM statements WHERE id = ?1")?
        .query_row([id.to_ascii_lowercase()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, bool>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })
        .optional()?;
    row.map(|(body, voided, stored_ms)| {
        let body = hydrate(&body, stored_ms)?;
        Ok(Stored {
            body,
            voided,
            stored_ms,
        })
    })
    .transpose()
}

/// The filters of GET /statements, parsed and checked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    /// The agent key ([`agent_key`]) of the `agent` parameter.
    pub agent: Option<String>,
    /// The `verb` IRI.
    pub verb: Option<String>,
    /// The `activity` IRI.
    pub activity: Option<String>,
    /// The `registration` UUID.
    pub registration: Option<String>,
    /// Match agents anywhere in the statement, not only actor and object.
    pub related_agents: bool,
    /// Match activities anywhere in the statement, not only the object.
    pub related_activities: bool,
    /// Only statements stored after this time (ms).
    pub since_ms: Option<i64>,
    /// Only statements stored at or before this time (ms).
    pub until_ms: Option<i64>,
    /// Oldest first instead of newest first.
    pub ascending: bool,
}

/// Runs a filtered query: at most `limit` statements after `cursor` (a `seq` from a
/// previous page) as stored bodies with their `stored` time in ms, and the cursor of the
/// next page if there is one.
pub fn query_raw(
    conn: &Connection,
    filter: &Filter,
    limit: usize,
    cursor: Option<i64>,
) -> Result<(Vec<StoredBody>, Option<i64>), LrsError> {
    let mut low: Option<i64> = None; // seq >= low
    let mut high: Option<i64> = None; // seq <= high
    if let Some(since) = filter.since_ms {
        let first: Option<i64> = conn.query_row(
            // `seq` order is `stored` order (see the schema), so the first entry of the
            // `stored` index past the bound is the lowest `seq`: one index seek, where
            // `min(seq)` over the range read every entry of it.
            "SELECT seq FROM statements INDEXED BY statements_stored WHERE stored_ms > ?1 ORDER BY stored_ms, seq LIMIT 1",
            [since],
            |r| r.get(0),
        ).optional()?;
        match first {
            Some(s) => low = Some(s),
            None => return Ok((Vec::new(), None)),
        }
    }
    if let Some(until) = filter.until_ms {
        let last: Option<i64> = conn.query_row(
            "SELECT seq FROM statements INDEXED BY statements_stored WHERE stored_ms <= ?1 ORDER BY stored_ms DESC, seq DESC LIMIT 1",
            [until],
            |r| r.get(0),
        ).optional()?;
        match last {
            Some(s) => high = Some(s),
            None => return Ok((Vec::new(), None)),
        }
    }
    if let Some(c) = cursor {
        if filter.ascending {
            low = Some(low.map_or(c.saturating_add(1), |l| l.max(c.saturating_add(1))));
        } else {
            high = Some(high.map_or(c.saturating_sub(1), |h| h.min(c.saturating_sub(1))));
        }
    }
    let fetch = i64::try_from(limit).unwrap_or(i64::MAX).saturating_add(1);
    let (sql, args) = select_sql(filter, low, high, fetch);
    let order = if filter.ascending { "ASC" } else { "DESC" };
    let mut rows = Vec::new();
    let mut stmt = conn.prepare_cached(&sql)?;
    for row in stmt.query_map(rusqlite::params_from_iter(args), row_of)? {
        rows.push(row?);
    }
    // A full page of direct matches bounds where a referring statement can still make it
    // into the page: beyond the last of them it would come after `limit` others. That keeps
    // the StatementRef search to the page's own stretch of statements in the common case.
    let (mut ref_low, mut ref_high) = (low, high);
    if rows.len() as i64 == fetch {
        if let Some(&(edge, _, _)) = rows.last() {
            if filter.ascending {
                ref_high = Some(ref_high.map_or(edge, |h| h.min(edge)));
            } else {
                ref_low = Some(ref_low.map_or(edge, |l| l.max(edge)));
            }
        }
    }
    rows.extend(referring(conn, filter, ref_low, ref_high, order, fetch)?);
    // Both lists are in order; merged, the first `limit` make the page.
    rows.sort_by_key(|(seq, _, _)| *seq);
    rows.dedup_by_key(|(seq, _, _)| *seq);
    if !filter.ascending {
        rows.reverse();
    }
    let next = if rows.len() > limit {
        rows.get(limit.wrapping_sub(1)).map(|r| r.0)
    } else {
        None
    };
    rows.truncate(limit);
    Ok((rows.into_iter().map(|(_, b, s)| (b, s)).collect(), next))
}

/// The SQL (and its arguments) of [`query_raw`]'s direct matches: at most `fetch`
/// statements of `filter` with `seq` in `low..=high`, in `seq` order.
fn select_sql(
    filter: &Filter,
    low: Option<i64>,
    high: Option<i64>,
    fetch: i64,
) -> (String, Vec<rusqlite::types::Value>) {
    let mut sql = String::new();
    let mut args: Vec<rusqlite::types::Value> = Vec::new();
    let mut arg = |v: rusqlite::types::Value| {
        args.push(v);
        format!("?{}", args.len())
    };
    // The most selective index drives the scan, in `seq` order, so a page needs no sort:
    // an agent (a learner has few statements), else a registration (an attempt has a few
    // dozen), else an activity, else the statements table. A registration must drive
    // rather than filter: with the module's activity driving, finding one attempt's
    // statements read every statement of the module stored before them (seconds, at
    // millions of statements, for each attempt `pelita stats update` reads again).
    let (driver, seq_col) = if let Some(agent) = &filter.agent {
        let p = arg(agent.clone().into());
        let d = arg(i64::from(!filter.related_agents).into());
        sql.push_str(&format!(
            "SELECT s.seq, s.body, s.stored_ms FROM statement_agents d CROSS JOIN statements s ON s.seq = d.seq WHERE d.agent = {p} AND d.direct >= {d}"
        ));
        ("agent", "d.seq")
    } else if let Some(registration) = &filter.registration {
        let p = arg(registration.to_ascii_lowercase().into());
        sql.push_str(&format!(
            "SELECT s.seq, s.body, s.stored_ms FROM statements s INDEXED BY statements_registration WHERE s.registration = {p}"
        ));
        ("registration", "s.seq")
    } else if let Some(activity) = &filter.activity {
        let p = arg(activity.clone().into());
        let d = arg(i64::from(!filter.related_activities).into());
        sql.push_str(&format!(
            "SELECT s.seq, s.body, s.stored_ms FROM statement_activities d CROSS JOIN statements s ON s.seq = d.seq WHERE d.activity = {p} AND d.direct >= {d}"
        ));
        ("activity", "d.seq")
    } else {
        sql.push_str("SELECT s.seq, s.body, s.stored_ms FROM statements s WHERE 1");
        ("statements", "s.seq")
    };
    sql.push_str(" AND s.voided = 0");
    if let (Some(activity), "agent" | "registration") = (&filter.activity, driver) {
        let p = arg(activity.clone().into());
        let d = arg(i64::from(!filter.related_activities).into());
        sql.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM statement_activities a WHERE a.activity = {p} AND a.seq = s.seq AND a.direct >= {d})"
        ));
    }
    if let Some(verb) = &filter.verb {
        let p = arg(verb.clone().into());
        sql.push_str(&format!(" AND s.verb = {p}"));
    }
    if let (Some(registration), "agent") = (&filter.registration, driver) {
        let p = arg(registration.to_ascii_lowercase().into());
        sql.push_str(&format!(" AND s.registration = {p}"));
    }
    if let Some(l) = low {
        let p = arg(l.into());
        sql.push_str(&format!(" AND {seq_col} >= {p}"));
    }
    if let Some(h) = high {
        let p = arg(h.into());
        sql.push_str(&format!(" AND {seq_col} <= {p}"));
    }
    let order = if filter.ascending { "ASC" } else { "DESC" };
    let p = arg(fetch.into());
    sql.push_str(&format!(" ORDER BY {seq_col} {order} LIMIT {p}"));
    (sql, args)
}

/// [`query_raw`] with each statement parsed and `stored` put back ([`hydrate`]).
pub fn query(
    conn: &Connection,
    filter: &Filter,
    limit: usize,
    cursor: Option<i64>,
) -> Result<(Vec<Value>, Option<i64>), LrsError> {
    let (rows, next) = query_raw(conn, filter, limit, cursor)?;
    let statements = rows
        .iter()
        .map(|(body, stored_ms)| hydrate(body, *stored_ms))
        .collect::<Result<_, _>>()?;
    Ok((statements, next))
}

/// A stored statement's body (JSON text without `stored`) and its `stored` time in ms.
pub type StoredBody = (String, i64);

/// The top-level keys of a stored body that [`hydrate`] adds when they are missing.
#[derive(serde::Deserialize)]
struct Added {
    timestamp: Option<serde::de::IgnoredAny>,
    stored: Option<serde::de::IgnoredAny>,
}

/// Appends a stored body to `out` as [`hydrate`] would give it, without building a
/// `Value`: `stored` (and `timestamp` when the statement had none) spliced in as the
/// first keys of the object. The statement is the same JSON as `hydrate`'s; only its key
/// order differs, which JSON leaves free. Building and dropping a `Value` tree per
/// statement was most of the cost of a page in the `exact` format.
pub fn append_exact(out: &mut String, body: &str, stored_ms: i64) -> Result<(), LrsError> {
    let added: Added = serde_json::from_str(body).map_err(|e| LrsError::Storage(e.to_string()))?;
    let rest = body
        .trim_start()
        .strip_prefix('{')
        .ok_or_else(|| LrsError::Storage("a stored statement is not a JSON object".into()))?;
    if added.stored.is_some() {
        // Not written by this LRS; the slow path replaces the key.
        let value = hydrate(body, stored_ms)?;
        out.push_str(&value.to_string());
        return Ok(());
    }
    let stamp = pelita_xapi::format_timestamp(stored_ms);
    out.push_str("{\"stored\":\"");
    out.push_str(&stamp);
    out.push('"');
    if added.timestamp.is_none() {
        out.push_str(",\"timestamp\":\"");
        out.push_str(&stamp);
        out.push('"');
    }
    if !rest.trim_start().starts_with('}') {
        out.push(',');
    }
    out.push_str(rest);
    Ok(())
}

/// A row of a statement query: `seq`, body, `stored` in ms.
type Row = (i64, String, i64);

fn row_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
}

/// The statements (within the `seq` bounds, not voided) that refer by StatementRef to a
/// statement matching the filter, directly or through a chain of StatementRefs: the spec
/// counts them as matching the agent, verb, activity and registration filters. The time
/// and page bounds apply to the referring statement, not to the one it refers to.
fn referring(
    conn: &Connection,
    filter: &Filter,
    low: Option<i64>,
    high: Option<i64>,
    order: &str,
    fetch: i64,
) -> Result<Vec<Row>, LrsError> {
    if filter.agent.is_none()
        && filter.verb.is_none()
        && filter.activity.is_none()
        && filter.registration.is_none()
    {
        return Ok(Vec::new());
    }
    let mut args: Vec<rusqlite::types::Value> = Vec::new();
    let mut arg = |v: rusqlite::types::Value| {
        args.push(v);
        format!("?{}", args.len())
    };
    let mut bounds = String::new();
    if let Some(l) = low {
        bounds.push_str(&format!(" AND r.seq >= {}", arg(l.into())));
    }
    if let Some(h) = high {
        bounds.push_str(&format!(" AND r.seq <= {}", arg(h.into())));
    }
    let mut matches = String::new();
    if let Some(agent) = &filter.agent {
        let (p, d) = (
            arg(agent.clone().into()),
            arg(i64::from(!filter.related_agents).into()),
        );
        matches.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM statement_agents a WHERE a.agent = {p} AND a.seq = t.seq AND a.direct >= {d})"
        ));
    }
    if let Some(activity) = &filter.activity {
        let (p, d) = (
            arg(activity.clone().into()),
            arg(i64::from(!filter.related_activities).into()),
        );
        matches.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM statement_activities a WHERE a.activity = {p} AND a.seq = t.seq AND a.direct >= {d})"
        ));
    }
    if let Some(verb) = &filter.verb {
        matches.push_str(&format!(" AND t.verb = {}", arg(verb.clone().into())));
    }
    if let Some(registration) = &filter.registration {
        matches.push_str(&format!(
            " AND t.registration = {}",
            arg(registration.to_ascii_lowercase().into())
        ));
    }
    let limit = arg(fetch.into());
    // The referring statements are few (voiding statements, mostly) and found through the
    // partial index on `target`, named so that a `seq` bound cannot tempt the planner into
    // a scan of the table; CROSS JOIN keeps the chain as the outer loop (otherwise a common
    // verb could drive the join). UNION (not UNION ALL) ends the recursion even if
    // references form a cycle.
    let sql = format!(
        "WITH RECURSIVE chain(origin, target) AS (
           SELECT r.seq, r.target FROM statements r INDEXED BY statements_target
             WHERE r.target IS NOT NULL AND r.voided = 0{bounds}
           UNION
           SELECT c.origin, t.target FROM chain c CROSS JOIN statements t ON t.id = c.target WHERE t.target IS NOT NULL
         )
         SELECT DISTINCT s.seq, s.body, s.stored_ms FROM chain c
           CROSS JOIN statements t ON t.id = c.target
           CROSS JOIN statements s ON s.seq = c.origin
         WHERE 1{matches} ORDER BY s.seq {order} LIMIT {limit}"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(args), row_of)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A JSON object's members as borrowed raw text, in key order (the last of duplicate
/// keys wins, as in a `Value`). Keys with escapes do not borrow and fail the parse.
type RawObject<'a> = std::collections::BTreeMap<&'a str, &'a serde_json::value::RawValue>;

fn push_member(out: &mut String, first: &mut bool, key: &str, raw: &str) {
    if !std::mem::take(first) {
        out.push(',');
    }
    out.push('"');
    out.push_str(key);
    out.push_str("\":");
    out.push_str(raw);
}

/// Writes the members of `object` named in `keep` as an object.
fn push_kept(out: &mut String, object: &RawObject<'_>, keep: &[&str]) {
    out.push('{');
    let mut first = true;
    for (k, v) in object {
        if keep.contains(k) {
            push_member(out, &mut first, k, v.get());
        }
    }
    out.push('}');
}

/// Appends a stored body to `out` as [`hydrate`] then [`format`] with [`Format::Ids`]
/// would give it, copying the raw text of every member the format leaves alone. It
/// covers the common shapes (an activity object, agents that are not groups, no
/// instructor or team); anything else goes through the `Value` path, so the result is
/// always the same statement.
pub fn append_ids(out: &mut String, body: &str, stored_ms: i64) -> Result<(), LrsError> {
    let start = out.len();
    if ids_fast(out, body, stored_ms).is_none() {
        out.truncate(start);
        let mut value = hydrate(body, stored_ms)?;
        ids(&mut value);
        out.push_str(&value.to_string());
    }
    Ok(())
}

fn ids_fast(out: &mut String, body: &str, stored_ms: i64) -> Option<()> {
    const AGENT: &[&str] = &["objectType", "mbox", "mbox_sha1sum", "openid", "account"];
    const ACTIVITY: &[&str] = &["objectType", "id"];
    let top: RawObject<'_> = serde_json::from_str(body).ok()?;
    let stamp = pelita_xapi::format_timestamp(stored_ms);
    let quoted = format!("\"{stamp}\"");
    out.push('{');
    let mut first = true;
    push_member(out, &mut first, "stored", &quoted);
    if !top.contains_key("timestamp") {
        push_member(out, &mut first, "timestamp", &quoted);
    }
    for (&key, raw) in &top {
        match key {
            "stored" => {}
            "actor" | "authority" => {
                let agent: RawObject<'_> = serde_json::from_str(raw.get()).ok()?;
                if agent.get("objectType").map(|t| t.get()) == Some("\"Group\"") {
                    return None;
                }
                push_member(out, &mut first, key, "");
                push_kept(out, &agent, AGENT);
            }
            "verb" => {
                let verb: RawObject<'_> = serde_json::from_str(raw.get()).ok()?;
                push_member(out, &mut first, key, "");
                push_kept(out, &verb, &["id"]);
            }
            "object" => {
                let object: RawObject<'_> = serde_json::from_str(raw.get()).ok()?;
                match object.get("objectType").map(|t| t.get()) {
                    None | Some("\"Activity\"") => {
                        push_member(out, &mut first, key, "");
                        push_kept(out, &object, ACTIVITY);
                    }
                    Some("\"StatementRef\"") => push_member(out, &mut first, key, raw.get()),
                    _ => return None,
                }
            }
            "context" => {
                let context: RawObject<'_> = serde_json::from_str(raw.get()).ok()?;
                if context.contains_key("instructor") || context.contains_key("team") {
                    return None;
                }
                push_member(out, &mut first, key, "");
                out.push('{');
                let mut first_in = true;
                for (&k, v) in &context {
                    if k != "contextActivities" {
                        push_member(out, &mut first_in, k, v.get());
                        continue;
                    }
                    let lists: RawObject<'_> = serde_json::from_str(v.get()).ok()?;
                    push_member(out, &mut first_in, k, "");
                    out.push('{');
                    let mut first_list = true;
                    for (&name, list) in &lists {
                        let items: Vec<RawObject<'_>> = serde_json::from_str(list.get()).ok()?;
                        push_member(out, &mut first_list, name, "[");
                        for (i, item) in items.iter().enumerate() {
                            if i > 0 {
                                out.push(',');
                            }
                            push_kept(out, item, ACTIVITY);
                        }
                        out.push(']');
                    }
                    out.push('}');
                }
                out.push('}');
            }
            _ => push_member(out, &mut first, key, raw.get()),
        }
    }
    out.push('}');
    Some(())
}

/// The requested response format of GET /statements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// As stored.
    #[default]
    Exact,
    /// Agents, activities and verbs reduced to their identifiers.
    Ids,
    /// Language maps reduced to the one language the client prefers.
    Canonical,
}

/// Rewrites a stored statement into the requested format. `languages` are the client's
/// preferred tags (from `Accept-Language`), best first.
pub fn format(statement: &mut Value, format: Format, languages: &[String]) {
    match format {
        Format::Exact => {}
        Format::Ids => ids(statement),
        Format::Canonical => canonical(statement, languages),
    }
}

fn ids(statement: &mut Value) {
    fn agent(a: &mut Value) {
        let Value::Object(map) = a else { return };
        let is_group = map.get("objectType").and_then(Value::as_str) == Some("Group");
        let anonymous = agent_key(&Value::Object(map.clone())).is_none();
        map.retain(|k, _| {
            matches!(
                k.as_str(),
                "objectType" | "mbox" | "mbox_sha1sum" | "openid" | "account"
            ) || (k == "member" && is_group && anonymous)
        });
        if let Some(Value::Array(members)) = map.get_mut("member") {
            members.iter_mut().for_each(agent);
        }
    }
    fn activity(a: &mut Value) {
        if let Value::Object(map) = a {
            map.retain(|k, _| k == "objectType" || k == "id");
        }
    }
    fn object(o: &mut Value, sub: bool) {
        match o
            .get("objectType")
            .and_then(Value::as_str)
            .unwrap_or("Activity")
        {
            // A SubStatement's Activity is its id alone, as ADL's suite checks (XAPI-00171):
            // within a SubStatement the object's type is already implied.
            "Activity" if sub => {
                if let Value::Object(map) = o {
                    map.retain(|k, _| k == "id");
                }
            }
            "Activity" => activity(o),
            "Agent" | "Group" => agent(o),
            "SubStatement" if !sub => body(o, true),
            _ => {}
        }
    }
    fn body(s: &mut Value, sub: bool) {
        for key in ["actor", "authority"] {
            if let Some(a) = s.get_mut(key) {
                agent(a);
            }
        }
        if let Some(Value::Object(verb)) = s.get_mut("verb") {
            verb.retain(|k, _| k == "id");
        }
        if let Some(o) = s.get_mut("object") {
            object(o, sub);
        }
        if let Some(context) = s.get_mut("context") {
            for key in ["instructor", "team"] {
                if let Some(a) = context.get_mut(key) {
                    agent(a);
                }
            }
            if let Some(Value::Object(ca)) = context.get_mut("contextActivities") {
                for list in ca.values_mut() {
                    if let Value::Array(items) = list {
                        items.iter_mut().for_each(activity);
                    }
                }
            }
        }
    }
    body(statement, false);
}

/// Reduces every language map (verb display, activity names and descriptions, component
/// descriptions, attachment displays) to one entry: the first preferred language present,
/// else `en`, else whatever comes first.
fn canonical(statement: &mut Value, languages: &[String]) {
    fn reduce(map: &mut Map<String, Value>, languages: &[String]) {
        if map.len() <= 1 {
            return;
        }
        let pick = languages
            .iter()
            .find_map(|want| {
                map.keys()
                    .find(|k| k.eq_ignore_ascii_case(want))
                    .cloned()
                    .or_else(|| {
                        map.keys()
                            .find(|k| {
                                k.split('-').next().is_some_and(|p| {
                                    p.eq_ignore_ascii_case(want.split('-').next().unwrap_or(""))
                                })
                            })
                            .cloned()
                    })
            })
            .or_else(|| map.keys().find(|k| k.as_str() == "en").cloned())
            .or_else(|| map.keys().next().cloned());
        if let Some(keep) = pick {
            map.retain(|k, _| *k == keep);
        }
    }
    fn walk(v: &mut Value, key: Option<&str>, languages: &[String]) {
        match v {
            Value::Object(map) => {
                if matches!(key, Some("display" | "name" | "description"))
                    && map.values().all(Value::is_string)
                {
                    reduce(map, languages);
                    return;
                }
                for (k, child) in map.iter_mut() {
                    if k == "extensions" {
                        continue;
                    }
                    walk(child, Some(k.as_str()), languages);
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|i| walk(i, None, languages)),
            _ => {}
        }
    }
    walk(statement, None, languages);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One attempt's statements of a module are found through the registration's index,
    /// not by reading the module's statements: the work (SQLite's virtual machine steps,
    /// not time) is the same whether the module has a hundred other statements or ten
    /// thousand. With the module driving, `pelita stats update` spent seconds on each
    /// attempt it read again in an LRS of 10 million statements.
    #[test]
    fn a_registration_drives_the_query_not_the_module() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(crate::db::SCHEMA).unwrap();
        let authority =
            serde_json::json!({"objectType": "Agent", "mbox": "mailto:lrs@example.org"});
        let module = "https://example.org/modules/m";
        let uuid = |n: u64| format!("{n:08x}-0000-4000-8000-{n:012x}");
        let attempt = uuid(1_000_000);
        let mut next = 0u64;
        let mut store = |registration: &str, count: usize| {
            let list = (0..count)
                .map(|_| {
                    next += 1;
                    serde_json::json!({
                        "id": uuid(next),
                        "actor": {"mbox": "mailto:a@example.org"},
                        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
                        "object": {"id": format!("{module}/question/q1")},
                        "context": {
                            "registration": registration,
                            "contextActivities": {"parent": [{"id": module}]}
                        }
                    })
                })
                .collect();
            let prepared = prepare(list, &authority, pelita_xapi::Spec::V1).unwrap();
            insert(&conn, prepared, 1_780_000_000_000).unwrap();
        };
        store(&uuid(2_000_000), 100);
        store(&attempt, 5);
        let filter = Filter {
            registration: Some(attempt.clone()),
            activity: Some(module.into()),
            related_activities: true,
            ascending: true,
            ..Filter::default()
        };
        let work = |conn: &Connection| {
            let (sql, args) = select_sql(&filter, None, None, 101);
            let mut stmt = conn.prepare(&sql).unwrap();
            let found = stmt
                .query_map(rusqlite::params_from_iter(args), |_| Ok(()))
                .unwrap()
                .count();
            (found, stmt.get_status(rusqlite::StatementStatus::VmStep))
        };
        let (found, small) = work(&conn);
        assert_eq!(found, 5);
        store(&uuid(3_000_000), 10_000);
        let (found, large) = work(&conn);
        assert_eq!(found, 5);
        assert!(
            large < small * 2,
            "steps grew with the module's other statements: {small} then {large}"
        );
        // And the page is the attempt's statements, in order.
        let (rows, more) = query_raw(&conn, &filter, 100, None).unwrap();
        assert_eq!(rows.len(), 5);
        assert!(more.is_none());
        let ids: Vec<String> = rows
            .iter()
            .map(|(body, _)| {
                serde_json::from_str::<Value>(body).unwrap()["id"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        assert_eq!(ids, (101..=105).map(uuid).collect::<Vec<_>>());
    }

    /// The spliced text is the same statement as the parsed one, whatever keys it has.
    #[test]
    fn exact_text_is_the_hydrated_statement() {
        let at = 1_780_000_000_123;
        for body in [
            r#"{"id":"a","timestamp":"2026-01-01T00:00:00.000Z","verb":{"id":"v"}}"#,
            r#"{"id":"a","verb":{"id":"v","display":{"en":"say \"hi\""}}}"#,
            r#"{"id":"a","stored":"2020-01-01T00:00:00.000Z"}"#,
            "{}",
            " { } ",
        ] {
            let mut out = String::new();
            append_exact(&mut out, body, at).unwrap();
            let spliced: Value = serde_json::from_str(&out).unwrap();
            assert_eq!(spliced, hydrate(body, at).unwrap(), "{body}");
        }
        assert!(append_exact(&mut String::new(), "[1]", at).is_err());
    }

    /// The `ids` text written from the raw members is the statement `format` gives.
    #[test]
    fn durations_compare_to_the_hundredth() {
        assert_eq!(hundredths("PT1.2391S"), "PT1.23S");
        assert_eq!(hundredths("PT1S"), "PT1.00S");
        assert_eq!(hundredths("P1DT2H3M04.5S"), "P1DT2H3M4.50S");
        assert_eq!(hundredths("PT0.001S"), "PT0.00S");
        assert_eq!(hundredths("PT2H"), "PT2H");
        let a = serde_json::json!({"id": "x", "result": {"duration": "PT1.2391S"}});
        let b = serde_json::json!({"id": "x", "result": {"duration": "PT1.23S"}});
        let c = serde_json::json!({"id": "x", "result": {"duration": "PT1.24S"}});
        assert!(same_statement(&a, &b));
        assert!(!same_statement(&a, &c));
    }

    #[test]
    fn ids_text_is_the_formatted_statement() {
        let at = 1_780_000_000_123;
        let activity = r#"{"objectType":"Activity","id":"https://e.org/m/q","definition":{"name":{"en":"Q \"1\""},"type":"t"}}"#;
        let context = r#"{"registration":"r","contextActivities":{"category":[{"id":"https://e.org/c","definition":{"type":"k"}}],"grouping":[{"id":"https://e.org/m","objectType":"Activity"}]},"extensions":{"https://e.org/x":{"definition":1}}}"#;
        let bodies = [
            format!(r#"{{"id":"a","actor":{{"objectType":"Agent","name":"N","mbox":"mailto:a@e.org"}},"verb":{{"id":"v","display":{{"en":"did"}}}},"object":{activity},"context":{context},"result":{{"response":"a[,]b","success":true}},"timestamp":"2026-01-01T00:00:00.000Z","authority":{{"account":{{"homePage":"h","name":"n"}},"name":"A","objectType":"Agent"}},"version":"1.0.0"}}"#),
            r#"{"id":"b","actor":{"mbox":"mailto:a@e.org"},"verb":{"id":"v"},"object":{"id":"x"},"stored":"1999-01-01T00:00:00Z"}"#.to_string(),
            r#"{"id":"c","actor":{"mbox":"mailto:a@e.org"},"verb":{"id":"http://adlnet.gov/expapi/verbs/voided"},"object":{"objectType":"StatementRef","id":"d"}}"#.to_string(),
            // The `Value` path: a group, an agent as object, a sub-statement, a team,
            // an escaped key, context activities that are not lists.
            r#"{"id":"e","actor":{"objectType":"Group","name":"G","member":[{"mbox":"mailto:m@e.org","name":"M"}]},"verb":{"id":"v"},"object":{"id":"x"}}"#.to_string(),
            r#"{"id":"f","actor":{"mbox":"mailto:a@e.org"},"verb":{"id":"v"},"object":{"objectType":"Agent","mbox":"mailto:b@e.org","name":"B"}}"#.to_string(),
            format!(r#"{{"id":"g","actor":{{"mbox":"mailto:a@e.org"}},"verb":{{"id":"v"}},"object":{{"objectType":"SubStatement","actor":{{"mbox":"mailto:a@e.org","name":"A"}},"verb":{{"id":"v","display":{{"en":"x"}}}},"object":{activity}}}}}"#),
            r#"{"id":"h","actor":{"mbox":"mailto:a@e.org"},"verb":{"id":"v"},"object":{"id":"x"},"context":{"team":{"objectType":"Group","name":"T","member":[]}}}"#.to_string(),
            r#"{"id":"i","actor":{"mbox":"mailto:a@e.org","n\u0061me":"A"},"verb":{"id":"v"},"object":{"id":"x"}}"#.to_string(),
            r#"{"id":"j","actor":{"mbox":"mailto:a@e.org"},"verb":{"id":"v"},"object":{"id":"x"},"context":{"contextActivities":{"parent":{"id":"p","definition":{}}}}}"#.to_string(),
        ];
        for body in &bodies {
            let mut out = String::new();
            append_ids(&mut out, body, at).unwrap();
            let written: Value = serde_json::from_str(&out).unwrap();
            let mut expected = hydrate(body, at).unwrap();
            format(&mut expected, Format::Ids, &[]);
            assert_eq!(written, expected, "{body}");
        }
        let mut out = String::new();
        assert!(
            ids_fast(&mut out, &bodies[0], at).is_some(),
            "the common shape is the fast one"
        );
        assert!(!out.contains("definition\":{\"name"), "{out}");
    }
}
