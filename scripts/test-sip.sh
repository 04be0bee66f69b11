#!/usr/bin/env bash
# The SIP suite: Kamailio (installed by scripts/setup-sip.sh when missing) with the shipped
# integrations/kamailio/cidguard.cfg in front of a scripted UAS, the worker under wrangler dev, real INVITEs
# from a scripted UDP UAC (tests/sip/*.test.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
printf '\n== %s\n' "SIP: Kamailio + cidguard over real SIP"
scripts/setup-sip.sh
node --test --test-concurrency=1 tests/sip/*.test.mjs
