// Streamed bulk import and export over real HTTP (wrangler dev): a 20,000-line CSV streamed in chunks with its
// progress polled while it runs, all-or-nothing by default with every problem by line/field/code, ?mode=partial,
// NDJSON into a user's list, wrong headers and oversize bodies refused without change, and the CSV export streamed
// back. (The 1,000,000-line import is bench/blocklists.mjs.)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWrangler } from "./wrangler.mjs";

const KEY = "test-key-acme-123456";
const T = "/v1/tenants/acme";
const LIMIT = 1 << 20;

let server;
before(async () => {
  server = await startWrangler({ vars: { API_KEYS: `acme:${KEY}`, IMPORT_MAX_BYTES: String(LIMIT) } });
  const policy = { accounts: [{ id: "acc", country: "FR", users: [{ id: "u-1" }] }] };
  assert.equal((await call("PUT", `${T}/policy`, { body: policy })).status, 200);
  assert.equal((await call("PUT", `${T}/blacklists`, { body: { data: { id: "feed", name: "Feed", country: "FR" } } })).status, 201);
  assert.equal((await call("PATCH", `${T}/accounts/acc`, { body: { data: { blacklists: ["feed"] } } })).status, 200);
});
after(async () => { await server?.stop(); });

async function call(method, path, { body, raw, type = "application/json", headers = {} } = {}) {
  const init = { method, headers: { authorization: `Bearer ${KEY}`, ...headers }, signal: AbortSignal.timeout(60_000) };
  if (body !== undefined) { init.body = JSON.stringify(body); init.headers["content-type"] = type; }
  if (raw !== undefined) { init.body = raw; init.headers["content-type"] = type; if (typeof raw !== "string") init.duplex = "half"; }
  const r = await fetch(server.url + path, init);
  const text = await r.text();
  return { status: r.status, headers: r.headers, text, json: text && r.headers.get("content-type")?.includes("json") ? JSON.parse(text) : null };
}
const number = (i) => `06 ${String(10_000_000 + i).slice(0, 2)} ${String(10_000_000 + i).slice(2, 4)} ${String(10_000_000 + i).slice(4, 6)} ${String(10_000_000 + i).slice(6, 8)}`;
const total = async () => (await call("GET", `${T}/blacklists/feed/numbers?page_size=1`)).json.total;

test("a 20,000-line CSV streams in, with progress visible while it runs", async () => {
  const lines = ["number,label", ...Array.from({ length: 20_000 }, (_, i) => `${number(i)},feed ${i}`)];
  const chunks = [];
  for (let i = 0; i < lines.length; i += 2000) chunks.push(lines.slice(i, i + 2000).join("\n") + "\n");
  const enc = new TextEncoder();
  let sent = 0;
  let release;
  let gate = new Promise((r) => (release = r));
  const body = new ReadableStream({
    async pull(c) {
      if (sent === chunks.length / 2) await gate; // halfway: wait until the test has seen the progress
      if (sent === chunks.length) return c.close();
      c.enqueue(enc.encode(chunks[sent++]));
    },
  });
  const done = call("POST", `${T}/blacklists/feed/import?import_id=big-1&total_lines=20001`, { raw: body, type: "text/csv" });
  let seen = null;
  for (let i = 0; i < 200 && !seen; i++) {
    const r = await call("GET", `${T}/imports/big-1`);
    if (r.status === 200 && r.json.processed_lines > 0) seen = r.json;
    else await new Promise((res) => setTimeout(res, 50));
  }
  release();
  assert.ok(seen, "the import's progress was visible while it ran");
  assert.equal(seen.status, "running");
  assert.ok(seen.processed_lines < 20_001, JSON.stringify(seen));
  assert.equal(seen.total_lines, 20_001);
  const r = await done;
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, "done");
  assert.equal(r.json.imported, 20_000);
  assert.equal(r.json.processed_lines, 20_001);
  assert.equal(r.json.problem_count, 0);
  assert.equal(await total(), 20_000);
  const d = await call("POST", `${T}/decide`, { body: { direction: "inbound", account: "acc", caller_number: number(12_345).replace(/ /g, "") } });
  assert.equal(d.json.screening.rule, "account_blocklist");
  assert.equal(d.json.screening.entry.label, "feed 12345");
  const list = await call("GET", `${T}/imports`);
  assert.equal(list.json[0].id, "big-1");
});

const BAD = ["number,label", "+33639981001,ok", "+3363998\u00001002,nul", `+33639981003${",x".repeat(10_000)}`, "not a number,x",
  "+33639981001,again", "+33639981004,\"unterminated", "+33639981005,ok"].join("\n");

test("all or nothing: every problem by line, field and code; nothing imported", async () => {
  const before = await total();
  const r = await call("POST", `${T}/blacklists/feed/import`, { raw: BAD, type: "text/csv" });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.field, "body");
  assert.equal(r.json.error.code, "invalid_lines");
  const got = r.json.error.import.problems.map((p) => [p.line, p.field, p.code]);
  assert.deepEqual(got, [[3, "line", "nul_byte"], [4, "line", "line_too_long"], [5, "number", "not_a_number"], [7, "line", "bad_quote"], [6, "number", "duplicate_number"]]);
  assert.equal(r.json.error.import.problem_count, 5);
  assert.equal(r.json.error.import.status, "failed");
  assert.equal(await total(), before);
});

test("?mode=partial imports the good lines and reports the rest", async () => {
  const before = await total();
  const r = await call("POST", `${T}/blacklists/feed/import?mode=partial`, { raw: BAD, type: "text/csv" });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.imported, 2);
  assert.equal(r.json.problem_count, 5);
  assert.equal(await total(), before + 2);
});

test("wrong header, missing header, oversize body, wrong media type: refused, nothing changed", async () => {
  const before = await total();
  let r = await call("POST", `${T}/blacklists/feed/import`, { raw: "phone,label\n+33639981010,x\n", type: "text/csv" });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.field, "header");
  assert.equal(r.json.error.code, "unknown_column");
  r = await call("POST", `${T}/blacklists/feed/import`, { raw: "", type: "text/csv" });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.field, "header");
  r = await call("POST", `${T}/blacklists/feed/import`, { raw: "number\n" + "+33639981011\n".repeat(LIMIT / 13 + 10), type: "text/csv" });
  assert.equal(r.status, 413, r.text);
  assert.equal(r.json.error.field, "body");
  r = await call("POST", `${T}/blacklists/feed/import`, { raw: Buffer.concat([Buffer.from("number\n+33639981012\n+3363998"), Buffer.from([0xc0, 0xaf]), Buffer.from("\n")]), type: "text/csv" });
  assert.equal(r.status, 400, r.text);
  assert.deepEqual([r.json.error.field, r.json.error.code], ["body", "bad_encoding"]);
  r = await call("POST", `${T}/blacklists/feed/import`, { raw: "number\n+33639981012\n", type: "application/pdf" });
  assert.equal(r.status, 415, r.text);
  r = await call("POST", `${T}/blacklists/nope/import`, { raw: "number\n+33639981012\n", type: "text/csv" });
  assert.equal(r.status, 404, r.text);
  assert.equal(await total(), before);
});

test("NDJSON into a user's list: Wazo entries with uuids, found by the lookup", async () => {
  const lines = Array.from({ length: 500 }, (_, i) => JSON.stringify({ number: `+4420794600${String(i).padStart(2, "0")}`.slice(0, 13) + i, label: `n${i}` }));
  const r = await call("POST", `${T}/users/u-1/blocklist/import`, { raw: lines.join("\n"), type: "application/x-ndjson" });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.imported, 500);
  const list = await call("GET", `${T}/users/u-1/blocklist/numbers`);
  assert.equal(list.json.total, 500);
  // UUIDv7 (RFC 9562): the import's time, then a counter in key order, then random bits; distinct.
  const uuids = list.json.items.map((i) => i.uuid);
  for (const u of uuids) assert.match(u, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(new Set(uuids).size, 500);
  assert.deepEqual([...uuids].sort(), uuids, "in key order, the uuids increase");
  const ms = parseInt(uuids[0].replace(/-/g, "").slice(0, 12), 16);
  assert.ok(Math.abs(ms - Date.now()) < 120_000, `the uuid's time ${new Date(ms).toISOString()}`);
  const head = await fetch(`${server.url}${T}/users/u-1/blocklist/numbers?number_exact=${encodeURIComponent(JSON.parse(lines[7]).number)}`,
    { method: "HEAD", headers: { authorization: `Bearer ${KEY}` } });
  assert.equal(head.status, 204);
  assert.equal(head.headers.get("wazo-blocklist-number-label"), "n7");
});

const exported = async (path) => {
  const r = await fetch(`${server.url}${T}/${path}/export`, { headers: { authorization: `Bearer ${KEY}` } });
  assert.equal(r.status, 200);
  assert.match(r.headers.get("content-type"), /^text\/csv/);
  return r.text();
};

test("the CSV export streams the list back, prefixes included, and imports again as is", async () => {
  for (const p of ["+1900", "+4470"]) assert.equal((await call("PUT", `${T}/blacklists/feed/prefixes/${encodeURIComponent(p)}`, { body: { data: { name: `p ${p}` } } })).status, 201);
  const text = await exported("blacklists/feed");
  const rows = text.trimEnd().split("\n");
  assert.equal(rows[0], "number,label,kind");
  assert.equal(rows.length - 1, (await total()) + 2);
  assert.ok(rows.includes("+33610012345,feed 12345,number"), rows.slice(0, 3).join("|"));
  assert.deepEqual(rows.slice(-2), ["+1900,p +1900,prefix", "+4470,p +4470,prefix"], "the prefixes follow the numbers");
  // Round trip: into the same list (nothing changes) and into a fresh list (the same export).
  const again = await call("POST", `${T}/blacklists/feed/import`, { raw: text, type: "text/csv" });
  assert.equal(again.status, 200, again.text);
  assert.equal(again.json.imported, rows.length - 1);
  assert.equal(await exported("blacklists/feed"), text);
  assert.equal((await call("PUT", `${T}/blacklists`, { body: { data: { id: "copy", name: "Copy", country: "FR" } } })).status, 201);
  const copy = await call("POST", `${T}/blacklists/copy/import`, { raw: text, type: "text/csv" });
  assert.equal(copy.status, 200, copy.text);
  assert.equal(await exported("blacklists/copy"), text);
  assert.equal((await call("GET", `${T}/blacklists/copy/prefixes/${encodeURIComponent("+1900")}`)).json.data.name, "p +1900");
  // A user's list exports its numbers; a prefix line into it is a problem of that line.
  const user = await exported("users/u-1/blocklist");
  assert.equal(user.split("\n")[1].endsWith(",number"), true);
  const bad = await call("POST", `${T}/users/u-1/blocklist/import`, { raw: "number,kind\n+1900,prefix\n", type: "text/csv" });
  assert.equal(bad.status, 400, bad.text);
  assert.deepEqual(bad.json.error.import.problems.map((p) => [p.line, p.field, p.code]), [[2, "kind", "not_allowed"]]);
});
