// The what-if replay through the wasm package in Node, side by side with `cargo bench --bench replay`: the log
// of bench/console.mjs (100,000 inbound calls) under the example policy and a draft with anonymous rejection
// on for acc-fr, fed in 256 KiB chunks as the page feeds it (the text already in memory: this measures the
// core and its boundary, not file reading or drawing). Run after `make build`: `node bench/replay.mjs`
// (CALLS=100000 RUNS=5).
import { readFileSync } from "node:fs";
import { loadCore } from "../tests/js/core.mjs";
import { callLog } from "./call-log.mjs";

const CALLS = Number(process.env.CALLS ?? 100_000);
const RUNS = Number(process.env.RUNS ?? 5);
const CHUNK = 256 << 10;
const POLICY = JSON.parse(readFileSync(new URL("../www/examples/policy.json", import.meta.url), "utf8"));
const DRAFT = structuredClone(POLICY);
DRAFT.accounts[0].block_anonymous_caller_id = true;

const cg = loadCore();
const log = callLog(CALLS);
const times = [];
let report;
for (let r = 0; r < RUNS; r++) {
  const t0 = performance.now();
  const replay = new cg.Replay(POLICY, DRAFT, { bucket_seconds: 3600 });
  try {
    for (let at = 0; at < log.length; at += CHUNK) replay.feed(log.slice(at, at + CHUNK));
    report = replay.finish();
  } finally {
    replay.free();
  }
  times.push(performance.now() - t0);
  if (report.calls !== CALLS) throw new Error(`replayed ${report.calls} of ${CALLS} calls`);
}
times.sort((a, b) => a - b);
const ms = times[Math.floor(times.length / 2)];
console.log(`replay (wasm in Node): ${CALLS.toLocaleString("en")} calls (${(log.length / 2 ** 20).toFixed(1)} MiB of CSV, ${report.changed_total.toLocaleString("en")} changed) in ${ms.toFixed(0)} ms median, ${times[0].toFixed(0)} ms best of ${RUNS} (${((ms * 1000) / CALLS).toFixed(2)} us/call)`);

// From rows, as the worker replays: the stored policy as its settings, its entries handed back call by call
// by a synchronous fetchRows (a Map by list and key here, standing for the worker's SQLite seeks).
const split = cg.splitPolicy(POLICY);
const byKey = new Map();
for (const r of split.rows) byKey.set(`${r.list}|${r.e164}`, [...(byKey.get(`${r.list}|${r.e164}`) ?? []), r]);
let fetches = 0;
const fetchRows = (lists, keys) => {
  fetches++;
  const out = [];
  for (const l of lists) for (const k of keys) out.push(...(byKey.get(`${l}|${k}`) ?? []));
  return out;
};
const rowTimes = [];
for (let r = 0; r < RUNS; r++) {
  const t0 = performance.now();
  const replay = new cg.Replay(split.settings, DRAFT, { bucket_seconds: 3600 });
  let rows;
  try {
    for (let at = 0; at < log.length; at += CHUNK) replay.feed(log.slice(at, at + CHUNK), fetchRows);
    rows = replay.finish(fetchRows);
  } finally {
    replay.free();
  }
  rowTimes.push(performance.now() - t0);
  if (rows.changed_total !== report.changed_total) throw new Error("the report from rows differs");
}
rowTimes.sort((a, b) => a - b);
const rms = rowTimes[Math.floor(rowTimes.length / 2)];
console.log(`replay from rows (wasm in Node, fetchRows per call): ${CALLS.toLocaleString("en")} calls in ${rms.toFixed(0)} ms median, ${rowTimes[0].toFixed(0)} ms best of ${RUNS} (${((rms * 1000) / CALLS).toFixed(2)} us/call; ${(fetches / RUNS).toLocaleString("en")} fetches a run)`);
