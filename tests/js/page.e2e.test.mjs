// End to end: the admin page as served by the worker (wrangler dev), in headless Chromium.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWrangler } from "./wrangler.mjs";
import { launchChromium } from "./browser.mjs";
import { loadVectors, compareVectors, runVectors } from "./vectors-lib.mjs";

let server, browser, page;
const consoleErrors = [];
before(async () => {
  server = await startWrangler();
  browser = await launchChromium();
  page = await browser.context.newPage();
  page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  await page.goto(server.url + "/");
  await page.waitForSelector('body[data-ready="true"]');
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test("the page normalises a number in the browser, with no request to the server", async () => {
  const requests = [];
  page.on("request", (r) => requests.push(r.url()));
  await page.fill("#normalize-number", "06 39 98 12 34");
  await page.fill("#normalize-country", "FR");
  await page.click('#normalize-form button[type="submit"]');
  await page.waitForSelector('#normalize-result dd[data-key="e164"]');
  assert.equal(await page.textContent('#normalize-result dd[data-key="e164"]'), "+33639981234");
  assert.equal(await page.textContent('#normalize-result dd[data-key="region"]'), "FR");
  assert.deepEqual(requests, []);
});

test("the page shows the core's error for garbage, naming the field", async () => {
  await page.fill("#normalize-number", "abc");
  await page.click('#normalize-form button[type="submit"]');
  await page.waitForSelector("#normalize-result.error p");
  const p = await page.$("#normalize-result.error p");
  assert.equal(await p.getAttribute("data-field"), "number");
  assert.match(await p.textContent(), /^number: /);
});

test("shared vectors give the native answers through wasm in Chromium", async () => {
  const files = loadVectors();
  const outputs = await page.evaluate(async ({ files, runSrc }) => {
    const cg = await import("/pkg/cidguard.js");
    const run = new Function(`return (${runSrc})`)();
    return run(cg, files);
  }, { files, runSrc: runVectors.toString() });
  assert.deepEqual(compareVectors(files, outputs, "chromium"), []);
});

test("no console errors", () => {
  assert.deepEqual(consoleErrors, []);
});
