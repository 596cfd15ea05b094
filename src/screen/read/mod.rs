//! Reads responses one row at a time, from CSV (any survey tool's export) or JSON Lines, into
//! checked answers, or the problems that reject the row. A rejected row is still judged for
//! urgent flags on whatever could be read. Nothing is held but the current row.

use std::borrow::Cow;
use std::io;

use super::cells::{CellParser, Remembering};
use super::columns::{Mapping, Role};
use super::emit::Unmatched;
use super::layout::{self, KeyColumn, Partial};
use super::records::{Damage, MAX_ROW_BYTES, RecordSource};
use crate::engine::answers::{self, Answer, Answers};
use crate::engine::model::{Kind, RuleSet};
use crate::engine::safety::{self, Safety, Urgency};
use crate::util::sanitize;

mod json;

pub use json::JsonRows;

/// One thing wrong with a row.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// The column (CSV header or JSON key), or empty for the whole row.
    pub column: String,
    /// The kind of problem, without any of the row's values.
    pub what: String,
    /// The offending value and what is allowed, for those who may see answers.
    pub detail: String,
}

impl Problem {
    fn row(what: impl Into<String>, detail: impl Into<String>) -> Problem {
        Problem { column: String::new(), what: what.into(), detail: detail.into() }
    }
}

/// The row as it came, to write back with `--rejects`.
pub enum Raw {
    Csv(Vec<u8>),
    Json(Vec<u8>),
}

/// A row that could not be assessed.
pub struct Rejected {
    pub problems: Vec<Problem>,
    pub raw: Raw,
    pub urgency: Urgency,
    /// The survey tool marks the response unfinished: set apart, not an error of the file.
    pub partial: bool,
}

pub enum Outcome {
    Assessable(Answers),
    Rejected(Rejected),
}

pub struct Row {
    /// Where the row starts in the input, counting from 1.
    pub line: u64,
    /// The best identifying value (email, then name, then id), else "row N"; escaped for
    /// display, since a respondent typed it.
    pub key: String,
    pub group: Option<String>,
    pub outcome: Outcome,
    /// Urgent flags raised by answers this row's latest ones replaced (a store's revisions,
    /// [`crate::serve::store::EARLIER`]): the coach must still see them.
    pub earlier_urgent: Vec<usize>,
}

/// What a cell of a survey export may hold: the options' values or labels, yes or no...
fn allowed_in_cells(question: &crate::engine::model::Question) -> String {
    match question.kind {
        Kind::YesNo => "yes or no".to_string(),
        _ => answers::describe_allowed(question),
    }
}

/// A grid answer from its cells, checked as an answers file's grid is.
fn grid_of(
    grid: &crate::engine::model::Grid,
    cells: &[(usize, usize, f64)],
) -> Result<Option<Answer>, String> {
    let rows: Vec<crate::engine::model::GridRow> = grid
        .rows
        .iter()
        .enumerate()
        .map(|(r, row)| crate::engine::model::GridRow {
            name: row.value.clone(),
            values: (0..grid.columns.len())
                .map(|c| cells.iter().find(|x| x.0 == r && x.1 == c).map(|x| x.2))
                .collect(),
        })
        .collect();
    crate::engine::grid::check(grid, &rows).map(|rows| rows.map(Answer::Grid)).map_err(|w| w.message)
}

const UNFINISHED: &str = "an unfinished response: the survey tool marks it partial";

/// The end of a row's reading, shared by both inputs: settled answers if nothing is wrong,
/// else the problems, with the urgent answers judged on what could be read.
#[allow(clippy::too_many_arguments)]
fn conclude(
    ruleset: &RuleSet,
    safety: &Safety,
    values: Vec<Option<Answer>>,
    respondent: Option<String>,
    unreadable: &[bool],
    alternatives: &[(usize, Answer)],
    mut problems: Vec<Problem>,
    partial: bool,
    column_of: impl Fn(usize) -> String,
    allowed: fn(&crate::engine::model::Question) -> String,
    raw: impl FnOnce() -> Raw,
) -> Outcome {
    if problems.is_empty() && !partial {
        let answers = Answers::settle(ruleset, values.clone(), respondent);
        let missing = answers::missing_required(ruleset, &answers);
        if missing.is_empty() {
            return Outcome::Assessable(answers);
        }
        problems.extend(missing.into_iter().map(|q| Problem {
            column: column_of(q),
            what: "a required answer is missing".into(),
            detail: format!("allowed: {}", allowed(&ruleset.questions[q])),
        }));
    }
    if partial {
        problems.insert(0, Problem::row(UNFINISHED, ""));
    }
    let urgency = safety.judge(ruleset, &safety::Partial { values: &values, unreadable, alternatives });
    Outcome::Rejected(Rejected { problems, raw: raw(), urgency, partial })
}

fn shown_key(key: Option<String>, count: u64) -> String {
    match key {
        Some(k) => sanitize::terminal(&k).into_owned(),
        None => format!("row {count}"),
    }
}

pub struct CsvRows<'r> {
    ruleset: &'r RuleSet,
    safety: Safety,
    records: Box<dyn RecordSource + 'r>,
    mapping: Mapping,
    parsers: Vec<Option<Remembering>>,
    keys: Vec<KeyColumn>,
    completion: Option<Partial>,
    /// A record read while looking for header rows that was not one.
    held: Option<super::records::Record>,
    count: u64,
    pub unmatched: Unmatched,
    /// Rows with nothing in any cell, skipped.
    pub empty: u64,
}

impl<'r> CsvRows<'r> {
    pub fn new(
        ruleset: &'r RuleSet,
        records: Box<dyn RecordSource + 'r>,
        mapping: Mapping,
        held: Option<super::records::Record>,
    ) -> Self {
        let parsers = mapping
            .roles
            .iter()
            .zip(&mapping.values)
            .map(|(role, values)| match role {
                Role::Question(q) => Some(CellParser::new(&ruleset.questions[*q], None, values)),
                Role::Choice(q, o) => Some(CellParser::new(&ruleset.questions[*q], Some(*o), values)),
                Role::Cell(q, _, c) => CellParser::grid_cell(&ruleset.questions[*q], *c),
                _ => None,
            })
            .map(|parser| parser.map(Remembering::new))
            .collect();
        let keys = layout::key_columns(&mapping.headers, mapping.key);
        let completion = mapping.preset.completion().map(|c| c.partial);
        CsvRows {
            ruleset,
            safety: Safety::new(ruleset),
            records,
            mapping,
            parsers,
            keys,
            completion,
            held,
            count: 0,
            unmatched: Unmatched::default(),
            empty: 0,
        }
    }

    pub fn bytes_read(&self) -> u64 {
        self.records.bytes_read()
    }

    pub fn mapping(&self) -> &Mapping {
        &self.mapping
    }

    pub fn next_row(&mut self) -> io::Result<Option<Row>> {
        let record = loop {
            let next = match self.held.take() {
                Some(r) => Some(r),
                None => self.records.next_record()?,
            };
            let Some(record) = next else { return Ok(None) };
            if record.damage.is_none() && record.is_blank() {
                self.empty += 1;
                continue;
            }
            break record;
        };
        self.count += 1;
        let ruleset = self.ruleset;
        let n = ruleset.questions.len();
        let (mut values, mut unreadable) = (vec![None; n], vec![false; n]);
        let mut choices = vec![0u64; n];
        // A grid's cells, by question: (row, column, number).
        let mut cells_of: Vec<Vec<(usize, usize, f64)>> = vec![Vec::new(); n];
        let mut problems = Vec::new();
        let width = self.mapping.headers.len();
        match record.damage {
            Some(Damage::Quotes) => problems.push(Problem::row(
                "the quotes of this row do not pair up",
                "a cell that starts with \" must end with \" right before the next delimiter or the end of the row; \
                 the row was read to the end of its first line, and reading went on from the next",
            )),
            Some(Damage::TooLong) => {
                problems.push(Problem::row(format!("the row is longer than {} MiB", MAX_ROW_BYTES >> 20), ""))
            }
            None if record.cells.len() != width => problems
                .push(Problem::row(format!("the row has {} cells, the header {width}", record.cells.len()), "")),
            None => {}
        }
        let cells: Vec<Cow<str>> = record
            .cells
            .iter()
            .map(|c| std::str::from_utf8(c).map_or_else(|_| String::from_utf8_lossy(c), Cow::Borrowed))
            .collect();
        let mut partial = false;
        let mut group = None;
        for (i, role) in self.mapping.roles.iter().enumerate() {
            let header = &self.mapping.headers[i];
            let Some(bytes) = record.cells.get(i) else {
                if let Role::Question(q) | Role::Choice(q, _) | Role::Cell(q, ..) = role {
                    unreadable[*q] = true;
                }
                continue;
            };
            let text = cells[i].as_ref();
            match role {
                Role::Question(q) | Role::Choice(q, _) | Role::Cell(q, ..) => {
                    if std::str::from_utf8(bytes).is_err() {
                        problems.push(Problem {
                            column: header.clone(),
                            what: "not UTF-8 text".into(),
                            detail: String::new(),
                        });
                        unreadable[*q] = true;
                        continue;
                    }
                    let parser = self.parsers[i].as_mut().expect("a parser for every question column");
                    match (parser.parse(text), role) {
                        (Ok(Some(Answer::Multi(bits))), Role::Choice(..)) => choices[*q] |= bits,
                        (Ok(_), Role::Choice(..)) => {}
                        (Ok(Some(Answer::Number(x))), Role::Cell(_, r, c)) => cells_of[*q].push((*r, *c, x)),
                        (Ok(_), Role::Cell(..)) => {}
                        (Ok(answer), _) => values[*q] = answer,
                        (Err(e), _) => {
                            problems.push(Problem {
                                column: header.clone(),
                                what: e.what.to_string(),
                                detail: format!(
                                    "\"{}\"; allowed: {}",
                                    e.part,
                                    allowed_in_cells(&ruleset.questions[*q])
                                ),
                            });
                            unreadable[*q] = true;
                            self.unmatched.add(i, text);
                        }
                    }
                }
                Role::Completion => partial = self.completion.as_ref().is_some_and(|c| c.is_partial(text)),
                Role::Group => group = Some(text.trim().to_string()),
                Role::Ignored => {}
            }
        }
        for (q, bits) in choices.into_iter().enumerate() {
            if bits != 0 {
                values[q] = Some(Answer::Multi(bits));
            }
        }
        for (q, cells) in cells_of.into_iter().enumerate().filter(|(_, c)| !c.is_empty()) {
            let Kind::Grid(grid) = &ruleset.questions[q].kind else { continue };
            match grid_of(grid, &cells) {
                Ok(answer) => values[q] = answer,
                Err(why) => {
                    problems.push(Problem {
                        column: ruleset.questions[q].id.clone(),
                        what: "a grid that does not add up".into(),
                        detail: format!("{why}; allowed: {}", allowed_in_cells(&ruleset.questions[q])),
                    });
                    unreadable[q] = true;
                }
            }
        }
        if record.damage.is_some() {
            // Cells of a broken row may have slid out of their columns: trust a positive
            // urgent answer, never a negative one.
            unreadable.iter_mut().for_each(|u| *u = true);
        }
        let key = layout::key_of(&self.keys, |i| cells.get(i).map(|c| c.as_ref()));
        let mapping = &self.mapping;
        let outcome = conclude(
            ruleset,
            &self.safety,
            values,
            key.clone(),
            &unreadable,
            &[],
            problems,
            partial,
            |q| mapping.column_of(q).map_or_else(|| ruleset.questions[q].id.clone(), str::to_string),
            allowed_in_cells,
            || Raw::Csv(record.raw.clone()),
        );
        let key = shown_key(key, self.count);
        Ok(Some(Row { line: record.line, key, group, outcome, earlier_urgent: Vec::new() }))
    }
}
