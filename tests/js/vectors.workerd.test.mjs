// The shared vectors through the wasm exports inside workerd (wrangler dev), same package as the worker ships.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { loadVectors, compareVectors } from "./vectors-lib.mjs";
import { startWrangler } from "./wrangler.mjs";

let server;
before(async () => { server = await startWrangler({ config: "tests/workerd/wrangler.toml" }); });
after(async () => { await server?.stop(); });

test("shared vectors give the native answers through wasm in workerd", async () => {
  const files = loadVectors();
  const r = await fetch(server.url + "/", { method: "POST", body: JSON.stringify(files), signal: AbortSignal.timeout(30_000) });
  assert.equal(r.status, 200, await r.clone().text());
  assert.deepEqual(compareVectors(files, await r.json(), "workerd"), []);
});
