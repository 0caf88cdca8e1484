//! The State API rules of the saved attempt: which answers stop saving to an LRS for the
//! session (a write refused with 404 or 405: the LRS has no State API), and which do not
//! (a read's 404 is only a missing document, and every other failure is tried again).

use pelita_xapi::{StateApi, StateRead, StateWrite};

#[test]
fn every_read_answer_keeps_saving_on() {
    let cases = [
        (200, StateRead::Found),
        (204, StateRead::Found),
        // An LRS with a State API answers 404 before the first write, like one without.
        (404, StateRead::NotFound),
        (405, StateRead::Failed),
        (400, StateRead::Failed),
        (401, StateRead::Failed),
        (403, StateRead::Failed),
        (500, StateRead::Failed),
        (503, StateRead::Failed),
    ];
    for (status, expected) in cases {
        let mut api = StateApi::default();
        assert_eq!(
            api.read(status, Some("\"e1\"".into())),
            expected,
            "{status}"
        );
        assert!(api.saving(), "a read answered {status} never stops saving");
        assert!(!api.missing(), "{status}");
    }
}

#[test]
fn a_write_answered_404_or_405_stops_saving_and_nothing_else_does() {
    let cases = [
        (200, StateWrite::Saved, true),
        (204, StateWrite::Saved, true),
        (412, StateWrite::Conflict, true),
        (404, StateWrite::NoStateApi, false),
        (405, StateWrite::NoStateApi, false),
        (400, StateWrite::Failed, true),
        (401, StateWrite::Failed, true),
        (403, StateWrite::Failed, true),
        (409, StateWrite::Failed, true),
        (413, StateWrite::Failed, true),
        (422, StateWrite::Failed, true),
        (429, StateWrite::Failed, true),
        (500, StateWrite::Failed, true),
        (502, StateWrite::Failed, true),
        (503, StateWrite::Failed, true),
    ];
    for (status, expected, saving) in cases {
        let mut api = StateApi::default();
        assert_eq!(api.wrote(status, None), expected, "{status}");
        assert_eq!(api.saving(), saving, "{status}");
        assert_eq!(api.missing(), !saving, "{status}");
    }
}

#[test]
fn the_lrs_without_a_state_api_is_asked_once_and_written_once() {
    // Ralph's answers: no document, then no such resource for the write.
    let mut api = StateApi::default();
    assert_eq!(api.read(404, None), StateRead::NotFound);
    assert!(api.saving(), "the first write is still tried");
    assert_eq!(api.wrote(404, None), StateWrite::NoStateApi);
    assert!(!api.saving());
    // Nothing later turns saving back on for the session: not a successful read, not a
    // failed one.
    api.read(200, Some("\"e\"".into()));
    api.read(500, None);
    assert!(!api.saving() && api.missing());
}

#[test]
fn the_etag_follows_reads_and_successful_writes_only() {
    let mut api = StateApi::default();
    assert_eq!(api.etag(), None);
    api.read(200, Some("\"r1\"".into()));
    assert_eq!(api.etag(), Some("\"r1\""));
    api.wrote(204, Some("\"w1\"".into()));
    assert_eq!(api.etag(), Some("\"w1\""));
    // A refused or failed write leaves the last known ETag for the next try.
    api.wrote(412, Some("\"other\"".into()));
    assert_eq!(api.etag(), Some("\"w1\""));
    api.wrote(503, None);
    assert_eq!(api.etag(), Some("\"w1\""));
    // So does a failed read; a 404 means there is no document to match any more.
    api.read(500, Some("\"x\"".into()));
    assert_eq!(api.etag(), Some("\"w1\""));
    api.read(404, None);
    assert_eq!(api.etag(), None);
    // An LRS that answers a write without an ETag leaves none to send.
    api.wrote(204, Some("\"w2\"".into()));
    api.wrote(204, None);
    assert_eq!(api.etag(), None);
}
