// cidguard's `normalize` as the tests and benchmarks call it, in the oracle's result shape
// ({ ok: {e164, region, valid} } or { error: {field, code} }).
//
// PHONE_ENGINE=wasm (default): the shipped build, pkg/cidguard.js + pkg/cidguard_bg.wasm from
// scripts/build-wasm.sh. PHONE_ENGINE=native: the native example binary (cargo build --release --example
// normalize_stdin), for working on the parser before a wasm build.

import { readFileSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Loads the wasm module once; returns its exports. */
export async function loadWasm() {
  const js = `${root}pkg/cidguard.js`;
  if (!existsSync(js)) throw new Error('pkg/cidguard.js is missing: run scripts/build-wasm.sh first');
  const mod = await import(js);
  mod.initSync({ module: readFileSync(`${root}pkg/cidguard_bg.wasm`) });
  return mod;
}

function wrap(fn) {
  return (number, country) => {
    try {
      return { ok: fn(number, country) };
    } catch (e) {
      if (e.field === undefined) throw e;
      return { error: { field: e.field, code: e.code } };
    }
  };
}

/** Runs every case through the selected engine; returns results in order. */
export async function runEngine(cases, engine = process.env.PHONE_ENGINE || 'wasm') {
  if (engine === 'native') {
    const bin = `${root}target/release/examples/normalize_stdin`;
    const input = cases.map((c) => JSON.stringify(c)).join('\n') + '\n';
    const out = execFileSync(bin, { input, maxBuffer: 1 << 28 }).toString().trim().split('\n');
    return out.map((l) => JSON.parse(l));
  }
  const mod = await loadWasm();
  const normalize = wrap(mod.normalize);
  return cases.map((c) => normalize(c.number, c.country));
}
