//! Screening at scale: one account blocklist of 1k, 100k and 1M entries (half written in national format,
//! half in +E.164, so every entry goes through normalisation). Build time (validation with normalisation,
//! then the index), lookup time (hits and misses, through the whole screening path and through the bare
//! index), and bytes per entry. Run: `cargo bench --bench screening` (`-- quick` stops at 100k).

use cidguard::policy::event::read_event;
use cidguard::policy::validate_policy;
use cidguard::screening::lists::E164;
use cidguard::screening::ScreeningIndex;
use cidguard::Engine;
use serde_json::{json, Value};
use std::hint::black_box;
use std::time::Instant;

/// The i-th listed number: distinct French mobile numbers spread over 06 and 07.
fn nsn(i: u64) -> String {
    let spread = i.wrapping_mul(2_654_435_761) % 100_000_000;
    format!("{}{:08}", 6 + (i % 2), spread)
}

fn policy(n: u64) -> Value {
    let numbers: Vec<Value> = (0..n)
        .map(|i| if i % 2 == 0 { json!(format!("0{}", nsn(i))) } else { json!(format!("+33{}", nsn(i))) })
        .collect();
    json!({
        "accounts": [{"id": "acc", "country": "FR", "blocklists": ["big"], "users": [{"id": "u"}]}],
        "blocklists": [{"id": "big", "name": "Big list", "numbers": numbers, "prefixes": ["+33899", "+3389"]}]
    })
}

fn secs(start: Instant) -> f64 {
    start.elapsed().as_secs_f64()
}

fn main() {
    let quick = std::env::args().any(|a| a == "quick");
    let sizes: &[u64] = if quick { &[1_000, 100_000] } else { &[1_000, 100_000, 1_000_000] };
    println!(
        "{:>9} {:>10} {:>10} {:>10} {:>11} {:>11} {:>11} {:>10} {:>10}",
        "entries",
        "validate s",
        "index ms",
        "engine s",
        "hit us",
        "miss us",
        "index ns",
        "table B/e",
        "entries B/e"
    );
    for &n in sizes {
        let doc = policy(n);
        let start = Instant::now();
        let validated = validate_policy(&doc).expect("valid policy");
        let validate_s = secs(start);
        let start = Instant::now();
        let index = ScreeningIndex::build(&validated);
        let index_ms = secs(start) * 1e3;
        let table_per_entry = index.table_bytes() as f64 / n as f64;
        let list = &validated.blocklists[0];
        let entry_heap: usize = list
            .numbers
            .iter()
            .map(|e| {
                std::mem::size_of_val(e) + e.number.capacity() + e.label.as_ref().map_or(0, |l| l.capacity())
            })
            .sum();
        let entries_per_entry = entry_heap as f64 / n as f64;
        let keys: Vec<E164> = list.numbers.iter().map(|e| e.e164).collect();
        drop(index);
        let start = Instant::now();
        let engine = Engine::from_policy(validated);
        let engine_s = validate_s + secs(start);

        let lookups = 200_000u64;
        let hits: Vec<_> = (0..1000u64)
            .map(|i| {
                let k = (i * 7919) % n;
                read_event(&json!({"direction": "inbound", "account": "acc", "caller_number": format!("+33 {}", nsn(k)), "destination_user": "u"}))
                    .expect("valid event")
            })
            .collect();
        let misses: Vec<_> = (0..1000u64)
            .map(|i| {
                read_event(&json!({"direction": "inbound", "account": "acc", "caller_number": format!("01{:08}", i), "destination_user": "u"}))
                    .expect("valid event")
            })
            .collect();
        let time = |events: &[cidguard::policy::event::CallEvent]| {
            let start = Instant::now();
            for i in 0..lookups {
                let e = &events[(i % events.len() as u64) as usize];
                black_box(engine.screen_event(black_box(e)).ok());
            }
            secs(start) * 1e6 / lookups as f64
        };
        let hit_us = time(&hits);
        let miss_us = time(&misses);
        let bare =
            cidguard::screening::index::KeyIndex::build(keys.iter().enumerate().map(|(i, k)| (*k, i as u32)));
        let start = Instant::now();
        let reps = 2_000_000u64;
        for i in 0..reps {
            black_box(bare.get(black_box(keys[((i * 7919) % n) as usize])));
        }
        let index_ns = secs(start) * 1e9 / reps as f64;
        println!("{n:>9} {validate_s:>10.3} {index_ms:>10.2} {engine_s:>10.3} {hit_us:>11.2} {miss_us:>11.2} {index_ns:>11.1} {table_per_entry:>10.1} {entries_per_entry:>10.1}");
    }
}
