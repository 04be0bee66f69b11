//! The one path-tracking reader over `serde_json::Value`, for every input document: the policy, the call
//! event, the masking configuration, sessions, pools and Infobip's payloads. Every getter knows the JSON path
//! of what it reads, and an unknown key is reported with the closest allowed key ("did you mean"). The policy
//! and the event are read with [`object`] and the collecting getters (every problem pushed to one list, so a
//! document is reported whole); masking reads with [`Obj::of`] and the `Result` getters. `null` counts as
//! absent, as JS callers (and Infobip) often send it for "not set".

use crate::error::{join_path, Error};
use serde_json::{Map, Value};

/// Defines a closed enum of JSON string values with its names, its parser and its `Serialize`.
macro_rules! named_enum {
    ($(#[$m:meta])* pub enum $name:ident { $($(#[$vm:meta])* $var:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$vm])* $var),+ }

        impl $name {
            /// Every value, in documentation order.
            pub const ALL: &'static [$name] = &[$($name::$var),+];

            /// The JSON name of this value.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$var => $s),+ }
            }

            /// The value with this exact JSON name.
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($s => Some($name::$var),)+ _ => None }
            }
        }

        impl $crate::policy::reader::Named for $name {
            fn names() -> Vec<&'static str> {
                Self::ALL.iter().map(|v| v.as_str()).collect()
            }
            fn from_name(s: &str) -> Option<Self> {
                Self::parse(s)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use named_enum;

/// A closed set of string values read from JSON (implemented by `named_enum!`).
pub trait Named: Sized {
    fn names() -> Vec<&'static str>;
    fn from_name(s: &str) -> Option<Self>;
}

/// A short JSON type name for messages.
pub(crate) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The error for a value of the wrong JSON type.
pub(crate) fn type_error(path: &str, expected: &str, got: &Value) -> Error {
    Error::new(path, "invalid_type", format!("expected {expected}, got {}", type_name(got)))
}

/// The error for a string outside a closed set of values.
pub(crate) fn unknown_value(path: &str, got: &str, expected: &[&str]) -> Error {
    Error::new(
        path,
        "unknown_value",
        format!("unknown value {got:?}; expected one of {}", expected.join(", ")),
    )
}

/// An object being read, with its path; unknown keys were reported when it was opened.
pub(crate) struct Obj<'a> {
    map: &'a Map<String, Value>,
    path: String,
}

/// Opens `v` as an object with the allowed `keys`, reporting a wrong type or each unknown key (with the
/// closest allowed key as a hint, since typos must not be silently ignored).
pub(crate) fn object<'a>(v: &'a Value, path: &str, keys: &[&str], errs: &mut Vec<Error>) -> Option<Obj<'a>> {
    let Some(map) = v.as_object() else {
        errs.push(type_error(path, "an object", v));
        return None;
    };
    unknown_keys(map, path, keys, errs);
    Some(Obj { map, path: path.to_owned() })
}

/// Reports each key of `map` not in `keys`, with the closest allowed key as a hint.
fn unknown_keys(map: &Map<String, Value>, path: &str, keys: &[&str], errs: &mut Vec<Error>) {
    for k in map.keys().filter(|k| !keys.contains(&k.as_str())) {
        let hint = match closest(k, keys) {
            Some(near) => format!("; did you mean {near:?}?"),
            None => format!("; expected one of {}", keys.join(", ")),
        };
        errs.push(Error::new(
            crate::error::key_path(path, k),
            "unknown_key",
            format!("unknown key {k:?}{hint}"),
        ));
    }
}

/// The allowed key nearest to `k` by edit distance, if it is a plausible typo (distance <= 2).
fn closest<'k>(k: &str, keys: &[&'k str]) -> Option<&'k str> {
    keys.iter()
        .map(|c| (edit_distance(k, c), *c))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row.first().copied().unwrap_or(0);
        if let Some(first) = row.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            let del = row.get(j + 1).copied().unwrap_or(usize::MAX) + 1;
            let ins = row.get(j).copied().unwrap_or(usize::MAX) + 1;
            let best = del.min(ins).min(prev + cost);
            prev = row.get(j + 1).copied().unwrap_or(0);
            if let Some(cell) = row.get_mut(j + 1) {
                *cell = best;
            }
        }
    }
    row.last().copied().unwrap_or(0)
}

impl<'a> Obj<'a> {
    /// The path of `key` inside this object.
    pub fn path(&self, key: &str) -> String {
        join_path(&self.path, key)
    }

    /// The value of `key`, `None` when absent or `null`.
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    fn typed<T>(
        &self,
        key: &str,
        what: &str,
        errs: &mut Vec<Error>,
        f: impl Fn(&'a Value) -> Option<T>,
    ) -> Option<T> {
        let v = self.get(key)?;
        let got = f(v);
        if got.is_none() {
            errs.push(type_error(&self.path(key), what, v));
        }
        got
    }

    /// Reports `key` as missing when it is absent.
    pub fn require<T>(&self, key: &str, got: Option<T>, errs: &mut Vec<Error>) -> Option<T> {
        if got.is_none() && self.get(key).is_none() {
            errs.push(Error::new(self.path(key), "missing", "required"));
        }
        got
    }

    /// An optional string.
    pub fn str(&self, key: &str, errs: &mut Vec<Error>) -> Option<&'a str> {
        self.typed(key, "a string", errs, Value::as_str)
    }

    /// A required string.
    pub fn req_str(&self, key: &str, errs: &mut Vec<Error>) -> Option<&'a str> {
        let got = self.str(key, errs);
        self.require(key, got, errs)
    }

    /// An optional string of `min..=max` characters.
    pub fn str_len(&self, key: &str, min: usize, max: usize, errs: &mut Vec<Error>) -> Option<&'a str> {
        let s = self.str(key, errs)?;
        let n = s.chars().count();
        if n < min || n > max {
            errs.push(Error::new(
                self.path(key),
                "invalid_length",
                format!("must be {min} to {max} characters, got {n}"),
            ));
            return None;
        }
        Some(s)
    }

    /// An optional boolean.
    pub fn bool(&self, key: &str, errs: &mut Vec<Error>) -> Option<bool> {
        self.typed(key, "a boolean", errs, Value::as_bool)
    }

    /// An optional non-negative integer no larger than `max`.
    pub fn uint(&self, key: &str, max: u64, errs: &mut Vec<Error>) -> Option<u64> {
        let n = self.typed(key, "a non-negative integer", errs, Value::as_u64)?;
        if n > max {
            errs.push(Error::new(self.path(key), "out_of_range", format!("must be at most {max}, got {n}")));
            return None;
        }
        Some(n)
    }

    /// An optional array.
    pub fn array(&self, key: &str, errs: &mut Vec<Error>) -> Option<&'a [Value]> {
        self.typed(key, "an array", errs, |v| v.as_array().map(Vec::as_slice))
    }

    /// An optional array of strings; each non-string element is reported with its index.
    pub fn str_list(&self, key: &str, errs: &mut Vec<Error>) -> Option<Vec<&'a str>> {
        let items = self.array(key, errs)?;
        let mut out = Vec::with_capacity(items.len());
        for (i, v) in items.iter().enumerate() {
            match v.as_str() {
                Some(s) => out.push(s),
                None => errs.push(type_error(&format!("{}[{i}]", self.path(key)), "a string", v)),
            }
        }
        Some(out)
    }

    /// An optional value of a closed set (`named_enum!`), reporting an unknown one with the allowed values.
    pub fn choice<T: Named>(&self, key: &str, errs: &mut Vec<Error>) -> Option<T> {
        let s = self.str(key, errs)?;
        let got = T::from_name(s);
        if got.is_none() {
            errs.push(unknown_value(&self.path(key), s, &T::names()));
        }
        got
    }
}

impl<'a> Obj<'a> {
    /// Opens `value` as an object, stopping at the first problem (payloads and masking documents read this
    /// way, with the `Result` getters below); `path` names it in errors (`""` for the root of a payload).
    pub(crate) fn of(value: &'a Value, path: &str) -> Result<Self, Error> {
        match value.as_object() {
            Some(map) => Ok(Obj { map, path: path.to_owned() }),
            None => Err(Error::new(
                if path.is_empty() { "body" } else { path },
                "invalid_type",
                format!("expected a JSON object, got {}", type_name(value)),
            )),
        }
    }

    /// Reports every member not in `known`, under `base` (the object's path; `""` at the root), as
    /// [`object`] does. Configuration is written by people: a misspelt key must be an error, never silently
    /// ignored. (Infobip's payloads, by contrast, tolerate unknown members.)
    pub(crate) fn deny_unknown(&self, base: &str, known: &[&str], problems: &mut Vec<Error>) {
        unknown_keys(self.map, base, known, problems);
    }

    /// Whether member `key` is present and not `null`.
    pub(crate) fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    fn invalid(&self, key: &str, expected: &str, got: &Value) -> Error {
        Error::new(self.path(key), "invalid_type", format!("expected {expected}, got {}", type_name(got)))
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
    pub(crate) fn req_text(&self, key: &str) -> Result<&'a str, Error> {
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
/// Parses a webhook body as JSON, naming `body` when it is not.
pub(crate) fn parse_body(body: &str) -> Result<Value, Error> {
    serde_json::from_str(body).map_err(|e| Error::new("body", "invalid_json", format!("not valid JSON: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_keys_are_reported_with_a_hint() {
        let v = json!({"privacy_mod": "kazoo", "zzz": 1});
        let mut errs = vec![];
        object(&v, "system", &["privacy_mode", "anonymous_name"], &mut errs);
        assert_eq!(errs.len(), 2);
        assert_eq!(errs[0].field, "system.privacy_mod");
        assert!(errs[0].message.contains("did you mean \"privacy_mode\""), "{}", errs[0].message);
        assert_eq!(errs[1].field, "system.zzz");
        assert!(errs[1].message.contains("expected one of privacy_mode, anonymous_name"));
    }

    #[test]
    fn wrong_types_and_missing_fields_are_collected() {
        let v = json!({"a": 1, "b": "x", "c": [1, "y"]});
        let mut errs = vec![];
        let o = object(&v, "", &["a", "b", "c", "d"], &mut errs).unwrap();
        assert_eq!(o.str("a", &mut errs), None);
        assert_eq!(o.bool("b", &mut errs), None);
        assert_eq!(o.str_list("c", &mut errs), Some(vec!["y"]));
        assert_eq!(o.req_str("d", &mut errs), None);
        let fields: Vec<_> = errs.iter().map(|e| (e.field.as_str(), e.code.as_str())).collect();
        assert_eq!(
            fields,
            [("a", "invalid_type"), ("b", "invalid_type"), ("c[0]", "invalid_type"), ("d", "missing")]
        );
    }

    #[test]
    fn masking_documents_get_the_same_hint() {
        let v = json!({"not_alowed": {"fileId": "x"}});
        let mut errs = vec![];
        Obj::of(&v, "config")
            .map(|o| o.deny_unknown("config", &["not_allowed", "display"], &mut errs))
            .unwrap();
        assert_eq!(errs.len(), 1);
        assert_eq!((errs[0].field.as_str(), errs[0].code.as_str()), ("config.not_alowed", "unknown_key"));
        assert!(errs[0].message.contains("did you mean \"not_allowed\""), "{}", errs[0].message);
        let problems = crate::masking::MaskingConfig::from_value(&json!({"not_allowed": {"fileId": "x"},
            "allocaton": {}}))
        .unwrap_err();
        assert!(problems.0[0].message.contains("did you mean \"allocation\""), "{}", problems.0[0].message);
    }

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("abc", "abc"), 0);
    }
}
