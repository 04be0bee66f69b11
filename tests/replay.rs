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
    let whole = replay(&base, &cand, &text, &Value::Null).unwrap();
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
    let r = replay(&base, &cand, &log(500), &json!({ "max_changed": 5, "bucket_seconds": 3600 })).unwrap();
    assert_eq!((r.changed.len(), r.changed_total), (5, 72));
    assert_eq!(r.buckets.iter().map(|b| b.after.rejected_603).sum::<u64>(), 72);
    assert_eq!(r.buckets.len(), 9);
}
