#!/usr/bin/env bash
# Every benchmark: native bench binaries (cargo bench), the wasm path in Node, and the worker's cold/warm latency.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
for b in benches/*.rs; do
  [ -e "$b" ] || continue
  name=$(basename "$b" .rs)
  printf '\n== cargo bench --bench %s\n' "$name"
  cargo bench -q --bench "$name"
done
scripts/setup-sip.sh  # Kamailio for bench/sip-hop.mjs
for b in bench/*.mjs; do
  printf '\n== node %s\n' "$b"
  node "$b"
done
