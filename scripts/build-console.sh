#!/usr/bin/env bash
# Bundles the console's vendored library (uPlot and its stylesheet) into www/console/vendor/uplot.js with the
# esbuild that wrangler ships; the console's own modules are served as they are (ES modules, no build step).
set -euo pipefail
cd "$(dirname "$0")/.."
out=www/console/vendor/uplot.js
src=www/console/vendor/uplot.entry.js
if [ -f "$out" ] && [ "$out" -nt "$src" ] && [ "$out" -nt node_modules/uplot/package.json ]; then exit 0; fi
node_modules/.bin/esbuild "$src" --bundle --format=esm --minify --loader:.css=text --log-level=warning --outfile="$out"
