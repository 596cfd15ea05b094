//! The privacy accountant, in memory: the releases made, the ε each person has had spent on
//! them (known by a salted hash, never their key or answers), and the rule that no release takes
//! anyone past the cap. The ledger file keeps its book with it, and so do the attack tests, so
//! that what they attack is what the tool ships.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::util::hex::hex;

/// Version 2 keys a release by what it counts; version 1 keyed it by the file's bytes, and its
/// releases are kept but can no longer be matched.
const VERSION: u32 = 2;

/// The cap a new ledger takes: a yes/no fact about anyone guessed right at most 96 times in 100
/// by every report of the ledger together.
pub const BUDGET_DEFAULT: f64 = 3.0;
pub const BUDGET_FLOOR: f64 = 0.1;
pub const BUDGET_CEILING: f64 = 10.0;
/// Sums of levels are not exact in binary: a sum this close to the cap is at the cap.
pub(super) const SLACK: f64 = 1e-9;

#[derive(Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Document {
    crossroads_ledger: u32,
    /// Random, made with the ledger: a person's hash is of it and their key or answers, so the
    /// ledger names no one and its hashes match nothing outside it.
    #[serde(default)]
    salt: String,
    /// The most ε any one person may have spent on them, set when the ledger is made.
    #[serde(default)]
    cap: Option<f64>,
    releases: Vec<Entry>,
    /// ε spent on each person counted, by their salted hash.
    #[serde(default)]
    spent: BTreeMap<String, f64>,
}

#[derive(Serialize, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct Entry {
    /// What the release counts: the people's answers and their groups (version 1: the SHA-256
    /// of the input file's bytes).
    input: String,
    /// The responses alone, however grouped (absent in version 1).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    responses: String,
    /// The question asked: the pack, the grouping, ε.
    query: String,
    epsilon: f64,
    /// How many people the release counted and charged (absent before the budget per person).
    #[serde(default)]
    people: usize,
    counts: Vec<i64>,
}

/// Why a release was not given.
#[derive(Debug)]
pub enum Refusal {
    /// It would take someone past the cap, or asks to raise it: the report is not made.
    Budget(String),
    /// The ledger could not be read or written.
    Other(String),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            Refusal::Budget(m) | Refusal::Other(m) => f.write_str(m),
        }
    }
}

impl From<String> for Refusal {
    fn from(message: String) -> Self {
        Refusal::Other(message)
    }
}

/// What a run asks of the ledger.
pub struct Asked<'a> {
    pub keys: &'a Keys,
    /// Who is counted, before the salt (`release::Content::people`).
    pub people: &'a [[u8; 32]],
    /// `--budget`, if given.
    pub budget: Option<f64>,
    /// The ε the release would spend.
    pub epsilon: f64,
    /// The number of counts a release holds.
    pub cells: usize,
}

/// The keys of one release.
pub struct Keys {
    /// What it counts: the people's answers and their groups.
    pub content: String,
    /// The responses alone, however grouped.
    pub responses: String,
    /// The question asked of them.
    pub query: String,
}

/// What the ledger gave for one report.
#[derive(Debug)]
pub struct Released {
    pub counts: Vec<i64>,
    pub epsilon: f64,
    /// Drawn now (and spent now), rather than found from an earlier run.
    pub new: bool,
    /// ε spent on the same responses by every release in the ledger, this one included.
    pub file_epsilon: f64,
    pub file_releases: usize,
    /// The most ε spent on anyone this release counts, by every release together.
    pub most_spent: f64,
    pub cap: f64,
    pub warnings: Vec<String>,
}

/// The releases of one ledger and what they spent, read from its text or new.
pub struct Book {
    doc: Document,
    /// To be written back: a release was drawn or the cap lowered. A report given again
    /// changes nothing, and a salt or cap made now is kept with the first release.
    changed: bool,
    warnings: Vec<String>,
}

impl Book {
    /// The book in a ledger's text, or a new one if the text is blank. `name` names the ledger
    /// in messages.
    pub fn read(text: &str, name: &str) -> Result<Book, Refusal> {
        let mut warnings = Vec::new();
        let mut doc: Document = if text.trim().is_empty() {
            Document { crossroads_ledger: VERSION, ..Document::default() }
        } else {
            serde_json::from_str(text).map_err(|e| {
                format!("ledger {name} is not a crossroads ledger ({e}); give the ledger this tool wrote, or a new path")
            })?
        };
        match doc.crossroads_ledger {
            VERSION => {}
            1 => {
                warnings.push(format!(
                    "ledger {name} was written by an earlier crossroads, which kept each release by the bytes of its file: \
                     its releases are kept, but none can be given again; releases are now kept by the responses they count"
                ));
                doc.crossroads_ledger = VERSION;
            }
            other => {
                return Err(format!(
                    "ledger {name} has version {other}; this tool reads versions 1 and {VERSION}"
                )
                .into());
            }
        }
        if doc.salt.is_empty() {
            let bytes: [u8; 32] = rand::random();
            doc.salt = hex(&bytes);
        }
        Ok(Book { doc, changed: false, warnings })
    }

    /// Nothing released yet: a ledger being made.
    pub fn is_new(&self) -> bool {
        self.doc.releases.is_empty()
    }

    /// The book's name for itself, made with it and kept by its copies: its salt's digest.
    pub fn id(&self) -> String {
        let digest =
            Sha256::new().chain_update(b"ledger id\0").chain_update(self.doc.salt.as_bytes()).finalize();
        hex(&digest[..8])
    }

    /// How many releases the book holds.
    pub fn releases(&self) -> usize {
        self.doc.releases.len()
    }

    /// What reading the book found that its keeper should know.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// A release was drawn or the cap lowered since the book was read.
    pub fn changed(&self) -> bool {
        self.changed
    }

    /// The release for these keys: the one in the book, or one drawn by `draw` and recorded
    /// before it is returned, unless it would take anyone past the cap.
    pub fn give(
        &mut self,
        asked: &Asked,
        name: &str,
        draw: impl FnOnce() -> Result<(Vec<i64>, f64), String>,
    ) -> Result<Released, Refusal> {
        let (keys, cells) = (asked.keys, asked.cells);
        let doc = &mut self.doc;
        let cap = match (doc.cap, asked.budget) {
            (None, budget) => budget.unwrap_or(BUDGET_DEFAULT),
            (Some(cap), Some(budget)) if budget > cap + SLACK => {
                return Err(Refusal::Budget(format!(
                    "--budget {budget}: ledger {name} was made with a cap of ε = {cap} a person, and a cap can be lowered, never raised; \
                     nothing was released"
                )));
            }
            (Some(cap), Some(budget)) if budget < cap - SLACK => {
                self.changed = true;
                budget
            }
            (Some(cap), _) => cap,
        };
        doc.cap = Some(cap);
        let people: HashSet<String> = asked.people.iter().map(|p| person(&doc.salt, p)).collect();
        let spent_on = |doc: &Document| {
            people.iter().map(|p| doc.spent.get(p).copied().unwrap_or(0.0)).fold(0.0, f64::max)
        };
        let found = doc.releases.iter().find(|e| e.input == keys.content && e.query == keys.query).cloned();
        let (entry, new) = match found {
            Some(entry) if entry.counts.len() == cells => (entry, false),
            Some(entry) => {
                return Err(Refusal::Other(format!(
                    "ledger {name}: the release recorded for these responses and this report has {} counts, this report needs {cells}; the ledger was changed by hand",
                    entry.counts.len()
                )));
            }
            None => {
                let epsilon = asked.epsilon;
                let over = people
                    .iter()
                    .filter(|p| doc.spent.get(*p).copied().unwrap_or(0.0) + epsilon > cap + SLACK)
                    .count();
                // Refused before any noise is drawn.
                if over > 0 {
                    let most = spent_on(doc);
                    return Err(Refusal::Budget(format!(
                        "refused: this report would spend ε = {epsilon} on {over} of the {} people it counts, who have had up to ε = {} spent on them \
                         by earlier reports recorded in {name}, past its cap of {cap} a person; nothing was released. \
                         Reports already made can be given again, the same; a smaller ε may still fit",
                        people.len(),
                        round(most)
                    )));
                }
                let (counts, epsilon) = draw()?;
                for p in &people {
                    *doc.spent.entry(p.clone()).or_insert(0.0) += epsilon;
                }
                let entry = Entry {
                    input: keys.content.clone(),
                    responses: keys.responses.clone(),
                    query: keys.query.clone(),
                    epsilon,
                    people: people.len(),
                    counts,
                };
                doc.releases.push(entry.clone());
                self.changed = true;
                (entry, true)
            }
        };
        let same_file = doc.releases.iter().filter(|e| e.responses == keys.responses);
        let file_epsilon = same_file.clone().map(|e| e.epsilon).sum();
        Ok(Released {
            counts: entry.counts,
            epsilon: entry.epsilon,
            new,
            file_epsilon,
            file_releases: same_file.count(),
            most_spent: spent_on(doc),
            cap,
            warnings: self.warnings.clone(),
        })
    }

    /// What the book has spent, for whoever keeps it: its cap, each release's ε and how many
    /// it counted, and how many people are at, near or below the cap. Nothing about any one
    /// person.
    pub fn show(&self, name: &str, out: &mut dyn std::io::Write) -> Result<(), String> {
        let doc = &self.doc;
        let write =
            |out: &mut dyn std::io::Write, line: String| writeln!(out, "{line}").map_err(|e| e.to_string());
        let cap = doc.cap.unwrap_or(BUDGET_DEFAULT);
        write(
            out,
            format!("ledger {name}: version {}, a cap of ε = {} a person", doc.crossroads_ledger, round(cap)),
        )?;
        let total: f64 = doc.releases.iter().map(|e| e.epsilon).sum();
        write(out, format!("{} releases, ε = {} in all:", doc.releases.len(), round(total)))?;
        for (i, e) in doc.releases.iter().enumerate() {
            let people =
                if e.people > 0 { format!("{} people", e.people) } else { "people not recorded".into() };
            write(out, format!("  {:>4}. ε = {}, {people}", i + 1, round(e.epsilon)))?;
        }
        let smallest = crate::screen::EPSILON_LEVELS[0];
        let at = doc.spent.values().filter(|&&s| s + smallest > cap + SLACK).count();
        let near =
            doc.spent.values().filter(|&&s| s + smallest <= cap + SLACK && s + 1.0 > cap + SLACK).count();
        let below = doc.spent.len() - at - near;
        write(out, format!("{} people counted:", doc.spent.len()))?;
        write(
            out,
            format!("  {at} at the cap (no further report can count them, not even at ε = {smallest})"),
        )?;
        write(out, format!("  {near} near it (a report at ε = 1 would take them past it)"))?;
        write(out, format!("  {below} below it"))
    }

    /// The ledger as JSON, one release per line, so that a person can read it and a diff shows
    /// one line per report.
    pub fn to_text(&self) -> serde_json::Result<String> {
        let doc = &self.doc;
        let mut lines = Vec::with_capacity(doc.releases.len());
        for entry in &doc.releases {
            lines.push(serde_json::to_string(entry)?);
        }
        Ok(format!(
            "{{\"crossroads_ledger\": {}, \"salt\": {}, \"cap\": {},\n\"releases\": [\n{}\n],\n\"spent\": {}}}\n",
            doc.crossroads_ledger,
            serde_json::to_string(&doc.salt)?,
            serde_json::to_string(&doc.cap)?,
            lines.join(",\n"),
            serde_json::to_string(&doc.spent)?,
        ))
    }
}

/// ε as a person reads it: at most three decimals.
pub fn round(epsilon: f64) -> f64 {
    (epsilon * 1000.0).round() / 1000.0
}

/// A person as a ledger or the registry knows them: a salted hash of who they are, 96 bits.
pub(super) fn person(salt: &str, who: &[u8; 32]) -> String {
    let digest = Sha256::new().chain_update(salt.as_bytes()).chain_update(who).finalize();
    hex(&digest[..12])
}
