//! Caller-ID privacy decisions per second with a typical policy: 10 accounts, 5 resources x 3 gateways, a
//! mix of outbound (through every gateway), inbound (SIP privacy facts) and emergency calls. `decide` adds
//! screening, whose cost on inbound calls is mostly normalising the caller number.
//! Run: `cargo bench --bench privacy`.

use cidguard::policy::event::read_event;
use cidguard::Engine;
use serde_json::{json, Value};
use std::hint::black_box;
use std::time::Instant;

const MODES: [Option<&str>; 5] = [None, Some("kazoo"), Some("hide_name"), Some("hide_number"), Some("sip")];
const COUNTRIES: [&str; 5] = ["FR", "US", "GB", "DE", "IN"];

fn policy() -> Value {
    let accounts: Vec<Value> = (0..10)
        .map(|i| json!({"id": format!("acc-{i}"), "country": COUNTRIES[i % 5], "privacy_mode": MODES[i % 5]}))
        .collect();
    let resources: Vec<Value> = (0..5)
        .map(|r| {
            let gateways: Vec<Value> = (0..3)
                .map(|g| json!({"id": format!("gw-{g}"), "privacy_mode": MODES[(r + g) % 5]}))
                .collect();
            json!({"id": format!("carrier-{r}"), "privacy_mode": MODES[(r + 2) % 5], "gateways": gateways})
        })
        .collect();
    json!({"system": {"privacy_mode": "kazoo"}, "accounts": accounts, "resources": resources})
}

fn events() -> Vec<Value> {
    let mut out = Vec::new();
    for i in 0..60 {
        let account = format!("acc-{}", i % 10);
        let e = match i % 4 {
            0 | 1 => json!({"direction": "outbound", "account": account, "caller_name": "Alice Martin",
                "caller_number": "+33639981234", "dialled_number": if i % 3 == 0 { "*67+14155550100" } else { "+14155550100" },
                "resource": format!("carrier-{}", i % 5), "gateway": format!("gw-{}", i % 3)}),
            2 => {
                json!({"direction": "inbound", "account": account, "caller_name": "Bob", "caller_number": "+14155550100",
                "sip": {"privacy": "id;critical", "remote_party_id": "\"Bob\" <sip:+14155550100@carrier.example>;privacy=full",
                        "presentation": "prohib_not_screened"}})
            }
            _ => {
                json!({"direction": "outbound", "account": account, "caller_name": "Carol", "caller_number": "1001",
                "dialled_number": "*67112", "hide_name": true})
            }
        };
        out.push(e);
    }
    out
}

fn rate(label: &str, n: usize, f: impl FnMut(usize)) {
    let mut f = f;
    for i in 0..n / 10 {
        f(i);
    }
    let start = Instant::now();
    for i in 0..n {
        f(i);
    }
    let secs = start.elapsed().as_secs_f64();
    println!("{label:<44} {:>10.0} decisions/s  {:>8.2} us/decision", n as f64 / secs, secs * 1e6 / n as f64);
}

fn main() {
    let policy = policy();
    let start = Instant::now();
    let engine = Engine::new(&policy).expect("valid policy");
    let first = start.elapsed().as_secs_f64() * 1e6;
    let start = Instant::now();
    let engine2 = Engine::new(&policy).expect("valid policy");
    let again = start.elapsed().as_secs_f64() * 1e6;
    black_box(engine2);
    println!("engine build, first (loads phone metadata)   {first:>10.1} us");
    println!("engine build (10 accounts, 5x3 gateways)     {again:>10.1} us");
    let json_events = events();
    let typed: Vec<_> = json_events.iter().map(|e| read_event(e).expect("valid event")).collect();
    let n = 200_000;
    rate("present (typed event, privacy only)", n, |i| {
        black_box(engine.present(black_box(&typed[i % typed.len()])).ok());
    });
    rate("decide (typed event, privacy + screening)", n, |i| {
        black_box(engine.decide(black_box(&typed[i % typed.len()])).ok());
    });
    rate("decide_json (event checked from JSON)", n, |i| {
        black_box(engine.decide_json(black_box(&json_events[i % json_events.len()])).ok());
    });
    rate("decide_json + serialise the decision to JSON", n, |i| {
        let d = engine.decide_json(&json_events[i % json_events.len()]).ok();
        black_box(serde_json::to_string(&d).ok());
    });
}
