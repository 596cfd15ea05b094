//! Conditions: whether one holds for a person's answers, where it first fails, and which
//! questions it reads. Apart from the evaluator so that answers (for `show_if`) and the
//! evaluator both use it without using each other.

use crate::engine::model::{Answer, Condition, RuleSet, Target, Test};

/// Whether a condition holds. A test of an unanswered (or hidden) question is false,
/// except `answered: false`; the loader has already refused any malformed condition.
#[inline]
pub fn holds(condition: &Condition, values: &[Option<Answer>], scores: &[Option<f64>]) -> bool {
    // Most conditions test one answer: that case is inlined where conditions are walked (every
    // rule of every row), the rest is a call.
    match condition {
        Condition::Test(Target::Question(q), test) => {
            test_answer(test, values.get(*q).and_then(Option::as_ref))
        }
        _ => holds_nested(condition, values, scores),
    }
}

fn holds_nested(condition: &Condition, values: &[Option<Answer>], scores: &[Option<f64>]) -> bool {
    match condition {
        Condition::All(items) => items.iter().all(|c| holds(c, values, scores)),
        Condition::Any(items) => items.iter().any(|c| holds(c, values, scores)),
        Condition::Not(inner) => !holds(inner, values, scores),
        Condition::Test(Target::Question(_), _) => holds(condition, values, scores),
        Condition::Test(Target::Score(s), test) => {
            let score = scores.get(*s).copied().flatten();
            test_answer(test, score.map(Answer::Number).as_ref())
        }
        Condition::Test(Target::Measure(q, measure), test) => test_answer(
            test,
            measured(values.get(*q).and_then(Option::as_ref), *measure).map(Answer::Number).as_ref(),
        ),
    }
}

/// A measure of a grid answer (`None` for any other answer, or when no row gives it). The
/// grid's shape is not needed: the gap is read from the rows by the columns the measure names.
pub fn measured(answer: Option<&Answer>, measure: crate::engine::model::Measure) -> Option<f64> {
    let Some(Answer::Grid(rows)) = answer else { return None };
    crate::engine::model::measure_rows(measure, rows)
}

#[inline(always)]
fn test_answer(test: &Test, answer: Option<&Answer>) -> bool {
    let Some(answer) = answer else {
        return matches!(test, Test::Answered(false));
    };
    match (test, answer) {
        (Test::Answered(expected), _) => *expected,
        (Test::IsBool(expected), Answer::Bool(b)) => b == expected,
        (Test::IsNumber(n), Answer::Number(x)) => x == n,
        (Test::NumberIn(ns), Answer::Number(x)) => ns.contains(x),
        (Test::AtLeast(n), Answer::Number(x)) => x >= n,
        (Test::AtMost(n), Answer::Number(x)) => x <= n,
        (Test::OneOf(bits), Answer::Choice(i)) => bits & (1 << i) != 0,
        (Test::IncludesAny(bits), Answer::Multi(chosen)) => bits & chosen != 0,
        (Test::Matches(re), Answer::Text(s)) => re.is_match(s),
        // The loader matches tests to kinds and the checker answers to kinds, so this is unreachable
        // for a loaded pack; it is false rather than a panic for hand-built rule sets.
        _ => false,
    }
}

/// The innermost part of a condition that makes it false, for explaining why a rule did not
/// fire; `None` when it holds. Built on `holds`, so it cannot disagree with evaluation.
pub fn first_failure<'c>(
    condition: &'c Condition,
    values: &[Option<Answer>],
    scores: &[Option<f64>],
) -> Option<&'c Condition> {
    if holds(condition, values, scores) {
        return None;
    }
    match condition {
        Condition::All(items) => items.iter().find_map(|c| first_failure(c, values, scores)),
        // Every branch failed; the first one stands for them.
        Condition::Any(items) => {
            items.first().and_then(|c| first_failure(c, values, scores)).or(Some(condition))
        }
        Condition::Not(_) | Condition::Test(..) => Some(condition),
    }
}

/// Marks every question that `condition` reads, directly or through a score.
/// Every question something of the pack reads: a rule, a flag, a line's `when`, a `show_if`, a
/// score, the consent to be counted, a matching criterion. A score's parts are read by the
/// score, whether or not a condition tests it.
pub fn questions_used(r: &RuleSet) -> Vec<bool> {
    let mut used = vec![false; r.questions.len()];
    let conditions = r.rules.iter().map(|x| &x.when).chain(r.flags.iter().map(|x| &x.when));
    let conditions = conditions
        .chain(&r.line_conditions)
        .chain(r.questions.iter().filter_map(|q| q.show_if.as_ref()))
        .chain(r.matching.iter().flat_map(|m| &m.criteria).flat_map(|c| &c.when));
    conditions.for_each(|c| questions_read(r, c, &mut used));
    r.scores.iter().flat_map(|s| &s.parts).for_each(|p| used[p.question] = true);
    r.aggregates.consent.iter().for_each(|&q| used[q] = true);
    for c in r.matching.iter().flat_map(|m| &m.criteria) {
        if let crate::engine::model::Reads::Answer { question, .. } = c.reads {
            used[question] = true;
        }
    }
    used
}

pub fn questions_read(ruleset: &RuleSet, condition: &Condition, reads: &mut [bool]) {
    match condition {
        Condition::All(items) | Condition::Any(items) => {
            items.iter().for_each(|c| questions_read(ruleset, c, reads))
        }
        Condition::Not(inner) => questions_read(ruleset, inner, reads),
        Condition::Test(Target::Question(q) | Target::Measure(q, _), _) => reads[*q] = true,
        Condition::Test(Target::Score(s), _) => {
            ruleset.scores[*s].parts.iter().for_each(|p| reads[p.question] = true)
        }
    }
}
