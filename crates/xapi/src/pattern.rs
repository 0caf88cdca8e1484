//! Interaction types and response patterns of the cmi.interaction activity type.

use pelita_lesson::{Question, QuestionKind, Response};

/// The cmi.interaction `interactionType` of a question.
pub fn interaction_type(question: &Question) -> &'static str {
    match question.kind {
        QuestionKind::TrueFalse { .. } => "true-false",
        QuestionKind::Choice { .. } => "choice",
    }
}

/// A response in pattern form: `true`/`false`, or choice ids joined by `[,]` in the
/// question's display order (so equal sets always give equal strings).
pub fn response_pattern(question: &Question, response: &Response) -> String {
    match (response, &question.kind) {
        (Response::TrueFalse(b), _) => b.to_string(),
        (Response::Choices(chosen), QuestionKind::Choice { choices, .. }) => choices
            .iter()
            .filter(|c| chosen.contains(&c.id))
            .map(|c| c.id.as_str())
            .collect::<Vec<_>>()
            .join("[,]"),
        (Response::Choices(chosen), _) => chosen.join("[,]"),
    }
}

/// The `correctResponsesPattern`: a one-entry list holding the correct response.
pub fn correct_responses_pattern(question: &Question) -> Vec<String> {
    vec![response_pattern(question, &question.correct_response())]
}
