//! The SIP-facing decision: an INVITE as a SIP server sees it (raw header values, source peer, direction,
//! account) in, and what that server must do out, ready to apply: reject with a code and its reason phrase,
//! or continue with the From to present, the headers to set and to remove, and the Request-URI to route.
//!
//! The INVITE is turned into the one call event every decision reads ([`read_event`]), decided by the
//! [`Engine`] (privacy, trust boundary, screening, presentation), and the decision is written back as SIP.
//! A malformed header is an error naming it; nothing is guessed.

use super::header::{
    check_identity, escape_user, parse_name_addr, parse_name_addrs, parse_privacy, quote_display, NameAddr,
    Scheme, MAX_HEADER,
};
use crate::error::{Error, Problems};
use crate::policy::event::{read_event, CallEvent, Direction};
use crate::policy::reader::object;
use crate::policy::{Decision, Engine, PrivacyMode};
use crate::privacy::{Presentation, Scope};
use crate::screening::lookup::Row;
use crate::screening::Action;
use crate::trace::{Outcome, Trace};
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// The keys of an INVITE request.
const REQUEST_KEYS: &[&str] = &[
    "direction",
    "account",
    "user",
    "resource",
    "gateway",
    "source",
    "request_uri",
    "from",
    "to",
    "p_asserted_identity",
    "p_preferred_identity",
    "remote_party_id",
    "privacy",
    "identity",
];
/// The SIP header each header field of the request carries.
const HEADER_NAMES: &[(&str, &str)] = &[
    ("request_uri", "Request-URI"),
    ("from", "From"),
    ("to", "To"),
    ("p_asserted_identity", "P-Asserted-Identity"),
    ("p_preferred_identity", "P-Preferred-Identity"),
    ("remote_party_id", "Remote-Party-ID"),
    ("privacy", "Privacy"),
    ("identity", "Identity"),
];
/// Event fields filled from a header, so an event error names the header it came from.
const EVENT_FIELD_FROM: &[(&str, &str)] = &[
    ("caller_name", "from"),
    ("caller_number", "from"),
    ("dialled_number", "request_uri"),
    ("destination_user", "user"),
    ("sip.privacy", "privacy"),
    ("sip.p_asserted_identity", "p_asserted_identity"),
    ("sip.p_preferred_identity", "p_preferred_identity"),
    ("sip.remote_party_id", "remote_party_id"),
];

/// The identity headers a trust boundary strips.
pub const IDENTITY_HEADERS: [&str; 3] = ["P-Asserted-Identity", "P-Preferred-Identity", "Remote-Party-ID"];

/// What the SIP server does with the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SipAction {
    /// Reply `code reason` and stop.
    Reject,
    /// Apply `from`, `set`, `remove`, `request_uri` and relay the call.
    Continue,
}

/// The From header to present: display (a quoted-string, ready to paste) and URI. The SIP server keeps the tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FromHeader {
    pub display: String,
    pub uri: String,
}

/// The answer to one INVITE.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SipAnswer {
    pub action: SipAction,
    /// The SIP response code of a rejection (433, 603), null when the call continues.
    pub code: Option<u16>,
    /// Its reason phrase (`Anonymity Disallowed`, `Decline`).
    pub reason: Option<&'static str>,
    /// The announcement a platform that answers instead of rejecting plays first (`user-unreachable`).
    pub prompt: Option<&'static str>,
    /// The From to present (null: leave From as it is).
    pub from: Option<FromHeader>,
    /// The Request-URI to route to when it changed (a privacy feature code stripped), else null.
    pub request_uri: Option<String>,
    /// Header values to set, by header name (`From`, `Privacy`, `P-Asserted-Identity`). A header listed here
    /// that the INVITE carried is also listed in `remove`: remove first, then set.
    pub set: BTreeMap<&'static str, String>,
    /// Header names to remove.
    pub remove: Vec<&'static str>,
    /// Every rule consulted: the decision's trace, then how it was written as SIP.
    pub trace: Trace,
}

/// An INVITE's header values, parsed.
struct Invite {
    request_uri: Option<NameAddr>,
    from: NameAddr,
    present: Vec<&'static str>,
}

fn header_name(field: &str) -> Option<&'static str> {
    HEADER_NAMES.iter().find(|(f, _)| *f == field).map(|(_, h)| *h)
}

/// Decides an INVITE given as JSON against `engine`'s policy: every problem of the request is reported with
/// the field (header) it is in.
pub fn decide_invite(engine: &Engine, request: &Value) -> Result<SipAnswer, Problems> {
    decide_invite_with(engine, request, |event| engine.decide(event))
}

/// The call event of an INVITE given as JSON (what [`Engine::lookup_keys`] reads when lists are stored as rows).
pub fn invite_event(request: &Value) -> Result<CallEvent, Problems> {
    Ok(invite_and_event(request)?.1)
}

/// [`decide_invite`] with the screening lists read from the rows fetched under the INVITE's lookup keys
/// (docs/blocklists.md): the same answer as with a policy document carrying the whole lists.
pub fn decide_invite_rows(engine: &Engine, request: &Value, rows: &[Row]) -> Result<SipAnswer, Problems> {
    decide_invite_with(engine, request, |event| engine.decide_rows(event, rows))
}

fn invite_and_event(request: &Value) -> Result<(Invite, CallEvent), Problems> {
    let (invite, event) = read_invite(request)?;
    let event = read_event(&event).map_err(|p| {
        Problems(
            p.0.into_iter()
                .map(|mut e| {
                    if let Some((_, field)) = EVENT_FIELD_FROM.iter().find(|(f, _)| e.field == *f) {
                        if let Some(h) = header_name(field) {
                            e.message = format!("{h}: {}", e.message);
                        }
                        e.field = (*field).to_owned();
                    }
                    e
                })
                .collect(),
        )
    })?;
    Ok((invite, event))
}

fn decide_invite_with(
    engine: &Engine,
    request: &Value,
    decide: impl Fn(&CallEvent) -> Result<Decision, Error>,
) -> Result<SipAnswer, Problems> {
    let (invite, event) = invite_and_event(request)?;
    let decision = decide(&event)?;
    let source_trusted = engine.source_trust(&event).trusted;
    let carrier_trusted = engine.carrier_trusted(&event)?;
    let mut trace = decision.trace;

    if let Some(s) = decision.screening.as_ref().filter(|s| s.action == Action::Reject) {
        let code = s.sip_code.unwrap_or(603);
        let reason = reason_phrase(code);
        trace.push("sip.reply", Outcome::Rejected, format!("{code} {reason}"));
        return Ok(SipAnswer {
            action: SipAction::Reject,
            code: Some(code),
            reason: Some(reason),
            prompt: s.prompt,
            from: None,
            request_uri: None,
            set: BTreeMap::new(),
            remove: Vec::new(),
            trace,
        });
    }

    let scope = Scope::resolve(engine.policy(), &event)?;
    let country = scope.account.country.as_str();
    let (anonymous_name, _) = scope.anonymous_values();
    let mut w = Writer { answer_set: BTreeMap::new(), remove: Vec::new(), present: &invite.present };

    // Identity headers: never relayed from an untrusted source, nor towards an untrusted carrier.
    let stripped: Vec<&str> =
        IDENTITY_HEADERS.iter().copied().filter(|h| invite.present.contains(h)).collect();
    if !stripped.is_empty() {
        let untrusted = if !source_trusted {
            Some("the source is not a trusted peer")
        } else if carrier_trusted == Some(false) {
            Some("the carrier is not trusted")
        } else {
            None
        };
        if let Some(why) = untrusted {
            for h in &stripped {
                w.remove(h);
            }
            trace.push("sip.identity", Outcome::Applied, format!("removed {}: {why}", stripped.join(", ")));
        } else {
            trace.push("sip.identity", Outcome::Kept, format!("{} relayed as received", stripped.join(", ")));
        }
    }

    let p = &decision.presentation;
    let from = present_from(p, &invite.from, country, anonymous_name);
    match &from {
        Some(f) => {
            w.set("From", format!("{} <{}>", f.display, f.uri).trim_start().to_owned());
            trace.push("sip.from", Outcome::Applied, format!("From: {} <{}>", f.display, f.uri));
        }
        None => trace.push("sip.from", Outcome::Kept, "From relayed as received"),
    }

    match p.sip.privacy_header {
        Some(v) => {
            w.set("Privacy", v.to_owned());
            trace.push("sip.privacy", Outcome::Applied, format!("Privacy: {v}"));
        }
        None if invite.present.contains(&"Privacy") && p.emergency => {
            w.remove("Privacy");
            trace.push("sip.privacy", Outcome::Applied, "Privacy removed: emergency call");
        }
        None => {}
    }

    if let Some(id) = &p.sip.p_asserted_identity {
        let host = invite.from.uri.host.as_deref().unwrap_or("anonymous.invalid");
        let user = id.user.as_deref().map(|u| presented_user(u, country));
        let uri = match user {
            Some(u) => format!("sip:{u}@{host}"),
            None => format!("sip:{host}"),
        };
        let value = match id.display.as_deref() {
            Some(d) => format!("{} <{uri}>", quote_display(d)),
            None => format!("<{uri}>"),
        };
        trace.push("sip.p_asserted_identity", Outcome::Applied, format!("P-Asserted-Identity: {value}"));
        w.set("P-Asserted-Identity", value);
    }

    let request_uri = match (&invite.request_uri, &p.routed_number) {
        (Some(ru), Some(routed)) if ru.uri.user.as_deref() != Some(routed.as_str()) => {
            let host = ru.uri.host.as_deref().map(|h| format!("@{h}")).unwrap_or_default();
            let uri = format!("{}:{}{host}", ru.uri.scheme.as_str(), escape_user(routed));
            trace.push("sip.request_uri", Outcome::Applied, format!("Request-URI {uri}"));
            Some(uri)
        }
        _ => None,
    };
    trace.push("sip.reply", Outcome::Allowed, "continue");
    Ok(SipAnswer {
        action: SipAction::Continue,
        code: None,
        reason: None,
        prompt: None,
        from,
        request_uri,
        set: w.answer_set,
        remove: w.remove,
        trace,
    })
}

/// Collects the headers to set and remove, removing a header before it is set when the INVITE carried it.
struct Writer<'p> {
    answer_set: BTreeMap<&'static str, String>,
    remove: Vec<&'static str>,
    present: &'p [&'static str],
}

impl Writer<'_> {
    fn remove(&mut self, h: &str) {
        if let Some(h) = self.present.iter().find(|p| **p == h) {
            if !self.remove.contains(h) {
                self.remove.push(h);
            }
        }
    }

    fn set(&mut self, h: &'static str, value: String) {
        if h != "From" {
            self.remove(h);
        }
        self.answer_set.insert(h, value);
    }
}

/// The From to present, when it differs from the one received: the anonymous URI (RFC 3323) when the number
/// is withheld, the presented name as a quoted display name. `None` when the caller ID is presented as is.
fn present_from(
    p: &Presentation,
    received: &NameAddr,
    country: &str,
    anonymous_name: &str,
) -> Option<FromHeader> {
    // In sip mode the caller ID is not rewritten for the platform, but on the wire the From still withholds
    // it: the real identity travels in P-Asserted-Identity, and only towards a trusted carrier.
    let hides =
        |part_hidden: bool, anonymised: bool| anonymised || (part_hidden && p.mode == PrivacyMode::Sip);
    let hide_number = hides(p.privacy.hide_number && !p.emergency, p.anonymised.number);
    let hide_name = hides(p.privacy.hide_name && !p.emergency, p.anonymised.name);
    if !hide_number && !hide_name {
        return None;
    }
    let uri = if hide_number {
        "sip:anonymous@anonymous.invalid".to_owned()
    } else {
        let user = presented_user(&p.caller_number, country);
        match (received.uri.scheme, received.uri.host.as_deref()) {
            (Scheme::Tel, _) | (_, None) => format!("tel:{user}"),
            (scheme, Some(host)) => format!("{}:{user}@{host}", scheme.as_str()),
        }
    };
    let name = match (hide_name, p.anonymised.name) {
        (true, true) => p.caller_name.as_str(),
        (true, false) => anonymous_name,
        (false, _) => received.display.as_deref().unwrap_or(""),
    };
    let display = if name.is_empty() { String::new() } else { quote_display(name) };
    Some(FromHeader { display, uri })
}

/// A caller number as a URI user part: its E.164 form when it is a valid phone number read in `country`
/// (`01 70 36 99 99` in FR → `+33170369999`), otherwise the text with RFC 3261 escaping. Never raw text with
/// spaces.
pub fn presented_user(number: &str, country: &str) -> String {
    presented_user_in(&crate::phone::Memo::default(), number, country)
}

/// [`presented_user`], the number read through a call's memo of normalisations.
pub fn presented_user_in(numbers: &crate::phone::Memo, number: &str, country: &str) -> String {
    let number = number.trim();
    match &*numbers.normalize(number, country) {
        Ok(n) if n.valid => n.e164.clone(),
        // Not a valid number (an extension, Kazoo's 0000000000, a word): kept as written, escaped.
        _ => escape_user(number),
    }
}

/// The reason phrase of a SIP response code cidguard answers with (RFC 3261 §21, RFC 5079 for 433).
pub fn reason_phrase(code: u16) -> &'static str {
    match code {
        433 => "Anonymity Disallowed",
        603 => "Decline",
        403 => "Forbidden",
        480 => "Temporarily Unavailable",
        486 => "Busy Here",
        _ => "Rejected",
    }
}

/// Reads the request: the plain fields as they are, every header value parsed (an error names the header),
/// and the call event JSON built from them.
fn read_invite(v: &Value) -> Result<(Invite, Value), Problems> {
    let mut errs = Vec::new();
    let Some(o) = object(v, "", REQUEST_KEYS, &mut errs) else { return Err(Problems(errs)) };
    let mut event = Map::new();
    for key in ["direction", "account", "resource", "gateway"] {
        if let Some(x) = o.get(key) {
            event.insert(key.to_owned(), x.clone());
        }
    }
    if let Some(x) = o.get("user") {
        event.insert("destination_user".to_owned(), x.clone());
    }
    if let Some(x) = o.get("source") {
        event.insert("source".to_owned(), x.clone());
    }
    let direction = o.get("direction").and_then(Value::as_str).and_then(Direction::parse);

    let mut present = Vec::new();
    let mut header = |key: &str, errs: &mut Vec<Error>| -> Option<&str> {
        let s = o.str_len(key, 0, MAX_HEADER, errs)?;
        if let Some((_, h)) = HEADER_NAMES.iter().find(|(f, _)| *f == key) {
            if key != "request_uri" {
                present.push(*h);
            }
        }
        Some(s)
    };
    let bad = |key: &str, m: String| {
        Error::new(key, "malformed", format!("{}: {m}", header_name(key).unwrap_or(key)))
    };

    let from_raw = header("from", &mut errs);
    let from_raw = o.require("from", from_raw, &mut errs);
    let from = from_raw.and_then(|s| parse_name_addr(s).map_err(|m| errs.push(bad("from", m))).ok());
    let request_uri = header("request_uri", &mut errs)
        .and_then(|s| parse_name_addr(s).map_err(|m| errs.push(bad("request_uri", m))).ok());
    if let Some(s) = header("to", &mut errs) {
        if let Err(m) = parse_name_addr(s) {
            errs.push(bad("to", m));
        }
    }
    let pai = header("p_asserted_identity", &mut errs)
        .and_then(|s| parse_name_addrs(s).map_err(|m| errs.push(bad("p_asserted_identity", m))).ok());
    let mut sip = Map::new();
    for key in ["p_asserted_identity", "p_preferred_identity", "remote_party_id", "privacy"] {
        let Some(s) = header(key, &mut errs) else { continue };
        let checked = match key {
            "privacy" => parse_privacy(s).map(|_| ()),
            "p_asserted_identity" => Ok(()),
            _ => parse_name_addrs(s).map(|_| ()),
        };
        match checked {
            Ok(()) => {
                sip.insert(key.to_owned(), Value::String(s.to_owned()));
            }
            Err(m) => errs.push(bad(key, m)),
        }
    }
    if let Some(s) = header("identity", &mut errs) {
        match check_identity(s) {
            Ok(()) => {
                event.insert("identity".to_owned(), Value::String(s.trim().to_owned()));
            }
            Err(m) => errs.push(bad("identity", m)),
        }
    }
    let Some(from) = from else { return Err(Problems(errs)) };
    if !errs.is_empty() {
        return Err(Problems(errs));
    }

    event.insert("caller_name".to_owned(), json!(from.display.clone().unwrap_or_default()));
    event.insert("caller_number".to_owned(), json!(from.uri.user.clone().unwrap_or_default()));
    if matches!(direction, Some(Direction::Outbound | Direction::Internal)) {
        if let Some(user) = request_uri.as_ref().and_then(|r| r.uri.user.as_ref()) {
            event.insert("dialled_number".to_owned(), json!(user));
        }
    }
    // verstat (3GPP TS 24.229) rides on the PAI or From URI; carried raw, its meaning is read elsewhere.
    let verstat = pai
        .iter()
        .flatten()
        .chain(std::iter::once(&from))
        .find_map(|na| na.uri.param("verstat").map(str::to_owned));
    if let Some(v) = verstat {
        event.insert("verstat".to_owned(), json!(v));
    }
    if !sip.is_empty() {
        event.insert("sip".to_owned(), Value::Object(sip));
    }
    Ok((Invite { request_uri, from, present }, Value::Object(event)))
}

impl SipAnswer {
    /// The flat form: one `key=value` line per fact, for a SIP server without a JSON parser. Keys:
    /// `action`, `code`, `reason`, `from_display`, `from_uri`, `request_uri`, `set.<Header>`, `remove`
    /// (comma-separated names). Values never contain a line break.
    pub fn to_flat(&self) -> String {
        let mut out =
            format!("action={}\n", if self.action == SipAction::Reject { "reject" } else { "continue" });
        let mut line = |k: &str, v: &str| {
            let v: String = v.chars().filter(|c| *c != '\r' && *c != '\n').collect();
            out.push_str(&format!("{k}={v}\n"));
        };
        if let (Some(code), Some(reason)) = (self.code, self.reason) {
            line("code", &code.to_string());
            line("reason", reason);
        }
        if let Some(p) = self.prompt {
            line("prompt", p);
        }
        if let Some(f) = &self.from {
            line("from_display", &f.display);
            line("from_uri", &f.uri);
        }
        if let Some(r) = &self.request_uri {
            line("request_uri", r);
        }
        for (h, v) in &self.set {
            line(&format!("set.{h}"), v);
        }
        if !self.remove.is_empty() {
            line("remove", &self.remove.join(","));
        }
        out
    }
}
