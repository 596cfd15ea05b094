//! Opening the responses: a file or standard input (a `serve` store read as its submissions),
//! which kind of input it is, and a CSV export's header rows read and mapped onto questions,
//! or refused as a whole when they cannot be.

use std::io::{self, BufRead, Read};
use std::path::Path;

use super::columns::{self, Mapping};
use super::layout::{self, Preset};
use super::mapping::Explicit;
use super::records::{self, Damage, MAX_ROW_BYTES, Record, RecordSource};
use super::{Failure, InputKind, ScreenConfig};
use crate::engine::model::RuleSet;
use crate::run::Input;
use crate::util::diag::Diagnostic;

/// The input's name as shown, its size if known, and its bytes.
pub(super) type Source = (String, Option<u64>, Box<dyn Read>);

pub(super) fn open_input(input: &Input) -> Result<Source, Failure> {
    match input {
        Input::Stdin => Ok(("<stdin>".into(), None, Box::new(io::stdin()))),
        Input::File(path) if path.to_str().is_some_and(crate::serve::store::is_url) => {
            // A PostgreSQL store that `serve` keeps: its submissions, a page at a time.
            let shown = crate::serve::store::shown(path);
            let cannot =
                |why: String| Failure::Message(format!("cannot read the responses `{shown}`: {why}"));
            let Some(lines) = crate::serve::store::Submissions::open(path).map_err(cannot)? else {
                return Err(cannot("the store holds no submission yet".into()));
            };
            Ok((shown.clone(), None, Box::new(lines)))
        }
        Input::File(path) => {
            let cannot = |why: String| {
                Failure::Message(format!("cannot read the responses `{}`: {why}", path.display()))
            };
            // A device or a pipe could be endless; standard input (`-`) is there for streams.
            let (mut file, meta) = crate::util::files::open_regular(path).map_err(|e| match e.kind() {
                io::ErrorKind::Other => cannot(format!("{e} (to read a stream, pass `-` and pipe it in)")),
                _ => cannot(e.to_string()),
            })?;
            // A store that `serve` keeps: read as the JSON Lines of its submissions.
            let mut magic = [0u8; 16];
            let is_store = file.read_exact(&mut magic).is_ok() && magic == crate::serve::store::MAGIC;
            if is_store {
                let Some(lines) = crate::serve::store::Submissions::open(path).map_err(cannot)? else {
                    return Err(cannot("the store holds no submission yet".into()));
                };
                // Read a page of rows at a time: the size of the lines is not known beforehand.
                return Ok((path.display().to_string(), None, Box::new(lines)));
            }
            io::Seek::rewind(&mut file).map_err(|e| cannot(e.to_string()))?;
            Ok((path.display().to_string(), Some(meta.len()), Box::new(file)))
        }
    }
}

/// A CSV export opened: header rows read, columns mapped.
pub(super) struct OpenCsv<'r> {
    pub(super) records: Box<dyn RecordSource + 'r>,
    pub(super) mapping: Mapping,
    pub(super) group_question: Option<usize>,
    pub(super) errors: Vec<Diagnostic>,
    pub(super) notes: Vec<String>,
    /// The header rows as they came, for the rejects file.
    pub(super) header_raw: Vec<Vec<u8>>,
    pub(super) delimiter: u8,
    pub(super) held: Option<Record>,
}

pub(super) fn open_csv<'r>(
    config: &ScreenConfig,
    ruleset: &RuleSet,
    explicit: Option<&Explicit>,
    mut records: Box<dyn RecordSource + 'r>,
    name: &str,
) -> Result<OpenCsv<'r>, Failure> {
    let Some(first) = records.next_record()? else {
        return Err(Failure::Message(format!("{name} is empty: there is no header and no row")));
    };
    header_whole(name, &first)?;
    let text = |r: &Record| -> Vec<String> {
        r.cells.iter().map(|c| String::from_utf8_lossy(c).trim().to_string()).collect()
    };
    let mut rows = vec![text(&first)];
    let mut header_raw = vec![first.raw];
    let preset =
        config.preset.or(explicit.and_then(|e| e.preset)).unwrap_or_else(|| Preset::detect(&rows[0]));
    let mut held = None;
    for _ in 0..preset.header_rows() {
        let Some(next) = records.next_record()? else { break };
        if is_header_row(preset, &rows[0], &text(&next)) {
            header_whole(name, &next)?;
            rows.push(text(&next));
            header_raw.push(next.raw);
        } else {
            held = Some(next);
            break;
        }
    }
    // Qualtrics' third row, `{"ImportId": ...}`, says nothing a person reads.
    rows.retain(|r| !r.iter().any(|c| c.starts_with("{\"ImportId\"")));
    let columns = layout::columns(preset, &rows);
    records.set_width(columns.len());
    let inferred = columns::infer(
        ruleset,
        &columns,
        preset,
        explicit,
        config.group_by.as_deref(),
        config.key.as_deref(),
    );
    let mut errors = inferred.errors;
    for e in &mut errors {
        e.message = format!("{name}: {}", e.message);
    }
    Ok(OpenCsv {
        delimiter: records.delimiter(),
        records,
        mapping: inferred.mapping,
        group_question: inferred.group_question,
        errors,
        notes: inferred.notes,
        header_raw,
        held,
    })
}

/// A header row past a limit, or broken, cannot name the columns: an error of the file, said
/// once, rather than every row blamed for columns that were cut away.
pub(super) fn header_whole(name: &str, header: &Record) -> Result<(), Failure> {
    let what = match header.damage {
        None => return Ok(()),
        Some(Damage::TooLong) => format!(
            "is longer than {} MiB (or spans more than {} lines), the most a row may be",
            MAX_ROW_BYTES >> 20,
            records::MAX_ROW_LINES
        ),
        Some(Damage::Quotes) => "has a quoted cell that is not closed where the row should end".to_string(),
    };
    Err(Failure::Usage(format!(
        "{name}:{}: the header row {what}, so its columns cannot be told; no row was read. \
         Export the survey again (or give the columns shorter names), then screen it",
        header.line
    )))
}

/// Whether a row after the first is still header: a tool's rows of texts or import ids, not a
/// response. Checked, not assumed, so that an export whose extra header rows were deleted
/// loses no one.
pub(super) fn is_header_row(preset: Preset, first: &[String], row: &[String]) -> bool {
    let under =
        |name: &str| first.iter().position(|h| h == name).and_then(|i| row.get(i)).map(String::as_str);
    match preset {
        Preset::Qualtrics => {
            row.iter().any(|c| c.starts_with("{\"ImportId\""))
                || matches!(under("ResponseId").or(under("ResponseID")), Some("Response ID" | "ResponseID"))
                || under("StartDate") == Some("Start Date")
        }
        Preset::SurveyMonkey => {
            under("Respondent ID").is_some_and(str::is_empty)
                && under("Collector ID").is_some_and(str::is_empty)
        }
        _ => false,
    }
}

pub(super) fn extension(path: &Path) -> Option<String> {
    path.extension().and_then(|e| e.to_str()).map(str::to_lowercase)
}

pub(super) fn sniff_kind(reader: &mut Box<dyn BufRead + '_>) -> io::Result<InputKind> {
    let first = first_byte(reader)?;
    Ok(if matches!(first, Some(b'{' | b'[')) { InputKind::Jsonl } else { InputKind::Csv })
}

/// The first byte that is not whitespace, looked at without being read; whitespace before it
/// is consumed.
pub(super) fn first_byte(reader: &mut Box<dyn BufRead + '_>) -> io::Result<Option<u8>> {
    loop {
        let buffer = reader.fill_buf()?;
        if buffer.is_empty() {
            return Ok(None);
        }
        match buffer.iter().position(|b| !b.is_ascii_whitespace()) {
            Some(i) => {
                let b = buffer[i];
                reader.consume(i);
                return Ok(Some(b));
            }
            None => {
                let n = buffer.len();
                reader.consume(n);
            }
        }
    }
}
