// <cg-user-blocklist>: a Wazo end user's own blocklist (wazo-confd's self-service routes under the tenant's
// base: GET/POST /users/me/blocklist/numbers, PUT/DELETE /users/me/blocklist/numbers/{uuid}); a user token sees
// and changes only its own entries. Entries are +E.164 with a label. The list is read a page at a time (the
// route's `limit` and `offset`, ordered by number) and searched in number or label (its `search`).
import { CgElement, h, field, select, showProblems, problemsOf } from "./base.js";

const CSS = `
.num { font-family: ui-monospace, monospace; }
.tools { display: flex; flex-wrap: wrap; gap: .6rem; align-items: flex-end; margin-top: .75rem; }
.tools .field { flex: 1 1 12rem; }
.pager { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; margin: .5rem 0; }
`;
const PAGE_SIZES = ["25", "50", "100", "500"];

export class CgUserBlocklist extends CgElement {
  static css = CSS;

  render() {
    this.number = h("input", { name: "number", autocomplete: "off", placeholder: "+33639981299" });
    this.label = h("input", { name: "label", autocomplete: "off", placeholder: "label" });
    this.list = h("div", { class: "scroll", "aria-live": "polite", tabindex: "0", role: "region", "aria-label": "Blocked numbers" });
    this.others = h("div");
    this.offset = 0;
    this.search = h("input", { type: "search", name: "search", autocomplete: "off", placeholder: "+3363 or a label",
      oninput: () => { clearTimeout(this._t); this._t = setTimeout(() => { this.offset = 0; this.load(); }, 250); } });
    this.size = select(PAGE_SIZES, PAGE_SIZES[0], { name: "page-size", onchange: () => { this.offset = 0; this.load(); } });
    this.status = h("span", { class: "muted", role: "status", "data-rows-status": "" });
    this.prev = h("button", { type: "button", "data-action": "prev", disabled: true, onclick: () => this.turn(-1) }, "← Previous");
    this.next = h("button", { type: "button", "data-action": "next", disabled: true, onclick: () => this.turn(1) }, "Next →");
    this.root.append(h("h2", {}, "My blocklist"),
      h("p", { class: "muted" }, "Calls from these numbers do not ring: the caller hears that you are unreachable."),
      h("form", { onsubmit: (e) => { e.preventDefault(); this.add(); } },
        h("div", { class: "row" }, field("Number (+E.164)", this.number, "number"), field("Label", this.label, "label"),
          h("button", { type: "submit", class: "primary", part: "button primary", "data-action": "add" }, "Block"))),
      this.others, h("div", { class: "tools" }, field("Search (number or label)", this.search), field("Page size", this.size)),
      this.list, h("div", { class: "pager" }, this.prev, this.next, this.status));
  }

  turn(step) {
    const size = Number(this.size.value);
    this.offset = Math.max(0, this.offset + step * size);
    this.load();
  }

  /** Reads the page at `offset` (Wazo's `limit`/`offset`, `search`, ordered by number). */
  async load() {
    const size = Number(this.size.value);
    const q = new URLSearchParams({ order: "number", direction: "asc", limit: String(size), offset: String(this.offset) });
    if (this.search.value.trim()) q.set("search", this.search.value.trim());
    const seq = (this._seq = (this._seq ?? 0) + 1);
    try {
      const r = await this.api("GET", `users/me/blocklist/numbers?${q}`);
      if (seq !== this._seq) return;
      this.items = r.body.items ?? [];
      const total = r.body.total ?? this.items.length;
      if (!this.items.length && this.offset > 0 && total > 0) { this.offset = Math.max(0, (Math.ceil(total / size) - 1) * size); return this.load(); }
      this.renderList(total);
      this.prev.disabled = this.offset === 0;
      this.next.disabled = this.offset + this.items.length >= total;
      this.status.textContent = this.items.length
        ? `${this.offset + 1}–${this.offset + this.items.length} of ${total}${this.search.value.trim() ? " found" : ""}` : "";
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
            h("button", { type: "button", "aria-label": `Unblock ${e.number}`, "data-action": "unblock", onclick: () => this.remove(e) }, "Unblock")));
      })), h("p", { class: "muted" }, `${total} number${total === 1 ? "" : "s"}${this.search.value.trim() ? " found" : ""}`))
      : h("p", { class: "muted" }, this.search.value.trim() ? "No blocked number matches." : "No blocked numbers."));
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

  /**
   * Changes an entry as the page shows it: read again (its ETag), changed only if it is still as shown, and
   * written with If-Match; a change made meanwhile (from another device) is shown, not overwritten.
   */
  async guarded(entry, write) {
    const path = `users/me/blocklist/numbers/${encodeURIComponent(entry.uuid)}`;
    try {
      let cur;
      try {
        cur = await this.api("GET", path);
      } catch (e) {
        if (e.status !== 404) throw e;
        return this.conflict(`${entry.number} is no longer on your list (removed elsewhere).`);
      }
      if (cur.body.number !== entry.number || (cur.body.label ?? null) !== (entry.label ?? null))
        return this.conflict(`${entry.number} was changed elsewhere since this page was read (label now ${cur.body.label ? `"${cur.body.label}"` : "none"}): nothing was changed.`);
      await write(path, cur.etag);
      showProblems(this.root, [], this.others);
      await this.load();
    } catch (e) {
      if (e.status === 412) return this.conflict(`${entry.number} was changed elsewhere a moment ago: nothing was changed.`);
      showProblems(this.root, problemsOf(e), this.others);
    }
  }

  /** Shows a change made elsewhere (kept), and the list as it is now. */
  async conflict(text) {
    await this.load();
    this.others.replaceChildren(h("div", { class: "banner error", role: "alert", "data-conflict": "" }, text));
  }

  relabel(entry, label) {
    return this.guarded(entry, async (path, etag) => {
      await this.api("PUT", path, { body: { number: entry.number, label: label || null }, ifMatch: etag });
      this.emit("saved", { updated: entry.uuid });
    });
  }

  remove(entry) {
    return this.guarded(entry, async (path, etag) => {
      await this.api("DELETE", path, { ifMatch: etag });
      this.emit("saved", { removed: entry.uuid });
    });
  }
}

customElements.define("cg-user-blocklist", CgUserBlocklist);
