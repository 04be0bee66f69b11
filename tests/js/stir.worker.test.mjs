// STIR/SHAKEN over real HTTP: wrangler dev decides calls whose PASSporT names an x5u served by a local HTTP
// server started here on loopback (certificates from the test CA of tests/stir.rs, tests/fixtures/stir/), and
// signed here with WebCrypto, fresh, so the worker's own clock checks iat. The worker fetches the certificate
// (cached, with a timeout) and the core verifies it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { startWrangler } from "./wrangler.mjs";

const fixture = (f) => readFileSync(new URL(`../fixtures/stir/${f}`, import.meta.url), "utf8");
const KEY = "test-key-acme-123456";
const CALLER = "+12025550100";

let server, certs, base;
const hits = {};

before(async () => {
  certs = createServer((req, res) => {
    hits[req.url] = (hits[req.url] ?? 0) + 1;
    if (req.url === "/chain.pem") return res.end(fixture("chain.pem"));
    if (req.url === "/rogue.pem") return res.end(fixture("rogue-chain.pem"));
    if (req.url === "/slow.pem") return; // never answers: the worker's timeout ends it
    res.statusCode = 404;
    res.end("no such certificate");
  });
  await new Promise((r) => certs.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${certs.address().port}`;
  server = await startWrangler({ vars: { API_KEYS: `acme:${KEY}`, X5U_ALLOW_HTTP: "true" } });
  const policy = {
    system: { stir_shaken: { trust_anchors: [fixture("root.pem")] } },
    accounts: [{ id: "acc-us", country: "US", stir_shaken: {
      attestation_a: { action: "mark", mark: "Verified " }, failed: "reject",
      orig_tn_mismatch: { action: "reject", code: 603 } } }],
  };
  const r = await call("PUT", "/v1/tenants/acme/policy", policy);
  assert.equal(r.status, 200, await r.text());
});
after(async () => {
  await server?.stop();
  certs?.closeAllConnections?.();
  await new Promise((r) => (certs ? certs.close(r) : r()));
});

function call(method, path, body) {
  return fetch(server.url + path, { method, body: JSON.stringify(body), signal: AbortSignal.timeout(20_000),
    headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" } });
}

const b64url = (bytes) => Buffer.from(bytes).toString("base64url");

/** A SHAKEN PASSporT signed with the test CA's signing key, in an Identity header. */
async function identity({ x5u, attest = "A", orig = "12025550100", iat = Math.floor(Date.now() / 1000) }) {
  const key = await crypto.subtle.importKey("jwk", JSON.parse(fixture("leaf.jwk")), { name: "ECDSA", namedCurve: "P-256" }, false, ["sign"]);
  const head = b64url(JSON.stringify({ alg: "ES256", ppt: "shaken", typ: "passport", x5u }));
  const claims = b64url(JSON.stringify({ attest, dest: { tn: ["12025550199"] }, iat, orig: { tn: orig }, origid: "6fb1b5b4-2a43-4b5e-9d4f-2f3c1e0b7a11" }));
  const sig = await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, key, new TextEncoder().encode(`${head}.${claims}`));
  return `${head}.${claims}.${b64url(new Uint8Array(sig))};info=<${x5u}>;alg=ES256;ppt=shaken`;
}

async function decide(fields, caller = CALLER) {
  const r = await call("POST", "/v1/tenants/acme/decide",
    { direction: "inbound", account: "acc-us", caller_name: "Alice", caller_number: caller, ...fields });
  assert.ok(r.status < 500, `status ${r.status}`);
  return { status: r.status, body: await r.json() };
}

test("a PASSporT signed by the test CA verifies with the certificate fetched from x5u, which is cached", async () => {
  const x5u = `${base}/chain.pem`;
  const { status, body } = await decide({ identity: await identity({ x5u }) });
  assert.equal(status, 200, JSON.stringify(body));
  const s = body.screening;
  assert.equal(s.stir_shaken.outcome, "attestation_a");
  assert.equal(s.stir_shaken.signature_verified, true);
  assert.equal(s.stir_shaken.x5u, x5u);
  assert.equal(s.marked_caller_name, "Verified Alice");
  assert.equal(s.action, "allow");
  const again = await decide({ identity: await identity({ x5u, attest: "B" }) });
  assert.equal(again.body.screening.stir_shaken.outcome, "attestation_b");
  assert.equal(hits["/chain.pem"], 1, "the second call reuses the cached certificate");
});

test("a wrong orig.tn, a stale iat and a chain to an unknown anchor are refused", async () => {
  let { body } = await decide({ identity: await identity({ x5u: `${base}/chain.pem`, orig: "12025550177" }) });
  assert.equal(body.screening.stir_shaken.outcome, "orig_tn_mismatch");
  assert.deepEqual([body.screening.action, body.screening.sip_code, body.screening.rule], ["reject", 603, "stir_shaken"]);
  ({ body } = await decide({ identity: await identity({ x5u: `${base}/chain.pem`, iat: Math.floor(Date.now() / 1000) - 300 }) }));
  assert.equal(body.screening.stir_shaken.reason, "stale");
  assert.equal(body.screening.sip_code, 608);
  ({ body } = await decide({ identity: await identity({ x5u: `${base}/rogue.pem` }) }));
  assert.equal(body.screening.stir_shaken.reason, "untrusted_chain");
  assert.equal(body.screening.sip_code, 608);
});

test("an x5u that fails or times out is a verification outcome, never a 5xx", async () => {
  let { status, body } = await decide({ identity: await identity({ x5u: `${base}/missing.pem` }) });
  assert.equal(status, 200);
  assert.equal(body.screening.stir_shaken.reason, "certificate_unavailable");
  assert.match(body.screening.stir_shaken.detail, /HTTP 404/);
  ({ status, body } = await decide({ identity: await identity({ x5u: `${base}/slow.pem` }) }));
  assert.equal(status, 200);
  assert.match(body.screening.stir_shaken.detail, /timeout after 2000 ms/);
  ({ status, body } = await decide({ identity: "not a passport" }));
  assert.equal(status, 200);
  assert.equal(body.screening.stir_shaken.reason, "malformed_identity");
  ({ status, body } = await decide({ identity: 42 }));
  assert.equal(status, 400);
  assert.equal(body.error.field, "identity");
});
