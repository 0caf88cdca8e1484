//! Finding the line and column of a JSON path in the source text.
//!
//! serde_json's `Value` forgets positions, so after a successful parse this small scanner
//! walks the same text once more and records where each value starts. It only ever runs on
//! text that serde_json has already accepted, so it can be lenient about malformed input.

/// The start position (1-based line and column) of every value, keyed by JSON path. It is
/// only built when a module has problems, so a plain list searched per problem is enough.
#[derive(Debug, Default)]
pub struct Positions(Vec<(String, (usize, usize))>);

impl Positions {
    /// Scans `src` and records the position of each value.
    pub fn scan(src: &str) -> Positions {
        let mut scanner = Scanner {
            chars: src.chars().collect(),
            at: 0,
            line: 1,
            column: 1,
            out: Vec::new(),
        };
        scanner.skip_ws();
        scanner.value("$".to_string());
        Positions(scanner.out)
    }

    /// The position of `path`, or of its nearest ancestor that exists (a missing field is
    /// reported at the object that should hold it).
    pub fn find(&self, path: &str) -> Option<(usize, usize)> {
        let mut current = path;
        loop {
            if let Some((_, pos)) = self.0.iter().find(|(p, _)| p == current) {
                return Some(*pos);
            }
            current = parent(current)?;
        }
    }
}

/// The line and column where the value at `path` starts in `src` (text serde_json has
/// accepted), or of its nearest ancestor: for tools that report problems of their own
/// (such as a missing image file) at the same places the loader would.
pub fn locate(src: &str, path: &str) -> Option<(usize, usize)> {
    Positions::scan(src).find(path)
}

/// The JSON path of `key` inside the object at `path`.
pub fn child_key(path: &str, key: &str) -> String {
    let simple = key
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    // The loader builds a path for every value it reads, problems or not, so the common
    // case is assembled by hand: `format!` costs several times as much in the player.
    if simple {
        let mut out = String::with_capacity(path.len() + 1 + key.len());
        out.push_str(path);
        out.push('.');
        out.push_str(key);
        out
    } else {
        format!("{path}[{}]", serde_json::Value::String(key.to_string()))
    }
}

/// The JSON path of item `index` of the array at `path`.
pub fn child_index(path: &str, index: usize) -> String {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut n = index;
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let mut out = String::with_capacity(path.len() + 2 + digits.len() - at);
    out.push_str(path);
    out.push('[');
    for &d in &digits[at..] {
        out.push(char::from(d));
    }
    out.push(']');
    out
}

fn parent(path: &str) -> Option<&str> {
    if path == "$" {
        return None;
    }
    // The last segment starts at the last '.' or '[' that is not inside a quoted key.
    let mut cut = None;
    let mut in_quotes = false;
    let mut escaped = false;
    for (i, c) in path.char_indices() {
        if in_quotes {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_quotes = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_quotes = true,
            '.' | '[' => cut = Some(i),
            _ => {}
        }
    }
    cut.map(|i| &path[..i])
}

struct Scanner {
    chars: Vec<char>,
    at: usize,
    line: usize,
    column: usize,
    out: Vec<(String, (usize, usize))>,
}

impl Scanner {
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

    fn value(&mut self, path: String) {
        self.out.push((path.clone(), (self.line, self.column)));
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
                            self.value(child_index(&path, index));
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

    /// Reads a JSON string starting at its opening quote and returns its decoded text.
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
    fn finds_nested_values_and_falls_back_to_ancestors() {
        let src =
            "{\n  \"a\": [\n    {\"b\": 1},\n    {\"c\": \"x\"}\n  ],\n  \"weird key\": true\n}";
        let pos = Positions::scan(src);
        assert_eq!(pos.find("$"), Some((1, 1)));
        assert_eq!(pos.find("$.a"), Some((2, 8)));
        assert_eq!(pos.find("$.a[0].b"), Some((3, 11)));
        assert_eq!(pos.find("$.a[1].c"), Some((4, 11)));
        assert_eq!(pos.find("$.a[1].missing"), Some((4, 5)));
        assert_eq!(pos.find("$[\"weird key\"]"), Some((6, 16)));
    }

    #[test]
    fn paths_quote_keys_that_are_not_simple() {
        assert_eq!(child_key("$", "title"), "$.title");
        assert_eq!(child_key("$", "zh-Hans"), "$.zh-Hans");
        assert_eq!(child_key("$", "a b"), "$[\"a b\"]");
        assert_eq!(parent("$[\"a.b\"]"), Some("$"));
        assert_eq!(parent("$.x[2]"), Some("$.x"));
    }

    #[test]
    fn index_paths_write_every_digit() {
        for (index, path) in [
            (0, "$.a[0]"),
            (7, "$.a[7]"),
            (10, "$.a[10]"),
            (999, "$.a[999]"),
            (1_000_000, "$.a[1000000]"),
            (usize::MAX, &*format!("$.a[{}]", usize::MAX)),
        ] {
            assert_eq!(child_index("$.a", index), path);
        }
    }
}
