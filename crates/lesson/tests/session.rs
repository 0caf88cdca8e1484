//! The session state machine: transitions, scoring and the events each command yields.

mod fixtures;

use pelita_lesson::{
    load_module, Command, Event, Module, PageRef, Phase, Response, Session, SessionError, Snapshot,
};

fn module() -> Module {
    load_module(fixtures::SMALL).expect("valid fixture")
}

fn choices(ids: &[&str]) -> Response {
    Response::choices(ids.iter().copied())
}

#[test]
fn start_shows_the_first_page() {
    let m = module();
    let mut s = Session::new(&m);
    assert_eq!(s.phase(), &Phase::NotStarted);
    let events = s.apply(&m, Command::Start).expect("start");
    assert_eq!(
        events,
        vec![
            Event::AttemptStarted { attempt: 1 },
            Event::PageViewed {
                at: PageRef { lesson: 0, page: 0 }
            }
        ]
    );
    assert_eq!(
        s.apply(&m, Command::Start),
        Err(SessionError::AlreadyStarted)
    );
}

#[test]
fn commands_before_start_are_refused_and_change_nothing() {
    let m = module();
    let mut s = Session::new(&m);
    let before = s.clone();
    for cmd in [
        Command::GoTo(1),
        Command::Submit("tf".into()),
        Command::SetResponse("tf".into(), Response::TrueFalse(true)),
        Command::Finish,
    ] {
        assert_eq!(s.apply(&m, cmd), Err(SessionError::NotInProgress));
    }
    assert_eq!(s.apply(&m, Command::Retry), Err(SessionError::NotFinished));
    assert_eq!(s, before);
}

#[test]
fn a_perfect_attempt_passes() {
    let m = module();
    let mut s = Session::new(&m);
    s.apply(&m, Command::Start).expect("start");
    s.apply(
        &m,
        Command::SetResponse("tf".into(), Response::TrueFalse(true)),
    )
    .expect("set");
    let ev = s.apply(&m, Command::Submit("tf".into())).expect("submit");
    let [Event::Answered { question, answer }] = ev.as_slice() else {
        panic!("{ev:?}")
    };
    assert_eq!(question, "tf");
    assert!(answer.correct);
    assert_eq!((answer.points, answer.max_points), (1, 1));
    assert_eq!(
        s.apply(&m, Command::GoTo(1)).expect("go"),
        vec![Event::PageViewed {
            at: PageRef { lesson: 0, page: 1 }
        }]
    );
    s.apply(&m, Command::ToggleChoice("single".into(), "b".into()))
        .expect("b");
    s.apply(&m, Command::ToggleChoice("single".into(), "a".into()))
        .expect("a");
    assert_eq!(
        s.draft("single"),
        Some(&choices(&["a"])),
        "single choice replaces"
    );
    s.apply(&m, Command::Submit("single".into()))
        .expect("submit");
    s.apply(&m, Command::ToggleChoice("multi".into(), "z".into()))
        .expect("z");
    s.apply(&m, Command::ToggleChoice("multi".into(), "x".into()))
        .expect("x");
    s.apply(&m, Command::ToggleChoice("multi".into(), "y".into()))
        .expect("y");
    s.apply(&m, Command::ToggleChoice("multi".into(), "y".into()))
        .expect("y off");
    assert_eq!(s.draft("multi"), Some(&choices(&["x", "z"])));
    s.apply(&m, Command::Submit("multi".into()))
        .expect("submit");
    let ev = s.apply(&m, Command::Finish).expect("finish");
    let [Event::Finished {
        outcome,
        unanswered,
    }] = ev.as_slice()
    else {
        panic!("{ev:?}")
    };
    assert_eq!(*unanswered, 0);
    assert_eq!((outcome.score.raw, outcome.score.max), (4, 4));
    assert!(outcome.passed);
    assert!(matches!(s.phase(), Phase::Finished(_)));
}

#[test]
fn wrong_and_missing_answers_fail_and_retry_starts_clean() {
    let m = module();
    let mut s = Session::new(&m);
    s.apply(&m, Command::Start).expect("start");
    s.apply(
        &m,
        Command::SetResponse("tf".into(), Response::TrueFalse(false)),
    )
    .expect("set");
    s.apply(&m, Command::Submit("tf".into())).expect("submit");
    s.apply(&m, Command::SetResponse("multi".into(), choices(&["x"])))
        .expect("set");
    let ev = s
        .apply(&m, Command::Submit("multi".into()))
        .expect("submit");
    let [Event::Answered { answer, .. }] = ev.as_slice() else {
        panic!()
    };
    assert!(!answer.correct, "a partial multiple answer earns nothing");
    assert_eq!(answer.points, 0);
    let ev = s.apply(&m, Command::Finish).expect("finish");
    let [Event::Finished {
        outcome,
        unanswered,
    }] = ev.as_slice()
    else {
        panic!()
    };
    assert_eq!(*unanswered, 1);
    assert_eq!(outcome.score.raw, 0);
    assert!(!outcome.passed);
    assert_eq!(
        s.apply(&m, Command::Finish),
        Err(SessionError::NotInProgress)
    );
    let ev = s.apply(&m, Command::Retry).expect("retry");
    assert_eq!(ev[0], Event::AttemptStarted { attempt: 2 });
    assert_eq!(s.attempt(), 2);
    assert_eq!(s.answered_count(), 0);
    assert_eq!(s.current_index(), 0);
    assert!(s.answer("tf").is_none());
}

#[test]
fn answers_are_final_and_bad_responses_are_refused() {
    let m = module();
    let mut s = Session::new(&m);
    s.apply(&m, Command::Start).expect("start");
    assert_eq!(
        s.apply(&m, Command::Submit("tf".into())),
        Err(SessionError::NoResponse("tf".into()))
    );
    assert!(matches!(
        s.apply(&m, Command::SetResponse("tf".into(), choices(&["a"]))),
        Err(SessionError::InvalidResponse { .. })
    ));
    assert!(matches!(
        s.apply(
            &m,
            Command::SetResponse("single".into(), choices(&["a", "b"]))
        ),
        Err(SessionError::InvalidResponse { .. })
    ));
    assert!(matches!(
        s.apply(&m, Command::ToggleChoice("multi".into(), "nope".into())),
        Err(SessionError::InvalidResponse { .. })
    ));
    assert!(matches!(
        s.apply(&m, Command::ToggleChoice("tf".into(), "a".into())),
        Err(SessionError::InvalidResponse { .. })
    ));
    assert_eq!(
        s.apply(&m, Command::Submit("ghost".into())),
        Err(SessionError::NoSuchQuestion("ghost".into()))
    );
    assert_eq!(
        s.apply(&m, Command::GoTo(9)),
        Err(SessionError::NoSuchPage(9))
    );
    s.apply(
        &m,
        Command::SetResponse("tf".into(), Response::TrueFalse(true)),
    )
    .expect("set");
    s.apply(&m, Command::Submit("tf".into())).expect("submit");
    assert_eq!(
        s.apply(&m, Command::Submit("tf".into())),
        Err(SessionError::AlreadyAnswered("tf".into()))
    );
    assert_eq!(
        s.apply(
            &m,
            Command::SetResponse("tf".into(), Response::TrueFalse(false))
        ),
        Err(SessionError::AlreadyAnswered("tf".into()))
    );
    assert!(s.answer("tf").expect("kept").correct);
}

#[test]
fn an_attempt_is_suspended_saved_and_resumed_with_the_same_answers() {
    let m = module();
    let mut s = Session::new(&m);
    assert_eq!(s.snapshot(), None, "nothing to save before the start");
    s.apply(&m, Command::Start).expect("start");
    s.apply(
        &m,
        Command::SetResponse("tf".into(), Response::TrueFalse(false)),
    )
    .expect("draft");
    s.apply(&m, Command::Submit("tf".into())).expect("submit");
    s.apply(&m, Command::GoTo(1)).expect("page 2");
    s.apply(&m, Command::ToggleChoice("multi".into(), "z".into()))
        .expect("draft");
    assert_eq!(
        s.apply(&m, Command::Suspend).expect("suspend"),
        [Event::Suspended { attempt: 1 }]
    );
    let snapshot = s.snapshot().expect("in progress");
    let json = snapshot.to_json();
    assert_eq!(
        json,
        serde_json::json!({"seed": "0", "attempt": 1, "page": 1, "answers": {"tf": false}, "drafts": {"multi": ["z"]}})
    );
    // An attempt saved before pools existed has no seed: it used seed 0.
    let mut old = json.clone();
    old.as_object_mut().expect("object").remove("seed");
    assert_eq!(
        pelita_lesson::Snapshot::from_json(&old).expect("reads"),
        snapshot
    );
    let back = pelita_lesson::Snapshot::from_json(&json).expect("reads back");
    assert_eq!(back, snapshot);

    let (mut resumed, events) = Session::resume(&m, &back).expect("fits the module");
    assert_eq!(
        events,
        [
            Event::Resumed { attempt: 1 },
            Event::PageViewed {
                at: PageRef { lesson: 0, page: 1 }
            }
        ]
    );
    assert_eq!(resumed.phase(), &Phase::InProgress);
    assert_eq!(resumed.current_index(), 1);
    assert_eq!(
        resumed.answer("tf").map(|a| (a.correct, a.points)),
        Some((false, 0))
    );
    assert_eq!(resumed.draft("multi"), Some(&choices(&["z"])));
    assert_eq!(
        resumed.apply(&m, Command::Submit("tf".into())),
        Err(SessionError::AlreadyAnswered("tf".into())),
        "answers stay final"
    );
    resumed
        .apply(&m, Command::ToggleChoice("multi".into(), "x".into()))
        .expect("draft continues");
    resumed
        .apply(&m, Command::Submit("multi".into()))
        .expect("submit");
    let finished = resumed.apply(&m, Command::Finish).expect("finish");
    let Event::Finished { outcome, .. } = &finished[0] else {
        panic!("expected a finish, got {finished:?}");
    };
    assert_eq!(outcome.score.raw, 2, "the resumed answers count");
    assert_eq!(
        resumed.snapshot(),
        None,
        "nothing to continue after finishing"
    );
    assert_eq!(
        resumed.apply(&m, Command::Suspend),
        Err(SessionError::NotInProgress)
    );
}

#[test]
fn a_snapshot_that_does_not_fit_the_module_is_refused_with_every_reason() {
    let m = module();
    let cases = [
        (
            serde_json::json!({"attempt": 1, "page": 9, "answers": {}, "drafts": {}}),
            1,
        ),
        (
            serde_json::json!({"attempt": 1, "page": 0, "answers": {"gone": true, "single": ["q"]}, "drafts": {"tf": ["a"]}}),
            3,
        ),
        (
            serde_json::json!({"attempt": 0, "page": 0, "answers": {}, "drafts": {}}),
            1,
        ),
        (
            serde_json::json!({"attempt": 1, "page": 0, "answers": {"tf": true}, "drafts": {"tf": false}}),
            1,
        ),
    ];
    for (json, count) in cases {
        let snapshot = pelita_lesson::Snapshot::from_json(&json).expect("well-formed");
        let problems = Session::resume(&m, &snapshot).expect_err(&json.to_string());
        assert_eq!(problems.len(), count, "{json}: {problems:?}");
    }
    for broken in [
        serde_json::json!({"page": 0, "answers": {}, "drafts": {}}),
        serde_json::json!({"attempt": 1, "page": -1, "answers": {}, "drafts": {}}),
        serde_json::json!({"attempt": 1, "page": 0, "answers": [], "drafts": {}}),
        serde_json::json!({"attempt": 1, "page": 0, "answers": {"tf": "yes"}, "drafts": {}}),
        serde_json::json!({"attempt": 1, "page": 0, "answers": {"single": [1]}, "drafts": {}}),
    ] {
        assert!(
            pelita_lesson::Snapshot::from_json(&broken).is_err(),
            "{broken}"
        );
    }
}

const TYPES: &str = include_str!("../../xapi/tests/types.json");

#[test]
fn sequencing_matching_and_hotspot_are_judged_and_survive_a_resume() {
    use pelita_lesson::{Block, QuestionKind};
    let module = load_module(TYPES).expect("the types fixture is valid");
    let Block::Flashcards(cards) = &module.lessons[0].pages[0].blocks[0] else {
        panic!("flashcards first")
    };
    assert_eq!(cards.len(), 2);
    let Some(QuestionKind::Sequencing { start, .. }) = module.question("steps").map(|q| &q.kind)
    else {
        panic!("steps is a sequencing question")
    };
    assert_ne!(
        start,
        &["read", "check", "report"],
        "never shown in the right order"
    );
    assert_eq!(start.len(), 3);
    let again = load_module(TYPES).expect("valid");
    assert_eq!(
        again.question("steps"),
        module.question("steps"),
        "the same order every time"
    );

    let mut s = Session::new(&module);
    s.apply(&module, Command::Start).expect("start");
    // A wrong order, then a right matching, then the wrong region.
    s.apply(
        &module,
        Command::SetResponse(
            "steps".into(),
            Response::Order(vec!["check".into(), "read".into(), "report".into()]),
        ),
    )
    .expect("an order of every item");
    for bad in [
        Response::Order(vec!["read".into(), "read".into(), "report".into()]),
        Response::Order(vec!["read".into(), "check".into()]),
        Response::TrueFalse(true),
    ] {
        assert!(
            s.apply(&module, Command::SetResponse("steps".into(), bad.clone()))
                .is_err(),
            "{bad:?}"
        );
    }
    let pairs = Response::pairs([
        ("mal".to_string(), "code".to_string()),
        ("phish".to_string(), "spam".to_string()),
        ("phish".to_string(), "lure".to_string()),
    ]);
    assert_eq!(
        pairs,
        Response::Pairs(vec![
            ("mal".into(), "code".into()),
            ("phish".into(), "lure".into())
        ]),
        "sorted, last choice wins"
    );
    s.apply(&module, Command::SetResponse("terms".into(), pairs))
        .expect("pairs");
    assert!(s
        .apply(
            &module,
            Command::SetResponse(
                "terms".into(),
                Response::pairs([("phish".to_string(), "nowhere".to_string())])
            )
        )
        .is_err());
    s.apply(
        &module,
        Command::ToggleChoice("link".into(), "sender".into()),
    )
    .expect("a region");
    s.apply(&module, Command::ToggleChoice("link".into(), "url".into()))
        .expect("another region replaces it");
    assert_eq!(
        s.draft("link"),
        Some(&Response::Choices(vec!["url".into()]))
    );
    s.apply(
        &module,
        Command::ToggleChoice("link".into(), "sender".into()),
    )
    .expect("back to the sender");

    // Leave and come back: everything is as it was, judged again.
    let saved =
        Snapshot::from_json(&s.snapshot().expect("in progress").to_json()).expect("reads back");
    let (mut s, _) = Session::resume(&module, &saved).expect("fits");
    for q in ["steps", "terms", "link"] {
        s.apply(&module, Command::Submit(q.into())).expect("submit");
    }
    assert!(!s.answer("steps").expect("answered").correct);
    assert!(s.answer("terms").expect("answered").correct);
    assert_eq!(s.answer("terms").expect("answered").points, 1);
    assert!(!s.answer("link").expect("answered").correct);
    let events = s.apply(&module, Command::Finish).expect("finish");
    let Some(Event::Finished { outcome, .. }) = events.last() else {
        panic!("finished")
    };
    assert_eq!((outcome.score.raw, outcome.score.max), (1, 4));
    assert!(!outcome.passed);
}

const TEXT_TYPES: &str = include_str!("../../xapi/tests/text-types.json");

#[test]
fn numbers_are_read_the_way_learners_type_them() {
    use pelita_lesson::{format_decimal, parse_decimal};
    let cases: &[(&str, Option<i64>)] = &[
        ("3.5", Some(3_500_000)),
        ("3,5", Some(3_500_000)),
        (" 12 ", Some(12_000_000)),
        ("1 000", Some(1_000_000_000)),
        ("-0,25", Some(-250_000)),
        ("+7", Some(7_000_000)),
        (".5", Some(500_000)),
        ("5.", Some(5_000_000)),
        ("0.000001", Some(1)),
        ("0.0000001", None),
        ("3.5.1", None),
        ("abc", None),
        ("", None),
        ("-", None),
        ("1e3", None),
        ("9999999999999", None),
        ("1.000.000", Some(1_000_000_000_000)),
        ("1,000,000", Some(1_000_000_000_000)),
        ("1.000,5", Some(1_000_500_000)),
        ("1,000.5", Some(1_000_500_000)),
        ("1.000", Some(1_000_000)),
        ("1.00.000", None),
        ("1,0000,000", None),
        ("1.000.000,25", Some(1_000_000_250_000)),
    ];
    for (text, expected) in cases {
        assert_eq!(parse_decimal(text), *expected, "{text:?}");
    }
    for (millionths, text) in [
        (3_500_000, "3.5"),
        (12_000_000, "12"),
        (-250_000, "-0.25"),
        (1, "0.000001"),
        (0, "0"),
    ] {
        assert_eq!(format_decimal(millionths), text);
    }
}

#[test]
fn typed_answers_are_judged_tolerantly_and_surveys_are_never_wrong() {
    use pelita_lesson::load_module;
    let module = load_module(TEXT_TYPES).expect("the text types fixture is valid");
    let judge = |q: &str, r: Response| module.question(q).expect("question").judge(&r);
    let texts = |t: &[&str]| Response::Texts(t.iter().map(|s| s.to_string()).collect());
    // Fill-in: any accepted answer in any language, case and spacing ignored.
    assert!(judge("otp", texts(&["  One ", "NO   one"])).correct);
    assert!(judge("otp", texts(&["1", "siapa pun"])).correct);
    assert!(!judge("otp", texts(&["dua", "siapa pun"])).correct);
    assert_eq!(judge("otp", texts(&["satu", "nobody"])).points, 2);
    // Numeric: a range and a tolerance, whatever the decimal mark.
    for (q, n, right) in [
        ("length", 12_000_000, true),
        ("length", 64_000_000, true),
        ("length", 11_999_999, false),
        ("half", 3_500_000, true),
        ("half", 3_450_000, true),
        ("half", 3_560_000, false),
    ] {
        assert_eq!(judge(q, Response::Number(n)).correct, right, "{q} {n}");
    }
    // A long answer scored by keywords: one word of each group.
    assert!(judge("why", texts(&["Kalau kata sandi BOCOR, akun tetap aman."])).correct);
    assert!(!judge("why", texts(&["Supaya aman."])).correct);
    // Unscored: a free answer and a survey are right by giving them, and earn nothing.
    let free = judge("story", texts(&["Saya pernah ditipu."]));
    assert!(free.correct && free.points == 0 && free.max_points == 0);
    let survey = judge("useful", Response::choices(["likert_3"]));
    assert!(survey.correct && survey.max_points == 0);
    assert_eq!(module.max_points(), 2 + 1 + 1 + 1);

    // In a session: drafts checked, the attempt resumed, the score counts scored ones.
    let mut s = Session::new(&module);
    s.apply(&module, Command::Start).expect("start");
    assert!(
        s.apply(
            &module,
            Command::SetResponse("otp".into(), texts(&["satu"]))
        )
        .is_err(),
        "one text per blank"
    );
    assert!(
        s.apply(
            &module,
            Command::SetResponse("length".into(), texts(&["12"]))
        )
        .is_err(),
        "a number"
    );
    assert!(
        s.apply(
            &module,
            Command::SetResponse("why".into(), texts(&[&"x".repeat(301)]))
        )
        .is_err(),
        "too long"
    );
    assert!(s
        .apply(
            &module,
            Command::SetResponse("useful".into(), Response::choices(["likert_9"]))
        )
        .is_err());
    s.apply(
        &module,
        Command::SetResponse("otp".into(), texts(&["one", "nobody"])),
    )
    .expect("texts");
    s.apply(
        &module,
        Command::SetResponse("half".into(), Response::Number(3_500_000)),
    )
    .expect("number");
    s.apply(
        &module,
        Command::ToggleChoice("useful".into(), "likert_4".into()),
    )
    .expect("a scale point");
    let saved =
        Snapshot::from_json(&s.snapshot().expect("in progress").to_json()).expect("reads back");
    let (mut s, _) = Session::resume(&module, &saved).expect("fits");
    for q in ["otp", "half", "useful"] {
        s.apply(&module, Command::Submit(q.into())).expect("submit");
    }
    let events = s.apply(&module, Command::Finish).expect("finish");
    let Some(Event::Finished {
        outcome,
        unanswered,
    }) = events.last()
    else {
        panic!("finished")
    };
    assert_eq!(
        (outcome.score.raw, outcome.score.max, *unanswered),
        (3, 5, 3)
    );
    assert!(outcome.passed);
}

#[test]
fn partial_credit_counts_the_right_parts_and_is_refused_where_there_are_none() {
    use pelita_lesson::load_module;
    let mut v: serde_json::Value = serde_json::from_str(TYPES).expect("JSON");
    let blocks = &mut v["lessons"][0]["pages"][1]["blocks"];
    blocks[0]["partialCredit"] = true.into(); // sequencing, 2 points, 3 items
    blocks[1]["partialCredit"] = true.into(); // matching, 1 point, 2 pairs
    blocks[1]["points"] = 4.into();
    blocks[0]["hint"] = serde_json::json!({"id": "Mulai dari membaca", "en": "Start by reading"});
    blocks[2]["explanation"] = serde_json::json!({"id": "Tautan palsu", "en": "The link is fake"});
    let module = load_module(&v.to_string()).expect("valid");
    let steps = module.question("steps").expect("steps");
    assert_eq!(
        steps.hint.as_ref().map(|h| h.text("en", "id")),
        Some("Start by reading")
    );
    assert!(module.question("link").expect("link").explanation.is_some());
    // One item of three in place: 2 × 1/3 rounds down to 0; two in place are impossible
    // without the third, so all three earn everything.
    let order = |ids: &[&str]| Response::Order(ids.iter().map(|s| s.to_string()).collect());
    assert_eq!(steps.judge(&order(&["read", "report", "check"])).points, 0);
    let all = steps.judge(&order(&["read", "check", "report"]));
    assert_eq!((all.points, all.correct), (2, true));
    let terms = module.question("terms").expect("terms");
    let half = terms.judge(&Response::pairs([
        ("phish".to_string(), "lure".to_string()),
        ("mal".to_string(), "spam".to_string()),
    ]));
    assert_eq!(
        (half.points, half.max_points, half.correct),
        (2, 4, false),
        "half the pairs, half the points, not correct"
    );

    // A multiple choice: right minus wrong choices.
    let small: serde_json::Value = {
        let mut s: serde_json::Value = serde_json::from_str(fixtures::SMALL).expect("JSON");
        s["lessons"][0]["pages"][1]["blocks"][2]["partialCredit"] = true.into();
        s
    };
    let m = load_module(&small.to_string()).expect("valid");
    let multi = m.question("multi").expect("multi");
    assert_eq!(
        multi.judge(&Response::choices(["x"])).points,
        1,
        "one of two right choices"
    );
    assert_eq!(
        multi.judge(&Response::choices(["x", "y"])).points,
        0,
        "a wrong choice cancels a right one"
    );
    assert_eq!(multi.judge(&Response::choices(["x", "z"])).points, 2);

    // Where nothing can be partly right, partial credit is an error at its place.
    let mut bad = small.clone();
    bad["lessons"][0]["pages"][0]["blocks"][1]["partialCredit"] = true.into();
    let Err(e) = load_module(&bad.to_string()) else {
        panic!("partial credit on a true/false question is refused")
    };
    assert!(e.problems().iter().any(
        |p| p.path == "$.lessons[0].pages[0].blocks[1].partialCredit"
            && p.message.starts_with("partial credit needs parts")
    ));
}

#[test]
fn a_branch_leads_to_its_page_and_reports_the_choice() {
    use pelita_lesson::load_module;
    let module = load_module(include_str!("../../xapi/tests/blocks.json")).expect("valid");
    let (_, branch) = module.branches().next().expect("a branch");
    assert_eq!(branch.options[0].goto, (0, 1), "a page of the same lesson");
    assert_eq!(branch.options[1].goto, (1, 0), "lesson/page");
    let mut s = Session::new(&module);
    s.apply(&module, Command::Start).expect("start");
    let events = s
        .apply(&module, Command::Choose("choose".into(), "right".into()))
        .expect("an option");
    assert_eq!(
        events,
        [
            Event::Chose {
                branch: "choose".into(),
                option: "right".into()
            },
            Event::PageViewed {
                at: PageRef { lesson: 1, page: 0 }
            }
        ]
    );
    assert_eq!(s.current_index(), 2);
    // Back, and the other way: a branch may be taken again.
    s.apply(&module, Command::GoTo(0)).expect("back");
    s.apply(&module, Command::Choose("choose".into(), "left".into()))
        .expect("again");
    assert_eq!(s.current_index(), 1);
    for bad in [("choose", "up"), ("nowhere", "left")] {
        assert!(
            s.apply(&module, Command::Choose(bad.0.into(), bad.1.into()))
                .is_err(),
            "{bad:?}"
        );
    }
    assert_eq!(s.current_index(), 1, "a refused choice changes nothing");
}

#[test]
fn attempts_are_limited_and_a_retry_can_keep_the_right_answers() {
    use pelita_lesson::{load_module, SessionError};
    let mut v: serde_json::Value = serde_json::from_str(fixtures::SMALL).expect("JSON");
    v["maxAttempts"] = 2.into();
    v["retry"] = "wrong".into();
    let module = load_module(&v.to_string()).expect("valid");
    let mut s = Session::new(&module);
    s.apply(&module, Command::Start).expect("start");
    s.apply(
        &module,
        Command::SetResponse("tf".into(), Response::TrueFalse(true)),
    )
    .expect("right");
    s.apply(&module, Command::Submit("tf".into()))
        .expect("submit");
    s.apply(
        &module,
        Command::SetResponse("single".into(), Response::choices(["b"])),
    )
    .expect("wrong");
    s.apply(&module, Command::Submit("single".into()))
        .expect("submit");
    s.apply(&module, Command::Finish).expect("finish");
    assert!(s.can_retry(&module));
    let events = s.apply(&module, Command::Retry).expect("a second attempt");
    assert!(matches!(events[0], Event::AttemptStarted { attempt: 2 }));
    // The right answer stays and is final; the wrong one is asked again.
    assert!(s.answer("tf").is_some_and(|a| a.correct));
    assert!(s.answer("single").is_none());
    assert_eq!(
        s.apply(&module, Command::Submit("tf".into())),
        Err(SessionError::AlreadyAnswered("tf".into()))
    );
    let events = s.apply(&module, Command::Finish).expect("finish");
    let Some(Event::Finished { outcome, .. }) = events.last() else {
        panic!("finished")
    };
    assert_eq!(outcome.score.raw, 1, "the kept answer counts");
    assert!(!s.can_retry(&module));
    assert_eq!(
        s.apply(&module, Command::Retry),
        Err(SessionError::NoAttemptsLeft(2))
    );

    // Without "wrong", a retry starts from nothing.
    v["retry"] = "all".into();
    let module = load_module(&v.to_string()).expect("valid");
    let mut s = Session::new(&module);
    s.apply(&module, Command::Start).expect("start");
    s.apply(
        &module,
        Command::SetResponse("tf".into(), Response::TrueFalse(true)),
    )
    .expect("right");
    s.apply(&module, Command::Submit("tf".into()))
        .expect("submit");
    s.apply(&module, Command::Finish).expect("finish");
    s.apply(&module, Command::Retry).expect("retry");
    assert!(s.answer("tf").is_none());

    // Bad values are named.
    for (key, value, message) in [
        (
            "maxAttempts",
            serde_json::json!(0),
            "expected a whole number from 1 to 100",
        ),
        ("retry", serde_json::json!("some"), "expected \"all\""),
    ] {
        let mut bad = v.clone();
        bad[key] = value;
        let Err(e) = load_module(&bad.to_string()) else {
            panic!("{key} is refused")
        };
        assert!(
            e.problems()
                .iter()
                .any(|p| p.path == format!("$.{key}") && p.message.contains(message)),
            "{key}: {:?}",
            e.problems()
        );
    }
}

#[test]
fn pools_and_shuffles_follow_the_seed_and_survive_a_resume() {
    use pelita_lesson::{load_module, Block, SessionError};
    let mut v: serde_json::Value = serde_json::from_str(fixtures::SMALL).expect("JSON");
    v["lessons"][0]["pages"][1]["draw"] = 1.into();
    v["lessons"][0]["pages"][1]["shuffle"] = true.into();
    v["shuffleChoices"] = true.into();
    let module = load_module(&v.to_string()).expect("valid");
    let quiz = PageRef { lesson: 0, page: 1 };
    let drawn = |seed: u64| {
        let mut s = Session::new(&module);
        s.apply(&module, Command::Start).expect("start");
        s.set_seed(&module, seed);
        let blocks = s.page_blocks(&module, quiz);
        assert!(
            matches!(blocks[0], Block::Image(_)),
            "other blocks keep their place"
        );
        assert_eq!(blocks.len(), 2, "the image and one drawn question");
        let Block::Question(q) = blocks[1] else {
            panic!("a question")
        };
        (q.id.clone(), s.choice_order(&module, "multi", 3))
    };
    // The same seed draws the same question and order, everywhere and every time.
    assert_eq!(drawn(7), drawn(7));
    let seen: Vec<(String, Vec<usize>)> = (0..40).map(drawn).collect();
    assert!(
        seen.iter().any(|(q, _)| q == "single") && seen.iter().any(|(q, _)| q == "multi"),
        "both get drawn"
    );
    assert!(
        seen.iter().any(|(_, o)| *o != [0, 1, 2]),
        "choices get shuffled"
    );
    for (_, order) in &seen {
        let mut sorted = order.clone();
        sorted.sort();
        assert_eq!(sorted, [0, 1, 2], "a permutation");
    }

    // An attempt asks only what it drew: the score and the count of open questions too.
    let seed = (0..40)
        .find(|s| drawn(*s).0 == "single")
        .expect("a seed drawing `single`");
    let mut s = Session::new(&module);
    s.apply(&module, Command::Start).expect("start");
    s.set_seed(&module, seed);
    let ids: Vec<&str> = s
        .attempt_questions(&module)
        .iter()
        .map(|q| q.id.as_str())
        .collect();
    assert_eq!(ids, ["tf", "single"]);
    assert_eq!(
        s.apply(
            &module,
            Command::SetResponse("multi".into(), Response::choices(["x"]))
        ),
        Err(SessionError::NotAsked("multi".into()))
    );
    s.apply(
        &module,
        Command::SetResponse("single".into(), Response::choices(["a"])),
    )
    .expect("draft");
    // Saved and resumed: the same draw.
    let saved = Snapshot::from_json(&s.snapshot().expect("in progress").to_json()).expect("reads");
    assert_eq!(saved.seed, seed);
    let (mut back, _) = Session::resume(&module, &saved).expect("fits");
    assert_eq!(
        back.page_blocks(&module, quiz),
        s.page_blocks(&module, quiz)
    );
    back.apply(&module, Command::Submit("single".into()))
        .expect("submit");
    let events = back.apply(&module, Command::Finish).expect("finish");
    let Some(Event::Finished {
        outcome,
        unanswered,
    }) = events.last()
    else {
        panic!("finished")
    };
    assert_eq!(
        (outcome.score.raw, outcome.score.max, *unanswered),
        (1, 2, 1),
        "tf (1 point) and single (1 point)"
    );

    // A draw larger than the page's questions, or on a page with none, is refused.
    for (page, draw, message) in [
        (1, 3, "expected a whole number from 1 to 2"),
        (0, 2, "expected a whole number from 1 to 1"),
    ] {
        let mut bad = v.clone();
        bad["lessons"][0]["pages"][page]["draw"] = draw.into();
        let Err(e) = load_module(&bad.to_string()) else {
            panic!("refused")
        };
        let path = format!("$.lessons[0].pages[{page}].draw");
        assert!(
            e.problems()
                .iter()
                .any(|p| p.path == path && p.message.contains(message)),
            "{:?}",
            e.problems()
        );
    }
}

const PERFORMANCE: &str = include_str!("../../xapi/tests/performance.json");

#[test]
fn performance_steps_are_each_checked_with_partial_credit_and_survive_a_resume() {
    use pelita_lesson::{load_module, QuestionKind, StepCheck};
    let module = load_module(PERFORMANCE).expect("the performance fixture is valid");
    let steps = |t: &[&str]| Response::Steps(t.iter().map(|s| s.to_string()).collect());
    let account = module.question("account").expect("account");
    let QuestionKind::Performance {
        steps: form,
        case_sensitive,
    } = &account.kind
    else {
        panic!("account is a performance question")
    };
    assert!(!case_sensitive);
    assert_eq!(form.len(), 3);
    assert!(
        matches!(&form[0].check, StepCheck::Text { accept } if accept == &["198501012010011001"])
    );
    assert!(form[2].is_number());
    // Each case: the steps typed, whether all is right, the points (3 points, partial
    // credit: a third per right step, rounded down), and the parts right.
    for (given, right, points, parts) in [
        (
            steps(&["198501012010011001", "Biro Umum", "12"]),
            true,
            3,
            3,
        ),
        // Case and spacing ignored in text steps; any accepted answer; a comma decimal.
        (
            steps(&[" 198501012010011001 ", "general   BUREAU", "63,5"]),
            true,
            3,
            3,
        ),
        (
            steps(&["198501012010011001", "Biro Umum", "11"]),
            false,
            2,
            2,
        ),
        (steps(&["198501012010011001", "Biro", "65"]), false, 1, 1),
        (steps(&["", "", "abc"]), false, 0, 0),
        (steps(&["x", "y", "64"]), false, 1, 1),
        // The wrong number of steps is never right.
        (steps(&["198501012010011001", "Biro Umum"]), false, 2, 2),
    ] {
        let answer = account.judge(&given);
        assert_eq!(
            (answer.correct, answer.points, account.parts_right(&given).0),
            (right, points, parts),
            "{given:?}"
        );
        assert_eq!(answer.max_points, 3);
    }
    // Case matters where the question says so; a tolerance around 2.5.
    let otp = module.question("otp").expect("otp");
    assert!(otp.judge(&steps(&["AbC123", "2,9"])).correct);
    assert!(!otp.judge(&steps(&["abc123", "2.5"])).correct);
    assert!(!otp.judge(&steps(&["AbC123", "3.01"])).correct);
    assert_eq!(
        otp.judge(&steps(&["abc123", "2.5"])).points,
        0,
        "all or nothing"
    );
    assert_eq!(
        account.correct_response(),
        steps(&["198501012010011001", "Biro Umum", "12"])
    );
    assert!(account.judge(&account.correct_response()).correct);
    assert!(otp.judge(&otp.correct_response()).correct);
    assert_eq!(module.max_points(), 4);

    // In a session: drafts are checked, kept as typed, saved and resumed.
    let mut s = Session::new(&module);
    s.apply(&module, Command::Start).expect("start");
    for (bad, why) in [
        (steps(&["1", "2"]), "one text per step"),
        (
            steps(&["1", "2", &"9".repeat(201)]),
            "at most 200 characters",
        ),
        (Response::Texts(vec!["1".into(); 3]), "steps, not texts"),
        (Response::Number(3), "not a number"),
    ] {
        assert!(
            s.apply(&module, Command::SetResponse("account".into(), bad))
                .is_err(),
            "{why}"
        );
    }
    s.apply(
        &module,
        Command::SetResponse(
            "account".into(),
            steps(&["198501012010011001", "x", "1,5e"]),
        ),
    )
    .expect("a number step may hold text while it is typed");
    s.apply(
        &module,
        Command::SetResponse("otp".into(), steps(&["AbC123", "2.5"])),
    )
    .expect("steps");
    let saved =
        Snapshot::from_json(&s.snapshot().expect("in progress").to_json()).expect("reads back");
    let (mut s, _) = Session::resume(&module, &saved).expect("fits");
    assert_eq!(
        s.draft("account"),
        Some(&steps(&["198501012010011001", "x", "1,5e"]))
    );
    for q in ["account", "otp"] {
        s.apply(&module, Command::Submit(q.into())).expect("submit");
    }
    assert_eq!(s.answer("account").map(|a| a.points), Some(1));
    assert_eq!(s.answer("otp").map(|a| a.correct), Some(true));
    let events = s.apply(&module, Command::Finish).expect("finish");
    let Some(Event::Finished { outcome, .. }) = events.last() else {
        panic!("finished")
    };
    assert_eq!((outcome.score.raw, outcome.score.max), (2, 4));
    assert!(outcome.passed);
}

/// The `_with` forms lower-case with the fold they are given (the player passes the
/// browser's), the plain forms with Rust's: a fold that keeps the case makes case matter.
#[test]
fn answers_are_lower_cased_with_the_fold_given() {
    use pelita_lesson::CaseFold;
    let keep = CaseFold(str::to_string);
    let module = load_module(TEXT_TYPES).expect("the text types fixture is valid");
    let texts = |t: &[&str]| Response::Texts(t.iter().map(|s| s.to_string()).collect());
    let otp = module.question("otp").expect("otp");
    let typed = texts(&["ONE", "NO one"]);
    assert!(otp.judge(&typed).correct);
    assert!(otp.judge_with(&typed, CaseFold::RUST).correct);
    assert!(!otp.judge_with(&typed, keep).correct);
    assert_eq!(otp.parts_right_with(&typed, keep), (0, 2));
    assert_eq!(otp.parts_right(&typed), (2, 2));
    // Keywords of a long answer are found whatever their case, by the fold.
    let why = module.question("why").expect("why");
    let long = texts(&["Kalau kata sandi BOCOR, akun tetap aman."]);
    assert!(why.judge(&long).correct);
    assert!(!why.judge_with(&long, keep).correct);
    // A session judges its answers, and again on resume, with its own fold.
    let snapshot = Snapshot::from_json(&serde_json::json!({
        "seed": "0", "attempt": 1, "page": 0, "answers": {"otp": {"texts": ["ONE", "NO one"]}}, "drafts": {}
    }))
    .expect("a snapshot");
    let (resumed, _) = Session::resume(&module, &snapshot).expect("fits");
    assert!(resumed.answer("otp").expect("answered").correct);
    let (kept, _) = Session::resume_with(&module, &snapshot, keep).expect("fits");
    assert!(!kept.answer("otp").expect("answered").correct);

    let module = load_module(PERFORMANCE).expect("the performance fixture is valid");
    let account = module.question("account").expect("account");
    let pelita_lesson::QuestionKind::Performance { steps: form, .. } = &account.kind else {
        panic!("account is a performance question")
    };
    assert!(form[1].accepts("BIRO UMUM", false));
    assert!(form[1].accepts_with("BIRO UMUM", false, CaseFold::RUST));
    assert!(!form[1].accepts_with("BIRO UMUM", false, keep));
}
