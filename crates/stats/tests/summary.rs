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
    /// Whether updates read the competencies in a fixed window (as the command does).
    window: bool,
    /// Each statement's place in `all`, by id.
    by_id: std::collections::HashMap<String, usize>,
}

impl<'a> Lrs<'a> {
    fn new(all: &'a [Stored], now: i64, page: usize) -> Lrs<'a> {
        let mut lrs = Lrs {
            all,
            now,
            page,
            voided: Default::default(),
            window: true,
            by_id: all
                .iter()
                .enumerate()
                .map(|(i, s)| (s.statement["id"].as_str().unwrap().to_string(), i))
                .collect(),
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

    /// Whether a statement meets the query's filters other than time; a statement that
    /// targets another (voiding) meets them when its target does (xAPI 2.1.3).
    fn meets(&self, s: &Value, params: &[(String, String)], agent: Option<&Value>) -> bool {
        let get = |k: &str| params.iter().find(|p| p.0 == k).map(|p| p.1.as_str());
        if s["object"]["objectType"] == "StatementRef" {
            let target = s["object"]["id"].as_str().unwrap();
            return self
                .by_id
                .get(target)
                .is_some_and(|t| self.meets(&self.all[*t].statement, params, agent));
        }
        let activity = get("activity").is_none_or(|a| {
            s["object"]["id"] == a
                || ["grouping", "category", "parent", "other"].iter().any(|k| {
                    s["context"]["contextActivities"][k]
                        .as_array()
                        .is_some_and(|l| l.iter().any(|x| x["id"] == a))
                })
        });
        activity
            && get("verb").is_none_or(|v| s["verb"]["id"] == v)
            && get("registration").is_none_or(|r| s["context"]["registration"] == r)
            && agent.is_none_or(|a| s["actor"]["mbox"] == a["mbox"])
    }

    /// The statements matching the query, ascending by stored time.
    fn query(&self, params: &[(String, String)]) -> Vec<&Value> {
        let get = |k: &str| params.iter().find(|p| p.0 == k).map(|p| p.1.as_str());
        let voided = &self.voided;
        let since = get("since").and_then(parse_ts);
        let until = get("until").and_then(parse_ts);
        let agent: Option<Value> = get("agent").map(|a| serde_json::from_str(a).unwrap());
        self.present()
            .filter(|s| !voided.contains(s.statement["id"].as_str().unwrap()))
            .filter(|s| since.is_none_or(|t| s.stored > t))
            .filter(|s| until.is_none_or(|t| s.stored <= t))
            .filter(|s| self.meets(&s.statement, params, agent.as_ref()))
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
    read_competencies(&mut update, lrs, lrs.window.then_some(lrs.now));
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
                Need::Learner { .. } => {
                    while let Some(m) = update.add_learner(&lrs.get(&q)).unwrap() {
                        q = m;
                    }
                }
            }
        }
    }
    update.finish(summary);
}

/// Reads the competencies' `answered` statements into `update` as the command does: each
/// competency's query from the competencies' `since`, up to `until` when given.
fn read_competencies(update: &mut Update, lrs: &Lrs, until: Option<i64>) {
    update.set_competencies_until(until.map(iso));
    for (j, tag) in update.competencies().to_vec().iter().enumerate() {
        let mut q = format!(
            "activity={}&related_activities=true&verb={}&format=ids&ascending=true",
            encode(tag),
            encode(ANSWERED)
        );
        if let Some(t) = update.competencies_since() {
            q.push_str(&format!("&since={}", encode(t)));
        }
        if let Some(u) = until {
            q.push_str(&format!("&until={}", encode(&iso(u))));
        }
        while let Some(m) = update.add_competency_page(&lrs.get(&q), j).unwrap() {
            q = m;
        }
    }
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
    // A summary of version 1 (before the competencies) is refused, with the way out.
    let older = text.replace("\"version\":2", "\"version\":1");
    let refused = Summary::from_json(&older, M);
    assert_eq!(
        refused,
        Err(StatsError::SummaryVersion {
            found: Some(1),
            expected: SUMMARY_VERSION
        })
    );
    assert!(refused.unwrap_err().to_string().contains("--rebuild"));
    assert!(matches!(
        Summary::from_json("{}", M),
        Err(StatsError::SummaryVersion { found: None, .. })
    ));
    assert!(matches!(
        Summary::from_json(&text, "https://ex.org/other"),
        Err(StatsError::SummaryModule { .. })
    ));
    assert!(matches!(
        Summary::from_json("{\"version\":2,\n\"activity_id\": 3}", M),
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
    newer.version = 3;
    assert!(matches!(
        whole.merge(&newer),
        Err(StatsError::SummaryVersion { found: Some(3), .. })
    ));
}

// ---------------------------------------------------------------------------------------
// Competencies: several modules sharing them, learners across modules.

const M2: &str = "https://ex.org/m2";
const M3: &str = "https://ex.org/m3";
const C1: &str = "https://ex.org/c/phishing";
const C2: &str = "https://ex.org/c/passwords";
const C3: &str = "https://ex.org/c/other";

/// The questions of the three modules: IRI, tags, points.
fn shared_questions() -> Vec<(String, Vec<&'static str>, f64)> {
    vec![
        (question(0), vec![C1], 1.0),
        (question(1), vec![C1], 2.0),
        (question(2), vec![C2], 1.0),
        (question(3), vec![C1, C2], 1.0),
        (format!("{M2}/question/r0"), vec![C1], 1.0),
        (format!("{M2}/question/r1"), vec![C1], 3.0),
        (format!("{M3}/question/s0"), vec![C2], 1.0),
        (format!("{M3}/question/s1"), vec![C3], 1.0),
    ]
}

fn shared_outline() -> Outline {
    let mut o = outline();
    o.competencies = vec![
        Entry {
            id: C1.into(),
            title: "Phishing".into(),
        },
        Entry {
            id: C2.into(),
            title: "Passwords".into(),
        },
    ];
    o
}

/// `learners` learners, each with one to four attempts of the three modules over a week;
/// answers retried, some stored hours late, some voided a day after they were stored.
fn generate_shared(learners: usize, seed: u64) -> Vec<Stored> {
    let mut rng = Rng(seed);
    let questions = shared_questions();
    let mut out: Vec<Stored> = Vec::new();
    let mut n = 0u64;
    let verb = |v: &str| json!({ "id": format!("http://adlnet.gov/expapi/verbs/{v}") });
    let mut attempt_no = 0;
    for l in 0..learners {
        let learner = format!("mailto:s{l}@ex.org");
        let mut at = T0 + rng.below(86_400_000) as i64;
        let ability = rng.below(100);
        for _ in 0..1 + rng.below(4) {
            attempt_no += 1;
            let registration = format!("30000000-0000-4000-8000-{attempt_no:012}");
            let module = [M, M, M2, M3][rng.below(4) as usize];
            at += rng.below(2 * 86_400_000) as i64;
            let late = rng.chance(10);
            let mut push =
                |at: i64, v: &str, object: &str, tags: &[&str], result: Option<Value>| {
                    n += 1;
                    let mut context = json!({ "registration": registration,
                    "contextActivities": { "grouping": [{ "id": module }] } });
                    if !tags.is_empty() {
                        context["contextActivities"]["category"] = tags
                            .iter()
                            .map(|c| json!({ "id": c, "definition": { "type": TYPE_COMPETENCY } }))
                            .collect();
                    }
                    let mut s = json!({
                        "id": format!("00000000-0000-4000-9000-{n:012}"),
                        "actor": { "objectType": "Agent", "mbox": learner },
                        "verb": verb(v), "object": { "id": object, "objectType": "Activity" },
                        "context": context, "timestamp": iso(at)
                    });
                    if let Some(r) = result {
                        s["result"] = r;
                    }
                    let delay = if late && v == "answered" && n % 3 == 0 {
                        6 * 3_600_000
                    } else {
                        50
                    };
                    out.push(Stored {
                        stored: at + delay,
                        statement: s,
                    });
                };
            push(at, "initialized", module, &[], None);
            for (iri, tags, points) in questions.iter().filter(|q| q.0.starts_with(module)) {
                let tries = if rng.chance(20) { 2 } else { 1 };
                for _ in 0..tries {
                    at += 1000 + rng.below(60_000) as i64;
                    let right = rng.below(100) < ability.max(15);
                    let raw = if right {
                        *points
                    } else if *points > 1.0 && rng.chance(50) {
                        1.0
                    } else {
                        0.0
                    };
                    // A few answers say nothing of success, or have no score.
                    let mut result = json!({ "response": if right { "a" } else { "b" },
                        "success": right, "score": { "raw": raw, "min": 0, "max": points } });
                    if rng.chance(3) {
                        result.as_object_mut().unwrap().remove("success");
                    } else if rng.chance(3) {
                        result.as_object_mut().unwrap().remove("score");
                    }
                    push(at, "answered", iri, tags, Some(result));
                }
            }
            at += 1000;
            push(
                at,
                "completed",
                module,
                &[],
                Some(json!({ "completion": true })),
            );
        }
    }
    let count = out.len();
    for _ in 0..learners / 10 {
        let target = &out[rng.below(count as u64) as usize];
        let stored = target.stored + 86_400_000;
        let target_id = target.statement["id"].clone();
        n += 1;
        out.push(Stored {
            stored,
            statement: json!({
                "id": format!("00000000-0000-4000-9000-{n:012}"), "actor": { "mbox": "mailto:admin@ex.org" },
                "verb": verb("voided"),
                "object": { "objectType": "StatementRef", "id": target_id },
                "timestamp": iso(stored)
            }),
        });
    }
    out.sort_by_key(|s| s.stored);
    for (i, s) in out.iter_mut().enumerate() {
        s.stored += i as i64;
        s.statement["stored"] = json!(iso(s.stored));
    }
    out
}

/// The full read of the module and of every statement tagged with its competencies.
fn full_shared(lrs: &Lrs, outline: &Outline) -> Report {
    let mut c = Collector::new(M, M);
    c.know_competencies([C1, C2]);
    let mut all: Vec<&Value> = lrs.present().map(|s| &s.statement).collect();
    all.reverse();
    for chunk in all.chunks(97) {
        c.add_page(&json!({ "statements": chunk }).to_string())
            .unwrap();
    }
    c.report(outline, "en")
}

/// The competencies of a summary against the full read's: exact while the sample holds
/// every learner, else within the stated error (4 standard errors, so that a correct
/// estimate fails about once in 15,000 checks).
fn compare_competencies(s: &Summary, f: &Report, outline: &Outline) {
    let got = s.report(outline, "en").competencies;
    if s.competencies.threshold == u64::MAX {
        assert_eq!(got, f.competencies);
        return;
    }
    assert_eq!(got.len(), f.competencies.len());
    for (a, b) in got.iter().zip(&f.competencies) {
        assert_eq!((&a.id, &a.title), (&b.id, &b.title));
        let n = (b.learners as f64 / s.competencies.scale()).max(1.0);
        let relative = 4.0 / n.sqrt();
        let near = |x: usize, y: usize, what: &str| {
            let bound = y as f64 * relative + 4.0 * s.competencies.scale();
            assert!(
                (x as f64 - y as f64).abs() <= bound,
                "{what} of {}: {x} vs {y} (bound {bound})",
                a.id
            );
        };
        near(a.learners, b.learners, "learners");
        near(a.mastered, b.mastered, "mastered");
        for w in &a.weakest {
            let full = pelita_stats::Weak { ..w.clone() };
            // The full read's figure for the same question (it may rank it differently).
            let all = full_question(f, &b.id, &full.id);
            if let Some((answered, share)) = all {
                let m = (answered as f64 / s.competencies.scale()).max(1.0);
                assert!(
                    (w.share_correct - share).abs() <= 2.0 / m.sqrt(),
                    "share of {}: {} vs {share}",
                    w.id,
                    w.share_correct
                );
            }
        }
    }
}

/// A question's (answered, share correct) in a full read's competency, if it is among its
/// weakest.
fn full_question(f: &Report, competency: &str, question: &str) -> Option<(usize, f64)> {
    f.competencies
        .iter()
        .find(|c| c.id == competency)?
        .weakest
        .iter()
        .find(|w| w.id == question)
        .map(|w| (w.answered, w.share_correct))
}

/// Runs over several days (learners' answers crossing runs, answers stored late, answers
/// voided after they were summarised) give the full read's competency figures exactly
/// while every learner is sampled; in the command's window and as the report reads.
#[test]
fn competencies_across_modules_match_the_full_read() {
    let all = generate_shared(300, 7);
    let outline = shared_outline();
    let last = all.last().unwrap().stored;
    for window in [true, false] {
        let mut summary = Summary::new(M);
        let cuts: Vec<i64> = (1..=8)
            .map(|k| T0 + k * 86_400_000 + 2_700_000 * k)
            .chain([last])
            .collect();
        for now in &cuts {
            let mut lrs = Lrs::new(&all, *now, 41);
            lrs.window = window;
            run(&mut summary, &lrs, &outline);
            summary = Summary::from_json(&summary.to_json(), M).unwrap();
            let expected = full_shared(&lrs, &outline);
            assert_eq!(summary.competencies.threshold, u64::MAX);
            compare_competencies(&summary, &expected, &outline);
            // Attempts tie on points here, so the module's upper and lower groups are
            // compared as sampled figures are.
            compare(&summary.report(&outline, "en"), &expected, false);
        }
        let expected = full_shared(&Lrs::new(&all, last, 41), &outline);
        assert!(expected
            .competencies
            .iter()
            .all(|c| c.learners > 100 && c.weakest.len() == 3));
        // Other modules' questions are among the competencies' questions.
        assert!(summary
            .competencies
            .questions
            .iter()
            .any(|q| q.0.starts_with(M2)));
        assert!(summary
            .competencies
            .questions
            .iter()
            .any(|q| q.0.starts_with(M3)));
    }
}

/// The shared data really has answers voided after they were summarised and answers
/// stored late, of learners in several modules.
#[test]
fn the_shared_data_has_every_case() {
    let all = generate_shared(300, 7);
    let voided: Vec<&Stored> = all
        .iter()
        .filter(|s| s.statement["verb"]["id"] == "http://adlnet.gov/expapi/verbs/voided")
        .collect();
    let answers_voided = voided
        .iter()
        .filter(|v| {
            all.iter().any(|t| {
                t.statement["id"] == v.statement["object"]["id"]
                    && t.statement["verb"]["id"] == ANSWERED
                    && t.statement["context"]["contextActivities"]["category"].is_array()
            })
        })
        .count();
    assert!(answers_voided >= 10, "{answers_voided}");
    let late = all
        .iter()
        .filter(|s| {
            s.stored - parse_ts(s.statement["timestamp"].as_str().unwrap()).unwrap() > 3_600_000
                && s.statement["verb"]["id"] == ANSWERED
        })
        .count();
    assert!(late > 50, "{late}");
}

/// With more learners than the sample holds, the figures are within the stated error,
/// run after run; the sample holds exactly its size, below its threshold.
#[test]
fn sampled_competencies_are_close() {
    let all = generate_shared(2000, 3);
    let outline = shared_outline();
    let last = all.last().unwrap().stored;
    let mut summary = Summary::new(M);
    for now in [T0 + 3 * 86_400_000, last] {
        let lrs = Lrs::new(&all, now, 500);
        run(&mut summary, &lrs, &outline);
        compare_competencies(&summary, &full_shared(&lrs, &outline), &outline);
    }
    let c = &summary.competencies;
    assert_eq!(c.learners.len(), LEARNER_SAMPLE_SIZE);
    assert!(c.threshold < u64::MAX);
    assert!(c
        .learners
        .keys()
        .all(|k| k.parse::<u64>().unwrap() < c.threshold));
    // Coordinated: the sample is the learners with the smallest hashes, whoever they are.
    let mut hashes: Vec<u64> = (0..2000)
        .map(|l| hash(&format!("mailto:s{l}@ex.org")))
        .collect();
    hashes.sort_unstable();
    let kept: Vec<u64> = c.learners.keys().map(|k| k.parse().unwrap()).collect();
    assert_eq!(kept, hashes[..LEARNER_SAMPLE_SIZE].to_vec());
}

/// Summaries of other statements (one module's, the other modules') merge into the
/// summary of all of them: exactly the same sample, so the same figures; merging a
/// summary's competencies with themselves changes nothing.
#[test]
fn competency_samples_of_several_modules_merge() {
    for learners in [200, 1500] {
        let all = generate_shared(learners, 19);
        let outline = shared_outline();
        let last = all.last().unwrap().stored;
        let target_module: std::collections::HashMap<String, bool> = all
            .iter()
            .map(|s| {
                let grouping = &s.statement["context"]["contextActivities"]["grouping"][0]["id"];
                (
                    s.statement["id"].as_str().unwrap().to_string(),
                    *grouping == M,
                )
            })
            .collect();
        let of_m = |s: &Stored| match s.statement["object"]["id"].as_str() {
            Some(id) if s.statement["object"]["objectType"] == "StatementRef" => target_module[id],
            _ => s.statement["context"]["contextActivities"]["grouping"][0]["id"] == M,
        };
        let copy = |s: &Stored| Stored {
            stored: s.stored,
            statement: s.statement.clone(),
        };
        let mine: Vec<Stored> = all.iter().filter(|s| of_m(s)).map(copy).collect();
        let others: Vec<Stored> = all.iter().filter(|s| !of_m(s)).map(copy).collect();
        let (mut a, mut b) = (Summary::new(M), Summary::new(M));
        run(&mut a, &Lrs::new(&mine, last, 97), &outline);
        run(&mut b, &Lrs::new(&others, last, 97), &outline);
        let mut whole = Summary::new(M);
        run(&mut whole, &Lrs::new(&all, last, 97), &outline);
        let mut merged = a.competencies.clone();
        merged.merge(&b.competencies);
        assert_eq!(merged.threshold, whole.competencies.threshold);
        assert_eq!(merged.learners.len(), whole.competencies.learners.len());
        let stats = |c: &Competencies| c.stats(&outline);
        assert_eq!(stats(&merged), stats(&whole.competencies));
        let mut twice = whole.competencies.clone();
        twice.merge(&whole.competencies);
        assert_eq!(stats(&twice), stats(&whole.competencies));
        assert_eq!(twice.learners, whole.competencies.learners);
    }
}

/// A learner's latest answer counts, whichever run it comes in: a newer answer replaces
/// the one summarised, one stored late with an older timestamp does not, and voiding the
/// newest brings the one before it back (the learner is read again).
#[test]
fn a_learners_latest_answer_across_runs() {
    let outline = shared_outline();
    let answer = |id: u64, at: i64, stored: i64, right: bool| Stored {
        stored,
        statement: json!({ "id": format!("00000000-0000-4000-a000-{id:012}"),
            "actor": { "mbox": "mailto:one@ex.org" },
            "verb": { "id": ANSWERED }, "object": { "id": question(0) },
            "timestamp": iso(at), "stored": iso(stored),
            "result": { "success": right, "score": { "raw": if right { 1 } else { 0 }, "max": 1 } },
            "context": { "registration": "40000000-0000-4000-8000-000000000001",
                "contextActivities": { "grouping": [{ "id": M }], "category": [{ "id": C1 }] } } }),
    };
    let all = vec![
        answer(1, T0, T0, true),
        answer(2, T0 + 10_000, T0 + 10_000, false),
        // Answered before the wrong answer, stored after it.
        answer(3, T0 + 5_000, T0 + 20_000, true),
        Stored {
            stored: T0 + 30_000,
            statement: json!({ "id": "00000000-0000-4000-a000-000000000009", "actor": { "mbox": "mailto:admin@ex.org" },
                "verb": { "id": "http://adlnet.gov/expapi/verbs/voided" },
                "object": { "objectType": "StatementRef", "id": "00000000-0000-4000-a000-000000000002" },
                "timestamp": iso(T0 + 30_000), "stored": iso(T0 + 30_000) }),
        },
    ];
    let mut summary = Summary::new(M);
    let mastered = |s: &Summary| {
        let c = &s.report(&outline, "en").competencies[0];
        (c.learners, c.mastered)
    };
    for (now, expected) in [
        (T0, (1, 1)),
        (T0 + 10_000, (1, 0)),
        (T0 + 20_000, (1, 0)),
        (T0 + 30_000, (1, 1)),
    ] {
        let lrs = Lrs::new(&all, now, 2);
        run(&mut summary, &lrs, &outline);
        assert_eq!(mastered(&summary), expected, "at {now}");
        assert_eq!(
            summary.report(&outline, "en").competencies,
            full_shared(&lrs, &outline).competencies
        );
    }
}
