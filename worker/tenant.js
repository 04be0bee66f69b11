// One Durable Object per tenant (SQLite storage): its policy document and, compiled from it once per version,
// the decision engine. All of a tenant's state lives here, so one tenant can never read another's.
import { DurableObject } from "cloudflare:workers";
import { core } from "./core.js";
import { Masking, MASKING_SCHEMA } from "./masking.js";
import { Lists, LISTS_SCHEMA, settle } from "./lists-store.js";
import { runReplay } from "./replay.js";

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
    // The policy's settings, the engine compiled from them and every list's rows (worker/lists-store.js).
    this.lists = new Lists(ctx, () => this.masking?.invalidate());
    this.masking = new Masking(this.sql);
  }

  createSchema() {
    this.sql.exec(`CREATE TABLE IF NOT EXISTS policy (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      version INTEGER NOT NULL,
      doc TEXT NOT NULL,
      updated_at TEXT NOT NULL)`);
    for (const stmt of MASKING_SCHEMA) this.sql.exec(stmt);
    for (const stmt of LISTS_SCHEMA) this.sql.exec(stmt);
  }

  /**
   * Deletes every stored thing of this tenant (called when the tenant is deleted from the registry): the whole
   * SQLite storage goes, and the in-memory engine and routing index with it. A tenant created again later under
   * the same id starts empty.
   */
  async destroy() {
    await this.ctx.storage.deleteAll();
    this.lists.reset();
    this.masking.invalidate();
    this.createSchema();
    return true;
  }

  /** The stored policy: { version, policy } (settings and the blocklists' fields; entries are rows) or null. */
  getPolicy() {
    return this.lists.getPolicy();
  }

  /** Validates and stores a policy document (lists it carries become rows); an invalid one changes nothing. */
  putPolicy(doc, nowIso, ifMatch = null) {
    return settle(() => this.lists.putPolicy(doc, nowIso, ifMatch));
  }

  /** Decides a call event: lookup keys, the rows under them, the core's decision from both. */
  decide(event) {
    return settle(() => this.lists.decide(event));
  }

  /** The what-if replay of a streamed call log, each call decided from the rows (worker/replay.js): the NDJSON stream. */
  replay(body) {
    return settle(() => runReplay(this.lists, body));
  }

  /** The list resources' operations (worker/blocklists.js): `op` names a method of `ListOps`. */
  listOp(op, ...args) {
    return settle(() => this.lists.op(op, args));
  }

  /** The SIP-facing decision for an INVITE (`flat`: the key=value text form), its lists read from rows. */
  decideInvite(invite, flat) {
    return settle(() => this.lists.decideInvite(invite, flat));
  }

  // ---- number masking (worker/masking.js; every rule in the core) ----

  putMaskingCredentials(creds, nowIso) {
    return result(() => this.masking.putCredentials(creds, nowIso));
  }

  getMaskingCredentials() {
    const c = this.masking.credentials();
    return c ? { ok: { apiId: c.api_id, callbackUrl: c.callback_url, statusUrl: c.status_url } } :
      { error: { field: "credentials", code: "not_found", message: "credentials: none stored" } };
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

  /** `viewer`: the caller's `{ role, unmask }`, which decides whether numbers are masked. */
  listSessions(status, now, viewer) {
    return result(() => this.masking.listSessions(status, now, viewer));
  }

  infobipCallback(body, authorization, url, now, nowIso) {
    return result(() => this.masking.callback(body, authorization, url, now, nowIso));
  }

  infobipStatus(body, authorization, url, nowIso) {
    return result(() => this.masking.status(body, authorization, url, nowIso));
  }

  maskingLog(limit, viewer) {
    return result(() => this.masking.log(limit, viewer));
  }
}
