// The call log the replay benchmarks feed (bench/console.mjs in the page, bench/replay.mjs in Node): `n` inbound
// calls 25 s apart from 2026-12-01, a ninth anonymous, a thirteenth from a national fixed number, the rest from
// 89 × 100 French mobiles, to acc-fr (two in three) and acc-us. The same lines for both, so their figures compare.
export function callLog(n) {
  const lines = ["time,direction,account,caller_number,caller_name,dialled_number"];
  const t0 = Date.UTC(2026, 11, 1);
  for (let i = 0; i < n; i++) {
    const t = Math.floor((t0 + i * 25_000) / 1000);
    const caller = i % 9 === 1 ? "anonymous" : i % 13 === 0 ? "01 70 36 99 99" : `06 ${String(10 + (i % 89)).padStart(2, "0")} ${String(i % 100).padStart(2, "0")} 33 44`;
    lines.push(`${t},inbound,${i % 3 ? "acc-fr" : "acc-us"},${caller},${i % 9 === 1 ? "Anonymous" : `Caller ${i}`},+33170000000`);
  }
  return lines.join("\n") + "\n";
}
