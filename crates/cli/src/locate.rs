//! Line and column of a JSON path, for problems that `pelita_lesson` does not find itself.
//!
//! The lesson crate locates its own problems but keeps its locator private, and a missing
//! image file is only known here. This scanner walks text that serde_json has already
//! accepted and records where each value starts, using the same path spelling
//! (`$.lessons[0].pages[1].blocks[2].src`) and the same 1-based, character-counted columns,
//! so the CLI's extra problems line up with the loader's.

/// Finds the start of the value at `path` in `text`, or of its nearest recorded ancestor.
pub fn locate(text: &str, path: &str) -> Option<(usize, usize)> {
    let mut scanner = Scanner {
        chars: text.chars().collect(),
        at: 0,
        line: 1,
        column: 1,
        wanted: path,
        best: None,
    };
    scanner.skip_ws();
    scanner.value("$".to_string());
    scanner.best.map(|(_, position)| position)
}

/// The JSON path of `key` inside the object at `path`, spelt as the lesson crate spells it.
pub fn child_key(path: &str, key: &str) -> String {
    let simple = key
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if simple {
        format!("{path}.{key}")
    } else {
        format!("{path}[{}]", serde_json::Value::String(key.to_string()))
    }
}

struct Scanner<'a> {
    chars: Vec<char>,
    at: usize,
    line: usize,
    column: usize,
    wanted: &'a str,
    /// The longest recorded path that is `wanted` or one of its ancestors, with its position.
    best: Option<(usize, (usize, usize))>,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.at += 1;
        if c == '\n' {
            self.line += 1;
            self.column = 1;
        } else {
            self.column += 1;
        }
        Some(c)
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(c) if c.is_whitespace()) {
            self.bump();
        }
    }

    fn record(&mut self, path: &str) {
        let is_ancestor = self.wanted == path
            || (self.wanted.starts_with(path)
                && matches!(self.wanted.as_bytes().get(path.len()), Some(b'.' | b'[')));
        if is_ancestor && self.best.is_none_or(|(len, _)| path.len() > len) {
            self.best = Some((path.len(), (self.line, self.column)));
        }
    }

    fn value(&mut self, path: String) {
        self.record(&path);
        match self.peek() {
            Some('{') => {
                self.bump();
                loop {
                    self.skip_ws();
                    match self.peek() {
                        Some('"') => {
                            let key = self.string();
                            self.skip_ws();
                            if self.peek() == Some(':') {
                                self.bump();
                            }
                            self.skip_ws();
                            self.value(child_key(&path, &key));
                            self.skip_ws();
                            if self.peek() == Some(',') {
                                self.bump();
                            }
                        }
                        Some('}') => {
                            self.bump();
                            return;
                        }
                        Some(_) => {
                            self.bump();
                        }
                        None => return,
                    }
                }
            }
            Some('[') => {
                self.bump();
                let mut index = 0;
                loop {
                    self.skip_ws();
                    match self.peek() {
                        Some(']') => {
                            self.bump();
                            return;
                        }
                        Some(',') => {
                            self.bump();
                        }
                        Some(_) => {
                            self.value(format!("{path}[{index}]"));
                            index += 1;
                        }
                        None => return,
                    }
                }
            }
            Some('"') => {
                self.string();
            }
            _ => {
                while matches!(self.peek(), Some(c) if !c.is_whitespace() && !matches!(c, ',' | ']' | '}'))
                {
                    self.bump();
                }
            }
        }
    }

    /// Reads a JSON string from its opening quote; keys need their decoded text for paths.
    fn string(&mut self) -> String {
        let mut text = String::new();
        self.bump();
        while let Some(c) = self.bump() {
            match c {
                '"' => break,
                '\\' => match self.bump() {
                    Some('n') => text.push('\n'),
                    Some('t') => text.push('\t'),
                    Some('r') => text.push('\r'),
                    Some('b') => text.push('\u{8}'),
                    Some('f') => text.push('\u{c}'),
                    Some('u') => {
                        let hex: String = (0..4).filter_map(|_| self.bump()).collect();
                        let unit = u32::from_str_radix(&hex, 16).unwrap_or(0xFFFD);
                        text.push(char::from_u32(unit).unwrap_or('\u{FFFD}'));
                    }
                    Some(other) => text.push(other),
                    None => break,
                },
                other => text.push(other),
            }
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_values_and_falls_back_to_the_nearest_ancestor() {
        let text =
            "{\n  \"a\": [\n    {\"b\": 1},\n    {\"c\": \"x\"}\n  ],\n  \"weird key\": true\n}";
        assert_eq!(locate(text, "$"), Some((1, 1)));
        assert_eq!(locate(text, "$.a"), Some((2, 8)));
        assert_eq!(locate(text, "$.a[0].b"), Some((3, 11)));
        assert_eq!(locate(text, "$.a[1].c"), Some((4, 11)));
        assert_eq!(locate(text, "$.a[1].missing"), Some((4, 5)));
        assert_eq!(locate(text, "$[\"weird key\"]"), Some((6, 16)));
        // `$.a[1]` must not be taken for an ancestor of `$.a[10]`.
        assert_eq!(locate(text, "$.a[10]"), Some((2, 8)));
    }

    #[test]
    fn counts_columns_in_characters() {
        let text = "{\"é\": 1, \"src\": \"x\"}";
        assert_eq!(locate(text, "$.src"), Some((1, 17)));
    }
}
