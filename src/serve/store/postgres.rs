//! The store on PostgreSQL (`--store postgres://…`), for several instances of `serve` on one
//! database: the same tables and statements as SQLite's, through a pool of connections (r2d2)
//! of the synchronous client, TLS with rustls when the URL asks for it (`sslmode=require`).
//! The schema is made and brought up to date by the tool, under a lock, so that instances
//! starting at once do it once.

use std::error::Error;
use std::time::Duration;

use bytes::BytesMut;
use postgres::types::{IsNull, ToSql, Type, to_sql_checked};
use r2d2_postgres::PostgresConnectionManager;
use tokio_postgres_rustls::MakeRustlsConnect;

use super::db::{Record, Tx, Value};
use super::sqlite::SCHEMA_VERSION;

/// Every table at [`SCHEMA_VERSION`], as SQLite's schemas 1 to 5 leave them. Integers are
/// `BIGINT`, as SQLite's are 64 bits; `rowid` is the order submissions were first kept in,
/// named as SQLite names its own so that one statement serves both.
const SCHEMA: &str = "
CREATE TABLE submissions (
    rowid BIGSERIAL UNIQUE,
    id TEXT PRIMARY KEY,
    token TEXT NOT NULL UNIQUE,
    submitted_at BIGINT NOT NULL,
    pack_id TEXT NOT NULL,
    pack_version TEXT NOT NULL,
    pack_hash TEXT NOT NULL,
    answers TEXT NOT NULL,
    revision BIGINT NOT NULL DEFAULT 1,
    revised_at BIGINT,
    receipt TEXT UNIQUE
);
CREATE TABLE revisions (
    submission_id TEXT NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
    revision BIGINT NOT NULL,
    submitted_at BIGINT NOT NULL,
    pack_hash TEXT NOT NULL,
    answers TEXT NOT NULL,
    PRIMARY KEY (submission_id, revision)
);
CREATE TABLE accounts (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN ('coach', 'hr', 'admin')),
    password TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    failures BIGINT NOT NULL DEFAULT 0,
    locked_until BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE sessions (
    digest TEXT PRIMARY KEY,
    account TEXT NOT NULL REFERENCES accounts(name) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE TABLE contacted (
    submission_id TEXT PRIMARY KEY REFERENCES submissions(id) ON DELETE CASCADE,
    account TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE TABLE audit (
    seq BIGSERIAL PRIMARY KEY,
    at BIGINT NOT NULL,
    account TEXT,
    address TEXT,
    action TEXT NOT NULL,
    subject TEXT
);
CREATE FUNCTION crossroads_audit_appended_only() RETURNS trigger LANGUAGE plpgsql AS
$$ BEGIN RAISE EXCEPTION 'the audit trail is appended only'; END $$;
CREATE TRIGGER audit_appended_only BEFORE UPDATE ON audit
FOR EACH ROW EXECUTE FUNCTION crossroads_audit_appended_only();
CREATE TABLE hr_ledger (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    text TEXT NOT NULL
);
CREATE TABLE notifications (
    id BIGSERIAL PRIMARY KEY,
    submission_id TEXT NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
    channel TEXT NOT NULL,
    key TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_at BIGINT NOT NULL,
    delivered_at BIGINT,
    last_error TEXT,
    UNIQUE (submission_id, channel)
);";

/// Connections kept open to the database by one instance: more than the requests that touch
/// the store at once on two cores, fewer than PostgreSQL's default limit of 100 shared by a
/// few instances.
const POOL: u32 = 16;
/// How long a request waits for a connection before it is answered 503: a database that went
/// away must not hold people's pages.
const WAIT: Duration = Duration::from_secs(3);

type Pool = r2d2::Pool<PostgresConnectionManager<MakeRustlsConnect>>;

pub struct Postgres {
    /// Always there but while being dropped.
    pool: Option<Pool>,
}

/// The pool closed on a thread of its own: each connection's client closes by blocking on its
/// own small runtime, which tokio forbids inside another (the server's, where the store is
/// dropped when it stops).
impl Drop for Postgres {
    fn drop(&mut self) {
        if let Some(pool) = self.pool.take() {
            let _ = std::thread::spawn(move || drop(pool)).join();
        }
    }
}

/// Whether `location` names a PostgreSQL database rather than a file.
pub fn is_url(location: &str) -> bool {
    location.starts_with("postgres://") || location.starts_with("postgresql://")
}

/// The URL without its password, for messages.
pub fn shown(url: &str) -> String {
    match url.split_once("://").and_then(|(scheme, rest)| {
        let (credentials, host) = rest.split_once('@')?;
        let user = credentials.split(':').next().unwrap_or_default();
        Some(format!("{scheme}://{user}@{host}"))
    }) {
        Some(s) => s,
        None => url.to_string(),
    }
}

impl Postgres {
    /// Connects to the database at `url` and brings its schema up to date (or refuses one
    /// newer than this build knows). `write`: false for `screen`, which only reads.
    pub fn open(url: &str, write: bool) -> Result<Postgres, String> {
        let shown = shown(url);
        let config: postgres::Config =
            url.parse().map_err(|e| format!("{shown}: not a PostgreSQL URL ({e})"))?;
        let manager = PostgresConnectionManager::new(config, MakeRustlsConnect::with_webpki_roots());
        let pool = r2d2::Pool::builder()
            .max_size(POOL)
            .min_idle(Some(1))
            .connection_timeout(WAIT)
            // Errors are answered where they happen (503); r2d2's own log would go nowhere.
            .error_handler(Box::new(r2d2::NopErrorHandler))
            .build(manager)
            .map_err(|e| format!("cannot connect to {shown}: {e}"))?;
        let store = Postgres { pool: Some(pool) };
        store.migrate(write).map_err(|e| format!("{shown}: {e}"))?;
        Ok(store)
    }

    /// Makes every table, or checks the version of the ones there, in one transaction under
    /// the schema's lock. Reading only, a database without the tables is refused.
    fn migrate(&self, write: bool) -> Result<(), String> {
        let mut conn = self.pool()?.get().map_err(|e| e.to_string())?;
        let mut tx = conn.transaction().map_err(|e| e.to_string())?;
        tx.execute("SELECT pg_advisory_xact_lock(hashtextextended('crossroads schema', 0))", &[])
            .map_err(|e| e.to_string())?;
        if write {
            tx.batch_execute("CREATE TABLE IF NOT EXISTS crossroads_schema (version BIGINT NOT NULL)")
                .map_err(|e| e.to_string())?;
        }
        let version = tx
            .query_one("SELECT MAX(version) FROM crossroads_schema", &[])
            .map_err(|e| format!("not a crossroads store: {e}"))?
            .get::<_, Option<i64>>(0);
        match version {
            Some(v) if v > SCHEMA_VERSION => {
                return Err(format!(
                    "the store's schema is version {v}, newer than this crossroads knows ({SCHEMA_VERSION}); use a newer crossroads"
                ));
            }
            Some(_) => {}
            None if !write => return Err("not a crossroads store: it has no tables yet".into()),
            None => {
                tx.batch_execute(SCHEMA).map_err(|e| format!("cannot make the store's tables: {e}"))?;
                tx.execute("INSERT INTO crossroads_schema (version) VALUES ($1)", &[&SCHEMA_VERSION])
                    .map_err(|e| e.to_string())?;
            }
        }
        tx.commit().map_err(|e| e.to_string())
    }

    fn pool(&self) -> Result<&Pool, String> {
        self.pool.as_ref().ok_or_else(|| "the store is closed".to_string())
    }

    /// Runs `work` in one transaction, on a connection of the pool.
    pub fn with<T, E: From<String>>(&self, work: impl FnOnce(&mut dyn Tx) -> Result<T, E>) -> Result<T, E> {
        let mut conn = self.pool()?.get().map_err(|e| format!("the database is unavailable: {e}"))?;
        let tx = conn.transaction().map_err(message)?;
        let mut on = On(tx);
        let done = work(&mut on)?;
        on.0.commit().map_err(message)?;
        Ok(done)
    }
}

struct On<'a>(postgres::Transaction<'a>);

/// A value as PostgreSQL takes it for a parameter of type `ty`: the store's integers are
/// `BIGINT`, but a literal compared with one may be typed narrower.
impl ToSql for Value {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, Box<dyn Error + Sync + Send>> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(v) if *ty == Type::INT4 => i32::try_from(*v)?.to_sql(ty, out),
            Value::Int(v) if *ty == Type::INT2 => i16::try_from(*v)?.to_sql(ty, out),
            Value::Int(v) if *ty == Type::BOOL => (*v != 0).to_sql(ty, out),
            Value::Int(v) => v.to_sql(ty, out),
            Value::Text(t) => t.to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

/// What went wrong, in the server's words when the server said something (the error's own
/// text is only "db error").
fn message(e: postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{}: {}", db.severity(), db.message()),
        None => e.to_string(),
    }
}

fn params(values: &[Value]) -> Vec<&(dyn ToSql + Sync)> {
    values.iter().map(|v| v as &(dyn ToSql + Sync)).collect()
}

impl Tx for On<'_> {
    fn execute(&mut self, sql: &str, values: &[Value]) -> Result<u64, String> {
        self.0.execute(sql, &params(values)).map_err(message)
    }

    fn query(&mut self, sql: &str, values: &[Value]) -> Result<Vec<Record>, String> {
        let rows = self.0.query(sql, &params(values)).map_err(message)?;
        rows.iter()
            .map(|row| {
                (0..row.len())
                    .map(|i| {
                        let ty = row.columns()[i].type_();
                        let value = if *ty == Type::INT8 {
                            row.try_get::<_, Option<i64>>(i).map(|v| v.map(Value::Int))
                        } else if *ty == Type::INT4 {
                            row.try_get::<_, Option<i32>>(i).map(|v| v.map(|v| Value::Int(v.into())))
                        } else if *ty == Type::INT2 {
                            row.try_get::<_, Option<i16>>(i).map(|v| v.map(|v| Value::Int(v.into())))
                        } else if *ty == Type::BOOL {
                            row.try_get::<_, Option<bool>>(i).map(|v| v.map(|v| Value::Int(v.into())))
                        } else {
                            row.try_get::<_, Option<String>>(i).map(|v| v.map(Value::Text))
                        };
                        value.map(|v| v.unwrap_or(Value::Null)).map_err(message)
                    })
                    .collect::<Result<Vec<_>, _>>()
                    .map(Record)
            })
            .collect()
    }

    fn lock(&mut self, key: &str) -> Result<(), String> {
        self.0
            .execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", &[&key])
            .map(|_| ())
            .map_err(message)
    }
}
