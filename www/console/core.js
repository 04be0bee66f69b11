// The wasm decision core, loaded once per page for every element (the very module the worker runs).
import init, * as cidguard from "../pkg/cidguard.js";

let loading = null;

/** Resolves to the initialised core module (`Engine`, `validatePolicy`, `replay`, …). */
export function loadCore() {
  loading ??= init().then(() => cidguard);
  return loading;
}
