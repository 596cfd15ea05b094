//! Tools for the people who write packs: running a pack's own tests with coverage, the full
//! trace of one assessment, and the lints a pack can load with and still be wrong.

pub mod check;
pub mod commands;
pub mod explain;
pub mod fhir;
pub mod fmt;
pub mod google;
pub mod packtest;
pub mod questionnaire;
pub mod schema;
pub mod surveyjs;

use crate::engine::answers::Answer;
use crate::engine::condition::questions_read;
use crate::engine::model::{Condition, Flag, RuleSet, Severity, Target, Test};
use crate::util::number::number;

/// Whether an urgent flag with support reads question `index` (`last`: reads it last, so that
/// its answer is the one that can raise the flag, where a form shows the support).
pub(crate) fn urgent_reading(r: &RuleSet, index: usize, last: bool) -> impl Iterator<Item = &Flag> {
    r.flags.iter().filter(move |f| {
        let mut reads = vec![false; r.questions.len()];
        questions_read(r, &f.when, &mut reads);
        let hit = if last { reads.iter().rposition(|&x| x) == Some(index) } else { reads[index] };
        f.severity == Severity::Urgent && !f.support.is_empty() && hit
    })
}

/// An assessment's ranking as "id total" entries, best first.
pub fn ranking(r: &RuleSet, a: &crate::engine::evaluate::Assessment) -> Vec<String> {
    a.ranking.iter().map(|x| format!("{} {}", r.modalities[x.modality].id, number(x.score))).collect()
}

/// The id of what a test reads.
fn target_id(r: &RuleSet, target: Target) -> String {
    match target {
        Target::Question(q) => r.questions[q].id.clone(),
        Target::Score(s) => r.scores[s].id.clone(),
        Target::Measure(q, m) => r.measure_name(q, m),
    }
}

fn option_values(r: &RuleSet, target: Target, bits: u64) -> String {
    let options = match target {
        Target::Question(q) => r.questions[q].kind.options(),
        Target::Score(_) | Target::Measure(..) => &[],
    };
    let values: Vec<&str> = options
        .iter()
        .enumerate()
        .filter(|(i, _)| bits & (1 << i) != 0)
        .map(|(_, o)| o.value.as_str())
        .collect();
    values.join(", ")
}

/// A test as a pack author wrote it, e.g. "`budget` is `none`".
pub fn describe_test(r: &RuleSet, target: Target, test: &Test) -> String {
    let id = target_id(r, target);
    match test {
        Test::IsBool(b) => format!("`{id}` is {b}"),
        Test::IsNumber(n) => format!("`{id}` is {}", number(*n)),
        Test::OneOf(bits) if bits.count_ones() == 1 => {
            format!("`{id}` is `{}`", option_values(r, target, *bits))
        }
        Test::OneOf(bits) => format!("`{id}` is one of [{}]", option_values(r, target, *bits)),
        Test::NumberIn(ns) => {
            format!("`{id}` is one of [{}]", ns.iter().map(|n| number(*n)).collect::<Vec<_>>().join(", "))
        }
        Test::IncludesAny(bits) => format!("`{id}` includes any of [{}]", option_values(r, target, *bits)),
        Test::AtLeast(n) => format!("`{id}` is at least {}", number(*n)),
        Test::AtMost(n) => format!("`{id}` is at most {}", number(*n)),
        Test::Answered(true) => format!("`{id}` is answered"),
        Test::Answered(false) => format!("`{id}` is not answered"),
        Test::Matches(re) => format!("`{id}` matches /{}/", re.as_str()),
    }
}

/// A whole condition in words.
pub fn describe_condition(r: &RuleSet, condition: &Condition) -> String {
    match condition {
        Condition::Test(target, test) => describe_test(r, *target, test),
        Condition::All(items) => {
            items.iter().map(|c| describe_condition(r, c)).collect::<Vec<_>>().join(" and ")
        }
        Condition::Any(items) => {
            format!(
                "any of ({})",
                items.iter().map(|c| describe_condition(r, c)).collect::<Vec<_>>().join("; ")
            )
        }
        Condition::Not(inner) => format!("not ({})", describe_condition(r, inner)),
    }
}

/// What a test read, in the pack's own terms: an option's value, a number, true or false.
pub fn describe_read(
    r: &RuleSet,
    target: Target,
    values: &[Option<Answer>],
    scores: &[Option<f64>],
) -> String {
    match target {
        Target::Question(q) => match &values[q] {
            None => "no answer".into(),
            Some(Answer::Bool(b)) => b.to_string(),
            Some(Answer::Number(x)) => number(*x),
            Some(Answer::Choice(i)) => format!("`{}`", r.questions[q].kind.options()[*i].value),
            Some(Answer::Multi(bits)) => format!("[{}]", option_values(r, target, *bits)),
            Some(Answer::Text(t)) => format!("{t:?}"),
            Some(Answer::Grid(rows)) => format!("{} rows", rows.len()),
        },
        Target::Score(s) => scores[s].map_or("no value".into(), |v| format!("{v:.1}")),
        Target::Measure(q, m) => {
            crate::engine::condition::measured(values[q].as_ref(), m).map_or("no value".into(), number)
        }
    }
}
