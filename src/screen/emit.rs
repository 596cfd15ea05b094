//! `--emit-mapping`: the mapping a run found, written as a file to review, fill in and pass
//! back with `--mapping`, with what is missing (and, for the coach, the cell texts that matched
//! no answer) as comments.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::columns::{Mapping, Role};
use super::layout::KeyColumn;
use serde_json::Value;

use crate::engine::answers::{self, Answer};
use crate::engine::model::RuleSet;

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
            // Found by its header (`Column [Row]`), which a mapping file does not rewrite.
            Role::Cell(..) => {
                let _ = writeln!(out, "  # {}: a cell of a grid, read by its header", quoted(header));
                continue;
            }
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
