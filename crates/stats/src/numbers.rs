//! The small statistics the report is made of. Each answers `None` where there is not
//! enough data for a meaningful number, so that nothing downstream divides by zero or
//! shows NaN.

/// The median: the middle value, or the mean of the two middle values of an even count;
/// `None` for no values. NaN values are ignored.
pub fn median(values: &[f64]) -> Option<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
    if v.is_empty() {
        return None;
    }
    sort_by(&mut v, |a, b| a.total_cmp(b).is_lt());
    let mid = v.len() / 2;
    Some(if v.len() % 2 == 0 {
        (v[mid - 1] + v[mid]) / 2.0
    } else {
        v[mid]
    })
}

/// `part / whole`, or `None` when `whole` is 0.
pub fn share(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// The fewest pairs a correlation is computed from: with two points every correlation is
/// +1 or -1, which says nothing.
pub const MIN_PAIRS: usize = 3;

/// Pearson's correlation of the pairs; `None` with fewer than [`MIN_PAIRS`] pairs or when
/// either side does not vary (an item everyone got right has no discrimination to measure).
pub fn correlation(pairs: &[(f64, f64)]) -> Option<f64> {
    if pairs.len() < MIN_PAIRS {
        return None;
    }
    let n = pairs.len() as f64;
    let mx = pairs.iter().map(|p| p.0).sum::<f64>() / n;
    let my = pairs.iter().map(|p| p.1).sum::<f64>() / n;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (x, y) in pairs {
        sxy += (x - mx) * (y - my);
        sxx += (x - mx) * (x - mx);
        syy += (y - my) * (y - my);
    }
    // Sums of squares of values that do not vary are 0, or within rounding of it.
    if sxx <= 1e-12 || syy <= 1e-12 {
        return None;
    }
    let r = sxy / (sxx.sqrt() * syy.sqrt());
    r.is_finite().then_some(r.clamp(-1.0, 1.0))
}

/// Reads an ISO 8601 duration (`PT1H2M3.5S`, `P1DT2H`, `P2W`) as milliseconds. Years and
/// months have no fixed length, so a duration with them gives `None`. Numbers are read
/// digit by digit: the float parser would be the largest part of this in the download.
pub fn parse_duration_ms(text: &str) -> Option<f64> {
    let rest = text.strip_prefix('P')?;
    let mut total = 0.0;
    let mut in_time = false;
    // The number being read: its value, how many digits, and the scale of the next
    // fraction digit once a decimal mark has been seen.
    let (mut value, mut digits, mut scale): (f64, usize, Option<f64>) = (0.0, 0, None);
    let mut any = false;
    for c in rest.chars() {
        match c {
            'T' if digits == 0 && scale.is_none() && !in_time => in_time = true,
            '0'..='9' => {
                let d = f64::from(c as u8 - b'0');
                match scale.as_mut() {
                    Some(s) => {
                        value += d * *s;
                        *s /= 10.0;
                    }
                    None => value = value * 10.0 + d,
                }
                digits += 1;
            }
            '.' | ',' if scale.is_none() && digits > 0 => scale = Some(0.1),
            unit => {
                if digits == 0 {
                    return None;
                }
                let ms = match (unit, in_time) {
                    ('W', false) => 7.0 * 86_400_000.0,
                    ('D', false) => 86_400_000.0,
                    ('H', true) => 3_600_000.0,
                    ('M', true) => 60_000.0,
                    ('S', true) => 1000.0,
                    _ => return None,
                };
                total += value * ms;
                (value, digits, scale) = (0.0, 0, None);
                any = true;
            }
        }
    }
    (any && digits == 0 && scale.is_none()).then_some(total)
}

/// Sorts `v` so that no element is `less` than one before it (a heap sort: not stable;
/// callers that need an order among equals say so in `less`). The crate sorts with this
/// one small function rather than the standard library's sorts, whose code is large and
/// repeated for every element type in the player's download.
pub fn sort_by<T>(v: &mut [T], mut less: impl FnMut(&T, &T) -> bool) {
    let mut sift = |v: &mut [T], mut root: usize, end: usize| loop {
        let mut child = 2 * root + 1;
        if child >= end {
            break;
        }
        if child + 1 < end && less(&v[child], &v[child + 1]) {
            child += 1;
        }
        if !less(&v[root], &v[child]) {
            break;
        }
        v.swap(root, child);
        root = child;
    };
    let n = v.len();
    for i in (0..n / 2).rev() {
        sift(v, i, n);
    }
    for end in (1..n).rev() {
        v.swap(0, end);
        sift(v, 0, end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_even_and_empty() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[4.0]), Some(4.0));
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&[f64::NAN]), None);
    }

    #[test]
    fn heap_sort_agrees_with_the_standard_sort() {
        let mut seed = 7u64;
        for len in [0usize, 1, 2, 3, 10, 101, 1000] {
            let mut v: Vec<u64> = (0..len)
                .map(|_| {
                    seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                    (seed >> 33) % 50
                })
                .collect();
            let mut expected = v.clone();
            expected.sort();
            sort_by(&mut v, |a, b| a < b);
            assert_eq!(v, expected, "length {len}");
        }
        let mut words = vec!["b", "a", "c", "a"];
        sort_by(&mut words, |x, y| x > y);
        assert_eq!(words, vec!["c", "b", "a", "a"]);
    }

    #[test]
    fn share_never_divides_by_zero() {
        assert_eq!(share(0, 0), None);
        assert_eq!(share(1, 4), Some(0.25));
    }

    #[test]
    fn correlation_by_hand() {
        // x = 1,2,3; y = 2,4,7: mx 2, my 13/3; sxy = (-1)(-7/3)+0+(1)(8/3) = 5;
        // sxx = 2; syy = 49/9+1/9+64/9 = 114/9; r = 5 / sqrt(2 * 114/9) = 0.99339...
        let r = correlation(&[(1.0, 2.0), (2.0, 4.0), (3.0, 7.0)]).unwrap();
        assert!((r - 0.993_399_267_798_783).abs() < 1e-12, "{r}");
        assert_eq!(
            correlation(&[(1.0, 1.0), (2.0, 1.0), (3.0, 1.0)]),
            None,
            "no variance"
        );
        assert_eq!(
            correlation(&[(1.0, 1.0), (1.0, 2.0), (1.0, 3.0)]),
            None,
            "item all one value"
        );
        assert_eq!(correlation(&[(0.0, 1.0), (1.0, 2.0)]), None, "two pairs");
        assert_eq!(correlation(&[]), None);
        let perfect_negative = correlation(&[(0.0, 3.0), (1.0, 2.0), (2.0, 1.0)]).unwrap();
        assert!((perfect_negative + 1.0).abs() < 1e-12);
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration_ms("PT12.34S"), Some(12_340.0));
        assert_eq!(parse_duration_ms("PT1H2M3S"), Some(3_723_000.0));
        assert_eq!(parse_duration_ms("P1DT1S"), Some(86_401_000.0));
        assert_eq!(parse_duration_ms("P2W"), Some(1_209_600_000.0));
        assert_eq!(parse_duration_ms("PT0S"), Some(0.0));
        assert_eq!(
            parse_duration_ms("P1M"),
            None,
            "months have no fixed length"
        );
        assert_eq!(parse_duration_ms("PT"), None);
        assert_eq!(parse_duration_ms("P"), None);
        assert_eq!(parse_duration_ms("12S"), None);
        assert_eq!(parse_duration_ms("PT5"), None);
        assert_eq!(parse_duration_ms("PTxS"), None);
        assert_eq!(parse_duration_ms("PT.5S"), None);
        assert_eq!(parse_duration_ms("PT1.5.2S"), None);
        assert_eq!(parse_duration_ms("PT0,5S"), Some(500.0));
    }
}
