// The numbers of an account blocklist stored as rows, managed through the list's own routes (docs/blocklists.md),
// at any size: a table of one page at a time (the route's `start_key` cursor; never the whole list), a search by
// number prefix, adding and removing one number (a change someone else made meanwhile is shown, never
// overwritten), a CSV import whose progress bar is fed by the import's own progress (`GET …/imports/{id}`) while
// the file uploads, ending in its report, and a CSV export. Used by <cg-blocklists>; it decides nothing.
import { h, field, select, showProblems, problemsOf } from "./base.js";

const PAGE_SIZES = ["25", "50", "100", "500"];
/** How often the import's progress is read while the upload runs. */
const POLL_MS = 200;
/** Files up to this size have their lines counted first, so the progress shows lines of a total too. */
const COUNT_LIMIT = 64 << 20;

export const LIST_ROWS_CSS = `
.rows-tools { display: flex; flex-wrap: wrap; gap: .6rem; align-items: flex-end; }
.rows-tools .field { flex: 1 1 12rem; }
.rows-tools .field.narrow { flex: 0 1 7rem; }
table.rows td.num { font-family: ui-monospace, monospace; white-space: nowrap; }
.pager { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; margin: .5rem 0; }
.import-report dl.kv { margin: .4rem 0; }
.import-progress { display: grid; gap: .25rem; margin: .5rem 0; }
table.import-problems td:nth-child(-n+3) { white-space: nowrap; }
`;

const fmt = (n) => Number(n).toLocaleString("en");
const mib = (b) => (b >= 1 << 20 ? `${(b / (1 << 20)).toFixed(1)} MiB` : `${(b / 1024).toFixed(1)} KiB`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Lines in a file as the import counts them (the header included; a last line without a newline counts). */
async function countLines(file) {
  let n = 0;
  let last = 10;
  const reader = file.stream().getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    for (let i = value.indexOf(10); i !== -1; i = value.indexOf(10, i + 1)) n++;
    if (value.length) last = value[value.length - 1];
  }
  return n + (file.size > 0 && last !== 10 ? 1 : 0);
}

/**
 * One stored list's numbers. `el` is the console element whose connection and events are used; `onChange()`
 * runs after the list's entries changed (a number added or removed, an import done).
 */
export class ListRows {
  constructor(el, list, onChange) {
    this.el = el;
    this.id = list.id;
    this.name = list.name;
    this.onChange = onChange;
    this.size = Number(PAGE_SIZES[0]);
    this.prefix = "";
    this.cursors = [null]; // the start key of every page read so far: the last is the page shown
    this.rows = [];
    this.seq = 0;
    this.build();
    this.load();
  }

  get path() { return `blacklists/${encodeURIComponent(this.id)}`; }

  build() {
    this.search = h("input", { type: "search", name: "prefix", autocomplete: "off", placeholder: "+3317036", inputmode: "tel",
      oninput: () => { clearTimeout(this._t); this._t = setTimeout(() => this.setPrefix(), 250); },
      onkeydown: (e) => { if (e.key === "Enter") { e.preventDefault(); clearTimeout(this._t); this.setPrefix(); } } });
    this.sizeSelect = select(PAGE_SIZES, String(this.size), { name: "page-size",
      onchange: () => { this.size = Number(this.sizeSelect.value); this.cursors = [null]; this.load(); } });
    this.status = h("p", { class: "muted", role: "status", "data-rows-status": "" });
    this.table = h("div", { class: "scroll", tabindex: "0", role: "region", "aria-label": `Numbers of ${this.name}` });
    this.prev = h("button", { type: "button", "data-action": "prev", disabled: true, onclick: () => this.turn(-1) }, "← Previous");
    this.next = h("button", { type: "button", "data-action": "next", disabled: true, onclick: () => this.turn(1) }, "Next →");
    this.messages = h("div", { "aria-live": "polite" });
    this.number = h("input", { name: "number", autocomplete: "off", placeholder: "+1 415 555 0100", inputmode: "tel" });
    this.label = h("input", { name: "label", autocomplete: "off", placeholder: "label (optional)" });
    this.addForm = h("form", { class: "rows-tools", onsubmit: (e) => { e.preventDefault(); this.add(); } },
      field("Number", this.number, "number"), field("Label", this.label, "data.name"),
      h("button", { type: "submit", "data-action": "add-number" }, "Add number"));
    this.file = h("input", { type: "file", name: "import-file", accept: ".csv,text/csv" });
    this.mode = select([["all", "Import nothing (all or nothing)"], ["partial", "Import the other lines"]], "all", { name: "import-mode" });
    this.bar = h("progress", { max: "1", value: "0", part: "import-progress", "aria-label": `Import into ${this.name}`, hidden: true });
    this.barText = h("span", { class: "muted", "data-import-status": "" });
    this.report = h("div", { class: "import-report", "aria-live": "polite" });
    const sizeField = field("Page size", this.sizeSelect);
    sizeField.classList.add("narrow");
    this.importForm = h("form", { class: "rows-tools", onsubmit: (e) => { e.preventDefault(); this.import(); } },
      field("CSV file", this.file, "import"), field("When a line cannot be imported", this.mode),
      h("button", { type: "submit", "data-action": "import" }, "Import"));
    this.root = h("div", { class: "list-rows", part: "list-rows", "data-rows": this.id },
      h("h4", { class: "sr-only" }, "Numbers"),
      h("div", { class: "rows-tools" }, field("Search by number prefix", this.search, "prefix"),
        sizeField),
      this.status, this.table, h("div", { class: "pager" }, this.prev, this.next),
      this.messages, this.addForm,
      h("div", { part: "import" }, h("h3", {}, "Import numbers (CSV)"),
        h("p", { class: "muted" }, "A header row ", h("code", {}, "number"), " or ", h("code", {}, "number,label"),
          ", then one number a line, in any format the list reads. The file streams to the worker; the bar follows the import."),
        this.importForm,
        h("div", { class: "import-progress" }, this.bar, this.barText), this.report),
      h("div", { class: "actions" }, h("button", { type: "button", "data-action": "export", onclick: () => this.export() }, "Export CSV"),
        h("span", { class: "muted" }, "every entry of the list, as number,label,kind")));
  }

  setPrefix() {
    const v = this.search.value.trim();
    if (v === this.prefix) return;
    this.prefix = v;
    this.cursors = [null];
    this.load();
  }

  turn(step) {
    if (step > 0 && this.nextKey) this.cursors.push(this.nextKey);
    else if (step < 0 && this.cursors.length > 1) this.cursors.pop();
    else return;
    this.load();
  }

  /** Reads the page the cursor points at (the route's `page_size`, `start_key`, `prefix`). */
  async load() {
    const q = new URLSearchParams({ page_size: String(this.size) });
    const start = this.cursors.at(-1);
    if (start) q.set("start_key", start);
    if (this.prefix) q.set("prefix", this.prefix);
    const seq = ++this.seq;
    try {
      const r = await this.el.api("GET", `${this.path}/numbers?${q}`);
      if (seq !== this.seq) return;
      showProblems(this.search.closest(".rows-tools"), []);
      this.rows = r.body.data;
      this.nextKey = r.body.next_start_key ?? null;
      this.total = r.body.total;
      this.renderPage();
    } catch (e) {
      if (seq !== this.seq) return;
      showProblems(this.search.closest(".rows-tools"), problemsOf(e).map((p) => (p.field === "prefix" ? p : { ...p, field: "prefix" })));
    }
  }

  renderPage() {
    const page = this.cursors.length;
    const first = (page - 1) * this.size + 1;
    this.status.textContent = this.prefix
      ? `${fmt(this.rows.length)} number${this.rows.length === 1 ? "" : "s"} starting ${this.prefix} on page ${page}${this.nextKey ? " (more on the next pages)" : ""}; ${fmt(this.total)} in the list`
      : this.rows.length ? `Numbers ${fmt(first)}–${fmt(first + this.rows.length - 1)} of ${fmt(this.total)} (page ${page})` : `No numbers in the list`;
    this.table.replaceChildren(h("table", { class: "rows", part: "rows" },
      h("caption", { class: "sr-only" }, `Numbers of ${this.name}, page ${page}`),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Number"), h("th", { scope: "col" }, "As written"), h("th", { scope: "col" }, "Label"),
        h("th", { scope: "col" }, h("span", { class: "sr-only" }, "Actions")))),
      h("tbody", {}, this.rows.map((row) => h("tr", { "data-number": row.number },
        h("td", { class: "num" }, row.number), h("td", {}, row.written), h("td", {}, row.name ?? "—"),
        h("td", {}, h("button", { type: "button", "data-action": "remove", "aria-label": `Remove ${row.number}`, onclick: () => this.remove(row) }, "Remove")))))));
    this.prev.disabled = page === 1;
    this.next.disabled = !this.nextKey;
  }

  /**
   * A message over the add form: `kind` ok | info | error | conflict (a change someone else made: shown, and
   * nothing of it overwritten).
   */
  say(kind, text, ...actions) {
    const alert = kind === "conflict" || kind === "error";
    this.messages.replaceChildren(h("div", { class: `banner ${alert ? "error" : kind}`, role: alert ? "alert" : "status",
      ...(kind === "conflict" ? { "data-conflict": "" } : { "data-notice": kind }) }, text, actions.length ? h("div", { class: "actions" }, actions) : null));
  }

  async changed(detail) {
    this.el.emit("saved", { list: this.id, ...detail });
    await Promise.all([this.load(), this.onChange?.()]);
  }

  /** Adds a number: never over an entry someone else has added meanwhile (that one is shown instead). */
  async add() {
    const raw = this.number.value.trim();
    if (!raw) return this.number.focus();
    const label = this.label.value.trim();
    const path = `${this.path}/numbers/${encodeURIComponent(raw)}`;
    showProblems(this.addForm, []);
    try {
      let existing = null;
      try {
        existing = (await this.el.api("GET", path)).body.data;
      } catch (e) {
        if (e.status !== 404 || e.field !== "number") throw e;
      }
      if (existing) {
        this.say("conflict", `${existing.number} is already on this list (written ${existing.written}${existing.name ? `, label "${existing.name}"` : ""}): nothing was changed.`);
        return;
      }
      const r = await this.el.api("PUT", path, { body: { data: label ? { name: label } : {} } });
      const e = r.body.data;
      if (r.status === 201) this.say("ok", `Added ${e.number}${e.written !== e.number ? ` (written ${e.written})` : ""}.`);
      else this.say("info", `${e.number} was added by someone else a moment ago; its label is now yours.`);
      this.number.value = "";
      this.label.value = "";
      this.number.focus();
      await this.changed({ added: e.number });
    } catch (e) {
      showProblems(this.addForm, problemsOf(e), this.messages);
    }
  }

  /**
   * Removes a number as the page shows it: the entry is read again (its ETag) and removed with If-Match, so an
   * entry someone else changed since the page was read is shown to the user instead of removed.
   */
  async remove(row, force = false) {
    const path = `${this.path}/numbers/${encodeURIComponent(row.number)}`;
    try {
      let cur;
      try {
        cur = await this.el.api("GET", path);
      } catch (e) {
        if (e.status !== 404 || e.field !== "number") throw e;
        this.say("info", `${row.number} was already removed by someone else.`);
        return this.load();
      }
      const now = cur.body.data;
      if (!force && (now.written !== row.written || (now.name ?? null) !== (row.name ?? null))) {
        this.say("conflict", `${row.number} was changed by someone else since this page was read (now written ${now.written}, label ${now.name ? `"${now.name}"` : "none"}): nothing was removed.`,
          h("button", { type: "button", "data-action": "remove-anyway", onclick: () => this.remove(now, true) }, `Remove ${row.number} anyway`));
        return this.load();
      }
      await this.el.api("DELETE", path, { ifMatch: cur.etag });
      this.say("ok", `Removed ${row.number}.`);
      await this.changed({ removed: row.number });
    } catch (e) {
      if (e.status === 412) {
        this.say("conflict", `${row.number} was changed by someone else a moment ago: nothing was removed. The page shows it as it is now.`);
        return this.load();
      }
      this.say("error", e.message);
    }
  }

  /** Shows an import's progress: the bar (bytes of the total, else lines of the total) and the counts. */
  progress(r) {
    const frac = r.total_bytes ? r.processed_bytes / r.total_bytes : r.total_lines ? r.processed_lines / r.total_lines : null;
    if (frac === null) this.bar.removeAttribute("value");
    else this.bar.value = r.status === "done" ? 1 : Math.min(1, frac);
    const lines = `${fmt(r.processed_lines)}${r.total_lines ? ` of ${fmt(r.total_lines)}` : ""} lines`;
    const bytes = `${mib(r.processed_bytes)}${r.total_bytes ? ` of ${mib(r.total_bytes)}` : ""}`;
    this.bar.setAttribute("aria-valuetext", `${lines}, ${bytes}`);
    this.barText.textContent = `${r.status === "running" ? "Importing" : r.status === "done" ? "Imported" : "Failed"}: ${lines} (${bytes})${r.problem_count ? `, ${fmt(r.problem_count)} problem${r.problem_count === 1 ? "" : "s"}` : ""}`;
    this.el.emit("importprogress", { list: this.id, id: r.id, status: r.status, value: frac === null ? null : this.bar.value,
      processed_lines: r.processed_lines, total_lines: r.total_lines, processed_bytes: r.processed_bytes, total_bytes: r.total_bytes });
  }

  /** Uploads the chosen CSV as one streamed import and follows it; ends with its report. */
  async import() {
    const file = this.file.files[0];
    if (!file) { this.file.focus(); return this.report.replaceChildren(h("p", { class: "problem" }, "Choose a CSV file first.")); }
    const id = `console-${crypto.randomUUID()}`;
    this.report.replaceChildren();
    this.bar.hidden = false;
    this.bar.value = 0;
    this.barText.textContent = `Reading ${file.name}…`;
    const totalLines = file.size <= COUNT_LIMIT ? await countLines(file) : null;
    const q = new URLSearchParams({ format: "csv", mode: this.mode.value, import_id: id });
    if (totalLines !== null) q.set("total_lines", String(totalLines));
    this.barText.textContent = `Uploading ${file.name} (${mib(file.size)})…`;
    let finished = false;
    const upload = this.el.api("POST", `${this.path}/import?${q}`, { body: file, type: "text/csv" })
      .then((r) => ({ report: r.body }), (error) => ({ error }))
      .finally(() => { finished = true; });
    while (!finished) {
      try {
        const r = await this.el.api("GET", `imports/${id}`);
        if (!finished) this.progress(r.body);
      } catch (e) {
        if (e.status !== 404) break; // 404: the upload has not reached the list's object yet
      }
      await Promise.race([upload, sleep(POLL_MS)]);
    }
    const { report: ok, error } = await upload;
    const report = ok ?? error?.detail?.import ?? null;
    if (report) this.progress(report);
    else this.bar.hidden = true;
    this.showReport(report, error);
    if (report?.status === "done" && report.imported > 0) await this.changed({ imported: report.imported, import: id });
  }

  showReport(report, error) {
    const problems = [...(report?.problems ?? [])].sort((a, b) => a.line - b.line);
    this.report.replaceChildren(...[
      error ? h("div", { class: "banner error", role: "alert", "data-import-error": error.code }, h("code", {}, error.field ?? ""), " ", error.message) : null,
      report ? h("dl", { class: "kv", "data-import-report": report.status, "data-import-id": report.id },
        h("dt", {}, "Status"), h("dd", { "data-key": "status" }, report.status),
        h("dt", {}, "Lines read"), h("dd", { "data-key": "processed_lines" }, fmt(report.processed_lines)),
        h("dt", {}, "Numbers imported"), h("dd", { "data-key": "imported" }, fmt(report.imported)),
        h("dt", {}, "Problems"), h("dd", { "data-key": "problem_count" }, fmt(report.problem_count))) : null,
      problems.length ? h("div", { class: "scroll", tabindex: "0", role: "region", "aria-label": "Lines not imported" },
        h("table", { class: "import-problems", part: "import-problems", "data-import-problems": "" },
          h("caption", {}, report.problem_count > problems.length ? `The first ${problems.length} of ${fmt(report.problem_count)} problems` : "Lines not imported"),
          h("thead", {}, h("tr", {}, ["Line", "Field", "Code", "Message"].map((c) => h("th", { scope: "col" }, c)))),
          h("tbody", {}, problems.map((p) => h("tr", { "data-line": p.line },
            h("td", {}, String(p.line)), h("td", {}, h("code", {}, p.field)), h("td", {}, h("code", {}, p.code)), h("td", {}, p.message)))))) : null,
    ].filter(Boolean));
  }

  /** Downloads the list as CSV (the export route's stream, saved by the browser). */
  async export() {
    try {
      const res = await this.el.api("GET", `${this.path}/export`, { raw: true });
      const url = URL.createObjectURL(await res.blob());
      const a = h("a", { href: url, download: `blacklist-${this.id}.csv`, hidden: true });
      this.root.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (e) {
      this.say("error", e.message);
    }
  }
}
