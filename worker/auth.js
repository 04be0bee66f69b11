// Admin API authentication: `Authorization: Bearer <key>`, one key per tenant, configured in the API_KEYS
// secret as "tenant:key,tenant:key" (`wrangler secret put API_KEYS`; `make dev` passes development keys).
// A key only ever opens its own tenant: a request for another tenant's data gets the same 404 as a tenant that
// does not exist, so keys cannot even probe which tenants exist. Keys are compared in constant time.
import { HttpError } from "./http.js";

const enc = new TextEncoder();

async function digest(s) {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", enc.encode(s)));
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

/** Checks that the request carries the key of `tenant`; throws 401 (no or unknown key) or 404 (other tenant). */
export async function requireTenant(request, env, tenant) {
  const header = request.headers.get("authorization") ?? "";
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  if (!m) throw new HttpError(401, "authorization", "unauthenticated", "authorization: a Bearer API key is required",
    {}, { "www-authenticate": 'Bearer realm="cidguard"' });
  const presented = await digest(m[1]);
  let owner = null;
  for (const { tenant: t, key } of parseApiKeys(env.API_KEYS)) {
    // Every configured key is compared, whatever matched, so timing does not reveal which one did.
    if (timingSafeEqual(presented, await digest(key))) owner = t;
  }
  if (owner === null) throw new HttpError(401, "authorization", "unauthenticated", "authorization: unknown API key",
    {}, { "www-authenticate": 'Bearer realm="cidguard", error="invalid_token"' });
  if (owner !== tenant) throw new HttpError(404, "tenant", "not_found", `tenant: no tenant ${JSON.stringify(tenant)}`);
}
