//! Timestamps and durations in the forms xAPI requires, computed without a date library.

/// Formats milliseconds since the Unix epoch as an RFC 3339 UTC timestamp with
/// milliseconds, such as `2026-01-02T03:04:05.123Z`.
pub fn format_timestamp(epoch_ms: i64) -> String {
    let ms = epoch_ms.rem_euclid(1000);
    let secs = epoch_ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{ms:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Howard Hinnant's days-to-civil algorithm: days since 1970-01-01 to (year, month, day).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Howard Hinnant's days-from-civil algorithm: (year, month, day) to days since 1970-01-01.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Reads an ISO 8601 timestamp with a zone (the form [`crate::validate::is_timestamp`]
/// accepts) as milliseconds since the epoch; fractions beyond milliseconds are cut off.
pub fn parse_timestamp(text: &str) -> Option<i64> {
    if !crate::validate::is_timestamp(text) {
        return None;
    }
    let b = text.as_bytes();
    let num = |r: std::ops::Range<usize>| -> i64 {
        b[r].iter().fold(0, |n, d| n * 10 + i64::from(d - b'0'))
    };
    let days = days_from_civil(num(0..4), num(5..7) as u32, num(8..10) as u32);
    let mut ms = ((days * 24 + num(11..13)) * 60 + num(14..16)) * 60_000 + num(17..19) * 1000;
    let mut i = 19;
    if b[i] == b'.' {
        i += 1;
        let mut scale = 100;
        while i < b.len() && b[i].is_ascii_digit() {
            ms += i64::from(b[i] - b'0') * scale;
            scale /= 10;
            i += 1;
        }
    }
    if matches!(b[i], b'+' | b'-') {
        let sign = if b[i] == b'+' { 1 } else { -1 };
        let hours = num(i + 1..i + 3);
        let rest = &text[i + 3..];
        let minutes = rest.trim_start_matches(':').parse::<i64>().unwrap_or(0);
        ms -= sign * (hours * 60 + minutes) * 60_000;
    }
    Some(ms)
}

/// Reads an HTTP date in the preferred IMF-fixdate form (`Sun, 06 Nov 1994 08:49:37 GMT`,
/// RFC 9110 section 5.6.7) as milliseconds since the epoch; other forms give `None`.
pub fn parse_http_date(text: &str) -> Option<i64> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (_weekday, rest) = text.trim().split_once(", ")?;
    let parts: Vec<&str> = rest.split(' ').collect();
    let [day, month, year, clock, "GMT"] = parts[..] else {
        return None;
    };
    let number = |s: &str, len: usize| -> Option<u32> {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok())?
    };
    let day = number(day, 2)?;
    let month = MONTHS.iter().position(|m| *m == month)? as u32 + 1;
    let year = number(year, 4)?;
    let mut hms = clock.split(':');
    let (h, m, s) = (
        number(hms.next()?, 2)?,
        number(hms.next()?, 2)?,
        number(hms.next()?, 2)?,
    );
    if hms.next().is_some() || !(1..=31).contains(&day) || h > 23 || m > 59 || s > 60 {
        return None;
    }
    let days = days_from_civil(i64::from(year), month, day);
    Some((days * 86_400 + i64::from(h * 3600 + m * 60 + s)) * 1000)
}

/// Formats a duration in milliseconds as ISO 8601 with at most 0.01 s precision, such as
/// `PT1H2M3.45S`; a negative duration (a clock that went back) counts as zero.
pub fn format_duration(ms: i64) -> String {
    let centis = ms.max(0) / 10;
    let hours = centis / 360_000;
    let minutes = centis % 360_000 / 6_000;
    let secs = centis % 6_000 / 100;
    let frac = centis % 100;
    let mut out = String::from("PT");
    if hours > 0 {
        out.push_str(&format!("{hours}H"));
    }
    if minutes > 0 {
        out.push_str(&format!("{minutes}M"));
    }
    if frac > 0 {
        let frac = format!("{frac:02}");
        out.push_str(&format!("{secs}.{}S", frac.trim_end_matches('0')));
    } else if secs > 0 || (hours == 0 && minutes == 0) {
        out.push_str(&format!("{secs}S"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        let cases = [
            (0, "1970-01-01T00:00:00.000Z"),
            (1_767_323_045_123, "2026-01-02T03:04:05.123Z"),
            (951_782_400_000, "2000-02-29T00:00:00.000Z"),
            (1_798_761_599_999, "2026-12-31T23:59:59.999Z"),
            (-1, "1969-12-31T23:59:59.999Z"),
        ];
        for (ms, expected) in cases {
            assert_eq!(format_timestamp(ms), expected, "{ms}");
        }
    }

    #[test]
    fn parsed_timestamps() {
        assert_eq!(parse_timestamp("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            parse_timestamp("2026-01-02T03:04:05.123Z")
                .map(format_timestamp)
                .as_deref(),
            Some("2026-01-02T03:04:05.123Z")
        );
        assert_eq!(parse_timestamp("1970-01-01T07:00:00.5+07:00"), Some(500));
        assert_eq!(
            parse_timestamp("1970-01-01T00:00:00-0130"),
            Some(90 * 60_000)
        );
        assert_eq!(parse_timestamp("1970-01-01T00:00:00"), None);
    }

    #[test]
    fn http_dates() {
        let cases = [
            ("Sun, 06 Nov 1994 08:49:37 GMT", Some(784_111_777_000)),
            ("Thu, 01 Jan 1970 00:00:00 GMT", Some(0)),
            ("Tue, 29 Feb 2000 00:00:00 GMT", Some(951_782_400_000)),
            ("Sat, 02 Jan 2026 03:04:05 GMT", Some(1_767_323_045_000)),
            ("Sunday, 06-Nov-94 08:49:37 GMT", None),
            ("Sun Nov  6 08:49:37 1994", None),
            ("Sun, 06 Nov 1994 08:49:37 CET", None),
            ("Sun, 06 Foo 1994 08:49:37 GMT", None),
            ("Sun, 6 Nov 1994 08:49:37 GMT", None),
            ("Sun, 06 Nov 1994 24:00:00 GMT", None),
            ("", None),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_http_date(text), expected, "{text}");
        }
        // Every timestamp this crate writes reads back as the same second.
        for ms in [0_i64, 951_782_400_000, 1_798_761_599_000] {
            let stamp = format_timestamp(ms);
            let (date, time) = (&stamp[..10], &stamp[11..19]);
            let months = [
                "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
            ];
            let month = months[date[5..7].parse::<usize>().unwrap() - 1];
            let http = format!("Mon, {} {month} {} {time} GMT", &date[8..10], &date[..4]);
            assert_eq!(parse_http_date(&http), Some(ms), "{http}");
        }
    }

    #[test]
    fn durations() {
        let cases = [
            (0, "PT0S"),
            (-5, "PT0S"),
            (9, "PT0S"),
            (1_234, "PT1.23S"),
            (1_500, "PT1.5S"),
            (60_000, "PT1M"),
            (61_010, "PT1M1.01S"),
            (3_600_000, "PT1H"),
            (3_723_450, "PT1H2M3.45S"),
            (90_000_000, "PT25H"),
        ];
        for (ms, expected) in cases {
            assert_eq!(format_duration(ms), expected, "{ms}");
        }
    }
}
