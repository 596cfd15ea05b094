//! Evaluation for a search that changes one answer at a time: only the rules that read an
//! answer which changed are evaluated again. Rules are the bulk of a pack, and a whole
//! evaluation per step made `rules check` grow faster than the pack.

use crate::engine::answers::{Answer, Answers};
use crate::engine::condition::{holds, questions_read};
use crate::engine::evaluate::{Standing, compute_scores, raised, rule_totals, stand};
use crate::engine::model::RuleSet;

pub(crate) struct Stepwise<'r> {
    ruleset: &'r RuleSet,
    /// By question: the rules whose condition reads it, directly or through a score.
    readers: Vec<Vec<usize>>,
    /// The answers last evaluated, as settled (hidden ones removed).
    values: Vec<Option<Answer>>,
    fired: Vec<bool>,
    /// The fired rules' totals, kept up to date by adding and taking away their weights.
    totals: Vec<f64>,
    /// The step at which each rule was last looked at, so that one read twice is evaluated once.
    seen: Vec<u32>,
    step: u32,
}

impl<'r> Stepwise<'r> {
    pub(crate) fn new(ruleset: &'r RuleSet) -> Self {
        let mut readers = vec![Vec::new(); ruleset.questions.len()];
        let mut reads = vec![false; ruleset.questions.len()];
        let mut read = Vec::new();
        for (index, rule) in ruleset.rules.iter().enumerate() {
            questions_read(ruleset, &rule.when, &mut reads);
            read.extend(reads.iter().enumerate().filter(|(_, r)| **r).map(|(q, _)| q));
            for q in read.drain(..) {
                readers[q].push(index);
                reads[q] = false;
            }
        }
        Stepwise {
            ruleset,
            readers,
            values: Vec::new(),
            fired: Vec::new(),
            totals: Vec::new(),
            seen: vec![0; ruleset.rules.len()],
            step: 0,
        }
    }

    /// Where the modalities stand for these answers, every rule evaluated and the totals
    /// added afresh (so that no rounding builds up from one start to the next).
    pub(crate) fn start(&mut self, answers: &[Option<Answer>]) -> Standing {
        let r = self.ruleset;
        self.values = Answers::settle(r, answers.to_vec(), None).values;
        let (scores, _) = compute_scores(r, &self.values);
        self.fired = r.rules.iter().map(|rule| holds(&rule.when, &self.values, &scores)).collect();
        self.totals = rule_totals(r, (0..r.rules.len()).filter(|&i| self.fired[i]));
        stand(r, self.totals.clone(), &raised(r, &self.values, &scores))
    }

    /// Where the modalities stand for these answers, which differ from the last ones in a few
    /// questions: only their readers are evaluated again. The totals may differ from
    /// `evaluate`'s in the last bits (weights added in another order); a search confirms what
    /// it finds with `evaluate`.
    pub(crate) fn next(&mut self, answers: &[Option<Answer>]) -> Standing {
        let r = self.ruleset;
        let values = Answers::settle(r, answers.to_vec(), None).values;
        let (scores, _) = compute_scores(r, &values);
        self.step += 1;
        for q in (0..values.len()).filter(|&q| values[q] != self.values[q]) {
            for &rule in &self.readers[q] {
                if std::mem::replace(&mut self.seen[rule], self.step) == self.step {
                    continue;
                }
                let fires = holds(&r.rules[rule].when, &values, &scores);
                if fires != self.fired[rule] {
                    self.fired[rule] = fires;
                    for &(modality, weight) in &r.rules[rule].weights {
                        if fires {
                            self.totals[modality] += weight;
                        } else {
                            self.totals[modality] -= weight;
                        }
                    }
                }
            }
        }
        self.values = values;
        stand(r, self.totals.clone(), &raised(r, &self.values, &scores))
    }
}
