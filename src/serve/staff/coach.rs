//! The coach's inbox (`/coach`): every submission, urgent ones first until a coach marks the
//! person contacted, each opening the person's report; and the same list as CSV.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use maud::html;

use super::{Visit, as_role, bar, html_page, log, posted, see_other, table, unavailable};
use crate::engine::evaluate::evaluate;
use crate::engine::model::RuleSet;
use crate::serve::App;
use crate::serve::accounts::Role;
use crate::serve::client::Client;
use crate::serve::store::{Row, when};
use crate::util::i18n::{Staff, fill};

pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/coach", get(inbox))
        .route("/coach/inbox.csv", get(download))
        .route("/coach/submission/{id}", get(one))
        .route("/coach/submission/{id}/contacted", post(contacted))
}

/// A submission as the inbox lists it.
struct Entry {
    id: String,
    at: i64,
    /// Who the answers say the person is (the pack's respondent questions), if anyone.
    who: Option<String>,
    /// Any revision of it raised an urgent flag.
    urgent: bool,
    /// What the filter goes by, the same in every language: `support` (support first),
    /// `none`, or the recommended modality's id.
    outcome: String,
    /// The outcome in the page's language.
    recommendation: String,
    readiness: String,
    contacted: Option<(String, i64)>,
}

impl Entry {
    fn of(ruleset: &RuleSet, row: Row, t: &Staff) -> Entry {
        let a = evaluate(ruleset, &row.answers);
        let urgent = a.urgent || row.earlier.iter().any(|e| evaluate(ruleset, e).urgent);
        let report = crate::report::build(ruleset, &a, &row.answers, Some(t.lang));
        let (outcome, recommendation) = match (report.urgent, a.primary) {
            (true, _) => ("support".to_string(), t.support_first.to_string()),
            (false, Some(m)) => (
                ruleset.modalities[m].id.clone(),
                report.recommendation.primary_name.clone().unwrap_or_default(),
            ),
            (false, None) => ("none".to_string(), t.none_yet.to_string()),
        };
        let readiness = report.readiness.and_then(|r| r.band_label).unwrap_or_default();
        let who = row.answers.respondent.clone();
        Entry {
            id: row.id,
            at: row.revised_at,
            who,
            urgent,
            outcome,
            recommendation,
            readiness,
            contacted: row.contacted,
        }
    }

    /// Waiting for a call: urgent and nobody has marked them contacted.
    fn waiting(&self) -> bool {
        self.urgent && self.contacted.is_none()
    }
}

/// The filters a coach may set: since a date, and one outcome; and the page of the list.
#[derive(serde::Deserialize, Default)]
pub struct Filter {
    since: Option<String>,
    outcome: Option<String>,
    /// From 1.
    page: Option<usize>,
}

/// Submissions a page of the inbox lists: a screenful of rows to scan, and a page that stays
/// light however many there are.
const PER_PAGE: usize = 50;

/// Every outcome in the store, as the filter offers them: its id, and its words.
type Outcomes = Vec<(String, String)>;

/// The entries, waiting ones first, then newest first, after the filter.
fn entries(
    app: &App,
    store: &crate::serve::store::Store,
    filter: &Filter,
    t: &Staff,
) -> Result<(Vec<Entry>, Outcomes), String> {
    let rows = store.rows(&app.ruleset, None)?;
    let mut list: Vec<Entry> = rows.into_iter().map(|row| Entry::of(&app.ruleset, row, t)).collect();
    // Every outcome there is, for the filter's choices, before the filter narrows the list.
    let outcomes: std::collections::BTreeMap<String, String> =
        list.iter().map(|e| (e.outcome.clone(), e.recommendation.clone())).collect();
    let since = filter.since.as_deref().filter(|s| !s.is_empty());
    list.retain(|e| since.is_none_or(|s| when(e.at).as_str() >= s));
    if let Some(outcome) = filter.outcome.as_deref().filter(|o| !o.is_empty()) {
        list.retain(|e| e.outcome == outcome || (outcome == "urgent" && e.urgent));
    }
    list.sort_by_key(|e| (!e.waiting(), std::cmp::Reverse(e.at)));
    Ok((list, outcomes.into_iter().collect()))
}

async fn inbox(
    State(app): State<Arc<App>>,
    Client(address): Client,
    headers: HeaderMap,
    Query(filter): Query<Filter>,
) -> Response {
    as_role(app, headers, address, Role::Coach, move |app, _, visit, store| {
        let t = visit.t;
        let (list, outcomes) = match entries(app, store, &filter, t) {
            Ok(l) => l,
            Err(e) => return unavailable(&e),
        };
        if let Err(r) = log(store, &visit, "opened the inbox", &format!("{} submissions", list.len())) {
            return *r;
        }
        let waiting = list.iter().filter(|e| e.waiting()).count();
        let chosen = filter.outcome.as_deref().unwrap_or_default();
        let pages = list.len().div_ceil(PER_PAGE).max(1);
        let page = filter.page.unwrap_or(1).clamp(1, pages);
        let shown = &list[(page - 1) * PER_PAGE..(page * PER_PAGE).min(list.len())];
        // The other pages keep the filters.
        let link = |to: usize| {
            let mut query = form_urlencoded::Serializer::new(String::new());
            for (key, value) in [("since", &filter.since), ("outcome", &filter.outcome)] {
                if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
                    query.append_pair(key, v);
                }
            }
            query.append_pair("page", &to.to_string());
            format!("/coach?{}", query.finish())
        };
        html_page(
            t,
            t.inbox,
            html! {
                (bar(&visit))
                h1 { (t.inbox) }
                @if waiting > 0 {
                    p.urgent role="alert" { (fill(t.waiting, &[("n", &waiting.to_string())])) }
                }
                form method="get" action="/coach" {
                    label for="since" { (t.since) } " "
                    input #since type="text" name="since" value=(filter.since.clone().unwrap_or_default()) pattern="[0-9]{4}-[0-9]{2}-[0-9]{2}";
                    " " label for="outcome" { (t.outcome) } " "
                    select #outcome name="outcome" {
                        option value="" { (t.any) }
                        option value="urgent" selected[chosen == "urgent"] { (t.urgent) }
                        @for (id, label) in &outcomes { option value=(id) selected[chosen == id] { (label) } }
                    }
                    " " button type="submit" { (t.show) }
                    " " a href="/coach/inbox.csv" { (t.download_csv) }
                }
                @if list.is_empty() { p { (t.no_submissions) } } @else {
                    (table(
                        t.submissions,
                        &[t.submitted, t.who, t.urgent, t.recommendation, t.readiness, t.contacted, t.report],
                        shown
                            .iter()
                            .map(|e| {
                                (e.waiting(), vec![
                                    html! { time { (when(e.at)) } },
                                    html! { (e.who.as_deref().unwrap_or(t.not_given)) },
                                    html! { @if e.urgent { strong { (t.urgent) } } },
                                    html! { (e.recommendation) },
                                    html! { (e.readiness) },
                                    html! { @if let Some((by, at)) = &e.contacted { (by) ", " (when(*at)) } },
                                    html! { a href={ "/coach/submission/" (e.id) } { (t.open) span.visually-hidden { (fill(t.open_which, &[("when", &when(e.at))])) } } },
                                ])
                            })
                            .collect(),
                    ))
                    @if pages > 1 {
                        nav aria-label=(t.pages_of_inbox) {
                            p {
                                (fill(t.page_of, &[("page", &page.to_string()), ("pages", &pages.to_string()), ("n", &list.len().to_string())])) " "
                                @if page > 1 { a href=(link(page - 1)) { (t.newer) } " " }
                                @if page < pages { a href=(link(page + 1)) { (t.older) } }
                            }
                        }
                    }
                }
            },
        )
    })
    .await
}

async fn one(
    State(app): State<Arc<App>>,
    Client(address): Client,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    as_role(app, headers, address, Role::Coach, move |app, _, visit, store| {
        let row = match store.rows(&app.ruleset, Some(&id)) {
            Ok(mut rows) => rows.pop(),
            Err(e) => return unavailable(&e),
        };
        let Some(row) = row else {
            let t = visit.t;
            let page = html! { h1 { (t.no_such_submission) } a href="/coach" { (t.the_inbox) } };
            return (StatusCode::NOT_FOUND, html_page(t, t.not_found, page)).into_response();
        };
        if let Err(r) = log(store, &visit, "opened a report", &row.id) {
            return *r;
        }
        page_of(app, &visit, row)
    })
    .await
}

fn page_of(app: &App, visit: &Visit, row: Row) -> Response {
    let ruleset = &app.ruleset;
    let a = evaluate(ruleset, &row.answers);
    let earlier_urgent = row.earlier.iter().any(|e| evaluate(ruleset, e).urgent);
    let t = visit.t;
    let report = crate::report::build(ruleset, &a, &row.answers, Some(t.lang));
    html_page(
        t,
        t.persons_report,
        html! {
            (bar(visit))
            p { a href="/coach" { (t.the_inbox) } }
            h1 {
                (fill(t.submitted_at, &[("when", &when(row.revised_at))]))
                @if let Some(who) = &row.answers.respondent { (fill(t.submitted_by, &[("who", who)])) }
            }
            @if earlier_urgent && !a.urgent {
                p.urgent role="alert" { (t.earlier_urgent) }
            }
            @match &row.contacted {
                Some((by, at)) => p { (fill(t.marked_contacted, &[("by", by), ("when", &when(*at))])) },
                None => form method="post" action={ "/coach/submission/" (row.id) "/contacted" } {
                    input type="hidden" name="csrf" value=(visit.csrf);
                    button type="submit" { (t.mark_contacted) }
                },
            }
            (crate::report::render::html::body(&report))
        },
    )
}

async fn contacted(
    State(app): State<Arc<App>>,
    Client(address): Client,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    as_role(app, headers, address, Role::Coach, move |_, headers, visit, store| {
        if let Err(r) = posted(headers, &body) {
            return *r;
        }
        match store.contacted(&id, &visit.account.name) {
            Ok(true) => match log(store, &visit, "marked contacted", &id) {
                Ok(()) => see_other(&format!("/coach/submission/{id}")),
                Err(r) => *r,
            },
            Ok(false) => StatusCode::NOT_FOUND.into_response(),
            Err(e) => unavailable(&e),
        }
    })
    .await
}

async fn download(State(app): State<Arc<App>>, Client(address): Client, headers: HeaderMap) -> Response {
    as_role(app, headers, address, Role::Coach, move |app, _, visit, store| {
        // The CSV is for programs and spreadsheets: English, whatever the page's language.
        let (list, _) = match entries(app, store, &Filter::default(), crate::util::i18n::staff(None)) {
            Ok(l) => l,
            Err(e) => return unavailable(&e),
        };
        if let Err(r) = log(store, &visit, "downloaded the inbox", &format!("{} submissions", list.len())) {
            return *r;
        }
        let cell = |t: &str| crate::util::sanitize::spreadsheet(t).into_owned();
        let header = [
            "id",
            "submitted",
            "respondent",
            "urgent",
            "recommendation",
            "readiness",
            "contacted_by",
            "contacted_at",
        ];
        let mut out = csv::Writer::from_writer(Vec::new());
        let mut written = out.write_record(header);
        for e in &list {
            let (by, at) = e.contacted.clone().map_or((String::new(), String::new()), |(b, a)| (b, when(a)));
            written = written.and_then(|()| {
                out.write_record([
                    e.id.clone(),
                    when(e.at),
                    cell(e.who.as_deref().unwrap_or_default()),
                    e.urgent.to_string(),
                    cell(&e.recommendation),
                    cell(&e.readiness),
                    cell(&by),
                    at,
                ])
            });
        }
        if let Err(e) = written {
            return (StatusCode::INTERNAL_SERVER_ERROR, format!("the CSV could not be written: {e}\n"))
                .into_response();
        }
        let bytes = out.into_inner().unwrap_or_default();
        (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (header::CONTENT_DISPOSITION, "attachment; filename=\"crossroads-inbox.csv\""),
            ],
            bytes,
        )
            .into_response()
    })
    .await
}
