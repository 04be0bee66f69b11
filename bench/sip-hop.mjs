// The screening hop's cost over real SIP on loopback: INVITE -> final response time through Kamailio running the
// shipped integrations/kamailio/cidguard.cfg, with the cidguard lookup (the worker under wrangler dev) and
// without it (-A CIDGUARD_OFF, same file), in one run, calls interleaved so both see the same machine state.
// To split the added time, it also measures the two parts of the lookup on their own: the HTTP round trip to
// the worker under wrangler dev (GET /healthz, no decision) and the decision itself in wasm in-process
// (Engine.decideInvite on the same INVITE, the code the worker runs).
// Needs Kamailio (scripts/setup-sip.sh). Run: `node bench/sip-hop.mjs [calls]` (default 2000 per side).
import { readFileSync } from "node:fs";
import * as cg from "../www/pkg/cidguard.js";
import { startWrangler } from "../tests/js/wrangler.mjs";
import { startKamailio } from "../tests/sip/kamailio.mjs";
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

const worker = await startWrangler({ vars: { API_KEYS: `acme:${KEY}` } });
const stops = [() => worker.stop()];
try {
  const put = await fetch(`${worker.url}/v1/tenants/acme/policy`, { method: "PUT", body: JSON.stringify(policy),
    headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" } });
  if (put.status !== 200) throw new Error(`PUT policy: ${put.status} ${await put.text()}`);
  const uas = await createUas();
  stops.push(() => uas.close());
  const base = { NEXT_HOP: `sip:127.0.0.1:${uas.port}`, CIDGUARD_URL: `${worker.url}/v1/tenants/acme/sip/invite`, CIDGUARD_KEY: KEY };
  const withLookup = await startKamailio({ defines: base });
  stops.push(() => withLookup.stop());
  const without = await startKamailio({ defines: { ...base, CIDGUARD_OFF: "1" } });
  stops.push(() => without.stop());
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
  for (let i = 0; i < WARMUP; i++) { await call(withLookup, i); await call(without, i); }
  const a = [], b = [];
  for (let i = 0; i < CALLS; i++) {
    a.push(await call(withLookup, i));
    b.push(await call(without, i));
  }
  const q = (xs, p) => { const s = [...xs].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };
  const row = (name, xs) => `${name.padEnd(34)} p50 ${q(xs, 0.5).toFixed(3)} ms   p99 ${q(xs, 0.99).toFixed(3)} ms   max ${Math.max(...xs).toFixed(3)} ms`;
  console.log(`INVITE -> final response through Kamailio on loopback, ${CALLS} calls each (interleaved, after ${WARMUP} warm-up):`);
  console.log(row("without cidguard (CIDGUARD_OFF)", b));
  console.log(row("with cidguard (wrangler dev)", a));
  console.log(`added by the lookup: p50 +${(q(a, 0.5) - q(b, 0.5)).toFixed(3)} ms, p99 +${(q(a, 0.99) - q(b, 0.99)).toFixed(3)} ms`);

  // The parts: wrangler dev's HTTP round trip alone, and the decision alone (wasm, in-process).
  const hz = [];
  for (let i = 0; i < CALLS; i++) {
    const t = performance.now();
    await (await fetch(`${worker.url}/healthz`)).arrayBuffer();
    hz.push(performance.now() - t);
  }
  console.log(row("HTTP round trip to wrangler dev", hz));
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
