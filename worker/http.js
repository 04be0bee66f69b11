// JSON responses and the one error shape every route answers with: { error: { field, code, message } }.

/** An error meant for the client: an HTTP status plus the field and problem it names. */
export class HttpError extends Error {
  constructor(status, field, code, message, extra = {}) {
    super(message);
    this.status = status;
    this.field = field;
    this.code = code;
    this.extra = extra;
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
    return json({ error: { field: err.field, code: err.code, message: err.message, ...err.extra } }, err.status);
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
