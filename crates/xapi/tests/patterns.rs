//! Interaction types and response patterns for each question type.

use pelita_lesson::{load_module, Response};
use pelita_xapi::{correct_responses_pattern, interaction_type, response_pattern};

#[test]
fn patterns_per_question_type() {
    let m = load_module(include_str!("small.json")).expect("valid");
    let tf = m.question("tf").expect("tf");
    let single = m.question("single").expect("single");
    let multi = m.question("multi").expect("multi");
    let set = |ids: &[&str]| Response::choices(ids.iter().copied());
    let cases = [
        (
            tf,
            "true-false",
            "true",
            Response::TrueFalse(false),
            "false",
        ),
        (single, "choice", "a", set(&["b"]), "b"),
        (multi, "choice", "x[,]z", set(&["z", "y"]), "y[,]z"),
    ];
    for (q, kind, correct, response, pattern) in cases {
        assert_eq!(interaction_type(q), kind, "{}", q.id);
        assert_eq!(
            correct_responses_pattern(q),
            Some(vec![correct.to_string()]),
            "{}",
            q.id
        );
        assert_eq!(response_pattern(q, &response), pattern, "{}", q.id);
    }
}

#[test]
fn sequencing_matching_and_other_patterns_use_the_exact_delimiters() {
    let m = load_module(include_str!("types.json")).expect("valid");
    let steps = m.question("steps").expect("steps");
    let terms = m.question("terms").expect("terms");
    let link = m.question("link").expect("link");
    assert_eq!(interaction_type(steps), "sequencing");
    assert_eq!(
        correct_responses_pattern(steps).expect("a pattern"),
        ["read[,]check[,]report"]
    );
    let order = Response::Order(vec!["check".into(), "read".into(), "report".into()]);
    assert_eq!(response_pattern(steps, &order), "check[,]read[,]report");

    assert_eq!(interaction_type(terms), "matching");
    assert_eq!(
        correct_responses_pattern(terms).expect("a pattern"),
        ["phish[.]lure[,]mal[.]code"]
    );
    // In the question's source order, whatever order the pairs were given in.
    let pairs = Response::pairs([
        ("mal".to_string(), "spam".to_string()),
        ("phish".to_string(), "code".to_string()),
    ]);
    assert_eq!(response_pattern(terms, &pairs), "phish[.]code[,]mal[.]spam");
    // A source left without a target is left out of the response.
    let partial = Response::pairs([("mal".to_string(), "code".to_string())]);
    assert_eq!(response_pattern(terms, &partial), "mal[.]code");

    assert_eq!(interaction_type(link), "other");
    assert_eq!(correct_responses_pattern(link).expect("a pattern"), ["url"]);
    assert_eq!(
        response_pattern(link, &Response::choices(["sender"])),
        "sender"
    );
}

#[test]
fn typed_answer_patterns_follow_the_digest() {
    let m = load_module(include_str!("text-types.json")).expect("valid");
    let q = |id: &str| m.question(id).expect("question");
    assert_eq!(interaction_type(q("otp")), "fill-in");
    // Every combination of accepted answers, with case_matters said.
    let otp = correct_responses_pattern(q("otp")).expect("a pattern");
    assert_eq!(otp.len(), 9);
    assert_eq!(otp[0], "{case_matters=false}satu[,]siapa pun");
    assert!(otp.contains(&"{case_matters=false}one[,]nobody".to_string()));
    assert_eq!(
        response_pattern(
            q("otp"),
            &Response::Texts(vec!["One".into(), "no one".into()])
        ),
        "One[,]no one"
    );
    assert_eq!(interaction_type(q("length")), "numeric");
    assert_eq!(
        correct_responses_pattern(q("length")).expect("a pattern"),
        ["12[:]64"]
    );
    assert_eq!(
        correct_responses_pattern(q("half")).expect("a pattern"),
        ["3.45[:]3.55"]
    );
    assert_eq!(
        response_pattern(q("half"), &Response::Number(3_500_000)),
        "3.5"
    );
    assert_eq!(interaction_type(q("why")), "long-fill-in");
    assert_eq!(
        correct_responses_pattern(q("why")),
        None,
        "keywords are not a pattern"
    );
    assert_eq!(
        correct_responses_pattern(q("story")),
        None,
        "a free answer has none"
    );
    assert_eq!(interaction_type(q("useful")), "likert");
    assert_eq!(
        correct_responses_pattern(q("useful")),
        None,
        "a survey has none"
    );
    assert_eq!(
        response_pattern(q("useful"), &Response::choices(["likert_3"])),
        "likert_3"
    );
}

#[test]
fn fill_in_patterns_are_capped() {
    let mut m = load_module(include_str!("text-types.json")).expect("valid");
    let Some(pelita_lesson::Block::Question(q)) = m.lessons[0].pages[0].blocks.get_mut(0) else {
        panic!("the first block is the fill-in question")
    };
    let pelita_lesson::QuestionKind::FillIn { blanks, .. } = &mut q.kind else {
        panic!("fill-in")
    };
    for blank in blanks.iter_mut() {
        blank.accept = (0..10).map(|i| format!("a{i}")).collect();
    }
    let patterns = correct_responses_pattern(q).expect("a pattern");
    assert_eq!(patterns.len(), pelita_xapi::MAX_PATTERNS);
    assert_eq!(patterns[0], "{case_matters=false}a0[,]a0");
}

#[test]
fn performance_patterns_follow_the_digest() {
    let m = load_module(include_str!("performance.json")).expect("valid");
    let q = |id: &str| m.question(id).expect("question");
    let steps = |t: &[&str]| Response::Steps(t.iter().map(|s| s.to_string()).collect());
    assert_eq!(interaction_type(q("account")), "performance");
    // `step[.]answer` joined by `[,]`, one alternative per combination of accepted texts,
    // a number step as its range.
    assert_eq!(
        correct_responses_pattern(q("account")).expect("a pattern"),
        [
            "nip[.]198501012010011001[,]unit[.]Biro Umum[,]length[.]12[:]64",
            "nip[.]198501012010011001[,]unit[.]General Bureau[,]length[.]12[:]64",
        ]
    );
    assert_eq!(
        correct_responses_pattern(q("otp")).expect("a pattern"),
        ["code[.]AbC123[,]wait[.]2[:]3"]
    );
    // The response: every step in step order, numbers written plainly, text trimmed.
    assert_eq!(
        response_pattern(q("account"), &steps(&[" 1985 ", "biro  umum", "12,50"])),
        "nip[.]1985[,]unit[.]biro umum[,]length[.]12.5"
    );
    assert_eq!(
        response_pattern(q("otp"), &steps(&["", "1.000,5"])),
        "code[.][,]wait[.]1000.5"
    );
    // Text in a number step is kept as typed; delimiters typed by a learner are broken
    // up, so the response splits back into exactly its steps.
    let tricky = response_pattern(q("account"), &steps(&["a[,]b[.]c", "d[:]e", "12x"]));
    assert_eq!(tricky, "nip[.]a[ ,]b[ .]c[,]unit[.]d[ :]e[,]length[.]12x");
    let parts: Vec<&str> = tricky.split("[,]").collect();
    assert_eq!(parts.len(), 3);
    assert!(parts.iter().all(|p| p.split("[.]").count() == 2));
    // Open ranges and exact numbers.
    let mut v: serde_json::Value =
        serde_json::from_str(include_str!("performance.json")).expect("JSON");
    for (answer, pattern) in [
        (serde_json::json!({"min": 2}), "wait[.]2[:]"),
        (serde_json::json!({"max": -1.5}), "wait[.][:]-1.5"),
        (serde_json::json!({"exact": 30}), "wait[.]30"),
    ] {
        v["lessons"][0]["pages"][0]["blocks"][1]["steps"][1]["answer"] = answer;
        let m = load_module(&v.to_string()).expect("valid");
        let p = correct_responses_pattern(m.question("otp").expect("otp")).expect("a pattern");
        assert_eq!(p, [format!("code[.]AbC123[,]{pattern}")]);
    }
}

#[test]
fn performance_patterns_are_capped() {
    let mut v: serde_json::Value =
        serde_json::from_str(include_str!("performance.json")).expect("JSON");
    let many: Vec<String> = (0..10).map(|i| format!("a{i}")).collect();
    v["lessons"][0]["pages"][0]["blocks"][0]["steps"][0]["accept"] = serde_json::json!(many);
    v["lessons"][0]["pages"][0]["blocks"][0]["steps"][1]["accept"] = serde_json::json!(many);
    let m = load_module(&v.to_string()).expect("valid");
    let patterns = correct_responses_pattern(m.question("account").expect("q")).expect("some");
    assert_eq!(patterns.len(), pelita_xapi::MAX_PATTERNS);
    assert_eq!(patterns[0], "nip[.]a0[,]unit[.]a0[,]length[.]12[:]64");
}
