//! The authoring commands, given plain configuration and their streams: `rules check`,
//! `rules test` and `explain`.

use serde::Serialize;

use crate::engine::model::RuleSet;
use crate::pack;
use crate::run::{EXIT_INVALID, EXIT_OK, EXIT_USAGE, Io, PackChoice};
use crate::util::diag::{Diagnostic, Severity, Sources};

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'a str,
    severity: &'a str,
    message: &'a str,
    file: Option<&'a str>,
    line: Option<usize>,
    column: Option<usize>,
    label: Option<&'a str>,
    notes: &'a [String],
}

pub struct CheckConfig {
    pub dir: PackChoice,
    pub json: bool,
    pub deny_warnings: bool,
    pub witness: Option<String>,
}

/// Everything the loader checks, then the lints. Exit 1 with errors, or with warnings under
/// `--deny-warnings`.
pub fn check(config: &CheckConfig, io: &mut Io) -> i32 {
    let mut sources = Sources::default();
    let (diagnostics, ruleset) = checked(&config.dir, &mut sources);
    if config.json {
        let list: Vec<JsonDiagnostic> = diagnostics
            .iter()
            .map(|d| {
                let place = d.at.as_ref().map(|(file, range, label)| {
                    let (line, column) = sources.line_col(*file, range.start);
                    (sources.name(*file), line, column, label.as_str())
                });
                JsonDiagnostic {
                    code: d.code.as_str(),
                    severity: if d.is_error() { "error" } else { "warning" },
                    message: &d.message,
                    file: place.map(|p| p.0),
                    line: place.map(|p| p.1),
                    column: place.map(|p| p.2),
                    label: place.map(|p| p.3),
                    notes: &d.notes,
                }
            })
            .collect();
        let _ = serde_json::to_writer_pretty(&mut *io.stdout, &list).map(|()| writeln!(io.stdout));
    } else if diagnostics.is_empty() {
        let _ = writeln!(io.stdout, "no problems found");
    } else {
        let _ = sources.render(&diagnostics, io.stdout, io.stdout_color);
    }
    if let (Some(id), Some(r)) = (&config.witness, &ruleset) {
        let Some(m) = r.modality(id) else {
            let _ = writeln!(io.stderr, "error: `{id}` is not a modality of pack `{}`", r.meta.id);
            return EXIT_USAGE;
        };
        match super::check::witness(r, m) {
            Some(answers) => {
                let _ = writeln!(io.stdout, "\nAnswers that make `{id}` the primary recommendation:\n");
                let _ = write!(io.stdout, "{}", crate::engine::answers::document(r, &answers));
            }
            None => {
                let _ =
                    writeln!(io.stdout, "\nNo answers found that make `{id}` the primary recommendation.");
            }
        }
    }
    let errors = diagnostics.iter().any(Diagnostic::is_error);
    let warnings = diagnostics.iter().any(|d| d.severity == Severity::Warning);
    if errors || (warnings && config.deny_warnings) { EXIT_INVALID } else { EXIT_OK }
}

/// The loader's diagnostics, else the lints', and the pack when it loads.
///
/// The built-in pack was loaded and checked before the binary was built (its model, and the CBOR
/// of its YAML): the lints run on those, and the YAML, a few milliseconds of parsing, is read
/// only when a lint has found something to point at in it.
fn checked(choice: &PackChoice, sources: &mut Sources) -> (Vec<Diagnostic>, Option<RuleSet>) {
    if let PackChoice::Builtin(pack) = choice
        && let Some((ruleset, raw)) = pack::load::load_compiled_with_raw(pack)
        && super::check::lints(&ruleset, &raw).is_empty()
    {
        return (Vec::new(), Some(ruleset));
    }
    match choice.files().and_then(|files| pack::load::load_with_raw(files, sources)) {
        Ok((ruleset, raw)) => (super::check::lints(&ruleset, &raw), Some(ruleset)),
        Err(diagnostics) => (diagnostics, None),
    }
}

/// Runs a pack's own tests; exit 1 if any fails.
pub fn test(dir: &PackChoice, coverage: bool, json: bool, io: &mut Io) -> i32 {
    let mut sources = Sources::default();
    let ruleset = match crate::run::prepare(dir, None, &mut sources, io) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let results = super::packtest::run(&ruleset);
    let shown = if json {
        super::packtest::render_json(&ruleset, &results, coverage, io.stdout)
    } else {
        super::packtest::render(&ruleset, &results, coverage, io.stdout)
    };
    match crate::run::written(shown, "the test results", io) {
        EXIT_OK if results.iter().any(|r| !r.problems.is_empty()) => EXIT_INVALID,
        code => code,
    }
}

/// The whole trace of one answers file.
pub fn explain(answers: &crate::run::Input, rules: &PackChoice, json: bool, io: &mut Io) -> i32 {
    let mut sources = Sources::default();
    let ruleset = match crate::run::prepare(rules, None, &mut sources, io) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let answers = match crate::run::read_answers(answers, &ruleset, &mut sources, io) {
        Ok(a) => a,
        Err(code) => return code,
    };
    let trace = super::explain::trace(&ruleset, &answers);
    let shown = if json {
        super::explain::render_json(&trace, io.stdout)
    } else {
        super::explain::render(&trace, io.stdout)
    };
    crate::run::written(shown, "the trace", io)
}

/// Writes the built-in pack into `dir`, which must be new or empty: nothing that was there
/// is replaced. The files are the pack's own, comments and all.
pub fn init(dir: &std::path::Path, io: &mut Io) -> i32 {
    let refuse = |io: &mut Io, why: String| {
        let _ = writeln!(io.stderr, "error: cannot start a pack in `{}`: {why}", dir.display());
        EXIT_INVALID
    };
    match std::fs::read_dir(dir).map(|mut entries| entries.next().is_some()) {
        Ok(true) => return refuse(io, "it is not empty (choose a new folder)".into()),
        Ok(false) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if let Err(e) = std::fs::create_dir_all(dir) {
                return refuse(io, e.to_string());
            }
        }
        Err(e) => return refuse(io, e.to_string()),
    }
    for (name, text) in crate::pack::embedded::INTAKE {
        let written = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(dir.join(name))
            .and_then(|mut file| std::io::Write::write_all(&mut file, text.as_bytes()));
        if let Err(e) = written {
            return refuse(io, format!("{name}: {e}"));
        }
    }
    let _ = writeln!(
        io.stderr,
        "wrote the intake pack ({} files) to {}\nnext: edit it, then `crossroads rules check {}` and `crossroads rules test {}`;\nuse it with `--rules {}`",
        crate::pack::embedded::INTAKE.len(),
        dir.display(),
        dir.display(),
        dir.display(),
        dir.display()
    );
    EXIT_OK
}

/// The intake as a document to send or print.
/// What `questionnaire` writes: a document to send or print, or a form for a survey tool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuestionnaireFormat {
    Document(super::questionnaire::Format),
    /// A SurveyJS form definition (`surveyjs.rs`).
    SurveyJs,
    /// An HL7 FHIR R4 Questionnaire (`fhir.rs`).
    Fhir,
    /// A Google Apps Script that builds the form in Google Forms (`google.rs`).
    GoogleAppsScript,
}

pub fn questionnaire(
    rules: &PackChoice,
    lang: Option<&str>,
    format: QuestionnaireFormat,
    return_to: Option<&str>,
    io: &mut Io,
) -> i32 {
    let mut sources = Sources::default();
    let ruleset = match crate::run::prepare(rules, lang, &mut sources, io) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let always = match format {
        QuestionnaireFormat::SurveyJs => ("SurveyJS", super::surveyjs::form(&ruleset).1),
        QuestionnaireFormat::Fhir => ("FHIR", super::fhir::questionnaire(&ruleset).1),
        _ => ("", Vec::new()),
    };
    for id in always.1 {
        let _ = io.note(format_args!(
            "`{id}` always shows in {}: its show_if reads what the format cannot test; an answer the pack would hide is dropped when screened",
            always.0
        ));
    }
    let shown = match format {
        QuestionnaireFormat::Document(f) => {
            super::questionnaire::render(&ruleset, f, lang, return_to, io.stdout)
        }
        QuestionnaireFormat::SurveyJs => super::surveyjs::write(&ruleset, io.stdout),
        QuestionnaireFormat::Fhir => super::fhir::write(&ruleset, io.stdout),
        QuestionnaireFormat::GoogleAppsScript => super::google::write(&ruleset, lang, io.stdout),
    };
    crate::run::written(shown, "the questionnaire", io)
}

/// Prints the JSON Schema of pack files, or of answers files.
/// Which files `rules schema` describes.
pub enum SchemaOf {
    Pack,
    Answers,
    Roster,
}

pub fn schema(of: SchemaOf, io: &mut Io) -> i32 {
    let schema = match of {
        SchemaOf::Pack => super::schema::pack(),
        SchemaOf::Answers => super::schema::answers(),
        SchemaOf::Roster => super::schema::roster(),
    };
    // `io::Error::from` keeps the kind of a failed write, so a closed pipe stays quiet.
    let shown = serde_json::to_writer_pretty(&mut *io.stdout, &schema)
        .map_err(std::io::Error::from)
        .and_then(|()| writeln!(io.stdout));
    crate::run::written(shown, "the schema", io)
}
