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
