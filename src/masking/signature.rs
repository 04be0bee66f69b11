//! Infobip's webhook `Authorization` header: `apiId:hex(sha256(webhookUrl + body + key))`.
//!
//! Verification works on the body text exactly as received, never on re-serialised JSON. For status messages
//! Infobip hashes the body without its `calculatedDuration`, `currency` and `pricePerSecond` members (seed 004);
//! [`status_signing_body`] removes those members from the received text and keeps everything else byte for
//! byte: member order, spacing, line breaks, even a repeated key. The digest comparison is constant-time.

use crate::error::Error;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The status-message members Infobip leaves out of the hashed body.
pub const UNSIGNED_STATUS_MEMBERS: [&str; 3] = ["calculatedDuration", "currency", "pricePerSecond"];

/// Which webhook a body was posted to: it decides which text is hashed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WebhookKind {
    /// The callback URL: the body is hashed as received.
    Callback,
    /// The status URL: the body is hashed without the [`UNSIGNED_STATUS_MEMBERS`].
    Status,
}

impl WebhookKind {
    /// Reads `callback` or `status`.
    pub fn parse(field: &str, s: &str) -> Result<WebhookKind, Error> {
        match s {
            "callback" => Ok(WebhookKind::Callback),
            "status" => Ok(WebhookKind::Status),
            other => Err(Error::new(
                field,
                "unknown_value",
                format!("{other:?} is not a webhook kind (callback, status)"),
            )),
        }
    }
}

/// The account's number-masking credentials (`POST /voice/masking/2/credentials`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub api_id: String,
    pub key: String,
}

impl Credentials {
    /// Checks both parts are present (Infobip: alphanumeric, at most 80 characters each).
    pub fn new(api_id: &str, key: &str) -> Result<Credentials, Error> {
        for (field, v) in [("apiId", api_id), ("key", key)] {
            if v.is_empty() {
                return Err(Error::new(field, "empty", "must not be empty"));
            }
            if v.contains(':') {
                return Err(Error::new(
                    field,
                    "invalid",
                    "must not contain ':' (it separates the header parts)",
                ));
            }
        }
        Ok(Credentials { api_id: api_id.to_owned(), key: key.to_owned() })
    }
}

/// A signed body: the header value and the exact text that was hashed between URL and key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Signed {
    /// The `Authorization` header value, `apiId:hexdigest`.
    pub authorization: String,
    /// The body as hashed (for status messages: without the unsigned members).
    pub signed_body: String,
}

/// A header that checked out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Verified {
    pub valid: bool,
    pub api_id: String,
    pub kind: WebhookKind,
}

/// The text Infobip hashes for a body posted to a webhook of `kind`.
pub fn signing_body(kind: WebhookKind, body: &str) -> Result<std::borrow::Cow<'_, str>, Error> {
    match kind {
        WebhookKind::Callback => Ok(std::borrow::Cow::Borrowed(body)),
        WebhookKind::Status => status_signing_body(body).map(std::borrow::Cow::Owned),
    }
}

fn digest(url: &str, signed_body: &str, key: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(url.as_bytes());
    h.update(signed_body.as_bytes());
    h.update(key.as_bytes());
    h.finalize().into()
}

/// Computes the `Authorization` header Infobip would send with `body` to `url` (the webhook URL exactly as
/// configured with Infobip, query string included).
pub fn sign(credentials: &Credentials, url: &str, body: &str, kind: WebhookKind) -> Result<Signed, Error> {
    let signed_body = signing_body(kind, body)?;
    let d = digest(url, &signed_body, &credentials.key);
    Ok(Signed {
        authorization: format!("{}:{}", credentials.api_id, hex(&d)),
        signed_body: signed_body.into_owned(),
    })
}

/// Checks the `Authorization` header of a webhook request; `Ok` only when the apiId is the account's and the
/// digest matches. Errors name the field `authorization` with codes `missing`, `malformed`, `wrong_api_id`,
/// `bad_signature` (or `body` when a status body is not a JSON object).
pub fn verify(
    credentials: &Credentials,
    url: &str,
    body: &str,
    kind: WebhookKind,
    authorization: &str,
) -> Result<Verified, Error> {
    let header = authorization.trim();
    if header.is_empty() {
        return Err(Error::new("authorization", "missing", "no Authorization header"));
    }
    let (api_id, hex_digest) = header
        .split_once(':')
        .ok_or_else(|| Error::new("authorization", "malformed", "expected apiId:hexdigest (no ':' found)"))?;
    let given = unhex32(hex_digest.trim())?;
    if api_id.trim() != credentials.api_id {
        return Err(Error::new("authorization", "wrong_api_id", "the apiId is not this account's"));
    }
    let expected = digest(url, &signing_body(kind, body)?, &credentials.key);
    if !constant_time_eq(&given, &expected) {
        return Err(Error::new(
            "authorization",
            "bad_signature",
            "the digest does not match this URL, body and key",
        ));
    }
    Ok(Verified { valid: true, api_id: credentials.api_id.clone(), kind })
}

/// Equal in time independent of where the inputs differ: every byte pair is XOR-folded.
fn constant_time_eq(a: &[u8; 32], b: &[u8; 32]) -> bool {
    let diff = a.iter().zip(b.iter()).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    s
}

/// Decodes 64 hex digits (either case) into a SHA-256 digest.
fn unhex32(s: &str) -> Result<[u8; 32], Error> {
    if s.len() != 64 {
        return Err(Error::new(
            "authorization",
            "malformed",
            format!("the digest must be 64 hex digits (SHA-256), got {} characters", s.chars().count()),
        ));
    }
    let mut out = [0u8; 32];
    for (o, pair) in out.iter_mut().zip(s.as_bytes().chunks_exact(2)) {
        let nibble = |c: u8| char::from(c).to_digit(16);
        match (pair.first().copied().and_then(nibble), pair.get(1).copied().and_then(nibble)) {
            (Some(h), Some(l)) => *o = (h * 16 + l) as u8,
            _ => return Err(Error::new("authorization", "malformed", "the digest is not hexadecimal")),
        }
    }
    Ok(out)
}

/// The status body as Infobip hashes it: the received text with every top-level `calculatedDuration`,
/// `currency` and `pricePerSecond` member removed together with the comma and whitespace that separate it
/// from the member before it (or, for a leading member, from the member after it). Everything else is kept
/// byte for byte.
pub fn status_signing_body(body: &str) -> Result<String, Error> {
    serde_json::from_str::<serde::de::IgnoredAny>(body)
        .map_err(|e| Error::new("body", "invalid_json", format!("not valid JSON: {e}")))?;
    let b = body.as_bytes();
    let not_object = || Error::new("body", "invalid_type", "a status message must be a JSON object");
    let open = skip_ws(b, 0);
    if b.get(open) != Some(&b'{') {
        return Err(not_object());
    }
    let mut out = String::with_capacity(body.len());
    let mut copied = open + 1; // everything before this index is decided (copied or dropped)
    out.push_str(body.get(..copied).unwrap_or(""));
    let mut kept_any = false;
    let mut at = skip_ws(b, copied);
    while b.get(at) == Some(&b'"') {
        let key_start = at;
        let key_end = skip_string(b, key_start);
        let colon = skip_ws(b, key_end);
        let value_start = skip_ws(b, colon + 1);
        let value_end = skip_value(b, value_start);
        let after = skip_ws(b, value_end);
        let more = b.get(after) == Some(&b',');
        let next = if more { skip_ws(b, after + 1) } else { after };
        let key = body.get(key_start..key_end).unwrap_or("");
        if is_unsigned_member(key) {
            if kept_any {
                copied = value_end; // drop ",<ws>member" after the previous kept value
            } else {
                out.push_str(body.get(copied..key_start).unwrap_or(""));
                copied = if more { next } else { value_end }; // drop "member,<ws>"
            }
        } else {
            out.push_str(body.get(copied..value_end).unwrap_or(""));
            copied = value_end;
            kept_any = true;
        }
        if !more {
            break;
        }
        at = next;
    }
    out.push_str(body.get(copied..).unwrap_or(""));
    Ok(out)
}

fn is_unsigned_member(quoted_key: &str) -> bool {
    let decoded: std::borrow::Cow<'_, str> = if quoted_key.contains('\\') {
        serde_json::from_str::<String>(quoted_key).map(Into::into).unwrap_or_default()
    } else {
        quoted_key.get(1..quoted_key.len().saturating_sub(1)).unwrap_or("").into()
    };
    UNSIGNED_STATUS_MEMBERS.contains(&decoded.as_ref())
}

// The scanners below run on text serde_json has already accepted as JSON, so they only find boundaries.

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// From the opening quote at `i`, the index just past the closing quote.
fn skip_string(b: &[u8], mut i: usize) -> usize {
    i += 1;
    while let Some(&c) = b.get(i) {
        match c {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    i
}

/// From the first byte of a value at `i`, the index just past it.
fn skip_value(b: &[u8], mut i: usize) -> usize {
    match b.get(i) {
        Some(b'"') => skip_string(b, i),
        Some(b'{') | Some(b'[') => {
            let mut depth = 0usize;
            while let Some(&c) = b.get(i) {
                match c {
                    b'"' => {
                        i = skip_string(b, i);
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            return i + 1;
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            i
        }
        _ => {
            while b.get(i).is_some_and(|c| !matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')) {
                i += 1;
            }
            i
        }
    }
}
