// POST /v1/tenants/{tenant}/replay: the what-if replay of a call log too large for a page, streamed. The body
// is text/csv whose first line is a JSON object { "candidate": <policy>, "options"?: {…} } and the rest the
// call log (docs/console.md, "What-if replay"); the core replays it against the stored policy as the bytes
// arrive (never holding the log), and the answer is NDJSON: {"progress": …} lines, then {"report": …} (or
// {"error": …} if the log breaks off mid-way). Problems found before streaming starts are ordinary 4xx.
import { fail, parseJson, LIMITS } from "./http.js";
import { core } from "./core.js";

/** Longest log accepted in one request (bytes). */
const MAX_LOG_BYTES = 512 << 20;
/** A progress line every this many log lines. */
const PROGRESS_EVERY = 10_000;
/** Characters handed to the core at once. */
const FEED_CHARS = 64 << 10;

function requireCsv(request) {
  const type = (request.headers.get("content-type") ?? "").toLowerCase();
  const [media, ...params] = type.split(";").map((s) => s.trim());
  const charset = params.find((p) => p.startsWith("charset="))?.slice(8);
  if (media !== "text/csv" || (charset && charset !== "utf-8"))
    fail("content-type", "unsupported_media_type", "content-type: expected text/csv (UTF-8)");
}

/** Reads the body as UTF-8 text chunks (a bad byte sequence is `bad_encoding`; more than the limit `too_large`). */
async function* textChunks(request) {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_LOG_BYTES) {
      await reader.cancel().catch(() => {});
      fail("replay", "too_large", `replay: larger than ${MAX_LOG_BYTES} bytes`);
    }
    let text;
    try {
      text = decoder.decode(value, { stream: true });
    } catch {
      fail("replay", "bad_encoding", "replay: the body is not valid UTF-8");
    }
    if (text) yield text;
  }
  try {
    const tail = decoder.decode();
    if (tail) yield tail;
  } catch {
    fail("replay", "bad_encoding", "replay: the body is not valid UTF-8");
  }
}

/** The replay route: `store` is the tenant's object (for the stored policy). */
export async function replayRoute({ request, store }) {
  requireCsv(request);
  if (!request.body) fail("replay", "missing", "replay: a body is required");
  const stored = await store.getPolicy();
  if (!stored) fail("policy", "not_configured", "policy: no policy stored for this tenant (the replay compares against it)");
  const chunks = textChunks(request);
  // The first line: the candidate policy and the options.
  let head = "";
  let rest = "";
  // (next() by hand: leaving a for-await loop early would close the generator.)
  for (;;) {
    const { value, done } = await chunks.next();
    if (done) break;
    head += value;
    const nl = head.indexOf("\n");
    if (nl >= 0) { rest = head.slice(nl + 1); head = head.slice(0, nl); break; }
    if (head.length > LIMITS.policyBytes) fail("replay", "too_large", `replay: the first line (candidate) is larger than ${LIMITS.policyBytes} bytes`);
  }
  const first = parseJson(head, { field: "replay", type: "object" });
  for (const k of Object.keys(first))
    if (k !== "candidate" && k !== "options") fail(k.slice(0, 64), "unknown_field", `${k.slice(0, 64)}: unknown field; expected candidate, options`);
  if (first.candidate === undefined) fail("candidate", "missing", "candidate: the policy to compare with the stored one is required");
  const replay = new (core().Replay)(stored.policy, first.candidate, first.options ?? undefined);
  // Read on until the header row has been read, so that a bad header is still a 400.
  let progress = replay.feed(rest);
  let ended = false;
  while (progress.lines < 1) {
    const { value, done } = await chunks.next();
    if (done) { ended = true; break; }
    progress = replay.feed(value);
  }

  const encoder = new TextEncoder();
  const { readable, writable } = new TransformStream();
  const writer = writable.getWriter();
  const line = (obj) => writer.write(encoder.encode(JSON.stringify(obj) + "\n"));
  (async () => {
    try {
      let next = progress.lines + PROGRESS_EVERY;
      await line({ progress });
      if (!ended) {
        for await (const text of chunks) {
          // At most FEED_CHARS at a time, so that progress is reported however large the network's chunks are.
          for (let at = 0; at < text.length; at += FEED_CHARS) {
            progress = replay.feed(text.slice(at, at + FEED_CHARS));
            if (progress.lines >= next) { next = progress.lines + PROGRESS_EVERY; await line({ progress }); }
          }
        }
      }
      await line({ report: { version: stored.version, ...replay.finish() } });
    } catch (e) {
      const error = e && typeof e.field === "string" ? { field: e.field, code: e.code, message: e.message } :
        { field: "", code: "internal", message: "internal error" };
      if (error.code === "internal") console.error("replay", e);
      await line({ error }).catch(() => {});
    } finally {
      replay.free();
      await writer.close().catch(() => {});
    }
  })();
  return new Response(readable, { headers: { "content-type": "application/x-ndjson; charset=utf-8", "cache-control": "no-store",
    "x-content-type-options": "nosniff" } });
}
