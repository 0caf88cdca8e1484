//! Statement validation, data-driven: every golden statement and every `valid` case of
//! `statements-corpus.json` has no problem, and every `invalid` case has one that names
//! the expected JSON path. The same corpus feeds the LRS tests and the node equivalence
//! test against Learning Locker, so the three judges are asked the same questions.

use pelita_xapi::{batch_problems, statement_problems};
use serde_json::Value;

/// RFC 7396 JSON merge patch: objects merge key by key, `null` removes, anything else
/// replaces.
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

fn corpus() -> Value {
    serde_json::from_str(include_str!("statements-corpus.json")).expect("corpus is JSON")
}

fn build(corpus: &Value, case: &Value) -> Value {
    if let Some(statement) = case.get("statement") {
        return statement.clone();
    }
    let mut statement = corpus["base"].clone();
    merge_patch(&mut statement, &case["patch"]);
    statement
}

#[test]
fn golden_statements_are_valid() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden");
    let mut count = 0;
    for entry in std::fs::read_dir(dir).expect("golden dir") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("read golden");
        let statement: Value = serde_json::from_str(&text).expect("golden is JSON");
        assert_eq!(statement_problems(&statement), vec![], "{}", path.display());
        count += 1;
    }
    assert!(count >= 10, "only {count} golden statements found");
}

#[test]
fn valid_corpus_has_no_problem() {
    let corpus = corpus();
    for case in corpus["valid"].as_array().expect("valid list") {
        let statement = build(&corpus, case);
        assert_eq!(
            statement_problems(&statement),
            vec![],
            "case {}",
            case["name"]
        );
    }
}

#[test]
fn every_invalid_case_names_its_path() {
    let corpus = corpus();
    let cases = corpus["invalid"].as_array().expect("invalid list");
    assert!(cases.len() > 80);
    let mut missed = Vec::new();
    for case in cases {
        let statement = build(&corpus, case);
        let problems = statement_problems(&statement);
        let expected = case["path"].as_str().expect("path");
        if !problems
            .iter()
            .any(|p| p.path == expected && !p.message.is_empty())
        {
            missed.push(format!(
                "case {}: expected a problem at {expected}, got {problems:?}",
                case["name"]
            ));
        }
    }
    assert!(missed.is_empty(), "{}", missed.join("\n"));
}

#[test]
fn a_batch_names_the_index_and_refuses_duplicate_ids() {
    let corpus = corpus();
    let good = corpus["base"].clone();
    let mut other = good.clone();
    other["id"] = Value::from("7f1b7c3e-1a2b-4c3d-8e4f-5a6b7c8d9e0f");
    assert_eq!(
        batch_problems(&Value::Array(vec![good.clone(), other.clone()])),
        vec![]
    );

    let mut bad = other.clone();
    bad["verb"]["id"] = Value::from("answered");
    let problems = batch_problems(&Value::Array(vec![good.clone(), bad]));
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].path, "$[1].verb.id");

    let problems = batch_problems(&Value::Array(vec![good.clone(), good.clone()]));
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].path, "$[1].id");
    assert!(problems[0].to_string().contains("twice"));
}

#[test]
fn every_problem_is_reported_at_once() {
    let statement: Value = serde_json::json!({
        "id": "x",
        "actor": { "mbox": "siti" },
        "verb": { "id": "answered" },
        "object": { "id": "q 1" },
        "timestamp": "today"
    });
    let paths: Vec<String> = statement_problems(&statement)
        .into_iter()
        .map(|p| p.path)
        .collect();
    assert_eq!(
        paths,
        [
            "$.id",
            "$.actor.mbox",
            "$.verb.id",
            "$.object.id",
            "$.timestamp"
        ]
    );
}

/// The corpus's base statement with `patch` merged in (RFC 7396).
fn patched(patch: Value) -> Value {
    let corpus = corpus();
    let mut statement = corpus["base"].clone();
    merge_patch(&mut statement, &patch);
    statement
}

fn paths(statement: &Value) -> Vec<String> {
    statement_problems(statement)
        .into_iter()
        .map(|p| p.path)
        .collect()
}

#[test]
fn a_group_authority_is_the_anonymous_oauth_pair() {
    let oauth = serde_json::json!({
        "objectType": "Group",
        "member": [
            { "account": { "homePage": "http://example.com/xAPI/OAuth/Token", "name": "oauth_consumer_x75db" } },
            { "mbox": "mailto:bob_authority@example.com" }
        ]
    });
    assert_eq!(
        paths(&patched(serde_json::json!({ "authority": oauth }))),
        Vec::<String>::new()
    );
    // ADL's suite, XAPI-00100: an identified Group of two plain Agents is no OAuth pair.
    let identified = serde_json::json!({
        "objectType": "Group", "name": "xAPI Group", "mbox": "mailto:xapigroup@example.com",
        "member": [
            { "name": "agentA", "mbox": "mailto:agentA@example.com" },
            { "name": "agentB", "mbox": "mailto:agentB@example.com" }
        ]
    });
    assert_eq!(
        paths(&patched(serde_json::json!({ "authority": identified }))),
        ["$.authority.mbox"]
    );
    let three = serde_json::json!({
        "objectType": "Group",
        "member": [
            { "mbox": "mailto:a@example.com" },
            { "mbox": "mailto:b@example.com" },
            { "mbox": "mailto:c@example.com" }
        ]
    });
    assert_eq!(
        paths(&patched(serde_json::json!({ "authority": three }))),
        ["$.authority.member"]
    );
}

#[test]
fn a_negative_zero_offset_is_no_time_zone() {
    for stamp in [
        "2026-01-02T03:04:05-00",
        "2026-01-02T03:04:05-0000",
        "2026-01-02T03:04:05-00:00",
    ] {
        assert_eq!(
            paths(&patched(serde_json::json!({ "timestamp": stamp }))),
            ["$.timestamp"],
            "{stamp}"
        );
    }
    for stamp in ["2026-01-02T03:04:05+00:00", "2026-01-02T03:04:05-01:00"] {
        assert_eq!(
            paths(&patched(serde_json::json!({ "timestamp": stamp }))),
            Vec::<String>::new(),
            "{stamp}"
        );
    }
}

#[test]
fn a_voided_statement_voids_a_statement_ref() {
    let voided = |object: Value| {
        patched(serde_json::json!({
            "verb": { "id": "http://adlnet.gov/expapi/verbs/voided", "display": { "en": "voided" } },
            "object": null,
            "context": null
        }))
        .as_object()
        .cloned()
        .map(|mut m| {
            m.insert("object".into(), object);
            Value::Object(m)
        })
        .expect("an object")
    };
    let by_ref = voided(serde_json::json!({
        "objectType": "StatementRef", "id": "6f1b7c3e-1a2b-4c3d-8e4f-5a6b7c8d9e0a"
    }));
    assert_eq!(paths(&by_ref), Vec::<String>::new());
    let activity = voided(serde_json::json!({ "id": "http://example.com/activity" }));
    assert_eq!(paths(&activity), ["$.object"]);
    let agent =
        voided(serde_json::json!({ "objectType": "Agent", "mbox": "mailto:a@example.com" }));
    assert_eq!(paths(&agent), ["$.object"]);
}

#[test]
fn each_version_of_the_standard_has_its_own_rules() {
    use pelita_xapi::{batch_problems_for, Spec};
    let paths_for = |s: &Value, spec: Spec| -> Vec<String> {
        batch_problems_for(s, spec)
            .into_iter()
            .map(|p| p.path)
            .collect()
    };
    let context_agents = patched(serde_json::json!({
        "context": {
            "contextAgents": [{
                "objectType": "contextAgent",
                "agent": { "mbox": "mailto:coach@example.org" },
                "relevantTypes": ["https://example.org/types/coach"]
            }],
            "contextGroups": [{
                "objectType": "contextGroup",
                "group": { "objectType": "Group", "mbox": "mailto:team@example.org" }
            }]
        }
    }));
    assert_eq!(paths_for(&context_agents, Spec::V2), Vec::<String>::new());
    assert_eq!(
        paths_for(&context_agents, Spec::V1),
        ["$.context.contextAgents", "$.context.contextGroups"]
    );
    let bad = patched(serde_json::json!({
        "context": {
            "contextAgents": [{ "objectType": "Agent", "agent": { "name": "no identifier" } }],
            "contextGroups": [{
                "objectType": "contextGroup",
                "group": { "objectType": "Group", "mbox": "mailto:team@example.org" },
                "relevantTypes": []
            }, {
                "objectType": "contextGroup",
                "group": { "objectType": "Group", "mbox": "mailto:team@example.org" },
                "relevantTypes": ["abc"]
            }]
        }
    }));
    assert_eq!(
        paths_for(&bad, Spec::V2),
        [
            "$.context.contextAgents[0].objectType",
            "$.context.contextAgents[0].agent",
            "$.context.contextGroups[0].relevantTypes",
            "$.context.contextGroups[1].relevantTypes[0]"
        ]
    );
    let v2 = patched(serde_json::json!({ "version": "2.0.0" }));
    assert_eq!(paths_for(&v2, Spec::V2), Vec::<String>::new());
    assert_eq!(paths_for(&v2, Spec::V1), ["$.version"]);
    let v1 = patched(serde_json::json!({ "version": "1.0.3" }));
    assert_eq!(paths_for(&v1, Spec::V2), Vec::<String>::new());
    let v3 = patched(serde_json::json!({ "version": "3.0.0" }));
    assert_eq!(paths_for(&v3, Spec::V2), ["$.version"]);
}
