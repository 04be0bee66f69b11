// Charts for the console elements, drawn by uPlot (vendored: vendor/uplot.js, built by scripts/build-console.sh).
// A chart lives in its element's shadow root, with uPlot's stylesheet adopted there (nothing reaches the host).
import { uPlot, uPlotCss } from "./vendor/uplot.js";
import { h, sheet } from "./base.js";

/** Palette (custom properties of the host override nothing inside a canvas, so colours are read from it). */
const COLOURS = ["#0b57d0", "#b3261e", "#0f7b3a", "#8a4f00", "#6f42c1", "#4a5560"];

/** Adds uPlot's stylesheet to the shadow root of `element` (once). */
export function adoptChartStyles(element) {
  const s = sheet(uPlotCss);
  const root = element.shadowRoot;
  if (!root.adoptedStyleSheets.includes(s)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, s];
}

/**
 * Draws a line chart into `box`: `x` values, `series` [{ label, values, colour?, dash?, points? (markers
 * only) }], axis labels, optional `time` (x is Unix seconds). Returns the uPlot instance; the chart follows
 * the width of `box` (`dispose()` ends it) and is described for assistive technology by `title`.
 */
export function lineChart(element, box, { title, x, series, xLabel, yLabel, time = false, height = 240 }) {
  adoptChartStyles(element);
  box.replaceChildren();
  box.setAttribute("role", "img");
  box.setAttribute("aria-label", title);
  const width = Math.max(260, Math.floor(box.getBoundingClientRect().width || 600));
  const opts = {
    title, width, height,
    scales: { x: { time } },
    axes: [{ label: xLabel }, { label: yLabel }],
    series: [{ label: xLabel }, ...series.map((s, i) => ({
      label: s.label, stroke: s.colour ?? COLOURS[i % COLOURS.length], width: 2, dash: s.dash,
      ...(s.points ? { points: { show: true, size: 10, fill: s.colour }, paths: () => null } : { points: { show: false } }),
    }))],
  };
  const chart = new uPlot(opts, [x, ...series.map((s) => s.values)], box);
  const ro = new ResizeObserver(() => {
    const w = Math.floor(box.getBoundingClientRect().width);
    if (w > 0 && Math.abs(w - chart.width) > 4) chart.setSize({ width: Math.max(260, w), height });
  });
  ro.observe(box);
  chart.dispose = () => { ro.disconnect(); chart.destroy(); };
  return chart;
}

/** A data table for a chart (its accessible alternative). */
export function chartTable(caption, head, rows) {
  return h("details", {}, h("summary", {}, `${caption} (table)`),
    h("div", { class: "scroll", tabindex: "0", role: "region", "aria-label": caption }, h("table", {}, h("caption", { class: "sr-only" }, caption),
      h("thead", {}, h("tr", {}, head.map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", {}, rows.map((r) => h("tr", {}, r.map((c) => h("td", {}, String(c)))))))));
}
