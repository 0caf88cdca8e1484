//! Language maps: a text in several languages, keyed by BCP 47 tag.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A value in several languages, such as `{"id": "Judul", "en": "Title"}`.
///
/// The map is ordered so that anything built from it (statements, reports) is deterministic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(transparent)]
pub struct LangMap<T>(pub BTreeMap<String, T>);

impl<T> LangMap<T> {
    /// The value in `lang`, falling back to `fallback`, then to any value at all, so that a
    /// learner always sees some text rather than nothing.
    pub fn get(&self, lang: &str, fallback: &str) -> Option<&T> {
        self.0
            .get(lang)
            .or_else(|| self.0.get(fallback))
            .or_else(|| self.0.values().next())
    }

    /// An iterator over `(tag, value)` pairs in tag order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &T)> {
        self.0.iter()
    }
}

impl LangMap<String> {
    /// The text in `lang` (or the fallback), or an empty string when the map is empty.
    pub fn text(&self, lang: &str, fallback: &str) -> &str {
        self.get(lang, fallback).map(String::as_str).unwrap_or("")
    }
}

impl<T> FromIterator<(String, T)> for LangMap<T> {
    fn from_iter<I: IntoIterator<Item = (String, T)>>(iter: I) -> Self {
        LangMap(iter.into_iter().collect())
    }
}
