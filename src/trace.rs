//! The decision trace, one type for every decision (privacy, screening, masking): the ordered list of rules a
//! decision consulted and what each concluded, so the admin page (and a support engineer reading a webhook
//! log) can see *why* a call was presented, screened or routed as it was. Privacy and screening append to one
//! trace per call; routing a masking callback and allocating a session each have theirs.
//!
//! JSON shape (stable): `[{"rule": "privacy.mode", "outcome": "set", "detail": "hide_name from gateway gw-2 of
//! resource carrier-a"}, …]`. `rule` is a name from a fixed set (documented in docs/privacy.md,
//! docs/screening.md and docs/masking.md); `outcome` is one of [`Outcome`]; `detail` is for people and may
//! change wording.

use crate::policy::reader::named_enum;
use serde::Serialize;

named_enum! {
    /// What one rule concluded.
    pub enum Outcome {
        /// The rule's condition held (a privacy source was present, a list entry hit).
        Matched = "matched",
        /// The rule was consulted and its condition did not hold.
        NotMatched = "not_matched",
        /// The rule does not apply to this call (scope, missing input, an earlier verdict).
        Skipped = "skipped",
        /// A value was chosen (the effective mode, the number used for screening).
        Set = "set",
        /// A change was made to what is presented or signalled.
        Applied = "applied",
        /// A value was left as it was on purpose (sip mode, emergency bypass).
        Kept = "kept",
        /// The final screening verdict: the call goes through.
        Allowed = "allowed",
        /// The final screening verdict: the call is rejected.
        Rejected = "rejected",
        /// Masking: a callback's numbers were read.
        Read = "read",
        /// Masking: a live session pairs the caller with the called proxy.
        Live = "live",
        /// Masking: the call is connected to the other participant.
        Connect = "connect",
        /// Masking: call recording is on for the session.
        Enabled = "enabled",
        /// Masking: the only session found is closed.
        Closed = "closed",
        /// Masking: the only session found is past its expiry.
        Expired = "expired",
        /// Masking: nothing was found or configured (no session, no fallback).
        Absent = "none",
        /// Masking: more than one live session on one key.
        Conflict = "conflict",
        /// Masking: an announcement is played.
        Audio = "audio",
        /// Masking: a fallback number is dialled.
        Dial = "dial",
        /// Masking: a session was opened.
        Open = "open",
        /// Masking: a participant keeps the proxy it asked for.
        Pinned = "pinned",
        /// Masking: a proxy was picked from the pool.
        Picked = "picked",
        /// Masking: the caller's number is withheld.
        Withheld = "withheld",
        /// Masking: the caller is asked for a PIN.
        Prompt = "prompt",
        /// Masking: digits were captured after the PIN prompt.
        Entered = "entered",
        /// Masking: the PIN entered matched a participant's.
        Accepted = "accepted",
        /// Masking: a wrong PIN; the caller is asked again.
        Retry = "retry",
        /// Masking: too many failed PINs for this caller or proxy.
        RateLimited = "rate_limited",
        /// Masking: refused (no PIN attempts left; a replay outside its window).
        Refused = "refused",
    }
}

/// One line of the trace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    pub rule: &'static str,
    pub outcome: Outcome,
    pub detail: String,
}

/// The ordered trace of one decision. A trace is recording ([`Trace::default`]) or silent ([`Trace::silent`]):
/// a silent one keeps nothing, so the very same decision code runs without building any step (the what-if
/// replay decides 100,000 calls twice and needs only their outcomes). Details are formatted only when kept:
/// callers pass `format_args!(…)`, and guard detail that takes work to assemble with [`Trace::recording`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Trace(pub Vec<Step>, #[serde(skip)] Silent);

/// Whether a trace drops its steps (the default keeps them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Silent(bool);

impl Trace {
    /// A trace that keeps no step.
    pub fn silent() -> Trace {
        Trace(Vec::new(), Silent(true))
    }

    /// Whether steps are kept (detail that takes work to assemble is built only then).
    pub fn recording(&self) -> bool {
        !self.1 .0
    }

    /// Appends a step (formatting its detail), unless the trace is silent.
    pub fn push(&mut self, rule: &'static str, outcome: Outcome, detail: impl std::fmt::Display) {
        if self.recording() {
            self.0.push(Step { rule, outcome, detail: detail.to_string() });
        }
    }

    /// The steps of one rule, in order (for tests and callers that look for one rule).
    pub fn of<'a>(&'a self, rule: &'a str) -> impl Iterator<Item = &'a Step> + 'a {
        self.0.iter().filter(move |s| s.rule == rule)
    }
}
