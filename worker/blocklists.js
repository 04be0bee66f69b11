// The list resources over HTTP (docs/blocklists.md), under /v1/tenants/{tenant}/:
// - Kazoo-shaped account blocklists (`blacklists`, their `numbers` and `prefixes`, the account's selection),
//   with Kazoo's envelope ({"data": …} in and out) and cursor pages (`page_size`, `start_key`);
// - Wazo-shaped users' blocklists (`users/…/blocklist/numbers`) with wazo-confd's paths, codes, headers and JSON;
// - the end-user token key (`user-auth`), streamed imports (`…/import`, `imports`) and CSV exports (`…/export`).
// Everything here reads requests and shapes answers; the rows live in the tenant's object (lists-store.js) and every
// decision, normalisation and line parse is the core's.
import { importJWK, jwtVerify } from "jose";
import { json, fail, pathSegment, queryParam, onlyParams, onlyFields, readJson, allow, LIMITS } from "./http.js";
import { requireTenant, requireTenantExists } from "./auth.js";
import { etag } from "./lists-store.js";

const nowIso = () => new Date().toISOString();
const LIST_ID = /^[A-Za-z0-9_.-]{1,128}$/;
const NO_STORE = { "cache-control": "no-store" };
/** Largest page of a list read. */
const MAX_PAGE = 1000;

/** `{ ok }` → the value, `{ error }` → thrown (the error's code picks the status). */
function unwrap(r) {
  if (r.error) throw Object.assign(new Error(r.error.message), r.error);
  return r.ok;
}

const op = async (store, name, ...args) => unwrap(await store.listOp(name, ...args));
const ifMatch = (request) => request.headers.get("if-match");

/** Kazoo's envelope around an answer, with the resource's version as `revision` and ETag. */
function kazoo(data, { status = 200, version = null, extra = {}, headers = {} } = {}) {
  const h = { ...headers };
  if (version !== null) h.etag = etag(version);
  return json({ data, ...(version !== null ? { revision: etag(version) } : {}), ...extra, status: "success" }, status, h);
}

/** Kazoo's request envelope: `{"data": {...}}`. */
async function kazooBody(request) {
  const body = await readJson(request, { limit: LIMITS.policyBytes, field: "body" });
  for (const k of Object.keys(body)) if (k !== "data") fail(k.slice(0, 64), "unknown_field", `${k.slice(0, 64)}: unknown field; Kazoo requests are {"data": {…}}`);
  if (body.data === undefined) fail("data", "missing", "data: Kazoo requests are {\"data\": {…}}");
  return body.data;
}

const pageSize = (url) => queryParam(url, "page_size", { kind: "int", min: 1, max: MAX_PAGE, fallback: 50 });

function entryDoc(e) {
  return { number: e.key, written: e.written, ...(e.label !== null ? { name: e.label } : {}) };
}

function listId(raw) {
  const id = pathSegment(raw, "blacklist");
  if (!LIST_ID.test(id)) fail("blacklist", "not_found", `blacklist: no blacklist ${JSON.stringify(id)}`);
  return id;
}

const randomHex = (n) => [...crypto.getRandomValues(new Uint8Array(n))].map((b) => b.toString(16).padStart(2, "0")).join("");

// ---- streamed import and export ----

/** Largest import body (10 million numbers with labels fit); the IMPORT_MAX_BYTES var lowers it. */
const IMPORT_BYTES = 512 << 20;
const IMPORT_ID = /^[A-Za-z0-9_-]{1,64}$/;
const IMPORT_TYPES = { "text/csv": "csv", "application/x-ndjson": "ndjson", "application/ndjson": "ndjson", "application/jsonl": "ndjson" };

/**
 * Streams the request body into the tenant's object (the worker never holds it): CSV with a header row or NDJSON
 * (`?format=`, else from Content-Type), all or nothing unless `?mode=partial`. `?import_id=` names the import so a
 * console can poll `GET …/imports/{id}` while it runs; `?total_lines=` lets the progress show a total.
 */
async function importRoute(request, env, url, store, target) {
  const maxBytes = Number(env.IMPORT_MAX_BYTES ?? IMPORT_BYTES);
  onlyParams(url, "format", "mode", "total_lines", "import_id");
  const type = (request.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  const format = queryParam(url, "format", { kind: "enum", values: ["csv", "ndjson"], fallback: IMPORT_TYPES[type] ?? null });
  if (format === null) fail("content-type", "unsupported_media_type", `content-type: expected text/csv or application/x-ndjson (or ?format=csv|ndjson), got ${JSON.stringify(type.slice(0, 80))}`);
  const mode = queryParam(url, "mode", { kind: "enum", values: ["all", "partial"], fallback: "all" });
  const totalLines = queryParam(url, "total_lines", { kind: "int", min: 0, max: 1e9, fallback: null });
  const id = queryParam(url, "import_id") ?? crypto.randomUUID();
  if (!IMPORT_ID.test(id)) fail("import_id", "invalid", "import_id: 1-64 letters, digits, '_' or '-'");
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) fail("body", "too_large", `body: larger than ${maxBytes} bytes`);
  if (!request.body) fail("body", "missing", "body: the lines to import are required");
  const report = await op(store, "runImport", target, request.body, { id, format, mode, totalLines,
    totalBytes: declared === null ? null : Number(declared), maxBytes, nowIso: nowIso() });
  return json(report);
}

const csvField = (s) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** Streams a list's numbers as CSV (`number,label`, by key), a page of rows at a time. */
async function exportRoute(store, target, name) {
  await op(store, "target", target);
  const enc = new TextEncoder();
  let after = "";
  const body = new ReadableStream({
    start(c) { c.enqueue(enc.encode("number,label\n")); },
    async pull(c) {
      const rows = await op(store, "exportPage", target, after, 5000);
      if (!rows.length) return c.close();
      after = rows[rows.length - 1].key;
      c.enqueue(enc.encode(rows.map((r) => `${r.key},${r.label === null ? "" : csvField(r.label)}\n`).join("")));
    },
  });
  return new Response(body, { headers: { "content-type": "text/csv; charset=utf-8", ...NO_STORE,
    "content-disposition": `attachment; filename="${name.replace(/[^A-Za-z0-9_.-]/g, "_")}.csv"`, "x-content-type-options": "nosniff" } });
}

/** Kazoo blocklist routes, added to the worker's tenant routes (admin keys write, read-only keys read). */
export const LIST_ROUTES = [
  { path: "blacklists", methods: ["GET", "PUT"], params: ["page_size", "start_key"], handler: async ({ request, store, url }) => {
    if (request.method === "GET") {
      onlyParams(url, "page_size", "start_key");
      const size = pageSize(url);
      const start = queryParam(url, "start_key");
      const { items, next } = await op(store, "blacklistsPage", size, start);
      return kazoo(items, { extra: { page_size: items.length, ...(start ? { start_key: start } : {}), ...(next ? { next_start_key: next } : {}) } });
    }
    onlyParams(url);
    const data = await kazooBody(request);
    const id = data && typeof data === "object" && "id" in data ? data.id : randomHex(16);
    if (typeof id !== "string" || !LIST_ID.test(id)) fail("data.id", "invalid", "data.id: 1-128 letters, digits, '_', '.', '-'");
    const { id: _, ...fields } = data ?? {};
    const { doc, version } = await op(store, "createBlacklist", id, data === null ? null : fields, nowIso());
    return kazoo(doc, { status: 201, version });
  } },
  { path: /^blacklists\/([^/]+)$/, methods: ["GET", "POST", "PATCH", "DELETE"], handler: async ({ request, store, match }) => {
    const id = listId(match[1]);
    if (request.method === "GET") {
      const { doc, version } = await op(store, "getBlacklist", id);
      return kazoo(doc, { version });
    }
    if (request.method === "DELETE") return kazoo(await op(store, "deleteBlacklist", id, ifMatch(request), nowIso()));
    const data = await kazooBody(request);
    if (data && typeof data === "object" && "id" in data && data.id !== id) fail("data.id", "invalid", "data.id: differs from the id in the path");
    const { id: _, ...fields } = data && typeof data === "object" ? data : { bad: data };
    const { doc, version } = await op(store, "updateBlacklist", id, data === null || typeof data !== "object" ? data : fields,
      request.method === "PATCH", ifMatch(request), nowIso());
    return kazoo(doc, { version });
  } },
  ...["number", "prefix"].flatMap((kind) => [
    { path: new RegExp(`^blacklists\\/([^/]+)\\/${kind === "number" ? "numbers" : "prefixes"}$`),
      methods: ["GET"], params: ["page_size", "start_key", "prefix"], handler: async ({ store, url, match }) => {
        const id = listId(match[1]);
        const size = pageSize(url);
        const start = queryParam(url, "start_key");
        const { rows, next, total } = await op(store, "blacklistEntries", id, kind, size, start, queryParam(url, "prefix"));
        return kazoo(rows.map(entryDoc), { extra: { page_size: rows.length, total, ...(start ? { start_key: start } : {}), ...(next ? { next_start_key: next } : {}) } });
      } },
    { path: new RegExp(`^blacklists\\/([^/]+)\\/${kind === "number" ? "numbers" : "prefixes"}\\/([^/]+)$`),
      methods: ["GET", "PUT", "DELETE"], handler: async ({ request, store, match }) => {
        const id = listId(match[1]);
        const raw = pathSegment(match[2], kind);
        if (request.method === "GET") {
          const e = await op(store, "getBlacklistEntry", id, kind, raw);
          return kazoo(entryDoc(e), { version: e.version });
        }
        if (request.method === "DELETE") return kazoo(entryDoc(await op(store, "deleteBlacklistEntry", id, kind, raw, ifMatch(request))));
        const hasBody = request.headers.get("content-length") !== "0" && request.body !== null;
        const data = hasBody ? await kazooBody(request) : {};
        const { entry, created } = await op(store, "putBlacklistEntry", id, kind, raw, data, ifMatch(request));
        return kazoo(entryDoc(entry), { status: created ? 201 : 200, version: entry.version });
      } },
  ]),
  { path: /^blacklists\/([^/]+)\/import$/, methods: ["POST"], params: ["format", "mode", "total_lines", "import_id"],
    handler: ({ request, env, url, store, match }) => importRoute(request, env, url, store, { blacklist: listId(match[1]) }) },
  { path: /^blacklists\/([^/]+)\/export$/, methods: ["GET"], handler: ({ store, match }) => {
    const id = listId(match[1]);
    return exportRoute(store, { blacklist: id }, `blacklist-${id}`);
  } },
  { path: "imports", methods: ["GET"], params: ["limit"], handler: async ({ store, url }) =>
    json(await op(store, "imports", queryParam(url, "limit", { kind: "int", min: 1, max: 100, fallback: 20 }))) },
  { path: /^imports\/([^/]+)$/, methods: ["GET"], handler: async ({ store, match }) =>
    json(await op(store, "importReport", pathSegment(match[1], "import"))) },
  { path: /^accounts\/([^/]+)$/, methods: ["GET", "PATCH"], handler: async ({ request, store, match }) => {
    const id = pathSegment(match[1], "account");
    if (request.method === "GET") {
      const { doc, version } = await op(store, "getAccount", id);
      return kazoo(doc, { version });
    }
    const { doc, version } = await op(store, "patchAccount", id, await kazooBody(request), ifMatch(request), nowIso());
    return kazoo(doc, { version });
  } },
  { path: "user-auth", methods: ["GET", "PUT"], handler: async ({ request, store }) => {
    if (request.method === "GET") {
      const cfg = await op(store, "userAuth");
      if (!cfg) fail("user-auth", "not_found", "user-auth: no end-user token key configured");
      return json(publicAuth(cfg), 200, { etag: etag(cfg.version) });
    }
    const doc = await readUserAuth(await readJson(request, { field: "user-auth" }));
    const { version } = await op(store, "putUserAuth", doc, ifMatch(request), nowIso());
    authCache.clear();
    return json({ ...publicAuth(doc), version }, 200, { etag: etag(version) });
  } },
];

// ---- end-user tokens ----

const ALGS = ["HS256", "ES256", "EdDSA"];

function publicAuth(cfg) {
  return { alg: cfg.alg, issuer: cfg.issuer ?? null, audience: cfg.audience ?? null,
    ...(cfg.jwk ? { jwk: cfg.jwk } : { secret: "(set)" }), ...(cfg.version ? { version: cfg.version } : {}) };
}

/**
 * Reads the end-user token key: `{alg: "HS256", secret}` (a shared secret of at least 32 characters) or
 * `{alg: "ES256" | "EdDSA", jwk}` (a public JWK), and optionally the `issuer` and `audience` tokens must carry.
 */
async function readUserAuth(body) {
  for (const k of Object.keys(body))
    if (!["alg", "secret", "jwk", "issuer", "audience"].includes(k)) fail(k.slice(0, 64), "unknown_field", `${k.slice(0, 64)}: unknown field; expected alg, secret, jwk, issuer, audience`);
  if (!ALGS.includes(body.alg)) fail("alg", body.alg === undefined ? "missing" : "unknown_value", `alg: expected one of ${ALGS.join(", ")}`);
  for (const k of ["issuer", "audience"])
    if (body[k] !== undefined && body[k] !== null && (typeof body[k] !== "string" || body[k].length < 1 || body[k].length > 256))
      fail(k, "invalid_type", `${k}: a string of 1 to 256 characters, or null`);
  const doc = { alg: body.alg, issuer: body.issuer ?? null, audience: body.audience ?? null };
  if (body.alg === "HS256") {
    if (body.jwk !== undefined) fail("jwk", "unexpected", "jwk: HS256 takes a secret, not a JWK");
    if (typeof body.secret !== "string" || body.secret.length < 32 || body.secret.length > 512)
      fail("secret", body.secret === undefined ? "missing" : "too_short", "secret: a string of 32 to 512 characters");
    return { ...doc, secret: body.secret };
  }
  if (body.secret !== undefined) fail("secret", "unexpected", `secret: ${body.alg} takes a public jwk, not a secret`);
  const jwk = body.jwk;
  if (!jwk || typeof jwk !== "object" || Array.isArray(jwk)) fail("jwk", "missing", "jwk: a public JSON Web Key is required");
  if ("d" in jwk) fail("jwk", "private_key", "jwk: this is a private key; give the public key only");
  try {
    await importJWK(jwk, body.alg);
  } catch (e) {
    fail("jwk", "invalid_key", `jwk: not a ${body.alg} public key (${String(e.message).slice(0, 120)})`);
  }
  return { ...doc, jwk };
}

// Token keys cached in the isolate for 5 s (cleared at once by a change made through this isolate).
const authCache = new Map();

async function verifyKey(cfg) {
  return cfg.alg === "HS256" ? new TextEncoder().encode(cfg.secret) : importJWK(cfg.jwk, cfg.alg);
}

const badToken = (why) => fail("authorization", "unauthenticated", `authorization: ${why}`,
  { headers: { "www-authenticate": 'Bearer realm="cidguard", error="invalid_token"' } });

/**
 * The end user of a `/users/me/…` request: a JWT in `X-Auth-Token` (Wazo's header) or `Authorization: Bearer`,
 * signed with the tenant's configured key (algorithm pinned), unexpired, with the configured issuer and audience;
 * its `sub` is the user's uuid. Anything else is 401.
 */
async function requireEndUser(request, tenant, store) {
  const header = request.headers.get("x-auth-token") ?? /^Bearer[ \t]+(\S+)$/i.exec(request.headers.get("authorization") ?? "")?.[1];
  if (!header) fail("authorization", "unauthenticated", "authorization: an end-user token is required (X-Auth-Token or Authorization: Bearer)",
    { headers: { "www-authenticate": 'Bearer realm="cidguard"' } });
  if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(header) || header.length > 8192) badToken("not a JSON Web Token");
  const now = Date.now();
  let hit = authCache.get(tenant);
  if (!hit || hit.until < now) {
    const cfg = await op(store, "userAuth");
    hit = { cfg, key: cfg ? await verifyKey(cfg) : null, until: now + 5000 };
    authCache.set(tenant, hit);
  }
  if (!hit.cfg) badToken("end-user tokens are not configured for this tenant");
  let payload;
  try {
    ({ payload } = await jwtVerify(header, hit.key, { algorithms: [hit.cfg.alg], requiredClaims: ["sub", "exp"],
      ...(hit.cfg.issuer ? { issuer: hit.cfg.issuer } : {}), ...(hit.cfg.audience ? { audience: hit.cfg.audience } : {}) }));
  } catch (e) {
    badToken(`invalid token (${e.code ?? "ERR_JWT_INVALID"})`);
  }
  if (typeof payload.sub !== "string" || payload.sub.length < 1 || payload.sub.length > 128) badToken("the token's sub is not a user uuid");
  return payload.sub;
}

// ---- rows for previews ----

/** Most lists and keys one rows request may name (a call consults a handful of lists and at most 16 keys). */
const MAX_ROW_LISTS = 64;
const MAX_ROW_KEYS = 64;

/** Reads `lists` or `keys` of a LookupKeys body: an array of at most `max` strings; errors name the index. */
function stringArray(body, name, max) {
  const v = body[name];
  if (!Array.isArray(v)) fail(name, v === undefined ? "missing" : "invalid_type", `${name}: expected an array of strings`);
  if (v.length > max) fail(name, "too_many", `${name}: at most ${max} (got ${v.length})`);
  v.forEach((s, i) => {
    if (typeof s !== "string") fail(`${name}[${i}]`, "invalid_type", `${name}[${i}]: expected a string`);
    if (s.length > 256) fail(`${name}[${i}]`, "too_long", `${name}[${i}]: longer than 256 characters`);
  });
  return v;
}

/**
 * POST /v1/tenants/{tenant}/lists/rows: the rows under a call's lookup keys, for the console's previews. The body
 * is the core's LookupKeys (`Engine.lookupKeys(event)` / `inviteLookupKeys`; `caller` is ignored); the answer's
 * `rows` are what `Engine.decideRows(event, rows)` takes, fetched by the very `fetchRows` a `/decide` uses. Admin
 * and read-only keys may ask (it changes nothing); an end-user token, even a valid one, is 403.
 */
export async function listRowsRoute(request, env, url, tenant, store) {
  allow(request, "POST");
  try {
    await requireTenant(request, env, tenant);
  } catch (e) {
    if (e.code !== "unauthenticated" || !(await isEndUser(request, env, tenant, store))) throw e;
    fail("authorization", "forbidden", "authorization: end-user tokens cannot read list rows; use an admin or read-only API key");
  }
  onlyParams(url);
  const body = await readJson(request, { field: "body" });
  onlyFields(body, "lists", "keys", "caller");
  const lists = stringArray(body, "lists", MAX_ROW_LISTS);
  const keys = stringArray(body, "keys", MAX_ROW_KEYS);
  return json({ rows: await op(store, "fetchRows", lists, keys) }, 200, NO_STORE);
}

/** True when the request carries a valid end-user token of an existing `tenant` (never throws). */
async function isEndUser(request, env, tenant, store) {
  try {
    await requireTenantExists(env, tenant);
    await requireEndUser(request, tenant, store);
    return true;
  } catch {
    return false;
  }
}

// ---- users' blocklists (Wazo) ----

/** A label as a header value: as is when printable ASCII, else percent-encoded (UTF-8) so no byte is lost. */
const headerValue = (s) => (/^[\x20-\x7e]*$/.test(s) ? s : encodeURIComponent(s));

function wazoItem(e, base, admin, tenant) {
  const item = { uuid: e.uuid, number: e.number, label: e.label };
  if (admin) Object.assign(item, { user_uuid: e.user_uuid, tenant_uuid: tenant });
  item.links = [{ rel: admin ? "user_blocklist_numbers" : "user_me_blocklist_numbers", href: `${base}/${admin ? "users/blocklist/numbers" : "users/me/blocklist/numbers"}/${e.uuid}` }];
  return item;
}

function listParams(url, { admin }) {
  const names = ["order", "direction", "limit", "offset", "search", "number", "label", ...(admin ? ["user_uuid"] : [])];
  onlyParams(url, ...names);
  const p = {
    order: queryParam(url, "order", { kind: "enum", values: admin ? ["number", "label", "user_uuid"] : ["number", "label"], fallback: "number" }),
    direction: queryParam(url, "direction", { kind: "enum", values: ["asc", "desc"], fallback: "asc" }),
    limit: queryParam(url, "limit", { kind: "int", min: 0, max: 100_000, fallback: null }),
    offset: queryParam(url, "offset", { kind: "int", min: 0, max: 1e9, fallback: 0 }),
    search: queryParam(url, "search"),
    number: queryParam(url, "number"),
    label: queryParam(url, "label"),
  };
  if (admin) p.user = queryParam(url, "user_uuid");
  return p;
}

const entryUuid = (raw) => {
  const u = pathSegment(raw, "uuid");
  if (!LIST_ID.test(u)) fail("uuid", "not_found", "uuid: no such blocklist number");
  return u;
};

/**
 * Routes /v1/tenants/{tenant}/users/…: `me` routes take the end user's token and reach only that user's list
 * (another user's entry is the same 404 as an absent one); the others take an admin or read-only API key.
 */
export async function usersRoute(request, env, url, tenant, segs, store) {
  const base = `${url.origin}/v1/tenants/${encodeURIComponent(tenant)}`;
  const path = segs.join("/");
  const noContent = (headers = {}) => new Response(null, { status: 204, headers: { ...NO_STORE, ...headers } });

  if (path === "me/blocklist/numbers" || /^me\/blocklist\/numbers\/[^/]+$/.test(path)) {
    const item = segs.length === 4 ? entryUuid(segs[3]) : null;
    allow(request, ...(item ? ["GET", "PUT", "DELETE"] : ["GET", "POST"]));
    const user = await requireEndUser(request, tenant, store);
    if (!item) {
      if (request.method === "GET") {
        const { items, total } = await op(store, "userEntries", user, listParams(url, { admin: false }));
        return json({ items: items.map((e) => wazoItem(e, base, false, tenant)), total });
      }
      onlyParams(url);
      const e = await op(store, "createUserEntry", user, await readJson(request, { field: "body" }), crypto.randomUUID());
      return json(wazoItem(e, base, false, tenant), 201, { location: `${base}/users/me/blocklist/numbers/${e.uuid}`, etag: etag(e.version) });
    }
    onlyParams(url);
    if (request.method === "GET") {
      const e = await op(store, "getUserEntry", user, item);
      return json(wazoItem(e, base, false, tenant), 200, { etag: etag(e.version) });
    }
    if (request.method === "PUT") {
      const e = await op(store, "updateUserEntry", user, item, await readJson(request, { field: "body" }), ifMatch(request));
      return noContent({ etag: etag(e.version) });
    }
    await op(store, "deleteUserEntry", user, item, ifMatch(request));
    return noContent();
  }

  // Admin routes: API keys (read-only keys read).
  await requireTenant(request, env, tenant, { write: request.method !== "GET" && request.method !== "HEAD" });
  if (segs.length === 3 && segs[1] === "blocklist" && (segs[2] === "import" || segs[2] === "export")) {
    const user = pathSegment(segs[0], "user_uuid");
    if (segs[2] === "export") {
      allow(request, "GET");
      onlyParams(url);
      return exportRoute(store, { user }, `blocklist-${user}`);
    }
    allow(request, "POST");
    return importRoute(request, env, url, store, { user });
  }
  if (path === "blocklist/numbers") {
    allow(request, "GET");
    const p = listParams(url, { admin: true });
    const { items, total } = await op(store, "searchUserEntries", p);
    return json({ items: items.map((e) => wazoItem(e, base, true, tenant)), total });
  }
  if (/^blocklist\/numbers\/[^/]+$/.test(path)) {
    allow(request, "GET");
    onlyParams(url);
    const e = await op(store, "getUserEntry", null, entryUuid(segs[2]));
    return json(wazoItem(e, base, true, tenant), 200, { etag: etag(e.version) });
  }
  if (segs.length === 3 && segs[1] === "blocklist" && segs[2] === "numbers") {
    const user = pathSegment(segs[0], "user_uuid");
    allow(request, "GET", "HEAD");
    if (request.method === "HEAD") {
      onlyParams(url, "number_exact");
      const number = queryParam(url, "number_exact");
      if (number === null) fail("number_exact", "missing", "number_exact: required (+E.164)");
      const e = await op(store, "lookupUserEntry", user, number);
      if (!e) return new Response(null, { status: 404, headers: NO_STORE });
      return noContent({ "wazo-blocklist-number-uuid": e.uuid, "wazo-blocklist-number-label": headerValue(e.label ?? "") });
    }
    await op(store, "requireUser", user);
    const p = { ...listParams(url, { admin: false }), user };
    const { items, total } = await op(store, "searchUserEntries", p);
    return json({ items: items.map((e) => wazoItem(e, base, true, tenant)), total });
  }
  fail("path", "not_found", `path: no route ${url.pathname}`);
}

