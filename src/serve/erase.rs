//! Taking answers back: a person deletes their submission with the receipt code they were given
//! (`/erase`), and `--retain-days` deletes every submission past its time. Deleted means gone
//! from the store (SQLite's `secure_delete` overwrites it), not hidden.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::store::{Store, now};
use super::{App, audit, checked, html, negotiate, off_thread, pages, with_csrf};
use crate::serve::client::Client;
use crate::util::i18n;

/// How often retention runs while the server is up.
const RETENTION_EVERY: Duration = Duration::from_secs(3600);

pub fn routes() -> Router<Arc<App>> {
    Router::new().route("/erase", get(form).post(erase))
}

async fn form(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    if app.store.is_none() {
        return (StatusCode::NOT_FOUND, "this server keeps nothing: there is nothing to delete\n")
            .into_response();
    }
    let lang = negotiate(&app.ruleset, &headers);
    with_csrf(&app, &headers, |csrf| html(pages::erase(&lang, csrf, None)))
}

async fn erase(
    State(app): State<Arc<App>>,
    Client(address): Client,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    off_thread(move || {
        let Some(store) = &app.store else { return StatusCode::NOT_FOUND.into_response() };
        let posted = match checked(&headers, &body) {
            Ok(p) => p,
            Err(r) => return *r,
        };
        let lang = super::language(&app.ruleset, &posted);
        let web = i18n::web(Some(&lang));
        let csrf = posted.one("csrf").unwrap_or_default();
        match store.erase_by_receipt(posted.one("code").unwrap_or_default()) {
            Ok(Some(id)) => {
                let _ =
                    audit::record(store, "", &address.to_string(), "submission deleted by the person", &id);
                html(pages::erase(&lang, csrf, Some(web.erased)))
            }
            Ok(None) => (StatusCode::NOT_FOUND, html(pages::erase(&lang, csrf, Some(web.erase_unknown))))
                .into_response(),
            Err(e) => {
                (StatusCode::SERVICE_UNAVAILABLE, format!("the store is unavailable: {e}\n")).into_response()
            }
        }
    })
    .await
}

/// Deletes what is older than `days`, says so on `err`, and records it in the trail.
pub fn retain(store: &Store, days: u32, err: &mut dyn std::io::Write) {
    let cutoff = now() - i64::from(days) * 86_400;
    match store.expire(cutoff) {
        Ok(removed) => {
            let _ = writeln!(err, "retention: {removed} submissions older than {days} days deleted");
            if removed > 0 {
                let _ = audit::record(
                    store,
                    "",
                    "server",
                    "retention deleted submissions",
                    &format!("{removed} older than {days} days"),
                );
            }
        }
        Err(e) => {
            let _ = writeln!(err, "retention: could not delete old submissions: {e}");
        }
    }
}

/// Retention every hour while the server runs, on the blocking pool.
pub async fn retain_forever(app: Arc<App>, days: u32) {
    let mut every = tokio::time::interval(RETENTION_EVERY);
    // The first tick is at once: retention already ran before the server listened.
    every.tick().await;
    loop {
        every.tick().await;
        let app = app.clone();
        let _ = tokio::task::spawn_blocking(move || {
            if let Some(store) = &app.store {
                retain(store, days, &mut std::io::stderr());
            }
        })
        .await;
    }
}
