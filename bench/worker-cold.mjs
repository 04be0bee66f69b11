// First-call latency of normalisation in the worker (isolate cold: the wasm core not yet initialised) against
// warm calls, measured over HTTP on loopback against wrangler dev (workerd). Run: `node bench/worker-cold.mjs`.
// Each round starts a fresh wrangler dev, touches /healthz (isolate up, core not initialised), then times the
// first /v1/normalize (initSync + first call) and the median of warm calls.
import { startWrangler } from "../tests/js/wrangler.mjs";

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const WARM = 200;
const path = "/v1/normalize?number=06%2039%2098%2012%2034&country=FR";

async function timed(url) {
  const t0 = performance.now();
  const r = await fetch(url);
  await r.arrayBuffer();
  if (r.status !== 200) throw new Error(`HTTP ${r.status}`);
  return performance.now() - t0;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const rows = [];
for (let i = 0; i < ROUNDS; i++) {
  const server = await startWrangler();
  try {
    for (let j = 0; j < 20; j++) await timed(server.url + "/healthz"); // isolate and HTTP path warm, core cold
    const healthz = median(await Promise.all([0, 1, 2, 3, 4].map(() => timed(server.url + "/healthz"))));
    const cold = await timed(server.url + path);
    const warm = [];
    for (let j = 0; j < WARM; j++) warm.push(await timed(server.url + path));
    rows.push({ healthz, cold, warm: median(warm) });
  } finally {
    await server.stop();
  }
}
for (const [i, r] of rows.entries())
  console.log(`round ${i + 1}: /healthz ${r.healthz.toFixed(2)} ms, first /v1/normalize ${r.cold.toFixed(2)} ms, warm median ${r.warm.toFixed(2)} ms`);
console.log(`median over ${ROUNDS} rounds: first call ${median(rows.map((r) => r.cold)).toFixed(2)} ms, warm ${median(rows.map((r) => r.warm)).toFixed(2)} ms, /healthz ${median(rows.map((r) => r.healthz)).toFixed(2)} ms`);
