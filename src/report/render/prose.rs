//! Text for what is not one person's report (`compare`, `match`): wrapped at 80 columns, with
//! sources as numbered notes gathered at the end, then the closing line.

use std::io::{self, Write};

use crate::util::i18n;

/// `text` wrapped at 80 columns, the first line after `first`, the others after `rest`.
pub(crate) fn wrap(text: &str, first: &str, rest: &str) -> String {
    textwrap::fill(text, textwrap::Options::new(80).initial_indent(first).subsequent_indent(rest))
}

/// The sources cited so far, shown as `[n]` in the text and listed by [`Cites::finish`].
#[derive(Default)]
pub(crate) struct Cites(super::Notes<'static>);

impl Cites {
    pub fn cite(&mut self, text: &str, source: &Option<String>) -> String {
        self.0.cite(text, source)
    }

    /// The notes, then `footer`.
    pub fn finish(mut self, lang: &str, footer: &str, out: &mut dyn Write) -> io::Result<()> {
        let ui = i18n::ui(Some(lang));
        let notes = self.0.take();
        writeln!(out)?;
        if !notes.is_empty() {
            let notes: Vec<String> =
                notes.iter().enumerate().map(|(i, n)| format!("[{}] {n}", i + 1)).collect();
            let line = format!("{}{}{}.", ui.sources, ui.colon, notes.join(ui.semicolon));
            writeln!(out, "{}", wrap(&line, "", ""))?;
        }
        writeln!(out, "{}", wrap(footer, "", ""))
    }
}
