//! The Markdown report, to share or print: the text report's content, plus every reason fired.

use std::io::{self, Write};

use super::{flag_rules_out, join_names, number};
use crate::model::Severity;
use crate::report::Report;

fn cite(text: &str, source: &Option<String>) -> String {
    match source {
        Some(s) => format!("{text} *({s})*"),
        None => text.to_string(),
    }
}

pub fn render(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    let primary = r.recommendation.primary.as_deref();
    match &r.respondent {
        Some(name) => writeln!(out, "# {}: for {name}", r.pack.name)?,
        None => writeln!(out, "# {}", r.pack.name)?,
    }
    if r.urgent {
        writeln!(out, "\n## Please reach out for support now\n")?;
        for flag in r.flags.iter().filter(|f| f.severity == Severity::Urgent) {
            writeln!(out, "{}\n", flag.message)?;
        }
    }
    if !r.support.is_empty() {
        if !r.urgent {
            writeln!(out, "\n## Where to find help\n")?;
        }
        for s in &r.support {
            writeln!(out, "- **{}**: {}", s.name, s.contact)?;
            if let Some(note) = &s.note {
                writeln!(out, "  {note}")?;
            }
        }
    }
    match &r.recommendation.primary_name {
        Some(name) => {
            writeln!(out, "\n## What fits you now: {name}\n")?;
            if let Some(fits) = &r.recommendation.fits_when {
                writeln!(out, "{fits}")?;
            }
        }
        None => writeln!(out, "\n## No recommendation\n")?,
    }
    if let Some(readiness) = r.readiness.as_ref().filter(|_| r.recommendation.put_first_by.is_none()) {
        let band = readiness.band_label.as_deref().unwrap_or("");
        writeln!(out, "\n**{}:** {} of 100. {band}", readiness.name, readiness.score)?;
    }
    if !r.urgent && !r.recommendation.ranking.is_empty() {
        writeln!(out, "\n## Ranking\n\n| # | support | weight |\n|---|---|---|")?;
        for (i, m) in r.recommendation.ranking.iter().enumerate() {
            writeln!(out, "| {} | {} | {} |", i + 1, m.name, number(m.score))?;
        }
    }
    let cautions: Vec<_> = r.flags.iter().filter(|f| !r.urgent && f.concerns(primary)).collect();
    if !cautions.is_empty() {
        writeln!(out, "\n## Please note\n")?;
        for flag in cautions {
            let ruled = flag_rules_out(r, flag);
            let mut text = cite(&flag.message, &flag.source);
            if !ruled.is_empty() {
                text.push_str(&format!(" For now, this rules out: {}.", join_names(&ruled)));
            }
            writeln!(out, "- {text}")?;
        }
    }
    if !r.urgent && !r.reasons.is_empty() {
        writeln!(out, "\n## Why: every rule that applied\n")?;
        for reason in &r.reasons {
            let weights: Vec<String> = reason
                .weights
                .iter()
                .map(|w| {
                    format!("{} {}{}", w.modality, if w.weight >= 0.0 { "+" } else { "" }, number(w.weight))
                })
                .collect();
            if weights.is_empty() {
                writeln!(out, "- {}", cite(&reason.because, &reason.source))?;
            } else {
                writeln!(out, "- {} `{}`", cite(&reason.because, &reason.source), weights.join(", "))?;
            }
        }
    }
    if !r.next_steps.is_empty() {
        writeln!(out, "\n## Next steps\n")?;
        for (i, step) in r.next_steps.iter().enumerate() {
            writeln!(out, "{}. {step}", i + 1)?;
        }
    }
    for guide in &r.guides {
        writeln!(out, "\n### {}\n", cite(&guide.title, &guide.source))?;
        for item in &guide.items {
            writeln!(out, "- {item}")?;
        }
    }
    if !r.ignored_answers.is_empty() {
        writeln!(out, "\n## Answers not used\n")?;
        for q in &r.ignored_answers {
            writeln!(out, "- \"{}\" (`{}`): the other answers skip this question.", q.text, q.question)?;
        }
    }
    writeln!(
        out,
        "\n---\n\nPack `{}` {} (sha256 `{}`). This is a screen, not a diagnosis.",
        r.pack.id, r.pack.version, r.pack.hash
    )
}
