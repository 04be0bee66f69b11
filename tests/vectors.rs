//! Runs every shared vector file under tests/vectors/ against the native core through `exports::call`.
//! The Node, workerd and Chromium runners (tests/js/) run the same files against the wasm exports, so a vector
//! that passes everywhere proves identical outputs in every runtime.

use cidguard::exports;
use serde_json::Value;
use std::path::Path;

fn check_case(file: &str, function: &str, case: &Value) -> Result<(), String> {
    let name = case["name"].as_str().unwrap_or("<unnamed>");
    let args = case["args"].as_array().ok_or_else(|| format!("{file}: {name}: args must be an array"))?;
    let got = exports::call(function, args);
    let expect = &case["expect"];
    match (got, expect.get("ok"), expect.get("error")) {
        (Ok(v), Some(ok), None) if &v == ok => Ok(()),
        (Err(e), None, Some(err)) => {
            let e = e.first();
            let field_ok = err.get("field").is_none_or(|f| f == e.field.as_str());
            let code_ok = err.get("code").is_none_or(|c| c == e.code.as_str());
            if field_ok && code_ok {
                Ok(())
            } else {
                Err(format!("{file}: {name}: expected error {err}, got {e:?}"))
            }
        }
        (got, _, _) => Err(format!("{file}: {name}: expected {expect}, got {got:?}")),
    }
}

#[test]
fn shared_vectors_pass_natively() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let (mut ran, mut failures) = (0, Vec::new());
    for path in files.iter().filter(|p| p.extension().is_some_and(|e| e == "json")) {
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let function = doc["function"].as_str().expect("vector file names its function");
        for case in doc["cases"].as_array().expect("vector file has cases") {
            ran += 1;
            if let Err(msg) = check_case(&file, function, case) {
                failures.push(msg);
            }
        }
    }
    assert!(ran > 0, "no vectors found in {}", dir.display());
    assert!(failures.is_empty(), "{} of {ran} vectors failed:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn every_vector_file_is_embedded_for_wasm() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    let listed =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/wasm_common/mod.rs"))
            .unwrap();
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".json") {
            assert!(
                listed.contains(&format!("include_str!(\"../vectors/{name}\")")),
                "tests/vectors/{name} is not embedded in tests/wasm_common/mod.rs, so the wasm tests would skip it"
            );
        }
    }
}
