// Screening at scale through the wasm boundary in Node: one blocklist of 1k, 100k and 1M entries (half in
// national format). Build time (new Engine: JS -> wasm conversion, validation with normalisation, index) and
// lookup time (Engine.decide on hits and misses). Run after `make build`: `node bench/screening.mjs`
// (QUICK=1 stops at 100k).
import { loadCore } from "../tests/js/core.mjs";

const cg = loadCore();
const sizes = process.env.QUICK ? [1_000, 100_000] : [1_000, 100_000, 1_000_000];
const nsn = (i) => `${6 + (i % 2)}${String(Number((BigInt(i) * 2654435761n) % 100000000n)).padStart(8, "0")}`;

console.log(`${"entries".padStart(9)} ${"build s".padStart(9)} ${"hit us".padStart(9)} ${"miss us".padStart(9)}`);
for (const n of sizes) {
  const numbers = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? `0${nsn(i)}` : `+33${nsn(i)}`));
  const policy = {
    accounts: [{ id: "acc", country: "FR", blocklists: ["big"], users: [{ id: "u" }] }],
    blocklists: [{ id: "big", name: "Big list", numbers, prefixes: ["+33899", "+3389"] }],
  };
  let t0 = performance.now();
  const engine = new cg.Engine(policy);
  const build = (performance.now() - t0) / 1000;
  const hits = Array.from({ length: 1000 }, (_, i) => ({ direction: "inbound", account: "acc", caller_number: `+33 ${nsn((i * 7919) % n)}`, destination_user: "u" }));
  const misses = Array.from({ length: 1000 }, (_, i) => ({ direction: "inbound", account: "acc", caller_number: `01${String(i).padStart(8, "0")}`, destination_user: "u" }));
  const time = (events) => {
    const N = 20_000;
    for (let i = 0; i < 2000; i++) engine.decide(events[i % events.length]);
    const t = performance.now();
    for (let i = 0; i < N; i++) {
      const d = engine.decide(events[i % events.length]);
      if (!d.screening) throw new Error("not screened");
    }
    return ((performance.now() - t) * 1000) / N;
  };
  const hit = time(hits);
  const miss = time(misses);
  const hitCheck = engine.decide(hits[0]).screening.rule;
  if (hitCheck !== "account_blocklist") throw new Error(`expected a hit, got ${hitCheck}`);
  console.log(`${String(n).padStart(9)} ${build.toFixed(3).padStart(9)} ${hit.toFixed(2).padStart(9)} ${miss.toFixed(2).padStart(9)}`);
  engine.free();
}
