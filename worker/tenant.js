// One Durable Object per tenant (SQLite storage): its policy document and, compiled from it once per version,
// the decision engine. All of a tenant's state lives here, so one tenant can never read another's.
import { DurableObject } from "cloudflare:workers";
import { core } from "./core.js";

/** Runs `fn`, turning a thrown core error into a plain { error } result (RPC keeps only the message of errors). */
function result(fn) {
  try {
    return { ok: fn() };
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
    this.sql.exec(`CREATE TABLE IF NOT EXISTS policy (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      version INTEGER NOT NULL,
      doc TEXT NOT NULL,
      updated_at TEXT NOT NULL)`);
    this.engine = null;
    this.engineVersion = -1;
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
    if (!engine) return { error: { field: "policy", code: "missing", message: "policy: no policy stored for this tenant (PUT /v1/tenants/{tenant}/policy first)", status: 409 } };
    const r = result(() => engine.decide(event));
    return r.ok !== undefined ? { ok: { version: this.engineVersion, ...r.ok } } : r;
  }
}
