// The wasm core, initialised once per isolate on first use (Workers forbid compiling wasm from bytes, so the
// module is imported as a compiled WebAssembly.Module and handed to initSync).
import wasmModule from "../www/pkg/cidguard_bg.wasm";
import * as cidguard from "../www/pkg/cidguard.js";

let ready = false;

/** The initialised core module. */
export function core() {
  if (!ready) {
    cidguard.initSync({ module: wasmModule });
    ready = true;
  }
  return cidguard;
}
