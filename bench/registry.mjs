// What the tenant registry adds to a decision: /decide latency (p50/p99, sequential requests over loopback
// against wrangler dev) authenticated by
//   config    — an API_KEYS key (no registry call at all),
//   issued    — a key issued through the API, registry answer cached in the isolate (REGISTRY_CACHE_MS, default),
//   uncached  — the same key with the cache off (REGISTRY_CACHE_MS=0: one registry Durable Object call per request).
//   baseline  — (with BASELINE=<a checkout of the commit before the registry, with its www/pkg built>) the old
//               worker with an API_KEYS key.
// All servers run at once and the modes take turns request by request, so that load from anything else on the
// machine falls on every mode alike and the ratios hold. Run: `node bench/registry.mjs` (N=2000 per mode).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startWrangler } from "../tests/js/wrangler.mjs";

const N = Number(process.env.N ?? 2000);
const MODES = (process.env.MODES ?? `config,issued,uncached${process.env.BASELINE ? ",baseline" : ""}`).split(",");
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

/** Starts the server of `mode` and prepares a tenant with the example policy; resolves to { mode, url, key, stop }. */
async function setUp(mode) {
  const vars = { API_KEYS: `acme:${KEY}`, OPERATOR_KEY: OPERATOR };
  if (mode === "uncached") vars.REGISTRY_CACHE_MS = "0";
  const start = mode === "baseline"
    ? (await import(join(process.env.BASELINE, "tests/js/wrangler.mjs"))).startWrangler
    : startWrangler;
  const server = await start({ vars });
  let key = KEY, tenant = "acme";
  if (mode === "issued" || mode === "uncached") {
    await call(`${server.url}/v1/tenants`, OPERATOR, "POST", JSON.stringify({ id: "bench" }));
    key = JSON.parse(await call(`${server.url}/v1/tenants/bench/keys`, OPERATOR, "POST", JSON.stringify({ role: "admin" }))).key;
    tenant = "bench";
  }
  await call(`${server.url}/v1/tenants/${tenant}/policy`, key, "PUT", JSON.stringify(POLICY));
  const url = `${server.url}/v1/tenants/${tenant}/decide`;
  for (let i = 0; i < 200; i++) await call(url, key, "POST", EVENT);
  return { mode, url, key, stop: server.stop, times: [] };
}

const servers = [];
try {
  for (const mode of MODES) servers.push(await setUp(mode));
  for (let i = 0; i < N; i++)
    for (const s of servers) {
      const t0 = performance.now();
      await call(s.url, s.key, "POST", EVENT);
      s.times.push(performance.now() - t0);
    }
} finally {
  for (const s of servers) await s.stop();
}
const rows = servers.map((s) => ({ mode: s.mode, p50: pct(s.times, 0.5), p99: pct(s.times, 0.99) }));
const base = rows.find((r) => r.mode === "baseline") ?? rows.find((r) => r.mode === "config");
for (const r of rows)
  console.log(`/decide ${r.mode.padEnd(8)} p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms` +
    (r !== base ? `  (×${(r.p50 / base.p50).toFixed(2)} p50, ×${(r.p99 / base.p99).toFixed(2)} p99 vs ${base.mode})` : ""));
