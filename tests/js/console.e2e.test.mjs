// The admin console end to end: its custom elements in headless Chromium against the worker under wrangler dev
// (real HTTP, real Durable Objects, the page's CSP). One server and one browser for the whole suite.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { startWrangler } from "./wrangler.mjs";
import { launchChromium } from "./browser.mjs";
import { screenshots } from "./console-shots.mjs";
import { SignJWT } from "jose";

const KEYS = { acme: "console-key-acme-0001", globex: "console-key-globex-0001" };
const OPERATOR = "console-operator-key-0001";
const EXAMPLE = JSON.parse(readFileSync(new URL("../../www/examples/policy.json", import.meta.url), "utf8"));
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const TABS = ["policy", "blocklists", "replay", "masking"];

let server, browser, page, shots;
const consoleErrors = [];

/** A request to the worker as a client would send it. */
export async function call(method, path, { key = KEYS.acme, body, headers = {} } = {}) {
  const h = { authorization: `Bearer ${key}`, ...headers };
  if (body !== undefined) h["content-type"] = "application/json";
  const r = await fetch(server.url + path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null, etag: r.headers.get("etag") };
}

before(async () => {
  server = await startWrangler({ vars: { API_KEYS: `acme:${KEYS.acme},globex:${KEYS.globex}`, OPERATOR_KEY: OPERATOR } });
  browser = await launchChromium();
  shots = screenshots(browser.context);
  page = await browser.context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  // Answers the tests provoke on purpose (a wrong key, a stale If-Match) are logged by Chromium as errors.
  page.on("console", (m) => { if (m.type() === "error" && !/status of (401|404|412)/.test(m.text())) consoleErrors.push(m.text()); });
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  assert.equal((await call("PUT", "/v1/tenants/acme/policy", { body: EXAMPLE })).status, 200);
});
after(async () => {
  await shots?.close();
  await browser?.close();
  await server?.stop();
});

/** Signs in on the console page with `credential` (kind tenant | user). */
async function signIn(p, { tenant = "acme", credential = KEYS.acme, kind = "tenant" } = {}) {
  await p.goto(server.url + "/");
  await p.waitForSelector('body[data-loaded="true"]');
  await p.fill('#signin input[name="tenant"]', tenant);
  await p.fill('#signin input[name="credential"]', credential);
  await p.selectOption('#signin select[name="kind"]', kind);
  await p.click('#signin button[type="submit"]');
}

/** Screenshots shown in docs/console.md: compared with the committed ones (console-shots.mjs). */
const shot = (locator, name) => shots.shot(locator, name);

test("sign-in: a wrong key is refused, the tenant key opens the console", async () => {
  await signIn(page, { credential: "not-a-key-at-all" });
  await page.waitForFunction(() => document.querySelector("#signin-error").textContent !== "");
  assert.match(await page.textContent("#signin-error"), /unknown tenant or credential/);
  await signIn(page);
  await page.waitForSelector('body[data-ready="true"]');
  assert.equal(await page.isVisible("#console"), true);
  await page.locator("#panel-policy cg-call-preview").locator('[data-which="stored"]').waitFor();
});

test("a privacy change is seen in the preview before and after Apply", async () => {
  const preview = page.locator("#panel-policy cg-call-preview");
  const privacy = page.locator("cg-privacy-settings");
  await preview.locator('select[name="direction"]').selectOption("outbound");
  await preview.locator('select[name="account"]').selectOption("acc-fr");
  await preview.locator('input[name="caller_number"]').fill("+33639981234");
  await preview.locator('input[name="caller_name"]').fill("Alice Martin");
  await preview.locator('input[name="dialled_number"]').fill("+14155550100");
  await preview.locator('input[name="sip_privacy"]').fill("id");
  await preview.locator('button[type="submit"]').click();
  const name = (which) => preview.locator(`[data-which="${which}"] dd[data-key="caller_name"]`);
  const number = (which) => preview.locator(`[data-which="${which}"] dd[data-key="caller_number"]`);
  // Stored: no level sets a mode, so the default kazoo hides name and number.
  await assert.doesNotReject(name("stored").filter({ hasText: "anonymous" }).waitFor());
  assert.equal(await number("stored").textContent(), "0000000000");
  // Draft: the account hides only the name.
  await privacy.locator('select[data-path="accounts[0].privacy_mode"]').selectOption("hide_name");
  await number("draft").filter({ hasText: "+33639981234" }).waitFor();
  assert.equal(await name("draft").textContent(), "anonymous");
  assert.equal(await number("stored").textContent(), "0000000000", "the stored policy is unchanged before Apply");
  assert.equal((await call("GET", "/v1/tenants/acme/policy")).body.policy.accounts[0].privacy_mode, undefined);
  // The effective result, from the core, for the account without a carrier.
  await privacy.locator('tr[data-account="acc-fr"] td[data-route="none"]').filter({ hasText: "hide_name" }).waitFor();
  await shot(privacy, "privacy-settings");
  await privacy.locator('[data-action="apply"]').click();
  await number("stored").filter({ hasText: "+33639981234" }).waitFor();
  const stored = await call("GET", "/v1/tenants/acme/policy");
  assert.equal(stored.body.policy.accounts[0].privacy_mode, "hide_name");
  await shot(preview, "call-preview");
});

test("every validation problem is shown next to its field with its path", async () => {
  const privacy = page.locator("cg-privacy-settings");
  await privacy.locator("details.json summary").click();
  const doc = JSON.parse(await privacy.locator("textarea").inputValue());
  doc.accounts[1].privacy_mode = "hide";
  doc.resources[0].gateways[1].privacy_mod = "sip";
  await privacy.locator("textarea").fill(JSON.stringify(doc));
  await privacy.getByRole("button", { name: "Use this JSON as the draft" }).click();
  const byField = privacy.locator('.problems[data-for="accounts[1].privacy_mode"] .problem');
  await byField.waitFor();
  assert.match(await byField.textContent(), /accounts\[1\]\.privacy_mode/);
  // A key with no control of its own is shown at its closest parent's control, still with its full path.
  const gw = privacy.locator('[data-field="resources[0].gateways[1].privacy_mod"]');
  await gw.waitFor();
  assert.equal(await privacy.locator('[data-action="apply"]').isDisabled(), true);
  await privacy.locator('[data-action="discard"]').click();
  await byField.waitFor({ state: "detached" });
  await privacy.locator("details.json summary").click();
});

test("Monster UI blocklist flow: a new list with a number and Block Anonymous, selected for the account, rejects the call 603", async () => {
  await page.click("#tab-blocklists");
  const lists = page.locator("cg-blocklists");
  const preview = page.locator("#panel-blocklists cg-call-preview");
  await lists.locator('[data-action="new-list"]').click();
  await lists.locator('input[name="list-name"]').fill("Robocalls");
  await lists.locator('input[name="list-name"]').press("Tab");
  await lists.locator('input[name="number"]').fill("+33 1 70 36 99 98");
  await lists.locator('input[name="number"]').press("Enter");
  await lists.locator('li[data-number="+33 1 70 36 99 98"]').waitFor();
  await lists.locator('[data-action="block-anonymous"]').click();
  assert.equal(await lists.locator('[data-action="block-anonymous"]').getAttribute("aria-checked"), "true");
  // Account settings: Available → Selected for acc-fr, with the keyboard.
  await lists.locator('select[name="account"]').selectOption("acc-fr");
  const available = lists.locator('ul[aria-label="Available"]');
  await available.locator('li', { hasText: /^Robocalls$/ }).click();
  await lists.locator('[data-action="select"]').click();
  await lists.locator('ul[aria-label="Selected"] li', { hasText: /^Robocalls$/ }).waitFor();
  await preview.locator('select[name="direction"]').selectOption("inbound");
  await preview.locator('select[name="account"]').selectOption("acc-fr");
  await preview.locator('input[name="caller_number"]').fill("01 70 36 99 98");
  await preview.locator('input[name="caller_name"]').fill("Robot");
  await preview.locator('button[type="submit"]').click();
  const badge = (which) => preview.locator(`[data-which="${which}"] [data-verdict]`);
  await badge("draft").filter({ hasText: "Rejected 603" }).waitFor();
  assert.equal(await preview.locator('[data-which="draft"] dd[data-key="sip_answer"]').textContent(), "603 Decline");
  assert.match(await badge("stored").textContent(), /^Allowed/);
  await shot(lists, "blocklists");
  await lists.locator('[data-action="apply"]').click();
  await badge("stored").filter({ hasText: "Rejected 603" }).waitFor();
  const stored = (await call("GET", "/v1/tenants/acme/policy")).body.policy;
  const list = stored.blocklists.find((l) => l.name === "Robocalls");
  assert.equal(list.block_anonymous, true);
  assert.ok(stored.accounts.find((a) => a.id === "acc-fr").blocklists.includes(list.id));
  // The numbers are rows of the list (blocklist resources), read back through the Kazoo-shaped route.
  const numbers = await call("GET", `/v1/tenants/acme/blacklists/${list.id}/numbers`);
  assert.deepEqual(numbers.body.data.map((n) => n.number), ["+33170369998"]);
  // The worker decides the same.
  const d = await call("POST", "/v1/tenants/acme/decide", { body: { direction: "inbound", account: "acc-fr", caller_number: "01 70 36 99 98" } });
  assert.equal(d.body.screening.sip_code, 603);
});

/** A call log: every 5th call anonymous to acc-fr, one call per minute from 2026-12-04 08:00 UTC. */
function callLog(n) {
  const lines = ["time,direction,account,caller_number,caller_name,dialled_number"];
  for (let i = 0; i < n; i++) {
    const t = new Date(Date.UTC(2026, 11, 4, 8, 0) + i * 60_000).toISOString().replace(".000", "");
    lines.push(i % 5 === 0 ? `${t},inbound,acc-fr,anonymous,Anonymous,+33170000000` : `${t},inbound,acc-fr,06 11 22 33 ${String(i % 100).padStart(2, "0")},Caller ${i},+33170000000`);
  }
  return lines.join("\n") + "\n";
}

test("a replay in the page and by the worker shows the changed calls, their traces and the chart", async () => {
  // The draft: Robocalls (Block Anonymous on) back from Selected to Available for acc-fr.
  await page.click("#tab-blocklists");
  const lists = page.locator("cg-blocklists");
  await lists.locator('select[name="account"]').selectOption("acc-fr");
  await lists.locator('ul[aria-label="Selected"] li', { hasText: /^Robocalls$/ }).click();
  await lists.locator('[data-action="unselect"]').click();
  await lists.locator('ul[aria-label="Available"] li', { hasText: /^Robocalls$/ }).waitFor();
  await page.click("#tab-replay");
  const replay = page.locator("cg-replay");
  const log = callLog(600);
  await replay.locator('input[type="file"]').setInputFiles({ name: "calls.csv", mimeType: "text/csv", buffer: Buffer.from(log) });
  for (const where of ["page", "worker"]) {
    await replay.locator('select[name="where"]').selectOption(where);
    const done = page.evaluate(() => new Promise((r) => document.querySelector("cg-replay").addEventListener("replayed", (e) => r(e.detail.where), { once: true })));
    await replay.locator('button[type="submit"]').click();
    assert.equal(await done, where);
    assert.equal(await replay.locator('dd[data-key="calls"]').textContent(), "600");
    assert.equal(await replay.locator('dd[data-key="changed"]').textContent(), "120");
    assert.equal(await replay.locator('dd[data-key="rejected_before"]').textContent(), "120");
    assert.equal(await replay.locator('dd[data-key="rejected_after"]').textContent(), "0");
    assert.equal(await replay.locator("table.changed tbody tr[data-line]").count(), 120);
    assert.equal(await replay.locator("progress").evaluate((p) => p.value), 1);
  }
  // The chart: uPlot's canvas with the four series in its legend.
  assert.equal(await replay.locator(".chart canvas").count(), 1);
  assert.equal(await replay.locator(".chart .u-legend .u-series").count(), 5);
  const first = replay.locator('tr[data-line="2"]');
  assert.match(await first.locator('[data-which="before"]').textContent(), /^Rejected 433 \(anonymous\)/);
  assert.match(await first.locator('[data-which="after"]').textContent(), /^Allowed/);
  await first.locator('[data-action="traces"]').click();
  await replay.locator('.traces section[aria-label="Stored"] li[data-outcome="rejected"]').waitFor();
  await shot(replay, "replay");
});

test("lists stored as rows: the replay runs by the worker, decided from the rows, with its progress", async () => {
  // globex: a blocklist of 10,001 numbers imported as rows (more than the policy as read inlines), not selected.
  const key = KEYS.globex;
  assert.equal((await call("PUT", "/v1/tenants/globex/policy", { key, body: { accounts: [{ id: "acc-fr", country: "FR" }] } })).status, 200);
  assert.equal((await call("PUT", "/v1/tenants/globex/blacklists", { key, body: { data: { id: "feed", name: "Feed", country: "FR" } } })).status, 201);
  const number = (i) => { const d = String(10_000_000 + i); return `06 ${d.slice(0, 2)} ${d.slice(2, 4)} ${d.slice(4, 6)} ${d.slice(6, 8)}`; };
  const csv = ["number", ...Array.from({ length: 10_001 }, (_, i) => number(i))].join("\n") + "\n";
  const imported = await fetch(server.url + "/v1/tenants/globex/blacklists/feed/import", { method: "POST", body: csv,
    headers: { authorization: `Bearer ${key}`, "content-type": "text/csv" } });
  assert.equal(imported.status, 200, await imported.text());
  assert.equal((await call("GET", "/v1/tenants/globex/policy", { key })).body.lists.inline, false);
  const p = await browser.context.newPage();
  try {
    await signIn(p, { tenant: "globex", credential: key });
    await p.waitForSelector('body[data-ready="true"]');
    // The draft selects the list for acc-fr (Available → Selected).
    await p.click("#tab-blocklists");
    const lists = p.locator("cg-blocklists");
    await lists.locator('select[name="account"]').selectOption("acc-fr");
    await lists.locator('ul[aria-label="Available"] li', { hasText: /^Feed$/ }).click();
    await lists.locator('[data-action="select"]').click();
    await lists.locator('ul[aria-label="Selected"] li', { hasText: /^Feed$/ }).waitFor();
    await p.click("#tab-replay");
    const replay = p.locator("cg-replay");
    const lines = ["time,direction,account,caller_number,caller_name,dialled_number"];
    for (let i = 0; i < 300; i++) lines.push(`${1_796_083_200 + i * 60},inbound,acc-fr,${i % 3 === 0 ? number(i * 31) : `07 77 00 11 ${String(i % 100).padStart(2, "0")}`},Caller ${i},+33170000000`);
    await replay.locator('input[type="file"]').setInputFiles({ name: "calls.csv", mimeType: "text/csv", buffer: Buffer.from(lines.join("\n") + "\n") });
    const done = p.evaluate(() => new Promise((r) => document.querySelector("cg-replay").addEventListener("replayed", (e) => r(e.detail.where), { once: true })));
    await replay.locator('button[type="submit"]').click();
    assert.equal(await done, "worker", "automatic: the worker, since the lists are rows");
    assert.match(await replay.locator('p[role="status"]').textContent(), /by the worker \(lists stored as rows/);
    assert.equal(await replay.locator('dd[data-key="changed"]').textContent(), "100");
    assert.equal(await replay.locator('dd[data-key="rejected_after"]').textContent(), "100");
    assert.equal(await replay.locator("progress").evaluate((el) => el.value), 1);
    // The traces are decided from the rows too: the draft's rejects the caller on the list.
    const first = replay.locator('tr[data-line="2"]');
    assert.match(await first.locator('[data-which="after"]').textContent(), /^Rejected 603 \(account_blocklist\)/);
    await first.locator('[data-action="traces"]').click();
    await replay.locator('.traces section[aria-label="Draft"] li[data-outcome="rejected"]').waitFor();
  } finally {
    await p.close();
  }
});

test("the replay route refuses bad input with 4xx naming the field, before streaming", async () => {
  const post = (body, type = "text/csv") => fetch(server.url + "/v1/tenants/acme/replay", { method: "POST", body,
    headers: { authorization: `Bearer ${KEYS.acme}`, "content-type": type } });
  const err = async (r) => [r.status, (await r.json()).error];
  let [status, e] = await err(await post("{}\ntime\n", "application/json"));
  assert.deepEqual([status, e.field, e.code], [415, "content-type", "unsupported_media_type"]);
  [status, e] = await err(await post(JSON.stringify({ candidate: EXAMPLE }) + "\ntime,direction,account\n1,inbound,acc-fr\n"));
  assert.deepEqual([status, e.field, e.code], [400, "csv.header", "missing_column"]);
  [status, e] = await err(await post(JSON.stringify({ candidate: { ...EXAMPLE, accounts: 3 } }) + "\n"));
  assert.deepEqual([status, e.field], [400, "candidate.accounts"]);
  [status, e] = await err(await post(JSON.stringify({ candidat: EXAMPLE }) + "\n"));
  assert.deepEqual([status, e.field, e.code], [400, "candidat", "unknown_field"]);
  [status, e] = await err(await post("not json\n"));
  assert.deepEqual([status, e.field, e.code], [400, "replay", "malformed_json"]);
  const ok = await post(JSON.stringify({ candidate: EXAMPLE, options: { bucket_seconds: 86400 } }) + "\n" + callLog(25_000));
  assert.equal(ok.status, 200);
  const lines = (await ok.text()).trim().split("\n").map((l) => JSON.parse(l));
  assert.ok(lines.filter((l) => l.progress).length >= 3, "progress lines while streaming");
  assert.equal(lines.at(-1).report.calls, 25_000);
});

const MASKING = {
  pool: [{ number: "+41793026731" }, { number: "+41793026732" }, { number: "+41793026733" }, { number: "+41793026734", reserved: true }],
  session: { id: "ride-1", ttl_seconds: 7200, participants: [{ number: "+41793026727" }, { number: "+41793026785" }] },
};

test("masking: the sizing curve with the chosen point, the pool's states over time, sessions and pool", async () => {
  assert.equal((await call("PUT", "/v1/tenants/acme/masking/pool", { body: MASKING.pool })).status, 200);
  assert.equal((await call("POST", "/v1/tenants/acme/masking/sessions", { body: MASKING.session })).status, 201);
  await signIn(page);
  await page.waitForSelector('body[data-ready="true"]');
  await page.click("#tab-masking");
  const masking = page.locator("cg-masking");
  await masking.locator('tr[data-session="ride-1"]').waitFor();
  assert.match(await masking.locator('tr[data-session="ride-1"]').textContent(), /\+41793026727/, "an unmask key sees the real numbers");
  await masking.locator('[data-numbers]').waitFor();
  const chosen = Number(await masking.locator("[data-numbers]").getAttribute("data-numbers"));
  const expected = await page.evaluate(async () => (await import("/pkg/cidguard.js")).poolSize({ calls_per_hour: 3600,
    average_call_seconds: 180, channels_per_number: 2, max_sessions_per_participant: 10, headroom_percent: 20 }).numbers);
  assert.equal(chosen, expected);
  await masking.locator('input[name="calls_per_hour"]').fill("36000");
  await masking.locator('button[type="submit"]').click();
  await masking.locator(`[data-numbers]:not([data-numbers="${chosen}"])`).waitFor();
  await masking.locator('input[name="calls_per_hour"]').fill("lots");
  await masking.locator('button[type="submit"]').click();
  await masking.locator('.problems[data-for="sizing.calls_per_hour"] .problem').waitFor();
  await masking.locator('input[name="calls_per_hour"]').fill("3600");
  await masking.locator('button[type="submit"]').click();
  assert.equal(await masking.locator("[part~='sizing-chart'] canvas").count(), 1);
  assert.equal(await masking.locator("[part~='states-chart'] canvas").count(), 1);
  // Now: 2 numbers in use by ride-1, 1 reserved, 1 free (the core's poolStates, in the table under the chart).
  const first = await masking.locator("[part~='states-chart'] + div table tbody tr").first().locator("td").allTextContents();
  assert.deepEqual(first.slice(1).map(Number), [2, 1, 0, 1]);
  await shot(masking, "masking");
});

test("masked numbers for a key without the unmask privilege", async () => {
  const key = await call("POST", "/v1/tenants/acme/keys", { body: { role: "readonly", label: "agent" } });
  assert.equal(key.status, 201);
  const p = await browser.context.newPage();
  try {
    await signIn(p, { credential: key.body.key });
    await p.waitForSelector('body[data-ready="true"]');
    await p.click("#tab-masking");
    const row = p.locator('cg-masking tr[data-session="ride-1"]');
    await row.waitFor();
    const shown = await row.locator("[data-number]").allTextContents();
    assert.ok(shown.length >= 2);
    assert.ok(!shown.some((n) => n === "+41793026727" || n === "+41793026785"), `no real participant number shown: ${shown}`);
  } finally {
    await p.close();
  }
});

test("a conflicting save is shown, the draft kept, and merged onto the other save", async () => {
  await page.click("#tab-policy");
  const privacy = page.locator("cg-privacy-settings");
  await privacy.locator('select[data-path="accounts[1].privacy_mode"]').selectOption("hide_number");
  // Another admin saves meanwhile (a different field).
  const cur = await call("GET", "/v1/tenants/acme/policy");
  assert.ok(cur.etag, "the policy carries an ETag");
  const other = structuredClone(cur.body.policy);
  other.system.anonymous_name = "Someone else";
  assert.equal((await call("PUT", "/v1/tenants/acme/policy", { body: other, headers: { "if-match": cur.etag } })).status, 200);
  await privacy.locator('[data-action="apply"]').click();
  await privacy.locator("[data-conflict]").waitFor();
  assert.equal(await privacy.locator('select[data-path="accounts[1].privacy_mode"]').inputValue(), "hide_number", "the draft is kept");
  assert.equal((await call("GET", "/v1/tenants/acme/policy")).body.policy.accounts[1].privacy_mode, "hide_name", "nothing overwritten");
  await shot(privacy.locator("[part~='applybar']"), "conflict");
  await privacy.locator('[data-action="rebase"]').click();
  await privacy.locator("[data-conflict]").waitFor({ state: "detached" });
  assert.equal(await privacy.locator('input[data-path="system.anonymous_name"]').inputValue(), "Someone else");
  assert.equal(await privacy.locator('select[data-path="accounts[1].privacy_mode"]').inputValue(), "hide_number");
  await privacy.locator('[data-action="apply"]').click();
  await privacy.locator('[data-status]').filter({ hasText: "no changes" }).waitFor();
  const after = (await call("GET", "/v1/tenants/acme/policy")).body.policy;
  assert.deepEqual([after.system.anonymous_name, after.accounts[1].privacy_mode], ["Someone else", "hide_number"]);
});

test("a user token sees only its own blocklist", async () => {
  const secret = "console-user-token-secret-0123456789abcdef";
  assert.equal((await call("PUT", "/v1/tenants/acme/user-auth", { body: { alg: "HS256", secret } })).status, 200);
  const token = (sub) => new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setSubject(sub).setIssuedAt()
    .setExpirationTime("1h").sign(new TextEncoder().encode(secret));
  // Bob has an entry of his own; Alice signs in.
  const bob = await fetch(server.url + "/v1/tenants/acme/users/me/blocklist/numbers", { method: "POST",
    headers: { authorization: `Bearer ${await token("u-bob")}`, "content-type": "application/json" },
    body: JSON.stringify({ number: "+33612345678", label: "bob's" }) });
  assert.equal(bob.status, 201);
  const p = await browser.context.newPage();
  try {
    await signIn(p, { credential: await token("u-alice"), kind: "user" });
    await p.waitForSelector('body[data-ready="true"]');
    assert.deepEqual(await p.locator("#tabs [role=tab]").allTextContents(), ["My blocklist"]);
    const mine = p.locator("cg-user-blocklist");
    await mine.locator('input[name="number"]').fill("+33698765432");
    await mine.locator('input[name="label"]').fill("telemarketer");
    await mine.locator('[data-action="add"]').click();
    await mine.locator('tr[data-number="+33698765432"]').waitFor();
    const shown = await mine.locator("tr[data-number]").evaluateAll((rows) => rows.map((r) => r.dataset.number));
    assert.ok(!shown.includes("+33612345678"), `bob's entry is not shown: ${shown}`);
    await mine.locator('input[name="number"]').fill("0698765432");
    await mine.locator('[data-action="add"]').click();
    await mine.locator(".problem[data-field]").first().waitFor();
    await shot(mine, "user-blocklist");
  } finally {
    await p.close();
  }
});

test("axe-core: no serious or critical violation in any view", async () => {
  await page.evaluate(AXE);
  for (const tab of TABS) {
    await page.click(`#tab-${tab}`);
    const violations = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ["violations"] })).violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`));
    assert.deepEqual(violations, [], tab);
  }
});

test("keyboard only: tabs switch with the arrow keys and the preview runs with Enter", async () => {
  await page.focus("#tab-policy");
  await page.keyboard.press("ArrowRight");
  assert.equal(await page.evaluate(() => document.activeElement.id), "tab-blocklists");
  assert.equal(await page.isVisible("#panel-blocklists"), true);
  await page.keyboard.press("ArrowLeft");
  const preview = page.locator("#panel-policy cg-call-preview");
  await preview.locator('input[name="caller_number"]').focus();
  await page.keyboard.type("+33899000000");
  await page.keyboard.press("Enter");
  await preview.locator('[data-which="draft"] [data-verdict]').waitFor();
});

test("nothing overflows at 420 px", async () => {
  await page.setViewportSize({ width: 420, height: 900 });
  try {
    for (const tab of TABS) {
      await page.click(`#tab-${tab}`);
      await page.waitForTimeout(100);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 420, `${tab}: the page is ${width} px wide`);
    }
  } finally {
    await page.setViewportSize({ width: 1280, height: 900 });
  }
});

test("embedded in a host page with hostile global CSS and colliding ids, the elements render and work unchanged", async () => {
  // The host page is served on the worker's origin with the worker's own CSP (the elements need no more).
  const csp = (await fetch(server.url + "/")).headers.get("content-security-policy");
  const p = await browser.context.newPage();
  const errors = [];
  p.on("pageerror", (e) => errors.push(String(e)));
  p.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  const asset = (body, type) => ({ status: 200, contentType: type, body, headers: { "content-security-policy": csp } });
  await p.route(server.url + "/embed/host.html", (r) => r.fulfill(asset(`<!doctype html><html lang="en"><head><title>Host</title>
    <link rel="stylesheet" href="/embed/hostile.css"><script type="module" src="/embed/host.js"></script></head>
    <body><h1 id="root">Host admin</h1><p id="preview" class="host-text">host text</p><button id="apply">host button</button>
    <div class="root"><cg-call-preview id="call-preview"></cg-call-preview></div><cg-blocklists></cg-blocklists></body></html>`, "text/html")));
  await p.route(server.url + "/embed/hostile.css", (r) => r.fulfill(asset(
    "* { all: revert; color: red; font-size: 40px } button { display: none } .root, .field, .badge, dl, table { border: 9px solid lime; padding: 30px }", "text/css")));
  await p.route(server.url + "/embed/host.js", (r) => r.fulfill(asset(`
    import { PolicyDraft } from "/console/index.js";
    const conn = { baseUrl: location.origin + "/v1/tenants/acme", credential: ${JSON.stringify(KEYS.acme)} };
    const draft = new PolicyDraft(conn);
    for (const el of document.querySelectorAll("cg-call-preview, cg-blocklists")) { el.draft = draft; Object.assign(el, conn); }
    draft.load().then(() => (document.body.dataset.ready = "true"));`, "text/javascript")));
  try {
    await p.goto(server.url + "/embed/host.html");
    await p.waitForSelector('body[data-ready="true"]');
    const preview = p.locator("cg-call-preview");
    const style = (loc) => loc.evaluate((e) => { const s = getComputedStyle(e); return { color: s.color, size: s.fontSize, display: s.display, border: s.borderTopWidth }; });
    // Inside: the elements' own look.
    const button = preview.locator('button[type="submit"]');
    assert.notEqual((await style(button)).display, "none");
    const label = preview.locator("label").first();
    assert.deepEqual([(await style(label)).color, (await style(label)).size], ["rgb(81, 90, 101)", "12.75px"]);
    assert.equal((await style(preview.locator(".root"))).border, "1px");
    // They work: a call decided in the embedded preview.
    await preview.locator('select[name="account"]').selectOption("acc-fr");
    await preview.locator('input[name="caller_number"]').fill("01 70 36 99 98");
    await button.click();
    await preview.locator('[data-which="draft"] [data-verdict="reject"]').waitFor();
    // Outside: the host's own elements keep the host's (hostile) styles; its ids are still unique.
    const hostP = await style(p.locator("p#preview"));
    assert.deepEqual([hostP.color, hostP.size], ["rgb(255, 0, 0)", "40px"]);
    assert.equal((await style(p.locator("button#apply"))).display, "none");
    assert.equal(await p.evaluate(() => document.querySelectorAll("#preview, #root, #apply").length), 3);
    assert.equal(await p.evaluate(() => document.adoptedStyleSheets.length + document.styleSheets.length), 1);
    await shot(p.locator("body"), "embedded");
    assert.deepEqual(errors.filter((e) => !/status of (401|404|412)/.test(e)), []);
  } finally {
    await p.close();
  }
});

test("no console errors; the screenshots match the committed ones", () => {
  assert.deepEqual(consoleErrors, []);
  assert.equal(shots.drifted(), null);
});
