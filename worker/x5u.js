// STIR/SHAKEN certificates for /decide. The core never fetches: when a call event carries an `identity`
// header, this fetches the certificate at the PASSporT's x5u (the URL is read by the core's identityX5u), with
// a per-isolate cache and a timeout, and hands the text to the core as `certificate_chain`, or says why it
// could not as `certificate_error`. What the certificate proves is decided in the core alone.
import { core } from "./core.js";

/** How long one fetch may take. */
export const TIMEOUT_MS = 2000;
/** Largest certificate response read (a SHAKEN chain is 2-3 KiB of PEM). */
const MAX_BYTES = 32 << 10;
/** How long a fetched certificate is reused: STI certificates are long-lived, and an hour bounds how long a
 * replaced one is served from here. Failures are not cached. */
const TTL_MS = 60 * 60 * 1000;
const MAX_ENTRIES = 256;

const cache = new Map(); // url -> { text, expires }; insertion order = age, for eviction

/**
 * The event to decide: unchanged without an `identity`; otherwise with `now` (the worker's clock, unless the
 * caller gave one) and the certificate (or the reason it is missing). Only https x5u URLs are fetched, plus
 * http when the deployment sets X5U_ALLOW_HTTP=true (local tests).
 */
export async function withCertificates(event, env, nowMs = Date.now()) {
  if (!event || typeof event !== "object" || Array.isArray(event) || typeof event.identity !== "string") return event;
  const out = { ...event };
  if (out.now === undefined) out.now = Math.floor(nowMs / 1000);
  if (out.certificate_chain !== undefined || out.certificate_error !== undefined) return out;
  const url = core().identityX5u(out.identity);
  if (!url) return out;
  const got = await fetchCertificate(url, env, nowMs);
  if (got.text !== undefined) out.certificate_chain = [got.text];
  else out.certificate_error = got.error;
  return out;
}

async function fetchCertificate(url, env, nowMs) {
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    return { error: "x5u is not a URL" };
  }
  const httpAllowed = env?.X5U_ALLOW_HTTP === "true";
  if (parsed.protocol !== "https:" && !(httpAllowed && parsed.protocol === "http:"))
    return { error: `x5u scheme ${parsed.protocol} is not fetched (https only)` };
  const hit = cache.get(url);
  if (hit && hit.expires > nowMs) return { text: hit.text };
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), TIMEOUT_MS);
  try {
    const res = await fetch(url, { signal: ctrl.signal, redirect: "manual", headers: { accept: "application/pem-certificate-chain, application/pkix-cert" } });
    // Redirects are not followed (manual): anything but 200 is an error.
    if (res.status !== 200) return { error: `HTTP ${res.status} from x5u` };
    const buf = new Uint8Array(await res.arrayBuffer());
    if (buf.byteLength === 0 || buf.byteLength > MAX_BYTES) return { error: `x5u response of ${buf.byteLength} bytes (1 to ${MAX_BYTES})` };
    // PEM as served by SHAKEN; a binary DER certificate (starts with a SEQUENCE) is handed over as base64.
    const text = buf[0] === 0x30 ? btoa(String.fromCharCode(...buf)) : new TextDecoder().decode(buf);
    cache.set(url, { text, expires: nowMs + TTL_MS });
    while (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value);
    return { text };
  } catch (e) {
    return { error: ctrl.signal.aborted ? `timeout after ${TIMEOUT_MS} ms` : `x5u fetch failed: ${e?.message ?? e}` };
  } finally {
    clearTimeout(timer);
  }
}
