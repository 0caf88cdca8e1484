//! Durability: `pelita serve` is killed with SIGKILL in the middle of a stream of POSTs from
//! four clients, one of them sending statements with attachment content (multipart/mixed);
//! after a restart on the same database file, every statement whose POST was answered 200
//! is there, with its attachment, and the database answers normally.

mod serving;

use serving::*;
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The client that sends each statement with an attachment.
const WITH_ATTACHMENTS: usize = 3;
const BOUNDARY: &str = "pelita-crash-boundary";

fn content(id: &str) -> String {
    format!("the attachment of statement {id}")
}

fn sha256(text: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn batch(client: usize, round: usize) -> (Vec<String>, String) {
    let ids: Vec<String> = (0..10)
        .map(|i| format!("{:08x}-0000-4000-8000-{:012x}", client, round * 10 + i))
        .collect();
    let attached = client == WITH_ATTACHMENTS;
    let statements: Vec<String> = ids
        .iter()
        .map(|id| {
            let attachments = if attached {
                format!(
                    r#","attachments":[{{"usageType":"https://example.org/usage/notes","display":{{"en":"notes"}},"contentType":"text/plain","length":{},"sha2":"{}"}}]"#,
                    content(id).len(),
                    sha256(&content(id))
                )
            } else {
                String::new()
            };
            format!(
                r#"{{"id":"{id}","actor":{{"mbox":"mailto:c{client}@example.org"}},"verb":{{"id":"http://adlnet.gov/expapi/verbs/experienced"}},"object":{{"id":"https://example.org/page/{round}"}}{attachments}}}"#
            )
        })
        .collect();
    let json = format!("[{}]", statements.join(","));
    if !attached {
        return (ids, json);
    }
    let mut body = format!("--{BOUNDARY}\r\nContent-Type: application/json\r\n\r\n{json}");
    for id in &ids {
        body.push_str(&format!(
            "\r\n--{BOUNDARY}\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: {}\r\n\r\n{}",
            sha256(&content(id)),
            content(id)
        ));
    }
    body.push_str(&format!("\r\n--{BOUNDARY}--\r\n"));
    (ids, body)
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
            let multipart = format!("multipart/mixed; boundary={BOUNDARY}");
            let json = [
                (
                    "Content-Type",
                    if client == WITH_ATTACHMENTS {
                        multipart.as_str()
                    } else {
                        "application/json"
                    },
                ),
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
    // Every acknowledged statement with an attachment has its content: they were stored
    // in one transaction.
    let attached: Vec<&String> = acknowledged
        .iter()
        .filter(|id| id.starts_with(&format!("{WITH_ATTACHMENTS:08x}")))
        .collect();
    assert!(
        !attached.is_empty(),
        "no statement with an attachment was acknowledged"
    );
    for id in &attached {
        let (status, headers, body) = http(
            &again.addr,
            "GET",
            &format!("/xapi/statements?statementId={id}&attachments=true"),
            &[("X-Experience-API-Version", "1.0.3")],
            "",
        );
        assert_eq!(status, 200, "{body}");
        assert!(
            headers
                .iter()
                .any(|(k, v)| k.eq_ignore_ascii_case("content-type")
                    && v.starts_with("multipart/mixed")),
            "{headers:?}"
        );
        assert!(
            body.contains(&content(id)),
            "statement {id} lost its attachment: {body}"
        );
    }
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
