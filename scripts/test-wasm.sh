#!/usr/bin/env bash
# wasm-bindgen tests: the core compiled to wasm32, run in Node and in headless Chromium (Debian's chromedriver).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/wasm-env.sh
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
export WASM_BINDGEN_TEST_TIMEOUT=120
# The test profile (not the shipped one: cargo ignores panic=abort for tests, and two std builds would clash).
"$WASM_CARGO" test --target wasm32-unknown-unknown "${WASM_BUILD_STD[@]}" --test wasm_node
CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}" \
  "$WASM_CARGO" test --target wasm32-unknown-unknown "${WASM_BUILD_STD[@]}" --test wasm_browser
