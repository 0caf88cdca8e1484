//! The outbox rules: nothing is lost, batches keep order, a bad statement is found and
//! quarantined, refused credentials pause, everything else backs off.

use pelita_xapi::{
    backoff_ms, parse_retry_after, verbs, Activity, Agent, Batch, Delivery, Entry, Outbox, Policy,
    SendOutcome, Statement, Verdict, MAX_RETRY_AFTER_MS,
};
use uuid::Uuid;

fn statement(n: u128) -> Statement {
    Statement {
        id: Uuid::from_u128(n),
        actor: Agent {
            object_type: "Agent".into(),
            mbox: Some("mailto:a@example.org".into()),
            ..Agent::default()
        },
        verb: verbs::experienced(),
        object: Activity::new(format!("https://example.org/p/{n}")),
        result: None,
        context: None,
        timestamp: "2026-01-01T00:00:00.000Z".into(),
    }
}

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

/// An outbox holding statements `1..=n`, queued and saved.
fn saved(n: u128, policy: Policy) -> Outbox {
    let mut outbox = Outbox::with_policy(policy);
    for i in 1..=n {
        assert!(outbox.push(&statement(i), true, 1000.0 + i as f64));
    }
    let all: Vec<Uuid> = outbox.entries().iter().map(|e| e.id).collect();
    outbox.mark_saved(&all);
    outbox
}

fn take(outbox: &mut Outbox) -> Batch {
    outbox.next_batch().expect("a batch")
}

fn ok() -> SendOutcome {
    SendOutcome::status(200, "[]")
}

fn states(outbox: &Outbox) -> Vec<Delivery> {
    outbox
        .entries()
        .iter()
        .map(|e| e.delivery.clone())
        .collect()
}

#[test]
fn batches_are_sent_in_order_one_request_at_a_time() {
    let mut outbox = saved(120, Policy::default());
    assert!(
        !outbox.push(&statement(3), true, 5000.0),
        "duplicate ids are not queued twice"
    );
    let first = take(&mut outbox);
    assert_eq!(first.ids.len(), 50, "the default batch is 50");
    assert_eq!(first.ids[0], id(1));
    let body: serde_json::Value = serde_json::from_str(&first.body).expect("the body is JSON");
    assert_eq!(body.as_array().map(Vec::len), Some(50));
    assert_eq!(body[0]["id"], id(1).to_string());
    assert_eq!(
        body[0]["verb"]["id"],
        "http://adlnet.gov/expapi/verbs/experienced"
    );
    assert!(
        outbox.next_batch().is_none(),
        "one batch in flight at a time"
    );
    assert_eq!(outbox.settle(&first.ids, ok(), 0.5), Verdict::Stored);
    let second = take(&mut outbox);
    assert_eq!(second.ids, (51..=100).map(id).collect::<Vec<_>>());
    outbox.settle(&second.ids, SendOutcome::status(204, ""), 0.5);
    let third = take(&mut outbox);
    assert_eq!(third.ids.len(), 20);
    outbox.settle(&third.ids, ok(), 0.5);
    assert_eq!(outbox.pending(), 0);
    assert!(states(&outbox).iter().all(|d| *d == Delivery::Sent));
    assert!(outbox.next_batch().is_none());
}

#[test]
fn the_batch_size_and_body_size_are_configurable() {
    let mut outbox = saved(
        7,
        Policy {
            max_batch: 3,
            ..Policy::default()
        },
    );
    assert_eq!(take(&mut outbox).ids.len(), 3);

    let one_statement = serde_json::to_string(&statement(1)).expect("json").len();
    let mut outbox = saved(
        7,
        Policy {
            max_batch_bytes: one_statement * 2 + 10,
            ..Policy::default()
        },
    );
    let batch = take(&mut outbox);
    assert_eq!(batch.ids.len(), 2, "the body stays under the byte limit");
    assert!(batch.body.len() <= one_statement * 2 + 10);

    let mut outbox = saved(
        2,
        Policy {
            max_batch_bytes: 10,
            ..Policy::default()
        },
    );
    assert_eq!(
        take(&mut outbox).ids.len(),
        1,
        "a statement larger than the limit still goes, alone"
    );
}

#[test]
fn nothing_is_sent_before_it_is_saved_or_ahead_of_an_unsaved_statement() {
    let mut outbox = Outbox::new();
    for n in 1..=4 {
        outbox.push(&statement(n), true, n as f64);
    }
    assert!(outbox.next_batch().is_none(), "nothing saved yet");
    assert_eq!(outbox.unsaved().count(), 4);
    outbox.mark_saved(&[id(1), id(2), id(4)]);
    let batch = take(&mut outbox);
    assert_eq!(
        batch.ids,
        [id(1), id(2)],
        "statement 4 waits for statement 3"
    );
    outbox.settle(&batch.ids, ok(), 0.0);
    assert!(outbox.next_batch().is_none());
    outbox.mark_saved(&[id(3)]);
    assert_eq!(take(&mut outbox).ids, [id(3), id(4)]);
    assert_eq!(
        outbox.unsaved().map(|e| e.id).collect::<Vec<_>>(),
        [id(1), id(2)],
        "their delivery is to be written"
    );
}

#[test]
fn local_statements_are_never_sent() {
    let mut outbox = Outbox::new();
    outbox.push(&statement(1), false, 1.0);
    outbox.push(&statement(2), true, 2.0);
    outbox.mark_saved(&[id(1), id(2)]);
    assert_eq!(take(&mut outbox).ids, [id(2)]);
    assert_eq!(states(&outbox)[0], Delivery::Local);
}

#[test]
fn queue_positions_increase_even_when_the_clock_goes_back() {
    let mut outbox = Outbox::new();
    for (n, now) in [(1, 5000.0), (2, 5000.0), (3, 4000.0), (4, 6000.0)] {
        outbox.push(&statement(n), true, now);
    }
    let seqs: Vec<f64> = outbox.entries().iter().map(|e| e.seq).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{seqs:?}");
    assert_eq!(seqs[3], 6000.0);
}

/// Every answer class, from a fresh single-statement outbox.
#[test]
fn each_answer_is_classified() {
    let cases: Vec<(SendOutcome, Verdict, Delivery)> = vec![
        (
            SendOutcome::status(200, "[]"),
            Verdict::Stored,
            Delivery::Sent,
        ),
        (
            SendOutcome::status(204, ""),
            Verdict::Stored,
            Delivery::Sent,
        ),
        (
            SendOutcome::status(409, "conflict"),
            Verdict::Stored,
            Delivery::Sent,
        ),
        (
            SendOutcome::status(400, "bad verb"),
            Verdict::Quarantined,
            Delivery::Quarantined {
                status: 400,
                reason: "bad verb".into(),
            },
        ),
        (
            SendOutcome::status(413, "too large"),
            Verdict::Quarantined,
            Delivery::Quarantined {
                status: 413,
                reason: "too large".into(),
            },
        ),
        (
            SendOutcome::status(422, "unprocessable"),
            Verdict::Quarantined,
            Delivery::Quarantined {
                status: 422,
                reason: "unprocessable".into(),
            },
        ),
        (
            SendOutcome::status(401, "who?"),
            Verdict::Paused,
            Delivery::Queued,
        ),
        (
            SendOutcome::status(403, "no"),
            Verdict::Paused,
            Delivery::Queued,
        ),
        (
            SendOutcome::status(500, "oops"),
            Verdict::Retry(2000),
            Delivery::Queued,
        ),
        (
            SendOutcome::status(502, ""),
            Verdict::Retry(2000),
            Delivery::Queued,
        ),
        (
            SendOutcome::status(404, "no such endpoint"),
            Verdict::Retry(2000),
            Delivery::Queued,
        ),
        (
            SendOutcome::status(429, "slow down"),
            Verdict::Retry(2000),
            Delivery::Queued,
        ),
        (
            SendOutcome::Status {
                status: 503,
                body: "maintenance".into(),
                retry_after_ms: Some(30_000),
            },
            Verdict::Retry(30_000),
            Delivery::Queued,
        ),
        (
            SendOutcome::Network("Failed to fetch".into()),
            Verdict::Retry(2000),
            Delivery::Queued,
        ),
        (
            SendOutcome::Network("timed out after 30 s".into()),
            Verdict::Retry(2000),
            Delivery::Queued,
        ),
    ];
    for (outcome, verdict, delivery) in cases {
        let mut outbox = saved(1, Policy::default());
        let batch = take(&mut outbox);
        let label = format!("{outcome:?}");
        // Jitter 1.0 gives the full nominal delay, so the expected numbers are exact.
        assert_eq!(outbox.settle(&batch.ids, outcome, 1.0), verdict, "{label}");
        assert_eq!(states(&outbox), std::slice::from_ref(&delivery), "{label}");
        let waiting = usize::from(delivery == Delivery::Queued);
        assert_eq!(outbox.pending(), waiting, "{label}: nothing lost");
        match verdict {
            Verdict::Stored | Verdict::Quarantined => {
                assert_eq!(outbox.last_error(), None, "{label}")
            }
            _ => assert!(outbox.last_error().is_some(), "{label}"),
        }
    }
}

#[test]
fn failures_back_off_exponentially_with_jitter_and_reset_on_success() {
    let mut outbox = saved(1, Policy::default());
    let mut delays = vec![];
    for _ in 0..8 {
        let batch = take(&mut outbox);
        match outbox.settle(&batch.ids, SendOutcome::Network("offline".into()), 1.0) {
            Verdict::Retry(ms) => delays.push(ms),
            other => panic!("expected a retry, got {other:?}"),
        }
        assert_eq!(outbox.retry_delay_ms(), *delays.last().expect("a delay"));
    }
    assert_eq!(
        delays,
        [2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]
    );
    let batch = take(&mut outbox);
    outbox.settle(&batch.ids, SendOutcome::status(409, "exists"), 0.3);
    assert_eq!(outbox.retry_delay_ms(), 0);
    assert_eq!(outbox.last_error(), None);

    let policy = Policy::default();
    assert_eq!(backoff_ms(&policy, 0, 0.7), 0);
    assert_eq!(
        backoff_ms(&policy, 1, 0.0),
        1_000,
        "half the nominal delay at least"
    );
    assert_eq!(backoff_ms(&policy, 3, 0.5), 6_000);
    assert_eq!(backoff_ms(&policy, 200, 0.0), 30_000, "no overflow");
    assert_eq!(
        backoff_ms(&policy, 2, f64::NAN),
        2_000,
        "bad jitter counts as none"
    );
    assert_eq!(backoff_ms(&policy, 2, 7.0), 4_000, "jitter is clamped");
}

#[test]
fn retry_after_is_honoured_but_bounded() {
    let cases = [
        ("120", 0.0, Some(120_000)),
        (" 0 ", 0.0, Some(0)),
        (
            "Sun, 06 Nov 1994 08:49:37 GMT",
            784_111_767_000.0,
            Some(10_000),
        ),
        ("Sun, 06 Nov 1994 08:49:37 GMT", 784_111_787_000.0, Some(0)),
        ("soon", 0.0, None),
        ("-5", 0.0, None),
        ("1.5", 0.0, None),
        ("", 0.0, None),
    ];
    for (header, now, expected) in cases {
        assert_eq!(parse_retry_after(header, now), expected, "{header}");
    }
    let mut outbox = saved(1, Policy::default());
    let batch = take(&mut outbox);
    let verdict = outbox.settle(
        &batch.ids,
        SendOutcome::Status {
            status: 503,
            body: String::new(),
            retry_after_ms: Some(u64::MAX),
        },
        0.0,
    );
    assert_eq!(verdict, Verdict::Retry(MAX_RETRY_AFTER_MS));
    // A Retry-After shorter than the backoff does not hurry the client.
    let batch = take(&mut outbox);
    let verdict = outbox.settle(
        &batch.ids,
        SendOutcome::Status {
            status: 429,
            body: String::new(),
            retry_after_ms: Some(1),
        },
        1.0,
    );
    assert_eq!(verdict, Verdict::Retry(4_000));
}

#[test]
fn a_refused_batch_is_halved_until_the_bad_statement_is_quarantined() {
    let mut outbox = saved(8, Policy::default());
    let mut requests = vec![];
    // Statement 6 is the bad one: the LRS refuses every batch that holds it.
    while let Some(batch) = outbox.next_batch() {
        let outcome = if batch.ids.contains(&id(6)) {
            SendOutcome::status(400, "statement 6: bad IRI")
        } else {
            ok()
        };
        requests.push(batch.ids.len());
        outbox.settle(&batch.ids, outcome, 0.0);
        assert!(requests.len() < 20, "the search ends");
    }
    // 8 refused; 1-4 fine; 5-8 refused; 5-6 refused; 5 fine; 6 alone: quarantined; then
    // the search is over and 7-8 go together.
    assert_eq!(requests, [8, 4, 4, 2, 1, 1, 2], "a binary search");
    let expected: Vec<Delivery> = (1..=8)
        .map(|n| {
            if n == 6 {
                Delivery::Quarantined {
                    status: 400,
                    reason: "statement 6: bad IRI".into(),
                }
            } else {
                Delivery::Sent
            }
        })
        .collect();
    assert_eq!(states(&outbox), expected);
    assert_eq!(outbox.quarantined(), 1);
    assert_eq!(outbox.retry_delay_ms(), 0, "a search never waits");
    // The search is over: new statements go out in full batches again.
    for n in 9..=20 {
        outbox.push(&statement(n), true, 2000.0 + n as f64);
    }
    let all: Vec<Uuid> = (9..=20).map(id).collect();
    outbox.mark_saved(&all);
    assert_eq!(take(&mut outbox).ids.len(), 12);
}

#[test]
fn a_failure_during_the_search_keeps_the_search_going() {
    let mut outbox = saved(4, Policy::default());
    let batch = take(&mut outbox);
    outbox.settle(&batch.ids, SendOutcome::status(400, "bad"), 0.0);
    let half = take(&mut outbox);
    assert_eq!(half.ids, [id(1), id(2)]);
    outbox.settle(&half.ids, SendOutcome::Network("offline".into()), 0.0);
    assert_eq!(take(&mut outbox).ids, [id(1), id(2)], "still halved");
}

#[test]
fn refused_credentials_pause_until_resumed() {
    let mut outbox = saved(3, Policy::default());
    let batch = take(&mut outbox);
    assert_eq!(
        outbox.settle(&batch.ids, SendOutcome::status(401, "Unauthorised"), 0.0),
        Verdict::Paused
    );
    assert_eq!(outbox.paused(), Some("401: Unauthorised"));
    assert!(
        outbox.next_batch().is_none(),
        "no retries with the same credentials"
    );
    assert_eq!(outbox.pending(), 3, "nothing lost");
    outbox.resume();
    assert_eq!(outbox.paused(), None);
    let batch = take(&mut outbox);
    assert_eq!(batch.ids.len(), 3);
    outbox.settle(&batch.ids, ok(), 0.0);
    assert_eq!(outbox.pending(), 0);
}

fn stored(n: u128, seq: f64, state: &str) -> Entry {
    let json = serde_json::to_string(&statement(n)).expect("json");
    Entry::from_stored(&id(n).to_string(), seq, state, 0, "", &json).expect("valid record")
}

#[test]
fn merging_the_stored_queue_follows_other_tabs() {
    // This tab queued 1 and 2 (saved) and 3 (not saved yet).
    let mut outbox = Outbox::new();
    for (n, seq) in [(1, 10.0), (2, 20.0), (3, 30.0)] {
        outbox.push(&statement(n), true, seq);
    }
    outbox.mark_saved(&[id(1), id(2)]);
    // Another tab delivered 1, quarantined 2, and queued 4 (between 2 and 3) and 5.
    let mut quarantined = stored(2, 20.0, "quarantined");
    quarantined.delivery = Delivery::Quarantined {
        status: 400,
        reason: "bad".into(),
    };
    outbox.merge(vec![
        quarantined,
        stored(4, 25.0, "queued"),
        stored(5, 40.0, "queued"),
    ]);
    let order: Vec<Uuid> = outbox.entries().iter().map(|e| e.id).collect();
    assert_eq!(order, [id(1), id(2), id(4), id(3), id(5)]);
    assert_eq!(
        states(&outbox),
        [
            Delivery::Sent,
            Delivery::Quarantined {
                status: 400,
                reason: "bad".into()
            },
            Delivery::Queued,
            Delivery::Queued,
            Delivery::Queued,
        ]
    );
    assert_eq!(outbox.unsaved().count(), 1, "3 is still to be saved here");
    assert_eq!(
        take(&mut outbox).ids,
        [id(4)],
        "3 holds back what follows it"
    );
    // A batch in flight is not touched by a merge that no longer lists it.
    outbox.merge(vec![]);
    assert!(outbox.in_flight());
}

#[test]
fn stored_records_are_checked_when_read_back() {
    let json = serde_json::to_string(&statement(1)).expect("json");
    let good = Entry::from_stored(&id(1).to_string(), 5.0, "quarantined", 400, "bad", &json)
        .expect("valid");
    assert_eq!(
        good.delivery,
        Delivery::Quarantined {
            status: 400,
            reason: "bad".into()
        }
    );
    assert!(good.saved);
    let cases = [
        ("not-a-uuid", 1.0, "queued", json.as_str()),
        (&id(2).to_string(), 1.0, "queued", json.as_str()),
        (&id(1).to_string(), f64::NAN, "queued", json.as_str()),
        (&id(1).to_string(), 1.0, "lost", json.as_str()),
        (&id(1).to_string(), 1.0, "queued", "{broken"),
    ];
    for (rid, seq, state, text) in cases {
        let result = Entry::from_stored(rid, seq, state, 0, "", text);
        assert!(result.is_err(), "{rid} {seq} {state} {text}");
    }
    for (delivery, name) in [
        (Delivery::Queued, "queued"),
        (Delivery::InFlight, "queued"),
        (Delivery::Sent, "sent"),
        (Delivery::Local, "local"),
    ] {
        assert_eq!(delivery.storage_name(), name);
    }
}

#[test]
fn the_fallback_copy_restores_and_reads_the_first_versions_format() {
    let mut outbox = Outbox::new();
    outbox.push(&statement(1), true, 1.0);
    outbox.push(&statement(2), false, 2.0);
    outbox.mark_saved(&[id(1), id(2)]);
    take(&mut outbox);
    let restored = Outbox::restore(&outbox.to_json()).expect("restores");
    assert_eq!(
        states(&restored),
        [Delivery::Queued, Delivery::Local],
        "in flight comes back queued"
    );
    assert_eq!(restored.entries()[1].seq, 2.0);

    let first_version = format!(
        r#"{{"entries":[{{"statement":{{"id":"{}"}},"delivery":"Sent"}},{{"statement":{{"id":"{}"}},"delivery":{{"Rejected":{{"status":400,"reason":"bad"}}}}}},{{"statement":{{"id":"{}"}},"delivery":"InFlight"}}],"isolate":true,"failures":3,"last_error":null}}"#,
        id(1),
        id(2),
        id(3)
    );
    let restored = Outbox::restore(&first_version).expect("the old format reads");
    assert_eq!(
        states(&restored),
        [
            Delivery::Sent,
            Delivery::Quarantined {
                status: 400,
                reason: "bad".into()
            },
            Delivery::Queued
        ]
    );
    for broken in [
        "{broken",
        "{}",
        r#"{"entries": [{"delivery": "Sent", "statement": {}}]}"#,
        r#"{"entries": [{"delivery": "Lost", "statement": {"id": "00000000-0000-4000-8000-000000000001"}}]}"#,
    ] {
        assert!(Outbox::restore(broken).is_err(), "{broken}");
    }
}

#[test]
fn pruning_keeps_everything_undelivered() {
    let mut outbox = saved(10, Policy::default());
    let batch = take(&mut outbox);
    outbox.settle(&batch.ids[..6], ok(), 0.0);
    outbox.settle(&batch.ids[6..], SendOutcome::Network("offline".into()), 0.0);
    outbox.prune_delivered(2);
    assert_eq!(outbox.entries().len(), 6);
    assert_eq!(outbox.pending(), 4);
    assert_eq!(outbox.entries()[0].id, id(5));
}

#[test]
fn a_decision_is_written_back_and_a_write_that_raced_a_change_is_not_trusted() {
    let mut outbox = saved(2, Policy::default());
    let batch = take(&mut outbox);
    assert_eq!(outbox.unsaved().count(), 0, "in flight is stored as queued");
    outbox.settle(&batch.ids, SendOutcome::Network("offline".into()), 0.0);
    assert_eq!(
        outbox.unsaved().count(),
        0,
        "queued again: nothing to write"
    );
    let batch = take(&mut outbox);
    outbox.settle(&batch.ids, ok(), 0.0);
    let unsaved: Vec<(Uuid, &str)> = outbox
        .unsaved()
        .map(|e| (e.id, e.delivery.storage_name()))
        .collect();
    assert_eq!(unsaved, [(id(1), "sent"), (id(2), "sent")]);
    // A write of the old state that finishes late does not count as saving the new one.
    outbox.mark_written(&[(id(1), "queued"), (id(2), "sent")]);
    assert_eq!(outbox.unsaved().map(|e| e.id).collect::<Vec<_>>(), [id(1)]);
    // Another tab sees the delivery through storage.
    let mut other = Outbox::new();
    other.merge(vec![stored(1, 1.0, "sent"), stored(2, 2.0, "queued")]);
    assert_eq!(states(&other), [Delivery::Sent, Delivery::Queued]);
    other.merge(vec![stored(1, 1.0, "sent"), stored(2, 2.0, "sent")]);
    assert_eq!(states(&other), [Delivery::Sent, Delivery::Sent]);
}

#[test]
fn the_exit_batch_is_what_is_queued_and_not_in_flight() {
    let mut outbox = saved(
        5,
        Policy {
            max_batch: 2,
            ..Policy::default()
        },
    );
    let first = take(&mut outbox);
    let exit = outbox.exit_batch(usize::MAX).expect("an exit batch");
    assert_eq!(first.ids, [id(1), id(2)]);
    assert_eq!(exit.ids, [id(3), id(4)]);
    assert_eq!(outbox.pending(), 5, "nothing is marked");
    let one = serde_json::to_string(&statement(3)).expect("json").len();
    assert_eq!(
        outbox.exit_batch(one + 2).expect("one fits").ids,
        [id(3)],
        "the keepalive size limit holds"
    );
    outbox.settle(&first.ids, SendOutcome::status(401, "no"), 0.0);
    assert!(
        outbox.exit_batch(usize::MAX).is_none(),
        "paused means paused"
    );
}

#[test]
fn a_long_stored_queue_merges_in_order() {
    // Days offline: thousands of stored statements, and this visit's two newest.
    let mut outbox = Outbox::new();
    outbox.push(&statement(1_000_001), true, 9_000_000.0);
    outbox.push(&statement(1_000_002), true, 9_000_001.0);
    let stored: Vec<Entry> = (1..=5_000).map(|n| stored(n, n as f64, "queued")).collect();
    outbox.merge(stored.clone());
    let ids: Vec<Uuid> = outbox.entries().iter().map(|e| e.id).collect();
    assert_eq!(ids.len(), 5_002);
    assert_eq!(ids[0], id(1));
    assert_eq!(ids[4_999], id(5_000));
    assert_eq!(&ids[5_000..], [id(1_000_001), id(1_000_002)]);
    assert!(outbox.entries().windows(2).all(|w| w[0].seq <= w[1].seq));
    // Merging the same again changes nothing.
    let before = outbox.entries().to_vec();
    outbox.merge(stored);
    assert_eq!(outbox.entries(), &before[..]);
}

/// A statement the player should never make is never sent: it is quarantined at once, by
/// the same validation as the embedded LRS's, with every problem named.
#[test]
fn an_invalid_statement_is_quarantined_before_it_is_ever_sent() {
    let mut outbox = Outbox::with_policy(Policy::default());
    let mut bad = serde_json::to_value(statement(1)).expect("json");
    bad["actor"]["mbox"] = "ayu@example.go.id".into();
    bad["result"] = serde_json::json!({"score": {"scaled": 2}});
    assert!(outbox.push_value(id(1), bad, true, 1.0));
    assert!(outbox.push(&statement(2), true, 2.0));
    let all: Vec<Uuid> = outbox.entries().iter().map(|e| e.id).collect();
    outbox.mark_saved(&all);
    let Delivery::Quarantined { status, reason } = &states(&outbox)[0] else {
        panic!("quarantined: {:?}", states(&outbox))
    };
    assert_eq!(*status, 0, "refused here, not by an LRS");
    assert!(reason.contains("$.actor.mbox"), "{reason}");
    assert!(reason.contains("$.result.score.scaled"), "{reason}");
    let batch = take(&mut outbox);
    assert_eq!(
        batch.ids,
        [id(2)],
        "the valid statement goes; the invalid one never does"
    );
    // Kept without an LRS too, so that an author previewing a module sees it.
    let mut local = Outbox::with_policy(Policy::default());
    let mut bad = serde_json::to_value(statement(3)).expect("json");
    bad["verb"]["id"] = "not an iri".into();
    local.push_value(id(3), bad, false, 1.0);
    assert!(matches!(
        states(&local)[0],
        Delivery::Quarantined { status: 0, .. }
    ));
}

/// The player's first wasm chunk does not hold the validation: its outbox keeps and stores
/// every statement but sends none until the check arrives, and then checks them all, in
/// queue order, quarantining the bad ones before anything is sent.
#[test]
fn an_outbox_awaiting_its_check_stores_everything_and_sends_nothing_until_it_comes() {
    let mut outbox = Outbox::awaiting_check(Policy::default());
    assert!(!outbox.has_checker());
    let mut bad = serde_json::to_value(statement(2)).expect("json");
    bad["verb"]["id"] = "not an iri".into();
    assert!(outbox.push(&statement(1), true, 1.0));
    assert!(outbox.push_value(id(2), bad, true, 2.0));
    assert!(outbox.push(&statement(3), false, 3.0));
    let all: Vec<Uuid> = outbox.entries().iter().map(|e| e.id).collect();
    outbox.mark_saved(&all);
    assert_eq!(outbox.unsaved().count(), 0, "stored before any check");
    assert_eq!(
        states(&outbox),
        [Delivery::Queued, Delivery::Queued, Delivery::Local],
        "kept as made"
    );
    assert_eq!(outbox.next_batch(), None, "nothing unchecked is sent");
    assert_eq!(
        outbox.exit_batch(64 * 1024),
        None,
        "not even as the page goes"
    );
    assert_eq!(outbox.pending(), 2, "both wait to be sent");

    outbox.set_checker(pelita_xapi::validation_problems);
    assert!(outbox.has_checker());
    let Delivery::Quarantined { status: 0, reason } = &states(&outbox)[1] else {
        panic!("quarantined: {:?}", states(&outbox))
    };
    assert!(reason.contains("$.verb.id"), "{reason}");
    let unsaved: Vec<Uuid> = outbox.unsaved().map(|e| e.id).collect();
    assert_eq!(unsaved, [id(2)], "the quarantine is stored again");
    assert_eq!(
        states(&outbox)[2],
        Delivery::Local,
        "a valid local statement stays"
    );
    let batch = take(&mut outbox);
    assert_eq!(
        batch.ids,
        [id(1)],
        "the valid statement goes, the bad one never"
    );
}

/// A checker only ever sees a statement once in a tab, and a statement read back from
/// storage (another tab's, or this tab's before a reload) is checked again before it is
/// sent: storage does not keep whether it was checked.
#[test]
fn statements_read_back_from_storage_are_checked_before_they_are_sent() {
    use std::cell::Cell;
    thread_local!(static SEEN: Cell<usize> = const { Cell::new(0) });
    fn counting(statement: &serde_json::Value) -> Vec<String> {
        SEEN.with(|s| s.set(s.get() + 1));
        if statement["verb"]["id"] == "not an iri" {
            vec!["$.verb.id: not an IRI".into()]
        } else {
            vec![]
        }
    }
    let mut stored_bad = statement(2);
    stored_bad.verb.id = "not an iri".into();
    let bad_json = serde_json::to_string(&stored_bad).expect("json");
    let bad = Entry::from_stored(&id(2).to_string(), 20.0, "queued", 0, "", &bad_json)
        .expect("a stored record");
    assert!(!bad.checked, "storage does not say it was checked");

    let mut outbox = Outbox::awaiting_check(Policy::default());
    outbox.merge(vec![
        stored(1, 10.0, "queued"),
        bad,
        stored(3, 30.0, "sent"),
    ]);
    assert_eq!(outbox.next_batch(), None, "read back, not checked yet");
    outbox.set_checker(counting);
    assert_eq!(
        SEEN.with(Cell::get),
        2,
        "the queued ones; a sent one needs no check"
    );
    assert!(matches!(
        states(&outbox)[1],
        Delivery::Quarantined { status: 0, .. }
    ));
    assert_eq!(take(&mut outbox).ids, [id(1)]);
    outbox.push(&statement(4), true, 40.0);
    assert_eq!(SEEN.with(Cell::get), 3, "each statement is checked once");
}

/// A statement whose write to storage failed is sent all the same, and reading storage
/// again (which lacks it) does not take it for delivered: only the LRS's answer does.
#[test]
fn a_statement_storage_could_not_take_is_not_taken_for_delivered() {
    let mut outbox = Outbox::new();
    outbox.push(&statement(1), true, 1.0);
    outbox.push(&statement(2), true, 2.0);
    outbox.mark_unstored(&[(id(1), "queued")]);
    outbox.mark_written(&[(id(2), "queued")]);
    // Storage holds 2 only; 1 never reached it.
    outbox.merge(vec![stored(2, 2.0, "queued")]);
    assert_eq!(states(&outbox), [Delivery::Queued, Delivery::Queued]);
    assert_eq!(take(&mut outbox).ids, [id(1), id(2)], "both go, in order");
    // A later write that works makes storage the truth again for it.
    let mut other = Outbox::new();
    other.push(&statement(3), true, 3.0);
    other.mark_unstored(&[(id(3), "queued")]);
    other.mark_written(&[(id(3), "queued")]);
    other.merge(vec![]);
    assert_eq!(
        states(&other),
        [Delivery::Sent],
        "stored, then pruned by another tab"
    );
}
