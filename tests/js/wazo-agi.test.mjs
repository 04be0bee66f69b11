// The Wazo recipe, run: integrations/wazo/screen_blocklist.py (the drop-in for wazo-agid's screen_blocklist AGI,
// the file the docs point to) executed by Python against the worker under wrangler dev. Wazo itself is not
// packaged here, so its own modules are stood in (wazo_agid.agid.register, xivo_dao's user_dao.get_by for the
// user's country) and the AGI channel is an object recording set_variable; the HTTP exchange is real.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { startWrangler } from "./wrangler.mjs";

const DROP_IN = fileURLToPath(new URL("../../integrations/wazo/screen_blocklist.py", import.meta.url));
const KEY = "test-key-wazo-acme-0001";
const T = "/v1/tenants/acme";

/** A Python 3 that has `requests` (the drop-in's HTTP client). */
function python() {
  for (const exe of ["python3", "/usr/bin/python3"]) {
    if (spawnSync(exe, ["-c", "import requests"], { stdio: "ignore" }).status === 0) return exe;
  }
  throw new Error("no python3 with the requests module: scripts/setup.sh --test installs python3-requests");
}

const HARNESS = `
import importlib.util, json, sys, types
drop_in, base, cidguard, token, user_uuid, country, number = sys.argv[1:8]
agid = types.ModuleType('wazo_agid.agid'); agid.register = lambda f: None
wazo_agid = types.ModuleType('wazo_agid'); wazo_agid.agid = agid
dao = types.SimpleNamespace(get_by=lambda uuid: types.SimpleNamespace(country=country or None, tenant_uuid='t'))
user_mod = types.ModuleType('xivo_dao.resources.user'); user_mod.dao = dao
sys.modules.update({'wazo_agid': wazo_agid, 'wazo_agid.agid': agid, 'xivo_dao': types.ModuleType('xivo_dao'),
  'xivo_dao.resources': types.ModuleType('xivo_dao.resources'), 'xivo_dao.resources.user': user_mod})
spec = importlib.util.spec_from_file_location('screen_blocklist', drop_in)
m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)
m.CIDGUARD, m.BASE, m.HEADERS = cidguard, base, {'X-Auth-Token': token}
class Agi:
    def __init__(self): self.vars = {}
    def get_variable(self, name): return number if name == 'CALLERID(num)' else ''
    def set_variable(self, name, value): self.vars[name] = value
agi = Agi()
m.screen_blocklist(agi, None, [user_uuid])
print(json.dumps(agi.vars))
`;

let server, py;
before(async () => {
  py = python();
  server = await startWrangler({ vars: { API_KEYS: `acme:${KEY}` } });
  const h = { authorization: `Bearer ${KEY}` };
  let r = await fetch(server.url + `${T}/policy`, { method: "PUT", headers: { ...h, "content-type": "application/json" },
    body: JSON.stringify({ accounts: [{ id: "acc", country: "FR", users: [{ id: "u-alice" }, { id: "u-bob" }] }] }) });
  assert.equal(r.status, 200, await r.text());
  r = await fetch(server.url + `${T}/users/u-alice/blocklist/import`, { method: "POST", headers: { ...h, "content-type": "text/csv" },
    body: "number,label\n+33639981234,Ex\n" });
  assert.equal(r.status, 200, await r.text());
});
after(async () => { await server?.stop(); });

/** Runs the drop-in for a call from `number` to `user`; the AGI variables it set. */
function screen(user, number, { country = "FR", token = KEY, base = `${server.url}${T}`, cidguard = server.url } = {}) {
  const out = execFileSync(py, ["-c", HARNESS, DROP_IN, base, cidguard, token, user, country, number],
    { env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" }, encoding: "utf8", timeout: 20_000 });
  return JSON.parse(out.trim().split("\n").pop());
}

test("a number on the user's list sets WAZO_BLOCKED_NUMBER_UUID to its entry's uuid, in any national or international form", async () => {
  const r = await fetch(server.url + `${T}/users/u-alice/blocklist/numbers?number_exact=%2B33639981234`,
    { method: "HEAD", headers: { "x-auth-token": KEY } });
  assert.equal(r.status, 204);
  const uuid = r.headers.get("wazo-blocklist-number-uuid");
  assert.match(uuid, /^[0-9a-f-]{36}$/);
  for (const n of ["0639981234", "+33639981234", "0033639981234", "06 39 98 12 34"])
    assert.deepEqual(screen("u-alice", n), { WAZO_BLOCKED_NUMBER_UUID: uuid }, n);
});

test("other numbers, other users' lists and an empty caller pass", () => {
  assert.deepEqual(screen("u-alice", "0639981235"), {});
  assert.deepEqual(screen("u-bob", "0639981234"), {}, "one user's list never screens another's calls");
  assert.deepEqual(screen("u-alice", ""), {});
});

test("fails open: a wrong token, cidguard unreachable, a number that is not one", () => {
  assert.deepEqual(screen("u-alice", "0639981234", { token: "not-a-real-key-000" }), {});
  assert.deepEqual(screen("u-alice", "0639981234", { cidguard: "http://127.0.0.1:9", base: "http://127.0.0.1:9/v1/tenants/acme" }), {});
  assert.deepEqual(screen("u-alice", "not a number"), {});
});
