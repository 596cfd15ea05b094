//! Reads responses one row at a time, from CSV (any survey tool's export) or JSON Lines, into
//! checked answers, or the problems that reject the row. Nothing is held but the current row.

use std::io::{BufRead, Read};

use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::columns::{CellParser, ERROR_COLUMN, Mapping, Role};
use crate::answers::{self, Answer, Answers};
use crate::diag::did_you_mean;
use crate::model::RuleSet;

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

/// The row as it came, to write back with `--rejects`.
pub enum Raw {
    Csv(csv::ByteRecord),
    Json(String),
}

pub struct Row {
    /// Where the row starts in the input, counting from 1.
    pub line: u64,
    /// From an id, email or name column, else "row N".
    pub key: String,
    pub group: Option<String>,
    /// The answers, or the problems and the row as it came (kept only for rejected rows).
    pub answers: Result<Answers, (Vec<Problem>, Raw)>,
}

/// What a cell of a survey export may hold: the options' values or labels, yes or no...
fn allowed_in_cells(question: &crate::model::Question) -> String {
    match question.kind {
        crate::model::Kind::YesNo => "yes or no".to_string(),
        _ => answers::describe_allowed(question),
    }
}

/// Problems for the required questions these answers leave out.
fn missing(
    ruleset: &RuleSet,
    answers: &Answers,
    column_of: impl Fn(usize) -> String,
    allowed: fn(&crate::model::Question) -> String,
) -> Vec<Problem> {
    answers::missing_required(ruleset, answers)
        .into_iter()
        .map(|q| Problem {
            column: column_of(q),
            what: "a required answer is missing".into(),
            detail: format!("allowed: {}", allowed(&ruleset.questions[q])),
        })
        .collect()
}

pub struct CsvRows<'r, R: Read> {
    ruleset: &'r RuleSet,
    reader: csv::Reader<R>,
    mapping: Mapping,
    parsers: Vec<Option<CellParser>>,
    record: csv::ByteRecord,
    count: u64,
    /// The csv crate counts a CRLF line end one line late; the line numbers we report are
    /// those an editor shows.
    crlf: bool,
}

impl<'r, R: Read> CsvRows<'r, R> {
    pub fn new(ruleset: &'r RuleSet, reader: csv::Reader<R>, mapping: Mapping, crlf: bool) -> Self {
        let parsers = mapping
            .roles
            .iter()
            .map(|role| match role {
                Role::Question(q) => Some(CellParser::new(&ruleset.questions[*q])),
                _ => None,
            })
            .collect();
        CsvRows { ruleset, reader, mapping, parsers, record: csv::ByteRecord::new(), count: 0, crlf }
    }

    pub fn bytes_read(&self) -> u64 {
        self.reader.position().byte()
    }

    pub fn headers(&self) -> &[String] {
        &self.mapping.headers
    }

    pub fn next_row(&mut self) -> Option<Result<Row, csv::Error>> {
        match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => return None,
            Ok(true) => {}
            Err(e) => return Some(Err(e)),
        }
        self.count += 1;
        let line = self.record.position().map_or(0, |p| p.line() + u64::from(self.crlf));
        let mut values: Vec<Option<Answer>> = vec![None; self.ruleset.questions.len()];
        let mut problems = Vec::new();
        let mut key = None;
        let mut group = None;
        let width = self.mapping.headers.len();
        if self.record.len() > width {
            problems.push(Problem {
                column: String::new(),
                what: format!("the row has {} cells, the header {width}", self.record.len()),
                detail: String::new(),
            });
        }
        for (i, role) in self.mapping.roles.iter().enumerate() {
            let Some(bytes) = self.record.get(i) else { continue };
            let header = &self.mapping.headers[i];
            let Ok(cell) = std::str::from_utf8(bytes) else {
                problems.push(Problem {
                    column: header.clone(),
                    what: "not UTF-8 text".into(),
                    detail: String::new(),
                });
                continue;
            };
            match role {
                Role::Question(q) => match self.parsers[i].as_ref().map(|p| p.parse(cell)) {
                    Some(Ok(answer)) => values[*q] = answer,
                    Some(Err(e)) => problems.push(Problem {
                        column: header.clone(),
                        what: e.what.to_string(),
                        detail: format!(
                            "\"{}\"; allowed: {}",
                            e.part,
                            allowed_in_cells(&self.ruleset.questions[*q])
                        ),
                    }),
                    None => {}
                },
                Role::Respondent if !cell.trim().is_empty() => key = Some(cell.trim().to_string()),
                Role::Group => group = Some(cell.trim().to_string()),
                _ => {}
            }
        }
        let answers = if problems.is_empty() {
            let answers = Answers::settle(self.ruleset, values, key.clone());
            let column_of = |q: usize| {
                self.mapping
                    .roles
                    .iter()
                    .position(|r| *r == Role::Question(q))
                    .map_or_else(|| self.ruleset.questions[q].id.clone(), |c| self.mapping.headers[c].clone())
            };
            let missing = missing(self.ruleset, &answers, column_of, allowed_in_cells);
            if missing.is_empty() { Ok(answers) } else { Err(missing) }
        } else {
            Err(problems)
        };
        Some(Ok(Row {
            line,
            key: key.unwrap_or_else(|| format!("row {}", self.count)),
            group,
            answers: answers.map_err(|p| (p, Raw::Csv(self.record.clone()))),
        }))
    }
}

/// Keys of a JSON row that name the respondent, most specific first.
const KEY_FIELDS: [&str; 4] = ["id", "email", "name", "respondent"];

pub struct JsonRows<'r, R: BufRead> {
    ruleset: &'r RuleSet,
    reader: R,
    group_by: Option<String>,
    buffer: String,
    line: u64,
    bytes: u64,
    count: u64,
}

impl<'r, R: BufRead> JsonRows<'r, R> {
    pub fn new(ruleset: &'r RuleSet, reader: R, group_by: Option<String>) -> Self {
        JsonRows { ruleset, reader, group_by, buffer: String::new(), line: 0, bytes: 0, count: 0 }
    }

    pub fn bytes_read(&self) -> u64 {
        self.bytes
    }

    pub fn next_row(&mut self) -> Option<std::io::Result<Row>> {
        loop {
            self.buffer.clear();
            match self.reader.read_line(&mut self.buffer) {
                Ok(0) => return None,
                Ok(n) => self.bytes += n as u64,
                Err(e) => return Some(Err(e)),
            }
            self.line += 1;
            if !self.buffer.trim().is_empty() {
                break;
            }
        }
        self.count += 1;
        let text = self.buffer.trim_end_matches(['\n', '\r']);
        // The row as it came is kept only if it is rejected.
        let raw = || Raw::Json(text.to_string());
        let visitor = RowVisitor { ruleset: self.ruleset, group_by: self.group_by.as_deref(), nested: false };
        let mut deserializer = serde_json::Deserializer::from_str(text);
        let parsed = deserializer.deserialize_map(visitor).and_then(|row| deserializer.end().map(|()| row));
        let ParsedRow { values, problems, key, group } = match parsed {
            Ok(row) => row,
            Err(e) => {
                let problem = Problem {
                    column: String::new(),
                    what: "not a JSON object".into(),
                    detail: e.to_string(),
                };
                let key = format!("row {}", self.count);
                return Some(Ok(Row {
                    line: self.line,
                    key,
                    group: None,
                    answers: Err((vec![problem], raw())),
                }));
            }
        };
        let mut values = values.unwrap_or_else(|| vec![None; self.ruleset.questions.len()]);
        values.resize(self.ruleset.questions.len(), None);
        let answers = if problems.is_empty() {
            let answers = Answers::settle(self.ruleset, values, key.clone());
            let missing = missing(
                self.ruleset,
                &answers,
                |q| self.ruleset.questions[q].id.clone(),
                answers::describe_allowed,
            );
            if missing.is_empty() { Ok(answers) } else { Err(missing) }
        } else {
            Err(problems)
        };
        let key = key.unwrap_or_else(|| format!("row {}", self.count));
        Some(Ok(Row { line: self.line, key, group, answers: answers.map_err(|p| (p, raw())) }))
    }
}

/// One JSON row, walked once: keys are borrowed from the line, looked up, and each value is
/// converted as an answers file's would be. No map of the whole row is built.
struct RowVisitor<'a> {
    ruleset: &'a RuleSet,
    group_by: Option<&'a str>,
    /// Inside an `answers:` object, every key is a question.
    nested: bool,
}

#[derive(Default)]
struct ParsedRow {
    values: Option<Vec<Option<Answer>>>,
    problems: Vec<Problem>,
    key: Option<String>,
    group: Option<String>,
}

/// A key, borrowed from the line unless it has escapes.
struct Key<'de>(std::borrow::Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Borrowed(v)))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(v.to_string())))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

impl<'de> Visitor<'de> for RowVisitor<'_> {
    type Value = ParsedRow;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object of answers")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ParsedRow, A::Error> {
        let mut row = ParsedRow::default();
        let mut values: Vec<Option<Answer>> = vec![None; self.ruleset.questions.len()];
        while let Some(Key(name)) = map.next_key::<Key>()? {
            let name = name.as_ref();
            if !self.nested {
                if name == "answers" {
                    // An answers file's shape: the questions are inside.
                    let inner = map.next_value_seed(Nested(RowVisitor { nested: true, ..self }))?;
                    values = inner.values.unwrap_or(values);
                    row.problems.extend(inner.problems);
                    continue;
                }
                if KEY_FIELDS.contains(&name) || self.group_by == Some(name) {
                    let value: Value = map.next_value()?;
                    if self.group_by == Some(name) {
                        row.group = scalar_text(&value);
                    }
                    if KEY_FIELDS.contains(&name) && row.key.is_none() {
                        row.key = scalar_text(&value);
                    }
                    continue;
                }
                if name == ERROR_COLUMN || name == "pack" {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            }
            let Some(q) = self.ruleset.question(name) else {
                map.next_value::<IgnoredAny>()?;
                let ids = self.ruleset.questions.iter().map(|q| q.id.as_str());
                row.problems.push(Problem {
                    column: name.to_string(),
                    what: "not a question of the pack".into(),
                    detail: did_you_mean(name, ids),
                });
                continue;
            };
            let value: Value = map.next_value()?;
            match answers::from_value(&self.ruleset.questions[q], &value) {
                Ok(answer) => values[q] = answer,
                Err(detail) => row.problems.push(Problem {
                    column: name.to_string(),
                    what: "not an allowed answer".into(),
                    detail,
                }),
            }
        }
        row.values = Some(values);
        Ok(row)
    }
}

/// The `answers:` object inside a row, read with the same visitor.
struct Nested<'a>(RowVisitor<'a>);

impl<'de> DeserializeSeed<'de> for Nested<'_> {
    type Value = ParsedRow;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<ParsedRow, D::Error> {
        deserializer.deserialize_map(self.0)
    }
}

fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}
