//! The Markdown report, to share or print: the text report's content, plus every reason fired.

use std::io::{self, Write};

use super::{flag_rules_out, join_names};
use crate::engine::model::Severity;
use crate::report::Report;
use crate::util::i18n::{self, fill};
use crate::util::number::number;

/// A text with its source in italics after it.
pub(crate) fn cite(text: &str, source: &Option<String>) -> String {
    match source {
        Some(s) => format!("{text} *({s})*"),
        None => text.to_string(),
    }
}

pub fn render(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    let primary = r.recommendation.primary.as_deref();
    let ui = i18n::ui(Some(&r.language));
    writeln!(out, "# {}", super::title(r))?;
    if r.urgent {
        writeln!(out, "\n## {}\n", ui.reach_out_now)?;
        for flag in r.flags.iter().filter(|f| f.severity == Severity::Urgent) {
            writeln!(out, "{}\n", flag.message)?;
        }
    }
    if !r.support.is_empty() {
        if !r.urgent {
            writeln!(out, "\n## {}\n", ui.where_to_find_help)?;
        }
        for s in &r.support {
            writeln!(out, "- **{}**{}{}", s.name, ui.colon, s.contact)?;
            if let Some(note) = &s.note {
                writeln!(out, "  {note}")?;
            }
        }
    }
    match &r.recommendation.primary_name {
        Some(name) => {
            writeln!(out, "\n## {}\n", fill(ui.what_fits, &[("name", name)]))?;
            if let Some(fits) = &r.recommendation.fits_when {
                writeln!(out, "{fits}")?;
            }
        }
        None => writeln!(out, "\n## {}\n", ui.no_recommendation)?,
    }
    let shown =
        |x: &&crate::report::Readiness| x.about_recommendation && r.recommendation.put_first_by.is_none();
    if let Some(readiness) = r.readiness.as_ref().filter(shown) {
        let band = readiness.band_label.as_deref().unwrap_or("");
        let score = readiness.score.to_string();
        let name = format!("**{}**", readiness.name);
        writeln!(out, "\n{}", fill(ui.score_of_100, &[("name", &name), ("score", &score), ("band", band)]))?;
        if !readiness.low.is_empty() {
            writeln!(out, "\n{}", fill(ui.readiness_low, &[("parts", &readiness.low.join(ui.semicolon))]))?;
        }
    }
    if !r.urgent && !r.recommendation.ranking.is_empty() {
        let weight = fill(ui.weight, &[("n", "")]);
        writeln!(out, "\n## {}\n\n| # | {} | {} |\n|---|---|---|", ui.ranking, ui.support, weight.trim())?;
        for (i, m) in r.recommendation.ranking.iter().enumerate() {
            writeln!(out, "| {} | {} | {} |", i + 1, m.name, number(m.score))?;
        }
    }
    let cautions: Vec<_> = r.flags.iter().filter(|f| !r.urgent && f.concerns(primary)).collect();
    if !cautions.is_empty() {
        writeln!(out, "\n## {}\n", ui.please_note)?;
        for flag in cautions {
            let ruled = flag_rules_out(r, flag);
            let mut text = cite(&flag.message, &flag.source);
            if !ruled.is_empty() {
                text.push(' ');
                text.push_str(&fill(ui.rules_out_for_now, &[("names", &join_names(&ruled, ui.and))]));
            }
            writeln!(out, "- {text}")?;
        }
    }
    if !r.urgent {
        for g in &r.grids {
            writeln!(out, "\n## {}\n", ui.balance)?;
            super::balance::markdown(g, ui, out)?;
        }
    }
    let others = super::about_others(r, false);
    if !others.is_empty() {
        writeln!(out, "\n## {}\n", ui.about_others)?;
        for (text, source) in &others {
            writeln!(out, "- {}", cite(text, source))?;
        }
    }
    if !r.urgent && !r.reasons.is_empty() {
        writeln!(out, "\n## {}\n", ui.every_rule)?;
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
        writeln!(out, "\n## {}\n", ui.next_steps)?;
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
        writeln!(out, "\n## {}\n", ui.answers_not_used)?;
        for q in &r.ignored_answers {
            writeln!(out, "- \"{}\" (`{}`){}{}", q.text, q.question, ui.colon, ui.skipped_by_other_answers)?;
        }
    }
    let hash = format!("`{}`", r.pack.hash);
    let id = format!("`{}`", r.pack.id);
    writeln!(
        out,
        "\n---\n\n{}",
        fill(ui.footer, &[("id", &id), ("version", &r.pack.version), ("hash", &hash)])
    )
}
