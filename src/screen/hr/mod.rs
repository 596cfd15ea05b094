//! The HR audience's counts: by recommendation and by readiness band, per group, released
//! with differential privacy (see `privacy`) through the ledger (see `ledger`), so that no
//! number of reports, compared in any way, can expose one person. Confidential results
//! (therapy, urgent or clinical flags) are counted only in one category that also holds
//! everyone who did not consent, and that category is noised like every other.

pub mod accountant;
pub mod ledger;
pub mod privacy;
pub mod registry;
pub mod release;
pub mod report;

use std::collections::HashMap;

use self::privacy::Estimate;
#[cfg(test)]
use self::privacy::Mechanism;
use crate::engine::answers::{Answer, Answers};
use crate::engine::evaluate::Assessment;
use crate::engine::model::{Band, RuleSet};

/// The id of the mixed category in CSV and JSON.
pub const CONFIDENTIAL_ID: &str = "other_or_confidential";
pub const NO_READINESS_ID: &str = "no_readiness";

/// How rows are put in groups. The groups are always known before the file is read, so
/// that which groups exist says nothing about who answered.
#[derive(Debug, Clone, PartialEq)]
pub enum Grouping {
    None,
    /// A column that is not an answer (department, site); the groups are the names HR gave.
    Column {
        column: String,
        declared: Vec<String>,
    },
    /// A question the pack marks as grouping; the groups are its options.
    Question(usize),
}

impl Grouping {
    /// The groups' names; with any grouping, a last one holds every other value.
    pub fn names(&self, ruleset: &RuleSet, lang: Option<&str>) -> Vec<String> {
        let other = crate::util::i18n::ui(lang).other_group.to_string();
        match self {
            Grouping::None => vec![crate::util::i18n::ui(lang).all_respondents.to_string()],
            Grouping::Column { declared, .. } => declared.iter().cloned().chain([other]).collect(),
            Grouping::Question(q) => {
                let options = ruleset.questions[*q].kind.options();
                options.iter().map(|o| o.label.get(lang).to_string()).chain([other]).collect()
            }
        }
    }

    pub fn is_grouped(&self) -> bool {
        *self != Grouping::None
    }
}

/// True counts, before any noise: per group, per cell.
pub struct Hr<'r> {
    ruleset: &'r RuleSet,
    grouping: Grouping,
    lookup: HashMap<String, usize>,
    /// The recommendation categories HR sees, by modality index: confidential modalities
    /// have none (they are counted in the mixed category, the last).
    category_of: Vec<Option<usize>>,
    /// Recommendation categories HR sees, the mixed one (the last) included.
    categories: usize,
    /// Readiness bands, "no readiness" (the last) included.
    band_cells: usize,
    /// Per group: categories, then bands.
    cells: Vec<Vec<i64>>,
    /// What the counts are made of, whatever file it came in: the key of a release.
    content: release::Content,
}

/// The bands of the pack's readiness score, if it has one.
fn readiness_bands(ruleset: &RuleSet) -> &[Band] {
    ruleset.readiness.map_or(&[][..], |r| &ruleset.scores[r].bands)
}

/// A group's name as it is matched: without regard to case or the spaces around it.
fn fold(name: &str) -> String {
    name.trim().to_lowercase()
}

impl<'r> Hr<'r> {
    pub fn new(ruleset: &'r RuleSet, grouping: Grouping) -> Self {
        let mut next = 0;
        let category_of = ruleset
            .modalities
            .iter()
            .map(|m| {
                (!m.confidential).then(|| {
                    next += 1;
                    next - 1
                })
            })
            .collect();
        let categories = next + 1;
        let band_cells = readiness_bands(ruleset).len() + 1;
        let lookup = match &grouping {
            Grouping::Column { declared, .. } => {
                declared.iter().enumerate().map(|(i, d)| (fold(d), i)).collect()
            }
            _ => HashMap::new(),
        };
        let cells = vec![vec![0; categories + band_cells]; grouping.names(ruleset, None).len()];
        Hr {
            ruleset,
            grouping,
            lookup,
            category_of,
            categories,
            band_cells,
            cells,
            content: Default::default(),
        }
    }

    /// The category a result is counted in. Anything about health, and anyone who did not
    /// say yes to being counted, goes to the one mixed category.
    fn category(&self, answers: &Answers, a: &Assessment) -> usize {
        let r = self.ruleset;
        let mixed = self.categories - 1;
        let consented = r.aggregates.consent.is_none_or(|q| answers.values[q] == Some(Answer::Bool(true)));
        let confidential_flag = a.flags.iter().any(|&f| r.flags[f].confidential);
        match a.primary.and_then(|m| self.category_of[m]) {
            Some(c) if consented && !confidential_flag => c,
            _ => mixed,
        }
    }

    fn group(&self, value: Option<&str>, answers: &Answers) -> usize {
        let other = self.cells.len() - 1;
        match &self.grouping {
            Grouping::None => 0,
            Grouping::Column { .. } => {
                value.and_then(|v| self.lookup.get(&fold(v)).copied()).unwrap_or(other)
            }
            Grouping::Question(q) => match answers.values[*q] {
                Some(Answer::Choice(i)) => i,
                _ => other,
            },
        }
    }

    pub fn add(&mut self, group: Option<&str>, answers: &Answers, a: &Assessment) {
        let g = self.group(group, answers);
        self.content.add(self.ruleset, answers, g);
        let category = self.category(answers, a);
        let band = a.bands.get(self.ruleset.readiness.unwrap_or(usize::MAX)).copied().flatten();
        self.count(g, category, band);
    }

    /// Counts one person in group `g` (an index of [`Grouping::names`]), category `category`
    /// (an index of [`Hr::category_labels`]) and readiness band `band` (none: no score).
    pub fn count(&mut self, g: usize, category: usize, band: Option<usize>) {
        let band = self.categories + band.unwrap_or(self.band_cells - 1);
        let cells = &mut self.cells[g];
        cells[category] += 1;
        cells[band] += 1;
    }

    /// Every cell of every group, in one vector: what the mechanism releases.
    pub fn flat(&self) -> Vec<i64> {
        self.cells.concat()
    }

    /// The report's table, from released cells (in the order of [`Hr::flat`]). Everything
    /// here is computed from noisy numbers only.
    pub fn table(&self, released: &[i64], epsilon: f64, min_group: usize, lang: Option<&str>) -> Table {
        let (k, b) = (self.categories, self.band_cells);
        let width = k + b;
        let names = self.grouping.names(self.ruleset, lang);
        let size = size_estimate(k, b, 1);
        let sums = |cells: &[i64]| [cells[..k].iter().sum(), cells[k..].iter().sum()];
        let mut sections = Vec::new();
        let mut hidden = Vec::new();
        for (name, cells) in names.into_iter().zip(released.chunks(width)) {
            let respondents = size.of(&sums(cells));
            if respondents >= min_group as i64 {
                sections.push(Section { name, respondents, cells: cells.to_vec() });
            } else if self.grouping.is_grouped() {
                hidden.push(name);
            }
        }
        let groups = sections.len() as u64;
        let total = self.grouping.is_grouped() && groups > 1;
        // One total over the groups shown; with one group it would be the same table.
        if total {
            let mut cells = vec![0; width];
            for s in &sections {
                cells.iter_mut().zip(&s.cells).for_each(|(t, x)| *t += x);
            }
            let respondents = size_estimate(k, b, groups).of(&sums(&cells));
            let name = crate::util::i18n::ui(lang).all_shown.to_string();
            sections.push(Section { name, respondents, cells });
        }
        Table { categories: k, bands: b, sections, hidden, epsilon, spent: None, total }
    }

    /// Releases the cells through the mechanism and builds the table: for tests, which call
    /// the mechanism many times without a ledger.
    #[cfg(test)]
    pub fn release(&self, mechanism: Mechanism, epsilon: f64, min_group: usize) -> Table {
        let (noisy, _) = privacy::release(mechanism, &self.flat(), epsilon).unwrap();
        self.table(&noisy, epsilon, min_group, None)
    }

    pub fn ruleset(&self) -> &'r RuleSet {
        self.ruleset
    }

    pub fn content(&self) -> &release::Content {
        &self.content
    }

    pub fn grouping(&self) -> &Grouping {
        &self.grouping
    }

    /// `(id, label)` of each category HR sees, the mixed one last.
    pub fn category_labels(&self, lang: Option<&str>) -> Vec<(String, String)> {
        let r = self.ruleset;
        r.modalities
            .iter()
            .filter(|m| !m.confidential)
            .map(|m| (m.id.clone(), m.name.get(lang).to_string()))
            .chain([(CONFIDENTIAL_ID.to_string(), r.aggregates.confidential_category.get(lang).to_string())])
            .collect()
    }

    /// `(id, label)` of each readiness band, "no readiness" last.
    pub fn band_labels(&self, lang: Option<&str>) -> Vec<(String, String)> {
        readiness_bands(self.ruleset)
            .iter()
            .map(|b| (b.id.clone(), b.label.get(lang).to_string()))
            .chain([(NO_READINESS_ID.to_string(), crate::util::i18n::ui(lang).no_readiness.to_string())])
            .collect()
    }
}

/// The number of respondents of `groups` groups of `categories` and `bands` cells each, from
/// the noisy sums: one estimator for the count shown and for the ±N stated of it.
fn size_estimate(categories: usize, bands: usize, groups: u64) -> Estimate {
    Estimate::size(categories as u64 * groups, bands as u64 * groups)
}

/// How far the numbers of a table may be from the truth, 9 times in 10.
#[derive(Debug, Clone, Copy)]
pub struct Accuracy {
    pub cell: u64,
    pub size: u64,
    /// For the totals over groups: a cell, the number of respondents.
    pub totals: Option<(u64, u64)>,
}

/// One table of the report: a group shown, or the total of the groups shown.
#[derive(Debug, Clone)]
pub struct Section {
    pub name: String,
    /// The estimated number of respondents (noisy; may differ from the sum of any column).
    pub respondents: i64,
    /// Categories then bands, as released (may be negative: shown as 0).
    pub cells: Vec<i64>,
}

/// What HR sees, before it is written in a format.
#[derive(Debug, Clone)]
pub struct Table {
    pub categories: usize,
    /// Readiness bands, "no readiness" included.
    pub bands: usize,
    pub sections: Vec<Section>,
    /// Groups not shown (their names are HR's own, or the pack's).
    pub hidden: Vec<String>,
    pub epsilon: f64,
    /// The most ε spent on anyone counted, by every release of the ledger, and the ledger's
    /// cap a person (set once the release is known).
    pub spent: Option<(f64, f64)>,
    /// The last section is the total over the groups shown.
    pub total: bool,
}

impl Table {
    /// How far the numbers may be from the truth, from the exact distribution of the noise.
    pub fn accuracy(&self) -> Accuracy {
        let (k, b) = (self.categories, self.bands);
        let groups = self.sections.len() as u64 - u64::from(self.total);
        Accuracy {
            cell: privacy::within(self.epsilon, &Estimate::cell()),
            size: privacy::within(self.epsilon, &size_estimate(k, b, 1)),
            totals: self.total.then(|| {
                (
                    privacy::within(self.epsilon, &Estimate::sum(groups)),
                    privacy::within(self.epsilon, &size_estimate(k, b, groups)),
                )
            }),
        }
    }
}

/// Test-only: the attacks of an HR analyst, run against the shipped mechanism.
#[cfg(test)]
mod tests {
    mod attacks;
    mod repeated;
}
