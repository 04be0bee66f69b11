// Runs the worker in `workerd serve` itself, without wrangler dev's proxy and dev entry worker: the runtime
// Cloudflare runs, with the same bundle (`wrangler deploy --dry-run --outdir`), the same Durable Objects on
// SQLite (on a temporary disk directory) and the assets as a disk service. Used by benchmarks that need the
// runtime's own cost (bench/sip-hop.mjs); tests use wrangler dev (tests/js/wrangler.mjs).
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, serve } from "./wrangler.mjs";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = join(ROOT, "node_modules/.bin");

/** A Cap'n Proto text literal. */
const capnp = (s) => JSON.stringify(String(s));

/**
 * Bundles the worker and starts workerd on a free loopback port; resolves to { url, stop }. `vars` become text
 * bindings (as `wrangler dev --var`). The compatibility date is wrangler.toml's.
 */
export async function startWorkerd({ vars = {}, readyPath = "/healthz", timeoutMs = 60_000 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "cidguard-workerd-"));
  const out = join(dir, "bundle");
  execFileSync(join(BIN, "wrangler"), ["deploy", "--dry-run", "--outdir", out],
    { cwd: ROOT, env: { ...process.env, PATH: `${BIN}:${process.env.PATH}`, WRANGLER_SEND_METRICS: "false", CI: "true" }, stdio: "ignore" });
  const wasm = readdirSync(out).filter((f) => f.endsWith(".wasm"));
  const date = /compatibility_date\s*=\s*"([^"]+)"/.exec(readFileSync(join(ROOT, "wrangler.toml"), "utf8"))[1];
  mkdirSync(join(dir, "do"));
  const port = await freePort();
  const config = `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "assets", disk = (path = ${capnp(join(ROOT, "www"))})),
    (name = "do-disk", disk = (path = ${capnp(join(dir, "do"))}, writable = true)),
  ],
  sockets = [ (name = "http", address = ${capnp(`127.0.0.1:${port}`)}, http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [
    (name = "index.js", esModule = embed "bundle/index.js"),
${wasm.map((f) => `    (name = ${capnp(f)}, wasm = embed ${capnp(`bundle/${f}`)}),`).join("\n")}
  ],
  compatibilityDate = ${capnp(date)},
  bindings = [
${Object.entries(vars).map(([k, v]) => `    (name = ${capnp(k)}, text = ${capnp(v)}),`).join("\n")}
    (name = "ASSETS", service = "assets"),
    (name = "TENANTS", durableObjectNamespace = "TenantStore"),
    (name = "REGISTRY", durableObjectNamespace = "TenantRegistry"),
  ],
  durableObjectNamespaces = [
    (className = "TenantStore", uniqueKey = "cidguard-tenants", enableSql = true),
    (className = "TenantRegistry", uniqueKey = "cidguard-registry", enableSql = true),
  ],
  durableObjectStorage = (localDisk = "do-disk"),
);
`;
  writeFileSync(join(dir, "config.capnp"), config);
  return serve("workerd serve", join(BIN, "workerd"), ["serve", join(dir, "config.capnp")], { cwd: dir, port, readyPath, timeoutMs, tmp: dir });
}
