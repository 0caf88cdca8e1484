//! The JSON tree the loader walks: `serde_json`'s grammar, a lighter tree.
//!
//! `serde_json::Value` keeps each object in a `BTreeMap` and copies every string, and
//! allocating and freeing those trees was most of the time a module of 1,000 questions
//! took to load in the player. Module objects have a handful of keys, so here an object is
//! a short list in document order, searched front to back, and a string without escapes
//! is borrowed from the source text: a small fraction of the allocations, and problems
//! come out in the order the author wrote the fields. Parsing is still `serde_json`'s (its
//! syntax errors, positions and nesting limit), only the tree it fills is this one.

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

/// A JSON value, borrowing from the text it was read from.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as `serde_json` read it.
    Number(Number),
    /// A string.
    String(Cow<'a, str>),
    /// An array.
    Array(Vec<Value<'a>>),
    /// An object.
    Object(Map<'a>),
}

/// A JSON number: whole numbers stay exact, anything else is a float.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Number {
    /// A whole number from 0 up.
    Unsigned(u64),
    /// A negative whole number.
    Signed(i64),
    /// A number with a fraction or an exponent.
    Float(f64),
}

impl Number {
    /// The number as a `u64`, when it is a whole number from 0 up.
    pub fn as_u64(&self) -> Option<u64> {
        match *self {
            Number::Unsigned(n) => Some(n),
            _ => None,
        }
    }

    /// The number as an `f64` (always, as `serde_json` does).
    pub fn as_f64(&self) -> Option<f64> {
        Some(match *self {
            Number::Unsigned(n) => n as f64,
            Number::Signed(n) => n as f64,
            Number::Float(n) => n,
        })
    }
}

/// A JSON object: its members in document order; of a key given twice, the last wins (as
/// with `serde_json`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Map<'a>(Vec<(Cow<'a, str>, Value<'a>)>);

impl<'a> Map<'a> {
    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&Value<'a>> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Sets `key` to `value`, in place when the key is there, else at the end.
    pub fn insert(&mut self, key: Cow<'a, str>, value: Value<'a>) {
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => self.0.push((key, value)),
        }
    }

    /// Whether the object has `key`.
    pub fn contains_key(&self, key: &str) -> bool {
        self.0.iter().any(|(k, _)| k == key)
    }

    /// The keys in document order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| k.as_ref())
    }

    /// The members in document order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value<'a>)> {
        self.0.iter().map(|(k, v)| (k.as_ref(), v))
    }

    /// The number of members.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the object has no members.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'m, 'a> IntoIterator for &'m Map<'a> {
    type Item = (&'m str, &'m Value<'a>);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'m, (Cow<'a, str>, Value<'a>)>,
        fn(&'m (Cow<'a, str>, Value<'a>)) -> (&'m str, &'m Value<'a>),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k.as_ref(), v))
    }
}

impl<'a> Value<'a> {
    /// The member `key`, when this is an object that has it.
    pub fn get(&self, key: &str) -> Option<&Value<'a>> {
        match self {
            Value::Object(map) => map.get(key),
            _ => None,
        }
    }

    /// The string, when this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The number as a `u64`, when this is a whole number from 0 up.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Number(n) => n.as_u64(),
            _ => None,
        }
    }

    /// The number as an `f64`, when this is a number.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => n.as_f64(),
            _ => None,
        }
    }
}

/// Parses JSON text into the tree.
pub fn from_str(src: &str) -> serde_json::Result<Value<'_>> {
    serde_json::from_str(src)
}

impl<'de> Deserialize<'de> for Value<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Value<'de>, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value<'de>, E> {
        Ok(Value::Bool(b))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Value<'de>, E> {
        Ok(Value::Number(Number::Unsigned(n)))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Value<'de>, E> {
        // serde_json hands a non-negative whole number to `visit_u64`; this is negative.
        Ok(Value::Number(if n >= 0 {
            Number::Unsigned(n as u64)
        } else {
            Number::Signed(n)
        }))
    }

    fn visit_f64<E>(self, n: f64) -> Result<Value<'de>, E> {
        Ok(Value::Number(Number::Float(n)))
    }

    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Value<'de>, E> {
        Ok(Value::String(Cow::Borrowed(s)))
    }

    fn visit_str<E>(self, s: &str) -> Result<Value<'de>, E> {
        Ok(Value::String(Cow::Owned(s.to_string())))
    }

    fn visit_string<E>(self, s: String) -> Result<Value<'de>, E> {
        Ok(Value::String(Cow::Owned(s)))
    }

    fn visit_unit<E>(self) -> Result<Value<'de>, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value<'de>, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value<'de>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value<'de>, A::Error> {
        // Most objects of a module have up to eight members: one allocation for them.
        let mut members = Vec::with_capacity(8);
        while let Some(Key(key)) = access.next_key()? {
            if members.len() == MAX_MEMBERS {
                return Err(serde::de::Error::custom(format!(
                    "an object with more than {MAX_MEMBERS} members"
                )));
            }
            members.push((key, access.next_value()?));
        }
        Ok(Value::Object(Map(without_repeated_keys(members))))
    }
}

/// The most members an object may have. No object of the module format has more than a
/// few dozen; the cap keeps a hostile file from making the repeated-key check below take
/// quadratic time, and is reported at the object's place like any syntax error.
const MAX_MEMBERS: usize = 1024;

/// The members with each key once: the last value, in the key's first place.
fn without_repeated_keys<'a>(
    members: Vec<(Cow<'a, str>, Value<'a>)>,
) -> Vec<(Cow<'a, str>, Value<'a>)> {
    // The common case, an object with no key given twice, is kept as it is.
    let repeated = (1..members.len()).any(|i| members[..i].iter().any(|(k, _)| *k == members[i].0));
    if !repeated {
        return members;
    }
    let mut kept: Vec<(Cow<'a, str>, Value<'a>)> = Vec::with_capacity(members.len());
    for (key, value) in members {
        match kept.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => kept.push((key, value)),
        }
    }
    kept
}

/// An object's key, borrowed from the text unless it has escapes. (serde's own `Cow`
/// always copies.)
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Key<'de>, D::Error> {
        deserializer.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(s)))
    }

    fn visit_str<E>(self, s: &str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(s.to_string())))
    }

    fn visit_string<E>(self, s: String) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(s)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_kind_of_value() {
        let v = from_str(r#"{"b": true, "n": null, "u": 7, "i": -3, "f": 2.5, "s": "x\"y", "a": [1, "z"], "o": {}}"#)
            .expect("valid JSON");
        let Value::Object(map) = &v else {
            panic!("an object");
        };
        assert_eq!(
            map.keys().collect::<Vec<_>>(),
            ["b", "n", "u", "i", "f", "s", "a", "o"],
            "document order"
        );
        assert_eq!(map.get("b"), Some(&Value::Bool(true)));
        assert_eq!(map.get("n"), Some(&Value::Null));
        assert_eq!(map.get("u").and_then(Value::as_u64), Some(7));
        assert_eq!(map.get("i").and_then(Value::as_u64), None);
        assert_eq!(map.get("i").and_then(Value::as_f64), Some(-3.0));
        assert_eq!(map.get("f").and_then(Value::as_u64), None);
        assert_eq!(map.get("f").and_then(Value::as_f64), Some(2.5));
        assert_eq!(map.get("s").and_then(Value::as_str), Some("x\"y"));
        assert_eq!(
            map.get("a"),
            Some(&Value::Array(vec![
                Value::Number(Number::Unsigned(1)),
                Value::String(Cow::Borrowed("z"))
            ]))
        );
        assert_eq!(map.get("o"), Some(&Value::Object(Map::default())));
        assert!(map.contains_key("o") && !map.contains_key("missing"));
        assert_eq!(map.len(), 8);
    }

    #[test]
    fn a_key_given_twice_keeps_its_last_value_in_its_first_place() {
        let v = from_str(r#"{"a": 1, "b": 2, "a": 3}"#).expect("valid JSON");
        let Value::Object(map) = &v else {
            panic!("an object");
        };
        assert_eq!(map.len(), 2);
        assert_eq!(map.get("a").and_then(Value::as_u64), Some(3));
        assert_eq!(map.keys().next(), Some("a"));
    }

    #[test]
    fn a_long_object_with_repeated_keys_keeps_each_key_once() {
        let mut src = String::from("{");
        for i in 0..40 {
            src.push_str(&format!("\"k{}\": {i},", i % 25));
        }
        src.push_str("\"last\": true}");
        let v = from_str(&src).expect("valid JSON");
        let Value::Object(map) = &v else {
            panic!("an object");
        };
        assert_eq!(map.len(), 26);
        let keys: Vec<&str> = map.keys().collect();
        assert_eq!(keys[..3], ["k0", "k1", "k2"], "each key in its first place");
        assert_eq!(keys[25], "last");
        assert_eq!(
            map.get("k0").and_then(Value::as_u64),
            Some(25),
            "its last value"
        );
        assert_eq!(map.get("k20").and_then(Value::as_u64), Some(20));
        // An object of more members than any module needs is refused where it is.
        let many: String = (0..2000)
            .map(|i| format!("\"key{i}\": {i}"))
            .collect::<Vec<_>>()
            .join(",");
        let src = format!("[\n {{{many}}}]");
        let e = from_str(&src).expect_err("too many members");
        assert!(e.to_string().contains("more than 1024 members"), "{e}");
        assert_eq!(e.line(), 2);
    }

    #[test]
    fn syntax_errors_and_nesting_limits_are_serde_json_s() {
        for bad in ["{\n  \"a\": tru\n}", "[1,,2]", "{\"a\" 1}", "\"open"] {
            let ours = from_str(bad).expect_err("invalid JSON");
            let theirs = serde_json::from_str::<serde_json::Value>(bad).expect_err("invalid JSON");
            assert_eq!(ours.to_string(), theirs.to_string(), "{bad}");
        }
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        assert!(
            from_str(&deep).is_err(),
            "deep nesting is refused, not a stack overflow"
        );
    }
}
