//! Deciding from stored rows against deciding from a document that carries the lists: the core's per-call cost
//! of `lookup_keys` + `decide_rows` (with the rows a store returns for the call) next to `decide` on the engine
//! compiled with the whole lists, for lists of 1k and 100k entries. The row path's cost does not depend on the
//! list size (the store's lookups are measured over HTTP by bench/blocklists.mjs). Run: `cargo bench --bench lookup`.

use cidguard::screening::lookup::split_policy;
use cidguard::Engine;
use serde_json::{json, Value};
use std::hint::black_box;
use std::time::Instant;

fn policy(n: u64) -> Value {
    let numbers: Vec<Value> = (0..n).map(|i| json!(format!("+1{}", 2_010_000_000 + i))).collect();
    let user: Vec<Value> = (0..n)
        .map(|i| json!({"id": format!("e{i}"), "number": format!("+1{}", 3_010_000_000 + i)}))
        .collect();
    json!({
        "accounts": [{"id": "acc", "country": "US", "blocklists": ["big"], "users": [{"id": "u", "blocklist": user}]}],
        "blocklists": [{"id": "big", "name": "Big list", "numbers": numbers, "prefixes": ["+1900"]}]
    })
}

fn per_call(mut f: impl FnMut(u64)) -> f64 {
    let rounds = 20_000u64;
    for i in 0..1000 {
        f(i);
    }
    let t0 = Instant::now();
    for i in 0..rounds {
        f(i);
    }
    t0.elapsed().as_secs_f64() * 1e6 / rounds as f64
}

fn main() {
    for n in [1_000u64, 100_000] {
        let doc = policy(n);
        let whole = Engine::new(&doc).unwrap();
        let split = split_policy(&doc).unwrap();
        let settings = Engine::new(&split.settings).unwrap();
        let event = |i: u64| {
            let caller = if i % 2 == 0 { 2_010_000_000 + (i * 7919) % n } else { 4_010_000_000 + i };
            json!({"direction": "inbound", "account": "acc", "caller_number": format!("+1{caller}"), "destination_user": "u"})
        };
        let events: Vec<Value> = (0..64).map(event).collect();
        let rows: Vec<Value> = events
            .iter()
            .map(|e| {
                let keys = settings.lookup_keys_json(e).unwrap();
                let found: Vec<_> = split
                    .rows
                    .iter()
                    .filter(|r| keys.lists.contains(&r.list) && keys.keys.contains(&r.e164))
                    .collect();
                serde_json::to_value(found).unwrap()
            })
            .collect();
        let doc_us = per_call(|i| {
            black_box(whole.decide_json(&events[(i % 64) as usize]).unwrap());
        });
        let rows_us = per_call(|i| {
            let e = &events[(i % 64) as usize];
            black_box(settings.lookup_keys_json(e).unwrap());
            black_box(settings.decide_rows_json(e, &rows[(i % 64) as usize]).unwrap());
        });
        println!(
            "lists of {n}: decide on the whole document {doc_us:.2} µs/call; lookup keys + decide from rows {rows_us:.2} µs/call"
        );
    }
}
