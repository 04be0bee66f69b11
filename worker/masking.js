// Number masking state of one tenant, inside its Durable Object: the proxy-number pool, sessions, Infobip
// credentials and the audit of status messages, in SQLite; the routing index (the core's MaskingState) in
// memory, built once per policy version and kept in step with every session change.
import { core } from "./core.js";

export const MASKING_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS masking_credentials (
     id INTEGER PRIMARY KEY CHECK (id = 1), api_id TEXT NOT NULL, key TEXT NOT NULL,
     callback_url TEXT, status_url TEXT, updated_at TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS masking_pool (number TEXT PRIMARY KEY, position INTEGER NOT NULL, doc TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS masking_sessions (
     id TEXT PRIMARY KEY, seq INTEGER NOT NULL, status TEXT NOT NULL, doc TEXT NOT NULL, updated_at TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS masking_status (
     call_key TEXT PRIMARY KEY, doc TEXT NOT NULL, body TEXT NOT NULL, received_at TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS masking_calls (
     seq INTEGER PRIMARY KEY AUTOINCREMENT, correlation_id TEXT, outcome TEXT NOT NULL, session_id TEXT,
     routing TEXT NOT NULL, at TEXT NOT NULL)`,
];

const err = (status, field, code, message) => ({ error: { status, field, code, message } });

/** Masking operations over a tenant's SQL storage; `policy()` gives the stored policy (or null). */
export class Masking {
  constructor(sql, policy) {
    this.sql = sql;
    this.policy = policy;
    this.state = null;
    this.stateKey = null;
  }

  config() {
    const p = this.policy();
    if (!p || !p.policy.masking) return null;
    return { version: p.version, config: p.policy.masking };
  }

  credentials() {
    return this.sql.exec("SELECT api_id, key, callback_url, status_url FROM masking_credentials WHERE id = 1").toArray()[0] ?? null;
  }

  sessions() {
    return this.sql.exec("SELECT doc FROM masking_sessions ORDER BY seq").toArray().map((r) => JSON.parse(r.doc));
  }

  pool() {
    return this.sql.exec("SELECT doc FROM masking_pool ORDER BY position").toArray().map((r) => JSON.parse(r.doc));
  }

  /** The routing index for the current policy version and credentials, built at most once per change. */
  routingState() {
    const cfg = this.config();
    if (!cfg) return null;
    const creds = this.credentials();
    const key = `${cfg.version}:${creds ? creds.api_id : ""}`;
    if (this.stateKey !== key) {
      this.state?.free?.();
      this.state = new (core().MaskingState)({ config: cfg.config, sessions: this.sessions() });
      this.stateKey = key;
    }
    return this.state;
  }

  /** Drops the in-memory index (after a policy change); it is rebuilt on next use. */
  invalidate() {
    this.state?.free?.();
    this.state = null;
    this.stateKey = null;
  }

  putCredentials({ apiId, key, callbackUrl = null, statusUrl = null }, nowIso) {
    // The core validates them the way it will use them: sign a probe with them.
    core().signWebhook({ kind: "callback", url: "https://probe.invalid/", body: "{}" }, { apiId, key });
    this.sql.exec(
      "INSERT INTO masking_credentials (id, api_id, key, callback_url, status_url, updated_at) VALUES (1, ?, ?, ?, ?, ?) " +
        "ON CONFLICT (id) DO UPDATE SET api_id = excluded.api_id, key = excluded.key, callback_url = excluded.callback_url, " +
        "status_url = excluded.status_url, updated_at = excluded.updated_at",
      apiId, key, callbackUrl, statusUrl, nowIso);
    return { apiId, callbackUrl, statusUrl };
  }

  putPool(pool) {
    const checked = core().validatePool(pool);
    this.sql.exec("DELETE FROM masking_pool");
    checked.forEach((n, i) => this.sql.exec("INSERT INTO masking_pool (number, position, doc) VALUES (?, ?, ?)", n.number, i, JSON.stringify(n)));
    return { numbers: checked.length };
  }

  /** Allocates proxy numbers for a new session and stores it, atomically (the object runs one request at a time). */
  createSession(request, now, nowIso) {
    const state = this.routingState();
    if (!state) return err(409, "policy.masking", "not_configured", "policy.masking: no masking configuration in the stored policy");
    if (request && typeof request.id === "string" &&
        this.sql.exec("SELECT 1 FROM masking_sessions WHERE id = ?", request.id).toArray().length)
      return err(409, "id", "duplicate_id", `id: a session ${JSON.stringify(request.id)} exists already`);
    const allocation = state.allocate(this.pool(), request, now);
    this.saveSession(allocation.session, nowIso);
    state.upsert(allocation.session);
    return { ok: allocation };
  }

  saveSession(session, nowIso) {
    const seq = (this.sql.exec("SELECT COALESCE(MAX(seq), 0) AS s FROM masking_sessions").toArray()[0].s) + 1;
    this.sql.exec(
      "INSERT INTO masking_sessions (id, seq, status, doc, updated_at) VALUES (?, ?, ?, ?, ?) " +
        "ON CONFLICT (id) DO UPDATE SET status = excluded.status, doc = excluded.doc, updated_at = excluded.updated_at",
      session.id, seq, session.status ?? "open", JSON.stringify(session), nowIso);
  }

  /** Closes a session: it stops routing (closed-session fallback applies) and its proxies start their cool-off. */
  closeSession(id, now, nowIso) {
    const row = this.sql.exec("SELECT doc FROM masking_sessions WHERE id = ?", id).toArray()[0];
    if (!row) return err(404, "session", "not_found", `session: no session ${JSON.stringify(id)}`);
    const session = JSON.parse(row.doc);
    if (session.status === "closed") return { ok: session };
    session.status = "closed";
    this.routingState()?.upsert(session);
    this.saveSession(session, nowIso);
    for (const p of session.participants ?? []) {
      const pr = this.sql.exec("SELECT doc FROM masking_pool WHERE number = ?", p.proxy).toArray()[0];
      if (pr) {
        const doc = JSON.parse(pr.doc);
        doc.last_released_at = now;
        this.sql.exec("UPDATE masking_pool SET doc = ? WHERE number = ?", JSON.stringify(doc), p.proxy);
      }
    }
    return { ok: session };
  }

  /** Infobip callback: verify the signature on the raw body, route, answer Infobip's callback response. */
  callback(body, authorization, requestUrl, now, nowIso) {
    const creds = this.credentials();
    if (!creds) return err(409, "credentials", "not_configured", "credentials: no Infobip number-masking credentials stored");
    const state = this.routingState();
    if (!state) return err(409, "policy.masking", "not_configured", "policy.masking: no masking configuration in the stored policy");
    core().verifySignature({ kind: "callback", url: creds.callback_url ?? requestUrl, body, authorization },
      { apiId: creds.api_id, key: creds.key });
    const routing = state.route(body, now);
    const cb = JSON.parse(body);
    this.sql.exec("INSERT INTO masking_calls (correlation_id, outcome, session_id, routing, at) VALUES (?, ?, ?, ?, ?)",
      cb.correlationId ?? null, routing.outcome, routing.session_id ?? null, JSON.stringify(routing), nowIso);
    return { ok: routing };
  }

  /** Infobip status message: verify, parse, keep once per call (a retried delivery is acknowledged, not stored twice). */
  status(body, authorization, requestUrl, nowIso) {
    const creds = this.credentials();
    if (!creds) return err(409, "credentials", "not_configured", "credentials: no Infobip number-masking credentials stored");
    core().verifySignature({ kind: "status", url: creds.status_url ?? requestUrl, body, authorization },
      { apiId: creds.api_id, key: creds.key });
    const status = core().parseStatus(body);
    const callKey = status.correlationId ?? status.nmCorrelationId ?? null;
    if (callKey === null) return err(400, "correlationId", "missing", "correlationId: required to keep the status once per call");
    const inserted = this.sql.exec(
      "INSERT INTO masking_status (call_key, doc, body, received_at) VALUES (?, ?, ?, ?) ON CONFLICT (call_key) DO NOTHING",
      callKey, JSON.stringify(status), body, nowIso).rowsWritten;
    return { ok: { stored: inserted > 0, call: callKey } };
  }

  statusLog(limit) {
    return this.sql.exec("SELECT doc, received_at FROM masking_status ORDER BY received_at DESC LIMIT ?", limit).toArray()
      .map((r) => ({ ...JSON.parse(r.doc), received_at: r.received_at }));
  }

  callLog(limit) {
    return this.sql.exec("SELECT correlation_id, outcome, session_id, at FROM masking_calls ORDER BY seq DESC LIMIT ?", limit).toArray();
  }
}
