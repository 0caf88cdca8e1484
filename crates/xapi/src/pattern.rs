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
        QuestionKind::FillIn { .. } => "fill-in",
        QuestionKind::LongFillIn { .. } => "long-fill-in",
        QuestionKind::Numeric { .. } => "numeric",
        QuestionKind::Likert { .. } => "likert",
    }
}

/// The most alternatives a fill-in question's `correctResponsesPattern` lists: one per
/// combination of accepted answers, so that a statement stays small; past it, only the
/// combinations with each blank's first answers (then the second, ...) are listed.
pub const MAX_PATTERNS: usize = 32;

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
        (Response::Texts(texts), _) => texts.join("[,]"),
        (Response::Number(n), _) => pelita_lesson::format_decimal(*n),
    }
}

/// The `correctResponsesPattern`, or `None` where it must be left out: a likert scale has
/// no right answer, and a long answer's keywords are not a pattern. Fill-in lists every
/// combination of accepted answers (up to [`MAX_PATTERNS`]) with `{case_matters=…}`;
/// numeric gives `n`, `min[:]max`, `min[:]` or `[:]max`.
pub fn correct_responses_pattern(question: &Question) -> Option<Vec<String>> {
    match &question.kind {
        QuestionKind::Likert { .. } | QuestionKind::LongFillIn { .. } => None,
        QuestionKind::FillIn {
            blanks,
            case_sensitive,
        } => {
            let mut combos: Vec<Vec<&str>> = vec![Vec::new()];
            for blank in blanks {
                let mut next = Vec::new();
                for combo in &combos {
                    for answer in &blank.accept {
                        let mut c = combo.clone();
                        c.push(answer.as_str());
                        next.push(c);
                    }
                }
                if next.len() > MAX_PATTERNS {
                    // Keep the combinations of the earlier answers of each blank.
                    next.truncate(MAX_PATTERNS);
                }
                combos = next;
            }
            let prefix = format!("{{case_matters={case_sensitive}}}");
            Some(
                combos
                    .into_iter()
                    .map(|c| format!("{prefix}{}", c.join("[,]")))
                    .collect(),
            )
        }
        QuestionKind::Numeric { answer } => {
            let f = |n: Option<i64>| n.map(pelita_lesson::format_decimal).unwrap_or_default();
            Some(vec![if answer.min == answer.max {
                f(answer.min)
            } else {
                format!("{}[:]{}", f(answer.min), f(answer.max))
            }])
        }
        _ => Some(vec![response_pattern(
            question,
            &question.correct_response(),
        )]),
    }
}
