//! `compare` and `match`, through the binary as people run them: each case under
//! `tests/choosing/compare/` (a person's chemistry sessions) and `tests/choosing/match/` (a
//! person's intake, against the roster of a dozen coaches) meets what 004 says of it
//! (`expect.yaml`), and its output is locked beside it.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CompareExpect {
    /// The files' names, best first.
    order: Vec<String>,
    fewer: bool,
    /// Each result's outcome, in that order, where the case says.
    #[serde(default)]
    primaries: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MatchExpect {
    /// The ids proposed, in any order.
    proposed: Vec<String>,
    #[serde(default)]
    withheld: bool,
    #[serde(default)]
    urgent: bool,
    #[serde(default)]
    note: bool,
    #[serde(default)]
    fewer: bool,
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn expect<T: for<'de> Deserialize<'de>>(dir: &Path) -> T {
    let text = std::fs::read_to_string(dir.join("expect.yaml")).expect("expect.yaml");
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
}

/// Runs the binary from the crate's root; stdout, with its exit code checked.
fn run(args: &[&str], code: i32) -> String {
    let out = common::crossroads(args, root());
    let stderr = common::text(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "crossroads {args:?}\n{stderr}");
    common::text(&out.stdout)
}

fn sessions(dir: &Path) -> Vec<String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("a case folder")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml") && !p.ends_with("expect.yaml"))
        .collect();
    files.sort();
    files.iter().map(|p| common::shown(p)).collect()
}

#[test]
fn sessions_are_compared_best_first_and_the_comparisons_are_locked() {
    let cases = common::case_dirs("choosing/compare");
    assert!(cases.len() >= 2);
    for dir in cases {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let expect: CompareExpect = expect(&dir);
        let files = sessions(&dir);
        let args = |format: &str, lang: &str| -> Vec<String> {
            let mut a: Vec<String> = ["compare", "--pack", "coach-fit", "--format", format, "--lang", lang]
                .map(String::from)
                .into();
            a.extend(files.iter().cloned());
            a
        };
        let with = |a: Vec<String>| run(&a.iter().map(String::as_str).collect::<Vec<_>>(), 0);
        let json: Value = serde_json::from_str(&with(args("json", "en"))).expect("JSON");
        let order: Vec<String> = json["results"]
            .as_array()
            .expect("results")
            .iter()
            .map(|r| {
                let file = r["file"].as_str().expect("file");
                Path::new(file).file_stem().unwrap().to_string_lossy().to_string()
            })
            .collect();
        assert_eq!(order, expect.order, "{name}: the order");
        if let Some(primaries) = &expect.primaries {
            let got: Vec<&str> = json["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["report"]["recommendation"]["primary"].as_str().unwrap_or(""))
                .collect();
            assert_eq!(&got, primaries, "{name}: the outcomes");
        }
        assert_eq!(json["fewer"].is_string(), expect.fewer, "{name}: the advice to meet more");
        // Each session is named by the coach's name the person gave, not by its file.
        let labelled = |r: &Value| r["label"].as_str().is_some_and(|l| l.contains(' '));
        assert!(json["results"].as_array().unwrap().iter().all(labelled), "{name}: labels");
        common::snapshot_beside(&dir).bind(|| {
            insta::assert_snapshot!("text", with(args("text", "en")));
            insta::assert_snapshot!("text.fr", with(args("text", "fr")));
            insta::assert_snapshot!("markdown", with(args("markdown", "en")));
        });
    }
}

#[test]
fn a_file_that_cannot_be_read_is_named_and_the_others_are_still_compared() {
    let dir = root().join("tests/choosing/compare/four-coaches");
    let mut files = sessions(&dir);
    files.insert(1, "tests/choosing/no-such-session.yaml".into());
    let mut args = vec!["compare", "--pack", "coach-fit", "--format", "json"];
    args.extend(files.iter().map(String::as_str));
    let out = common::crossroads(&args, root());
    assert_eq!(out.status.code(), Some(1), "{}", common::text(&out.stderr));
    assert!(common::text(&out.stderr).contains("no-such-session.yaml"));
    let json: Value = serde_json::from_slice(&out.stdout).expect("the comparison is still written");
    assert_eq!(json["results"].as_array().unwrap().len(), files.len() - 1);
    assert_eq!(json["unread"][0], "tests/choosing/no-such-session.yaml");
}

#[test]
fn a_pack_that_says_nothing_of_comparing_is_refused() {
    let out = common::crossroads(&["compare", "tests/cases/ready-senior-leader/answers.yaml"], root());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        common::text(&out.stderr).contains("does not say how to compare"),
        "{}",
        common::text(&out.stderr)
    );
}

#[test]
fn a_person_gets_a_shortlist_with_reasons_and_the_shortlists_are_locked() {
    let cases = common::case_dirs("choosing/match");
    assert!(cases.len() >= 5);
    for dir in cases {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let expect: MatchExpect = expect(&dir);
        let answers = common::shown(&dir.join("answers.yaml"));
        let args = |roster: &str, format: &'static str, lang: &'static str| {
            run(&["match", &answers, "--coaches", roster, "--format", format, "--lang", lang], 0)
        };
        let json: Value =
            serde_json::from_str(&args("tests/choosing/roster.yaml", "json", "en")).expect("JSON");
        let proposed: BTreeSet<&str> =
            json["proposed"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect();
        let expected: BTreeSet<&str> = expect.proposed.iter().map(String::as_str).collect();
        assert_eq!(proposed, expected, "{name}: who is proposed");
        assert_eq!(json["withheld"].is_string(), expect.withheld, "{name}: withheld");
        assert_eq!(json["urgent"], expect.urgent, "{name}: urgent");
        assert_eq!(json["note"].is_string(), expect.note, "{name}: the note that something else fits first");
        assert_eq!(json["fewer"].is_string(), expect.fewer, "{name}: fewer than asked");
        assert!(proposed.len() <= 5, "{name}: at most five");
        if expect.urgent {
            assert!(!json["support"].as_array().unwrap().is_empty(), "{name}: support first");
        }
        // Every proposal carries its reasons; never a bare list.
        for p in json["proposed"].as_array().unwrap() {
            assert!(!p["met"].as_array().unwrap().is_empty(), "{name}: {} without a reason", p["id"]);
            assert!(
                p["profile"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .all(|f| f["field"] != "gender" && f["field"] != "age_band")
            );
        }
        // The same roster as CSV says the same.
        let mut from_csv: Value =
            serde_json::from_str(&args("tests/choosing/roster.csv", "json", "en")).expect("JSON");
        from_csv["roster"] = json["roster"].clone();
        assert_eq!(from_csv, json, "{name}: the CSV roster reads as the YAML one");
        common::snapshot_beside(&dir).bind(|| {
            insta::assert_snapshot!("text", args("tests/choosing/roster.yaml", "text", "en"));
            insta::assert_snapshot!("text.fr", args("tests/choosing/roster.yaml", "text", "fr"));
            insta::assert_snapshot!("markdown", args("tests/choosing/roster.yaml", "markdown", "en"));
        });
    }
}

/// A coach's gender or age counts only for a person who said which they would be more
/// comfortable with: for everyone else, changing every coach's gender and age changes nothing.
#[test]
fn gender_and_age_count_only_when_a_person_asked() {
    let roster = common::fixture("tests/choosing/roster.yaml");
    let swapped = roster
        .replace("gender: woman", "gender: TMP")
        .replace("gender: man", "gender: woman")
        .replace("gender: TMP", "gender: man")
        .replace("age_band: under_40", "age_band: TMP")
        .replace("age_band: over_55", "age_band: under_40")
        .replace("age_band: TMP", "age_band: over_55");
    assert_ne!(roster, swapped);
    let dir = tempfile::tempdir().unwrap();
    let swapped_path = dir.path().join("swapped.yaml");
    std::fs::write(&swapped_path, swapped).unwrap();
    let swapped_path = swapped_path.to_string_lossy().to_string();
    let mut people: Vec<PathBuf> =
        common::case_dirs("cases").into_iter().chain(common::case_dirs("choosing/match")).collect();
    people.retain(|d| d.join("answers.yaml").is_file());
    let mut asked = 0;
    for dir in people {
        let answers = common::shown(&dir.join("answers.yaml"));
        let text = std::fs::read_to_string(dir.join("answers.yaml")).unwrap();
        let said = [
            "coach_gender: woman",
            "coach_gender: man",
            "coach_age: under_40",
            "coach_age: 40_to_55",
            "coach_age: over_55",
        ]
        .iter()
        .any(|s| text.contains(s));
        let shortlist = |roster: &str| -> Value {
            let out = run(&["match", &answers, "--coaches", roster, "--format", "json"], 0);
            let mut v: Value = serde_json::from_str(&out).unwrap();
            v["roster"] = Value::Null;
            v
        };
        let (before, after) = (shortlist("tests/choosing/roster.yaml"), shortlist(&swapped_path));
        if said {
            asked += 1;
            assert_ne!(before, after, "{answers}: a stated preference should count");
        } else {
            assert_eq!(before, after, "{answers}: gender or age counted for a person who did not ask");
        }
    }
    assert!(asked >= 2, "cases where a person asked");
}

#[test]
fn a_broken_roster_is_refused_with_where_and_what_is_allowed() {
    for dir in common::case_dirs("choosing/rosters") {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let roster = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.file_stem().is_some_and(|s| s == "roster"))
            .unwrap_or_else(|| panic!("{name}: a roster file"));
        let roster = common::shown(&roster);
        let out = common::crossroads(
            &["match", "tests/choosing/match/no-preferences/answers.yaml", "--coaches", &roster],
            root(),
        );
        assert_eq!(out.status.code(), Some(1), "{name}");
        assert!(out.stdout.is_empty(), "{name}: nothing proposed from a broken roster");
        let stderr = common::text(&out.stderr);
        assert!(stderr.contains(&roster), "{name}: the file is named\n{stderr}");
        common::snapshot_beside(&dir).bind(|| insta::assert_snapshot!("diagnostics", stderr));
    }
}

/// Support comes before the roster is even read: a person in danger is never turned away by a
/// roster that cannot be read.
#[test]
fn an_urgent_answer_is_seen_whatever_the_roster() {
    let out = run(
        &[
            "match",
            "tests/choosing/match/urgent/answers.yaml",
            "--coaches",
            "tests/choosing/no-such-roster.csv",
        ],
        0,
    );
    assert!(out.contains("Please reach out for support now"), "{out}");
    assert!(out.contains("988"), "{out}");
}

#[test]
fn the_roster_schema_is_published_and_the_roster_meets_it() {
    let schema: Value = serde_json::from_str(&run(&["rules", "schema", "roster"], 0)).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    let roster: Value = serde_saphyr::from_str(&common::fixture("tests/choosing/roster.yaml")).unwrap();
    assert!(validator.is_valid(&roster));
    let bad: Value = serde_json::json!({"coaches": [{"id": "x", "name": "X", "colour": "blue"}]});
    assert!(!validator.is_valid(&bad), "an unknown field is refused");
}

/// `compare` and `match` are features of the pack format, not of coaching: a pack about
/// language tutors uses them the same way.
#[test]
fn a_pack_about_something_else_compares_and_matches_too() {
    let compared = run(
        &[
            "compare",
            "--rules",
            "tests/packs-valid/tutor",
            "--format",
            "json",
            "tests/choosing/tutor/ben.yaml",
            "tests/choosing/tutor/ana.yaml",
        ],
        0,
    );
    let json: Value = serde_json::from_str(&compared).unwrap();
    let labels: Vec<&str> =
        json["results"].as_array().unwrap().iter().map(|r| r["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["Ana", "Ben"], "the trial that worked first");
    assert!(json["fewer"].is_null(), "two compared, as the pack asks");
    let one = run(&["compare", "--rules", "tests/packs-valid/tutor", "tests/choosing/tutor/ben.yaml"], 0);
    assert!(one.contains("try a second tutor"), "{one}");

    let matched = run(
        &[
            "match",
            "tests/choosing/tutor/learner.yaml",
            "--rules",
            "tests/packs-valid/tutor",
            "--coaches",
            "tests/choosing/tutor/tutors.yaml",
            "--format",
            "json",
        ],
        0,
    );
    let json: Value = serde_json::from_str(&matched).unwrap();
    let ids: Vec<&str> =
        json["proposed"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect();
    // French at a low fee: Ana (with a trial) before Cy; Ben's fee and Di's language leave them out.
    assert_eq!(ids, ["ana", "cy"]);
    assert_eq!(json["left_out"], 2);
    assert_eq!(json["proposed"][1]["unmet"][0]["text"], "Offers no trial lesson.");
}
