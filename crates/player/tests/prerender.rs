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
    let page = &html[..html.find("<template").unwrap_or(html.len())];
    assert_eq!(page.matches("type=\"radio\"").count(), 2, "{html}");
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

/// The `<template>`s of a page's answers judged in advance: (question, key, card).
fn templates(html: &str) -> Vec<(String, String, String)> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<template data-answer=\"") {
        let tail = &rest[start..];
        let attr = |name: &str| {
            let at = tail.find(&format!("{name}=\"")).expect("attribute") + name.len() + 2;
            tail[at..at + tail[at..].find('"').expect("quote")].to_string()
        };
        let open = tail.find('>').expect("tag end") + 1;
        let close = tail.find("</template>").expect("closed");
        found.push((
            attr("data-answer"),
            attr("data-response"),
            tail[open..close].to_string(),
        ));
        rest = &tail[close..];
    }
    found
}

/// The values of the checked inputs of a card, sorted and joined by spaces: what the
/// page's takeover script (index.html) looks a judged answer up by.
fn checked_key(card: &str) -> String {
    let mut values: Vec<&str> = card
        .split("<input ")
        .skip(1)
        .filter(|input| {
            let tag = &input[..input.find('>').unwrap_or(input.len())];
            tag.contains(" checked")
        })
        .map(|input| {
            let at = input.find("value=\"").expect("value") + 7;
            &input[at..at + input[at..].find('"').expect("quote")]
        })
        .collect();
    values.sort_unstable();
    values.join(" ")
}

#[test]
fn phishing_checks_its_first_question_before_the_wasm_with_the_sessions_verdict() {
    let html = example_page(&template(), "phishing.json");
    let cards = templates(&html);
    let keys: Vec<(&str, &str)> = cards
        .iter()
        .map(|(q, k, _)| (q.as_str(), k.as_str()))
        .collect();
    assert_eq!(keys, [("q-q-pin", "true"), ("q-q-pin", "false")], "{html}");
    // The templates are inside the pre-rendered page, which the player removes whole.
    let end = html.find("<div id=\"app\"").expect("app");
    assert!(html[..end].rfind("</template>").is_some());
    assert!(
        html.find("<div id=\"prerendered\">").expect("page")
            < html.find("<template").expect("template")
    );
    for (_, key, card) in &cards {
        // The card after "Check": the same section, its answer checked and locked, no
        // "Check" button, and the feedback the session's verdict calls for.
        assert!(card.starts_with("<section id=\"q-q-pin\""), "{card}");
        assert_eq!(&checked_key(card), key, "{card}");
        assert_eq!(card.matches("disabled=\"disabled\"").count(), 2, "{card}");
        assert!(!card.contains("Periksa jawaban"), "{card}");
        // The right answer (false) is marked as the key either way.
        assert!(
            card.contains("class=\"option key\"") || card.contains("class=\"option chosen key\""),
            "{card}"
        );
    }
    let right = &cards[1].2;
    assert!(right.contains("feedback right"), "{right}");
    assert!(right.contains("Bank tidak pernah meminta PIN"), "{right}");
    let wrong = &cards[0].2;
    assert!(wrong.contains("feedback wrong"), "{wrong}");
    assert!(!wrong.contains("feedback right"), "{wrong}");
}

/// A two-page module whose first page holds `blocks` (JSON), in English.
fn first_page_module(blocks: &str, page: &str) -> Rc<pelita_lesson::Module> {
    let text = format!(
        r#"{{
      "pelita": 1,
      "id": "https://example.org/modules/dua",
      "masteryScore": 1,
      "languages": ["en"],
      "title": {{"en": "Two pages"}},
      "lessons": [{{"id": "l", "title": {{"en": "Lesson"}}, "pages": [
        {{"id": "p1", "title": {{"en": "First"}}, {page} "blocks": {blocks}}},
        {{"id": "p2", "title": {{"en": "Second"}}, "blocks": [{{"type": "text", "content": {{"en": [{{"type": "paragraph", "content": ["End."]}}]}}}}]}}
      ]}}]
    }}"#
    );
    Rc::new(pelita_lesson::load_module(&text).expect("module"))
}

fn choice(id: &str, multiple: bool, n: usize) -> String {
    let choices: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"id": "c{i}", "text": {{"en": "Choice {i}"}}, "correct": {}}}"#,
                i == 1
            )
        })
        .collect();
    format!(
        r#"{{"type": "choice", "id": "{id}", "prompt": {{"en": "Pick."}}, "multiple": {multiple}, "choices": [{}]}}"#,
        choices.join(",")
    )
}

fn page_of(m: Rc<pelita_lesson::Module>) -> String {
    prerender::page(&template(), m, "modules/dua.json", None).expect("page")
}

#[test]
fn every_answer_of_choice_and_likert_questions_is_judged_and_keyed_as_the_script_reads_it() {
    let likert = r#"{"type": "likert", "id": "l", "prompt": {"en": "I agree."}, "scale": [
        {"id": "s1", "text": {"en": "No"}}, {"id": "s2", "text": {"en": "Yes"}}]}"#;
    let numeric =
        r#"{"type": "numeric", "id": "n", "prompt": {"en": "How many?"}, "answer": {"exact": 3}}"#;
    let blocks = format!(
        "[{}, {}, {}, {likert}, {numeric}]",
        choice("one", false, 3),
        choice("all", true, 3),
        choice("many", true, prerender::MAX_JUDGED_CHOICES + 1)
    );
    let html = page_of(first_page_module(&blocks, ""));
    let cards = templates(&html);
    let count = |q: &str| cards.iter().filter(|(id, _, _)| id == q).count();
    assert_eq!(count("q-one"), 3, "{html}");
    // Every combination of a "choose all" question of three choices but none at all.
    assert_eq!(count("q-all"), 7);
    assert!(cards
        .iter()
        .any(|(q, k, _)| q == "q-all" && k == "c0 c1 c2"));
    assert!(cards.iter().any(|(q, k, _)| q == "q-all" && k == "c0 c2"));
    // Too many combinations, and typed answers, are left to the player.
    assert_eq!(count("q-many"), 0);
    assert_eq!(count("q-n"), 0);
    assert_eq!(count("q-l"), 2);
    for (q, key, card) in &cards {
        assert_eq!(&checked_key(card), key, "{q}: {card}");
        assert!(card.contains(&format!("id=\"{q}\"")), "{card}");
    }
    // A survey question is recorded, not judged; the scored ones are right only with the
    // right choice alone.
    assert!(cards
        .iter()
        .filter(|(q, _, _)| q == "q-l")
        .all(|(_, _, c)| c.contains("feedback recorded")));
    let verdict = |q: &str, k: &str| {
        let card = &cards
            .iter()
            .find(|(id, key, _)| id == q && key == k)
            .expect("card")
            .2;
        card.contains("feedback right")
    };
    assert!(verdict("q-one", "c1"));
    assert!(!verdict("q-one", "c0"));
    assert!(verdict("q-all", "c1"));
    assert!(!verdict("q-all", "c0 c1"));
}

#[test]
fn no_answer_is_judged_where_the_attempt_decides_the_page_or_the_page_is_the_last() {
    let blocks = format!("[{}, {}]", choice("a", false, 2), choice("b", false, 2));
    // Drawn or shuffled questions depend on the attempt's seed, which only the player has.
    for page in [r#""draw": 1,"#, r#""shuffle": true,"#] {
        let html = page_of(first_page_module(&blocks, page));
        assert!(html.contains("Pick."), "{html}");
        assert!(templates(&html).is_empty(), "{page}: {html}");
    }
    // Without either, both questions are judged.
    assert_eq!(templates(&page_of(first_page_module(&blocks, ""))).len(), 4);
    // A module of one page: its "Finish" counts unanswered questions, which a card alone
    // would leave wrong.
    let one = r#"{
      "pelita": 1, "id": "https://example.org/modules/satu", "masteryScore": 1,
      "languages": ["en"], "title": {"en": "One"},
      "lessons": [{"id": "l", "title": {"en": "L"}, "pages": [{"id": "p", "title": {"en": "Only"},
        "blocks": [{"type": "trueFalse", "id": "q", "prompt": {"en": "Sky is blue."}, "answer": true}]}]}]
    }"#;
    let m = Rc::new(pelita_lesson::load_module(one).expect("module"));
    assert!(
        templates(&prerender::page(&template(), m, "modules/satu.json", None).expect("page"))
            .is_empty()
    );
}
