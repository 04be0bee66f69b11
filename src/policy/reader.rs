//! A small path-tracking reader over `serde_json::Value`, used to validate the policy document and the call
//! event: every getter knows the JSON path of what it reads, and every problem (wrong type, unknown key,
//! unknown enum value, missing field) is pushed to one list instead of stopping at the first, so a document
//! is reported whole. `null` counts as absent, as JS callers often send it for "not set".

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
    for k in map.keys() {
        if !keys.contains(&k.as_str()) {
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
    Some(Obj { map, path: path.to_owned() })
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
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("abc", "abc"), 0);
    }
}
