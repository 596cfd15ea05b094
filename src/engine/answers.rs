//! Answers: reading an answers file and checking it against a pack, coercing nothing.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::engine::condition::holds;
use crate::engine::model::{Choice, Identity, Kind, Question, RuleSet};
use crate::util::diag::{Code, Diagnostic, FileId, Sources, did_you_mean};
use crate::util::yaml::{self, Entries, InOrder, Spanned, range_of};

pub use crate::engine::model::{Answer, Answers};

/// Which pack a file of answers was given against (written by `ask`; optional when reading).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PackStamp {
    pub id: String,
    pub version: String,
    pub hash: String,
}

impl PackStamp {
    pub fn of(ruleset: &RuleSet) -> PackStamp {
        PackStamp {
            id: ruleset.meta.id.clone(),
            version: ruleset.meta.version.clone(),
            hash: ruleset.hash.clone(),
        }
    }
}

pub type RawEntries = Spanned<Entries<Spanned<String>, Spanned<Value>>>;

/// An answers file: YAML or JSON (which is YAML too).
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawAnswersFile {
    #[serde(default)]
    pub pack: Option<PackStamp>,
    #[serde(default)]
    pub respondent: Option<String>,
    /// The language the intake was answered in: one of the pack's languages.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub language: Option<Spanned<String>>,
    /// Question id to answer: true or false, a number, an option's value, a list of them, or text.
    #[schemars(with = "std::collections::BTreeMap<String, serde_json::Value>")]
    pub answers: RawEntries,
}

/// Parses an answers file that is already among the `sources`, without checking it.
pub fn parse(sources: &Sources, file: FileId) -> Result<RawAnswersFile, Vec<Diagnostic>> {
    yaml::parse(sources.source(file)).map_err(|err| {
        let code = err.code;
        let mut d = err.diagnostic(file);
        if code == Code::UnknownField || code == Code::MissingField {
            d = d.note("an answers file has `answers:` (question id to answer), and may have `respondent:`, `language:` and `pack:`");
        }
        vec![d]
    })
}

/// The most an answers file may hold: a full intake is a few kilobytes.
pub const MAX_BYTES: u64 = 1 << 20;

/// Parses and checks an answers file that is already among the `sources`.
pub fn read(ruleset: &RuleSet, sources: &Sources, file: FileId) -> Result<Answers, Vec<Diagnostic>> {
    checked(ruleset, file, parse(sources, file)?)
}

/// Checks a parsed answers file against the pack: its answers, and the language it names.
pub fn checked(ruleset: &RuleSet, file: FileId, raw: RawAnswersFile) -> Result<Answers, Vec<Diagnostic>> {
    let language = match &raw.language {
        Some(lang) if !ruleset.meta.languages.contains(&lang.value) => {
            return Err(vec![
                Diagnostic::error(
                    Code::UnknownLanguage,
                    format!("language `{}` is not one the pack `{}` speaks", lang.value, ruleset.meta.id),
                )
                .at(
                    file,
                    range_of(lang),
                    format!("the pack's languages are {}", ruleset.meta.languages.join(", ")),
                ),
            ]);
        }
        Some(lang) => Some(lang.value.clone()),
        None => None,
    };
    let mut answers = check(ruleset, file, &raw.answers, raw.respondent)?;
    answers.language = language;
    Ok(answers)
}

/// `n` questions, none answered: made without cloning `None` into each, which `vec![None; n]`
/// does (an `Answer` may hold text), and which `screen` would pay on every row.
pub fn unanswered(n: usize) -> Vec<Option<Answer>> {
    (0..n).map(|_| None).collect()
}

/// The most problems one set of answers lists, as a compiler stops at so many errors: the
/// rest are counted. A hostile file of thousands of unknown keys costs a bounded answer.
pub const MAX_LISTED: usize = 50;

/// Answers converted one by one: the good ones, and a diagnostic for each bad one.
struct Converted {
    values: Vec<Option<Answer>>,
    /// Answered, but wrongly: reported once, as what it is, not again as missing.
    answered_wrongly: Vec<bool>,
    errors: Vec<Diagnostic>,
    /// Problems found past [`MAX_LISTED`], counted and not described, and where the first is.
    unlisted: usize,
    unlisted_at: Option<std::ops::Range<usize>>,
}

impl Converted {
    /// Whether another problem, found at `at`, may be described; if not, it is counted.
    fn room(&mut self, at: std::ops::Range<usize>) -> bool {
        let room = self.errors.len() < MAX_LISTED;
        if !room {
            self.unlisted += 1;
            self.unlisted_at.get_or_insert(at);
        }
        room
    }
}

fn convert_entries(ruleset: &RuleSet, file: FileId, entries: &RawEntries) -> Converted {
    let n = ruleset.questions.len();
    let mut out = Converted {
        values: unanswered(n),
        answered_wrongly: vec![false; n],
        errors: Vec::new(),
        unlisted: 0,
        unlisted_at: None,
    };
    for (key, value) in &entries.value.0 {
        let Some(index) = ruleset.question(&key.value) else {
            if !out.room(range_of(key)) {
                continue;
            }
            let mut ids: Vec<&str> = ruleset.questions.iter().map(|q| q.id.as_str()).collect();
            ids.sort_unstable();
            out.errors.push(
                Diagnostic::error(
                    Code::AnswerUnknownQuestion,
                    format!("`{}` is not a question of pack `{}`", key.value, ruleset.meta.id),
                )
                .at(file, range_of(key), did_you_mean(&key.value, ids.iter().copied())),
            );
            continue;
        };
        match convert(&ruleset.questions[index], &value.value) {
            Ok(answer) => out.values[index] = answer,
            Err((code, message, allowed)) => {
                out.answered_wrongly[index] = true;
                if out.room(range_of(value)) {
                    out.errors.push(
                        Diagnostic::error(code, format!("question `{}`: {message}", key.value))
                            .at(file, range_of(value), message)
                            .note(format!("allowed: {allowed}")),
                    );
                }
            }
        }
    }
    out
}

/// Checks raw answers against the pack: every problem is reported, each with what is allowed.
pub fn check(
    ruleset: &RuleSet,
    file: FileId,
    entries: &RawEntries,
    respondent: Option<String>,
) -> Result<Answers, Vec<Diagnostic>> {
    let mut converted = convert_entries(ruleset, file, entries);
    let answers = Answers::settle(ruleset, std::mem::take(&mut converted.values), respondent);
    for index in missing_required(ruleset, &answers) {
        let question = &ruleset.questions[index];
        if !converted.answered_wrongly[index] && converted.room(range_of(entries)) {
            converted.errors.push(
                Diagnostic::error(
                    Code::AnswerMissingRequired,
                    format!("required question `{}` is not answered", question.id),
                )
                .at(file, range_of(entries), format!("add `{}: ...` to these answers", question.id))
                .note(format!("the question: \"{}\"", question.text.default))
                .note(format!("allowed: {}", describe_allowed(question))),
            );
        }
    }
    let Converted { mut errors, unlisted, unlisted_at, .. } = converted;
    if let Some(at) = unlisted_at {
        errors.push(
            Diagnostic::error(
                Code::AnswerTooManyProblems,
                format!(
                    "{unlisted} more problems in these answers are not listed (at most {MAX_LISTED} are)"
                ),
            )
            .at(file, at, "the first of them")
            .note("fix the problems listed, then check again"),
        );
    }
    if errors.is_empty() { Ok(answers) } else { Err(errors) }
}

/// Keeps every answer that still fits the pack and drops the rest, saying why for each;
/// for carrying on with answers given against an earlier version of a pack.
/// Unanswered questions are left for the caller to ask.
pub fn salvage(
    ruleset: &RuleSet,
    file: FileId,
    entries: &RawEntries,
    respondent: Option<String>,
) -> (Answers, Vec<Diagnostic>) {
    let Converted { values, errors, .. } = convert_entries(ruleset, file, entries);
    (Answers::settle(ruleset, values, respondent), errors)
}

/// An answer as it is written in an answers file: the inverse of reading it.
pub fn to_value(question: &Question, answer: &Answer) -> Value {
    match answer {
        Answer::Bool(b) => Value::Bool(*b),
        Answer::Number(x) if x.fract() == 0.0 && x.abs() < 9e15 => Value::from(*x as i64),
        Answer::Number(x) => Value::from(*x),
        Answer::Choice(i) => Value::from(question.kind.options()[*i].value.clone()),
        Answer::Multi(bits) => {
            Value::Array(question.kind.chosen(*bits).map(|o| Value::from(o.value.clone())).collect())
        }
        Answer::Text(t) => Value::from(t.clone()),
        Answer::Grid(rows) => match &question.kind {
            Kind::Grid(grid) => crate::engine::grid::to_value(grid, rows),
            _ => Value::Null,
        },
    }
}

/// Required questions that the answers show but leave unanswered.
pub fn missing_required(ruleset: &RuleSet, answers: &Answers) -> Vec<usize> {
    (0..ruleset.questions.len())
        .filter(|&i| {
            ruleset.questions[i].required && answers.values[i].is_none() && answers.is_shown(ruleset, i)
        })
        .collect()
}

/// Who the answers say the person is, from the pack's respondent questions: an e-mail address
/// before a code before a name, trimmed; none if none is answered.
pub fn identity(ruleset: &RuleSet, values: &[Option<Answer>]) -> Option<String> {
    let mut given: Vec<(Identity, &str)> = ruleset
        .questions
        .iter()
        .zip(values)
        .filter_map(|(q, v)| match (q.identifies, v) {
            (Some(identity), Some(Answer::Text(t))) if !t.trim().is_empty() => Some((identity, t.trim())),
            _ => None,
        })
        .collect();
    given.sort_by_key(|(identity, _)| *identity);
    given.first().map(|(_, text)| text.to_string())
}

impl Answers {
    /// Answers from typed values (one slot per question), with the answers that `show_if`
    /// hides dropped and listed in `ignored`. Required questions are not checked here.
    pub fn settle(ruleset: &RuleSet, values: Vec<Option<Answer>>, respondent: Option<String>) -> Answers {
        Answers::settle_keeping(ruleset, values, respondent).0
    }

    /// [`Answers::settle`], giving back the answers it dropped, by question index.
    pub fn settle_keeping(
        ruleset: &RuleSet,
        mut values: Vec<Option<Answer>>,
        respondent: Option<String>,
    ) -> (Answers, Vec<(usize, Answer)>) {
        values.resize(ruleset.questions.len(), None);
        // In question order: a `show_if` reads only earlier questions, so each decision
        // sees the final state of everything it depends on.
        let mut hidden = Vec::new();
        for (index, question) in ruleset.questions.iter().enumerate() {
            let shown = question.show_if.as_ref().is_none_or(|c| holds(c, &values, &[]));
            if !shown && let Some(answer) = values[index].take() {
                hidden.push((index, answer));
            }
        }
        let respondent = respondent.or_else(|| identity(ruleset, &values));
        let ignored = hidden.iter().map(|(q, _)| *q).collect();
        (Answers { respondent, language: None, values, ignored }, hidden)
    }

    /// Whether the other answers show question `index` (its `show_if` holds, or it has none).
    pub fn is_shown(&self, ruleset: &RuleSet, index: usize) -> bool {
        ruleset.questions[index].show_if.as_ref().is_none_or(|c| holds(c, &self.values, &[]))
    }
}

type Problem = (Code, String, String);

/// A value as an answer to `question`, or what is wrong with it and what is allowed.
/// `Ok(None)` is an explicit non-answer (`~`, empty text, empty list).
pub fn from_value(question: &Question, value: &Value) -> Result<Option<Answer>, String> {
    convert(question, value).map_err(|(_, message, allowed)| format!("{message}; allowed: {allowed}"))
}

/// [`from_value`] of a JSON string: an option's value (nearly every such answer) is found
/// without copying the text into a `Value`.
#[inline]
pub fn from_text(question: &Question, text: &str) -> Result<Option<Answer>, String> {
    if let Kind::Single { options } = &question.kind
        && let Some(i) = option_position(options, text)
    {
        return Ok(Some(Answer::Choice(i)));
    }
    from_value(question, &Value::String(text.to_string()))
}

/// `Ok(None)` is an explicit non-answer (`~`, empty text, empty list).
fn convert(question: &Question, value: &Value) -> Result<Option<Answer>, Problem> {
    let allowed = || describe_allowed(question);
    let wrong = |got: &Value| {
        (Code::AnswerWrongType, format!("expected {}, got {}", expected(question), describe(got)), allowed())
    };
    match (&question.kind, value) {
        (_, Value::Null) => Ok(None),
        (Kind::YesNo, Value::Bool(b)) => Ok(Some(Answer::Bool(*b))),
        (Kind::Scale { min, max, .. }, Value::Number(n)) => {
            let x = n.as_f64().unwrap_or(f64::NAN);
            if x.fract() != 0.0 {
                return Err(wrong(value));
            }
            if x < *min as f64 || x > *max as f64 {
                return Err((Code::AnswerOutOfRange, format!("{x} is outside the scale"), allowed()));
            }
            Ok(Some(Answer::Number(x)))
        }
        (Kind::Number { min, max }, Value::Number(n)) => {
            let x = n.as_f64().unwrap_or(f64::NAN);
            if min.is_some_and(|m| x < m) || max.is_some_and(|m| x > m) || !x.is_finite() {
                return Err((Code::AnswerOutOfRange, format!("{x} is out of range"), allowed()));
            }
            Ok(Some(Answer::Number(x)))
        }
        (Kind::Single { options }, Value::String(s)) => {
            option_index(options, s).map(|i| Some(Answer::Choice(i)))
        }
        (Kind::Multiple { options }, Value::Array(items)) => {
            let mut bits = 0u64;
            for item in items {
                let Value::String(s) = item else {
                    return Err(wrong(item));
                };
                bits |= 1 << option_index(options, s)?;
            }
            Ok((bits != 0).then_some(Answer::Multi(bits)))
        }
        (Kind::Text, Value::String(s)) => Ok((!s.trim().is_empty()).then(|| Answer::Text(s.clone()))),
        (Kind::Grid(grid), value) => match crate::engine::grid::from_value(grid, value) {
            Ok(rows) => Ok(rows.map(Answer::Grid)),
            Err(w) => {
                let code = if w.out_of_range { Code::AnswerOutOfRange } else { Code::AnswerWrongType };
                Err((code, w.message, allowed()))
            }
        },
        (_, other) => Err(wrong(other)),
    }
}

/// Which option has `value` as its value. Called for every option's value of every row that
/// `screen` reads: compared without a call to `memcmp` ([`crate::util::bytes::same`]), and
/// always inlined (left to itself, the compiler made it a call, 55 instructions each).
#[inline(always)]
pub fn option_position(options: &[Choice], value: &str) -> Option<usize> {
    // A loop, not `position`, which the compiler also left as a call.
    for (i, option) in options.iter().enumerate() {
        if crate::util::bytes::same(option.value.as_bytes(), value.as_bytes()) {
            return Some(i);
        }
    }
    None
}

fn option_index(options: &[Choice], value: &str) -> Result<usize, Problem> {
    option_position(options, value).ok_or_else(|| {
        let hint = match crate::util::diag::nearest(value, options.iter().map(|o| o.value.as_str())) {
            Some(close) => format!(" (did you mean `{close}`?)"),
            None => String::new(),
        };
        (
            Code::AnswerUnknownOption,
            format!("`{value}` is not one of its options{hint}"),
            list_options(options),
        )
    })
}

fn list_options(options: &[Choice]) -> String {
    options.iter().map(|o| format!("`{}` ({})", o.value, o.label.default)).collect::<Vec<_>>().join(", ")
}

fn expected(question: &Question) -> &'static str {
    match question.kind {
        Kind::YesNo => "true or false",
        Kind::Scale { .. } => "a whole number on the scale",
        Kind::Number { .. } => "a number",
        Kind::Single { .. } => "one option's value, as text",
        Kind::Multiple { .. } => "a list of option values",
        Kind::Text => "text",
        Kind::Grid(_) => "a mapping from row to a mapping from column to number",
    }
}

/// What a question accepts, for the notes under an error.
pub fn describe_allowed(question: &Question) -> String {
    let optional = if question.required { "" } else { "; or leave it out" };
    let body = match &question.kind {
        Kind::YesNo => "true or false".to_string(),
        Kind::Scale { min, max, .. } => format!("a whole number from {min} to {max}"),
        Kind::Number { min, max } => match (min, max) {
            (Some(a), Some(b)) => format!("a number from {a} to {b}"),
            (Some(a), None) => format!("a number of at least {a}"),
            (None, Some(b)) => format!("a number of at most {b}"),
            (None, None) => "a number".to_string(),
        },
        Kind::Single { options } => format!("one of {}", list_options(options)),
        Kind::Multiple { options } => format!("a list of any of {}", list_options(options)),
        Kind::Text => "any text".to_string(),
        Kind::Grid(grid) => crate::engine::grid::describe(grid),
    };
    format!("{body}{optional}")
}

fn describe(value: &Value) -> String {
    match value {
        Value::Null => "nothing".into(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the text \"{s}\""),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "a mapping".into(),
    }
}

const HEADER: &str = "\
# crossroads answers. They may be about health: keep this file private.
# `crossroads evaluate FILE` reads it; `crossroads ask --resume FILE` carries on with it.
";

#[derive(serde::Serialize)]
struct Document<'a> {
    pack: PackStamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    respondent: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    language: Option<&'a str>,
    answers: InOrder<&'a str, Value>,
}

/// Each answer given, by question id in the pack's order, as an answers file holds it.
pub fn answer_values<'a>(ruleset: &'a RuleSet, answers: &Answers) -> Vec<(&'a str, Value)> {
    ruleset
        .questions
        .iter()
        .zip(&answers.values)
        .filter_map(|(q, a)| a.as_ref().map(|a| (q.id.as_str(), to_value(q, a))))
        .collect()
}

/// The answers as an answers file, stamped with the pack they were given against.
pub fn document(ruleset: &RuleSet, answers: &Answers) -> String {
    let doc = Document {
        pack: PackStamp::of(ruleset),
        respondent: answers.respondent.as_deref(),
        language: answers.language.as_deref(),
        answers: InOrder(answer_values(ruleset, answers)),
    };
    // Serializing plain strings, numbers and lists cannot fail; if it ever did, the message
    // would land in the file's comment rather than lose the answers silently.
    let body = yaml::to_string(&doc).unwrap_or_else(|e| format!("# could not write answers: {e}\n"));
    format!("{HEADER}{body}")
}
