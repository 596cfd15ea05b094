//! `serve`, in process: the intake's pages driven as a browser without JavaScript would drive
//! them (every hidden field posted back), the store, the downloads and the JSON API.

mod common;

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use crossroads::diag::Sources;
use crossroads::serve::store::Store;
use crossroads::serve::{App, form, router};
use crossroads::{Answers, RuleSet};
use http_body_util::BodyExt;
use tower::ServiceExt;

struct Browser {
    app: Router,
    cookie: Option<String>,
    accept_language: &'static str,
    /// The client's address, as the server sees it (the rate limit is per address).
    from: std::net::SocketAddr,
}

struct Page {
    status: StatusCode,
    headers: header::HeaderMap,
    body: String,
}

impl Page {
    /// The hidden fields of the page's form, as a browser posts them back.
    fn hidden(&self) -> Vec<(String, String)> {
        let re = regex::Regex::new(r#"<input type="hidden" name="([^"]+)" value="([^"]*)""#).unwrap();
        re.captures_iter(&self.body).map(|c| (c[1].to_string(), unescape(&c[2]))).collect()
    }

    /// The question the page asks: its field's name.
    fn asks(&self) -> Option<String> {
        let re = regex::Regex::new(
            r#"(?:type="(?:radio|checkbox|number|text|email)" |<textarea )name="a\.([a-z_]+)[".]"#,
        )
        .unwrap();
        re.captures(&self.body).map(|c| c[1].to_string())
    }
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

impl Browser {
    fn new(app: Arc<App>) -> Browser {
        // Each browser its own address, so that one test's requests never count against another's.
        static NEXT: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(1);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let from = std::net::SocketAddr::from(([127, 0, 1, n], 40000));
        Browser { app: router(app), cookie: None, accept_language: "en", from }
    }

    async fn send(&mut self, mut request: Request<Body>) -> Page {
        request.extensions_mut().insert(axum::extract::ConnectInfo(self.from));
        let response = self.app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        if let Some(set) = headers.get(header::SET_COOKIE) {
            self.cookie = Some(set.to_str().unwrap().split(';').next().unwrap().to_string());
        }
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Page { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
    }

    async fn get(&mut self, path: &str) -> Page {
        let mut request = Request::get(path).header(header::ACCEPT_LANGUAGE, self.accept_language);
        if let Some(c) = &self.cookie {
            request = request.header(header::COOKIE, c);
        }
        self.send(request.body(Body::empty()).unwrap()).await
    }

    /// Posts the page's form back, with its hidden fields and `extra`.
    async fn submit(&mut self, page: &Page, path: &str, extra: &[(&str, String)]) -> Page {
        let mut fields = page.hidden();
        fields.extend(extra.iter().map(|(k, v)| (k.to_string(), v.clone())));
        let body: String = form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
        let mut request =
            Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(c) = &self.cookie {
            request = request.header(header::COOKIE, c);
        }
        self.send(request.body(Body::from(body)).unwrap()).await
    }
}

fn ruleset() -> RuleSet {
    common::default_pack(&mut Sources::default())
}

fn app(store: Option<&std::path::Path>) -> Arc<App> {
    Arc::new(App::new(ruleset(), store.map(|p| Store::open(p).unwrap())))
}

/// What a person would post for a question, from a persona's answers.
fn typed(ruleset: &RuleSet, answers: &Answers, id: &str) -> Vec<(&'static str, String)> {
    let q = ruleset.question(id).unwrap();
    let question = &ruleset.questions[q];
    let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    // A grid is typed into its table, a field per cell.
    if let (crossroads::model::Kind::Grid(grid), Some(crossroads::Answer::Grid(rows))) =
        (&question.kind, &answers.values[q])
    {
        let mut fields = Vec::new();
        let mut own = 0;
        for row in rows {
            let prefix = if grid.rows.iter().any(|r| r.value == row.name) {
                form::field(question) + "." + &row.name
            } else {
                let name = form::own_field(question, own);
                own += 1;
                fields.push((leak(name.clone()), row.name.clone()));
                name
            };
            for (c, v) in grid.columns.iter().zip(&row.values) {
                fields
                    .push((leak(format!("{prefix}.{}", c.id)), v.map(|v| v.to_string()).unwrap_or_default()));
            }
        }
        return fields;
    }
    let name: &'static str = leak(form::field(question));
    let values = answers.values[q].as_ref().map(|a| form::strings(question, a)).unwrap_or_default();
    values.into_iter().map(|v| (name, v)).collect()
}

/// Goes through the whole intake as `answers` would be given, carrying on past support;
/// returns the review page and the questions asked, in order.
async fn fill_in(b: &mut Browser, ruleset: &RuleSet, answers: &Answers) -> (Page, Vec<String>) {
    let start = b.get("/").await;
    let mut page = b.submit(&start, "/intake", &[("go", "next".into())]).await;
    let mut asked = Vec::new();
    for _ in 0..(2 * ruleset.questions.len()) {
        if page.body.contains(r#"name="at" value="review""#) {
            return (page, asked);
        }
        if page.body.contains(r#"value="resume""#) {
            page = b.submit(&page, "/intake", &[("go", "resume".into())]).await;
            continue;
        }
        let id = page.asks().unwrap_or_else(|| panic!("neither a question nor the review:\n{}", page.body));
        let mut fields = typed(ruleset, answers, &id);
        fields.push(("go", "next".into()));
        page = b.submit(&page, "/intake", &fields).await;
        assert!(!page.body.contains("role=\"alert\""), "{id}: {}", page.body);
        asked.push(id);
    }
    panic!("the intake never reached the review");
}

#[tokio::test]
async fn every_persona_filled_in_gets_the_report_evaluate_gives_and_is_kept_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("responses.sqlite");
    let app = app(Some(&store));
    let ruleset = ruleset();
    let mut sources = Sources::default();
    let personas = common::personas(&ruleset, &mut sources);
    let heading = regex::Regex::new(r"<h2>What fits you now: [^<]*</h2>").unwrap();
    for (path, answers) in &personas {
        let mut b = Browser::new(Arc::clone(&app));
        let (review, asked) = fill_in(&mut b, &ruleset, answers).await;
        // Hidden questions are not asked (show_if), and nothing is asked twice.
        for (i, q) in ruleset.questions.iter().enumerate() {
            assert_eq!(asked.contains(&q.id), answers.is_shown(&ruleset, i), "{}: {}", path.display(), q.id);
        }
        let report = b.submit(&review, "/intake", &[("go", "submit".into())]).await;
        assert_eq!(report.status, StatusCode::OK);
        let expected = common::report_text(&ruleset, answers, crossroads::render::Format::Html);
        assert_eq!(
            heading.find(&report.body).map(|m| m.as_str()),
            heading.find(&expected).map(|m| m.as_str()),
            "{}",
            path.display()
        );
        assert!(report.body.contains("were kept"), "the page says the answers were kept");
        // Submitting the same form again (a reload, a double click) keeps it once.
        let again = b.submit(&review, "/intake", &[("go", "submit".into())]).await;
        assert_eq!(again.status, StatusCode::OK);
        // The downloaded answers file gives the same report with `evaluate`.
        let file = b.submit(&report, "/download", &[("what", "answers".into())]).await;
        assert!(
            file.headers[header::CONTENT_DISPOSITION].to_str().unwrap().contains("crossroads-answers.yaml")
        );
        let mut s = Sources::default();
        let id = s.add("downloaded.yaml", file.body.clone());
        let read = crossroads::answers::read(&ruleset, &s, id).unwrap();
        assert_eq!(read.values, answers.values, "{}", path.display());
    }
    assert_owner_only(&store);
    let out = common::crossroads(&["screen", store.to_str().unwrap()], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", common::text(&out.stderr));
    let stderr = common::text(&out.stderr);
    let urgent = personas
        .iter()
        .filter(|(_, a)| {
            crossroads::evaluate(&ruleset, a)
                .flags
                .iter()
                .any(|&f| ruleset.flags[f].severity == crossroads::model::Severity::Urgent)
        })
        .count();
    let closing = format!("{} assessed ({urgent} urgent: reach them first), 0 rejected", personas.len());
    assert!(urgent > 0 && stderr.contains(&closing), "once each, the urgent counted: {stderr}");
}

#[cfg(unix)]
fn assert_owner_only(path: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).unwrap().permissions().mode();
    assert_eq!(mode & 0o077, 0, "{} is readable by others: {mode:o}", path.display());
}

#[tokio::test]
async fn pages_carry_a_strict_policy_and_are_never_cached() {
    let mut b = Browser::new(app(None));
    let page = b.get("/").await;
    assert_eq!(page.status, StatusCode::OK);
    let csp = page.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("default-src 'none'") && csp.contains("form-action 'self'"), "{csp}");
    assert_eq!(page.headers[header::CACHE_CONTROL], "no-store");
    assert_eq!(page.headers[header::X_FRAME_OPTIONS], "DENY");
    let cookie = page.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(page.body.contains("Nothing you answer is kept"), "without a store, the page says so");
    assert!(!page.body.contains("<script"), "no script");
}

#[tokio::test]
async fn a_form_without_the_matching_csrf_token_does_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("r.sqlite");
    let mut b = Browser::new(app(Some(&store)));
    let start = b.get("/").await;
    // Another site's form: the browser sends no cookie (SameSite), or a forged field.
    let forged =
        Page { body: start.body.replace(&start.hidden()[0].1, "0123456789abcdef0123456789abcdef"), ..start };
    let page = b.submit(&forged, "/intake", &[("go", "submit".into())]).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    b.cookie = None;
    let start = b.get("/").await;
    b.cookie = None;
    let page = b.submit(&start, "/intake", &[("go", "next".into())]).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    let out = common::crossroads(&["screen", store.to_str().unwrap()], dir.path());
    let stderr = common::text(&out.stderr);
    assert!(stderr.contains("the store holds no submission yet"), "nothing stored: {stderr}");
}

#[tokio::test]
async fn an_urgent_answer_shows_the_support_next_and_the_person_may_stop_there() {
    let ruleset = ruleset();
    let mut b = Browser::new(app(None));
    let start = b.get("/").await;
    let mut page = b.submit(&start, "/intake", &[("go", "next".into())]).await;
    // Answer the first required questions with any valid value until self_harm, then yes.
    let mut sources = Sources::default();
    let calm = &common::personas(&ruleset, &mut sources)
        .into_iter()
        .find(|(p, _)| p.ends_with("wants-tactics"))
        .unwrap()
        .1;
    loop {
        let id = page.asks().unwrap();
        if id == "self_harm" {
            page = b.submit(&page, "/intake", &[("a.self_harm", "true".into()), ("go", "next".into())]).await;
            break;
        }
        let mut fields = typed(&ruleset, calm, &id);
        fields.push(("go", "next".into()));
        page = b.submit(&page, "/intake", &fields).await;
    }
    assert!(page.body.contains("Please reach out for support now"), "{}", page.body);
    assert!(page.body.contains("988"), "the support itself");
    assert!(page.asks().is_none(), "no question beside the support");
    let stopped = b.submit(&page, "/intake", &[("go", "stop".into())]).await;
    assert!(stopped.body.contains("988") && stopped.body.contains("Nothing was kept"), "{}", stopped.body);
    assert!(stopped.asks().is_none());
}

#[tokio::test]
async fn a_missing_or_wrong_answer_is_said_on_its_own_page_and_announced() {
    let mut b = Browser::new(app(None));
    let start = b.get("/").await;
    // The name and the e-mail address are optional: Next without them goes on.
    let name = b.submit(&start, "/intake", &[("go", "next".into())]).await;
    assert_eq!(name.asks().as_deref(), Some("your_name"));
    let email = b.submit(&name, "/intake", &[("go", "next".into())]).await;
    let first = b.submit(&email, "/intake", &[("go", "next".into())]).await;
    let again = b.submit(&first, "/intake", &[("go", "next".into())]).await;
    assert!(
        again.body.contains(r#"role="alert""#) && again.body.contains("aria-invalid=\"true\""),
        "{}",
        again.body
    );
    assert_eq!(again.asks().as_deref(), Some("help_with"), "the same question again");
    let wrong =
        b.submit(&first, "/intake", &[("a.help_with", "nonsense".into()), ("go", "next".into())]).await;
    assert!(wrong.body.contains("nonsense") && wrong.body.contains(r#"role="alert""#));
}

#[tokio::test]
async fn french_from_the_browser_and_from_the_switch_keeping_the_answers() {
    let mut b = Browser::new(app(None));
    b.accept_language = "fr-FR,fr;q=0.9,en;q=0.5";
    let start = b.get("/").await;
    assert!(start.body.contains(r#"<html lang="fr">"#) && start.body.contains("Commencer"));
    let name = b.submit(&start, "/intake", &[("go", "next".into())]).await;
    let email = b.submit(&name, "/intake", &[("go", "next".into())]).await;
    let first = b.submit(&email, "/intake", &[("go", "next".into())]).await;
    let second =
        b.submit(&first, "/intake", &[("a.help_with", "learn_role".into()), ("go", "next".into())]).await;
    let english = b.submit(&second, "/intake", &[("switch", "en".into())]).await;
    assert!(
        english.body.contains(r#"<html lang="en">"#)
            && english.body.contains("Where are you in your working life?")
    );
    assert!(english.body.contains(r#"name="a.help_with" value="learn_role""#), "the answer so far is kept");
}

#[tokio::test]
async fn the_api_assesses_answers_as_evaluate_does_and_lists_every_problem() {
    let ruleset = ruleset();
    let mut b = Browser::new(app(None));
    let pack = b.get("/api/v1/pack").await;
    assert!(pack.body.contains(&ruleset.hash));
    let questionnaire = b.get("/api/v1/questionnaire").await;
    let q: serde_json::Value = serde_json::from_str(&questionnaire.body).unwrap();
    assert_eq!(q["questions"].as_array().unwrap().len(), ruleset.questions.len());
    assert_eq!(b.get("/healthz").await.status, StatusCode::OK);

    let answers = std::fs::read_to_string("tests/cases/wants-tactics/answers.yaml").unwrap();
    let post = |body: String| {
        Request::post("/api/v1/assessments")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body))
            .unwrap()
    };
    let good = b.send(post(answers.clone())).await;
    assert_eq!(good.status, StatusCode::OK);
    let out = common::crossroads(
        &["evaluate", "tests/cases/wants-tactics/answers.yaml", "--format", "json"],
        std::path::Path::new("."),
    );
    assert_eq!(
        good.body.trim(),
        common::text(&out.stdout).trim(),
        "the same document as evaluate --format json"
    );

    let bad = answers
        .replace("budget: sponsor", "budget: company")
        .replace("wants_support: 4", "wants_support: 9")
        .replace("answers:\n", "answers:\n  unknown_thing: 1\n");
    let bad = b.send(post(bad)).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.headers[header::CONTENT_TYPE], "application/problem+json");
    let problem: serde_json::Value = serde_json::from_str(&bad.body).unwrap();
    let codes: Vec<&str> =
        problem["problems"].as_array().unwrap().iter().map(|p| p["code"].as_str().unwrap()).collect();
    assert_eq!(codes.len(), 3, "every problem: {codes:?}");
    assert!(problem["problems"][0]["line"].is_number());
}

#[tokio::test]
async fn an_oversized_body_is_refused_before_it_is_read() {
    let mut b = Browser::new(app(None));
    let start = b.get("/").await;
    let huge = "x".repeat(1024 * 1024);
    let page = b.submit(&start, "/intake", &[("a.anything_else", huge)]).await;
    assert_eq!(page.status, StatusCode::PAYLOAD_TOO_LARGE);
}

/// The real binary: it says where it listens, answers, and stops cleanly on SIGTERM.
#[cfg(unix)]
#[test]
fn the_binary_listens_on_loopback_answers_and_stops_on_sigterm() {
    use std::io::{BufRead, BufReader, Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_crossroads"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .current_dir(dir.path())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    stderr.read_line(&mut first).unwrap();
    let address = first.split("http://").nth(1).and_then(|s| s.split('/').next()).unwrap().to_string();
    assert!(address.starts_with("127.0.0.1:"), "{first}");
    let mut stream = std::net::TcpStream::connect(&address).unwrap();
    stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200") && response.ends_with("ok\n"), "{response}");
    // An answer posted (here without its CSRF cookie, so refused) is never written to a log.
    let body = "a.goal=SECRET-ANSWER-7391&go=next&at=0";
    let mut stream = std::net::TcpStream::connect(&address).unwrap();
    let request = format!(
        "POST /intake HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 403"), "{response}");
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "stopped cleanly");
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).unwrap();
    assert!(rest.contains("nothing a person submits is kept"), "{rest}");
    assert!(!rest.contains("error"), "{rest}");
    assert!(!rest.contains("SECRET-ANSWER"), "no answer in the log: {rest}");
}

#[tokio::test]
async fn a_flood_from_one_address_is_refused_past_its_burst_and_others_are_still_served() {
    let app = app(None);
    let mut flooder = Browser::new(Arc::clone(&app));
    let mut statuses = Vec::new();
    for _ in 0..200 {
        statuses.push(flooder.get("/healthz").await.status);
    }
    assert!(statuses[..50].iter().all(|s| *s == StatusCode::OK), "a burst is served");
    assert!(statuses.contains(&StatusCode::TOO_MANY_REQUESTS), "a flood is refused");
    let mut someone_else = Browser::new(app);
    assert_eq!(someone_else.get("/").await.status, StatusCode::OK, "another client is served");
}

#[tokio::test]
async fn the_openapi_description_lists_every_route_and_every_route_it_lists_answers() {
    let mut b = Browser::new(app(None));
    let page = b.get("/api/v1/openapi.json").await;
    let doc: serde_json::Value = serde_json::from_str(&page.body).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    for route in
        ["/api/v1/pack", "/api/v1/questionnaire", "/api/v1/assessments", "/api/v1/openapi.json", "/healthz"]
    {
        assert!(paths.contains_key(route), "{route} is described");
    }
    for (path, operations) in paths {
        if operations.get("get").is_some() {
            assert_eq!(b.get(path).await.status, StatusCode::OK, "{path}");
        }
    }
    let problem = &doc["components"]["responses"]["Problem"]["content"]["application/problem+json"];
    assert!(problem.is_object(), "problems are described as RFC 9457 documents");
}

#[tokio::test]
async fn with_the_rate_limit_off_a_burst_past_sixty_is_served() {
    let app = Arc::new(App { rate_limit: 0, ..App::new(ruleset(), None) });
    let mut b = Browser::new(app);
    for _ in 0..200 {
        assert_eq!(b.get("/healthz").await.status, StatusCode::OK);
    }
}

/// The area balance in a browser: a grid whose shares add up to more than the whole is asked
/// again with the reason and with everything typed still in its cells (an area named with
/// markup shown as text); put right, it is carried to the review and into the report.
#[tokio::test]
async fn a_grid_that_does_not_add_up_is_asked_again_with_what_was_typed() {
    let ruleset = ruleset();
    let mut b = Browser::new(app(None));
    let start = b.get("/").await;
    let mut page = b.submit(&start, "/intake", &[("go", "next".into())]).await;
    let mut sources = Sources::default();
    let amara = common::personas(&ruleset, &mut sources)
        .into_iter()
        .find(|(p, _)| p.ends_with("ready-senior-leader"))
        .unwrap()
        .1;
    while page.asks().as_deref() != Some("area_balance") {
        let id = page.asks().unwrap();
        let mut fields = typed(&ruleset, &amara, &id);
        fields.push(("go", "next".into()));
        page = b.submit(&page, "/intake", &fields).await;
    }
    let cells = |now: &str| -> Vec<(&'static str, String)> {
        vec![
            ("a.area_balance.running.engagement", "7".into()),
            ("a.area_balance.running.time_now", now.into()),
            ("a.area_balance.vision.time_now", "60".into()),
            ("a.area_balance.vision.time_wished", "70".into()),
            ("a.area_balance.own0", "Hiring <b>leads</b>".into()),
            ("a.area_balance.own0.time_now", "5".into()),
            ("go", "next".into()),
        ]
    };
    let again = b.submit(&page, "/intake", &cells("90")).await;
    assert_eq!(again.asks().as_deref(), Some("area_balance"), "asked again");
    assert!(again.body.contains("add up to 155%, more than the whole"), "{}", again.body);
    assert!(again.body.contains(r#"name="a.area_balance.running.time_now" "#), "{}", again.body);
    assert!(
        again.body.contains(r#"value="90""#) && again.body.contains(r#"value="60""#),
        "kept: {}",
        again.body
    );
    assert!(
        again.body.contains("Hiring &lt;b&gt;leads&lt;/b&gt;") && !again.body.contains("<b>leads"),
        "as text"
    );
    let next = b.submit(&again, "/intake", &cells("30")).await;
    assert_eq!(next.asks().as_deref(), Some("budget"), "{}", next.body);
    // The grid rides whole in the pages after it, and reaches the report.
    let hidden: Vec<(String, String)> =
        next.hidden().into_iter().filter(|(k, _)| k == "a.area_balance").collect();
    let carried: serde_json::Value = serde_json::from_str(&hidden[0].1).unwrap();
    assert_eq!(carried["running"]["time_now"], 30);
    assert_eq!(carried["Hiring <b>leads</b>"]["time_now"], 5);
    let mut page = next;
    while let Some(id) = page.asks() {
        let mut fields = typed(&ruleset, &amara, &id);
        fields.push(("go", "next".into()));
        page = b.submit(&page, "/intake", &fields).await;
    }
    let report = b.submit(&page, "/intake", &[("go", "submit".into())]).await;
    assert!(report.body.contains("The balance of your time"), "{}", report.body);
    assert!(report.body.contains("Widest gap: Shaping what comes next, 60% of your time now, 70% wished."));
    assert!(report.body.contains("Hiring &lt;b&gt;leads&lt;/b&gt;") && !report.body.contains("<b>leads"));
}
