//! The real binary, run as a user would: from an empty folder, with files, standard input,
//! bad input and bad usage, checking exit codes and streams.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples").join(name)
}

/// Runs `crossroads` in a fresh empty folder, so that nothing can come from the checkout.
fn run(args: &[&str], stdin: Option<&str>) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_crossroads"))
        .args(args)
        .current_dir(dir.path())
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

#[test]
fn evaluates_an_example_from_an_empty_folder_with_the_embedded_pack() {
    let out = run(&["evaluate", example("amara.yaml").to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("What fits you now: Coaching"), "{text}");
    assert!(!text.contains('\x1b'), "no colour when the output is not a terminal");
    assert!(stderr(&out).is_empty());
}

#[test]
fn reads_json_answers_from_standard_input_and_writes_versioned_json() {
    let answers = std::fs::read_to_string(example("ben.json")).unwrap();
    let out = run(&["evaluate", "-", "--format", "json"], Some(&answers));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["schema_version"], 1);
    assert_eq!(report["recommendation"]["primary"], "mentoring");
    assert_eq!(report["pack"]["id"], "intake");
    assert_eq!(report["pack"]["hash"].as_str().unwrap().len(), 64);
    assert!(report["readiness"]["score"].as_u64().unwrap() <= 100);
    assert!(report["reasons"].as_array().unwrap().iter().all(|r| r["source"].is_string()));
}

#[test]
fn writes_markdown() {
    let out = run(&["evaluate", example("amara.yaml").to_str().unwrap(), "--format", "markdown"], None);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).starts_with("# Which support fits you now: for Amara"));
}

#[test]
fn invalid_answers_exit_1_with_diagnostics_on_stderr_and_nothing_on_stdout() {
    let answers =
        std::fs::read_to_string(example("amara.yaml")).unwrap().replace("budget: sponsor", "budget: company");
    let out = run(&["evaluate", "-"], Some(&answers));
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).is_empty());
    let err = stderr(&out);
    assert!(err.contains("error[answer-unknown-option]"), "{err}");
    assert!(err.contains("<stdin>:"), "{err}");
    assert!(err.contains("`sponsor`"), "lists what is allowed: {err}");
}

#[test]
fn a_broken_pack_exits_1_naming_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/intake");
    for entry in std::fs::read_dir(&source).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let text = text
            .replace("        - mastered_basics: {at_least: 4}", "        - mastred_basics: {at_least: 4}");
        std::fs::write(dir.path().join(path.file_name().unwrap()), text).unwrap();
    }
    let rules = dir.path().to_str().unwrap();
    let out = run(&["evaluate", example("amara.yaml").to_str().unwrap(), "--rules", rules], None);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("error[unknown-question]"), "{err}");
    assert!(err.contains("rules.yaml:"), "{err}");
    assert!(err.contains("did you mean `mastered_basics`?"), "{err}");
    assert!(stdout(&out).is_empty());
}

#[test]
fn a_missing_answers_file_exits_1_saying_so() {
    let out = run(&["evaluate", "no-such-file.yaml"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("cannot read the answers file `no-such-file.yaml`"), "{}", stderr(&out));
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(run(&[], None).status.code(), Some(2));
    assert_eq!(run(&["evaluate"], None).status.code(), Some(2));
    let out = run(&["evaluate", "x.yaml", "--format", "xml"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("text"), "says what is allowed: {}", stderr(&out));
    let out = run(&["evaluate", example("amara.yaml").to_str().unwrap(), "--lang", "xx"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("it has: en"), "{}", stderr(&out));
}

#[test]
fn help_documents_the_exit_codes() {
    let out = run(&["evaluate", "--help"], None);
    assert_eq!(out.status.code(), Some(0));
    let help = stdout(&out);
    assert!(help.contains("Exit codes:") && help.contains("usage error"), "{help}");
}

#[test]
fn ask_without_a_terminal_says_to_use_evaluate_and_exits_2() {
    let out = run(&["ask"], Some("4\n3\n"));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("crossroads evaluate ANSWERS"), "{}", stderr(&out));
    assert!(stdout(&out).is_empty(), "no question was printed: {}", stdout(&out));
}

#[test]
fn answers_saved_with_another_pack_version_are_assessed_with_a_note() {
    let answers = std::fs::read_to_string(example("amara.yaml")).unwrap();
    let stamped = answers.replacen(
        "answers:",
        "pack: {id: intake, version: 0.9.0, hash: 0123456789abcdef}\nanswers:",
        1,
    );
    let out = run(&["evaluate", "-"], Some(&stamped));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("given with pack `intake` 0.9.0 (0123456789ab)"), "{}", stderr(&out));
    assert!(stdout(&out).contains("What fits you now: Coaching"));
}

#[test]
fn a_respondent_name_cannot_act_on_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let answers =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/amara.yaml")).unwrap();
    let hostile = format!(
        "respondent: \"Amara\\e[2K\\e[1A\\a\"\n{}",
        answers.lines().filter(|l| !l.starts_with("respondent:")).collect::<Vec<_>>().join("\n")
    );
    std::fs::write(dir.path().join("a.yaml"), hostile).unwrap();
    for format in ["text", "markdown"] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_crossroads"))
            .args(["evaluate", "a.yaml", "--format", format])
            .current_dir(dir.path())
            .output()
            .unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(!stdout.contains('\u{1b}') && !stdout.contains('\u{7}'), "{format}: {stdout}");
        assert!(stdout.contains("Amara\\u{1b}[2K"), "{format}: shown escaped: {stdout}");
    }
}

/// Every pack folder under `rules/` is built in and chosen by name wherever `--rules` works;
/// a name that is not built in is a usage error that lists those that are.
#[test]
fn a_built_in_pack_is_chosen_by_name() {
    let session = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/coach-fit-cases/it-clicked/answers.yaml");
    let session = session.to_str().unwrap();
    let out = run(&["evaluate", session, "--pack", "coach-fit"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("A good fit to start with"), "{}", stdout(&out));
    for args in [
        vec!["rules", "check", "--pack", "coach-fit", "--deny-warnings"],
        vec!["rules", "test", "--pack", "coach-fit"],
    ] {
        let out = run(&args, None);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stdout(&out));
    }
    let out = run(&["evaluate", session, "--pack", "nope"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("built in: intake, coach-fit"), "{}", stderr(&out));
    // Shell completion offers the built-in packs' names for --pack, not file names.
    let bash = run(&["completions", "bash"], None);
    let script = stdout(&bash);
    let pack_line = script.lines().skip_while(|l| !l.contains("--pack)")).nth(1).unwrap_or_default();
    assert!(pack_line.contains("intake coach-fit"), "{pack_line}");
    let out = run(&["evaluate", session, "--pack", "coach-fit", "--rules", "x"], None);
    assert_eq!(out.status.code(), Some(2), "one pack or the other");
}

/// A reason is given only for what its author wrote it for: a rule that mostly argues against
/// one modality is not the "why" of another it gave a little to, and `argues_for` names the
/// modality a sentence was written for (issue 25, class 1).
#[test]
fn a_reason_is_given_only_for_the_modality_it_was_written_for() {
    let dir = tempfile::tempdir().unwrap();
    let pack = r#"
pack: {id: reasons, version: "1", name: Reasons, languages: [en]}
questions:
  - {id: team, kind: yes_no, text: Is it about your team?}
  - {id: hands_on, kind: yes_no, text: Do you want to be shown how?}
modalities:
  - {id: coaching, name: Coaching, fits_when: For inner work.}
  - {id: group, name: A group, fits_when: For company.}
  - {id: teaching, name: Teaching, fits_when: For a skill.}
rules:
  - id: not_one_person
    phase: level
    when: {team: {is: true}}
    weights: {coaching: -3, group: 1}
    because: One person's coaching will not change a team.
    source: test
  - id: shown_how
    phase: preferences
    when: {hands_on: {is: true}}
    weights: {teaching: 2, coaching: 2}
    because: Being shown how is what teaching gives.
    argues_for: [teaching]
    source: test
"#;
    std::fs::create_dir(dir.path().join("pack")).unwrap();
    std::fs::write(dir.path().join("pack/pack.yaml"), pack).unwrap();
    let report = |answers: &str| {
        std::fs::write(dir.path().join("answers.yaml"), answers).unwrap();
        let out = common::crossroads(
            &["evaluate", "--rules", "pack", "--format", "json", "answers.yaml"],
            dir.path(),
        );
        assert!(out.status.success(), "{}", common::text(&out.stderr));
        let text = common::crossroads(&["evaluate", "--rules", "pack", "answers.yaml"], dir.path());
        (serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap(), common::text(&text.stdout))
    };
    // The group comes first only by what counted against coaching: that is no reason for it.
    let (json, text) = report("answers: {team: true, hands_on: false}\n");
    assert_eq!(json["recommendation"]["primary"], "group");
    assert_eq!(json["reasons"][0]["argues_for"], serde_json::json!([]));
    assert!(!text.contains("\nWhy\n"), "{text}");
    // Coaching wins a tie it shares with teaching (earlier wins), and a sentence about teaching
    // is not its reason; under teaching it would be.
    let (json, text) = report("answers: {team: false, hands_on: true}\n");
    assert_eq!(json["recommendation"]["primary"], "coaching");
    assert_eq!(json["reasons"][0]["argues_for"], serde_json::json!(["teaching"]));
    assert!(!text.contains("what teaching gives"), "{text}");
}

/// The README's `match` example runs from the shipped files: three to five coaches to meet.
#[test]
fn the_shipped_roster_gives_the_readme_match_example() {
    let answers = example("amara.yaml");
    let roster = example("roster.yaml");
    let out = run(
        &["match", answers.to_str().unwrap(), "--coaches", roster.to_str().unwrap(), "--format", "json"],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let shortlist: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let proposed = shortlist["proposed"].as_array().unwrap();
    assert!((3..=5).contains(&proposed.len()), "{shortlist}");
    assert_eq!(shortlist["total"], 12, "the roster's dozen coaches were read");
}
