//! The real `pelita` binary against modules and a fake built player in temporary folders:
//! `check` on good and broken modules (exact `file:line:column` lines and exit codes), and
//! `pack` in every format (entries, manifests, determinism, refusals).

#[path = "../../lesson/tests/fixtures/mod.rs"]
mod fixtures;

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const PHISHING: &str = include_str!("../../../www/modules/phishing.json");
const PHISHING_IMAGE: &str = include_str!("../../../www/modules/img/phishing-email.svg");

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

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().expect("a parent folder")).expect("mkdir");
    fs::write(path, text).expect("write");
}

/// A folder holding the small fixture as `small.json` with its image `img/a.svg`.
fn small_module() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    write(&dir.path().join("small.json"), fixtures::SMALL);
    write(
        &dir.path().join("img/a.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    dir
}

/// A built player as `cargo xtask dist` lays it out, with compressed siblings, the
/// Markdown reader, the report view's build and an example module, none of which may be
/// packed.
fn fake_player(root: &Path) -> PathBuf {
    let dist = root.join("dist");
    for (name, text) in [
        (
            "index.html",
            // With the markers the pre-render of the packed module's first page fills.
            "<!doctype html><html lang=\"id\"><head><title>Pelita</title><!-- pelita:module --></head><body><div id=\"app\"><!-- pelita:app --><!-- /pelita:app --></div><script type=\"module\">import init from \"./pelita-abc.js\";</script></body></html>",
        ),
        ("index.html.br", "br"),
        ("index.html.gz", "gz"),
        ("pelita-abc.js", "export default function init() {}"),
        ("pelita-abc.js.br", "br"),
        ("pelita-abc.js.gz", "gz"),
        ("pelita_bg-def.wasm", "\0asm"),
        ("pelita_bg-def.wasm.br", "br"),
        ("convert-0123.js", "self.pelitaMarkdown = 1;"),
        ("convert_bg-4567.wasm", "\0asm"),
        ("report-89ab.js", "export default function init() {}"),
        ("report_bg-cdef.wasm", "\0asm"),
        ("report_bg-cdef.wasm.br", "br"),
        (
            "sw.js",
            "const BUILD = {\"version\":\"v1\",\"shell\":[\"index.html\",\"pelita-abc.js\",\"pelita_bg-def.wasm\"],\"reader\":[\"convert-0123.js\",\"convert_bg-4567.wasm\"],\"pages\":[\"phishing.html\",\"kata-sandi.html\"]};\nself.addEventListener('fetch', () => {});\n",
        ),
        ("sw.js.gz", "gz"),
        ("manifest.webmanifest", "{}"),
        ("icons/icon.svg", "<svg/>"),
        ("icons/icon.svg.br", "br"),
        ("modules/phishing.json", "{}"),
        ("modules/phishing.json.br", "br"),
        (
            "modules/launch.json",
            "{\"endpoint\": \"https://lrs.example\"}",
        ),
        ("modules/img/phishing-email.svg", "<svg/>"),
    ] {
        write(&dist.join(name), text);
    }
    dist
}

/// A folder with the player in `dist/` and the example module in `content/`.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    fake_player(dir.path());
    write(&dir.path().join("content/phishing.json"), PHISHING);
    write(
        &dir.path().join("content/img/phishing-email.svg"),
        PHISHING_IMAGE,
    );
    dir
}

fn entries(zip_path: &Path) -> Vec<String> {
    let archive =
        zip::ZipArchive::new(fs::File::open(zip_path).expect("zip exists")).expect("a zip");
    let mut names: Vec<String> = archive.file_names().map(String::from).collect();
    names.sort();
    names
}

fn read_entry(zip_path: &Path, name: &str) -> String {
    let mut archive =
        zip::ZipArchive::new(fs::File::open(zip_path).expect("zip exists")).expect("a zip");
    let mut text = String::new();
    archive
        .by_name(name)
        .unwrap_or_else(|_| panic!("{name} is in the zip"))
        .read_to_string(&mut text)
        .expect("UTF-8 entry");
    text
}

/// What every package holds besides its manifest: the player without compressed siblings or
/// example modules, the packed module, its image and the empty launch settings.
const PLAYER_AND_MODULE: [&str; 9] = [
    "icons/icon.svg",
    "index.html",
    "manifest.webmanifest",
    "modules/img/phishing-email.svg",
    "modules/launch.json",
    "modules/phishing.json",
    "pelita-abc.js",
    "pelita_bg-def.wasm",
    "sw.js",
];

fn expected_entries(manifest: Option<&str>) -> Vec<String> {
    expected_entries_with(manifest, &[])
}

/// SCORM 1.2's control documents at the zip root.
const SCORM12_SCHEMAS: [&str; 4] = [
    "adlcp_rootv1p2.xsd",
    "ims_xml.xsd",
    "imscp_rootv1p1p2.xsd",
    "imsmd_rootv1p2p1.xsd",
];

/// SCORM 2004 4th Edition's control documents at the zip root.
const SCORM2004_SCHEMAS: [&str; 17] = [
    "XMLSchema.dtd",
    "adlcp_v1p3.xsd",
    "adlnav_v1p3.xsd",
    "adlseq_v1p3.xsd",
    "datatypes.dtd",
    "imscp_v1p1.xsd",
    "imsss_v1p0.xsd",
    "imsss_v1p0auxresource.xsd",
    "imsss_v1p0control.xsd",
    "imsss_v1p0delivery.xsd",
    "imsss_v1p0limit.xsd",
    "imsss_v1p0objective.xsd",
    "imsss_v1p0random.xsd",
    "imsss_v1p0rollup.xsd",
    "imsss_v1p0seqrule.xsd",
    "imsss_v1p0util.xsd",
    "xml.xsd",
];

fn expected_entries_with(manifest: Option<&str>, schemas: &[&str]) -> Vec<String> {
    let mut names: Vec<String> = PLAYER_AND_MODULE.iter().map(|s| s.to_string()).collect();
    names.extend(manifest.map(String::from));
    names.extend(schemas.iter().map(|s| s.to_string()));
    names.sort();
    names
}

// ---------------------------------------------------------------------------- check

#[test]
fn check_passes_a_good_module_with_one_line() {
    let dir = small_module();
    let out = pelita(dir.path(), &["check", "small.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "small.json: ok (1 lesson, 2 pages, 3 questions, 1 image file)\n"
    );
}

#[test]
fn check_warns_of_a_missing_translation_and_still_passes() {
    let dir = small_module();
    let text = fixtures::SMALL.replacen(", \"en\": \"Small module\"", "", 1);
    assert_ne!(
        text,
        fixtures::SMALL,
        "the fixture's English title was found"
    );
    write(&dir.path().join("small.json"), &text);
    let out = pelita(dir.path(), &["check", "small.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let printed = stdout(&out);
    let lines: Vec<&str> = printed.lines().collect();
    assert_eq!(lines.len(), 2, "{printed}");
    assert!(
        lines[0].starts_with("small.json:")
            && lines[0].ends_with(
                ": warning: $.title.en: missing text for language \"en\"; the default language's (\"id\") is shown instead"
            ),
        "{printed}"
    );
    assert_eq!(
        lines[1],
        "small.json: ok (1 lesson, 2 pages, 3 questions, 1 image file)"
    );
}

#[test]
fn check_reports_a_missing_image_at_its_src() {
    let dir = small_module();
    fs::remove_file(dir.path().join("img/a.svg")).expect("rm");
    let out = pelita(dir.path(), &["check", "small.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        "small.json:27:38: $.lessons[0].pages[1].blocks[0].src: file `img/a.svg` not found beside the module: img/a.svg does not exist\n"
    );
}

#[test]
fn check_reports_invalid_json_with_its_position() {
    let dir = small_module();
    let broken = fixtures::SMALL.replacen("\"masteryScore\": 0.75,", "\"masteryScore\": 0.75,,", 1);
    write(&dir.path().join("broken.json"), &broken);
    let out = pelita(dir.path(), &["check", "broken.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        "broken.json:6:24: $: not valid JSON: key must be a string\n"
    );
    // Exactly the player's message: the lesson crate's own report.
    let report = pelita_lesson_report(&broken, "broken.json");
    assert_eq!(stdout(&out), format!("{report}\n"));
}

#[test]
fn check_reports_a_missing_alt_and_a_missing_image_together() {
    let dir = small_module();
    fs::remove_file(dir.path().join("img/a.svg")).expect("rm");
    let broken = fixtures::SMALL.replacen(r#", "alt": {"id": "Gambar", "en": "Picture"}"#, "", 1);
    write(&dir.path().join("small.json"), &broken);
    let out = pelita(dir.path(), &["check", "small.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        "small.json:27:13: $.lessons[0].pages[1].blocks[0].alt: missing required field `alt`: every image needs alternative text in every language\n\
         small.json:27:38: $.lessons[0].pages[1].blocks[0].src: file `img/a.svg` not found beside the module: img/a.svg does not exist\n"
    );
}

#[test]
fn check_reports_every_module_and_fails_if_any_fails() {
    let dir = small_module();
    write(&dir.path().join("empty.json"), "");
    let out = pelita(
        dir.path(),
        &["check", "small.json", "empty.json", "absent.json"],
    );
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].starts_with("small.json: ok"));
    assert_eq!(
        lines[1],
        "empty.json:1:0: $: not valid JSON: EOF while parsing a value"
    );
    assert!(lines[2].starts_with("absent.json: cannot read the file: "));
}

#[test]
fn check_finds_images_with_escapes_and_rejects_case_mismatches() {
    let dir = small_module();
    fs::rename(dir.path().join("img/a.svg"), dir.path().join("img/A b.svg")).expect("mv");
    let escaped = fixtures::SMALL.replace("img/a.svg", "./img/A%20b.svg?v=2");
    write(&dir.path().join("small.json"), &escaped);
    let out = pelita(dir.path(), &["check", "small.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));

    let wrong_case = fixtures::SMALL.replace("img/a.svg", "img/a%20B.svg");
    write(&dir.path().join("small.json"), &wrong_case);
    let out = pelita(dir.path(), &["check", "small.json"]);
    assert_eq!(out.status.code(), Some(1));
    // On a case-sensitive disk the file is simply missing; on others the case differs.
    let text = stdout(&out);
    assert!(
        text.starts_with(
            "small.json:27:38: $.lessons[0].pages[1].blocks[0].src: file `img/a%20B.svg` "
        ),
        "{text}"
    );
}

#[test]
fn usage_errors_exit_with_2() {
    let dir = small_module();
    assert_eq!(pelita(dir.path(), &["check"]).status.code(), Some(2));
    assert_eq!(pelita(dir.path(), &["frobnicate"]).status.code(), Some(2));
    let out = pelita(
        dir.path(),
        &["pack", "--format", "zipped", "small.json", "-o", "x.zip"],
    );
    assert_eq!(out.status.code(), Some(2));
    let out = pelita(
        dir.path(),
        &[
            "pack",
            "--format",
            "scorm12",
            "--move-on",
            "Passed",
            "small.json",
            "-o",
            "x.zip",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--move-on only applies to --format cmi5"));
}

fn pelita_lesson_report(text: &str, file: &str) -> String {
    match pelita_lesson::load_module(text) {
        Ok(_) => String::new(),
        Err(e) => e.report(file),
    }
}

// ----------------------------------------------------------------------------- pack

fn pack(dir: &Path, format: &str, out: &str) -> Output {
    pelita(
        dir,
        &[
            "pack",
            "--format",
            format,
            "content/phishing.json",
            "-o",
            out,
        ],
    )
}

#[test]
fn pack_web_holds_the_player_the_module_and_its_images_only() {
    let dir = project();
    let out = pack(dir.path(), "web", "web.zip");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("index.html?module=modules/phishing.json"));
    let zip = dir.path().join("web.zip");
    assert_eq!(entries(&zip), expected_entries(None));
    assert_eq!(read_entry(&zip, "modules/launch.json"), "{}\n");
    assert_eq!(read_entry(&zip, "modules/phishing.json"), PHISHING);
    assert_eq!(
        read_entry(&zip, "modules/img/phishing-email.svg"),
        PHISHING_IMAGE
    );
    // Nothing but the finished zip is left behind.
    assert!(!dir.path().join(".web.zip.partial").exists());
}

#[test]
fn pack_gives_the_service_worker_the_shell_the_package_holds() {
    // The build's worker lists the example modules' pre-rendered pages and the Markdown
    // reader; a package holds neither, and a worker that cannot fetch its shell never
    // installs, so the package would not open offline.
    let dir = project();
    for format in ["web", "cmi5", "scorm12", "scorm2004"] {
        let out = pack(dir.path(), format, "p.zip");
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let zip = dir.path().join("p.zip");
        let sw = read_entry(&zip, "sw.js");
        assert!(
            sw.starts_with(r#"const BUILD = {"pages":[],"reader":[],"shell":["index.html","pelita-abc.js","pelita_bg-def.wasm"],"version":"v1"};"#)
                || sw.starts_with(r#"const BUILD = {"version":"v1","shell":["index.html","pelita-abc.js","pelita_bg-def.wasm"],"reader":[],"pages":[]};"#),
            "{format}: {sw}"
        );
        assert!(
            sw.ends_with("\nself.addEventListener('fetch', () => {});\n"),
            "{format}: {sw}"
        );
        let names = entries(&zip);
        for name in ["index.html", "pelita-abc.js", "pelita_bg-def.wasm"] {
            assert!(
                names.iter().any(|n| n == name),
                "{format}: {name} is in the package"
            );
        }
        fs::remove_file(&zip).expect("remove");
    }
}

#[test]
fn pack_refuses_a_service_worker_whose_build_line_is_broken() {
    let dir = project();
    fs::write(
        dir.path().join("dist/sw.js"),
        "const BUILD = {\"shell\": [oops]};\n",
    )
    .expect("write");
    let out = pack(dir.path(), "web", "web.zip");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("sw.js: the line `const BUILD = ...` does not hold JSON"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path().join("web.zip").exists());
}

#[test]
fn pack_cmi5_writes_the_course_structure() {
    let dir = project();
    let out = pelita(
        dir.path(),
        &[
            "pack",
            "--format",
            "cmi5",
            "--move-on",
            "CompletedOrPassed",
            "content/phishing.json",
            "-o",
            "cmi5.zip",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let zip = dir.path().join("cmi5.zip");
    assert_eq!(entries(&zip), expected_entries(Some("cmi5.xml")));
    let xml = read_entry(&zip, "cmi5.xml");
    let doc = roxmltree::Document::parse(&xml).expect("well-formed");
    let ns = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd";
    let au = doc
        .descendants()
        .find(|n| n.has_tag_name((ns, "au")))
        .expect("an au");
    assert_eq!(
        au.attribute("id"),
        Some("https://pelita.example.org/modules/phishing/au")
    );
    assert_eq!(au.attribute("moveOn"), Some("CompletedOrPassed"));
    assert_eq!(au.attribute("masteryScore"), Some("0.8"));
    assert_eq!(au.attribute("launchMethod"), Some("AnyWindow"));
    let url = au
        .children()
        .find(|n| n.has_tag_name((ns, "url")))
        .and_then(|n| n.text());
    assert_eq!(url, Some("index.html?module=modules/phishing.json"));

    // The default moveOn is written out too.
    let out = pack(dir.path(), "cmi5", "default.zip");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let xml = read_entry(&dir.path().join("default.zip"), "cmi5.xml");
    assert!(xml.contains("moveOn=\"CompletedAndPassed\""), "{xml}");
}

fn manifest_hrefs(xml: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(xml).expect("well-formed");
    doc.descendants()
        .filter(|n| n.tag_name().name() == "file")
        .map(|n| n.attribute("href").expect("href").to_string())
        .collect()
}

#[test]
fn pack_scorm12_lists_every_file_and_the_percent_mastery_score() {
    let dir = project();
    let out = pack(dir.path(), "scorm12", "s12.zip");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let zip = dir.path().join("s12.zip");
    let names = entries(&zip);
    assert_eq!(
        names,
        expected_entries_with(Some("imsmanifest.xml"), &SCORM12_SCHEMAS)
    );
    let xml = read_entry(&zip, "imsmanifest.xml");
    // Every file but the manifest and the control documents is listed.
    let mut listed = manifest_hrefs(&xml);
    listed.push("imsmanifest.xml".into());
    listed.extend(SCORM12_SCHEMAS.iter().map(|s| s.to_string()));
    listed.sort();
    assert_eq!(listed, names);
    assert!(
        xml.contains("<adlcp:masteryscore>80</adlcp:masteryscore>"),
        "{xml}"
    );
    assert!(xml.contains("adlcp:scormtype=\"sco\""));
    assert!(xml.contains("parameters=\"?module=modules%2Fphishing.json&amp;lms=scorm\""));
}

#[test]
fn pack_scorm2004_lists_every_file_and_the_scaled_mastery_score() {
    let dir = project();
    let out = pack(dir.path(), "scorm2004", "s2004.zip");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let zip = dir.path().join("s2004.zip");
    let names = entries(&zip);
    assert_eq!(
        names,
        expected_entries_with(Some("imsmanifest.xml"), &SCORM2004_SCHEMAS)
    );
    let xml = read_entry(&zip, "imsmanifest.xml");
    let mut listed = manifest_hrefs(&xml);
    listed.push("imsmanifest.xml".into());
    listed.extend(SCORM2004_SCHEMAS.iter().map(|s| s.to_string()));
    listed.sort();
    assert_eq!(listed, names);
    assert!(xml.contains("parameters=\"?module=modules%2Fphishing.json&amp;lms=scorm\""));
    assert!(xml.contains("<imsss:minNormalizedMeasure>0.8</imsss:minNormalizedMeasure>"));
    assert!(xml.contains("satisfiedByMeasure=\"true\""));
    assert!(xml.contains("adlcp:scormType=\"sco\""));
}

#[test]
fn pack_is_deterministic_in_every_format() {
    let dir = project();
    let formats = ["cmi5", "scorm12", "scorm2004", "web"];
    for format in formats {
        let out = pack(dir.path(), format, &format!("{format}-1.zip"));
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    // A newer modification time on a source file must not change the zip.
    let touched = fs::read(dir.path().join("dist/sw.js")).expect("read");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    fs::write(dir.path().join("dist/sw.js"), touched).expect("rewrite");
    for format in formats {
        let out = pack(dir.path(), format, &format!("{format}-2.zip"));
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let a = fs::read(dir.path().join(format!("{format}-1.zip"))).expect("first zip");
        let b = fs::read(dir.path().join(format!("{format}-2.zip"))).expect("second zip");
        assert!(a == b, "{format}: two packs of the same input differ");
    }
}

#[test]
fn pack_refuses_a_broken_module_with_the_check_messages() {
    let dir = project();
    fs::remove_file(dir.path().join("content/img/phishing-email.svg")).expect("rm");
    let check = pelita(dir.path(), &["check", "content/phishing.json"]);
    assert_eq!(check.status.code(), Some(1));
    let out = pack(dir.path(), "scorm12", "broken.zip");
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.starts_with(&stdout(&check)), "{err}");
    assert!(err.contains("nothing was packed"));
    assert!(!dir.path().join("broken.zip").exists());
}

#[test]
fn pack_explains_a_missing_or_unbuilt_player() {
    let dir = project();
    let out = pelita(
        dir.path(),
        &[
            "pack",
            "--format",
            "web",
            "content/phishing.json",
            "-o",
            "x.zip",
            "--player",
            "nowhere",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("cargo xtask dist"),
        "{}",
        stderr(&out)
    );

    // The page template (as in the repository root) is not a built player.
    write(
        &dir.path().join("template/index.html"),
        "<html><!-- pelita:script --></html>",
    );
    let out = pelita(
        dir.path(),
        &[
            "pack",
            "--format",
            "web",
            "content/phishing.json",
            "-o",
            "x.zip",
            "--player",
            "template",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("cargo xtask dist"),
        "{}",
        stderr(&out)
    );

    // index.html without the hashed script and wasm is not a built player either.
    fs::remove_file(dir.path().join("dist/pelita_bg-def.wasm")).expect("rm");
    let out = pack(dir.path(), "web", "x.zip");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("cargo xtask dist"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path().join("x.zip").exists());
}

#[test]
fn pack_uses_the_default_player_folder_and_refuses_a_module_named_launch() {
    let dir = project();
    let out = pelita(
        dir.path(),
        &[
            "pack",
            "--format",
            "web",
            "content/phishing.json",
            "--output",
            "d.zip",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    write(&dir.path().join("content/launch.json"), PHISHING);
    let out = pelita(
        dir.path(),
        &[
            "pack",
            "--format",
            "web",
            "content/launch.json",
            "-o",
            "l.zip",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("cannot be named launch.json"),
        "{}",
        stderr(&out)
    );
}

/// Unpacks every entry of a zip into `dir`.
fn unzip(zip_path: &Path, dir: &Path) {
    let mut archive =
        zip::ZipArchive::new(fs::File::open(zip_path).expect("zip exists")).expect("a zip");
    archive.extract(dir).expect("the zip unpacks");
}

/// What is wrong with an item's `parameters` by IMS Content Packaging's syntax for it
/// (`#fragment`, or `?name=value&...` of URL-encoded text), if anything.
fn cp_parameters_problem(parameters: &str) -> Option<String> {
    let url_text = |text: &str| {
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b == b'%' {
                let hex = bytes.get(i + 1..i + 3)?;
                if !hex.iter().all(u8::is_ascii_hexdigit) {
                    return None;
                }
                i += 3;
            } else if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+') {
                i += 1;
            } else {
                return None;
            }
        }
        Some(())
    };
    if let Some(fragment) = parameters.strip_prefix('#') {
        return url_text(fragment)
            .is_none()
            .then(|| format!("`{parameters}`: the fragment is not URL-encoded"));
    }
    let Some(query) = parameters.strip_prefix('?') else {
        return Some(format!("`{parameters}` starts with neither `?` nor `#`"));
    };
    for pair in query.split('&') {
        let Some((name, value)) = pair.split_once('=') else {
            return Some(format!("`{pair}` in `{parameters}` is not name=value"));
        };
        if name.is_empty() || url_text(name).is_none() || url_text(value).is_none() {
            return Some(format!(
                "`{pair}` in `{parameters}` has a character that must be percent-encoded"
            ));
        }
    }
    None
}

#[test]
fn cp_parameter_syntax_check_refuses_what_adl_refuses() {
    assert_eq!(
        cp_parameters_problem("?module=modules%2Fphishing.json"),
        None
    );
    assert_eq!(cp_parameters_problem("?a=1&b=x%20y"), None);
    assert_eq!(cp_parameters_problem("#part"), None);
    assert!(cp_parameters_problem("?module=modules/phishing.json").is_some());
    assert!(cp_parameters_problem("module=x").is_some());
    assert!(cp_parameters_problem("?a=%2").is_some());
    assert!(cp_parameters_problem("?novalue").is_some());
}

/// Runs `xmllint --schema` on `manifest` in `dir` against a driver schema that imports
/// every namespace of the manifest's `xsi:schemaLocation` from the file it names there
/// (so the files must be in `dir`, the zip root). Returns xmllint's verdict and output.
fn xmllint(dir: &Path, manifest: &str) -> (bool, String) {
    let text = fs::read_to_string(dir.join(manifest)).expect("manifest");
    let doc = roxmltree::Document::parse(&text).expect("well-formed manifest");
    let location = doc
        .root_element()
        .attribute((
            "http://www.w3.org/2001/XMLSchema-instance",
            "schemaLocation",
        ))
        .expect("the manifest names its schemas");
    let words: Vec<&str> = location.split_whitespace().collect();
    assert!(
        words.len() >= 2 && words.len() % 2 == 0,
        "xsi:schemaLocation is namespace/file pairs: {location}"
    );
    let mut driver = String::from(
        "<?xml version=\"1.0\"?>\n<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">\n",
    );
    for pair in words.chunks(2) {
        assert!(
            dir.join(pair[1]).is_file(),
            "the controlling document {} (for {}) is not at the zip root",
            pair[1],
            pair[0]
        );
        driver.push_str(&format!(
            "  <xs:import namespace=\"{}\" schemaLocation=\"{}\"/>\n",
            pair[0], pair[1]
        ));
    }
    driver.push_str("</xs:schema>\n");
    write(&dir.join("pelita-test-driver.xsd"), &driver);
    let output = Command::new("xmllint")
        .current_dir(dir)
        .args([
            "--noout",
            "--nonet",
            "--schema",
            "pelita-test-driver.xsd",
            manifest,
        ])
        .output()
        .unwrap_or_else(|e| {
            panic!("xmllint does not run ({e}); install Debian's libxml2-utils (scripts/setup.sh does)")
        });
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), said)
}

#[test]
fn scorm_manifests_are_valid_against_the_control_documents_at_the_zip_root() {
    for (format, manifest_ns) in [
        ("scorm12", "http://www.imsproject.org/xsd/imscp_rootv1p1p2"),
        ("scorm2004", "http://www.imsglobal.org/xsd/imscp_v1p1"),
    ] {
        let dir = project();
        let out = pack(dir.path(), format, "package.zip");
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let root = dir.path().join("unpacked");
        unzip(&dir.path().join("package.zip"), &root);

        let (valid, said) = xmllint(&root, "imsmanifest.xml");
        assert!(valid, "{format}: xmllint refuses the manifest:\n{said}");
        assert!(said.contains("validates"), "{format}: {said}");

        let text = fs::read_to_string(root.join("imsmanifest.xml")).expect("manifest");
        let doc = roxmltree::Document::parse(&text).expect("well-formed");
        assert!(doc.root_element().has_tag_name((manifest_ns, "manifest")));
        let items: Vec<_> = doc
            .descendants()
            .filter(|n| n.has_tag_name((manifest_ns, "item")))
            .collect();
        assert!(!items.is_empty(), "{format}: no item");
        for item in items {
            let parameters = item.attribute("parameters").expect("parameters");
            assert_eq!(cp_parameters_problem(parameters), None, "{format}");
        }

        // The same check refuses a manifest the schemas forbid (an item without its
        // required identifier), so a pass above is the schemas' verdict.
        let broken = text.replacen("identifier=\"pelita-item\" ", "", 1);
        assert_ne!(broken, text);
        write(&root.join("broken.xml"), &broken);
        let (valid, said) = xmllint(&root, "broken.xml");
        assert!(
            !valid,
            "{format}: xmllint accepted an item without identifier:\n{said}"
        );
    }
}
