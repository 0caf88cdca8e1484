//! The player's Markdown reader: `pelita-markdown` compiled to a second wasm that the
//! player fetches only when a learner opens a `.md` module.
//!
//! The key design decision is the split itself. The Markdown compiler (pulldown-cmark and
//! the authoring dialect) would add to the download every learner pays for before the
//! first question, while most modules are deployed as JSON. So `cargo xtask dist` builds
//! this crate on its own (wasm-bindgen `--target no-modules`, global `pelitaMarkdown`),
//! names both files in a `<meta name="pelita-markdown">` of `index.html`, and the player
//! adds the script only for a Markdown module (`player/src/glue/markdown.rs`). The one
//! export takes the Markdown and its file name and answers with text in both directions,
//! so the boundary carries no Rust types and needs no shared memory layout.

use wasm_bindgen::prelude::*;

/// Compiles and checks a Markdown module. On success the answer is the JSON text
/// `{"module": <the module JSON>, "warnings": ["file:line:column: path: message", ...]}`;
/// otherwise the error is every problem, one `file:line:column: path: message` per line.
pub fn convert_text(src: &str, file: &str) -> Result<String, String> {
    match pelita_markdown::for_player(src, file) {
        Ok(done) => {
            // The compiler wrote this JSON with serde_json a moment ago, so it parses; the
            // error branch is reported rather than assumed away.
            let module: serde_json::Value = serde_json::from_str(&done.json)
                .map_err(|e| format!("{file}: the compiled module is not JSON: {e}"))?;
            Ok(serde_json::json!({ "module": module, "warnings": done.warnings }).to_string())
        }
        Err(problems) => Err(problems.join("\n")),
    }
}

/// The export the player calls (`pelitaMarkdown.convert(src, file)`): see
/// [`convert_text`]. A refusal is thrown as a JavaScript string.
#[wasm_bindgen]
pub fn convert(src: &str, file: &str) -> Result<String, JsValue> {
    convert_text(src, file).map_err(|report| JsValue::from_str(&report))
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = include_str!("../../../docs/examples/kata-sandi.md");
    const EXAMPLE_JSON: &str = include_str!("../../../www/modules/kata-sandi.json");

    #[test]
    fn a_good_module_comes_back_as_the_same_module_json_as_pelita_convert_writes() {
        let answer: serde_json::Value =
            serde_json::from_str(&convert_text(EXAMPLE, "modules/kata-sandi.md").unwrap()).unwrap();
        let expected: serde_json::Value = serde_json::from_str(EXAMPLE_JSON).unwrap();
        // The Markdown example has a third lesson, "lampiran", with the types the JSON
        // module does not use (crates/markdown/tests/compile.rs); the rest is the same.
        let mut module = answer["module"].clone();
        assert_eq!(module["lessons"][2]["id"], "lampiran");
        module["lessons"].as_array_mut().unwrap().truncate(2);
        assert_eq!(module, expected);
        assert_eq!(answer["warnings"], serde_json::json!([]));
    }

    #[test]
    fn every_problem_comes_back_located_in_the_markdown_file() {
        // The front matter loses its mastery score's sense and a page loses its title.
        let broken = EXAMPLE.replacen("masteryScore: 0.75", "masteryScore: 1.5", 1);
        assert_ne!(
            broken, EXAMPLE,
            "the example has a masteryScore line to break"
        );
        let report = convert_text(&broken, "modules/rusak.md").unwrap_err();
        let line = EXAMPLE
            .lines()
            .position(|l| l.starts_with("masteryScore:"))
            .unwrap()
            + 1;
        assert!(
            report.starts_with(&format!("modules/rusak.md:{line}:")),
            "{report}"
        );
        assert!(report.contains("masteryScore"), "{report}");
    }

    #[test]
    fn a_missing_translation_is_a_located_warning_not_a_refusal() {
        let src = "---\nid: https://example.org/m\nlanguages: [id, en]\ntitle: Judul | Title\nmasteryScore: 0.8\n---\n# Pelajaran | Lesson\n## Halaman | Page\n::: id\nHanya bahasa Indonesia.\n:::\n";
        let answer: serde_json::Value =
            serde_json::from_str(&convert_text(src, "m.md").expect("a warning is no refusal"))
                .unwrap();
        let warnings = answer["warnings"].as_array().unwrap();
        assert!(!warnings.is_empty(), "{answer}");
        assert!(
            warnings[0].as_str().unwrap().starts_with("m.md:"),
            "{answer}"
        );
    }

    #[test]
    fn text_that_is_not_a_module_is_refused_with_a_location_never_a_panic() {
        for src in [
            "",
            "# only a heading",
            "---\nid: [\n---\n",
            "\u{0}\u{feff}:::",
        ] {
            let report = convert_text(src, "x.md").unwrap_err();
            assert!(report.starts_with("x.md:"), "{src:?} gave {report}");
        }
    }
}
