// Loads the built wasm package (www/pkg, the very files the worker and the page ship) in Node.
import { readFileSync } from "node:fs";
import * as cg from "../../www/pkg/cidguard.js";

let ready = false;
export function loadCore() {
  if (!ready) {
    cg.initSync({ module: readFileSync(new URL("../../www/pkg/cidguard_bg.wasm", import.meta.url)) });
    ready = true;
  }
  return cg;
}
