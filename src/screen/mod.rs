//! `crossroads screen`: every row of a survey export assessed, streaming. Bad rows are reported
//! and set aside; good rows go to the coach (one line each) or to HR (counts only).

pub mod coach;
pub mod columns;
pub mod hr;
pub mod read;

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::{Deserialize, Serialize};

use self::columns::{ERROR_COLUMN, Explicit, Preset};
use self::read::{Problem, Raw, Row};
use crate::diag::{Diagnostic, Sources};
use crate::evaluate::evaluate;
use crate::model::RuleSet;
use crate::run::{EXIT_INTERRUPTED, EXIT_INVALID, EXIT_OK, EXIT_USAGE, Input, Io, prepare};
use crate::yaml::{self, Entries, InOrder, Spanned};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Jsonl,
    Markdown,
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
    pub rules: Option<PathBuf>,
    pub preset: Option<Preset>,
    pub mapping: Option<PathBuf>,
    pub emit_mapping: Option<PathBuf>,
    pub format: Format,
    pub out: Option<PathBuf>,
    pub force: bool,
    pub rejects: Option<PathBuf>,
    pub audience: Audience,
    pub group_by: Option<String>,
    pub min_group: usize,
    pub lang: Option<String>,
}

/// Smaller groups could let a reader recognise someone.
pub const MIN_GROUP: usize = 5;
/// Rejected rows shown in full on standard error; the rest are counted (and all go to --rejects).
const SHOWN_REJECTS: usize = 20;

/// An explicit mapping file, as `--emit-mapping` writes it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMapping {
    /// Informational: the layout the mapping was made from.
    #[serde(default)]
    #[allow(dead_code)]
    preset: Option<String>,
    #[serde(default)]
    respondent: Option<String>,
    columns: Entries<Spanned<String>, Option<String>>,
}

#[derive(Serialize)]
struct EmittedMapping<'a> {
    preset: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    respondent: Option<&'a str>,
    columns: InOrder<&'a str, Option<&'a str>>,
}

/// Where the output and the rejects go: written whole at the end, or not at all.
struct Sink {
    target: Option<PathBuf>,
    replace: bool,
    file: tempfile::NamedTempFile,
}

impl Sink {
    fn new(target: &Path, replace: bool) -> io::Result<Sink> {
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        Ok(Sink { target: Some(target.to_path_buf()), replace, file: tempfile::NamedTempFile::new_in(dir)? })
    }

    fn commit(self) -> io::Result<()> {
        let Some(target) = self.target else { return Ok(()) };
        self.file.as_file().sync_all()?;
        if self.replace {
            self.file.persist(target).map_err(|e| e.error)?;
        } else {
            self.file.persist_noclobber(target).map_err(|e| e.error)?;
        }
        Ok(())
    }
}

pub fn screen(config: &ScreenConfig, io: &mut Io) -> i32 {
    let mut sources = Sources::default();
    let ruleset = match prepare(config.rules.as_ref(), config.lang.as_deref(), &mut sources, io) {
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
            EXIT_INVALID
        }
        Err(Failure::Message(message)) => {
            let _ = writeln!(io.stderr, "error: {message}");
            if config.out.is_some() {
                let _ = writeln!(io.stderr, "nothing was written to the output file");
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
    if config.group_by.is_some() && config.audience != Audience::Hr {
        return Some("--group-by goes with --audience hr".into());
    }
    for (flag, path) in [("--out", &config.out), ("--rejects", &config.rejects)] {
        if let Some(p) = path
            && p.exists()
            && !config.force
        {
            return Some(format!("{} exists; {flag} replaces a file only with --force", p.display()));
        }
    }
    None
}

enum Failure {
    Diagnostics(Vec<Diagnostic>),
    Message(String),
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Failure::Message(e.to_string())
    }
}

impl From<csv::Error> for Failure {
    fn from(e: csv::Error) -> Self {
        Failure::Message(e.to_string())
    }
}

/// Reads rows from either kind of input.
enum Rows<'r> {
    Csv(Box<read::CsvRows<'r, Box<dyn BufRead + 'r>>>),
    Json(read::JsonRows<'r, Box<dyn BufRead + 'r>>),
}

impl Rows<'_> {
    fn next_row(&mut self) -> Option<Result<Row, Failure>> {
        match self {
            Rows::Csv(r) => r.next_row().map(|x| x.map_err(Failure::from)),
            Rows::Json(r) => r.next_row().map(|x| x.map_err(Failure::from)),
        }
    }

    fn bytes_read(&self) -> u64 {
        match self {
            Rows::Csv(r) => r.bytes_read(),
            Rows::Json(r) => r.bytes_read(),
        }
    }
}

fn run(config: &ScreenConfig, ruleset: &RuleSet, sources: &mut Sources, io: &mut Io) -> Result<i32, Failure> {
    let (name, size, reader): (String, Option<u64>, Box<dyn Read>) = match &config.input {
        Input::Stdin => ("<stdin>".into(), None, Box::new(io::stdin())),
        Input::File(path) => {
            let file = File::open(path).map_err(|e| {
                Failure::Message(format!("cannot read the responses `{}`: {e}", path.display()))
            })?;
            let size = file.metadata().ok().map(|m| m.len());
            (path.display().to_string(), size, Box::new(file))
        }
    };
    let mut reader: Box<dyn BufRead> = Box::new(BufReader::with_capacity(1 << 16, reader));
    skip_bom(&mut reader)?;
    let kind = match (config.kind, &config.input) {
        (Some(kind), _) => kind,
        (None, Input::File(p)) if matches!(extension(p).as_deref(), Some("jsonl" | "ndjson" | "json")) => {
            InputKind::Jsonl
        }
        (None, Input::File(p)) if matches!(extension(p).as_deref(), Some("csv" | "tsv" | "txt")) => {
            InputKind::Csv
        }
        _ => sniff_kind(&mut reader)?,
    };

    let mut rows = match kind {
        InputKind::Jsonl => Rows::Json(read::JsonRows::new(ruleset, reader, config.group_by.clone())),
        InputKind::Csv => {
            let (delimiter, crlf) = sniff_delimiter(&mut reader)?;
            let mut csv = csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).from_reader(reader);
            let headers: Vec<String> = csv.headers()?.iter().map(|h| h.trim().to_string()).collect();
            let preset = config.preset.unwrap_or_else(|| Preset::detect(&headers));
            let explicit = match &config.mapping {
                Some(path) => Some(read_mapping(path, sources)?),
                None => None,
            };
            let (mapping, notes) =
                columns::infer(ruleset, &headers, preset, explicit.as_ref(), config.group_by.as_deref())
                    .map_err(|errors| {
                        let mut diagnostics: Vec<Diagnostic> = errors
                            .into_iter()
                            .map(|e| {
                                Diagnostic::error(crate::diag::Code::UnknownQuestion, format!("{name}: {e}"))
                            })
                            .collect();
                        diagnostics.push(
                            Diagnostic::error(crate::diag::Code::UnknownQuestion, "no row was read").note(
                                "fix the header or pass a mapping (--emit-mapping writes one to start from)",
                            ),
                        );
                        Failure::Diagnostics(diagnostics)
                    })?;
            for note in notes {
                writeln!(io.stderr, "note: {note}")?;
            }
            if let Some(path) = &config.emit_mapping {
                let columns = mapping
                    .headers
                    .iter()
                    .zip(&mapping.roles)
                    .map(|(h, role)| {
                        let id = match role {
                            columns::Role::Question(q) => Some(ruleset.questions[*q].id.as_str()),
                            _ => None,
                        };
                        (h.as_str(), id)
                    })
                    .collect();
                let respondent = mapping
                    .roles
                    .iter()
                    .position(|r| *r == columns::Role::Respondent)
                    .map(|i| mapping.headers[i].as_str());
                let emitted =
                    EmittedMapping { preset: mapping.preset.name(), respondent, columns: InOrder(columns) };
                let text = format!(
                    "# How the columns of {name} map onto the questions of pack `{}` {}.\n\
                     # Review it, fix what is wrong, and pass it back with --mapping FILE. `null` (or `~`) ignores a column.\n{}",
                    ruleset.meta.id,
                    ruleset.meta.version,
                    yaml::to_string(&emitted).map_err(Failure::Message)?
                );
                crate::store::write_private(path, &text, true)?;
            }
            Rows::Csv(Box::new(read::CsvRows::new(ruleset, csv, mapping, crlf)))
        }
    };

    let interrupted = Arc::new(AtomicBool::new(false));
    let flag = interrupted.clone();
    // Another command may have set a handler in this process already; then Ctrl-C ends it.
    let _ = ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst));

    let progress = ProgressBar::with_draw_target(size, ProgressDrawTarget::stderr());
    progress.set_style(
        ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );

    let mut out = match &config.out {
        Some(path) => Some(Sink::new(path, config.force)?),
        None => None,
    };
    let mut rejects = match &config.rejects {
        Some(path) => Some(Rejects::new(Sink::new(path, config.force)?, kind, &rows)?),
        None => None,
    };
    let mut coach = match config.audience {
        Audience::Coach => Some(coach::Coach::new(ruleset, config.format, config.lang.clone())?),
        Audience::Hr => None,
    };
    let mut hr = hr::Hr::new(ruleset, config.group_by.is_some());
    let (mut assessed, mut rejected) = (0u64, 0u64);

    while let Some(row) = rows.next_row() {
        if interrupted.load(Ordering::Relaxed) {
            progress.finish_and_clear();
            writeln!(io.stderr, "interrupted: nothing was written")?;
            return Ok(EXIT_INTERRUPTED);
        }
        let row = row?;
        match &row.answers {
            Ok(answers) => {
                let assessment = evaluate(ruleset, answers);
                match coach.as_mut() {
                    Some(c) => c.add(&row.key, row.line, &assessment)?,
                    None => hr.add(row.group.as_deref(), answers, &assessment),
                }
                assessed += 1;
            }
            Err((problems, raw)) => {
                rejected += 1;
                if rejected as usize <= SHOWN_REJECTS {
                    progress
                        .suspend(|| report_reject(io.stderr, &name, row.line, problems, config.audience))?;
                }
                if let Some(r) = rejects.as_mut() {
                    r.add(raw, problems)?;
                }
            }
        }
        if (assessed + rejected) % 4096 == 0 {
            progress.set_position(rows.bytes_read());
        }
    }
    progress.finish_and_clear();

    let target: &mut dyn Write = match out.as_mut() {
        Some(sink) => sink.file.as_file_mut(),
        None => &mut *io.stdout,
    };
    let mut buffered = io::BufWriter::new(target);
    match coach {
        Some(c) => c.finish(&mut buffered)?,
        None => hr.finish(config.format, config.min_group, config.lang.as_deref(), &mut buffered)?,
    }
    buffered.flush()?;
    drop(buffered);
    if let Some(sink) = out {
        sink.commit()?;
    }
    if let Some(r) = rejects {
        r.commit()?;
    }
    if rejected as usize > SHOWN_REJECTS {
        writeln!(io.stderr, "... and {} more rejected rows", rejected as usize - SHOWN_REJECTS)?;
    }
    writeln!(io.stderr, "screened {}: {assessed} assessed, {rejected} rejected", name)?;
    Ok(if rejected > 0 { EXIT_INVALID } else { EXIT_OK })
}

/// One rejected row on standard error. HR is told where and what kind of problem, never the
/// value: it may be someone's health answer.
fn report_reject(
    err: &mut dyn Write,
    name: &str,
    line: u64,
    problems: &[Problem],
    audience: Audience,
) -> io::Result<()> {
    for p in problems {
        let column = if p.column.is_empty() { String::new() } else { format!(", column \"{}\"", p.column) };
        let detail = if audience == Audience::Coach && !p.detail.is_empty() {
            format!(": {}", p.detail)
        } else {
            String::new()
        };
        writeln!(err, "rejected: {name}:{line}{column}: {}{detail}", p.what)?;
    }
    Ok(())
}

fn reason(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| {
            let column = if p.column.is_empty() { String::new() } else { format!("{}: ", p.column) };
            let detail = if p.detail.is_empty() { String::new() } else { format!(" ({})", p.detail) };
            format!("{column}{}{detail}", p.what)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Rejected rows as they came, with the reason in one more column (CSV) or key (JSON), which a
/// later run ignores: fix them and screen the file again.
struct Rejects {
    sink: Sink,
    csv: Option<csv::Writer<File>>,
}

impl Rejects {
    fn new(sink: Sink, kind: InputKind, rows: &Rows) -> Result<Rejects, Failure> {
        let csv = match (kind, rows) {
            (InputKind::Csv, Rows::Csv(r)) => {
                let mut w = csv::Writer::from_writer(sink.file.reopen()?);
                let mut header: Vec<&str> = r.headers().iter().map(String::as_str).collect();
                header.push(ERROR_COLUMN);
                w.write_record(header)?;
                Some(w)
            }
            _ => None,
        };
        Ok(Rejects { sink, csv })
    }

    fn add(&mut self, raw: &Raw, problems: &[Problem]) -> Result<(), Failure> {
        let reason = reason(problems);
        match (&mut self.csv, raw) {
            (Some(w), Raw::Csv(record)) => {
                let mut fields: Vec<&[u8]> = record.iter().collect();
                fields.push(reason.as_bytes());
                w.write_record(fields)?;
            }
            (_, Raw::Json(line)) => {
                let mut object =
                    match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(line) {
                        Ok(o) => o,
                        Err(_) => {
                            let mut o = serde_json::Map::new();
                            o.insert("crossroads_line".into(), line.clone().into());
                            o
                        }
                    };
                object.insert(ERROR_COLUMN.into(), reason.into());
                let file = self.sink.file.as_file_mut();
                serde_json::to_writer(&mut *file, &object).map_err(io::Error::other)?;
                writeln!(file)?;
            }
            _ => {}
        }
        Ok(())
    }

    fn commit(self) -> Result<(), Failure> {
        if let Some(mut w) = self.csv {
            w.flush()?;
        }
        Ok(self.sink.commit()?)
    }
}

fn extension(path: &Path) -> Option<String> {
    path.extension().and_then(|e| e.to_str()).map(str::to_lowercase)
}

/// Drops a UTF-8 byte-order mark, as spreadsheet programs write one.
fn skip_bom(reader: &mut Box<dyn BufRead + '_>) -> io::Result<()> {
    if reader.fill_buf()?.starts_with(b"\xEF\xBB\xBF") {
        reader.consume(3);
    }
    Ok(())
}

fn sniff_kind(reader: &mut Box<dyn BufRead + '_>) -> io::Result<InputKind> {
    let buffer = reader.fill_buf()?;
    let first = buffer.iter().find(|b| !b.is_ascii_whitespace());
    Ok(if first == Some(&b'{') { InputKind::Jsonl } else { InputKind::Csv })
}

/// The delimiter of the header line (the most frequent of `,`, `;` and tab outside quotes),
/// and whether its lines end with CRLF.
fn sniff_delimiter(reader: &mut Box<dyn BufRead + '_>) -> io::Result<(u8, bool)> {
    let buffer = reader.fill_buf()?;
    let (mut counts, mut quoted, mut crlf) = ([0usize; 3], false, false);
    for (i, &b) in buffer.iter().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => {
                crlf = i > 0 && buffer[i - 1] == b'\r';
                break;
            }
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], 3 - i)).unwrap_or(0);
    Ok(([b',', b';', b'\t'][best], crlf))
}

fn read_mapping(path: &Path, sources: &mut Sources) -> Result<Explicit, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::Message(format!("cannot read the mapping `{}`: {e}", path.display())))?;
    let file = sources.add(path.display().to_string(), text);
    let raw: RawMapping =
        yaml::parse(sources.source(file)).map_err(|e| Failure::Diagnostics(vec![e.diagnostic(file)]))?;
    Ok(Explicit {
        respondent: raw.respondent,
        columns: raw.columns.0.into_iter().map(|(h, q)| (h.value, q)).collect(),
    })
}
