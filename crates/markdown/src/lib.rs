//! Pelita's Markdown authoring dialect: one bilingual `.md` file compiled to the module
//! JSON that `pelita_lesson::load_module` reads (see `docs/authoring.md`).
//!
//! The key design decision is a split of the work between two parsers. The structure of a
//! module (front matter, `#` lessons, `##` pages, `::: kind` blocks and the lines inside a
//! question) is a small line language read here by hand, because its lines must carry
//! every language's text side by side (`Merah | Red`) and a general Markdown parser would
//! scatter them. Rich text (paragraphs, lists, quotes, code, tables, links, emphasis) is
//! real CommonMark read by pulldown-cmark inside `::: id` / `::: en` language sections.
//! Every JSON value the compiler writes is recorded with the byte offset it came from, so a
//! problem that the JSON loader finds later at a JSON path is reported at the line and
//! column of the Markdown that produced it. The compiler never stops at the first problem
//! and never panics: malformed input only ever yields located problems.

mod rich;
mod text;

use pelita_lesson::{load_module, LoadError, Module, Problem};
use serde_json::{json, Map, Value};
use text::{attrs, split_langs, Attrs};

/// Compiles Markdown to the module JSON, or lists every problem found, each located by
/// line and column (and by the JSON path of the construct it was building).
pub fn to_json(src: &str) -> Result<Value, Vec<Problem>> {
    compile(src).map(|(value, _)| value)
}

/// A compiled module: its JSON, and where in the Markdown each JSON path was written, for
/// tools that check the JSON further (such as `pelita check` looking for image files).
#[derive(Debug)]
pub struct Compiled {
    /// The module JSON.
    pub json: Value,
    map: SourceMap,
}

impl Compiled {
    /// Compiles Markdown, keeping the source map.
    pub fn new(src: &str) -> Result<Compiled, Vec<Problem>> {
        compile(src).map(|(json, map)| Compiled { json, map })
    }

    /// The line and column of the Markdown that wrote `path` (or its nearest ancestor).
    pub fn locate(&self, path: &str) -> (usize, usize) {
        let p = self.map.place(Problem {
            path: path.to_string(),
            line: None,
            column: None,
            message: String::new(),
        });
        (p.line.unwrap_or(1), p.column.unwrap_or(1))
    }

    /// The problem, found in the JSON, placed at the Markdown that wrote its path.
    pub fn place(&self, problem: Problem) -> Problem {
        self.map.place(problem)
    }
}

/// Compiles Markdown and loads the result as a module. Problems and warnings found by the
/// JSON loader are reported at the line and column of the Markdown they came from.
pub fn load(src: &str) -> Result<Module, Vec<Problem>> {
    load_with_json(src).map(|(module, _)| module)
}

/// What the player's Markdown reader (the `pelita-convert` wasm) hands back for a module
/// that loads: the module JSON, which the player then reads with its own loader, and the
/// warnings, already placed on the Markdown and prefixed with the file name.
#[derive(Debug, Clone, PartialEq)]
pub struct ForPlayer {
    /// The module JSON text.
    pub json: String,
    /// Each warning as `file:line:column: path: message`.
    pub warnings: Vec<String>,
}

/// Compiles and checks a Markdown module for the player. Every problem, placed on the
/// Markdown, comes back as a `file:line:column: path: message` line, the same lines
/// `pelita check` prints, so the error page shows an author where to look.
pub fn for_player(src: &str, file: &str) -> Result<ForPlayer, Vec<String>> {
    let lines = |problems: Vec<Problem>| -> Vec<String> {
        problems.iter().map(|p| format!("{file}:{p}")).collect()
    };
    match load_with_json(src) {
        Ok((module, json)) => Ok(ForPlayer {
            json,
            warnings: lines(module.warnings),
        }),
        Err(problems) => Err(lines(problems)),
    }
}

/// Compiles, then loads, keeping the JSON text that loaded.
fn load_with_json(src: &str) -> Result<(Module, String), Vec<Problem>> {
    let (value, map) = compile(src)?;
    let json = value.to_string();
    match load_module(&json) {
        Ok(mut module) => {
            module.warnings = module.warnings.into_iter().map(|p| map.place(p)).collect();
            Ok((module, json))
        }
        Err(LoadError::Invalid(problems)) => {
            Err(problems.into_iter().map(|p| map.place(p)).collect())
        }
        // The compiler writes JSON with serde_json, so this cannot happen; it is reported
        // rather than assumed.
        Err(e) => Err(e.problems().into_iter().map(|p| map.place(p)).collect()),
    }
}

/// The source position of every JSON path the compiler wrote.
#[derive(Debug, Default)]
struct SourceMap {
    /// JSON path and its 1-based line and column, in the order written.
    places: Vec<(String, (usize, usize))>,
}

impl SourceMap {
    /// The problem with its line and column replaced by those of the nearest recorded
    /// ancestor of its path (a missing key is reported where its object was written).
    fn place(&self, mut problem: Problem) -> Problem {
        let mut path = problem.path.as_str();
        loop {
            if let Some((_, (line, column))) = self.places.iter().find(|(p, _)| p == path) {
                problem.line = Some(*line);
                problem.column = Some(*column);
                return problem;
            }
            match parent(path) {
                Some(p) => path = p,
                None => {
                    problem.line = Some(1);
                    problem.column = Some(1);
                    return problem;
                }
            }
        }
    }
}

/// The path of the value holding `path`: `$.a.b[2]` → `$.a.b` → `$.a` → `$`.
fn parent(path: &str) -> Option<&str> {
    if path == "$" {
        return None;
    }
    let mut depth = 0i32;
    let mut quoted = false;
    let mut cut = None;
    for (i, c) in path.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '[' if !quoted => {
                if depth == 0 {
                    cut = Some(i);
                }
                depth += 1;
            }
            ']' if !quoted => depth -= 1,
            '.' if !quoted && depth == 0 => cut = Some(i),
            _ => {}
        }
    }
    match cut {
        Some(0) | None => Some("$"),
        Some(i) => path.get(..i),
    }
}

/// One line of the source: its text without the line break and its byte offset.
#[derive(Debug, Clone, Copy)]
struct Line<'a> {
    text: &'a str,
    start: usize,
}

/// A `::: kind {attrs}` block with what it holds, read before it is interpreted.
#[derive(Debug)]
struct Fence<'a> {
    kind: &'a str,
    attrs: Attrs,
    /// The offset of the opening line.
    at: usize,
    /// The lines and fences between the opening and the closing line.
    body: Vec<Node<'a>>,
    /// The byte range of the text between the opening and the closing line.
    inner: (usize, usize),
}

#[derive(Debug)]
enum Node<'a> {
    Line(Line<'a>),
    Fence(Fence<'a>),
}

/// How deep `:::` blocks may nest.
const MAX_DEPTH: usize = 8;

/// The compiler's state: the source, the module's languages, and what it found.
struct Compiler<'a> {
    src: &'a str,
    /// How many `:::` blocks the line being read is inside.
    depth: usize,
    line_starts: Vec<usize>,
    langs: Vec<String>,
    problems: Vec<Problem>,
    map: SourceMap,
}

fn compile(src: &str) -> Result<(Value, SourceMap), Vec<Problem>> {
    let mut c = Compiler {
        src,
        line_starts: std::iter::once(0)
            .chain(src.match_indices('\n').map(|(i, _)| i + 1))
            .collect(),
        depth: 0,
        langs: Vec::new(),
        problems: Vec::new(),
        map: SourceMap::default(),
    };
    let lines = c.lines();
    let value = c.module(&lines);
    if c.problems.is_empty() {
        Ok((value, c.map))
    } else {
        Err(c.problems)
    }
}

/// Keys a question or block line may start with, as `key: value`.
const FIELDS: &[&str] = &[
    "correct",
    "incorrect",
    "hint",
    "explanation",
    "answer",
    "keywords",
    "title",
    "caption",
    "src",
    "captions",
    "image",
];

/// The lines inside a block, sorted by what they are.
#[derive(Debug, Default)]
struct Body {
    /// The JSON path of the block, for problems.
    path: String,
    /// The prompt: every plain line, joined with spaces, and the offset of its first line.
    prompt: Option<(String, usize)>,
    /// `key: value` lines.
    fields: Vec<(String, String, usize)>,
    /// Where each of `fields` starts (its key), in the same order.
    field_starts: Vec<usize>,
    /// List items with their optional `> feedback`.
    items: Vec<ListItem>,
}

#[derive(Debug)]
struct ListItem {
    text: String,
    at: usize,
    feedback: Option<(String, usize)>,
}

/// What a `| …` continuation line adds to.
#[derive(Clone, Copy)]
enum Last {
    None,
    Prompt,
    Field,
    Item,
    Feedback,
}

impl<'a> Compiler<'a> {
    fn lines(&self) -> Vec<Line<'a>> {
        let mut out = Vec::new();
        let mut start = 0;
        for piece in self.src.split('\n') {
            let text = piece.strip_suffix('\r').unwrap_or(piece);
            out.push(Line { text, start });
            start += piece.len() + 1;
        }
        out
    }

    /// The 1-based line and column (in characters) of a byte offset.
    fn position(&self, offset: usize) -> (usize, usize) {
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.line_starts.get(line).copied().unwrap_or(0);
        let column = self
            .src
            .get(start..offset.min(self.src.len()))
            .map_or(0, |s| s.chars().count());
        (line + 1, column + 1)
    }

    fn problem(&mut self, offset: usize, path: &str, message: impl Into<String>) {
        let (line, column) = self.position(offset);
        self.problems.push(Problem {
            path: path.to_string(),
            line: Some(line),
            column: Some(column),
            message: message.into(),
        });
    }

    fn record(&mut self, path: &str, offset: usize) {
        let place = self.position(offset);
        self.map.places.push((path.to_string(), place));
    }

    /// A language map from `a | b` text starting at `offset`, recorded at `path`.
    fn langmap(&mut self, text: &str, offset: usize, path: &str) -> Value {
        self.record(path, offset);
        let parts = split_langs(text);
        if parts.len() > self.langs.len() {
            self.problem(
                offset,
                path,
                format!(
                    "expected at most {} texts separated by `|` ({}), found {}",
                    self.langs.len(),
                    self.langs.join(" | "),
                    parts.len()
                ),
            );
        }
        let mut map = Map::new();
        for (lang, part) in self.langs.clone().iter().zip(parts) {
            if !part.is_empty() {
                self.record(&format!("{path}.{lang}"), offset);
                map.insert(lang.clone(), Value::String(part));
            }
        }
        Value::Object(map)
    }

    fn module(&mut self, lines: &[Line<'a>]) -> Value {
        let mut root = Map::new();
        root.insert("pelita".into(), json!(1));
        self.record("$", 0);
        let body_from = self.front_matter(lines, &mut root);
        let nodes = self.nodes(lines, body_from, None).0;
        let mut lessons: Vec<Value> = Vec::new();
        let mut lesson: Option<Map<String, Value>> = None;
        let mut pages: Vec<Value> = Vec::new();
        let mut page: Option<(Map<String, Value>, Vec<Value>)> = None;
        let mut run: Vec<(String, &Fence)> = Vec::new();
        let mut text_at = 0;
        for node in &nodes {
            // Language sections side by side form one text block; anything else ends it.
            let is_section =
                matches!(node, Node::Fence(f) if self.langs.iter().any(|l| l == f.kind));
            if !is_section && !run.is_empty() {
                self.flush_text(&mut run, &mut page, lessons.len(), pages.len(), text_at);
            }
            match node {
                Node::Line(line) => {
                    let t = line.text.trim();
                    if t.is_empty() {
                        continue;
                    }
                    if let Some(title) = heading(t, 1) {
                        if let Some((p, blocks)) = page.take() {
                            pages.push(self.finish_page(p, blocks));
                        }
                        if let Some(l) = lesson.take() {
                            lessons.push(self.finish_lesson(l, std::mem::take(&mut pages)));
                        }
                        let path = format!("$.lessons[{}]", lessons.len());
                        lesson = Some(self.titled(title, line, &path, true));
                    } else if let Some(title) = heading(t, 2) {
                        if let Some((p, blocks)) = page.take() {
                            pages.push(self.finish_page(p, blocks));
                        }
                        let path = format!("$.lessons[{}].pages[{}]", lessons.len(), pages.len());
                        if lesson.is_none() {
                            self.problem(
                                line.start,
                                &path,
                                "expected a `# Lesson title` line before the first `## Page title`",
                            );
                        }
                        page = Some((self.titled(title, line, &path, false), Vec::new()));
                    } else if t.starts_with("![") {
                        let Some(path) =
                            self.block_path(&page, lessons.len(), pages.len(), line.start)
                        else {
                            continue;
                        };
                        let image = self.image_line(t, line.start + indent(line.text), &path, true);
                        if let Some((_, blocks)) = page.as_mut() {
                            blocks.push(image);
                        }
                    } else {
                        let path = self
                            .block_path(&page, lessons.len(), pages.len(), line.start)
                            .unwrap_or_else(|| "$".into());
                        self.problem(
                            line.start,
                            &path,
                            format!(
                                "expected `# Lesson`, `## Page`, an image line `![alt](src)`, a language section `::: {}` or a block such as `::: choice`; text goes inside language sections",
                                self.langs.first().map_or("id", String::as_str)
                            ),
                        );
                    }
                }
                Node::Fence(f) if is_section => {
                    self.plain_section(f);
                    if run.is_empty() {
                        text_at = f.at;
                    }
                    if run.iter().any(|(l, _)| l == f.kind) {
                        self.flush_text(&mut run, &mut page, lessons.len(), pages.len(), text_at);
                        text_at = f.at;
                    }
                    run.push((f.kind.to_string(), f));
                }
                Node::Fence(f) => {
                    let Some(path) = self.block_path(&page, lessons.len(), pages.len(), f.at)
                    else {
                        continue;
                    };
                    let block = self.block(f, &path);
                    if let Some((_, blocks)) = page.as_mut() {
                        blocks.push(block);
                    }
                }
            }
        }
        if !run.is_empty() {
            self.flush_text(&mut run, &mut page, lessons.len(), pages.len(), text_at);
        }
        if let Some((p, blocks)) = page.take() {
            pages.push(self.finish_page(p, blocks));
        }
        if let Some(l) = lesson.take() {
            lessons.push(self.finish_lesson(l, pages));
        }
        if lessons.is_empty() && self.problems.is_empty() {
            self.problem(self.src.len(), "$.lessons", "expected at least one lesson: a `# Lesson title` line followed by a `## Page title` line and its blocks");
        }
        root.insert("lessons".into(), Value::Array(lessons));
        Value::Object(root)
    }

    /// The path of the next block of the current page, or a problem if there is no page.
    fn block_path(
        &mut self,
        page: &Option<(Map<String, Value>, Vec<Value>)>,
        lesson: usize,
        pages: usize,
        at: usize,
    ) -> Option<String> {
        match page {
            Some((_, blocks)) => Some(format!(
                "$.lessons[{lesson}].pages[{pages}].blocks[{}]",
                blocks.len()
            )),
            None => {
                self.problem(
                    at,
                    "$",
                    "expected a `## Page title` line before the first block",
                );
                None
            }
        }
    }

    fn flush_text(
        &mut self,
        run: &mut Vec<(String, &Fence)>,
        page: &mut Option<(Map<String, Value>, Vec<Value>)>,
        lesson: usize,
        pages: usize,
        at: usize,
    ) {
        let sections = std::mem::take(run);
        let Some(path) = self.block_path(page, lesson, pages, at) else {
            return;
        };
        self.record(&path, at);
        let content = self.sections(&sections, &format!("{path}.content"));
        if let Some((_, blocks)) = page.as_mut() {
            blocks.push(json!({ "type": "text", "content": content }));
        }
    }

    /// A LangMap of rich blocks from language sections.
    fn sections(&mut self, sections: &[(String, &Fence)], path: &str) -> Value {
        let mut map = Map::new();
        if let Some((_, f)) = sections.first() {
            self.record(path, f.at);
        }
        for (lang, f) in sections {
            let p = format!("{path}.{lang}");
            self.record(&p, f.at);
            for node in &f.body {
                if let Node::Fence(inner) = node {
                    self.problem(inner.at, &p, "expected rich text inside a language section, not another `:::` block; close the section with `:::` first");
                }
            }
            let text = self.src.get(f.inner.0..f.inner.1).unwrap_or("");
            let blocks = rich::blocks(self, text, f.inner.0, &p);
            map.insert(lang.clone(), Value::Array(blocks));
        }
        Value::Object(map)
    }

    /// A lesson or page object with its title and id from a heading.
    fn titled(&mut self, title: &str, line: &Line, path: &str, lesson: bool) -> Map<String, Value> {
        let at = line.start + indent(line.text);
        self.record(path, at);
        let (text, attrs) = attrs(title);
        let mut m = Map::new();
        let id = match &attrs.id {
            Some(id) => id.clone(),
            None => slug(split_langs(&text).first().map_or("", String::as_str)),
        };
        self.record(&format!("{path}.id"), at);
        m.insert("id".into(), Value::String(id));
        let t = self.langmap(&text, at, &format!("{path}.title"));
        m.insert("title".into(), t);
        for (key, value) in &attrs.pairs {
            if lesson && key == "competencies" {
                self.record(&format!("{path}.competencies"), at);
                m.insert("competencies".into(), list(value));
            } else if !lesson && key == "draw" {
                // A question pool: the loader checks the number against the page's questions.
                self.record(&format!("{path}.draw"), at);
                match number(value) {
                    Some(n) => {
                        m.insert("draw".into(), n);
                    }
                    None => self.problem(
                        at,
                        &format!("{path}.draw"),
                        format!("expected a number of questions, found `{value}`"),
                    ),
                }
            } else {
                self.problem(
                    at,
                    path,
                    format!(
                        "unknown attribute `{key}`: expected `{{#id}}`{}",
                        if lesson {
                            " or `competencies=IRI,IRI`"
                        } else {
                            ", `draw=N` or `shuffle`"
                        }
                    ),
                );
            }
        }
        for flag in &attrs.flags {
            if !lesson && flag == "shuffle" {
                self.record(&format!("{path}.shuffle"), at);
                m.insert("shuffle".into(), Value::Bool(true));
                continue;
            }
            self.problem(
                at,
                path,
                format!("unknown attribute `{flag}`: expected `{{#id}}`"),
            );
        }
        m
    }

    fn finish_page(&mut self, mut page: Map<String, Value>, blocks: Vec<Value>) -> Value {
        page.insert("blocks".into(), Value::Array(blocks));
        Value::Object(page)
    }

    fn finish_lesson(&mut self, mut lesson: Map<String, Value>, pages: Vec<Value>) -> Value {
        lesson.insert("pages".into(), Value::Array(pages));
        Value::Object(lesson)
    }

    /// Reads the front matter into `root` and returns the index of the first body line.
    fn front_matter(&mut self, lines: &[Line<'a>], root: &mut Map<String, Value>) -> usize {
        // A byte order mark, which some editors write, is not part of the text.
        if lines
            .first()
            .map(|l| l.text.trim_start_matches('\u{feff}').trim())
            != Some("---")
        {
            self.problem(0, "$", "expected front matter: a `---` line, then `id:`, `languages:`, `title:` and `masteryScore:` lines, then `---`");
            self.langs = vec!["id".into(), "en".into()];
            return 0;
        }
        let Some(end) = lines
            .iter()
            .skip(1)
            .position(|l| l.text.trim() == "---")
            .map(|i| i + 1)
        else {
            self.problem(
                0,
                "$",
                "the front matter opened here is never closed: expected a `---` line after it",
            );
            self.langs = vec!["id".into(), "en".into()];
            return lines.len();
        };
        let mut entries: Vec<(&str, String, usize)> = Vec::new();
        let mut competencies: Vec<(&str, usize)> = Vec::new();
        let mut in_competencies = false;
        for line in &lines[1..end] {
            let t = line.text.trim();
            if t.is_empty() || t.starts_with('#') {
                continue;
            }
            let at = line.start + indent(line.text);
            // A `| …` line continues the value above it in the next language.
            if let Some(more) = t.strip_prefix('|') {
                match entries.last_mut() {
                    Some((_, value, _)) if !in_competencies => {
                        value.push_str(" | ");
                        value.push_str(more.trim());
                    }
                    _ => self.problem(at, "$", "a `| …` line continues the text above it in the next language, but there is none"),
                }
                continue;
            }
            if let Some(item) = t.strip_prefix("- ") {
                if in_competencies {
                    competencies.push((item.trim(), at + 2));
                } else {
                    self.problem(at, "$", "expected a `key: value` line; a `- ` list item belongs under `competencies:`");
                }
                continue;
            }
            match t.split_once(':') {
                Some((key, value)) if !key.trim().is_empty() && !key.contains(' ') => {
                    let value = value.trim();
                    let value_at = at + t.len() - t[key.len() + 1..].trim_start().len();
                    in_competencies = key == "competencies";
                    if !in_competencies {
                        entries.push((key, value.to_string(), value_at));
                    } else if !value.is_empty() {
                        self.problem(value_at, "$.competencies", "expected the competencies as `- IRI = label | label` lines below `competencies:`");
                    }
                }
                _ => self.problem(at, "$", "expected a `key: value` line in the front matter"),
            }
        }
        // The languages come first: every text is split by them.
        match entries.iter().find(|(k, _, _)| *k == "languages") {
            Some((_, v, at)) => {
                self.record("$.languages", *at);
                self.langs = match list(v.as_str()) {
                    Value::Array(a) => a
                        .iter()
                        .filter_map(|x| x.as_str().map(String::from))
                        .collect(),
                    _ => Vec::new(),
                };
                if self.langs.is_empty() {
                    self.problem(
                        *at,
                        "$.languages",
                        "expected at least one language tag, as `languages: [id, en]`",
                    );
                }
            }
            None => {
                self.problem(
                    0,
                    "$.languages",
                    "expected a `languages: [id, en]` line in the front matter",
                );
            }
        }
        if self.langs.is_empty() {
            self.langs = vec!["id".into(), "en".into()];
        }
        root.insert("languages".into(), json!(self.langs));
        for (key, value, at) in entries {
            let path = format!("$.{key}");
            self.record(&path, at);
            let value = value.as_str();
            let v = match key {
                "languages" => continue,
                "id" | "retry" | "defaultLanguage" => Value::String(value.to_string()),
                "title" | "description" => self.langmap(value, at, &path),
                "shuffleChoices" => match value.trim() {
                    "true" => Value::Bool(true),
                    "false" => Value::Bool(false),
                    other => {
                        self.problem(
                            at,
                            &path,
                            format!("expected true or false, found `{other}`"),
                        );
                        continue;
                    }
                },
                "masteryScore" | "maxAttempts" => match number(value) {
                    Some(n) => n,
                    None => {
                        self.problem(at, &path, format!("expected a number, found `{value}`"));
                        continue;
                    }
                },
                _ => {
                    self.problem(at, &path, format!("unknown front matter key `{key}`: expected id, languages, defaultLanguage, title, description, masteryScore, maxAttempts, retry, shuffleChoices or competencies"));
                    continue;
                }
            };
            if root.contains_key(key) {
                self.problem(at, &path, format!("`{key}` is given twice"));
            }
            root.insert(key.to_string(), v);
        }
        if !competencies.is_empty() {
            self.record("$.competencies", competencies[0].1);
            let mut list = Vec::new();
            for (i, (item, at)) in competencies.into_iter().enumerate() {
                let path = format!("$.competencies[{i}]");
                self.record(&path, at);
                let (iri, rest) = item.split_once(char::is_whitespace).unwrap_or((item, ""));
                let rest = rest.trim_start();
                let label = rest
                    .strip_prefix('=')
                    .or_else(|| rest.strip_prefix(':'))
                    .unwrap_or(rest)
                    .trim();
                let label_at = at + item.len() - label.len();
                let label = self.langmap(label, label_at, &format!("{path}.label"));
                self.record(&format!("{path}.id"), at);
                list.push(json!({ "id": iri, "label": label }));
            }
            root.insert("competencies".into(), Value::Array(list));
        }
        end + 1
    }

    /// Reads lines from `from` into nodes until the closing `:::` of `open` (if any).
    /// Returns the nodes and the index after the closing line.
    fn nodes(
        &mut self,
        lines: &[Line<'a>],
        from: usize,
        open: Option<usize>,
    ) -> (Vec<Node<'a>>, usize, bool) {
        let mut out = Vec::new();
        let mut i = from;
        let mut code: Option<&str> = None;
        while let Some(line) = lines.get(i) {
            let t = line.text.trim();
            if let Some(fence) = code {
                if t.starts_with(fence) {
                    code = None;
                }
                out.push(Node::Line(*line));
                i += 1;
                continue;
            }
            if t.starts_with("```") || t.starts_with("~~~") {
                code = t.get(..3);
                out.push(Node::Line(*line));
                i += 1;
                continue;
            }
            if t.starts_with(":::") {
                let rest = t.trim_start_matches(':').trim();
                if rest.is_empty() {
                    if open.is_some() {
                        return (out, i + 1, true);
                    }
                    self.problem(
                        line.start,
                        "$",
                        "this `:::` closes nothing: expected `::: kind` to open a block first",
                    );
                    i += 1;
                    continue;
                }
                let at = line.start + indent(line.text);
                let (kind_text, attrs) = attrs(rest);
                let kind = rest.split_whitespace().next().unwrap_or("");
                let kind = if kind.contains('{') || kind_text.trim().is_empty() {
                    ""
                } else {
                    kind
                };
                // Blocks nest a few levels deep (an accordion's sections hold language
                // sections); a bound keeps hostile input from exhausting the stack.
                if self.depth >= MAX_DEPTH {
                    self.problem(
                        at,
                        "$",
                        format!("blocks are nested too deeply: expected at most {MAX_DEPTH} `:::` levels"),
                    );
                    out.push(Node::Line(*line));
                    i += 1;
                    continue;
                }
                let inner_start = line.start + line.text.len() + 1;
                self.depth += 1;
                let (body, next, closed) = self.nodes(lines, i + 1, Some(i));
                self.depth -= 1;
                let inner_end = if closed {
                    lines.get(next - 1).map_or(self.src.len(), |l| l.start)
                } else {
                    self.problem(
                        at,
                        "$",
                        format!(
                            "`::: {kind}` is never closed: expected a line `:::` after its content"
                        ),
                    );
                    self.src.len()
                };
                out.push(Node::Fence(Fence {
                    kind,
                    attrs,
                    at,
                    body,
                    inner: (inner_start.min(inner_end), inner_end),
                }));
                i = next;
                continue;
            }
            out.push(Node::Line(*line));
            i += 1;
        }
        (out, i, false)
    }

    /// Sorts a block's lines into prompt, fields and list items.
    fn body(&mut self, f: &Fence, path: &str, lists: bool) -> Body {
        let mut b = Body {
            path: path.to_string(),
            ..Body::default()
        };
        let mut last = Last::None;
        for node in &f.body {
            let Node::Line(line) = node else { continue };
            let t = line.text.trim();
            if t.is_empty() {
                continue;
            }
            let at = line.start + indent(line.text);
            if let Some(more) = t.strip_prefix('|') {
                let add = |s: &mut String| {
                    s.push_str(" | ");
                    s.push_str(more.trim());
                };
                match last {
                    Last::Prompt => b.prompt.as_mut().map(|p| add(&mut p.0)),
                    Last::Field => b.fields.last_mut().map(|p| add(&mut p.1)),
                    Last::Item => b.items.last_mut().map(|p| add(&mut p.text)),
                    Last::Feedback => b
                        .items
                        .last_mut()
                        .and_then(|p| p.feedback.as_mut())
                        .map(|p| add(&mut p.0)),
                    Last::None => {
                        self.problem(at, path, "a `| …` line continues the text above it in the next language, but there is none");
                        None
                    }
                };
                continue;
            }
            if let Some(fb) = t.strip_prefix('>') {
                match b.items.last_mut() {
                    Some(item) if lists && indent(line.text) > 0 => {
                        if item.feedback.is_some() {
                            self.problem(at, path, "this item already has its `> feedback`: expected one feedback line per item");
                        }
                        item.feedback = Some((
                            fb.trim().to_string(),
                            at + 1 + (fb.len() - fb.trim_start().len()),
                        ));
                        last = Last::Feedback;
                    }
                    _ => self.problem(
                        at,
                        path,
                        "expected `> feedback` indented under a `- ` list item",
                    ),
                }
                continue;
            }
            if let Some(item) = list_item(t) {
                if lists {
                    let item_at = at + t.len() - item.len();
                    b.items.push(ListItem {
                        text: item.to_string(),
                        at: item_at,
                        feedback: None,
                    });
                    last = Last::Item;
                } else {
                    self.problem(
                        at,
                        path,
                        format!("`::: {}` takes no `- ` list items", f.kind),
                    );
                }
                continue;
            }
            if let Some((key, value)) = t.split_once(':') {
                if FIELDS.contains(&key) {
                    let v = value.trim();
                    b.fields
                        .push((key.to_string(), v.to_string(), at + t.len() - v.len()));
                    b.field_starts.push(at);
                    last = Last::Field;
                    continue;
                }
            }
            match b.prompt.as_mut() {
                Some(p) => {
                    p.0.push(' ');
                    p.0.push_str(t);
                }
                None => b.prompt = Some((t.to_string(), at)),
            }
            last = Last::Prompt;
        }
        b
    }

    fn field<'b>(&mut self, body: &'b Body, key: &str) -> Option<&'b (String, String, usize)> {
        let mut found = body
            .fields
            .iter()
            .zip(&body.field_starts)
            .filter(|((k, _, _), _)| k == key);
        let first = found.next().map(|(field, _)| field);
        if let Some((_, at)) = found.next() {
            self.problem(*at, &body.path, format!("`{key}:` is given twice"));
        }
        first
    }

    /// Reports every `key:` line of `body` that `allowed` does not list.
    fn only_fields(&mut self, body: &Body, kind: &str, allowed: &[&str]) {
        for ((key, _, _), at) in body.fields.iter().zip(&body.field_starts) {
            if !allowed.contains(&key.as_str()) {
                let expected = if allowed.is_empty() {
                    "it takes no `key:` lines".to_string()
                } else {
                    format!(
                        "expected {}",
                        allowed
                            .iter()
                            .map(|k| format!("`{k}:`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                self.problem(
                    *at,
                    &body.path,
                    format!("`{key}:` does not belong in `::: {kind}`: {expected}"),
                );
            }
        }
    }

    fn block(&mut self, f: &Fence, path: &str) -> Value {
        self.record(path, f.at);
        let question = matches!(
            f.kind,
            "choice"
                | "trueFalse"
                | "sequencing"
                | "matching"
                | "hotspot"
                | "fillIn"
                | "longFillIn"
                | "numeric"
                | "performance"
                | "likert"
        );
        if question {
            return self.question(f, path);
        }
        match f.kind {
            "callout" => self.callout(f, path),
            "accordion" => self.accordion(f, path),
            "flashcards" => self.flashcards(f, path),
            "branch" => self.branch(f, path),
            "audio" | "video" => self.media(f, path),
            "image" => {
                self.no_nested(f, path, "", false);
                self.attrs_into(f, path, &mut Map::new(), &[], &[]);
                let body = self.body(f, path, false);
                self.only_fields(&body, f.kind, &["caption"]);
                match &body.prompt {
                    Some((line, at)) if line.starts_with("![") => {
                        let mut img = self.image_line(line, *at, path, true);
                        if let Some((_, c, at)) = self.field(&body, "caption") {
                            let cap = self.langmap(c, *at, &format!("{path}.caption"));
                            if let Some(o) = img.as_object_mut() {
                                o.insert("caption".into(), cap);
                            }
                        }
                        img
                    }
                    _ => {
                        self.problem(
                            f.at,
                            path,
                            "expected an image line `![alt | alt](src)` inside `::: image`",
                        );
                        json!({ "type": "image" })
                    }
                }
            }
            "" => {
                self.problem(f.at, path, "expected a block kind or a language after `:::`, such as `::: choice` or `::: id`");
                Value::Null
            }
            other => {
                self.problem(
                    f.at,
                    path,
                    format!(
                        "unknown block `::: {other}`: expected a language section ({}) or one of callout, accordion, flashcards, branch, audio, video, image, choice, trueFalse, fillIn, matching, sequencing, numeric, performance, likert, longFillIn, hotspot",
                        self.langs.join(", ")
                    ),
                );
                Value::Null
            }
        }
    }

    /// Reports attributes on a language section, which takes none.
    fn plain_section(&mut self, f: &Fence) {
        if f.attrs.id.is_some() || !f.attrs.pairs.is_empty() || !f.attrs.flags.is_empty() {
            self.problem(
                f.at,
                "$",
                format!(
                    "a language section takes no attributes: expected a line `::: {}` alone",
                    f.kind
                ),
            );
        }
    }

    /// The language sections directly inside a block, grouped into one rich LangMap.
    fn inner_sections(&mut self, f: &Fence, path: &str) -> Option<Value> {
        let mut run: Vec<(String, &Fence)> = Vec::new();
        for node in &f.body {
            if let Node::Fence(inner) = node {
                if self.langs.iter().any(|l| l == inner.kind) {
                    self.plain_section(inner);
                    run.push((inner.kind.to_string(), inner));
                }
            }
        }
        if run.is_empty() {
            None
        } else {
            Some(self.sections(&run, path))
        }
    }

    /// Reports fences inside `f` other than `allowed` and (where `sections`) language
    /// sections.
    fn no_nested(&mut self, f: &Fence, path: &str, allowed: &str, sections: bool) {
        for node in &f.body {
            if let Node::Fence(inner) = node {
                let is_section = self.langs.iter().any(|l| l == inner.kind);
                if is_section && !sections {
                    self.problem(
                        inner.at,
                        path,
                        format!(
                            "`::: {}` cannot be inside `::: {}`: its texts are `{}` lines",
                            inner.kind,
                            f.kind,
                            self.langs.join(" | ")
                        ),
                    );
                } else if !is_section && inner.kind != allowed {
                    self.problem(
                        inner.at,
                        path,
                        format!("`::: {}` cannot be inside `::: {}`", inner.kind, f.kind),
                    );
                }
            }
        }
    }

    fn callout(&mut self, f: &Fence, path: &str) -> Value {
        self.no_nested(f, path, "", true);
        let body = self.body(f, path, false);
        self.only_fields(&body, f.kind, &["title"]);
        let mut m = Map::new();
        m.insert("type".into(), json!("callout"));
        self.attrs_into(f, path, &mut m, &["kind"], &[]);
        if let Some((_, t, at)) = self.field(&body, "title") {
            let t = self.langmap(t, *at, &format!("{path}.title"));
            m.insert("title".into(), t);
        }
        self.stray_prompt(&body, path, "a callout's text goes in language sections");
        match self.inner_sections(f, &format!("{path}.content")) {
            Some(c) => {
                m.insert("content".into(), c);
            }
            None => self.problem(
                f.at,
                path,
                "expected the callout's text in language sections (`::: id` … `:::`) inside it",
            ),
        }
        Value::Object(m)
    }

    fn accordion(&mut self, f: &Fence, path: &str) -> Value {
        self.attrs_into(f, path, &mut Map::new(), &[], &[]);
        let mut sections = Vec::new();
        for node in &f.body {
            match node {
                Node::Fence(s) if s.kind == "section" => {
                    let p = format!("{path}.sections[{}]", sections.len());
                    self.record(&p, s.at);
                    let body = self.body(s, &p, false);
                    self.only_fields(&body, "section", &["title"]);
                    self.no_nested(s, &p, "", true);
                    self.stray_prompt(&body, &p, "a section's text goes in language sections");
                    self.attrs_into(s, &p, &mut Map::new(), &[], &[]);
                    let mut m = Map::new();
                    match self.field(&body, "title") {
                        Some((_, t, at)) => {
                            let t = self.langmap(t, *at, &format!("{p}.title"));
                            m.insert("title".into(), t);
                        }
                        None => self.problem(s.at, &p, "expected a `title: … | …` line in the section"),
                    }
                    if let Some(c) = self.inner_sections(s, &format!("{p}.content")) {
                        m.insert("content".into(), c);
                    }
                    sections.push(Value::Object(m));
                }
                Node::Fence(s) => self.problem(s.at, path, format!("expected `::: section` inside `::: accordion`, found `::: {}`", s.kind)),
                Node::Line(l) if !l.text.trim().is_empty() => {
                    self.problem(l.start, path, "expected `::: section` blocks inside `::: accordion`, each with a `title:` line and language sections")
                }
                Node::Line(_) => {}
            }
        }
        json!({ "type": "accordion", "sections": sections })
    }

    fn stray_prompt(&mut self, body: &Body, path: &str, why: &str) {
        if let Some((_, at)) = &body.prompt {
            self.problem(*at, path, format!("unexpected text: {why}"));
        }
    }

    /// Copies attributes into the object: `keys` as strings or numbers, `flags` as `true`.
    fn attrs_into(
        &mut self,
        f: &Fence,
        path: &str,
        m: &mut Map<String, Value>,
        keys: &[&str],
        flags: &[&str],
    ) {
        if let Some(id) = &f.attrs.id {
            if m.contains_key("id") || keys.contains(&"id") {
                m.insert("id".into(), json!(id));
                self.record(&format!("{path}.id"), f.at);
            } else {
                self.problem(f.at, path, format!("`::: {}` takes no `{{#id}}`", f.kind));
            }
        }
        for (key, value) in &f.attrs.pairs {
            if keys.contains(&key.as_str()) {
                self.record(&format!("{path}.{key}"), f.at);
                let v = if key == "competencies" {
                    list(value)
                } else {
                    number(value).unwrap_or_else(|| json!(value))
                };
                m.insert(key.clone(), v);
            } else {
                self.problem(
                    f.at,
                    path,
                    format!(
                        "unknown attribute `{key}=` on `::: {}`: expected {}",
                        f.kind,
                        expected(keys, flags)
                    ),
                );
            }
        }
        for flag in &f.attrs.flags {
            if flags.contains(&flag.as_str()) {
                self.record(&format!("{path}.{flag}"), f.at);
                m.insert(flag.clone(), json!(true));
            } else {
                self.problem(
                    f.at,
                    path,
                    format!(
                        "unknown attribute `{flag}` on `::: {}`: expected {}",
                        f.kind,
                        expected(keys, flags)
                    ),
                );
            }
        }
    }

    fn question(&mut self, f: &Fence, path: &str) -> Value {
        self.no_nested(f, path, "", false);
        let body = self.body(
            f,
            path,
            f.kind != "trueFalse" && f.kind != "numeric" && f.kind != "longFillIn",
        );
        let mut m = Map::new();
        m.insert("type".into(), json!(f.kind));
        let (keys, flags): (&[&str], &[&str]) = match f.kind {
            "choice" => (
                &["id", "points", "competencies"],
                &["multiple", "partialCredit"],
            ),
            "fillIn" | "performance" => (
                &["id", "points", "competencies"],
                &["caseSensitive", "partialCredit"],
            ),
            "longFillIn" => (
                &["id", "points", "competencies", "maxLength", "minKeywords"],
                &[],
            ),
            "matching" | "sequencing" => (&["id", "points", "competencies"], &["partialCredit"]),
            _ => (&["id", "points", "competencies"], &[]),
        };
        self.attrs_into(f, path, &mut m, keys, flags);
        if !m.contains_key("id") {
            self.problem(
                f.at,
                &format!("{path}.id"),
                format!("expected a question id: `::: {} {{#q-name}}`", f.kind),
            );
        }
        match &body.prompt {
            Some((p, at)) if f.kind != "fillIn" => {
                let v = self.langmap(p, *at, &format!("{path}.prompt"));
                m.insert("prompt".into(), v);
            }
            Some(_) => {}
            None => self.problem(f.at, &format!("{path}.prompt"), "expected the question's prompt: a line `Indonesian text | English text` inside the block"),
        }
        let mut feedback = Map::new();
        for key in ["correct", "incorrect"] {
            if let Some((_, v, at)) = self.field(&body, key) {
                let v = self.langmap(v, *at, &format!("{path}.feedback.{key}"));
                feedback.insert(key.into(), v);
            }
        }
        if !feedback.is_empty() {
            m.insert("feedback".into(), Value::Object(feedback));
        }
        for key in ["hint", "explanation"] {
            if let Some((_, v, at)) = self.field(&body, key) {
                let v = self.langmap(v, *at, &format!("{path}.{key}"));
                m.insert(key.into(), v);
            }
        }
        let extra: &[&str] = match f.kind {
            "trueFalse" | "numeric" => &["answer"],
            "longFillIn" => &["keywords"],
            "hotspot" => &["image"],
            _ => &[],
        };
        let mut allowed = vec!["correct", "incorrect", "hint", "explanation"];
        allowed.extend(extra);
        self.only_fields(&body, f.kind, &allowed);
        match f.kind {
            "trueFalse" => match self.field(&body, "answer") {
                Some((_, v, at)) => match v.to_ascii_lowercase().as_str() {
                    "true" | "benar" => {
                        m.insert("answer".into(), json!(true));
                    }
                    "false" | "salah" => {
                        m.insert("answer".into(), json!(false));
                    }
                    _ => self.problem(*at, &format!("{path}.answer"), format!("expected `answer: true` or `answer: false`, found `{v}`")),
                },
                None => self.problem(f.at, &format!("{path}.answer"), "expected an `answer: true` or `answer: false` line"),
            },
            "choice" => {
                let choices = self.choices(&body, path, "choices", true);
                if !choices.is_empty() && !choices.iter().any(|c| c.get("correct").is_some()) {
                    self.problem(f.at, &format!("{path}.choices"), "expected at least one right choice marked `- [x]`");
                }
                m.insert("choices".into(), Value::Array(choices));
            }
            "hotspot" => {
                match self.field(&body, "image") {
                    Some((_, v, at)) => {
                        let img = self.image_line(v, *at, &format!("{path}.image"), false);
                        m.insert("image".into(), img);
                    }
                    None => self.problem(f.at, &format!("{path}.image"), "expected an `image: ![alt | alt](src){width=… height=…}` line"),
                }
                let regions = self.choices(&body, path, "regions", false);
                m.insert("regions".into(), Value::Array(regions));
            }
            "sequencing" | "likert" => {
                let key = if f.kind == "likert" { "scale" } else { "items" };
                let mut items = Vec::new();
                for (i, item) in body.items.iter().enumerate() {
                    let p = format!("{path}.{key}[{i}]");
                    let default = if f.kind == "likert" { format!("likert_{}", i + 1) } else { format!("i{}", i + 1) };
                    items.push(self.item(&item.text, item.at, &p, default));
                    self.no_feedback(item, &p);
                }
                m.insert(key.into(), Value::Array(items));
            }
            "matching" => {
                let mut pairs = Vec::new();
                let mut distractors = Vec::new();
                for (i, item) in body.items.iter().enumerate() {
                    self.no_feedback(item, path);
                    let Some((left, right, right_at)) = arrow(&item.text, item.at) else {
                        self.problem(item.at, &format!("{path}.pairs[{}]", pairs.len()), "expected `- source => target` (or `- => target` for a target that matches nothing)");
                        continue;
                    };
                    if left.trim().is_empty() {
                        let p = format!("{path}.distractors[{}]", distractors.len());
                        let d = self.item(right, right_at, &p, format!("d{}", distractors.len() + 1));
                        distractors.push(d);
                    } else {
                        let p = format!("{path}.pairs[{}]", pairs.len());
                        self.record(&p, item.at);
                        let s = self.item(left, item.at, &format!("{p}.source"), format!("s{}", i + 1));
                        let t = self.item(right, right_at, &format!("{p}.target"), format!("t{}", i + 1));
                        pairs.push(json!({ "source": s, "target": t }));
                    }
                }
                m.insert("pairs".into(), Value::Array(pairs));
                if !distractors.is_empty() {
                    m.insert("distractors".into(), Value::Array(distractors));
                }
            }
            "numeric" => match self.field(&body, "answer") {
                Some((_, v, at)) => match numeric(v) {
                    Some(a) => {
                        self.record(&format!("{path}.answer"), *at);
                        m.insert("answer".into(), a);
                    }
                    None => self.problem(*at, &format!("{path}.answer"), format!("expected `answer: 3.5`, `answer: 3.5 ± 0.05` or `answer: 12..64`, found `{v}`")),
                },
                None => self.problem(f.at, &format!("{path}.answer"), "expected an `answer:` line, such as `answer: 3.5 ± 0.05` or `answer: 12..64`"),
            },
            "longFillIn" => {
                if let Some((_, v, at)) = self.field(&body, "keywords") {
                    self.record(&format!("{path}.keywords"), *at);
                    let groups: Vec<Vec<String>> = v
                        .split(';')
                        .map(|g| g.split(',').map(|w| w.trim().to_string()).filter(|w| !w.is_empty()).collect())
                        .collect();
                    m.insert("keywords".into(), json!(groups));
                }
            }
            "fillIn" => {
                if let Some((p, at)) = &body.prompt {
                    self.fill_in(p, *at, path, &mut m);
                }
            }
            "performance" => {
                let steps = self.steps(&body, path);
                m.insert("steps".into(), Value::Array(steps));
            }
            _ => {}
        }
        Value::Object(m)
    }

    /// The steps of a performance question, one a line: `- label | label {#id} =>
    /// [[answer|alternative]]` for a text step (the blank syntax of fill-in), or `- label
    /// | label {#id} => 12..64` for a number step (the `answer:` syntax of numeric).
    fn steps(&mut self, body: &Body, path: &str) -> Vec<Value> {
        let mut out = Vec::new();
        for (i, item) in body.items.iter().enumerate() {
            let p = format!("{path}.steps[{i}]");
            self.record(&p, item.at);
            self.no_feedback(item, &p);
            let Some((left, right, right_at)) = arrow(&item.text, item.at) else {
                self.problem(item.at, &p, "expected `- label | label => [[answer|alternative]]` for a text step or `- label | label => 12..64` for a number step");
                continue;
            };
            let (label, a) = attrs(left);
            if !a.pairs.is_empty() || !a.flags.is_empty() {
                self.problem(item.at, &p, "a step takes only `{#id}`");
            }
            let mut m = Map::new();
            m.insert(
                "id".into(),
                json!(a.id.unwrap_or_else(|| format!("s{}", i + 1))),
            );
            let v = self.langmap(label.trim(), item.at, &format!("{p}.label"));
            m.insert("label".into(), v);
            if let Some(inner) = right.strip_prefix("[[").and_then(|r| r.strip_suffix("]]")) {
                self.record(&format!("{p}.accept"), right_at);
                let accept: Vec<&str> = inner
                    .split('|')
                    .map(str::trim)
                    .filter(|a| !a.is_empty())
                    .collect();
                for (j, _) in accept.iter().enumerate() {
                    self.record(&format!("{p}.accept[{j}]"), right_at);
                }
                m.insert("accept".into(), json!(accept));
            } else if let Some(answer) = numeric(right) {
                self.record(&format!("{p}.answer"), right_at);
                m.insert("answer".into(), answer);
            } else {
                self.problem(right_at, &p, format!("expected `[[answer|alternative]]` for a text step, or `3.5`, `3.5 ± 0.05` or `12..64` for a number step, found `{right}`"));
                continue;
            }
            out.push(Value::Object(m));
        }
        if body.items.is_empty() {
            self.problem(
                body.prompt.as_ref().map_or(0, |p| p.1),
                &format!("{path}.steps"),
                "expected the steps as `- label | label => [[answer]]` or `- label | label => 12..64` lines",
            );
        }
        out
    }

    fn no_feedback(&mut self, item: &ListItem, path: &str) {
        if let Some((_, at)) = &item.feedback {
            self.problem(*at, path, "only choices take `> feedback` lines");
        }
    }

    /// An item `{ id, text }` from `text {#id}`.
    fn item(&mut self, text: &str, at: usize, path: &str, default: String) -> Value {
        self.record(path, at);
        let (text, a) = attrs(text);
        let text = self.langmap(&text, at, &format!("{path}.text"));
        json!({ "id": a.id.unwrap_or(default), "text": text })
    }

    /// Choices (`- [x] text`) or hotspot regions (`- [x] label (x,y,w,h)`).
    fn choices(&mut self, body: &Body, path: &str, key: &str, choice: bool) -> Vec<Value> {
        let mut out = Vec::new();
        for (i, item) in body.items.iter().enumerate() {
            let p = format!("{path}.{key}[{i}]");
            self.record(&p, item.at);
            let t = item.text.as_str();
            let (correct, rest) =
                if let Some(r) = t.strip_prefix("[x]").or_else(|| t.strip_prefix("[X]")) {
                    (true, r)
                } else if let Some(r) = t.strip_prefix("[ ]") {
                    (false, r)
                } else {
                    self.problem(
                        item.at,
                        &p,
                        format!(
                            "expected `- [x] …` for a right {0} or `- [ ] …` for a wrong one",
                            if choice { "choice" } else { "region" }
                        ),
                    );
                    continue;
                };
            let rest_at = item.at + t.len() - rest.trim_start().len();
            let (text, a) = attrs(rest.trim());
            let id = a.id.clone().unwrap_or_else(|| letter(i));
            let mut m = Map::new();
            m.insert("id".into(), json!(id));
            if correct {
                m.insert("correct".into(), json!(true));
            }
            if choice {
                let v = self.langmap(&text, rest_at, &format!("{p}.text"));
                m.insert("text".into(), v);
                if let Some((fb, at)) = &item.feedback {
                    let v = self.langmap(fb, *at, &format!("{p}.feedback"));
                    m.insert("feedback".into(), v);
                }
            } else {
                self.no_feedback(item, &p);
                let text = text.trim_end();
                let Some(open) = text.rfind('(').filter(|_| text.ends_with(')')) else {
                    self.problem(item.at, &p, "expected the region's place and size at the end of the line: `(x,y,w,h)` in the image's pixels");
                    continue;
                };
                let nums: Vec<Option<u64>> = text[open + 1..text.len() - 1]
                    .split(',')
                    .map(|n| n.trim().parse().ok())
                    .collect();
                if nums.len() != 4 || nums.iter().any(Option::is_none) {
                    self.problem(rest_at + open, &p, format!("expected `(x,y,w,h)`: four whole numbers of pixels separated by commas, found `{}`", &text[open..]));
                    continue;
                }
                let n: Vec<u64> = nums.into_iter().flatten().collect();
                let v = self.langmap(text[..open].trim(), rest_at, &format!("{p}.label"));
                m.insert("label".into(), v);
                for (k, x) in ["x", "y", "width", "height"].iter().zip(n) {
                    m.insert((*k).into(), json!(x));
                }
            }
            out.push(Value::Object(m));
        }
        if out.is_empty() && body.items.is_empty() {
            self.problem(
                body.prompt.as_ref().map_or(0, |p| p.1),
                &format!("{path}.{key}"),
                format!("expected the {key} as `- [x] …` and `- [ ] …` lines"),
            );
        }
        out
    }

    fn fill_in(&mut self, prompt: &str, at: usize, path: &str, m: &mut Map<String, Value>) {
        let parts = split_langs(prompt);
        let mut texts = Map::new();
        let mut blanks: Vec<(Option<String>, Vec<String>)> = Vec::new();
        let langs = self.langs.clone();
        self.record(&format!("{path}.prompt"), at);
        self.record(&format!("{path}.blanks"), at);
        for (li, (lang, part)) in langs.iter().zip(&parts).enumerate() {
            let mut out = String::new();
            let mut rest = part.as_str();
            let mut n = 0;
            while let Some(open) = rest.find("[[") {
                out.push_str(&rest[..open]);
                let Some(close) = rest[open..].find("]]") else {
                    self.problem(
                        at,
                        &format!("{path}.prompt.{lang}"),
                        "a blank `[[` is never closed: expected `[[answer|alternative]]`",
                    );
                    rest = "";
                    break;
                };
                let inner = &rest[open + 2..open + close];
                rest = &rest[open + close + 2..];
                let mut id = None;
                if let Some(after) = rest.strip_prefix("{#") {
                    if let Some(end) = after.find('}') {
                        id = Some(after[..end].to_string());
                        rest = &after[end + 1..];
                    }
                }
                let accept: Vec<String> = inner
                    .split('|')
                    .map(|a| a.trim().to_string())
                    .filter(|a| !a.is_empty())
                    .collect();
                if accept.is_empty() {
                    self.problem(
                        at,
                        &format!("{path}.blanks"),
                        "a blank lists no answer: expected `[[answer|alternative]]`",
                    );
                }
                if n >= blanks.len() {
                    if li > 0 {
                        self.problem(at, &format!("{path}.prompt.{lang}"), format!("the {lang} text has more blanks than the {} text: expected the same blanks in every language, in the same order", langs[0]));
                    }
                    blanks.push((None, Vec::new()));
                }
                if let Some(b) = blanks.get_mut(n) {
                    if b.0.is_none() {
                        b.0 = id;
                    }
                    for a in accept {
                        if !b.1.contains(&a) {
                            b.1.push(a);
                        }
                    }
                    let id = b.0.clone().unwrap_or_else(|| format!("b{}", n + 1));
                    out.push_str(&format!("[[{id}]]"));
                }
                n += 1;
            }
            out.push_str(rest);
            if n < blanks.len() {
                self.problem(at, &format!("{path}.prompt.{lang}"), format!("the {lang} text has fewer blanks than the {} text: expected the same blanks in every language, in the same order", langs[0]));
            }
            if n == 0 && li == 0 {
                self.problem(
                    at,
                    &format!("{path}.blanks"),
                    "expected at least one blank `[[answer|alternative]]` in the sentence",
                );
            }
            texts.insert(lang.clone(), json!(out.trim()));
            self.record(&format!("{path}.prompt.{lang}"), at);
        }
        if parts.len() > langs.len() {
            self.problem(
                at,
                &format!("{path}.prompt"),
                format!(
                    "expected at most {} texts separated by `|` outside the blanks, found {}",
                    langs.len(),
                    parts.len()
                ),
            );
        }
        // Ids given in a later language than the first are used for the earlier markers too.
        let ids: Vec<String> = blanks
            .iter()
            .enumerate()
            .map(|(i, b)| b.0.clone().unwrap_or_else(|| format!("b{}", i + 1)))
            .collect();
        for v in texts.values_mut() {
            if let Some(s) = v.as_str() {
                let mut s = s.to_string();
                for (i, id) in ids.iter().enumerate() {
                    s = s.replace(&format!("[[b{}]]", i + 1), &format!("[[{id}]]"));
                }
                *v = json!(s);
            }
        }
        m.insert("prompt".into(), Value::Object(texts));
        let list: Vec<Value> = blanks
            .into_iter()
            .zip(ids)
            .map(|((_, accept), id)| json!({ "id": id, "accept": accept }))
            .collect();
        m.insert("blanks".into(), Value::Array(list));
    }

    /// An image from `![alt | alt](src "caption | caption"){width=… height=…}`.
    fn image_line(&mut self, line: &str, at: usize, path: &str, block: bool) -> Value {
        self.record(path, at);
        let mut m = Map::new();
        if block {
            m.insert("type".into(), json!("image"));
        }
        let (line, a) = attrs(line.trim());
        let parsed = line.strip_prefix("![").and_then(|r| {
            let close = r.find("](")?;
            let rest = r[close + 2..].strip_suffix(')')?;
            Some((&r[..close], rest))
        });
        let Some((alt, target)) = parsed else {
            self.problem(at, path, "expected an image as `![alt text | alt text](path/to/image.svg){width=480 height=300}`");
            return Value::Object(m);
        };
        let (src, caption) = match target.split_once(char::is_whitespace) {
            Some((s, c)) => (s, Some(c.trim().trim_matches('"'))),
            None => (target, None),
        };
        m.insert("src".into(), json!(src));
        self.record(&format!("{path}.src"), at);
        let alt = self.langmap(alt, at + 2, &format!("{path}.alt"));
        m.insert("alt".into(), alt);
        if let Some(c) = caption.filter(|c| !c.is_empty()) {
            let c = self.langmap(c, at, &format!("{path}.caption"));
            m.insert("caption".into(), c);
        }
        for (k, v) in &a.pairs {
            if k == "width" || k == "height" {
                match v.parse::<u64>() {
                    Ok(n) => {
                        m.insert(k.clone(), json!(n));
                    }
                    Err(_) => self.problem(
                        at,
                        &format!("{path}.{k}"),
                        format!("expected `{k}=` a whole number of pixels, found `{v}`"),
                    ),
                }
            } else {
                self.problem(
                    at,
                    path,
                    format!("unknown image attribute `{k}`: expected width= and height="),
                );
            }
        }
        if a.id.is_some() || !a.flags.is_empty() {
            self.problem(at, path, "an image takes only `{width=… height=…}`");
        }
        Value::Object(m)
    }

    fn flashcards(&mut self, f: &Fence, path: &str) -> Value {
        self.no_nested(f, path, "", false);
        let body = self.body(f, path, true);
        self.only_fields(&body, f.kind, &[]);
        self.stray_prompt(&body, path, "flashcards are `- front => back` lines");
        self.attrs_into(f, path, &mut Map::new(), &[], &[]);
        let mut cards = Vec::new();
        for item in &body.items {
            let p = format!("{path}.cards[{}]", cards.len());
            self.record(&p, item.at);
            self.no_feedback(item, &p);
            match arrow(&item.text, item.at) {
                Some((front, back, back_at)) => {
                    let front = self.langmap(front.trim(), item.at, &format!("{p}.front"));
                    let back = self.langmap(back, back_at, &format!("{p}.back"));
                    cards.push(json!({ "front": front, "back": back }));
                }
                None => self.problem(
                    item.at,
                    &p,
                    "expected a card as `- front | front => back | back`",
                ),
            }
        }
        json!({ "type": "flashcards", "cards": cards })
    }

    fn branch(&mut self, f: &Fence, path: &str) -> Value {
        self.no_nested(f, path, "", false);
        let body = self.body(f, path, true);
        self.only_fields(&body, f.kind, &[]);
        let mut m = Map::new();
        m.insert("type".into(), json!("branch"));
        self.attrs_into(f, path, &mut m, &["id"], &[]);
        if !m.contains_key("id") {
            self.problem(
                f.at,
                &format!("{path}.id"),
                "expected a branch id: `::: branch {#b-name}`",
            );
        }
        match &body.prompt {
            Some((p, at)) => {
                let v = self.langmap(p, *at, &format!("{path}.prompt"));
                m.insert("prompt".into(), v);
            }
            None => self.problem(
                f.at,
                &format!("{path}.prompt"),
                "expected the decision to make: a line `Indonesian text | English text`",
            ),
        }
        let mut options = Vec::new();
        for (i, item) in body.items.iter().enumerate() {
            let p = format!("{path}.options[{}]", options.len());
            self.record(&p, item.at);
            self.no_feedback(item, &p);
            match arrow(&item.text, item.at) {
                Some((text, goto, goto_at)) => {
                    let (text, a) = attrs(text.trim());
                    let v = self.langmap(&text, item.at, &format!("{p}.text"));
                    self.record(&format!("{p}.goto"), goto_at);
                    options.push(json!({ "id": a.id.unwrap_or_else(|| letter(i)), "text": v, "goto": goto.trim() }));
                }
                None => self.problem(
                    item.at,
                    &p,
                    "expected an option as `- text | text => page-id` (or `=> lesson-id/page-id`)",
                ),
            }
        }
        m.insert("options".into(), Value::Array(options));
        Value::Object(m)
    }

    fn media(&mut self, f: &Fence, path: &str) -> Value {
        self.no_nested(f, path, "", true);
        let body = self.body(f, path, false);
        self.stray_prompt(
            &body,
            path,
            "expected `src:`, `title:`, `captions:` lines and a transcript in language sections",
        );
        let mut m = Map::new();
        m.insert("type".into(), json!(f.kind));
        self.attrs_into(f, path, &mut m, &[], &[]);
        self.only_fields(&body, f.kind, &["src", "title", "captions"]);
        match self.field(&body, "src") {
            Some((_, v, at)) => {
                self.record(&format!("{path}.src"), *at);
                m.insert("src".into(), json!(v));
            }
            None => self.problem(
                f.at,
                &format!("{path}.src"),
                "expected a `src: path/to/file` line",
            ),
        }
        if let Some((_, v, at)) = self.field(&body, "title") {
            let v = self.langmap(v, *at, &format!("{path}.title"));
            m.insert("title".into(), v);
        }
        if let Some((_, v, at)) = self.field(&body, "captions") {
            self.record(&format!("{path}.captions"), *at);
            let mut tracks = Vec::new();
            for t in v.split(',').map(str::trim).filter(|t| !t.is_empty()) {
                match t.split_once('=') {
                    Some((lang, src)) => {
                        tracks.push(json!({ "lang": lang.trim(), "src": src.trim() }))
                    }
                    None => self.problem(
                        *at,
                        &format!("{path}.captions"),
                        format!("expected `captions: id=subs/id.vtt, en=subs/en.vtt`, found `{t}`"),
                    ),
                }
            }
            m.insert("captions".into(), Value::Array(tracks));
        }
        if let Some(t) = self.inner_sections(f, &format!("{path}.transcript")) {
            m.insert("transcript".into(), t);
        }
        Value::Object(m)
    }
}

fn expected(keys: &[&str], flags: &[&str]) -> String {
    let mut all: Vec<String> = keys
        .iter()
        .map(|k| {
            if *k == "id" {
                "{#id}".to_string()
            } else {
                format!("{k}=")
            }
        })
        .collect();
    all.extend(flags.iter().map(|f| f.to_string()));
    if all.is_empty() {
        "none".into()
    } else {
        all.join(", ")
    }
}

/// `text => other`: the two sides and the offset of the right one.
fn arrow(text: &str, at: usize) -> Option<(&str, &str, usize)> {
    let i = text.find("=>")?;
    let right = &text[i + 2..];
    let right_at = at + i + 2 + (right.len() - right.trim_start().len());
    Some((&text[..i], right.trim(), right_at))
}

/// The id `a`, `b`, … for the `i`-th choice (and `c27` beyond `z`).
fn letter(i: usize) -> String {
    match u8::try_from(i) {
        Ok(n) if n < 26 => char::from(b'a' + n).to_string(),
        _ => format!("c{}", i + 1),
    }
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// The text of a heading of exactly `level` `#`s.
fn heading(t: &str, level: usize) -> Option<&str> {
    let rest = t.strip_prefix(&"#".repeat(level))?;
    if rest.starts_with(' ') {
        Some(rest.trim())
    } else {
        None
    }
}

/// The text of a list item line (`- `, `* `, `1. `), if it is one.
fn list_item(t: &str) -> Option<&str> {
    if let Some(r) = t.strip_prefix("- ").or_else(|| t.strip_prefix("* ")) {
        return Some(r.trim());
    }
    let digits = t.len() - t.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits > 0 {
        if let Some(r) = t[digits..].strip_prefix(". ") {
            return Some(r.trim());
        }
    }
    None
}

/// `[a, b]` or `a, b` as a JSON array of strings.
fn list(v: &str) -> Value {
    let inner = v.trim().trim_start_matches('[').trim_end_matches(']');
    Value::Array(
        inner
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| json!(s))
            .collect(),
    )
}

/// A JSON number for `text`: an integer when it is one, else a finite float.
fn number(text: &str) -> Option<Value> {
    let t = text.trim();
    if let Ok(i) = t.parse::<i64>() {
        return Some(json!(i));
    }
    let f: f64 = t.parse().ok()?;
    serde_json::Number::from_f64(f).map(Value::Number)
}

/// A numeric answer: `n`, `n ± t` (or `n +- t`), `a..b`, `a..` or `..b`.
fn numeric(text: &str) -> Option<Value> {
    let t = text.trim();
    if let Some((v, tol)) = t.split_once('±').or_else(|| t.split_once("+-")) {
        return Some(json!({ "value": number(v)?, "tolerance": number(tol)? }));
    }
    if let Some((a, b)) = t.split_once("..") {
        let mut m = Map::new();
        if !a.trim().is_empty() {
            m.insert("min".into(), number(a)?);
        }
        if !b.trim().is_empty() {
            m.insert("max".into(), number(b)?);
        }
        return if m.is_empty() {
            None
        } else {
            Some(Value::Object(m))
        };
    }
    Some(json!({ "exact": number(t)? }))
}

/// An id from a title: lower case ASCII letters and digits joined by `-`, at most 64.
fn slug(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let mut s: String = out.trim_end_matches('-').chars().take(64).collect();
    while s.ends_with('-') {
        s.pop();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parents_walk_up_to_the_root() {
        assert_eq!(parent("$.a.b[2]"), Some("$.a.b"));
        assert_eq!(parent("$.a"), Some("$"));
        assert_eq!(parent("$"), None);
    }

    #[test]
    fn slugs_keep_ascii_words() {
        assert_eq!(slug("Istilah penting!"), "istilah-penting");
        assert_eq!(slug("Ça va"), "a-va");
    }
}
