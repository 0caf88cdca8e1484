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
            vec![correct.to_string()],
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
    assert_eq!(correct_responses_pattern(steps), ["read[,]check[,]report"]);
    let order = Response::Order(vec!["check".into(), "read".into(), "report".into()]);
    assert_eq!(response_pattern(steps, &order), "check[,]read[,]report");

    assert_eq!(interaction_type(terms), "matching");
    assert_eq!(
        correct_responses_pattern(terms),
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
    assert_eq!(correct_responses_pattern(link), ["url"]);
    assert_eq!(
        response_pattern(link, &Response::choices(["sender"])),
        "sender"
    );
}
