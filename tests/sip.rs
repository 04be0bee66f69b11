//! The SIP-facing decision natively: answers ready to apply, the identity trust boundary, valid presented caller
//! IDs, and malformed headers named in the error. (The same behaviours run as shared vectors in every runtime,
//! tests/vectors/sip_*.json, and over real SIP through Kamailio, tests/sip/.)

use cidguard::sip::{decide_invite, SipAction};
use cidguard::Engine;
use serde_json::{json, Value};

fn policy() -> Value {
    json!({
        "system": {"trusted_peers": [{"address": "192.0.2.0/24", "label": "carrier SBCs"},
                                      {"address": "2001:db8:5::/48"}, {"peer": "kazoo-edge"}]},
        "accounts": [{"id": "acme", "country": "FR", "block_anonymous_caller_id": true, "blocklists": ["spam"],
                      "allowlist": {"numbers": ["+33639981234"]}}],
        "blocklists": [{"id": "spam", "name": "Spam", "numbers": ["+33899112233"]}],
        "resources": [{"id": "trusted-carrier", "trusted": true, "privacy_mode": "sip"},
                      {"id": "plain-carrier", "privacy_mode": "sip",
                       "gateways": [{"id": "gw-trusted", "trusted": true}]}]
    })
}

fn engine() -> Engine {
    Engine::new(&policy()).expect("valid policy")
}

fn inbound(extra: Value) -> Value {
    let mut r = json!({"direction": "inbound", "account": "acme", "request_uri": "sip:+33170369999@acme.test",
                       "from": "\"Anonymous\" <sip:anonymous@anonymous.invalid>;tag=1", "privacy": "id"});
    for (k, v) in extra.as_object().unwrap() {
        r[k] = v.clone();
    }
    r
}

fn outbound(extra: Value) -> Value {
    let mut r = json!({"direction": "outbound", "account": "acme", "resource": "plain-carrier",
                       "request_uri": "sip:*670170369999@carrier.example",
                       "from": "\"Alice Martin\" <sip:+33639981234@acme.test>;tag=9"});
    for (k, v) in extra.as_object().unwrap() {
        r[k] = v.clone();
    }
    r
}

#[test]
fn anonymous_caller_is_rejected_433_with_its_reason() {
    let a = decide_invite(&engine(), &inbound(json!({}))).unwrap();
    assert_eq!(a.action, SipAction::Reject);
    assert_eq!((a.code, a.reason), (Some(433), Some("Anonymity Disallowed")));
}

#[test]
fn blocklisted_caller_is_declined_603() {
    let a = decide_invite(
        &engine(),
        &inbound(json!({"from": "<sip:0899112233@carrier.example>", "privacy": null})),
    )
    .unwrap();
    assert_eq!((a.code, a.reason), (Some(603), Some("Decline")));
}

#[test]
fn forged_pai_from_an_untrusted_source_is_ignored_and_stripped() {
    let pai = json!({"p_asserted_identity": "<sip:+33639981234@carrier.example>"});
    for source in [json!(null), json!({"address": "203.0.113.7"}), json!({"peer": "someone"})] {
        let mut r = inbound(pai.clone());
        r["source"] = source.clone();
        let a = decide_invite(&engine(), &r).unwrap();
        assert_eq!(a.code, Some(433), "source {source}");
        let ignored = a.trace.of("trust.identity").next().expect("trace says the PAI was ignored");
        assert!(ignored.detail.contains("P-Asserted-Identity +33639981234 ignored"), "{}", ignored.detail);
    }
    // Allowed anyway (a plain caller), the untrusted identity headers are removed rather than relayed.
    let a = decide_invite(
        &engine(),
        &inbound(json!({"from": "<sip:0612345678@carrier.example>", "privacy": null,
                        "p_asserted_identity": "<sip:+33639981234@x>", "remote_party_id": "<sip:1@x>;privacy=off",
                        "source": {"address": "203.0.113.7"}})),
    )
    .unwrap();
    assert_eq!(a.action, SipAction::Continue);
    assert_eq!(a.remove, vec!["P-Asserted-Identity", "Remote-Party-ID"]);
    assert!(a.from.is_none(), "an allowed caller's From is relayed as received");
}

#[test]
fn the_same_pai_from_a_trusted_source_is_used() {
    for source in
        [json!({"address": "192.0.2.44"}), json!({"address": "2001:db8:5::9"}), json!({"peer": "kazoo-edge"})]
    {
        let r =
            inbound(json!({"p_asserted_identity": "<sip:+33639981234@carrier.example>", "source": source}));
        let a = decide_invite(&engine(), &r).unwrap();
        assert_eq!(a.action, SipAction::Continue, "source {}", r["source"]);
        assert!(!a.remove.contains(&"P-Asserted-Identity"));
        assert!(a.trace.of("trust.source").any(|s| s.detail.contains("trusted")));
    }
}

#[test]
fn star67_outbound_presents_anonymous_and_pai_only_to_a_trusted_carrier() {
    let a = decide_invite(&engine(), &outbound(json!({}))).unwrap();
    let from = a.from.as_ref().unwrap();
    assert_eq!(
        (from.display.as_str(), from.uri.as_str()),
        ("\"anonymous\"", "sip:anonymous@anonymous.invalid")
    );
    assert_eq!(a.set.get("Privacy").map(String::as_str), Some("id"));
    assert_eq!(a.set.get("P-Asserted-Identity"), None, "plain-carrier is not trusted");
    assert_eq!(a.request_uri.as_deref(), Some("sip:0170369999@carrier.example"));

    for (resource, gateway) in [("trusted-carrier", None), ("plain-carrier", Some("gw-trusted"))] {
        let mut r = outbound(json!({"resource": resource}));
        if let Some(g) = gateway {
            r["gateway"] = json!(g);
        }
        let a = decide_invite(&engine(), &r).unwrap();
        assert_eq!(a.from.as_ref().unwrap().uri, "sip:anonymous@anonymous.invalid");
        assert_eq!(
            a.set.get("P-Asserted-Identity").map(String::as_str),
            Some("\"Alice Martin\" <sip:+33639981234@acme.test>"),
            "{resource} {gateway:?}"
        );
    }
}

#[test]
fn emergency_calls_are_never_anonymised() {
    for (dialled, privacy) in [("112", Some("id")), ("*67112", None), ("15", Some("id"))] {
        let mut r = outbound(json!({"request_uri": format!("sip:{dialled}@carrier.example")}));
        if let Some(p) = privacy {
            r["privacy"] = json!(p);
        }
        let a = decide_invite(&engine(), &r).unwrap();
        assert!(a.from.is_none(), "{dialled}");
        assert!(!a.set.contains_key("Privacy"), "{dialled}");
        assert_eq!(a.remove.contains(&"Privacy"), privacy.is_some(), "{dialled}");
    }
}

#[test]
fn presented_user_parts_are_valid_sip() {
    // Name hidden only: the number stays, written as E.164 (never raw text with spaces).
    let p = json!({"accounts": [{"id": "acme", "country": "FR", "privacy_mode": "hide_name"}]});
    let e = Engine::new(&p).unwrap();
    let r = json!({"direction": "outbound", "account": "acme", "request_uri": "sip:*670170369999@carrier.example",
                   "from": "\"Alice\" <sip:01%2070%2036%2099%2099@acme.test>"});
    let a = decide_invite(&e, &r).unwrap();
    assert_eq!(a.from.as_ref().unwrap().uri, "sip:+33170369999@acme.test");
    let r = json!({"direction": "outbound", "account": "acme", "request_uri": "sip:*670170369999@carrier.example",
                   "from": "\"Alice\" <sip:front%20desk@acme.test>"});
    let a = decide_invite(&e, &r).unwrap();
    assert_eq!(a.from.as_ref().unwrap().uri, "sip:front%20desk@acme.test");
}

#[test]
fn malformed_headers_are_errors_naming_the_header() {
    for (extra, field) in [
        (json!({"from": "\"Alice <sip:+33612345678@x>"}), "from"),
        (json!({"p_asserted_identity": "\"Alice\""}), "p_asserted_identity"),
        (json!({"p_preferred_identity": "<>"}), "p_preferred_identity"),
        (json!({"remote_party_id": "<sip:1@x"}), "remote_party_id"),
        (json!({"privacy": "id;@@"}), "privacy"),
        (json!({"identity": "abc"}), "identity"),
        (json!({"request_uri": "mailto:x"}), "request_uri"),
        (json!({"source": {"address": "10.0.0.300"}}), "source.address"),
        (json!({"frm": "x"}), "frm"),
    ] {
        let e = decide_invite(&engine(), &inbound(extra.clone())).unwrap_err();
        assert_eq!(e.0[0].field, field, "{extra}");
    }
}

#[test]
fn the_flat_form_has_one_line_per_fact() {
    let a = decide_invite(&engine(), &inbound(json!({}))).unwrap();
    assert_eq!(a.to_flat(), "action=reject\ncode=433\nreason=Anonymity Disallowed\n");
}

#[test]
fn trusted_peers_are_validated_with_paths() {
    let bad = json!({"system": {"trusted_peers": [{"address": "192.0.2.1/24"}, {"peer": "a", "address": "10.0.0.1"},
                                                    {}, {"adress": "10.0.0.1"}]},
                     "resources": [{"id": "c", "trusted": "yes"}]});
    let e = Engine::new(&bad).unwrap_err();
    let fields: Vec<(&str, &str)> = e.0.iter().map(|e| (e.field.as_str(), e.code.as_str())).collect();
    for want in [
        ("system.trusted_peers[0].address", "invalid_address"),
        ("system.trusted_peers[1]", "ambiguous"),
        ("system.trusted_peers[2]", "missing"),
        ("system.trusted_peers[3].adress", "unknown_key"),
        ("resources[0].trusted", "invalid_type"),
    ] {
        assert!(fields.contains(&want), "{want:?} not in {fields:?}");
    }
    let hint = e.0.iter().find(|e| e.field == "system.trusted_peers[3].adress").unwrap();
    assert!(hint.message.contains("did you mean \"address\""), "{}", hint.message);
}
