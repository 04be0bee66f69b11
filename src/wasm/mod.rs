//! The WebAssembly binding: converts arguments, results and errors, and calls `crate::exports`; nothing else.
//!
//! One convention for every export. Each argument is a JS value read into a `serde_json::Value` by [`args`]
//! (strings, numbers, booleans and null directly; objects and arrays as one `JSON.stringify` text), so the
//! type checks of `crate::exports` answer a typed error for any value, never a trap. Each result leaves as the
//! JSON text `crate::exports` produced, read by one `JSON.parse` ([`out`]). Every failure is thrown as one
//! JS `Error` ([`into_error`]) whose `message` names the field and the problem, with `field`, `code` and
//! `problems` set on it for programs. Chosen by measurement (docs/package.md): JSON text is ~25% faster than
//! `serde_wasm_bindgen` for policies and decisions, ~1.2 µs slower for `normalize`'s two strings, and drops a
//! dependency. The exports and their TypeScript types: here for phone and policy, `masking.rs` for masking,
//! `console.rs` for the replay and the pool's states.

use crate::error::Error;
use crate::exports::{self, ExportError, Exported};
use serde_json::Value;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** A problem with one input field, as thrown (`field`, `code` set on the `Error`). */
export interface Problem { field: string; code: string; message: string; }
/** The `Error` every export throws: `message` is `"<field>: <problem>"`. */
export interface CidguardError extends Error { field: string; code: string; problems: Problem[]; }
/** A number in E.164 with its region and validity. */
export interface Normalized { e164: string; region: string | null; valid: boolean; }
"#;

/// Converts any core error into the one JS `Error` shape the exports throw.
pub(crate) fn into_error(err: impl Into<ExportError>) -> js_sys::Error {
    let err = err.into();
    let (message, problems): (String, &[Error]) = match &err {
        ExportError::One(e) => (e.to_string(), std::slice::from_ref(e)),
        ExportError::Many(p) => (p.to_string(), &p.0),
    };
    let js = js_sys::Error::new(&message);
    let first = err.first();
    let problems = serde_json::to_string(problems).ok().and_then(|t| js_sys::JSON::parse(&t).ok());
    let _ = js_sys::Reflect::set(&js, &"field".into(), &first.field.as_str().into());
    let _ = js_sys::Reflect::set(&js, &"code".into(), &first.code.as_str().into());
    let _ = js_sys::Reflect::set(&js, &"problems".into(), &problems.unwrap_or(JsValue::NULL));
    js
}

/// One argument as JSON. `undefined`, functions and symbols read as `null`, as `JSON.stringify` has them.
pub(crate) fn arg(field: &str, v: &JsValue) -> Result<Value, js_sys::Error> {
    if let Some(s) = v.as_string() {
        return Ok(Value::String(s));
    }
    if let Some(b) = v.as_bool() {
        return Ok(Value::Bool(b));
    }
    if let Some(f) = v.as_f64() {
        // What `JSON.stringify` then serde_json would give: integers as integers, NaN and infinities as null.
        return Ok(if f.fract() == 0.0 && f.abs() < 9.0e15 {
            Value::from(f as i64)
        } else {
            serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
        });
    }
    if v.is_null() || v.is_undefined() {
        return Ok(Value::Null);
    }
    let text = js_sys::JSON::stringify(v)
        .map_err(|_| into_error(Error::new(field, "invalid_type", "not representable as JSON")))?;
    match text.as_string() {
        None => Ok(Value::Null),
        Some(t) => {
            serde_json::from_str(&t).map_err(|e| into_error(Error::new(field, "invalid_type", e.to_string())))
        }
    }
}

/// The arguments of one export, by name (the names its errors report).
fn args(named: &[(&str, &JsValue)]) -> Result<Vec<Value>, js_sys::Error> {
    named.iter().map(|(field, v)| arg(field, v)).collect()
}

/// An export's answer as a JS value: its JSON text through `JSON.parse`, or the thrown error.
fn out(result: Exported) -> Result<JsValue, js_sys::Error> {
    let text = result.map_err(into_error)?;
    js_sys::JSON::parse(&text).map_err(|_| into_error(Error::new("result", "internal", "unreadable JSON")))
}

// Phone

/// Normalises `number` to E.164, reading national formats with the default `country` (ISO 3166 alpha-2).
#[wasm_bindgen(unchecked_return_type = "Normalized")]
pub fn normalize(
    #[wasm_bindgen(unchecked_param_type = "string")] number: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] country: JsValue,
) -> Result<JsValue, js_sys::Error> {
    out(exports::normalize(&args(&[("number", &number), ("country", &country)])?))
}

/// Normalises a list of numbers with one default `country` in one call; bad entries are reported as values
/// (`{ error }` with field `numbers[i]`), so bulk imports neither stop at the first one nor pay for exceptions.
#[wasm_bindgen(js_name = normalizeMany, unchecked_return_type = "Array<{ ok: Normalized } | { error: Problem }>")]
pub fn normalize_many(
    #[wasm_bindgen(unchecked_param_type = "string[]")] numbers: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] country: JsValue,
) -> Result<JsValue, js_sys::Error> {
    out(exports::normalize_many(&args(&[("numbers", &numbers), ("country", &country)])?))
}

// Policy (caller-ID privacy and screening)

#[wasm_bindgen(typescript_custom_section)]
const POLICY_TS_TYPES: &'static str = r#"
/** Which parts of the caller ID are anonymised when privacy is requested. */
export type PrivacyMode = "kazoo" | "hide_name" | "hide_number" | "sip";
/** The policy document as written (optional fields take their documented defaults). */
export interface PolicyInput {
  system?: {
    privacy_mode?: PrivacyMode | null;
    anonymous_name?: string;
    anonymous_number?: string;
    privacy_feature_codes?: string[];
    /** ISO country (or "default") -> emergency numbers; replaces that country's built-in list. */
    emergency_numbers?: Record<string, string[]>;
    block_anonymous_caller_id?: boolean;
    check_additional_anonymous_cid_names?: boolean;
    anonymous_cid_names?: string[];
    check_additional_anonymous_cid_numbers?: boolean;
    anonymous_cid_numbers?: string[];
    /** STIR/SHAKEN: PEM trust anchors and the iat freshness window (default 60 s). */
    stir_shaken?: { trust_anchors?: string[]; max_age_seconds?: number };
    /** Peers whose identity headers are believed: each a peer id or an IPv4/IPv6 address or CIDR block. */
    trusted_peers?: Array<{ peer: string; label?: string } | { address: string; label?: string }>;
  };
  accounts?: Array<{
    id: string;
    country: string;
    privacy_mode?: PrivacyMode | null;
    anonymous_name?: string | null;
    anonymous_number?: string | null;
    block_anonymous_caller_id?: boolean | null;
    /** Ids of the active blocklists, consulted in this order. */
    blocklists?: string[];
    /** Caller-ID rewrite rules (Asterisk-style pattern), first match wins. */
    in_callerid?: Array<{ match: string; strip?: number; add?: string }>;
    allowlist?: { numbers?: NumberEntryInput[]; prefixes?: PrefixEntryInput[] };
    users?: Array<{ id: string; blocklist?: Array<{ id: string; number: string; label?: string | null }> }>;
    /** What to do with each STIR/SHAKEN outcome (default allow). */
    stir_shaken?: Partial<Record<StirOutcome, StirActionInput>>;
  }>;
  resources?: Array<{ id: string; privacy_mode?: PrivacyMode | null; trusted?: boolean | null;
    gateways?: Array<{ id: string; privacy_mode?: PrivacyMode | null; trusted?: boolean | null }> }>;
  blocklists?: Array<{
    id: string;
    name: string;
    /** Reads national-format entries; defaults to the one country of the accounts selecting the list. */
    country?: string | null;
    numbers?: NumberEntryInput[];
    prefixes?: PrefixEntryInput[];
    block_anonymous?: boolean;
  }>;
  /** Owned by the number-masking module. */
  masking?: unknown;
}
/** A STIR/SHAKEN verification outcome: the name of the account rule that applies. */
export type StirOutcome = "attestation_a" | "attestation_b" | "attestation_c" | "failed" | "missing" | "orig_tn_mismatch";
/** "allow", "reject" (608), or an object with the code or the mark. */
export type StirActionInput = "allow" | "reject" | { action: "allow" } | { action: "reject"; code?: number } | { action: "mark"; mark: string };
/** What STIR/SHAKEN says about a call. */
export interface StirVerification {
  outcome: StirOutcome;
  reason: string;
  detail: string;
  attestation: "A" | "B" | "C" | null;
  signature_verified: boolean;
  verstat: string | null;
  orig_tn: string | null;
  dest_tn: string[];
  iat: number | null;
  origid: string | null;
  x5u: string | null;
}
/** A listed number: any format the list's country reads, optionally labelled. */
export type NumberEntryInput = string | { number: string; label?: string | null };
/** A listed prefix, in international form ("+1900"), optionally labelled. */
export type PrefixEntryInput = string | { prefix: string; label?: string | null };
export interface NumberEntry { number: string; e164: string; label: string | null; }
export interface PrefixEntry { prefix: string; e164_prefix: string; label: string | null; }
/** The validated policy, defaults filled in, entries normalised. */
export interface Policy {
  system: {
    privacy_mode: PrivacyMode | null;
    anonymous_name: string;
    anonymous_number: string;
    privacy_feature_codes: string[];
    emergency_numbers: Record<string, string[]>;
    block_anonymous_caller_id: boolean;
    check_additional_anonymous_cid_names: boolean;
    anonymous_cid_names: string[];
    check_additional_anonymous_cid_numbers: boolean;
    anonymous_cid_numbers: string[];
    stir_shaken: { trust_anchors: Array<{ subject: string; not_before: number; not_after: number }>; max_age_seconds: number };
    /** Absent when empty. */
    trusted_peers?: Array<{ peer: string | null; address: string | null; label: string | null }>;
  };
  accounts: Array<{
    id: string; country: string; privacy_mode: PrivacyMode | null; anonymous_name: string | null; anonymous_number: string | null;
    block_anonymous_caller_id: boolean | null;
    blocklists: string[];
    in_callerid: Array<{ match: string; strip: number; add: string }>;
    allowlist: { numbers: NumberEntry[]; prefixes: PrefixEntry[] };
    users: Array<{ id: string; blocklist: Array<{ id: string; number: string; e164: string; label: string | null }> }>;
    stir_shaken?: Record<StirOutcome, { action: "allow" } | { action: "reject"; code: number } | { action: "mark"; mark: string }>;
  }>;
  resources: Array<{ id: string; privacy_mode: PrivacyMode | null; trusted?: boolean;
    gateways: Array<{ id: string; privacy_mode: PrivacyMode | null; trusted?: boolean }> }>;
  blocklists: Array<{ id: string; name: string; country: string | null; numbers: NumberEntry[]; prefixes: PrefixEntry[]; block_anonymous: boolean }>;
  masking?: unknown;
}
/** A call to decide. */
export interface CallEvent {
  direction: "inbound" | "outbound" | "internal";
  account: string;
  caller_name?: string;
  caller_number?: string;
  hide_name?: boolean;
  hide_number?: boolean;
  dialled_number?: string;
  /** Outbound only. */
  resource?: string;
  /** Outbound only, with its resource. */
  gateway?: string;
  /** Inbound and internal only. */
  destination_user?: string;
  sip?: {
    /** `Privacy` header value, e.g. "id;user". */
    privacy?: string;
    p_asserted_identity?: string;
    p_preferred_identity?: string;
    remote_party_id?: string;
    /** Asterisk presentation: a name such as "prohib_not_screened" or its number (0-3, 32-35, 64-67). */
    presentation?: string | number;
  };
  /** Where the call came from: its identity headers are believed only from a trusted peer. */
  source?: { peer?: string; address?: string };
  /** The STIR `Identity` header (RFC 8224), raw. */
  identity?: string;
  /** The `verstat` parameter of the PAI or From URI ("TN-Validation-Passed-A"). */
  verstat?: string;
  /** Unix seconds; required with `identity`. */
  now?: number;
  /** The certificates served at the PASSporT's x5u (PEM or base64 DER). */
  certificate_chain?: string[];
  /** Why the certificate could not be fetched. */
  certificate_error?: string;
}
/** An INVITE as a SIP server sees it: header values raw. */
export interface SipInvite {
  direction: "inbound" | "outbound" | "internal";
  account: string;
  user?: string;
  resource?: string;
  gateway?: string;
  source?: { peer?: string; address?: string };
  request_uri?: string;
  from: string;
  to?: string;
  p_asserted_identity?: string;
  p_preferred_identity?: string;
  remote_party_id?: string;
  privacy?: string;
  identity?: string;
}
/** What the SIP server does with the INVITE. */
export interface SipAnswer {
  action: "reject" | "continue";
  code: number | null;
  reason: string | null;
  prompt: "user-unreachable" | null;
  /** The From to present (display is a ready quoted-string), null to leave From as received. */
  from: { display: string; uri: string } | null;
  request_uri: string | null;
  /** Remove the headers in `remove` first, then set these. */
  set: Record<string, string>;
  remove: string[];
  trace: TraceStep[];
}
/** What one rule of a decision concluded (`trace::Outcome`). */
export type TraceOutcome =
  | "matched" | "not_matched" | "skipped" | "set" | "applied" | "kept" | "allowed" | "rejected"
  | "read" | "live" | "connect" | "enabled" | "closed" | "expired" | "none" | "conflict" | "audio" | "dial"
  | "open" | "pinned" | "picked" | "withheld" | "prompt" | "entered" | "accepted" | "retry" | "rate_limited"
  | "refused";
/** One line of a decision trace (privacy, screening, masking). */
export interface TraceStep { rule: string; outcome: TraceOutcome; detail: string; }
export interface SipIdentity { display: string | null; user: string | null; }
/** How a call's caller ID is presented. */
export interface Presentation {
  caller_name: string;
  caller_number: string;
  routed_number: string | null;
  privacy: {
    hide_name: boolean;
    hide_number: boolean;
    sources: Array<{ source: "flag" | "feature_code" | "sip_privacy" | "remote_party_id" | "presentation"; value: string; hide_name: boolean; hide_number: boolean }>;
  };
  anonymised: { name: boolean; number: boolean };
  mode: PrivacyMode;
  mode_from: { level: "gateway" | "resource" | "account" | "system" | "default"; id: string | null; resource: string | null };
  emergency: boolean;
  sip: { privacy_header: "id" | null; p_asserted_identity: SipIdentity | null; from_display: string; from_user: string };
}
/** The presentation of one call and the trace of every rule consulted. */
export interface PresentationDecision { presentation: Presentation; trace: TraceStep[]; }
/** The screening verdict of an inbound call. */
export interface Screening {
  action: "allow" | "reject";
  /** 433 anonymity disallowed, 603 decline; null when allowed. */
  sip_code: number | null;
  rule: "allowlist" | "anonymous" | "account_blocklist" | "prefix" | "user_blocklist" | "stir_shaken" | "no_match";
  /** Announcement to play before hanging up when answering instead of rejecting ("user-unreachable"). */
  prompt: "user-unreachable" | null;
  setting: "account.block_anonymous_caller_id" | "system.block_anonymous_caller_id" | null;
  list: { kind: "allowlist" | "blocklist" | "user_blocklist"; id: string; name: string | null } | null;
  entry: { id: string | null; written: string; e164: string; label: string | null } | null;
  caller: {
    number: string;
    source: "caller_number" | "p_asserted_identity" | "p_preferred_identity" | "remote_party_id" | null;
    rewritten: string | null;
    e164: string | null;
    anonymous: boolean;
    anonymous_because: string[];
  };
  stir_shaken?: StirVerification;
  /** The caller name prefixed by a STIR/SHAKEN mark rule. */
  marked_caller_name?: string;
}
/** The screening of one call (null when not inbound) and its trace. */
export interface ScreeningDecision { screening: Screening | null; trace: TraceStep[]; }
/** The whole decision for one call: one trace for privacy and screening. */
export interface Decision { presentation: Presentation; screening: Screening | null; trace: TraceStep[]; }
/** A list entry, checked and normalised. */
export interface NormalizedEntry { number: string; e164: string; region: string | null; valid: boolean; }
"#;

/// Validates a policy document; throws with every problem (`problems`), each with its JSON path.
#[wasm_bindgen(js_name = validatePolicy, unchecked_return_type = "Policy")]
pub fn validate_policy(
    #[wasm_bindgen(unchecked_param_type = "PolicyInput")] policy: JsValue,
) -> Result<JsValue, js_sys::Error> {
    out(exports::validate_policy(&args(&[("policy", &policy)])?))
}

/// Decides how a call's caller ID is presented under a policy (compiles the policy for this one call:
/// use `Engine` for many calls).
#[wasm_bindgen(js_name = decidePresentation, unchecked_return_type = "PresentationDecision")]
pub fn decide_presentation(
    #[wasm_bindgen(unchecked_param_type = "PolicyInput")] policy: JsValue,
    #[wasm_bindgen(unchecked_param_type = "CallEvent")] event: JsValue,
) -> Result<JsValue, js_sys::Error> {
    out(exports::decide_presentation(&args(&[("policy", &policy), ("event", &event)])?))
}

/// Screens an inbound call against a policy (null for other directions), with its trace.
#[wasm_bindgen(js_name = screenCall, unchecked_return_type = "ScreeningDecision")]
pub fn screen_call(
    #[wasm_bindgen(unchecked_param_type = "PolicyInput")] policy: JsValue,
    #[wasm_bindgen(unchecked_param_type = "CallEvent")] event: JsValue,
) -> Result<JsValue, js_sys::Error> {
    out(exports::screen_call(&args(&[("policy", &policy), ("event", &event)])?))
}

/// Decides a call under a policy (compiles the policy for this one call: use `Engine` for many calls).
#[wasm_bindgen(unchecked_return_type = "Decision")]
pub fn decide(
    #[wasm_bindgen(unchecked_param_type = "PolicyInput")] policy: JsValue,
    #[wasm_bindgen(unchecked_param_type = "CallEvent")] event: JsValue,
) -> Result<JsValue, js_sys::Error> {
    out(exports::decide(&args(&[("policy", &policy), ("event", &event)])?))
}

/// Checks and normalises a list entry, reading national formats with `country` (null: +E.164 only), by the
/// rules of its kind of list (`"blocklist"`, the default, or `"user"`: +E.164 only, no zero number).
#[wasm_bindgen(js_name = normalizeEntry, unchecked_return_type = "NormalizedEntry")]
pub fn normalize_entry(
    #[wasm_bindgen(unchecked_param_type = "string")] number: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string | null")] country: JsValue,
    list: Option<JsValue>,
) -> Result<JsValue, js_sys::Error> {
    let list = list.unwrap_or(JsValue::NULL);
    out(exports::normalize_entry(&args(&[("number", &number), ("country", &country), ("list", &list)])?))
}

/// The certificate URL of a STIR `Identity` header (the PASSporT's `x5u`, else `info`), or null: what the
/// worker fetches before deciding. Never throws for a malformed header (verification reports it).
#[wasm_bindgen(js_name = identityX5u, unchecked_return_type = "string | null")]
pub fn identity_x5u(
    #[wasm_bindgen(unchecked_param_type = "string")] identity: JsValue,
) -> Result<JsValue, js_sys::Error> {
    out(exports::identity_x5u(&args(&[("identity", &identity)])?))
}

/// A policy compiled once (validation and indexes), deciding any number of calls.
#[wasm_bindgen(js_name = Engine)]
pub struct WasmEngine(crate::Engine);

#[wasm_bindgen(js_class = Engine)]
impl WasmEngine {
    /// Validates and compiles `policy`; throws with every problem.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "PolicyInput")] policy: JsValue,
    ) -> Result<WasmEngine, js_sys::Error> {
        Ok(WasmEngine(exports::engine(&args(&[("policy", &policy)])?).map_err(into_error)?))
    }

    /// Decides one call.
    #[wasm_bindgen(unchecked_return_type = "Decision")]
    pub fn decide(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CallEvent")] event: JsValue,
    ) -> Result<JsValue, js_sys::Error> {
        out(exports::engine_decide(&self.0, &args(&[("event", &event)])?))
    }

    /// The lists and keys storage must fetch rows for to decide `event` (docs/blocklists.md).
    #[wasm_bindgen(js_name = lookupKeys, unchecked_return_type = "LookupKeys")]
    pub fn lookup_keys(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CallEvent")] event: JsValue,
    ) -> Result<JsValue, js_sys::Error> {
        out(exports::engine_lookup_keys(&self.0, &args(&[("event", &event)])?))
    }

    /// Decides one call from the rows fetched under its lookup keys (same answer as a document carrying
    /// the whole lists).
    #[wasm_bindgen(js_name = decideRows, unchecked_return_type = "Decision")]
    pub fn decide_rows(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CallEvent")] event: JsValue,
        #[wasm_bindgen(unchecked_param_type = "ListRow[]")] rows: JsValue,
    ) -> Result<JsValue, js_sys::Error> {
        out(exports::engine_decide_rows(&self.0, &args(&[("event", &event), ("rows", &rows)])?))
    }

    /// Answers an INVITE as a SIP server applies it: reject (code, reason) or continue (From, headers to set
    /// and remove, Request-URI), with the trace.
    #[wasm_bindgen(js_name = decideInvite, unchecked_return_type = "SipAnswer")]
    pub fn decide_invite(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SipInvite")] invite: JsValue,
    ) -> Result<JsValue, js_sys::Error> {
        out(exports::engine_decide_invite(&self.0, &args(&[("invite", &invite)])?))
    }

    /// [`decide_invite`](Self::decide_invite) as `key=value` lines, for a SIP server without a JSON parser.
    #[wasm_bindgen(js_name = decideInviteFlat, unchecked_return_type = "string")]
    pub fn decide_invite_flat(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SipInvite")] invite: JsValue,
    ) -> Result<JsValue, js_sys::Error> {
        out(exports::engine_decide_invite_flat(&self.0, &args(&[("invite", &invite)])?))
    }

    /// The lookup keys of an INVITE's call, when lists are stored as rows (docs/blocklists.md).
    #[wasm_bindgen(js_name = inviteLookupKeys, unchecked_return_type = "LookupKeys")]
    pub fn invite_lookup_keys(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SipInvite")] invite: JsValue,
    ) -> Result<JsValue, js_sys::Error> {
        out(exports::engine_invite_lookup_keys(&self.0, &args(&[("invite", &invite)])?))
    }

    /// [`decide_invite`](Self::decide_invite) from the rows fetched under the INVITE's lookup keys.
    #[wasm_bindgen(js_name = decideInviteRows, unchecked_return_type = "SipAnswer")]
    pub fn decide_invite_rows(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SipInvite")] invite: JsValue,
        #[wasm_bindgen(unchecked_param_type = "ListRow[]")] rows: JsValue,
    ) -> Result<JsValue, js_sys::Error> {
        out(exports::engine_decide_invite_rows(
            &self.0,
            &args(&[("invite", &invite), ("rows", &rows)])?,
            false,
        ))
    }

    /// [`decide_invite_rows`](Self::decide_invite_rows) as `key=value` lines.
    #[wasm_bindgen(js_name = decideInviteRowsFlat, unchecked_return_type = "string")]
    pub fn decide_invite_rows_flat(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SipInvite")] invite: JsValue,
        #[wasm_bindgen(unchecked_param_type = "ListRow[]")] rows: JsValue,
    ) -> Result<JsValue, js_sys::Error> {
        out(exports::engine_decide_invite_rows(
            &self.0,
            &args(&[("invite", &invite), ("rows", &rows)])?,
            true,
        ))
    }
}

#[wasm_bindgen(typescript_custom_section)]
const LIST_TS_TYPES: &'static str = r#"
/** A stored list entry: list is "blocklist:<id>", "allowlist:<account>" or "user:<user>". */
export interface ListRow { list: string; kind: "number" | "prefix"; e164: string; written: string; label?: string | null; id?: string | null; }
/** What storage fetches for one call: the rows of `lists` whose key is in `keys`. */
export interface LookupKeys { lists: string[]; caller: string | null; keys: string[]; }
/** How `parseImport` reads a batch of lines. */
export interface ImportOptions { format: "csv" | "ndjson"; header?: string | null; country?: string | null; list?: "blocklist" | "user"; first_line: number; }
export interface ImportBatch { entries: Array<{ line: number; kind: "number" | "prefix"; e164: string; written: string; label: string | null }>; problems: Array<{ line: number; field: string; code: string; message: string }>; }
/** A policy document split into settings and rows. */
export interface SplitPolicy { settings: PolicyInput; rows: ListRow[]; replaced: string[]; }
"#;

/// Parses a batch of import lines (CSV with its header line, or NDJSON) into normalised entries and
/// problems by line (docs/blocklists.md, "Import").
#[wasm_bindgen(js_name = parseImport, unchecked_return_type = "ImportBatch")]
pub fn parse_import(
    #[wasm_bindgen(unchecked_param_type = "ImportOptions")] options: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string[]")] lines: JsValue,
) -> Result<JsValue, js_sys::Error> {
    out(exports::parse_import(&args(&[("options", &options), ("lines", &lines)])?))
}

/// Checks a prefix (+ and 1 to 15 digits, separators ignored): `{ prefix, e164_prefix }`.
#[wasm_bindgen(js_name = normalizePrefix, unchecked_return_type = "{ prefix: string; e164_prefix: string }")]
pub fn normalize_prefix(
    #[wasm_bindgen(unchecked_param_type = "string")] prefix: JsValue,
) -> Result<JsValue, js_sys::Error> {
    out(exports::normalize_prefix(&args(&[("prefix", &prefix)])?))
}

/// Validates a policy document and splits it into settings and list rows (how older documents carrying
/// lists are migrated into rows).
#[wasm_bindgen(js_name = splitPolicy, unchecked_return_type = "SplitPolicy")]
pub fn split_policy(
    #[wasm_bindgen(unchecked_param_type = "PolicyInput")] policy: JsValue,
) -> Result<JsValue, js_sys::Error> {
    out(exports::split_policy(&args(&[("policy", &policy)])?))
}

// Masking
mod masking;
// The console: what-if replay, the pool's states over time
mod console;
