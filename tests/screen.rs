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
    /// Files of the case folder copied into the working folder first (an HR ledger, whose
    /// recorded release makes the noisy counts the same on every run).
    #[serde(default)]
    copy: Vec<String>,
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
        // A ledger's key includes the pack's hash: when the built-in pack changes, its releases
        // are drawn again, once, by `REDRAW_LEDGERS=1 cargo test --test screen` (then a second run
        // takes the stderr snapshots, which say "the same counts as before").
        let redraw = std::env::var_os("REDRAW_LEDGERS").is_some();
        for file in case.copy.iter().filter(|_| !redraw) {
            let copy = work.path().join(file);
            std::fs::copy(dir.join(file), &copy).unwrap();
            // As the tool writes a ledger: owner-only (a checkout's modes depend on its umask).
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o600)).unwrap();
            }
        }
        let input = responses(&dir);
        let mut args: Vec<String> = vec!["screen".into(), input.to_string_lossy().to_string()];
        args.extend(case.args.iter().map(|a| a.replace("{case}", &dir.to_string_lossy())));
        let csv_input = input
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e, "csv" | "txt" | "xlsx" | "xls" | "ods"));
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
        for file in case.copy.iter().filter(|_| redraw) {
            std::fs::copy(work.path().join(file), dir.join(file)).unwrap();
        }
        for file in case.copy.iter().filter(|_| !redraw) {
            let (before, after) =
                (std::fs::read(dir.join(file)).unwrap(), std::fs::read(work.path().join(file)).unwrap());
            assert!(
                before == after,
                "{name}: {file} is left as it was (its release was used, not drawn again)"
            );
        }
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
        ":7, column \"In the past few weeks, has any of these",
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
        fields[column("In the past few weeks, have you had thoughts of harming yourself")] = "No".into();
        fields[column("In the past few weeks, has any of these")] = "".into();
        fixed.write_record(&fields).unwrap();
    }
    fixed.flush().unwrap();
    let again = crossroads(&["screen", "fixed.csv"], work.path());
    assert_eq!(again.status.code(), Some(0), "{}", text(&again.stderr));
    assert!(text(&again.stderr).contains("4 assessed, 0 rejected"), "{}", text(&again.stderr));
}

#[test]
fn html_is_for_hr_only() {
    let work = tempfile::tempdir().unwrap();
    let input = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/screen/plain/responses.csv");
    let out = crossroads(&["screen", input.to_str().unwrap(), "--format", "html"], work.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--format html goes with --audience hr"), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty(), "nothing of a row is written");
}

/// An HR run over the cohort with a ledger in `work`: exit code, standard output and error.
fn hr_run(work: &Path, args: &[&str]) -> (i32, String, String) {
    let input = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/screen/hr-cohort/responses.csv");
    let mut all = vec!["screen", input.to_str().unwrap(), "--audience", "hr", "--ledger", "ledger.json"];
    all.extend(args);
    let out = crossroads(&all, work);
    (out.status.code().unwrap_or(-1), text(&out.stdout), text(&out.stderr))
}

#[test]
fn hr_gets_the_same_report_from_the_same_file_and_every_new_report_is_counted() {
    let work = tempfile::tempdir().unwrap();
    let by_department = ["--group-by", "department", "--groups", "product,sales,engineering,legal"];
    let markdown = [&by_department[..], &["--format", "markdown"]].concat();
    let (code, first, stderr) = hr_run(work.path(), &markdown);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("privacy: a new release, ε = 1, recorded in ledger.json"), "{stderr}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(work.path().join("ledger.json")).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "the ledger is owner-only: {mode:o}");
    }
    // Again, and in another format: the same numbers; nothing more is spent.
    for _ in 0..3 {
        let (_, again, stderr) = hr_run(work.path(), &markdown);
        assert_eq!(again, first, "rerunning cannot average the noise away");
        assert!(stderr.contains("the same counts as before, no new budget spent"), "{stderr}");
    }
    let (_, csv, _) = hr_run(work.path(), &[&by_department[..], &["--format", "csv"]].concat());
    // The same release in both formats (a group the noise hides is hidden in both).
    match csv.lines().find(|l| l.starts_with("product,") && l.contains(",coaching,")) {
        Some(line) => {
            let count = line.split(',').nth(5).unwrap();
            assert!(first.contains(&format!("| Coaching | {count} |")), "{line} against:\n{first}");
        }
        None => assert!(first.contains("Not shown") && first.contains("product"), "{csv}\n{first}"),
    }
    // Another question of the same responses is another release, and the budget adds up.
    let (_, _, stderr) = hr_run(work.path(), &["--group-by", "career_stage"]);
    assert!(stderr.contains("privacy: a new release"), "{stderr}");
    assert!(
        stderr.contains("2 different reports on these same responses have spent ε = 2 in all"),
        "{stderr}"
    );
    // One more person counted is a new release too; a row that is not counted changes nothing.
    let input = common::fixture("tests/screen/hr-cohort/responses.csv");
    let last = input.lines().last().unwrap().replacen("p0", "p9", 1);
    let screen = |name: &str, contents: String| {
        std::fs::write(work.path().join(name), contents).unwrap();
        let out = crossroads(&["screen", name, "--audience", "hr", "--ledger", "ledger.json"], work.path());
        text(&out.stderr)
    };
    let plain = screen("again.csv", input.clone());
    assert!(plain.contains("privacy: a new release"), "{plain}");
    let rejected = screen("rejected.csv", input.clone() + "p999,sales" + &",".repeat(30) + "\n");
    assert!(rejected.contains("the same counts as before"), "{rejected}");
    // One more person counted is a new release, charged to everyone it counts: a fourth report
    // of ε = 1 on these people would pass the ledger's cap of 3, and is refused.
    std::fs::write(work.path().join("more.csv"), format!("{input}{last}\n")).unwrap();
    let out = crossroads(&["screen", "more.csv", "--audience", "hr", "--ledger", "ledger.json"], work.path());
    let more = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{more}");
    assert!(more.contains("past its cap of 3 a person; nothing was released"), "{more}");
    assert!(out.stdout.is_empty(), "no report");
}

/// A fresh ledger for people an earlier ledger counted, deleted or not, or a ledger put back
/// from a copy taken before its last release, would reset their budget: each is refused.
#[test]
fn a_fresh_ledger_or_an_old_copy_is_refused_for_people_already_counted() {
    let work = tempfile::tempdir().unwrap();
    std::fs::write(work.path().join("r.csv"), common::fixture("tests/screen/hr-cohort/responses.csv"))
        .unwrap();
    let hr = |ledger: &str, more: &[&str]| {
        let mut args = vec!["screen", "r.csv", "--audience", "hr", "--ledger", ledger];
        args.extend(more);
        let out = crossroads(&args, work.path());
        (out.status.code(), text(&out.stderr), out.stdout.is_empty())
    };
    assert_eq!(hr("first.json", &[]).0, Some(0));
    std::fs::copy(work.path().join("first.json"), work.path().join("copy.json")).unwrap();
    assert_eq!(hr("first.json", &["--epsilon", "0.5"]).0, Some(0));
    let (code, stderr, empty) = hr("fresh.json", &[]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("counted before through another ledger") && stderr.contains("first.json"),
        "{stderr}"
    );
    assert!(empty, "no report");
    assert!(!work.path().join("fresh.json").exists(), "a ledger made only to refuse is not left behind");
    let (code, stderr, _) = hr("copy.json", &[]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("is an earlier copy of the ledger"), "{stderr}");
    std::fs::remove_file(work.path().join("first.json")).unwrap();
    let (code, stderr, _) = hr("fresh.json", &[]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("no longer there: deleting a ledger resets nothing"), "{stderr}");
}

/// The same responses written another way (attack (f) of issue 22: byte-different copies) and
/// the same groups named in another order (h) are the same question: the stored release comes
/// back and nothing more is spent. Before releases were kept by what they count, each of these
/// was a fresh draw.
#[test]
fn the_same_responses_however_written_and_the_same_groups_in_any_order_give_the_stored_release() {
    let work = tempfile::tempdir().unwrap();
    let input = common::fixture("tests/screen/hr-cohort/responses.csv");
    let records: Vec<csv::StringRecord> =
        csv::Reader::from_reader(input.as_bytes()).records().map(Result::unwrap).collect();
    let header = csv::Reader::from_reader(input.as_bytes()).headers().unwrap().clone();
    let write = |quote: csv::QuoteStyle,
                 terminator: csv::Terminator,
                 rows: &mut dyn Iterator<Item = &csv::StringRecord>,
                 extra: bool| {
        let mut w =
            csv::WriterBuilder::new().quote_style(quote).terminator(terminator).from_writer(Vec::new());
        let mut head = header.clone();
        if extra {
            head.push_field("notes");
        }
        w.write_record(&head).unwrap();
        for (i, r) in rows.enumerate() {
            let mut r = r.clone();
            if extra {
                r.push_field(&format!("a note {i}"));
            }
            w.write_record(&r).unwrap();
        }
        String::from_utf8(w.into_inner().unwrap()).unwrap()
    };
    let plain = || write(csv::QuoteStyle::Necessary, csv::Terminator::Any(b'\n'), &mut records.iter(), false);
    let copies = [
        (
            "shuffled",
            write(csv::QuoteStyle::Necessary, csv::Terminator::Any(b'\n'), &mut records.iter().rev(), false),
        ),
        ("crlf", write(csv::QuoteStyle::Necessary, csv::Terminator::CRLF, &mut records.iter(), false)),
        ("quoted", write(csv::QuoteStyle::Always, csv::Terminator::Any(b'\n'), &mut records.iter(), false)),
        ("bom", format!("\u{feff}{}", plain())),
        ("blank", format!("{}\n", plain())),
        (
            "extra-column",
            write(csv::QuoteStyle::Necessary, csv::Terminator::Any(b'\n'), &mut records.iter(), true),
        ),
    ];
    let groups = |g: &str| vec!["--group-by".to_string(), "department".into(), "--groups".into(), g.into()];
    let run = |name: &str, contents: &str, g: &str| {
        std::fs::write(work.path().join(name), contents).unwrap();
        let mut args: Vec<String> =
            ["screen", name, "--audience", "hr", "--ledger", "ledger.json", "--format", "csv"]
                .iter()
                .map(|s| s.to_string())
                .collect();
        args.extend(groups(g));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = crossroads(&args, work.path());
        assert_eq!(out.status.code(), Some(0), "{name}: {}", text(&out.stderr));
        (text(&out.stdout), text(&out.stderr))
    };
    let (first, stderr) = run("original.csv", &input, "product,sales,engineering,legal");
    assert!(stderr.contains("privacy: a new release"), "{stderr}");
    for (name, copy) in &copies {
        let (again, stderr) = run(&format!("{name}.csv"), copy, "product,sales,engineering,legal");
        assert_eq!(&again, &first, "{name}: the stored counts");
        assert!(stderr.contains("the same counts as before, no new budget spent"), "{name}: {stderr}");
    }
    for order in ["legal,engineering,sales,product", "Sales, Product ,Engineering,LEGAL"] {
        let (again, stderr) = run("original.csv", &input, order);
        assert!(stderr.contains("the same counts as before, no new budget spent"), "{order}: {stderr}");
        assert_eq!(again.lines().count(), first.lines().count(), "{order}");
    }
    let ledger = std::fs::read_to_string(work.path().join("ledger.json")).unwrap();
    assert_eq!(ledger.matches("\"counts\"").count(), 1, "one release in all: {ledger}");
}

#[test]
fn hr_states_the_budget_and_the_noise_in_every_format() {
    let work = tempfile::tempdir().unwrap();
    let (_, markdown, _) = hr_run(work.path(), &["--format", "markdown", "--epsilon", "0.5"]);
    for level in ["0.1", "0.25", "1.0", "2"] {
        let fresh = tempfile::tempdir().unwrap();
        let (code, _, stderr) = hr_run(fresh.path(), &["--epsilon", level]);
        assert_eq!(code, 0, "--epsilon {level} is a level: {stderr}");
    }
    assert!(markdown.contains("ε = 0.5 for this report"), "{markdown}");
    assert!(markdown.contains("Each count is within ±9 of the true count 9 times in 10"), "{markdown}");
    // The guarantee as it is: e^ε / (1 + e^ε) = 62.2% at ε = 0.5, said rounded up; the
    // threshold on a noisy size promises nothing about how many people a group holds.
    assert!(markdown.contains("right at most 63% of the time"), "{markdown}");
    assert!(markdown.contains("a group shown may hold fewer people than that"), "{markdown}");
    assert!(!markdown.contains("no group that counts fewer than"), "{markdown}");
    let (_, csv, _) = hr_run(work.path(), &["--format", "csv", "--epsilon", "0.5"]);
    assert!(csv.starts_with("group,respondents,respondents_within,measure,category,count,within,epsilon\n"));
    assert!(csv.lines().skip(1).all(|l| l.ends_with(",9,0.5")), "{csv}");
    let (_, jsonl, _) = hr_run(work.path(), &["--format", "jsonl", "--epsilon", "0.5"]);
    let line: serde_json::Value = serde_json::from_str(jsonl.lines().next().unwrap()).unwrap();
    assert_eq!((line["epsilon"].as_f64(), line["within"]["count"].as_u64()), (Some(0.5), Some(9)));
    // A few levels, not a dial: a budget nudged from another is refused, not drawn again.
    for bad in ["0.01", "3", "NaN", "-1", "inf", "0.999", "0.998", "1.0001", "0.3"] {
        let (code, _, stderr) = hr_run(work.path(), &[&format!("--epsilon={bad}")]);
        assert_eq!(code, 2, "--epsilon {bad}: {stderr}");
        assert!(stderr.contains("one of the levels 0.1, 0.25, 0.5, 1, 2"), "{stderr}");
    }
}

#[test]
fn hr_never_sees_a_health_result_an_individual_or_free_text() {
    let work = tempfile::tempdir().unwrap();
    let (_, ungrouped, stderr) = hr_run(work.path(), &["--format", "jsonl"]);
    let (_, markdown, _) = hr_run(
        work.path(),
        &["--group-by", "department", "--groups", "product,sales", "--format", "markdown"],
    );
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
        for individual in ["p001", "p003", "Amara", "Eli", "@example.org"] {
            assert!(!output.contains(individual), "{individual} in HR output:\n{output}");
        }
        for free_text in ["Lead the new product org", "firefighting", "Run better one-to-ones"] {
            assert!(!output.contains(free_text), "free text in HR output:\n{output}");
        }
    }
    // Confidential modalities have no count of their own, in any format.
    let totals: serde_json::Value = serde_json::from_str(ungrouped.lines().next().unwrap()).unwrap();
    assert!(totals["recommendation"].get("other_or_confidential").is_some(), "{totals}");
    assert!(totals["recommendation"].get("therapy").is_none(), "{totals}");
    // Nothing says how many people the hidden groups hold.
    assert!(!markdown.contains("are not counted above"), "{markdown}");
}

#[test]
fn hr_groups_only_by_what_cannot_name_a_person_or_an_answer() {
    let work = tempfile::tempdir().unwrap();
    // (d) Free text, a health answer, the respondent's id: refused before any row is read.
    for (column, why) in [
        ("anything_else", "answers question `anything_else` (free text)"),
        ("self_harm", "answers question `self_harm` (yes/no)"),
        ("id", "identifies a person"),
    ] {
        let (code, stdout, stderr) = hr_run(work.path(), &["--group-by", column, "--groups", "a,b"]);
        assert_eq!(code, 1, "{column}: {stderr}");
        assert!(stderr.contains("error[ungroupable-column]") && stderr.contains(why), "{column}: {stderr}");
        assert!(stdout.is_empty());
    }
    assert!(!work.path().join("ledger.json").exists(), "nothing was released, nothing recorded");
    // A column that is no answer groups only by the names HR gives; a question of the pack's
    // `aggregates.grouping` by its options, and never by names given.
    let (code, _, stderr) = hr_run(work.path(), &["--group-by", "department"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("needs --groups"), "{stderr}");
    let (code, _, stderr) = hr_run(work.path(), &["--group-by", "career_stage", "--groups", "x,y"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("are its options"), "{stderr}");
    let (code, _, stderr) = hr_run(work.path(), &["--groups", "x,y"]);
    assert_eq!(code, 2, "{stderr}");
    let (code, markdown, stderr) =
        hr_run(work.path(), &["--group-by", "career_stage", "--format", "markdown"]);
    assert_eq!(code, 0, "{stderr}");
    // Shown as a group, or named as not shown: the pack's option label either way.
    assert!(markdown.contains("Senior (a director"), "{markdown}");
}

#[test]
fn hr_needs_a_ledger_and_keeps_it_apart() {
    let work = tempfile::tempdir().unwrap();
    let input = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/screen/hr-cohort/responses.csv");
    let out = crossroads(&["screen", input.to_str().unwrap(), "--audience", "hr"], work.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--audience hr needs --ledger FILE"), "{}", text(&out.stderr));
    let args = ["screen", input.to_str().unwrap(), "--audience", "hr", "--ledger", input.to_str().unwrap()];
    let out = crossroads(&args, work.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--ledger names the responses file itself"), "{}", text(&out.stderr));
    let out = crossroads(&["screen", input.to_str().unwrap(), "--ledger", "l.json"], work.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--ledger goes with --audience hr"), "{}", text(&out.stderr));
    // A file that is not a ledger is refused and left as it was.
    std::fs::write(work.path().join("notes.json"), "{\"mine\": true}\n").unwrap();
    let args =
        ["screen", input.to_str().unwrap(), "--audience", "hr", "--ledger", "notes.json", "--out", "o.md"];
    let out = crossroads(&args, work.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("is not a crossroads ledger"), "{}", text(&out.stderr));
    assert_eq!(std::fs::read_to_string(work.path().join("notes.json")).unwrap(), "{\"mine\": true}\n");
    assert!(!work.path().join("o.md").exists(), "no report without a recorded release");
}

#[test]
fn hr_rejections_say_where_and_what_kind_never_the_value() {
    let work = tempfile::tempdir().unwrap();
    let input = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/screen/mixed/responses.csv");
    let args = [
        "screen",
        input.to_str().unwrap(),
        "--audience",
        "hr",
        "--ledger",
        "l.json",
        "--rejects",
        "rejects.csv",
    ];
    let out = crossroads(&args, work.path());
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("responses.csv:7: not one of the options"), "{stderr}");
    assert!(!stderr.contains("Maybe") && !stderr.contains("Company card"), "no answer values: {stderr}");
    let rejects = std::fs::read_to_string(work.path().join("rejects.csv")).unwrap();
    let original = common::fixture("tests/screen/mixed/responses.csv");
    let mut lines = rejects.lines();
    assert_eq!(lines.next(), Some("line,problem"));
    for line in lines {
        let (number, kind) = line.split_once(',').unwrap();
        assert!(number.parse::<u64>().is_ok(), "{line}");
        // No cell of any row: not a value, not a key, not the row.
        for cell in original.lines().skip(1).flat_map(|l| l.split(',')).filter(|c| c.len() > 3) {
            assert!(!kind.contains(cell), "{cell} in HR rejects: {line}");
        }
    }
    assert_eq!(rejects.lines().count(), 5, "{rejects}");
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
    assert!(
        text(&out.stderr).contains("7 assessed (1 urgent: reach them first), 1 rejected"),
        "{}",
        text(&out.stderr)
    );
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

#[test]
fn a_header_over_the_row_limit_is_one_error_of_the_file_and_no_row_is_blamed() {
    let dir = tempfile::tempdir().unwrap();
    let good = common::fixture("tests/screen/plain/responses.csv");
    let (header, rows) = good.split_once('\n').unwrap();
    // A header whose last column's name is longer than a row may be.
    let long = format!("{header},\"{}\"\n{rows}", "x".repeat(1 << 20));
    let path = dir.path().join("responses.csv");
    std::fs::write(&path, long).unwrap();
    let out = crossroads(&["screen", path.to_str().unwrap()], dir.path());
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("the header row is longer than 1 MiB"),
        "names the header and the limit: {stderr}"
    );
    assert!(stderr.contains("no row was read"), "{stderr}");
    assert!(!stderr.contains("rejected"), "no row is blamed: {stderr}");
    assert!(out.stdout.is_empty());
}

/// Attack (i) of issue 22: one cohort asked many ways (groupings padded with a group that holds
/// no one, each a new question) is charged to every person each time; once the cap is spent
/// every further report is refused, so an analyst gets at most cap / ε releases of these
/// people, however many variants they try.
#[test]
fn many_groupings_of_one_cohort_are_refused_once_the_cap_is_spent() {
    let work = tempfile::tempdir().unwrap();
    let (mut released, mut refused) = (0, 0);
    for i in 0..8 {
        let groups = format!("product,sales,engineering,legal,nobody{i}");
        let (code, out, stderr) = hr_run(work.path(), &["--group-by", "department", "--groups", &groups]);
        match code {
            0 => released += 1,
            2 => {
                refused += 1;
                assert!(stderr.contains("past its cap of 3 a person; nothing was released"), "{stderr}");
                assert!(out.is_empty(), "no report when refused");
            }
            _ => panic!("{stderr}"),
        }
    }
    assert_eq!((released, refused), (3, 5), "three reports of ε = 1 under a cap of 3");
    let (code, _, stderr) = hr_run(work.path(), &["--epsilon", "0.1", "--group-by", "career_stage"]);
    assert_eq!(code, 2, "nothing is left for anyone: {stderr}");
    // The cap cannot be raised to make room.
    let (code, _, stderr) = hr_run(work.path(), &["--budget", "10", "--group-by", "career_stage"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("can be lowered, never raised"), "{stderr}");
    // What was spent, for whoever keeps the ledger: by release and in counts of people only.
    let out = crossroads(&["ledger", "show", "ledger.json"], work.path());
    let shown = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        shown.contains("a cap of ε = 3 a person") && shown.contains("3 releases, ε = 3 in all"),
        "{shown}"
    );
    assert!(shown.contains("60 people counted:") && shown.contains("60 at the cap"), "{shown}");
    let hashes = regex::Regex::new("[0-9a-f]{16,}").unwrap();
    assert!(!hashes.is_match(&shown), "no one's hash is shown: {shown}");
}

/// A workbook (as Excel, LibreOffice or an older Excel writes it) screens exactly as the same
/// rows saved as CSV: the same people, answers, results and line numbers.
#[test]
fn a_workbook_screens_as_the_same_rows_in_csv() {
    let mut seen = 0;
    for dir in common::case_dirs("screen") {
        let same = dir.join("same.csv");
        if !same.exists() {
            continue;
        }
        seen += 1;
        let work = tempfile::tempdir().unwrap();
        let book = responses(&dir);
        let (a, b) = (
            crossroads(&["screen", book.to_str().unwrap()], work.path()),
            crossroads(&["screen", same.to_str().unwrap()], work.path()),
        );
        assert_eq!(a.status.code(), b.status.code(), "{}: {}", book.display(), text(&a.stderr));
        assert!(!a.stdout.is_empty());
        assert_eq!(text(&a.stdout), text(&b.stdout), "{}", book.display());
    }
    assert!(seen >= 4, "an .xlsx, .xls and .ods at least: {seen}");
}

/// A file that holds no responses is named for what it is, with what is read, in one error.
#[test]
fn a_file_that_is_no_export_is_named_for_what_it_is() {
    let work = tempfile::tempdir().unwrap();
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("word/document.xml", zip::write::SimpleFileOptions::default()).unwrap();
    zip.write_all(b"<w:document/>").unwrap();
    let docx = zip.finish().unwrap().into_inner();
    let cases: [(&str, Vec<u8>, &str); 4] = [
        ("answers.pdf", b"%PDF-1.7\n%\xe2\xe3\n1 0 obj".to_vec(), "is a PDF document"),
        ("answers.docx", docx, "is a Word document"),
        ("answers.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(), "is a PNG image"),
        ("answers.xlsx", b"PK\x03\x04 not really".to_vec(), "not one that can be read"),
    ];
    for (name, bytes, says) in cases {
        let path = work.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let out = crossroads(&["screen", path.to_str().unwrap()], work.path());
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: {stderr}");
        assert!(stderr.contains(says), "{name}: {stderr}");
        assert_eq!(stderr.matches("error:").count(), 1, "one error: {stderr}");
        if !name.ends_with("xlsx") {
            assert!(stderr.contains("screen reads a CSV"), "says what is read: {stderr}");
        }
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn a_sheet_is_named_or_the_first_is_read() {
    let work = tempfile::tempdir().unwrap();
    let book = common::path("tests/screen/google-forms-ods/responses.ods");
    let out = crossroads(&["screen", book.to_str().unwrap(), "--sheet", "Sheet9"], work.path());
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("no sheet \"Sheet9\"") && stderr.contains("\"Form responses 1\""), "{stderr}");
    let out = crossroads(&["screen", book.to_str().unwrap(), "--sheet", "Form responses 1"], work.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let csv = common::path("tests/screen/plain/responses.csv");
    let out = crossroads(&["screen", csv.to_str().unwrap(), "--sheet", "Form1"], work.path());
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("--sheet names a sheet of a workbook"));
}

/// A workbook is bounded by its size before anything in it is read.
#[test]
fn a_workbook_past_the_limit_is_refused_before_it_is_opened() {
    let work = tempfile::tempdir().unwrap();
    let path = work.path().join("huge.xlsx");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(crossroads::screen::workbook::MAX_WORKBOOK_BYTES + 1).unwrap();
    drop(file);
    let mut f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    f.write_all(b"PK\x03\x04").unwrap();
    let out = crossroads(&["screen", path.to_str().unwrap()], work.path());
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("larger than 64 MiB") && stderr.contains("CSV"), "{stderr}");
}

/// `--quiet` leaves out the notes (how the file was read, what was detected), never an urgent
/// row, a rejection or the closing line.
#[test]
fn quiet_leaves_out_notes_never_what_must_be_acted_on() {
    let work = tempfile::tempdir().unwrap();
    let export = common::path("tests/screen/microsoft-forms-es/responses.csv");
    let loud = crossroads(&["screen", export.to_str().unwrap()], work.path());
    assert!(text(&loud.stderr).contains("note: read as windows-1252"), "{}", text(&loud.stderr));
    let quiet = crossroads(&["screen", "--quiet", export.to_str().unwrap()], work.path());
    assert_eq!(quiet.status.code(), loud.status.code());
    assert_eq!(quiet.stdout, loud.stdout, "the same results");
    let stderr = text(&quiet.stderr);
    assert!(!stderr.contains("note:"), "{stderr}");
    assert!(stderr.contains("screened") && stderr.contains("1 urgent: reach them first"), "{stderr}");

    let urgent = common::path("tests/screen/google-forms-balance/responses.csv");
    let out = crossroads(&["screen", "-q", urgent.to_str().unwrap()], work.path());
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.starts_with("URGENT, not assessed: an answer raises self_harm"), "{stderr}");
    assert!(stderr.contains("rejected:") && stderr.contains("; URGENT: 1 of the rows"), "{stderr}");
}
