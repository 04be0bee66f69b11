//! What-if replay: a call log decided under two policies (the stored one and a candidate), reporting every
//! call whose outcome changes and a summary of outcomes per time bucket.
//!
//! The log is read incrementally ([`Replay::feed`] takes any chunk of text, [`Replay::finish`] the end), so a
//! worker can stream a large log and report progress while the page replays 100,000 calls in one go; memory
//! stays bounded (counts per bucket, the first `max_changed` changed calls, the first 100 problems).
//! Lines that cannot be read are reported (line, field, code) and skipped, never fatal.
//!
//! Lists stored as rows (docs/blocklists.md) are seen through a [`RowSource`] the caller hands to
//! [`Replay::feed_rows`]: each call is then decided as `/decide` decides it (lookup keys of both policies, the
//! rows under them, [`Engine::decide_rows`]); the lists a policy document carries entries for are read from
//! the document instead, exactly as a `PUT` of it would store them. Without a row source the calls are decided
//! from the documents alone.

pub mod csv;

use crate::error::{Error, Problems};
use crate::policy::event::CallEvent;
use crate::policy::{Decision, Engine};
use crate::screening::lookup::{split_policy, LookupKeys, Row};
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// Problems kept in a report (the rest are counted).
pub const MAX_PROBLEMS: usize = 100;

/// How a call ends, the unit the report counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Allowed,
    Rejected433,
    Rejected603,
    /// Outbound and internal calls are presented, not screened.
    NotScreened,
}

/// One call's outcome under one policy: the verdict, the rule that decided and the caller ID presented.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub verdict: Verdict,
    pub rule: Option<&'static str>,
    pub caller_name: String,
    pub caller_number: String,
}

impl Outcome {
    fn of(d: Decision) -> Outcome {
        let verdict = match &d.screening {
            None => Verdict::NotScreened,
            Some(s) => match s.sip_code {
                Some(433) => Verdict::Rejected433,
                Some(_) => Verdict::Rejected603,
                None => Verdict::Allowed,
            },
        };
        Outcome {
            verdict,
            rule: d.screening.as_ref().map(|s| s.rule.as_str()),
            caller_name: d.presentation.caller_name,
            caller_number: d.presentation.caller_number,
        }
    }
}

/// Counts of verdicts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub allowed: u64,
    pub rejected_433: u64,
    pub rejected_603: u64,
    pub not_screened: u64,
}

impl Counts {
    fn add(&mut self, v: Verdict) {
        match v {
            Verdict::Allowed => self.allowed += 1,
            Verdict::Rejected433 => self.rejected_433 += 1,
            Verdict::Rejected603 => self.rejected_603 += 1,
            Verdict::NotScreened => self.not_screened += 1,
        }
    }
}

/// A time bucket: its start (Unix seconds) and the verdicts under each policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bucket {
    pub start: i64,
    pub before: Counts,
    pub after: Counts,
}

/// A call whose outcome (verdict, rule or presented caller ID) differs between the two policies.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Changed {
    /// The line of the log (1 is the header).
    pub line: u64,
    pub time: i64,
    /// The call event as read from the line (decide it again for the traces).
    pub event: Value,
    pub before: Outcome,
    pub after: Outcome,
}

/// How far a replay has read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Progress {
    pub lines: u64,
    pub calls: u64,
    pub changed: u64,
    pub problems: u64,
}

/// The result of a replay.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub calls: u64,
    pub changed_total: u64,
    /// The first `max_changed` changed calls, in log order.
    pub changed: Vec<Changed>,
    pub before: Counts,
    pub after: Counts,
    pub bucket_seconds: i64,
    pub buckets: Vec<Bucket>,
    pub problems_total: u64,
    /// The first 100 problems: `csv[<line>]…` paths.
    pub problems: Vec<Error>,
}

/// Replay options (all optional): `bucket_seconds` (60 to 31,536,000; default 3600), `max_changed` (0 to
/// 10,000; default 1000), `account` (the account of lines without an account column).
#[derive(Debug, Clone)]
pub struct Options {
    pub bucket_seconds: i64,
    pub max_changed: usize,
    pub account: Option<String>,
}

impl Options {
    /// Reads the options object; errors name `options.<key>`.
    pub fn read(v: &Value) -> Result<Options, Error> {
        let mut o = Options { bucket_seconds: 3600, max_changed: 1000, account: None };
        let map = match v {
            Value::Null => return Ok(o),
            Value::Object(m) => m,
            _ => return Err(Error::new("options", "invalid_type", "expected an object")),
        };
        for (k, v) in map {
            let int = |lo: i64, hi: i64| {
                v.as_i64().filter(|n| (lo..=hi).contains(n)).ok_or_else(|| {
                    Error::new(
                        format!("options.{k}"),
                        "out_of_range",
                        format!("expected a whole number from {lo} to {hi}"),
                    )
                })
            };
            match k.as_str() {
                "bucket_seconds" => o.bucket_seconds = int(60, 31_536_000)?,
                "max_changed" => o.max_changed = int(0, 10_000)? as usize,
                "account" => {
                    o.account = Some(
                        v.as_str()
                            .filter(|s| !s.is_empty() && s.len() <= 128)
                            .ok_or_else(|| {
                                Error::new("options.account", "invalid_type", "expected an account id")
                            })?
                            .to_owned(),
                    )
                }
                _ => {
                    return Err(Error::new(
                        crate::error::key_path("options", k),
                        "unknown_field",
                        "unknown option; expected bucket_seconds, max_changed, account",
                    ))
                }
            }
        }
        Ok(o)
    }
}

/// Where a replay reads the rows of lists stored as rows: the worker's SQLite (index seeks), a table, … The
/// rows of `lists` whose key is one of `keys` (the [`Engine::lookup_keys`] shape); extra rows are ignored. An
/// error ends the replay (it is the caller's storage failing, not a line of the log).
pub trait RowSource {
    fn rows(&mut self, lists: &[String], keys: &[String]) -> Result<Vec<Row>, Error>;
}

impl<F: FnMut(&[String], &[String]) -> Result<Vec<Row>, Error>> RowSource for F {
    fn rows(&mut self, lists: &[String], keys: &[String]) -> Result<Vec<Row>, Error> {
        self(lists, keys)
    }
}

/// A table of rows as a [`RowSource`] (the `rows` argument of the `replay` export: tests, vectors, a page
/// holding a list's rows).
pub fn table_source(table: &[Row]) -> impl FnMut(&[String], &[String]) -> Result<Vec<Row>, Error> + '_ {
    |lists, keys| {
        Ok(table.iter().filter(|r| lists.contains(&r.list) && keys.contains(&r.e164)).cloned().collect())
    }
}

/// One side of the replay: its engine and the entries its document carries (by list, then key), which replace
/// that list's stored rows as a `PUT` of the document would.
#[derive(Debug)]
struct Side {
    engine: Engine,
    carried: HashMap<String, HashMap<String, Vec<Row>>>,
}

impl Side {
    fn new(doc: &Value, root: &str) -> Result<Side, Problems> {
        let engine = Engine::new(doc).map_err(|p| under(p, root))?;
        let split = split_policy(doc).map_err(|p| under(p, root))?;
        let mut carried: HashMap<String, HashMap<String, Vec<Row>>> =
            split.replaced.into_iter().map(|l| (l, HashMap::new())).collect();
        for r in split.rows {
            if let Some(list) = carried.get_mut(&r.list) {
                list.entry(r.e164.clone()).or_default().push(r);
            }
        }
        Ok(Side { engine, carried })
    }

    /// This side's outcome for a call from the fetched rows: [`Engine::decide_rows`] with the fetched rows of
    /// its lists and keys plus the document's rows of the lists it carries. When storage had no row for it,
    /// those are exactly the entries the document holds under the call's keys, so the engine decides from the
    /// document (the same decision, proven by the golden digests from rows, without building lists per call).
    fn outcome(&self, call: &CallEvent, k: &LookupKeys, fetched: &[Row]) -> Result<Outcome, Error> {
        let mut rows: Vec<Row> = fetched
            .iter()
            .filter(|r| {
                !self.carried.contains_key(&r.list) && k.lists.contains(&r.list) && k.keys.contains(&r.e164)
            })
            .cloned()
            .collect();
        if rows.is_empty() {
            return Ok(Outcome::of(self.engine.decide_untraced(call)?));
        }
        for list in k.lists.iter().filter_map(|l| self.carried.get(l)) {
            rows.extend(k.keys.iter().filter_map(|key| list.get(key)).flatten().cloned());
        }
        Ok(Outcome::of(self.engine.decide_rows_untraced(call, &rows)?))
    }
}

/// Appends the items of `from` not yet in `to`.
fn union(to: &mut Vec<String>, from: impl IntoIterator<Item = String>) {
    for x in from {
        if !to.contains(&x) {
            to.push(x);
        }
    }
}

/// A replay in progress.
#[derive(Debug)]
pub struct Replay {
    before: Side,
    after: Side,
    options: Options,
    columns: Option<csv::Columns>,
    pending: String,
    line: u64,
    calls: u64,
    changed_total: u64,
    changed: Vec<Changed>,
    totals: (Counts, Counts),
    buckets: BTreeMap<i64, (Counts, Counts)>,
    problems_total: u64,
    problems: Vec<Error>,
}

/// Re-roots every problem of a policy under `baseline` or `candidate`.
fn under(p: Problems, root: &str) -> Problems {
    Problems(p.0.into_iter().map(|e| e.under(root)).collect())
}

impl Replay {
    /// Compiles both policies (problems under `baseline.` / `candidate.`) and reads the options.
    pub fn new(baseline: &Value, candidate: &Value, options: &Value) -> Result<Replay, Problems> {
        let before = Side::new(baseline, "baseline");
        let after = Side::new(candidate, "candidate");
        let options = Options::read(options).map_err(Problems::from);
        let (before, after, options) = match (before, after, options) {
            (Ok(b), Ok(a), Ok(o)) => (b, a, o),
            (b, a, o) => {
                let mut all = Vec::new();
                for r in [b.err(), a.err(), o.err()].into_iter().flatten() {
                    all.extend(r.0);
                }
                return Err(Problems(all));
            }
        };
        Ok(Replay {
            before,
            after,
            options,
            columns: None,
            pending: String::new(),
            line: 0,
            calls: 0,
            changed_total: 0,
            changed: Vec::new(),
            totals: Default::default(),
            buckets: BTreeMap::new(),
            problems_total: 0,
            problems: Vec::new(),
        })
    }

    /// Reads a chunk of the log (any split, even inside a line), deciding from the documents alone. Fails only
    /// on the header row or on a line longer than [`csv::MAX_LINE`]: then nothing can be read reliably.
    pub fn feed(&mut self, chunk: &str) -> Result<Progress, Error> {
        self.feed_from(chunk, None)
    }

    /// [`Replay::feed`] deciding each call from rows: those `source` holds for the lists the documents do not
    /// carry. Also fails when `source` does.
    pub fn feed_rows(&mut self, chunk: &str, source: &mut dyn RowSource) -> Result<Progress, Error> {
        self.feed_from(chunk, Some(source))
    }

    fn feed_from(&mut self, chunk: &str, mut source: Option<&mut dyn RowSource>) -> Result<Progress, Error> {
        let mut rest = chunk;
        while let Some(nl) = rest.find('\n') {
            let (head, tail) = rest.split_at(nl);
            rest = &tail[1..];
            if self.pending.is_empty() {
                self.line_done(head, source.as_mut().map(|s| &mut **s as &mut dyn RowSource))?;
            } else {
                let mut line = std::mem::take(&mut self.pending);
                line.push_str(head);
                self.check_length(&line)?;
                self.line_done(&line, source.as_mut().map(|s| &mut **s as &mut dyn RowSource))?;
            }
        }
        self.pending.push_str(rest);
        self.check_length(&self.pending)?;
        Ok(self.progress())
    }

    fn check_length(&self, line: &str) -> Result<(), Error> {
        if line.len() > csv::MAX_LINE {
            return Err(Error::new(
                format!("csv[{}]", self.line + 1),
                "too_long",
                format!("a line longer than {} bytes", csv::MAX_LINE),
            ));
        }
        Ok(())
    }

    /// The counts so far.
    pub fn progress(&self) -> Progress {
        Progress {
            lines: self.line,
            calls: self.calls,
            changed: self.changed_total,
            problems: self.problems_total,
        }
    }

    fn line_done(&mut self, raw: &str, source: Option<&mut dyn RowSource>) -> Result<(), Error> {
        self.check_length(raw)?;
        self.line += 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if self.columns.is_none() {
            self.columns = Some(csv::Columns::from_header(line)?);
            return Ok(());
        }
        if line.trim().is_empty() {
            return Ok(());
        }
        if let Err(e) = self.call(line, source)? {
            self.problems_total += 1;
            if self.problems.len() < MAX_PROBLEMS {
                self.problems.push(e);
            }
        }
        Ok(())
    }

    /// Decides one line under both policies, without traces (the report shows outcomes; the page decides a
    /// changed call again, traced, when its traces are opened), and counts it. The outer error (the row
    /// source's) ends the replay; the inner one is the line's problem.
    fn call(&mut self, line: &str, source: Option<&mut dyn RowSource>) -> Result<Result<(), Error>, Error> {
        let columns = self.columns.as_ref().expect("header read first");
        let mut cells = Vec::with_capacity(columns.count());
        let row = match columns.row(line, self.line, &mut cells, self.options.account.as_deref()) {
            Ok(row) => row,
            Err(e) => return Ok(Err(e)),
        };
        let path = format!("csv[{}]", self.line);
        let call = match row.event() {
            Ok(call) => call,
            Err(p) => return Ok(Err(p.0.into_iter().next().expect("a problem").under(&path))),
        };
        let outcomes = match source {
            None => self.outcomes(&call),
            Some(source) => self.outcomes_from_rows(&call, source)?,
        };
        let (before, after) = match outcomes {
            Ok(o) => o,
            Err(e) => return Ok(Err(e.under(&path))),
        };
        let time = row.time;
        self.calls += 1;
        self.totals.0.add(before.verdict);
        self.totals.1.add(after.verdict);
        let b = self
            .buckets
            .entry(time.div_euclid(self.options.bucket_seconds) * self.options.bucket_seconds)
            .or_default();
        b.0.add(before.verdict);
        b.1.add(after.verdict);
        if before != after {
            self.changed_total += 1;
            if self.changed.len() < self.options.max_changed {
                self.changed.push(Changed { line: self.line, time, event: row.to_value(), before, after });
            }
        }
        Ok(Ok(()))
    }

    /// Both outcomes from the documents alone.
    fn outcomes(&self, call: &CallEvent) -> Result<(Outcome, Outcome), Error> {
        Ok((
            Outcome::of(self.before.engine.decide_untraced(call)?),
            Outcome::of(self.after.engine.decide_untraced(call)?),
        ))
    }

    /// Both outcomes as `/decide` reaches them: the lookup keys of both policies, one fetch of the rows under
    /// them (the lists neither document carries), each side's decision from its rows. The outer error is the
    /// source's, the inner one the call's.
    fn outcomes_from_rows(
        &self,
        call: &CallEvent,
        source: &mut dyn RowSource,
    ) -> Result<Result<(Outcome, Outcome), Error>, Error> {
        let keys = |side: &Side| side.engine.lookup_keys(call);
        let (kb, ka) = match (keys(&self.before), keys(&self.after)) {
            (Ok(b), Ok(a)) => (b, a),
            (Err(e), _) | (_, Err(e)) => return Ok(Err(e)),
        };
        let mut lists = Vec::new();
        union(&mut lists, kb.lists.iter().filter(|l| !self.before.carried.contains_key(*l)).cloned());
        union(&mut lists, ka.lists.iter().filter(|l| !self.after.carried.contains_key(*l)).cloned());
        let mut wanted = kb.keys.clone();
        union(&mut wanted, ka.keys.iter().cloned());
        let fetched =
            if lists.is_empty() || wanted.is_empty() { Vec::new() } else { source.rows(&lists, &wanted)? };
        let before = self.before.outcome(call, &kb, &fetched);
        Ok(before.and_then(|b| Ok((b, self.after.outcome(call, &ka, &fetched)?))))
    }

    /// Reads what is left (a last line without a newline) and returns the report.
    pub fn finish(self) -> Result<Report, Error> {
        self.finish_from(None)
    }

    /// [`Replay::finish`] for a replay fed with [`Replay::feed_rows`] (the last line is decided from rows too).
    pub fn finish_rows(self, source: &mut dyn RowSource) -> Result<Report, Error> {
        self.finish_from(Some(source))
    }

    fn finish_from(mut self, source: Option<&mut dyn RowSource>) -> Result<Report, Error> {
        if !self.pending.is_empty() {
            let last = std::mem::take(&mut self.pending);
            self.line_done(&last, source)?;
        }
        if self.columns.is_none() {
            return Err(Error::new("csv", "missing", "the log is empty (a header row is required)"));
        }
        Ok(Report {
            calls: self.calls,
            changed_total: self.changed_total,
            changed: self.changed,
            before: self.totals.0,
            after: self.totals.1,
            bucket_seconds: self.options.bucket_seconds,
            buckets: self
                .buckets
                .into_iter()
                .map(|(start, (before, after))| Bucket { start, before, after })
                .collect(),
            problems_total: self.problems_total,
            problems: self.problems,
        })
    }
}

/// Replays a whole log in one call; with `rows` (the stored rows, as a table), from rows.
pub fn replay(
    baseline: &Value,
    candidate: &Value,
    log: &str,
    options: &Value,
    rows: Option<&[Row]>,
) -> Result<Report, crate::exports::ExportError> {
    let mut r = Replay::new(baseline, candidate, options)?;
    Ok(match rows {
        None => {
            r.feed(log)?;
            r.finish()?
        }
        Some(table) => {
            let mut source = table_source(table);
            r.feed_rows(log, &mut source)?;
            r.finish_rows(&mut source)?
        }
    })
}
