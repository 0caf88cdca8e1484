//! Rich text: the CommonMark inside a language section, read by pulldown-cmark and turned
//! into the module's rich blocks (paragraph, heading, list, quote, code, table).

use crate::Compiler;
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde_json::{json, Value};
use std::ops::Range;

type Ev<'a> = (Event<'a>, Range<usize>);

/// The rich blocks of `text`, which starts at byte `base` of the source; problems are
/// reported at `path` with the line and column of the offending Markdown.
pub(crate) fn blocks(c: &mut Compiler, text: &str, base: usize, path: &str) -> Vec<Value> {
    let events: Vec<Ev> = Parser::new_ext(text, Options::ENABLE_TABLES)
        .into_offset_iter()
        .collect();
    let mut r = Reader {
        events,
        depth: 0,
        at: 0,
        base,
        path: path.to_string(),
    };
    let mut out: Vec<Value> = Vec::new();
    while let Some((event, range)) = r.next() {
        let block_path = format!("{path}[{}]", out.len());
        c.record(&block_path, base + range.start);
        match event {
            Event::Start(Tag::Paragraph) => {
                let content = r.inlines(c, TagEnd::Paragraph);
                out.push(json!({ "type": "paragraph", "content": content }));
            }
            Event::Start(Tag::Heading { level, .. }) => {
                let n = match level {
                    HeadingLevel::H2 => 2,
                    HeadingLevel::H3 => 3,
                    HeadingLevel::H4 => 4,
                    _ => {
                        c.problem(base + range.start, &block_path, "expected a heading of level 2 to 4 (`##` to `####`) in rich text; the page title is the top heading");
                        0
                    }
                };
                let content = r.inlines(c, TagEnd::Heading(level));
                if n > 0 {
                    out.push(json!({ "type": "heading", "level": n, "content": content }));
                }
            }
            Event::Start(Tag::BlockQuote(_)) => {
                let mut content: Vec<Value> = Vec::new();
                while let Some((e, rg)) = r.next() {
                    match e {
                        Event::End(TagEnd::BlockQuote(_)) => break,
                        Event::Start(Tag::Paragraph) => {
                            if !content.is_empty() {
                                push_text(&mut content, " ");
                            }
                            content.extend(r.inlines(c, TagEnd::Paragraph));
                        }
                        _ => {
                            c.problem(
                                base + rg.start,
                                &block_path,
                                "expected only paragraphs in a quote (`> text`)",
                            );
                            r.skip_to_end_of(&e);
                        }
                    }
                }
                out.push(json!({ "type": "quote", "content": content }));
            }
            Event::Start(Tag::CodeBlock(_)) => {
                let mut code = String::new();
                while let Some((e, _)) = r.next() {
                    match e {
                        Event::Text(t) => code.push_str(&t),
                        Event::End(TagEnd::CodeBlock) => break,
                        _ => {}
                    }
                }
                let code = code.strip_suffix('\n').unwrap_or(&code).to_string();
                out.push(json!({ "type": "code", "text": code }));
            }
            Event::Start(Tag::List(start)) => {
                let mut items: Vec<Value> = Vec::new();
                while let Some((e, rg)) = r.next() {
                    match e {
                        Event::End(TagEnd::List(_)) => break,
                        Event::Start(Tag::Item) => {
                            let mut item: Vec<Value> = Vec::new();
                            while let Some((e, rg)) = r.peek() {
                                match e {
                                    Event::End(TagEnd::Item) => {
                                        r.next();
                                        break;
                                    }
                                    Event::Start(Tag::Paragraph) => {
                                        r.next();
                                        if !item.is_empty() {
                                            push_text(&mut item, " ");
                                        }
                                        item.extend(r.inlines(c, TagEnd::Paragraph));
                                    }
                                    Event::Start(Tag::List(_)) => {
                                        c.problem(base + rg.start, &block_path, "expected a flat list: lists inside list items are not supported");
                                        let (e, _) = r.next().unwrap_or((Event::SoftBreak, 0..0));
                                        r.skip_to_end_of(&e);
                                    }
                                    // In a tight list an item's text comes without a
                                    // paragraph, so an item may start with emphasis, strong,
                                    // a link (or an image, refused as in any text): those are
                                    // inline text, read below like plain text.
                                    Event::Start(t)
                                        if !matches!(
                                            t,
                                            Tag::Emphasis
                                                | Tag::Strong
                                                | Tag::Link { .. }
                                                | Tag::Image { .. }
                                        ) =>
                                    {
                                        let start = rg.start;
                                        c.problem(
                                            base + start,
                                            &block_path,
                                            "expected only text in a list item",
                                        );
                                        let (e, _) = r.next().unwrap_or((Event::SoftBreak, 0..0));
                                        r.skip_to_end_of(&e);
                                    }
                                    _ => {
                                        let before = r.at;
                                        item.extend(r.inline_run(c, &[TagEnd::Item]));
                                        // An event that neither ends the item nor is text is
                                        // stepped over, so the loop always moves on.
                                        if r.at == before {
                                            r.next();
                                        }
                                    }
                                }
                            }
                            items.push(Value::Array(item));
                        }
                        _ => {
                            c.problem(base + rg.start, &block_path, "expected list items");
                            r.skip_to_end_of(&e);
                        }
                    }
                }
                out.push(json!({ "type": "list", "ordered": start.is_some(), "items": items }));
            }
            Event::Start(Tag::Table(_)) => {
                let mut header: Vec<Value> = Vec::new();
                let mut rows: Vec<Value> = Vec::new();
                let mut row: Vec<Value> = Vec::new();
                while let Some((e, _)) = r.next() {
                    match e {
                        Event::End(TagEnd::Table) => break,
                        Event::Start(Tag::TableCell) => {
                            row.push(Value::Array(r.inlines(c, TagEnd::TableCell)));
                        }
                        Event::End(TagEnd::TableHead) => header = std::mem::take(&mut row),
                        Event::End(TagEnd::TableRow) => {
                            rows.push(Value::Array(std::mem::take(&mut row)))
                        }
                        _ => {}
                    }
                }
                // The caption is the paragraph `Table: …` written just before the table.
                let caption = match out.last() {
                    Some(p) if caption_of(p).is_some() => caption_of(p),
                    _ => None,
                };
                let caption = match caption {
                    Some(cap) => {
                        out.pop();
                        cap
                    }
                    None => {
                        c.problem(base + range.start, &block_path, "expected a caption for the table: a paragraph `Table: …` just before it");
                        Vec::new()
                    }
                };
                let block_path = format!("{path}[{}]", out.len());
                c.record(&block_path, base + range.start);
                out.push(
                    json!({ "type": "table", "caption": caption, "header": header, "rows": rows }),
                );
            }
            Event::Html(_) | Event::Start(Tag::HtmlBlock) => {
                c.problem(
                    base + range.start,
                    &block_path,
                    "raw HTML is not allowed: write Markdown",
                );
                r.skip_to_end_of(&event);
            }
            Event::Rule => {
                c.problem(
                    base + range.start,
                    &block_path,
                    "a horizontal rule (`---`) is not supported in rich text",
                );
            }
            other => {
                c.problem(
                    base + range.start,
                    &block_path,
                    "expected a paragraph, heading, list, quote, code block or table here",
                );
                r.skip_to_end_of(&other);
            }
        }
    }
    out
}

/// The inlines of a paragraph `Table: …`, without the prefix.
fn caption_of(p: &Value) -> Option<Vec<Value>> {
    if p.get("type")?.as_str()? != "paragraph" {
        return None;
    }
    let content = p.get("content")?.as_array()?;
    let first = content.first()?.as_str()?;
    let rest = first
        .strip_prefix("Table:")
        .or_else(|| first.strip_prefix("Tabel:"))?
        .trim_start();
    let mut out = Vec::new();
    if !rest.is_empty() {
        out.push(json!(rest));
    }
    out.extend(content.iter().skip(1).cloned());
    Some(out)
}

fn push_text(out: &mut Vec<Value>, text: &str) {
    if let Some(Value::String(s)) = out.last_mut() {
        s.push_str(text);
    } else {
        out.push(Value::String(text.to_string()));
    }
}

/// How deep inline markup (emphasis, strong, links) may nest.
const MAX_INLINE_DEPTH: usize = 16;

struct Reader<'a> {
    events: Vec<Ev<'a>>,
    /// How many inline elements the reader is inside.
    depth: usize,
    at: usize,
    base: usize,
    path: String,
}

impl<'a> Reader<'a> {
    fn next(&mut self) -> Option<Ev<'a>> {
        let e = self.events.get(self.at).cloned();
        self.at += 1;
        e
    }

    fn peek(&self) -> Option<Ev<'a>> {
        self.events.get(self.at).cloned()
    }

    /// Skips past the end of `start` when it opened a tag.
    fn skip_to_end_of(&mut self, start: &Event) {
        if !matches!(start, Event::Start(_)) {
            return;
        }
        let mut depth = 1;
        while let Some((e, _)) = self.next() {
            match e {
                Event::Start(_) => depth += 1,
                Event::End(_) => {
                    depth -= 1;
                    if depth == 0 {
                        return;
                    }
                }
                _ => {}
            }
        }
    }

    /// The inlines up to and including `end`.
    fn inlines(&mut self, c: &mut Compiler, end: TagEnd) -> Vec<Value> {
        // Emphasis nests as deep as the text has asterisks; a bound keeps hostile input
        // from exhausting the stack.
        if self.depth >= MAX_INLINE_DEPTH {
            let at = self.peek().map_or(0, |(_, r)| r.start);
            c.problem(
                self.base + at,
                &self.path,
                format!("emphasis, strong and links nest too deeply: expected at most {MAX_INLINE_DEPTH} levels"),
            );
            self.skip_to_end_of(&Event::Start(Tag::Emphasis));
            return Vec::new();
        }
        self.depth += 1;
        let out = self.inline_run(c, &[end]);
        self.depth -= 1;
        if matches!(self.peek(), Some((Event::End(e), _)) if e == end) {
            self.next();
        }
        out
    }

    /// Inlines until one of `stops` (not consumed) or a block start.
    fn inline_run(&mut self, c: &mut Compiler, stops: &[TagEnd]) -> Vec<Value> {
        let mut out: Vec<Value> = Vec::new();
        while let Some((e, range)) = self.peek() {
            match &e {
                Event::End(end) if stops.contains(end) => break,
                Event::Text(t) => {
                    self.next();
                    push_text(&mut out, t);
                }
                Event::SoftBreak | Event::HardBreak => {
                    self.next();
                    push_text(&mut out, " ");
                }
                Event::Code(t) => {
                    self.next();
                    out.push(json!({ "type": "code", "text": t.to_string() }));
                }
                Event::Start(Tag::Emphasis) => {
                    self.next();
                    let inner = self.inlines(c, TagEnd::Emphasis);
                    out.push(json!({ "type": "emphasis", "content": inner }));
                }
                Event::Start(Tag::Strong) => {
                    self.next();
                    let inner = self.inlines(c, TagEnd::Strong);
                    out.push(json!({ "type": "strong", "content": inner }));
                }
                Event::Start(Tag::Link { dest_url, .. }) => {
                    let href = dest_url.to_string();
                    self.next();
                    let inner = self.inlines(c, TagEnd::Link);
                    out.push(json!({ "type": "link", "href": href, "content": inner }));
                }
                Event::Start(Tag::Image { .. }) => {
                    self.next();
                    c.problem(self.base + range.start, &self.path, "expected no image inside text: an image is a block of its own, `![alt | alt](src)` on its own line outside the language sections");
                    self.skip_to_end_of(&e);
                }
                Event::InlineHtml(_) | Event::Html(_) => {
                    self.next();
                    c.problem(
                        self.base + range.start,
                        &self.path,
                        "raw HTML is not allowed: write Markdown",
                    );
                }
                Event::Start(Tag::Paragraph) | Event::Start(Tag::List(_)) | Event::End(_) => break,
                Event::Start(_) => {
                    self.next();
                    c.problem(
                        self.base + range.start,
                        &self.path,
                        "this Markdown is not supported in text",
                    );
                    self.skip_to_end_of(&e);
                }
                _ => {
                    self.next();
                    c.problem(
                        self.base + range.start,
                        &self.path,
                        "this Markdown is not supported in text",
                    );
                }
            }
        }
        out
    }
}
