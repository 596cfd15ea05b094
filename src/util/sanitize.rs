//! Text that a respondent typed, made inert before it is shown: escape sequences cannot act on
//! a terminal, and a cell cannot run as a formula in a spreadsheet.

use std::borrow::Cow;
use std::fmt::Write;

/// Characters a terminal may act on: C0 and C1 controls, DEL, and the bidirectional controls
/// that can make text read in another order than it is stored (Trojan Source).
fn acts_on_terminal(c: char) -> bool {
    c.is_control() || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every control character shown as a visible escape (`\u{1b}`), so that nothing
/// a respondent typed can move the cursor, erase a line or change colours.
pub fn terminal(text: &str) -> Cow<'_, str> {
    if !text.chars().any(acts_on_terminal) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if acts_on_terminal(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A cell for a CSV file that people open in a spreadsheet: escaped as for a terminal, and
/// prefixed with `'` where a spreadsheet would run it as a formula (OWASP, CSV injection:
/// cells starting with `=`, `+`, `-`, `@`, tab or carriage return).
pub fn spreadsheet(text: &str) -> Cow<'_, str> {
    let formula = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    match (formula, terminal(text)) {
        (false, shown) => shown,
        (true, shown) => Cow::Owned(format!("'{shown}")),
    }
}

/// Text for a Markdown document: escaped as for a terminal, on one line, with every character
/// Markdown or HTML would read as markup escaped, so that a name stays a name.
pub fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in terminal(text).chars() {
        if matches!(
            c,
            '\\' | '`'
                | '*'
                | '_'
                | '{'
                | '}'
                | '['
                | ']'
                | '('
                | ')'
                | '<'
                | '>'
                | '#'
                | '!'
                | '|'
                | '~'
                | '&'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_are_shown_not_run() {
        assert_eq!(terminal("Amara"), "Amara");
        assert_eq!(terminal("a\u{1b}[2Kb"), "a\\u{1b}[2Kb");
        assert_eq!(terminal("x\u{9b}31m"), "x\\u{9b}31m");
        assert_eq!(terminal("line\nbreak\r"), "line\\nbreak\\r");
        assert_eq!(terminal("abc\u{202e}fed"), "abc\\u{202e}fed");
        assert_eq!(terminal("Zoë ✓"), "Zoë ✓");
    }

    #[test]
    fn markup_stays_text_in_markdown() {
        assert_eq!(markdown("Dana Okafor"), "Dana Okafor");
        assert_eq!(markdown("<img src=x>"), "\\<img src=x\\>");
        assert_eq!(markdown("[x](javascript:1)"), "\\[x\\]\\(javascript:1\\)");
        assert_eq!(markdown("# *a*\nb"), "\\# \\*a\\*\\\\nb");
    }

    #[test]
    fn formulas_are_neutralised() {
        for cell in ["=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"] {
            assert!(spreadsheet(cell).starts_with('\''), "{cell}");
        }
        assert_eq!(spreadsheet("amara@example.org"), "amara@example.org");
        assert_eq!(spreadsheet("=1\u{1b}"), "'=1\\u{1b}");
    }
}
