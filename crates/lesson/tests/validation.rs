//! Validation: good modules load, and every kind of broken module is reported with all of
//! its problems, each at the right JSON path and line.

mod fixtures;

use pelita_lesson::{load_module, Block, Inline, LoadError, QuestionKind, RichBlock};
use serde_json::Value;

fn small() -> Value {
    serde_json::from_str(fixtures::SMALL).expect("fixture is JSON")
}

fn problems_of(value: &Value) -> Vec<(String, String)> {
    let src = serde_json::to_string_pretty(value).expect("serialises");
    match load_module(&src) {
        Ok(_) => vec![],
        Err(e) => e
            .problems()
            .into_iter()
            .map(|p| (p.path, p.message))
            .collect(),
    }
}

#[test]
fn the_small_fixture_loads_with_everything_in_place() {
    let module = load_module(fixtures::SMALL).expect("valid");
    assert_eq!(module.id, "https://example.org/modules/small");
    assert_eq!(module.default_language(), "id");
    assert_eq!(module.max_points(), 4);
    assert_eq!(module.questions().count(), 3);
    let Block::Text(text) = &module.lessons[0].pages[0].blocks[0] else {
        panic!("first block is text")
    };
    assert_eq!(
        text.get("en", "id").expect("en"),
        &vec![RichBlock::Paragraph(vec![
            Inline::Text("Hello ".into()),
            Inline::Emphasis(vec![Inline::Text("world".into())])
        ])]
    );
    let q = module.question("multi").expect("multi");
    assert_eq!(q.points, 2);
    assert!(
        matches!(&q.kind, QuestionKind::Choice { multiple: true, choices } if choices.len() == 3)
    );
    assert_eq!(module.question("single").expect("single").points, 1);
    assert_eq!(
        module.question_iri(q),
        "https://example.org/modules/small/question/multi"
    );
    let lesson = &module.lessons[0];
    assert_eq!(
        module.page_iri(lesson, &lesson.pages[1]),
        "https://example.org/modules/small/lesson/one/page/quiz"
    );
}

#[test]
fn the_example_module_in_www_is_valid() {
    let src = include_str!("../../../www/modules/phishing.json");
    match load_module(src) {
        Ok(module) => {
            assert!(module.languages.iter().any(|l| l == "id"));
            assert!(module.languages.iter().any(|l| l == "en"));
            assert_eq!(module.questions().count(), 5);
        }
        Err(e) => panic!("{}", e.report("phishing.json")),
    }
}

/// Each case: a change to the valid fixture, and the (path, message fragment) pairs that
/// must all be reported.
#[test]
fn broken_modules_report_every_problem_at_its_path() {
    type Edit = fn(&mut Value);
    type Case = (&'static str, Edit, Vec<(&'static str, &'static str)>);
    let cases: Vec<Case> = vec![
        (
            "wrong version",
            |m| m["pelita"] = 2.into(),
            vec![("$.pelita", "unsupported format version")],
        ),
        (
            "relative id",
            |m| m["id"] = "modules/small".into(),
            vec![("$.id", "absolute IRI")],
        ),
        (
            "mastery out of range",
            |m| m["masteryScore"] = 1.5.into(),
            vec![("$.masteryScore", "from 0 to 1")],
        ),
        (
            "mastery not a number",
            |m| m["masteryScore"] = "80%".into(),
            vec![("$.masteryScore", "found a string")],
        ),
        (
            "missing title in the default language",
            |m| {
                m["title"].as_object_mut().expect("obj").remove("id");
            },
            vec![(
                "$.title.id",
                "missing text for language \"id\", the module's default",
            )],
        ),
        (
            "declared default language not among the languages",
            |m| m["defaultLanguage"] = "fr".into(),
            vec![(
                "$.defaultLanguage",
                "`fr` is not one of the module's languages (id, en)",
            )],
        ),
        (
            "declared default language missing in a text",
            |m| {
                m["defaultLanguage"] = "en".into();
                m["title"].as_object_mut().expect("obj").remove("en");
            },
            vec![(
                "$.title.en",
                "missing text for language \"en\", the module's default",
            )],
        ),
        (
            "undeclared language",
            |m| m["title"]["fr"] = "Titre".into(),
            vec![("$.title.fr", "not one of the module's languages")],
        ),
        (
            "empty text",
            |m| m["title"]["id"] = "  ".into(),
            vec![("$.title.id", "must not be empty")],
        ),
        (
            "unknown top-level field",
            |m| m["mastery"] = 1.into(),
            vec![("$.mastery", "unknown field `mastery`")],
        ),
        (
            "no lessons",
            |m| m["lessons"] = Value::Array(vec![]),
            vec![("$.lessons", "at least one lesson")],
        ),
        (
            "bad language tag",
            |m| m["languages"] = serde_json::json!(["id", "english"]),
            vec![("$.languages[1]", "language tag")],
        ),
        (
            "duplicate language",
            |m| m["languages"] = serde_json::json!(["id", "en", "id"]),
            vec![("$.languages[2]", "listed twice")],
        ),
        (
            "image without alt",
            |m| {
                m["lessons"][0]["pages"][1]["blocks"][0]
                    .as_object_mut()
                    .expect("obj")
                    .remove("alt");
            },
            vec![("$.lessons[0].pages[1].blocks[0].alt", "alternative text")],
        ),
        (
            "image alt missing a language",
            |m| {
                m["lessons"][0]["pages"][1]["blocks"][0]["alt"]
                    .as_object_mut()
                    .expect("obj")
                    .remove("id");
            },
            vec![("$.lessons[0].pages[1].blocks[0].alt.id", "missing text")],
        ),
        (
            "image escaping the folder",
            |m| m["lessons"][0]["pages"][1]["blocks"][0]["src"] = "../secret.png".into(),
            vec![("$.lessons[0].pages[1].blocks[0].src", "relative path")],
        ),
        (
            "image by javascript url",
            |m| m["lessons"][0]["pages"][1]["blocks"][0]["src"] = "javascript:alert(1)".into(),
            vec![("$.lessons[0].pages[1].blocks[0].src", "relative path")],
        ),
        (
            "unknown block type",
            |m| m["lessons"][0]["pages"][1]["blocks"][0]["type"] = "hologram".into(),
            vec![(
                "$.lessons[0].pages[1].blocks[0].type",
                "unknown block type `hologram`",
            )],
        ),
        (
            "true-false answer as string",
            |m| m["lessons"][0]["pages"][0]["blocks"][1]["answer"] = "true".into(),
            vec![(
                "$.lessons[0].pages[0].blocks[1].answer",
                "expected true or false",
            )],
        ),
        (
            "single choice with two correct",
            |m| m["lessons"][0]["pages"][1]["blocks"][1]["choices"][1]["correct"] = true.into(),
            vec![(
                "$.lessons[0].pages[1].blocks[1].choices",
                "exactly one choice",
            )],
        ),
        (
            "multiple choice with none correct",
            |m| {
                for c in m["lessons"][0]["pages"][1]["blocks"][2]["choices"]
                    .as_array_mut()
                    .expect("arr")
                {
                    c["correct"] = false.into();
                }
            },
            vec![(
                "$.lessons[0].pages[1].blocks[2].choices",
                "at least one choice",
            )],
        ),
        (
            "one choice only",
            |m| {
                m["lessons"][0]["pages"][1]["blocks"][1]["choices"]
                    .as_array_mut()
                    .expect("arr")
                    .truncate(1);
            },
            vec![("$.lessons[0].pages[1].blocks[1].choices", "2 to 10 choices")],
        ),
        (
            "duplicate choice id",
            |m| m["lessons"][0]["pages"][1]["blocks"][2]["choices"][1]["id"] = "x".into(),
            vec![(
                "$.lessons[0].pages[1].blocks[2].choices[1].id",
                "used twice",
            )],
        ),
        (
            "choice id with a space",
            |m| m["lessons"][0]["pages"][1]["blocks"][2]["choices"][1]["id"] = "y y".into(),
            vec![(
                "$.lessons[0].pages[1].blocks[2].choices[1].id",
                "not a valid id",
            )],
        ),
        (
            "duplicate question id",
            |m| m["lessons"][0]["pages"][1]["blocks"][2]["id"] = "tf".into(),
            vec![(
                "$.lessons[0].pages[1].blocks[2].id",
                "question id `tf` is used twice",
            )],
        ),
        (
            "zero points",
            |m| m["lessons"][0]["pages"][1]["blocks"][2]["points"] = 0.into(),
            vec![("$.lessons[0].pages[1].blocks[2].points", "from 1 to 100")],
        ),
        (
            "duplicate page id",
            |m| m["lessons"][0]["pages"][1]["id"] = "intro".into(),
            vec![("$.lessons[0].pages[1].id", "page id `intro` is used twice")],
        ),
        (
            "page without blocks",
            |m| m["lessons"][0]["pages"][0]["blocks"] = Value::Array(vec![]),
            vec![("$.lessons[0].pages[0].blocks", "at least one block")],
        ),
        (
            "heading level 1",
            |m| {
                m["lessons"][0]["pages"][0]["blocks"][0]["content"]["en"] =
                    serde_json::json!([{"type": "heading", "level": 1, "content": ["Big"]}])
            },
            vec![(
                "$.lessons[0].pages[0].blocks[0].content.en[0].level",
                "from 2 to 4",
            )],
        ),
        (
            "javascript link",
            |m| m["lessons"][0]["pages"][0]["blocks"][0]["content"]["en"] = serde_json::json!([{"type": "paragraph", "content": [{"type": "link", "href": "javascript:x()", "content": ["x"]}]}]),
            vec![(
                "$.lessons[0].pages[0].blocks[0].content.en[0].content[0].href",
                "https://",
            )],
        ),
        (
            "html in rich text",
            |m| {
                m["lessons"][0]["pages"][0]["blocks"][0]["content"]["en"] =
                    serde_json::json!([{"type": "html", "content": ["<b>x</b>"]}])
            },
            vec![(
                "$.lessons[0].pages[0].blocks[0].content.en[0].type",
                "heading, paragraph, list, quote, code or table",
            )],
        ),
        (
            "bad inline",
            |m| {
                m["lessons"][0]["pages"][0]["blocks"][0]["content"]["en"] =
                    serde_json::json!([{"type": "paragraph", "content": [42]}])
            },
            vec![(
                "$.lessons[0].pages[0].blocks[0].content.en[0].content[0]",
                "expected text",
            )],
        ),
        (
            "several problems at once",
            |m| {
                m["masteryScore"] = 2.into();
                m["lessons"][0]["title"]
                    .as_object_mut()
                    .expect("obj")
                    .remove("id");
                m["lessons"][0]["pages"][1]["blocks"][0]
                    .as_object_mut()
                    .expect("obj")
                    .remove("alt");
            },
            vec![
                ("$.masteryScore", "from 0 to 1"),
                ("$.lessons[0].title.id", "missing text"),
                ("$.lessons[0].pages[1].blocks[0].alt", "alternative text"),
            ],
        ),
    ];
    for (name, edit, expected) in cases {
        let mut module = small();
        edit(&mut module);
        let found = problems_of(&module);
        assert!(
            !found.is_empty(),
            "{name}: expected problems, the module loaded"
        );
        for (path, fragment) in expected {
            assert!(
                found.iter().any(|(p, m)| p == path && m.contains(fragment)),
                "{name}: expected `{path}`: …{fragment}…, found {found:#?}"
            );
        }
    }
}

#[test]
fn syntax_errors_give_line_and_column() {
    let err =
        load_module("{\n  \"pelita\": 1,\n  \"id\": \"x\"\n  \"languages\": []\n}").unwrap_err();
    match &err {
        LoadError::Syntax {
            line,
            column,
            message,
        } => {
            assert_eq!(*line, 4);
            assert_eq!(*column, 3);
            assert!(message.contains("expected"), "{message}");
        }
        other => panic!("expected a syntax error, got {other:?}"),
    }
    assert!(err
        .report("m.json")
        .starts_with("m.json:4:3: $: not valid JSON"));
}

#[test]
fn problems_are_located_by_line_in_the_source() {
    let src = fixtures::SMALL.replace(
        "{\"type\": \"image\", \"src\": \"img/a.svg\", \"alt\": {\"id\": \"Gambar\", \"en\": \"Picture\"}}",
        "{\"type\": \"image\", \"src\": \"img/a.svg\"}",
    );
    let err = load_module(&src).unwrap_err();
    let problems = err.problems();
    assert_eq!(problems.len(), 1, "{problems:?}");
    let expected_line = src
        .lines()
        .position(|l| l.contains("\"img/a.svg\""))
        .expect("line")
        + 1;
    assert_eq!(problems[0].line, Some(expected_line));
    assert_eq!(problems[0].path, "$.lessons[0].pages[1].blocks[0].alt");
    let report = err.report("small.json");
    assert!(
        report.starts_with(&format!("small.json:{expected_line}:")),
        "{report}"
    );
}

#[test]
fn not_an_object_at_all() {
    for src in ["[]", "42", "\"module\"", "null"] {
        let err = load_module(src).unwrap_err();
        let problems = err.problems();
        assert_eq!(problems[0].path, "$", "{src}");
        assert!(problems[0].message.contains("expected an object"), "{src}");
    }
}

#[test]
fn competencies_are_declared_once_and_named_by_lessons_and_questions() {
    let mut v = small();
    v["competencies"] = serde_json::json!([
        {"id": "https://example.org/c/security", "label": {"id": "Keamanan siber", "en": "Cyber security"}},
        {"id": "https://example.org/c/literacy", "label": {"id": "Literasi digital", "en": "Digital literacy"}}
    ]);
    v["lessons"][0]["competencies"] = serde_json::json!(["https://example.org/c/literacy"]);
    v["lessons"][0]["pages"][1]["blocks"][2]["competencies"] =
        serde_json::json!(["https://example.org/c/security"]);
    assert_eq!(problems_of(&v), vec![]);
    let src = serde_json::to_string(&v).expect("json");
    let module = load_module(&src).expect("valid");
    let lesson = &module.lessons[0];
    let multi = module.question("multi").expect("multi");
    let single = module.question("single").expect("single");
    let ids = |list: Vec<&pelita_lesson::Competency>| {
        list.iter().map(|c| c.id.clone()).collect::<Vec<_>>()
    };
    assert_eq!(
        ids(module.competencies_of(None, None)).len(),
        2,
        "the module's are all it declares"
    );
    assert_eq!(
        ids(module.competencies_of(Some(lesson), None)),
        ["https://example.org/c/literacy"]
    );
    assert_eq!(
        ids(module.competencies_of(Some(lesson), Some(multi))),
        ["https://example.org/c/security"]
    );
    assert_eq!(
        ids(module.competencies_of(Some(lesson), Some(single))),
        ["https://example.org/c/literacy"],
        "a question without tags takes its lesson's"
    );

    let mut bad = v.clone();
    bad["competencies"] = serde_json::json!([
        {"id": "not an iri", "label": {"id": "x", "en": "x"}},
        {"id": "https://example.org/c/a", "label": {"en": "a"}},
        {"id": "https://example.org/c/b", "label": {"id": "b", "en": "b"}},
        {"id": "https://example.org/c/b", "label": {"id": "b", "en": "b"}},
        {"id": "https://example.org/c/c", "label": {"id": "c", "en": "c"}, "level": 3}
    ]);
    bad["lessons"][0]["competencies"] = serde_json::json!(["https://example.org/c/nowhere", 7]);
    let got = problems_of(&bad);
    let expected = [
        ("$.competencies[0].id", "is not an absolute IRI"),
        ("$.competencies[1].label.id", "missing text"),
        ("$.competencies[3].id", "declared twice"),
        ("$.competencies[4].level", "unknown"),
        (
            "$.lessons[0].competencies[0]",
            "is not declared in $.competencies",
        ),
        ("$.lessons[0].competencies[1]", "expected a competency IRI"),
    ];
    for (path, words) in expected {
        assert!(
            got.iter().any(|(p, m)| p == path && m.contains(words)),
            "expected `{path}: …{words}…` among {got:#?}"
        );
    }
}

/// A translation other than the default language's may be missing: the module plays,
/// showing the default language's text there, and the author gets a located warning.
#[test]
fn a_missing_translation_is_a_warning_and_falls_back_to_the_default_language() {
    let mut v = small();
    v["title"].as_object_mut().expect("obj").remove("en");
    v["lessons"][0]["title"]
        .as_object_mut()
        .expect("obj")
        .remove("en");
    let src = serde_json::to_string_pretty(&v).expect("serialises");
    let module = load_module(&src).expect("a missing translation does not stop the module");
    let warned: Vec<(&str, &str)> = module
        .warnings
        .iter()
        .map(|w| (w.path.as_str(), w.message.as_str()))
        .collect();
    assert_eq!(
        warned,
        [
            (
                "$.title.en",
                "missing text for language \"en\"; the default language's (\"id\") is shown instead"
            ),
            (
                "$.lessons[0].title.en",
                "missing text for language \"en\"; the default language's (\"id\") is shown instead"
            ),
        ]
    );
    let title_line = src
        .lines()
        .position(|l| l.starts_with("  \"title\""))
        .expect("the title is in the text")
        + 1;
    assert_eq!(
        module.warnings[0].line,
        Some(title_line),
        "located like a problem"
    );
    assert_eq!(
        module.title.text("en", module.default_language()),
        module.title.text("id", "id")
    );

    // A declared default language changes which texts are required and shown.
    v["defaultLanguage"] = "en".into();
    v["title"]["en"] = "Small".into();
    v["title"].as_object_mut().expect("obj").remove("id");
    v["lessons"][0]["title"]["en"] = "One".into();
    let module = load_module(&serde_json::to_string(&v).expect("serialises")).expect("valid");
    assert_eq!(module.default_language(), "en");
    assert_eq!(module.title.text("id", module.default_language()), "Small");
    assert!(module.warnings.iter().any(|w| w.path == "$.title.id"));

    // A complete module has no warnings.
    assert!(load_module(fixtures::SMALL)
        .expect("valid")
        .warnings
        .is_empty());
}

#[test]
fn the_best_language_follows_the_wishes_in_order() {
    let module = load_module(fixtures::SMALL).expect("valid");
    let cases: &[(&[&str], Option<&str>)] = &[
        (&[], None),
        (&["en"], Some("en")),
        (&["fr", "en"], Some("en")),
        (&["id-ID"], Some("id")),
        (&["EN-gb"], Some("en")),
        (&["fr-CA,fr;q=0.9,en-US;q=0.8"], Some("en")),
        (&["de", "ja"], None),
        (&["", " , "], None),
        (&["en", "id"], Some("en")),
    ];
    for (wanted, expected) in cases {
        assert_eq!(module.best_language(wanted), *expected, "{wanted:?}");
    }
}

const TYPES: &str = include_str!("../../xapi/tests/types.json");

/// Each broken variant of the question-types fixture reports its problems where they are.
#[test]
fn new_question_types_and_flashcards_report_every_problem_at_its_path() {
    let good: Value = serde_json::from_str(TYPES).expect("fixture is JSON");
    assert!(load_module(TYPES).expect("valid").warnings.is_empty());
    type Edit = fn(&mut Value);
    let blocks = "$.lessons[0].pages[1].blocks";
    let cases: Vec<(Edit, Vec<(String, &str)>)> = vec![
        (
            |m| {
                m["lessons"][0]["pages"][1]["blocks"][0]["items"] =
                    serde_json::json!([{"id": "a", "text": {"id": "A", "en": "A"}}])
            },
            vec![(
                format!("{blocks}[0].items"),
                "needs 2 to 10 entries, found 1",
            )],
        ),
        (
            |m| m["lessons"][0]["pages"][1]["blocks"][0]["items"][1]["id"] = "read".into(),
            vec![(
                format!("{blocks}[0].items[1].id"),
                "id `read` is used twice in this question",
            )],
        ),
        (
            |m| {
                m["lessons"][0]["pages"][1]["blocks"][1]["pairs"][1]["target"]["id"] =
                    "phish".into()
            },
            vec![(
                format!("{blocks}[1].pairs[1].target.id"),
                "id `phish` is used twice",
            )],
        ),
        (
            |m| {
                m["lessons"][0]["pages"][1]["blocks"][1]["pairs"][0]
                    .as_object_mut()
                    .expect("pair")
                    .remove("target");
            },
            vec![(
                format!("{blocks}[1].pairs[0].target"),
                "missing required field `target`",
            )],
        ),
        (
            |m| {
                m["lessons"][0]["pages"][1]["blocks"][2]["image"]
                    .as_object_mut()
                    .expect("image")
                    .remove("height");
            },
            vec![(format!("{blocks}[2].image"), "needs `width` and `height`")],
        ),
        (
            |m| m["lessons"][0]["pages"][1]["blocks"][2]["regions"][1]["x"] = 300.into(),
            vec![(
                format!("{blocks}[2].regions[1]"),
                "reaches outside the 400×200 image",
            )],
        ),
        (
            |m| m["lessons"][0]["pages"][1]["blocks"][2]["regions"][0]["correct"] = true.into(),
            vec![(
                format!("{blocks}[2].regions"),
                "exactly one region with \"correct\": true, found 2",
            )],
        ),
        (
            |m| {
                m["lessons"][0]["pages"][1]["blocks"][2]["image"]["src"] =
                    "javascript:alert(1)".into()
            },
            vec![(format!("{blocks}[2].image.src"), "must be a relative path")],
        ),
        (
            |m| {
                m["lessons"][0]["pages"][0]["blocks"][0]["cards"][0]["back"] =
                    serde_json::json!({"id": "x"})
            },
            vec![],
        ),
        (
            |m| m["lessons"][0]["pages"][0]["blocks"][0]["cards"] = serde_json::json!([]),
            vec![(
                "$.lessons[0].pages[0].blocks[0].cards".to_string(),
                "needs at least one card",
            )],
        ),
        (
            |m| m["lessons"][0]["pages"][1]["blocks"][0]["answer"] = true.into(),
            vec![(format!("{blocks}[0].answer"), "unknown field `answer`")],
        ),
    ];
    for (i, (edit, expected)) in cases.into_iter().enumerate() {
        let mut bad = good.clone();
        edit(&mut bad);
        let got = problems_of(&bad);
        if expected.is_empty() {
            // A translation missing from a card is a warning, not an error.
            assert!(got.is_empty(), "case {i}: {got:?}");
            continue;
        }
        for (path, fragment) in &expected {
            assert!(
                got.iter().any(|(p, m)| p == path && m.contains(fragment)),
                "case {i}: expected `{path}: …{fragment}…` among {got:#?}"
            );
        }
    }
}

const TEXT_TYPES: &str = include_str!("../../xapi/tests/text-types.json");

#[test]
fn typed_answer_questions_report_every_problem_at_its_path() {
    let good: Value = serde_json::from_str(TEXT_TYPES).expect("fixture is JSON");
    assert!(load_module(TEXT_TYPES).expect("valid").warnings.is_empty());
    type Edit = fn(&mut Value);
    let b = "$.lessons[0].pages[0].blocks";
    let cases: Vec<(Edit, Vec<(String, &str)>)> = vec![
        (
            |m| {
                m["lessons"][0]["pages"][0]["blocks"][0]["prompt"]["en"] =
                    "Works [[times]] time.".into()
            },
            vec![(
                format!("{b}[0].prompt.en"),
                "must hold the marker [[who]] exactly once, found it 0 times",
            )],
        ),
        (
            |m| {
                m["lessons"][0]["pages"][0]["blocks"][0]["prompt"]["id"] =
                    "[[times]] [[who]] [[when]]".into()
            },
            vec![(
                format!("{b}[0].prompt.id"),
                "the marker [[when]] names no blank",
            )],
        ),
        (
            |m| {
                m["lessons"][0]["pages"][0]["blocks"][0]["blanks"][1]["accept"] =
                    serde_json::json!([])
            },
            vec![(
                format!("{b}[0].blanks[1].accept"),
                "needs at least one accepted answer",
            )],
        ),
        (
            |m| m["lessons"][0]["pages"][0]["blocks"][0]["blanks"][1]["id"] = "times".into(),
            vec![(
                format!("{b}[0].blanks[1].id"),
                "blank id `times` is used twice",
            )],
        ),
        (
            |m| {
                m["lessons"][0]["pages"][0]["blocks"][1]["answer"] =
                    serde_json::json!({"min": 64, "max": 12})
            },
            vec![(
                format!("{b}[1].answer"),
                "`min` must not be larger than `max`",
            )],
        ),
        (
            |m| {
                m["lessons"][0]["pages"][0]["blocks"][2]["answer"] =
                    serde_json::json!({"value": 3.5})
            },
            vec![(format!("{b}[2].answer"), "expected {\"exact\": n}")],
        ),
        (
            |m| {
                m["lessons"][0]["pages"][0]["blocks"][2]["answer"] =
                    serde_json::json!({"exact": "3,5"})
            },
            vec![(format!("{b}[2].answer.exact"), "expected a number")],
        ),
        (
            |m| m["lessons"][0]["pages"][0]["blocks"][3]["minKeywords"] = 3.into(),
            vec![(
                format!("{b}[3].minKeywords"),
                "expected a whole number from 1 to 2",
            )],
        ),
        (
            |m| m["lessons"][0]["pages"][0]["blocks"][4]["points"] = 2.into(),
            vec![(
                format!("{b}[4].points"),
                "is not scored, so it has no points",
            )],
        ),
        (
            |m| m["lessons"][0]["pages"][0]["blocks"][5]["points"] = 2.into(),
            vec![(format!("{b}[5].points"), "a likert scale is a survey")],
        ),
        (
            |m| {
                m["lessons"][0]["pages"][0]["blocks"][5]["scale"] =
                    serde_json::json!([{"id": "only", "text": {"id": "x", "en": "x"}}])
            },
            vec![(format!("{b}[5].scale"), "needs 2 to 11 entries, found 1")],
        ),
    ];
    for (i, (edit, expected)) in cases.into_iter().enumerate() {
        let mut bad = good.clone();
        edit(&mut bad);
        let got = problems_of(&bad);
        for (path, fragment) in &expected {
            assert!(
                got.iter().any(|(p, m)| p == path && m.contains(fragment)),
                "case {i}: expected `{path}: …{fragment}…` among {got:#?}"
            );
        }
    }
}

const PERFORMANCE: &str = include_str!("../../xapi/tests/performance.json");

#[test]
fn performance_questions_report_every_problem_at_its_path() {
    let good: Value = serde_json::from_str(PERFORMANCE).expect("fixture is JSON");
    assert!(load_module(PERFORMANCE).expect("valid").warnings.is_empty());
    type Edit = fn(&mut Value);
    let b = "$.lessons[0].pages[0].blocks";
    let cases: Vec<(Edit, Vec<(String, &str)>)> = vec![
        (
            |m| m["lessons"][0]["pages"][0]["blocks"][0]["steps"][2]["id"] = "nip".into(),
            vec![(
                format!("{b}[0].steps[2].id"),
                "step id `nip` is used twice in this question",
            )],
        ),
        (
            |m| m["lessons"][0]["pages"][0]["blocks"][0]["steps"] = serde_json::json!([]),
            vec![(format!("{b}[0].steps"), "needs at least one step")],
        ),
        (
            |m| {
                m["lessons"][0]["pages"][0]["blocks"][0]
                    .as_object_mut()
                    .expect("object")
                    .remove("steps");
            },
            vec![(format!("{b}[0].steps"), "missing required field `steps`")],
        ),
        (
            |m| {
                m["lessons"][0]["pages"][0]["blocks"][0]["steps"] = serde_json::json!(vec![
                    serde_json::json!({"id": "x", "label": {"id": "x", "en": "x"}, "accept": ["x"]});
                    11
                ])
            },
            vec![(format!("{b}[0].steps"), "needs 1 to 10 steps, found 11")],
        ),
        (
            |m| m["lessons"][0]["pages"][0]["blocks"][0]["steps"][1]["id"] = "work unit".into(),
            vec![(
                format!("{b}[0].steps[1].id"),
                "`work unit` is not a valid id",
            )],
        ),
        (
            |m| m["lessons"][0]["pages"][0]["blocks"][0]["steps"][1]["id"] = "".into(),
            vec![(format!("{b}[0].steps[1].id"), "must not be empty")],
        ),
        (
            |m| {
                m["lessons"][0]["pages"][0]["blocks"][0]["steps"][1]["accept"] =
                    serde_json::json!(["Biro[,]Umum"])
            },
            vec![(
                format!("{b}[0].steps[1].accept[0]"),
                "must not contain `[,]`, `[.]` or `[:]`",
            )],
        ),
        (
            |m| {
                m["lessons"][0]["pages"][0]["blocks"][0]["steps"][1]["accept"] =
                    serde_json::json!([])
            },
            vec![(
                format!("{b}[0].steps[1].accept"),
                "needs at least one accepted answer",
            )],
        ),
        (
            |m| {
                m["lessons"][0]["pages"][0]["blocks"][0]["steps"][2]["answer"] =
                    serde_json::json!({"min": 64, "max": 12})
            },
            vec![(
                format!("{b}[0].steps[2].answer"),
                "`min` must not be larger than `max`",
            )],
        ),
        (
            |m| {
                m["lessons"][0]["pages"][0]["blocks"][0]["steps"][2]["accept"] =
                    serde_json::json!(["12"])
            },
            vec![(format!("{b}[0].steps[2]"), "either by `accept`")],
        ),
        (
            |m| {
                m["lessons"][0]["pages"][0]["blocks"][0]["steps"][0]
                    .as_object_mut()
                    .expect("object")
                    .remove("accept");
            },
            vec![(format!("{b}[0].steps[0]"), "a step needs `accept`")],
        ),
        (
            |m| {
                m["lessons"][0]["pages"][0]["blocks"][0]["steps"][0]["label"] =
                    serde_json::json!({"en": "Number"})
            },
            vec![(
                format!("{b}[0].steps[0].label.id"),
                "missing text for language \"id\"",
            )],
        ),
        (
            |m| m["lessons"][0]["pages"][0]["blocks"][0]["steps"][0]["hint"] = "x".into(),
            vec![(format!("{b}[0].steps[0].hint"), "unknown field `hint`")],
        ),
        (
            |m| {
                m["lessons"][0]["pages"][0]["blocks"][1]["steps"] = serde_json::json!([
                    {"id": "code", "label": {"id": "Kode", "en": "Code"}, "accept": ["x"]}
                ]);
                m["lessons"][0]["pages"][0]["blocks"][1]["partialCredit"] = true.into();
            },
            vec![(
                format!("{b}[1].partialCredit"),
                "a performance question with several steps",
            )],
        ),
        (
            |m| m["lessons"][0]["pages"][0]["blocks"][1]["caseSensitive"] = "yes".into(),
            vec![(format!("{b}[1].caseSensitive"), "expected true or false")],
        ),
    ];
    for (i, (edit, expected)) in cases.into_iter().enumerate() {
        let mut bad = good.clone();
        edit(&mut bad);
        let got = problems_of(&bad);
        assert!(!got.is_empty(), "case {i}: refused");
        for (path, fragment) in &expected {
            assert!(
                got.iter().any(|(p, m)| p == path && m.contains(fragment)),
                "case {i}: expected `{path}: …{fragment}…` among {got:#?}"
            );
        }
    }
    // Problems are located on the line of the source.
    let mut bad = good.clone();
    bad["lessons"][0]["pages"][0]["blocks"][0]["steps"][2]["id"] = "nip".into();
    let src = serde_json::to_string_pretty(&bad).expect("serialises");
    let err = load_module(&src).expect_err("refused");
    let problem = err
        .problems()
        .into_iter()
        .find(|p| p.path.ends_with("steps[2].id"))
        .expect("located");
    let line = src
        .lines()
        .nth(problem.line.expect("a line") - 1)
        .expect("line");
    assert!(line.contains("\"id\": \"nip\""), "{line}");
}

const BLOCKS: &str = include_str!("../../xapi/tests/blocks.json");

#[test]
fn content_blocks_load_and_report_problems_and_missing_captions_at_their_paths() {
    let module = load_module(BLOCKS).expect("the blocks fixture is valid");
    assert!(module.warnings.is_empty(), "{:?}", module.warnings);
    let blocks = &module.lessons[0].pages[0].blocks;
    let Block::Text(text) = &blocks[0] else {
        panic!("text first")
    };
    let en = text.get("en", "id").expect("en");
    assert!(
        matches!(&en[2], RichBlock::Table { header, rows, .. } if header.len() == 2 && rows.len() == 2)
    );
    assert!(matches!(&en[3], RichBlock::Paragraph(p) if p[1] == Inline::Code("go.id".into())));
    assert!(
        matches!(&blocks[1], Block::Callout(c) if c.kind == pelita_lesson::CalloutKind::Warning)
    );
    assert!(matches!(&blocks[2], Block::Accordion(s) if s.len() == 2));
    assert!(matches!(&blocks[3], Block::Media(m) if m.video && m.captions.len() == 2));

    // Missing captions and a missing transcript are warnings: the module plays.
    let mut v: Value = serde_json::from_str(BLOCKS).expect("JSON");
    v["lessons"][0]["pages"][0]["blocks"][3]["captions"] =
        serde_json::json!([{"src": "media/klip.id.vtt", "lang": "id"}]);
    v["lessons"][0]["pages"][0]["blocks"][4]
        .as_object_mut()
        .expect("audio")
        .remove("transcript");
    let module = load_module(&v.to_string()).expect("still plays");
    let warned: Vec<(&str, &str)> = module
        .warnings
        .iter()
        .map(|w| (w.path.as_str(), w.message.as_str()))
        .collect();
    assert_eq!(
        warned,
        [
            (
                "$.lessons[0].pages[0].blocks[3].captions",
                "no captions in \"en\": learners who cannot hear the video miss what is said"
            ),
            (
                "$.lessons[0].pages[0].blocks[4].transcript",
                "no transcript: learners who cannot hear the audio miss what is said"
            ),
        ]
    );

    let good: Value = serde_json::from_str(BLOCKS).expect("JSON");
    type Edit = fn(&mut Value);
    let b = "$.lessons[0].pages[0].blocks";
    let cases: Vec<(Edit, (String, &str))> = vec![
        (
            |m| m["lessons"][0]["pages"][0]["blocks"][1]["kind"] = "danger".into(),
            (format!("{b}[1].kind"), "expected info, warning or tip"),
        ),
        (
            |m| {
                m["lessons"][0]["pages"][0]["blocks"][0]["content"]["en"][2]["rows"][1] =
                    serde_json::json!([["only one"]])
            },
            (
                format!("{b}[0].content.en[2].rows[1]"),
                "has 1 cells; the header has 2",
            ),
        ),
        (
            |m| m["lessons"][0]["pages"][0]["blocks"][3]["src"] = "javascript:alert(1)".into(),
            (format!("{b}[3].src"), "must be a relative path"),
        ),
        (
            |m| m["lessons"][0]["pages"][0]["blocks"][3]["captions"][0]["lang"] = "fr".into(),
            (
                format!("{b}[3].captions[0].lang"),
                "`fr` is not one of the module's languages",
            ),
        ),
        (
            |m| m["lessons"][0]["pages"][0]["blocks"][2]["sections"] = serde_json::json!([]),
            (format!("{b}[2].sections"), "needs at least one section"),
        ),
        (
            |m| m["lessons"][0]["pages"][0]["blocks"][0]["content"]["id"][1]["text"] = "  ".into(),
            (format!("{b}[0].content.id[1].text"), "must not be empty"),
        ),
        (
            |m| {
                m["lessons"][0]["pages"][0]["blocks"][4]["title"] =
                    serde_json::json!({"en": "Sound"})
            },
            (
                format!("{b}[4].title.id"),
                "missing text for language \"id\", the module's default",
            ),
        ),
    ];
    for (i, (edit, (path, fragment))) in cases.into_iter().enumerate() {
        let mut bad = good.clone();
        edit(&mut bad);
        let got = problems_of(&bad);
        assert!(
            got.iter().any(|(p, m)| *p == path && m.contains(fragment)),
            "case {i}: expected `{path}: …{fragment}…` among {got:#?}"
        );
    }
}

#[test]
fn branch_targets_and_ids_are_checked_at_their_place() {
    let good: Value = serde_json::from_str(BLOCKS).expect("JSON");
    type Edit = fn(&mut Value);
    let b = "$.lessons[0].pages[0].blocks[5]";
    let cases: Vec<(Edit, (String, &str))> = vec![
        (
            |m| m["lessons"][0]["pages"][0]["blocks"][5]["options"][0]["goto"] = "nowhere".into(),
            (format!("{b}.options[0].goto"), "`nowhere` names no page"),
        ),
        (
            |m| m["lessons"][0]["pages"][0]["blocks"][5]["options"][1]["goto"] = "one/right".into(),
            (format!("{b}.options[1].goto"), "`one/right` names no page"),
        ),
        (
            |m| m["lessons"][0]["pages"][0]["blocks"][5]["options"][1]["id"] = "left".into(),
            (
                format!("{b}.options[1].id"),
                "option id `left` is used twice",
            ),
        ),
        (
            |m| {
                m["lessons"][0]["pages"][0]["blocks"][5]["options"] =
                    serde_json::json!([{"id": "a", "text": {"id": "a", "en": "a"}, "goto": "left"}])
            },
            (format!("{b}.options"), "needs 2 to 6 options, found 1"),
        ),
    ];
    for (i, (edit, (path, fragment))) in cases.into_iter().enumerate() {
        let mut bad = good.clone();
        edit(&mut bad);
        let got = problems_of(&bad);
        assert!(
            got.iter().any(|(p, m)| *p == path && m.contains(fragment)),
            "case {i}: expected `{path}: …{fragment}…` among {got:#?}"
        );
    }
}

#[test]
fn a_repeated_id_is_found_among_hundreds_in_any_order() {
    // The ids are read in scrambled order (the loader keeps them sorted to search them);
    // exactly the second use of a repeated one is reported, wherever the two are.
    let mut m = small();
    let template = m["lessons"][0]["pages"][1]["blocks"][2].clone();
    let blocks = m["lessons"][0]["pages"][1]["blocks"]
        .as_array_mut()
        .expect("blocks");
    let first_new = blocks.len();
    for i in 0..300u32 {
        let mut q = template.clone();
        q["id"] = format!("q{}", (i * 7919) % 1000).into();
        blocks.push(q);
    }
    assert!(problems_of(&m).is_empty(), "{:?}", problems_of(&m));
    // The 250th new question takes the id of the 3rd.
    let repeated = format!("q{}", (2 * 7919) % 1000);
    m["lessons"][0]["pages"][1]["blocks"][first_new + 249]["id"] = repeated.clone().into();
    assert_eq!(
        problems_of(&m),
        vec![(
            format!("$.lessons[0].pages[1].blocks[{}].id", first_new + 249),
            format!("question id `{repeated}` is used twice in the module"),
        )]
    );
}
