//! The admin's page (`/admin`): the accounts, the notifications not yet delivered, and the
//! audit trail. Accounts are made on the command line (`crossroads accounts`), where a password
//! can be typed without an echo.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::response::Response;
use axum::routing::{get, post};
use maud::html;

use super::{as_role, bar, html_page, log, posted, see_other, table, unavailable};
use crate::serve::accounts::{self, Role};
use crate::serve::client::Client;
use crate::serve::store::when;
use crate::serve::{App, audit, notify};
use crate::util::i18n::fill;

/// Lines of the trail shown, newest first.
const SHOWN: i64 = 500;

pub fn routes() -> Router<Arc<App>> {
    Router::new().route("/admin", get(page)).route("/admin/erase", post(erase))
}

/// Deletes a submission by its id (the inbox's link to it holds the id); a person who lost their
/// receipt code asks the admin.
async fn erase(
    State(app): State<Arc<App>>,
    Client(address): Client,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    as_role(app, headers, address, Role::Admin, move |_, headers, visit, store| {
        let form = match posted(headers, &body) {
            Ok(f) => f,
            Err(r) => return *r,
        };
        let id = form.one("id").unwrap_or_default().trim().to_string();
        match store.erase(&id) {
            Ok(true) => match log(store, &visit, "submission deleted by admin", &id) {
                Ok(()) => see_other("/admin"),
                Err(r) => *r,
            },
            Ok(false) => (
                StatusCode::NOT_FOUND,
                html_page(
                    visit.t,
                    visit.t.not_found,
                    html! {
                        h1 { (visit.t.no_such_submission) }
                        p { (fill(visit.t.no_submission_with_id, &[("id", &id)])) }
                        p { a href="/admin" { (visit.t.administration) } }
                    },
                ),
            )
                .into_response(),
            Err(e) => unavailable(&e),
        }
    })
    .await
}

async fn page(State(app): State<Arc<App>>, Client(address): Client, headers: HeaderMap) -> Response {
    as_role(app, headers, address, Role::Admin, move |app, _, visit, store| {
        if let Err(r) = log(store, &visit, "opened the audit trail", "") {
            return *r;
        }
        let (list, trail, (pending, delivered)) =
            match (accounts::list(store), audit::latest(store, SHOWN), notify::status(store)) {
                (Ok(l), Ok(t), Ok(n)) => (l, t, n),
                (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return unavailable(&e),
            };
        let t = visit.t;
        let channels = app.notifier.as_ref().map(|n| n.described(t).join(t.and));
        html_page(
            t,
            t.administration,
            html! {
                (bar(&visit))
                h1 { (t.administration) }
                h2 { (t.accounts) }
                p { (t.accounts_intro) " " code { "crossroads accounts" } "." }
                (table(
                    t.accounts,
                    &[t.account, t.role, t.account_since],
                    list.iter()
                        .map(|(name, role, at)| (false, vec![html! { (name) }, html! { (role) }, html! { time { (when(*at)) } }]))
                        .collect(),
                ))
                h2 { (t.notifications) }
                @match &channels {
                    Some(to) => p { (fill(t.notified_to, &[("to", to), ("n", &delivered.to_string())])) },
                    None => p { (t.notify_none) },
                }
                @if !pending.is_empty() {
                    p.urgent role="alert" { (fill(t.undelivered, &[("n", &pending.len().to_string())])) }
                    (table(
                        t.notifications,
                        &[t.queued, t.channel, t.attempts, t.last_error, t.next_attempt],
                        pending
                            .iter()
                            .map(|n| {
                                (false, vec![
                                    html! { time { (when(n.created_at)) } },
                                    html! { (n.channel) },
                                    html! { (n.attempts) },
                                    html! { (n.last_error.as_deref().unwrap_or("")) },
                                    html! { time { (when(n.next_at)) } },
                                ])
                            })
                            .collect(),
                    ))
                }
                h2 { (t.delete_submission) }
                p { (t.delete_intro) }
                form method="post" action="/admin/erase" {
                    input type="hidden" name="csrf" value=(visit.csrf);
                    p { label for="id" { (t.submission_id) } br; input #id type="text" name="id" required pattern="[0-9a-f]{32}" autocomplete="off"; }
                    button type="submit" { (t.delete_it) }
                }
                h2 { (t.audit_trail) }
                p { (fill(t.audit_intro, &[("n", &SHOWN.to_string())])) }
                (table(
                    t.audit_trail,
                    &[t.when, t.account, t.from, t.what, t.of],
                    trail
                        .iter()
                        .map(|line| {
                            (false, vec![
                                html! { time { (when(line.at)) } },
                                html! { (line.account) },
                                html! { (line.address) },
                                html! { (line.action) },
                                html! { (line.subject) },
                            ])
                        })
                        .collect(),
                ))
            },
        )
    })
    .await
}
