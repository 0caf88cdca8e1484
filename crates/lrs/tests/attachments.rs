//! Statements with attachment content (multipart/mixed) and signed statements: the rules
//! of xAPI 1.0.3 Communication 1.5.2, Data 2.4.11 and Data 2.6, good paths and bad.

mod common;

use axum::body::Body;
use base64::Engine;
use common::*;
use pelita_lrs::{Config, Location};
use rsa::pkcs8::DecodePrivateKey;
use rsa::signature::{SignatureEncoding, Signer};
use serde_json::{json, Value};
use sha2::Digest;

const BOUNDARY: &str = "abc-314159";
const SIGNATURE: &str = "http://adlnet.gov/expapi/attachments/signature";

fn sha256(bytes: &[u8]) -> String {
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn declare(statement: &mut Value, usage: &str, content_type: &str, content: &[u8]) {
    let list = statement
        .as_object_mut()
        .unwrap()
        .entry("attachments")
        .or_insert_with(|| json!([]));
    list.as_array_mut().unwrap().push(json!({
        "usageType": usage,
        "display": { "en": "an attachment" },
        "contentType": content_type,
        "length": content.len(),
        "sha2": sha256(content)
    }));
}

/// A multipart/mixed body: the JSON, then each part as (content type, content).
fn multipart(json: &Value, parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut body =
        format!("--{BOUNDARY}\r\nContent-Type: application/json\r\n\r\n{json}").into_bytes();
    for (content_type, content) in parts {
        body.extend_from_slice(
            format!(
                "\r\n--{BOUNDARY}\r\nContent-Type: {content_type}\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: {}\r\n\r\n",
                sha256(content)
            )
            .as_bytes(),
        );
        body.extend_from_slice(content);
    }
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

async fn send_multipart(c: &Client, method: &str, url: &str, body: Vec<u8>) -> Answer {
    let ct = format!("multipart/mixed; boundary={BOUNDARY}");
    c.send(method, url, &[("content-type", &ct)], body).await
}

/// The parts of a multipart answer as (headers text, content).
fn answer_parts(answer: &Answer) -> Vec<(String, Vec<u8>)> {
    let ct = answer.header("content-type").expect("content-type");
    assert!(ct.starts_with("multipart/mixed"), "{ct}");
    let boundary = ct
        .split("boundary=")
        .nth(1)
        .expect("boundary")
        .trim_matches('"');
    let delimiter = format!("\r\n--{boundary}");
    let d = delimiter.as_bytes();
    // The body with a CRLF in front, so every delimiter is CRLF--boundary.
    let mut body = b"\r\n".to_vec();
    body.extend_from_slice(&answer.body);
    let cuts: Vec<usize> = (0..body.len().saturating_sub(d.len()) + 1)
        .filter(|&i| body[i..].starts_with(d))
        .collect();
    cuts.windows(2)
        .map(|w| {
            let part = &body[w[0] + d.len() + 2..w[1]];
            let split = (0..part.len())
                .find(|&i| part[i..].starts_with(b"\r\n\r\n"))
                .expect("part headers");
            (
                String::from_utf8_lossy(&part[..split]).into_owned(),
                part[split + 4..].to_vec(),
            )
        })
        .collect()
}

fn pem_body(pem: &str) -> String {
    pem.lines().filter(|l| !l.starts_with("-----")).collect()
}

/// A JWS (compact) of `payload`, signed with the test key, carrying `cert` as x5c.
fn jws(payload: &Value, alg: &str, cert: Option<&str>) -> Vec<u8> {
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let mut header = json!({ "alg": alg });
    if let Some(cert) = cert {
        header["x5c"] = json!([pem_body(cert)]);
    }
    let input = format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(payload.to_string().as_bytes())
    );
    let key =
        rsa::RsaPrivateKey::from_pkcs8_pem(include_str!("fixtures/signer-key.pem")).expect("key");
    let signature = match alg {
        "RS384" => rsa::pkcs1v15::SigningKey::<sha2::Sha384>::new(key)
            .sign(input.as_bytes())
            .to_vec(),
        "RS512" => rsa::pkcs1v15::SigningKey::<sha2::Sha512>::new(key)
            .sign(input.as_bytes())
            .to_vec(),
        _ => rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(key)
            .sign(input.as_bytes())
            .to_vec(),
    };
    format!("{input}.{}", b64(&signature)).into_bytes()
}

/// A statement signed with `alg` (payload = the statement before the signature was added).
fn signed(alg: &str, cert: Option<&str>) -> (Value, Vec<u8>) {
    let mut s = statement("signer", "experienced", "signed");
    let signature = jws(&s, alg, cert);
    declare(&mut s, SIGNATURE, "application/octet-stream", &signature);
    (s, signature)
}

#[tokio::test]
async fn attachments_are_stored_with_their_statement_and_read_back_once_each() {
    let c = Client::memory();
    let notes = b"notes of the lesson".as_slice();
    let photo = [0u8, 159, 146, 150, 255, 13, 10].as_slice();
    let mut first = statement("a", "experienced", "x");
    declare(
        &mut first,
        "https://example.org/usage/notes",
        "text/plain",
        notes,
    );
    declare(
        &mut first,
        "https://example.org/usage/photo",
        "image/jpeg",
        photo,
    );
    let mut second = statement("b", "experienced", "x");
    // The same content in two statements is sent and stored once.
    declare(
        &mut second,
        "https://example.org/usage/notes",
        "text/plain",
        notes,
    );
    let batch = json!([first, second]);
    let answer = send_multipart(
        &c,
        "POST",
        "/xapi/statements",
        multipart(&batch, &[("text/plain", notes), ("image/jpeg", photo)]),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.text());

    let id = first["id"].as_str().unwrap();
    let one = c
        .get(&format!(
            "/xapi/statements?statementId={id}&attachments=true"
        ))
        .await;
    assert_eq!(one.status, 200);
    let parts = answer_parts(&one);
    assert_eq!(parts.len(), 3, "the statement and its two attachments");
    assert!(parts[0].0.contains("application/json"));
    let back: Value = serde_json::from_slice(&parts[0].1).unwrap();
    assert_eq!(back["id"], first["id"]);
    assert_eq!(parts[1].1, notes);
    assert!(parts[1].0.contains(&sha256(notes)) && parts[1].0.contains("binary"));
    assert_eq!(parts[2].1, photo);

    let all = c.get("/xapi/statements?attachments=true").await;
    let parts = answer_parts(&all);
    assert_eq!(parts.len(), 3, "the result, then each attachment once");
    let result: Value = serde_json::from_slice(&parts[0].1).unwrap();
    assert_eq!(result["statements"].as_array().unwrap().len(), 2);

    // Without attachments=true the answer is JSON, with the attachments' metadata.
    let plain = c.get(&format!("/xapi/statements?statementId={id}")).await;
    assert_eq!(
        plain.header("content-type").as_deref(),
        Some("application/json")
    );
    assert_eq!(plain.json()["attachments"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_put_takes_attachments_too() {
    let c = Client::memory();
    let content = b"put content".as_slice();
    let mut s = statement("a", "experienced", "x");
    declare(
        &mut s,
        "https://example.org/usage/notes",
        "text/plain",
        content,
    );
    let id = s["id"].as_str().unwrap().to_string();
    let answer = send_multipart(
        &c,
        "PUT",
        &format!("/xapi/statements?statementId={id}"),
        multipart(&s, &[("text/plain", content)]),
    )
    .await;
    assert_eq!(answer.status, 204, "{}", answer.text());
    let parts = answer_parts(
        &c.get(&format!(
            "/xapi/statements?statementId={id}&attachments=true"
        ))
        .await,
    );
    assert_eq!(parts[1].1, content);
}

#[tokio::test]
async fn attachment_rules_refuse_with_their_reason_and_store_nothing() {
    let c = Client::memory();
    let content = b"some content".as_slice();
    let mut s = statement("a", "experienced", "x");
    declare(
        &mut s,
        "https://example.org/usage/notes",
        "text/plain",
        content,
    );
    let hash = sha256(content);
    let ct = format!("multipart/mixed; boundary={BOUNDARY}");
    let raw = |parts: &str| {
        format!("--{BOUNDARY}\r\nContent-Type: application/json\r\n\r\n{s}{parts}\r\n--{BOUNDARY}--\r\n")
    };
    let cases: Vec<(&str, String, String)> = vec![
        // An attachment without fileUrl needs its content.
        ("application/json", s.to_string(), "no fileUrl".into()),
        (ct.as_str(), raw(""), "no fileUrl".into()),
        // A part that no statement declares.
        (
            ct.as_str(),
            String::from_utf8(multipart(&s, &[("text/plain", content), ("text/plain", b"extra")])).unwrap(),
            "no attachment of the statements".into(),
        ),
        (
            ct.as_str(),
            raw(&format!("\r\n--{BOUNDARY}\r\nContent-Type: text/plain\r\nX-Experience-API-Hash: {hash}\r\n\r\nsome content")),
            "Content-Transfer-Encoding".into(),
        ),
        (
            ct.as_str(),
            raw(&format!("\r\n--{BOUNDARY}\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: binary\r\n\r\nsome content")),
            "no X-Experience-API-Hash".into(),
        ),
        (
            ct.as_str(),
            raw(&format!("\r\n--{BOUNDARY}\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: {hash}\r\n\r\nother content")),
            "does not match".into(),
        ),
        ("multipart/form-data; boundary=x", raw(""), "not supported".into()),
        ("multipart/mixed", raw(""), "boundary".into()),
    ];
    for (content_type, body, reason) in cases {
        let answer = c
            .send(
                "POST",
                "/xapi/statements",
                &[("content-type", content_type)],
                body,
            )
            .await;
        assert_eq!(answer.status, 400, "{reason}: {}", answer.text());
        assert!(
            answer.text().contains(&reason),
            "{reason}: {}",
            answer.text()
        );
    }
    assert!(c.all("").await.is_empty(), "nothing refused was stored");
    // With a fileUrl, JSON alone is enough.
    s["attachments"][0]["fileUrl"] = json!("https://example.org/files/notes.txt");
    assert_eq!(c.post("/xapi/statements", &s).await.status, 200);
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_with_413() {
    let c = Client::new(
        Location::Memory,
        Config {
            max_body_bytes: 1024,
            ..Config::default()
        },
    );
    let big = vec![b'x'; 4096];
    let mut s = statement("a", "experienced", "x");
    declare(
        &mut s,
        "https://example.org/usage/notes",
        "text/plain",
        &big,
    );
    let answer = send_multipart(
        &c,
        "POST",
        "/xapi/statements",
        multipart(&s, &[("text/plain", &big)]),
    )
    .await;
    assert_eq!(answer.status, 413, "{}", answer.text());
    let answer = c
        .send(
            "POST",
            "/xapi/statements",
            &[("content-type", "application/json")],
            Body::from(vec![b' '; 4096]),
        )
        .await;
    assert_eq!(answer.status, 413);
}

#[tokio::test]
async fn signed_statements_are_checked_against_their_signature() {
    let c = Client::memory();
    let cert = include_str!("fixtures/signer-cert.pem");
    for alg in ["RS256", "RS384", "RS512"] {
        for with_cert in [None, Some(cert)] {
            let (s, signature) = signed(alg, with_cert);
            let answer = send_multipart(
                &c,
                "POST",
                "/xapi/statements",
                multipart(&s, &[("application/octet-stream", &signature)]),
            )
            .await;
            assert_eq!(answer.status, 200, "{alg}: {}", answer.text());
            let id = s["id"].as_str().unwrap();
            let parts = answer_parts(
                &c.get(&format!(
                    "/xapi/statements?statementId={id}&attachments=true"
                ))
                .await,
            );
            assert_eq!(parts[1].1, signature, "the signature is kept as sent");
        }
    }
    let refused = |s: Value, signature: Vec<u8>, reason: &'static str| {
        let c = &c;
        async move {
            let answer = send_multipart(
                c,
                "POST",
                "/xapi/statements",
                multipart(&s, &[("application/octet-stream", &signature)]),
            )
            .await;
            assert_eq!(answer.status, 400, "{reason}: {}", answer.text());
            assert!(
                answer.text().contains(reason),
                "{reason}: {}",
                answer.text()
            );
        }
    };
    // Another algorithm than RS256/384/512.
    let mut s = statement("signer", "experienced", "signed");
    let hs = {
        let b64 = |b: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
        format!(
            "{}.{}.{}",
            b64(br#"{"alg":"HS256"}"#),
            b64(s.to_string().as_bytes()),
            b64(b"mac")
        )
        .into_bytes()
    };
    declare(&mut s, SIGNATURE, "application/octet-stream", &hs);
    refused(s, hs, "RS256, RS384 or RS512").await;
    // A payload that is not the statement.
    let mut s = statement("signer", "experienced", "signed");
    let other = jws(&statement("someone", "experienced", "else"), "RS256", None);
    declare(&mut s, SIGNATURE, "application/octet-stream", &other);
    refused(s, other, "not this statement").await;
    // A payload that is not JSON.
    let mut s = statement("signer", "experienced", "signed");
    let b64 = |b: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
    let broken = format!(
        "{}.{}.{}",
        b64(br#"{"alg":"RS256"}"#),
        b64(b"{'id\": 1"),
        b64(b"sig")
    )
    .into_bytes();
    declare(&mut s, SIGNATURE, "application/octet-stream", &broken);
    refused(s, broken, "not the JSON of a statement").await;
    // Signed with another key than its certificate's.
    let (s, signature) = signed("RS256", Some(include_str!("fixtures/other-cert.pem")));
    refused(s, signature, "does not verify").await;
    // A signature attachment of another content type.
    let mut s = statement("signer", "experienced", "signed");
    let signature = jws(&s, "RS256", None);
    declare(&mut s, SIGNATURE, "text/plain", &signature);
    refused(s, signature, "application/octet-stream").await;
    assert_eq!(
        c.all("").await.len(),
        6,
        "only the six good signed statements"
    );
}
