//! What-if replay: feeding the log in chunks (split anywhere, even inside a line or a multi-byte character's
//! line) gives the very report of the one-shot replay; memory stays bounded by the options.

use cidguard::replay::{replay, Replay};
use serde_json::{json, Value};

fn policies() -> (Value, Value) {
    let base = json!({
        "accounts": [{ "id": "acc-fr", "country": "FR" }],
        "blocklists": [{ "id": "spam", "name": "Spam", "country": "FR", "numbers": ["01 70 36 99 99"] }]
    });
    let mut cand = base.clone();
    cand["accounts"][0]["blocklists"] = json!(["spam"]);
    (base, cand)
}

fn log(n: usize) -> String {
    let mut s = String::from("time,direction,account,caller_number,caller_name,dialled_number\n");
    for i in 0..n {
        let caller = if i % 7 == 0 {
            "01 70 36 99 99".to_owned()
        } else {
            format!("06 11 22 {:02} {:02}", i % 100, i % 89)
        };
        s.push_str(&format!("{},inbound,acc-fr,{caller},Zoë {i},+33170000000\n", 1_796_378_400 + i * 60));
    }
    s
}

#[test]
fn chunked_feed_gives_the_one_shot_report() {
    let (base, cand) = policies();
    let text = log(500);
    let whole = replay(&base, &cand, &text, &Value::Null, None).unwrap();
    assert_eq!(whole.calls, 500);
    assert_eq!(whole.changed_total, 72);
    for chunk in [1usize, 7, 64, 1000] {
        let mut r = Replay::new(&base, &cand, &Value::Null).unwrap();
        let mut rest = text.as_str();
        while !rest.is_empty() {
            let mut cut = chunk.min(rest.len());
            while !rest.is_char_boundary(cut) {
                cut += 1;
            }
            let (a, b) = rest.split_at(cut);
            r.feed(a).unwrap();
            rest = b;
        }
        assert_eq!(r.finish().unwrap(), whole, "chunks of {chunk} bytes");
    }
}

#[test]
fn changed_calls_are_capped_and_counted() {
    let (base, cand) = policies();
    let r =
        replay(&base, &cand, &log(500), &json!({ "max_changed": 5, "bucket_seconds": 3600 }), None).unwrap();
    assert_eq!((r.changed.len(), r.changed_total), (5, 72));
    assert_eq!(r.buckets.iter().map(|b| b.after.rejected_603).sum::<u64>(), 72);
    assert_eq!(r.buckets.len(), 9);
}

/// A list stored only as rows: decided from the documents alone, the candidate's selection of it changes
/// nothing; from rows, the calls whose caller is on it are rejected, as `decide_rows` decides each of them with
/// the rows fetched under its lookup keys (the `/decide` path). A failing row source ends the replay.
#[test]
fn lists_stored_as_rows_change_outcomes() {
    use cidguard::screening::lookup::{split_policy, Row};
    use cidguard::Engine;
    let (base, _) = policies();
    let stored = split_policy(&base).unwrap();
    let settings = stored.settings;
    let mut cand_settings = settings.clone();
    cand_settings["accounts"][0]["blocklists"] = json!(["spam"]);
    let text = log(500);
    let blind = replay(&settings, &cand_settings, &text, &Value::Null, None).unwrap();
    assert_eq!(blind.changed_total, 0);
    let seen = replay(&settings, &cand_settings, &text, &Value::Null, Some(&stored.rows)).unwrap();
    assert_eq!(seen.changed_total, 72);
    let after = Engine::new(&cand_settings).unwrap();
    for c in &seen.changed {
        let event = cidguard::policy::event::read_event(&c.event).unwrap();
        let keys = after.lookup_keys(&event).unwrap();
        let rows: Vec<Row> = stored
            .rows
            .iter()
            .filter(|r| keys.lists.contains(&r.list) && keys.keys.contains(&r.e164))
            .cloned()
            .collect();
        let d = after.decide_rows(&event, &rows).unwrap();
        assert_eq!(d.screening.as_ref().and_then(|s| s.sip_code), Some(603), "line {}", c.line);
        assert_eq!(c.after.rule, d.screening.as_ref().map(|s| s.rule.as_str()));
    }
    let mut r = Replay::new(&settings, &cand_settings, &Value::Null).unwrap();
    let mut failing =
        |_: &[String], _: &[String]| Err(cidguard::Error::new("fetchRows", "failed", "storage is gone"));
    let e = r.feed_rows(&text, &mut failing).unwrap_err();
    assert_eq!((e.field.as_str(), e.code.as_str()), ("fetchRows", "failed"));
}
