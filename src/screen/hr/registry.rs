//! Which ledger has counted whom, kept in the user's state folder
//! (`$XDG_STATE_HOME/crossroads/hr-ledgers.json`, else `~/.local/state/...`), so that a new
//! ledger, or an old copy of one, cannot give people a fresh budget: a release through a ledger
//! is refused if anyone it counts was counted by another ledger, or if the ledger holds fewer
//! releases than it did when last seen. People are known by a hash salted with the registry's
//! own salt, never their key or answers.
//!
//! It defends against a new ledger made by mistake or on purpose, and against a ledger put back
//! from a copy, by the same user on the same machine. It cannot defend against whoever deletes
//! it too, or copies the responses to another machine or account: that holder can start afresh,
//! which is why `serve` keeps its own ledger where HR cannot reach it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::accountant::{Book, Refusal, person};
use crate::util::files::{Locked, write_private};
use serde::{Deserialize, Serialize};

const VERSION: u32 = 1;
/// Two short hashes a person: millions of people.
const MAX_BYTES: u64 = 256 << 20;

#[derive(Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Document {
    crossroads_ledgers: u32,
    salt: String,
    /// Every ledger seen, by its id: where it was last, and how many releases it held.
    ledgers: BTreeMap<String, Seen>,
    /// The ledger that first counted each person, by their salted hash.
    people: BTreeMap<String, String>,
}

#[derive(Serialize, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct Seen {
    path: String,
    releases: usize,
}

/// The registry, locked while a release is made through a ledger.
pub struct Registry {
    file: Option<(PathBuf, Locked)>,
    doc: Document,
    /// The ledger being used, as it will be recorded.
    ledger: PathBuf,
    /// The people the release counts, salted for the registry.
    people: Vec<String>,
    warnings: Vec<String>,
}

/// Where the registry is: the XDG state folder, or none if the environment names no home.
pub fn location() -> Option<PathBuf> {
    let state = std::env::var_os("XDG_STATE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))?;
    Some(state.join("crossroads").join("hr-ledgers.json"))
}

impl Registry {
    /// The registry at `at` (see [`location`]), locked, for a release through `ledger` that
    /// counts `people`.
    pub fn open(at: Option<&Path>, ledger: &Path, people: &[[u8; 32]]) -> Result<Registry, Refusal> {
        let ledger = ledger.canonicalize().unwrap_or_else(|_| ledger.to_path_buf());
        let Some(path) = at.map(Path::to_path_buf) else {
            return Ok(Registry {
                file: None,
                doc: Document::default(),
                ledger,
                people: Vec::new(),
                warnings: vec![
                    "neither XDG_STATE_HOME nor HOME is set: whether these people were counted by another ledger cannot be told".into(),
                ],
            });
        };
        let name = path.display();
        if let Some(dir) = path.parent() {
            let mut builder = std::fs::DirBuilder::new();
            builder.recursive(true);
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
            builder.create(dir).map_err(|e| format!("the ledgers' registry {name}: {e}"))?;
        }
        let (lock, text) = Locked::read(&path, "the ledgers' registry", MAX_BYTES)?;
        let doc = if text.trim().is_empty() {
            let bytes: [u8; 32] = rand::random();
            Document {
                crossroads_ledgers: VERSION,
                salt: crate::util::hex::hex(&bytes),
                ..Document::default()
            }
        } else {
            let doc: Document = serde_json::from_str(&text).map_err(|e| {
                format!("the ledgers' registry {name} is damaged ({e}); HR reports wait until it is put back from a backup")
            })?;
            if doc.crossroads_ledgers != VERSION {
                return Err(format!(
                    "the ledgers' registry {name} has version {}; this tool reads version {VERSION}",
                    doc.crossroads_ledgers
                )
                .into());
            }
            doc
        };
        let people = people.iter().map(|who| person(&doc.salt, who)).collect();
        Ok(Registry { file: Some((path, lock)), doc, ledger, people, warnings: Vec::new() })
    }

    /// Refused if the ledger is an earlier copy of one seen, or if anyone counted was counted
    /// by another ledger: either would give them a fresh budget.
    pub fn check(&self, book: &Book) -> Result<(), Refusal> {
        let ledger = self.ledger.display();
        let id = book.id();
        if let Some(seen) = self.doc.ledgers.get(&id)
            && seen.releases > book.releases()
        {
            return Err(Refusal::Budget(format!(
                "refused: ledger {ledger} is an earlier copy of the ledger last seen at {}: it holds {} releases, that one held {}. \
                 A copy from before some releases would give the people they counted a fresh budget; give --ledger {} as it is now",
                seen.path,
                book.releases(),
                seen.releases,
                seen.path
            )));
        }
        let elsewhere: Vec<&String> =
            self.people.iter().filter_map(|p| self.doc.people.get(p)).filter(|other| **other != id).collect();
        if let Some(other) = elsewhere.first() {
            let path = self.doc.ledgers.get(*other).map_or("(unknown)", |s| s.path.as_str());
            let gone = if Path::new(path).is_file() {
                String::new()
            } else {
                " (it is no longer there: deleting a ledger resets nothing; put it back from a backup)".into()
            };
            return Err(Refusal::Budget(format!(
                "refused: {} of the {} people this report counts were counted before through another ledger, {path}{gone}. \
                 A second ledger would give them a fresh budget; give --ledger {path}. Nothing was released",
                elsewhere.len(),
                self.people.len()
            )));
        }
        Ok(())
    }

    /// Records the release just given through `book`: its people, and the ledger as it is now.
    pub fn record(&mut self, book: &Book) -> Result<(), Refusal> {
        let Some((path, _)) = &self.file else { return Ok(()) };
        if book.releases() == 0 {
            return Ok(());
        }
        let id = book.id();
        let mut changed = false;
        for p in &self.people {
            if !self.doc.people.contains_key(p) {
                self.doc.people.insert(p.clone(), id.clone());
                changed = true;
            }
        }
        let seen = Seen { path: self.ledger.display().to_string(), releases: book.releases() };
        let before = self.doc.ledgers.get(&id);
        if before.is_none_or(|b| b.path != seen.path || b.releases != seen.releases) {
            self.doc.ledgers.insert(id, seen);
            changed = true;
        }
        if changed {
            let json = serde_json::to_string(&self.doc).map_err(|e| e.to_string())?;
            write_private(path, &json, true)
                .map_err(|e| format!("the ledgers' registry {} could not be written: {e}", path.display()))?;
        }
        Ok(())
    }

    pub fn take_warnings(&mut self) -> Vec<String> {
        std::mem::take(&mut self.warnings)
    }
}
