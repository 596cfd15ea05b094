//! Properties over random complete answer sets for the default pack: duty of care holds
//! whatever the answers, and the evaluator is a function of its inputs.

mod common;

use crossroads::diag::Sources;
use crossroads::model::{Kind, Severity};
use crossroads::render::Format;
use crossroads::{Answer, Answers, RuleSet, evaluate};
use proptest::prelude::*;
use std::sync::LazyLock;

static RULESET: LazyLock<RuleSet> = LazyLock::new(|| common::default_pack(&mut Sources::default()));

fn ruleset() -> &'static RuleSet {
    &RULESET
}

/// Any answer a question of this kind accepts; optional questions may be left out.
fn answer(kind: &Kind, required: bool) -> BoxedStrategy<Option<Answer>> {
    let some: BoxedStrategy<Answer> = match kind {
        Kind::YesNo => any::<bool>().prop_map(Answer::Bool).boxed(),
        Kind::Scale { min, max, .. } => (*min..=*max).prop_map(|x| Answer::Number(x as f64)).boxed(),
        Kind::Number { min, max } => {
            (min.unwrap_or(-1e6)..=max.unwrap_or(1e6)).prop_map(Answer::Number).boxed()
        }
        Kind::Single { options } => (0..options.len()).prop_map(Answer::Choice).boxed(),
        Kind::Multiple { options } => (1u64..(1 << options.len())).prop_map(Answer::Multi).boxed(),
        Kind::Text => "[a-z ]{0,20}".prop_map(Answer::Text).boxed(),
        Kind::Grid(grid) => grid_answer(grid),
    };
    if required { some.prop_map(Some).boxed() } else { proptest::option::of(some).boxed() }
}

/// Any grid answer: each pack row, and up to its own rows, with each cell in its column's
/// range or empty; shares small enough that no column adds up to more than 100.
fn grid_answer(grid: &crossroads::model::Grid) -> BoxedStrategy<Answer> {
    let rows = grid.rows.len() + grid.own_rows;
    let cells: Vec<BoxedStrategy<Option<f64>>> = grid
        .columns
        .iter()
        .map(|c| {
            let (lo, hi) = if c.share { (0, 100 / rows as i64) } else { (c.min, c.max) };
            proptest::option::of((lo..=hi).prop_map(|x| x as f64)).boxed()
        })
        .collect();
    let names: Vec<String> = grid
        .rows
        .iter()
        .map(|r| r.value.clone())
        .chain((0..grid.own_rows).map(|k| format!("Area {k}")))
        .collect();
    proptest::collection::vec(cells, rows)
        .prop_map(move |values| {
            Answer::Grid(
                names
                    .iter()
                    .zip(values)
                    .filter(|(_, v)| v.iter().any(Option::is_some))
                    .map(|(name, values)| crossroads::model::GridRow { name: name.clone(), values })
                    .collect(),
            )
        })
        .boxed()
}

fn answers(ruleset: &'static RuleSet) -> impl Strategy<Value = Answers> {
    let per_question: Vec<_> = ruleset.questions.iter().map(|q| answer(&q.kind, q.required)).collect();
    per_question.prop_map(move |values| Answers::settle(ruleset, values, None))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn an_urgent_flag_never_sits_beside_coaching_mentoring_or_peer_coaching(a in answers(ruleset())) {
        let ruleset = ruleset();
        let assessment = evaluate(ruleset, &a);
        let urgent = assessment.flags.iter().any(|&f| ruleset.flags[f].severity == Severity::Urgent);
        prop_assert_eq!(urgent, assessment.urgent);
        if urgent {
            for id in ["coaching", "mentoring", "peer_coaching"] {
                let m = ruleset.modality(id).unwrap();
                prop_assert!(assessment.primary != Some(m), "{} recommended beside an urgent flag", id);
                prop_assert!(assessment.ranking.iter().all(|r| r.modality != m), "{} ranked beside an urgent flag", id);
            }
            let text = common::report_text(ruleset, &a, Format::Text);
            let help = text.find("Please reach out for support now").expect("support is shown");
            let first_recommendation = text.find("What fits you now").unwrap_or(text.len());
            prop_assert!(help < first_recommendation, "the report must lead with support");
        }
    }

    #[test]
    fn thoughts_of_self_harm_always_raise_the_urgent_flag(a in answers(ruleset())) {
        let ruleset = ruleset();
        let q = ruleset.question("self_harm").unwrap();
        let assessment = evaluate(ruleset, &a);
        if a.values[q] == Some(Answer::Bool(true)) {
            prop_assert!(assessment.urgent);
            prop_assert_eq!(assessment.primary, ruleset.modality("therapy"));
        }
    }

    #[test]
    fn the_same_answers_always_give_the_same_assessment(a in answers(ruleset())) {
        let ruleset = ruleset();
        let first = evaluate(ruleset, &a);
        let second = evaluate(ruleset, &a.clone());
        prop_assert_eq!(&first, &second);
        prop_assert_eq!(
            common::report_text(ruleset, &a, Format::Json),
            common::report_text(ruleset, &a.clone(), Format::Json)
        );
    }

    #[test]
    fn an_assessment_reused_after_anothers_is_what_a_fresh_one_is(
        a in answers(ruleset()),
        b in answers(ruleset()),
    ) {
        let ruleset = ruleset();
        // `screen` assesses row after row into one assessment: nothing of the row before
        // may remain in it.
        let mut reused = evaluate(ruleset, &b);
        crossroads::evaluate::evaluate_into(ruleset, &a, &mut reused);
        prop_assert_eq!(&reused, &evaluate(ruleset, &a));
    }

    #[test]
    fn the_ranking_is_ordered_and_leads_with_the_primary(a in answers(ruleset())) {
        let ruleset = ruleset();
        let assessment = evaluate(ruleset, &a);
        prop_assert_eq!(assessment.primary, assessment.ranking.first().map(|r| r.modality));
        let rest = if assessment.put_first_by.is_some() { &assessment.ranking[1..] } else { &assessment.ranking[..] };
        for pair in rest.windows(2) {
            let ordered = pair[0].score > pair[1].score
                || (pair[0].score == pair[1].score && pair[0].modality < pair[1].modality);
            prop_assert!(ordered, "ranking out of order: {:?}", pair);
        }
        for &(m, _) in &assessment.ruled_out {
            prop_assert!(assessment.ranking.iter().all(|r| r.modality != m));
        }
        for score in assessment.scores.iter().flatten() {
            prop_assert!((0.0..=100.0).contains(score));
        }
    }

    /// A conditional line (a next step, a guide's item) is in the report exactly when its
    /// condition holds for these answers, judged here by `holds` itself.
    #[test]
    fn every_conditional_line_shown_holds_and_none_that_does_not(a in answers(ruleset())) {
        let ruleset = ruleset();
        let assessment = evaluate(ruleset, &a);
        let report = crossroads::report::build(ruleset, &assessment, &a, None);
        let holds = |line: &crossroads::model::Line| {
            line.when.is_none_or(|i| crossroads::engine::condition::holds(&ruleset.line_conditions[i], &a.values, &assessment.scores))
        };
        if let Some(primary) = assessment.primary {
            let expected: Vec<&str> = ruleset.modalities[primary].next_steps.iter().filter(|l| holds(l)).map(|l| l.text.default.as_str()).collect();
            prop_assert_eq!(report.next_steps.iter().map(String::as_str).collect::<Vec<_>>(), expected);
        }
        for shown in &report.guides {
            let guide = ruleset.guides.iter().find(|g| g.id == shown.id).unwrap();
            let expected: Vec<&str> = guide.items.iter().filter(|l| holds(l)).map(|l| l.text.default.as_str()).collect();
            prop_assert_eq!(shown.items.iter().map(String::as_str).collect::<Vec<_>>(), expected);
        }
    }

    /// Under an urgent flag no pitfall is said, in any format: the JSON a program may show
    /// to someone in crisis holds none, as the text and the page hold none.
    #[test]
    fn an_urgent_report_says_no_pitfall_in_any_format(a in answers(ruleset())) {
        let ruleset = ruleset();
        let assessment = evaluate(ruleset, &a);
        if assessment.urgent {
            let report = crossroads::report::build(ruleset, &assessment, &a, None);
            prop_assert!(report.pitfalls.is_empty(), "pitfalls: {:?}", report.pitfalls);
            let json = serde_json::to_value(&report).unwrap();
            for flag in json["flags"].as_array().unwrap() {
                prop_assert_ne!(flag["kind"].as_str(), Some("pitfall"), "{}", flag["id"]);
            }
        }
    }

    /// "What would change it" proposes only answers a person can change: never a part of the
    /// readiness score (another person's openness, not a step), never a `fixed` question, and
    /// nothing that needs readiness when readiness is in its lowest band.
    #[test]
    fn what_would_change_it_proposes_only_what_the_person_can_change(a in answers(ruleset())) {
        let ruleset = ruleset();
        let assessment = evaluate(ruleset, &a);
        let report = crossroads::report::for_person(ruleset, &assessment, &a, None);
        let readiness = ruleset.readiness.unwrap();
        let parts: Vec<&str> =
            ruleset.scores[readiness].parts.iter().map(|p| ruleset.questions[p.question].id.as_str()).collect();
        let unready = assessment.bands[readiness] == Some(0);
        for change in report.changes.iter().flatten() {
            let m = ruleset.modality(&change.modality).unwrap();
            prop_assert!(!(unready && ruleset.readiness_for.contains(&m) && !change.answers.is_empty()),
                "{} proposed to someone not ready", change.modality);
            for answer in &change.answers {
                let q = ruleset.questions.iter().find(|q| q.id == answer.question).unwrap();
                prop_assert!(!parts.contains(&q.id.as_str()), "a readiness part proposed: {}", q.id);
                prop_assert!(!q.fixed, "a fixed question proposed: {}", q.id);
            }
        }
    }
}

/// The words of a section of the text report, from its heading to the next heading, on one line.
fn section(text: &str, heading: &str) -> Option<String> {
    let start = text.find(&format!("\n{heading}\n"))? + heading.len() + 2;
    let rest = &text[start..];
    // Headings stand at the left margin after a blank line; items are indented.
    let end = rest.find("\n\n").map_or(rest.len(), |i| i);
    Some(rest[..end].split_whitespace().collect::<Vec<_>>().join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// A reason given for the recommendation was written for it: a sentence a rule's author
    /// wrote for direct teaching, or one that argues against coaching, is never the "why" of
    /// something else (issue 25, class 1).
    #[test]
    fn every_reason_given_for_the_recommendation_was_written_for_it(a in answers(ruleset())) {
        let ruleset = ruleset();
        let assessment = evaluate(ruleset, &a);
        let Some(primary) = assessment.primary else { return Ok(()) };
        let text = common::report_text(ruleset, &a, Format::Text);
        let Some(why) = section(&text, "Why") else { return Ok(()) };
        for rule in &ruleset.rules {
            let because = rule.because.default.split_whitespace().collect::<Vec<_>>().join(" ");
            if why.contains(&because) {
                prop_assert!(rule.argues_for.contains(&primary),
                    "`{}` given as a reason for {}: {}", rule.id, ruleset.modalities[primary].id, because);
                prop_assert!(rule.weights.iter().any(|&(m, w)| m == primary && w > 0.0));
            }
        }
    }
}

/// Random answers with some given as named: `(question, option)` for choices, `yes`/`no`.
fn answers_with(given: &'static [(&'static str, &'static str)]) -> impl Strategy<Value = Answers> {
    let ruleset = ruleset();
    let per_question: Vec<_> = ruleset.questions.iter().map(|q| answer(&q.kind, q.required)).collect();
    per_question.prop_map(move |mut values| {
        for (id, value) in given {
            let q = ruleset.question(id).unwrap();
            values[q] = Some(match &ruleset.questions[q].kind {
                Kind::YesNo => Answer::Bool(*value == "yes"),
                kind => Answer::Choice(kind.options().iter().position(|o| o.value == *value).unwrap()),
            });
        }
        Answers::settle(ruleset, values, None)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// A team's need has an outcome of its own: the headline names support for the team, not
    /// an individual modality beside a step about the team (issue 25, class 2; seed 003).
    #[test]
    fn a_need_of_the_team_is_met_by_support_for_the_team(a in answers_with(&[("help_with", "team")])) {
        let ruleset = ruleset();
        let assessment = evaluate(ruleset, &a);
        if !assessment.urgent && assessment.put_first_by.is_none() {
            let ranking: Vec<_> =
                assessment.ranking.iter().map(|r| (&ruleset.modalities[r.modality].id, r.score)).collect();
            prop_assert_eq!(assessment.primary, ruleset.modality("team_support"), "{:?}", ranking);
        }
    }

    /// Nothing in the report offers a manager who coaches to someone who said their manager
    /// cannot help them grow (issue 25, class 3).
    #[test]
    fn no_line_offers_a_manager_said_not_to_help(a in answers_with(&[("manager_coach", "no")])) {
        // Only the words that say it is not suggested, and why.
        let text = common::report_text(ruleset(), &a, Format::Text).split_whitespace().collect::<Vec<_>>().join(" ");
        let text = text.replace("Your manager as coach: You said your manager cannot help you grow day to day for now, so your manager as coach is not suggested.", "");
        prop_assert!(!text.to_lowercase().contains("manager"), "{}", text);
    }

    /// A person with little or no money is not told to plan six to twelve months of paid
    /// sessions (issue 25, classes 3 and 4).
    #[test]
    fn little_money_is_never_told_to_plan_a_year_of_sessions(
        a in prop_oneof![answers_with(&[("budget", "little")]), answers_with(&[("budget", "none")])]
    ) {
        let ruleset = ruleset();
        let report = crossroads::report::for_person(ruleset, &evaluate(ruleset, &a), &a, None);
        for step in &report.next_steps {
            prop_assert!(!step.contains("six to twelve months"), "{}", step);
        }
    }

    /// Every line a step points to is in every format: the recommendation's own guides are
    /// printed in the text report too ("ask yourself the questions below"; class 3).
    #[test]
    fn the_guides_a_step_points_to_are_in_the_text_report(a in answers(ruleset())) {
        let ruleset = ruleset();
        let report = crossroads::report::for_person(ruleset, &evaluate(ruleset, &a), &a, None);
        let text = common::report_text(ruleset, &a, Format::Text);
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for guide in report.guides.iter().filter(|g| g.in_full) {
            for item in &guide.items {
                let item = item.split_whitespace().collect::<Vec<_>>().join(" ");
                prop_assert!(flat.contains(&item), "{} missing from:\n{}", item, text);
            }
        }
        if report.next_steps.iter().any(|s| s.contains("below")) {
            prop_assert!(report.guides.iter().any(|g| g.in_full), "a step points below to nothing");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// Nothing computed is hidden: every caution and pitfall the report holds (what a program
    /// reading the JSON shows) is said in the text and the page too (issue 25, class 5).
    #[test]
    fn every_flag_the_report_holds_is_said_in_every_format(a in answers(ruleset())) {
        let ruleset = ruleset();
        let assessment = evaluate(ruleset, &a);
        let report = crossroads::report::for_person(ruleset, &assessment, &a, None);
        let flat = |format| {
            let s = common::report_text(ruleset, &a, format);
            let s = s.replace("&amp;", "&").replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">");
            s.split_whitespace().collect::<Vec<_>>().join(" ")
        };
        let (text, html, markdown) = (flat(Format::Text), flat(Format::Html), flat(Format::Markdown));
        for ruled in &report.recommendation.ruled_out {
            prop_assert!(report.flags.iter().any(|f| f.id == ruled.by_flag), "{} ruled out by an unsaid {}", ruled.id, ruled.by_flag);
        }
        for flag in &report.flags {
            let message = flag.message.split_whitespace().collect::<Vec<_>>().join(" ");
            prop_assert!(text.contains(&message), "text lacks {}: {}", flag.id, text);
            prop_assert!(html.contains(&message), "page lacks {}", flag.id);
            prop_assert!(markdown.contains(&message), "markdown lacks {}: {}", flag.id, common::report_text(ruleset, &a, Format::Markdown));
        }
    }
}
