//! The pre-rendered first page in `pelita serve` (rendered when a launch asks for a module,
//! in the launch's `lang` or else the module's default language, under the same strict
//! Content-Security-Policy) and in `pelita pack` (the package's `index.html`).

mod serving;

use serving::*;
use std::io::Read;
use std::path::Path;
use std::process::Command;

/// A built page as `cargo xtask dist` writes it: the markers the pre-render fills, one
/// inline script and one inline style.
const TEMPLATE: &str = "<!doctype html>\n<html lang=\"id\">\n<head>\n  <title>Pelita</title>\n  <!-- pelita:module -->\n  <style>p{color:red}</style>\n</head>\n<body>\n  <div id=\"app\"><!-- pelita:app -->\n    <main class=\"loading\"><p>Memuat modul…</p></main>\n  <!-- /pelita:app --></div>\n  <script>var takeover = 1;</script>\n  <script type=\"module\" src=\"pelita-0123456789abcdef.js\"></script>\n</body>\n</html>\n";

fn setup_built() -> tempfile::TempDir {
    let dir = setup();
    std::fs::write(dir.path().join("dist/index.html"), TEMPLATE).expect("write");
    dir
}

#[test]
fn serve_renders_the_first_page_a_launch_asks_for_under_the_same_policy() {
    let dir = setup_built();
    let server = start(dir.path(), &[]);
    let a = server.addr.as_str();

    // The module's default language (Indonesian) when the launch names none.
    let (status, headers, body) = http(a, "GET", "/?module=modules%2Fphishing.json", &[], "");
    assert_eq!(status, 200);
    assert_eq!(
        header(&headers, "content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(body.contains("<html lang=\"id\" dir=\"ltr\">"), "{body}");
    assert!(body.contains(">Pengantar</h1>"), "{body}");
    assert!(body.contains("type=\"radio\""), "{body}");
    assert!(body.contains("<div id=\"app\" hidden></div>"), "{body}");
    assert!(!body.contains("Memuat modul"), "{body}");
    // The launch's language when the module has it; index.html too.
    let (status, _, body) = http(
        a,
        "GET",
        "/index.html?module=modules/phishing.json&lang=en&endpoint=http%3A%2F%2Fx%2F",
        &[],
        "",
    );
    assert_eq!(status, 200);
    assert!(body.contains("<html lang=\"en\" dir=\"ltr\">"), "{body}");
    assert!(body.contains(">Introduction</h1>"), "{body}");
    assert!(body.contains("Check answer"), "{body}");

    // The policy is as strict as for the plain page: the template's inline script and
    // style by hash, nothing inline beyond them, and the rendered page adds none.
    let (_, headers, _) = http(a, "GET", "/?module=modules%2Fphishing.json", &[], "");
    let policy = header(&headers, "content-security-policy")
        .expect("CSP")
        .to_string();
    assert!(
        policy.contains(&sha256_source("var takeover = 1;")),
        "{policy}"
    );
    assert!(policy.contains(&sha256_source("p{color:red}")), "{policy}");
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    assert_eq!(body.matches("<script>").count(), 1, "{body}");
    assert_eq!(body.matches("<style>").count(), 1, "{body}");
    assert!(!body.contains("style=\""), "{body}");

    // No module, a module the catalog lacks, or the report: the built page as it is (the
    // service worker caches index.html without a query for every module).
    for path in [
        "/",
        "/index.html",
        "/?module=modules%2Fmissing.json",
        "/?module=..%2Fsecret.json",
        "/?view=report&module=modules%2Fphishing.json",
    ] {
        let (status, _, body) = http(a, "GET", path, &[], "");
        assert_eq!(status, 200, "{path}");
        assert_eq!(body, TEMPLATE, "{path}");
    }
}

#[test]
fn serve_gives_the_built_page_when_it_cannot_be_rendered() {
    // A player built before the pre-render (no markers) is served as it is.
    let dir = setup();
    let server = start(dir.path(), &[]);
    let (status, _, body) = http(
        &server.addr,
        "GET",
        "/?module=modules%2Fphishing.json",
        &[],
        "",
    );
    assert_eq!(status, 200);
    assert_eq!(body, INDEX);
}

fn read_entry(zip_path: &Path, name: &str) -> String {
    let mut archive =
        zip::ZipArchive::new(std::fs::File::open(zip_path).expect("zip")).expect("a zip");
    let mut text = String::new();
    archive
        .by_name(name)
        .unwrap_or_else(|_| panic!("{name} is in the zip"))
        .read_to_string(&mut text)
        .expect("UTF-8");
    text
}

fn names(zip_path: &Path) -> Vec<String> {
    let archive = zip::ZipArchive::new(std::fs::File::open(zip_path).expect("zip")).expect("a zip");
    archive.file_names().map(String::from).collect()
}

#[test]
fn pack_launches_the_packed_modules_pre_rendered_first_page() {
    let dir = setup_built();
    let p = dir.path();
    // The build's page of an example module stays out of someone else's package.
    let example = TEMPLATE.replace(
        "<!-- pelita:module -->",
        "<meta name=\"pelita-module\" content=\"modules/kata-sandi.json\">",
    );
    std::fs::write(p.join("dist/kata-sandi.html"), example).expect("write");
    std::fs::write(
        p.join("dist/embed-example.html"),
        "<!doctype html><p>embed</p>",
    )
    .expect("write");
    std::fs::write(p.join("dist/pelita_bg-0123456789abcdef.wasm"), "\0asm").expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_pelita"))
        .current_dir(p)
        .args([
            "pack",
            "--format",
            "cmi5",
            "modules/phishing.json",
            "--player",
            "dist",
            "-o",
            "p.zip",
        ])
        .output()
        .expect("pelita runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let zip = p.join("p.zip");
    let index = read_entry(&zip, "index.html");
    assert!(index.contains(">Pengantar</h1>"), "{index}");
    assert!(index.contains("<meta name=\"pelita-module\" content=\"modules/phishing.json\">"));
    assert!(index.contains("type=\"radio\""));
    assert!(index.contains("pelita-0123456789abcdef.js"));
    let names = names(&zip);
    assert!(!names.iter().any(|n| n == "kata-sandi.html"), "{names:?}");
    assert!(names.iter().any(|n| n == "embed-example.html"), "{names:?}");
    // cmi5.xml launches index.html.
    assert!(read_entry(&zip, "cmi5.xml").contains("index.html?module=modules/phishing.json"));
}

#[test]
fn pack_refuses_a_player_built_before_the_pre_render() {
    let dir = setup();
    std::fs::write(
        dir.path().join("dist/pelita_bg-0123456789abcdef.wasm"),
        "\0asm",
    )
    .expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_pelita"))
        .current_dir(dir.path())
        .args([
            "pack",
            "--format",
            "web",
            "modules/phishing.json",
            "--player",
            "dist",
            "-o",
            "w.zip",
        ])
        .output()
        .expect("pelita runs");
    assert_ne!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("pelita:app"), "{err}");
    assert!(err.contains("cargo xtask dist"), "{err}");
    assert!(!dir.path().join("w.zip").exists());
}
