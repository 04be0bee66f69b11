#!/usr/bin/env bash
# Builds the core for wasm32 and generates pkg/, the `cidguard` npm package (wasm-bindgen --target web: loads in
# browsers with init(), in workerd and Node with initSync({ module }); size-optimised with wasm-opt; its
# package.json generated here, version from Cargo.toml), and copies it to www/pkg/ so the admin page and the
# worker's static assets carry the very same module.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/wasm-env.sh
scripts/build-console.sh

"$WASM_CARGO" build -q --profile wasm --target wasm32-unknown-unknown --lib "${WASM_BUILD_STD[@]}"
raw="$CARGO_TARGET_DIR/wasm32-unknown-unknown/wasm/cidguard.wasm"

# pkg/package.json: what makes pkg/ an npm package a worker or an admin app can depend on.
package_json() {
  local version
  version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
  cat > pkg/package.json <<JSON
{
  "name": "cidguard",
  "version": "$version",
  "description": "Caller-ID screening, caller-ID privacy and number-masking decisions (WebAssembly)",
  "license": "Apache-2.0",
  "type": "module",
  "main": "./cidguard.js",
  "types": "./cidguard.d.ts",
  "exports": {
    ".": { "types": "./cidguard.d.ts", "default": "./cidguard.js" },
    "./cidguard_bg.wasm": "./cidguard_bg.wasm",
    "./package.json": "./package.json"
  },
  "files": ["cidguard.js", "cidguard.d.ts", "cidguard_bg.wasm", "cidguard_bg.wasm.d.ts"],
  "sideEffects": false
}
JSON
}

# Skip the slow steps when the module did not change.
sum=$(sha256sum "$raw" | cut -c1-16)
if [ -f pkg/.source-sum ] && [ "$(cat pkg/.source-sum)" = "$sum" ] && [ -f www/pkg/cidguard_bg.wasm ]; then
  package_json
  exit 0
fi
rm -rf pkg
wasm-bindgen --target web --out-dir pkg --out-name cidguard "$raw"
# Explicit feature flags: exactly what rustc emits, nothing newer than workerd and browsers accept.
node_modules/.bin/wasm-opt -O3 \
  --enable-bulk-memory --enable-bulk-memory-opt --enable-sign-ext --enable-nontrapping-float-to-int \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  pkg/cidguard_bg.wasm -o pkg/cidguard_bg.wasm
package_json
echo "$sum" > pkg/.source-sum
rm -rf www/pkg && mkdir -p www/pkg
cp pkg/cidguard.js pkg/cidguard.d.ts pkg/cidguard_bg.wasm www/pkg/
printf '[build] pkg/cidguard_bg.wasm: %s bytes, %s gzip\n' "$(stat -c %s pkg/cidguard_bg.wasm)" "$(gzip -9 -c pkg/cidguard_bg.wasm | wc -c)" >&2
