//! Runs every shared vector file in tests/vectors/ through `api::call`, as the JS runners do through the wasm
//! exports of the same names: `{"function", "cases": [{"name", "args", "expect": {"ok"} | {"error": {"field",
//! "code"}}}]}`. An error case checks the first problem reported.

use cidguard::api;
use serde_json::Value;
use std::path::Path;

#[test]
fn every_vector_file_passes() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.retain(|p| p.extension().is_some_and(|e| e == "json"));
    files.sort();
    assert!(!files.is_empty(), "no vector files in {}", dir.display());
    let mut failures = Vec::new();
    let mut total = 0;
    for file in files {
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let function = doc["function"].as_str().unwrap();
        for case in doc["cases"].as_array().unwrap() {
            total += 1;
            let name = format!("{}: {}", file.file_name().unwrap().to_string_lossy(), case["name"]);
            let args = case["args"].as_array().unwrap();
            let got = api::call(function, args);
            let expect = &case["expect"];
            match (got, expect.get("ok"), expect.get("error")) {
                (Ok(v), Some(want), None) if &v == want => {}
                (Err(e), None, Some(want))
                    if want["field"] == e.first().field.as_str()
                        && want["code"] == e.first().code.as_str() => {}
                (got, _, _) => failures.push(format!("{name}\n  expected {expect}\n  got {got:?}")),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {total} vector cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
