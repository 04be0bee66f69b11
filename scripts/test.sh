#!/usr/bin/env bash
# Every suite, in order of cost: native Rust (unit, integration, vectors, property tests), lint, wasm-bindgen in
# Node and Chromium, the package as a consumer gets it (npm pack, tsc --strict), the docs' tables, then the JS
# suites (vectors through the wasm package in Node and workerd, the worker over HTTP, the admin page end to end
# in Chromium, and the differential corpus against libphonenumber). Last, the work tree must be as it was.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
step() { printf '\n== %s\n' "$*"; }
tree_before=$(git status --porcelain 2>/dev/null; git diff 2>/dev/null | sha256sum)

step "cargo test (native)"
cargo test
step "cargo fmt --check / clippy -D warnings"
cargo fmt --check
cargo clippy -q --all-targets -- -D warnings
step "wasm-bindgen tests (Node, Chromium)"
scripts/test-wasm.sh
step "the npm package (npm pack --dry-run, tsc --strict on a consumer and on every vector case)"
scripts/check-package.sh
step "docs: Markdown tables render, named functions exist (README.md, docs/)"
node scripts/lint-docs.mjs
step "JS suites (Node, workerd, worker HTTP, Chromium end to end)"
node --test --test-concurrency=1 tests/js/*.test.mjs
scripts/test-sip.sh
step "the work tree is as it was"
tree_after=$(git status --porcelain 2>/dev/null; git diff 2>/dev/null | sha256sum)
if [ "$tree_before" != "$tree_after" ]; then
  echo "make test changed the work tree:" >&2
  git status --porcelain >&2
  git diff --stat >&2
  exit 1
fi
echo "unchanged"
