//! SIP as a SIP server hands it over: raw header values parsed and checked ([`header`]), and the SIP-facing
//! decision for an INVITE ([`invite`]): reject with a code and reason phrase, or continue with the From,
//! Privacy and P-Asserted-Identity to present and the identity headers to strip, ready to apply.

pub mod header;
pub mod invite;

pub use invite::{decide_invite, SipAction, SipAnswer};
