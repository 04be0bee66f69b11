// cidguard edge worker: HTTP routing, authentication and storage around the wasm decision core.
// The core is initialised once per isolate, lazily, on the first request that needs it.

import { json, errorResponse, HttpError } from "./http.js";
import { core } from "./core.js";

/** GET /v1/normalize?number=…&country=… → { e164, region, valid } */
function normalizeRoute(url) {
  const number = url.searchParams.get("number");
  const country = url.searchParams.get("country");
  if (number === null || number === "") throw new HttpError(400, "number", "missing", "number: required query parameter");
  if (country === null || country === "")
    throw new HttpError(400, "country", "missing", "country: required query parameter (ISO 3166 alpha-2, e.g. FR)");
  return json(core().normalize(number, country));
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    try {
      if (url.pathname === "/healthz") return json({ ok: true });
      if (url.pathname === "/v1/normalize") {
        if (request.method !== "GET") throw new HttpError(405, "method", "method_not_allowed", "method: use GET");
        return normalizeRoute(url);
      }
      if (url.pathname.startsWith("/v1/")) throw new HttpError(404, "path", "not_found", `path: no route ${url.pathname}`);
      return env.ASSETS.fetch(request);
    } catch (err) {
      return errorResponse(err);
    }
  },
};
