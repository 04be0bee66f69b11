// The OpenAPI 3.1 description (worker/openapi.js, served at /v1/openapi.json) against the real worker over HTTP
// (wrangler dev): the served document is valid OpenAPI 3.1 (the official schema, via
// @seriousme/openapi-schema-validator) and every schema in it compiles (ajv, JSON Schema 2020-12, strict); every
// operation is called with a minimal valid request and answers a status it lists, with a body valid against the
// documented schema; every operation's documented errors answer in the one error shape (unknown query
// parameter, no credential, wrong media type); and a path or method the description lacks answers 404 / 405.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { Validator } from "@seriousme/openapi-schema-validator";
import { SignJWT } from "jose";
import { startWrangler } from "./wrangler.mjs";
import { loadCore } from "./core.mjs";
import { OPENAPI } from "../../worker/openapi.js";

const OPERATOR = "test-operator-key-0123456789";
const ACME = "test-key-acme-123456";
const POLICY = JSON.parse(readFileSync(new URL("../../www/examples/policy.json", import.meta.url), "utf8"));
const CREDS = { apiId: "55ddccad2df62a4b615b7e3c472b2ab6", key: "5da086b6a8e4424993646b8699c333ca" };
const METHODS = ["get", "put", "post", "delete", "patch", "head"];

let server;
let spec; // as served
const cg = loadCore();
before(async () => {
  server = await startWrangler({ vars: { API_KEYS: `acme:${ACME}`, OPERATOR_KEY: OPERATOR } });
});
after(async () => { await server?.stop(); });

// ---- the document itself ----

test("the served description is the module's, valid OpenAPI 3.1, publicly cacheable", async () => {
  const r = await fetch(server.url + "/v1/openapi.json");
  assert.equal(r.status, 200);
  assert.match(r.headers.get("content-type"), /^application\/json/);
  assert.match(r.headers.get("cache-control"), /public/);
  spec = await r.json();
  assert.deepEqual(spec, JSON.parse(JSON.stringify(OPENAPI)));
  const result = await new Validator().validate(structuredClone(spec));
  assert.equal(result.valid, true, JSON.stringify(result.errors, null, 1));
  // The validator can fail: a response without its description is not OpenAPI.
  const broken = structuredClone(spec);
  broken.paths["/healthz"].get.responses["200"] = {};
  assert.equal((await new Validator().validate(broken)).valid, false);
});

/** Resolves a local `$ref` (`#/components/…`) in the served document. */
function deref(node) {
  while (node && node.$ref && node.$ref.startsWith("#/components/") && !node.$ref.startsWith("#/components/schemas/"))
    node = node.$ref.slice(2).split("/").reduce((o, k) => o[k], spec);
  return node;
}

/** Every operation: { id, method, template, op }. */
function operations() {
  return Object.entries(spec.paths).flatMap(([template, item]) =>
    METHODS.filter((m) => item[m]).map((m) => ({ id: item[m].operationId, method: m.toUpperCase(), template, op: item[m] })));
}

test("operation ids are unique, path parameters declared, every $ref resolves", () => {
  const ops = operations();
  assert.ok(ops.length >= 20, `${ops.length} operations`);
  assert.equal(new Set(ops.map((o) => o.id)).size, ops.length);
  for (const { id, template, op } of ops) {
    const declared = (op.parameters ?? []).map(deref).filter((p) => p.in === "path").map((p) => p.name).sort();
    const inTemplate = [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
    assert.deepEqual(declared, inTemplate, id);
    assert.ok(Object.keys(op.responses).some((s) => /^2\d\d$/.test(s)), `${id} has a success response`);
    for (const s of op.security) for (const name of Object.keys(s)) assert.ok(spec.components.securitySchemes[name], `${id}: ${name}`);
  }
  const text = JSON.stringify(spec);
  for (const [, target] of text.matchAll(/"\$ref":"#\/([^"]+)"/g)) {
    const node = target.split("/").reduce((o, k) => (o === undefined ? undefined : o[k]), spec);
    assert.notEqual(node, undefined, `#/${target}`);
  }
});

// ---- schemas: ajv (JSON Schema 2020-12), strict, every component and every inline schema compiled ----

let ajv;
const compiled = new Map();
const SCHEMAS_ID = "urn:cidguard:openapi:schemas";
const rewrite = (schema) => JSON.parse(JSON.stringify(schema).replaceAll('"#/components/schemas/', `"${SCHEMAS_ID}#/$defs/`));
function validator(schema) {
  if (!ajv) {
    ajv = new Ajv2020({ strict: true, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ $id: SCHEMAS_ID, $defs: rewrite(spec.components.schemas) });
  }
  const key = JSON.stringify(schema);
  if (!compiled.has(key)) compiled.set(key, ajv.compile(rewrite(schema)));
  return compiled.get(key);
}

test("every schema in the description compiles under JSON Schema 2020-12 (strict)", () => {
  for (const name of Object.keys(spec.components.schemas)) validator({ $ref: `#/components/schemas/${name}` });
  for (const { op } of operations()) {
    for (const p of (op.parameters ?? []).map(deref)) validator(p.schema);
    for (const c of Object.values(op.requestBody?.content ?? {})) validator(c.schema);
    for (const r of Object.values(op.responses).map(deref)) for (const c of Object.values(r.content ?? {})) validator(c.schema);
  }
  // The schemas can fail: a tenant missing `source` is refused.
  assert.equal(validator({ $ref: "#/components/schemas/Tenant" })({ id: "a", created_at: null }), false);
});

// ---- calling every operation ----

/** Configures `tenant`'s end-user token key (HS256) and signs a token for `user`. */
async function userToken(tenantPath, key, user) {
  const secret = "openapi-test-user-token-secret-0123456789";
  await ok("putUserAuth", "PUT", `${tenantPath}/user-auth`, { key, body: { alg: "HS256", secret } });
  await ok("getUserAuth", "GET", `${tenantPath}/user-auth`, { key });
  return new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setSubject(user).setExpirationTime("10m")
    .sign(new TextEncoder().encode(secret));
}

/** The documented operation for a request (the most literal matching path, as OpenAPI reads paths), or null. */
function operationFor(method, pathname) {
  const params = (t) => (t.match(/\{/g) ?? []).length;
  const templates = Object.keys(spec.paths).filter((t) => new RegExp("^" + t.replace(/\{[^}]+\}/g, "[^/]+") + "$").test(pathname))
    .sort((a, b) => params(a) - params(b));
  return templates.length ? operations().find((o) => o.template === templates[0] && o.method === method) ?? null : null;
}

/** Which operation answered which statuses (successes and errors). */
const seen = new Map();

/**
 * Sends a request, finds its documented operation (it must be `id`), and checks the answer against it: a
 * listed status (never 5xx), the documented media type, a body valid against the documented schema (an empty
 * body where none is documented). Resolves to { status, body, headers }.
 */
async function call(id, method, path, { key, body, raw, type = "application/json", headers = {} } = {}) {
  const h = { ...headers };
  if (key) h.authorization = `Bearer ${key}`;
  if (body !== undefined || raw !== undefined) h["content-type"] = type;
  const r = await fetch(server.url + path, { method, headers: h, body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    signal: AbortSignal.timeout(20_000) });
  const text = await r.text();
  const where = `${method} ${path} → ${r.status} ${text.slice(0, 400)}`;
  const found = operationFor(method, new URL(server.url + path).pathname);
  assert.ok(found, `no documented operation for ${where}`);
  assert.equal(found.id, id, where);
  assert.ok(r.status < 500, where);
  const documented = found.op.responses[String(r.status)];
  assert.ok(documented, `${id}: status ${r.status} is not documented (${where})`);
  const response = deref(documented);
  const content = response.content ?? {};
  let parsed;
  if (method === "HEAD") {
    assert.equal(text, "", where);
  } else if (Object.keys(content).length === 0) {
    assert.equal(text, "", `${id}: no body documented (${where})`);
  } else {
    const mediaType = (r.headers.get("content-type") ?? "").split(";")[0].trim();
    assert.ok(content[mediaType], `${id}: media type ${mediaType} not documented (${where})`);
    {
      parsed = /^application\/(.+\+)?json$/.test(mediaType) ? JSON.parse(text) : text;
      const validate = validator(content[mediaType].schema);
      assert.ok(validate(parsed), `${id}: body does not match the schema: ${JSON.stringify(validate.errors)} (${where})`);
      // A stream of JSON lines: each line against the item schema.
      if (content[mediaType]["x-item-schema"]) {
        const item = validator(content[mediaType]["x-item-schema"]);
        const lines = text.split("\n").filter(Boolean).map((l) => JSON.parse(l));
        assert.ok(lines.length > 0, where);
        for (const l of lines) assert.ok(item(l), `${id}: line ${JSON.stringify(l).slice(0, 200)}: ${JSON.stringify(item.errors)}`);
        parsed = lines;
      }
    }
  }
  for (const name of Object.keys(response.headers ?? {})) assert.ok(r.headers.has(name), `${id}: header ${name} (${where})`);
  if (!seen.has(id)) seen.set(id, new Set());
  seen.get(id).add(r.status);
  return { status: r.status, body: parsed, headers: r.headers };
}

async function ok(id, method, path, options, status = 200) {
  const r = await call(id, method, path, options);
  assert.equal(r.status, status, `${id}: ${JSON.stringify(r.body)}`);
  return r;
}

test("every operation answers a minimal valid request as documented", async () => {
  const T = "/v1/tenants/oa";
  await ok("health", "GET", "/healthz");
  await ok("healthHead", "HEAD", "/healthz");
  await ok("openapi", "GET", "/v1/openapi.json");
  await ok("normalize", "GET", "/v1/normalize?number=06%2012%2034%2056%2078&country=FR");

  // Tenants and keys (operator).
  await ok("createTenant", "POST", "/v1/tenants", { key: OPERATOR, body: { id: "oa" } }, 201);
  await ok("listTenants", "GET", "/v1/tenants", { key: OPERATOR });
  await ok("getTenant", "GET", T, { key: OPERATOR });
  const admin = (await ok("createKey", "POST", `${T}/keys`, { key: OPERATOR, body: { role: "admin", label: "openapi" } }, 201)).body.key;
  const ro = (await ok("createKey", "POST", `${T}/keys`, { key: admin, body: { role: "readonly" } }, 201)).body;
  await ok("listKeys", "GET", `${T}/keys`, { key: admin });
  await ok("revokeKey", "DELETE", `${T}/keys/${ro.id}`, { key: admin }, 204);

  // Policy and decisions.
  await ok("putPolicy", "PUT", `${T}/policy`, { key: admin, body: POLICY });
  await ok("getPolicy", "GET", `${T}/policy`, { key: admin });
  await ok("decide", "POST", `${T}/decide`, { key: admin,
    body: { direction: "inbound", account: "acc-fr", caller_number: "01 70 36 99 99" } });

  // The SIP-facing decision (JSON and flat lines) and the streamed what-if replay.
  const invite = { direction: "inbound", account: "acc-fr", request_uri: "sip:+33170369999@acme.test",
    from: "<sip:+33612345678@x.example>" };
  await ok("sipInvite", "POST", `${T}/sip/invite`, { key: admin, body: invite });
  await ok("sipInvite", "POST", `${T}/sip/invite?format=flat`, { key: admin, body: invite });
  const log = "time,direction,account,caller_number,caller_name,dialled_number\n" +
    "2026-12-04T08:00:00Z,inbound,acc-fr,anonymous,Anonymous,+33170000000\n";
  const replayed = await ok("replay", "POST", `${T}/replay`, { key: admin, type: "text/csv",
    raw: JSON.stringify({ candidate: { ...POLICY } }) + "\n" + log });
  assert.equal(replayed.body.at(-1).report.calls, 1);

  // Account blocklists (Kazoo-shaped), entries one at a time, a stale If-Match, imports and exports, selections.
  const B = `${T}/blacklists`;
  await ok("createBlacklist", "PUT", B, { key: admin,
    body: { data: { id: "robo", name: "Robocalls", numbers: { "+14155550101": { name: "r1" } } } } }, 201);
  await ok("listBlacklists", "GET", `${B}?page_size=10`, { key: admin });
  const { headers: listHeaders } = await ok("getBlacklist", "GET", `${B}/robo`, { key: admin });
  await ok("replaceBlacklist", "POST", `${B}/robo`, { key: admin, headers: { "if-match": listHeaders.get("etag") },
    body: { data: { name: "Robocalls 2" } } });
  const stale = await call("patchBlacklist", "PATCH", `${B}/robo`, { key: admin, headers: { "if-match": listHeaders.get("etag") },
    body: { data: { flags: ["x"] } } });
  assert.equal(stale.status, 412);
  await ok("patchBlacklist", "PATCH", `${B}/robo`, { key: admin, body: { data: { flags: ["feed"] } } });
  for (const [kind, Kind, value] of [["numbers", "Number", "%2B1%20415%20555%200103"], ["prefixes", "Prefix", "%2B1900"]]) {
    const many = kind === "numbers" ? "Numbers" : "Prefixes";
    await ok(`putBlacklist${Kind}`, "PUT", `${B}/robo/${kind}/${value}`, { key: admin, body: { data: { name: "e" } } }, 201);
    await ok(`putBlacklist${Kind}`, "PUT", `${B}/robo/${kind}/${value}`, { key: admin, body: { data: { name: "f" } } }, 200);
    await ok(`listBlacklist${many}`, "GET", `${B}/robo/${kind}?page_size=1&prefix=%2B1`, { key: admin });
    await ok(`getBlacklist${Kind}`, "GET", `${B}/robo/${kind}/${value}`, { key: admin });
    await ok(`deleteBlacklist${Kind}`, "DELETE", `${B}/robo/${kind}/${value}`, { key: admin });
  }
  await ok("importBlacklist", "POST", `${B}/robo/import?import_id=imp-1&total_lines=2`, { key: admin, type: "text/csv",
    raw: "number,label\n+14155550111,a\n+14155550112,b\n" });
  await ok("exportBlacklist", "GET", `${B}/robo/export`, { key: admin });
  await ok("listRows", "POST", `${T}/lists/rows`, { key: admin, body: { lists: ["blocklist:robo"], keys: ["+14155550111", "+1"], caller: "+14155550111" } });
  await ok("listImports", "GET", `${T}/imports?limit=5`, { key: admin });
  await ok("getImport", "GET", `${T}/imports/imp-1`, { key: admin });
  await ok("getAccount", "GET", `${T}/accounts/acc-fr`, { key: admin });
  await ok("patchAccount", "PATCH", `${T}/accounts/acc-fr`, { key: admin, body: { data: { blacklists: ["robo"] } } });
  assert.equal((await call("deleteBlacklist", "DELETE", `${B}/robo`, { key: admin })).status, 409); // still selected
  await ok("patchAccount", "PATCH", `${T}/accounts/acc-fr`, { key: admin, body: { data: { blacklists: [] } } });
  await ok("deleteBlacklist", "DELETE", `${B}/robo`, { key: admin });

  // Users' blocklists (Wazo-shaped): the end user's own with a token, the admin's read-only views and lookup.
  const jwt = await userToken(T, admin, "u-alice");
  const me = `${T}/users/me/blocklist/numbers`;
  const entry = (await ok("addToMyBlocklist", "POST", me, { key: jwt, body: { number: "+33612345670", label: "x" } }, 201)).body;
  await ok("listMyBlocklist", "GET", `${me}?order=label&limit=10`, { key: jwt });
  await ok("getMyBlocklistNumber", "GET", `${me}/${entry.uuid}`, { key: jwt });
  await ok("updateMyBlocklistNumber", "PUT", `${me}/${entry.uuid}`, { key: jwt, body: { number: "+33612345670", label: "y" } }, 204);
  await ok("searchUsersBlocklists", "GET", `${T}/users/blocklist/numbers?user_uuid=u-alice`, { key: admin });
  await ok("getUsersBlocklistNumber", "GET", `${T}/users/blocklist/numbers/${entry.uuid}`, { key: admin });
  await ok("listUserBlocklist", "GET", `${T}/users/u-alice/blocklist/numbers`, { key: admin });
  const hit = await ok("lookupUserBlocklist", "HEAD", `${T}/users/u-alice/blocklist/numbers?number_exact=%2B33612345670`,
    { key: admin }, 204);
  assert.equal(hit.headers.get("wazo-blocklist-number-uuid"), entry.uuid);
  await ok("lookupUserBlocklist", "HEAD", `${T}/users/u-alice/blocklist/numbers?number_exact=%2B33612345679`, { key: admin }, 404);
  await ok("importUserBlocklist", "POST", `${T}/users/u-alice/blocklist/import`, { key: admin, type: "application/x-ndjson",
    raw: '{"number":"+33612345671","label":"n"}\n' });
  await ok("exportUserBlocklist", "GET", `${T}/users/u-alice/blocklist/export`, { key: admin });
  await ok("deleteMyBlocklistNumber", "DELETE", `${me}/${entry.uuid}`, { key: jwt }, 204);

  // Masking, then Infobip's webhooks signed as Infobip signs them.
  const callbackUrl = `https://hooks.example.com${T}/infobip/callback`;
  const statusUrl = `https://hooks.example.com${T}/infobip/status`;
  await ok("putMaskingCredentials", "PUT", `${T}/masking/credentials`, { key: admin, body: { ...CREDS, callbackUrl, statusUrl } });
  await ok("getMaskingCredentials", "GET", `${T}/masking/credentials`, { key: admin });
  await ok("putPool", "PUT", `${T}/masking/pool`, { key: admin, body: [{ number: "+41793026731" }, { number: "+41793026732" }] });
  await ok("getPool", "GET", `${T}/masking/pool`, { key: admin });
  const session = (await ok("createSession", "POST", `${T}/masking/sessions`, { key: admin,
    body: { id: "s-1", ttl_seconds: 600, participants: [{ number: "+41791110001" }, { number: "+41792220002" }] } }, 201)).body.session;
  await ok("listSessions", "GET", `${T}/masking/sessions?status=open`, { key: admin });
  const cb = JSON.stringify({ from: "41791110001", to: session.participants[0].proxy.slice(1), correlationId: "c-1" });
  await ok("infobipCallback", "POST", `${T}/infobip/callback`, { raw: cb,
    headers: { authorization: cg.signWebhook({ kind: "callback", url: callbackUrl, body: cb }, CREDS).authorization } });
  const st = JSON.stringify({ action: "dial", from: "41791110001", to: "41793026731", status: "answered", correlationId: "c-1" });
  await ok("infobipStatus", "POST", `${T}/infobip/status`, { raw: st,
    headers: { authorization: cg.signWebhook({ kind: "status", url: statusUrl, body: st }, CREDS).authorization } });
  await ok("closeSession", "POST", `${T}/masking/sessions/s-1/close`, { key: admin });
  await ok("maskingLog", "GET", `${T}/masking/log?limit=5`, { key: admin });

  await ok("deleteTenant", "DELETE", T, { key: OPERATOR }, 204);

  const missing = operations().map((o) => o.id).filter((id) => ![...(seen.get(id) ?? [])].some((s) => s < 300));
  assert.deepEqual(missing, [], "operations never called successfully");
});

/** A concrete path for a template, on the configured tenant `acme`. */
const concrete = (template) => template.replace(/\{tenant\}/g, "acme").replace(/\{keyId\}/g, "k_000000000000000000000000")
  .replace(/\{user_uuid\}/g, "u-alice")
  .replace(/\{[^}]+\}/g, "x");
const sampleBody = (op) => (op.requestBody?.content?.["application/json"]?.schema?.type === "array" ? [] : {});

test("documented errors: an unknown query parameter, a missing credential, a wrong media type", async () => {
  await ok("putPolicy", "PUT", "/v1/tenants/acme/policy", { key: ACME, body: POLICY }); // declares the user u-alice
  const jwt = await userToken("/v1/tenants/acme", ACME, "u-alice");
  for (const { id, method, template, op } of operations()) {
    const path = concrete(template);
    const schemes = op.security.flatMap((s) => Object.keys(s));
    const key = schemes.includes("userToken") ? jwt : schemes.includes("operatorKey") && !schemes.includes("tenantKey") ? OPERATOR : ACME;
    const body = op.requestBody ? sampleBody(op) : undefined;
    if (op.responses["400"]) {
      const r = await call(id, method, `${path}?zz_unknown=1`, { key, body });
      assert.equal(r.status, 400, id);
      if (method !== "HEAD") assert.deepEqual([r.body.error.field, r.body.error.code], ["zz_unknown", "unknown_parameter"], id);
    }
    if (schemes.some((s) => ["operatorKey", "tenantKey", "userToken"].includes(s))) {
      const r = await call(id, method, path, { body });
      assert.equal(r.status, 401, id);
      if (method !== "HEAD") assert.equal(r.body.error.field, "authorization", id);
    }
    if (op.requestBody) {
      const r = await call(id, method, path, { key, raw: "a=1", type: "application/x-www-form-urlencoded" });
      assert.equal(r.status, 415, id);
      assert.equal(r.body.error.field, "content-type", id);
    }
  }
});

test("a path the description lacks is 404; a method it lacks for a path is 405 with Allow", async () => {
  for (const path of ["/v1", "/v1/", "/v1/nope", "/v1/tenants/acme/nope", "/v1/tenants/acme/policy/extra",
    "/v1/tenants/acme/masking/sessions/x", "/v1/tenants/acme/keys/a/b", "/v1/openapi.yaml"]) {
    for (const key of [undefined, ACME]) {
      const r = await fetch(server.url + path, { headers: key ? { authorization: `Bearer ${key}` } : {} });
      assert.equal(r.status, 404, path);
      const { error } = await r.json();
      assert.deepEqual([error.field, error.code], ["path", "not_found"], path);
    }
  }
  for (const [template, item] of Object.entries(spec.paths)) {
    const documented = METHODS.filter((m) => item[m]).map((m) => m.toUpperCase());
    for (const method of ["GET", "PUT", "POST", "DELETE", "PATCH"].filter((m) => !documented.includes(m))) {
      const r = await fetch(server.url + concrete(template), { method, headers: { authorization: `Bearer ${ACME}` } });
      assert.equal(r.status, 405, `${method} ${template}`);
      assert.deepEqual(r.headers.get("allow").split(", ").sort(), documented.sort(), `${method} ${template}`);
      const { error } = await r.json();
      assert.deepEqual([error.field, error.code], ["method", "method_not_allowed"]);
    }
  }
  // The admin page is not part of the API: its paths are not refused.
  assert.equal((await fetch(server.url + "/")).status, 200);
});
