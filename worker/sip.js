// POST /v1/tenants/{tenant}/sip/invite[?format=json|flat]: the SIP-facing decision for one INVITE
// (docs/integrations.md). The body carries the INVITE's facts as a SIP server sees them (raw header values,
// source peer, direction, account); the tenant's Durable Object asks the core, which answers reject (code and
// reason phrase) or continue (From, headers to set and remove). This handler only reads the body and picks the
// answer's form.
import { fromStore, queryParam, readJson } from "./http.js";

const FORMATS = ["json", "flat"];

/** The route handler (worker/index.js TENANT_ROUTES): the tenant is authenticated, its `store` resolved. */
export async function sipInviteRoute({ request, url, store }) {
  const format = queryParam(url, "format", { kind: "enum", values: FORMATS, fallback: "json" });
  const r = await store.decideInvite(await readJson(request, { field: "invite" }), format === "flat");
  if (r.error || format === "json") return fromStore(r);
  return new Response(r.ok, { status: 200, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store",
    "x-content-type-options": "nosniff" } });
}
