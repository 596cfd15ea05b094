//! Every persona under `tests/cases/` is assessed with the default pack, and every session under
//! `tests/coach-fit-cases/` with `rules/coach-fit/`: what the guidance says of them
//! (`expect.yaml`) must hold, and their reports are locked.

mod common;

use std::collections::BTreeSet;

use crossroads::diag::Sources;
use crossroads::render::Format;
use crossroads::{answers, evaluate, pack};

#[test]
fn personas_get_what_the_guidance_says_and_their_reports_are_locked() {
    let mut sources = Sources::default();
    let ruleset = common::default_pack(&mut sources);
    check_personas(&ruleset, &mut sources, "cases", 30);
}

/// The second pack, from a folder like any pack an organisation writes: the engine knows
/// nothing of either.
#[test]
fn coach_fit_sessions_get_what_004_says_and_their_reports_are_locked() {
    let mut sources = Sources::default();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/coach-fit");
    let ruleset = pack::load_dir(&dir, &mut sources)
        .unwrap_or_else(|d| panic!("{}", common::diagnostics_text(&sources, &d)));
    check_personas(&ruleset, &mut sources, "coach-fit-cases", 5);
}

/// Every persona under `tests/<cases>/`: its expectations hold, its reports are locked, and
/// every outcome of the pack is some persona's recommendation.
fn check_personas(ruleset: &crossroads::RuleSet, sources: &mut Sources, cases: &str, minimum: usize) {
    let mut primaries = BTreeSet::new();
    let mut failures = Vec::new();
    let dirs = common::case_dirs(cases);
    assert!(dirs.len() >= minimum, "at least {minimum} personas, found {}", dirs.len());

    for dir in &dirs {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let answers_path = dir.join("answers.yaml");
        let text = std::fs::read_to_string(&answers_path).expect("answers.yaml");
        let file = sources.add(common::shown(&answers_path), text);
        let answers = answers::read(ruleset, sources, file)
            .unwrap_or_else(|d| panic!("{name}: {}", common::diagnostics_text(sources, &d)));
        let expect_path = dir.join("expect.yaml");
        let expect_file = sources
            .add(common::shown(&expect_path), std::fs::read_to_string(&expect_path).expect("expect.yaml"));
        let expect = pack::read_expect(ruleset, sources, expect_file)
            .unwrap_or_else(|d| panic!("{name}: {}", common::diagnostics_text(sources, &d)));

        let assessment = evaluate(ruleset, &answers);
        for problem in crossroads::evaluate::unmet(ruleset, &assessment, &expect) {
            failures.push(format!("{name}: {problem}"));
        }
        if let Some(p) = assessment.primary {
            primaries.insert(ruleset.modalities[p].id.clone());
        }

        common::snapshot_beside(dir).bind(|| {
            insta::assert_snapshot!("text", common::report_text(ruleset, &answers, Format::Text));
            insta::assert_snapshot!("markdown", common::report_text(ruleset, &answers, Format::Markdown));
            insta::assert_snapshot!("json", common::report_text(ruleset, &answers, Format::Json));
            insta::assert_snapshot!("html", common::report_text(ruleset, &answers, Format::Html));
            insta::assert_snapshot!(
                "text.fr",
                common::report_in(ruleset, &answers, Format::Text, Some("fr"))
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
    let first = common::report_text(&ruleset, &answers, Format::Json);
    let second = common::report_text(&ruleset, &answers, Format::Json);
    assert_eq!(first, second);
}

#[test]
fn colour_is_used_only_when_asked() {
    let mut sources = Sources::default();
    let ruleset = common::default_pack(&mut sources);
    let dir = &common::case_dirs("cases")[0];
    let file = sources.add("answers.yaml", std::fs::read_to_string(dir.join("answers.yaml")).unwrap());
    let answers = answers::read(&ruleset, &sources, file).unwrap();
    let assessment = evaluate(&ruleset, &answers);
    let report = crossroads::report::build(&ruleset, &assessment, &answers, None);
    let mut coloured = Vec::new();
    crossroads::render::render(&report, Format::Text, &mut coloured, true).unwrap();
    assert!(String::from_utf8(coloured).unwrap().contains("\x1b["));
    assert!(!common::report_text(&ruleset, &answers, Format::Text).contains('\x1b'));
}

/// The text report is for reading on a terminal: a typical person's (the median persona's) fits
/// in under two screens at 80×24, nobody's runs much past two, and every line fits in 80
/// columns. (It grew by the cautions about other kinds of support that the JSON holds and the
/// text once left out, and by the guide a step points to.) French runs about a tenth longer.
#[test]
fn the_text_report_fits_its_length_budget() {
    // (language, the median's budget, everyone's)
    const BUDGETS: [(Option<&str>, usize, usize); 2] = [(None, 42, 56), (Some("fr"), 46, 62)];
    let mut sources = Sources::default();
    let ruleset = common::default_pack(&mut sources);
    let personas = common::personas(&ruleset, &mut sources);
    for (lang, typical, longest) in BUDGETS {
        let mut lengths = Vec::new();
        for (dir, answers) in &personas {
            let text = common::report_in(&ruleset, answers, Format::Text, lang);
            let lines = text.lines().count();
            assert!(lines <= longest, "{} ({lang:?}): {lines} lines\n{text}", dir.display());
            for line in text.lines() {
                assert!(line.chars().count() <= 80, "{}: a line past 80 columns: {line}", dir.display());
            }
            lengths.push(lines);
        }
        lengths.sort_unstable();
        let median = lengths[lengths.len() / 2];
        assert!(median <= typical, "{lang:?}: the median report is {median} lines: {lengths:?}");
    }
}

/// Each sentence of evidence is said once: a pitfall under "Watch out for" is not said again
/// under "Why not", nor a caution again under "What would change it".
#[test]
fn no_sentence_of_evidence_is_said_twice() {
    let mut sources = Sources::default();
    let ruleset = common::default_pack(&mut sources);
    for (dir, answers) in common::personas(&ruleset, &mut sources) {
        let assessment = evaluate(&ruleset, &answers);
        let report = crossroads::report::for_person(&ruleset, &assessment, &answers, None);
        let text = common::report_text(&ruleset, &answers, Format::Text);
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let sentences =
            report.flags.iter().map(|f| &f.message).chain(report.reasons.iter().map(|r| &r.because));
        for sentence in sentences {
            let start: String =
                sentence.split_whitespace().collect::<Vec<_>>().join(" ").chars().take(40).collect();
            assert!(flat.matches(&start).count() <= 1, "{}: said twice: {start}\n{text}", dir.display());
        }
    }
}

/// The HTML report stands alone and runs nothing: no script, nothing fetched, a policy that
/// forbids both, and a name that a respondent typed shown as text.
#[test]
fn the_html_report_is_self_contained_and_inert() {
    let tel = regex::Regex::new(r#"href="tel:\+?[0-9]+""#).unwrap();
    let mut sources = Sources::default();
    let ruleset = common::default_pack(&mut sources);
    for (dir, mut answers) in common::personas(&ruleset, &mut sources) {
        answers.respondent = Some("<script>alert(1)</script><img src=x onerror=alert(2)>".into());
        let html = common::report_text(&ruleset, &answers, Format::Html);
        let name = dir.display();
        assert!(html.starts_with("<!DOCTYPE html>"), "{name}");
        assert!(html.contains("Content-Security-Policy\" content=\"default-src 'none'"), "{name}");
        let escaped = "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;";
        assert!(html.contains(escaped), "{name}: the name is shown as text");
        let html = html.replace(escaped, "");
        // The only links are phone numbers a phone can call: nothing is fetched by them.
        assert_eq!(html.matches("href=").count(), html.matches("href=\"tel:").count(), "{name}");
        let html = tel.replace_all(&html, "").into_owned();
        for forbidden in ["<script", "<img", "src=", "href=", "url(", "@import", "onerror"] {
            assert!(!html.contains(forbidden), "{name}: the page contains {forbidden}");
        }
        // The one address in the page is the SVG namespace, which is a name, not a fetch.
        assert_eq!(
            html.matches("http:").count() + html.matches("https:").count(),
            html.matches("http://www.w3.org/2000/svg").count(),
            "{name}"
        );
    }
}

#[test]
fn a_saved_answers_file_reads_back_to_the_same_answers() {
    let mut sources = Sources::default();
    let ruleset = common::default_pack(&mut sources);
    for dir in common::case_dirs("cases") {
        let file = sources.add("in.yaml", std::fs::read_to_string(dir.join("answers.yaml")).unwrap());
        let original = answers::read(&ruleset, &sources, file).unwrap();
        let written = crossroads::answers::document(&ruleset, &original);
        let again = sources.add("out.yaml", written.clone());
        let read_back = answers::read(&ruleset, &sources, again)
            .unwrap_or_else(|d| panic!("{written}\n{}", common::diagnostics_text(&sources, &d)));
        // Ignored answers are not written: they were dropped as hidden.
        assert_eq!(read_back.values, original.values, "{}", dir.display());
        assert_eq!(read_back.respondent, original.respondent);
    }
}

/// The text report's reasons have a direction: under "Why" only rules whose `because` was
/// written for the recommendation (`argues_for`, by default what a rule mostly adds to: at least
/// as much as it takes from anything else, and at least half what it gives anything); under
/// "Why not X first"
/// only what took from X (a rule, or a pitfall that weighs against it), none repeated from
/// "Why". No weights, hashes or raw citations reach the person's text.
#[test]
fn every_reason_shown_argues_in_the_direction_it_is_shown() {
    let mut sources = Sources::default();
    let ruleset = common::default_pack(&mut sources);
    for (dir, answers) in common::personas(&ruleset, &mut sources) {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let assessment = evaluate(&ruleset, &answers);
        let text = common::report_text(&ruleset, &answers, Format::Text);
        assert!(!text.contains("weight") && !text.contains("sha256"), "{name}:\n{text}");
        // The person's reports speak to the person: no command, no hash (those are for the
        // pack's authors, in `explain`, the JSON and the Markdown).
        let html = common::report_text(&ruleset, &answers, Format::Html);
        for (format, shown) in [("text", &text), ("html", &html)] {
            assert!(!shown.contains("crossroads ") && !shown.contains(&ruleset.hash), "{name} ({format})");
            assert!(!shown.contains("sha256 "), "{name} ({format})");
        }
        // Each heading's bullets, as the person reads them (a bullet's lines joined, its note
        // number dropped); wrapping may break after a hyphen, so compare without whitespace.
        let bare = |t: &str| t.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        let section = |heading: &str| -> Vec<String> {
            let Some(start) = text.find(&format!("\n{heading}\n")) else { return Vec::new() };
            let body = &text[start + heading.len() + 2..];
            let body = &body[..body.find("\n\n").unwrap_or(body.len())];
            body.split("  • ").skip(1).map(|b| bare(b.rsplit_once(" [").map_or(b, |(t, _)| t))).collect()
        };
        // The weights of the rule or flag that says this, by modality id.
        let weights = |said: &str| -> Vec<(String, f64)> {
            let of =
                |w: &[(usize, f64)]| w.iter().map(|&(m, x)| (ruleset.modalities[m].id.clone(), x)).collect();
            if let Some(rule) = ruleset.rules.iter().find(|r| bare(&r.because.default) == said) {
                return of(&rule.weights);
            }
            let flag = ruleset.flags.iter().find(|f| bare(&f.message.default) == said);
            of(&flag.unwrap_or_else(|| panic!("{name}: nothing in the pack says `{said}`")).weights)
        };
        let on = |w: &[(String, f64)], id: &str| w.iter().find(|(m, _)| m == id).map_or(0.0, |(_, x)| *x);
        if let (Some(primary), false) = (assessment.primary, assessment.urgent) {
            let id = &ruleset.modalities[primary].id;
            let why = section("Why");
            for said in &why {
                let rule = ruleset.rules.iter().find(|r| bare(&r.because.default) == *said);
                let rule = rule.unwrap_or_else(|| panic!("{name}: `{said}` is no rule's reason"));
                assert!(rule.argues_for.contains(&primary), "{name}: `{said}` is not written for {id}");
                assert!(on(&weights(said), id) > 0.0, "{name}: `{said}` does not add to {id}");
            }
            if let Some(runner_up) = assessment.ranking.get(1) {
                let runner = &ruleset.modalities[runner_up.modality];
                for said in section(&format!("Why not {} first", runner.name.default)) {
                    assert!(
                        on(&weights(&said), &runner.id) < 0.0,
                        "{name}: `{said}` is not against {}",
                        runner.id
                    );
                    assert!(!why.contains(&said), "{name}: `{said}` is said twice");
                }
            }
        }
    }
}

/// Readiness says which of its parts are not in place: the labelled parts answered in their
/// lower half, lowest first; none for someone ready on every count.
#[test]
fn readiness_names_what_is_not_in_place_yet() {
    let mut sources = Sources::default();
    let ruleset = common::default_pack(&mut sources);
    let mut low = |case: &str| {
        let path = format!("tests/cases/{case}/answers.yaml");
        let file = sources.add(path.clone(), std::fs::read_to_string(&path).unwrap());
        let answers = answers::read(&ruleset, &sources, file).unwrap();
        let report = crossroads::report::build(&ruleset, &evaluate(&ruleset, &answers), &answers, None);
        report.readiness.unwrap().low
    };
    assert_eq!(low("ready-senior-leader"), Vec::<String>::new());
    let sent = low("sent-by-boss");
    assert_eq!(sent.first().map(String::as_str), Some("that the choice to get support is yours"), "{sent:?}");
    assert_eq!(low("community-seeker"), ["a specific goal with a date"]);
}

/// Readiness for coaching-style work is shown beside coaching-style recommendations only
/// (the pack's `readiness_for`): never "ready for coaching" under direct teaching.
#[test]
fn readiness_is_shown_only_beside_what_it_is_about() {
    let mut sources = Sources::default();
    let ruleset = common::default_pack(&mut sources);
    for (dir, answers) in common::personas(&ruleset, &mut sources) {
        let assessment = evaluate(&ruleset, &answers);
        let text = common::report_text(&ruleset, &answers, Format::Text);
        let about = assessment.primary.is_some_and(|p| ruleset.readiness_for.contains(&p))
            && assessment.put_first_by.is_none();
        assert_eq!(text.contains("Readiness for coaching-style work"), about, "{}:\n{text}", dir.display());
    }
}
