//! The admin's page (`/admin`): the accounts and the audit trail. Accounts are made on the
//! command line (`crossroads accounts`), where a password can be typed without an echo.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::{ConnectInfo, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use maud::html;

use super::{as_role, bar, html_page, log, unavailable};
use crate::serve::accounts::{self, Role};
use crate::serve::store::when;
use crate::serve::{App, audit};

/// Lines of the trail shown, newest first.
const SHOWN: i64 = 500;

pub fn routes() -> Router<Arc<App>> {
    Router::new().route("/admin", get(page))
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
                    tbody { @for (name, role, at) in &list { tr { td { (name) } td { (role) } td { (when(*at)) } } } }
                }
                h2 { "Audit trail" }
                p { "The latest " (SHOWN) " lines, newest first. The trail is appended only." }
                div.table { table {
                    thead { tr { th scope="col" { "When" } th scope="col" { "Account" } th scope="col" { "From" } th scope="col" { "What" } th scope="col" { "Of" } } }
                    tbody {
                        @for line in &trail {
                            tr { td { (when(line.at)) } td { (line.account) } td { (line.address) } td { (line.action) } td { (line.subject) } }
                        }
                    }
                } }
            },
        )
    })
    .await
}
