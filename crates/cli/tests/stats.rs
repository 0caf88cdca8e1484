//! `pelita stats update` against the real embedded LRS (`pelita serve` on an OS-assigned
//! port): the summary stored as an activity profile document and updated with only the
//! new statements (a voided answer of a summarised attempt and an attempt crossing runs
//! included), its figures against the full read of the same statements, the file output
//! and its version check, and LRS errors that leave the stored summary as it was.

mod serving;

use pelita_stats::{Collector, Outline, Report, Summary, PROFILE_ID};
use serde_json::{json, Value};
use serving::*;
use std::path::Path;
use std::process::{Command, Output};

const VERSION: (&str, &str) = ("X-Experience-API-Version", "1.0.3");
const OTHER: &str = "https://ex.org/modules/other";

fn outline() -> Outline {
    let module = pelita_lesson::load_module(PHISHING).expect("the example module loads");
    Outline::of(&module, None, "en")
}

fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Builds statements the way the player writes them (those the report reads).
struct Maker {
    n: u64,
    outline: Outline,
}

impl Maker {
    fn id(&mut self) -> String {
        self.n += 1;
        format!("00000000-0000-4000-8000-{:012x}", self.n)
    }

    fn statement(
        &mut self,
        learner: usize,
        reg: &str,
        verb: &str,
        object: &str,
        result: Option<Value>,
        at: u32,
    ) -> Value {
        let mut s = json!({
            "id": self.id(),
            "actor": { "objectType": "Agent", "mbox": format!("mailto:l{learner}@ex.org") },
            "verb": { "id": format!("http://adlnet.gov/expapi/verbs/{verb}") },
            "object": { "objectType": "Activity", "id": object },
            "context": { "registration": reg,
                "contextActivities": { "grouping": [{ "id": self.outline.activity_id }] } },
            "timestamp": format!("2026-03-0{}T{:02}:{:02}:{:02}.000Z", 1 + at / 86_400, at / 3600 % 24, at / 60 % 60, at % 60),
        });
        if let Some(r) = result {
            s["result"] = r;
        }
        // Answers carry a competency of the module, the questions alternately.
        if let Some(i) = self.outline.questions.iter().position(|q| q.id == object) {
            let tag = &self.outline.competencies[i % self.outline.competencies.len()].id;
            s["context"]["contextActivities"]["category"] = json!([{ "id": tag,
                "definition": { "type": pelita_stats::TYPE_COMPETENCY } }]);
        }
        s
    }

    /// An answer of learner `learner` in another module that shares the module's first
    /// competency.
    fn other(&mut self, learner: usize, question: usize, right: bool, at: u32) -> Value {
        let tag = self.outline.competencies[0].id.clone();
        let mut s = self.statement(
            learner,
            &format!("20000000-0000-4000-8000-{learner:012}"),
            "answered",
            &format!("{OTHER}/question/o{question}"),
            Some(json!({ "success": right, "score": { "raw": u8::from(right) * 2, "min": 0, "max": 2 } })),
            at,
        );
        s["context"]["contextActivities"] = json!({ "grouping": [{ "id": OTHER }],
            "category": [{ "id": tag, "definition": { "type": pelita_stats::TYPE_COMPETENCY } }] });
        s
    }

    /// One attempt: initialized, every page, every question (right when `skill` says so),
    /// completed and passed or failed; `upto` statements of it only.
    fn attempt(&mut self, a: usize, upto: Option<usize>) -> Vec<Value> {
        let reg = format!("10000000-0000-4000-8000-{a:012}");
        let module = self.outline.activity_id.clone();
        let mut at = (a as u32 * 977) % 80_000;
        let mut out = vec![self.statement(a, &reg, "initialized", &module, None, at)];
        for p in self.outline.pages.clone() {
            at += 20 + (a as u32 % 7);
            out.push(self.statement(a, &reg, "experienced", &p.id, None, at));
        }
        let mut right = 0;
        let questions = self.outline.definitions.clone();
        for (i, (q, d)) in questions.iter().enumerate() {
            at += 30 + (a as u32 * 13 + i as u32) % 50;
            let ok = (a + i) % 3 != 0;
            let response = if ok {
                d.correct.first().cloned().unwrap_or_default()
            } else {
                d.choices
                    .iter()
                    .map(|c| c.0.clone())
                    .find(|c| Some(c) != d.correct.first())
                    .unwrap_or_else(|| "nope".into())
            };
            right += usize::from(ok);
            let raw = u32::from(ok);
            out.push(self.statement(a, &reg, "answered", q, Some(json!({
                "response": response, "success": ok, "score": { "raw": raw, "min": 0, "max": 1 } })), at));
        }
        let scaled = right as f64 / questions.len().max(1) as f64;
        at += 5;
        out.push(self.statement(
            a,
            &reg,
            "completed",
            &module,
            Some(json!({ "completion": true, "duration": format!("PT{}S", 100 + a) })),
            at,
        ));
        let verb = if scaled >= self.outline.mastery {
            "passed"
        } else {
            "failed"
        };
        out.push(self.statement(
            a,
            &reg,
            verb,
            &module,
            Some(json!({ "success": verb == "passed", "score": { "scaled": scaled } })),
            at + 1,
        ));
        if let Some(n) = upto {
            out.truncate(n);
        }
        out
    }
}

fn post(addr: &str, statements: &[Value]) {
    for chunk in statements.chunks(50) {
        let body = Value::Array(chunk.to_vec()).to_string();
        let (status, _, text) = http(
            addr,
            "POST",
            "/xapi/statements",
            &[VERSION, ("Content-Type", "application/json")],
            &body,
        );
        assert_eq!(status, 200, "{text}");
    }
}

fn stats(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pelita"))
        .current_dir(dir)
        .args(["stats", "update"])
        .args(args)
        .output()
        .expect("pelita runs")
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// The stored document and its ETag.
fn document(addr: &str, activity: &str) -> (u16, Option<String>, String) {
    let (status, headers, body) = http(
        addr,
        "GET",
        &format!(
            "/xapi/activities/profile?activityId={}&profileId={}",
            enc(activity),
            enc(PROFILE_ID)
        ),
        &[VERSION],
        "",
    );
    (status, header(&headers, "etag").map(str::to_string), body)
}

/// Today's full read of every statement, as the report does it: the module's, and every
/// module's answers tagged with its competencies.
fn full_read(addr: &str, outline: &Outline) -> Report {
    let mut c = Collector::new(&outline.activity_id, &outline.module_iri);
    c.know_competencies(outline.competencies.iter().map(|c| c.id.as_str()));
    let mut queries = vec![format!(
        "/xapi/statements?activity={}&related_activities=true&format=ids&limit=100",
        enc(&outline.activity_id)
    )];
    for tag in &outline.competencies {
        queries.push(format!(
            "/xapi/statements?activity={}&related_activities=true&verb={}&format=ids&limit=100",
            enc(&tag.id),
            enc(pelita_stats::ANSWERED)
        ));
    }
    for mut path in queries {
        loop {
            let (status, _, body) = http(addr, "GET", &path, &[VERSION], "");
            assert_eq!(status, 200, "{body}");
            match c.add_page(&body).expect("a statement result") {
                Some(more) => path = more,
                None => break,
            }
        }
    }
    c.report(outline, "en")
}

fn same_counts(s: &Report, f: &Report) {
    assert_eq!(
        (
            s.used,
            s.attempts,
            s.completions,
            s.judged,
            s.passed,
            s.pass_rate
        ),
        (
            f.used,
            f.attempts,
            f.completions,
            f.judged,
            f.passed,
            f.pass_rate
        )
    );
    assert_eq!(s.scores, f.scores);
    assert_eq!(s.pages, f.pages);
    assert_eq!(s.days.len(), f.days.len());
    for (a, b) in s.questions.iter().zip(&f.questions) {
        assert_eq!(
            (&a.id, a.answered, a.correct),
            (&b.id, b.answered, b.correct)
        );
        let counts = |q: &pelita_stats::QuestionStats| {
            let mut v: Vec<(String, usize)> =
                q.options.iter().map(|o| (o.id.clone(), o.count)).collect();
            v.sort();
            v
        };
        assert_eq!(counts(a), counts(b), "{}", a.id);
        // The sample holds every attempt here: the same correlation.
        match (a.discrimination, b.discrimination) {
            (Some(x), Some(y)) => assert!((x - y).abs() < 1e-9, "{x} vs {y}"),
            (x, y) => assert_eq!(x, y),
        }
    }
    assert_eq!(s.questions.len(), f.questions.len());
    // Every learner is in the competencies' sample here: the same figures.
    assert_eq!(s.competencies, f.competencies);
}

#[test]
fn update_stores_the_summary_in_the_lrs_and_folds_only_new_statements() {
    let dir = setup();
    let server = start(dir.path(), &[]);
    let a = server.addr.clone();
    let endpoint = format!("http://{a}/xapi/");
    let outline = outline();
    let module = "modules/phishing.json";
    let mut maker = Maker {
        n: 0,
        outline: outline.clone(),
    };

    // Before any statement: an empty summary is stored.
    let out = stats(dir.path(), &["--endpoint", &endpoint, module]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(stdout.contains(": 0 new statements"), "{stdout}");
    assert!(stdout.contains("as of (no statements yet)"), "{stdout}");
    let (status, first_tag, _) = document(&a, &outline.activity_id);
    assert_eq!(status, 200);

    // Twenty attempts, the last one still in progress.
    let mut batch = Vec::new();
    for i in 0..19 {
        batch.extend(maker.attempt(i, None));
    }
    let unfinished = maker.attempt(19, None);
    batch.extend(unfinished[..4].iter().cloned());
    // Learners of the module and two others answer in another module.
    for l in [0, 3, 6, 9, 30, 31] {
        let answer = maker.other(l, l % 2, l % 3 == 0, 90_000 + l as u32);
        batch.push(answer);
    }
    post(&a, &batch);
    let out = stats(
        dir.path(),
        &[
            "--endpoint",
            &endpoint,
            "--page-size",
            "37",
            "--chunk",
            "100",
            module,
        ],
    );
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}{stderr}");
    let answers = batch
        .iter()
        .filter(|s| s["verb"]["id"] == pelita_stats::ANSWERED)
        .count();
    assert!(
        stdout.contains(&format!(
            ": {} new statements and {answers} of its competencies",
            batch.len() - 6
        )),
        "{stdout}"
    );
    assert!(stdout.contains("20 attempts"), "{stdout}");
    assert!(
        stderr.contains(&format!("read {} statements", batch.len() - 6)),
        "{stderr}"
    );
    let (_, tag, body) = document(&a, &outline.activity_id);
    assert_ne!(tag, first_tag, "the document was replaced");
    let summary = Summary::from_json(&body, &outline.activity_id).expect("a summary");
    same_counts(&summary.report(&outline, "en"), &full_read(&a, &outline));

    // The rest of the unfinished attempt, five new ones, and an answer of a summarised
    // attempt voided.
    let mut more: Vec<Value> = unfinished[4..].to_vec();
    for i in 20..25 {
        more.extend(maker.attempt(i, None));
    }
    // A newer answer in the other module, and one of a new learner.
    more.push(maker.other(0, 0, false, 95_000));
    more.push(maker.other(32, 1, true, 95_100));
    let target = batch
        .iter()
        .find(|s| s["verb"]["id"].as_str().unwrap().ends_with("answered"))
        .unwrap()["id"]
        .clone();
    more.push(
        json!({ "id": maker.id(), "actor": { "mbox": "mailto:admin@ex.org" },
        "verb": { "id": "http://adlnet.gov/expapi/verbs/voided" },
        "object": { "objectType": "StatementRef", "id": target },
        "timestamp": "2026-03-09T00:00:00.000Z" }),
    );
    post(&a, &more);
    let out = stats(dir.path(), &["--endpoint", &endpoint, module]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(
        stdout.contains(&format!(": {} new statements", more.len() - 2)),
        "{stdout}"
    );
    let (_, _, body) = document(&a, &outline.activity_id);
    let summary = Summary::from_json(&body, &outline.activity_id).expect("a summary");
    let full = full_read(&a, &outline);
    assert_eq!(full.attempts, 25);
    same_counts(&summary.report(&outline, "en"), &full);

    // Nothing new: nothing changes but the run.
    let out = stats(dir.path(), &["--endpoint", &endpoint, module]);
    assert!(
        text(&out).0.contains(": 0 new statements"),
        "{:?}",
        text(&out)
    );
    let (_, _, again) = document(&a, &outline.activity_id);
    assert_eq!(
        Summary::from_json(&again, &outline.activity_id).unwrap(),
        summary
    );

    // The LRS gone: a clear error, a failure, and the document as it was.
    drop(server);
    let out = stats(dir.path(), &["--endpoint", &endpoint, module]);
    let (stdout, stderr) = text(&out);
    assert!(!out.status.success());
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        stderr.contains("pelita stats: cannot reach the LRS"),
        "{stderr}"
    );
    let server = start(dir.path(), &[]);
    let (_, _, kept) = document(&server.addr, &outline.activity_id);
    assert_eq!(kept, again);
}

#[test]
fn file_output_versions_and_errors() {
    let dir = setup();
    let server = start(dir.path(), &[]);
    let a = server.addr.clone();
    let endpoint = format!("http://{a}/xapi/");
    let outline = outline();
    let module = "modules/phishing.json";
    let mut maker = Maker {
        n: 0,
        outline: outline.clone(),
    };
    post(
        &a,
        &(0..6)
            .flat_map(|i| maker.attempt(i, None))
            .collect::<Vec<_>>(),
    );

    let file = dir.path().join("summary.json");
    let out = stats(
        dir.path(),
        &["--endpoint", &endpoint, "--output", "summary.json", module],
    );
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(stdout.contains("summary.json"), "{stdout}");
    let written = std::fs::read_to_string(&file).unwrap();
    let summary = Summary::from_json(&written, &outline.activity_id).unwrap();
    assert_eq!(summary.attempts, 6);
    // Nothing went to the LRS.
    assert_eq!(document(&a, &outline.activity_id).0, 404);

    // An LRS error in the middle of a run (statements at a path that has none): the
    // file stays as it was.
    let out = stats(
        dir.path(),
        &[
            "--endpoint",
            &format!("http://{a}/nope/"),
            "--output",
            "summary.json",
            module,
        ],
    );
    let (_, stderr) = text(&out);
    assert!(!out.status.success());
    assert!(
        stderr.contains("the LRS answered 404 to GET http://"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), written);

    // Without --output, an endpoint without the Activity Profile API is named as such.
    let out = stats(
        dir.path(),
        &["--endpoint", &format!("http://{a}/nope/"), module],
    );
    let (_, stderr) = text(&out);
    assert!(!out.status.success());
    assert!(
        stderr.contains("this LRS has no Activity Profile API"),
        "{stderr}"
    );
    assert!(stderr.contains("--output FILE"), "{stderr}");

    // A summary of an older version (1, before the competencies were in it) is refused,
    // and --rebuild makes it again.
    std::fs::write(&file, written.replace("\"version\":2", "\"version\":1")).unwrap();
    let out = stats(
        dir.path(),
        &["--endpoint", &endpoint, "--output", "summary.json", module],
    );
    let (_, stderr) = text(&out);
    assert!(!out.status.success());
    assert!(stderr.contains("format version Some(1)"), "{stderr}");
    assert!(stderr.contains("--rebuild"), "{stderr}");
    let out = stats(
        dir.path(),
        &[
            "--endpoint",
            &endpoint,
            "--output",
            "summary.json",
            "--rebuild",
            module,
        ],
    );
    assert!(out.status.success(), "{:?}", text(&out));
    let rebuilt = Summary::from_json(
        &std::fs::read_to_string(&file).unwrap(),
        &outline.activity_id,
    )
    .unwrap();
    assert_eq!(rebuilt, summary);

    // A module with problems is reported as `pelita check` does.
    std::fs::write(dir.path().join("broken.json"), "{\"id\": 3}").unwrap();
    let out = stats(dir.path(), &["--endpoint", &endpoint, "broken.json"]);
    assert!(!out.status.success());
    assert!(
        text(&out).1.contains("the module has problems"),
        "{:?}",
        text(&out)
    );
}

/// Another run storing the document while this one reads: this run's `If-Match` fails
/// (412) and it starts again from the other's document, whose figures it keeps.
#[test]
fn a_run_that_loses_the_race_starts_again_from_the_new_document() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let dir = setup();
    let server = start(dir.path(), &[]);
    let a = server.addr.clone();
    let endpoint = format!("http://{a}/xapi/");
    let outline = outline();
    let mut maker = Maker {
        n: 0,
        outline: outline.clone(),
    };
    let statements: Vec<Value> = (0..80).flat_map(|i| maker.attempt(i, None)).collect();
    post(&a, &statements);
    let mut child = Command::new(env!("CARGO_BIN_EXE_pelita"))
        .current_dir(dir.path())
        .args([
            "stats",
            "update",
            "--endpoint",
            &endpoint,
            "--page-size",
            "1",
        ])
        .arg("modules/phishing.json")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("pelita runs");
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    // The first progress line comes after a second of reading: the run has read the
    // (missing) document by then and will write with If-None-Match.
    let first = lines.next().expect("a progress line").unwrap();
    assert!(first.contains("read "), "{first}");
    let mut other = Summary::new(&outline.activity_id);
    other.read = 1_000_000;
    let (status, _, body) = http(
        &a,
        "PUT",
        &format!(
            "/xapi/activities/profile?activityId={}&profileId={}",
            enc(&outline.activity_id),
            enc(PROFILE_ID)
        ),
        &[
            VERSION,
            ("Content-Type", "application/json"),
            ("If-None-Match", "*"),
        ],
        &other.to_json(),
    );
    assert_eq!(status, 204, "{body}");
    let rest: Vec<String> = lines.map(|l| l.unwrap()).collect();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{rest:?}");
    assert!(
        rest.iter()
            .any(|l| l.contains("another run stored the summary meanwhile")),
        "{rest:?}"
    );
    let (_, _, body) = document(&a, &outline.activity_id);
    let summary = Summary::from_json(&body, &outline.activity_id).unwrap();
    assert_eq!(summary.read, 1_000_000 + statements.len() as u64);
    assert_eq!(summary.attempts, 80);
}
