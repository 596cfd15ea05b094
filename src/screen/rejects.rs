//! The `--rejects` file: for a coach, each rejected row as it came with the reason in front
//! (a first column, or a first key) that a later run ignores, so that the file can be fixed and
//! screened again; for HR, the line and the kind of problem only.

use std::io::{self, Write};

use super::layout::ERROR_COLUMN;
use super::read::{Problem, Raw, Rejected};
use super::sink::Spool;
use crate::engine::model::RuleSet;
use crate::util::sanitize;

fn reason(ruleset: &RuleSet, rejected: &Rejected) -> String {
    let mut parts: Vec<String> =
        super::stderr::urgency_mark(ruleset, &rejected.urgency).into_iter().collect();
    parts.extend(rejected.problems.iter().map(|p: &Problem| {
        let column = if p.column.is_empty() { String::new() } else { format!("{}: ", p.column) };
        let detail = if p.detail.is_empty() { String::new() } else { format!(" ({})", p.detail) };
        format!("{column}{}{detail}", p.what)
    }));
    sanitize::spreadsheet(&parts.join("; ")).into_owned()
}

/// Rejected rows for `--rejects`. For a coach: each row as it came, with the reason in front
/// (a first column, or a first key) that a later run ignores, so that the file can be fixed and
/// screened again. For HR: the line and the kind of problem only, never the row.
pub struct Rejects {
    spool: Spool,
    /// Only the line and the kind of problem: for HR, nothing of a row.
    kinds_only: bool,
    csv: Option<(Vec<Vec<u8>>, u8)>,
}

impl Rejects {
    pub fn new(kinds_only: bool, csv: Option<(Vec<Vec<u8>>, u8)>) -> io::Result<Rejects> {
        Ok(Rejects { spool: Spool::new()?, kinds_only, csv })
    }

    pub fn add(&mut self, ruleset: &RuleSet, line: u64, rejected: &Rejected) -> io::Result<()> {
        let out = &mut self.spool;
        if self.kinds_only {
            let kinds: Vec<&str> = rejected.problems.iter().map(|p| p.what.as_str()).collect();
            let mut w = csv::Writer::from_writer(&mut *out);
            return w.write_record([line.to_string(), kinds.join("; ")]).map_err(io::Error::other);
        }
        let reason = reason(ruleset, rejected);
        match (&rejected.raw, &self.csv) {
            (Raw::Csv(raw), Some((_, delimiter))) => {
                out.write_all(&quote(&reason))?;
                out.write_all(&[*delimiter])?;
                out.write_all(raw)?;
                if !raw.ends_with(b"\n") {
                    out.write_all(b"\n")?;
                }
            }
            (Raw::Json(raw), _) => {
                let field = format!(
                    "\"{ERROR_COLUMN}\":{}",
                    serde_json::to_string(&reason).map_err(io::Error::other)?
                );
                let start = raw.iter().position(|b| !b.is_ascii_whitespace());
                match start {
                    Some(i) if raw[i] == b'{' => {
                        let empty = raw[i + 1..].iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'}');
                        out.write_all(&raw[..=i])?;
                        out.write_all(field.as_bytes())?;
                        if !empty {
                            out.write_all(b",")?;
                        }
                        out.write_all(&raw[i + 1..])?;
                    }
                    _ => {
                        let line =
                            serde_json::to_string(&String::from_utf8_lossy(raw)).map_err(io::Error::other)?;
                        write!(out, "{{{field},\"crossroads_line\":{line}}}")?;
                    }
                }
                out.write_all(b"\n")?;
            }
            (Raw::Csv(_), None) => {}
        }
        Ok(())
    }

    pub fn finish(self, out: &mut dyn Write) -> io::Result<()> {
        match (self.kinds_only, &self.csv) {
            (true, _) => out.write_all(b"line,problem\n")?,
            (false, Some((header, delimiter))) => {
                for (i, raw) in header.iter().enumerate() {
                    if i == 0 {
                        out.write_all(ERROR_COLUMN.as_bytes())?;
                    }
                    out.write_all(&[*delimiter])?;
                    out.write_all(raw)?;
                    if !raw.ends_with(b"\n") {
                        out.write_all(b"\n")?;
                    }
                }
            }
            (false, None) => {}
        }
        self.spool.copy_into(out)
    }
}

/// A CSV cell, quoted.
fn quote(text: &str) -> Vec<u8> {
    format!("\"{}\"", text.replace('"', "\"\"")).into_bytes()
}
