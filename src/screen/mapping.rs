//! The mapping file: which column is which question, and where a tool writes answers in its own
//! words (`1`/`0`, `A1`, `Oui`), which answer each cell stands for. `--mapping` reads one;
//! `--emit-mapping` writes what was found, with what is missing as comments to fill in.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use super::columns::{Mapping, Role};
use super::layout::{KeyColumn, Preset};
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

/// Cell texts that matched no answer, per column, for the emitted mapping; bounded so that a
/// file of garbage cannot grow it.
#[derive(Default)]
pub struct Unmatched {
    columns: BTreeMap<usize, BTreeMap<String, u64>>,
}

const UNMATCHED_PER_COLUMN: usize = 20;
const UNMATCHED_CHARS: usize = 100;

impl Unmatched {
    pub fn add(&mut self, column: usize, cell: &str) {
        let seen = self.columns.entry(column).or_default();
        let cell: String = cell.trim().chars().take(UNMATCHED_CHARS).collect();
        if let Some(n) = seen.get_mut(&cell) {
            *n += 1;
        } else if seen.len() < UNMATCHED_PER_COLUMN {
            seen.insert(cell, 1);
        }
    }
}

fn quoted(text: &str) -> String {
    // A JSON string is a YAML double-quoted scalar: every header survives as it is.
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into())
}

/// The mapping as a file to review, fill in and pass back with `--mapping`. Cell texts are
/// listed only for those who may see answers (`with_values`); the file is written privately.
pub fn emit(
    ruleset: &RuleSet,
    source: &str,
    mapping: &Mapping,
    unmatched: &Unmatched,
    with_values: bool,
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# How the columns of {source} map onto the questions of pack `{}` {}.\n\
         # Review it, fill in what is missing, and pass it back with --mapping FILE.\n\
         # A column maps to a question id, to ~ (ignored), or to {{question, choice, values}}:\n\
         # `values` maps a cell's text to the answer it stands for, written as in an answers file\n\
         # (an option's value, true or false, a number); `choice` names the one choice of a\n\
         # multiple-choice question that a column per choice ticks.",
        ruleset.meta.id, ruleset.meta.version
    );
    let _ = writeln!(out, "preset: {}", mapping.preset.name());
    match super::layout::key_columns(&mapping.headers, mapping.key).first() {
        Some(KeyColumn::One(k)) => {
            let _ = writeln!(out, "respondent: {}", quoted(&mapping.headers[*k]));
        }
        Some(KeyColumn::Pair(a, b)) => {
            let _ = writeln!(
                out,
                "# respondent: the first and last names, {} and {}; or name one column here",
                quoted(&mapping.headers[*a]),
                quoted(&mapping.headers[*b])
            );
        }
        None => out.push_str(
            "# respondent: \"COLUMN\"   # the column that names each person, if the export has one\n",
        ),
    }
    out.push_str("columns:\n");
    for (i, (header, role)) in mapping.headers.iter().zip(&mapping.roles).enumerate() {
        let (question, choice) = match role {
            Role::Question(q) => (*q, None),
            Role::Choice(q, o) => (*q, Some(*o)),
            Role::Group | Role::Completion => {
                let _ = writeln!(out, "  {}: ~", quoted(header));
                continue;
            }
            Role::Ignored => {
                let _ = writeln!(out, "  {}: ~", quoted(header));
                continue;
            }
        };
        let q = &ruleset.questions[question];
        let values = &mapping.values[i];
        let missing = unmatched.columns.get(&i);
        if values.is_empty() && missing.is_none() && choice.is_none() {
            let _ = writeln!(out, "  {}: {}", quoted(header), q.id);
            continue;
        }
        let _ = writeln!(out, "  {}:\n    question: {}", quoted(header), q.id);
        if let Some(o) = choice {
            let _ = writeln!(out, "    choice: {}", quoted(&q.kind.options()[o].value));
        }
        if !values.is_empty() {
            out.push_str("    values:\n");
            for (cell, answer) in values {
                let written = match (choice, answer) {
                    (Some(_), Answer::Multi(_)) => Value::Bool(true),
                    (Some(_), _) => Value::Bool(false),
                    (None, a) => answers::to_value(q, a),
                };
                let _ = writeln!(out, "      {}: {}", quoted(cell), written);
            }
        }
        if let Some(missing) = missing {
            let rows: u64 = missing.values().sum();
            if with_values {
                let _ =
                    writeln!(out, "    # cells that match no answer of `{}`; map each under `values:`", q.id);
                for (cell, n) in missing {
                    let _ = writeln!(
                        out,
                        "    #   {}: ?   # {n} row(s)",
                        quoted(&crate::util::sanitize::terminal(cell))
                    );
                }
            } else {
                let _ = writeln!(
                    out,
                    "    # {rows} cell(s) match no answer of `{}`; the coach's view of this file lists them",
                    q.id
                );
            }
        }
    }
    if !mapping.unmapped.is_empty() {
        out.push_str(
            "# Questions with no column: add a line under `columns:` for each, e.g. \"Your column\": id\n",
        );
        for &q in &mapping.unmapped {
            let question = &ruleset.questions[q];
            let required = if question.required { "required" } else { "optional" };
            let _ = writeln!(out, "#   {} ({required}): {}", question.id, quoted(&question.text.default));
        }
    }
    out
}
