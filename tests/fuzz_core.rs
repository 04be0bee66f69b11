//! Property/fuzz test of the core's JSON entry points: every exported function (each one named by a shared
//! vector file under tests/vectors/, through `exports::call`, the same entry the wasm exports use) is handed mutated
//! arguments: subtrees replaced by values of other types, huge and non-integral numbers, odd strings, unknown
//! and missing fields, deep nesting, long lists, dropped or extra arguments, malformed JSON text where a raw
//! body is expected. Every answer must be a value or a typed error (non-empty snake_case `code`, a message),
//! never a panic.
//!
//! `cargo test --test fuzz_core` runs a bounded budget (FUZZ_CORE_CASES, default 5,000); `make fuzz` runs
//! the long one (1,000,000 inputs, release build).
#![cfg(not(target_arch = "wasm32"))]

use cidguard::exports;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{json, Map, Value};
use std::path::Path;

/// Every (function, args) of the shared vectors: the seeds the mutations start from.
fn seeds() -> Vec<(String, Vec<Value>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let mut out = Vec::new();
    for path in files.iter().filter(|p| p.extension().is_some_and(|e| e == "json")) {
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let function = doc["function"].as_str().unwrap().to_owned();
        for case in doc["cases"].as_array().unwrap() {
            out.push((function.clone(), case["args"].as_array().unwrap().clone()));
        }
    }
    out
}

/// A small deterministic generator driven by the seed proptest hands us (fast enough for a million inputs).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // splitmix64
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
}

const ODD_STRINGS: &[&str] = &[
    "",
    " ",
    "+",
    "+0",
    "00",
    "anonymous",
    "+33639981234",
    "0639981234",
    "+999999999999999999999",
    "*67",
    "FR",
    "ZZ",
    "fr",
    "kazoo",
    "sip",
    "\u{0}",
    "\u{202e}+1",
    "١٢٣٤٥٦٧٨٩",
    "😀",
    "\\",
    "\"",
    "{}",
    "[]",
    "null",
    "1e309",
    "-0",
    "9007199254740993",
    "a:b",
    ":",
    "abc:0123456789abcdef",
    "https://",
    "javascript:alert(1)",
    "open",
    "closed",
    "dial",
    "audio",
    "%ZZ",
    "\u{FFFF}",
    "\t\n\r",
];

fn odd_number(r: &mut Rng) -> Value {
    match r.below(10) {
        0 => json!(u64::MAX),
        1 => json!(i64::MIN),
        2 => json!(1e308),
        3 => json!(-1e308),
        4 => json!(0.5),
        5 => json!(-1),
        6 => json!(0),
        7 => json!(f64::MIN_POSITIVE),
        8 => json!(4_294_967_296u64),
        _ => json!(r.next() as i64),
    }
}

fn odd_string(r: &mut Rng) -> String {
    match r.below(6) {
        0 => "9".repeat(r.below(5000)),
        1 => ODD_STRINGS[r.below(ODD_STRINGS.len())].repeat(1 + r.below(300)),
        2 => (0..r.below(40)).map(|_| char::from_u32(r.below(0x3000) as u32).unwrap_or('?')).collect(),
        _ => ODD_STRINGS[r.below(ODD_STRINGS.len())].to_owned(),
    }
}

/// A random JSON value of any type, nesting at most `depth`.
fn random_value(r: &mut Rng, depth: usize) -> Value {
    match r.below(if depth == 0 { 5 } else { 8 }) {
        0 => Value::Null,
        1 => Value::Bool(r.chance(2)),
        2 => odd_number(r),
        3 | 4 => Value::String(odd_string(r)),
        5 => Value::Array((0..r.below(4)).map(|_| random_value(r, depth - 1)).collect()),
        6 => {
            let mut m = Map::new();
            for _ in 0..r.below(4) {
                m.insert(odd_string(r), random_value(r, depth - 1));
            }
            Value::Object(m)
        }
        _ => {
            // Deep nesting (the worker refuses beyond 32 levels; the core must still not fall over at 64).
            let mut v = Value::Null;
            for _ in 0..r.below(64) {
                v = if r.chance(2) { json!([v]) } else { json!({ "a": v }) };
            }
            v
        }
    }
}

/// Counts the nodes of a value (to pick one uniformly).
fn count(v: &Value) -> usize {
    1 + match v {
        Value::Array(a) => a.iter().map(count).sum(),
        Value::Object(o) => o.values().map(count).sum(),
        _ => 0,
    }
}

/// The `n`th node of `v` in pre-order.
fn nth<'a>(v: &'a mut Value, n: &mut usize) -> Option<&'a mut Value> {
    if *n == 0 {
        return Some(v);
    }
    *n -= 1;
    match v {
        Value::Array(a) => a.iter_mut().find_map(|c| nth(c, n)),
        Value::Object(o) => o.values_mut().find_map(|c| nth(c, n)),
        _ => None,
    }
}

/// Applies one mutation at a random node of `v`.
fn mutate_value(r: &mut Rng, v: &mut Value) {
    let mut n = r.below(count(v));
    let node = nth(v, &mut n).expect("index within count");
    match r.below(9) {
        0 | 1 => *node = random_value(r, 3),
        2 => match node {
            Value::Object(o) if !o.is_empty() => {
                let k = o.keys().nth(r.below(o.len())).unwrap().clone();
                o.remove(&k);
            }
            Value::Array(a) if !a.is_empty() => {
                a.remove(r.below(a.len()));
            }
            _ => *node = Value::Null,
        },
        3 => match node {
            Value::Object(o) => {
                o.insert(odd_string(r), random_value(r, 2));
            }
            Value::Array(a) => a.push(random_value(r, 2)),
            _ => *node = json!([node.clone()]),
        },
        4 => match node {
            Value::Array(a) if !a.is_empty() => {
                let item = a[r.below(a.len())].clone();
                for _ in 0..r.below(300) {
                    a.push(item.clone());
                }
            }
            _ => *node = Value::Array(vec![node.clone(); r.below(5)]),
        },
        5 => match node {
            Value::String(s) => *s = mutate_text(r, s),
            _ => *node = Value::String(node.to_string()),
        },
        6 => match node {
            Value::Number(_) => *node = odd_number(r),
            Value::String(s) => *node = s.parse::<f64>().map(|f| json!(f)).unwrap_or(Value::Null),
            _ => *node = odd_number(r),
        },
        7 => match node {
            Value::Object(o) => {
                // Keep the keys, change every value's type.
                for val in o.values_mut() {
                    *val = random_value(r, 1);
                }
            }
            _ => *node = json!({}),
        },
        _ => {
            if let Some(text) = node.as_str().map(str::to_owned) {
                // A string that is itself JSON (a webhook body): mutate the document inside it.
                if let Ok(mut inner) = serde_json::from_str::<Value>(&text) {
                    mutate_value(r, &mut inner);
                    *node = Value::String(inner.to_string());
                    return;
                }
            }
            *node = Value::Bool(true);
        }
    }
}

/// Byte-level mutations of text: truncation (malformed JSON), insertion, deletion, duplication.
fn mutate_text(r: &mut Rng, s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let at = r.below(chars.len() + 1);
    let mut out: Vec<char> = chars.clone();
    match r.below(5) {
        0 => out.truncate(at),
        1 => {
            let ins: Vec<char> = odd_string(r).chars().take(50).collect();
            out.splice(at..at, ins);
        }
        2 if at < out.len() => {
            out.remove(at);
        }
        3 => {
            let c = ['{', '[', '"', '\\', ',', ':', '}', ']', '0', 'e', '-'][r.below(11)];
            out.insert(at, c);
        }
        _ => out = chars.iter().chain(chars.iter()).copied().collect(),
    }
    out.into_iter().collect()
}

/// One fuzz input: a seed's function and mutated arguments.
fn mutated(seeds: &[(String, Vec<Value>)], seed: u64) -> (String, Vec<Value>) {
    let mut r = Rng(seed);
    let (function, args) = &seeds[r.below(seeds.len())];
    let mut args = args.clone();
    let mut function = function.clone();
    for _ in 0..1 + r.below(4) {
        match r.below(20) {
            0 => {
                args.pop();
            }
            1 => args.push(random_value(&mut r, 2)),
            2 if args.len() > 1 => args.swap(0, 1),
            3 => function = mutate_text(&mut r, &function),
            _ if !args.is_empty() => {
                let i = r.below(args.len());
                mutate_value(&mut r, &mut args[i]);
            }
            _ => args.push(random_value(&mut r, 3)),
        }
    }
    (function, args)
}

fn check(function: &str, args: &[Value]) -> Result<(), TestCaseError> {
    match exports::call(function, args) {
        Ok(v) => {
            prop_assert!(serde_json::to_string(&v).is_ok());
        }
        Err(e) => {
            let e = e.first();
            prop_assert!(
                !e.code.is_empty() && e.code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{function}: untyped error code {:?}",
                e.code
            );
            prop_assert!(!e.message.is_empty(), "{function}: error without a message: {e:?}");
            // The core names a document's root "" (the vectors pin it; over HTTP the worker checks the top-level
            // type itself and names the body); anything else must name its field.
            prop_assert!(
                !e.field.is_empty() || e.code == "invalid_type",
                "{function}: error naming no field: {e:?}"
            );
            prop_assert!(e.code != "internal", "{function}: internal error on input: {e:?}");
        }
    }
    Ok(())
}

#[test]
fn every_json_entry_answers_mutated_input_with_a_value_or_a_typed_error() {
    let seeds = seeds();
    let functions: std::collections::BTreeSet<_> = seeds.iter().map(|(f, _)| f.as_str()).collect();
    assert!(functions.len() >= 20, "expected every exported function to have vectors, got {functions:?}");
    let cases = std::env::var("FUZZ_CORE_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(5_000);
    let mut runner = TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() });
    let started = std::time::Instant::now();
    let result = runner.run(&any::<u64>(), |seed| {
        let (function, args) = mutated(&seeds, seed);
        check(&function, &args).map_err(|e| {
            TestCaseError::fail(format!("{e}\nfunction {function:?}\nargs {}", Value::Array(args.clone())))
        })
    });
    eprintln!(
        "fuzz_core: {cases} mutated inputs over {} functions in {:.1} s",
        functions.len(),
        started.elapsed().as_secs_f64()
    );
    if let Err(e) = result {
        panic!("{e}");
    }
}
