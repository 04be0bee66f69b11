//! Callback payloads and routing: open, reversed, closed, expired, unknown and conflicting sessions.

use cidguard::exports::call;
use cidguard::masking::{MaskingConfig, MaskingState, RouteOutcome, Session};
use serde_json::{json, Value};

const NOW: i64 = 1_700_000_000;
// Alice and Bob are a rider and a driver; Carol is someone else.
const ALICE: &str = "+41793026727";
const BOB: &str = "+41793026785";
const CAROL: &str = "+41791112233";
const P1: &str = "+41793026731";
const P2: &str = "+41793026732";

fn config() -> Value {
    json!({
        "not_allowed": {"fileUrl": "https://example.com/not-allowed.mp3"},
        "closed_fallback": {"action": "dial", "number": "+41445550000"}
    })
}

fn session(id: &str, status: &str, expires_at: Option<i64>) -> Value {
    json!({
        "id": id, "status": status, "expires_at": expires_at,
        "participants": [{"number": ALICE, "proxy": P1}, {"number": BOB, "proxy": P2}],
        "client_reference_id": format!("ref-{id}")
    })
}

fn route(sessions: Value, from: &str, to: &str) -> Value {
    let cb = json!({"from": from.trim_start_matches('+'), "to": to.trim_start_matches('+'),
                    "nmCorrelationId": "nm-1", "correlationId": "c-1", "somethingNew": {"x": 1}});
    call("routeCallback", &[config(), sessions, cb, json!(NOW)]).unwrap()
}

#[test]
fn open_session_dials_the_other_participant_with_the_callback_number() {
    let r = route(json!([session("ride-1", "open", Some(NOW + 60))]), ALICE, P1);
    assert_eq!(r["outcome"], "connect");
    assert_eq!(r["session_id"], "ride-1");
    // Bob sees P2, the number through which he reaches Alice: calling it back works.
    assert_eq!(
        r["response"],
        json!({"command": "dial", "phoneNumber": "41793026785", "callerId": "41793026732", "clientReferenceId": "ref-ride-1"})
    );
    let rules: Vec<&str> =
        r["trace"].as_array().unwrap().iter().map(|s| s["rule"].as_str().unwrap()).collect();
    assert_eq!(rules, ["call", "session", "dial"]);
}

#[test]
fn reversed_direction_connects_back() {
    let r = route(json!([session("ride-1", "open", None)]), BOB, P2);
    assert_eq!(r["outcome"], "connect");
    assert_eq!(r["response"]["phoneNumber"], "41793026727");
    assert_eq!(r["response"]["callerId"], "41793026731");
}

#[test]
fn wrong_proxy_for_the_caller_is_not_a_session() {
    // Alice holds P1, not P2: (Alice, P2) is no routing key, whatever Bob holds.
    let r = route(json!([session("ride-1", "open", None)]), ALICE, P2);
    assert_eq!(r["outcome"], "unknown");
    assert_eq!(r["response"], json!({"command": "audio", "fileUrl": "https://example.com/not-allowed.mp3"}));
}

#[test]
fn unknown_caller_hears_not_allowed() {
    let r = route(json!([session("ride-1", "open", None)]), CAROL, P1);
    assert_eq!(r["outcome"], "unknown");
    assert_eq!(r["session_id"], Value::Null);
    assert_eq!(r["response"]["command"], "audio");
    assert_eq!(r["trace"][1]["outcome"], "none");
}

#[test]
fn closed_session_falls_back_to_the_call_centre() {
    let r = route(json!([session("ride-1", "closed", None)]), ALICE, P1);
    assert_eq!(r["outcome"], "closed");
    assert_eq!(
        r["response"],
        json!({"command": "dial", "phoneNumber": "41445550000", "callerId": "41793026731", "clientReferenceId": "ref-ride-1"})
    );
}

#[test]
fn expired_session_uses_its_own_fallback() {
    let mut s = session("ride-1", "open", Some(NOW));
    s["fallback"] = json!({"action": "audio", "fileId": "ride-over"});
    let r = route(json!([s]), ALICE, P1);
    assert_eq!(r["outcome"], "expired");
    assert_eq!(r["response"], json!({"command": "audio", "fileId": "ride-over"}));
    // One second earlier it connected.
    let live = call(
        "routeCallback",
        &[
            config(),
            json!([session("ride-1", "open", Some(NOW + 1))]),
            json!({"from": "41793026727", "to": "41793026731"}),
            json!(NOW),
        ],
    )
    .unwrap();
    assert_eq!(live["outcome"], "connect");
}

#[test]
fn no_fallback_configured_means_not_allowed() {
    let cfg = json!({"not_allowed": {"fileId": "na"}});
    let r = call(
        "routeCallback",
        &[
            cfg,
            json!([session("s", "closed", None)]),
            json!({"from": "41793026727", "to": "41793026731"}),
            json!(NOW),
        ],
    )
    .unwrap();
    assert_eq!(r["response"], json!({"command": "audio", "fileId": "na"}));
}

#[test]
fn a_live_session_wins_over_older_closed_ones_and_the_latest_closed_one_decides() {
    let mut old = session("old", "closed", None);
    old["fallback"] = json!({"action": "audio", "fileId": "old"});
    let mut newer = session("newer", "closed", None);
    newer["fallback"] = json!({"action": "audio", "fileId": "newer"});
    let r = route(json!([old.clone(), newer.clone()]), ALICE, P1);
    assert_eq!(r["session_id"], "newer");
    let r = route(json!([old, session("live", "open", Some(NOW + 5)), newer]), ALICE, P1);
    assert_eq!(r["session_id"], "live");
    assert_eq!(r["outcome"], "connect");
}

#[test]
fn two_live_sessions_on_one_key_never_guess() {
    // Allocation never produces this; state edited by hand might. Two open sessions without expiry are
    // refused when the state is built; with expiries that have not passed, routing refuses to pick.
    let e = call(
        "routeCallback",
        &[
            config(),
            json!([session("a", "open", None), session("b", "open", None)]),
            json!({"from": "41793026727", "to": "41793026731"}),
            json!(NOW),
        ],
    )
    .unwrap_err();
    assert_eq!(e.first().code, "conflict");
    assert_eq!(e.first().field, "sessions[1].participants[0].proxy");
    let r =
        route(json!([session("a", "open", Some(NOW + 9)), session("b", "open", Some(NOW + 9))]), ALICE, P1);
    assert_eq!(r["outcome"], "conflict");
    assert_eq!(r["response"]["command"], "audio");
}

#[test]
fn recording_needs_both_announcements() {
    let mut s = session("rec", "open", None);
    s["recording"] = json!({"enabled": true});
    s["announcements"] = json!({"caller": {"fileUrl": "https://example.com/rec.mp3"}});
    let e =
        call("routeCallback", &[config(), json!([s.clone()]), json!({"from": "1", "to": "2"}), json!(NOW)])
            .unwrap_err();
    assert_eq!(e.first().field, "sessions[0].announcements.callee");
    assert_eq!(e.first().code, "required_for_recording");
    s["announcements"]["callee"] = json!({"fileId": "callee-rec"});
    let r = route(json!([s]), ALICE, P1);
    assert_eq!(r["response"]["recording"], json!({"enabled": true, "recordCalleeAnnouncement": true}));
    assert_eq!(r["response"]["announcements"]["callee"], json!({"fileId": "callee-rec"}));
    assert_eq!(r["trace"][3]["rule"], "recording");
}

#[test]
fn sessions_report_every_problem_with_its_path() {
    let bad = json!([
        {"id": "x", "participants": [{"number": "0791234567", "proxy": P1}, {"number": BOB}]},
        {"id": "x", "status": "paused", "participants": [{"number": ALICE, "proxy": P1}, {"number": ALICE, "proxy": P2}],
         "client_reference_id": "r".repeat(201)},
    ]);
    let e = call("routeCallback", &[config(), bad, json!({"from": "1", "to": "2"}), json!(NOW)]).unwrap_err();
    let cidguard::exports::ExportError::Many(p) = e else { panic!("expected every problem") };
    let fields: Vec<(&str, &str)> = p.0.iter().map(|e| (e.field.as_str(), e.code.as_str())).collect();
    assert_eq!(
        fields,
        [
            ("sessions[0].participants[0].number", "not_international"),
            ("sessions[0].participants[1].proxy", "missing"),
            ("sessions[1].status", "unknown_value"),
            ("sessions[1].participants[1].number", "duplicate"),
            ("sessions[1].client_reference_id", "too_long"),
        ]
    );
}

#[test]
fn callback_payload_errors_name_the_field() {
    // A withheld or unusable caller is not an error: the call is real and gets the configured answer.
    for from in [json!(null), json!(""), json!("anonymous"), json!("Withheld"), json!("0793026727x")] {
        let cb = json!({"from": from, "to": "41793026731"});
        assert_eq!(call("parseCallback", &[cb]).unwrap(), json!({"from": null, "to": "+41793026731"}));
    }
    for (cb, field, code) in [
        (json!({"from": "41793026727"}), "to", "missing"),
        (json!({"from": 41793026727u64, "to": "41793026731"}), "from", "invalid_type"),
        (
            json!({"from": "41793026727", "to": "41793026731", "dtmfCaptured": "yes"}),
            "dtmfCaptured",
            "invalid_type",
        ),
        (json!("{\"from\": "), "body", "invalid_json"),
        (json!([1]), "body", "invalid_type"),
    ] {
        let e = call("parseCallback", std::slice::from_ref(&cb)).unwrap_err();
        assert_eq!((e.first().field.as_str(), e.first().code.as_str()), (field, code), "{cb}");
    }
    let ok = call("parseCallback", &[json!(r#"{"from":"40257076838","to":"40257879513","nmCorrelationId":"n","correlationId":"c","dtmfCaptured":true,"extra":[]}"#)]).unwrap();
    assert_eq!(
        ok,
        json!({"from": "+40257076838", "to": "+40257879513", "nmCorrelationId": "n", "correlationId": "c", "dtmfCaptured": true})
    );
}

#[test]
fn status_message_reads_every_field() {
    let seed = include_str!("fixtures/masking/status_original.json");
    let s = call("parseStatus", &[json!(seed)]).unwrap();
    assert_eq!(s["action"], "dial");
    assert_eq!(s["from"], "+41793026727");
    assert_eq!(s["transferTo"], "+41793026785");
    assert_eq!(s["duration"], 15); // sent as "15"
    assert_eq!(s["inboundDuration"], 30); // repeated: the last one, "30", as JSON.parse does
    assert_eq!(s["calculatedDuration"], 15);
    assert_eq!(s["pricePerSecond"], 0.0);
    assert_eq!(s["currency"], "EUR");
    assert_eq!(s["fileId"], Value::Null);
    assert_eq!(s["answeredTime"], "2018-01-01 12:00:10");
    let full = json!({"action": "audio", "from": "41793026727", "to": "41793026731", "fileID": "f-1",
        "recordingFileId": "r-1", "recordingStatus": "SFTP", "recordCalleeAnnouncement": false,
        "machineDetectionResult": "HUMAN", "clientReferenceId": "ride-1", "status": "no answer"});
    let s = call("parseStatus", &[full]).unwrap();
    assert_eq!(s["fileId"], "f-1");
    assert_eq!(s["recordingStatus"], "SFTP");
    assert_eq!(s["recordCalleeAnnouncement"], false);
    assert_eq!(s["clientReferenceId"], "ride-1");
    let e = call("parseStatus", &[json!({"from": "41793026727", "to": "41793026731", "duration": "long"})])
        .unwrap_err();
    assert_eq!((e.first().field.as_str(), e.first().code.as_str()), ("duration", "invalid_type"));
    let e = call(
        "parseStatus",
        &[json!({"from": "41793026727", "to": "41793026731", "fileID": "a", "fileId": "b"})],
    )
    .unwrap_err();
    assert_eq!(e.first().code, "mismatch");
}

#[test]
fn callback_responses_follow_infobip_schema() {
    let dtmf = json!({"command": "captureDtmf", "fileUrl": "https://example.com/pin.mp3", "timeout": 5000, "terminator": "#"});
    assert_eq!(
        call("parseCallbackResponse", &[dtmf]).unwrap(),
        json!({"command": "captureDtmf", "fileUrl": "https://example.com/pin.mp3", "maxLength": 15, "timeout": 5000, "terminator": "#"})
    );
    for (resp, field, code) in [
        (json!({"command": "play", "fileId": "x"}), "command", "unknown_value"),
        (json!({"command": "audio"}), "fileUrl", "missing"),
        (json!({"command": "audio", "fileId": "a", "fileUrl": "b"}), "fileUrl", "mutually_exclusive"),
        (json!({"command": "dial", "phoneNumber": "41793026785"}), "callerId", "missing"),
        (
            json!({"command": "dial", "phoneNumber": "41793026785", "callerId": "41793026731", "recording": {"enabled": true}}),
            "announcements.caller",
            "required_for_recording",
        ),
        (
            json!({"command": "dial", "phoneNumber": "41793026785", "callerId": "41793026731", "clientReferenceId": "x".repeat(201)}),
            "clientReferenceId",
            "too_long",
        ),
        (json!({"command": "captureDtmf", "fileId": "x"}), "timeout", "missing"),
    ] {
        let e = call("parseCallbackResponse", std::slice::from_ref(&resp)).unwrap_err();
        assert_eq!((e.first().field.as_str(), e.first().code.as_str()), (field, code), "{resp}");
    }
    let ok = json!({"command": "dial", "phoneNumber": "41793026785", "callerId": "41793026731", "clientReferenceId": "x".repeat(200)});
    assert!(call("parseCallbackResponse", &[ok]).is_ok());
}

#[test]
fn thousands_of_sessions_route_through_the_index() {
    let config = MaskingConfig::from_value(&config()).unwrap();
    let mut sessions = Vec::new();
    for i in 0..3_000u64 {
        let v = json!({"id": format!("s{i}"), "expires_at": NOW + 3600, "participants": [
            {"number": format!("+4179{:07}", i), "proxy": format!("+4144{:07}", i % 50)},
            {"number": format!("+4178{:07}", i), "proxy": format!("+4144{:07}", (i + 1) % 50)}]});
        sessions.push(cidguard::masking::session::read_one_session(&v, "s").unwrap());
    }
    let state = MaskingState::new(config, sessions).unwrap();
    let cb = cidguard::masking::parse_callback(r#"{"from":"41780002876","to":"41440000027"}"#).unwrap();
    let r = state.route(&cb, NOW);
    assert_eq!(r.outcome, RouteOutcome::Connect);
    assert_eq!(r.session_id.as_deref(), Some("s2876"));
    assert_eq!(serde_json::to_value(&r.response).unwrap()["phoneNumber"], "41790002876");
}

#[test]
fn upsert_closes_and_reopens() {
    let config = MaskingConfig::from_value(&config()).unwrap();
    let read = |v: Value| -> Session { cidguard::masking::session::read_one_session(&v, "s").unwrap() };
    let mut state = MaskingState::new(config, vec![read(session("ride-1", "open", None))]).unwrap();
    let cb = cidguard::masking::parse_callback(r#"{"from":"41793026727","to":"41793026731"}"#).unwrap();
    assert_eq!(state.route(&cb, NOW).outcome, RouteOutcome::Connect);
    state.upsert(read(session("ride-1", "closed", None))).unwrap();
    assert_eq!(state.route(&cb, NOW).outcome, RouteOutcome::Closed);
    assert_eq!(state.sessions().len(), 1);
    // A second never-expiring open session on the same key is refused and changes nothing.
    state.upsert(read(session("ride-2", "open", None))).unwrap();
    let e = state.upsert(read(session("ride-3", "open", None))).unwrap_err();
    assert_eq!(e.code, "conflict");
    assert_eq!(state.sessions().len(), 2);
    assert_eq!(state.route(&cb, NOW).session_id.as_deref(), Some("ride-2"));
}
