//! `crossroads explain`: the whole trace of one assessment, so that anyone who disagrees with
//! a recommendation can see exactly why it came out so; as text, or as JSON for programs.

use std::io::{self, Write};

use serde::Serialize;

use super::{describe_condition, describe_read};
use crate::engine::answers::Answers;
use crate::engine::condition::first_failure;
use crate::engine::evaluate::evaluate;
use crate::engine::model::{Condition, RuleSet};
use crate::util::number::number;

/// Why a condition is false: the failing part and, for a single test, what it read.
fn why_not(r: &RuleSet, condition: &Condition, answers: &Answers, scores: &[Option<f64>]) -> String {
    match first_failure(condition, &answers.values, scores) {
        Some(Condition::Test(target, test)) => format!(
            "needs {}, read {}",
            super::describe_test(r, *target, test),
            describe_read(r, *target, &answers.values, scores)
        ),
        Some(other) => format!("needs {}", describe_condition(r, other)),
        None => "holds".into(),
    }
}

/// Everything `explain` says, built once and written as text or JSON.
#[derive(Serialize)]
pub struct Trace {
    pub pack: PackId,
    pub scores: Vec<ScoreLine>,
    /// Most severe first, raised or not.
    pub flags: Vec<FlagLine>,
    /// In phase order, fired or not.
    pub rules: Vec<RuleLine>,
    pub totals: Vec<Total>,
    /// Best first; what a flag rules out is not ranked.
    pub ranking: Vec<Total>,
    /// Neighbours in the ranking with equal totals: the pack's order of modalities decides.
    pub ties: Vec<[String; 2]>,
    pub urgent: bool,
    pub recommendation: Option<String>,
    /// The flag that put the recommendation first, if one did.
    pub put_first_by: Option<String>,
    /// Answers to questions that other answers hide.
    pub ignored: Vec<String>,
}

#[derive(Serialize)]
pub struct PackId {
    pub id: String,
    pub version: String,
    pub hash: String,
}

#[derive(Serialize)]
pub struct ScoreLine {
    pub id: String,
    /// `None` when none of its questions was answered.
    pub value: Option<f64>,
    pub band: Option<String>,
}

#[derive(Serialize)]
pub struct FlagLine {
    pub id: String,
    pub severity: &'static str,
    pub kind: &'static str,
    pub raised: bool,
    /// The condition, in words: why it was raised, or what it needed.
    pub because: String,
    pub rules_out: Vec<String>,
    pub puts_first: Option<String>,
    pub weights: Vec<Weight>,
}

#[derive(Serialize)]
pub struct RuleLine {
    pub id: String,
    pub phase: &'static str,
    pub fired: bool,
    pub weights: Vec<Weight>,
    /// For a rule that did not fire, the part of its condition that failed.
    pub why_not: Option<String>,
}

#[derive(Serialize)]
pub struct Weight {
    pub modality: String,
    pub weight: f64,
}

#[derive(Serialize)]
pub struct Total {
    pub modality: String,
    pub total: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ruled_out_by: Option<String>,
}

pub fn trace(r: &RuleSet, answers: &Answers) -> Trace {
    let a = evaluate(r, answers);
    let modality = |m: usize| r.modalities[m].id.clone();
    let weights = |w: &[(usize, f64)]| -> Vec<Weight> {
        w.iter().map(|&(m, weight)| Weight { modality: modality(m), weight }).collect()
    };
    let scores = r
        .scores
        .iter()
        .enumerate()
        .map(|(i, score)| ScoreLine {
            id: score.id.clone(),
            value: a.scores[i],
            band: a.bands[i].map(|b| score.bands[b].id.clone()),
        })
        .collect();
    let flags = r
        .flags
        .iter()
        .enumerate()
        .map(|(i, flag)| {
            let raised = a.flags.contains(&i);
            FlagLine {
                id: flag.id.clone(),
                severity: flag.severity.name(),
                kind: flag.kind.name(),
                raised,
                because: if raised {
                    describe_condition(r, &flag.when)
                } else {
                    why_not(r, &flag.when, answers, &a.scores)
                },
                rules_out: flag.rules_out.iter().map(|&m| modality(m)).collect(),
                puts_first: flag.puts_first.map(modality),
                weights: weights(&flag.weights),
            }
        })
        .collect();
    let rules = r
        .rules
        .iter()
        .enumerate()
        .map(|(i, rule)| {
            let fired = a.fired.contains(&i);
            RuleLine {
                id: rule.id.clone(),
                phase: rule.phase.name(),
                fired,
                weights: weights(&rule.weights),
                why_not: (!fired).then(|| why_not(r, &rule.when, answers, &a.scores)),
            }
        })
        .collect();
    let totals = (0..r.modalities.len())
        .map(|m| Total {
            modality: modality(m),
            total: a.totals[m],
            ruled_out_by: a.ruled_out.iter().find(|(x, _)| *x == m).map(|&(_, f)| r.flags[f].id.clone()),
        })
        .collect();
    let ranking = a
        .ranking
        .iter()
        .map(|x| Total { modality: modality(x.modality), total: x.score, ruled_out_by: None })
        .collect();
    let ties = a
        .ranking
        .windows(2)
        .filter(|w| w[0].score == w[1].score)
        .map(|w| [modality(w[0].modality), modality(w[1].modality)])
        .collect();
    Trace {
        pack: PackId { id: r.meta.id.clone(), version: r.meta.version.clone(), hash: r.hash.clone() },
        scores,
        flags,
        rules,
        totals,
        ranking,
        ties,
        urgent: a.urgent,
        recommendation: a.primary.map(modality),
        put_first_by: a.put_first_by.map(|f| r.flags[f].id.clone()),
        ignored: a.ignored.iter().map(|&q| r.questions[q].id.clone()).collect(),
    }
}

/// "coaching -3, mentoring +1".
fn weights_text(weights: &[Weight]) -> String {
    let each = weights
        .iter()
        .map(|w| format!("{} {}{}", w.modality, if w.weight >= 0.0 { "+" } else { "" }, number(w.weight)));
    each.collect::<Vec<_>>().join(", ")
}

pub fn render_json(t: &Trace, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, t).map_err(io::Error::from)?;
    writeln!(out)
}

pub fn render(t: &Trace, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "Pack {} {} ({})", t.pack.id, t.pack.version, &t.pack.hash[..12.min(t.pack.hash.len())])?;

    writeln!(out, "\nScores")?;
    for score in &t.scores {
        let band = score.band.as_ref().map_or(String::new(), |b| format!(", band `{b}`"));
        match score.value {
            Some(v) => writeln!(out, "  {} = {v:.1} of 100{band}", score.id)?,
            None => writeln!(out, "  {}: none of its questions was answered", score.id)?,
        }
    }

    writeln!(out, "\nFlags, most severe first")?;
    for flag in &t.flags {
        let head = format!("{} ({}, {})", flag.id, flag.severity, flag.kind);
        if flag.raised {
            let mut effects = Vec::new();
            if !flag.rules_out.is_empty() {
                effects.push(format!("rules out {}", flag.rules_out.join(", ")));
            }
            if let Some(m) = &flag.puts_first {
                effects.push(format!("puts {m} first"));
            }
            if !flag.weights.is_empty() {
                effects.push(weights_text(&flag.weights));
            }
            let effects =
                if effects.is_empty() { String::new() } else { format!(": {}", effects.join("; ")) };
            writeln!(out, "  + {head} raised, because {}{effects}", flag.because)?;
        } else {
            writeln!(out, "  - {head} not raised: {}", flag.because)?;
        }
    }

    writeln!(out, "\nRules, in phase order")?;
    for rule in &t.rules {
        let head = format!("[{}] {}", rule.phase, rule.id);
        match &rule.why_not {
            None => {
                let weights: Vec<String> = rule
                    .weights
                    .iter()
                    .map(|w| {
                        format!(
                            "{} {}{}",
                            w.modality,
                            if w.weight >= 0.0 { "+" } else { "" },
                            number(w.weight)
                        )
                    })
                    .collect();
                let weights = if weights.is_empty() { "no weights".into() } else { weights.join(", ") };
                writeln!(out, "  + {head} fired: {weights}")?;
            }
            Some(why) => writeln!(out, "  - {head} did not fire: {why}")?,
        }
    }

    writeln!(out, "\nTotals per modality")?;
    for total in &t.totals {
        let out_by = total.ruled_out_by.as_ref().map(|f| format!(" (ruled out by {f})"));
        writeln!(out, "  {:20} {}{}", total.modality, number(total.total), out_by.unwrap_or_default())?;
    }

    writeln!(out, "\nRanking")?;
    let ranking: Vec<String> =
        t.ranking.iter().map(|x| format!("{} {}", x.modality, number(x.total))).collect();
    writeln!(
        out,
        "  {}",
        if ranking.is_empty() { "nothing left to rank".into() } else { ranking.join(" > ") }
    )?;
    if !t.ties.is_empty() {
        let ties: Vec<String> = t.ties.iter().map(|[a, b]| format!("{a} before {b}")).collect();
        writeln!(out, "  tie-break (equal totals keep the pack's order of modalities): {}", ties.join(", "))?;
    }
    if t.urgent {
        writeln!(out, "  an urgent flag is raised: every modality but what it puts first is withheld")?;
    }
    match (&t.recommendation, &t.put_first_by) {
        (Some(m), Some(f)) => writeln!(out, "\nRecommendation: {m}, put first by flag {f}"),
        (Some(m), None) => writeln!(out, "\nRecommendation: {m}, the highest total"),
        (None, _) => writeln!(out, "\nRecommendation: none"),
    }?;
    if !t.ignored.is_empty() {
        writeln!(
            out,
            "Ignored answers (their questions are hidden by other answers): {}",
            t.ignored.join(", ")
        )?;
    }
    Ok(())
}
