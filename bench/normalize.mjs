// Phone normalisation in Node: cidguard's wasm build (pkg/, from scripts/build-wasm.sh) against
// libphonenumber-js (min metadata) and google-libphonenumber, in the same process and run, on the
// differential corpus; then cold start in fresh processes, then sizes.
//
// Run: node bench/normalize.mjs [--quick]

import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { generateCorpus } from '../tests/phone/gen-corpus.mjs';
import { loadWasm } from '../tests/phone/engine.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
const require = createRequire(import.meta.url);
const quick = process.argv.includes('--quick');
const cases = generateCorpus(24000, 20261123);
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

const wasm = await loadWasm();
const { parsePhoneNumberFromString } = await import('libphonenumber-js/min');
const glib = require('google-libphonenumber');
const gutil = glib.PhoneNumberUtil.getInstance();

const one = (f) => () => {
  let parsed = 0;
  for (const c of cases) if (f(c.number, c.country)) parsed++;
  return parsed;
};
// The same inputs grouped by default country, as a tenant's list import would arrive.
const groups = new Map();
for (const c of cases) groups.set(c.country, [...(groups.get(c.country) ?? []), c.number]);
const batches = [...groups].map(([country, numbers]) => ({ country, numbers }));

const impls = {
  'cidguard wasm normalize, one call per number': one((n, c) => {
    try {
      return wasm.normalize(n, c).e164;
    } catch {
      return null;
    }
  }),
  'cidguard wasm normalizeMany, one call per country': () => {
    let parsed = 0;
    for (const b of batches) for (const r of wasm.normalizeMany(b.numbers, b.country)) if (r.ok) parsed++;
    return parsed;
  },
  'libphonenumber-js min: parse → .number': one((n, c) => parsePhoneNumberFromString(n, c)?.number),
  'libphonenumber-js min: parse + isValid + country': one((n, c) => {
    const p = parsePhoneNumberFromString(n, c);
    return p && [p.number, p.isValid(), p.country];
  }),
  'google-libphonenumber: parse + isValid + region': one((n, c) => {
    try {
      const p = gutil.parse(n, c);
      return [gutil.format(p, glib.PhoneNumberFormat.E164), gutil.isValidNumber(p), gutil.getRegionCodeForNumber(p)];
    } catch {
      return null;
    }
  }),
};

// Warm-up, then interleaved passes so that every implementation sees the same machine load.
const rates = Object.fromEntries(Object.keys(impls).map((k) => [k, []]));
const passes = quick ? 3 : 7;
for (const f of Object.values(impls)) f();
for (let p = 0; p < passes; p++) {
  for (const [name, f] of Object.entries(impls)) {
    const t = performance.now();
    if (f() === 0) throw new Error(`${name} parsed nothing`);
    rates[name].push(cases.length / ((performance.now() - t) / 1000));
  }
}
const base = median(rates['libphonenumber-js min: parse → .number']);
console.log(`throughput, ${cases.length} mixed inputs, median of ${passes} interleaved passes (numbers/s):`);
for (const [name, r] of Object.entries(rates)) {
  console.log(`  ${name.padEnd(52)} ${median(r).toFixed(0).padStart(9)}  ×${(median(r) / base).toFixed(2)} js-min`);
}

// Where one call per number spends its time: inputs that parse versus inputs that throw.
{
  const parses = [];
  const throws = [];
  for (const c of cases) {
    try {
      wasm.normalize(c.number, c.country);
      parses.push(c);
    } catch {
      throws.push(c);
    }
  }
  const rate = (list) => {
    const r = [];
    for (let p = 0; p < passes; p++) {
      const t = performance.now();
      for (const c of list) {
        try {
          wasm.normalize(c.number, c.country);
        } catch {
          // counted below
        }
      }
      r.push(list.length / ((performance.now() - t) / 1000));
    }
    return median(r).toFixed(0);
  };
  console.log(`  cidguard normalize split: ${parses.length} inputs that parse ${rate(parses)}/s, ${throws.length} that throw ${rate(throws)}/s`);
}

// Cold start: a fresh process measures from before loading to after the first answer.
const child = {
  cidguard: `
    const t0 = performance.now();
    const fs = await import('node:fs');
    const m = await import(${JSON.stringify(`${root}pkg/cidguard.js`)});
    const bytes = fs.readFileSync(${JSON.stringify(`${root}pkg/cidguard_bg.wasm`)});
    const t1 = performance.now();
    m.initSync({ module: new WebAssembly.Module(bytes) });
    const r = m.normalize('+33 6 12 34 56 78', 'FR');
    const t2 = performance.now();
    console.log(JSON.stringify({ total: t2 - t0, first: t2 - t1, e164: r.e164 }));`,
  'libphonenumber-js min': `
    const t0 = performance.now();
    const m = await import('libphonenumber-js/min');
    const t1 = performance.now();
    const r = m.parsePhoneNumberFromString('+33 6 12 34 56 78', 'FR');
    const t2 = performance.now();
    console.log(JSON.stringify({ total: t2 - t0, first: t2 - t1, e164: r.number }));`,
};
const runs = quick ? 5 : 15;
console.log(`cold start, ${runs} fresh node processes each, median ms (load+compile+instantiate+first call | first call after load):`);
for (const [name, src] of Object.entries(child)) {
  const totals = [];
  const firsts = [];
  for (let i = 0; i < runs; i++) {
    const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', src], { cwd: root }).toString());
    totals.push(out.total);
    firsts.push(out.first);
  }
  console.log(`  ${name.padEnd(24)} ${median(totals).toFixed(2).padStart(7)} ms | ${median(firsts).toFixed(2)} ms`);
}

// Sizes.
const wasmBytes = readFileSync(`${root}pkg/cidguard_bg.wasm`);
console.log(`size: pkg/cidguard_bg.wasm ${wasmBytes.length} bytes raw, ${gzipSync(wasmBytes, { level: 9 }).length} gzip -9`);
try {
  const esbuild = await import('esbuild');
  const r = await esbuild.build({
    stdin: { contents: "export { parsePhoneNumberFromString } from 'libphonenumber-js/min';", resolveDir: root },
    bundle: true, minify: true, write: false, format: 'esm',
  });
  const js = r.outputFiles[0].contents;
  console.log(`size: libphonenumber-js min bundled ${js.length} bytes raw, ${gzipSync(js, { level: 9 }).length} gzip -9`);
} catch (e) {
  console.log(`size: libphonenumber-js bundle not measured (${e.message})`);
}
