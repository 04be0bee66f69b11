//! cidguard: caller-ID screening, caller-ID privacy and number-masking decisions.
//!
//! The core is pure: every function maps its inputs to an output with no I/O, no clock and no randomness
//! it is not handed, so the same inputs give the same outputs natively, in Node, in workerd and in a browser.
//!
//! - [`phone`]: normalisation to E.164 (every other module goes through it);
//! - [`policy`], [`event`], [`engine`], [`trace`]: the policy document, the call event, the compiled policy
//!   that decides a call, and the ordered trace of the rules consulted;
//! - [`privacy`]: how the caller ID is presented; [`screening`] (with [`lists`], [`index`],
//!   [`callerid_rules`]): whether an inbound call is let through;
//! - [`masking`]: Infobip number masking and display masking;
//! - [`api`]: the JSON face the shared vectors call; `wasm`: the thin WebAssembly binding (wasm32 only).

pub mod api;
pub mod callerid_rules;
pub mod engine;
pub mod error;
pub mod event;
pub mod index;
pub mod lists;
pub mod masking;
pub mod phone;
pub mod policy;
pub mod privacy;
pub(crate) mod reader;
pub mod screening;
pub mod trace;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use engine::{Decision, Engine};
pub use error::{Error, Problems};
