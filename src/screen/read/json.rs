//! JSON Lines rows (and a store's submissions, and a JSON array's elements): each line walked
//! once by a serde visitor, keys borrowed from the line, without building a map of the row; a
//! line that breaks halfway still tells what it held before the break.

use std::borrow::Cow;
use std::io::{self, BufRead};

use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::{Outcome, Problem, Raw, Row, conclude, shown_key};
use crate::engine::answers::{self, Answer};
use crate::engine::model::RuleSet;
use crate::engine::safety::{self, Safety, Urgency};
use crate::screen::layout::{self, ERROR_COLUMN};
use crate::screen::records::{MAX_ROW_BYTES, read_line};
use crate::serve::store::EARLIER;
use crate::util::diag::did_you_mean;

pub struct JsonRows<'r, R: BufRead> {
    ruleset: &'r RuleSet,
    safety: Safety,
    reader: R,
    group_by: Option<String>,
    key: Option<String>,
    buffer: Vec<u8>,
    line: u64,
    bytes: u64,
    count: u64,
}

impl<'r, R: BufRead> JsonRows<'r, R> {
    pub fn new(ruleset: &'r RuleSet, reader: R, group_by: Option<String>, key: Option<String>) -> Self {
        JsonRows {
            ruleset,
            safety: Safety::new(ruleset),
            reader,
            group_by,
            key,
            buffer: Vec::new(),
            line: 0,
            bytes: 0,
            count: 0,
        }
    }

    pub fn bytes_read(&self) -> u64 {
        self.bytes
    }

    pub fn next_row(&mut self) -> io::Result<Option<Row>> {
        let cut = loop {
            self.buffer.clear();
            let Some((n, cut)) = read_line(&mut self.reader, &mut self.buffer)? else { return Ok(None) };
            self.bytes += n as u64;
            self.line += 1;
            if !self.buffer.iter().all(u8::is_ascii_whitespace) {
                break cut;
            }
        };
        self.count += 1;
        let ruleset = self.ruleset;
        let mut problems = Vec::new();
        if cut {
            problems.push(Problem::row(format!("the row is longer than {} MiB", MAX_ROW_BYTES >> 20), ""));
        }
        let body = self.buffer.strip_suffix(b"\n").unwrap_or(&self.buffer);
        let body = body.strip_suffix(b"\r").unwrap_or(body);
        // Valid UTF-8 (nearly every line) is checked by the fast path and borrowed.
        let text = match std::str::from_utf8(body) {
            Ok(text) => Cow::Borrowed(text),
            Err(_) => String::from_utf8_lossy(body),
        };
        if matches!(text, Cow::Owned(_)) {
            problems.push(Problem::row("not UTF-8 text", "the bytes that are not were read as \u{fffd}"));
        }
        let mut row = ParsedRow::new(ruleset.questions.len());
        let visitor = RowVisitor {
            ruleset,
            group_by: self.group_by.as_deref(),
            key: self.key.as_deref(),
            nested: false,
            row: &mut row,
        };
        let mut deserializer = serde_json::Deserializer::from_str(&text);
        let parsed = deserializer.deserialize_map(visitor).and_then(|()| deserializer.end());
        let broken = cut || parsed.is_err();
        if let Err(e) = parsed {
            problems.push(Problem::row("not a JSON object of answers", e.to_string()));
        }
        problems.append(&mut row.problems);
        if broken {
            // What was not read before the break is unknown, not unanswered.
            for (q, seen) in row.seen.iter().enumerate() {
                row.unreadable[q] |= !seen;
            }
        }
        let key = row.key.take().map(|(_, k)| k);
        let group = row.group.take();
        let mut earlier_urgent = Vec::new();
        for values in &row.earlier {
            let unreadable = vec![false; values.len()];
            let partial = safety::Partial { values, unreadable: &unreadable, alternatives: &[] };
            if let Urgency::Raised(flags) = self.safety.judge(ruleset, &partial) {
                earlier_urgent.extend(flags);
            }
        }
        earlier_urgent.sort_unstable();
        earlier_urgent.dedup();
        let mut outcome = conclude(
            ruleset,
            &self.safety,
            row.values,
            key.clone(),
            &row.unreadable,
            &row.alternatives,
            problems,
            false,
            |q| ruleset.questions[q].id.clone(),
            answers::describe_allowed,
            || Raw::Json(body.to_vec()),
        );
        if let Outcome::Rejected(rejected) = &mut outcome
            && !earlier_urgent.is_empty()
        {
            let mut flags = earlier_urgent.clone();
            if let Urgency::Raised(now) = &rejected.urgency {
                flags.extend(now);
            }
            flags.sort_unstable();
            flags.dedup();
            rejected.urgency = Urgency::Raised(flags);
        }
        let key = shown_key(key, self.count);
        Ok(Some(Row { line: self.line, key, group, outcome, earlier_urgent }))
    }
}

/// What one JSON row held, filled in as it is walked, so that a row that breaks halfway still
/// tells what it held before the break.
struct ParsedRow {
    values: Vec<Option<Answer>>,
    seen: Vec<bool>,
    unreadable: Vec<bool>,
    alternatives: Vec<(usize, Answer)>,
    problems: Vec<Problem>,
    /// The best key so far, with its rank (lower is better).
    key: Option<(usize, String)>,
    group: Option<String>,
    /// The answers of earlier revisions, as far as they could be read.
    earlier: Vec<Vec<Option<Answer>>>,
}

impl ParsedRow {
    fn new(n: usize) -> ParsedRow {
        ParsedRow {
            values: vec![None; n],
            seen: vec![false; n],
            unreadable: vec![false; n],
            alternatives: Vec::new(),
            problems: Vec::new(),
            key: None,
            group: None,
            earlier: Vec::new(),
        }
    }
}

/// One JSON row, walked once: keys are borrowed from the line, looked up, and each value is
/// converted as an answers file's would be. No map of the whole row is built.
struct RowVisitor<'a> {
    ruleset: &'a RuleSet,
    group_by: Option<&'a str>,
    key: Option<&'a str>,
    /// Inside an `answers:` object, every key is a question.
    nested: bool,
    row: &'a mut ParsedRow,
}

/// A key, borrowed from the line unless it has escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_string())))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

impl<'de> Visitor<'de> for RowVisitor<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object of answers")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let RowVisitor { ruleset, group_by, key, nested, row } = self;
        while let Some(Key(name)) = map.next_key::<Key>()? {
            let name = name.as_ref();
            if !nested {
                if name == "answers" {
                    // An answers file's shape: the questions are inside.
                    let inner = RowVisitor { ruleset, group_by, key, nested: true, row: &mut *row };
                    map.next_value_seed(Nested(inner))?;
                    continue;
                }
                let rank = if key == Some(name) { Some(0) } else { layout::key_rank(name).map(|r| r + 1) };
                if rank.is_some() || group_by == Some(name) {
                    let value: Value = map.next_value()?;
                    if group_by == Some(name) {
                        row.group = scalar_text(&value);
                    }
                    if let (Some(rank), Some(text)) = (rank, scalar_text(&value))
                        && row.key.as_ref().is_none_or(|(best, _)| rank < *best)
                    {
                        row.key = Some((rank, text));
                    }
                    continue;
                }
                if name == EARLIER && ruleset.question(name).is_none() {
                    map.next_value_seed(Earlier { ruleset, row: &mut *row })?;
                    continue;
                }
                if name == ERROR_COLUMN || name == "pack" {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            }
            let Some(q) = ruleset.question(name) else {
                map.next_value::<IgnoredAny>()?;
                let ids = ruleset.questions.iter().map(|q| q.id.as_str());
                row.problems.push(Problem {
                    column: name.to_string(),
                    what: "not a question of the pack".into(),
                    detail: did_you_mean(name, ids),
                });
                continue;
            };
            let value: Value = map.next_value()?;
            let converted = answers::from_value(&ruleset.questions[q], &value);
            if row.seen[q] {
                row.problems.push(Problem {
                    column: name.to_string(),
                    what: "the question is answered twice in this row".into(),
                    detail: "a row may answer each question once; which answer is meant cannot be told"
                        .into(),
                });
                match converted {
                    Ok(Some(answer)) => row.alternatives.push((q, answer)),
                    Ok(None) => {}
                    Err(_) => row.unreadable[q] = true,
                }
                continue;
            }
            row.seen[q] = true;
            match converted {
                Ok(answer) => row.values[q] = answer,
                Err(detail) => {
                    row.problems.push(Problem {
                        column: name.to_string(),
                        what: "not an allowed answer".into(),
                        detail,
                    });
                    row.unreadable[q] = true;
                }
            }
        }
        Ok(())
    }
}

/// The `answers:` object inside a row, read with the same visitor.
struct Nested<'a>(RowVisitor<'a>);

impl<'de> DeserializeSeed<'de> for Nested<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self.0)
    }
}

/// A store's earlier revisions: a list of answer objects, each read only for its answers.
struct Earlier<'a> {
    ruleset: &'a RuleSet,
    row: &'a mut ParsedRow,
}

impl<'de> DeserializeSeed<'de> for Earlier<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Earlier<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a list of earlier answers")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        loop {
            let mut earlier = ParsedRow::new(self.ruleset.questions.len());
            let visitor = RowVisitor {
                ruleset: self.ruleset,
                group_by: None,
                key: None,
                nested: true,
                row: &mut earlier,
            };
            if seq.next_element_seed(Nested(visitor))?.is_none() {
                return Ok(());
            }
            self.row.earlier.push(earlier.values);
        }
    }
}

fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}
