// Number masking through the worker over real HTTP (wrangler dev): pool, sessions allocated inside the tenant's
// Durable Object (also under concurrent requests), Infobip callbacks and status messages verified on the raw
// body, routing, closed-session fallback, idempotent status audit, tenant isolation.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { startWrangler } from "./wrangler.mjs";
import { loadCore } from "./core.mjs";

const KEYS = { acme: "test-key-acme-123456", globex: "test-key-globex-123456" };
const CREDS = { apiId: "55ddccad2df62a4b615b7e3c472b2ab6", key: "5da086b6a8e4424993646b8699c333ca" };
const CALLBACK_URL = "https://hooks.example.com/v1/tenants/acme/infobip/callback";
const STATUS_URL = "https://hooks.example.com/v1/tenants/acme/infobip/status";
const POLICY = JSON.parse(readFileSync(new URL("../../www/examples/policy.json", import.meta.url), "utf8"));
const POOL = ["+41793026731", "+41793026732", "+41793026733", "+41793026734", "+41793026735"].map((number) => ({ number }));

let server;
const cg = loadCore();
before(async () => {
  server = await startWrangler({ vars: { API_KEYS: `acme:${KEYS.acme},globex:${KEYS.globex}` } });
});
after(async () => { await server?.stop(); });

function api(method, path, body, key = KEYS.acme) {
  return fetch(server.url + path, { method, headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(20_000) });
}
function hook(kind, body, authorization) {
  return fetch(`${server.url}/v1/tenants/acme/infobip/${kind}`, { method: "POST",
    headers: { authorization, "content-type": "application/json" }, body, signal: AbortSignal.timeout(20_000) });
}
const sign = (kind, body, creds = CREDS) =>
  cg.signWebhook({ kind, url: kind === "callback" ? CALLBACK_URL : STATUS_URL, body }, creds).authorization;

test("set up: policy with masking, credentials, pool", async () => {
  let r = await api("PUT", "/v1/tenants/acme/policy", POLICY);
  assert.equal(r.status, 200, await r.clone().text());
  r = await api("PUT", "/v1/tenants/acme/masking/credentials", { ...CREDS, callbackUrl: CALLBACK_URL, statusUrl: STATUS_URL });
  assert.equal(r.status, 200, await r.clone().text());
  r = await api("GET", "/v1/tenants/acme/masking/credentials");
  assert.deepEqual(await r.json(), { apiId: CREDS.apiId, callbackUrl: CALLBACK_URL, statusUrl: STATUS_URL }); // the key is never read back
  r = await api("PUT", "/v1/tenants/acme/masking/pool", [{ number: "+41 79 302 67 31" }, { number: "not a number" }]);
  assert.equal(r.status, 400);
  assert.match((await r.json()).error.field, /^\[1\]\.number|^pool\[1\]\.number|1/);
  r = await api("PUT", "/v1/tenants/acme/masking/pool", POOL);
  assert.equal(r.status, 200, await r.clone().text());
});

let ride;
test("a session is allocated, a callback routes to the other participant with the right caller ID", async () => {
  let r = await api("POST", "/v1/tenants/acme/masking/sessions", { id: "ride-1", ttl_seconds: 3600,
    participants: [{ number: "+41791110001" }, { number: "+41792220002" }] });
  assert.equal(r.status, 201, await r.clone().text());
  ride = (await r.json()).session;
  const [a, b] = ride.participants;
  assert.notEqual(a.proxy, undefined);

  const body = JSON.stringify({ from: "41791110001", to: a.proxy.slice(1), nmCorrelationId: "nm-1", correlationId: "c-1" });
  r = await hook("callback", body, sign("callback", body));
  assert.equal(r.status, 200, await r.clone().text());
  assert.deepEqual(await r.json(), { command: "dial", phoneNumber: "41792220002", callerId: b.proxy.slice(1) });

  // Reversed direction: B calls its proxy and reaches A, shown A's... B's partner proxy.
  const back = JSON.stringify({ from: "41792220002", to: b.proxy.slice(1), correlationId: "c-2" });
  r = await hook("callback", back, sign("callback", back));
  assert.deepEqual(await r.json(), { command: "dial", phoneNumber: "41791110001", callerId: a.proxy.slice(1) });

  // A stranger calling the same proxy number: not allowed.
  const stranger = JSON.stringify({ from: "41799999999", to: a.proxy.slice(1), correlationId: "c-3" });
  r = await hook("callback", stranger, sign("callback", stranger));
  assert.deepEqual(await r.json(), { command: "audio", fileUrl: POLICY.masking.not_allowed.fileUrl });
});

test("webhooks with a wrong signature, body, key or no header are refused with 401", async () => {
  const body = JSON.stringify({ from: "41791110001", to: "41793026731", correlationId: "c-4" });
  const good = sign("callback", body);
  for (const [b, h] of [[body.replace("c-4", "c-5"), good], [body, sign("callback", body, { ...CREDS, key: "wrong-key-000" })],
    [body, ""], [body, good.replace(/^[^:]+/, "someoneelse")], [body, "garbage"]]) {
    const r = await hook("callback", b, h);
    assert.equal(r.status, 401, h);
    assert.equal((await r.json()).error.field, "authorization");
  }
});

test("a closed session routes to the call-centre fallback; its proxies rest", async () => {
  let r = await api("POST", `/v1/tenants/acme/masking/sessions/ride-1/close`);
  assert.equal(r.status, 200, await r.clone().text());
  const body = JSON.stringify({ from: "41791110001", to: ride.participants[0].proxy.slice(1), correlationId: "c-6" });
  r = await hook("callback", body, sign("callback", body));
  const resp = await r.json();
  assert.equal(resp.command, "dial");
  assert.equal(resp.phoneNumber, POLICY.masking.closed_fallback.number.replace(/\D/g, ""));
  r = await api("GET", "/v1/tenants/acme/masking/sessions?status=closed");
  assert.deepEqual((await r.json()).map((s) => s.id), ["ride-1"]);
});

test("status messages are verified without the price members and kept once per call", async () => {
  const body = `{"action":"dial","from":"41791110001","to":"41793026731","transferTo":"41792220002","duration":"15",` +
    `"status":"answered","nmCorrelationId":"nm-1","calculatedDuration":15,"pricePerSecond":0.0,"currency":"EUR","correlationId":"c-1"}`;
  const auth = sign("status", body);
  let r = await hook("status", body, auth);
  assert.equal(r.status, 200, await r.clone().text());
  assert.deepEqual(await r.json(), { stored: true, call: "c-1" });
  r = await hook("status", body, auth); // Infobip retries: acknowledged, not stored twice
  assert.deepEqual(await r.json(), { stored: false, call: "c-1" });
  r = await hook("status", body.replace('"duration":"15"', '"duration":"16"'), auth);
  assert.equal(r.status, 401);
  r = await api("GET", "/v1/tenants/acme/masking/log");
  const log = await r.json();
  assert.equal(log.status.length, 1);
  assert.ok(log.calls.length >= 4);
});

test("concurrent allocations never give a participant the same proxy twice; the pool runs out cleanly", async () => {
  const reqs = Array.from({ length: 12 }, (_, i) => api("POST", "/v1/tenants/acme/masking/sessions", { id: `c-${i}`,
    participants: [{ number: "+41795550000" }, { number: `+4179666${String(i).padStart(4, "0")}` }], ttl_seconds: 600 }));
  const results = await Promise.all(reqs);
  const ok = [], exhausted = [];
  for (const r of results) {
    const body = await r.json();
    if (r.status === 201) ok.push(body.session);
    else {
      assert.equal(r.status, 409, JSON.stringify(body));
      assert.equal(body.error.code, "pool_exhausted");
      assert.match(body.error.message, /\+41795550000/);
      exhausted.push(body);
    }
  }
  // The shared participant can hold each of the 5 numbers once, minus the 2 resting after ride-1 closed.
  const proxies = ok.map((s) => s.participants[0].proxy);
  assert.equal(new Set(proxies).size, proxies.length);
  assert.equal(ok.length, POOL.length - 2);
  assert.equal(exhausted.length, 12 - ok.length);
});

test("another tenant sees none of it", async () => {
  let r = await api("GET", "/v1/tenants/acme/masking/sessions", undefined, KEYS.globex);
  assert.equal(r.status, 404);
  r = await api("GET", "/v1/tenants/globex/masking/sessions", undefined, KEYS.globex);
  assert.deepEqual(await r.json(), []);
  const body = JSON.stringify({ from: "41791110001", to: "41793026731", correlationId: "c-9" });
  r = await fetch(`${server.url}/v1/tenants/globex/infobip/callback`, { method: "POST", body,
    headers: { authorization: sign("callback", body), "content-type": "application/json" }, signal: AbortSignal.timeout(20_000) });
  assert.equal(r.status, 409); // globex has no credentials: acme's signature opens nothing there
});
