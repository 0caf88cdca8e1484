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
/// Written with integer arithmetic: float formatting would add much to the download.
fn number(value: Option<f64>) -> String {
    match value {
        Some(v) if v.is_finite() => {
            let n = (v * 10_000.0).round() as i64;
            let sign = if n < 0 { "-" } else { "" };
            let (whole, frac) = (n.unsigned_abs() / 10_000, n.unsigned_abs() % 10_000);
            if frac == 0 {
                format!("{sign}{whole}")
            } else {
                let frac = format!("{frac:04}");
                format!("{sign}{whole}.{}", frac.trim_end_matches('0'))
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

#[cfg(test)]
mod tests {
    #[test]
    fn numbers() {
        use super::number;
        assert_eq!(number(Some(0.6)), "0.6");
        assert_eq!(number(Some(1.0 / 6.0)), "0.1667");
        assert_eq!(number(Some(-0.25)), "-0.25");
        assert_eq!(number(Some(-0.00001)), "0");
        assert_eq!(number(Some(12.0)), "12");
        assert_eq!(number(Some(f64::NAN)), "");
        assert_eq!(number(None), "");
    }
}
