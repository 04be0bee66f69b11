// The bad-input suite over real HTTP (wrangler dev): for every route, malformed, oversized, mistyped, badly
// encoded, unauthenticated and forbidden requests each get a 4xx JSON error naming the field and its code
// (never a 5xx), stored state read back afterwards is unchanged, and the instance still decides correctly.
// Also: the security headers of JSON answers and of the admin page.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { startWrangler } from "./wrangler.mjs";
import { loadCore } from "./core.mjs";
import { pageHeaders, frameAncestors } from "../../worker/page.js";

const OPERATOR = "test-operator-key-0123456789";
const KEYS = { acme: "test-key-acme-123456", globex: "test-key-globex-123456" };
const CREDS = { apiId: "55ddccad2df62a4b615b7e3c472b2ab6", key: "5da086b6a8e4424993646b8699c333ca" };
const POLICY = JSON.parse(readFileSync(new URL("../../www/examples/policy.json", import.meta.url), "utf8"));
const POOL = ["+41793026731", "+41793026732", "+41793026733"].map((number) => ({ number }));
const EVENT = { direction: "inbound", account: "acc-fr", caller_number: "01 70 36 99 99" };
const T = "/v1/tenants/acme";

let server, readonlyKey;
const cg = loadCore();
const enc = new TextEncoder();

before(async () => {
  server = await startWrangler({ vars: { API_KEYS: `acme:${KEYS.acme},globex:${KEYS.globex}`, OPERATOR_KEY: OPERATOR } });
});
after(async () => { await server?.stop(); });

function send(method, path, { key, body, type = "application/json", headers = {} } = {}) {
  const h = { ...headers };
  if (key) h.authorization = `Bearer ${key}`;
  if (body !== undefined && type) h["content-type"] = type;
  const payload = body === undefined ? undefined : typeof body === "string" || body instanceof Uint8Array ? body : JSON.stringify(body);
  return fetch(server.url + path, { method, headers: h, body: payload, signal: AbortSignal.timeout(30_000) });
}

/** Everything stored for the tenants under test, read back through the API. */
async function snapshot() {
  const out = {};
  for (const p of ["policy", "masking/credentials", "masking/pool", "masking/sessions", "masking/log?limit=1000", "keys"])
    out[p] = await (await send("GET", `${T}/${p}`, { key: KEYS.acme })).json();
  out.tenants = await (await send("GET", "/v1/tenants", { key: OPERATOR })).json();
  out.globexKeys = await (await send("GET", "/v1/tenants/globex/keys", { key: OPERATOR })).json();
  return out;
}

const CALLBACK_URL = "https://hooks.example.com/v1/tenants/acme/infobip/callback";
const signed = (body) => cg.signWebhook({ kind: "callback", url: CALLBACK_URL, body }, CREDS).authorization;

const deep = (n) => "[".repeat(n) + "]".repeat(n);
const deepObject = (n) => '{"a":'.repeat(n) + "1" + "}".repeat(n);
const bytes = (...parts) => {
  const chunks = parts.map((p) => (typeof p === "string" ? enc.encode(p) : Uint8Array.from(p)));
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.length; }
  return out;
};

/** The bad bodies every JSON-body route refuses the same way, for a body named `field` of JSON `type`. */
function badBodies(field, type, limit, key) {
  const wrong = type === "array" ? "{}" : "[]";
  const inner = type === "array" ? (v) => `[${v}]` : (v) => `{"x":${v}}`;
  const at = type === "array" ? `${field}[0]` : `${field}.x`;
  return [
    ["no content-type", { body: "{}", type: null }, 415, "content-type", "unsupported_media_type"],
    ["text/plain", { body: "{}", type: "text/plain" }, 415, "content-type", "unsupported_media_type"],
    ["form-encoded", { body: "a=b", type: "application/x-www-form-urlencoded" }, 415, "content-type", "unsupported_media_type"],
    ["latin-1 charset", { body: "{}", type: "application/json; charset=iso-8859-1" }, 415, "content-type", "unsupported_media_type"],
    ["empty body", { body: "" }, 400, field, "missing"],
    ["whitespace body", { body: " \n\t" }, 400, field, "missing"],
    ["malformed JSON", { body: '{"a":' }, 400, field, "malformed_json"],
    ["trailing garbage", { body: "{} x" }, 400, field, "malformed_json"],
    ["NaN literal", { body: inner("NaN") }, 400, field, "malformed_json"],
    ["null body", { body: "null" }, 400, field, "invalid_type"],
    ["string body", { body: '"x"' }, 400, field, "invalid_type"],
    ["number body", { body: "42" }, 400, field, "invalid_type"],
    ["boolean body", { body: "true" }, 400, field, "invalid_type"],
    ["wrong container", { body: wrong }, 400, field, "invalid_type"],
    ["nested 10,000 arrays", { body: inner(deep(10_000)) }, 400, field, "too_deep"],
    ["nested 10,000 objects", { body: inner(deepObject(10_000)) }, 400, field, "too_deep"],
    ["nested 33 levels", { body: inner(deep(32)) }, 400, field, "too_deep"],
    ["1e309", { body: inner("1e309") }, 400, at, "out_of_range"],
    ["-1e309", { body: inner("-1e309") }, 400, at, "out_of_range"],
    ["string over 8192 characters", { body: inner(JSON.stringify("9".repeat(8193))) }, 400, at, "too_long"],
    ["invalid UTF-8 byte", { body: bytes(type === "array" ? '["' : '{"x":"', [0xff], type === "array" ? '"]' : '"}') }, 400, field, "bad_encoding"],
    ["truncated UTF-8", { body: bytes(type === "array" ? '["' : '{"x":"', [0xe2, 0x82], type === "array" ? '"]' : '"}') }, 400, field, "bad_encoding"],
    ["overlong UTF-8", { body: bytes(type === "array" ? '["' : '{"x":"', [0xc0, 0xaf], type === "array" ? '"]' : '"}') }, 400, field, "bad_encoding"],
    ["UTF-8 surrogate", { body: bytes(type === "array" ? '["' : '{"x":"', [0xed, 0xa0, 0x80], type === "array" ? '"]' : '"}') }, 400, field, "bad_encoding"],
    ["body over the limit", { body: inner(JSON.stringify("x".repeat(limit))) }, 413, field, "too_large"],
  ].map(([name, o, status, f, code]) => [name, { key, ...o }, status, f, code]);
}

/** Every route's cases: [route, name, method, path, options, status, field, code]. */
function cases() {
  const out = [];
  const add = (route, method, path, list) => { for (const c of list) out.push([route, c[0], method, path, ...c.slice(1)]); };
  const auth = (write) => [
    ["no credential", {}, 401, "authorization", "unauthenticated"],
    ["not a Bearer header", { headers: { authorization: KEYS.acme } }, 401, "authorization", "unauthenticated"],
    ["unknown key", { key: "not-a-real-key-0000" }, 401, "authorization", "unauthenticated"],
    ["key over 512 characters", { key: "k".repeat(600) }, 401, "authorization", "unauthenticated"],
    ["two keys", { headers: { authorization: `Bearer ${KEYS.acme} ${KEYS.acme}` } }, 401, "authorization", "unauthenticated"],
    ["another tenant's key", { key: KEYS.globex }, 404, "tenant", "not_found"],
    ...(write ? [["read-only key", { key: readonlyKey, body: "{}" }, 403, "authorization", "forbidden"]] : []),
  ];
  const segs = [
    ["bad percent-escape in the tenant", "/v1/tenants/%ZZ", 400, "tenant", "bad_encoding"],
    ["truncated UTF-8 in the tenant", "/v1/tenants/%E2%82", 400, "tenant", "bad_encoding"],
    ["invalid tenant id", "/v1/tenants/a%2Fb", 400, "tenant", "invalid"],
    ["tenant id over 128 characters", `/v1/tenants/${"a".repeat(129)}`, 400, "tenant", "too_long"],
  ];
  const A = { key: KEYS.acme };

  add("GET /healthz", "POST", "/healthz", [["wrong method", {}, 405, "method", "method_not_allowed"]]);
  add("GET /v1/normalize", "GET", "/v1/normalize?number=0639981234&country=FR&x=1", [["unknown parameter", {}, 400, "x", "unknown_parameter"]]);
  add("GET /v1/normalize", "GET", "/v1/normalize?number=1&number=2&country=FR", [["repeated parameter", {}, 400, "number", "repeated"]]);
  add("GET /v1/normalize", "GET", "/v1/normalize?number=%ZZ&country=FR", [["undecodable number", {}, 400, "number", "not_a_number"]]);
  add("GET /v1/normalize", "GET", "/v1/normalize?number=0639981234&country=1e309", [["numeric country", {}, 400, "country", "unknown_country"]]);
  add("GET /v1/normalize", "GET", "/v1/normalize?country=FR", [["missing number", {}, 400, "number", "missing"]]);
  add("GET /v1/normalize", "DELETE", "/v1/normalize?number=1&country=US", [["wrong method", {}, 405, "method", "method_not_allowed"]]);

  const O = { key: OPERATOR };
  add("POST /v1/tenants", "POST", "/v1/tenants", [
    ...badBodies("tenant", "object", 64 << 10, OPERATOR),
    ["no credential", { body: { id: "zz" } }, 401, "authorization", "unauthenticated"],
    ["tenant key instead of operator", { key: KEYS.acme, body: { id: "zz" } }, 401, "authorization", "unauthenticated"],
    ["missing id", { ...O, body: {} }, 400, "id", "missing"],
    ["id of the wrong type", { ...O, body: { id: ["a"] } }, 400, "id", "invalid_type"],
    ["invalid id", { ...O, body: { id: "-x" } }, 400, "id", "invalid"],
    ["unknown field", { ...O, body: { id: "zz", name: "x" } }, 400, "name", "unknown_field"],
    ["existing tenant", { ...O, body: { id: "acme" } }, 409, "id", "exists"],
  ]);
  add("GET /v1/tenants", "GET", "/v1/tenants?x=1", [["unknown parameter", O, 400, "x", "unknown_parameter"]]);
  add("GET /v1/tenants", "GET", "/v1/tenants?=1", [["empty parameter name", O, 400, '[""]', "unknown_parameter"]]);
  add("GET /v1/tenants", "PATCH", "/v1/tenants", [["wrong method", O, 405, "method", "method_not_allowed"]]);
  for (const [name, p, s, f, c] of segs) add("GET|DELETE /v1/tenants/{id}", "DELETE", p, [[name, O, s, f, c]]);
  add("GET|DELETE /v1/tenants/{id}", "DELETE", "/v1/tenants/acme", [["configured tenant", O, 409, "tenant", "configured"],
    ["tenant key instead of operator", A, 401, "authorization", "unauthenticated"]]);
  add("GET|DELETE /v1/tenants/{id}", "DELETE", "/v1/tenants/nobody", [["unknown tenant", O, 404, "tenant", "not_found"]]);
  add("GET|DELETE /v1/tenants/{id}", "GET", "/v1/tenants/nobody", [["unknown tenant", O, 404, "tenant", "not_found"]]);
  add("GET|DELETE /v1/tenants/{id}", "PUT", "/v1/tenants/acme", [["wrong method", O, 405, "method", "method_not_allowed"]]);

  add("GET|POST …/keys", "POST", `${T}/keys`, [
    ...badBodies("key", "object", 64 << 10, KEYS.acme), ...auth(true),
    ["missing role", { ...A, body: {} }, 400, "role", "missing"],
    ["unknown role", { ...A, body: { role: "root" } }, 400, "role", "unknown_value"],
    ["unmask not a boolean", { ...A, body: { role: "admin", unmask: "yes" } }, 400, "unmask", "invalid_type"],
    ["label not a string", { ...A, body: { role: "admin", label: 5 } }, 400, "label", "invalid_type"],
    ["label too long", { ...A, body: { role: "admin", label: "l".repeat(129) } }, 400, "label", "too_long"],
    ["unknown field", { ...A, body: { role: "admin", secret: "x" } }, 400, "secret", "unknown_field"],
    ["empty field name", { ...A, body: { role: "admin", "": 1 } }, 400, '[""]', "unknown_field"],
  ]);
  add("GET|POST …/keys", "GET", `${T}/keys`, [["read-only key", { key: readonlyKey }, 403, "authorization", "forbidden"]]);
  add("GET|POST …/keys", "GET", "/v1/tenants/nobody/keys", [["unknown tenant", O, 404, "tenant", "not_found"]]);
  add("DELETE …/keys/{id}", "DELETE", `${T}/keys/k_000000000000000000000000`, [["unknown key id", A, 404, "key", "not_found"]]);
  add("DELETE …/keys/{id}", "DELETE", `${T}/keys/%ZZ`, [["bad percent-escape in the key id", A, 400, "key", "bad_encoding"]]);
  add("DELETE …/keys/{id}", "GET", `${T}/keys/k_000000000000000000000000`, [["wrong method", A, 405, "method", "method_not_allowed"]]);

  add("GET|PUT …/policy", "PUT", `${T}/policy`, [
    ...badBodies("policy", "object", 1 << 20, KEYS.acme), ...auth(true),
    ["invalid policy", { ...A, body: { ...POLICY, accounts: [{ ...POLICY.accounts[0], privacy_mode: "hide" }] } }, 400, "accounts[0].privacy_mode", "unknown_value"],
    ["policy of the wrong shape", { ...A, body: { accounts: "all" } }, 400, "accounts", null],
  ]);
  for (const [name, p, s, f, c] of segs) add("GET|PUT …/policy", "GET", `${p}/policy`, [[name, A, s, f, c]]);
  add("GET|PUT …/policy", "GET", `${T}/policy?version=1`, [["unknown parameter", A, 400, "version", "unknown_parameter"]]);
  add("GET|PUT …/policy", "DELETE", `${T}/policy`, [["wrong method", A, 405, "method", "method_not_allowed"]]);

  add("POST …/decide", "POST", `${T}/decide`, [
    ...badBodies("event", "object", 64 << 10, KEYS.acme), ...auth(false),
    ["unknown direction", { ...A, body: { ...EVENT, direction: "sideways" } }, 400, "direction", null],
    ["unknown account", { ...A, body: { ...EVENT, account: "nope" } }, 400, "account", null],
    ["caller number of the wrong type", { ...A, body: { ...EVENT, caller_number: 33170369999 } }, 400, "caller_number", null],
  ]);
  add("POST …/decide", "GET", `${T}/decide`, [["wrong method", A, 405, "method", "method_not_allowed"]]);

  add("GET|PUT …/masking/credentials", "PUT", `${T}/masking/credentials`, [
    ...badBodies("credentials", "object", 64 << 10, KEYS.acme), ...auth(true),
    ["missing apiId", { ...A, body: { key: CREDS.key } }, 400, "credentials.apiId", "missing"],
    ["apiId of the wrong type", { ...A, body: { ...CREDS, apiId: 5 } }, 400, "credentials.apiId", "invalid_type"],
  ]);
  add("GET|PUT …/masking/pool", "PUT", `${T}/masking/pool`, [
    ...badBodies("pool", "array", 1 << 20, KEYS.acme), ...auth(true),
    ["a number that is not one", { ...A, body: [{ number: "+41793026731" }, { number: "not a number" }] }, 400, null, null],
    ["100,001 items", { ...A, body: `[${"0,".repeat(100_000)}0]` }, 400, "pool", "too_many"],
  ]);
  add("GET|POST …/masking/sessions", "POST", `${T}/masking/sessions`, [
    ...badBodies("session", "object", 64 << 10, KEYS.acme), ...auth(true),
    ["no participants", { ...A, body: { id: "s-x", ttl_seconds: 60 } }, 400, "participants", null],
    ["existing session id", { ...A, body: { id: "s-1", ttl_seconds: 60, participants: [{ number: "+41791110009" }, { number: "+41792220009" }] } },
      409, "id", "duplicate_id"],
  ]);
  add("GET|POST …/masking/sessions", "GET", `${T}/masking/sessions?status=bogus`, [["unknown status", A, 400, "status", "unknown_value"]]);
  add("GET|POST …/masking/sessions", "GET", `${T}/masking/sessions?status=open&status=closed`, [["repeated status", A, 400, "status", "repeated"]]);
  add("GET|POST …/masking/sessions", "GET", `${T}/masking/sessions?stat=open`, [["unknown parameter", A, 400, "stat", "unknown_parameter"]]);
  add("POST …/masking/sessions/{id}/close", "POST", `${T}/masking/sessions/%ZZ/close`, [["bad percent-escape", A, 400, "session", "bad_encoding"]]);
  add("POST …/masking/sessions/{id}/close", "POST", `${T}/masking/sessions/%C3%28/close`, [["invalid UTF-8 escape", A, 400, "session", "bad_encoding"]]);
  add("POST …/masking/sessions/{id}/close", "POST", `${T}/masking/sessions/${"s".repeat(200)}/close`, [["id over 128 characters", A, 400, "session", "too_long"]]);
  add("POST …/masking/sessions/{id}/close", "POST", `${T}/masking/sessions/nope/close`, [["unknown session", A, 404, "session", "not_found"],
    ["read-only key", { key: readonlyKey }, 403, "authorization", "forbidden"]]);
  add("POST …/masking/sessions/{id}/close", "GET", `${T}/masking/sessions/s-1/close`, [["wrong method", A, 405, "method", "method_not_allowed"]]);
  for (const [name, q, code] of [["fraction", "1.5", "invalid_type"], ["zero", "0", "out_of_range"], ["over 1000", "1001", "out_of_range"],
    ["negative", "-1", "invalid_type"], ["exponent", "1e3", "invalid_type"], ["empty", "", "invalid_type"], ["huge", "99999999999999999999", "invalid_type"],
    ["word", "all", "invalid_type"]])
    add("GET …/masking/log", "GET", `${T}/masking/log?limit=${q}`, [[`limit ${name}`, A, 400, "limit", code]]);
  add("GET …/masking/log", "GET", `${T}/masking/log`, auth(false));
  add("GET …/{unknown}", "GET", `${T}/nothing`, [["unknown route", A, 404, "path", "not_found"]]);

  const hook = `${T}/infobip/callback`;
  const body = JSON.stringify({ from: "41791110001", to: "41793026731", correlationId: "c-bad" });
  for (const kind of ["callback", "status"]) {
    const r = `POST …/infobip/${kind}`;
    add(r, "POST", `/v1/tenants/%ZZ/infobip/${kind}`, [["bad percent-escape in the tenant", { body }, 400, "tenant", "bad_encoding"]]);
    add(r, "POST", `/v1/tenants/%E2%82/infobip/${kind}`, [["truncated UTF-8 in the tenant", { body }, 400, "tenant", "bad_encoding"]]);
    add(r, "POST", `/v1/tenants/nobody/infobip/${kind}`, [["uncreated tenant", { body }, 404, "tenant", "not_found"]]);
    add(r, "POST", `/v1/tenants/-bad-/infobip/${kind}`, [["impossible tenant id", { body }, 404, "tenant", "not_found"]]);
    add(r, "GET", `${T}/infobip/${kind}`, [["wrong method", {}, 405, "method", "method_not_allowed"]]);
    add(r, "POST", `${T}/infobip/${kind}?x=1`, [["unknown parameter", { body }, 400, "x", "unknown_parameter"]]);
    add(r, "POST", `${T}/infobip/${kind}`, [
      ["no content-type", { body, type: null }, 415, "content-type", "unsupported_media_type"],
      ["text/plain", { body, type: "text/plain" }, 415, "content-type", "unsupported_media_type"],
      ["empty body", { body: "" }, 400, "body", "missing"],
      ["invalid UTF-8", { body: bytes('{"from":"', [0xff], '"}') }, 400, "body", "bad_encoding"],
      ["body over 64 KiB", { body: JSON.stringify({ pad: "x".repeat(64 << 10) }) }, 413, "body", "too_large"],
      ["no signature", { body }, 401, "authorization", null],
      ["wrong signature", { body, headers: { authorization: `${CREDS.apiId}:${"0".repeat(64)}` } }, 401, "authorization", null],
      ["malformed signature", { body, headers: { authorization: "garbage" } }, 401, "authorization", null],
    ]);
  }
  // Signed (so the signature passes) but malformed inside: the core's parser answers.
  for (const [name, b, field] of [["signed null", "null", null], ["signed 10,000-deep nesting", deep(10_000), null],
    ["signed 1e309", '{"from":1e309,"to":"41793026731"}', null], ["signed malformed JSON", '{"from":', null],
    ["signed wrong types", '{"from":["41791110001"],"to":{}}', null]])
    add("POST …/infobip/callback", "POST", hook, [[name, { body: b, headers: { authorization: signed(b) } }, 400, field, null]]);
  return out;
}

test("bad input on every route: a 4xx JSON error naming the field and code, never a 5xx, nothing stored", async (t) => {
  // State to protect: a policy, credentials, a pool, a session, a read-only key.
  for (const [m, p, b] of [["PUT", "policy", POLICY], ["PUT", "masking/credentials", { ...CREDS, callbackUrl: CALLBACK_URL }],
    ["PUT", "masking/pool", POOL],
    ["POST", "masking/sessions", { id: "s-1", ttl_seconds: 3600, participants: [{ number: "+41791110001" }, { number: "+41792220002" }] }]]) {
    const r = await send(m, `${T}/${p}`, { key: KEYS.acme, body: b });
    assert.ok(r.status < 300, `${p}: ${await r.text()}`);
  }
  let r = await send("POST", `${T}/keys`, { key: KEYS.acme, body: { role: "readonly", label: "ro" } });
  readonlyKey = (await r.json()).key;
  const good = JSON.stringify({ from: "41791110001", to: "41793026731", correlationId: "c-good" });
  r = await send("POST", `${T}/infobip/callback`, { body: good, headers: { authorization: signed(good) } });
  assert.equal(r.status, 200, await r.clone().text());

  const before = await snapshot();
  const perRoute = new Map();
  const failures = [];
  let fivexx = 0;
  for (const [route, name, method, path, opts, status, field, code] of cases()) {
    const res = await send(method, path, opts);
    const text = await res.text();
    if (res.status >= 500) fivexx++;
    let error = null;
    try { error = JSON.parse(text).error; } catch {}
    const problems = [];
    if (res.status !== status) problems.push(`status ${res.status} (want ${status})`);
    if (!error || typeof error.field !== "string" || typeof error.code !== "string" || typeof error.message !== "string") problems.push("no JSON error");
    else {
      if (field !== null && error.field !== field) problems.push(`field ${JSON.stringify(error.field)} (want ${JSON.stringify(field)})`);
      if (field === null && error.field === "") problems.push("empty field");
      if (code !== null && error.code !== code) problems.push(`code ${error.code} (want ${code})`);
    }
    if (!/^application\/json/.test(res.headers.get("content-type") ?? "")) problems.push("not JSON");
    if (res.headers.get("cache-control") !== "no-store") problems.push("no cache-control: no-store");
    if (problems.length) failures.push(`${route} / ${name}: ${problems.join(", ")} — ${text.slice(0, 200)}`);
    perRoute.set(route, (perRoute.get(route) ?? 0) + 1);
  }
  const after = await snapshot();
  const total = [...perRoute.values()].reduce((a, b) => a + b, 0);
  t.diagnostic(`bad-input cases: ${total} over ${perRoute.size} routes; 5xx: ${fivexx}`);
  for (const [route, n] of perRoute) t.diagnostic(`  ${route}: ${n}`);
  assert.deepEqual(failures, []);
  assert.equal(fivexx, 0);
  assert.deepEqual(after, before, "a refused request changed stored state");

  // The instance still answers correctly: the same decision as the core gives in Node.
  r = await send("POST", `${T}/decide`, { key: KEYS.acme, body: EVENT });
  assert.equal(r.status, 200);
  const { version, ...decision } = await r.json();
  assert.equal(version, 1);
  assert.deepEqual(decision, JSON.parse(JSON.stringify(cg.decide(POLICY, EVENT))));
  r = await send("GET", "/v1/normalize?number=06%2039%2098%2012%2034&country=FR");
  assert.deepEqual(await r.json(), { e164: "+33639981234", region: "FR", valid: false });
});

test("JSON answers are never cached; the page and its assets carry the security headers", async () => {
  for (const [path, key] of [["/healthz"], ["/v1/normalize?number=1&country=US"], [`${T}/policy`, KEYS.acme], [`${T}/nothing`, KEYS.acme]]) {
    const r = await send("GET", path, { key });
    assert.equal(r.headers.get("cache-control"), "no-store", path);
    assert.equal(r.headers.get("x-content-type-options"), "nosniff", path);
  }
  for (const path of ["/", "/app.js", "/pkg/cidguard_bg.wasm", "/no-such-file"]) {
    const r = await send("GET", path);
    const csp = r.headers.get("content-security-policy") ?? "";
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'(;|$)/, path);
    assert.match(csp, /default-src 'none'/, path);
    assert.match(csp, /frame-ancestors 'none'/, path);
    assert.equal(r.headers.get("x-frame-options"), "DENY", path);
    assert.equal(r.headers.get("x-content-type-options"), "nosniff", path);
    assert.equal(r.headers.get("referrer-policy"), "no-referrer", path);
  }
});

test("FRAME_ANCESTORS lets an operator allow named origins to embed the page; anything malformed refuses framing", () => {
  let h = pageHeaders({ FRAME_ANCESTORS: "https://admin.example.com https://*.example.net:8443" });
  assert.match(h["content-security-policy"], /frame-ancestors https:\/\/admin\.example\.com https:\/\/\*\.example\.net:8443$/);
  assert.equal(h["x-frame-options"], undefined);
  for (const bad of ["*", "http://x.example.com", "https://a.example.com; script-src *", "https://a.example.com/path", "'unsafe-inline'"]) {
    assert.equal(frameAncestors(bad), null, bad);
    h = pageHeaders({ FRAME_ANCESTORS: bad });
    assert.match(h["content-security-policy"], /frame-ancestors 'none'$/, bad);
    assert.equal(h["x-frame-options"], "DENY", bad);
  }
});
