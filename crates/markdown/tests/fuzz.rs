//! Property tests standing in for a fuzzer: whatever text is compiled, the Markdown
//! compiler and the loader behind it never panic, and every problem is located. Three kinds
//! of input:
//! - arbitrary text;
//! - text assembled from the dialect's own tokens (fences, headings, list markers, `|`,
//!   `=>`, blanks, attributes), which reaches far deeper than arbitrary text;
//! - the example module `docs/examples/kata-sandi.md` with random lines removed,
//!   duplicated, swapped or replaced by a token, and with random byte ranges cut out.
//!
//! The test command runs a small number of cases (about a second); set `PROPTEST_CASES`
//! (for example `PROPTEST_CASES=20000 cargo test -p pelita-markdown --test fuzz`) for a
//! longer run.

use pelita_markdown::{load, to_json};
use proptest::prelude::*;

const EXAMPLE: &str = include_str!("../../../docs/examples/kata-sandi.md");

const TOKENS: &[&str] = &[
    "---",
    "id: https://e.org/m",
    "languages: [id, en]",
    "languages: []",
    "title: A | B",
    "masteryScore: 1",
    "competencies:",
    "  - https://e.org/c = A | B",
    "# Pelajaran | Lesson",
    "## Halaman | Page {#p}",
    "### x",
    ":::",
    "::: id",
    "::: en",
    "::: choice {#q multiple}",
    "::: trueFalse {#t}",
    "::: fillIn {#f}",
    "::: matching {#m}",
    "::: sequencing {#s}",
    "::: numeric {#n}",
    "::: performance {#pf partialCredit}",
    "- Nama | Name {#nama} => [[Siti|siti]]",
    "- Hari | Days => 2..3",
    "- x => [[",
    "::: likert {#l}",
    "::: longFillIn {#lf keywords}",
    "::: hotspot {#h}",
    "::: callout {kind=warning}",
    "::: accordion",
    "::: section",
    "::: flashcards",
    "::: branch {#b}",
    "::: audio",
    "::: video",
    "::: image",
    "- [x] a | b {#a}",
    "- [ ] c (1,2,3,4)",
    "- [x] (,,,)",
    "  > fb | fb",
    "> quote",
    "- a => b",
    "- => c",
    "1. one",
    "| more",
    "answer: 3.5 ± 0.05",
    "answer: ..",
    "answer: 1..2",
    "answer: true",
    "image: ![a | b](x.svg){width=1 height=1}",
    "![a](b \"c\"){width=x}",
    "title: t | t",
    "src: a.mp3",
    "captions: id=a.vtt, en",
    "keywords: a, b; ;",
    "correct: x | y",
    "[[a|b]]{#x} [[",
    "]] [[]] {#} {}",
    "Table: cap",
    "| a | b |",
    "|---|---|",
    "```",
    "~~~",
    "<b>html</b>",
    "*emph* **strong** `code` [link](https://x)",
    "",
    "é ☃ \u{200b} \t",
];

fn token_line() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(TOKENS).prop_map(str::to_string),
        1 => ".{0,20}",
        1 => (prop::sample::select(TOKENS), prop::sample::select(TOKENS))
            .prop_map(|(a, b)| format!("{a} {b}")),
    ]
}

/// Compiles and loads `src`, checking that every problem is located.
fn check(src: &str) -> Result<(), TestCaseError> {
    for result in [to_json(src).map(|_| ()), load(src).map(|_| ())] {
        if let Err(problems) = result {
            prop_assert!(!problems.is_empty());
            for p in problems {
                prop_assert!(p.path.starts_with('$'), "{p}");
                prop_assert!(p.line.is_some() && p.column.is_some(), "{p}");
                let lines = src.split('\n').count();
                prop_assert!(
                    p.line.unwrap_or(0) >= 1 && p.line.unwrap_or(0) <= lines,
                    "{p} of {lines} lines"
                );
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(src in "(?s).{0,300}") {
        check(&src)?;
    }

    #[test]
    fn dialect_tokens_never_panic(lines in prop::collection::vec(token_line(), 0..40), front in any::<bool>()) {
        let body = lines.join("\n");
        let src = if front {
            format!("---\nid: https://e.org/m\nlanguages: [id, en]\ntitle: A | B\nmasteryScore: 1\n---\n# L\n## P\n{body}")
        } else {
            body
        };
        check(&src)?;
    }

    #[test]
    fn mutated_example_never_panics(
        edits in prop::collection::vec((0usize..4, any::<prop::sample::Index>(), any::<prop::sample::Index>(), token_line()), 1..6),
    ) {
        let mut lines: Vec<String> = EXAMPLE.lines().map(str::to_string).collect();
        for (kind, i, j, token) in edits {
            if lines.is_empty() {
                break;
            }
            let a = i.index(lines.len());
            let b = j.index(lines.len());
            match kind {
                0 => {
                    lines.remove(a);
                }
                1 => {
                    let copy = lines[a].clone();
                    lines.insert(b, copy);
                }
                2 => lines.swap(a, b),
                _ => lines[a] = token,
            }
        }
        check(&lines.join("\n"))?;
    }

    #[test]
    fn example_with_a_range_cut_out_never_panics(a in any::<prop::sample::Index>(), len in 0usize..200) {
        let start = a.index(EXAMPLE.len());
        let end = (start + len).min(EXAMPLE.len());
        let src: String = EXAMPLE.bytes().enumerate()
            .filter(|(i, _)| *i < start || *i >= end)
            .map(|(_, b)| b)
            .collect::<Vec<u8>>()
            .into_iter()
            .map(char::from)
            .collect();
        // Cutting bytes can split a character; the Latin-1 reading keeps the text valid
        // UTF-8 while leaving odd characters behind, which the compiler must also survive.
        check(&src)?;
    }
}

#[test]
fn deep_nesting_is_refused_without_exhausting_the_stack() {
    let head = "---\nid: https://e.org/m\nlanguages: [id, en]\ntitle: A | B\nmasteryScore: 1\n---\n# L\n## P\n";
    let fences = format!("{head}{}", "::: callout\n".repeat(100_000));
    let problems = to_json(&fences).unwrap_err();
    assert!(problems
        .iter()
        .any(|p| p.message.starts_with("blocks are nested too deeply")));
    let stars = "*".repeat(50_000);
    let emphasis = format!("{head}::: id\n{stars}a{stars}\n:::\n");
    let problems = to_json(&emphasis).unwrap_err();
    assert!(
        problems.iter().any(|p| p
            .message
            .starts_with("emphasis, strong and links nest too deeply")),
        "{problems:?}"
    );
}

#[test]
fn the_unmutated_example_compiles() {
    // The mutations start from a module that compiles, so a failure above is the
    // mutation's doing.
    assert!(load(EXAMPLE).is_ok());
}
