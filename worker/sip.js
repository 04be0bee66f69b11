// POST /v1/tenants/{tenant}/sip/invite: the SIP-facing decision for one INVITE (docs/integrations.md). The body
// carries the INVITE's facts as a SIP server sees them (raw header values, source peer, direction, account);
// the tenant's Durable Object asks the core, which answers reject (code + reason phrase) or continue (From,
// headers to set and remove). This handler only reads the body and picks the answer's form.
import { json, HttpError, readBody, parseJson } from "./http.js";

const INVITE_LIMIT = 64 << 10;
const FORMATS = ["json", "flat"];

/** Handles the route for an authenticated tenant's `store`; `fromStore` maps a store error to its response. */
export async function sipInviteRoute(request, url, store, fromStore) {
  const format = url.searchParams.get("format") ?? "json";
  if (!FORMATS.includes(format))
    throw new HttpError(400, "format", "unknown_value", `format: unknown value ${JSON.stringify(format)}; expected json or flat`);
  const invite = parseJson(await readBody(request, INVITE_LIMIT, "invite"), "invite");
  const r = await store.decideInvite(invite, format === "flat");
  if (r.error || format === "json") return fromStore(r);
  return new Response(r.ok, { status: 200, headers: { "content-type": "text/plain; charset=utf-8" } });
}
