//! The report: an assessment resolved into words in one language, shared by every renderer.
//! Its JSON form is the versioned document programs read (`schema_version`).

pub mod render;

use serde::Serialize;

use crate::engine::evaluate::Assessment;
use crate::engine::model::{Answer, Answers};
use crate::engine::model::{FlagKind, Kind, Line, Phase, Question, RuleSet, Severity};

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Serialize)]
pub struct Report {
    pub schema_version: u32,
    /// The language of the texts: the one asked for if the pack has it, else its default.
    pub language: String,
    pub respondent: Option<String>,
    /// An urgent flag was raised: lead with `support`, recommend nothing else.
    pub urgent: bool,
    pub support: Vec<SupportOut>,
    pub recommendation: Recommendation,
    pub readiness: Option<Readiness>,
    pub scores: Vec<ScoreOut>,
    pub flags: Vec<FlagOut>,
    pub reasons: Vec<Reason>,
    pub pitfalls: Vec<String>,
    pub next_steps: Vec<String>,
    pub guides: Vec<GuideOut>,
    pub ignored_answers: Vec<IgnoredOut>,
    /// What would put the runner-up, or a modality the person may expect, first; absent when
    /// not asked for (`screen` does not), empty when nothing within reach would.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changes: Option<Vec<ChangeOut>>,
    pub pack: PackOut,
}

#[derive(Debug, Serialize)]
pub struct ChangeOut {
    pub modality: String,
    pub name: String,
    /// The modality is one the pack says people may expect (`pack.expected`).
    pub expected: bool,
    /// The fewest answers that would put it first; empty when more than `whatif::MAX_CHANGES`
    /// would have to differ (only an expected modality is listed then).
    pub answers: Vec<AnswerChange>,
}

#[derive(Debug, Serialize)]
pub struct AnswerChange {
    pub question: String,
    pub text: String,
    pub from: String,
    pub to: String,
}

#[derive(Debug, Serialize)]
pub struct Recommendation {
    pub primary: Option<String>,
    pub primary_name: Option<String>,
    pub fits_when: Option<String>,
    /// The flag that put the primary first, whatever the weights.
    pub put_first_by: Option<String>,
    /// Best first; under an urgent flag, only what it puts first.
    pub ranking: Vec<RankOut>,
    pub ruled_out: Vec<RuledOut>,
}

#[derive(Debug, Serialize)]
pub struct RankOut {
    pub id: String,
    pub name: String,
    pub score: f64,
}

#[derive(Debug, Serialize)]
pub struct RuledOut {
    pub id: String,
    pub name: String,
    pub by_flag: String,
}

#[derive(Debug, Serialize)]
pub struct Readiness {
    pub name: String,
    pub score: u32,
    pub band: Option<String>,
    pub band_label: Option<String>,
    /// What the answers say is not in place yet: the score's labelled parts in their lower half.
    pub low: Vec<String>,
    /// The recommendation is one the score is about (the pack's `readiness_for`), so that a
    /// report shows it beside it; "ready for coaching" under direct teaching would confuse.
    pub about_recommendation: bool,
    pub bands: Vec<BandOut>,
}

#[derive(Debug, Serialize)]
pub struct BandOut {
    pub id: String,
    pub label: String,
    pub from: f64,
    pub to: f64,
}

#[derive(Debug, Serialize)]
pub struct ScoreOut {
    pub id: String,
    pub name: String,
    pub score: Option<f64>,
    pub band: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct FlagOut {
    pub id: String,
    pub severity: Severity,
    pub kind: FlagKind,
    pub message: String,
    pub rules_out: Vec<String>,
    /// Evidence the flag added to the totals, as a rule's weights.
    pub weights: Vec<WeightOut>,
    /// The flag concerns these modalities only (empty: all of them).
    pub about: Vec<String>,
    pub source: Option<String>,
}

impl FlagOut {
    /// Whether the flag is worth showing beside a recommendation of `primary`.
    pub fn concerns(&self, primary: Option<&str>) -> bool {
        self.about.is_empty() || primary.is_some_and(|p| self.about.iter().any(|a| a == p))
    }
}

#[derive(Debug, Serialize)]
pub struct Reason {
    pub rule: String,
    pub phase: Phase,
    pub because: String,
    pub source: Option<String>,
    pub weights: Vec<WeightOut>,
}

#[derive(Debug, Serialize)]
pub struct WeightOut {
    pub modality: String,
    pub weight: f64,
}

#[derive(Debug, Serialize)]
pub struct SupportOut {
    pub id: String,
    pub name: String,
    pub contact: String,
    pub note: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct GuideOut {
    pub id: String,
    pub title: String,
    pub items: Vec<String>,
    pub source: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct IgnoredOut {
    pub question: String,
    pub text: String,
}

#[derive(Debug, Serialize)]
pub struct PackOut {
    pub id: String,
    pub version: String,
    pub name: String,
    pub hash: String,
}

impl PackOut {
    /// The pack that made a document, its name in `lang`.
    pub fn of(ruleset: &RuleSet, lang: Option<&str>) -> PackOut {
        PackOut {
            id: ruleset.meta.id.clone(),
            version: ruleset.meta.version.clone(),
            name: ruleset.meta.name.get(lang).to_string(),
            hash: ruleset.hash.clone(),
        }
    }

    /// The first twelve digits of the hash, as a footer shows it.
    pub fn short_hash(&self) -> &str {
        self.hash.get(..12).unwrap_or(&self.hash)
    }
}

/// The language a document is written in: the one asked for if the pack has it, else the
/// pack's default.
pub fn language(ruleset: &RuleSet, lang: Option<&str>) -> String {
    lang.filter(|l| ruleset.meta.languages.iter().any(|x| x == l))
        .unwrap_or(&ruleset.meta.languages[0])
        .to_string()
}

/// Resolves every id and text of an assessment in `lang` (falling back to the pack's default).
/// The answers decide which conditional lines are shown: that is a report's work, so that
/// `evaluate` does none of it.
pub fn build(ruleset: &RuleSet, a: &Assessment, answers: &Answers, lang: Option<&str>) -> Report {
    let shows = |line: &Line| {
        line.when.is_none_or(|i| {
            crate::engine::condition::holds(&ruleset.line_conditions[i], &answers.values, &a.scores)
        })
    };
    let modality_name = |m: usize| ruleset.modalities[m].name.get(lang).to_string();
    // A rule's or a flag's weights, by modality id.
    let weights_out = |weights: &[(usize, f64)]| -> Vec<WeightOut> {
        weights
            .iter()
            .map(|&(m, w)| WeightOut { modality: ruleset.modalities[m].id.clone(), weight: w })
            .collect()
    };
    let primary = a.primary.map(|m| &ruleset.modalities[m]);

    let mut support_ids: Vec<usize> = Vec::new();
    let mut guide_ids: Vec<usize> = Vec::new();
    for &f in &a.flags {
        let flag = &ruleset.flags[f];
        for &s in &flag.support {
            if !support_ids.contains(&s) {
                support_ids.push(s);
            }
        }
        if flag.severity == Severity::Urgent {
            guide_ids.extend(&flag.guides);
        }
    }
    if let Some(m) = primary {
        guide_ids.extend(&m.guides);
    }
    // When a flag decided the recommendation (care first), advice that the other answers
    // call for waits.
    if a.put_first_by.is_none() {
        for &f in &a.flags {
            guide_ids.extend(&ruleset.flags[f].guides);
        }
        for &r in &a.fired {
            guide_ids.extend(&ruleset.rules[r].guides);
        }
    }
    let mut seen = Vec::new();
    guide_ids.retain(|g| {
        let new = !seen.contains(g);
        seen.push(*g);
        new
    });

    let language = language(ruleset, lang);
    Report {
        schema_version: SCHEMA_VERSION,
        language,
        respondent: a.respondent.clone(),
        urgent: a.urgent,
        support: support_ids
            .iter()
            .map(|&s| {
                let s = &ruleset.support[s];
                SupportOut {
                    id: s.id.clone(),
                    name: s.name.get(lang).to_string(),
                    contact: s.contact.get(lang).to_string(),
                    note: s.note.as_ref().map(|n| n.get(lang).to_string()),
                }
            })
            .collect(),
        recommendation: Recommendation {
            primary: primary.map(|m| m.id.clone()),
            primary_name: primary.map(|m| m.name.get(lang).to_string()),
            fits_when: primary.map(|m| m.fits_when.get(lang).to_string()),
            put_first_by: a.put_first_by.map(|f| ruleset.flags[f].id.clone()),
            ranking: a
                .ranking
                .iter()
                .map(|r| RankOut {
                    id: ruleset.modalities[r.modality].id.clone(),
                    name: modality_name(r.modality),
                    score: r.score,
                })
                .collect(),
            ruled_out: a
                .ruled_out
                .iter()
                .map(|&(m, f)| RuledOut {
                    id: ruleset.modalities[m].id.clone(),
                    name: modality_name(m),
                    by_flag: ruleset.flags[f].id.clone(),
                })
                .collect(),
        },
        readiness: a.readiness(ruleset).map(|(score, band)| Readiness {
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
                .map(|i| crate::engine::evaluate::low_parts(ruleset, i, &answers.values))
                .unwrap_or_default()
                .into_iter()
                .map(|label| label.get(lang).to_string())
                .collect(),
        }),
        scores: ruleset
            .scores
            .iter()
            .enumerate()
            .map(|(i, s)| ScoreOut {
                id: s.id.clone(),
                name: s.name.get(lang).to_string(),
                score: a.scores[i].map(|v| (v * 10.0).round() / 10.0),
                band: a.bands[i].map(|b| s.bands[b].id.clone()),
            })
            .collect(),
        flags: a
            .flags
            .iter()
            .map(|&f| {
                let flag = &ruleset.flags[f];
                FlagOut {
                    id: flag.id.clone(),
                    severity: flag.severity,
                    kind: flag.kind,
                    message: flag.message.get(lang).to_string(),
                    rules_out: flag.rules_out.iter().map(|&m| ruleset.modalities[m].id.clone()).collect(),
                    weights: weights_out(&flag.weights),
                    about: flag.about.iter().map(|&m| ruleset.modalities[m].id.clone()).collect(),
                    source: flag.source.clone(),
                }
            })
            .collect(),
        reasons: a
            .fired
            .iter()
            .map(|&r| {
                let rule = &ruleset.rules[r];
                Reason {
                    rule: rule.id.clone(),
                    phase: rule.phase,
                    because: rule.because.get(lang).to_string(),
                    source: rule.source.clone(),
                    weights: weights_out(&rule.weights),
                }
            })
            .collect(),
        pitfalls: a
            .flags
            .iter()
            .filter(|&&f| ruleset.flags[f].kind == FlagKind::Pitfall)
            .map(|&f| ruleset.flags[f].id.clone())
            .collect(),
        next_steps: primary
            .map(|m| m.next_steps.iter().filter(|s| shows(s)).map(|s| s.text.get(lang).to_string()).collect())
            .unwrap_or_default(),
        // A guide whose every line is withheld by its condition is not shown at all.
        guides: guide_ids
            .iter()
            .map(|&g| {
                let guide = &ruleset.guides[g];
                GuideOut {
                    id: guide.id.clone(),
                    title: guide.title.get(lang).to_string(),
                    items: guide
                        .items
                        .iter()
                        .filter(|i| shows(i))
                        .map(|i| i.text.get(lang).to_string())
                        .collect(),
                    source: guide.source.clone(),
                }
            })
            .filter(|g| !g.items.is_empty())
            .collect(),
        ignored_answers: a
            .ignored
            .iter()
            .map(|&q| IgnoredOut {
                question: ruleset.questions[q].id.clone(),
                text: ruleset.questions[q].text.get(lang).to_string(),
            })
            .collect(),
        changes: None,
        pack: PackOut::of(ruleset, lang),
    }
}

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
        for m in targets {
            // A modality the person may expect is named even when it is further away, so that
            // "not now" can say "later"; a runner-up out of reach is not.
            let found = match search.put_first(answers, m) {
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

/// An answer as the person would say it, in their language.
pub fn describe(
    question: &Question,
    answer: Option<&Answer>,
    ui: &crate::util::i18n::Ui,
    lang: Option<&str>,
) -> String {
    let Some(answer) = answer else { return ui.no_answer.to_string() };
    match (&question.kind, answer) {
        (_, Answer::Bool(true)) => ui.yes.to_string(),
        (_, Answer::Bool(false)) => ui.no.to_string(),
        (Kind::Scale { labels, .. }, Answer::Number(x)) => match labels.iter().find(|(p, _)| *p as f64 == *x)
        {
            Some((_, label)) => format!("{x} ({})", label.get(lang)),
            None => x.to_string(),
        },
        (_, Answer::Number(x)) => x.to_string(),
        (kind, Answer::Choice(i)) => kind.options()[*i].label.get(lang).to_string(),
        (kind, Answer::Multi(bits)) => kind
            .options()
            .iter()
            .enumerate()
            .filter(|(i, _)| bits & (1 << i) != 0)
            .map(|(_, o)| o.label.get(lang))
            .collect::<Vec<_>>()
            .join("; "),
        (_, Answer::Text(t)) => t.clone(),
    }
}
