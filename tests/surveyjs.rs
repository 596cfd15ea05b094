//! The SurveyJS round trip through the real library: `questionnaire --format surveyjs` loaded
//! by survey-core (npm, run by node), filled with every persona's answers, completed; its
//! results (a JSON array, as SurveyJS exports them) screened with no mapping give what the same
//! answers give screened directly, which is what `evaluate` gives each of them.
//!
//! Needs node and survey-core (`npm install --prefix target/survey-core survey-core@3.1.1`;
//! `bash .ci/run` installs both): without them the test says so loudly and passes, except
//! under `CI=true`, where their absence fails it.

mod common;

use std::path::Path;
use std::process::Command;

use common::{crossroads, text};
use serde_json::Value;

#[test]
fn every_persona_fills_the_surveyjs_form_and_screens_as_answered() {
    let Some(core) = common::npm_package("survey-core", "survey-core", "3.1.1", "surveyjs") else { return };
    let work = tempfile::tempdir().unwrap();
    let definition = common::json_form(work.path(), "surveyjs", "form.json");

    let mut sources = crossroads::diag::Sources::default();
    let ruleset = common::default_pack(&mut sources);
    let personas = common::persona_answers(&ruleset, &mut sources);
    // The SurveyJS form offers a grid's own rows only (a matrix with fixed rows): the rows a
    // person names themselves are left out here, and from the answers compared with.
    let answers: Vec<Value> = personas
        .iter()
        .map(|(_, given)| {
            let mut values = given.as_object().unwrap().clone();
            for q in &ruleset.questions {
                if let (crossroads::model::Kind::Grid(grid), Some(Value::Object(rows))) =
                    (&q.kind, values.get_mut(&q.id))
                {
                    rows.retain(|name, _| grid.rows.iter().any(|r| r.value == *name));
                    if rows.is_empty() {
                        values.remove(&q.id);
                    }
                }
            }
            Value::Object(values)
        })
        .collect();
    std::fs::write(work.path().join("people.json"), serde_json::to_vec(&answers).unwrap()).unwrap();
    let direct: String = answers.iter().map(|a| format!("{a}\n")).collect();
    std::fs::write(work.path().join("direct.jsonl"), direct).unwrap();

    let fill = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/surveyjs/fill.js");
    let filled = Command::new("node")
        .args([fill.as_os_str(), core.as_os_str(), "form.json".as_ref(), "people.json".as_ref()])
        .current_dir(work.path())
        .output()
        .unwrap();
    assert!(filled.status.success(), "node: {}", text(&filled.stderr));
    let filled: Vec<Value> = serde_json::from_slice(&filled.stdout).unwrap();
    assert_eq!(filled.len(), personas.len());
    for (((dir, _), f), given) in personas.iter().zip(&filled).zip(&answers) {
        assert_eq!(f["valid"], Value::Bool(true), "{}: SurveyJS finds {}", dir.display(), f["errors"]);
        // Nothing lost or changed: every answer shown by the pack is shown by the form.
        assert_eq!(&f["data"], given, "{}: what SurveyJS keeps", dir.display());
    }
    // As SurveyJS exports results: a JSON array of answer objects.
    let data: Vec<&Value> = filled.iter().map(|f| &f["data"]).collect();
    std::fs::write(work.path().join("results.json"), serde_json::to_vec_pretty(&data).unwrap()).unwrap();

    let through = crossroads(&["screen", "results.json", "--format", "jsonl"], work.path());
    let straight = crossroads(&["screen", "direct.jsonl", "--format", "jsonl"], work.path());
    let stderr = text(&through.stderr);
    assert!(
        !stderr.contains("ignored") && !stderr.contains("rejected:"),
        "no mapping, no spurious note: {stderr}"
    );
    let (through, straight) = (common::screened_rows(&through), common::screened_rows(&straight));
    assert_eq!(through.len(), personas.len(), "every persona is a row");
    for (i, ((dir, _), (a, b))) in personas.iter().zip(through.iter().zip(&straight)).enumerate() {
        assert_eq!(a, b, "{} (row {}): through SurveyJS, and answered directly", dir.display(), i + 1);
    }
    // Every question is in the form, named by its id, and every language the pack has.
    let elements = definition["pages"][0]["elements"].as_array().unwrap();
    for q in &ruleset.questions {
        let e = elements.iter().find(|e| e["name"] == q.id.as_str()).unwrap_or_else(|| panic!("{}", q.id));
        for lang in ruleset.meta.languages.iter().skip(1) {
            assert!(e["title"][lang].is_string(), "{}: the title in {lang}", q.id);
        }
    }
}
