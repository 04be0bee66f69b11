// Tenant APIs over real HTTP against wrangler dev: authentication, isolation between tenants, policy storage in
// the tenant's SQLite Durable Object, validation errors that leave stored data untouched, decisions.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWrangler } from "./wrangler.mjs";
import { readFileSync } from "node:fs";

const KEYS = { acme: "test-key-acme-123456", globex: "test-key-globex-123456" };
const EXAMPLE = JSON.parse(readFileSync(new URL("../../www/examples/policy.json", import.meta.url), "utf8"));

let server;
before(async () => {
  server = await startWrangler({ vars: { API_KEYS: `acme:${KEYS.acme},globex:${KEYS.globex}` } });
});
after(async () => { await server?.stop(); });

function call(method, path, { key, body, raw } = {}) {
  const headers = {};
  if (key) headers.authorization = `Bearer ${key}`;
  if (body !== undefined || raw !== undefined) headers["content-type"] = "application/json";
  return fetch(server.url + path, { method, headers, body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    signal: AbortSignal.timeout(20_000) });
}

test("no key, a malformed header or an unknown key is 401", async () => {
  let r = await call("GET", "/v1/tenants/acme/policy");
  assert.equal(r.status, 401);
  assert.match(r.headers.get("www-authenticate"), /^Bearer/);
  assert.equal((await r.json()).error.field, "authorization");
  r = await fetch(server.url + "/v1/tenants/acme/policy", { headers: { authorization: KEYS.acme } });
  assert.equal(r.status, 401);
  r = await call("GET", "/v1/tenants/acme/policy", { key: "not-a-real-key-000" });
  assert.equal(r.status, 401);
  assert.equal((await r.json()).error.code, "unauthenticated");
});

test("HTTP Basic carries the same key as its password; a wrong or malformed one is 401", async () => {
  const basic = (s) => ({ authorization: `Basic ${Buffer.from(s).toString("base64")}` });
  let r = await fetch(server.url + "/v1/tenants/acme/policy", { headers: basic(`kamailio:${KEYS.acme}`) });
  assert.notEqual(r.status, 401, await r.clone().text());
  r = await fetch(server.url + "/v1/tenants/globex/policy", { headers: basic(`acme:${KEYS.acme}`) });
  assert.equal(r.status, 404, "a key only opens its own tenant, whatever the user name says");
  for (const h of [basic(`kamailio:${KEYS.acme}x`), basic(KEYS.acme), basic("kamailio:"), { authorization: "Basic %%%" }]) {
    r = await fetch(server.url + "/v1/tenants/acme/policy", { headers: h });
    assert.equal(r.status, 401, JSON.stringify(h));
    assert.equal((await r.json()).error.field, "authorization");
  }
});

test("Wazo's X-Auth-Token carries the same key when there is no Authorization header", async () => {
  let r = await fetch(server.url + "/v1/tenants/acme/policy", { headers: { "x-auth-token": KEYS.acme } });
  assert.notEqual(r.status, 401, await r.clone().text());
  r = await fetch(server.url + "/v1/tenants/globex/policy", { headers: { "x-auth-token": KEYS.acme } });
  assert.equal(r.status, 404);
  for (const h of [{ "x-auth-token": "not-a-real-key-000" }, { "x-auth-token": "a b" }, { "x-auth-token": KEYS.acme, authorization: "Bearer not-a-real-key-000" }]) {
    r = await fetch(server.url + "/v1/tenants/acme/policy", { headers: h });
    assert.equal(r.status, 401, JSON.stringify(h));
  }
});

test("a policy is validated, stored and read back; an invalid one changes nothing", async () => {
  let r = await call("GET", "/v1/tenants/acme/policy", { key: KEYS.acme });
  assert.equal(r.status, 404);
  r = await call("PUT", "/v1/tenants/acme/policy", { key: KEYS.acme, body: EXAMPLE });
  assert.equal(r.status, 200, await r.clone().text());
  assert.deepEqual(await r.json(), { version: 1 });

  const bad = structuredClone(EXAMPLE);
  bad.accounts[0].privacy_mode = "hide";
  r = await call("PUT", "/v1/tenants/acme/policy", { key: KEYS.acme, body: bad });
  assert.equal(r.status, 400);
  const { error } = await r.json();
  assert.equal(error.field, "accounts[0].privacy_mode");
  assert.match(error.message, /hide/);

  r = await call("PUT", "/v1/tenants/acme/policy", { key: KEYS.acme, raw: '{"system": ' });
  assert.equal(r.status, 400);
  assert.equal((await r.json()).error.code, "malformed_json");

  r = await call("PUT", "/v1/tenants/acme/policy", { key: KEYS.acme, raw: " ".repeat(2 << 20) });
  assert.equal(r.status, 413);

  r = await call("GET", "/v1/tenants/acme/policy", { key: KEYS.acme });
  assert.equal(r.status, 200);
  const stored = await r.json();
  assert.equal(stored.version, 1);
  assert.deepEqual(stored.policy, EXAMPLE);
});

test("one tenant never sees another's data", async () => {
  let r = await call("GET", "/v1/tenants/acme/policy", { key: KEYS.globex });
  assert.equal(r.status, 404);
  assert.equal((await r.json()).error.field, "tenant");
  r = await call("PUT", "/v1/tenants/acme/policy", { key: KEYS.globex, body: EXAMPLE });
  assert.equal(r.status, 404);
  r = await call("GET", "/v1/tenants/globex/policy", { key: KEYS.globex });
  assert.equal(r.status, 404);
  assert.equal((await r.json()).error.field, "policy");
});
