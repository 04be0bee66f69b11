//! The call event a decision is made for: who calls, in which direction, through which account (and, for
//! outbound calls, resource and gateway), with the caller's explicit privacy flags and the optional SIP facts
//! (`Privacy`, `P-Asserted-Identity`, `Remote-Party-ID`, Asterisk presentation) as they arrived.
//!
//! [`read_event`] checks the shape and the syntax of every field and reports every problem with its path;
//! what the SIP facts *mean* for privacy is decided in `privacy/`, in one place.

use crate::error::{Error, Problems};
use crate::policy::reader::{named_enum, object, type_error, unknown_value, Obj};
use crate::policy::trust::{read_source, Source};
use crate::sip::header::{parse_name_addrs, parse_privacy, NameAddr};
use serde::Serialize;
use serde_json::Value;

named_enum! {
    /// The direction of a call, seen from the platform.
    pub enum Direction {
        /// From outside (a carrier) to the account.
        Inbound = "inbound",
        /// From the account to outside, through a resource (carrier).
        Outbound = "outbound",
        /// Between two endpoints of the account.
        Internal = "internal",
    }
}

named_enum! {
    /// The `privacy` parameter of a `Remote-Party-ID` header (draft-ietf-sip-privacy, plus FreeSWITCH's
    /// `yes`/`no`/`number` spellings).
    pub enum RpidPrivacy {
        Full = "full",
        Name = "name",
        Uri = "uri",
        Off = "off",
        Yes = "yes",
        No = "no",
        Number = "number",
    }
}

/// A SIP identity (`"Display" <sip:user@host>` or `<tel:+1…>`): the display name and the URI user part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Identity {
    pub display: Option<String>,
    pub user: Option<String>,
}

/// A parsed `Remote-Party-ID` header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RemotePartyId {
    pub identity: Identity,
    pub privacy: Option<RpidPrivacy>,
}

/// An Asterisk caller presentation value (`CALLERID(pres)`), kept as its number (0x00..0x43).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct AsteriskPresentation(pub u8);

/// Asterisk's named presentation values (`main/callerid.c`).
const PRESENTATION_NAMES: &[(&str, u8)] = &[
    ("allowed_not_screened", 0x00),
    ("allowed_passed_screen", 0x01),
    ("allowed_failed_screen", 0x02),
    ("allowed", 0x03),
    ("prohib_not_screened", 0x20),
    ("prohib_passed_screen", 0x21),
    ("prohib_failed_screen", 0x22),
    ("prohib", 0x23),
    ("unavailable", 0x43),
];

impl AsteriskPresentation {
    /// Restricted by the caller (`prohib*`, restriction bits 0x20).
    pub fn is_restricted(self) -> bool {
        self.0 & 0x60 == 0x20
    }

    /// Not available from the network (`unavailable`, restriction bits 0x40).
    pub fn is_unavailable(self) -> bool {
        self.0 & 0x60 == 0x40
    }

    /// Asterisk's name for this value (0x40..0x42 also print as `unavailable`).
    pub fn name(self) -> &'static str {
        PRESENTATION_NAMES
            .iter()
            .find(|(_, v)| *v == self.0)
            .map(|(n, _)| *n)
            .unwrap_or(if self.is_unavailable() { "unavailable" } else { "unknown" })
    }

    fn parse(v: &Value) -> Result<Self, String> {
        let expected = || {
            let names: Vec<&str> = PRESENTATION_NAMES.iter().map(|(n, _)| *n).collect();
            format!("expected one of {} or a number 0-3, 32-35, 64-67", names.join(", "))
        };
        let n = match v {
            Value::String(s) => {
                let lower = s.trim().to_ascii_lowercase();
                if let Some((_, n)) = PRESENTATION_NAMES.iter().find(|(name, _)| *name == lower) {
                    return Ok(AsteriskPresentation(*n));
                }
                lower.parse::<u64>().map_err(|_| format!("unknown presentation {s:?}; {}", expected()))?
            }
            Value::Number(n) => {
                n.as_u64().ok_or_else(|| format!("unknown presentation {n}; {}", expected()))?
            }
            other => {
                return Err(format!(
                    "expected a string or a number, got {}",
                    crate::policy::reader::type_name(other)
                ))
            }
        };
        match u8::try_from(n) {
            Ok(b) if matches!(b, 0..=3 | 32..=35 | 64..=67) => Ok(AsteriskPresentation(b)),
            _ => Err(format!("unknown presentation {n}; {}", expected())),
        }
    }
}

/// The optional SIP facts of a call, parsed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SipFacts {
    /// `Privacy` header tokens, lower-cased, in order.
    pub privacy: Option<Vec<String>>,
    pub p_asserted_identity: Option<Identity>,
    pub p_preferred_identity: Option<Identity>,
    pub remote_party_id: Option<RemotePartyId>,
    pub presentation: Option<AsteriskPresentation>,
}

/// A validated call event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallEvent {
    pub direction: Direction,
    pub account: String,
    pub caller_name: String,
    pub caller_number: String,
    pub hide_name: bool,
    pub hide_number: bool,
    pub dialled_number: Option<String>,
    pub resource: Option<String>,
    pub gateway: Option<String>,
    pub destination_user: Option<String>,
    pub sip: SipFacts,
    /// Where the call came from (peer id, address): decides whether its identity headers are believed.
    pub source: Option<Source>,
    /// The STIR `Identity` header (RFC 8224), raw; what it means is read by `screening::stir`, where a
    /// malformed one is a verification outcome, not an input error.
    pub identity: Option<String>,
    /// The `verstat` parameter (3GPP TS 24.229) of the PAI or From URI, raw.
    pub verstat: Option<String>,
    /// The time of the call, Unix seconds: the PASSporT's `iat` and the certificates are checked against it
    /// (required with `identity`; the worker sets it from its clock when absent).
    pub now: Option<u64>,
    /// The certificates served at the PASSporT's `x5u` (PEM, or base64 DER), fetched by the platform.
    pub certificate_chain: Vec<String>,
    /// Why the platform could not fetch the certificate (timeout, HTTP status).
    pub certificate_error: Option<String>,
    /// The numbers of this call normalised so far (each read once, however often the call is decided).
    #[serde(skip)]
    pub numbers: crate::phone::Memo,
}

const EVENT_KEYS: &[&str] = &[
    "direction",
    "account",
    "caller_name",
    "caller_number",
    "hide_name",
    "hide_number",
    "dialled_number",
    "resource",
    "gateway",
    "destination_user",
    "sip",
    "source",
    "identity",
    "verstat",
    "now",
    "certificate_chain",
    "certificate_error",
];
const SIP_KEYS: &[&str] =
    &["privacy", "p_asserted_identity", "p_preferred_identity", "remote_party_id", "presentation"];

/// Longest caller name accepted (SIP display names are short; this bounds work on hostile input).
const MAX_NAME: usize = 256;
/// Longest number or SIP header value accepted.
const MAX_NUMBER: usize = 64;
const MAX_HEADER: usize = crate::sip::header::MAX_HEADER;

/// Reads and checks a call event, reporting every problem with its path.
pub fn read_event(v: &Value) -> Result<CallEvent, Problems> {
    let mut errs = Vec::new();
    let event = read(v, &mut errs);
    match event {
        Some(e) if errs.is_empty() => Ok(e),
        _ => Err(Problems(errs)),
    }
}

fn read(v: &Value, errs: &mut Vec<Error>) -> Option<CallEvent> {
    let o = object(v, "", EVENT_KEYS, errs)?;
    let direction = o.choice::<Direction>("direction", errs);
    let direction = o.require("direction", direction, errs);
    let account = o.str_len("account", 1, 128, errs);
    let account = o.require("account", account, errs);
    let caller_name = o.str_len("caller_name", 0, MAX_NAME, errs).unwrap_or_default().to_owned();
    let caller_number = o.str_len("caller_number", 0, MAX_NUMBER, errs).unwrap_or_default().to_owned();
    let hide_name = o.bool("hide_name", errs).unwrap_or(false);
    let hide_number = o.bool("hide_number", errs).unwrap_or(false);
    let dialled_number = o.str_len("dialled_number", 1, MAX_NUMBER, errs).map(str::to_owned);
    let resource = o.str_len("resource", 1, 128, errs).map(str::to_owned);
    let gateway = o.str_len("gateway", 1, 128, errs).map(str::to_owned);
    let destination_user = o.str_len("destination_user", 1, 128, errs).map(str::to_owned);
    let sip = o.get("sip").map(|s| read_sip(s, &o.path("sip"), errs)).unwrap_or_default();
    let source = o.get("source").map(|s| read_source(s, &o.path("source"), errs));
    let identity = o.str_len("identity", 1, MAX_IDENTITY, errs).map(|s| s.trim().to_owned());
    let verstat = o.str_len("verstat", 1, 128, errs).map(str::to_owned);
    let now = o.uint("now", MAX_NOW, errs);
    if identity.is_some() && o.get("now").is_none() {
        errs.push(Error::new(
            o.path("now"),
            "missing",
            "required with identity: the PASSporT's iat is checked against it",
        ));
    }
    let certificate_chain = read_chain(&o, errs);
    let certificate_error = o.str_len("certificate_error", 1, 256, errs).map(str::to_owned);

    if let Some(d) = direction {
        if d != Direction::Outbound {
            for key in ["resource", "gateway"] {
                if o.get(key).is_some() {
                    errs.push(Error::new(
                        o.path(key),
                        "not_allowed",
                        "only outbound calls go through a resource",
                    ));
                }
            }
        }
        if d == Direction::Outbound && o.get("destination_user").is_some() {
            errs.push(Error::new(
                o.path("destination_user"),
                "not_allowed",
                "outbound calls have no destination user",
            ));
        }
    }
    if gateway.is_some() && o.get("resource").is_none() {
        errs.push(Error::new(o.path("gateway"), "missing_resource", "a gateway needs its resource"));
    }
    Some(CallEvent {
        direction: direction?,
        account: account?.to_owned(),
        caller_name,
        caller_number,
        hide_name,
        hide_number,
        dialled_number,
        resource,
        gateway,
        destination_user,
        sip,
        source,
        identity,
        verstat,
        now,
        certificate_chain,
        certificate_error,
        numbers: Default::default(),
    })
}

/// Longest `Identity` header accepted (a SHAKEN PASSporT is about 500 characters).
const MAX_IDENTITY: usize = 4096;
/// Latest `now` accepted (year 9999).
const MAX_NOW: u64 = 253_402_300_799;
/// Longest certificate text accepted, and most texts.
const MAX_CERT_TEXT: usize = 16 * 1024;
const MAX_CERT_TEXTS: usize = 5;

/// Reads `certificate_chain`: up to 5 strings (PEM or base64 DER) of at most 16 KiB each. Their content is
/// read by verification, where a certificate that does not parse is an outcome, not an input error.
fn read_chain(o: &Obj<'_>, errs: &mut Vec<Error>) -> Vec<String> {
    let Some(items) = o.str_list("certificate_chain", errs) else { return vec![] };
    let path = o.path("certificate_chain");
    if items.len() > MAX_CERT_TEXTS {
        errs.push(Error::new(
            path,
            "too_many",
            format!("at most {MAX_CERT_TEXTS} certificates, got {}", items.len()),
        ));
        return vec![];
    }
    let mut out = Vec::with_capacity(items.len());
    for (i, s) in items.into_iter().enumerate() {
        if s.is_empty() || s.len() > MAX_CERT_TEXT {
            errs.push(Error::new(
                format!("{path}[{i}]"),
                "invalid_length",
                format!("must be 1 to {MAX_CERT_TEXT} bytes, got {}", s.len()),
            ));
        } else {
            out.push(s.to_owned());
        }
    }
    out
}

fn read_sip(v: &Value, path: &str, errs: &mut Vec<Error>) -> SipFacts {
    let mut facts = SipFacts::default();
    let Some(o) = object(v, path, SIP_KEYS, errs) else { return facts };
    let header = |key: &str, errs: &mut Vec<Error>| -> Option<&str> { o.str_len(key, 0, MAX_HEADER, errs) };
    let report = |o: &Obj<'_>, key: &str, msg: String, errs: &mut Vec<Error>| {
        errs.push(Error::new(o.path(key), "malformed", msg));
    };
    if let Some(s) = header("privacy", errs) {
        match parse_privacy(s) {
            Ok(t) => facts.privacy = Some(t),
            Err(m) => report(&o, "privacy", m, errs),
        }
    }
    if let Some(s) = header("p_asserted_identity", errs) {
        match parse_identity(s) {
            Ok(id) => facts.p_asserted_identity = Some(id),
            Err(m) => report(&o, "p_asserted_identity", m, errs),
        }
    }
    if let Some(s) = header("p_preferred_identity", errs) {
        match parse_identity(s) {
            Ok(id) => facts.p_preferred_identity = Some(id),
            Err(m) => report(&o, "p_preferred_identity", m, errs),
        }
    }
    if let Some(s) = header("remote_party_id", errs) {
        match parse_rpid(s) {
            Ok(r) => facts.remote_party_id = Some(r),
            Err((code, m)) => errs.push(Error::new(o.path("remote_party_id"), code, m)),
        }
    }
    if let Some(p) = o.get("presentation") {
        match AsteriskPresentation::parse(p) {
            Ok(p) => facts.presentation = Some(p),
            Err(m) if matches!(p, Value::String(_) | Value::Number(_)) => {
                errs.push(Error::new(o.path("presentation"), "unknown_value", m))
            }
            Err(_) => errs.push(type_error(&o.path("presentation"), "a string or a number", p)),
        }
    }
    facts
}

/// The first identity of a header value (a PAI may carry a sip and a tel URI; the first one names the caller),
/// and its header parameters, read by the one SIP parser ([`crate::sip::header`]).
fn first_identity(s: &str) -> Result<NameAddr, String> {
    parse_name_addrs(s).map(|mut ids| ids.swap_remove(0))
}

fn identity_of(na: &NameAddr) -> Identity {
    Identity { display: na.display.clone(), user: na.uri.user.clone() }
}

/// Parses the identity of a header value (`"Name" <sip:user@host>`, `<tel:+1…>`, `sip:user@host;tag=…`).
pub fn parse_identity(s: &str) -> Result<Identity, String> {
    first_identity(s).map(|na| identity_of(&na))
}

/// Parses a `Remote-Party-ID` header value and its `privacy` parameter (case-insensitive).
fn parse_rpid(s: &str) -> Result<RemotePartyId, (&'static str, String)> {
    let na = first_identity(s).map_err(|m| ("malformed", m))?;
    let privacy = match na.param("privacy") {
        None => None,
        Some(v) => {
            let value = v.trim().trim_matches('"').to_ascii_lowercase();
            Some(RpidPrivacy::parse(&value).ok_or_else(|| {
                let names: Vec<&str> = RpidPrivacy::ALL.iter().map(|v| v.as_str()).collect();
                ("unknown_value", unknown_value("privacy", &value, &names).message)
            })?)
        }
    };
    Ok(RemotePartyId { identity: identity_of(&na), privacy })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_a_full_event() {
        let e = read_event(&json!({
            "direction": "outbound", "account": "acc", "caller_name": "Alice", "caller_number": "+33639981234",
            "hide_name": true, "dialled_number": "*67112", "resource": "carrier", "gateway": "gw",
            "sip": {"privacy": "ID; User", "p_asserted_identity": "\"Al \\\"A\\\"\" <sip:+33639981234@example.com;user=phone>",
                    "remote_party_id": "<sip:1000@pbx>;party=calling;Privacy=Full;screen=yes", "presentation": "prohib_not_screened"}
        }))
        .unwrap();
        assert_eq!(e.sip.privacy, Some(vec!["id".to_owned(), "user".to_owned()]));
        let pai = e.sip.p_asserted_identity.unwrap();
        assert_eq!(pai.display.as_deref(), Some("Al \"A\""));
        assert_eq!(pai.user.as_deref(), Some("+33639981234"));
        let rpid = e.sip.remote_party_id.unwrap();
        assert_eq!(rpid.privacy, Some(RpidPrivacy::Full));
        assert_eq!(rpid.identity.user.as_deref(), Some("1000"));
        assert!(e.sip.presentation.unwrap().is_restricted());
    }

    #[test]
    fn presentation_accepts_names_and_numbers() {
        for (v, n) in [(json!("PROHIB"), 0x23), (json!(67), 0x43), (json!("33"), 33), (json!("allowed"), 3)] {
            assert_eq!(AsteriskPresentation::parse(&v), Ok(AsteriskPresentation(n)), "{v}");
        }
        for v in [json!(4), json!(68), json!("prohibited"), json!(-1), json!(1.5)] {
            assert!(AsteriskPresentation::parse(&v).is_err(), "{v}");
        }
        assert!(AsteriskPresentation(0x40).is_unavailable());
        assert_eq!(AsteriskPresentation(0x41).name(), "unavailable");
    }

    #[test]
    fn malformed_sip_values_name_their_field() {
        let err = read_event(&json!({
            "direction": "inbound", "account": "acc",
            "sip": {"privacy": "id;;user", "p_asserted_identity": "\"Bob <sip:1@x>", "remote_party_id": "<sip:1@x>;privacy=maybe",
                    "presentation": true}
        }))
        .unwrap_err();
        let got: Vec<_> = err.0.iter().map(|e| (e.field.as_str(), e.code.as_str())).collect();
        assert_eq!(
            got,
            [
                ("sip.privacy", "malformed"),
                ("sip.p_asserted_identity", "malformed"),
                ("sip.remote_party_id", "unknown_value"),
                ("sip.presentation", "invalid_type")
            ]
        );
    }

    #[test]
    fn identities_parse_in_their_usual_forms() {
        let user = |s: &str| parse_identity(s).map(|i| i.user);
        assert_eq!(user("<tel:+15551234567;phone-context=x>"), Ok(Some("+15551234567".into())));
        assert_eq!(user("sip:alice@example.com;tag=1"), Ok(Some("alice".into())));
        assert_eq!(user("Bob <sips:bob:pw@example.com>"), Ok(Some("bob".into())));
        assert_eq!(user("<sip:example.com>"), Ok(None));
        assert!(user("<http://x>").is_err());
        assert!(user("<sip:a@>").is_err());
        assert!(user("Bob sip:bob@x").is_err());
        assert!(user("<sip:bob@x").is_err());
    }

    #[test]
    fn direction_scopes_resource_and_user() {
        let err =
            read_event(&json!({"direction": "inbound", "account": "a", "resource": "r", "gateway": "g"}))
                .unwrap_err();
        assert_eq!(err.0.len(), 2);
        let err = read_event(
            &json!({"direction": "outbound", "account": "a", "gateway": "g", "destination_user": "u"}),
        )
        .unwrap_err();
        let got: Vec<_> = err.0.iter().map(|e| (e.field.as_str(), e.code.as_str())).collect();
        assert_eq!(got, [("destination_user", "not_allowed"), ("gateway", "missing_resource")]);
        let err = read_event(&json!({"direction": "sideways"})).unwrap_err();
        assert_eq!(
            err.0[0].to_string(),
            "direction: unknown value \"sideways\"; expected one of inbound, outbound, internal"
        );
        assert_eq!(err.0[1].field, "account");
    }
}
