//! The call log as CSV (RFC 4180: quoted fields, doubled quotes, CRLF or LF), read line by line and mapped
//! to call events. Two column sets are read, by their header names:
//!
//! - plain: `time,direction,account,caller_number,caller_name,dialled_number` (optional `destination_user`,
//!   `resource`, `gateway`, `sip_privacy`, `p_asserted_identity`, `remote_party_id`);
//! - a Kazoo CDR export: `unix_timestamp` (or `timestamp`, Gregorian seconds), `call_direction` (or
//!   `direction`), `account_id`, `caller_id_number`, `caller_id_name`, `dialed_number` (or `callee_id_number`).
//!
//! `time` is Unix seconds or an ISO 8601 UTC date-time (`2026-12-04T18:40:00Z`).

use crate::error::Error;
use serde_json::{Map, Value};

/// Longest line read (a bound on work and memory per line).
pub const MAX_LINE: usize = 16 * 1024;
/// Most columns a line may have.
pub const MAX_COLUMNS: usize = 64;
/// Seconds from year 0 (Kazoo's Gregorian seconds) to the Unix epoch.
const GREGORIAN_UNIX_OFFSET: i64 = 62_167_219_200;

/// Where each event field comes from (column indexes).
#[derive(Debug, Clone)]
pub struct Columns {
    count: usize,
    time: (usize, TimeKind),
    direction: usize,
    account: Option<usize>,
    fields: Vec<(usize, &'static str)>,
    sip: Vec<(usize, &'static str)>,
}

#[derive(Debug, Clone, Copy)]
enum TimeKind {
    /// Unix seconds or ISO 8601.
    Plain,
    /// Kazoo's Gregorian seconds (`timestamp`).
    Gregorian,
}

/// Splits one CSV line into fields (a line holds one record: quoted fields may not span lines).
pub fn split(line: &str) -> Result<Vec<String>, &'static str> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    let mut started = true;
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    cur.push('"');
                } else {
                    quoted = false;
                }
            } else {
                cur.push(c);
            }
        } else if c == ',' {
            out.push(std::mem::take(&mut cur));
            if out.len() >= MAX_COLUMNS {
                return Err("too_many_columns");
            }
            started = true;
        } else if c == '"' && started && cur.is_empty() {
            quoted = true;
        } else {
            cur.push(c);
            started = false;
        }
    }
    if quoted {
        return Err("unterminated_quote");
    }
    out.push(cur);
    Ok(out)
}

fn find(names: &[String], wanted: &[&str]) -> Option<usize> {
    wanted.iter().find_map(|w| names.iter().position(|n| n == w))
}

impl Columns {
    /// Reads the header row; errors name `csv.header` and the missing column.
    pub fn from_header(line: &str) -> Result<Columns, Error> {
        let names: Vec<String> = split(line)
            .map_err(|code| Error::new("csv.header", code, "the header row is not valid CSV"))?
            .into_iter()
            .map(|n| n.trim().trim_start_matches('\u{feff}').to_ascii_lowercase())
            .collect();
        let missing = |what: &str, options: &str| {
            Error::new("csv.header", "missing_column", format!("no {what} column (expected {options})"))
        };
        let time = if let Some(i) = find(&names, &["time", "unix_timestamp", "datetime"]) {
            (i, TimeKind::Plain)
        } else if let Some(i) = find(&names, &["timestamp"]) {
            (i, TimeKind::Gregorian)
        } else {
            return Err(missing("time", "time, unix_timestamp or timestamp"));
        };
        let direction = find(&names, &["direction", "call_direction"])
            .ok_or_else(|| missing("direction", "direction or call_direction"))?;
        let caller = find(&names, &["caller_number", "caller_id_number"])
            .ok_or_else(|| missing("caller number", "caller_number or caller_id_number"))?;
        let mut fields = vec![(caller, "caller_number")];
        let optional: [(&[&str], &'static str); 5] = [
            (&["caller_name", "caller_id_name"], "caller_name"),
            (&["dialled_number", "dialed_number", "callee_id_number"], "dialled_number"),
            (&["destination_user", "owner_id"], "destination_user"),
            (&["resource"], "resource"),
            (&["gateway"], "gateway"),
        ];
        for (names_for, key) in optional {
            if let Some(i) = find(&names, names_for) {
                fields.push((i, key));
            }
        }
        let mut sip = Vec::new();
        for (name, key) in [
            ("sip_privacy", "privacy"),
            ("p_asserted_identity", "p_asserted_identity"),
            ("remote_party_id", "remote_party_id"),
        ] {
            if let Some(i) = find(&names, &[name]) {
                sip.push((i, key));
            }
        }
        Ok(Columns {
            count: names.len(),
            time,
            direction,
            account: find(&names, &["account", "account_id"]),
            fields,
            sip,
        })
    }

    /// Maps one data line to (time, event); `path` (`csv[12]`) roots the errors.
    pub fn read(&self, line: &str, path: &str, default_account: Option<&str>) -> Result<(i64, Value), Error> {
        let cells = split(line).map_err(|code| Error::new(path, code, "not a valid CSV line"))?;
        if cells.len() != self.count {
            return Err(Error::new(
                path,
                "wrong_column_count",
                format!("{} columns where the header has {}", cells.len(), self.count),
            ));
        }
        let cell = |i: usize| cells[i].trim();
        let time = match self.time.1 {
            TimeKind::Plain => parse_time(cell(self.time.0)),
            TimeKind::Gregorian => cell(self.time.0).parse::<i64>().ok().map(|g| g - GREGORIAN_UNIX_OFFSET),
        }
        .ok_or_else(|| {
            Error::new(
                format!("{path}.time"),
                "invalid",
                "expected Unix seconds or an ISO 8601 UTC date-time",
            )
        })?;
        let mut event = Map::new();
        event.insert("direction".into(), Value::String(cell(self.direction).to_ascii_lowercase()));
        let account = self.account.map(cell).filter(|a| !a.is_empty()).or(default_account);
        if let Some(a) = account {
            event.insert("account".into(), Value::String(a.to_owned()));
        }
        for &(i, key) in &self.fields {
            if !cell(i).is_empty() {
                event.insert(key.into(), Value::String(cell(i).to_owned()));
            }
        }
        let sip: Map<String, Value> = self
            .sip
            .iter()
            .filter(|&&(i, _)| !cell(i).is_empty())
            .map(|&(i, k)| (k.to_owned(), Value::String(cell(i).to_owned())))
            .collect();
        if !sip.is_empty() {
            event.insert("sip".into(), Value::Object(sip));
        }
        Ok((time, Value::Object(event)))
    }
}

/// Unix seconds, or `YYYY-MM-DD[T ]HH:MM[:SS][.fff][Z]` read as UTC.
pub fn parse_time(s: &str) -> Option<i64> {
    if let Ok(n) = s.parse::<i64>() {
        return Some(n);
    }
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let t = s.get(r)?;
        t.bytes().all(|c| c.is_ascii_digit()).then(|| t.parse().ok())?
    };
    if b.len() < 16 || b[4] != b'-' || b[7] != b'-' || !(b[10] == b'T' || b[10] == b' ') || b[13] != b':' {
        return None;
    }
    let (y, mo, d, h, mi) = (num(0..4)?, num(5..7)?, num(8..10)?, num(11..13)?, num(14..16)?);
    let sec = if b.len() >= 19 && b[16] == b':' { num(17..19)? } else { 0 };
    let rest = &s[if b.len() >= 19 && b[16] == b':' { 19 } else { 16 }..];
    let rest =
        rest.strip_prefix('.').map(|r| r.trim_start_matches(|c: char| c.is_ascii_digit())).unwrap_or(rest);
    if !(rest.is_empty() || rest == "Z" || rest == "+00:00") {
        return None;
    }
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    Some(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + sec)
}

/// Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}
