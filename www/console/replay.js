// <cg-replay>: what-if replay of a call log (CSV: plain or Kazoo CDR columns) under the stored policy and the
// draft, by the wasm core: in the page (fed in chunks, with a progress bar) or, for big logs and for lists
// stored as rows (which the page does not hold), by the worker (streamed, with progress; it decides each call
// from the stored rows, as /decide does). Shows the calls whose outcome changes, with both traces one click
// away (decided from rows too), and a chart of outcomes before and after over time.
import { CgElement, h, field, select, problemsOf, apiRequest } from "./base.js";
import { loadCore } from "./core.js";
import { PolicyDraft } from "./draft.js";
import { lineChart, chartTable } from "./chart.js";
import { renderDecision } from "./call-preview.js";
import { decideFromRows, ownRows } from "./rows.js";

/** Bytes fed to the core per step in the page (the page stays responsive between steps). */
const CHUNK = 256 << 10;
/** Logs larger than this are replayed by the worker unless the user chooses otherwise. */
const PAGE_LIMIT = 32 << 20;
const VERDICTS = { allowed: "Allowed", rejected433: "Rejected 433", rejected603: "Rejected 603", not_screened: "Not screened" };
const rejected = (c) => c.rejected_433 + c.rejected_603;

const CSS = `
.changed td { font-size: .9em; }
.traces { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 16rem), 1fr)); gap: .75rem; }
.chart { width: 100%; min-height: 240px; }
.summary { display: flex; flex-wrap: wrap; gap: 1rem; }
.tall { max-height: 26rem; overflow-y: auto; }
`;

export class CgReplay extends CgElement {
  static css = CSS;

  get draft() { return this._draft ?? null; }
  set draft(d) { this._draft = d; }

  render() {
    this.file = h("input", { type: "file", name: "log", accept: ".csv,text/csv" });
    this.where = select([["auto", "Automatic (the worker above 32 MiB or when lists are stored as rows)"], ["page", "In this page"], ["worker", "By the worker (streamed)"]], "auto", { name: "where" });
    this.bucket = select([["900", "15 minutes"], ["3600", "1 hour"], ["86400", "1 day"]], "3600", { name: "bucket" });
    this.progress = h("progress", { max: "1", value: "0", "aria-label": "Replay progress", hidden: true });
    this.status = h("p", { class: "muted", role: "status" });
    this.out = h("div", { part: "results" });
    this.root.append(h("h2", {}, "What-if replay"),
      h("p", { class: "muted" }, "Replays a call log under the stored policy and under the draft: which calls would end differently."),
      h("form", { onsubmit: (e) => { e.preventDefault(); this.run(); } },
        h("div", { class: "grid" }, field("Call log (CSV)", this.file, "csv"), field("Where", this.where), field("Time bucket", this.bucket)),
        h("p", { class: "muted" }, "Columns: time,direction,account,caller_number,caller_name,dialled_number, or a Kazoo CDR export (unix_timestamp, call_direction, account_id, caller_id_number, caller_id_name, dialed_number)."),
        h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", part: "button primary" }, "Replay"))),
      this.progress, this.status, this.out);
  }

  load() {
    if (!this._draft) this.draft = new PolicyDraft(this);
    this._draft.load().catch((e) => (this.status.textContent = e.message));
  }

  /** Replays `log` (a Blob or File; the chosen file when omitted). Resolves to the report. */
  async run(log = this.file.files[0]) {
    if (!log) { this.status.textContent = "Choose a call log first."; return null; }
    await this._draft.load();
    const d = this._draft;
    if (!d.stored) { this.status.textContent = "No policy is stored yet: nothing to compare the draft with."; return null; }
    const options = { bucket_seconds: Number(this.bucket.value) };
    // Lists stored only as rows (the policy as read no longer inlines them) are seen by the worker alone.
    const rowsOnly = (await apiRequest(this, "GET", "policy")).body.lists?.inline === false;
    const where = this.where.value === "auto" ? (log.size > PAGE_LIMIT || rowsOnly ? "worker" : "page") : this.where.value;
    const why = where === "worker" ? (rowsOnly ? " (lists stored as rows: decided from the stored rows)" : "") :
      rowsOnly ? " (lists stored as rows are not seen in the page: choose the worker)" : "";
    this.status.dataset.where = where;
    this.progress.hidden = false;
    this.progress.value = 0;
    this.out.replaceChildren();
    const t0 = performance.now();
    try {
      const report = where === "page" ? await this.inPage(log, d, options) : await this.byWorker(log, d, options);
      const ms = Math.round(performance.now() - t0);
      this.status.textContent = `${report.calls.toLocaleString("en")} calls replayed ${where === "page" ? "in this page" : "by the worker"}${why} in ${ms} ms; ${report.changed_total.toLocaleString("en")} change.`;
      this.progress.value = 1;
      this.show(report, { baseline: d.stored.policy, candidate: structuredClone(d.draft) });
      this.emit("replayed", { where, ms, report });
      return report;
    } catch (e) {
      const problems = problemsOf(e);
      this.status.textContent = "";
      this.out.replaceChildren(h("div", { class: "banner error", role: "alert" }, `The replay failed: `,
        problems.map((p) => h("div", { class: "problem", "data-field": p.field, "data-code": p.code }, h("code", {}, p.field), " ", p.message))));
      return null;
    }
  }

  /** The core in this page: the log read in chunks, the progress bar moved between them. */
  async inPage(log, d, options) {
    const cg = await loadCore();
    const replay = new cg.Replay(d.stored.policy, d.draft, options);
    try {
      const reader = log.stream().pipeThrough(new TextDecoderStream()).getReader();
      let done = 0;
      let pending = "";
      for (;;) {
        const { value, done: end } = await reader.read();
        if (end) break;
        pending += value;
        if (pending.length < CHUNK) continue;
        replay.feed(pending);
        done += new Blob([pending]).size;
        pending = "";
        this.progress.value = Math.min(1, done / log.size);
        await new Promise((r) => setTimeout(r, 0));
      }
      if (pending) replay.feed(pending);
      return replay.finish();
    } finally {
      replay.free();
    }
  }

  /** The worker's streamed replay: the draft on the first line, the log after it; progress lines as they come. */
  async byWorker(log, d, options) {
    const body = new Blob([JSON.stringify({ candidate: d.draft, options }) + "\n", log]);
    const res = await apiRequest(this, "POST", "replay", { body, type: "text/csv; charset=utf-8", raw: true });
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buf = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += value;
      let nl;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const msg = JSON.parse(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
        if (msg.progress) {
          this.progress.value = Math.min(1, msg.progress.lines / Math.max(1, this.estimateLines(log)));
          this.status.textContent = `${msg.progress.calls.toLocaleString("en")} calls replayed by the worker…`;
        } else if (msg.report) return msg.report;
        else if (msg.error) throw Object.assign(new Error(msg.error.message), msg.error);
      }
    }
    throw Object.assign(new Error("the worker's answer ended without a report"), { field: "replay", code: "incomplete" });
  }

  /** Lines in a log, estimated from its size (for the progress bar of a streamed replay). */
  estimateLines(log) { return log.size / 64; }

  show(report, policies) {
    const chartBox = h("div", { class: "chart", part: "chart" });
    const x = report.buckets.map((b) => b.start);
    const summary = h("div", { class: "summary" },
      h("dl", { class: "kv" }, h("dt", {}, "Calls"), h("dd", { "data-key": "calls" }, String(report.calls)),
        h("dt", {}, "Changed"), h("dd", { "data-key": "changed" }, String(report.changed_total)),
        h("dt", {}, "Rejected before"), h("dd", { "data-key": "rejected_before" }, String(rejected(report.before))),
        h("dt", {}, "Rejected after"), h("dd", { "data-key": "rejected_after" }, String(rejected(report.after))),
        h("dt", {}, "Lines skipped"), h("dd", { "data-key": "problems" }, String(report.problems_total))));
    const rows = report.changed.map((c) => this.changedRow(c, policies));
    const table = h("div", { class: "scroll tall", tabindex: "0", role: "region", "aria-label": "Calls whose outcome changes" }, h("table", { class: "changed", part: "changed" },
      h("caption", { class: "sr-only" }, "Calls whose outcome changes"),
      h("thead", {}, h("tr", {}, ["Line", "Time (UTC)", "Account", "Caller", "Stored", "Draft", "Traces"].map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", {}, rows)));
    const problems = report.problems.length ? h("details", {}, h("summary", {}, `${report.problems_total} line${report.problems_total === 1 ? "" : "s"} skipped`),
      h("ul", {}, report.problems.map((p) => h("li", { class: "problem", "data-field": p.field, "data-code": p.code }, h("code", {}, p.field), " ", p.message)))) : null;
    this.out.replaceChildren(summary, chartBox,
      chartTable("Outcomes per bucket", ["Bucket start (UTC)", "Rejected before", "Rejected after", "Allowed before", "Allowed after"],
        report.buckets.map((b) => [new Date(b.start * 1000).toISOString(), rejected(b.before), rejected(b.after), b.before.allowed, b.after.allowed])),
      h("h3", {}, `Calls whose outcome changes (${report.changed_total}${report.changed.length < report.changed_total ? `, first ${report.changed.length} shown` : ""})`),
      table, ...(problems ? [problems] : []));
    this.chart?.dispose();
    this.chart = lineChart(this, chartBox, {
      title: "Rejected and allowed calls per bucket, stored policy vs draft", x, time: true, xLabel: "time", yLabel: "calls",
      series: [
        { label: "rejected (stored)", values: report.buckets.map((b) => rejected(b.before)), colour: "#b3261e", dash: [6, 4] },
        { label: "rejected (draft)", values: report.buckets.map((b) => rejected(b.after)), colour: "#b3261e" },
        { label: "allowed (stored)", values: report.buckets.map((b) => b.before.allowed), colour: "#0f7b3a", dash: [6, 4] },
        { label: "allowed (draft)", values: report.buckets.map((b) => b.after.allowed), colour: "#0f7b3a" },
      ],
    });
  }

  changedRow(c, policies) {
    const e = c.event;
    const traces = h("tr", { hidden: true, class: "trace-row" }, h("td", { colspan: "7" }));
    const button = h("button", { type: "button", "aria-expanded": "false", "data-action": "traces", onclick: async () => {
      const open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", String(open));
      traces.hidden = !open;
      if (open && !traces.firstChild.firstChild) traces.firstChild.append(await this.traces(e, policies));
    } }, "Show");
    const outcome = (o) => `${VERDICTS[o.verdict]}${o.rule ? ` (${o.rule})` : ""} — ${o.caller_name || "—"} ${o.caller_number}`;
    return [h("tr", { "data-line": String(c.line) },
      h("td", {}, String(c.line)), h("td", {}, new Date(c.time * 1000).toISOString().slice(0, 19).replace("T", " ")),
      h("td", {}, e.account ?? ""), h("td", {}, `${e.caller_name ?? ""} ${e.caller_number ?? ""}`.trim()),
      h("td", { "data-which": "before" }, outcome(c.before)), h("td", { "data-which": "after" }, outcome(c.after)), h("td", {}, button)), traces];
  }

  /**
   * Both decisions of one call, with their traces, decided again by the core as the worker decides them: from
   * the stored rows under the call's lookup keys, each document's own entries in place of the lists it carries.
   */
  async traces(event, { baseline, candidate }) {
    const cg = await loadCore();
    const col = async (title, policy) => {
      const engine = new cg.Engine(policy);
      try {
        const decision = await decideFromRows(this, engine, event, ownRows(cg, policy));
        return h("section", { "aria-label": title }, h("h3", {}, title), renderDecision(decision, { traceOpen: true }));
      } finally {
        engine.free();
      }
    };
    return h("div", { class: "traces" }, await col("Stored", baseline), await col("Draft", candidate));
  }
}

customElements.define("cg-replay", CgReplay);
