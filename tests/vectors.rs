//! Runs every shared vector file in `tests/vectors/` through the JSON face (`api::call`), as the JS runners
//! do through the wasm exports of the same names.

use cidguard::api;
use serde_json::Value;

#[test]
fn shared_vectors() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    assert!(!files.is_empty(), "no vector files in {dir}");
    let mut failures = Vec::new();
    let mut count = 0;
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let doc: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let function = doc["function"].as_str().unwrap_or_default();
        for case in doc["cases"].as_array().into_iter().flatten() {
            count += 1;
            let args = case["args"].as_array().cloned().unwrap_or_default();
            let got = match api::call(function, &args) {
                Ok(v) => serde_json::json!({ "ok": v }),
                Err(e) => {
                    serde_json::json!({ "error": { "field": e.first().field, "code": e.first().code } })
                }
            };
            if got != case["expect"] {
                failures.push(format!(
                    "{} / {}: expected {}, got {got}",
                    path.file_name().map(|f| f.to_string_lossy()).unwrap_or_default(),
                    case["name"],
                    case["expect"]
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{} of {count} vectors failed:\n{}", failures.len(), failures.join("\n"));
}
