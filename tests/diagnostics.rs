//! Broken packs and broken answers files: each must fail with its code, pointing at the place,
//! and its diagnostics (without colour) are locked. One folder per code.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use crossroads::diag::{Code, Sources};
use crossroads::{answers, evaluate, pack};

fn folder_names(dir: &str) -> BTreeSet<String> {
    common::case_dirs(dir).iter().map(|d| d.file_name().unwrap().to_string_lossy().to_string()).collect()
}

#[test]
fn every_broken_pack_fails_with_its_code() {
    for dir in common::case_dirs("packs") {
        let code = dir.file_name().unwrap().to_string_lossy().to_string();
        let mut sources = Sources::default();
        let relative = Path::new("tests/packs").join(&code);
        let diagnostics = match pack::load_dir(&relative, &mut sources) {
            Ok(_) => panic!("{code}: the broken pack loaded"),
            Err(d) => d,
        };
        let text = common::diagnostics_text(&sources, &diagnostics);
        assert!(
            diagnostics.iter().any(|d| d.code.as_str() == code),
            "{code}: expected a diagnostic with this code, got:\n{text}"
        );
        // Every diagnostic but a missing folder's points at a file, line and column.
        if code != "io" && code != "no-pack-metadata" {
            assert!(diagnostics.iter().all(|d| d.at.is_some()), "{code}: a diagnostic has no place:\n{text}");
            assert!(text.contains(&format!("tests/packs/{code}/")), "{code}: no file named:\n{text}");
        }
        common::snapshot_beside(&dir).bind(|| insta::assert_snapshot!("diagnostics", text));
    }
}

#[test]
fn every_broken_answers_file_fails_with_its_code() {
    let mut sources = Sources::default();
    let ruleset = common::default_pack(&mut sources);
    for dir in common::case_dirs("answers") {
        let code = dir.file_name().unwrap().to_string_lossy().to_string();
        let path = dir.join("answers.yaml");
        let file = sources.add(common::shown(&path), std::fs::read_to_string(&path).unwrap());
        let diagnostics = match answers::read(&ruleset, &sources, file) {
            Ok(_) => panic!("{code}: the broken answers were accepted"),
            Err(d) => d,
        };
        let text = common::diagnostics_text(&sources, &diagnostics);
        assert!(diagnostics.iter().any(|d| d.code.as_str() == code), "{code}: got:\n{text}");
        assert!(diagnostics.iter().all(|d| d.at.is_some()), "{code}: a diagnostic has no place:\n{text}");
        common::snapshot_beside(&dir).bind(|| insta::assert_snapshot!("diagnostics", text));
    }
}

/// `screen` over an export (and a mapping file, where there is one) that cannot be mapped:
/// each stops before any row with its code, and its diagnostics are locked.
#[test]
fn every_unmappable_export_fails_with_its_code() {
    for dir in common::case_dirs("mappings") {
        let code = dir.file_name().unwrap().to_string_lossy().to_string();
        let relative = Path::new("tests/mappings").join(&code);
        let mut args: Vec<String> =
            vec!["screen".into(), relative.join("responses.csv").display().to_string()];
        if dir.join("mapping.yaml").exists() {
            args.extend(["--mapping".into(), relative.join("mapping.yaml").display().to_string()]);
        }
        if let Ok(case) = std::fs::read_to_string(dir.join("case.yaml")) {
            let extra: std::collections::BTreeMap<String, Vec<String>> =
                crossroads::yaml::parse(&case).unwrap();
            args.extend(extra["args"].iter().cloned());
        }
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_crossroads"))
            .args(&args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{code}");
        assert!(out.stdout.is_empty(), "{code}: no row was read");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(stderr.contains(&format!("error[{code}]")), "{code}: got:\n{stderr}");
        common::snapshot_beside(&dir).bind(|| insta::assert_snapshot!("diagnostics", stderr));
    }
}

#[test]
fn every_code_has_a_broken_example() {
    let packs = folder_names("packs");
    let answers = folder_names("answers");
    let lints = folder_names("lints");
    let mappings = folder_names("mappings");
    let missing: Vec<&str> = Code::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|c| {
            !packs.contains(*c) && !answers.contains(*c) && !lints.contains(*c) && !mappings.contains(*c)
        })
        .collect();
    assert!(
        missing.is_empty(),
        "codes with no example under tests/packs, tests/answers, tests/lints or tests/mappings: {missing:?}"
    );
}

#[test]
fn the_list_of_codes_is_stable() {
    let list: String = Code::ALL.iter().map(|c| format!("{:24} {}\n", c.as_str(), c.description())).collect();
    insta::assert_snapshot!("codes", list);
}

#[test]
fn a_misspelt_question_in_a_rule_names_file_line_and_column() {
    let mut sources = Sources::default();
    let diagnostics = pack::load_dir(Path::new("tests/packs/unknown-question"), &mut sources).unwrap_err();
    let text = common::diagnostics_text(&sources, &diagnostics);
    assert!(text.contains("error[unknown-question]"), "{text}");
    assert!(text.contains("tests/packs/unknown-question/pack.yaml:"), "{text}");
    assert!(text.contains("did you mean `pick`?"), "{text}");
    let (_, range, _) = diagnostics[0].at.clone().unwrap();
    assert_eq!(&sources.source(0)[range], "pik");
}

#[test]
fn a_broken_pack_reports_every_problem_at_once() {
    let mut sources = Sources::default();
    let text = std::fs::read_to_string("tests/packs-valid/mini/pack.yaml")
        .unwrap()
        .replace("when: {pick: {is: a}}", "when: {pik: {is: c}}")
        .replace("support: [line]", "support: [lines]")
        .replace("weights: {coach: 2}", "weights: {coch: 2}");
    let result = pack::load_files(vec![("pack.yaml".into(), "pack.yaml".into(), text)], &mut sources);
    let codes: Vec<&str> = result.unwrap_err().iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["unknown-reference", "unknown-question", "unknown-modality"]);
}

#[test]
fn a_second_pack_works_without_engine_changes() {
    let mut sources = Sources::default();
    let ruleset = pack::load_dir(Path::new("tests/packs-valid/mini"), &mut sources)
        .unwrap_or_else(|d| panic!("{}", common::diagnostics_text(&sources, &d)));
    let file = sources.add("a.yaml", "answers: {wants: true, level: 4, pick: a, note: hi}");
    let answers = answers::read(&ruleset, &sources, file).unwrap();
    let assessment = evaluate(&ruleset, &answers);
    assert_eq!(assessment.primary.map(|m| ruleset.modalities[m].id.as_str()), Some("coach"));
    let file = sources.add("b.yaml", "answers: {wants: false, level: 4, pick: a}");
    let assessment = evaluate(&ruleset, &answers::read(&ruleset, &sources, file).unwrap());
    assert!(assessment.urgent);
    assert_eq!(assessment.primary.map(|m| ruleset.modalities[m].id.as_str()), Some("care"));
}
