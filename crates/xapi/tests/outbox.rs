//! The outbox rules: nothing is lost, batches keep order, refusals are isolated.

use pelita_xapi::{verbs, Activity, Agent, Batch, Delivery, Outbox, SendOutcome, Statement};
use uuid::Uuid;

fn statement(n: u128) -> Statement {
    Statement {
        id: Uuid::from_u128(n),
        actor: Agent {
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

fn ids(batch: &Batch) -> Vec<Uuid> {
    batch.ids.clone()
}

fn take(outbox: &mut Outbox) -> Batch {
    outbox.next_batch().expect("a batch")
}

#[test]
fn batches_are_sent_in_order_one_request_at_a_time() {
    let mut outbox = Outbox::new();
    for n in 1..=30 {
        assert!(outbox.push(&statement(n), true));
    }
    assert!(
        !outbox.push(&statement(3), true),
        "duplicate ids are not queued twice"
    );
    let first = take(&mut outbox);
    assert_eq!(first.ids.len(), 25);
    assert_eq!(first.ids[0], Uuid::from_u128(1));
    let body: serde_json::Value = serde_json::from_str(&first.body).expect("the body is JSON");
    assert_eq!(body.as_array().map(Vec::len), Some(25));
    assert_eq!(body[0]["id"], Uuid::from_u128(1).to_string());
    assert_eq!(
        body[0]["verb"]["id"],
        "http://adlnet.gov/expapi/verbs/experienced"
    );
    assert!(
        outbox.next_batch().is_none(),
        "one batch in flight at a time"
    );
    outbox.settle(&ids(&first), SendOutcome::Status(200, "[]".into()));
    let second = take(&mut outbox);
    assert_eq!(
        ids(&second),
        (26..=30).map(Uuid::from_u128).collect::<Vec<_>>()
    );
    outbox.settle(&ids(&second), SendOutcome::Status(204, String::new()));
    assert_eq!(outbox.pending(), 0);
    assert!(outbox
        .entries()
        .iter()
        .all(|e| e.delivery == Delivery::Sent));
}

#[test]
fn failures_keep_statements_queued_with_growing_delays() {
    let mut outbox = Outbox::new();
    outbox.push(&statement(1), true);
    let delays: Vec<u32> = [
        SendOutcome::Network("Failed to fetch".into()),
        SendOutcome::Status(401, "Unauthorised".into()),
        SendOutcome::Status(503, "busy".into()),
    ]
    .into_iter()
    .map(|outcome| {
        let batch = take(&mut outbox);
        assert_eq!(batch.ids.len(), 1);
        outbox.settle(&ids(&batch), outcome);
        assert_eq!(outbox.pending(), 1);
        outbox.retry_delay_ms()
    })
    .collect();
    assert_eq!(delays, [2000, 4000, 8000]);
    assert_eq!(outbox.last_error(), Some("503: busy"));
    let batch = take(&mut outbox);
    outbox.settle(&ids(&batch), SendOutcome::Status(409, "exists".into()));
    assert_eq!(outbox.pending(), 0);
    assert_eq!(outbox.retry_delay_ms(), 0);
    assert_eq!(outbox.last_error(), None);
}

#[test]
fn a_refused_batch_is_searched_one_by_one() {
    let mut outbox = Outbox::new();
    for n in 1..=3 {
        outbox.push(&statement(n), true);
    }
    let batch = take(&mut outbox);
    outbox.settle(
        &ids(&batch),
        SendOutcome::Status(400, "bad statement 2".into()),
    );
    assert_eq!(outbox.pending(), 3, "nothing dropped");
    let one = take(&mut outbox);
    assert_eq!(ids(&one), [Uuid::from_u128(1)]);
    outbox.settle(&ids(&one), SendOutcome::Status(200, String::new()));
    let two = take(&mut outbox);
    assert_eq!(ids(&two), [Uuid::from_u128(2)]);
    outbox.settle(
        &ids(&two),
        SendOutcome::Status(400, "bad statement 2".into()),
    );
    let three = take(&mut outbox);
    assert_eq!(ids(&three), [Uuid::from_u128(3)]);
    outbox.settle(&ids(&three), SendOutcome::Status(200, String::new()));
    let states: Vec<_> = outbox
        .entries()
        .iter()
        .map(|e| e.delivery.clone())
        .collect();
    assert_eq!(states[0], Delivery::Sent);
    assert_eq!(
        states[1],
        Delivery::Rejected {
            status: 400,
            reason: "bad statement 2".into()
        }
    );
    assert_eq!(states[2], Delivery::Sent);
    let restored = Outbox::restore(&outbox.to_json()).expect("restores");
    assert_eq!(
        restored.entries(),
        outbox.entries(),
        "a rejection survives a reload"
    );
    // Isolation ends once the queue drained: new statements go out in batches again.
    for n in 4..=6 {
        outbox.push(&statement(n), true);
    }
    assert_eq!(take(&mut outbox).ids.len(), 3);
}

#[test]
fn saving_and_restoring_requeues_what_was_in_flight() {
    let mut outbox = Outbox::new();
    outbox.push(&statement(1), true);
    outbox.push(&statement(2), false);
    let batch = take(&mut outbox);
    assert_eq!(batch.ids.len(), 1, "local statements are never sent");
    assert!(outbox.next_batch().is_none());
    let restored = Outbox::restore(&outbox.to_json()).expect("restores");
    assert_eq!(restored.entries()[0].delivery, Delivery::Queued);
    assert_eq!(restored.entries()[1].delivery, Delivery::Local);
    assert_eq!(restored.entries(), {
        let mut expected = outbox.entries().to_vec();
        expected[0].delivery = Delivery::Queued;
        expected
    });
    assert!(Outbox::restore("{broken").is_err());
    assert!(Outbox::restore("{}").is_err());
    assert!(Outbox::restore(r#"{"entries": [{"delivery": "Sent", "statement": {}}]}"#).is_err());
    assert!(Outbox::restore(r#"{"entries": [{"delivery": "Lost", "statement": {"id": "00000000-0000-4000-8000-000000000001"}}]}"#).is_err());
}

#[test]
fn pruning_keeps_everything_undelivered() {
    let mut outbox = Outbox::new();
    for n in 1..=10 {
        outbox.push(&statement(n), true);
    }
    let batch = take(&mut outbox);
    outbox.settle(&batch.ids[..6], SendOutcome::Status(200, String::new()));
    outbox.settle(&batch.ids[6..], SendOutcome::Network("offline".into()));
    outbox.prune_delivered(2);
    assert_eq!(outbox.entries().len(), 6);
    assert_eq!(outbox.pending(), 4);
    assert_eq!(outbox.entries()[0].id, Uuid::from_u128(5));
}
