//! The call log as CSV (RFC 4180: quoted fields, doubled quotes, CRLF or LF), read line by line and mapped
//! to call events. Two column sets are read, by their header names:
//!
//! - plain: `time,direction,account,caller_number,caller_name,dialled_number` (optional `destination_user`,
//!   `resource`, `gateway`, `sip_privacy`, `p_asserted_identity`, `remote_party_id`);
//! - a Kazoo CDR export: `unix_timestamp` (or `timestamp`, Gregorian seconds), `call_direction` (or
//!   `direction`), `account_id`, `caller_id_number`, `caller_id_name`, `dialed_number` (or `callee_id_number`).
//!
//! `time` is Unix seconds or an ISO 8601 UTC date-time (`2026-12-04T18:40:00Z`).
//!
//! A line is read into a [`Row`] whose fields borrow from the line (only a quoted field is copied), and the row
//! into a call event without JSON in between when it is plainly valid: the replay reads 100,000 lines in a
//! fraction of the time two decisions per line take.

use crate::error::{Error, Problems};
use crate::policy::event::{read_event, CallEvent, Direction, SipFacts};
use serde_json::{Map, Value};
use std::borrow::Cow;

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
    fields: Vec<(usize, Field)>,
    sip: Vec<(usize, Sip)>,
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
    let mut cells = Vec::new();
    split_into(line, &mut cells)?;
    Ok(cells.into_iter().map(Cow::into_owned).collect())
}

/// [`split`] into a reused vector, borrowing every field that holds no quote (most of a log's fields), so a
/// line costs no allocation beyond its quoted fields.
pub fn split_into<'a>(line: &'a str, out: &mut Vec<Cow<'a, str>>) -> Result<(), &'static str> {
    out.clear();
    let mut rest = line;
    loop {
        // Byte searches: `,` and `"` are ASCII, never part of a multi-byte character.
        let end = rest.bytes().position(|b| b == b',').unwrap_or(rest.len());
        let (field, after) = if rest.as_bytes()[..end].contains(&b'"') {
            let (field, used) = quoted_field(rest)?;
            (Cow::Owned(field), &rest[used..])
        } else {
            (Cow::Borrowed(&rest[..end]), &rest[end..])
        };
        out.push(field);
        match after.strip_prefix(',') {
            None => return Ok(()),
            Some(next) => {
                if out.len() >= MAX_COLUMNS {
                    return Err("too_many_columns");
                }
                rest = next;
            }
        }
    }
}

/// Reads one field that holds a quote (RFC 4180: `"…"` with `""` for a quote; text around a quoted part is
/// kept as written): its text and the bytes read, up to the comma that ends it (not included).
fn quoted_field(s: &str) -> Result<(String, usize), &'static str> {
    let mut cur = String::new();
    let mut chars = s.char_indices().peekable();
    let mut quoted = false;
    let mut started = true;
    while let Some((i, c)) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek().map(|&(_, n)| n) == Some('"') {
                    chars.next();
                    cur.push('"');
                } else {
                    quoted = false;
                }
            } else {
                cur.push(c);
            }
        } else if c == ',' {
            return Ok((cur, i));
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
    Ok((cur, s.len()))
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
        let mut fields = vec![(caller, Field::CallerNumber)];
        let optional: [(&[&str], Field); 5] = [
            (&["caller_name", "caller_id_name"], Field::CallerName),
            (&["dialled_number", "dialed_number", "callee_id_number"], Field::DialledNumber),
            (&["destination_user", "owner_id"], Field::DestinationUser),
            (&["resource"], Field::Resource),
            (&["gateway"], Field::Gateway),
        ];
        for (names_for, key) in optional {
            if let Some(i) = find(&names, names_for) {
                fields.push((i, key));
            }
        }
        let mut sip = Vec::new();
        for (name, key) in [
            ("sip_privacy", Sip::Privacy),
            ("p_asserted_identity", Sip::PAssertedIdentity),
            ("remote_party_id", Sip::RemotePartyId),
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

    /// How many columns the header has.
    pub fn count(&self) -> usize {
        self.count
    }

    /// Reads one data line into a [`Row`] borrowing its fields (split into `cells`, reused from line to line);
    /// errors are rooted at `csv[<line>]`.
    pub fn row<'a>(
        &self,
        line: &'a str,
        number: u64,
        cells: &'a mut Vec<Cow<'a, str>>,
        default_account: Option<&'a str>,
    ) -> Result<Row<'a>, Error> {
        let path = || format!("csv[{number}]");
        split_into(line, cells).map_err(|code| Error::new(path(), code, "not a valid CSV line"))?;
        if cells.len() != self.count {
            return Err(Error::new(
                path(),
                "wrong_column_count",
                format!("{} columns where the header has {}", cells.len(), self.count),
            ));
        }
        let cells: &'a [Cow<'a, str>] = cells;
        let cell = |i: usize| cells[i].trim();
        let time = match self.time.1 {
            TimeKind::Plain => parse_time(cell(self.time.0)),
            TimeKind::Gregorian => cell(self.time.0).parse::<i64>().ok().map(|g| g - GREGORIAN_UNIX_OFFSET),
        }
        .ok_or_else(|| {
            Error::new(
                format!("{}.time", path()),
                "invalid",
                "expected Unix seconds or an ISO 8601 UTC date-time",
            )
        })?;
        let present = |i: usize| Some(cell(i)).filter(|c| !c.is_empty());
        let mut row = Row {
            time,
            direction: cell(self.direction),
            account: self.account.and_then(present).or(default_account),
            fields: [None; 6],
            sip: [None; 3],
        };
        for &(i, key) in &self.fields {
            row.fields[key as usize] = present(i);
        }
        for &(i, key) in &self.sip {
            row.sip[key as usize] = present(i);
        }
        Ok(row)
    }
}

/// The event fields a log's columns may give, in the event's key order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    CallerNumber,
    CallerName,
    DialledNumber,
    DestinationUser,
    Resource,
    Gateway,
}

impl Field {
    const KEYS: [&'static str; 6] =
        ["caller_number", "caller_name", "dialled_number", "destination_user", "resource", "gateway"];
}

/// The SIP facts a log's columns may give.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sip {
    Privacy,
    PAssertedIdentity,
    RemotePartyId,
}

impl Sip {
    const KEYS: [&'static str; 3] = ["privacy", "p_asserted_identity", "remote_party_id"];
}

/// One line of the log, its fields trimmed and borrowed from the line (empty fields are absent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row<'a> {
    pub time: i64,
    direction: &'a str,
    account: Option<&'a str>,
    fields: [Option<&'a str>; 6],
    sip: [Option<&'a str>; 3],
}

impl Row<'_> {
    /// The call event as JSON, as the report shows a changed call (and as [`read_event`] reads it).
    pub fn to_value(&self) -> Value {
        let text = |s: &str| Value::String(s.to_owned());
        let mut event = Map::new();
        event.insert("direction".into(), Value::String(self.direction.to_ascii_lowercase()));
        if let Some(a) = self.account {
            event.insert("account".into(), text(a));
        }
        for (key, v) in Field::KEYS.iter().zip(self.fields) {
            if let Some(v) = v {
                event.insert((*key).into(), text(v));
            }
        }
        let sip: Map<String, Value> =
            Sip::KEYS.iter().zip(self.sip).filter_map(|(k, v)| Some(((*k).to_owned(), text(v?)))).collect();
        if !sip.is_empty() {
            event.insert("sip".into(), Value::Object(sip));
        }
        Value::Object(event)
    }

    /// The call event: [`read_event`] of [`Row::to_value`], built directly when the row is plainly valid (a
    /// known direction, an account, every field well within its length limit, no SIP header, a resource and
    /// gateway only outbound, a destination user only on a call that is not): the same event without the JSON
    /// in between. Any other row goes through [`read_event`], the one event reader, which names its problem.
    pub fn event(&self) -> Result<CallEvent, Problems> {
        match self.plain_event() {
            Some(event) => Ok(event),
            None => read_event(&self.to_value()),
        }
    }

    fn plain_event(&self) -> Option<CallEvent> {
        let direction =
            Direction::ALL.iter().copied().find(|d| d.as_str().eq_ignore_ascii_case(self.direction))?;
        let account = self.account.filter(|a| a.len() <= 128)?;
        // Byte lengths bound the character counts read_event checks from above.
        let field = |f: Field, max: usize| -> Result<Option<String>, ()> {
            match self.fields[f as usize] {
                Some(v) if v.len() > max => Err(()),
                v => Ok(v.map(str::to_owned)),
            }
        };
        let [caller_number, caller_name, dialled_number, destination_user, resource, gateway] = [
            field(Field::CallerNumber, 64),
            field(Field::CallerName, 256),
            field(Field::DialledNumber, 64),
            field(Field::DestinationUser, 128),
            field(Field::Resource, 128),
            field(Field::Gateway, 128),
        ]
        .map(Result::ok);
        let outbound = direction == Direction::Outbound;
        let routed = (resource.as_ref()?.is_none() && gateway.as_ref()?.is_none())
            || (outbound && resource.as_ref()?.is_some());
        if !routed
            || self.sip.iter().any(Option::is_some)
            || (outbound && destination_user.as_ref()?.is_some())
        {
            return None;
        }
        Some(CallEvent {
            direction,
            account: account.to_owned(),
            caller_name: caller_name?.unwrap_or_default(),
            caller_number: caller_number?.unwrap_or_default(),
            hide_name: false,
            hide_number: false,
            dialled_number: dialled_number?,
            resource: resource?,
            gateway: gateway?,
            destination_user: destination_user?,
            sip: SipFacts::default(),
            source: None,
            identity: None,
            verstat: None,
            now: None,
            certificate_chain: Vec::new(),
            certificate_error: None,
            numbers: Default::default(),
        })
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

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "time,direction,account,caller_number,caller_name,dialled_number,destination_user,resource,gateway,sip_privacy,p_asserted_identity,remote_party_id";

    /// Every row's event is the one `read_event` reads from its JSON, whether built directly or not.
    #[test]
    fn rows_give_the_events_read_event_gives() {
        let columns = Columns::from_header(HEADER).unwrap();
        let long = "N".repeat(300);
        let accents = "é".repeat(200);
        let lines = [
            (
                "1796378400,inbound,acc-fr,01 70 36 99 99,\"Dupont, \"\"Zoë\"\"\",+33170000000,,,,,,"
                    .to_owned(),
                true,
            ),
            (" 1796378400 , INBOUND , acc-fr , 06 11 22 33 44 , Bob , , u-alice ,,,,,".to_owned(), true),
            (
                "1796378400,outbound,acc-fr,+33639981234,Alice,*67 0612345678,,carrier-a,gw-2,,,".to_owned(),
                true,
            ),
            ("1796378400,internal,acc-fr,1001,,1002,u-bob,,,,,".to_owned(), true),
            (format!("1796378400,inbound,acc-fr,0612345678,{accents},+33170000000,,,,,,"), false),
            (format!("1796378400,inbound,acc-fr,0612345678,{long},+33170000000,,,,,,"), false),
            ("1796378400,inbound,acc-fr,0612345678,X,+33170000000,,carrier-a,,,,".to_owned(), false),
            ("1796378400,outbound,acc-fr,0612345678,X,+336,u-bob,carrier-a,,,,".to_owned(), false),
            ("1796378400,outbound,acc-fr,0612345678,X,+336,,,gw-1,,,".to_owned(), false),
            ("1796378400,sideways,acc-fr,0612345678,X,+336,,,,,,".to_owned(), false),
            ("1796378400,inbound,,0612345678,X,+336,,,,,,".to_owned(), false),
            (
                "1796378400,inbound,acc-fr,0612345678,X,+336,,,,id;user,<sip:+33612345678@x>,".to_owned(),
                false,
            ),
        ];
        for (line, plain) in &lines {
            let mut cells = Vec::new();
            let row = columns.row(line, 2, &mut cells, None).unwrap();
            assert_eq!(row.plain_event().is_some(), *plain, "{line}");
            assert_eq!(row.event(), read_event(&row.to_value()), "{line}");
        }
    }

    #[test]
    fn split_borrows_plain_fields_and_unquotes_the_others() {
        let mut cells = Vec::new();
        split_into("a, b ,\"c,\"\"d\"\"\",x\"y\",\"e\"f,", &mut cells).unwrap();
        assert_eq!(cells, ["a", " b ", "c,\"d\"", "x\"y\"", "ef", ""]);
        assert!(matches!(cells[0], Cow::Borrowed(_)) && matches!(cells[2], Cow::Owned(_)));
        assert_eq!(split("\"open,"), Err("unterminated_quote"));
        assert_eq!(split(&",".repeat(MAX_COLUMNS)), Err("too_many_columns"));
        assert_eq!(split(&",".repeat(MAX_COLUMNS - 1)).map(|c| c.len()), Ok(MAX_COLUMNS));
    }
}
