// cidguard edge worker: HTTP routing, authentication and storage around the wasm decision core.
// The core is initialised once per isolate, lazily, on the first request that needs it.

import { json, errorResponse, HttpError, readBody, parseJson } from "./http.js";
import { core } from "./core.js";
import { requireTenant } from "./auth.js";
import { sipInviteRoute } from "./sip.js";

export { TenantStore } from "./tenant.js";

const POLICY_LIMIT = 1 << 20; // 1 MiB of policy JSON
const EVENT_LIMIT = 64 << 10; // 64 KiB for a call event or a webhook

/** GET /v1/normalize?number=…&country=… → { e164, region, valid } */
function normalizeRoute(url) {
  const number = url.searchParams.get("number");
  const country = url.searchParams.get("country");
  if (number === null || number === "") throw new HttpError(400, "number", "missing", "number: required query parameter");
  if (country === null || country === "")
    throw new HttpError(400, "country", "missing", "country: required query parameter (ISO 3166 alpha-2, e.g. FR)");
  return json(core().normalize(number, country));
}

function allow(request, ...methods) {
  if (!methods.includes(request.method))
    throw new HttpError(405, "method", "method_not_allowed", `method: use ${methods.join(" or ")}`, {}, { allow: methods.join(", ") });
}

/** Core error codes that are not the client's input being malformed but a state conflict. */
const STATUS_BY_CODE = { pool_exhausted: 409, conflict: 409 };

/** Unwraps a Durable Object result ({ ok } | { error }) into a response. */
function fromStore(r, okStatus = 200) {
  if (r.error) {
    const { status, ...error } = r.error;
    if (!(error.problems?.length > 1)) delete error.problems;
    return json({ error }, status ?? STATUS_BY_CODE[error.code] ?? 400);
  }
  return json(r.ok, okStatus);
}

const TENANT_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

async function tenantRoute(request, env, url, tenant, rest) {
  if (!TENANT_ID.test(tenant)) throw new HttpError(400, "tenant", "invalid", "tenant: 1-64 letters, digits, '_', '.', '-'");
  await requireTenant(request, env, tenant);
  const store = env.TENANTS.get(env.TENANTS.idFromName(tenant));
  switch (rest) {
    case "policy": {
      allow(request, "GET", "PUT");
      if (request.method === "GET") {
        const p = await store.getPolicy();
        if (!p) throw new HttpError(404, "policy", "not_found", "policy: no policy stored for this tenant");
        return json(p);
      }
      const doc = parseJson(await readBody(request, POLICY_LIMIT, "policy"), "policy");
      return fromStore(await store.putPolicy(doc, new Date().toISOString()));
    }
    case "decide": {
      allow(request, "POST");
      const event = parseJson(await readBody(request, EVENT_LIMIT, "event"), "event");
      return fromStore(await store.decide(event));
    }
    case "sip/invite":
      allow(request, "POST");
      return sipInviteRoute(request, url, store, fromStore);
    case "masking/credentials": {
      allow(request, "GET", "PUT");
      if (request.method === "GET") return fromStore(await store.getMaskingCredentials());
      const creds = parseJson(await readBody(request, EVENT_LIMIT, "credentials"), "credentials");
      return fromStore(await store.putMaskingCredentials(creds, new Date().toISOString()));
    }
    case "masking/pool": {
      allow(request, "GET", "PUT");
      if (request.method === "GET") return fromStore(await store.getPool());
      return fromStore(await store.putPool(parseJson(await readBody(request, POLICY_LIMIT, "pool"), "pool")));
    }
    case "masking/sessions": {
      allow(request, "GET", "POST");
      if (request.method === "GET") return fromStore(await store.listSessions(url.searchParams.get("status")));
      const req = parseJson(await readBody(request, EVENT_LIMIT, "session"), "session");
      return fromStore(await store.createSession(req, nowSeconds(), new Date().toISOString()), 201);
    }
    case "masking/log": {
      allow(request, "GET");
      const limit = Math.min(Math.max(Number(url.searchParams.get("limit") ?? 100) || 100, 1), 1000);
      return fromStore(await store.maskingLog(limit));
    }
    default: {
      const close = /^masking\/sessions\/([^/]+)\/close$/.exec(rest);
      if (close) {
        allow(request, "POST");
        return fromStore(await store.closeSession(decodeURIComponent(close[1]), nowSeconds(), new Date().toISOString()));
      }
      throw new HttpError(404, "path", "not_found", `path: no route ${url.pathname}`);
    }
  }
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/**
 * Infobip number-masking webhooks. Authenticated by Infobip's own signature (Authorization: apiId:sha256hex),
 * checked by the core on the raw body against the tenant's stored credentials, not by an API key.
 */
async function infobipRoute(request, env, tenant, kind) {
  allow(request, "POST");
  if (!TENANT_ID.test(tenant)) throw new HttpError(404, "tenant", "not_found", `tenant: no tenant ${JSON.stringify(tenant)}`);
  const body = await readBody(request, EVENT_LIMIT, "body");
  const authorization = request.headers.get("authorization") ?? "";
  const store = env.TENANTS.get(env.TENANTS.idFromName(tenant));
  const now = new Date();
  const r = kind === "callback"
    ? await store.infobipCallback(body, authorization, request.url, Math.floor(now.getTime() / 1000), now.toISOString())
    : await store.infobipStatus(body, authorization, request.url, now.toISOString());
  if (r.error && r.error.field === "authorization") r.error.status = 401;
  if (r.error) return fromStore(r);
  // Infobip reads the callback response itself: the command (dial | audio) at the top level.
  return kind === "callback" ? json(r.ok.response) : json(r.ok);
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    try {
      if (url.pathname === "/healthz") return json({ ok: true });
      if (url.pathname === "/v1/normalize") {
        allow(request, "GET");
        return normalizeRoute(url);
      }
      const hook = /^\/v1\/tenants\/([^/]+)\/infobip\/(callback|status)$/.exec(url.pathname);
      if (hook) return await infobipRoute(request, env, decodeURIComponent(hook[1]), hook[2]);
      const m = /^\/v1\/tenants\/([^/]+)\/(.+)$/.exec(url.pathname);
      if (m) return await tenantRoute(request, env, url, decodeURIComponent(m[1]), m[2]);
      if (url.pathname.startsWith("/v1/")) throw new HttpError(404, "path", "not_found", `path: no route ${url.pathname}`);
      return env.ASSETS.fetch(request);
    } catch (err) {
      return errorResponse(err);
    }
  },
};
