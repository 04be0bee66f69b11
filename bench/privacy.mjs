// Caller-ID privacy decisions per second through the wasm boundary in Node, with the typical policy of
// benches/privacy.rs (10 accounts, 5 resources x 3 gateways). Run after `make build`: `node bench/privacy.mjs`.
import { loadCore } from "../tests/js/core.mjs";

const cg = loadCore();
const MODES = [null, "kazoo", "hide_name", "hide_number", "sip"];
const COUNTRIES = ["FR", "US", "GB", "DE", "IN"];
const policy = {
  system: { privacy_mode: "kazoo" },
  accounts: Array.from({ length: 10 }, (_, i) => ({ id: `acc-${i}`, country: COUNTRIES[i % 5], privacy_mode: MODES[i % 5] })),
  resources: Array.from({ length: 5 }, (_, r) => ({
    id: `carrier-${r}`,
    privacy_mode: MODES[(r + 2) % 5],
    gateways: Array.from({ length: 3 }, (_, g) => ({ id: `gw-${g}`, privacy_mode: MODES[(r + g) % 5] })),
  })),
};
const events = Array.from({ length: 60 }, (_, i) => {
  const account = `acc-${i % 10}`;
  switch (i % 4) {
    case 0:
    case 1:
      return { direction: "outbound", account, caller_name: "Alice Martin", caller_number: "+33639981234",
        dialled_number: i % 3 === 0 ? "*67+14155550100" : "+14155550100", resource: `carrier-${i % 5}`, gateway: `gw-${i % 3}` };
    case 2:
      return { direction: "inbound", account, caller_name: "Bob", caller_number: "+14155550100",
        sip: { privacy: "id;critical", remote_party_id: "\"Bob\" <sip:+14155550100@carrier.example>;privacy=full", presentation: "prohib_not_screened" } };
    default:
      return { direction: "outbound", account, caller_name: "Carol", caller_number: "1001", dialled_number: "*67112", hide_name: true };
  }
});

function rate(label, n, f) {
  for (let i = 0; i < n / 10; i++) f(i);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) f(i);
  const ms = performance.now() - t0;
  console.log(`${label.padEnd(52)} ${Math.round((n / ms) * 1000).toString().padStart(9)} decisions/s  ${((ms * 1000) / n).toFixed(2).padStart(7)} us/decision`);
}

let t0 = performance.now();
const engine = new cg.Engine(policy);
console.log(`${"new Engine(policy) (first: wasm init + metadata)".padEnd(52)} ${(performance.now() - t0).toFixed(2).padStart(9)} ms`);
t0 = performance.now();
new cg.Engine(policy).free();
console.log(`${"new Engine(policy)".padEnd(52)} ${(performance.now() - t0).toFixed(2).padStart(9)} ms`);
const N = 50_000;
rate("Engine.decide(event) (presentation + screening)", N, (i) => engine.decide(events[i % events.length]));
rate("decidePresentation(policy, event) (compiles each call)", N / 10, (i) => cg.decidePresentation(policy, events[i % events.length]));
