//! The Google Forms set-up, tested as far as it can be without Google: the generated Apps
//! Script type-checks against Google's declared API (@types/google-apps-script, by the
//! TypeScript compiler), and run against a stand-in for FormApp that records each item (and
//! refuses a method the real item lacks), it makes a form whose download, written as Google
//! Forms writes it (`Timestamp`, one column per question titled by it, `Column [Row]` for a
//! grid, ticked labels joined by ", "), screens with no mapping file as every persona's answers
//! screen directly; in English and in French.
//!
//! Needs node, typescript and @types/google-apps-script (`npm install --prefix target/gas
//! typescript@5.9.3 @types/google-apps-script@2.0.7`; `bash .ci/run` installs them): without them
//! the test says so loudly and passes, except under `CI=true`, where their absence fails it.

mod common;

use std::path::Path;
use std::process::Command;

use common::{crossroads, text};
use crossroads::model::Kind;
use serde_json::Value;

/// How one column's cell is written from a person's answers.
type Cell = Box<dyn Fn(&Value) -> String>;

fn tsc(library: &Path, script: &Path, dir: &Path) -> std::process::Output {
    let types = library.parent().unwrap().join("@types");
    Command::new("node")
        .arg(library.join("bin/tsc"))
        .args(["--noEmit", "--allowJs", "--checkJs", "--lib", "es2019", "--types", "google-apps-script"])
        .arg("--typeRoots")
        .arg(types)
        .arg(script)
        .current_dir(dir)
        .output()
        .unwrap()
}

#[test]
fn the_google_form_the_script_builds_screens_every_persona_without_a_mapping() {
    let Some(typescript) = common::npm_package("gas", "typescript", "5.9.3", "google_forms") else { return };
    let mut sources = crossroads::diag::Sources::default();
    let ruleset = common::default_pack(&mut sources);
    let personas = common::persona_answers(&ruleset, &mut sources);
    let work = tempfile::tempdir().unwrap();

    for (lang, timestamp) in [(None, "Timestamp"), (Some("fr"), "Horodateur")] {
        let mut args = vec!["questionnaire", "--format", "google-apps-script"];
        args.extend(lang.map(|l| ["--lang", l]).into_iter().flatten());
        let script = crossroads(&args, work.path());
        assert_eq!(script.status.code(), Some(0), "{}", text(&script.stderr));
        let path = work.path().join("intake.js");
        std::fs::write(&path, &script.stdout).unwrap();

        let checked = tsc(&typescript, &path, work.path());
        assert!(
            checked.status.success(),
            "{lang:?}: tsc: {}{}",
            text(&checked.stdout),
            text(&checked.stderr)
        );

        let run = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/google/run.js");
        let made = Command::new("node").arg(run).arg(&path).output().unwrap();
        assert!(made.status.success(), "{lang:?}: {}", text(&made.stderr));
        let made: Value = serde_json::from_slice(&made.stdout).unwrap();
        let items = made["items"].as_array().unwrap();
        let titled =
            |title: &str| items.iter().find(|i| i["title"] == title && i["type"] != "SECTION_HEADER");

        // The download: a column per question, titled by the item Google made for it.
        let mut header = vec![timestamp.to_string()];
        let mut cells: Vec<Cell> = Vec::new();
        for q in &ruleset.questions {
            let id = q.id.clone();
            if let Kind::Grid(grid) = &q.kind {
                for c in &grid.columns {
                    let column = c.label.get(lang).to_string();
                    for (k, row) in grid.rows.iter().enumerate() {
                        let shown = match titled(&column) {
                            Some(item) => item["rows"][k].as_str().unwrap().to_string(),
                            None => row.label.get(lang).to_string(),
                        };
                        let title = format!("{column} [{shown}]");
                        assert!(
                            titled(&column).is_some() || titled(&title).is_some(),
                            "{lang:?}: {id}: no item for {title}"
                        );
                        header.push(title);
                        let (id, row, col) = (id.clone(), row.value.clone(), c.id.clone());
                        cells.push(Box::new(move |a| {
                            a.get(&id)
                                .and_then(|g| g.get(&row))
                                .and_then(|r| r.get(&col))
                                .map_or(String::new(), |v| v.to_string())
                        }));
                    }
                }
                continue;
            }
            let item = titled(q.text.get(lang))
                .unwrap_or_else(|| panic!("{lang:?}: no item titled as {id}"))
                .clone();
            header.push(item["title"].as_str().unwrap().to_string());
            let options: Vec<String> = q.kind.options().iter().map(|o| o.value.clone()).collect();
            let kind = q.kind.clone();
            cells.push(Box::new(move |a| {
                let label = |value: &Value| {
                    let k = options.iter().position(|o| value == o.as_str()).unwrap();
                    item["choiceValues"][k].as_str().unwrap().to_string()
                };
                match (a.get(&id), &kind) {
                    (None, _) => String::new(),
                    (Some(Value::Bool(b)), _) => {
                        item["choiceValues"][usize::from(!b)].as_str().unwrap().to_string()
                    }
                    (Some(Value::Array(many)), _) => many.iter().map(label).collect::<Vec<_>>().join(", "),
                    (Some(v), Kind::Single { .. }) => label(v),
                    (Some(Value::String(s)), _) => s.clone(),
                    (Some(v), _) => v.to_string(),
                }
            }));
        }
        let mut csv = csv::Writer::from_writer(Vec::new());
        csv.write_record(&header).unwrap();
        let mut direct = String::new();
        for (i, (_, answers)) in personas.iter().enumerate() {
            // A Google grid has the pack's rows only.
            let mut answers = answers.clone();
            for q in &ruleset.questions {
                if let (Kind::Grid(grid), Some(Value::Object(rows))) = (&q.kind, answers.get_mut(&q.id)) {
                    rows.retain(|name, _| grid.rows.iter().any(|r| r.value == *name));
                }
            }
            let mut row = vec![format!("2026/12/0{} 09:00:00", i % 9 + 1)];
            row.extend(cells.iter().map(|cell| cell(&answers)));
            csv.write_record(&row).unwrap();
            direct.push_str(&format!("{answers}\n"));
        }
        std::fs::write(work.path().join("download.csv"), csv.into_inner().unwrap()).unwrap();
        std::fs::write(work.path().join("direct.jsonl"), direct).unwrap();
        let through = crossroads(&["screen", "download.csv", "--format", "jsonl"], work.path());
        let stderr = text(&through.stderr);
        assert!(!stderr.contains("ignored"), "{lang:?}: every column maps: {stderr}");
        let straight = crossroads(&["screen", "direct.jsonl", "--format", "jsonl"], work.path());
        let (through, straight) = (common::screened_rows(&through), common::screened_rows(&straight));
        assert_eq!(through.len(), personas.len());
        for (((dir, _), a), b) in personas.iter().zip(&through).zip(&straight) {
            let line = |v: &Value| {
                let mut v = v.clone();
                v.as_object_mut().unwrap().remove("line");
                v
            };
            assert_eq!(
                line(a),
                line(b),
                "{lang:?}: {} through Google Forms, and answered directly",
                dir.display()
            );
        }
    }
    // The type check does refuse a call Google's API has not.
    let wrong = work.path().join("wrong.js");
    let script = std::fs::read_to_string(work.path().join("intake.js")).unwrap();
    std::fs::write(&wrong, script.replacen("setChoiceValues", "setOptions", 1)).unwrap();
    assert!(!tsc(&typescript, &wrong, work.path()).status.success());
}
