//! `crossroads screen` over exports written as the survey tools write them: a folder per case
//! (`responses.*` and `case.yaml` with the arguments and the exit code), with the output, the
//! inferred mapping, the rejects and standard error locked beside it. Then the properties that
//! matter most: HR sees no individual and no health result, bad rows lose nothing, and a
//! failing or interrupted run leaves no partial output.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{crossroads, text};
use serde::Deserialize;

#[derive(Deserialize)]
struct Case {
    args: Vec<String>,
    #[serde(default)]
    exit: i32,
}

fn responses(dir: &Path) -> PathBuf {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_stem().is_some_and(|s| s == "responses"))
        .unwrap_or_else(|| panic!("{} has no responses file", dir.display()))
}

#[test]
fn every_export_layout_is_screened_and_its_outputs_are_locked() {
    for dir in common::case_dirs("screen") {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let case: Case =
            crossroads::yaml::parse(&std::fs::read_to_string(dir.join("case.yaml")).unwrap()).unwrap();
        let work = tempfile::tempdir().unwrap();
        let input = responses(&dir);
        let mut args: Vec<String> = vec!["screen".into(), input.to_string_lossy().to_string()];
        args.extend(case.args.iter().map(|a| a.replace("{case}", &dir.to_string_lossy())));
        let csv_input = input.extension().is_some_and(|e| e == "csv" || e == "txt");
        if csv_input {
            args.extend(["--emit-mapping".into(), "mapping.yaml".into()]);
        }
        args.extend(["--rejects".into(), "rejects".into(), "--out".into(), "out".into()]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = crossroads(&args, work.path());
        let stderr = text(&out.stderr)
            .replace(&*input.to_string_lossy(), &common::shown(&input))
            .replace(&*dir.to_string_lossy(), &common::shown(&dir));
        assert_eq!(out.status.code(), Some(case.exit), "{name}: {stderr}");
        assert!(out.stdout.is_empty(), "{name}: with --out, nothing goes to standard output");
        let read = |file: &str| std::fs::read_to_string(work.path().join(file)).unwrap_or_default();
        common::snapshot_beside(&dir).bind(|| {
            insta::assert_snapshot!("output", read("out"));
            insta::assert_snapshot!("stderr", stderr);
            if csv_input {
                insta::assert_snapshot!(
                    "mapping",
                    read("mapping.yaml").replace(&*input.to_string_lossy(), &common::shown(&input))
                );
            }
            insta::assert_snapshot!("rejects", read("rejects"));
        });
    }
}

#[test]
fn a_file_with_good_and_bad_rows_assesses_every_good_row_and_reports_every_bad_one() {
    let work = tempfile::tempdir().unwrap();
    let input = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/screen/mixed/responses.csv");
    let out = crossroads(&["screen", input.to_str().unwrap(), "--rejects", "rejects.csv"], work.path());
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    let assessed: Vec<&str> = stdout.lines().skip(1).map(|l| l.split(',').next().unwrap()).collect();
    assert_eq!(assessed, ["amara@example.org", "ben@example.org", "farah@example.org"]);
    let stderr = text(&out.stderr);
    for line in [
        ":3, column \"Is there money",
        ":5, column \"How much do you want",
        ":6, column \"In the past few weeks",
        ":7, column \"Are you living",
    ] {
        assert!(stderr.contains(line), "{line} in {stderr}");
    }
    assert!(stderr.contains("3 assessed, 4 rejected"), "{stderr}");
    let rejects = std::fs::read_to_string(work.path().join("rejects.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(rejects.as_bytes());
    assert_eq!(reader.headers().unwrap().iter().next(), Some("crossroads_error"));
    let original = std::fs::read_to_string(&input).unwrap();
    let mut source = csv::Reader::from_reader(original.as_bytes());
    let bad: Vec<csv::StringRecord> = source
        .records()
        .map(Result::unwrap)
        .filter(|r| {
            r[1].starts_with("bad")
                || r[1].starts_with("out")
                || r[1].starts_with("missing")
                || r[1].starts_with("not")
        })
        .collect();
    let kept: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(kept.len(), 4);
    for (row, original) in kept.iter().zip(&bad) {
        let as_came: Vec<&str> = row.iter().skip(1).collect();
        assert_eq!(as_came, original.iter().collect::<Vec<_>>(), "rejected rows are kept as they came");
    }
    // Fixed, the rejects file screens again as it is: its reason column is ignored.
    let mut reader = csv::Reader::from_reader(rejects.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let column = |start: &str| headers.iter().position(|h| h.starts_with(start)).unwrap();
    let mut fixed = csv::Writer::from_path(work.path().join("fixed.csv")).unwrap();
    fixed.write_record(&headers).unwrap();
    for record in reader.records() {
        let mut fields: Vec<String> = record.unwrap().iter().map(String::from).collect();
        fields[column("Is there money")] = "Yes, my employer or a sponsor will pay".into();
        fields[column("How much do you want")] = "4".into();
        fields[column("In the past few weeks")] = "No".into();
        fields[column("Are you living")] = "No".into();
        fixed.write_record(&fields).unwrap();
    }
    fixed.flush().unwrap();
    let again = crossroads(&["screen", "fixed.csv"], work.path());
    assert_eq!(again.status.code(), Some(0), "{}", text(&again.stderr));
    assert!(text(&again.stderr).contains("4 assessed, 0 rejected"), "{}", text(&again.stderr));
}

fn hr_output(args: &[&str]) -> (String, String) {
    let work = tempfile::tempdir().unwrap();
    let input = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/screen/hr-cohort/responses.csv");
    let mut all = vec!["screen", input.to_str().unwrap(), "--audience", "hr"];
    all.extend(args);
    let out = crossroads(&all, work.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    (text(&out.stdout), text(&out.stderr))
}

#[test]
fn hr_sees_no_group_smaller_than_five_not_even_by_subtraction() {
    for format in ["markdown", "csv", "jsonl"] {
        let (grouped, _) = hr_output(&["--group-by", "department", "--format", format]);
        assert!(grouped.contains("product"), "{grouped}");
        assert!(!grouped.contains("sales"), "the group of four is suppressed: {grouped}");
        // Totals add up the groups shown only: all of them, 6, never the cohort's 10.
        assert!(!grouped.contains("10"), "{grouped}");
    }
    let (csv, _) = hr_output(&["--group-by", "department", "--format", "csv"]);
    let respondents: Vec<&str> = csv.lines().skip(1).map(|l| l.split(',').nth(1).unwrap()).collect();
    assert!(respondents.iter().all(|n| *n == "6"), "{csv}");
}

#[test]
fn hr_never_sees_a_health_result_an_individual_or_free_text() {
    let (ungrouped, stderr) = hr_output(&["--format", "jsonl"]);
    let (markdown, _) = hr_output(&["--group-by", "department", "--format", "markdown"]);
    for output in [&ungrouped, &markdown, &stderr] {
        for secret in [
            "therapy",
            "Talking to a health professional",
            "self_harm",
            "clinical",
            "urgent",
            "Please reach out",
        ] {
            assert!(!output.contains(secret), "{secret} in HR output:\n{output}");
        }
        for individual in ["p01", "p03", "Amara", "Eli", "@example.org"] {
            assert!(!output.contains(individual), "{individual} in HR output:\n{output}");
        }
        for free_text in ["Lead the new product org", "firefighting", "Run better one-to-ones"] {
            assert!(!output.contains(free_text), "free text in HR output:\n{output}");
        }
    }
    // Eli (crisis, consented) and Farah (declined) are both inside the one mixed category.
    let totals: serde_json::Value = serde_json::from_str(ungrouped.lines().next().unwrap()).unwrap();
    assert_eq!(totals["respondents"], 10);
    assert_eq!(totals["recommendation"]["other_or_confidential"], 2, "{totals}");
    assert!(totals["recommendation"].get("therapy").is_none());
    let by_kind: u64 =
        totals["recommendation"].as_object().unwrap().values().map(|v| v.as_u64().unwrap()).sum();
    assert_eq!(by_kind, 10, "everyone is counted once");
}

#[test]
fn hr_rejections_say_where_and_what_kind_never_the_value() {
    let work = tempfile::tempdir().unwrap();
    let input = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/screen/mixed/responses.csv");
    let out = crossroads(&["screen", input.to_str().unwrap(), "--audience", "hr"], work.path());
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains(":7, column \"Are you living"), "{stderr}");
    assert!(!stderr.contains("Maybe") && !stderr.contains("Company card"), "no answer values: {stderr}");
}

#[test]
fn a_required_question_without_a_column_stops_before_any_row() {
    let work = tempfile::tempdir().unwrap();
    let original = common::fixture("tests/screen/plain/responses.csv");
    let broken = original.replacen("self_harm", "self-harm?", 1);
    std::fs::write(work.path().join("r.csv"), broken).unwrap();
    let out = crossroads(&["screen", "r.csv", "--out", "out.csv"], work.path());
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("required question `self_harm`") && stderr.contains("has no column"), "{stderr}");
    assert!(stderr.contains("no row was read"), "{stderr}");
    assert!(!work.path().join("out.csv").exists());
}

#[test]
fn an_emitted_mapping_maps_renamed_columns_when_passed_back() {
    let work = tempfile::tempdir().unwrap();
    let input = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/screen/google-forms/responses.csv");
    let out = crossroads(&["screen", input.to_str().unwrap(), "--emit-mapping", "m.yaml"], work.path());
    assert_eq!(out.status.code(), Some(0));
    let expected = text(&out.stdout);
    // Someone shortened a question in the form; the mapping says which question it is.
    let original = std::fs::read_to_string(&input).unwrap();
    std::fs::write(
        work.path().join("r.csv"),
        original.replacen("Is there money for paid support?", "Budget?", 1),
    )
    .unwrap();
    let mapping = std::fs::read_to_string(work.path().join("m.yaml")).unwrap();
    std::fs::write(
        work.path().join("m.yaml"),
        mapping.replacen("Is there money for paid support?", "Budget?", 1),
    )
    .unwrap();
    assert_eq!(
        crossroads(&["screen", "r.csv"], work.path()).status.code(),
        Some(1),
        "without the mapping: no column"
    );
    let mapped = crossroads(&["screen", "r.csv", "--mapping", "m.yaml"], work.path());
    assert_eq!(mapped.status.code(), Some(0), "{}", text(&mapped.stderr));
    assert_eq!(text(&mapped.stdout), expected);
}

#[test]
fn an_existing_out_file_is_not_replaced_without_force() {
    let work = tempfile::tempdir().unwrap();
    std::fs::write(work.path().join("out.csv"), "keep me\n").unwrap();
    let input = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/screen/plain/responses.csv");
    let out = crossroads(&["screen", input.to_str().unwrap(), "--out", "out.csv"], work.path());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(work.path().join("out.csv")).unwrap(), "keep me\n");
    let forced = crossroads(&["screen", input.to_str().unwrap(), "--out", "out.csv", "--force"], work.path());
    assert_eq!(forced.status.code(), Some(0));
    assert!(std::fs::read_to_string(work.path().join("out.csv")).unwrap().starts_with("respondent,"));
}

#[test]
fn a_run_that_cannot_start_leaves_no_file_and_a_bad_byte_costs_one_row() {
    let work = tempfile::tempdir().unwrap();
    let good = common::fixture("tests/screen/jsonl/responses.jsonl");
    let mut bytes = good.clone().into_bytes();
    bytes.extend_from_slice(b"{\"id\": \"\xff\xfe\"}\n"); // not UTF-8: that row only is lost
    bytes.extend_from_slice(good.lines().next().unwrap().as_bytes());
    std::fs::write(work.path().join("r.jsonl"), bytes).unwrap();
    let out = crossroads(&["screen", "r.jsonl", "--out", "out.csv"], work.path());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("r.jsonl:7: not UTF-8 text"), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("7 assessed, 1 rejected"), "{}", text(&out.stderr));
    let written = std::fs::read_to_string(work.path().join("out.csv")).unwrap();
    assert_eq!(written.lines().count(), 8, "a header and the seven good rows: {written}");

    // A run that cannot start (a required question has no column) writes nothing at all.
    let header_broken =
        common::fixture("tests/screen/plain/responses.csv").replacen("self_harm", "self-harm?", 1);
    std::fs::write(work.path().join("p.csv"), header_broken).unwrap();
    let out = crossroads(&["screen", "p.csv", "--out", "o.csv", "--rejects", "x.csv"], work.path());
    assert_eq!(out.status.code(), Some(1));
    let mut left: Vec<_> = std::fs::read_dir(work.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    left.sort();
    assert_eq!(left, ["out.csv", "p.csv", "r.jsonl"], "no output and no temporary file is left");
}

/// Waits until the process has installed its handler for `signal`: a signal from the process
/// itself (its caught-signals mask), not a guess at how long it takes to start.
fn wait_for_handler(pid: u32, signal: u32) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let caught = status
            .lines()
            .find_map(|l| l.strip_prefix("SigCgt:"))
            .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
            .unwrap_or(0);
        if caught & (1 << (signal - 1)) != 0 {
            return;
        }
        assert!(std::time::Instant::now() < deadline, "the process never installed its handler");
        std::thread::yield_now();
    }
}

#[test]
fn an_interrupted_or_terminated_run_leaves_no_file_at_all() {
    for (signal, name) in [(2, "-INT"), (15, "-TERM")] {
        let work = tempfile::tempdir().unwrap();
        let rows = common::fixture("tests/screen/jsonl/responses.jsonl");
        let mut child = Command::new(env!("CARGO_BIN_EXE_crossroads"))
            .args(["screen", "-", "--input", "jsonl", "--out", "out.csv", "--rejects", "rejects.jsonl"])
            .current_dir(work.path())
            .stdin(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(rows.as_bytes()).unwrap();
        stdin.flush().unwrap();
        // It has read rows and waits for more: stop it there.
        wait_for_handler(child.id(), signal);
        let kill = Command::new("kill").args([name, &child.id().to_string()]).status().unwrap();
        assert!(kill.success());
        let out = child.wait_with_output().unwrap();
        drop(stdin);
        assert_eq!(out.status.code(), Some(130), "{name}: {}", text(&out.stderr));
        assert!(text(&out.stderr).contains("interrupted: nothing was written"), "{}", text(&out.stderr));
        let left: Vec<_> = std::fs::read_dir(work.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert!(left.is_empty(), "{name}: no output and no temporary file is left: {left:?}");
    }
}
