//! The pure evaluator: `evaluate(&RuleSet, &Answers) -> Assessment`. No I/O, no clock, no randomness.
//!
//! Phases, in order: scores (readiness among them); flags, urgent first, which may rule
//! modalities out or put one first; rules, in phase order (safety, scope, level, readiness,
//! resources, preferences), whose weights add up per modality; then the ranking.
//!
//! Ranking: the highest total first; equal totals keep the pack's order of modalities
//! (the tie-break, so the result never depends on anything but the pack and the answers).
//! A raised flag with `puts_first` puts its modality first whatever the totals, the most
//! severe such flag winning. An urgent flag withholds every other modality: the report
//! leads with support, and recommends nothing beside what the flag puts first.

use crate::engine::condition::{holds, questions_read};
use crate::engine::model::{Answer, Answers, Band, Expect, Kind, RuleSet, Severity};

#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    pub modality: usize,
    pub score: f64,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Assessment {
    pub respondent: Option<String>,
    /// The recommendation: the first of `ranking`.
    pub primary: Option<usize>,
    /// Modalities still open, best first.
    pub ranking: Vec<Ranked>,
    /// Every modality's total, by index, ruled out or not.
    pub totals: Vec<f64>,
    /// `(modality, flag)`: the first flag, in severity order, that ruled the modality out.
    pub ruled_out: Vec<(usize, usize)>,
    /// The flag that put the primary first, if one did.
    pub put_first_by: Option<usize>,
    /// An urgent flag is raised: every other recommendation is withheld.
    pub urgent: bool,
    /// Each score, 0 to 100, by index; `None` when none of its questions was answered.
    pub scores: Vec<Option<f64>>,
    /// Each score's band, by index into its bands.
    pub bands: Vec<Option<usize>>,
    /// Flags raised, most severe first.
    pub flags: Vec<usize>,
    /// Rules that fired, in phase order.
    pub fired: Vec<usize>,
    /// Questions answered but hidden by other answers; those answers were ignored.
    pub ignored: Vec<usize>,
}

impl Assessment {
    /// The readiness score and its band, when the pack names one.
    pub fn readiness<'a>(&self, ruleset: &'a RuleSet) -> Option<(f64, Option<&'a Band>)> {
        let index = ruleset.readiness?;
        let score = self.scores[index]?;
        let band = self.bands[index].map(|b| &ruleset.scores[index].bands[b]);
        Some((score, band))
    }
}

pub fn evaluate(ruleset: &RuleSet, answers: &Answers) -> Assessment {
    let mut assessment = Assessment::default();
    evaluate_into(ruleset, answers, &mut assessment);
    assessment
}

/// [`evaluate`] into an assessment whose buffers are reused: what was in it is replaced
/// whole. For a caller that assesses row after row (`screen`), where allocating the dozen
/// lists of a fresh assessment cost nearly as much as testing the rules.
pub fn evaluate_into(ruleset: &RuleSet, answers: &Answers, out: &mut Assessment) {
    let values = &answers.values;
    compute_scores_into(ruleset, values, &mut out.scores, &mut out.bands);
    raised_into(ruleset, values, &out.scores, &mut out.flags);
    out.fired.clear();
    out.fired
        .extend((0..ruleset.rules.len()).filter(|&r| holds(&ruleset.rules[r].when, values, &out.scores)));
    rule_totals_into(ruleset, out.fired.iter().copied(), &mut out.totals);
    let (put_first_by, urgent) =
        stand_into(ruleset, &mut out.totals, &out.flags, &mut out.ruled_out, &mut out.ranking);
    out.put_first_by = put_first_by;
    out.urgent = urgent;
    out.primary = out.ranking.first().map(|r| r.modality);
    out.respondent.clone_from(&answers.respondent);
    out.ignored.clone_from(&answers.ignored);
}

/// The flags the answers raise, in the pack's order (most severe first).
pub(crate) fn raised(ruleset: &RuleSet, values: &[Option<Answer>], scores: &[Option<f64>]) -> Vec<usize> {
    let mut flags = Vec::new();
    raised_into(ruleset, values, scores, &mut flags);
    flags
}

fn raised_into(ruleset: &RuleSet, values: &[Option<Answer>], scores: &[Option<f64>], flags: &mut Vec<usize>) {
    flags.clear();
    flags.extend((0..ruleset.flags.len()).filter(|&f| holds(&ruleset.flags[f].when, values, scores)));
}

/// Each modality's total from the rules that fired, added in the order given.
pub(crate) fn rule_totals(ruleset: &RuleSet, fired: impl Iterator<Item = usize>) -> Vec<f64> {
    let mut totals = Vec::new();
    rule_totals_into(ruleset, fired, &mut totals);
    totals
}

fn rule_totals_into(ruleset: &RuleSet, fired: impl Iterator<Item = usize>, totals: &mut Vec<f64>) {
    totals.clear();
    totals.resize(ruleset.modalities.len(), 0.0);
    for r in fired {
        for &(modality, weight) in &ruleset.rules[r].weights {
            totals[modality] += weight;
        }
    }
}

/// Where the modalities stand once the rules have weighed in: what the raised flags add, rule
/// out and put first, and the ranking.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Standing {
    pub ranking: Vec<Ranked>,
    /// Every modality's total, the flags' weights added.
    pub totals: Vec<f64>,
    pub ruled_out: Vec<(usize, usize)>,
    pub put_first_by: Option<usize>,
    pub urgent: bool,
}

/// The last phase of `evaluate`, from the totals of the rules that fired and the flags raised
/// (most severe first); apart so that a search which keeps its own totals ranks as it does.
pub(crate) fn stand(ruleset: &RuleSet, mut totals: Vec<f64>, flags: &[usize]) -> Standing {
    let (mut ruled_out, mut ranking) = (Vec::new(), Vec::new());
    let (put_first_by, urgent) = stand_into(ruleset, &mut totals, flags, &mut ruled_out, &mut ranking);
    Standing { ranking, totals, ruled_out, put_first_by, urgent }
}

/// [`stand`] into buffers that are reused; gives who put the primary first and whether an
/// urgent flag is raised.
fn stand_into(
    ruleset: &RuleSet,
    totals: &mut [f64],
    flags: &[usize],
    ruled_out: &mut Vec<(usize, usize)>,
    ranking: &mut Vec<Ranked>,
) -> (Option<usize>, bool) {
    // A flag is evidence too (a pitfall weighs against what it makes fail).
    for &f in flags {
        for &(modality, weight) in &ruleset.flags[f].weights {
            totals[modality] += weight;
        }
    }
    ruled_out.clear();
    for &f in flags {
        for &m in &ruleset.flags[f].rules_out {
            if !ruled_out.iter().any(|(r, _)| *r == m) {
                ruled_out.push((m, f));
            }
        }
    }
    ruled_out.sort_unstable();
    let is_out = |m: usize| ruled_out.iter().any(|(r, _)| *r == m);

    ranking.clear();
    ranking
        .extend((0..totals.len()).filter(|&m| !is_out(m)).map(|m| Ranked { modality: m, score: totals[m] }));
    // Stable sort: equal totals keep the pack's order.
    ranking.sort_by(|a, b| b.score.total_cmp(&a.score));

    let put_first_by =
        flags.iter().copied().find(|&f| ruleset.flags[f].puts_first.is_some_and(|m| !is_out(m)));
    if let Some(f) = put_first_by {
        let m = ruleset.flags[f].puts_first.unwrap_or_default();
        if let Some(pos) = ranking.iter().position(|r| r.modality == m) {
            let first = ranking.remove(pos);
            ranking.insert(0, first);
        }
    }
    let urgent = flags.iter().any(|&f| ruleset.flags[f].severity == Severity::Urgent);
    if urgent {
        ranking.truncate(usize::from(put_first_by.is_some()));
    }
    (put_first_by, urgent)
}

/// The points an answer gives a score part, before its weight; `None` for free text.
pub(crate) fn part_points(
    ruleset: &RuleSet,
    part: &crate::engine::model::ScorePart,
    answer: &Answer,
) -> Option<f64> {
    let question = &ruleset.questions[part.question];
    Some(match (&question.kind, answer) {
        (Kind::Scale { min, max, .. }, Answer::Number(x)) if part.invert => (*min + *max) as f64 - x,
        (_, Answer::Number(x)) => *x,
        (_, Answer::Bool(b)) => {
            if *b {
                part.yes
            } else {
                part.no
            }
        }
        (kind, Answer::Choice(i)) => kind.options()[*i].score.unwrap_or(0.0),
        (kind, Answer::Multi(bits)) => kind.chosen(*bits).map(|o| o.score.unwrap_or(0.0)).sum(),
        (_, Answer::Text(_)) => return None,
        (_, Answer::Grid(rows)) => {
            return part.measure.and_then(|m| crate::engine::model::measure_rows(m, rows));
        }
    })
}

/// The labelled parts of a score that the answers put in its lower half, lowest first:
/// what is not in place yet.
pub fn low_parts<'a>(
    ruleset: &'a RuleSet,
    score: usize,
    values: &[Option<Answer>],
) -> Vec<&'a crate::engine::model::Text> {
    let mut low: Vec<(f64, &crate::engine::model::Text)> = ruleset.scores[score]
        .parts
        .iter()
        .filter_map(|part| {
            let label = part.label.as_ref()?;
            let points = part_points(ruleset, part, values[part.question].as_ref()?)? * part.weight;
            let share = (points - part.least) / (part.most - part.least);
            (part.most > part.least && share < 0.5).then_some((share, label))
        })
        .collect();
    low.sort_by(|a, b| a.0.total_cmp(&b.0));
    low.into_iter().map(|(_, label)| label).collect()
}

pub(crate) fn compute_scores(
    ruleset: &RuleSet,
    values: &[Option<Answer>],
) -> (Vec<Option<f64>>, Vec<Option<usize>>) {
    let (mut scores, mut bands) = (Vec::new(), Vec::new());
    compute_scores_into(ruleset, values, &mut scores, &mut bands);
    (scores, bands)
}

fn compute_scores_into(
    ruleset: &RuleSet,
    values: &[Option<Answer>],
    scores: &mut Vec<Option<f64>>,
    bands: &mut Vec<Option<usize>>,
) {
    scores.clear();
    bands.clear();
    for score in &ruleset.scores {
        let (mut sum, mut least, mut most, mut any) = (0.0, 0.0, 0.0, false);
        for part in &score.parts {
            let Some(answer) = &values[part.question] else {
                continue;
            };
            let Some(raw) = part_points(ruleset, part, answer) else { continue };
            sum += raw * part.weight;
            least += part.least;
            most += part.most;
            any = true;
        }
        let value = (any && most > least).then(|| ((sum - least) / (most - least) * 100.0).clamp(0.0, 100.0));
        let band = value.and_then(|v| {
            let last = score.bands.len().checked_sub(1)?;
            score
                .bands
                .iter()
                .position(|b| b.from <= v && v < b.to)
                .or((v >= score.bands[last].from).then_some(last))
        });
        scores.push(value);
        bands.push(band);
    }
}

/// What an assessment does not meet of an expectation, in words; empty when all is met.
pub fn unmet(ruleset: &RuleSet, assessment: &Assessment, expect: &Expect) -> Vec<String> {
    let name =
        |m: Option<usize>| m.map_or("nothing".to_string(), |m| format!("`{}`", ruleset.modalities[m].id));
    let mut problems = Vec::new();
    if expect.primary.is_some() && expect.primary != assessment.primary {
        problems.push(format!("expected {} first, got {}", name(expect.primary), name(assessment.primary)));
    }
    for &m in &expect.not_primary {
        if assessment.primary == Some(m) {
            problems.push(format!("expected anything but {} first", name(Some(m))));
        }
    }
    for &f in &expect.flags {
        if !assessment.flags.contains(&f) {
            problems.push(format!("expected flag `{}`, not raised", ruleset.flags[f].id));
        }
    }
    for &f in &expect.no_flags {
        if assessment.flags.contains(&f) {
            problems.push(format!("expected no flag `{}`, raised", ruleset.flags[f].id));
        }
    }
    if let Some(band) = &expect.band {
        let actual = assessment.readiness(ruleset).and_then(|(_, b)| b).map(|b| b.id.as_str());
        if actual != Some(band.as_str()) {
            problems.push(format!("expected readiness band `{band}`, got `{}`", actual.unwrap_or("none")));
        }
    }
    problems
}

/// By question index: whether the answer is about health, as the pack says it: an urgent or
/// confidential flag reads it, or a rule that weighs a confidential modality does.
pub fn health_related(ruleset: &RuleSet) -> Vec<bool> {
    let mut reads = vec![false; ruleset.questions.len()];
    for f in &ruleset.flags {
        let weighs_confidential = f.weights.iter().any(|&(m, _)| ruleset.modalities[m].confidential);
        if f.severity == Severity::Urgent || f.confidential || weighs_confidential {
            questions_read(ruleset, &f.when, &mut reads);
        }
    }
    for r in &ruleset.rules {
        if r.weights.iter().any(|&(m, _)| ruleset.modalities[m].confidential) {
            questions_read(ruleset, &r.when, &mut reads);
        }
    }
    reads
}
