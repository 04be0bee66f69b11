// cidguard in the call path, over real SIP: Kamailio (Debian's package) runs the shipped
// integrations/kamailio/cidguard.cfg in front of a scripted UAS, the worker runs under wrangler dev, and a scripted
// UDP UAC sends real INVITEs from three loopback peers: 127.0.0.1 (an untrusted source), 127.0.0.2 (a trusted
// carrier) and 127.0.0.3 (the PBX, whose calls are outbound). Two Kamailio instances differ only in the
// fail-open / fail-closed setting. The HTTP route itself (answers, flat form, 400s naming the header) is checked
// first against the same worker.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWrangler } from "../js/wrangler.mjs";
import { startKamailio, cidguardConnection } from "./kamailio.mjs";
import { createUac, createUas } from "./sip-ua.mjs";

const KEY = "test-key-acme-sip-0001";
const TENANT = "acme";
const ALLOWLISTED = "+33639981234";
const BLOCKED = "+33899112233";

/** The tenant's policy: a French account that rejects anonymous calls, a blocklist, an allowlist, trusted peers. */
function policy({ carrierTrusted = false, mode } = {}) {
  return {
    system: { trusted_peers: [{ address: "127.0.0.2/32", label: "carrier edge" }, { peer: "pbx-1" }] },
    accounts: [{
      id: "acme.test", country: "FR", block_anonymous_caller_id: true, blocklists: ["spam"],
      allowlist: { numbers: [ALLOWLISTED] },
    }],
    blocklists: [{ id: "spam", name: "Spam", numbers: [BLOCKED] }],
    resources: [{ id: "carrier", trusted: carrierTrusted, ...(mode ? { privacy_mode: mode } : {}) }],
  };
}

let worker, uas, open, closed, untrusted, carrier, pbx;

const api = (method, path, body, { key = KEY, raw } = {}) =>
  fetch(`${worker.url}/v1/tenants/${TENANT}${path}`, {
    method, body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), "content-type": "application/json" },
    signal: AbortSignal.timeout(20_000),
  });

async function putPolicy(p) {
  const r = await api("PUT", "/policy", p);
  assert.equal(r.status, 200, await r.text());
}

before(async () => {
  worker = await startWrangler({ vars: { API_KEYS: `${TENANT}:${KEY}` } });
  await putPolicy(policy());
  uas = await createUas();
  const defines = {
    CIDGUARD_CONNECTION: cidguardConnection(`${worker.url}/v1/tenants/${TENANT}/sip/invite`, KEY),
    NEXT_HOP: `sip:127.0.0.1:${uas.port}`, PBX_ADDR: "127.0.0.3", CARRIER_RESOURCE: "carrier",
  };
  open = await startKamailio({ defines: { ...defines, CIDGUARD_FAIL: "open" } });
  closed = await startKamailio({ defines: { ...defines, CIDGUARD_FAIL: "closed" } });
  [untrusted, carrier, pbx] = await Promise.all(["127.0.0.1", "127.0.0.2", "127.0.0.3"].map((address) => createUac({ address })));
});

after(async () => {
  if (process.env.SIP_DEBUG) for (const k of [open, closed]) console.error(k?.logs().split("\n").filter((l) => /cidguard|ERROR|WARN/.test(l)).join("\n"));
  for (const k of [open, closed]) await k?.stop();
  for (const u of [untrusted, carrier, pbx, uas]) await u?.close();
  await worker?.stop();
});

/** An inbound call to acme.test's DID from `uac` through `proxy`. */
const inbound = (uac, from, headers = {}, proxy = open) =>
  uac.invite({ proxy, requestUri: "sip:+33170369999@acme.test", from, to: "<sip:+33170369999@acme.test>", headers });
/** An outbound call from the PBX to `dialled`. */
const outbound = (dialled, headers = {}, proxy = open) =>
  pbx.invite({ proxy, requestUri: `sip:${dialled}@carrier.example`, from: `"Alice Martin" <sip:${ALLOWLISTED}@acme.test>`,
    to: `<sip:${dialled}@carrier.example>`, headers });
/** The INVITE the UAS received for a response's call. */
const atUas = (response) => uas.received.get(response.get("call-id"));

// ---- the HTTP route ----

test("POST /sip/invite answers a rejection with code and reason, ready to apply", async () => {
  const r = await api("POST", "/sip/invite", {
    direction: "inbound", account: "acme.test", source: { address: "203.0.113.9" }, request_uri: "sip:+33170369999@acme.test",
    from: "\"Anonymous\" <sip:anonymous@anonymous.invalid>;tag=1", privacy: "id",
  });
  assert.equal(r.status, 200);
  const a = await r.json();
  assert.equal(a.action, "reject");
  assert.equal(a.code, 433);
  assert.equal(a.reason, "Anonymity Disallowed");
  assert.ok(a.trace.some((s) => s.rule === "screening.verdict" && s.outcome === "rejected"));
});

test("POST /sip/invite?format=flat answers key=value lines", async () => {
  const r = await api("POST", "/sip/invite?format=flat", {
    direction: "outbound", account: "acme.test", resource: "carrier", request_uri: "sip:*670170369999@carrier.example",
    from: `"Alice" <sip:${ALLOWLISTED}@acme.test>`, p_asserted_identity: `<sip:${ALLOWLISTED}@acme.test>`,
    source: { address: "127.0.0.3" },
  });
  assert.equal(r.status, 200);
  assert.match(r.headers.get("content-type"), /^text\/plain/);
  const lines = (await r.text()).trim().split("\n");
  assert.deepEqual(lines, [
    "action=continue",
    "from_display=\"anonymous\"",
    "from_uri=sip:anonymous@anonymous.invalid",
    "request_uri=sip:0170369999@carrier.example",
    "set.From=\"anonymous\" <sip:anonymous@anonymous.invalid>",
    "set.Privacy=id",
    "remove=P-Asserted-Identity",
  ]);
});

test("a malformed header is a 400 naming it; no key is a 401; a bad format is a 400", async () => {
  const base = { direction: "inbound", account: "acme.test", request_uri: "sip:+33170369999@acme.test", from: "<sip:+33612345678@x.example>" };
  for (const [extra, field, pattern] of [
    [{ from: "\"Alice <sip:+33612345678@x.example>" }, "from", /unterminated quoted display name/],
    [{ p_asserted_identity: "\"Alice\"" }, "p_asserted_identity", /expected <uri>/],
    [{ privacy: "id;@@;user" }, "privacy", /not a privacy token/],
    [{ identity: "not-a-jws" }, "identity", /three base64url parts/],
    [{ source: { address: "999.1.1.1" } }, "source.address", /IP address/],
  ]) {
    const r = await api("POST", "/sip/invite", { ...base, ...extra });
    assert.equal(r.status, 400, JSON.stringify(extra));
    const { error } = await r.json();
    assert.equal(error.field, field);
    assert.match(error.message, pattern);
  }
  assert.equal((await api("POST", "/sip/invite", base, { key: null })).status, 401);
  const r = await api("POST", "/sip/invite?format=xml", base);
  assert.equal(r.status, 400);
  assert.equal((await r.json()).error.field, "format");
});

// ---- over real SIP through Kamailio ----

test("an anonymous caller to an account that rejects anonymous calls gets 433 Anonymity Disallowed", async () => {
  const r = await inbound(untrusted, "\"Anonymous\" <sip:anonymous@anonymous.invalid>", { Privacy: "id" });
  assert.equal(r.status, 433);
  assert.equal(r.reason, "Anonymity Disallowed");
  assert.equal(atUas(r), undefined);
});

test("a blocklisted caller gets 603 Decline", async () => {
  const r = await inbound(untrusted, `<sip:${BLOCKED}@carrier.example>`);
  assert.equal(r.status, 603);
  assert.equal(r.reason, "Decline");
  assert.equal(atUas(r), undefined);
});

test("an allowed call arrives at the UAS with its original identity", async () => {
  const r = await inbound(untrusted, "\"Bob Durand\" <sip:0612345678@carrier.example>");
  assert.equal(r.status, 200);
  const got = atUas(r);
  assert.match(got.get("from"), /^"Bob Durand" <sip:0612345678@carrier\.example>;tag=/);
  assert.equal(got.get("privacy"), undefined);
});

test("*67 outbound: From anonymous, Privacy: id, the code stripped, no PAI towards an untrusted carrier", async () => {
  const r = await outbound("*670170369999", { "P-Asserted-Identity": `<sip:${ALLOWLISTED}@acme.test>` });
  assert.equal(r.status, 200);
  const got = atUas(r);
  assert.match(got.get("from"), /^"anonymous" <sip:anonymous@anonymous\.invalid>;tag=/);
  assert.equal(got.get("privacy"), "id");
  assert.equal(got.get("p-asserted-identity"), undefined);
  assert.match(got.startLine, /^INVITE sip:0170369999@carrier\.example SIP\/2\.0$/);
});

test("*67 outbound towards a trusted carrier in sip mode: From anonymous, Privacy: id and the real PAI", async () => {
  await putPolicy(policy({ carrierTrusted: true, mode: "sip" }));
  try {
    const r = await outbound("*670170369999");
    assert.equal(r.status, 200);
    const got = atUas(r);
    assert.match(got.get("from"), /^"anonymous" <sip:anonymous@anonymous\.invalid>;tag=/);
    assert.equal(got.get("privacy"), "id");
    assert.equal(got.get("p-asserted-identity"), `"Alice Martin" <sip:${ALLOWLISTED}@acme.test>`);
  } finally {
    await putPolicy(policy());
  }
});

test("an emergency call is never anonymised, even with *67 or Privacy: id", async () => {
  for (const [dialled, headers] of [["112", { Privacy: "id" }], ["*67112", {}]]) {
    const r = await outbound(dialled, headers);
    assert.equal(r.status, 200, dialled);
    const got = atUas(r);
    assert.match(got.get("from"), new RegExp(`^"Alice Martin" <sip:\\${ALLOWLISTED}@acme\\.test>;tag=`), dialled);
    assert.equal(got.get("privacy"), undefined, dialled);
    assert.match(got.startLine, /^INVITE sip:112@carrier\.example /, dialled);
  }
});

test("a forged PAI from an untrusted peer is ignored; the same PAI from a trusted peer is used", async () => {
  const anon = "\"Anonymous\" <sip:anonymous@anonymous.invalid>";
  const headers = { Privacy: "id", "P-Asserted-Identity": `<sip:${ALLOWLISTED}@carrier.example>` };
  const forged = await inbound(untrusted, anon, headers);
  assert.equal(forged.status, 433, "untrusted PAI must not reach the allowlist");
  const asserted = await inbound(carrier, anon, headers);
  assert.equal(asserted.status, 200, "a trusted carrier's PAI names an allowlisted caller");
  assert.equal(atUas(asserted).get("p-asserted-identity"), `<sip:${ALLOWLISTED}@carrier.example>`);
  // An allowed call from an untrusted peer still loses the identity headers it brought.
  const r = await inbound(untrusted, "<sip:0612345678@carrier.example>", { "P-Asserted-Identity": `<sip:${ALLOWLISTED}@x.example>` });
  assert.equal(r.status, 200);
  assert.equal(atUas(r).get("p-asserted-identity"), undefined);
});

test("a malformed header gives the configured fail behaviour, and Kamailio keeps serving", async () => {
  for (const headers of [{ Privacy: "id;@@;user" }, { Identity: "not-a-jws" }]) {
    const o = await inbound(untrusted, "<sip:0612345678@carrier.example>", headers, open);
    assert.equal(o.status, 200, `fail-open relays ${JSON.stringify(headers)}`);
    assert.ok(atUas(o));
    const c = await inbound(untrusted, "<sip:0612345678@carrier.example>", headers, closed);
    assert.equal(c.status, 503, `fail-closed rejects ${JSON.stringify(headers)}`);
    assert.equal(c.reason, "Screening Unavailable");
  }
  const r = await inbound(untrusted, `<sip:${BLOCKED}@carrier.example>`, {}, closed);
  assert.equal(r.status, 603);
});

test("with the worker stopped: fail-open relays the call unchanged, fail-closed rejects it 503", async () => {
  await worker.stop();
  const o = await inbound(untrusted, `<sip:${BLOCKED}@carrier.example>`, {}, open);
  assert.equal(o.status, 200, "fail-open lets even a blocklisted caller through, unchanged");
  assert.match(atUas(o).get("from"), new RegExp(`^<sip:\\${BLOCKED}@carrier\\.example>;tag=`));
  const c = await inbound(untrusted, "<sip:0612345678@carrier.example>", {}, closed);
  assert.equal(c.status, 503);
  assert.equal(c.reason, "Screening Unavailable");
});
