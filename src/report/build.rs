//! A report built from an assessment: every id and text resolved in one language, one function
//! for each thing a person reads (what fits, what to expect, the reasons, the cautions, the
//! next steps and guides, and the support first when it is needed).

use crate::engine::condition::holds;
use crate::engine::evaluate::{Assessment, low_parts};
use crate::engine::model::{Answers, FlagKind, Line, RuleSet, Severity};

use super::{
    BandOut, FlagOut, GuideOut, IgnoredOut, PackOut, RankOut, Readiness, Reason, Recommendation, Report,
    RuledOut, SCHEMA_VERSION, ScoreOut, SupportOut, WeightOut, language,
};

/// What a report is built from: the pack, the assessment, the answers, and the language.
struct Assessed<'a> {
    ruleset: &'a RuleSet,
    a: &'a Assessment,
    answers: &'a Answers,
    lang: Option<&'a str>,
}

/// Resolves every id and text of an assessment in `lang` (falling back to the pack's default).
/// The answers decide which conditional lines are shown: that is a report's work, so that
/// `evaluate` does none of it.
pub fn build(ruleset: &RuleSet, a: &Assessment, answers: &Answers, lang: Option<&str>) -> Report {
    let from = Assessed { ruleset, a, answers, lang };
    Report {
        schema_version: SCHEMA_VERSION,
        language: language(ruleset, lang),
        respondent: a.respondent.clone(),
        urgent: a.urgent,
        support: from.support(),
        recommendation: from.recommendation(),
        readiness: from.readiness(),
        scores: from.scores(),
        flags: from.cautions(),
        reasons: from.reasons(),
        pitfalls: from.pitfalls(),
        next_steps: from.next_steps(),
        guides: from.guides(),
        // Under an urgent flag the report stays short: support first, the rest waits.
        grids: if a.urgent { Vec::new() } else { super::balance::grids(ruleset, &answers.values, lang) },
        ignored_answers: from.ignored(),
        changes: None,
        pack: PackOut::of(ruleset, lang),
        sources: ruleset
            .meta
            .sources
            .iter()
            .map(|(id, words)| (id.clone(), words.get(lang).to_string()))
            .collect(),
    }
}

impl Assessed<'_> {
    /// Whether a conditional line holds for these answers (a line without a condition always).
    fn shows(&self, line: &Line) -> bool {
        line.when
            .is_none_or(|i| holds(&self.ruleset.line_conditions[i], &self.answers.values, &self.a.scores))
    }

    fn modality_name(&self, m: usize) -> String {
        self.ruleset.modalities[m].name.get(self.lang).to_string()
    }

    /// A rule's or a flag's weights, by modality id.
    fn weights(&self, weights: &[(usize, f64)]) -> Vec<WeightOut> {
        weights
            .iter()
            .map(|&(m, w)| WeightOut { modality: self.ruleset.modalities[m].id.clone(), weight: w })
            .collect()
    }

    /// Where to get help: every resource a raised flag names, once, in the order met.
    fn support(&self) -> Vec<SupportOut> {
        let mut ids: Vec<usize> = Vec::new();
        for &f in &self.a.flags {
            for &s in &self.ruleset.flags[f].support {
                if !ids.contains(&s) {
                    ids.push(s);
                }
            }
        }
        ids.iter()
            .map(|&s| {
                let s = &self.ruleset.support[s];
                SupportOut {
                    id: s.id.clone(),
                    name: s.name.get(self.lang).to_string(),
                    contact: s.contact.get(self.lang).to_string(),
                    note: s.note.as_ref().map(|n| n.get(self.lang).to_string()),
                }
            })
            .collect()
    }

    /// What fits first, what follows it, and what a flag ruled out.
    fn recommendation(&self) -> Recommendation {
        let (ruleset, a, lang) = (self.ruleset, self.a, self.lang);
        let primary = a.primary.map(|m| &ruleset.modalities[m]);
        Recommendation {
            primary: primary.map(|m| m.id.clone()),
            primary_name: primary.map(|m| m.name.get(lang).to_string()),
            fits_when: primary.map(|m| m.fits_when.get(lang).to_string()),
            put_first_by: a.put_first_by.map(|f| ruleset.flags[f].id.clone()),
            ranking: a
                .ranking
                .iter()
                .map(|r| RankOut {
                    id: ruleset.modalities[r.modality].id.clone(),
                    name: self.modality_name(r.modality),
                    score: r.score,
                })
                .collect(),
            // By a flag the report holds: what no format says is not given as a reason.
            ruled_out: a
                .ruled_out
                .iter()
                .filter(|&&(_, f)| self.told(f))
                .map(|&(m, f)| RuledOut {
                    id: ruleset.modalities[m].id.clone(),
                    name: self.modality_name(m),
                    by_flag: ruleset.flags[f].id.clone(),
                })
                .collect(),
        }
    }

    /// Readiness for coaching-style work: the score, its band, and the parts that hold it back.
    fn readiness(&self) -> Option<Readiness> {
        let (ruleset, a, lang) = (self.ruleset, self.a, self.lang);
        a.readiness(ruleset).map(|(score, band)| Readiness {
            // `readiness` names a score, so this exists whenever a score does.
            name: ruleset.readiness.map(|i| ruleset.scores[i].name.get(lang).to_string()).unwrap_or_default(),
            score: score.round() as u32,
            band: band.map(|b| b.id.clone()),
            band_label: band.map(|b| b.label.get(lang).to_string()),
            about_recommendation: ruleset.readiness_for.is_empty()
                || a.primary.is_some_and(|p| ruleset.readiness_for.contains(&p)),
            bands: ruleset
                .readiness
                .map(|i| {
                    ruleset.scores[i]
                        .bands
                        .iter()
                        .map(|b| BandOut {
                            id: b.id.clone(),
                            label: b.label.get(lang).to_string(),
                            from: b.from,
                            to: b.to,
                        })
                        .collect()
                })
                .unwrap_or_default(),
            low: ruleset
                .readiness
                .map(|i| low_parts(ruleset, i, &self.answers.values))
                .unwrap_or_default()
                .into_iter()
                .map(|label| label.get(lang).to_string())
                .collect(),
        })
    }

    fn scores(&self) -> Vec<ScoreOut> {
        self.ruleset
            .scores
            .iter()
            .enumerate()
            .map(|(i, s)| ScoreOut {
                id: s.id.clone(),
                name: s.name.get(self.lang).to_string(),
                score: self.a.scores[i].map(|v| (v * 10.0).round() / 10.0),
                band: self.a.bands[i].map(|b| s.bands[b].id.clone()),
            })
            .collect()
    }

    /// Whether flag `f` belongs in the report, in every format (what the JSON holds, the text
    /// and the page say). Under an urgent flag only the urgent flags do, as only they are said:
    /// a pitfall of coaching, shown to someone in crisis by a program that reads the JSON, would
    /// say what the text rightly leaves out. (The urgent flags rule out what the recommendation
    /// names as ruled out.)
    fn told(&self, f: usize) -> bool {
        let flag = &self.ruleset.flags[f];
        if self.a.urgent {
            return flag.severity == Severity::Urgent;
        }
        let concerns = flag.about.is_empty() || self.a.primary.is_some_and(|p| flag.about.contains(&p));
        // Beside what a flag put first (care first) nothing else competes, so a caution about
        // another kind of support has no place; the report says what may come later.
        if concerns || self.a.put_first_by.is_some() {
            return concerns;
        }
        // About another kind of support: told when it says why that one is not for now, or
        // weighs against the runner-up or one the person may expect (the report says what keeps
        // them from first). The rest is in `explain`, not in a report that would not say it.
        let against =
            |m: usize| flag.weights.iter().any(|&(x, w)| x == m && w < 0.0) || flag.rules_out.contains(&m);
        !flag.rules_out.is_empty()
            || self.a.ranking.get(1).is_some_and(|r| against(r.modality))
            || self.ruleset.expected.iter().any(|&m| against(m))
    }

    /// The flags raised: red flags, gates and pitfalls, each with what it rules out and weighs.
    fn cautions(&self) -> Vec<FlagOut> {
        let ruleset = self.ruleset;
        self.a
            .flags
            .iter()
            .filter(|&&f| self.told(f))
            .map(|&f| {
                let flag = &ruleset.flags[f];
                FlagOut {
                    id: flag.id.clone(),
                    severity: flag.severity,
                    kind: flag.kind,
                    message: flag.message.get(self.lang).to_string(),
                    rules_out: flag.rules_out.iter().map(|&m| ruleset.modalities[m].id.clone()).collect(),
                    weights: self.weights(&flag.weights),
                    about: flag.about.iter().map(|&m| ruleset.modalities[m].id.clone()).collect(),
                    source: flag.source.clone(),
                }
            })
            .collect()
    }

    /// The rules that fired, each with its weights: what it argues for and against.
    fn reasons(&self) -> Vec<Reason> {
        self.a
            .fired
            .iter()
            .map(|&r| {
                let rule = &self.ruleset.rules[r];
                Reason {
                    rule: rule.id.clone(),
                    phase: rule.phase,
                    because: rule.because.get(self.lang).to_string(),
                    argues_for: rule
                        .argues_for
                        .iter()
                        .map(|&m| self.ruleset.modalities[m].id.clone())
                        .collect(),
                    source: rule.source.clone(),
                    weights: self.weights(&rule.weights),
                }
            })
            .collect()
    }

    fn pitfalls(&self) -> Vec<String> {
        let flags = &self.ruleset.flags;
        self.a
            .flags
            .iter()
            .filter(|&&f| flags[f].kind == FlagKind::Pitfall && self.told(f))
            .map(|&f| flags[f].id.clone())
            .collect()
    }

    /// The first modality's next steps whose conditions hold.
    fn next_steps(&self) -> Vec<String> {
        self.a
            .primary
            .map(|m| {
                let steps = &self.ruleset.modalities[m].next_steps;
                steps.iter().filter(|s| self.shows(s)).map(|s| s.text.get(self.lang).to_string()).collect()
            })
            .unwrap_or_default()
    }

    /// The guides to show, once each: an urgent flag's and the first modality's, then (unless a
    /// flag decided the recommendation: care first) those the other flags and rules call for.
    /// A guide whose every line is withheld by its condition is not shown at all.
    fn guides(&self) -> Vec<GuideOut> {
        let (ruleset, a) = (self.ruleset, self.a);
        let mut ids: Vec<usize> = Vec::new();
        for &f in &a.flags {
            if ruleset.flags[f].severity == Severity::Urgent {
                ids.extend(&ruleset.flags[f].guides);
            }
        }
        if let Some(m) = a.primary {
            ids.extend(&ruleset.modalities[m].guides);
        }
        if a.put_first_by.is_none() {
            for &f in &a.flags {
                ids.extend(&ruleset.flags[f].guides);
            }
            for &r in &a.fired {
                ids.extend(&ruleset.rules[r].guides);
            }
        }
        // The guides the next steps shown point to, and those a fired rule on a grid's measure
        // calls for.
        let mut in_full: Vec<usize> = a
            .primary
            .iter()
            .flat_map(|&m| &ruleset.modalities[m].next_steps)
            .filter(|s| self.shows(s))
            .filter_map(|s| s.guide)
            .collect();
        ids.extend(&in_full);
        if a.put_first_by.is_none() {
            for &r in &a.fired {
                if reads_a_measure(&ruleset.rules[r].when) {
                    in_full.extend(&ruleset.rules[r].guides);
                }
            }
        }
        let mut seen = Vec::new();
        ids.retain(|g| {
            let new = !seen.contains(g);
            seen.push(*g);
            new
        });
        ids.iter()
            .map(|&g| {
                let guide = &ruleset.guides[g];
                GuideOut {
                    id: guide.id.clone(),
                    title: guide.title.get(self.lang).to_string(),
                    items: guide
                        .items
                        .iter()
                        .filter(|i| self.shows(i))
                        .map(|i| i.text.get(self.lang).to_string())
                        .collect(),
                    source: guide.source.clone(),
                    in_full: in_full.contains(&g),
                }
            })
            .filter(|g| !g.items.is_empty())
            .collect()
    }

    /// Answers given to questions that the other answers hide: dropped, and said so.
    fn ignored(&self) -> Vec<IgnoredOut> {
        self.a
            .ignored
            .iter()
            .map(|&q| IgnoredOut {
                question: self.ruleset.questions[q].id.clone(),
                text: self.ruleset.questions[q].text.get(self.lang).to_string(),
            })
            .collect()
    }
}

/// Whether a condition reads a grid's measure (the balance of time): the guide such a rule
/// calls for is the prompt that goes with the picture.
fn reads_a_measure(condition: &crate::engine::model::Condition) -> bool {
    use crate::engine::model::{Condition, Target};
    match condition {
        Condition::All(items) | Condition::Any(items) => items.iter().any(reads_a_measure),
        Condition::Not(inner) => reads_a_measure(inner),
        Condition::Test(target, _) => matches!(target, Target::Measure(..)),
    }
}
