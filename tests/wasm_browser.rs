//! wasm-bindgen tests in headless Chromium (`CHROMEDRIVER=/usr/bin/chromedriver`): the same checks as in Node.
#![cfg(target_arch = "wasm32")]

mod wasm_common;

use wasm_bindgen_test::*;
wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn shared_vectors_in_chromium() {
    wasm_common::run_all_vectors();
}

#[wasm_bindgen_test]
fn exports_convert_values_and_errors_in_chromium() {
    wasm_common::check_exports();
}
