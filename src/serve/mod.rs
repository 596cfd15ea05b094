//! `crossroads serve`: the intake as web pages and a small JSON API, over the same three steps
//! as `ask` and `screen` (answers checked against the pack, `evaluate`, the report). Nothing
//! about coaching is here: the pages are built from the pack.

pub mod accounts;
mod api;
pub mod audit;
pub mod client;
mod erase;
pub mod form;
pub mod notify;
mod pages;
mod staff;
pub mod store;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use maud::Markup;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

use crate::engine::answers::{Answers, missing_required};
use crate::engine::model::{RuleSet, Severity};
use crate::engine::safety::{Partial, Safety, Urgency};
use crate::run::{EXIT_INVALID, EXIT_OK, EXIT_USAGE, Io, prepare};
use crate::util::diag::Sources;
use crate::util::i18n;
use form::Posted;
use pages::{Carried, Problem};
use store::Store;

pub struct ServeConfig {
    pub rules: crate::run::PackChoice,
    pub listen: String,
    pub store: Option<PathBuf>,
    /// Requests a second per client address, after a burst of [`BURST_SECONDS`] times as
    /// many; 0 turns the limit off.
    pub rate_limit: u32,
    /// The server sits behind a TLS proxy: cookies are sent only over HTTPS.
    pub behind_tls: bool,
    /// Submissions last changed longer ago than this many days are deleted.
    pub retain_days: Option<u32>,
    /// Where word of an urgent submission goes, beside the inbox's address.
    pub notify_webhook: Option<String>,
    pub notify_mail: Option<notify::Mail>,
    /// The address people reach this server at (`https://coach.example.org`); the
    /// notifications' link to the inbox is under it. Else the address it listens on.
    pub public_url: Option<String>,
    /// Proxies whose `X-Forwarded-For` names the client (their own address is not the client's).
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

/// The largest request body accepted: a whole intake with long free texts fits many times over.
const MAX_BODY: usize = 256 * 1024;
/// A request that takes longer is cut off (a slow client cannot hold a worker).
const TIMEOUT: Duration = Duration::from_secs(10);
/// Threads that do the work of requests. A request's work is bounded (body size, problems
/// listed), so these many at once stay well within memory; beyond them, work waits its turn.
const BLOCKING_THREADS: usize = 64;
/// A client may send this many seconds' worth of requests at once, then its rate. A person
/// answers a page every few seconds; a flood gets 429 and costs nothing more.
pub const BURST_SECONDS: u32 = 6;

pub struct App {
    pub ruleset: RuleSet,
    pub store: Option<Store>,
    /// Requests a second per client address (0: no limit).
    pub rate_limit: u32,
    pub behind_tls: bool,
    /// Failed logins per client address.
    pub addresses: accounts::Addresses,
    /// Sends word of urgent submissions, when the server was told where.
    pub notifier: Option<notify::Notifier>,
    pub proxies: client::Proxies,
}

impl App {
    /// An app with the default limits, no notifications and no trusted proxy.
    pub fn new(ruleset: RuleSet, store: Option<Store>) -> App {
        App {
            ruleset,
            store,
            rate_limit: 10,
            behind_tls: false,
            addresses: accounts::Addresses::default(),
            notifier: None,
            proxies: client::Proxies::default(),
        }
    }
}

pub fn serve(config: &ServeConfig, io: &mut Io) -> i32 {
    let mut sources = Sources::default();
    let ruleset = match prepare(&config.rules, None, &mut sources, io) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let addr: SocketAddr = match config.listen.parse() {
        Ok(a) => a,
        Err(_) => {
            let _ = writeln!(
                io.stderr,
                "error: --listen {}: not an address and port, such as 127.0.0.1:8080",
                config.listen
            );
            return EXIT_USAGE;
        }
    };
    // Several threads answer requests; the work of each runs on the blocking pool (`off_thread`),
    // so that one client's heavy requests cannot hold the threads that answer everyone else.
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()).max(2);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .max_blocking_threads(BLOCKING_THREADS)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            let _ = writeln!(io.stderr, "error: cannot start the server: {e}");
            return EXIT_INVALID;
        }
    };
    let listener = match runtime.block_on(tokio::net::TcpListener::bind(addr)) {
        Ok(l) => l,
        Err(e) => {
            let _ = writeln!(io.stderr, "error: cannot listen on {addr}: {e}");
            return EXIT_INVALID;
        }
    };
    let bound = listener.local_addr().map_or(addr, |a| a);
    let public = config.public_url.clone().unwrap_or_else(|| format!("http://{bound}"));
    let channels = notify::Channels {
        webhook: config.notify_webhook.clone(),
        mail: config.notify_mail.clone(),
        inbox: format!("{}/coach", public.trim_end_matches('/')),
    };
    let notifier = match notify::Notifier::new(channels) {
        Ok(n) => n,
        Err(e) => {
            let _ = writeln!(io.stderr, "error: {e}");
            return EXIT_USAGE;
        }
    };
    if notifier.is_some() && config.store.is_none() {
        let _ = writeln!(
            io.stderr,
            "error: notifications need --store: their outbox is kept with the submissions"
        );
        return EXIT_USAGE;
    }
    let store = match config.store.as_deref().map(Store::open).transpose() {
        Ok(s) => s,
        Err(e) => {
            let _ = writeln!(io.stderr, "error: {e}");
            return EXIT_INVALID;
        }
    };
    let app = Arc::new(App {
        rate_limit: config.rate_limit,
        behind_tls: config.behind_tls,
        notifier,
        proxies: client::Proxies::new(config.trusted_proxies.clone()),
        ..App::new(ruleset, store)
    });
    let _ = writeln!(
        io.stderr,
        "serving the intake on http://{bound}/ (Ctrl-C or SIGTERM stops, finishing requests in flight)"
    );
    if !bound.ip().is_loopback() {
        let _ = writeln!(
            io.stderr,
            "warning: listening beyond this machine without TLS: put a TLS proxy in front (see the README), answers are health data"
        );
    }
    match &config.store {
        Some(path) => {
            let _ = writeln!(
                io.stderr,
                "keeping submissions in {} (`crossroads screen` reads it)",
                store::shown(path)
            );
        }
        None => {
            let _ = writeln!(io.stderr, "no --store: nothing a person submits is kept");
        }
    }
    if let Some(notifier) = &app.notifier {
        let _ = writeln!(
            io.stderr,
            "urgent submissions are notified to {}",
            notifier.described(i18n::staff(None)).join(" and ")
        );
        runtime.spawn(notify::run(app.clone()));
    }
    if let (Some(days), Some(store)) = (config.retain_days, &app.store) {
        erase::retain(store, days, io.stderr);
        runtime.spawn(erase::retain_forever(app.clone(), days));
    }
    let served = runtime.block_on(async {
        axum::serve(listener, router(app).into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(stopped())
            .await
    });
    match served {
        Ok(()) => EXIT_OK,
        Err(e) => {
            let _ = writeln!(io.stderr, "error: the server stopped: {e}");
            EXIT_INVALID
        }
    }
}

/// Resolves on Ctrl-C or SIGTERM: the server then stops accepting and finishes what it has.
async fn stopped() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
}

/// Every route, behind the limits and headers that every response carries.
pub fn router(app: Arc<App>) -> Router {
    let csp = crate::report::render::html::content_security_policy(true);
    let headers = [
        (header::CONTENT_SECURITY_POLICY, csp.as_str()),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
        // Answers are health data: no cache keeps a page of them.
        (header::CACHE_CONTROL, "no-store"),
    ];
    let rate = app.rate_limit;
    let app_proxies = app.proxies.clone();
    let mut router = Router::new()
        .route("/", get(start))
        .route("/intake", post(intake))
        .route("/download", post(download))
        .route("/healthz", get(health))
        .merge(api::routes())
        .merge(staff::routes())
        .merge(erase::routes())
        .with_state(app);
    if rate > 0 {
        // Per client address (tower_governor); its memory of clients is swept every minute by
        // a thread that ends with the limiter.
        let config = tower_governor::governor::GovernorConfigBuilder::default()
            .key_extractor(app_proxies)
            .period((Duration::from_secs(1) / rate).max(Duration::from_nanos(1)))
            .burst_size(rate.saturating_mul(BURST_SECONDS))
            .finish()
            .expect("a non-zero period and burst");
        let limiter = Arc::downgrade(config.limiter());
        std::thread::spawn(move || {
            while let Some(l) = {
                std::thread::sleep(Duration::from_secs(60));
                limiter.upgrade()
            } {
                l.retain_recent();
            }
        });
        router = router.layer(tower_governor::GovernorLayer::new(config));
    }
    router = router
        .layer(RequestBodyLimitLayer::new(MAX_BODY))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, TIMEOUT));
    for (name, value) in headers {
        if let Ok(value) = HeaderValue::from_str(value) {
            router = router.layer(SetResponseHeaderLayer::overriding(name, value));
        }
    }
    router
}

/// Whether the server can do its work: `ok`, or 503 and why (its store is unavailable), for a
/// load balancer to send people elsewhere meanwhile.
async fn health(State(app): State<Arc<App>>) -> Response {
    off_thread(move || match &app.store {
        Some(store) => match store.with(|tx| tx.first("SELECT 1", &[])) {
            Ok(_) => "ok\n".into_response(),
            Err(e) => {
                (StatusCode::SERVICE_UNAVAILABLE, format!("the store is unavailable: {e}\n")).into_response()
            }
        },
        None => "ok\n".into_response(),
    })
    .await
}

/// 128 random bits in hex: ids and tokens nobody can guess.
pub(crate) fn random_id() -> String {
    let bytes: [u8; 16] = rand::random();
    crate::util::hex::hex(&bytes)
}

/// The pack language the browser prefers (Accept-Language), else the pack's default.
pub(crate) fn negotiate(ruleset: &RuleSet, headers: &HeaderMap) -> String {
    let default = ruleset.meta.languages[0].clone();
    let Some(accept) = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()) else {
        return default;
    };
    let mut wanted: Vec<(f32, &str)> = accept
        .split(',')
        .filter_map(|part| {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next()?.trim();
            let q =
                pieces.find_map(|p| p.trim().strip_prefix("q=")).and_then(|q| q.parse().ok()).unwrap_or(1.0);
            Some((q, tag.split('-').next().unwrap_or(tag)))
        })
        .collect();
    wanted.sort_by(|a, b| b.0.total_cmp(&a.0));
    wanted
        .iter()
        .find_map(|(_, tag)| ruleset.meta.languages.iter().find(|l| l.eq_ignore_ascii_case(tag)).cloned())
        .unwrap_or(default)
}

pub(crate) fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix(name)?.strip_prefix('='))
}

pub(crate) fn html(markup: Markup) -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], markup.into_string()).into_response()
}

/// Sets a cookie on `response`; `Secure` (HTTPS only) when the server sits behind TLS.
pub(crate) fn set_cookie(response: &mut Response, cookie: &str, secure: bool) {
    let cookie = if secure { format!("{cookie}; Secure") } else { cookie.to_string() };
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

/// A page whose forms carry the CSRF token, with the cookie they must match: the browser's
/// own, or a new one.
pub(crate) fn with_csrf(app: &App, headers: &HeaderMap, page: impl FnOnce(&str) -> Response) -> Response {
    let csrf = cookie(headers, "csrf").filter(|c| c.len() == 32).map_or_else(random_id, str::to_string);
    let mut response = page(&csrf);
    set_cookie(&mut response, &format!("csrf={csrf}; Path=/; HttpOnly; SameSite=Strict"), app.behind_tls);
    response
}

/// The first page: a fresh submission token, and the CSRF cookie that every form must match.
async fn start(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    with_csrf(&app, &headers, |csrf| {
        let token = random_id();
        let lang = negotiate(&app.ruleset, &headers);
        let carried = Carried { csrf, token: &token, lang: &lang };
        html(pages::start(&app.ruleset, &carried, app.store.is_some()))
    })
}

/// A posted form from this site: its CSRF field matches the cookie; else nothing is done.
pub(crate) fn checked(headers: &HeaderMap, body: &[u8]) -> Result<Posted, Box<Response>> {
    let posted = Posted::parse(body);
    match (cookie(headers, "csrf"), posted.one("csrf")) {
        (Some(a), Some(b)) if a.len() == 32 && a == b => Ok(posted),
        _ => Err(Box::new((StatusCode::FORBIDDEN, html(expired(&posted))).into_response())),
    }
}

fn expired(posted: &Posted) -> Markup {
    let lang = posted.one("lang").unwrap_or("en");
    let web = i18n::web(Some(lang));
    crate::report::render::html::page(
        lang,
        web.expired,
        maud::html! { p role="alert" { (web.expired) } a href="/" { (web.start) } },
        true,
    )
}

/// The language of a posted page: a switch asked for, else the one carried, if the pack has it.
pub(crate) fn language(ruleset: &RuleSet, posted: &Posted) -> String {
    let asked = posted.one("switch").or(posted.one("lang"));
    asked
        .and_then(|l| ruleset.meta.languages.iter().find(|x| *x == l).cloned())
        .unwrap_or_else(|| ruleset.meta.languages[0].clone())
}

/// Runs a request's work (parsing, checking, assessing, keeping) on the blocking pool, so
/// that no request, however heavy its body, holds a thread that answers the others.
pub(crate) async fn off_thread(work: impl FnOnce() -> Response + Send + 'static) -> Response {
    tokio::task::spawn_blocking(work).await.unwrap_or_else(|_| {
        (StatusCode::INTERNAL_SERVER_ERROR, "the request could not be handled; please try again\n")
            .into_response()
    })
}

async fn intake(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    off_thread(move || intake_step(&app, &headers, &body)).await
}

/// Every step of the intake: one handler, because the state travels in the form.
fn intake_step(app: &Arc<App>, headers: &HeaderMap, body: &[u8]) -> Response {
    let posted = match checked(headers, body) {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let ruleset = &app.ruleset;
    let read = form::answers(ruleset, &posted);
    let (answers, problems) = (&read.answers, &read.problems);
    let lang = language(ruleset, &posted);
    let token = posted.one("token").filter(|t| t.len() == 32).map_or_else(random_id, str::to_string);
    let csrf = posted.one("csrf").unwrap_or_default().to_string();
    let carried = Carried { csrf: &csrf, token: &token, lang: &lang };
    let at = posted.one("at").unwrap_or("start");
    let index = at.parse::<usize>().ok().filter(|&i| i < ruleset.questions.len());
    let shown = |i: usize| answers.is_shown(ruleset, i);
    let next_from = |from: usize| (from..ruleset.questions.len()).find(|&i| shown(i));
    let question = |i: usize, error: Option<Problem>| {
        html(pages::question(ruleset, &carried, answers, i, error, read.typed(i)))
    };
    let review_or = |i: Option<usize>| match i {
        Some(i) => question(i, None),
        None => html(pages::review(ruleset, &carried, answers)),
    };
    let go = posted.one("go").unwrap_or("");

    // Another language: the same page again, nothing checked.
    if posted.one("switch").is_some() {
        return match (at, index) {
            ("start", _) => html(pages::start(ruleset, &carried, app.store.is_some())),
            (_, Some(i)) => question(i, None),
            _ => review_or(None),
        };
    }
    // Safety before validity: a question answered more than once with a value that raises an
    // urgent flag shows the support first, whichever value was meant; then it is asked again.
    if matches!(go, "next" | "submit" | "resume")
        && let Some((urgent, q)) = urgent_alternative(ruleset, &read)
    {
        let a = crate::engine::evaluate::evaluate(ruleset, &urgent);
        let report = crate::report::build(ruleset, &a, &urgent, Some(&lang));
        return html(pages::support(ruleset, &carried, answers, &report, q));
    }
    match (go, index) {
        ("next", None) if at == "start" => review_or(next_from(0)),
        ("next", Some(i)) => {
            if let Some((_, problem)) = problems.iter().find(|(q, _)| *q == i) {
                return question(i, Some(Problem::Wrong(problem)));
            }
            if ruleset.questions[i].required && answers.values[i].is_none() {
                return question(i, Some(Problem::Missing));
            }
            // An answer that raises an urgent flag: the support first, with the choice to stop.
            let a = crate::engine::evaluate::evaluate(ruleset, answers);
            let urgent_here = a.flags.iter().any(|&f| {
                let flag = &ruleset.flags[f];
                let mut reads = vec![false; ruleset.questions.len()];
                crate::engine::condition::questions_read(ruleset, &flag.when, &mut reads);
                flag.severity == Severity::Urgent && reads[i]
            });
            if urgent_here {
                let report = crate::report::build(ruleset, &a, answers, Some(&lang));
                let resume = next_from(i + 1).unwrap_or(ruleset.questions.len());
                return html(pages::support(ruleset, &carried, answers, &report, resume));
            }
            review_or(next_from(i + 1))
        }
        ("back", Some(i)) => match (0..i).rev().find(|&j| shown(j)) {
            Some(j) => question(j, None),
            None => html(pages::start(ruleset, &carried, app.store.is_some())),
        },
        ("back", None) => review_or((0..ruleset.questions.len()).rev().find(|&j| shown(j))),
        ("resume", _) => review_or(index),
        ("stop", _) => {
            let a = crate::engine::evaluate::evaluate(ruleset, answers);
            let report = crate::report::build(ruleset, &a, answers, Some(&lang));
            html(pages::stopped(ruleset, &lang, &report))
        }
        ("submit", _) => submit(app, &carried, &read),
        (edit, _) if edit.starts_with("edit:") => {
            match edit[5..].parse::<usize>().ok().filter(|&i| i < ruleset.questions.len() && shown(i)) {
                Some(i) => question(i, None),
                None => review_or(None),
            }
        }
        _ => review_or(index),
    }
}

/// The answers with the first of a twice-answered question's values that raises an urgent
/// flag, and that question; `None` when no value given twice raises one. Only questions an
/// urgent flag reads are judged, each distinct value once (`form::MAX_ALTERNATIVES`).
fn urgent_alternative(ruleset: &RuleSet, read: &form::Read) -> Option<(Answers, usize)> {
    let safety = Safety::new(ruleset);
    let unreadable = vec![false; ruleset.questions.len()];
    read.alternatives.iter().filter(|(q, _)| safety.reads(*q)).find_map(|pair| {
        let alternatives = std::slice::from_ref(pair);
        let partial = Partial { values: &read.answers.values, unreadable: &unreadable, alternatives };
        let Urgency::Raised(_) = safety.judge(ruleset, &partial) else { return None };
        let mut values = read.answers.values.clone();
        values[pair.0] = Some(pair.1.clone());
        Some((Answers::settle(ruleset, values, None), pair.0))
    })
}

/// Submits: every answer must be there and right (else back to the first that is not); then
/// the report, and the answers kept when the server has a store.
fn submit(app: &Arc<App>, carried: &Carried<'_>, read: &form::Read) -> Response {
    let (ruleset, answers) = (&app.ruleset, &read.answers);
    if let Some((i, problem)) = read.problems.first() {
        let page =
            pages::question(ruleset, carried, answers, *i, Some(Problem::Wrong(problem)), read.typed(*i));
        return html(page);
    }
    if let Some(&i) = missing_required(ruleset, answers).first() {
        return html(pages::question(ruleset, carried, answers, i, Some(Problem::Missing), None));
    }
    let a = crate::engine::evaluate::evaluate(ruleset, answers);
    let notify = match (&app.notifier, a.urgent) {
        (Some(n), true) => n.channels(),
        _ => Vec::new(),
    };
    let kept = match &app.store {
        Some(store) => match store.insert(carried.token, ruleset, answers, &notify) {
            Ok(kept) => {
                if let (Some(n), false) = (&app.notifier, notify.is_empty()) {
                    n.wake.notify_one();
                }
                Some(kept)
            }
            // Never acknowledge what was not kept: the person is told, keeps every answer in the
            // page, and may send it again; help first when something urgent was said.
            Err(_) => {
                let report = crate::report::for_person(ruleset, &a, answers, Some(carried.lang));
                let page = pages::unkept(ruleset, carried, answers, &report);
                return (StatusCode::SERVICE_UNAVAILABLE, html(page)).into_response();
            }
        },
        None => None,
    };
    let report = crate::report::for_person(ruleset, &a, answers, Some(carried.lang));
    html(pages::report(ruleset, carried, answers, &report, kept.as_ref()))
}

async fn download(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    off_thread(move || download_now(&app, &headers, &body)).await
}

/// The person's downloads: the report as a page, or the answers file `evaluate` reads.
fn download_now(app: &App, headers: &HeaderMap, body: &[u8]) -> Response {
    let posted = match checked(headers, body) {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let ruleset = &app.ruleset;
    let lang = language(ruleset, &posted);
    let answers = Answers { language: Some(lang.clone()), ..form::answers(ruleset, &posted).answers };
    let (content_type, name, text) = if posted.one("what") == Some("answers") {
        ("application/yaml", "crossroads-answers.yaml", crate::engine::answers::document(ruleset, &answers))
    } else {
        let a = crate::engine::evaluate::evaluate(ruleset, &answers);
        let report = crate::report::for_person(ruleset, &a, &answers, Some(&lang));
        let mut page = Vec::new();
        let _ = crate::report::render::render(&report, crate::report::render::Format::Html, &mut page, false);
        ("text/html; charset=utf-8", "crossroads-report.html", String::from_utf8_lossy(&page).into_owned())
    };
    let disposition = format!("attachment; filename=\"{name}\"");
    ([(header::CONTENT_TYPE, content_type.to_string()), (header::CONTENT_DISPOSITION, disposition)], text)
        .into_response()
}
