//! The rules ADL's LRS conformance suite found missing, each pinned here so that it stays
//! fixed without the suite (which lives outside the project; see scripts/conformance.sh).

mod common;

use base64::Engine;
use common::*;
use pelita_lrs::{auth, Config, Credentials, Location};
use serde_json::json;

fn basic(key: &str, secret: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{key}:{secret}"))
    )
}

#[tokio::test]
async fn every_statements_answer_says_how_current_it_is() {
    let c = Client::memory();
    let s = statement("a", "experienced", "x");
    let id = s["id"].as_str().unwrap().to_string();
    let answers = [
        c.post("/xapi/statements", &s).await,
        c.get(&format!("/xapi/statements?statementId={id}")).await,
        // 404: no such statement.
        c.get("/xapi/statements?statementId=00000000-0000-4000-8000-000000000000")
            .await,
        // 400: a filter beside statementId.
        c.get(&format!("/xapi/statements?statementId={id}&limit=1"))
            .await,
        // 400: an invalid statement.
        c.post("/xapi/statements", &json!({ "actor": 1 })).await,
        // 400: no version header.
        c.send(
            "GET",
            "/xapi/statements",
            &[("X-Experience-API-Version", "0.9")],
            axum::body::Body::empty(),
        )
        .await,
    ];
    let statuses: Vec<u16> = answers.iter().map(|a| a.status.as_u16()).collect();
    assert_eq!(statuses, [200, 200, 404, 400, 400, 400]);
    for a in &answers {
        let through = a
            .header("x-experience-api-consistent-through")
            .unwrap_or_else(|| panic!("no Consistent-Through on a {}", a.status));
        assert!(
            pelita_xapi::parse_timestamp(&through).is_some(),
            "{through}"
        );
    }
    // Other resources do not carry it.
    assert!(c
        .get("/xapi/about")
        .await
        .header("x-experience-api-consistent-through")
        .is_none());
}

#[tokio::test]
async fn about_needs_no_credentials() {
    let line = auth::credential_line("office", "pilot").unwrap();
    let config = Config {
        credentials: Some(Credentials::parse(&line).unwrap()),
        ..Config::default()
    };
    let mut c = Client::new(Location::Memory, config);
    c.headers.clear();
    let about = c.get("/xapi/about").await;
    assert_eq!(about.status, 200, "{}", about.text());
    assert!(about.json()["version"].as_array().is_some());
    // Everything else still does.
    c.headers
        .push(("X-Experience-API-Version".into(), "1.0.3".into()));
    assert_eq!(c.get("/xapi/statements").await.status, 401);
    c.headers
        .push(("authorization".into(), basic("office", "wrong")));
    assert_eq!(
        c.get("/xapi/activities?activityId=https%3A%2F%2Fx.org")
            .await
            .status,
        401
    );
}

#[tokio::test]
async fn an_alternate_request_without_a_content_type_field_carries_json() {
    let c = Client::memory();
    let s = statement("a", "experienced", "x");
    let id = s["id"].as_str().unwrap().to_string();
    let mut form = form_urlencoded::Serializer::new(String::new());
    form.append_pair("statementId", &id);
    form.append_pair("content", &s.to_string());
    let answer = c
        .send(
            "POST",
            "/xapi/statements?method=PUT",
            &[("content-type", "application/x-www-form-urlencoded")],
            form.finish(),
        )
        .await;
    assert_eq!(answer.status, 204, "{}", answer.text());
    let back = c.get(&format!("/xapi/statements?statementId={id}")).await;
    assert_eq!(back.json()["object"]["id"], s["object"]["id"]);
    // Without content there is nothing to store.
    let mut empty = form_urlencoded::Serializer::new(String::new());
    empty.append_pair("statementId", &uuid::Uuid::new_v4().to_string());
    let answer = c
        .send(
            "POST",
            "/xapi/statements?method=PUT",
            &[("content-type", "application/x-www-form-urlencoded")],
            empty.finish(),
        )
        .await;
    assert_eq!(answer.status, 400, "{}", answer.text());
}

#[tokio::test]
async fn the_ids_format_gives_a_substatement_activity_by_its_id() {
    let c = Client::memory();
    let id = uuid::Uuid::new_v4().to_string();
    let s = json!({
        "id": id,
        "actor": { "objectType": "Agent", "name": "A", "mbox": "mailto:a@example.org" },
        "verb": { "id": "http://example.org/verbs/planned", "display": { "en": "planned" } },
        "object": {
            "objectType": "SubStatement",
            "actor": { "objectType": "Group", "name": "G", "mbox": "mailto:g@example.org" },
            "verb": { "id": "http://example.org/verbs/attend", "display": { "en": "attend" } },
            "object": { "id": "http://example.org/meeting", "definition": { "name": { "en": "Meeting" } } }
        }
    });
    assert_eq!(c.post("/xapi/statements", &s).await.status, 200);
    for url in [
        format!("/xapi/statements?statementId={id}&format=ids"),
        "/xapi/statements?format=ids".to_string(),
    ] {
        let answer = c.get(&url).await.json();
        let got = if answer.get("statements").is_some() {
            answer["statements"][0].clone()
        } else {
            answer
        };
        assert_eq!(
            got["object"]["object"],
            json!({ "id": "http://example.org/meeting" }),
            "{url}"
        );
        assert_eq!(
            got["object"]["actor"],
            json!({ "objectType": "Group", "mbox": "mailto:g@example.org" })
        );
        assert_eq!(
            got["object"]["verb"],
            json!({ "id": "http://example.org/verbs/attend" })
        );
        assert_eq!(
            got["actor"],
            json!({ "objectType": "Agent", "mbox": "mailto:a@example.org" })
        );
    }
}

#[tokio::test]
async fn an_activity_keeps_every_language_it_was_described_in() {
    let c = Client::memory();
    let described = |lang: &str, name: &str| {
        let mut s = statement("a", "experienced", "lesson");
        s["object"]["definition"] = json!({
            "name": { lang: name },
            "description": { lang: format!("{name}!") },
            "type": "http://adlnet.gov/expapi/activities/lesson"
        });
        s
    };
    for s in [
        described("en-US", "Lesson"),
        described("id-ID", "Pelajaran"),
    ] {
        assert_eq!(c.post("/xapi/statements", &s).await.status, 200);
    }
    let activity = c
        .get("/xapi/activities?activityId=https%3A%2F%2Fexample.org%2Flesson")
        .await
        .json();
    assert_eq!(
        activity["definition"]["name"],
        json!({ "en-US": "Lesson", "id-ID": "Pelajaran" })
    );
    assert_eq!(
        activity["definition"]["description"],
        json!({ "en-US": "Lesson!", "id-ID": "Pelajaran!" })
    );
    // A later statement's text for a language replaces the earlier one.
    assert_eq!(
        c.post("/xapi/statements", &described("en-US", "Lesson one"))
            .await
            .status,
        200
    );
    let activity = c
        .get("/xapi/activities?activityId=https%3A%2F%2Fexample.org%2Flesson")
        .await
        .json();
    assert_eq!(
        activity["definition"]["name"],
        json!({ "en-US": "Lesson one", "id-ID": "Pelajaran" })
    );
}

#[tokio::test]
async fn the_lrs_refuses_what_the_shared_validator_refuses() {
    let c = Client::memory();
    let mut negative_zero = statement("a", "experienced", "x");
    negative_zero["timestamp"] = json!("2026-01-02T03:04:05-00:00");
    let mut voids_activity = statement("a", "voided", "x");
    voids_activity["verb"]["id"] = json!("http://adlnet.gov/expapi/verbs/voided");
    let mut identified_authority = statement("a", "experienced", "x");
    identified_authority["authority"] = json!({
        "objectType": "Group", "mbox": "mailto:g@example.org",
        "member": [{ "mbox": "mailto:a@example.org" }, { "mbox": "mailto:b@example.org" }]
    });
    for (s, path) in [
        (negative_zero, "$.timestamp"),
        (voids_activity, "$.object"),
        (identified_authority, "$.authority.mbox"),
    ] {
        let answer = c.post("/xapi/statements", &s).await;
        assert_eq!(answer.status, 400, "{}", answer.text());
        assert_eq!(answer.json()["problems"][0]["path"], path);
    }
    assert!(c.all("").await.is_empty());
}

#[tokio::test]
async fn a_request_is_answered_in_the_version_it_states() {
    let mut c = Client::memory();
    c.headers = vec![("X-Experience-API-Version".into(), "2.0.0".into())];
    let mut s = statement("a", "experienced", "x");
    s["context"] = json!({
        "contextAgents": [{
            "objectType": "contextAgent",
            "agent": { "mbox": "mailto:coach@example.org" },
            "relevantTypes": ["https://example.org/types/coach"]
        }]
    });
    let id = s["id"].as_str().unwrap().to_string();
    let answer = c.post("/xapi/statements", &s).await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert_eq!(
        answer.header("x-experience-api-version").as_deref(),
        Some("2.0.0")
    );
    let back = c.get(&format!("/xapi/statements?statementId={id}")).await;
    assert_eq!(
        back.header("x-experience-api-version").as_deref(),
        Some("2.0.0")
    );
    // Stored under 2.0 without a version of its own, it is a 2.0.0 statement.
    assert_eq!(back.json()["version"], "2.0.0");
    // A 1.0.3 client reads it as stored (the standard has statements kept as they were
    // accepted, never converted), and is answered as 1.0.3.
    let mut old = Client::memory();
    old.router = c.router.clone();
    let read = old.get(&format!("/xapi/statements?statementId={id}")).await;
    assert_eq!(read.status, 200);
    assert_eq!(
        read.header("x-experience-api-version").as_deref(),
        Some("1.0.3")
    );
    assert_eq!(
        read.json()["context"]["contextAgents"],
        s["context"]["contextAgents"]
    );
    // A 1.0.3 request is held to 1.0.3's rules: no contextAgents there.
    let mut again = s.clone();
    again["id"] = json!(uuid::Uuid::new_v4().to_string());
    let refused = old.post("/xapi/statements", &again).await;
    assert_eq!(refused.status, 400, "{}", refused.text());
    assert_eq!(
        refused.json()["problems"][0]["path"],
        "$.context.contextAgents"
    );
    // A 1.0.3 statement stored without a version is 1.0.0, as 1.0.3 has it.
    let plain = statement("b", "experienced", "x");
    assert_eq!(old.post("/xapi/statements", &plain).await.status, 200);
    let read = c
        .get(&format!(
            "/xapi/statements?statementId={}",
            plain["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(read.json()["version"], "1.0.0");
    // /about lists both.
    let about = c.get("/xapi/about").await.json();
    for v in ["1.0.3", "2.0.0"] {
        assert!(
            about["version"].as_array().unwrap().contains(&json!(v)),
            "{v}"
        );
    }
}

#[tokio::test]
async fn xapi_2_asks_for_a_precondition_on_every_document_and_has_no_alternate_syntax() {
    let mut c = Client::memory();
    let url = format!(
        "/xapi/activities/state?activityId=https%3A%2F%2Fexample.org%2Fm&agent={}&stateId=s",
        query_value(&json!({ "mbox": "mailto:a@example.org" }))
    );
    let json_ct = [("content-type", "application/json")];
    // 1.0.3: the State resource takes a PUT over a document without a precondition.
    assert_eq!(
        c.send("PUT", &url, &json_ct, r#"{"a":1}"#).await.status,
        204
    );
    assert_eq!(
        c.send("PUT", &url, &json_ct, r#"{"a":2}"#).await.status,
        204
    );
    // 2.0: the same PUT is a conflict, and the document is left alone.
    c.headers = vec![("X-Experience-API-Version".into(), "2.0.0".into())];
    let conflict = c.send("PUT", &url, &json_ct, r#"{"a":3}"#).await;
    assert_eq!(conflict.status, 409);
    assert!(!conflict.json()["message"].as_str().unwrap_or("").is_empty());
    assert_eq!(c.get(&url).await.json(), json!({ "a": 2 }));
    let etag = c.get(&url).await.header("etag").expect("etag");
    assert_eq!(
        c.send(
            "PUT",
            &url,
            &[("content-type", "application/json"), ("if-match", &etag)],
            r#"{"a":3}"#
        )
        .await
        .status,
        204
    );
    // A new document needs none.
    let other = url.replace("stateId=s", "stateId=t");
    assert_eq!(
        c.send("PUT", &other, &json_ct, r#"{"b":1}"#).await.status,
        204
    );

    // The alternate request syntax is 1.0's only.
    let s = statement("a", "experienced", "x");
    let mut form = form_urlencoded::Serializer::new(String::new());
    form.append_pair("statementId", s["id"].as_str().unwrap());
    form.append_pair("X-Experience-API-Version", "2.0.0");
    form.append_pair("content", &s.to_string());
    c.headers.clear();
    let answer = c
        .send(
            "POST",
            "/xapi/statements?method=PUT",
            &[("content-type", "application/x-www-form-urlencoded")],
            form.finish(),
        )
        .await;
    assert_eq!(answer.status, 400, "{}", answer.text());
    assert!(answer.text().contains("2.0"));
}
