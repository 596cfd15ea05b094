//! The one way the store talks to its database, whichever it is: statements written once, with
//! `$1`-style parameters, run inside a transaction, over values that are integers, texts or
//! nothing. SQLite (`sqlite.rs`) and PostgreSQL (`postgres.rs`) each run them.

/// A parameter or a column's value. The store keeps only integers and texts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Null,
    Int(i64),
    Text(String),
}

impl From<i64> for Value {
    fn from(v: i64) -> Value {
        Value::Int(v)
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Value {
        Value::Text(v.to_string())
    }
}

impl From<String> for Value {
    fn from(v: String) -> Value {
        Value::Text(v)
    }
}

impl From<&String> for Value {
    fn from(v: &String) -> Value {
        Value::Text(v.clone())
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Null, Into::into)
    }
}

/// A row a query returned.
#[derive(Debug)]
pub struct Record(pub Vec<Value>);

impl Record {
    pub fn int(&self, i: usize) -> i64 {
        self.opt_int(i).unwrap_or(0)
    }

    pub fn opt_int(&self, i: usize) -> Option<i64> {
        match self.0.get(i) {
            Some(Value::Int(v)) => Some(*v),
            Some(Value::Text(t)) => t.parse().ok(),
            _ => None,
        }
    }

    pub fn text(&self, i: usize) -> String {
        self.opt_text(i).unwrap_or_default()
    }

    pub fn opt_text(&self, i: usize) -> Option<String> {
        match self.0.get(i) {
            Some(Value::Text(t)) => Some(t.clone()),
            Some(Value::Int(v)) => Some(v.to_string()),
            _ => None,
        }
    }
}

/// A transaction on the store. Committed when the work that was given it returns `Ok`, rolled
/// back when it returns `Err`.
pub trait Tx {
    /// Runs a statement; how many rows it changed.
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, String>;
    /// Runs a query; every row it returns.
    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Record>, String>;
    /// Holds `key` until the transaction ends, against every other transaction on the store
    /// that asks for it, in this process or another: the HR ledger, a form's token.
    fn lock(&mut self, key: &str) -> Result<(), String>;

    /// The first row a query returns, if any.
    fn first(&mut self, sql: &str, params: &[Value]) -> Result<Option<Record>, String> {
        Ok(self.query(sql, params)?.into_iter().next())
    }
}

/// `$1`-style parameters as SQLite writes them (`?1`): SQLite would read `$1` as a name, and
/// number names in the order they first appear.
pub fn numbered_for_sqlite(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('?');
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_numbered_as_sqlite_reads_them() {
        assert_eq!(
            numbered_for_sqlite("SELECT a FROM t WHERE b = $2 AND ($1 IS NULL OR c = $1) AND d = '$x'"),
            "SELECT a FROM t WHERE b = ?2 AND (?1 IS NULL OR c = ?1) AND d = '$x'"
        );
    }

    #[test]
    fn a_record_reads_its_values_as_asked() {
        let r = Record(vec![Value::Int(3), Value::Text("7".into()), Value::Null]);
        assert_eq!((r.int(0), r.int(1), r.opt_int(2)), (3, 7, None));
        assert_eq!((r.text(0), r.opt_text(2)), ("3".to_string(), None));
    }
}
