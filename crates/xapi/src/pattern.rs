//! Interaction types and response patterns of the cmi.interaction activity type, in the
//! exact syntax of xAPI 1.0.3 (see the digest): `[,]` between entries, `[.]` between a
//! source and its target.

use pelita_lesson::{format_decimal, NumericRange, Question, QuestionKind, Response, StepCheck};

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
        QuestionKind::Performance { .. } => "performance",
        QuestionKind::Likert { .. } => "likert",
    }
}

/// The most alternatives a fill-in or performance question's `correctResponsesPattern` lists: one per
/// combination of accepted answers, so that a statement stays small; past it, only the
/// combinations with each blank's first answers (then the second, ...) are listed.
pub const MAX_PATTERNS: usize = 32;

/// A response in pattern form: `true`/`false`; choice ids joined by `[,]` in the
/// question's display order (so equal sets always give equal strings); item ids in the
/// learner's order; `source[.]target` pairs in the question's source order; or the id of
/// the chosen region; `step[.]answer` for every step of a performance question, in step
/// order (a number step's answer written as a plain decimal, see [`step_text`]).
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
        (Response::Steps(given), QuestionKind::Performance { steps, .. }) => steps
            .iter()
            .zip(given)
            .map(|(step, text)| {
                let answer = match (&step.check, pelita_lesson::parse_decimal(text)) {
                    (StepCheck::Number(_), Some(n)) => format_decimal(n),
                    _ => step_text(text),
                };
                format!("{}[.]{answer}", step.id)
            })
            .collect::<Vec<_>>()
            .join("[,]"),
        (Response::Steps(given), _) => given.join("[,]"),
    }
}

/// A learner's text as one answer of a performance response: trimmed, inner runs of
/// white space made one, and the pattern delimiters `[,]`, `[.]` and `[:]` written with a
/// space inside (`[ ,]`), so that the response string splits back into exactly its
/// steps. xAPI has no escape for them; authors cannot use them in accepted answers.
pub fn step_text(text: &str) -> String {
    let mut out = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for (delimiter, spaced) in [("[,]", "[ ,]"), ("[.]", "[ .]"), ("[:]", "[ :]")] {
        out = out.replace(delimiter, spaced);
    }
    out
}

/// A numeric range in pattern form: `n` when it holds one number, else `min[:]max` with
/// an open bound left empty.
fn range_pattern(range: &NumericRange) -> String {
    let f = |n: Option<i64>| n.map(format_decimal).unwrap_or_default();
    if range.min == range.max {
        f(range.min)
    } else {
        format!("{}[:]{}", f(range.min), f(range.max))
    }
}

/// The `correctResponsesPattern`, or `None` where it must be left out: a likert scale has
/// no right answer, and a long answer's keywords are not a pattern. Fill-in lists every
/// combination of accepted answers (up to [`MAX_PATTERNS`]) with `{case_matters=…}`;
/// numeric gives `n`, `min[:]max`, `min[:]` or `[:]max`; performance gives
/// `step[.]answer[,]step[.]answer` with a number step's range in the numeric form (every
/// combination of accepted texts, up to [`MAX_PATTERNS`]).
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
        QuestionKind::Numeric { answer } => Some(vec![range_pattern(answer)]),
        QuestionKind::Performance { steps, .. } => {
            // One alternative per combination of the text steps' accepted answers, capped
            // like fill-in; a number step is its range in every alternative.
            let mut combos: Vec<Vec<String>> = vec![Vec::new()];
            for step in steps {
                let answers: Vec<String> = match &step.check {
                    StepCheck::Text { accept } => accept.iter().map(|a| step_text(a)).collect(),
                    StepCheck::Number(range) => vec![range_pattern(range)],
                };
                let mut next = Vec::new();
                for combo in &combos {
                    for answer in &answers {
                        let mut c = combo.clone();
                        c.push(format!("{}[.]{answer}", step.id));
                        next.push(c);
                    }
                }
                next.truncate(MAX_PATTERNS);
                combos = next;
            }
            Some(combos.into_iter().map(|c| c.join("[,]")).collect())
        }
        _ => Some(vec![response_pattern(
            question,
            &question.correct_response(),
        )]),
    }
}
