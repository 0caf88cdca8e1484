//! Reading pages of statements into compact facts.
//!
//! A page of an LRS's answer is parsed into typed structs that keep only what the report
//! reads, turned into [`Fact`]s (ids interned as numbers) and dropped, so that a report
//! over 100,000 statements holds facts, not JSON. Duplicates (the same id twice, as pages
//! of several queries overlap) are kept once; voided statements are left out whichever
//! comes first, the voiding statement or its target.

use crate::error::StatsError;
use crate::numbers::parse_duration_ms;
use pelita_xapi::parse_timestamp;
use serde_json::Value;
use std::collections::{HashMap, HashSet};

const VERBS: &str = "http://adlnet.gov/expapi/verbs/";
/// The verb of a statement that voids another.
const VOIDED: &str = "http://adlnet.gov/expapi/verbs/voided";
/// The activity type of a competency tag (the one `pelita_xapi`'s reporter writes).
pub const TYPE_COMPETENCY: &str = "https://pelita.example.org/xapi/activity-types/competency";

/// An interned string (an activity id, a registration, a learner).
pub type Sym = u32;

/// The verbs the report reads; every other verb is [`Verb::Other`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    /// An attempt began.
    Initialized,
    /// A page was viewed.
    Experienced,
    /// A question was answered.
    Answered,
    /// The module was completed.
    Completed,
    /// The module was passed.
    Passed,
    /// The module was failed.
    Failed,
    /// Anything else (terminated, suspended, resumed, ...).
    Other,
}

impl Verb {
    fn of(id: &str) -> Verb {
        match id.strip_prefix(VERBS) {
            Some("initialized") => Verb::Initialized,
            Some("experienced") => Verb::Experienced,
            Some("answered") => Verb::Answered,
            Some("completed") => Verb::Completed,
            Some("passed") => Verb::Passed,
            Some("failed") => Verb::Failed,
            _ => Verb::Other,
        }
    }
}

/// One statement as the report needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    /// The verb.
    pub verb: Verb,
    /// The object's activity id.
    pub object: Sym,
    /// The attempt: the registration, or the learner for a statement without one.
    pub attempt: Sym,
    /// The learner (their inverse functional identifier).
    pub learner: Sym,
    /// The statement's timestamp, in milliseconds since the epoch.
    pub at_ms: i64,
    /// `result.success`.
    pub success: Option<bool>,
    /// `result.score.raw`.
    pub raw: Option<f64>,
    /// `result.score.max`.
    pub max: Option<f64>,
    /// `result.score.scaled`.
    pub scaled: Option<f64>,
    /// `result.response`.
    pub response: Option<Box<str>>,
    /// `result.duration` in milliseconds.
    pub duration_ms: Option<f64>,
    /// The competency tags in `contextActivities.category`.
    pub competencies: Box<[Sym]>,
    /// Whether the statement is about the report's module.
    pub in_module: bool,
    /// Whether a voiding statement voided it.
    pub voided: bool,
}

/// What a statement's interaction definition says: kind, choices, correct answers.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Definition {
    /// `interactionType`.
    pub kind: String,
    /// The choices' ids and names (`choices`).
    pub choices: Vec<(String, Names)>,
    /// `correctResponsesPattern`.
    pub correct: Vec<String>,
}

/// A language map as pairs, in the order given.
pub type Names = Vec<(String, String)>;

/// Picks the text for `lang` from a language map: the exact tag, its primary language,
/// English, then the first.
pub fn pick<'a>(names: &'a Names, lang: &str) -> Option<&'a str> {
    let primary = lang.split('-').next().unwrap_or(lang);
    names
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(lang))
        .or_else(|| {
            names
                .iter()
                .find(|(k, _)| k.split('-').next() == Some(primary))
        })
        .or_else(|| names.iter().find(|(k, _)| k.starts_with("en")))
        .or_else(|| names.first())
        .map(|(_, v)| v.as_str())
}

/// A language map's pairs, sorted (a JSON object's order is not meaningful), so that the
/// fallback choice in [`pick`] is stable.
fn names(map: Option<&Value>) -> Names {
    let mut pairs: Names = map
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default();
    crate::numbers::sort_by(&mut pairs, |a, b| a < b);
    pairs
}

/// Context activities may be one object or a list (xAPI 1.0.3 section 2.4.6.2).
fn items(value: Option<&Value>) -> &[Value] {
    match value {
        Some(Value::Array(list)) => list,
        Some(one @ Value::Object(_)) => std::slice::from_ref(one),
        _ => &[],
    }
}

fn str_at<'a>(value: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter().try_fold(value, |v, k| v.get(k))?.as_str()
}

fn f64_at(value: &Value, path: &[&str]) -> Option<f64> {
    path.iter().try_fold(value, |v, k| v.get(k))?.as_f64()
}

/// Statements read so far, as facts about one module (and about the competencies it
/// shares with other modules).
#[derive(Debug, Default)]
pub struct Collector {
    activity_id: String,
    prefix: String,
    symbols: HashMap<Box<str>, Sym>,
    strings: Vec<Box<str>>,
    /// Each statement id seen, with the index of its fact (`None`: read but not kept).
    ids: HashMap<Box<str>, Option<usize>>,
    /// Ids voided before their statement was read.
    pub(crate) voided_early: HashSet<Box<str>>,
    /// Competencies known from the module: a category with one of these ids and no
    /// definition (the `ids` format) is taken as that competency.
    known_competencies: HashSet<String>,
    pub(crate) facts: Vec<Fact>,
    pub(crate) definitions: HashMap<Sym, Definition>,
    pub(crate) names: HashMap<Sym, Names>,
    /// The text of the definition last read for an activity by the fast path.
    raw_definitions: HashMap<Sym, Box<str>>,
    /// Statements read, duplicates included.
    pub read: usize,
    /// Statements read twice (same id).
    pub duplicates: usize,
    /// Statements without the id, verb, object or timestamp the report needs.
    pub unusable: usize,
}

impl Collector {
    /// A collector for the module whose activity id is `activity_id` and whose pages and
    /// questions have IRIs under `module_iri` (the module's id; the two differ only when a
    /// launcher gave another activity id).
    pub fn new(activity_id: &str, module_iri: &str) -> Collector {
        Collector {
            activity_id: activity_id.to_string(),
            prefix: format!("{}/", module_iri.trim_end_matches('/')),
            ..Collector::default()
        }
    }

    /// Takes categories with these ids as competency tags even when they come without
    /// their definition (`format=ids`).
    pub fn know_competencies<'a>(&mut self, ids: impl IntoIterator<Item = &'a str>) {
        self.known_competencies
            .extend(ids.into_iter().map(str::to_string));
    }

    /// Reads one page of an LRS's `GET /statements` answer (a StatementResult) and returns
    /// its `more` link, if there is a further page.
    pub fn add_page(&mut self, text: &str) -> Result<Option<String>, StatsError> {
        // The fast path: typed structs borrowing from the text with only the fields the
        // report reads (everything else skipped unparsed, definitions kept as raw text and
        // parsed only while something about their activity is unknown). A page that does
        // not fit those types (a field of an unexpected JSON type, say) is read again as a
        // `Value` below, whose reading is lenient field by field; both give the same facts.
        if let Ok(page) = serde_json::from_str::<fast::Page<'_>>(text) {
            for statement in &page.statements {
                self.add_fast(statement);
            }
            return Ok(page.more.filter(|m| !m.is_empty()).map(|m| m.into_owned()));
        }
        self.add_page_lenient(text)
    }

    /// [`Collector::add_page`] through a `Value`, lenient about each field's type.
    fn add_page_lenient(&mut self, text: &str) -> Result<Option<String>, StatsError> {
        // Parsed as a `Value`, read into facts and dropped: one page at a time is in
        // memory, never all.
        let page: Value =
            serde_json::from_str(text).map_err(|e| StatsError::NotAStatementResult {
                line: e.line(),
                column: e.column(),
                message: e.to_string(),
            })?;
        let Some(statements) = page.get("statements").and_then(Value::as_array) else {
            return Err(StatsError::NotAStatementResult {
                line: 0,
                column: 0,
                message: "expected an object with a `statements` list".into(),
            });
        };
        for statement in statements {
            self.add(statement);
        }
        Ok(page
            .get("more")
            .and_then(Value::as_str)
            .filter(|m| !m.is_empty())
            .map(str::to_string))
    }

    /// The interned number of `s`.
    pub fn sym(&mut self, s: &str) -> Sym {
        if let Some(&n) = self.symbols.get(s) {
            return n;
        }
        let n = self.strings.len() as Sym;
        self.strings.push(s.into());
        self.symbols.insert(s.into(), n);
        n
    }

    /// The string interned as `n`.
    pub fn text(&self, n: Sym) -> &str {
        self.strings.get(n as usize).map_or("", |s| s)
    }

    /// The interned number of `s`, if it was seen.
    pub fn find(&self, s: &str) -> Option<Sym> {
        self.symbols.get(s).copied()
    }

    /// The module's activity id.
    pub fn activity_id(&self) -> &str {
        &self.activity_id
    }

    /// The prefix of the module's page and question IRIs (`<module IRI>/`).
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    fn add(&mut self, s: &Value) {
        self.read += 1;
        let Some(id) = s.get("id").and_then(Value::as_str) else {
            self.unusable += 1;
            return;
        };
        if self.ids.contains_key(id) {
            self.duplicates += 1;
            return;
        }
        let verb_id = str_at(s, &["verb", "id"]).unwrap_or_default();
        let (Some(object), Some(at_ms)) = (
            s.get("object"),
            s.get("timestamp")
                .and_then(Value::as_str)
                .and_then(parse_timestamp),
        ) else {
            self.unusable += 1;
            self.ids.insert(id.into(), None);
            return;
        };
        let object_type = object.get("objectType").and_then(Value::as_str);
        if verb_id == VOIDED && object_type == Some("StatementRef") {
            self.void(id, object.get("id").and_then(Value::as_str));
            return;
        }
        let Some(object_id) = object
            .get("id")
            .and_then(Value::as_str)
            .filter(|_| object_type.unwrap_or("Activity") == "Activity")
        else {
            self.ids.insert(id.into(), None);
            return;
        };
        let context = s.get("context");
        let activities = context.and_then(|c| c.get("contextActivities"));
        let in_module = object_id == self.activity_id
            || object_id.starts_with(&self.prefix)
            || items(activities.and_then(|a| a.get("grouping")))
                .iter()
                .any(|a| a.get("id").and_then(Value::as_str) == Some(self.activity_id.as_str()));
        let mut competencies = Vec::new();
        for tag in items(activities.and_then(|a| a.get("category"))) {
            let definition = tag.get("definition");
            let tag_id = tag.get("id").and_then(Value::as_str);
            let kind = definition
                .and_then(|d| d.get("type"))
                .and_then(Value::as_str);
            if !self.is_competency(tag_id, kind) {
                continue;
            }
            if let Some(tag_id) = tag_id {
                let n = self.sym(tag_id);
                competencies.push(n);
                self.name_once(n, definition.and_then(|d| d.get("name")));
            }
        }
        if !in_module && competencies.is_empty() {
            // About another module and no competency: nothing in the report reads it.
            self.ids.insert(id.into(), None);
            return;
        }
        let learner = learner_key(s.get("actor"));
        let learner = self.sym(&learner);
        let attempt = match context
            .and_then(|c| c.get("registration"))
            .and_then(Value::as_str)
        {
            Some(r) => self.sym(r),
            None => learner,
        };
        let object_sym = self.sym(object_id);
        if let Some(definition) = object.get("definition") {
            self.read_definition(object_sym, definition);
        }
        let result = s.get("result").unwrap_or(&Value::Null);
        self.keep(
            id,
            Fact {
                verb: Verb::of(verb_id),
                object: object_sym,
                attempt,
                learner,
                at_ms,
                success: result.get("success").and_then(Value::as_bool),
                raw: f64_at(result, &["score", "raw"]),
                max: f64_at(result, &["score", "max"]),
                scaled: f64_at(result, &["score", "scaled"]),
                response: result
                    .get("response")
                    .and_then(Value::as_str)
                    .map(Into::into),
                duration_ms: result
                    .get("duration")
                    .and_then(Value::as_str)
                    .and_then(parse_duration_ms),
                competencies: competencies.into_boxed_slice(),
                in_module,
                voided: false,
            },
        );
    }

    /// [`Collector::add`] for a statement read by the fast path: the same rules, field
    /// for field.
    fn add_fast(&mut self, s: &fast::Statement<'_>) {
        self.read += 1;
        let Some(id) = s.id.as_deref() else {
            self.unusable += 1;
            return;
        };
        if self.ids.contains_key(id) {
            self.duplicates += 1;
            return;
        }
        let verb_id = s
            .verb
            .as_ref()
            .and_then(|v| v.id.as_deref())
            .unwrap_or_default();
        let (Some(object), Some(at_ms)) = (
            s.object.as_ref(),
            s.timestamp.as_deref().and_then(parse_timestamp),
        ) else {
            self.unusable += 1;
            self.ids.insert(id.into(), None);
            return;
        };
        let object_type = object.object_type.as_deref();
        if verb_id == VOIDED && object_type == Some("StatementRef") {
            self.void(id, object.id.as_deref());
            return;
        }
        let Some(object_id) = object
            .id
            .as_deref()
            .filter(|_| object_type.unwrap_or("Activity") == "Activity")
        else {
            self.ids.insert(id.into(), None);
            return;
        };
        let activities = s
            .context
            .as_ref()
            .and_then(|c| c.context_activities.as_ref());
        let in_module = object_id == self.activity_id
            || object_id.starts_with(&self.prefix)
            || activities.is_some_and(|a| {
                a.grouping
                    .0
                    .iter()
                    .any(|g| g.id.as_deref() == Some(self.activity_id.as_str()))
            });
        let mut competencies = Vec::new();
        for tag in activities.map_or(&[][..], |a| &a.category.0[..]) {
            let definition = tag.definition.as_ref();
            let tag_id = tag.id.as_deref();
            if !self.is_competency(tag_id, definition.and_then(|d| d.kind.as_deref())) {
                continue;
            }
            if let Some(tag_id) = tag_id {
                let n = self.sym(tag_id);
                competencies.push(n);
                if let Some(name) = definition.and_then(|d| d.name) {
                    if !self.names.contains_key(&n) {
                        if let Ok(map) = serde_json::from_str::<Value>(name.get()) {
                            self.name_once(n, Some(&map));
                        }
                    }
                }
            }
        }
        if !in_module && competencies.is_empty() {
            // About another module and no competency: nothing in the report reads it.
            self.ids.insert(id.into(), None);
            return;
        }
        let learner = self.sym(&fast::learner_key(s.actor.as_ref()));
        let attempt = match s.context.as_ref().and_then(|c| c.registration.as_deref()) {
            Some(r) => self.sym(r),
            None => learner,
        };
        let object_sym = self.sym(object_id);
        if let Some(raw) = object.definition {
            // In the `exact` format every statement repeats its object's definition: it is
            // parsed only while its name or interaction is unknown, and not again when its
            // text is the one read last time for this activity (same text, same outcome).
            let unknown = !self.names.contains_key(&object_sym)
                || !self.definitions.contains_key(&object_sym);
            if unknown && self.raw_definitions.get(&object_sym).map(|t| &**t) != Some(raw.get()) {
                if let Ok(definition) = serde_json::from_str::<Value>(raw.get()) {
                    self.read_definition(object_sym, &definition);
                }
                self.raw_definitions.insert(object_sym, raw.get().into());
            }
        }
        let result = s.result.as_ref();
        let score = result.and_then(|r| r.score.as_ref());
        self.keep(
            id,
            Fact {
                verb: Verb::of(verb_id),
                object: object_sym,
                attempt,
                learner,
                at_ms,
                success: result.and_then(|r| r.success),
                raw: score.and_then(|s| s.raw),
                max: score.and_then(|s| s.max),
                scaled: score.and_then(|s| s.scaled),
                response: result.and_then(|r| r.response.as_deref()).map(Into::into),
                duration_ms: result
                    .and_then(|r| r.duration.as_deref())
                    .and_then(parse_duration_ms),
                competencies: competencies.into_boxed_slice(),
                in_module,
                voided: false,
            },
        );
    }

    /// A `voided` statement (`id`) about `target`: the target's fact is marked, or, when it
    /// has not arrived yet, marked as it arrives.
    fn void(&mut self, id: &str, target: Option<&str>) {
        if let Some(target) = target {
            match self.ids.get(target) {
                Some(Some(index)) => {
                    if let Some(fact) = self.facts.get_mut(*index) {
                        fact.voided = true;
                    }
                }
                _ => {
                    self.voided_early.insert(target.into());
                }
            }
        }
        self.ids.insert(id.into(), None);
    }

    /// Whether a context category activity is a competency: by its definition's type, or,
    /// in the `ids` format (no definitions), by being one the module declares.
    fn is_competency(&self, tag_id: Option<&str>, kind: Option<&str>) -> bool {
        match kind {
            Some(kind) => kind == TYPE_COMPETENCY,
            None => tag_id.is_some_and(|t| self.known_competencies.contains(t)),
        }
    }

    /// Keeps the fact of statement `id`, voided if its voiding statement came first.
    fn keep(&mut self, id: &str, mut fact: Fact) {
        fact.voided = self.voided_early.remove(id);
        self.ids.insert(id.into(), Some(self.facts.len()));
        self.facts.push(fact);
    }

    /// Reads an activity's definition: its name (the first seen) and its interaction (the
    /// first seen).
    fn read_definition(&mut self, object_sym: Sym, definition: &Value) {
        self.name_once(object_sym, definition.get("name"));
        let kind = definition.get("interactionType").and_then(Value::as_str);
        if let (Some(kind), false) = (kind, self.definitions.contains_key(&object_sym)) {
            let strings = |key: &str| -> Vec<String> {
                definition
                    .get(key)
                    .and_then(Value::as_array)
                    .map(|l| {
                        l.iter()
                            .filter_map(|v| v.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default()
            };
            let choices = definition
                .get("choices")
                .and_then(Value::as_array)
                .map(|l| {
                    l.iter()
                        .filter_map(|c| {
                            Some((
                                c.get("id")?.as_str()?.to_string(),
                                names(c.get("description")),
                            ))
                        })
                        .collect()
                })
                .unwrap_or_default();
            self.definitions.insert(
                object_sym,
                Definition {
                    kind: kind.to_string(),
                    choices,
                    correct: strings("correctResponsesPattern"),
                },
            );
        }
    }

    /// Keeps the first non-empty name seen for `n` (each query's pages come newest first,
    /// so within one query it is the newest wording; the queries and the time slices of
    /// the module's run side by side, so across them it is whichever page came first).
    fn name_once(&mut self, n: Sym, map: Option<&Value>) {
        if let std::collections::hash_map::Entry::Vacant(slot) = self.names.entry(n) {
            let found = names(map);
            if !found.is_empty() {
                slot.insert(found);
            }
        }
    }

    /// The facts that count: neither voided nor unusable.
    pub fn facts(&self) -> impl Iterator<Item = (usize, &Fact)> {
        self.facts.iter().enumerate().filter(|(_, f)| !f.voided)
    }

    /// How many statements are kept as facts (voided ones left out).
    pub fn kept(&self) -> usize {
        self.facts().count()
    }
}

/// A learner's key: the actor's inverse functional identifier, whichever it has.
pub(crate) fn learner_key(actor: Option<&Value>) -> String {
    let Some(a) = actor else {
        return "?".into();
    };
    let get = |k: &str| a.get(k).and_then(Value::as_str);
    if let Some(m) = get("mbox") {
        return m.to_string();
    }
    if let Some(m) = get("mbox_sha1sum") {
        return format!("sha1:{m}");
    }
    if let Some(o) = get("openid") {
        return o.to_string();
    }
    if let Some(acc) = a.get("account") {
        return format!(
            "{}|{}",
            str_at(acc, &["homePage"]).unwrap_or(""),
            str_at(acc, &["name"]).unwrap_or("")
        );
    }
    // An anonymous group has no identifier; its name is the best left.
    format!("name:{}", get("name").unwrap_or(""))
}

/// The typed shapes of the fast path: only the fields the report reads, borrowed from the
/// page's text where they need no unescaping (`Cow`), everything else skipped.
mod fast {
    use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
    use serde::Deserialize as Derive;
    use serde_json::value::RawValue;
    use std::borrow::Cow;
    use std::fmt;

    type Text<'a> = Option<Cow<'a, str>>;

    #[derive(Derive)]
    pub struct Page<'a> {
        #[serde(borrow)]
        pub statements: Vec<Statement<'a>>,
        #[serde(borrow, default)]
        pub more: Text<'a>,
    }

    #[derive(Derive)]
    pub struct Statement<'a> {
        #[serde(borrow, default)]
        pub id: Text<'a>,
        #[serde(borrow, default)]
        pub actor: Option<Actor<'a>>,
        #[serde(borrow, default)]
        pub verb: Option<Id<'a>>,
        #[serde(borrow, default)]
        pub object: Option<Object<'a>>,
        #[serde(borrow, default)]
        pub timestamp: Text<'a>,
        #[serde(borrow, default)]
        pub context: Option<Context<'a>>,
        #[serde(borrow, default)]
        pub result: Option<Outcome<'a>>,
    }

    #[derive(Derive)]
    pub struct Id<'a> {
        #[serde(borrow, default)]
        pub id: Text<'a>,
    }

    #[derive(Derive)]
    pub struct Object<'a> {
        #[serde(borrow, default, rename = "objectType")]
        pub object_type: Text<'a>,
        #[serde(borrow, default)]
        pub id: Text<'a>,
        #[serde(borrow, default)]
        pub definition: Option<&'a RawValue>,
    }

    #[derive(Derive)]
    pub struct Actor<'a> {
        #[serde(borrow, default)]
        pub mbox: Text<'a>,
        #[serde(borrow, default)]
        pub mbox_sha1sum: Text<'a>,
        #[serde(borrow, default)]
        pub openid: Text<'a>,
        #[serde(borrow, default)]
        pub account: Option<Account<'a>>,
        #[serde(borrow, default)]
        pub name: Text<'a>,
    }

    #[derive(Derive)]
    pub struct Account<'a> {
        #[serde(borrow, default, rename = "homePage")]
        pub home_page: Text<'a>,
        #[serde(borrow, default)]
        pub name: Text<'a>,
    }

    #[derive(Derive)]
    pub struct Context<'a> {
        #[serde(borrow, default)]
        pub registration: Text<'a>,
        #[serde(borrow, default, rename = "contextActivities")]
        pub context_activities: Option<Activities<'a>>,
    }

    #[derive(Derive)]
    pub struct Activities<'a> {
        #[serde(borrow, default)]
        pub grouping: OneOrMany<Tag<'a>>,
        #[serde(borrow, default)]
        pub category: OneOrMany<Tag<'a>>,
    }

    #[derive(Derive)]
    pub struct Tag<'a> {
        #[serde(borrow, default)]
        pub id: Text<'a>,
        #[serde(borrow, default)]
        pub definition: Option<TagDefinition<'a>>,
    }

    #[derive(Derive)]
    pub struct TagDefinition<'a> {
        #[serde(borrow, default, rename = "type")]
        pub kind: Text<'a>,
        #[serde(borrow, default)]
        pub name: Option<&'a RawValue>,
    }

    #[derive(Derive)]
    pub struct Outcome<'a> {
        #[serde(default)]
        pub success: Option<bool>,
        #[serde(default)]
        pub score: Option<Score>,
        #[serde(borrow, default)]
        pub response: Text<'a>,
        #[serde(borrow, default)]
        pub duration: Text<'a>,
    }

    #[derive(Derive)]
    pub struct Score {
        #[serde(default)]
        pub raw: Option<f64>,
        #[serde(default)]
        pub max: Option<f64>,
        #[serde(default)]
        pub scaled: Option<f64>,
    }

    /// Context activities: one object or a list (xAPI 1.0.3 section 2.4.6.2); `null` and
    /// absent are none.
    pub struct OneOrMany<T>(pub Vec<T>);

    impl<T> Default for OneOrMany<T> {
        fn default() -> Self {
            OneOrMany(Vec::new())
        }
    }

    impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrMany<T> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V<T>(std::marker::PhantomData<T>);
            impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
                type Value = OneOrMany<T>;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("an activity or a list of activities")
                }
                fn visit_unit<E>(self) -> Result<Self::Value, E> {
                    Ok(OneOrMany(Vec::new()))
                }
                fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                    let mut items = Vec::new();
                    while let Some(item) = seq.next_element()? {
                        items.push(item);
                    }
                    Ok(OneOrMany(items))
                }
                fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                    let one = T::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                    Ok(OneOrMany(vec![one]))
                }
            }
            d.deserialize_any(V(std::marker::PhantomData))
        }
    }

    /// [`super::learner_key`] for the typed actor.
    pub fn learner_key(actor: Option<&Actor<'_>>) -> String {
        let Some(a) = actor else {
            return "?".into();
        };
        if let Some(m) = &a.mbox {
            return m.to_string();
        }
        if let Some(m) = &a.mbox_sha1sum {
            return format!("sha1:{m}");
        }
        if let Some(o) = &a.openid {
            return o.to_string();
        }
        if let Some(acc) = &a.account {
            return format!(
                "{}|{}",
                acc.home_page.as_deref().unwrap_or(""),
                acc.name.as_deref().unwrap_or("")
            );
        }
        format!("name:{}", a.name.as_deref().unwrap_or(""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const M: &str = "https://e.org/m";

    fn page() -> String {
        let c = TYPE_COMPETENCY;
        serde_json::json!({
            "more": "/x?cursor=1",
            "statements": [
                {"id": "1", "actor": {"mbox": "mailto:a@e.org", "name": "A \"q\""},
                 "verb": {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en": "answered"}},
                 "object": {"id": "https://e.org/m/question/q1", "objectType": "Activity",
                    "definition": {"name": {"id": "Soal \"satu\"", "en": "Q one"}, "interactionType": "choice",
                        "choices": [{"id": "a", "description": {"en": "A"}}], "correctResponsesPattern": ["a"]}},
                 "context": {"registration": "r1", "contextActivities": {
                    "grouping": {"id": M}, "category": [{"id": "https://e.org/c1", "definition": {"type": c, "name": {"en": "C1"}}}, {"id": "https://e.org/other"}]}},
                 "result": {"success": true, "response": "a", "score": {"raw": 1, "max": 1, "scaled": 1.0}, "duration": "PT3S"},
                 "timestamp": "2026-01-05T08:00:00.000Z", "extensions": {"x": [1, {"y": null}]}},
                {"id": "1", "verb": {"id": "x"}, "object": {"id": "y"}, "timestamp": "2026-01-05T08:00:00Z"},
                {"id": "2", "actor": {"account": {"homePage": "https://h", "name": "n"}},
                 "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
                 "object": {"id": "https://e.org/m/lesson/l/page/p", "definition": {"name": {"en": "Page"}}},
                 "result": null, "context": {"contextActivities": {"category": {"id": "https://e.org/c2"}}},
                 "timestamp": "2026-01-05T08:01:00.000Z"},
                {"id": "3", "actor": {"mbox": "mailto:b@e.org"}, "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
                 "object": {"objectType": "StatementRef", "id": "4"}, "timestamp": "2026-01-05T08:02:00.000Z"},
                {"id": "4", "actor": {"openid": "https://o"}, "verb": {"id": "http://adlnet.gov/expapi/verbs/initialized"},
                 "object": {"id": M}, "timestamp": "2026-01-05T08:03:00.000Z"},
                {"id": "5", "actor": {"mbox_sha1sum": "ab"}, "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
                 "object": {"id": "https://e.org/n/question/q9", "definition": {"name": {"en": "Other"}}},
                 "context": {"contextActivities": {"category": [{"id": "https://e.org/c1", "definition": {"type": c}}]}},
                 "result": {"success": false}, "timestamp": "2026-01-05T08:04:00.000Z"},
                {"id": "6", "verb": {"id": "http://adlnet.gov/expapi/verbs/passed"}, "object": {"id": M}},
                {"id": "7", "actor": {"mbox": "mailto:c@e.org"}, "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
                 "object": {"id": "https://e.org/z/question/q"}, "timestamp": "2026-01-05T08:05:00.000Z"},
                {"verb": {"id": "x"}},
            ]
        })
        .to_string()
    }

    fn collector() -> Collector {
        let mut c = Collector::new(M, M);
        c.know_competencies(["https://e.org/c2"]);
        c
    }

    fn same(a: &Collector, b: &Collector) {
        assert_eq!(a.facts, b.facts);
        assert_eq!(a.names, b.names);
        assert_eq!(a.definitions, b.definitions);
        assert_eq!(a.strings, b.strings);
        assert_eq!(
            (a.read, a.duplicates, a.unusable),
            (b.read, b.duplicates, b.unusable)
        );
    }

    /// The typed fast path reads exactly what the lenient `Value` path reads.
    #[test]
    fn fast_and_lenient_paths_agree() {
        let text = page();
        assert!(
            serde_json::from_str::<fast::Page<'_>>(&text).is_ok(),
            "fits the fast path"
        );
        let (mut fast, mut lenient) = (collector(), collector());
        let more = fast.add_page(&text).unwrap();
        assert_eq!(more, lenient.add_page_lenient(&text).unwrap());
        assert_eq!(more.as_deref(), Some("/x?cursor=1"));
        same(&fast, &lenient);
        assert_eq!((fast.read, fast.duplicates, fast.unusable), (9, 1, 2));
        assert_eq!(
            fast.kept(),
            3,
            "1, 2 and 5 (4 is voided, 6 has no timestamp, 7 is about another module)"
        );
        // The same page again: all duplicates, on both paths.
        fast.add_page(&text).unwrap();
        lenient.add_page_lenient(&text).unwrap();
        same(&fast, &lenient);
    }

    /// A page whose fields have unexpected types falls back to the lenient path.
    #[test]
    fn unexpected_types_fall_back() {
        let text = page().replace(r#""success":true"#, r#""success":"yes""#);
        assert!(serde_json::from_str::<fast::Page<'_>>(&text).is_err());
        let (mut a, mut b) = (collector(), collector());
        a.add_page(&text).unwrap();
        b.add_page_lenient(&text).unwrap();
        same(&a, &b);
        assert_eq!(a.facts[0].success, None);
    }
}
