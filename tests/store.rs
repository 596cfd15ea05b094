//! The store's tests, each run against both back-ends: SQLite in a file, and PostgreSQL (a
//! fresh database on the server `CROSSROADS_TEST_POSTGRES` names). Submissions and their
//! revisions, receipts and erasure, expiry, the contacted mark, accounts and sessions, the
//! audit trail, and `screen` reading the store.

mod common;

use std::path::{Path, PathBuf};

use common::intake::persona;
use crossroads::Answers;
use crossroads::diag::Sources;
use crossroads::serve::accounts::{self, Login, Role};
use crossroads::serve::audit;
use crossroads::serve::store::{Kept, Store};

/// Where each back-end keeps this test's store: a file in `dir`, and a new PostgreSQL database
/// when there is a server to test against (else said loudly, and a failure under CI).
fn locations(test: &str, dir: &Path) -> Vec<(&'static str, PathBuf)> {
    let mut all = vec![("sqlite", dir.join("store.sqlite"))];
    if let Some(url) = common::postgres::database(test) {
        all.push(("postgres", PathBuf::from(url)));
    }
    all
}

fn answers(changes: &[(&str, &str)]) -> (crossroads::RuleSet, Answers) {
    let ruleset = common::default_pack(&mut Sources::default());
    let mut answers = persona(&ruleset, "wants-tactics");
    for (id, value) in changes {
        let q = ruleset.questions.iter().position(|q| q.id == *id).unwrap();
        let v = serde_json::Value::String(value.to_string());
        answers.values[q] = crossroads::answers::from_value(&ruleset.questions[q], &v).unwrap();
    }
    (ruleset, answers)
}

#[test]
fn a_submission_is_kept_once_revised_and_erased_with_its_receipt_on_every_backend() {
    let dir = tempfile::tempdir().unwrap();
    for (backend, at) in locations("submissions", dir.path()) {
        let store = Store::open(&at).unwrap();
        let (ruleset, first) = answers(&[]);
        let (_, changed) = answers(&[("goal", "a goal said another way")]);
        let (kept, receipt) = store.insert("token-a", &ruleset, &first, &[]).unwrap();
        let id = kept.id().to_string();
        assert_eq!(kept, Kept::New(id.clone()), "{backend}");
        assert_eq!(store.insert("token-a", &ruleset, &first, &[]).unwrap().0, Kept::Same(id.clone()));
        let (revised, newer) = store.insert("token-a", &ruleset, &changed, &[]).unwrap();
        assert_eq!(revised, Kept::Revised(id.clone(), 2), "{backend}");
        store.insert("token-b", &ruleset, &first, &[]).unwrap();
        let rows = store.rows(&ruleset, None).unwrap();
        assert_eq!(rows.len(), 2, "{backend}");
        assert_eq!(
            (rows[0].id.as_str(), rows[0].earlier.len()),
            (id.as_str(), 1),
            "{backend}: first kept first"
        );
        assert_eq!(rows[0].answers.values, changed.values, "{backend}: the latest answers");
        assert_eq!(store.rows(&ruleset, Some(&id)).unwrap().len(), 1);
        // The code given first was replaced by the one given with the revision.
        assert_eq!(store.erase_by_receipt(&receipt).unwrap(), None, "{backend}");
        assert_eq!(store.erase_by_receipt(&newer.to_lowercase()).unwrap(), Some(id.clone()), "{backend}");
        assert_eq!(store.rows(&ruleset, None).unwrap().len(), 1, "{backend}");
        assert!(!store.erase(&id).unwrap(), "{backend}: gone already");
        // Opened again, as a second instance would: the same rows, the schema not made twice.
        assert_eq!(Store::open(&at).unwrap().rows(&ruleset, None).unwrap().len(), 1, "{backend}");
    }
}

#[test]
fn expiry_and_the_contacted_mark_on_every_backend() {
    let dir = tempfile::tempdir().unwrap();
    for (backend, at) in locations("expiry", dir.path()) {
        let store = Store::open(&at).unwrap();
        let (ruleset, first) = answers(&[]);
        let old = store.insert("old", &ruleset, &first, &["webhook"]).unwrap().0.id().to_string();
        let new = store.insert("new", &ruleset, &first, &[]).unwrap().0.id().to_string();
        assert!(store.contacted(&new, "ana").unwrap());
        assert!(store.contacted(&new, "bob").unwrap(), "{backend}: marked once, by the first");
        assert!(!store.contacted("no such id", "ana").unwrap());
        audit::record(&store, "ana", "127.0.0.1", "opened a report", &old).unwrap();
        store
            .with(|tx| {
                tx.execute("UPDATE submissions SET submitted_at = 0 WHERE id = $1", &[old.as_str().into()])
            })
            .unwrap();
        assert_eq!(store.expire(1000).unwrap(), 1, "{backend}");
        let rows = store.rows(&ruleset, None).unwrap();
        assert_eq!(rows.len(), 1, "{backend}");
        assert_eq!(rows[0].contacted.as_ref().map(|c| c.0.as_str()), Some("ana"), "{backend}");
        let trail = audit::latest(&store, 10).unwrap();
        assert!(trail.iter().all(|l| l.subject != old), "{backend}: the trail's lines about it went too");
        let left = store.with(|tx| tx.first("SELECT COUNT(*) FROM notifications", &[])).unwrap().unwrap();
        assert_eq!(left.int(0), 0, "{backend}: its notification went with it");
    }
}

#[test]
fn accounts_sessions_and_the_audit_trail_on_every_backend() {
    let dir = tempfile::tempdir().unwrap();
    for (backend, at) in locations("accounts", dir.path()) {
        let store = Store::open(&at).unwrap();
        assert!(!accounts::add(&store, "ana", Role::Coach, "correct horse battery").unwrap());
        assert!(accounts::add(&store, "ana", Role::Hr, "correct horse battery").unwrap(), "{backend}");
        let Login::In(account, token) = accounts::login(&store, "ana", "correct horse battery").unwrap()
        else {
            panic!("{backend}: ana signs in");
        };
        assert_eq!(account.role, Role::Hr);
        assert_eq!(accounts::session(&store, &token).unwrap().map(|a| a.name), Some("ana".into()));
        for _ in 0..3 {
            assert!(matches!(accounts::login(&store, "ana", "wrong").unwrap(), Login::Wrong), "{backend}");
        }
        assert!(matches!(accounts::login(&store, "ana", "correct horse battery").unwrap(), Login::Wait(_)));
        accounts::logout(&store, &token).unwrap();
        assert!(accounts::session(&store, &token).unwrap().is_none(), "{backend}");
        assert_eq!(accounts::list(&store).unwrap().len(), 1);
        assert!(accounts::remove(&store, "ana").unwrap());
        audit::record(&store, "ana", "127.0.0.1", "login", "").unwrap();
        audit::record(&store, "ana", "127.0.0.1", "logout", "").unwrap();
        let actions: Vec<String> = audit::latest(&store, 10).unwrap().into_iter().map(|l| l.action).collect();
        assert_eq!(actions, ["logout", "login"], "{backend}");
        let changed = store.with(|tx| tx.execute("UPDATE audit SET action = 'nothing'", &[]));
        assert!(changed.unwrap_err().contains("appended only"), "{backend}");
    }
}

#[test]
fn screen_reads_every_backend_a_page_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    for (backend, at) in locations("screen", dir.path()) {
        let store = Store::open(&at).unwrap();
        let (ruleset, calm) = answers(&[]);
        for i in 0..150 {
            store.insert(&format!("token{i}"), &ruleset, &calm, &[]).unwrap();
        }
        let out = common::crossroads(&["screen", at.to_str().unwrap()], dir.path());
        let stderr = common::text(&out.stderr);
        assert!(stderr.contains("150 assessed"), "{backend}: {stderr}");
    }
}

#[test]
fn a_store_url_that_asks_for_tls_gets_it_or_nothing() {
    // The test server speaks no TLS: a URL that requires it is refused, never served in clear.
    let Some(url) = common::postgres::database("tls") else { return };
    let required = format!("{url}?sslmode=require");
    let refused = Store::open(&PathBuf::from(&required)).err().expect("refused without TLS");
    assert!(refused.to_lowercase().contains("tls"), "{refused}");
    assert!(!refused.contains("password"), "{refused}");
    // Preferred, not required: the same server, in clear.
    assert!(Store::open(&PathBuf::from(format!("{url}?sslmode=prefer"))).is_ok());
}
