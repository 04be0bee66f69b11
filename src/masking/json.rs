//! Reading JSON objects field by field, so that every problem names its JSON path (`participants[1].proxy`)
//! instead of serde's "missing field at line 1 column 40".

use crate::error::{join_path, Error};
use serde_json::{Map, Value};

/// One JSON object being read, with the path that problems are reported under.
pub(crate) struct Fields<'a> {
    map: &'a Map<String, Value>,
    path: String,
}

impl<'a> Fields<'a> {
    /// Reads `value` as an object; `path` names it in errors (`""` for the root of a payload).
    pub(crate) fn of(value: &'a Value, path: &str) -> Result<Self, Error> {
        match value.as_object() {
            Some(map) => Ok(Fields { map, path: path.to_owned() }),
            None => Err(Error::new(
                if path.is_empty() { "body" } else { path },
                "invalid_type",
                format!("expected a JSON object, got {}", kind(value)),
            )),
        }
    }

    /// The JSON path of member `key`.
    pub(crate) fn path(&self, key: &str) -> String {
        join_path(&self.path, key)
    }

    /// The member `key`; `null` counts as absent (Infobip sends `"fileId": null`).
    pub(crate) fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    /// Reports every member not in `known`, under `base` (the object's path; `""` at the root). Configuration
    /// is written by people: a misspelt key must be an error, never silently ignored. (Infobip's payloads, by
    /// contrast, tolerate unknown members.)
    pub(crate) fn deny_unknown(&self, base: &str, known: &[&str], problems: &mut Vec<Error>) {
        for key in self.map.keys().filter(|k| !known.contains(&k.as_str())) {
            problems.push(Error::new(
                crate::error::key_path(base, key),
                "unknown_key",
                format!("unknown key {key:?}; expected one of {}", known.join(", ")),
            ));
        }
    }

    /// Whether member `key` is present and not `null`.
    pub(crate) fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    fn invalid(&self, key: &str, expected: &str, got: &Value) -> Error {
        Error::new(self.path(key), "invalid_type", format!("expected {expected}, got {}", kind(got)))
    }

    /// A required member.
    pub(crate) fn req(&self, key: &str) -> Result<&'a Value, Error> {
        self.get(key).ok_or_else(|| Error::new(self.path(key), "missing", "required field is missing"))
    }

    /// An optional string; an empty string is an error (it would mean something other than "absent").
    pub(crate) fn opt_str(&self, key: &str) -> Result<Option<&'a str>, Error> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => {
                Err(Error::new(self.path(key), "empty", "must not be empty"))
            }
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            Some(other) => Err(self.invalid(key, "a string", other)),
        }
    }

    /// A required, non-empty string.
    pub(crate) fn req_str(&self, key: &str) -> Result<&'a str, Error> {
        self.req(key)?;
        self.opt_str(key)?.ok_or_else(|| Error::new(self.path(key), "missing", "required field is missing"))
    }

    /// An optional boolean (`"true"` / `"false"` strings accepted when `lenient`, as webhooks may send them).
    pub(crate) fn opt_bool(&self, key: &str, lenient: bool) -> Result<Option<bool>, Error> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(Value::String(s)) if lenient && s == "true" => Ok(Some(true)),
            Some(Value::String(s)) if lenient && s == "false" => Ok(Some(false)),
            Some(other) => Err(self.invalid(key, "true or false", other)),
        }
    }

    /// An optional non-negative integer (a decimal string accepted when `lenient`: Infobip sends `"15"`).
    pub(crate) fn opt_u64(&self, key: &str, lenient: bool) -> Result<Option<u64>, Error> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Number(n)) => n.as_u64().map(Some).ok_or_else(|| {
                Error::new(
                    self.path(key),
                    "invalid_type",
                    format!("expected a non-negative integer, got {n}"),
                )
            }),
            Some(Value::String(s)) if lenient => s.trim().parse::<u64>().map(Some).map_err(|_| {
                Error::new(
                    self.path(key),
                    "invalid_type",
                    format!("expected a non-negative integer, got {s:?}"),
                )
            }),
            Some(other) => Err(self.invalid(key, "a non-negative integer", other)),
        }
    }

    /// An optional integer (epoch seconds may be negative in tests; nothing else here is).
    pub(crate) fn opt_i64(&self, key: &str) -> Result<Option<i64>, Error> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Number(n)) => n.as_i64().map(Some).ok_or_else(|| {
                Error::new(self.path(key), "invalid_type", format!("expected an integer, got {n}"))
            }),
            Some(other) => Err(self.invalid(key, "an integer", other)),
        }
    }

    /// An optional finite number (a decimal string accepted when `lenient`).
    pub(crate) fn opt_f64(&self, key: &str, lenient: bool) -> Result<Option<f64>, Error> {
        let parsed = match self.get(key) {
            None => return Ok(None),
            Some(Value::Number(n)) => n.as_f64(),
            Some(Value::String(s)) if lenient => s.trim().parse::<f64>().ok(),
            Some(other) => return Err(self.invalid(key, "a number", other)),
        };
        match parsed {
            Some(f) if f.is_finite() => Ok(Some(f)),
            _ => Err(Error::new(self.path(key), "invalid_type", "expected a finite number")),
        }
    }

    /// An optional array.
    pub(crate) fn opt_array(&self, key: &str) -> Result<Option<&'a Vec<Value>>, Error> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Array(a)) => Ok(Some(a)),
            Some(other) => Err(self.invalid(key, "an array", other)),
        }
    }
}

/// Records the error of `r` (if any) and passes its value on: for validators that report every problem.
pub(crate) fn note<T>(problems: &mut Vec<Error>, r: Result<T, Error>) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(e) => {
            problems.push(e);
            None
        }
    }
}

/// The JSON kind of a value, for messages (one definition, shared with the policy reader).
pub(crate) use crate::policy::reader::type_name as kind;

/// Parses a webhook body as JSON, naming `body` when it is not.
pub(crate) fn parse_body(body: &str) -> Result<Value, Error> {
    serde_json::from_str(body).map_err(|e| Error::new("body", "invalid_json", format!("not valid JSON: {e}")))
}
