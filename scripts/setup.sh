#!/usr/bin/env bash
# Installs whatever is missing to build and run cidguard (`make dev`), idempotently; a second run takes seconds.
#  - a wasm32 toolchain: rustup's wasm32-unknown-unknown target where installed, else Debian's rustc-web route
#    (rustc-web, cargo-web, rust-web-src, lld: std is built from source with -Z build-std);
#  - the wasm-bindgen CLI at exactly the version pinned in Cargo.toml;
#  - npm packages (wrangler, Node 22 for it, binaryen's wasm-opt; and the test tools: playwright-core, the
#    libphonenumber oracles, typescript).
# With --test (`make test`), also what only the tests need: Debian's Chromium and ChromeDriver, Python's requests.
set -euo pipefail
for_tests=0
if [ "${1:-}" = "--test" ]; then for_tests=1; fi
cd "$(dirname "$0")/.."
mkdir -p .cache

log() { printf '[setup] %s\n' "$*" >&2; }
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then
    log "apt-get update"
    $SUDO apt-get update -qq
    apt_updated=1
  fi
  log "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

# 1. wasm32 toolchain
route=""
if command -v rustup >/dev/null 2>&1 && rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  route="rustup"
else
  if command -v rustup >/dev/null 2>&1; then
    log "rustup has no wasm32 target: run 'rustup target add wasm32-unknown-unknown' for the faster route; using Debian's rustc-web meanwhile"
  fi
  need=()
  [ -x /usr/bin/rustc ] && /usr/bin/rustc --print target-list 2>/dev/null | grep -qx wasm32-unknown-unknown || need+=(rustc-web cargo-web)
  [ -d /usr/lib/rustlib/src/rust/library ] || need+=(rust-web-src)
  command -v wasm-ld >/dev/null 2>&1 || need+=(lld)
  [ -x /usr/bin/cargo ] || need+=(cargo-web)
  if [ ${#need[@]} -gt 0 ]; then apt_install "${need[@]}"; fi
  route="debian"
fi
echo "$route" > .cache/wasm-route

# 2. Chromium + ChromeDriver for the browser tests only (Debian's; never a browser a tool downloads itself)
if [ "$for_tests" = 1 ]; then
  cr=()
  [ -x /usr/bin/chromium ] || cr+=(chromium)
  [ -x /usr/bin/chromedriver ] || cr+=(chromium-driver)
  if [ ${#cr[@]} -gt 0 ]; then apt_install "${cr[@]}"; fi
  # Python's requests, for the Wazo AGI drop-in the tests run (integrations/wazo/).
  if ! python3 -c 'import requests' 2>/dev/null && ! /usr/bin/python3 -c 'import requests' 2>/dev/null; then
    apt_install python3-requests
  fi
fi

# 3. wasm-bindgen CLI, same version as the crate
wbg=$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' Cargo.toml)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$wbg" ]; then
  log "cargo install wasm-bindgen-cli $wbg (about 3 minutes)"
  # --locked can name a dependency version the registry no longer serves; then resolve afresh.
  cargo install -q wasm-bindgen-cli --version "$wbg" --locked 2>/dev/null \
    || cargo install -q wasm-bindgen-cli --version "$wbg"
fi

# 4. npm packages, reinstalled only when package.json / package-lock.json change
stamp=$(cat package.json package-lock.json 2>/dev/null | sha256sum | cut -c1-16)
if [ ! -f node_modules/.cidguard-stamp ] || [ "$(cat node_modules/.cidguard-stamp)" != "$stamp" ]; then
  log "npm install"
  # The lock lists every platform's optional packages (workerd-darwin-*, …) as npm itself writes them, so this
  # install leaves it unchanged (a lock pruned to one platform was rewritten by every `make test`).
  npm install --no-audit --no-fund --loglevel=error
  cat package.json package-lock.json | sha256sum | cut -c1-16 > node_modules/.cidguard-stamp
fi
log "ready (wasm route: $route)"
