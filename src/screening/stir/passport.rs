//! The SIP `Identity` header (RFC 8224) and the SHAKEN PASSporT it carries (RFC 8225, RFC 8588): parsing
//! only. Every problem is a [`Fault`] with a stable reason code, which verification turns into an outcome;
//! nothing here panics or rejects the event.

use base64ct::{Base64UrlUnpadded, Encoding};
use serde_json::Value;

/// A parsed `Identity` header and its PASSporT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passport {
    /// `<header>.<payload>`, the bytes the signature covers.
    pub signing_input: String,
    /// The raw ES256 signature (r || s, 64 bytes).
    pub signature: Vec<u8>,
    /// The `info` parameter of the header (the certificate URL), without its angle brackets.
    pub info: Option<String>,
    /// The `x5u` of the PASSporT header.
    pub x5u: String,
    /// `A`, `B` or `C`.
    pub attest: &'static str,
    /// `orig.tn` as written.
    pub orig_tn: String,
    pub dest_tn: Vec<String>,
    pub iat: i64,
    pub origid: Option<String>,
}

/// Why an `Identity` header could not be read: a reason code and a detail for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// `malformed_identity`, `unsupported_passport` or `unknown_attest`.
    pub reason: &'static str,
    pub detail: String,
}

fn malformed(detail: impl Into<String>) -> Fault {
    Fault { reason: "malformed_identity", detail: detail.into() }
}

/// An `Identity` header split without decoding: the JWS, the `info` URL, the other parameters.
type Split<'h> = (&'h str, Option<String>, Vec<(String, String)>);

/// The header's parameters (`info`, `alg`, `ppt`) and the JWS, split without decoding.
fn split_header(header: &str) -> Result<Split<'_>, Fault> {
    let header = header.trim();
    let (jws, params) = header.split_once(';').unwrap_or((header, ""));
    let mut info = None;
    let mut others = Vec::new();
    for p in params.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let (name, value) = p.split_once('=').unwrap_or((p, ""));
        let name = name.trim().to_ascii_lowercase();
        let value = value.trim();
        if name == "info" {
            let url = value
                .strip_prefix('<')
                .and_then(|v| v.strip_suffix('>'))
                .ok_or_else(|| malformed(format!("info={value}: the URL must be in angle brackets")))?;
            info = Some(url.to_owned());
        } else {
            others.push((name, value.trim_matches('"').to_owned()));
        }
    }
    Ok((jws.trim(), info, others))
}

/// The certificate URL of an `Identity` header: the PASSporT's `x5u`, else the header's `info` parameter.
/// `None` when neither can be read (verification then says why).
pub fn x5u(header: &str) -> Option<String> {
    match parse(header) {
        Ok(p) => Some(p.x5u),
        Err(_) => split_header(header).ok().and_then(|(_, info, _)| info),
    }
}

fn b64_json(part: &str, what: &str) -> Result<Value, Fault> {
    let bytes = Base64UrlUnpadded::decode_vec(part)
        .map_err(|_| malformed(format!("the PASSporT {what} is not base64url")))?;
    serde_json::from_slice(&bytes).map_err(|_| malformed(format!("the PASSporT {what} is not JSON")))
}

/// Parses an `Identity` header value: `<jws>;info=<url>;alg=ES256;ppt=shaken`.
pub fn parse(header: &str) -> Result<Passport, Fault> {
    let (jws, info, params) = split_header(header)?;
    for (name, value) in &params {
        match name.as_str() {
            "alg" if value != "ES256" => {
                return Err(Fault {
                    reason: "unsupported_passport",
                    detail: format!("alg={value}: only ES256 is used by SHAKEN"),
                })
            }
            "ppt" if value != "shaken" => {
                return Err(Fault {
                    reason: "unsupported_passport",
                    detail: format!("ppt={value}: only shaken PASSporTs are read"),
                })
            }
            _ => {}
        }
    }
    let parts: Vec<&str> = jws.split('.').collect();
    let [h, p, s] = parts.as_slice() else {
        return Err(malformed(format!(
            "the PASSporT has {} parts, not header.payload.signature",
            parts.len()
        )));
    };
    if p.is_empty() {
        return Err(Fault {
            reason: "unsupported_passport",
            detail: "compact form (empty payload): the claims would have to be rebuilt from the SIP headers"
                .into(),
        });
    }
    let head = b64_json(h, "header")?;
    let claims = b64_json(p, "payload")?;
    let signature =
        Base64UrlUnpadded::decode_vec(s).map_err(|_| malformed("the PASSporT signature is not base64url"))?;
    match head.get("alg").and_then(Value::as_str) {
        Some("ES256") => {}
        other => {
            return Err(Fault {
                reason: "unsupported_passport",
                detail: format!("PASSporT alg {}: only ES256 is used by SHAKEN", other.unwrap_or("missing")),
            })
        }
    }
    if let Some(ppt) = head.get("ppt").and_then(Value::as_str) {
        if ppt != "shaken" {
            return Err(Fault {
                reason: "unsupported_passport",
                detail: format!("PASSporT ppt {ppt}: only shaken is read"),
            });
        }
    }
    let x5u = head
        .get("x5u")
        .and_then(Value::as_str)
        .ok_or_else(|| malformed("the PASSporT header has no x5u"))?
        .to_owned();
    let attest = match claims.get("attest").and_then(Value::as_str) {
        Some("A") => "A",
        Some("B") => "B",
        Some("C") => "C",
        Some(other) => {
            return Err(Fault {
                reason: "unknown_attest",
                detail: format!("attest {other:?}: expected A, B or C"),
            })
        }
        None => return Err(Fault { reason: "unknown_attest", detail: "no attest claim".into() }),
    };
    let orig_tn = claims
        .pointer("/orig/tn")
        .and_then(Value::as_str)
        .ok_or_else(|| malformed("no orig.tn claim"))?
        .to_owned();
    let dest_tn = match claims.pointer("/dest/tn") {
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
        Some(Value::String(s)) => vec![s.clone()],
        _ => return Err(malformed("no dest.tn claim")),
    };
    let iat = claims.get("iat").and_then(Value::as_i64).ok_or_else(|| malformed("no integer iat claim"))?;
    let origid = claims.get("origid").and_then(Value::as_str).map(str::to_owned);
    let signing_input = format!("{h}.{p}");
    Ok(Passport { signing_input, signature, info, x5u, attest, orig_tn, dest_tn, iat, origid })
}
