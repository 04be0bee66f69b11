//! One error type for every decision: it names the input field and the problem, so a caller (HTTP client,
//! admin page, test) can point at exactly what to fix. Never a panic, never a silent default.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A problem with one input field.
///
/// `field` is a JSON-style path (`number`, `accounts[2].privacy_mode`); `code` is a stable machine-readable
/// token (`not_a_number`, `unknown_value`, …); `message` is for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Error {
    pub field: String,
    pub code: String,
    pub message: String,
}

impl Error {
    /// Builds an error for `field` with a stable `code` and a human `message`.
    pub fn new(field: impl Into<String>, code: &str, message: impl Into<String>) -> Self {
        Error { field: field.into(), code: code.to_owned(), message: message.into() }
    }

    /// The same error, re-rooted under a parent path (`number` → `entries[3].number`).
    pub fn under(mut self, parent: &str) -> Self {
        self.field = join_path(parent, &self.field);
        self
    }
}

/// Joins a parent JSON path and a child (`a` + `b` → `a.b`, `a` + `[2]` → `a[2]`).
pub fn join_path(parent: &str, child: &str) -> String {
    if parent.is_empty() {
        child.to_owned()
    } else if child.is_empty() {
        parent.to_owned()
    } else if child.starts_with('[') {
        format!("{parent}{child}")
    } else {
        format!("{parent}.{child}")
    }
}

/// The path of a member whose key comes from the input (`a` + `b` → `a.b`): a key that is empty or not a plain
/// word is quoted (`a[""]`, `a["x.y"]`), so that every error names a field and no key can forge another path.
pub fn key_path(parent: &str, key: &str) -> String {
    if !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
        join_path(parent, key)
    } else {
        format!("{parent}[{}]", serde_json::Value::from(key))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for Error {}

/// Every problem found in one input (a policy document, a list of entries), in document order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problems(pub Vec<Error>);

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        write!(f, "{n} problem{}", if n == 1 { "" } else { "s" })?;
        for e in &self.0 {
            write!(f, "; {e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Problems {}

impl From<Error> for Problems {
    fn from(e: Error) -> Self {
        Problems(vec![e])
    }
}
