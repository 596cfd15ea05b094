//! `crossroads explain`: the whole trace of one assessment, so that anyone who disagrees with
//! a recommendation can see exactly why it came out so.

use std::io::{self, Write};

use super::{describe_condition, describe_read};
use crate::answers::Answers;
use crate::evaluate::{evaluate, first_failure};
use crate::model::{Condition, RuleSet};
use crate::render::number;

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

pub fn render(r: &RuleSet, answers: &Answers, out: &mut dyn Write) -> io::Result<()> {
    let a = evaluate(r, answers);
    writeln!(out, "Pack {} {} ({})", r.meta.id, r.meta.version, &r.hash[..12.min(r.hash.len())])?;

    writeln!(out, "\nScores")?;
    for (i, score) in r.scores.iter().enumerate() {
        let band = a.bands[i].map_or(String::new(), |b| format!(", band `{}`", score.bands[b].id));
        match a.scores[i] {
            Some(v) => writeln!(out, "  {} = {v:.1} of 100{band}", score.id)?,
            None => writeln!(out, "  {}: none of its questions was answered", score.id)?,
        }
    }

    writeln!(out, "\nFlags, most severe first")?;
    for (i, flag) in r.flags.iter().enumerate() {
        let head = format!("{} ({}, {})", flag.id, flag.severity.name(), flag.kind.name());
        if a.flags.contains(&i) {
            let mut effects = Vec::new();
            if !flag.rules_out.is_empty() {
                let out: Vec<&str> = flag.rules_out.iter().map(|&m| r.modalities[m].id.as_str()).collect();
                effects.push(format!("rules out {}", out.join(", ")));
            }
            if let Some(m) = flag.puts_first {
                effects.push(format!("puts {} first", r.modalities[m].id));
            }
            let effects =
                if effects.is_empty() { String::new() } else { format!(": {}", effects.join("; ")) };
            writeln!(out, "  + {head} raised, because {}{effects}", describe_condition(r, &flag.when))?;
        } else {
            writeln!(out, "  - {head} not raised: {}", why_not(r, &flag.when, answers, &a.scores))?;
        }
    }

    writeln!(out, "\nRules, in phase order")?;
    for (i, rule) in r.rules.iter().enumerate() {
        let head = format!("[{}] {}", rule.phase.name(), rule.id);
        if a.fired.contains(&i) {
            let weights: Vec<String> = rule
                .weights
                .iter()
                .map(|&(m, w)| {
                    format!("{} {}{}", r.modalities[m].id, if w >= 0.0 { "+" } else { "" }, number(w))
                })
                .collect();
            let weights = if weights.is_empty() { "no weights".into() } else { weights.join(", ") };
            writeln!(out, "  + {head} fired: {weights}")?;
        } else {
            writeln!(out, "  - {head} did not fire: {}", why_not(r, &rule.when, answers, &a.scores))?;
        }
    }

    writeln!(out, "\nTotals per modality")?;
    for (m, modality) in r.modalities.iter().enumerate() {
        let out_by = a
            .ruled_out
            .iter()
            .find(|(x, _)| *x == m)
            .map(|&(_, f)| format!(" (ruled out by {})", r.flags[f].id));
        writeln!(out, "  {:20} {}{}", modality.id, number(a.totals[m]), out_by.unwrap_or_default())?;
    }

    writeln!(out, "\nRanking")?;
    let ranking = super::ranking(r, &a);
    writeln!(
        out,
        "  {}",
        if ranking.is_empty() { "nothing left to rank".into() } else { ranking.join(" > ") }
    )?;
    let ties: Vec<String> = a
        .ranking
        .windows(2)
        .filter(|w| w[0].score == w[1].score)
        .map(|w| format!("{} before {}", r.modalities[w[0].modality].id, r.modalities[w[1].modality].id))
        .collect();
    if !ties.is_empty() {
        writeln!(out, "  tie-break (equal totals keep the pack's order of modalities): {}", ties.join(", "))?;
    }
    if a.urgent {
        writeln!(out, "  an urgent flag is raised: every modality but what it puts first is withheld")?;
    }
    match (a.primary, a.put_first_by) {
        (Some(m), Some(f)) => {
            writeln!(out, "\nRecommendation: {}, put first by flag {}", r.modalities[m].id, r.flags[f].id)
        }
        (Some(m), None) => writeln!(out, "\nRecommendation: {}, the highest total", r.modalities[m].id),
        (None, _) => writeln!(out, "\nRecommendation: none"),
    }?;
    if !a.ignored.is_empty() {
        let ignored: Vec<&str> = a.ignored.iter().map(|&q| r.questions[q].id.as_str()).collect();
        writeln!(
            out,
            "Ignored answers (their questions are hidden by other answers): {}",
            ignored.join(", ")
        )?;
    }
    Ok(())
}
