//! Properties of the privacy decision: no input makes it panic, `sip` mode never changes the caller ID, and
//! the most specific level that sets a mode always wins.

use cidguard::exports;
use cidguard::policy::{Part, PrivacyMode};
use cidguard::Engine;
use proptest::prelude::*;
use serde_json::{json, Value};

/// Arbitrary JSON, biased towards the keys and values the core reads so that deep paths get exercised.
fn any_json() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        Just("system".to_owned()),
        Just("accounts".to_owned()),
        Just("resources".to_owned()),
        Just("gateways".to_owned()),
        Just("id".to_owned()),
        Just("country".to_owned()),
        Just("privacy_mode".to_owned()),
        Just("direction".to_owned()),
        Just("account".to_owned()),
        Just("sip".to_owned()),
        Just("privacy".to_owned()),
        Just("remote_party_id".to_owned()),
        Just("presentation".to_owned()),
        Just("dialled_number".to_owned()),
        Just("emergency_numbers".to_owned()),
        "[a-z_]{0,12}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        prop_oneof![
            Just("kazoo".to_owned()),
            Just("sip".to_owned()),
            Just("outbound".to_owned()),
            Just("FR".to_owned()),
            Just("*67112".to_owned()),
            Just("\"A\" <sip:1@x>;privacy=full".to_owned()),
            ".{0,24}",
        ]
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
            prop::collection::btree_map(key.clone(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn mode() -> impl Strategy<Value = Option<&'static str>> {
    prop::option::of(prop::sample::select(vec!["kazoo", "hide_name", "hide_number", "sip"]))
}

fn sip_header() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec!["id", "ID", "user", "Header", "none", "session", "id;critical", "x"])
            .prop_map(str::to_owned),
        "[ -~]{0,20}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn no_input_panics(policy in any_json(), event in any_json()) {
        let _ = exports::call("validatePolicy", std::slice::from_ref(&policy));
        let _ = exports::call("decidePresentation", &[policy.clone(), event.clone()]);
        let _ = exports::call("decide", &[policy, event]);
    }

    #[test]
    fn no_event_panics_against_a_valid_policy(
        name in ".{0,20}", number in "[ -~]{0,20}", dialled in "[*#0-9+ ]{0,16}",
        privacy in prop::option::of(sip_header()), rpid in prop::option::of("[ -~]{0,40}"),
        pres in prop::option::of(any::<i64>()), direction in prop::sample::select(vec!["inbound", "outbound", "internal"]),
    ) {
        let policy = json!({"accounts": [{"id": "a", "country": "FR"}], "resources": [{"id": "r", "gateways": [{"id": "g"}]}]});
        let engine = Engine::new(&policy).unwrap();
        let event = json!({"direction": direction, "account": "a", "caller_name": name, "caller_number": number,
            "dialled_number": dialled, "sip": {"privacy": privacy, "remote_party_id": rpid, "presentation": pres}});
        let _ = engine.decide_json(&event);
    }

    #[test]
    fn sip_never_changes_the_caller_id(
        name in ".{0,20}", number in "[0-9+]{0,15}", hide_name: bool, hide_number: bool,
        privacy in prop::option::of(prop::sample::select(vec!["id", "user", "header", "none"])),
        feature in any::<bool>(),
    ) {
        let policy = json!({"system": {"privacy_mode": "sip"}, "accounts": [{"id": "a", "country": "US"}]});
        let dialled = if feature { "*6714155550100" } else { "14155550100" };
        let event = json!({"direction": "outbound", "account": "a", "caller_name": name, "caller_number": number,
            "hide_name": hide_name, "hide_number": hide_number, "dialled_number": dialled, "sip": {"privacy": privacy}});
        let d = Engine::new(&policy).unwrap().decide_json(&event).unwrap();
        let p = &d.presentation;
        prop_assert_eq!(&p.caller_name, &name);
        prop_assert_eq!(&p.caller_number, &number);
        prop_assert_eq!(&p.sip.from_display, &name);
        // The From user part is the number as written, or its E.164 form when it is a valid number.
        let e164 = cidguard::phone::normalize(&number, "US").ok().filter(|n| n.valid).map(|n| n.e164);
        prop_assert!(p.sip.from_user == number || Some(&p.sip.from_user) == e164.as_ref(), "{}", p.sip.from_user);
        prop_assert!(!p.anonymised.name && !p.anonymised.number);
        prop_assert_eq!(p.sip.privacy_header.is_some(), p.privacy.hide_name || p.privacy.hide_number);
    }

    #[test]
    fn levels_combine_fail_safe(system in mode(), account in mode(), resource in mode(), gateway in mode()) {
        let policy = json!({
            "system": {"privacy_mode": system},
            "accounts": [{"id": "a", "country": "DE", "privacy_mode": account}],
            "resources": [{"id": "r", "privacy_mode": resource, "gateways": [{"id": "g", "privacy_mode": gateway}]}]
        });
        let engine = Engine::new(&policy).unwrap();
        let event = json!({"direction": "outbound", "account": "a", "resource": "r", "gateway": "g", "hide_name": true});
        let d = engine.decide_json(&event).unwrap();
        // The spec: least specific first; sip resets what is hidden, any other mode adds what it covers.
        let fold = |levels: &[Option<&str>]| -> Option<(bool, bool)> {
            let set: Vec<PrivacyMode> = levels.iter().flatten().map(|m| PrivacyMode::parse(m).unwrap()).collect();
            (!set.is_empty()).then(|| set.iter().fold((false, false), |(n, u), m| match m {
                PrivacyMode::Sip => (false, false),
                m => (n || m.covers(Part::Name), u || m.covers(Part::Number)),
            }))
        };
        let hidden = fold(&[system, account, resource, gateway]).unwrap_or((true, true));
        let p = &d.presentation;
        prop_assert_eq!((p.mode.covers(Part::Name), p.mode.covers(Part::Number)), hidden);
        prop_assert_eq!(p.mode == PrivacyMode::Sip, hidden == (false, false));
        let most_specific = [(gateway, "gateway"), (resource, "resource"), (account, "account"), (system, "system")]
            .into_iter()
            .find_map(|(m, level)| m.map(|_| level))
            .unwrap_or("default");
        prop_assert_eq!(p.mode_from.level, most_specific);
        // A non-sip gateway never reveals what its resource, account and system hide.
        if gateway.is_some_and(|g| g != "sip") {
            let above = fold(&[system, account, resource]).unwrap_or((false, false));
            prop_assert!(hidden.0 >= above.0 && hidden.1 >= above.1);
        }
        // Without a resource, only account and system count.
        let event = json!({"direction": "outbound", "account": "a", "hide_name": true});
        let d = engine.decide_json(&event).unwrap();
        let expected = [(account, "account"), (system, "system")]
            .into_iter()
            .find_map(|(m, level)| m.map(|_| level))
            .unwrap_or("default");
        prop_assert_eq!(d.presentation.mode_from.level, expected);
    }
}
