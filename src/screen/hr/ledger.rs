//! The HR ledger (`--ledger FILE`): every noisy release, kept owner-only by whoever runs HR
//! reports, so that the same question of the same responses always gives the same counts,
//! however the file holding them was written. Without it, running a report again would draw
//! new noise each time, and the average of many runs would be the true counts. It also counts
//! the budget (ε) spent on the same responses.

use std::fs::{self, File, OpenOptions};
use std::io::Read;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::util::files::write_private;

/// A ledger holds a few numbers per report; this is thousands of reports.
const MAX_LEDGER_BYTES: u64 = 64 << 20;
/// Version 2 keys a release by what it counts; version 1 keyed it by the file's bytes, and its
/// releases are kept but can no longer be matched.
const VERSION: u32 = 2;

#[derive(Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Document {
    crossroads_ledger: u32,
    releases: Vec<Entry>,
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
    counts: Vec<i64>,
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
pub struct Released {
    pub counts: Vec<i64>,
    pub epsilon: f64,
    /// Drawn now (and spent now), rather than found from an earlier run.
    pub new: bool,
    /// ε spent on the same responses by every release in the ledger, this one included.
    pub file_epsilon: f64,
    pub file_releases: usize,
    pub warnings: Vec<String>,
}

/// The release for these keys: the one in the ledger, or one drawn by `draw` and recorded
/// before it is returned. The ledger is locked meanwhile, so two runs at once cannot both draw.
pub fn release(
    path: &Path,
    keys: &Keys,
    cells: usize,
    draw: impl FnOnce() -> Result<(Vec<i64>, f64), String>,
) -> Result<Released, String> {
    let name = path.display();
    let lock = open_locked(path).map_err(|e| format!("ledger {name}: {e}"))?;
    let mut warnings = Vec::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = lock.0.metadata().map_err(|e| format!("ledger {name}: {e}"))?.permissions().mode();
        if mode & 0o077 != 0 {
            warnings.push(format!(
                "ledger {name} can be read or changed by others (mode {:o}): whoever can change it can get new noise; it is made owner-only when next written",
                mode & 0o777
            ));
        }
    }
    let mut text = String::new();
    (&lock.0)
        .take(MAX_LEDGER_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(|e| format!("ledger {name}: {e}"))?;
    if text.len() as u64 > MAX_LEDGER_BYTES {
        return Err(format!("ledger {name} is over {} MiB: this is not a ledger", MAX_LEDGER_BYTES >> 20));
    }
    let mut doc: Document = if text.trim().is_empty() {
        Document { crossroads_ledger: VERSION, releases: Vec::new() }
    } else {
        serde_json::from_str(&text).map_err(|e| {
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
            ));
        }
    }
    let found = doc.releases.iter().find(|e| e.input == keys.content && e.query == keys.query).cloned();
    let (entry, new) = match found {
        Some(entry) if entry.counts.len() == cells => (entry, false),
        Some(entry) => {
            return Err(format!(
                "ledger {name}: the release recorded for this file and report has {} counts, this report needs {cells}; the ledger was changed by hand",
                entry.counts.len()
            ));
        }
        None => {
            let (counts, epsilon) = draw()?;
            let entry = Entry {
                input: keys.content.clone(),
                responses: keys.responses.clone(),
                query: keys.query.clone(),
                epsilon,
                counts,
            };
            doc.releases.push(entry.clone());
            let json = to_text(&doc).map_err(|e| e.to_string())?;
            write_private(path, &json, true)
                .map_err(|e| format!("ledger {name} could not be written: {e}"))?;
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
        warnings,
    })
}

/// The ledger as JSON, one release per line, so that a person can read it and a diff shows
/// one line per report.
fn to_text(doc: &Document) -> serde_json::Result<String> {
    let mut lines = Vec::with_capacity(doc.releases.len());
    for entry in &doc.releases {
        lines.push(serde_json::to_string(entry)?);
    }
    Ok(format!(
        "{{\"crossroads_ledger\": {},\n\"releases\": [\n{}\n]}}\n",
        doc.crossroads_ledger,
        lines.join(",\n")
    ))
}

/// The ledger's file, open and locked; unlocked when dropped.
struct Lock(File);

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = self.0.unlock();
    }
}

/// The ledger opened (created owner-only if absent) and locked. A run that held the lock may
/// have replaced the file meanwhile; then the lock is on the old one, so open again.
fn open_locked(path: &Path) -> std::io::Result<Lock> {
    for _ in 0..100 {
        if let Ok(meta) = fs::symlink_metadata(path)
            && !meta.is_file()
        {
            return Err(std::io::Error::other("not a regular file"));
        }
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
        }
        // O_NOFOLLOW: a symlink planted at the ledger's path after the check is refused too.
        let file = options.open(path)?;
        file.lock()?;
        let lock = Lock(file);
        if same_inode(&lock.0, path)? {
            return Ok(lock);
        }
    }
    Err(std::io::Error::other("the file keeps changing under the lock"))
}

#[cfg(unix)]
fn same_inode(file: &File, path: &Path) -> std::io::Result<bool> {
    use std::os::unix::fs::MetadataExt;
    let (open, now) = (file.metadata()?, fs::symlink_metadata(path)?);
    Ok(open.dev() == now.dev() && open.ino() == now.ino())
}

#[cfg(not(unix))]
fn same_inode(_: &File, _: &Path) -> std::io::Result<bool> {
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draw(counts: Vec<i64>) -> impl FnOnce() -> Result<(Vec<i64>, f64), String> {
        move || Ok((counts, 1.0))
    }

    fn keys(content: &str, query: &str) -> Keys {
        Keys { content: content.into(), responses: format!("r-{content}"), query: query.into() }
    }

    #[test]
    fn the_same_query_gets_the_same_release_and_others_spend_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.json");
        let first = release(&path, &keys("in", "q1"), 2, draw(vec![3, 4])).unwrap();
        assert!(first.new);
        let again =
            release(&path, &keys("in", "q1"), 2, || panic!("no new draw for a known release")).unwrap();
        assert_eq!((again.counts, again.new), (vec![3, 4], false));
        let other = release(&path, &keys("in", "q2"), 2, draw(vec![5, 6])).unwrap();
        assert!(other.new);
        assert_eq!((other.file_epsilon, other.file_releases), (2.0, 2));
        let elsewhere = release(&path, &keys("in2", "q1"), 2, draw(vec![7, 8])).unwrap();
        assert_eq!(elsewhere.file_epsilon, 1.0);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o077, 0);
        }
    }

    #[test]
    fn a_damaged_or_foreign_file_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.txt");
        fs::write(&path, "my notes\n").unwrap();
        let err = release(&path, &keys("in", "q"), 1, draw(vec![1])).err().unwrap();
        assert!(err.contains("not a crossroads ledger"), "{err}");
        assert_eq!(fs::read_to_string(&path).unwrap(), "my notes\n");
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_or_a_fifo_is_not_a_ledger() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target.json");
        fs::write(&target, "").unwrap();
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert!(release(&link, &keys("in", "q"), 1, draw(vec![1])).is_err());
        let fifo = dir.path().join("fifo");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let err = release(&fifo, &keys("in", "q"), 1, draw(vec![1])).err().unwrap();
        assert!(err.contains("not a regular file"), "{err}");
    }
}
