//! Which column of a survey export is which question (`cells.rs` turns a cell into an answer).
//! Columns are matched by an explicit mapping, else by question id, else by the exact question
//! text in one of the pack's languages (a grid's row, or a choice of a question written one
//! column per choice, by its text in brackets); never by guesswork.

use std::collections::HashMap;

use super::layout::{Column, ERROR_COLUMN, Preset};
use super::mapping::{Explicit, Target};
use crate::engine::answers::Answer;
use crate::engine::model::{Kind, RuleSet, Text};
use crate::util::diag::{Code, Diagnostic};

/// What SurveyMonkey writes under a question that has one column.
const WHOLE_ANSWER: &[&str] = &["Response", "Open-Ended Response"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The cell is the question's answer.
    Question(usize),
    /// The cell ticks one choice of a multiple-choice question written one column per choice.
    Choice(usize, usize),
    /// The cell is one number of a grid question: `(question, row, column)`, a pack row.
    Cell(usize, usize, usize),
    Group,
    /// Says whether the response was finished.
    Completion,
    /// Not a question: the tool's metadata, or a column nobody asked for.
    Ignored,
}

#[derive(Debug, Clone)]
pub struct Mapping {
    pub preset: Preset,
    pub roles: Vec<Role>,
    pub headers: Vec<String>,
    /// Values the mapping file gives for each column, as answers.
    pub values: Vec<Vec<(String, Answer)>>,
    /// The column named as the respondent key (`--key` or the mapping's `respondent:`).
    pub key: Option<usize>,
    /// Questions with no column, which the emitted mapping lists to fill in.
    pub unmapped: Vec<usize>,
}

impl Mapping {
    /// The column a question is read from, for messages.
    pub fn column_of(&self, question: usize) -> Option<&str> {
        self.roles
            .iter()
            .position(
                |r| matches!(r, Role::Question(q) | Role::Choice(q, _) | Role::Cell(q, ..) if *q == question),
            )
            .map(|i| self.headers[i].as_str())
    }
}

/// What the columns say, and everything that makes the export unusable.
pub struct Inferred {
    pub mapping: Mapping,
    /// `--group-by` names a question the pack marks for grouping: this one.
    pub group_question: Option<usize>,
    pub errors: Vec<Diagnostic>,
    pub notes: Vec<String>,
}

/// Folds spaces and trims, as two people typing the same text would agree it is the same.
pub fn fold(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A header as a person reads it: HTML tags gone (Typeform writes `<strong>` into titles),
/// the common entities decoded, spaces folded.
pub fn clean(header: &str) -> String {
    let mut out = String::with_capacity(header.len());
    let mut rest = header;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let is_tag = after.trim_start_matches('/').starts_with(|c: char| c.is_ascii_alphabetic());
        match (is_tag, after.find('>')) {
            (true, Some(end)) => rest = &after[end + 1..],
            _ => {
                out.push('<');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    let decoded = out
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    fold(&decoded)
}

pub(super) fn all_texts(text: &Text) -> impl Iterator<Item = &str> {
    std::iter::once(text.default.as_str()).chain(text.translations.iter().map(|(_, t)| t.as_str()))
}

/// `Title [Row]` as `("Title", "Row")`.
fn bracketed(header: &str) -> Option<(&str, &str)> {
    let inner = header.strip_suffix(']')?;
    let open = inner.rfind(" [")?;
    Some((inner[..open].trim(), inner[open + 2..].trim()))
}

/// LimeSurvey's "question code & question text" headings: `G01Q01. Text`.
fn after_code(header: &str) -> Option<&str> {
    let (code, rest) = header.split_once(". ")?;
    (!code.is_empty() && code.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '[' | ']')))
        .then_some(rest)
}

struct Texts<'r> {
    ruleset: &'r RuleSet,
    by_text: HashMap<String, usize>,
}

impl Texts<'_> {
    fn question(&self, text: &str) -> Option<usize> {
        self.ruleset.question(text).or_else(|| self.by_text.get(&clean(text).to_lowercase()).copied())
    }

    /// A cell of a grid question, written (as Google Forms writes a grid) one column per row of
    /// a survey grid titled by the column: `Engagement [Vision]`. The title is the column's
    /// label, `question text: column label`, or `question.column`; the row its label or value.
    fn grid_cell(&self, title: &str, row: &str) -> Option<Role> {
        let title = fold(title);
        for (q, question) in self.ruleset.questions.iter().enumerate() {
            let Kind::Grid(grid) = &question.kind else { continue };
            let Some(r) = grid.rows.iter().position(|o| {
                o.value == row || all_texts(&o.label).any(|l| fold(l).eq_ignore_ascii_case(row))
            }) else {
                continue;
            };
            let column = grid.columns.iter().position(|c| {
                title == format!("{}.{}", question.id, c.id)
                    || all_texts(&c.label).any(|l| {
                        let l = fold(l);
                        title.eq_ignore_ascii_case(&l)
                            || all_texts(&question.text).any(|t| {
                                let t = fold(t);
                                [format!("{t}: {l}"), format!("{t} - {l}"), format!("{t} : {l}")]
                                    .iter()
                                    .any(|x| title.eq_ignore_ascii_case(x))
                            })
                    })
            });
            if let Some(c) = column {
                return Some(Role::Cell(q, r, c));
            }
        }
        None
    }

    /// The role a header names by itself, trying each way a tool writes it.
    fn role(&self, header: &str) -> Option<Role> {
        if let Some(q) = self.question(header) {
            return Some(Role::Question(q));
        }
        let cleaned = clean(header);
        if let Some((title, sub)) = bracketed(&cleaned) {
            if WHOLE_ANSWER.contains(&sub) {
                return self.role(title);
            }
            if let Some(q) = self.question(title)
                && let Kind::Multiple { options } = &self.ruleset.questions[q].kind
                && let Some(o) = options.iter().position(|o| {
                    o.value == sub || all_texts(&o.label).any(|l| fold(l).eq_ignore_ascii_case(sub))
                })
            {
                return Some(Role::Choice(q, o));
            }
            // A grid: each row is a question of its own.
            if let Some(q) = self.question(sub) {
                return Some(Role::Question(q));
            }
            if let Some(cell) = self.grid_cell(title, sub) {
                return Some(cell);
            }
        }
        after_code(&cleaned).and_then(|rest| self.role(rest))
    }
}

/// Whether a column names the respondent or is the survey tool's own (when they answered,
/// from where): such columns are no question, and never a group.
pub fn identifies(preset: Preset, header: &str, key: Option<&str>) -> bool {
    preset.is_metadata(header) || super::layout::is_key_column(header) || key == Some(header)
}

/// The role of the `--group-by` column. A column that is no answer groups as it is; a question
/// groups only when the pack marks it for grouping (never free text, never health-related:
/// the pack's checks see to that); a column that identifies a person never groups.
pub fn grouping_role(
    ruleset: &RuleSet,
    name: &str,
    role: Role,
    identifies: bool,
) -> Result<Role, Box<Diagnostic>> {
    let refuse = |why: String| {
        Box::new(
            Diagnostic::error(Code::UngroupableColumn, format!("--group-by \"{name}\": {why}")).note(
                "group by a column that is not an answer (department, site, team), with --groups naming its groups, or by a question listed in the pack's `aggregates.grouping`",
            ),
        )
    };
    match role {
        Role::Question(q) | Role::Choice(q, _) if ruleset.aggregates.grouping.contains(&q) => Ok(role),
        Role::Question(q) | Role::Choice(q, _) | Role::Cell(q, ..) => Err(refuse(format!(
            "this column answers question `{}` ({}), which the pack does not mark for grouping; groups named after answers could name the people who gave them",
            ruleset.questions[q].id,
            ruleset.questions[q].kind.name()
        ))),
        Role::Completion | Role::Ignored | Role::Group if identifies => Err(refuse(
            "this column identifies a person or says when they answered; groups made of it would be groups of one".into(),
        )),
        Role::Completion | Role::Ignored | Role::Group => Ok(Role::Group),
    }
}

/// Maps each column onto a role. The mapping is returned even when there are errors, so that
/// `--emit-mapping` can write what was found.
pub fn infer(
    ruleset: &RuleSet,
    columns: &[Column],
    preset: Preset,
    explicit: Option<&Explicit>,
    group_by: Option<&str>,
    key: Option<&str>,
) -> Inferred {
    let mut by_text: HashMap<String, usize> = HashMap::new();
    for (i, q) in ruleset.questions.iter().enumerate() {
        for t in all_texts(&q.text) {
            by_text.entry(clean(t).to_lowercase()).or_insert(i);
        }
    }
    let texts = Texts { ruleset, by_text };
    let headers: Vec<String> = columns.iter().map(|c| c.name.clone()).collect();
    let completion = preset.completion();
    let mut errors = Vec::new();
    let mut ignored = Vec::new();
    let mut roles = Vec::with_capacity(columns.len());
    let mut group_question = None;
    let mut values = Vec::with_capacity(columns.len());
    for column in columns {
        let header = column.name.as_str();
        let entry = explicit.and_then(|e| e.column(header));
        let mut column_values = Vec::new();
        let role = if let Some(entry) = entry {
            match explicit.map(|e| e.resolve(ruleset, entry)) {
                Some(Ok(Some(Target { question, choice, values }))) => {
                    column_values = values;
                    match choice {
                        Some(o) => Role::Choice(question, o),
                        None => Role::Question(question),
                    }
                }
                Some(Ok(None)) | None => Role::Ignored,
                Some(Err(diagnostic)) => {
                    errors.push(diagnostic);
                    Role::Ignored
                }
            }
        } else if completion.as_ref().is_some_and(|c| c.column.contains(&header)) {
            Role::Completion
        } else if let Some(role) =
            std::iter::once(header).chain(column.also.iter().map(String::as_str)).find_map(|h| texts.role(h))
        {
            role
        } else {
            if !identifies(preset, header, key)
                && header != ERROR_COLUMN
                && !header.is_empty()
                && group_by != Some(header)
            {
                ignored.push(header.to_string());
            }
            Role::Ignored
        };
        let role = if group_by == Some(header) {
            match grouping_role(ruleset, header, role, identifies(preset, header, key)) {
                Ok(role) => {
                    if let Role::Question(q) | Role::Choice(q, _) = role {
                        group_question = Some(q);
                    }
                    role
                }
                Err(diagnostic) => {
                    errors.push(*diagnostic);
                    role
                }
            }
        } else {
            role
        };
        roles.push(role);
        values.push(column_values);
    }
    let mut notes = Vec::new();
    if !ignored.is_empty() {
        let shown: Vec<String> =
            ignored.iter().take(8).map(|h| format!("\"{}\"", crate::util::sanitize::terminal(h))).collect();
        let more = if ignored.len() > 8 { format!(" and {} more", ignored.len() - 8) } else { String::new() };
        notes.push(format!(
            "{} column(s) match no question of the pack and are ignored: {}{more}",
            ignored.len(),
            shown.join(", ")
        ));
    }
    let find = |name: &str| headers.iter().position(|h| h == name);
    for (flag, name) in [("--group-by", group_by), ("--key", key)] {
        if let Some(name) = name
            && find(name).is_none()
        {
            errors.push(
                Diagnostic::error(
                    Code::UnknownColumn,
                    format!("{flag} names column \"{name}\", which the export does not have"),
                )
                .note(format!("its columns: {}", quoted_list(&headers))),
            );
        }
    }
    let key_column = key.or(explicit.and_then(|e| e.respondent.as_deref())).and_then(find);
    let mut unmapped = Vec::new();
    let mut optional = Vec::new();
    for (i, q) in ruleset.questions.iter().enumerate() {
        let whole: Vec<&String> =
            headers.iter().zip(&roles).filter(|(_, r)| **r == Role::Question(i)).map(|(h, _)| h).collect();
        let choices = roles.iter().any(|r| matches!(r, Role::Choice(x, _) | Role::Cell(x, ..) if *x == i));
        match (whole.len(), choices) {
            (0, false) => {
                unmapped.push(i);
                if q.required {
                    errors.push(
                        Diagnostic::error(
                            Code::NoColumn,
                            format!("required question `{}` has no column in the export", q.id),
                        )
                        .note(format!("the question: \"{}\"", q.text.default))
                        .note("name a column after its id or its text, or map one in a mapping file (--mapping); --emit-mapping writes one to fill in"),
                    );
                } else {
                    optional.push(format!("`{}`", q.id));
                }
            }
            (0, true) | (1, false) => {}
            _ => errors.push(
                Diagnostic::error(
                    Code::DuplicateColumn,
                    format!(
                        "question `{}` is answered by more than one column: {}",
                        q.id,
                        quoted_list(&whole.iter().map(|s| s.to_string()).collect::<Vec<_>>())
                    ),
                )
                .note("map the one to read in a mapping file, and the others to `~`"),
            ),
        }
    }
    // One note for them all: an export without a pack's optional section would otherwise open
    // with a line per question.
    match optional.as_slice() {
        [] => {}
        [one] => notes.push(format!("optional question {one} has no column")),
        many => notes.push(format!("optional questions with no column: {}", many.join(", "))),
    }
    Inferred {
        mapping: Mapping { preset, roles, headers, values, key: key_column, unmapped },
        group_question,
        errors,
        notes,
    }
}

fn quoted_list(items: &[String]) -> String {
    items.iter().map(|h| format!("\"{}\"", crate::util::sanitize::terminal(h))).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_read_as_people_read_them() {
        assert_eq!(clean("Are you <strong>ready</strong>?&nbsp;"), "Are you ready?");
        assert_eq!(clean("a < b &amp; c"), "a < b & c");
        assert_eq!(bracketed("Rate each [I want support]"), Some(("Rate each", "I want support")));
        assert_eq!(bracketed("No brackets"), None);
        assert_eq!(after_code("G01Q01. Is there money?"), Some("Is there money?"));
        assert_eq!(after_code("Hello. World"), Some("World"));
        assert_eq!(after_code("Is it ok. Yes"), None);
    }
}
