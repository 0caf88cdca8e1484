//! Property tests standing in for a fuzzer: whatever text is loaded, and whatever a
//! player sends the session, nothing panics. Three kinds of input:
//! - arbitrary text, and arbitrary JSON;
//! - the example and fixture modules with random parts replaced by random JSON, removed,
//!   or duplicated, which reaches deep into the loader's checks;
//! - random command sequences against the loaded example modules.
//!
//! Every error must also be located: a path that starts at `$`, and (for a mutated
//! module) a line and column where the source has them. Set `PROPTEST_CASES` for a longer
//! run than the test command's.

use pelita_lesson::{load_module, Command, Response, Session};
use proptest::prelude::*;
use serde_json::Value;

const MODULES: &[&str] = &[
    include_str!("../../../www/modules/phishing.json"),
    include_str!("../../../www/modules/kata-sandi.json"),
    include_str!("../../xapi/tests/types.json"),
    include_str!("../../xapi/tests/text-types.json"),
    include_str!("../../xapi/tests/blocks.json"),
    include_str!("../../xapi/tests/performance.json"),
];

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-1e9f64..1e9).prop_map(|f| serde_json::json!(f)),
        ".{0,12}".prop_map(Value::String),
        prop_oneof![
            Just("[[x]]"),
            Just("javascript:alert(1)"),
            Just("id"),
            Just("en"),
            Just(""),
            Just("trueFalse"),
            Just("choice"),
            Just("hotspot"),
            Just("branch"),
            Just("a/b"),
            Just("1.000,5"),
            Just("https://example.org/x"),
            Just("likert_1"),
            Just("performance"),
            Just("[,]"),
        ]
        .prop_map(|s| Value::String(s.to_string())),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(
                ("[a-z]{1,8}|type|id|en|id|content|options|goto", inner),
                0..6
            )
            .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
        ]
    })
}

/// Every node's JSON pointer in `v`, so that a random one can be changed.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match v {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                pointers(item, format!("{at}/{i}"), out);
            }
        }
        Value::Object(map) => {
            for (k, item) in map {
                pointers(
                    item,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        _ => {}
    }
}

#[derive(Debug, Clone)]
enum Edit {
    Replace(usize, Value),
    Remove(usize),
    Duplicate(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), any_json()).prop_map(|(i, v)| Edit::Replace(i, v)),
        any::<usize>().prop_map(Edit::Remove),
        any::<usize>().prop_map(Edit::Duplicate),
    ]
}

fn apply(module: &mut Value, edit: &Edit) {
    let mut all = Vec::new();
    pointers(module, String::new(), &mut all);
    let pick = |i: usize| all[i % all.len()].clone();
    match edit {
        Edit::Replace(i, v) => {
            if let Some(slot) = module.pointer_mut(&pick(*i)) {
                *slot = v.clone();
            }
        }
        Edit::Remove(i) | Edit::Duplicate(i) => {
            let target = pick(*i);
            let Some((parent, key)) = target.rsplit_once('/') else {
                return;
            };
            let key = key.replace("~1", "/").replace("~0", "~");
            let duplicate = matches!(edit, Edit::Duplicate(_));
            match module.pointer_mut(parent) {
                Some(Value::Object(map)) if !duplicate => {
                    map.remove(&key);
                }
                Some(Value::Array(items)) => {
                    if let Ok(index) = key.parse::<usize>() {
                        if duplicate && index < items.len() {
                            let copy = items[index].clone();
                            items.push(copy);
                        } else if index < items.len() {
                            items.remove(index);
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

fn check_located(src: &str) {
    if let Err(e) = load_module(src) {
        for p in e.problems() {
            assert!(p.path.starts_with('$'), "unlocated: {p:?}");
            assert!(!p.message.is_empty());
        }
    }
}

fn command(module_questions: &[String], pages: usize) -> impl Strategy<Value = Command> {
    let q = module_questions.to_vec();
    let pick = move |i: usize| q[i % q.len()].clone();
    let (p1, p2, p3, p4, p5, p6) = (
        pick.clone(),
        pick.clone(),
        pick.clone(),
        pick.clone(),
        pick.clone(),
        pick,
    );
    prop_oneof![
        Just(Command::Start),
        Just(Command::Retry),
        Just(Command::Finish),
        Just(Command::Suspend),
        (0..pages + 2).prop_map(Command::GoTo),
        any::<usize>().prop_map(move |i| Command::Submit(p1(i))),
        (any::<usize>(), "[a-z_0-9-]{0,8}").prop_map(move |(i, c)| Command::ToggleChoice(p2(i), c)),
        (any::<usize>(), any::<bool>())
            .prop_map(move |(i, b)| Command::SetResponse(p3(i), Response::TrueFalse(b))),
        (any::<usize>(), prop::collection::vec(".{0,6}", 0..4))
            .prop_map(move |(i, t)| Command::SetResponse(p4(i), Response::Texts(t))),
        (any::<usize>(), any::<i64>())
            .prop_map(move |(i, n)| Command::SetResponse(p5(i), Response::Number(n))),
        (any::<usize>(), prop::collection::vec(step_text(), 0..5))
            .prop_map(move |(i, t)| Command::SetResponse(p6(i), Response::Steps(t))),
        ("[a-z-]{0,10}", "[a-z-]{0,10}").prop_map(|(b, o)| Command::Choose(b, o)),
    ]
}

/// What a learner may type into a step: anything, numbers in every form, the right
/// answers of the performance fixture, and the pattern delimiters.
fn step_text() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,8}",
        "-?[0-9]{1,4}([.,][0-9]{1,3})?",
        prop_oneof![
            Just("198501012010011001"),
            Just("Biro Umum"),
            Just("AbC123"),
            Just("2,5"),
            Just("[,]"),
            Just("1.000,5"),
        ]
        .prop_map(str::to_string),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_text_loads_or_is_refused_with_located_problems(text in "\\PC{0,200}") {
        check_located(&text);
    }

    #[test]
    fn any_json_loads_or_is_refused_with_located_problems(v in any_json()) {
        check_located(&v.to_string());
    }

    #[test]
    fn mutated_modules_load_or_are_refused_with_located_problems(
        which in 0..MODULES.len(),
        edits in prop::collection::vec(edit(), 1..4),
    ) {
        let mut module: Value = serde_json::from_str(MODULES[which]).expect("fixture is JSON");
        for e in &edits {
            apply(&mut module, e);
        }
        let src = serde_json::to_string_pretty(&module).expect("serialises");
        if let Err(e) = load_module(&src) {
            for p in e.problems() {
                prop_assert!(p.path.starts_with('$'), "unlocated: {:?}", p);
            }
        }
    }

    #[test]
    fn performance_answers_earn_within_their_points(
        texts in prop::collection::vec(step_text(), 0..5),
    ) {
        let module = load_module(MODULES[5]).expect("valid");
        for (_, _, q) in module.questions() {
            let response = Response::Steps(texts.clone());
            let answer = q.judge(&response);
            let (right, of) = q.parts_right(&response);
            prop_assert!(answer.points <= answer.max_points);
            prop_assert!(right <= of);
            prop_assert!(!answer.correct || answer.points == answer.max_points);
            prop_assert!(answer.correct || answer.points < answer.max_points);
        }
    }

    #[test]
    fn random_commands_on_performance_questions_keep_the_session_consistent(
        script in (0..1usize).prop_flat_map(|_| {
            let module = load_module(MODULES[5]).expect("valid");
            let ids: Vec<String> = module.questions().map(|(_, _, q)| q.id.clone()).collect();
            prop::collection::vec(command(&ids, 1), 0..30)
        }),
    ) {
        let module = load_module(MODULES[5]).expect("valid");
        let mut session = Session::new(&module);
        for command in script {
            let before = session.clone();
            if session.apply(&module, command).is_err() {
                prop_assert_eq!(&session, &before, "a refused command changes nothing");
            }
            prop_assert!(session.answered_count() <= module.questions().count());
        }
    }

    #[test]
    fn random_commands_never_panic_and_keep_the_session_consistent(
        which in 0..2usize,
        script in (0..1usize).prop_flat_map(|_| {
            let module = load_module(MODULES[0]).expect("valid");
            let ids: Vec<String> = module.questions().map(|(_, _, q)| q.id.clone()).collect();
            prop::collection::vec(command(&ids, 5), 0..40)
        }),
    ) {
        let module = load_module(MODULES[which]).expect("example modules are valid");
        let mut session = Session::new(&module);
        for command in script {
            let before = session.clone();
            if session.apply(&module, command).is_err() {
                prop_assert_eq!(&session, &before, "a refused command changes nothing");
            }
            prop_assert!(session.current_index() < session.page_count());
            prop_assert!(session.answered_count() <= module.questions().count());
        }
    }
}
