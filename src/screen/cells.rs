//! How a cell's text becomes an answer: an option by its value or its label in any of the
//! pack's languages, yes and no as the survey tools spell them, a number, or the choices of a
//! multiple-choice cell split by the labels it may hold.

use std::collections::HashMap;

use super::columns::{all_texts, fold};
use crate::engine::answers::Answer;
use crate::engine::model::{Kind, Question};

/// Spellings of yes and no that the survey tools write (Typeform `1`/`0`, LimeSurvey `Y`/`N`,
/// spreadsheets `TRUE`/`FALSE`), in the languages of the exports people send.
const YES: &[&str] = &["yes", "y", "true", "1", "oui", "o", "vrai", "ja", "sí", "si"];
const NO: &[&str] = &["no", "n", "false", "0", "non", "faux", "nein"];

/// How one column's cells become answers, prepared once for the whole file.
#[derive(Debug, Clone)]
pub enum CellParser {
    YesNo(HashMap<String, bool>),
    Scale {
        min: i64,
        max: i64,
        labels: HashMap<String, i64>,
    },
    Number {
        min: Option<f64>,
        max: Option<f64>,
        mapped: HashMap<String, f64>,
    },
    Single(HashMap<String, usize>),
    /// Option texts, longest first, so that a label with a separator in it still matches.
    Multiple(Vec<(String, usize)>),
    /// A whole grid in one cell, written as an answers file holds it (JSON).
    Grid(crate::engine::model::Grid),
    /// A column per choice: which texts tick it.
    Tick {
        option: usize,
        ticked: Vec<String>,
    },
    Text,
}

fn option_texts(question: &Question) -> Vec<(String, usize)> {
    let mut texts = Vec::new();
    for (i, o) in question.kind.options().iter().enumerate() {
        texts.push((fold(&o.value), i));
        texts.extend(all_texts(&o.label).map(|t| (fold(t), i)));
    }
    texts
}

fn key(text: &str) -> String {
    fold(text).to_lowercase()
}

impl CellParser {
    /// The parser of one grid cell: a number in the column's range (`40%` is 40).
    pub fn grid_cell(question: &Question, column: usize) -> Option<CellParser> {
        let Kind::Grid(grid) = &question.kind else { return None };
        let c = grid.columns.get(column)?;
        Some(CellParser::Number { min: Some(c.min as f64), max: Some(c.max as f64), mapped: HashMap::new() })
    }

    /// The parser of a column; `values` are the mapping file's, which come first.
    pub fn new(question: &Question, choice: Option<usize>, values: &[(String, Answer)]) -> CellParser {
        if let Some(option) = choice {
            let mut ticked: Vec<String> = YES.iter().map(|s| s.to_string()).collect();
            ticked.extend(
                option_texts(question)
                    .into_iter()
                    .filter(|(_, i)| *i == option)
                    .map(|(t, _)| t.to_lowercase()),
            );
            ticked.extend(
                values
                    .iter()
                    .filter(|(_, a)| matches!(a, Answer::Bool(true) | Answer::Multi(_)))
                    .map(|(t, _)| key(t)),
            );
            return CellParser::Tick { option, ticked };
        }
        match &question.kind {
            Kind::YesNo => {
                let mut map: HashMap<String, bool> = YES.iter().map(|s| (s.to_string(), true)).collect();
                map.extend(NO.iter().map(|s| (s.to_string(), false)));
                map.extend(values.iter().filter_map(|(t, a)| match a {
                    Answer::Bool(b) => Some((key(t), *b)),
                    _ => None,
                }));
                CellParser::YesNo(map)
            }
            Kind::Scale { min, max, labels } => {
                let mut map: HashMap<String, i64> =
                    labels.iter().flat_map(|(p, l)| all_texts(l).map(move |t| (key(t), *p))).collect();
                map.extend(values.iter().filter_map(|(t, a)| match a {
                    Answer::Number(x) => Some((key(t), *x as i64)),
                    _ => None,
                }));
                CellParser::Scale { min: *min, max: *max, labels: map }
            }
            Kind::Number { min, max } => CellParser::Number {
                min: *min,
                max: *max,
                mapped: values
                    .iter()
                    .filter_map(|(t, a)| match a {
                        Answer::Number(x) => Some((key(t), *x)),
                        _ => None,
                    })
                    .collect(),
            },
            Kind::Single { .. } => {
                let mut map = HashMap::new();
                for (t, a) in values {
                    if let Answer::Choice(i) = a {
                        map.insert(key(t), *i);
                    }
                }
                for (text, i) in option_texts(question) {
                    map.entry(text.to_lowercase()).or_insert(i);
                }
                CellParser::Single(map)
            }
            Kind::Multiple { .. } => {
                let mut texts = option_texts(question);
                for (t, a) in values {
                    if let Answer::Multi(bits) = a
                        && bits.count_ones() == 1
                    {
                        texts.push((fold(t), bits.trailing_zeros() as usize));
                    }
                }
                texts.sort_by_key(|t| std::cmp::Reverse(t.0.len()));
                CellParser::Multiple(texts)
            }
            Kind::Text => CellParser::Text,
            // A grid is read cell by cell (`grid_cell`), or whole from a cell of JSON.
            Kind::Grid(grid) => CellParser::Grid(grid.clone()),
        }
    }

    /// A cell as an answer: `Ok(None)` for an empty cell (or an unticked choice).
    pub fn parse(&self, cell: &str) -> Result<Option<Answer>, CellError> {
        let cell = cell.trim();
        if cell.is_empty() {
            return Ok(None);
        }
        let wrong = |what: &'static str| CellError { what, part: cell.to_string() };
        match self {
            CellParser::YesNo(map) => match map.get(&key(cell)) {
                Some(b) => Ok(Some(Answer::Bool(*b))),
                None => Err(wrong("not yes or no")),
            },
            CellParser::Scale { min, max, labels } => {
                let point = cell.parse::<i64>().ok().or_else(|| labels.get(&key(cell)).copied());
                match point {
                    Some(p) if (*min..=*max).contains(&p) => Ok(Some(Answer::Number(p as f64))),
                    Some(_) => Err(wrong("outside the scale")),
                    None => Err(wrong("not a point of the scale")),
                }
            }
            CellParser::Number { min, max, mapped } => {
                let parsed = mapped.get(&key(cell)).copied().map(Ok).unwrap_or_else(|| {
                    let cell = cell.trim_end_matches('%').trim_end();
                    let text = if cell.contains('.') { cell.to_string() } else { cell.replace(',', ".") };
                    text.parse::<f64>()
                });
                match parsed {
                    Ok(x) if x.is_finite() && min.is_none_or(|m| x >= m) && max.is_none_or(|m| x <= m) => {
                        Ok(Some(Answer::Number(x)))
                    }
                    Ok(_) => Err(wrong("out of range")),
                    Err(_) => Err(wrong("not a number")),
                }
            }
            CellParser::Single(map) => match map.get(&key(cell)) {
                Some(&i) => Ok(Some(Answer::Choice(i))),
                None => Err(wrong("not one of the options")),
            },
            CellParser::Multiple(texts) => split_choices(cell, texts)
                .map(|bits| Some(Answer::Multi(bits)))
                .map_err(|part| CellError { what: "not one of the options", part }),
            CellParser::Tick { option, ticked } => {
                let k = key(cell);
                if ticked.contains(&k) {
                    Ok(Some(Answer::Multi(1 << option)))
                } else if NO.contains(&k.as_str()) {
                    Ok(None)
                } else {
                    Err(wrong("not a tick for this choice"))
                }
            }
            CellParser::Text => Ok(Some(Answer::Text(cell.to_string()))),
            CellParser::Grid(grid) => {
                let value: serde_json::Value =
                    serde_json::from_str(cell).map_err(|_| wrong("not a grid written as JSON"))?;
                crate::engine::grid::from_value(grid, &value)
                    .map(|rows| rows.map(Answer::Grid))
                    .map_err(|_| wrong("a grid that does not fit its rows and columns"))
            }
        }
    }
}

/// A column's parser with the answers of the texts it has met: a survey column holds few
/// distinct texts, so each is trimmed, folded, lowercased and looked up once per file, not once
/// per cell. Free text and whole grids are parsed every time; at most [`REMEMBERED`] texts a
/// column are kept, none longer than [`REMEMBERED_BYTES`], so memory stays flat whatever the
/// file holds.
#[derive(Debug, Clone)]
pub struct Remembering {
    parser: CellParser,
    /// The answers of short texts (most cells: an option's value, a number, yes), keyed by the
    /// text packed into an integer, so that a cell is found with neither a string hashed nor
    /// one compared.
    short: rustc_hash::FxHashMap<u128, Known>,
    seen: rustc_hash::FxHashMap<Box<str>, Result<Option<Answer>, CellError>>,
}

/// An answer that holds no text, or none: what a short text is remembered as.
#[derive(Debug, Clone, Copy)]
enum Known {
    Empty,
    Bool(bool),
    Number(f64),
    Choice(usize),
    Multi(u64),
}

impl Known {
    fn of(answer: &Option<Answer>) -> Option<Known> {
        Some(match answer {
            None => Known::Empty,
            Some(Answer::Bool(b)) => Known::Bool(*b),
            Some(Answer::Number(x)) => Known::Number(*x),
            Some(Answer::Choice(i)) => Known::Choice(*i),
            Some(Answer::Multi(bits)) => Known::Multi(*bits),
            Some(Answer::Text(_) | Answer::Grid(_)) => return None,
        })
    }

    fn answer(self) -> Option<Answer> {
        match self {
            Known::Empty => None,
            Known::Bool(b) => Some(Answer::Bool(b)),
            Known::Number(x) => Some(Answer::Number(x)),
            Known::Choice(i) => Some(Answer::Choice(i)),
            Known::Multi(bits) => Some(Answer::Multi(bits)),
        }
    }
}

/// The longest text packed into an integer: its bytes and, in the top byte, its length (so
/// that a text ending in NUL bytes is not another text).
const PACKED_BYTES: usize = 15;

fn packed(text: &str) -> Option<u128> {
    let bytes = text.as_bytes();
    if bytes.len() > PACKED_BYTES {
        return None;
    }
    let mut buffer = [0u8; 16];
    buffer[..bytes.len()].copy_from_slice(bytes);
    buffer[15] = bytes.len() as u8;
    Some(u128::from_le_bytes(buffer))
}

/// The distinct texts of one column whose answers are kept.
pub const REMEMBERED: usize = 1024;
/// The longest text kept: an answer's text is short, and a long one (up to a row's 1 MiB)
/// kept a thousand times over would hold memory that the input controls.
pub const REMEMBERED_BYTES: usize = 256;

impl Remembering {
    pub fn new(parser: CellParser) -> Self {
        Remembering { parser, short: Default::default(), seen: Default::default() }
    }

    /// The same as [`CellParser::parse`].
    pub fn parse(&mut self, cell: &str) -> Result<Option<Answer>, CellError> {
        if matches!(self.parser, CellParser::Text | CellParser::Grid(_)) {
            return self.parser.parse(cell);
        }
        let key = packed(cell);
        if let Some(known) = key.and_then(|k| self.short.get(&k)) {
            return Ok(known.answer());
        }
        if let Some(known) = self.seen.get(cell) {
            return known.clone();
        }
        let parsed = self.parser.parse(cell);
        let known = parsed.as_ref().ok().and_then(Known::of);
        match (key, known) {
            (Some(key), Some(known)) if self.short.len() < REMEMBERED => {
                self.short.insert(key, known);
            }
            _ if self.seen.len() < REMEMBERED && cell.len() <= REMEMBERED_BYTES => {
                self.seen.insert(cell.into(), parsed.clone());
            }
            _ => {}
        }
        parsed
    }
}

/// What is wrong with a cell, kept apart from the cell's text: an HR audience is told the
/// kind of problem only, never the value (it may be someone's health answer).
#[derive(Debug, Clone, PartialEq)]
pub struct CellError {
    pub what: &'static str,
    pub part: String,
}

fn is_separator(c: char) -> bool {
    c == ',' || c == ';' || c.is_whitespace()
}

/// Splits "Label A, Label, with comma;Label C;" into options by matching the known texts at
/// each position, longest first; returns the part that matches none.
fn split_choices(cell: &str, texts: &[(String, usize)]) -> Result<u64, String> {
    let mut bits = 0u64;
    let mut rest = cell;
    loop {
        rest = rest.trim_start_matches(is_separator);
        if rest.is_empty() {
            return Ok(bits);
        }
        let matched = texts.iter().find(|(text, _)| {
            rest.get(..text.len()).is_some_and(|head| head.eq_ignore_ascii_case(text))
                && rest[text.len()..].chars().next().is_none_or(is_separator)
        });
        match matched {
            Some((text, i)) => {
                bits |= 1 << i;
                rest = &rest[text.len()..];
            }
            None => return Err(rest.split([',', ';']).next().unwrap_or(rest).trim().to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_choices_by_known_labels_longest_first() {
        let texts = vec![("Red, white".to_string(), 0), ("Red".to_string(), 1), ("Blue".to_string(), 2)];
        let mut sorted = texts.clone();
        sorted.sort_by_key(|t| std::cmp::Reverse(t.0.len()));
        assert_eq!(split_choices("Red, white, Blue", &sorted), Ok(0b101));
        assert_eq!(split_choices("Red;Blue;", &sorted), Ok(0b110));
        assert_eq!(split_choices("red", &sorted), Ok(0b010));
        assert_eq!(split_choices("Redish, Blue", &sorted), Err("Redish".to_string()));
        assert_eq!(split_choices("Green", &sorted), Err("Green".to_string()));
    }

    #[test]
    fn only_short_texts_are_remembered_and_only_so_many() {
        let parser = CellParser::Single(HashMap::from([("a".to_string(), 0)]));
        let mut remembering = Remembering::new(parser);
        let long = "x".repeat(REMEMBERED_BYTES + 1);
        assert!(remembering.parse(&long).is_err());
        assert!(remembering.seen.is_empty(), "a long text is parsed, never kept");
        for i in 0..REMEMBERED + 10 {
            assert!(remembering.parse(&format!("t{i}")).is_err());
        }
        assert_eq!(remembering.seen.len(), REMEMBERED);
        assert_eq!(remembering.parse(" A "), Ok(Some(Answer::Choice(0))), "still read past the limit");
        for i in 0..REMEMBERED + 10 {
            // Distinct short texts that all read as "a": spaces and tabs before it, by i's bits.
            let text: String =
                (0..11).map(|bit| if i >> bit & 1 == 1 { '\t' } else { ' ' }).chain(['a']).collect();
            assert_eq!(remembering.parse(&text), Ok(Some(Answer::Choice(0))));
        }
        assert_eq!(remembering.short.len(), REMEMBERED, "short texts are kept so many times only");
    }

    #[test]
    fn a_remembered_text_gives_what_parsing_it_gives() {
        let parser = CellParser::YesNo(HashMap::from([("yes".to_string(), true), ("no".to_string(), false)]));
        let mut remembering = Remembering::new(parser.clone());
        // Short and long, answers and errors, texts that differ only by trailing NUL bytes or
        // case, each met twice: the second time is the remembered answer.
        let texts = ["yes", "YES", " no ", "no\0", "no\0\0", "", "   ", "maybe", "y", "yes               x"];
        for _ in 0..2 {
            for text in texts {
                assert_eq!(remembering.parse(text), parser.parse(text), "{text:?}");
            }
        }
        assert!(!remembering.short.is_empty() && !remembering.seen.is_empty());
    }

    #[test]
    fn a_column_per_choice_ticks_its_choice() {
        let question = Question::multiple_for_tests("resources", &[("books", "Books"), ("peers", "Peers")]);
        let parser = CellParser::new(&question, Some(1), &[("X".into(), Answer::Bool(true))]);
        for ticked in ["Y", "Yes", "1", "Peers", "peers", "X"] {
            assert_eq!(parser.parse(ticked), Ok(Some(Answer::Multi(0b10))), "{ticked}");
        }
        for unticked in ["", "N", "0", "No"] {
            assert_eq!(parser.parse(unticked), Ok(None), "{unticked}");
        }
        assert!(parser.parse("Books").is_err(), "another choice's label is not a tick for this one");
    }
}
