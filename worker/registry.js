// The tenant registry: which tenants exist and their API keys, in one SQLite-backed Durable Object (a single
// instance, never a tenant's own object). A tenant exists here before any of its storage does, so a request for
// a tenant that was never created is answered 404 without touching (and creating) a tenant object.
// Keys are stored only as the SHA-256 of the secret; the secret is shown once, when it is issued.
import { DurableObject } from "cloudflare:workers";

/** The name of the one registry object. */
export const REGISTRY_NAME = "registry";

const err = (field, code, message) => ({ error: { field, code, message } });

export class TenantRegistry extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`CREATE TABLE IF NOT EXISTS tenants (id TEXT PRIMARY KEY, created_at TEXT NOT NULL)`);
    this.sql.exec(`CREATE TABLE IF NOT EXISTS api_keys (
      id TEXT PRIMARY KEY, tenant TEXT NOT NULL REFERENCES tenants (id), hash TEXT NOT NULL UNIQUE,
      role TEXT NOT NULL, unmask INTEGER NOT NULL, label TEXT NOT NULL, created_at TEXT NOT NULL)`);
    this.sql.exec(`CREATE INDEX IF NOT EXISTS api_keys_tenant ON api_keys (tenant)`);
  }

  /** Creates a tenant; 409 `exists` when it does. */
  createTenant(id, nowIso) {
    if (this.exists(id)) return err("id", "exists", `id: tenant ${JSON.stringify(id)} exists already`);
    this.sql.exec("INSERT INTO tenants (id, created_at) VALUES (?, ?)", id, nowIso);
    return { ok: { id, created_at: nowIso } };
  }

  exists(id) {
    return this.sql.exec("SELECT 1 FROM tenants WHERE id = ?", id).toArray().length > 0;
  }

  /** The tenant and how many keys it holds, or null. */
  tenant(id) {
    const row = this.sql.exec(
      "SELECT t.id, t.created_at, (SELECT COUNT(*) FROM api_keys k WHERE k.tenant = t.id) AS keys FROM tenants t WHERE t.id = ?",
      id).toArray()[0];
    return row ? { id: row.id, created_at: row.created_at, keys: row.keys } : null;
  }

  listTenants() {
    return this.sql.exec("SELECT id, created_at FROM tenants ORDER BY id").toArray();
  }

  /** Deletes a tenant and every key it holds; false when there was none. */
  deleteTenant(id) {
    if (!this.exists(id)) return false;
    this.ctx.storage.transactionSync(() => {
      this.sql.exec("DELETE FROM api_keys WHERE tenant = ?", id);
      this.sql.exec("DELETE FROM tenants WHERE id = ?", id);
    });
    return true;
  }

  /**
   * Stores a key already generated and hashed by the worker (the secret never reaches storage). A tenant that
   * exists by configuration (`configured`) is registered with its first issued key.
   */
  addKey(tenant, { id, hash, role, unmask, label }, nowIso, configured = false) {
    if (!this.exists(tenant)) {
      if (!configured) return err("tenant", "not_found", `tenant: no tenant ${JSON.stringify(tenant)}`);
      this.sql.exec("INSERT INTO tenants (id, created_at) VALUES (?, ?)", tenant, nowIso);
    }
    this.sql.exec("INSERT INTO api_keys (id, tenant, hash, role, unmask, label, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      id, tenant, hash, role, unmask ? 1 : 0, label, nowIso);
    return { ok: { id, role, unmask, label, created_at: nowIso } };
  }

  listKeys(tenant) {
    return this.sql.exec("SELECT id, role, unmask, label, created_at FROM api_keys WHERE tenant = ? ORDER BY created_at, id", tenant)
      .toArray().map((k) => ({ ...k, unmask: k.unmask === 1 }));
  }

  revokeKey(tenant, id) {
    return this.sql.exec("DELETE FROM api_keys WHERE tenant = ? AND id = ?", tenant, id).rowsWritten > 0;
  }

  /**
   * One call answers a request's authentication: does `tenant` exist, and which key (if any) has the SHA-256
   * `hash` (hex). The lookup is by the hash of a 256-bit random secret, so it reveals nothing usable by timing.
   */
  lookup(tenant, hash) {
    const exists = this.exists(tenant);
    if (hash === null) return { exists, key: null };
    const k = this.sql.exec("SELECT id, tenant, role, unmask FROM api_keys WHERE hash = ?", hash).toArray()[0];
    return { exists, key: k ? { id: k.id, tenant: k.tenant, role: k.role, unmask: k.unmask === 1 } : null };
  }
}
