// The shared vectors through the wasm exports in Node.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadVectors, runVectors, compareVectors, countCases } from "./vectors-lib.mjs";
import { loadCore } from "./core.mjs";

test("shared vectors give the native answers through wasm in Node", () => {
  const files = loadVectors();
  assert.ok(countCases(files) > 0);
  const failures = compareVectors(files, runVectors(loadCore(), files), "node");
  assert.deepEqual(failures, []);
});

test("core errors are JS Errors naming the field", () => {
  const cg = loadCore();
  assert.throws(() => cg.normalize("abc", "FR"), (e) => {
    assert.ok(e instanceof Error);
    assert.equal(e.field, "number");
    assert.equal(e.code, "not_a_number");
    assert.match(e.message, /^number: /);
    return true;
  });
  assert.throws(() => cg.normalize("0639981234", "France"), (e) => e.field === "country" && e.code === "unknown_country");
});
