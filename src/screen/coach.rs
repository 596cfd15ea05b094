//! The coach's output: one line per respondent (CSV, Markdown) or the whole assessment
//! (JSON Lines). Urgent ones come first: those assessed with an urgent flag, and those whose
//! row could not be assessed but carries an urgent answer, or one that could not be read.

use std::io::{self, Write};

use serde::Serialize;

use super::Format;
use super::read::{Problem, Rejected};
use super::sink::Spool;
use crate::engine::answers::Answers;
use crate::engine::evaluate::Assessment;
use crate::engine::model::{RuleSet, Severity};
use crate::engine::safety::Urgency;
use crate::report::{self, Report};
use crate::util::sanitize;

const COLUMNS: [&str; 8] =
    ["respondent", "line", "status", "primary", "runner_up", "readiness", "band", "flags"];

/// A row's status in the coach's output.
pub const ASSESSED: &str = "assessed";
/// An answer raises an urgent flag, but the row could not be assessed.
pub const URGENT_INCOMPLETE: &str = "urgent_incomplete";
/// The answer that could raise an urgent flag could not be read: look at this person.
pub const URGENT_UNREADABLE: &str = "urgent_unreadable";
/// Assessed on the latest answers, which raise no urgent flag; answers they replaced (the same
/// form submitted again, changed) did: look at this person.
pub const URGENT_EARLIER: &str = "urgent_earlier";

/// Rows wait in two unlinked temporary files, urgent and the rest, so that memory stays flat
/// however many rows come, and urgent ones can still be written first.
pub struct Coach<'r> {
    ruleset: &'r RuleSet,
    format: Format,
    lang: Option<String>,
    urgent: Out,
    rest: Out,
    /// Rows listed with the urgent ones, assessed or not.
    urgent_count: u64,
}

enum Out {
    Csv(Box<csv::Writer<Spool>>),
    Raw(Spool),
}

impl Out {
    fn new(format: Format) -> io::Result<Out> {
        Ok(match format {
            Format::Csv => {
                Out::Csv(Box::new(csv::WriterBuilder::new().has_headers(false).from_writer(Spool::new()?)))
            }
            _ => Out::Raw(Spool::new()?),
        })
    }

    fn copy_into(self, out: &mut dyn Write) -> io::Result<()> {
        match self {
            Out::Csv(w) => w.into_inner().map_err(|e| e.into_error())?.copy_into(out),
            Out::Raw(spool) => spool.copy_into(out),
        }
    }
}

#[derive(Serialize)]
struct JsonRow<'a> {
    respondent: &'a str,
    line: u64,
    status: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    assessment: Option<Report>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    urgent_flags: Vec<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    problems: Vec<JsonProblem<'a>>,
}

#[derive(Serialize)]
struct JsonProblem<'a> {
    column: &'a str,
    problem: &'a str,
    detail: &'a str,
}

/// One line of the table, before it is written in a format.
struct Line<'a> {
    key: &'a str,
    line: u64,
    status: &'a str,
    primary: &'a str,
    runner_up: &'a str,
    readiness: String,
    band: &'a str,
    flags: Vec<&'a str>,
    /// In JSON, for a row listed as urgent but not for its assessed answers: the urgent flags.
    urgent_flags: Vec<&'a str>,
}

impl<'r> Coach<'r> {
    pub fn new(ruleset: &'r RuleSet, format: Format, lang: Option<String>) -> io::Result<Self> {
        Ok(Coach {
            ruleset,
            format,
            lang,
            urgent: Out::new(format)?,
            rest: Out::new(format)?,
            urgent_count: 0,
        })
    }

    /// An assessed row; `earlier_urgent` are the urgent flags that answers it replaced raised.
    /// Returns whether the row is listed with the urgent ones.
    pub fn add(
        &mut self,
        key: &str,
        line: u64,
        answers: &Answers,
        a: &Assessment,
        earlier_urgent: &[usize],
    ) -> io::Result<bool> {
        let r = self.ruleset;
        let id = |m: usize| r.modalities[m].id.as_str();
        let (readiness, band) = match a.readiness(r) {
            Some((score, band)) => ((score.round() as u32).to_string(), band.map_or("", |b| b.id.as_str())),
            None => (String::new(), ""),
        };
        let urgent_now = a.flags.iter().any(|&f| r.flags[f].severity == Severity::Urgent);
        let mut flags: Vec<&str> = a.flags.iter().map(|&f| r.flags[f].id.as_str()).collect();
        for &f in earlier_urgent {
            if !flags.contains(&r.flags[f].id.as_str()) {
                flags.push(&r.flags[f].id);
            }
        }
        let status = if urgent_now || earlier_urgent.is_empty() { ASSESSED } else { URGENT_EARLIER };
        let urgent = urgent_now || !earlier_urgent.is_empty();
        let urgent_flags = match status {
            ASSESSED => Vec::new(),
            _ => earlier_urgent.iter().map(|&f| r.flags[f].id.as_str()).collect(),
        };
        let row = Line {
            key,
            line,
            status,
            primary: a.primary.map(id).unwrap_or(""),
            runner_up: a.ranking.get(1).map(|x| id(x.modality)).unwrap_or(""),
            readiness,
            band,
            flags,
            urgent_flags,
        };
        let report =
            (self.format == Format::Jsonl).then(|| report::build(r, a, answers, self.lang.as_deref()));
        self.write(urgent, row, report, &[])?;
        Ok(urgent)
    }

    /// A row that could not be assessed but must not be missed: listed with the urgent ones.
    pub fn add_urgent_rejected(&mut self, key: &str, line: u64, rejected: &Rejected) -> io::Result<()> {
        let r = self.ruleset;
        let (status, flags) = match &rejected.urgency {
            Urgency::Raised(flags) => {
                (URGENT_INCOMPLETE, flags.iter().map(|&f| r.flags[f].id.as_str()).collect())
            }
            _ => (URGENT_UNREADABLE, Vec::new()),
        };
        let urgent_flags = flags.clone();
        let row = Line {
            key,
            line,
            status,
            primary: "",
            runner_up: "",
            readiness: String::new(),
            band: "",
            flags,
            urgent_flags,
        };
        self.write(true, row, None, &rejected.problems)
    }

    fn write(
        &mut self,
        urgent: bool,
        row: Line,
        report: Option<Report>,
        problems: &[Problem],
    ) -> io::Result<()> {
        self.urgent_count += u64::from(urgent);
        let out = if urgent { &mut self.urgent } else { &mut self.rest };
        match (self.format, out) {
            (_, Out::Csv(w)) => {
                let line = row.line.to_string();
                let flags = row.flags.join(";");
                let key = sanitize::spreadsheet(row.key);
                w.write_record([
                    &*key,
                    &line,
                    row.status,
                    row.primary,
                    row.runner_up,
                    &row.readiness,
                    row.band,
                    &flags,
                ])?;
            }
            (Format::Markdown, Out::Raw(out)) => {
                let cells = [
                    cell(row.key),
                    row.line.to_string(),
                    row.status.into(),
                    row.primary.into(),
                    row.runner_up.into(),
                    row.readiness,
                    row.band.into(),
                    row.flags.join(", "),
                ];
                writeln!(out, "| {} |", cells.join(" | "))?;
            }
            (_, Out::Raw(out)) => {
                let problems = problems
                    .iter()
                    .map(|p| JsonProblem { column: &p.column, problem: &p.what, detail: &p.detail })
                    .collect();
                let json = JsonRow {
                    respondent: row.key,
                    line: row.line,
                    status: row.status,
                    assessment: report,
                    urgent_flags: row.urgent_flags,
                    problems,
                };
                serde_json::to_writer(&mut *out, &json)?;
                writeln!(out)?;
            }
        }
        Ok(())
    }

    pub fn finish(self, out: &mut dyn Write) -> io::Result<()> {
        match self.format {
            Format::Csv => writeln!(out, "{}", COLUMNS.join(","))?,
            Format::Markdown => {
                if self.urgent_count > 0 {
                    let people = if self.urgent_count == 1 { "person" } else { "people" };
                    writeln!(
                        out,
                        "**URGENT: {} {people} to reach first; they are listed first.**\n",
                        self.urgent_count
                    )?;
                }
                writeln!(out, "| {} |", COLUMNS.join(" | "))?;
                writeln!(out, "|{}", "---|".repeat(COLUMNS.len()))?;
            }
            // Refused before any row is read (`--format html` is HR's).
            Format::Jsonl | Format::Html => {}
        }
        self.urgent.copy_into(out)?;
        self.rest.copy_into(out)
    }
}

/// A value inside a Markdown table cell: shown, never run or read as table syntax.
fn cell(text: &str) -> String {
    sanitize::terminal(text).replace('|', "\\|")
}
