//! Text fitted to the terminal: wrapped between words, one column short of its width.

/// The columns text may fill: one short of the terminal's, so that no line reaches the last
/// column, where the terminal (or inquire) would break it inside a word.
pub fn columns() -> usize {
    textwrap::termwidth().saturating_sub(1).clamp(20, 100)
}

/// `text` wrapped after `taken` columns on its first line, its other lines indented by `hang`
/// (and a list item's next lines under its text), within `width`.
pub fn wrap_within(text: &str, taken: usize, hang: &str, width: usize) -> String {
    let first = " ".repeat(taken);
    let lines: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, line)| {
            let start = if i == 0 { first.as_str() } else { hang };
            let next = if line.starts_with("- ") { format!("{hang}  ") } else { hang.to_string() };
            let options = textwrap::Options::new(width).initial_indent(start).subsequent_indent(&next);
            textwrap::fill(line, options)
        })
        .collect();
    let joined = lines.join("\n");
    joined.strip_prefix(&first).unwrap_or(&joined).to_string()
}

/// The columns of a report shown at the terminal: a file's 80, or fewer on a narrower terminal.
pub fn report_columns() -> usize {
    columns().min(crate::report::render::TEXT_WIDTH)
}
