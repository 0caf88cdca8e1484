//! `pelita check`: a module is valid when the loader accepts it and every local image it
//! names is a file beside it, exactly as the web player would find it.

use pelita_lesson::{child_key, locate};
use pelita_lesson::{load_module, Module, Problem};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// A module that passed every check, with what packing needs from it.
#[derive(Debug)]
pub struct Checked {
    /// The file as given on the command line.
    pub path: PathBuf,
    /// The file's bytes, packed as they are so that positions in reports stay true; for a
    /// Markdown module, the module JSON compiled from it, which is what the player reads.
    pub bytes: Vec<u8>,
    /// The validated module.
    pub module: Module,
    /// The local images it shows: the path inside the module's folder (`/`-separated,
    /// percent-decoded, without `.` segments) and the file on disk, each once.
    pub images: BTreeMap<String, PathBuf>,
}

/// Checks one module file; on failure returns every problem, one report line each.
pub fn check(path: &Path) -> Result<Checked, Vec<String>> {
    let file = path.display().to_string();
    let bytes = fs::read(path).map_err(|e| vec![format!("{file}: cannot read the file: {e}")])?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|e| vec![format!("{file}: not UTF-8 text: {e}")])?
        .to_string();
    // A Markdown module is compiled to the module JSON first; everything below then checks
    // that JSON, and reports each problem at the Markdown line that wrote it.
    let markdown = if is_markdown(path) {
        match pelita_markdown::Compiled::new(&text) {
            Ok(compiled) => Some(compiled),
            Err(problems) => return Err(problems.iter().map(|p| format!("{file}:{p}")).collect()),
        }
    } else {
        None
    };
    let (text, bytes) = match &markdown {
        Some(compiled) => {
            let json = compiled.json.to_string();
            let bytes = json.clone().into_bytes();
            (json, bytes)
        }
        None => (text, bytes),
    };
    let mut loaded = load_module(&text);
    let mut report = Vec::new();
    match (&mut loaded, &markdown) {
        (Err(e), None) => report.extend(e.report(&file).lines().map(str::to_string)),
        (Err(e), Some(compiled)) => report.extend(
            e.problems()
                .into_iter()
                .map(|p| format!("{file}:{}", compiled.place(p))),
        ),
        (Ok(module), Some(compiled)) => {
            let warnings = std::mem::take(&mut module.warnings);
            module.warnings = warnings.into_iter().map(|p| compiled.place(p)).collect();
        }
        (Ok(_), None) => {}
    }
    // A syntax error leaves no tree to walk, so it is the only problem reported, as the
    // loader does. Otherwise images are checked even when the loader found other problems,
    // so that an author fixes the whole module in one pass.
    let mut images = BTreeMap::new();
    if let Ok(value) = serde_json::from_str::<Value>(&text) {
        let folder = path.parent().unwrap_or(Path::new(""));
        for (json_path, src) in image_sources(&value) {
            match resolve_image(folder, &src) {
                Ok(Some((inside, file_path))) => {
                    images.insert(inside, file_path);
                }
                Ok(None) => {}
                Err(message) => {
                    let position = match &markdown {
                        Some(compiled) => Some(compiled.locate(&json_path)),
                        None => locate(&text, &json_path),
                    };
                    let problem = Problem {
                        path: json_path,
                        line: position.map(|p| p.0),
                        column: position.map(|p| p.1),
                        message,
                    };
                    report.push(format!("{file}:{problem}"));
                }
            }
        }
    }
    match loaded {
        Ok(module) if report.is_empty() => Ok(Checked {
            path: path.to_path_buf(),
            bytes,
            module,
            images,
        }),
        _ => Err(report),
    }
}

/// Whether `path` names a Markdown module (`.md`, any case).
pub fn is_markdown(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("md"))
}

/// A one-line summary of a module that passed.
pub fn summary(checked: &Checked) -> String {
    let module = &checked.module;
    let pages: usize = module.lessons.iter().map(|l| l.pages.len()).sum();
    let count =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    format!(
        "{}: ok ({}, {}, {}, {})",
        checked.path.display(),
        count(module.lessons.len(), "lesson", "lessons"),
        count(pages, "page", "pages"),
        count(module.questions().count(), "question", "questions"),
        count(checked.images.len(), "image file", "image files"),
    )
}

/// The module's warnings (it plays, but the author probably wants to fix them), one
/// report line each: `file:line:column: warning: path: message`.
pub fn warnings(checked: &Checked) -> Vec<String> {
    let file = checked.path.display();
    checked
        .module
        .warnings
        .iter()
        .map(|w| {
            let at = match (w.line, w.column) {
                (Some(line), Some(column)) => format!("{line}:{column}: "),
                _ => String::new(),
            };
            format!("{file}:{at}warning: {}: {}", w.path, w.message)
        })
        .collect()
}

/// Every image block's `src` with its JSON path, walking the tree as the player does:
/// `lessons[].pages[].blocks[]` whose `type` is `image`, `audio` or `video` (its `src`, and
/// its caption tracks' `src`) or `hotspot` (its `image.src`). It runs on the raw tree so that it
/// also works on a module the loader refused.
fn image_sources(module: &Value) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let items = |v: &Value, key: &str| -> Vec<Value> {
        v.get(key)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    for (l, lesson) in items(module, "lessons").iter().enumerate() {
        for (p, page) in items(lesson, "pages").iter().enumerate() {
            for (b, block) in items(page, "blocks").iter().enumerate() {
                let path = format!("$.lessons[{l}].pages[{p}].blocks[{b}]");
                // An image, audio or video block holds its `src` (and a recording its
                // caption tracks' `src`); a hotspot question its `image.src`.
                let kind = block.get("type").and_then(Value::as_str);
                let (holder, holder_path) = match kind {
                    Some("image" | "audio" | "video") => (Some(block), path.clone()),
                    Some("hotspot") => (block.get("image"), child_key(&path, "image")),
                    _ => (None, path.clone()),
                };
                if let Some(src) = holder.and_then(|h| h.get("src")).and_then(Value::as_str) {
                    found.push((child_key(&holder_path, "src"), src.to_string()));
                }
                if matches!(kind, Some("audio" | "video")) {
                    let tracks = child_key(&path, "captions");
                    for (t, track) in items(block, "captions").iter().enumerate() {
                        if let Some(src) = track.get("src").and_then(Value::as_str) {
                            let at = format!("{tracks}[{t}]");
                            found.push((child_key(&at, "src"), src.to_string()));
                        }
                    }
                }
            }
        }
    }
    found
}

/// Where the player would fetch `src` from, as a path inside the module's folder and the
/// file on disk. `Ok(None)` for what is not a local file: `https:` images (fetched from
/// their site) and a `src` the loader already refuses (reported once, by the loader).
fn resolve_image(folder: &Path, src: &str) -> Result<Option<(String, PathBuf)>, String> {
    let local = !src.contains(':')
        && !src.starts_with('/')
        && !src.split('/').any(|s| s == "..")
        && !src.contains(char::is_whitespace);
    if !local {
        return Ok(None);
    }
    // The browser drops the query and fragment before asking for the file, and a static
    // server percent-decodes the path it is asked for.
    let path = src.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_decode(path).ok_or_else(|| {
        format!("file `{src}` has a broken %-escape or is not UTF-8 once decoded")
    })?;
    let mut segments = Vec::new();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            // Browsers read `%2e%2e` as `..` too, which would leave the module's folder.
            ".." => return Err(format!("file `{src}` leaves the module's folder")),
            s if s.contains(['\\', '\0']) => {
                return Err(format!(
                    "file `{src}` has a character no file name can hold"
                ))
            }
            s => segments.push(s),
        }
    }
    if segments.is_empty() || decoded.ends_with('/') {
        return Err(format!("file `{src}` names a folder, not a file"));
    }
    let file = segments
        .iter()
        .fold(folder.to_path_buf(), |path, segment| path.join(segment));
    if !file.is_file() {
        let what = if file.is_dir() {
            "is a folder, not a file"
        } else {
            "does not exist"
        };
        return Err(format!(
            "file `{src}` not found beside the module: {} {what}",
            file.display()
        ));
    }
    // Web hosts match names exactly, while macOS and Windows disks do not: an image found
    // here only by ignoring case would be missing once uploaded.
    if let Some(wrong) = case_mismatch(folder, &segments) {
        return Err(format!(
            "file `{src}` differs in upper/lower case from the file on disk ({wrong}); web hosts match names exactly"
        ));
    }
    Ok(Some((segments.join("/"), file)))
}

/// The first path segment whose exact spelling is not in its folder's listing, if any.
fn case_mismatch(folder: &Path, segments: &[&str]) -> Option<String> {
    let mut dir = folder.to_path_buf();
    for segment in segments {
        let listing = fs::read_dir(if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            &dir
        })
        .ok()?;
        let exact = listing
            .filter_map(Result::ok)
            .any(|entry| entry.file_name() == *segment);
        if !exact {
            return Some(dir.join(segment).display().to_string());
        }
        dir = dir.join(segment);
    }
    None
}

/// Decodes `%XX` escapes; `None` for a broken escape or bytes that are not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding_matches_what_a_server_does() {
        assert_eq!(
            percent_decode("img/a%20b.svg").as_deref(),
            Some("img/a b.svg")
        );
        assert_eq!(
            percent_decode("img/%C3%A9.png").as_deref(),
            Some("img/é.png")
        );
        assert_eq!(percent_decode("img/%2"), None);
        assert_eq!(percent_decode("img/%zz"), None);
        assert_eq!(percent_decode("%FF"), None);
    }

    #[test]
    fn remote_and_refused_sources_are_left_to_the_loader() {
        let dir = Path::new("/nonexistent");
        assert_eq!(resolve_image(dir, "https://example.org/a.png"), Ok(None));
        assert_eq!(resolve_image(dir, "../a.png"), Ok(None));
        assert_eq!(resolve_image(dir, "/a.png"), Ok(None));
        assert!(resolve_image(dir, "%2e%2e/a.png")
            .unwrap_err()
            .contains("leaves the module's folder"));
        assert!(resolve_image(dir, "img/").unwrap_err().contains("folder"));
    }
}
