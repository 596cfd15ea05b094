//! The JSON API under `/api/v1/`: the pack's identity, the questionnaire, and an assessment of
//! posted answers (the same document as `evaluate --format json`). Bad answers get an RFC 9457
//! problem document listing every problem, as the command line's diagnostics do; and the
//! API's OpenAPI description.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::App;
use crate::engine::model::Kind;
use crate::util::diag::Sources;

pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/api/v1/pack", get(pack))
        .route("/api/v1/questionnaire", get(questionnaire))
        .route("/api/v1/assessments", post(assess))
        .route("/api/v1/openapi.json", get(openapi))
}

/// The API's OpenAPI 3.1 description, kept beside the handlers it describes (a test checks
/// that every route it lists answers).
const OPENAPI: &str = include_str!("openapi.json");

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

async fn pack(State(app): State<Arc<App>>) -> Response {
    let m = &app.ruleset.meta;
    axum::Json(json!({
        "id": m.id, "version": m.version, "name": m.name.default, "hash": app.ruleset.hash, "languages": m.languages,
    }))
    .into_response()
}

/// Every question with its texts in every language of the pack, for a program to ask them.
async fn questionnaire(State(app): State<Arc<App>>) -> Response {
    let r = &app.ruleset;
    let texts = |t: &crate::engine::model::Text| -> Value {
        r.meta
            .languages
            .iter()
            .map(|l| (l.clone(), Value::from(t.get(Some(l)))))
            .collect::<serde_json::Map<_, _>>()
            .into()
    };
    let questions: Vec<Value> = r
        .questions
        .iter()
        .map(|q| {
            let mut v = json!({
                "id": q.id, "kind": q.kind.name(), "text": texts(&q.text), "required": q.required,
                "shown_if": q.show_if.as_ref().map(|c| crate::authoring::describe_condition(r, c)),
            });
            if let Some(help) = &q.help {
                v["help"] = texts(help);
            }
            match &q.kind {
                Kind::Single { options } | Kind::Multiple { options } => {
                    v["options"] = options
                        .iter()
                        .map(|o| json!({ "value": o.value, "label": texts(&o.label) }))
                        .collect();
                }
                Kind::Scale { min, max, .. } => {
                    v["min"] = json!(min);
                    v["max"] = json!(max);
                }
                Kind::Number { min, max } => {
                    v["min"] = json!(min);
                    v["max"] = json!(max);
                }
                Kind::Grid(grid) => {
                    v["rows"] = grid
                        .rows
                        .iter()
                        .map(|o| json!({ "value": o.value, "label": texts(&o.label) }))
                        .collect();
                    v["own_rows"] = json!(grid.own_rows);
                    v["columns"] = grid
                        .columns
                        .iter()
                        .map(|c| json!({ "id": c.id, "label": texts(&c.label), "min": c.min, "max": c.max, "share": c.share }))
                        .collect();
                }
                Kind::YesNo | Kind::Text => {}
            }
            v
        })
        .collect();
    axum::Json(json!({ "pack": r.meta.id, "questions": questions })).into_response()
}

async fn assess(State(app): State<Arc<App>>, body: Bytes) -> Response {
    super::off_thread(move || assess_now(&app, body)).await
}

/// Posted answers (an answers document, as `evaluate` reads) to the JSON report.
fn assess_now(app: &App, body: Bytes) -> Response {
    let r = &app.ruleset;
    let Ok(text) = String::from_utf8(body.to_vec()) else {
        return problem(StatusCode::BAD_REQUEST, "The body is not UTF-8 text", vec![]);
    };
    let mut sources = Sources::default();
    let file = sources.add("answers", text);
    match crate::engine::answers::read(r, &sources, file) {
        Ok(answers) => {
            let a = crate::engine::evaluate::evaluate(r, &answers);
            let report = crate::report::for_person(r, &a, &answers, None);
            let mut out = Vec::new();
            let _ =
                crate::report::render::render(&report, crate::report::render::Format::Json, &mut out, false);
            ([(header::CONTENT_TYPE, "application/json")], out).into_response()
        }
        Err(diagnostics) => {
            let problems = diagnostics
                .iter()
                .map(|d| {
                    let mut p = json!({ "code": d.code.as_str(), "message": d.message, "notes": d.notes });
                    if let Some((file, range, label)) = &d.at {
                        let (line, column) = sources.line_col(*file, range.start);
                        p["line"] = json!(line);
                        p["column"] = json!(column);
                        p["label"] = json!(label);
                    }
                    p
                })
                .collect();
            problem(StatusCode::UNPROCESSABLE_ENTITY, "The answers do not fit the questionnaire", problems)
        }
    }
}

/// An RFC 9457 problem document, with every problem found.
fn problem(status: StatusCode, title: &str, problems: Vec<Value>) -> Response {
    let body =
        json!({ "type": "about:blank", "title": title, "status": status.as_u16(), "problems": problems });
    (status, [(header::CONTENT_TYPE, "application/problem+json")], body.to_string()).into_response()
}
