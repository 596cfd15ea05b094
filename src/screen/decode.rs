//! The character encoding of an export: UTF-8 (with or without a byte-order mark), UTF-16 as
//! Excel writes it, or Windows-1252 from a spreadsheet saved on Windows; detected, or named.
//! Everything past this point reads UTF-8.

use std::io::{self, BufRead, BufReader, Cursor, Read};

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};
use encoding_rs_io::DecodeReaderBytesBuilder;

/// How much of the input is looked at to tell its encoding.
const SNIFF: usize = 1 << 20;

/// The encoding used, and why; for the note on standard error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Used {
    pub encoding: &'static Encoding,
    pub how: How,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    /// Plain UTF-8, nothing to say.
    Default,
    /// A byte-order mark said so.
    Bom,
    /// Named with `--encoding`.
    Named,
    /// The bytes are not UTF-8 and hold no UTF-8 sequence at all.
    Detected,
}

impl Used {
    /// What to tell the person, unless it is plain UTF-8.
    pub fn note(&self) -> Option<String> {
        let name = self.encoding.name();
        match self.how {
            How::Default => None,
            How::Bom if self.encoding == UTF_8 => None,
            How::Bom => Some(format!("read as {name} (its byte-order mark says so)")),
            How::Named => Some(format!("read as {name}, as --encoding says")),
            How::Detected => Some(format!(
                "read as {name}: the file is not UTF-8; if its accents look wrong, name the encoding with --encoding"
            )),
        }
    }
}

/// An encoding by any of the names the Encoding Standard gives it (`utf-8`, `utf-16le`,
/// `windows-1252`, `latin1`, `iso-8859-1`, ...).
pub fn by_label(label: &str) -> Option<&'static Encoding> {
    Encoding::for_label(label.trim().as_bytes())
}

/// Reads the start of `input`, decides its encoding, and returns a reader of UTF-8. UTF-8 input
/// passes through as bytes, so that an invalid byte spoils only the row it is in.
/// `legacy` allows Windows-1252 to be detected: not for JSON Lines, which is UTF-8 by
/// definition (RFC 8259).
pub fn open<'r>(
    mut input: Box<dyn Read + 'r>,
    named: Option<&'static Encoding>,
    legacy: bool,
) -> io::Result<(Box<dyn BufRead + 'r>, Used)> {
    let mut head = Vec::with_capacity(64 * 1024);
    (&mut input).take(SNIFF as u64).read_to_end(&mut head)?;
    let used = match named {
        Some(encoding) => Used { encoding, how: How::Named },
        None => sniff(&head, legacy),
    };
    let whole = Cursor::new(head).chain(input);
    if used.encoding == UTF_8 {
        // Drop a byte-order mark, as spreadsheet programs write one.
        let mut reader = BufReader::with_capacity(1 << 16, whole);
        if reader.fill_buf()?.starts_with(b"\xEF\xBB\xBF") {
            reader.consume(3);
        }
        return Ok((Box::new(reader), used));
    }
    // A byte-order mark, where there is one, wins over a name: it cannot be wrong.
    let decoder =
        DecodeReaderBytesBuilder::new().encoding(Some(used.encoding)).bom_override(true).build(whole);
    Ok((Box::new(BufReader::with_capacity(1 << 16, decoder)), used))
}

fn sniff(head: &[u8], legacy: bool) -> Used {
    if let Some((encoding, _)) = Encoding::for_bom(head) {
        return Used { encoding, how: How::Bom };
    }
    if let Some(encoding) = utf16_without_bom(head) {
        return Used { encoding, how: How::Detected };
    }
    // Text in a legacy encoding almost never forms a valid multi-byte UTF-8 sequence, and its
    // high bytes are letters inside words ("Pr\xe9nom", or a Cyrillic word all of high bytes);
    // UTF-8 with a stray byte has valid sequences elsewhere, or high bytes that stand alone.
    // Only the first is read in a legacy encoding, which chardetng (the detector made for
    // encoding_rs, as browsers use it) names; in the second, the stray byte spoils its own row.
    // UTF-8 that is valid holds a character of more than one byte exactly when it is not all
    // ASCII, which is checked a word at a time (every `screen` of a large file looks at its
    // first mebibyte here).
    let (mut valid_multibyte, mut invalid, mut in_words) = (false, 0usize, 0usize);
    let mut offset = 0;
    while offset < head.len() {
        match std::str::from_utf8(&head[offset..]) {
            Ok(s) => {
                valid_multibyte |= !s.is_ascii();
                break;
            }
            Err(e) => {
                valid_multibyte |= !head[offset..offset + e.valid_up_to()].is_ascii();
                let at = offset + e.valid_up_to();
                let Some(n) = e.error_len() else { break };
                invalid += 1;
                if in_a_word(head, at) {
                    in_words += 1;
                }
                offset = at + n;
            }
        }
    }
    if legacy && invalid > 0 && !valid_multibyte && in_words * 2 > invalid {
        let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
        detector.feed(head, head.len() < SNIFF);
        let guess = detector.guess(None, chardetng::Utf8Detection::Deny);
        let encoding = if guess == UTF_8 { WINDOWS_1252 } else { guess };
        Used { encoding, how: How::Detected }
    } else {
        Used { encoding: UTF_8, how: How::Default }
    }
}

/// Whether the byte at `at` is inside a word: a run of at least three letters or high bytes
/// (what a word in any legacy encoding is made of) that holds an ASCII letter, or is all high
/// bytes from a letter-range start (0xC0 and up: accented Latin, Cyrillic, Greek letters).
fn in_a_word(head: &[u8], at: usize) -> bool {
    let wordy = |b: u8| b.is_ascii_alphabetic() || b >= 0x80;
    let start = head[..at].iter().rposition(|&b| !wordy(b)).map_or(0, |i| i + 1);
    let end = head[at..].iter().position(|&b| !wordy(b)).map_or(head.len(), |i| at + i);
    let word = &head[start..end];
    word.len() >= 3 && (word.iter().any(u8::is_ascii_alphabetic) || word.iter().all(|&b| b >= 0xC0))
}

/// UTF-16 without a byte-order mark: text in Latin letters has a zero in every other byte.
fn utf16_without_bom(head: &[u8]) -> Option<&'static Encoding> {
    let sample = &head[..head.len().min(4096) & !1];
    if sample.len() < 8 {
        return None;
    }
    let zeros = |offset: usize| sample.iter().skip(offset).step_by(2).filter(|&&b| b == 0).count();
    let half = sample.len() / 2;
    let (even, odd) = (zeros(0), zeros(1));
    if odd * 10 >= half * 9 && even * 10 < half {
        Some(UTF_16LE)
    } else if even * 10 >= half * 9 && odd * 10 < half {
        Some(UTF_16BE)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: Vec<u8>, named: Option<&'static Encoding>) -> (String, Used) {
        let (mut reader, used) = open(Box::new(Cursor::new(bytes)), named, true).unwrap();
        let mut out = Vec::new();
        reader.read_to_end(&mut out).unwrap();
        (String::from_utf8_lossy(&out).into_owned(), used)
    }

    #[test]
    fn utf8_with_and_without_a_mark() {
        assert_eq!(
            read("Zoë,é\n".into(), None),
            ("Zoë,é\n".into(), Used { encoding: UTF_8, how: How::Default })
        );
        let (text, used) = read(b"\xEF\xBB\xBFa,b\n".to_vec(), None);
        assert_eq!((text.as_str(), used.how), ("a,b\n", How::Bom));
    }

    #[test]
    fn utf8_with_one_bad_byte_stays_utf8() {
        let (_, used) = read(b"Zo\xc3\xab,\xff\n".to_vec(), None);
        assert_eq!(used.encoding, UTF_8);
        let (_, used) = read(b"{\"id\": \"\xff\xfe\"}\n".to_vec(), None);
        assert_eq!(used.encoding, UTF_8, "bytes that are not letters in words");
        // A stray byte inside a word, with a character of UTF-8 before it or after it.
        for bytes in [&b"Zo\xc3\xab,caf\xe9\n"[..], b"caf\xe9,Zo\xc3\xab\n"] {
            let (_, used) = read(bytes.to_vec(), None);
            assert_eq!(used.encoding, UTF_8, "{bytes:?}");
        }
        let (_, used) = read(b"Zoe,caf\xe9\n".to_vec(), None);
        assert_eq!(used.encoding, WINDOWS_1252, "the same without a character of UTF-8");
    }

    #[test]
    fn windows_1252_is_detected_or_named() {
        let bytes = b"Pr\xe9nom,R\xe9ponse\nZo\xeb,caf\xe9 \x80\n".to_vec();
        let (text, used) = read(bytes.clone(), None);
        assert_eq!(text, "Prénom,Réponse\nZoë,café €\n");
        assert_eq!(used, Used { encoding: WINDOWS_1252, how: How::Detected });
        let (text, used) = read(bytes, by_label("latin1"));
        assert_eq!((text.as_str(), used.how), ("Prénom,Réponse\nZoë,café €\n", How::Named));
    }

    #[test]
    fn other_legacy_encodings_are_detected_and_named() {
        let (cyrillic, _, _) = encoding_rs::WINDOWS_1251.encode("Имя;Ответ\nЗоя;да, конечно\nБорис;нет\n");
        let (text, used) = read(cyrillic.into_owned(), None);
        assert_eq!(text, "Имя;Ответ\nЗоя;да, конечно\nБорис;нет\n");
        assert_eq!((used.encoding, used.how), (encoding_rs::WINDOWS_1251, How::Detected));
        assert!(used.note().unwrap().contains("windows-1251"), "named in the note");
        let (greek, _, _) = encoding_rs::ISO_8859_7.encode("Όνομα,Απάντηση\nΖωή,ναι\nΝίκος,όχι\n");
        let (text, used) = read(greek.into_owned(), None);
        assert_eq!(text, "Όνομα,Απάντηση\nΖωή,ναι\nΝίκος,όχι\n", "{used:?}");
        let (polish, _, _) = encoding_rs::WINDOWS_1250.encode("Imię,Odpowiedź\nŁucja,tak, oczywiście\n");
        let (text, used) = read(polish.into_owned(), None);
        assert_eq!(text, "Imię,Odpowiedź\nŁucja,tak, oczywiście\n", "{used:?}");
    }

    #[test]
    fn utf16_as_excel_writes_it() {
        let mut le = vec![0xFF, 0xFE];
        le.extend("Nom\tÉtat\nZoë\t1\n".encode_utf16().flat_map(u16::to_le_bytes));
        let (text, used) = read(le, None);
        assert_eq!((text.as_str(), used.encoding), ("Nom\tÉtat\nZoë\t1\n", UTF_16LE));
        let be: Vec<u8> = "Name,Answer\nZoe,1\n".encode_utf16().flat_map(u16::to_be_bytes).collect();
        let (text, used) = read(be, None);
        assert_eq!((text.as_str(), used.encoding), ("Name,Answer\nZoe,1\n", UTF_16BE));
    }
}
