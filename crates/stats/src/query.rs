//! The LRS requests a report makes: `GET /statements` URLs and their `more` links.

/// Percent-encodes a query value (everything but the unreserved characters of RFC 3986).
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The most statements asked for per page. The embedded LRS allows 2,000 (fewer, larger
/// pages cost the browser less per statement than many small ones); an LRS that
/// allows fewer sends fewer and a `more` link, which the report follows.
pub const PAGE_SIZE: usize = 2000;

/// A `GET /statements` query for the statements about `activity` or with it in their
/// context (`related_activities`), optionally only `verb`, stored from `since` and before
/// `until` (timestamps as the LRS expects them), `limit` per page, in the `ids` format:
/// activities without their definitions, which the report takes from the module (a
/// page of the player's statements is then less than half as large).
pub fn statements_url(
    endpoint: &str,
    activity: &str,
    verb: Option<&str>,
    since: Option<&str>,
    until: Option<&str>,
    limit: usize,
) -> String {
    let mut url = format!(
        "{}statements?activity={}&related_activities=true&format=ids&limit={limit}",
        endpoint,
        encode(activity)
    );
    for (name, value) in [("verb", verb), ("since", since), ("until", until)] {
        if let Some(v) = value {
            url.push_str(&format!("&{name}={}", encode(v)));
        }
    }
    url
}

/// How many time slices the report reads the module's statements in, side by side.
pub const SLICES: usize = 4;

/// The `stored` time (ms) of the first statement of a StatementResult, if it has one: with
/// `limit=1` and `ascending` true or false, where a query's statements begin and end.
pub fn first_stored(text: &str) -> Option<i64> {
    #[derive(serde::Deserialize)]
    struct Page<'a> {
        #[serde(borrow)]
        statements: Vec<Stored<'a>>,
    }
    #[derive(serde::Deserialize)]
    struct Stored<'a> {
        #[serde(borrow, default)]
        stored: Option<std::borrow::Cow<'a, str>>,
    }
    let page: Page<'_> = serde_json::from_str(text).ok()?;
    pelita_xapi::parse_timestamp(page.statements.first()?.stored.as_deref()?)
}

/// Splits the period of a query (`since` exclusive, `until` inclusive, as xAPI has them)
/// whose statements were stored from `oldest_ms` to `newest_ms` into at most `slices`
/// periods that share no moment and leave none out: the first keeps `since`, the last
/// `until`, and the split points lie between the two times (in ms, as timestamps).
pub fn split_period(
    since: Option<&str>,
    until: Option<&str>,
    oldest_ms: i64,
    newest_ms: i64,
    slices: usize,
) -> Vec<(Option<String>, Option<String>)> {
    let span = newest_ms.saturating_sub(oldest_ms);
    let mut points: Vec<i64> = (1..slices.max(1) as i64)
        .map(|i| oldest_ms + (i128::from(span) * i128::from(i) / slices as i128) as i64)
        .filter(|p| *p >= oldest_ms && *p < newest_ms)
        .collect();
    points.dedup();
    let mut bounds: Vec<Option<String>> = vec![since.map(str::to_string)];
    bounds.extend(
        points
            .iter()
            .map(|p| Some(pelita_xapi::format_timestamp(*p))),
    );
    bounds.push(until.map(str::to_string));
    bounds
        .windows(2)
        .map(|w| (w[0].clone(), w[1].clone()))
        .collect()
}

/// The URL of a `more` link. xAPI makes it relative to the LRS's origin (an absolute
/// path such as `/xAPI/statements?cursor=..`, section 2.1.3 of the communication part);
/// an absolute URL is taken as it is, and anything else is resolved against the endpoint.
pub fn resolve_more(endpoint: &str, more: &str) -> String {
    if more.starts_with("http://") || more.starts_with("https://") {
        return more.to_string();
    }
    let origin_end = endpoint
        .find("://")
        .map(|i| i + 3)
        .and_then(|start| endpoint[start..].find('/').map(|j| start + j))
        .unwrap_or(endpoint.len());
    if more.starts_with('/') {
        format!("{}{more}", &endpoint[..origin_end])
    } else {
        format!("{endpoint}{more}")
    }
}

/// A date from a date field (`2026-01-05`) as the first moment of that UTC day, or the
/// first moment of the next day for an end (`until` is exclusive, and the day chosen is
/// meant to be included); anything that is not such a date is taken as it is.
pub fn day_bound(date: &str, end: bool) -> Option<String> {
    let date = date.trim();
    if date.is_empty() {
        return None;
    }
    let is_date = date.len() == 10
        && date.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !is_date {
        return Some(date.to_string());
    }
    let start = pelita_xapi::parse_timestamp(&format!("{date}T00:00:00Z"))?;
    let ms = if end { start + 86_400_000 } else { start };
    Some(pelita_xapi::format_timestamp(ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            statements_url("http://h:1/xAPI/", "https://e.org/m?x=1", None, Some("2026-01-05T00:00:00.000Z"), None, PAGE_SIZE),
            "http://h:1/xAPI/statements?activity=https%3A%2F%2Fe.org%2Fm%3Fx%3D1&related_activities=true&format=ids&limit=2000&since=2026-01-05T00%3A00%3A00.000Z"
        );
        assert!(
            statements_url("http://h/x/", "a", Some("v"), None, Some("u"), 7)
                .ends_with("&verb=v&until=u")
        );
    }

    #[test]
    fn periods_split_without_gaps_or_overlaps() {
        let t = |ms| Some(pelita_xapi::format_timestamp(ms));
        assert_eq!(
            split_period(Some("s"), None, 1_000, 1_400, 4),
            vec![
                (Some("s".to_string()), t(1_100)),
                (t(1_100), t(1_200)),
                (t(1_200), t(1_300)),
                (t(1_300), None),
            ]
        );
        assert_eq!(
            split_period(None, Some("u"), 5, 5, 4),
            vec![(None, Some("u".to_string()))]
        );
        assert_eq!(
            split_period(None, None, 5, 7, 4),
            vec![(None, t(5)), (t(5), t(6)), (t(6), None)]
        );
        assert_eq!(
            first_stored(
                r#"{"statements":[{"id":"a","stored":"2026-01-05T00:00:00.001Z"}],"more":""}"#
            ),
            pelita_xapi::parse_timestamp("2026-01-05T00:00:00.001Z")
        );
        assert_eq!(first_stored(r#"{"statements":[]}"#), None);
    }

    #[test]
    fn more_links() {
        let e = "http://127.0.0.1:9/xAPI/";
        assert_eq!(
            resolve_more(e, "/xAPI/statements?cursor=5"),
            "http://127.0.0.1:9/xAPI/statements?cursor=5"
        );
        assert_eq!(
            resolve_more("https://lrs.example", "/s?c=1"),
            "https://lrs.example/s?c=1"
        );
        assert_eq!(
            resolve_more(e, "https://other/s?c=1"),
            "https://other/s?c=1"
        );
        assert_eq!(
            resolve_more(e, "statements?c=1"),
            "http://127.0.0.1:9/xAPI/statements?c=1"
        );
    }

    #[test]
    fn day_bounds() {
        assert_eq!(
            day_bound("2026-01-05", false).as_deref(),
            Some("2026-01-05T00:00:00.000Z")
        );
        assert_eq!(
            day_bound("2026-01-05", true).as_deref(),
            Some("2026-01-06T00:00:00.000Z")
        );
        assert_eq!(day_bound(" ", true), None);
        assert_eq!(
            day_bound("2026-01-05T08:00:00Z", false).as_deref(),
            Some("2026-01-05T08:00:00Z")
        );
        assert_eq!(day_bound("2026-13-45", false), None, "not a real day");
    }
}

/// The Activities resource for `activity` (its definition, as the LRS knows it), for the
/// name of a question of another module.
pub fn activity_url(endpoint: &str, activity: &str) -> String {
    format!("{endpoint}activities?activityId={}", encode(activity))
}

/// The `more` link of a StatementResult read from its text without parsing it, so that
/// the next page can be asked for while this one is being read. Only a guess (a
/// statement could hold the same characters): the caller checks it against the parsed
/// result.
pub fn guess_more(text: &str) -> Option<&str> {
    let at = text.rfind("\"more\"")?;
    let rest = text[at + 6..].trim_start().strip_prefix(':')?.trim_start();
    let rest = rest.strip_prefix('"')?;
    let end = rest.find(['"', '\\'])?;
    Some(&rest[..end]).filter(|m| !m.is_empty())
}

#[cfg(test)]
mod guess_tests {
    use super::guess_more;

    #[test]
    fn guesses() {
        assert_eq!(
            guess_more(r#"{"statements":[],"more":"/x?c=1"}"#),
            Some("/x?c=1")
        );
        assert_eq!(
            guess_more(r#"{"more" : "/x?c=2", "statements":[]}"#),
            Some("/x?c=2")
        );
        assert_eq!(guess_more(r#"{"statements":[],"more":""}"#), None);
        assert_eq!(guess_more(r#"{"statements":[]}"#), None);
        assert_eq!(
            guess_more(r#"{"more":"a\"b"}"#),
            Some("a"),
            "an escape ends the guess"
        );
    }
}
