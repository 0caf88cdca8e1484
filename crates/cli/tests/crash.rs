//! Durability: `pelita serve` is killed with SIGKILL in the middle of a stream of POSTs from
//! four clients; after a restart on the same database file, every statement whose POST was
//! answered 200 is there, and the database answers normally.

mod serving;

use serving::*;
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn batch(client: usize, round: usize) -> (Vec<String>, String) {
    let ids: Vec<String> = (0..10)
        .map(|i| format!("{:08x}-0000-4000-8000-{:012x}", client, round * 10 + i))
        .collect();
    let statements: Vec<String> = ids
        .iter()
        .map(|id| {
            format!(
                r#"{{"id":"{id}","actor":{{"mbox":"mailto:c{client}@example.org"}},"verb":{{"id":"http://adlnet.gov/expapi/verbs/experienced"}},"object":{{"id":"https://example.org/page/{round}"}}}}"#
            )
        })
        .collect();
    (ids, format!("[{}]", statements.join(",")))
}

#[test]
fn every_acknowledged_statement_survives_kill_9() {
    let dir = setup();
    let mut server = start(dir.path(), &[]);
    let addr = server.addr.clone();
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let mut clients = Vec::new();
    for client in 0..4 {
        let (addr, acknowledged, stop) =
            (addr.clone(), Arc::clone(&acknowledged), Arc::clone(&stop));
        clients.push(std::thread::spawn(move || {
            let json = [
                ("Content-Type", "application/json"),
                ("X-Experience-API-Version", "1.0.3"),
            ];
            for round in 0.. {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let (ids, body) = batch(client, round);
                // A request cut off by the kill panics inside `http` or answers 0: either
                // way it was not acknowledged, and this client stops.
                let answer = std::panic::catch_unwind(|| {
                    http(&addr, "POST", "/xapi/statements", &json, &body)
                });
                match answer {
                    Ok((200, _, _)) => acknowledged.lock().expect("lock").extend(ids),
                    _ => break,
                }
            }
        }));
    }
    // Let the stream run, then kill without warning while requests are in flight.
    std::thread::sleep(Duration::from_millis(1500));
    server.child.kill().expect("SIGKILL");
    server.child.wait().expect("wait");
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        let _ = c.join();
    }
    let acknowledged = acknowledged.lock().expect("lock").clone();
    assert!(
        acknowledged.len() >= 100,
        "only {} statements were acknowledged before the kill",
        acknowledged.len()
    );

    let again = start(dir.path(), &[]);
    let mut stored = HashSet::new();
    let mut url = "/xapi/statements?limit=500&format=ids".to_string();
    loop {
        let (status, _, body) = http(
            &again.addr,
            "GET",
            &url,
            &[("X-Experience-API-Version", "1.0.3")],
            "",
        );
        assert_eq!(status, 200, "{body}");
        let page: serde_json::Value = serde_json::from_str(&body).expect("JSON");
        for s in page["statements"].as_array().expect("statements") {
            stored.insert(s["id"].as_str().expect("id").to_string());
        }
        match page["more"].as_str() {
            Some(more) if !more.is_empty() => url = more.to_string(),
            _ => break,
        }
    }
    let lost: Vec<&String> = acknowledged
        .iter()
        .filter(|id| !stored.contains(*id))
        .collect();
    assert!(
        lost.is_empty(),
        "{} acknowledged statements lost, such as {:?}",
        lost.len(),
        lost.first()
    );
    // Batches are whole: an unacknowledged batch is stored completely or not at all.
    assert_eq!(
        stored.len() % 10,
        0,
        "{} statements stored: a batch was stored in part",
        stored.len()
    );
    println!(
        "{} acknowledged, {} stored after the kill",
        acknowledged.len(),
        stored.len()
    );
}
