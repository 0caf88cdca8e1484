//! Interaction types and response patterns of the cmi.interaction activity type, in the
//! exact syntax of xAPI 1.0.3 (see the digest): `[,]` between entries, `[.]` between a
//! source and its target.

use pelita_lesson::{Question, QuestionKind, Response};

/// The cmi.interaction `interactionType` of a question.
pub fn interaction_type(question: &Question) -> &'static str {
    match question.kind {
        QuestionKind::TrueFalse { .. } => "true-false",
        QuestionKind::Choice { .. } => "choice",
        QuestionKind::Sequencing { .. } => "sequencing",
        QuestionKind::Matching { .. } => "matching",
        QuestionKind::Hotspot { .. } => "other",
    }
}

/// A response in pattern form: `true`/`false`; choice ids joined by `[,]` in the
/// question's display order (so equal sets always give equal strings); item ids in the
/// learner's order; `source[.]target` pairs in the question's source order; or the id of
/// the chosen region.
pub fn response_pattern(question: &Question, response: &Response) -> String {
    match (response, &question.kind) {
        (Response::TrueFalse(b), _) => b.to_string(),
        (Response::Choices(chosen), QuestionKind::Choice { choices, .. }) => choices
            .iter()
            .filter(|c| chosen.contains(&c.id))
            .map(|c| c.id.as_str())
            .collect::<Vec<_>>()
            .join("[,]"),
        (Response::Choices(chosen), _) | (Response::Order(chosen), _) => chosen.join("[,]"),
        (Response::Pairs(pairs), QuestionKind::Matching { sources, .. }) => sources
            .iter()
            .filter_map(|s| pairs.iter().find(|(source, _)| *source == s.id))
            .map(|(source, target)| format!("{source}[.]{target}"))
            .collect::<Vec<_>>()
            .join("[,]"),
        (Response::Pairs(pairs), _) => pairs
            .iter()
            .map(|(source, target)| format!("{source}[.]{target}"))
            .collect::<Vec<_>>()
            .join("[,]"),
    }
}

/// The `correctResponsesPattern`: a one-entry list holding the correct response.
pub fn correct_responses_pattern(question: &Question) -> Vec<String> {
    vec![response_pattern(question, &question.correct_response())]
}
