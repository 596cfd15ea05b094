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
    };
    if required { some.prop_map(Some).boxed() } else { proptest::option::of(some).boxed() }
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
