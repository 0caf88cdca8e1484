//! The cmi5 rules: launch parameters, LMS.LaunchData, the fetch answer, which statement may
//! be sent when (including every rule that forbids one), and how an admitted statement is
//! dressed. Dressed statements are also kept as golden files, which the end-to-end tests
//! hand to the validator and the real LRS.

use pelita_lesson::{load_module, Command, Response, Session};
use pelita_xapi::cmi5::{
    auth_token, dress, fetch_refusal, query_found, registration_query, terminated_after,
    Cmi5Launch, Cmi5Rules, Defined, Forbidden, LaunchData, LaunchMode, MoveOn, RegistrationRecord,
    CATEGORY_CMI5, CATEGORY_MOVEON, EXT_MASTERY_SCORE, EXT_SESSION_ID,
};
use pelita_xapi::{Agent, Env, Reporter};
use serde_json::{json, Value};
use uuid::Uuid;

const SESSION: &str = "6e7c1f4a-2b3d-4c5e-8f9a-0b1c2d3e4f50";

fn q(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

fn launch() -> Cmi5Launch {
    Cmi5Launch::from_query(&q(&[
        ("endpoint", "https://lms.example.go.id/xapi"),
        ("fetch", "https://lms.example.go.id/fetch/abc"),
        ("actor", r#"{"objectType":"Agent","account":{"homePage":"https://lms.example.go.id","name":"siti-01"}}"#),
        ("registration", "0f9a4e33-2b1c-4c8e-9a55-2a5f5d8d1e10"),
        ("activityId", "https://lms.example.go.id/au/phishing"),
    ]))
    .expect("a cmi5 launch")
    .expect("valid")
}

fn launch_data(mode: &str, mastery: Value) -> LaunchData {
    LaunchData::from_json(
        &json!({
            "contextTemplate": {
                "contextActivities": {"grouping": [{"id": "https://lms.example.go.id/course/1"}]},
                "extensions": {EXT_SESSION_ID: SESSION}
            },
            "launchMode": mode,
            "moveOn": "CompletedAndPassed",
            "masteryScore": mastery,
            "returnURL": "https://lms.example.go.id/course/1",
        })
        .to_string(),
    )
    .expect("valid launch data")
}

fn statement(verb: &str) -> Value {
    json!({
        "id": Uuid::from_u128(0x1234).to_string(),
        "actor": {"objectType": "Agent", "account": {"homePage": "https://lms.example.go.id", "name": "siti-01"}},
        "verb": {"id": format!("http://adlnet.gov/expapi/verbs/{verb}"), "display": {"en": verb}},
        "object": {"objectType": "Activity", "id": "https://pelita.example.org/modules/phishing"},
        "context": {"contextActivities": {"grouping": [{"id": "https://pelita.example.org/modules/phishing"}]}},
        "timestamp": "2026-01-02T03:04:05.000Z"
    })
}

#[test]
fn a_cmi5_launch_is_read_from_the_query_and_every_problem_named() {
    let l = launch();
    assert_eq!(l.endpoint, "https://lms.example.go.id/xapi/");
    assert_eq!(
        l.actor.account.as_ref().map(|a| a.name.as_str()),
        Some("siti-01")
    );
    assert!(
        Cmi5Launch::from_query(&q(&[("endpoint", "https://x/")])).is_none(),
        "no fetch: not cmi5"
    );
    let problems = Cmi5Launch::from_query(&q(&[
        ("fetch", "ftp://x"),
        ("actor", r#"{"mbox":"mailto:a@b.c"}"#),
        ("registration", "42"),
        ("activityId", "not an iri"),
    ]))
    .expect("cmi5")
    .expect_err("invalid");
    let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "query: endpoint",
            "query: fetch",
            "query: actor",
            "query: registration",
            "query: activityId"
        ]
    );
}

#[test]
fn launch_data_is_read_and_each_bad_property_named() {
    let data = launch_data("Normal", json!(0.8));
    assert_eq!(data.launch_mode, LaunchMode::Normal);
    assert_eq!(data.move_on, MoveOn::CompletedAndPassed);
    assert_eq!(data.mastery_score, Some(0.8));
    assert_eq!(
        data.return_url.as_deref(),
        Some("https://lms.example.go.id/course/1")
    );
    let problems = LaunchData::from_json(
        &json!({"contextTemplate": {"extensions": {}}, "launchMode": "Play", "moveOn": "Sometimes", "masteryScore": 1.5, "returnURL": 7})
            .to_string(),
    )
    .expect_err("invalid");
    let names: Vec<&str> = problems
        .iter()
        .map(|p| p.split(':').next().unwrap_or(""))
        .collect();
    assert_eq!(
        names,
        [
            "contextTemplate.extensions",
            "launchMode",
            "moveOn",
            "masteryScore",
            "returnURL"
        ]
    );
    assert!(LaunchData::from_json("{").is_err());
}

#[test]
fn the_fetch_answer_gives_the_token_once() {
    assert_eq!(
        auth_token(r#"{"auth-token": "QWxhZGRpbjpvcGVu"}"#),
        Ok("QWxhZGRpbjpvcGVu".into())
    );
    let second =
        auth_token(r#"{"error-code": "1", "error-text": "already fetched"}"#).expect_err("refused");
    assert!(
        second.contains("error \"1\"") && second.contains("already fetched"),
        "{second}"
    );
    assert!(auth_token("<html>").is_err());
    assert!(auth_token(r#"{"auth-token": ""}"#).is_err());
}

/// A sequence of verbs in one session, each with whether it is admitted.
fn run(rules: &mut Cmi5Rules, steps: &[(&str, Result<(), Forbidden>)]) {
    let (l, data) = (launch(), launch_data("Normal", json!(0.8)));
    for (verb, expected) in steps {
        let mut s = statement(verb);
        assert_eq!(&rules.admit(&mut s, &l, &data), expected, "{verb}");
    }
}

#[test]
fn every_ordering_rule_is_enforced() {
    use Forbidden::*;
    let ok = || Ok(());
    // A normal session: allowed statements in between, each defined verb once.
    let mut rules = Cmi5Rules::new(LaunchMode::Normal, false, false);
    run(
        &mut rules,
        &[
            ("answered", Err(BeforeInitialized("answered".into()))),
            ("completed", Err(BeforeInitialized("completed".into()))),
            ("initialized", ok()),
            ("initialized", Err(TwiceInSession("initialized"))),
            ("experienced", ok()),
            ("answered", ok()),
            ("failed", ok()),
            ("passed", Err(PassedAndFailed("passed", "failed"))),
            ("failed", Err(TwiceInSession("failed"))),
            ("completed", ok()),
            ("completed", Err(TwiceInSession("completed"))),
            ("terminated", ok()),
            ("answered", Err(AfterTerminated("answered".into()))),
            ("terminated", Err(AfterTerminated("terminated".into()))),
        ],
    );
    assert!(rules.terminated());

    // The next session of the same registration: completed is already there, passed comes.
    let mut rules = Cmi5Rules::new(LaunchMode::Normal, true, false);
    run(
        &mut rules,
        &[
            ("initialized", ok()),
            ("completed", Err(TwiceInRegistration("completed"))),
            ("passed", ok()),
            ("failed", Err(PassedAndFailed("failed", "passed"))),
            ("terminated", ok()),
        ],
    );
    // And after passing, failing is never allowed, nor passing again.
    let mut rules = Cmi5Rules::new(LaunchMode::Normal, true, true);
    run(
        &mut rules,
        &[
            ("initialized", ok()),
            ("failed", Err(FailedAfterPassed)),
            ("passed", Err(TwiceInRegistration("passed"))),
            ("terminated", ok()),
        ],
    );
    // Browse and Review report only initialized and terminated.
    for mode in [LaunchMode::Browse, LaunchMode::Review] {
        let mut rules = Cmi5Rules::new(mode, false, false);
        run(
            &mut rules,
            &[
                ("initialized", ok()),
                (
                    "experienced",
                    Err(NotInThisMode("experienced".into(), mode)),
                ),
                ("answered", Err(NotInThisMode("answered".into(), mode))),
                ("completed", Err(NotInThisMode("completed".into(), mode))),
                ("passed", Err(NotInThisMode("passed".into(), mode))),
                ("terminated", ok()),
            ],
        );
    }
    let rules = Cmi5Rules::new(LaunchMode::Normal, false, false);
    assert_eq!(rules.check(&json!({"id": "x"})), Err(NoVerb));
}

#[test]
fn the_bookkeeping_survives_a_reload() {
    let mut rules = Cmi5Rules::new(LaunchMode::Normal, false, false);
    run(
        &mut rules,
        &[("initialized", Ok(())), ("completed", Ok(()))],
    );
    let back = Cmi5Rules::from_json(&rules.to_json()).expect("reads back");
    assert_eq!(back, rules);
    let mut back = back;
    run(
        &mut back,
        &[("completed", Err(Forbidden::TwiceInSession("completed")))],
    );
    assert!(Cmi5Rules::from_json("{}").is_err());
    assert!(Cmi5Rules::from_json(r#"{"mode":"Normal","session":["launched"]}"#).is_err());
    assert_eq!(Defined::of("http://adlnet.gov/expapi/verbs/answered"), None);
}

fn categories(s: &Value) -> Vec<&str> {
    s.pointer("/context/contextActivities/category")
        .and_then(Value::as_array)
        .map(|c| c.iter().filter_map(|c| c["id"].as_str()).collect())
        .unwrap_or_default()
}

#[test]
fn admitted_statements_are_dressed_as_cmi5_requires() {
    let (l, data) = (launch(), launch_data("Normal", json!(0.8)));
    let mut rules = Cmi5Rules::new(LaunchMode::Normal, false, false);
    let mut dressed = vec![];
    for verb in [
        "initialized",
        "answered",
        "completed",
        "passed",
        "terminated",
    ] {
        let mut s = statement(verb);
        rules.admit(&mut s, &l, &data).expect("admitted");
        dressed.push(s);
    }
    for s in &dressed {
        // The template is merged in, and the statement's own context stays.
        assert_eq!(
            s.pointer(&format!(
                "/context/extensions/{}",
                EXT_SESSION_ID.replace('/', "~1")
            )),
            Some(&json!(SESSION))
        );
        let grouping: Vec<&str> = s["context"]["contextActivities"]["grouping"]
            .as_array()
            .expect("grouping")
            .iter()
            .filter_map(|g| g["id"].as_str())
            .collect();
        assert_eq!(
            grouping,
            [
                "https://lms.example.go.id/course/1",
                "https://pelita.example.org/modules/phishing"
            ]
        );
        assert_eq!(
            s["context"]["registration"],
            "0f9a4e33-2b1c-4c8e-9a55-2a5f5d8d1e10"
        );
    }
    assert_eq!(categories(&dressed[0]), [CATEGORY_CMI5]);
    assert_eq!(
        dressed[0]["object"]["id"],
        "https://lms.example.go.id/au/phishing"
    );
    assert!(
        categories(&dressed[1]).is_empty(),
        "an allowed statement has no cmi5 category"
    );
    assert_eq!(
        dressed[1]["object"]["id"],
        "https://pelita.example.org/modules/phishing"
    );
    assert_eq!(categories(&dressed[2]), [CATEGORY_CMI5, CATEGORY_MOVEON]);
    assert_eq!(categories(&dressed[3]), [CATEGORY_CMI5, CATEGORY_MOVEON]);
    assert_eq!(
        dressed[3]["context"]["extensions"][EXT_MASTERY_SCORE],
        json!(0.8)
    );
    let mut judged = statement("failed");
    judged["result"] = json!({"success": false, "completion": true, "score": {"scaled": 0.5}});
    dress(&mut judged, &l, &data, Some(Defined::Failed));
    assert_eq!(
        judged["result"],
        json!({"success": false, "score": {"scaled": 0.5}}),
        "completion is for `completed` only"
    );
    assert!(dressed[2]["context"]["extensions"]
        .get(EXT_MASTERY_SCORE)
        .is_none());
    assert_eq!(categories(&dressed[4]), [CATEGORY_CMI5]);

    // The template's values win over the statement's.
    let mut s = statement("answered");
    s["context"]["extensions"] = json!({EXT_SESSION_ID: "forged"});
    dress(&mut s, &l, &data, None);
    assert_eq!(s["context"]["extensions"][EXT_SESSION_ID], SESSION);
    // A template that (wrongly) carries the cmi5 category does not put it on allowed ones.
    let mut odd = data.clone();
    odd.context_template["contextActivities"]["category"] = json!([{"id": CATEGORY_CMI5}]);
    let mut s = statement("answered");
    dress(&mut s, &l, &odd, None);
    assert!(categories(&s).is_empty());
    assert!(
        s["context"]["contextActivities"].get("category").is_none(),
        "no empty list"
    );
}

struct FixedEnv(i64, u128);
impl Env for FixedEnv {
    fn now_ms(&mut self) -> i64 {
        self.0 += 1_250;
        self.0
    }
    fn uuid(&mut self) -> Uuid {
        self.1 += 1;
        uuid::Builder::from_random_bytes((self.1 + 500).to_be_bytes()).into_uuid()
    }
}

/// The player's own statements for a passing attempt, dressed: golden files the end-to-end
/// tests give to the validator and the real LRS.
#[test]
fn dressed_statements_of_a_real_session_match_the_goldens() {
    let module = load_module(include_str!("small.json")).expect("valid");
    let l = launch();
    let data = launch_data("Normal", json!(0.5));
    let mut session = Session::new(&module);
    let actor: Agent = l.actor.clone();
    let mut reporter = Reporter::new(
        actor,
        l.activity_id.clone(),
        Some(l.registration),
        "id".into(),
    );
    let mut env = FixedEnv(1_767_323_045_000, 0);
    let mut rules = Cmi5Rules::new(data.launch_mode, false, false);
    let commands = vec![
        Command::Start,
        Command::SetResponse("tf".into(), Response::TrueFalse(true)),
        Command::Submit("tf".into()),
        Command::Finish,
    ];
    let mut out = vec![];
    for command in commands {
        for event in session.apply(&module, command).expect("accepted") {
            for statement in reporter.report(&module, &event, &mut env) {
                let mut value = serde_json::to_value(&statement).expect("json");
                rules.admit(&mut value, &l, &data).expect("admitted");
                out.push(value);
            }
        }
    }
    let verbs: Vec<&str> = out
        .iter()
        .map(|s| {
            s["verb"]["id"]
                .as_str()
                .unwrap_or("")
                .rsplit('/')
                .next()
                .unwrap_or("")
        })
        .collect();
    assert_eq!(
        verbs,
        [
            "initialized",
            "experienced",
            "answered",
            "completed",
            "failed",
            "terminated"
        ]
    );
    for (name, s) in [
        ("cmi5-initialized", &out[0]),
        ("cmi5-answered", &out[2]),
        ("cmi5-failed", &out[4]),
        ("cmi5-terminated", &out[5]),
    ] {
        let actual = serde_json::to_string_pretty(s).expect("json") + "\n";
        let path = format!("{}/tests/golden/{name}.json", env!("CARGO_MANIFEST_DIR"));
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            std::fs::write(&path, &actual).expect("write golden");
            continue;
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("missing {path}"));
        assert_eq!(actual, expected, "{name} differs from {path}");
    }
}

#[test]
fn the_registration_is_asked_for_its_completed_and_passed() {
    let l = launch();
    let url = registration_query(&l, Defined::Passed);
    assert!(
        url.starts_with("https://lms.example.go.id/xapi/statements?agent="),
        "{url}"
    );
    let (_, query) = url.split_once('?').expect("a query");
    let pairs: Vec<(String, String)> = query
        .split('&')
        .map(|pair| {
            let (k, v) = pair.split_once('=').expect("name=value");
            let decoded = percent_decode(v);
            (k.to_string(), decoded)
        })
        .collect();
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(name, _)| name == k)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("{k} is in {url}"))
    };
    let agent: Value = serde_json::from_str(get("agent")).expect("the agent is JSON");
    assert_eq!(agent["account"]["name"], "siti-01");
    assert_eq!(get("verb"), "http://adlnet.gov/expapi/verbs/passed");
    assert_eq!(get("activity"), "https://lms.example.go.id/au/phishing");
    assert_eq!(get("registration"), "0f9a4e33-2b1c-4c8e-9a55-2a5f5d8d1e10");
    assert_eq!(get("limit"), "1");
    assert!(registration_query(&l, Defined::Completed).contains("verbs%2Fcompleted"));

    assert_eq!(
        query_found(r#"{"statements":[{"id":"x"}],"more":""}"#),
        Ok(true)
    );
    assert_eq!(query_found(r#"{"statements":[],"more":""}"#), Ok(false));
    assert!(query_found("[]").is_err());
    assert!(query_found("<html>").is_err());
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("hex");
            out.push(u8::from_str_radix(hex, 16).expect("hex"));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("UTF-8")
}

#[test]
fn a_second_session_sends_no_completed_or_passed_the_registration_has() {
    use Forbidden::*;
    let record = RegistrationRecord {
        completed: true,
        passed: true,
    };
    let mut rules = Cmi5Rules::for_registration(LaunchMode::Normal, record);
    run(
        &mut rules,
        &[
            ("initialized", Ok(())),
            ("completed", Err(TwiceInRegistration("completed"))),
            ("passed", Err(TwiceInRegistration("passed"))),
            ("failed", Err(FailedAfterPassed)),
            ("terminated", Ok(())),
        ],
    );
    let record = RegistrationRecord {
        completed: true,
        passed: false,
    };
    let mut rules = Cmi5Rules::for_registration(LaunchMode::Normal, record);
    run(
        &mut rules,
        &[
            ("initialized", Ok(())),
            ("completed", Err(TwiceInRegistration("completed"))),
            ("failed", Ok(())),
            ("terminated", Ok(())),
        ],
    );
}

#[test]
fn a_continued_attempt_opens_its_new_session_with_initialized() {
    let (l, data) = (launch(), launch_data("Normal", json!(0.8)));
    let mut rules = Cmi5Rules::new(LaunchMode::Normal, false, false);
    let mut resumed = statement("resumed");
    assert_eq!(rules.admit(&mut resumed, &l, &data), Ok(()));
    assert_eq!(
        resumed["verb"]["id"],
        "http://adlnet.gov/expapi/verbs/initialized"
    );
    assert_eq!(
        resumed["object"]["id"],
        "https://lms.example.go.id/au/phishing"
    );
    assert!(categories(&resumed).contains(&CATEGORY_CMI5));
    // Later in the same session a resumed is an allowed statement as it is.
    let mut again = statement("resumed");
    assert_eq!(rules.admit(&mut again, &l, &data), Ok(()));
    assert_eq!(
        again["verb"]["id"],
        "http://adlnet.gov/expapi/verbs/resumed"
    );
}

#[test]
fn a_session_cut_short_ends_with_terminated_after_suspended() {
    let (l, data) = (launch(), launch_data("Normal", json!(0.8)));
    let mut rules = Cmi5Rules::new(LaunchMode::Normal, false, false);
    run(&mut rules, &[("initialized", Ok(())), ("answered", Ok(()))]);
    let mut suspended = statement("suspended");
    suspended["result"] = json!({"duration": "PT1M2S"});
    assert_eq!(rules.admit(&mut suspended, &l, &data), Ok(()));
    let id = Uuid::from_u128(0x9999);
    let mut terminated = terminated_after(&suspended, id);
    assert_eq!(rules.admit(&mut terminated, &l, &data), Ok(()));
    assert!(rules.terminated());
    assert_eq!(terminated["id"], id.to_string());
    assert_eq!(
        terminated["verb"]["id"],
        "http://adlnet.gov/expapi/verbs/terminated"
    );
    assert_eq!(terminated["result"]["duration"], "PT1M2S");
    assert_eq!(
        terminated["object"]["id"],
        "https://lms.example.go.id/au/phishing"
    );
    assert_eq!(terminated["timestamp"], suspended["timestamp"]);
    let back = Cmi5Rules::from_json(&rules.to_json()).expect("reads back");
    assert!(back.terminated(), "a reload knows the session has ended");
}

#[test]
fn the_lms_refusal_of_a_fetch_is_kept_in_its_own_words() {
    assert_eq!(
        fetch_refusal(
            r#"{"error-code":"1","error-text":"The authorization token has already been returned."}"#
        ),
        (
            Some("1".to_string()),
            Some("The authorization token has already been returned.".to_string())
        )
    );
    assert_eq!(
        fetch_refusal(r#"{"error-code":2}"#),
        (Some("2".to_string()), None)
    );
    assert_eq!(fetch_refusal("<html>gateway</html>"), (None, None));
}
