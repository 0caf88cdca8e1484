//! The modules `pelita serve` offers: every file in one folder whose extension a known
//! module format claims, loaded and checked, and loaded again when the file changes.
//!
//! A format turns a file's text into the module JSON the player fetches, so the player
//! only ever sees JSON: JSON itself, and Pelita's Markdown dialect (extension `md`,
//! compiled by `pelita-markdown` to the same JSON), so `notes.md` is served as
//! `modules/notes.json`, checked, listed and reloaded like any other module.

use pelita_lesson::load_module;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::SystemTime;

/// A module file format.
pub struct Format {
    /// The file extension it claims, lower case, without the dot.
    pub extension: &'static str,
    /// The module JSON for a file's text, or the reasons it cannot be converted.
    pub to_json: fn(&str) -> Result<String, Vec<String>>,
}

/// Every format the catalog reads, in order of precedence when two files share a stem.
pub const FORMATS: &[Format] = &[
    Format {
        extension: "json",
        to_json: json_as_is,
    },
    Format {
        extension: "md",
        to_json: markdown_to_json,
    },
];

/// The module JSON compiled from Pelita's Markdown dialect (`docs/authoring.md`); the
/// problems as `line:column: path: message`.
fn markdown_to_json(text: &str) -> Result<String, Vec<String>> {
    pelita_markdown::to_json(text)
        .map(|json| json.to_string())
        .map_err(|problems| problems.iter().map(ToString::to_string).collect())
}

fn json_as_is(text: &str) -> Result<String, Vec<String>> {
    Ok(text.to_string())
}

/// One module as the catalog holds it.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The file on disk.
    pub file: PathBuf,
    /// The name it is served under in `modules/` (always `.json`).
    pub served: String,
    /// The JSON the player gets (the converted text for non-JSON formats).
    pub json: Arc<String>,
    /// The module's id (its activity IRI) when it loads.
    pub id: Option<String>,
    /// The module's title in Bahasa Indonesia and English (or the file name).
    pub title: String,
    /// Every problem, as `pelita check` prints them; empty when the module is fine.
    pub problems: Vec<String>,
    modified: Option<SystemTime>,
    len: u64,
}

/// The modules of one folder, reloaded by [`Catalog::refresh`].
pub struct Catalog {
    dir: PathBuf,
    entries: RwLock<BTreeMap<String, Entry>>,
}

impl Catalog {
    /// A catalog of `dir`, read once now.
    pub fn new(dir: &Path) -> Catalog {
        let catalog = Catalog {
            dir: dir.to_path_buf(),
            entries: RwLock::new(BTreeMap::new()),
        };
        catalog.refresh();
        catalog
    }

    /// Reads the folder again: new files are loaded, changed ones (by modification time or
    /// size) reloaded, removed ones dropped. Returns the served names that changed.
    pub fn refresh(&self) -> Vec<String> {
        let mut found: BTreeMap<String, (PathBuf, &Format, Option<SystemTime>, u64)> =
            BTreeMap::new();
        if let Ok(dir) = std::fs::read_dir(&self.dir) {
            for item in dir.flatten() {
                let path = item.path();
                let Some(ext) = path
                    .extension()
                    .and_then(|e| e.to_str())
                    .map(str::to_ascii_lowercase)
                else {
                    continue;
                };
                let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
                    continue;
                };
                if stem == "launch" {
                    continue;
                }
                let Some(format) = FORMATS.iter().find(|f| f.extension == ext) else {
                    continue;
                };
                let Ok(meta) = item.metadata() else { continue };
                if !meta.is_file() {
                    continue;
                }
                let served = format!("{stem}.json");
                let rank = |f: &Format| FORMATS.iter().position(|x| std::ptr::eq(x, f));
                if let Some((_, existing, _, _)) = found.get(&served) {
                    if rank(existing) <= rank(format) {
                        continue;
                    }
                }
                found.insert(served, (path, format, meta.modified().ok(), meta.len()));
            }
        }
        let mut changed = Vec::new();
        let Ok(mut entries) = self.entries.write() else {
            return changed;
        };
        entries.retain(|served, _| {
            let keep = found.contains_key(served);
            if !keep {
                changed.push(served.clone());
            }
            keep
        });
        for (served, (file, format, modified, len)) in found {
            if let Some(e) = entries.get(&served) {
                if e.file == file && e.modified == modified && e.len == len {
                    continue;
                }
            }
            entries.insert(served.clone(), load(&file, format, &served, modified, len));
            changed.push(served);
        }
        changed
    }

    /// Every module, by served name.
    pub fn entries(&self) -> Vec<Entry> {
        self.entries
            .read()
            .map(|e| e.values().cloned().collect())
            .unwrap_or_default()
    }

    /// The JSON served for `modules/<name>`, if `name` is a module of the catalog.
    pub fn json(&self, name: &str) -> Option<Arc<String>> {
        self.entries
            .read()
            .ok()?
            .get(name)
            .map(|e| Arc::clone(&e.json))
    }
}

fn load(
    file: &Path,
    format: &Format,
    served: &str,
    modified: Option<SystemTime>,
    len: u64,
) -> Entry {
    let shown = file.display().to_string();
    let mut entry = Entry {
        file: file.to_path_buf(),
        served: served.to_string(),
        json: Arc::new(String::new()),
        id: None,
        title: served.to_string(),
        problems: Vec::new(),
        modified,
        len,
    };
    let text = match std::fs::read(file).map(String::from_utf8) {
        Ok(Ok(text)) => text,
        Ok(Err(e)) => {
            entry.problems.push(format!("{shown}: not UTF-8 text: {e}"));
            return entry;
        }
        Err(e) => {
            entry
                .problems
                .push(format!("{shown}: cannot read the file: {e}"));
            return entry;
        }
    };
    let json = match (format.to_json)(&text) {
        Ok(json) => json,
        Err(problems) => {
            entry.problems = problems
                .into_iter()
                .map(|p| format!("{shown}:{p}"))
                .collect();
            return entry;
        }
    };
    // The same judgement as `pelita check` (loader and images beside the module).
    match crate::check::check(file) {
        Ok(checked) => {
            entry.id = Some(checked.module.id.clone());
            let title = &checked.module.title;
            let id = title.text("id", "en");
            let en = title.text("en", "id");
            entry.title = if id == en {
                id.to_string()
            } else {
                format!("{id} / {en}")
            };
        }
        Err(report) => {
            entry.problems = report;
            if let Ok(module) = load_module(&json) {
                entry.id = Some(module.id.clone());
            }
        }
    }
    entry.json = Arc::new(json);
    entry
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules_are_found_checked_and_reloaded_when_changed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let good = include_str!("../../../www/modules/phishing.json");
        std::fs::write(dir.path().join("a.json"), good).expect("write");
        std::fs::create_dir(dir.path().join("img")).expect("mkdir");
        let image = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../www/modules/img/phishing-email.svg"
        );
        std::fs::copy(image, dir.path().join("img/phishing-email.svg")).expect("copy image");
        std::fs::write(dir.path().join("launch.json"), "{}").expect("write");
        std::fs::write(dir.path().join("notes.txt"), "not a module").expect("write");
        let catalog = Catalog::new(dir.path());
        let entries = catalog.entries();
        assert_eq!(entries.len(), 1, "{entries:?}");
        assert_eq!(entries[0].served, "a.json");
        assert!(entries[0].id.is_some());
        assert_eq!(entries[0].problems, Vec::<String>::new());
        assert_eq!(
            catalog.json("a.json").as_deref().map(String::as_str),
            Some(good)
        );
        assert_eq!(catalog.json("launch.json"), None);
        assert_eq!(catalog.refresh(), Vec::<String>::new(), "nothing changed");

        // A broken module is listed with its problems; a change is picked up.
        std::fs::write(dir.path().join("a.json"), "{ \"broken\": ").expect("write");
        assert_eq!(catalog.refresh(), vec!["a.json".to_string()]);
        let entry = &catalog.entries()[0];
        assert!(!entry.problems.is_empty());
        assert!(
            entry.problems[0].contains("not valid JSON"),
            "{:?}",
            entry.problems
        );
        std::fs::remove_file(dir.path().join("a.json")).expect("rm");
        assert_eq!(catalog.refresh(), vec!["a.json".to_string()]);
        assert!(catalog.entries().is_empty());
    }

    #[test]
    fn markdown_modules_are_served_as_their_json() {
        let dir = tempfile::tempdir().expect("tempdir");
        let md = "---\nid: https://example.org/m\nlanguages: [id, en]\ntitle: Judul | Title\nmasteryScore: 1\n---\n# L\n## P\n::: trueFalse {#q}\nYa? | Yes?\nanswer: true\n:::\n";
        std::fs::write(dir.path().join("notes.md"), md).expect("write");
        let catalog = Catalog::new(dir.path());
        let entries = catalog.entries();
        assert_eq!(entries.len(), 1, "{entries:?}");
        assert_eq!(entries[0].served, "notes.json");
        assert_eq!(entries[0].problems, Vec::<String>::new());
        assert_eq!(entries[0].title, "Judul / Title");
        let served: serde_json::Value =
            serde_json::from_str(&catalog.json("notes.json").expect("served")).expect("JSON");
        assert_eq!(served, pelita_markdown::to_json(md).expect("compiles"));

        // A broken one is listed with its located problems.
        std::fs::write(
            dir.path().join("notes.md"),
            md.replace("answer: true", "answer: 7"),
        )
        .expect("write");
        assert_eq!(catalog.refresh(), vec!["notes.json".to_string()]);
        let shown = dir.path().join("notes.md").display().to_string();
        assert_eq!(
            catalog.entries()[0].problems,
            vec![format!(
                "{shown}:11:9: $.lessons[0].pages[0].blocks[0].answer: expected `answer: true` or `answer: false`, found `7`"
            )]
        );
    }
}
