//! Golden statements: a scripted session through a small module must produce exactly the
//! statements stored in `tests/golden/`, one file per verb and question type. Set
//! `UPDATE_GOLDEN=1` to rewrite them after an intended change, then review the diff.

use pelita_lesson::{load_module, Command, Module, Response, Session};
use pelita_xapi::{Agent, Env, Reporter, Statement};
use uuid::Uuid;

struct FixedEnv {
    now: i64,
    next: u128,
}

impl Env for FixedEnv {
    fn now_ms(&mut self) -> i64 {
        self.now += 1_250;
        self.now
    }
    fn uuid(&mut self) -> Uuid {
        self.next += 1;
        // Version 4 and variant bits set, so these look like the random ids the player makes.
        uuid::Builder::from_random_bytes(self.next.to_be_bytes()).into_uuid()
    }
}

fn module() -> Module {
    load_module(include_str!("small.json")).expect("valid")
}

fn learner() -> Agent {
    Agent {
        object_type: "Agent".into(),
        name: Some("Siti Rahma".into()),
        mbox: Some("mailto:siti@example.go.id".into()),
        ..Agent::default()
    }
}

fn run(commands: Vec<Command>) -> Vec<Statement> {
    run_module(&module(), commands)
}

fn run_module(m: &Module, commands: Vec<Command>) -> Vec<Statement> {
    let m = m.clone();
    let mut session = Session::new(&m);
    let mut reporter = Reporter::new(learner(), m.id.clone(), None, "id".into());
    let mut env = FixedEnv {
        now: 1_767_323_045_000,
        next: 0,
    };
    let mut out = Vec::new();
    for command in commands {
        for event in session.apply(&m, command).expect("command accepted") {
            out.extend(reporter.report(&m, &event, &mut env));
        }
    }
    out
}

fn check(name: &str, statement: &Statement) {
    let actual = serde_json::to_string_pretty(statement).expect("serialises") + "\n";
    let path = format!("{}/tests/golden/{name}.json", env!("CARGO_MANIFEST_DIR"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &actual).expect("write golden");
        return;
    }
    let expected =
        std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("missing golden file {path}"));
    assert_eq!(actual, expected, "statement `{name}` differs from {path}");
}

fn choose(q: &str, ids: &[&str]) -> Command {
    Command::SetResponse(q.into(), Response::choices(ids.iter().copied()))
}

#[test]
fn a_passing_attempt_matches_the_golden_statements() {
    let statements = run(vec![
        Command::Start,
        Command::SetResponse("tf".into(), Response::TrueFalse(true)),
        Command::Submit("tf".into()),
        Command::GoTo(1),
        choose("single", &["a"]),
        Command::Submit("single".into()),
        choose("multi", &["z", "x"]),
        Command::Submit("multi".into()),
        Command::Finish,
    ]);
    let verbs: Vec<&str> = statements
        .iter()
        .map(|s| {
            s.verb
                .id
                .trim_start_matches("http://adlnet.gov/expapi/verbs/")
        })
        .collect();
    assert_eq!(
        verbs,
        [
            "initialized",
            "experienced",
            "answered",
            "experienced",
            "answered",
            "answered",
            "completed",
            "passed",
            "terminated"
        ]
    );
    let names = [
        "initialized",
        "experienced",
        "answered-true-false",
        "",
        "answered-choice-single",
        "answered-choice-multiple",
        "completed",
        "passed",
        "terminated",
    ];
    for (name, statement) in names.iter().zip(&statements) {
        if !name.is_empty() {
            check(name, statement);
        }
    }
    // Every statement of one attempt shares one registration; ids are all distinct.
    let registration = statements[0].context.as_ref().and_then(|c| c.registration);
    assert!(registration.is_some());
    assert!(statements
        .iter()
        .all(|s| s.context.as_ref().and_then(|c| c.registration) == registration));
    let mut ids: Vec<_> = statements.iter().map(|s| s.id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), statements.len());
}

#[test]
fn a_failing_attempt_and_its_retry() {
    let statements = run(vec![
        Command::Start,
        Command::SetResponse("tf".into(), Response::TrueFalse(false)),
        Command::Submit("tf".into()),
        Command::GoTo(1),
        choose("multi", &["x", "y"]),
        Command::Submit("multi".into()),
        Command::Finish,
        Command::Retry,
    ]);
    let failed = statements
        .iter()
        .find(|s| s.verb.id.ends_with("/failed"))
        .expect("a failed statement");
    check("failed", failed);
    let wrong = &statements[2];
    check("answered-true-false-wrong", wrong);
    // The retry is a new attempt under a new registration.
    let inits: Vec<_> = statements
        .iter()
        .filter(|s| s.verb.id.ends_with("/initialized"))
        .map(|s| s.context.as_ref().and_then(|c| c.registration))
        .collect();
    assert_eq!(inits.len(), 2);
    assert_ne!(inits[0], inits[1]);
    assert!(!statements.iter().any(|s| s.verb.id.ends_with("/passed")));
}

#[test]
fn a_launcher_registration_is_kept_across_attempts() {
    let m = module();
    let fixed = Uuid::parse_str("9a0e4b4e-6c1c-4e6f-9d5e-3f1f2b3c4d5e").expect("uuid");
    let mut reporter = Reporter::new(
        learner(),
        "https://lms.example/activity/7".into(),
        Some(fixed),
        "en".into(),
    );
    let mut session = Session::new(&m);
    let mut env = FixedEnv { now: 0, next: 0 };
    let mut statements = Vec::new();
    for command in [Command::Start, Command::Finish, Command::Retry] {
        for event in session.apply(&m, command).expect("ok") {
            statements.extend(reporter.report(&m, &event, &mut env));
        }
    }
    assert!(statements
        .iter()
        .all(|s| s.context.as_ref().and_then(|c| c.registration) == Some(fixed)));
    assert_eq!(statements[0].object.id, "https://lms.example/activity/7");
    assert_eq!(
        statements
            .iter()
            .find(|s| s.verb.id.ends_with("/failed"))
            .map(|s| s.result.as_ref().and_then(|r| r.score).map(|x| x.scaled)),
        Some(Some(0.0))
    );
}

#[test]
fn a_suspended_attempt_resumes_under_its_registration_and_counts_only_time_spent() {
    let m = module();
    let mut env = FixedEnv {
        now: 1_767_323_045_000,
        next: 100,
    };
    let mut session = Session::new(&m);
    let mut reporter = Reporter::new(learner(), m.id.clone(), None, "id".into());
    let mut made = Vec::new();
    for command in [Command::Start, Command::Suspend] {
        for event in session.apply(&m, command).expect("accepted") {
            made.extend(reporter.report(&m, &event, &mut env));
        }
    }
    let suspended = made.last().expect("a statement").clone();
    check("suspended", &suspended);
    let registration = reporter.registration();
    let elapsed = reporter.elapsed_ms(env.now);

    // Another device, a day later: a new reporter takes the attempt up.
    env.now += 86_400_000;
    let snapshot = session.snapshot().expect("in progress");
    let (mut resumed, events) = Session::resume(&m, &snapshot).expect("fits");
    let mut later = Reporter::new(learner(), m.id.clone(), None, "id".into());
    later.resume_attempt(registration, elapsed, env.now);
    let mut statements = Vec::new();
    for event in &events {
        statements.extend(later.report(&m, event, &mut env));
    }
    check("resumed", &statements[0]);
    for command in [Command::Finish] {
        for event in resumed.apply(&m, command).expect("accepted") {
            statements.extend(later.report(&m, &event, &mut env));
        }
    }
    let verbs: Vec<&str> = statements
        .iter()
        .map(|s| {
            s.verb
                .id
                .trim_start_matches("http://adlnet.gov/expapi/verbs/")
        })
        .collect();
    assert_eq!(
        verbs,
        [
            "resumed",
            "experienced",
            "completed",
            "failed",
            "terminated"
        ]
    );
    assert!(statements
        .iter()
        .all(|s| s.context.as_ref().and_then(|c| c.registration) == registration));
    // Time in the module: 2.5 s before the suspension, and 3 steps of 1.25 s after it; the
    // day away does not count.
    let completed = &statements[2];
    assert_eq!(
        completed
            .result
            .as_ref()
            .and_then(|r| r.duration.as_deref()),
        Some("PT6.25S")
    );
}

#[test]
fn saved_attempts_round_trip_and_the_newest_unfinished_one_is_offered() {
    use pelita_xapi::SavedAttempt;
    let m = module();
    let mut session = Session::new(&m);
    session.apply(&m, Command::Start).expect("start");
    let saved = SavedAttempt {
        module_id: m.id.clone(),
        snapshot: session.snapshot(),
        registration: Some(Uuid::from_u128(7)),
        elapsed_ms: 12_000,
        saved_at_ms: 1_000,
    };
    let back = SavedAttempt::from_json(&saved.to_json()).expect("reads back");
    assert_eq!(back, saved);
    let newer = SavedAttempt {
        saved_at_ms: 2_000,
        ..saved.clone()
    };
    let finished = SavedAttempt {
        snapshot: None,
        saved_at_ms: 3_000,
        ..saved.clone()
    };
    let other_module = SavedAttempt {
        module_id: "https://example.org/modules/other".into(),
        saved_at_ms: 4_000,
        ..saved.clone()
    };
    let offer = |a: &SavedAttempt, b: &SavedAttempt| {
        SavedAttempt::to_continue(&m.id, Some(a.clone()), Some(b.clone())).map(|s| s.saved_at_ms)
    };
    assert_eq!(offer(&saved, &newer), Some(2_000));
    assert_eq!(offer(&newer, &saved), Some(2_000));
    assert_eq!(
        offer(&saved, &finished),
        None,
        "the newest copy says it finished"
    );
    assert_eq!(offer(&saved, &other_module), None);
    assert_eq!(
        SavedAttempt::to_continue(&m.id, None, Some(saved.clone())).map(|s| s.saved_at_ms),
        Some(1_000)
    );
    assert_eq!(SavedAttempt::to_continue(&m.id, None, None), None);
    for broken in [
        "",
        "[]",
        r#"{"module": 1}"#,
        r#"{"module": "m", "attempt": null, "registration": "x", "elapsed_ms": 0, "saved_at_ms": 0}"#,
        r#"{"module": "m", "attempt": {"page": 0}, "elapsed_ms": 0, "saved_at_ms": 0}"#,
    ] {
        assert!(SavedAttempt::from_json(broken).is_err(), "{broken}");
    }
}

#[test]
fn the_state_url_names_the_learner_and_the_activity() {
    use pelita_xapi::{state_url, Launch};
    let learner = learner();
    assert_eq!(
        state_url(&Launch::default(), "https://example.org/m", &learner),
        None
    );
    let launch = Launch {
        endpoint: Some("https://lrs.example.org/xapi/".into()),
        ..Launch::default()
    };
    let url = state_url(&launch, "https://example.org/m?x=1", &learner).expect("a URL");
    assert_eq!(
        url,
        "https://lrs.example.org/xapi/activities/state?stateId=pelita.session.v1&activityId=https%3A%2F%2Fexample.org%2Fm%3Fx%3D1&agent=%7B%22objectType%22%3A%22Agent%22%2C%22name%22%3A%22Siti%20Rahma%22%2C%22mbox%22%3A%22mailto%3Asiti%40example.go.id%22%7D"
    );
    let fixed = Launch {
        registration: Some(Uuid::from_u128(9)),
        ..launch
    };
    assert!(state_url(&fixed, "https://example.org/m", &learner)
        .expect("a URL")
        .ends_with("&registration=00000000-0000-0000-0000-000000000009"));
}

#[test]
fn sequencing_matching_and_hotspot_answers_match_the_golden_statements() {
    let m = load_module(include_str!("types.json")).expect("valid");
    let statements = run_module(
        &m,
        vec![
            Command::Start,
            Command::GoTo(1),
            Command::SetResponse(
                "steps".into(),
                Response::Order(vec!["read".into(), "check".into(), "report".into()]),
            ),
            Command::Submit("steps".into()),
            Command::SetResponse(
                "terms".into(),
                Response::pairs([
                    ("phish".to_string(), "lure".to_string()),
                    ("mal".to_string(), "spam".to_string()),
                ]),
            ),
            Command::Submit("terms".into()),
            Command::ToggleChoice("link".into(), "url".into()),
            Command::Submit("link".into()),
        ],
    );
    let answered: Vec<&Statement> = statements
        .iter()
        .filter(|s| s.verb.id.ends_with("/answered"))
        .collect();
    assert_eq!(answered.len(), 3);
    for (name, statement) in [
        "answered-sequencing",
        "answered-matching-wrong",
        "answered-other",
    ]
    .iter()
    .zip(answered)
    {
        check(name, statement);
    }
}

#[test]
fn typed_answers_and_a_survey_match_the_golden_statements() {
    let m = load_module(include_str!("text-types.json")).expect("valid");
    let texts = |t: &[&str]| Response::Texts(t.iter().map(|s| s.to_string()).collect());
    let statements = run_module(
        &m,
        vec![
            Command::Start,
            Command::SetResponse("otp".into(), texts(&["Satu", "siapa  pun"])),
            Command::Submit("otp".into()),
            Command::SetResponse("half".into(), Response::Number(3_500_000)),
            Command::Submit("half".into()),
            Command::SetResponse("why".into(), texts(&["Password yang bocor tidak cukup."])),
            Command::Submit("why".into()),
            Command::SetResponse("story".into(), texts(&["Saya pernah menerima SMS palsu."])),
            Command::Submit("story".into()),
            Command::ToggleChoice("useful".into(), "likert_3".into()),
            Command::Submit("useful".into()),
        ],
    );
    let answered: Vec<&Statement> = statements
        .iter()
        .filter(|s| s.verb.id.ends_with("/answered"))
        .collect();
    let names = [
        "answered-fill-in",
        "answered-numeric",
        "answered-long-fill-in-keywords",
        "answered-long-fill-in-free",
        "answered-likert",
    ];
    assert_eq!(answered.len(), names.len());
    for (name, statement) in names.iter().zip(&answered) {
        check(name, statement);
    }
    // Unscored answers carry no score.
    for unscored in &answered[3..] {
        let result = unscored.result.as_ref().expect("a result");
        assert!(result.score.is_none());
        assert_eq!(result.success, Some(true));
    }
}

#[test]
fn performance_answers_match_the_golden_statements() {
    let m = load_module(include_str!("performance.json")).expect("valid");
    let steps = |t: &[&str]| Response::Steps(t.iter().map(|s| s.to_string()).collect());
    let statements = run_module(
        &m,
        vec![
            Command::Start,
            // Two of three steps right, partial credit: 2 of 3 points.
            Command::SetResponse(
                "account".into(),
                steps(&["198501012010011001", "biro umum", "8"]),
            ),
            Command::Submit("account".into()),
            Command::SetResponse("otp".into(), steps(&["AbC123", "2,5"])),
            Command::Submit("otp".into()),
        ],
    );
    let answered: Vec<&Statement> = statements
        .iter()
        .filter(|s| s.verb.id.ends_with("/answered"))
        .collect();
    let names = ["answered-performance-partial", "answered-performance"];
    assert_eq!(answered.len(), names.len());
    for (name, statement) in names.iter().zip(&answered) {
        check(name, statement);
    }
    let partial = answered[0].result.as_ref().expect("a result");
    assert_eq!(partial.success, Some(false));
    assert_eq!(
        partial.response.as_deref(),
        Some("nip[.]198501012010011001[,]unit[.]biro umum[,]length[.]8")
    );
}

#[test]
fn a_decision_in_a_scenario_matches_its_golden_statement() {
    let m = load_module(include_str!("blocks.json")).expect("valid");
    let statements = run_module(
        &m,
        vec![
            Command::Start,
            Command::Choose("choose".into(), "right".into()),
        ],
    );
    let verbs: Vec<&str> = statements
        .iter()
        .map(|s| {
            s.verb
                .id
                .trim_start_matches("http://adlnet.gov/expapi/verbs/")
        })
        .collect();
    assert_eq!(
        verbs,
        ["initialized", "experienced", "answered", "experienced"]
    );
    check("answered-branch", &statements[2]);
}
