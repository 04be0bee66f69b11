// The screening hop's cost over real SIP on loopback: INVITE -> final response time through Kamailio running the
// shipped integrations/kamailio/cidguard.cfg, without the lookup (-A CIDGUARD_OFF, same file) and with it, the
// worker run two ways: under wrangler dev (the development server: a proxy worker and a dev entry worker in
// front of the worker) and under `workerd serve` itself (the runtime Cloudflare runs, same bundle, same SQLite
// Durable Objects; tests/js/workerd.mjs). One run, calls interleaved so all three see the same machine state.
// To split the added time, it also measures the parts on their own: the HTTP round trip to each server
// (GET /healthz, no decision; and POST …/sip/invite, the decision through the tenant's Durable Object; both on a
// kept-alive connection, as Kamailio's), and the decision itself in wasm in-process (Engine.decideInvite on the
// same INVITE, the code the worker runs); and wrangler dev's own floor: the round trip to a worker that only
// answers "ok", under the same wrangler dev.
// Needs Kamailio (scripts/setup-sip.sh). Run: `node bench/sip-hop.mjs [calls]` (default 2000 per side).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as cg from "../www/pkg/cidguard.js";
import http from "node:http";
import { startWrangler } from "../tests/js/wrangler.mjs";
import { startWorkerd } from "../tests/js/workerd.mjs";
import { startKamailio, cidguardConnection } from "../tests/sip/kamailio.mjs";
import { createUac, createUas } from "../tests/sip/sip-ua.mjs";

const CALLS = Number(process.argv[2] ?? 2000);
const WARMUP = 200;
const KEY = "bench-key-acme-000001";
const policy = {
  system: { trusted_peers: [{ address: "127.0.0.2/32" }] },
  accounts: [{ id: "acme.test", country: "FR", block_anonymous_caller_id: true, blocklists: ["spam"],
    allowlist: { numbers: ["+33639981234"] } }],
  blocklists: [{ id: "spam", name: "Spam", numbers: ["+33899112233", "+33899112234"], prefixes: ["+3389"] }],
};

const servers = { "wrangler dev": await startWrangler({ vars: { API_KEYS: `acme:${KEY}` } }) };
const stops = [() => servers["wrangler dev"].stop()];
try {
  servers["workerd serve"] = await startWorkerd({ vars: { API_KEYS: `acme:${KEY}` } });
  stops.push(() => servers["workerd serve"].stop());
  // wrangler dev's own floor: a worker that only answers "ok", under the same wrangler dev.
  const emptyDir = mkdtempSync(join(tmpdir(), "cidguard-empty-worker-"));
  writeFileSync(join(emptyDir, "worker.js"), 'export default { fetch() { return new Response("ok"); } };\n');
  writeFileSync(join(emptyDir, "wrangler.toml"), 'name = "empty"\nmain = "worker.js"\ncompatibility_date = "2025-11-01"\n');
  const empty = await startWrangler({ config: join(emptyDir, "wrangler.toml"), readyPath: "/" });
  stops.push(async () => { await empty.stop(); rmSync(emptyDir, { recursive: true, force: true }); });
  for (const server of Object.values(servers)) {
    const put = await fetch(`${server.url}/v1/tenants/acme/policy`, { method: "PUT", body: JSON.stringify(policy),
      headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" } });
    if (put.status !== 200) throw new Error(`PUT policy: ${put.status} ${await put.text()}`);
  }
  const uas = await createUas();
  stops.push(() => uas.close());
  const hop = { NEXT_HOP: `sip:127.0.0.1:${uas.port}` };
  const proxies = { "without cidguard (CIDGUARD_OFF)": await startKamailio({ defines: { ...hop, CIDGUARD_OFF: "1" } }) };
  stops.push(() => proxies["without cidguard (CIDGUARD_OFF)"].stop());
  for (const [name, server] of Object.entries(servers)) {
    const k = await startKamailio({ defines: { ...hop, CIDGUARD_CONNECTION: cidguardConnection(`${server.url}/v1/tenants/acme/sip/invite`, KEY) } });
    stops.push(() => k.stop());
    proxies[`with cidguard (${name})`] = k;
  }
  const uac = await createUac();
  stops.push(() => uac.close());

  const invite = (i) => ({ requestUri: "sip:+33170369999@acme.test",
    from: `"Caller ${i}" <sip:06${String(10000000 + (i % 5000)).slice(-8)}@carrier.example>`,
    to: "<sip:+33170369999@acme.test>", headers: { "P-Asserted-Identity": "<sip:+33612345678@carrier.example>" } });
  const call = async (proxy, i) => {
    const r = await uac.invite({ proxy, ...invite(i) });
    if (r.status !== 200) throw new Error(`call ${i}: ${r.status} ${r.reason}`);
    return r.ms;
  };
  const times = Object.fromEntries(Object.keys(proxies).map((n) => [n, []]));
  for (let i = 0; i < WARMUP; i++) for (const proxy of Object.values(proxies)) await call(proxy, i);
  for (let i = 0; i < CALLS; i++) for (const [name, proxy] of Object.entries(proxies)) times[name].push(await call(proxy, i));
  const q = (xs, p) => { const s = [...xs].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };
  const row = (name, xs) => `${name.padEnd(40)} p50 ${q(xs, 0.5).toFixed(3)} ms   p99 ${q(xs, 0.99).toFixed(3)} ms   max ${Math.max(...xs).toFixed(3)} ms`;
  console.log(`INVITE -> final response through Kamailio on loopback, ${CALLS} calls each (interleaved, after ${WARMUP} warm-up):`);
  for (const [name, xs] of Object.entries(times)) console.log(row(name, xs));
  const base = times["without cidguard (CIDGUARD_OFF)"];
  for (const name of Object.keys(servers)) {
    const xs = times[`with cidguard (${name})`];
    console.log(`added by the lookup (${name}): p50 +${(q(xs, 0.5) - q(base, 0.5)).toFixed(3)} ms, p99 +${(q(xs, 0.99) - q(base, 0.99)).toFixed(3)} ms`);
  }

  // The parts: each server's HTTP round trip alone (kept-alive, as Kamailio's connection), and the decision alone.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const send = (url, body) => new Promise((resolve, reject) => {
    const t = performance.now();
    const headers = body ? { authorization: `Bearer ${KEY}`, "content-type": "application/json" } : {};
    http.request(url, { agent, method: body ? "POST" : "GET", headers }, (res) => {
      res.resume();
      res.on("end", () => (res.statusCode === 200 ? resolve(performance.now() - t) : reject(new Error(`${url}: ${res.statusCode}`))));
    }).on("error", reject).end(body);
  });
  const bodies = Array.from({ length: CALLS }, (_, i) => { const v = invite(i); return JSON.stringify({ direction: "inbound",
    account: "acme.test", source: { address: "127.0.0.1" }, request_uri: v.requestUri, from: `${v.from};tag=${i}`, to: v.to,
    p_asserted_identity: v.headers["P-Asserted-Identity"] }); });
  for (const [name, server] of Object.entries(servers)) {
    const hz = [], dec = [];
    for (let i = 0; i < CALLS; i++) {
      hz.push(await send(`${server.url}/healthz`));
      dec.push(await send(`${server.url}/v1/tenants/acme/sip/invite`, bodies[i]));
    }
    console.log(row(`GET /healthz round trip (${name})`, hz));
    console.log(row(`POST …/sip/invite round trip (${name})`, dec));
  }
  const floor = [];
  for (let i = 0; i < CALLS; i++) floor.push(await send(`${empty.url}/`));
  console.log(row("GET / round trip, an empty worker (wrangler dev)", floor));
  agent.destroy();
  cg.initSync({ module: readFileSync(new URL("../www/pkg/cidguard_bg.wasm", import.meta.url)) });
  const engine = new cg.Engine(policy);
  const requests = Array.from({ length: CALLS }, (_, i) => {
    const v = invite(i);
    return { direction: "inbound", account: "acme.test", source: { address: "127.0.0.1" }, request_uri: v.requestUri,
      from: `${v.from};tag=${i}`, to: v.to, p_asserted_identity: v.headers["P-Asserted-Identity"] };
  });
  for (const r of requests.slice(0, 200)) engine.decideInvite(r);
  const dec = requests.map((r) => { const t = performance.now(); engine.decideInvite(r); return performance.now() - t; });
  console.log(row("Engine.decideInvite (wasm, in-process)", dec));
} finally {
  for (const stop of stops.reverse()) await stop();
}
