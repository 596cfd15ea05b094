//! Reads responses one row at a time, from CSV (any survey tool's export) or JSON Lines, into
//! checked answers, or the problems that reject the row. A rejected row is still judged for
//! urgent flags on whatever could be read. Rows are read in order (`Rows`) and turned into
//! answers on any thread (a `Shape`'s converters); nothing is held but the rows in flight.

use std::io;

use super::cells::{CellParser, Remembering};
use super::columns::{Mapping, Role};
use super::layout::{self, KeyColumn, Partial};
use super::records::{Damage, MAX_ROW_BYTES, Record, RecordSource};
use crate::engine::answers::{self, Answer, Answers};
use crate::engine::model::{Kind, RuleSet};
use crate::engine::safety::{self, Safety, Urgency};
use crate::util::sanitize;

mod json;

pub use json::{JsonRows, JsonShape};

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
    mut values: Vec<Option<Answer>>,
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
        let (answers, hidden) = Answers::settle_keeping(ruleset, values, respondent);
        let missing = answers::missing_required(ruleset, &answers);
        if missing.is_empty() {
            return Outcome::Assessable(answers);
        }
        // Judged below on every answer read, hidden ones too.
        values = answers.values;
        for (q, answer) in hidden {
            values[q] = Some(answer);
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

/// A row as read, in the order of the input, before it is turned into answers (which any
/// thread may do).
pub enum Unit {
    Csv {
        count: u64,
        record: Record,
    },
    Json {
        count: u64,
        line: u64,
        /// The line was longer than the limit; `bytes` holds its start.
        cut: bool,
        bytes: Vec<u8>,
    },
}

impl Unit {
    /// Its size in bytes, to bound what is in flight.
    pub fn size(&self) -> usize {
        match self {
            Unit::Csv { record, .. } => record.raw.len() + record.cells.as_slice().len(),
            Unit::Json { bytes, .. } => bytes.len(),
        }
    }
}

/// A row turned into answers, with the cell texts that matched no option (for
/// `--emit-mapping`, which lists the first ones met in the file's order).
pub struct Converted {
    pub row: Row,
    pub unmatched: Vec<(usize, String)>,
}

/// Where rows come from, read in order on one thread.
pub enum Rows<'r> {
    Csv(CsvRows<'r>),
    Json(JsonRows<Box<dyn io::BufRead + 'r>>),
}

impl Rows<'_> {
    pub fn next_unit(&mut self) -> io::Result<Option<Unit>> {
        match self {
            Rows::Csv(r) => r.next_unit(),
            Rows::Json(r) => r.next_unit(),
        }
    }

    pub fn bytes_read(&self) -> u64 {
        match self {
            Rows::Csv(r) => r.bytes_read(),
            Rows::Json(r) => r.bytes_read(),
        }
    }
}

/// How rows become answers, shared by every thread that converts them.
pub enum Shape<'r> {
    Csv(CsvShape<'r>),
    Json(JsonShape<'r>),
}

impl Shape<'_> {
    /// A converter for one thread, with its own memory of the texts it has met.
    pub fn converter(&self) -> Converter<'_> {
        match self {
            Shape::Csv(s) => Converter::Csv(s.converter()),
            Shape::Json(s) => Converter::Json(s.converter()),
        }
    }
}

pub enum Converter<'s> {
    Csv(CsvCells<'s>),
    Json(json::JsonCells<'s>),
}

impl Converter<'_> {
    /// The row a unit holds; a unit of the other kind of input is a bug.
    pub fn convert(&mut self, unit: Unit) -> Converted {
        match (self, unit) {
            (Converter::Csv(c), Unit::Csv { count, record }) => c.row(count, record),
            (Converter::Json(c), Unit::Json { count, line, cut, bytes }) => {
                Converted { row: c.row(count, line, cut, &bytes), unmatched: Vec::new() }
            }
            _ => unreachable!("a unit goes to the converter of its own kind of input"),
        }
    }
}

/// A CSV export's (or a workbook sheet's) records, in order, blank ones skipped and counted.
pub struct CsvRows<'r> {
    records: Box<dyn RecordSource + 'r>,
    /// A record read while looking for header rows that was not one.
    held: Option<Record>,
    count: u64,
    /// Rows with nothing in any cell, skipped.
    pub empty: u64,
}

impl<'r> CsvRows<'r> {
    pub fn new(records: Box<dyn RecordSource + 'r>, held: Option<Record>) -> Self {
        CsvRows { records, held, count: 0, empty: 0 }
    }

    pub fn bytes_read(&self) -> u64 {
        self.records.bytes_read()
    }

    pub fn next_unit(&mut self) -> io::Result<Option<Unit>> {
        loop {
            let next = match self.held.take() {
                Some(r) => Some(r),
                None => self.records.next_unsplit()?,
            };
            let Some(record) = next else { return Ok(None) };
            if record.damage.is_none() && record.is_blank() {
                self.empty += 1;
                continue;
            }
            self.count += 1;
            return Ok(Some(Unit::Csv { count: self.count, record }));
        }
    }
}

/// How a CSV export's columns become answers: prepared once for the file.
pub struct CsvShape<'r> {
    ruleset: &'r RuleSet,
    safety: Safety,
    mapping: Mapping,
    parsers: Vec<Option<Remembering>>,
    keys: Vec<KeyColumn>,
    completion: Option<Partial>,
}

impl<'r> CsvShape<'r> {
    pub fn new(ruleset: &'r RuleSet, mapping: Mapping) -> Self {
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
        CsvShape { ruleset, safety: Safety::new(ruleset), mapping, parsers, keys, completion }
    }

    pub fn mapping(&self) -> &Mapping {
        &self.mapping
    }

    fn converter(&self) -> CsvCells<'_> {
        CsvCells {
            shape: self,
            parsers: self.parsers.clone(),
            unreadable: Vec::new(),
            choices: Vec::new(),
            grid_cells: Vec::new(),
        }
    }
}

/// One thread's converter of CSV records, remembering the answers of the texts it has met.
pub struct CsvCells<'s> {
    shape: &'s CsvShape<'s>,
    parsers: Vec<Option<Remembering>>,
    /// Kept from row to row, so that a row costs no allocation for them.
    unreadable: Vec<bool>,
    choices: Vec<u64>,
    /// A grid's cells: (question, row, column, number).
    grid_cells: Vec<(usize, usize, usize, f64)>,
}

impl CsvCells<'_> {
    fn row(&mut self, count: u64, record: Record) -> Converted {
        let shape = self.shape;
        let mut unmatched = Vec::new();
        let ruleset = shape.ruleset;
        let n = ruleset.questions.len();
        let mut values = crate::engine::answers::unanswered(n);
        let (unreadable, choices, grid_cells) =
            (&mut self.unreadable, &mut self.choices, &mut self.grid_cells);
        unreadable.clear();
        unreadable.resize(n, false);
        choices.clear();
        choices.resize(n, 0);
        grid_cells.clear();
        let mut problems = Vec::new();
        let width = shape.mapping.headers.len();
        let (cells, bad) = record.texts(width);
        match record.damage {
            Some(Damage::Quotes) => problems.push(Problem::row(
                "the quotes of this row do not pair up",
                "a cell that starts with \" must end with \" right before the next delimiter or the end of the row; \
                 the row was read to the end of its first line, and reading went on from the next",
            )),
            Some(Damage::TooLong) => {
                problems.push(Problem::row(format!("the row is longer than {} MiB", MAX_ROW_BYTES >> 20), ""))
            }
            None if cells.len() != width => {
                problems.push(Problem::row(format!("the row has {} cells, the header {width}", cells.len()), ""))
            }
            None => {}
        }
        let mut partial = false;
        let mut group = None;
        for (i, role) in shape.mapping.roles.iter().enumerate() {
            let header = &shape.mapping.headers[i];
            let Some(text) = cells.get(i).map(|t| t.as_ref()) else {
                if let Role::Question(q) | Role::Choice(q, _) | Role::Cell(q, ..) = role {
                    unreadable[*q] = true;
                }
                continue;
            };
            match role {
                Role::Question(q) | Role::Choice(q, _) | Role::Cell(q, ..) => {
                    if bad.as_ref().is_some_and(|bad| bad[i]) {
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
                        (Ok(Some(Answer::Number(x))), Role::Cell(_, r, c)) => {
                            grid_cells.push((*q, *r, *c, x))
                        }
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
                            unmatched.push((i, text.to_string()));
                        }
                    }
                }
                Role::Completion => partial = shape.completion.as_ref().is_some_and(|c| c.is_partial(text)),
                Role::Group => group = Some(text.trim().to_string()),
                Role::Ignored => {}
            }
        }
        for (q, &bits) in choices.iter().enumerate() {
            if bits != 0 {
                values[q] = Some(Answer::Multi(bits));
            }
        }
        let mut grids: Vec<usize> = grid_cells.iter().map(|c| c.0).collect();
        grids.sort_unstable();
        grids.dedup();
        for q in grids {
            let Kind::Grid(grid) = &ruleset.questions[q].kind else { continue };
            let cells: Vec<(usize, usize, f64)> =
                grid_cells.iter().filter(|c| c.0 == q).map(|&(_, r, c, x)| (r, c, x)).collect();
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
        let key = layout::key_of(&shape.keys, |i| cells.get(i).map(|t| t.as_ref()));
        let mapping = &shape.mapping;
        let outcome = conclude(
            ruleset,
            &shape.safety,
            values,
            key.clone(),
            unreadable,
            &[],
            problems,
            partial,
            |q| mapping.column_of(q).map_or_else(|| ruleset.questions[q].id.clone(), str::to_string),
            allowed_in_cells,
            || Raw::Csv(record.raw.clone()),
        );
        let key = shown_key(key, count);
        Converted {
            row: Row { line: record.line, key, group, outcome, earlier_urgent: Vec::new() },
            unmatched,
        }
    }
}
