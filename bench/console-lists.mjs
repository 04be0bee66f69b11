// The console's blocklist element on a list of a million numbers, in Debian's Chromium against wrangler dev: the
// CSV import through the element (its progress bar fed by `GET …/imports/{id}`), page turns by the route's cursor,
// prefix searches, and the call preview deciding from rows (lookupKeys → lists/rows → decideRows) beside it.
// Run: `node bench/console-lists.mjs` (N=1000000 numbers, TURNS=10). Figures, never asserted.
import { readFileSync } from "node:fs";
import { startWrangler } from "../tests/js/wrangler.mjs";
import { launchChromium } from "../tests/js/browser.mjs";

const N = Number(process.env.N ?? 1_000_000);
const TURNS = Number(process.env.TURNS ?? 10);
const KEY = "bench-lists-key-acme-0001";
const T = "/v1/tenants/acme";
const POLICY = JSON.parse(readFileSync(new URL("../www/examples/policy.json", import.meta.url), "utf8"));
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const fmt = (n) => n.toLocaleString("en");

const server = await startWrangler({ vars: { API_KEYS: `acme:${KEY}` } });
const browser = await launchChromium();
const call = (method, path, body) => fetch(server.url + path, { method, body: JSON.stringify(body),
  headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" } });
try {
  await call("PUT", `${T}/policy`, POLICY);
  await call("PUT", `${T}/blacklists`, { data: { id: "feed", name: "Spam feed" } });
  await call("PATCH", `${T}/accounts/acc-fr`, { data: { blacklists: ["spam", "premium", "feed"] } });
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(server.url + "/");
  await page.waitForSelector('body[data-loaded="true"]');
  await page.fill('#signin input[name="tenant"]', "acme");
  await page.fill('#signin input[name="credential"]', KEY);
  await page.click('#signin button[type="submit"]');
  await page.waitForSelector('body[data-ready="true"]');
  await page.click("#tab-blocklists");
  const lists = page.locator("cg-blocklists");
  await lists.getByRole("button", { name: "Edit Spam feed" }).click();
  const rows = lists.locator('[data-rows="feed"]');
  const status = rows.locator("[data-rows-status]");

  const csv = Buffer.from(["number,label", ...Array.from({ length: N }, (_, i) => `+336${10_000_000 + i},feed ${i}`)].join("\n") + "\n");
  await rows.locator('input[name="import-file"]').setInputFiles({ name: "feed.csv", mimeType: "text/csv", buffer: csv });
  const progress = page.evaluate(() => new Promise((resolve) => {
    const values = [];
    document.querySelector("cg-blocklists").addEventListener("importprogress", (e) => {
      values.push(e.detail.value);
      if (e.detail.status !== "running") resolve(values);
    });
  }));
  const t0 = Date.now();
  await rows.locator('[data-action="import"]').click();
  const values = await progress;
  const ms = Date.now() - t0;
  await status.filter({ hasText: `of ${fmt(N)}` }).waitFor({ timeout: 120_000 });
  const between = values.filter((v) => v > 0 && v < 1);
  console.log(`import of ${fmt(N)} numbers (${(csv.length / 2 ** 20).toFixed(1)} MiB CSV) through the element: ${(ms / 1000).toFixed(1)} s ` +
    `(line count in the page, upload, import), ${values.length} progress readings, ${between.length} of them between 0 and 100%`);

  const turns = [];
  for (let i = 1; i <= TURNS; i++) {
    const t = Date.now();
    await rows.locator('[data-action="next"]').click();
    await status.filter({ hasText: `Numbers ${fmt(i * 25 + 1)}–` }).waitFor();
    turns.push(Date.now() - t);
  }
  console.log(`next page (25 numbers of ${fmt(N)}), click to table: ${median(turns)} ms median, ${Math.max(...turns)} ms max (${TURNS} turns)`);
  // The same reads from Node, without the page: what the route itself costs (it also counts the list, `total`).
  const direct = [];
  for (let i = 1; i <= TURNS; i++) {
    const t = Date.now();
    const r = await fetch(server.url + `${T}/blacklists/feed/numbers?page_size=25&start_key=%2B336${10_000_000 + i * 25}`, { headers: { authorization: `Bearer ${KEY}` } });
    await r.json();
    direct.push(Date.now() - t);
  }
  console.log(`  the route alone (GET …/numbers?page_size=25&start_key=…, from Node): ${median(direct)} ms median`);

  const searches = [];
  for (let i = 1; i <= TURNS; i++) {
    const prefix = `+336${10_000_000 + 98_765 * i}`.slice(0, 11);
    const t = Date.now();
    await rows.locator('input[name="prefix"]').fill(prefix);
    await rows.locator('input[name="prefix"]').press("Enter");
    await status.filter({ hasText: `starting ${prefix}` }).waitFor();
    searches.push(Date.now() - t);
  }
  console.log(`prefix search, Enter to table: ${median(searches)} ms median, ${Math.max(...searches)} ms max (${TURNS} searches)`);

  const preview = page.locator("#panel-blocklists cg-call-preview");
  await preview.locator('select[name="account"]').selectOption("acc-fr");
  const decisions = [];
  for (let i = 0; i < TURNS; i++) {
    await preview.locator('input[name="caller_number"]').fill(`06 1${i % 10} 00 12 34`);
    await page.waitForTimeout(300); // past the fields' debounce, so only the timed run below decides
    const decided = page.evaluate(() => new Promise((r) => document.querySelector("#panel-blocklists cg-call-preview")
      .addEventListener("decision", () => r(performance.now()), { once: true })));
    const t = await page.evaluate(() => performance.now());
    await preview.locator('button[type="submit"]').click();
    decisions.push((await decided) - t);
  }
  console.log(`call preview, draft and stored each from rows (lookupKeys, POST lists/rows, decideRows): ${median(decisions).toFixed(0)} ms median (${TURNS} calls)`);
} finally {
  await browser.close();
  await server.stop();
}
