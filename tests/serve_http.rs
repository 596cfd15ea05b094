//! `serve` as the real binary over HTTP: a form posted again with changed answers, a field
//! posted twice, and one client flooding the API while another is served.

mod common;

use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

use common::intake::{Person, fields, persona};
use common::process::{request, serve};
use crossroads::RuleSet;
use crossroads::diag::Sources;

fn ruleset() -> RuleSet {
    common::default_pack(&mut Sources::default())
}

fn screen(store: &std::path::Path, dir: &std::path::Path) -> (String, String) {
    let out = common::crossroads(&["screen", store.to_str().unwrap(), "--format", "csv"], dir);
    (common::text(&out.stdout), common::text(&out.stderr))
}

const REPORT: &str = "What fits you now";
const SUPPORT: &str = "Please reach out for support now";

#[test]
fn a_form_submitted_again_with_a_changed_urgent_answer_keeps_the_change_and_the_urgency() {
    let ruleset = ruleset();
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("responses.sqlite");
    let (_server, at) = serve(&["--store", store.to_str().unwrap()], dir.path());
    let calm = persona(&ruleset, "wants-tactics");
    let person = Person::arrive(at);

    let first = person.post(&fields(&ruleset, &calm, &[]), "submit");
    assert!(first.body.contains(REPORT) && first.body.contains("were kept"), "{}", first.body);
    let (csv, stderr) = screen(&store, dir.path());
    assert!(stderr.contains("1 assessed, 0 rejected"), "{stderr}");
    assert!(!csv.contains("urgent"), "{csv}");

    // Back from the report to the review, the self-harm answer changed, submitted again: the
    // same form token.
    let changed = person.post(&fields(&ruleset, &calm, &[("self_harm", &["true"])]), "submit");
    assert!(changed.body.contains("changed answers were kept"), "{}", changed.body);
    let (csv, stderr) = screen(&store, dir.path());
    assert!(stderr.contains("1 assessed (1 urgent: reach them first), 0 rejected"), "{stderr}");
    let row = csv.lines().nth(1).unwrap();
    assert!(row.contains(",assessed,") && row.contains("self_harm"), "the latest answers: {csv}");

    // And back again: the latest answers are calm, but an earlier one was urgent.
    let calm_again = person.post(&fields(&ruleset, &calm, &[]), "submit");
    assert!(calm_again.body.contains("changed answers were kept"), "{}", calm_again.body);
    let (csv, stderr) = screen(&store, dir.path());
    assert!(stderr.contains("1 assessed (1 urgent: reach them first), 0 rejected"), "{stderr}");
    assert_eq!(csv.lines().count(), 2, "one person, once: {csv}");
    let row = csv.lines().nth(1).unwrap();
    assert!(row.contains(",urgent_earlier,") && row.contains("self_harm"), "{csv}");

    // The same answers again (a reload): nothing new, and still said to be kept.
    let reload = person.post(&fields(&ruleset, &calm, &[]), "submit");
    assert!(reload.body.contains("were kept"), "{}", reload.body);
    let (csv, _) = screen(&store, dir.path());
    assert_eq!(csv.lines().count(), 2, "{csv}");
}

#[test]
fn a_field_posted_twice_is_a_problem_shown_and_an_urgent_value_in_it_shows_the_support_first() {
    let ruleset = ruleset();
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("responses.sqlite");
    let (_server, at) = serve(&["--store", store.to_str().unwrap()], dir.path());
    let calm = persona(&ruleset, "wants-tactics");

    // Submitted with self-harm answered both ways: the support, and nothing kept as calm.
    for order in [["false", "true"], ["true", "false"]] {
        let person = Person::arrive(at);
        let page = person.post(&fields(&ruleset, &calm, &[("self_harm", &order)]), "submit");
        assert!(page.body.contains(SUPPORT), "{order:?}: {}", page.body);
        assert!(!page.body.contains(REPORT), "{order:?}");
        // Stepping on from a question carries the same judgement.
        let next = person.post(&fields(&ruleset, &calm, &[("self_harm", &order)]), "next");
        assert!(next.body.contains(SUPPORT), "{order:?}: {}", next.body);
        // Carrying on from the support asks that question again, to be answered once.
        let again = format!(r#"name="at" value="{}""#, ruleset.question("self_harm").unwrap());
        assert!(page.body.contains(&again), "{}", page.body);
    }
    let out = common::crossroads(&["screen", store.to_str().unwrap()], dir.path());
    assert!(common::text(&out.stderr).contains("holds no submission yet"), "nothing kept");

    // Any other question answered twice, of every single-valued kind: said on its page.
    let twice: Vec<(&str, [&str; 2])> = vec![
        ("wants_support", ["4", "1"]),
        ("help_with", ["learn_role", "grow_self"]),
        ("feel_stuck", ["true", "false"]),
    ];
    for (id, values) in twice {
        let Some(q) = ruleset.question(id) else { continue };
        let person = Person::arrive(at);
        let page = person.post(&fields(&ruleset, &calm, &[(id, &values)]), "submit");
        assert!(page.body.contains("answered more than once"), "{id}: {}", page.body);
        assert!(page.body.contains(r#"role="alert""#), "{id}");
        assert!(
            page.body.contains(&format!(r#"name="a.{}""#, ruleset.questions[q].id)),
            "{id}: its own page"
        );
    }
    let out = common::crossroads(&["screen", store.to_str().unwrap()], dir.path());
    assert!(common::text(&out.stderr).contains("holds no submission yet"), "nothing kept");
}

/// The largest body the server takes, every line a key no question has: the most work the
/// limits allow one request to cause.
fn worst_body() -> Vec<u8> {
    let mut body = String::from("answers:\n");
    let mut i = 0;
    while body.len() < 250 * 1024 {
        body.push_str(&format!("  not_a_question_{i}: 1\n"));
        i += 1;
    }
    body.into_bytes()
}

/// One address floods the API with the worst bodies its rate limit lets through, in parallel;
/// another address is served meanwhile within a bound. A safety property, not a benchmark:
/// the bound is generous (a page takes milliseconds).
#[test]
fn one_client_flooding_the_api_cannot_stall_the_server_for_another() {
    const BOUND: Duration = Duration::from_secs(3);
    let dir = tempfile::tempdir().unwrap();
    let (_server, at) = serve(&[], dir.path());
    let flooder = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));
    let other = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 3));
    let body = std::sync::Arc::new(worst_body());
    let (started, underway) = std::sync::mpsc::channel();
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let (body, started) = (std::sync::Arc::clone(&body), started.clone());
            std::thread::spawn(move || {
                let mut statuses = Vec::new();
                for _ in 0..10 {
                    let headers = [("Content-Type", "application/yaml")];
                    let reply = request(flooder, at, "POST", "/api/v1/assessments", &headers, &body);
                    statuses.push(reply.status);
                    let _ = started.send(reply.body.len());
                }
                statuses
            })
        })
        .collect();
    drop(started);
    // The flood is underway once its first answers come back: each is bounded.
    let first = underway.recv().unwrap();
    let mut slowest = Duration::ZERO;
    for path in ["/healthz", "/", "/api/v1/questionnaire", "/healthz", "/"] {
        let began = Instant::now();
        let reply = request(other, at, "GET", path, &[], b"");
        slowest = slowest.max(began.elapsed());
        assert_eq!(reply.status, 200, "{path}");
    }
    assert!(slowest < BOUND, "another client waited {slowest:?} during the flood (bound {BOUND:?})");
    assert!(first < 64 * 1024, "a bounded answer to a hostile body: {first} bytes");
    let statuses: Vec<u16> = threads.into_iter().flat_map(|t| t.join().unwrap()).collect();
    assert!(statuses.iter().all(|s| [422, 429].contains(s)), "{statuses:?}");
    assert!(statuses.contains(&422), "the flood's bodies were worked on");
}
