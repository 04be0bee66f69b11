//! libphonenumber's `PhoneNumberUtil.parse` (parseHelper) and `isValidNumber` / `getRegionCodeForNumber`,
//! step by step, over the generated metadata.

use super::matcher::{full_match, prefix_match};
use super::metadata::{region, regions_for_code, Desc, Region};
use super::text;

/// libphonenumber's parse errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseError {
    NotANumber,
    InvalidCountryCode,
    TooShortAfterIdd,
    TooShortNsn,
    TooLong,
}

/// A parsed number: calling code and national significant number (ASCII digits, leading zeros kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub cc: u16,
    pub nsn: String,
}

const MIN_LENGTH_FOR_NSN: usize = 2;
const MAX_LENGTH_FOR_NSN: usize = 17;
const MAX_INPUT_STRING_LENGTH: usize = 250;

/// `testNumberLength` outcomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    Possible,
    PossibleLocalOnly,
    TooShort,
    TooLong,
    InvalidLength,
}

fn has_len(mask: u32, len: usize) -> bool {
    len < 32 && mask & (1 << len) != 0
}

/// `testNumberLength` for the unknown type (the general description's lengths).
pub fn test_length(len: usize, r: &Region) -> Fit {
    let lengths = r.general.lengths;
    if lengths == 0 {
        return Fit::InvalidLength;
    }
    if has_len(r.general.local, len) {
        return Fit::PossibleLocalOnly;
    }
    let min = lengths.trailing_zeros() as usize;
    let max = 31 - lengths.leading_zeros() as usize;
    if min == len {
        Fit::Possible
    } else if min > len {
        Fit::TooShort
    } else if max < len {
        Fit::TooLong
    } else if has_len(lengths, len) {
        Fit::Possible
    } else {
        Fit::InvalidLength
    }
}

/// `isNumberMatchingDesc`: possible length (when listed) and the national-number pattern.
fn matches_desc(nsn: &[u8], d: &Desc) -> bool {
    if d.lengths != 0 && !has_len(d.lengths, nsn.len()) {
        return false;
    }
    full_match(d.start, nsn)
}

/// `getNumberTypeHelper(…) != UNKNOWN`: the number belongs to one of the region's number types.
pub fn has_type(nsn: &[u8], r: &Region) -> bool {
    if !matches_desc(nsn, &r.general) {
        return false;
    }
    let [rest @ .., fixed, mobile] = &r.types;
    rest.iter().any(|d| matches_desc(nsn, d))
        || matches_desc(nsn, fixed)
        || (!r.same_mobile_fixed && matches_desc(nsn, mobile))
}

/// `getRegionCodeForNumber`: the only region of the code, or the first whose leading digits (or, lacking
/// those, number types) fit.
pub fn region_for_number(cc: u16, nsn: &[u8]) -> Option<&'static Region> {
    let list = regions_for_code(cc);
    if let [only] = list {
        return region(*only);
    }
    list.iter().filter_map(|&i| region(i)).find(|r| match r.leading_digits {
        Some(ld) => prefix_match(ld, nsn),
        None => has_type(nsn, r),
    })
}

/// `isValidNumber`.
pub fn is_valid(cc: u16, nsn: &[u8], r: Option<&Region>) -> bool {
    r.is_some_and(|r| r.cc == cc && has_type(nsn, r))
}

/// `maybeStripNationalPrefixAndCarrierCode`: the number without its national prefix (transformed where the
/// metadata says so), unless stripping would turn a number that fits the general pattern into one that does not.
pub fn strip_national_prefix(number: &str, r: &Region) -> Option<String> {
    let npfp = r.npfp.as_ref()?;
    if number.is_empty() {
        return None;
    }
    let b = number.as_bytes();
    let caps = npfp.looking_at(b)?;
    let end = caps[0].map_or(0, |(_, e)| e as usize);
    let whole_valid = full_match(r.general.start, b);
    let last = caps.get(npfp.groups as usize).copied().flatten().filter(|(s, e)| e > s);
    let stripped = match (r.transform, last) {
        (Some(rule), Some(_)) => {
            let mut out = String::with_capacity(number.len() + rule.len());
            let mut chars = rule.chars().peekable();
            while let Some(c) = chars.next() {
                match (c, chars.peek().and_then(|d| d.to_digit(10))) {
                    ('$', Some(g)) if g >= 1 && g <= npfp.groups as u32 => {
                        chars.next();
                        if let Some((s, e)) = caps.get(g as usize).copied().flatten() {
                            out.push_str(number.get(s as usize..e as usize).unwrap_or(""));
                        }
                    }
                    _ => out.push(c),
                }
            }
            out.push_str(number.get(end..).unwrap_or(""));
            out
        }
        _ => number.get(end..).unwrap_or("").to_owned(),
    };
    if whole_valid && !full_match(r.general.start, stripped.as_bytes()) {
        return None;
    }
    Some(stripped)
}

/// `parsePrefixAsIdd`: the number after the international prefix, unless the prefix is followed by a `0`.
fn strip_idd<'a>(number: &'a str, r: &Region) -> Option<&'a str> {
    let idd = r.intl_prefix.as_ref()?;
    let caps = idd.looking_at(number.as_bytes())?;
    let end = caps[0].map_or(0, |(_, e)| e as usize);
    let rest = number.get(end..)?;
    // A country calling code never starts with 0.
    if rest.starts_with('0') {
        return None;
    }
    Some(rest)
}

/// `maybeExtractCountryCode`: `Some((cc, national number))` when the number carries a calling code (after
/// `+`, an international prefix, or — the "starts with the default country code" heuristic — bare).
fn extract_country_code(s: &str, default: Option<&Region>) -> Result<Option<(u16, String)>, ParseError> {
    if s.is_empty() {
        return Ok(None);
    }
    let body = s.trim_start_matches(text::is_plus);
    let full = if body.len() != s.len() {
        text::normalize(body)
    } else {
        let n = text::normalize(s);
        match default.and_then(|r| strip_idd(&n, r)) {
            Some(rest) => rest.to_owned(),
            None => return Ok(default.and_then(|r| default_code_prefix(&n, r).map(|nn| (r.cc, nn)))),
        }
    };
    if full.len() <= MIN_LENGTH_FOR_NSN {
        return Err(ParseError::TooShortAfterIdd);
    }
    split_country_code(&full)
        .map(|(cc, rest)| Some((cc, rest.to_owned())))
        .ok_or(ParseError::InvalidCountryCode)
}

/// A national number that starts with the default region's calling code: strip it when what is left is a
/// valid-looking national number and the whole is not, or when the whole is too long.
fn default_code_prefix(n: &str, r: &Region) -> Option<String> {
    let rest = strip_code(n, r.cc)?;
    let nn = strip_national_prefix(rest, r).unwrap_or_else(|| rest.to_owned());
    let general = r.general.start;
    ((!full_match(general, n.as_bytes()) && full_match(general, nn.as_bytes()))
        || test_length(n.len(), r) == Fit::TooLong)
        .then_some(nn)
}

/// `n` without the leading decimal digits of `cc`, if it starts with them.
fn strip_code(n: &str, cc: u16) -> Option<&str> {
    let digits = [(cc / 100) as u8, (cc / 10 % 10) as u8, (cc % 10) as u8].map(|d| b'0' + d);
    let skip = if cc >= 100 {
        0
    } else if cc >= 10 {
        1
    } else {
        2
    };
    let code = digits.get(skip..)?;
    n.as_bytes().starts_with(code).then(|| n.get(code.len()..)).flatten()
}

/// `extractCountryCode`: the first 1–3 digits that form an assigned calling code.
pub fn split_country_code(full: &str) -> Option<(u16, &str)> {
    if full.starts_with('0') {
        return None;
    }
    (1..=3.min(full.len())).find_map(|i| {
        let cc: u16 = full.get(..i)?.parse().ok()?;
        (!regions_for_code(cc).is_empty()).then(|| (cc, full.get(i..).unwrap_or("")))
    })
}

/// `parseHelper`: the calling code and national significant number of `input`, read with `default` for
/// national formats (`None`: the number must carry its calling code).
pub fn parse(input: &str, default: Option<&'static Region>) -> Result<Parsed, ParseError> {
    if text::utf16_len(input) > MAX_INPUT_STRING_LENGTH {
        return Err(ParseError::TooLong);
    }
    let number = text::national_number_for_parsing(input).map_err(|_| ParseError::NotANumber)?;
    if !text::is_viable(&number) {
        return Err(ParseError::NotANumber);
    }
    if default.is_none() && !number.starts_with(text::is_plus) {
        return Err(ParseError::InvalidCountryCode);
    }
    let number = text::strip_extension(&number);
    let extracted = match extract_country_code(number, default) {
        Err(ParseError::InvalidCountryCode) if number.starts_with(text::is_plus) => {
            match extract_country_code(number.trim_start_matches(text::is_plus), default)? {
                Some(found) => Some(found),
                None => return Err(ParseError::InvalidCountryCode),
            }
        }
        other => other?,
    };
    let (cc, mut nn, meta) = match extracted {
        Some((cc, nn)) => {
            let main = regions_for_code(cc).first().and_then(|&i| region(i));
            let meta = match (default, main) {
                (Some(d), Some(m)) if d.id == m.id => Some(d),
                (_, m) => m,
            };
            (cc, nn, meta)
        }
        None => (default.map_or(0, |d| d.cc), text::normalize(number), default),
    };
    if cc == 0 {
        return Err(ParseError::InvalidCountryCode);
    }
    if nn.len() < MIN_LENGTH_FOR_NSN {
        return Err(ParseError::TooShortNsn);
    }
    if let Some(r) = meta {
        if let Some(stripped) = strip_national_prefix(&nn, r) {
            if !matches!(
                test_length(stripped.len(), r),
                Fit::TooShort | Fit::PossibleLocalOnly | Fit::InvalidLength
            ) {
                nn = stripped;
            }
        }
    }
    if nn.len() < MIN_LENGTH_FOR_NSN {
        return Err(ParseError::TooShortNsn);
    }
    if nn.len() > MAX_LENGTH_FOR_NSN {
        return Err(ParseError::TooLong);
    }
    Ok(Parsed { cc, nsn: nn })
}
