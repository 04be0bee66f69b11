// Property/fuzz test of the worker over real HTTP (wrangler dev), with fast-check: batches of generated requests
// against every route — valid bodies mutated at random places, arbitrary JSON, deep nesting, huge numbers,
// invalid and truncated UTF-8, random bytes, wrong methods, content types, credentials, path segments and query
// parameters; some webhook bodies correctly signed so that the core's parser is reached. Properties:
// - never a 5xx; every 4xx is a JSON error naming a field, with a code and a message;
// - when a whole batch was refused, the stored state read back is unchanged;
// - afterwards the instance still decides and normalises correctly.
// FUZZ_HTTP_REQUESTS sets the budget (default 2000 for `make test`; `make fuzz` runs 100,000); FUZZ_HTTP_SECONDS
// stops a long run early (the figures say how many requests were sent); FUZZ_HTTP_PROGRESS names a file that
// gets a line every 1,000 requests.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, appendFileSync } from "node:fs";
import fc from "fast-check";
import { startWrangler } from "./wrangler.mjs";
import { loadCore } from "./core.mjs";

const OPERATOR = "test-operator-key-0123456789";
const KEYS = { acme: "test-key-acme-123456", globex: "test-key-globex-123456" };
const CREDS = { apiId: "55ddccad2df62a4b615b7e3c472b2ab6", key: "5da086b6a8e4424993646b8699c333ca" };
const POLICY = JSON.parse(readFileSync(new URL("../../www/examples/policy.json", import.meta.url), "utf8"));
const POOL = ["+41793026731", "+41793026732", "+41793026733"].map((number) => ({ number }));
const EVENT = { direction: "inbound", account: "acc-fr", caller_number: "01 70 36 99 99" };
const BUDGET = Number(process.env.FUZZ_HTTP_REQUESTS ?? 2000);
const BATCH = Number(process.env.FUZZ_HTTP_BATCH ?? 20);
const URLS = { callback: "https://hooks.example.com/v1/tenants/acme/infobip/callback",
  status: "https://hooks.example.com/v1/tenants/acme/infobip/status" };

let server, readonlyKey;
const cg = loadCore();
const enc = new TextEncoder();

before(async () => {
  server = await startWrangler({ vars: { API_KEYS: `acme:${KEYS.acme},globex:${KEYS.globex}`, OPERATOR_KEY: OPERATOR } });
});
after(async () => { await server?.stop(); });

/** Valid bodies per route: what the mutations start from. */
const SEEDS = {
  "policy": POLICY,
  "decide": EVENT,
  "masking/credentials": { ...CREDS, callbackUrl: URLS.callback, statusUrl: URLS.status },
  "masking/pool": POOL,
  "masking/sessions": { id: "s-seed", ttl_seconds: 600, participants: [{ number: "+41791110001" }, { number: "+41792220002" }] },
  "keys": { role: "readonly", unmask: false, label: "fuzz" },
  "tenants": { id: "fz-tenant" },
  "infobip/callback": { from: "41791110001", to: "41793026731", nmCorrelationId: "nm-1", correlationId: "c-1" },
  "infobip/status": { action: "dial", from: "41791110001", to: "41793026731", transferTo: "41792220002", duration: "15",
    status: "answered", nmCorrelationId: "nm-1", correlationId: "c-1" },
};

// ---- mutation of a JSON value, driven by fast-check ----
function nodes(v, out = []) {
  out.push(v);
  if (v && typeof v === "object") for (const c of Object.values(v)) nodes(c, out);
  return out;
}
function parentOf(root, target) {
  if (root && typeof root === "object")
    for (const [k, c] of Object.entries(root)) {
      if (c === target) return [root, k];
      const p = parentOf(c, target);
      if (p) return p;
    }
  return null;
}
function mutate(seed, ops) {
  let root = structuredClone(seed);
  for (const { at, kind, value, key } of ops) {
    const all = nodes(root);
    const node = all[at % all.length];
    const parent = parentOf(root, node);
    const replace = (v) => { if (parent) parent[0][parent[1]] = v; else root = v; };
    switch (kind) {
      case 0: replace(value); break; // any JSON value in its place
      case 1: if (parent) { if (Array.isArray(parent[0])) parent[0].splice(Number(parent[1]), 1); else delete parent[0][parent[1]]; } break;
      case 2: if (node && typeof node === "object" && !Array.isArray(node)) node[key] = value; else replace([node]); break;
      case 3: replace(typeof node === "string" ? Number(node.replace(/\D/g, "") || "0") : String(JSON.stringify(node))); break;
      case 4: if (Array.isArray(node) && node.length) for (let i = 0; i < 50; i++) node.push(node[0]); else replace({}); break;
      default: replace(typeof node === "string" ? node + key : null);
    }
  }
  return root;
}
const mutationOps = fc.array(fc.record({ at: fc.nat(), kind: fc.nat(5), value: fc.jsonValue({ maxDepth: 3 }),
  key: fc.string({ maxLength: 8 }) }), { minLength: 1, maxLength: 3 });

/** Text-level damage to a JSON text: huge numbers, truncation, deep nesting, invalid UTF-8 later. */
const textDamage = fc.oneof(
  fc.constant((t) => t),
  fc.nat().map((n) => (t) => t.slice(0, n % (t.length + 1))),
  fc.constantFrom("1e309", "-1e309", "1e-400", "123456789012345678901234567890", "-0", "0.1e+999999")
    .map((num) => (t) => t.replace(/(:\s*)("[^"]*"|\d+|true|false|null)/, `$1${num}`)),
  fc.integer({ min: 30, max: 20_000 }).map((n) => (t) => `{"x":${"[".repeat(n)}${"]".repeat(n)},"y":${t}}`),
  fc.integer({ min: 30, max: 20_000 }).map((n) => () => '{"a":'.repeat(n) + "0" + "}".repeat(n)),
  fc.string({ unit: "grapheme", maxLength: 30 }).map((s) => (t) => t.replace(/"[^"]*"/, JSON.stringify(s))),
);
/** Byte-level damage: invalid/truncated/overlong UTF-8 or random bytes spliced in. */
const byteDamage = fc.oneof(
  fc.constant(null),
  fc.record({ at: fc.nat(), bytes: fc.constantFrom([0xff], [0xe2, 0x82], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0x00]) }),
  fc.record({ at: fc.nat(), bytes: fc.uint8Array({ maxLength: 12 }).map((a) => [...a]) }),
);
function applyBytes(text, dmg) {
  const b = enc.encode(text);
  if (!dmg) return b;
  const at = dmg.at % (b.length + 1);
  return Uint8Array.from([...b.slice(0, at), ...dmg.bytes, ...b.slice(at)]);
}

// ---- requests ----
const tenantSeg = fc.oneof({ weight: 6, arbitrary: fc.constant("acme") }, fc.constantFrom("globex", "nobody", "fz-tenant", "%ZZ", "%E2%82",
  "%C0%AF", "a%2Fb", "%00", "..", "x".repeat(200)), fc.string({ maxLength: 12 }).map(encodeURIComponent));
const ROUTES = ["policy", "decide", "masking/credentials", "masking/pool", "masking/sessions", "masking/sessions/s-1/close",
  "masking/sessions/%ZZ/close", "masking/log", "keys", "keys/k_000000000000000000000000", "infobip/callback", "infobip/status", "", "nothing"];
const path = fc.oneof(
  { weight: 10, arbitrary: fc.tuple(tenantSeg, fc.constantFrom(...ROUTES)).map(([t, r]) => [`/v1/tenants/${t}${r ? "/" + r : ""}`, r]) },
  { weight: 2, arbitrary: fc.constantFrom(["/v1/tenants", "tenants"], ["/v1/normalize", "normalize"], ["/healthz", "healthz"]) },
  fc.array(fc.oneof(fc.string({ maxLength: 10 }).map(encodeURIComponent), fc.constantFrom("%ZZ", "%", "%E2", "tenants", "acme", "v1")),
    { maxLength: 5 }).map((s) => [`/v1/${s.join("/")}`, "random"]),
);
const query = fc.oneof({ weight: 5, arbitrary: fc.constant("") },
  fc.array(fc.tuple(fc.constantFrom("limit", "status", "number", "country", "x", "%ZZ"),
    fc.oneof(fc.double().map(String), fc.integer().map(String), fc.string({ maxLength: 10 }), fc.constantFrom("open", "closed", "1.5", "1e309", "FR", "0639981234"))),
  { minLength: 1, maxLength: 3 }).map((ps) => "?" + ps.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("&")));
const auth = fc.constantFrom("admin", "admin", "admin", "none", "readonly", "globex", "operator", "garbage", "basic");
const contentType = fc.oneof({ weight: 8, arbitrary: fc.constant("application/json") },
  fc.constantFrom(null, "text/plain", "application/json; charset=latin1", "application/merge-patch+json", "multipart/form-data", "application/jsonx"));
const method = fc.oneof({ weight: 6, arbitrary: fc.constant("route") }, fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"));
const body = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant("mutated"), ops: mutationOps, text: textDamage, bytes: byteDamage }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("json"), value: fc.jsonValue({ maxDepth: 4 }), bytes: byteDamage }) },
  fc.record({ kind: fc.constant("bytes"), bytes: fc.uint8Array({ maxLength: 64 }) }),
  fc.record({ kind: fc.constant("none") }),
);
const request = fc.record({ path, query, auth, contentType, method, body, sign: fc.boolean() });

const DEFAULT_METHOD = { "policy": "PUT", "decide": "POST", "masking/credentials": "PUT", "masking/pool": "PUT", "masking/sessions": "POST",
  "keys": "POST", "tenants": "POST", "infobip/callback": "POST", "infobip/status": "POST" };

function build(r) {
  const [p, route] = r.path;
  const m = r.method === "route" ? (DEFAULT_METHOD[route] ?? (route.endsWith("close") ? "POST" : "GET")) : r.method;
  const headers = {};
  const key = { admin: KEYS.acme, readonly: readonlyKey, globex: KEYS.globex, operator: OPERATOR, garbage: "x".repeat(40) }[r.auth];
  if (key) headers.authorization = `Bearer ${key}`;
  if (r.auth === "basic") headers.authorization = "Basic YWRtaW46YWRtaW4=";
  let payload;
  if (m !== "GET" && r.body.kind !== "none") {
    if (r.body.kind === "bytes") payload = r.body.bytes;
    else {
      let text = r.body.kind === "json" ? JSON.stringify(r.body.value) : r.body.text(JSON.stringify(mutate(SEEDS[route] ?? {}, r.body.ops)));
      if (route.startsWith("infobip/") && r.sign && !r.body.bytes) {
        // A correctly signed webhook: the signature passes and the core's parser meets the damaged body.
        // (Status bodies are signed without their price members, so the signer reads them: one it cannot read goes unsigned.)
        try {
          headers.authorization = cg.signWebhook({ kind: route.slice(8), url: URLS[route.slice(8)], body: text }, CREDS).authorization;
        } catch {}
      }
      payload = applyBytes(text, r.body.bytes);
    }
    if (r.contentType) headers["content-type"] = r.contentType;
  }
  return { method: m, url: server.url + p + r.query, headers, body: payload, write: m !== "GET" && !(route === "decide" && m === "POST") };
}

/**
 * The stored state a refused request must leave alone. A signed callback replayed after the replay window is
 * refused (401) *and audited* (`replay_refused`, issue 15: the refusal is logged on purpose), so those audit rows are
 * left out of the comparison; every other row, and all other state, must be unchanged.
 */
async function snapshot() {
  const get = async (p, key) => (await fetch(server.url + p, { headers: { authorization: `Bearer ${key}` } })).text();
  const withoutRefusedReplays = (text) => {
    try {
      const log = JSON.parse(text);
      if (Array.isArray(log.calls)) log.calls = log.calls.filter((c) => c.outcome !== "replay_refused");
      return JSON.stringify(log);
    } catch {
      return text;
    }
  };
  const [policy, creds, pool, sessions, log, keys, ...rest] = await Promise.all([...["policy", "masking/credentials",
    "masking/pool", "masking/sessions", "masking/log?limit=1000", "keys"]
    .map((p) => get(`/v1/tenants/acme/${p}`, KEYS.acme)), get("/v1/tenants", OPERATOR), get("/v1/tenants/globex/keys", OPERATOR)]);
  return [policy, creds, pool, sessions, withoutRefusedReplays(log), keys, ...rest];
}

test(`fuzz: ${BUDGET} generated requests, no 5xx, every error names a field, refusals change nothing`, { timeout: 3_600_000 }, async (t) => {
  for (const [m, p, b] of [["PUT", "policy", POLICY], ["PUT", "masking/credentials", SEEDS["masking/credentials"]], ["PUT", "masking/pool", POOL],
    ["POST", "masking/sessions", { ...SEEDS["masking/sessions"], id: "s-1" }], ["POST", "keys", { role: "readonly" }]]) {
    const r = await fetch(`${server.url}/v1/tenants/acme/${p}`, { method: m, body: JSON.stringify(b),
      headers: { authorization: `Bearer ${KEYS.acme}`, "content-type": "application/json" } });
    const text = await r.text();
    assert.ok(r.status < 300, `${p}: ${text}`);
    if (p === "keys") readonlyKey = JSON.parse(text).key;
  }
  let sent = 0, accepted = 0, refused = 0, checkedBatches = 0;
  const statuses = new Map();
  let state = await snapshot();
  const started = Date.now();
  await fc.assert(fc.asyncProperty(fc.array(request, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
    const reqs = batch.map(build);
    const results = await Promise.all(reqs.map(async (q) => {
      const r = await fetch(q.url, { method: q.method, headers: q.headers, body: q.body, signal: AbortSignal.timeout(60_000) });
      return { q, status: r.status, text: await r.text() };
    }));
    let wrote = false;
    for (const { q, status, text } of results) {
      if (++sent % 1000 === 0 && process.env.FUZZ_HTTP_PROGRESS)
        appendFileSync(process.env.FUZZ_HTTP_PROGRESS, `${new Date().toISOString()} ${sent} requests, ${refused} refused so far\n`);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      const where = `${q.method} ${q.url.slice(server.url.length, server.url.length + 160)} → ${status} ${text.slice(0, 200)}`;
      assert.ok(status < 500, where);
      if (status >= 400) {
        refused++;
        if (q.method === "HEAD") continue;
        const { error } = JSON.parse(text);
        assert.ok(typeof error.field === "string" && error.field !== "", where);
        assert.ok(/^[a-z_]+$/.test(error.code) && typeof error.message === "string" && error.message !== "", where);
      } else {
        accepted++;
        if (q.write) wrote = true;
      }
    }
    const now = await snapshot();
    if (!wrote) {
      checkedBatches++;
      assert.deepEqual(now, state, "a batch of refused requests changed stored state");
    }
    state = now;
  }), { numRuns: Math.ceil(BUDGET / BATCH), seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined, endOnFailure: true,
    includeErrorInReport: true,
    ...(process.env.FUZZ_HTTP_SECONDS ? { interruptAfterTimeLimit: Number(process.env.FUZZ_HTTP_SECONDS) * 1000, markInterruptAsFailure: false } : {}) });
  const seconds = (Date.now() - started) / 1000;
  t.diagnostic(`fuzz.http: ${sent} requests in ${seconds.toFixed(1)} s (${(sent / seconds).toFixed(0)}/s); ${accepted} accepted, ` +
    `${refused} refused; state read back after ${checkedBatches} all-refused batches; statuses ${JSON.stringify(Object.fromEntries(statuses))}`);

  // The instance still answers correctly.
  let r = await fetch(`${server.url}/v1/tenants/acme/policy`, { method: "PUT", body: JSON.stringify(POLICY),
    headers: { authorization: `Bearer ${KEYS.acme}`, "content-type": "application/json" } });
  assert.equal(r.status, 200);
  r = await fetch(`${server.url}/v1/tenants/acme/decide`, { method: "POST", body: JSON.stringify(EVENT),
    headers: { authorization: `Bearer ${KEYS.acme}`, "content-type": "application/json" } });
  const { version, ...decision } = await r.json();
  assert.ok(version >= 1);
  assert.deepEqual(decision, JSON.parse(JSON.stringify(cg.decide(POLICY, EVENT))));
  r = await fetch(`${server.url}/v1/normalize?number=06%2039%2098%2012%2034&country=FR`);
  assert.deepEqual(await r.json(), { e164: "+33639981234", region: "FR", valid: false });
});
