//! What would change the recommendation, for the report a person reads: the fewest changes of
//! answer that would put the runner-up (or a modality the person may expect) first.

use crate::engine::evaluate::Assessment;
use crate::engine::model::{Answers, RuleSet};

use super::{AnswerChange, ChangeOut, Report, build, describe};

/// The report a person reads: [`build`], with what would change it.
pub fn for_person(ruleset: &RuleSet, a: &Assessment, answers: &Answers, lang: Option<&str>) -> Report {
    let mut report = build(ruleset, a, answers, lang);
    add_changes(&mut report, ruleset, a, answers, lang);
    report
}

/// Adds what would change the recommendation: for the runner-up, and for each modality the
/// pack says people may expect when it is not first. Nothing under an urgent flag, nor when a
/// flag put the recommendation first (care first is not a matter of other answers).
fn add_changes(
    report: &mut Report,
    ruleset: &RuleSet,
    a: &Assessment,
    answers: &Answers,
    lang: Option<&str>,
) {
    let mut changes = Vec::new();
    if !a.urgent && a.put_first_by.is_none() {
        let mut targets: Vec<usize> = a.ranking.get(1).map(|r| r.modality).into_iter().collect();
        for &m in &ruleset.expected {
            if a.primary != Some(m) && !targets.contains(&m) {
                targets.push(m);
            }
        }
        let search = crate::engine::whatif::Search::new(ruleset, answers);
        let ui = crate::util::i18n::ui(lang);
        // Readiness in its lowest band: what needs it is not a matter of other answers, however
        // the rules would weigh them; no change of preference is proposed to reach it.
        let unready = ruleset.readiness.and_then(|r| a.bands[r]) == Some(0);
        for m in targets {
            // A modality the person may expect is named even when it is further away, so that
            // "not now" can say "later"; a runner-up out of reach is not.
            let reachable = !(unready && ruleset.readiness_for.contains(&m));
            let found = match search.put_first(answers, m).filter(|_| reachable) {
                Some(found) => found,
                None if ruleset.expected.contains(&m) => Vec::new(),
                None => continue,
            };
            changes.push(ChangeOut {
                modality: ruleset.modalities[m].id.clone(),
                name: ruleset.modalities[m].name.get(lang).to_string(),
                expected: ruleset.expected.contains(&m),
                answers: found
                    .iter()
                    .map(|c| {
                        let q = &ruleset.questions[c.question];
                        AnswerChange {
                            question: q.id.clone(),
                            text: q.text.get(lang).to_string(),
                            from: describe(q, Some(&c.from), ui, lang),
                            to: describe(q, Some(&c.to), ui, lang),
                        }
                    })
                    .collect(),
            });
        }
    }
    report.changes = Some(changes);
}
