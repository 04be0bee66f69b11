// The OpenAPI 3.1 description of the worker's whole HTTP API, served at GET /v1/openapi.json, and the guard the
// router runs first: a request on /healthz or /v1/… whose path or method is not an operation here is answered
// 404 (`path`) or 405 (`method`, with Allow) before any route code runs, so no route can answer undocumented.
// tests/js/openapi.test.mjs calls every operation over HTTP and validates each answer against its schema here.
import { fail } from "./http.js";

// ---- schema helpers (JSON Schema 2020-12, OpenAPI 3.1's dialect) ----

const ref = (name) => ({ $ref: `#/components/schemas/${name}` });
const str = (description, extra = {}) => ({ type: "string", ...(description ? { description } : {}), ...extra });
const bool = (description) => ({ type: "boolean", ...(description ? { description } : {}) });
const int = (description, extra = {}) => ({ type: "integer", ...(description ? { description } : {}), ...extra });
const nullable = (schema) => ({ ...schema, type: [schema.type, "null"] });
const arrayOf = (items, description) => ({ type: "array", items, ...(description ? { description } : {}) });
/** An object whose members are all listed (`closed`: no others) and `required` ones present. */
const obj = (properties, required = Object.keys(properties), { closed = true, description } = {}) => ({
  type: "object", ...(description ? { description } : {}), required, properties,
  ...(closed ? { additionalProperties: false } : {}),
});

const TENANT_ID = "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$";
const E164 = "^\\+[1-9][0-9]{1,14}$";

const schemas = {
  Error: obj({
    error: obj({
      field: str("The JSON path, query parameter, header or path segment at fault (\"\" for a fault of ours)."),
      code: str("A stable token: the status follows from it (docs/http-api.md, \"Errors and statuses\").",
        { pattern: "^[a-z][a-z0-9_]*$" }),
      message: str("For people: the field and the problem."),
      problems: arrayOf(ref("Problem"), "Every problem, when there is more than one."),
    }, ["field", "code", "message"], { closed: false }),
  }),
  Problem: obj({ field: str(), code: str(), message: str() }, ["field", "code", "message"], { closed: false }),
  Health: obj({ ok: { const: true } }),
  Normalized: obj({
    e164: str("The number in E.164.", { pattern: E164 }),
    region: nullable(str("The region the number belongs to (ISO 3166 alpha-2), null when none.")),
    valid: bool("libphonenumber's isValidNumber."),
  }),
  Tenant: obj({
    id: str("", { pattern: TENANT_ID }),
    created_at: nullable(str("When it was created through the API; null for a configured tenant.", { format: "date-time" })),
    source: { enum: ["api", "config"], description: "`config`: exists by the API_KEYS secret." },
  }),
  TenantDetail: obj({
    id: str("", { pattern: TENANT_ID }),
    created_at: nullable(str("", { format: "date-time" })),
    keys: int("How many issued keys it holds.", { minimum: 0 }),
    source: { enum: ["api", "config"] },
  }),
  TenantCreated: obj({ id: str("", { pattern: TENANT_ID }), created_at: str("", { format: "date-time" }) }),
  TenantRequest: obj({ id: str("1-64 letters, digits, `_`, `.`, `-`, starting with a letter or digit.", { pattern: TENANT_ID }) }),
  Role: { enum: ["admin", "readonly"], description: "`readonly`: every GET and POST …/decide; no other write." },
  Key: obj({
    id: str("", { pattern: "^k_[0-9a-f]{24}$" }),
    role: ref("Role"),
    unmask: bool("The privilege to read masked numbers in clear."),
    label: str("", { maxLength: 128 }),
    created_at: str("", { format: "date-time" }),
  }),
  KeyCreated: obj({
    id: str("", { pattern: "^k_[0-9a-f]{24}$" }),
    key: str("The secret (32 random bytes, base64url): shown this once, only its SHA-256 is stored.",
      { pattern: "^[A-Za-z0-9_-]{43}$" }),
    role: ref("Role"),
    unmask: bool(),
    label: str(),
    created_at: str("", { format: "date-time" }),
  }),
  KeyRequest: obj({
    role: ref("Role"),
    unmask: bool("Default false; only a credential holding it can grant it."),
    label: str("", { maxLength: 128 }),
  }, ["role"]),
  Policy: {
    type: "object",
    description: "The policy document: privacy modes, accounts, resources, gateways, blocklists, masking " +
      "configuration. The core validates it and reports every problem with its JSON path (docs/privacy.md, " +
      "docs/screening.md, docs/masking.md; an example: www/examples/policy.json).",
  },
  PolicyVersion: obj({ version: int("Starts at 1, one more per accepted PUT.", { minimum: 1 }) }),
  StoredPolicy: obj({ version: int("", { minimum: 1 }), policy: ref("Policy") }),
  CallEvent: {
    type: "object",
    description: "A call event (docs/privacy.md, docs/screening.md); validated by the core.",
    required: ["direction", "account"],
    properties: {
      direction: { enum: ["inbound", "outbound", "internal"] },
      account: str("", { minLength: 1, maxLength: 128 }),
      caller_name: str(),
      caller_number: str(),
      hide_name: bool(),
      hide_number: bool(),
      dialled_number: str(),
      resource: str(),
      gateway: str(),
      destination_user: str(),
      sip: { type: "object", description: "`privacy`, `p_asserted_identity`, `remote_party_id`, `presentation`." },
    },
  },
  TraceStep: obj({ rule: str(), outcome: str(), detail: str() }),
  Trace: arrayOf(ref("TraceStep"), "Every rule consulted, in order."),
  Presentation: obj({
    caller_name: str(),
    caller_number: str(),
    routed_number: nullable(str()),
    privacy: { type: "object" },
    anonymised: obj({ name: bool(), number: bool() }),
    mode: str(),
    mode_from: { type: "object" },
    emergency: bool(),
    sip: { type: "object" },
  }, ["caller_name", "caller_number", "routed_number", "privacy", "anonymised", "mode", "mode_from", "emergency", "sip"],
  { closed: false }),
  Screening: obj({
    action: { enum: ["allow", "reject"] },
    sip_code: nullable(int()),
    rule: str("allowlist, anonymous, account_blocklist, prefix, user_blocklist, no_match, …"),
    caller: { type: "object" },
  }, ["action", "sip_code", "rule", "caller"], { closed: false }),
  Decision: obj({
    version: int("The policy version decided with.", { minimum: 1 }),
    presentation: ref("Presentation"),
    screening: { oneOf: [ref("Screening"), { type: "null" }], description: "null for calls that are not inbound." },
    trace: ref("Trace"),
  }, ["version", "presentation", "screening", "trace"], { closed: false }),
  CredentialsRequest: obj({
    apiId: str("Infobip's API id."),
    key: str("The signing key (never read back)."),
    callbackUrl: nullable(str("The callback URL exactly as configured with Infobip (default: the URL a request arrives on).")),
    statusUrl: nullable(str("The status URL, likewise.")),
  }, ["apiId", "key"]),
  Credentials: obj({ apiId: str(), callbackUrl: nullable(str()), statusUrl: nullable(str()) }),
  PoolNumber: {
    type: "object",
    required: ["number"],
    properties: { number: str(), country: nullable(str()), area_code: nullable(str()) },
    description: "One proxy number of the pool (docs/masking.md).",
  },
  PoolRequest: arrayOf(ref("PoolNumber")),
  PoolSize: obj({ numbers: int("", { minimum: 0 }) }),
  Pool: arrayOf({ ...ref("PoolNumber") }, "The pool, each number with its `last_released_at` once released."),
  SessionRequest: {
    type: "object",
    required: ["participants"],
    properties: { id: str(), participants: arrayOf({ type: "object" }), ttl_seconds: int(), expires_at: {} },
    description: "A session request: participants, optional pinned proxies, `ttl_seconds` or `expires_at`, " +
      "recording, fallback (docs/masking.md); validated by the core.",
  },
  Session: {
    type: "object",
    required: ["id", "participants"],
    properties: { id: str(), status: str(), participants: arrayOf({ type: "object", required: ["number"], properties: { number: str() } }) },
  },
  SessionCreated: obj({ session: ref("Session"), trace: ref("Trace") }, ["session", "trace"], { closed: false }),
  Sessions: arrayOf(ref("Session")),
  MaskingLog: obj({
    calls: arrayOf({ type: "object" }, "The latest routed calls, newest first."),
    status: arrayOf({ type: "object" }, "The latest status messages, newest first."),
  }),
  InfobipCallback: {
    type: "object",
    description: "Infobip's number-masking callback (from, to, correlationId, …): read by the core.",
  },
  InfobipCommand: {
    type: "object",
    required: ["command"],
    properties: { command: { enum: ["dial", "audio"] }, phoneNumber: str(), callerId: str(), fileUrl: str() },
    description: "Infobip's callback response: dial the other participant, or play an announcement.",
  },
  InfobipStatus: { type: "object", description: "Infobip's number-masking status message." },
  StatusStored: obj({
    stored: bool("false for a retried delivery (acknowledged, not stored again)."),
    call: str("The correlation id it is kept under."),
  }),
  SipInvite: {
    type: "object",
    required: ["direction", "account"],
    description: "An INVITE as a SIP server sees it: raw header values, source peer, direction, account " +
      "(docs/integrations.md); the core parses and validates it.",
    properties: {
      direction: { enum: ["inbound", "outbound", "internal"] },
      account: str(),
      user: str(),
      resource: str(),
      gateway: str(),
      source: { type: "object", properties: { address: str(), peer: str() } },
      request_uri: str(),
      from: str(),
      to: str(),
      p_asserted_identity: str(),
      p_preferred_identity: str(),
      remote_party_id: str(),
      privacy: str(),
      identity: str(),
    },
  },
  SipAnswer: obj({
    action: { enum: ["reject", "continue"] },
    code: nullable(int("433 or 603 for a rejection.")),
    reason: nullable(str("The reason phrase for a rejection.")),
    prompt: nullable(str()),
    from: { oneOf: [obj({ display: str(), uri: str() }, ["display", "uri"], { closed: false }), { type: "null" }] },
    request_uri: nullable(str()),
    set: { type: "object", additionalProperties: str(), description: "Headers to set (after removing `remove`)." },
    remove: arrayOf(str(), "Headers to remove."),
    trace: ref("Trace"),
  }, ["action", "code", "reason", "from", "request_uri", "set", "remove", "trace"], { closed: false }),
  ReplayLine: {
    description: "One line of the replay's NDJSON answer: progress, then the report (or an error if the log breaks off).",
    oneOf: [
      obj({ progress: obj({ lines: int(), calls: int(), changed: int(), problems: int() }, ["lines", "calls"], { closed: false }) }),
      obj({ report: obj({ version: int("The stored policy's version.", { minimum: 1 }), calls: int(), changed_total: int(),
        changed: arrayOf({ type: "object" }), before: { type: "object" }, after: { type: "object" }, buckets: {} },
      ["version", "calls", "changed_total", "changed"], { closed: false }) }),
      ref("Error"),
    ],
  },
  OpenApi: obj({ openapi: { const: "3.1.0" }, info: { type: "object" }, paths: { type: "object" } },
    ["openapi", "info", "paths"], { closed: false }),
};

// ---- operation builder ----

const ERROR_DESCRIPTIONS = {
  400: "Bad input: the field and problem are named.",
  401: "No, malformed or unknown credential (field `authorization`).",
  403: "The credential may not do this (a read-only key on a write; granting a privilege it lacks).",
  404: "No such tenant (or another tenant's), or no such resource.",
  409: "The stored state refuses the request.",
  413: "The body is larger than its limit.",
  415: "The body is not JSON (field `content-type`).",
};

const responses = Object.fromEntries(Object.entries(ERROR_DESCRIPTIONS).map(([status, description]) =>
  [`E${status}`, { description, content: { "application/json": { schema: ref("Error") } } }]));
responses.E405 = { ...responses.E400, description: "Wrong method for the path (field `method`); the Allow header lists the right ones.",
  headers: { Allow: { schema: str() } } };
responses.E404.description = "No such tenant (or another tenant's), resource, or path.";

const SECURITY = {
  public: [],
  operator: [{ operatorKey: [] }],
  tenant: [{ tenantKey: [] }, { operatorKey: [] }],
  infobip: [{ infobipSignature: [] }],
};

const PARAMS = {
  tenant: { name: "tenant", in: "path", required: true, description: "The tenant id.", schema: str("", { pattern: TENANT_ID }) },
  keyId: { name: "keyId", in: "path", required: true, description: "An issued key's id.", schema: str("", { maxLength: 128 }) },
  session: { name: "session", in: "path", required: true, description: "A masking session's id.", schema: str("", { maxLength: 128 }) },
};

/**
 * One operation: `auth` (public | operator | tenant | infobip), path parameters by name (PARAMS), `query`
 * parameters, an optional `body` schema (JSON unless `bodyType`), the success `status` and its JSON `schema` (or
 * a whole `content` map for other media types; `x-item-schema` describes each line of an NDJSON stream),
 * and the error statuses it may answer besides the ones that follow from the rest (400 unless `input: false`:
 * unknown query parameters; 401/404 from auth; 403 for writes on tenant routes; 413/415 with a body).
 */
function op({ id, summary, tags, auth, path = [], query = [], body, bodyType = "application/json", status = 200, schema,
  content, description, errors = [], write = false, headers, input = true }) {
  const codes = new Set([...(input ? [400] : []), ...errors]);
  if (auth !== "public") codes.add(401);
  if (auth === "tenant" || auth === "infobip" || path.includes("tenant")) codes.add(404);
  if (auth === "tenant" && write) codes.add(403);
  if (body) { codes.add(413); codes.add(415); }
  const o = {
    operationId: id, summary, tags, ...(description ? { description } : {}),
    security: SECURITY[auth],
    parameters: [...path.map((p) => ({ $ref: `#/components/parameters/${p}` })), ...query],
  };
  if (body) o.requestBody = { required: true, content: { [bodyType]: { schema: body } } };
  const ok = { description: summary };
  if (schema || content) ok.content = content ?? { "application/json": { schema } };
  if (headers) ok.headers = headers;
  o.responses = { [status]: ok };
  for (const c of [...codes].sort()) o.responses[c] = { $ref: `#/components/responses/E${c}` };
  if (o.parameters.length === 0) delete o.parameters;
  return o;
}

const queryString = (name, description, schema = str(), required = false) =>
  ({ name, in: "query", required, description, schema });

// ---- the API ----

const paths = {
  "/healthz": {
    get: op({ id: "health", summary: "Liveness", tags: ["public"], auth: "public", input: false, schema: ref("Health") }),
    head: op({ id: "healthHead", summary: "Liveness (headers only)", tags: ["public"], auth: "public", input: false }),
  },
  "/v1/openapi.json": {
    get: op({ id: "openapi", summary: "This description", tags: ["public"], auth: "public", schema: ref("OpenApi") }),
  },
  "/v1/normalize": {
    get: op({ id: "normalize", summary: "Normalise a phone number to E.164", tags: ["public"], auth: "public",
      description: "docs/normalisation.md",
      query: [queryString("number", "The number as written.", str("", { minLength: 1 }), true),
        queryString("country", "The default region (ISO 3166 alpha-2), e.g. FR.", str("", { minLength: 1 }), true)],
      schema: ref("Normalized") }),
  },
  "/v1/tenants": {
    get: op({ id: "listTenants", summary: "List tenants", tags: ["tenants"], auth: "operator", schema: arrayOf(ref("Tenant")) }),
    post: op({ id: "createTenant", summary: "Create a tenant", tags: ["tenants"], auth: "operator", body: ref("TenantRequest"),
      status: 201, schema: ref("TenantCreated"), errors: [409] }),
  },
  "/v1/tenants/{tenant}": {
    get: op({ id: "getTenant", summary: "Read a tenant", tags: ["tenants"], auth: "operator", path: ["tenant"],
      schema: ref("TenantDetail") }),
    delete: op({ id: "deleteTenant", summary: "Delete a tenant, its data and its keys", tags: ["tenants"], auth: "operator",
      path: ["tenant"], status: 204, errors: [409] }),
  },
  "/v1/tenants/{tenant}/keys": {
    get: op({ id: "listKeys", summary: "List a tenant's issued keys", tags: ["tenants"], auth: "tenant", path: ["tenant"],
      schema: arrayOf(ref("Key")), errors: [403] }),
    post: op({ id: "createKey", summary: "Issue a key", tags: ["tenants"], auth: "tenant", path: ["tenant"], write: true,
      body: ref("KeyRequest"), status: 201, schema: ref("KeyCreated") }),
  },
  "/v1/tenants/{tenant}/keys/{keyId}": {
    delete: op({ id: "revokeKey", summary: "Revoke a key", tags: ["tenants"], auth: "tenant", path: ["tenant", "keyId"],
      write: true, status: 204 }),
  },
  "/v1/tenants/{tenant}/policy": {
    get: op({ id: "getPolicy", summary: "Read the policy document", tags: ["policy"], auth: "tenant", path: ["tenant"],
      schema: ref("StoredPolicy") }),
    put: op({ id: "putPolicy", summary: "Store the policy document (1 MiB)", tags: ["policy"], auth: "tenant", path: ["tenant"],
      write: true, body: ref("Policy"), schema: ref("PolicyVersion"),
      description: "An invalid document is refused with every problem; the stored one stays as it was." }),
  },
  "/v1/tenants/{tenant}/decide": {
    post: op({ id: "decide", summary: "Decide a call: presentation, screening verdict, trace", tags: ["policy"], auth: "tenant",
      path: ["tenant"], body: ref("CallEvent"), schema: ref("Decision"), errors: [409],
      description: "Read-only keys may ask: a decision changes nothing. 409 `not_configured` before a policy is stored." }),
  },
  "/v1/tenants/{tenant}/sip/invite": {
    post: op({ id: "sipInvite", summary: "The SIP-facing decision for one INVITE: reject, or the headers to set and remove",
      tags: ["policy"], auth: "tenant", path: ["tenant"], body: ref("SipInvite"), errors: [409],
      description: "Read-only keys may ask (docs/integrations.md). `?format=flat` answers `key=value` lines.",
      query: [queryString("format", "`json` (default) or `flat` (text/plain lines).", { enum: ["json", "flat"] })],
      content: { "application/json": { schema: ref("SipAnswer") },
        "text/plain": { schema: str("`action=…`, `from_display=…`, `set.<Header>=…`, `remove=…` lines.") } } }),
  },
  "/v1/tenants/{tenant}/replay": {
    post: op({ id: "replay", summary: "What-if replay of a call log under a candidate policy (streamed)", tags: ["policy"],
      auth: "tenant", path: ["tenant"], errors: [409], bodyType: "text/csv",
      body: str("First line: `{\"candidate\": <policy>, \"options\"?: {…}}` as one line of JSON; then the call log as " +
        "CSV with a header row (docs/console.md, \"What-if replay\"). 512 MiB at most."),
      description: "Read-only keys may ask: it changes nothing. Bad input found before streaming is an ordinary 4xx; " +
        "409 `not_configured` before a policy is stored.",
      content: { "application/x-ndjson": { schema: str("NDJSON: `{\"progress\"}` lines, then `{\"report\"}`."),
        "x-item-schema": ref("ReplayLine") } } }),
  },
  "/v1/tenants/{tenant}/masking/credentials": {
    get: op({ id: "getMaskingCredentials", summary: "Read the Infobip credentials (never the key)", tags: ["masking"],
      auth: "tenant", path: ["tenant"], schema: ref("Credentials") }),
    put: op({ id: "putMaskingCredentials", summary: "Store the Infobip number-masking credentials", tags: ["masking"],
      auth: "tenant", path: ["tenant"], write: true, body: ref("CredentialsRequest"), schema: ref("Credentials") }),
  },
  "/v1/tenants/{tenant}/masking/pool": {
    get: op({ id: "getPool", summary: "Read the proxy-number pool", tags: ["masking"], auth: "tenant", path: ["tenant"],
      schema: ref("Pool") }),
    put: op({ id: "putPool", summary: "Replace the proxy-number pool (1 MiB)", tags: ["masking"], auth: "tenant", path: ["tenant"],
      write: true, body: ref("PoolRequest"), schema: ref("PoolSize") }),
  },
  "/v1/tenants/{tenant}/masking/sessions": {
    get: op({ id: "listSessions", summary: "List masking sessions", tags: ["masking"], auth: "tenant", path: ["tenant"],
      query: [queryString("status", "Only sessions in this state.", { enum: ["open", "closed"] })], schema: ref("Sessions") }),
    post: op({ id: "createSession", summary: "Open a masking session (proxy numbers allocated)", tags: ["masking"],
      auth: "tenant", path: ["tenant"], write: true, body: ref("SessionRequest"), status: 201, schema: ref("SessionCreated"),
      errors: [409], description: "409 `pool_exhausted` naming the participant; `duplicate_id`; `not_configured`." }),
  },
  "/v1/tenants/{tenant}/masking/sessions/{session}/close": {
    post: op({ id: "closeSession", summary: "Close a masking session", tags: ["masking"], auth: "tenant",
      path: ["tenant", "session"], write: true, schema: ref("Session") }),
  },
  "/v1/tenants/{tenant}/masking/log": {
    get: op({ id: "maskingLog", summary: "The latest routed calls and status messages", tags: ["masking"], auth: "tenant",
      path: ["tenant"], query: [queryString("limit", "How many of each (default 100).", int("", { minimum: 1, maximum: 1000 }))],
      schema: ref("MaskingLog") }),
  },
  "/v1/tenants/{tenant}/infobip/callback": {
    post: op({ id: "infobipCallback", summary: "Infobip number-masking callback: where the call goes", tags: ["webhooks"],
      auth: "infobip", path: ["tenant"], body: ref("InfobipCallback"), schema: ref("InfobipCommand"), errors: [409],
      description: "Signed by Infobip: `Authorization: apiId:hex(sha256(url + body + key))`, checked on the raw body." }),
  },
  "/v1/tenants/{tenant}/infobip/status": {
    post: op({ id: "infobipStatus", summary: "Infobip number-masking status message (kept once per call)", tags: ["webhooks"],
      auth: "infobip", path: ["tenant"], body: ref("InfobipStatus"), schema: ref("StatusStored"), errors: [409] }),
  },
};

/** The OpenAPI 3.1 document (plain JSON data). */
export const OPENAPI = Object.freeze({
  openapi: "3.1.0",
  info: {
    title: "cidguard",
    version: "1",
    summary: "Caller-ID presentation, call screening and number-masking decisions at the edge.",
    description: "Every error is `{\"error\": {\"field\", \"code\", \"message\"}}` naming the field and problem " +
      "(docs/http-api.md). A path under /v1/ that is not listed here answers 404 (`path`, `not_found`), a method " +
      "not listed for a path 405 (`method`, with Allow). Other paths serve the admin page (static assets).",
    license: { name: "Proprietary", identifier: "LicenseRef-cidguard" },
  },
  tags: [
    { name: "public", description: "No credential." },
    { name: "tenants", description: "Tenants and their API keys." },
    { name: "policy", description: "The policy document and decisions." },
    { name: "masking", description: "Number masking: credentials, pool, sessions, audit." },
    { name: "webhooks", description: "Infobip's webhooks, authenticated by Infobip's signature." },
  ],
  paths,
  components: {
    schemas,
    responses,
    parameters: PARAMS,
    securitySchemes: {
      operatorKey: { type: "http", scheme: "bearer", description: "The operator key (secret OPERATOR_KEY)." },
      tenantKey: { type: "http", scheme: "bearer",
        description: "A tenant key: issued by POST /v1/tenants/{tenant}/keys (role admin or readonly) or configured in API_KEYS." },
      infobipSignature: { type: "apiKey", in: "header", name: "Authorization",
        description: "Infobip's webhook signature: `apiId:hex(sha256(webhookUrl + body + key))`." },
    },
  },
});

// ---- the guard ----

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

/** Each path template as a regex over the raw path (a parameter is one segment, possibly empty: its route says why). */
const ROUTES = Object.entries(OPENAPI.paths).map(([template, item]) => ({
  template,
  re: new RegExp("^" + template.split(/\{[^}]+\}/).map((s) => s.replace(/[.*+?^$()|[\]\\]/g, "\\$&")).join("[^/]*") + "$"),
  methods: METHODS.filter((m) => item[m]).map((m) => m.toUpperCase()),
}));

/** True for the paths the description covers (the API and health); every other path is the admin page's. */
export const isApiPath = (pathname) => pathname === "/healthz" || pathname === "/v1" || pathname.startsWith("/v1/");

/**
 * The documented path template for a request, or a thrown 404 (`path`, `not_found`) when no template matches
 * and 405 (`method`, with Allow) when the path has no operation for the method.
 */
export function requireOperation(method, pathname) {
  const matches = ROUTES.filter((r) => r.re.test(pathname));
  if (matches.length === 0) fail("path", "not_found", `path: no route ${pathname}`);
  const hit = matches.find((r) => r.methods.includes(method));
  if (!hit) {
    const allowed = [...new Set(matches.flatMap((r) => r.methods))];
    fail("method", "method_not_allowed", `method: use ${allowed.join(" or ")}`, { headers: { allow: allowed.join(", ") } });
  }
  return hit.template;
}
