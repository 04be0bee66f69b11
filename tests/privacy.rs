//! Caller-ID privacy: table-driven tests over every mode x every flag combination x every hierarchy level,
//! plus emergency bypass, SIP token parsing and the errors for bad events.

use cidguard::policy::{Part, PrivacyMode};
use cidguard::{Decision, Engine};
use serde_json::{json, Value};

const MODES: [&str; 4] = ["kazoo", "hide_name", "hide_number", "sip"];
const LEVELS: [&str; 4] = ["system", "account", "resource", "gateway"];

/// A policy where `level` sets `mode` and every less specific level sets a different mode, so the test also
/// proves how levels combine (fail safe: a more specific level adds hiding; only `sip` passes through).
fn policy_with(level: &str, mode: &str) -> Value {
    let other = MODES.iter().find(|m| **m != mode).copied().unwrap_or("kazoo");
    let rank = LEVELS.iter().position(|l| *l == level).unwrap();
    let at = |l: &str| {
        let r = LEVELS.iter().position(|x| *x == l).unwrap();
        if r == rank {
            json!(mode)
        } else if r < rank {
            json!(other)
        } else {
            Value::Null
        }
    };
    json!({
        "system": {"privacy_mode": at("system")},
        "accounts": [{"id": "acc", "country": "FR", "privacy_mode": at("account")}],
        "resources": [{"id": "carrier-a", "privacy_mode": at("resource"), "trusted": true,
                       "gateways": [{"id": "gw-1"}, {"id": "gw-2", "privacy_mode": at("gateway")}]}]
    })
}

fn outbound(hide_name: bool, hide_number: bool) -> Value {
    json!({"direction": "outbound", "account": "acc", "caller_name": "Alice", "caller_number": "+33639981234",
           "hide_name": hide_name, "hide_number": hide_number, "dialled_number": "+14155550100",
           "resource": "carrier-a", "gateway": "gw-2"})
}

/// The mode `policy_with(level, mode)` must give, written as a table: with no level above, the mode itself;
/// `sip` below anything gives `sip`; otherwise the parts hidden by either (the level above sets `other`).
fn combined(level: &str, mode: &str) -> PrivacyMode {
    let other = MODES.iter().find(|m| **m != mode).copied().unwrap_or("kazoo");
    let m = PrivacyMode::parse(mode).unwrap();
    if level == "system" || mode == "sip" {
        return m;
    }
    match (other, mode) {
        ("sip", _) => m,
        // `other` is kazoo for every mode but kazoo, whose `other` is hide_name: kazoo hides both anyway.
        _ => PrivacyMode::Kazoo,
    }
}

#[test]
fn a_more_specific_level_adds_hiding_but_never_reveals() {
    // The example: resource hide_number, gateway hide_name -> both hidden.
    let policy = |resource: &str, gateway: &str| {
        json!({"accounts": [{"id": "acc", "country": "FR"}],
               "resources": [{"id": "carrier-a", "privacy_mode": resource, "trusted": true,
                              "gateways": [{"id": "gw-2", "privacy_mode": gateway}]}]})
    };
    let d = decide(&policy("hide_number", "hide_name"), &outbound(true, true));
    assert_eq!(d.presentation.mode, PrivacyMode::Kazoo);
    assert_eq!(
        (d.presentation.caller_name.as_str(), d.presentation.caller_number.as_str()),
        ("anonymous", "0000000000")
    );
    assert_eq!(d.presentation.mode_from.level, "gateway");
    assert_eq!(
        d.trace.of("privacy.mode").next().unwrap().detail,
        "privacy_mode kazoo: hide_number from resource carrier-a, then hide_name from gateway gw-2 of resource carrier-a \
         (a more specific level adds hiding, never reveals; only sip passes through)"
    );
    // sip at the gateway is the trusted pass-through: it signals privacy instead of hiding.
    let d = decide(&policy("kazoo", "sip"), &outbound(true, true));
    assert_eq!(d.presentation.mode, PrivacyMode::Sip);
    assert_eq!(d.presentation.caller_number, "+33639981234");
    assert!(d.presentation.sip.p_asserted_identity.is_some());
    // A level under sip hides again what it names.
    let d = decide(&policy("sip", "hide_name"), &outbound(true, true));
    assert_eq!(d.presentation.mode, PrivacyMode::HideName);
    assert_eq!(
        (d.presentation.caller_name.as_str(), d.presentation.caller_number.as_str()),
        ("anonymous", "+33639981234")
    );
}

fn decide(policy: &Value, event: &Value) -> Decision {
    Engine::new(policy).unwrap().decide_json(event).unwrap()
}

#[test]
fn every_mode_flag_and_level() {
    let mut cases = 0;
    for level in LEVELS {
        for mode_name in MODES {
            let mode = combined(level, mode_name);
            for (hide_name, hide_number) in [(false, false), (true, false), (false, true), (true, true)] {
                let d = decide(&policy_with(level, mode_name), &outbound(hide_name, hide_number));
                let p = &d.presentation;
                let ctx = format!("{level} {mode_name} name={hide_name} number={hide_number}");
                assert_eq!(p.mode, mode, "{ctx}");
                assert_eq!(p.mode_from.level, level, "{ctx}");
                let name_hidden = hide_name && mode.covers(Part::Name);
                let number_hidden = hide_number && mode.covers(Part::Number);
                assert_eq!(p.caller_name, if name_hidden { "anonymous" } else { "Alice" }, "{ctx}");
                assert_eq!(
                    p.caller_number,
                    if number_hidden { "0000000000" } else { "+33639981234" },
                    "{ctx}"
                );
                assert_eq!((p.anonymised.name, p.anonymised.number), (name_hidden, number_hidden), "{ctx}");
                let any = hide_name || hide_number;
                assert_eq!(p.sip.privacy_header, any.then_some("id"), "{ctx}");
                assert_eq!(p.sip.p_asserted_identity.is_some(), any && mode == PrivacyMode::Sip, "{ctx}");
                assert_eq!(p.sip.from_display, p.caller_name, "{ctx}");
                assert_eq!(p.sip.from_user, p.caller_number, "{ctx}");
                assert_eq!(p.routed_number.as_deref(), Some("+14155550100"), "{ctx}");
                assert!(!p.emergency);
                let mode_line = d.trace.of("privacy.mode").next().unwrap();
                assert!(mode_line.detail.starts_with(&format!("privacy_mode {mode}")), "{ctx}");
                assert!(mode_line.detail.contains(&format!("{mode_name} from {level}")), "{ctx}");
                cases += 1;
            }
        }
    }
    assert_eq!(cases, 64);
}

#[test]
fn mode_sources_are_named_in_the_trace() {
    let gateway_only = json!({"accounts": [{"id": "acc", "country": "FR"}],
        "resources": [{"id": "carrier-a", "gateways": [{"id": "gw-2", "privacy_mode": "hide_name"}]}]});
    let d = decide(&gateway_only, &outbound(true, true));
    let line = d.trace.of("privacy.mode").next().unwrap();
    assert_eq!(line.detail, "privacy_mode hide_name from gateway gw-2 of resource carrier-a");
    let d = decide(
        &json!({"accounts": [{"id": "acc", "country": "FR"}]}),
        &json!({"direction": "inbound", "account": "acc", "hide_name": true}),
    );
    assert_eq!(d.presentation.mode, PrivacyMode::Kazoo);
    assert_eq!(d.presentation.mode_from.level, "default");
    assert_eq!(
        d.trace.of("privacy.mode").next().unwrap().detail,
        "privacy_mode kazoo from the built-in default"
    );
}

#[test]
fn a_gateway_without_its_own_mode_inherits_the_resource() {
    let p = json!({"accounts": [{"id": "acc", "country": "FR"}],
                   "resources": [{"id": "carrier-a", "privacy_mode": "hide_number", "gateways": [{"id": "gw-1"}]}]});
    let mut e = outbound(true, true);
    e["gateway"] = json!("gw-1");
    let d = decide(&p, &e);
    assert_eq!(d.presentation.mode, PrivacyMode::HideNumber);
    assert_eq!(d.presentation.mode_from.level, "resource");
    assert_eq!(d.presentation.caller_name, "Alice");
    assert_eq!(d.presentation.caller_number, "0000000000");
}

fn fr_policy() -> Value {
    json!({"system": {"anonymous_name": "Private", "anonymous_number": "anonymous"},
           "accounts": [{"id": "acc", "country": "FR"}, {"id": "us", "country": "US", "anonymous_name": "Withheld"}]})
}

#[test]
fn feature_code_sets_privacy_and_is_stripped() {
    let d = decide(
        &fr_policy(),
        &json!({"direction": "outbound", "account": "acc", "caller_name": "Alice",
        "caller_number": "+33639981234", "dialled_number": "*670639981235"}),
    );
    let p = &d.presentation;
    assert_eq!(p.routed_number.as_deref(), Some("0639981235"));
    assert_eq!((p.privacy.hide_name, p.privacy.hide_number), (true, true));
    assert_eq!(p.privacy.sources[0].source, "feature_code");
    assert_eq!(p.caller_name, "Private");
    assert_eq!(p.caller_number, "anonymous");
    let line = d.trace.of("privacy.feature_code").next().unwrap();
    assert_eq!(line.detail, "privacy flag from *67: hide name and number; *67 stripped, routing 0639981235");
    // The code alone is not a privacy prefix: it is routed as dialled.
    let d =
        decide(&fr_policy(), &json!({"direction": "outbound", "account": "acc", "dialled_number": "*67"}));
    assert_eq!(d.presentation.routed_number.as_deref(), Some("*67"));
    assert!(!d.presentation.privacy.hide_name);
}

#[test]
fn account_anonymous_values_override_the_system() {
    let d = decide(
        &fr_policy(),
        &json!({"direction": "internal", "account": "us", "caller_name": "Bob", "caller_number": "1001", "hide_name": true, "hide_number": true}),
    );
    assert_eq!(d.presentation.caller_name, "Withheld");
    assert_eq!(d.presentation.caller_number, "anonymous");
}

#[test]
fn emergency_calls_are_never_anonymised() {
    for (account, dialled, emergency) in [
        ("acc", "*67112", true),
        ("acc", "*6717", true),
        ("acc", "*67911", false),
        ("us", "*67911", true),
        ("us", "*67 9-1-1", true),
        ("us", "*67112", false),
        ("acc", "*670639981235", false),
    ] {
        let d = decide(
            &fr_policy(),
            &json!({"direction": "outbound", "account": account, "caller_name": "Alice",
            "caller_number": "+33639981234", "dialled_number": dialled, "sip": {"privacy": "id"}}),
        );
        let p = &d.presentation;
        assert_eq!(p.emergency, emergency, "{account} {dialled}");
        assert_eq!(p.caller_number == "+33639981234", emergency, "{account} {dialled}");
        assert_eq!(p.sip.privacy_header.is_none(), emergency, "{account} {dialled}");
        assert!(p.privacy.hide_number, "the request is still reported");
    }
    let p = json!({"system": {"emergency_numbers": {"FR": ["3333"]}}, "accounts": [{"id": "acc", "country": "FR"}]});
    let d = decide(
        &p,
        &json!({"direction": "outbound", "account": "acc", "dialled_number": "*673333", "hide_name": true}),
    );
    assert!(d.presentation.emergency);
    let d = decide(
        &p,
        &json!({"direction": "outbound", "account": "acc", "dialled_number": "*67112", "hide_name": true}),
    );
    assert!(!d.presentation.emergency, "the FR override replaced the built-in FR list");
}

fn sip_event(sip: Value) -> Value {
    json!({"direction": "inbound", "account": "acc", "caller_name": "Alice", "caller_number": "+33639981234", "sip": sip})
}

#[test]
fn sip_privacy_tokens_are_case_insensitive() {
    for (header, hides) in [
        ("id", true),
        ("ID", true),
        ("User", true),
        ("HEADER", true),
        ("session", false),
        ("critical", false),
        ("header;session;critical", true),
        ("none", false),
        ("NONE", false),
        ("id;none", true),
        ("none;user", true),
        ("none;session", false),
        ("history", false),
        ("x-vendor", false),
        ("id, user", true),
        (" Id ", true),
    ] {
        let d = decide(&fr_policy(), &sip_event(json!({"privacy": header})));
        let p = &d.presentation;
        assert_eq!((p.privacy.hide_name, p.privacy.hide_number), (hides, hides), "{header}");
        assert_eq!(p.caller_number == "anonymous", hides, "{header}");
    }
}

#[test]
fn remote_party_id_privacy_values() {
    for (rpid, name, number) in [
        ("<sip:+33639981234@carrier>;privacy=full", true, true),
        ("<sip:+33639981234@carrier>;PRIVACY=Full;screen=yes", true, true),
        ("\"Alice\" <sip:+33639981234@carrier>;party=calling;privacy=name", true, false),
        ("<sip:+33639981234@carrier>;privacy=uri", false, true),
        ("<sip:+33639981234@carrier>;privacy=off", false, false),
        ("<sip:+33639981234@carrier>;privacy=yes", true, true),
        ("<sip:+33639981234@carrier>;privacy=no", false, false),
        ("<sip:+33639981234@carrier>;privacy=number", false, true),
        ("<sip:+33639981234@carrier>;screen=no", false, false),
    ] {
        let d = decide(&fr_policy(), &sip_event(json!({"remote_party_id": rpid})));
        let p = &d.presentation;
        assert_eq!((p.privacy.hide_name, p.privacy.hide_number), (name, number), "{rpid}");
        assert_eq!(p.caller_name == "Private", name, "{rpid}");
        assert_eq!(p.caller_number == "anonymous", number, "{rpid}");
    }
}

#[test]
fn asterisk_presentation_values() {
    for (pres, hides, value) in [
        (json!("prohib_not_screened"), true, "prohib_not_screened"),
        (json!("prohib"), true, "prohib"),
        (json!(33), true, "prohib_passed_screen"),
        (json!("unavailable"), true, "unavailable"),
        (json!(64), true, "unavailable"),
        (json!("allowed_not_screened"), false, ""),
        (json!(3), false, ""),
    ] {
        let d = decide(&fr_policy(), &sip_event(json!({"presentation": pres})));
        let p = &d.presentation;
        assert_eq!(p.privacy.hide_number, hides, "{pres}");
        if hides {
            assert_eq!(p.privacy.sources[0].value, value);
        }
    }
}

#[test]
fn sources_are_ored_and_all_reported() {
    let d = decide(
        &fr_policy(),
        &json!({"direction": "outbound", "account": "acc", "caller_name": "A", "caller_number": "1",
        "hide_name": true, "dialled_number": "*670102030405",
        "sip": {"privacy": "user", "remote_party_id": "<sip:1@x>;privacy=uri", "presentation": "prohib"}}),
    );
    let sources: Vec<_> =
        d.presentation.privacy.sources.iter().map(|s| (s.source, s.value.as_str())).collect();
    assert_eq!(
        sources,
        [
            ("flag", "hide_name"),
            ("feature_code", "*67"),
            ("sip_privacy", "user"),
            ("remote_party_id", "uri"),
            ("presentation", "prohib")
        ]
    );
    let rules: Vec<_> = d.trace.0.iter().map(|s| s.rule).collect();
    assert_eq!(
        rules,
        [
            "privacy.flags",
            "privacy.feature_code",
            "privacy.sip_privacy",
            "privacy.remote_party_id",
            "privacy.presentation",
            "screening.scope",
            "privacy.mode",
            "privacy.emergency",
            "privacy.name",
            "privacy.number",
            "privacy.sip"
        ]
    );
}

#[test]
fn sip_mode_signals_instead_of_anonymising() {
    let p = json!({"accounts": [{"id": "acc", "country": "FR"}],
                   "resources": [{"id": "trusted", "privacy_mode": "sip", "trusted": true},
                                 {"id": "untrusted", "privacy_mode": "sip"}]});
    let d = decide(
        &p,
        &json!({"direction": "outbound", "account": "acc", "caller_name": "Alice", "caller_number": "+33639981234",
        "dialled_number": "*67+14155550100", "resource": "trusted"}),
    );
    let s = &d.presentation.sip;
    assert_eq!(s.privacy_header, Some("id"));
    let pai = s.p_asserted_identity.as_ref().unwrap();
    assert_eq!((pai.display.as_deref(), pai.user.as_deref()), (Some("Alice"), Some("+33639981234")));
    assert_eq!((s.from_display.as_str(), s.from_user.as_str()), ("Alice", "+33639981234"));

    // The real caller ID goes in P-Asserted-Identity only towards a trusted carrier (Kazoo's `sip` caveat).
    let d = decide(
        &p,
        &json!({"direction": "outbound", "account": "acc", "caller_name": "Alice", "caller_number": "+33639981234",
        "dialled_number": "*67+14155550100", "resource": "untrusted"}),
    );
    assert_eq!(d.presentation.sip.privacy_header, Some("id"));
    assert_eq!(d.presentation.sip.p_asserted_identity, None);
    let line = d.trace.of("privacy.sip").next().unwrap();
    assert!(line.detail.contains("resource untrusted is not a trusted carrier"), "{}", line.detail);
}

#[test]
fn bad_events_name_their_field() {
    let engine = Engine::new(&policy_with("gateway", "sip")).unwrap();
    let field = |e: Value| {
        let err = engine.decide_json(&e).unwrap_err();
        (err.0[0].field.clone(), err.0[0].code.clone())
    };
    let mut e = outbound(false, false);
    e["account"] = json!("nope");
    assert_eq!(field(e), ("account".into(), "unknown_account".into()));
    let mut e = outbound(false, false);
    e["resource"] = json!("nope");
    assert_eq!(field(e), ("resource".into(), "unknown_resource".into()));
    let mut e = outbound(false, false);
    e["gateway"] = json!("gw-9");
    assert_eq!(field(e), ("gateway".into(), "unknown_gateway".into()));
    assert_eq!(field(sip_event(json!({"privacy": ""}))), ("sip.privacy".into(), "malformed".into()));
    assert_eq!(field(sip_event(json!({"privacy": "id;<x>"}))), ("sip.privacy".into(), "malformed".into()));
    assert_eq!(
        field(sip_event(json!({"remote_party_id": "sip:1@x;privacy=partial"}))),
        ("sip.remote_party_id".into(), "unknown_value".into())
    );
    assert_eq!(
        field(sip_event(json!({"p_asserted_identity": "<mailto:a@b>"}))),
        ("sip.p_asserted_identity".into(), "malformed".into())
    );
    assert_eq!(
        field(sip_event(json!({"presentation": 99}))),
        ("sip.presentation".into(), "unknown_value".into())
    );
    assert_eq!(field(sip_event(json!({"presentaton": 1}))), ("sip.presentaton".into(), "unknown_key".into()));
    assert_eq!(
        field(json!({"direction": "outbound", "account": "acc", "hide_name": "yes"})),
        ("hide_name".into(), "invalid_type".into())
    );
}
