// The worker's what-if replay decides from rows (wrangler dev): a blocklist imported through the import route
// only (12,000 numbers and a prefix: more than the policy read inlines), a log whose callers are partly on it,
// and a candidate that selects the list. The replay's changed calls and counts must equal what /decide answers
// for each call, before (the stored policy) and after (the candidate, then stored).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWrangler } from "./wrangler.mjs";

const KEY = "test-key-acme-123456";
const T = "/v1/tenants/acme";
const LISTED = 12_000;
const CALLS = 300;

let server;
before(async () => {
  server = await startWrangler({ vars: { API_KEYS: `acme:${KEY}` } });
});
after(async () => { await server?.stop(); });

async function call(method, path, { body, raw, type = "application/json", headers = {} } = {}) {
  const init = { method, headers: { authorization: `Bearer ${KEY}`, ...headers }, signal: AbortSignal.timeout(120_000) };
  if (body !== undefined) { init.body = JSON.stringify(body); init.headers["content-type"] = type; }
  if (raw !== undefined) { init.body = raw; init.headers["content-type"] = type; }
  const r = await fetch(server.url + path, init);
  const text = await r.text();
  return { status: r.status, headers: r.headers, text, json: text && r.headers.get("content-type")?.startsWith("application/json") ? JSON.parse(text) : null };
}

/** The i-th listed number, national French form. */
const listed = (i) => { const d = String(10_000_000 + i); return `06 ${d.slice(0, 2)} ${d.slice(2, 4)} ${d.slice(4, 6)} ${d.slice(6, 8)}`; };

/** A log of CALLS calls: every third caller listed, every fifth under the listed prefix, the rest not listed. */
function callLog() {
  const lines = ["time,direction,account,caller_number,caller_name,dialled_number"];
  const events = [];
  for (let i = 0; i < CALLS; i++) {
    const caller = i % 3 === 0 ? listed(i * 37) : i % 5 === 0 ? `+33 8 99 00 ${String(i % 100).padStart(2, "0")} 00` : `07 77 ${String(i % 100).padStart(2, "0")} 00 11`;
    lines.push(`${1_796_083_200 + i * 60},inbound,acc,${caller},Caller ${i},+33170000000`);
    events.push({ direction: "inbound", account: "acc", caller_number: caller, caller_name: `Caller ${i}`, dialled_number: "+33170000000" });
  }
  return { text: lines.join("\n") + "\n", events };
}

const verdict = (d) => (d.screening === null ? "not_screened" : d.screening.sip_code === 433 ? "rejected433" : d.screening.sip_code ? "rejected603" : "allowed");
const outcome = (d) => ({ verdict: verdict(d), rule: d.screening?.rule ?? null, caller_name: d.presentation.caller_name, caller_number: d.presentation.caller_number });

async function decideAll(events) {
  const out = [];
  for (const e of events) {
    const r = await call("POST", `${T}/decide`, { body: e });
    assert.equal(r.status, 200, r.text);
    out.push(outcome(r.json));
  }
  return out;
}

function counts(outcomes) {
  const c = { allowed: 0, rejected_433: 0, rejected_603: 0, not_screened: 0 };
  for (const o of outcomes) c[{ rejected433: "rejected_433", rejected603: "rejected_603" }[o.verdict] ?? o.verdict]++;
  return c;
}

test("the replay decides from rows: its changed calls and counts are /decide's, call by call", async () => {
  assert.equal((await call("PUT", `${T}/policy`, { body: { accounts: [{ id: "acc", country: "FR" }] } })).status, 200);
  assert.equal((await call("PUT", `${T}/blacklists`, { body: { data: { id: "feed", name: "Feed", country: "FR" } } })).status, 201);
  const csv = ["number,label,kind", ...Array.from({ length: LISTED }, (_, i) => `${listed(i)},feed ${i},number`), "+33899,premium,prefix"].join("\n") + "\n";
  const imported = await call("POST", `${T}/blacklists/feed/import`, { raw: csv, type: "text/csv" });
  assert.equal(imported.status, 200, imported.text);
  assert.equal(imported.json.imported, LISTED + 1);

  // The stored policy as read: the list's entries are not inline (it is stored only as rows).
  const read = await call("GET", `${T}/policy`);
  assert.equal(read.status, 200);
  assert.equal(read.json.lists.inline, false);
  assert.equal(read.json.policy.blocklists[0].numbers, undefined);
  const candidate = structuredClone(read.json.policy);
  candidate.accounts[0].blocklists = ["feed"];

  const { text, events } = callLog();
  const r = await call("POST", `${T}/replay`, { raw: JSON.stringify({ candidate, options: { max_changed: 10_000 } }) + "\n" + text, type: "text/csv" });
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers.get("content-type"), /application\/x-ndjson/);
  const lines = r.text.trim().split("\n").map((l) => JSON.parse(l));
  assert.ok(lines[0].progress, "a progress line first");
  const report = lines.at(-1).report;
  assert.ok(report, r.text.slice(-500));
  assert.equal(report.calls, CALLS);

  const before = await decideAll(events);
  const put = await call("PUT", `${T}/policy`, { body: candidate, headers: { "if-match": read.headers.get("etag") } });
  assert.equal(put.status, 200, put.text);
  const afterDecisions = await decideAll(events);

  assert.deepEqual(report.before, counts(before));
  assert.deepEqual(report.after, counts(afterDecisions));
  const changed = events.map((_, i) => i).filter((i) => JSON.stringify(before[i]) !== JSON.stringify(afterDecisions[i]));
  assert.equal(report.changed_total, changed.length);
  assert.deepEqual(report.changed.map((c) => c.line), changed.map((i) => i + 2));
  for (const c of report.changed) {
    assert.deepEqual(c.before, before[c.line - 2], `line ${c.line}`);
    assert.deepEqual(c.after, afterDecisions[c.line - 2], `line ${c.line}`);
  }
  // The rows decided: every listed caller and every caller under the prefix is rejected after, none before.
  assert.equal(report.changed_total, 100 + 40);
  assert.equal(report.after.rejected_603, 140);
  assert.ok(report.changed.some((c) => c.after.rule === "prefix" && c.event.caller_number.startsWith("+33 8 99")), "the prefix row decided");
});

test("the replay route still refuses bad input with 4xx before streaming (inside the tenant's object)", async () => {
  const post = (body) => call("POST", `${T}/replay`, { raw: body, type: "text/csv" });
  let r = await post(JSON.stringify({ candidate: { accounts: 3 } }) + "\n");
  assert.deepEqual([r.status, r.json.error.field], [400, "candidate.accounts"]);
  r = await post(JSON.stringify({ candidate: { accounts: [] } }) + "\ntime,direction\n");
  assert.deepEqual([r.status, r.json.error.field, r.json.error.code], [400, "csv.header", "missing_column"]);
  // A byte sequence that is not UTF-8 in the first line (before streaming starts).
  r = await post(Buffer.concat([Buffer.from('{"candidate": {"accounts": []}, "x": "'), Buffer.from([0xff]), Buffer.from('"}\n')]));
  assert.deepEqual([r.status, r.json.error.field, r.json.error.code], [400, "replay", "bad_encoding"]);
});
