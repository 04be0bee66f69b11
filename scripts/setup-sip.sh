#!/usr/bin/env bash
# Installs what the SIP suite (tests/sip/) and bench (bench/sip-hop.mjs) need, idempotently: Kamailio and the
# modules integrations/kamailio/cidguard.cfg loads (http_client from kamailio-utils-modules, jansson from
# kamailio-extra-modules; json from kamailio-json-modules for configs that prefer it). Test-only: `make dev`
# never calls it. Seconds when everything is there.
set -euo pipefail
MODULES=/usr/lib/x86_64-linux-gnu/kamailio/modules
log() { printf '[setup-sip] %s\n' "$*" >&2; }
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

need=()
command -v kamailio >/dev/null 2>&1 || [ -x /usr/sbin/kamailio ] || need+=(kamailio)
moddir=$(dirname "$(find /usr/lib -name tm.so -path '*kamailio/modules*' 2>/dev/null | head -1)" 2>/dev/null || echo "$MODULES")
[ -f "$moddir/http_client.so" ] || need+=(kamailio-utils-modules)
[ -f "$moddir/jansson.so" ] || need+=(kamailio-extra-modules)
[ -f "$moddir/json.so" ] || need+=(kamailio-json-modules)
if [ ${#need[@]} -gt 0 ]; then
  log "apt-get install ${need[*]}"
  $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${need[@]}" >/dev/null
fi
# Debian enables the packaged service on install; the tests start their own instances on free ports.
if [ ${#need[@]} -gt 0 ] && command -v systemctl >/dev/null 2>&1; then
  $SUDO systemctl disable --now kamailio >/dev/null 2>&1 || true
fi
log "ready ($(/usr/sbin/kamailio -v 2>/dev/null | head -1))"
