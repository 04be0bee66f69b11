// Starts Kamailio with the shipped integrations/kamailio/cidguard.cfg on a free loopback UDP port for a test
// and always stops it (by the PID in its pid file). Settings are given as -A defines, the file is never copied.
import { spawn, execFileSync } from "node:child_process";
import { createSocket } from "node:dgram";
import { mkdtempSync, openSync, closeSync, readFileSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const CONFIG = join(ROOT, "integrations/kamailio/cidguard.cfg");
export const KAMAILIO = process.env.KAMAILIO ?? "/usr/sbin/kamailio";

/** A free UDP port on `address` (bound and released). */
export function freeUdpPort(address = "127.0.0.1") {
  return new Promise((resolve, reject) => {
    const s = createSocket("udp4");
    s.once("error", reject);
    s.bind(0, address, () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Whether something holds UDP `port` on `address`. */
function udpBound(address, port) {
  return new Promise((resolve) => {
    const s = createSocket("udp4");
    s.once("error", () => resolve(true));
    s.bind(port, address, () => s.close(() => resolve(false)));
  });
}

const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A `-A` define: strings quoted, numbers as they are. */
function define(name, value) {
  return typeof value === "number" ? `${name}=${value}` : `${name}=${JSON.stringify(String(value))}`;
}

/**
 * The CIDGUARD_CONNECTION setting of cidguard.cfg (an http_client named connection) for the SIP route at `url`
 * with the API key `key` as the Basic password, waiting `timeout` whole seconds.
 */
export function cidguardConnection(url, key, timeout = 1) {
  const u = new URL(url);
  u.username = "kamailio";
  u.password = key;
  return `cidguard=>${u.href};timeout=${timeout}`;
}

/**
 * Starts Kamailio with `defines` (e.g. { CIDGUARD_CONNECTION, CIDGUARD_FAIL, NEXT_HOP }) and resolves to
 * { host, port, stop, logs }. Throws with the log when it does not come up within `timeoutMs`.
 */
export async function startKamailio({ defines = {}, timeoutMs = 15_000 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "cidguard-kamailio-"));
  const port = await freeUdpPort();
  const pidFile = join(dir, "kamailio.pid");
  const logFile = join(dir, "kamailio.log");
  const all = { LISTEN_ADDR: "127.0.0.1", LISTEN_PORT: port, ...defines };
  const args = ["-f", CONFIG, "-P", pidFile, "-w", dir, "-Y", dir];
  for (const [k, v] of Object.entries(all)) args.push("-A", k === "LISTEN_ADDR" ? `${k}=${v}` : define(k, v));
  const log = openSync(logFile, "a");
  const child = spawn(KAMAILIO, args, { stdio: ["ignore", log, log], detached: true });
  closeSync(log);
  const logs = () => (existsSync(logFile) ? readFileSync(logFile, "utf8") : "");

  let pid = null;
  const stop = async () => {
    const p = pid ?? (existsSync(pidFile) ? Number(readFileSync(pidFile, "utf8").trim()) : null);
    if (p && alive(p)) {
      process.kill(p, "SIGTERM");
      const deadline = Date.now() + 5000;
      while (alive(p) && Date.now() < deadline) await sleep(50);
      if (alive(p)) process.kill(p, "SIGKILL");
    }
    if (child.exitCode === null && child.pid && alive(child.pid)) process.kill(child.pid, "SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (existsSync(pidFile)) {
      const p = Number(readFileSync(pidFile, "utf8").trim());
      if (p && alive(p) && (await udpBound("127.0.0.1", port))) {
        pid = p;
        return { host: "127.0.0.1", port, stop, logs };
      }
    }
    if (child.exitCode !== null && child.exitCode !== 0) break;
    await sleep(50);
  }
  const text = logs();
  await stop();
  throw new Error(`kamailio did not start on udp:127.0.0.1:${port}:\n${text}`);
}

/** Checks the shipped config (kamailio -c), with the same defines a test would give. */
export function checkConfig(defines = {}) {
  const args = ["-c", "-f", CONFIG];
  for (const [k, v] of Object.entries(defines)) args.push("-A", define(k, v));
  return execFileSync(KAMAILIO, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}
