//! JSON Lines rows (and a store's submissions, and a JSON array's elements): each line walked
//! once by a serde visitor, keys borrowed from the line, without building a map of the row; a
//! line that breaks halfway still tells what it held before the break.

use std::borrow::Cow;
use std::io::{self, BufRead};

use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::{Outcome, Problem, Raw, Row, Unit, conclude, shown_key};
use crate::engine::answers::{self, Answer};
use crate::engine::model::{Kind, RuleSet};
use crate::engine::safety::{self, Safety, Urgency};
use crate::screen::layout::{self, ERROR_COLUMN};
use crate::screen::records::{MAX_ROW_BYTES, read_line};
use crate::serve::store::EARLIER;
use crate::util::bytes::same;
use crate::util::diag::did_you_mean;

/// JSON lines, in order: blank ones skipped, each line numbered as it is in the input.
pub struct JsonRows<R: BufRead> {
    reader: R,
    line: u64,
    bytes: u64,
    count: u64,
}

impl<R: BufRead> JsonRows<R> {
    pub fn new(reader: R) -> Self {
        JsonRows { reader, line: 0, bytes: 0, count: 0 }
    }

    pub fn bytes_read(&self) -> u64 {
        self.bytes
    }

    pub fn next_unit(&mut self) -> io::Result<Option<Unit>> {
        loop {
            let mut bytes = Vec::new();
            let Some((n, cut)) = read_line(&mut self.reader, &mut bytes)? else { return Ok(None) };
            self.bytes += n as u64;
            self.line += 1;
            if !bytes.iter().all(u8::is_ascii_whitespace) {
                self.count += 1;
                return Ok(Some(Unit::Json { count: self.count, line: self.line, cut, bytes }));
            }
        }
    }
}

/// How JSON rows become answers: keys are question ids, or name the respondent or the group.
pub struct JsonShape<'r> {
    ruleset: &'r RuleSet,
    safety: Safety,
    group_by: Option<String>,
    key: Option<String>,
}

impl<'r> JsonShape<'r> {
    pub fn new(ruleset: &'r RuleSet, group_by: Option<String>, key: Option<String>) -> Self {
        JsonShape { ruleset, safety: Safety::new(ruleset), group_by, key }
    }

    pub(super) fn converter(&self) -> JsonCells<'_> {
        JsonCells { shape: self, keys: KeyMemory::default() }
    }
}

/// One thread's converter of JSON rows.
pub struct JsonCells<'s> {
    shape: &'s JsonShape<'s>,
    keys: KeyMemory,
}

/// What a key of a row is, worked out once and remembered.
#[derive(Debug, Clone, Copy, PartialEq)]
enum KeyRole {
    /// An answers file's `answers:` object, whose keys are questions.
    Answers,
    /// Names the respondent (with its rank, lower is better), the group, or both.
    Respondent {
        rank: Option<usize>,
        group: bool,
    },
    /// A store's earlier revisions.
    Earlier,
    /// Written by crossroads itself (a rejects file's reason, an answers file's pack).
    Skip,
    Question(usize),
    Unknown,
}

/// The keys met at each place of a row (rows of one export write the same keys in the same
/// order), so that the key at a place is compared with the one there last time, not looked
/// up again in the pack, the respondent keys and the group.
#[derive(Default)]
struct KeyMemory {
    top: Vec<(Box<str>, KeyRole)>,
    nested: Vec<(Box<str>, KeyRole)>,
}

/// Places remembered: more keys than any row of a real export has; and the longest key kept
/// (a longer one is worked out each time, so that what is kept stays small whatever a row holds).
const KEYS_REMEMBERED: usize = 1024;
const KEY_BYTES: usize = 128;

impl KeyMemory {
    fn role(&mut self, nested: bool, at: usize, name: &str, work_out: impl FnOnce() -> KeyRole) -> KeyRole {
        let places = if nested { &mut self.nested } else { &mut self.top };
        if let Some((known, role)) = places.get(at)
            && same(known.as_bytes(), name.as_bytes())
        {
            return *role;
        }
        let role = work_out();
        if name.len() > KEY_BYTES {
            return role;
        }
        if at < places.len() {
            places[at] = (name.into(), role);
        } else if at == places.len() && at < KEYS_REMEMBERED {
            places.push((name.into(), role));
        }
        role
    }
}

impl JsonCells<'_> {
    pub(super) fn row(&mut self, count: u64, line: u64, cut: bool, buffer: &[u8]) -> Row {
        let shape = self.shape;
        let ruleset = shape.ruleset;
        let mut problems = Vec::new();
        if cut {
            problems.push(Problem::row(format!("the row is longer than {} MiB", MAX_ROW_BYTES >> 20), ""));
        }
        let body = buffer.strip_suffix(b"\n").unwrap_or(buffer);
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
            group_by: shape.group_by.as_deref(),
            key: shape.key.as_deref(),
            nested: false,
            row: &mut row,
            keys: &mut self.keys,
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
            if let Urgency::Raised(flags) = shape.safety.judge(ruleset, &partial) {
                earlier_urgent.extend(flags);
            }
        }
        earlier_urgent.sort_unstable();
        earlier_urgent.dedup();
        let mut outcome = conclude(
            ruleset,
            &shape.safety,
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
        let key = shown_key(key, count);
        Row { line, key, group, outcome, earlier_urgent }
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
            values: crate::engine::answers::unanswered(n),
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
    keys: &'a mut KeyMemory,
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
        let RowVisitor { ruleset, group_by, key, nested, row, keys } = self;
        let mut at = 0;
        while let Some(Key(name)) = map.next_key::<Key>()? {
            let name = name.as_ref();
            let role = keys.role(nested, at, name, || role_of(ruleset, group_by, key, nested, name));
            at += 1;
            let q = match role {
                KeyRole::Answers => {
                    let inner =
                        RowVisitor { ruleset, group_by, key, nested: true, row: &mut *row, keys: &mut *keys };
                    map.next_value_seed(Nested(inner))?;
                    continue;
                }
                KeyRole::Respondent { rank, group } => {
                    let value: Value = map.next_value()?;
                    if group {
                        row.group = scalar_text(&value);
                    }
                    if let (Some(rank), Some(text)) = (rank, scalar_text(&value))
                        && row.key.as_ref().is_none_or(|(best, _)| rank < *best)
                    {
                        row.key = Some((rank, text));
                    }
                    continue;
                }
                KeyRole::Earlier => {
                    map.next_value_seed(Earlier { ruleset, row: &mut *row, keys: &mut *keys })?;
                    continue;
                }
                KeyRole::Skip => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
                KeyRole::Unknown => {
                    map.next_value::<IgnoredAny>()?;
                    let ids = ruleset.questions.iter().map(|q| q.id.as_str());
                    row.problems.push(Problem {
                        column: name.to_string(),
                        what: "not a question of the pack".into(),
                        detail: did_you_mean(name, ids),
                    });
                    continue;
                }
                KeyRole::Question(q) => q,
            };
            let converted = map.next_value_seed(AnswerSeed(&ruleset.questions[q]))?;
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
    keys: &'a mut KeyMemory,
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
                keys: &mut *self.keys,
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

/// What a key of a row is (in an `answers:` object or a revision, a question or nothing).
fn role_of(
    ruleset: &RuleSet,
    group_by: Option<&str>,
    key: Option<&str>,
    nested: bool,
    name: &str,
) -> KeyRole {
    if !nested {
        if name == "answers" {
            return KeyRole::Answers;
        }
        let rank = if key == Some(name) { Some(0) } else { layout::key_rank(name).map(|r| r + 1) };
        let group = group_by == Some(name);
        if rank.is_some() || group {
            return KeyRole::Respondent { rank, group };
        }
        if name == EARLIER && ruleset.question(name).is_none() {
            return KeyRole::Earlier;
        }
        if name == ERROR_COLUMN || name == "pack" {
            return KeyRole::Skip;
        }
    }
    ruleset.question(name).map_or(KeyRole::Unknown, KeyRole::Question)
}

/// A value read straight into an answer to its question, as [`answers::from_value`] reads
/// it: text through [`answers::from_text`]; anything else through a `serde_json::Value`, so
/// that every error reads as an answers file's would.
struct AnswerSeed<'q>(&'q crate::engine::model::Question);

type Converted = Result<Option<Answer>, String>;

impl<'de> DeserializeSeed<'de> for AnswerSeed<'_> {
    type Value = Converted;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Converted, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for AnswerSeed<'_> {
    type Value = Converted;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an answer")
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Converted, E> {
        Ok(answers::from_value(self.0, &Value::Bool(v)))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Converted, E> {
        Ok(answers::from_value(self.0, &Value::from(v)))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Converted, E> {
        Ok(answers::from_value(self.0, &Value::from(v)))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Converted, E> {
        Ok(answers::from_value(self.0, &Value::from(v)))
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Converted, E> {
        Ok(answers::from_text(self.0, v))
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Converted, E> {
        Ok(answers::from_value(self.0, &Value::Null))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Converted, A::Error> {
        let Kind::Multiple { options } = &self.0.kind else {
            let value = Value::deserialize(serde::de::value::SeqAccessDeserializer::new(seq))?;
            return Ok(answers::from_value(self.0, &value));
        };
        // A list of options' values (nearly every list) is matched as it is read, its texts
        // borrowed from the line. Only a list holding something else is built into a `Value`,
        // so that what is wrong with it reads as an answers file's would: the options matched
        // so far (equal to the texts they matched), this item, then the rest.
        let mut bits = 0u64;
        while let Some(item) = seq.next_element::<Item>()? {
            if let Item::Text(text) = &item
                && let Some(i) = answers::option_position(options, text)
            {
                bits |= 1 << i;
                continue;
            }
            let mut items: Vec<Value> = (0..options.len())
                .filter(|i| bits >> i & 1 == 1)
                .map(|i| Value::String(options[i].value.clone()))
                .collect();
            items.push(item.into_value());
            while let Some(value) = seq.next_element::<Value>()? {
                items.push(value);
            }
            return Ok(answers::from_value(self.0, &Value::Array(items)));
        }
        Ok(Ok((bits != 0).then_some(Answer::Multi(bits))))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Converted, A::Error> {
        let value = Value::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
        Ok(answers::from_value(self.0, &value))
    }
}

/// An item of a list: text borrowed from the line where it has no escapes, anything else as
/// a `Value`.
enum Item<'de> {
    Text(Cow<'de, str>),
    Other(Value),
}

impl Item<'_> {
    fn into_value(self) -> Value {
        match self {
            Item::Text(text) => Value::String(text.into_owned()),
            Item::Other(value) => value,
        }
    }
}

impl<'de> Deserialize<'de> for Item<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ItemVisitor;
        impl<'de> Visitor<'de> for ItemVisitor {
            type Value = Item<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Item<'de>, E> {
                Ok(Item::Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Item<'de>, E> {
                Ok(Item::Text(Cow::Owned(v.to_string())))
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Item<'de>, E> {
                Ok(Item::Other(Value::Bool(v)))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Item<'de>, E> {
                Ok(Item::Other(Value::from(v)))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Item<'de>, E> {
                Ok(Item::Other(Value::from(v)))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Item<'de>, E> {
                Ok(Item::Other(Value::from(v)))
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Item<'de>, E> {
                Ok(Item::Other(Value::Null))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Item<'de>, A::Error> {
                Value::deserialize(serde::de::value::SeqAccessDeserializer::new(seq)).map(Item::Other)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Item<'de>, A::Error> {
                Value::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(Item::Other)
            }
        }
        deserializer.deserialize_any(ItemVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_read_as_it_comes_gives_what_an_answers_files_list_gives() {
        let question = crate::engine::model::Question::multiple_for_tests(
            "resources",
            &[("a", "a"), ("b", "b"), ("c", "c")],
        );
        let lists = [
            "[]",
            r#"["a"]"#,
            r#"["c","a"]"#,
            r#"["a","a"]"#,
            r#"["\u0062"]"#,
            r#"["a","x"]"#,
            r#"["x","a"]"#,
            r#"["A"]"#,
            "[1]",
            r#"["a",true]"#,
            r#"["a",null]"#,
            r#"["a",["b"]]"#,
            r#"["b",{"k":1},"c"]"#,
            r#"["a",2.5,"zz"]"#,
        ];
        for list in lists {
            let mut deserializer = serde_json::Deserializer::from_str(list);
            let read = AnswerSeed(&question).deserialize(&mut deserializer).unwrap();
            let value: Value = serde_json::from_str(list).unwrap();
            assert_eq!(read, answers::from_value(&question, &value), "{list}");
        }
    }

    #[test]
    fn a_key_is_worked_out_once_per_place_and_a_long_one_never_kept() {
        let mut memory = KeyMemory::default();
        let mut worked = 0;
        let mut role = |memory: &mut KeyMemory, at: usize, name: &str, r: KeyRole| {
            memory.role(false, at, name, || {
                worked += 1;
                r
            })
        };
        assert_eq!(role(&mut memory, 0, "budget", KeyRole::Question(3)), KeyRole::Question(3));
        assert_eq!(role(&mut memory, 0, "budget", KeyRole::Unknown), KeyRole::Question(3), "remembered");
        assert_eq!(
            role(&mut memory, 0, "goal", KeyRole::Question(4)),
            KeyRole::Question(4),
            "another key there"
        );
        let long = "k".repeat(KEY_BYTES + 1);
        assert_eq!(role(&mut memory, 1, &long, KeyRole::Unknown), KeyRole::Unknown);
        assert_eq!(role(&mut memory, 1, &long, KeyRole::Skip), KeyRole::Skip, "worked out again");
        assert_eq!(worked, 4);
        assert_eq!(memory.top.len(), 1);
        assert!(memory.nested.is_empty());
    }
}
