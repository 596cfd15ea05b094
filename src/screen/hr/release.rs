//! From a run's settings to an HR release: which grouping is allowed, the keys that name the
//! release in the ledger (the input's bytes, and everything else that decides the counts),
//! and the noisy table.

use std::cell::RefCell;
use std::io::{self, Read, Write};
use std::rc::Rc;

use sha2::{Digest, Sha256};

use super::privacy::{self, Mechanism};
use super::{Grouping, Hr, Table, ledger};
use crate::engine::model::RuleSet;
use crate::screen::ScreenConfig;

/// The grouping a run asked for, or why it may not have it. `question` is the pack's grouping
/// question that `--group-by` named, if it named one.
pub fn grouping(
    config: &ScreenConfig,
    ruleset: &RuleSet,
    question: Option<usize>,
) -> Result<Grouping, String> {
    let Some(column) = &config.group_by else {
        return match config.groups.is_empty() {
            true => Ok(Grouping::None),
            false => Err("--groups goes with --group-by".into()),
        };
    };
    if let Some(q) = question {
        if !config.groups.is_empty() {
            return Err(format!(
                "--groups: the groups of question `{}` are its options, as the pack names them; leave --groups out",
                ruleset.questions[q].id
            ));
        }
        return Ok(Grouping::Question(q));
    }
    if config.groups.is_empty() {
        return Err(format!(
            "--group-by {column} needs --groups, the names of its groups as HR knows them (for example --groups Sales,Engineering,Legal); \
             the values found in the file are not used, since a department of one would appear only if its one person answered"
        ));
    }
    let mut declared: Vec<String> = Vec::new();
    for name in &config.groups {
        let name = name.trim();
        if name.is_empty() {
            return Err("--groups has an empty name; separate names with single commas".into());
        }
        if declared.iter().any(|d| d.to_lowercase() == name.to_lowercase()) {
            return Err(format!("--groups names \"{name}\" twice"));
        }
        declared.push(name.to_string());
    }
    Ok(Grouping::Column { column: column.clone(), declared })
}

/// SHA-256 in hex.
fn hex(digest: impl AsRef<[u8]>) -> String {
    digest.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

/// Names everything but the input's bytes that decides the counts and their noise: the same
/// key over the same bytes is the same question, and gets the same answer.
fn query_key(config: &ScreenConfig, hr: &Hr, mapping: Option<&[u8]>, epsilon: f64) -> String {
    let text = format!(
        "crossroads hr release 1\npack {}\nmapping {}\nkind {:?}\npreset {:?}\nencoding {:?}\nkey {:?}\ngrouping {:?}\nepsilon {}\n",
        hr.ruleset().hash,
        mapping.map(|m| hex(Sha256::digest(m))).unwrap_or_default(),
        config.kind,
        config.preset,
        config.encoding,
        config.key,
        hr.grouping(),
        epsilon.to_bits(),
    );
    hex(Sha256::digest(text.as_bytes()))
}

/// Reads through, hashing every byte, so that the ledger can know the file again.
pub struct Hashing<R> {
    inner: R,
    hasher: Rc<RefCell<Sha256>>,
}

impl<R: Read> Hashing<R> {
    pub fn new(inner: R) -> (Self, InputHash) {
        let hasher = Rc::new(RefCell::new(Sha256::new()));
        (Hashing { inner, hasher: hasher.clone() }, InputHash(hasher))
    }
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.borrow_mut().update(&buf[..n]);
        Ok(n)
    }
}

/// The hash of what a [`Hashing`] reader has read so far.
pub struct InputHash(Rc<RefCell<Sha256>>);

impl InputHash {
    pub fn hex(&self) -> String {
        hex(self.0.borrow().clone().finalize())
    }
}

/// The noisy table: the ledger's release for this input and query, or a new one drawn now.
pub fn release(hr: &Hr, config: &ScreenConfig, input: &str, err: &mut dyn Write) -> Result<Table, String> {
    let ledger_path = config.ledger.as_deref().ok_or("an HR report needs --ledger")?;
    let epsilon = config.epsilon.unwrap_or(privacy::EPSILON_DEFAULT);
    let mapping = match &config.mapping {
        Some(path) => Some(std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?),
        None => None,
    };
    let query = query_key(config, hr, mapping.as_deref(), epsilon);
    let cells = hr.flat();
    let released = ledger::release(ledger_path, input, &query, cells.len(), || {
        privacy::release(Mechanism::DiscreteLaplace, &cells, epsilon)
    })?;
    let say = |err: &mut dyn Write, line: String| writeln!(err, "{line}").map_err(|e| e.to_string());
    for w in &released.warnings {
        say(err, format!("warning: {w}"))?;
    }
    let spent = released.epsilon;
    let ledger = ledger_path.display();
    say(
        err,
        if released.new {
            format!("privacy: a new release, ε = {spent}, recorded in {ledger}")
        } else {
            format!(
                "privacy: this file and this report are in {ledger}: the same counts as before, no new budget spent"
            )
        },
    )?;
    if released.file_releases > 1 {
        say(
            err,
            format!(
                "privacy: {} different reports on this same file have spent ε = {} in all",
                released.file_releases,
                (released.file_epsilon * 1000.0).round() / 1000.0
            ),
        )?;
    }
    Ok(hr.table(&released.counts, spent, config.min_group, config.lang.as_deref()))
}
