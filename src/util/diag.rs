//! Diagnostics: the stable codes, the source files they point into, and their rendering.

use std::io::{self, Write};
use std::ops::Range;

use codespan_reporting::diagnostic::{Diagnostic as Report, Label, Severity as ReportSeverity};
use codespan_reporting::files::{self, Files, SimpleFiles};
use codespan_reporting::term::{self, Config, termcolor::Ansi};

macro_rules! codes {
    ($($variant:ident => $code:literal, $description:literal;)*) => {
        /// Every problem crossroads reports has one of these codes. They are stable:
        /// scripts and editors may match on them.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code { $($variant),* }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code),* }
            }

            pub fn description(self) -> &'static str {
                match self { $(Code::$variant => $description),* }
            }
        }
    };
}

codes! {
    Io => "io", "a file or folder could not be read";
    InvalidYaml => "invalid-yaml", "the file is not valid YAML, or a value has the wrong type";
    UnknownField => "unknown-field", "a field that this place does not allow (often a misspelling)";
    MissingField => "missing-field", "a field that this place requires is absent";
    DuplicateKey => "duplicate-key", "the same key appears twice in one mapping";
    UnknownValue => "unknown-value", "a value outside the closed set this field allows";
    NoPackMetadata => "no-pack-metadata", "no file of the pack has a `pack:` section";
    DuplicatePackMetadata => "duplicate-pack-metadata", "more than one file has a `pack:` section";
    EmptyPack => "empty-pack", "the pack has no questions or no modalities";
    DuplicateId => "duplicate-id", "two things of the pack share an id";
    ReservedId => "reserved-id", "an id that the condition syntax reserves (`all`, `any`, `not`)";
    BadId => "bad-id", "an id that is not lower-case letters, digits, `_` and `-`";
    UnknownLanguage => "unknown-language", "a text in a language the pack does not declare";
    MissingTranslation => "missing-translation", "a text without the pack's default language";
    EmptyText => "empty-text", "a text, message or `because` that is empty";
    BadScale => "bad-scale", "a scale or number question whose bounds are missing or inverted, or a scale of more than 101 points";
    LabelOutOfRange => "label-out-of-range", "a scale label for a point outside the scale";
    BadOptions => "bad-options", "a choice question with no options, repeated options, or options where none belong";
    MisplacedField => "misplaced-field", "a field that the question's kind does not use";
    UnknownQuestion => "unknown-question", "a condition or score names a question or score the pack does not have";
    UnknownOption => "unknown-option", "a condition names an option its question does not offer";
    UnknownModality => "unknown-modality", "a rule, flag or test names a modality the pack does not have";
    UnknownReference => "unknown-reference", "a support resource, guide or flag that the pack does not have";
    TestKindMismatch => "test-kind-mismatch", "a condition test that does not fit the question's kind";
    BadCondition => "bad-condition", "a condition that is empty, or has several keys where one belongs";
    BadRegex => "bad-regex", "a `matches` pattern that does not compile";
    ShowIfForward => "show-if-forward", "a `show_if` that depends on a later question, or on a score";
    ShowIfCycle => "show-if-cycle", "a `show_if` that depends on its own question";
    BadScore => "bad-score", "a score part that cannot be scored (free text, options without scores, yes/no without points)";
    BadBands => "bad-bands", "score bands that leave gaps, overlap, or leave 0 to 100";
    UrgentWithoutSupport => "urgent-without-support", "an urgent flag that names no support resource";
    BadWeight => "bad-weight", "a weight, bound, point or score that is not a finite number within ±1,000,000,000";
    ValueOutOfRange => "value-out-of-range", "a condition compares with a value its question or score can never take";
    BadRespondent => "bad-respondent", "a respondent question (`respondent: name | email | code`) that is not free text, or that a rule, score, flag, show_if or matching criterion reads";
    BadGrouping => "bad-grouping", "`aggregates.grouping` names a question that is not a single choice, or one that an urgent or confidential flag, or a rule for a confidential modality, reads";
    BadCompare => "bad-compare", "`pack.compare` that leaves out or repeats a modality, names a label that is not free text, or a count that does not count";
    BadCriterion => "bad-criterion", "a `matching` criterion that reads neither `answer` nor `has`, weighs a coach's gender or age the person did not ask about, or has neither `must` nor `weight`";
    BadArguesFor => "bad-argues-for", "a rule's `argues_for` names a modality its weights do not add to";
    BadGrid => "bad-grid", "a grid question without rows or columns, with too many, with a repeated column, or with a `gap` that does not name two share columns";
    TooManyOptions => "too-many-options", "a choice question with more than 64 options";
    UnusedQuestion => "unused-question", "lint: a question that no rule, score, flag or show_if reads";
    NeverFires => "never-fires", "lint: a rule or flag whose conditions contradict each other, so it can never apply";
    UnreachableModality => "unreachable-modality", "lint: a modality that no answers found make the primary recommendation";
    MissingSource => "missing-source", "lint: a rule or flag that cites no source";
    UnknownSource => "unknown-source", "lint: a rule or flag that cites a work the pack's `sources` does not name";
    ReasonForSeveral => "reason-for-several", "lint: a rule that adds to several modalities with one `because` and no `argues_for` saying which it was written for";
    AnswerUnknownQuestion => "answer-unknown-question", "an answer to a question the pack does not have";
    AnswerWrongType => "answer-wrong-type", "an answer of the wrong type for its question";
    AnswerOutOfRange => "answer-out-of-range", "a number outside its question's bounds";
    AnswerUnknownOption => "answer-unknown-option", "a choice that the question does not offer";
    AnswerMissingRequired => "answer-missing-required", "a required question, shown by the other answers, left unanswered";
    AnswerTooManyProblems => "answer-too-many-problems", "answers with more problems than are listed: the first ones are, and the rest counted";
    NoColumn => "no-column", "screen: a required question of the pack has no column in the export";
    DuplicateColumn => "duplicate-column", "screen: more than one column of the export answers one question";
    UnknownColumn => "unknown-column", "screen: --group-by or --key names a column the export does not have";
    MappingUnknownQuestion => "mapping-unknown-question", "screen: a mapping file sends a column to a question the pack does not have";
    UngroupableColumn => "ungroupable-column", "screen: --group-by names an answer the pack does not mark for grouping, or a column that identifies a person";
    MappingBadValue => "mapping-bad-value", "screen: a mapping file entry of the wrong shape, or a cell mapped to an answer its question does not take";
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

pub type FileId = usize;

/// One problem, pointing into one of the [`Sources`].
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    /// Where, with what to say under the underline; `None` for problems with no place.
    pub at: Option<(FileId, Range<usize>, String)>,
    pub notes: Vec<String>,
}

impl Diagnostic {
    pub fn error(code: Code, message: impl Into<String>) -> Self {
        Diagnostic { code, severity: Severity::Error, message: message.into(), at: None, notes: Vec::new() }
    }

    pub fn warning(code: Code, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(code, message) }
    }

    pub fn at(mut self, file: FileId, range: Range<usize>, label: impl Into<String>) -> Self {
        self.at = Some((file, range, label.into()));
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// The files that diagnostics point into, by name as the user should see it.
#[derive(Default)]
pub struct Sources {
    files: SimpleFiles<String, String>,
}

impl Sources {
    pub fn add(&mut self, name: impl Into<String>, source: impl Into<String>) -> FileId {
        self.files.add(name.into(), source.into())
    }

    pub fn source(&self, file: FileId) -> &str {
        self.files.get(file).map(|f| f.source().as_str()).unwrap_or("")
    }

    /// 1-based line and column of a byte offset.
    pub fn line_col(&self, file: FileId, offset: usize) -> (usize, usize) {
        use codespan_reporting::files::Files;
        self.files.location(file, offset).map_or((0, 0), |l| (l.line_number, l.column_number))
    }

    pub fn name(&self, file: FileId) -> &str {
        self.files.get(file).map(|f| f.name().as_str()).unwrap_or("")
    }

    /// Writes every diagnostic, then a count. Colour only when asked: callers decide
    /// from the terminal and `NO_COLOR`. A source line longer than [`MAX_SHOWN_LINE`] is
    /// shown cut around the problem, so that a one-line file of a megabyte is not repeated
    /// under each of its errors.
    pub fn render(&self, diagnostics: &[Diagnostic], out: &mut dyn Write, color: bool) -> io::Result<()> {
        let mut out = io::BufWriter::new(out);
        for diagnostic in diagnostics {
            let excerpt = diagnostic.at.as_ref().and_then(|(file, range, _)| self.excerpt(*file, range));
            match &excerpt {
                Some((excerpt, range)) => {
                    emit(&mut out, color, excerpt, &to_report(diagnostic, ((), range.clone())))
                }
                None => {
                    let at = diagnostic.at.as_ref().map(|(file, range, _)| (*file, range.clone()));
                    emit(&mut out, color, &self.files, &to_report(diagnostic, at.unwrap_or_default()))
                }
            }?;
        }
        let errors = diagnostics.iter().filter(|d| d.is_error()).count();
        let warnings = diagnostics.len() - errors;
        if errors + warnings > 0 {
            writeln!(out, "{}", summary(errors, warnings))?;
        }
        out.flush()
    }

    /// The part of a long line around `range`, and `range` within it; `None` for a short line.
    fn excerpt(&self, file: FileId, range: &Range<usize>) -> Option<(Excerpt, Range<usize>)> {
        let source = self.source(file);
        let start = range.start.min(source.len());
        let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = source[start..].find('\n').map_or(source.len(), |i| start + i);
        if line_end - line_start <= MAX_SHOWN_LINE {
            return None;
        }
        let floor = |mut i: usize| {
            while !source.is_char_boundary(i) {
                i -= 1;
            }
            i
        };
        let from = floor(start.saturating_sub(MAX_SHOWN_LINE / 3).max(line_start));
        let end = range.end.clamp(start, line_end).min(start + MAX_SHOWN_LINE / 3);
        let to = floor((end + MAX_SHOWN_LINE / 3).min(line_end));
        let lead = if from > line_start { "…" } else { "" };
        let text = format!("{lead}{}{}", &source[from..to], if to < line_end { "…" } else { "" });
        let (line, column) = self.line_col(file, from);
        let shift = |i: usize| i - from + lead.len();
        let excerpt = Excerpt { name: self.name(file).to_string(), text, line, column, lead: lead.len() };
        Some((excerpt, shift(start)..shift(floor(end.max(start)))))
    }
}

/// Lines longer than this many bytes are shown cut around the problem.
pub const MAX_SHOWN_LINE: usize = 240;

fn to_report<F: Copy>(diagnostic: &Diagnostic, (file, range): (F, Range<usize>)) -> Report<F> {
    let report = match diagnostic.severity {
        Severity::Error => Report::new(ReportSeverity::Error),
        Severity::Warning => Report::new(ReportSeverity::Warning),
    };
    let mut report = report
        .with_code(diagnostic.code.as_str())
        .with_message(shorten_quoted(&diagnostic.message))
        .with_notes(diagnostic.notes.iter().map(|n| shorten_quoted(n)).collect());
    if let Some((_, _, label)) = &diagnostic.at {
        report = report.with_labels(vec![Label::primary(file, range).with_message(shorten_quoted(label))]);
    }
    report
}

/// Quoted names (`` `like this` ``) cut to [`MAX_QUOTED`] characters: a name comes from the
/// input, and a 100,000-character typo is not worth repeating in full.
fn shorten_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(4096));
    for (i, part) in text.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        match part.char_indices().nth(MAX_QUOTED) {
            Some((cut, _)) if i % 2 == 1 => {
                out.push_str(&part[..cut]);
                out.push('…');
            }
            _ => out.push_str(part),
        }
    }
    out
}

/// The longest quoted name a diagnostic shows whole.
const MAX_QUOTED: usize = 80;

fn emit<'f, F: Files<'f>>(
    out: &mut dyn Write,
    color: bool,
    files: &'f F,
    report: &Report<F::FileId>,
) -> io::Result<()> {
    let config = Config::default();
    let result = if color {
        term::emit_to_write_style(&mut Ansi::new(&mut *out), &config, files, report)
    } else {
        term::emit_to_io_write(&mut *out, &config, files, report)
    };
    result.map_err(io::Error::other)
}

/// One cut line of a source, shown with its real file name, line and column.
struct Excerpt {
    name: String,
    text: String,
    line: usize,
    /// The real column where `text` starts, after the `lead` ("…") of `lead` bytes.
    column: usize,
    lead: usize,
}

impl<'a> Files<'a> for Excerpt {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, (): ()) -> Result<&'a str, files::Error> {
        Ok(&self.name)
    }

    fn source(&'a self, (): ()) -> Result<&'a str, files::Error> {
        Ok(&self.text)
    }

    fn line_index(&'a self, (): (), _: usize) -> Result<usize, files::Error> {
        Ok(0)
    }

    fn line_number(&'a self, (): (), _: usize) -> Result<usize, files::Error> {
        Ok(self.line)
    }

    fn column_number(&'a self, (): (), _: usize, byte_index: usize) -> Result<usize, files::Error> {
        let cut = self.text.get(self.lead..byte_index.max(self.lead)).unwrap_or("");
        Ok(self.column + cut.chars().count())
    }

    fn line_range(&'a self, (): (), _: usize) -> Result<Range<usize>, files::Error> {
        Ok(0..self.text.len())
    }
}

fn summary(errors: usize, warnings: usize) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    match (errors, warnings) {
        (0, w) => plural(w, "warning"),
        (e, 0) => plural(e, "error"),
        (e, w) => format!("{}, {}", plural(e, "error"), plural(w, "warning")),
    }
}

/// Names longer than this are never compared for "did you mean".
const MAX_NEAR_LEN: usize = 128;
/// How many allowed names a diagnostic lists when none is near.
const LISTED: usize = 12;

/// The nearest of `candidates` to a misspelt `name`, if one is near enough to be a typo.
pub fn nearest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    // Edit distance costs the product of the lengths; no id is this long, so nothing is near.
    if name.len() > MAX_NEAR_LEN {
        return None;
    }
    candidates
        .into_iter()
        .filter(|c| c.len() <= MAX_NEAR_LEN)
        .map(|c| (strsim::normalized_damerau_levenshtein(name, c), c))
        .filter(|(score, _)| *score >= 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// "did you mean `x`?", or a list of what is allowed when nothing is close.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str> + Clone) -> String {
    match nearest(name, candidates.clone()) {
        Some(close) => format!("did you mean `{close}`?"),
        None => {
            let count = candidates.clone().into_iter().count();
            let all: Vec<_> = candidates.into_iter().take(LISTED).map(|c| format!("`{c}`")).collect();
            match count {
                0 => "there are none".to_string(),
                n if n > LISTED => format!("expected one of {}, or {} more", all.join(", "), n - LISTED),
                _ => format!("expected one of {}", all.join(", ")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_kebab_case() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            let s = code.as_str();
            assert!(seen.insert(s), "code {s} twice");
            assert!(s.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{s}");
            assert!(!code.description().is_empty());
        }
    }

    #[test]
    fn suggests_near_names_only() {
        assert_eq!(nearest("favorite_colur", ["favourite_colour", "budget"]), Some("favourite_colour"));
        assert_eq!(nearest("zzz", ["favourite_colour", "budget"]), None);
        assert_eq!(did_you_mean("zzz", ["a", "b"]), "expected one of `a`, `b`");
        let long = "favourite_colour".repeat(10_000);
        assert_eq!(nearest(&long, ["favourite_colour"]), None);
        assert_eq!(shorten_quoted(&format!("`{long}` is not `b`")), format!("`{}…` is not `b`", &long[..80]));
        let many: Vec<String> = (0..20).map(|i| format!("id{i}")).collect();
        let help = did_you_mean("zzz", many.iter().map(String::as_str));
        assert!(help.ends_with("`id11`, or 8 more"), "{help}");
    }
}
