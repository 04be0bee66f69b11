// The tenant registry over real HTTP (wrangler dev): tenants exist before their storage does, the operator
// credential alone manages tenants, issued keys carry a role (admin | readonly) and the unmask privilege, and
// deleting a tenant deletes its data. Storage is observed directly: the SQLite files of the Durable Objects under
// wrangler's --persist-to directory.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join } from "node:path";
import { startWrangler } from "./wrangler.mjs";

const OPERATOR = "test-operator-key-0123456789";
const KEYS = { acme: "test-key-acme-123456", globex: "test-key-globex-123456" };
const POLICY = JSON.parse(readFileSync(new URL("../../www/examples/policy.json", import.meta.url), "utf8"));
const CREDS = { apiId: "55ddccad2df62a4b615b7e3c472b2ab6", key: "5da086b6a8e4424993646b8699c333ca" };

let server;
before(async () => {
  server = await startWrangler({ vars: { API_KEYS: `acme:${KEYS.acme},globex:${KEYS.globex}`, OPERATOR_KEY: OPERATOR } });
});
after(async () => { await server?.stop(); });

function call(method, path, { key, body } = {}) {
  const headers = {};
  if (key) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  return fetch(server.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(20_000) });
}
async function expectError(r, status, field, code) {
  const text = await r.text();
  assert.equal(r.status, status, text);
  const { error } = JSON.parse(text);
  assert.equal(error.field, field, text);
  if (code) assert.equal(error.code, code, text);
}

/** The tenant objects' SQLite files under wrangler's persistence directory. */
function tenantObjectFiles() {
  const root = join(server.persist, "v3", "do");
  if (!existsSync(root)) return [];
  return readdirSync(root).filter((d) => d.includes("TenantStore"))
    .flatMap((d) => readdirSync(join(root, d)).filter((f) => f.endsWith(".sqlite")).map((f) => join(d, f)));
}

test("operator routes need the operator credential", async () => {
  for (const [method, path, body] of [["GET", "/v1/tenants"], ["POST", "/v1/tenants", { id: "x1" }],
    ["GET", "/v1/tenants/acme"], ["DELETE", "/v1/tenants/acme"]]) {
    await expectError(await call(method, path, { body }), 401, "authorization", "unauthenticated");
    await expectError(await call(method, path, { body, key: KEYS.acme }), 401, "authorization", "unauthenticated");
    await expectError(await call(method, path, { body, key: OPERATOR + "x" }), 401, "authorization", "unauthenticated");
  }
  const r = await call("GET", "/v1/tenants", { key: OPERATOR });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get("cache-control"), "no-store");
  assert.deepEqual(await r.json(), [{ id: "acme", created_at: null, source: "config" }, { id: "globex", created_at: null, source: "config" }]);
});

test("the operator creates, reads and lists tenants; duplicates and bad ids are refused", async () => {
  let r = await call("POST", "/v1/tenants", { key: OPERATOR, body: { id: "initech" } });
  assert.equal(r.status, 201, await r.clone().text());
  const created = await r.json();
  assert.equal(created.id, "initech");
  await expectError(await call("POST", "/v1/tenants", { key: OPERATOR, body: { id: "initech" } }), 409, "id", "exists");
  await expectError(await call("POST", "/v1/tenants", { key: OPERATOR, body: { id: "acme" } }), 409, "id", "exists");
  await expectError(await call("POST", "/v1/tenants", { key: OPERATOR, body: { id: "no/slash" } }), 400, "id", "invalid");
  await expectError(await call("POST", "/v1/tenants", { key: OPERATOR, body: { id: 7 } }), 400, "id", "invalid_type");
  await expectError(await call("POST", "/v1/tenants", { key: OPERATOR, body: { id: "a", extra: 1 } }), 400, "extra", "unknown_field");
  r = await call("GET", "/v1/tenants/initech", { key: OPERATOR });
  assert.deepEqual(await r.json(), { id: "initech", created_at: created.created_at, keys: 0, source: "api" });
  await expectError(await call("GET", "/v1/tenants/nobody", { key: OPERATOR }), 404, "tenant", "not_found");
  r = await call("GET", "/v1/tenants", { key: OPERATOR });
  assert.deepEqual((await r.json()).map((t) => `${t.id}:${t.source}`), ["acme:config", "globex:config", "initech:api"]);
});

test("issued keys: shown once, stored hashed, roles enforced, unmask not escalated, revocable", async () => {
  let r = await call("POST", "/v1/tenants/initech/keys", { key: OPERATOR, body: { role: "admin", unmask: false, label: "ops" } });
  assert.equal(r.status, 201, await r.clone().text());
  const admin = await r.json();
  assert.match(admin.key, /^[A-Za-z0-9_-]{43}$/); // 32 random bytes, base64url
  assert.match(admin.id, /^k_[0-9a-f]{24}$/);
  assert.deepEqual({ role: admin.role, unmask: admin.unmask, label: admin.label }, { role: "admin", unmask: false, label: "ops" });

  // The tenant admin issues a read-only key, but cannot grant a privilege it does not hold.
  r = await call("POST", "/v1/tenants/initech/keys", { key: admin.key, body: { role: "readonly" } });
  assert.equal(r.status, 201, await r.clone().text());
  const readonly = await r.json();
  await expectError(await call("POST", "/v1/tenants/initech/keys", { key: admin.key, body: { role: "admin", unmask: true } }),
    403, "unmask", "forbidden");
  await expectError(await call("POST", "/v1/tenants/initech/keys", { key: admin.key, body: { role: "root" } }), 400, "role", "unknown_value");

  // Listing never shows a secret or its hash.
  r = await call("GET", "/v1/tenants/initech/keys", { key: admin.key });
  const listed = await r.json();
  assert.deepEqual(listed.map((k) => k.id).sort(), [admin.id, readonly.id].sort());
  assert.ok(listed.every((k) => !("key" in k) && !("hash" in k)));
  assert.doesNotMatch(JSON.stringify(listed), new RegExp(admin.key));

  // The admin key writes; the read-only key reads and is refused every write with 403.
  r = await call("PUT", "/v1/tenants/initech/policy", { key: admin.key, body: POLICY });
  assert.equal(r.status, 200, await r.clone().text());
  r = await call("GET", "/v1/tenants/initech/policy", { key: readonly.key });
  assert.equal(r.status, 200);
  r = await call("POST", "/v1/tenants/initech/decide", { key: readonly.key, body: { direction: "inbound", account: "acc-fr", caller_number: "0170369999" } });
  assert.equal(r.status, 200, await r.clone().text()); // a decision changes nothing: read-only keys may ask for one
  for (const [method, path, body] of [["PUT", "/v1/tenants/initech/policy", POLICY], ["PUT", "/v1/tenants/initech/masking/credentials", CREDS],
    ["POST", "/v1/tenants/initech/keys", { role: "readonly" }], ["GET", "/v1/tenants/initech/keys"],
    ["DELETE", `/v1/tenants/initech/keys/${admin.id}`], ["POST", "/v1/tenants/initech/masking/sessions/x/close"]])
    await expectError(await call(method, path, { key: readonly.key, body }), 403, "authorization", "forbidden");

  // A key of one tenant opens nothing of another (the same 404 as a tenant that does not exist).
  await expectError(await call("GET", "/v1/tenants/acme/policy", { key: admin.key }), 404, "tenant", "not_found");
  await expectError(await call("GET", "/v1/tenants/initech/policy", { key: KEYS.acme }), 404, "tenant", "not_found");

  // Revoked: the key stops working at once.
  r = await call("DELETE", `/v1/tenants/initech/keys/${readonly.id}`, { key: admin.key });
  assert.equal(r.status, 204);
  await expectError(await call("GET", "/v1/tenants/initech/policy", { key: readonly.key }), 401, "authorization", "unauthenticated");
  await expectError(await call("DELETE", `/v1/tenants/initech/keys/${readonly.id}`, { key: admin.key }), 404, "key", "not_found");
  r = await call("GET", "/v1/tenants/initech", { key: OPERATOR });
  assert.equal((await r.json()).keys, 1);
});

test("a tenant that was not created answers 404 on every route and gets no storage", async () => {
  // The operator may act on any tenant that exists, and on none that does not.
  let r = await call("GET", "/v1/tenants/initech/policy", { key: OPERATOR });
  assert.equal(r.status, 200);
  for (const [method, path] of [["GET", "policy"], ["POST", "decide"], ["GET", "masking/sessions"], ["GET", "keys"]])
    await expectError(await call(method, `/v1/tenants/ghost/${path}`, { key: OPERATOR, body: method === "POST" ? {} : undefined }),
      404, "tenant", "not_found");
  await expectError(await call("POST", "/v1/tenants/ghost/keys", { key: OPERATOR, body: { role: "admin" } }), 404, "tenant", "not_found");

  const before = tenantObjectFiles();
  assert.ok(before.length >= 1, "the tenants used so far have storage");
  const body = JSON.stringify({ from: "41791110001", to: "41793026731", correlationId: "c-1" });
  for (let i = 0; i < 25; i++) {
    const name = `rnd-${Math.random().toString(36).slice(2, 10)}`;
    for (const kind of ["callback", "status"]) {
      const w = await fetch(`${server.url}/v1/tenants/${name}/infobip/${kind}`, { method: "POST", body,
        headers: { "content-type": "application/json", authorization: "abc:" + "0".repeat(64) }, signal: AbortSignal.timeout(20_000) });
      await expectError(w, 404, "tenant", "not_found");
    }
  }
  assert.deepEqual(tenantObjectFiles(), before, "no Durable Object storage was created for uncreated tenants");
});

test("deleting a tenant deletes its data and keys; creating it again starts empty", async () => {
  let r = await call("POST", "/v1/tenants/initech/keys", { key: OPERATOR, body: { role: "admin", unmask: true } });
  const admin = (await r.json()).key;
  r = await call("PUT", "/v1/tenants/initech/masking/credentials", { key: admin, body: CREDS });
  assert.equal(r.status, 200, await r.clone().text());
  r = await call("PUT", "/v1/tenants/initech/masking/pool", { key: admin, body: [{ number: "+41793026731" }] });
  assert.equal(r.status, 200, await r.clone().text());
  r = await call("POST", "/v1/tenants/initech/masking/sessions", { key: admin,
    body: { id: "s-1", ttl_seconds: 600, participants: [{ number: "+41791110001" }, { number: "+41792220002" }] } });
  assert.equal(r.status, 201, await r.clone().text());

  await expectError(await call("DELETE", "/v1/tenants/acme", { key: OPERATOR }), 409, "tenant", "configured");
  r = await call("DELETE", "/v1/tenants/initech", { key: OPERATOR });
  assert.equal(r.status, 204);
  await expectError(await call("DELETE", "/v1/tenants/initech", { key: OPERATOR }), 404, "tenant", "not_found");
  await expectError(await call("GET", "/v1/tenants/initech/policy", { key: admin }), 401, "authorization");
  await expectError(await call("GET", "/v1/tenants/initech/policy", { key: OPERATOR }), 404, "tenant", "not_found");
  const hook = await fetch(`${server.url}/v1/tenants/initech/infobip/callback`, { method: "POST", body: "{}",
    headers: { "content-type": "application/json" }, signal: AbortSignal.timeout(20_000) });
  await expectError(hook, 404, "tenant", "not_found");

  r = await call("POST", "/v1/tenants", { key: OPERATOR, body: { id: "initech" } });
  assert.equal(r.status, 201);
  r = await call("GET", "/v1/tenants/initech", { key: OPERATOR });
  assert.equal((await r.json()).keys, 0, "the old keys are gone");
  await expectError(await call("GET", "/v1/tenants/initech/policy", { key: OPERATOR }), 404, "policy", "not_found");
  await expectError(await call("GET", "/v1/tenants/initech/masking/credentials", { key: OPERATOR }), 404, "credentials", "not_found");
  for (const [path, empty] of [["masking/pool", []], ["masking/sessions", []], ["masking/log", { calls: [], status: [] }]]) {
    r = await call("GET", `/v1/tenants/initech/${path}`, { key: OPERATOR });
    assert.deepEqual(await r.json(), empty, path);
  }
});

test("API_KEYS tenants exist by configuration with admin keys holding unmask; they can issue keys", async () => {
  let r = await call("POST", "/v1/tenants/globex/keys", { key: KEYS.globex, body: { role: "readonly", unmask: true, label: "audit" } });
  assert.equal(r.status, 201, await r.clone().text());
  const ro = await r.json();
  r = await call("GET", "/v1/tenants/globex/masking/sessions", { key: ro.key });
  assert.equal(r.status, 200);
  await expectError(await call("PUT", "/v1/tenants/globex/masking/pool", { key: ro.key, body: [] }), 403, "authorization", "forbidden");
  r = await call("GET", "/v1/tenants", { key: OPERATOR });
  assert.ok((await r.json()).some((t) => t.id === "globex" && t.source === "config"));
});
