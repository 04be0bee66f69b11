//! Lists stored as rows decide exactly as lists carried in the policy document: every ok case of the shared
//! screening and decision vectors is replayed through the row path (the document split into settings and rows,
//! the rows "stored", only the rows under the call's lookup keys fetched, the decision made from them) and must
//! give the same verdict and the same trace.

use cidguard::screening::lookup::{split_policy, Row};
use cidguard::Engine;
use serde_json::{json, Value};
use std::path::Path;

/// What a store holding `rows` answers for `keys`: rows of the named lists under one of the keys.
fn fetch(rows: &[Row], keys: &Value) -> Vec<Row> {
    let lists: Vec<&str> = keys["lists"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    let wanted: Vec<&str> = keys["keys"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    rows.iter()
        .filter(|r| lists.contains(&r.list.as_str()) && wanted.contains(&r.e164.as_str()))
        .cloned()
        .collect()
}

#[test]
fn every_screening_vector_decides_the_same_from_rows() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    let mut ran = 0;
    for file in ["screening.json", "decide.json", "engine.json", "sip_trust.json"] {
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(dir.join(file)).unwrap()).unwrap();
        for case in doc["cases"].as_array().unwrap() {
            let Some(expect) = case["expect"].get("ok") else { continue };
            let name = case["name"].as_str().unwrap_or("?");
            let (policy, event) = (&case["args"][0], &case["args"][1]);
            let split = split_policy(policy).unwrap_or_else(|e| panic!("{file}: {name}: {e:?}"));
            let engine = Engine::new(&split.settings).unwrap_or_else(|e| panic!("{file}: {name}: {e:?}"));
            let keys = serde_json::to_value(engine.lookup_keys_json(event).unwrap()).unwrap();
            let rows = serde_json::to_value(fetch(&split.rows, &keys)).unwrap();
            let got = serde_json::to_value(engine.decide_rows_json(event, &rows).unwrap()).unwrap();
            assert_eq!(got["screening"], expect["screening"], "{file}: {name}: screening");
            let want = expect["trace"].as_array().unwrap();
            let trace = got["trace"].as_array().unwrap();
            assert_eq!(&trace[..want.len().min(trace.len())], &want[..], "{file}: {name}: trace");
            if expect.get("presentation").is_some() {
                assert_eq!(got, *expect, "{file}: {name}");
            }
            ran += 1;
        }
    }
    assert!(ran >= 40, "only {ran} cases replayed");
}

#[test]
fn every_sip_invite_vector_answers_the_same_from_rows() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    let mut ran = 0;
    for (file, flat) in [("sip_invite.json", false), ("sip_invite_flat.json", true)] {
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(dir.join(file)).unwrap()).unwrap();
        for case in doc["cases"].as_array().unwrap() {
            let Some(expect) = case["expect"].get("ok") else { continue };
            let name = case["name"].as_str().unwrap_or("?");
            let (policy, invite) = (&case["args"][0], &case["args"][1]);
            let split = split_policy(policy).unwrap_or_else(|e| panic!("{file}: {name}: {e:?}"));
            let engine = Engine::new(&split.settings).unwrap();
            let event = cidguard::sip::invite::invite_event(invite).unwrap();
            let keys = serde_json::to_value(engine.lookup_keys(&event).unwrap()).unwrap();
            let rows = fetch(&split.rows, &keys);
            let answer = cidguard::sip::invite::decide_invite_rows(&engine, invite, &rows).unwrap();
            let got =
                if flat { Value::from(answer.to_flat()) } else { serde_json::to_value(answer).unwrap() };
            assert_eq!(&got, expect, "{file}: {name}");
            ran += 1;
        }
    }
    assert!(ran >= 20, "only {ran} cases replayed");
}

#[test]
fn the_settings_keep_everything_but_the_entries() {
    let doc = json!({"accounts": [{"id": "a", "country": "FR", "blocklists": ["b"],
        "allowlist": {"numbers": ["0611223344"]}, "users": [{"id": "u", "blocklist": [{"id": "e", "number": "+33639981234"}]}]}],
        "blocklists": [{"id": "b", "name": "spam", "numbers": ["06 39 98 12 35"], "prefixes": ["+3389"], "block_anonymous": true}]});
    let split = split_policy(&doc).unwrap();
    assert_eq!(
        split.settings,
        json!({"accounts": [{"id": "a", "country": "FR", "blocklists": ["b"], "users": [{"id": "u"}]}],
        "blocklists": [{"id": "b", "name": "spam", "block_anonymous": true}]})
    );
    let rows: Vec<(&str, &str, &str)> =
        split.rows.iter().map(|r| (r.list.as_str(), r.e164.as_str(), r.written.as_str())).collect();
    assert_eq!(
        rows,
        [
            ("blocklist:b", "+33639981235", "06 39 98 12 35"),
            ("blocklist:b", "+3389", "+3389"),
            ("allowlist:a", "+33611223344", "0611223344"),
            ("user:u", "+33639981234", "+33639981234")
        ]
    );
    assert_eq!(split.replaced, ["blocklist:b", "allowlist:a", "user:u"]);
}

#[test]
fn keys_name_only_the_consulted_lists() {
    let doc = json!({"accounts": [{"id": "a", "country": "FR", "blocklists": ["b"], "users": [{"id": "u"}]}],
        "blocklists": [{"id": "b", "name": "spam"}, {"id": "other", "name": "not selected"}]});
    let engine = Engine::new(&doc).unwrap();
    let keys = engine
        .lookup_keys_json(&json!({"direction": "inbound", "account": "a", "caller_number": "0639981234",
        "destination_user": "u"}))
        .unwrap();
    assert_eq!(keys.lists, ["allowlist:a", "blocklist:b", "user:u"]);
    assert_eq!(keys.caller.as_deref(), Some("+33639981234"));
    assert_eq!(keys.keys.len(), 11);
    let out = engine
        .lookup_keys_json(&json!({"direction": "outbound", "account": "a", "caller_number": "1"}))
        .unwrap();
    assert!(out.lists.is_empty() && out.keys.is_empty());
    let err = engine
        .lookup_keys_json(&json!({"direction": "inbound", "account": "a", "destination_user": "x"}))
        .unwrap_err();
    assert_eq!((err.0[0].field.as_str(), err.0[0].code.as_str()), ("destination_user", "unknown_user"));
}
