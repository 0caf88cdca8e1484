//! Strict validation of xAPI 1.0.3 statements, as the spec's Data part states the rules,
//! and of xAPI 2.0 statements (IEEE 9274.1.1) where that version adds to them ([`Spec`]).
//!
//! The checks work on `serde_json::Value`, not on the typed [`crate::Statement`], because
//! they must judge any statement any client sends (the embedded LRS), not only the ones
//! Pelita makes, and because a typed parse would stop at the first problem and lose the
//! path. Every problem names the JSON path of the property it is about (`$.result.score`),
//! and validation never stops at the first one. The module has no dependency beyond
//! `serde_json`, so it compiles into the player as well.

use serde_json::{Map, Value};
use std::collections::HashSet;
use std::fmt;

/// The verb of a statement that voids another.
const VOIDED: &str = "http://adlnet.gov/expapi/verbs/voided";

/// One way a statement breaks the xAPI 1.0.3 rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The JSON path of the property, such as `$.actor.mbox` or `$[2].verb.id` in a batch.
    pub path: String,
    /// What is wrong with it, as a sentence fragment.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Every problem of one statement, in document order (empty when it is valid).
pub fn statement_problems(statement: &Value) -> Vec<Problem> {
    let mut v = Validator::default();
    v.statement(statement, "$", false);
    v.problems
}

/// Every problem of a POST body: one statement or an array of them. In an array the paths
/// start with the statement's index (`$[3].actor`), and two statements with the same `id`
/// are a problem, because a batch must not contain duplicate ids.
pub fn batch_problems(body: &Value) -> Vec<Problem> {
    batch_problems_for(body, Spec::V1)
}

/// [`batch_problems`] by the rules of the given version of the standard.
pub fn batch_problems_for(body: &Value, spec: Spec) -> Vec<Problem> {
    let mut v = Validator {
        problems: Vec::new(),
        spec,
    };
    match body {
        Value::Array(items) => {
            let mut seen = HashSet::new();
            for (i, item) in items.iter().enumerate() {
                let path = format!("$[{i}]");
                v.statement(item, &path, false);
                if let Some(id) = item.get("id").and_then(Value::as_str) {
                    if !seen.insert(id.to_ascii_lowercase()) {
                        v.push(
                            &format!("{path}.id"),
                            "the same id appears twice in the batch",
                        );
                    }
                }
            }
        }
        other => v.statement(other, "$", false),
    }
    v.problems
}

/// The problems of an Agent or Group given on its own, such as the `agent` parameter of
/// the State and Agent Profile resources (`path` names where it came from).
pub fn actor_problems(actor: &Value, path: &str) -> Vec<Problem> {
    let mut v = Validator::default();
    v.actor(actor, path);
    v.problems
}

/// The problems of an Agent on its own: like [`actor_problems`] but a Group is refused,
/// as the document resources' `agent` parameter requires.
pub fn agent_problems(agent: &Value, path: &str) -> Vec<Problem> {
    let mut v = Validator::default();
    v.agent(agent, path, false);
    v.problems
}

/// Whether `text` is an IRI as the xAPI checks it: a scheme, a colon, and no whitespace.
/// (A full RFC 3987 parser would accept nothing more that matters here.)
pub fn is_iri(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.is_empty()
        && !text.chars().any(|c| {
            c.is_whitespace()
                || c.is_control()
                || matches!(c, '<' | '>' | '"' | '{' | '}' | '|' | '\\' | '^' | '`')
        })
}

/// Whether `text` is a UUID in its usual hyphenated form (any version, either case).
pub fn is_uuid(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// Whether `text` is an ISO 8601 date and time with seconds and a zone (`Z` or an offset),
/// the form RFC 3339 also allows, with the calendar ranges checked.
pub fn is_timestamp(text: &str) -> bool {
    let b = text.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b.get(r.clone())
            .is_some_and(|s| s.iter().all(u8::is_ascii_digit))
    };
    let num = |r: std::ops::Range<usize>| -> u32 {
        b[r].iter().fold(0, |n, d| n * 10 + u32::from(d - b'0'))
    };
    if b.len() < 20
        || !digits(0..4)
        || b[4] != b'-'
        || !digits(5..7)
        || b[7] != b'-'
        || !digits(8..10)
        || !matches!(b[10], b'T' | b't')
        || !digits(11..13)
        || b[13] != b':'
        || !digits(14..16)
        || b[16] != b':'
        || !digits(17..19)
    {
        return false;
    }
    let (year, month, day) = (num(0..4), num(5..7), num(8..10));
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    if day == 0 || day > days || num(11..13) > 23 || num(14..16) > 59 || num(17..19) > 60 {
        return false;
    }
    let mut i = 19;
    if b[i] == b'.' {
        let start = i + 1;
        i = start;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    match &b[i..] {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', h1, h2, rest @ ..] if h1.is_ascii_digit() && h2.is_ascii_digit() => {
            let hours = u32::from(h1 - b'0') * 10 + u32::from(h2 - b'0');
            let minutes_ok = match rest {
                [] => true,
                [b':', m1, m2] | [m1, m2] => {
                    m1.is_ascii_digit() && m2.is_ascii_digit() && (m1 - b'0') < 6
                }
                _ => false,
            };
            // `-00`, `-0000` and `-00:00` are refused: ISO 8601 has no negative zero
            // offset, and RFC 3339 gives `-00:00` the meaning "offset unknown", which is no
            // zone at all (xAPI Data 4.5: a timestamp must say its zone).
            let negative_zero = text.as_bytes()[i] == b'-'
                && hours == 0
                && rest
                    .iter()
                    .filter(|c| c.is_ascii_digit())
                    .all(|c| *c == b'0');
            hours < 24 && minutes_ok && !negative_zero
        }
        _ => false,
    }
}

/// Whether `text` is an ISO 8601 duration (`PT1H2M3.5S`, `P1DT2H`, `P3W`): at least one
/// component, each a number with its designator in order, a fraction only on the last.
pub fn is_duration(text: &str) -> bool {
    let Some(rest) = text.strip_prefix('P') else {
        return false;
    };
    if let Some(weeks) = rest.strip_suffix('W') {
        return is_decimal(weeks);
    }
    let (date, time) = match rest.split_once('T') {
        Some((d, t)) => {
            if t.is_empty() {
                return false;
            }
            (d, Some(t))
        }
        None => (rest, None),
    };
    let mut parts = Vec::new();
    if !components(date, &['Y', 'M', 'D'], &mut parts) {
        return false;
    }
    if let Some(t) = time {
        let before = parts.len();
        if !components(t, &['H', 'M', 'S'], &mut parts) || parts.len() == before {
            return false;
        }
    }
    // Only the smallest (last) component may have a fraction.
    let n = parts.len();
    n > 0 && parts[..n - 1].iter().all(|p| !p.contains(['.', ',']))
}

fn components<'a>(mut text: &'a str, designators: &[char], out: &mut Vec<&'a str>) -> bool {
    let mut allowed = designators;
    while !text.is_empty() {
        let Some(end) = text.find(|c: char| c.is_ascii_alphabetic()) else {
            return false;
        };
        let Some(c) = text[end..].chars().next() else {
            return false;
        };
        let Some(pos) = allowed.iter().position(|d| *d == c) else {
            return false;
        };
        if !is_decimal(&text[..end]) {
            return false;
        }
        out.push(&text[..end]);
        allowed = &allowed[pos + 1..];
        text = &text[end + 1..];
    }
    true
}

fn is_decimal(text: &str) -> bool {
    let (int, frac) = match text.split_once(['.', ',']) {
        Some((i, f)) => (i, Some(f)),
        None => (text, None),
    };
    !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

/// Whether `tag` is a well-formed BCP 47 (RFC 5646) language tag: language with optional
/// extended languages, script, region, variants, extensions and private use, in that
/// order, or a private-use or grandfathered tag.
pub fn is_language_tag(tag: &str) -> bool {
    const GRANDFATHERED: &[&str] = &[
        "en-gb-oed",
        "i-ami",
        "i-bnn",
        "i-default",
        "i-enochian",
        "i-hak",
        "i-klingon",
        "i-lux",
        "i-mingo",
        "i-navajo",
        "i-pwn",
        "i-tao",
        "i-tay",
        "i-tsu",
        "sgn-be-fr",
        "sgn-be-nl",
        "sgn-ch-de",
        "art-lojban",
        "cel-gaulish",
        "no-bok",
        "no-nyn",
        "zh-guoyu",
        "zh-hakka",
        "zh-min",
        "zh-min-nan",
        "zh-xiang",
    ];
    let lower = tag.to_ascii_lowercase();
    if GRANDFATHERED.contains(&lower.as_str()) {
        return true;
    }
    let subtags: Vec<&str> = lower.split('-').collect();
    if subtags
        .iter()
        .any(|s| s.is_empty() || s.len() > 8 || !s.bytes().all(|b| b.is_ascii_alphanumeric()))
    {
        return false;
    }
    let alpha = |s: &str| s.bytes().all(|b| b.is_ascii_alphabetic());
    let digit = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mut i = 0;
    let private =
        |from: usize| subtags.len() > from + 1 && subtags[from + 1..].iter().all(|s| !s.is_empty());
    if subtags[0] == "x" {
        return private(0);
    }
    // Language: 2-3 letters (with up to three 3-letter extlangs), or 4 or 5-8 letters.
    let lang = subtags[0];
    if !alpha(lang) || lang.len() < 2 {
        return false;
    }
    i += 1;
    if lang.len() <= 3 {
        let mut ext = 0;
        while i < subtags.len() && ext < 3 && subtags[i].len() == 3 && alpha(subtags[i]) {
            i += 1;
            ext += 1;
        }
    }
    if i < subtags.len() && subtags[i].len() == 4 && alpha(subtags[i]) {
        i += 1;
    }
    if i < subtags.len()
        && ((subtags[i].len() == 2 && alpha(subtags[i]))
            || (subtags[i].len() == 3 && digit(subtags[i])))
    {
        i += 1;
    }
    let mut variants = HashSet::new();
    while i < subtags.len() {
        let s = subtags[i];
        let is_variant = (s.len() >= 5) || (s.len() == 4 && s.as_bytes()[0].is_ascii_digit());
        if !is_variant || !variants.insert(s) {
            break;
        }
        i += 1;
    }
    let mut singletons = HashSet::new();
    while i < subtags.len() && subtags[i].len() == 1 && subtags[i] != "x" {
        if !singletons.insert(subtags[i]) {
            return false;
        }
        let start = i + 1;
        i = start;
        while i < subtags.len() && subtags[i].len() >= 2 {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    if i < subtags.len() && subtags[i] == "x" {
        return private(i);
    }
    i == subtags.len()
}

/// The interaction types of a `cmi.interaction` activity definition.
const INTERACTION_TYPES: &[&str] = &[
    "true-false",
    "choice",
    "fill-in",
    "long-fill-in",
    "matching",
    "performance",
    "sequencing",
    "likert",
    "numeric",
    "other",
];

/// The version of the xAPI standard a statement is judged by: the one its request states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Spec {
    /// xAPI 1.0.3 (and 1.0.x before it): what Pelita's player sends.
    #[default]
    V1,
    /// xAPI 2.0 (IEEE 9274.1.1-2023): adds `context.contextAgents` and
    /// `context.contextGroups`, and statements of version 2.0.x.
    V2,
}

#[derive(Default)]
struct Validator {
    problems: Vec<Problem>,
    spec: Spec,
}

impl Validator {
    fn push(&mut self, path: &str, message: impl Into<String>) {
        self.problems.push(Problem {
            path: path.to_string(),
            message: message.into(),
        });
    }

    /// The value as an object, or a problem saying it must be one.
    fn object<'a>(&mut self, value: &'a Value, path: &str) -> Option<&'a Map<String, Value>> {
        match value {
            Value::Object(map) => Some(map),
            other => {
                self.push(path, format!("must be an object, not {}", kind(other)));
                None
            }
        }
    }

    /// Reports every key of `map` that is not in `allowed` (xAPI forbids unknown properties).
    fn only(&mut self, map: &Map<String, Value>, allowed: &[&str], path: &str) {
        for key in map.keys() {
            if !allowed.contains(&key.as_str()) {
                self.push(&join(path, key), "is not a property of this object");
            }
        }
    }

    fn required<'a>(
        &mut self,
        map: &'a Map<String, Value>,
        key: &str,
        path: &str,
    ) -> Option<&'a Value> {
        let found = map.get(key);
        if found.is_none() {
            self.push(&join(path, key), "is required");
        }
        found
    }

    fn string<'a>(&mut self, value: &'a Value, path: &str) -> Option<&'a str> {
        match value {
            Value::String(s) => Some(s),
            other => {
                self.push(path, format!("must be a string, not {}", kind(other)));
                None
            }
        }
    }

    fn boolean(&mut self, value: &Value, path: &str) {
        if !value.is_boolean() {
            self.push(path, format!("must be true or false, not {}", kind(value)));
        }
    }

    fn number(&mut self, value: &Value, path: &str) -> Option<f64> {
        match value.as_f64() {
            Some(n) => Some(n),
            None => {
                self.push(path, format!("must be a number, not {}", kind(value)));
                None
            }
        }
    }

    fn iri(&mut self, value: &Value, path: &str) {
        if let Some(s) = self.string(value, path) {
            if !is_iri(s) {
                self.push(
                    path,
                    format!("{s:?} is not an IRI (it needs a scheme such as https:)"),
                );
            }
        }
    }

    fn uuid(&mut self, value: &Value, path: &str) {
        if let Some(s) = self.string(value, path) {
            if !is_uuid(s) {
                self.push(path, format!("{s:?} is not a UUID"));
            }
        }
    }

    fn timestamp(&mut self, value: &Value, path: &str) {
        if let Some(s) = self.string(value, path) {
            if !is_timestamp(s) {
                self.push(
                    path,
                    format!("{s:?} is not an ISO 8601 timestamp with a time zone"),
                );
            }
        }
    }

    fn language_map(&mut self, value: &Value, path: &str) {
        let Some(map) = self.object(value, path) else {
            return;
        };
        for (tag, text) in map {
            let p = join(path, tag);
            if !is_language_tag(tag) {
                self.push(&p, format!("{tag:?} is not a BCP 47 language tag"));
            }
            self.string(text, &p);
        }
    }

    fn extensions(&mut self, value: &Value, path: &str) {
        let Some(map) = self.object(value, path) else {
            return;
        };
        for key in map.keys() {
            if !is_iri(key) {
                self.push(
                    &join(path, key),
                    format!("extension key {key:?} is not an IRI"),
                );
            }
        }
    }

    /// A statement, or (when `sub` is true) the object of one that is a SubStatement.
    fn statement(&mut self, value: &Value, path: &str, sub: bool) {
        let Some(map) = self.object(value, path) else {
            return;
        };
        if sub {
            self.only(
                map,
                &[
                    "objectType",
                    "actor",
                    "verb",
                    "object",
                    "result",
                    "context",
                    "timestamp",
                    "attachments",
                ],
                path,
            );
        } else {
            self.only(
                map,
                &[
                    "id",
                    "actor",
                    "verb",
                    "object",
                    "result",
                    "context",
                    "timestamp",
                    "stored",
                    "authority",
                    "version",
                    "attachments",
                ],
                path,
            );
        }
        if let Some(id) = map.get("id") {
            self.uuid(id, &join(path, "id"));
        }
        if let Some(actor) = self.required(map, "actor", path) {
            self.actor(actor, &join(path, "actor"));
        }
        if let Some(verb) = self.required(map, "verb", path) {
            self.verb(verb, &join(path, "verb"));
        }
        let object = self.required(map, "object", path);
        let mut object_is_activity = false;
        if let Some(object) = object {
            object_is_activity = self.object_of(object, &join(path, "object"), sub);
            // A voiding statement names the statement it voids (Data 2.3.2): its object
            // must be a StatementRef.
            let voiding = map
                .get("verb")
                .and_then(|v| v.get("id"))
                .and_then(Value::as_str)
                == Some(VOIDED);
            if voiding
                && !sub
                && object.get("objectType").and_then(Value::as_str) != Some("StatementRef")
            {
                self.push(
                    &join(path, "object"),
                    "the object of a voided statement must be a StatementRef to the statement it voids",
                );
            }
        }
        if let Some(result) = map.get("result") {
            self.result(result, &join(path, "result"));
        }
        if let Some(context) = map.get("context") {
            self.context(context, &join(path, "context"), object_is_activity);
        }
        if let Some(t) = map.get("timestamp") {
            self.timestamp(t, &join(path, "timestamp"));
        }
        if let Some(t) = map.get("stored") {
            self.timestamp(t, &join(path, "stored"));
        }
        if let Some(authority) = map.get("authority") {
            self.authority(authority, &join(path, "authority"));
        }
        if let Some(version) = map.get("version") {
            let p = join(path, "version");
            if let Some(s) = self.string(version, &p) {
                let minor = |prefix: &str| {
                    s.strip_prefix(prefix).is_some_and(|patch| {
                        !patch.is_empty() && patch.bytes().all(|b| b.is_ascii_digit())
                    })
                };
                let v1 = minor("1.0.") || s == "1.0";
                let v2 = minor("2.0.") || s == "2.0";
                match self.spec {
                    Spec::V1 if !v1 => self.push(&p, format!("{s:?} is not a 1.0.x version")),
                    Spec::V2 if !v1 && !v2 => {
                        self.push(&p, format!("{s:?} is not a 1.0.x or 2.0.x version"))
                    }
                    _ => {}
                }
            }
        }
        if let Some(attachments) = map.get("attachments") {
            self.attachments(attachments, &join(path, "attachments"));
        }
    }

    fn verb(&mut self, value: &Value, path: &str) {
        let Some(map) = self.object(value, path) else {
            return;
        };
        self.only(map, &["id", "display"], path);
        if let Some(id) = self.required(map, "id", path) {
            self.iri(id, &join(path, "id"));
        }
        if let Some(display) = map.get("display") {
            self.language_map(display, &join(path, "display"));
        }
    }

    /// An actor: an Agent, or a Group when `objectType` says so.
    fn actor(&mut self, value: &Value, path: &str) {
        if value.get("objectType").and_then(Value::as_str) == Some("Group") {
            self.group(value, path);
        } else {
            self.agent(value, path, false);
        }
    }

    /// An Agent; `typed` means its `objectType` is required (an Agent as a statement's object).
    fn agent(&mut self, value: &Value, path: &str, typed: bool) {
        let Some(map) = self.object(value, path) else {
            return;
        };
        self.only(
            map,
            &[
                "objectType",
                "name",
                "mbox",
                "mbox_sha1sum",
                "openid",
                "account",
            ],
            path,
        );
        match map.get("objectType") {
            Some(Value::String(t)) if t == "Agent" => {}
            Some(other) => self.push(
                &join(path, "objectType"),
                format!("must be \"Agent\" here, not {}", show(other)),
            ),
            None if typed => self.push(&join(path, "objectType"), "is required"),
            None => {}
        }
        if let Some(name) = map.get("name") {
            self.string(name, &join(path, "name"));
        }
        let ifis = self.identifiers(map, path);
        if ifis != 1 {
            self.push(
                path,
                format!("an Agent needs exactly one of mbox, mbox_sha1sum, openid, account (it has {ifis})"),
            );
        }
    }

    /// Checks the inverse functional identifiers present and returns how many there are.
    fn identifiers(&mut self, map: &Map<String, Value>, path: &str) -> usize {
        let mut count = 0;
        if let Some(mbox) = map.get("mbox") {
            count += 1;
            let p = join(path, "mbox");
            if let Some(s) = self.string(mbox, &p) {
                let ok = s
                    .strip_prefix("mailto:")
                    .is_some_and(|addr| matches!(addr.split_once('@'), Some((l, d)) if !l.is_empty() && !d.is_empty() && !addr.contains(char::is_whitespace)));
                if !ok {
                    self.push(
                        &p,
                        format!("{s:?} is not a mailto: IRI of an email address"),
                    );
                }
            }
        }
        if let Some(sha) = map.get("mbox_sha1sum") {
            count += 1;
            let p = join(path, "mbox_sha1sum");
            if let Some(s) = self.string(sha, &p) {
                if s.len() != 40 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
                    self.push(&p, format!("{s:?} is not a hex SHA-1 (40 hex digits)"));
                }
            }
        }
        if let Some(openid) = map.get("openid") {
            count += 1;
            self.iri(openid, &join(path, "openid"));
        }
        if let Some(account) = map.get("account") {
            count += 1;
            let p = join(path, "account");
            if let Some(acc) = self.object(account, &p) {
                self.only(acc, &["homePage", "name"], &p);
                if let Some(home) = self.required(acc, "homePage", &p) {
                    self.iri(home, &join(&p, "homePage"));
                }
                if let Some(name) = self.required(acc, "name", &p) {
                    self.string(name, &join(&p, "name"));
                }
            }
        }
        count
    }

    fn group(&mut self, value: &Value, path: &str) {
        let Some(map) = self.object(value, path) else {
            return;
        };
        self.only(
            map,
            &[
                "objectType",
                "name",
                "mbox",
                "mbox_sha1sum",
                "openid",
                "account",
                "member",
            ],
            path,
        );
        match map.get("objectType") {
            Some(Value::String(t)) if t == "Group" => {}
            Some(other) => self.push(
                &join(path, "objectType"),
                format!("must be \"Group\", not {}", show(other)),
            ),
            None => self.push(&join(path, "objectType"), "is required for a Group"),
        }
        if let Some(name) = map.get("name") {
            self.string(name, &join(path, "name"));
        }
        let ifis = self.identifiers(map, path);
        if ifis > 1 {
            self.push(path, format!("a Group has at most one of mbox, mbox_sha1sum, openid, account (it has {ifis})"));
        }
        match map.get("member") {
            Some(Value::Array(members)) => {
                for (i, m) in members.iter().enumerate() {
                    // Members are Agents: a Group must not contain Groups.
                    self.agent(m, &format!("{}[{i}]", join(path, "member")), false);
                }
                if ifis == 0 && members.is_empty() {
                    self.push(
                        &join(path, "member"),
                        "an anonymous Group needs at least one member",
                    );
                }
            }
            Some(other) => self.push(
                &join(path, "member"),
                format!("must be an array, not {}", kind(other)),
            ),
            None if ifis == 0 => {
                self.push(&join(path, "member"), "is required for an anonymous Group")
            }
            None => {}
        }
    }

    fn authority(&mut self, value: &Value, path: &str) {
        if value.get("objectType").and_then(Value::as_str) == Some("Group") {
            self.group(value, path);
            // A Group authority is the OAuth pair of an application and a user (Data
            // 2.4.9): an anonymous Group of exactly those two Agents, so an identified
            // Group is no authority.
            if let Some(ifi) = ["mbox", "mbox_sha1sum", "openid", "account"]
                .into_iter()
                .find(|k| value.get(k).is_some())
            {
                self.push(
                    &join(path, ifi),
                    "a Group authority is an anonymous Group (the OAuth application and user), so it has no identifier",
                );
            }
            let members = value
                .get("member")
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            if members != 2 {
                self.push(
                    &join(path, "member"),
                    "a Group authority has exactly two members",
                );
            }
        } else {
            self.agent(value, path, false);
        }
    }

    /// A statement's object; returns whether it is an Activity (for the context rules).
    fn object_of(&mut self, value: &Value, path: &str, in_sub: bool) -> bool {
        let Some(map) = self.object(value, path) else {
            return false;
        };
        match map.get("objectType") {
            None => {
                self.activity(value, path);
                true
            }
            Some(Value::String(t)) => match t.as_str() {
                "Activity" => {
                    self.activity(value, path);
                    true
                }
                "Agent" => {
                    self.agent(value, path, true);
                    false
                }
                "Group" => {
                    self.group(value, path);
                    false
                }
                "StatementRef" => {
                    self.statement_ref(map, path);
                    false
                }
                "SubStatement" => {
                    if in_sub {
                        self.push(
                            &join(path, "objectType"),
                            "a SubStatement must not contain another SubStatement",
                        );
                    } else {
                        self.statement(value, path, true);
                    }
                    false
                }
                other => {
                    self.push(
                        &join(path, "objectType"),
                        format!("{other:?} is not one of Activity, Agent, Group, StatementRef, SubStatement"),
                    );
                    false
                }
            },
            Some(other) => {
                self.push(
                    &join(path, "objectType"),
                    format!("must be a string, not {}", kind(other)),
                );
                false
            }
        }
    }

    fn statement_ref(&mut self, map: &Map<String, Value>, path: &str) {
        self.only(map, &["objectType", "id"], path);
        if let Some(id) = self.required(map, "id", path) {
            self.uuid(id, &join(path, "id"));
        }
    }

    fn activity(&mut self, value: &Value, path: &str) {
        let Some(map) = self.object(value, path) else {
            return;
        };
        self.only(map, &["objectType", "id", "definition"], path);
        if let Some(t) = map.get("objectType") {
            if t != "Activity" {
                self.push(
                    &join(path, "objectType"),
                    format!("must be \"Activity\" here, not {}", show(t)),
                );
            }
        }
        if let Some(id) = self.required(map, "id", path) {
            self.iri(id, &join(path, "id"));
        }
        if let Some(def) = map.get("definition") {
            self.definition(def, &join(path, "definition"));
        }
    }

    fn definition(&mut self, value: &Value, path: &str) {
        let Some(map) = self.object(value, path) else {
            return;
        };
        const COMPONENT_LISTS: [&str; 5] = ["choices", "scale", "source", "target", "steps"];
        self.only(
            map,
            &[
                "name",
                "description",
                "type",
                "moreInfo",
                "extensions",
                "interactionType",
                "correctResponsesPattern",
                "choices",
                "scale",
                "source",
                "target",
                "steps",
            ],
            path,
        );
        for key in ["name", "description"] {
            if let Some(m) = map.get(key) {
                self.language_map(m, &join(path, key));
            }
        }
        for key in ["type", "moreInfo"] {
            if let Some(iri) = map.get(key) {
                self.iri(iri, &join(path, key));
            }
        }
        if let Some(ext) = map.get("extensions") {
            self.extensions(ext, &join(path, "extensions"));
        }
        let interaction = match map.get("interactionType") {
            Some(t) => {
                let p = join(path, "interactionType");
                match self.string(t, &p) {
                    Some(s) if INTERACTION_TYPES.contains(&s) => Some(s),
                    Some(s) => {
                        self.push(
                            &p,
                            format!(
                                "{s:?} is not an interaction type ({})",
                                INTERACTION_TYPES.join(", ")
                            ),
                        );
                        None
                    }
                    None => None,
                }
            }
            None => None,
        };
        if let Some(crp) = map.get("correctResponsesPattern") {
            let p = join(path, "correctResponsesPattern");
            if map.get("interactionType").is_none() {
                self.push(&p, "is only allowed with an interactionType");
            }
            match crp {
                Value::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        self.string(item, &format!("{p}[{i}]"));
                    }
                }
                other => self.push(
                    &p,
                    format!("must be an array of strings, not {}", kind(other)),
                ),
            }
        }
        // Which component lists each interaction type may have.
        let allowed: &[&str] = match interaction {
            Some("choice" | "sequencing") => &["choices"],
            Some("likert") => &["scale"],
            Some("matching") => &["source", "target"],
            Some("performance") => &["steps"],
            _ => &[],
        };
        for key in COMPONENT_LISTS {
            let Some(list) = map.get(key) else { continue };
            let p = join(path, key);
            if interaction.is_some() && !allowed.contains(&key) {
                self.push(
                    &p,
                    format!(
                        "is not allowed with interactionType {:?}",
                        interaction.unwrap_or_default()
                    ),
                );
            } else if map.get("interactionType").is_none() {
                self.push(&p, "is only allowed with an interactionType");
            }
            let Value::Array(items) = list else {
                self.push(
                    &p,
                    format!(
                        "must be an array of interaction components, not {}",
                        kind(list)
                    ),
                );
                continue;
            };
            let mut ids = HashSet::new();
            for (i, item) in items.iter().enumerate() {
                let ip = format!("{p}[{i}]");
                let Some(c) = self.object(item, &ip) else {
                    continue;
                };
                self.only(c, &["id", "description"], &ip);
                if let Some(id) = self.required(c, "id", &ip) {
                    let idp = join(&ip, "id");
                    if let Some(s) = self.string(id, &idp) {
                        // The spec says ids SHOULD NOT contain whitespace, a
                        // recommendation, so only the MUST (distinct ids) is enforced.
                        if !ids.insert(s) {
                            self.push(&idp, format!("{s:?} appears twice in this list"));
                        }
                    }
                }
                if let Some(d) = c.get("description") {
                    self.language_map(d, &join(&ip, "description"));
                }
            }
        }
    }

    fn result(&mut self, value: &Value, path: &str) {
        let Some(map) = self.object(value, path) else {
            return;
        };
        self.only(
            map,
            &[
                "score",
                "success",
                "completion",
                "response",
                "duration",
                "extensions",
            ],
            path,
        );
        for key in ["success", "completion"] {
            if let Some(b) = map.get(key) {
                self.boolean(b, &join(path, key));
            }
        }
        if let Some(r) = map.get("response") {
            self.string(r, &join(path, "response"));
        }
        if let Some(d) = map.get("duration") {
            let p = join(path, "duration");
            if let Some(s) = self.string(d, &p) {
                if !is_duration(s) {
                    self.push(&p, format!("{s:?} is not an ISO 8601 duration"));
                }
            }
        }
        if let Some(ext) = map.get("extensions") {
            self.extensions(ext, &join(path, "extensions"));
        }
        let Some(score) = map.get("score") else {
            return;
        };
        let p = join(path, "score");
        let Some(s) = self.object(score, &p) else {
            return;
        };
        self.only(s, &["scaled", "raw", "min", "max"], &p);
        let get = |v: &mut Self, key: &str| s.get(key).and_then(|x| v.number(x, &join(&p, key)));
        let scaled = get(self, "scaled");
        let raw = get(self, "raw");
        let min = get(self, "min");
        let max = get(self, "max");
        if let Some(x) = scaled {
            if !(-1.0..=1.0).contains(&x) {
                self.push(&join(&p, "scaled"), format!("{x} is outside -1..1"));
            }
        }
        if let (Some(lo), Some(hi)) = (min, max) {
            if lo >= hi {
                self.push(
                    &join(&p, "min"),
                    format!("min {lo} must be less than max {hi}"),
                );
            }
        }
        if let Some(r) = raw {
            if min.is_some_and(|lo| r < lo) {
                self.push(
                    &join(&p, "raw"),
                    format!("raw {r} is below min {}", min.unwrap_or_default()),
                );
            }
            if max.is_some_and(|hi| r > hi) {
                self.push(
                    &join(&p, "raw"),
                    format!("raw {r} is above max {}", max.unwrap_or_default()),
                );
            }
        }
    }

    fn context(&mut self, value: &Value, path: &str, object_is_activity: bool) {
        let Some(map) = self.object(value, path) else {
            return;
        };
        const V1: &[&str] = &[
            "registration",
            "instructor",
            "team",
            "contextActivities",
            "revision",
            "platform",
            "language",
            "statement",
            "extensions",
        ];
        const V2: &[&str] = &[
            "registration",
            "instructor",
            "team",
            "contextActivities",
            "contextAgents",
            "contextGroups",
            "revision",
            "platform",
            "language",
            "statement",
            "extensions",
        ];
        self.only(map, if self.spec == Spec::V2 { V2 } else { V1 }, path);
        if self.spec == Spec::V2 {
            for (key, object_type, member) in [
                ("contextAgents", "contextAgent", "agent"),
                ("contextGroups", "contextGroup", "group"),
            ] {
                if let Some(list) = map.get(key) {
                    self.context_actors(list, &join(path, key), object_type, member);
                }
            }
        }
        if let Some(r) = map.get("registration") {
            self.uuid(r, &join(path, "registration"));
        }
        if let Some(i) = map.get("instructor") {
            self.actor(i, &join(path, "instructor"));
        }
        if let Some(t) = map.get("team") {
            self.group(t, &join(path, "team"));
        }
        for key in ["revision", "platform"] {
            if let Some(v) = map.get(key) {
                let p = join(path, key);
                self.string(v, &p);
                if !object_is_activity {
                    self.push(
                        &p,
                        "is only allowed when the statement's object is an Activity",
                    );
                }
            }
        }
        if let Some(lang) = map.get("language") {
            let p = join(path, "language");
            if let Some(s) = self.string(lang, &p) {
                if !is_language_tag(s) {
                    self.push(&p, format!("{s:?} is not a BCP 47 language tag"));
                }
            }
        }
        if let Some(s) = map.get("statement") {
            let p = join(path, "statement");
            if let Some(m) = self.object(s, &p) {
                if m.get("objectType").and_then(Value::as_str) != Some("StatementRef") {
                    self.push(&join(&p, "objectType"), "must be \"StatementRef\"");
                }
                self.statement_ref(m, &p);
            }
        }
        if let Some(ext) = map.get("extensions") {
            self.extensions(ext, &join(path, "extensions"));
        }
        if let Some(ca) = map.get("contextActivities") {
            let p = join(path, "contextActivities");
            if let Some(m) = self.object(ca, &p) {
                self.only(m, &["parent", "grouping", "category", "other"], &p);
                for (key, list) in m {
                    let kp = join(&p, key);
                    match list {
                        Value::Array(items) => {
                            for (i, item) in items.iter().enumerate() {
                                self.activity(item, &format!("{kp}[{i}]"));
                            }
                        }
                        // A single Activity is allowed; the LRS stores it as an array of one.
                        Value::Object(_) => self.activity(list, &kp),
                        other => self.push(
                            &kp,
                            format!(
                                "must be an Activity or an array of them, not {}",
                                kind(other)
                            ),
                        ),
                    }
                }
            }
        }
    }

    /// xAPI 2.0's `contextAgents` or `contextGroups`: an array of objects of type
    /// `object_type`, each with its Agent or Group under `member` and optional
    /// `relevantTypes`, a non-empty array of IRIs.
    fn context_actors(&mut self, value: &Value, path: &str, object_type: &str, member: &str) {
        let Value::Array(items) = value else {
            self.push(path, format!("must be an array, not {}", kind(value)));
            return;
        };
        for (i, item) in items.iter().enumerate() {
            let p = format!("{path}[{i}]");
            let Some(map) = self.object(item, &p) else {
                continue;
            };
            self.only(map, &["objectType", member, "relevantTypes"], &p);
            match map.get("objectType") {
                Some(Value::String(t)) if t == object_type => {}
                Some(other) => self.push(
                    &join(&p, "objectType"),
                    format!("must be {object_type:?}, not {}", show(other)),
                ),
                None => self.push(&join(&p, "objectType"), "is required"),
            }
            if let Some(actor) = self.required(map, member, &p) {
                let mp = join(&p, member);
                if member == "group" {
                    self.group(actor, &mp);
                } else {
                    self.agent(actor, &mp, false);
                }
            }
            if let Some(types) = map.get("relevantTypes") {
                let tp = join(&p, "relevantTypes");
                match types {
                    Value::Array(list) if !list.is_empty() => {
                        for (j, t) in list.iter().enumerate() {
                            self.iri(t, &format!("{tp}[{j}]"));
                        }
                    }
                    Value::Array(_) => self.push(&tp, "must not be empty"),
                    other => self.push(
                        &tp,
                        format!("must be an array of IRIs, not {}", kind(other)),
                    ),
                }
            }
        }
    }

    fn attachments(&mut self, value: &Value, path: &str) {
        let Value::Array(items) = value else {
            self.push(path, format!("must be an array, not {}", kind(value)));
            return;
        };
        for (i, item) in items.iter().enumerate() {
            let p = format!("{path}[{i}]");
            let Some(map) = self.object(item, &p) else {
                continue;
            };
            self.only(
                map,
                &[
                    "usageType",
                    "display",
                    "description",
                    "contentType",
                    "length",
                    "sha2",
                    "fileUrl",
                ],
                &p,
            );
            if let Some(u) = self.required(map, "usageType", &p) {
                self.iri(u, &join(&p, "usageType"));
            }
            if let Some(d) = self.required(map, "display", &p) {
                self.language_map(d, &join(&p, "display"));
            }
            if let Some(d) = map.get("description") {
                self.language_map(d, &join(&p, "description"));
            }
            if let Some(c) = self.required(map, "contentType", &p) {
                self.string(c, &join(&p, "contentType"));
            }
            if let Some(l) = self.required(map, "length", &p) {
                if !l.is_u64() {
                    self.push(
                        &join(&p, "length"),
                        format!("must be a non-negative integer, not {}", show(l)),
                    );
                }
            }
            if let Some(s) = self.required(map, "sha2", &p) {
                let sp = join(&p, "sha2");
                if let Some(text) = self.string(s, &sp) {
                    if !matches!(text.len(), 56 | 64 | 96 | 128)
                        || !text.bytes().all(|b| b.is_ascii_hexdigit())
                    {
                        self.push(&sp, "is not a hex SHA-2 hash");
                    }
                }
            }
            if let Some(f) = map.get("fileUrl") {
                self.iri(f, &join(&p, "fileUrl"));
            }
        }
    }
}

fn join(path: &str, key: &str) -> String {
    if key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && !key.is_empty() {
        format!("{path}.{key}")
    } else {
        format!("{path}[{}]", Value::String(key.to_string()))
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn show(value: &Value) -> String {
    let text = value.to_string();
    if text.len() > 60 {
        format!("{}...", text.chars().take(57).collect::<String>())
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_tags() {
        for ok in [
            "en",
            "en-US",
            "id",
            "zh-Hant-TW",
            "sl-rozaj-biske",
            "de-CH-1901",
            "x-private",
            "en-a-bbb-x-ccc",
            "i-klingon",
            "es-419",
        ] {
            assert!(is_language_tag(ok), "{ok}");
        }
        for bad in [
            "",
            "e",
            "en_US",
            "en-toolongsubtag",
            "en-",
            "-en",
            "en--us",
            "a-DE",
            "en-a",
            "de-419-DE",
            "en-US-x",
            "toolongtag9",
        ] {
            assert!(!is_language_tag(bad), "{bad}");
        }
    }

    #[test]
    fn durations() {
        for ok in [
            "PT1S",
            "PT12.34S",
            "P1D",
            "P1Y2M3DT4H5M6S",
            "P3W",
            "PT0.5H",
            "P0D",
        ] {
            assert!(is_duration(ok), "{ok}");
        }
        for bad in [
            "", "P", "PT", "1S", "PT1", "PT1.S", "P1S", "PT1S2M", "PT1.5M2S", "P1DT", "pt1s",
            "PT-1S",
        ] {
            assert!(!is_duration(bad), "{bad}");
        }
    }

    #[test]
    fn timestamps() {
        for ok in [
            "2026-01-02T03:04:05Z",
            "2026-01-02T03:04:05.123Z",
            "2024-02-29T00:00:00+07:00",
            "2026-01-02T03:04:05-0500",
            "2026-01-02T03:04:05+01",
            "2026-01-02T03:04:05+00:00",
            "2026-01-02T03:04:05+0000",
            "2026-01-02T03:04:05-00:30",
        ] {
            assert!(is_timestamp(ok), "{ok}");
        }
        for bad in [
            "2026-01-02",
            "2026-01-02T03:04:05",
            "2026-13-02T03:04:05Z",
            "2025-02-29T00:00:00Z",
            "2026-01-02T24:00:00Z",
            "2026-01-02 03:04:05Z",
            "2026-01-02T03:04:05.Z",
            "2026-01-02T03:04:05+25:00",
            "2026-01-02T03:04:05-00",
            "2026-01-02T03:04:05-0000",
            "2026-01-02T03:04:05-00:00",
            "2026-01-02T03:04:05.5-00:00",
        ] {
            assert!(!is_timestamp(bad), "{bad}");
        }
    }

    #[test]
    fn iris_and_uuids() {
        assert!(is_iri("http://adlnet.gov/expapi/verbs/answered"));
        assert!(is_iri("urn:uuid:1"));
        assert!(!is_iri("answered"));
        assert!(!is_iri("http://example.org/a b"));
        assert!(!is_iri("1http://x"));
        assert!(is_uuid("00000000-0000-4000-8000-0000000001f9"));
        assert!(!is_uuid("00000000-0000-4000-8000-0000000001fz"));
        assert!(!is_uuid("000000000000400080000000000001f9"));
    }
}
