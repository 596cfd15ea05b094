//! A PostgreSQL database for a test: a fresh one on the server named by
//! `CROSSROADS_TEST_POSTGRES` (`bash .ci/run` starts a throw-away cluster and sets it). Without
//! it, a test says loudly that it skipped, and fails under `CI=true`: CI never skips silently.

pub const ENV: &str = "CROSSROADS_TEST_POSTGRES";

/// The server's URL, or `None` (said on standard error) when there is none to test against.
pub fn server(test: &str) -> Option<String> {
    match std::env::var(ENV) {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            super::skip(&format!(
                "{test} needs PostgreSQL; set {ENV} to a server's URL, such as \
                 postgres://postgres@127.0.0.1:55432/postgres (`bash .ci/run` starts one)"
            ));
            None
        }
    }
}

/// A new, empty database on the server, for this test alone; its URL.
pub fn database(test: &str) -> Option<String> {
    let admin = server(test)?;
    let bytes: [u8; 6] = rand::random();
    let name = format!("crossroads_{}", bytes.iter().map(|b| format!("{b:02x}")).collect::<String>());
    let mut client = postgres::Client::connect(&admin, postgres::NoTls)
        .unwrap_or_else(|e| panic!("{ENV}={admin}: cannot connect: {e}"));
    client.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
    Some(with_database(&admin, &name))
}

/// `url` naming the database `name` instead of its own.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let (server, _) =
        base.rsplit_once('/').filter(|(s, _)| s.contains("://") && !s.ends_with('/')).unwrap_or((base, ""));
    match query {
        Some(q) => format!("{server}/{name}?{q}"),
        None => format!("{server}/{name}"),
    }
}

/// A connection to the server as its administrator, to do to the database what an outage would.
pub fn admin() -> postgres::Client {
    let url = std::env::var(ENV).expect(ENV);
    postgres::Client::connect(&url, postgres::NoTls).unwrap()
}

/// The database's name in its URL.
pub fn name_of(url: &str) -> String {
    url.split('?').next().unwrap().rsplit('/').next().unwrap().to_string()
}
