//! Reading and validating a module file (format v1).
//!
//! The text is parsed into a light JSON tree (`crate::json`), then one walk over it builds
//! the typed [`Module`] while collecting every problem with its JSON path. Only when no
//! problem was found is the module returned; otherwise each problem is located in the
//! source.

use crate::error::{LoadError, Problem};
use crate::json::{self, Map, Value};
use crate::lang::LangMap;
use crate::locate::{child_index, child_key, Positions};
use crate::model::*;

/// The block types of format v1, as error messages list them.
const BLOCK_TYPES: &str =
    "text, image, callout, accordion, audio, video, flashcards, branch, trueFalse, choice, sequencing, matching, hotspot, fillIn, longFillIn, numeric, performance, likert";

/// The order a sequencing question first shows its items: sorted by a hash of the
/// question and item ids (FNV-1a), so it is the same on every device and never depends on
/// how the author listed them; turned by one when that happens to be the correct order.
fn first_order(question: &str, items: &[Item]) -> Vec<String> {
    let hash = |id: &str| {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in question.bytes().chain([0]).chain(id.bytes()) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        h
    };
    let mut order: Vec<(u64, String)> = items.iter().map(|i| (hash(&i.id), i.id.clone())).collect();
    crate::lang::insertion_sort_by(&mut order, |a, b| a.0 > b.0);
    let mut order: Vec<String> = order.into_iter().map(|(_, id)| id).collect();
    if order.iter().zip(items).all(|(o, i)| *o == i.id) {
        order.rotate_left(1);
    }
    order
}

/// The blank ids a fill-in prompt names with `[[id]]`, in order.
pub fn blank_markers(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("[[") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("]]") else { break };
        out.push(after[..end].trim().to_string());
        rest = &after[end + 2..];
    }
    out
}

/// The only module format version this crate reads.
pub const FORMAT_VERSION: u64 = 1;

/// Parses and validates a module from its JSON text, reporting every problem at once.
pub fn load_module(src: &str) -> Result<Module, LoadError> {
    let value: Value = json::from_str(src).map_err(|e| LoadError::Syntax {
        line: e.line(),
        column: e.column(),
        message: strip_position(&e.to_string()),
    })?;
    let mut reader = Reader::default();
    let module = reader.module(&value);
    // Positions are found only when something is to be reported: scanning costs as much
    // as parsing.
    let locate = |found: Vec<(String, String)>| -> Vec<Problem> {
        if found.is_empty() {
            return Vec::new();
        }
        let positions = Positions::scan(src);
        found
            .into_iter()
            .map(|(path, message)| {
                let pos = positions.find(&path);
                Problem {
                    line: pos.map(|p| p.0),
                    column: pos.map(|p| p.1),
                    path,
                    message,
                }
            })
            .collect()
    };
    if reader.problems.is_empty() {
        if let Some(mut module) = module {
            module.warnings = locate(reader.warnings);
            return Ok(module);
        }
    }
    Err(LoadError::Invalid(locate(reader.problems)))
}

/// serde_json appends " at line L column C" to its messages; the position is kept apart.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

#[derive(Default)]
struct Reader {
    problems: Vec<(String, String)>,
    /// What is allowed but probably a mistake, such as a missing translation.
    warnings: Vec<(String, String)>,
    languages: Vec<String>,
    /// The language every text must have: the declared default, or the first listed.
    default_language: String,
    /// Branch targets to resolve once every page is read: the `goto` path, the lesson
    /// index the branch is in, and the target as written.
    gotos: Vec<(String, usize, String)>,
    /// Every question and branch id read so far, sorted, so that a pool of thousands is
    /// searched by halving (a `BTreeSet` did the same with 4 KB more of the player's wasm).
    question_ids: Vec<String>,
    /// The competencies `$.competencies` declares, which lessons and questions may name.
    competency_ids: Vec<String>,
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn is_valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && id.len() <= 64
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// An absolute IRI: a scheme, a colon and a non-empty rest without whitespace.
pub fn is_absolute_iri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let mut sc = scheme.chars();
    sc.next().is_some_and(|c| c.is_ascii_alphabetic())
        && sc.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.is_empty()
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// A plausible BCP 47 language tag: subtags of 1-8 letters or digits joined by hyphens,
/// the first made of 2-3 letters.
fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let first = parts.next().unwrap_or("");
    (2..=3).contains(&first.len())
        && first.chars().all(|c| c.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

impl Reader {
    /// Records a question or branch id; false when it was read before.
    fn new_question_id(&mut self, id: &str) -> bool {
        match self
            .question_ids
            .binary_search_by(|known| known.as_str().cmp(id))
        {
            Ok(_) => false,
            Err(at) => {
                self.question_ids.insert(at, id.to_string());
                true
            }
        }
    }

    fn problem(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push((path.into(), message.into()));
    }

    /// Checks that `v` is an object with only the `allowed` keys, reporting each stranger.
    fn object<'v, 's>(
        &mut self,
        v: &'v Value<'s>,
        path: &str,
        allowed: &[&str],
    ) -> Option<&'v Map<'s>> {
        let Value::Object(map) = v else {
            self.problem(path, format!("expected an object, found {}", kind_of(v)));
            return None;
        };
        for key in map.keys() {
            if !allowed.contains(&key) {
                self.problem(
                    child_key(path, key),
                    format!(
                        "unknown field `{key}`; expected one of: {}",
                        allowed.join(", ")
                    ),
                );
            }
        }
        Some(map)
    }

    fn required<'v, 's>(
        &mut self,
        map: &'v Map<'s>,
        path: &str,
        key: &str,
    ) -> Option<&'v Value<'s>> {
        let found = map.get(key);
        if found.is_none() {
            self.problem(
                child_key(path, key),
                format!("missing required field `{key}`"),
            );
        }
        found
    }

    fn string(&mut self, v: &Value, path: &str) -> Option<String> {
        match v {
            Value::String(s) if s.trim().is_empty() => {
                self.problem(path, "must not be empty");
                None
            }
            Value::String(s) => Some(s.to_string()),
            other => {
                self.problem(path, format!("expected a string, found {}", kind_of(other)));
                None
            }
        }
    }

    fn boolean(&mut self, map: &Map, path: &str, key: &str, default: bool) -> bool {
        match map.get(key) {
            None => default,
            Some(Value::Bool(b)) => *b,
            Some(other) => {
                self.problem(
                    child_key(path, key),
                    format!("expected true or false, found {}", kind_of(other)),
                );
                default
            }
        }
    }

    fn integer(&mut self, v: &Value, path: &str, min: u64, max: u64) -> Option<u64> {
        match v.as_u64() {
            Some(n) if (min..=max).contains(&n) => Some(n),
            _ => {
                self.problem(path, format!("expected a whole number from {min} to {max}"));
                None
            }
        }
    }

    fn id(&mut self, map: &Map, path: &str) -> Option<String> {
        let id_path = child_key(path, "id");
        let id = self
            .required(map, path, "id")
            .and_then(|v| self.string(v, &id_path))?;
        if !is_valid_id(&id) {
            self.problem(
                &id_path,
                format!("`{id}` is not a valid id: use 1-64 letters, digits, `-` or `_`, starting with a letter or digit"),
            );
            return None;
        }
        Some(id)
    }

    fn array<'v, 's>(
        &mut self,
        v: &'v Value<'s>,
        path: &str,
        what: &str,
    ) -> Option<&'v Vec<Value<'s>>> {
        match v {
            Value::Array(items) if items.is_empty() => {
                self.problem(path, format!("needs at least one {what}"));
                None
            }
            Value::Array(items) => Some(items),
            other => {
                self.problem(
                    path,
                    format!("expected an array of {what}s, found {}", kind_of(other)),
                );
                None
            }
        }
    }

    /// A language map whose values are read by `item`; every module language must be present.
    fn lang_map<T>(
        &mut self,
        v: &Value,
        path: &str,
        mut item: impl FnMut(&mut Self, &Value, &str) -> Option<T>,
    ) -> Option<LangMap<T>> {
        let Value::Object(map) = v else {
            self.problem(
                path,
                format!(
                    "expected a language map such as {{\"id\": \"…\", \"en\": \"…\"}}, found {}",
                    kind_of(v)
                ),
            );
            return None;
        };
        let mut out = Vec::new();
        let mut ok = true;
        for (tag, value) in map {
            let p = child_key(path, tag);
            if !self.languages.iter().any(|l| l == tag) {
                let listed = self.languages.join(", ");
                self.problem(
                    &p,
                    format!("language `{tag}` is not one of the module's languages ({listed})"),
                );
                ok = false;
                continue;
            }
            match item(self, value, &p) {
                Some(t) => out.push((tag.to_string(), t)),
                None => ok = false,
            }
        }
        for index in 0..self.languages.len() {
            if map.contains_key(&self.languages[index]) {
                continue;
            }
            let tag = self.languages[index].clone();
            let p = child_key(path, &tag);
            if tag == self.default_language {
                // Nothing to fall back on: the default language must say everything.
                self.problem(
                    p,
                    format!("missing text for language \"{tag}\", the module's default"),
                );
                ok = false;
            } else {
                let default = &self.default_language;
                let message = format!(
                    "missing text for language \"{tag}\"; the default language's (\"{default}\") is shown instead"
                );
                self.warnings.push((p, message));
            }
        }
        ok.then(|| out.into_iter().collect::<LangMap<T>>())
    }

    fn text(&mut self, v: &Value, path: &str) -> Option<LangMap<String>> {
        self.lang_map(v, path, |r, v, p| r.string(v, p))
    }

    fn optional_text(&mut self, map: &Map, path: &str, key: &str) -> Option<LangMap<String>> {
        map.get(key)
            .and_then(|v| self.text(v, &child_key(path, key)))
    }

    fn required_text(&mut self, map: &Map, path: &str, key: &str) -> Option<LangMap<String>> {
        self.required(map, path, key)
            .and_then(|v| self.text(v, &child_key(path, key)))
    }

    fn module(&mut self, v: &Value) -> Option<Module> {
        let path = "$";
        let map = self.object(
            v,
            path,
            &[
                "pelita",
                "id",
                "languages",
                "defaultLanguage",
                "title",
                "description",
                "masteryScore",
                "maxAttempts",
                "retry",
                "shuffleChoices",
                "competencies",
                "lessons",
            ],
        )?;
        match self.required(map, path, "pelita") {
            Some(Value::Number(n)) if n.as_u64() == Some(FORMAT_VERSION) => {}
            Some(_) => self.problem(
                "$.pelita",
                format!("unsupported format version; this player reads version {FORMAT_VERSION}"),
            ),
            None => {}
        }
        let id = self
            .required(map, path, "id")
            .and_then(|v| self.string(v, "$.id"));
        if let Some(id) = &id {
            if !is_absolute_iri(id) {
                self.problem(
                    "$.id",
                    format!(
                        "`{id}` is not an absolute IRI such as https://example.org/modules/name"
                    ),
                );
            }
        }
        let languages = self.languages(map);
        // Without a valid language list no language map can be checked meaningfully, so
        // the rest is only read when the list is usable.
        let languages = languages?;
        self.languages = languages.clone();
        let default_language = self.default_language(map);
        self.default_language = default_language
            .clone()
            .or_else(|| languages.first().cloned())
            .unwrap_or_default();
        let title = self.required_text(map, path, "title");
        let description = self.optional_text(map, path, "description");
        let mastery_score = match self.required(map, path, "masteryScore") {
            Some(Value::Number(n)) => match n.as_f64() {
                Some(s) if (0.0..=1.0).contains(&s) => Some(s),
                _ => {
                    self.problem(
                        "$.masteryScore",
                        "must be a number from 0 to 1 (the scaled score needed to pass)",
                    );
                    None
                }
            },
            Some(other) => {
                let found = kind_of(other);
                self.problem(
                    "$.masteryScore",
                    format!("expected a number from 0 to 1, found {found}"),
                );
                None
            }
            None => None,
        };
        let max_attempts = map
            .get("maxAttempts")
            .and_then(|v| self.integer(v, "$.maxAttempts", 1, 100))
            .map(|n| n as u32);
        let retry_wrong_only = match map.get("retry").map(|v| v.as_str()) {
            None | Some(Some("all")) => false,
            Some(Some("wrong")) => true,
            Some(_) => {
                self.problem("$.retry", "expected \"all\" (start again from nothing) or \"wrong\" (keep the right answers)");
                false
            }
        };
        let shuffle_choices = self.boolean(map, "$", "shuffleChoices", false);
        let competencies = self.declared_competencies(map);
        let mut lessons = self.lessons(map);
        if let Some(lessons) = &mut lessons {
            self.resolve_gotos(lessons);
        }
        Some(Module {
            id: id?,
            languages,
            declared_default: default_language,
            title: title?,
            description,
            mastery_score: mastery_score?,
            max_attempts,
            retry_wrong_only,
            shuffle_choices,
            competencies: competencies?,
            lessons: lessons?,
            warnings: Vec::new(),
        })
    }

    /// `$.competencies`: `[{"id": IRI, "label": LangMap}]`, optional, ids unique. The ids
    /// are remembered so that lessons and questions can only name declared ones.
    fn declared_competencies(&mut self, map: &Map) -> Option<Vec<Competency>> {
        let Some(v) = map.get("competencies") else {
            return Some(vec![]);
        };
        let items = self.array(v, "$.competencies", "competency")?;
        let mut out: Vec<Competency> = Vec::new();
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            let path = child_index("$.competencies", i);
            let Some(entry) = self.object(item, &path, &["id", "label"]) else {
                ok = false;
                continue;
            };
            let id = self
                .required(entry, &path, "id")
                .and_then(|v| self.string(v, &child_key(&path, "id")));
            let label = self.required_text(entry, &path, "label");
            match (id, label) {
                (Some(id), Some(label)) => {
                    if !is_absolute_iri(&id) {
                        self.problem(
                            child_key(&path, "id"),
                            format!("`{id}` is not an absolute IRI"),
                        );
                        ok = false;
                    } else if out.iter().any(|c| c.id == id) {
                        self.problem(
                            child_key(&path, "id"),
                            format!("competency `{id}` is declared twice"),
                        );
                        ok = false;
                    } else {
                        out.push(Competency { id, label });
                    }
                }
                _ => ok = false,
            }
        }
        self.competency_ids = out.iter().map(|c| c.id.clone()).collect();
        ok.then_some(out)
    }

    /// A lesson's or question's `competencies`: ids declared in `$.competencies`.
    fn competency_refs(&mut self, map: &Map, path: &str) -> Option<Vec<String>> {
        let Some(v) = map.get("competencies") else {
            return Some(vec![]);
        };
        let list_path = child_key(path, "competencies");
        let items = self.array(v, &list_path, "competency id")?;
        let mut out = Vec::new();
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            let p = child_index(&list_path, i);
            match item {
                Value::String(id) if self.competency_ids.iter().any(|c| c == id) => {
                    if !out.iter().any(|o: &String| o == id) {
                        out.push(id.to_string());
                    }
                }
                Value::String(id) => {
                    self.problem(
                        &p,
                        format!("competency `{id}` is not declared in $.competencies"),
                    );
                    ok = false;
                }
                other => {
                    let found = kind_of(other);
                    self.problem(&p, format!("expected a competency IRI, found {found}"));
                    ok = false;
                }
            }
        }
        ok.then_some(out)
    }

    /// `$.defaultLanguage`: optional, one of `$.languages`.
    fn default_language(&mut self, map: &Map) -> Option<String> {
        let v = map.get("defaultLanguage")?;
        let tag = self.string(v, "$.defaultLanguage")?;
        if self.languages.contains(&tag) {
            Some(tag)
        } else {
            let listed = self.languages.join(", ");
            self.problem(
                "$.defaultLanguage",
                format!("`{tag}` is not one of the module's languages ({listed})"),
            );
            None
        }
    }

    fn languages(&mut self, map: &Map) -> Option<Vec<String>> {
        let v = self.required(map, "$", "languages")?;
        let items = self.array(v, "$.languages", "language tag")?;
        let mut out: Vec<String> = Vec::new();
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            let p = child_index("$.languages", i);
            match item {
                Value::String(tag) if is_language_tag(tag) => {
                    if out.iter().any(|o| o == tag) {
                        self.problem(&p, format!("language `{tag}` is listed twice"));
                        ok = false;
                    } else {
                        out.push(tag.to_string());
                    }
                }
                _ => {
                    self.problem(&p, "expected a language tag such as \"id\" or \"en\"");
                    ok = false;
                }
            }
        }
        ok.then_some(out)
    }

    fn lessons(&mut self, map: &Map) -> Option<Vec<Lesson>> {
        let v = self.required(map, "$", "lessons")?;
        let items = self.array(v, "$.lessons", "lesson")?;
        let mut seen: Vec<String> = Vec::new();
        let mut out = Vec::new();
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            let path = child_index("$.lessons", i);
            match self.lesson(item, &path) {
                Some(lesson) => {
                    if seen.contains(&lesson.id) {
                        self.problem(
                            child_key(&path, "id"),
                            format!("lesson id `{}` is used twice", lesson.id),
                        );
                        ok = false;
                    }
                    seen.push(lesson.id.clone());
                    out.push(lesson);
                }
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    fn lesson(&mut self, v: &Value, path: &str) -> Option<Lesson> {
        let map = self.object(v, path, &["id", "title", "competencies", "pages"])?;
        let id = self.id(map, path);
        let title = self.required_text(map, path, "title");
        let competencies = self.competency_refs(map, path);
        let pages_path = child_key(path, "pages");
        let pages = self.required(map, path, "pages").and_then(|v| {
            let items = self.array(v, &pages_path, "page")?;
            let mut seen: Vec<String> = Vec::new();
            let mut out = Vec::new();
            let mut ok = true;
            for (i, item) in items.iter().enumerate() {
                let p = child_index(&pages_path, i);
                match self.page(item, &p) {
                    Some(page) => {
                        if seen.contains(&page.id) {
                            self.problem(
                                child_key(&p, "id"),
                                format!("page id `{}` is used twice in this lesson", page.id),
                            );
                            ok = false;
                        }
                        seen.push(page.id.clone());
                        out.push(page);
                    }
                    None => ok = false,
                }
            }
            ok.then_some(out)
        });
        Some(Lesson {
            id: id?,
            title: title?,
            competencies: competencies?,
            pages: pages?,
        })
    }

    fn page(&mut self, v: &Value, path: &str) -> Option<Page> {
        let map = self.object(v, path, &["id", "title", "blocks", "draw", "shuffle"])?;
        let id = self.id(map, path);
        let title = self.required_text(map, path, "title");
        let shuffle = self.boolean(map, path, "shuffle", false);
        let blocks_path = child_key(path, "blocks");
        let blocks = self.required(map, path, "blocks").and_then(|v| {
            let items = self.array(v, &blocks_path, "block")?;
            let mut out = Vec::new();
            let mut ok = true;
            for (i, item) in items.iter().enumerate() {
                match self.block(item, &child_index(&blocks_path, i)) {
                    Some(b) => out.push(b),
                    None => ok = false,
                }
            }
            ok.then_some(out)
        });
        let blocks = blocks?;
        let questions = blocks
            .iter()
            .filter(|b| matches!(b, Block::Question(_)))
            .count();
        let draw = match map.get("draw") {
            None => None,
            Some(_) if questions == 0 => {
                self.problem(
                    child_key(path, "draw"),
                    "the page has no questions to draw from",
                );
                None
            }
            Some(v) => {
                Some(self.integer(v, &child_key(path, "draw"), 1, questions as u64)? as usize)
            }
        };
        Some(Page {
            id: id?,
            title: title?,
            blocks,
            draw,
            shuffle,
        })
    }

    fn block(&mut self, v: &Value, path: &str) -> Option<Block> {
        let Value::Object(map) = v else {
            self.problem(
                path,
                format!("expected a block object, found {}", kind_of(v)),
            );
            return None;
        };
        let kind = match map.get("type") {
            Some(Value::String(t)) => t.as_ref(),
            Some(_) | None => {
                self.problem(
                    child_key(path, "type"),
                    format!("every block needs a `type`: one of {BLOCK_TYPES}"),
                );
                return None;
            }
        };
        match kind {
            "text" => {
                let map = self.object(v, path, &["type", "content"])?;
                let content_path = child_key(path, "content");
                let content = self.required(map, path, "content")?;
                self.lang_map(content, &content_path, |r, v, p| r.rich_blocks(v, p))
                    .map(Block::Text)
            }
            "image" => self.image(v, path).map(Block::Image),
            "flashcards" => self.flashcards(v, path).map(Block::Flashcards),
            "callout" => self.callout(v, path).map(Block::Callout),
            "accordion" => self.accordion(v, path).map(Block::Accordion),
            "audio" | "video" => self.media(v, path, kind == "video").map(Block::Media),
            "branch" => self.branch(v, path).map(Block::Branch),
            "trueFalse" | "choice" | "sequencing" | "matching" | "hotspot" | "fillIn"
            | "longFillIn" | "numeric" | "performance" | "likert" => {
                self.question(v, path, kind).map(Block::Question)
            }
            other => {
                self.problem(
                    child_key(path, "type"),
                    format!("unknown block type `{other}`; expected one of: {BLOCK_TYPES}"),
                );
                None
            }
        }
    }

    fn image(&mut self, v: &Value, path: &str) -> Option<Image> {
        let map = self.object(
            v,
            path,
            &["type", "src", "alt", "caption", "width", "height"],
        )?;
        let src_path = child_key(path, "src");
        let src = self
            .required(map, path, "src")
            .and_then(|v| self.string(v, &src_path));
        if let Some(src) = &src {
            let lower = src.to_ascii_lowercase();
            let relative =
                !src.contains(':') && !src.starts_with('/') && !src.split('/').any(|s| s == "..");
            if !(relative || lower.starts_with("https://")) || src.contains(char::is_whitespace) {
                self.problem(&src_path, "must be a relative path inside the module's folder (no `..`) or an https:// URL");
            }
        }
        let alt = match map.get("alt") {
            Some(v) => self.text(v, &child_key(path, "alt")),
            None => {
                self.problem(
                    child_key(path, "alt"),
                    "missing required field `alt`: every image needs alternative text in every language",
                );
                None
            }
        };
        let caption = self.optional_text(map, path, "caption");
        let width = map
            .get("width")
            .and_then(|v| self.integer(v, &child_key(path, "width"), 1, 10_000));
        let height = map
            .get("height")
            .and_then(|v| self.integer(v, &child_key(path, "height"), 1, 10_000));
        Some(Image {
            src: src?,
            alt: alt?,
            caption,
            width: width.map(|w| w as u32),
            height: height.map(|h| h as u32),
        })
    }

    fn question(&mut self, v: &Value, path: &str, kind: &str) -> Option<Question> {
        let own: &[&str] = match kind {
            "trueFalse" => &["answer"],
            "choice" => &["multiple", "choices"],
            "sequencing" => &["items"],
            "matching" => &["pairs", "distractors"],
            "fillIn" => &["blanks", "caseSensitive"],
            "longFillIn" => &["maxLength", "keywords", "minKeywords"],
            "numeric" => &["answer"],
            "performance" => &["steps", "caseSensitive"],
            "likert" => &["scale"],
            _ => &["image", "regions"],
        };
        let common = [
            "type",
            "id",
            "prompt",
            "points",
            "feedback",
            "competencies",
            "hint",
            "explanation",
            "partialCredit",
        ];
        let allowed: Vec<&str> = common.iter().chain(own).copied().collect();
        let map = self.object(v, path, &allowed)?;
        let id = self.id(map, path);
        if let Some(id) = &id {
            if !self.new_question_id(id) {
                self.problem(
                    child_key(path, "id"),
                    format!("question id `{id}` is used twice in the module"),
                );
            }
        }
        let prompt = self.required_text(map, path, "prompt");
        let competencies = self.competency_refs(map, path);
        let points = match map.get("points") {
            None => Some(1),
            Some(v) => self
                .integer(v, &child_key(path, "points"), 1, 100)
                .map(|p| p as u32),
        };
        let feedback = match map.get("feedback") {
            None => Some(Feedback::default()),
            Some(v) => {
                let fpath = child_key(path, "feedback");
                self.object(v, &fpath, &["correct", "incorrect"])
                    .map(|f| Feedback {
                        correct: self.optional_text(f, &fpath, "correct"),
                        incorrect: self.optional_text(f, &fpath, "incorrect"),
                    })
            }
        };
        let question_kind = match kind {
            "sequencing" => self.sequencing(map, path, id.as_deref().unwrap_or("")),
            "matching" => self.matching(map, path),
            "hotspot" => self.hotspot(map, path),
            "fillIn" => self.fill_in(map, path),
            "longFillIn" => self.long_fill_in(map, path),
            "numeric" => self.numeric(map, path),
            "performance" => self.performance(map, path),
            "likert" => {
                if map.contains_key("points") {
                    self.problem(
                        child_key(path, "points"),
                        "a likert scale is a survey, not scored, so it has no points",
                    );
                }
                self.items(map, path, "scale", (2, 11), &mut Vec::new())
                    .map(|scale| QuestionKind::Likert { scale })
            }
            "trueFalse" => match self.required(map, path, "answer") {
                Some(Value::Bool(answer)) => Some(QuestionKind::TrueFalse { answer: *answer }),
                Some(other) => {
                    let found = kind_of(other);
                    self.problem(
                        child_key(path, "answer"),
                        format!("expected true or false, found {found}"),
                    );
                    None
                }
                None => None,
            },
            _ => {
                let multiple = self.boolean(map, path, "multiple", false);
                self.choices(map, path, multiple)
                    .map(|choices| QuestionKind::Choice { multiple, choices })
            }
        };
        let hint = self.optional_text(map, path, "hint");
        let explanation = self.optional_text(map, path, "explanation");
        let partial_credit = self.boolean(map, path, "partialCredit", false);
        let partial_kinds = match &question_kind {
            Some(QuestionKind::Choice { multiple, .. }) => *multiple,
            Some(QuestionKind::Matching { .. } | QuestionKind::Sequencing { .. }) => true,
            Some(QuestionKind::FillIn { blanks, .. }) => blanks.len() > 1,
            Some(QuestionKind::Performance { steps, .. }) => steps.len() > 1,
            _ => false,
        };
        if partial_credit && question_kind.is_some() && !partial_kinds {
            self.problem(
                child_key(path, "partialCredit"),
                "partial credit needs parts to count: a multiple choice, matching or sequencing question, a fill-in with several blanks or a performance question with several steps",
            );
        }
        Some(Question {
            id: id?,
            prompt: prompt?,
            kind: question_kind?,
            points: points?,
            partial_credit,
            feedback: feedback?,
            hint,
            explanation,
            competencies: competencies?,
        })
    }

    /// A list of `{"id", "text"}` under `key`, `min` to `max` long, ids unique within
    /// `seen` (which it extends, so that sources and targets share one id space).
    fn items(
        &mut self,
        map: &Map,
        path: &str,
        key: &str,
        (min, max): (usize, usize),
        seen: &mut Vec<String>,
    ) -> Option<Vec<Item>> {
        let ipath = child_key(path, key);
        let list = self.required(map, path, key)?;
        let items = self.array(list, &ipath, "item")?;
        if !(min..=max).contains(&items.len()) {
            self.problem(
                &ipath,
                format!("needs {min} to {max} entries, found {}", items.len()),
            );
        }
        let mut out = Vec::new();
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            let p = child_index(&ipath, i);
            match self.item(item, &p, seen) {
                Some(item) => out.push(item),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// One `{"id", "text"}`, its id unique within `seen`.
    fn item(&mut self, v: &Value, path: &str, seen: &mut Vec<String>) -> Option<Item> {
        let map = self.object(v, path, &["id", "text"])?;
        let id = self.id(map, path);
        if let Some(id) = &id {
            if seen.contains(id) {
                self.problem(
                    child_key(path, "id"),
                    format!("id `{id}` is used twice in this question"),
                );
                return None;
            }
            seen.push(id.clone());
        }
        let text = self.required_text(map, path, "text");
        Some(Item {
            id: id?,
            text: text?,
        })
    }

    /// `items`, in their correct order; the first shown order is a fixed shuffle.
    fn sequencing(&mut self, map: &Map, path: &str, question: &str) -> Option<QuestionKind> {
        let items = self.items(map, path, "items", (2, 10), &mut Vec::new())?;
        let start = first_order(question, &items);
        Some(QuestionKind::Sequencing { items, start })
    }

    /// `pairs` of `{"source", "target"}` items, and optional `distractors` (targets that
    /// match nothing).
    fn matching(&mut self, map: &Map, path: &str) -> Option<QuestionKind> {
        let ppath = child_key(path, "pairs");
        let list = self.required(map, path, "pairs")?;
        let items = self.array(list, &ppath, "pair")?;
        if !(2..=10).contains(&items.len()) {
            self.problem(
                &ppath,
                format!("needs 2 to 10 pairs, found {}", items.len()),
            );
        }
        let mut seen = Vec::new();
        let (mut sources, mut targets, mut pairs) = (Vec::new(), Vec::new(), Vec::new());
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            let p = child_index(&ppath, i);
            let Some(pair) = self.object(item, &p, &["source", "target"]) else {
                ok = false;
                continue;
            };
            let source = self
                .required(pair, &p, "source")
                .and_then(|v| self.item(v, &child_key(&p, "source"), &mut seen));
            let target = self
                .required(pair, &p, "target")
                .and_then(|v| self.item(v, &child_key(&p, "target"), &mut seen));
            match (source, target) {
                (Some(source), Some(target)) => {
                    pairs.push((source.id.clone(), target.id.clone()));
                    sources.push(source);
                    targets.push(target);
                }
                _ => ok = false,
            }
        }
        if map.contains_key("distractors") {
            match self.items(map, path, "distractors", (1, 10), &mut seen) {
                Some(extra) => targets.extend(extra),
                None => ok = false,
            }
        }
        ok.then_some(QuestionKind::Matching {
            sources,
            targets,
            pairs,
        })
    }

    /// An `image` (with `width` and `height`) and its `regions`, exactly one correct, each
    /// inside the image.
    fn hotspot(&mut self, map: &Map, path: &str) -> Option<QuestionKind> {
        let ipath = child_key(path, "image");
        let image = self.required(map, path, "image").and_then(|v| {
            let mut with_type = v.clone();
            if let Value::Object(m) = &mut with_type {
                m.insert("type".into(), Value::String("image".into()));
            }
            self.image(&with_type, &ipath)
        });
        let (width, height) = match &image {
            Some(Image {
                width: Some(w),
                height: Some(h),
                ..
            }) => (*w, *h),
            Some(_) => {
                self.problem(
                    &ipath,
                    "a hotspot image needs `width` and `height` (its pixels), which place the regions",
                );
                (0, 0)
            }
            None => (0, 0),
        };
        let rpath = child_key(path, "regions");
        let list = self.required(map, path, "regions")?;
        let items = self.array(list, &rpath, "region")?;
        if !(2..=20).contains(&items.len()) {
            self.problem(
                &rpath,
                format!("needs 2 to 20 regions, found {}", items.len()),
            );
        }
        let mut seen = Vec::new();
        let mut regions = Vec::new();
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            let p = child_index(&rpath, i);
            let Some(r) = self.object(
                item,
                &p,
                &["id", "label", "x", "y", "width", "height", "correct"],
            ) else {
                ok = false;
                continue;
            };
            let id = self.id(r, &p);
            if let Some(id) = &id {
                if seen.contains(id) {
                    self.problem(
                        child_key(&p, "id"),
                        format!("region id `{id}` is used twice in this question"),
                    );
                }
                seen.push(id.clone());
            }
            let label = self.required_text(r, &p, "label");
            let mut number = |key: &str, min: u64| {
                self.required(r, &p, key)
                    .and_then(|v| self.integer(v, &child_key(&p, key), min, 10_000))
                    .map(|n| n as u32)
            };
            let (x, y, w, h) = (
                number("x", 0),
                number("y", 0),
                number("width", 1),
                number("height", 1),
            );
            let correct = self.boolean(r, &p, "correct", false);
            match (id, label, x, y, w, h) {
                (Some(id), Some(label), Some(x), Some(y), Some(w), Some(h)) => {
                    if width > 0 && (x + w > width || y + h > height) {
                        self.problem(
                            &p,
                            format!("the region reaches outside the {width}×{height} image"),
                        );
                        ok = false;
                    }
                    regions.push(Region {
                        id,
                        label,
                        x,
                        y,
                        width: w,
                        height: h,
                        correct,
                    });
                }
                _ => ok = false,
            }
        }
        let correct = regions.iter().filter(|r| r.correct).count();
        if ok && correct != 1 {
            self.problem(
                &rpath,
                format!("needs exactly one region with \"correct\": true, found {correct}"),
            );
            ok = false;
        }
        match (ok && width > 0, image) {
            (true, Some(image)) => Some(QuestionKind::Hotspot { image, regions }),
            _ => None,
        }
    }

    /// `blanks` of `{"id", "accept": [texts]}`; each blank's marker `[[id]]` must appear
    /// exactly once in the prompt of every language, and no other marker may.
    fn fill_in(&mut self, map: &Map, path: &str) -> Option<QuestionKind> {
        let bpath = child_key(path, "blanks");
        let list = self.required(map, path, "blanks")?;
        let items = self.array(list, &bpath, "blank")?;
        if items.len() > 10 {
            self.problem(
                &bpath,
                format!("needs 1 to 10 blanks, found {}", items.len()),
            );
        }
        let mut blanks = Vec::new();
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            let p = child_index(&bpath, i);
            let Some(b) = self.object(item, &p, &["id", "accept"]) else {
                ok = false;
                continue;
            };
            let id = self.id(b, &p);
            let apath = child_key(&p, "accept");
            let accept = self.required(b, &p, "accept").and_then(|v| {
                let list = self.array(v, &apath, "accepted answer")?;
                let mut out = Vec::new();
                for (j, a) in list.iter().enumerate() {
                    let answer = self.string(a, &child_index(&apath, j))?;
                    if answer.chars().count() > 200 {
                        self.problem(
                            child_index(&apath, j),
                            "an accepted answer holds at most 200 characters",
                        );
                        return None;
                    }
                    out.push(answer);
                }
                Some(out)
            });
            if let Some(id) = &id {
                if blanks.iter().any(|b: &Blank| b.id == *id) {
                    self.problem(
                        child_key(&p, "id"),
                        format!("blank id `{id}` is used twice in this question"),
                    );
                    ok = false;
                }
            }
            match (id, accept) {
                (Some(id), Some(accept)) => blanks.push(Blank { id, accept }),
                _ => ok = false,
            }
        }
        // Every language's prompt places every blank once.
        if let Some(Value::Object(prompts)) = map.get("prompt") {
            for (lang, text) in prompts {
                let Some(text) = text.as_str() else { continue };
                let ppath = child_key(&child_key(path, "prompt"), lang);
                let markers = blank_markers(text);
                for blank in &blanks {
                    let n = markers.iter().filter(|m| **m == blank.id).count();
                    if n != 1 {
                        self.problem(
                            &ppath,
                            format!(
                                "must hold the marker [[{}]] exactly once, found it {n} times",
                                blank.id
                            ),
                        );
                        ok = false;
                    }
                }
                for marker in &markers {
                    if !blanks.iter().any(|b| b.id == *marker) {
                        self.problem(&ppath, format!("the marker [[{marker}]] names no blank"));
                        ok = false;
                    }
                }
            }
        }
        let case_sensitive = self.boolean(map, path, "caseSensitive", false);
        ok.then_some(QuestionKind::FillIn {
            blanks,
            case_sensitive,
        })
    }

    /// `maxLength` (default 1000), and optional `keywords` (groups of accepted words) with
    /// `minKeywords` (default all groups).
    fn long_fill_in(&mut self, map: &Map, path: &str) -> Option<QuestionKind> {
        let max_length = match map.get("maxLength") {
            None => Some(1000),
            Some(v) => self
                .integer(v, &child_key(path, "maxLength"), 10, 10_000)
                .map(|n| n as u32),
        };
        let kpath = child_key(path, "keywords");
        let keywords = match map.get("keywords") {
            None => Some(Vec::new()),
            Some(v) => self.array(v, &kpath, "keyword group").and_then(|groups| {
                let mut out = Vec::new();
                for (i, group) in groups.iter().enumerate() {
                    let gpath = child_index(&kpath, i);
                    let words = self.array(group, &gpath, "keyword")?;
                    let mut g = Vec::new();
                    for (j, w) in words.iter().enumerate() {
                        g.push(self.string(w, &child_index(&gpath, j))?);
                    }
                    out.push(g);
                }
                Some(out)
            }),
        }?;
        let min_keywords = match map.get("minKeywords") {
            None => Some(keywords.len() as u32),
            Some(v) if keywords.is_empty() => {
                let _ = v;
                self.problem(
                    child_key(path, "minKeywords"),
                    "only makes sense with `keywords`",
                );
                None
            }
            Some(v) => self
                .integer(v, &child_key(path, "minKeywords"), 1, keywords.len() as u64)
                .map(|n| n as u32),
        }?;
        if keywords.is_empty() && map.contains_key("points") {
            self.problem(
                child_key(path, "points"),
                "a long answer without `keywords` is not scored, so it has no points",
            );
            return None;
        }
        Some(QuestionKind::LongFillIn {
            max_length: max_length?,
            keywords,
            min_keywords,
        })
    }

    /// `answer`: see [`Reader::numeric_answer`].
    fn numeric(&mut self, map: &Map, path: &str) -> Option<QuestionKind> {
        let apath = child_key(path, "answer");
        let answer = self.required(map, path, "answer")?;
        let range = self.numeric_answer(answer, &apath)?;
        Some(QuestionKind::Numeric { answer: range })
    }

    /// The right numbers of a numeric question or a number step: `{"exact": n}`,
    /// `{"min": a, "max": b}` (either bound may be left out), or `{"value": n,
    /// "tolerance": t}`.
    fn numeric_answer(&mut self, answer: &Value, apath: &str) -> Option<NumericRange> {
        let apath = apath.to_string();
        let a = self.object(
            answer,
            &apath,
            &["exact", "min", "max", "value", "tolerance"],
        )?;
        let mut number = |key: &str| -> Option<Option<i64>> {
            match a.get(key) {
                None => Some(None),
                Some(v) => match v.as_f64() {
                    Some(n) if n.abs() < 1e12 => Some(Some((n * 1_000_000.0).round() as i64)),
                    _ => {
                        self.problem(child_key(&apath, key), "expected a number");
                        None
                    }
                },
            }
        };
        let (exact, min, max, value, tolerance) = (
            number("exact")?,
            number("min")?,
            number("max")?,
            number("value")?,
            number("tolerance")?,
        );
        let range = match (exact, min, max, value, tolerance) {
            (Some(e), None, None, None, None) => NumericRange {
                min: Some(e),
                max: Some(e),
            },
            (None, min, max, None, None) if min.is_some() || max.is_some() => {
                if let (Some(lo), Some(hi)) = (min, max) {
                    if lo > hi {
                        self.problem(&apath, "`min` must not be larger than `max`");
                        return None;
                    }
                }
                NumericRange { min, max }
            }
            (None, None, None, Some(v), Some(t)) if t >= 0 => NumericRange {
                min: Some(v - t),
                max: Some(v + t),
            },
            _ => {
                self.problem(
                    &apath,
                    "expected {\"exact\": n}, {\"min\": a, \"max\": b} or {\"value\": n, \"tolerance\": t} (t not negative)",
                );
                return None;
            }
        };
        Some(range)
    }

    /// `steps` of `{"id", "label", "accept": [texts]}` or `{"id", "label", "answer":
    /// {numeric answer}}`, 1 to 10 of them with ids unique in the question, and
    /// `caseSensitive` for the text steps.
    fn performance(&mut self, map: &Map, path: &str) -> Option<QuestionKind> {
        let spath = child_key(path, "steps");
        let list = self.required(map, path, "steps")?;
        let items = self.array(list, &spath, "step")?;
        let mut ok = true;
        if items.len() > 10 {
            self.problem(
                &spath,
                format!("needs 1 to 10 steps, found {}", items.len()),
            );
            ok = false;
        }
        let mut steps: Vec<Step> = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let p = child_index(&spath, i);
            let Some(m) = self.object(item, &p, &["id", "label", "accept", "answer"]) else {
                ok = false;
                continue;
            };
            let id = self.id(m, &p);
            if let Some(id) = &id {
                if steps.iter().any(|s| s.id == *id) {
                    self.problem(
                        child_key(&p, "id"),
                        format!("step id `{id}` is used twice in this question"),
                    );
                    ok = false;
                }
            }
            let label = self.required_text(m, &p, "label");
            let check = match (m.get("accept"), m.get("answer")) {
                (Some(v), None) => {
                    let apath = child_key(&p, "accept");
                    self.accepted_answers(v, &apath)
                        .map(|accept| StepCheck::Text { accept })
                }
                (None, Some(v)) => self
                    .numeric_answer(v, &child_key(&p, "answer"))
                    .map(StepCheck::Number),
                (Some(_), Some(_)) => {
                    self.problem(
                        &p,
                        "a step is checked either by `accept` (texts) or by `answer` (a number), not both",
                    );
                    None
                }
                (None, None) => {
                    self.problem(
                        &p,
                        "a step needs `accept` (accepted texts) or `answer` (a number such as {\"exact\": 3})",
                    );
                    None
                }
            };
            match (id, label, check) {
                (Some(id), Some(label), Some(check)) => steps.push(Step { id, label, check }),
                _ => ok = false,
            }
        }
        let case_sensitive = self.boolean(map, path, "caseSensitive", false);
        ok.then_some(QuestionKind::Performance {
            steps,
            case_sensitive,
        })
    }

    /// A non-empty list of accepted answers, each at most 200 characters and without the
    /// xAPI pattern delimiters `[,]`, `[.]` and `[:]` (a response pattern could not be read
    /// back otherwise).
    fn accepted_answers(&mut self, v: &Value, apath: &str) -> Option<Vec<String>> {
        let list = self.array(v, apath, "accepted answer")?;
        let mut out = Vec::new();
        let mut ok = true;
        for (j, a) in list.iter().enumerate() {
            let p = child_index(apath, j);
            let Some(answer) = self.string(a, &p) else {
                ok = false;
                continue;
            };
            if answer.chars().count() > 200 {
                self.problem(&p, "an accepted answer holds at most 200 characters");
                ok = false;
            } else if ["[,]", "[.]", "[:]"].iter().any(|d| answer.contains(d)) {
                self.problem(
                    &p,
                    "must not contain `[,]`, `[.]` or `[:]`, the separators of xAPI response patterns",
                );
                ok = false;
            }
            out.push(answer);
        }
        ok.then_some(out)
    }

    /// Rich content: a language map of rich blocks.
    fn rich_content(
        &mut self,
        map: &Map,
        path: &str,
        key: &str,
    ) -> Option<LangMap<Vec<RichBlock>>> {
        let content = self.required(map, path, key)?;
        self.lang_map(content, &child_key(path, key), |r, v, p| {
            r.rich_blocks(v, p)
        })
    }

    /// `kind` (info, warning or tip), an optional `title`, and `content`.
    fn callout(&mut self, v: &Value, path: &str) -> Option<Callout> {
        let map = self.object(v, path, &["type", "kind", "title", "content"])?;
        let kind = match map.get("kind").and_then(Value::as_str) {
            None if !map.contains_key("kind") => Some(CalloutKind::Info),
            Some("info") => Some(CalloutKind::Info),
            Some("warning") => Some(CalloutKind::Warning),
            Some("tip") => Some(CalloutKind::Tip),
            _ => {
                self.problem(child_key(path, "kind"), "expected info, warning or tip");
                None
            }
        };
        let title = self.optional_text(map, path, "title");
        let content = self.rich_content(map, path, "content");
        Some(Callout {
            kind: kind?,
            title,
            content: content?,
        })
    }

    /// `sections` of `{"title", "content"}`.
    fn accordion(&mut self, v: &Value, path: &str) -> Option<Vec<Section>> {
        let map = self.object(v, path, &["type", "sections"])?;
        let spath = child_key(path, "sections");
        let list = self.required(map, path, "sections")?;
        let items = self.array(list, &spath, "section")?;
        let mut out = Vec::new();
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            let p = child_index(&spath, i);
            let Some(s) = self.object(item, &p, &["title", "content"]) else {
                ok = false;
                continue;
            };
            let title = self.required_text(s, &p, "title");
            let content = self.rich_content(s, &p, "content");
            match (title, content) {
                (Some(title), Some(content)) => out.push(Section { title, content }),
                _ => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// A media file: `src`, `title`, `captions` (a missing track for video is a warning),
    /// and an optional `transcript`.
    fn media(&mut self, v: &Value, path: &str, video: bool) -> Option<Media> {
        let map = self.object(v, path, &["type", "src", "title", "captions", "transcript"])?;
        let src = self.media_src(map, path, "src");
        let title = self.required_text(map, path, "title");
        let cpath = child_key(path, "captions");
        let captions = match map.get("captions") {
            None => Some(Vec::new()),
            Some(list) => self.array(list, &cpath, "caption track").and_then(|items| {
                let mut out = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    let p = child_index(&cpath, i);
                    let t = self.object(item, &p, &["src", "lang"])?;
                    let src = self.media_src(t, &p, "src")?;
                    let lang = self
                        .required(t, &p, "lang")
                        .and_then(|l| self.string(l, &child_key(&p, "lang")))?;
                    if !self.languages.contains(&lang) {
                        let listed = self.languages.join(", ");
                        self.problem(
                            child_key(&p, "lang"),
                            format!("`{lang}` is not one of the module's languages ({listed})"),
                        );
                        return None;
                    }
                    out.push(Track { src, lang });
                }
                Some(out)
            }),
        };
        if let Some(tracks) = &captions {
            for lang in self.languages.clone() {
                if video && !tracks.iter().any(|t| t.lang == lang) {
                    self.warnings.push((
                        cpath.clone(),
                        format!("no captions in \"{lang}\": learners who cannot hear the video miss what is said"),
                    ));
                }
            }
        }
        let transcript = match map.get("transcript") {
            None => {
                if !video {
                    self.warnings.push((
                        child_key(path, "transcript"),
                        "no transcript: learners who cannot hear the audio miss what is said"
                            .to_string(),
                    ));
                }
                None
            }
            Some(_) => Some(self.rich_content(map, path, "transcript")?),
        };
        Some(Media {
            video,
            src: src?,
            title: title?,
            captions: captions?,
            transcript,
        })
    }

    /// A file path inside the module's folder (no `..`) or an https URL.
    fn media_src(&mut self, map: &Map, path: &str, key: &str) -> Option<String> {
        let p = child_key(path, key);
        let src = self
            .required(map, path, key)
            .and_then(|v| self.string(v, &p))?;
        let lower = src.to_ascii_lowercase();
        let relative =
            !src.contains(':') && !src.starts_with('/') && !src.split('/').any(|s| s == "..");
        if !(relative || lower.starts_with("https://")) || src.contains(char::is_whitespace) {
            self.problem(
                &p,
                "must be a relative path inside the module's folder (no `..`) or an https:// URL",
            );
            return None;
        }
        Some(src)
    }

    /// A branching point: `id`, `prompt`, and 2 to 6 `options` of `{"id", "text",
    /// "goto"}`, where `goto` names a page as `page` (in the same lesson) or
    /// `lesson/page`. Targets are checked once every page is known (see `goto_targets`).
    fn branch(&mut self, v: &Value, path: &str) -> Option<Branch> {
        let map = self.object(v, path, &["type", "id", "prompt", "options"])?;
        let id = self.id(map, path);
        if let Some(id) = &id {
            if !self.new_question_id(id) {
                self.problem(
                    child_key(path, "id"),
                    format!(
                        "id `{id}` is used twice in the module (questions and branches share ids)"
                    ),
                );
            }
        }
        let prompt = self.required_text(map, path, "prompt");
        let opath = child_key(path, "options");
        let list = self.required(map, path, "options")?;
        let items = self.array(list, &opath, "option")?;
        if !(2..=6).contains(&items.len()) {
            self.problem(
                &opath,
                format!("needs 2 to 6 options, found {}", items.len()),
            );
        }
        let mut options = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            let p = child_index(&opath, i);
            let Some(o) = self.object(item, &p, &["id", "text", "goto"]) else {
                ok = false;
                continue;
            };
            let oid = self.id(o, &p);
            if let Some(oid) = &oid {
                if seen.contains(oid) {
                    self.problem(
                        child_key(&p, "id"),
                        format!("option id `{oid}` is used twice in this branch"),
                    );
                    ok = false;
                }
                seen.push(oid.clone());
            }
            let text = self.required_text(o, &p, "text");
            let goto = self
                .required(o, &p, "goto")
                .and_then(|g| self.string(g, &child_key(&p, "goto")));
            match (oid, text, goto) {
                (Some(oid), Some(text), Some(goto)) => {
                    // The lesson is known from the path; the page is found at the end.
                    let lesson = path
                        .strip_prefix("$.lessons[")
                        .and_then(|r| r.split(']').next())
                        .and_then(|n| n.parse::<usize>().ok())
                        .unwrap_or(0);
                    self.gotos.push((child_key(&p, "goto"), lesson, goto));
                    options.push(BranchOption {
                        id: oid,
                        text,
                        goto: (usize::MAX, usize::MAX),
                    });
                }
                _ => ok = false,
            }
        }
        if !ok {
            return None;
        }
        Some(Branch {
            id: id?,
            prompt: prompt?,
            options,
        })
    }

    /// Points every branch option at its page, now that every page is known; a target
    /// that names no page is a problem at its `goto`.
    fn resolve_gotos(&mut self, lessons: &mut [Lesson]) {
        let gotos = std::mem::take(&mut self.gotos);
        let mut targets = Vec::new();
        for (path, lesson, target) in gotos {
            let (l, page_id) = match target.split_once('/') {
                Some((lesson_id, page_id)) => {
                    (lessons.iter().position(|l| l.id == lesson_id), page_id)
                }
                None => (Some(lesson), target.as_str()),
            };
            let found = l.and_then(|l| {
                lessons
                    .get(l)
                    .and_then(|lesson| lesson.pages.iter().position(|p| p.id == page_id))
                    .map(|p| (l, p))
            });
            if found.is_none() {
                self.problem(
                    &path,
                    format!("`{target}` names no page; write a page id of the same lesson, or `lesson/page`"),
                );
            }
            targets.push(found);
        }
        let mut targets = targets.into_iter();
        for lesson in lessons.iter_mut() {
            for page in &mut lesson.pages {
                for block in &mut page.blocks {
                    if let Block::Branch(branch) = block {
                        for option in &mut branch.options {
                            if let Some(Some(target)) = targets.next() {
                                option.goto = target;
                            }
                        }
                    }
                }
            }
        }
    }

    /// `cards` of `{"front", "back"}`.
    fn flashcards(&mut self, v: &Value, path: &str) -> Option<Vec<Flashcard>> {
        let map = self.object(v, path, &["type", "cards"])?;
        let cpath = child_key(path, "cards");
        let list = self.required(map, path, "cards")?;
        let items = self.array(list, &cpath, "card")?;
        if !(1..=50).contains(&items.len()) {
            self.problem(
                &cpath,
                format!("needs 1 to 50 cards, found {}", items.len()),
            );
        }
        let mut out = Vec::new();
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            let p = child_index(&cpath, i);
            let Some(card) = self.object(item, &p, &["front", "back"]) else {
                ok = false;
                continue;
            };
            let front = self.required_text(card, &p, "front");
            let back = self.required_text(card, &p, "back");
            match (front, back) {
                (Some(front), Some(back)) => out.push(Flashcard { front, back }),
                _ => ok = false,
            }
        }
        ok.then_some(out)
    }

    fn choices(&mut self, map: &Map, path: &str, multiple: bool) -> Option<Vec<Choice>> {
        let cpath = child_key(path, "choices");
        let items = self.required(map, path, "choices")?;
        let items = self.array(items, &cpath, "choice")?;
        if !(2..=10).contains(&items.len()) {
            self.problem(
                &cpath,
                format!(
                    "a choice question needs 2 to 10 choices, found {}",
                    items.len()
                ),
            );
        }
        let mut out = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            let p = child_index(&cpath, i);
            let Some(cmap) = self.object(item, &p, &["id", "text", "correct", "feedback"]) else {
                ok = false;
                continue;
            };
            let id = self.id(cmap, &p);
            if let Some(id) = &id {
                if seen.contains(id) {
                    self.problem(
                        child_key(&p, "id"),
                        format!("choice id `{id}` is used twice in this question"),
                    );
                    ok = false;
                }
                seen.push(id.clone());
            }
            let text = self.required_text(cmap, &p, "text");
            let correct = self.boolean(cmap, &p, "correct", false);
            let feedback = self.optional_text(cmap, &p, "feedback");
            match (id, text) {
                (Some(id), Some(text)) => out.push(Choice {
                    id,
                    text,
                    correct,
                    feedback,
                }),
                _ => ok = false,
            }
        }
        let correct = items
            .iter()
            .filter(|c| c.get("correct") == Some(&Value::Bool(true)))
            .count();
        if !multiple && correct != 1 {
            self.problem(&cpath, format!("a single-answer question needs exactly one choice with \"correct\": true, found {correct}"));
            ok = false;
        }
        if multiple && correct == 0 {
            self.problem(
                &cpath,
                "a multiple-answer question needs at least one choice with \"correct\": true",
            );
            ok = false;
        }
        ok.then_some(out)
    }

    fn rich_blocks(&mut self, v: &Value, path: &str) -> Option<Vec<RichBlock>> {
        let items = self.array(v, path, "rich text block")?;
        let mut out = Vec::new();
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            match self.rich_block(item, &child_index(path, i)) {
                Some(b) => out.push(b),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    fn rich_block(&mut self, v: &Value, path: &str) -> Option<RichBlock> {
        let kind = v.get("type").and_then(Value::as_str);
        match kind {
            Some("heading") => {
                let map = self.object(v, path, &["type", "level", "content"])?;
                let level = self
                    .required(map, path, "level")
                    .and_then(|l| self.integer(l, &child_key(path, "level"), 2, 4));
                let content = self.inline_field(map, path);
                Some(RichBlock::Heading {
                    level: level? as u8,
                    content: content?,
                })
            }
            Some("paragraph") => {
                let map = self.object(v, path, &["type", "content"])?;
                self.inline_field(map, path).map(RichBlock::Paragraph)
            }
            Some("list") => {
                let map = self.object(v, path, &["type", "ordered", "items"])?;
                let ordered = self.boolean(map, path, "ordered", false);
                let ipath = child_key(path, "items");
                let items = self.required(map, path, "items")?;
                let items = self.array(items, &ipath, "list item")?;
                let mut out = Vec::new();
                let mut ok = true;
                for (i, item) in items.iter().enumerate() {
                    match self.inlines(item, &child_index(&ipath, i)) {
                        Some(x) => out.push(x),
                        None => ok = false,
                    }
                }
                ok.then_some(RichBlock::List {
                    ordered,
                    items: out,
                })
            }
            Some("quote") => {
                let map = self.object(v, path, &["type", "content"])?;
                self.inline_field(map, path).map(RichBlock::Quote)
            }
            Some("code") => {
                let map = self.object(v, path, &["type", "text"])?;
                let text = self.required(map, path, "text")?;
                self.string(text, &child_key(path, "text"))
                    .map(RichBlock::Code)
            }
            Some("table") => {
                let map = self.object(v, path, &["type", "caption", "header", "rows"])?;
                let caption = self
                    .required(map, path, "caption")
                    .and_then(|c| self.inlines(c, &child_key(path, "caption")));
                let hpath = child_key(path, "header");
                let header = self
                    .required(map, path, "header")
                    .and_then(|h| self.cells(h, &hpath));
                let rpath = child_key(path, "rows");
                let rows = self.required(map, path, "rows").and_then(|r| {
                    let items = self.array(r, &rpath, "row")?;
                    let mut out = Vec::new();
                    let mut ok = true;
                    for (i, row) in items.iter().enumerate() {
                        let p = child_index(&rpath, i);
                        match self.cells(row, &p) {
                            Some(cells) => {
                                let width = header.as_ref().map_or(cells.len(), Vec::len);
                                if cells.len() != width {
                                    self.problem(
                                        &p,
                                        format!(
                                            "has {} cells; the header has {width}",
                                            cells.len()
                                        ),
                                    );
                                    ok = false;
                                }
                                out.push(cells);
                            }
                            None => ok = false,
                        }
                    }
                    ok.then_some(out)
                });
                Some(RichBlock::Table {
                    caption: caption?,
                    header: header?,
                    rows: rows?,
                })
            }
            _ => {
                self.problem(
                    child_key(path, "type"),
                    "expected a rich text block with `type` heading, paragraph, list, quote, code or table",
                );
                None
            }
        }
    }

    /// A row of cells, each a list of inline pieces.
    fn cells(&mut self, v: &Value, path: &str) -> Option<Vec<Vec<Inline>>> {
        let items = self.array(v, path, "cell")?;
        let mut out = Vec::new();
        let mut ok = true;
        for (i, cell) in items.iter().enumerate() {
            match self.inlines(cell, &child_index(path, i)) {
                Some(c) => out.push(c),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    fn inline_field(&mut self, map: &Map, path: &str) -> Option<Vec<Inline>> {
        let content = self.required(map, path, "content")?;
        self.inlines(content, &child_key(path, "content"))
    }

    fn inlines(&mut self, v: &Value, path: &str) -> Option<Vec<Inline>> {
        let items = self.array(v, path, "piece of text")?;
        let mut out = Vec::new();
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            match self.inline(item, &child_index(path, i)) {
                Some(x) => out.push(x),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    fn inline(&mut self, v: &Value, path: &str) -> Option<Inline> {
        if let Value::String(s) = v {
            return Some(Inline::Text(s.to_string()));
        }
        match v.get("type").and_then(Value::as_str) {
            Some("emphasis") => {
                let map = self.object(v, path, &["type", "content"])?;
                self.inline_field(map, path).map(Inline::Emphasis)
            }
            Some("strong") => {
                let map = self.object(v, path, &["type", "content"])?;
                self.inline_field(map, path).map(Inline::Strong)
            }
            Some("link") => {
                let map = self.object(v, path, &["type", "href", "content"])?;
                let hpath = child_key(path, "href");
                let href = self
                    .required(map, path, "href")
                    .and_then(|h| self.string(h, &hpath));
                if let Some(href) = &href {
                    let lower = href.to_ascii_lowercase();
                    let allowed = ["https://", "http://", "mailto:"]
                        .iter()
                        .any(|s| lower.starts_with(s));
                    if !allowed || href.contains(char::is_whitespace) {
                        self.problem(&hpath, "a link must start with https://, http:// or mailto: and contain no spaces");
                    }
                }
                let content = self.inline_field(map, path);
                Some(Inline::Link {
                    href: href?,
                    content: content?,
                })
            }
            Some("code") => {
                let map = self.object(v, path, &["type", "text"])?;
                let text = self.required(map, path, "text")?;
                self.string(text, &child_key(path, "text"))
                    .map(Inline::Code)
            }
            _ => {
                self.problem(
                    path,
                    "expected text (a string) or an object with `type` emphasis, strong, code or link",
                );
                None
            }
        }
    }
}
