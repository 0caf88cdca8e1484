//! The edges: Basic auth from a credentials file, CORS for configured origins only, the
//! body limit, malformed requests (none may panic the server), durability across a reopen
//! of the same file, and concurrent clients over a real listener on 127.0.0.1.

mod common;

use axum::body::Body;
use base64::Engine;
use common::*;
use pelita_lrs::{auth, Config, Credentials, Location, Lrs};
use serde_json::{json, Value};

fn basic(key: &str, secret: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{key}:{secret}"))
    )
}

#[tokio::test]
async fn credentials_are_required_when_configured() {
    let line = auth::credential_line("office", "pilot secret").unwrap();
    let config = Config {
        credentials: Some(Credentials::parse(&line).unwrap()),
        ..Config::default()
    };
    let mut c = Client::new(Location::Memory, config);
    let s = statement("a", "experienced", "x");
    let none = c.post("/xapi/statements", &s).await;
    assert_eq!(none.status, 401);
    assert!(none
        .header("www-authenticate")
        .is_some_and(|h| h.starts_with("Basic")));
    c.headers
        .push(("authorization".into(), basic("office", "wrong")));
    assert_eq!(c.post("/xapi/statements", &s).await.status, 401);
    assert_eq!(c.get("/xapi/statements").await.status, 401);
    assert_eq!(
        c.get(&format!(
            "/xapi/activities/state?activityId=https%3A%2F%2Fx.org&agent={}&stateId=s",
            query_value(&json!({"mbox":"mailto:a@b.c"}))
        ))
        .await
        .status,
        401
    );
    c.headers.pop();
    c.headers
        .push(("authorization".into(), basic("office", "pilot secret")));
    assert_eq!(c.post("/xapi/statements", &s).await.status, 200);
    let back = c
        .get(&format!(
            "/xapi/statements?statementId={}",
            s["id"].as_str().unwrap()
        ))
        .await
        .json();
    assert_eq!(back["authority"], auth::authority("office"));
}

#[tokio::test]
async fn cors_wildcard_answers_every_origin_without_credentials_mode() {
    let config = Config {
        cors_origins: vec!["*".into()],
        ..Config::default()
    };
    let c = Client::new(Location::Memory, config);
    let ok = c
        .send(
            "OPTIONS",
            "/xapi/statements",
            &[
                ("origin", "http://127.0.0.1:41234"),
                ("access-control-request-method", "PUT"),
                (
                    "access-control-request-headers",
                    "authorization,content-type,if-match,x-experience-api-version",
                ),
            ],
            Body::empty(),
        )
        .await;
    assert!(ok.status.is_success(), "{}", ok.status);
    assert_eq!(
        ok.header("access-control-allow-origin").as_deref(),
        Some("*")
    );
    assert_eq!(ok.header("access-control-allow-credentials"), None);
    assert!(ok
        .header("access-control-allow-headers")
        .is_some_and(|h| h.contains("authorization") && h.contains("if-match")));
}

#[tokio::test]
async fn cors_answers_configured_origins_only() {
    let config = Config {
        cors_origins: vec!["http://127.0.0.1:8765".into()],
        ..Config::default()
    };
    let c = Client::new(Location::Memory, config);
    async fn preflight(c: &Client, origin: &str) -> Answer {
        c.send(
            "OPTIONS",
            "/xapi/statements",
            &[
                ("origin", origin),
                ("access-control-request-method", "POST"),
                (
                    "access-control-request-headers",
                    "authorization,content-type,x-experience-api-version",
                ),
            ],
            Body::empty(),
        )
        .await
    }
    let ok = preflight(&c, "http://127.0.0.1:8765").await;
    assert!(ok.status.is_success(), "{}", ok.status);
    assert_eq!(
        ok.header("access-control-allow-origin").as_deref(),
        Some("http://127.0.0.1:8765")
    );
    assert!(ok
        .header("access-control-allow-headers")
        .is_some_and(|h| h.contains("x-experience-api-version")));
    let other = preflight(&c, "http://evil.example").await;
    assert_eq!(other.header("access-control-allow-origin"), None);
    let get = c
        .send(
            "GET",
            "/xapi/statements",
            &[("origin", "http://127.0.0.1:8765")],
            Body::empty(),
        )
        .await;
    assert_eq!(
        get.header("access-control-allow-origin").as_deref(),
        Some("http://127.0.0.1:8765")
    );
    assert!(get
        .header("access-control-expose-headers")
        .is_some_and(|h| h.to_ascii_lowercase().contains("etag")));

    // Without configured origins there are no CORS headers at all.
    let plain = Client::memory();
    let get = plain
        .send(
            "GET",
            "/xapi/statements",
            &[("origin", "http://127.0.0.1:8765")],
            Body::empty(),
        )
        .await;
    assert_eq!(get.header("access-control-allow-origin"), None);
}

#[tokio::test]
async fn malformed_requests_get_400_or_413_and_never_panic() {
    let config = Config {
        max_body_bytes: 64 * 1024,
        ..Config::default()
    };
    let c = Client::new(Location::Memory, config);
    let json_ct = [("content-type", "application/json")];
    for body in [
        "",
        "{",
        "[1,",
        "nul",
        "\u{0}",
        "{\"actor\":",
        "[[[[[[[[[[]]]]]]]]]]",
        "\"text\"",
        "12",
        "null",
        "[]x",
    ] {
        let answer = c.send("POST", "/xapi/statements", &json_ct, body).await;
        assert_eq!(answer.status, 400, "{body:?}: {}", answer.text());
    }
    let s = statement("a", "experienced", "x").to_string();
    for ct in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/mixed; boundary=x",
        "",
    ] {
        let answer = c
            .send(
                "POST",
                "/xapi/statements",
                &[("content-type", ct)],
                s.clone(),
            )
            .await;
        assert_eq!(answer.status, 400, "{ct}");
        assert!(
            answer.json()["message"]
                .as_str()
                .unwrap()
                .to_lowercase()
                .contains("content-type")
                || ct.starts_with("multipart")
        );
    }
    // Invalid UTF-8 in a JSON body.
    let answer = c
        .send(
            "POST",
            "/xapi/statements",
            &json_ct,
            vec![b'"', 0xff, 0xfe, b'"'],
        )
        .await;
    assert_eq!(answer.status, 400);
    // A body over the limit: 413, and the LRS still works afterwards.
    let big: Vec<Value> = (0..400)
        .map(|i| statement("a", "experienced", &format!("{i}-{}", "x".repeat(100))))
        .collect();
    let answer = c
        .send(
            "POST",
            "/xapi/statements",
            &json_ct,
            Value::Array(big).to_string(),
        )
        .await;
    assert_eq!(answer.status, 413);
    let doc = c
        .send(
            "PUT",
            "/xapi/activities/profile?activityId=https%3A%2F%2Fx.org&profileId=p",
            &[("content-type", "application/octet-stream")],
            vec![0u8; 65 * 1024],
        )
        .await;
    assert_eq!(doc.status, 413);
    assert_eq!(
        c.send("POST", "/xapi/statements", &json_ct, s).await.status,
        200
    );
    // Deeply nested JSON is refused by the parser's recursion limit, not a stack overflow.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let config = Config {
        max_body_bytes: 1024 * 1024,
        ..Config::default()
    };
    let c2 = Client::new(Location::Memory, config);
    assert_eq!(
        c2.send("POST", "/xapi/statements", &json_ct, deep)
            .await
            .status,
        400
    );
    // Unknown paths and methods.
    assert_eq!(c.get("/xapi/nothing").await.status, 404);
    assert_eq!(
        c.send("DELETE", "/xapi/statements", &[], Body::empty())
            .await
            .status,
        405
    );
}

#[tokio::test]
async fn statements_and_documents_survive_a_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lrs.sqlite");
    let s = statement("a", "experienced", "x");
    {
        let c = Client::new(Location::File(path.clone()), Config::default());
        assert_eq!(c.post("/xapi/statements", &s).await.status, 200);
        let url = format!(
            "/xapi/activities/state?activityId=https%3A%2F%2Fx.org&agent={}&stateId=s",
            query_value(&json!({"mbox":"mailto:a@b.c"}))
        );
        assert_eq!(c.put(&url, &json!({"k": 1})).await.status, 204);
    }
    let mode: String = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let c = Client::new(Location::File(path.clone()), Config::default());
    let back = c
        .get(&format!(
            "/xapi/statements?statementId={}",
            s["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(back.status, 200);
    let url = format!(
        "/xapi/activities/state?activityId=https%3A%2F%2Fx.org&agent={}&stateId=s",
        query_value(&json!({"mbox":"mailto:a@b.c"}))
    );
    assert_eq!(c.get(&url).await.json(), json!({"k": 1}));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_clients_over_a_real_listener_each_get_their_own_answer() {
    let dir = tempfile::tempdir().unwrap();
    let lrs = Lrs::open(dir.path().join("lrs.sqlite"), Config::default()).unwrap();
    let app = axum::Router::new().nest("/xapi", lrs.router());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });

    // Raw HTTP/1.1 over TCP keeps the test free of an HTTP client dependency.
    async fn request(
        addr: std::net::SocketAddr,
        method: &str,
        path: &str,
        body: &str,
    ) -> (u16, String) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nX-Experience-API-Version: 1.0.3\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        stream.write_all(body.as_bytes()).await.unwrap();
        let mut out = String::new();
        stream.read_to_string(&mut out).await.unwrap();
        let status = out
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let body = out
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_string())
            .unwrap_or_default();
        (status, body)
    }

    // Twenty clients at once, each a batch with one conflicting or invalid batch among
    // them: the writer groups them into shared commits, yet each is refused or stored alone.
    let mut tasks = Vec::new();
    for i in 0..20 {
        tasks.push(tokio::spawn(async move {
            let mut batch: Vec<Value> = (0..10)
                .map(|j| statement(&format!("u{i}"), "experienced", &format!("{j}")))
                .collect();
            if i == 7 {
                batch[3]["verb"]["id"] = json!("not an iri");
            }
            let (status, body) = request(
                addr,
                "POST",
                "/xapi/statements",
                &Value::Array(batch).to_string(),
            )
            .await;
            (i, status, body)
        }));
    }
    for t in tasks {
        let (i, status, body) = t.await.unwrap();
        if i == 7 {
            assert_eq!(status, 400, "{body}");
        } else {
            assert_eq!(status, 200, "{body}");
            assert_eq!(
                serde_json::from_str::<Value>(&body)
                    .unwrap()
                    .as_array()
                    .unwrap()
                    .len(),
                10
            );
        }
    }
    let (status, body) = request(addr, "GET", "/xapi/statements?limit=500", "").await;
    assert_eq!(status, 200);
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["statements"].as_array().unwrap().len(), 190);
}

#[tokio::test]
async fn the_alternate_request_syntax_stands_for_the_request_it_carries() {
    let line = auth::credential_line("office", "pilot").unwrap();
    let config = Config {
        credentials: Some(Credentials::parse(&line).unwrap()),
        ..Config::default()
    };
    let mut c = Client::new(Location::Memory, config);
    // A browser form sends no custom headers: everything is in the form.
    c.headers.clear();
    let s = statement("a", "experienced", "x");
    let id = s["id"].as_str().unwrap().to_string();
    let form = |pairs: &[(&str, &str)]| {
        let mut f = form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs {
            f.append_pair(k, v);
        }
        f.finish()
    };
    let auth = basic("office", "pilot");
    let form_ct = [("content-type", "application/x-www-form-urlencoded")];
    let body = s.to_string();
    let put = form(&[
        ("statementId", &id),
        ("Authorization", &auth),
        ("X-Experience-API-Version", "1.0.3"),
        ("Content-Type", "application/json"),
        ("content", &body),
    ]);
    let answer = c
        .send("POST", "/xapi/statements?method=PUT", &form_ct, put.clone())
        .await;
    assert_eq!(answer.status, 204, "{}", answer.text());
    let get = form(&[
        ("statementId", &id),
        ("Authorization", &auth),
        ("X-Experience-API-Version", "1.0.3"),
    ]);
    let answer = c
        .send("POST", "/xapi/statements?method=GET", &form_ct, get)
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert_eq!(answer.json()["id"], s["id"]);
    // The form's credentials are checked like a header's.
    let wrong = form(&[
        ("statementId", &id),
        ("Authorization", &basic("office", "x")),
        ("X-Experience-API-Version", "1.0.3"),
    ]);
    assert_eq!(
        c.send("POST", "/xapi/statements?method=GET", &form_ct, wrong)
            .await
            .status,
        401
    );
    // Only `method` may be in the query, the form must be a form, the method an xAPI one.
    assert_eq!(
        c.send(
            "POST",
            &format!("/xapi/statements?method=PUT&statementId={id}"),
            &form_ct,
            put.clone()
        )
        .await
        .status,
        400
    );
    assert_eq!(
        c.send(
            "POST",
            "/xapi/statements?method=PUT",
            &[("content-type", "application/json")],
            put.clone()
        )
        .await
        .status,
        400
    );
    assert_eq!(
        c.send("POST", "/xapi/statements?method=PATCH", &form_ct, put)
            .await
            .status,
        400
    );
}
