//! Where submitted responses land (`serve --store FILE` or `--store postgres://…`): one
//! transaction a submission. A form submitted again with changed answers becomes the
//! submission's latest revision, the earlier ones kept beside it, so that the store always ends
//! with what the person last confirmed and an urgent answer in any revision still reaches the
//! coach. `screen` reads it (`lines.rs`).
//!
//! The tables are plain SQL (texts and integers, the answers as a JSON document), written once
//! (`db.rs`) and run on SQLite, the embedded default (`sqlite.rs`), or PostgreSQL for several
//! instances (`postgres.rs`).

use std::path::Path;

use serde_json::{Map, Value as Json};

use crate::engine::answers::Answers;
use crate::engine::model::RuleSet;

pub mod db;
mod lines;
mod postgres;
mod sqlite;
pub use db::{Record, Tx, Value};
pub use lines::{EARLIER, Submissions};
pub use postgres::is_url;

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

/// A location as messages show it: a file's path, or a URL without its password.
pub fn shown(location: &Path) -> String {
    let text = location.display().to_string();
    if is_url(&text) { postgres::shown(&text) } else { text }
}

/// The store, on whichever database it is.
pub enum Store {
    Sqlite(sqlite::Sqlite),
    Postgres(postgres::Postgres),
}

impl Store {
    /// Opens the store at `location`, a PostgreSQL URL or a file (created owner-only if it is
    /// not there), bringing its schema up to date.
    pub fn open(location: &Path) -> Result<Store, String> {
        match location.to_str().filter(|l| is_url(l)) {
            Some(url) => postgres::Postgres::open(url, true).map(Store::Postgres),
            None => sqlite::Sqlite::open(location).map(Store::Sqlite),
        }
    }

    /// Opens the store at `location` to read it as it is (`screen`).
    pub fn open_read_only(location: &Path) -> Result<Store, String> {
        match location.to_str().filter(|l| is_url(l)) {
            Some(url) => postgres::Postgres::open(url, false).map(Store::Postgres),
            None => sqlite::Sqlite::open_read_only(location).map(Store::Sqlite),
        }
    }

    /// The schema version it was opened at.
    pub fn version(&self) -> i64 {
        match self {
            Store::Sqlite(s) => s.version,
            Store::Postgres(_) => sqlite::SCHEMA_VERSION,
        }
    }

    /// Runs `work` in one transaction: committed when it returns `Ok`, rolled back otherwise.
    pub fn with<T, E: From<String>>(&self, work: impl FnOnce(&mut dyn Tx) -> Result<T, E>) -> Result<T, E> {
        match self {
            Store::Sqlite(s) => s.with(work),
            Store::Postgres(p) => p.with(work),
        }
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
        let document = document(ruleset, answers);
        self.with(|tx| {
            // The same form sent to two instances at once is kept once.
            tx.lock(token)?;
            let now = now();
            let existing = tx.first(
                "SELECT id, answers, revision, COALESCE(revised_at, submitted_at), pack_hash \
                 FROM submissions WHERE token = $1",
                &[token.into()],
            )?;
            let kept = match existing {
                Some(r) if r.text(1) == document && r.text(4) == ruleset.hash => Kept::Same(r.text(0)),
                Some(r) => {
                    let (id, revision) = (r.text(0), r.int(2));
                    tx.execute(
                        "INSERT INTO revisions (submission_id, revision, submitted_at, pack_hash, answers) \
                         VALUES ($1, $2, $3, $4, $5)",
                        &[(&id).into(), revision.into(), r.int(3).into(), r.text(4).into(), r.text(1).into()],
                    )?;
                    tx.execute(
                        "UPDATE submissions SET answers = $2, revision = $3, revised_at = $4, \
                         pack_id = $5, pack_version = $6, pack_hash = $7 WHERE id = $1",
                        &[(&id).into(), (&document).into(), (revision + 1).into(), now.into(), (&ruleset.meta.id).into(), (&ruleset.meta.version).into(), (&ruleset.hash).into()],
                    )?;
                    Kept::Revised(id, revision + 1)
                }
                None => {
                    let id = super::random_id();
                    tx.execute(
                        "INSERT INTO submissions (id, token, submitted_at, pack_id, pack_version, pack_hash, answers) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7)",
                        &[(&id).into(), token.into(), now.into(), (&ruleset.meta.id).into(), (&ruleset.meta.version).into(), (&ruleset.hash).into(), (&document).into()],
                    )?;
                    Kept::New(id)
                }
            };
            let receipt = receipt_code();
            tx.execute("UPDATE submissions SET receipt = $2 WHERE id = $1", &[kept.id().into(), digest(&receipt).into()])?;
            queue(tx, kept.id(), notify)?;
            Ok((kept, receipt))
        })
    }

    /// Deletes the submission whose receipt code this is, with its revisions and whether it
    /// was contacted; its id, or none if no submission has this code.
    pub fn erase_by_receipt(&self, code: &str) -> Result<Option<String>, String> {
        self.with(|tx| {
            let found = tx
                .first("SELECT id FROM submissions WHERE receipt = $1", &[digest(&normalise(code)).into()])?;
            let id = found.map(|r| r.text(0));
            if let Some(id) = &id {
                erase(tx, id)?;
            }
            Ok(id)
        })
    }

    /// Deletes one submission by its id; false if there is none.
    pub fn erase(&self, id: &str) -> Result<bool, String> {
        self.with(|tx| erase(tx, id))
    }

    /// Deletes every submission last changed before `cutoff` (seconds since 1970), and the
    /// audit trail's lines about them; how many.
    pub fn expire(&self, cutoff: i64) -> Result<usize, String> {
        self.with(|tx| {
            let ids = tx.query(
                "SELECT id FROM submissions WHERE COALESCE(revised_at, submitted_at) < $1",
                &[cutoff.into()],
            )?;
            for r in &ids {
                erase(tx, &r.text(0))?;
                tx.execute("DELETE FROM audit WHERE subject = $1", &[r.text(0).into()])?;
            }
            Ok(ids.len())
        })
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
    let map: Map<String, Json> = serde_json::from_str(json).unwrap_or_default();
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
        self.with(|tx| {
            let found = tx.query(
                "SELECT s.id, s.submitted_at, COALESCE(s.revised_at, s.submitted_at), s.answers, c.account, c.at, s.revision \
                 FROM submissions s LEFT JOIN contacted c ON c.submission_id = s.id \
                 WHERE $1 = '' OR s.id = $1 ORDER BY s.rowid",
                &[only.unwrap_or_default().into()],
            )?;
            let mut rows = Vec::with_capacity(found.len());
            for r in found {
                let id = r.text(0);
                let earlier = match r.int(6) {
                    1 => Vec::new(),
                    _ => tx
                        .query(
                            "SELECT answers FROM revisions WHERE submission_id = $1 ORDER BY revision",
                            &[(&id).into()],
                        )?
                        .iter()
                        .map(|e| answers_of(ruleset, &e.text(0)))
                        .collect(),
                };
                rows.push(Row {
                    id,
                    submitted_at: r.int(1),
                    revised_at: r.int(2),
                    answers: answers_of(ruleset, &r.text(3)),
                    earlier,
                    contacted: r.opt_text(4).map(|by| (by, r.int(5))),
                });
            }
            Ok(rows)
        })
    }

    /// Marks a submission's person contacted by `account`; false if there is no such submission.
    pub fn contacted(&self, id: &str, account: &str) -> Result<bool, String> {
        self.with(|tx| {
            if tx.first("SELECT 1 FROM submissions WHERE id = $1", &[id.into()])?.is_none() {
                return Ok(false);
            }
            tx.execute(
                "INSERT INTO contacted (submission_id, account, at) VALUES ($1, $2, $3) \
                 ON CONFLICT (submission_id) DO NOTHING",
                &[id.into(), account.into(), now().into()],
            )?;
            Ok(true)
        })
    }
}

/// Queues word of an urgent submission (`notify.rs`) on each of `channels`, in the transaction
/// that keeps it; a submission already notified on a channel is not notified again.
fn queue(tx: &mut dyn Tx, submission: &str, channels: &[&str]) -> Result<(), String> {
    let at = now();
    for channel in channels {
        tx.execute(
            "INSERT INTO notifications (submission_id, channel, key, created_at, next_at) \
             VALUES ($1, $2, $3, $4, $4) ON CONFLICT (submission_id, channel) DO NOTHING",
            &[submission.into(), (*channel).into(), super::random_id().into(), at.into()],
        )?;
    }
    Ok(())
}

/// Deletes a submission and everything kept of it; false if there was none.
fn erase(tx: &mut dyn Tx, id: &str) -> Result<bool, String> {
    tx.execute("DELETE FROM revisions WHERE submission_id = $1", &[id.into()])?;
    tx.execute("DELETE FROM contacted WHERE submission_id = $1", &[id.into()])?;
    tx.execute("DELETE FROM notifications WHERE submission_id = $1", &[id.into()])?;
    Ok(tx.execute("DELETE FROM submissions WHERE id = $1", &[id.into()])? > 0)
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

/// The answers as the JSON object an answers file's `answers` holds.
fn document(ruleset: &RuleSet, answers: &Answers) -> String {
    let map: Map<String, Json> = crate::engine::answers::answer_values(ruleset, answers)
        .into_iter()
        .map(|(id, v)| (id.to_string(), v))
        .collect();
    Json::Object(map).to_string()
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use rusqlite::Connection;

    use super::lines::PAGE;
    use super::sqlite::SCHEMA_1;
    use super::*;
    use crate::util::diag::Sources;

    fn lines(path: &Path) -> Vec<Json> {
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
