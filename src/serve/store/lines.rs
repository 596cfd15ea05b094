//! A store read as the JSON Lines `screen` takes: every submission a line, with the answers its
//! latest revision replaced, a page of rows at a time so that memory stays flat whatever the
//! store's size.

use std::path::Path;

use serde_json::Value;

use super::{Store, shown};

/// Rows read from the store at a time.
pub(super) const PAGE: i64 = 64;

/// Every submission of a store as a line of JSON Lines (`{"id": …, "answers": {…}}`, with
/// `"earlier_answers": [{…}, …]` when it was revised), in the order they were first submitted:
/// what `screen` reads a store as. Read a page of rows at a time, so memory does not grow with
/// the store.
pub struct Submissions {
    store: Store,
    /// The last row read (`rowid`: the order submissions were first kept in).
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
    /// Opens the store at `location` (a file or a PostgreSQL URL) to read only; `None` when it
    /// holds no submission yet.
    pub fn open(location: &Path) -> Result<Option<Submissions>, String> {
        let store = Store::open_read_only(location)?;
        let any = store
            .with(|tx| tx.first("SELECT 1 FROM submissions LIMIT 1", &[]))
            .map_err(|e| format!("{} is not a crossroads store: {e}", shown(location)))?
            .is_some();
        let revised = store.version() >= 2;
        let submissions =
            Submissions { store, after: i64::MIN, revised, buffer: Vec::new(), at: 0, done: false };
        Ok(any.then_some(submissions))
    }

    /// The next page of rows into the buffer; false when there are none left.
    fn fill(&mut self) -> Result<bool, String> {
        let sql = if self.revised {
            "SELECT rowid, id, answers, revision FROM submissions WHERE rowid > $1 ORDER BY rowid LIMIT $2"
        } else {
            "SELECT rowid, id, answers, 1 FROM submissions WHERE rowid > $1 ORDER BY rowid LIMIT $2"
        };
        self.buffer.clear();
        self.at = 0;
        let (after, buffer) = (&mut self.after, &mut self.buffer);
        self.store.with(|tx| -> Result<(), String> {
            for row in tx.query(sql, &[(*after).into(), PAGE.into()])? {
                let (id, revision) = (row.text(1), row.int(3));
                *after = row.int(0);
                let mut line = serde_json::json!({ "id": id, "answers": as_json(row.text(2)) });
                if revision > 1 {
                    let before: Vec<Value> = tx
                        .query(
                            "SELECT answers FROM revisions WHERE submission_id = $1 ORDER BY revision",
                            &[(&id).into()],
                        )?
                        .into_iter()
                        .map(|r| as_json(r.text(0)))
                        .collect();
                    line[EARLIER] = Value::Array(before);
                }
                // Serializing a JSON value into a Vec cannot fail.
                let _ = serde_json::to_writer(&mut *buffer, &line);
                buffer.push(b'\n');
            }
            Ok(())
        })?;
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
