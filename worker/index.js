// cidguard edge worker: HTTP routing, authentication and storage around the wasm decision core.
// The core is initialised once per isolate, lazily, on the first request that needs it. Every request body is
// read through one path (http.js: readText/readJson), every error mapped to its status in one table (http.js).

import { json, errorResponse, fromStore, fail, allow, pathSegment, queryParam, onlyParams, onlyFields, readText, readJson, LIMITS }
  from "./http.js";
import { core } from "./core.js";
import { requireTenant, requireTenantExists, requireOperator, configuredTenants, registry, keyHash,
  invalidateRegistryCache } from "./auth.js";
import { withPageHeaders } from "./page.js";
import { OPENAPI, isApiPath, requireOperation } from "./openapi.js";
import { LIST_ROUTES, usersRoute, listRowsRoute } from "./blocklists.js";
import { withCertificates } from "./x5u.js";
import { sipInviteRoute } from "./sip.js";
import { replayRoute } from "./replay.js";

export { TenantStore } from "./tenant.js";
export { TenantRegistry } from "./registry.js";

const TENANT_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const KEY_ID = /^k_[0-9a-f]{24}$/;
/** The session statuses `GET …/masking/sessions?status=` filters by. */
const SESSION_STATUSES = ["open", "closed", "expired"];
/** What the core needs of a principal to decide whether it sees real numbers. */
const viewer = (principal) => ({ role: principal.role, unmask: principal.unmask === true });

const nowIso = () => new Date().toISOString();
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** GET /v1/normalize?number=…&country=… → { e164, region, valid } */
function normalizeRoute(request, url) {
  allow(request, "GET");
  onlyParams(url, "number", "country");
  const number = queryParam(url, "number");
  const country = queryParam(url, "country");
  if (number === null || number === "") fail("number", "missing", "number: required query parameter");
  if (country === null || country === "")
    fail("country", "missing", "country: required query parameter (ISO 3166 alpha-2, e.g. FR)");
  return json(core().normalize(number, country));
}

/** A tenant id from its path segment: 400 when malformed. */
function tenantId(raw) {
  const id = pathSegment(raw, "tenant");
  if (!TENANT_ID.test(id)) fail("tenant", "invalid", "tenant: 1-64 letters, digits, '_', '.', '-', starting with a letter or digit");
  return id;
}

const tenantStore = (env, tenant) => env.TENANTS.get(env.TENANTS.idFromName(tenant));

// ---- operator: tenants ----

/** GET/POST /v1/tenants */
async function tenantsRoute(request, env, url) {
  allow(request, "GET", "POST");
  await requireOperator(request, env);
  onlyParams(url);
  const configured = await configuredTenants(env);
  if (request.method === "GET") {
    const stored = await registry(env).listTenants();
    const ids = new Set(stored.map((t) => t.id));
    return json([...stored.map((t) => ({ ...t, source: configured.has(t.id) ? "config" : "api" })),
      ...[...configured].filter((id) => !ids.has(id)).map((id) => ({ id, created_at: null, source: "config" }))]
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));
  }
  const body = await readJson(request, { field: "tenant" });
  onlyFields(body, "id");
  if (typeof body.id !== "string") fail("id", body.id === undefined ? "missing" : "invalid_type", "id: a tenant id (string) is required");
  if (!TENANT_ID.test(body.id)) fail("id", "invalid", "id: 1-64 letters, digits, '_', '.', '-', starting with a letter or digit");
  if (configured.has(body.id)) fail("id", "exists", `id: tenant ${JSON.stringify(body.id)} exists by configuration (API_KEYS)`);
  const r = await registry(env).createTenant(body.id, nowIso());
  invalidateRegistryCache();
  return fromStore(r, 201);
}

/** GET/DELETE /v1/tenants/{id}: deleting a tenant deletes its data (its object's whole storage) and its keys. */
async function tenantRoute(request, env, url, tenant) {
  allow(request, "GET", "DELETE");
  await requireOperator(request, env);
  onlyParams(url);
  const configured = (await configuredTenants(env)).has(tenant);
  const reg = registry(env);
  if (request.method === "GET") {
    const t = await reg.tenant(tenant);
    if (!t && !configured) fail("tenant", "not_found", `tenant: no tenant ${JSON.stringify(tenant)}`);
    return json({ id: tenant, created_at: t?.created_at ?? null, keys: t?.keys ?? 0, source: configured ? "config" : "api" });
  }
  if (configured) fail("tenant", "configured", "tenant: exists by configuration (API_KEYS); remove it there");
  if (!(await reg.tenant(tenant))) fail("tenant", "not_found", `tenant: no tenant ${JSON.stringify(tenant)}`);
  // Data first: if this fails the tenant still exists and the delete can be retried.
  await tenantStore(env, tenant).destroy();
  await reg.deleteTenant(tenant);
  invalidateRegistryCache();
  return new Response(null, { status: 204, headers: { "cache-control": "no-store" } });
}

// ---- tenant keys (operator or tenant admin) ----

const ROLES = ["admin", "readonly"];

function base64url(bytes) {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** GET/POST /v1/tenants/{id}/keys and DELETE /v1/tenants/{id}/keys/{keyId}. */
async function keysRoute(request, env, url, tenant, keyId) {
  if (keyId === undefined) allow(request, "GET", "POST");
  else allow(request, "DELETE");
  const principal = await requireTenant(request, env, tenant, { write: true });
  onlyParams(url);
  const configured = (await configuredTenants(env)).has(tenant);
  const reg = registry(env);
  if (keyId !== undefined) {
    if (!KEY_ID.test(keyId) || !(await reg.revokeKey(tenant, keyId))) fail("key", "not_found", "key: no such key for this tenant");
    invalidateRegistryCache();
    return new Response(null, { status: 204, headers: { "cache-control": "no-store" } });
  }
  if (request.method === "GET") return json(await reg.listKeys(tenant));
  const body = await readJson(request, { field: "key" });
  onlyFields(body, "role", "unmask", "label");
  if (!ROLES.includes(body.role))
    fail("role", body.role === undefined ? "missing" : "unknown_value", `role: expected one of ${ROLES.join(", ")}`);
  const unmask = body.unmask ?? false;
  if (typeof unmask !== "boolean") fail("unmask", "invalid_type", "unmask: expected true or false");
  const label = body.label ?? "";
  if (typeof label !== "string") fail("label", "invalid_type", "label: expected a string");
  if (label.length > 128) fail("label", "too_long", "label: longer than 128 characters");
  // A tenant admin cannot hand out a privilege it does not hold.
  if (unmask && principal.role !== "operator" && !principal.unmask)
    fail("unmask", "forbidden", "unmask: this key does not hold the unmask privilege, so it cannot grant it");
  const secret = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const id = "k_" + [...crypto.getRandomValues(new Uint8Array(12))].map((b) => b.toString(16).padStart(2, "0")).join("");
  const r = await reg.addKey(tenant, { id, hash: await keyHash(secret), role: body.role, unmask, label }, nowIso(), configured);
  if (r.error) return fromStore(r);
  invalidateRegistryCache();
  return json({ ...r.ok, key: secret }, 201);
}

// ---- tenant data ----

/**
 * The routes under /v1/tenants/{tenant}/: path (string or pattern), methods, handler, the query parameters it
 * takes, and whether a POST only reads (a decision changes nothing, so read-only keys may ask for one).
 */
const TENANT_ROUTES = [
  { path: "policy", methods: ["GET", "PUT"], handler: async ({ request, store }) => {
    if (request.method === "GET") {
      const p = await store.getPolicy();
      if (!p) fail("policy", "not_found", "policy: no policy stored for this tenant");
      return json(p, 200, { etag: `"${p.version}"` });
    }
    const doc = await readJson(request, { limit: LIMITS.policyBytes, field: "policy" });
    const r = await store.putPolicy(doc, nowIso(), request.headers.get("if-match"));
    return r.error ? fromStore(r) : json(r.ok, 200, { etag: `"${r.ok.version}"` });
  } },
  { path: "decide", methods: ["POST"], postReads: true, handler: async ({ request, env, store }) =>
    fromStore(await store.decide(await withCertificates(await readJson(request, { field: "event" }), env))) },
  { path: "sip/invite", methods: ["POST"], postReads: true, params: ["format"], handler: sipInviteRoute },
  { path: "masking/credentials", methods: ["GET", "PUT"], handler: async ({ request, store }) => {
    if (request.method === "GET") return fromStore(await store.getMaskingCredentials());
    return fromStore(await store.putMaskingCredentials(await readJson(request, { field: "credentials" }), nowIso()));
  } },
  { path: "masking/pool", methods: ["GET", "PUT"], handler: async ({ request, store }) => {
    if (request.method === "GET") return fromStore(await store.getPool());
    return fromStore(await store.putPool(await readJson(request, { limit: LIMITS.policyBytes, field: "pool", type: "array" })));
  } },
  { path: "masking/sessions", methods: ["GET", "POST"], params: ["status"], handler: async ({ request, store, url, principal }) => {
    if (request.method === "GET")
      return fromStore(await store.listSessions(queryParam(url, "status", { kind: "enum", values: SESSION_STATUSES }),
        nowSeconds(), viewer(principal)));
    const req = await readJson(request, { field: "session" });
    return fromStore(await store.createSession(req, nowSeconds(), nowIso()), 201);
  } },
  { path: /^masking\/sessions\/([^/]+)\/close$/, methods: ["POST"], handler: async ({ store, match }) =>
    fromStore(await store.closeSession(pathSegment(match[1], "session"), nowSeconds(), nowIso())) },
  // What-if replay of a call log against the stored policy (streamed; worker/replay.js). Changes nothing.
  { path: "replay", methods: ["POST"], postReads: true, handler: replayRoute },
  { path: "masking/log", methods: ["GET"], params: ["limit"], handler: async ({ store, url, principal }) =>
    fromStore(await store.maskingLog(queryParam(url, "limit", { kind: "int", min: 1, max: LIMITS.logLimit, fallback: 100 }),
      viewer(principal))) },
  // Blocklists (Kazoo-shaped), account selections, end-user token key, imports and exports: worker/blocklists.js.
  ...LIST_ROUTES,
];

async function tenantDataRoute(request, env, url, tenant, rest) {
  const principal = await requireTenant(request, env, tenant);
  let route = null, match = null;
  for (const r of TENANT_ROUTES) {
    match = typeof r.path === "string" ? (r.path === rest ? [rest] : null) : r.path.exec(rest);
    if (match) { route = r; break; }
  }
  if (!route) fail("path", "not_found", `path: no route ${url.pathname}`);
  allow(request, ...route.methods);
  const writes = request.method !== "GET" && !(request.method === "POST" && route.postReads);
  if (writes && principal.role === "readonly") fail("authorization", "forbidden", "authorization: this key is read-only");
  onlyParams(url, ...(route.params ?? []));
  return route.handler({ request, env, url, principal, match, store: tenantStore(env, tenant) });
}

/**
 * Infobip number-masking webhooks. Authenticated by Infobip's own signature (Authorization: apiId:sha256hex),
 * checked by the core on the raw body against the tenant's stored credentials, not by an API key. A tenant that
 * does not exist is 404 before its object is touched.
 */
async function infobipRoute(request, env, url, tenant, kind) {
  allow(request, "POST");
  await requireTenantExists(env, tenant);
  onlyParams(url);
  const body = await readText(request, { limit: LIMITS.eventBytes, field: "body" });
  const authorization = request.headers.get("authorization") ?? "";
  const store = tenantStore(env, tenant);
  const now = new Date();
  const r = kind === "callback"
    ? await store.infobipCallback(body, authorization, request.url, Math.floor(now.getTime() / 1000), now.toISOString())
    : await store.infobipStatus(body, authorization, request.url, now.toISOString());
  if (r.error) return fromStore(r);
  // Infobip reads the callback response itself: the command (dial | audio) at the top level.
  return kind === "callback" ? json(r.ok.response) : json(r.ok);
}

/** Routes /v1/tenants… by path segment (each decoded with a 400 on a bad escape). */
async function tenantsTree(request, env, url, segs) {
  if (segs.length === 0) return tenantsRoute(request, env, url);
  if (segs[0] === "") fail("tenant", "missing", "tenant: empty tenant id in the path");
  const raw = segs[0];
  const rest = segs.slice(1);
  if (rest.length === 2 && rest[0] === "infobip" && (rest[1] === "callback" || rest[1] === "status")) {
    // Unauthenticated: an id that cannot exist is the same 404 as one that does not.
    const id = pathSegment(raw, "tenant");
    if (!TENANT_ID.test(id)) fail("tenant", "not_found", `tenant: no tenant ${JSON.stringify(id)}`);
    return infobipRoute(request, env, url, id, rest[1]);
  }
  const tenant = tenantId(raw);
  if (rest.length === 0) return tenantRoute(request, env, url, tenant);
  if (rest[0] === "keys" && rest.length <= 2) return keysRoute(request, env, url, tenant, rest[1] === undefined ? undefined : pathSegment(rest[1], "key"));
  // Users' blocklists (Wazo-shaped): end-user tokens or API keys, checked there.
  if (rest[0] === "users") {
    await requireTenantExists(env, tenant);
    return usersRoute(request, env, url, tenant, rest.slice(1), tenantStore(env, tenant));
  }
  // Rows under lookup keys (the console's previews): API keys; an end-user token is told 403, checked there.
  if (rest.length === 2 && rest[0] === "lists" && rest[1] === "rows") return listRowsRoute(request, env, url, tenant, tenantStore(env, tenant));
  return tenantDataRoute(request, env, url, tenant, rest.join("/"));
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    try {
      // Only what worker/openapi.js documents gets past here: 404 / 405 otherwise.
      if (isApiPath(url.pathname)) requireOperation(request.method, url.pathname);
      if (url.pathname === "/v1/openapi.json") {
        onlyParams(url);
        return json(OPENAPI, 200, { "cache-control": "public, max-age=300" });
      }
      if (url.pathname === "/healthz") {
        allow(request, "GET", "HEAD");
        return json({ ok: true });
      }
      if (url.pathname === "/v1/normalize") return normalizeRoute(request, url);
      if (url.pathname === "/v1/tenants" || url.pathname.startsWith("/v1/tenants/"))
        return await tenantsTree(request, env, url, url.pathname.split("/").slice(3));
      if (url.pathname === "/v1" || url.pathname.startsWith("/v1/")) fail("path", "not_found", `path: no route ${url.pathname}`);
      return withPageHeaders(await env.ASSETS.fetch(request), env);
    } catch (err) {
      return errorResponse(err);
    }
  },
};
