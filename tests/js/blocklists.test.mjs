// Lists as rows over real HTTP (wrangler dev): documents carrying lists are migrated into rows and decide exactly
// as before; Kazoo-shaped blacklists (documents, numbers, prefixes, pages, prefix search, account selection);
// Wazo-shaped users' blocklists with wazo-confd's codes, headers and JSON; end-user tokens that reach only their
// own list; If-Match → 412; bad input → 4xx naming the field, nothing changed.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { SignJWT, generateKeyPair, exportJWK } from "jose";
import { startWrangler } from "./wrangler.mjs";

const KEYS = { acme: "test-key-acme-123456", globex: "test-key-globex-123456" };
const OPERATOR = "test-operator-key-0123456789";
const POLICY = JSON.parse(readFileSync(new URL("../../www/examples/policy.json", import.meta.url), "utf8"));
const SECRET = "an-hs256-secret-of-at-least-32-characters!";
const GLOBEX_SECRET = "another-hs256-secret-of-32-characters-or-more";

let server;
before(async () => {
  server = await startWrangler({ vars: { API_KEYS: `acme:${KEYS.acme},globex:${KEYS.globex}`, OPERATOR_KEY: OPERATOR } });
});
after(async () => { await server?.stop(); });

async function call(method, path, { key = KEYS.acme, body, headers = {}, raw } = {}) {
  const h = { ...headers };
  if (key) h.authorization = `Bearer ${key}`;
  if (body !== undefined || raw !== undefined) h["content-type"] ??= "application/json";
  const r = await fetch(server.url + path, { method, headers: h, body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    signal: AbortSignal.timeout(30_000) });
  const text = await r.text();
  return { status: r.status, headers: r.headers, text, json: text ? JSON.parse(text) : null };
}
function expectError(r, status, field, code) {
  assert.equal(r.status, status, r.text);
  assert.equal(r.json.error.field, field, r.text);
  if (code) assert.equal(r.json.error.code, code, r.text);
}
const T = "/v1/tenants/acme";
const event = (caller, extra = {}) => ({ direction: "inbound", account: "acc-fr", caller_number: caller, ...extra });
const token = (sub, { secret = SECRET, exp = "10m", alg = "HS256", key } = {}) =>
  new SignJWT({}).setProtectedHeader({ alg }).setSubject(sub).setIssuedAt().setExpirationTime(exp)
    .sign(key ?? new TextEncoder().encode(secret));
const me = async (sub, opts) => ({ "x-auth-token": await token(sub, opts) });

test("a policy carrying lists is migrated into rows and decides exactly as before", async () => {
  // The answers of the in-document lists, computed by the core in Node from the same document, are the reference.
  const cg = await import("../../pkg/cidguard.js");
  const { readFileSync: rf } = await import("node:fs");
  cg.initSync({ module: rf(new URL("../../pkg/cidguard_bg.wasm", import.meta.url)) });
  const engine = new cg.Engine(POLICY);
  const put = await call("PUT", `${T}/policy`, { body: POLICY });
  assert.equal(put.status, 200, put.text);
  assert.equal(put.headers.get("etag"), `"${put.json.version}"`);
  // Read back from the rows (a small tenant's entries are inlined, as written): the document round-trips.
  const got = await call("GET", `${T}/policy`);
  assert.deepEqual(got.json.policy, POLICY);
  assert.deepEqual(got.json.lists, { entries: 7, inline: true });
  assert.equal((await call("GET", `${T}/blacklists/spam/numbers/${encodeURIComponent("+33170369999")}`)).json.data.written, "01 70 36 99 99");
  const calls = [event("01 70 36 99 99"), event("+44 7700 900123"), event("0899123456"), event("0611223344"),
    event("+33639981299", { destination_user: "u-alice" }), event("+33639981299", { destination_user: "u-bob" }), event("anonymous"),
    { direction: "inbound", account: "acc-us", caller_number: "(415) 555-0100" }, { direction: "inbound", account: "acc-us", caller_number: "+19005550000" },
    { direction: "inbound", account: "acc-us", caller_number: "" }, { direction: "outbound", account: "acc-fr", caller_number: "0170369999", dialled_number: "0611223344" }];
  for (const e of calls) {
    const r = await call("POST", `${T}/decide`, { body: e });
    assert.equal(r.status, 200, r.text);
    const { version, ...decision } = r.json;
    assert.deepEqual(decision, JSON.parse(JSON.stringify(engine.decide(e))), JSON.stringify(e));
  }
  const rej = await call("POST", `${T}/decide`, { body: event("01 70 36 99 99") });
  assert.equal(rej.json.screening.rule, "account_blocklist");
  assert.equal(rej.json.screening.entry.written, "01 70 36 99 99");
});

test("Kazoo blacklists: documents, numbers one by one, pages, prefix search, account selection", async () => {
  let r = await call("PUT", `${T}/blacklists`, { body: { data: { id: "robo", name: "Robocalls", numbers: { "+14155550101": { name: "r1" }, "+14155550102": {} }, flags: ["feed"] } } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.status, "success");
  assert.deepEqual(r.json.data.numbers, { "+14155550101": { name: "r1" }, "+14155550102": {} });
  assert.equal(r.json.data.should_block_anonymous, false);
  assert.deepEqual(r.json.data.flags, ["feed"]);
  const v1 = r.headers.get("etag");
  // Generated ids, Kazoo-style.
  r = await call("PUT", `${T}/blacklists`, { body: { data: { name: "Unnamed id" } } });
  assert.equal(r.status, 201, r.text);
  assert.match(r.json.data.id, /^[0-9a-f]{32}$/);
  const genId = r.json.data.id;
  // One number at a time, in any format the list reads (+E.164 here: the list has no country).
  r = await call("PUT", `${T}/blacklists/robo/numbers/${encodeURIComponent("+1 415 555 0103")}`, { body: { data: { name: "r3" } } });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(r.json.data, { number: "+14155550103", written: "+1 415 555 0103", name: "r3" });
  r = await call("PUT", `${T}/blacklists/robo/numbers/+14155550103`, { body: { data: {} } });
  assert.equal(r.status, 200, r.text);
  r = await call("GET", `${T}/blacklists/robo/numbers/+14155550103`);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get("etag"), '"2"');
  r = await call("DELETE", `${T}/blacklists/robo/numbers/+14155550102`);
  assert.equal(r.status, 200, r.text);
  expectError(await call("GET", `${T}/blacklists/robo/numbers/+14155550102`), 404, "number", "not_found");
  expectError(await call("DELETE", `${T}/blacklists/robo/numbers/+14155550102`), 404, "number", "not_found");
  // Prefixes.
  r = await call("PUT", `${T}/blacklists/robo/prefixes/${encodeURIComponent("+1 900")}`, { body: { data: { name: "premium" } } });
  assert.equal(r.status, 201, r.text);
  // Pages and prefix search.
  for (let i = 10; i < 25; i++) assert.equal((await call("PUT", `${T}/blacklists/robo/numbers/+1212555010${i}`)).status, 201);
  r = await call("GET", `${T}/blacklists/robo/numbers?page_size=10`);
  assert.equal(r.json.data.length, 10);
  assert.equal(r.json.total, 17);
  assert.equal(r.json.next_start_key, "+121255501020");
  const second = await call("GET", `${T}/blacklists/robo/numbers?page_size=10&start_key=${encodeURIComponent(r.json.next_start_key)}`);
  assert.equal(second.json.data.length, 7);
  assert.equal(second.json.next_start_key, undefined);
  r = await call("GET", `${T}/blacklists/robo/numbers?prefix=${encodeURIComponent("+1415")}`);
  assert.deepEqual(r.json.data.map((e) => e.number), ["+14155550101", "+14155550103"]);
  r = await call("GET", `${T}/blacklists?page_size=2`);
  assert.equal(r.json.data.length, 2);
  assert.ok(r.json.next_start_key);
  // The list is not consulted until an account selects it (Kazoo's account `blacklists`).
  const robo = { direction: "inbound", account: "acc-us", caller_number: "+14155550103" };
  assert.equal((await call("POST", `${T}/decide`, { body: robo })).json.screening.rule, "no_match");
  r = await call("GET", `${T}/accounts/acc-us`);
  assert.deepEqual(r.json.data.blacklists, ["us-robocalls"]);
  r = await call("PATCH", `${T}/accounts/acc-us`, { body: { data: { blacklists: ["us-robocalls", "robo"] } }, headers: { "if-match": r.headers.get("etag") } });
  assert.equal(r.status, 200, r.text);
  let d = await call("POST", `${T}/decide`, { body: robo });
  assert.equal(d.json.screening.rule, "account_blocklist");
  assert.deepEqual(d.json.screening.list, { kind: "blocklist", id: "robo", name: "Robocalls" });
  assert.equal(d.json.screening.entry.e164, "+14155550103");
  assert.equal(d.json.screening.entry.label, null, "the second PUT replaced the entry (no name)");
  d = await call("POST", `${T}/decide`, { body: { ...robo, caller_number: "+19005551234" } });
  assert.equal(d.json.screening.rule, "prefix");
  // A selected list cannot be deleted; an unselected one can.
  expectError(await call("DELETE", `${T}/blacklists/robo`), 409, "blacklist", "conflict");
  r = await call("DELETE", `${T}/blacklists/${genId}`);
  assert.equal(r.status, 200, r.text);
  expectError(await call("GET", `${T}/blacklists/${genId}`), 404, "blacklist", "not_found");
  // Kazoo's whole-document POST and PATCH.
  r = await call("PATCH", `${T}/blacklists/robo`, { body: { data: { should_block_anonymous: true } } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.data.name, "Robocalls");
  assert.equal(r.json.data.should_block_anonymous, true);
  assert.notEqual(r.headers.get("etag"), v1);
  d = await call("POST", `${T}/decide`, { body: { ...robo, caller_number: "" } });
  assert.equal(d.json.screening.sip_code, 433);
});

test("If-Match: a stale version is 412 and changes nothing", async () => {
  let r = await call("GET", `${T}/blacklists/robo`);
  const current = r.headers.get("etag");
  await call("PATCH", `${T}/blacklists/robo`, { body: { data: { flags: ["x"] } } });
  expectError(await call("PATCH", `${T}/blacklists/robo`, { body: { data: { name: "Stale" } }, headers: { "if-match": current } }), 412, "if-match", "precondition_failed");
  assert.equal((await call("GET", `${T}/blacklists/robo`)).json.data.name, "Robocalls");
  // A list change is a policy change too: a document read before it cannot overwrite it.
  r = await call("GET", `${T}/policy`);
  const before = r.headers.get("etag");
  assert.equal((await call("PUT", `${T}/blacklists/robo/numbers/+14155550177`)).status, 201);
  expectError(await call("PUT", `${T}/policy`, { body: r.json.policy, headers: { "if-match": before } }), 412, "if-match", "precondition_failed");
  assert.equal((await call("GET", `${T}/blacklists/robo/numbers/+14155550177`)).status, 200);
  r = await call("GET", `${T}/policy`);
  const stale = `"${r.json.version - 1}"`;
  expectError(await call("PUT", `${T}/policy`, { body: r.json.policy, headers: { "if-match": stale } }), 412, "if-match", "precondition_failed");
  const ok = await call("PUT", `${T}/policy`, { body: r.json.policy, headers: { "if-match": r.headers.get("etag") } });
  assert.equal(ok.status, 200, ok.text);
  // Re-putting the document read back (entries inlined, as written) keeps every list's rows.
  assert.equal((await call("GET", `${T}/blacklists/robo/numbers/+14155550103`)).status, 200);
  r = await call("GET", `${T}/blacklists/robo/numbers/+14155550103`);
  expectError(await call("DELETE", `${T}/blacklists/robo/numbers/+14155550103`, { headers: { "if-match": '"999"' } }), 412, "if-match");
  assert.equal((await call("DELETE", `${T}/blacklists/robo/numbers/+14155550103`, { headers: { "if-match": r.headers.get("etag") } })).status, 200);
});

test("end-user tokens: configured per tenant; bad, expired, foreign or missing tokens are 401", async () => {
  expectError(await call("GET", `${T}/users/me/blocklist/numbers`, { key: null, headers: await me("u-alice") }), 401, "authorization", "unauthenticated");
  expectError(await call("PUT", `${T}/user-auth`, { body: { alg: "HS256", secret: "short" } }), 400, "secret");
  expectError(await call("PUT", `${T}/user-auth`, { body: { alg: "RS1" } }), 400, "alg", "unknown_value");
  let r = await call("PUT", `${T}/user-auth`, { body: { alg: "HS256", secret: SECRET } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.secret, "(set)");
  assert.equal(JSON.stringify((await call("GET", `${T}/user-auth`)).json).includes(SECRET), false);
  r = await call("GET", `${T}/users/me/blocklist/numbers`, { key: null, headers: await me("u-alice") });
  assert.equal(r.status, 200, r.text);
  for (const headers of [{ "x-auth-token": "not-a-jwt" }, await me("u-alice", { secret: GLOBEX_SECRET }), await me("u-alice", { exp: "-1m" }),
    { authorization: `Bearer ${KEYS.acme}` }])
    expectError(await call("GET", `${T}/users/me/blocklist/numbers`, { key: null, headers }), 401, "authorization", "unauthenticated");
  // Bearer works as well as Wazo's X-Auth-Token.
  r = await call("GET", `${T}/users/me/blocklist/numbers`, { key: null, headers: { authorization: `Bearer ${await token("u-alice")}` } });
  assert.equal(r.status, 200);
  // A tenant's token never opens another tenant (globex has its own key, acme's token fails there).
  await call("PUT", "/v1/tenants/globex/user-auth", { key: KEYS.globex, body: { alg: "HS256", secret: GLOBEX_SECRET } });
  expectError(await call("GET", "/v1/tenants/globex/users/me/blocklist/numbers", { key: null, headers: await me("u-alice") }), 401, "authorization");
  // A public-key setup (EdDSA): private keys are refused.
  const { publicKey, privateKey } = await generateKeyPair("EdDSA", { extractable: true });
  expectError(await call("PUT", "/v1/tenants/globex/user-auth", { key: KEYS.globex, body: { alg: "EdDSA", jwk: await exportJWK(privateKey) } }), 400, "jwk", "private_key");
  r = await call("PUT", "/v1/tenants/globex/user-auth", { key: KEYS.globex, body: { alg: "EdDSA", jwk: await exportJWK(publicKey) } });
  assert.equal(r.status, 200, r.text);
  await call("PUT", "/v1/tenants/globex/policy", { key: KEYS.globex, body: { accounts: [{ id: "g", country: "US", users: [{ id: "u-gina" }] }] } });
  r = await call("GET", "/v1/tenants/globex/users/me/blocklist/numbers", { key: null, headers: await me("u-gina", { alg: "EdDSA", key: privateKey }) });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { items: [], total: 0 });
});

test("Wazo users' blocklists: paths, codes, headers and JSON", async () => {
  const alice = await me("u-alice");
  let r = await call("GET", `${T}/users/me/blocklist/numbers`, { key: null, headers: alice });
  assert.equal(r.json.total, 1, r.text);
  assert.deepEqual(r.json.items[0].number, "+33639981299");
  r = await call("POST", `${T}/users/me/blocklist/numbers`, { key: null, headers: alice, body: { number: "+33639981234", label: "Ex" } });
  assert.equal(r.status, 201, r.text);
  const { uuid } = r.json;
  assert.match(uuid, /^[0-9a-f-]{36}$/);
  assert.deepEqual(r.json, { uuid, number: "+33639981234", label: "Ex", links: [{ rel: "user_me_blocklist_numbers", href: `${server.url}${T}/users/me/blocklist/numbers/${uuid}` }] });
  assert.equal(r.headers.get("location"), `${server.url}${T}/users/me/blocklist/numbers/${uuid}`);
  expectError(await call("POST", `${T}/users/me/blocklist/numbers`, { key: null, headers: alice, body: { number: "+33639981234" } }), 400, "number", "duplicate_number");
  expectError(await call("POST", `${T}/users/me/blocklist/numbers`, { key: null, headers: alice, body: { number: "0639981234" } }), 400, "number", "invalid_number");
  expectError(await call("POST", `${T}/users/me/blocklist/numbers`, { key: null, headers: alice, body: { label: "x" } }), 400, "number", "missing");
  r = await call("GET", `${T}/users/me/blocklist/numbers/${uuid}`, { key: null, headers: alice });
  assert.equal(r.status, 200);
  const tag = r.headers.get("etag");
  r = await call("PUT", `${T}/users/me/blocklist/numbers/${uuid}`, { key: null, headers: alice, body: { number: "+33639981234", label: "Ex (new)" } });
  assert.equal(r.status, 204, r.text);
  assert.equal(r.text, "");
  expectError(await call("PUT", `${T}/users/me/blocklist/numbers/${uuid}`, { key: null, headers: { ...alice, "if-match": tag }, body: { number: "+33639981234", label: "stale" } }), 412, "if-match");
  // The lookup (AGI screen_blocklist): 204 with the headers, or 404, for an admin key (read-only keys too).
  r = await fetch(`${server.url}${T}/users/u-alice/blocklist/numbers?number_exact=${encodeURIComponent("+33639981234")}`, { method: "HEAD", headers: { authorization: `Bearer ${KEYS.acme}` } });
  assert.equal(r.status, 204);
  assert.equal(r.headers.get("wazo-blocklist-number-uuid"), uuid);
  assert.equal(r.headers.get("wazo-blocklist-number-label"), "Ex (new)");
  r = await fetch(`${server.url}${T}/users/u-alice/blocklist/numbers?number_exact=${encodeURIComponent("+33639981235")}`, { method: "HEAD", headers: { authorization: `Bearer ${KEYS.acme}` } });
  assert.equal(r.status, 404);
  // The call is screened by it.
  const d = await call("POST", `${T}/decide`, { body: event("06 39 98 12 34", { destination_user: "u-alice" }) });
  assert.equal(d.json.screening.rule, "user_blocklist");
  assert.equal(d.json.screening.entry.id, uuid);
  // Admin views.
  r = await call("GET", `${T}/users/u-alice/blocklist/numbers`);
  assert.equal(r.json.total, 2);
  assert.equal(r.json.items.every((i) => i.user_uuid === "u-alice" && i.tenant_uuid === "acme"), true);
  r = await call("GET", `${T}/users/blocklist/numbers?label=${encodeURIComponent("Ex (new)")}`);
  assert.deepEqual(r.json.items.map((i) => i.uuid), [uuid]);
  r = await call("GET", `${T}/users/blocklist/numbers?user_uuid=u-bob`);
  assert.deepEqual(r.json, { items: [], total: 0 });
  r = await call("GET", `${T}/users/blocklist/numbers?number=${encodeURIComponent("+33639981234")}&limit=1`);
  assert.equal(r.json.total, 1);
  expectError(await call("POST", `${T}/users/u-alice/blocklist/numbers`, { body: { number: "+1" } }), 405, "method");
  r = await call("DELETE", `${T}/users/me/blocklist/numbers/${uuid}`, { key: null, headers: alice });
  assert.equal(r.status, 204);
  expectError(await call("GET", `${T}/users/me/blocklist/numbers/${uuid}`, { key: null, headers: alice }), 404, "uuid", "not_found");
});

test("a user can neither read, change nor detect another user's entries", async () => {
  const bob = await me("u-bob");
  const alice = await me("u-alice");
  const mine = (await call("POST", `${T}/users/me/blocklist/numbers`, { key: null, headers: alice, body: { number: "+33639981111", label: "secret" } })).json.uuid;
  const absent = "00000000-0000-4000-8000-000000000000";
  for (const [method, body] of [["GET"], ["PUT", { number: "+33639981112" }], ["DELETE"]]) {
    const theirs = await call(method, `${T}/users/me/blocklist/numbers/${mine}`, { key: null, headers: bob, body });
    const none = await call(method, `${T}/users/me/blocklist/numbers/${absent}`, { key: null, headers: bob, body });
    assert.equal(theirs.status, 404);
    assert.equal(theirs.text, none.text, "the same answer for another user's entry and an absent one");
  }
  const list = await call("GET", `${T}/users/me/blocklist/numbers`, { key: null, headers: bob });
  assert.deepEqual(list.json, { items: [], total: 0 });
  // Bob adding the same number does not reveal that Alice has it.
  const add = await call("POST", `${T}/users/me/blocklist/numbers`, { key: null, headers: bob, body: { number: "+33639981111" } });
  assert.equal(add.status, 201, add.text);
  // End-user tokens reach no admin route, and API keys no `me` route.
  expectError(await call("GET", `${T}/users/blocklist/numbers`, { key: null, headers: { authorization: `Bearer ${await token("u-bob")}` } }), 401, "authorization");
  expectError(await call("GET", `${T}/users/u-alice/blocklist/numbers`, { key: null, headers: bob }), 401, "authorization");
  // Alice's entry is unchanged.
  const r = await call("GET", `${T}/users/me/blocklist/numbers/${mine}`, { key: null, headers: alice });
  assert.equal(r.json.label, "secret");
  // An unknown user has no list.
  expectError(await call("GET", `${T}/users/me/blocklist/numbers`, { key: null, headers: await me("u-nobody") }), 404, "user", "not_found");
});

test("API keys: read-only keys read, never write; keys never cross tenants", async () => {
  const issued = await call("POST", `${T}/keys`, { body: { role: "readonly" } });
  const ro = issued.json.key;
  assert.equal((await call("GET", `${T}/blacklists`, { key: ro })).status, 200);
  assert.equal((await call("GET", `${T}/users/blocklist/numbers`, { key: ro })).status, 200);
  expectError(await call("PUT", `${T}/blacklists/robo/numbers/+14155550199`, { key: ro }), 403, "authorization", "forbidden");
  expectError(await call("PUT", `${T}/user-auth`, { key: ro, body: { alg: "HS256", secret: SECRET } }), 403, "authorization", "forbidden");
  expectError(await call("GET", `${T}/blacklists/robo/numbers/+14155550199`), 404, "number", "not_found");
  for (const path of [`${T}/blacklists`, `${T}/blacklists/robo`, `${T}/users/blocklist/numbers`, `${T}/users/u-alice/blocklist/numbers`])
    expectError(await call("GET", path, { key: KEYS.globex }), 404, "tenant", "not_found");
});

test("bad input: 4xx naming the field, nothing changed", async () => {
  assert.equal((await call("PUT", `${T}/blacklists`, { body: { data: { id: "feed", name: "Feed" } } })).status, 201);
  const before = await call("GET", `${T}/blacklists/robo`);
  const cases = [
    ["PUT", `${T}/blacklists/robo/numbers/abc`, undefined, 400, "number", "not_a_number"],
    ["PUT", `${T}/blacklists/robo/numbers/${encodeURIComponent("+1 abc")}`, undefined, 400, "number", "not_a_number"],
    // A list no account selects, without a country, reads +E.164 only.
    ["PUT", `${T}/blacklists/feed/numbers/0639981234`, undefined, 400, "number", "needs_country"],
    ["PUT", `${T}/blacklists/robo/prefixes/1900`, undefined, 400, "prefix", "invalid_prefix"],
    ["PUT", `${T}/blacklists/nope/numbers/+14155550100`, undefined, 404, "blacklist", "not_found"],
    ["POST", `${T}/blacklists/robo`, { data: { name: "" } }, 400, "data.name", "invalid_length"],
    ["POST", `${T}/blacklists/robo`, { data: { name: "x".repeat(129) } }, 400, "data.name", "invalid_length"],
    ["POST", `${T}/blacklists/robo`, { name: "no envelope" }, 400, "name", "unknown_field"],
    ["POST", `${T}/blacklists/robo`, { data: { name: "x", numbers: { "+14155550100": {}, "+1 415 555 0100": {} } } }, 400, undefined, "duplicate_number"],
    ["POST", `${T}/blacklists/robo`, { data: { name: "x", numbers: ["+14155550100"] } }, 400, "data.numbers", "invalid_type"],
    ["POST", `${T}/blacklists/robo`, { data: { name: "x", colour: "red" } }, 400, "data.colour", "unknown_key"],
    ["PUT", `${T}/blacklists`, { data: { id: "robo", name: "again" } }, 409, "data.id", "exists"],
    ["PATCH", `${T}/accounts/acc-fr`, { data: { blacklists: ["nope"] } }, 400, "data.blacklists[0]", "unknown_reference"],
    ["PATCH", `${T}/accounts/nope`, { data: { blacklists: [] } }, 404, "account", "not_found"],
    ["GET", `${T}/blacklists/robo/numbers?page_size=0`, undefined, 400, "page_size", "out_of_range"],
    ["GET", `${T}/blacklists/robo/numbers?colour=red`, undefined, 400, "colour", "unknown_parameter"],
  ];
  for (const [method, path, body, status, field, code] of cases) {
    const r = await call(method, path, { body });
    assert.equal(r.status, status, `${method} ${path}: ${r.text}`);
    if (field) assert.equal(r.json.error.field, field, r.text);
    assert.equal(r.json.error.code, code, r.text);
  }
  const after = await call("GET", `${T}/blacklists/robo`);
  assert.deepEqual(after.json, before.json);
  assert.equal(after.headers.get("etag"), before.headers.get("etag"));
  const lookup = (n) => fetch(`${server.url}${T}/users/u-alice/blocklist/numbers?number_exact=${encodeURIComponent(n)}`, { method: "HEAD", headers: { authorization: `Bearer ${KEYS.acme}` } });
  assert.equal((await lookup("0639981234")).status, 400);
  assert.equal((await lookup("+33 6 39")).status, 400);
});

test("rows for previews: decideRows over the fetched rows is /decide's answer; keys only, bounded", async () => {
  const cg = (await import("./core.mjs")).loadCore();
  // A list stored only as rows (created and filled through the list routes), selected by acc-us.
  assert.equal((await call("PUT", `${T}/blacklists`, { body: { data: { id: "preview", name: "Preview feed" } } })).status, 201);
  for (const n of ["+14155550142", "+14155550143"]) assert.equal((await call("PUT", `${T}/blacklists/preview/numbers/${n}`, { body: { data: { name: `p${n.slice(-2)}` } } })).status, 201);
  assert.equal((await call("PUT", `${T}/blacklists/preview/prefixes/${encodeURIComponent("+1876")}`)).status, 201);
  const selected = (await call("GET", `${T}/accounts/acc-us`)).json.data.blacklists;
  assert.equal((await call("PATCH", `${T}/accounts/acc-us`, { body: { data: { blacklists: [...selected, "preview"] } } })).status, 200);
  // The page's engine: the stored settings only (no entry), as a console compiles them.
  const engine = new cg.Engine(cg.splitPolicy((await call("GET", `${T}/policy`)).json.policy).settings);
  const ro = (await call("POST", `${T}/keys`, { body: { role: "readonly" } })).json.key;
  const events = [
    { direction: "inbound", account: "acc-us", caller_number: "(415) 555-0142" },
    { direction: "inbound", account: "acc-us", caller_number: "+1 876 555 0100" },
    { direction: "inbound", account: "acc-us", caller_number: "+14155550199" },
    event("06 39 98 12 99", { destination_user: "u-alice" }),
    event("+33639981111", { destination_user: "u-alice" }),
    { direction: "outbound", account: "acc-us", caller_number: "+14155550142", dialled_number: "+14155550100" },
  ];
  const rules = [];
  for (const e of events) {
    const keys = engine.lookupKeys(e);
    const r = await call("POST", `${T}/lists/rows`, { key: ro, body: keys });
    assert.equal(r.status, 200, r.text);
    const { version, ...stored } = (await call("POST", `${T}/decide`, { body: e })).json;
    assert.deepEqual(JSON.parse(JSON.stringify(engine.decideRows(e, r.json.rows))), stored, JSON.stringify(e));
    rules.push(stored.screening?.rule ?? null);
  }
  // The cases reach the list by number and by prefix, a miss and the user's list (the proof is not vacuous).
  assert.deepEqual(rules.slice(0, 3), ["account_blocklist", "prefix", "no_match"]);
  const hit = (await call("POST", `${T}/lists/rows`, { body: engine.lookupKeys(events[0]) })).json.rows;
  assert.deepEqual(hit.filter((row) => row.list === "blocklist:preview"),
    [{ list: "blocklist:preview", kind: "number", e164: "+14155550142", written: "+14155550142", label: "p42", id: null }]);
  // Bounds and types, each naming its field; user tokens are refused even when valid; keys never cross tenants.
  const many = (n) => Array.from({ length: n }, (_, i) => `+1415555${String(i).padStart(4, "0")}`);
  assert.equal((await call("POST", `${T}/lists/rows`, { body: { lists: many(64).map((k) => `user:${k}`), keys: many(64) } })).status, 200);
  for (const [body, field, code] of [
    [{ lists: many(65), keys: [] }, "lists", "too_many"],
    [{ lists: [], keys: many(65) }, "keys", "too_many"],
    [{ lists: ["blocklist:preview", 7], keys: [] }, "lists[1]", "invalid_type"],
    [{ lists: [], keys: ["+1", null] }, "keys[1]", "invalid_type"],
    [{ keys: [] }, "lists", "missing"],
    [{ lists: "blocklist:preview", keys: [] }, "lists", "invalid_type"],
    [{ lists: [], keys: [], extra: 1 }, "extra", "unknown_field"],
  ]) expectError(await call("POST", `${T}/lists/rows`, { body }), 400, field, code);
  expectError(await call("POST", `${T}/lists/rows`, { key: null, headers: await me("u-alice"), body: { lists: [], keys: [] } }), 403, "authorization", "forbidden");
  expectError(await call("POST", `${T}/lists/rows`, { key: await token("u-alice"), body: { lists: [], keys: [] } }), 403, "authorization", "forbidden");
  expectError(await call("POST", `${T}/lists/rows`, { key: null, headers: await me("u-alice", { secret: GLOBEX_SECRET }), body: { lists: [], keys: [] } }), 401, "authorization", "unauthenticated");
  expectError(await call("POST", `${T}/lists/rows`, { key: KEYS.globex, body: { lists: [], keys: [] } }), 404, "tenant", "not_found");
});
