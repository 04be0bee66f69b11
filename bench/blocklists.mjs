// Lists at carrier scale, over HTTP on loopback against wrangler dev (workerd, SQLite Durable Objects):
// - import of 1,000,000 numbers in one streamed CSV request (time, progress samples polled while it runs);
// - /decide p50/p95 with an account list and a user list of 1k, 100k and 1M entries each, in one run (the ratio of
//   p50 at 1M to p50 at 1k is the figure the issue asks for);
// - the memory the lists add: RSS of the workerd process that runs the worker and its Durable Objects, after the
//   small lists and again after the 1M lists, both after the same warm-up (an upper bound: it includes SQLite's
//   page cache, which is not isolate memory);
// - the CSV export of the 1M list (time to first byte, total, rows).
// Run: `node bench/blocklists.mjs` (SIZES=1000,100000,1000000 and DECIDES=2000 by default).
import { readFileSync, readdirSync } from "node:fs";
import { startWrangler } from "../tests/js/wrangler.mjs";

const SIZES = (process.env.SIZES ?? "1000,100000,1000000").split(",").map(Number);
const DECIDES = Number(process.env.DECIDES ?? 2000);
const KEY = "bench-key-acme-123456";
const T = "/v1/tenants/acme";

const server = await startWrangler({ vars: { API_KEYS: `acme:${KEY}` }, timeoutMs: 120_000 });
const port = new URL(server.url).port;

/** RSS (MiB) of the workerd process serving this wrangler's port. */
function rssMiB() {
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      if (cmd.includes("workerd") && cmd.includes(`entry=127.0.0.1:${port}`)) {
        const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))[1]);
        return kb / 1024;
      }
    } catch {}
  }
  return NaN;
}

async function call(method, path, { body, raw, type = "application/json" } = {}) {
  const init = { method, headers: { authorization: `Bearer ${KEY}` } };
  if (body !== undefined) { init.body = JSON.stringify(body); init.headers["content-type"] = type; }
  if (raw !== undefined) { init.body = raw; init.headers["content-type"] = type; init.duplex = "half"; }
  const r = await fetch(server.url + path, init);
  const text = await r.text();
  if (r.status >= 300) throw new Error(`${method} ${path}: HTTP ${r.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

/** A CSV body of `n` numbers from `base`, generated as it is read (the bench never holds it either). */
function csvStream(n, base) {
  const enc = new TextEncoder();
  let i = 0;
  return new ReadableStream({
    start(c) { c.enqueue(enc.encode("number,label\n")); },
    pull(c) {
      if (i >= n) return c.close();
      let s = "";
      for (const end = Math.min(n, i + 10_000); i < end; i++) s += `+1${base + i},bench\n`;
      c.enqueue(enc.encode(s));
    },
  });
}

/** Imports `n` numbers into `path` in one request, sampling the progress resource while it runs. */
async function timedImport(path, n, base, id) {
  const samples = [];
  const t0 = performance.now();
  let finished = false;
  const poll = (async () => {
    while (!finished) {
      await new Promise((r) => setTimeout(r, 2000));
      try {
        const p = await call("GET", `${T}/imports/${id}`);
        samples.push(`${((performance.now() - t0) / 1000).toFixed(0)}s ${p.processed_lines}/${p.total_lines}`);
      } catch {}
    }
  })();
  const report = await call("POST", `${path}?import_id=${id}&total_lines=${n + 1}`, { raw: csvStream(n, base), type: "text/csv" });
  finished = true;
  await poll;
  return { seconds: (performance.now() - t0) / 1000, imported: report.imported, samples };
}

const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

const accounts = SIZES.map((n) => ({ id: `acc-${n}`, country: "US", blocklists: [`list-${n}`], users: [{ id: `u-${n}` }] }));
await call("PUT", `${T}/policy`, { body: { accounts, blocklists: SIZES.map((n) => ({ id: `list-${n}`, name: `${n} numbers` })) } });

// Account list numbers: +1 2xx…, user list numbers: +1 3xx…; one block of 10^7 per size.
const accountBase = (k) => 2_010_000_000 + k * 10_000_000;
const userBase = (k) => 3_010_000_000 + k * 10_000_000;

async function decideRun(n, k) {
  const times = [];
  for (let i = 0; i < DECIDES; i++) {
    const listed = i % 3;
    const caller = listed === 0 ? `+1${accountBase(k) + ((i * 7919) % n)}` : listed === 1 ? `+1${userBase(k) + ((i * 104729) % n)}` : `+1${4_010_000_000 + i}`;
    const t0 = performance.now();
    const d = await call("POST", `${T}/decide`, { body: { direction: "inbound", account: `acc-${n}`, caller_number: caller, destination_user: `u-${n}` } });
    times.push(performance.now() - t0);
    const want = ["account_blocklist", "user_blocklist", "no_match"][listed];
    if (d.screening.rule !== want) throw new Error(`${caller}: ${d.screening.rule}, expected ${want}`);
  }
  return { p50: pct(times, 0.5), p95: pct(times, 0.95) };
}

const rows = [];
let rssSmall = null;
for (const [k, n] of SIZES.entries()) {
  const a = await timedImport(`${T}/blacklists/list-${n}/import`, n, accountBase(k), `acct-${n}`);
  const u = await timedImport(`${T}/users/u-${n}/blocklist/import`, n, userBase(k), `user-${n}`);
  if (n === Math.max(...SIZES)) {
    console.log(`import of ${n.toLocaleString("en")} numbers (account list) in one request: ${a.seconds.toFixed(1)} s; progress: ${a.samples.join(", ")}`);
    console.log(`import of ${n.toLocaleString("en")} numbers (user list) in one request: ${u.seconds.toFixed(1)} s`);
  }
  await decideRun(n, k); // warm-up
  const r = await decideRun(n, k);
  rows.push({ n, ...r });
  console.log(`/decide with account + user lists of ${n.toLocaleString("en")} each: p50 ${r.p50.toFixed(3)} ms, p95 ${r.p95.toFixed(3)} ms (${DECIDES} calls)`);
  if (k === 0) rssSmall = rssMiB();
}
const rssLarge = rssMiB();
const first = rows[0];
const last = rows[rows.length - 1];
console.log(`p50 ratio ${last.n.toLocaleString("en")} / ${first.n.toLocaleString("en")}: ${(last.p50 / first.p50).toFixed(3)} (goal ≤ 1.2)`);
console.log(`workerd RSS: ${rssSmall.toFixed(1)} MiB with the ${first.n.toLocaleString("en")} lists, ${rssLarge.toFixed(1)} MiB with every list ` +
  `(+${(rssLarge - rssSmall).toFixed(1)} MiB for ${(2 * SIZES.slice(1).reduce((s, n) => s + n, 0)).toLocaleString("en")} more rows; includes SQLite's page cache)`);

// Export of the largest account list, streamed.
const t0 = performance.now();
const res = await fetch(`${server.url}${T}/blacklists/list-${last.n}/export`, { headers: { authorization: `Bearer ${KEY}` } });
const reader = res.body.getReader();
let firstByte = null;
let lines = 0;
for (;;) {
  const { done, value } = await reader.read();
  if (done) break;
  firstByte ??= performance.now() - t0;
  for (const b of value) if (b === 10) lines++;
}
console.log(`export of ${(lines - 1).toLocaleString("en")} rows: first byte ${firstByte.toFixed(0)} ms, done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
await server.stop();
