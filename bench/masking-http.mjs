// Signed Infobip callbacks over HTTP against wrangler dev (workerd, sequential requests over loopback), for two
// tenants in one run: one with a ~1 KB policy and one with a ~1 MiB policy (the same masking section, padded with
// a large blocklist). The masking state is built once per policy version and only the policy's `masking` member is
// ever read, so the two should answer alike (goal: p50 and p99 within 1.05x). Requests alternate between the
// tenants so both see the same machine load; each has a fresh correlationId (no replay) and is routed, logged and
// answered with a dial. Run: `node bench/masking-http.mjs` (N=2000 callbacks per tenant).
import { readFileSync } from "node:fs";
import { startWrangler } from "../tests/js/wrangler.mjs";
import { loadCore } from "../tests/js/core.mjs";

const N = Number(process.env.N ?? 2000);
const KEYS = { small: "bench-key-small-0001", big: "bench-key-big-00001" };
const CREDS = { apiId: "55ddccad2df62a4b615b7e3c472b2ab6", key: "5da086b6a8e4424993646b8699c333ca" };
const EXAMPLE = JSON.parse(readFileSync(new URL("../www/examples/policy.json", import.meta.url), "utf8"));
const cg = loadCore();

const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

/** The example policy, padded with blocklist numbers until its JSON is about `bytes` long. */
function policyOf(bytes) {
  const p = structuredClone(EXAMPLE);
  const pad = { id: "pad", name: "padding", numbers: [] };
  let size = JSON.stringify(p).length;
  for (let i = 0; size < bytes - 64; i++) {
    const entry = { number: `+3361${String(i).padStart(7, "0")}`, label: `n${i}` };
    pad.numbers.push(entry);
    size += JSON.stringify(entry).length + 1;
  }
  if (pad.numbers.length) p.blocklists = [...p.blocklists, pad];
  return p;
}

async function call(url, key, method, body) {
  const r = await fetch(url, { method, body: body === undefined ? undefined : JSON.stringify(body),
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" } });
  const text = await r.text();
  if (r.status >= 300) throw new Error(`${method} ${url}: HTTP ${r.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

const server = await startWrangler({ vars: { API_KEYS: `small:${KEYS.small},big:${KEYS.big}` } });
try {
  const tenants = {};
  for (const [name, bytes] of [["small", 1024], ["big", (1 << 20) - 4096]]) {
    const base = `${server.url}/v1/tenants/${name}`;
    const policy = policyOf(bytes);
    await call(`${base}/policy`, KEYS[name], "PUT", policy);
    const url = `${base}/infobip/callback`;
    await call(`${base}/masking/credentials`, KEYS[name], "PUT", { ...CREDS, callbackUrl: url });
    await call(`${base}/masking/pool`, KEYS[name], "PUT", [{ number: "+41793026731" }, { number: "+41793026732" }]);
    const { session } = await call(`${base}/masking/sessions`, KEYS[name], "POST",
      { id: "ride", ttl_seconds: 86400, participants: [{ number: "+41791110001" }, { number: "+41792220002" }] });
    tenants[name] = { url, bytes: JSON.stringify(policy).length, proxy: session.participants[0].proxy.slice(1), times: [] };
  }
  const signed = (t, i) => {
    const body = JSON.stringify({ from: "41791110001", to: t.proxy, nmCorrelationId: `nm-${i}`, correlationId: `c-${i}` });
    return { body, authorization: cg.signWebhook({ kind: "callback", url: t.url, body }, CREDS).authorization };
  };
  const once = async (t, i) => {
    const { body, authorization } = signed(t, i);
    const start = performance.now();
    const r = await fetch(t.url, { method: "POST", body, headers: { authorization, "content-type": "application/json" } });
    const answer = await r.json();
    const ms = performance.now() - start;
    if (r.status !== 200 || answer.command !== "dial") throw new Error(`HTTP ${r.status} ${JSON.stringify(answer)}`);
    return ms;
  };
  for (let i = 0; i < 200; i++) for (const t of Object.values(tenants)) await once(t, `warm-${i}`); // warm both
  for (let i = 0; i < N; i++) for (const t of Object.values(tenants)) t.times.push(await once(t, i));
  const row = (name) => {
    const t = tenants[name];
    return { p50: pct(t.times, 0.5), p99: pct(t.times, 0.99) };
  };
  const s = row("small"), b = row("big");
  console.log(`signed callback over HTTP (wrangler dev), ${N} per tenant, alternating:`);
  for (const [name, r] of [["small", s], ["big", b]])
    console.log(`  ${name.padEnd(5)} policy ${String(tenants[name].bytes).padStart(8)} bytes: p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms`);
  console.log(`  ratio big/small: p50 ${(b.p50 / s.p50).toFixed(3)}x, p99 ${(b.p99 / s.p99).toFixed(3)}x`);
} finally {
  await server.stop();
}
