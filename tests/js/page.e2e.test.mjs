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
  await page.goto(server.url + "/playground.html");
  await page.waitForSelector('body[data-ready="true"]');
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

const tab = (name) => page.click(`nav [data-panel="${name}"]`);

test("the page normalises a number in the browser, with no request to the server", async () => {
  const requests = [];
  page.on("request", (r) => requests.push(r.url()));
  await tab("normalize");
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

test("the call preview shows privacy, screening and the trace for each example call", async () => {
  await tab("decide");
  const cases = {
    "Outbound, *67 through carrier-a gw-2": { verdict: "Not screened", name: "anonymous", rule: "privacy.feature_code" },
    "Inbound, anonymous caller to a US account": { verdict: "Rejected 433 (anonymous)", rule: "screening.anonymous_rejection" },
    "Inbound, blocklisted number in French national format": { verdict: "Rejected 603 (account_blocklist)", rule: "screening.blocklist" },
    "Inbound, external call to a user who blocked the caller": { verdict: "Rejected 603 (user_blocklist)", rule: "screening.user_blocklist" },
    "Inbound, carrier verstat TN-Validation-Passed-B (STIR/SHAKEN)": { verdict: "Allowed (no_match)", rule: "screening.stir_shaken" },
    "Inbound, STIR Identity header with its certificate (add trust anchors to verify)": { verdict: "Allowed (no_match)", rule: "screening.stir_shaken" },
  };
  for (const [preset, want] of Object.entries(cases)) {
    await page.selectOption("#event-preset", preset);
    await page.click("#decide-run");
    await page.waitForSelector("#verdict");
    assert.equal(await page.textContent("#verdict"), want.verdict, preset);
    if (want.name) assert.equal(await page.textContent('#decide-result dd[data-key="caller_name"]'), want.name, preset);
    assert.ok(await page.$(`#trace li[data-rule="${want.rule}"]`), `${preset}: trace has ${want.rule}`);
  }
});

test("an invalid policy lists every problem with its path", async () => {
  await tab("decide");
  const policy = JSON.parse(await page.inputValue("#policy-text"));
  policy.accounts[0].privacy_mode = "hide";
  policy.resources[0].gateways[1].privacy_mod = "sip";
  await page.fill("#policy-text", JSON.stringify(policy));
  await page.click("#policy-validate");
  await page.waitForSelector("#decide-result.error li");
  const fields = await page.$$eval("#decide-result li", (lis) => lis.map((li) => li.dataset.field));
  assert.deepEqual(fields.sort(), ["accounts[0].privacy_mode", "resources[0].gateways[1].privacy_mod"]);
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
});

test("the signature tool reproduces seed 004's header and rejects a tampered body", async () => {
  await tab("signature");
  await page.click("#sig-verify");
  await page.waitForSelector('#sig-result dd[data-key="valid"]');
  assert.equal(await page.textContent('#sig-result dd[data-key="valid"]'), "true");
  await page.fill("#sig-body", (await page.inputValue("#sig-body")).replace("40257076838", "40257076839"));
  await page.click("#sig-verify");
  await page.waitForSelector("#sig-result.error p");
  assert.equal(await page.getAttribute("#sig-result p", "data-code"), "bad_signature");
});

test("display masking shows what each role may see", async () => {
  await tab("display");
  await page.click('#display-form button[type="submit"]');
  await page.waitForSelector('#display-result dd[data-key="display"]');
  assert.equal(await page.textContent('#display-result dd[data-key="display"]'), "+41xxxxxxx27");
  await page.fill("#display-role", "Supervisor");
  await page.click('#display-form button[type="submit"]');
  await page.waitForFunction(() => document.querySelector('#display-result dd[data-key="display"]')?.textContent === "+41793026727");
  await page.fill("#display-first", "10");
  await page.fill("#display-last", "6");
  await page.click('#display-form button[type="submit"]');
  await page.waitForSelector("#display-result.error p");
  assert.match(await page.getAttribute("#display-result p", "data-field"), /show_(first|last)/);
});

test("a callback is routed in the page", async () => {
  await tab("masking");
  await page.click('#route-form button[type="submit"]');
  await page.waitForSelector('#route-result dd[data-key="outcome"]');
  assert.equal(await page.textContent('#route-result dd[data-key="outcome"]'), "connect");
  assert.deepEqual(JSON.parse(await page.textContent('#route-result dd[data-key="response"]')),
    { command: "dial", phoneNumber: "41793026785", callerId: "41793026732", clientReferenceId: "ref-ride-1" });
});

test("shared vectors give the native answers through wasm in Chromium", async () => {
  const files = loadVectors();
  // The runner is installed by the test driver (the page's CSP rightly forbids `new Function` in page scripts).
  await page.evaluate(`window.__runVectors = ${runVectors.toString()}`);
  const outputs = await page.evaluate(async (files) => {
    const cg = await import("/pkg/cidguard.js");
    return window.__runVectors(cg, files);
  }, files);
  assert.deepEqual(compareVectors(files, outputs, "chromium"), []);
});

test("no console errors", () => {
  assert.deepEqual(consoleErrors, []);
});
