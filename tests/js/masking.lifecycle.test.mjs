// Number masking's session lifecycle over real HTTP (wrangler dev, signed webhooks): expiry releases proxy
// numbers with their cool-off exactly as a close does; replayed callbacks are answered identically and logged
// once, and refused (401, logged) outside the window; input errors are 400 and state conflicts 409; PIN-gated
// join; withheld callers hear the audio; Infobip's reservation; masked reads for an unprivileged key.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { startWrangler } from "./wrangler.mjs";
import { loadCore } from "./core.mjs";

const KEYS = { acme: "test-key-acme-123456" };
const CREDS = { apiId: "55ddccad2df62a4b615b7e3c472b2ab6", key: "5da086b6a8e4424993646b8699c333ca" };
const CALLBACK_URL = "https://hooks.example.com/v1/tenants/acme/infobip/callback";
const STATUS_URL = "https://hooks.example.com/v1/tenants/acme/infobip/status";
const EXAMPLE = JSON.parse(readFileSync(new URL("../../www/examples/policy.json", import.meta.url), "utf8"));
const NOT_ALLOWED = { fileUrl: "https://example.com/not-allowed.mp3" };
const PROMPT = { fileUrl: "https://example.com/enter-pin.mp3" };
const POLICY = { ...EXAMPLE, masking: {
  not_allowed: NOT_ALLOWED,
  allocation: { geo_match: "off", cooloff_seconds: 300, default_ttl_seconds: 3600 },
  replay_window_seconds: 2,
  pin: { prompt: PROMPT, max_length: 6, timeout_ms: 8000, max_attempts: 2, per_caller: 3, per_proxy: 50, window_seconds: 600 },
  display: { agents: { policy: "replacement", show_first: 4, show_last: 2, unmask_roles: ["supervisor"] } },
  records: { display: "agents" },
} };
const P = Array.from({ length: 10 }, (_, i) => `+4179302673${i}`);

let server;
let readonlyKey;
const cg = loadCore();
before(async () => {
  server = await startWrangler({ vars: { API_KEYS: `acme:${KEYS.acme}` } });
});
after(async () => { await server?.stop(); });

function api(method, path, body, key = KEYS.acme) {
  return fetch(server.url + "/v1/tenants/acme/" + path, { method,
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body), signal: AbortSignal.timeout(20_000) });
}
function hook(kind, body, authorization = sign(kind, body)) {
  return fetch(`${server.url}/v1/tenants/acme/infobip/${kind}`, { method: "POST",
    headers: { authorization, "content-type": "application/json" }, body, signal: AbortSignal.timeout(20_000) });
}
const sign = (kind, body) => cg.signWebhook({ kind, url: kind === "callback" ? CALLBACK_URL : STATUS_URL, body }, CREDS).authorization;
const digits = (e164) => e164.slice(1);
const nowSec = () => Math.floor(Date.now() / 1000);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function expectError(r, status, field, code) {
  const text = await r.text();
  assert.equal(r.status, status, text);
  const { error } = JSON.parse(text);
  if (field !== null) assert.equal(error.field, field, text);
  if (code !== null) assert.equal(error.code, code, text);
}
async function log() {
  return (await api("GET", "masking/log?limit=1000")).json();
}

test("set up: policy, credentials, pool, a read-only key without unmask", async () => {
  let r = await api("PUT", "policy", POLICY);
  assert.equal(r.status, 200, await r.clone().text());
  r = await api("PUT", "masking/credentials", { ...CREDS, callbackUrl: CALLBACK_URL, statusUrl: STATUS_URL });
  assert.equal(r.status, 200, await r.clone().text());
  r = await api("PUT", "masking/pool", P.map((number) => ({ number })));
  assert.equal(r.status, 200, await r.clone().text());
  r = await api("POST", "keys", { role: "readonly", label: "agent" });
  assert.equal(r.status, 201, await r.clone().text());
  readonlyKey = (await r.json()).key;
});

test("credentials Infobip would never issue, or a non-URL callbackUrl, are 400 and change nothing", async () => {
  for (const [body, field, code] of [
    [{ ...CREDS, apiId: "not-alpha-numeric" }, "credentials.apiId", "invalid"],
    [{ ...CREDS, key: "k".repeat(81) }, "credentials.key", "too_long"],
    [{ ...CREDS, callbackUrl: "not a url" }, "credentials.callbackUrl", "invalid_url"],
    [{ ...CREDS, statusUrl: "ftp://hooks.example.com/s" }, "credentials.statusUrl", "invalid_url"],
  ]) await expectError(await api("PUT", "masking/credentials", body), 400, field, code);
  const r = await api("GET", "masking/credentials");
  assert.deepEqual(await r.json(), { apiId: CREDS.apiId, callbackUrl: CALLBACK_URL, statusUrl: STATUS_URL });
});

test("input problems are 400, state conflicts 409 (one code each)", async () => {
  const pair = [{ number: "+41791110001" }, { number: "+41792220002" }];
  await expectError(await api("POST", "masking/sessions", { id: "x", ttl_seconds: 60, expires_at: nowSec() + 60, participants: pair }),
    400, "ttl_seconds", "mutually_exclusive");
  await expectError(await api("POST", "masking/sessions", { id: "x", participants: pair,
    announcements: { caller: { fileId: "a", fileUrl: "https://example.com/a.mp3" } } }), 400, "announcements.caller.fileUrl", "mutually_exclusive");
  await expectError(await api("POST", "masking/sessions", { id: "x", participants: [{ ...pair[0], pin: "12" }, pair[1]] }),
    400, "participants[0].pin", "invalid_pin");
  let r = await api("POST", "masking/sessions", { id: "dup", ttl_seconds: 60, participants: pair });
  assert.equal(r.status, 201, await r.clone().text());
  await expectError(await api("POST", "masking/sessions", { id: "dup", ttl_seconds: 60, participants: pair }), 409, "id", "duplicate_id");
  r = await api("POST", "masking/sessions/dup/close");
  assert.equal(r.status, 200);
  assert.equal((await api("GET", "masking/sessions")).status, 200);
});

test("an expired session's proxies rest for the cool-off, as after a close; expiry is read from the clock", async () => {
  // ride-e gets P[2] and P[3] (P[0], P[1] rest after "dup" closed) and expires in 2 s.
  let r = await api("POST", "masking/sessions", { id: "ride-e", expires_at: nowSec() + 2,
    participants: [{ number: "+41791110011" }, { number: "+41792220022" }] });
  assert.equal(r.status, 201, await r.clone().text());
  const held = (await r.json()).session.participants.map((p) => p.proxy);
  assert.deepEqual(held, [P[2], P[3]]);
  await sleep(3200);
  r = await api("GET", "masking/sessions?status=expired");
  assert.deepEqual((await r.json()).map((s) => s.id), ["ride-e"]);
  // The bug: 3 s after expiry the same numbers were handed out again although the cool-off is 300 s.
  r = await api("POST", "masking/sessions", { id: "after", ttl_seconds: 600,
    participants: [{ number: "+41791110033" }, { number: "+41792220044" }] });
  assert.equal(r.status, 201, await r.clone().text());
  const next = (await r.json()).session.participants.map((p) => p.proxy);
  assert.deepEqual(next, [P[4], P[5]], `resting numbers must be skipped, got ${next}`);
  // A call on the expired session gets the fallback (not_allowed: no closed_fallback configured).
  const body = JSON.stringify({ from: "41791110011", to: digits(held[0]), correlationId: "c-exp" });
  r = await hook("callback", body);
  assert.deepEqual(await r.json(), { command: "audio", ...NOT_ALLOWED });
});

test("a replayed callback gets the same response, is not routed or logged again; later it is refused and logged", async () => {
  const body = JSON.stringify({ from: "41791110033", to: digits(P[4]), correlationId: "c-replay" });
  const first = await hook("callback", body);
  assert.equal(first.status, 200);
  const answer = await first.json();
  assert.equal(answer.command, "dial");
  assert.equal(answer.phoneNumber, "41792220044");
  // Close the session: a fresh routing would now answer differently; the replay still gets the first answer.
  assert.equal((await api("POST", "masking/sessions/after/close")).status, 200);
  for (let i = 0; i < 3; i++) {
    const again = await hook("callback", body);
    assert.equal(again.status, 200);
    assert.deepEqual(await again.json(), answer);
  }
  let rows = (await log()).calls.filter((c) => c.correlation_id === "c-replay");
  assert.equal(rows.length, 1, "logged once");
  await sleep(3200); // replay_window_seconds: 2
  const late = await hook("callback", body);
  await expectError(late, 401, "authorization", "replayed");
  rows = (await log()).calls.filter((c) => c.correlation_id === "c-replay");
  assert.deepEqual(rows.map((c) => c.outcome), ["replay_refused", "connect"]);
});

test("a withheld caller hears the not-allowed audio (200), never a 4xx", async () => {
  for (const from of ["", "anonymous", "Withheld", "private"]) {
    const body = JSON.stringify({ from, to: digits(P[4]), correlationId: `c-wh-${from}` });
    const r = await hook("callback", body);
    assert.equal(r.status, 200, from);
    assert.deepEqual(await r.json(), { command: "audio", ...NOT_ALLOWED });
  }
  const body = JSON.stringify({ to: digits(P[4]), correlationId: "c-wh-absent" });
  const r = await hook("callback", body);
  assert.deepEqual(await r.json(), { command: "audio", ...NOT_ALLOWED });
  const rows = (await log()).calls.filter((c) => c.correlation_id?.startsWith("c-wh-"));
  assert.ok(rows.length === 5 && rows.every((c) => c.outcome === "withheld" && c.from === null));
});

test("PIN join: unknown caller is asked, the right PIN connects, wrong PINs end in the audio, then the caller is rate-limited", async () => {
  let r = await api("POST", "masking/sessions", { id: "pin-ride", ttl_seconds: 600,
    participants: [{ number: "+41795550001", pin: "4321" }, { number: "+41796660002" }] });
  assert.equal(r.status, 201, await r.clone().text());
  const s = (await r.json()).session;
  assert.equal(JSON.stringify(s).includes("4321"), false, "the PIN is never returned");
  assert.match(s.participants[0].pin_hash, /^[0-9a-f]{64}$/);
  const proxy = digits(s.participants[0].proxy); // the driver's proxy: dialling it reaches the customer
  const call = (from, id, extra = {}) => hook("callback", JSON.stringify({ from, to: proxy, correlationId: id, ...extra }));

  // A driver on another phone: asked for the PIN, enters it, reaches the customer showing the customer's proxy.
  r = await call("41797770003", "c-pin-1");
  assert.deepEqual(await r.json(), { command: "captureDtmf", ...PROMPT, maxLength: 6, timeout: 8000, terminator: "#" });
  r = await call("41797770003", "c-pin-1", { dtmfCaptured: "4321" });
  assert.deepEqual(await r.json(), { command: "dial", phoneNumber: "41796660002", callerId: digits(s.participants[1].proxy) });

  // Wrong twice on one call (max_attempts 2): asked again, then the not-allowed audio.
  r = await call("41798880004", "c-pin-2", { dtmfCaptured: "0000" });
  assert.equal((await r.json()).command, "captureDtmf");
  r = await call("41798880004", "c-pin-2", { dtmfCaptured: "1111" });
  assert.deepEqual(await r.json(), { command: "audio", ...NOT_ALLOWED });
  // A third failure from that caller (per_caller 3) on a new call, then even the right PIN is refused.
  r = await call("41798880004", "c-pin-3", { dtmfCaptured: "2222" });
  assert.equal((await r.json()).command, "captureDtmf");
  r = await call("41798880004", "c-pin-4");
  assert.deepEqual(await r.json(), { command: "audio", ...NOT_ALLOWED });
  r = await call("41798880004", "c-pin-4", { dtmfCaptured: "4321" });
  assert.deepEqual(await r.json(), { command: "audio", ...NOT_ALLOWED });

  const rows = (await log()).calls.filter((c) => c.correlation_id?.startsWith("c-pin-"));
  assert.deepEqual(rows.map((c) => c.outcome).reverse(),
    ["pin_prompt", "pin_join", "pin_prompt", "pin_refused", "pin_prompt", "pin_refused", "pin_refused"]);
  assert.equal(JSON.stringify(rows).match(/4321|0000|1111|2222/), null, "no log row reveals a PIN");
});

test("reservation: a session holding its numbers keeps them from every other session until it ends", async () => {
  let r = await api("POST", "masking/sessions", { id: "vip", ttl_seconds: 600, hold_numbers: true,
    participants: [{ number: "+41791234001" }, { number: "+41791234002" }] });
  assert.equal(r.status, 201, await r.clone().text());
  const held = new Set((await r.json()).session.participants.map((p) => p.proxy));
  r = await api("POST", "masking/sessions", { id: "other", ttl_seconds: 600,
    participants: [{ number: "+41791234003" }, { number: "+41791234004" }] });
  if (r.status === 201) {
    const got = (await r.json()).session.participants.map((p) => p.proxy);
    assert.ok(got.every((p) => !held.has(p)), `${got} must avoid ${[...held]}`);
  } else await expectError(r, 409, null, "pool_exhausted");
  // Pinning a held number is a conflict.
  await expectError(await api("POST", "masking/sessions", { id: "pinned", ttl_seconds: 600,
    participants: [{ number: "+41791234005", proxy: [...held][0] }, { number: "+41791234006" }] }), 409, "participants[0].proxy", "proxy_held");
});

test("stored numbers: masked for a key without unmask, real for a key with it", async () => {
  let r = await api("GET", "masking/sessions?status=open", undefined, readonlyKey);
  assert.equal(r.status, 200);
  const masked = await r.json();
  const pin = masked.find((s) => s.id === "pin-ride");
  assert.deepEqual(pin.participants.map((p) => p.number), ["+417xxxxxx01", "+417xxxxxx02"]);
  assert.equal(pin.participants[0].pin, true);
  assert.equal("pin_hash" in pin.participants[0], false);
  r = await api("GET", "masking/sessions?status=open");
  const real = (await r.json()).find((s) => s.id === "pin-ride");
  assert.deepEqual(real.participants.map((p) => p.number), ["+41795550001", "+41796660002"]);

  const status = `{"action":"dial","from":"41791110033","to":"${digits(P[4])}","transferTo":"41792220044","status":"answered","correlationId":"c-replay"}`;
  r = await hook("status", status);
  assert.deepEqual(await r.json(), { stored: true, call: "c-replay" });
  r = await api("GET", "masking/log", undefined, readonlyKey);
  const roLog = await r.json();
  assert.deepEqual([roLog.status[0].from, roLog.status[0].transferTo], ["+417xxxxxx33", "+417xxxxxx44"]);
  assert.ok(roLog.calls.every((c) => c.from === null || /x/.test(c.from)));
  assert.ok(roLog.calls.every((c) => !("response" in c)));
  r = await api("GET", "masking/log");
  const adminLog = await r.json();
  assert.deepEqual([adminLog.status[0].from, adminLog.status[0].transferTo], ["+41791110033", "+41792220044"]);
});
