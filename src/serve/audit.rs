//! The audit trail, kept in the store and appended only (a trigger refuses any change to a
//! row): every login and failed login, every submission or report opened, every person marked
//! contacted, every HR release or refusal. Shown to `admin`.

use rusqlite::params;

use super::store::{Store, now};

/// One line of the trail.
#[derive(Debug, Clone)]
pub struct Line {
    pub at: i64,
    /// The account that acted, or the name tried at a failed login.
    pub account: String,
    pub address: String,
    pub action: String,
    /// What it acted on: a submission's id, a release's grouping and ε.
    pub subject: String,
}

/// Appends a line. A trail that cannot be written is an error: what is not logged is not done.
pub fn record(
    store: &Store,
    account: &str,
    address: &str,
    action: &str,
    subject: &str,
) -> Result<(), String> {
    store
        .connection()?
        .execute(
            "INSERT INTO audit (at, account, address, action, subject) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![now(), account, address, action, subject],
        )
        .map_err(|e| format!("the audit trail could not be written: {e}"))?;
    Ok(())
}

/// The latest `limit` lines, newest first.
pub fn latest(store: &Store, limit: i64) -> Result<Vec<Line>, String> {
    let conn = store.connection()?;
    let mut statement = conn
        .prepare(
            "SELECT at, COALESCE(account, ''), COALESCE(address, ''), action, COALESCE(subject, '') \
             FROM audit ORDER BY seq DESC LIMIT ?1",
        )
        .map_err(|e| e.to_string())?;
    let lines = statement
        .query_map([limit], |r| {
            Ok(Line {
                at: r.get(0)?,
                account: r.get(1)?,
                address: r.get(2)?,
                action: r.get(3)?,
                subject: r.get(4)?,
            })
        })
        .map_err(|e| e.to_string())?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())?;
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_trail_is_appended_only() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s.sqlite")).unwrap();
        record(&store, "ana", "127.0.0.1", "login", "").unwrap();
        record(&store, "ana", "127.0.0.1", "opened", "abc").unwrap();
        let lines = latest(&store, 10).unwrap();
        assert_eq!(lines.iter().map(|l| l.action.as_str()).collect::<Vec<_>>(), ["opened", "login"]);
        let changed = store.connection().unwrap().execute("UPDATE audit SET action = 'nothing'", []);
        assert!(changed.unwrap_err().to_string().contains("appended only"));
    }
}
