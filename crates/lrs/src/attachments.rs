//! Statements with attachment content (xAPI 1.0.3 Communication 1.5.2, Data 2.4.11) and
//! signed statements (Data 2.6).
//!
//! A client sends attachment content as `multipart/mixed`: the first part is the statement
//! (or batch) as JSON, every other part is the content of one attachment, named by its
//! SHA-2 in an `X-Experience-API-Hash` header and sent with `Content-Transfer-Encoding:
//! binary`. [`read`] splits such a body (the body is already in memory, bounded by the
//! request size limit, so a slice parser is enough; part headers are read by `httparse`),
//! and [`check`] holds it to the rules: each part's content matches its hash, each part is
//! an attachment some statement declares, each attachment without a `fileUrl` has its
//! part, and a signature attachment is a JWS (RS256, RS384 or RS512) whose payload is the
//! statement it signs. Content is stored by its hash in the same transaction as the
//! statements ([`store`]), so an acknowledged statement never lacks its attachments, and
//! GET `?attachments=true` answers `multipart/mixed` with each attachment once
//! ([`response`]).

use crate::error::LrsError;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;
use sha2::Digest;
use std::collections::HashSet;

/// The usage type of a statement's signature attachment.
pub const SIGNATURE: &str = "http://adlnet.gov/expapi/attachments/signature";

/// The content of one attachment, named by the SHA-2 (lower-case hex) of its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// The hex SHA-2 of the content, as the statement's `sha2` gives it (lower case).
    pub sha2: String,
    /// The part's `Content-Type`.
    pub content_type: String,
    /// The bytes.
    pub content: Vec<u8>,
}

/// One part of a multipart body: its headers (names lower-cased) and its bytes.
struct Part<'a> {
    headers: Vec<(String, String)>,
    body: &'a [u8],
}

impl Part<'_> {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

fn bad(message: impl Into<String>) -> LrsError {
    LrsError::BadRequest(message.into())
}

/// The media type of a `Content-Type` value, lower case, without parameters.
pub fn media_type(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// The `boundary` parameter of a `multipart/mixed` content type.
fn boundary(content_type: &str) -> Result<String, LrsError> {
    content_type
        .split(';')
        .skip(1)
        .find_map(|p| {
            let (k, v) = p.split_once('=')?;
            k.trim()
                .eq_ignore_ascii_case("boundary")
                .then(|| v.trim().trim_matches('"').to_string())
        })
        .filter(|b| !b.is_empty() && b.len() <= 70)
        .ok_or_else(|| bad("multipart/mixed needs a boundary parameter (RFC 2046)"))
}

/// Splits a multipart body into its parts (RFC 2046 section 5.1.1): the preamble before
/// the first delimiter and the epilogue after the closing one are ignored.
fn parts<'a>(body: &'a [u8], boundary: &str) -> Result<Vec<Part<'a>>, LrsError> {
    let delimiter = format!("\r\n--{boundary}");
    let finder = memchr::memmem::Finder::new(delimiter.as_bytes());
    // The first delimiter may open the body without the CRLF before it.
    let mut at = if body.starts_with(&delimiter.as_bytes()[2..]) {
        delimiter.len() - 2
    } else {
        finder
            .find(body)
            .map(|i| i + delimiter.len())
            .ok_or_else(|| bad("the multipart body has no boundary delimiter"))?
    };
    let mut out = Vec::new();
    loop {
        let rest = &body[at..];
        if rest.starts_with(b"--") {
            if out.is_empty() {
                return Err(bad("the multipart body has no part"));
            }
            return Ok(out);
        }
        // Transport padding, then the CRLF that ends the delimiter line.
        let line_end = memchr::memmem::find(rest, b"\r\n")
            .filter(|&i| rest[..i].iter().all(|b| *b == b' ' || *b == b'\t'))
            .ok_or_else(|| bad("a multipart boundary delimiter is not followed by a line end"))?;
        let start = at + line_end + 2;
        let end = finder
            .find(&body[start..])
            .map(|i| start + i)
            .ok_or_else(|| bad("the multipart body is not closed by its boundary"))?;
        out.push(part(&body[start..end])?);
        at = end + delimiter.len();
    }
}

fn part(raw: &[u8]) -> Result<Part<'_>, LrsError> {
    if let Some(body) = raw.strip_prefix(b"\r\n") {
        return Ok(Part {
            headers: Vec::new(),
            body,
        });
    }
    let mut storage = [httparse::EMPTY_HEADER; 16];
    match httparse::parse_headers(raw, &mut storage) {
        Ok(httparse::Status::Complete((n, headers))) => Ok(Part {
            headers: headers
                .iter()
                .map(|h| {
                    (
                        h.name.to_ascii_lowercase(),
                        String::from_utf8_lossy(h.value).trim().to_string(),
                    )
                })
                .collect(),
            body: &raw[n..],
        }),
        Ok(httparse::Status::Partial) => Err(bad(
            "a multipart part's headers are not ended by an empty line",
        )),
        Err(e) => Err(bad(format!("a multipart part has malformed headers: {e}"))),
    }
}

/// Reads a `multipart/mixed` request: the statement JSON of the first part and the
/// attachment parts, each checked against its `X-Experience-API-Hash` and transfer
/// encoding. Whether the parts are the ones the statements declare is [`check`]'s work.
pub fn read(content_type: &str, body: &[u8]) -> Result<(Value, Vec<Attachment>), LrsError> {
    let boundary = boundary(content_type)?;
    let mut parts = parts(body, &boundary)?.into_iter();
    let first = parts
        .next()
        .ok_or_else(|| bad("the multipart body has no part"))?;
    if first.header("content-type").map(media_type).as_deref() != Some("application/json") {
        return Err(bad(
            "the first part of a multipart/mixed statement request must be the statements, with Content-Type: application/json",
        ));
    }
    let statements: Value = serde_json::from_slice(first.body)
        .map_err(|e| bad(format!("the first part is not JSON: {e}")))?;
    let mut attachments = Vec::new();
    for (i, p) in parts.enumerate() {
        let n = i + 2;
        let hash = p
            .header("x-experience-api-hash")
            .ok_or_else(|| bad(format!("part {n} has no X-Experience-API-Hash header")))?
            .to_ascii_lowercase();
        match p.header("content-transfer-encoding") {
            Some(e) if e.eq_ignore_ascii_case("binary") => {}
            other => {
                return Err(bad(format!(
                    "part {n} must have Content-Transfer-Encoding: binary, not {}",
                    other.unwrap_or("none")
                )))
            }
        }
        if !matches_hash(p.body, &hash) {
            return Err(bad(format!(
                "part {n}'s content does not match its X-Experience-API-Hash {hash}"
            )));
        }
        attachments.push(Attachment {
            sha2: hash,
            content_type: p
                .header("content-type")
                .unwrap_or("application/octet-stream")
                .to_string(),
            content: p.body.to_vec(),
        });
    }
    Ok((statements, attachments))
}

/// Whether `hash` (lower-case hex) is a SHA-2 of `content`: SHA-224, 256, 384 or 512 by
/// its length, as the spec allows any SHA-2.
fn matches_hash(content: &[u8], hash: &str) -> bool {
    let digest = match hash.len() {
        56 => sha2::Sha224::digest(content).to_vec(),
        64 => sha2::Sha256::digest(content).to_vec(),
        96 => sha2::Sha384::digest(content).to_vec(),
        128 => sha2::Sha512::digest(content).to_vec(),
        _ => return false,
    };
    hex(&digest) == hash
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The attachment objects of a statement and of its SubStatement object.
fn declared(statement: &Value) -> Vec<&Value> {
    let mut out: Vec<&Value> = Vec::new();
    for s in [Some(statement), statement.get("object")]
        .into_iter()
        .flatten()
    {
        if let Some(Value::Array(items)) = s.get("attachments") {
            out.extend(items.iter());
        }
    }
    out
}

fn sha2_of(attachment: &Value) -> Option<String> {
    attachment
        .get("sha2")
        .and_then(Value::as_str)
        .map(str::to_ascii_lowercase)
}

/// Holds validated statements and the attachment parts sent with them to the rules: every
/// part is an attachment some statement declares (no excess parts), every attachment
/// without a `fileUrl` has its part, and every signature is valid for its statement.
/// With `application/json` (no parts) an attachment without `fileUrl` is refused.
/// Returns the parts to store, each once.
pub fn check(statements: &[Value], parts: Vec<Attachment>) -> Result<Vec<Attachment>, LrsError> {
    let mut wanted: HashSet<String> = HashSet::new();
    let mut known: HashSet<String> = HashSet::new();
    for s in statements {
        for a in declared(s) {
            let Some(sha) = sha2_of(a) else { continue };
            if a.get("fileUrl").is_none() {
                wanted.insert(sha.clone());
            }
            known.insert(sha);
        }
    }
    let given: HashSet<&str> = parts.iter().map(|p| p.sha2.as_str()).collect();
    if let Some(p) = parts.iter().find(|p| !known.contains(&p.sha2)) {
        return Err(bad(format!(
            "a multipart part (X-Experience-API-Hash {}) is no attachment of the statements",
            p.sha2
        )));
    }
    let mut missing: Vec<&String> = wanted
        .iter()
        .filter(|w| !given.contains(w.as_str()))
        .collect();
    missing.sort();
    if let Some(sha) = missing.first() {
        return Err(bad(if parts.is_empty() {
            format!("the attachment with sha2 {sha} has no fileUrl, so its content must be sent: use multipart/mixed with a part for it")
        } else {
            format!(
                "the attachment with sha2 {sha} has no fileUrl and no part of the multipart body"
            )
        }));
    }
    for (i, s) in statements.iter().enumerate() {
        for a in declared(s) {
            if a.get("usageType").and_then(Value::as_str) != Some(SIGNATURE) {
                continue;
            }
            let content_type = a.get("contentType").and_then(Value::as_str).unwrap_or("");
            if media_type(content_type) != "application/octet-stream" {
                return Err(bad(format!(
                    "statement {i}: a signature attachment has contentType application/octet-stream, not {content_type:?}"
                )));
            }
            let sha = sha2_of(a).unwrap_or_default();
            // A signature given by fileUrl only (the check above lets nothing else through
            // without its part) is kept as a reference: the LRS does not fetch URLs a
            // client names, so it cannot check what it does not hold.
            let Some(part) = parts.iter().find(|p| p.sha2 == sha) else {
                continue;
            };
            verify_signature(&part.content, s).map_err(|reason| {
                bad(format!(
                    "statement {i}: the signature is not valid: {reason}"
                ))
            })?;
        }
    }
    let mut seen = HashSet::new();
    Ok(parts
        .into_iter()
        .filter(|p| seen.insert(p.sha2.clone()))
        .collect())
}

fn base64url(segment: &str) -> Result<Vec<u8>, String> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(segment.trim_end_matches('='))
        .map_err(|e| format!("not base64url: {e}"))
}

/// Checks a JWS (compact serialization) against the statement it signs: an RS256, RS384
/// or RS512 algorithm, and a payload that is the statement as sent (compared by the spec's
/// rules, without its attachments, which hold the signature). When the JWS header carries
/// the signer's certificate (`x5c`) the RSA signature is verified with its key.
pub fn verify_signature(jws: &[u8], statement: &Value) -> Result<(), String> {
    let text = std::str::from_utf8(jws).map_err(|_| "it is not text".to_string())?;
    let segments: Vec<&str> = text.trim().split('.').collect();
    let [head, payload, signature] = segments.as_slice() else {
        return Err("it is not a JWS in compact serialization (three base64url parts)".into());
    };
    let header: Value = serde_json::from_slice(&base64url(head)?)
        .map_err(|e| format!("its header is not JSON: {e}"))?;
    let alg = header.get("alg").and_then(Value::as_str).unwrap_or("");
    if !matches!(alg, "RS256" | "RS384" | "RS512") {
        return Err(format!(
            "its algorithm is {alg:?}; xAPI signatures use RS256, RS384 or RS512"
        ));
    }
    let signed: Value = serde_json::from_slice(&base64url(payload)?)
        .map_err(|e| format!("its payload is not the JSON of a statement: {e}"))?;
    if base64url(signature)?.is_empty() {
        return Err("its signature is empty".into());
    }
    if !crate::statements::same_statement(&signed, statement) {
        return Err("its payload is not this statement".into());
    }
    if let Some(chain) = header.get("x5c") {
        crate::jws::verify_x5c(chain, alg, &format!("{head}.{payload}"), signature)?;
    }
    Ok(())
}

/// Stores attachment content by hash, in the caller's transaction; content already
/// stored is not written again.
pub fn store(conn: &Connection, attachments: &[Attachment]) -> Result<(), LrsError> {
    if attachments.is_empty() {
        return Ok(());
    }
    let mut put = conn.prepare_cached(
        "INSERT INTO attachments (sha2, content_type, content) VALUES (?1, ?2, ?3) ON CONFLICT (sha2) DO NOTHING",
    )?;
    for a in attachments {
        put.execute(params![a.sha2, a.content_type, a.content])?;
    }
    Ok(())
}

/// The stored content of the attachments `statements` declare, each once, in order.
pub fn load(conn: &Connection, statements: &[&Value]) -> Result<Vec<Attachment>, LrsError> {
    let mut get =
        conn.prepare_cached("SELECT content_type, content FROM attachments WHERE sha2 = ?1")?;
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for s in statements {
        for a in declared(s) {
            let Some(sha) = sha2_of(a) else { continue };
            if !seen.insert(sha.clone()) {
                continue;
            }
            if let Some((content_type, content)) = get
                .query_row([&sha], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?))
                })
                .optional()?
            {
                out.push(Attachment {
                    sha2: sha,
                    content_type,
                    content,
                });
            }
        }
    }
    Ok(out)
}

/// A `multipart/mixed` answer: the JSON first, then each attachment as a binary part.
pub fn response(json: String, attachments: &[Attachment]) -> Response {
    let boundary = format!("pelita-{}", uuid::Uuid::new_v4().simple());
    let mut body: Vec<u8> = Vec::with_capacity(
        json.len()
            + attachments
                .iter()
                .map(|a| a.content.len() + 256)
                .sum::<usize>()
            + 256,
    );
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Type: application/json\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(json.as_bytes());
    for a in attachments {
        body.extend_from_slice(
            format!(
                "\r\n--{boundary}\r\nContent-Type: {}\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: {}\r\n\r\n",
                a.content_type, a.sha2
            )
            .as_bytes(),
        );
        body.extend_from_slice(&a.content);
    }
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let mut response = body.into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("multipart/mixed; boundary={boundary}")) {
        response.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sha256(bytes: &[u8]) -> String {
        hex(&sha2::Sha256::digest(bytes))
    }

    #[test]
    fn a_body_splits_into_its_parts_with_or_without_a_preamble() {
        let text = b"hello";
        let sha = sha256(text);
        for body in [
            format!("--b\r\nContent-Type: application/json\r\n\r\n{{\"a\":1}}\r\n--b\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: {sha}\r\n\r\nhello\r\n--b--\r\n"),
            format!("\r\n--b\r\nContent-Type:application/json\r\n\r\n{{\"a\":1}}\r\n--b\r\nContent-Type:text/plain\r\nContent-Transfer-Encoding:binary\r\nX-Experience-API-Hash:{sha}\r\n\r\nhello\r\n--b--"),
        ] {
            let (json, atts) = read("multipart/mixed; boundary=\"b\"", body.as_bytes()).unwrap();
            assert_eq!(json, serde_json::json!({"a": 1}));
            assert_eq!(atts.len(), 1);
            assert_eq!(atts[0].content, b"hello");
            assert_eq!(atts[0].content_type, "text/plain");
        }
    }

    #[test]
    fn a_malformed_body_is_refused_with_its_reason() {
        let sha = sha256(b"hello");
        let cases = [
            ("multipart/mixed", "--b\r\n\r\n{}\r\n--b--".to_string(), "boundary parameter"),
            ("multipart/mixed; boundary=b", "no delimiter here".to_string(), "no boundary delimiter"),
            ("multipart/mixed; boundary=b", "--b\r\nContent-Type: application/json\r\n\r\n{}".to_string(), "not closed"),
            ("multipart/mixed; boundary=b", "--b\r\nContent-Type: text/plain\r\n\r\n{}\r\n--b--".to_string(), "first part"),
            ("multipart/mixed; boundary=b", "--b\r\nContent-Type: application/json\r\n\r\n{\r\n--b--".to_string(), "not JSON"),
            ("multipart/mixed; boundary=b", "--b\r\nContent-Type: application/json\r\n\r\n{}\r\n--b\r\nContent-Transfer-Encoding: binary\r\n\r\nhello\r\n--b--".to_string(), "X-Experience-API-Hash"),
            ("multipart/mixed; boundary=b", format!("--b\r\nContent-Type: application/json\r\n\r\n{{}}\r\n--b\r\nContent-Transfer-Encoding: base64\r\nX-Experience-API-Hash: {sha}\r\n\r\nhello\r\n--b--"), "binary"),
            ("multipart/mixed; boundary=b", format!("--b\r\nContent-Type: application/json\r\n\r\n{{}}\r\n--b\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: {sha}\r\n\r\nhellO\r\n--b--"), "does not match"),
        ];
        for (ct, body, reason) in cases {
            let e = read(ct, body.as_bytes()).unwrap_err();
            assert!(e.to_string().contains(reason), "{body:?}: {e}");
        }
    }

    #[test]
    fn parts_must_be_the_declared_attachments() {
        let sha = sha256(b"hello");
        let part = |sha: &str| Attachment {
            sha2: sha.to_string(),
            content_type: "text/plain".into(),
            content: b"hello".to_vec(),
        };
        let statement = |file_url: bool| {
            let mut a = serde_json::json!({
                "usageType": "http://example.com/u", "display": {"en": "a"},
                "contentType": "text/plain", "length": 5, "sha2": sha
            });
            if file_url {
                a["fileUrl"] = "http://example.com/f".into();
            }
            serde_json::json!({ "attachments": [a] })
        };
        assert_eq!(
            check(&[statement(false)], vec![part(&sha)]).unwrap().len(),
            1
        );
        // The same content twice is stored once.
        assert_eq!(
            check(
                &[statement(false), statement(false)],
                vec![part(&sha), part(&sha)]
            )
            .unwrap()
            .len(),
            1
        );
        assert!(check(&[statement(true)], vec![]).unwrap().is_empty());
        assert!(check(&[statement(false)], vec![])
            .unwrap_err()
            .to_string()
            .contains("no fileUrl"));
        let other = sha256(b"other");
        assert!(check(&[statement(false)], vec![part(&sha), part(&other)])
            .unwrap_err()
            .to_string()
            .contains("no attachment"));
    }
}
