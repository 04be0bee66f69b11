// Runtime-neutral half of the vector runner (no Node imports): used in Node, workerd and the browser.

/**
 * Runs the vectors against a core module `cg` (the wasm-bindgen exports) and returns one output per case:
 * `{ ok: value }` or `{ error: { field, code, message } }`. Self-contained (no imports, no closures) so that
 * the same source can be shipped into a browser page or a worker and run there.
 * A function named `Class.method` means `new cg.Class(args[0]).method(...args.slice(1))`.
 */
export function runVectors(cg, files) {
  const out = [];
  for (const f of files) {
    const [cls, method] = f.function.includes(".") ? f.function.split(".") : [null, f.function];
    for (const c of f.cases) {
      try {
        const value = cls ? new cg[cls](c.args[0])[method](...c.args.slice(1)) : cg[method](...c.args);
        out.push({ ok: JSON.parse(JSON.stringify(value ?? null)) });
      } catch (e) {
        out.push({ error: { field: e.field, code: e.code, message: String(e.message) } });
      }
    }
  }
  return out;
}

function deepEqual(a, b) {
  return JSON.stringify(canon(a)) === JSON.stringify(canon(b));
}
function canon(v) {
  if (Array.isArray(v)) return v.map(canon);
  if (v && typeof v === "object") return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canon(v[k])]));
  return v;
}

/** Compares outputs with expectations; returns a list of failure messages (empty = all pass). */
export function compareVectors(files, outputs, runtime) {
  const failures = [];
  let i = 0;
  for (const f of files) {
    for (const c of f.cases) {
      const got = outputs[i++];
      const exp = c.expect;
      let ok;
      if ("ok" in exp) ok = got && "ok" in got && deepEqual(got.ok, exp.ok);
      else ok = got && got.error && (exp.error.field === undefined || got.error.field === exp.error.field) &&
        (exp.error.code === undefined || got.error.code === exp.error.code);
      if (!ok) failures.push(`[${runtime}] ${f.file}: ${c.name}: expected ${JSON.stringify(exp)}, got ${JSON.stringify(got)}`);
    }
  }
  return failures;
}

export function countCases(files) {
  return files.reduce((n, f) => n + f.cases.length, 0);
}
