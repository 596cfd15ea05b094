//! The store in one SQLite file (`--store FILE`), the embedded default: owner-only, written
//! with `synchronous=FULL` and `secure_delete`, its schema versioned in `user_version` and
//! brought up to date on open.

use std::path::Path;
use std::sync::Mutex;

use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use super::db::{Record, Tx, Value, numbered_for_sqlite};

/// The first schema: one row a form token, its first answers only.
pub(super) const SCHEMA_1: &str = "
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

/// The schema this build writes (SQLite's `user_version`, PostgreSQL's `crossroads_schema`); an
/// older store is migrated on open, a newer one refused.
pub const SCHEMA_VERSION: i64 = 5;

/// How long a connection waits for another that holds the file (a write in progress).
const BUSY: std::time::Duration = std::time::Duration::from_secs(5);

pub struct Sqlite {
    conn: Mutex<Connection>,
    /// Opened to write (a server), or to read only (`screen`, which never changes a store).
    writable: bool,
    /// The schema it was opened at: a store read only is not brought up to date.
    pub version: i64,
}

impl Sqlite {
    /// Opens the store at `path`, creating it owner-only if it is not there; refuses anything
    /// that is not a regular file or not a store.
    pub fn open(path: &Path) -> Result<Sqlite, String> {
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
        Ok(Sqlite { conn: Mutex::new(conn), writable: true, version: SCHEMA_VERSION })
    }

    /// Opens the store at `path` to read only, as it is, whatever older schema it has.
    pub fn open_read_only(path: &Path) -> Result<Sqlite, String> {
        let shown = path.display();
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|e| format!("cannot open {shown}: {e}"))?;
        // A server writing a submission holds the file for a moment: wait rather than fail.
        conn.busy_timeout(BUSY).map_err(|e| format!("cannot open {shown}: {e}"))?;
        let version = schema_version(&conn).map_err(|e| format!("{shown}: {e}"))?;
        Ok(Sqlite { conn: Mutex::new(conn), writable: false, version })
    }

    /// Runs `work` in one transaction; a writer takes the file's write lock first, so that two
    /// processes never deadlock upgrading a read to a write.
    pub fn with<T, E: From<String>>(&self, work: impl FnOnce(&mut dyn Tx) -> Result<T, E>) -> Result<T, E> {
        let mut conn = self.conn.lock().map_err(|_| "the store is unavailable".to_string())?;
        let behavior =
            if self.writable { TransactionBehavior::Immediate } else { TransactionBehavior::Deferred };
        let tx = conn.transaction_with_behavior(behavior).map_err(|e| e.to_string())?;
        let mut on = On(&tx);
        let done = work(&mut on)?;
        tx.commit().map_err(|e| e.to_string())?;
        Ok(done)
    }
}

struct On<'a>(&'a rusqlite::Transaction<'a>);

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Value::Null => ToSqlOutput::Owned(rusqlite::types::Value::Null),
            Value::Int(v) => ToSqlOutput::Owned(rusqlite::types::Value::Integer(*v)),
            Value::Text(t) => ToSqlOutput::Borrowed(ValueRef::Text(t.as_bytes())),
        })
    }
}

impl Tx for On<'_> {
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, String> {
        let mut statement = self.0.prepare_cached(&numbered_for_sqlite(sql)).map_err(|e| e.to_string())?;
        let changed = statement.execute(rusqlite::params_from_iter(params)).map_err(|e| e.to_string())?;
        Ok(changed as u64)
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Record>, String> {
        let mut statement = self.0.prepare_cached(&numbered_for_sqlite(sql)).map_err(|e| e.to_string())?;
        let columns = statement.column_count();
        let mut rows = statement.query(rusqlite::params_from_iter(params)).map_err(|e| e.to_string())?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(|e| e.to_string())? {
            let mut values = Vec::with_capacity(columns);
            for i in 0..columns {
                values.push(match row.get_ref(i).map_err(|e| e.to_string())? {
                    ValueRef::Null => Value::Null,
                    ValueRef::Integer(v) => Value::Int(v),
                    ValueRef::Real(v) => Value::Int(v as i64),
                    ValueRef::Text(t) | ValueRef::Blob(t) => {
                        Value::Text(String::from_utf8_lossy(t).into_owned())
                    }
                });
            }
            out.push(Record(values));
        }
        Ok(out)
    }

    /// The transaction already holds the whole file.
    fn lock(&mut self, _key: &str) -> Result<(), String> {
        Ok(())
    }
}

/// The store's schema version, refused when newer than this build knows: what it would
/// write or read could be wrong.
pub fn schema_version(conn: &Connection) -> Result<i64, String> {
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
