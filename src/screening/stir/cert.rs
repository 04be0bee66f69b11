//! X.509 certificates for STIR/SHAKEN: reading PEM or base64 DER, validity against `now`, and the chain from
//! the signing certificate to a trust anchor of the policy, with ECDSA P-256 / SHA-256 signatures only (the
//! one algorithm SHAKEN allows, ATIS-1000080). Pure: the certificates are handed in, never fetched.

use base64ct::Encoding;
use der::{Decode, Encode};
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{Signature, VerifyingKey};
use x509_cert::Certificate;

/// `ecdsa-with-SHA256` (RFC 5758).
const ECDSA_WITH_SHA256: der::asn1::ObjectIdentifier =
    der::asn1::ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
/// `id-ecPublicKey` (RFC 5480).
const EC_PUBLIC_KEY: der::asn1::ObjectIdentifier =
    der::asn1::ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
/// `basicConstraints` (RFC 5280 §4.2.1.9).
const BASIC_CONSTRAINTS: der::asn1::ObjectIdentifier = der::asn1::ObjectIdentifier::new_unwrap("2.5.29.19");

/// Most certificates read from one input (a SHAKEN x5u serves the signing certificate and its
/// intermediates; anything longer is refused rather than processed).
pub const MAX_CHAIN: usize = 5;

/// A parsed certificate with what verification needs.
#[derive(Debug, Clone)]
pub struct Cert {
    pub cert: Certificate,
    /// The certificate as DER (to recognise an anchor handed in the chain).
    pub der: Vec<u8>,
    /// The subject, as text for traces (its CN and O).
    pub subject: String,
    pub issuer: String,
    /// The subject and issuer names as DER, compared to link a chain.
    subject_name: Vec<u8>,
    issuer_name: Vec<u8>,
    pub not_before: u64,
    pub not_after: u64,
    /// The P-256 public key (`None` for another key type: such a certificate cannot sign a PASSporT).
    pub key: Option<VerifyingKey>,
    /// Whether `basicConstraints` says `cA: true`.
    pub is_ca: bool,
}

impl PartialEq for Cert {
    fn eq(&self, other: &Self) -> bool {
        self.der == other.der
    }
}

/// Reads every certificate of `text`: one or more PEM `CERTIFICATE` blocks, or one base64 DER certificate.
pub fn read_certs(text: &str) -> Result<Vec<Cert>, String> {
    const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
    const END: &str = "-----END CERTIFICATE-----";
    let mut out = Vec::new();
    if text.contains("-----BEGIN") {
        let mut rest = text;
        while let Some(start) = rest.find(BEGIN) {
            let after = rest.get(start + BEGIN.len()..).unwrap_or("");
            let end = after.find(END).ok_or("a PEM certificate without its END line")?;
            let body: String =
                after.get(..end).unwrap_or("").chars().filter(|c| !c.is_whitespace()).collect();
            out.push(body);
            rest = after.get(end + END.len()..).unwrap_or("");
        }
        if out.is_empty() {
            return Err("no PEM CERTIFICATE block".into());
        }
    } else {
        out.push(text.chars().filter(|c| !c.is_whitespace()).collect());
    }
    if out.len() > MAX_CHAIN {
        return Err(format!("{} certificates: at most {MAX_CHAIN} are read", out.len()));
    }
    out.iter()
        .enumerate()
        .map(|(i, b64)| {
            let der =
                base64ct::Base64::decode_vec(b64).map_err(|_| format!("certificate {i}: not base64"))?;
            parse_der(&der).map_err(|e| format!("certificate {i}: {e}"))
        })
        .collect()
}

/// Parses one DER certificate.
pub fn parse_der(der: &[u8]) -> Result<Cert, String> {
    let cert = Certificate::from_der(der).map_err(|e| format!("not an X.509 certificate ({e})"))?;
    let tbs = &cert.tbs_certificate;
    let spki = &tbs.subject_public_key_info;
    let key = (spki.algorithm.oid == EC_PUBLIC_KEY)
        .then(|| spki.subject_public_key.as_bytes().and_then(|b| VerifyingKey::from_sec1_bytes(b).ok()))
        .flatten();
    let is_ca = tbs
        .extensions
        .iter()
        .flatten()
        .find(|e| e.extn_id == BASIC_CONSTRAINTS)
        .and_then(|e| x509_cert::ext::pkix::BasicConstraints::from_der(e.extn_value.as_bytes()).ok())
        .is_some_and(|bc| bc.ca);
    Ok(Cert {
        der: der.to_vec(),
        subject: describe(&tbs.subject),
        issuer: describe(&tbs.issuer),
        subject_name: tbs.subject.to_der().map_err(|e| e.to_string())?,
        issuer_name: tbs.issuer.to_der().map_err(|e| e.to_string())?,
        not_before: tbs.validity.not_before.to_unix_duration().as_secs(),
        not_after: tbs.validity.not_after.to_unix_duration().as_secs(),
        key,
        is_ca,
        cert,
    })
}

/// A name as `CN=…,O=…` for traces. Written here rather than with the name's `Display`, which pulls in
/// the whole OID name database (tens of kilobytes of wasm) to print attributes no trace needs.
fn describe(name: &x509_cert::name::Name) -> String {
    const CN: der::asn1::ObjectIdentifier = der::asn1::ObjectIdentifier::new_unwrap("2.5.4.3");
    const O: der::asn1::ObjectIdentifier = der::asn1::ObjectIdentifier::new_unwrap("2.5.4.10");
    let mut parts = Vec::new();
    for (label, oid) in [("CN", CN), ("O", O)] {
        for atv in name.0.iter().flat_map(|rdn| rdn.0.iter()).filter(|a| a.oid == oid) {
            parts.push(format!("{label}={}", String::from_utf8_lossy(atv.value.value())));
        }
    }
    if parts.is_empty() {
        "(no CN or O)".to_owned()
    } else {
        parts.join(",")
    }
}

/// Why a chain is not trusted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainError {
    /// A certificate is outside its validity period (`expired_certificate`).
    Expired(String),
    /// A signature in the chain does not verify, or uses another algorithm (`bad_certificate`).
    BadSignature(String),
    /// The chain does not end at a trust anchor (`untrusted_chain`).
    Untrusted(String),
}

/// Checks that `chain` (signing certificate first) is valid at `now` and leads to one of `anchors`.
pub fn verify_chain(chain: &[Cert], anchors: &[Cert], now: u64) -> Result<(), ChainError> {
    for (i, c) in chain.iter().enumerate() {
        if now < c.not_before || now > c.not_after {
            let when = if now < c.not_before { "not valid before" } else { "expired at" };
            let at = if now < c.not_before { c.not_before } else { c.not_after };
            return Err(ChainError::Expired(format!(
                "certificate {i} ({}) {when} {at} (now {now})",
                c.subject
            )));
        }
        if anchors.contains(c) {
            return Ok(());
        }
        let issued = |issuer: &Cert| issuer.subject_name == c.issuer_name && issuer.is_ca;
        if let Some(anchor) = anchors.iter().find(|a| issued(a)) {
            return check_signed(c, anchor, i).and_then(|()| {
                if now < anchor.not_before || now > anchor.not_after {
                    Err(ChainError::Expired(format!(
                        "trust anchor {} is outside its validity (now {now})",
                        anchor.subject
                    )))
                } else {
                    Ok(())
                }
            });
        }
        match chain.get(i + 1) {
            Some(next) if issued(next) => check_signed(c, next, i)?,
            Some(next) if next.subject_name == c.issuer_name => {
                return Err(ChainError::Untrusted(format!(
                    "certificate {} ({}) is not a CA (basicConstraints cA is not true)",
                    i + 1,
                    next.subject
                )))
            }
            _ => {
                return Err(ChainError::Untrusted(format!(
                    "certificate {i} ({}) is issued by {}, which is not a trust anchor",
                    c.subject, c.issuer
                )))
            }
        }
    }
    Err(ChainError::Untrusted("empty certificate chain".into()))
}

/// Checks that `issuer` signed `cert` with ECDSA P-256 / SHA-256.
fn check_signed(cert: &Cert, issuer: &Cert, i: usize) -> Result<(), ChainError> {
    let bad = |why: &str| ChainError::BadSignature(format!("certificate {i} ({}): {why}", cert.subject));
    if cert.cert.signature_algorithm.oid != ECDSA_WITH_SHA256 {
        return Err(bad(&format!(
            "signed with {}, not ecdsa-with-SHA256",
            cert.cert.signature_algorithm.oid
        )));
    }
    let key = issuer.key.as_ref().ok_or_else(|| bad("its issuer has no P-256 key"))?;
    let sig = cert
        .cert
        .signature
        .as_bytes()
        .and_then(|b| Signature::from_der(b).ok())
        .ok_or_else(|| bad("unreadable signature"))?;
    let tbs = cert.cert.tbs_certificate.to_der().map_err(|_| bad("unreadable to-be-signed part"))?;
    key.verify(&tbs, &sig)
        .map_err(|_| bad(&format!("signature does not verify with the key of {}", issuer.subject)))
}
