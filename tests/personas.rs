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

/// The text report's reasons have a direction: under "Why" only rules that weigh most for the
/// recommendation; under "Why not X first" only rules that weigh most against X. No weights,
/// hashes or raw citations reach the person's text.
#[test]
fn every_reason_shown_argues_in_the_direction_it_is_shown() {
    let mut sources = Sources::default();
    let ruleset = common::default_pack(&mut sources);
    for dir in common::case_dirs("cases") {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let file = sources.add("a.yaml", std::fs::read_to_string(dir.join("answers.yaml")).unwrap());
        let answers = answers::read(&ruleset, &sources, file).unwrap();
        let assessment = evaluate(&ruleset, &answers);
        let text = common::report_text(&ruleset, &assessment, Format::Text);
        assert!(!text.contains("weight") && !text.contains("sha256"), "{name}:\n{text}");
        // Each heading's bullets, as the person reads them (a bullet's lines joined).
        let section = |heading: &str| -> Vec<String> {
            let Some(start) = text.find(&format!("\n{heading}\n")) else { return Vec::new() };
            let body = &text[start + heading.len() + 2..];
            let body = &body[..body.find("\n\n").unwrap_or(body.len())];
            body.split("  • ").skip(1).map(|b| b.split_whitespace().collect::<Vec<_>>().join(" ")).collect()
        };
        // Wrapping may break a line after a hyphen: compare without whitespace.
        let bare = |t: &str| t.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        let dominant = |because: &str| {
            let rule = ruleset
                .rules
                .iter()
                .find(|r| bare(because) == bare(&r.because.default))
                .unwrap_or_else(|| panic!("no rule says `{because}`"));
            let top = rule.weights.iter().map(|(_, w)| w.abs()).fold(0.0, f64::max);
            let ids: Vec<(String, f64)> = rule
                .weights
                .iter()
                .filter(|(_, w)| w.abs() == top)
                .map(|(m, w)| (ruleset.modalities[*m].id.clone(), *w))
                .collect();
            ids
        };
        let unwrap_bullet = |b: &str| b.rsplit_once(" [").map_or(b.to_string(), |(t, _)| t.to_string());
        if let (Some(primary), false) = (assessment.primary, assessment.urgent) {
            let id = &ruleset.modalities[primary].id;
            for bullet in section("Why") {
                let because = unwrap_bullet(&bullet);
                let top = dominant(&because);
                assert!(
                    top.iter().any(|(m, w)| m == id && *w > 0.0),
                    "{name}: `{because}` is not for {id}: {top:?}"
                );
            }
        }
        if let Some(runner_up) = assessment.ranking.get(1) {
            let runner = &ruleset.modalities[runner_up.modality];
            for bullet in section(&format!("Why not {} first", runner.name.default)) {
                let because = unwrap_bullet(&bullet);
                let top = dominant(&because);
                assert!(top.iter().any(|(m, w)| *m == runner.id && *w < 0.0), "{name}: `{because}`: {top:?}");
            }
        }
    }
}
