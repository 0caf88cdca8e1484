//! The summary against the full read, on generated statements: several update runs over
//! an LRS kept in memory (the xAPI query rules the updates rely on: `since`/`until` on the
//! stored time, `registration`, `agent`, `voidedStatementId`, voided statements left out,
//! `more` pages), with attempts that cross runs, statements that come late and statements
//! voided before and after they were summarised. Counts must be exactly the full read's,
//! medians within the sketch's error, discrimination exact while the sample holds every
//! attempt and close when it holds a part.

use pelita_stats::*;
use serde_json::{json, Value};

const M: &str = "https://ex.org/m";
const T0: i64 = 1_767_600_000_000; // 2026-01-05T08:00:00Z

fn iso(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        ms.rem_euclid(1000)
    )
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

fn question(i: usize) -> String {
    format!("{M}/question/q{i}")
}
fn page(i: usize) -> String {
    format!("{M}/lesson/l/page/p{i}")
}

const QUESTIONS: usize = 8;
const PAGES: usize = 5;

fn outline() -> Outline {
    let mut definitions = Vec::new();
    for i in 0..QUESTIONS {
        let d = match i {
            6 => Definition {
                kind: "true-false".into(),
                choices: vec![],
                correct: vec!["true".into()],
            },
            7 => Definition {
                kind: "fill-in".into(),
                choices: vec![],
                correct: vec!["paris".into()],
            },
            _ => Definition {
                kind: "choice".into(),
                choices: ["a", "b", "c", "d"]
                    .iter()
                    .map(|c| (c.to_string(), vec![("en".into(), c.to_uppercase())]))
                    .collect(),
                correct: vec!["a".into()],
            },
        };
        definitions.push((question(i), d));
    }
    Outline {
        activity_id: M.into(),
        module_iri: M.into(),
        pages: (0..PAGES)
            .map(|i| Entry {
                id: page(i),
                title: format!("Page {i}"),
            })
            .collect(),
        questions: (0..QUESTIONS)
            .map(|i| Entry {
                id: question(i),
                title: format!("Question {i}"),
            })
            .collect(),
        definitions,
        competencies: vec![],
        mastery: 0.7,
    }
}

/// A statement kept by the fake LRS with its stored time.
struct Stored {
    stored: i64,
    statement: Value,
}

/// Generated statements: `attempts` attempts over about a week, some resumed days later,
/// some with answers that arrive late (stored hours after the rest), some statements
/// voided later.
fn generate(attempts: usize, seed: u64) -> Vec<Stored> {
    let mut rng = Rng(seed);
    let mut out: Vec<Stored> = Vec::new();
    let mut n = 0u64;
    let mut id = || {
        n += 1;
        format!("00000000-0000-4000-8000-{n:012}")
    };
    let verb = |v: &str| json!({ "id": format!("http://adlnet.gov/expapi/verbs/{v}") });
    for a in 0..attempts {
        let learner = format!("mailto:l{}@ex.org", a % (attempts * 2 / 3).max(1));
        // A few attempts come without a registration (one per learner at most).
        let registration = (a % 37 != 5).then(|| format!("10000000-0000-4000-8000-{a:012}"));
        let mut at = T0 + rng.below(7 * 86_400_000) as i64;
        let mut list: Vec<(i64, Value)> = Vec::new();
        let mut push = |at: i64, v: &str, object: &str, result: Option<Value>| {
            let mut context = json!({ "contextActivities": { "grouping": [{ "id": M }] } });
            if let Some(r) = &registration {
                context["registration"] = json!(r);
            }
            let mut s = json!({
                "id": id(), "actor": { "objectType": "Agent", "mbox": learner },
                "verb": verb(v), "object": { "id": object, "objectType": "Activity" },
                "context": context, "timestamp": iso(at)
            });
            if let Some(r) = result {
                s["result"] = r;
            }
            list.push((at, s));
        };
        push(at, "initialized", M, None);
        let ability = rng.below(100);
        let stop = if rng.chance(15) {
            rng.below(QUESTIONS as u64) as usize
        } else {
            QUESTIONS
        };
        let mut points = 0.0;
        for q in 0..stop {
            if q < PAGES {
                at += 1000 + rng.below(60_000) as i64;
                push(at, "experienced", &page(q), None);
                if rng.chance(10) {
                    push(at + 500, "experienced", &page(q), None);
                }
            }
            if q == 4 && rng.chance(20) {
                // Suspended, resumed days later under the same registration.
                at += 86_400_000 + rng.below(3 * 86_400_000) as i64;
                push(at, "resumed", M, None);
            }
            let tries = if rng.chance(15) { 2 } else { 1 };
            for _ in 0..tries {
                at += 2000 + rng.below(90_000) as i64;
                let right = rng.below(100) < ability.max(10);
                let (response, success) = match q {
                    6 => (if right { "true" } else { "false" }.to_string(), right),
                    7 => (
                        if right {
                            "paris"
                        } else {
                            ["london", "rome"][rng.below(2) as usize]
                        }
                        .to_string(),
                        right,
                    ),
                    _ => {
                        let r = if right {
                            "a"
                        } else {
                            ["b", "c", "d"][rng.below(if q == 3 { 2 } else { 3 }) as usize]
                        };
                        (r.to_string(), right)
                    }
                };
                // One question scores partially, and differently per attempt, so no two
                // attempts tie on total points (the upper and lower groups are then the
                // same set whichever way ties would be broken).
                let raw = if q == 0 {
                    if success {
                        1.0 - (a as f64 + 1.0) / (attempts as f64 + 2.0) / 1000.0
                    } else {
                        (a as f64 + 1.0) / (attempts as f64 + 2.0)
                    }
                } else if success {
                    1.0
                } else {
                    0.0
                };
                if tries == 1 || !success {
                    points += raw;
                }
                push(
                    at,
                    "answered",
                    &question(q),
                    Some(json!({ "response": response, "success": success,
                        "score": { "raw": raw, "min": 0, "max": 1 } })),
                );
            }
        }
        if stop == QUESTIONS {
            at += 1000;
            let duration = format!("PT{}S", 60 + rng.below(3000));
            push(
                at,
                "completed",
                M,
                Some(json!({ "completion": true, "duration": duration })),
            );
            let scaled = points / QUESTIONS as f64;
            let v = if scaled >= 0.7 { "passed" } else { "failed" };
            push(
                at + 10,
                v,
                M,
                Some(json!({ "success": v == "passed", "score": { "scaled": scaled } })),
            );
        }
        push(at + 20, "terminated", M, None);
        // Stored when sent: a moment after the timestamp, or hours later for an attempt
        // whose last statements waited offline.
        let late_from = if rng.chance(10) {
            list.len().saturating_sub(3)
        } else {
            list.len()
        };
        for (i, (t, s)) in list.into_iter().enumerate() {
            let delay = if i >= late_from { 6 * 3_600_000 } else { 50 };
            out.push(Stored {
                stored: t + delay,
                statement: s,
            });
        }
    }
    // Voiding: some statements voided by an administrator a day after they were stored.
    let count = out.len();
    for _ in 0..(attempts / 15).max(2) {
        let target = &out[rng.below(count as u64) as usize];
        let stored = target.stored + 86_400_000;
        let target_id = target.statement["id"].clone();
        out.push(Stored {
            stored,
            statement: json!({
                "id": id(), "actor": { "mbox": "mailto:admin@ex.org" },
                "verb": verb("voided"),
                "object": { "objectType": "StatementRef", "id": target_id },
                "timestamp": iso(stored)
            }),
        });
    }
    // Stored times made unique, as an LRS's order is.
    out.sort_by_key(|s| s.stored);
    for (i, s) in out.iter_mut().enumerate() {
        s.stored += i as i64;
        s.statement["stored"] = json!(iso(s.stored));
    }
    out
}

/// An LRS in memory as it was at time `now`.
struct Lrs<'a> {
    all: &'a [Stored],
    now: i64,
    page: usize,
    voided: std::collections::HashSet<String>,
}

impl<'a> Lrs<'a> {
    fn new(all: &'a [Stored], now: i64, page: usize) -> Lrs<'a> {
        let mut lrs = Lrs {
            all,
            now,
            page,
            voided: Default::default(),
        };
        lrs.voided = lrs.find_voided();
        lrs
    }

    fn present(&self) -> impl Iterator<Item = &Stored> {
        self.all.iter().filter(move |s| s.stored <= self.now)
    }

    fn find_voided(&self) -> std::collections::HashSet<String> {
        self.present()
            .filter(|s| s.statement["verb"]["id"] == "http://adlnet.gov/expapi/verbs/voided")
            .map(|s| s.statement["object"]["id"].as_str().unwrap().to_string())
            .collect()
    }

    /// The statements matching the query, ascending by stored time.
    fn query(&self, params: &[(String, String)]) -> Vec<&Value> {
        let get = |k: &str| params.iter().find(|p| p.0 == k).map(|p| p.1.as_str());
        let voided = &self.voided;
        let since = get("since").and_then(parse_ts);
        let until = get("until").and_then(parse_ts);
        self.present()
            .filter(|s| !voided.contains(s.statement["id"].as_str().unwrap()))
            .filter(|s| since.is_none_or(|t| s.stored > t))
            .filter(|s| until.is_none_or(|t| s.stored <= t))
            .filter(|s| {
                get("registration").is_none_or(|r| s.statement["context"]["registration"] == r)
            })
            .filter(|s| {
                get("agent").is_none_or(|a| {
                    let a: Value = serde_json::from_str(a).unwrap();
                    s.statement["actor"]["mbox"] == a["mbox"]
                })
            })
            .map(|s| &s.statement)
            .collect()
    }

    /// `GET statements?<query>` as the LRS answers: a page and a `more` link.
    fn get(&self, query: &str) -> String {
        let params: Vec<(String, String)> = form_urlencoded(query);
        if let Some((_, id)) = params.iter().find(|p| p.0 == "voidedStatementId") {
            let voided = &self.voided;
            return self
                .present()
                .find(|s| s.statement["id"] == id.as_str() && voided.contains(id))
                .map_or(String::new(), |s| s.statement.to_string());
        }
        let offset: usize = params
            .iter()
            .find(|p| p.0 == "offset")
            .map_or(0, |p| p.1.parse().unwrap());
        let found = self.query(&params);
        let slice: Vec<&Value> = found.iter().skip(offset).take(self.page).copied().collect();
        let more = if offset + self.page < found.len() {
            let rest: Vec<String> = params
                .iter()
                .filter(|p| p.0 != "offset")
                .map(|(k, v)| format!("{k}={}", encode(v)))
                .collect();
            format!("{}&offset={}", rest.join("&"), offset + self.page)
        } else {
            String::new()
        };
        json!({ "statements": slice, "more": more }).to_string()
    }
}

fn parse_ts(t: &str) -> Option<i64> {
    pelita_xapi::parse_timestamp(t)
}

fn form_urlencoded(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (k.to_string(), decode(v))
        })
        .collect()
}

fn decode(v: &str) -> String {
    let bytes = v.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&v[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// One `pelita stats update` run against the LRS as it is at `now`.
fn run(summary: &mut Summary, lrs: &Lrs, outline: &Outline) {
    let mut update = Update::new(summary, outline);
    let mut query = format!(
        "activity={}&related_activities=true&format=ids&ascending=true",
        encode(M)
    );
    if let Some(t) = &summary.as_of {
        query.push_str(&format!("&since={}", encode(t)));
    }
    loop {
        let more = update.add_page(&lrs.get(&query)).unwrap();
        match more {
            Some(m) => query = m,
            None => break,
        }
    }
    loop {
        let needs = update.needs();
        if needs.is_empty() {
            break;
        }
        for need in needs {
            let mut q = need.query(M);
            match need {
                Need::Voided { .. } => {
                    let text = lrs.get(&q);
                    update
                        .add_voided((!text.is_empty()).then_some(text.as_str()))
                        .unwrap();
                }
                Need::Attempt { .. } => {
                    while let Some(m) = update.add_reread(&lrs.get(&q)).unwrap() {
                        q = m;
                    }
                }
            }
        }
    }
    update.finish(summary);
}

/// The full read: every statement the LRS has now, newest first, in pages.
fn full(lrs: &Lrs, outline: &Outline) -> Report {
    let mut c = Collector::new(M, M);
    let mut all: Vec<&Value> = lrs.present().map(|s| &s.statement).collect();
    all.reverse();
    for chunk in all.chunks(97) {
        c.add_page(&json!({ "statements": chunk }).to_string())
            .unwrap();
    }
    c.report(outline, "en")
}

fn close(a: Option<f64>, b: Option<f64>, tolerance: f64, what: &str) {
    match (a, b) {
        (Some(a), Some(b)) => assert!((a - b).abs() <= tolerance, "{what}: {a} vs {b}"),
        (a, b) => assert_eq!(a.is_some(), b.is_some(), "{what}: {a:?} vs {b:?}"),
    }
}

fn within_sketch(a: Option<f64>, b: Option<f64>, what: &str) {
    let t = b.map_or(0.0, |b| b.abs() * RELATIVE_ERROR + 1e-6);
    close(a, b, t, what);
}

fn sorted(options: &[OptionCount]) -> Vec<(String, usize, bool, Option<Flag>)> {
    let mut v: Vec<_> = options
        .iter()
        .filter(|o| o.count > 0 || o.label.is_some() || o.id == "true" || o.id == "false")
        .map(|o| (o.id.clone(), o.count, o.correct, o.flag))
        .collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

/// Compares a summary's report with the full read's; `exact_sample` when the sample
/// holds every attempt.
fn compare(s: &Report, f: &Report, exact_sample: bool) {
    assert_eq!(
        (s.used, s.attempts, s.completions, s.judged, s.passed),
        (f.used, f.attempts, f.completions, f.judged, f.passed)
    );
    assert_eq!(s.pass_rate, f.pass_rate);
    assert!(
        (s.learners as f64 - f.learners as f64).abs() <= f.learners as f64 * 0.1 + 1.0,
        "learners {} vs {}",
        s.learners,
        f.learners
    );
    within_sketch(
        s.median_completion_ms,
        f.median_completion_ms,
        "median completion",
    );
    assert_eq!(s.days.len(), f.days.len());
    for (a, b) in s.days.iter().zip(&f.days) {
        assert_eq!(
            (a.day_ms, a.attempts, a.completions, a.judged, a.passed),
            (b.day_ms, b.attempts, b.completions, b.judged, b.passed)
        );
        within_sketch(a.median_ms, b.median_ms, "day median");
    }
    assert_eq!(s.scores, f.scores);
    assert_eq!(s.questions.len(), f.questions.len());
    for (a, b) in s.questions.iter().zip(&f.questions) {
        assert_eq!(
            (
                &a.id,
                &a.title,
                &a.kind,
                a.answered,
                a.correct,
                a.difficulty
            ),
            (
                &b.id,
                &b.title,
                &b.kind,
                b.answered,
                b.correct,
                b.difficulty
            )
        );
        if exact_sample {
            assert_eq!(sorted(&a.options), sorted(&b.options), "{}", a.id);
            close(a.discrimination, b.discrimination, 1e-9, "discrimination");
            close(a.upper_lower, b.upper_lower, 1e-9, "upper/lower");
        } else {
            let counts = |o: &[OptionCount]| {
                let mut v: Vec<_> = o.iter().map(|o| (o.id.clone(), o.count)).collect();
                v.sort();
                v
            };
            assert_eq!(counts(&a.options), counts(&b.options));
            close(
                a.discrimination,
                b.discrimination,
                0.15,
                "sampled discrimination",
            );
            close(a.upper_lower, b.upper_lower, 0.2, "sampled upper/lower");
        }
        within_sketch(a.median_ms, b.median_ms, "time to answer");
    }
    assert_eq!(s.pages, f.pages);
}

/// Several runs (with attempts crossing them, late statements and voiding on both sides
/// of a run) give the full read's figures; so does one run over everything.
#[test]
fn runs_give_the_full_reads_figures() {
    let all = generate(400, 11);
    let outline = outline();
    let last = all.last().unwrap().stored;
    let mut summary = Summary::new(M);
    let cuts: Vec<i64> = (1..=9)
        .map(|k| T0 + k * 86_400_000 + 3_600_000 * k)
        .chain([last])
        .collect();
    for now in &cuts {
        let lrs = Lrs::new(&all, *now, 53);
        run(&mut summary, &lrs, &outline);
        // The stored summary is read back as the next run would.
        summary = Summary::from_json(&summary.to_json(), M).unwrap();
        let expected = full(&lrs, &outline);
        compare(&summary.report(&outline, "en"), &expected, true);
        assert!(expected.attempts > 0 || *now < T0 + 86_400_000);
    }
    let lrs = Lrs::new(&all, last, 53);
    let mut once = Summary::new(M);
    run(&mut once, &lrs, &outline);
    compare(&once.report(&outline, "en"), &full(&lrs, &outline), true);
    assert_eq!(once.as_of, summary.as_of);
    assert_eq!(once.read as usize, all.len() - lrs.voided.len());
    // A run with nothing new changes nothing.
    let before = summary.clone();
    run(&mut summary, &lrs, &outline);
    assert_eq!(summary, before);
}

/// The data really has what the test is about: attempts crossing runs, voided statements
/// already summarised, late statements.
#[test]
fn the_generated_data_has_every_case() {
    let all = generate(400, 11);
    let verb = |s: &Stored| {
        s.statement["verb"]["id"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_string()
    };
    assert!(all.iter().any(|s| verb(s) == "resumed"));
    assert!(all.iter().filter(|s| verb(s) == "voided").count() >= 20);
    let late = all
        .iter()
        .filter(|s| {
            s.stored - parse_ts(s.statement["timestamp"].as_str().unwrap()).unwrap() > 3_600_000
                && verb(s) != "voided"
        })
        .count();
    assert!(late > 50, "{late}");
    assert!(all
        .iter()
        .any(|s| s.statement["context"]["registration"].is_null() && verb(s) != "voided"));
}

/// With more attempts than the sample holds, counts stay exact and the sampled figures
/// close; the sample holds exactly its size.
#[test]
fn sampled_figures_are_close() {
    let all = generate(1500, 5);
    let outline = outline();
    let last = all.last().unwrap().stored;
    let lrs = Lrs::new(&all, last, 500);
    let mut summary = Summary::new(M);
    run(&mut summary, &lrs, &outline);
    assert_eq!(summary.sample.attempts.len(), SAMPLE_SIZE);
    compare(
        &summary.report(&outline, "en"),
        &full(&lrs, &outline),
        false,
    );
}

/// A stored summary of another version, another module or not JSON is refused, located.
#[test]
fn versions_and_bad_documents() {
    let s = Summary::new(M);
    let text = s.to_json();
    assert_eq!(Summary::from_json(&text, M).unwrap(), s);
    let other = text.replace("\"version\":1", "\"version\":2");
    assert_eq!(
        Summary::from_json(&other, M),
        Err(StatsError::SummaryVersion {
            found: Some(2),
            expected: SUMMARY_VERSION
        })
    );
    assert!(matches!(
        Summary::from_json("{}", M),
        Err(StatsError::SummaryVersion { found: None, .. })
    ));
    assert!(matches!(
        Summary::from_json(&text, "https://ex.org/other"),
        Err(StatsError::SummaryModule { .. })
    ));
    assert!(matches!(
        Summary::from_json("{\"version\":1,\n\"activity_id\": 3}", M),
        Err(StatsError::NotASummary { line: 2, .. })
    ));
    assert!(matches!(
        Summary::from_json("nope", M),
        Err(StatsError::NotASummary { line: 1, .. })
    ));
}

/// Voiding an answer that was already summarised takes it back out, exactly; voiding
/// the only statements of an attempt takes the attempt out.
#[test]
fn voiding_a_summarised_statement() {
    let outline = outline();
    let reg = "20000000-0000-4000-8000-000000000001";
    let s = |id: &str, verb: &str, object: Value, result: Option<Value>, at: i64| {
        let mut v = json!({ "id": id, "actor": { "mbox": "mailto:v@ex.org" },
            "verb": { "id": format!("http://adlnet.gov/expapi/verbs/{verb}") },
            "object": object, "timestamp": iso(at), "stored": iso(at),
            "context": { "registration": reg, "contextActivities": { "grouping": [{ "id": M }] } } });
        if let Some(r) = result {
            v["result"] = r;
        }
        Stored {
            stored: at,
            statement: v,
        }
    };
    let q = |i: usize| json!({ "id": question(i) });
    let all = vec![
        s(
            "00000000-0000-4000-8000-000000000001",
            "initialized",
            json!({ "id": M }),
            None,
            T0,
        ),
        s(
            "00000000-0000-4000-8000-000000000002",
            "answered",
            q(1),
            Some(json!({ "response": "b", "success": false })),
            T0 + 1000,
        ),
        s(
            "00000000-0000-4000-8000-000000000003",
            "answered",
            q(1),
            Some(json!({ "response": "a", "success": true })),
            T0 + 2000,
        ),
        Stored {
            stored: T0 + 10_000,
            statement: json!({ "id": "00000000-0000-4000-8000-000000000004", "actor": { "mbox": "mailto:admin@ex.org" },
                "verb": { "id": "http://adlnet.gov/expapi/verbs/voided" },
                "object": { "objectType": "StatementRef", "id": "00000000-0000-4000-8000-000000000003" },
                "timestamp": iso(T0 + 10_000), "stored": iso(T0 + 10_000) }),
        },
    ];
    let mut summary = Summary::new(M);
    run(&mut summary, &Lrs::new(&all, T0 + 5000, 2), &outline);
    let r = summary.report(&outline, "en");
    assert_eq!((r.questions[1].answered, r.questions[1].correct), (1, 1));
    let lrs = Lrs::new(&all, T0 + 10_000, 2);
    run(&mut summary, &lrs, &outline);
    let r = summary.report(&outline, "en");
    // The earlier, wrong answer is now the attempt's last.
    assert_eq!((r.questions[1].answered, r.questions[1].correct), (1, 0));
    assert_eq!(
        r.questions[1]
            .options
            .iter()
            .find(|o| o.id == "b")
            .unwrap()
            .count,
        1
    );
    assert_eq!(
        r.questions[1]
            .options
            .iter()
            .find(|o| o.id == "a")
            .unwrap()
            .count,
        0
    );
    compare(&r, &full(&lrs, &outline), true);
}

/// Two summaries of disjoint attempts (two shards of the statements) merge into the
/// figures of the whole; summaries of another module or version are refused.
#[test]
fn summaries_of_disjoint_attempts_merge() {
    let all = generate(300, 23);
    let outline = outline();
    let last = all.last().unwrap().stored;
    // Shard by attempt: registrations (or learners) hashed to two halves; voiding
    // statements go with their target's attempt.
    let key = |s: &Value| -> String {
        s["context"]["registration"]
            .as_str()
            .map_or_else(|| s["actor"]["mbox"].to_string(), str::to_string)
    };
    let by_id: std::collections::HashMap<String, String> = all
        .iter()
        .map(|s| {
            (
                s.statement["id"].as_str().unwrap().to_string(),
                key(&s.statement),
            )
        })
        .collect();
    let shard_of = |s: &Stored| -> bool {
        let k = if s.statement["verb"]["id"] == "http://adlnet.gov/expapi/verbs/voided" {
            by_id[s.statement["object"]["id"].as_str().unwrap()].clone()
        } else {
            key(&s.statement)
        };
        hash(&k) % 2 == 0
    };
    let copy = |s: &Stored| Stored {
        stored: s.stored,
        statement: s.statement.clone(),
    };
    let even: Vec<Stored> = all.iter().filter(|s| shard_of(s)).map(copy).collect();
    let odd: Vec<Stored> = all.iter().filter(|s| !shard_of(s)).map(copy).collect();
    assert!(!even.is_empty() && !odd.is_empty());
    let (mut a, mut b) = (Summary::new(M), Summary::new(M));
    run(&mut a, &Lrs::new(&even, last, 61), &outline);
    run(&mut b, &Lrs::new(&odd, last, 61), &outline);
    a.merge(&b).unwrap();
    let lrs = Lrs::new(&all, last, 61);
    compare(&a.report(&outline, "en"), &full(&lrs, &outline), true);
    let mut whole = Summary::new(M);
    run(&mut whole, &lrs, &outline);
    assert_eq!(a.as_of, whole.as_of);
    assert_eq!(a.read, whole.read);

    let mut other = Summary::new("https://ex.org/other");
    assert!(matches!(
        other.merge(&whole),
        Err(StatsError::SummaryModule { .. })
    ));
    let mut newer = Summary::new(M);
    newer.version = 2;
    assert!(matches!(
        whole.merge(&newer),
        Err(StatsError::SummaryVersion { found: Some(2), .. })
    ));
}
