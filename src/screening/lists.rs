//! Number and prefix list entries (account blocklists, the allowlist, user blocklists): how an entry is
//! written, checked and normalised to E.164 when the policy is loaded, so that a stored number and an
//! incoming caller ID are always compared in the same form.
//!
//! Entries may be written in any format the phone module reads for the list's country (`0639981234`,
//! `+33 6 39 98 12 34`, `0033639981234`, `33639981234` for FR all become `+33639981234`); without a country
//! only the international `+` form is accepted. Prefixes are always written in international form (`+1900`).

use crate::error::Error;
use crate::policy::reader::{object, type_error};
use serde::{Serialize, Serializer};
use serde_json::Value;
use std::fmt;

/// An E.164 number or prefix as a compact, ordered key: the digits' value shifted left by 5, or'ed with the
/// digit count (so `+1` and `+01` could never collide, and a key fits in 8 bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct E164(u64);

/// Most digits a key holds (E.164 allows 15).
pub const MAX_DIGITS: usize = 17;

impl E164 {
    /// The key of a string of 1..=17 ASCII digits.
    pub fn from_digits(digits: &[u8]) -> Option<E164> {
        if digits.is_empty() || digits.len() > MAX_DIGITS {
            return None;
        }
        let mut v: u64 = 0;
        for &d in digits {
            if !d.is_ascii_digit() {
                return None;
            }
            v = v * 10 + u64::from(d - b'0');
        }
        Some(E164((v << 5) | digits.len() as u64))
    }

    /// The key of `+digits`.
    pub fn parse(s: &str) -> Option<E164> {
        E164::from_digits(s.strip_prefix('+')?.as_bytes())
    }

    /// The one key of every all-zero entry (`0000000000`, `+000`): Kazoo users list `0000000000` to block
    /// callers presenting an all-zero number (seed 001), and any caller number that passes Kazoo's zero test
    /// (`^\+?00+$`) looks this key up. Printed as `0000000000`.
    pub const ZERO: E164 = E164(10);

    /// The raw key.
    pub fn key(self) -> u64 {
        self.0
    }
}

impl fmt::Display for E164 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if *self == E164::ZERO {
            return f.write_str("0000000000");
        }
        let len = (self.0 & 31) as usize;
        write!(f, "+{:0len$}", self.0 >> 5)
    }
}

impl Serialize for E164 {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A listed number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NumberEntry {
    /// As written.
    pub number: String,
    pub e164: E164,
    pub label: Option<String>,
}

/// A listed prefix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrefixEntry {
    /// As written.
    pub prefix: String,
    /// `+` and digits.
    pub e164_prefix: E164,
    pub label: Option<String>,
}

/// A user blocklist entry (Wazo: an id, a +E.164 number, a label).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserEntry {
    pub id: String,
    pub number: String,
    pub e164: E164,
    pub label: Option<String>,
}

/// The result of checking one entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NormalizedEntry {
    /// As written.
    pub number: String,
    pub e164: String,
    pub region: Option<String>,
    /// Whether the number is in an assigned range of its region (not required to list it).
    pub valid: bool,
}

/// Caller-ID strings that mean "anonymous", refused as list entries with a hint.
const ANONYMOUS_WORDS: &[&str] =
    &["anonymous", "restricted", "private", "unavailable", "unknown", "withheld"];

/// Kazoo's zero test (`kz_privacy:is_zero/1`, `^\+?00+$`): an optional `+` then at least two zeros and
/// nothing else (surrounding white space ignored). A lone `0` is not a zero number; `+1 000 000 0000` is not
/// either (its country code is 1).
pub fn is_zero_number(number: &str) -> bool {
    let digits = number.trim();
    let digits = digits.strip_prefix('+').unwrap_or(digits);
    digits.len() >= 2 && digits.bytes().all(|b| b == b'0')
}

fn is_separator(c: char) -> bool {
    matches!(c, ' ' | '-' | '.' | '(' | ')' | '/')
}

/// Which list an entry is read for: what each accepts differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ListKind {
    /// An account blocklist (Kazoo): any format of its country, and the zero number `0000000000`.
    Blocklist,
    /// The account's allowlist: any format of its country.
    Allowlist,
    /// A user's blocklist (Wazo): +E.164 only, as wazo-confd checks.
    User,
}

/// Checks and normalises one account blocklist entry, reading national formats with `country` (ISO
/// alpha-2); without a country, only `+` numbers are accepted. An all-zero number (Kazoo's zero test) is
/// kept as `0000000000`: it blocks callers presenting a zero number. Errors name the field `number`.
pub fn normalize_entry(number: &str, country: Option<&str>) -> Result<NormalizedEntry, Error> {
    let country = country.map(crate::policy::check_country).transpose()?;
    normalize_checked(number, country.as_deref(), ListKind::Blocklist)
}

/// [`normalize_entry`] with a country already checked (policy loading checks it once per list), for one
/// kind of list.
pub(crate) fn normalize_checked(
    number: &str,
    country: Option<&str>,
    kind: ListKind,
) -> Result<NormalizedEntry, Error> {
    let trimmed = number.trim();
    if trimmed.is_empty() {
        return Err(Error::new("number", "empty", "empty number"));
    }
    if kind == ListKind::Blocklist && is_zero_number(trimmed) {
        let e164 = E164::ZERO.to_string();
        return Ok(NormalizedEntry { number: number.to_owned(), e164, region: None, valid: false });
    }
    if is_zero_number(trimmed) || ANONYMOUS_WORDS.iter().any(|w| trimmed.eq_ignore_ascii_case(w)) {
        return Err(Error::new(
            "number",
            "anonymous_entry",
            format!(
                "{trimmed:?} is how anonymous calls look, not a number: use block_anonymous to reject them"
            ),
        ));
    }
    if kind == ListKind::User && !trimmed.starts_with('+') {
        return Err(Error::new(
            "number",
            "not_international",
            format!("{trimmed:?}: user blocklist numbers are written in +E.164, e.g. \"+33639981234\" (as wazo-confd requires)"),
        ));
    }
    let country = match country {
        Some(c) => c,
        None if trimmed.starts_with('+') => "US",
        None => {
            return Err(Error::new(
                "number",
                "needs_country",
                format!("{trimmed:?} is in a national format: write it as +E.164 or give the list a country"),
            ))
        }
    };
    let n = crate::phone::normalize(trimmed, country)?;
    if E164::parse(&n.e164).is_none() {
        return Err(Error::new("number", "too_long", format!("{:?} is longer than E.164 allows", n.e164)));
    }
    Ok(NormalizedEntry { number: number.to_owned(), e164: n.e164, region: n.region, valid: n.valid })
}

/// The key of a normalised entry (`+digits`, or the zero number).
fn parse_key(e164: &str) -> Option<E164> {
    if e164 == "0000000000" {
        Some(E164::ZERO)
    } else {
        E164::parse(e164)
    }
}

/// Checks a prefix: `+` then 1..=15 digits, the first not 0; spaces, dashes, dots and parentheses ignored.
pub fn parse_prefix(prefix: &str) -> Result<E164, Error> {
    let compact: String = prefix.trim().chars().filter(|c| !is_separator(*c)).collect();
    let digits = compact.strip_prefix('+').unwrap_or("");
    let ok = (1..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0');
    match E164::from_digits(digits.as_bytes()) {
        Some(k) if ok => Ok(k),
        _ => Err(Error::new(
            "prefix",
            "invalid_prefix",
            format!("{prefix:?}: write prefixes in international form, + and 1 to 15 digits (\"+1900\")"),
        )),
    }
}

/// Reads an optional label (1..=1024 characters).
fn read_label(o: &crate::policy::reader::Obj<'_>, errs: &mut Vec<Error>) -> Option<String> {
    o.str_len("label", 1, 1024, errs).map(str::to_owned)
}

/// Reads a number entry, written as a string or as `{"number", "label"}`.
pub(crate) fn read_number(
    v: &Value,
    path: &str,
    country: Option<&str>,
    kind: ListKind,
    errs: &mut Vec<Error>,
) -> Option<NumberEntry> {
    let (number, label) = match v {
        Value::String(s) => (s.as_str(), None),
        Value::Object(_) => {
            let o = object(v, path, &["number", "label"], errs)?;
            let label = read_label(&o, errs);
            (o.req_str("number", errs)?, label)
        }
        other => {
            errs.push(type_error(path, "a number string or {number, label}", other));
            return None;
        }
    };
    let field = if v.is_string() { path.to_owned() } else { crate::error::join_path(path, "number") };
    match normalize_checked(number, country, kind) {
        Ok(n) => Some(NumberEntry { number: number.to_owned(), e164: parse_key(&n.e164)?, label }),
        Err(e) => {
            errs.push(Error::new(field, &e.code, e.message));
            None
        }
    }
}

/// Reads a prefix entry, written as a string or as `{"prefix", "label"}`.
pub(crate) fn read_prefix(v: &Value, path: &str, errs: &mut Vec<Error>) -> Option<PrefixEntry> {
    let (prefix, label) = match v {
        Value::String(s) => (s.as_str(), None),
        Value::Object(_) => {
            let o = object(v, path, &["prefix", "label"], errs)?;
            let label = read_label(&o, errs);
            (o.req_str("prefix", errs)?, label)
        }
        other => {
            errs.push(type_error(path, "a prefix string or {prefix, label}", other));
            return None;
        }
    };
    let field = if v.is_string() { path.to_owned() } else { crate::error::join_path(path, "prefix") };
    match parse_prefix(prefix) {
        Ok(k) => Some(PrefixEntry { prefix: prefix.to_owned(), e164_prefix: k, label }),
        Err(e) => {
            errs.push(Error::new(field, &e.code, e.message));
            None
        }
    }
}

/// Reads a user blocklist entry `{id, number, label}`.
pub(crate) fn read_user_entry(
    v: &Value,
    path: &str,
    country: &str,
    errs: &mut Vec<Error>,
) -> Option<UserEntry> {
    let o = object(v, path, &["id", "number", "label"], errs)?;
    let id = crate::policy::document::read_id(&o, errs);
    let label = read_label(&o, errs);
    let number = o.req_str("number", errs)?;
    match normalize_checked(number, Some(country), ListKind::User) {
        Ok(n) => Some(UserEntry { id: id?, number: number.to_owned(), e164: E164::parse(&n.e164)?, label }),
        Err(e) => {
            errs.push(Error::new(o.path("number"), &e.code, e.message));
            None
        }
    }
}

/// Reports every entry whose number repeats an earlier entry of the same list: `keys` are (key, index in
/// the list at `path`); each repeat is reported at its own index, naming the first occurrence.
pub(crate) fn check_duplicates(mut keys: Vec<(E164, usize)>, path: &str, errs: &mut Vec<Error>) {
    keys.sort_unstable();
    let mut found = Vec::new();
    let mut first: Option<(E164, usize)> = None;
    for (key, at) in keys {
        match first {
            Some((k, i)) if k == key => found.push((at, i, key)),
            _ => first = Some((key, at)),
        }
    }
    found.sort_unstable();
    for (at, i, key) in found {
        errs.push(Error::new(
            format!("{path}[{at}]"),
            "duplicate_number",
            format!("{key} is already listed at {path}[{i}]"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_order() {
        for s in ["+1", "+33639981234", "+999999999999999", "+12345678901234567"] {
            assert_eq!(E164::parse(s).unwrap().to_string(), s);
        }
        assert!(E164::parse("+123456789012345678").is_none());
        assert!(E164::parse("33").is_none());
        assert!(E164::parse("+").is_none());
        assert_eq!(E164::ZERO, E164::from_digits(b"0000000000").unwrap());
        assert_ne!(E164::parse("+1"), E164::from_digits(b"01"));
    }

    #[test]
    fn the_issue_formats_all_normalise_alike() {
        for n in ["0639981234", "+33 6 39 98 12 34", "0033639981234", "33639981234", "06.39.98.12.34"] {
            assert_eq!(normalize_entry(n, Some("FR")).unwrap().e164, "+33639981234", "{n}");
        }
        assert_eq!(normalize_entry("+33639981234", None).unwrap().e164, "+33639981234");
    }

    #[test]
    fn bad_entries_say_why() {
        let code = |n: &str, c: Option<&str>| normalize_entry(n, c).unwrap_err().code;
        assert_eq!(code("", Some("FR")), "empty");
        assert_eq!(normalize_entry("+000", Some("US")).unwrap().e164, "0000000000");
        assert_eq!(
            normalize_checked("0000000000", Some("US"), ListKind::User).unwrap_err().code,
            "anonymous_entry"
        );
        assert_eq!(
            normalize_checked("0639981234", Some("FR"), ListKind::User).unwrap_err().code,
            "not_international"
        );
        assert_eq!(code("Anonymous", Some("US")), "anonymous_entry");
        assert_eq!(code("0639981234", None), "needs_country");
        assert_eq!(code("hello", Some("FR")), "not_a_number");
        assert_eq!(code("+33639981234", Some("QQ")), "unknown_country");
    }

    #[test]
    fn prefixes_are_international() {
        assert_eq!(parse_prefix("+1 900").unwrap().to_string(), "+1900");
        for bad in ["1900", "+", "+0123", "+1900x", "+1234567890123456"] {
            assert_eq!(parse_prefix(bad).unwrap_err().code, "invalid_prefix", "{bad}");
        }
    }

    #[test]
    fn duplicates_point_at_the_first_occurrence() {
        let k = |s| E164::parse(s).unwrap();
        let mut errs = vec![];
        check_duplicates(vec![(k("+1"), 0), (k("+2"), 1), (k("+1"), 2), (k("+1"), 3)], "l", &mut errs);
        let got: Vec<_> = errs.iter().map(|e| (e.field.as_str(), e.message.as_str())).collect();
        assert_eq!(got, [("l[2]", "+1 is already listed at l[0]"), ("l[3]", "+1 is already listed at l[0]")]);
    }
}
