//! `crossroads screen`: every row of a survey export assessed, streaming. A bad row is reported
//! and set aside, losing nothing else; one that carries an urgent answer is never only a bad
//! row. Good rows go to the coach (one line each) or to HR (counts only).

pub mod array;
pub mod cells;
pub mod coach;
pub mod columns;
pub mod decode;
pub mod emit;
pub mod fhir;
pub mod hr;
pub mod layout;
pub mod mapping;
mod open;
mod pipeline;
pub mod read;
pub mod records;
pub mod rejects;
pub mod sink;
mod stderr;
pub mod workbook;

use std::io::{self, Write};
use std::path::PathBuf;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use self::emit::Unmatched;
use self::layout::Preset;
use self::mapping::Explicit;
use self::open::{extension, first_byte, open_csv, open_input, sniff_kind};
use self::read::{Converted, Converter, Outcome, Row, Rows, Shape, Unit};
use crate::engine::evaluate::{Assessment, evaluate, evaluate_into};
use crate::engine::model::RuleSet;
use crate::run::{EXIT_INVALID, EXIT_OK, EXIT_USAGE, Input, Io, prepare};
use crate::util::diag::{Diagnostic, Sources};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Jsonl,
    Markdown,
    /// HR's counts as a printable page with bars; the coach's view has no HTML form.
    Html,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Each respondent's result, urgent ones first.
    Coach,
    /// Counts only, for an organisation.
    Hr,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    Csv,
    Jsonl,
}

pub struct ScreenConfig {
    pub input: Input,
    pub kind: Option<InputKind>,
    pub rules: crate::run::PackChoice,
    pub preset: Option<Preset>,
    pub encoding: Option<String>,
    /// A workbook's sheet to read, by name.
    pub sheet: Option<String>,
    pub key: Option<String>,
    pub mapping: Option<PathBuf>,
    pub emit_mapping: Option<PathBuf>,
    pub format: Format,
    pub out: Option<PathBuf>,
    pub force: bool,
    pub rejects: Option<PathBuf>,
    pub audience: Audience,
    pub group_by: Option<String>,
    /// With `group_by` a column: its groups' names, as HR gave them.
    pub groups: Vec<String>,
    pub epsilon: Option<f64>,
    /// The most ε a ledger lets be spent on any one person, in all.
    pub budget: Option<f64>,
    pub ledger: Option<PathBuf>,
    pub min_group: usize,
    pub lang: Option<String>,
    /// Threads that assess rows; `None` for every core.
    pub jobs: Option<usize>,
}

/// Smaller groups could let a reader recognise someone.
pub const MIN_GROUP: usize = 5;
pub use self::hr::ledger::{BUDGET_CEILING, BUDGET_DEFAULT, BUDGET_FLOOR};
pub use self::hr::privacy::{EPSILON_DEFAULT, EPSILON_LEVELS};
/// Rejected rows shown in full on standard error; the rest are counted (and all go to
/// --rejects). Urgent ones are always shown to a coach.
const SHOWN_REJECTS: u64 = 20;

pub fn screen(config: &ScreenConfig, io: &mut Io) -> i32 {
    let mut sources = Sources::default();
    let ruleset = match prepare(&config.rules, config.lang.as_deref(), &mut sources, io) {
        Ok(r) => r,
        Err(code) => return code,
    };
    if let Some(message) = usage_problem(config) {
        let _ = writeln!(io.stderr, "error: {message}");
        return EXIT_USAGE;
    }
    match run(config, &ruleset, &mut sources, io) {
        Ok(code) => code,
        Err(Failure::Diagnostics(diagnostics)) => {
            let _ = sources.render(&diagnostics, io.stderr, io.stderr_color);
            if config.out.is_some() || config.rejects.is_some() {
                let _ = writeln!(io.stderr, "no row was read, and no output file was written");
            }
            EXIT_INVALID
        }
        Err(Failure::Usage(message)) => {
            let _ = writeln!(io.stderr, "error: {message}");
            EXIT_USAGE
        }
        Err(Failure::Message(message)) => {
            let _ = writeln!(io.stderr, "error: {message}");
            if config.out.is_some() || config.rejects.is_some() {
                let _ = writeln!(io.stderr, "no output file was written");
            }
            EXIT_INVALID
        }
    }
}

fn usage_problem(config: &ScreenConfig) -> Option<String> {
    if config.min_group < MIN_GROUP {
        return Some(format!(
            "--min-group must be at least {MIN_GROUP}: smaller groups could let a reader recognise someone"
        ));
    }
    if config.audience != Audience::Hr && config.format == Format::Html {
        return Some(
            "--format html goes with --audience hr (a printable page of counts); the coach's view is csv, jsonl or markdown".into(),
        );
    }
    if config.audience != Audience::Hr {
        let hr_only = [
            ("--group-by", config.group_by.is_some()),
            ("--groups", !config.groups.is_empty()),
            ("--epsilon", config.epsilon.is_some()),
            ("--budget", config.budget.is_some()),
            ("--ledger", config.ledger.is_some()),
        ];
        if let Some((flag, _)) = hr_only.iter().find(|(_, given)| *given) {
            return Some(format!("{flag} goes with --audience hr"));
        }
    }
    if let Some(Err(e)) = config.epsilon.map(hr::privacy::level) {
        return Some(e);
    }
    if let Some(b) = config.budget
        && !(BUDGET_FLOOR..=BUDGET_CEILING).contains(&b)
    {
        return Some(format!(
            "--budget {b}: the most ε spent on any one person by every report together is from {BUDGET_FLOOR} to {BUDGET_CEILING}; a new ledger takes {BUDGET_DEFAULT}"
        ));
    }
    if config.audience == Audience::Hr && config.ledger.is_none() {
        return Some(
            "--audience hr needs --ledger FILE: the file that keeps each release, so that the same responses always give the same counts \
             and the noise cannot be averaged away by running again; it is created on first use (keep it owner-only, apart from the reports)"
                .into(),
        );
    }
    if let Some(label) = &config.encoding
        && decode::by_label(label).is_none()
    {
        return Some(format!(
            "--encoding {label}: not an encoding this tool knows; use a name from the Encoding Standard: utf-8, utf-16le, utf-16be, windows-1252 (latin1), windows-1250, windows-1251, iso-8859-7, shift_jis, gbk, ..."
        ));
    }
    let outputs = [
        ("--out", &config.out),
        ("--rejects", &config.rejects),
        ("--emit-mapping", &config.emit_mapping),
        ("--ledger", &config.ledger),
    ];
    for (flag, path) in outputs {
        let Some(p) = path else { continue };
        if let Input::File(input) = &config.input
            && sink::same_file(p, input)
        {
            return Some(format!("{flag} names the responses file itself; name another file"));
        }
        if matches!(flag, "--out" | "--rejects") && p.exists() && !config.force {
            return Some(format!("{} exists; {flag} replaces a file only with --force", p.display()));
        }
    }
    for (i, (a, pa)) in outputs.iter().enumerate() {
        for (b, pb) in &outputs[i + 1..] {
            if let (Some(x), Some(y)) = (pa, pb)
                && sink::same_file(x, y)
            {
                return Some(format!("{a} and {b} name the same file; each needs its own"));
            }
        }
    }
    None
}

enum Failure {
    Diagnostics(Vec<Diagnostic>),
    Message(String),
    /// Settings that cannot go together, found once the file's columns are known.
    Usage(String),
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Failure::Message(e.to_string())
    }
}

/// Counts for the closing line.
#[derive(Default)]
struct Tally {
    assessed: u64,
    rejected: u64,
    unfinished: u64,
    urgent_rejected: u64,
    /// Assessed rows listed with the urgent ones (the coach's view only).
    urgent_assessed: u64,
}

fn run(config: &ScreenConfig, ruleset: &RuleSet, sources: &mut Sources, io: &mut Io) -> Result<i32, Failure> {
    sink::on_signal_clean_up();
    let (name, size, input) = open_input(&config.input)?;
    let explicit = match &config.mapping {
        Some(path) => Some(Explicit::read(path, sources).map_err(Failure::Diagnostics)?),
        None => None,
    };
    // A workbook, or a file that holds no responses, is known by its first bytes.
    let (head, input) = workbook::peek(input)?;
    match workbook::what(&head) {
        workbook::What::Text => {}
        workbook::What::Other(what) => {
            return Err(Failure::Message(format!(
                "{name} is {what}, not a survey export: {}",
                workbook::ACCEPTED
            )));
        }
        workbook::What::Container => {
            let opened = workbook::open(input, &name, config.sheet.as_deref()).map_err(Failure::Message)?;
            io.note(&opened.note)?;
            let records = Box::new(opened.rows);
            return screen_table(config, ruleset, explicit.as_ref(), records, (&name, None), io);
        }
    }
    if config.sheet.is_some() {
        return Err(Failure::Usage(format!("--sheet names a sheet of a workbook; {name} is not one")));
    }
    let named = config.encoding.as_deref().and_then(decode::by_label);
    let known = match (config.kind, &config.input) {
        (Some(kind), _) => Some(kind),
        (None, Input::File(p)) if matches!(extension(p).as_deref(), Some("jsonl" | "ndjson" | "json")) => {
            Some(InputKind::Jsonl)
        }
        (None, Input::File(p)) if matches!(extension(p).as_deref(), Some("csv" | "tsv" | "txt")) => {
            Some(InputKind::Csv)
        }
        _ => None,
    };
    let (mut reader, used) = decode::open(input, named, known != Some(InputKind::Jsonl))?;
    if let Some(note) = used.note() {
        io.note(note)?;
    }
    let kind = match known {
        Some(kind) => kind,
        None => sniff_kind(&mut reader)?,
    };
    // A JSON array of answer objects: each element a row, streamed, never a line of it alone.
    if kind == InputKind::Jsonl && first_byte(&mut reader)? == Some(b'[') {
        io.note(format_args!(
            "{name} is a JSON array: each answer object in it is a row, numbered by its place in the array"
        ))?;
        reader = Box::new(io::BufReader::new(array::ArrayLines::new(reader)));
    }
    // FHIR QuestionnaireResponses: each one's answers become a row of JSON answers.
    if kind == InputKind::Jsonl && fhir::is_fhir(reader.fill_buf()?) {
        io.note(format_args!(
            "{name} holds FHIR QuestionnaireResponses: each is a row, its items' linkIds read as question ids"
        ))?;
        reader = Box::new(io::BufReader::new(fhir::ResponseLines::new(ruleset, reader)));
    }
    let (rows, shape, grouping) = match kind {
        InputKind::Jsonl => {
            if config.emit_mapping.is_some() {
                io.note("--emit-mapping is for CSV exports; JSON Lines keys are question ids")?;
            }
            // A question id groups as that question (if the pack allows it); any other key as
            // a column, unless it names the respondent.
            let question = config.group_by.as_deref().and_then(|g| ruleset.question(g));
            if let Some(g) = &config.group_by {
                let role = question.map_or(columns::Role::Ignored, columns::Role::Question);
                // JSON Lines have no survey tool's columns: only the respondent's key identifies.
                let identifies = columns::identifies(Preset::Plain, g, config.key.as_deref());
                columns::grouping_role(ruleset, g, role, identifies)
                    .map_err(|d| Failure::Diagnostics(vec![*d]))?;
            }
            let grouping = hr::release::grouping(config, ruleset, question).map_err(Failure::Usage)?;
            let group_column = if question.is_some() { None } else { config.group_by.clone() };
            let shape = read::JsonShape::new(ruleset, group_column, config.key.clone());
            (Rows::Json(read::JsonRows::new(reader)), Shape::Json(shape), grouping)
        }
        InputKind::Csv => {
            let records = Box::new(records::Records::new(reader));
            return screen_table(config, ruleset, explicit.as_ref(), records, (&name, size), io);
        }
    };
    finish_run(config, ruleset, io, Opened { name: &name, size, grouping }, (rows, shape), None)
}

/// Screens a table of rows (a CSV export or a workbook's sheet): header rows read and mapped,
/// then every row.
fn screen_table<'r>(
    config: &ScreenConfig,
    ruleset: &'r RuleSet,
    explicit: Option<&Explicit>,
    records: Box<dyn records::RecordSource + 'r>,
    (name, size): (&str, Option<u64>),
    io: &mut Io,
) -> Result<i32, Failure> {
    let csv = open_csv(config, ruleset, explicit, records, name)?;
    for note in &csv.notes {
        io.note(note)?;
    }
    if !csv.errors.is_empty() {
        if let Some(path) = &config.emit_mapping {
            let text = emit::emit(
                ruleset,
                name,
                &csv.mapping,
                &Unmatched::default(),
                config.audience == Audience::Coach,
            );
            sink::write_whole(path, true, |w| w.write_all(text.as_bytes()))?;
            io.note(format_args!(
                "the mapping found so far is in {}: fill it in and pass it with --mapping",
                path.display()
            ))?;
        }
        return Err(Failure::Diagnostics(csv.errors));
    }
    let grouping = hr::release::grouping(config, ruleset, csv.group_question).map_err(Failure::Usage)?;
    let header = Some((csv.header_raw, csv.delimiter));
    let rows = Rows::Csv(read::CsvRows::new(csv.records, csv.held));
    let shape = Shape::Csv(read::CsvShape::new(ruleset, csv.mapping));
    finish_run(config, ruleset, io, Opened { name, size, grouping }, (rows, shape), header)
}

/// What is known of the input once its rows can be read.
struct Opened<'a> {
    name: &'a str,
    size: Option<u64>,
    grouping: hr::Grouping,
}

fn finish_run(
    config: &ScreenConfig,
    ruleset: &RuleSet,
    io: &mut Io,
    input: Opened,
    (mut rows, shape): (Rows, Shape),
    csv_header: Option<(Vec<Vec<u8>>, u8)>,
) -> Result<i32, Failure> {
    let (name, size) = (input.name, input.size);
    let progress = ProgressBar::with_draw_target(size, ProgressDrawTarget::stderr());
    progress.set_style(
        ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut rejects = match &config.rejects {
        Some(_) => Some(rejects::Rejects::new(config.audience == Audience::Hr, csv_header)?),
        None => None,
    };
    let lang = config.lang.as_deref();
    let mut coach = match config.audience {
        Audience::Coach => Some(coach::Coach::new(ruleset, config.format, lang)?),
        Audience::Hr => None,
    };
    let coach_format = coach.is_some().then_some(config.format);
    let mut hr = hr::Hr::new(ruleset, input.grouping.clone());
    let mut tally = Tally::default();
    let mut shown = 0u64;
    let mut unmatched = Unmatched::default();
    let mut read = 0u64;

    pipeline::ordered(
        config.jobs.unwrap_or_else(crate::util::parallel::cores),
        || {
            read += 1;
            if read.is_multiple_of(4096) {
                progress.set_position(rows.bytes_read());
            }
            Ok(rows.next_unit()?.map(|unit| {
                let size = unit.size();
                (unit, size)
            }))
        },
        || {
            let mut converter = shape.converter();
            let mut lines = coach_format.map(|format| coach::Lines::new(ruleset, format, lang));
            let mut scratch = Assessment::default();
            move |unit| assess(ruleset, &mut converter, lines.as_mut(), &mut scratch, unit)
        },
        |worked: Assessed| {
            for (column, text) in &worked.unmatched {
                unmatched.add(*column, text);
            }
            match worked.outcome {
                Worked::Written(written) => {
                    let (Some(c), written) = (coach.as_mut(), written?) else {
                        unreachable!("a row is written only for the coach")
                    };
                    tally.urgent_assessed += u64::from(written.urgent);
                    c.add(written)?;
                    tally.assessed += 1;
                }
                Worked::Row(row, assessment) => match &row.outcome {
                    Outcome::Assessable(answers) => {
                        let Some(a) = &assessment else {
                            unreachable!("an assessed row is written for the coach or counted for HR")
                        };
                        hr.add(row.group.as_deref(), answers, a);
                        tally.assessed += 1;
                    }
                    Outcome::Rejected(rejected) => {
                        if rejected.partial {
                            tally.unfinished += 1;
                        } else {
                            tally.rejected += 1;
                        }
                        let urgent = rejected.urgency.is_urgent();
                        if urgent {
                            tally.urgent_rejected += 1;
                        }
                        let coach_sees = coach.is_some();
                        if (urgent && coach_sees) || shown < SHOWN_REJECTS {
                            shown += u64::from(!(urgent && coach_sees));
                            progress.suspend(|| {
                                stderr::report_reject(io.stderr, ruleset, name, &row, rejected, coach_sees)
                            })?;
                        }
                        if let Some(c) = coach.as_mut()
                            && urgent
                        {
                            c.add_urgent_rejected(&row.key, row.line, rejected)?;
                        }
                        if let Some(r) = rejects.as_mut() {
                            r.add(ruleset, row.line, rejected)?;
                        }
                    }
                },
            }
            Ok(())
        },
    )?;
    progress.finish_and_clear();

    // The release is recorded in the ledger before anything is written, so that a report
    // that reached anyone can always be given again, the same.
    let table = match coach.is_none() {
        true => Some(hr::release::release(&hr, config, io.stderr).map_err(|refusal| match refusal {
            hr::ledger::Refusal::Budget(message) => Failure::Usage(message),
            hr::ledger::Refusal::Other(message) => Failure::Message(message),
        })?),
        false => None,
    };
    let render = |out: &mut dyn Write| -> io::Result<()> {
        match (coach, &table) {
            (Some(c), _) => c.finish(out),
            (None, Some(table)) => {
                let lang = config.lang.as_deref();
                hr::report::HrReport::new(&hr, table, config.min_group, lang).write(config.format, out)
            }
            (None, None) => Err(io::Error::other("an HR report needs its release")),
        }
    };
    match &config.out {
        Some(path) => sink::write_whole(path, config.force, render)?,
        None => {
            let mut out = io::BufWriter::new(&mut *io.stdout);
            match render(&mut out).and_then(|()| out.flush()) {
                Ok(()) => {}
                // A reader that stopped early (`| head`) has what it wanted.
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
    if let (Some(r), Some(path)) = (rejects, &config.rejects) {
        sink::write_whole(path, config.force, |w| r.finish(w))?;
    }
    if let (Some(path), Shape::Csv(csv)) = (&config.emit_mapping, &shape) {
        let text = emit::emit(ruleset, name, csv.mapping(), &unmatched, config.audience == Audience::Coach);
        sink::write_whole(path, true, |w| w.write_all(text.as_bytes()))?;
    }
    stderr::summarise(io.stderr, config, name, &tally, shown, &rows)?;
    Ok(if tally.rejected > 0 { EXIT_INVALID } else { EXIT_OK })
}

/// A row converted and assessed on a worker thread, with the cell texts that matched no option.
struct Assessed {
    outcome: Worked,
    unmatched: Vec<(usize, String)>,
}

/// What a worker thread hands back for a row. Each is moved once, into its batch: the size of
/// the larger variant costs nothing worth a box (an allocation a row).
#[allow(clippy::large_enum_variant)]
enum Worked {
    /// The coach's line. The row's answers, its key and the rest are freed on the thread
    /// that made them: freed on the thread that takes the lines (the one that also reads),
    /// they cost a seventh more CPU time on two cores.
    Written(io::Result<coach::Written>),
    /// A row rejected, or one assessed for HR's counts (with its assessment).
    Row(Row, Option<Assessment>),
}

fn assess(
    ruleset: &RuleSet,
    converter: &mut Converter,
    lines: Option<&mut coach::Lines>,
    scratch: &mut Assessment,
    unit: Unit,
) -> Assessed {
    let Converted { row, unmatched } = converter.convert(unit);
    let outcome = match (&row.outcome, lines) {
        // The coach's line is all that leaves this thread: one assessment serves every row.
        (Outcome::Assessable(answers), Some(lines)) => {
            evaluate_into(ruleset, answers, scratch);
            Worked::Written(lines.assessed(&row.key, row.line, answers, scratch, &row.earlier_urgent))
        }
        (Outcome::Assessable(answers), None) => {
            let assessment = evaluate(ruleset, answers);
            Worked::Row(row, Some(assessment))
        }
        (Outcome::Rejected(_), _) => Worked::Row(row, None),
    };
    Assessed { outcome, unmatched }
}
