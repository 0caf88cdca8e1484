//! The report's figures on small, hand-computed data sets, written the way
//! `pelita_xapi::Reporter` writes statements. Each expected value is worked out by hand in
//! the comments beside it.

use pelita_stats::*;
use serde_json::{json, Value};

const M: &str = "https://ex.org/m";
const X: &str = "https://ex.org/competencies/x";
const Y: &str = "https://ex.org/competencies/y";
const DAY1: &str = "2026-01-05";
const DAY2: &str = "2026-01-06";

fn page_iri(p: &str) -> String {
    format!("{M}/lesson/l/page/{p}")
}
fn question_iri(q: &str) -> String {
    format!("{M}/question/{q}")
}

fn outline() -> Outline {
    let entry = |id: String, title: &str| Entry {
        id,
        title: title.into(),
    };
    Outline {
        activity_id: M.into(),
        module_iri: M.into(),
        pages: vec![
            entry(page_iri("p1"), "Page one"),
            entry(page_iri("p2"), "Page two"),
        ],
        questions: vec![
            entry(question_iri("q1"), "Which one?"),
            entry(question_iri("q2"), "True, or \"not\"?"),
        ],
        definitions: vec![],
        competencies: vec![entry(X.into(), "Ex"), entry(Y.into(), "Why")],
        mastery: 0.8,
    }
}

/// Builds statements with fresh ids.
struct Maker {
    n: usize,
}

impl Maker {
    fn id(&mut self) -> String {
        self.n += 1;
        format!("00000000-0000-4000-8000-{:012}", self.n)
    }

    #[allow(clippy::too_many_arguments)]
    fn statement(
        &mut self,
        learner: &str,
        registration: Option<&str>,
        verb: &str,
        object: Value,
        result: Option<Value>,
        category: &[&str],
        at: String,
    ) -> Value {
        let mut context = json!({ "contextActivities": { "grouping": [{ "id": M }] } });
        if let Some(r) = registration {
            context["registration"] = json!(r);
        }
        if !category.is_empty() {
            context["contextActivities"]["category"] = category
                .iter()
                .map(|c| json!({ "id": c, "definition": { "type": TYPE_COMPETENCY, "name": { "en": format!("name of {c}") } } }))
                .collect();
        }
        let mut s = json!({
            "id": self.id(),
            "actor": { "objectType": "Agent", "mbox": format!("mailto:{learner}@ex.org") },
            "verb": { "id": format!("http://adlnet.gov/expapi/verbs/{verb}") },
            "object": object,
            "context": context,
            "timestamp": at,
        });
        if let Some(r) = result {
            s["result"] = r;
        }
        s
    }
}

fn at(day: &str, seconds: u32) -> String {
    format!("{day}T10:{:02}:{:02}.000Z", seconds / 60, seconds % 60)
}

fn choice_q1() -> Value {
    json!({ "id": question_iri("q1"), "definition": {
        "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
        "interactionType": "choice", "correctResponsesPattern": ["a"],
        "choices": [
            { "id": "a", "description": { "en": "Alpha", "id": "Alfa" } },
            { "id": "b", "description": { "en": "Beta" } },
            { "id": "c", "description": { "en": "Gamma" } }
        ] } })
}

fn tf_q2() -> Value {
    json!({ "id": question_iri("q2"), "definition": {
        "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
        "interactionType": "true-false", "correctResponsesPattern": ["true"] } })
}

fn answer(response: &str, correct: bool) -> Value {
    let raw = if correct { 1 } else { 0 };
    json!({ "response": response, "success": correct,
            "score": { "raw": raw, "min": 0, "max": 1, "scaled": raw } })
}

/// One attempt as the player reports it: initialized, page 1 (optionally twice), q1 ten
/// seconds later, page 2 (unless skipped), q2 `q2_secs` after the previous statement,
/// completed with `duration` seconds, then passed or failed with `scaled`.
#[allow(clippy::too_many_arguments)]
fn attempt(
    m: &mut Maker,
    learner: &str,
    reg: &str,
    day: &str,
    r1: (&str, bool),
    r2: (&str, bool),
    q2_secs: u32,
    see_p2: bool,
    duration: u32,
    passed: bool,
    scaled: f64,
) -> Vec<Value> {
    let module = json!({ "id": M });
    let mut out = vec![
        m.statement(
            learner,
            Some(reg),
            "initialized",
            module.clone(),
            None,
            &[X, Y],
            at(day, 0),
        ),
        m.statement(
            learner,
            Some(reg),
            "experienced",
            json!({ "id": page_iri("p1") }),
            None,
            &[],
            at(day, 1),
        ),
        m.statement(
            learner,
            Some(reg),
            "answered",
            choice_q1(),
            Some(answer(r1.0, r1.1)),
            &[X],
            at(day, 11),
        ),
    ];
    let mut t = 11;
    if see_p2 {
        t = 12;
        out.push(m.statement(
            learner,
            Some(reg),
            "experienced",
            json!({ "id": page_iri("p2") }),
            None,
            &[],
            at(day, t),
        ));
    }
    t += q2_secs;
    out.push(m.statement(
        learner,
        Some(reg),
        "answered",
        tf_q2(),
        Some(answer(r2.0, r2.1)),
        &[Y],
        at(day, t),
    ));
    out.push(m.statement(
        learner,
        Some(reg),
        "completed",
        module.clone(),
        Some(json!({ "completion": true, "duration": format!("PT{duration}S") })),
        &[X, Y],
        at(day, t + 1),
    ));
    out.push(m.statement(
        learner,
        Some(reg),
        if passed { "passed" } else { "failed" },
        module,
        Some(json!({ "success": passed, "completion": true, "score": { "scaled": scaled, "raw": scaled * 2.0, "min": 0, "max": 2 } })),
        &[X, Y],
        at(day, t + 1),
    ));
    out
}

fn page(statements: &[Value], more: &str) -> String {
    json!({ "statements": statements, "more": more }).to_string()
}

fn collect(pages: &[String]) -> Collector {
    let mut c = Collector::new(M, M);
    for p in pages {
        c.add_page(p).expect("a statement result");
    }
    c
}

/// Five attempts by four learners (L1 twice) over two days, plus the noise a real LRS
/// gives: a duplicate, a voided answer, a branch decision, another module.
fn five_attempts() -> (Vec<String>, Maker) {
    let mut m = Maker { n: 0 };
    let mut a = vec![];
    // A1..A5 as (learner, q1, q2, q2 seconds, sees p2, duration, passed, scaled).
    a.extend(attempt(
        &mut m,
        "l1",
        "r1",
        DAY1,
        ("a", true),
        ("true", true),
        4,
        true,
        60,
        true,
        1.0,
    ));
    a.extend(attempt(
        &mut m,
        "l2",
        "r2",
        DAY1,
        ("a", true),
        ("false", false),
        6,
        true,
        30,
        false,
        0.5,
    ));
    a.extend(attempt(
        &mut m,
        "l3",
        "r3",
        DAY1,
        ("b", false),
        ("true", true),
        8,
        true,
        90,
        false,
        0.5,
    ));
    a.extend(attempt(
        &mut m,
        "l4",
        "r4",
        DAY2,
        ("b", false),
        ("false", false),
        3,
        false,
        120,
        false,
        0.0,
    ));
    a.extend(attempt(
        &mut m,
        "l1",
        "r5",
        DAY2,
        ("a", true),
        ("true", true),
        10,
        true,
        45,
        true,
        1.0,
    ));
    // L1 viewed page 1 twice in the first attempt.
    a.push(m.statement(
        "l1",
        Some("r1"),
        "experienced",
        json!({ "id": page_iri("p1") }),
        None,
        &[],
        at(DAY1, 2),
    ));
    // A later answer of A2 to q1 (c), voided: A2's last answer stays a.
    let wrong = m.statement(
        "l2",
        Some("r2"),
        "answered",
        choice_q1(),
        Some(answer("c", false)),
        &[X],
        at(DAY1, 50),
    );
    let voiding = m.statement(
        "admin",
        None,
        "voided",
        json!({ "objectType": "StatementRef", "id": wrong["id"] }),
        None,
        &[],
        at(DAY1, 59),
    );
    // A scenario's decision is not a question.
    let branch = m.statement(
        "l3",
        Some("r3"),
        "answered",
        json!({ "id": format!("{M}/branch/b1") }),
        Some(json!({ "success": true, "response": "x" })),
        &[],
        at(DAY1, 5),
    );
    // Another module: a question tagged with X (counted for the competency only), and a
    // statement with no competency (not counted at all).
    let other = json!({ "id": "https://ex.org/other/question/oq", "definition": { "name": { "en": "Other question" }, "interactionType": "true-false" } });
    let elsewhere = Maker::statement(
        &mut m,
        "l6",
        Some("r6"),
        "answered",
        other,
        Some(answer("true", true)),
        &[X],
        at(DAY2, 30),
    );
    let mut unrelated = m.statement(
        "l6",
        Some("r6"),
        "initialized",
        json!({ "id": "https://ex.org/other" }),
        None,
        &[],
        at(DAY2, 1),
    );
    unrelated["context"]["contextActivities"]["grouping"] =
        json!([{ "id": "https://ex.org/other" }]);
    let mut elsewhere = elsewhere;
    elsewhere["context"]["contextActivities"]["grouping"] =
        json!([{ "id": "https://ex.org/other" }]);
    let duplicate = a[3].clone();
    let pages = vec![
        page(&a[..20], "/xapi/statements?more=1"),
        page(
            &[
                &a[20..],
                &[wrong, voiding, branch, elsewhere, unrelated, duplicate],
            ]
            .concat(),
            "",
        ),
    ];
    (pages, m)
}

#[test]
fn attempts_completions_pass_rate_and_median_time() {
    let (pages, _) = five_attempts();
    let mut c = Collector::new(M, M);
    assert_eq!(
        c.add_page(&pages[0]).unwrap(),
        Some("/xapi/statements?more=1".into())
    );
    assert_eq!(
        c.add_page(&pages[1]).unwrap(),
        None,
        "an empty more is no more"
    );
    let r = c.report(&outline(), "en");
    assert_eq!(c.duplicates, 1);
    assert_eq!(r.attempts, 5);
    assert_eq!(r.learners, 4, "l1 twice, l6 is another module's");
    assert_eq!(r.completions, 5);
    assert_eq!((r.judged, r.passed), (5, 2));
    assert_eq!(r.pass_rate, Some(0.4));
    // Durations 60, 30, 90, 120, 45 s: sorted 30 45 60 90 120, the middle is 60 s.
    assert_eq!(r.median_completion_ms, Some(60_000.0));
}

#[test]
fn over_time_by_utc_day() {
    let (pages, _) = five_attempts();
    let r = collect(&pages).report(&outline(), "en");
    assert_eq!(r.days.len(), 2);
    let d1 = &r.days[0];
    assert_eq!(d1.day_ms, 1_767_571_200_000, "2026-01-05T00:00Z");
    assert_eq!(
        (d1.attempts, d1.completions, d1.judged, d1.passed),
        (3, 3, 3, 1)
    );
    assert_eq!(d1.median_ms, Some(60_000.0), "of 60, 30, 90 s");
    let d2 = &r.days[1];
    assert_eq!(
        (d2.attempts, d2.completions, d2.judged, d2.passed),
        (2, 2, 2, 1)
    );
    assert_eq!(
        d2.median_ms,
        Some(82_500.0),
        "an even count: (45 + 120) / 2 s"
    );
}

#[test]
fn score_histogram() {
    let (pages, _) = five_attempts();
    let r = collect(&pages).report(&outline(), "en");
    let counts: Vec<usize> = r.scores.iter().map(|b| b.count).collect();
    // Scaled 1.0 twice (100% is in the last bin), 0.5 twice, 0.0 once.
    assert_eq!(counts, vec![1, 0, 0, 0, 0, 2, 0, 0, 0, 2]);
    assert_eq!((r.scores[9].from, r.scores[9].to), (90, 100));
}

#[test]
fn item_analysis() {
    let (pages, _) = five_attempts();
    let r = collect(&pages).report(&outline(), "en");
    assert_eq!(
        r.questions.len(),
        2,
        "the branch decision is not a question"
    );
    let q1 = &r.questions[0];
    assert_eq!(q1.title, "Which one?");
    assert_eq!(q1.kind, "choice");
    // Last answers: a, a (the later c is voided), b, b, a.
    assert_eq!((q1.answered, q1.correct), (5, 3));
    assert_eq!(q1.difficulty, Some(0.6));
    // Item x = 1,1,0,0,1; rest (total minus item) y = 1,0,1,0,1. Means 0.6 and 0.6;
    // sxy = .16 - .24 - .24 + .36 + .16 = .2; sxx = syy = 1.2; r = .2 / 1.2 = 1/6.
    let d = q1.discrimination.unwrap();
    assert!((d - 1.0 / 6.0).abs() < 1e-12, "{d}");
    // Totals 2,1,1,0,2: the groups have round(5 x 27%) = 1 attempt; the upper one is A1
    // (a tie with A5, broken by registration order), the lower A4. 1 - 0 = 1.
    assert_eq!(q1.upper_lower, Some(1.0));
    type Shown<'a> = (&'a str, Option<&'a str>, usize, bool, Option<Flag>);
    let options: Vec<Shown> = q1
        .options
        .iter()
        .map(|o| {
            (
                o.id.as_str(),
                o.label.as_deref(),
                o.count,
                o.correct,
                o.flag,
            )
        })
        .collect();
    assert_eq!(
        options,
        vec![
            ("a", Some("Alpha"), 3, true, None),
            ("b", Some("Beta"), 2, false, None),
            ("c", Some("Gamma"), 0, false, Some(Flag::NobodyPicks)),
        ]
    );
    // Ten seconds from page 1 to q1 in every attempt.
    assert_eq!(q1.median_ms, Some(10_000.0));

    let q2 = &r.questions[1];
    assert_eq!(
        (q2.answered, q2.correct, q2.kind.as_str()),
        (5, 3, "true-false")
    );
    let d = q2.discrimination.unwrap();
    assert!((d - 1.0 / 6.0).abs() < 1e-12, "{d}");
    assert_eq!(
        q2.options
            .iter()
            .map(|o| (o.id.as_str(), o.count, o.correct, o.flag))
            .collect::<Vec<_>>(),
        vec![("true", 3, true, None), ("false", 2, false, None)]
    );
    // 4, 6, 8 s after page 2; A4 skipped page 2, so 3 s after its q1 answer: median 6 s.
    assert_eq!(q2.median_ms, Some(6_000.0));
    // The other language's labels come from the statements' definitions.
    let r_id = collect(&pages).report(&outline(), "id");
    assert_eq!(r_id.questions[0].options[0].label.as_deref(), Some("Alfa"));
    assert_eq!(
        r_id.questions[0].options[1].label.as_deref(),
        Some("Beta"),
        "English fallback"
    );
}

#[test]
fn page_funnel() {
    let (pages, _) = five_attempts();
    let r = collect(&pages).report(&outline(), "en");
    let funnel: Vec<(&str, usize, usize, Option<f64>)> = r
        .pages
        .iter()
        .map(|p| (p.title.as_str(), p.views, p.reached, p.drop_off))
        .collect();
    // Page one: 5 attempts, 6 views (A1 twice); page two: 4 attempts (A4 skipped it), a
    // drop-off of 1 in 5.
    assert_eq!(
        funnel,
        vec![("Page one", 6, 5, None), ("Page two", 4, 4, Some(0.2))]
    );
}

#[test]
fn competencies_across_modules() {
    let (pages, _) = five_attempts();
    let r = collect(&pages).report(&outline(), "en");
    let x = &r.competencies[0];
    assert_eq!(x.title, "Ex");
    // Latest answers per learner: l1 q1 right (A5), l2 right, l3 wrong, l4 wrong, l6 the
    // other module's question right. Points 1/1, 1/1, 0/1, 0/1, 1/1: 3 of 5 reach 80%.
    assert_eq!((x.learners, x.mastered), (5, 3));
    let weakest: Vec<(&str, usize, f64)> = x
        .weakest
        .iter()
        .map(|w| (w.title.as_str(), w.answered, w.share_correct))
        .collect();
    assert_eq!(
        weakest,
        vec![("Which one?", 4, 0.5), ("Other question", 1, 1.0)]
    );
    let y = &r.competencies[1];
    // q2: l1 right (A5), l2 wrong, l3 right, l4 wrong: 2 of 4.
    assert_eq!((y.learners, y.mastered), (4, 2));
}

#[test]
fn empty_data_gives_no_numbers_not_nan() {
    let mut c = Collector::new(M, M);
    assert_eq!(c.add_page(r#"{"statements":[],"more":""}"#).unwrap(), None);
    let r = c.report(&outline(), "en");
    assert_eq!(
        (r.attempts, r.learners, r.completions, r.judged),
        (0, 0, 0, 0)
    );
    assert_eq!(r.pass_rate, None);
    assert_eq!(r.median_completion_ms, None);
    assert!(r.days.is_empty());
    assert!(r.scores.iter().all(|b| b.count == 0));
    for q in &r.questions {
        assert_eq!(
            (
                q.answered,
                q.difficulty,
                q.discrimination,
                q.upper_lower,
                q.median_ms
            ),
            (0, None, None, None, None)
        );
        assert!(q.options.is_empty(), "no definition seen, no options");
    }
    assert_eq!(
        r.pages
            .iter()
            .map(|p| (p.reached, p.drop_off))
            .collect::<Vec<_>>(),
        vec![(0, None), (0, None)],
        "no drop-off from a page nobody reached"
    );
    assert!(r
        .competencies
        .iter()
        .all(|c| c.learners == 0 && c.mastered == 0 && c.weakest.is_empty()));
    assert_eq!(
        questions_csv(&r).lines().nth(1),
        Some("https://ex.org/m/question/q1,Which one?,0,0,,,,,")
    );
}

#[test]
fn one_learner() {
    let mut m = Maker { n: 0 };
    let a = attempt(
        &mut m,
        "l1",
        "r1",
        DAY1,
        ("b", false),
        ("true", true),
        5,
        true,
        40,
        false,
        0.5,
    );
    let r = collect(&[page(&a, "")]).report(&outline(), "en");
    assert_eq!((r.attempts, r.completions, r.passed), (1, 1, 0));
    assert_eq!(r.pass_rate, Some(0.0));
    assert_eq!(r.median_completion_ms, Some(40_000.0));
    let q1 = &r.questions[0];
    assert_eq!((q1.answered, q1.difficulty), (1, Some(0.0)));
    assert_eq!(q1.discrimination, None, "one pair is not enough");
    assert_eq!(q1.upper_lower, None, "fewer than four attempts: no groups");
    assert!(
        q1.options.iter().all(|o| o.flag.is_none()),
        "one answer flags nothing"
    );
}

#[test]
fn all_correct_item_has_no_discrimination() {
    let mut m = Maker { n: 0 };
    let mut a = vec![];
    for (i, r2) in [
        ("true", true),
        ("false", false),
        ("true", true),
        ("false", false),
    ]
    .iter()
    .enumerate()
    {
        a.extend(attempt(
            &mut m,
            &format!("l{i}"),
            &format!("r{i}"),
            DAY1,
            ("a", true),
            *r2,
            5,
            true,
            40,
            r2.1,
            1.0,
        ));
    }
    let r = collect(&[page(&a, "")]).report(&outline(), "en");
    let q1 = &r.questions[0];
    assert_eq!(q1.difficulty, Some(1.0));
    assert_eq!(
        q1.discrimination, None,
        "an item nobody got wrong does not vary"
    );
    // Upper group r0 (total 2), lower group r3 (total 1): both right, 1 - 1 = 0.
    assert_eq!(q1.upper_lower, Some(0.0));
    let q2 = &r.questions[1];
    // x = 1,0,1,0 and rest = 1,1,1,1 (q1 always right): the rest does not vary.
    assert_eq!(q2.discrimination, None);
    assert!(!questions_csv(&r).contains("NaN"));
}

#[test]
fn a_wrong_option_most_strong_learners_pick_is_flagged() {
    let mut m = Maker { n: 0 };
    let mut a = vec![];
    // T1 is the strongest (q2 right, total 1) yet chose b on q1; the others got q2 wrong.
    let plan = [
        ("b", "true"),
        ("a", "false"),
        ("a", "false"),
        ("b", "false"),
        ("a", "false"),
    ];
    for (i, (r1, r2)) in plan.iter().enumerate() {
        a.extend(attempt(
            &mut m,
            &format!("l{i}"),
            &format!("r{i}"),
            DAY1,
            (r1, *r1 == "a"),
            (r2, *r2 == "true"),
            5,
            true,
            40,
            false,
            0.5,
        ));
    }
    let r = collect(&[page(&a, "")]).report(&outline(), "en");
    // Totals: T1 1 (q2), T2 1 (q1), T3 1, T4 0, T5 1: a four-way tie at the top, broken by
    // registration order, so the upper group is T1 alone, who chose b.
    let b = r.questions[0].options.iter().find(|o| o.id == "b").unwrap();
    assert_eq!((b.count, b.flag), (2, Some(Flag::StrongPick)));
    let c = r.questions[0].options.iter().find(|o| o.id == "c").unwrap();
    assert_eq!((c.count, c.flag), (0, Some(Flag::NobodyPicks)));
}

#[test]
fn voiding_before_its_target_and_statements_without_registration() {
    let mut m = Maker { n: 0 };
    let a = attempt(
        &mut m,
        "l1",
        "r1",
        DAY1,
        ("a", true),
        ("true", true),
        5,
        true,
        40,
        true,
        1.0,
    );
    // The voiding statement comes first (pages are newest first).
    let voiding = m.statement(
        "admin",
        None,
        "voided",
        json!({ "objectType": "StatementRef", "id": a[2]["id"] }),
        None,
        &[],
        at(DAY1, 59),
    );
    let mut unregistered = m.statement(
        "l9",
        None,
        "answered",
        choice_q1(),
        Some(answer("b", false)),
        &[X],
        at(DAY2, 3),
    );
    unregistered["context"]
        .as_object_mut()
        .unwrap()
        .remove("registration");
    let mut c = Collector::new(M, M);
    c.add_page(&page(&[voiding], "")).unwrap();
    c.add_page(&page(&a, "")).unwrap();
    c.add_page(&page(&[unregistered], "")).unwrap();
    let r = c.report(&outline(), "en");
    assert_eq!(r.attempts, 2, "r1 and l9's statements, grouped by learner");
    let q1 = &r.questions[0];
    assert_eq!(
        (q1.answered, q1.correct),
        (1, 0),
        "r1's q1 answer is voided; l9 chose b"
    );
}

#[test]
fn statements_the_report_cannot_use_are_counted_not_fatal() {
    let mut c = Collector::new(M, M);
    let text = json!({ "statements": [
        { "verb": { "id": "x" } },
        { "id": "1", "object": { "id": M } },
        { "id": "2", "object": { "id": M }, "timestamp": "yesterday" }
    ] })
    .to_string();
    assert_eq!(c.add_page(&text).unwrap(), None);
    assert_eq!((c.read, c.unusable, c.kept()), (3, 3, 0));
}

#[test]
fn a_page_that_is_not_a_statement_result_is_a_located_error() {
    let mut c = Collector::new(M, M);
    let err = c.add_page("{\n  \"statements\": [1,").unwrap_err();
    let StatsError::NotAStatementResult { line, .. } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(*line, 2);
    assert!(err.to_string().contains("line 2"), "{err}");
    let err = c.add_page("[]").unwrap_err();
    assert!(err.to_string().contains("not a statement result"), "{err}");
}

#[test]
fn csv_quotes_fields_per_rfc_4180() {
    let (pages, _) = five_attempts();
    let r = collect(&pages).report(&outline(), "en");
    let csv = questions_csv(&r);
    let lines: Vec<&str> = csv.split("\r\n").collect();
    assert_eq!(lines[0], CSV_HEADER.join(","));
    assert_eq!(
        lines[1],
        "https://ex.org/m/question/q1,Which one?,5,3,0.6,0.1667,1,10,a: 3 (correct); b: 2; c: 0 [nobody picks it]",
        "a semicolon needs no quotes"
    );
    assert_eq!(
        lines[2],
        "https://ex.org/m/question/q2,\"True, or \"\"not\"\"?\",5,3,0.6,0.1667,1,6,true: 3 (correct); false: 2"
    );
    assert_eq!(lines[3], "", "the last line ends with CRLF too");
    assert_eq!(csv_field("plain"), "plain");
    assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
}

#[test]
fn outline_of_the_example_module() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../www/modules/phishing.json"
    ))
    .unwrap();
    let module = pelita_lesson::load_module(&text).unwrap();
    let o = Outline::of(&module, None, "en");
    assert_eq!(o.activity_id, "https://pelita.example.org/modules/phishing");
    assert_eq!(o.questions.len(), 5);
    assert_eq!(
        o.questions[0].id,
        "https://pelita.example.org/modules/phishing/question/q-pin"
    );
    assert!(o.pages[0]
        .id
        .starts_with("https://pelita.example.org/modules/phishing/lesson/"));
    assert_eq!(o.competencies.len(), 2);
    assert_eq!(
        Outline::of(&module, Some("urn:x"), "en").activity_id,
        "urn:x"
    );
}

#[test]
fn statements_without_definitions_take_the_modules() {
    // format=ids: the LRS sends activity ids only; choices and the right answer come from
    // the outline.
    let mut m = Maker { n: 0 };
    let mut a = attempt(
        &mut m,
        "l1",
        "r1",
        DAY1,
        ("b", false),
        ("true", true),
        5,
        true,
        40,
        false,
        0.5,
    );
    for s in &mut a {
        s["object"].as_object_mut().unwrap().remove("definition");
    }
    let mut o = outline();
    o.definitions = vec![(
        question_iri("q1"),
        Definition {
            kind: "choice".into(),
            choices: vec![
                ("a".into(), vec![("en".into(), "Alpha".into())]),
                ("b".into(), vec![]),
            ],
            correct: vec!["a".into()],
        },
    )];
    let r = collect(&[page(&a, "")]).report(&o, "en");
    let q1 = &r.questions[0];
    assert_eq!(q1.kind, "choice");
    assert_eq!(
        q1.options
            .iter()
            .map(|o| (o.id.as_str(), o.label.as_deref(), o.count, o.correct))
            .collect::<Vec<_>>(),
        vec![("a", Some("Alpha"), 0, true), ("b", None, 1, false)]
    );
    // No definition anywhere: the responses as given, none known to be right.
    let q2 = &r.questions[1];
    assert_eq!(
        (q2.kind.as_str(), q2.options.len(), q2.options[0].correct),
        ("", 1, false)
    );
}

#[test]
fn outline_definitions_are_the_players() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../www/modules/phishing.json"
    ))
    .unwrap();
    let module = pelita_lesson::load_module(&text).unwrap();
    let o = Outline::of(&module, None, "en");
    let (id, signs) = &o.definitions[2];
    assert!(id.ends_with("/question/q-signs"));
    assert_eq!(signs.kind, "choice");
    assert_eq!(signs.correct, vec!["a[,]c[,]d".to_string()]);
    assert_eq!(
        signs
            .choices
            .iter()
            .map(|c| c.0.as_str())
            .collect::<Vec<_>>(),
        vec!["a", "b", "c", "d", "e"]
    );
    assert_eq!(o.definitions[0].1.kind, "true-false");
    assert_eq!(o.definitions[0].1.correct, vec!["false".to_string()]);
}

#[test]
fn competencies_without_definitions_are_known_from_the_module() {
    let (pages, _) = five_attempts();
    // The same statements as `format=ids` gives them: no definitions anywhere.
    let stripped: Vec<String> = pages
        .iter()
        .map(|p| {
            let mut v: Value = serde_json::from_str(p).unwrap();
            for s in v["statements"].as_array_mut().unwrap() {
                if let Some(o) = s["object"].as_object_mut() {
                    o.remove("definition");
                }
                if let Some(list) = s["context"]["contextActivities"]["category"].as_array_mut() {
                    for c in list {
                        c.as_object_mut().unwrap().remove("definition");
                    }
                }
            }
            v.to_string()
        })
        .collect();
    let mut unknown = Collector::new(M, M);
    for p in &stripped {
        unknown.add_page(p).unwrap();
    }
    assert_eq!(
        unknown.report(&outline(), "en").competencies[0].learners,
        0,
        "an untyped category is not a competency"
    );
    let mut c = Collector::new(M, M);
    c.know_competencies([X, Y]);
    for p in &stripped {
        c.add_page(p).unwrap();
    }
    let r = c.report(&outline(), "en");
    assert_eq!(
        (r.competencies[0].learners, r.competencies[0].mastered),
        (5, 3)
    );
    assert_eq!(
        r.competencies[0].weakest[1].title, "https://ex.org/other/question/oq",
        "no name: the IRI"
    );
}
