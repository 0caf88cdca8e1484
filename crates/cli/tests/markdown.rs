//! The real `pelita` binary on Markdown modules: `check` reports problems at the Markdown's
//! line and column, `convert` writes the module JSON, and `pack` packs that JSON.

use std::fs;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Output};

const EXAMPLE: &str = include_str!("../../../docs/examples/kata-sandi.md");

/// A small bilingual module whose image is `img/a.svg`.
const SMALL: &str = "---
id: https://example.org/modules/kecil
languages: [id, en]
title: Kecil | Small
masteryScore: 1
---
# Pelajaran | Lesson {#l}
## Halaman | Page {#p}
![Gambar | Picture](img/a.svg){width=10 height=10}
::: trueFalse {#q}
Langit biru. | The sky is blue.
answer: true
:::
";

fn pelita(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pelita"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the pelita binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().expect("a parent folder")).expect("mkdir");
    fs::write(path, text).expect("write");
}

fn folder(module: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    write(&dir.path().join("kecil.md"), module);
    write(
        &dir.path().join("img/a.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    dir
}

#[test]
fn check_passes_a_good_markdown_module() {
    let dir = folder(SMALL);
    let out = pelita(dir.path(), &["check", "kecil.md"]);
    assert_eq!(
        stdout(&out),
        "kecil.md: ok (1 lesson, 1 page, 1 question, 1 image file)\n"
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn check_reports_markdown_problems_at_their_line_and_column() {
    // A compile problem: the choice has no right answer.
    let dir = folder(&SMALL.replace(
        "::: trueFalse {#q}\nLangit biru. | The sky is blue.\nanswer: true\n",
        "::: choice {#q}\nWarna? | Colour?\n- [ ] Merah | Red\n- [ ] Meja | Table\n",
    ));
    let out = pelita(dir.path(), &["check", "kecil.md"]);
    assert_eq!(
        stdout(&out),
        "kecil.md:10:1: $.lessons[0].pages[0].blocks[1].choices: expected at least one right choice marked `- [x]`\n"
    );
    assert_eq!(out.status.code(), Some(1));

    // A loader problem (a bad module id) and a missing image, both placed in the Markdown.
    let dir = folder(&SMALL.replace("https://example.org/modules/kecil", "kecil"));
    fs::remove_file(dir.path().join("img/a.svg")).expect("rm");
    let out = pelita(dir.path(), &["check", "kecil.md"]);
    let lines: Vec<String> = stdout(&out).lines().map(String::from).collect();
    assert_eq!(lines.len(), 2, "{lines:#?}");
    assert!(lines[0].starts_with("kecil.md:2:5: $.id: "), "{lines:#?}");
    assert!(
        lines[1].starts_with(
            "kecil.md:9:1: $.lessons[0].pages[0].blocks[0].src: file `img/a.svg` not found"
        ),
        "{lines:#?}"
    );
    assert_eq!(out.status.code(), Some(1));

    // A missing translation is a warning at the text that lacks it.
    let dir = folder(&SMALL.replace("Langit biru. | The sky is blue.", "Langit biru."));
    let out = pelita(dir.path(), &["check", "kecil.md"]);
    assert!(
        stdout(&out)
            .starts_with("kecil.md:11:1: warning: $.lessons[0].pages[0].blocks[1].prompt.en: "),
        "{}",
        stdout(&out)
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn convert_writes_the_module_json() {
    let dir = folder(EXAMPLE);
    let out = pelita(dir.path(), &["convert", "kecil.md", "-o", "kecil.json"]);
    assert_eq!(out.status.code(), Some(0));
    let written: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("kecil.json")).expect("written"))
            .expect("JSON");
    assert_eq!(
        written,
        pelita_markdown::to_json(EXAMPLE).expect("compiles")
    );
    let json = pelita(dir.path(), &["convert", "kecil.md"]);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&stdout(&json)).expect("JSON on stdout"),
        written
    );

    let dir = folder("# no front matter\n");
    let out = pelita(dir.path(), &["convert", "kecil.md", "-o", "kecil.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).starts_with("kecil.md:1:1: $: expected front matter"));
    assert!(!dir.path().join("kecil.json").exists());
}

#[test]
fn pack_packs_the_json_compiled_from_markdown() {
    let dir = folder(SMALL);
    for (name, text) in [
        // With the markers the pre-render of the packed module's first page fills.
        (
            "dist/index.html",
            "<!doctype html><html lang=\"id\"><head><title>Pelita</title><!-- pelita:module --></head><body><div id=\"app\"><!-- pelita:app --><!-- /pelita:app --></div></body></html>",
        ),
        ("dist/pelita-abc.js", "export default function init() {}"),
        ("dist/pelita_bg-def.wasm", "\0asm"),
    ] {
        write(&dir.path().join(name), text);
    }
    let out = pelita(
        dir.path(),
        &["pack", "--format", "web", "kecil.md", "-o", "web.zip"],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut archive =
        zip::ZipArchive::new(fs::File::open(dir.path().join("web.zip")).expect("zip"))
            .expect("a zip");
    let mut text = String::new();
    archive
        .by_name("modules/kecil.json")
        .expect("the module is packed as JSON")
        .read_to_string(&mut text)
        .expect("UTF-8");
    let packed: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(packed, pelita_markdown::to_json(SMALL).expect("compiles"));
    assert!(archive.by_name("modules/img/a.svg").is_ok());
}
