// STIR/SHAKEN verification through the wasm boundary in Node: Engine.decide on inbound calls carrying a
// SHAKEN PASSporT and its certificate chain (ES256 signature, two certificate signatures, validity, orig.tn),
// against the same call without STIR inputs (the baseline: what verification adds per call). Inputs are the
// shared vectors' (tests/vectors/stir.json, made by the test CA of tests/stir.rs). Run after `make build`:
// `node bench/stir.mjs`.
import { readFileSync } from "node:fs";
import { loadCore } from "../tests/js/core.mjs";

const cg = loadCore();
const cases = JSON.parse(readFileSync(new URL("../tests/vectors/stir.json", import.meta.url), "utf8")).cases;
const verified = cases.find((c) => c.name.startsWith("verified A"));
const [policy, event] = verified.args;
const engine = new cg.Engine(policy);
const { identity, certificate_chain, now, ...plain } = event;
const verstat = { ...plain, verstat: "TN-Validation-Passed-A" };

function time(ev, check) {
  const N = Number(process.env.N ?? 2000);
  for (let i = 0; i < 200; i++) engine.decide(ev);
  const t = performance.now();
  for (let i = 0; i < N; i++) engine.decide(ev);
  const us = ((performance.now() - t) * 1000) / N;
  check(engine.decide(ev).screening);
  return us;
}

const full = time(event, (s) => { if (!s.stir_shaken.signature_verified) throw new Error("not verified"); });
const base = time(plain, (s) => { if (s.stir_shaken.reason !== "no_identity") throw new Error(s.stir_shaken.reason); });
const vs = time(verstat, (s) => { if (s.stir_shaken.reason !== "verstat_passed") throw new Error(s.stir_shaken.reason); });
console.log(`decide with PASSporT + chain verified: ${full.toFixed(1)} us/call`);
console.log(`decide with verstat only:              ${vs.toFixed(1)} us/call`);
console.log(`decide without STIR inputs:            ${base.toFixed(1)} us/call`);
console.log(`verification adds ${(full - base).toFixed(1)} us per call (${(full / base).toFixed(1)}x the call without it)`);
engine.free();
