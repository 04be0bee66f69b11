// The worker over real HTTP, in workerd (wrangler dev) started by the test on a free loopback port.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { loadVectors } from "./vectors-lib.mjs";
import { startWrangler } from "./wrangler.mjs";

let server;
before(async () => { server = await startWrangler(); });
after(async () => { await server?.stop(); });

const get = (path) => fetch(server.url + path, { signal: AbortSignal.timeout(15_000) });

test("GET /healthz", async () => {
  const r = await get("/healthz");
  assert.equal(r.status, 200);
  assert.deepEqual(await r.json(), { ok: true });
});

test("GET /v1/normalize answers E.164 for a French national number", async () => {
  const r = await get("/v1/normalize?number=06%2039%2098%2012%2034&country=FR");
  assert.equal(r.status, 200);
  assert.match(r.headers.get("content-type"), /application\/json/);
  const body = await r.json();
  assert.equal(body.e164, "+33639981234");
  assert.equal(body.region, "FR");
});

test("GET /v1/normalize with garbage answers 400 naming the parameter", async () => {
  const r = await get("/v1/normalize?number=abc&country=FR");
  assert.equal(r.status, 400);
  const { error } = await r.json();
  assert.equal(error.field, "number");
  assert.equal(error.code, "not_a_number");
  assert.match(error.message, /^number: /);
});

test("missing and unknown parameters are 400s naming them", async () => {
  for (const [q, field, code] of [["country=FR", "number", "missing"], ["number=0639981234", "country", "missing"],
    ["number=0639981234&country=ZZZ", "country", "unknown_country"]]) {
    const r = await get(`/v1/normalize?${q}`);
    assert.equal(r.status, 400, q);
    const { error } = await r.json();
    assert.equal(error.field, field, q);
    assert.equal(error.code, code, q);
  }
});

test("wrong method and unknown route", async () => {
  let r = await fetch(server.url + "/v1/normalize?number=1&country=US", { method: "POST", signal: AbortSignal.timeout(15_000) });
  assert.equal(r.status, 405);
  r = await get("/v1/nothing");
  assert.equal(r.status, 404);
  assert.equal((await r.json()).error.code, "not_found");
});

test("every normalisation vector gives the same answer over HTTP", async () => {
  const file = loadVectors().find((f) => f.function === "normalize");
  // Query parameters are strings: the cases that hand the export another type are not expressible over HTTP.
  for (const c of file.cases.filter((c) => c.args.length === 2 && c.args.every((a) => typeof a === "string"))) {
    const [number, country] = c.args;
    const r = await get(`/v1/normalize?number=${encodeURIComponent(number)}&country=${encodeURIComponent(country)}`);
    const body = await r.json();
    if (c.expect.ok) {
      assert.equal(r.status, 200, c.name);
      assert.deepEqual(body, c.expect.ok, c.name);
    } else {
      assert.equal(r.status, 400, c.name);
      if (c.expect.error.field !== undefined) assert.equal(body.error.field, c.expect.error.field, c.name);
      if (c.expect.error.code !== undefined) assert.equal(body.error.code, c.expect.error.code, c.name);
    }
  }
});

test("serves the console, the playground and the wasm package as static assets", async () => {
  let r = await get("/");
  assert.equal(r.status, 200);
  assert.match(await r.text(), /<title>cidguard console<\/title>/);
  r = await get("/playground.html");
  assert.equal(r.status, 200);
  assert.match(await r.text(), /<title>cidguard admin<\/title>/);
  r = await get("/pkg/cidguard_bg.wasm");
  assert.equal(r.status, 200);
  assert.equal(r.headers.get("content-type"), "application/wasm");
  const bytes = new Uint8Array(await r.arrayBuffer());
  assert.deepEqual([...bytes.slice(0, 4)], [0x00, 0x61, 0x73, 0x6d]);
});
