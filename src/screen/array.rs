//! A JSON array of answer objects (SurveyJS and other tools download one, often pretty-printed)
//! read as JSON Lines: each element becomes one line, streamed byte by byte, so that memory
//! stays flat and no line of a pretty-printed object is ever taken for a row.

use std::io::{self, BufRead, Read};

/// Where the reader is in the array.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum At {
    /// Before the opening `[`.
    Start,
    /// Between elements (after `[` or a `,`).
    Between,
    /// Inside an element, at this depth of brackets and braces.
    Element { depth: u32, in_string: bool, escaped: bool },
    /// After the closing `]`: whatever follows is passed on as one more line, to be reported.
    After,
}

/// Turns the bytes of a JSON array into JSON Lines, one element a line. Whitespace between
/// tokens (line ends included) becomes a space; the bytes of strings pass untouched.
pub struct ArrayLines<R> {
    inner: R,
    at: At,
    /// Bytes ready to be read out.
    out: Vec<u8>,
    taken: usize,
}

impl<R: BufRead> ArrayLines<R> {
    pub fn new(inner: R) -> Self {
        ArrayLines { inner, at: At::Start, out: Vec::new(), taken: 0 }
    }

    /// Translates the next buffer of input; false at the end of the input.
    fn refill(&mut self) -> io::Result<bool> {
        self.out.clear();
        self.taken = 0;
        let buffer = self.inner.fill_buf()?;
        if buffer.is_empty() {
            // An element cut off by the end of the input still ends its line: a broken row.
            if matches!(self.at, At::Element { .. }) {
                self.out.push(b'\n');
                self.at = At::After;
                return Ok(true);
            }
            return Ok(false);
        }
        let n = buffer.len();
        for &b in buffer {
            self.at = step(self.at, b, &mut self.out);
        }
        self.inner.consume(n);
        Ok(true)
    }
}

fn step(at: At, b: u8, out: &mut Vec<u8>) -> At {
    match at {
        At::Start if b == b'[' => At::Between,
        At::Start if b.is_ascii_whitespace() => At::Start,
        // Not an array after all: passed on as it is, for the reader to report.
        At::Start => {
            out.push(b);
            At::After
        }
        At::Between if b.is_ascii_whitespace() || b == b',' => At::Between,
        At::Between if b == b']' => {
            out.push(b'\n');
            At::After
        }
        At::Between => step(At::Element { depth: 0, in_string: false, escaped: false }, b, out),
        At::Element { depth, in_string: true, escaped } => {
            out.push(b);
            let in_string = escaped || b != b'"';
            At::Element { depth, in_string, escaped: !escaped && b == b'\\' }
        }
        At::Element { depth, .. } => {
            let ends_element = depth == 0 && (b == b',' || b == b']');
            if ends_element {
                out.push(b'\n');
                return if b == b']' { At::After } else { At::Between };
            }
            let depth = match b {
                b'{' | b'[' => depth + 1,
                b'}' | b']' => depth.saturating_sub(1),
                _ => depth,
            };
            out.push(if b == b'\n' || b == b'\r' { b' ' } else { b });
            if depth == 0 && (b == b'}' || b == b']') {
                out.push(b'\n');
                return At::Between;
            }
            At::Element { depth, in_string: b == b'"', escaped: false }
        }
        At::After => {
            out.push(b);
            At::After
        }
    }
}

impl<R: BufRead> Read for ArrayLines<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.taken == self.out.len() {
            if !self.refill()? {
                return Ok(0);
            }
        }
        let n = buf.len().min(self.out.len() - self.taken);
        buf[..n].copy_from_slice(&self.out[self.taken..self.taken + n]);
        self.taken += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &str) -> String {
        let mut out = String::new();
        // A small buffer, so that elements and strings cross buffer boundaries.
        let reader = io::BufReader::with_capacity(3, input.as_bytes());
        ArrayLines::new(reader).read_to_string(&mut out).unwrap();
        out
    }

    #[test]
    fn each_element_of_a_pretty_printed_array_is_one_line() {
        let input =
            "[\n  {\n    \"a\": 1,\n    \"b\": [1, 2],\n    \"c\": {\"d\": \"x\"}\n  },\n  {\"a\": 2}\n]\n";
        assert_eq!(
            lines(input),
            "{     \"a\": 1,     \"b\": [1, 2],     \"c\": {\"d\": \"x\"}   }\n{\"a\": 2}\n\n\n"
        );
    }

    #[test]
    fn brackets_commas_and_quotes_inside_strings_are_text() {
        let input = r#"[{"a": "x], {\"y\", [z"}, {"b": "\\"}]"#;
        assert_eq!(lines(input), "{\"a\": \"x], {\\\"y\\\", [z\"}\n{\"b\": \"\\\\\"}\n\n");
    }

    #[test]
    fn a_cut_off_array_ends_its_last_element_as_a_broken_line() {
        assert_eq!(lines("[{\"a\": 1}, {\"b\": "), "{\"a\": 1}\n{\"b\": \n");
    }

    #[test]
    fn scalars_are_elements_too_and_trailing_text_is_passed_on() {
        assert_eq!(lines("[1, \"x\"] tail"), "1\n\"x\"\n tail");
    }
}
