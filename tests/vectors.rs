//! Runs every shared vector file in tests/vectors/ through `api::call`, as the JS runners do through the
//! wasm exports. A case calls its own `function` if it names one, else the file's.

use serde_json::{json, Value};
use std::path::Path;

#[test]
fn shared_vectors() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    let mut files: Vec<_> =
        std::fs::read_dir(&dir).unwrap().filter_map(Result::ok).map(|e| e.path()).collect();
    files.retain(|p| p.extension().is_some_and(|e| e == "json"));
    files.sort();
    let (mut run, mut failed) = (0, Vec::new());
    for path in files {
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let default = doc["function"].as_str().unwrap_or("");
        for case in doc["cases"].as_array().unwrap() {
            let function = case["function"].as_str().unwrap_or(default);
            let args = case["args"].as_array().cloned().unwrap_or_default();
            let got = match cidguard::api::call(function, &args) {
                Ok(v) => json!({"ok": v}),
                Err(e) => json!({"error": {"field": e.first().field, "code": e.first().code}}),
            };
            run += 1;
            if got != case["expect"] {
                failed.push(format!(
                    "{} / {}: expected {} got {}",
                    path.file_name().unwrap().to_string_lossy(),
                    case["name"],
                    case["expect"],
                    got
                ));
            }
        }
    }
    assert!(run > 0, "no vector cases found");
    assert!(failed.is_empty(), "{} of {run} vector cases failed:\n{}", failed.len(), failed.join("\n"));
}
