//! `serve`'s organisation pages as the real binary over HTTP: every route with every role and
//! none, the coach's inbox, HR's counts through the store's ledger, logins slowed and refused,
//! sessions that end, and the audit trail that holds each of these.

mod common;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::Path;

use common::intake::{ME, Person, fields, persona};
use common::process::request;
use common::staff::{Browser, PASSWORD, server};
use crossroads::diag::Sources;

/// Two submissions: a calm one, then an urgent one. Their ids, from the inbox's links.
fn submit_two(at: SocketAddr) {
    let ruleset = common::default_pack(&mut Sources::default());
    let calm = persona(&ruleset, "wants-tactics");
    let first = Person::arrive(at).post(&fields(&ruleset, &calm, &[]), "submit");
    assert_eq!(first.status, 200);
    let urgent = Person::arrive(at).post(&fields(&ruleset, &calm, &[("self_harm", &["true"])]), "submit");
    assert_eq!(urgent.status, 200);
}

fn submission_ids(inbox: &str) -> Vec<String> {
    let re = regex::Regex::new(r#"href="/coach/submission/([0-9a-f]{32})""#).unwrap();
    re.captures_iter(inbox).map(|c| c[1].to_string()).collect()
}

/// A form's fields, by name.
type Fields<'a> = Vec<(&'a str, &'a str)>;

#[test]
fn every_route_answers_every_role_as_the_matrix_says() {
    let dir = tempfile::tempdir().unwrap();
    let (_server, at, _) = server(dir.path());
    submit_two(at);
    let coach = Browser::signed_in(at, "ana");
    let id = submission_ids(&coach.get("/coach").body)[0].clone();
    let report = format!("/coach/submission/{id}");
    let contacted = format!("/coach/submission/{id}/contacted");
    // Each route, and what its own role gets: a page, or a redirection after a form; an id
    // that is no submission's is not found.
    let nobody_id = "0".repeat(32);
    let routes: Vec<(&str, &str, Fields, u16)> = vec![
        ("GET", "/coach", vec![], 200),
        ("GET", "/coach/inbox.csv", vec![], 200),
        ("GET", &report, vec![], 200),
        ("POST", &contacted, vec![], 303),
        ("GET", "/hr", vec![], 200),
        ("POST", "/hr", vec![("group", ""), ("epsilon", "1")], 200),
        ("GET", "/admin", vec![], 200),
        ("POST", "/admin/erase", vec![("id", &nobody_id)], 404),
    ];
    let nobody = Browser::new(at, ME);
    let browsers = [
        ("nobody", nobody),
        ("coach", coach),
        ("hr", Browser::signed_in(at, "hal")),
        ("admin", Browser::signed_in(at, "ada")),
    ];
    let mut seen = Vec::new();
    for (method, path, fields, _) in &routes {
        for (role, browser) in &browsers {
            let reply = if *method == "GET" { browser.get(path) } else { browser.post(path, fields) };
            seen.push(format!("{method} {path} as {role}: {}", reply.status));
            if *role == "nobody" {
                assert_eq!(reply.header("location"), Some("/login"), "{method} {path}");
            }
        }
    }
    let owner = |path: &str| {
        ["coach", "hr", "admin"].into_iter().find(|r| path.starts_with(&format!("/{r}"))).unwrap()
    };
    let mut expected = Vec::new();
    for (method, path, _, owned) in &routes {
        for (role, _) in &browsers {
            let status = match *role {
                "nobody" => 303,
                r if r == owner(path) => *owned,
                _ => 403,
            };
            expected.push(format!("{method} {path} as {role}: {status}"));
        }
    }
    assert_eq!(seen, expected);
    // The intake stays open to anyone with the link.
    assert_eq!(request(ME, at, "GET", "/", &[], b"").status, 200);
    // A staff form without its CSRF token does nothing.
    let hr = &browsers[2].1;
    let cookies = hr.cookies();
    let forged = request(
        ME,
        at,
        "POST",
        "/hr",
        &[("Cookie", &cookies), ("Content-Type", "application/x-www-form-urlencoded")],
        b"group=&epsilon=1",
    );
    assert_eq!(forged.status, 403);
}

#[test]
fn a_coach_sees_the_urgent_submission_first_opens_it_and_marks_them_contacted() {
    let dir = tempfile::tempdir().unwrap();
    let (_server, at, _) = server(dir.path());
    submit_two(at);
    let coach = Browser::signed_in(at, "ana");
    let inbox = coach.get("/coach").body;
    assert!(inbox.contains("1 urgent: reach them first"), "{inbox}");
    // The urgent one was submitted last, and is listed first.
    let ids = submission_ids(&inbox);
    assert_eq!(ids.len(), 2, "{inbox}");
    let first_row = &inbox[inbox.find("<tbody>").unwrap()..inbox.find(&ids[0]).unwrap()];
    assert!(first_row.contains("Urgent"), "{first_row}");
    let report = coach.get(&format!("/coach/submission/{}", ids[0]));
    assert!(report.body.contains("Please reach out for support now"), "{}", report.body);
    assert_eq!(coach.post(&format!("/coach/submission/{}/contacted", ids[0]), &[]).status, 303);
    let inbox = coach.get("/coach").body;
    assert!(!inbox.contains("reach them first"), "marked contacted: {inbox}");
    assert!(inbox.contains("ana, "), "who marked them: {inbox}");
    let csv = coach.get("/coach/inbox.csv");
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    assert_eq!(csv.body.lines().count(), 3, "{}", csv.body);
    assert!(csv.body.starts_with("id,submitted,respondent,urgent,"), "{}", csv.body);
    // Every look is in the trail, which the admin sees.
    let trail = Browser::signed_in(at, "ada").get("/admin").body;
    for action in ["login", "opened the inbox", "opened a report", "marked contacted", "downloaded the inbox"]
    {
        assert!(trail.contains(&format!(r#"<td data-label="What">{action}</td>"#)), "{action}: {trail}");
    }
    assert!(trail.contains(&ids[0]), "{trail}");
}

#[test]
fn the_inbox_is_paged_with_the_urgent_first_and_its_filters_kept() {
    let dir = tempfile::tempdir().unwrap();
    let (_server, at, _) = server(dir.path());
    let ruleset = common::default_pack(&mut Sources::default());
    let calm = persona(&ruleset, "wants-tactics");
    // The urgent one first, so the oldest: it is still at the top of the first page.
    let urgent = Person::arrive(at).post(&fields(&ruleset, &calm, &[("self_harm", &["true"])]), "submit");
    assert_eq!(urgent.status, 200);
    for _ in 0..54 {
        assert_eq!(Person::arrive(at).post(&fields(&ruleset, &calm, &[]), "submit").status, 200);
    }
    let coach = Browser::signed_in(at, "ana");
    let first = coach.get("/coach").body;
    assert!(first.contains("Page 1 of 2 (55 submissions)"), "{first}");
    let ids = submission_ids(&first);
    assert_eq!(ids.len(), 50);
    let first_row = &first[first.find("<tbody>").unwrap()..first.find(&ids[0]).unwrap()];
    assert!(first_row.contains("Urgent"), "{first_row}");
    let second = coach.get("/coach?page=2").body;
    let later = submission_ids(&second);
    assert_eq!(later.len(), 5);
    assert!(later.iter().all(|id| !ids.contains(id)), "no submission on two pages");
    // Past the last page: the last page. A filter travels with the page links.
    assert_eq!(submission_ids(&coach.get("/coach?page=99").body), later);
    let filtered = coach.get("/coach?since=2000-01-01&outcome=").body;
    assert!(filtered.contains("href=\"/coach?since=2000-01-01&amp;page=2\""), "{filtered}");
}

#[test]
fn hr_sees_counts_only_and_asking_again_in_any_way_buys_no_fresh_noise() {
    let dir = tempfile::tempdir().unwrap();
    let (_server, at, store) = server(dir.path());
    submit_two(at);
    let hr = Browser::signed_in(at, "hal");
    let first = hr.post("/hr", &[("group", ""), ("epsilon", "1")]);
    assert_eq!(first.status, 200, "{}", first.body);
    assert!(first.body.contains("about") && first.body.contains("ε = 1"), "{}", first.body);
    // Nothing of a person: no submission's id, no answer's text.
    let coach = Browser::signed_in(at, "ana");
    for id in submission_ids(&coach.get("/coach").body) {
        assert!(!first.body.contains(&id), "an id in HR's page");
    }
    assert!(!first.body.contains("self_harm") && !first.body.contains("/coach"), "{}", first.body);
    // Asked again: the same page, nothing spent.
    let again = hr.post("/hr", &[("group", ""), ("epsilon", "1")]);
    assert_eq!(again.body, first.body);
    // A nudged ε is refused; a new level is charged; past the cap of 3, refused.
    let nudged = hr.post("/hr", &[("group", ""), ("epsilon", "0.999")]);
    assert_eq!(nudged.status, 409);
    assert!(nudged.body.contains("one of the levels"), "{}", nudged.body);
    assert_eq!(hr.post("/hr", &[("group", ""), ("epsilon", "2")]).status, 200);
    let over = hr.post("/hr", &[("group", "career_stage"), ("epsilon", "0.5")]);
    assert_eq!(over.status, 409, "{}", over.body);
    assert!(over.body.contains("past the privacy cap of ε = 3 a person"), "{}", over.body);
    // A refusal counts no one: its numbers would be counts without noise.
    let refusal = &over.body[over.body.find("role=\"alert\"").unwrap()..];
    let refusal = &refusal[..refusal.find("</p>").unwrap()];
    let digits: String = refusal.chars().filter(char::is_ascii_digit).collect();
    assert_eq!(digits, "3", "only the cap: {refusal}");
    // The ledger is in the store, which HR never holds; every release is in the trail.
    let conn = rusqlite::Connection::open(&store).unwrap();
    let ledger: String = conn.query_row("SELECT text FROM hr_ledger", [], |r| r.get(0)).unwrap();
    assert_eq!(ledger.matches("\"counts\"").count(), 2, "{ledger}");
    let actions: Vec<String> = conn
        .prepare("SELECT action FROM audit WHERE action LIKE 'HR%' ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(actions, ["HR release", "HR release given again", "HR release", "HR release refused"]);
}

/// The ε of every release HR was given that drew fresh noise, from the audit trail.
fn drawn(store: &Path) -> Vec<f64> {
    let conn = rusqlite::Connection::open(store).unwrap();
    let subjects: Vec<String> = conn
        .prepare("SELECT subject FROM audit WHERE action = 'HR release' ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    subjects
        .iter()
        .map(|s| s.split("ε = ").nth(1).unwrap().split(',').next().unwrap().parse().unwrap())
        .collect()
}

#[test]
fn hr_attacks_through_the_server_get_the_stored_release_or_a_refusal_never_fresh_noise() {
    // The accountant's attacks (f)-(i), as HR can try them through `/hr`: the same question
    // written another way, a nudged ε, every grouping at every level, and the cohort changed
    // under the same question.
    let dir = tempfile::tempdir().unwrap();
    let (_server, at, store) = server(dir.path());
    let ruleset = common::default_pack(&mut Sources::default());
    let calm = persona(&ruleset, "wants-tactics");
    let stages = ["early", "mid", "senior", "early", "mid", "senior", "early", "mid"];
    for stage in stages {
        let reply =
            Person::arrive(at).post(&fields(&ruleset, &calm, &[("career_stage", &[stage])]), "submit");
        assert_eq!(reply.status, 200);
    }
    let hr = Browser::signed_in(at, "hal");
    let first = hr.post("/hr", &[("group", ""), ("epsilon", "1")]);
    assert_eq!(first.status, 200, "{}", first.body);
    let counted: String = rusqlite::Connection::open(&store)
        .unwrap()
        .query_row("SELECT subject FROM audit WHERE action = 'HR release'", [], |r| r.get(0))
        .unwrap();
    assert!(counted.ends_with(&format!("{} submissions", stages.len())), "{counted}");
    // (f) The same question, written another way: the stored page, or a refusal.
    for epsilon in ["1.0", "1e0", "01", "1.000000000000000001"] {
        let again = hr.post("/hr", &[("group", ""), ("epsilon", epsilon)]);
        assert_eq!((again.status, &again.body), (200, &first.body), "ε written {epsilon:?}");
    }
    for (group, epsilon) in
        [("CAREER_STAGE", "1"), ("career_stage ", "1"), ("", " 1"), ("", "NaN"), ("", "inf")]
    {
        let reply = hr.post("/hr", &[("group", group), ("epsilon", epsilon)]);
        assert_eq!(reply.status, 409, "{group:?} at {epsilon:?}: {}", reply.body);
    }
    // (g) A nudged ε: each refused, none drawn.
    for epsilon in ["0.999", "0.998", "1.001", "1.5", "0.3", "3"] {
        assert_eq!(hr.post("/hr", &[("group", ""), ("epsilon", epsilon)]).status, 409, "ε {epsilon}");
    }
    // (i) Every grouping at every level, each twice: fresh noise only until the cap.
    let mut groups = vec![""];
    groups.extend(ruleset.aggregates.grouping.iter().map(|&q| ruleset.questions[q].id.as_str()));
    for group in &groups {
        for level in ["2", "1", "0.5", "0.25", "0.1"] {
            hr.post("/hr", &[("group", group), ("epsilon", level)]);
            hr.post("/hr", &[("group", group), ("epsilon", level)]);
        }
    }
    let spent: f64 = drawn(&store).iter().sum();
    assert!(spent <= 3.0 + 1e-9, "at most the cap of 3 a person was drawn: {:?}", drawn(&store));
    // (h) The cohort changed under the same question (a newcomer, an answer revised): a new
    // release would spend again on everyone already counted, so it is refused.
    let before = drawn(&store).len();
    let newcomer = Person::arrive(at).post(&fields(&ruleset, &calm, &[("career_stage", &["mid"])]), "submit");
    assert_eq!(newcomer.status, 200);
    for group in &groups {
        for level in ["2", "1", "0.5", "0.25", "0.1"] {
            let reply = hr.post("/hr", &[("group", group), ("epsilon", level)]);
            assert_eq!(reply.status, 409, "{group:?} at {level} over a changed cohort: {}", reply.body);
        }
    }
    assert_eq!(drawn(&store).len(), before, "nothing more was drawn");
}

#[test]
fn the_staff_pages_speak_french_to_a_french_browser_and_after_the_switch() {
    let dir = tempfile::tempdir().unwrap();
    let (_server, at, _) = server(dir.path());
    submit_two(at);
    let french = |name: &str| {
        let mut browser = Browser::new(at, ME);
        browser.extra.push(("Accept-Language", "fr-FR,fr;q=0.9,en;q=0.5".into()));
        assert_eq!(browser.login(name, PASSWORD).status, 303);
        browser
    };
    let login = request(ME, at, "GET", "/login", &[("Accept-Language", "fr")], b"").body;
    assert!(login.contains("<html lang=\"fr\"") && login.contains("Se connecter"), "{login}");
    let coach = french("ana");
    let inbox = coach.get("/coach").body;
    for said in [
        "<html lang=\"fr\"",
        "Boîte de réception",
        "1 urgent(s) : contactez-les d'abord",
        "Soutien d'abord",
        "Se déconnecter",
    ] {
        assert!(inbox.contains(said), "{said}: {inbox}");
    }
    let id = submission_ids(&inbox)[0].clone();
    let report = coach.get(&format!("/coach/submission/{id}")).body;
    assert!(report.contains("Marquer comme contacté") && report.contains("Envoyé le"), "{report}");
    let hr = french("hal");
    assert!(hr.get("/hr").body.contains("Décomptes pour les RH"));
    let counts = hr.post("/hr", &[("group", ""), ("epsilon", "1")]);
    assert_eq!(counts.status, 200);
    assert!(
        counts.body.contains("<html lang=\"fr\"") && counts.body.contains("Un autre rapport"),
        "{}",
        counts.body
    );
    assert!(hr.post("/hr", &[("group", ""), ("epsilon", "0.7")]).body.contains("l'un des niveaux"));
    let admin = french("ada");
    let page = admin.get("/admin").body;
    assert!(page.contains("Journal d'audit") && page.contains("Aucune n'est envoyée"), "{page}");
    // An English browser switches to French: a cookie, then every page in French.
    let mut english = Browser::new(at, ME);
    english.login("ana", PASSWORD);
    assert!(english.get("/coach").body.contains("<html lang=\"en\""));
    let switched = english.get("/language?to=fr");
    assert_eq!((switched.status, switched.header("location")), (303, Some("/coach")));
    let lang = switched.cookie("lang").expect("the language remembered");
    assert_eq!(lang, "fr");
    let cookies = format!("{}; lang={lang}", english.cookies());
    let page = request(ME, at, "GET", "/coach", &[("Cookie", &cookies)], b"").body;
    assert!(page.contains("<html lang=\"fr\"") && page.contains("href=\"/language?to=en\""), "{page}");
    // A language the pack does not speak is not taken.
    assert_eq!(english.get("/language?to=de").cookie("lang"), None);
}

#[test]
fn wrong_passwords_slow_then_block_and_a_session_ends() {
    let dir = tempfile::tempdir().unwrap();
    let (_server, at, store) = server(dir.path());
    let from = |n: u8| IpAddr::V4(Ipv4Addr::new(127, 0, 0, n));
    // One account, three wrong passwords from three addresses: then even the right one, from
    // a fourth, waits. The account is slowed, not only the guesser.
    for n in 2..5 {
        assert_eq!(Browser::new(at, from(n)).login("ana", "not it at all").status, 401);
    }
    let refused = Browser::new(at, from(5)).login("ana", PASSWORD);
    assert_eq!(refused.status, 429);
    assert!(
        refused.body.contains("Try again in") && refused.body.contains("this account"),
        "{}",
        refused.body
    );
    // One address trying many names is slowed as one account would be.
    let mut guesser = Browser::new(at, from(6));
    for name in ["a1", "a2", "a3"] {
        assert_eq!(guesser.login(name, "guess guess guess").status, 401);
    }
    let refused = guesser.login("hal", PASSWORD);
    assert_eq!(refused.status, 429);
    assert!(refused.body.contains("this address"), "{}", refused.body);
    // A session past its time sends its browser back to sign in.
    let hr = Browser::signed_in(at, "hal");
    assert_eq!(hr.get("/hr").status, 200);
    let conn = rusqlite::Connection::open(&store).unwrap();
    conn.execute("UPDATE sessions SET expires_at = 0", []).unwrap();
    let expired = hr.get("/hr");
    assert_eq!((expired.status, expired.header("location")), (303, Some("/login")));
    // Signing out ends the session at once.
    let hr = Browser::signed_in(at, "hal");
    assert_eq!(hr.post("/logout", &[]).status, 303);
    assert_eq!(hr.get("/hr").status, 303);
    let failures: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM audit WHERE action LIKE 'login failed' OR action LIKE 'login refused%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(failures, 8, "every failed or refused sign-in is in the trail");
}

#[test]
fn behind_a_trusted_proxy_each_client_has_its_own_sign_in_limit_and_is_named_in_the_trail() {
    let dir = tempfile::tempdir().unwrap();
    let proxy = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 9));
    let (_server, at, _) = common::staff::server_with(dir.path(), &["--trusted-proxy", "127.0.0.9"]);
    // One client behind the proxy guesses names until it is refused…
    let mut guesser = Browser::behind_proxy(at, proxy, "203.0.113.5");
    for name in ["a1", "a2", "a3"] {
        assert_eq!(guesser.login(name, "guess guess guess").status, 401);
    }
    assert_eq!(guesser.login("hal", PASSWORD).status, 429);
    // …and another behind the same proxy signs in at once.
    let mut colleague = Browser::behind_proxy(at, proxy, "198.51.100.20");
    assert_eq!(colleague.login("ana", PASSWORD).status, 303);
    // Anyone else who writes the header is not believed: they are where they connect from.
    let mut forger = Browser::behind_proxy(at, IpAddr::V4(Ipv4Addr::new(127, 0, 0, 10)), "198.51.100.20");
    assert_eq!(forger.login("ada", PASSWORD).status, 303);
    let trail = Browser::signed_in(at, "ada").get("/admin").body;
    for shown in [
        r#"<td data-label="From">203.0.113.5</td>"#,
        r#"<td data-label="From">198.51.100.20</td>"#,
        r#"<td data-label="From">127.0.0.10</td>"#,
    ] {
        assert!(trail.contains(shown), "{shown}: {trail}");
    }
    assert!(!trail.contains(">127.0.0.9</td>"), "the proxy is never taken for a client: {trail}");
}

fn receipt(page: &str) -> String {
    let re = regex::Regex::new(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){4}").unwrap();
    re.find(page).expect("a receipt code on the report").as_str().to_string()
}

fn screened(store: &Path, dir: &Path) -> String {
    let out = common::crossroads(&["screen", store.to_str().unwrap()], dir);
    common::text(&out.stderr)
}

#[test]
fn a_person_deletes_their_answers_with_the_receipt_code_and_an_admin_deletes_by_id() {
    let dir = tempfile::tempdir().unwrap();
    let (_server, at, store) = server(dir.path());
    let ruleset = common::default_pack(&mut Sources::default());
    let calm = persona(&ruleset, "wants-tactics");
    let person = Person::arrive(at);
    let mine =
        person.post(&fields(&ruleset, &calm, &[("goal", &["a goal only the first person wrote"])]), "submit");
    let code = receipt(&mine.body);
    let other = Person::arrive(at).post(&fields(&ruleset, &calm, &[]), "submit");
    assert_eq!(other.status, 200);
    assert!(screened(&store, dir.path()).contains("2 assessed"));
    // The code as a person might type it: small letters, spaces for dashes.
    let typed = code.to_lowercase().replace('-', " ");
    let page = request(ME, at, "GET", "/erase", &[], b"");
    assert_eq!(page.status, 200);
    let cookie = page.cookie("csrf").unwrap();
    let erase = |code: &str| {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs([("csrf", cookie.as_str()), ("lang", "en"), ("code", code)])
            .finish();
        let cookies = format!("csrf={cookie}");
        let headers = [("Cookie", cookies.as_str()), ("Content-Type", "application/x-www-form-urlencoded")];
        request(ME, at, "POST", "/erase", &headers, body.as_bytes())
    };
    let done = erase(&typed);
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(done.body.contains("Your answers were deleted"), "{}", done.body);
    assert!(screened(&store, dir.path()).contains("1 assessed"));
    let bytes = std::fs::read(&store).unwrap();
    let needle = b"a goal only the first person wrote";
    assert!(!bytes.windows(needle.len()).any(|w| w == needle), "deleted from the file, not hidden");
    assert_eq!(erase(&code).status, 404, "once");
    // The admin deletes the other by its id.
    let coach = Browser::signed_in(at, "ana");
    let id = submission_ids(&coach.get("/coach").body).pop().unwrap();
    let admin = Browser::signed_in(at, "ada");
    assert_eq!(admin.post("/admin/erase", &[("id", &id)]).status, 303);
    assert_eq!(admin.post("/admin/erase", &[("id", &id)]).status, 404);
    assert!(coach.get("/coach").body.contains("No submissions yet"));
    let trail = admin.get("/admin").body;
    assert!(
        trail.contains("submission deleted by the person") && trail.contains("submission deleted by admin"),
        "{trail}"
    );
}

#[test]
fn retention_deletes_what_is_past_its_days_when_the_server_starts() {
    let dir = tempfile::tempdir().unwrap();
    let store = {
        let (_server, at, store) = server(dir.path());
        submit_two(at);
        store
    };
    let conn = rusqlite::Connection::open(&store).unwrap();
    conn.execute("UPDATE submissions SET submitted_at = submitted_at - 31 * 86400 WHERE rowid = 1", [])
        .unwrap();
    let store_arg = store.to_str().unwrap();
    let (_server, line) = common::process::start(
        env!("CARGO_BIN_EXE_crossroads"),
        &["serve", "--listen", "127.0.0.1:0", "--store", store_arg, "--retain-days", "30"],
        dir.path(),
        "retention:",
        false,
    );
    assert!(line.contains("1 submissions older than 30 days deleted"), "{line}");
    assert!(screened(&store, dir.path()).contains("1 assessed (1 urgent"), "the newer, urgent one stays");
}
