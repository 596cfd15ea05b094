//! The coach's output: one line per respondent (CSV, Markdown) or the whole assessment
//! (JSON Lines), respondents with an urgent flag first.

use std::fs::File;
use std::io::{self, BufWriter, Seek, Write};

use serde::Serialize;

use super::Format;
use crate::evaluate::Assessment;
use crate::model::{RuleSet, Severity};
use crate::report::{self, Report};

const COLUMNS: [&str; 7] = ["respondent", "line", "primary", "runner_up", "readiness", "band", "flags"];

/// Rows wait in two anonymous temporary files, urgent and the rest, so that memory stays flat
/// however many rows come, and urgent ones can still be written first.
pub struct Coach<'r> {
    ruleset: &'r RuleSet,
    format: Format,
    lang: Option<String>,
    urgent: Spool,
    rest: Spool,
}

enum Spool {
    Csv(Box<csv::Writer<BufWriter<File>>>),
    Raw(BufWriter<File>),
}

impl Spool {
    fn new(format: Format) -> io::Result<Spool> {
        // Unlinked as soon as it is created: nothing is left behind, whatever happens.
        let file = BufWriter::new(tempfile::tempfile()?);
        Ok(match format {
            Format::Csv => {
                Spool::Csv(Box::new(csv::WriterBuilder::new().has_headers(false).from_writer(file)))
            }
            _ => Spool::Raw(file),
        })
    }

    fn copy_into(self, out: &mut dyn Write) -> io::Result<()> {
        let buffered = match self {
            Spool::Csv(w) => w.into_inner().map_err(|e| e.into_error())?,
            Spool::Raw(w) => w,
        };
        let mut file = buffered.into_inner().map_err(|e| e.into_error())?;
        file.rewind()?;
        io::copy(&mut file, out)?;
        Ok(())
    }
}

#[derive(Serialize)]
struct JsonRow<'a> {
    respondent: &'a str,
    line: u64,
    assessment: Report,
}

impl<'r> Coach<'r> {
    pub fn new(ruleset: &'r RuleSet, format: Format, lang: Option<String>) -> io::Result<Self> {
        Ok(Coach { ruleset, format, lang, urgent: Spool::new(format)?, rest: Spool::new(format)? })
    }

    pub fn add(&mut self, key: &str, line: u64, a: &Assessment) -> io::Result<()> {
        let r = self.ruleset;
        let id = |m: usize| r.modalities[m].id.as_str();
        let primary = a.primary.map(id).unwrap_or("");
        let runner_up = a.ranking.get(1).map(|x| id(x.modality)).unwrap_or("");
        let (readiness, band) = match a.readiness(r) {
            Some((score, band)) => ((score.round() as u32).to_string(), band.map_or("", |b| b.id.as_str())),
            None => (String::new(), ""),
        };
        let flags: Vec<&str> = a.flags.iter().map(|&f| r.flags[f].id.as_str()).collect();
        let urgent = a.flags.iter().any(|&f| r.flags[f].severity == Severity::Urgent);
        let spool = if urgent { &mut self.urgent } else { &mut self.rest };
        match spool {
            Spool::Csv(csv) => {
                let line = line.to_string();
                let flags = flags.join(";");
                csv.write_record([key, &line, primary, runner_up, &readiness, band, &flags])?;
            }
            Spool::Raw(w) if self.format == Format::Markdown => {
                let cells = [
                    cell(key),
                    line.to_string(),
                    primary.into(),
                    runner_up.into(),
                    readiness,
                    band.into(),
                    flags.join(", "),
                ];
                writeln!(w, "| {} |", cells.join(" | "))?;
            }
            Spool::Raw(w) => {
                let assessment = report::build(r, a, self.lang.as_deref());
                serde_json::to_writer(&mut *w, &JsonRow { respondent: key, line, assessment })?;
                writeln!(w)?;
            }
        }
        Ok(())
    }

    pub fn finish(self, out: &mut dyn Write) -> io::Result<()> {
        match self.format {
            Format::Csv => writeln!(out, "{}", COLUMNS.join(","))?,
            Format::Markdown => {
                writeln!(out, "| {} |", COLUMNS.join(" | "))?;
                writeln!(out, "|{}", "---|".repeat(COLUMNS.len()))?;
            }
            Format::Jsonl => {}
        }
        self.urgent.copy_into(out)?;
        self.rest.copy_into(out)
    }
}

/// A value inside a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}
