//! CSV records, one at a time, each with the line where it starts and its bytes as they came.
//!
//! Written here rather than taken from the csv crate because a survey export must survive its
//! own damage: the csv crate reads a quote that never closes as one cell running to the next
//! quote in the file (swallowing the rows between), counts lines from wherever a record ends,
//! and grows a record without bound. Here a record whose quotes do not pair up is cut back to
//! its first line and reading starts again on the next one, a record is bounded in bytes and
//! lines, and every record knows the physical line it began on.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::io::{self, BufRead, Read};

/// The most a row may hold; a longer one is rejected and memory stays flat.
pub const MAX_ROW_BYTES: usize = 1 << 20;
/// The most lines one row may span (cells with line breaks in them).
pub const MAX_ROW_LINES: usize = 100;

/// What is wrong with a record as a record, before any cell is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Damage {
    /// A quoted cell is not closed where the row should end, or has text after its closing
    /// quote. The record is the first line only, read as it is.
    Quotes,
    /// Longer than [`MAX_ROW_BYTES`]; the cells are those of what fitted.
    TooLong,
}

#[derive(Debug, Clone, Default)]
pub struct Record {
    /// The physical line the record starts on, counting from 1.
    pub line: u64,
    /// The record's bytes as they came, line ends included (cut at the limit if too long).
    pub raw: Vec<u8>,
    /// The cells, in one buffer (a record's cells cost two allocations, not one each).
    pub cells: csv::ByteRecord,
    pub damage: Option<Damage>,
    /// A line without a quote, whose cells are still to be cut (by the delimiter kept here):
    /// left to whichever thread converts the record, since no quote can change where it ends.
    unsplit: Option<u8>,
}

impl Record {
    /// A record whose cells are cut.
    pub fn new(line: u64, raw: Vec<u8>, cells: csv::ByteRecord, damage: Option<Damage>) -> Record {
        Record { line, raw, cells, damage, unsplit: None }
    }

    pub fn is_blank(&self) -> bool {
        match self.unsplit {
            Some(delimiter) => self.raw.iter().all(|&b| b == delimiter || b.is_ascii_whitespace()),
            None => self.cells.iter().all(|c| c.iter().all(u8::is_ascii_whitespace)),
        }
    }

    /// The cells as text, and which of them were not UTF-8 (read with their bad bytes
    /// replaced). A line without a quote is cut here, borrowed: a line that is UTF-8 as a
    /// whole is UTF-8 in every cell, since cells end at an ASCII delimiter. `width` is the
    /// cells expected.
    pub fn texts(&self, width: usize) -> (Vec<Cow<'_, str>>, Option<Vec<bool>>) {
        if let Some(delimiter) = self.unsplit {
            let body = self.raw.strip_suffix(b"\n").unwrap_or(&self.raw);
            let body = body.strip_suffix(b"\r").unwrap_or(body);
            if let Ok(text) = std::str::from_utf8(body) {
                // Cells are short: a plain loop costs less than a search begun again for each.
                let mut cells = Vec::with_capacity(width + 1);
                let mut start = 0;
                for (end, &b) in body.iter().enumerate() {
                    if b == delimiter {
                        cells.push(Cow::Borrowed(&text[start..end]));
                        start = end + 1;
                    }
                }
                cells.push(Cow::Borrowed(&text[start..]));
                return (cells, None);
            }
            let mut cut = self.clone();
            cut.split();
            let (texts, bad) = cut.texts(width);
            return (texts.into_iter().map(|t| Cow::Owned(t.into_owned())).collect(), bad);
        }
        if self.cells.as_slice().is_ascii() {
            let texts = self.cells.iter().map(|c| Cow::Borrowed(std::str::from_utf8(c).unwrap_or_default()));
            return (texts.collect(), None);
        }
        let bad: Vec<bool> = self.cells.iter().map(|c| std::str::from_utf8(c).is_err()).collect();
        let texts = self.cells.iter().map(String::from_utf8_lossy).collect();
        (texts, bad.contains(&true).then_some(bad))
    }

    /// Cuts the cells of a record read by [`RecordSource::next_unsplit`].
    pub fn split(&mut self) {
        if let Some(delimiter) = self.unsplit.take() {
            let parsed = parse(&self.raw, delimiter, State::Start, &mut Vec::new(), &mut self.cells, false);
            debug_assert!(matches!(parsed, (Parse::Done, _)), "a line without a quote is a whole record");
        }
    }
}

/// Where records come from: a CSV text read here, or the rows of a workbook's sheet.
pub trait RecordSource {
    /// The next record, skipping blank lines; `None` at the end of the input.
    fn next_record(&mut self) -> io::Result<Option<Record>>;
    /// The header's width, once known.
    fn set_width(&mut self, width: usize);
    /// The delimiter a rejects file repeats the header with.
    fn delimiter(&self) -> u8;
    /// How far into the input, for the progress bar.
    fn bytes_read(&self) -> u64;
    /// The next record, whose cells may still have to be cut ([`Record::split`]): where
    /// records are read on one thread and converted on others.
    fn next_unsplit(&mut self) -> io::Result<Option<Record>> {
        self.next_record()
    }
}

impl<R: BufRead> RecordSource for Records<R> {
    fn next_record(&mut self) -> io::Result<Option<Record>> {
        Records::next_record(self)
    }

    fn next_unsplit(&mut self) -> io::Result<Option<Record>> {
        Records::next_unsplit(self)
    }

    fn set_width(&mut self, width: usize) {
        Records::set_width(self, width);
    }

    fn delimiter(&self) -> u8 {
        Records::delimiter(self)
    }

    fn bytes_read(&self) -> u64 {
        Records::bytes_read(self)
    }
}

struct Line {
    number: u64,
    bytes: Vec<u8>,
    /// The line was longer than the limit; `bytes` holds its start.
    cut: bool,
}

pub struct Records<R: BufRead> {
    reader: R,
    delimiter: u8,
    /// Lines read but given back, when a record turned out to be broken.
    pending: VecDeque<Line>,
    lines_read: u64,
    bytes_read: u64,
    /// The header's width, once known: a record spanning lines with another width is broken.
    width: Option<usize>,
}

enum Parse {
    Done,
    /// Inside a quoted cell at the end of the line: the record goes on.
    Open,
    Broken,
}

impl<R: BufRead> Records<R> {
    /// Records whose delimiter is the most frequent of `,`, `;` and tab outside quotes in the
    /// first line, as the survey tools and spreadsheets write them.
    pub fn new(reader: R) -> Self {
        Records { reader, delimiter: 0, pending: VecDeque::new(), lines_read: 0, bytes_read: 0, width: None }
    }

    pub fn delimiter(&self) -> u8 {
        self.delimiter
    }

    pub fn set_width(&mut self, width: usize) {
        self.width = Some(width);
    }

    pub fn bytes_read(&self) -> u64 {
        self.bytes_read
    }

    fn read_line(&mut self) -> io::Result<Option<Line>> {
        if let Some(line) = self.pending.pop_front() {
            return Ok(Some(line));
        }
        let mut bytes = Vec::new();
        let Some((n, cut)) = read_line(&mut self.reader, &mut bytes)? else { return Ok(None) };
        self.bytes_read += n as u64;
        self.lines_read += 1;
        if self.delimiter == 0 {
            self.delimiter = sniff_delimiter(&bytes);
        }
        Ok(Some(Line { number: self.lines_read, bytes, cut }))
    }

    /// The next record, skipping blank lines; `None` at the end of the input.
    pub fn next_record(&mut self) -> io::Result<Option<Record>> {
        let mut record = self.next_unsplit()?;
        record.iter_mut().for_each(Record::split);
        Ok(record)
    }

    /// [`RecordSource::next_unsplit`].
    pub fn next_unsplit(&mut self) -> io::Result<Option<Record>> {
        let first = loop {
            match self.read_line()? {
                None => return Ok(None),
                Some(line) if line.bytes.iter().all(|b| matches!(b, b'\r' | b'\n')) => continue,
                Some(line) => break line,
            }
        };
        let mut record = Record { line: first.number, ..Record::default() };
        let mut cell = Vec::new();
        let mut state = State::Start;
        if first.cut || first.bytes.len() > MAX_ROW_BYTES {
            return Ok(Some(self.cut_back(vec![first], Damage::TooLong)));
        }
        // Nearly every record is one line, and most have no quote: cut into cells later.
        if memchr::memchr(b'"', &first.bytes).is_none() {
            record.raw = first.bytes;
            record.unsplit = Some(self.delimiter);
            return Ok(Some(record));
        }
        let mut lines = vec![first];
        loop {
            let line = lines.last().expect("a line");
            let (parse, next) = self.parse_line(&line.bytes, state, &mut cell, &mut record.cells);
            state = next;
            let too_long = lines.iter().any(|l| l.cut)
                || lines.iter().map(|l| l.bytes.len()).sum::<usize>() > MAX_ROW_BYTES;
            if too_long {
                return Ok(Some(self.cut_back(lines, Damage::TooLong)));
            }
            match parse {
                Parse::Done => {
                    let broken_width = lines.len() > 1 && self.width.is_some_and(|w| w != record.cells.len());
                    if broken_width {
                        return Ok(Some(self.cut_back(lines, Damage::Quotes)));
                    }
                    record.raw = match <[Line; 1]>::try_from(lines) {
                        // One line (nearly every record): moved, not copied.
                        Ok([line]) => line.bytes,
                        Err(lines) => lines.iter().flat_map(|l| &l.bytes[..]).copied().collect(),
                    };
                    return Ok(Some(record));
                }
                Parse::Broken => return Ok(Some(self.cut_back(lines, Damage::Quotes))),
                Parse::Open if lines.len() >= MAX_ROW_LINES => {
                    return Ok(Some(self.cut_back(lines, Damage::Quotes)));
                }
                Parse::Open => match self.read_line()? {
                    Some(next) => lines.push(next),
                    // The end of the input inside a quoted cell: the quote never closed.
                    None => return Ok(Some(self.cut_back(lines, Damage::Quotes))),
                },
            }
        }
    }

    /// A broken record becomes its first line alone, read leniently; the lines after it are
    /// read again as records of their own.
    fn cut_back(&mut self, mut lines: Vec<Line>, damage: Damage) -> Record {
        let first = lines.remove(0);
        for line in lines.into_iter().rev() {
            self.pending.push_front(line);
        }
        let mut cells = csv::ByteRecord::new();
        let mut cell = Vec::new();
        let (parse, _) = self.parse_line_lenient(&first.bytes, &mut cell, &mut cells);
        debug_assert!(matches!(parse, Parse::Done));
        Record::new(first.number, first.bytes, cells, Some(damage))
    }

    fn parse_line(
        &self,
        line: &[u8],
        state: State,
        cell: &mut Vec<u8>,
        cells: &mut csv::ByteRecord,
    ) -> (Parse, State) {
        parse(line, self.delimiter, state, cell, cells, false)
    }

    fn parse_line_lenient(
        &self,
        line: &[u8],
        cell: &mut Vec<u8>,
        cells: &mut csv::ByteRecord,
    ) -> (Parse, State) {
        parse(line, self.delimiter, State::Start, cell, cells, true)
    }
}

fn sniff_delimiter(line: &[u8]) -> u8 {
    let (mut counts, mut quoted) = ([0usize; 3], false);
    for &b in line {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], 3 - i)).unwrap_or(0);
    [b',', b';', b'\t'][best]
}

/// One physical line into `bytes`, at most [`MAX_ROW_BYTES`] of it kept and the rest read and
/// dropped, so that an endless line cannot grow memory. Returns the bytes consumed and whether
/// the line was cut; `None` at the end of the input.
pub fn read_line<R: BufRead>(reader: &mut R, bytes: &mut Vec<u8>) -> io::Result<Option<(usize, bool)>> {
    // Nearly every line lies whole in the reader's buffer: taken in one allocation of its
    // length, where growing the vector as `read_until` does reallocates it many times over (on
    // the one thread that reads, which every other waits for).
    let buffer = reader.fill_buf()?;
    if bytes.is_empty()
        && let Some(end) = memchr::memchr(b'\n', buffer).filter(|&end| end < MAX_ROW_BYTES)
    {
        bytes.extend_from_slice(&buffer[..=end]);
        reader.consume(end + 1);
        return Ok(Some((end + 1, false)));
    }
    let mut n = (&mut *reader).take(MAX_ROW_BYTES as u64 + 1).read_until(b'\n', bytes)?;
    if n == 0 {
        return Ok(None);
    }
    let cut = bytes.len() > MAX_ROW_BYTES && bytes.last() != Some(&b'\n');
    if cut {
        bytes.truncate(MAX_ROW_BYTES);
        loop {
            let buffer = reader.fill_buf()?;
            if buffer.is_empty() {
                break;
            }
            let (used, done) = match buffer.iter().position(|&b| b == b'\n') {
                Some(i) => (i + 1, true),
                None => (buffer.len(), false),
            };
            reader.consume(used);
            n += used;
            if done {
                break;
            }
        }
    }
    Ok(Some((n, cut)))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// At the start of a cell.
    Start,
    /// In a cell that did not start with a quote: quotes in it are text.
    Plain,
    Quoted,
    /// Just after the closing quote of a quoted cell.
    Closed,
}

/// Parses one physical line, continuing from `state`. Strict: a quoted cell must close right
/// before a delimiter or the line's end. Lenient (for a broken record's first line): anything
/// after a closing quote is text, and an open quote runs to the line's end.
fn parse(
    line: &[u8],
    delimiter: u8,
    mut state: State,
    cell: &mut Vec<u8>,
    cells: &mut csv::ByteRecord,
    lenient: bool,
) -> (Parse, State) {
    let body = line.strip_suffix(b"\n").unwrap_or(line);
    let mut i = 0;
    while i < body.len() {
        let b = body[i];
        match state {
            State::Quoted if b == b'"' => {
                if body.get(i + 1) == Some(&b'"') {
                    cell.push(b'"');
                    i += 1;
                } else {
                    state = State::Closed;
                }
            }
            State::Quoted => cell.push(b),
            State::Closed | State::Start | State::Plain if b == delimiter => {
                cells.push_field(cell);
                cell.clear();
                state = State::Start;
            }
            State::Closed if b == b'\r' && i + 1 == body.len() => {}
            State::Closed if lenient => {
                cell.push(b);
                state = State::Plain;
            }
            State::Closed => return (Parse::Broken, state),
            State::Start if b == b'"' => state = State::Quoted,
            State::Start | State::Plain if b == b'\r' && i + 1 == body.len() => {}
            State::Start | State::Plain => {
                cell.push(b);
                state = State::Plain;
            }
        }
        i += 1;
    }
    if state == State::Quoted && !lenient {
        // The line break belongs to the cell, as it came.
        cell.extend_from_slice(&line[body.len()..]);
        if line.len() == body.len() {
            // No line break: this was the end of the input.
            return (Parse::Broken, state);
        }
        return (Parse::Open, state);
    }
    cells.push_field(cell);
    cell.clear();
    (Parse::Done, State::Start)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(input: &str, width: Option<usize>) -> Vec<(u64, Vec<String>, Option<Damage>)> {
        let mut records = Records::new(input.as_bytes());
        if let Some(w) = width {
            records.set_width(w);
        }
        let mut out = Vec::new();
        while let Some(r) = records.next_record().unwrap() {
            let cells = r.cells.iter().map(|c| String::from_utf8_lossy(c).into_owned()).collect();
            out.push((r.line, cells, r.damage));
        }
        out
    }

    fn cells(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn quoted_cells_delimiters_and_line_breaks() {
        let got = all("a,\"b,c\",\"say \"\"hi\"\"\"\r\n\"two\r\nlines\",x,\n", None);
        assert_eq!(got[0], (1, cells(&["a", "b,c", "say \"hi\""]), None));
        assert_eq!(got[1], (2, cells(&["two\r\nlines", "x", ""]), None));
    }

    #[test]
    fn line_numbers_count_blank_lines_and_any_line_ending() {
        let got = all("h1,h2\n\r\n1,2\r\n\n3,4\n", None);
        assert_eq!(got.iter().map(|r| r.0).collect::<Vec<_>>(), [1, 3, 5]);
    }

    #[test]
    fn an_unclosed_quote_costs_its_own_line_only() {
        // The quote opened on line 2 would swallow line 3 up to the quote on line 4.
        let got = all("h1,h2,h3\n1,\"open,3\n4,5,6\n7,\"8\",9\n10,11,12", Some(3));
        assert_eq!(got[1], (2, cells(&["1", "open,3"]), Some(Damage::Quotes)));
        assert_eq!(got[2], (3, cells(&["4", "5", "6"]), None));
        assert_eq!(got[3], (4, cells(&["7", "8", "9"]), None));
        assert_eq!(got[4], (5, cells(&["10", "11", "12"]), None));
        // Never closed at all: the rest of the file is still read.
        let got = all("h\n\"a\nb\nc\n", Some(1));
        assert_eq!(
            got.iter().map(|r| (r.0, r.2)).collect::<Vec<_>>(),
            [(1, None), (2, Some(Damage::Quotes)), (3, None), (4, None)]
        );
    }

    #[test]
    fn the_delimiter_is_the_first_lines_most_frequent() {
        let got = all("a;\"b,c\";d, e\n1;2;3\n", None);
        assert_eq!(got[0].1, cells(&["a", "b,c", "d, e"]));
        let got = all("a\tb,c\td\n", None);
        assert_eq!(got[0].1, cells(&["a", "b,c", "d"]));
    }

    #[test]
    fn text_after_a_closing_quote_breaks_the_record() {
        let got = all("\"a\"b,c\n", None);
        assert_eq!(got[0], (1, cells(&["ab", "c"]), Some(Damage::Quotes)));
    }

    #[test]
    fn a_row_over_the_limit_is_cut_and_reading_goes_on() {
        let long = "x".repeat(MAX_ROW_BYTES + 10);
        let got = all(&format!("h,i\n1,{long}\n2,3\n"), Some(2));
        assert_eq!(got[1].2, Some(Damage::TooLong));
        assert_eq!(got[1].1[0], "1");
        assert_eq!(got[2], (3, cells(&["2", "3"]), None));
    }

    #[test]
    fn a_line_is_read_the_same_whether_or_not_it_lies_whole_in_the_buffer() {
        let max = MAX_ROW_BYTES;
        let mut text = Vec::new();
        let mut expected = Vec::new();
        // Lengths around a small buffer's and around the limit; the last line has no end.
        for (i, len) in [0, 1, 5, 6, 7, 8, 20, max - 1, max, max + 5, 3].into_iter().enumerate() {
            let mut line = vec![b'a' + i as u8; len];
            if i < 10 {
                line.push(b'\n');
            }
            let cut = line.len() > max && line.last() == Some(&b'\n') && line.len() > max + 1;
            let kept = if cut { line[..max].to_vec() } else { line.clone() };
            expected.push((line.len(), cut, kept));
            text.extend(line);
        }
        for capacity in [7, 8 << 10, 4 << 20] {
            let mut reader = io::BufReader::with_capacity(capacity, &text[..]);
            let mut got = Vec::new();
            loop {
                let mut bytes = Vec::new();
                let Some((n, cut)) = read_line(&mut reader, &mut bytes).unwrap() else { break };
                got.push((n, cut, bytes));
            }
            assert_eq!(got.len(), expected.len(), "buffer of {capacity}");
            for (g, e) in got.iter().zip(&expected) {
                assert_eq!((g.0, g.1, g.2.len()), (e.0, e.1, e.2.len()), "buffer of {capacity}");
                assert_eq!(g.2, e.2);
            }
        }
    }
}
