// <cg-privacy-settings>: the caller-ID privacy mode per level (system, account, resource, gateway) and the
// anonymous-call rejection settings as choices, editing the shared draft; the effective result per account and
// route is computed by the wasm core; a JSON view of the whole draft for experts; Apply with If-Match.
import { CgElement, h, field, select, nextId } from "./base.js";
import { loadCore } from "./core.js";
import { PolicyDraft } from "./draft.js";
import { applyBar, setPath, getPath } from "./applybar.js";
import { decideFromRows, ownRows } from "./rows.js";

const MODES = [["kazoo", "Kazoo (name and number)"], ["hide_name", "Hide name"], ["hide_number", "Hide number"], ["sip", "SIP (Privacy header only)"]];
const INHERIT = ["", "Inherit"];

const CSS = `
fieldset { border: 1px solid var(--cg-border, #d6dbe1); border-radius: 4px; margin: .75rem 0; padding: .5rem .75rem; min-width: 0; }
legend { font-weight: 600; padding: 0 .3rem; }
.check { display: flex; gap: .4rem; align-items: center; }
details.json summary { cursor: pointer; margin-top: .75rem; }
`;

/** A synthetic anonymous inbound call and an outbound call: what the core is asked to show effective settings. */
const ANON_CALL = { direction: "inbound", caller_name: "Anonymous", caller_number: "anonymous", sip: { privacy: "id" } };
const OUT_CALL = { direction: "outbound", caller_name: "Preview", caller_number: "+14155550199", dialled_number: "+14155550100", sip: { privacy: "id" } };

export class CgPrivacySettings extends CgElement {
  static css = CSS;

  get draft() { return this._draft ?? null; }
  set draft(d) {
    this.followDraft(d, () => this.refresh());
    if (this._connected) this.mount();
  }

  render() {
    this.root.append(h("h2", {}, "Caller-ID privacy and anonymous calls"),
      h("p", { class: "muted" }, "Edits form a draft: the previews show it at once; Apply saves it."));
    this.body = h("div");
    this.root.append(this.body);
    if (this._draft) this.mount();
  }

  load() {
    if (!this._draft) this.draft = new PolicyDraft(this);
    this._draft.load().catch((e) => this.body.replaceChildren(h("div", { class: "banner error", role: "alert" }, e.message)));
  }

  mount() {
    this.form = h("form", { onsubmit: (e) => e.preventDefault() });
    this.effective = h("div", { class: "scroll", "aria-live": "polite", tabindex: "0", role: "region", "aria-label": "Effective result" });
    this.jsonText = h("textarea", { spellcheck: "false", "aria-label": "Policy document (JSON)", part: "json" });
    this.jsonProblems = h("div", { class: "other-problems" });
    const json = h("details", { class: "json" }, h("summary", {}, "JSON view (experts)"),
      this.jsonText, this.jsonProblems,
      h("div", { class: "actions" }, h("button", { type: "button", onclick: () => this.useJson() }, "Use this JSON as the draft")));
    this.body.replaceChildren(this.form, h("h3", {}, "Effective result"), this.effective, json, applyBar(this, this._draft, this.form));
    this.shape = null;
    this.refresh();
  }

  /** Re-renders the form when the draft's shape changed or the change came from elsewhere; always the results. */
  refresh() {
    const d = this._draft;
    if (!d?.loaded || !this.form) return;
    const doc = d.draft;
    const shape = JSON.stringify([doc.accounts?.map((a) => a.id), doc.resources?.map((r) => [r.id, r.gateways?.map((g) => g.id)])]);
    if (!this._selfEdit || shape !== this.shape) this.buildForm(doc);
    this.shape = shape;
    this._selfEdit = false;
    if (this.shadowRoot.activeElement !== this.jsonText) this.jsonText.value = JSON.stringify(doc, null, 2);
    this.showEffective();
  }

  /** A control bound to a JSON path of the draft. */
  bind(control, path, read) {
    control.dataset.path = path;
    control.addEventListener("change", () => {
      this._selfEdit = true;
      this._draft.edit((doc) => setPath(doc, path, read(control)));
    });
    return control;
  }

  modeSelect(path, doc, inherit = true) {
    const v = getPath(doc, path) ?? "";
    return this.bind(select(inherit ? [INHERIT, ...MODES] : [["", "Default (Kazoo)"], ...MODES], v), path, (c) => c.value || undefined);
  }

  triState(path, doc) {
    const v = getPath(doc, path);
    return this.bind(select([["", "Inherit"], ["true", "Reject (433)"], ["false", "Allow"]], v === true ? "true" : v === false ? "false" : ""),
      path, (c) => (c.value === "" ? undefined : c.value === "true"));
  }

  text(path, doc, placeholder) {
    return this.bind(h("input", { value: getPath(doc, path) ?? "", placeholder, autocomplete: "off" }), path, (c) => c.value === "" ? undefined : c.value);
  }

  list(path, doc) {
    return this.bind(h("input", { value: (getPath(doc, path) ?? []).join(", "), autocomplete: "off" }), path,
      (c) => { const l = c.value.split(",").map((s) => s.trim()).filter(Boolean); return l.length ? l : undefined; });
  }

  check(label, path, doc) {
    const id = nextId("c");
    const box = this.bind(h("input", { type: "checkbox", id, checked: getPath(doc, path) === true }), path, (c) => c.checked);
    return h("div", { class: "field" }, h("div", { class: "check" }, box, h("label", { for: id }, label)), h("div", { class: "problems", "data-for": path }));
  }

  buildForm(doc) {
    const f = (label, control) => field(label, control, control.dataset.path);
    const system = h("fieldset", { part: "level level-system" }, h("legend", {}, "System (every account)"),
      h("div", { class: "grid" },
        f("Privacy mode", this.modeSelect("system.privacy_mode", doc, false)),
        f("Anonymous name", this.text("system.anonymous_name", doc, "anonymous")),
        f("Anonymous number", this.text("system.anonymous_number", doc, "0000000000")),
        f("Reject anonymous callers", this.triState("system.block_anonymous_caller_id", doc)),
        this.check("Also treat these caller names as anonymous", "system.check_additional_anonymous_cid_names", doc),
        f("Anonymous caller names", this.list("system.anonymous_cid_names", doc)),
        this.check("Also treat these caller numbers as anonymous", "system.check_additional_anonymous_cid_numbers", doc),
        f("Anonymous caller numbers", this.list("system.anonymous_cid_numbers", doc))));
    const accounts = (doc.accounts ?? []).map((a, i) => h("fieldset", { part: "level level-account", "data-account": a.id },
      h("legend", {}, `Account ${a.id} (${a.country ?? "no country"})`),
      h("div", { class: "grid" },
        f("Privacy mode", this.modeSelect(`accounts[${i}].privacy_mode`, doc)),
        f("Anonymous name", this.text(`accounts[${i}].anonymous_name`, doc, "inherit")),
        f("Anonymous number", this.text(`accounts[${i}].anonymous_number`, doc, "inherit")),
        f("Reject anonymous callers", this.triState(`accounts[${i}].block_anonymous_caller_id`, doc)))));
    const resources = (doc.resources ?? []).map((r, i) => h("fieldset", { part: "level level-resource", "data-resource": r.id },
      h("legend", {}, `Resource (carrier) ${r.id}`),
      h("div", { class: "grid" },
        f("Privacy mode", this.modeSelect(`resources[${i}].privacy_mode`, doc)),
        (r.gateways ?? []).map((g, j) => f(`Gateway ${g.id}`, this.modeSelect(`resources[${i}].gateways[${j}].privacy_mode`, doc))))));
    const newId = h("input", { autocomplete: "off", placeholder: "acc-de" });
    const newCountry = h("input", { autocomplete: "off", placeholder: "DE", maxlength: "2", size: "3" });
    const add = h("div", { class: "row" }, field("New account id", newId), field("Country", newCountry),
      h("button", { type: "button", onclick: () => {
        if (!newId.value.trim()) return newId.focus();
        this._draft.edit((d) => { (d.accounts ??= []).push({ id: newId.value.trim(), country: newCountry.value.trim().toUpperCase() }); });
      } }, "Add account"));
    this.form.replaceChildren(system, h("h3", {}, "Accounts"), ...accounts, add, ...(resources.length ? [h("h3", {}, "Resources (outbound carriers)"), ...resources] : []));
  }

  /**
   * The effective privacy mode per account and route, and whether an anonymous call is rejected: the core's
   * answers, decided from rows as the worker decides (the draft's own entries in place of stored ones).
   */
  async showEffective() {
    const cg = await loadCore();
    const d = this._draft;
    const runId = (this._effId = (this._effId ?? 0) + 1);
    let engine, own;
    try {
      engine = new cg.Engine(d.draft);
      own = ownRows(cg, d.draft);
    } catch {
      engine?.free();
      this.effective.replaceChildren(h("p", { class: "muted" }, "Fix the draft's problems to see the effective result."));
      return;
    }
    try {
      const routes = [[null, null]];
      for (const r of d.draft.resources ?? []) {
        routes.push([r.id, null]);
        for (const g of r.gateways ?? []) routes.push([r.id, g.id]);
      }
      const decide = (event) => decideFromRows(this, engine, event, own);
      const rows = await Promise.all((d.draft.accounts ?? []).map(async (a) => {
        const anon = (await decide({ ...ANON_CALL, account: a.id })).screening;
        const cells = await Promise.all(routes.map(async ([resource, gateway]) => {
          const p = (await decide({ ...OUT_CALL, account: a.id, ...(resource ? { resource } : {}), ...(gateway ? { gateway } : {}) })).presentation;
          return h("td", { "data-route": [resource, gateway].filter(Boolean).join("/") || "none" },
            p.mode, h("br"), h("span", { class: "muted" }, `${p.mode_from.level}${p.mode_from.id ? " " + p.mode_from.id : ""}`));
        }));
        return h("tr", { "data-account": a.id }, h("th", { scope: "row" }, a.id),
          h("td", { "data-anonymous": anon.action }, anon.action === "reject" ? `Rejected ${anon.sip_code}` : "Allowed"), cells);
      }));
      if (runId !== this._effId) return;
      this.effective.replaceChildren(h("table", { part: "effective" },
        h("caption", { class: "sr-only" }, "Effective privacy mode per account and route"),
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Account"), h("th", { scope: "col" }, "Anonymous call"),
          routes.map(([r, g]) => h("th", { scope: "col" }, r ? (g ? `${r} / ${g}` : `${r} (any gateway)`) : "No carrier")))),
        h("tbody", {}, rows)));
    } catch (e) {
      if (runId === this._effId) this.effective.replaceChildren(h("div", { class: "banner error", role: "alert" }, e.message));
    } finally {
      engine.free();
    }
  }

  useJson() {
    let doc;
    try {
      doc = JSON.parse(this.jsonText.value);
    } catch (e) {
      this.jsonProblems.replaceChildren(h("div", { class: "problem", "data-field": "policy", "data-code": "malformed_json" }, h("code", {}, "policy"), ` malformed JSON: ${e.message}`));
      return;
    }
    this.jsonProblems.replaceChildren();
    this._draft.replace(doc);
  }
}

customElements.define("cg-privacy-settings", CgPrivacySettings);
