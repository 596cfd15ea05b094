//! Every persona under `tests/cases/` is assessed with the default pack: what the guidance
//! says of them (`expect.yaml`) must hold, and their text, JSON and Markdown reports are locked.

mod common;

use std::collections::BTreeSet;

use crossroads::diag::Sources;
use crossroads::render::Format;
use crossroads::{answers, evaluate, pack};

#[test]
fn personas_get_what_the_guidance_says_and_their_reports_are_locked() {
    let mut sources = Sources::default();
    let ruleset = common::default_pack(&mut sources);
    let mut primaries = BTreeSet::new();
    let mut failures = Vec::new();
    let cases = common::case_dirs("cases");
    assert!(cases.len() >= 14, "at least 14 personas, found {}", cases.len());

    for dir in &cases {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let answers_path = dir.join("answers.yaml");
        let text = std::fs::read_to_string(&answers_path).expect("answers.yaml");
        let file = sources.add(common::shown(&answers_path), text);
        let answers = answers::read(&ruleset, &sources, file)
            .unwrap_or_else(|d| panic!("{name}: {}", common::diagnostics_text(&sources, &d)));
        let expect_path = dir.join("expect.yaml");
        let expect_file = sources
            .add(common::shown(&expect_path), std::fs::read_to_string(&expect_path).expect("expect.yaml"));
        let expect = pack::read_expect(&ruleset, &sources, expect_file)
            .unwrap_or_else(|d| panic!("{name}: {}", common::diagnostics_text(&sources, &d)));

        let assessment = evaluate(&ruleset, &answers);
        for problem in crossroads::evaluate::unmet(&ruleset, &assessment, &expect) {
            failures.push(format!("{name}: {problem}"));
        }
        if let Some(p) = assessment.primary {
            primaries.insert(ruleset.modalities[p].id.clone());
        }

        common::snapshot_beside(dir).bind(|| {
            insta::assert_snapshot!("text", common::report_text(&ruleset, &assessment, Format::Text));
            insta::assert_snapshot!("markdown", common::report_text(&ruleset, &assessment, Format::Markdown));
            insta::assert_snapshot!("json", common::report_text(&ruleset, &assessment, Format::Json));
            insta::assert_snapshot!(
                "text.fr",
                common::report_in(&ruleset, &assessment, Format::Text, Some("fr"))
            );
        });
    }
    assert!(failures.is_empty(), "expectations not met:\n{}", failures.join("\n"));

    let all: BTreeSet<String> = ruleset.modalities.iter().map(|m| m.id.clone()).collect();
    let missing: Vec<_> = all.difference(&primaries).collect();
    assert!(missing.is_empty(), "no persona gets these as the primary: {missing:?}");
}

#[test]
fn the_same_answers_give_the_same_report() {
    let mut sources = Sources::default();
    let ruleset = common::default_pack(&mut sources);
    let dir = &common::case_dirs("cases")[0];
    let text = std::fs::read_to_string(dir.join("answers.yaml")).unwrap();
    let file = sources.add("answers.yaml", text);
    let answers = answers::read(&ruleset, &sources, file).unwrap();
    let first = common::report_text(&ruleset, &evaluate(&ruleset, &answers), Format::Json);
    let second = common::report_text(&ruleset, &evaluate(&ruleset, &answers), Format::Json);
    assert_eq!(first, second);
}

#[test]
fn colour_is_used_only_when_asked() {
    let mut sources = Sources::default();
    let ruleset = common::default_pack(&mut sources);
    let dir = &common::case_dirs("cases")[0];
    let file = sources.add("answers.yaml", std::fs::read_to_string(dir.join("answers.yaml")).unwrap());
    let assessment = evaluate(&ruleset, &answers::read(&ruleset, &sources, file).unwrap());
    let report = crossroads::report::build(&ruleset, &assessment, None);
    let mut coloured = Vec::new();
    crossroads::render::render(&report, Format::Text, &mut coloured, true).unwrap();
    assert!(String::from_utf8(coloured).unwrap().contains("\x1b["));
    assert!(!common::report_text(&ruleset, &assessment, Format::Text).contains('\x1b'));
}

#[test]
fn a_saved_answers_file_reads_back_to_the_same_answers() {
    let mut sources = Sources::default();
    let ruleset = common::default_pack(&mut sources);
    for dir in common::case_dirs("cases") {
        let file = sources.add("in.yaml", std::fs::read_to_string(dir.join("answers.yaml")).unwrap());
        let original = answers::read(&ruleset, &sources, file).unwrap();
        let written = crossroads::store::document(&ruleset, &original);
        let again = sources.add("out.yaml", written.clone());
        let read_back = answers::read(&ruleset, &sources, again)
            .unwrap_or_else(|d| panic!("{written}\n{}", common::diagnostics_text(&sources, &d)));
        // Ignored answers are not written: they were dropped as hidden.
        assert_eq!(read_back.values, original.values, "{}", dir.display());
        assert_eq!(read_back.respondent, original.respondent);
    }
}
