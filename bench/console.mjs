// The admin console's figures: the size of what a browser downloads (gzip -9), the first render (navigation to
// the sign-in form, and sign-in to the first decision shown), and a what-if replay of 100,000 calls in the page
// (the wasm core fed in 256 KiB chunks, progress bar included), in Debian's Chromium against wrangler dev.
// Run: `node bench/console.mjs` (CALLS=100000 RUNS=3).
import { readFileSync, readdirSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { startWrangler } from "../tests/js/wrangler.mjs";
import { launchChromium } from "../tests/js/browser.mjs";
import { callLog } from "./call-log.mjs";

const CALLS = Number(process.env.CALLS ?? 100_000);
const RUNS = Number(process.env.RUNS ?? 3);
const KEY = "bench-key-acme-0001";
const POLICY = JSON.parse(readFileSync(new URL("../www/examples/policy.json", import.meta.url), "utf8"));
const www = new URL("../www/", import.meta.url);

const gz = (files) => files.reduce((n, f) => n + gzipSync(readFileSync(new URL(f, www)), { level: 9 }).length, 0);
const raw = (files) => files.reduce((n, f) => n + readFileSync(new URL(f, www)).length, 0);
const consoleFiles = ["index.html", "host.js", "host.css", ...readdirSync(new URL("console/", www)).filter((f) => f.endsWith(".js")).map((f) => `console/${f}`), "console/vendor/uplot.js"];
const wasmFiles = ["pkg/cidguard.js", "pkg/cidguard_bg.wasm"];
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
console.log(`console bundle (page, elements, uPlot): ${kb(raw(consoleFiles))} raw, ${kb(gz(consoleFiles))} gzip (${consoleFiles.length} files)`);
console.log(`  of which uPlot: ${kb(gz(["console/vendor/uplot.js"]))} gzip; the wasm core and its glue: ${kb(gz(wasmFiles))} gzip`);

const server = await startWrangler({ vars: { API_KEYS: `acme:${KEY}` } });
const browser = await launchChromium();
try {
  await fetch(server.url + "/v1/tenants/acme/policy", { method: "PUT", body: JSON.stringify(POLICY),
    headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" } });
  const page = await browser.context.newPage();
  const firsts = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = Date.now();
    await page.goto(server.url + "/");
    await page.waitForSelector('body[data-loaded="true"]');
    const form = Date.now() - t0;
    await page.fill('#signin input[name="tenant"]', "acme");
    await page.fill('#signin input[name="credential"]', KEY);
    const t1 = Date.now();
    await page.click('#signin button[type="submit"]');
    await page.locator('#panel-policy cg-call-preview [data-which="stored"]').waitFor();
    firsts.push([form, Date.now() - t1]);
  }
  const med = (i) => firsts.map((f) => f[i]).sort((a, b) => a - b)[Math.floor(firsts.length / 2)];
  console.log(`first render: sign-in form ${med(0)} ms after navigation; console with its first decisions ${med(1)} ms after sign-in (median of ${RUNS}, cold wasm cache on the first)`);

  // The draft: anonymous rejection for acc-fr, so that a share of the calls change.
  await page.click("#tab-policy");
  await page.locator("cg-privacy-settings").locator('select[data-path="accounts[0].block_anonymous_caller_id"]').selectOption("true");
  await page.click("#tab-replay");
  const log = Buffer.from(callLog(CALLS));
  await page.locator('cg-replay input[type="file"]').setInputFiles({ name: "calls.csv", mimeType: "text/csv", buffer: log });
  await page.locator('cg-replay select[name="where"]').selectOption("page");
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const done = page.evaluate(() => new Promise((r) => document.querySelector("cg-replay").addEventListener("replayed",
      (e) => r({ ms: e.detail.ms, calls: e.detail.report.calls, changed: e.detail.report.changed_total }), { once: true })));
    await page.locator('cg-replay button[type="submit"]').click();
    const r = await done;
    if (r.calls !== CALLS) throw new Error(`replayed ${r.calls} of ${CALLS} calls`);
    times.push(r);
  }
  const best = times.map((t) => t.ms).sort((a, b) => a - b);
  console.log(`replay in the page: ${CALLS.toLocaleString("en")} calls (${kb(log.length)} of CSV, ${times[0].changed.toLocaleString("en")} changed) in ${best[Math.floor(best.length / 2)]} ms median, ${best[0]} ms best of ${RUNS} (read, decide twice, report, table and chart drawn)`);
} finally {
  await browser.close();
  await server.stop();
}
