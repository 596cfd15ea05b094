//! What would change a recommendation: the fewest answers that, answered otherwise, would put
//! another modality first. A search over the pack's own rules, run only when a report asks.
//!
//! Answers about health are never proposed for change (an urgent or confidential flag, or a rule
//! for a confidential modality, reads them): "if you were not grieving" is not advice; nor are
//! the questions a pack marks `fixed` (what the person came for), nor free text, nor the parts
//! of the readiness score ("if you were more open to feedback" describes another person, not
//! a step this one can take). A change that
//! would raise a flag not raised now is not a way forward either: "if you did not want support,
//! self-coaching would come first" is true of the rules and useless to a person; and each answer
//! proposed must, on its own, add to the modality or lift a flag that rules it out, not merely
//! take from the one ahead ("if you had no peer to meet…"). The search is
//! exhaustive up to [`MAX_CHANGES`] answers and deterministic: among the smallest sets of
//! changes that work, the one that puts the modality furthest ahead, then the first in the
//! pack's order.

use crate::engine::answers::{Answer, Answers};
use crate::engine::condition::questions_read;
use crate::engine::evaluate::{Assessment, evaluate, health_related};
use crate::engine::model::{Condition, Kind, RuleSet, Target, Test};

/// Beyond two answers, "what would change it" is a different person, not a next step.
pub const MAX_CHANGES: usize = 2;

/// Scales with more points than this are tried at this many evenly spaced points (and at the
/// values the pack's conditions name), so that a 101-point scale costs what an 11-point one does.
const SCALE_SAMPLES: i64 = 11;

/// The most answer sets one search evaluates: a pack of hundreds of questions cannot make a
/// report wait. Past it the search gives up (deterministically) and says nothing.
pub const MAX_TRIALS: usize = 20_000;

/// Multiple choices with at most this many options are tried with every other set of options.
const MULTIPLE_SETS: usize = 6;

/// One answer, as it is and as it would have to be.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub question: usize,
    pub from: Answer,
    pub to: Answer,
}

/// The questions whose answers may be proposed for change, each with the other answers to try.
pub struct Search<'a> {
    ruleset: &'a RuleSet,
    candidates: Vec<Candidate>,
}

struct Candidate {
    question: usize,
    current: Answer,
    others: Vec<Answer>,
}

impl<'a> Search<'a> {
    /// The answers worth trying for this person: only questions they answered, that some rule,
    /// flag or score reads, and that are not about health.
    pub fn new(ruleset: &'a RuleSet, answers: &Answers) -> Search<'a> {
        let health = health_related(ruleset);
        let mut read = vec![false; ruleset.questions.len()];
        for rule in &ruleset.rules {
            questions_read(ruleset, &rule.when, &mut read);
        }
        for flag in &ruleset.flags {
            questions_read(ruleset, &flag.when, &mut read);
        }
        let mut constants: Vec<Vec<f64>> = vec![Vec::new(); ruleset.questions.len()];
        for condition in ruleset.rules.iter().map(|r| &r.when).chain(ruleset.flags.iter().map(|f| &f.when)) {
            collect_constants(condition, &mut constants);
        }
        let mut readiness = vec![false; ruleset.questions.len()];
        for part in ruleset.readiness.iter().flat_map(|&r| &ruleset.scores[r].parts) {
            readiness[part.question] = true;
        }
        let candidates = (0..ruleset.questions.len())
            .filter(|&q| read[q] && !health[q] && !ruleset.questions[q].fixed && !readiness[q])
            .filter_map(|q| {
                let current = answers.values[q].as_ref()?;
                let others = alternatives(&ruleset.questions[q].kind, current, &constants[q]);
                (!others.is_empty()).then(|| Candidate { question: q, current: current.clone(), others })
            })
            .collect();
        Search { ruleset, candidates }
    }

    /// The fewest changes to `answers` that would put `target` first (none if it is first), or
    /// `None` when more than [`MAX_CHANGES`] would be needed (or no change tried would do it).
    pub fn put_first(&self, answers: &Answers, target: usize) -> Option<Vec<Change>> {
        let now = evaluate(self.ruleset, answers);
        if lead(&now, &now.flags, target).is_some() {
            return Some(Vec::new());
        }
        // Which answers, each on its own, argue for the target.
        let helps = self
            .candidates
            .iter()
            .map(|candidate| {
                (candidate.others.iter())
                    .map(|other| {
                        let mut values = answers.values.clone();
                        values[candidate.question] = Some(other.clone());
                        let a = evaluate(self.ruleset, &Answers::settle(self.ruleset, values, None));
                        let lifted = now.ruled_out.iter().any(|&(m, f)| {
                            m == target && !a.ruled_out.iter().any(|&(m2, f2)| m2 == target && f2 == f)
                        });
                        a.totals[target] > now.totals[target] || lifted
                    })
                    .collect()
            })
            .collect();
        let mut goal = Goal { target, flags: &now.flags, helps, trials: 0 };
        for size in 1..=MAX_CHANGES {
            let mut best: Option<(f64, Vec<Change>)> = None;
            let mut chosen: Vec<(usize, usize)> = Vec::with_capacity(size);
            self.combinations(answers, &mut goal, size, 0, &mut chosen, &mut best);
            if goal.trials > MAX_TRIALS {
                return None;
            }
            if let Some((_, changes)) = best {
                return Some(changes);
            }
        }
        None
    }

    /// Every set of `size` changes to distinct questions (in pack order, from candidate
    /// `start`), keeping in `best` the one that puts `target` furthest ahead.
    fn combinations(
        &self,
        answers: &Answers,
        goal: &mut Goal,
        size: usize,
        start: usize,
        chosen: &mut Vec<(usize, usize)>,
        best: &mut Option<(f64, Vec<Change>)>,
    ) {
        if chosen.len() == size {
            goal.trials += 1;
            if goal.trials > MAX_TRIALS {
                return;
            }
            let mut values = answers.values.clone();
            for &(c, v) in chosen.iter() {
                let candidate = &self.candidates[c];
                values[candidate.question] = Some(candidate.others[v].clone());
            }
            let changed = Answers::settle(self.ruleset, values, None);
            let a = evaluate(self.ruleset, &changed);
            if let Some(lead) = lead(&a, goal.flags, goal.target)
                && best.as_ref().is_none_or(|(l, _)| lead > *l)
            {
                let changes = chosen
                    .iter()
                    .map(|&(c, v)| {
                        let candidate = &self.candidates[c];
                        Change {
                            question: candidate.question,
                            from: candidate.current.clone(),
                            to: candidate.others[v].clone(),
                        }
                    })
                    .collect();
                *best = Some((lead, changes));
            }
            return;
        }
        for c in start..self.candidates.len() {
            for v in 0..self.candidates[c].others.len() {
                if !goal.helps[c][v] {
                    continue;
                }
                chosen.push((c, v));
                self.combinations(answers, goal, size, c + 1, chosen, best);
                chosen.pop();
            }
        }
    }
}

/// What the search looks for: `target` first, with no flag beyond those raised now, through
/// answers that each argue for it.
struct Goal<'a> {
    target: usize,
    flags: &'a [usize],
    /// By candidate and answer: the answer alone adds to the target or lifts what rules it out.
    helps: Vec<Vec<bool>>,
    /// Answer sets evaluated so far, against [`MAX_TRIALS`].
    trials: usize,
}

/// How far ahead of the next `target` is, when it is first, nothing urgent is raised, and no
/// flag beyond `allowed`.
fn lead(a: &Assessment, allowed: &[usize], target: usize) -> Option<f64> {
    if a.urgent || a.primary != Some(target) || a.flags.iter().any(|f| !allowed.contains(f)) {
        return None;
    }
    let next = a.ranking.get(1).map_or(f64::NEG_INFINITY, |r| r.score);
    Some(a.totals[target] - next)
}

/// The values conditions compare a question's number to: where its answer changes a result.
fn collect_constants(condition: &Condition, constants: &mut [Vec<f64>]) {
    match condition {
        Condition::All(items) | Condition::Any(items) => {
            items.iter().for_each(|c| collect_constants(c, constants))
        }
        Condition::Not(inner) => collect_constants(inner, constants),
        Condition::Test(Target::Question(q), test) => match test {
            Test::IsNumber(n) | Test::AtLeast(n) | Test::AtMost(n) => constants[*q].push(*n),
            Test::NumberIn(ns) => constants[*q].extend(ns),
            _ => {}
        },
        Condition::Test(Target::Score(_) | Target::Measure(..), _) => {}
    }
}

/// The answers to try instead of `current`, in the question's own order.
fn alternatives(kind: &Kind, current: &Answer, constants: &[f64]) -> Vec<Answer> {
    let numbers = |mut xs: Vec<f64>, lo: f64, hi: f64| -> Vec<Answer> {
        xs.retain(|x| x.is_finite() && (lo..=hi).contains(x));
        xs.sort_by(f64::total_cmp);
        xs.dedup();
        xs.into_iter().filter(|x| Some(*x) != current_number(current)).map(Answer::Number).collect()
    };
    match (kind, current) {
        (Kind::YesNo, Answer::Bool(b)) => vec![Answer::Bool(!b)],
        (Kind::Single { options }, Answer::Choice(i)) => {
            (0..options.len()).filter(|o| o != i).map(Answer::Choice).collect()
        }
        // A multiple choice answered otherwise is one change: any other set of options when
        // there are few, else one option ticked or unticked.
        (Kind::Multiple { options }, Answer::Multi(bits)) if options.len() <= MULTIPLE_SETS => {
            (1..1u64 << options.len()).filter(|b| b != bits).map(Answer::Multi).collect()
        }
        (Kind::Multiple { options }, Answer::Multi(bits)) => (0..options.len().min(64))
            .map(|o| bits ^ (1 << o))
            .filter(|b| *b != 0)
            .map(Answer::Multi)
            .collect(),
        (Kind::Scale { min, max, .. }, Answer::Number(_)) => {
            let span = max - min;
            let points: Vec<f64> = if span < SCALE_SAMPLES {
                (*min..=*max).map(|x| x as f64).collect()
            } else {
                let step = span as f64 / (SCALE_SAMPLES - 1) as f64;
                (0..SCALE_SAMPLES)
                    .map(|i| (*min as f64 + i as f64 * step).round())
                    .chain(constants.iter().flat_map(|c| [c.floor(), c.ceil() + 1.0, c.floor() - 1.0]))
                    .collect()
            };
            numbers(points, *min as f64, *max as f64)
        }
        (Kind::Number { min, max }, Answer::Number(_)) => {
            let (lo, hi) = (min.unwrap_or(f64::MIN), max.unwrap_or(f64::MAX));
            let around = constants.iter().flat_map(|c| [*c - 1.0, *c, *c + 1.0]);
            numbers(around.chain(min.iter().copied()).chain(max.iter().copied()).collect(), lo, hi)
        }
        _ => Vec::new(),
    }
}

fn current_number(answer: &Answer) -> Option<f64> {
    match answer {
        Answer::Number(x) => Some(*x),
        _ => None,
    }
}
