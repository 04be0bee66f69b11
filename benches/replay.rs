//! The what-if replay natively: the log of `bench/console.mjs` (100,000 inbound calls, two accounts, a share
//! anonymous or blocklisted) under the example policy and a draft that turns anonymous rejection on for acc-fr,
//! fed in 256 KiB chunks as the page feeds it. Also the two traced decisions per call the replay used to make,
//! for comparison, and the replay from rows (the worker's path). Run: `cargo bench --bench replay` (CALLS=100000 RUNS=5).

use cidguard::replay::Replay;
use cidguard::Engine;
use serde_json::Value;
use std::hint::black_box;
use std::time::Instant;

/// The log `bench/console.mjs` uploads (the same lines).
fn call_log(n: u64) -> String {
    let mut s = String::from("time,direction,account,caller_number,caller_name,dialled_number\n");
    let t0 = 1_796_083_200_000u64; // Date.UTC(2026, 11, 1)
    for i in 0..n {
        let t = (t0 + i * 25_000) / 1000;
        let caller = if i % 9 == 1 {
            "anonymous".to_owned()
        } else if i % 13 == 0 {
            "01 70 36 99 99".to_owned()
        } else {
            format!("06 {:02} {:02} 33 44", 10 + (i % 89), i % 100)
        };
        let account = if i % 3 != 0 { "acc-fr" } else { "acc-us" };
        let name = if i % 9 == 1 { "Anonymous".to_owned() } else { format!("Caller {i}") };
        s.push_str(&format!("{t},inbound,{account},{caller},{name},+33170000000\n"));
    }
    s
}

fn policies() -> (Value, Value) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/www/examples/policy.json");
    let base: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut draft = base.clone();
    draft["accounts"][0]["block_anonymous_caller_id"] = Value::Bool(true);
    (base, draft)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let calls: u64 = std::env::var("CALLS").ok().and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let runs: usize = std::env::var("RUNS").ok().and_then(|s| s.parse().ok()).unwrap_or(5);
    let (base, draft) = policies();
    let log = call_log(calls);
    let chunk = 256 << 10;

    let mut replays = Vec::new();
    let mut changed = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let mut r = Replay::new(&base, &draft, &Value::Null).unwrap();
        let mut at = 0;
        while at < log.len() {
            let mut end = (at + chunk).min(log.len());
            while !log.is_char_boundary(end) {
                end += 1;
            }
            r.feed(&log[at..end]).unwrap();
            at = end;
        }
        let report = black_box(r.finish().unwrap());
        replays.push(t.elapsed().as_secs_f64());
        assert_eq!(report.calls, calls);
        changed = report.changed_total;
    }
    let ms = median(replays) * 1e3;
    println!(
        "replay: {calls} calls ({:.1} MiB of CSV, {changed} changed) in {ms:.1} ms median of {runs} ({:.2} us/call)",
        log.len() as f64 / (1 << 20) as f64,
        ms * 1e3 / calls as f64
    );

    // From rows, as the worker replays: the stored policy as its settings, its lists' entries handed back
    // call by call by a row source (here a table filtered by lists and keys, standing for SQLite's seeks).
    let stored = cidguard::screening::lookup::split_policy(&base).unwrap();
    let mut from_rows = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let mut source = cidguard::replay::table_source(&stored.rows);
        let mut r = Replay::new(&stored.settings, &draft, &Value::Null).unwrap();
        let mut at = 0;
        while at < log.len() {
            let mut end = (at + chunk).min(log.len());
            while !log.is_char_boundary(end) {
                end += 1;
            }
            r.feed_rows(&log[at..end], &mut source).unwrap();
            at = end;
        }
        let report = black_box(r.finish_rows(&mut source).unwrap());
        from_rows.push(t.elapsed().as_secs_f64());
        assert_eq!(report.changed_total, changed, "the same report from rows");
    }
    let ms = median(from_rows) * 1e3;
    println!(
        "replay from rows: {calls} calls in {ms:.1} ms median of {runs} ({:.2} us/call)",
        ms * 1e3 / calls as f64
    );

    // Two decisions per call, the events already read: traced (what every call cost before) and untraced.
    let (eb, ed) = (Engine::new(&base).unwrap(), Engine::new(&draft).unwrap());
    // Read afresh for every run: an event keeps the numbers it normalised, and a run must not reuse them.
    let events = || -> Vec<_> {
        log.lines()
            .skip(1)
            .take(10_000)
            .map(|l| {
                let c: Vec<&str> = l.split(',').collect();
                cidguard::policy::read_event(&serde_json::json!({
                    "direction": c[1], "account": c[2], "caller_number": c[3], "caller_name": c[4], "dialled_number": c[5]
                }))
                .unwrap()
            })
            .collect()
    };
    let n = events().len() as f64;
    let (mut traced, mut untraced) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let evs = events();
        let t = Instant::now();
        for e in &evs {
            black_box(eb.decide(e).unwrap());
            black_box(ed.decide(e).unwrap());
        }
        traced.push(t.elapsed().as_secs_f64());
        let evs = events();
        let t = Instant::now();
        for e in &evs {
            black_box(eb.decide_untraced(e).unwrap());
            black_box(ed.decide_untraced(e).unwrap());
        }
        untraced.push(t.elapsed().as_secs_f64());
    }
    let us = |v: Vec<f64>| median(v) * 1e6 / n;
    println!(
        "two decisions per call (events already read): {:.2} us/call traced (Engine::decide), {:.2} us/call untraced",
        us(traced),
        us(untraced)
    );
}
