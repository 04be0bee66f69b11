// <cg-user-blocklist>: a Wazo end user's own blocklist (wazo-confd's self-service routes under the tenant's
// base: GET/POST /users/me/blocklist/numbers, PUT/DELETE /users/me/blocklist/numbers/{uuid}); a user token sees
// and changes only its own entries. Entries are +E.164 with a label.
import { CgElement, h, field, showProblems, problemsOf } from "./base.js";

const CSS = `
.num { font-family: ui-monospace, monospace; }
`;

export class CgUserBlocklist extends CgElement {
  static css = CSS;

  render() {
    this.number = h("input", { name: "number", autocomplete: "off", placeholder: "+33639981299" });
    this.label = h("input", { name: "label", autocomplete: "off", placeholder: "label" });
    this.list = h("div", { class: "scroll", "aria-live": "polite", tabindex: "0", role: "region", "aria-label": "Blocked numbers" });
    this.others = h("div");
    this.root.append(h("h2", {}, "My blocklist"),
      h("p", { class: "muted" }, "Calls from these numbers do not ring: the caller hears that you are unreachable."),
      h("form", { onsubmit: (e) => { e.preventDefault(); this.add(); } },
        h("div", { class: "row" }, field("Number (+E.164)", this.number, "number"), field("Label", this.label, "label"),
          h("button", { type: "submit", class: "primary", part: "button primary", "data-action": "add" }, "Block"))),
      this.others, this.list);
  }

  async load() {
    try {
      const r = await this.api("GET", "users/me/blocklist/numbers");
      this.items = r.body.items ?? [];
      this.renderList(r.body.total ?? this.items.length);
    } catch (e) {
      this.list.replaceChildren(h("div", { class: "banner error", role: "alert" }, e.message));
    }
  }

  renderList(total) {
    this.list.replaceChildren(this.items.length ? h("table", { part: "entries" }, h("caption", { class: "sr-only" }, "Blocked numbers"),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Number"), h("th", { scope: "col" }, "Label"), h("th", { scope: "col" }, h("span", { class: "sr-only" }, "Actions")))),
      h("tbody", {}, this.items.map((e) => {
        const label = h("input", { value: e.label ?? "", "aria-label": `Label of ${e.number}`, autocomplete: "off" });
        return h("tr", { "data-uuid": e.uuid, "data-number": e.number }, h("td", { class: "num" }, e.number), h("td", {}, label),
          h("td", {}, h("button", { type: "button", onclick: () => this.relabel(e, label.value) }, "Save label"), " ",
            h("button", { type: "button", "aria-label": `Unblock ${e.number}`, onclick: () => this.remove(e) }, "Unblock")));
      })), h("p", { class: "muted" }, `${total} number${total === 1 ? "" : "s"}`))
      : h("p", { class: "muted" }, "No blocked numbers."));
  }

  async add() {
    const body = { number: this.number.value.trim() };
    if (this.label.value.trim()) body.label = this.label.value.trim();
    try {
      const r = await this.api("POST", "users/me/blocklist/numbers", { body });
      showProblems(this.root, [], this.others);
      this.number.value = "";
      this.label.value = "";
      this.emit("saved", { added: r.body });
      await this.load();
    } catch (e) {
      showProblems(this.root, problemsOf(e), this.others);
    }
  }

  async relabel(entry, label) {
    try {
      await this.api("PUT", `users/me/blocklist/numbers/${encodeURIComponent(entry.uuid)}`, { body: { number: entry.number, label } });
      this.emit("saved", { updated: entry.uuid });
      await this.load();
    } catch (e) {
      showProblems(this.root, problemsOf(e), this.others);
    }
  }

  async remove(entry) {
    try {
      await this.api("DELETE", `users/me/blocklist/numbers/${encodeURIComponent(entry.uuid)}`);
      this.emit("saved", { removed: entry.uuid });
      await this.load();
    } catch (e) {
      showProblems(this.root, problemsOf(e), this.others);
    }
  }
}

customElements.define("cg-user-blocklist", CgUserBlocklist);
