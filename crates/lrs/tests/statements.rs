//! The Statements resource end to end through the router: storing, reading back, what
//! the LRS adds, conflicts, all-or-nothing batches, every invalid statement of the shared
//! corpus refused with its path, voiding, every filter with `more` links, the formats,
//! and the version header.

mod common;

use axum::body::Body;
use common::*;
use serde_json::{json, Value};

#[tokio::test]
async fn a_posted_statement_comes_back_with_what_the_lrs_adds() {
    let c = Client::memory();
    let corpus = corpus();
    let s = corpus["base"].clone();
    let answer = c.post("/xapi/statements", &s).await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert_eq!(answer.json(), json!([s["id"]]));
    assert_eq!(
        answer.header("x-experience-api-version").as_deref(),
        Some("1.0.3")
    );

    let got = c
        .get(&format!(
            "/xapi/statements?statementId={}",
            s["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(got.status, 200);
    assert!(got
        .header("x-experience-api-consistent-through")
        .is_some_and(|t| pelita_xapi::parse_timestamp(&t).is_some()));
    assert!(got
        .header("last-modified")
        .is_some_and(|t| t.ends_with(" GMT")));
    let back = got.json();
    for key in ["actor", "verb", "object", "result", "timestamp", "id"] {
        assert_eq!(back[key], s[key], "{key}");
    }
    // The context as sent, with the default objectType written out.
    let mut context = s["context"].clone();
    context["contextActivities"]["parent"][0]["objectType"] = json!("Activity");
    assert_eq!(back["context"], context);
    assert_eq!(back["version"], "1.0.0");
    assert_eq!(back["authority"]["account"]["name"], "anonymous");
    assert!(pelita_xapi::parse_timestamp(back["stored"].as_str().unwrap()).is_some());
}

#[tokio::test]
async fn the_lrs_fills_in_id_timestamp_and_arrays() {
    let c = Client::memory();
    let mut s = statement("a", "experienced", "x");
    s.as_object_mut().unwrap().remove("id");
    s.as_object_mut().unwrap().remove("timestamp");
    s["context"] = json!({ "contextActivities": { "parent": { "id": "https://example.org/p" } } });
    let answer = c.post("/xapi/statements", &s).await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    let id = answer.json()[0].as_str().unwrap().to_string();
    assert!(pelita_xapi::validate::is_uuid(&id));
    let back = c
        .get(&format!("/xapi/statements?statementId={id}"))
        .await
        .json();
    assert_eq!(back["timestamp"], back["stored"]);
    assert_eq!(
        back["context"]["contextActivities"]["parent"],
        json!([{ "id": "https://example.org/p", "objectType": "Activity" }])
    );
    assert_eq!(pelita_xapi::statement_problems(&back), vec![]);
}

#[tokio::test]
async fn same_id_same_statement_changes_nothing_and_different_is_a_conflict() {
    let c = Client::memory();
    let s = statement("a", "experienced", "x");
    let id = s["id"].as_str().unwrap().to_string();
    assert_eq!(c.post("/xapi/statements", &s).await.status, 200);
    let first = c
        .get(&format!("/xapi/statements?statementId={id}"))
        .await
        .json();
    // The same statement again (even with another timestamp): accepted, nothing changes.
    let mut again = s.clone();
    again["timestamp"] = json!("2026-05-05T00:00:00Z");
    assert_eq!(c.post("/xapi/statements", &again).await.status, 200);
    assert_eq!(
        c.put(&format!("/xapi/statements?statementId={id}"), &s)
            .await
            .status,
        204
    );
    assert_eq!(
        c.get(&format!("/xapi/statements?statementId={id}"))
            .await
            .json(),
        first
    );
    // A different statement with that id: 409, by POST and by PUT.
    let mut other = s.clone();
    other["verb"]["id"] = json!("http://adlnet.gov/expapi/verbs/completed");
    assert_eq!(c.post("/xapi/statements", &other).await.status, 409);
    assert_eq!(
        c.put(&format!("/xapi/statements?statementId={id}"), &other)
            .await
            .status,
        409
    );
    assert_eq!(
        c.get(&format!("/xapi/statements?statementId={id}"))
            .await
            .json(),
        first
    );
    assert_eq!(c.all("").await.len(), 1);
}

#[tokio::test]
async fn put_needs_a_matching_statement_id() {
    let c = Client::memory();
    let s = statement("a", "experienced", "x");
    let id = s["id"].as_str().unwrap().to_string();
    assert_eq!(c.put("/xapi/statements", &s).await.status, 400);
    assert_eq!(
        c.put("/xapi/statements?statementId=nope", &s).await.status,
        400
    );
    let other = uuid::Uuid::new_v4();
    let answer = c
        .put(&format!("/xapi/statements?statementId={other}"), &s)
        .await;
    assert_eq!(answer.status, 400);
    assert!(answer.text().contains("differs"), "{}", answer.text());
    assert_eq!(
        c.put(&format!("/xapi/statements?statementId={id}"), &json!([s]))
            .await
            .status,
        400
    );
    // Without an id in the body, the parameter gives it.
    let mut no_id = s.clone();
    no_id.as_object_mut().unwrap().remove("id");
    assert_eq!(
        c.put(&format!("/xapi/statements?statementId={id}"), &no_id)
            .await
            .status,
        204
    );
    assert_eq!(
        c.get(&format!("/xapi/statements?statementId={id}"))
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn a_batch_is_stored_whole_or_not_at_all() {
    let c = Client::memory();
    let stored = statement("a", "experienced", "x");
    assert_eq!(c.post("/xapi/statements", &stored).await.status, 200);

    // One invalid statement refuses the batch, naming its index and path.
    let good = statement("b", "experienced", "y");
    let mut bad = statement("b", "experienced", "y");
    bad["result"] = json!({ "score": { "scaled": 1.5 } });
    let answer = c.post("/xapi/statements", &json!([good, bad])).await;
    assert_eq!(answer.status, 400);
    assert_eq!(
        answer.json()["problems"][0]["path"],
        "$[1].result.score.scaled"
    );
    assert!(answer.json()["message"]
        .as_str()
        .unwrap()
        .contains("$[1].result.score.scaled"));

    // A conflict anywhere in the batch refuses it too, after earlier statements were
    // written in the same transaction: they must be rolled back.
    let mut conflicting = stored.clone();
    conflicting["verb"]["id"] = json!("http://adlnet.gov/expapi/verbs/completed");
    let answer = c
        .post("/xapi/statements", &json!([good, conflicting]))
        .await;
    assert_eq!(answer.status, 409, "{}", answer.text());

    // Duplicate ids within one batch.
    assert_eq!(
        c.post("/xapi/statements", &json!([good, good]))
            .await
            .status,
        400
    );

    let all = c.all("").await;
    assert_eq!(all.len(), 1);
    assert_eq!(all[0]["id"], stored["id"]);

    // And a good batch is stored whole, ids in order.
    let batch: Vec<Value> = (0..50)
        .map(|i| statement("c", "experienced", &format!("p{i}")))
        .collect();
    let answer = c
        .post("/xapi/statements", &Value::Array(batch.clone()))
        .await;
    assert_eq!(answer.status, 200);
    let ids: Vec<Value> = batch.iter().map(|s| s["id"].clone()).collect();
    assert_eq!(answer.json(), Value::Array(ids));
    assert_eq!(c.all("").await.len(), 51);
}

#[tokio::test]
async fn every_invalid_statement_of_the_corpus_is_refused_with_its_path() {
    let c = Client::memory();
    let corpus = corpus();
    for case in corpus["invalid"].as_array().unwrap() {
        let s = build(&corpus, case);
        let answer = c.post("/xapi/statements", &s).await;
        assert_eq!(
            answer.status,
            400,
            "case {}: {}",
            case["name"],
            answer.text()
        );
        let body = answer.json();
        let expected = case["path"].as_str().unwrap();
        let paths: Vec<&str> = body["problems"]
            .as_array()
            .map(|p| p.iter().filter_map(|x| x["path"].as_str()).collect())
            .unwrap_or_default();
        assert!(
            paths.contains(&expected),
            "case {}: {paths:?}",
            case["name"]
        );
        // By PUT as well (where the body is an object with a usable id).
        if let Some(id) = s
            .get("id")
            .and_then(Value::as_str)
            .filter(|i| pelita_xapi::validate::is_uuid(i))
        {
            let answer = c
                .put(&format!("/xapi/statements?statementId={id}"), &s)
                .await;
            assert_eq!(answer.status, 400, "PUT case {}", case["name"]);
        }
    }
    assert_eq!(c.all("").await.len(), 0, "nothing invalid was stored");
    for case in corpus["valid"].as_array().unwrap() {
        let mut s = build(&corpus, case);
        s["id"] = json!(uuid::Uuid::new_v4().to_string());
        let answer = c.post("/xapi/statements", &s).await;
        assert_eq!(
            answer.status,
            200,
            "valid case {}: {}",
            case["name"],
            answer.text()
        );
    }
}

#[tokio::test]
async fn voided_statements_leave_queries_and_answer_by_voided_id() {
    let c = Client::memory();
    let target = statement("a", "answered", "q1");
    let tid = target["id"].as_str().unwrap().to_string();
    assert_eq!(c.post("/xapi/statements", &target).await.status, 200);
    let voiding = json!({
        "actor": { "mbox": "mailto:admin@example.org" },
        "verb": { "id": "http://adlnet.gov/expapi/verbs/voided", "display": { "en": "voided" } },
        "object": { "objectType": "StatementRef", "id": tid }
    });
    assert_eq!(c.post("/xapi/statements", &voiding).await.status, 200);
    assert_eq!(
        c.get(&format!("/xapi/statements?statementId={tid}"))
            .await
            .status,
        404
    );
    let got = c
        .get(&format!("/xapi/statements?voidedStatementId={tid}"))
        .await;
    assert_eq!(got.status, 200);
    assert_eq!(got.json()["id"], json!(tid));
    let all = c.all("").await;
    assert_eq!(all.len(), 1, "only the voiding statement");
    assert_eq!(
        all[0]["verb"]["id"],
        "http://adlnet.gov/expapi/verbs/voided"
    );

    // A statement that arrives after the statement voiding it is voided at once.
    let late = statement("a", "answered", "q2");
    let lid = late["id"].as_str().unwrap().to_string();
    let mut voiding2 = voiding.clone();
    voiding2["object"]["id"] = json!(lid);
    assert_eq!(c.post("/xapi/statements", &voiding2).await.status, 200);
    assert_eq!(c.post("/xapi/statements", &late).await.status, 200);
    assert_eq!(
        c.get(&format!("/xapi/statements?statementId={lid}"))
            .await
            .status,
        404
    );
    assert_eq!(
        c.get(&format!("/xapi/statements?voidedStatementId={lid}"))
            .await
            .status,
        200
    );
    // A statement that is not voided is not found by voidedStatementId.
    let vid = all[0]["id"].as_str().unwrap();
    assert_eq!(
        c.get(&format!("/xapi/statements?voidedStatementId={vid}"))
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn filters_match_what_the_spec_says_and_pages_cover_everything_once() {
    let c = Client::memory();
    let reg = "0f9a4e33-2b1c-4c8e-9a55-2a5f5d8d1e10";
    let mut sent = Vec::new();
    for i in 0..30 {
        let who = if i % 3 == 0 { "siti" } else { "budi" };
        let verb = if i % 2 == 0 {
            "answered"
        } else {
            "experienced"
        };
        let mut s = statement(who, verb, &format!("q{}", i % 5));
        s["context"] = json!({
            "contextActivities": { "parent": [{ "id": "https://example.org/module" }] },
            "instructor": { "mbox": "mailto:guru@example.org" }
        });
        if i % 4 == 0 {
            s["context"]["registration"] = json!(reg);
        }
        assert_eq!(c.post("/xapi/statements", &s).await.status, 200);
        sent.push(s);
    }
    let count = |f: &dyn Fn(&Value) -> bool| sent.iter().filter(|s| f(s)).count();
    let siti = query_value(&json!({ "mbox": "mailto:siti@example.org" }));
    let guru = query_value(&json!({ "mbox": "mailto:guru@example.org" }));
    assert_eq!(
        c.all(&format!("agent={siti}")).await.len(),
        count(&|s| s["actor"]["mbox"] == "mailto:siti@example.org")
    );
    assert_eq!(
        c.all(&format!("agent={guru}")).await.len(),
        0,
        "instructor is related, not actor"
    );
    assert_eq!(
        c.all(&format!("agent={guru}&related_agents=true"))
            .await
            .len(),
        30
    );
    let answered = "http%3A%2F%2Fadlnet.gov%2Fexpapi%2Fverbs%2Fanswered";
    assert_eq!(c.all(&format!("verb={answered}")).await.len(), 15);
    assert_eq!(
        c.all("activity=https%3A%2F%2Fexample.org%2Fq1").await.len(),
        6
    );
    assert_eq!(
        c.all("activity=https%3A%2F%2Fexample.org%2Fmodule")
            .await
            .len(),
        0
    );
    assert_eq!(
        c.all("activity=https%3A%2F%2Fexample.org%2Fmodule&related_activities=true")
            .await
            .len(),
        30
    );
    assert_eq!(c.all(&format!("registration={reg}")).await.len(), 8);
    assert_eq!(
        c.all(&format!("agent={siti}&verb={answered}&registration={reg}"))
            .await
            .len(),
        count(&|s| s["actor"]["mbox"] == "mailto:siti@example.org"
            && s["verb"]["id"] == "http://adlnet.gov/expapi/verbs/answered"
            && s["context"]["registration"] == reg)
    );

    // Pages of 7 cover every statement exactly once, newest first; ascending reverses.
    let paged = c.all("limit=7").await;
    let ids: Vec<&Value> = paged.iter().map(|s| &s["id"]).collect();
    let expected: Vec<&Value> = sent.iter().rev().map(|s| &s["id"]).collect();
    assert_eq!(ids, expected);
    let asc = c.all("limit=4&ascending=true").await;
    let ids: Vec<&Value> = asc.iter().map(|s| &s["id"]).collect();
    let expected: Vec<&Value> = sent.iter().map(|s| &s["id"]).collect();
    assert_eq!(ids, expected);
    let first = c.get("/xapi/statements?limit=7").await.json();
    assert!(first["more"]
        .as_str()
        .unwrap()
        .starts_with("/xapi/statements?"));
    assert_eq!(first["statements"].as_array().unwrap().len(), 7);

    // since / until by `stored`.
    let all = c.all("").await;
    let middle = all[10]["stored"].as_str().unwrap().to_string();
    let since = c
        .all(&format!(
            "since={}",
            form_urlencoded::byte_serialize(middle.as_bytes()).collect::<String>()
        ))
        .await;
    let until = c
        .all(&format!(
            "until={}",
            form_urlencoded::byte_serialize(middle.as_bytes()).collect::<String>()
        ))
        .await;
    assert_eq!(since.len() + until.len(), 30);
    assert!(since
        .iter()
        .all(|s| s["stored"].as_str().unwrap() > middle.as_str()));
    assert!(until
        .iter()
        .all(|s| s["stored"].as_str().unwrap() <= middle.as_str()));
}

#[tokio::test]
async fn bad_query_parameters_are_refused() {
    let c = Client::memory();
    for q in [
        "agent=siti",
        "agent=%7B%22name%22%3A%22x%22%7D",
        "verb=answered",
        "activity=q1",
        "registration=abc",
        "since=yesterday",
        "until=2026-01-01",
        "limit=-1",
        "limit=ten",
        "ascending=yes",
        "related_agents=1",
        "format=full",
        "unknown=1",
        "limit=1&limit=2",
        "statementId=00000000-0000-4000-8000-000000000001&verb=http%3A%2F%2Fx",
        "statementId=00000000-0000-4000-8000-000000000001&voidedStatementId=00000000-0000-4000-8000-000000000001",
        "statementId=nope",
        "cursor=abc",
        "attachments=yes",
    ] {
        let answer = c.get(&format!("/xapi/statements?{q}")).await;
        assert_eq!(answer.status, 400, "{q}: {}", answer.text());
        assert!(answer.json()["message"].as_str().is_some_and(|m| !m.is_empty()), "{q}");
    }
    // Extreme cursors are answered, not a panic.
    for q in [
        "cursor=-9223372036854775808",
        "cursor=9223372036854775807&ascending=true",
        "limit=18446744073709551615",
    ] {
        assert_eq!(
            c.get(&format!("/xapi/statements?{q}")).await.status,
            200,
            "{q}"
        );
    }
    assert_eq!(
        c.get("/xapi/statements?statementId=00000000-0000-4000-8000-000000000001")
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn formats_ids_and_canonical() {
    let c = Client::memory();
    let corpus = corpus();
    let mut s = corpus["base"].clone();
    s["verb"]["display"] = json!({ "en": "answered", "id": "menjawab" });
    s["object"]["definition"]["name"] = json!({ "en": "Question 1", "id": "Soal 1" });
    let id = s["id"].as_str().unwrap().to_string();
    assert_eq!(c.post("/xapi/statements", &s).await.status, 200);

    let ids = c
        .get(&format!("/xapi/statements?statementId={id}&format=ids"))
        .await
        .json();
    assert_eq!(
        ids["actor"],
        json!({ "objectType": "Agent", "mbox": "mailto:siti@example.go.id" })
    );
    assert_eq!(
        ids["verb"],
        json!({ "id": "http://adlnet.gov/expapi/verbs/answered" })
    );
    assert_eq!(
        ids["object"],
        json!({ "objectType": "Activity", "id": s["object"]["id"] })
    );

    let canonical = c
        .send(
            "GET",
            &format!("/xapi/statements?statementId={id}&format=canonical"),
            &[("accept-language", "id-ID, en;q=0.5")],
            Body::empty(),
        )
        .await
        .json();
    assert_eq!(canonical["verb"]["display"], json!({ "id": "menjawab" }));
    assert_eq!(
        canonical["object"]["definition"]["name"],
        json!({ "id": "Soal 1" })
    );
    assert_eq!(canonical["actor"]["name"], "Siti");
    let exact = c
        .get(&format!("/xapi/statements?statementId={id}&format=exact"))
        .await
        .json();
    assert_eq!(exact["verb"]["display"], s["verb"]["display"]);
}

#[tokio::test]
async fn the_version_header_is_required_except_for_about() {
    let c = Client::memory();
    let s = statement("a", "experienced", "x");
    // A client that sends no version header at all.
    let mut bare = Client::memory();
    bare.headers.clear();
    let answer = bare
        .send(
            "POST",
            "/xapi/statements",
            &[("content-type", "application/json")],
            s.to_string(),
        )
        .await;
    assert_eq!(answer.status, 400);
    assert!(answer.text().contains("X-Experience-API-Version"));
    assert_eq!(
        answer.header("x-experience-api-version").as_deref(),
        Some("1.0.3")
    );
    let answer = c
        .send(
            "GET",
            "/xapi/statements",
            &[("X-Experience-API-Version", "3.0.0")],
            Body::empty(),
        )
        .await;
    assert_eq!(answer.status, 400);
    for ok in ["1.0", "1.0.0", "1.0.1", "1.0.3", "2.0", "2.0.0"] {
        assert_eq!(
            c.send(
                "GET",
                "/xapi/statements",
                &[("X-Experience-API-Version", ok)],
                Body::empty()
            )
            .await
            .status,
            200,
            "{ok}"
        );
    }
    let about = bare.get("/xapi/about").await;
    assert_eq!(about.status, 200);
    assert!(about.json()["version"]
        .as_array()
        .unwrap()
        .contains(&json!("1.0.3")));
}

#[tokio::test]
async fn statements_referring_to_a_match_match_too() {
    let c = Client::memory();
    let a = statement("ani", "answered", "q1");
    let refer = |actor: &str, verb: &str, target: &Value| {
        json!({
            "id": uuid::Uuid::new_v4().to_string(),
            "actor": { "mbox": format!("mailto:{actor}@example.org") },
            "verb": { "id": format!("http://example.org/verbs/{verb}") },
            "object": { "objectType": "StatementRef", "id": target["id"] }
        })
    };
    let b = refer("budi", "commented", &a);
    let d = refer("dewi", "liked", &b);
    let other = statement("eko", "answered", "q2");
    for s in [&a, &b, &d, &other] {
        assert_eq!(c.post("/xapi/statements", s).await.status, 200);
    }
    let ids = |list: Vec<Value>| {
        list.into_iter()
            .map(|s| s["id"].clone())
            .collect::<Vec<_>>()
    };
    // By activity, verb and agent of `a`: a itself, b (refers to a) and d (refers to b).
    let expected = vec![d["id"].clone(), b["id"].clone(), a["id"].clone()];
    assert_eq!(
        ids(c.all("activity=https%3A%2F%2Fexample.org%2Fq1").await),
        expected
    );
    assert_eq!(
        ids(c
            .all("verb=http%3A%2F%2Fadlnet.gov%2Fexpapi%2Fverbs%2Fanswered&limit=1")
            .await),
        {
            let mut e = vec![other["id"].clone()];
            e.extend(expected.clone());
            e
        }
    );
    let ani = query_value(&json!({ "mbox": "mailto:ani@example.org" }));
    assert_eq!(
        ids(c.all(&format!("agent={ani}&ascending=true&limit=2")).await),
        expected.into_iter().rev().collect::<Vec<_>>()
    );
    // The referring statement's own properties match as usual; `since` applies to it.
    let budi = query_value(&json!({ "mbox": "mailto:budi@example.org" }));
    assert_eq!(
        ids(c.all(&format!("agent={budi}")).await),
        vec![d["id"].clone(), b["id"].clone()]
    );
    let a_stored = c
        .get(&format!(
            "/xapi/statements?statementId={}",
            a["id"].as_str().unwrap()
        ))
        .await
        .json()["stored"]
        .clone();
    let since: String =
        form_urlencoded::byte_serialize(a_stored.as_str().unwrap().as_bytes()).collect();
    let after = ids(c
        .all(&format!(
            "activity=https%3A%2F%2Fexample.org%2Fq1&since={since}"
        ))
        .await);
    assert!(!after.contains(&a["id"]));
    // A voiding statement matches the filters of the statement it voids, which leaves.
    let voiding = json!({
        "actor": { "mbox": "mailto:admin@example.org" },
        "verb": { "id": "http://adlnet.gov/expapi/verbs/voided" },
        "object": { "objectType": "StatementRef", "id": other["id"] }
    });
    let vid = c.post("/xapi/statements", &voiding).await.json()[0].clone();
    assert_eq!(
        ids(c.all("activity=https%3A%2F%2Fexample.org%2Fq2").await),
        vec![vid]
    );
}
