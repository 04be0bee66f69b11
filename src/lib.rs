//! cidguard: caller-ID screening, caller-ID privacy and number-masking decisions.
//!
//! The core is pure: every function maps its inputs to an output with no I/O, no clock and no randomness
//! it is not handed, so the same inputs give the same outputs natively, in Node, in workerd and in a browser.
//!
//! - [`phone`]: normalisation to E.164 (every other module goes through it);
//! - [`policy`]: the policy document, the call event, and the [`Engine`] that decides a call under a policy;
//! - [`privacy`]: how the caller ID is presented;
//! - [`screening`]: whether an inbound call is let through (rules, lists, index, caller-ID rewrites);
//! - [`masking`]: Infobip number masking and display masking;
//! - [`sip`]: SIP header values parsed, and the SIP-facing decision for an INVITE (what a SIP server applies);
//! - [`replay`]: what-if replay of a call log under two policies;
//! - [`trace`]: the ordered trace of the rules a decision consulted;
//! - [`error`]: the one error type (field, code, message);
//! - [`exports`]: every exported function over JSON values, by the name the shared vectors call it;
//!   `wasm`: the thin WebAssembly binding (wasm32 only).

pub mod error;
pub mod exports;
pub mod masking;
pub mod phone;
pub mod policy;
pub mod privacy;
pub mod replay;
pub mod screening;
pub mod sip;
pub mod trace;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use error::{Error, Problems};
pub use policy::{Decision, Engine};
