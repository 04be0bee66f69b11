//! What-if replay: a call log decided under two policies (the stored one and a candidate), reporting every
//! call whose outcome changes and a summary of outcomes per time bucket.
//!
//! The log is read incrementally ([`Replay::feed`] takes any chunk of text, [`Replay::finish`] the end), so a
//! worker can stream a large log and report progress while the page replays 100,000 calls in one go; memory
//! stays bounded (counts per bucket, the first `max_changed` changed calls, the first 100 problems).
//! Lines that cannot be read are reported (line, field, code) and skipped, never fatal.

pub mod csv;

use crate::error::{Error, Problems};
use crate::policy::{Decision, Engine};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

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

/// A replay in progress.
#[derive(Debug)]
pub struct Replay {
    before: Engine,
    after: Engine,
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
        let before = Engine::new(baseline).map_err(|p| under(p, "baseline"));
        let after = Engine::new(candidate).map_err(|p| under(p, "candidate"));
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

    /// Reads a chunk of the log (any split, even inside a line). Fails only on the header row or on a line
    /// longer than [`csv::MAX_LINE`]: then nothing can be read reliably.
    pub fn feed(&mut self, chunk: &str) -> Result<Progress, Error> {
        let mut rest = chunk;
        while let Some(nl) = rest.find('\n') {
            let (head, tail) = rest.split_at(nl);
            rest = &tail[1..];
            if self.pending.is_empty() {
                self.line_done(head)?;
            } else {
                let mut line = std::mem::take(&mut self.pending);
                line.push_str(head);
                self.check_length(&line)?;
                self.line_done(&line)?;
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

    fn line_done(&mut self, raw: &str) -> Result<(), Error> {
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
        if let Err(e) = self.call(line) {
            self.problems_total += 1;
            if self.problems.len() < MAX_PROBLEMS {
                self.problems.push(e);
            }
        }
        Ok(())
    }

    /// Decides one line under both policies, without traces (the report shows outcomes; the page decides a
    /// changed call again, traced, when its traces are opened), and counts it.
    fn call(&mut self, line: &str) -> Result<(), Error> {
        let columns = self.columns.as_ref().expect("header read first");
        let mut cells = Vec::with_capacity(columns.count());
        let row = columns.row(line, self.line, &mut cells, self.options.account.as_deref())?;
        let path = || format!("csv[{}]", self.line);
        let call = row.event().map_err(|p| p.0.into_iter().next().expect("a problem").under(&path()))?;
        let before = Outcome::of(self.before.decide_untraced(&call).map_err(|e| e.under(&path()))?);
        let after = Outcome::of(self.after.decide_untraced(&call).map_err(|e| e.under(&path()))?);
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
        Ok(())
    }

    /// Reads what is left (a last line without a newline) and returns the report.
    pub fn finish(mut self) -> Result<Report, Error> {
        if !self.pending.is_empty() {
            let last = std::mem::take(&mut self.pending);
            self.line_done(&last)?;
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

/// Replays a whole log in one call.
pub fn replay(
    baseline: &Value,
    candidate: &Value,
    log: &str,
    options: &Value,
) -> Result<Report, crate::exports::ExportError> {
    let mut r = Replay::new(baseline, candidate, options)?;
    r.feed(log)?;
    Ok(r.finish()?)
}
