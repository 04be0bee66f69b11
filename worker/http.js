// The HTTP edge of the worker, in one place: the error shape every route answers with
// ({ error: { field, code, message } }), the one table from an error's meaning to its HTTP status, the one
// request-reading path (bytes → strict UTF-8 → bounded JSON), path and query parameter decoding, and the
// response headers.

/** Limits every request is held to (docs/http-api.md, "Limits"); each is answered with its own code. */
export const LIMITS = Object.freeze({
  policyBytes: 1 << 20, // policy documents and pools: 1 MiB (413 too_large)
  eventBytes: 64 << 10, // call events, sessions, credentials, webhooks, tenant and key requests: 64 KiB
  depth: 32, // JSON nesting (400 too_deep)
  stringChars: 8192, // any JSON string or object key (400 too_long)
  arrayItems: 100_000, // any JSON array (400 too_many)
  segmentChars: 128, // a decoded path segment (400 too_long)
  logLimit: 1000, // ?limit on the masking log (400 out_of_range)
});

/**
 * The one mapping from an error's meaning (its stable `code`) to an HTTP status. The core, the Durable Objects
 * and the worker only ever produce codes; this table alone turns them into statuses. A code not listed is a
 * problem with the client's input: 400. An error on the `authorization` field is a failed credential (401),
 * whatever the core called the problem (missing, malformed, wrong_api_id, bad_signature, …).
 */
export const STATUS_BY_CODE = Object.freeze({
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  // State conflicts: the request is well formed but the stored state refuses it.
  conflict: 409,
  pool_exhausted: 409,
  duplicate_id: 409,
  proxy_in_use: 409,
  proxy_held: 409,
  exists: 409,
  not_configured: 409,
  configured: 409,
  precondition_failed: 412,
  too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
});

/** HTTP status of an error `{ field, code }` (see STATUS_BY_CODE). */
export function statusFor({ field, code }) {
  if (field === "authorization" && code !== "forbidden") return 401;
  return STATUS_BY_CODE[code] ?? 400;
}

/** An error meant for the client: the field and problem it names; the status comes from its code. */
export class HttpError extends Error {
  constructor(field, code, message, { extra = {}, headers = {} } = {}) {
    super(message);
    this.field = field;
    this.code = code;
    this.extra = extra;
    this.headers = headers;
  }
}

/** Shorthand for throwing an HttpError. */
export function fail(field, code, message, options) {
  throw new HttpError(field, code, message, options);
}

/** Headers on every JSON answer: nothing the API returns may be kept by a cache (tenant data, keys). */
const JSON_HEADERS = { "content-type": "application/json; charset=utf-8", "cache-control": "no-store",
  "x-content-type-options": "nosniff" };

export function json(body, status = 200, headers = {}) {
  return new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...headers } });
}

/** The error response for `{ field, code, message, problems? }`, its status from the table. */
export function errorJson(error, headers = {}) {
  const body = { field: error.field, code: error.code, message: error.message, ...(error.extra ?? {}) };
  if (Array.isArray(error.problems) && error.problems.length > 1) body.problems = error.problems;
  return json({ error: body }, statusFor(error), headers);
}

/** Maps a thrown error to a response: an HttpError or a core error (carrying `field` and `code`) → its status. */
export function errorResponse(err) {
  if (err instanceof HttpError) return errorJson(err, err.headers);
  if (err && typeof err.field === "string" && typeof err.code === "string") return errorJson(err);
  console.error("internal error", err && err.stack ? err.stack : err);
  return json({ error: { field: "", code: "internal", message: "internal error" } }, 500);
}

/** Unwraps a Durable Object result (`{ ok }` | `{ error }`) into a response. */
export function fromStore(r, okStatus = 200) {
  return r.error ? errorJson(r.error) : json(r.ok, okStatus);
}

/** Refuses a method not in `methods` (405 with Allow). */
export function allow(request, ...methods) {
  if (!methods.includes(request.method))
    fail("method", "method_not_allowed", `method: use ${methods.join(" or ")}`, { headers: { allow: methods.join(", ") } });
}

/** Decodes one percent-encoded path segment; a bad escape or bad UTF-8 is 400 naming the segment. */
export function pathSegment(raw, field) {
  let s;
  try {
    s = decodeURIComponent(raw);
  } catch {
    fail(field, "bad_encoding", `${field}: not a valid percent-encoded UTF-8 path segment`);
  }
  if (s.length > LIMITS.segmentChars) fail(field, "too_long", `${field}: longer than ${LIMITS.segmentChars} characters`);
  return s;
}

/**
 * A validated query parameter. `kind` is "string" (default), "int" (with min/max) or "enum" (with `values`);
 * absent gives `fallback`. Unknown parameters are refused by `onlyParams`.
 */
export function queryParam(url, name, { kind = "string", min, max, values, fallback = null } = {}) {
  const all = url.searchParams.getAll(name);
  if (all.length > 1) fail(name, "repeated", `${name}: given ${all.length} times; give it once`);
  if (all.length === 0) return fallback;
  const v = all[0];
  if (kind === "int") {
    if (!/^\d{1,9}$/.test(v)) fail(name, "invalid_type", `${name}: expected a whole number, got ${JSON.stringify(v.slice(0, 40))}`);
    const n = Number(v);
    if (n < min || n > max) fail(name, "out_of_range", `${name}: must be between ${min} and ${max}`);
    return n;
  }
  if (kind === "enum" && !values.includes(v))
    fail(name, "unknown_value", `${name}: unknown value ${JSON.stringify(v.slice(0, 40))}; expected one of ${values.join(", ")}`);
  return v;
}

/**
 * The path of a member whose name comes from the input, as the core writes it: a plain word joins with a dot,
 * anything else (empty, dotted, bracketed) is quoted, `parent["…"]`, so every error names a field.
 */
export function keyPath(parent, key) {
  if (/^[A-Za-z0-9_-]+$/.test(key)) return parent ? `${parent}.${key}` : key;
  return `${parent}[${JSON.stringify(key.slice(0, 64))}]`;
}

/** Refuses any query parameter outside `names` (a typo is an error, never silently ignored). */
export function onlyParams(url, ...names) {
  for (const k of url.searchParams.keys())
    if (!names.includes(k)) {
      const field = keyPath("", k);
      fail(field, "unknown_parameter", `${field}: unknown query parameter` +
        (names.length ? `; expected ${names.join(", ")}` : "; this route takes none"));
    }
}

/** Refuses any member of a request object outside `names`. */
export function onlyFields(body, ...names) {
  for (const k of Object.keys(body))
    if (!names.includes(k)) {
      const field = keyPath("", k);
      fail(field, "unknown_field", `${field}: unknown field; expected ${names.join(", ")}`);
    }
}

const fatalUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** Checks Content-Type is JSON (`application/json` or `…+json`, any parameters); 415 naming `content-type`. */
function requireJsonType(request) {
  const type = (request.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (type !== "application/json" && !/^application\/[a-z0-9.+-]+\+json$/.test(type))
    fail("content-type", "unsupported_media_type",
      `content-type: expected application/json, got ${type ? JSON.stringify(type.slice(0, 80)) : "none"}`);
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(request.headers.get("content-type"))?.[1];
  if (charset && charset.toLowerCase() !== "utf-8" && charset.toLowerCase() !== "utf8")
    fail("content-type", "unsupported_media_type", `content-type: charset ${JSON.stringify(charset.slice(0, 40))}; only utf-8`);
}

/**
 * Reads a streamed body (a log to replay, a list to import) as strict UTF-8 text, chunk by chunk, never whole:
 * yields `{ text, bytes }` (the chunk's text, the bytes read so far). More than `maxBytes` ends it with the
 * error `tooLarge()` throws, a bad byte sequence with `badEncoding()`'s; either way the stream is cancelled.
 */
export async function* utf8Chunks(stream, maxBytes, { tooLarge, badEncoding }) {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const reader = stream.getReader();
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (value) {
      bytes += value.byteLength;
      if (bytes > maxBytes) {
        await reader.cancel().catch(() => {});
        tooLarge();
      }
    }
    let text;
    try {
      text = done ? decoder.decode() : decoder.decode(value, { stream: true });
    } catch {
      await reader.cancel().catch(() => {});
      badEncoding();
    }
    if (text) yield { text, bytes };
    if (done) return;
  }
}

/**
 * Reads a JSON request body as text: Content-Type checked (415), at most `limit` bytes read from the stream
 * (413, without buffering more), decoded as strict UTF-8 (400 bad_encoding), not empty (400 missing).
 */
export async function readText(request, { limit, field }) {
  requireJsonType(request);
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > limit) fail(field, "too_large", `${field}: larger than ${limit} bytes`);
  const chunks = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => {});
        fail(field, "too_large", `${field}: larger than ${limit} bytes`);
      }
      chunks.push(value);
    }
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) { bytes.set(c, at); at += c.byteLength; }
  let text;
  try {
    text = fatalUtf8.decode(bytes);
  } catch {
    fail(field, "bad_encoding", `${field}: the body is not valid UTF-8`);
  }
  if (text.trim() === "") fail(field, "missing", `${field}: a JSON body is required`);
  return text;
}

/**
 * Checks the nesting depth of JSON text in one pass before it is parsed, so that no parsed value handed to the
 * core or across a Durable Object call can be deeper than LIMITS.depth.
 */
function checkDepth(text, field) {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > LIMITS.depth) fail(field, "too_deep", `${field}: nested deeper than ${LIMITS.depth} levels`);
    } else if (c === 125 || c === 93) depth--;
  }
}

const JSON_TYPE = (v) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);

/** Walks a parsed value (depth already bounded): finite numbers, bounded strings, keys and arrays. */
function checkValue(v, path) {
  switch (typeof v) {
    case "number":
      if (!Number.isFinite(v)) fail(path, "out_of_range", `${path}: number out of range`);
      return;
    case "string":
      if (v.length > LIMITS.stringChars) fail(path, "too_long", `${path}: longer than ${LIMITS.stringChars} characters`);
      return;
    case "object":
      if (v === null) return;
      if (Array.isArray(v)) {
        if (v.length > LIMITS.arrayItems) fail(path, "too_many", `${path}: more than ${LIMITS.arrayItems} items`);
        for (let i = 0; i < v.length; i++) checkValue(v[i], `${path}[${i}]`);
        return;
      }
      for (const k of Object.keys(v)) {
        const at = keyPath(path, k);
        if (k.length > LIMITS.stringChars) fail(path, "too_long", `${path}: a key longer than ${LIMITS.stringChars} characters`);
        checkValue(v[k], at);
      }
  }
}

/**
 * Parses JSON text under the limits: bounded depth (checked before parsing), finite numbers (`1e309` is
 * refused, never read as null), bounded strings and arrays, and the expected top-level `type`
 * ("object" | "array"). The returned value can cross a Durable Object call safely.
 */
export function parseJson(text, { field, type }) {
  checkDepth(text, field);
  let v;
  try {
    v = JSON.parse(text);
  } catch (e) {
    fail(field, "malformed_json", `${field}: malformed JSON (${e.message})`);
  }
  if (type && JSON_TYPE(v) !== type) fail(field, "invalid_type", `${field}: expected a JSON ${type}, got ${JSON_TYPE(v)}`);
  checkValue(v, field);
  return v;
}

/** The one JSON request-reading path: readText + parseJson. */
export async function readJson(request, { limit = LIMITS.eventBytes, field, type = "object" }) {
  return parseJson(await readText(request, { limit, field }), { field, type });
}
