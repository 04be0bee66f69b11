#!/usr/bin/env bash
# The long fuzz run (`make fuzz`): the same three suites `make test` runs with a small budget, with a large one.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
export FUZZ_CORE_CASES="${FUZZ_CORE_CASES:-1000000}" FUZZ_WASM_CALLS="${FUZZ_WASM_CALLS:-200000}" \
  FUZZ_HTTP_REQUESTS="${FUZZ_HTTP_REQUESTS:-100000}" FUZZ_HTTP_BATCH="${FUZZ_HTTP_BATCH:-50}"
step() { printf '\n== %s\n' "$*"; }
step "core JSON entry points: $FUZZ_CORE_CASES mutated inputs (release)"
time cargo test -q --release --test fuzz_core -- --nocapture
step "wasm exports in Node: $FUZZ_WASM_CALLS calls"
time node --test tests/js/fuzz.wasm.test.mjs
step "worker over HTTP (wrangler dev): $FUZZ_HTTP_REQUESTS requests"
time node --test tests/js/fuzz.http.test.mjs
