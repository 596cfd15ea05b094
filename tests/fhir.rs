//! FHIR both ways: `questionnaire --format fhir` is a valid R4 Questionnaire to a real FHIR
//! library (npm's `fhir`, run by node); every persona's answers, written as the
//! QuestionnaireResponse a FHIR form filler gives back for it (validated too), screen, one per
//! line or in a Bundle, exactly as the same answers screened directly. And a broken response
//! is still read for its urgent answers.
//!
//! The validation needs node and `fhir` (`npm install --prefix target/fhir fhir@4.12.0`; `bash
//! .ci/run` installs both): without them that test says so loudly and passes, except under
//! `CI=true`, where their absence fails it.

mod common;

use std::path::Path;
use std::process::Command;

use common::{crossroads, text};
use serde_json::{Value, json};

/// The QuestionnaireResponse a form filler gives for `answers`: each answered item of the
/// Questionnaire, with the answer its type takes (codings from its own answerOptions).
fn response(questionnaire: &Value, id: &str, answers: &Value) -> Value {
    fn items(defs: &Value, answers: &Value) -> Vec<Value> {
        let mut out = Vec::new();
        for def in defs.as_array().into_iter().flatten() {
            let link = def["linkId"].as_str().unwrap();
            let Some(given) = answers.get(link) else { continue };
            let kind = def["type"].as_str().unwrap();
            if kind == "group" {
                // A grid: a group per row, an integer per column.
                let rows: Vec<Value> = def["item"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|row| row["type"] == "group")
                    .filter_map(|row| {
                        let name = row["linkId"].as_str().unwrap().rsplit('.').next().unwrap();
                        let cells = given.get(name)?;
                        let cells: Vec<Value> = row["item"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .filter_map(|cell| {
                                let column = cell["linkId"].as_str().unwrap().rsplit('.').next().unwrap();
                                let v = cells.get(column)?;
                                Some(json!({ "linkId": cell["linkId"], "answer": [{ "valueInteger": v }] }))
                            })
                            .collect();
                        Some(json!({ "linkId": row["linkId"], "item": cells }))
                    })
                    .collect();
                let mut rows = rows;
                // The rows the person named: the repeating group, once each.
                let own = def["item"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|i| i["linkId"].as_str().unwrap().ends_with(".own"));
                let known: Vec<&str> = def["item"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter_map(|i| i["linkId"].as_str().unwrap().strip_prefix(&format!("{link}.")))
                    .collect();
                for (name, cells) in
                    given.as_object().unwrap().iter().filter(|(n, _)| !known.contains(&n.as_str()))
                {
                    let own = own.expect("a grid with rows of one's own");
                    let mut items = vec![
                        json!({ "linkId": format!("{link}.own.name"), "answer": [{ "valueString": name }] }),
                    ];
                    for (column, v) in cells.as_object().unwrap() {
                        items.push(json!({ "linkId": format!("{link}.own.{column}"), "answer": [{ "valueInteger": v }] }));
                    }
                    rows.push(json!({ "linkId": own["linkId"], "item": items }));
                }
                out.push(json!({ "linkId": link, "item": rows }));
                continue;
            }
            let values: Vec<&Value> = match given {
                Value::Array(many) => many.iter().collect(),
                one => vec![one],
            };
            let answer: Vec<Value> = values
                .into_iter()
                .map(|v| match kind {
                    "boolean" => json!({ "valueBoolean": v }),
                    "integer" => json!({ "valueInteger": v }),
                    "decimal" => json!({ "valueDecimal": v }),
                    "choice" => {
                        let option = def["answerOption"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .find(|o| o["valueCoding"]["code"] == *v)
                            .unwrap_or_else(|| panic!("{link}: no option {v}"));
                        let coding = &option["valueCoding"];
                        json!({ "valueCoding": { "system": coding["system"], "code": coding["code"], "display": coding["display"] } })
                    }
                    _ => json!({ "valueString": v }),
                })
                .collect();
            out.push(json!({ "linkId": link, "text": def["text"], "answer": answer }));
        }
        out
    }
    json!({
        "resourceType": "QuestionnaireResponse",
        "id": id,
        "questionnaire": questionnaire["url"],
        "status": "completed",
        "item": items(&questionnaire["item"], answers),
    })
}

#[test]
fn every_persona_round_trips_through_a_valid_fhir_questionnaire_and_response() {
    let work = tempfile::tempdir().unwrap();
    let questionnaire = common::json_form(work.path(), "fhir", "questionnaire.json");

    let mut sources = crossroads::diag::Sources::default();
    let ruleset = common::default_pack(&mut sources);
    let personas = common::persona_answers(&ruleset, &mut sources);
    let mut responses = Vec::new();
    let mut direct = String::new();
    for (i, (_, answers)) in personas.iter().enumerate() {
        direct.push_str(&format!("{answers}\n"));
        responses.push(response(&questionnaire, &format!("r{i}"), answers));
    }
    std::fs::write(work.path().join("direct.jsonl"), direct).unwrap();
    let ndjson: String = responses.iter().map(|r| format!("{r}\n")).collect();
    std::fs::write(work.path().join("responses.ndjson"), ndjson).unwrap();
    let bundle = json!({
        "resourceType": "Bundle",
        "type": "collection",
        "entry": responses.iter().map(|r| json!({ "resource": r })).collect::<Vec<_>>(),
    });
    std::fs::write(work.path().join("bundle.json"), serde_json::to_vec_pretty(&bundle).unwrap()).unwrap();

    let straight =
        common::screened_rows(&crossroads(&["screen", "direct.jsonl", "--format", "jsonl"], work.path()));
    assert_eq!(straight.len(), personas.len());
    for file in ["responses.ndjson", "bundle.json"] {
        let out = crossroads(&["screen", file, "--format", "jsonl"], work.path());
        let stderr = text(&out.stderr);
        assert!(stderr.contains("FHIR QuestionnaireResponses"), "{file}: {stderr}");
        assert!(!stderr.contains("rejected:"), "{file}: {stderr}");
        let through = common::screened_rows(&out);
        assert_eq!(through.len(), personas.len(), "{file}: every persona is a row");
        for (((dir, _), a), b) in personas.iter().zip(&through).zip(&straight) {
            assert_eq!(a, b, "{file}: {} through FHIR, and answered directly", dir.display());
        }
    }
    // The keys are the responses' ids where no question names the person.
    let keyed = crossroads(&["screen", "responses.ndjson"], work.path());
    assert!(text(&keyed.stdout).lines().any(|l| l.starts_with("r0,")), "{}", text(&keyed.stdout));

    let Some(library) = common::npm_package("fhir", "fhir", "4.12.0", "fhir") else { return };
    let mut files = vec![work.path().join("questionnaire.json"), work.path().join("bundle.json")];
    for (i, r) in responses.iter().enumerate() {
        let path = work.path().join(format!("response-{i}.json"));
        std::fs::write(&path, serde_json::to_vec(r).unwrap()).unwrap();
        files.push(path);
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fhir/validate.js");
    let checked = Command::new("node").arg(script).arg(&library).args(&files).output().unwrap();
    assert!(checked.status.success(), "node: {}", text(&checked.stderr));
    let checked: Vec<Value> = serde_json::from_slice(&checked.stdout).unwrap();
    assert_eq!(checked.len(), files.len());
    for c in &checked {
        assert_eq!(c["valid"], Value::Bool(true), "{}: {}", c["file"], c["messages"]);
        assert_eq!(c["messages"], json!([]), "{}", c["file"]);
    }
    // The validator does refuse what is wrong: a Questionnaire with an item of no known type.
    let mut wrong = questionnaire.clone();
    wrong["item"][0]["type"] = json!("multiple-choice");
    std::fs::write(work.path().join("wrong.json"), wrong.to_string()).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fhir/validate.js");
    let refused =
        Command::new("node").arg(script).arg(&library).arg(work.path().join("wrong.json")).output().unwrap();
    let refused: Vec<Value> = serde_json::from_slice(&refused.stdout).unwrap();
    assert_eq!(refused[0]["valid"], Value::Bool(false));
}

/// A response whose JSON breaks (in a file of them, and in a Bundle) is rejected, yet the
/// urgent answer it holds is seen and put first; the good ones around it are assessed.
#[test]
fn a_broken_fhir_response_is_rejected_and_its_urgent_answer_still_seen() {
    let work = tempfile::tempdir().unwrap();
    let good = r#"{"resourceType":"QuestionnaireResponse","id":"ok1","status":"completed","item":[{"linkId":"help_with","answer":[{"valueCoding":{"code":"career"}}]}]}"#;
    let broken = r#"{"resourceType":"QuestionnaireResponse","id":"bad","status":"completed","item":[{"linkId":"self_harm","answer":[{"valueBoolean":true}]},{"linkId":"goal","answer":[{"valueString":"to be"#;
    std::fs::write(work.path().join("lines.ndjson"), format!("{good}\n{broken}\n")).unwrap();
    let bundle = format!(
        "{{\n  \"resourceType\": \"Bundle\",\n  \"type\": \"collection\",\n  \"entry\": [\n    {{ \"resource\": {good} }},\n    {{ \"resource\": {broken}\n"
    );
    std::fs::write(work.path().join("bundle.json"), bundle).unwrap();
    for file in ["lines.ndjson", "bundle.json"] {
        let out = crossroads(&["screen", file], work.path());
        let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
        assert_eq!(out.status.code(), Some(1), "{file}: {stderr}");
        assert!(stderr.contains("urgent"), "{file}: the urgent answer is seen: {stderr}");
        let first = stdout.lines().nth(1).unwrap_or_default();
        assert!(first.contains("self_harm"), "{file}: the urgent row comes first: {stdout}");
    }
}
