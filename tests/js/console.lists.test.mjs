// The console on lists stored as rows, end to end in Chromium against the worker under wrangler dev: a CSV import
// of 20,000 numbers followed by its progress bar and ending in its report, paging and prefix search in that list,
// adding and removing a number (a change made meanwhile by someone else shown, not lost), the export, the call
// preview deciding from rows only, a user's own list paged and searched; axe-core, 420 px, keyboard only.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { startWrangler } from "./wrangler.mjs";
import { launchChromium } from "./browser.mjs";
import { screenshots } from "./console-shots.mjs";
import { SignJWT } from "jose";

const KEY = "console-lists-key-acme-0001";
const EXAMPLE = JSON.parse(readFileSync(new URL("../../www/examples/policy.json", import.meta.url), "utf8"));
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const T = "/v1/tenants/acme";
const FEED = 20_000;
/** The i-th number of the feed: +33 6 10 00 00 00 onwards. */
const feedNumber = (i) => `+336${10_000_000 + i}`;

let server, browser, page, shots;
const errors = [];
const pageSizes = [];

async function call(method, path, { body, headers = {} } = {}) {
  const h = { authorization: `Bearer ${KEY}`, ...headers };
  if (body !== undefined) h["content-type"] = "application/json";
  const r = await fetch(server.url + path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null, etag: r.headers.get("etag") };
}

before(async () => {
  server = await startWrangler({ vars: { API_KEYS: `acme:${KEY}` } });
  browser = await launchChromium();
  shots = screenshots(browser.context);
  page = await browser.context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  // Answers provoked on purpose (a missing entry looked up, a stale If-Match, a bad prefix) are logged as errors.
  page.on("console", (m) => { if (m.type() === "error" && !/status of (400|404|412)/.test(m.text())) errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("request", (r) => {
    const u = new URL(r.url());
    if (u.pathname.endsWith("/numbers") && u.searchParams.has("page_size")) pageSizes.push(Number(u.searchParams.get("page_size")));
  });
  assert.equal((await call("PUT", `${T}/policy`, { body: EXAMPLE })).status, 200);
  // A list created and selected through the Kazoo routes, empty: its numbers will only ever be rows.
  assert.equal((await call("PUT", `${T}/blacklists`, { body: { data: { id: "feed", name: "Spam feed" } } })).status, 201);
  assert.equal((await call("PATCH", `${T}/accounts/acc-fr`, { body: { data: { blacklists: ["spam", "premium", "feed"] } } })).status, 200);
});
after(async () => {
  await shots?.close();
  await browser?.close();
  await server?.stop();
});

async function signIn(p, credential = KEY, kind = "tenant") {
  await p.goto(server.url + "/");
  await p.waitForSelector('body[data-loaded="true"]');
  await p.fill('#signin input[name="tenant"]', "acme");
  await p.fill('#signin input[name="credential"]', credential);
  await p.selectOption('#signin select[name="kind"]', kind);
  await p.click('#signin button[type="submit"]');
  await p.waitForSelector('body[data-ready="true"]');
}

const lists = () => page.locator("cg-blocklists");
const rows = () => lists().locator('[data-rows="feed"]');

test("a CSV import of 20,000 numbers: the progress bar follows the import to 100%, then its report with the problems by line", async () => {
  await signIn(page);
  await page.click("#tab-blocklists");
  await lists().getByRole("button", { name: "Edit Spam feed" }).click();
  await rows().locator("[data-rows-status]").filter({ hasText: "No numbers in the list" }).waitFor();
  // 20,000 numbers, then three lines that cannot be imported (imported anyway: "import the other lines").
  const csv = ["number,label", ...Array.from({ length: FEED }, (_, i) => `${feedNumber(i)},feed ${i}`),
    "not a number,bad", `${feedNumber(7)},again`, "+3361234567890123456789,long"].join("\n") + "\n";
  await rows().locator('input[name="import-file"]').setInputFiles({ name: "feed.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await rows().locator('select[name="import-mode"]').selectOption("partial");
  const seen = page.evaluate(() => new Promise((resolve) => {
    const values = [];
    const el = document.querySelector("cg-blocklists");
    el.addEventListener("importprogress", (e) => {
      values.push(e.detail);
      if (e.detail.status !== "running") resolve(values);
    });
  }));
  await rows().locator('[data-action="import"]').click();
  const progress = await seen;
  const last = progress.at(-1);
  assert.equal(last.status, "done");
  assert.equal(last.value, 1);
  assert.equal(last.processed_lines, last.total_lines, "every line read");
  assert.equal(last.total_lines, FEED + 4);
  assert.equal(last.processed_bytes, last.total_bytes);
  const between = progress.filter((p) => p.value > 0 && p.value < 1);
  const values = progress.map((p) => p.value);
  assert.deepEqual(values, [...values].sort((a, b) => a - b), `the bar only moves forward: ${values}`);
  // The report: counts and each problem with its line, field and code.
  const report = rows().locator("[data-import-report]");
  await report.waitFor();
  assert.equal(await report.getAttribute("data-import-report"), "done");
  assert.equal(await report.locator('[data-key="imported"]').textContent(), FEED.toLocaleString("en"));
  assert.equal(await report.locator('[data-key="problem_count"]').textContent(), "3");
  const problems = await rows().locator("[data-import-problems] tbody tr").evaluateAll((trs) => trs.map((tr) => [...tr.cells].slice(0, 3).map((c) => c.textContent)));
  assert.deepEqual(problems.map((p) => p[0]), [String(FEED + 2), String(FEED + 3), String(FEED + 4)]);
  assert.deepEqual(problems[1].slice(1), ["number", "duplicate_number"]);
  assert.equal(await rows().locator("progress").evaluate((p) => p.value), 1);
  await rows().locator("[data-rows-status]").filter({ hasText: `of ${FEED.toLocaleString("en")}` }).waitFor();
  console.log(`# progress events: ${progress.length}, intermediate values: ${between.map((p) => p.value.toFixed(2)).join(" ") || "none"}`);
  await shots.shot(rows().locator('[part~="import"]'), "blocklist-import");
});

test("paging with the route's cursor and a search by number prefix in the 20,000-number list", async () => {
  const status = rows().locator("[data-rows-status]");
  const numbers = () => rows().locator("tbody tr[data-number]").evaluateAll((trs) => trs.map((tr) => tr.dataset.number));
  assert.equal(await status.textContent(), `Numbers 1–25 of 20,000 (page 1)`);
  const first = await numbers();
  assert.deepEqual(first, Array.from({ length: 25 }, (_, i) => feedNumber(i)));
  await rows().locator('[data-action="next"]').click();
  await status.filter({ hasText: "Numbers 26–50" }).waitFor();
  assert.deepEqual(await numbers(), Array.from({ length: 25 }, (_, i) => feedNumber(25 + i)));
  await rows().locator('[data-action="next"]').click();
  await status.filter({ hasText: "Numbers 51–75" }).waitFor();
  await rows().locator('[data-action="prev"]').click();
  await status.filter({ hasText: "Numbers 26–50" }).waitFor();
  await rows().locator('select[name="page-size"]').selectOption("100");
  await status.filter({ hasText: "Numbers 1–100 of 20,000" }).waitFor();
  assert.equal((await numbers()).length, 100);
  await rows().locator('select[name="page-size"]').selectOption("25");
  // A prefix: the ten numbers +33610001230 … +33610001239.
  await rows().locator('input[name="prefix"]').fill("+3361000123");
  await status.filter({ hasText: "starting +3361000123" }).waitFor();
  assert.deepEqual(await numbers(), Array.from({ length: 10 }, (_, i) => feedNumber(1230 + i)));
  assert.equal(await rows().locator('[data-action="next"]').isDisabled(), true);
  // A prefix the route refuses is shown next to the search field.
  await rows().locator('input[name="prefix"]').fill("abc");
  await rows().locator('.problems[data-for="prefix"] .problem').waitFor();
  await rows().locator('input[name="prefix"]').fill("+3361000123");
  await rows().locator('.problems[data-for="prefix"] .problem').waitFor({ state: "detached" });
  await status.filter({ hasText: "starting +3361000123" }).waitFor();
  await shots.shot(lists().locator('[part~="list-editor"]'), "blocklist-rows");
  // Never the whole list: every read was one page of at most 500.
  assert.ok(pageSizes.length >= 6 && pageSizes.every((n) => n <= 500), `page sizes read: ${pageSizes}`);
});

test("add and remove a number; a number changed meanwhile by someone else is shown, not removed or overwritten", async () => {
  // Someone else relabels a number shown on the page; removing it here is refused and shown.
  const other = await call("PUT", `${T}/blacklists/feed/numbers/%2B33610001231`, { body: { data: { name: "kept by admin 2" } } });
  assert.equal(other.status, 200);
  await rows().getByRole("button", { name: "Remove +33610001231" }).click();
  await rows().locator("[data-conflict]").filter({ hasText: "changed by someone else" }).waitFor();
  assert.equal((await call("GET", `${T}/blacklists/feed/numbers/%2B33610001231`)).body.data.name, "kept by admin 2");
  await rows().locator('tr[data-number="+33610001231"]').filter({ hasText: "kept by admin 2" }).waitFor();
  // Add a number (shown under its prefix), then add it again: already there, nothing overwritten.
  await rows().locator('input[name="prefix"]').fill("+3362");
  await rows().locator("[data-rows-status]").filter({ hasText: "0 numbers starting +3362" }).waitFor();
  const number = rows().locator('input[name="number"]');
  await number.fill("+33 6 20 00 00 01");
  await rows().locator('input[name="label"]').fill("added here");
  await number.press("Enter");
  await rows().locator('[data-notice="ok"]').filter({ hasText: "Added +33620000001" }).waitFor();
  await rows().locator('tr[data-number="+33620000001"]').waitFor();
  assert.equal((await call("GET", `${T}/blacklists/feed/numbers/%2B33620000001`)).body.data.name, "added here");
  await number.fill("+33620000001");
  await rows().locator('input[name="label"]').fill("other label");
  await rows().locator('[data-action="add-number"]').click();
  await rows().locator("[data-conflict]").filter({ hasText: "already on this list" }).waitFor();
  assert.equal((await call("GET", `${T}/blacklists/feed/numbers/%2B33620000001`)).body.data.name, "added here");
  // Removing a number as shown: gone here and in the list.
  await rows().getByRole("button", { name: "Remove +33620000001" }).click();
  await rows().locator('[data-notice="ok"]').filter({ hasText: "Removed +33620000001" }).waitFor();
  await rows().locator('tr[data-number="+33620000001"]').waitFor({ state: "detached" });
  assert.equal((await call("GET", `${T}/blacklists/feed/numbers/%2B33620000001`)).status, 404);
  // A number the list cannot read is shown next to its field.
  await number.fill("abc");
  await number.press("Enter");
  await rows().locator('.problems[data-for="number"] .problem').waitFor();
  await number.fill("");
});

test("the export downloads the whole list as CSV", async () => {
  const download = page.waitForEvent("download");
  await rows().locator('[data-action="export"]').click();
  const file = await download;
  assert.equal(file.suggestedFilename(), "blacklist-feed.csv");
  const text = readFileSync(await file.path(), "utf8");
  const lines = text.trim().split("\n");
  assert.equal(lines[0], "number,label,kind");
  assert.equal(lines.length, FEED + 1);
  assert.equal(lines[1], `${feedNumber(0)},feed 0,number`);
});

test("the call preview decides from rows: a number only in the imported rows is rejected 603, draft and stored", async () => {
  // The stored document carries no entries (over 10,000 in all): the list exists only as rows.
  const stored = await call("GET", `${T}/policy`);
  assert.equal(stored.body.lists.inline, false);
  assert.equal(stored.body.policy.blocklists.find((l) => l.id === "feed").numbers, undefined);
  const preview = page.locator("#panel-blocklists cg-call-preview");
  await preview.locator('select[name="direction"]').selectOption("inbound");
  await preview.locator('select[name="account"]').selectOption("acc-fr");
  await preview.locator('input[name="caller_number"]').fill("06 10 01 00 42");
  await preview.locator('input[name="caller_name"]').fill("Feed caller");
  await preview.locator('button[type="submit"]').click();
  for (const which of ["draft", "stored"]) {
    await preview.locator(`[data-which="${which}"] [data-verdict="reject"]`).filter({ hasText: "Rejected 603" }).waitFor();
    assert.equal(await preview.locator(`[data-which="${which}"] dd[data-key="sip_answer"]`).textContent(), "603 Decline");
  }
  const trace = await preview.locator('[data-which="stored"] li[data-outcome="rejected"]').first().textContent();
  assert.match(trace, /603 \(account_blocklist\)/);
  // A number just outside the list is allowed; the worker agrees on both.
  const d = await call("POST", `${T}/decide`, { body: { direction: "inbound", account: "acc-fr", caller_number: "06 10 01 00 42" } });
  assert.equal(d.body.screening.sip_code, 603);
  await preview.locator('input[name="caller_number"]').fill("06 10 09 99 99");
  await preview.locator('button[type="submit"]').click();
  await preview.locator('[data-which="stored"] [data-verdict="allow"]').waitFor();
  await preview.locator('[data-which="draft"] [data-verdict="allow"]').waitFor();
  // Unselected in the draft: the draft allows the listed number, the stored policy still rejects it.
  await preview.locator('input[name="caller_number"]').fill("06 10 01 00 42");
  await lists().locator('select[name="account"]').selectOption("acc-fr");
  await lists().locator('ul[aria-label="Selected"] li', { hasText: /^Spam feed$/ }).click();
  await lists().locator('[data-action="unselect"]').click();
  await preview.locator('[data-which="draft"] [data-verdict="allow"]').waitFor();
  await preview.locator('[data-which="stored"] [data-verdict="reject"]').waitFor();
  await lists().locator('[data-action="discard"]').click();
  await preview.locator('[data-which="draft"] [data-verdict="reject"]').waitFor();
});

test("keyboard only: search, page and add a number in the list's table", async () => {
  await rows().locator('input[name="prefix"]').fill("");
  await rows().locator("[data-rows-status]").filter({ hasText: "Numbers 1–25" }).waitFor();
  await rows().locator('input[name="prefix"]').focus();
  await page.keyboard.type("+336100002");
  await page.keyboard.press("Enter");
  await rows().locator("[data-rows-status]").filter({ hasText: "starting +336100002" }).waitFor();
  // Tab from the search to the page size and on to the table and the pager.
  await page.keyboard.press("Tab");
  assert.equal(await lists().evaluate((el) => el.shadowRoot.activeElement?.getAttribute("name")), "page-size");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  assert.equal(await lists().evaluate((el) => el.shadowRoot.activeElement?.dataset.action), "remove");
  await rows().locator('input[name="prefix"]').fill("");
  await rows().locator("[data-rows-status]").filter({ hasText: "Numbers 1–25" }).waitFor();
  await rows().locator('[data-action="next"]').focus();
  await page.keyboard.press("Enter");
  await rows().locator("[data-rows-status]").filter({ hasText: "Numbers 26–50" }).waitFor();
  await page.keyboard.press("Shift+Tab");
  await page.keyboard.press("Enter");
  await rows().locator("[data-rows-status]").filter({ hasText: "Numbers 1–25" }).waitFor();
  await rows().locator('input[name="number"]').focus();
  await page.keyboard.type("+33610099999");
  await page.keyboard.press("Enter");
  await rows().locator('[data-notice="ok"]').filter({ hasText: "Added +33610099999" }).waitFor();
  assert.equal(await lists().evaluate((el) => el.shadowRoot.activeElement?.getAttribute("name")), "number", "focus stays on the number field");
});

test("axe-core: no serious or critical violation with the list's table and import report; nothing overflows at 420 px", async () => {
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ["violations"] })).violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`));
  assert.deepEqual(violations, []);
  await page.setViewportSize({ width: 420, height: 900 });
  try {
    await page.waitForTimeout(100);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 420, `the page is ${width} px wide`);
  } finally {
    await page.setViewportSize({ width: 1280, height: 900 });
  }
});

test("a user's own list, paged and searched through the Wazo routes", async () => {
  const secret = "console-lists-user-secret-0123456789abcdef";
  assert.equal((await call("PUT", `${T}/user-auth`, { body: { alg: "HS256", secret } })).status, 200);
  const csv = ["number,label", ...Array.from({ length: 60 }, (_, i) => `+3369900${String(i).padStart(4, "0")},caller ${i}`)].join("\n") + "\n";
  const r = await fetch(server.url + `${T}/users/u-alice/blocklist/import`, { method: "POST", body: csv,
    headers: { authorization: `Bearer ${KEY}`, "content-type": "text/csv" } });
  assert.equal(r.status, 200, await r.text());
  const token = await new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setSubject("u-alice").setIssuedAt()
    .setExpirationTime("1h").sign(new TextEncoder().encode(secret));
  const p = await browser.context.newPage();
  p.on("pageerror", (e) => errors.push(String(e)));
  p.on("console", (m) => { if (m.type() === "error" && !/status of (400|404|412)/.test(m.text())) errors.push(m.text()); });
  try {
    await signIn(p, token, "user");
    const mine = p.locator("cg-user-blocklist");
    const status = mine.locator("[data-rows-status]");
    // 61: the 60 imported and the one the policy document gave Alice.
    await status.filter({ hasText: "1–25 of 61" }).waitFor();
    await mine.locator('[data-action="next"]').click();
    await status.filter({ hasText: "26–50 of 61" }).waitFor();
    await mine.locator('[data-action="next"]').click();
    await status.filter({ hasText: "51–61 of 61" }).waitFor();
    assert.equal(await mine.locator('[data-action="next"]').isDisabled(), true);
    await mine.locator('input[name="search"]').fill("caller 4");
    await status.filter({ hasText: "found" }).waitFor();
    const found = await mine.locator("tr[data-number]").evaluateAll((trs) => trs.map((tr) => tr.dataset.number));
    assert.deepEqual(found, ["+33699000004", ...Array.from({ length: 10 }, (_, i) => `+336990000${40 + i}`)]);
    // The same user changes an entry from another device: unblocking it here is refused and shown. (Searched by
    // number, so the entry stays shown whatever its label.)
    await mine.locator('input[name="search"]').fill("+3369900004");
    await status.filter({ hasText: "1–10 of 10 found" }).waitFor();
    const entry = (await mine.locator('tr[data-number="+33699000041"]').getAttribute("data-uuid"));
    const elsewhere = await fetch(server.url + `${T}/users/me/blocklist/numbers/${entry}`, { method: "PUT",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ number: "+33699000041", label: "from my phone" }) });
    assert.equal(elsewhere.status, 204);
    const unblock = mine.locator('tr[data-number="+33699000041"] button[data-action="unblock"]');
    await unblock.click();
    await mine.locator("[data-conflict]").filter({ hasText: "changed elsewhere" }).waitFor();
    assert.equal(await mine.locator('tr[data-number="+33699000041"] input').inputValue(), "from my phone");
    // As shown now, it unblocks (If-Match on the entry's version).
    await unblock.click();
    await mine.locator('tr[data-number="+33699000041"]').waitFor({ state: "detached" });
    const gone = await fetch(server.url + `${T}/users/me/blocklist/numbers/${entry}`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(gone.status, 404);
    await status.filter({ hasText: "1–9 of 9 found" }).waitFor();
    // Last: an element screenshot taller than the viewport leaves Playwright's own viewport override behind it.
    await shots.shot(mine, "user-blocklist-paging");
  } finally {
    await p.close();
  }
});

test("no console errors; the screenshots match the committed ones", () => {
  assert.deepEqual(errors, []);
  assert.equal(shots.drifted(), null);
});
