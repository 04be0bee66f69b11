//! Whether a call asks for privacy, and from which source: the caller's flags, the `*67` feature code, SIP
//! `Privacy`, `Remote-Party-ID` and the Asterisk presentation, OR-ed into one request and traced in a fixed
//! order. What the request then changes is decided in the parent module.

use crate::policy::event::{CallEvent, RpidPrivacy};
use crate::policy::{Part, System};
use crate::trace::{Outcome, Trace};
use serde::Serialize;

/// One source of a privacy request and what it asked to hide.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    /// `flag`, `feature_code`, `sip_privacy`, `remote_party_id` or `presentation`.
    pub source: &'static str,
    /// The value that asked (`hide_name`, `*67`, `id`, `full`, `prohib_not_screened`, …).
    pub value: String,
    pub hide_name: bool,
    pub hide_number: bool,
}

/// The privacy a call asks for: the OR of every source.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Requested {
    pub hide_name: bool,
    pub hide_number: bool,
    pub sources: Vec<Source>,
}

impl Requested {
    /// Whether any part is to be hidden.
    pub fn any(&self) -> bool {
        self.hide_name || self.hide_number
    }

    /// Whether `part` is to be hidden.
    pub fn hides(&self, part: Part) -> bool {
        match part {
            Part::Name => self.hide_name,
            Part::Number => self.hide_number,
        }
    }

    fn add(&mut self, source: &'static str, value: &str, hide_name: bool, hide_number: bool) {
        self.hide_name |= hide_name;
        self.hide_number |= hide_number;
        self.sources.push(Source { source, value: value.to_owned(), hide_name, hide_number });
    }
}

/// What privacy detection found: the request, and the number to route once a feature code is stripped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detected {
    pub requested: Requested,
    pub routed_number: Option<String>,
}

fn parts(hide_name: bool, hide_number: bool) -> &'static str {
    match (hide_name, hide_number) {
        (true, true) => "name and number",
        (true, false) => "name",
        (false, true) => "number",
        (false, false) => "nothing",
    }
}

/// Detects the privacy a call asks for, from every source in a fixed order (flags, feature code, SIP
/// `Privacy`, `Remote-Party-ID`, Asterisk presentation), tracing each one consulted.
pub fn detect(event: &CallEvent, system: &System, trace: &mut Trace) -> Detected {
    let mut req = Requested::default();

    if event.hide_name || event.hide_number {
        let value = match (event.hide_name, event.hide_number) {
            (true, true) => "hide_name,hide_number",
            (true, false) => "hide_name",
            _ => "hide_number",
        };
        req.add("flag", value, event.hide_name, event.hide_number);
        trace.push(
            "privacy.flags",
            Outcome::Matched,
            format_args!("explicit flags: hide {}", parts(event.hide_name, event.hide_number)),
        );
    }

    let routed_number = event.dialled_number.as_ref().map(|dialled| {
        let dialled = dialled.trim();
        let code = system
            .privacy_feature_codes
            .iter()
            .filter(|c| dialled.len() > c.len() && dialled.starts_with(c.as_str()))
            .max_by_key(|c| c.len());
        match code {
            Some(code) => {
                // `*67 0612345678`: the space after the code is not part of the number.
                let rest = dialled.get(code.len()..).unwrap_or("").trim_start().to_owned();
                req.add("feature_code", code, true, true);
                trace.push(
                    "privacy.feature_code",
                    Outcome::Matched,
                    format_args!(
                        "privacy flag from {code}: hide name and number; {code} stripped, routing {rest}"
                    ),
                );
                rest
            }
            None => dialled.to_owned(),
        }
    });

    if let Some(tokens) = &event.sip.privacy {
        sip_privacy(tokens, &mut req, trace);
    }

    if let Some(rpid) = &event.sip.remote_party_id {
        match rpid.privacy {
            Some(p) => {
                let (name, number) = match p {
                    RpidPrivacy::Full | RpidPrivacy::Yes => (true, true),
                    RpidPrivacy::Name => (true, false),
                    RpidPrivacy::Uri | RpidPrivacy::Number => (false, true),
                    RpidPrivacy::Off | RpidPrivacy::No => (false, false),
                };
                if name || number {
                    req.add("remote_party_id", p.as_str(), name, number);
                    trace.push(
                        "privacy.remote_party_id",
                        Outcome::Matched,
                        format_args!("Remote-Party-ID privacy={p}: hide {}", parts(name, number)),
                    );
                } else {
                    trace.push(
                        "privacy.remote_party_id",
                        Outcome::NotMatched,
                        format_args!("Remote-Party-ID privacy={p}"),
                    );
                }
            }
            None => {
                trace.push("privacy.remote_party_id", Outcome::NotMatched, "Remote-Party-ID without privacy")
            }
        }
    }

    if let Some(pres) = event.sip.presentation {
        let name = pres.name();
        if pres.is_restricted() || pres.is_unavailable() {
            req.add("presentation", name, true, true);
            let why = if pres.is_restricted() {
                "restricted by the caller"
            } else {
                "not available from the network"
            };
            trace.push(
                "privacy.presentation",
                Outcome::Matched,
                format_args!("presentation {name} ({}): {why}", pres.0),
            );
        } else {
            trace.push(
                "privacy.presentation",
                Outcome::NotMatched,
                format_args!("presentation {name} ({}): allowed", pres.0),
            );
        }
    }

    if !req.any() {
        trace.push("privacy.request", Outcome::NotMatched, "no privacy requested");
    }
    Detected { requested: req, routed_number }
}

/// Reads `Privacy` header tokens: `id`, `user`, `header` hide the caller ID; `none` alone asks for no
/// privacy (RFC 3323); `session`, `critical`, `history` and extension tokens do not touch it. `none` next to
/// a hiding token (`id;none`) is contradictory and fails safe: the caller ID is withheld, as Asterisk
/// (`Privacy` other than `none` → `prohib`) and FreeSWITCH (`Privacy` containing `id`) do.
fn sip_privacy(tokens: &[String], req: &mut Requested, trace: &mut Trace) {
    let has_none = tokens.iter().any(|t| t == "none");
    let hides = tokens.iter().any(|t| matches!(t.as_str(), "id" | "user" | "header"));
    if has_none && !hides {
        trace.push(
            "privacy.sip_privacy",
            Outcome::NotMatched,
            format_args!("Privacy: {}: none clears privacy", tokens.join(";")),
        );
        return;
    }
    let contradiction = if has_none { " (none next to a hiding token: withheld, failing safe)" } else { "" };
    let hiding: Vec<&str> =
        tokens.iter().map(String::as_str).filter(|t| matches!(*t, "id" | "user" | "header")).collect();
    let others: Vec<&str> = tokens
        .iter()
        .map(String::as_str)
        .filter(|t| !matches!(*t, "id" | "user" | "header" | "none"))
        .collect();
    let ignored = if others.is_empty() {
        String::new()
    } else {
        format!(" ({} does not hide the caller ID)", others.join(";"))
    };
    match hiding.first() {
        Some(_) => {
            req.add("sip_privacy", &hiding.join(";"), true, true);
            trace.push(
                "privacy.sip_privacy",
                Outcome::Matched,
                format_args!(
                    "Privacy: {}: hide name and number{ignored}{contradiction}",
                    if has_none { tokens.join(";") } else { hiding.join(";") }
                ),
            );
        }
        None => trace.push(
            "privacy.sip_privacy",
            Outcome::NotMatched,
            format_args!("Privacy: {}{ignored}", tokens.join(";")),
        ),
    }
}
