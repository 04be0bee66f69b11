// Entry of the vendored charting library (scripts/build-console.sh bundles it into vendor/uplot.js, gitignored):
// uPlot and its stylesheet as text, adopted by each element's shadow root.
export { default as uPlot } from "uplot";
export { default as uPlotCss } from "uplot/dist/uPlot.min.css";
