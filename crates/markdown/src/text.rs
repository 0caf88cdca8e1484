//! Small text helpers: `{#id key=value flag}` attributes and `a | b` language splits.

/// The attributes at the end of a line: `{#id key=value flag}`.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Attrs {
    /// The `#id`, if given.
    pub id: Option<String>,
    /// `key=value` pairs in order.
    pub pairs: Vec<(String, String)>,
    /// Bare words such as `multiple`.
    pub flags: Vec<String>,
}

/// Splits `text {#id k=v flag}` into the text before the braces and the attributes. A
/// line that does not end in `}` has none.
pub(crate) fn attrs(text: &str) -> (String, Attrs) {
    let t = text.trim_end();
    let mut a = Attrs::default();
    if !t.ends_with('}') {
        return (t.to_string(), a);
    }
    let Some(open) = t.rfind('{') else {
        return (t.to_string(), a);
    };
    let inner = &t[open + 1..t.len() - 1];
    // Braces that do not look like attributes (`{#id}`, `key=value`, bare words) are left
    // as text, so that ordinary text may end in braces.
    let word_like = |w: &str| {
        !w.is_empty()
            && w.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    };
    let looks_like = !inner.trim().is_empty()
        && inner.split_whitespace().all(|w| {
            w.strip_prefix('#').is_some_and(|id| !id.is_empty())
                || w.split_once('=')
                    .is_some_and(|(k, v)| word_like(k) && !v.is_empty())
                || word_like(w)
        });
    if !looks_like {
        return (t.to_string(), a);
    }
    for word in inner.split_whitespace() {
        if let Some(id) = word.strip_prefix('#') {
            a.id = Some(id.to_string());
        } else if let Some((k, v)) = word.split_once('=') {
            a.pairs.push((k.to_string(), v.to_string()));
        } else {
            a.flags.push(word.to_string());
        }
    }
    (t[..open].trim_end().to_string(), a)
}

/// Splits `Indonesian | English` at every `|` outside `[[…]]` blanks; `\|` is a literal
/// bar. Each part is trimmed.
pub(crate) fn split_langs(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                current.push('|');
                chars.next();
            }
            '[' if chars.peek() == Some(&'[') => {
                depth += 1;
                current.push_str("[[");
                chars.next();
            }
            ']' if depth > 0 && chars.peek() == Some(&']') => {
                depth -= 1;
                current.push_str("]]");
                chars.next();
            }
            '|' if depth == 0 => parts.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    parts.push(current);
    parts.into_iter().map(|p| p.trim().to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_split_outside_blanks() {
        assert_eq!(
            split_langs("a [[x|y]] b | c \\| d"),
            vec!["a [[x|y]] b", "c | d"]
        );
    }

    #[test]
    fn attributes_are_read_from_the_end() {
        let (t, a) = attrs("Pengantar {#intro points=2 multiple}");
        assert_eq!(t, "Pengantar");
        assert_eq!(a.id.as_deref(), Some("intro"));
        assert_eq!(a.pairs, vec![("points".to_string(), "2".to_string())]);
        assert_eq!(a.flags, vec!["multiple".to_string()]);
    }
}
