// POST /v1/tenants/{tenant}/replay: the what-if replay of a call log too large for a page, streamed. The body
// is text/csv whose first line is a JSON object { "candidate": <policy>, "options"?: {…} } and the rest the
// call log (docs/console.md, "What-if replay"); the core replays it against the stored policy as the bytes
// arrive (never holding the log), and the answer is NDJSON: {"progress": …} lines, then {"report": …} (or
// {"error": …} if the log breaks off mid-way). Problems found before streaming starts are ordinary 4xx.
//
// The replay runs inside the tenant's Durable Object (the body stream handed over, as the imports do), so that
// each call is decided as /decide decides it: the core asks for the rows under the call's lookup keys (both
// policies'), `Lists.fetchRows` answers from SQLite (index seeks, synchronously), the core decides from them.
// The stored policy is its settings (every entry a row); the candidate's lists it carries entries for are read
// from it, the others from the rows, as a PUT of it would store them.
import { fail, parseJson, utf8Chunks, LIMITS } from "./http.js";
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

/** The log's text, chunk by chunk (worker/http.js utf8Chunks): `too_large` over the limit, `bad_encoding`. */
async function* textChunks(body) {
  for await (const { text } of utf8Chunks(body, MAX_LOG_BYTES, {
    tooLarge: () => fail("replay", "too_large", `replay: larger than ${MAX_LOG_BYTES} bytes`),
    badEncoding: () => fail("replay", "bad_encoding", "replay: the body is not valid UTF-8"),
  })) yield text;
}

/** The replay route: checks the request, then hands its body to the tenant's object, which streams the answer. */
export async function replayRoute({ request, store }) {
  requireCsv(request);
  if (!request.body) fail("replay", "missing", "replay: a body is required");
  const r = await store.replay(request.body);
  if (r.error) throw Object.assign(new Error(r.error.message), r.error);
  return new Response(r.ok, { headers: { "content-type": "application/x-ndjson; charset=utf-8", "cache-control": "no-store",
    "x-content-type-options": "nosniff" } });
}

/**
 * Inside the tenant's object (TenantStore.replay): replays the streamed `body` against the stored policy, each
 * call decided from the rows of `lists` (worker/lists-store.js). Resolves to the NDJSON answer's stream once the
 * first line and the log's header are read (problems until then are thrown: ordinary 4xx).
 */
export async function runReplay(lists, body) {
  const stored = lists.settingsPolicy();
  if (!stored) fail("policy", "not_configured", "policy: no policy stored for this tenant (the replay compares against it)");
  const fetchRows = (l, k) => lists.fetchRows(l, k);
  const chunks = textChunks(body);
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
  let progress;
  let ended = false;
  try {
    progress = replay.feed(rest, fetchRows);
    while (progress.lines < 1) {
      const { value, done } = await chunks.next();
      if (done) { ended = true; break; }
      progress = replay.feed(value, fetchRows);
    }
  } catch (e) {
    replay.free();
    throw e;
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
            progress = replay.feed(text.slice(at, at + FEED_CHARS), fetchRows);
            if (progress.lines >= next) { next = progress.lines + PROGRESS_EVERY; await line({ progress }); }
          }
        }
      }
      await line({ report: { version: stored.version, ...replay.finish(fetchRows) } });
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
  return readable;
}
