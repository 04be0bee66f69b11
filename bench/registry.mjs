// What the tenant registry adds to a decision: /decide latency (p50/p99, sequential requests over loopback
// against wrangler dev) authenticated by
//   config    — an API_KEYS key (no registry call at all),
//   issued    — a key issued through the API, registry answer cached in the isolate (REGISTRY_CACHE_MS, default),
//   uncached  — the same key with the cache off (REGISTRY_CACHE_MS=0: one registry Durable Object call per request).
// Run: `node bench/registry.mjs` (N=2000 requests per mode; MODES=config to measure a checkout without a registry,
// e.g. the commit before it, for the baseline).
import { readFileSync } from "node:fs";
import { startWrangler } from "../tests/js/wrangler.mjs";

const N = Number(process.env.N ?? 2000);
const MODES = (process.env.MODES ?? "config,issued,uncached").split(",");
const OPERATOR = "bench-operator-key-0123456789";
const KEY = "bench-key-acme-0001";
const POLICY = JSON.parse(readFileSync(new URL("../www/examples/policy.json", import.meta.url), "utf8"));
const EVENT = JSON.stringify({ direction: "inbound", account: "acc-fr", caller_number: "01 70 36 99 99" });

const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

async function call(url, key, method, body) {
  const r = await fetch(url, { method, body, headers: { authorization: `Bearer ${key}`, "content-type": "application/json" } });
  const text = await r.text();
  if (r.status >= 300) throw new Error(`${method} ${url}: HTTP ${r.status} ${text}`);
  return text;
}

async function run(mode) {
  const vars = { API_KEYS: `acme:${KEY}`, OPERATOR_KEY: OPERATOR };
  if (mode === "uncached") vars.REGISTRY_CACHE_MS = "0";
  const server = await startWrangler({ vars });
  try {
    let key = KEY;
    if (mode !== "config") {
      await call(`${server.url}/v1/tenants`, OPERATOR, "POST", JSON.stringify({ id: "bench" }));
      key = JSON.parse(await call(`${server.url}/v1/tenants/bench/keys`, OPERATOR, "POST", JSON.stringify({ role: "admin" }))).key;
    }
    const tenant = mode === "config" ? "acme" : "bench";
    await call(`${server.url}/v1/tenants/${tenant}/policy`, key, "PUT", JSON.stringify(POLICY));
    const url = `${server.url}/v1/tenants/${tenant}/decide`;
    for (let i = 0; i < 200; i++) await call(url, key, "POST", EVENT);
    const times = [];
    for (let i = 0; i < N; i++) {
      const t0 = performance.now();
      await call(url, key, "POST", EVENT);
      times.push(performance.now() - t0);
    }
    return { mode, p50: pct(times, 0.5), p99: pct(times, 0.99) };
  } finally {
    await server.stop();
  }
}

const rows = [];
for (const mode of MODES) rows.push(await run(mode));
const base = rows.find((r) => r.mode === "config");
for (const r of rows)
  console.log(`/decide ${r.mode.padEnd(8)} p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms` +
    (base && r !== base ? `  (×${(r.p50 / base.p50).toFixed(2)} p50, ×${(r.p99 / base.p99).toFixed(2)} p99 vs config)` : ""));
