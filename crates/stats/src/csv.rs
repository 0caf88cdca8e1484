//! The per-question table as CSV (RFC 4180): comma separated, CRLF line ends, a field
//! quoted when it holds a comma, a quote or a line break, quotes doubled inside.

use crate::report::{Flag, Report};

/// The columns of [`questions_csv`].
pub const HEADER: [&str; 9] = [
    "question_id",
    "question",
    "answered",
    "correct",
    "share_correct",
    "discrimination",
    "upper_lower_index",
    "median_seconds",
    "responses",
];

/// One field, quoted when it must be.
pub fn field(text: &str) -> String {
    if text.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// A number with at most four decimals and no trailing zeros; empty when there is none.
fn number(value: Option<f64>) -> String {
    match value {
        Some(v) if v.is_finite() => {
            let text = format!("{v:.4}");
            let text = text.trim_end_matches('0').trim_end_matches('.');
            if text == "-0" {
                "0".into()
            } else {
                text.to_string()
            }
        }
        _ => String::new(),
    }
}

/// The per-question table: a header line, then one line per question. Numbers use a
/// point for decimals (for spreadsheets in any language); the responses column lists
/// each option as `id: count`, with `(correct)` and any flag.
pub fn questions_csv(report: &Report) -> String {
    let mut out = HEADER.join(",");
    out.push_str("\r\n");
    for q in &report.questions {
        let responses: Vec<String> = q
            .options
            .iter()
            .map(|o| {
                let mut text = format!("{}: {}", o.id, o.count);
                if o.correct {
                    text.push_str(" (correct)");
                }
                match o.flag {
                    Some(Flag::NobodyPicks) => text.push_str(" [nobody picks it]"),
                    Some(Flag::StrongPick) => text.push_str(" [most strong learners pick it]"),
                    None => {}
                }
                text
            })
            .collect();
        let row = [
            field(&q.id),
            field(&q.title),
            q.answered.to_string(),
            q.correct.to_string(),
            number(q.difficulty),
            number(q.discrimination),
            number(q.upper_lower),
            number(q.median_ms.map(|ms| ms / 1000.0)),
            field(&responses.join("; ")),
        ];
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}
