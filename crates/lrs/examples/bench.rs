//! The embedded LRS benchmark: ingest throughput (batches of 50 statements from 4 client
//! connections) while the store grows to N statements (1,000,000 by default), then the
//! latency of filtered GETs (p50/p95) on the full store. Server and clients share one
//! process and the machine's cores, over real HTTP/1.1 on 127.0.0.1, with the database in a
//! file (WAL, `synchronous = FULL`: every acknowledged batch is on disk).
//!
//! Run: `cargo run --profile native-release -p pelita-lrs --example bench -- [--statements N] [--write]`
//! (`--write` puts the results into BENCHMARKS.md between `<!-- lrs:start -->` and
//! `<!-- lrs:end -->`; otherwise they are printed).

use pelita_lrs::{Config, Lrs};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufStream};
use tokio::net::TcpStream;

const BATCH: u64 = 50;
const CLIENTS: u64 = 4;
const LEARNERS: u64 = 2_000;
const MODULES: u64 = 20;
const PER_ATTEMPT: u64 = 25;
const SAMPLES: usize = 200;

/// One keep-alive HTTP/1.1 connection; raw, so the benchmark measures the LRS, not a client.
struct Conn {
    stream: BufStream<TcpStream>,
    addr: SocketAddr,
}

impl Conn {
    async fn open(addr: SocketAddr) -> Conn {
        let stream = TcpStream::connect(addr).await.expect("connect");
        stream.set_nodelay(true).expect("nodelay");
        Conn {
            stream: BufStream::new(stream),
            addr,
        }
    }

    async fn request(&mut self, method: &str, path: &str, body: &[u8]) -> (u16, Vec<u8>) {
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nX-Experience-API-Version: 1.0.3\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            self.addr,
            body.len()
        );
        self.stream.write_all(head.as_bytes()).await.expect("write");
        self.stream.write_all(body).await.expect("write");
        self.stream.flush().await.expect("flush");
        let mut line = String::new();
        self.stream.read_line(&mut line).await.expect("status");
        let status: u16 = line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .expect("status code");
        let mut length = 0usize;
        loop {
            line.clear();
            self.stream.read_line(&mut line).await.expect("header");
            if line == "\r\n" {
                break;
            }
            if let Some((k, v)) = line.split_once(':') {
                if k.eq_ignore_ascii_case("content-length") {
                    length = v.trim().parse().expect("length");
                }
            }
        }
        let mut body = vec![0; length];
        self.stream.read_exact(&mut body).await.expect("body");
        (status, body)
    }
}

fn registration(attempt: u64) -> String {
    format!(
        "{:08x}-0000-4000-9000-{:012x}",
        attempt % 0xffff_ffff,
        attempt
    )
}

fn learner(attempt: u64) -> u64 {
    (attempt * 7) % LEARNERS
}

fn module(attempt: u64) -> u64 {
    (attempt * 13) % MODULES
}

/// Statement `i` of a Pelita-like stream: attempts of 25 statements (initialized, pages
/// and answered questions, completed, passed or failed, terminated) by 2,000 learners over
/// 20 modules of 10 questions, each attempt with its own registration; one in a thousand
/// is a voiding statement instead.
fn statement(i: u64) -> String {
    // One statement in a thousand voids an earlier one, so that the filters' handling of
    // statements that refer to others (StatementRef) has real work to do.
    if i % 1000 == 999 {
        return format!(
            r#"{{"id":"{:08x}-0000-4000-8000-{:012x}","actor":{{"objectType":"Agent","name":"Admin","mbox":"mailto:admin@example.org"}},"verb":{{"id":"http://adlnet.gov/expapi/verbs/voided","display":{{"en":"voided"}}}},"object":{{"objectType":"StatementRef","id":"{:08x}-0000-4000-8000-{:012x}"}},"timestamp":"2026-01-02T03:04:05.000Z"}}"#,
            i >> 48,
            i,
            (i - 500) >> 48,
            i - 500
        );
    }
    let attempt = i / PER_ATTEMPT;
    let k = i % PER_ATTEMPT;
    let (l, m) = (learner(attempt), module(attempt));
    let module_id = format!("https://pelita.example.org/bench/m{m}");
    let verb = match k {
        0 => "initialized",
        22 => "completed",
        23 if attempt % 3 == 0 => "failed",
        23 => "passed",
        24 => "terminated",
        k if k % 2 == 1 => "answered",
        _ => "experienced",
    };
    let (object, result) = match verb {
        "answered" => {
            let q = (k / 2) % 10;
            let right = (i * 31) % 3 != 0;
            (
                format!(
                    r#"{{"objectType":"Activity","id":"{module_id}/question/q{q}","definition":{{"name":{{"en":"Question {q}","id":"Soal {q}"}},"type":"http://adlnet.gov/expapi/activities/cmi.interaction","interactionType":"choice","correctResponsesPattern":["a"],"choices":[{{"id":"a","description":{{"en":"A"}}}},{{"id":"b","description":{{"en":"B"}}}}]}}}}"#
                ),
                format!(
                    r#","result":{{"success":{right},"response":"{}","score":{{"scaled":{},"raw":{},"min":0,"max":1}},"duration":"PT4.5S"}}"#,
                    if right { "a" } else { "b" },
                    u8::from(right),
                    u8::from(right)
                ),
            )
        }
        "experienced" => (
            format!(r#"{{"objectType":"Activity","id":"{module_id}/page/p{k}"}}"#),
            String::new(),
        ),
        _ => (
            format!(r#"{{"objectType":"Activity","id":"{module_id}"}}"#),
            String::new(),
        ),
    };
    format!(
        r#"{{"id":"{:08x}-0000-4000-8000-{:012x}","actor":{{"objectType":"Agent","name":"Learner {l}","mbox":"mailto:learner{l}@example.org"}},"verb":{{"id":"http://adlnet.gov/expapi/verbs/{verb}","display":{{"en":"{verb}"}}}},"object":{object}{result},"context":{{"registration":"{}","platform":"Pelita","language":"id","contextActivities":{{"parent":[{{"id":"{module_id}/lesson/l{}"}}],"grouping":[{{"id":"{module_id}"}}]}}}},"timestamp":"2026-01-02T03:04:05.000Z"}}"#,
        i >> 48,
        i,
        registration(attempt),
        k / 10
    )
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")
                .and_then(|r| r.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_kb: f64 = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0.0);
    let os = std::fs::read_to_string("/etc/os-release").unwrap_or_default();
    let os = os
        .lines()
        .find_map(|l| l.strip_prefix("PRETTY_NAME="))
        .map(|v| v.trim_matches('"').to_string())
        .unwrap_or_else(|| "unknown".into());
    format!(
        "{cpu}, {cores} cores, {:.1} GiB, {os}",
        mem_kb / 1024.0 / 1024.0
    )
}

/// Busy CPU time of the whole machine and of this process, in clock ticks, to tell how
/// much of the machine other processes took during the measurement.
fn cpu_ticks() -> (u64, u64, u64) {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let fields: Vec<u64> = stat
        .lines()
        .next()
        .unwrap_or("")
        .split_whitespace()
        .skip(1)
        .filter_map(|f| f.parse().ok())
        .collect();
    let total: u64 = fields.iter().sum();
    let idle = fields.get(3).copied().unwrap_or(0) + fields.get(4).copied().unwrap_or(0);
    let own = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // utime and stime are fields 14 and 15, counted after the parenthesised name.
    let after_name = own.rsplit_once(')').map_or("", |(_, rest)| rest);
    let f: Vec<u64> = after_name
        .split_whitespace()
        .filter_map(|x| x.parse().ok())
        .collect();
    let mine = f.get(10).copied().unwrap_or(0) + f.get(11).copied().unwrap_or(0);
    (total, total - idle, mine)
}

/// The share of the machine's CPU used by other processes between two readings.
fn others_share(before: (u64, u64, u64), after: (u64, u64, u64)) -> f64 {
    let total = after.0.saturating_sub(before.0).max(1) as f64;
    let busy = after.1.saturating_sub(before.1) as f64;
    let mine = after.2.saturating_sub(before.2) as f64;
    ((busy - mine) / total).max(0.0) * 100.0
}

fn now_utc() -> String {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    pelita_xapi::format_timestamp(ms)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let total: u64 = args
        .iter()
        .position(|a| a == "--statements")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let write = args.iter().any(|a| a == "--write");
    let total = total / (BATCH * CLIENTS) * (BATCH * CLIENTS);
    let dir = tempfile::tempdir().expect("temp dir");
    let db_path = dir.path().join("bench.sqlite");
    let lrs = Lrs::open(db_path.clone(), Config::default()).expect("open");
    let app = axum::Router::new().nest("/xapi", lrs.router());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    let started_at = now_utc();
    let sample = PER_ATTEMPT * 400;
    let mean_bytes = (0..sample).map(|i| statement(i).len() as u64).sum::<u64>() / sample;

    // Ingest: 4 connections, each sending its share of batches of 50, one at a time.
    println!("ingesting {total} statements...");
    let next = Arc::new(AtomicU64::new(0));
    let done = Arc::new(AtomicU64::new(0));
    let cpu_before = cpu_ticks();
    let t0 = Instant::now();
    let mut checkpoints: Vec<(u64, Duration)> = Vec::new();
    let mut tasks = Vec::new();
    for _ in 0..CLIENTS {
        let (next, done) = (Arc::clone(&next), Arc::clone(&done));
        tasks.push(tokio::spawn(async move {
            let mut conn = Conn::open(addr).await;
            loop {
                let start = next.fetch_add(BATCH, Ordering::Relaxed);
                if start >= total {
                    break;
                }
                let body: Vec<String> = (start..start + BATCH).map(statement).collect();
                let body = format!("[{}]", body.join(","));
                let (status, answer) = conn
                    .request("POST", "/xapi/statements", body.as_bytes())
                    .await;
                assert_eq!(status, 200, "{}", String::from_utf8_lossy(&answer));
                done.fetch_add(BATCH, Ordering::Relaxed);
            }
        }));
    }
    let step = (total / 10).max(1);
    let mut mark = step;
    while done.load(Ordering::Relaxed) < total {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let d = done.load(Ordering::Relaxed);
        while d >= mark && mark <= total {
            checkpoints.push((mark, t0.elapsed()));
            println!("  {mark} stored after {:.1} s", t0.elapsed().as_secs_f64());
            mark += step;
        }
    }
    for t in tasks {
        t.await.expect("client");
    }
    let ingest = t0.elapsed();
    let others = others_share(cpu_before, cpu_ticks());
    let rate = total as f64 / ingest.as_secs_f64();
    let last = checkpoints.len().checked_sub(2).map(|i| {
        let (n0, t0) = checkpoints[i];
        let (n1, t1) = checkpoints[i + 1];
        (n1 - n0) as f64 / (t1 - t0).as_secs_f64()
    });
    let size: u64 = ["", "-wal"]
        .iter()
        .filter_map(|s| std::fs::metadata(format!("{}{s}", db_path.display())).ok())
        .map(|m| m.len())
        .sum();
    println!(
        "ingest: {rate:.0} statements/s; database {:.0} MB",
        size as f64 / 1e6
    );

    // Latency: each filtered query SAMPLES times from one connection, parameters varied.
    let mut conn = Conn::open(addr).await;
    let enc = |s: &str| -> String { form_urlencoded::byte_serialize(s.as_bytes()).collect() };
    let attempts = total / PER_ATTEMPT;
    let (_, page) = conn
        .request(
            "GET",
            &format!(
                "/xapi/statements?limit=1&ascending=true&since={}",
                enc("2000-01-01T00:00:00Z")
            ),
            b"",
        )
        .await;
    let first: serde_json::Value = serde_json::from_slice(&page).expect("json");
    let first_stored = first["statements"][0]["stored"]
        .as_str()
        .unwrap_or("2000-01-01T00:00:00Z")
        .to_string();
    type Query = Box<dyn Fn(u64) -> String>;
    let queries: Vec<(&str, Query)> = vec![
        (
            "agent (one learner's statements)",
            Box::new(move |r| {
                format!(
                    "agent={}",
                    enc(&format!(
                        r#"{{"mbox":"mailto:learner{}@example.org"}}"#,
                        r % LEARNERS
                    ))
                )
            }),
        ),
        (
            "verb=answered",
            Box::new(move |_| format!("verb={}", enc("http://adlnet.gov/expapi/verbs/answered"))),
        ),
        (
            "activity (one question)",
            Box::new(move |r| {
                format!(
                    "activity={}",
                    enc(&format!(
                        "https://pelita.example.org/bench/m{}/question/q{}",
                        r % MODULES,
                        r % 10
                    ))
                )
            }),
        ),
        (
            "activity (a module) + related_activities",
            Box::new(move |r| {
                format!(
                    "activity={}&related_activities=true",
                    enc(&format!(
                        "https://pelita.example.org/bench/m{}",
                        r % MODULES
                    ))
                )
            }),
        ),
        (
            "registration (one attempt)",
            Box::new(move |r| format!("registration={}", registration((r * 7919) % attempts))),
        ),
        (
            "agent + verb=passed",
            Box::new(move |r| {
                format!(
                    "agent={}&verb={}",
                    enc(&format!(
                        r#"{{"mbox":"mailto:learner{}@example.org"}}"#,
                        r % LEARNERS
                    )),
                    enc("http://adlnet.gov/expapi/verbs/passed")
                )
            }),
        ),
        (
            "verb=passed + since + ascending",
            Box::new({
                let since = first_stored.clone();
                move |_| {
                    format!(
                        "verb={}&since={}&ascending=true",
                        enc("http://adlnet.gov/expapi/verbs/passed"),
                        enc(&since)
                    )
                }
            }),
        ),
        (
            "activity (a module) + related + following `more` (page 2)",
            Box::new(move |r| {
                format!(
                    "activity={}&related_activities=true&more",
                    enc(&format!(
                        "https://pelita.example.org/bench/m{}",
                        r % MODULES
                    ))
                )
            }),
        ),
    ];
    let mut rows = Vec::new();
    let cpu_before = cpu_ticks();
    for (name, make) in &queries {
        let mut times = Vec::with_capacity(SAMPLES);
        let mut returned = 0usize;
        for s in 0..SAMPLES as u64 {
            let query = make(s * 7 + 3);
            let (path, follow) = match query.strip_suffix("&more") {
                Some(q) => (format!("/xapi/statements?limit=50&{q}"), true),
                None => (format!("/xapi/statements?limit=50&{query}"), false),
            };
            let path = if follow {
                let (status, body) = conn.request("GET", &path, b"").await;
                assert_eq!(status, 200);
                let v: serde_json::Value = serde_json::from_slice(&body).expect("json");
                v["more"].as_str().expect("more").to_string()
            } else {
                path
            };
            let t = Instant::now();
            let (status, body) = conn.request("GET", &path, b"").await;
            times.push(t.elapsed());
            assert_eq!(status, 200, "{path}: {}", String::from_utf8_lossy(&body));
            let v: serde_json::Value = serde_json::from_slice(&body).expect("json");
            returned += v["statements"].as_array().map_or(0, Vec::len);
        }
        times.sort();
        let (p50, p95) = (percentile(&times, 0.5), percentile(&times, 0.95));
        println!(
            "{name}: p50 {} p95 {} ({} statements per answer on average)",
            ms(p50),
            ms(p95),
            returned / SAMPLES
        );
        rows.push(format!(
            "| {name} | {} | {} | {} | {:.0} |",
            ms(p50),
            ms(p95),
            ms(*times.last().unwrap_or(&Duration::ZERO)),
            returned as f64 / SAMPLES as f64
        ));
    }

    let others_get = others_share(cpu_before, cpu_ticks());
    let mut text = Vec::new();
    text.push("<!-- lrs:start -->".to_string());
    text.push("<!-- This section is written by `cargo run --profile native-release -p pelita-lrs --example bench -- --write` (crates/lrs/examples/bench.rs), which rewrites only what lies between the lrs markers. -->".to_string());
    text.push(String::new());
    text.push(format!(
        "## Embedded LRS (`pelita-lrs`, {total} statements)"
    ));
    text.push(String::new());
    text.push(format!(
        "Measured {started_at}: {}. Rust profile `native-release` (opt-level 3, thin LTO).",
        machine()
    ));
    text.push(String::new());
    text.push("### What is measured".into());
    text.push(String::new());
    text.push(format!("- **Ingest**: {total} statements POSTed to `/xapi/statements` in batches of {BATCH} from {CLIENTS} keep-alive connections, each sending its next batch when the previous one was answered 200, into an empty SQLite file (WAL, `synchronous = FULL`, so each acknowledged batch is on disk). Statements look like Pelita's (on average {mean_bytes} bytes of JSON; attempts of {PER_ATTEMPT} by {LEARNERS} learners over {MODULES} modules of 10 questions, a registration per attempt; one in 1,000 is a voiding statement of an earlier one). The server (axum, one writer thread with group commit) and the clients run in one process over HTTP/1.1 on 127.0.0.1, sharing the machine's cores."));
    text.push(format!("- **GET latency**: then, on the full store, each filtered query {SAMPLES} times from one connection with varied parameters, `limit=50`, time from sending the request to the last byte of the answer. The `more` row times the second page (the request to the `more` link). A query whose direct matches do not fill the page (the registration and agent + passed rows) also walks every statement that refers to another by StatementRef (1,000 here), because any of them may match through the statement it refers to; a full page limits that walk to its own stretch of statements."));
    text.push(String::new());
    text.push("### Results".into());
    text.push(String::new());
    text.push(format!(
        "- Ingest: **{rate:.0} statements/s** over all {total} ({:.1} s)",
        ingest.as_secs_f64()
    ));
    if let Some(l) = last {
        text.push(format!(
            "- Ingest of the last tenth (store from {} to {total} statements): {l:.0} statements/s",
            total - step
        ));
    }
    text.push(format!(
        "- Database file with WAL: {:.0} MB",
        size as f64 / 1e6
    ));
    text.push(format!(
        "- Other processes on the machine took {others:.0}% of its CPU during the ingest and {others_get:.0}% during the GETs (the machine is shared; from `/proc/stat`)"
    ));
    text.push(String::new());
    text.push("| Query (`limit=50`) | p50 | p95 | max | statements returned, mean |".into());
    text.push("|---|---:|---:|---:|---:|".into());
    text.extend(rows);
    text.push(String::new());
    text.push("<!-- lrs:end -->".into());
    let section = text.join("\n") + "\n";
    if write {
        let file = concat!(env!("CARGO_MANIFEST_DIR"), "/../../BENCHMARKS.md");
        let old = std::fs::read_to_string(file).unwrap_or_default();
        let new = match (old.find("<!-- lrs:start -->"), old.find("<!-- lrs:end -->")) {
            (Some(a), Some(b)) => format!(
                "{}{}{}",
                &old[..a],
                section,
                old[b + "<!-- lrs:end -->\n".len().min(old.len() - b)..].trim_start_matches('\n')
            ),
            _ => format!(
                "{}\n{}",
                old.trim_end_matches('\n').to_string() + "\n",
                section
            ),
        };
        std::fs::write(file, new).expect("write BENCHMARKS.md");
        println!("wrote the lrs section of BENCHMARKS.md");
    } else {
        println!("{section}");
    }
}
