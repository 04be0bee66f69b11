//! wasm-bindgen tests in Node: the core compiled to wasm32 runs the shared vectors (through the same JSON face
//! the native runner uses) and the exports convert values and errors as documented.
#![cfg(target_arch = "wasm32")]

mod wasm_common;

use wasm_bindgen_test::*;

#[wasm_bindgen_test]
fn shared_vectors_in_node() {
    wasm_common::run_all_vectors();
}

#[wasm_bindgen_test]
fn exports_convert_values_and_errors_in_node() {
    wasm_common::check_exports();
}
