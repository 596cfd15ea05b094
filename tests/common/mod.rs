//! Helpers shared by the integration tests: the default pack, rendering, and case folders.
#![allow(dead_code)]

pub mod intake;
pub mod postgres;
pub mod process;
pub mod staff;

use std::path::{Path, PathBuf};

use crossroads::diag::{Diagnostic, Sources};
use crossroads::render::{Format, render};
use crossroads::{RuleSet, pack, report};

pub fn default_pack(sources: &mut Sources) -> RuleSet {
    match pack::load_embedded(sources) {
        Ok(ruleset) => ruleset,
        Err(diagnostics) => {
            panic!("the default pack must load:\n{}", diagnostics_text(sources, &diagnostics))
        }
    }
}

pub fn diagnostics_text(sources: &Sources, diagnostics: &[Diagnostic]) -> String {
    let mut out = Vec::new();
    sources.render(diagnostics, &mut out, false).expect("render to a buffer");
    String::from_utf8(out).expect("diagnostics are UTF-8")
}

/// Every persona under `tests/cases/`: its folder and its answers, read against `ruleset`.
pub fn personas(ruleset: &RuleSet, sources: &mut Sources) -> Vec<(PathBuf, crossroads::Answers)> {
    case_dirs("cases")
        .into_iter()
        .map(|dir| {
            let path = dir.join("answers.yaml");
            let file = sources.add(shown(&path), std::fs::read_to_string(&path).expect("answers.yaml"));
            let answers = crossroads::answers::read(ruleset, sources, file)
                .unwrap_or_else(|d| panic!("{}", diagnostics_text(sources, &d)));
            (dir, answers)
        })
        .collect()
}

/// The report of these answers, as `evaluate` would write it.
pub fn report_text(ruleset: &RuleSet, answers: &crossroads::Answers, format: Format) -> String {
    report_in(ruleset, answers, format, None)
}

pub fn report_in(
    ruleset: &RuleSet,
    answers: &crossroads::Answers,
    format: Format,
    lang: Option<&str>,
) -> String {
    let assessment = crossroads::evaluate(ruleset, answers);
    let report = report::for_person(ruleset, &assessment, answers, lang);
    let mut out = Vec::new();
    render(&report, format, &mut out, false).expect("render to a buffer");
    String::from_utf8(out).expect("reports are UTF-8")
}

/// The sub-folders of `tests/<dir>`, sorted, so that runs are repeatable.
pub fn case_dirs(dir: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join(dir);
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// A path as the tests show it: relative to the crate, with forward slashes.
pub fn shown(path: &Path) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    path.strip_prefix(root).unwrap_or(path).to_string_lossy().replace('\\', "/")
}

/// Snapshot settings that put `name.snap` in `dir`, beside the case's input.
pub fn snapshot_beside(dir: &Path) -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(dir);
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    // The pack's hash changes with every edit of the pack; it is checked on its own
    // (tests/shipped.rs), so reports are reviewed for what they say.
    settings.add_filter(r"[0-9a-f]{64}", "[pack-hash]");
    settings.add_filter(r"sha256 [0-9a-f]{12}", "sha256 [pack-hash]");
    settings
}

/// Runs the binary in `dir` with no colour and no standard input. Its state folder (where HR's
/// ledgers' registry is kept) is `dir/.state`: runs in one folder share it, as one user's do,
/// and no test sees another's or the user's own.
pub fn crossroads(args: &[&str], dir: &Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_crossroads"))
        .args(args)
        .current_dir(dir)
        .env("XDG_STATE_HOME", dir.join(".state"))
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

/// Output as text; bytes that are not UTF-8 are shown as U+FFFD.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A fixture's path, from the crate's root.
pub fn path(relative: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// A fixture's text, by its path from the crate's root.
pub fn fixture(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `crossroads accounts add NAME --role ROLE --store STORE --password-stdin` in `dir`, the
/// password given on standard input; panics if it fails.
pub fn add_account(dir: &Path, store: &Path, name: &str, role: &str, password: &str) {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_crossroads"))
        .args([
            "accounts",
            "add",
            name,
            "--role",
            role,
            "--store",
            store.to_str().unwrap(),
            "--password-stdin",
        ])
        .current_dir(dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(format!("{password}\n").as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "accounts add {name}: {}", text(&out.stderr));
}

/// An npm package installed under `target/<folder>` (as `.ci/run` installs it), with node to
/// run it. A machine without them (a new user's) skips the test that needs them and says so
/// loudly; under `CI=true` their absence fails it, so CI never skips silently.
pub fn npm_package(folder: &str, package: &str, version: &str, test: &str) -> Option<PathBuf> {
    let dir =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("target").join(folder).join("node_modules").join(package);
    let node = std::process::Command::new("node").arg("--version").output().is_ok_and(|o| o.status.success());
    if node && dir.join("package.json").is_file() {
        return Some(dir);
    }
    let why = format!(
        "this test needs node and {package} at {}, which this machine lacks: install npm and run \
         `npm install --prefix target/{folder} {package}@{version}` (`bash .ci/run` does both), \
         then `cargo test --test {test}`",
        dir.display()
    );
    skip(&why);
    None
}

/// A test that cannot run on this machine, `why` saying what it lacks and how to get it: under
/// `CI=true` it fails, so CI never skips silently; otherwise it says so loudly, straight to
/// standard error, past the test harness's capture.
pub fn skip(why: &str) {
    assert!(std::env::var("CI").as_deref() != Ok("true"), "CI=true: {why}");
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "\n======== SKIPPED: {why} ========\n");
}

/// `crossroads questionnaire --format FORMAT` (a JSON form) run in `dir`, written to `dir/file`
/// for the tool that reads it, and parsed.
pub fn json_form(dir: &Path, format: &str, file: &str) -> serde_json::Value {
    let form = crossroads(&["questionnaire", "--format", format], dir);
    assert_eq!(form.status.code(), Some(0), "{}", text(&form.stderr));
    std::fs::write(dir.join(file), &form.stdout).unwrap();
    serde_json::from_slice(&form.stdout).unwrap()
}

/// Each persona's answers as the JSON object an answers file holds, in the pack's order.
pub fn persona_answers(ruleset: &RuleSet, sources: &mut Sources) -> Vec<(PathBuf, serde_json::Value)> {
    personas(ruleset, sources)
        .into_iter()
        .map(|(dir, a)| {
            let values =
                crossroads::answers::answer_values(ruleset, &a).into_iter().map(|(k, v)| (k.into(), v));
            (dir, serde_json::Value::Object(values.collect()))
        })
        .collect()
}

/// The rows of `screen --format jsonl`, without who each is (an id in one input, none in
/// another): what each person gets, to compare across inputs.
pub fn screened_rows(out: &std::process::Output) -> Vec<serde_json::Value> {
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let mut rows: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
            v.as_object_mut().unwrap().remove("respondent");
            if let Some(a) = v.get_mut("assessment").and_then(serde_json::Value::as_object_mut) {
                a.remove("respondent");
            }
            v
        })
        .collect();
    rows.sort_by_key(|v| v["line"].as_u64());
    rows
}
