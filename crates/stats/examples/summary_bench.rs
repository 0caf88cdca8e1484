//! The summary's own costs, without an LRS: folding generated statements (the player's
//! shapes) with `Update` a chunk at a time, as `pelita stats update` does, and the size of
//! the summary document of a module with many questions. Every question is tagged with
//! one of two competencies, so the summary holds the competencies' sample of learners too
//! (each answer is folded twice, as the module's and as its competency's, as the command
//! reads it twice).
//!
//! `cargo run --release -p pelita-stats --example summary_bench -- QUESTIONS ATTEMPTS`
//! prints one JSON line: statements folded, seconds, statements per second, the process's
//! peak resident memory (VmHWM) and the summary's size in bytes. `bench/stats.mjs` runs it
//! and writes the figures into BENCHMARKS.md.

use pelita_stats::{Definition, Entry, Outline, Summary, Update};
use serde_json::json;
use std::time::Instant;

const M: &str = "https://pelita.example.org/modules/bench";

fn outline(questions: usize) -> Outline {
    let q = |i: usize| format!("{M}/question/q{i}");
    Outline {
        activity_id: M.into(),
        module_iri: M.into(),
        pages: (0..questions.div_ceil(2))
            .map(|i| Entry {
                id: format!("{M}/lesson/l/page/p{i}"),
                title: format!("Page {i}"),
            })
            .collect(),
        questions: (0..questions)
            .map(|i| Entry {
                id: q(i),
                title: format!("Question {i}"),
            })
            .collect(),
        definitions: (0..questions)
            .map(|i| {
                (
                    q(i),
                    Definition {
                        kind: "choice".into(),
                        choices: ["a", "b", "c", "d"]
                            .iter()
                            .map(|c| (c.to_string(), vec![("en".into(), c.to_string())]))
                            .collect(),
                        correct: vec!["a".into()],
                    },
                )
            })
            .collect(),
        competencies: (0..2)
            .map(|i| Entry {
                id: format!("{M}/competency/c{i}"),
                title: format!("Competency {i}"),
            })
            .collect(),
        mastery: 0.8,
    }
}

fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let questions = args.first().copied().unwrap_or(10);
    let attempts = args.get(1).copied().unwrap_or(10_000);
    let outline = outline(questions);
    let mut summary = Summary::new(M);
    let mut update = Update::new(&summary, &outline);
    let mut page = Vec::with_capacity(2000);
    let mut n: u64 = 0;
    let mut x: u64 = 1;
    let mut rng = move || {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        x >> 33
    };
    let t0: i64 = 1_767_600_000_000;
    let started = Instant::now();
    let mut folded = 0u64;
    // Pages of 2,000 statements; a chunk is finished only between attempts, as nothing
    // here answers the re-reading an attempt across chunks would need.
    let mut flush = |page: &mut Vec<serde_json::Value>,
                     update: &mut Update,
                     summary: &mut Summary,
                     end: bool| {
        if !page.is_empty() {
            let text = json!({ "statements": page, "more": "" }).to_string();
            update.add_page(&text).expect("a page");
            let answers: Vec<&serde_json::Value> = page
                .iter()
                .filter(|s| s["verb"]["id"] == pelita_stats::ANSWERED)
                .collect();
            let text = json!({ "statements": answers, "more": "" }).to_string();
            update.add_competency_page(&text, 0).expect("a page");
            folded += page.len() as u64;
            page.clear();
        }
        if end && update.read() >= 100_000 {
            assert!(
                update.needs().is_empty(),
                "every attempt whole in its chunk"
            );
            let done = std::mem::replace(update, Update::new(summary, &outline));
            done.finish(summary);
            *update = Update::new(summary, &outline);
        }
    };
    for a in 0..attempts {
        let reg = format!("10000000-0000-4000-8000-{a:012}");
        let learner = format!("mailto:l{a}@ex.org");
        let mut at = t0 + (a as i64) * 30_000;
        let mut push = |verb: &str,
                        object: String,
                        result: Option<serde_json::Value>,
                        page: &mut Vec<serde_json::Value>,
                        at: i64| {
            n += 1;
            let ts = format!(
                "2026-01-05T{:02}:{:02}:{:02}.{:03}Z",
                (at / 3_600_000) % 24,
                (at / 60_000) % 60,
                (at / 1000) % 60,
                at % 1000
            );
            let mut s = json!({
                "id": format!("00000000-0000-4000-8000-{n:012}"),
                "actor": { "objectType": "Agent", "mbox": learner },
                "verb": { "id": format!("http://adlnet.gov/expapi/verbs/{verb}") },
                "object": { "objectType": "Activity", "id": object },
                "context": { "registration": reg, "contextActivities": {
                    "grouping": [{ "id": M }],
                    "category": [{ "id": format!("{M}/competency/c{}", n % 2) }] } },
                "timestamp": ts, "stored": ts,
            });
            if let Some(r) = result {
                s["result"] = r;
            }
            page.push(s);
        };
        push("initialized", M.into(), None, &mut page, at);
        let mut right = 0;
        for q in 0..questions {
            at += 5000 + (rng() % 60_000) as i64;
            if q % 2 == 0 {
                push(
                    "experienced",
                    format!("{M}/lesson/l/page/p{}", q / 2),
                    None,
                    &mut page,
                    at,
                );
            }
            let choice = ["a", "b", "c", "d"][(rng() % 4) as usize];
            let ok = choice == "a" || rng() % 2 == 0;
            let response = if ok { "a" } else { choice };
            right += usize::from(response == "a");
            push(
                "answered",
                format!("{M}/question/q{q}"),
                Some(json!({ "response": response, "success": response == "a",
                "score": { "raw": u8::from(response == "a"), "min": 0, "max": 1 } })),
                &mut page,
                at,
            );
            if page.len() >= 2000 {
                flush(&mut page, &mut update, &mut summary, false);
            }
        }
        let scaled = right as f64 / questions as f64;
        push(
            "completed",
            M.into(),
            Some(json!({ "completion": true, "duration": format!("PT{}S", 60 + rng() % 900) })),
            &mut page,
            at + 10,
        );
        push(
            if scaled >= 0.8 { "passed" } else { "failed" },
            M.into(),
            Some(json!({ "score": { "scaled": scaled } })),
            &mut page,
            at + 20,
        );
        push("terminated", M.into(), None, &mut page, at + 30);
        if a % 100 == 99 {
            flush(&mut page, &mut update, &mut summary, true);
        }
    }
    flush(&mut page, &mut update, &mut summary, false);
    update.finish(&mut summary);
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{}",
        json!({
            "questions": questions, "attempts": summary.attempts, "statements": folded,
            "seconds": seconds, "rate": folded as f64 / seconds, "peak_kib": peak_kib(),
            "summary_bytes": summary.to_json().len(), "sampled": summary.sample.attempts.len(),
            "learners_sampled": summary.competencies.learners.len(),
        })
    );
}
