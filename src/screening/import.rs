//! The bulk-import line parser: one line of a CSV file (with a header row) or of an NDJSON file becomes a
//! normalised list entry or a problem naming its line, field and code. Storage streams the body and hands
//! the lines over in batches; nothing here holds more than one batch.
//!
//! - CSV: the header names the columns, `number` (required), `label` and `kind` (optional), in any order;
//!   fields are separated by commas and may be double-quoted (`""` inside quotes is a quote); a quoted field
//!   cannot span lines. An empty `label` is no label. `kind` is `number` (the default, also when empty) or
//!   `prefix` (the `number` column then holds a prefix such as `+1900`), so an export of a list with its
//!   prefixes imports again as is.
//! - NDJSON: one JSON object per line, `{"number": "+33…", "label": "…", "kind": "number"}`.
//! - Blank lines are skipped. A line longer than [`MAX_LINE`] bytes, holding a NUL byte, or with more fields
//!   than the header is a problem of that line, as is a malformed or duplicate-free number.

use crate::error::Error;
use crate::screening::lists::{normalize_checked, parse_prefix, ListKind, NormalizedEntry};
use crate::screening::lookup::Kind;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Longest line accepted, in bytes.
pub const MAX_LINE: usize = 4096;
/// Longest label (Wazo: 1..=1024 characters).
pub const MAX_LABEL: usize = 1024;

/// How the lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Csv,
    Ndjson,
}

/// The kind of list a file is imported into: its entry rules differ (an account blocklist holds the zero number;
/// a user's list takes +E.164 only, as wazo-confd checks).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    #[default]
    Blocklist,
    User,
}

impl Target {
    fn kind(self) -> ListKind {
        match self {
            Target::Blocklist => ListKind::Blocklist,
            Target::User => ListKind::User,
        }
    }
}

/// One number for a list of this kind, read exactly as an import line's number is (country checked first):
/// the single-entry routes use it, so a user's list refuses a national or zero number however it is written.
pub fn normalize_for(number: &str, country: Option<&str>, list: Target) -> Result<NormalizedEntry, Error> {
    let country = country.map(crate::policy::check_country).transpose()?;
    normalize_checked(number, country.as_deref(), list.kind())
}

/// What the parser needs to know: the format, the CSV header line, the country national numbers are read
/// with (null: +E.164 only), the kind of list (default: an account blocklist) and the number of the first line
/// of the batch.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Options {
    pub format: Format,
    #[serde(default)]
    pub header: Option<String>,
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub list: Target,
    pub first_line: u64,
}

/// A line read well.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub line: u64,
    /// A number, or a prefix (whose `e164` is the normalised prefix).
    pub kind: Kind,
    pub e164: String,
    /// The number as written.
    pub written: String,
    pub label: Option<String>,
}

/// A line that cannot be imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub line: u64,
    pub field: String,
    pub code: String,
    pub message: String,
}

/// The outcome of one batch.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Batch {
    pub entries: Vec<Entry>,
    pub problems: Vec<Problem>,
}

/// The columns of a CSV file, by position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Number,
    Label,
    Kind,
}

/// Reads the CSV header: `number` and optionally `label` and `kind`, each once, nothing else.
fn read_header(header: &str) -> Result<Vec<Column>, Error> {
    let bad = |code: &str, message: String| Error::new("header", code, message);
    let header = header.strip_prefix('\u{feff}').unwrap_or(header);
    let fields = split_csv(header, 4).map_err(|(code, m)| bad(code, m))?;
    let mut columns = Vec::new();
    for f in fields {
        let column = match f.trim().to_ascii_lowercase().as_str() {
            "number" => Column::Number,
            "label" => Column::Label,
            "kind" => Column::Kind,
            other => {
                return Err(bad(
                    "unknown_column",
                    format!(
                        "unknown column {:?}: the header is number, optionally label and kind",
                        truncate(other)
                    ),
                ))
            }
        };
        if columns.contains(&column) {
            return Err(bad("duplicate_column", format!("column {:?} given twice", f.trim())));
        }
        columns.push(column);
    }
    if !columns.contains(&Column::Number) {
        return Err(bad("missing_column", "the header has no number column (number or number,label)".into()));
    }
    Ok(columns)
}

fn truncate(s: &str) -> String {
    s.chars().take(64).collect()
}

/// Splits one CSV line into at most `max` fields (more is an error, found without reading further).
fn split_csv(line: &str, max: usize) -> Result<Vec<String>, (&'static str, String)> {
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    let mut was_quoted = false;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    cur.push('"');
                }
                '"' => quoted = false,
                c => cur.push(c),
            }
            continue;
        }
        match c {
            '"' if cur.is_empty() && !was_quoted => {
                quoted = true;
                was_quoted = true;
            }
            '"' => return Err(("bad_quote", "a quote inside an unquoted field".into())),
            ',' => {
                fields.push(std::mem::take(&mut cur));
                was_quoted = false;
                if fields.len() >= max {
                    return Err(("too_many_columns", format!("more than {max} fields on the line")));
                }
            }
            c if was_quoted => {
                return Err(("bad_quote", format!("{c:?} after a closing quote")));
            }
            c => cur.push(c),
        }
    }
    if quoted {
        return Err(("bad_quote", "a quoted field is not closed on its line".into()));
    }
    fields.push(cur);
    Ok(fields)
}

/// Parses a batch of lines.
pub fn parse(options: &Options, lines: &[String]) -> Result<Batch, Error> {
    let country = options.country.as_deref().map(crate::policy::check_country).transpose()?;
    let columns = match options.format {
        Format::Csv => Some(read_header(options.header.as_deref().ok_or_else(|| {
            Error::new("header", "missing", "a CSV import needs its header line (number,label)")
        })?)?),
        Format::Ndjson => None,
    };
    let mut batch = Batch::default();
    for (i, raw) in lines.iter().enumerate() {
        let line = options.first_line + i as u64;
        let text = raw.strip_suffix('\r').unwrap_or(raw);
        if text.trim().is_empty() {
            continue;
        }
        let problem = |field: &str, code: &str, message: String| Problem {
            line,
            field: field.to_owned(),
            code: code.to_owned(),
            message: format!("line {line}: {message}"),
        };
        if text.len() > MAX_LINE {
            batch.problems.push(problem("line", "line_too_long", format!("longer than {MAX_LINE} bytes")));
            continue;
        }
        if text.contains('\0') {
            batch.problems.push(problem("line", "nul_byte", "holds a NUL byte".into()));
            continue;
        }
        let read = match &columns {
            Some(columns) => read_csv(text, columns),
            None => read_ndjson(text),
        };
        let Read { number, label, kind } = match read {
            Ok(v) => v,
            Err((field, code, message)) => {
                batch.problems.push(problem(field, code, message));
                continue;
            }
        };
        if let Some(l) = &label {
            if l.chars().count() > MAX_LABEL {
                batch.problems.push(problem(
                    "label",
                    "too_long",
                    format!("label longer than {MAX_LABEL} characters"),
                ));
                continue;
            }
        }
        let key = match kind {
            Kind::Number => {
                normalize_checked(&number, country.as_deref(), options.list.kind()).map(|n| n.e164)
            }
            Kind::Prefix if options.list == Target::User => {
                batch.problems.push(problem(
                    "kind",
                    "not_allowed",
                    "a user's blocklist holds numbers, not prefixes".into(),
                ));
                continue;
            }
            Kind::Prefix => parse_prefix(&number).map(|k| k.to_string()),
        };
        match key {
            Ok(e164) => batch.entries.push(Entry { line, kind, e164, written: number, label }),
            Err(e) => batch.problems.push(problem("number", &e.code, e.message)),
        }
    }
    Ok(batch)
}

type LineError = (&'static str, &'static str, String);

/// What one line holds.
struct Read {
    number: String,
    label: Option<String>,
    kind: Kind,
}

/// A line's `kind`: `number` (also when empty or absent) or `prefix`.
fn read_kind(v: Option<&str>) -> Result<Kind, LineError> {
    match v.map(str::trim) {
        None | Some("") | Some("number") => Ok(Kind::Number),
        Some("prefix") => Ok(Kind::Prefix),
        Some(other) => {
            Err(("kind", "unknown_value", format!("kind {:?}: expected number or prefix", truncate(other))))
        }
    }
}

fn read_csv(text: &str, columns: &[Column]) -> Result<Read, LineError> {
    let fields = split_csv(text, columns.len()).map_err(|(code, m)| ("line", code, m))?;
    if fields.len() < columns.len() && !(fields.len() == 1 && columns[0] == Column::Number) {
        return Err((
            "line",
            "missing_columns",
            format!("{} fields, the header has {}", fields.len(), columns.len()),
        ));
    }
    let mut number = None;
    let mut label = None;
    let mut kind = None;
    for (c, f) in columns.iter().zip(fields) {
        match c {
            Column::Number => number = Some(f),
            Column::Label => label = Some(f).filter(|l| !l.is_empty()),
            Column::Kind => kind = Some(f),
        }
    }
    Ok(Read { number: number.unwrap_or_default(), label, kind: read_kind(kind.as_deref())? })
}

fn read_ndjson(text: &str) -> Result<Read, LineError> {
    let v: Value = serde_json::from_str(text)
        .map_err(|e| ("line", "malformed_json", format!("malformed JSON ({e})")))?;
    let Value::Object(o) = v else {
        return Err(("line", "invalid_type", "expected a JSON object {\"number\", \"label\"}".into()));
    };
    if let Some(k) = o.keys().find(|k| !["number", "label", "kind"].contains(&k.as_str())) {
        return Err((
            "line",
            "unknown_key",
            format!("unknown key {:?}: expected number, label, kind", truncate(k)),
        ));
    }
    let number = match o.get("number") {
        Some(Value::String(s)) => s.clone(),
        None | Some(Value::Null) => return Err(("number", "missing", "number is required".into())),
        Some(_) => return Err(("number", "invalid_type", "number must be a string".into())),
    };
    let label = match o.get("label") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.is_empty() => {
            return Err(("label", "too_short", "label must be 1 to 1024 characters or null".into()))
        }
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(("label", "invalid_type", "label must be a string or null".into())),
    };
    let kind = match o.get("kind") {
        None | Some(Value::Null) => Kind::Number,
        Some(Value::String(k)) => read_kind(Some(k))?,
        Some(_) => return Err(("kind", "invalid_type", "kind must be \"number\" or \"prefix\"".into())),
    };
    Ok(Read { number, label, kind })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv(header: &str, lines: &[&str], country: Option<&str>) -> Result<Batch, Error> {
        let o = Options {
            format: Format::Csv,
            header: Some(header.into()),
            country: country.map(Into::into),
            list: Target::Blocklist,
            first_line: 2,
        };
        parse(&o, &lines.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>())
    }

    #[test]
    fn csv_lines_become_entries_or_problems() {
        let b = csv(
            "number,label",
            &[
                "+33639981234,spam",
                "\"06 39 98 12 35\",\"a \"\"quoted\"\" label\"",
                "",
                "abc,x",
                "0639981236",
            ],
            Some("FR"),
        )
        .unwrap();
        let got: Vec<_> = b.entries.iter().map(|e| (e.line, e.e164.as_str(), e.label.as_deref())).collect();
        assert_eq!(
            got,
            [
                (2, "+33639981234", Some("spam")),
                (3, "+33639981235", Some("a \"quoted\" label")),
                (6, "+33639981236", None)
            ]
        );
        let p: Vec<_> = b.problems.iter().map(|p| (p.line, p.field.as_str(), p.code.as_str())).collect();
        assert_eq!(p, [(5, "number", "not_a_number")]);
    }

    #[test]
    fn hostile_lines_are_refused_by_line() {
        let wide = format!("+33639981234{}", ",x".repeat(10_000));
        let b = csv("number,label", &["+3363998\u{0}1234", &wide, "0639981234", "\"+1"], None).unwrap();
        let p: Vec<_> = b.problems.iter().map(|p| (p.line, p.field.as_str(), p.code.as_str())).collect();
        assert_eq!(
            p,
            [
                (2, "line", "nul_byte"),
                (3, "line", "line_too_long"),
                (4, "number", "needs_country"),
                (5, "line", "bad_quote")
            ]
        );
        let short_wide = format!("+33639981234{}", ",x".repeat(100));
        assert_eq!(csv("number,label", &[&short_wide], None).unwrap().problems[0].code, "too_many_columns");
    }

    #[test]
    fn headers_are_checked() {
        for (h, code) in
            [("numero", "unknown_column"), ("label", "missing_column"), ("number,number", "duplicate_column")]
        {
            assert_eq!(csv(h, &[], None).unwrap_err().code, code, "{h}");
        }
        assert!(csv("\u{feff}Label,Number", &["x,+14155550100"], None).unwrap().problems.is_empty());
    }

    #[test]
    fn ndjson_lines() {
        let o = Options {
            format: Format::Ndjson,
            header: None,
            country: None,
            list: Target::Blocklist,
            first_line: 1,
        };
        let lines =
            [r#"{"number":"+14155550100","label":"x"}"#, "[1]", r#"{"number":5}"#, r#"{"nubmer":"+1"}"#, "{"];
        let b = parse(&o, &lines.map(String::from)).unwrap();
        assert_eq!(b.entries.len(), 1);
        let p: Vec<_> = b.problems.iter().map(|p| (p.line, p.field.as_str(), p.code.as_str())).collect();
        assert_eq!(
            p,
            [
                (2, "line", "invalid_type"),
                (3, "number", "invalid_type"),
                (4, "line", "unknown_key"),
                (5, "line", "malformed_json")
            ]
        );
    }
}
