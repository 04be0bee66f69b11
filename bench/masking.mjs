// Number masking through the wasm boundary in Node: callback handling end to end (verifySignature + route on a
// MaskingState holding 10k open sessions + JSON.stringify of the Infobip response), its parts, and building the
// state. Uses the module the worker and the page ship (www/pkg). Run: `node bench/masking.mjs`.
import { readFileSync } from "node:fs";
import * as cg from "../www/pkg/cidguard.js";

cg.initSync({ module: readFileSync(new URL("../www/pkg/cidguard_bg.wasm", import.meta.url)) });

const SESSIONS = 10_000, POOL = 200, NOW = 1_700_000_000;
const URL_ = "https://masking.example.com/infobip/callback";
const creds = { apiId: "55ddccad2df62a4b615b7e3c472b2ab6", key: "5da086b6a8e4424993646b8699c333ca" };
const pad = (n) => String(n).padStart(7, "0");
const config = { not_allowed: { fileUrl: "https://example.com/na.mp3" },
  closed_fallback: { action: "dial", number: "+41445550000" } };
// The same workload as benches/masking.rs: 10k riders, 2k drivers, a 200-number pool.
const sessions = Array.from({ length: SESSIONS }, (_, i) => ({
  id: `ride-${i}`, expires_at: NOW + 3600, client_reference_id: `ride-${i}`,
  participants: [
    { number: `+4179${pad(i)}`, proxy: `+4144${pad(i % POOL)}` },
    { number: `+4178${pad(i % 2000)}`, proxy: `+4144${pad((Math.floor(i / 2000) + i) % POOL)}` },
  ],
}));

const webhook = { url: URL_, ...creds };
const pool = Array.from({ length: POOL }, (_, i) => ({ number: `+4144${pad(i)}` }));
// Warm the constructor on a small slice first, so the timing does not include compiling the module's code.
new cg.MaskingState({ config, sessions: sessions.slice(0, 500) });
let t = performance.now();
const state = new cg.MaskingState({ config, sessions, pool, webhook });
console.log(`new MaskingState({config, sessions, pool}) in wasm, ${SESSIONS} sessions: ${(performance.now() - t).toFixed(1)} ms (size ${state.size})`);

const requests = Array.from({ length: 1000 }, (_, k) => {
  const i = (k * 7) % SESSIONS;
  const body = `{"from":"4179${pad(i)}","to":"4144${pad(i % POOL)}","nmCorrelationId":"7cb72e4b-cf9f-40b6-9fc4-${String(k).padStart(12, "0")}","correlationId":"0f754338-1aff-4e09-a933-${String(k).padStart(12, "0")}"}`;
  const { authorization } = cg.signWebhook({ kind: "callback", url: URL_, body }, creds);
  return { kind: "callback", url: URL_, body, authorization };
});

function measure(name, fn, ms = 1500) {
  for (let i = 0; i < 2000; i++) fn(i); // warm up
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < ms) for (let j = 0; j < 64; j++) fn(n++);
  const per = (performance.now() - start) / n;
  console.log(`${name.padEnd(58)} ${(per * 1000).toFixed(2).padStart(10)} µs/op ${Math.round(1000 / per).toString().padStart(12)} ops/s  (${n} ops)`);
}

measure("end to end: handleCallback (verify + route) + response text", (n) => {
  const req = requests[n % 1000];
  const routing = JSON.parse(state.handleCallback(req.body, req.authorization, NOW));
  if (routing.outcome !== "connect") throw new Error(routing.outcome);
  JSON.stringify(routing.response);
});
measure("end to end: verifySignature + route objects + stringify", (n) => {
  const req = requests[n % 1000];
  cg.verifySignature(req, creds);
  const routing = state.route(req.body, NOW);
  if (routing.outcome !== "connect") throw new Error(routing.outcome);
  JSON.stringify(routing.response);
});
measure("  verifySignature only", (n) => cg.verifySignature(requests[n % 1000], creds));
measure("  MaskingState.route only (parse + route + trace to JS)", (n) => state.route(requests[n % 1000].body, NOW));
measure("MaskingState.allocate (200-number pool, 10k live sessions)", (n) =>
  state.allocate(null, { id: `new-${n}`, participants: [{ number: "+41790000001" }, { number: `+4177${pad(n % 1000)}` }] }, NOW));
const replacement = { policy: "replacement", show_first: 3, show_last: 2, unmask_roles: ["supervisor"] };
measure("maskNumber, replacement", () => cg.maskNumber(replacement, "+41793026727", "agent", null));
measure("maskNumber, random", () => cg.maskNumber({ policy: "random" }, "+41793026727", "agent", "secret"));
t = performance.now();
const one = cg.routeCallback(config, sessions.slice(0, 1000), requests[0].body, NOW);
console.log(`routeCallback, stateless with 1000 sessions re-sent: ${(performance.now() - t).toFixed(1)} ms (${one.outcome}; use MaskingState)`);
