//! Where submitted responses land (`serve --store FILE`): one SQLite file, owner-only, one
//! transaction a submission, a resubmitted form stored once. `screen FILE.sqlite` reads it.
//!
//! The table is plain SQL (text and integers, one row a submission, the answers as a JSON
//! document), so that a PostgreSQL store for several instances is the same table and the same
//! two statements behind this type; only SQLite ships now.

use std::path::Path;
use std::sync::Mutex;

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use serde_json::{Map, Value};

use crate::answers::Answers;
use crate::model::RuleSet;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS submissions (
    id TEXT PRIMARY KEY,
    token TEXT NOT NULL UNIQUE,
    submitted_at INTEGER NOT NULL,
    pack_id TEXT NOT NULL,
    pack_version TEXT NOT NULL,
    pack_hash TEXT NOT NULL,
    answers TEXT NOT NULL
);";

/// The first bytes of every SQLite database file.
pub const MAGIC: &[u8] = b"SQLite format 3\0";

pub struct Store {
    conn: Mutex<Connection>,
}

impl Store {
    /// Opens the store at `path`, creating it owner-only if it is not there; refuses anything
    /// that is not a regular file or not a store.
    pub fn open(path: &Path) -> Result<Store, String> {
        let shown = path.display();
        match std::fs::symlink_metadata(path) {
            Ok(meta) if !meta.file_type().is_file() => {
                return Err(format!("{shown} is not a regular file; the store must be one"));
            }
            Ok(_) => {}
            Err(_) => {
                // Created owner-only before SQLite writes anything (its journal takes the same mode).
                let mut options = std::fs::OpenOptions::new();
                options.write(true).create_new(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
                options.open(path).map_err(|e| format!("cannot create {shown}: {e}"))?;
            }
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn =
            Connection::open_with_flags(path, flags).map_err(|e| format!("cannot open {shown}: {e}"))?;
        // FULL: a submission acknowledged is on disk, whatever happens to the process after.
        conn.execute_batch(&format!("PRAGMA synchronous = FULL; {SCHEMA}"))
            .map_err(|e| format!("{shown} is not a crossroads store: {e}"))?;
        Ok(Store { conn: Mutex::new(conn) })
    }

    /// Keeps a submission, in one transaction; the same form token twice keeps the first and
    /// returns its id.
    pub fn insert(&self, token: &str, ruleset: &RuleSet, answers: &Answers) -> Result<String, String> {
        let mut conn = self.conn.lock().map_err(|_| "the store is unavailable".to_string())?;
        let tx = conn.transaction().map_err(|e| e.to_string())?;
        let existing: Option<String> = tx
            .query_row("SELECT id FROM submissions WHERE token = ?1", [token], |r| r.get(0))
            .optional()
            .map_err(|e| e.to_string())?;
        if let Some(id) = existing {
            return Ok(id);
        }
        let id = super::random_id();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        tx.execute(
            "INSERT INTO submissions (id, token, submitted_at, pack_id, pack_version, pack_hash, answers) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                id,
                token,
                now,
                ruleset.meta.id,
                ruleset.meta.version,
                ruleset.hash,
                document(ruleset, answers)
            ],
        )
        .map_err(|e| e.to_string())?;
        tx.commit().map_err(|e| e.to_string())?;
        Ok(id)
    }
}

/// The answers as the JSON object an answers file's `answers` holds.
fn document(ruleset: &RuleSet, answers: &Answers) -> String {
    let map: Map<String, Value> = crate::store::answer_values(ruleset, answers)
        .into_iter()
        .map(|(id, v)| (id.to_string(), v))
        .collect();
    Value::Object(map).to_string()
}

/// Every submission of a store as a line of JSON Lines (`{"id": …, "answers": {…}}`), oldest
/// first: what `screen` reads a store as.
pub fn as_json_lines(path: &Path) -> Result<String, String> {
    let shown = path.display();
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| format!("cannot open {shown}: {e}"))?;
    let mut statement = conn
        .prepare("SELECT id, answers FROM submissions ORDER BY submitted_at, rowid")
        .map_err(|e| format!("{shown} is not a crossroads store: {e}"))?;
    let rows = statement
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .map_err(|e| e.to_string())?;
    let mut out = String::new();
    for row in rows {
        let (id, answers) = row.map_err(|e| e.to_string())?;
        // A row's answers that are not JSON stay a row, reported by the reader, never dropped.
        let answers: Value = serde_json::from_str(&answers).unwrap_or(Value::String(answers));
        out.push_str(&serde_json::json!({ "id": id, "answers": answers }).to_string());
        out.push('\n');
    }
    Ok(out)
}
