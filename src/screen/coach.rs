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
    format: Format,
    /// Writes the rows that only the reading thread sees (those that could not be assessed).
    lines: Lines<'r>,
    urgent: Spool,
    rest: Spool,
    /// Rows listed with the urgent ones, assessed or not.
    urgent_count: u64,
}

/// One row of the coach's output, written in its format, and whether it goes with the urgent.
pub struct Written {
    pub urgent: bool,
    pub bytes: Vec<u8>,
}

/// Writes the coach's rows in a format; each thread that assesses rows has its own.
pub struct Lines<'r> {
    ruleset: &'r RuleSet,
    format: Format,
    lang: Option<&'r str>,
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
    readiness: Option<u32>,
    band: &'a str,
    flags: Vec<&'a str>,
    /// In JSON, for a row listed as urgent but not for its assessed answers: the urgent flags.
    urgent_flags: Vec<&'a str>,
}

impl<'r> Lines<'r> {
    pub fn new(ruleset: &'r RuleSet, format: Format, lang: Option<&'r str>) -> Self {
        Lines { ruleset, format, lang }
    }

    /// An assessed row; `earlier_urgent` are the urgent flags that answers it replaced raised.
    pub fn assessed(
        &mut self,
        key: &str,
        line: u64,
        answers: &Answers,
        a: &Assessment,
        earlier_urgent: &[usize],
    ) -> io::Result<Written> {
        let r = self.ruleset;
        let id = |m: usize| r.modalities[m].id.as_str();
        let (readiness, band) = match a.readiness(r) {
            Some((score, band)) => (Some(score.round() as u32), band.map_or("", |b| b.id.as_str())),
            None => (None, ""),
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
        let report = (self.format == Format::Jsonl).then(|| report::build(r, a, answers, self.lang));
        Ok(Written { urgent, bytes: self.write(row, report, &[])? })
    }

    /// A row that could not be assessed but must not be missed: listed with the urgent ones.
    pub fn urgent_rejected(&mut self, key: &str, line: u64, rejected: &Rejected) -> io::Result<Written> {
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
            readiness: None,
            band: "",
            flags,
            urgent_flags,
        };
        Ok(Written { urgent: true, bytes: self.write(row, None, &rejected.problems)? })
    }

    fn write(&mut self, row: Line, report: Option<Report>, problems: &[Problem]) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        match self.format {
            Format::Csv => {
                // Written field by field into the row's own buffer: this is every assessed row.
                let mut number = itoa::Buffer::new();
                out.reserve(96 + row.key.len() + row.flags.iter().map(|f| f.len() + 1).sum::<usize>());
                csv_field(&mut out, &sanitize::spreadsheet(row.key));
                for field in [number.format(row.line), row.status, row.primary, row.runner_up] {
                    out.push(b',');
                    csv_field(&mut out, field);
                }
                out.push(b',');
                if let Some(readiness) = row.readiness {
                    out.extend_from_slice(number.format(readiness).as_bytes());
                }
                out.push(b',');
                csv_field(&mut out, row.band);
                out.push(b',');
                // The flags, `;` between them, as one field.
                let quote = row.flags.iter().any(|f| needs_quotes(f));
                if quote {
                    out.push(b'"');
                }
                for (i, flag) in row.flags.iter().enumerate() {
                    if i > 0 {
                        out.push(b';');
                    }
                    escape_quotes(&mut out, flag, quote);
                }
                if quote {
                    out.push(b'"');
                }
                out.push(b'\n');
            }
            Format::Markdown => {
                let cells = [
                    cell(row.key),
                    row.line.to_string(),
                    row.status.into(),
                    row.primary.into(),
                    row.runner_up.into(),
                    row.readiness.map(|r| r.to_string()).unwrap_or_default(),
                    row.band.into(),
                    row.flags.join(", "),
                ];
                writeln!(out, "| {} |", cells.join(" | "))?;
            }
            Format::Jsonl | Format::Html => {
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
                serde_json::to_writer(&mut out, &json)?;
                writeln!(out)?;
            }
        }
        Ok(out)
    }
}

impl<'r> Coach<'r> {
    pub fn new(ruleset: &'r RuleSet, format: Format, lang: Option<&'r str>) -> io::Result<Self> {
        Ok(Coach {
            format,
            lines: Lines::new(ruleset, format, lang),
            urgent: Spool::new()?,
            rest: Spool::new()?,
            urgent_count: 0,
        })
    }

    /// A row written by [`Lines`], in the order of the input.
    pub fn add(&mut self, row: Written) -> io::Result<()> {
        self.urgent_count += u64::from(row.urgent);
        let out = if row.urgent { &mut self.urgent } else { &mut self.rest };
        out.write_all(&row.bytes)
    }

    /// A row that could not be assessed but must not be missed: listed with the urgent ones.
    pub fn add_urgent_rejected(&mut self, key: &str, line: u64, rejected: &Rejected) -> io::Result<()> {
        let row = self.lines.urgent_rejected(key, line, rejected)?;
        self.add(row)
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

/// Whether the csv crate would quote a field: it holds the delimiter, a quote or a line break.
fn needs_quotes(field: &str) -> bool {
    field.bytes().any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n'))
}

/// A field as the csv crate writes it (its default, `QuoteStyle::Necessary`).
fn csv_field(out: &mut Vec<u8>, field: &str) {
    let quote = needs_quotes(field);
    if quote {
        out.push(b'"');
    }
    escape_quotes(out, field, quote);
    if quote {
        out.push(b'"');
    }
}

/// A field's text, its quotes doubled when it is quoted.
fn escape_quotes(out: &mut Vec<u8>, field: &str, quoted: bool) {
    if quoted {
        for part in field.split_inclusive('"') {
            out.extend_from_slice(part.as_bytes());
            if part.ends_with('"') {
                out.push(b'"');
            }
        }
    } else {
        out.extend_from_slice(field.as_bytes());
    }
}

/// A value inside a Markdown table cell: shown, never run or read as table syntax.
fn cell(text: &str) -> String {
    sanitize::terminal(text).replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn by_the_csv_crate(fields: &[&str]) -> Vec<u8> {
        let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new());
        w.write_record(fields).unwrap();
        w.into_inner().unwrap()
    }

    proptest! {
        /// The coach's CSV is written by hand for speed: byte for byte what the csv crate
        /// writes, whatever the fields hold.
        #[test]
        fn a_field_is_written_as_the_csv_crate_writes_it(
            fields in proptest::collection::vec("[a-z,;\"\r\n' =]{0,8}", 2..6),
        ) {
            let mut out = Vec::new();
            for (i, field) in fields.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                csv_field(&mut out, field);
            }
            out.push(b'\n');
            let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
            let expected = by_the_csv_crate(&fields);
            prop_assert_eq!(String::from_utf8_lossy(&out), String::from_utf8_lossy(&expected));
        }
    }
}
