// Number masking storage of one tenant, inside its Durable Object. Every rule lives in the core's MaskingState
// (src/masking/lifecycle.rs): this file routes its calls, keeps the state in memory (built once per policy
// version, pool or credentials change) and stores in SQLite exactly what the core returns.
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
  `CREATE TABLE IF NOT EXISTS masking_callbacks (
     seq INTEGER PRIMARY KEY AUTOINCREMENT, replay_key TEXT UNIQUE, record TEXT NOT NULL, at TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS masking_counters (key TEXT PRIMARY KEY, count INTEGER NOT NULL, since INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS masking_secret (id INTEGER PRIMARY KEY CHECK (id = 1), secret TEXT NOT NULL)`,
];

const notConfigured = (field, what) => ({ error: { field, code: "not_configured", message: `${field}: ${what}` } });
const NO_POLICY = ["policy.masking", "no masking configuration in the stored policy"];
const NO_CREDENTIALS = ["credentials", "no Infobip number-masking credentials stored"];

/** Masking operations over a tenant's SQL storage. */
export class Masking {
  constructor(sql) {
    this.sql = sql;
    this.state = null;
  }

  credentials() {
    return this.sql.exec("SELECT api_id, key, callback_url, status_url FROM masking_credentials WHERE id = 1").toArray()[0] ?? null;
  }

  pool() {
    return this.sql.exec("SELECT doc FROM masking_pool ORDER BY position").toArray().map((r) => JSON.parse(r.doc));
  }

  /** The tenant secret handed to the core (PIN hashes, replay keys of PIN entries, random tokens): drawn once. */
  secret() {
    const row = this.sql.exec("SELECT secret FROM masking_secret WHERE id = 1").toArray()[0];
    if (row) return row.secret;
    const secret = [...crypto.getRandomValues(new Uint8Array(32))].map((b) => b.toString(16).padStart(2, "0")).join("");
    this.sql.exec("INSERT INTO masking_secret (id, secret) VALUES (1, ?)", secret);
    return secret;
  }

  /**
   * The core's state for the stored policy, built at most once per change: only the policy's `masking` member is
   * read (SQLite's json_extract), never the whole document on a callback.
   */
  routingState() {
    if (this.state) return this.state;
    const row = this.sql.exec("SELECT json_extract(doc, '$.masking') AS masking FROM policy WHERE id = 1").toArray()[0];
    if (!row || row.masking === null || row.masking === undefined) return null;
    const creds = this.credentials();
    const init = {
      config: JSON.parse(row.masking),
      sessions: this.sql.exec("SELECT doc FROM masking_sessions ORDER BY seq").toArray().map((r) => JSON.parse(r.doc)),
      pool: this.pool(),
      secret: this.secret(),
      counters: this.sql.exec("SELECT key, count, since FROM masking_counters").toArray(),
      ...(creds ? { webhook: { apiId: creds.api_id, key: creds.key, url: creds.callback_url ?? undefined,
        status_url: creds.status_url ?? undefined } } : {}),
    };
    this.state = new (core().MaskingState)(init);
    return this.state;
  }

  /** Drops the in-memory state (policy, pool or credentials changed); rebuilt on next use. */
  invalidate() {
    this.state?.free?.();
    this.state = null;
  }

  putCredentials(creds, nowIso) {
    const c = core().validateCredentials(creds);
    this.sql.exec(
      "INSERT INTO masking_credentials (id, api_id, key, callback_url, status_url, updated_at) VALUES (1, ?, ?, ?, ?, ?) " +
        "ON CONFLICT (id) DO UPDATE SET api_id = excluded.api_id, key = excluded.key, callback_url = excluded.callback_url, " +
        "status_url = excluded.status_url, updated_at = excluded.updated_at",
      c.apiId, c.key, c.callbackUrl, c.statusUrl, nowIso);
    this.invalidate();
    return { apiId: c.apiId, callbackUrl: c.callbackUrl, statusUrl: c.statusUrl };
  }

  putPool(pool) {
    const checked = core().validatePool(pool);
    this.sql.exec("DELETE FROM masking_pool");
    checked.forEach((n, i) => this.sql.exec("INSERT INTO masking_pool (number, position, doc) VALUES (?, ?, ?)", n.number, i, JSON.stringify(n)));
    this.invalidate();
    return { numbers: checked.length };
  }

  saveSession(session, nowIso) {
    const seq = (this.sql.exec("SELECT COALESCE(MAX(seq), 0) AS s FROM masking_sessions").toArray()[0].s) + 1;
    this.sql.exec(
      "INSERT INTO masking_sessions (id, seq, status, doc, updated_at) VALUES (?, ?, ?, ?, ?) " +
        "ON CONFLICT (id) DO UPDATE SET status = excluded.status, doc = excluded.doc, updated_at = excluded.updated_at",
      session.id, seq, session.status, JSON.stringify(session), nowIso);
  }

  /** Creates a session (the object runs one request at a time, so allocation and storing are atomic). */
  createSession(request, now, nowIso) {
    const state = this.routingState();
    if (!state) return notConfigured(...NO_POLICY);
    const allocation = state.createSession(request, now);
    this.saveSession(allocation.session, nowIso);
    return { ok: allocation };
  }

  closeSession(id, now, nowIso) {
    const state = this.routingState();
    if (!state) return notConfigured(...NO_POLICY);
    const closed = state.closeSession(id, now);
    if (closed.changed) this.saveSession(closed.session, nowIso);
    return { ok: closed.session };
  }

  /** The sessions as `viewer` may read them at `now` (`status`: open | closed | expired | null). */
  listSessions(status, now, viewer) {
    const state = this.routingState();
    if (state) return { ok: state.sessionViews(status, now, viewer) };
    const n = this.sql.exec("SELECT COUNT(*) AS n FROM masking_sessions").toArray()[0].n;
    return n === 0 ? { ok: [] } : notConfigured(...NO_POLICY);
  }

  /** Infobip callback: the core verifies, recognises replays through the lookup, routes; this stores its answer. */
  callback(body, authorization, requestUrl, now, nowIso) {
    if (!this.credentials()) return notConfigured(...NO_CREDENTIALS);
    const state = this.routingState();
    if (!state) return notConfigured(...NO_POLICY);
    const lookup = (key) => this.sql.exec("SELECT record FROM masking_callbacks WHERE replay_key = ?", key).toArray()[0]?.record ?? null;
    const r = state.callback(body, authorization, requestUrl, now, lookup);
    if (r.record) this.sql.exec("INSERT INTO masking_callbacks (replay_key, record, at) VALUES (?, ?, ?)",
      r.record.replay_key, JSON.stringify(r.record), nowIso);
    for (const c of r.counters) this.sql.exec("INSERT INTO masking_counters (key, count, since) VALUES (?, ?, ?) " +
      "ON CONFLICT (key) DO UPDATE SET count = excluded.count, since = excluded.since", c.key, c.count, c.since);
    return r.refused ? { error: r.refused } : { ok: { response: r.response } };
  }

  /** Infobip status message: the core verifies, reads and keys it; kept once per call (retries acknowledged). */
  status(body, authorization, requestUrl, nowIso) {
    if (!this.credentials()) return notConfigured(...NO_CREDENTIALS);
    const state = this.routingState();
    if (!state) return notConfigured(...NO_POLICY);
    const { key, status } = state.statusRecord(body, authorization, requestUrl);
    const inserted = this.sql.exec(
      "INSERT INTO masking_status (call_key, doc, body, received_at) VALUES (?, ?, ?, ?) ON CONFLICT (call_key) DO NOTHING",
      key, JSON.stringify(status), body, nowIso).rowsWritten;
    return { ok: { stored: inserted > 0, call: key } };
  }

  /** The audit log (latest first) as `viewer` may read it. */
  log(limit, viewer) {
    const calls = this.sql.exec("SELECT record, at FROM masking_callbacks ORDER BY seq DESC LIMIT ?", limit).toArray()
      .map((r) => ({ ...JSON.parse(r.record), at: r.at }));
    const status = this.sql.exec("SELECT doc, received_at FROM masking_status ORDER BY received_at DESC LIMIT ?", limit).toArray()
      .map((r) => ({ ...JSON.parse(r.doc), received_at: r.received_at }));
    if (calls.length === 0 && status.length === 0) return { ok: { calls, status } };
    const state = this.routingState();
    if (!state) return notConfigured(...NO_POLICY);
    return { ok: { calls: state.viewRecords(calls, viewer), status: state.viewRecords(status, viewer) } };
  }
}
