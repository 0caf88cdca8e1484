//! The pre-rendered first page (feature `ssr`): rendered natively by the player's own
//! components for every example module, in the module's default language or the launch's
//! `lang`, with real form controls that work before the wasm does.
#![cfg(feature = "ssr")]

use pelita_player::error::PrerenderError;
use pelita_player::prerender::{self, APP_END, APP_START, MODULE_MARKER};
use std::path::Path;
use std::rc::Rc;

fn module(name: &str) -> Rc<pelita_lesson::Module> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../www/modules")
        .join(name);
    let text = std::fs::read_to_string(&path).expect("example module");
    Rc::new(pelita_lesson::load_module(&text).expect("valid example module"))
}

/// The template as `cargo xtask dist` leaves it: the repository's `index.html` with the
/// build's own markers filled in (the pre-render's markers stay).
fn template() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../index.html");
    std::fs::read_to_string(path)
        .expect("index.html")
        .replace("<!-- pelita:preload -->", "")
        .replace("/* pelita:style */", "")
        .replace(
            "<!-- pelita:script -->",
            "<script type=\"module\" src=\"pelita-0123456789abcdef.js\"></script>",
        )
}

#[test]
fn phishing_first_page_in_its_default_language_with_real_controls() {
    let html = prerender::page(
        &template(),
        module("phishing.json"),
        "modules/phishing.json",
        None,
    )
    .expect("page");
    // The document says what it shows.
    assert!(html.contains("<html lang=\"id\" dir=\"ltr\">"), "{html}");
    assert!(html.contains("<title>Mengenali Phishing · Pelita</title>"));
    assert!(html.contains("<meta name=\"pelita-module\" content=\"modules/phishing.json\">"));
    // The header, the page's heading and text, in Indonesian.
    assert!(html.contains("<p class=\"module-title\">Mengenali Phishing</p>"));
    assert!(html.contains(">Pengantar</h1>"), "{html}");
    assert!(html.contains("<strong>Phishing</strong>"));
    assert!(html.contains("adalah penipuan yang menyamar"));
    assert!(!html.contains("is fraud that pretends"));
    // The true/false question is two real radio buttons with labels, named by the
    // question, and its prompt.
    assert!(html.contains("Bank terkadang meminta nasabah"));
    assert_eq!(html.matches("type=\"radio\"").count(), 2, "{html}");
    assert!(html.contains("name=\"q-q-pin\""));
    assert!(html.contains("<label for=\"q-q-pin-true\""), "{html}");
    // "Check" is there, and the note that says the player is not ready yet, hidden until
    // a click needs it.
    assert!(html.contains("Periksa jawaban"));
    assert!(html.contains("class=\"not-ready\""));
    assert!(html.contains("Pemutar masih dimuat"));
    // The player's own element is there, empty and hidden, and the loading message is gone.
    assert!(html.contains("<div id=\"app\" hidden></div>"));
    assert!(!html.contains("Memuat modul"));
    assert!(!html.contains("pelita:app"));
    // Nothing of Yew's hydration markers: the player replaces the page, it does not
    // hydrate it.
    assert!(!html.contains("<!--<["), "{html}");
    // The rest of the template is kept (the player's script).
    assert!(html.contains("pelita-0123456789abcdef.js"));
}

#[test]
fn the_launch_language_is_honoured_when_the_module_has_it() {
    let html = prerender::page(
        &template(),
        module("phishing.json"),
        "modules/phishing.json",
        Some("en-GB"),
    )
    .expect("page");
    assert!(html.contains("<html lang=\"en\" dir=\"ltr\">"));
    assert!(html.contains("<title>Recognising Phishing · Pelita</title>"));
    assert!(html.contains(">Introduction</h1>"));
    assert!(html.contains("is fraud that pretends"));
    assert!(html.contains("Check answer"));
    assert!(html.contains("The player is still starting"));
    // A language the module lacks falls back to its default.
    let html = prerender::page(
        &template(),
        module("phishing.json"),
        "modules/phishing.json",
        Some("fr"),
    )
    .expect("page");
    assert!(html.contains("<html lang=\"id\""));
    assert!(html.contains(">Pengantar</h1>"));
}

#[test]
fn every_example_module_renders_its_first_page() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../www/modules");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).expect("www/modules") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .to_string();
        if !name.ends_with(".json") || name == "launch.json" {
            continue;
        }
        let m = module(&name);
        let lang = m.default_language().to_string();
        let first = &m.lessons[0].pages[0];
        let heading = first.title.text(&lang, &lang).to_string();
        let html = prerender::render(m.clone(), &format!("modules/{name}"), &lang);
        assert!(html.contains(&format!(">{heading}</h1>")), "{name}: {html}");
        assert!(html.contains("class=\"page\""), "{name}");
        seen += 1;
    }
    assert_eq!(seen, 4, "the four example modules");
}

#[test]
fn a_numeric_question_is_a_real_input_before_the_wasm() {
    // analitik-data's first page holds a numeric and a true/false question.
    let m = module("analitik-data.json");
    let html = prerender::render(m, "modules/analitik-data.json", "id");
    assert!(html.contains("<input"), "{html}");
    assert!(html.matches("type=\"radio\"").count() >= 2, "{html}");
    assert!(html.matches("<fieldset").count() >= 2, "{html}");
}

#[test]
fn attribute_text_is_escaped() {
    let html = prerender::page(
        &template(),
        module("phishing.json"),
        "modules/a\"b<c>.json",
        None,
    )
    .expect("page");
    assert!(html.contains("content=\"modules/a&quot;b&lt;c&gt;.json\""));
}

#[test]
fn a_template_without_the_markers_is_refused_by_name() {
    let m = module("phishing.json");
    let bare = "<!doctype html><html lang=\"id\"><body><div id=\"app\"></div></body></html>";
    assert_eq!(
        prerender::page(bare, m.clone(), "modules/phishing.json", None),
        Err(PrerenderError::Marker(APP_START))
    );
    let no_end = template().replace(APP_END, "");
    assert_eq!(
        prerender::page(&no_end, m.clone(), "modules/phishing.json", None),
        Err(PrerenderError::Marker(APP_END))
    );
    let no_module = template().replace(MODULE_MARKER, "");
    assert_eq!(
        prerender::page(&no_module, m, "modules/phishing.json", None),
        Err(PrerenderError::Marker(MODULE_MARKER))
    );
    assert!(PrerenderError::Marker(APP_START)
        .to_string()
        .contains("cargo xtask dist"));
}

#[test]
fn a_one_page_module_with_its_warnings_renders_without_a_browser() {
    // The last page shows the finish button and the count of unanswered questions, a
    // plural message: natively there is no `Intl`, and the render must not reach for it.
    let text = r#"{
      "pelita": 1,
      "id": "https://example.org/modules/satu",
      "masteryScore": 1,
      "languages": ["en", "fr"],
      "title": {"en": "One page", "fr": "Une page"},
      "lessons": [{"id": "l", "title": {"en": "Lesson", "fr": "Leçon"}, "pages": [{
        "id": "p", "title": {"en": "Only page", "fr": "Seule page"},
        "blocks": [{"type": "trueFalse", "id": "q", "prompt": {"en": "Sky is blue.", "fr": "Le ciel est bleu."}, "answer": true}]
      }]}]
    }"#;
    let m = Rc::new(pelita_lesson::load_module(text).expect("module"));
    let html = prerender::render(m.clone(), "modules/satu.json", "en");
    assert!(html.contains(">Only page</h1>"), "{html}");
    assert!(html.contains("1 question is not answered yet"), "{html}");
    // French has no catalog: the switch names it by its tag rather than asking `Intl`.
    let html = prerender::render(m, "modules/satu.json", "fr");
    assert!(html.contains(">Seule page</h1>"), "{html}");
    assert!(html.contains("lang=\"fr\""), "{html}");
}

/// The build's list of the chunk files of every piece a first page may need, as
/// `cargo xtask dist` writes it into `index.html`; `widgets` and `hotspot` share a chunk.
fn chunk_list() -> String {
    prerender::chunks_marker(&[
        (
            "flashcards",
            vec!["chunk_18-a.wasm".into(), "split_flashcards-b.wasm".into()],
        ),
        ("media", vec!["split_media-c.wasm".into()]),
        (
            "widgets",
            vec!["chunk_22-d.wasm".into(), "split_widgets-e.wasm".into()],
        ),
        (
            "hotspot",
            vec!["chunk_22-d.wasm".into(), "split_hotspot-f.wasm".into()],
        ),
    ])
}

/// [`template`] with the list of chunk files where `cargo xtask dist` puts it.
fn template_with_chunks() -> String {
    template().replacen(
        "<!-- pelita:module -->",
        &format!("<!-- pelita:module -->\n  {}", chunk_list()),
        1,
    )
}

/// `name`'s page from `template`, in the module's default language.
fn example_page(template: &str, name: &str) -> String {
    prerender::page(template, module(name), &format!("modules/{name}"), None).expect("page")
}

/// The files a pre-rendered page asks the preload script to fetch, if it names any.
fn named_chunks(html: &str) -> Option<Vec<String>> {
    let start = html.find("<meta name=\"pelita-chunks\" content=\"")? + 36;
    let end = start + html[start..].find('"')?;
    Some(html[start..end].split(' ').map(str::to_string).collect())
}

#[test]
fn a_page_names_the_chunks_its_first_page_needs_and_no_others() {
    let template = template_with_chunks();
    // analitik-data opens on a numeric question: the widgets chunk and what it shares.
    let html = example_page(&template, "analitik-data.json");
    assert_eq!(
        named_chunks(&html),
        Some(vec![
            "chunk_22-d.wasm".into(),
            "split_widgets-e.wasm".into()
        ])
    );
    // It comes before the preload script, which reads it as the page is parsed.
    let meta = html.find("name=\"pelita-chunks\"").expect("meta");
    let script = html.find("querySelector('meta[name=\"pelita-chunks\"]')");
    assert!(script.is_some_and(|s| meta < s), "{html}");
    // The build's whole list is gone from the page.
    assert!(!html.contains(prerender::CHUNKS_MARKER), "{html}");
    assert!(!html.contains("split_media"), "{html}");
    // kata-sandi opens on flashcards.
    let html = example_page(&template, "kata-sandi.json");
    assert_eq!(
        named_chunks(&html),
        Some(vec![
            "chunk_18-a.wasm".into(),
            "split_flashcards-b.wasm".into()
        ])
    );
    // phishing's first page needs nothing beyond the first chunk: no list at all.
    let html = example_page(&template, "phishing.json");
    assert_eq!(named_chunks(&html), None);
    assert!(!html.contains(prerender::CHUNKS_MARKER), "{html}");
    assert!(!html.contains(".wasm"), "{html}");
}

#[test]
fn a_hotspot_first_page_names_both_pieces_and_a_shared_file_once() {
    let text = r#"{
      "pelita": 1,
      "id": "https://example.org/modules/titik",
      "masteryScore": 1,
      "languages": ["en"],
      "title": {"en": "Hotspot"},
      "lessons": [{"id": "l", "title": {"en": "Lesson"}, "pages": [{
        "id": "p", "title": {"en": "Find it"},
        "blocks": [{"type": "hotspot", "id": "q", "prompt": {"en": "Where?"},
          "image": {"src": "img/a.svg", "width": 100, "height": 100, "alt": {"en": "A picture"}},
          "regions": [{"id": "r", "label": {"en": "Here"}, "x": 0, "y": 0, "width": 10, "height": 10, "correct": true},
            {"id": "s", "label": {"en": "There"}, "x": 50, "y": 50, "width": 10, "height": 10}]}]
      }]}]
    }"#;
    let m = Rc::new(pelita_lesson::load_module(text).expect("module"));
    let html =
        prerender::page(&template_with_chunks(), m, "modules/titik.json", None).expect("page");
    assert_eq!(
        named_chunks(&html),
        Some(vec![
            "chunk_22-d.wasm".into(),
            "split_widgets-e.wasm".into(),
            "split_hotspot-f.wasm".into()
        ])
    );
}

#[test]
fn a_template_of_a_build_without_the_list_still_renders() {
    // The list only saves a round trip: a page from a template without it (or without the
    // piece) is the same page, and the player loads the chunk itself.
    let html = prerender::page(
        &template(),
        module("analitik-data.json"),
        "modules/analitik-data.json",
        None,
    )
    .expect("page");
    assert_eq!(named_chunks(&html), None);
    assert!(html.contains("id=\"q-q-kenaikan-number\""), "{html}");
    let partial = template().replacen(
        "<!-- pelita:module -->",
        &format!(
            "<!-- pelita:module -->{}",
            prerender::chunks_marker(&[("media", vec!["split_media-c.wasm".into()])])
        ),
        1,
    );
    let html = example_page(&partial, "analitik-data.json");
    assert_eq!(named_chunks(&html), None);
    assert!(!html.contains(prerender::CHUNKS_MARKER), "{html}");
}
