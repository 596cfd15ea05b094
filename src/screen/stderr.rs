//! What the person running `screen` is told on standard error: each rejected row (for HR,
//! where and what kind only), the urgent marks, and the closing line.

use std::io::{self, Write};

use super::read::Rows;
use super::read::{Rejected, Row};
use super::{Audience, SHOWN_REJECTS, ScreenConfig, Tally};
use crate::engine::model::RuleSet;
use crate::engine::safety::Urgency;
use crate::util::sanitize;

pub(super) fn summarise(
    err: &mut dyn Write,
    config: &ScreenConfig,
    name: &str,
    tally: &Tally,
    shown: u64,
    rows: &Rows,
) -> io::Result<()> {
    let hidden = tally.rejected + tally.unfinished
        - shown
        - if config.audience == Audience::Coach { tally.urgent_rejected } else { 0 };
    if hidden > 0 && shown >= SHOWN_REJECTS {
        let whole =
            if config.rejects.is_some() { "--rejects has them all" } else { "--rejects FILE keeps them all" };
        writeln!(err, "... and {hidden} more rows not assessed ({whole})")?;
    }
    if let Rows::Csv(csv) = rows
        && csv.empty > 0
    {
        writeln!(err, "note: {} empty row(s) skipped", csv.empty)?;
    }
    let coach = config.audience == Audience::Coach;
    let mut line = format!("screened {name}: {} assessed", tally.assessed);
    if coach && tally.urgent_assessed > 0 {
        line.push_str(&format!(" ({} urgent: reach them first)", tally.urgent_assessed));
    }
    line.push_str(&format!(", {} rejected", tally.rejected));
    if tally.unfinished > 0 {
        line.push_str(&format!(", {} unfinished (set apart, not assessed)", tally.unfinished));
    }
    if coach && tally.urgent_rejected > 0 {
        line.push_str(&format!(
            "; URGENT: {} of the rows not assessed carry an urgent answer or one that could not be read: they are listed first",
            tally.urgent_rejected
        ));
    }
    writeln!(err, "{line}")?;
    if config.audience == Audience::Hr && tally.rejected + tally.unfinished > 0 {
        writeln!(
            err,
            "note: rows not assessed are not counted, and any of them may need someone's attention: \
             have whoever holds the coach's view screen this file (--audience coach)"
        )?;
    }
    Ok(())
}

/// The words of a row's urgency, for standard error and the rejects file.
pub(super) fn urgency_mark(ruleset: &RuleSet, urgency: &Urgency) -> Option<String> {
    match urgency {
        Urgency::None => None,
        Urgency::Raised(flags) => {
            let ids: Vec<&str> = flags.iter().map(|&f| ruleset.flags[f].id.as_str()).collect();
            Some(format!("URGENT, not assessed: an answer raises {}; reach this person first", ids.join(", ")))
        }
        Urgency::Unreadable => Some(
            "URGENT, not assessed: an answer that could raise an urgent flag could not be read; check with this person first"
                .into(),
        ),
    }
}

/// One rejected row on standard error. HR is told where and what kind of problem, never the
/// value, the respondent or whether it is urgent: that could be someone's health answer.
pub(super) fn report_reject(
    err: &mut dyn Write,
    ruleset: &RuleSet,
    name: &str,
    row: &Row,
    rejected: &Rejected,
    coach: bool,
) -> io::Result<()> {
    let label = if rejected.partial { "unfinished" } else { "rejected" };
    if coach && let Some(mark) = urgency_mark(ruleset, &rejected.urgency) {
        writeln!(err, "{mark}: {name}:{} ({})", row.line, row.key)?;
    }
    for p in &rejected.problems {
        // HR gets the line and the kind of problem: a JSON key could be anything a row holds.
        let column = if p.column.is_empty() || !coach {
            String::new()
        } else {
            format!(", column \"{}\"", sanitize::terminal(&p.column))
        };
        let detail = if coach && !p.detail.is_empty() {
            format!(": {}", sanitize::terminal(&p.detail))
        } else {
            String::new()
        };
        writeln!(err, "{label}: {name}:{}{column}: {}{detail}", row.line, p.what)?;
    }
    Ok(())
}
