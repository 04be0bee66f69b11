//! STIR/SHAKEN verification against a test CA generated here (tests/stir_common): a PASSporT signed by it
//! verifies; a tampered one, an expired certificate, a chain to an unknown anchor and a wrong `orig.tn` are
//! refused, each with its reason in the trace. The same PKI produces tests/fixtures/stir/ (served by the
//! worker test at an x5u URL) and the arguments of tests/vectors/stir.json (checked here to be exactly what
//! it generates; `STIR_WRITE=1 cargo test --test stir` rewrites both).

mod stir_common;

use cidguard::screening::{Action, Rule, Screening};
use cidguard::Engine;
use serde_json::{json, Value};
use stir_common::{identity, jwk, pem, pki, Pki, NOW};

const X5U: &str = "https://cert.example.org/shaken.pem";
const CALLER: &str = "+12025550100";

fn policy(p: &Pki, rules: Value) -> Value {
    json!({
        "system": {"stir_shaken": {"trust_anchors": [pem(&p.root)], "max_age_seconds": 60}},
        "accounts": [{"id": "acc-us", "country": "US", "blocklists": ["spam"], "stir_shaken": rules,
                      "allowlist": {"numbers": ["+12025550111"]}}],
        "blocklists": [{"id": "spam", "name": "Spam", "numbers": ["+12025550122"]}]
    })
}

fn strict_rules() -> Value {
    json!({
        "attestation_a": {"action": "mark", "mark": "Verified "},
        "attestation_b": "allow",
        "attestation_c": {"action": "mark", "mark": "SPAM? "},
        "failed": "reject",
        "missing": "allow",
        "orig_tn_mismatch": {"action": "reject", "code": 603}
    })
}

fn chain(p: &Pki) -> String {
    format!("{}{}", pem(&p.leaf), pem(&p.intermediate))
}

fn event(identity: Option<String>, chain: Option<String>, caller: &str) -> Value {
    let mut e = json!({"direction": "inbound", "account": "acc-us", "caller_name": "Alice", "caller_number": caller, "now": NOW});
    if let Some(i) = identity {
        e["identity"] = json!(i);
    }
    if let Some(c) = chain {
        e["certificate_chain"] = json!([c]);
    }
    e
}

fn screen(policy: &Value, event: &Value) -> Screening {
    Engine::new(policy).unwrap().screen_json(event).unwrap().screening.unwrap()
}

fn signed(p: &Pki, attest: &str, orig: &str, iat: u64) -> String {
    identity(&p.leaf_key, X5U, attest, orig, "12025550199", iat)
}

#[test]
fn a_passport_signed_by_the_test_ca_verifies() {
    let p = pki();
    let s = screen(
        &policy(&p, strict_rules()),
        &event(Some(signed(&p, "A", "12025550100", NOW - 5)), Some(chain(&p)), CALLER),
    );
    let v = s.stir_shaken.as_ref().unwrap();
    assert_eq!(
        (v.outcome, v.reason, v.attestation, v.signature_verified),
        ("attestation_a", "verified", Some("A"), true)
    );
    assert_eq!(s.action, Action::Allow);
    assert_eq!(s.marked_caller_name.as_deref(), Some("Verified Alice"));
    for (attest, outcome) in [("B", "attestation_b"), ("C", "attestation_c")] {
        let s = screen(
            &policy(&p, strict_rules()),
            &event(Some(signed(&p, attest, "12025550100", NOW)), Some(chain(&p)), CALLER),
        );
        assert_eq!(s.stir_shaken.unwrap().outcome, outcome);
    }
}

#[test]
fn a_tampered_passport_is_refused() {
    let p = pki();
    let good = signed(&p, "A", "12025550100", NOW);
    // Re-encode the claims with another orig.tn, keeping the original signature.
    let (jws, params) = good.split_once(';').unwrap();
    let parts: Vec<&str> = jws.split('.').collect();
    use base64ct::{Base64UrlUnpadded, Encoding};
    let claims = String::from_utf8(Base64UrlUnpadded::decode_vec(parts[1]).unwrap()).unwrap();
    let forged = Base64UrlUnpadded::encode_string(claims.replace("12025550100", "12025550177").as_bytes());
    let tampered = format!("{}.{forged}.{};{params}", parts[0], parts[2]);
    let s = screen(&policy(&p, strict_rules()), &event(Some(tampered), Some(chain(&p)), "+12025550177"));
    let v = s.stir_shaken.as_ref().unwrap();
    assert_eq!((v.outcome, v.reason, v.signature_verified), ("failed", "bad_signature", false));
    assert_eq!((s.action, s.rule, s.sip_code), (Action::Reject, Rule::StirShaken, Some(608)));
}

#[test]
fn an_expired_certificate_is_refused() {
    let p = pki();
    let expired = format!("{}{}", pem(&p.expired_leaf), pem(&p.intermediate));
    let s = screen(
        &policy(&p, strict_rules()),
        &event(Some(signed(&p, "A", "12025550100", NOW)), Some(expired), CALLER),
    );
    let v = s.stir_shaken.unwrap();
    assert_eq!((v.outcome, v.reason), ("failed", "expired_certificate"));
    assert!(v.detail.contains("expired at 1609459199"), "{}", v.detail);
}

#[test]
fn a_wrong_orig_tn_is_refused() {
    let p = pki();
    let s = screen(
        &policy(&p, strict_rules()),
        &event(Some(signed(&p, "A", "12025550100", NOW)), Some(chain(&p)), "+12025550133"),
    );
    let v = s.stir_shaken.as_ref().unwrap();
    assert_eq!((v.outcome, v.reason, v.signature_verified), ("orig_tn_mismatch", "orig_tn_mismatch", true));
    assert_eq!((s.action, s.rule, s.sip_code), (Action::Reject, Rule::StirShaken, Some(603)));
}

#[test]
fn a_chain_to_an_unknown_anchor_is_refused() {
    let p = pki();
    let rogue = format!("{}{}", pem(&p.rogue_leaf), pem(&p.rogue_root));
    let s = screen(
        &policy(&p, strict_rules()),
        &event(Some(signed(&p, "A", "12025550100", NOW)), Some(rogue), CALLER),
    );
    let v = s.stir_shaken.unwrap();
    assert_eq!((v.outcome, v.reason), ("failed", "untrusted_chain"));
}

#[test]
fn bad_inputs_are_outcomes_never_errors() {
    let p = pki();
    let pol = policy(&p, strict_rules());
    let cases = [
        (Some("not a passport;info=<https://x>".to_owned()), Some(chain(&p)), "malformed_identity"),
        (Some(signed(&p, "D", "12025550100", NOW)), Some(chain(&p)), "unknown_attest"),
        (Some(signed(&p, "A", "12025550100", NOW - 61)), Some(chain(&p)), "stale"),
        (
            Some(signed(&p, "A", "12025550100", NOW)),
            Some("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----".into()),
            "bad_certificate",
        ),
        (Some(signed(&p, "A", "12025550100", NOW)), Some("%%%".into()), "bad_certificate"),
    ];
    for (identity, chain, reason) in cases {
        let s = screen(&pol, &event(identity, chain, CALLER));
        let v = s.stir_shaken.unwrap();
        assert_eq!((v.outcome, v.reason), ("failed", reason), "{}", v.detail);
        assert_eq!(s.sip_code, Some(608));
    }
    // Without the certificate or without trust anchors, nothing is verified: `missing`, said why.
    let s = screen(&pol, &event(Some(signed(&p, "A", "12025550100", NOW)), None, CALLER));
    assert_eq!(s.stir_shaken.map(|v| (v.outcome, v.reason)), Some(("missing", "not_verifiable")));
}

#[test]
fn lists_take_precedence_over_stir_rules() {
    let p = pki();
    let pol = policy(&p, strict_rules());
    let bad = signed(&p, "A", "12025550100", NOW - 600);
    let s = screen(&pol, &event(Some(bad.clone()), Some(chain(&p)), "+12025550111"));
    assert_eq!((s.rule, s.action), (Rule::Allowlist, Action::Allow));
    assert_eq!(s.stir_shaken.unwrap().reason, "stale");
    let s = screen(&pol, &event(Some(bad), Some(chain(&p)), "+12025550122"));
    assert_eq!((s.rule, s.sip_code), (Rule::AccountBlocklist, Some(603)));
}

/// The shared vector cases: (name, policy, event). Their expected results live in the vector file.
fn vector_cases(p: &Pki) -> Vec<(String, Value, Value)> {
    let pol = policy(p, strict_rules());
    let no_anchor = {
        let mut x = pol.clone();
        x["system"]["stir_shaken"] = json!({"trust_anchors": [pem(&p.rogue_root)]});
        x
    };
    let good = |attest: &str| signed(p, attest, "12025550100", NOW - 5);
    let with = |e: Value, f: &dyn Fn(&mut Value)| {
        let mut e = e;
        f(&mut e);
        e
    };
    let mut cases = vec![
        ("verified A: marked Verified", pol.clone(), event(Some(good("A")), Some(chain(p)), CALLER)),
        ("verified B: allowed", pol.clone(), event(Some(good("B")), Some(chain(p)), CALLER)),
        ("verified C: marked SPAM?", pol.clone(), event(Some(good("C")), Some(chain(p)), CALLER)),
        ("wrong orig.tn: rejected 603", pol.clone(), event(Some(good("A")), Some(chain(p)), "+12025550133")),
        (
            "expired signing certificate: failed, 608",
            pol.clone(),
            event(Some(good("A")), Some(format!("{}{}", pem(&p.expired_leaf), pem(&p.intermediate))), CALLER),
        ),
        ("chain to an unknown anchor: failed", no_anchor, event(Some(good("A")), Some(chain(p)), CALLER)),
        (
            "stale iat (61 s): failed",
            pol.clone(),
            event(Some(signed(p, "A", "12025550100", NOW - 61)), Some(chain(p)), CALLER),
        ),
        (
            "unknown attest D: failed",
            pol.clone(),
            event(Some(signed(p, "D", "12025550100", NOW)), Some(chain(p)), CALLER),
        ),
        (
            "malformed Identity: failed",
            pol.clone(),
            event(Some("eyJhbGciOiJFUzI1NiJ9.e30;info=<https://x>".into()), None, CALLER),
        ),
        (
            "certificate that does not parse: failed",
            pol.clone(),
            event(
                Some(good("A")),
                Some("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----".into()),
                CALLER,
            ),
        ),
        (
            "certificate fetch failed: failed",
            pol.clone(),
            with(event(Some(good("A")), None, CALLER), &|e| {
                e["certificate_error"] = json!("timeout after 2000 ms")
            }),
        ),
        (
            "no certificate handed in: missing, not verified",
            pol.clone(),
            event(Some(good("A")), None, CALLER),
        ),
        ("no Identity, no verstat: missing, allowed", pol.clone(), event(None, None, CALLER)),
        (
            "verstat TN-Validation-Passed-B: attestation B",
            pol.clone(),
            with(event(None, None, CALLER), &|e| e["verstat"] = json!("TN-Validation-Passed-B")),
        ),
        (
            "verstat TN-Validation-Passed: A, marked",
            pol.clone(),
            with(event(None, None, CALLER), &|e| e["verstat"] = json!("TN-Validation-Passed")),
        ),
        (
            "verstat TN-Validation-Failed: rejected 608",
            pol.clone(),
            with(event(None, None, CALLER), &|e| e["verstat"] = json!("TN-Validation-Failed")),
        ),
        (
            "verstat No-TN-Validation: missing",
            pol.clone(),
            with(event(None, None, CALLER), &|e| e["verstat"] = json!("No-TN-Validation")),
        ),
        (
            "allowlist beats a failed verification",
            pol.clone(),
            event(Some(signed(p, "A", "12025550111", NOW - 600)), Some(chain(p)), "+12025550111"),
        ),
        (
            "blocklist beats a verified A",
            pol.clone(),
            event(Some(signed(p, "A", "12025550122", NOW)), Some(chain(p)), "+12025550122"),
        ),
    ];
    let mut missing_reject = pol.clone();
    missing_reject["accounts"][0]["stir_shaken"]["missing"] = json!({"action": "reject", "code": 608});
    cases.push((
        "missing with a reject rule: unsigned calls rejected 608",
        missing_reject,
        event(None, None, CALLER),
    ));
    // A signature with its first character changed.
    let tampered = good("A");
    let (jws, params) = tampered.split_once(';').unwrap();
    let (head, sig) = jws.rsplit_once('.').unwrap();
    let flipped = if sig.starts_with('A') { sig.replacen('A', "B", 1) } else { format!("A{}", &sig[1..]) };
    cases.push((
        "tampered signature: failed",
        pol.clone(),
        event(Some(format!("{head}.{flipped};{params}")), Some(chain(p)), CALLER),
    ));
    let mut no_now = event(Some(good("A")), None, CALLER);
    no_now.as_object_mut().unwrap().remove("now");
    cases.push(("identity without now is an input error", pol.clone(), no_now));
    let mut bad_rule = pol.clone();
    bad_rule["accounts"][0]["stir_shaken"]["failed"] = json!({"action": "reject", "code": 200});
    cases.push(("a rejection code must be 400-699", bad_rule, event(None, None, CALLER)));
    let mut bad_anchor = pol;
    bad_anchor["system"]["stir_shaken"]["trust_anchors"] = json!(["not a certificate"]);
    cases.push((
        "a trust anchor that is not a certificate is refused",
        bad_anchor,
        event(None, None, CALLER),
    ));
    cases.into_iter().map(|(n, p, e)| (n.to_owned(), p, e)).collect()
}

#[test]
fn fixtures_and_vectors_come_from_the_test_ca() {
    let p = pki();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let fixtures = [
        ("fixtures/stir/root.pem", pem(&p.root)),
        ("fixtures/stir/chain.pem", chain(&p)),
        ("fixtures/stir/rogue-chain.pem", format!("{}{}", pem(&p.rogue_leaf), pem(&p.rogue_root))),
        ("fixtures/stir/leaf.jwk", jwk(&p.leaf_key)),
    ];
    let cases = vector_cases(&p);
    let write = std::env::var("STIR_WRITE").is_ok();
    let vector_path = dir.join("vectors/stir.json");
    if write {
        for (f, text) in &fixtures {
            std::fs::write(dir.join(f), text).unwrap();
        }
        let cases: Vec<Value> = cases
            .iter()
            .map(|(name, pol, ev)| {
                let args = vec![pol.clone(), ev.clone()];
                let expect = match cidguard::exports::call("screenCall", &args) {
                    Ok(v) => json!({"ok": v}),
                    Err(e) => json!({"error": {"field": e.first().field, "code": e.first().code}}),
                };
                json!({"name": name, "args": args, "expect": expect})
            })
            .collect();
        let doc = json!({"function": "screenCall", "cases": cases});
        std::fs::write(&vector_path, serde_json::to_string_pretty(&doc).unwrap() + "\n").unwrap();
    }
    for (f, text) in &fixtures {
        assert_eq!(
            &std::fs::read_to_string(dir.join(f)).unwrap(),
            text,
            "{f} is not what the test CA generates"
        );
    }
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&vector_path).unwrap()).unwrap();
    let stored = doc["cases"].as_array().unwrap();
    assert_eq!(stored.len(), cases.len());
    for (s, (name, pol, ev)) in stored.iter().zip(&cases) {
        assert_eq!(s["name"], json!(name));
        assert_eq!(s["args"], json!([pol, ev]), "{name}: arguments differ from the test CA's");
    }
}
