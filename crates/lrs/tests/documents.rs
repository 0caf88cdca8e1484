//! The State, Activity Profile and Agent Profile resources, with their concurrency rules,
//! and the Activities, Agents and About resources.

mod common;

use axum::body::Body;
use common::*;
use serde_json::json;

const ACTIVITY: &str = "https%3A%2F%2Fexample.org%2Fmodule";

fn agent() -> String {
    query_value(&json!({ "objectType": "Agent", "mbox": "mailto:siti@example.org" }))
}

fn state_url(id: &str) -> String {
    format!(
        "/xapi/activities/state?activityId={ACTIVITY}&agent={}&stateId={id}",
        agent()
    )
}

#[tokio::test]
async fn state_put_get_post_merge_delete() {
    let c = Client::memory();
    let url = state_url("pelita.session.v1");
    assert_eq!(c.get(&url).await.status, 404);
    let put = c.put(&url, &json!({ "step": 1, "answers": ["a"] })).await;
    assert_eq!(put.status, 204);
    let etag = put.header("etag").expect("etag");
    let got = c.get(&url).await;
    assert_eq!(got.status, 200);
    assert_eq!(got.json(), json!({ "step": 1, "answers": ["a"] }));
    assert_eq!(got.header("etag"), Some(etag.clone()));
    assert_eq!(
        got.header("content-type").as_deref(),
        Some("application/json")
    );
    assert!(got.header("last-modified").is_some());
    // The ETag is the quoted SHA-1 of the document.
    assert_eq!(etag.len(), 42);

    // POST merges top-level keys.
    assert_eq!(
        c.post(&url, &json!({ "step": 2, "lang": "id" }))
            .await
            .status,
        204
    );
    assert_eq!(
        c.get(&url).await.json(),
        json!({ "step": 2, "answers": ["a"], "lang": "id" })
    );

    // POST of JSON over a non-JSON document (or of non-JSON) cannot merge.
    let text = state_url("notes");
    assert_eq!(
        c.send("PUT", &text, &[("content-type", "text/plain")], "hello")
            .await
            .status,
        204
    );
    assert_eq!(c.post(&text, &json!({ "a": 1 })).await.status, 400);
    let got = c.get(&text).await;
    assert_eq!(got.text(), "hello");
    assert_eq!(got.header("content-type").as_deref(), Some("text/plain"));
    assert_eq!(
        c.send("POST", &url, &[("content-type", "text/plain")], "x")
            .await
            .status,
        400
    );
    assert_eq!(c.post(&url, &json!([1, 2])).await.status, 400);

    // Without stateId, GET lists the ids; DELETE removes them all.
    let list = format!(
        "/xapi/activities/state?activityId={ACTIVITY}&agent={}",
        agent()
    );
    assert_eq!(
        c.get(&list).await.json(),
        json!(["notes", "pelita.session.v1"])
    );
    assert_eq!(
        c.send("DELETE", &text, &[], Body::empty()).await.status,
        204
    );
    assert_eq!(c.get(&list).await.json(), json!(["pelita.session.v1"]));
    assert_eq!(
        c.send("DELETE", &list, &[], Body::empty()).await.status,
        204
    );
    assert_eq!(c.get(&list).await.json(), json!([]));
}

#[tokio::test]
async fn state_is_kept_per_registration_and_agent() {
    let c = Client::memory();
    let reg = "0f9a4e33-2b1c-4c8e-9a55-2a5f5d8d1e10";
    let with_reg = format!("{}&registration={reg}", state_url("s"));
    assert_eq!(c.put(&with_reg, &json!({ "r": true })).await.status, 204);
    assert_eq!(c.get(&state_url("s")).await.status, 404);
    assert_eq!(c.get(&with_reg).await.json(), json!({ "r": true }));
    let other = query_value(&json!({ "mbox": "mailto:budi@example.org" }));
    let other_url = format!(
        "/xapi/activities/state?activityId={ACTIVITY}&agent={other}&stateId=s&registration={reg}"
    );
    assert_eq!(c.get(&other_url).await.status, 404);
}

#[tokio::test]
async fn state_parameters_are_checked() {
    let c = Client::memory();
    for url in [
        format!("/xapi/activities/state?agent={}&stateId=s", agent()),
        format!("/xapi/activities/state?activityId={ACTIVITY}&stateId=s"),
        format!("/xapi/activities/state?activityId=module&agent={}&stateId=s", agent()),
        format!("/xapi/activities/state?activityId={ACTIVITY}&agent=siti&stateId=s"),
        format!("/xapi/activities/state?activityId={ACTIVITY}&agent={}&stateId=s", query_value(&json!({ "name": "no ifi" }))),
        format!("/xapi/activities/state?activityId={ACTIVITY}&agent={}&stateId=s&registration=r1", agent()),
        format!("/xapi/activities/state?activityId={ACTIVITY}&agent={}&stateId=s&profileId=p", agent()),
        format!("/xapi/activities/state?activityId={ACTIVITY}&agent={}&stateId=s&since=2026-01-01T00:00:00Z", agent()),
    ] {
        assert_eq!(c.get(&url).await.status, 400, "{url}");
    }
    // PUT needs a stateId.
    let list = format!(
        "/xapi/activities/state?activityId={ACTIVITY}&agent={}",
        agent()
    );
    assert_eq!(c.put(&list, &json!({})).await.status, 400);
}

#[tokio::test]
async fn state_honours_preconditions_when_given() {
    let c = Client::memory();
    let url = state_url("s");
    let etag = c
        .put(&url, &json!({ "v": 1 }))
        .await
        .header("etag")
        .unwrap();
    // No header needed on the State resource.
    let etag2 = c
        .put(&url, &json!({ "v": 2 }))
        .await
        .header("etag")
        .unwrap();
    assert_ne!(etag, etag2);
    let stale = c
        .send(
            "PUT",
            &url,
            &[
                ("content-type", "application/json"),
                ("if-match", etag.as_str()),
            ],
            "{\"v\":3}",
        )
        .await;
    assert_eq!(stale.status, 412);
    assert_eq!(c.get(&url).await.json(), json!({ "v": 2 }));
}

#[tokio::test]
async fn profiles_follow_the_concurrency_rules() {
    let c = Client::memory();
    for base in [
        format!("/xapi/activities/profile?activityId={ACTIVITY}"),
        format!("/xapi/agents/profile?agent={}", agent()),
    ] {
        let url = format!("{base}&profileId=prefs");
        let json_ct = ("content-type", "application/json");
        // Creating with If-None-Match: * works once.
        let created = c
            .send("PUT", &url, &[json_ct, ("if-none-match", "*")], "{\"a\":1}")
            .await;
        assert_eq!(created.status, 204, "{url}");
        let etag = created.header("etag").unwrap();
        assert_eq!(
            c.send("PUT", &url, &[json_ct, ("if-none-match", "*")], "{\"a\":2}")
                .await
                .status,
            412
        );
        // A PUT over an existing document without either header is a conflict.
        let bare = c.send("PUT", &url, &[json_ct], "{\"a\":3}").await;
        assert_eq!(bare.status, 409, "{url}");
        assert!(bare.text().contains("If-Match"));
        // With the wrong ETag: 412; with the right one: replaced.
        assert_eq!(
            c.send(
                "PUT",
                &url,
                &[json_ct, ("if-match", "\"0000\"")],
                "{\"a\":4}"
            )
            .await
            .status,
            412
        );
        let replaced = c
            .send("PUT", &url, &[json_ct, ("if-match", &etag)], "{\"b\":5}")
            .await;
        assert_eq!(replaced.status, 204);
        let etag2 = replaced.header("etag").unwrap();
        assert_eq!(c.get(&url).await.json(), json!({ "b": 5 }));
        // POST merges, and honours If-Match when given.
        assert_eq!(
            c.send("POST", &url, &[json_ct, ("if-match", &etag)], "{\"c\":6}")
                .await
                .status,
            412
        );
        assert_eq!(
            c.send("POST", &url, &[json_ct, ("if-match", &etag2)], "{\"c\":6}")
                .await
                .status,
            204
        );
        assert_eq!(c.get(&url).await.json(), json!({ "b": 5, "c": 6 }));
        // If-Match on a document that does not exist: 412.
        let missing = format!("{base}&profileId=missing");
        assert_eq!(
            c.send("PUT", &missing, &[json_ct, ("if-match", &etag2)], "{}")
                .await
                .status,
            412
        );
        // The list, since, delete with a stale ETag (412) and with the right one.
        assert_eq!(c.get(&base).await.json(), json!(["prefs"]));
        assert_eq!(
            c.get(&format!("{base}&since=2999-01-01T00:00:00Z"))
                .await
                .json(),
            json!([])
        );
        assert_eq!(
            c.get(&format!("{base}&since=2000-01-01T00:00:00Z"))
                .await
                .json(),
            json!(["prefs"])
        );
        assert_eq!(
            c.send("DELETE", &url, &[("if-match", &etag)], Body::empty())
                .await
                .status,
            412
        );
        let current = c.get(&url).await.header("etag").unwrap();
        assert_eq!(
            c.send("DELETE", &url, &[("if-match", &current)], Body::empty())
                .await
                .status,
            204
        );
        assert_eq!(c.get(&url).await.status, 404);
        // Profiles have no multiple delete.
        assert_eq!(
            c.send("DELETE", &base, &[], Body::empty()).await.status,
            400
        );
    }
}

#[tokio::test]
async fn activities_agents_and_about() {
    let c = Client::memory();
    let corpus = corpus();
    assert_eq!(
        c.post("/xapi/statements", &corpus["base"]).await.status,
        200
    );
    let id = corpus["base"]["object"]["id"].as_str().unwrap();
    let encoded: String = form_urlencoded::byte_serialize(id.as_bytes()).collect();
    let activity = c
        .get(&format!("/xapi/activities?activityId={encoded}"))
        .await;
    assert_eq!(activity.status, 200);
    assert_eq!(
        activity.json()["definition"],
        corpus["base"]["object"]["definition"]
    );
    // An unknown activity: just its id.
    let unknown = c
        .get("/xapi/activities?activityId=https%3A%2F%2Fexample.org%2Fnever")
        .await
        .json();
    assert_eq!(
        unknown,
        json!({ "objectType": "Activity", "id": "https://example.org/never" })
    );
    assert_eq!(c.get("/xapi/activities").await.status, 400);

    let person = c
        .get(&format!(
            "/xapi/agents?agent={}",
            query_value(&json!({ "mbox": "mailto:siti@example.go.id" }))
        ))
        .await;
    assert_eq!(person.status, 200);
    assert_eq!(
        person.json(),
        json!({ "objectType": "Person", "name": ["Siti"], "mbox": ["mailto:siti@example.go.id"] })
    );
    assert_eq!(c.get("/xapi/agents?agent=x").await.status, 400);

    let about = c.get("/xapi/about").await.json();
    assert_eq!(about["version"][0], "1.0.3");
}
