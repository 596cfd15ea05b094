//! Several `serve` instances on one PostgreSQL database, as the real binaries over HTTP: nothing
//! acknowledged is lost when one is killed mid-load, a form sent to two at once is kept once,
//! the HR ledger is charged once when two HR readers on two instances ask at once, a coach's
//! mark is seen by every instance, and a database that goes away costs no one what they typed.
//! Each test skips loudly without a server (`CROSSROADS_TEST_POSTGRES`), and fails under CI.

mod common;

use std::net::SocketAddr;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::intake::{Person, fields, persona};
use common::process::{Killed, request, serve};
use common::staff::{Browser, PASSWORD};
use crossroads::RuleSet;
use crossroads::diag::Sources;

fn instance(url: &str, dir: &std::path::Path) -> (Killed, SocketAddr) {
    serve(&["--store", url, "--rate-limit", "0"], dir)
}

fn tokens(url: &str) -> Vec<String> {
    let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
    client.query("SELECT token FROM submissions", &[]).unwrap().iter().map(|r| r.get(0)).collect()
}

fn screened(url: &str, dir: &std::path::Path) -> String {
    common::text(&common::crossroads(&["screen", url], dir).stderr)
}

/// A whole intake sent to `at` by a new person: their form's token if the server acknowledged
/// it (its report, with a receipt code), `None` if it did not (or could not be reached).
fn submit(at: SocketAddr, ruleset: &RuleSet, goal: &str) -> Option<String> {
    let calm = persona(ruleset, "wants-tactics");
    catch_unwind(AssertUnwindSafe(|| {
        let person = Person::arrive(at);
        let reply = person.post(&fields(ruleset, &calm, &[("goal", &[goal])]), "submit");
        (reply.status == 200 && reply.body.contains("receipt code")).then(|| person.token.clone())
    }))
    .ok()
    .flatten()
}

#[test]
fn two_instances_lose_nothing_acknowledged_when_one_is_killed_mid_load() {
    let Some(url) = common::postgres::database("two_instances") else { return };
    let dir = tempfile::tempdir().unwrap();
    let (mut a, at_a) = instance(&url, dir.path());
    let (_b, at_b) = instance(&url, dir.path());
    let ruleset = common::default_pack(&mut Sources::default());
    let (acks, acked) = mpsc::channel();
    let workers: Vec<_> = (0..4)
        .map(|w| {
            let (acks, ruleset) = (acks.clone(), ruleset.clone());
            std::thread::spawn(move || {
                for i in 0..30 {
                    let at = if (w + i) % 2 == 0 { at_a } else { at_b };
                    if let Some(token) = submit(at, &ruleset, &format!("worker {w}, form {i}")) {
                        let _ = acks.send(token);
                    }
                }
            })
        })
        .collect();
    drop(acks);
    // Killed without warning once a good part of the load is in, with more in flight.
    let mut acknowledged: Vec<String> = acked.iter().take(30).collect();
    a.0.kill().unwrap();
    acknowledged.extend(acked.iter());
    for w in workers {
        w.join().unwrap();
    }
    let kept = tokens(&url);
    let lost: Vec<&String> = acknowledged.iter().filter(|t| !kept.contains(t)).collect();
    assert!(lost.is_empty(), "acknowledged and lost: {lost:?}");
    assert!(acknowledged.len() >= 60, "the surviving instance took its half: {}", acknowledged.len());
    let report = screened(&url, dir.path());
    assert!(report.contains(&format!("{} assessed", kept.len())), "{report}");
}

#[test]
fn a_form_sent_to_two_instances_at_once_is_kept_once() {
    let Some(url) = common::postgres::database("resubmission") else { return };
    let dir = tempfile::tempdir().unwrap();
    let (_a, at_a) = instance(&url, dir.path());
    let (_b, at_b) = instance(&url, dir.path());
    let ruleset = common::default_pack(&mut Sources::default());
    let calm = persona(&ruleset, "wants-tactics");
    for round in 0..5 {
        let first = Person::arrive(at_a);
        // The same page's form, sent to the other instance too (a retry through the balancer).
        let second = Person {
            server: at_b,
            cookie: first.cookie.clone(),
            csrf: first.csrf.clone(),
            token: first.token.clone(),
        };
        let answers = fields(&ruleset, &calm, &[("goal", &[&format!("round {round}")])]);
        let replies = std::thread::scope(|s| {
            let one = s.spawn(|| first.post(&answers, "submit"));
            let two = s.spawn(|| second.post(&answers, "submit"));
            [one.join().unwrap(), two.join().unwrap()]
        });
        assert!(replies.iter().all(|r| r.status == 200), "both acknowledged");
        let kept = tokens(&url).iter().filter(|t| **t == first.token).count();
        assert_eq!(kept, 1, "round {round}: kept once");
    }
}

#[test]
fn the_ledger_is_charged_once_when_hr_asks_on_two_instances_at_once_and_a_mark_is_seen_everywhere() {
    let Some(url) = common::postgres::database("ledger_race") else { return };
    let dir = tempfile::tempdir().unwrap();
    let (_a, at_a) = instance(&url, dir.path());
    let (_b, at_b) = instance(&url, dir.path());
    let store = std::path::PathBuf::from(&url);
    common::add_account(dir.path(), &store, "hal", "hr", PASSWORD);
    common::add_account(dir.path(), &store, "ana", "coach", PASSWORD);
    let ruleset = common::default_pack(&mut Sources::default());
    for i in 0..6 {
        submit(if i % 2 == 0 { at_a } else { at_b }, &ruleset, &format!("person {i}")).unwrap();
    }
    // Two releases of ε = 2 cannot both fit under the cap of 3 a person: exactly one is given.
    let (hr_a, hr_b) = (Browser::signed_in(at_a, "hal"), Browser::signed_in(at_b, "hal"));
    let statuses = std::thread::scope(|s| {
        let one = s.spawn(|| hr_a.post("/hr", &[("group", ""), ("epsilon", "2")]).status);
        let two = s.spawn(|| hr_b.post("/hr", &[("group", "career_stage"), ("epsilon", "2")]).status);
        let mut both = [one.join().unwrap(), two.join().unwrap()];
        both.sort_unstable();
        both
    });
    assert_eq!(statuses, [200, 409], "one release, one refusal");
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let given: i64 =
        client.query_one("SELECT COUNT(*) FROM audit WHERE action = 'HR release'", &[]).unwrap().get(0);
    assert_eq!(given, 1);
    let ledger: String = client.query_one("SELECT text FROM hr_ledger", &[]).unwrap().get(0);
    assert_eq!(ledger.matches("\"counts\"").count(), 1, "{ledger}");
    // A coach marks someone contacted on one instance; the other shows it at once.
    let (coach_a, coach_b) = (Browser::signed_in(at_a, "ana"), Browser::signed_in(at_b, "ana"));
    let inbox = coach_a.get("/coach").body;
    let id = inbox.split("/coach/submission/").nth(1).unwrap()[..32].to_string();
    assert_eq!(coach_a.post(&format!("/coach/submission/{id}/contacted"), &[]).status, 303);
    let seen = coach_b.get(&format!("/coach/submission/{id}")).body;
    assert!(seen.contains("Marked contacted by ana"), "{seen}");
}

#[test]
fn a_database_that_goes_away_costs_no_one_what_they_typed_and_the_server_recovers() {
    let Some(url) = common::postgres::database("outage") else { return };
    let dir = tempfile::tempdir().unwrap();
    let (_server, at) = instance(&url, dir.path());
    let ruleset = common::default_pack(&mut Sources::default());
    let calm = persona(&ruleset, "wants-tactics");
    let name = common::postgres::name_of(&url);
    let mut admin = common::postgres::admin();
    assert!(submit(at, &ruleset, "before").is_some());
    // A load that goes on through the outage: what it was told was kept must be kept.
    let (acks, acked) = mpsc::channel();
    let (stop, stopped) = mpsc::channel::<()>();
    let load = {
        let ruleset = ruleset.clone();
        std::thread::spawn(move || {
            let mut i = 0;
            while stopped.try_recv().is_err() {
                if let Some(token) = submit(at, &ruleset, &format!("under load {i}")) {
                    let _ = acks.send(token);
                }
                i += 1;
            }
        })
    };
    // The database goes away: no new connection, every open one cut.
    admin.batch_execute(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false")).unwrap();
    admin
        .execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", &[&name])
        .unwrap();
    let health = request(common::intake::ME, at, "GET", "/healthz", &[], b"");
    assert_eq!(health.status, 503, "{}", health.body);
    assert!(health.body.contains("store is unavailable"), "{}", health.body);
    let person = Person::arrive(at);
    let typed = "a goal typed during the outage, kept in the page";
    let answers = fields(&ruleset, &calm, &[("goal", &[typed])]);
    let refused = person.post(&answers, "submit");
    assert_eq!(refused.status, 503);
    assert!(refused.body.contains("could not be kept just now"), "{}", refused.body);
    assert!(refused.body.contains(typed), "the answer travels on in the page: {}", refused.body);
    assert!(refused.body.contains("name=\"go\" value=\"submit\""), "and can be sent again");
    // It comes back: the same form sent again is kept, and the server says it is well.
    admin.batch_execute(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true")).unwrap();
    // Each /healthz itself waits (up to 3 s, in the server) for a connection: its answer is the
    // signal, asked again only while the pool is still reconnecting.
    let deadline = Instant::now() + Duration::from_secs(30);
    while request(common::intake::ME, at, "GET", "/healthz", &[], b"").status != 200 {
        assert!(Instant::now() < deadline, "the server did not recover");
    }
    let kept = person.post(&answers, "submit");
    assert_eq!(kept.status, 200, "{}", kept.body);
    stop.send(()).unwrap();
    load.join().unwrap();
    let acknowledged: Vec<String> = acked.iter().collect();
    let stored = tokens(&url);
    assert!(acknowledged.iter().all(|t| stored.contains(t)), "an acknowledged submission was lost");
    assert!(stored.contains(&person.token));
}

#[test]
fn a_server_on_postgres_stops_cleanly_when_told_to() {
    let Some(url) = common::postgres::database("stop") else { return };
    let dir = tempfile::tempdir().unwrap();
    let (mut server, at) = instance(&url, dir.path());
    let ruleset = common::default_pack(&mut Sources::default());
    assert!(submit(at, &ruleset, "before stopping").is_some());
    // SIGTERM, as a service manager stops it: requests finished, the pool closed, exit 0.
    unsafe { libc::kill(server.0.id() as i32, libc::SIGTERM) };
    let status = server.0.wait().unwrap();
    assert!(status.success(), "stopped with {status:?}");
}
