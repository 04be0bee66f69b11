// Shared vector loader (Node): the same cases, run against the wasm exports in any JS runtime (Node, workerd,
// Chromium), compared with the expectations that the native runner (tests/vectors.rs) also checks.
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";

export const VECTOR_DIR = fileURLToPath(new URL("../vectors/", import.meta.url));

/** Every vector file: [{ file, function, cases }], sorted by file name. */
export function loadVectors() {
  return readdirSync(VECTOR_DIR)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((file) => ({ file, ...JSON.parse(readFileSync(join(VECTOR_DIR, file), "utf8")) }));
}

export { runVectors, compareVectors, countCases } from "./vectors-run.mjs";
