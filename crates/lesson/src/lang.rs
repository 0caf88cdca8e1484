//! Language maps: a text in several languages, keyed by BCP 47 tag.

/// A value in several languages, such as `{"id": "Judul", "en": "Title"}`.
///
/// A module has two or three languages, so the map is a short list kept in tag order: as
/// fast as a tree for that size, deterministic for anything built from it (statements,
/// reports), and much smaller in the player's download than a `BTreeMap` per value type.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LangMap<T>(Vec<(String, T)>);

impl<T> LangMap<T> {
    /// The value in `lang`, if the map has it.
    pub fn exact(&self, lang: &str) -> Option<&T> {
        self.0.iter().find(|(tag, _)| tag == lang).map(|(_, v)| v)
    }

    /// The value in `lang`, falling back to `fallback`, then to any value at all, so that a
    /// learner always sees some text rather than nothing.
    pub fn get(&self, lang: &str, fallback: &str) -> Option<&T> {
        self.exact(lang)
            .or_else(|| self.exact(fallback))
            .or_else(|| self.0.first().map(|(_, v)| v))
    }

    /// An iterator over `(tag, value)` pairs in tag order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &T)> {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl LangMap<String> {
    /// The text in `lang` (or the fallback), or an empty string when the map is empty.
    pub fn text(&self, lang: &str, fallback: &str) -> &str {
        self.get(lang, fallback).map(String::as_str).unwrap_or("")
    }
}

impl<T> FromIterator<(String, T)> for LangMap<T> {
    /// Builds a map in tag order; for a tag given twice, the last value wins.
    fn from_iter<I: IntoIterator<Item = (String, T)>>(iter: I) -> Self {
        let mut entries: Vec<(String, T)> = Vec::new();
        for (tag, value) in iter {
            match entries.iter_mut().find(|(t, _)| *t == tag) {
                Some(slot) => slot.1 = value,
                None => entries.push((tag, value)),
            }
        }
        insertion_sort_by(&mut entries, |a, b| a.0 > b.0);
        LangMap(entries)
    }
}

/// A stable insertion sort: `after(a, b)` says whether `a` belongs after `b`. The lists
/// Pelita sorts are a handful of items (language tags, chosen choices), and the standard
/// library's sorts would add kilobytes to the player's download for each item type.
pub fn insertion_sort_by<T>(items: &mut [T], after: impl Fn(&T, &T) -> bool) {
    for i in 1..items.len() {
        let mut j = i;
        while j > 0 && after(&items[j - 1], &items[j]) {
            items.swap(j - 1, j);
            j -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_with_fallbacks_and_tag_order() {
        let map: LangMap<String> = [("id", "Judul"), ("en", "Title"), ("id", "Judul baru")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(
            map.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(),
            ["en", "id"]
        );
        assert_eq!(map.text("id", "en"), "Judul baru");
        assert_eq!(map.text("fr", "en"), "Title");
        assert_eq!(map.text("fr", "de"), "Title");
        assert_eq!(LangMap::<String>::default().text("id", "en"), "");
    }
}
