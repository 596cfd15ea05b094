//! `screen` on damaged input: safety before validity (a row with an urgent answer is never only
//! a rejected row, whatever else is wrong with it), and no row lost (N good rows and M damaged
//! ones give exactly N assessed and M reported, each at its right line).

mod common;

use common::{crossroads, text};
use proptest::prelude::*;

/// The plain fixture: a header of question ids and six people, Eli (row 3) in crisis.
fn plain() -> (String, Vec<String>) {
    let source = common::fixture("tests/screen/plain/responses.csv");
    let mut lines = source.lines().map(String::from);
    let header = lines.next().unwrap();
    (header, lines.collect())
}

fn column(header: &str, name: &str) -> usize {
    header.split(',').position(|h| h == name).unwrap()
}

/// Sets one cell of a simple CSV line (the plain fixture quotes no cell).
fn set(line: &str, index: usize, value: &str) -> String {
    let mut cells: Vec<String> = line.split(',').map(String::from).collect();
    cells[index] = value.to_string();
    cells.join(",")
}

fn calm(header: &str, rows: &[String]) -> String {
    // Amara: assessed, no flag.
    let amara = rows.iter().find(|r| r.starts_with("Amara")).unwrap();
    set(amara, column(header, "self_harm"), "No")
}

fn in_crisis(header: &str, rows: &[String]) -> String {
    set(&calm(header, rows), column(header, "self_harm"), "Yes")
}

#[test]
fn an_urgent_answer_in_a_bad_row_is_listed_first_counted_and_marked() {
    let work = tempfile::tempdir().unwrap();
    let (header, rows) = plain();
    let bad_budget = set(&in_crisis(&header, &rows), column(&header, "budget"), "Company card");
    let bad_budget = set(&bad_budget, 0, "urgent-person");
    let file = [header.clone(), calm(&header, &rows), bad_budget].join("\n") + "\n";
    std::fs::write(work.path().join("r.csv"), file).unwrap();
    let out = crossroads(&["screen", "r.csv", "--rejects", "rejects.csv"], work.path());
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    let first = stdout.lines().nth(1).unwrap();
    assert!(first.starts_with("urgent-person,3,urgent_incomplete,"), "listed first: {stdout}");
    assert!(first.ends_with("self_harm"), "{first}");
    let stderr = text(&out.stderr);
    assert!(stderr.contains("URGENT, not assessed: an answer raises self_harm"), "{stderr}");
    assert!(stderr.contains("r.csv:3 (urgent-person)"), "{stderr}");
    assert!(stderr.contains("1 assessed, 1 rejected; URGENT: 1 of the rows"), "{stderr}");
    let rejects = std::fs::read_to_string(work.path().join("rejects.csv")).unwrap();
    assert!(
        rejects.lines().nth(1).unwrap().starts_with("\"URGENT, not assessed: an answer raises self_harm")
    );

    // HR is told that rows were not counted and who should look, never that one is urgent.
    let hr = crossroads(&["screen", "r.csv", "--audience", "hr", "--ledger", "l.json"], work.path());
    let stderr = text(&hr.stderr);
    assert!(!stderr.to_lowercase().contains("urgent") && !stderr.contains("self_harm"), "{stderr}");
    assert!(stderr.contains("have whoever holds the coach's view screen this file"), "{stderr}");
}

#[test]
fn an_urgent_answer_that_cannot_be_read_is_listed_first_too() {
    let work = tempfile::tempdir().unwrap();
    let (header, rows) = plain();
    let unreadable = set(&set(&calm(&header, &rows), column(&header, "self_harm"), "maybe"), 0, "unsure");
    // A row cut short before its urgent cell.
    let short: String = calm(&header, &rows).split(',').take(5).collect::<Vec<_>>().join(",");
    let short = set(&short, 0, "short");
    let file = [header.clone(), calm(&header, &rows), unreadable, short].join("\n") + "\n";
    std::fs::write(work.path().join("r.csv"), file).unwrap();
    let out = crossroads(&["screen", "r.csv"], work.path());
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[1].starts_with("unsure,3,urgent_unreadable"), "{stdout}");
    assert!(lines[2].starts_with("short,4,urgent_unreadable"), "{stdout}");
    assert!(lines[3].starts_with("Amara,2,assessed"), "{stdout}");
}

#[test]
fn a_question_answered_twice_in_a_json_row_is_rejected_and_judged_on_both() {
    let work = tempfile::tempdir().unwrap();
    let rows = common::fixture("tests/screen/jsonl/responses.jsonl");
    let amara = rows.lines().next().unwrap();
    let twice = amara.replacen("\"self_harm\": false", "\"self_harm\": true, \"self_harm\": false", 1);
    assert_ne!(twice, amara);
    std::fs::write(work.path().join("r.jsonl"), format!("{amara}\n{twice}\n")).unwrap();
    let out = crossroads(&["screen", "r.jsonl", "--rejects", "rejects.jsonl"], work.path());
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(stdout.lines().nth(1).unwrap().starts_with("Amara,2,urgent_incomplete"), "{stdout}");
    assert!(text(&out.stderr).contains("the question is answered twice in this row"));
    // The rejected row is kept as it came, both keys included, with the reason in front.
    let rejects = std::fs::read_to_string(work.path().join("rejects.jsonl")).unwrap();
    assert!(rejects.starts_with("{\"crossroads_error\":\"URGENT"), "{rejects}");
    assert!(rejects.contains("\"self_harm\": true, \"self_harm\": false"), "{rejects}");
}

/// Ways a row can be damaged; each keeps the row's start so its line is known.
#[derive(Debug, Clone, Copy)]
enum Damage {
    Short,
    Long,
    BadByte,
    UnclosedQuote,
    HugeCell,
    BadOption,
}

const DAMAGES: [Damage; 6] = [
    Damage::Short,
    Damage::Long,
    Damage::BadByte,
    Damage::UnclosedQuote,
    Damage::HugeCell,
    Damage::BadOption,
];

fn damage(line: &str, how: Damage, header: &str) -> Vec<u8> {
    match how {
        Damage::Short => line.split(',').take(10).collect::<Vec<_>>().join(",").into_bytes(),
        Damage::Long => format!("{line},extra,cells").into_bytes(),
        Damage::BadByte => {
            let mut bytes = set(line, column(header, "goal"), "X").into_bytes();
            let at = bytes.iter().position(|&b| b == b'X').unwrap();
            bytes[at] = 0xff;
            bytes
        }
        Damage::UnclosedQuote => set(line, column(header, "goal"), "\"never closed").into_bytes(),
        Damage::HugeCell => set(line, column(header, "goal"), &"x".repeat(1_100_000)).into_bytes(),
        Damage::BadOption => set(line, column(header, "budget"), "Company card").into_bytes(),
    }
}

#[test]
fn a_thousand_rows_with_a_hundred_damaged_give_nine_hundred_assessed_and_a_hundred_reported() {
    let (header, rows) = plain();
    let good = calm(&header, &rows);
    for how in DAMAGES {
        let work = tempfile::tempdir().unwrap();
        let mut file = header.clone().into_bytes();
        file.extend_from_slice(b"\r\n"); // the header's line ending differs from the rows'
        let mut expected_lines = Vec::new();
        let mut line = 2u64;
        for i in 0..1000 {
            if i % 97 == 5 {
                file.extend_from_slice(b"\n"); // blank lines count as lines
                line += 1;
            }
            let row = set(&good, 0, &format!("r{i}"));
            if i % 10 == 3 {
                file.extend(damage(&row, how, &header));
                expected_lines.push(line);
            } else {
                file.extend_from_slice(row.as_bytes());
            }
            file.extend_from_slice(if i % 2 == 0 { b"\n" } else { b"\r\n" });
            line += 1;
        }
        std::fs::write(work.path().join("r.csv"), &file).unwrap();
        for with_rejects in [false, true] {
            let mut args = vec!["screen", "r.csv", "--out", "out.csv", "--force"];
            if with_rejects {
                args.extend(["--rejects", "rejects.csv"]);
            }
            let out = crossroads(&args, work.path());
            let stderr = text(&out.stderr);
            assert_eq!(out.status.code(), Some(1), "{how:?}: {stderr}");
            assert!(stderr.contains("900 assessed, 100 rejected"), "{how:?}: {stderr}");
            // Damage that reaches the urgent cell (a row cut short, a quote that swallows the
            // rest of the line, a row over the limit) leaves that answer unread: such rows are
            // listed for the coach as urgent and unreadable. Other damage leaves it readable.
            let reaches_urgent = matches!(how, Damage::Short | Damage::UnclosedQuote | Damage::HugeCell);
            let assessed = std::fs::read_to_string(work.path().join("out.csv")).unwrap();
            assert_eq!(assessed.lines().filter(|l| l.contains(",assessed,")).count(), 900, "{how:?}");
            let unreadable = assessed.lines().filter(|l| l.contains(",urgent_unreadable,")).count();
            assert_eq!(unreadable, if reaches_urgent { 100 } else { 0 }, "{how:?}");
            if with_rejects {
                let rejects = std::fs::read(work.path().join("rejects.csv")).unwrap();
                // Read back as a later run reads it: broken rows stay one line each.
                let mut records = crossroads::screen::records::Records::new(&rejects[..]);
                let mut reasons = Vec::new();
                while let Some(record) = records.next_record().unwrap() {
                    reasons.push(text(&record.cells[0]));
                }
                reasons.remove(0); // the header
                assert_eq!(reasons.len(), 100, "{how:?}");
                assert!(reasons.iter().all(|r| r.starts_with("URGENT") == reaches_urgent), "{how:?}");
            } else {
                // Standard error names each at its line (the first twenty, and every urgent one).
                let shown = if reaches_urgent { &expected_lines[..] } else { &expected_lines[..20] };
                for line in shown {
                    assert!(stderr.contains(&format!("r.csv:{line}")), "{how:?}: line {line} in {stderr}");
                }
                if !reaches_urgent {
                    assert!(stderr.contains("... and 80 more rows not assessed"), "{how:?}: {stderr}");
                }
            }
        }
        // The rows assessed are exactly the undamaged ones, at their lines.
        let out = crossroads(&["screen", "r.csv", "--format", "jsonl"], work.path());
        let seen: Vec<u64> = text(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .filter(|row| row["status"] == "assessed")
            .map(|row| row["line"].as_u64().unwrap())
            .collect();
        assert_eq!(seen.len(), 900);
        assert!(seen.iter().all(|l| !expected_lines.contains(l)), "{how:?}");
    }
}

#[test]
fn every_rejected_row_has_its_line_in_the_rejects_file() {
    let (header, rows) = plain();
    let good = calm(&header, &rows);
    let work = tempfile::tempdir().unwrap();
    let mut file = format!("{header}\n");
    let mut expected = Vec::new();
    for i in 0..60 {
        let row = set(&good, 0, &format!("r{i}"));
        if i % 2 == 0 {
            file.push_str(&set(&row, column(&header, "budget"), "nope"));
            expected.push(i + 2);
        } else {
            file.push_str(&row);
        }
        file.push('\n');
    }
    std::fs::write(work.path().join("r.csv"), file).unwrap();
    let out = crossroads(&["screen", "r.csv", "--rejects", "rejects.csv"], work.path());
    assert!(text(&out.stderr).contains("30 assessed, 30 rejected"));
    let rejects = std::fs::read_to_string(work.path().join("rejects.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(rejects.as_bytes());
    let ids: Vec<String> = reader.records().map(|r| r.unwrap()[1].to_string()).collect();
    let want: Vec<String> = expected.iter().map(|l| format!("r{}", l - 2)).collect();
    assert_eq!(ids, want, "all 30, in order, as they came");
}

#[test]
fn respondent_text_cannot_act_on_a_terminal_or_a_spreadsheet() {
    let (header, rows) = plain();
    let work = tempfile::tempdir().unwrap();
    let good = calm(&header, &rows);
    let hostile = [
        set(&good, 0, "=HYPERLINK(\"http://x\")"),
        set(&good, 0, "evil\u{1b}[2K\u{1b}[1Aname"),
        set(&set(&good, 0, "bad\u{1b}]0;title\u{7}"), column(&header, "budget"), "\u{1b}[31mred"),
    ];
    let file = [header.clone()].into_iter().chain(hostile).collect::<Vec<_>>().join("\n") + "\n";
    std::fs::write(work.path().join("r.csv"), file).unwrap();
    for format in ["csv", "markdown", "jsonl"] {
        let out = crossroads(&["screen", "r.csv", "--format", format], work.path());
        let all = text(&out.stdout) + &text(&out.stderr);
        assert!(!all.contains('\u{1b}') && !all.contains('\u{7}'), "{format}: {all}");
        assert!(all.contains("\\u{1b}[2K"), "{format}: shown escaped: {all}");
        if format == "csv" {
            assert!(text(&out.stdout).contains("\"'=HYPERLINK("), "{}", text(&out.stdout));
        }
    }
}

#[test]
fn outputs_may_not_name_the_same_file_or_the_input() {
    let work = tempfile::tempdir().unwrap();
    let (header, rows) = plain();
    std::fs::write(work.path().join("r.csv"), format!("{header}\n{}\n", calm(&header, &rows))).unwrap();
    for args in [
        vec!["--out", "a.csv", "--rejects", "a.csv"],
        vec!["--out", "a.csv", "--emit-mapping", "./a.csv"],
        vec!["--rejects", "r.csv", "--force"],
    ] {
        let mut all = vec!["screen", "r.csv"];
        all.extend(args.iter());
        let out = crossroads(&all, work.path());
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(text(&out.stderr).contains("name"), "{}", text(&out.stderr));
    }
    assert!(std::fs::read_to_string(work.path().join("r.csv")).unwrap().starts_with("id,"));
}

#[test]
fn a_mapping_maps_values_and_emit_mapping_writes_what_is_missing_even_when_the_run_stops() {
    let work = tempfile::tempdir().unwrap();
    let (header, rows) = plain();
    // Yes/no written as Ja/Nee, and self_harm renamed: no column, the run stops.
    let renamed = header.replacen("self_harm", "Q30", 1);
    let row = calm(&header, &rows).replace(",No", ",Nee").replace(",Yes", ",Ja");
    std::fs::write(work.path().join("r.csv"), format!("{renamed}\n{row}\n")).unwrap();
    let out = crossroads(&["screen", "r.csv", "--emit-mapping", "m.yaml"], work.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("error[no-column]"), "{}", text(&out.stderr));
    let emitted = std::fs::read_to_string(work.path().join("m.yaml")).unwrap();
    assert!(emitted.contains("\"Q30\": ~"), "{emitted}");
    assert!(emitted.contains("#   self_harm (required)"), "{emitted}");
    // Filled in: the column, and the values that need it.
    let mut filled = emitted
        .replace("\"Q30\": ~", "\"Q30\":\n    question: self_harm\n    values: {Nee: false, Ja: true}");
    for id in [
        "feel_stuck",
        "same_feedback",
        "transition",
        "has_mentors",
        "goal_specific",
        "manager_coach",
        "peers_available",
        "wants_community",
        "daily_life_affected",
        "harm_others",
    ] {
        filled = filled.replace(
            &format!("\"{id}\": {id}\n"),
            &format!("\"{id}\":\n    question: {id}\n    values: {{Nee: false, Ja: true}}\n"),
        );
    }
    std::fs::write(work.path().join("m.yaml"), filled).unwrap();
    let out =
        crossroads(&["screen", "r.csv", "--mapping", "m.yaml", "--emit-mapping", "again.yaml"], work.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("Amara,2,assessed,coaching"), "{}", text(&out.stdout));
    let again = std::fs::read_to_string(work.path().join("again.yaml")).unwrap();
    assert!(again.contains("\"Nee\": false"), "the values are kept: {again}");
    // A value its question does not take is an error in the mapping, at its place.
    let wrong =
        std::fs::read_to_string(work.path().join("m.yaml")).unwrap().replacen("Ja: true", "Ja: maybe", 1);
    std::fs::write(work.path().join("m.yaml"), wrong).unwrap();
    let out = crossroads(&["screen", "r.csv", "--mapping", "m.yaml"], work.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("error[mapping-bad-value]"), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("m.yaml:"), "{}", text(&out.stderr));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// For random rows with random damage to other cells, every row whose urgent answer is
    /// positive appears as urgent in the output.
    #[test]
    fn every_positive_urgent_answer_is_seen_whatever_else_is_wrong(
        plan in proptest::collection::vec((any::<bool>(), proptest::collection::vec((0usize..40, 0usize..4), 0..4)), 1..12)
    ) {
        let (header, rows) = plain();
        let urgent_column = column(&header, "self_harm");
        let width = header.split(',').count();
        let mut file = format!("{header}\n");
        let mut urgent_keys = Vec::new();
        for (i, (urgent, damages)) in plan.iter().enumerate() {
            let base = if *urgent { in_crisis(&header, &rows) } else { calm(&header, &rows) };
            let mut row = set(&base, 0, &format!("k{i}"));
            for (cell, kind) in damages {
                let cell = 1 + cell % (width - 1);
                if cell == urgent_column {
                    continue;
                }
                let value = ["Company card", "\u{fffd}bad", "99", "\"broken"][*kind];
                row = set(&row, cell, value);
            }
            if *urgent {
                urgent_keys.push(format!("k{i}"));
            }
            file.push_str(&row);
            file.push('\n');
        }
        let work = tempfile::tempdir().unwrap();
        std::fs::write(work.path().join("r.csv"), file).unwrap();
        let out = crossroads(&["screen", "r.csv"], work.path());
        let stdout = text(&out.stdout);
        for key in &urgent_keys {
            let line = stdout.lines().find(|l| l.starts_with(&format!("{key},")));
            prop_assert!(line.is_some(), "{key} is in the output: {stdout}");
            let line = line.unwrap();
            let urgent = line.contains(",urgent_") || line.contains("self_harm");
            prop_assert!(urgent, "{key} is urgent: {line}");
        }
        // And urgent ones come first.
        let statuses: Vec<bool> = stdout.lines().skip(1).map(|l| l.contains(",urgent_") || l.contains("self_harm")).collect();
        prop_assert!(statuses.windows(2).all(|w| w[0] || !w[1]), "urgent first: {stdout}");
    }
}

/// Rows are assessed on every core, in batches that finish in any order: whatever the number of
/// threads, every output is the same bytes, urgent rows first in the order of the file.
#[test]
fn the_output_is_the_same_bytes_whatever_the_number_of_threads() {
    let work = tempfile::tempdir().unwrap();
    let (header, rows) = plain();
    let (good, crisis) = (calm(&header, &rows), in_crisis(&header, &rows));
    let mut csv = header.clone() + "\n";
    let mut jsonl = String::new();
    let json_rows: Vec<String> =
        common::fixture("tests/screen/jsonl/responses.jsonl").lines().map(String::from).collect();
    // A fixed pseudo-random sequence: rows of every kind, spread over many batches.
    let mut state = 2026u64;
    let mut urgent_lines = Vec::new();
    for i in 0..3000 {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let pick = (state >> 33) % 20;
        let row = match pick {
            0 => set(&crisis, 0, &format!("c{i}")),
            1 => damage(&set(&good, 0, &format!("d{i}")), DAMAGES[(i % 6) as usize], &header)
                .into_iter()
                .map(char::from)
                .collect::<String>()
                .chars()
                .take(2000)
                .collect(),
            2 => set(&set(&crisis, 0, &format!("u{i}")), column(&header, "budget"), "Company card"),
            3 => String::new(),
            _ => set(&good, 0, &format!("r{i}")),
        };
        if matches!(pick, 0 | 2) {
            urgent_lines.push(i + 2); // every row is one line, a blank one too
        }
        csv.push_str(&row);
        csv.push('\n');
        jsonl.push_str(&json_rows[(i % json_rows.len() as u64) as usize]);
        jsonl.push('\n');
    }
    std::fs::write(work.path().join("r.csv"), &csv).unwrap();
    std::fs::write(work.path().join("r.jsonl"), &jsonl).unwrap();
    let run = |input: &str, format: &str, jobs: &str| {
        let dir = work.path().join(format!("{input}-{format}-{jobs}"));
        std::fs::create_dir(&dir).unwrap();
        let rejects = dir.join("rejects");
        let mapping = dir.join("mapping.yaml");
        let mut args = vec!["screen", input, "--format", format, "--jobs", jobs];
        args.extend(["--rejects", rejects.to_str().unwrap()]);
        if input.ends_with(".csv") {
            args.extend(["--emit-mapping", mapping.to_str().unwrap()]);
        }
        let out = crossroads(&args, work.path());
        let files =
            [std::fs::read(&rejects).unwrap_or_default(), std::fs::read(&mapping).unwrap_or_default()];
        (out.status.code(), out.stdout, out.stderr, files)
    };
    for input in ["r.csv", "r.jsonl"] {
        for format in ["csv", "jsonl", "markdown"] {
            let one = run(input, format, "1");
            assert!(one.1.len() > 10_000, "{input} {format}: {}", text(&one.2));
            for jobs in ["2", "5"] {
                let many = run(input, format, jobs);
                assert!(one == many, "{input} --format {format}: --jobs 1 and --jobs {jobs} differ");
            }
        }
    }
    // And what is the same is right: the urgent rows lead, in the order of the file (those
    // in crisis, and damaged rows whose urgent answer could not be read), then the rest.
    let one = run("r.csv", "csv", "3");
    let stdout = text(&one.1);
    let urgent = |l: &&str| l.contains("self_harm") || l.contains(",urgent_");
    let lines: Vec<&str> = stdout.lines().skip(1).collect();
    let split = lines.iter().position(|l| !urgent(l)).unwrap();
    assert!(lines[split..].iter().all(|l| !urgent(l)), "urgent rows first");
    let line_of = |l: &&str| l.split(',').nth(1).unwrap().parse::<u64>().unwrap();
    let first: Vec<u64> = lines[..split].iter().map(line_of).collect();
    assert!(first.is_sorted() && lines[split..].iter().map(line_of).is_sorted());
    assert!(urgent_lines.iter().all(|l| first.contains(l)) && first.len() > urgent_lines.len());
}
