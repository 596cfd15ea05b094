//! The organisation's accounts (`coach`, `hr`, `admin`), kept in the store: passwords hashed
//! with Argon2id, logins slowed and then refused after repeated failures (per account in the
//! store, per address in memory), and sessions whose tokens the store keeps only as digests.
//!
//! Sessions are written here rather than with a session crate: they must live in the store
//! beside the submissions (one file to back up, one database for several instances, on SQLite
//! or PostgreSQL), and the crates' SQL stores are built on sqlx, which would link a second
//! SQLite beside rusqlite's.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

use super::store::{Store, now};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

/// How long a session lasts from its login.
pub const SESSION_SECONDS: i64 = 8 * 3600;
/// Failures allowed before a wait; each one after doubles it, up to [`MAX_WAIT`].
const FREE_FAILURES: i64 = 3;
const FIRST_WAIT: i64 = 30;
const MAX_WAIT: i64 = 3600;
/// A password shorter than this is refused when an account is made.
pub const MIN_PASSWORD: usize = 12;
const MAX_PASSWORD: usize = 1024;

/// What an account may see: each its own pages, nothing of another's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Individuals: the inbox and each person's report.
    Coach,
    /// Private counts only.
    Hr,
    /// Accounts and the audit trail.
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Coach, Role::Hr, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Coach => "coach",
            Role::Hr => "hr",
            Role::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == text)
    }

    /// The page an account of this role starts on.
    pub fn home(self) -> &'static str {
        match self {
            Role::Coach => "/coach",
            Role::Hr => "/hr",
            Role::Admin => "/admin",
        }
    }
}

/// Someone signed in.
#[derive(Debug, Clone)]
pub struct Account {
    pub name: String,
    pub role: Role,
}

/// The outcome of a login.
pub enum Login {
    /// Signed in: the session's token, for the cookie.
    In(Account, String),
    Wrong,
    /// Too many failures: try again in this many seconds.
    Wait(i64),
}

fn digest(token: &str) -> String {
    crate::util::hex::sha256_hex(token.as_bytes())
}

/// How long to wait after `failures` failures in a row.
fn wait_after(failures: i64) -> i64 {
    if failures < FREE_FAILURES {
        return 0;
    }
    let doublings = (failures - FREE_FAILURES).min(16) as u32;
    (FIRST_WAIT << doublings).min(MAX_WAIT)
}

fn hash(password: &str) -> Result<String, String> {
    let bytes: [u8; 16] = rand::random();
    let salt = SaltString::encode_b64(&bytes).map_err(|e| e.to_string())?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Checks an account's name and password before it is made.
fn acceptable(name: &str, password: &str) -> Result<(), String> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "._@-".contains(c);
    if name.is_empty() || name.len() > 64 || !name.chars().all(allowed) {
        return Err(format!(
            "account name {name:?}: 1 to 64 letters, digits, dots, dashes, underscores or @ (an e-mail address will do)"
        ));
    }
    let length = password.chars().count();
    if length < MIN_PASSWORD || password.len() > MAX_PASSWORD {
        return Err(format!(
            "the password has {length} characters; it needs {MIN_PASSWORD} or more (a passphrase of a few words will do), and at most {MAX_PASSWORD} bytes"
        ));
    }
    Ok(())
}

/// Makes an account, or sets a new password and role for one of that name.
pub fn add(store: &Store, name: &str, role: Role, password: &str) -> Result<bool, String> {
    acceptable(name, password)?;
    let hashed = hash(password)?;
    store.with(|tx| {
        let existed = tx.first("SELECT 1 FROM accounts WHERE name = $1", &[name.into()])?.is_some();
        tx.execute(
            "INSERT INTO accounts (name, role, password, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (name) DO UPDATE SET role = $2, password = $3, failures = 0, locked_until = 0",
            &[name.into(), role.as_str().into(), hashed.into(), now().into()],
        )?;
        // A new password ends every session of the old one.
        tx.execute("DELETE FROM sessions WHERE account = $1", &[name.into()])?;
        Ok(existed)
    })
}

/// Removes an account and its sessions; false if there was none of that name.
pub fn remove(store: &Store, name: &str) -> Result<bool, String> {
    store.with(|tx| {
        tx.execute("DELETE FROM sessions WHERE account = $1", &[name.into()])?;
        Ok(tx.execute("DELETE FROM accounts WHERE name = $1", &[name.into()])? > 0)
    })
}

/// Every account: name, role, when made.
pub fn list(store: &Store) -> Result<Vec<(String, String, i64)>, String> {
    let rows = store.with(|tx| tx.query("SELECT name, role, created_at FROM accounts ORDER BY name", &[]))?;
    Ok(rows.iter().map(|r| (r.text(0), r.text(1), r.int(2))).collect())
}

/// A hash to verify against when the account does not exist, so that a wrong name takes as
/// long as a wrong password and says nothing about which names exist.
fn decoy() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash("not the password of anyone").unwrap_or_default())
}

/// Signs in, or says why not. The password is checked (slowly, by design) without holding the
/// store; failures are counted on the account.
pub fn login(store: &Store, name: &str, password: &str) -> Result<Login, String> {
    let at = now();
    let found: Option<(String, String, i64, i64)> = store
        .with(|tx| {
            tx.first(
                "SELECT role, password, failures, locked_until FROM accounts WHERE name = $1",
                &[name.into()],
            )
        })?
        .map(|r| (r.text(0), r.text(1), r.int(2), r.int(3)));
    let stored = found.as_ref().map_or(decoy(), |f| f.1.as_str());
    if let Some((_, _, _, until)) = &found
        && *until > at
    {
        return Ok(Login::Wait(until - at));
    }
    let right = password.len() <= MAX_PASSWORD
        && PasswordHash::new(stored)
            .is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok());
    let (Some((role, _, failures, _)), true) = (&found, right) else {
        if found.is_some() {
            // Counted in the store, so that two guesses at once are two failures.
            store.with(|tx| {
                let failures = tx
                    .first(
                        "UPDATE accounts SET failures = failures + 1 WHERE name = $1 RETURNING failures",
                        &[name.into()],
                    )?
                    .map_or(0, |r| r.int(0));
                tx.execute(
                    "UPDATE accounts SET locked_until = $2 WHERE name = $1",
                    &[name.into(), (at + wait_after(failures)).into()],
                )
            })?;
        }
        return Ok(Login::Wrong);
    };
    let role = Role::parse(role).ok_or_else(|| format!("account {name} has an unknown role {role:?}"))?;
    let token = super::random_id();
    store.with(|tx| {
        if *failures > 0 {
            tx.execute("UPDATE accounts SET failures = 0, locked_until = 0 WHERE name = $1", &[name.into()])?;
        }
        tx.execute("DELETE FROM sessions WHERE expires_at <= $1", &[at.into()])?;
        tx.execute(
            "INSERT INTO sessions (digest, account, created_at, expires_at) VALUES ($1, $2, $3, $4)",
            &[digest(&token).into(), name.into(), at.into(), (at + SESSION_SECONDS).into()],
        )
    })?;
    Ok(Login::In(Account { name: name.to_string(), role }, token))
}

/// The account a session token belongs to, if the session is current.
pub fn session(store: &Store, token: &str) -> Result<Option<Account>, String> {
    let found = store.with(|tx| {
        tx.first(
            "SELECT a.name, a.role FROM sessions s JOIN accounts a ON a.name = s.account \
             WHERE s.digest = $1 AND s.expires_at > $2",
            &[digest(token).into(), now().into()],
        )
    })?;
    Ok(found.and_then(|r| Role::parse(&r.text(1)).map(|role| Account { name: r.text(0), role })))
}

/// Ends a session.
pub fn logout(store: &Store, token: &str) -> Result<(), String> {
    store.with(|tx| tx.execute("DELETE FROM sessions WHERE digest = $1", &[digest(token).into()]).map(|_| ()))
}

/// The store for an accounts command: it must already exist (made by `serve --store`), so
/// that a mistyped path makes nothing.
fn open_existing(path: &std::path::Path, io: &mut crate::run::Io) -> Option<Store> {
    if !path.is_file() && !path.to_str().is_some_and(super::store::is_url) {
        let _ = writeln!(
            io.stderr,
            "error: {} is not a store; give the file `serve --store` keeps (run serve with it once to make it)",
            path.display()
        );
        return None;
    }
    match Store::open(path) {
        Ok(store) => Some(store),
        Err(e) => {
            let _ = writeln!(io.stderr, "error: {e}");
            None
        }
    }
}

/// `crossroads accounts add`: the password asked for without an echo (twice), or read from
/// standard input's first line.
pub fn add_command(
    path: &std::path::Path,
    name: &str,
    role: Role,
    from_stdin: bool,
    io: &mut crate::run::Io,
) -> i32 {
    use crate::run::{EXIT_INVALID, EXIT_OK, EXIT_USAGE};
    let password = if from_stdin {
        let mut line = String::new();
        let mut reader =
            std::io::BufReader::new(std::io::Read::take(&mut *io.stdin, MAX_PASSWORD as u64 + 2));
        if std::io::BufRead::read_line(&mut reader, &mut line).is_err() {
            let _ = writeln!(io.stderr, "error: standard input could not be read");
            return EXIT_INVALID;
        }
        line.trim_end_matches(['\n', '\r']).to_string()
    } else if io.interactive {
        match inquire::Password::new(&format!("Password for {name}:"))
            .with_display_mode(inquire::PasswordDisplayMode::Hidden)
            .with_custom_confirmation_message("The same again:")
            .prompt()
        {
            Ok(p) => p,
            Err(e) => {
                let _ = writeln!(io.stderr, "error: no password given ({e})");
                return EXIT_USAGE;
            }
        }
    } else {
        let _ = writeln!(
            io.stderr,
            "error: no terminal to ask for the password on; give --password-stdin and the password on standard input"
        );
        return EXIT_USAGE;
    };
    let Some(store) = open_existing(path, io) else { return EXIT_INVALID };
    match add(&store, name, role, &password) {
        Ok(existed) => {
            let done = if existed { "changed: a new password and role; its sessions ended" } else { "made" };
            let _ = writeln!(io.stderr, "account {name} ({}) {done}", role.as_str());
            let _ = super::audit::record(
                &store,
                name,
                "command line",
                if existed { "account changed" } else { "account made" },
                role.as_str(),
            );
            EXIT_OK
        }
        Err(e) => {
            let _ = writeln!(io.stderr, "error: {e}");
            EXIT_USAGE
        }
    }
}

/// `crossroads accounts remove`.
pub fn remove_command(path: &std::path::Path, name: &str, io: &mut crate::run::Io) -> i32 {
    let Some(store) = open_existing(path, io) else { return crate::run::EXIT_INVALID };
    match remove(&store, name) {
        Ok(true) => {
            let _ = writeln!(io.stderr, "account {name} removed; its sessions ended");
            let _ = super::audit::record(&store, name, "command line", "account removed", "");
            crate::run::EXIT_OK
        }
        Ok(false) => {
            let _ = writeln!(io.stderr, "error: there is no account {name}");
            crate::run::EXIT_INVALID
        }
        Err(e) => {
            let _ = writeln!(io.stderr, "error: {e}");
            crate::run::EXIT_INVALID
        }
    }
}

/// `crossroads accounts list`: one account a line, tab-separated.
pub fn list_command(path: &std::path::Path, io: &mut crate::run::Io) -> i32 {
    let Some(store) = open_existing(path, io) else { return crate::run::EXIT_INVALID };
    match list(&store) {
        Ok(accounts) => {
            for (name, role, at) in accounts {
                let _ = writeln!(io.stdout, "{name}\t{role}\t{}", super::store::when(at));
            }
            crate::run::EXIT_OK
        }
        Err(e) => {
            let _ = writeln!(io.stderr, "error: {e}");
            crate::run::EXIT_INVALID
        }
    }
}

/// Failed logins per client address, in memory: one address trying many names is slowed and
/// then refused as one account would be.
#[derive(Default)]
pub struct Addresses {
    failures: Mutex<HashMap<IpAddr, (i64, i64)>>,
}

/// Addresses remembered at most; the oldest waits are forgotten first beyond it.
const MAX_ADDRESSES: usize = 100_000;

impl Addresses {
    /// Seconds this address must still wait, if any.
    pub fn waiting(&self, address: IpAddr) -> Option<i64> {
        let at = now();
        let failures = self.failures.lock().ok()?;
        failures.get(&address).map(|&(_, until)| until - at).filter(|&w| w > 0)
    }

    pub fn failed(&self, address: IpAddr) {
        let Ok(mut failures) = self.failures.lock() else { return };
        if failures.len() >= MAX_ADDRESSES {
            let at = now();
            failures.retain(|_, (_, until)| *until > at);
        }
        let entry = failures.entry(address).or_insert((0, 0));
        entry.0 += 1;
        entry.1 = now() + wait_after(entry.0);
    }

    pub fn succeeded(&self, address: IpAddr) {
        if let Ok(mut failures) = self.failures.lock() {
            failures.remove(&address);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s.sqlite")).unwrap();
        (dir, store)
    }

    #[test]
    fn a_password_signs_in_and_a_wrong_one_is_slowed_then_refused() {
        let (_dir, store) = store();
        assert!(add(&store, "ana", Role::Coach, "short").unwrap_err().contains("12 or more"));
        assert!(!add(&store, "ana", Role::Coach, "correct horse battery").unwrap());
        let Login::In(account, token) = login(&store, "ana", "correct horse battery").unwrap() else {
            panic!("the right password signs in")
        };
        assert_eq!((account.name.as_str(), account.role), ("ana", Role::Coach));
        assert_eq!(session(&store, &token).unwrap().map(|a| a.role), Some(Role::Coach));
        logout(&store, &token).unwrap();
        assert!(session(&store, &token).unwrap().is_none(), "logged out");
        for _ in 0..FREE_FAILURES {
            assert!(matches!(login(&store, "ana", "wrong").unwrap(), Login::Wrong));
        }
        // Now even the right password waits: the account is slowed, not the guess.
        assert!(matches!(login(&store, "ana", "correct horse battery").unwrap(), Login::Wait(w) if w > 0));
        assert!(matches!(login(&store, "nobody", "x").unwrap(), Login::Wrong));
        let text = store.with(|tx| tx.first("SELECT password FROM accounts", &[])).unwrap().unwrap().text(0);
        assert!(text.starts_with("$argon2id$"), "{text}");
    }

    #[test]
    fn waits_double_and_stop_at_an_hour() {
        assert_eq!(wait_after(FREE_FAILURES - 1), 0);
        assert_eq!(wait_after(FREE_FAILURES), FIRST_WAIT);
        assert_eq!(wait_after(FREE_FAILURES + 1), 2 * FIRST_WAIT);
        assert_eq!(wait_after(1000), MAX_WAIT);
    }
}
