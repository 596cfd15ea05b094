//! Safety before validity: the answers that can raise an urgent flag are judged for every row of
//! an export and every form posted, whatever else is wrong with it, so that a bad cell or a field
//! given twice never hides a person in danger.
//! Which answers these are follows from the pack's urgent flags, not from names in code.

use crate::engine::answers::Answer;
use crate::engine::condition::{holds, questions_read};
use crate::engine::evaluate::compute_scores;
use crate::engine::model::{RuleSet, Severity};

/// What a row that could not be assessed says about urgent flags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Urgency {
    /// Nothing urgent in what could be read, and everything an urgent flag reads was read.
    None,
    /// These urgent flags are raised by answers in the row.
    Raised(Vec<usize>),
    /// An answer that could raise an urgent flag could not be read: someone must look.
    Unreadable,
}

impl Urgency {
    pub fn is_urgent(&self) -> bool {
        *self != Urgency::None
    }
}

/// What a damaged row held, as far as it could be read.
pub struct Partial<'a> {
    /// The answers read, one slot per question (not settled: a `show_if` is not trusted here).
    pub values: &'a [Option<Answer>],
    /// Questions whose answer could not be read (a bad cell, a missing cell, a broken row).
    pub unreadable: &'a [bool],
    /// Other values given for a question in the same row (a key written twice).
    pub alternatives: &'a [(usize, Answer)],
}

pub struct Safety {
    urgent: Vec<usize>,
    /// By question index: an urgent flag reads it, directly or through a score.
    reads: Vec<bool>,
}

impl Safety {
    pub fn new(ruleset: &RuleSet) -> Safety {
        let urgent: Vec<usize> =
            (0..ruleset.flags.len()).filter(|&f| ruleset.flags[f].severity == Severity::Urgent).collect();
        let mut reads = vec![false; ruleset.questions.len()];
        for &f in &urgent {
            questions_read(ruleset, &ruleset.flags[f].when, &mut reads);
        }
        Safety { urgent, reads }
    }

    /// Whether an urgent flag reads this question.
    pub fn reads(&self, question: usize) -> bool {
        self.reads[question]
    }

    pub fn judge(&self, ruleset: &RuleSet, row: &Partial) -> Urgency {
        let mut raised = self.raised(ruleset, row.values);
        // A question answered twice: either answer may be the true one.
        for (q, alternative) in row.alternatives {
            let mut values = row.values.to_vec();
            values[*q] = Some(alternative.clone());
            for f in self.raised(ruleset, &values) {
                if !raised.contains(&f) {
                    raised.push(f);
                }
            }
        }
        if !raised.is_empty() {
            raised.sort_unstable();
            return Urgency::Raised(raised);
        }
        let unsure = row.unreadable.iter().enumerate().any(|(q, &bad)| bad && self.reads[q]);
        if unsure { Urgency::Unreadable } else { Urgency::None }
    }

    fn raised(&self, ruleset: &RuleSet, values: &[Option<Answer>]) -> Vec<usize> {
        let (scores, _) = compute_scores(ruleset, values);
        self.urgent.iter().copied().filter(|&f| holds(&ruleset.flags[f].when, values, &scores)).collect()
    }
}
