//! Phone-number normalisation: every caller ID, dialled number and list entry goes through here to E.164.
//!
//! An own implementation of Google libphonenumber's `PhoneNumberUtil.parse`, `isValidNumber` and
//! `getRegionCodeForNumber` (see `docs/normalisation.md`), over compact metadata generated at build time from
//! the libphonenumber data that the `phonenumber` crate ships: no regex compilation and no database decoding at
//! run time, so the first call in a fresh wasm instance costs microseconds.

mod matcher;
mod metadata;
mod parse;
#[cfg(test)]
#[path = "../../build/pattern.rs"]
mod pattern;
mod text;

use crate::error::Error;
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::fmt::Write as _;
use std::rc::Rc;

/// A number in E.164 with the region it belongs to and whether it is a valid (assigned-range) number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Normalized {
    /// `+` country code and national significant number, e.g. `+33639981234`.
    pub e164: String,
    /// ISO 3166 alpha-2 region (`FR`), `001` for non-geographic numbers, `null` when it cannot be told.
    pub region: Option<String>,
    /// Whether the number matches a number range of its region (libphonenumber `isValidNumber`).
    pub valid: bool,
}

/// A region libphonenumber has metadata for, resolved once from its ISO 3166 alpha-2 code so that hot loops
/// can call [`normalize_with`] without re-reading the country string.
#[derive(Debug, Clone, Copy)]
pub struct Country(&'static metadata::Region);

impl Country {
    /// Resolves an ISO 3166 alpha-2 code (case-insensitive, surrounding spaces ignored); error on field
    /// `country`, code `unknown_country`.
    pub fn parse(country: &str) -> Result<Country, Error> {
        let t = country.trim();
        let mut id = [0u8; 2];
        if t.len() == 2 {
            id.copy_from_slice(t.as_bytes());
        }
        metadata::region_by_id(&id.map(|b| b.to_ascii_uppercase())).map(Country).ok_or_else(|| {
            Error::new(
                "country",
                "unknown_country",
                format!("{country:?} is not an ISO 3166 alpha-2 country code with a numbering plan"),
            )
        })
    }

    /// The upper-case ISO 3166 alpha-2 code.
    pub fn code(&self) -> &'static str {
        self.0.id
    }

    /// The country calling code (`FR` → 33, `US` → 1).
    pub fn calling_code(&self) -> u16 {
        self.0.cc
    }
}

/// Normalises `number` to E.164, reading national formats with the default `country` (ISO 3166 alpha-2).
///
/// Errors: `country`/`unknown_country`; `number`/`not_a_number`, `invalid_country_code`, `too_short`,
/// `too_long` (libphonenumber's parse errors). A number that parses but is not in an assigned range is
/// returned with `valid: false`.
pub fn normalize(number: &str, country: &str) -> Result<Normalized, Error> {
    normalize_with(number, Country::parse(country)?)
}

/// [`normalize`] with an already resolved default country.
pub fn normalize_with(number: &str, country: Country) -> Result<Normalized, Error> {
    finish(parse::parse(number, Some(country.0)))
}

/// The normalisations made for one call, so that each (number, country) is read once however often the call
/// is decided: screening and presentation each read the caller, and the what-if replay decides every call
/// under two policies. A cache of [`normalize`] and nothing else: it never changes an answer (two memos are
/// always equal; cloning one shares its results).
#[derive(Debug, Clone, Default)]
pub struct Memo(RefCell<Vec<MemoEntry>>);

type MemoEntry = (Box<str>, Box<str>, Rc<Result<Normalized, Error>>);

/// Numbers a memo keeps (a call has a handful: its caller, the identity headers, a rewritten caller).
const MEMO_SIZE: usize = 8;

impl Memo {
    /// [`normalize`], read from the memo when this call already normalised `number` in `country`.
    pub fn normalize(&self, number: &str, country: &str) -> Rc<Result<Normalized, Error>> {
        let seen =
            self.0.borrow().iter().find(|(n, c, _)| **n == *number && **c == *country).map(|e| e.2.clone());
        seen.unwrap_or_else(|| {
            let r = Rc::new(normalize(number, country));
            let mut memo = self.0.borrow_mut();
            if memo.len() < MEMO_SIZE {
                memo.push((number.into(), country.into(), r.clone()));
            }
            r
        })
    }
}

impl PartialEq for Memo {
    fn eq(&self, _: &Memo) -> bool {
        true
    }
}

impl Eq for Memo {}

/// Normalises a number that must carry its country calling code, with or without the leading `+`
/// (`+41793026727`, or `41793026727` as Infobip sends it); there is no default country.
pub fn normalize_international(number: &str) -> Result<Normalized, Error> {
    let trimmed = number.trim_start();
    if trimmed.starts_with(text::is_plus) || !trimmed.starts_with(|c: char| text::digit(c).is_some()) {
        finish(parse::parse(number, None))
    } else {
        finish(parse::parse(&format!("+{trimmed}"), None))
    }
}

/// Normalises every entry of a list with one default `country`: one result per entry, a bad entry's error on
/// field `numbers[i]`, so a bulk import or preview reports every bad entry at once. Fails only for an unknown
/// country.
pub fn normalize_many<S: AsRef<str>>(
    numbers: &[S],
    country: &str,
) -> Result<Vec<Result<Normalized, Error>>, Error> {
    let country = Country::parse(country)?;
    Ok(numbers
        .iter()
        .enumerate()
        .map(|(i, n)| {
            normalize_with(n.as_ref(), country).map_err(|e| Error { field: format!("numbers[{i}]"), ..e })
        })
        .collect())
}

/// One result of [`normalize_many`] in the shape of the vector files and JS: `{"ok": …}` or `{"error": …}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Normalization {
    Ok(Normalized),
    Error(Error),
}

impl From<Result<Normalized, Error>> for Normalization {
    fn from(r: Result<Normalized, Error>) -> Self {
        match r {
            Ok(n) => Normalization::Ok(n),
            Err(e) => Normalization::Error(e),
        }
    }
}

/// The country calling code of an ISO 3166 alpha-2 region (`FR` → 33).
pub fn country_calling_code(country: &str) -> Result<u16, Error> {
    Country::parse(country).map(|c| c.calling_code())
}

fn finish(parsed: Result<parse::Parsed, parse::ParseError>) -> Result<Normalized, Error> {
    use parse::ParseError as P;
    let p = parsed.map_err(|e| {
        let (code, msg) = match e {
            P::NotANumber => ("not_a_number", "not a phone number"),
            P::InvalidCountryCode => ("invalid_country_code", "no known country calling code"),
            P::TooShortAfterIdd | P::TooShortNsn => ("too_short", "too short to be a phone number"),
            P::TooLong => ("too_long", "too long to be a phone number"),
        };
        Error::new("number", code, msg)
    })?;
    let nsn = p.nsn.as_bytes();
    let region = parse::region_for_number(p.cc, nsn);
    let valid = parse::is_valid(p.cc, nsn, region);
    let mut e164 = String::with_capacity(p.nsn.len() + 4);
    let _ = write!(e164, "+{}{}", p.cc, p.nsn);
    Ok(Normalized { e164, region: region.map(|r| r.id.to_owned()), valid })
}

#[cfg(test)]
mod tests;
