//! Display masking (seed 003): replacement and random policies, roles that may see the number.

use cidguard::exports::call;
use serde_json::{json, Value};

fn mask(policy: Value, number: &str, role: Value, secret: Value) -> Value {
    call("maskNumber", &[policy, json!(number), role, secret]).unwrap()
}

fn display(policy: Value, number: &str) -> String {
    mask(policy, number, Value::Null, Value::Null)["display"].as_str().unwrap().to_owned()
}

#[test]
fn replacement_shows_first_and_last() {
    let p = json!({"policy": "replacement", "show_first": 3, "show_last": 2});
    assert_eq!(display(p.clone(), "+41793026727"), "+41xxxxxxx27");
    assert_eq!(display(json!({"policy": "replacement", "show_first": 0, "show_last": 0}), "+4179"), "xxxxx");
    assert_eq!(
        display(json!({"policy": "replacement", "show_first": 0, "show_last": 4}), "+41793026727"),
        "xxxxxxxx6727"
    );
    let r = mask(p, "+41793026727", json!("agent"), Value::Null);
    assert_eq!(r, json!({"display": "+41xxxxxxx27", "masked": true, "reason": "replacement"}));
}

#[test]
fn short_numbers_are_masked_whole() {
    let p = json!({"policy": "replacement", "show_first": 3, "show_last": 2});
    // 5 characters = show_first + show_last: showing them would show everything.
    assert_eq!(display(p.clone(), "12345"), "xxxxx");
    assert_eq!(display(p.clone(), "112"), "xxx");
    assert_eq!(display(p.clone(), "123456"), "123x56");
    assert_eq!(display(p, ""), "");
}

#[test]
fn fifteen_shown_characters_at_most() {
    let at = json!({"policy": "replacement", "show_first": 8, "show_last": 7});
    assert_eq!(display(at, "+4179302672712345"), "+4179302xx2712345");
    let over = json!({"policy": "replacement", "show_first": 8, "show_last": 8});
    let e = call("maskNumber", &[over, json!("+41793026727"), Value::Null, Value::Null]).unwrap_err();
    assert_eq!((e.first().field.as_str(), e.first().code.as_str()), ("policy.show_last", "out_of_range"));
    let e = call(
        "maskNumber",
        &[json!({"policy": "replacement", "show_first": 2}), json!("1"), Value::Null, Value::Null],
    )
    .unwrap_err();
    assert_eq!(e.first().field, "policy.show_last");
    let e = call(
        "maskNumber",
        &[
            json!({"policy": "replacement", "show_first": -1, "show_last": 2}),
            json!("1"),
            Value::Null,
            Value::Null,
        ],
    )
    .unwrap_err();
    assert_eq!(e.first().field, "policy.show_first");
}

#[test]
fn random_tokens_are_stable_keyed_and_alphanumeric() {
    let p = json!({"policy": "random", "length": 10});
    let t =
        |n: &str, s: &str| mask(p.clone(), n, Value::Null, json!(s))["display"].as_str().unwrap().to_owned();
    let a = t("+41793026727", "k1");
    assert_eq!(a.len(), 10);
    assert!(a.chars().all(|c| c.is_ascii_alphanumeric()), "{a}");
    assert_eq!(a, t("+41793026727", "k1"), "deterministic");
    assert_eq!(a, t("+41 79 302 67 27", "k1"), "punctuation does not change the token");
    assert_ne!(a, t("+41793026728", "k1"));
    assert_ne!(a, t("+41793026727", "k2"));
    // Default length 12; lengths 4..=64.
    let d = mask(json!({"policy": "random"}), "+41793026727", Value::Null, json!("k1"));
    assert_eq!(d["display"].as_str().unwrap().len(), 12);
    assert_eq!(d["reason"], "random");
    assert_eq!(
        mask(json!({"policy": "random", "length": 64}), "1", Value::Null, json!("k"))["display"]
            .as_str()
            .unwrap()
            .len(),
        64
    );
    let e =
        call("maskNumber", &[json!({"policy": "random", "length": 3}), json!("1"), Value::Null, json!("k")])
            .unwrap_err();
    assert_eq!(e.first().code, "out_of_range");
    let e = call("maskNumber", &[p, json!("+41793026727"), Value::Null, Value::Null]).unwrap_err();
    assert_eq!((e.first().field.as_str(), e.first().code.as_str()), ("secret", "missing"));
}

#[test]
fn privileged_roles_see_the_number() {
    let p = json!({"policy": "replacement", "show_first": 0, "show_last": 2,
                   "unmask_roles": ["supervisor", "Group Manager", "custom-auditor"]});
    for role in ["supervisor", "SUPERVISOR", "group_manager", "group-manager", "custom_auditor"] {
        let r = mask(p.clone(), "+41793026727", json!(role), Value::Null);
        assert_eq!(r, json!({"display": "+41793026727", "masked": false, "reason": "unmask_role"}), "{role}");
    }
    for role in [json!("analyst"), json!(""), Value::Null] {
        assert_eq!(mask(p.clone(), "+41793026727", role, Value::Null)["masked"], true);
    }
    let e = call(
        "maskNumber",
        &[json!({"policy": "random", "unmask_roles": ["ok", 3]}), json!("1"), Value::Null, json!("k")],
    )
    .unwrap_err();
    assert_eq!(e.first().field, "policy.unmask_roles[1]");
}

#[test]
fn the_config_validator_reports_every_problem() {
    let bad = json!({
        "closed_fallback": {"action": "transfer"},
        "allocation": {"geo_match": "planet", "cooloff_seconds": -5, "max_participants_per_number": 0},
        "display": {
            "sales": {"policy": "replacement", "show_first": 10, "show_last": 6},
            "support": {"policy": "blur"},
            "ok": {"policy": "random", "unmask_roles": ["supervisor"]}
        }
    });
    let e = call("validateMaskingConfig", &[bad]).unwrap_err();
    let cidguard::exports::ExportError::Many(p) = e else { panic!("expected every problem") };
    let got: Vec<(&str, &str)> = p.0.iter().map(|e| (e.field.as_str(), e.code.as_str())).collect();
    assert_eq!(
        got,
        [
            ("not_allowed", "missing"),
            ("closed_fallback.action", "unknown_value"),
            ("allocation.geo_match", "unknown_value"),
            ("allocation.max_participants_per_number", "out_of_range"),
            ("allocation.cooloff_seconds", "invalid_type"),
            ("display.sales.show_last", "out_of_range"),
            ("display.support.policy", "unknown_value"),
        ]
    );
    let good = json!({"not_allowed": {"fileUrl": "https://example.com/na.mp3"},
        "display": {"ok": {"policy": "random", "unmask_roles": ["Supervisor"]}}});
    let v = call("validateMaskingConfig", &[good]).unwrap();
    assert_eq!(v["allocation"]["geo_match"], "country");
    assert_eq!(v["display"]["ok"], json!({"policy": "random", "length": 12, "unmask_roles": ["supervisor"]}));
}
