//! The masking lifecycle in the core: expiry releases like a close (cool-off included), replays are answered
//! from the first record and refused after the window, PIN digits never leave the core, counters expire.

use cidguard::masking::{
    read_pool, sign, Credentials, MaskingConfig, MaskingState, SessionState, Viewer, Webhook, WebhookKind,
};
use serde_json::{json, Value};
use std::collections::HashMap;

const NOW: i64 = 1_700_000_000;
const URL: &str = "https://hooks.example.com/cb";

fn creds() -> Credentials {
    Credentials::new("55ddccad2df62a4b615b7e3c472b2ab6", "5da086b6a8e4424993646b8699c333ca").unwrap()
}

fn state(config: Value, pool: &[&str]) -> MaskingState {
    let cfg = MaskingConfig::from_value(&config).unwrap();
    let mut st = MaskingState::new(cfg, vec![])
        .unwrap()
        .with_secret(Some("vector-secret".into()))
        .with_webhook(Webhook { url: Some(URL.into()), status_url: None, credentials: creds() });
    st.set_pool(read_pool(&json!(pool.iter().map(|n| json!({"number": n})).collect::<Vec<_>>())).unwrap());
    st
}

fn signed(body: &str) -> String {
    sign(&creds(), URL, body, WebhookKind::Callback).unwrap().authorization
}

fn pair(id: &str, a: &str, b: &str) -> Value {
    json!({"id": id, "participants": [{"number": a}, {"number": b}]})
}

fn proxies(st: &mut MaskingState, req: Value, now: i64) -> Vec<String> {
    let a = st.create_session(&req, now).unwrap();
    a.session.participants.iter().map(|p| p.proxy.e164.clone()).collect()
}

#[test]
fn expiry_releases_like_a_close_and_the_cool_off_counts_from_it() {
    let cfg =
        json!({"not_allowed": {"fileId": "na"}, "allocation": {"geo_match": "off", "cooloff_seconds": 300}});
    let mut st = state(cfg, &["+41793026731", "+41793026732", "+41793026733"]);
    let mut first = pair("short", "+41791110001", "+41792220002");
    first["expires_at"] = json!(NOW + 10);
    assert_eq!(proxies(&mut st, first, NOW), ["+41793026731", "+41793026732"]);
    // 3 s after expiry: still resting (the bug handed them out again here).
    let later = NOW + 13;
    assert_eq!(st.session("short").unwrap().state_at(later), SessionState::Expired);
    assert_eq!(
        proxies(&mut st, pair("b", "+41791110003", "+41792220004"), later),
        ["+41793026733", "+41793026733"]
    );
    // After the cool-off from expires_at (NOW + 10 + 300), they are free again.
    assert_eq!(
        proxies(&mut st, pair("c", "+41791110005", "+41792220006"), NOW + 310),
        ["+41793026731", "+41793026732"]
    );
    // A close releases from closed_at, and only once.
    let closed = st.close_session("c", NOW + 400).unwrap();
    assert!(closed.changed);
    assert!(!st.close_session("c", NOW + 500).unwrap().changed);
    assert_eq!(st.session("c").unwrap().closed_at, Some(NOW + 400));
    let e = st.create_session(&pair("c", "+41791110007", "+41792220008"), NOW + 401).unwrap_err();
    assert_eq!((e.field.as_str(), e.code.as_str()), ("id", "duplicate_id"));
}

#[test]
fn replays_are_answered_from_the_first_record_then_refused() {
    let cfg = json!({"not_allowed": {"fileId": "na"}, "replay_window_seconds": 60});
    let mut st = state(cfg, &["+41793026731", "+41793026732"]);
    proxies(&mut st, pair("s", "+41791110001", "+41792220002"), NOW);
    let body = r#"{"from":"41791110001","to":"41793026731","correlationId":"c-1"}"#;
    let mut log: HashMap<String, Value> = HashMap::new();
    let first = st.callback(body, &signed(body), None, NOW, &mut |k| log.get(k).cloned()).unwrap();
    let record = first.record.clone().unwrap();
    assert_eq!(record.replay_key.as_deref(), Some("c-1"));
    log.insert("c-1".into(), serde_json::to_value(&record).unwrap());
    // The session closes; a replay still gets the first answer and nothing to log.
    st.close_session("s", NOW + 1).unwrap();
    let again = st.callback(body, &signed(body), None, NOW + 30, &mut |k| log.get(k).cloned()).unwrap();
    assert!(again.replayed && again.record.is_none());
    assert_eq!(again.response, first.response);
    let late = st.callback(body, &signed(body), None, NOW + 61, &mut |k| log.get(k).cloned()).unwrap();
    let refused = late.refused.unwrap();
    assert_eq!((refused.field.as_str(), refused.code.as_str()), ("authorization", "replayed"));
    assert_eq!(late.record.unwrap().outcome, "replay_refused");
    // A tampered replay never reaches the replay check.
    let e = st
        .callback(body, &signed("{}"), None, NOW, &mut |_| panic!("looked up before verifying"))
        .unwrap_err();
    assert_eq!(e.field, "authorization");
}

#[test]
fn pin_digits_never_leave_the_core() {
    let cfg = json!({"not_allowed": {"fileId": "na"},
        "pin": {"prompt": {"fileId": "p"}, "max_attempts": 5, "per_caller": 100, "per_proxy": 100}});
    let mut st = state(cfg, &["+41793026731", "+41793026732"]);
    let req = json!({"id": "p", "participants": [{"number": "+41791110001", "pin": "918273"}, {"number": "+41792220002"}]});
    let created = st.create_session(&req, NOW).unwrap();
    assert!(!serde_json::to_string(&created).unwrap().contains("918273"));
    let mut seen_keys = Vec::new();
    for (i, digits) in ["918273", "111111", "918274", "", "9182"].iter().enumerate() {
        let body = format!(
            r#"{{"from":"41797770003","to":"41793026731","correlationId":"c","dtmfCaptured":"{digits}"}}"#
        );
        let r = st.callback(&body, &signed(&body), None, NOW + i as i64, &mut |_| None).unwrap();
        let text = serde_json::to_string(&r).unwrap();
        assert!(digits.is_empty() || !text.contains(digits), "{digits} leaked: {text}");
        let record = r.record.unwrap();
        seen_keys.push(record.replay_key.unwrap());
        let want = if i == 0 { "pin_join" } else { "pin_prompt" };
        assert_eq!(record.outcome, want, "{digits}");
    }
    seen_keys.sort();
    seen_keys.dedup();
    assert_eq!(seen_keys.len(), 5, "each entry is its own callback for replay purposes");
    // The view shows that a PIN exists, not its hash.
    let views = st.session_views(None, NOW, &Viewer { role: None, unmask: true });
    assert_eq!(views[0]["participants"][0]["pin"], json!(true));
    assert!(views[0]["participants"][0].get("pin_hash").is_none());
}

#[test]
fn failure_counters_expire_with_their_window() {
    let cfg = json!({"not_allowed": {"fileId": "na"},
        "pin": {"prompt": {"fileId": "p"}, "max_attempts": 9, "per_caller": 2, "per_proxy": 100, "window_seconds": 100}});
    let mut st = state(cfg, &["+41793026731", "+41793026732"]);
    let req = json!({"id": "p", "participants": [{"number": "+41791110001", "pin": "4321"}, {"number": "+41792220002"}]});
    st.create_session(&req, NOW).unwrap();
    let call = |st: &mut MaskingState, id: &str, digits: &str, now: i64| {
        let body = format!(
            r#"{{"from":"41797770003","to":"41793026731","correlationId":"{id}","dtmfCaptured":"{digits}"}}"#
        );
        st.callback(&body, &signed(&body), None, now, &mut |_| None).unwrap().record.unwrap().outcome
    };
    assert_eq!(call(&mut st, "a", "0000", NOW), "pin_prompt");
    assert_eq!(call(&mut st, "b", "0001", NOW + 1), "pin_prompt");
    assert_eq!(call(&mut st, "c", "4321", NOW + 2), "pin_refused", "two failures: the caller is limited");
    assert_eq!(call(&mut st, "d", "4321", NOW + 101), "pin_join", "the window has passed");
}
