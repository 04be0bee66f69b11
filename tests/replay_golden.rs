//! The replay's report is byte-identical across implementations: generated 10,000-call logs (plain columns
//! with SIP headers, and a Kazoo CDR export) are replayed under policy pairs that change every kind of outcome
//! (anonymous rejection, blocklists, prefixes, allowlist, user blocklists, privacy modes per level, feature
//! codes, emergency calls), with bad lines mixed in; the SHA-256 of each report's JSON text must equal the
//! digest recorded from the reference implementation (two fully traced decisions per call). Every changed call
//! is kept (`max_changed` 10,000), so the digest covers the whole changed-call list, the counts and the chart
//! series. The reports are also checked against a reference replay built here from `Engine::decide`.

use cidguard::replay::{replay, Replay};
use cidguard::Engine;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// A small deterministic generator (64-bit LCG), so the logs are the same on every run.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

fn base_policy() -> Value {
    json!({
        "system": {
            "anonymous_name": "anonymous", "anonymous_number": "0000000000", "privacy_feature_codes": ["*67", "#31#"],
            "check_additional_anonymous_cid_names": true,
            "anonymous_cid_names": ["anonymous", "restricted", "unavailable"],
            "check_additional_anonymous_cid_numbers": true, "anonymous_cid_numbers": ["0000000000", "+266696687"]
        },
        "accounts": [
            {
                "id": "acc-fr", "country": "FR", "blocklists": ["spam", "premium"],
                "in_callerid": [{ "match": "XXXXXXXXX", "strip": 0, "add": "0" }],
                "allowlist": { "numbers": [{ "number": "06 11 22 33 44", "label": "doctor" }] },
                "users": [
                    { "id": "u-alice", "blocklist": [{ "id": "e1", "number": "+33639981299", "label": "ex" }] },
                    { "id": "u-bob" }
                ]
            },
            {
                "id": "acc-us", "country": "US", "privacy_mode": "hide_name", "anonymous_name": "Withheld",
                "block_anonymous_caller_id": true, "blocklists": ["us-robocalls"]
            },
            { "id": "acc-gb", "country": "GB" }
        ],
        "resources": [{
            "id": "carrier-a", "privacy_mode": "hide_number",
            "gateways": [{ "id": "gw-1" }, { "id": "gw-2", "privacy_mode": "hide_name" },
                         { "id": "gw-3", "privacy_mode": "sip", "trusted": true }]
        }],
        "blocklists": [
            { "id": "spam", "name": "Spam", "numbers": ["01 70 36 99 99", { "number": "+44 7700 900123", "label": "bad" }] },
            { "id": "premium", "name": "Premium rate", "prefixes": [{ "prefix": "+33899", "label": "surtaxe" }] },
            { "id": "us-robocalls", "name": "US robocalls", "numbers": ["(415) 555-0100"], "prefixes": ["+1900"] },
            { "id": "uk", "name": "UK nuisance", "country": "GB", "block_anonymous": true, "numbers": ["+44 20 7946 0000"], "prefixes": ["+4487"] }
        ]
    })
}

/// Policy pairs: (name, baseline, candidate).
fn pairs() -> Vec<(&'static str, Value, Value)> {
    let base = base_policy();
    let mut anon = base.clone();
    anon["accounts"][0]["block_anonymous_caller_id"] = json!(true);
    let mut wide = base.clone();
    wide["system"]["privacy_mode"] = json!("hide_number");
    wide["accounts"][0]["privacy_mode"] = json!("sip");
    wide["accounts"][0]["blocklists"] = json!(["premium", "spam", "uk"]);
    wide["accounts"][0]["allowlist"] = json!({ "numbers": [], "prefixes": ["+3361122"] });
    wide["accounts"][0]["users"][1]["blocklist"] = json!([{ "id": "b1", "number": "+33612000007" }]);
    wide["accounts"][1]["block_anonymous_caller_id"] = json!(false);
    wide["accounts"][2]["blocklists"] = json!(["uk"]);
    wide["resources"][0]["gateways"][0]["privacy_mode"] = json!("sip");
    wide["resources"][0]["gateways"][2]["trusted"] = json!(false);
    wide["system"]["privacy_feature_codes"] = json!(["*67"]);
    wide["system"]["emergency_numbers"] = json!({ "FR": ["112", "15", "17", "18", "3624"] });
    vec![("anonymous", base.clone(), anon), ("wide", base, wide)]
}

fn caller(g: &mut Gen, i: u64) -> String {
    match g.below(16) {
        0 => "anonymous".into(),
        1 => "".into(),
        2 => "01 70 36 99 99".into(),
        3 => "+33 8 99 12 34 56".into(),
        4 => "06 11 22 33 44".into(),
        5 => "+33639981299".into(),
        6 => "(415) 555-0100".into(),
        7 => "+1 900 555 0123".into(),
        8 => "+44 20 7946 0000".into(),
        9 => "+44 87 1234 5678".into(),
        10 => "612000007".into(),
        11 => "0000000000".into(),
        12 => "Restricted".into(),
        13 => format!("+1 212 555 {:04}", i % 10_000),
        _ => format!("06 {:02} {:02} {:02} {:02}", 10 + i % 89, i % 100, (i / 7) % 100, (i / 3) % 100),
    }
}

/// The plain-column log: SIP headers, resources and gateways, users, feature codes, a few bad lines.
fn plain_log(n: u64) -> String {
    let mut g = Gen(13);
    let mut s = String::from(
        "time,direction,account,caller_number,caller_name,dialled_number,destination_user,resource,gateway,sip_privacy,p_asserted_identity,remote_party_id\r\n",
    );
    let t0 = 1_796_378_400u64;
    for i in 0..n {
        let t = t0 + i * 37 + g.below(30);
        let time = if i % 5 == 0 {
            let (d, h, m) = (1 + (t / 86_400) % 28, (t / 3600) % 24, (t / 60) % 60);
            format!("2026-12-{d:02}T{h:02}:{m:02}:{:02}Z", t % 60)
        } else {
            t.to_string()
        };
        let direction = match g.below(10) {
            0..=5 => "inbound",
            6..=7 => "outbound",
            8 => "internal",
            _ => "INBOUND",
        };
        let account = if i % 50 == 7 { "" } else { g.pick(&["acc-fr", "acc-fr", "acc-us", "acc-gb"]) };
        let number = caller(&mut g, i);
        let name = match g.below(6) {
            0 => "Anonymous".to_owned(),
            1 => String::new(),
            2 => "\"Dupont, Zoë\"".to_owned(),
            _ => format!("Caller {i}"),
        };
        let dialled = match (direction, g.below(8)) {
            ("outbound", 0) => "*67+14155550100".to_owned(),
            ("outbound", 1) => "#31# 0612345678".to_owned(),
            ("outbound", 2) => "112".to_owned(),
            ("outbound", 3) => "3624".to_owned(),
            (_, 4) => String::new(),
            _ => "+33170000000".to_owned(),
        };
        let user = if direction == "outbound" { "" } else { g.pick(&["", "", "u-alice", "u-bob"]) };
        let user = if account == "acc-fr" { user } else { "" };
        let (resource, gateway) = if direction == "outbound" {
            ("carrier-a", g.pick(&["", "gw-1", "gw-2", "gw-3"]))
        } else {
            ("", "")
        };
        let privacy = g.pick(&["", "", "", "id", "none", "user;critical", "id;none", "session"]);
        let pai = g.pick(&["", "", "\"Real Name\" <sip:+33612345678@carrier.example>", "<tel:+14155550100>"]);
        let rpid = g.pick(&["", "", "", "<sip:1000@pbx>;privacy=full", "<sip:1000@pbx>;privacy=off"]);
        let mut line = format!(
            "{time},{direction},{account},{number},{name},{dialled},{user},{resource},{gateway},{privacy},\"{}\",{rpid}",
            pai.replace('"', "\"\"")
        );
        match i % 997 {
            13 => line = format!("yesterday,inbound,acc-fr,{number},X,+33170000000,,,,,,"),
            14 => line = "1796378400,sideways,acc-fr,0170369999,X,+33170000000,,,,,,".into(),
            15 => line = "1796378400,inbound,acc-xx,0170369999,X,+33170000000,,,,,,".into(),
            16 => line = "1796378400,inbound,acc-fr,0170369999".into(),
            17 => line = "1796378400,inbound,acc-fr,\"0170369999,X,+33170000000,,,,,,".into(),
            18 => line = "1796378400,inbound,acc-fr,0170369999,X,+33170000000,u-nobody,,,,,".into(),
            19 => line = String::new(),
            _ => {}
        }
        s.push_str(&line);
        s.push_str(if i % 2 == 0 { "\r\n" } else { "\n" });
    }
    s
}

/// A Kazoo CDR export (Gregorian seconds, call_direction, owner_id), with an extra column the replay ignores.
fn kazoo_log(n: u64) -> String {
    let mut g = Gen(71);
    let mut s = String::from(
        "\u{feff}Timestamp,Call_Direction,Account_ID,Caller_ID_Number,Caller_ID_Name,Callee_ID_Number,Owner_ID,Hangup_Cause\n",
    );
    for i in 0..n {
        let t = 62_167_219_200 + 1_796_378_400 + i * 53;
        let direction = g.pick(&["inbound", "inbound", "outbound"]);
        let account = g.pick(&["acc-fr", "acc-us", "acc-gb"]);
        let number = caller(&mut g, i);
        let name = g.pick(&["", "Anonymous", "Unavailable", "Bob"]);
        let owner = if direction == "inbound" && account == "acc-fr" {
            g.pick(&["", "u-alice", "u-bob"])
        } else {
            ""
        };
        let callee = if direction == "outbound" {
            g.pick(&["*67 0612345678", "+442079460000", "112"])
        } else {
            "+33170000000"
        };
        s.push_str(&format!("{t},{direction},{account},{number},{name},{callee},{owner},NORMAL_CLEARING\n"));
    }
    s
}

fn digest(report: &impl serde::Serialize) -> String {
    let text = serde_json::to_string(report).unwrap();
    Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// (pair, log, options, digest of the report's JSON text), recorded from the reference implementation.
const GOLDEN: &[(&str, &str, &str, &str)] = &[
    ("anonymous", "plain", "hour", "e1b03a6c8a0f0e85a896e6d405cf5a3a26c93336f597cfc941509769e7ec2059"),
    ("anonymous", "kazoo", "day", "5565c46cdf95077e922e1c615cfaf7b471a8852a6f9c08fdf05cfe76592fa8fb"),
    ("wide", "plain", "hour", "33284000a3ae9399ecdbca4203e920e0ae4ebdb21306935df49581db922227c7"),
    ("wide", "kazoo", "day", "6525e60d1f36db9caef5c5dd97fc94f63c0a148597df4f311c34177d631d19f5"),
    ("wide", "plain", "day", "13b8c2be9835de8b4e43f335beb3e9a8216289b7499395debf6c20043457fa2d"),
    ("wide", "plain", "capped", "9e4a65011ab60cf3905d24b4ef7808ea7833c7bd2c516f6abe767e1ad773698c"),
];

fn options(name: &str) -> Value {
    match name {
        "hour" => json!({ "max_changed": 10_000 }),
        "day" => json!({ "max_changed": 10_000, "bucket_seconds": 86_400, "account": "acc-fr" }),
        _ => json!({ "max_changed": 25, "bucket_seconds": 900 }),
    }
}

#[test]
fn reports_match_the_recorded_digests() {
    let logs = [("plain", plain_log(10_000)), ("kazoo", kazoo_log(10_000))];
    let pairs = pairs();
    let mut got = Vec::new();
    for &(pair, log, opts, _) in GOLDEN {
        let (_, base, cand) = pairs.iter().find(|p| p.0 == pair).unwrap();
        let text = &logs.iter().find(|l| l.0 == log).unwrap().1;
        let report = replay(base, cand, text, &options(opts), None).unwrap();
        assert!(
            report.calls > 7_500 && report.changed_total > 100,
            "{pair}/{log}: a log that exercises the rules"
        );
        // Fed in 256 KiB chunks, as the page does: the same report.
        let mut r = Replay::new(base, cand, &options(opts)).unwrap();
        let mut rest = text.as_str();
        while !rest.is_empty() {
            let mut cut = (256 << 10).min(rest.len());
            while !rest.is_char_boundary(cut) {
                cut += 1;
            }
            r.feed(&rest[..cut]).unwrap();
            rest = &rest[cut..];
        }
        assert_eq!(r.finish().unwrap(), report, "{pair}/{log}/{opts}: chunked");
        got.push(format!(
            "(\"{pair}\", \"{log}\", \"{opts}\", \"{}\"), // calls {}, changed {}, problems {}",
            digest(&report),
            report.calls,
            report.changed_total,
            report.problems_total
        ));
    }
    let want: Vec<&str> = GOLDEN.iter().map(|g| g.3).collect();
    let have: Vec<String> = got.iter().map(|l| l.split('"').nth(7).unwrap().to_owned()).collect();
    assert_eq!(have, want, "the reports changed; now:\n{}", got.join("\n"));
}

/// The reference: each call decided under both policies with `Engine::decide` (full traces) and compared on
/// verdict, rule and presented caller ID; the replay must find the same changed lines and the same counts.
#[test]
fn changed_calls_are_those_the_traced_decisions_differ_on() {
    let text = plain_log(10_000);
    let (_, base, cand) = pairs().into_iter().find(|p| p.0 == "wide").unwrap();
    let report = replay(&base, &cand, &text, &options("hour"), None).unwrap();
    let (eb, ea) = (Engine::new(&base).unwrap(), Engine::new(&cand).unwrap());
    let key = |d: &cidguard::policy::Decision| {
        (
            d.screening.as_ref().map(|s| (s.sip_code, s.rule.as_str())),
            d.presentation.caller_name.clone(),
            d.presentation.caller_number.clone(),
        )
    };
    let mut changed = Vec::new();
    for c in &report.changed {
        let (b, a) = (eb.decide_json(&c.event).unwrap(), ea.decide_json(&c.event).unwrap());
        assert_ne!(key(&b), key(&a), "line {}", c.line);
        assert_eq!(c.before.caller_number, b.presentation.caller_number, "line {}", c.line);
        assert_eq!(c.after.rule, a.screening.as_ref().map(|s| s.rule.as_str()), "line {}", c.line);
        changed.push(c.line);
    }
    assert_eq!(changed.len() as u64, report.changed_total);
    assert!(changed.windows(2).all(|w| w[0] < w[1]), "in log order");
}

/// From rows: the baseline stored as `PUT` stores it (its settings, its entries as rows handed through a row
/// source, as the worker's SQLite hands them, call by call) and the candidate as a whole document (the lists
/// it carries read from it) give the very reports recorded for the documents (four of the cases, both pairs and both logs).
#[test]
fn reports_from_rows_match_the_recorded_digests() {
    use cidguard::screening::lookup::split_policy;
    let logs = [("plain", plain_log(10_000)), ("kazoo", kazoo_log(10_000))];
    let pairs = pairs();
    for &(pair, log, opts, want) in GOLDEN.iter().filter(|g| g.2 != "hour" || g.0 == "anonymous").take(4) {
        let (_, base, cand) = pairs.iter().find(|p| p.0 == pair).unwrap();
        let stored = split_policy(base).unwrap();
        assert!(stored.rows.len() > 5, "{pair}: the baseline's lists are rows");
        let text = &logs.iter().find(|l| l.0 == log).unwrap().1;
        let mut fetches = 0;
        let mut source = |lists: &[String], keys: &[String]| {
            fetches += 1;
            Ok(stored
                .rows
                .iter()
                .filter(|r| lists.contains(&r.list) && keys.contains(&r.e164))
                .cloned()
                .collect())
        };
        let mut r = Replay::new(&stored.settings, cand, &options(opts)).unwrap();
        let mut rest = text.as_str();
        while !rest.is_empty() {
            let mut cut = 100_000.min(rest.len());
            while !rest.is_char_boundary(cut) {
                cut += 1;
            }
            r.feed_rows(&rest[..cut], &mut source).unwrap();
            rest = &rest[cut..];
        }
        assert_eq!(digest(&r.finish_rows(&mut source).unwrap()), want, "{pair}/{log}/{opts}: from rows");
        assert!(fetches > 5_000, "{pair}/{log}: the rows were fetched call by call ({fetches})");
    }
}
