//! Where submitted responses land (`serve --store FILE`): one SQLite file, owner-only, one
//! transaction a submission. A form submitted again with changed answers becomes the
//! submission's latest revision, the earlier ones kept beside it, so that the store always ends
//! with what the person last confirmed and an urgent answer in any revision still reaches the
//! coach. `screen FILE.sqlite` reads it (`lines.rs`).
//!
//! The tables are plain SQL (text and integers, the answers as a JSON document), so that a
//! PostgreSQL store for several instances is the same tables behind this type; only SQLite
//! ships now.

use std::path::Path;
use std::sync::Mutex;

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use serde_json::{Map, Value};

use crate::engine::answers::Answers;
use crate::engine::model::RuleSet;

mod lines;
pub use lines::{EARLIER, Submissions};

/// The first schema: one row a form token, its first answers only.
const SCHEMA_1: &str = "
CREATE TABLE IF NOT EXISTS submissions (
    id TEXT PRIMARY KEY,
    token TEXT NOT NULL UNIQUE,
    submitted_at INTEGER NOT NULL,
    pack_id TEXT NOT NULL,
    pack_version TEXT NOT NULL,
    pack_hash TEXT NOT NULL,
    answers TEXT NOT NULL
);";

/// The second: `submissions.answers` is the latest revision; each one it replaced is kept in
/// `revisions`, numbered from 1.
const SCHEMA_2: &str = "
ALTER TABLE submissions ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
ALTER TABLE submissions ADD COLUMN revised_at INTEGER;
CREATE TABLE revisions (
    submission_id TEXT NOT NULL REFERENCES submissions(id),
    revision INTEGER NOT NULL,
    submitted_at INTEGER NOT NULL,
    pack_hash TEXT NOT NULL,
    answers TEXT NOT NULL,
    PRIMARY KEY (submission_id, revision)
);";

/// The third: the organisation's accounts and their sessions (a session's token is kept only as
/// its digest), who marked whom contacted, the audit trail (appended only: a trigger refuses
/// any change to a row), and HR's privacy ledger, where the `hr` role cannot reach it.
const SCHEMA_3: &str = "
CREATE TABLE accounts (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN ('coach', 'hr', 'admin')),
    password TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    failures INTEGER NOT NULL DEFAULT 0,
    locked_until INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE sessions (
    digest TEXT PRIMARY KEY,
    account TEXT NOT NULL REFERENCES accounts(name) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE TABLE contacted (
    submission_id TEXT PRIMARY KEY REFERENCES submissions(id) ON DELETE CASCADE,
    account TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE TABLE audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    account TEXT,
    address TEXT,
    action TEXT NOT NULL,
    subject TEXT
);
CREATE TRIGGER audit_appended_only BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is appended only'); END;
CREATE TABLE hr_ledger (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    text TEXT NOT NULL
);";

/// The fourth: the digest of the receipt code a person was given with their report, with
/// which they can delete their submission.
const SCHEMA_4: &str = "
ALTER TABLE submissions ADD COLUMN receipt TEXT;
CREATE UNIQUE INDEX submissions_receipt ON submissions(receipt);";

/// The fifth: the outbox of word sent about urgent submissions (`notify.rs`), one a submission
/// and channel, deleted with the submission.
const SCHEMA_5: &str = "
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    submission_id TEXT NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
    channel TEXT NOT NULL,
    key TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at INTEGER NOT NULL,
    delivered_at INTEGER,
    last_error TEXT,
    UNIQUE (submission_id, channel)
);";

/// The schema this build writes (SQLite's `user_version`); an older store is migrated on open,
/// a newer one refused.
const SCHEMA_VERSION: i64 = 5;

/// How long a connection waits for another that holds the file (a write in progress).
const BUSY: std::time::Duration = std::time::Duration::from_secs(5);

/// What became of a submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kept {
    /// The first time this form was submitted.
    New(String),
    /// The same answers as the submission's latest: nothing new to keep.
    Same(String),
    /// Changed answers: now the submission's latest revision (numbered from 1).
    Revised(String, i64),
}

impl Kept {
    pub fn id(&self) -> &str {
        match self {
            Kept::New(id) | Kept::Same(id) | Kept::Revised(id, _) => id,
        }
    }
}

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
        // Another process (`screen`, a second server) may hold the file for a moment: wait for it
        // rather than fail a person's submission.
        conn.busy_timeout(BUSY).map_err(|e| format!("cannot open {shown}: {e}"))?;
        // FULL: a submission acknowledged is on disk, whatever happens to the process after.
        // secure_delete: what is deleted is overwritten in the file, not only unlinked.
        conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;")
            .map_err(|e| format!("{shown} is not a crossroads store: {e}"))?;
        migrate(&conn).map_err(|e| format!("{shown}: {e}"))?;
        Ok(Store { conn: Mutex::new(conn) })
    }

    /// The connection, for one piece of work; the store serves one at a time.
    pub fn connection(&self) -> Result<std::sync::MutexGuard<'_, Connection>, String> {
        self.conn.lock().map_err(|_| "the store is unavailable".to_string())
    }

    /// Keeps a submission, in one transaction. The same form token again with the same
    /// answers keeps nothing new; with changed answers, they become the latest revision and the
    /// ones they replace are kept beside them.
    ///
    /// Each time, the submission gets a new receipt code (returned; only its digest is kept),
    /// with which the person can delete it: the code on the latest page replaces any before.
    /// `notify`: the channels an urgent submission's word goes to, queued with it (once a
    /// submission and channel, whatever its revisions).
    pub fn insert(
        &self,
        token: &str,
        ruleset: &RuleSet,
        answers: &Answers,
        notify: &[&str],
    ) -> Result<(Kept, String), String> {
        let mut conn = self.connection()?;
        let tx = conn.transaction().map_err(|e| e.to_string())?;
        let now = now();
        let document = document(ruleset, answers);
        let existing: Option<(String, String, i64, i64, String)> = tx
            .query_row(
                "SELECT id, answers, revision, COALESCE(revised_at, submitted_at), pack_hash \
                 FROM submissions WHERE token = ?1",
                [token],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .optional()
            .map_err(|e| e.to_string())?;
        let kept = match existing {
            Some((id, before, _, _, hash)) if before == document && hash == ruleset.hash => Kept::Same(id),
            Some((id, before, revision, at, hash)) => {
                tx.execute(
                    "INSERT INTO revisions (submission_id, revision, submitted_at, pack_hash, answers) \
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![id, revision, at, hash, before],
                )
                .map_err(|e| e.to_string())?;
                tx.execute(
                    "UPDATE submissions SET answers = ?2, revision = ?3, revised_at = ?4, \
                     pack_id = ?5, pack_version = ?6, pack_hash = ?7 WHERE id = ?1",
                    params![
                        id,
                        document,
                        revision + 1,
                        now,
                        ruleset.meta.id,
                        ruleset.meta.version,
                        ruleset.hash
                    ],
                )
                .map_err(|e| e.to_string())?;
                Kept::Revised(id, revision + 1)
            }
            None => {
                let id = super::random_id();
                tx.execute(
                    "INSERT INTO submissions (id, token, submitted_at, pack_id, pack_version, pack_hash, answers) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![id, token, now, ruleset.meta.id, ruleset.meta.version, ruleset.hash, document],
                )
                .map_err(|e| e.to_string())?;
                Kept::New(id)
            }
        };
        let receipt = receipt_code();
        tx.execute("UPDATE submissions SET receipt = ?2 WHERE id = ?1", params![kept.id(), digest(&receipt)])
            .map_err(|e| e.to_string())?;
        queue(&tx, kept.id(), notify).map_err(|e| e.to_string())?;
        tx.commit().map_err(|e| e.to_string())?;
        Ok((kept, receipt))
    }

    /// Deletes the submission whose receipt code this is, with its revisions and whether it
    /// was contacted; its id, or none if no submission has this code.
    pub fn erase_by_receipt(&self, code: &str) -> Result<Option<String>, String> {
        let mut conn = self.connection()?;
        let tx = conn.transaction().map_err(|e| e.to_string())?;
        let id: Option<String> = tx
            .query_row("SELECT id FROM submissions WHERE receipt = ?1", [digest(&normalise(code))], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| e.to_string())?;
        if let Some(id) = &id {
            erase(&tx, id).map_err(|e| e.to_string())?;
        }
        tx.commit().map_err(|e| e.to_string())?;
        Ok(id)
    }

    /// Deletes one submission by its id; false if there is none.
    pub fn erase(&self, id: &str) -> Result<bool, String> {
        let mut conn = self.connection()?;
        let tx = conn.transaction().map_err(|e| e.to_string())?;
        let found = erase(&tx, id).map_err(|e| e.to_string())?;
        tx.commit().map_err(|e| e.to_string())?;
        Ok(found)
    }

    /// Deletes every submission last changed before `cutoff` (seconds since 1970), and the
    /// audit trail's lines about them; how many.
    pub fn expire(&self, cutoff: i64) -> Result<usize, String> {
        let mut conn = self.connection()?;
        let tx = conn.transaction().map_err(|e| e.to_string())?;
        let ids: Vec<String> = tx
            .prepare("SELECT id FROM submissions WHERE COALESCE(revised_at, submitted_at) < ?1")
            .and_then(|mut s| s.query_map([cutoff], |r| r.get(0))?.collect())
            .map_err(|e| e.to_string())?;
        for id in &ids {
            erase(&tx, id).map_err(|e| e.to_string())?;
            tx.execute("DELETE FROM audit WHERE subject = ?1", [id]).map_err(|e| e.to_string())?;
        }
        tx.commit().map_err(|e| e.to_string())?;
        Ok(ids.len())
    }
}

/// One submission as the staff's pages see it.
pub struct Row {
    pub id: String,
    pub submitted_at: i64,
    /// When its latest answers were submitted.
    pub revised_at: i64,
    pub answers: Answers,
    /// The answers each earlier revision held, oldest first.
    pub earlier: Vec<Answers>,
    /// Who marked the person contacted, and when.
    pub contacted: Option<(String, i64)>,
}

/// The answers a store keeps (a JSON object by question id) as the pack reads them: a value the
/// pack no longer accepts is left unanswered.
pub fn answers_of(ruleset: &RuleSet, json: &str) -> Answers {
    let map: Map<String, Value> = serde_json::from_str(json).unwrap_or_default();
    let values = ruleset
        .questions
        .iter()
        .map(|q| map.get(&q.id).and_then(|v| crate::engine::answers::from_value(q, v).ok().flatten()))
        .collect();
    Answers::settle(ruleset, values, None)
}

impl Store {
    /// Every submission, in the order first kept, with its earlier revisions; `only` keeps one.
    pub fn rows(&self, ruleset: &RuleSet, only: Option<&str>) -> Result<Vec<Row>, String> {
        let conn = self.connection()?;
        let failed = |e: rusqlite::Error| e.to_string();
        let mut statement = conn
            .prepare(
                "SELECT s.id, s.submitted_at, COALESCE(s.revised_at, s.submitted_at), s.answers, c.account, c.at \
                 FROM submissions s LEFT JOIN contacted c ON c.submission_id = s.id \
                 WHERE ?1 IS NULL OR s.id = ?1 ORDER BY s.rowid",
            )
            .map_err(failed)?;
        let mut rows = statement
            .query_map([only], |r| {
                let contacted: Option<String> = r.get(4)?;
                Ok(Row {
                    id: r.get(0)?,
                    submitted_at: r.get(1)?,
                    revised_at: r.get(2)?,
                    answers: answers_of(ruleset, &r.get::<_, String>(3)?),
                    earlier: Vec::new(),
                    contacted: contacted.map(|by| (by, r.get(5).unwrap_or(0))),
                })
            })
            .map_err(failed)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(failed)?;
        let mut earlier = conn
            .prepare("SELECT answers FROM revisions WHERE submission_id = ?1 ORDER BY revision")
            .map_err(failed)?;
        for row in &mut rows {
            row.earlier = earlier
                .query_map([&row.id], |r| r.get::<_, String>(0))
                .map_err(failed)?
                .map(|a| a.map(|a| answers_of(ruleset, &a)))
                .collect::<Result<Vec<_>, _>>()
                .map_err(failed)?;
        }
        Ok(rows)
    }

    /// Marks a submission's person contacted by `account`; false if there is no such submission.
    pub fn contacted(&self, id: &str, account: &str) -> Result<bool, String> {
        let conn = self.connection()?;
        let exists = conn
            .query_row("SELECT 1 FROM submissions WHERE id = ?1", [id], |_| Ok(()))
            .optional()
            .map_err(|e| e.to_string())?
            .is_some();
        if exists {
            conn.execute(
                "INSERT INTO contacted (submission_id, account, at) VALUES (?1, ?2, ?3) \
                 ON CONFLICT(submission_id) DO NOTHING",
                params![id, account, now()],
            )
            .map_err(|e| e.to_string())?;
        }
        Ok(exists)
    }
}

/// Queues word of an urgent submission (`notify.rs`) on each of `channels`, in the transaction
/// that keeps it; a submission already notified on a channel is not notified again.
fn queue(tx: &rusqlite::Transaction, submission: &str, channels: &[&str]) -> rusqlite::Result<()> {
    let at = now();
    for channel in channels {
        tx.execute(
            "INSERT INTO notifications (submission_id, channel, key, created_at, next_at) \
             VALUES (?1, ?2, ?3, ?4, ?4) ON CONFLICT (submission_id, channel) DO NOTHING",
            params![submission, channel, super::random_id(), at],
        )?;
    }
    Ok(())
}

/// Deletes a submission and everything kept of it; false if there was none.
fn erase(tx: &rusqlite::Transaction, id: &str) -> rusqlite::Result<bool> {
    tx.execute("DELETE FROM revisions WHERE submission_id = ?1", [id])?;
    tx.execute("DELETE FROM contacted WHERE submission_id = ?1", [id])?;
    tx.execute("DELETE FROM notifications WHERE submission_id = ?1", [id])?;
    Ok(tx.execute("DELETE FROM submissions WHERE id = ?1", [id])? > 0)
}

/// Crockford's base32: no I, L, O or U, so that a code read aloud or copied by hand survives.
const CODE_ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A receipt code: 20 characters of base32 (100 bits) in groups of four.
fn receipt_code() -> String {
    let bytes: [u8; 20] = rand::random();
    let chars: Vec<char> = bytes.iter().map(|b| CODE_ALPHABET[(b & 31) as usize] as char).collect();
    chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

/// A code as typed, as it was given: capitals, no spaces or dashes, O read as 0 and I or L as 1.
fn normalise(code: &str) -> String {
    let plain: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect();
    plain
        .chars()
        .collect::<Vec<_>>()
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

fn digest(code: &str) -> String {
    crate::util::hex::sha256_hex(code.as_bytes())
}

/// Seconds since 1970, as the store keeps every time.
pub fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

/// Seconds since 1970 as a UTC date and time.
pub fn when(seconds: i64) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    time::OffsetDateTime::from_unix_timestamp(seconds)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_else(|| seconds.to_string())
}

/// The store's schema version, refused when newer than this build knows: what it would
/// write or read could be wrong.
fn schema_version(conn: &Connection) -> Result<i64, String> {
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| format!("not a crossroads store: {e}"))?;
    if version > SCHEMA_VERSION {
        return Err(format!(
            "the store's schema is version {version}, newer than this crossroads knows ({SCHEMA_VERSION}); use a newer crossroads"
        ));
    }
    Ok(version)
}

/// Brings a store's schema to [`SCHEMA_VERSION`], in one transaction.
fn migrate(conn: &Connection) -> Result<(), String> {
    let version = schema_version(conn)?;
    if version == SCHEMA_VERSION {
        return Ok(());
    }
    let mut steps = String::from("BEGIN IMMEDIATE;");
    if version < 1 {
        steps.push_str(SCHEMA_1);
    }
    if version < 2 {
        steps.push_str(SCHEMA_2);
    }
    if version < 3 {
        steps.push_str(SCHEMA_3);
    }
    if version < 4 {
        steps.push_str(SCHEMA_4);
    }
    if version < 5 {
        steps.push_str(SCHEMA_5);
    }
    steps.push_str(&format!("PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;"));
    conn.execute_batch(&steps).map_err(|e| {
        let _ = conn.execute_batch("ROLLBACK;");
        format!("not a crossroads store, or one that cannot be brought up to date: {e}")
    })
}

/// The answers as the JSON object an answers file's `answers` holds.
fn document(ruleset: &RuleSet, answers: &Answers) -> String {
    let map: Map<String, Value> = crate::engine::answers::answer_values(ruleset, answers)
        .into_iter()
        .map(|(id, v)| (id.to_string(), v))
        .collect();
    Value::Object(map).to_string()
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::lines::PAGE;
    use super::*;
    use crate::util::diag::Sources;

    fn lines(path: &Path) -> Vec<Value> {
        let mut text = String::new();
        Submissions::open(path).unwrap().unwrap().read_to_string(&mut text).unwrap();
        text.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
    }

    #[test]
    fn a_receipt_code_survives_being_typed_by_hand() {
        let code = receipt_code();
        assert_eq!(code.len(), 24, "{code}");
        assert_eq!(normalise(&code.to_lowercase().replace('-', " ")), code);
        assert_eq!(normalise("o1l i"), "0111");
    }

    #[test]
    fn dates_are_shown_in_utc() {
        assert_eq!(when(0), "1970-01-01 00:00 UTC");
        assert_eq!(when(1_796_212_800), "2026-12-02 12:00 UTC");
        assert_eq!(when(951_782_400), "2000-02-29 00:00 UTC");
    }

    #[test]
    fn a_store_of_the_first_schema_is_brought_up_to_date_and_keeps_its_rows() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.sqlite");
        let old = Connection::open(&path).unwrap();
        old.execute_batch(SCHEMA_1).unwrap();
        old.execute(
            "INSERT INTO submissions VALUES ('a1', 't1', 1, 'a-pack', '1', 'h', '{\"an_old_answer\": 1}')",
            [],
        )
        .unwrap();
        drop(old);
        // Read as it is, before any server opened it.
        assert_eq!(lines(&path), vec![serde_json::json!({"id": "a1", "answers": {"an_old_answer": 1}})]);

        let ruleset = crate::pack::load_embedded(&mut Sources::default()).unwrap();
        let store = Store::open(&path).unwrap();
        let mut answers = Answers::settle(&ruleset, vec![None; ruleset.questions.len()], None);
        let single = ruleset
            .questions
            .iter()
            .position(|q| matches!(q.kind, crate::engine::model::Kind::Single { .. }));
        answers.values[single.unwrap()] = Some(crate::engine::answers::Answer::Choice(0));
        // The old row's token, with other answers: a revision of it.
        assert_eq!(store.insert("t1", &ruleset, &answers, &[]).unwrap().0, Kept::Revised("a1".into(), 2));
        assert_eq!(store.insert("t1", &ruleset, &answers, &[]).unwrap().0, Kept::Same("a1".into()));
        let kept = lines(&path);
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0][EARLIER], serde_json::json!([{"an_old_answer": 1}]));
        assert_ne!(kept[0]["answers"], kept[0][EARLIER][0]);
        drop(store);
        // Opening again changes nothing; a newer schema is refused.
        Store::open(&path).unwrap();
        Connection::open(&path).unwrap().execute_batch("PRAGMA user_version = 99").unwrap();
        let refused = Store::open(&path).err().unwrap();
        assert!(refused.contains("newer than this crossroads knows"), "{refused}");
        assert!(Submissions::open(&path).is_err());
    }

    #[test]
    fn rows_are_read_a_page_at_a_time_in_the_order_first_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("many.sqlite");
        let ruleset = crate::pack::load_embedded(&mut Sources::default()).unwrap();
        let store = Store::open(&path).unwrap();
        let answers = Answers::settle(&ruleset, vec![None; ruleset.questions.len()], None);
        let n = PAGE as usize * 3 + 5;
        let ids: Vec<String> = (0..n)
            .map(|i| store.insert(&format!("token{i}"), &ruleset, &answers, &[]).unwrap().0.id().to_string())
            .collect();
        let read: Vec<String> = lines(&path).iter().map(|l| l["id"].as_str().unwrap().to_string()).collect();
        assert_eq!(read, ids);
    }
}
