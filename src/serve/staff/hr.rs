//! HR's view (`/hr`): the counts of `screen --audience hr` over the store's submissions,
//! released through the privacy accountant on per-person budgets, with the ledger kept in the
//! store where the `hr` role cannot reach it. HR chooses a grouping the pack allows and a level
//! of ε; the same question of the same submissions always gives the stored release.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use maud::html;

use super::{Visit, as_role, bar, html_page, log, posted, unavailable};
use crate::engine::evaluate::evaluate;
use crate::screen::hr::accountant::{Book, Refusal};
use crate::screen::hr::privacy;
use crate::screen::hr::report::HrReport;
use crate::screen::hr::{Grouping, Hr, release};
use crate::screen::{EPSILON_DEFAULT, EPSILON_LEVELS, MIN_GROUP};
use crate::serve::App;
use crate::serve::accounts::Role;
use crate::serve::client::Client;
use crate::serve::store::Store;
use crate::util::i18n::fill;

/// How the ledger is named in messages: it has no path HR could use.
const LEDGER: &str = "this server's ledger";

pub fn routes() -> Router<Arc<App>> {
    Router::new().route("/hr", get(form).post(report))
}

fn choices(app: &App, visit: &Visit, problem: Option<&str>) -> maud::Markup {
    let ruleset = &app.ruleset;
    let t = visit.t;
    html! {
        (bar(visit))
        h1 { (t.hr_title) }
        p { (fill(t.hr_intro, &[("min", &MIN_GROUP.to_string())])) }
        @if let Some(problem) = problem { p.problem role="alert" { (problem) } }
        form method="post" action="/hr" {
            input type="hidden" name="csrf" value=(visit.csrf);
            p {
                label for="group" { (t.group_by) } br;
                select #group name="group" {
                    option value="" { (t.group_nothing) }
                    @for &q in &ruleset.aggregates.grouping {
                        option value=(ruleset.questions[q].id) { (ruleset.questions[q].text.get(Some(t.lang))) }
                    }
                }
            }
            p {
                label for="epsilon" { (t.epsilon_label) } br;
                select #epsilon name="epsilon" {
                    @for level in EPSILON_LEVELS {
                        option value=(level) selected[level == EPSILON_DEFAULT] { (level) }
                    }
                }
            }
            p { button type="submit" { (t.show_counts) } }
        }
    }
}

async fn form(State(app): State<Arc<App>>, Client(address): Client, headers: HeaderMap) -> Response {
    as_role(app, headers, address, Role::Hr, |app, _, visit, _| {
        html_page(visit.t, visit.t.hr_title, choices(app, &visit, None))
    })
    .await
}

async fn report(
    State(app): State<Arc<App>>,
    Client(address): Client,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    as_role(app, headers, address, Role::Hr, move |app, headers, visit, store| {
        let form = match posted(headers, &body) {
            Ok(f) => f,
            Err(r) => return *r,
        };
        let ruleset = &app.ruleset;
        let group = form.one("group").unwrap_or_default();
        let grouping = match ruleset.aggregates.grouping.iter().find(|&&q| ruleset.questions[q].id == group) {
            Some(&q) => Grouping::Question(q),
            None if group.is_empty() => Grouping::None,
            None => {
                return refused(
                    app,
                    &visit,
                    &fill(visit.t.not_a_grouping, &[("group", &format!("{group:?}"))]),
                );
            }
        };
        let epsilon = match form.one("epsilon").unwrap_or_default().parse::<f64>().ok().map(privacy::level) {
            Some(Ok(e)) => e,
            _ => {
                let levels: Vec<String> = EPSILON_LEVELS.iter().map(f64::to_string).collect();
                return refused(app, &visit, &fill(visit.t.not_a_level, &[("levels", &levels.join(", "))]));
            }
        };
        let rows = match store.rows(ruleset, None) {
            Ok(r) => r,
            Err(e) => return unavailable(&e),
        };
        let mut hr = Hr::new(ruleset, grouping);
        for row in &rows {
            hr.add(None, &row.answers, &evaluate(ruleset, &row.answers));
        }
        let subject = format!("grouping {group:?}, ε = {epsilon}, {} submissions", rows.len());
        let given = match give(store, &hr, epsilon) {
            Ok(given) => given,
            Err(Refusal::Budget(_)) => {
                if let Err(r) = log(store, &visit, "HR release refused", &subject) {
                    return *r;
                }
                // The accountant's own words count the people past the cap, exactly: HR is
                // told only that the cap is reached.
                let cap = crate::screen::hr::accountant::BUDGET_DEFAULT.to_string();
                return refused(app, &visit, &fill(visit.t.past_the_cap, &[("cap", &cap)]));
            }
            Err(Refusal::Other(e)) => return unavailable(&e),
        };
        let action = if given.new { "HR release" } else { "HR release given again" };
        if let Err(r) = log(store, &visit, action, &subject) {
            return *r;
        }
        let mut table = hr.table(&given.counts, given.epsilon, MIN_GROUP, None);
        table.spent = Some((given.most_spent, given.cap));
        let t = visit.t;
        let (title, content) = HrReport::new(&hr, &table, MIN_GROUP, Some(t.lang)).html_content();
        html_page(t, &title, html! { (bar(&visit)) p { a href="/hr" { (t.another_report) } } (content) })
    })
    .await
}

fn refused(app: &App, visit: &Visit, message: &str) -> Response {
    (StatusCode::CONFLICT, html_page(visit.t, visit.t.hr_title, choices(app, visit, Some(message))))
        .into_response()
}

/// The release through the store's ledger, in one transaction that holds the ledger: two HR
/// readers at once, on one instance or two, cannot both draw.
fn give(store: &Store, hr: &Hr, epsilon: f64) -> Result<crate::screen::hr::accountant::Released, Refusal> {
    store.with(|tx| {
        tx.lock("hr ledger")?;
        let text = tx.first("SELECT text FROM hr_ledger WHERE id = 1", &[])?.map(|r| r.text(0));
        let mut book = Book::read(text.as_deref().unwrap_or(""), LEDGER)?;
        let given = release::give(&mut book, hr, epsilon, None, LEDGER)?;
        if book.changed() {
            let text = book.to_text().map_err(|e| Refusal::Other(e.to_string()))?;
            tx.execute(
                "INSERT INTO hr_ledger (id, text) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET text = $1",
                &[text.into()],
            )?;
        }
        Ok(given)
    })
}
