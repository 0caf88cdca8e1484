//! Component tests in a real browser (wasm-bindgen-test in headless Chromium): mount the
//! player's pieces, click like a learner, and check what is shown and what is recorded.

#![cfg(target_arch = "wasm32")]

use gloo::storage::{LocalStorage, Storage};
use pelita_lesson::{load_module, Module, Question};
use pelita_player::components::QuestionCard;
use pelita_player::glue::idb;
use pelita_player::pages::{error_page, PlayerPage};
use pelita_xapi::Launch;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement};
use yew::prelude::*;

wasm_bindgen_test_configure!(run_in_browser);

const SMALL: &str = include_str!("../../xapi/tests/small.json");
const SMALL_ID: &str = "https://example.org/modules/small";

/// The module's statements as IndexedDB holds them, once the player has written them all.
async fn stored(count: usize) -> Vec<pelita_xapi::Entry> {
    for _ in 0..100 {
        let (entries, problems) = idb::load(SMALL_ID).await.expect("the database reads");
        assert!(problems.is_empty(), "{problems:?}");
        if entries.len() >= count {
            return entries;
        }
        settle().await;
    }
    panic!("fewer than {count} statements were stored");
}

fn module() -> Rc<Module> {
    Rc::new(load_module(SMALL).expect("fixture is valid"))
}

fn fresh_root() -> Element {
    let document = gloo::utils::document();
    // Every test's app stays mounted in this one page; each gets its own form, because
    // radio buttons of the same name are one group per form (or per document), and the
    // players of different tests have questions of the same ids.
    let root = document.create_element("form").expect("form");
    gloo::utils::body().append_child(&root).expect("append");
    root
}

/// Lets Yew render and effects run.
async fn settle() {
    gloo::timers::future::TimeoutFuture::new(20).await;
}

/// Waits (up to about two seconds, for a loaded machine) until `done` holds.
async fn until(what: &str, done: impl Fn() -> bool) {
    for _ in 0..100 {
        if done() {
            return;
        }
        settle().await;
    }
    panic!("still not so after waiting: {what}");
}

fn find(root: &Element, selector: &str) -> Element {
    root.query_selector(selector)
        .expect("valid selector")
        .unwrap_or_else(|| panic!("nothing matches `{selector}` in {}", root.inner_html()))
}

fn all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).expect("valid selector");
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<Element>().ok())
        .collect()
}

fn click(root: &Element, selector: &str) {
    find(root, selector).unchecked_into::<HtmlElement>().click();
}

fn text(root: &Element, selector: &str) -> String {
    find(root, selector).text_content().unwrap_or_default()
}

/// A fresh player on the small module in English with `launch` (its language set to
/// English), with nothing saved from earlier tests.
async fn mount_with(launch: Launch) -> Element {
    let root = empty_player_root().await;
    render_player(&root, launch);
    root
}

/// A fresh root, with the browser's storage of the small module cleared.
async fn empty_player_root() -> Element {
    LocalStorage::clear();
    idb::clear(SMALL_ID)
        .await
        .expect("the test database clears");
    fresh_root()
}

/// Renders the player for the small module with `launch` into `root`.
fn render_player(root: &Element, launch: Launch) {
    let props = pelita_player::pages::PlayerPageProps {
        module: module(),
        module_path: "modules/small.json".into(),
        launch: Rc::new(Launch {
            lang: Some("en".into()),
            ..launch
        }),
        cmi5: None,
        scorm: None,
        scorm_missing: false,
    };
    yew::Renderer::<PlayerPage>::with_root_and_props(root.clone(), props).render();
}

/// A fresh player with no LRS, its learning record opened.
async fn mount_player() -> Element {
    let root = mount_with(Launch::default()).await;
    settle().await;
    // The record lists its entries only while it is open.
    assert!(
        all(&root, ".record .entry").is_empty(),
        "a closed record builds no list"
    );
    click(&root, "#record-title");
    settle().await;
    root
}

fn recorded_verbs(root: &Element) -> Vec<String> {
    all(root, ".record .entry")
        .iter()
        .filter_map(|e| e.get_attribute("data-verb"))
        .map(|v| {
            v.trim_start_matches("http://adlnet.gov/expapi/verbs/")
                .to_string()
        })
        .collect()
}

/// Mounts the player for the small module with `launch` into a fresh root, and reports
/// whether a loading screen was ever inserted before the first page's heading appeared.
async fn loading_screen_shown_before_first_page(launch: Launch) -> bool {
    let root = empty_player_root().await;
    // A MutationObserver records every loading screen added, however briefly.
    let watch = js_sys::Function::new_with_args(
        "root",
        "const seen = [];
         new MutationObserver((records) => {
           for (const r of records) for (const n of r.addedNodes) {
             if (n.nodeType === 1 && (n.matches('.loading') || n.querySelector('.loading'))) seen.push(true);
           }
         }).observe(root, { childList: true, subtree: true });
         return seen;",
    );
    let seen: js_sys::Array = watch
        .call1(&wasm_bindgen::JsValue::NULL, &root)
        .expect("the observer starts")
        .unchecked_into();
    render_player(&root, launch);
    until("the first page is shown", || {
        root.query_selector("main.page h1").ok().flatten().is_some()
    })
    .await;
    seen.length() > 0
}

#[wasm_bindgen_test]
async fn with_no_lrs_to_ask_the_first_render_shows_the_first_page() {
    assert!(
        !loading_screen_shown_before_first_page(Launch::default()).await,
        "no loading screen between the module and its first page"
    );
    // With an LRS, whether a saved attempt waits there is known only from its answer
    // (here: none, the address is closed), so the loading screen comes first.
    let with_lrs = Launch {
        endpoint: Some("http://127.0.0.1:9/xapi/".into()),
        auth: Some("Basic dGVzdDp0ZXN0".into()),
        ..Launch::default()
    };
    assert!(loading_screen_shown_before_first_page(with_lrs).await);
}

#[derive(Properties, PartialEq)]
struct CardHarness {
    question: Question,
    log: Rc<RefCell<Vec<String>>>,
}

#[component]
fn Card(props: &CardHarness) -> Html {
    let log = props.log.clone();
    let ontoggle = Callback::from(move |c: String| log.borrow_mut().push(format!("toggle {c}")));
    let log = props.log.clone();
    let onrespond = Callback::from(move |r: pelita_lesson::Response| {
        log.borrow_mut().push(format!("respond {r:?}"))
    });
    let log = props.log.clone();
    let onsubmit = Callback::from(move |_| log.borrow_mut().push("submit".into()));
    html! {
        <QuestionCard
            question={props.question.clone()}
            lang="en"
            fallback="id"
            {ontoggle}
            {onrespond}
            {onsubmit}
        />
    }
}

/// A question card on its own, with a log of what it reports.
async fn mount_card(question: Question) -> (Element, Rc<RefCell<Vec<String>>>) {
    let log = Rc::new(RefCell::new(Vec::new()));
    let root = fresh_root();
    yew::Renderer::<Card>::with_root_and_props(
        root.clone(),
        CardHarness {
            question,
            log: log.clone(),
        },
    )
    .render();
    settle().await;
    (root, log)
}

#[wasm_bindgen_test]
async fn a_question_card_offers_labelled_inputs_and_reports_clicks() {
    let m = module();
    let (root, log) = mount_card(m.question("multi").expect("multi").clone()).await;
    assert_eq!(text(&root, "legend"), "Pick two");
    let inputs = all(&root, "input[type=checkbox]");
    assert_eq!(
        inputs.len(),
        3,
        "a multiple-answer question uses checkboxes"
    );
    for input in &inputs {
        let id = input.id();
        assert!(
            root.query_selector(&format!("label[for='{id}']"))
                .expect("ok")
                .is_some(),
            "input {id} has a label"
        );
    }
    let button = find(&root, "button").unchecked_into::<web_sys::HtmlButtonElement>();
    assert!(button.disabled(), "nothing chosen yet, so nothing to check");
    click(&root, "#q-multi-z");
    settle().await;
    assert_eq!(*log.borrow(), vec!["toggle z".to_string()]);

    // A true/false question reports the whole response it now holds.
    let (root, log) = mount_card(m.question("tf").expect("tf").clone()).await;
    assert_eq!(all(&root, "input[type=radio]").len(), 2);
    click(&root, "#q-tf-false");
    settle().await;
    assert_eq!(*log.borrow(), vec!["respond TrueFalse(false)".to_string()]);
}

#[wasm_bindgen_test]
async fn a_learner_answers_finishes_and_retries_and_every_step_is_recorded() {
    let root = mount_player().await;
    assert_eq!(text(&root, "h1"), "Intro");
    assert_eq!(recorded_verbs(&root), ["initialized", "experienced"]);

    // Answer the true/false question correctly by mouse.
    click(&root, "#q-tf-true");
    // The player, not only the browser, must have taken the choice: the option is marked
    // and "check answer" is enabled (a machine under load may need more than one frame).
    until("the choice is taken and can be checked", || {
        let chosen = root
            .query_selector("#q-tf .option.chosen #q-tf-true")
            .ok()
            .flatten()
            .is_some();
        let enabled = root
            .query_selector("#q-tf button.primary:not([disabled])")
            .ok()
            .flatten()
            .is_some();
        chosen && enabled
    })
    .await;
    click(&root, "#q-tf button.primary");
    until("the feedback says the answer is correct", || {
        root.query_selector("#q-tf .feedback")
            .ok()
            .flatten()
            .and_then(|f| f.text_content())
            .is_some_and(|t| t.contains("Your answer is correct."))
    })
    .await;
    assert!(
        find(&root, "#q-tf-true")
            .unchecked_into::<HtmlInputElement>()
            .disabled(),
        "answers are final"
    );
    assert!(
        find(&root, "#q-tf-true")
            .unchecked_into::<HtmlInputElement>()
            .checked(),
        "the answer given stays shown"
    );
    assert_eq!(
        recorded_verbs(&root),
        ["initialized", "experienced", "answered"]
    );

    let focused = gloo::utils::document()
        .active_element()
        .map(|e| e.class_name());
    assert_eq!(
        focused.as_deref(),
        Some("feedback right"),
        "focus moves to the feedback"
    );

    // Next page: a wrong single choice shows that choice's feedback.
    click(&root, ".nav button.primary");
    settle().await;
    assert_eq!(text(&root, "h1"), "Quiz");
    let img = find(&root, "figure img");
    assert_eq!(
        img.get_attribute("src").as_deref(),
        Some("modules/img/a.svg")
    );
    assert_eq!(img.get_attribute("alt").as_deref(), Some("Picture"));
    click(&root, "#q-single-b");
    settle().await;
    click(&root, "#q-single button.primary");
    settle().await;
    let feedback = text(&root, "#q-single .feedback");
    assert!(
        feedback.contains("Your answer is not correct."),
        "{feedback}"
    );
    assert!(
        feedback.contains("No"),
        "per-choice feedback is shown: {feedback}"
    );

    // Back on the first page, its answered question does not take the focus from the
    // page heading.
    click(&root, ".nav button.secondary");
    until("the first page is shown again", || {
        text(&root, "h1") == "Intro"
    })
    .await;
    let focused = gloo::utils::document()
        .active_element()
        .map(|e| e.tag_name());
    assert_eq!(focused.as_deref(), Some("H1"));
    assert!(
        text(&root, "#q-tf .feedback").contains("Your answer is correct."),
        "the answer is kept"
    );
    click(&root, ".nav button.primary");
    settle().await;

    // Finish with one question open: warned, then judged 1 of 4 (25%), failed at 75%.
    assert!(text(&root, ".nav .warning").contains("1 question is not answered"));
    click(&root, ".nav .finish button");
    settle().await;
    assert_eq!(text(&root, "h1"), "Your result");
    assert_eq!(text(&root, ".verdict"), "Not passed");
    assert!(text(&root, ".score").contains("1 of 4 points (25%)"));
    let verbs = recorded_verbs(&root);
    assert_eq!(
        verbs,
        [
            "initialized",
            "experienced",
            "answered",
            "experienced",
            "answered",
            "experienced",
            "experienced",
            "completed",
            "failed",
            "terminated"
        ]
    );
    // A statement's JSON is shown when its entry is opened, exactly as it would be sent.
    assert!(all(&root, ".record pre").is_empty());
    click(&root, ".record .entry summary");
    settle().await;
    let json: serde_json::Value = serde_json::from_str(&text(&root, ".record pre")).expect("JSON");
    assert_eq!(
        json["verb"]["id"],
        "http://adlnet.gov/expapi/verbs/initialized"
    );
    assert_eq!(json["object"]["id"], "https://example.org/modules/small");

    // With no LRS configured, everything is kept in the browser.
    assert!(all(&root, ".record .entry").iter().all(|e| e
        .get_attribute("class")
        .unwrap_or_default()
        .split_whitespace()
        .any(|c| c == "local")));
    let saved = stored(10).await;
    assert_eq!(saved.len(), 10, "the record is saved");
    assert!(saved
        .iter()
        .all(|e| e.delivery == pelita_xapi::Delivery::Local));

    // Retry starts a new attempt on the first page.
    click(&root, ".result button.primary");
    settle().await;
    assert_eq!(text(&root, "h1"), "Intro");
    let focused = gloo::utils::document()
        .active_element()
        .map(|e| e.tag_name());
    assert_eq!(
        focused.as_deref(),
        Some("H1"),
        "focus moves to the first page's heading"
    );
    assert_eq!(
        recorded_verbs(&root)
            .iter()
            .filter(|v| *v == "initialized")
            .count(),
        2
    );
    assert!(!find(&root, "#q-tf-true")
        .unchecked_into::<HtmlInputElement>()
        .checked());
}

#[wasm_bindgen_test]
async fn switching_language_changes_the_text_and_the_recorded_language() {
    let root = mount_player().await;
    click(&root, ".languages button[lang=id]");
    settle().await;
    assert_eq!(text(&root, "h1"), "Pembuka");
    assert_eq!(text(&root, "#q-tf legend"), "Langit biru?");
    assert_eq!(
        find(&root, ".languages button[lang=id]")
            .get_attribute("aria-pressed")
            .as_deref(),
        Some("true")
    );
    click(&root, "#q-tf-false");
    settle().await;
    click(&root, "#q-tf button.primary");
    settle().await;
    assert!(text(&root, "#q-tf .feedback").contains("Jawaban Anda belum tepat."));
    let saved = stored(3).await;
    let last = &saved.last().expect("an entry").statement;
    assert_eq!(
        last["verb"]["id"],
        "http://adlnet.gov/expapi/verbs/answered"
    );
    assert_eq!(last["context"]["language"], "id");
    assert_eq!(last["result"]["response"], "false");
    assert_eq!(last["result"]["success"], false);
}

#[derive(Properties, PartialEq)]
struct ErrorsProps {
    problems: Vec<String>,
}

#[component]
fn Errors(props: &ErrorsProps) -> Html {
    error_page(&props.problems)
}

#[wasm_bindgen_test]
async fn a_broken_module_gets_an_error_page_naming_each_problem() {
    let broken = SMALL
        .replace("\"masteryScore\": 0.75", "\"masteryScore\": 7.5")
        .replace(", \"alt\": {\"id\": \"Gambar\", \"en\": \"Picture\"}", "");
    let err = load_module(&broken).expect_err("broken");
    let problems: Vec<String> = err
        .report("modules/small.json")
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(problems.len(), 2, "{problems:?}");
    let root = fresh_root();
    yew::Renderer::<Errors>::with_root_and_props(root.clone(), ErrorsProps { problems }).render();
    settle().await;
    let items = all(&root, ".problems li");
    assert_eq!(items.len(), 2);
    let first = items[0].text_content().unwrap_or_default();
    assert!(first.starts_with("modules/small.json:6:"), "{first}");
    assert!(first.contains("$.masteryScore"), "{first}");
    let second = items[1].text_content().unwrap_or_default();
    assert!(
        second.contains("$.lessons[0].pages[1].blocks[0].alt"),
        "{second}"
    );
}

#[wasm_bindgen_test]
async fn statements_wait_in_indexeddb_while_the_lrs_is_unreachable() {
    let root = mount_with(Launch {
        // Port 9 (discard) is closed here: every send fails as a network error.
        endpoint: Some("http://127.0.0.1:9/xapi/".into()),
        ..Launch::default()
    })
    .await;
    // The player first asks the (unreachable) LRS for a saved attempt.
    until("the first page is shown", || {
        root.query_selector("#q-tf .option #q-tf-true")
            .ok()
            .flatten()
            .is_some()
    })
    .await;
    click(&root, "#q-tf-true");
    until("the choice is taken", || {
        root.query_selector("#q-tf button.primary:not([disabled])")
            .ok()
            .flatten()
            .is_some()
    })
    .await;
    click(&root, "#q-tf button.primary");
    let saved = stored(3).await;
    assert!(
        saved
            .iter()
            .all(|e| e.delivery == pelita_xapi::Delivery::Queued),
        "queued, not lost: {saved:?}"
    );
    let mut status = String::new();
    for _ in 0..100 {
        status = text(&root, ".sync-state");
        if status.contains("3 records waiting to sync") {
            break;
        }
        settle().await;
    }
    assert_eq!(status.trim(), "3 records waiting to sync");
    assert_eq!(
        find(&root, ".sync-state").get_attribute("role").as_deref(),
        Some("status"),
        "announced politely"
    );
}

#[wasm_bindgen_test]
async fn the_indexeddb_outbox_keeps_states_and_order() {
    use pelita_xapi::{Delivery, Entry};
    let outbox = "https://example.org/modules/idb-roundtrip";
    idb::clear(outbox).await.expect("clears");
    let statement = |n: u32| {
        format!(
            r#"{{"id":"00000000-0000-4000-8000-00000000000{n}","verb":{{"id":"http://adlnet.gov/expapi/verbs/experienced"}}}}"#
        )
    };
    let entry = |n: u32, seq: f64, state: &str| {
        Entry::from_stored(
            &format!("00000000-0000-4000-8000-00000000000{n}"),
            seq,
            state,
            400,
            "bad",
            &statement(n),
        )
        .expect("valid")
    };
    // Written out of order, in two transactions, as two tabs would.
    idb::write(outbox, &[entry(3, 30.0, "queued"), entry(1, 10.0, "sent")])
        .await
        .expect("writes");
    idb::write(outbox, &[entry(2, 20.0, "quarantined")])
        .await
        .expect("writes");
    let other = "https://example.org/modules/another";
    idb::write(other, &[entry(4, 15.0, "queued")])
        .await
        .expect("writes");
    let (entries, problems) = idb::load(outbox).await.expect("reads");
    assert!(problems.is_empty());
    let states: Vec<(f64, Delivery)> = entries
        .iter()
        .map(|e| (e.seq, e.delivery.clone()))
        .collect();
    assert_eq!(
        states,
        [
            (10.0, Delivery::Sent),
            (
                20.0,
                Delivery::Quarantined {
                    status: 400,
                    reason: "bad".into()
                }
            ),
            (30.0, Delivery::Queued),
        ],
        "one module's queue, in order, with every state"
    );
    assert_eq!(
        entries[2].statement["id"],
        "00000000-0000-4000-8000-000000000003"
    );
    idb::clear(outbox).await.expect("clears");
    assert!(idb::load(outbox).await.expect("reads").0.is_empty());
    assert_eq!(
        idb::load(other).await.expect("reads").0.len(),
        1,
        "other modules untouched"
    );
    idb::clear(other).await.expect("clears");
}

/// A state that sends (an LRS is configured and this tab holds the lock) and has started,
/// with storage in memory so that every statement counts as saved at once.
fn sending_state() -> Rc<pelita_player::state::PlayerState> {
    use pelita_player::glue::storage::{Backend, Restored};
    use pelita_player::state::{Action, PlayerState};
    let launch = Rc::new(Launch {
        endpoint: Some("http://127.0.0.1:9/xapi/".into()),
        ..Launch::default()
    });
    let actor = pelita_xapi::Agent {
        object_type: "Agent".into(),
        mbox: Some("mailto:ayu@example.go.id".into()),
        ..pelita_xapi::Agent::default()
    };
    let state = Rc::new(PlayerState::new(
        module(),
        "modules/small.json".into(),
        launch,
        actor,
        "en".into(),
        None,
    ));
    [
        Action::Restored(Rc::new(Restored {
            entries: Vec::new(),
            backend: Backend::Memory,
            problem: None,
        })),
        Action::BecameSender,
        Action::ResumeChecked(None),
        Action::SendReady,
    ]
    .into_iter()
    .fold(state, |state, action| state.reduce(action))
}

/// Until the sending chunk is in (`Action::SendReady`), the player keeps every statement
/// it makes and sends none; then the statements kept meanwhile go out, in order.
#[wasm_bindgen_test]
fn statements_wait_for_the_sending_chunk_and_then_go_out_in_order() {
    use pelita_player::state::{Action, PlayerState};
    let state = sending_state();
    let sent: Vec<_> = state.batch.clone().expect("a batch").ids.clone();
    // The same launch without the sending chunk: everything is kept, nothing goes out.
    let fresh = (*state).clone();
    let mut waiting = Rc::new(PlayerState {
        batch: None,
        outbox: pelita_xapi::Outbox::awaiting_check(fresh.launch.policy()),
        ..fresh
    });
    for id in &sent {
        let entry = state
            .outbox
            .entries()
            .iter()
            .find(|e| e.id == *id)
            .expect("made");
        let mut outbox = waiting.outbox.clone();
        outbox.push_value(entry.id, (*entry.statement).clone(), true, entry.seq);
        // Stored, as the player stores them before anything is sent.
        outbox.mark_saved(&[entry.id]);
        waiting = Rc::new(PlayerState {
            outbox,
            ..(*waiting).clone()
        });
    }
    let waiting = waiting.reduce(Action::RetryNow);
    assert!(
        waiting.batch.is_none(),
        "nothing is sent before the check has come"
    );
    assert_eq!(waiting.outbox.pending(), sent.len(), "everything is kept");
    let ready = waiting.reduce(Action::SendReady);
    assert_eq!(
        ready.batch.clone().expect("sent once the chunk is in").ids,
        sent,
        "in the order they were made"
    );
}

fn unavailable() -> pelita_xapi::SendOutcome {
    pelita_xapi::SendOutcome::Status {
        status: 503,
        body: String::new(),
        retry_after_ms: Some(60_000),
    }
}

#[wasm_bindgen_test]
fn a_retry_waits_out_retry_after_unless_a_send_was_asked_for_meanwhile() {
    use pelita_player::state::Action;
    let state = sending_state();
    let batch = state.batch.clone().expect("the first batch goes out");
    let ids: Vec<_> = batch.ids.clone();

    // Refused with Retry-After while nothing else happened: the player waits.
    let waited = state
        .clone()
        .reduce(Action::Delivered(ids.clone(), unavailable()));
    assert!(waited.waiting_retry, "the LRS asked for a pause");
    assert!(waited.batch.is_none(), "nothing goes out during the pause");
    // The page is hidden during the pause: it sends at once.
    let hidden = waited.reduce(Action::RetryNow);
    assert!(hidden.batch.is_some(), "a hidden page does not wait");

    // The page is hidden while the batch is in flight, and the batch then fails: the
    // retry goes at once, since the hidden page may never run again.
    let asked = state.reduce(Action::RetryNow);
    assert!(asked.batch.is_some(), "still in flight");
    let sends = asked.sends;
    let retried = asked.reduce(Action::Delivered(ids, unavailable()));
    assert!(!retried.waiting_retry);
    let again = retried.batch.clone().expect("retried at once");
    // The same statements again, but a new send: the delivery hook, keyed by the send's
    // number, sends them again (keyed by the ids alone, it would wait forever).
    assert_eq!(again.ids, batch.ids);
    assert_eq!(retried.sends, sends + 1, "a new send");
    // Once only: a second refusal waits again.
    let waited = retried.reduce(Action::Delivered(again.ids.clone(), unavailable()));
    assert!(waited.waiting_retry, "only one immediate retry per request");
}

#[wasm_bindgen_test]
fn every_catalog_says_everything_and_plurals_follow_the_language() {
    use pelita_player::i18n::{self, tf, Arg, Msg, CATALOGS};
    for catalog in CATALOGS {
        assert!(
            catalog.missing.is_empty(),
            "{} lacks {:?}",
            catalog.tag,
            catalog.missing
        );
        assert!(
            catalog.texts.iter().all(|t| !t.trim().is_empty()),
            "{} has an empty text",
            catalog.tag
        );
    }
    assert_eq!(i18n::records_waiting("en", 1), "1 record waiting to sync");
    assert_eq!(i18n::records_waiting("en", 3), "3 records waiting to sync");
    assert_eq!(
        i18n::records_waiting("en-GB", 0),
        "0 records waiting to sync"
    );
    assert_eq!(
        i18n::records_waiting("id", 1),
        "1 catatan menunggu sinkronisasi"
    );
    assert_eq!(
        i18n::records_waiting("id-ID", 2),
        "2 catatan menunggu sinkronisasi"
    );
    // Numbers are written each language's way.
    assert_eq!(
        i18n::records_waiting("en", 1234),
        "1,234 records waiting to sync"
    );
    assert_eq!(
        i18n::records_waiting("id", 1234),
        "1.234 catatan menunggu sinkronisasi"
    );
    assert_eq!(i18n::page_of("id", 0, 5), "Halaman 1 dari 5");
    assert_eq!(
        tf("en", Msg::YouChose, &[("choice", Arg::Text("Lapor"))]),
        "You chose \u{201c}Lapor\u{201d}: "
    );
    // A forgotten variable shows, rather than vanishing.
    assert_eq!(tf("en", Msg::SavedAt, &[]), "Saved {$when}");
    // A language without a catalog gets English words; its name is its tag.
    assert_eq!(i18n::t("ar", i18n::Key::Next), "Next");
    assert_eq!(i18n::language_name("ar"), "العربية", "the browser names it");
    assert_eq!(i18n::language_name("zz-not-a-tag!"), "zz-not-a-tag!");
    assert_eq!(i18n::language_name("id"), "Bahasa Indonesia");
    assert!(i18n::is_rtl("ar-EG") && i18n::is_rtl("he") && !i18n::is_rtl("id"));
    // Dates too.
    let moment = 1_790_000_000_000.0; // 2026-09-22 in UTC
    let en = pelita_player::glue::intl::date_time("en", moment);
    let id = pelita_player::glue::intl::date_time("id", moment);
    assert!(en.contains("Sep"), "{en}");
    assert!(id.contains("Sep") && id != en, "{id}");
    // An odd tag never throws.
    assert_eq!(pelita_player::glue::intl::number("x-not a tag", 3.5), "3.5");
}

#[wasm_bindgen_test]
fn small_numbers_written_without_intl_are_exactly_what_intl_writes() {
    use pelita_player::glue::intl::{number, LATIN_DIGITS};
    use wasm_bindgen::JsValue;
    let by_intl =
        js_sys::Function::new_with_args("l, n", "return new Intl.NumberFormat(l).format(n)");
    let intl = |lang: &str, n: f64| {
        by_intl
            .call2(&JsValue::NULL, &lang.into(), &n.into())
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default()
    };
    // The languages written without Intl, with region subtags, an extension asking for
    // other digits, and languages that use other digits by default (which go to Intl).
    let mut tags: Vec<String> = LATIN_DIGITS.iter().map(|t| t.to_string()).collect();
    tags.extend(
        [
            "en-GB",
            "id-ID",
            "pt-BR",
            "en-u-nu-arab",
            "id-u-nu-deva",
            "ar",
            "ar-EG",
            "fa",
            "bn",
            "mr",
        ]
        .map(String::from),
    );
    for tag in &tags {
        for n in [
            -0.0, 0.0, 1.0, 7.0, 10.0, 99.0, 100.0, 999.0, 1000.0, 1234.0, 12345.0, 2.5, 0.25,
        ] {
            assert_eq!(number(tag, n), intl(tag, n), "{tag} {n}");
        }
    }
    assert_ne!(
        number("en-u-nu-arab", 7.0),
        "7",
        "Intl is asked for the extension"
    );
    assert_ne!(number("ar-EG", 7.0), "7", "Arabic digits by default");
}

#[wasm_bindgen_test]
fn a_portal_colour_is_adjusted_until_it_reads_in_both_schemes() {
    use pelita_player::theme::{contrast, primary_properties, theme_entry, Rgb, MIN_CONTRAST};
    assert_eq!(Rgb::from_hex("#0b5cad"), Some(Rgb(0x0b, 0x5c, 0xad)));
    assert_eq!(Rgb(0x0b, 0x5c, 0xad).hex(), "#0b5cad");
    assert_eq!(Rgb::from_hex("#0b5ca"), None);
    assert!((contrast(Rgb(0, 0, 0), Rgb(255, 255, 255)) - 21.0).abs() < 1e-9);
    let white = Rgb(255, 255, 255);
    let dark_card = Rgb(0x1f, 0x24, 0x29);
    for primary in [
        "#ffee00", "#0b5cad", "#000000", "#ffffff", "#8a1538", "#33cc33",
    ] {
        let rgb = Rgb::from_hex(primary).expect("colour");
        let props = primary_properties(rgb);
        let get = |name: &str| {
            let hex = &props.iter().find(|(n, _)| *n == name).expect("set").1;
            Rgb::from_hex(hex).expect("hex")
        };
        let light = get("--primary-light");
        let dark = get("--primary-dark");
        assert!(contrast(light, white) >= MIN_CONTRAST, "{primary} on light");
        assert!(
            contrast(dark, dark_card) >= MIN_CONTRAST,
            "{primary} on dark"
        );
        assert!(
            contrast(get("--primary-light-ink"), light) >= MIN_CONTRAST,
            "{primary} button"
        );
        assert!(
            contrast(get("--primary-dark-ink"), dark) >= MIN_CONTRAST,
            "{primary} dark button"
        );
    }
    // A colour that already reads is kept as it is.
    let props = primary_properties(Rgb(0x0b, 0x5c, 0xad));
    assert_eq!(props[0].1, "#0b5cad");

    assert_eq!(theme_entry("radius", "0"), Ok("--radius".to_string()));
    assert_eq!(
        theme_entry("font-body", "Georgia, serif"),
        Ok("--font-body".to_string())
    );
    assert!(theme_entry("position", "fixed").is_err());
    for bad in [
        "red; background: blue",
        "url(https://x.example/t.png)",
        "}body{",
        "",
        "expression(alert(1))",
    ] {
        assert!(theme_entry("accent", bad).is_err(), "{bad}");
    }
}

#[derive(Properties, PartialEq)]
struct PerformanceHarness {
    question: Question,
    draft: Option<pelita_lesson::Response>,
    answer: Option<pelita_lesson::Answer>,
    log: Rc<RefCell<Vec<Vec<String>>>>,
}

#[component]
fn PerformanceCard(props: &PerformanceHarness) -> Html {
    let log = props.log.clone();
    let onrespond = Callback::from(move |r: pelita_lesson::Response| match r {
        pelita_lesson::Response::Steps(texts) => log.borrow_mut().push(texts),
        other => panic!("a performance question answers with its steps, not {other:?}"),
    });
    html! {
        <QuestionCard
            question={props.question.clone()}
            lang="en"
            fallback="id"
            draft={props.draft.clone()}
            answer={props.answer.clone()}
            ontoggle={Callback::noop()}
            {onrespond}
            onsubmit={Callback::noop()}
        />
    }
}

#[wasm_bindgen_test]
async fn a_performance_form_has_a_labelled_field_per_step_and_marks_each_step() {
    let m = load_module(include_str!("../../xapi/tests/performance.json")).expect("valid");
    let question = m.question("account").expect("account").clone();
    let steps =
        |t: &[&str]| pelita_lesson::Response::Steps(t.iter().map(|s| s.to_string()).collect());
    let mount = |draft, answer, log: &Rc<RefCell<Vec<Vec<String>>>>| {
        let root = fresh_root();
        yew::Renderer::<PerformanceCard>::with_root_and_props(
            root.clone(),
            PerformanceHarness {
                question: question.clone(),
                draft,
                answer,
                log: log.clone(),
            },
        )
        .render();
        root
    };

    // Empty: one labelled text field per step, a decimal keypad for the number step,
    // nothing to check yet; typing reports every step's text.
    let log = Rc::new(RefCell::new(Vec::new()));
    let root = mount(None, None, &log);
    settle().await;
    let inputs = all(&root, "ol.steps input");
    assert_eq!(inputs.len(), 3);
    for (input, label) in inputs.iter().zip([
        "Civil servant number (18 digits)",
        "Work unit",
        "Password length (characters)",
    ]) {
        assert_eq!(text(&root, &format!("label[for='{}']", input.id())), label);
    }
    assert_eq!(
        inputs[2].get_attribute("inputmode").as_deref(),
        Some("decimal")
    );
    assert_eq!(inputs[0].get_attribute("inputmode"), None);
    assert!(find(&root, "button.primary")
        .unchecked_into::<web_sys::HtmlButtonElement>()
        .disabled());
    let unit: HtmlInputElement = find(&root, "#q-account-step-unit").unchecked_into();
    unit.set_value("Biro Umum");
    // Yew listens at the root, so the event bubbles, as a typed key's does.
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let event = web_sys::Event::new_with_event_init_dict("input", &init).expect("an event");
    unit.dispatch_event(&event).expect("dispatched");
    settle().await;
    assert_eq!(
        *log.borrow(),
        vec![vec![String::new(), "Biro Umum".to_string(), String::new()]]
    );

    // A number step holding text: said next to it, and the answer cannot be checked.
    let root = mount(Some(steps(&["1985", "Biro Umum", "dua belas"])), None, &log);
    settle().await;
    let length = find(&root, "#q-account-step-length");
    assert_eq!(
        length.get_attribute("aria-invalid").as_deref(),
        Some("true")
    );
    assert_eq!(
        length.get_attribute("aria-describedby").as_deref(),
        Some("q-account-step-length-note")
    );
    assert!(text(&root, "#q-account-step-length-note").starts_with("That is not a number yet"));
    assert!(find(&root, "button.primary")
        .unchecked_into::<web_sys::HtmlButtonElement>()
        .disabled());

    // Answered: each step says whether it was right, in words, with the right answer.
    let given = steps(&["198501012010011001", "biro umum", "8"]);
    let answer = question.judge(&given);
    let root = mount(Some(given), Some(answer), &log);
    settle().await;
    let classes: Vec<String> = all(&root, "ol.steps li")
        .iter()
        .map(|li| li.class_name())
        .collect();
    assert_eq!(classes, ["step right", "step right", "step wrong"]);
    assert_eq!(text(&root, "#q-account-step-nip-note"), "✓ Right");
    assert_eq!(
        text(&root, "#q-account-step-length-note"),
        "✗ Wrong — The right answer: from 12 to 64"
    );
    assert!(all(&root, "ol.steps input")
        .iter()
        .all(|i| i.clone().unchecked_into::<HtmlInputElement>().disabled()));
    let feedback = text(&root, ".feedback");
    assert!(
        feedback.contains("Partly right: 2 of 3 points."),
        "{feedback}"
    );
    assert!(feedback.contains("2 of 3 steps right."), "{feedback}");
    assert!(
        feedback.contains("A password of 12 characters"),
        "{feedback}"
    );
    assert!(root.query_selector("button.primary").expect("ok").is_none());
}

#[derive(Properties, PartialEq)]
struct ChartProps {
    bars: Vec<pelita_player::components::Bar>,
    csv: Rc<str>,
}

#[component]
fn Chart(props: &ChartProps) -> Html {
    html! {
        <>
            { pelita_player::components::bar_chart("test-chart", "Responses", ["Response", "Answered"], &props.bars) }
            <pelita_player::components::CsvLink csv={props.csv.clone()} filename="q.csv" label="Download" />
        </>
    }
}

#[wasm_bindgen_test]
async fn a_bar_chart_is_labelled_scaled_and_tabled_and_the_csv_link_downloads() {
    use pelita_player::components::Bar;
    let bar = |label: &str, value: f64, note: &str, marked: bool| Bar {
        label: label.into(),
        value,
        text: format!("{value}"),
        note: note.into(),
        marked,
        key: label.chars().next().map(String::from).unwrap_or_default(),
    };
    let long = "a · an option whose text is far too long to fit beside its bar on a phone";
    let bars = vec![
        bar(long, 4.0, "(correct)", true),
        bar("b · short", 2.0, "", false),
        bar("c · nobody", 0.0, "⚠ nobody picks it", false),
    ];
    let csv: Rc<str> = "question_id,answered\r\n\"q,1\",3\r\n".into();
    let root = fresh_root();
    yew::Renderer::<Chart>::with_root_and_props(
        root.clone(),
        ChartProps {
            bars,
            csv: csv.clone(),
        },
    )
    .render();
    settle().await;

    // Labelled: a caption, an SVG named by it, with a title; it scales by its viewBox.
    assert_eq!(text(&root, "#test-chart figcaption"), "Responses");
    let svg = find(&root, "#test-chart svg");
    assert_eq!(
        svg.get_attribute("viewBox").as_deref(),
        Some("0 0 320 108"),
        "three rows of 36"
    );
    assert_eq!(svg.get_attribute("role").as_deref(), Some("img"));
    assert_eq!(
        svg.get_attribute("aria-labelledby").as_deref(),
        Some("test-chart-title")
    );
    assert_eq!(text(&root, "#test-chart svg title"), "Responses");
    // Scaled to the longest bar (250 units), and the marked one drawn as right.
    let widths: Vec<String> = all(&root, "#test-chart rect")
        .iter()
        .map(|r| r.get_attribute("width").unwrap_or_default())
        .collect();
    assert_eq!(widths, vec!["250", "125", "0"]);
    assert_eq!(all(&root, "#test-chart g.marked").len(), 1);
    // A long label is cut, its note never.
    let first = text(&root, "#test-chart g.bar text.label");
    assert!(first.ends_with("… (correct)"), "{first}");
    // The numbers in a table for screen readers, with the whole labels.
    let rows: Vec<(String, String)> = all(&root, "#test-chart tbody tr")
        .iter()
        .map(|r| {
            let cell = |s: &str| {
                r.query_selector(s)
                    .ok()
                    .flatten()
                    .and_then(|c| c.text_content())
                    .unwrap_or_default()
            };
            (cell("th"), cell("td"))
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            (format!("{long} (correct)"), "4".to_string()),
            ("b · short".to_string(), "2".to_string()),
            ("c · nobody ⚠ nobody picks it".to_string(), "0".to_string()),
        ]
    );
    assert_eq!(text(&root, "#test-chart caption"), "Responses");

    // The CSV link points at a Blob holding exactly the CSV.
    let link = find(&root, "a.csv");
    assert_eq!(link.get_attribute("download").as_deref(), Some("q.csv"));
    let href = link.get_attribute("href").unwrap_or_default();
    assert!(href.starts_with("blob:"), "{href}");
    let response: web_sys::Response =
        wasm_bindgen_futures::JsFuture::from(gloo::utils::window().fetch_with_str(&href))
            .await
            .expect("the blob URL answers")
            .dyn_into()
            .expect("a response");
    let body = wasm_bindgen_futures::JsFuture::from(response.text().expect("text"))
        .await
        .expect("read")
        .as_string()
        .unwrap_or_default();
    assert_eq!(body, &*csv);
}

/// Counts the State API requests the page makes, by method, passing every request on to
/// the real `fetch`; `restore` puts the real one back.
fn spy_on_state_requests() -> (js_sys::Array, js_sys::Function) {
    let install = js_sys::Function::new_no_args(
        "const real = window.fetch;
         const seen = [];
         window.fetch = function (input, init) {
           const url = String((input && input.url) || input);
           if (url.includes('/activities/state')) seen.push((init && init.method) || 'GET');
           return real.apply(this, arguments);
         };
         return [seen, () => { window.fetch = real; }];",
    );
    let pair: js_sys::Array = install
        .call0(&wasm_bindgen::JsValue::NULL)
        .expect("the spy installs")
        .unchecked_into();
    (pair.get(0).unchecked_into(), pair.get(1).unchecked_into())
}

#[wasm_bindgen_test]
async fn an_lrs_without_a_state_api_gets_one_save_and_the_record_says_so_once() {
    let (seen, restore) = spy_on_state_requests();
    // The test runner's own server is a real HTTP server without an xAPI State API: it
    // answers 404 to every method on this path, as Ralph does.
    let origin = gloo::utils::window().location().origin().expect("origin");
    let root = mount_with(Launch {
        endpoint: Some(format!("{origin}/no-state-api/xapi/")),
        auth: Some("Basic dGVzdDp0ZXN0".into()),
        ..Launch::default()
    })
    .await;
    let methods = || -> Vec<String> { seen.iter().filter_map(|m| m.as_string()).collect() };
    // The read's 404 (no saved attempt) does not stop saving: the first step is written.
    until("the first save is answered", || {
        root.query_selector(".record .no-state-api")
            .ok()
            .flatten()
            .is_some()
    })
    .await;
    assert_eq!(methods(), ["GET", "PUT"]);
    // Every step after it is saved on the device only.
    click(&root, "#q-tf-true");
    until("the choice is taken", || {
        root.query_selector("#q-tf button.primary:not([disabled])")
            .ok()
            .flatten()
            .is_some()
    })
    .await;
    click(&root, "#q-tf button.primary");
    until("the answer is judged", || {
        root.query_selector("#q-tf .feedback")
            .ok()
            .flatten()
            .is_some()
    })
    .await;
    for _ in 0..10 {
        settle().await;
    }
    let _ = restore.call0(&wasm_bindgen::JsValue::NULL);
    assert_eq!(
        methods(),
        ["GET", "PUT"],
        "no State API request after the 404"
    );
    // The device's copy keeps working: it holds the attempt with its answer.
    let storage = LocalStorage::raw();
    let prefix = format!("pelita.attempt.v1:{SMALL_ID}:");
    let saved: Vec<String> = (0..storage.length().unwrap_or(0))
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter(|k| k.starts_with(&prefix))
        .filter_map(|k| storage.get_item(&k).ok().flatten())
        .collect();
    assert_eq!(saved.len(), 1, "one saved attempt on the device");
    let attempt = pelita_xapi::SavedAttempt::from_json(&saved[0]).expect("a saved attempt");
    assert!(
        attempt.snapshot.is_some(),
        "unfinished, so it can be continued"
    );
    assert!(
        saved[0].contains("\"tf\""),
        "the answer is in it: {}",
        saved[0]
    );
    // Said once, as a note, not as a warning or an alert.
    let notes = all(&root, ".record .no-state-api");
    assert_eq!(notes.len(), 1);
    let note = notes[0].text_content().unwrap_or_default();
    assert!(note.contains("has no State API"), "{note}");
    assert!(note.contains("saved on this device only"), "{note}");
    assert_eq!(notes[0].get_attribute("role"), None);
    // (The statements, answered 404 here too, are the outbox's business: its warning is
    // about them. The end-to-end test against Ralph, which stores them, shows none.)
    assert_eq!(
        notes[0].class_name(),
        "no-state-api",
        "not styled as a warning"
    );
}

/// The browser's lower-casing, which the player judges answers with, is Rust's: the same
/// Unicode rules for letters with accents, Turkish dotted capitals, German sharp s, title
/// case digraphs, Greek final sigma and Cyrillic. (Rust's is the reference the native
/// tests and the report use.)
#[wasm_bindgen_test]
fn the_browsers_lower_casing_is_rusts() {
    use pelita_lesson::CaseFold;
    let browser = pelita_player::glue::intl::CASE_FOLD;
    for text in [
        "ÀÉÎÕÜ Çà",
        "İSTANBUL ı I",
        "STRAßE ẞ",
        "ǅemal ǄǆǇ",
        "ΟΔΟΣ ΣΟΦΟΣ Σ",
        "ПАРОЛЬ Ёж",
        "Kata SANDI 123 — ＡＢＣ",
        "",
    ] {
        assert_eq!(browser.lower(text), CaseFold::RUST.lower(text), "{text}");
    }
}
