//! Workbooks (`.xlsx`, `.xls`, `.ods`): one sheet read as the rows of an export, each cell as
//! the spreadsheet shows it and each row numbered as the workbook numbers it; and the other
//! files people send by mistake (a PDF, a Word document, an image), named for what they are.
//!
//! A workbook is bounded before it is opened: by its size, and a ZIP-based one by what its
//! parts say they unpack to. An `.xlsx` sheet is streamed cell by cell; the others are read
//! whole, within those bounds. A thread reads the sheet and hands rows over a short queue,
//! so that memory holds only a few rows of it at a time.

use std::io::{self, Cursor, Read};
use std::sync::mpsc::{Receiver, sync_channel};

use calamine::{Data, DataRef, Reader, Sheets, open_workbook_auto_from_rs};

use super::records::{Damage, MAX_ROW_BYTES, Record, RecordSource};

/// The largest workbook read (Excel's own limit is a million rows; this is far beyond an
/// intake's cohort, and keeps a server's disk or a mistaken file from filling memory).
pub const MAX_WORKBOOK_BYTES: u64 = 64 << 20;
/// The most a ZIP-based workbook's parts may unpack to, as its directory declares them.
pub const MAX_UNPACKED_BYTES: u64 = 512 << 20;

/// What the input's first bytes say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum What {
    /// Text: CSV, TSV, JSON Lines or a JSON array, in some encoding.
    Text,
    /// A ZIP archive or an OLE compound file: a workbook, if its parts say so.
    Container,
    /// A kind of file that holds no responses, in words.
    Other(&'static str),
}

/// What `screen` reads, for the error that names a file it does not.
pub const ACCEPTED: &str = "screen reads a CSV or TSV export, JSON Lines, a JSON array of answer objects, \
     FHIR QuestionnaireResponse resources, or an Excel (.xlsx, .xls) or OpenDocument (.ods) workbook";

pub fn what(head: &[u8]) -> What {
    const KINDS: &[(&[u8], What)] = &[
        (b"PK\x03\x04", What::Container),
        (b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", What::Container),
        (b"%PDF", What::Other("a PDF document")),
        (b"\x89PNG", What::Other("a PNG image")),
        (b"\xFF\xD8\xFF", What::Other("a JPEG image")),
        (b"GIF8", What::Other("a GIF image")),
        (b"\x1F\x8B", What::Other("a gzip-compressed file (unpack it first)")),
        (b"7z\xBC\xAF", What::Other("a 7-Zip archive (unpack it first)")),
        (b"Rar!", What::Other("a RAR archive (unpack it first)")),
        (b"PK\x05\x06", What::Other("an empty ZIP archive")),
        (b"SQLite format 3\0", What::Other("an SQLite database")),
    ];
    KINDS.iter().find(|(magic, _)| head.starts_with(magic)).map_or(What::Text, |(_, what)| *what)
}

/// The first bytes of `input`, and `input` whole again.
pub fn peek<'r>(mut input: Box<dyn Read + 'r>) -> io::Result<(Vec<u8>, Box<dyn Read + 'r>)> {
    let mut head = Vec::with_capacity(16);
    (&mut input).take(16).read_to_end(&mut head)?;
    Ok((head.clone(), Box::new(Cursor::new(head).chain(input))))
}

/// A sheet opened, and what to say about it.
pub struct Opened {
    pub rows: SheetRows,
    pub note: String,
}

/// Opens the workbook in `input` (whose first bytes said it is a container) and starts reading
/// the sheet named `sheet`, or the first. `Err` says what is wrong in words.
pub fn open(input: Box<dyn Read>, name: &str, sheet: Option<&str>) -> Result<Opened, String> {
    let mut bytes = Vec::new();
    input
        .take(MAX_WORKBOOK_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read {name}: {e}"))?;
    if bytes.len() as u64 > MAX_WORKBOOK_BYTES {
        return Err(format!(
            "{name} is larger than {} MiB, the largest workbook screen opens; save its sheet as CSV (File > Save as > CSV UTF-8) and screen that, which is read as it streams",
            MAX_WORKBOOK_BYTES >> 20
        ));
    }
    let kind = if bytes.starts_with(b"PK") { zip_kind(&bytes, name)? } else { "an Excel 97-2003 workbook" };
    let mut book = open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
        if kind.starts_with("an Excel 97") {
            format!("{name} is an OLE compound file that is not an Excel workbook (a Word or PowerPoint file?): {e}. {ACCEPTED}")
        } else {
            format!("{name} looks like {kind} but cannot be opened: {e}")
        }
    })?;
    let sheets: Vec<String> = book
        .sheets_metadata()
        .iter()
        .filter(|s| s.typ == calamine::SheetType::WorkSheet)
        .map(|s| s.name.clone())
        .collect();
    let listed = sheets.iter().map(|s| format!("\"{s}\"")).collect::<Vec<_>>().join(", ");
    let chosen = match sheet {
        Some(wanted) => sheets.iter().find(|s| *s == wanted).cloned().ok_or_else(|| {
            format!(
                "{name} has no sheet \"{wanted}\"; its sheets are {listed} (--sheet takes one of these names)"
            )
        })?,
        None => sheets.first().cloned().ok_or_else(|| format!("{name} holds no worksheet"))?,
    };
    let note = match sheets.len() {
        1 => format!(
            "{name} is {kind}: its sheet \"{chosen}\" is read, rows numbered as the workbook numbers them"
        ),
        n => format!(
            "{name} is {kind} of {n} sheets ({listed}): \"{chosen}\" is read (--sheet names another), rows numbered as the workbook numbers them"
        ),
    };
    let (send, receive) = sync_channel(256);
    std::thread::Builder::new()
        .name("workbook".into())
        .spawn(move || {
            let sent = read_sheet(&mut book, &chosen, &mut |row| send.send(Ok(row)).is_ok());
            if let Err(e) = sent {
                let _ = send.send(Err(e));
            }
        })
        .map_err(|e| format!("cannot start reading {name}: {e}"))?;
    Ok(Opened { rows: SheetRows { rows: receive, width: 0 }, note })
}

/// What a ZIP archive is, from the parts it holds; bounded by what they declare they unpack to.
fn zip_kind(bytes: &[u8], name: &str) -> Result<&'static str, String> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        format!("{name} starts as a ZIP archive but is not one that can be read: {e}. {ACCEPTED}")
    })?;
    let mut unpacked = 0u64;
    let mut mimetype = String::new();
    for i in 0..archive.len() {
        let file = archive.by_index_raw(i).map_err(|e| format!("{name}: a broken ZIP archive: {e}"))?;
        unpacked = unpacked.saturating_add(file.size());
        if file.name().is_ok_and(|n| n == "mimetype") && file.size() < 200 {
            drop(file);
            if let Ok(mut f) = archive.by_index(i) {
                let _ = (&mut f).take(200).read_to_string(&mut mimetype);
            }
        }
    }
    if unpacked > MAX_UNPACKED_BYTES {
        return Err(format!(
            "{name} unpacks to more than {} MiB, the most screen unpacks from a workbook; save its sheet as CSV and screen that",
            MAX_UNPACKED_BYTES >> 20
        ));
    }
    let has = |part: &str| archive.index_for_name(part).is_some();
    let kind = if has("xl/workbook.xml") {
        "an Excel workbook"
    } else if has("xl/workbook.bin") {
        "an Excel binary workbook"
    } else if mimetype.trim() == "application/vnd.oasis.opendocument.spreadsheet" {
        "an OpenDocument spreadsheet"
    } else {
        let what = if has("word/document.xml") {
            "a Word document"
        } else if has("ppt/presentation.xml") {
            "a PowerPoint presentation"
        } else if mimetype.starts_with("application/vnd.oasis.opendocument.text") {
            "an OpenDocument text document"
        } else {
            "a ZIP archive that is not a workbook"
        };
        return Err(format!("{name} is {what}, not a survey export: {ACCEPTED}"));
    };
    Ok(kind)
}

/// Reads the sheet's rows in order, handing each to `send` until it says stop.
fn read_sheet(
    book: &mut Sheets<Cursor<Vec<u8>>>,
    sheet: &str,
    send: &mut dyn FnMut(Record) -> bool,
) -> io::Result<()> {
    let failed =
        |e: &dyn std::fmt::Display| io::Error::other(format!("cannot read the sheet \"{sheet}\": {e}"));
    let mut row = Row::default();
    if let Sheets::Xlsx(xlsx) = book {
        let mut cells = xlsx.worksheet_cells_reader(sheet).map_err(|e| failed(&e))?;
        let first_column = cells.dimensions().start.1;
        while let Some(cell) = cells.next_cell().map_err(|e| failed(&e))? {
            let (r, c) = cell.get_position();
            if row.number != u64::from(r) + 1 && !row.flush(send) {
                return Ok(());
            }
            row.number = u64::from(r) + 1;
            row.put(c.saturating_sub(first_column) as usize, &data_ref(cell.get_value()));
        }
    } else {
        let range = book.worksheet_range(sheet).map_err(|e| failed(&e))?;
        // Rows and columns from where the used range starts, as the xlsx branch counts them.
        let (top, _) = range.start().unwrap_or((0, 0));
        for (i, cells) in range.rows().enumerate() {
            row.number = u64::from(top) + i as u64 + 1;
            for (c, value) in cells.iter().enumerate() {
                row.put(c, value);
            }
            if !row.flush(send) {
                return Ok(());
            }
        }
    }
    row.flush(send);
    Ok(())
}

fn data_ref(value: &DataRef) -> Data {
    value.clone().into()
}

/// The row being gathered: its number as the workbook shows it, its cells as text.
#[derive(Default)]
struct Row {
    number: u64,
    cells: Vec<String>,
    bytes: usize,
}

impl Row {
    fn put(&mut self, column: usize, value: &Data) {
        let text = text(value);
        if text.is_empty() {
            return;
        }
        if self.cells.len() <= column {
            self.cells.resize(column + 1, String::new());
        }
        self.bytes += text.len();
        self.cells[column] = text;
    }

    /// Hands the row on as a record (nothing if it is empty); false when the reader stopped.
    fn flush(&mut self, send: &mut dyn FnMut(Record) -> bool) -> bool {
        let cells = std::mem::take(&mut self.cells);
        let bytes = std::mem::replace(&mut self.bytes, 0);
        if cells.is_empty() {
            return true;
        }
        let damage = (bytes > MAX_ROW_BYTES).then_some(Damage::TooLong);
        let cells: csv::ByteRecord = match damage {
            // As a CSV row past the limit: the cells that fitted.
            Some(_) => {
                let mut kept = 0;
                cells
                    .iter()
                    .take_while(|c| {
                        kept += c.len();
                        kept <= MAX_ROW_BYTES
                    })
                    .collect()
            }
            None => cells.iter().collect(),
        };
        send(Record::new(self.number, as_csv(&cells), cells, damage))
    }
}

/// A row as one CSV line, for a rejects file (which is always CSV).
fn as_csv(cells: &csv::ByteRecord) -> Vec<u8> {
    let mut writer =
        csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
    let _ = writer.write_record(cells);
    writer.into_inner().unwrap_or_default()
}

/// A cell as the spreadsheet shows it: numbers without a trailing `.0`, dates as ISO 8601,
/// booleans as TRUE and FALSE, errors as `#N/A` and the like.
pub fn text(value: &Data) -> String {
    match value {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::Error(e) => e.to_string(),
        Data::DateTime(when) => {
            let (y, mo, d, h, mi, s, _) = when.to_ymd_hms_milli();
            match (when.is_duration(), when.as_f64().fract() == 0.0) {
                (true, _) => format!("{:02}:{mi:02}:{s:02}", (when.as_f64() * 24.0) as u64),
                (false, true) => format!("{y:04}-{mo:02}-{d:02}"),
                (false, false) => format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}"),
            }
        }
    }
}

/// The rows of a sheet, as the CSV reader gives records.
pub struct SheetRows {
    rows: Receiver<io::Result<Record>>,
    /// The header's width: a spreadsheet leaves a row's empty cells at its end unwritten.
    width: usize,
}

impl RecordSource for SheetRows {
    fn next_record(&mut self) -> io::Result<Option<Record>> {
        match self.rows.recv() {
            Ok(Ok(mut record)) => {
                while record.cells.len() < self.width && record.damage.is_none() {
                    record.cells.push_field(b"");
                }
                Ok(Some(record))
            }
            Ok(Err(e)) => Err(e),
            // The reading thread finished: every row was handed over.
            Err(_) => Ok(None),
        }
    }

    fn set_width(&mut self, width: usize) {
        self.width = width;
    }

    fn delimiter(&self) -> u8 {
        b','
    }

    fn bytes_read(&self) -> u64 {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_that_are_not_exports_are_named() {
        assert_eq!(what(b"%PDF-1.7\n"), What::Other("a PDF document"));
        assert_eq!(what(b"\x89PNG\r\n\x1a\n"), What::Other("a PNG image"));
        assert_eq!(what(b"PK\x03\x04\x14\0"), What::Container);
        assert_eq!(what(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), What::Container);
        assert_eq!(what(b"Timestamp,Q\n"), What::Text);
        assert_eq!(what(b"\xEF\xBB\xBFa,b"), What::Text);
    }

    #[test]
    fn cells_read_as_the_spreadsheet_shows_them() {
        assert_eq!(text(&Data::Float(3.0)), "3");
        assert_eq!(text(&Data::Float(0.25)), "0.25");
        assert_eq!(text(&Data::Int(-2)), "-2");
        assert_eq!(text(&Data::Bool(true)), "TRUE");
        assert_eq!(text(&Data::Error(calamine::CellErrorType::NA)), "#N/A");
        let when = calamine::ExcelDateTime::new(46356.5, calamine::ExcelDateTimeType::DateTime, false);
        assert_eq!(text(&Data::DateTime(when)), "2026-11-30 12:00:00");
        let day = calamine::ExcelDateTime::new(46356.0, calamine::ExcelDateTimeType::DateTime, false);
        assert_eq!(text(&Data::DateTime(day)), "2026-11-30");
    }

    #[test]
    fn a_row_too_long_is_marked_and_cut() {
        let mut row = Row { number: 7, ..Row::default() };
        row.put(0, &Data::String("a".repeat(MAX_ROW_BYTES)));
        row.put(2, &Data::String("b".into()));
        let mut got = Vec::new();
        row.flush(&mut |r| {
            got.push(r);
            true
        });
        assert_eq!(got[0].line, 7);
        assert_eq!(got[0].damage, Some(Damage::TooLong));
        assert!(!got[0].cells.iter().any(|c| c == b"b"), "only the cells that fitted");
    }
}
