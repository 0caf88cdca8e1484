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
use serde::Deserialize;
use std::collections::{HashMap, HashSet};

const VERBS: &str = "http://adlnet.gov/expapi/verbs/";
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

#[derive(Deserialize)]
struct RawPage {
    statements: Vec<RawStatement>,
    #[serde(default)]
    more: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawStatement {
    id: Option<String>,
    actor: Option<RawActor>,
    verb: Option<RawId>,
    object: Option<RawObject>,
    result: Option<RawResult>,
    context: Option<RawContext>,
    timestamp: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawId {
    id: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawActor {
    mbox: Option<String>,
    mbox_sha1sum: Option<String>,
    openid: Option<String>,
    account: Option<RawAccount>,
    name: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawAccount {
    #[serde(rename = "homePage")]
    home_page: Option<String>,
    name: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawObject {
    #[serde(rename = "objectType")]
    object_type: Option<String>,
    id: Option<String>,
    definition: Option<RawDefinition>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawDefinition {
    name: Option<HashMap<String, String>>,
    #[serde(rename = "type")]
    kind: Option<String>,
    #[serde(rename = "interactionType")]
    interaction_type: Option<String>,
    #[serde(rename = "correctResponsesPattern")]
    correct_responses_pattern: Option<Vec<String>>,
    choices: Option<Vec<RawComponent>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawComponent {
    id: String,
    description: Option<HashMap<String, String>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawResult {
    score: Option<RawScore>,
    success: Option<bool>,
    response: Option<String>,
    duration: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawScore {
    scaled: Option<f64>,
    raw: Option<f64>,
    max: Option<f64>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawContext {
    registration: Option<String>,
    #[serde(rename = "contextActivities")]
    context_activities: Option<RawContextActivities>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawContextActivities {
    category: Option<OneOrMany>,
    grouping: Option<OneOrMany>,
}

/// Context activities may be one object or a list (xAPI 1.0.3 section 2.4.6.2).
#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(RawObject),
    Many(Vec<RawObject>),
}

impl OneOrMany {
    fn items(&self) -> &[RawObject] {
        match self {
            OneOrMany::One(o) => std::slice::from_ref(o),
            OneOrMany::Many(v) => v,
        }
    }
}

fn names(map: Option<&HashMap<String, String>>) -> Names {
    let mut pairs: Names = map
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    // A map's order is arbitrary; sorted, the fallback choice in `pick` is stable.
    pairs.sort();
    pairs
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
    voided_early: HashSet<Box<str>>,
    pub(crate) facts: Vec<Fact>,
    pub(crate) definitions: HashMap<Sym, Definition>,
    pub(crate) names: HashMap<Sym, Names>,
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

    /// Reads one page of an LRS's `GET /statements` answer (a StatementResult) and returns
    /// its `more` link, if there is a further page.
    pub fn add_page(&mut self, text: &str) -> Result<Option<String>, StatsError> {
        let page: RawPage =
            serde_json::from_str(text).map_err(|e| StatsError::NotAStatementResult {
                line: e.line(),
                column: e.column(),
                message: e.to_string(),
            })?;
        for statement in page.statements {
            self.add(statement);
        }
        Ok(page.more.filter(|m| !m.is_empty()))
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

    fn add(&mut self, s: RawStatement) {
        self.read += 1;
        let Some(id) = s.id else {
            self.unusable += 1;
            return;
        };
        if self.ids.contains_key(id.as_str()) {
            self.duplicates += 1;
            return;
        }
        let verb_id = s.verb.and_then(|v| v.id).unwrap_or_default();
        let (Some(object), Some(at_ms)) =
            (s.object, s.timestamp.as_deref().and_then(parse_timestamp))
        else {
            self.unusable += 1;
            self.ids.insert(id.into(), None);
            return;
        };
        if verb_id == "http://adlnet.gov/expapi/verbs/voided"
            && object.object_type.as_deref() == Some("StatementRef")
        {
            if let Some(target) = object.id {
                match self.ids.get(target.as_str()) {
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
            return;
        }
        let Some(object_id) = object
            .id
            .filter(|_| object.object_type.as_deref().unwrap_or("Activity") == "Activity")
        else {
            self.ids.insert(id.into(), None);
            return;
        };
        let context = s.context.unwrap_or_default();
        let activities = context.context_activities.unwrap_or_default();
        let in_module = object_id == self.activity_id
            || object_id.starts_with(&self.prefix)
            || activities.grouping.as_ref().is_some_and(|g| {
                g.items()
                    .iter()
                    .any(|a| a.id.as_deref() == Some(self.activity_id.as_str()))
            });
        let mut competencies = Vec::new();
        for tag in activities
            .category
            .as_ref()
            .map(OneOrMany::items)
            .unwrap_or_default()
        {
            let definition = tag.definition.as_ref();
            if definition.and_then(|d| d.kind.as_deref()) != Some(TYPE_COMPETENCY) {
                continue;
            }
            if let Some(tag_id) = &tag.id {
                let n = self.sym(tag_id);
                competencies.push(n);
                if !self.names.contains_key(&n) {
                    let found = names(definition.and_then(|d| d.name.as_ref()));
                    if !found.is_empty() {
                        self.names.insert(n, found);
                    }
                }
            }
        }
        if !in_module && competencies.is_empty() {
            // About another module and no competency: nothing in the report reads it.
            self.ids.insert(id.into(), None);
            return;
        }
        let learner = learner_key(s.actor.as_ref());
        let learner = self.sym(&learner);
        let attempt = match context.registration {
            Some(r) => self.sym(&r),
            None => learner,
        };
        let object_sym = self.sym(&object_id);
        if let Some(definition) = &object.definition {
            if !self.names.contains_key(&object_sym) {
                let found = names(definition.name.as_ref());
                if !found.is_empty() {
                    self.names.insert(object_sym, found);
                }
            }
            if definition.interaction_type.is_some() && !self.definitions.contains_key(&object_sym)
            {
                self.definitions.insert(
                    object_sym,
                    Definition {
                        kind: definition.interaction_type.clone().unwrap_or_default(),
                        choices: definition
                            .choices
                            .iter()
                            .flatten()
                            .map(|c| (c.id.clone(), names(c.description.as_ref())))
                            .collect(),
                        correct: definition
                            .correct_responses_pattern
                            .clone()
                            .unwrap_or_default(),
                    },
                );
            }
        }
        let result = s.result.unwrap_or_default();
        let score = result.score.unwrap_or_default();
        let voided = self.voided_early.remove(id.as_str());
        self.ids.insert(id.into(), Some(self.facts.len()));
        self.facts.push(Fact {
            verb: Verb::of(&verb_id),
            object: object_sym,
            attempt,
            learner,
            at_ms,
            success: result.success,
            raw: score.raw,
            max: score.max,
            scaled: score.scaled,
            response: result.response.map(String::into_boxed_str),
            duration_ms: result.duration.as_deref().and_then(parse_duration_ms),
            competencies: competencies.into_boxed_slice(),
            in_module,
            voided,
        });
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
fn learner_key(actor: Option<&RawActor>) -> String {
    let Some(a) = actor else {
        return "?".into();
    };
    if let Some(m) = &a.mbox {
        return m.clone();
    }
    if let Some(m) = &a.mbox_sha1sum {
        return format!("sha1:{m}");
    }
    if let Some(o) = &a.openid {
        return o.clone();
    }
    if let Some(acc) = &a.account {
        return format!(
            "{}|{}",
            acc.home_page.as_deref().unwrap_or(""),
            acc.name.as_deref().unwrap_or("")
        );
    }
    // An anonymous group has no identifier; its name is the best left.
    format!("name:{}", a.name.as_deref().unwrap_or(""))
}
