//! The tools for pack authors: `rules check` (one small pack per lint), `rules test` on a pack
//! with a failing case and its coverage, a witness for every modality of the default pack, and
//! the explain trace of every persona.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use crossroads::authoring::{check, explain};
use crossroads::diag::Sources;
use crossroads::pack::schema::RawFile;
use crossroads::{answers, evaluate};

fn crossroads(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_crossroads")).args(args).env("NO_COLOR", "1").output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[test]
fn each_lint_example_warns_with_its_code_and_fails_only_when_warnings_are_denied() {
    for dir in common::case_dirs("lints") {
        let code = dir.file_name().unwrap().to_string_lossy().to_string();
        let relative = format!("tests/lints/{code}");
        let out = crossroads(&["rules", "check", &relative]);
        let stdout = text(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{code}: warnings alone exit 0\n{stdout}");
        assert!(stdout.contains(&format!("warning[{code}]")), "{code}:\n{stdout}");
        assert!(stdout.contains(&format!("{relative}/pack.yaml:")), "{code} names the file:\n{stdout}");
        let denied = crossroads(&["rules", "check", &relative, "--deny-warnings"]);
        assert_eq!(denied.status.code(), Some(1), "{code}: --deny-warnings exits 1");
        common::snapshot_beside(&dir).bind(|| insta::assert_snapshot!("check", stdout));
    }
}

/// A modality only one answer in 2^24 puts first: the search cannot find it, and a pack whose
/// own tests put it first is not told it is unreachable.
#[test]
fn a_modality_the_packs_own_tests_put_first_is_reachable_though_the_search_cannot_find_it() {
    let questions: Vec<String> = (1..=24).map(|i| format!("q{i:02}")).collect();
    let mut pack = String::from(
        "pack: {id: needle, version: \"1\", name: Needle}\nmodalities:\n  \
         - {id: common, name: Common, fits_when: Mostly.}\n  - {id: rare, name: Rare, fits_when: Seldom.}\nquestions:\n",
    );
    for q in &questions {
        pack += &format!("  - {{id: {q}, kind: yes_no, text: Yes?}}\n");
    }
    pack += "rules:\n  - id: base\n    phase: preferences\n    when: {any: [{q01: {is: true}}, {q01: {is: false}}]}\n    \
             weights: {common: 1}\n    because: Always.\n    source: test\n  \
             - id: all-yes\n    phase: preferences\n    when:\n      all:\n";
    for q in &questions {
        pack += &format!("        - {q}: {{is: true}}\n");
    }
    pack += "    weights: {rare: 5}\n    because: Every answer yes.\n    source: test\n";
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pack.yaml"), &pack).unwrap();
    let check = || text(&crossroads(&["rules", "check", dir.path().to_str().unwrap()]).stdout);
    let without = check();
    assert!(without.contains("warning[unreachable-modality]") && without.contains("`rare`"), "{without}");

    let answers: Vec<String> = questions.iter().map(|q| format!("{q}: true")).collect();
    let tests = format!(
        "tests:\n  - id: every-answer-yes\n    answers: {{{}}}\n    expect: {{primary: rare}}\n",
        answers.join(", ")
    );
    std::fs::write(dir.path().join("tests.yaml"), tests).unwrap();
    let with = check();
    assert_eq!(with.trim(), "no problems found", "{with}");
}

/// `rules check` of a built-in pack lints what `build.rs` made of its files (the CBOR of the
/// YAML, which keeps no places) and reads the YAML only when a lint finds something: each lint
/// finds the same in the CBOR of a pack as in its YAML, for every lint example.
#[test]
fn every_lint_finds_in_the_cbor_of_a_pack_what_it_finds_in_its_yaml() {
    for dir in common::case_dirs("lints") {
        let mut sources = Sources::default();
        let files = crossroads::pack::load::read_dir(&dir).unwrap();
        let (ruleset, raw) = crossroads::pack::load::load_with_raw(files, &mut sources).unwrap();
        // As build.rs writes it: the YAML's values as JSON's, in CBOR.
        let from_cbor: Vec<(usize, RawFile)> = raw
            .iter()
            .map(|(file, _)| {
                let value: serde_json::Value = crossroads::yaml::parse(sources.source(*file)).unwrap();
                let mut bytes = Vec::new();
                ciborium::into_writer(&value, &mut bytes).unwrap();
                (*file, ciborium::from_reader(bytes.as_slice()).unwrap())
            })
            .collect();
        let found = |raw: &[(usize, RawFile)]| -> Vec<(String, String, Vec<String>)> {
            let lints = check::lints(&ruleset, raw);
            lints.into_iter().map(|d| (d.code.as_str().to_string(), d.message, d.notes)).collect()
        };
        let (from_yaml, from_cbor) = (found(&raw), found(&from_cbor));
        assert!(!from_yaml.is_empty(), "{}", dir.display());
        assert_eq!(from_yaml, from_cbor, "{}", dir.display());
    }
}

/// A folder's files are parsed on every core, the largest first; what they say comes back in
/// the order of their names all the same.
#[test]
fn a_folders_broken_files_are_reported_in_the_order_of_their_names() {
    let dir = tempfile::tempdir().unwrap();
    let names = ["a", "b", "c", "d", "e", "f"];
    for (i, name) in names.iter().enumerate() {
        // Later names are larger, so that parsing the largest first takes them out of order.
        let padding = "# padding\n".repeat(200 * (i + 1));
        std::fs::write(dir.path().join(format!("{name}.yaml")), format!("{padding}questions: [\n")).unwrap();
    }
    let out = crossroads(&["rules", "check", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    let at: Vec<usize> = names
        .iter()
        .map(|name| stdout.find(&format!("{name}.yaml:")).unwrap_or_else(|| panic!("{name}.yaml:\n{stdout}")))
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{at:?}\n{stdout}");
}

#[test]
fn check_speaks_json_for_editors() {
    let out = crossroads(&["rules", "check", "tests/lints/never-fires", "--format", "json"]);
    let list: serde_json::Value = serde_json::from_str(&text(&out.stdout)).unwrap();
    let first = &list[0];
    assert_eq!(first["code"], "never-fires");
    assert_eq!(first["severity"], "warning");
    assert_eq!(first["file"], "tests/lints/never-fires/pack.yaml");
    assert_eq!(first["line"], 58);
    assert_eq!(first["column"], 9);
}

#[test]
fn check_reports_a_broken_pack_with_the_loader_errors() {
    let out = crossroads(&["rules", "check", "tests/packs/unknown-question"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("error[unknown-question]"), "{}", text(&out.stdout));
}

#[test]
fn the_default_pack_is_clean_even_with_warnings_denied() {
    let out = crossroads(&["rules", "check", "--deny-warnings"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert_eq!(text(&out.stdout).trim(), "no problems found");
}

#[test]
fn rules_test_shows_expected_against_actual_and_what_no_case_reaches() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/packtests/failing");
    let out = crossroads(&["rules", "test", "tests/packtests/failing", "--coverage"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("test wrong-on-purpose ... FAILED"), "{stdout}");
    assert!(stdout.contains("expected `care` first, got `coach`"), "{stdout}");
    assert!(stdout.contains("no case reaches: rule likes_b, flag danger"), "{stdout}");
    common::snapshot_beside(&dir).bind(|| insta::assert_snapshot!("test", stdout));
}

#[test]
fn the_default_pack_passes_its_tests_and_reaches_every_rule_and_flag() {
    let out = crossroads(&["rules", "test", "--coverage"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("every rule and flag is reached by a case"), "{stdout}");
    let passed: usize =
        stdout.lines().find_map(|l| l.strip_suffix(" passed, 0 failed")).unwrap().parse().unwrap();
    assert!(passed >= 25, "at least 25 cases: {passed}");
}

#[test]
fn a_witness_is_found_for_every_modality_of_the_default_pack() {
    let ruleset = common::default_pack(&mut Sources::default());
    for (m, modality) in ruleset.modalities.iter().enumerate() {
        let answers = check::witness(&ruleset, m).unwrap_or_else(|| panic!("no witness for {}", modality.id));
        assert_eq!(evaluate(&ruleset, &answers).primary, Some(m), "{}", modality.id);
        // A witness is a valid answers file.
        let mut sources = Sources::default();
        let file = sources.add("w.yaml", crossroads::answers::document(&ruleset, &answers));
        answers::read(&ruleset, &sources, file)
            .unwrap_or_else(|d| panic!("{}", common::diagnostics_text(&sources, &d)));
    }
}

#[test]
fn explain_traces_every_persona() {
    let mut sources = Sources::default();
    let ruleset = common::default_pack(&mut sources);
    for dir in common::case_dirs("cases") {
        let file = sources.add("a.yaml", std::fs::read_to_string(dir.join("answers.yaml")).unwrap());
        let answers = answers::read(&ruleset, &sources, file).unwrap();
        let model = explain::trace(&ruleset, &answers);
        let mut out = Vec::new();
        explain::render(&model, &mut out).unwrap();
        let trace = String::from_utf8(out).unwrap();
        let a = evaluate(&ruleset, &answers);
        let primary = a.primary.map_or("none".to_string(), |m| ruleset.modalities[m].id.clone());
        // The JSON is the same trace: the same recommendation, the same rules fired.
        let mut json = Vec::new();
        explain::render_json(&model, &mut json).unwrap();
        let json: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(json["recommendation"].as_str().unwrap_or("none"), primary);
        let fired = json["rules"].as_array().unwrap().iter().filter(|r| r["fired"] == true).count();
        assert_eq!(fired, a.fired.len());
        assert!(trace.contains(&format!("Recommendation: {primary}")), "{trace}");
        assert_eq!(
            trace.matches("\n  + [").count(),
            a.fired.len(),
            "every rule that fired is shown as fired"
        );
        assert_eq!(
            trace.matches("\n  - [").count(),
            ruleset.rules.len() - a.fired.len(),
            "every other rule says why not"
        );
        let mut settings = common::snapshot_beside(&dir);
        settings.add_filter(r"\(([0-9a-f]{12})\)", "([pack-hash])");
        settings.bind(|| insta::assert_snapshot!("explain", trace));
    }
}

#[test]
fn explain_reads_answers_as_evaluate_does() {
    let out = crossroads(&["explain", "examples/amara.yaml"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("Recommendation: coaching, the highest total"));
    let bad = crossroads(&["explain", "tests/answers/answer-unknown-option/answers.yaml"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(text(&bad.stderr).contains("error[answer-unknown-option]"));
}

#[test]
fn the_questionnaire_is_a_document_to_send_or_print() {
    for (format, lang) in [("markdown", "en"), ("markdown", "fr"), ("html", "en")] {
        let out = crossroads(&["questionnaire", "--format", format, "--lang", lang]);
        assert_eq!(out.status.code(), Some(0));
        let doc = text(&out.stdout);
        let ruleset = common::default_pack(&mut Sources::default());
        for q in &ruleset.questions {
            let shown = q.text.get(Some(lang)).replace('"', "&quot;");
            assert!(
                doc.contains(q.text.get(Some(lang))) || doc.contains(&shown),
                "{format} {lang}: {}",
                q.id
            );
        }
        let only_if = if lang == "fr" {
            "vous avez répondu « Oui » à la question 20"
        } else {
            "you answered &quot;Yes&quot; to question 20"
        };
        let only_if =
            if format == "markdown" { only_if.replace("&quot;", "\"") } else { only_if.to_string() };
        assert!(doc.contains(&only_if), "{format} {lang}: the goal's condition in words");
        let crisis_line = if lang == "fr" { "3114" } else { "988" };
        let self_harm = doc
            .find(
                ruleset.questions[ruleset.question("self_harm").unwrap()]
                    .text
                    .get(Some(lang))
                    .split(' ')
                    .take(4)
                    .collect::<Vec<_>>()
                    .join(" ")
                    .as_str(),
            )
            .unwrap();
        assert!(
            doc[self_harm..].contains(crisis_line),
            "{format} {lang}: support printed under the question an urgent flag reads"
        );
        if format == "html" {
            assert!(doc.starts_with("<!DOCTYPE html>") && doc.contains("@media print"));
            assert!(
                !doc.contains("<link") && !doc.contains("src=") && !doc.contains("http"),
                "self-contained"
            );
        }
        insta::assert_snapshot!(format!("questionnaire_{format}_{lang}"), doc);
    }
}

fn yaml_files(dir: &str, names: &[&str]) -> Vec<std::path::PathBuf> {
    let mut files: Vec<std::path::PathBuf> = walk(Path::new(dir))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| names.iter().any(|n| e == *n)))
        .collect();
    files.sort();
    files
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() { out.extend(walk(&path)) } else { out.push(path) }
    }
    out
}

fn schema_errors(validator: &jsonschema::Validator, path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let instance: serde_json::Value =
        crossroads::yaml::parse(&text).unwrap_or_else(|e| panic!("{}: {}", path.display(), e.message));
    validator
        .iter_errors(&instance)
        .map(|e| format!("{}: {e} at {}", path.display(), e.instance_path()))
        .collect()
}

#[test]
fn every_shipped_yaml_file_fits_its_schema() {
    let pack = jsonschema::validator_for(&crossroads::authoring::schema::pack()).unwrap();
    let answers = jsonschema::validator_for(&crossroads::authoring::schema::answers()).unwrap();
    let mut packs = yaml_files("rules", &["yaml"]);
    packs.extend(yaml_files("tests/packs-valid", &["yaml"]));
    packs.extend(yaml_files("tests/lints", &["yaml"]));
    packs.extend(yaml_files("tests/packtests", &["yaml"]));
    // The examples are answers files, but for the roster, which has its own schema.
    let (rosters, mut answer_files): (Vec<_>, Vec<_>) =
        yaml_files("examples", &["yaml", "json"]).into_iter().partition(|p| p.ends_with("roster.yaml"));
    let roster = jsonschema::validator_for(&crossroads::authoring::schema::roster()).unwrap();
    assert_eq!(rosters.len(), 1, "examples/roster.yaml ships");
    answer_files.extend(common::case_dirs("cases").into_iter().map(|d| d.join("answers.yaml")));
    assert!(packs.len() >= 10 && answer_files.len() >= 19);
    let errors: Vec<String> = packs
        .iter()
        .flat_map(|p| schema_errors(&pack, p))
        .chain(answer_files.iter().flat_map(|p| schema_errors(&answers, p)))
        .chain(rosters.iter().flat_map(|p| schema_errors(&roster, p)))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn the_schema_catches_what_an_editor_should_flag() {
    let pack = jsonschema::validator_for(&crossroads::authoring::schema::pack()).unwrap();
    let answers = jsonschema::validator_for(&crossroads::authoring::schema::answers()).unwrap();
    for broken in ["unknown-field", "unknown-value", "missing-field"] {
        let errors = schema_errors(&pack, &Path::new("tests/packs").join(broken).join("pack.yaml"));
        assert!(!errors.is_empty(), "{broken} passes the schema");
    }
    assert!(!schema_errors(&answers, Path::new("tests/answers/unknown-field/answers.yaml")).is_empty());
    let out = crossroads(&["rules", "schema", "answers"]);
    let schema: serde_json::Value = serde_json::from_str(&text(&out.stdout)).unwrap();
    assert_eq!(schema["title"], "crossroads answers file");
}

#[test]
fn a_test_extending_a_broken_test_does_not_repeat_its_errors() {
    let text = std::fs::read_to_string("tests/packs-valid/mini/pack.yaml").unwrap()
        + "tests:\n  - id: base\n    answers: {wants: true, pick: a}\n    expect: {primary: coach}\n  - id: derived\n    extends: base\n    answers: {pick: b}\n    expect: {primary: coach}\n";
    let mut sources = Sources::default();
    let diagnostics =
        crossroads::pack::load_files(vec![("p.yaml".into(), "p.yaml".into(), text)], &mut sources)
            .unwrap_err();
    let codes: Vec<&str> = diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["answer-missing-required"], "{}", common::diagnostics_text(&sources, &diagnostics));
}

#[test]
fn the_schemas_are_locked() {
    for of in ["pack", "answers"] {
        let out = crossroads(&["rules", "schema", of]);
        assert_eq!(out.status.code(), Some(0));
        insta::assert_snapshot!(format!("schema_{of}"), text(&out.stdout));
    }
}

/// The README's count of the default pack's test cases is the pack's.
#[test]
fn the_readme_counts_the_pack_tests_there_are() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let said: usize = regex::Regex::new(r"The default pack ships (\d+) cases")
        .unwrap()
        .captures(&readme)
        .expect("the README says how many cases")[1]
        .parse()
        .unwrap();
    let ruleset = common::default_pack(&mut crossroads::diag::Sources::default());
    assert_eq!(said, ruleset.tests.len(), "README.md: `The default pack ships {said} cases`");
}
