//! The policy model shared by caller-ID privacy and screening, and the engine that decides calls under it.
//!
//! - [`document`]: the policy document and its validation (every problem, with its JSON path);
//! - [`event`]: the call event a decision is made for;
//! - [`reader`]: the path-tracking JSON reader both are read with;
//! - [`trust`]: the trust boundary for identity headers (trusted peers, trusted carriers);
//! - [`engine`]: a policy compiled once (validation, screening index), deciding any number of calls.

pub mod document;
pub mod engine;
pub mod event;
pub(crate) mod reader;
pub mod trust;

pub use document::{
    check_country, validate_policy, Account, Allowlist, Blocklist, Gateway, Part, Policy, PrivacyMode,
    Resource, System, User, DEFAULT_ANONYMOUS_NAME, DEFAULT_ANONYMOUS_NUMBER, DEFAULT_FEATURE_CODE,
    EMERGENCY_DEFAULT_KEY,
};
pub use engine::{Decision, Engine};
pub use event::{read_event, CallEvent};
