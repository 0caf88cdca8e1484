//! The parts of an xAPI 1.0.3 statement that Pelita produces, with their JSON names.
//!
//! Optional parts are skipped when absent, because a strict LRS rejects `null` where the
//! specification expects an absent property.

use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use uuid::Uuid;

/// A language map of plain text, as xAPI uses for names, descriptions and verb displays:
/// language tags and their texts, written as a JSON object with the tags in order.
///
/// It holds two or three entries, so it is a short list kept sorted by tag rather than a
/// `BTreeMap`: the player makes statements in its first wasm chunk, and a B-tree of
/// strings was a copy of the B-tree code there (ARCHITECTURE.md, "Download size is a
/// feature").
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LanguageMap(Vec<(String, String)>);

impl LanguageMap {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the text for `tag`, replacing the one it had.
    pub fn insert(&mut self, tag: String, text: String) {
        match self.0.binary_search_by(|(t, _)| t.as_str().cmp(&tag)) {
            Ok(at) => self.0[at].1 = text,
            Err(at) => self.0.insert(at, (tag, text)),
        }
    }

    /// The text for `tag`.
    pub fn get(&self, tag: &str) -> Option<&str> {
        self.0
            .binary_search_by(|(t, _)| t.as_str().cmp(tag))
            .ok()
            .map(|at| self.0[at].1.as_str())
    }

    /// The tags and texts, in the order of the tags.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(t, text)| (t.as_str(), text.as_str()))
    }

    /// How many languages it has.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether it has none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for LanguageMap {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for LanguageMap {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries;
        impl<'de> Visitor<'de> for Entries {
            type Value = LanguageMap;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a language map (an object of language tags and texts)")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut entries: A) -> Result<LanguageMap, A::Error> {
                let mut map = LanguageMap::new();
                // A tag given twice keeps its last text, as a JSON object reader does.
                while let Some((tag, text)) = entries.next_entry::<String, String>()? {
                    map.insert(tag, text);
                }
                Ok(map)
            }
        }
        deserializer.deserialize_map(Entries)
    }
}

/// One statement: who did what to which activity, with what result, when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Statement {
    /// A client-made UUID; reused when resending so that retries are idempotent.
    pub id: Uuid,
    /// The learner.
    pub actor: Agent,
    /// What the learner did.
    pub verb: Verb,
    /// The activity it was done to.
    pub object: Activity,
    /// The outcome, when there is one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub result: Option<XResult>,
    /// The surroundings: registration, parent activities, language.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub context: Option<Context>,
    /// When it happened, RFC 3339 in UTC.
    pub timestamp: String,
}

/// An xAPI Agent identified by exactly one inverse functional identifier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Agent {
    /// Always `Agent`.
    #[serde(default = "agent_type")]
    pub object_type: String,
    /// The display name.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub name: Option<String>,
    /// A `mailto:` IRI.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub mbox: Option<String>,
    /// The SHA-1 of a `mailto:` IRI, hex.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub mbox_sha1sum: Option<String>,
    /// An OpenID URI.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub openid: Option<String>,
    /// An account on a system.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub account: Option<Account>,
}

fn agent_type() -> String {
    "Agent".into()
}

/// An account on a system, identified by the system's home page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    /// The system's home page (an IRL).
    pub home_page: String,
    /// The account's unique name on that system.
    pub name: String,
}

impl Agent {
    /// The identifying fields present, used to check there is exactly one.
    pub fn identifiers(&self) -> usize {
        [
            self.mbox.is_some(),
            self.mbox_sha1sum.is_some(),
            self.openid.is_some(),
            self.account.is_some(),
        ]
        .iter()
        .filter(|x| **x)
        .count()
    }
}

/// A verb: an IRI with a display name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verb {
    /// The verb's IRI, compared as an exact string.
    pub id: String,
    /// Its name in several languages.
    pub display: LanguageMap,
}

/// An activity: the object of every Pelita statement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Activity {
    /// Always `Activity`.
    pub object_type: String,
    /// The activity's IRI.
    pub id: String,
    /// What the activity is.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub definition: Option<ActivityDefinition>,
}

impl Activity {
    /// An activity with only an id.
    pub fn new(id: impl Into<String>) -> Activity {
        Activity {
            object_type: "Activity".into(),
            id: id.into(),
            definition: None,
        }
    }

    /// An activity with a name and a type.
    pub fn defined(id: impl Into<String>, name: LanguageMap, kind: &str) -> Activity {
        Activity {
            object_type: "Activity".into(),
            id: id.into(),
            definition: Some(ActivityDefinition {
                name: Some(name),
                kind: Some(kind.into()),
                ..ActivityDefinition::default()
            }),
        }
    }
}

/// An activity definition, including the interaction parts for questions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ActivityDefinition {
    /// The activity's name.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub name: Option<LanguageMap>,
    /// A description; for a question, its text.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub description: Option<LanguageMap>,
    /// The activity type IRI.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none", default)]
    pub kind: Option<String>,
    /// The cmi.interaction type, such as `true-false` or `choice`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub interaction_type: Option<String>,
    /// The correct responses, in response pattern form.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub correct_responses_pattern: Option<Vec<String>>,
    /// The choices of a choice interaction, or the items of a sequencing one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub choices: Option<Vec<InteractionComponent>>,
    /// The sources of a matching interaction.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub source: Option<Vec<InteractionComponent>>,
    /// The targets of a matching interaction.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub target: Option<Vec<InteractionComponent>>,
    /// The points of a likert scale.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub scale: Option<Vec<InteractionComponent>>,
    /// The steps of a performance interaction.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub steps: Option<Vec<InteractionComponent>>,
}

/// One component (choice) of an interaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InteractionComponent {
    /// Unique in its list, without whitespace.
    pub id: String,
    /// The component's text.
    pub description: LanguageMap,
}

/// A statement's result (named `XResult` so as not to shadow `std::result::Result`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct XResult {
    /// The score, only for graded outcomes (never for progress).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub score: Option<XScore>,
    /// Whether the attempt or answer was successful.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub success: Option<bool>,
    /// Whether the activity was completed.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub completion: Option<bool>,
    /// The learner's response in interaction pattern form.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub response: Option<String>,
    /// ISO 8601 duration.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub duration: Option<String>,
}

/// A score: scaled in -1..=1, and raw within min..=max.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct XScore {
    /// raw / max.
    pub scaled: f64,
    /// Points earned.
    pub raw: f64,
    /// Lowest possible points.
    pub min: f64,
    /// Highest possible points.
    pub max: f64,
}

impl From<pelita_lesson::Score> for XScore {
    fn from(s: pelita_lesson::Score) -> XScore {
        XScore {
            scaled: s.scaled(),
            raw: f64::from(s.raw),
            min: f64::from(s.min),
            max: f64::from(s.max),
        }
    }
}

/// A statement's context.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Context {
    /// The attempt's registration UUID.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub registration: Option<Uuid>,
    /// Parent, grouping and category activities.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub context_activities: Option<ContextActivities>,
    /// The platform the experience happened on.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub platform: Option<String>,
    /// The language the learner saw, as a BCP 47 tag.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub language: Option<String>,
}

/// Activities related to the statement's object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ContextActivities {
    /// The direct parent (a question's lesson, a page's lesson).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub parent: Option<Vec<Activity>>,
    /// Further ancestors (the module).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub grouping: Option<Vec<Activity>>,
    /// Profiles or categories the statement follows.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub category: Option<Vec<Activity>>,
}

#[cfg(test)]
mod tests {
    use super::LanguageMap;

    #[test]
    fn a_language_map_keeps_its_tags_in_order_and_one_text_each() {
        let mut map = LanguageMap::new();
        assert!(map.is_empty());
        map.insert("id".into(), "membaca".into());
        map.insert("en".into(), "experienced".into());
        map.insert("fr".into(), "vu".into());
        map.insert("en".into(), "read".into());
        assert_eq!(map.len(), 3);
        assert_eq!(map.get("en"), Some("read"));
        assert_eq!(map.get("id"), Some("membaca"));
        assert_eq!(map.get("de"), None);
        assert_eq!(
            map.iter().collect::<Vec<_>>(),
            [("en", "read"), ("fr", "vu"), ("id", "membaca")]
        );
        // Written as a JSON object, tags in order, as the B-tree map before it wrote them.
        assert_eq!(
            serde_json::to_string(&map).expect("serialises"),
            r#"{"en":"read","fr":"vu","id":"membaca"}"#
        );
    }

    #[test]
    fn a_language_map_is_read_from_an_object_only() {
        let map: LanguageMap =
            serde_json::from_str(r#"{"id":"a","en":"b","id":"c"}"#).expect("an object");
        // Sorted, and a tag given twice keeps its last text.
        assert_eq!(map.iter().collect::<Vec<_>>(), [("en", "b"), ("id", "c")]);
        assert_eq!(
            serde_json::from_str::<LanguageMap>(r#"{}"#).expect("empty"),
            LanguageMap::new()
        );
        let wrong = serde_json::from_str::<LanguageMap>(r#"["en", "b"]"#).expect_err("array");
        assert!(wrong.to_string().contains("language map"), "{wrong}");
        let not_text = serde_json::from_str::<LanguageMap>(r#"{"en": 1}"#).expect_err("number");
        assert!(
            not_text.to_string().contains("expected a string"),
            "{not_text}"
        );
    }
}
