//! Native throughput of `phone::normalize` on the differential corpus (tests/phone/gen-corpus.mjs, generated
//! with Node when the bench starts). Run: `cargo bench --bench normalize`.

use cidguard::phone::{self, Country};
use std::hint::black_box;
use std::process::Command;
use std::time::Instant;

fn corpus() -> Vec<(String, String)> {
    let out = Command::new("node").arg("tests/phone/gen-corpus.mjs").output();
    let out = match out {
        Ok(o) if o.status.success() => o.stdout,
        Ok(o) => panic!("gen-corpus.mjs failed: {}", String::from_utf8_lossy(&o.stderr)),
        Err(e) => panic!("cannot run node: {e}"),
    };
    String::from_utf8_lossy(&out)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .map(|v| {
            let s = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_owned();
            (s("number"), s("country"))
        })
        .collect()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Nanoseconds this thread has run on a CPU (Linux `schedstat`): on a shared, loaded machine the wall clock
/// also counts time spent waiting for a core.
fn cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat").ok()?.split_whitespace().next()?.parse().ok()
}

fn bench(name: &str, n: usize, mut pass: impl FnMut() -> usize) {
    let mut wall = Vec::new();
    let mut cpu = Vec::new();
    let mut ok = 0;
    for _ in 0..15 {
        let (t, c) = (Instant::now(), cpu_ns());
        ok = pass();
        wall.push(n as f64 / t.elapsed().as_secs_f64());
        if let (Some(c0), Some(c1)) = (c, cpu_ns()) {
            cpu.push(n as f64 / ((c1 - c0).max(1) as f64 / 1e9));
        }
    }
    let cpu = if cpu.is_empty() { "n/a".to_owned() } else { format!("{:.0}", median(cpu)) };
    println!(
        "{name:<40} {:>10.0} numbers/s wall, {cpu:>10} numbers/s on-CPU (median of 15, {ok}/{n} parsed)",
        median(wall)
    );
}

fn main() {
    // `cargo test --all-targets` runs bench binaries without `--bench`: build-checked only, not timed.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let cases = corpus();
    let n = cases.len();
    println!("corpus: {n} inputs");
    bench("normalize(number, country) mixed", n, || {
        cases.iter().filter(|(num, c)| black_box(phone::normalize(black_box(num), c)).is_ok()).count()
    });
    let resolved: Vec<(String, Option<Country>)> =
        cases.iter().map(|(num, c)| (num.clone(), Country::parse(c).ok())).collect();
    bench("normalize_with(number, Country) mixed", n, || {
        resolved
            .iter()
            .filter_map(|(num, c)| c.map(|c| (num, c)))
            .filter(|(num, c)| black_box(phone::normalize_with(black_box(num), *c)).is_ok())
            .count()
    });
    let mut sorted = cases.clone();
    sorted.sort();
    bench("normalize(number, country) sorted", n, || {
        sorted.iter().filter(|(num, c)| black_box(phone::normalize(black_box(num), c)).is_ok()).count()
    });
}
