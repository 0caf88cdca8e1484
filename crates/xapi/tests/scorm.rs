//! The SCORM bridge's rules: values per version, time formats, the LMS mastery score, and
//! the proof that the largest example module's resume data fits SCORM 1.2's 4,096
//! characters.

use pelita_lesson::{judge, load_module, Module, QuestionKind, Response, Score, Snapshot};
use pelita_xapi::scorm::{mastery_score, session_time, too_long, values, Progress, ScormVersion};
use pelita_xapi::SavedAttempt;
use uuid::Uuid;

use ScormVersion::{V12, V2004};

#[test]
fn session_times_in_each_format() {
    let cases = [
        (0, "0000:00:00.00", "PT0S"),
        (1_234, "0000:00:01.23", "PT1.23S"),
        (3_723_450, "0001:02:03.45", "PT1H2M3.45S"),
        (-5, "0000:00:00.00", "PT0S"),
        (400_000_000_000, "9999:59:59.99", "PT111111H6M40S"),
    ];
    for (ms, v12, v2004) in cases {
        assert_eq!(session_time(V12, ms), v12, "{ms}");
        assert_eq!(session_time(V2004, ms), v2004, "{ms}");
    }
}

#[test]
fn the_lms_mastery_score_is_read_per_version() {
    assert_eq!(mastery_score(V12, "80"), Some(0.8));
    assert_eq!(mastery_score(V12, " 100 "), Some(1.0));
    assert_eq!(mastery_score(V2004, "0.75"), Some(0.75));
    for (version, bad) in [
        (V12, ""),
        (V12, "101"),
        (V12, "-1"),
        (V12, "abc"),
        (V2004, "1.5"),
        (V2004, "NaN"),
        (V2004, ""),
    ] {
        assert_eq!(mastery_score(version, bad), None, "{version:?} {bad:?}");
    }
}

#[test]
fn an_attempt_in_progress_and_a_finished_one_are_reported_per_version() {
    let running = Progress::InProgress {
        page: 2,
        suspend_data: r#"{"a":1}"#.into(),
    };
    assert_eq!(
        values(V12, &running, None),
        [
            ("cmi.core.lesson_status", "incomplete".to_string()),
            ("cmi.core.lesson_location", "2".into()),
            ("cmi.suspend_data", r#"{"a":1}"#.into()),
        ]
    );
    assert_eq!(
        values(V2004, &running, Some(61_010)),
        [
            ("cmi.completion_status", "incomplete".to_string()),
            ("cmi.location", "2".into()),
            ("cmi.suspend_data", r#"{"a":1}"#.into()),
            ("cmi.exit", "suspend".into()),
            ("cmi.session_time", "PT1M1.01S".into()),
        ]
    );
    let five_of_six = judge(
        Score {
            raw: 5,
            min: 0,
            max: 6,
        },
        0.8,
    );
    assert_eq!(
        values(V12, &Progress::Finished(five_of_six), Some(1_500)),
        [
            ("cmi.core.lesson_status", "passed".to_string()),
            ("cmi.core.score.min", "0".into()),
            ("cmi.core.score.max", "100".into()),
            ("cmi.core.score.raw", "83".into()),
            ("cmi.suspend_data", String::new()),
            ("cmi.core.exit", String::new()),
            ("cmi.core.session_time", "0000:00:01.50".into()),
        ]
    );
    let failing = judge(
        Score {
            raw: 1,
            min: 0,
            max: 3,
        },
        0.8,
    );
    assert_eq!(
        values(V2004, &Progress::Finished(failing), Some(0)),
        [
            ("cmi.completion_status", "completed".to_string()),
            ("cmi.success_status", "failed".into()),
            ("cmi.score.min", "0".into()),
            ("cmi.score.max", "3".into()),
            ("cmi.score.raw", "1".into()),
            ("cmi.score.scaled", "0.3333".into()),
            ("cmi.suspend_data", String::new()),
            ("cmi.exit", "normal".into()),
            ("cmi.session_time", "PT0S".into()),
        ]
    );
    let all = judge(
        Score {
            raw: 6,
            min: 0,
            max: 6,
        },
        0.8,
    );
    assert!(values(V2004, &Progress::Finished(all), None)
        .contains(&("cmi.score.scaled", "1".to_string())));
}

#[test]
fn resume_data_over_the_limit_is_left_out_not_cut() {
    let long = "x".repeat(4_097);
    let progress = Progress::InProgress {
        page: 0,
        suspend_data: long.clone(),
    };
    assert!(too_long(V12, &long));
    assert!(!too_long(V2004, &long));
    assert!(values(V12, &progress, None)
        .iter()
        .all(|(k, _)| *k != "cmi.suspend_data"));
    assert!(values(V2004, &progress, None)
        .iter()
        .any(|(k, _)| *k == "cmi.suspend_data"));
}

/// The largest state a learner can leave in a module: every question answered with every
/// choice (the longest response), on the last page, with the longest registration.
fn largest_attempt(module: &Module) -> SavedAttempt {
    let answers = module
        .questions()
        .map(|(_, _, q)| {
            let response = match &q.kind {
                QuestionKind::TrueFalse { .. } => Response::TrueFalse(false),
                QuestionKind::Choice { choices, .. } => {
                    Response::choices(choices.iter().map(|c| c.id.clone()))
                }
                QuestionKind::Sequencing { start, .. } => Response::Order(start.clone()),
                QuestionKind::Matching {
                    sources, targets, ..
                } => Response::pairs(sources.iter().map(|s| {
                    // The longest target id everywhere: the most characters.
                    let longest = targets.iter().map(|t| &t.id).fold(&targets[0].id, |a, b| {
                        if b.len() > a.len() {
                            b
                        } else {
                            a
                        }
                    });
                    (s.id.clone(), longest.clone())
                })),
                QuestionKind::Hotspot { regions, .. } => {
                    Response::choices(regions.iter().take(1).map(|r| r.id.clone()))
                }
                // The longest text each blank or answer may hold.
                QuestionKind::FillIn { blanks, .. } => {
                    Response::Texts(blanks.iter().map(|_| "x".repeat(200)).collect())
                }
                QuestionKind::LongFillIn { max_length, .. } => {
                    Response::Texts(vec!["x".repeat(*max_length as usize)])
                }
                QuestionKind::Numeric { .. } => Response::Number(-999_999_999_999_999_999),
                QuestionKind::Performance { steps, .. } => {
                    Response::Steps(steps.iter().map(|_| "x".repeat(200)).collect())
                }
                QuestionKind::Likert { scale } => {
                    Response::choices(scale.iter().take(1).map(|s| s.id.clone()))
                }
            };
            (q.id.clone(), response)
        })
        .collect();
    let pages: usize = module.lessons.iter().map(|l| l.pages.len()).sum();
    SavedAttempt {
        module_id: module.id.clone(),
        snapshot: Some(Snapshot {
            // The longest seed there is.
            seed: u64::MAX,
            attempt: u32::MAX,
            page: pages - 1,
            answers,
            drafts: vec![],
        }),
        registration: Some(Uuid::from_u128(u128::MAX)),
        elapsed_ms: i64::MAX / 2,
        saved_at_ms: i64::MAX / 2,
    }
}

#[test]
fn the_largest_example_module_state_fits_scorm_1_2() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../www/modules");
    let mut checked = 0;
    for entry in std::fs::read_dir(dir).expect("the example modules") {
        let path = entry.expect("an entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("json")
            || path.ends_with("launch.json")
        {
            continue;
        }
        let module =
            load_module(&std::fs::read_to_string(&path).expect("readable")).expect("valid");
        let data = largest_attempt(&module).to_json();
        assert!(
            data.len() <= V12.suspend_data_limit(),
            "{}: {} characters of resume data",
            path.display(),
            data.len()
        );
        assert!(!too_long(V12, &data));
        // And it reads back as the same attempt (answers in any order).
        let sorted = |mut a: SavedAttempt| {
            if let Some(s) = a.snapshot.as_mut() {
                s.answers.sort_by(|x, y| x.0.cmp(&y.0));
            }
            a
        };
        let back = SavedAttempt::from_json(&data).expect("reads back");
        assert_eq!(sorted(back), sorted(largest_attempt(&module)));
        checked += 1;
    }
    assert!(checked >= 1, "no example module found in {dir}");
}
