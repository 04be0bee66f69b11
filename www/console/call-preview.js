// <cg-call-preview>: a call described as fields, decided by the wasm core against the draft policy and the
// stored one side by side: the verdict badge, the caller ID as presented, the SIP answer and the trace.
import { CgElement, h, field, select, showProblems, problemsOf } from "./base.js";
import { loadCore } from "./core.js";
import { PolicyDraft } from "./draft.js";
import { decideFromRows, ownRows } from "./rows.js";

const SIP_REASONS = { 433: "Anonymity Disallowed", 603: "Decline" };

const CSS = `
.columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 18rem), 1fr)); gap: 1rem; margin-top: .75rem; }
.column { border: 1px solid var(--cg-border, #d6dbe1); border-radius: 4px; padding: .6rem; min-width: 0; }
.column.changed { border-color: var(--cg-accent, #0b57d0); }
details summary { cursor: pointer; }
`;

/** The SIP answer for a screening verdict (null when the call was not screened). */
export function sipAnswer(screening) {
  if (!screening) return "not screened (only inbound calls are)";
  if (screening.action === "allow") return "call proceeds";
  const answer = `${screening.sip_code} ${SIP_REASONS[screening.sip_code] ?? ""}`.trim();
  return screening.prompt ? `${answer} (after the "${screening.prompt}" announcement)` : answer;
}

/** The verdict of a decision: { kind: allow | reject | none, text }. */
export function verdictOf(decision) {
  const s = decision.screening;
  if (!s) return { kind: "none", text: "Not screened" };
  if (s.action === "reject") return { kind: "reject", text: `Rejected ${s.sip_code} (${s.rule})` };
  return { kind: "allow", text: `Allowed (${s.rule})` };
}

/** A decision rendered: badge, presented caller ID, SIP answer, SIP identity headers, and the trace. */
export function renderDecision(decision, { traceOpen = false } = {}) {
  const v = verdictOf(decision);
  const p = decision.presentation;
  const from = p.mode_from ? [p.mode_from.level, p.mode_from.id].filter(Boolean).join(" ") : "";
  const pai = p.sip.p_asserted_identity;
  return [
    h("p", {}, h("span", { class: `badge ${v.kind}`, part: `badge badge-${v.kind}`, "data-verdict": v.kind }, v.text)),
    h("dl", { class: "kv" },
      h("dt", {}, "Presented name"), h("dd", { "data-key": "caller_name" }, p.caller_name || "—"),
      h("dt", {}, "Presented number"), h("dd", { "data-key": "caller_number" }, p.caller_number || "—"),
      h("dt", {}, "SIP answer"), h("dd", { "data-key": "sip_answer" }, sipAnswer(decision.screening)),
      h("dt", {}, "Privacy mode"), h("dd", { "data-key": "mode" }, `${p.mode} (from ${from})`),
      h("dt", {}, "From"), h("dd", { "data-key": "from" }, `"${p.sip.from_display}" <sip:${p.sip.from_user}@…>`),
      h("dt", {}, "Privacy / PAI"), h("dd", { "data-key": "pai" },
        `${p.sip.privacy_header ?? "none"} / ${pai ? `"${pai.display ?? ""}" ${pai.user ?? ""}` : "none"}`)),
    h("details", { open: traceOpen },
      h("summary", {}, `Trace (${decision.trace.length} rules)`),
      h("ol", { class: "trace", part: "trace" }, decision.trace.map((t) =>
        h("li", { "data-rule": t.rule, "data-outcome": t.outcome },
          h("span", { class: "outcome" }, t.outcome), " ", h("span", { class: "rule" }, t.rule), " — ", t.detail)))),
  ];
}

export class CgCallPreview extends CgElement {
  static css = CSS;

  constructor() {
    super();
    this.engines = { draft: null, stored: null };
  }

  /** The shared PolicyDraft (set by the host so that edits elsewhere are previewed here); one is made if unset. */
  get draft() { return this._draft ?? null; }
  set draft(d) {
    this.followDraft(d, () => { this.syncAccounts(); this.run(); });
    if (this.isConnected) { this.syncAccounts(); this.run(); }
  }

  /** The call as fields: an object in the call event's shape (empty fields omitted). */
  get call() {
    const v = (name) => this.$(`[name="${name}"]`)?.value.trim() ?? "";
    const event = { direction: v("direction"), account: v("account") };
    for (const k of ["caller_number", "caller_name", "dialled_number"]) if (v(k)) event[k] = v(k);
    if (event.direction === "outbound") {
      if (v("resource")) event.resource = v("resource");
      if (v("resource") && v("gateway")) event.gateway = v("gateway");
    } else if (v("destination_user")) event.destination_user = v("destination_user");
    const sip = {};
    if (v("sip_privacy")) sip.privacy = v("sip_privacy");
    if (v("sip_pai")) sip.p_asserted_identity = v("sip_pai");
    if (v("sip_rpid")) sip.remote_party_id = v("sip_rpid");
    if (Object.keys(sip).length) event.sip = sip;
    return event;
  }

  /** Fills the fields from a call event. */
  set call(event) {
    if (!this._connected) { this._initial = event; return; }
    const set = (name, value) => { const c = this.$(`[name="${name}"]`); if (c) c.value = value ?? ""; };
    set("direction", event.direction ?? "inbound");
    this.syncAccounts(event.account);
    for (const k of ["caller_number", "caller_name", "dialled_number", "resource", "gateway", "destination_user"]) set(k, event[k]);
    set("sip_privacy", event.sip?.privacy);
    set("sip_pai", event.sip?.p_asserted_identity);
    set("sip_rpid", event.sip?.remote_party_id);
    this.syncDirection();
    this.run();
  }

  render() {
    const input = (name, placeholder) => h("input", { name, placeholder, autocomplete: "off", oninput: () => this.schedule() });
    const form = h("form", { part: "form", onsubmit: (e) => { e.preventDefault(); this.run(); } },
      h("div", { class: "grid" },
        field("Direction", select([["inbound", "Inbound"], ["outbound", "Outbound"], ["internal", "Internal"]], "inbound",
          { name: "direction", onchange: () => { this.syncDirection(); this.run(); } }), "event.direction"),
        field("Account", h("select", { name: "account", onchange: () => this.run() }), "event.account"),
        field("Caller number", input("caller_number", "+33 1 70 36 99 99"), "event.caller_number"),
        field("Caller name", input("caller_name", "Alice Martin"), "event.caller_name"),
        field("Dialled number", input("dialled_number", "*67+14155550100"), "event.dialled_number"),
        h("div", { class: "out-only", hidden: true }, field("Resource (carrier)", input("resource", "carrier-a"), "event.resource")),
        h("div", { class: "out-only", hidden: true }, field("Gateway", input("gateway", "gw-1"), "event.gateway")),
        h("div", { class: "in-only" }, field("Destination user", input("destination_user", "u-alice"), "event.destination_user")),
        field("SIP Privacy header", input("sip_privacy", "id;user"), "event.sip.privacy"),
        field("P-Asserted-Identity", input("sip_pai", "\"Alice\" <sip:+33639981234@host>"), "event.sip.p_asserted_identity"),
        field("Remote-Party-ID", input("sip_rpid", "<sip:+3361@host>;privacy=full"), "event.sip.remote_party_id")),
      h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", part: "button primary" }, "Preview")));
    this.out = h("div", { class: "columns", part: "results", "aria-live": "polite" });
    this.others = h("div", { class: "other-problems" });
    this.root.append(h("h2", {}, "Call preview"),
      h("p", { class: "muted" }, "How this call would be presented and screened under the draft and under the stored policy."),
      form, this.others, this.out);
    if (this._initial) { const e = this._initial; this._initial = null; queueMicrotask(() => (this.call = e)); }
  }

  load() {
    if (!this._draft) this.draft = new PolicyDraft(this);
    this._draft.load().catch((e) => this.showError(e));
  }

  syncDirection() {
    const out = this.$('[name="direction"]').value === "outbound";
    for (const e of this.$$(".out-only")) e.hidden = !out;
    for (const e of this.$$(".in-only")) e.hidden = out;
  }

  syncAccounts(want) {
    const sel = this.$('[name="account"]');
    if (!sel || !this._draft) return;
    const current = want ?? sel.value;
    const ids = new Set([...(this._draft.draft.accounts ?? []), ...(this._draft.stored?.policy.accounts ?? [])].map((a) => a.id));
    if (current) ids.add(current);
    sel.replaceChildren(...[...ids].map((id) => h("option", { value: id, selected: id === current }, id)));
  }

  schedule() {
    clearTimeout(this._t);
    this._t = setTimeout(() => this.run(), 150);
  }

  showError(e) {
    this.out.replaceChildren(h("div", { class: "banner error", role: "alert" }, e.message));
  }

  /** The engine for `doc`, compiled once per revision (draft) or version (stored). */
  engine(cg, which, key, doc) {
    const slot = this.engines[which];
    if (slot && slot.key === key) return slot.engine;
    slot?.engine?.free();
    this.engines[which] = null;
    const engine = new cg.Engine(doc);
    this.engines[which] = { key, engine };
    return engine;
  }

  /**
   * Decides the call under the draft and the stored policy and renders both. Each side decides as the worker
   * does with lists stored as rows: the core's lookup keys, the stored rows under them, the core's decision from
   * those rows (the draft's own entries, for lists it carries entries of, in place of the stored rows).
   */
  async run() {
    if (!this._draft?.loaded) return;
    const runId = (this._runId = (this._runId ?? 0) + 1);
    const cg = await loadCore();
    const event = this.call;
    const d = this._draft;
    const fieldProblems = [];
    const decide = async (which, key, doc, own) => {
      let engine;
      try {
        engine = this.engine(cg, which, key, doc);
      } catch (e) {
        return { which, problems: problemsOf(e) };
      }
      try {
        return { which, decision: await decideFromRows(this, engine, event, own && own()) };
      } catch (e) {
        // The call's own problems: shown next to its fields (paths relative to the event).
        if (!e.status && !fieldProblems.length) fieldProblems.push(...problemsOf(e).map((p) => ({ ...p, field: `event.${p.field}` })));
        return { which, problems: problemsOf(e) };
      }
    };
    const own = () => {
      if (this._own?.revision !== d.revision) this._own = { revision: d.revision, rows: ownRows(cg, d.draft) };
      return this._own.rows;
    };
    const results = await Promise.all([decide("draft", d.revision, d.draft, own),
      ...(d.stored ? [decide("stored", d.stored.version, d.stored.policy, null)] : [])]);
    if (runId !== this._runId) return; // a newer run is under way
    const [draft, stored] = results.map((r) => r.decision ?? null);
    showProblems(this.root, fieldProblems, this.others);
    const same = draft && stored && JSON.stringify(draft) === JSON.stringify(stored);
    this.out.replaceChildren(...results.map((r) => h("section", {
      class: `column ${r.which === "draft" && !same && d.stored ? "changed" : ""}`, part: `result result-${r.which}`,
      "data-which": r.which, "aria-label": r.which === "draft" ? "Draft" : "Stored" },
    h("h3", {}, r.which === "draft" ? (d.dirty ? "Draft (not applied)" : "Draft (same as stored)") : `Stored (version ${d.stored.version})`),
    r.decision ? renderDecision(r.decision) : h("div", { class: "banner error" },
      `${r.problems.length} problem${r.problems.length === 1 ? "" : "s"}: `,
      r.problems.map((p) => h("div", { class: "problem", "data-field": p.field }, h("code", {}, p.field), " ", p.message))))));
    if (draft || stored) this.emit("decision", { event, draft, stored });
  }
}

customElements.define("cg-call-preview", CgCallPreview);
