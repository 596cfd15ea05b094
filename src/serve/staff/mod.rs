//! The organisation's pages, behind a login: the coach's inbox (`coach.rs`), HR's private
//! counts (`hr.rs`) and the admin's accounts and audit trail (`admin.rs`). Every page checks the
//! session and the role on the server, and every look at a person's answers is logged.

mod admin;
mod coach;
mod hr;

use std::net::IpAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use maud::{Markup, html};

use super::accounts::{self, Account, Login, Role};
use super::store::Store;
use super::{App, audit, cookie, off_thread, set_cookie, with_csrf};
use crate::report::render::html::page;
use crate::serve::client::Client;
use crate::util::i18n::{Staff, fill, staff};

/// Every route of the organisation's pages. The role each needs is checked in its handler.
pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/language", get(language))
        .merge(coach::routes())
        .merge(hr::routes())
        .merge(admin::routes())
}

/// A request from a signed-in account.
pub struct Visit {
    pub account: Account,
    pub address: String,
    /// The CSRF token every form of the page carries (the cookie's, double-submitted).
    pub csrf: String,
    /// The page's words, in the language chosen or the browser's.
    pub t: &'static Staff,
}

/// The language of the staff's pages: the one chosen with the switch (a cookie), else the
/// browser's; either only if the pack speaks it, since the reports shown are the pack's.
pub fn words(app: &App, headers: &HeaderMap) -> &'static Staff {
    let chosen = cookie(headers, "lang").filter(|l| app.ruleset.meta.languages.iter().any(|x| x == l));
    let lang = chosen.map_or_else(|| super::negotiate(&app.ruleset, headers), str::to_string);
    staff(Some(&lang))
}

/// What a request to a staff page asks of the app: a store, a session, the role.
fn visit<'a>(
    app: &'a App,
    headers: &HeaderMap,
    address: IpAddr,
    role: Role,
) -> Result<(Visit, &'a Store), Box<Response>> {
    let Some(store) = &app.store else {
        return Err(Box::new(no_store()));
    };
    let t = words(app, headers);
    let account = match cookie(headers, "session").map(|token| accounts::session(store, token)) {
        Some(Ok(Some(account))) => account,
        Some(Err(e)) => return Err(Box::new(unavailable(&e))),
        _ => return Err(Box::new(see_other("/login"))),
    };
    if account.role != role {
        let text = fill(
            t.not_for_you_text,
            &[("role", role.as_str()), ("name", &account.name), ("has", account.role.as_str())],
        );
        let body = html! { h1 { (t.not_for_you) } p { (text) } p { a href=(account.role.home()) { (t.your_pages) } } };
        return Err(Box::new((StatusCode::FORBIDDEN, html_page(t, t.not_for_you, body)).into_response()));
    }
    let csrf = cookie(headers, "csrf").filter(|c| c.len() == 32).unwrap_or_default().to_string();
    Ok((Visit { account, address: address.to_string(), csrf, t }, store))
}

/// A staff page's work, on the blocking pool, done only for a signed-in account of `role`.
pub async fn as_role(
    app: Arc<App>,
    headers: HeaderMap,
    address: IpAddr,
    role: Role,
    work: impl FnOnce(&App, &HeaderMap, Visit, &Store) -> Response + Send + 'static,
) -> Response {
    off_thread(move || match visit(&app, &headers, address, role) {
        Ok((visit, store)) => work(&app, &headers, visit, store),
        Err(r) => *r,
    })
    .await
}

/// A posted staff form: the CSRF field must match the cookie.
pub fn posted(headers: &HeaderMap, body: &[u8]) -> Result<super::form::Posted, Box<Response>> {
    super::checked(headers, body)
}

fn no_store() -> Response {
    (StatusCode::NOT_FOUND, "this server keeps no store: it has no accounts\n").into_response()
}

pub fn see_other(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_string())]).into_response()
}

pub fn unavailable(e: &str) -> Response {
    (StatusCode::SERVICE_UNAVAILABLE, format!("the store is unavailable: {e}\n")).into_response()
}

pub fn html_page(t: &Staff, title: &str, content: Markup) -> Response {
    super::html(page(t.lang, title, content, true))
}

/// A table of the staff's pages, in a region of its own (named `label`): a row of column
/// names, then the rows (those marked urgent stand out). Each cell carries its column's name,
/// which a phone shows beside it when the rows are stacked.
pub fn table(label: &str, columns: &[&str], rows: Vec<(bool, Vec<Markup>)>) -> Markup {
    html! {
        div.table tabindex="0" role="region" aria-label=(label) { table {
            thead { tr { @for c in columns { th scope="col" { (c) } } } }
            tbody {
                @for (urgent, cells) in &rows {
                    tr.urgent[*urgent] {
                        @for (c, cell) in columns.iter().zip(cells) { td data-label=(c) { (cell) } }
                    }
                }
            }
        } }
    }
}

/// The switch to the other language, on every staff page.
fn switch(t: &Staff) -> Markup {
    html! {
        a href={ "/language?to=" (t.other_language) } lang=(t.other_language) hreflang=(t.other_language) { (t.other_language_name) }
    }
}

/// The bar on every signed-in page: who is signed in, the other language, and the way out.
pub fn bar(visit: &Visit) -> Markup {
    let t = visit.t;
    html! {
        nav.staff aria-label=(t.account_menu) {
            p { (t.signed_in_as) " " strong { (visit.account.name) } " (" (visit.account.role.as_str()) ") · " (switch(t)) }
            form method="post" action="/logout" {
                input type="hidden" name="csrf" value=(visit.csrf);
                button.quiet type="submit" { (t.sign_out) }
            }
        }
    }
}

/// The language switch: remembered in a cookie, then back to the account's pages (or to sign
/// in). Only a language the pack speaks is taken.
async fn language(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    axum::extract::Query(query): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Response {
    off_thread(move || {
        let Some(store) = &app.store else { return no_store() };
        let home = match cookie(&headers, "session").map(|token| accounts::session(store, token)) {
            Some(Ok(Some(account))) => account.role.home(),
            _ => "/login",
        };
        let mut response = see_other(home);
        if let Some(lang) = query.get("to").filter(|l| app.ruleset.meta.languages.contains(l)) {
            let cookie = format!("lang={lang}; Path=/; SameSite=Strict; Max-Age=31536000");
            set_cookie(&mut response, &cookie, app.behind_tls);
        }
        response
    })
    .await
}

/// Records what an account did; what cannot be recorded is not done.
pub fn log(store: &Store, visit: &Visit, action: &str, subject: &str) -> Result<(), Box<Response>> {
    audit::record(store, &visit.account.name, &visit.address, action, subject)
        .map_err(|e| Box::new(unavailable(&e)))
}

fn login_form(t: &Staff, csrf: &str, problem: Option<&str>) -> Markup {
    html! {
        nav.staff aria-label=(t.account_menu) { p { (switch(t)) } }
        h1 { (t.sign_in) }
        p { (t.sign_in_intro) }
        @if let Some(problem) = problem { p.problem role="alert" { (problem) } }
        form method="post" action="/login" {
            input type="hidden" name="csrf" value=(csrf);
            p { label for="name" { (t.account) } br; input #name type="text" name="name" autocomplete="username" required; }
            p { label for="password" { (t.password) } br; input #password type="password" name="password" autocomplete="current-password" required; }
            p { button type="submit" { (t.sign_in) } }
        }
    }
}

async fn login_page(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    if app.store.is_none() {
        return no_store();
    }
    let t = words(&app, &headers);
    with_csrf(&app, &headers, |csrf| html_page(t, t.sign_in, login_form(t, csrf, None)))
}

async fn login(
    State(app): State<Arc<App>>,
    Client(address): Client,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    off_thread(move || login_now(&app, &headers, address, &body)).await
}

fn login_now(app: &App, headers: &HeaderMap, address: IpAddr, body: &[u8]) -> Response {
    let Some(store) = &app.store else { return StatusCode::NOT_FOUND.into_response() };
    let form = match posted(headers, body) {
        Ok(f) => f,
        Err(r) => return *r,
    };
    let (name, password) = (form.one("name").unwrap_or_default(), form.one("password").unwrap_or_default());
    let csrf = form.one("csrf").unwrap_or_default();
    let ip = address;
    let shown = ip.to_string();
    let t = words(app, headers);
    let refuse = |status: StatusCode, problem: String| {
        (status, html_page(t, t.sign_in, login_form(t, csrf, Some(&problem)))).into_response()
    };
    if let Some(wait) = app.addresses.waiting(ip) {
        let _ = audit::record(store, name, &shown, "login refused: too many failures from this address", "");
        return refuse(
            StatusCode::TOO_MANY_REQUESTS,
            fill(t.too_many_from_address, &[("wait", &wait.to_string())]),
        );
    }
    match accounts::login(store, name, password) {
        Ok(Login::In(account, token)) => {
            app.addresses.succeeded(ip);
            if let Err(e) = audit::record(store, &account.name, &shown, "login", "") {
                let _ = accounts::logout(store, &token);
                return unavailable(&e);
            }
            let mut response = see_other(account.role.home());
            let max_age = accounts::SESSION_SECONDS;
            set_cookie(
                &mut response,
                &format!("session={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}"),
                app.behind_tls,
            );
            response
        }
        Ok(Login::Wrong) => {
            app.addresses.failed(ip);
            let _ = audit::record(store, name, &shown, "login failed", "");
            refuse(StatusCode::UNAUTHORIZED, t.wrong_password.into())
        }
        Ok(Login::Wait(wait)) => {
            let _ =
                audit::record(store, name, &shown, "login refused: too many failures for this account", "");
            refuse(
                StatusCode::TOO_MANY_REQUESTS,
                fill(t.too_many_for_account, &[("wait", &wait.to_string())]),
            )
        }
        Err(e) => unavailable(&e),
    }
}

async fn logout(
    State(app): State<Arc<App>>,
    Client(address): Client,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    off_thread(move || {
        let Some(store) = &app.store else { return StatusCode::NOT_FOUND.into_response() };
        if let Err(r) = posted(&headers, &body) {
            return *r;
        }
        if let Some(token) = cookie(&headers, "session") {
            if let Ok(Some(account)) = accounts::session(store, token) {
                let _ = audit::record(store, &account.name, &address.to_string(), "logout", "");
            }
            if let Err(e) = accounts::logout(store, token) {
                return unavailable(&e);
            }
        }
        let mut response = see_other("/login");
        set_cookie(&mut response, "session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0", app.behind_tls);
        response
    })
    .await
}
