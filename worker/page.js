// Security headers of the admin page and its static assets. The page runs only its own scripts and the wasm
// core ('wasm-unsafe-eval' lets WebAssembly compile; no script eval), talks only to its own origin, sends no
// referrer, and refuses to be framed unless the operator lists the origins allowed to embed it in the
// FRAME_ANCESTORS variable (space-separated, e.g. "https://admin.example.com https://*.example.net").

const ORIGIN = /^(?:'self'|https:\/\/(?:\*\.)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*(?::\d{1,5})?)$/;

/** The frame-ancestors sources from FRAME_ANCESTORS, or null (framing refused) when unset or malformed. */
export function frameAncestors(raw) {
  const list = String(raw ?? "").trim().split(/\s+/).filter(Boolean);
  if (list.length === 0 || !list.every((o) => ORIGIN.test(o))) return null;
  return list.join(" ");
}

/** The headers of every page and static asset response. */
export function pageHeaders(env) {
  const ancestors = frameAncestors(env.FRAME_ANCESTORS);
  const headers = {
    "content-security-policy": [
      "default-src 'none'", "script-src 'self' 'wasm-unsafe-eval'", "style-src 'self'", "img-src 'self' data:",
      "connect-src 'self'", "font-src 'self'", "manifest-src 'self'", "base-uri 'none'", "form-action 'self'",
      `frame-ancestors ${ancestors ?? "'none'"}`,
    ].join("; "),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
  };
  if (ancestors === null) headers["x-frame-options"] = "DENY";
  return headers;
}

/** `response` (from the static assets) with the page's security headers. */
export function withPageHeaders(response, env) {
  const r = new Response(response.body, response);
  for (const [k, v] of Object.entries(pageHeaders(env))) r.headers.set(k, v);
  return r;
}
