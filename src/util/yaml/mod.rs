//! Every call into serde-saphyr lives here, so that its fast-moving API touches one file.

use std::fmt;
use std::marker::PhantomData;
use std::ops::Range;

use serde::de::{DeserializeOwned, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use crate::util::diag::Code;

mod spanned;
pub use spanned::Spanned;

/// A YAML (or JSON: YAML is its superset) parse failure, already classified.
#[derive(Debug, Clone)]
pub struct ParseError {
    pub code: Code,
    pub message: String,
    pub range: Range<usize>,
}

/// Parses one document. Booleans are YAML 1.2's (`true`/`false` only), so an
/// answer of `no` stays the text "no" instead of silently turning into `false`.
pub fn parse<T: DeserializeOwned>(source: &str) -> Result<T, ParseError> {
    let mut options = serde_saphyr::Options::default();
    options.strict_booleans = true;
    options.budget = Some(budget());
    serde_saphyr::from_str_with_options(source, options).map_err(|err| {
        let plain = match budget_breach(&err) {
            Some(breach) => breach_message(breach),
            // serde's own guard against deep nesting, met before the budget's.
            None if err.without_snippet().to_string().contains("recursion limit exceeded") => {
                format!("lists and mappings nest more than {MAX_DEPTH} deep, the most a file may")
            }
            None => err.without_snippet().to_string(),
        };
        let range = err.location().map_or(0..0, |loc| match loc.span().byte_offset() {
            Some(_) => location_range(&loc),
            // Syntax errors come from the scanner with a line and column only.
            None => {
                let start = offset_of(source, loc.line() as usize, loc.column() as usize);
                start..start + 1
            }
        });
        classify(&plain, range, source.len())
    })
}

/// How many values, lists and mappings one file may hold: a pack file of 50,000 rules
/// written as the built-in pack writes them (about 30 each). Larger packs split across files.
pub const MAX_NODES: usize = 1_500_000;
/// How deep lists and mappings may nest in one file.
pub const MAX_DEPTH: usize = 64;

/// serde-saphyr's budget, sized for real packs.
fn budget() -> serde_saphyr::Budget {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_nodes = MAX_NODES;
    budget.max_events = 2 * MAX_NODES + 1024;
    budget.max_depth = MAX_DEPTH;
    // A pack has little use for aliases; an alias bomb is stopped long before it costs.
    budget.max_aliases = 10_000;
    budget.max_recorded_anchor_events = 250_000;
    budget
}

fn budget_breach(mut err: &serde_saphyr::Error) -> Option<&serde_saphyr::budget::BudgetBreach> {
    loop {
        match err {
            serde_saphyr::Error::Budget { breach, .. } => return Some(breach),
            serde_saphyr::Error::WithSnippet { error, .. }
            | serde_saphyr::Error::AliasError { error, .. } => err = error,
            _ => return None,
        }
    }
}

/// A breached budget in the tool's own words: what is too much, and what to do.
fn breach_message(breach: &serde_saphyr::budget::BudgetBreach) -> String {
    use serde_saphyr::budget::BudgetBreach as B;
    let split = "split it into several files";
    match breach {
        B::Nodes { .. } | B::Events { .. } => {
            format!("the file holds more than {MAX_NODES} values, lists and mappings, the most one file may; {split}")
        }
        B::Depth { .. } => format!("lists and mappings nest more than {MAX_DEPTH} deep, the most a file may"),
        B::Aliases { .. }
        | B::Anchors { .. }
        | B::AliasAnchorRatio { .. }
        | B::MergeKeys { .. }
        | B::RecordedAnchorEvents { .. }
        | B::RecordedAnchorBytes { .. } => {
            "the file's anchors and aliases (`&name`, `*name`) expand to more than a pack may hold; write the values out"
                .to_string()
        }
        B::Documents { .. } => "the file holds too many YAML documents (`---`); a pack file holds one".to_string(),
        _ => format!("the file is larger or more complex than a pack file may be; {split}"),
    }
}

fn classify(plain: &str, range: Range<usize>, len: usize) -> ParseError {
    // serde-saphyr appends the position to the message; we show it ourselves.
    let message = match plain.rfind(" at line ") {
        Some(at) => plain[..at].to_string(),
        None => plain.to_string(),
    };
    let code = if message.starts_with("unknown field") {
        Code::UnknownField
    } else if message.starts_with("duplicate mapping key") {
        Code::DuplicateKey
    } else if message.starts_with("missing field") {
        Code::MissingField
    } else if message.starts_with("unknown variant") {
        Code::UnknownValue
    } else {
        Code::InvalidYaml
    };
    let message = message
        .replace(", set DuplicateKeyPolicy in Options if acceptable", "")
        .replace("unknown variant", "unknown value");
    let start = range.start.min(len);
    let end = range.end.clamp(start, len);
    ParseError { code, message, range: start..end }
}

fn location_range(loc: &serde_saphyr::Location) -> Range<usize> {
    let span = loc.span();
    let start = span.byte_offset().unwrap_or(0) as usize;
    let len = span.byte_len().unwrap_or(0) as usize;
    start..start + len.max(1)
}

impl ParseError {
    /// As a diagnostic in `file`. A missing field is reported where its mapping ends,
    /// which the label says, so that nobody looks for it on that line.
    pub fn diagnostic(self, file: crate::util::diag::FileId) -> crate::util::diag::Diagnostic {
        let label = if self.code == Code::MissingField { "in the mapping that ends here" } else { "here" };
        crate::util::diag::Diagnostic::error(self.code, self.message).at(file, self.range, label)
    }
}

/// A mapping written in the order given (a map type would sort it).
pub struct InOrder<K, V>(pub Vec<(K, V)>);

impl<K: serde::Serialize, V: serde::Serialize> serde::Serialize for InOrder<K, V> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// Writes a value as YAML.
pub fn to_string<T: serde::Serialize>(value: &T) -> Result<String, String> {
    serde_saphyr::to_string(value).map_err(|e| e.to_string())
}

/// The byte offset of a 1-based line and character column.
fn offset_of(source: &str, line: usize, column: usize) -> usize {
    let line_start: usize = source.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
    let rest = &source[line_start.min(source.len())..];
    line_start + rest.char_indices().nth(column.saturating_sub(1)).map_or(rest.len(), |(i, _)| i)
}

/// The byte range of a spanned value in its source.
pub fn range_of<T>(spanned: &Spanned<T>) -> Range<usize> {
    location_range(&spanned.referenced)
}

/// A YAML mapping kept as its entries, in order, so that keys keep their spans
/// (a `BTreeMap` would need `Ord` on `Spanned`, and would reorder).
#[derive(Debug, Clone)]
pub struct Entries<K, V>(pub Vec<(K, V)>);

impl<K, V> Default for Entries<K, V> {
    fn default() -> Self {
        Entries(Vec::new())
    }
}

impl<'de, K: Deserialize<'de>, V: Deserialize<'de>> Deserialize<'de> for Entries<K, V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntriesVisitor<K, V>(PhantomData<(K, V)>);
        impl<'de, K: Deserialize<'de>, V: Deserialize<'de>> Visitor<'de> for EntriesVisitor<K, V> {
            type Value = Entries<K, V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Entries(entries))
            }
        }
        deserializer.deserialize_map(EntriesVisitor(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Probe {
        id: Spanned<String>,
        #[serde(default)]
        on: Option<bool>,
        #[serde(default)]
        map: Entries<Spanned<String>, u32>,
    }

    #[test]
    fn classifies_errors_and_points_at_them() {
        let err = parse::<Probe>("id: a\nidd: b\n").unwrap_err();
        assert_eq!(err.code, Code::UnknownField);
        assert_eq!(err.range, 6..9);
        assert!(err.message.starts_with("unknown field `idd`"), "{}", err.message);

        let err = parse::<Probe>("id: a\nid: b\n").unwrap_err();
        assert_eq!(err.code, Code::DuplicateKey);
        assert!(!err.message.contains("DuplicateKeyPolicy"));

        assert_eq!(parse::<Probe>("on: true\n").unwrap_err().code, Code::MissingField);
        assert_eq!(parse::<Probe>("id: [\n").unwrap_err().code, Code::InvalidYaml);
    }

    #[test]
    fn syntax_errors_point_at_their_line_and_column() {
        let source = "a: 1\nb: x: y\n";
        let err = parse::<serde_json::Value>(source).unwrap_err();
        assert_eq!(err.code, Code::InvalidYaml);
        assert_eq!(&source[err.range], ":");
        assert_eq!(offset_of("ab\nçd\n", 2, 2), 5);
    }

    #[test]
    fn yaml_one_one_booleans_are_not_booleans() {
        assert_eq!(parse::<Probe>("id: a\non: yes\n").unwrap_err().code, Code::InvalidYaml);
        assert_eq!(parse::<Probe>("id: a\non: true\n").unwrap().on, Some(true));
    }

    #[test]
    fn entries_keep_order_and_key_spans() {
        let probe = parse::<Probe>("id: a\nmap:\n  zed: 1\n  alpha: 2\n").unwrap();
        let keys: Vec<_> = probe.map.0.iter().map(|(k, _)| k.value.as_str()).collect();
        assert_eq!(keys, ["zed", "alpha"]);
        assert_eq!(range_of(&probe.map.0[1].0), 22..27);
        assert_eq!(range_of(&probe.id), 4..5);
    }
}
