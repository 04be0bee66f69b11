// Property/fuzz test of the wasm exports themselves (the package the worker and the page ship), in Node, with
// fast-check: every exported function named by a shared vector file is called with its vector arguments mutated
// (values of every JS type in place of any argument or member, arguments dropped or added). Each call must
// return or throw the core's typed Error (`field`, `code`); never a trap (RuntimeError "memory access out of
// bounds" in the generated glue) or a glue TypeError. Afterwards the same instance still passes every vector.
// FUZZ_WASM_CALLS sets the budget (default 20,000).
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { inspect } from "node:util";
import { loadVectors, runVectors, compareVectors } from "./vectors-lib.mjs";
import { loadCore } from "./core.mjs";

const BUDGET = Number(process.env.FUZZ_WASM_CALLS ?? 20_000);
const cg = loadCore();
const files = loadVectors();
const seeds = files.flatMap((f) => f.cases.map((c) => ({ fn: f.function, args: c.args })));

/** Any JS value an export might be handed. */
const anyValue = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom(undefined, NaN, Infinity, -Infinity, -0, 2 ** 53 + 1,
  10n, Symbol.iterator, () => 1, new Uint8Array(3), new Map(), new Date(0), Object.create(null), "\ud800", "\u0000"));

const container = (v) => Array.isArray(v) || (v !== null && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype);
function nodes(v, out = []) {
  out.push(v);
  if (container(v)) for (const c of Object.values(v)) nodes(c, out);
  return out;
}
function mutateArgs(args, ops) {
  let list = structuredClone(args);
  for (const { at, kind, value } of ops) {
    if (kind === 0) { list.pop(); continue; }
    if (kind === 1) { list.push(value); continue; }
    const all = list.flatMap((a) => nodes(a)); // the arguments and every member inside them
    if (all.length === 0) { list.push(value); continue; }
    const target = all[at % all.length];
    for (const holder of [list, ...all]) {
      if (!container(holder)) continue;
      const key = Object.keys(holder).find((k) => holder[k] === target);
      if (key !== undefined) { holder[key] = value; break; }
    }
  }
  return list;
}

function call(fn, args) {
  const [cls, method] = fn.includes(".") ? fn.split(".") : [null, fn];
  return cls ? new cg[cls](args[0])[method](...args.slice(1)) : cg[method](...args);
}

test(`wasm exports: ${BUDGET} mutated calls answer a value or a typed error, never a trap`, { timeout: 3_600_000 }, () => {
  let calls = 0, typed = 0;
  fc.assert(fc.property(fc.nat(), fc.array(fc.record({ at: fc.nat(), kind: fc.nat(4), value: anyValue }), { minLength: 1, maxLength: 3 }),
    (i, ops) => {
      const { fn, args } = seeds[i % seeds.length];
      const mutated = mutateArgs(args, ops);
      calls++;
      try {
        call(fn, mutated);
      } catch (e) {
        assert.ok(e instanceof Error && typeof e.field === "string" && typeof e.code === "string" && /^[a-z_]+$/.test(e.code),
          `${fn}(${inspect(mutated, { depth: 4 }).slice(0, 300)}) threw ${e && e.constructor && e.constructor.name}: ${e && e.message}`);
        typed++;
      }
    }), { numRuns: BUDGET, includeErrorInReport: true });
  assert.deepEqual(compareVectors(files, runVectors(cg, files), "node after fuzz"), []);
  console.log(`fuzz.wasm: ${calls} calls over ${new Set(seeds.map((s) => s.fn)).size} exports, ${typed} typed errors, 0 traps`);
});
