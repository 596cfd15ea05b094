//! HL7 FHIR R4 `QuestionnaireResponse`s (one per line, or a `Bundle` of them) read as JSON
//! Lines of answers: each response becomes the object `{"id": ..., question: answer, ...}`
//! that the JSON reader checks like any other, so that every check, bound and report is the
//! one JSON Lines have. linkIds are question ids (`questionnaire --format fhir` writes them
//! so); a grid's cells are `question.row.column`.
//!
//! Safety before validity: a response whose JSON is broken is still searched for the answers
//! it holds (each `linkId` and the values after it), and handed on broken, so that its row is
//! rejected and an urgent answer in it is still seen and acted on.

use std::collections::VecDeque;
use std::io::{self, BufRead, Read};
use std::sync::LazyLock;

use regex::Regex;
use serde_json::{Map, Value};

use super::records::{MAX_ROW_BYTES, read_line};
use crate::engine::model::{Kind, RuleSet};

/// The largest Bundle read (a Bundle is one JSON document, read whole).
pub const MAX_BUNDLE_BYTES: u64 = 64 << 20;

/// Whether the start of a JSON input is FHIR: a resource names its type near its start.
pub fn is_fhir(head: &[u8]) -> bool {
    let head = &head[..head.len().min(4096)];
    let text = String::from_utf8_lossy(head);
    text.contains("\"resourceType\"")
        && (text.contains("\"QuestionnaireResponse\"") || text.contains("\"Bundle\""))
}

/// The input's responses as JSON Lines of answers.
pub struct ResponseLines<'r, R> {
    ruleset: &'r RuleSet,
    inner: R,
    /// Lines ready to be read out, and how much of the first was.
    ready: VecDeque<Vec<u8>>,
    taken: usize,
    /// A Bundle was read whole: nothing more comes from `inner`.
    done: bool,
}

impl<'r, R: BufRead> ResponseLines<'r, R> {
    pub fn new(ruleset: &'r RuleSet, inner: R) -> Self {
        ResponseLines { ruleset, inner, ready: VecDeque::new(), taken: 0, done: false }
    }

    /// Reads on until there is a line to hand out, or the end.
    fn fill(&mut self) -> io::Result<()> {
        while self.ready.is_empty() && !self.done {
            let mut line = Vec::new();
            let Some((_, cut)) = read_line(&mut self.inner, &mut line)? else {
                self.done = true;
                return Ok(());
            };
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let text = String::from_utf8_lossy(&line).into_owned();
            match serde_json::from_str::<Value>(&text) {
                Ok(value) if !cut => self.ready.extend(self.lines_of(&value)),
                // A line that opens a pretty-printed document (read whole, bounded), or a
                // broken response (salvaged, handed on broken).
                _ if text.trim() == "{" && !cut => self.read_document(line)?,
                _ => self.ready.push_back(salvage(self.ruleset, &text)),
            }
        }
        Ok(())
    }

    /// A document spread over lines (a Bundle as servers write it), read whole within
    /// [`MAX_BUNDLE_BYTES`]; if it breaks, each response in it is salvaged as a broken row.
    fn read_document(&mut self, first: Vec<u8>) -> io::Result<()> {
        let mut bytes = first;
        (&mut self.inner).take(MAX_BUNDLE_BYTES).read_to_end(&mut bytes)?;
        self.done = true;
        let text = String::from_utf8_lossy(&bytes).into_owned();
        if bytes.len() as u64 >= MAX_BUNDLE_BYTES {
            return Err(io::Error::other(format!(
                "a FHIR document larger than {} MiB; write one QuestionnaireResponse per line (NDJSON, as FHIR's bulk export does), which is read as it streams",
                MAX_BUNDLE_BYTES >> 20
            )));
        }
        match serde_json::from_str::<Value>(&text) {
            Ok(value) => self.ready.extend(self.lines_of(&value)),
            Err(_) => {
                let starts: Vec<usize> = RESPONSE_START.find_iter(&text).map(|m| m.start()).collect();
                if starts.is_empty() {
                    self.ready.push_back(salvage(self.ruleset, &text));
                }
                for (i, &start) in starts.iter().enumerate() {
                    let end = starts.get(i + 1).copied().unwrap_or(text.len());
                    // A response that is whole before the break is read as it is.
                    let chunk = &text[start..end];
                    match serde_json::Deserializer::from_str(chunk).into_iter::<Value>().next() {
                        Some(Ok(whole)) => self.ready.extend(self.lines_of(&whole)),
                        _ => self.ready.push_back(salvage(self.ruleset, chunk)),
                    }
                }
            }
        }
        Ok(())
    }

    /// The answer lines of a resource: a response, each response of a Bundle, or the value
    /// itself (not FHIR: the JSON reader says what is wrong with it).
    fn lines_of(&self, value: &Value) -> Vec<Vec<u8>> {
        match value.get("resourceType").and_then(Value::as_str) {
            Some("Bundle") => value
                .get("entry")
                .and_then(Value::as_array)
                .map(|entries| {
                    entries.iter().filter_map(|e| e.get("resource")).flat_map(|r| self.lines_of(r)).collect()
                })
                .unwrap_or_default(),
            Some("QuestionnaireResponse") => vec![line(&answers(self.ruleset, value))],
            _ => vec![line(value)],
        }
    }
}

impl<R: BufRead> Read for ResponseLines<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.fill()?;
        let Some(front) = self.ready.front() else { return Ok(0) };
        let n = (front.len() - self.taken).min(buf.len());
        buf[..n].copy_from_slice(&front[self.taken..self.taken + n]);
        self.taken += n;
        if self.taken == front.len() {
            self.ready.pop_front();
            self.taken = 0;
        }
        Ok(n)
    }
}

fn line(value: &Value) -> Vec<u8> {
    let mut bytes = serde_json::to_vec(value).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// A response's answers as one object: its id (the respondent's key when no question names
/// them), then each answered item by linkId.
fn answers(r: &RuleSet, response: &Value) -> Value {
    let mut found = Vec::new();
    walk(response.get("item"), &mut found);
    let id = response.get("identifier").and_then(|i| i.get("value")).or_else(|| response.get("id")).cloned();
    Value::Object(flat(r, id, found))
}

/// Every answered item under `items`, as (linkId, its answers' values), in order.
fn walk(items: Option<&Value>, found: &mut Vec<(String, Vec<Value>)>) {
    for item in items.and_then(Value::as_array).into_iter().flatten() {
        let link = item.get("linkId").and_then(Value::as_str).unwrap_or_default().to_string();
        // A row a person named (`question.own`, repeated): its cells under its name.
        if let Some(question) = link.strip_suffix(".own") {
            let mut cells = Vec::new();
            walk(item.get("item"), &mut cells);
            let name = cells.iter().find(|(l, _)| *l == format!("{link}.name")).and_then(|(_, v)| v.first());
            let name = name.and_then(Value::as_str).unwrap_or_default().to_string();
            for (cell, values) in cells {
                if let Some(column) = cell.strip_prefix(&format!("{link}.")).filter(|c| *c != "name") {
                    found.push((format!("{question}.{name}.{column}"), values));
                }
            }
            continue;
        }
        let answers = item.get("answer").and_then(Value::as_array);
        let values: Vec<Value> = answers.into_iter().flatten().filter_map(value_of).collect();
        if !values.is_empty() {
            found.push((link, values));
        }
        walk(item.get("item"), found);
        for answer in answers.into_iter().flatten() {
            walk(answer.get("item"), found);
        }
    }
}

/// An answer's value: a coding's code, or the primitive it holds.
fn value_of(answer: &Value) -> Option<Value> {
    let map = answer.as_object()?;
    map.iter().find(|(k, _)| k.starts_with("value")).map(|(k, v)| match (k.as_str(), v) {
        ("valueCoding", coding) => coding.get("code").cloned().unwrap_or(Value::Null),
        _ => v.clone(),
    })
}

/// The answers object: a multiple choice always a list, one value otherwise (several, kept as
/// a list for the reader to refuse), a grid's cells gathered into its rows.
fn flat(r: &RuleSet, id: Option<Value>, found: Vec<(String, Vec<Value>)>) -> Map<String, Value> {
    let mut out = Map::new();
    if let Some(id) = id {
        out.insert("id".into(), id);
    }
    for (link, mut values) in found {
        if let Some((question, row, column)) = grid_cell(r, &link) {
            let grid = out.entry(question).or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(rows) = grid {
                let cells = rows.entry(row).or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(cells) = cells {
                    cells.insert(column, values.swap_remove(0));
                }
            }
            continue;
        }
        let many = r.question(&link).is_some_and(|q| matches!(r.questions[q].kind, Kind::Multiple { .. }));
        let value = if many || values.len() > 1 { Value::Array(values) } else { values.swap_remove(0) };
        out.insert(link, value);
    }
    out
}

/// `question.row.column` of a grid question, split.
fn grid_cell(r: &RuleSet, link: &str) -> Option<(String, String, String)> {
    let (question, rest) = link.split_once('.')?;
    let q = r.question(question)?;
    if !matches!(r.questions[q].kind, Kind::Grid(_)) {
        return None;
    }
    let (row, column) = rest.rsplit_once('.')?;
    Some((question.to_string(), row.to_string(), column.to_string()))
}

static RESPONSE_START: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"\{\s*"resourceType"\s*:\s*"QuestionnaireResponse""#).expect("a pattern"));
static LINK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#""linkId"\s*:\s*"([^"\\]*)""#).expect("a pattern"));
static VALUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#""(?:value(?:Boolean|Integer|Decimal|String|Date|DateTime)|code)"\s*:\s*("(?:[^"\\]|\\.)*"|true|false|-?[0-9][0-9.eE+-]*)"#)
        .expect("a pattern")
});

/// What a broken response held, found by its linkIds and the values after each, as a line that
/// is itself broken (its object never closes): the reader reads the answers, then rejects the
/// row, so that an urgent answer is seen and the row is never taken for a good one.
fn salvage(r: &RuleSet, text: &str) -> Vec<u8> {
    let text = &text[..text.len().min(MAX_ROW_BYTES)];
    let links: Vec<(usize, usize, String)> = LINK
        .captures_iter(text)
        .map(|c| (c.get(0).map_or(0, |m| m.start()), c.get(0).map_or(0, |m| m.end()), c[1].to_string()))
        .collect();
    let mut found = Vec::new();
    for (i, (_, end, link)) in links.iter().enumerate() {
        let until = links.get(i + 1).map_or(text.len(), |next| next.0);
        let values: Vec<Value> = VALUE
            .captures_iter(&text[*end..until])
            .filter_map(|c| serde_json::from_str(&c[1]).ok())
            .collect();
        if !values.is_empty() {
            found.push((link.clone(), values));
        }
    }
    let mut bytes = serde_json::to_vec(&Value::Object(flat(r, None, found))).unwrap_or_default();
    // Broken as the response was: the object is left open.
    bytes.pop();
    bytes.extend_from_slice(b" \"broken FHIR resource\"\n");
    bytes
}
