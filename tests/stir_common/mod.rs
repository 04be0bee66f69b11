//! A test PKI for STIR/SHAKEN, generated in the tests: P-256 keys from fixed seeds (deterministic keys and,
//! with RFC 6979, deterministic signatures, so the same certificates come out on every run and no random
//! source is needed), certificates built field by field with `x509-cert`, PASSporTs signed with ES256.

#![allow(dead_code)]

use base64ct::{Base64UrlUnpadded, Encoding};
use der::asn1::{BitString, GeneralizedTime, ObjectIdentifier, OctetString, UtcTime};
use der::{Any, Encode};
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use std::str::FromStr;
use std::time::Duration;
use x509_cert::ext::pkix::BasicConstraints;
use x509_cert::ext::Extension;
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use x509_cert::time::{Time, Validity};
use x509_cert::{Certificate, TbsCertificate, Version};

const ECDSA_WITH_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const PRIME256V1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const BASIC_CONSTRAINTS: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.19");

/// 2024-01-01T00:00:00Z.
pub const NOT_BEFORE: u64 = 1_704_067_200;
/// 2099-12-31T23:59:59Z.
pub const NOT_AFTER: u64 = 4_102_444_799;
/// The `now` of the shared vectors: 2025-12-04T00:00:00Z.
pub const NOW: u64 = 1_764_806_400;

/// A P-256 key from a fixed seed.
pub fn key(seed: u8) -> SigningKey {
    let mut bytes = [seed; 32];
    bytes[0] = 0x01; // keep the scalar well below the group order
    SigningKey::from_bytes(&bytes.into()).expect("a valid scalar")
}

fn time(t: u64) -> Time {
    let d = Duration::from_secs(t);
    if t < 2_524_608_000 {
        Time::UtcTime(UtcTime::from_unix_duration(d).unwrap())
    } else {
        Time::GeneralTime(GeneralizedTime::from_unix_duration(d).unwrap())
    }
}

/// A certificate for `subject_key`'s public key, signed by `issuer_key` (DER).
#[allow(clippy::too_many_arguments)]
pub fn cert(
    serial: u8,
    subject: &str,
    issuer: &str,
    subject_key: &SigningKey,
    issuer_key: &SigningKey,
    not_before: u64,
    not_after: u64,
    ca: bool,
) -> Vec<u8> {
    let alg = AlgorithmIdentifierOwned { oid: ECDSA_WITH_SHA256, parameters: None };
    let point = subject_key.verifying_key().to_encoded_point(false);
    let spki = SubjectPublicKeyInfoOwned {
        algorithm: AlgorithmIdentifierOwned { oid: EC_PUBLIC_KEY, parameters: Some(Any::from(&PRIME256V1)) },
        subject_public_key: BitString::from_bytes(point.as_bytes()).unwrap(),
    };
    let bc = BasicConstraints { ca, path_len_constraint: None }.to_der().unwrap();
    let tbs = TbsCertificate {
        version: Version::V3,
        serial_number: SerialNumber::new(&[serial]).unwrap(),
        signature: alg.clone(),
        issuer: Name::from_str(issuer).unwrap(),
        validity: Validity { not_before: time(not_before), not_after: time(not_after) },
        subject: Name::from_str(subject).unwrap(),
        subject_public_key_info: spki,
        issuer_unique_id: None,
        subject_unique_id: None,
        extensions: Some(vec![Extension {
            extn_id: BASIC_CONSTRAINTS,
            critical: true,
            extn_value: OctetString::new(bc).unwrap(),
        }]),
    };
    let sig: Signature = issuer_key.sign(&tbs.to_der().unwrap());
    Certificate {
        tbs_certificate: tbs,
        signature_algorithm: alg,
        signature: BitString::from_bytes(sig.to_der().as_bytes()).unwrap(),
    }
    .to_der()
    .unwrap()
}

/// PEM text of a DER certificate.
pub fn pem(der: &[u8]) -> String {
    let b64 = base64ct::Base64::encode_string(der);
    let lines: Vec<&str> = b64.as_bytes().chunks(64).map(|c| std::str::from_utf8(c).unwrap()).collect();
    format!("-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n", lines.join("\n"))
}

/// The test PKI: a root (the trust anchor), an intermediate CA, a signing certificate, an expired signing
/// certificate, and a second root nobody trusts with a signing certificate under it.
pub struct Pki {
    pub root: Vec<u8>,
    pub intermediate: Vec<u8>,
    pub leaf_key: SigningKey,
    pub leaf: Vec<u8>,
    pub expired_leaf: Vec<u8>,
    pub rogue_root: Vec<u8>,
    pub rogue_leaf: Vec<u8>,
}

pub fn pki() -> Pki {
    let (root_key, inter_key, leaf_key, rogue_key) = (key(1), key(2), key(3), key(4));
    let root_name = "CN=cidguard test STI-CA root,O=cidguard tests";
    let inter_name = "CN=cidguard test STI-CA intermediate,O=cidguard tests";
    let leaf_name = "CN=SHAKEN 1234,O=Test Carrier";
    let rogue_name = "CN=Unknown STI-CA,O=Nobody";
    Pki {
        root: cert(1, root_name, root_name, &root_key, &root_key, NOT_BEFORE, NOT_AFTER, true),
        intermediate: cert(2, inter_name, root_name, &inter_key, &root_key, NOT_BEFORE, NOT_AFTER, true),
        leaf: cert(3, leaf_name, inter_name, &leaf_key, &inter_key, NOT_BEFORE, NOT_AFTER, false),
        // Valid during 2020 only.
        expired_leaf: cert(
            4,
            leaf_name,
            inter_name,
            &leaf_key,
            &inter_key,
            1_577_836_800,
            1_609_459_199,
            false,
        ),
        rogue_root: cert(5, rogue_name, rogue_name, &rogue_key, &rogue_key, NOT_BEFORE, NOT_AFTER, true),
        rogue_leaf: cert(6, leaf_name, rogue_name, &leaf_key, &rogue_key, NOT_BEFORE, NOT_AFTER, false),
        leaf_key,
    }
}

/// A signed SHAKEN PASSporT in an `Identity` header: `<jws>;info=<x5u>;alg=ES256;ppt=shaken`.
pub fn identity(key: &SigningKey, x5u: &str, attest: &str, orig: &str, dest: &str, iat: u64) -> String {
    let header = format!(r#"{{"alg":"ES256","ppt":"shaken","typ":"passport","x5u":"{x5u}"}}"#);
    let claims = format!(
        r#"{{"attest":"{attest}","dest":{{"tn":["{dest}"]}},"iat":{iat},"orig":{{"tn":"{orig}"}},"origid":"123e4567-e89b-12d3-a456-426655440000"}}"#
    );
    let input = format!(
        "{}.{}",
        Base64UrlUnpadded::encode_string(header.as_bytes()),
        Base64UrlUnpadded::encode_string(claims.as_bytes())
    );
    let sig: Signature = key.sign(input.as_bytes());
    format!("{input}.{};info=<{x5u}>;alg=ES256;ppt=shaken", Base64UrlUnpadded::encode_string(&sig.to_bytes()))
}

/// The signing key as a JWK (for the worker test, which signs fresh PASSporTs with WebCrypto).
pub fn jwk(key: &SigningKey) -> String {
    let point = key.verifying_key().to_encoded_point(false);
    let b64 = |b: &[u8]| Base64UrlUnpadded::encode_string(b);
    format!(
        "{{\"kty\":\"EC\",\"crv\":\"P-256\",\"d\":\"{}\",\"x\":\"{}\",\"y\":\"{}\"}}\n",
        b64(&key.to_bytes()),
        b64(point.x().unwrap()),
        b64(point.y().unwrap())
    )
}
