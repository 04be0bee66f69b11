// POST / with [{ file, function, cases }] → the outputs of every case, computed in workerd by the wasm core.
import wasmModule from "../../www/pkg/cidguard_bg.wasm";
import * as cg from "../../www/pkg/cidguard.js";
import { runVectors } from "../js/vectors-run.mjs";

let ready = false;

export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === "/healthz") return new Response("ok");
    if (!ready) {
      cg.initSync({ module: wasmModule });
      ready = true;
    }
    const files = await request.json();
    return Response.json(runVectors(cg, files));
  },
};
