//! The audit trail, kept in the store and appended only (a trigger refuses any change to a
//! row): every login and failed login, every submission or report opened, every person marked
//! contacted, every HR release or refusal. Shown to `admin`.

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
        .with(|tx| {
            tx.execute(
                "INSERT INTO audit (at, account, address, action, subject) VALUES ($1, $2, $3, $4, $5)",
                &[now().into(), account.into(), address.into(), action.into(), subject.into()],
            )
        })
        .map_err(|e| format!("the audit trail could not be written: {e}"))?;
    Ok(())
}

/// The latest `limit` lines, newest first.
pub fn latest(store: &Store, limit: i64) -> Result<Vec<Line>, String> {
    let rows = store.with(|tx| {
        tx.query(
            "SELECT at, COALESCE(account, ''), COALESCE(address, ''), action, COALESCE(subject, '') \
             FROM audit ORDER BY seq DESC LIMIT $1",
            &[limit.into()],
        )
    })?;
    Ok(rows
        .iter()
        .map(|r| Line {
            at: r.int(0),
            account: r.text(1),
            address: r.text(2),
            action: r.text(3),
            subject: r.text(4),
        })
        .collect())
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
        let changed = store.with(|tx| tx.execute("UPDATE audit SET action = 'nothing'", &[]));
        assert!(changed.unwrap_err().contains("appended only"));
    }
}
