//! Which column of a survey export is which question, and how a cell's text becomes an answer.
//! Columns are matched by an explicit mapping, else by question id, else by the exact question
//! text in one of the pack's languages; never by guesswork.

use std::collections::HashMap;

use crate::answers::Answer;
use crate::diag::did_you_mean;
use crate::model::{Kind, Question, RuleSet, Text};

/// The survey tools whose exports `screen` reads as they come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    GoogleForms,
    MicrosoftForms,
    Typeform,
    /// A header of question ids (or texts), plus any columns of one's own.
    Plain,
}

impl Preset {
    pub fn name(self) -> &'static str {
        match self {
            Preset::GoogleForms => "google-forms",
            Preset::MicrosoftForms => "microsoft-forms",
            Preset::Typeform => "typeform",
            Preset::Plain => "plain",
        }
    }

    /// Recognises an export by the columns its tool always writes.
    pub fn detect(headers: &[String]) -> Preset {
        let has = |h: &str| headers.iter().any(|x| x == h);
        if headers.first().is_some_and(|h| h == "Timestamp") {
            Preset::GoogleForms
        } else if has("Start time") && has("Completion time") {
            Preset::MicrosoftForms
        } else if headers.first().is_some_and(|h| h == "#") && has("Submit Date (UTC)") {
            Preset::Typeform
        } else {
            Preset::Plain
        }
    }

    /// Columns the tool adds that are not questions.
    fn metadata(self) -> &'static [&'static str] {
        match self {
            Preset::GoogleForms => &["Timestamp", "Email Address", "Score"],
            Preset::MicrosoftForms => {
                &["ID", "Start time", "Completion time", "Email", "Name", "Last modified time"]
            }
            Preset::Typeform => &["#", "Start Date (UTC)", "Submit Date (UTC)", "Network ID", "Tags"],
            Preset::Plain => &[],
        }
    }
}

/// Columns that name a respondent, most specific first: an id, then an email, then a name.
const RESPONDENT_COLUMNS: &[&str] =
    &["ID", "id", "#", "respondent", "Respondent", "Email", "Email Address", "email", "Name", "name"];

/// The column `screen --rejects` adds, which a later run ignores.
pub const ERROR_COLUMN: &str = "crossroads_error";

#[derive(Debug, Clone, PartialEq)]
pub enum Role {
    Question(usize),
    Respondent,
    Group,
    /// Not a question: the tool's metadata, or a column nobody asked for.
    Ignored,
}

#[derive(Debug, Clone)]
pub struct Mapping {
    pub preset: Preset,
    pub roles: Vec<Role>,
    pub headers: Vec<String>,
}

/// A mapping read from a file: the column that names respondents, and each header's question
/// id, or `None` to ignore the column.
#[derive(Debug, Default)]
pub struct Explicit {
    pub respondent: Option<String>,
    pub columns: Vec<(String, Option<String>)>,
}

/// Folds spaces and trims, as two people typing the same text would agree it is the same.
pub fn fold(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn all_texts(text: &Text) -> impl Iterator<Item = &str> {
    std::iter::once(text.default.as_str()).chain(text.translations.iter().map(|(_, t)| t.as_str()))
}

/// Maps each header onto a role. Errors are everything that makes the export unusable:
/// a mapping that names no question, two columns for one question, a required question
/// with no column. Notes are columns that are ignored, and optional questions with none.
pub fn infer(
    ruleset: &RuleSet,
    headers: &[String],
    preset: Preset,
    explicit: Option<&Explicit>,
    group_by: Option<&str>,
) -> Result<(Mapping, Vec<String>), Vec<String>> {
    let mut by_text: HashMap<String, usize> = HashMap::new();
    for (i, q) in ruleset.questions.iter().enumerate() {
        for t in all_texts(&q.text) {
            by_text.entry(fold(t)).or_insert(i);
        }
    }
    let detected = RESPONDENT_COLUMNS.iter().find(|c| headers.iter().any(|h| h == *c)).copied();
    let respondent_column = explicit.and_then(|e| e.respondent.as_deref()).or(detected);
    let mut errors = Vec::new();
    let mut notes = Vec::new();
    let mut roles = Vec::with_capacity(headers.len());
    for header in headers {
        let entry = explicit.and_then(|e| e.columns.iter().find(|(h, _)| h == header));
        let role = if group_by == Some(header.as_str()) {
            Role::Group
        } else if respondent_column == Some(header.as_str()) && entry.is_none_or(|(_, q)| q.is_none()) {
            Role::Respondent
        } else if let Some(entry) = entry {
            match &entry.1 {
                None => Role::Ignored,
                Some(id) => match ruleset.question(id) {
                    Some(i) => Role::Question(i),
                    None => {
                        let ids = ruleset.questions.iter().map(|q| q.id.as_str());
                        errors.push(format!(
                            "the mapping sends column \"{header}\" to `{id}`, which is not a question: {}",
                            did_you_mean(id, ids)
                        ));
                        Role::Ignored
                    }
                },
            }
        } else if let Some(i) = ruleset.question(header) {
            Role::Question(i)
        } else if let Some(&i) = by_text.get(&fold(header)) {
            Role::Question(i)
        } else {
            if !preset.metadata().contains(&header.as_str()) && header != ERROR_COLUMN {
                notes.push(format!("column \"{header}\" is not a question of the pack; it is ignored"));
            }
            Role::Ignored
        };
        roles.push(role);
    }
    if let Some(g) = group_by
        && !headers.iter().any(|h| h == g)
    {
        errors.push(format!("--group-by names column \"{g}\", which the export does not have"));
    }
    for (i, q) in ruleset.questions.iter().enumerate() {
        let columns: Vec<&String> =
            headers.iter().zip(&roles).filter(|(_, r)| **r == Role::Question(i)).map(|(h, _)| h).collect();
        match columns.len() {
            0 if q.required => errors.push(format!(
                "required question `{}` (\"{}\") has no column; name a column after its id or its text, or map one with --mapping",
                q.id, q.text.default
            )),
            0 => notes.push(format!("optional question `{}` has no column", q.id)),
            1 => {}
            _ => errors.push(format!(
                "question `{}` has {} columns: {}",
                q.id,
                columns.len(),
                columns.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", ")
            )),
        }
    }
    if errors.is_empty() {
        Ok((Mapping { preset, roles, headers: headers.to_vec() }, notes))
    } else {
        Err(errors)
    }
}

/// How one question's cells become answers, prepared once for the whole file.
#[derive(Debug)]
pub enum CellParser {
    YesNo,
    Scale {
        min: i64,
        max: i64,
        labels: HashMap<String, i64>,
    },
    Number {
        min: Option<f64>,
        max: Option<f64>,
    },
    Single(HashMap<String, usize>),
    /// Option texts, longest first, so that a label with a separator in it still matches.
    Multiple(Vec<(String, usize)>),
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

impl CellParser {
    pub fn new(question: &Question) -> CellParser {
        match &question.kind {
            Kind::YesNo => CellParser::YesNo,
            Kind::Scale { min, max, labels } => CellParser::Scale {
                min: *min,
                max: *max,
                labels: labels
                    .iter()
                    .flat_map(|(p, l)| all_texts(l).map(move |t| (fold(t).to_lowercase(), *p)))
                    .collect(),
            },
            Kind::Number { min, max } => CellParser::Number { min: *min, max: *max },
            Kind::Single { .. } => {
                let mut map = HashMap::new();
                for (text, i) in option_texts(question) {
                    map.entry(text.to_lowercase()).or_insert(i);
                }
                CellParser::Single(map)
            }
            Kind::Multiple { .. } => {
                let mut texts = option_texts(question);
                texts.sort_by_key(|t| std::cmp::Reverse(t.0.len()));
                CellParser::Multiple(texts)
            }
            Kind::Text => CellParser::Text,
        }
    }

    /// A cell as an answer: `Ok(None)` for an empty cell.
    pub fn parse(&self, cell: &str) -> Result<Option<Answer>, CellError> {
        let cell = cell.trim();
        if cell.is_empty() {
            return Ok(None);
        }
        let wrong = |what: &'static str| CellError { what, part: cell.to_string() };
        match self {
            CellParser::YesNo => match cell.to_lowercase().as_str() {
                "yes" | "y" | "true" | "oui" | "o" | "vrai" => Ok(Some(Answer::Bool(true))),
                "no" | "n" | "false" | "non" | "faux" => Ok(Some(Answer::Bool(false))),
                _ => Err(wrong("not yes or no")),
            },
            CellParser::Scale { min, max, labels } => {
                let point =
                    cell.parse::<i64>().ok().or_else(|| labels.get(&fold(cell).to_lowercase()).copied());
                match point {
                    Some(p) if (*min..=*max).contains(&p) => Ok(Some(Answer::Number(p as f64))),
                    Some(_) => Err(wrong("outside the scale")),
                    None => Err(wrong("not a point of the scale")),
                }
            }
            CellParser::Number { min, max } => {
                let text = if cell.contains('.') { cell.to_string() } else { cell.replace(',', ".") };
                match text.parse::<f64>() {
                    Ok(x) if x.is_finite() && min.is_none_or(|m| x >= m) && max.is_none_or(|m| x <= m) => {
                        Ok(Some(Answer::Number(x)))
                    }
                    Ok(_) => Err(wrong("out of range")),
                    Err(_) => Err(wrong("not a number")),
                }
            }
            CellParser::Single(map) => match map.get(&fold(cell).to_lowercase()) {
                Some(&i) => Ok(Some(Answer::Choice(i))),
                None => Err(wrong("not one of the options")),
            },
            CellParser::Multiple(texts) => split_choices(cell, texts)
                .map(|bits| Some(Answer::Multi(bits)))
                .map_err(|part| CellError { what: "not one of the options", part }),
            CellParser::Text => Ok(Some(Answer::Text(cell.to_string()))),
        }
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
    fn detects_the_export_by_its_columns() {
        let h = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(Preset::detect(&h(&["Timestamp", "Q"])), Preset::GoogleForms);
        assert_eq!(Preset::detect(&h(&["ID", "Start time", "Completion time", "Q"])), Preset::MicrosoftForms);
        assert_eq!(Preset::detect(&h(&["#", "Q", "Submit Date (UTC)"])), Preset::Typeform);
        assert_eq!(Preset::detect(&h(&["help_with"])), Preset::Plain);
    }
}
