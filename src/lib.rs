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
