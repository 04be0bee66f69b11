//! Phone numbers as number masking sees them: always international, never read through a default region.
//!
//! Infobip sends and expects international digits without the `+` (`41793026727`); configuration and sessions
//! hold E.164 (`+41793026727`). Both are read as `+` and digits through [`crate::phone::normalize`], so two
//! spellings of one number always compare equal, and a national number (`0793026727`) is refused rather than
//! guessed.

use crate::error::Error;
use serde::{Serialize, Serializer};
use std::collections::HashMap;

/// A number in E.164, with its region (for geo matching) and a compact key for O(1) index lookups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Number {
    /// `+` and digits, e.g. `+41793026727`.
    pub e164: String,
    /// ISO 3166 alpha-2 region, when the number tells it.
    pub region: Option<String>,
    /// The E.164 digits as an integer (at most 15 digits, so it fits): the index key.
    pub(crate) key: u64,
}

impl Number {
    /// Reads a number as Infobip sends it: international digits, no `+` (a leading `+` is tolerated).
    pub fn from_infobip(field: &str, raw: &str) -> Result<Number, Error> {
        let t = raw.trim();
        let digits = t.strip_prefix('+').unwrap_or(t);
        if digits.is_empty() {
            return Err(Error::new(field, "empty", "must not be empty"));
        }
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::new(
                field,
                "not_international",
                format!("{raw:?} is not an international number (digits only, e.g. 41793026727)"),
            ));
        }
        Number::read(field, &format!("+{digits}"))
    }

    /// Reads a configured number, which must be written internationally: `+` then digits, with optional
    /// spaces, dots, dashes or parentheses (`+41 79 302 67 27`).
    pub fn international(field: &str, raw: &str) -> Result<Number, Error> {
        let t = raw.trim();
        if t.is_empty() {
            return Err(Error::new(field, "empty", "must not be empty"));
        }
        let ok_chars = t.bytes().all(|b| b.is_ascii_digit() || b" +-.()".contains(&b));
        if !t.starts_with('+') || !ok_chars || t.get(1..).is_some_and(|rest| rest.contains('+')) {
            return Err(Error::new(
                field,
                "not_international",
                format!("{raw:?} is not in international format (+ and digits, e.g. +41793026727)"),
            ));
        }
        Number::read(field, t)
    }

    fn read(field: &str, plus_digits: &str) -> Result<Number, Error> {
        // International format only: the country calling code is read from the number, never a default region.
        let n = crate::phone::normalize_international(plus_digits)
            .map_err(|e| Error { field: field.to_owned(), ..e })?;
        let digits = n.e164.strip_prefix('+').unwrap_or(&n.e164);
        let key = match digits.parse::<u64>() {
            Ok(k) if digits.len() <= 15 => k,
            _ => return Err(Error::new(field, "too_long", "longer than the 15 digits E.164 allows")),
        };
        Ok(Number { region: n.region, key, e164: n.e164 })
    }

    /// The number in Infobip's wire format: international digits without `+`.
    pub fn infobip(&self) -> &str {
        self.e164.strip_prefix('+').unwrap_or(&self.e164)
    }

    /// Length of the country calling code (1–3 digits), from the ITU assignment: codes are prefix-free, so
    /// the first digits tell it. Used to find where an area code starts.
    pub(crate) fn calling_code_len(&self) -> usize {
        let d = self.infobip().as_bytes();
        match d.first() {
            Some(b'1') | Some(b'7') => 1,
            _ => {
                let two = d.get(..2).and_then(|p| std::str::from_utf8(p).ok()).unwrap_or("");
                if TWO_DIGIT_CODES.contains(&two) {
                    2
                } else {
                    3
                }
            }
        }
    }

    /// The national significant number: the digits after the country calling code.
    pub(crate) fn national(&self) -> &str {
        self.infobip().get(self.calling_code_len()..).unwrap_or("")
    }
}

/// Numbers already read from one document, so that a list repeating numbers (the pool's proxies across 10k
/// sessions) normalises each spelling once.
#[derive(Default)]
pub(crate) struct Numbers {
    read: HashMap<String, Number>,
}

impl Numbers {
    /// [`Number::international`], remembered per spelling.
    pub(crate) fn international(&mut self, field: &str, raw: &str) -> Result<Number, Error> {
        if let Some(n) = self.read.get(raw) {
            return Ok(n.clone());
        }
        let n = Number::international(field, raw)?;
        self.read.insert(raw.to_owned(), n.clone());
        Ok(n)
    }
}

/// [`Number::from_infobip`], answered from `known` (numbers already normalised, by key) when the digits are
/// exactly those of a known E.164 number: normalisation gives back an E.164 number unchanged, so the result
/// is the same, without parsing again. Other spellings take the full path.
pub(crate) fn from_infobip_known(
    field: &str,
    raw: &str,
    known: &HashMap<u64, Number>,
) -> Result<Number, Error> {
    let t = raw.trim();
    let digits = t.strip_prefix('+').unwrap_or(t);
    let canonical = (1..=15).contains(&digits.len())
        && !digits.starts_with('0')
        && digits.bytes().all(|b| b.is_ascii_digit());
    if canonical {
        if let Some(n) = digits.parse::<u64>().ok().and_then(|k| known.get(&k)) {
            return Ok(n.clone());
        }
    }
    Number::from_infobip(field, raw)
}

/// Every two-digit ITU-T E.164 country calling code (all others but 1 and 7 have three digits).
const TWO_DIGIT_CODES: [&str; 44] = [
    "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46", "47", "48",
    "49", "51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63", "64", "65", "66", "81",
    "82", "84", "86", "90", "91", "92", "93", "94", "95", "98",
];

impl Serialize for Number {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.e164)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn infobip_and_e164_spellings_meet() {
        let a = Number::from_infobip("from", "41793026727").unwrap();
        let b = Number::international("number", "+41 79 302 67 27").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.e164, "+41793026727");
        assert_eq!(a.infobip(), "41793026727");
        assert_eq!(a.region.as_deref(), Some("CH"));
        assert_eq!(a.national(), "793026727");
    }

    #[test]
    fn national_and_junk_are_refused() {
        assert_eq!(Number::international("n", "0793026727").unwrap_err().code, "not_international");
        assert_eq!(Number::from_infobip("from", "4179x").unwrap_err().code, "not_international");
        assert_eq!(Number::from_infobip("from", " ").unwrap_err().code, "empty");
        assert_eq!(Number::international("n", "+41+79").unwrap_err().code, "not_international");
        assert_eq!(Number::from_infobip("to", "").unwrap_err().field, "to");
    }

    #[test]
    fn known_numbers_answer_like_a_full_read() {
        let n = Number::international("n", "+41 79 302 67 27").unwrap();
        let known: HashMap<u64, Number> = [(n.key, n.clone())].into();
        for raw in ["41793026727", "+41793026727", " 41793026727 "] {
            assert_eq!(
                from_infobip_known("from", raw, &known).unwrap(),
                Number::from_infobip("from", raw).unwrap()
            );
        }
        // Unknown or non-canonical spellings take the full path, errors included.
        assert_eq!(
            from_infobip_known("from", "041793026727", &known).unwrap_err().code,
            "invalid_country_code"
        );
        assert_eq!(from_infobip_known("from", "4179x", &known).unwrap_err().code, "not_international");
        let mut cache = Numbers::default();
        assert_eq!(cache.international("a", "+41 79 302 67 27").unwrap(), n);
        assert_eq!(cache.international("b", "+41 79 302 67 27").unwrap(), n);
        assert_eq!(cache.international("c", "+0").unwrap_err().field, "c");
    }

    #[test]
    fn calling_codes() {
        for (n, len) in [("+12125550100", 1), ("+74951234567", 1), ("+33612345678", 2), ("+35312345678", 3)] {
            assert_eq!(Number::international("n", n).unwrap().calling_code_len(), len, "{n}");
        }
    }
}
