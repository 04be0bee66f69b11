#!/usr/bin/env bash
# Every suite, in order of cost: native Rust (unit, integration, vectors, property tests), lint, wasm-bindgen in
# Node and Chromium, then the JS suites (vectors through the wasm package in Node and workerd, the worker over HTTP,
# the admin page end to end in Chromium, and the differential corpus against libphonenumber).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
step() { printf '\n== %s\n' "$*"; }

step "cargo test (native)"
cargo test
step "cargo fmt --check / clippy -D warnings"
cargo fmt --check
cargo clippy -q --all-targets -- -D warnings
step "wasm-bindgen tests (Node, Chromium)"
scripts/test-wasm.sh
step "JS suites (Node, workerd, worker HTTP, Chromium end to end)"
node --test --test-concurrency=1 tests/js/*.test.mjs
scripts/test-sip.sh
