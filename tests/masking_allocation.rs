//! Allocation of proxy numbers under the uniqueness rule, geo match, reservations, cool-off, stickiness,
//! and pool sizing.

use cidguard::exports::call;
use cidguard::masking::{read_pool, MaskingConfig, MaskingState, PoolNumber, Session};
use proptest::prelude::*;
use serde_json::{json, Value};
use std::collections::HashSet;

const NOW: i64 = 1_700_000_000;

fn config(allocation: Value) -> Value {
    json!({"not_allowed": {"fileId": "na"}, "allocation": allocation})
}

fn pool() -> Value {
    json!([
        {"number": "+12125550100", "area_code": "212"},
        {"number": "+41793026731", "area_code": "79"},
        {"number": "+41443026732", "area_code": "44"},
        {"number": "+41583026733", "reserved": true},
    ])
}

fn request(id: &str, a: &str, b: &str) -> Value {
    json!({"id": id, "participants": [{"number": a}, {"number": b}], "ttl_seconds": 3600})
}

fn allocate(
    cfg: Value,
    pool: Value,
    sessions: Value,
    req: Value,
    now: i64,
) -> Result<Value, cidguard::exports::ExportError> {
    call("allocateSession", &[cfg, pool, sessions, req, json!(now)])
}

fn proxies(a: &Value) -> (String, String) {
    let p = &a["session"]["participants"];
    (p[0]["proxy"].as_str().unwrap().to_owned(), p[1]["proxy"].as_str().unwrap().to_owned())
}

#[test]
fn geo_match_prefers_area_code_then_country() {
    let cfg = config(json!({"geo_match": "area_code"}));
    // A Zurich (44) landline and a Swiss mobile (79): each gets its own area's number.
    let a =
        allocate(cfg.clone(), pool(), json!([]), request("s1", "+41441234567", "+41797654321"), NOW).unwrap();
    assert_eq!(proxies(&a), ("+41443026732".into(), "+41793026731".into()));
    assert_eq!(a["session"]["status"], "open");
    assert_eq!(a["session"]["expires_at"], NOW + 3600);
    assert!(a["trace"][0]["detail"].as_str().unwrap().contains("area code 44"), "{}", a["trace"]);
    // A New York number gets the US number; a Geneva (22) number gets a Swiss one (country match).
    let a =
        allocate(cfg.clone(), pool(), json!([]), request("s2", "+12125551234", "+41221234567"), NOW).unwrap();
    assert_eq!(proxies(&a).0, "+12125550100");
    assert!(proxies(&a).1.starts_with("+41"));
    // With geo match off, pool order and load decide.
    let a = allocate(
        config(json!({"geo_match": "off"})),
        pool(),
        json!([]),
        request("s3", "+41441234567", "+41797654321"),
        NOW,
    )
    .unwrap();
    assert_eq!(proxies(&a), ("+12125550100".into(), "+41793026731".into()));
}

#[test]
fn a_participant_never_gets_a_proxy_it_holds_and_the_pool_runs_out_clearly() {
    let cfg = config(json!({"geo_match": "off"}));
    let mut sessions = vec![];
    let mut held = HashSet::new();
    // Three unreserved numbers: Alice can be in three live sessions at once, not four.
    for (i, partner) in ["+41791000001", "+41791000002", "+41791000003"].iter().enumerate() {
        let a = allocate(
            cfg.clone(),
            pool(),
            json!(sessions),
            request(&format!("s{i}"), "+41790000000", partner),
            NOW,
        )
        .unwrap();
        assert!(held.insert(proxies(&a).0.clone()), "Alice got {} twice", proxies(&a).0);
        sessions.push(a["session"].clone());
    }
    let e =
        allocate(cfg.clone(), pool(), json!(sessions), request("s4", "+41790000000", "+41791000004"), NOW)
            .unwrap_err();
    assert_eq!(e.first().field, "participants[0]");
    assert_eq!(e.first().code, "pool_exhausted");
    assert!(
        e.first().message.starts_with("pool exhausted for participant +41790000000"),
        "{}",
        e.first().message
    );
    assert!(e.first().message.contains("1 excluded from allocation"), "{}", e.first().message);
    // Once a session expires, its number is free for Alice again.
    let a = allocate(
        cfg.clone(),
        pool(),
        json!(sessions),
        request("s4", "+41790000000", "+41791000004"),
        NOW + 3600,
    )
    .unwrap();
    assert_eq!(proxies(&a).0, "+12125550100");
    // A reserved number is given only when asked for.
    let mut req = request("s5", "+41790000000", "+41791000005");
    req["participants"][0]["proxy"] = json!("+41583026733");
    let a = allocate(cfg, pool(), json!(sessions), req, NOW).unwrap();
    assert_eq!(proxies(&a).0, "+41583026733");
    assert_eq!(a["trace"][0]["outcome"], "pinned");
}

#[test]
fn cooloff_capacity_and_stickiness() {
    let mut p = pool();
    p[0]["last_released_at"] = json!(NOW - 10);
    let cfg = config(json!({"geo_match": "off", "cooloff_seconds": 60}));
    let a = allocate(cfg.clone(), p.clone(), json!([]), request("s1", "+41790000000", "+41791000001"), NOW)
        .unwrap();
    assert_eq!(proxies(&a).0, "+41793026731", "the resting number is skipped");
    let a =
        allocate(cfg, p.clone(), json!([]), request("s1", "+41790000000", "+41791000001"), NOW + 50).unwrap();
    assert_eq!(proxies(&a).0, "+12125550100", "rested");

    // Capacity: one assignment per number, so the second participant of a session needs another number.
    let cfg = config(json!({"geo_match": "off", "max_participants_per_number": 1}));
    let a = allocate(cfg, pool(), json!([]), request("s1", "+41790000000", "+41791000001"), NOW).unwrap();
    assert_eq!(proxies(&a), ("+12125550100".into(), "+41793026731".into()));

    // Sticky: Alice's closed session had +41443026732; she gets it back (even while it rests).
    let old = json!({"id": "old", "status": "closed", "participants": [
        {"number": "+41790000000", "proxy": "+41443026732"}, {"number": "+41791000009", "proxy": "+41793026731"}]});
    p[2]["last_released_at"] = json!(NOW - 1);
    let sticky = config(json!({"geo_match": "off", "sticky": true, "cooloff_seconds": 600}));
    let a =
        allocate(sticky, p.clone(), json!([old.clone()]), request("s2", "+41790000000", "+41791000001"), NOW)
            .unwrap();
    assert_eq!(proxies(&a).0, "+41443026732");
    assert!(a["trace"][0]["detail"].as_str().unwrap().contains("sticky"));
    let plain = config(json!({"geo_match": "off", "cooloff_seconds": 600}));
    let a = allocate(plain, p, json!([old]), request("s2", "+41790000000", "+41791000001"), NOW).unwrap();
    assert_ne!(proxies(&a).0, "+41443026732");
}

#[test]
fn requests_and_pools_are_checked() {
    let cfg = config(json!({}));
    for (req, field, code) in [
        (json!({"id": "x", "participants": [{"number": "+41790000000"}]}), "participants", "invalid_length"),
        (json!({"participants": [{"number": "+41790000000"}, {"number": "+41790000001"}]}), "id", "missing"),
        (
            json!({"id": "x", "participants": [{"number": "+41790000000", "proxy": "+41790000099"}, {"number": "+41790000001"}]}),
            "participants[0].proxy",
            "not_in_pool",
        ),
        (
            json!({"id": "x", "expires_at": 5, "ttl_seconds": 5, "participants": [{"number": "+41790000000"}, {"number": "+41790000001"}]}),
            "ttl_seconds",
            "mutually_exclusive",
        ),
    ] {
        let e = allocate(cfg.clone(), pool(), json!([]), req.clone(), NOW).unwrap_err();
        assert_eq!((e.first().field.as_str(), e.first().code.as_str()), (field, code), "{req}");
    }
    let e = read_pool(&json!([{"number": "+41793026731", "area_code": "44", "country": "Swiss"}, {"number": "+41 79 302 67 31"}])).unwrap_err();
    let got: Vec<(&str, &str)> = e.0.iter().map(|e| (e.field.as_str(), e.code.as_str())).collect();
    assert_eq!(
        got,
        [
            ("pool[0].country", "unknown_country"),
            ("pool[0].area_code", "mismatch"),
            ("pool[1].number", "duplicate")
        ]
    );
}

#[test]
fn a_pool_number_that_is_a_participant_is_never_its_proxy() {
    let p = json!([{"number": "+41790000000"}, {"number": "+41793026731"}]);
    let a = allocate(
        config(json!({"geo_match": "off"})),
        p,
        json!([]),
        request("s", "+41790000000", "+41791000001"),
        NOW,
    )
    .unwrap();
    assert_eq!(proxies(&a), ("+41793026731".into(), "+41793026731".into()));
}

#[test]
fn pool_sizing() {
    // Yelp: 10 per customer, 100 per business → 100 numbers, whatever the traffic.
    let r = call("poolSize", &[json!({"max_sessions_per_participant": 100, "peak_concurrent_calls": 300, "channels_per_number": 5})]).unwrap();
    assert_eq!(r["numbers"], 100);
    assert_eq!(r["binding"], "uniqueness");
    // 3600 calls/h of 180 s = 180 concurrent; 2 channels per number → 90 > 10.
    let r = call("poolSize", &[json!({"max_sessions_per_participant": 10, "calls_per_hour": 3600, "average_call_seconds": 180, "channels_per_number": 2, "headroom_percent": 20})]).unwrap();
    assert_eq!(r["by_call_capacity"], 90);
    assert_eq!(r["numbers"], 108);
    assert_eq!(r["binding"], "call_capacity");
    let r = call("poolSize", &[json!({"max_sessions_per_participant": 3, "live_participants": 1001, "max_participants_per_number": 100})]).unwrap();
    assert_eq!((r["numbers"].clone(), r["binding"].clone()), (json!(11), json!("participant_cap")));
    let e = call("poolSize", &[json!({"max_sessions_per_participant": 3, "channels_per_number": 0})])
        .unwrap_err();
    assert_eq!(e.first().field, "channels_per_number");
    let e = call("poolSize", &[json!({"max_sessions_per_participant": 3, "calls_per_hour": 5})]).unwrap_err();
    assert_eq!(e.first().field, "average_call_seconds");
}

/// One step of a random workload: open a session between two of 6 people, or close the n-th live one.
#[derive(Debug, Clone)]
enum Op {
    Open(usize, usize, Option<u16>),
    Close(usize),
    Tick(u16),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0usize..6, 0usize..6, proptest::option::of(1u16..500)).prop_map(|(a, b, t)| Op::Open(a, b, t)),
        2 => (0usize..64).prop_map(Op::Close),
        1 => (1u16..300).prop_map(Op::Tick),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
    /// After any sequence of allocations, closings and clock ticks on a 4-number pool, no (participant,
    /// proxy) pair is in two live sessions, and an allocation fails only when the pool really is exhausted
    /// for that participant.
    #[test]
    fn uniqueness_holds_under_any_workload(ops in proptest::collection::vec(op(), 1..60), sticky in any::<bool>()) {
        let people: Vec<String> = (0..6).map(|i| format!("+4179100000{i}")).collect();
        let pool_json = json!([{"number": "+41793026731"}, {"number": "+41793026732"}, {"number": "+41443026733"},
            {"number": "+12125550100"}]);
        let pool: Vec<PoolNumber> = read_pool(&pool_json).unwrap();
        let cfg = MaskingConfig::from_value(&config(json!({"sticky": sticky, "cooloff_seconds": 30}))).unwrap();
        let mut state = MaskingState::new(cfg, vec![]).unwrap();
        let mut now = NOW;
        for (n, op) in ops.into_iter().enumerate() {
            match op {
                Op::Open(a, b, ttl) => {
                    let (Some(pa), Some(pb)) = (people.get(a), people.get(b)) else { continue };
                    let mut req = json!({"id": format!("s{n}"), "participants": [{"number": pa}, {"number": pb}]});
                    if let Some(t) = ttl { req["ttl_seconds"] = json!(t); }
                    match state.allocate_from(&pool, &req, now) {
                        Ok(a) => state.upsert(a.session).unwrap(),
                        Err(e) if a == b => prop_assert_eq!(e.code, "duplicate"),
                        Err(e) => {
                            prop_assert_eq!(&e.code, "pool_exhausted");
                            // Exhausted means: every pool number is held by that participant or resting.
                            let who = if e.field == "participants[0]" { pa } else { pb };
                            let live = live_keys(state.sessions(), now);
                            for p in &pool {
                                // Released by a close or by an expiry alike: the cool-off counts from either.
                                let released = state.sessions().iter()
                                    .filter(|s| s.participants.iter().any(|q| q.proxy == p.number))
                                    .filter_map(|s| s.released_at(now)).max();
                                let resting = released.is_some_and(|t| t + 30 > now);
                                prop_assert!(resting || live.contains(&(who.clone(), p.number.e164.clone())),
                                    "{} was free for {}", p.number.e164, who);
                            }
                        }
                    }
                }
                Op::Close(k) => {
                    let live: Vec<Session> = state.sessions().iter().filter(|s| s.is_live(now)).cloned().collect();
                    if let Some(s) = live.get(k % live.len().max(1)) {
                        // The lifecycle closes it and records closed_at, which starts the cool-off.
                        let closed = state.close_session(&s.id, now).unwrap();
                        prop_assert!(closed.changed && closed.session.closed_at == Some(now));
                    }
                }
                Op::Tick(dt) => now += i64::from(dt),
            }
            let mut seen = HashSet::new();
            for s in state.sessions().iter().filter(|s| s.is_live(now)) {
                for p in &s.participants {
                    prop_assert!(seen.insert((p.number.e164.clone(), p.proxy.e164.clone())),
                        "{} holds {} twice", p.number.e164, p.proxy.e164);
                }
            }
        }
    }
}

fn live_keys(sessions: &[Session], now: i64) -> HashSet<(String, String)> {
    sessions
        .iter()
        .filter(|s| s.is_live(now))
        .flat_map(|s| s.participants.iter().map(|p| (p.number.e164.clone(), p.proxy.e164.clone())))
        .collect()
}

#[test]
fn an_allocated_session_routes_both_ways() {
    let mut req = request("ride-9", "+41441234567", "+41797654321");
    req["recording"] = json!({"enabled": true, "recordCalleeAnnouncement": false});
    req["announcements"] = json!({"caller": {"fileId": "a"}, "callee": {"fileId": "b"}});
    req["client_reference_id"] = json!("ride-9");
    req["fallback"] = json!({"action": "audio", "fileUrl": "https://example.com/over.mp3"});
    let cfg = config(json!({"geo_match": "area_code"}));
    let a = allocate(cfg.clone(), pool(), json!([]), req, NOW).unwrap();
    let (pa, pb) = proxies(&a);
    // The stored JSON is read back as it was written.
    let sessions = json!([a["session"].clone()]);
    let digits = |n: &str| n.trim_start_matches('+').to_owned();
    let r = call(
        "routeCallback",
        &[cfg.clone(), sessions.clone(), json!({"from": "41441234567", "to": digits(&pa)}), json!(NOW)],
    )
    .unwrap();
    assert_eq!(r["response"]["phoneNumber"], "41797654321");
    assert_eq!(r["response"]["callerId"], digits(&pb));
    assert_eq!(r["response"]["recording"], json!({"enabled": true, "recordCalleeAnnouncement": false}));
    let r = call(
        "routeCallback",
        &[cfg.clone(), sessions.clone(), json!({"from": "41797654321", "to": digits(&pb)}), json!(NOW)],
    )
    .unwrap();
    assert_eq!(r["response"]["phoneNumber"], "41441234567");
    assert_eq!(r["response"]["callerId"], digits(&pa));
    let r = call(
        "routeCallback",
        &[cfg, sessions, json!({"from": "41797654321", "to": digits(&pb)}), json!(NOW + 3600)],
    )
    .unwrap();
    assert_eq!(r["outcome"], "expired");
    assert_eq!(r["response"], json!({"command": "audio", "fileUrl": "https://example.com/over.mp3"}));
}
