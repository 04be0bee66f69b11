//! Number-masking core benchmark: callback handling end to end (verify signature + parse + route +
//! serialise the response) with 10k open sessions, plus its parts, state building, allocation and display
//! masking. Plain `std::time::Instant`; run with `cargo bench --bench masking`.

use cidguard::exports::masking::state_from_init;
use cidguard::masking::{mask, read_pool, sign, verify, Credentials, DisplayPolicy, WebhookKind};
use serde_json::{json, Value};
use std::hint::black_box;
use std::time::{Duration, Instant};

const SESSIONS: u64 = 10_000;
const POOL: u64 = 200;
const NOW: i64 = 1_700_000_000;
const URL: &str = "https://masking.example.com/infobip/callback";

fn sessions() -> Value {
    // 10k riders each paired with one of 2k drivers (5 live sessions per driver); proxies from a 200-number
    // pool, chosen so no participant holds one proxy twice.
    Value::Array(
        (0..SESSIONS)
            .map(|i| {
                json!({"id": format!("ride-{i}"), "expires_at": NOW + 3600, "client_reference_id": format!("ride-{i}"),
                "participants": [
                    {"number": format!("+4179{:07}", i), "proxy": format!("+4144{:07}", i % POOL)},
                    {"number": format!("+4178{:07}", i % 2000), "proxy": format!("+4144{:07}", (i / 2000 + i) % POOL)}]})
            })
            .collect(),
    )
}

/// Runs `f` repeatedly for about `budget`, returning (iterations, per-op time).
fn measure(budget: Duration, mut f: impl FnMut(u64)) -> (u64, Duration) {
    let start = Instant::now();
    let mut n = 0;
    while start.elapsed() < budget {
        for _ in 0..64 {
            f(n);
            n += 1;
        }
    }
    (n, start.elapsed() / u32::try_from(n).unwrap_or(u32::MAX))
}

fn report(name: &str, (n, per): (u64, Duration)) {
    let ops = 1.0 / per.as_secs_f64();
    println!("{name:<58} {:>10.2} µs/op {:>12.0} ops/s  ({n} ops)", per.as_secs_f64() * 1e6, ops);
}

fn main() {
    let config = json!({"not_allowed": {"fileUrl": "https://example.com/na.mp3"},
        "closed_fallback": {"action": "dial", "number": "+41445550000"}});
    let sessions = sessions();
    let t = Instant::now();
    let init = json!({"config": config, "sessions": sessions, "webhook": {"url": URL,
        "apiId": "55ddccad2df62a4b615b7e3c472b2ab6", "key": "5da086b6a8e4424993646b8699c333ca"}});
    let mut st = state_from_init(&init).expect("state");
    println!("build MaskingState from JSON, {SESSIONS} sessions: {:.1} ms", t.elapsed().as_secs_f64() * 1e3);

    let creds =
        Credentials::new("55ddccad2df62a4b615b7e3c472b2ab6", "5da086b6a8e4424993646b8699c333ca").unwrap();
    // 1000 distinct signed callbacks: each rider calling its proxy, with Infobip's ids.
    let bodies: Vec<(String, String)> = (0..1000u64)
        .map(|k| {
            let i = k * 7 % SESSIONS;
            let body = format!(
                r#"{{"from":"4179{:07}","to":"4144{:07}","nmCorrelationId":"7cb72e4b-cf9f-40b6-9fc4-{:012}","correlationId":"0f754338-1aff-4e09-a933-{:012}"}}"#,
                i, i % POOL, k, k
            );
            let auth = sign(&creds, URL, &body, WebhookKind::Callback).unwrap().authorization;
            (body, auth)
        })
        .collect();
    let budget = Duration::from_millis(1500);
    let pick = |n: u64| bodies.get(usize::try_from(n % 1000).unwrap_or(0)).expect("body");

    report(
        "end to end: verify + parse + route + serialise response",
        measure(budget, |n| {
            let (body, auth) = pick(n);
            verify(&creds, URL, body, WebhookKind::Callback, auth).expect("valid");
            let routing = st.route_body(body, NOW).expect("routed");
            assert_eq!(routing.outcome, cidguard::masking::RouteOutcome::Connect);
            black_box(routing.response.to_json());
        }),
    );
    report(
        "  verify signature only",
        measure(budget, |n| {
            let (body, auth) = pick(n);
            black_box(verify(&creds, URL, body, WebhookKind::Callback, auth).is_ok());
        }),
    );
    report(
        "  parse callback only (numbers of known sessions)",
        measure(budget, |n| {
            black_box(st.parse_callback(&pick(n).0).expect("parsed"));
        }),
    );
    report(
        "  parse callback, numbers normalised in full",
        measure(budget, |n| {
            black_box(cidguard::masking::parse_callback(&pick(n).0).expect("parsed"));
        }),
    );
    let parsed: Vec<_> = bodies.iter().map(|(b, _)| cidguard::masking::parse_callback(b).unwrap()).collect();
    report(
        "  route a parsed callback (index lookup + response)",
        measure(budget, |n| {
            let cb = parsed.get(usize::try_from(n % 1000).unwrap_or(0)).expect("cb");
            black_box(st.route(cb, NOW));
        }),
    );
    report(
        "end to end: handle_callback, whole Routing as JSON (= wasm path)",
        measure(budget, |n| {
            let (body, auth) = pick(n);
            black_box(st.handle_callback(body, auth, NOW).expect("routed").to_json());
        }),
    );

    let pool =
        read_pool(&Value::Array((0..POOL).map(|i| json!({"number": format!("+4144{:07}", i)})).collect()))
            .unwrap();
    st.set_pool(pool);
    report(
        "allocate a session (200-number pool, 10k live sessions)",
        measure(budget, |n| {
            let req = json!({"id": format!("new-{n}"), "participants": [{"number": "+41790000001"}, {"number": format!("+4177{:07}", n % 1000)}]});
            black_box(st.allocate(&req, NOW).expect("allocated"));
        }),
    );

    let replacement =
        DisplayPolicy::Replacement { show_first: 3, show_last: 2, unmask_roles: vec!["supervisor".into()] };
    let random = DisplayPolicy::Random { length: 12, unmask_roles: vec![] };
    report(
        "display mask, replacement",
        measure(budget, |_| {
            black_box(mask(&replacement, "+41793026727", Some("agent"), None).expect("masked"));
        }),
    );
    report(
        "display mask, random (HMAC-SHA256 token)",
        measure(budget, |_| {
            black_box(mask(&random, "+41793026727", Some("agent"), Some("secret")).expect("masked"));
        }),
    );
}
