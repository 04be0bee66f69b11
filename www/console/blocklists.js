// <cg-blocklists>: account blocklists in the Monster UI flow (seed 001): a list has a name, numbers and a
// "Block Anonymous" switch; then, per account, lists move from Available to Selected and Update saves. Edits go
// to the shared policy draft (so the call preview shows their effect at once) and are saved with If-Match. The
// numbers of a list already stored are rows, managed page by page through the list's own routes (list-rows.js).
import { CgElement, h, field, select } from "./base.js";
import { PolicyDraft } from "./draft.js";
import { applyBar } from "./applybar.js";
import { ListRows, LIST_ROWS_CSS } from "./list-rows.js";

const PAGE_SIZE = 25;

const CSS = `
.lists { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 16rem), 1fr)); gap: 1rem; }
.box { border: 1px solid var(--cg-border, #d6dbe1); border-radius: 4px; padding: .5rem; min-width: 0; }
ul.pick { list-style: none; margin: 0; padding: 0; min-height: 3rem; }
ul.pick li { padding: .25rem .4rem; border-radius: 3px; cursor: grab; }
ul.pick li[aria-selected="true"] { background: var(--cg-accent, #0b57d0); color: var(--cg-on-accent, #fff); }
.switch { display: inline-flex; align-items: center; gap: .4rem; }
button[role="switch"] { min-width: 3.2rem; }
button[role="switch"][aria-checked="true"] { background: var(--cg-ok, #0f5223); color: #fff; border-color: var(--cg-ok, #0f5223); }
.numbers li { font-family: ui-monospace, monospace; }
${LIST_ROWS_CSS}`;


/** The policy document's entry as written: a string or { number, label }. */
const entryNumber = (e) => (typeof e === "string" ? e : e.number);

export class CgBlocklists extends CgElement {
  static css = CSS;

  get draft() { return this._draft ?? null; }
  set draft(d) {
    this.followDraft(d, () => this.refresh());
    if (this._connected) this.refresh();
  }

  render() {
    this.editing = null; // id of the list being edited
    this.page = 0;
    this.listsBox = h("div", { part: "lists" });
    this.editor = h("div", { part: "editor" });
    this.assign = h("div", { part: "assign" });
    this.bar = h("div");
    this.root.append(h("h2", {}, "Blocklists"),
      h("p", { class: "muted" }, "Create a list, add numbers, switch Block Anonymous on, then select the list for an account and Update."),
      this.listsBox, this.editor, h("h3", {}, "Account settings: blocklists"), this.assign, this.bar);
  }

  /**
   * Whether a list's numbers are rows managed through the list's routes: a list already stored by a worker with
   * list resources (`…/blacklists`). Its numbers are then never edited in the draft (a document written with
   * `numbers` replaces the rows); a list created in the draft keeps its numbers there until Apply stores it.
   */
  storedList(list) {
    return this.listRoutes === true && (this._draft?.stored?.policy.blocklists ?? []).some((l) => l.id === list.id);
  }

  /** Reads whether the worker has list resources, and each stored list's entry count. */
  async readLists() {
    try {
      const r = await this.api("GET", "blacklists?page_size=1000");
      this.listRoutes = true;
      this.counts = new Map(r.body.data.map((l) => [l.id, l.entries]));
    } catch {
      this.listRoutes = false;
    }
  }

  /** After a list's entries changed through its routes: the counts, and the draft follows the new policy version. */
  async rowsChanged() {
    await Promise.all([this.readLists(), this._draft.sync()]);
  }

  load() {
    this.readLists().then(() => this.refresh());
    if (!this._draft) this.draft = new PolicyDraft(this);
    this._draft.load().catch((e) => this.listsBox.replaceChildren(h("div", { class: "banner error", role: "alert" }, e.message)));
  }

  refresh() {
    const d = this._draft;
    if (!d?.loaded) return;
    if (!this.bar.firstChild) this.bar.append(applyBar(this, d, this.root));
    const lists = d.draft.blocklists ?? [];
    this.listsBox.replaceChildren(
      h("table", {}, h("caption", { class: "sr-only" }, "Blocklists"),
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Name"), h("th", { scope: "col" }, "Numbers"), h("th", { scope: "col" }, "Block Anonymous"), h("th", { scope: "col" }, h("span", { class: "sr-only" }, "Actions")))),
        h("tbody", {}, lists.map((l) => h("tr", { "data-list": l.id },
          h("td", {}, l.name), h("td", {}, this.storedList(l) ? (this.counts?.has(l.id) ? this.counts.get(l.id).toLocaleString("en") : "—")
            : String((l.numbers ?? []).length + (l.prefixes ?? []).length)),
          h("td", {}, l.block_anonymous ? "On" : "Off"),
          h("td", {}, h("button", { type: "button", "aria-label": `Edit ${l.name}`, onclick: () => { this.editing = l.id; this.page = 0; this.refresh(); } }, "Edit")))))),
      h("div", { class: "actions" }, h("button", { type: "button", "data-action": "new-list", onclick: () => this.newList() }, "+ Add blocklist")));
    this.renderEditor(lists.find((l) => l.id === this.editing));
    this.renderAssign();
  }

  newList() {
    const lists = this._draft.draft.blocklists ?? [];
    let n = lists.length + 1;
    while (lists.some((l) => l.id === `list-${n}`)) n++;
    this.editing = `list-${n}`;
    this._draft.edit((doc) => { (doc.blocklists ??= []).push({ id: `list-${n}`, name: `New list ${n}`, numbers: [] }); });
  }

  /** The list editor: name, Block Anonymous, numbers (search and paging), add and remove. */
  renderEditor(list) {
    if (!list) return this.editor.replaceChildren();
    const i = this._draft.draft.blocklists.indexOf(list);
    // By id, not index: a control kept across renders still edits its own list.
    const edit = (fn) => this._draft.edit((doc) => fn(doc.blocklists.find((l) => l.id === list.id)));
    const name = h("input", { name: "list-name", value: list.name, autocomplete: "off", onchange: () => edit((l) => { l.name = name.value; }) });
    const anon = h("button", { type: "button", role: "switch", "aria-checked": String(!!list.block_anonymous), "aria-label": "Block Anonymous",
      "data-action": "block-anonymous", onclick: () => edit((l) => { l.block_anonymous = !l.block_anonymous; }) }, list.block_anonymous ? "On" : "Off");
    const close = h("button", { type: "button", onclick: () => { this.editing = null; this.refresh(); } }, "Close");
    const remove = h("button", { type: "button", onclick: () => { this.editing = null; this._draft.edit((doc) => {
      doc.blocklists = doc.blocklists.filter((l) => l.id !== list.id);
      for (const a of doc.accounts ?? []) if (a.blocklists) a.blocklists = a.blocklists.filter((id) => id !== list.id);
    }); } }, "Delete list");
    if (this.storedList(list)) {
      // The rows' table keeps its page, search and import across draft changes (one per list, built once).
      this.rowTables ??= new Map();
      if (!this.rowTables.has(list.id)) this.rowTables.set(list.id, new ListRows(this, list, () => this.rowsChanged()));
      const rows = this.rowTables.get(list.id);
      const shown = this.editor.firstChild;
      if (shown?.dataset.editing === list.id && shown.contains(rows.root)) {
        // Same list: update the draft's fields in place, so focus stays where it is.
        const n = shown.querySelector('[name="list-name"]');
        if (this.shadowRoot.activeElement !== n) n.value = list.name;
        const a = shown.querySelector('[data-action="block-anonymous"]');
        a.setAttribute("aria-checked", String(!!list.block_anonymous));
        a.textContent = list.block_anonymous ? "On" : "Off";
        shown.querySelector("h3").textContent = `Blocklist: ${list.name}`;
        return;
      }
      this.editor.replaceChildren(h("div", { class: "box", part: "list-editor", "data-editing": list.id },
        h("h3", {}, `Blocklist: ${list.name}`),
        h("div", { class: "row" }, field("Name", name, `blocklists[${i}].name`),
          h("div", { class: "field" }, h("span", { class: "label" }, "Block Anonymous"), anon)),
        rows.root, h("div", { class: "actions" }, close, remove)));
      return;
    }
    const number = h("input", { name: "number", autocomplete: "off", placeholder: "+1 415 555 0100" });
    const label = h("input", { name: "label", autocomplete: "off", placeholder: "label (optional)" });
    const add = () => {
      if (!number.value.trim()) return number.focus();
      const entry = label.value.trim() ? { number: number.value.trim(), label: label.value.trim() } : number.value.trim();
      edit((l) => { (l.numbers ??= []).push(entry); });
      this._focusNumber = true;
    };
    number.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); add(); } });
    const search = h("input", { type: "search", name: "search", value: this.search ?? "", autocomplete: "off", placeholder: "search numbers",
      oninput: () => { this.search = search.value; this.page = 0; this.renderNumbers(list, i, numbersBox); } });
    const numbersBox = h("div");
    this.editor.replaceChildren(h("div", { class: "box", part: "list-editor", "data-editing": list.id },
      h("h3", {}, `Blocklist: ${list.name}`),
      h("div", { class: "row" }, field("Name", name, `blocklists[${i}].name`),
        h("div", { class: "field" }, h("span", { class: "label" }, "Block Anonymous"), anon)),
      h("div", { class: "row" }, field("Number", number, `blocklists[${i}].numbers`), field("Label", label),
        h("button", { type: "button", "data-action": "add-number", onclick: add }, "Add number")),
      field("Search", search), numbersBox,
      h("div", { class: "actions" }, close, remove)));
    this.renderNumbers(list, i, numbersBox);
    if (this._focusNumber) { this._focusNumber = false; this.editor.querySelector('[name="number"]').focus(); }
  }

  renderNumbers(list, i, box) {
    const q = (this.search ?? "").replace(/[^0-9+]/g, "");
    const all = (list.numbers ?? []).map((e, k) => [e, k]).filter(([e]) => !q || entryNumber(e).replace(/[^0-9+]/g, "").includes(q));
    const pages = Math.max(1, Math.ceil(all.length / PAGE_SIZE));
    this.page = Math.min(this.page, pages - 1);
    const shown = all.slice(this.page * PAGE_SIZE, (this.page + 1) * PAGE_SIZE);
    box.replaceChildren(
      h("ul", { class: "numbers", "aria-label": "Numbers" }, shown.map(([e, k]) => h("li", { "data-number": entryNumber(e) },
        entryNumber(e), typeof e === "object" && e.label ? ` (${e.label})` : "", " ",
        h("button", { type: "button", "aria-label": `Remove ${entryNumber(e)}`,
          onclick: () => this._draft.edit((doc) => { doc.blocklists[i].numbers.splice(k, 1); }) }, "Remove"),
        h("div", { class: "problems", "data-for": `blocklists[${i}].numbers[${k}]` })))),
      h("div", { class: "actions" },
        h("button", { type: "button", disabled: this.page === 0, onclick: () => { this.page--; this.renderNumbers(list, i, box); } }, "Previous"),
        h("span", { class: "muted", "data-page": "" }, `${all.length} number${all.length === 1 ? "" : "s"}, page ${this.page + 1} of ${pages}`),
        h("button", { type: "button", disabled: this.page >= pages - 1, onclick: () => { this.page++; this.renderNumbers(list, i, box); } }, "Next")));
  }

  /** Available → Selected per account (buttons, double-click, keyboard and drag and drop). */
  renderAssign() {
    const doc = this._draft.draft;
    const accounts = doc.accounts ?? [];
    if (!accounts.length) return this.assign.replaceChildren(h("p", { class: "muted" }, "No account in the policy yet."));
    this.account = accounts.some((a) => a.id === this.account) ? this.account : accounts[0].id;
    const ai = accounts.findIndex((a) => a.id === this.account);
    const selectedIds = accounts[ai].blocklists ?? [];
    const lists = doc.blocklists ?? [];
    const available = lists.filter((l) => !selectedIds.includes(l.id));
    const selected = selectedIds.map((id) => lists.find((l) => l.id === id) ?? { id, name: id });
    const move = (id, to) => this._draft.edit((d) => {
      const a = d.accounts[ai];
      const cur = a.blocklists ?? [];
      a.blocklists = to === "selected" ? [...cur.filter((x) => x !== id), id] : cur.filter((x) => x !== id);
    });
    const box = (title, items, to) => {
      const ul = h("ul", { class: "pick", role: "listbox", tabindex: "0", "aria-label": title, "data-box": to === "selected" ? "available" : "selected",
        ondragover: (e) => e.preventDefault(),
        ondrop: (e) => { e.preventDefault(); const id = e.dataTransfer.getData("text/plain"); if (id) move(id, to === "selected" ? "available" : "selected"); } },
      items.map((l) => h("li", { role: "option", "aria-selected": "false", "data-list": l.id, draggable: "true",
        ondragstart: (e) => e.dataTransfer.setData("text/plain", l.id),
        ondblclick: () => move(l.id, to),
        onclick: (e) => { for (const o of ul.children) o.setAttribute("aria-selected", String(o === e.currentTarget)); } }, l.name)));
      ul.addEventListener("keydown", (e) => {
        const opts = [...ul.children];
        let i = opts.findIndex((o) => o.getAttribute("aria-selected") === "true");
        if (e.key === "ArrowDown" || e.key === "ArrowUp") {
          i = Math.max(0, Math.min(opts.length - 1, i + (e.key === "ArrowDown" ? 1 : -1)));
          opts.forEach((o, k) => o.setAttribute("aria-selected", String(k === i)));
          e.preventDefault();
        } else if (e.key === "Enter" && i >= 0) { move(opts[i].dataset.list, to); e.preventDefault(); }
      });
      const moveSel = () => { const o = ul.querySelector('[aria-selected="true"]'); if (o) move(o.dataset.list, to); };
      return h("div", { class: "box" }, h("h3", {}, title), ul,
        h("button", { type: "button", "data-action": to === "selected" ? "select" : "unselect", onclick: moveSel }, to === "selected" ? "Add to Selected →" : "← Back to Available"));
    };
    const acc = select(accounts.map((a) => a.id), this.account, { name: "account", onchange: () => { this.account = acc.value; this.renderAssign(); } });
    this.assign.replaceChildren(field("Account", acc, `accounts[${ai}].blocklists`),
      h("div", { class: "lists" }, box("Available", available, "selected"), box("Selected", selected, "available")),
      h("p", { class: "muted" }, "Select a list and use the buttons or Enter (double-click and drag and drop work too); Apply below saves (Monster UI's Update)."));
  }
}

customElements.define("cg-blocklists", CgBlocklists);
