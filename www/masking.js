// Number-masking panels: route a callback, size a pool, display masking, webhook signatures.
import { renderResult, attempt } from "./ui.js";

const $ = (id) => document.getElementById(id);

export const EXAMPLE_CONFIG = {
  not_allowed: { fileUrl: "https://example.com/not-allowed.mp3" },
  closed_fallback: { action: "dial", number: "+41445550000" },
  allocation: { geo_match: "country", sticky: true, cooloff_seconds: 300, default_ttl_seconds: 3600 },
};

export const EXAMPLE_SESSIONS = [
  { id: "ride-1", status: "open", expires_at: 1700003600, client_reference_id: "ref-ride-1",
    participants: [{ number: "+41793026727", proxy: "+41793026731" }, { number: "+41793026785", proxy: "+41793026732" }] },
  { id: "ride-0", status: "closed", expires_at: 1699990000,
    participants: [{ number: "+41790000001", proxy: "+41793026731" }, { number: "+41793026785", proxy: "+41793026733" }] },
];

const json = (id, field) => {
  try {
    return JSON.parse($(id).value);
  } catch (e) {
    throw Object.assign(new Error(`${field}: malformed JSON (${e.message})`), { field, code: "malformed_json" });
  }
};
const int = (id, field) => {
  const v = $(id).value.trim();
  if (v === "") return undefined;
  if (!/^-?\d+$/.test(v)) throw Object.assign(new Error(`${field}: expected a whole number, got ${JSON.stringify(v)}`), { field, code: "invalid_type" });
  return Number(v);
};
const on = (id, fn) => $(id).addEventListener("submit", (ev) => { ev.preventDefault(); fn(); });

export function setupMasking(cg) {
  $("masking-config").value = JSON.stringify(EXAMPLE_CONFIG, null, 2);
  $("masking-sessions").value = JSON.stringify(EXAMPLE_SESSIONS, null, 2);
  on("route-form", () => {
    const r = attempt(() => {
      const routing = cg.routeCallback(json("masking-config", "config"), json("masking-sessions", "sessions"),
        { from: $("route-from").value.trim(), to: $("route-to").value.trim(), correlationId: "preview" },
        int("route-now", "now"));
      return { outcome: routing.outcome, session: routing.session_id ?? null,
        response: JSON.stringify(routing.response), ...Object.fromEntries(routing.trace.map((t, i) => [`${i + 1}. ${t.rule}`, `${t.outcome}: ${t.detail}`])) };
    });
    renderResult($("route-result"), r);
  });
  on("pool-form", () => renderResult($("pool-result"), attempt(() => cg.poolSize({
    max_sessions_per_participant: int("pool-per-participant", "max_sessions_per_participant"),
    calls_per_hour: int("pool-calls", "calls_per_hour"), average_call_seconds: int("pool-aht", "average_call_seconds"),
    channels_per_number: int("pool-channels", "channels_per_number"), headroom_percent: int("pool-headroom", "headroom_percent"),
  }))));
  on("display-form", () => {
    const policy = $("display-policy").value;
    const roles = $("display-roles").value.split(",").map((s) => s.trim()).filter(Boolean);
    renderResult($("display-result"), attempt(() => {
      const p = policy === "replacement"
        ? { policy, show_first: int("display-first", "show_first"), show_last: int("display-last", "show_last"), unmask_roles: roles }
        : { policy, length: int("display-length", "length"), unmask_roles: roles };
      return cg.maskNumber(p, $("display-number").value, $("display-role").value || undefined, $("display-secret").value || undefined);
    }));
  });
  const sigReq = () => ({ kind: $("sig-kind").value, url: $("sig-url").value, body: $("sig-body").value });
  const creds = () => ({ apiId: $("sig-api").value, key: $("sig-key").value });
  $("sig-sign").addEventListener("click", () => renderResult($("sig-result"), attempt(() => cg.signWebhook(sigReq(), creds()))));
  $("sig-verify").addEventListener("click", () => renderResult($("sig-result"),
    attempt(() => cg.verifySignature({ ...sigReq(), authorization: $("sig-header").value }, creds()))));
}
