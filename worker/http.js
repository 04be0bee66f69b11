// JSON responses and the one error shape every route answers with: { error: { field, code, message } }.

/** An error meant for the client: an HTTP status plus the field and problem it names. */
export class HttpError extends Error {
  constructor(status, field, code, message, extra = {}, headers = {}) {
    super(message);
    this.status = status;
    this.field = field;
    this.code = code;
    this.extra = extra;
    this.headers = headers;
  }
}

export function json(body, status = 200, headers = {}) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

/** Maps a thrown error to a response: client errors (HttpError, or a core error carrying `field`) → 4xx. */
export function errorResponse(err) {
  if (err instanceof HttpError) {
    return json({ error: { field: err.field, code: err.code, message: err.message, ...err.extra } }, err.status, err.headers);
  }
  if (err && typeof err.field === "string" && typeof err.code === "string") {
    // The core's own errors: input problems, never server faults.
    const body = { field: err.field, code: err.code, message: err.message };
    if (Array.isArray(err.problems) && err.problems.length > 1) body.problems = err.problems;
    return json({ error: body }, 400);
  }
  console.error("internal error", err && err.stack ? err.stack : err);
  return json({ error: { field: "", code: "internal", message: "internal error" } }, 500);
}

/** Reads a request body as text, refusing more than `limit` bytes (413) and an empty body (400). */
export async function readBody(request, limit, field = "body") {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > limit) throw new HttpError(413, field, "too_large", `${field}: larger than ${limit} bytes`);
  const text = await request.text();
  if (new TextEncoder().encode(text).length > limit) throw new HttpError(413, field, "too_large", `${field}: larger than ${limit} bytes`);
  if (text.trim() === "") throw new HttpError(400, field, "missing", `${field}: a JSON body is required`);
  return text;
}

/** Parses JSON text, answering 400 with the position of the syntax error. */
export function parseJson(text, field = "body") {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new HttpError(400, field, "malformed_json", `${field}: malformed JSON (${e.message})`);
  }
}
