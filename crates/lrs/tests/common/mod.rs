//! A small client for the LRS router, driven in process with tower's `oneshot`, and the
//! shared statement corpus.
#![allow(dead_code)]

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use pelita_lrs::{Config, Location, Lrs};
use serde_json::Value;
use tower::ServiceExt;

pub struct Client {
    pub router: Router,
    pub lrs: Lrs,
    /// Headers sent on every request (version, auth).
    pub headers: Vec<(String, String)>,
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }
}

impl Client {
    pub fn new(location: Location, config: Config) -> Client {
        let lrs = Lrs::open(location, config).expect("open LRS");
        Client {
            router: Router::new().nest("/xapi", lrs.router()),
            lrs,
            headers: vec![("X-Experience-API-Version".into(), "1.0.3".into())],
        }
    }

    pub fn memory() -> Client {
        Client::new(Location::Memory, Config::default())
    }

    pub async fn send(
        &self,
        method: &str,
        uri: &str,
        headers: &[(&str, &str)],
        body: impl Into<Body>,
    ) -> Answer {
        let mut request = Request::builder().method(method).uri(uri);
        for (k, v) in &self.headers {
            if !headers.iter().any(|(h, _)| h.eq_ignore_ascii_case(k)) {
                request = request.header(k, v);
            }
        }
        for (k, v) in headers {
            if !v.is_empty() {
                request = request.header(*k, *v);
            }
        }
        let response = self
            .router
            .clone()
            .oneshot(request.body(body.into()).expect("request"))
            .await
            .expect("infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes()
            .to_vec();
        Answer {
            status,
            headers,
            body,
        }
    }

    pub async fn post(&self, path: &str, value: &Value) -> Answer {
        self.send(
            "POST",
            path,
            &[("content-type", "application/json")],
            value.to_string(),
        )
        .await
    }

    pub async fn put(&self, path: &str, value: &Value) -> Answer {
        self.send(
            "PUT",
            path,
            &[("content-type", "application/json")],
            value.to_string(),
        )
        .await
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send("GET", path, &[], Body::empty()).await
    }

    /// Every statement of a filtered query, following `more` links.
    pub async fn all(&self, query: &str) -> Vec<Value> {
        let mut url = format!("/xapi/statements?{query}");
        let mut out = Vec::new();
        for _ in 0..1000 {
            let answer = self.get(&url).await;
            assert_eq!(answer.status, 200, "{url}: {}", answer.text());
            let body = answer.json();
            out.extend(
                body["statements"]
                    .as_array()
                    .expect("statements")
                    .iter()
                    .cloned(),
            );
            match body["more"].as_str() {
                Some(more) if !more.is_empty() => url = more.to_string(),
                _ => return out,
            }
        }
        panic!("too many pages");
    }
}

pub fn query_value(v: &Value) -> String {
    form_urlencoded::byte_serialize(v.to_string().as_bytes()).collect()
}

pub fn corpus() -> Value {
    serde_json::from_str(include_str!("../../../xapi/tests/statements-corpus.json"))
        .expect("corpus")
}

pub fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Default::default());
    }
    let Value::Object(map) = target else { return };
    for (key, value) in patch {
        if value.is_null() {
            map.remove(key);
        } else {
            merge_patch(map.entry(key.clone()).or_insert(Value::Null), value);
        }
    }
}

pub fn build(corpus: &Value, case: &Value) -> Value {
    if let Some(s) = case.get("statement") {
        return s.clone();
    }
    let mut s = corpus["base"].clone();
    merge_patch(&mut s, &case["patch"]);
    s
}

/// A valid statement with a fresh id.
pub fn statement(actor: &str, verb: &str, activity: &str) -> Value {
    serde_json::json!({
        "id": uuid::Uuid::new_v4().to_string(),
        "actor": { "objectType": "Agent", "mbox": format!("mailto:{actor}@example.org") },
        "verb": { "id": format!("http://adlnet.gov/expapi/verbs/{verb}"), "display": { "en": verb } },
        "object": { "objectType": "Activity", "id": format!("https://example.org/{activity}") },
        "timestamp": "2026-01-02T03:04:05.000Z"
    })
}
