// Who is calling, and may they: `Authorization: Bearer <key>` resolved to a principal
// `{ tenant, role: "admin" | "readonly" | "operator", unmask, keyId }`.
//
// Three kinds of credential, all compared as SHA-256 digests (constant time where a secret is compared):
// - the operator key (secret OPERATOR_KEY): manages tenants and their keys, and may act on any tenant;
// - keys issued per tenant through the API (stored in the registry only as their SHA-256), role admin or readonly,
//   with or without the unmask privilege;
// - the API_KEYS secret ("tenant:key,tenant:key", for development and configuration): the tenants it names exist
//   by configuration and its keys are admin keys with the unmask privilege.
// A key only ever opens its own tenant: a request for another tenant gets the same 404 as a tenant that does not
// exist, so keys cannot even probe which tenants exist.
import { fail } from "./http.js";
import { REGISTRY_NAME } from "./registry.js";

const enc = new TextEncoder();

async function digest(s) {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", enc.encode(s)));
}

const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

/** SHA-256 of a key, hex: what the registry stores and looks up. */
export async function keyHash(key) {
  return hex(await digest(key));
}

/** Constant-time equality of two equal-length byte arrays (workerd's timingSafeEqual where present). */
export function timingSafeEqual(a, b) {
  if (a.length !== b.length) return false;
  if (crypto.subtle.timingSafeEqual) return crypto.subtle.timingSafeEqual(a, b);
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/** Parses API_KEYS ("tenant:key,…") into [{ tenant, key }]. */
export function parseApiKeys(raw) {
  return String(raw ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((pair) => {
      const i = pair.indexOf(":");
      return i > 0 ? { tenant: pair.slice(0, i), key: pair.slice(i + 1) } : null;
    })
    .filter((p) => p && p.key.length >= 8);
}

// The configured secrets, digested once per isolate (and again only if the configuration changes).
let configMemo = { raw: null, operator: null, keys: [], tenants: new Set() };
async function config(env) {
  const raw = `${env.API_KEYS ?? ""}\u0000${env.OPERATOR_KEY ?? ""}`;
  if (configMemo.raw !== raw) {
    const pairs = parseApiKeys(env.API_KEYS);
    const operator = typeof env.OPERATOR_KEY === "string" && env.OPERATOR_KEY.length >= 16 ? await digest(env.OPERATOR_KEY) : null;
    configMemo = { raw, operator, keys: await Promise.all(pairs.map(async (p) => ({ tenant: p.tenant, digest: await digest(p.key) }))),
      tenants: new Set(pairs.map((p) => p.tenant)) };
  }
  return configMemo;
}

/** The tenants that exist by configuration (API_KEYS). */
export async function configuredTenants(env) {
  return (await config(env)).tenants;
}

/** The one registry object. */
export function registry(env) {
  return env.REGISTRY.get(env.REGISTRY.idFromName(REGISTRY_NAME));
}

// Registry answers cached in the isolate for REGISTRY_CACHE_MS (default 5 s): a call's authentication costs no
// Durable Object round trip while warm. Any change made through this isolate clears the cache at once; another
// isolate sees a deleted tenant or revoked key at most REGISTRY_CACHE_MS later.
const cache = new Map();
const CACHE_MAX = 10_000;

/** Forgets every cached registry answer (after a change to tenants or keys). */
export function invalidateRegistryCache() {
  cache.clear();
}

async function lookup(env, tenant, hash) {
  const ttl = Number(env.REGISTRY_CACHE_MS ?? 5000);
  const k = `${tenant}\u0000${hash ?? ""}`;
  const now = Date.now();
  const hit = cache.get(k);
  if (hit && hit.until > now) return hit.answer;
  const answer = await registry(env).lookup(tenant, hash);
  if (ttl > 0) {
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(k, { answer, until: now + ttl });
  }
  return answer;
}

const notFound = (tenant) => fail("tenant", "not_found", `tenant: no tenant ${JSON.stringify(tenant)}`);

/** Answers 404 (without touching the tenant's object) unless `tenant` exists, by configuration or in the registry. */
export async function requireTenantExists(env, tenant) {
  if ((await config(env)).tenants.has(tenant)) return;
  if (!(await lookup(env, tenant, null)).exists) notFound(tenant);
}

/**
 * The presented API key: `Authorization: Bearer <key>`; or HTTP Basic with the key as the password (the user name
 * is not read), for clients that can only send Basic: Kamailio's http_client named connections
 * (integrations/kamailio/cidguard.cfg), which keep their HTTP connection open between calls; or, without an
 * Authorization header, Wazo's `X-Auth-Token: <key>`, so a Wazo client only changes its base URL and token.
 */
function bearer(request) {
  const wazo = request.headers.get("x-auth-token");
  if (wazo !== null && !request.headers.has("authorization")) {
    if (/^[\x21-\x7e]{1,512}$/.test(wazo)) return wazo;
  }
  const header = request.headers.get("authorization") ?? "";
  const m = /^Bearer[ \t]+([\x21-\x7e]{1,512})$/i.exec(header);
  if (m) return m[1];
  const b = /^Basic[ \t]+([A-Za-z0-9+/]{1,700}={0,2})$/i.exec(header);
  if (b) {
    let decoded = null;
    try { decoded = atob(b[1]); } catch {}
    const key = decoded?.slice(decoded.indexOf(":") + 1);
    if (decoded?.includes(":") && /^[\x21-\x7e]{1,512}$/.test(key)) return key;
  }
  fail("authorization", "unauthenticated", "authorization: a Bearer API key (or Basic with the key as password) is required",
    { headers: { "www-authenticate": 'Bearer realm="cidguard"' } });
}

const unknownKey = () => fail("authorization", "unauthenticated", "authorization: unknown API key",
  { headers: { "www-authenticate": 'Bearer realm="cidguard", error="invalid_token"' } });

/** True when the presented digest is the operator key's (constant time). */
function isOperator(cfg, presented) {
  return cfg.operator !== null && timingSafeEqual(presented, cfg.operator);
}

/** Requires the operator credential (401 otherwise). */
export async function requireOperator(request, env) {
  const presented = await digest(bearer(request));
  if (!isOperator(await config(env), presented)) unknownKey();
  return { tenant: null, role: "operator", unmask: false, keyId: "operator" };
}

/**
 * The principal of a request on `tenant`'s routes: 401 without a known key, 404 for a tenant that does not
 * exist or belongs to another key, 403 (`forbidden`) for a read-only key on a write (`write: true`).
 */
export async function requireTenant(request, env, tenant, { write = false } = {}) {
  const presented = await digest(bearer(request));
  const cfg = await config(env);
  let principal = null;
  if (isOperator(cfg, presented)) {
    await requireTenantExists(env, tenant);
    principal = { tenant, role: "operator", unmask: false, keyId: "operator" };
  } else {
    let owner = null;
    // Every configured key is compared, whatever matched, so timing does not reveal which one did.
    for (const k of cfg.keys) if (timingSafeEqual(presented, k.digest)) owner = k.tenant;
    if (owner !== null) {
      if (owner !== tenant) notFound(tenant);
      principal = { tenant, role: "admin", unmask: true, keyId: `config:${tenant}` };
    } else {
      const { exists, key } = await lookup(env, tenant, hex(presented));
      if (key === null) unknownKey();
      if (key.tenant !== tenant || !(exists || cfg.tenants.has(tenant))) notFound(tenant);
      principal = { tenant, role: key.role, unmask: key.unmask, keyId: key.id };
    }
  }
  if (write && principal.role === "readonly")
    fail("authorization", "forbidden", "authorization: this key is read-only");
  return principal;
}
