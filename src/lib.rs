//! cidguard: caller-ID screening, caller-ID privacy and number-masking decisions.
//!
//! The core is pure: every function maps its inputs to an output with no I/O, no clock and no randomness
//! it is not handed, so the same inputs give the same outputs natively, in Node, in workerd and in a browser.

pub mod api;
pub mod error;
pub mod phone;

// ---- masking ----
pub mod masking;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use error::{Error, Problems};

// ---- policy (caller-ID privacy and screening) ----
pub mod callerid_rules;
pub mod engine;
pub mod event;
pub mod index;
pub mod lists;
pub mod policy;
pub mod privacy;
pub(crate) mod reader;
pub mod screening;
pub mod trace;

pub use engine::{Decision, Engine};
