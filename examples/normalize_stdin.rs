//! Reads JSON lines `{"number": "…", "country": "FR"}` on stdin and prints one JSON result per line
//! (`{"ok": {e164, region, valid}}` or `{"error": {field, code}}`): the native side of the differential test
//! against libphonenumber (`PHONE_ENGINE=native node --test tests/phone/`).

use std::io::{BufRead, Write};

fn main() {
    let stdin = std::io::stdin();
    let mut out = std::io::BufWriter::new(std::io::stdout());
    for line in stdin.lock().lines().map_while(Result::ok) {
        let case: serde_json::Value = serde_json::from_str(&line).unwrap_or_default();
        let field = |k: &str| case.get(k).and_then(serde_json::Value::as_str).unwrap_or("").to_owned();
        let v = match cidguard::phone::normalize(&field("number"), &field("country")) {
            Ok(n) => serde_json::json!({ "ok": n }),
            Err(e) => serde_json::json!({ "error": { "field": e.field, "code": e.code } }),
        };
        let _ = writeln!(out, "{v}");
    }
}
