// <cg-masking>: the tenant's number masking as people look at it: the pool-sizing curve (numbers needed against
// calls per hour, the chosen point marked), the proxy numbers' state over the coming hours (in use, reserved,
// cooling off, free), the sessions, the pool and the audit log. Every figure is the core's (poolSize,
// poolStates); numbers are shown as the API returns them: masked per the tenant's display-masking policy unless
// the credential holds the unmask privilege (the worker asks the core).
import { CgElement, h, field, problemsOf, showProblems } from "./base.js";
import { loadCore } from "./core.js";
import { PolicyDraft } from "./draft.js";
import { lineChart, chartTable } from "./chart.js";

const CSS = `
.chart { width: 100%; min-height: 240px; }
.cols { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 22rem), 1fr)); gap: 1rem; }
.num { font-family: ui-monospace, monospace; white-space: nowrap; }
.masked { font-size: .8em; color: var(--cg-muted, #515a65); }
`;

/** The sizing inputs and their defaults (PoolSizing fields). */
const SIZING = [
  ["calls_per_hour", "Calls per hour", 3600],
  ["average_call_seconds", "Average call (s)", 180],
  ["channels_per_number", "Channels per number", 2],
  ["max_sessions_per_participant", "Sessions per participant", 10],
  ["headroom_percent", "Headroom %", 20],
];
const HOURS_AHEAD = 24;
const STEP_SECONDS = 900;

const when = (v) => (v === null || v === undefined ? "—" : typeof v === "number" ? new Date(v * 1000).toISOString().slice(0, 16).replace("T", " ") : String(v));

export class CgMasking extends CgElement {
  static css = CSS;

  get draft() { return this._draft ?? null; }
  set draft(d) { this._draft = d; }

  render() {
    this.inputs = Object.fromEntries(SIZING.map(([k, , v]) => [k, h("input", { name: k, inputmode: "numeric", value: String(v), size: "6" })]));
    this.sizingOut = h("div", { "aria-live": "polite" });
    this.sizingProblems = h("div");
    this.sizingChart = h("div", { class: "chart", part: "chart sizing-chart" });
    this.statesChart = h("div", { class: "chart", part: "chart states-chart" });
    this.statesTable = h("div");
    this.sessions = h("div", { class: "scroll", tabindex: "0", role: "region", "aria-label": "Sessions" });
    this.pool = h("div", { class: "scroll", tabindex: "0", role: "region", "aria-label": "Pool" });
    this.log = h("div", { class: "scroll", tabindex: "0", role: "region", "aria-label": "Audit log" });
    this.status = h("p", { class: "muted", role: "status" });
    this.root.append(h("h2", {}, "Number masking"), this.status,
      h("h3", {}, "Pool sizing"),
      h("form", { onsubmit: (e) => { e.preventDefault(); this.size(); } },
        h("div", { class: "grid" }, SIZING.map(([k, label]) => field(label, this.inputs[k], `sizing.${k}`))),
        h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", part: "button primary" }, "Size the pool"))),
      this.sizingProblems, this.sizingOut, this.sizingChart,
      h("h3", {}, `Proxy numbers over the next ${HOURS_AHEAD} hours`), this.statesChart, this.statesTable,
      h("h3", {}, "Sessions"), this.sessions,
      h("div", { class: "cols" }, h("section", {}, h("h3", {}, "Pool"), this.pool), h("section", {}, h("h3", {}, "Audit log"), this.log)));
    this.size();
  }

  load() {
    if (!this._draft) this.draft = new PolicyDraft(this);
    this.refresh();
  }

  /** Reloads pool, sessions and log from the API and redraws. */
  async refresh() {
    try {
      await this._draft.load();
      const [pool, sessions, log] = await Promise.all([
        this.api("GET", "masking/pool").then((r) => r.body, () => []),
        this.api("GET", "masking/sessions").then((r) => r.body, () => []),
        this.api("GET", "masking/log?limit=50").then((r) => r.body, () => ({ calls: [], status: [] })),
      ]);
      this.data = { pool: asList(pool, "pool"), sessions: asList(sessions, "sessions"), log };
      this.renderTables();
      await this.states();
      this.emit("loaded", { pool: this.data.pool.length, sessions: this.data.sessions.length });
    } catch (e) {
      this.status.textContent = e.message;
    }
  }

  renderTables() {
    const { pool, sessions, log } = this.data;
    const num = (n) => h("span", { class: "num", "data-number": "" }, n ?? "—");
    this.sessions.replaceChildren(sessions.length ? h("table", { part: "sessions" }, h("caption", { class: "sr-only" }, "Sessions"),
      h("thead", {}, h("tr", {}, ["Session", "Status", "Expires (UTC)", "Participant A → proxy", "Participant B → proxy"].map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", {}, sessions.map((s) => h("tr", { "data-session": s.id },
        h("td", {}, s.id), h("td", {}, s.status ?? "open"), h("td", {}, when(s.expires_at)),
        (s.participants ?? []).map((p) => h("td", {}, num(p.number), " → ", num(p.proxy)))))))
      : h("p", { class: "muted" }, "No sessions."));
    this.pool.replaceChildren(pool.length ? h("table", { part: "pool" }, h("caption", { class: "sr-only" }, "Pool"),
      h("thead", {}, h("tr", {}, ["Number", "Country", "Excluded from allocation", "Last released (UTC)"].map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", {}, pool.map((n) => h("tr", {}, h("td", {}, num(n.number)), h("td", {}, n.country ?? "—"), h("td", {}, n.excluded_from_allocation ? "yes" : "no"), h("td", {}, when(n.last_released_at))))))
      : h("p", { class: "muted" }, "The pool is empty."));
    const calls = log?.calls ?? [];
    const status = log?.status ?? [];
    this.log.replaceChildren(calls.length + status.length ? h("table", { part: "log" }, h("caption", { class: "sr-only" }, "Audit log"),
      h("thead", {}, h("tr", {}, ["When", "Event", "Detail"].map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", {},
        calls.map((c) => h("tr", {}, h("td", {}, String(c.at ?? "")), h("td", {}, `call ${c.outcome ?? ""}`), h("td", {}, c.session_id ?? c.correlation_id ?? ""))),
        status.map((s) => h("tr", {}, h("td", {}, String(s.received_at ?? "")), h("td", {}, `status ${s.status ?? ""}`), h("td", {}, num(s.from), " → ", num(s.to))))))
      : h("p", { class: "muted" }, "Nothing logged yet."));
  }

  /** The pool's states every 15 minutes from now (the page gives the core the time). */
  async states() {
    const cg = await loadCore();
    const config = this._draft.stored?.policy.masking;
    if (!config || !this.data.pool.length) {
      this.chartStates?.dispose();
      this.chartStates = null;
      this.statesChart.replaceChildren(h("p", { class: "muted" }, config ? "No pool stored." : "No masking configuration in the stored policy."));
      return;
    }
    const now = Math.floor(Date.now() / 1000 / STEP_SECONDS) * STEP_SECONDS;
    const instants = Array.from({ length: (HOURS_AHEAD * 3600) / STEP_SECONDS + 1 }, (_, i) => now + i * STEP_SECONDS);
    let rows;
    try {
      rows = cg.poolStates(config, this.data.pool, this.data.sessions, instants);
    } catch (e) {
      this.statesChart.replaceChildren(h("div", { class: "banner error" }, problemsOf(e).map((p) => `${p.field}: ${p.message}`).join("; ")));
      return;
    }
    this.chartStates?.dispose();
    this.chartStates = lineChart(this, this.statesChart, {
      title: "Proxy numbers by state", x: instants, time: true, xLabel: "time", yLabel: "numbers",
      series: [["in_use", "in use"], ["reserved", "reserved"], ["cooling_off", "cooling off"], ["free", "free"]]
        .map(([k, label]) => ({ label, values: rows.map((r) => r[k]) })),
    });
    this.statesTable.replaceChildren(chartTable("Proxy numbers by state", ["Time (UTC)", "In use", "Reserved", "Cooling off", "Free"],
      rows.filter((_, i) => i % 4 === 0).map((r) => [when(r.at), r.in_use, r.reserved, r.cooling_off, r.free])));
  }

  /** The pool-sizing curve: the core's answer for calls per hour from 0 to twice the chosen load. */
  async size() {
    const cg = await loadCore();
    const sizing = {};
    const problems = [];
    for (const [k] of SIZING) {
      const v = this.inputs[k].value.trim();
      if (!/^\d{1,9}$/.test(v)) problems.push({ field: `sizing.${k}`, code: "invalid_type", message: `${k}: expected a whole number` });
      else sizing[k] = Number(v);
    }
    if (!problems.length) {
      try {
        const chosen = cg.poolSize(sizing);
        const top = Math.max(10, sizing.calls_per_hour * 2);
        const x = [...new Set([...Array.from({ length: 41 }, (_, i) => Math.round((top * i) / 40)), sizing.calls_per_hour])].sort((a, b) => a - b);
        const y = x.map((c) => cg.poolSize({ ...sizing, calls_per_hour: c }).numbers);
        this.sizingOut.replaceChildren(h("p", { "data-numbers": String(chosen.numbers) },
          h("strong", {}, `${chosen.numbers} numbers`), ` for ${sizing.calls_per_hour} calls per hour (bound by ${chosen.binding.replace("_", " ")}).`));
        this.chartSizing?.dispose();
        this.chartSizing = lineChart(this, this.sizingChart, {
          title: "Numbers needed against calls per hour, the chosen load marked", x, xLabel: "calls per hour", yLabel: "numbers",
          series: [{ label: "numbers needed", values: y },
            { label: "chosen", values: x.map((c) => (c === sizing.calls_per_hour ? chosen.numbers : null)), colour: "#b3261e", points: true }],
        });
        this.emit("sized", chosen);
      } catch (e) {
        problems.push(...problemsOf(e).map((p) => ({ ...p, field: p.field.startsWith("sizing.") ? p.field : `sizing.${p.field}` })));
      }
    }
    showProblems(this.root, problems, this.sizingProblems);
  }
}

/** A list from an API answer: the array itself or the array under `key` / `items`. */
function asList(body, key) {
  if (Array.isArray(body)) return body;
  return body?.[key] ?? body?.items ?? [];
}

customElements.define("cg-masking", CgMasking);
