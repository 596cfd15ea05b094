//! `serve` in a real browser: Debian's Chromium driven over WebDriver (chromedriver and
//! fantoccini), against the real binary. Needs `chromium` and `chromium-driver` (`.ci/run`
//! installs them) and axe-core from npm (`npm install --prefix target/axe-core axe-core`,
//! which `.ci/run` runs). Screenshots of the key pages go to `target/browser-screenshots/`.

mod common;

use std::path::{Path, PathBuf};

use common::intake::{Person, fields};
use common::process::{Killed, start};
use crossroads::answers::Answer;
use crossroads::diag::Sources;
use crossroads::{Answers, RuleSet};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

fn axe_path() -> PathBuf {
    std::env::var("AXE_CORE_JS").map(PathBuf::from).unwrap_or_else(|_| {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("target/axe-core/node_modules/axe-core/axe.min.js")
    })
}

fn axe_source() -> String {
    let path = axe_path();
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "axe-core not found at {} ({e}): run `npm install --prefix target/axe-core axe-core`",
            path.display()
        )
    })
}

struct Session {
    client: Client,
    base: String,
    shots: PathBuf,
    axe: String,
}

impl Session {
    async fn shot(&self, name: &str) {
        let png = self.client.screenshot().await.unwrap();
        std::fs::create_dir_all(&self.shots).unwrap();
        std::fs::write(self.shots.join(format!("{name}.png")), png).unwrap();
    }

    async fn click(&self, css: &str) {
        let found = self.client.find(Locator::Css(css)).await;
        match found {
            Ok(element) => element.click().await.unwrap(),
            Err(e) => {
                let source = self.source().await;
                let main = source.split("<main>").nth(1).unwrap_or(&source);
                panic!("{css}: {e}\non the page: {main}")
            }
        }
    }

    /// Clicks a button that posts the form, and waits for the page it leads to to be loaded:
    /// the old page's mark gone and the new one complete (a click does not wait for that).
    async fn go(&self, css: &str) {
        self.client.execute("window.crossroadsOld = true; return true;", vec![]).await.unwrap();
        self.click(css).await;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
        loop {
            let ready = self
                .client
                .execute(
                    "return window.crossroadsOld !== true && document.readyState === 'complete';",
                    vec![],
                )
                .await;
            if matches!(ready, Ok(serde_json::Value::Bool(true))) {
                return;
            }
            assert!(std::time::Instant::now() < deadline, "{css}: no new page within 15 s");
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    async fn source(&self) -> String {
        self.client.source().await.unwrap()
    }

    /// The question the page asks (its field's name without `a.`), if it asks one.
    async fn asks(&self) -> Option<String> {
        let fields = self.client.find_all(Locator::Css("fieldset input, fieldset textarea")).await.unwrap();
        let first = fields.first()?;
        // A grid's cells are `a.question.row.column`.
        let name = first.attr("name").await.unwrap()?;
        Some(name.trim_start_matches("a.").split('.').next().unwrap_or_default().to_string())
    }

    /// Gives `answer` to `id` as a person would: clicking choices, typing text.
    async fn answer(&self, ruleset: &RuleSet, id: &str, answer: Option<&Answer>) {
        let q = &ruleset.questions[ruleset.question(id).unwrap()];
        if let Some(Answer::Text(t)) = answer {
            let area = self.client.find(Locator::Css("textarea")).await.unwrap();
            area.clear().await.unwrap();
            area.send_keys(t).await.unwrap();
            return;
        }
        // A grid is typed into its table, cell by cell, the person's own areas named first.
        if let (crossroads::model::Kind::Grid(grid), Some(Answer::Grid(rows))) = (&q.kind, answer) {
            let mut own = 0;
            for row in rows {
                let prefix = if grid.rows.iter().any(|r| r.value == row.name) {
                    format!("a.{id}.{}", row.name)
                } else {
                    let name = crossroads::serve::form::own_field(q, own);
                    own += 1;
                    self.client
                        .find(Locator::Css(&format!("input[name='{name}']")))
                        .await
                        .unwrap()
                        .send_keys(&row.name)
                        .await
                        .unwrap();
                    name
                };
                for (c, v) in grid.columns.iter().zip(&row.values) {
                    if let Some(v) = v {
                        let css = format!("input[name='{prefix}.{}']", c.id);
                        self.client
                            .find(Locator::Css(&css))
                            .await
                            .unwrap()
                            .send_keys(&v.to_string())
                            .await
                            .unwrap();
                    }
                }
            }
            return;
        }
        let values = answer.map(|a| crossroads::serve::form::strings(q, a)).unwrap_or_default();
        for v in values {
            self.click(&format!("input[name='a.{id}'][value='{v}']")).await;
        }
    }

    /// axe-core on the page as it is: the serious and critical violations, by rule id.
    async fn violations(&self) -> Vec<String> {
        self.client.execute(&format!("{};return true;", self.axe), vec![]).await.unwrap();
        let result = self
            .client
            .execute("return axe.run(document, {resultTypes: ['violations']});", vec![])
            .await
            .unwrap();
        result["violations"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
            .map(|v| format!("{}: {}", v["id"], v["help"]))
            .collect()
    }

    /// The page fits the window: nothing wider than it (no sideways scroll), and the text of
    /// its charts no smaller than its body text (drawings hold no text, which would shrink
    /// with them).
    async fn assert_fits(&self, page: &str) {
        let measured = self
            .client
            .execute(
                "const body = parseFloat(getComputedStyle(document.body).fontSize);\
                 const sizes = [...document.querySelectorAll('figure *')]\
                   .filter(e => [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))\
                   .map(e => parseFloat(getComputedStyle(e).fontSize));\
                 const over = [...document.querySelectorAll('body *')]\
                   .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)\
                   .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')\
                        + ' ' + Math.round(e.getBoundingClientRect().right) + 'px');\
                 return [document.documentElement.scrollWidth, window.innerWidth, body,\
                         Math.min(body, ...sizes), document.querySelectorAll('svg text').length,\
                         over.slice(0, 8).join(', ')];",
                vec![],
            )
            .await
            .unwrap();
        let n = |i: usize| measured[i].as_f64().unwrap();
        assert!(
            n(0) <= n(1),
            "{page}: {} px wide in a {} px window; past its edge: {}",
            n(0),
            n(1),
            measured[5]
        );
        assert!(n(3) >= n(2), "{page}: chart text of {} px, body text {} px", n(3), n(2));
        assert_eq!(n(4), 0.0, "{page}: text inside a drawing");
    }

    /// The page fits phones of 320 and 390 px (and is looked at there), then the window is
    /// a desktop's again.
    async fn assert_fits_phones(&self, page: &str, shot: &str) {
        for width in [320, 390] {
            self.client.set_window_size(width, 800).await.unwrap();
            self.assert_fits(&format!("{page} at {width} px")).await;
            self.shot(&format!("{shot}-{width}")).await;
        }
        self.client.set_window_size(1280, 900).await.unwrap();
    }

    async fn assert_accessible(&self, page: &str) {
        let found = self.violations().await;
        assert!(found.is_empty(), "{page}: axe-core finds {found:?}");
    }
}

/// Answers as the persona in crisis, page by page, up to the support her self-harm answer brings.
async fn answer_as_eli_up_to_support(s: &Session, ruleset: &RuleSet) {
    let eli = persona(ruleset, "crisis-self-harm");
    loop {
        let id = s.asks().await.expect("a question before the support");
        let i = ruleset.question(&id).unwrap();
        s.answer(ruleset, &id, eli.values[i].as_ref()).await;
        s.go("button[name='go'][value='next']").await;
        if id == "self_harm" {
            return;
        }
    }
}

/// Fills the intake with `answers` through the pages, carrying on past support, up to review;
/// with `fits`, checking that every page fits the window.
async fn fill_in(s: &Session, ruleset: &RuleSet, answers: &Answers, fits: bool) {
    for _ in 0..(2 * ruleset.questions.len()) {
        let source = s.source().await;
        if source.contains(r#"value="submit""#) {
            return;
        }
        if source.contains(r#"value="resume""#) {
            s.go("button[value='resume']").await;
            continue;
        }
        let id = s.asks().await.expect("a question or the review");
        if fits {
            s.assert_fits(&id).await;
        }
        let i = ruleset.question(&id).unwrap();
        s.answer(ruleset, &id, answers.values[i].as_ref()).await;
        s.go("button[name='go'][value='next']").await;
    }
    panic!("the review was never reached");
}

fn persona(ruleset: &RuleSet, name: &str) -> Answers {
    let mut sources = Sources::default();
    common::personas(ruleset, &mut sources)
        .into_iter()
        .find(|(p, _)| p.ends_with(name))
        .unwrap_or_else(|| panic!("no persona {name}"))
        .1
}

/// Whether the browser and its driver are here. A machine without them (a new user's) skips
/// this test and says so loudly; under `CI=true` their absence fails it, so CI never skips
/// silently.
fn browser_present() -> bool {
    let lacking: Vec<&str> = ["chromium", "chromedriver"]
        .into_iter()
        .filter(|tool| {
            !std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
                .any(|d| runnable(&d.join(tool)))
        })
        .collect();
    let axe = axe_path();
    let mut missing: Vec<String> = lacking.iter().map(|t| format!("`{t}`")).collect();
    if !axe.is_file() {
        missing.push(format!("axe-core ({})", axe.display()));
    }
    if missing.is_empty() {
        return true;
    }
    let why = format!(
        "the browser test needs {}, which this machine lacks. Install Debian's `chromium` and \
         `chromium-driver` and run `npm install --prefix target/axe-core axe-core@4.14.1` \
         (`bash .ci/run` does all three), then `cargo test --test browser`",
        missing.join(", ")
    );
    common::skip(&why);
    false
}

/// `crossroads serve` on a free port with `args`, started in `dir`, and the address it serves.
fn serve_at(dir: &Path, args: &[&str]) -> (Killed, String) {
    let mut all = vec!["serve", "--listen", "127.0.0.1:0"];
    all.extend_from_slice(args);
    let (server, line) = start(env!("CARGO_BIN_EXE_crossroads"), &all, dir, "serving the intake on", false);
    let base = line.split("on ").nth(1).unwrap().split(' ').next().unwrap().trim_end_matches('/').to_string();
    (server, base)
}

/// Headless Chromium through chromedriver, both started in `dir`: a session on `base` in a
/// window of `window` ("width,height"), saving downloads into `downloads` if given. The driver
/// lives as long as the process returned.
async fn chromium(dir: &Path, base: String, window: &str, downloads: Option<&Path>) -> (Killed, Session) {
    let (driver, line) = start("chromedriver", &["--port=0"], dir, "started successfully on port", true);
    let port: u16 = line.rsplit(' ').next().unwrap().trim_end_matches('.').parse().unwrap();
    let profile = dir.join("profile");
    let mut options = json!({
        "binary": "/usr/bin/chromium",
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", format!("--window-size={window}"),
                 format!("--user-data-dir={}", profile.display())],
    });
    if let Some(downloads) = downloads {
        options["prefs"] = json!({"download.default_directory": downloads.to_str().unwrap(), "download.prompt_for_download": false});
    }
    let mut caps = serde_json::Map::new();
    caps.insert("goog:chromeOptions".into(), options);
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let client = ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("a WebDriver session in Chromium");
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/browser-screenshots");
    (driver, Session { client, base, shots, axe: axe_source() })
}

/// A file that runs: present, a regular file (or a link to one) with an execute bit, and not
/// empty (a binary hidden by bind-mounting `/dev/null` over it is none of these).
fn runnable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() > 0 && m.permissions().mode() & 0o111 != 0)
}

#[test]
fn a_person_fills_the_intake_in_chromium_and_the_coach_screens_the_store() {
    if !browser_present() {
        return;
    }
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("responses.sqlite");
    let downloads = dir.path().join("downloads");
    std::fs::create_dir_all(&downloads).unwrap();
    let (_server, base) = serve_at(dir.path(), &["--store", store.to_str().unwrap()]);
    runtime.block_on(async {
        let (_driver, s) = chromium(dir.path(), base, "420,900", Some(&downloads)).await;
        let ruleset = common::default_pack(&mut Sources::default());

        // 1. The whole intake, with a change on the way back, then the report.
        let amara = persona(&ruleset, "ready-senior-leader");
        s.client.goto(&format!("{}/", s.base)).await.unwrap();
        s.shot("start").await;
        s.assert_accessible("start").await;
        s.go("button[name='go'][value='next']").await;
        assert_eq!(s.asks().await.as_deref(), Some("your_name"));
        s.shot("your-name").await;
        s.assert_accessible("the name, optional").await;
        // The name and the e-mail address are optional: Next goes on without them.
        s.go("button[name='go'][value='next']").await;
        s.go("button[name='go'][value='next']").await;
        assert_eq!(s.asks().await.as_deref(), Some("help_with"));
        // Next without an answer: the error is announced, and the page stays accessible.
        s.go("button[name='go'][value='next']").await;
        assert!(s.source().await.contains(r#"role="alert""#));
        s.shot("question-error").await;
        s.assert_accessible("a question with an error").await;
        s.answer(&ruleset, "help_with", Some(&Answer::Choice(0))).await;
        s.go("button[name='go'][value='next']").await;
        s.go("button[name='go'][value='back']").await;
        assert_eq!(s.asks().await.as_deref(), Some("help_with"), "back to the question before");
        let checked = s.client.find(Locator::Css("input[name='a.help_with']:checked")).await.unwrap();
        assert_eq!(checked.attr("value").await.unwrap().as_deref(), Some("technical"), "the answer was kept");
        // Changed on the way back: the persona's own answer this time.
        let i = ruleset.question("help_with").unwrap();
        s.answer(&ruleset, "help_with", amara.values[i].as_ref()).await;
        s.go("button[name='go'][value='next']").await;
        fill_in(&s, &ruleset, &amara, false).await;
        s.shot("review").await;
        s.assert_accessible("review").await;
        s.go("button[value='submit']").await;
        let report = s.source().await;
        s.shot("report").await;
        s.assert_accessible("report").await;
        let expected = common::report_text(&ruleset, &amara, crossroads::render::Format::Html);
        let heading = regex::Regex::new(r"<h2>What fits you now: [^<]*</h2>").unwrap();
        assert_eq!(heading.find(&report).map(|m| m.as_str()), heading.find(&expected).map(|m| m.as_str()));

        // The answers file downloaded from the page gives the same report with `evaluate`.
        s.click("button[value='answers']").await;
        let file = downloads.join("crossroads-answers.yaml");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while !file.exists() && std::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let out = common::crossroads(&["evaluate", file.to_str().unwrap(), "--format", "html"], dir.path());
        let evaluated = common::text(&out.stdout);
        assert_eq!(heading.find(&evaluated).map(|m| m.as_str()), heading.find(&report).map(|m| m.as_str()));

        // 2. French, from the switch, keeping what was answered.
        s.client.goto(&format!("{}/", s.base)).await.unwrap();
        s.go("button[name='switch']").await;
        let source = s.source().await;
        assert!(source.contains(r#"<html lang="fr">"#) && source.contains("Commencer"), "{source}");
        s.assert_accessible("start, in French").await;

        // 3. The urgent path: support next, and the person stops there.
        s.go("button[name='go'][value='next']").await;
        answer_as_eli_up_to_support(&s, &ruleset).await;
        let support = s.source().await;
        assert!(support.contains(r#"value="stop""#) && support.contains("3114"), "the support, in French");
        s.shot("support").await;
        s.assert_accessible("support").await;
        s.go("button[value='stop']").await;
        assert!(s.asks().await.is_none(), "nothing more is asked");
        s.shot("stopped").await;
        s.client.close().await.unwrap();
    });

    // The store holds exactly the one submission made.
    let out = common::crossroads(&["screen", store.to_str().unwrap()], dir.path());
    let stderr = common::text(&out.stderr);
    assert!(stderr.contains("1 assessed, 0 rejected"), "{stderr}");
}

/// On a phone (320 and 390 px wide) every page of the intake, the review and the report fit the
/// screen, their charts' words as large as the rest; the urgent path's support page too.
#[test]
fn every_page_of_the_intake_fits_a_phone() {
    if !browser_present() {
        return;
    }
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (_server, base) = serve_at(dir.path(), &[]);
    runtime.block_on(async {
        let (_driver, s) = chromium(dir.path(), base, "320,800", None).await;
        let ruleset = common::default_pack(&mut Sources::default());
        // Her own areas in the grid, so the balance picture is drawn on the report.
        let ana = persona(&ruleset, "balance-of-her-own-areas");
        s.client.goto(&format!("{}/", s.base)).await.unwrap();
        s.assert_fits("start").await;
        s.go("button[name='go'][value='next']").await;
        fill_in(&s, &ruleset, &ana, true).await;
        s.assert_fits("review").await;
        s.go("button[value='submit']").await;
        assert!(s.source().await.contains("figure class=\"balance\""), "the balance picture is drawn");
        for width in [320, 390] {
            s.client.set_window_size(width, 800).await.unwrap();
            s.assert_fits(&format!("report at {width} px")).await;
            s.shot(&format!("report-{width}")).await;
        }
        // The support page, on the urgent path.
        s.client.set_window_size(320, 800).await.unwrap();
        s.client.goto(&format!("{}/", s.base)).await.unwrap();
        s.go("button[name='go'][value='next']").await;
        answer_as_eli_up_to_support(&s, &ruleset).await;
        s.assert_fits("support").await;
        assert!(s.source().await.contains("href=\"tel:988\""), "a number a phone can call");
        s.shot("support-320").await;
        s.client.close().await.unwrap();
    });
}

/// The organisation's pages in Chromium: a coach signs in, sees the urgent submission first,
/// opens it and marks the person contacted; HR signs in and sees counts only; the admin sees
/// the trail of all of it. Every page passes axe-core.
#[test]
fn a_coach_hr_and_an_admin_do_their_work_in_chromium() {
    if !browser_present() {
        return;
    }
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("responses.sqlite");
    let (_server, base) = serve_at(dir.path(), &["--store", store.to_str().unwrap(), "--rate-limit", "0"]);
    let password = "correct horse battery staple";
    for (name, role) in [("ana", "coach"), ("hal", "hr"), ("ada", "admin")] {
        common::add_account(dir.path(), &store, name, role, password);
    }
    let server: std::net::SocketAddr = base.trim_start_matches("http://").parse().unwrap();
    let ruleset = common::default_pack(&mut Sources::default());
    let calm = persona(&ruleset, "wants-tactics");
    for changes in [&[][..], &[("self_harm", &["true"][..]), ("your_name", &["Dana Whitfield"][..])][..]] {
        let page = Person::arrive(server).post(&fields(&ruleset, &calm, changes), "submit");
        assert_eq!(page.status, 200);
    }
    runtime.block_on(async {
        let (_driver, s) = chromium(dir.path(), base, "1280,900", None).await;
        let sign_in = |name: &'static str| {
            let s = &s;
            async move {
                s.client.goto(&format!("{}/login", s.base)).await.unwrap();
                s.client.find(Locator::Css("#name")).await.unwrap().send_keys(name).await.unwrap();
                s.client.find(Locator::Css("#password")).await.unwrap().send_keys(password).await.unwrap();
                s.go("button[type='submit']").await;
            }
        };
        s.client.goto(&format!("{}/login", s.base)).await.unwrap();
        s.shot("login").await;
        s.assert_accessible("the sign-in page").await;
        s.assert_fits_phones("the sign-in page", "login").await;
        s.client.goto(&format!("{}/erase", s.base)).await.unwrap();
        s.shot("erase").await;
        s.assert_accessible("the page to delete one's answers").await;
        s.assert_fits_phones("the page to delete one's answers", "erase").await;

        // The coach: the urgent submission first, opened, marked contacted.
        sign_in("ana").await;
        let inbox = s.source().await;
        assert!(inbox.contains("1 urgent: reach them first"), "{inbox}");
        let first = s.client.find(Locator::Css("tbody tr")).await.unwrap().text().await.unwrap();
        assert!(first.contains("Urgent") && first.contains("Support first"), "{first}");
        assert!(first.contains("Dana Whitfield"), "the respondent, by name: {first}");
        s.shot("inbox").await;
        s.assert_accessible("the inbox").await;
        s.assert_fits_phones("the inbox", "inbox").await;
        s.go("tbody tr:first-child a").await;
        assert!(s.source().await.contains("Please reach out for support now"));
        s.shot("coach-report").await;
        s.assert_accessible("a report in the inbox").await;
        s.assert_fits_phones("a report in the inbox", "coach-report").await;
        s.go("form[action$='/contacted'] button").await;
        assert!(s.source().await.contains("Marked contacted by ana"));
        s.go("nav.staff button").await;

        // HR: counts only.
        sign_in("hal").await;
        s.assert_accessible("HR's choices").await;
        s.assert_fits_phones("HR's choices", "hr-choices").await;
        s.go("form[action='/hr'] button").await;
        let counts = s.source().await;
        assert!(counts.contains("Counts only") && !counts.contains("/coach/"), "{counts}");
        s.shot("hr-counts").await;
        s.assert_accessible("HR's counts").await;
        s.assert_fits_phones("HR's counts", "hr-counts").await;
        s.client.goto(&format!("{}/coach", s.base)).await.unwrap();
        assert!(s.source().await.contains("Not for your account"), "HR cannot open the inbox");
        s.client.goto(&format!("{}/hr", s.base)).await.unwrap();
        s.go("nav.staff button").await;

        // The admin: the trail of all of it.
        sign_in("ada").await;
        let trail = s.source().await;
        for action in ["marked contacted", "opened a report", "HR release", "logout"] {
            assert!(trail.contains(action), "{action}: {trail}");
        }
        s.shot("admin").await;
        s.assert_accessible("the audit trail").await;
        s.assert_fits_phones("the audit trail", "admin").await;

        // In French, from the switch on the bar: every page after it.
        s.go("nav.staff a[href^='/language']").await;
        let page = s.source().await;
        assert!(page.contains("Journal d'audit") && page.contains("lang=\"fr\""), "{page}");
        s.shot("admin-fr").await;
        s.assert_accessible("the admin's page in French").await;
        s.go("nav.staff button").await;
        assert!(s.source().await.contains("Se connecter"));
        s.assert_accessible("the sign-in page in French").await;
        sign_in("ana").await;
        assert!(s.source().await.contains("Boîte de réception"));
        s.shot("inbox-fr").await;
        s.assert_accessible("the inbox in French").await;
        s.go("tbody tr:first-child a").await;
        let report = s.source().await;
        assert!(report.contains("Envoyé le") && report.contains("lang=\"fr\""), "{report}");
        s.assert_accessible("a report in the inbox, in French").await;
        s.go("nav.staff button").await;
        sign_in("hal").await;
        s.go("form[action='/hr'] button").await;
        assert!(s.source().await.contains("Un autre rapport"));
        s.shot("hr-counts-fr").await;
        s.assert_accessible("HR's counts in French").await;
        s.client.close().await.unwrap();
    });
}
