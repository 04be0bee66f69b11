//! Caller-ID privacy: whether a call asks for privacy (and from which source), which `privacy_mode` applies
//! (the most specific of gateway > resource > account > system, default `kazoo`), and what is therefore
//! presented and signalled on SIP. Emergency calls are never anonymised. [`request`] detects what a call asks
//! for; this module decides what is presented.
//!
//! Hiding the name and hiding the number are one parameterised rule (`present_part`): Kazoo shipped
//! copy-paste bugs exactly where the two were written twice.

pub mod request;

pub use request::{detect, Detected, Requested, Source};

use crate::error::Error;
use crate::policy::event::{CallEvent, Direction, Identity};
use crate::policy::trust::carrier_trusted;
use crate::policy::{Account, Gateway, Part, Policy, PrivacyMode, Resource, System};
use crate::sip::invite::presented_user_in;
use crate::trace::{Outcome, Trace};
use serde::Serialize;

/// Where the policy of one call comes from: the system settings, the call's account and, for outbound
/// calls, the resource and gateway it leaves through.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'p> {
    pub system: &'p System,
    pub account: &'p Account,
    pub resource: Option<&'p Resource>,
    pub gateway: Option<&'p Gateway>,
}

impl<'p> Scope<'p> {
    /// The anonymous caller name and number that replace a hidden caller ID: the account's, else the system's.
    pub fn anonymous_values(&self) -> (&'p str, &'p str) {
        let account = self.account;
        let system = self.system;
        (
            account.anonymous_name.as_deref().unwrap_or(&system.anonymous_name),
            account.anonymous_number.as_deref().unwrap_or(&system.anonymous_number),
        )
    }

    /// Finds the event's account, resource and gateway in the policy; an unknown one is an error naming the
    /// event field.
    pub fn resolve(policy: &'p Policy, event: &CallEvent) -> Result<Self, Error> {
        let account = policy.account(&event.account).ok_or_else(|| {
            Error::new("account", "unknown_account", format!("no account {:?} in the policy", event.account))
        })?;
        let resource = match &event.resource {
            Some(id) => Some(policy.resource(id).ok_or_else(|| {
                Error::new("resource", "unknown_resource", format!("no resource {id:?} in the policy"))
            })?),
            None => None,
        };
        let gateway = match (&event.gateway, resource) {
            (Some(id), Some(r)) => Some(r.gateways.iter().find(|g| &g.id == id).ok_or_else(|| {
                Error::new("gateway", "unknown_gateway", format!("no gateway {id:?} in resource {:?}", r.id))
            })?),
            _ => None,
        };
        Ok(Scope { system: &policy.system, account, resource, gateway })
    }
}

/// The level of the hierarchy that set the effective privacy mode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModeFrom {
    /// `gateway`, `resource`, `account`, `system` or `default`.
    pub level: &'static str,
    /// The id of the gateway, resource or account (null for `system` and `default`).
    pub id: Option<String>,
    /// For a gateway: its resource.
    pub resource: Option<String>,
}

impl ModeFrom {
    fn describe(&self) -> String {
        match (self.level, &self.id, &self.resource) {
            ("gateway", Some(id), Some(r)) => format!("gateway {id} of resource {r}"),
            (level, Some(id), _) => format!("{level} {id}"),
            ("default", _, _) => "the built-in default".to_owned(),
            (level, None, _) => format!("{level} settings"),
        }
    }
}

/// The effective privacy mode, combined fail-safe from the least specific level to the most specific
/// (system, account, resource, gateway): a more specific level may add hiding but never reveals what a less
/// specific one hides (`hide_number` under `hide_name` gives `kazoo`, both hidden), as Kazoo's stepswitch
/// ORs a gateway's hide flags with its resource's. Only `sip`, the trusted pass-through that signals privacy
/// instead of applying it, replaces what the levels above it hide. `kazoo` when no level sets a mode.
/// Returns the mode, the most specific level that set one, and each level's mode (least specific first).
pub fn effective_mode(scope: &Scope<'_>) -> (PrivacyMode, ModeFrom, Vec<(PrivacyMode, ModeFrom)>) {
    let from = |level, id: Option<&str>, resource: Option<&str>| ModeFrom {
        level,
        id: id.map(str::to_owned),
        resource: resource.map(str::to_owned),
    };
    let resource_id = scope.resource.map(|r| r.id.as_str());
    let levels: Vec<(PrivacyMode, ModeFrom)> = [
        scope.system.privacy_mode.map(|m| (m, from("system", None, None))),
        scope.account.privacy_mode.map(|m| (m, from("account", Some(&scope.account.id), None))),
        scope.resource.and_then(|r| r.privacy_mode.map(|m| (m, from("resource", Some(&r.id), None)))),
        scope.gateway.and_then(|g| g.privacy_mode.map(|m| (m, from("gateway", Some(&g.id), resource_id)))),
    ]
    .into_iter()
    .flatten()
    .collect();
    let Some((_, most_specific)) = levels.last() else {
        return (PrivacyMode::Kazoo, from("default", None, None), levels);
    };
    let (mut name, mut number) = (false, false);
    for (mode, _) in &levels {
        if *mode == PrivacyMode::Sip {
            (name, number) = (false, false);
        } else {
            name |= mode.covers(Part::Name);
            number |= mode.covers(Part::Number);
        }
    }
    let mode = match (name, number) {
        (true, true) => PrivacyMode::Kazoo,
        (true, false) => PrivacyMode::HideName,
        (false, true) => PrivacyMode::HideNumber,
        (false, false) => PrivacyMode::Sip,
    };
    (mode, most_specific.clone(), levels)
}

/// Which parts were replaced by the anonymous values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Anonymised {
    pub name: bool,
    pub number: bool,
}

/// What to signal on SIP for this call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SipSignal {
    /// `Privacy` header value to send (`id`), or null for none.
    pub privacy_header: Option<&'static str>,
    /// The identity for `P-Asserted-Identity` (mode `sip` with privacy): the real caller ID, for the trusted
    /// carrier to withhold downstream.
    pub p_asserted_identity: Option<Identity>,
    /// `From` display name and URI user part: the presented caller ID, the user part as E.164 when the
    /// number reads as one in the account's country, else %-escaped (never raw text with spaces).
    pub from_display: String,
    pub from_user: String,
}

/// How a call's caller ID is presented.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Presentation {
    pub caller_name: String,
    pub caller_number: String,
    /// The dialled number once a privacy feature code is stripped (null without a dialled number).
    pub routed_number: Option<String>,
    /// The privacy requested and its sources.
    pub privacy: Requested,
    pub anonymised: Anonymised,
    pub mode: PrivacyMode,
    pub mode_from: ModeFrom,
    /// The routed number is an emergency number of the account's country: nothing is anonymised.
    pub emergency: bool,
    pub sip: SipSignal,
}

/// Decides how the call's caller ID is presented, appending each rule consulted to `trace`.
pub fn present(event: &CallEvent, scope: &Scope<'_>, trace: &mut Trace) -> Presentation {
    let detected = detect(event, scope.system, trace);
    present_detected(event, scope, detected, trace)
}

/// [`present`] for a call whose privacy was already detected (the engine shares one detection between
/// presentation and screening).
pub fn present_detected(
    event: &CallEvent,
    scope: &Scope<'_>,
    detected: Detected,
    trace: &mut Trace,
) -> Presentation {
    let Detected { requested, routed_number } = detected;
    let (mode, mode_from, levels) = effective_mode(scope);
    if trace.recording() {
        let detail = if levels.len() > 1 {
            let each: Vec<String> =
                levels.iter().map(|(m, f)| format!("{m} from {}", f.describe())).collect();
            format!(
                "privacy_mode {mode}: {} (a more specific level adds hiding, never reveals; only sip passes through)",
                each.join(", then ")
            )
        } else {
            format!("privacy_mode {mode} from {}", mode_from.describe())
        };
        trace.push("privacy.mode", Outcome::Set, detail);
    }

    let emergency_hit = routed_number.as_deref().and_then(|n| emergency_number(n, scope));
    let emergency = emergency_hit.is_some();
    if let Some(n) = emergency_hit {
        trace.push(
            "privacy.emergency",
            if requested.any() { Outcome::Applied } else { Outcome::Matched },
            format_args!("{n} is an emergency number in {}: privacy not applied", scope.account.country),
        );
    } else if event.direction == Direction::Outbound && routed_number.is_some() {
        trace.push("privacy.emergency", Outcome::NotMatched, "not an emergency number");
    }

    let (anonymous_name, anonymous_number) = scope.anonymous_values();
    let rule = PartRule { requested: &requested, mode, emergency };
    let (caller_name, name_done) = rule.present_part(Part::Name, &event.caller_name, anonymous_name, trace);
    let (caller_number, number_done) =
        rule.present_part(Part::Number, &event.caller_number, anonymous_number, trace);

    let signal = requested.any() && !emergency;
    // Outbound, the real caller ID goes only to a trusted carrier (Kazoo: `sip` mode is for carriers you trust).
    let carrier_ok = event.direction != Direction::Outbound || carrier_trusted(scope.resource, scope.gateway);
    let p_asserted_identity = (signal && mode == PrivacyMode::Sip && carrier_ok).then(|| Identity {
        display: Some(event.caller_name.clone()).filter(|s| !s.is_empty()),
        user: Some(event.caller_number.clone()).filter(|s| !s.is_empty()),
    });
    if signal && trace.recording() {
        let pai = match (mode, p_asserted_identity.is_some()) {
            (_, true) => "; P-Asserted-Identity carries the real caller ID".to_owned(),
            (PrivacyMode::Sip, false) => {
                let carrier = match (scope.gateway, scope.resource) {
                    (Some(g), Some(r)) => format!("gateway {} of resource {}", g.id, r.id),
                    (_, Some(r)) => format!("resource {}", r.id),
                    _ => "the call's carrier".to_owned(),
                };
                format!("; no P-Asserted-Identity: {carrier} is not a trusted carrier")
            }
            _ => String::new(),
        };
        trace.push("privacy.sip", Outcome::Applied, format_args!("Privacy: id{pai}"));
    } else if !signal {
        trace.push("privacy.sip", Outcome::Skipped, "no privacy to signal");
    }
    let sip = SipSignal {
        privacy_header: signal.then_some("id"),
        p_asserted_identity,
        from_display: caller_name.clone(),
        from_user: presented_user_in(&event.numbers, &caller_number, &scope.account.country),
    };
    Presentation {
        caller_name,
        caller_number,
        routed_number,
        privacy: requested,
        anonymised: Anonymised { name: name_done, number: number_done },
        mode,
        mode_from,
        emergency,
        sip,
    }
}

/// The emergency number `routed` is (ignoring spaces and dashes), if it is one for the account's country.
fn emergency_number<'s>(routed: &str, scope: &Scope<'s>) -> Option<&'s str> {
    let digits = || routed.chars().filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'));
    scope
        .system
        .emergency_for(&scope.account.country)
        .iter()
        .map(String::as_str)
        .find(|n| n.chars().eq(digits()))
}

/// The inputs of the one rule that decides each part of the caller ID.
struct PartRule<'r> {
    requested: &'r Requested,
    mode: PrivacyMode,
    emergency: bool,
}

impl PartRule<'_> {
    /// Presents one part of the caller ID: anonymised when privacy is requested for it, the mode covers it
    /// and the call is not an emergency call; as is otherwise. Returns the value and whether it was replaced.
    fn present_part(&self, part: Part, real: &str, anonymous: &str, trace: &mut Trace) -> (String, bool) {
        let rule = match part {
            Part::Name => "privacy.name",
            Part::Number => "privacy.number",
        };
        if !self.requested.hides(part) {
            trace.push(rule, Outcome::Kept, format_args!("{part} presented: no privacy requested for it"));
            (real.to_owned(), false)
        } else if self.emergency {
            trace.push(rule, Outcome::Kept, format_args!("{part} presented: emergency call"));
            (real.to_owned(), false)
        } else if self.mode.covers(part) {
            trace.push(
                rule,
                Outcome::Applied,
                format_args!("{part} anonymised ({}): {real:?} -> {anonymous:?}", self.mode),
            );
            (anonymous.to_owned(), true)
        } else if self.mode == PrivacyMode::Sip {
            trace.push(
                rule,
                Outcome::Kept,
                format_args!("{part} passed as is: sip mode signals privacy instead"),
            );
            (real.to_owned(), false)
        } else {
            trace.push(
                rule,
                Outcome::Kept,
                format_args!("{part} passed as is: {} does not anonymise the {part}", self.mode),
            );
            (real.to_owned(), false)
        }
    }
}
