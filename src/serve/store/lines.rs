//! A store read as the JSON Lines `screen` takes: every submission a line, with the answers its
//! latest revision replaced, a page of rows at a time so that memory stays flat whatever the
//! store's size.

use std::path::Path;

use rusqlite::{Connection, OpenFlags, params};
use serde_json::Value;

use super::{BUSY, schema_version};

/// Rows read from the store at a time.
pub(super) const PAGE: i64 = 64;

/// Every submission of a store as a line of JSON Lines (`{"id": …, "answers": {…}}`, with
/// `"earlier_answers": [{…}, …]` when it was revised), in the order they were first submitted:
/// what `screen` reads a store as. Read a page of rows at a time, so memory does not grow with
/// the store.
pub struct Submissions {
    conn: Connection,
    /// The last row read (SQLite's rowid: the order submissions were first kept in).
    after: i64,
    /// The store has revisions (schema 2 on); an older one has one answer set a row.
    revised: bool,
    buffer: Vec<u8>,
    at: usize,
    done: bool,
}

/// The key of a store's line that holds the answers its latest revision replaced.
pub const EARLIER: &str = "earlier_answers";

impl Submissions {
    /// Opens the store at `path` read-only; `None` when it holds no submission yet.
    pub fn open(path: &Path) -> Result<Option<Submissions>, String> {
        let shown = path.display();
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|e| format!("cannot open {shown}: {e}"))?;
        // A server writing a submission holds the file for a moment: wait rather than fail.
        conn.busy_timeout(BUSY).map_err(|e| format!("cannot open {shown}: {e}"))?;
        let version = schema_version(&conn).map_err(|e| format!("{shown}: {e}"))?;
        let any: bool = conn
            .query_row("SELECT EXISTS (SELECT 1 FROM submissions)", [], |r| r.get(0))
            .map_err(|e| format!("{shown} is not a crossroads store: {e}"))?;
        let revised = version >= 2;
        let submissions =
            Submissions { conn, after: i64::MIN, revised, buffer: Vec::new(), at: 0, done: false };
        Ok(any.then_some(submissions))
    }

    /// The next page of rows into the buffer; false when there are none left.
    fn fill(&mut self) -> Result<bool, rusqlite::Error> {
        let sql = if self.revised {
            "SELECT rowid, id, answers, revision FROM submissions WHERE rowid > ?1 ORDER BY rowid LIMIT ?2"
        } else {
            "SELECT rowid, id, answers, 1 FROM submissions WHERE rowid > ?1 ORDER BY rowid LIMIT ?2"
        };
        let mut statement = self.conn.prepare_cached(sql)?;
        let mut rows = statement.query(params![self.after, PAGE])?;
        self.buffer.clear();
        self.at = 0;
        while let Some(row) = rows.next()? {
            let (rowid, id, answers, revision): (i64, String, String, i64) =
                (row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?);
            self.after = rowid;
            let mut line = serde_json::json!({ "id": id, "answers": as_json(answers) });
            if revision > 1 {
                let mut earlier = self.conn.prepare_cached(
                    "SELECT answers FROM revisions WHERE submission_id = ?1 ORDER BY revision",
                )?;
                let before: Vec<Value> = earlier
                    .query_map([&id], |r| r.get::<_, String>(0))?
                    .map(|a| a.map(as_json))
                    .collect::<Result<_, _>>()?;
                line[EARLIER] = Value::Array(before);
            }
            // Serializing a JSON value into a Vec cannot fail.
            let _ = serde_json::to_writer(&mut self.buffer, &line);
            self.buffer.push(b'\n');
        }
        Ok(!self.buffer.is_empty())
    }
}

/// A row's answers that are not JSON stay a row, reported by the reader, never dropped.
fn as_json(answers: String) -> Value {
    serde_json::from_str(&answers).unwrap_or(Value::String(answers))
}

impl std::io::Read for Submissions {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.at == self.buffer.len() {
            if self.done {
                return Ok(0);
            }
            if !self.fill().map_err(std::io::Error::other)? {
                self.done = true;
                return Ok(0);
            }
        }
        let n = out.len().min(self.buffer.len() - self.at);
        out[..n].copy_from_slice(&self.buffer[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}
