//! `crossroads rules fmt`: a pack's files in canonical order and layout, comments kept.
//!
//! Works on lines, not on a YAML tree, so that every comment stays beside what it is about:
//! top-level sections and the keys of each item are put in a fixed order (each key with
//! its comment lines above it and its whole value below), items are indented by two spaces
//! with one blank line between them, and trailing spaces go. The result is read back and must
//! hold the same data and the same comments as the original; a file laid out in a way this
//! cannot follow is reported and left as it is.

use std::io::Write;
use std::path::Path;

use crate::run::{EXIT_INVALID, EXIT_OK, Io};

/// Top-level sections, in the schema's order.
pub const SECTIONS: &[&str] = &[
    "pack",
    "questions",
    "scores",
    "flags",
    "rules",
    "modalities",
    "support",
    "guides",
    "tests",
    "matching",
];

/// The keys of an item of each section (or of the `pack` mapping): the schema's order, but
/// where the built-in pack reads better otherwise (what a flag is about, before its condition;
/// a guide's source before its long list).
pub const KEYS: &[(&str, &[&str])] = &[
    (
        "pack",
        &[
            "id",
            "version",
            "name",
            "description",
            "languages",
            "sources",
            "readiness",
            "readiness_for",
            "expected",
            "aggregates",
            "compare",
        ],
    ),
    (
        "questions",
        &[
            "id",
            "kind",
            "text",
            "help",
            "help_on_paper",
            "required",
            "fixed",
            "respondent",
            "min",
            "max",
            "labels",
            "options",
            "rows",
            "own_rows",
            "columns",
            "gap",
            "show_if",
        ],
    ),
    ("scores", &["id", "name", "parts", "bands"]),
    (
        "flags",
        &[
            "id",
            "severity",
            "kind",
            "about",
            "when",
            "message",
            "rules_out",
            "puts_first",
            "weights",
            "support",
            "guides",
            "confidential",
            "source",
        ],
    ),
    ("rules", &["id", "phase", "when", "weights", "because", "argues_for", "source", "guides"]),
    ("modalities", &["id", "name", "fits_when", "confidential", "next_steps", "guides"]),
    ("support", &["id", "name", "contact", "note"]),
    ("guides", &["id", "title", "source", "items"]),
    ("tests", &["id", "description", "extends", "answers", "expect"]),
    ("matching", &["for", "at_least", "at_most", "advice", "source", "values", "criteria"]),
];

/// Formats every `.yaml` file of the pack in `dir`; with `check`, only says which would change
/// and how.
pub fn run(dir: &Path, check: bool, io: &mut Io) -> i32 {
    let files = match crate::pack::load::read_dir(dir) {
        Ok(files) => files,
        Err(diagnostics) => {
            let _ = crate::util::diag::Sources::default().render(&diagnostics, io.stderr, io.stderr_color);
            return EXIT_INVALID;
        }
    };
    let (mut changed, mut failed) = (0, 0);
    for (relative, shown, text) in files {
        let formatted = match format(&text) {
            Ok(formatted) => formatted,
            Err(why) => {
                let _ =
                    writeln!(io.stderr, "error: cannot format `{shown}` safely: {why}; it is left as it is");
                failed += 1;
                continue;
            }
        };
        if formatted == text {
            continue;
        }
        changed += 1;
        if check {
            // What would change, as a unified diff, so that CI's log says what to fix.
            let _ = writeln!(io.stdout, "{shown}: not formatted");
            let diff = similar::TextDiff::from_lines(&text, &formatted);
            let before = format!("{shown} (as it is)");
            let after = format!("{shown} (formatted)");
            let _ = write!(io.stdout, "{}", diff.unified_diff().context_radius(2).header(&before, &after));
        } else if let Err(e) = replace(&dir.join(&relative), &formatted) {
            let _ = writeln!(io.stderr, "error: cannot write `{shown}`: {e}");
            failed += 1;
        } else {
            let _ = writeln!(io.stdout, "{shown}: formatted");
        }
    }
    if failed > 0 || (check && changed > 0) { EXIT_INVALID } else { EXIT_OK }
}

/// Replaces a pack file whole (a temporary file renamed over it), keeping its permissions.
fn replace(path: &Path, text: &str) -> std::io::Result<()> {
    let permissions = std::fs::metadata(path)?.permissions();
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    file.write_all(text.as_bytes())?;
    file.as_file().set_permissions(permissions)?;
    file.as_file().sync_all()?;
    file.persist(path).map(drop).map_err(|e| e.error)
}

/// One file, formatted; an error when the result would not hold the same data and comments.
pub fn format(text: &str) -> Result<String, String> {
    let lines: Vec<&str> = text.lines().map(|l| l.trim_end()).collect();
    let (header, sections) = split_top(&lines);
    let mut out: Vec<String> = header.iter().map(|l| l.to_string()).collect();
    trim_blank_end(&mut out);
    let mut sections: Vec<(usize, Vec<&str>)> =
        sections.into_iter().map(|block| (rank(SECTIONS, key_of(&block)), block)).collect();
    sections.sort_by_key(|(rank, _)| *rank);
    for (_, block) in sections {
        if !out.is_empty() {
            out.push(String::new());
        }
        out.extend(section(&block));
    }
    let mut formatted = out.join("\n");
    formatted.push('\n');
    same_meaning(text, &formatted)?;
    Ok(formatted)
}

/// The file's opening comments (up to the first blank line before a key), and its top-level
/// blocks, each with the comments just above it.
fn split_top<'a>(lines: &[&'a str]) -> (Vec<&'a str>, Vec<Vec<&'a str>>) {
    let mut blocks: Vec<Vec<&str>> = Vec::new();
    let mut pending: Vec<&str> = Vec::new();
    let mut header = Vec::new();
    for &line in lines {
        let top_key = !line.is_empty() && !line.starts_with([' ', '#', '-']);
        if top_key {
            if blocks.is_empty() && header.is_empty() {
                // Comments separated from the first key by a blank line open the file.
                if let Some(blank) = pending.iter().rposition(|l| l.is_empty()) {
                    header = pending.drain(..=blank).collect();
                }
            }
            let mut block: Vec<&str> = pending.drain(..).filter(|l| !l.is_empty()).collect();
            block.push(line);
            blocks.push(block);
        } else if line.is_empty() || (line.starts_with('#') && !blocks.is_empty()) {
            pending.push(line);
        } else if let Some(block) = blocks.last_mut() {
            block.append(&mut pending);
            block.push(line);
        } else {
            pending.push(line);
        }
    }
    if blocks.is_empty() {
        header.append(&mut pending);
    } else if let Some(last) = blocks.last_mut() {
        last.extend(pending.into_iter().filter(|l| !l.is_empty()));
    }
    (header, blocks)
}

fn key_of<'a>(block: &[&'a str]) -> &'a str {
    let line =
        block.iter().find(|l| !l.trim_start().starts_with('#') && !l.is_empty()).copied().unwrap_or("");
    let line = line.trim_start().trim_start_matches("- ");
    line.split(':').next().unwrap_or("").trim()
}

fn rank(order: &[&str], key: &str) -> usize {
    order.iter().position(|k| *k == key).unwrap_or(order.len())
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// A top-level section: its key line, then its items (a list) or its keys (a mapping).
fn section(block: &[&str]) -> Vec<String> {
    let name = key_of(block);
    let at = block.iter().position(|l| !l.starts_with('#')).unwrap_or(0);
    let mut out: Vec<String> = block[..=at].iter().map(|l| l.to_string()).collect();
    let body: Vec<&str> = block[at + 1..].to_vec();
    let order = KEYS.iter().find(|(s, _)| *s == name).map_or(&[][..], |(_, keys)| *keys);
    let first = body.iter().find(|l| !l.is_empty() && !l.trim_start().starts_with('#'));
    match first {
        Some(line) if line.trim_start().starts_with("- ") => {
            let items = split_at_indent(&body, indent(line), true);
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(String::new());
                }
                out.extend(list_item(item, 2, order));
            }
        }
        Some(line) if order.is_empty() || !body.iter().all(|l| l.is_empty() || indent(l) >= indent(line)) => {
            out.extend(body.iter().map(|l| l.to_string()));
        }
        Some(line) => {
            let keys = split_at_indent(&body, indent(line), false);
            out.extend(reorder(keys, order).into_iter().flat_map(|k| shift(&k, 2, indent(line))));
        }
        None => out.extend(body.iter().map(|l| l.to_string())),
    }
    trim_blank_end(&mut out);
    out
}

/// Splits lines into blocks that each start at `at` columns (a `- ` item, or a key), with the
/// comment lines just above; blank lines between blocks are dropped.
fn split_at_indent<'a>(lines: &[&'a str], at: usize, dashes: bool) -> Vec<Vec<&'a str>> {
    let mut blocks: Vec<Vec<&str>> = Vec::new();
    let mut pending: Vec<&str> = Vec::new();
    for &line in lines {
        let content = !line.is_empty() && !line.trim_start().starts_with('#');
        let starts = content && indent(line) == at && (!dashes || line.trim_start().starts_with("- "));
        if starts || blocks.is_empty() && content {
            let mut block: Vec<&str> = pending.drain(..).filter(|l| !l.is_empty()).collect();
            block.push(line);
            blocks.push(block);
        } else if !content && (line.is_empty() || indent(line) <= at) {
            pending.push(line);
        } else if let Some(block) = blocks.last_mut() {
            block.append(&mut pending);
            block.push(line);
        }
    }
    if let Some(last) = blocks.last_mut() {
        last.extend(pending.into_iter().filter(|l| !l.is_empty()));
    }
    blocks
}

/// One `- ` item, its keys reordered, indented by `to` columns.
fn list_item(item: &[&str], to: usize, order: &[&str]) -> Vec<String> {
    let dash = item.iter().position(|l| l.trim_start().starts_with("- ")).unwrap_or(0);
    let from = indent(item[dash]);
    let mut out: Vec<String> = item[..dash].iter().map(|l| shift_line(l, to, from)).collect();
    // The first key sits on the dash line; seen without the dash, all keys align.
    let first = item[dash].replacen("- ", "  ", 1);
    let mut body: Vec<&str> = vec![first.as_str()];
    body.extend(&item[dash + 1..]);
    let key_at = from + 2;
    let aligned = body.iter().all(|l| l.is_empty() || indent(l) >= key_at);
    let flow = body[0].trim_start().starts_with('{');
    if order.is_empty() || !aligned || flow {
        return item.iter().map(|l| shift_line(l, to, from)).collect();
    }
    let keys = reorder(split_at_indent(&body, key_at, false), order);
    let mut lines: Vec<String> = keys.into_iter().flat_map(|k| shift(&k, to + 2, key_at)).collect();
    // Comments above the first key now sit above the dash, at its indent.
    let dash_line = lines.iter().position(|l| !l.trim_start().starts_with('#')).unwrap_or(0);
    for line in &mut lines[..dash_line] {
        *line = format!("{}{}", " ".repeat(to), line.trim_start());
    }
    if let Some(first) = lines.get_mut(dash_line) {
        first.replace_range(to..to + 2, "- ");
    }
    out.extend(lines);
    out
}

fn reorder<'a>(mut blocks: Vec<Vec<&'a str>>, order: &[&str]) -> Vec<Vec<&'a str>> {
    blocks.sort_by_key(|block| rank(order, key_of(block)));
    blocks
}

fn shift(lines: &[&str], to: usize, from: usize) -> Vec<String> {
    lines.iter().map(|l| shift_line(l, to, from)).collect()
}

/// A line moved from `from` columns to `to`, keeping its indent relative to the block.
fn shift_line(line: &str, to: usize, from: usize) -> String {
    if line.is_empty() {
        return String::new();
    }
    let spaces = indent(line);
    let kept = spaces.saturating_sub(from);
    format!("{}{}", " ".repeat(to + kept), &line[spaces.min(from + kept)..])
}

fn trim_blank_end(lines: &mut Vec<String>) {
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
}

/// The formatted text must read as the same data, with the same comments.
fn same_meaning(before: &str, after: &str) -> Result<(), String> {
    let data = |text: &str| crate::util::yaml::parse::<serde_json::Value>(text).map_err(|e| e.message);
    let original = data(before).map_err(|e| format!("it is not valid YAML ({e})"))?;
    if data(after).ok() != Some(original) {
        return Err("its layout is one that `rules fmt` cannot follow".into());
    }
    let comments = |text: &str| {
        let mut c: Vec<String> =
            text.lines().filter(|l| l.trim_start().starts_with('#')).map(|l| l.trim().to_string()).collect();
        c.sort();
        c
    };
    if comments(before) != comments(after) {
        return Err("a comment would move away from its place".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_keys_and_sections_and_keeps_comments() {
        let text = "# A pack\n\nrules:\n- because: B\n  # the id\n  id: r\n\n\n  when: {q: {is: true}}   \nquestions:\n  - text: Q?\n    id: q\n    kind: yes_no\n";
        let formatted = format(text).unwrap();
        assert_eq!(
            formatted,
            "# A pack\n\nquestions:\n  - id: q\n    kind: yes_no\n    text: Q?\n\nrules:\n  # the id\n  - id: r\n    when: {q: {is: true}}\n    because: B\n"
        );
        assert_eq!(format(&formatted).unwrap(), formatted, "formatting twice changes nothing");
    }

    #[test]
    fn the_shipped_packs_are_formatted() {
        for pack in crate::pack::embedded::builtins() {
            for (name, text) in pack.files {
                let hint = format!("{name}: run `crossroads rules fmt rules/{}`", pack.name);
                assert_eq!(format(text).as_deref(), Ok(*text), "{hint}");
            }
        }
    }

    #[test]
    fn the_key_orders_cover_the_schema() {
        let schema = serde_json::to_value(super::super::schema::pack()).unwrap();
        let defs = &schema["$defs"];
        let props = |def: &str| -> Vec<String> {
            let mut p: Vec<String> = defs[def]["properties"].as_object().unwrap().keys().cloned().collect();
            p.sort();
            p
        };
        let file_props = {
            let mut p: Vec<String> = schema["properties"].as_object().unwrap().keys().cloned().collect();
            p.sort();
            p
        };
        let mut sections: Vec<String> = SECTIONS.iter().map(|s| s.to_string()).collect();
        sections.sort();
        assert_eq!(sections, file_props);
        for (section, def) in [
            ("pack", "Meta"),
            ("questions", "Question"),
            ("scores", "Score"),
            ("flags", "Flag"),
            ("rules", "Rule"),
            ("modalities", "Modality"),
            ("support", "Support"),
            ("guides", "Guide"),
            ("tests", "TestCase"),
            ("matching", "Matching"),
        ] {
            let mut keys: Vec<String> =
                KEYS.iter().find(|(s, _)| *s == section).unwrap().1.iter().map(|k| k.to_string()).collect();
            keys.sort();
            assert_eq!(keys, props(def), "{section}");
        }
    }

    #[test]
    fn refuses_what_it_cannot_follow() {
        assert!(format("rules: [\n").is_err());
    }
}
