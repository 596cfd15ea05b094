//! Rosters of people to meet (coaches): their file format (YAML or CSV), read and checked
//! against the values a pack's `matching` allows. The format is the tool's; what counts in it
//! is the pack's.

use std::collections::HashSet;
use std::ops::Range;
use std::path::Path;

use schemars::JsonSchema;
use serde::Deserialize;

use crate::engine::model::Matching;
use crate::util::diag::{Code, Diagnostic, FileId, Sources, did_you_mean};
use crate::util::yaml::{Spanned, range_of};

/// The most a roster file may hold: far above any real roster, small enough to read at once.
pub const MAX_BYTES: u64 = 4 * 1024 * 1024;
/// The most entries a roster may list.
pub const MAX_ENTRIES: usize = 10_000;

pub use crate::engine::model::Field;

/// A roster file in YAML (the CSV form has a column per field, lists split by `;`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Roster")]
pub struct RawRoster {
    #[schemars(with = "Vec<RawEntry>")]
    pub coaches: Spanned<Vec<RawEntry>>,
}

/// One person on a roster. Every field but `id` and `name` is optional; what a pack's
/// `matching.values` lists for a field are the values it may take.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "RosterEntry")]
pub struct RawEntry {
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// How to reach them (a web page or an address), shown as written.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub contact: Option<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub style: Option<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub structure: Option<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub approach: Vec<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub languages: Vec<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub price_band: Option<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub specialities: Vec<Spanned<String>>,
    /// What they offer, such as a free sample session.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub offers: Vec<Spanned<String>>,
    /// Used only for a person who said they want a coach of a given gender.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub gender: Option<Spanned<String>>,
    /// Used only for a person who said they want a coach of a given age.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub age_band: Option<Spanned<String>>,
}

/// One person on a checked roster.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: String,
    pub name: String,
    pub contact: Option<String>,
    /// By `Field::ALL`'s order.
    fields: Vec<Vec<String>>,
}

impl Entry {
    pub fn field(&self, field: Field) -> &[String] {
        &self.fields[field.index()]
    }
}

/// A value as read, with where it was written.
type Located = (String, Range<usize>);

/// An entry before its values are checked.
struct Unchecked {
    id: Located,
    name: Located,
    contact: Option<String>,
    fields: Vec<Vec<Located>>,
}

/// Reads a roster (YAML, or CSV by its `.csv` name) and checks it against the pack's values.
pub fn read(path: &Path, matching: &Matching, sources: &mut Sources) -> Result<Vec<Entry>, Vec<Diagnostic>> {
    let text = crate::util::files::read_text(path, MAX_BYTES, "a roster").map_err(|err| {
        vec![
            Diagnostic::error(Code::Io, format!("cannot read the roster `{}`: {err}", path.display()))
                .note("a roster is a YAML or CSV file (`crossroads rules schema roster`)"),
        ]
    })?;
    let file = sources.add(path.display().to_string(), text);
    let csv = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let unchecked =
        if csv { from_csv(sources.source(file), file)? } else { from_yaml(sources.source(file), file)? };
    check(unchecked, matching, file)
}

fn from_yaml(text: &str, file: FileId) -> Result<Vec<Unchecked>, Vec<Diagnostic>> {
    let raw: RawRoster = crate::util::yaml::parse(text).map_err(|err| vec![err.diagnostic(file)])?;
    let located = |s: &Spanned<String>| (s.value.clone(), range_of(s));
    Ok(raw
        .coaches
        .value
        .into_iter()
        .map(|e| {
            let one = |s: &Option<Spanned<String>>| s.iter().map(located).collect::<Vec<_>>();
            let many = |v: &[Spanned<String>]| v.iter().map(located).collect::<Vec<_>>();
            let fields = Field::ALL
                .iter()
                .map(|f| match f {
                    Field::Style => one(&e.style),
                    Field::Structure => one(&e.structure),
                    Field::Approach => many(&e.approach),
                    Field::Languages => many(&e.languages),
                    Field::PriceBand => one(&e.price_band),
                    Field::Specialities => many(&e.specialities),
                    Field::Offers => many(&e.offers),
                    Field::Gender => one(&e.gender),
                    Field::AgeBand => one(&e.age_band),
                })
                .collect();
            Unchecked {
                id: located(&e.id),
                name: located(&e.name),
                contact: e.contact.map(|c| c.value),
                fields,
            }
        })
        .collect())
}

fn from_csv(text: &str, file: FileId) -> Result<Vec<Unchecked>, Vec<Diagnostic>> {
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(text.as_bytes());
    let header_error = |message: String, label: String| {
        let header = 0..text.find('\n').unwrap_or(text.len());
        vec![Diagnostic::error(Code::UnknownColumn, message).at(file, header, label)]
    };
    let headers = reader
        .headers()
        .map_err(|err| header_error(format!("cannot read the roster's header: {err}"), "this header".into()))?
        .clone();
    let allowed: Vec<&str> =
        ["id", "name", "contact"].into_iter().chain(Field::ALL.iter().map(|f| f.name())).collect();
    let mut columns = Vec::new();
    let mut seen = HashSet::new();
    for h in headers.iter() {
        let h = h.trim().trim_start_matches('\u{feff}');
        if !allowed.contains(&h) {
            return Err(header_error(
                format!("the roster has a column `{h}`"),
                did_you_mean(h, allowed.iter().copied()),
            ));
        }
        if !seen.insert(h.to_string()) {
            return Err(header_error(
                format!("the roster has two columns `{h}`"),
                "one column per field".into(),
            ));
        }
        columns.push(h.to_string());
    }
    for needed in ["id", "name"] {
        if !columns.iter().any(|c| c == needed) {
            return Err(header_error(
                format!("the roster has no `{needed}` column"),
                "every entry needs an id and a name".into(),
            ));
        }
    }
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|err| {
            let at = err.position().map_or(0, |p| p.byte() as usize);
            vec![Diagnostic::error(Code::InvalidYaml, format!("the roster is not valid CSV: {err}")).at(
                file,
                at..at,
                "here",
            )]
        })?;
        let start = record.position().map_or(0, |p| p.byte() as usize);
        let end = text[start..].find('\n').map_or(text.len(), |n| start + n);
        let row = start..end;
        let mut entry = Unchecked {
            id: (String::new(), row.clone()),
            name: (String::new(), row.clone()),
            contact: None,
            fields: vec![Vec::new(); Field::ALL.len()],
        };
        for (column, cell) in columns.iter().zip(record.iter()) {
            let cell = cell.trim();
            match (column.as_str(), Field::named(column)) {
                ("id", _) => entry.id.0 = cell.to_string(),
                ("name", _) => entry.name.0 = cell.to_string(),
                ("contact", _) => entry.contact = Some(cell.to_string()).filter(|c| !c.is_empty()),
                (_, Some(field)) => {
                    entry.fields[field.index()] = cell
                        .split(';')
                        .map(str::trim)
                        .filter(|v| !v.is_empty())
                        .map(|v| (v.to_string(), row.clone()))
                        .collect();
                }
                _ => {}
            }
        }
        out.push(entry);
    }
    Ok(out)
}

fn check(
    unchecked: Vec<Unchecked>,
    matching: &Matching,
    file: FileId,
) -> Result<Vec<Entry>, Vec<Diagnostic>> {
    let mut diagnostics = Vec::new();
    if unchecked.len() > MAX_ENTRIES {
        return Err(vec![Diagnostic::error(
            Code::UnknownValue,
            format!("the roster lists {} entries; at most {MAX_ENTRIES} are read", unchecked.len()),
        )]);
    }
    if unchecked.is_empty() {
        diagnostics.push(Diagnostic::error(Code::MissingField, "the roster lists no one").at(
            file,
            0..0,
            "here",
        ));
    }
    let mut ids = HashSet::new();
    let mut out = Vec::new();
    for e in unchecked {
        let (id, at) = &e.id;
        if id.is_empty() {
            diagnostics.push(Diagnostic::error(Code::MissingField, "an entry without an id").at(
                file,
                at.clone(),
                "here",
            ));
        } else if !ids.insert(id.clone()) {
            diagnostics.push(
                Diagnostic::error(Code::DuplicateId, format!("two entries have the id `{id}`")).at(
                    file,
                    at.clone(),
                    "the second",
                ),
            );
        }
        if e.name.0.trim().is_empty() {
            diagnostics.push(Diagnostic::error(Code::MissingField, format!("entry `{id}` has no name")).at(
                file,
                e.name.1.clone(),
                "here",
            ));
        }
        for (field, values) in Field::ALL.iter().zip(&e.fields) {
            if !field.is_list() && values.len() > 1 {
                diagnostics.push(
                    Diagnostic::error(
                        Code::UnknownValue,
                        format!("entry `{id}` gives `{}` more than one value", field.name()),
                    )
                    .at(file, values[1].1.clone(), "one value here"),
                );
            }
            let Some((_, allowed)) = matching.values.iter().find(|(f, _)| f == field) else { continue };
            for (value, at) in values {
                if !allowed.iter().any(|(v, _)| v == value) {
                    let names = allowed.iter().map(|(v, _)| v.as_str());
                    diagnostics.push(
                        Diagnostic::error(
                            Code::UnknownValue,
                            format!("entry `{id}`: `{value}` is not a value of `{}`", field.name()),
                        )
                        .at(file, at.clone(), did_you_mean(value, names.clone()))
                        .note(format!("the pack allows {}", names.collect::<Vec<_>>().join(", "))),
                    );
                }
            }
        }
        out.push(Entry {
            id: e.id.0,
            name: e.name.0,
            contact: e.contact,
            fields: e.fields.into_iter().map(|v| v.into_iter().map(|(s, _)| s).collect()).collect(),
        });
    }
    if diagnostics.is_empty() { Ok(out) } else { Err(diagnostics) }
}
