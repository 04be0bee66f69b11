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
  StoredPolicy: obj({
    version: int("", { minimum: 1 }),
    policy: ref("Policy"),
    lists: obj({
      entries: int("List entries the tenant holds in all (rows).", { minimum: 0 }),
      inline: bool("Whether `policy` carries them (up to a limit); beyond it they are read through the list routes."),
    }),
  }, ["version", "policy"]),
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
    properties: { number: str(), country: nullable(str()), area_code: nullable(str()),
      excluded_from_allocation: bool("Never allocated (`reserved`: its old name, still read)."),
      held_for_session: nullable(str("Held for this session until it ends.")) },
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
  Blacklist: obj({
    id: str(), name: str("", { minLength: 1, maxLength: 128 }), should_block_anonymous: bool(), flags: arrayOf(str()),
    country: nullable(str()), entries: int("How many entries it holds.", { minimum: 0 }),
    numbers: { type: "object", description: "Inline while the list holds at most 1,000 numbers: number → `{name?}`." },
    prefixes: { type: "object", description: "Likewise for prefixes." },
  }, ["id", "name"], { closed: false }),
  BlacklistFields: {
    type: "object",
    description: "Kazoo's blacklist document fields; `id` only on create (generated when absent).",
    properties: {
      id: str("", { pattern: "^[A-Za-z0-9_.-]{1,128}$" }), name: str("", { minLength: 1, maxLength: 128 }),
      numbers: { type: "object" }, prefixes: { type: "object" }, should_block_anonymous: bool(), flags: arrayOf(str()),
      country: str("Reads national-format numbers."),
    },
  },
  BlacklistEntry: obj({ number: str("The E.164 key (or prefix)."), written: str("As written."), name: str("The label.") },
    ["number", "written"]),
  Account: obj({ id: str(), country: nullable(str()), blacklists: arrayOf(str(), "The blocklists it selects, in order.") },
    ["id", "blacklists"], { closed: false }),
  UserAuthRequest: obj({
    alg: { enum: ["HS256", "ES256", "EdDSA"] },
    secret: str("HS256: a shared secret of 32-512 characters.", { minLength: 32, maxLength: 512 }),
    jwk: { type: "object", description: "ES256 / EdDSA: a public JWK (a private one is refused)." },
    issuer: nullable(str()), audience: nullable(str()),
  }, ["alg"]),
  UserAuth: obj({
    alg: { enum: ["HS256", "ES256", "EdDSA"] }, issuer: nullable(str()), audience: nullable(str()),
    jwk: { type: "object" }, secret: { const: "(set)" }, version: int("", { minimum: 1 }),
  }, ["alg", "issuer", "audience"]),
  WazoEntryRequest: obj({ number: str("+E.164.", { pattern: "^\\+[0-9]+$" }), label: nullable(str("", { minLength: 1, maxLength: 1024 })) },
    ["number"]),
  WazoEntry: obj({ uuid: str(), number: str(), label: nullable(str()), links: arrayOf(obj({ rel: str(), href: str() })) },
    ["uuid", "number", "label", "links"]),
  WazoAdminEntry: obj({ uuid: str(), number: str(), label: nullable(str()), user_uuid: str(), tenant_uuid: str(),
    links: arrayOf(obj({ rel: str(), href: str() })) }),
  ImportReport: obj({
    id: str(), status: { enum: ["running", "done", "failed"] }, processed_lines: int(), processed_bytes: int(),
    total_lines: nullable(int()), total_bytes: nullable(int()), imported: int(), problem_count: int(),
    problems: arrayOf(obj({ line: int(), field: str(), code: str(), message: str() }, ["line", "code"], { closed: false })),
  }, ["id", "status"], { closed: false }),
  LookupKeys: obj({
    lists: arrayOf(str("", { maxLength: 256 }), "The lists the call consults (`blocklist:<id>`, `allowlist:<account>`, `user:<user>`); at most 64."),
    keys: arrayOf(str("", { maxLength: 256 }), "The caller's key and its leading prefixes; at most 64."),
    caller: { description: "Ignored (as `Engine.lookupKeys` returns it)." },
  }, ["lists", "keys"], { description: "`Engine.lookupKeys(event)` / `inviteLookupKeys(invite)` as returned." }),
  ListRow: obj({
    list: str(), kind: { enum: ["number", "prefix"] }, e164: str("The normalised key."), written: str("As written."),
    label: nullable(str()), id: nullable(str("A user entry's uuid.")),
  }),
  ListRows: obj({ rows: arrayOf(ref("ListRow"), "What `Engine.decideRows(event, rows)` takes.") }),
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
  412: "The If-Match version is not the current one (field `if-match`, code `precondition_failed`); nothing changed.",
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
  tenant: [{ tenantKey: [] }, { tenantKeyBasic: [] }, { tenantKeyHeader: [] }, { operatorKey: [] }],
  user: [{ userToken: [] }, { userTokenHeader: [] }],
  infobip: [{ infobipSignature: [] }],
};

const PARAMS = {
  tenant: { name: "tenant", in: "path", required: true, description: "The tenant id.", schema: str("", { pattern: TENANT_ID }) },
  keyId: { name: "keyId", in: "path", required: true, description: "An issued key's id.", schema: str("", { maxLength: 128 }) },
  session: { name: "session", in: "path", required: true, description: "A masking session's id.", schema: str("", { maxLength: 128 }) },
  blacklist: { name: "blacklist", in: "path", required: true, description: "An account blocklist's id.", schema: str("", { pattern: "^[A-Za-z0-9_.-]{1,128}$" }) },
  number: { name: "number", in: "path", required: true, description: "A number, in any format the list reads (percent-encoded).", schema: str() },
  prefix: { name: "prefix", in: "path", required: true, description: "A prefix such as +1900 (percent-encoded).", schema: str() },
  import: { name: "import", in: "path", required: true, description: "An import's id (`?import_id=` or generated).", schema: str() },
  account: { name: "account", in: "path", required: true, description: "An account id of the policy.", schema: str() },
  uuid: { name: "uuid", in: "path", required: true, description: "A user blocklist entry's uuid.", schema: str() },
  user_uuid: { name: "user_uuid", in: "path", required: true, description: "A user id of the policy (`accounts[].users[].id`).", schema: str() },
  ifMatch: { name: "If-Match", in: "header", required: false, description: "The version (ETag) the write is based on, or `*`: 412 when stale.", schema: str() },
};

/**
 * One operation: `auth` (public | operator | tenant | infobip), path parameters by name (PARAMS), `query`
 * parameters, an optional `body` schema (JSON unless `bodyType`; `bodyContent` for several media types), the
 * success `status` (`also`: other success statuses) and its JSON `schema` (or a whole `content` map for other
 * media types; `x-item-schema` describes each line of an NDJSON stream), `ifMatch` for a write that takes
 * If-Match (412 on a stale version),
 * and the error statuses it may answer besides the ones that follow from the rest (400 unless `input: false`:
 * unknown query parameters; 401/404 from auth; 403 for writes on tenant routes; 413/415 with a body).
 */
function op({ id, summary, tags, auth, path = [], query = [], body, bodyType = "application/json", bodyContent,
  bodyRequired = true, status = 200, also = {}, schema, content, description, errors = [], write = false, ifMatch = false,
  headers, input = true }) {
  const codes = new Set([...(input ? [400] : []), ...errors]);
  if (auth !== "public") codes.add(401);
  if (auth === "tenant" || auth === "infobip" || path.includes("tenant")) codes.add(404);
  if (auth === "tenant" && write) codes.add(403);
  if (body || bodyContent) { codes.add(413); codes.add(415); }
  if (ifMatch) codes.add(412);
  const o = {
    operationId: id, summary, tags, ...(description ? { description } : {}),
    security: SECURITY[auth],
    parameters: [...path.map((p) => ({ $ref: `#/components/parameters/${p}` })), ...query,
      ...(ifMatch ? [{ $ref: "#/components/parameters/ifMatch" }] : [])],
  };
  if (body || bodyContent) o.requestBody = { required: bodyRequired, content: bodyContent ?? { [bodyType]: { schema: body } } };
  const ok = { description: summary };
  if (schema || content) ok.content = content ?? { "application/json": { schema } };
  if (headers) ok.headers = headers;
  o.responses = { [status]: ok };
  for (const [s2, d] of Object.entries(also)) o.responses[s2] = { ...ok, description: d };
  for (const c of [...codes].sort()) o.responses[c] = { $ref: `#/components/responses/E${c}` };
  if (o.parameters.length === 0) delete o.parameters;
  return o;
}

const queryString = (name, description, schema = str(), required = false) =>
  ({ name, in: "query", required, description, schema });

// ---- the API ----

const ETAG = { ETag: { description: "The resource's version, for If-Match.", schema: str() } };
/** Kazoo's answer envelope and its request envelope. */
const kazoo = (data) => obj({ data, revision: str("The version, as the ETag."), status: { const: "success" } }, ["data", "status"]);
const kazooPage = (item) => obj({ data: arrayOf(item), page_size: int("", { minimum: 0 }), total: int("", { minimum: 0 }),
  start_key: str(), next_start_key: str("Pass as `start_key` for the next page; absent on the last."), status: { const: "success" } },
["data", "page_size", "status"]);
const kazooRequest = (data) => obj({ data });
const PAGE_SIZE = queryString("page_size", "Entries per page (default 50).", int("", { minimum: 1, maximum: 1000 }));
const START_KEY = queryString("start_key", "The `next_start_key` of the previous page.");
const wazoList = (item) => obj({ items: arrayOf(item), total: int("", { minimum: 0 }) });
const WAZO_LIST = [
  queryString("order", "Sort by.", { enum: ["number", "label", "user_uuid"] }),
  queryString("direction", "", { enum: ["asc", "desc"] }),
  queryString("limit", "", int("", { minimum: 0, maximum: 100000 })),
  queryString("offset", "", int("", { minimum: 0 })),
  queryString("search", "Number or label contains."),
  queryString("number", "Exactly this number."),
  queryString("label", "Exactly this label."),
];
const IMPORT = {
  bodyContent: {
    "text/csv": { schema: str("A header row (`number`, optionally `label` and `kind`), then one entry per line; `kind` is `number` (default) or `prefix`.") },
    "application/x-ndjson": { schema: str("One `{\"number\", \"label\", \"kind\"}` object per line.") },
  },
  query: [queryString("format", "Overrides the Content-Type.", { enum: ["csv", "ndjson"] }),
    queryString("mode", "`all` (default): any problem imports nothing (400 `invalid_lines`); `partial`: the valid lines.",
      { enum: ["all", "partial"] }),
    queryString("total_lines", "For the progress's total.", int("", { minimum: 0 })),
    queryString("import_id", "Names the import, to poll GET …/imports/{import} while it runs.", str("", { pattern: "^[A-Za-z0-9_-]{1,64}$" }))],
  schema: ref("ImportReport"),
  description: "Streamed: the worker never holds the body. Problems are reported with their line, field and code " +
    "(the first 100, then a count; docs/blocklists.md).",
};
const EXPORT = { content: { "text/csv": { schema: str("`number,label,kind` lines: the numbers then the prefixes, each by key; imports again as is.") } } };

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
    get: op({ id: "getPolicy", summary: "Read the policy document (settings; list entries are rows)", tags: ["policy"],
      auth: "tenant", path: ["tenant"], schema: ref("StoredPolicy"), headers: ETAG }),
    put: op({ id: "putPolicy", summary: "Store the policy document (1 MiB; lists in it migrate to rows)", tags: ["policy"],
      auth: "tenant", path: ["tenant"], write: true, ifMatch: true, body: ref("Policy"), schema: ref("PolicyVersion"), headers: ETAG,
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
      description: "Read-only keys may ask: it changes nothing. Each call is decided as `/decide` decides it, from the " +
        "stored rows under its lookup keys (the candidate's own entries for the lists it carries, as a PUT of it would " +
        "store them). Bad input found before streaming is an ordinary 4xx; 409 `not_configured` before a policy is stored.",
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
      query: [queryString("status", "Only sessions in this state.", { enum: ["open", "closed", "expired"] })], schema: ref("Sessions") }),
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
  // ---- blocklists (docs/blocklists.md): Kazoo-shaped account lists, Wazo-shaped users' lists, imports, exports ----
  "/v1/tenants/{tenant}/blacklists": {
    get: op({ id: "listBlacklists", summary: "List account blocklists (Kazoo), a page at a time", tags: ["blocklists"],
      auth: "tenant", path: ["tenant"], query: [PAGE_SIZE, START_KEY], schema: kazooPage(ref("Blacklist")) }),
    put: op({ id: "createBlacklist", summary: "Create an account blocklist (Kazoo creates with PUT on the collection)",
      tags: ["blocklists"], auth: "tenant", path: ["tenant"], write: true, body: kazooRequest(ref("BlacklistFields")),
      status: 201, schema: kazoo(ref("Blacklist")), headers: ETAG, errors: [409] }),
  },
  "/v1/tenants/{tenant}/blacklists/{blacklist}": {
    get: op({ id: "getBlacklist", summary: "Read an account blocklist", tags: ["blocklists"], auth: "tenant",
      path: ["tenant", "blacklist"], schema: kazoo(ref("Blacklist")), headers: ETAG }),
    post: op({ id: "replaceBlacklist", summary: "Replace an account blocklist's fields (given entries replace its entries)",
      tags: ["blocklists"], auth: "tenant", path: ["tenant", "blacklist"], write: true, ifMatch: true,
      body: kazooRequest(ref("BlacklistFields")), schema: kazoo(ref("Blacklist")), headers: ETAG }),
    patch: op({ id: "patchBlacklist", summary: "Change the given fields of an account blocklist", tags: ["blocklists"],
      auth: "tenant", path: ["tenant", "blacklist"], write: true, ifMatch: true, body: kazooRequest(ref("BlacklistFields")),
      schema: kazoo(ref("Blacklist")), headers: ETAG }),
    delete: op({ id: "deleteBlacklist", summary: "Delete an account blocklist and its entries", tags: ["blocklists"],
      auth: "tenant", path: ["tenant", "blacklist"], write: true, ifMatch: true, errors: [409],
      description: "409 `conflict` while an account selects it.", schema: kazoo({ type: "object" }) }),
  },
  ...Object.fromEntries(["numbers", "prefixes"].flatMap((kind) => {
    const one = kind === "numbers" ? "number" : "prefix";
    const Kind = kind === "numbers" ? "Number" : "Prefix";
    return [
      [`/v1/tenants/{tenant}/blacklists/{blacklist}/${kind}`, {
        get: op({ id: `listBlacklist${kind === "numbers" ? "Numbers" : "Prefixes"}`, summary: `A page of an account blocklist's ${kind} (by key; ?prefix= searches)`,
          tags: ["blocklists"], auth: "tenant", path: ["tenant", "blacklist"],
          query: [PAGE_SIZE, START_KEY, queryString("prefix", "Only entries whose E.164 key starts with this.")],
          schema: kazooPage(ref("BlacklistEntry")) }),
      }],
      [`/v1/tenants/{tenant}/blacklists/{blacklist}/${kind}/{${one}}`, {
        get: op({ id: `getBlacklist${Kind}`, summary: `Read one ${one} of an account blocklist`, tags: ["blocklists"],
          auth: "tenant", path: ["tenant", "blacklist", one], schema: kazoo(ref("BlacklistEntry")), headers: ETAG }),
        put: op({ id: `putBlacklist${Kind}`, summary: `Add (201) or relabel (200) one ${one}, in any format the list reads`,
          tags: ["blocklists"], auth: "tenant", path: ["tenant", "blacklist", one], write: true, ifMatch: true,
          body: kazooRequest(obj({ name: str("The label.") }, [])), bodyRequired: false,
          status: 201, also: { 200: "Replaced." }, schema: kazoo(ref("BlacklistEntry")), headers: ETAG }),
        delete: op({ id: `deleteBlacklist${Kind}`, summary: `Remove one ${one} of an account blocklist`, tags: ["blocklists"],
          auth: "tenant", path: ["tenant", "blacklist", one], write: true, ifMatch: true, schema: kazoo(ref("BlacklistEntry")) }),
      }],
    ];
  })),
  "/v1/tenants/{tenant}/blacklists/{blacklist}/import": {
    post: op({ id: "importBlacklist", summary: "Import numbers into an account blocklist (streamed CSV or NDJSON)",
      tags: ["blocklists"], auth: "tenant", path: ["tenant", "blacklist"], write: true, ...IMPORT }),
  },
  "/v1/tenants/{tenant}/blacklists/{blacklist}/export": {
    get: op({ id: "exportBlacklist", summary: "Export an account blocklist's numbers as CSV (streamed)", tags: ["blocklists"],
      auth: "tenant", path: ["tenant", "blacklist"], ...EXPORT }),
  },
  "/v1/tenants/{tenant}/lists/rows": {
    post: op({ id: "listRows", summary: "The stored rows under a call's lookup keys (for previews: decideRows takes them)",
      tags: ["blocklists"], auth: "tenant", path: ["tenant"], body: ref("LookupKeys"), schema: ref("ListRows"), errors: [403],
      description: "Read-only keys may ask (it changes nothing); an end-user token is 403. The rows are fetched as a " +
        "`/decide` fetches them (docs/blocklists.md)." }),
  },
  "/v1/tenants/{tenant}/imports": {
    get: op({ id: "listImports", summary: "The latest imports, newest first", tags: ["blocklists"], auth: "tenant",
      path: ["tenant"], query: [queryString("limit", "How many (default 20).", int("", { minimum: 1, maximum: 100 }))],
      schema: arrayOf(ref("ImportReport")) }),
  },
  "/v1/tenants/{tenant}/imports/{import}": {
    get: op({ id: "getImport", summary: "One import's progress and report (poll it for a progress bar)", tags: ["blocklists"],
      auth: "tenant", path: ["tenant", "import"], schema: ref("ImportReport") }),
  },
  "/v1/tenants/{tenant}/accounts/{account}": {
    get: op({ id: "getAccount", summary: "An account's country and the blocklists it selects (Kazoo's `blacklists`)",
      tags: ["blocklists"], auth: "tenant", path: ["tenant", "account"], schema: kazoo(ref("Account")), headers: ETAG }),
    patch: op({ id: "patchAccount", summary: "Select an account's blocklists", tags: ["blocklists"], auth: "tenant",
      path: ["tenant", "account"], write: true, ifMatch: true,
      body: kazooRequest(obj({ blacklists: arrayOf(str()) }, [])), schema: kazoo(ref("Account")), headers: ETAG }),
  },
  "/v1/tenants/{tenant}/user-auth": {
    get: op({ id: "getUserAuth", summary: "The end-user token key (the secret is never shown)", tags: ["blocklists"],
      auth: "tenant", path: ["tenant"], schema: ref("UserAuth"), headers: ETAG }),
    put: op({ id: "putUserAuth", summary: "Configure the key end-user tokens are verified with", tags: ["blocklists"],
      auth: "tenant", path: ["tenant"], write: true, ifMatch: true, body: ref("UserAuthRequest"), schema: ref("UserAuth"),
      headers: ETAG }),
  },
  "/v1/tenants/{tenant}/users/me/blocklist/numbers": {
    get: op({ id: "listMyBlocklist", summary: "The end user's own blocklist (Wazo)", tags: ["users' blocklists"], auth: "user",
      path: ["tenant"], query: WAZO_LIST, schema: wazoList(ref("WazoEntry")) }),
    post: op({ id: "addToMyBlocklist", summary: "Add a number to the end user's blocklist", tags: ["users' blocklists"],
      auth: "user", path: ["tenant"], body: ref("WazoEntryRequest"), status: 201, schema: ref("WazoEntry"),
      headers: { ...ETAG, Location: { description: "The new entry.", schema: str() } } }),
  },
  "/v1/tenants/{tenant}/users/me/blocklist/numbers/{uuid}": {
    get: op({ id: "getMyBlocklistNumber", summary: "One entry of the end user's blocklist", tags: ["users' blocklists"],
      auth: "user", path: ["tenant", "uuid"], schema: ref("WazoEntry"), headers: ETAG }),
    put: op({ id: "updateMyBlocklistNumber", summary: "Change an entry of the end user's blocklist", tags: ["users' blocklists"],
      auth: "user", path: ["tenant", "uuid"], ifMatch: true, body: ref("WazoEntryRequest"), status: 204, headers: ETAG }),
    delete: op({ id: "deleteMyBlocklistNumber", summary: "Remove an entry of the end user's blocklist",
      tags: ["users' blocklists"], auth: "user", path: ["tenant", "uuid"], ifMatch: true, status: 204 }),
  },
  "/v1/tenants/{tenant}/users/blocklist/numbers": {
    get: op({ id: "searchUsersBlocklists", summary: "Entries across users' blocklists (admin, read only)",
      tags: ["users' blocklists"], auth: "tenant", path: ["tenant"],
      query: [...WAZO_LIST, queryString("user_uuid", "Only this user's entries.")], schema: wazoList(ref("WazoAdminEntry")) }),
  },
  "/v1/tenants/{tenant}/users/blocklist/numbers/{uuid}": {
    get: op({ id: "getUsersBlocklistNumber", summary: "One entry of any user's blocklist (admin, read only)",
      tags: ["users' blocklists"], auth: "tenant", path: ["tenant", "uuid"], schema: ref("WazoAdminEntry"), headers: ETAG }),
  },
  "/v1/tenants/{tenant}/users/{user_uuid}/blocklist/numbers": {
    get: op({ id: "listUserBlocklist", summary: "A user's blocklist (admin, read only)", tags: ["users' blocklists"],
      auth: "tenant", path: ["tenant", "user_uuid"], query: WAZO_LIST, schema: wazoList(ref("WazoAdminEntry")) }),
    head: op({ id: "lookupUserBlocklist", summary: "Is this number on the user's blocklist? 204 with its uuid and label, or 404",
      tags: ["users' blocklists"], auth: "tenant", path: ["tenant", "user_uuid"], status: 204,
      query: [queryString("number_exact", "The caller's number, +E.164.", str(), true)],
      headers: { "Wazo-Blocklist-Number-UUID": { schema: str() },
        "Wazo-Blocklist-Number-Label": { description: "Percent-encoded (UTF-8) unless printable ASCII.", schema: str() } } }),
  },
  "/v1/tenants/{tenant}/users/{user_uuid}/blocklist/import": {
    post: op({ id: "importUserBlocklist", summary: "Import numbers into a user's blocklist (streamed CSV or NDJSON)",
      tags: ["users' blocklists"], auth: "tenant", path: ["tenant", "user_uuid"], write: true, ...IMPORT }),
  },
  "/v1/tenants/{tenant}/users/{user_uuid}/blocklist/export": {
    get: op({ id: "exportUserBlocklist", summary: "Export a user's blocklist as CSV (streamed)", tags: ["users' blocklists"],
      auth: "tenant", path: ["tenant", "user_uuid"], ...EXPORT }),
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
    { name: "blocklists", description: "Account blocklists (Kazoo-shaped), selections, imports and exports, the end-user token key." },
    { name: "users' blocklists", description: "Users' blocklists (Wazo-shaped): end users' own, admins' read-only views, lookup." },
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
      tenantKeyBasic: { type: "http", scheme: "basic",
        description: "The same tenant key as the Basic password (the user name is not read), for clients that send only Basic, such as Kamailio's http_client connections." },
      tenantKeyHeader: { type: "apiKey", in: "header", name: "X-Auth-Token",
        description: "The same tenant key in Wazo's header, read when there is no Authorization header." },
      userToken: { type: "http", scheme: "bearer", bearerFormat: "JWT",
        description: "An end user's JWT (`sub` = the user's uuid), verified with the key configured by PUT …/user-auth." },
      userTokenHeader: { type: "apiKey", in: "header", name: "X-Auth-Token", description: "The same JWT in Wazo's header." },
      infobipSignature: { type: "apiKey", in: "header", name: "Authorization",
        description: "Infobip's webhook signature: `apiId:hex(sha256(webhookUrl + body + key))`." },
    },
  },
});

// ---- the guard ----

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

/**
 * Each path template as a regex over the raw path (a parameter is one segment, possibly empty: its route says
 * why), the most literal first: as in OpenAPI, `/users/me/…` is matched before `/users/{user_uuid}/…`.
 */
const ROUTES = Object.entries(OPENAPI.paths).map(([template, item]) => ({
  template,
  re: new RegExp("^" + template.split(/\{[^}]+\}/).map((s) => s.replace(/[.*+?^$()|[\]\\]/g, "\\$&")).join("[^/]*") + "$"),
  params: (template.match(/\{/g) ?? []).length,
  methods: METHODS.filter((m) => item[m]).map((m) => m.toUpperCase()),
})).sort((a, b) => a.params - b.params);

/** True for the paths the description covers (the API and health); every other path is the admin page's. */
export const isApiPath = (pathname) => pathname === "/healthz" || pathname === "/v1" || pathname.startsWith("/v1/");

/**
 * The documented path template for a request, or a thrown 404 (`path`, `not_found`) when no template matches
 * and 405 (`method`, with Allow) when the path has no operation for the method.
 */
export function requireOperation(method, pathname) {
  const hit = ROUTES.find((r) => r.re.test(pathname));
  if (!hit) fail("path", "not_found", `path: no route ${pathname}`);
  if (!hit.methods.includes(method))
    fail("method", "method_not_allowed", `method: use ${hit.methods.join(" or ")}`, { headers: { allow: hit.methods.join(", ") } });
  return hit.template;
}
