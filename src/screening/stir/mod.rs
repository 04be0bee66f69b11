//! STIR/SHAKEN: what a call's `Identity` header (RFC 8224) and `verstat` parameter (3GPP TS 24.229) say
//! about its caller, and the account's rules on it.
//!
//! - [`passport`]: parsing the header and its SHAKEN PASSporT (RFC 8225, RFC 8588);
//! - [`cert`]: certificates, their validity and the chain to the policy's trust anchors (ES256 only).
//!
//! [`verify`] reduces the inputs to one [`Verification`] whose `outcome` names the rule of the account that
//! applies (`attestation_a`, `attestation_b`, `attestation_c`, `failed`, `missing`, `orig_tn_mismatch`).
//! The core never fetches anything: the platform fetches the `x5u` certificate and hands it in the event
//! (`certificate_chain`), or says why it could not (`certificate_error`).

pub mod cert;
pub mod passport;

use crate::error::Error;
use crate::policy::reader::{object, type_error, Obj};
use crate::trace::{Outcome, Trace};
use cert::{read_certs, verify_chain, Cert, ChainError};
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::Signature;
use serde::{Serialize, Serializer};
use serde_json::Value;

/// The freshness window of RFC 8224 §6.2.1 (60 s recommended) when the policy sets none.
pub const DEFAULT_MAX_AGE: u64 = 60;
/// Longest freshness window accepted.
const MAX_MAX_AGE: u64 = 86_400;

/// A trust anchor of the policy (its certificate, shown by subject and validity).
#[derive(Debug, Clone, PartialEq)]
pub struct Anchor(pub Cert);

impl Serialize for Anchor {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Shown<'a> {
            subject: &'a str,
            not_before: u64,
            not_after: u64,
        }
        Shown { subject: &self.0.subject, not_before: self.0.not_before, not_after: self.0.not_after }
            .serialize(s)
    }
}

/// System-wide STIR/SHAKEN settings (`system.stir_shaken`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StirSystem {
    /// The certificates a SHAKEN chain must lead to (the STI-PA's list of STI-CA roots, as the operator
    /// keeps it). Without any, signatures are not verified and `verstat` decides.
    pub trust_anchors: Vec<Anchor>,
    /// How far `iat` may be from `now`, in seconds (RFC 8224 freshness).
    pub max_age_seconds: u64,
}

impl Default for StirSystem {
    fn default() -> Self {
        StirSystem { trust_anchors: vec![], max_age_seconds: DEFAULT_MAX_AGE }
    }
}

/// What an account does with a verification outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StirAction {
    Allow,
    /// Reject with this SIP code (default 608 Rejected, RFC 8688).
    Reject(u16),
    /// Allow, with the caller name prefixed by this mark (`"SPAM? "`, `"Verified "`).
    Mark(String),
}

impl Serialize for StirAction {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            StirAction::Allow => serde_json::json!({"action": "allow"}),
            StirAction::Reject(code) => serde_json::json!({"action": "reject", "code": code}),
            StirAction::Mark(mark) => serde_json::json!({"action": "mark", "mark": mark}),
        }
        .serialize(s)
    }
}

/// The outcomes an account can set a rule for, in documentation order.
pub const OUTCOMES: &[&str] =
    &["attestation_a", "attestation_b", "attestation_c", "failed", "missing", "orig_tn_mismatch"];

/// An account's STIR/SHAKEN rules (`accounts[].stir_shaken`): one action per outcome, `allow` by default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StirRules {
    pub attestation_a: StirAction,
    pub attestation_b: StirAction,
    pub attestation_c: StirAction,
    pub failed: StirAction,
    pub missing: StirAction,
    pub orig_tn_mismatch: StirAction,
}

impl Default for StirRules {
    fn default() -> Self {
        StirRules {
            attestation_a: StirAction::Allow,
            attestation_b: StirAction::Allow,
            attestation_c: StirAction::Allow,
            failed: StirAction::Allow,
            missing: StirAction::Allow,
            orig_tn_mismatch: StirAction::Allow,
        }
    }
}

impl StirRules {
    /// The action for an outcome (one of [`OUTCOMES`]).
    pub fn action(&self, outcome: &str) -> &StirAction {
        match outcome {
            "attestation_a" => &self.attestation_a,
            "attestation_b" => &self.attestation_b,
            "attestation_c" => &self.attestation_c,
            "failed" => &self.failed,
            "orig_tn_mismatch" => &self.orig_tn_mismatch,
            _ => &self.missing,
        }
    }

    fn slot(&mut self, outcome: &str) -> Option<&mut StirAction> {
        Some(match outcome {
            "attestation_a" => &mut self.attestation_a,
            "attestation_b" => &mut self.attestation_b,
            "attestation_c" => &mut self.attestation_c,
            "failed" => &mut self.failed,
            "missing" => &mut self.missing,
            "orig_tn_mismatch" => &mut self.orig_tn_mismatch,
            _ => return None,
        })
    }
}

/// Reads `system.stir_shaken`: `{trust_anchors: [PEM], max_age_seconds}`.
pub(crate) fn read_system(v: &Value, path: &str, errs: &mut Vec<Error>) -> StirSystem {
    let mut out = StirSystem::default();
    let Some(o) = object(v, path, &["trust_anchors", "max_age_seconds"], errs) else { return out };
    if let Some(age) = o.uint("max_age_seconds", MAX_MAX_AGE, errs) {
        out.max_age_seconds = age;
    }
    for (i, pem) in o.str_list("trust_anchors", errs).unwrap_or_default().into_iter().enumerate() {
        let at = format!("{}[{i}]", o.path("trust_anchors"));
        match read_certs(pem) {
            Ok(certs) if certs.len() == 1 => out.trust_anchors.extend(certs.into_iter().map(Anchor)),
            Ok(certs) => errs.push(Error::new(
                at,
                "invalid_certificate",
                format!("one certificate per trust anchor, got {}", certs.len()),
            )),
            Err(e) => errs.push(Error::new(at, "invalid_certificate", e)),
        }
    }
    out
}

/// Reads `accounts[].stir_shaken`: each outcome maps to `"allow"`, `"reject"` (608), `{"action": "reject",
/// "code": 603}` or `{"action": "mark", "mark": "SPAM? "}`.
pub(crate) fn read_rules(v: &Value, path: &str, errs: &mut Vec<Error>) -> StirRules {
    let mut rules = StirRules::default();
    let Some(o) = object(v, path, OUTCOMES, errs) else { return rules };
    for outcome in OUTCOMES {
        let Some(value) = o.get(outcome) else { continue };
        if let (Some(action), Some(slot)) = (read_action(value, &o, outcome, errs), rules.slot(outcome)) {
            *slot = action;
        }
    }
    rules
}

fn read_action(v: &Value, parent: &Obj<'_>, key: &str, errs: &mut Vec<Error>) -> Option<StirAction> {
    let path = parent.path(key);
    let unknown = |got: &str, errs: &mut Vec<Error>| {
        errs.push(crate::policy::reader::unknown_value(&path, got, &["allow", "reject", "mark"]));
        None
    };
    match v {
        Value::String(s) => match s.as_str() {
            "allow" => Some(StirAction::Allow),
            "reject" => Some(StirAction::Reject(608)),
            "mark" => {
                errs.push(Error::new(
                    path.as_str(),
                    "missing",
                    "mark needs its text: {\"action\": \"mark\", \"mark\": \"SPAM? \"}",
                ));
                None
            }
            other => unknown(other, errs),
        },
        Value::Object(_) => {
            let o = object(v, &path, &["action", "code", "mark"], errs)?;
            let action = o.req_str("action", errs)?;
            match action {
                "allow" => Some(StirAction::Allow),
                "reject" => {
                    let code = o.uint("code", 699, errs).unwrap_or(608);
                    if !(400..=699).contains(&code) {
                        errs.push(Error::new(
                            o.path("code"),
                            "out_of_range",
                            format!("a SIP rejection code is 400 to 699, got {code}"),
                        ));
                        return None;
                    }
                    Some(StirAction::Reject(u16::try_from(code).unwrap_or(608)))
                }
                "mark" => {
                    let mark = o.str_len("mark", 1, 32, errs);
                    o.require("mark", mark, errs).map(|m| StirAction::Mark(m.to_owned()))
                }
                other => {
                    errs.push(crate::policy::reader::unknown_value(
                        &o.path("action"),
                        other,
                        &["allow", "reject", "mark"],
                    ));
                    None
                }
            }
        }
        other => {
            errs.push(type_error(&path, "\"allow\", \"reject\" or an object {action, code, mark}", other));
            None
        }
    }
}

/// The STIR/SHAKEN inputs of one call, as the event carries them.
#[derive(Debug, Clone, Copy, Default)]
pub struct Inputs<'a> {
    pub identity: Option<&'a str>,
    pub verstat: Option<&'a str>,
    /// The certificates fetched from `x5u` (PEM blocks or base64 DER), signing certificate first.
    pub certificate_chain: &'a [String],
    /// Why the platform could not fetch the certificate.
    pub certificate_error: Option<&'a str>,
    /// Unix seconds (required with `identity`).
    pub now: Option<u64>,
}

/// What STIR/SHAKEN says about a call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    /// The account rule that applies: `attestation_a`, `attestation_b`, `attestation_c`, `failed`, `missing`
    /// or `orig_tn_mismatch`.
    pub outcome: &'static str,
    /// Why, as a stable code (`verified`, `verstat_passed`, `bad_signature`, `stale`, …; docs/screening.md).
    pub reason: &'static str,
    pub detail: String,
    /// `A`, `B` or `C` when verification passed.
    pub attestation: Option<&'static str>,
    /// Whether this core verified the PASSporT's signature and certificate chain itself.
    pub signature_verified: bool,
    pub verstat: Option<String>,
    pub orig_tn: Option<String>,
    pub dest_tn: Vec<String>,
    pub iat: Option<i64>,
    pub origid: Option<String>,
    pub x5u: Option<String>,
}

/// The `+digits` form of a PASSporT telephone number (RFC 8224 §8.3 canonicalisation: digits only).
fn canonical_tn(tn: &str) -> String {
    let digits: String = tn.chars().filter(char::is_ascii_digit).collect();
    format!("+{digits}")
}

/// Reads a `verstat` value: `(outcome, reason, attestation)`; the attestation suffix some carriers add
/// (`TN-Validation-Passed-B`) is kept.
fn read_verstat(v: &str) -> (&'static str, &'static str, Option<&'static str>) {
    let lower = v.trim().to_ascii_lowercase();
    let suffix = |rest: &str| match rest {
        "-a" => Some("A"),
        "-b" => Some("B"),
        "-c" => Some("C"),
        _ => None,
    };
    if let Some(rest) = lower.strip_prefix("tn-validation-passed") {
        if rest.is_empty() || suffix(rest).is_some() {
            return ("attestation_a", "verstat_passed", suffix(rest));
        }
    }
    if let Some(rest) = lower.strip_prefix("tn-validation-failed") {
        if rest.is_empty() || suffix(rest).is_some() {
            return ("failed", "verstat_failed", suffix(rest));
        }
    }
    if lower == "no-tn-validation" {
        return ("missing", "no_tn_validation", None);
    }
    ("missing", "unknown_verstat", None)
}

fn outcome_of(attest: &str) -> &'static str {
    match attest {
        "A" => "attestation_a",
        "B" => "attestation_b",
        _ => "attestation_c",
    }
}

/// Verifies a call's STIR/SHAKEN inputs against the system settings; `caller_e164` is the caller's number
/// as screening normalised it. Every step is traced under `screening.stir_shaken`.
pub fn verify(
    inputs: &Inputs<'_>,
    system: &StirSystem,
    caller_e164: Option<&str>,
    trace: &mut Trace,
) -> Verification {
    const RULE: &str = "screening.stir_shaken";
    let mut v = Verification {
        outcome: "missing",
        reason: "no_identity",
        detail: String::new(),
        attestation: None,
        signature_verified: false,
        verstat: inputs.verstat.map(str::to_owned),
        orig_tn: None,
        dest_tn: vec![],
        iat: None,
        origid: None,
        x5u: None,
    };
    let fail = |mut v: Verification, reason: &'static str, detail: String, trace: &mut Trace| {
        trace.push(RULE, Outcome::Matched, format!("verification failed ({reason}): {detail}"));
        v.outcome = "failed";
        v.reason = reason;
        v.detail = detail;
        v
    };
    // 1. The Identity header, verified here when the certificate and trust anchors are at hand.
    let mut unverified_why = None;
    if let Some(header) = inputs.identity {
        let p = match passport::parse(header) {
            Ok(p) => p,
            Err(f) => return fail(v, f.reason, f.detail, trace),
        };
        v.orig_tn = Some(p.orig_tn.clone());
        v.dest_tn = p.dest_tn.clone();
        v.iat = Some(p.iat);
        v.origid = p.origid.clone();
        v.x5u = Some(p.x5u.clone());
        trace.push(
            RULE,
            Outcome::Set,
            format!("PASSporT attest {} orig.tn {} iat {} x5u {}", p.attest, p.orig_tn, p.iat, p.x5u),
        );
        if let Some(info) = p.info.as_deref().filter(|i| *i != p.x5u) {
            return fail(
                v,
                "malformed_identity",
                format!("info <{info}> is not the PASSporT's x5u {}", p.x5u),
                trace,
            );
        }
        // The JSON event requires `now` with `identity`; a caller building the event otherwise (the SIP
        // INVITE route) may have none: then nothing time-dependent is checked and nothing is verified.
        let Some(now) = inputs.now else {
            trace.push(RULE, Outcome::Skipped, "no time (now) given: iat and certificates not checked");
            v.attestation = Some(p.attest);
            return from_verstat(v, inputs.verstat, Some("no time (now) was given".to_owned()), trace);
        };
        let age = i128::from(now) - i128::from(p.iat);
        if age.unsigned_abs() > u128::from(system.max_age_seconds) {
            let detail =
                format!("iat {} is {age} s from now {now} (window {} s)", p.iat, system.max_age_seconds);
            return fail(v, "stale", detail, trace);
        }
        if let Some(why) = inputs.certificate_error {
            return fail(
                v,
                "certificate_unavailable",
                format!("the certificate at {} could not be fetched: {why}", p.x5u),
                trace,
            );
        }
        if inputs.certificate_chain.is_empty() {
            unverified_why = Some("no certificate was handed in".to_owned());
        } else if system.trust_anchors.is_empty() {
            unverified_why = Some("the policy holds no trust anchors".to_owned());
        } else {
            let mut chain = Vec::new();
            for text in inputs.certificate_chain {
                match read_certs(text) {
                    Ok(c) => chain.extend(c),
                    Err(e) => return fail(v, "bad_certificate", e, trace),
                }
            }
            let anchors: Vec<Cert> = system.trust_anchors.iter().map(|a| a.0.clone()).collect();
            if let Err(e) = verify_chain(&chain, &anchors, now) {
                let (reason, detail) = match e {
                    ChainError::Expired(d) => ("expired_certificate", d),
                    ChainError::BadSignature(d) => ("bad_certificate", d),
                    ChainError::Untrusted(d) => ("untrusted_chain", d),
                };
                return fail(v, reason, detail, trace);
            }
            let leaf = chain.first().and_then(|c| c.key.as_ref());
            let sig = Signature::from_slice(&p.signature).ok();
            match (leaf, sig) {
                (Some(key), Some(sig)) if key.verify(p.signing_input.as_bytes(), &sig).is_ok() => {
                    v.signature_verified = true;
                }
                (None, _) => {
                    return fail(
                        v,
                        "bad_certificate",
                        "the signing certificate has no P-256 key".into(),
                        trace,
                    )
                }
                _ => {
                    return fail(
                        v,
                        "bad_signature",
                        "the PASSporT signature does not verify with the signing certificate".into(),
                        trace,
                    )
                }
            }
            let subject = chain.first().map(|c| c.subject.as_str()).unwrap_or("");
            trace.push(RULE, Outcome::Matched, format!("signature and chain verified: {subject}"));
        }
        let tn = canonical_tn(&p.orig_tn);
        if caller_e164 != Some(tn.as_str()) {
            let caller = caller_e164.unwrap_or("an unreadable caller number");
            trace.push(RULE, Outcome::Matched, format!("orig.tn {tn} is not the caller {caller}"));
            v.outcome = "orig_tn_mismatch";
            v.reason = "orig_tn_mismatch";
            v.detail = format!("orig.tn {tn} is not the caller {caller}");
            return v;
        }
        if v.signature_verified {
            v.outcome = outcome_of(p.attest);
            v.reason = "verified";
            v.attestation = Some(p.attest);
            v.detail = format!("attestation {} verified", p.attest);
            trace.push(
                RULE,
                Outcome::Matched,
                format!("verified: attestation {}, orig.tn matches the caller", p.attest),
            );
            return v;
        }
        if let Some(why) = &unverified_why {
            trace.push(RULE, Outcome::Skipped, format!("signature not verified: {why}"));
        }
        // Without our own verification, a verstat from the carrier may still tell (below); its attestation
        // falls back to the PASSporT's claim.
        v.attestation = Some(p.attest);
    }
    from_verstat(v, inputs.verstat, unverified_why, trace)
}

/// Steps 2 and 3: without our own verification, the carrier's `verstat` decides; else nothing is verified.
fn from_verstat(
    mut v: Verification,
    verstat: Option<&str>,
    unverified_why: Option<String>,
    trace: &mut Trace,
) -> Verification {
    const RULE: &str = "screening.stir_shaken";
    // 2. The verstat the terminating carrier added after verifying.
    if let Some(raw) = verstat {
        let (outcome, reason, suffix) = read_verstat(raw);
        v.reason = reason;
        match outcome {
            "attestation_a" => {
                let attest = suffix.or(v.attestation).unwrap_or("A");
                v.outcome = outcome_of(attest);
                v.attestation = Some(attest);
                v.detail = format!("verstat {raw}: attestation {attest}");
                trace.push(
                    RULE,
                    Outcome::Matched,
                    format!("verstat {raw}: verified upstream, attestation {attest}"),
                );
            }
            "failed" => {
                v.outcome = "failed";
                v.attestation = None;
                v.detail = format!("verstat {raw}");
                trace.push(
                    RULE,
                    Outcome::Matched,
                    format!("verification failed (verstat_failed): verstat {raw}"),
                );
            }
            _ => {
                v.outcome = "missing";
                v.attestation = None;
                v.detail = if reason == "unknown_verstat" {
                    format!("verstat {raw:?} is not a known value: read as no validation")
                } else {
                    format!("verstat {raw}: the carrier did not validate")
                };
                trace.push(RULE, Outcome::NotMatched, v.detail.clone());
            }
        }
        return v;
    }
    // 3. Nothing verified.
    v.attestation = None;
    if let Some(why) = unverified_why {
        v.reason = "not_verifiable";
        v.detail = format!("Identity present but not verified: {why}");
    } else {
        v.detail = "no Identity header and no verstat".into();
    }
    trace.push(RULE, Outcome::NotMatched, v.detail.clone());
    v
}
