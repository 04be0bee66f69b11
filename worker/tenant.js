// One Durable Object per tenant (SQLite storage): its policy document and, compiled from it once per version,
// the decision engine. All of a tenant's state lives here, so one tenant can never read another's.
import { DurableObject } from "cloudflare:workers";
import { core } from "./core.js";
import { Masking, MASKING_SCHEMA } from "./masking.js";

/** Runs `fn`, turning a thrown core error into a plain { error } result (RPC keeps only the message of errors). */
function result(fn) {
  try {
    const r = fn();
    return r && typeof r === "object" && ("ok" in r || "error" in r) && Object.keys(r).length === 1 ? r : { ok: r };
  } catch (e) {
    if (e && typeof e.field === "string") {
      return { error: { field: e.field, code: e.code, message: e.message, problems: e.problems ?? [] } };
    }
    throw e;
  }
}

export class TenantStore extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.createSchema();
    this.engine = null;
    this.engineVersion = -1;
    this.masking = new Masking(this.sql, () => this.getPolicy());
  }

  createSchema() {
    this.sql.exec(`CREATE TABLE IF NOT EXISTS policy (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      version INTEGER NOT NULL,
      doc TEXT NOT NULL,
      updated_at TEXT NOT NULL)`);
    for (const stmt of MASKING_SCHEMA) this.sql.exec(stmt);
  }

  /**
   * Deletes every stored thing of this tenant (called when the tenant is deleted from the registry): the whole
   * SQLite storage goes, and the in-memory engine and routing index with it. A tenant created again later under
   * the same id starts empty.
   */
  async destroy() {
    await this.ctx.storage.deleteAll();
    this.engine?.free?.();
    this.engine = null;
    this.engineVersion = -1;
    this.masking.invalidate();
    this.createSchema();
    return true;
  }

  /** The stored policy: { version, policy } or null. */
  getPolicy() {
    const row = this.sql.exec("SELECT version, doc FROM policy WHERE id = 1").toArray()[0];
    return row ? { version: row.version, policy: JSON.parse(row.doc) } : null;
  }

  /** Validates and stores a policy document; an invalid one leaves the stored policy untouched. */
  putPolicy(doc, nowIso) {
    const compiled = result(() => new (core().Engine)(doc));
    if (compiled.error) return compiled;
    const prev = this.sql.exec("SELECT version FROM policy WHERE id = 1").toArray()[0];
    const version = (prev?.version ?? 0) + 1;
    this.sql.exec(
      "INSERT INTO policy (id, version, doc, updated_at) VALUES (1, ?, ?, ?) " +
        "ON CONFLICT (id) DO UPDATE SET version = excluded.version, doc = excluded.doc, updated_at = excluded.updated_at",
      version, JSON.stringify(doc), nowIso);
    this.engine?.free?.();
    this.engine = compiled.ok;
    this.engineVersion = version;
    this.masking.invalidate();
    return { ok: { version } };
  }

  /** The engine for the stored policy, compiled at most once per version per object instance. */
  currentEngine() {
    const row = this.sql.exec("SELECT version, doc FROM policy WHERE id = 1").toArray()[0];
    if (!row) return null;
    if (this.engineVersion !== row.version) {
      this.engine?.free?.();
      this.engine = new (core().Engine)(JSON.parse(row.doc));
      this.engineVersion = row.version;
    }
    return this.engine;
  }

  /** Decides a call event against the stored policy: presentation, screening verdict and trace. */
  decide(event) {
    const engine = this.currentEngine();
    if (!engine) return { error: { field: "policy", code: "not_configured", message: "policy: no policy stored for this tenant (PUT /v1/tenants/{tenant}/policy first)" } };
    const r = result(() => engine.decide(event));
    return r.ok !== undefined ? { ok: { version: this.engineVersion, ...r.ok } } : r;
  }

  /** The SIP-facing decision for an INVITE (`flat`: the key=value text form instead of the JSON answer). */
  decideInvite(invite, flat) {
    const engine = this.currentEngine();
    if (!engine) return { error: { field: "policy", code: "not_configured", message: "policy: no policy stored for this tenant (PUT /v1/tenants/{tenant}/policy first)" } };
    return result(() => (flat ? engine.decideInviteFlat(invite) : engine.decideInvite(invite)));
  }

  // ---- number masking (worker/masking.js) ----

  putMaskingCredentials(creds, nowIso) {
    return result(() => this.masking.putCredentials(creds, nowIso));
  }

  getMaskingCredentials() {
    const c = this.masking.credentials();
    return c ? { ok: { apiId: c.api_id, callbackUrl: c.callback_url, statusUrl: c.status_url } } :
      { error: { status: 404, field: "credentials", code: "not_found", message: "credentials: none stored" } };
  }

  putPool(pool) {
    return result(() => this.masking.putPool(pool));
  }

  getPool() {
    return { ok: this.masking.pool() };
  }

  createSession(request, now, nowIso) {
    return result(() => this.masking.createSession(request, now, nowIso));
  }

  closeSession(id, now, nowIso) {
    return result(() => this.masking.closeSession(id, now, nowIso));
  }

  listSessions(status) {
    const all = this.masking.sessions();
    return { ok: status ? all.filter((s) => (s.status ?? "open") === status) : all };
  }

  infobipCallback(body, authorization, url, now, nowIso) {
    return result(() => this.masking.callback(body, authorization, url, now, nowIso));
  }

  infobipStatus(body, authorization, url, nowIso) {
    return result(() => this.masking.status(body, authorization, url, nowIso));
  }

  maskingLog(limit) {
    return { ok: { calls: this.masking.callLog(limit), status: this.masking.statusLog(limit) } };
  }
}
