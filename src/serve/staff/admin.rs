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

use super::{as_role, bar, html_page, log, posted, see_other, unavailable};
use crate::serve::accounts::{self, Role};
use crate::serve::client::Client;
use crate::serve::store::when;
use crate::serve::{App, audit, notify};

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
        let channels = app.notifier.as_ref().map(|n| n.described().join(" and "));
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
                h2 { "Urgent notifications" }
                @match &channels {
                    Some(to) => p { "Word of each urgent submission (no answer, no name) goes to " (to) ". " (delivered) " delivered." },
                    None => p { "None are sent: urgent submissions wait in the inbox for someone to look. Start the server with " code { "--notify-webhook" } " or " code { "--notify-smtp" } " (see the README)." },
                }
                @if !pending.is_empty() {
                    p.urgent role="alert" { (pending.len()) " not delivered yet: retried with a growing wait until the receiver accepts them." }
                    div.table tabindex="0" role="region" aria-label="Notifications not delivered" { table {
                        thead { tr { th scope="col" { "Queued" } th scope="col" { "Channel" } th scope="col" { "Attempts" } th scope="col" { "Last error" } th scope="col" { "Next attempt" } } }
                        tbody {
                            @for n in &pending {
                                tr { td { time { (when(n.created_at)) } } td { (n.channel) } td { (n.attempts) } td { (n.last_error.as_deref().unwrap_or("")) } td { time { (when(n.next_at)) } } }
                            }
                        }
                    } }
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
