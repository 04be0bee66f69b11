//! Inbound call screening: whether a call is let through (allowlist, anonymous rejection, account blocklists,
//! prefixes, user blocklists).
//!
//! - [`rules`]: the screening rules in their documented precedence, and the index they look numbers up in;
//! - [`lists`]: list entries (numbers, prefixes), checked and normalised to E.164 when a policy is loaded;
//! - [`lookup`]: screening from stored rows (lookup keys of a call, deciding from the rows fetched);
//! - [`import`]: the bulk-import line parser (CSV with a header, NDJSON): entries or problems by line;
//! - [`index`]: the sorted E.164 key index behind every list lookup;
//! - [`rewrite`]: the account's `in_callerid` caller-ID rewrite rules, applied before matching;
//! - [`stir`]: STIR/SHAKEN verification (`Identity`, `verstat`) and the account's rules on its outcome.

pub mod import;
pub mod index;
pub mod lists;
pub mod lookup;
pub mod rewrite;
pub mod rules;
pub mod stir;

pub use rules::{
    resolve_user, screen, Action, Caller, Context, EntryRef, ListRef, Rule, Screening, ScreeningIndex,
};
