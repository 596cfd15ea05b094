//! The admin's page (`/admin`): the accounts and the audit trail. Accounts are made on the
//! command line (`crossroads accounts`), where a password can be typed without an echo.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::HeaderMap;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::response::Response;
use axum::routing::{get, post};
use maud::html;

use super::{as_role, bar, html_page, log, posted, see_other, unavailable};
use crate::serve::accounts::{self, Role};
use crate::serve::store::when;
use crate::serve::{App, audit};

/// Lines of the trail shown, newest first.
const SHOWN: i64 = 500;

pub fn routes() -> Router<Arc<App>> {
    Router::new().route("/admin", get(page)).route("/admin/erase", post(erase))
}

/// Deletes a submission by its id (the inbox's link to it holds the id); a person who lost their
/// receipt code asks the admin.
async fn erase(
    State(app): State<Arc<App>>,
    ConnectInfo(address): ConnectInfo<SocketAddr>,
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
                    "Not found",
                    html! {
                        h1 { "No such submission" }
                        p { "No submission has the id " code { (id) } "." }
                        p { a href="/admin" { "Administration" } }
                    },
                ),
            )
                .into_response(),
            Err(e) => unavailable(&e),
        }
    })
    .await
}

async fn page(
    State(app): State<Arc<App>>,
    ConnectInfo(address): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    as_role(app, headers, address, Role::Admin, move |_, _, visit, store| {
        if let Err(r) = log(store, &visit, "opened the audit trail", "") {
            return *r;
        }
        let (list, trail) = match (accounts::list(store), audit::latest(store, SHOWN)) {
            (Ok(l), Ok(t)) => (l, t),
            (Err(e), _) | (_, Err(e)) => return unavailable(&e),
        };
        html_page(
            "Administration",
            html! {
                (bar(&visit))
                h1 { "Administration" }
                h2 { "Accounts" }
                p { "Made, changed and removed with " code { "crossroads accounts" } " on the server." }
                table {
                    thead { tr { th scope="col" { "Account" } th scope="col" { "Role" } th scope="col" { "Since" } } }
                    tbody { @for (name, role, at) in &list { tr { td { (name) } td { (role) } td { time { (when(*at)) } } } } }
                }
                h2 { "Delete a submission" }
                p { "For a person who asks and has lost their receipt code: the id is the last part of the address of their report in the inbox. Deleted from the store at once, with every earlier version; this cannot be undone." }
                form method="post" action="/admin/erase" {
                    input type="hidden" name="csrf" value=(visit.csrf);
                    p { label for="id" { "Submission id" } br; input #id type="text" name="id" required pattern="[0-9a-f]{32}" autocomplete="off"; }
                    button type="submit" { "Delete it" }
                }
                h2 { "Audit trail" }
                p { "The latest " (SHOWN) " lines, newest first. The trail is appended only." }
                div.table tabindex="0" role="region" aria-label="The audit trail" { table {
                    thead { tr { th scope="col" { "When" } th scope="col" { "Account" } th scope="col" { "From" } th scope="col" { "What" } th scope="col" { "Of" } } }
                    tbody {
                        @for line in &trail {
                            tr { td { time { (when(line.at)) } } td { (line.account) } td { (line.address) } td { (line.action) } td { (line.subject) } }
                        }
                    }
                } }
            },
        )
    })
    .await
}
