//! `crossroads rules check`: the lints a pack can load with and still be wrong. Each points at
//! file, line and column; all are warnings (the loader's errors come first).

use std::collections::{HashMap, HashSet};

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use crate::engine::answers::{Answer, Answers};
use crate::engine::evaluate::{Standing, evaluate};
use crate::engine::model::{Condition, Kind, RuleSet, Target, Test};
use crate::engine::stepwise::Stepwise;
use crate::pack::schema::RawFile;
use crate::util::diag::{Code, Diagnostic, FileId};
use crate::util::yaml::{Spanned, range_of};

/// How hard the search for a witness tries, per modality: restarts × steps evaluations.
const RESTARTS: usize = 60;
const STEPS: usize = 600;

/// Where each id of one kind is written, by id: built once, so that a lint finds its place in
/// constant time (a scan per rule made `rules check` quadratic in the pack's size).
fn places<'a>(
    files: &'a [(FileId, RawFile)],
    pick: impl Fn(&'a RawFile) -> Vec<&'a Spanned<String>>,
) -> HashMap<&'a str, (FileId, &'a Spanned<String>)> {
    let mut out = HashMap::new();
    for (f, raw) in files {
        for id in pick(raw) {
            out.entry(id.value.as_str()).or_insert((*f, id));
        }
    }
    out
}

fn warning_at(
    code: Code,
    message: String,
    at: Option<(FileId, &Spanned<String>)>,
    label: &str,
) -> Diagnostic {
    let d = Diagnostic::warning(code, message);
    match at {
        Some((file, id)) => d.at(file, range_of(id), label),
        None => d,
    }
}

/// Every lint, in the order of the pack's sections.
pub fn lints(r: &RuleSet, files: &[(FileId, RawFile)]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let (questions, rules, flags, modalities) = (
        places(files, |f| f.questions.iter().map(|q| &q.id).collect()),
        places(files, |f| f.rules.iter().map(|x| &x.id).collect()),
        places(files, |f| f.flags.iter().map(|x| &x.id).collect()),
        places(files, |f| f.modalities.iter().map(|x| &x.id).collect()),
    );
    let question_at = |id: &str| questions.get(id).copied();
    let rule_at = |id: &str| rules.get(id).copied();
    let flag_at = |id: &str| flags.get(id).copied();
    let modality_at = |id: &str| modalities.get(id).copied();

    let used = crate::engine::condition::questions_used(r);
    for (i, q) in r.questions.iter().enumerate() {
        // Free text is asked for the people who read the answers; rules seldom read it.
        if !used[i] && !matches!(q.kind, Kind::Text) {
            out.push(warning_at(
                Code::UnusedQuestion,
                format!(
                    "no rule, score, flag, show_if, line's `when` or matching criterion reads question `{}`",
                    q.id
                ),
                question_at(&q.id),
                "its answer changes nothing",
            ));
        }
    }
    // Flags and rules are linted alike: a condition that can never hold, a missing citation.
    let conditions = r
        .flags
        .iter()
        .map(|f| (f.id.as_str(), &f.when, &f.source, flag_at(&f.id), "flag", "can never be raised"))
        .chain(
            r.rules
                .iter()
                .map(|x| (x.id.as_str(), &x.when, &x.source, rule_at(&x.id), "rule", "can never fire")),
        );
    for (id, when, source, at, what, never) in conditions {
        if contradicts(r, when) {
            let message = format!("{what} `{id}` {never}");
            out.push(warning_at(Code::NeverFires, message, at, "its conditions contradict each other"));
        }
        match source {
            None => out.push(warning_at(
                Code::MissingSource,
                format!("{what} `{id}` cites no source"),
                at,
                "add `source:`",
            )),
            // A pack that names its works names every work it cites: a person reads the name.
            Some(citation) if !r.meta.sources.is_empty() => {
                for work in crate::engine::model::works(citation).filter(|w| r.meta.source(w).is_none()) {
                    let named: Vec<&str> = r.meta.sources.iter().map(|(id, _)| id.as_str()).collect();
                    out.push(
                        warning_at(
                            Code::UnknownSource,
                            format!(
                                "{what} `{id}` cites `{}` (in `{work}`), a work `pack.sources` does not name",
                                work.split_whitespace().next().unwrap_or(work)
                            ),
                            at,
                            "a person's report shows this citation as written",
                        )
                        .note(format!(
                            "a citation starts with the work it cites: one of {}",
                            named.join(", ")
                        )),
                    );
                }
            }
            Some(_) => {}
        }
    }
    // One `because` under several modalities reads as an argument for the one it was written
    // for: the author says which, or writes it for all of them.
    for (file, raw) in files {
        for rule in raw.rules.iter().filter(|x| x.argues_for.is_none()) {
            let adds: Vec<&str> = rule
                .weights
                .value
                .0
                .iter()
                .filter(|(_, w)| w.value > 0.0)
                .map(|(m, _)| m.value.as_str())
                .collect();
            if adds.len() > 1 {
                out.push(
                    warning_at(
                        Code::ReasonForSeveral,
                        format!("rule `{}` adds to {} with one `because`", rule.id.value, adds.join(", ")),
                        Some((*file, &rule.id)),
                        "its reason is given under each of them",
                    )
                    .note("add `argues_for: [...]` naming the modalities its `because` argues for (`[]`: none, it is only evidence against)"),
                );
            }
        }
    }
    // A pack's own tests are answers already written: a modality one of them puts first needs
    // no search, and the search is most of what checking a pack with tests costs.
    let mut reached = vec![false; r.modalities.len()];
    for case in &r.tests {
        if let Some(m) = evaluate(r, &case.answers).primary {
            reached[m] = true;
        }
    }
    for (m, modality) in r.modalities.iter().enumerate() {
        if !reached[m] && witness(r, m).is_none() {
            out.push(
                warning_at(
                    Code::UnreachableModality,
                    format!("no answers found make `{}` the primary recommendation", modality.id),
                    modality_at(&modality.id),
                    "never recommended first",
                )
                .note(format!(
                    "searched {} sets of answers; its rules may weigh too little against the others",
                    RESTARTS * STEPS
                )),
            );
        }
    }
    out
}

/// Whether the tests that must all hold (the top `all`, flattened) can never hold together:
/// for each question or score, the values they leave. `any` and `not` are not looked into,
/// so this finds certain contradictions only.
fn contradicts(r: &RuleSet, condition: &Condition) -> bool {
    let mut tests: Vec<(Target, &Test)> = Vec::new();
    fn flatten<'c>(c: &'c Condition, out: &mut Vec<(Target, &'c Test)>) {
        match c {
            Condition::All(items) => items.iter().for_each(|i| flatten(i, out)),
            Condition::Test(t, test) => out.push((*t, test)),
            _ => {}
        }
    }
    flatten(condition, &mut tests);
    let targets: HashSet<Target> = tests.iter().map(|(t, _)| *t).collect();
    targets.into_iter().any(|target| {
        let on: Vec<&Test> = tests.iter().filter(|(t, _)| *t == target).map(|(_, x)| *x).collect();
        let unanswered = on.iter().any(|t| matches!(t, Test::Answered(false)));
        if unanswered && on.iter().any(|t| !matches!(t, Test::Answered(false))) {
            return true;
        }
        match candidates(r, target) {
            Some(values) => !values.iter().any(|v| on.iter().all(|t| test_value(t, v))),
            None => {
                let (mut lo, mut hi) = (f64::NEG_INFINITY, f64::INFINITY);
                for t in &on {
                    match t {
                        Test::AtLeast(n) => lo = lo.max(*n),
                        Test::AtMost(n) => hi = hi.min(*n),
                        Test::IsNumber(n) => {
                            lo = lo.max(*n);
                            hi = hi.min(*n);
                        }
                        _ => {}
                    }
                }
                lo > hi
            }
        }
    })
}

/// The values a finite question can take, or `None` for numbers, scores and text.
fn candidates(r: &RuleSet, target: Target) -> Option<Vec<Answer>> {
    let Target::Question(q) = target else { return None };
    match &r.questions[q].kind {
        Kind::YesNo => Some(vec![Answer::Bool(true), Answer::Bool(false)]),
        Kind::Scale { min, max, .. } => Some((*min..=*max).map(|p| Answer::Number(p as f64)).collect()),
        Kind::Single { options } => Some((0..options.len()).map(Answer::Choice).collect()),
        _ => None,
    }
}

fn test_value(test: &Test, value: &Answer) -> bool {
    let values = [Some(value.clone())];
    crate::engine::condition::holds(&Condition::Test(Target::Question(0), test.clone()), &values, &[])
}

/// Answers that make `modality` the primary recommendation, if a seeded search finds some.
pub fn witness(r: &RuleSet, modality: usize) -> Option<Answers> {
    let domains: Vec<Vec<Option<Answer>>> = r.questions.iter().map(domain).collect();
    let mut rng = StdRng::seed_from_u64(modality as u64 + 1);
    let mut stepwise = Stepwise::new(r);
    // Found, or how far from it: the modality's total against the best other's, far below
    // when something rules it out. What the steps find, `evaluate` confirms.
    let judge = |standing: Standing, values: &[Option<Answer>]| -> (bool, f64) {
        let primary = standing.ranking.first().map(|x| x.modality);
        if primary == Some(modality)
            && evaluate(r, &Answers::settle(r, values.to_vec(), None)).primary == Some(modality)
        {
            return (true, f64::INFINITY);
        }
        let ruled_out = standing.ruled_out.iter().any(|(m, _)| *m == modality)
            || (standing.urgent && primary != Some(modality));
        let best_other = standing
            .ranking
            .iter()
            .filter(|x| x.modality != modality)
            .map(|x| x.score)
            .fold(f64::MIN, f64::max);
        (false, standing.totals[modality] - best_other.max(-1e9) - if ruled_out { 1000.0 } else { 0.0 })
    };
    for _ in 0..RESTARTS {
        let mut values: Vec<Option<Answer>> =
            domains.iter().map(|d| d[rng.random_range(0..d.len())].clone()).collect();
        let (mut found, mut current) = judge(stepwise.start(&values), &values);
        for _ in 0..STEPS {
            if found {
                return Some(Answers::settle(r, values, None));
            }
            let q = rng.random_range(0..domains.len());
            let before = values[q].clone();
            values[q] = domains[q][rng.random_range(0..domains[q].len())].clone();
            let (ok, s) = judge(stepwise.next(&values), &values);
            if ok || s >= current {
                found = ok;
                current = s;
            } else {
                values[q] = before;
            }
        }
        if found {
            return Some(Answers::settle(r, values, None));
        }
    }
    None
}

/// The answers the search tries for a question.
fn domain(q: &crate::engine::model::Question) -> Vec<Option<Answer>> {
    let mut d: Vec<Option<Answer>> = match &q.kind {
        Kind::YesNo => vec![Some(Answer::Bool(true)), Some(Answer::Bool(false))],
        Kind::Scale { min, max, .. } => (*min..=*max).map(|p| Some(Answer::Number(p as f64))).collect(),
        Kind::Single { options } => (0..options.len()).map(|i| Some(Answer::Choice(i))).collect(),
        Kind::Multiple { options } => (0..options.len()).map(|i| Some(Answer::Multi(1 << i))).collect(),
        Kind::Number { min, max } => {
            let (lo, hi) = (min.unwrap_or(0.0), max.unwrap_or(100.0));
            vec![Some(Answer::Number(lo)), Some(Answer::Number((lo + hi) / 2.0)), Some(Answer::Number(hi))]
        }
        Kind::Text => vec![Some(Answer::Text("-".into()))],
        Kind::Grid(grid) => {
            crate::engine::grid::samples(grid).into_iter().map(|rows| Some(Answer::Grid(rows))).collect()
        }
    };
    if !q.required {
        d.push(None);
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The search's stepwise evaluation stands where `evaluate` does after every step of a
    /// random walk like the search's, in every built-in pack.
    #[test]
    fn stepwise_evaluation_agrees_with_evaluate_along_a_walk() {
        for pack in crate::pack::embedded::builtins() {
            let r = crate::pack::load::load_compiled(pack).expect("built-in pack loads");
            let domains: Vec<Vec<Option<Answer>>> = r.questions.iter().map(domain).collect();
            let mut rng = StdRng::seed_from_u64(7);
            let mut stepwise = Stepwise::new(&r);
            let mut values: Vec<Option<Answer>> = Vec::new();
            for step in 0..4000 {
                let standing = if step % 500 == 0 {
                    values = domains.iter().map(|d| d[rng.random_range(0..d.len())].clone()).collect();
                    stepwise.start(&values)
                } else {
                    // One or two answers changed, as a step and a step taken back do.
                    for _ in 0..rng.random_range(1..=2) {
                        let q = rng.random_range(0..domains.len());
                        values[q] = domains[q][rng.random_range(0..domains[q].len())].clone();
                    }
                    stepwise.next(&values)
                };
                let a = evaluate(&r, &Answers::settle(&r, values.clone(), None));
                let ranked = |ranking: &[crate::engine::evaluate::Ranked]| -> Vec<usize> {
                    ranking.iter().map(|x| x.modality).collect()
                };
                let at = format!("{} step {step}", pack.name);
                assert_eq!(ranked(&standing.ranking), ranked(&a.ranking), "{at}");
                assert_eq!(standing.ruled_out, a.ruled_out, "{at}");
                assert_eq!((standing.urgent, standing.put_first_by), (a.urgent, a.put_first_by), "{at}");
                for (x, y) in standing.totals.iter().zip(&a.totals) {
                    assert!((x - y).abs() < 1e-9, "{at}: {:?} against {:?}", standing.totals, a.totals);
                }
            }
        }
    }
}
