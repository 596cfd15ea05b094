//! The mapping file that `--mapping` reads: which column is which question, and where a tool
//! writes answers in its own words (`1`/`0`, `A1`, `Oui`), which answer each cell stands for.
//! `emit.rs` writes one from what a run found.

use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use super::layout::Preset;
use crate::engine::answers::{self, Answer};
use crate::engine::model::{Kind, RuleSet};
use crate::util::diag::{Code, Diagnostic, FileId, Sources, did_you_mean};
use crate::util::yaml::{self, Entries, Spanned, range_of};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMapping {
    #[serde(default)]
    preset: Option<String>,
    #[serde(default)]
    respondent: Option<String>,
    columns: Entries<Spanned<String>, Spanned<Value>>,
}

/// A mapping file, read but not yet checked against the export and the pack.
pub struct Explicit {
    file: FileId,
    pub preset: Option<Preset>,
    pub respondent: Option<String>,
    entries: Vec<(Spanned<String>, Spanned<Value>)>,
}

/// Where a column's cells go.
pub struct Target {
    pub question: usize,
    /// The column ticks this one choice of a multiple-choice question.
    pub choice: Option<usize>,
    /// Cell texts and the answers they stand for.
    pub values: Vec<(String, Answer)>,
}

pub type Entry = (Spanned<String>, Spanned<Value>);

impl Explicit {
    pub fn read(path: &Path, sources: &mut Sources) -> Result<Explicit, Vec<Diagnostic>> {
        let text = crate::util::files::read_text(path, 1 << 20, "a mapping file").map_err(|e| {
            vec![Diagnostic::error(Code::Io, format!("cannot read the mapping `{}`: {e}", path.display()))]
        })?;
        let file = sources.add(path.display().to_string(), text);
        let raw: RawMapping = yaml::parse(sources.source(file)).map_err(|e| vec![e.diagnostic(file)])?;
        Ok(Explicit {
            file,
            preset: raw.preset.as_deref().and_then(Preset::from_name),
            respondent: raw.respondent,
            entries: raw.columns.0,
        })
    }

    pub fn column(&self, header: &str) -> Option<&Entry> {
        self.entries.iter().find(|(h, _)| h.value == header)
    }

    /// What an entry maps its column to: `Ok(None)` for `~` (the column is ignored).
    pub fn resolve(&self, ruleset: &RuleSet, (header, value): &Entry) -> Result<Option<Target>, Diagnostic> {
        let at = |code: Code, message: String, label: String| {
            Diagnostic::error(code, message).at(self.file, range_of(value), label)
        };
        let question_of = |id: &str| {
            ruleset.question(id).ok_or_else(|| {
                let ids = ruleset.questions.iter().map(|q| q.id.as_str());
                at(
                    Code::MappingUnknownQuestion,
                    format!(
                        "the mapping sends column \"{}\" to `{id}`, which is not a question of the pack",
                        header.value
                    ),
                    did_you_mean(id, ids),
                )
            })
        };
        let shape = || {
            at(
                Code::MappingBadValue,
                format!(
                    "column \"{}\": a mapping entry is a question id, `~`, or {{question, choice, values}}",
                    header.value
                ),
                "here".into(),
            )
        };
        match &value.value {
            Value::Null => Ok(None),
            Value::String(id) => {
                Ok(Some(Target { question: question_of(id)?, choice: None, values: Vec::new() }))
            }
            Value::Object(fields) => {
                if let Some(unknown) =
                    fields.keys().find(|k| !matches!(k.as_str(), "question" | "choice" | "values"))
                {
                    return Err(at(
                        Code::MappingBadValue,
                        format!("column \"{}\": unknown field `{unknown}`", header.value),
                        "allowed: question, choice, values".into(),
                    ));
                }
                let Some(Value::String(id)) = fields.get("question") else { return Err(shape()) };
                let question = question_of(id)?;
                let q = &ruleset.questions[question];
                let choice = match fields.get("choice") {
                    None | Some(Value::Null) => None,
                    Some(Value::String(c)) => match q.kind.options().iter().position(|o| o.value == *c) {
                        Some(o) if matches!(q.kind, Kind::Multiple { .. }) => Some(o),
                        _ => {
                            return Err(at(
                                Code::MappingBadValue,
                                format!(
                                    "column \"{}\": `{c}` is not a choice of multiple-choice question `{id}`",
                                    header.value
                                ),
                                format!("allowed: {}", answers::describe_allowed(q)),
                            ));
                        }
                    },
                    Some(_) => return Err(shape()),
                };
                let mut values = Vec::new();
                match fields.get("values") {
                    None | Some(Value::Null) => {}
                    Some(Value::Object(map)) => {
                        for (cell, answer) in map {
                            let converted = if choice.is_some() {
                                match answer {
                                    Value::Bool(true) => Ok(Some(Answer::Multi(1 << choice.unwrap_or(0)))),
                                    Value::Bool(false) => Ok(None),
                                    _ => Err(
                                        "a column for one choice maps its cells to true (ticked) or false"
                                            .to_string(),
                                    ),
                                }
                            } else {
                                let answer = match (&q.kind, answer) {
                                    (Kind::Multiple { .. }, Value::String(_)) => {
                                        Value::Array(vec![answer.clone()])
                                    }
                                    _ => answer.clone(),
                                };
                                answers::from_value(q, &answer)
                            };
                            match converted {
                                Ok(Some(a)) => values.push((cell.clone(), a)),
                                Ok(None) => values.push((cell.clone(), Answer::Bool(false))),
                                Err(why) => {
                                    return Err(at(
                                        Code::MappingBadValue,
                                        format!(
                                            "column \"{}\": the cell \"{cell}\" is mapped to an answer `{id}` does not take",
                                            header.value
                                        ),
                                        why,
                                    ));
                                }
                            }
                        }
                    }
                    Some(_) => return Err(shape()),
                }
                Ok(Some(Target { question, choice, values }))
            }
            _ => Err(shape()),
        }
    }
}
