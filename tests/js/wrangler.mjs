// Starts `wrangler dev` (workerd) on a free loopback port for a test and always stops it; every wait bounded.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts wrangler dev with `config` (relative to the repo root) and resolves to { url, stop, logs, persist }.
 * `vars` become `--var KEY:VALUE`. State is persisted to a fresh temporary directory, removed on stop.
 */
export async function startWrangler({ config = "wrangler.toml", vars = {}, args: extra = [], readyPath = "/healthz", timeoutMs = 90_000 } = {}) {
  const port = await freePort();
  const persist = mkdtempSync(join(tmpdir(), "cidguard-wrangler-"));
  const args = ["dev", "--config", config, "--ip", "127.0.0.1", "--port", String(port), "--persist-to", persist,
    "--log-level", "warn", "--show-interactive-dev-session=false"];
  for (const [k, v] of Object.entries(vars)) args.push("--var", `${k}:${v}`);
  args.push(...extra);
  const env = { ...process.env, PATH: `${join(ROOT, "node_modules/.bin")}:${process.env.PATH}`,
    WRANGLER_SEND_METRICS: "false", CI: "true", NO_COLOR: "1" };
  const server = await serve("wrangler dev", join(ROOT, "node_modules/.bin/wrangler"), args,
    { cwd: ROOT, env, port, readyPath, timeoutMs, tmp: persist });
  return { ...server, persist };
}

/**
 * Spawns `cmd args` in its own process group, waits until `GET readyPath` on `port` answers 2xx, and resolves to
 * { url, stop, logs, pgid }. `stop` ends the group (SIGTERM, then SIGKILL after 5 s) and removes `tmp`. Every wait
 * is bounded; a server that exits or never gets ready is stopped and reported with its log.
 */
export async function serve(name, cmd, args, { cwd, env = process.env, port, readyPath = "/healthz", timeoutMs = 90_000, tmp }) {
  const child = spawn(cmd, args, { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let logs = "";
  child.stdout.on("data", (d) => (logs += d));
  child.stderr.on("data", (d) => (logs += d));
  let exited = false;
  child.on("exit", () => (exited = true));

  const stop = async () => {
    if (!exited) {
      try { process.kill(-child.pid, "SIGTERM"); } catch {}
      const deadline = Date.now() + 5000;
      while (!exited && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      if (!exited) try { process.kill(-child.pid, "SIGKILL"); } catch {}
    }
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !exited) {
    try {
      const r = await fetch(url + readyPath, { signal: AbortSignal.timeout(2000) });
      if (r.ok) return { url, stop, logs: () => logs, pgid: child.pid };
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(`${name} did not become ready on ${url} within ${timeoutMs} ms:\n${logs}`);
}
