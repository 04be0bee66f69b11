// A tenant's lists inside its Durable Object (docs/blocklists.md): every entry of every list (account
// blocklists, allowlists, users' blocklists; numbers and prefixes) is a row of list_entries keyed by its
// normalised E.164 key; the policy table keeps the settings only, and the blocklists' own fields (name,
// should_block_anonymous, flags) are rows of blacklists. The engine is compiled from the settings plus the
// blocklists' fields, never from entries, so its memory does not grow with the lists. A decision asks the core
// for the call's lookup keys, fetches the rows under them (a few index seeks) and lets the core decide.
//
// Every method either returns a value or throws { field, code, message } (turned into { error } by `settle`).
import { core } from "./core.js";
import { utf8Chunks } from "./http.js";

export const LISTS_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS list_entries (
     list TEXT NOT NULL, kind INTEGER NOT NULL, key TEXT NOT NULL, written TEXT NOT NULL, label TEXT, uuid TEXT,
     version INTEGER NOT NULL, PRIMARY KEY (list, kind, key)) WITHOUT ROWID`,
  // Entry ids: UUIDv7 when created through the API or an import; ids of migrated documents are unique per user only.
  `CREATE INDEX IF NOT EXISTS list_entries_uuid ON list_entries (uuid) WHERE uuid IS NOT NULL`,
  `CREATE TABLE IF NOT EXISTS lists (list TEXT PRIMARY KEY, entries INTEGER NOT NULL, version INTEGER NOT NULL) WITHOUT ROWID`,
  `CREATE TABLE IF NOT EXISTS blacklists (
     id TEXT PRIMARY KEY, name TEXT NOT NULL, country TEXT, block_anonymous INTEGER NOT NULL, flags TEXT NOT NULL,
     created_at TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS user_auth (
     id INTEGER PRIMARY KEY CHECK (id = 1), doc TEXT NOT NULL, version INTEGER NOT NULL, updated_at TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS imports (
     id TEXT PRIMARY KEY, list TEXT NOT NULL, format TEXT NOT NULL, mode TEXT NOT NULL, status TEXT NOT NULL,
     processed_lines INTEGER NOT NULL, processed_bytes INTEGER NOT NULL, total_bytes INTEGER, total_lines INTEGER,
     imported INTEGER NOT NULL, problem_count INTEGER NOT NULL, problems TEXT NOT NULL, created_at TEXT NOT NULL,
     finished_at TEXT)`,
  // An import's lines while it runs (numbers and prefixes; emptied when it ends). `import_rows`, its former
  // shape without `kind`, only ever held rows during an import.
  "DROP TABLE IF EXISTS import_rows",
  `CREATE TABLE IF NOT EXISTS import_staging (
     import TEXT NOT NULL, kind INTEGER NOT NULL, key TEXT NOT NULL, line INTEGER NOT NULL, written TEXT NOT NULL,
     label TEXT, PRIMARY KEY (import, kind, key)) WITHOUT ROWID`,
];

export const KINDS = ["number", "prefix"];
/** The policy as read carries every entry while the tenant's lists hold at most this many in all. */
const INLINE_POLICY_ENTRIES = 10_000;
/** A blocklist's entries of one kind are shown inline in its document up to this many (then: its numbers route). */
const INLINE_ENTRIES = 1000;
/** Kazoo's blocklist document fields (plus `country`, which reads national numbers). */
const BLACKLIST_FIELDS = ["id", "name", "numbers", "prefixes", "should_block_anonymous", "flags", "country"];

/** The operations TenantStore.listOp may run. */
const OPS = new Set(["blacklistsPage", "getBlacklist", "createBlacklist", "updateBlacklist", "deleteBlacklist",
  "getBlacklistEntry", "putBlacklistEntry", "deleteBlacklistEntry", "blacklistEntries", "getAccount", "patchAccount",
  "userEntries", "searchUserEntries", "createUserEntry", "getUserEntry", "updateUserEntry", "deleteUserEntry",
  "lookupUserEntry", "userAuth", "putUserAuth", "requireUser", "runImport", "importReport", "imports", "exportPage", "target",
  "fetchRows"]);

/** An optional label / Kazoo name: null, or 1 to 1024 characters. */
function readLabel(v, field) {
  if (v === undefined || v === null) return null;
  if (typeof v !== "string") throw bad(field, "invalid_type", `${field}: expected a string or null`);
  if (v.length < 1 || v.length > 1024) throw bad(field, "invalid_length", `${field}: 1 to 1024 characters`);
  return v;
}
/** Lines handed to the core's import parser per call, and rows inserted per statement batch. */
const IMPORT_BATCH = 5000;

/**
 * A new entry uuid, as SQL: a UUIDv7 (RFC 9562 §5.7) of the time `?` (ms; bound twice), with the row counter
 * `counter` (an SQL expression) as its dedicated counter (§6.2, method 1: 26 bits, 12 in rand_a and 14 in rand_b)
 * and 48 random bits. Time-ordered ids make an import of a million entries append to the uuid index instead of
 * inserting at a million random places (measured: 27 s → 3 s for 1M user entries under wrangler dev).
 */
const uuidSql = (counter) =>
  `printf('%08x-%04x-7%03x-%04x-%012x', ? >> 16, ? & 65535, ((${counter}) >> 14) & 4095, 32768 | ((${counter}) & 16383), random() & 281474976710655)`;
/** Problems an import keeps (the rest are counted). */
const MAX_PROBLEMS = 100;
/** Longest import line kept in memory while looking for its end (longer lines are a problem of that line). */
const MAX_LINE_BYTES = 4096;
/** Stands for a line dropped for its length (the core reports it as line_too_long). */
const TOO_LONG = "x".repeat(MAX_LINE_BYTES + 1);

export function bad(field, code, message) {
  const e = new Error(message);
  e.field = field;
  e.code = code;
  return e;
}

/** Runs `fn` (sync or async) and turns a thrown { field, code } into { error }, a value into { ok }. */
export async function settle(fn) {
  try {
    return { ok: await fn() };
  } catch (e) {
    if (e && typeof e.field === "string" && typeof e.code === "string")
      return { error: { field: e.field, code: e.code, message: e.message, problems: e.problems ?? [], ...(e.extra ? { extra: e.extra } : {}) } };
    throw e;
  }
}

/** The strong ETag of a version. */
export const etag = (version) => `"${version}"`;

/**
 * Checks an If-Match header value against the current version (null: the resource does not exist). Absent
 * header: no condition. `*` matches any existing resource. A mismatch is 412 `precondition_failed`.
 */
export function checkMatch(ifMatch, version) {
  if (ifMatch === null || ifMatch === undefined) return;
  const tags = ifMatch.split(",").map((t) => t.trim().replace(/^W\//, ""));
  if (version !== null && (tags.includes("*") || tags.includes(etag(version)))) return;
  throw bad("if-match", "precondition_failed",
    `if-match: ${version === null ? "the resource does not exist" : `the resource is at version ${etag(version)}`}; read it again`);
}

export class Lists {
  /** `ctx`: the Durable Object state; `onSettings()`: called after the settings (policy or list fields) change. */
  constructor(ctx, onSettings) {
    this.ctx = ctx;
    this.sql = ctx.storage.sql;
    this.onSettings = onSettings;
    this.engine = null;
    this.engineVersion = -1;
    this.countries = new Map();
    this.users = new Set();
    this.migrateStoredLists();
  }

  reset() {
    this.engine?.free?.();
    this.engine = null;
    this.engineVersion = -1;
    this.countries = new Map();
    this.users = new Set();
  }

  // ---- the policy: settings, plus the blocklists' fields ----

  row() {
    return this.sql.exec("SELECT version, doc FROM policy WHERE id = 1").toArray()[0] ?? null;
  }

  /** The blocklists' fields as the policy document writes them. */
  blocklistFields() {
    return this.sql.exec("SELECT id, name, country, block_anonymous FROM blacklists ORDER BY rowid").toArray()
      .map((b) => ({ id: b.id, name: b.name, ...(b.country ? { country: b.country } : {}), ...(b.block_anonymous ? { block_anonymous: true } : {}) }));
  }

  /** The document the engine is compiled from: the stored settings with the blocklists' fields. */
  compose(settings) {
    const lists = this.blocklistFields();
    return lists.length ? { ...settings, blocklists: lists } : settings;
  }

  /**
   * { version, policy, lists } or null. The policy is the settings with the blocklists' fields and, while the
   * tenant's lists hold at most INLINE_POLICY_ENTRIES entries in all, every entry as written (so a document read
   * and PUT back round-trips, and tools that edit the whole document keep working); beyond that, entries are read
   * through the list routes (`lists.inline` false).
   */
  getPolicy() {
    const row = this.row();
    if (!row) return null;
    const policy = this.compose(JSON.parse(row.doc));
    const entries = this.sql.exec("SELECT coalesce(sum(entries), 0) AS n FROM lists").one().n;
    const inline = entries <= INLINE_POLICY_ENTRIES;
    return { version: row.version, policy: inline ? this.withEntries(policy) : policy, lists: { entries, inline } };
  }

  /** { version, policy } without entries (the settings and the blocklists' fields), or null: for masking. */
  settingsPolicy() {
    const row = this.row();
    return row ? { version: row.version, policy: this.compose(JSON.parse(row.doc)) } : null;
  }

  /** The document with every list's entries as written, from the rows (by key). */
  withEntries(doc) {
    const rows = (list, kind) => this.sql.exec("SELECT written, label, uuid FROM list_entries WHERE list = ? AND kind = ? ORDER BY key",
      list, KINDS.indexOf(kind)).toArray();
    const entry = (field) => (r) => (r.label === null ? r.written : { [field]: r.written, label: r.label });
    const numbersAndPrefixes = (list) => {
      const out = {};
      const numbers = rows(list, "number").map(entry("number"));
      const prefixes = rows(list, "prefix").map(entry("prefix"));
      if (numbers.length) out.numbers = numbers;
      if (prefixes.length) out.prefixes = prefixes;
      return out;
    };
    const out = { ...doc };
    if (doc.blocklists) out.blocklists = doc.blocklists.map((b) => ({ ...b, ...numbersAndPrefixes(`blocklist:${b.id}`) }));
    if (doc.accounts) out.accounts = doc.accounts.map((a) => {
      if (!a || typeof a !== "object") return a;
      const allow = numbersAndPrefixes(`allowlist:${a.id}`);
      const users = a.users?.map((u) => {
        const blocklist = rows(`user:${u.id}`, "number").map((r) => ({ id: r.uuid, number: r.written, ...(r.label === null ? {} : { label: r.label }) }));
        return blocklist.length ? { ...u, blocklist } : u;
      });
      return { ...a, ...(Object.keys(allow).length ? { allowlist: allow } : {}), ...(users ? { users } : {}) };
    });
    return out;
  }

  /** A document stored before lists became rows still carries entries: move them to rows once. */
  migrateStoredLists() {
    const row = this.row();
    if (!row) return;
    const doc = JSON.parse(row.doc);
    const carries = "blocklists" in doc || (doc.accounts ?? []).some((a) => a && ("allowlist" in a || (a.users ?? []).some((u) => u && "blocklist" in u)));
    if (carries) this.storeSplit(doc, row.version, new Date().toISOString());
  }

  /**
   * Stores a policy document (If-Match checked against the policy version). A document carrying lists is
   * migrated: its `blocklists` replace every blocklist (fields and entries; a list it leaves out is deleted),
   * an account's `allowlist` and a user's `blocklist` replace that list's rows. Without them, stored lists stay.
   */
  putPolicy(doc, nowIso, ifMatch) {
    const row = this.row();
    checkMatch(ifMatch, row ? row.version : null);
    const version = (row?.version ?? 0) + 1;
    this.storeSplit(doc, version, nowIso);
    return { version };
  }

  storeSplit(doc, version, nowIso) {
    const whole = "blocklists" in doc ? doc : this.compose(doc);
    const split = core().splitPolicy(whole);
    new (core().Engine)(split.settings).free?.();
    const { blocklists = [], ...settings } = split.settings;
    this.ctx.storage.transactionSync(() => {
      if ("blocklists" in doc) {
        const keep = new Set(blocklists.map((b) => b.id));
        for (const { id } of this.sql.exec("SELECT id FROM blacklists").toArray())
          if (!keep.has(id)) this.dropList(`blocklist:${id}`), this.sql.exec("DELETE FROM blacklists WHERE id = ?", id);
        for (const b of blocklists) {
          this.sql.exec(`INSERT INTO blacklists (id, name, country, block_anonymous, flags, created_at) VALUES (?, ?, ?, ?, '[]', ?)
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, country = excluded.country, block_anonymous = excluded.block_anonymous`,
          b.id, b.name, b.country ?? null, b.block_anonymous ? 1 : 0, nowIso);
          this.touch(`blocklist:${b.id}`, 0);
        }
      }
      for (const list of split.replaced) this.dropList(list, true);
      // Rows are inserted after every replaced list is emptied (a list may be both dropped and refilled).
      for (const r of split.rows) this.insert(r.list, r.kind, r.e164, r.written, r.label ?? null, r.id ?? null);
      this.sql.exec(
        "INSERT INTO policy (id, version, doc, updated_at) VALUES (1, ?, ?, ?) " +
          "ON CONFLICT (id) DO UPDATE SET version = excluded.version, doc = excluded.doc, updated_at = excluded.updated_at",
        version, JSON.stringify(settings), nowIso);
    });
    this.reset();
    this.onSettings?.();
  }

  /** Bumps the policy version after a change to the blocklists' fields or the accounts' selections. */
  bumpPolicy(settings, nowIso) {
    const row = this.row();
    if (!row) return this.reset();
    const doc = settings ?? JSON.parse(row.doc);
    new (core().Engine)(this.compose(doc)).free?.();
    this.sql.exec("UPDATE policy SET version = ?, doc = ?, updated_at = ? WHERE id = 1", row.version + 1, JSON.stringify(doc), nowIso);
    this.reset();
    this.onSettings?.();
  }

  /** The engine of the stored settings, compiled at most once per policy version. */
  currentEngine() {
    const v = this.sql.exec("SELECT version FROM policy WHERE id = 1").toArray()[0];
    if (!v) return null;
    if (this.engineVersion !== v.version) {
      const row = this.row();
      this.reset();
      const doc = this.compose(JSON.parse(row.doc));
      this.engine = new (core().Engine)(doc);
      this.engineVersion = row.version;
      const valid = core().validatePolicy(doc);
      this.countries = new Map(valid.blocklists.map((b) => [b.id, b.country]));
      this.users = new Set(valid.accounts.flatMap((a) => a.users.map((u) => u.id)));
    }
    return this.engine;
  }

  /** Decides a call: lookup keys from the core, the rows under them from SQLite, the decision from the core. */
  decide(event) {
    const engine = this.currentEngine();
    if (!engine) throw bad("policy", "not_configured", "policy: no policy stored for this tenant (PUT /v1/tenants/{tenant}/policy first)");
    const keys = engine.lookupKeys(event);
    const rows = this.fetchRows(keys.lists, keys.keys);
    return { version: this.engineVersion, ...engine.decideRows(event, rows) };
  }

  /** The SIP answer to an INVITE: its lookup keys, the rows under them, the core's answer from both. */
  decideInvite(invite, flat) {
    const engine = this.currentEngine();
    if (!engine) throw bad("policy", "not_configured", "policy: no policy stored for this tenant (PUT /v1/tenants/{tenant}/policy first)");
    const keys = engine.inviteLookupKeys(invite);
    const rows = this.fetchRows(keys.lists, keys.keys);
    return flat ? engine.decideInviteRowsFlat(invite, rows) : engine.decideInviteRows(invite, rows);
  }

  /**
   * The rows of `lists` whose key is one of `keys`: one statement, primary-key seeks only. Lists and keys go in
   * as two JSON parameters (a statement takes at most 100 bound parameters; a preview may ask 64 + 64).
   */
  fetchRows(lists, keys) {
    if (!lists.length || !keys.length) return [];
    return this.sql.exec(
      `SELECT list, kind, key, written, label, uuid FROM list_entries WHERE list IN (SELECT value FROM json_each(?))
        AND kind IN (0, 1) AND key IN (SELECT value FROM json_each(?))`,
      JSON.stringify(lists), JSON.stringify(keys)).toArray()
      .map((r) => ({ list: r.list, kind: KINDS[r.kind], e164: r.key, written: r.written, label: r.label, id: r.uuid }));
  }

  // ---- rows ----

  /** A list's { entries, version } (version 0 and no entries when never written). */
  listState(list) {
    return this.sql.exec("SELECT entries, version FROM lists WHERE list = ?", list).toArray()[0] ?? { entries: 0, version: 0 };
  }

  /**
   * Adds `delta` entries to a list's count and bumps its version, and the policy's: the policy as read carries
   * the entries (getPolicy), so a write made from a read older than any list change is refused by If-Match.
   */
  touch(list, delta) {
    this.sql.exec(`INSERT INTO lists (list, entries, version) VALUES (?, max(?, 0), 1)
      ON CONFLICT (list) DO UPDATE SET entries = max(entries + ?, 0), version = version + 1`, list, delta, delta);
    this.sql.exec("UPDATE policy SET version = version + 1 WHERE id = 1");
  }

  /** Deletes a list's rows (and, unless `keep`, its count and version). */
  dropList(list, keep = false) {
    this.sql.exec("DELETE FROM list_entries WHERE list = ?", list);
    if (keep) this.sql.exec("UPDATE lists SET entries = 0, version = version + 1 WHERE list = ?", list);
    else this.sql.exec("DELETE FROM lists WHERE list = ?", list);
  }

  insert(list, kind, key, written, label, uuid) {
    this.sql.exec("INSERT INTO list_entries (list, kind, key, written, label, uuid, version) VALUES (?, ?, ?, ?, ?, ?, 1)",
      list, KINDS.indexOf(kind), key, written, label, uuid);
    this.touch(list, 1);
  }

  entry(list, kind, key) {
    return this.sql.exec("SELECT list, kind, key, written, label, uuid, version FROM list_entries WHERE list = ? AND kind = ? AND key = ?",
      list, KINDS.indexOf(kind), key).toArray()[0] ?? null;
  }

  /** Creates or replaces one entry (If-Match against the entry's version); { entry, created }. */
  putEntry(list, kind, key, written, label, ifMatch, uuid = null) {
    const old = this.entry(list, kind, key);
    checkMatch(ifMatch, old ? old.version : null);
    if (old) {
      this.sql.exec("UPDATE list_entries SET written = ?, label = ?, version = version + 1 WHERE list = ? AND kind = ? AND key = ?",
        written, label, list, KINDS.indexOf(kind), key);
      this.touch(list, 0);
    } else this.insert(list, kind, key, written, label, uuid);
    return { entry: this.entry(list, kind, key), created: !old };
  }

  /** Deletes one entry (If-Match against its version); the deleted entry, or null when absent. */
  deleteEntry(list, kind, key, ifMatch) {
    const old = this.entry(list, kind, key);
    if (!old) return null;
    checkMatch(ifMatch, old.version);
    this.sql.exec("DELETE FROM list_entries WHERE list = ? AND kind = ? AND key = ?", list, KINDS.indexOf(kind), key);
    this.touch(list, -1);
    return old;
  }

  /** A page of a list's entries of one kind, by key: after `startKey`, keys starting with `prefix`. */
  page(list, kind, { pageSize, startKey = null, prefix = null }) {
    const args = [list, KINDS.indexOf(kind)];
    let where = "list = ? AND kind = ?";
    if (prefix) { where += " AND key >= ? AND key < ?"; args.push(prefix, prefix + ";"); }
    if (startKey) { where += " AND key >= ?"; args.push(startKey); }
    const rows = this.sql.exec(`SELECT key, written, label, uuid, version FROM list_entries WHERE ${where} ORDER BY key LIMIT ?`,
      ...args, pageSize + 1).toArray();
    const next = rows.length > pageSize ? rows.pop().key : null;
    return { rows, next };
  }

  /** The country national-format numbers of a blocklist are read with (null: +E.164 only). */
  listCountry(id) {
    this.currentEngine();
    return this.countries.get(id) ?? null;
  }

  /**
   * Normalises one number (country null: +E.164 only) or prefix; errors name `field`. `list` is the kind of list
   * ("blocklist" or "user"): the core reads the number by that list's rules, as an import of the list would.
   */
  normalise(kind, value, country, field, list = "blocklist") {
    try {
      return kind === "prefix" ? core().normalizePrefix(value).e164_prefix : core().normalizeEntry(value, country, list).e164;
    } catch (e) {
      throw bad(field, e.code ?? "invalid", `${field}: ${String(e.message).replace(/^(number|prefix): /, "")}`);
    }
  }

  // ---- operations reached through TenantStore.listOp (names listed in OPS) ----

  op(name, args) {
    if (!OPS.has(name)) throw bad("op", "not_found", `op: no list operation ${JSON.stringify(name)}`);
    return this[name](...args);
  }

  /** Throws 404 on `field` unless the blocklist exists; its row. */
  blacklistRow(id) {
    const b = this.sql.exec("SELECT id, name, country, block_anonymous, flags, created_at FROM blacklists WHERE id = ?", id).toArray()[0];
    if (!b) throw bad("blacklist", "not_found", `blacklist: no blacklist ${JSON.stringify(id)}`);
    return b;
  }

  /** A blocklist as Kazoo writes it, with its entries when it has at most `INLINE_ENTRIES` of each kind. */
  blacklistDoc(b) {
    const list = `blocklist:${b.id}`;
    const state = this.listState(list);
    const doc = { id: b.id, name: b.name, should_block_anonymous: b.block_anonymous === 1, flags: JSON.parse(b.flags),
      ...(b.country ? { country: b.country } : {}), entries: state.entries };
    for (const kind of KINDS) {
      const { rows, next } = this.page(list, kind, { pageSize: INLINE_ENTRIES });
      if (next === null) doc[`${kind}s`] = Object.fromEntries(rows.map((r) => [r.key, r.label === null ? {} : { name: r.label }]));
    }
    return { doc, version: state.version };
  }

  blacklistsPage(pageSize, startKey) {
    const rows = this.sql.exec(`SELECT id, name, country, block_anonymous, flags, created_at FROM blacklists
      WHERE (? IS NULL OR id >= ?) ORDER BY id LIMIT ?`, startKey, startKey, pageSize + 1).toArray();
    const next = rows.length > pageSize ? rows.pop().id : null;
    return { items: rows.map((b) => { const { doc } = this.blacklistDoc(b); delete doc.numbers; delete doc.prefixes; return doc; }), next };
  }

  getBlacklist(id) {
    return this.blacklistDoc(this.blacklistRow(id));
  }

  /** Reads Kazoo's blocklist fields (all of them, or those given when `partial`); entries normalised. */
  readBlacklist(data, partial, country) {
    if (data === null || typeof data !== "object" || Array.isArray(data)) throw bad("data", "invalid_type", "data: expected an object");
    for (const k of Object.keys(data))
      if (!BLACKLIST_FIELDS.includes(k)) throw bad(`data.${k.slice(0, 64)}`, "unknown_key", `data.${k.slice(0, 64)}: unknown field; expected ${BLACKLIST_FIELDS.join(", ")}`);
    const out = {};
    if (!partial || "name" in data) {
      if (typeof data.name !== "string") throw bad("data.name", data.name === undefined ? "missing" : "invalid_type", "data.name: a string of 1 to 128 characters is required");
      if (data.name.length < 1 || data.name.length > 128) throw bad("data.name", "invalid_length", "data.name: 1 to 128 characters");
      out.name = data.name;
    }
    if ("should_block_anonymous" in data) {
      if (typeof data.should_block_anonymous !== "boolean") throw bad("data.should_block_anonymous", "invalid_type", "data.should_block_anonymous: expected true or false");
      out.block_anonymous = data.should_block_anonymous;
    }
    if ("flags" in data) {
      if (!Array.isArray(data.flags) || data.flags.some((f) => typeof f !== "string" || f.length > 128) || data.flags.length > 64)
        throw bad("data.flags", "invalid_type", "data.flags: expected at most 64 strings of at most 128 characters");
      out.flags = data.flags;
    }
    if ("country" in data) {
      if (data.country !== null && typeof data.country !== "string") throw bad("data.country", "invalid_type", "data.country: an ISO 3166 alpha-2 code or null");
      out.country = data.country === null ? null : this.normaliseCountry(data.country);
      country = out.country ?? country;
    }
    for (const kind of KINDS) {
      const key = `${kind}s`;
      if (!(key in data)) continue;
      const v = data[key];
      if (v === null || typeof v !== "object" || Array.isArray(v)) throw bad(`data.${key}`, "invalid_type", `data.${key}: expected an object keyed by ${kind}`);
      const rows = new Map();
      for (const [written, meta] of Object.entries(v)) {
        const field = `data.${key}[${JSON.stringify(written.slice(0, 64))}]`;
        if (meta === null || typeof meta !== "object" || Array.isArray(meta)) throw bad(field, "invalid_type", `${field}: expected an object ({} or {"name": …})`);
        for (const k of Object.keys(meta)) if (k !== "name") throw bad(`${field}.${k.slice(0, 64)}`, "unknown_key", `${field}: unknown field ${JSON.stringify(k.slice(0, 64))}; expected name`);
        const label = readLabel(meta.name, `${field}.name`);
        const e164 = this.normalise(kind, written, country, field);
        if (rows.has(e164)) throw bad(field, "duplicate_number", `${field}: ${e164} is already listed as ${JSON.stringify(rows.get(e164).written)}`);
        rows.set(e164, { written, label });
      }
      out[key] = rows;
    }
    return out;
  }

  normaliseCountry(c) {
    try {
      return core().normalizeEntry("+1 212 555 0100", c) && c.toUpperCase();
    } catch (e) {
      throw bad("data.country", e.code ?? "unknown_country", `data.country: ${JSON.stringify(c.slice(0, 8))} is not a known ISO 3166 alpha-2 country code`);
    }
  }

  /** Kazoo's PUT on the collection: a new blocklist (id given or generated). */
  createBlacklist(id, data, nowIso) {
    if (this.sql.exec("SELECT 1 FROM blacklists WHERE id = ?", id).toArray().length)
      throw bad("data.id", "exists", `data.id: blacklist ${JSON.stringify(id)} exists already`);
    const f = this.readBlacklist(data, false, null);
    this.ctx.storage.transactionSync(() => {
      this.sql.exec("INSERT INTO blacklists (id, name, country, block_anonymous, flags, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        id, f.name, f.country ?? null, f.block_anonymous ? 1 : 0, JSON.stringify(f.flags ?? []), nowIso);
      this.touch(`blocklist:${id}`, 0);
      for (const kind of KINDS) for (const [key, r] of f[`${kind}s`] ?? []) this.insert(`blocklist:${id}`, kind, key, r.written, r.label, null);
      this.bumpPolicy(null, nowIso);
    });
    return this.getBlacklist(id);
  }

  /** Kazoo's POST (whole document; `numbers`/`prefixes`, when given, replace the entries) and PATCH. */
  updateBlacklist(id, data, partial, ifMatch, nowIso) {
    const b = this.blacklistRow(id);
    const list = `blocklist:${id}`;
    checkMatch(ifMatch, this.listState(list).version);
    const f = this.readBlacklist(data, partial, this.listCountry(id));
    this.ctx.storage.transactionSync(() => {
      this.sql.exec("UPDATE blacklists SET name = ?, country = ?, block_anonymous = ?, flags = ? WHERE id = ?",
        f.name ?? b.name, "country" in f ? f.country : b.country,
        "block_anonymous" in f ? (f.block_anonymous ? 1 : 0) : (partial ? b.block_anonymous : 0),
        JSON.stringify(f.flags ?? (partial ? JSON.parse(b.flags) : [])), id);
      for (const kind of KINDS) {
        const rows = f[`${kind}s`];
        if (!rows) continue;
        this.sql.exec("DELETE FROM list_entries WHERE list = ? AND kind = ?", list, KINDS.indexOf(kind));
        for (const [key, r] of rows) this.sql.exec("INSERT INTO list_entries (list, kind, key, written, label, uuid, version) VALUES (?, ?, ?, ?, ?, NULL, 1)",
          list, KINDS.indexOf(kind), key, r.written, r.label);
      }
      this.recount(list);
      this.bumpPolicy(null, nowIso);
    });
    return this.getBlacklist(id);
  }

  /** Sets a list's entry count from its rows and bumps its version. */
  recount(list) {
    const n = this.sql.exec("SELECT COUNT(*) AS n FROM list_entries WHERE list = ?", list).one().n;
    this.sql.exec(`INSERT INTO lists (list, entries, version) VALUES (?, ?, 1)
      ON CONFLICT (list) DO UPDATE SET entries = excluded.entries, version = version + 1`, list, n);
    this.sql.exec("UPDATE policy SET version = version + 1 WHERE id = 1");
  }

  /** Deletes a blocklist and its entries; 409 while an account selects it. */
  deleteBlacklist(id, ifMatch, nowIso) {
    const b = this.blacklistRow(id);
    const list = `blocklist:${id}`;
    checkMatch(ifMatch, this.listState(list).version);
    const row = this.row();
    const doc = row ? JSON.parse(row.doc) : {};
    const users = (doc.accounts ?? []).filter((a) => (a.blocklists ?? []).includes(id)).map((a) => a.id);
    if (users.length) throw bad("blacklist", "conflict", `blacklist: selected by account${users.length > 1 ? "s" : ""} ${users.join(", ")}; remove it from their blacklists first`);
    const { doc: gone } = this.blacklistDoc(b);
    this.ctx.storage.transactionSync(() => {
      this.dropList(list);
      this.sql.exec("DELETE FROM blacklists WHERE id = ?", id);
      if (row) this.bumpPolicy(null, nowIso);
    });
    return gone;
  }

  /** One entry of a blocklist, by the number (or prefix) in any format the list reads. */
  getBlacklistEntry(id, kind, raw) {
    this.blacklistRow(id);
    const key = this.normalise(kind, raw, this.listCountry(id), kind);
    const e = this.entry(`blocklist:${id}`, kind, key);
    if (!e) throw bad(kind, "not_found", `${kind}: ${key} is not on blacklist ${JSON.stringify(id)}`);
    return e;
  }

  putBlacklistEntry(id, kind, raw, data, ifMatch) {
    this.blacklistRow(id);
    const key = this.normalise(kind, raw, this.listCountry(id), kind);
    if (data === null || typeof data !== "object" || Array.isArray(data)) throw bad("data", "invalid_type", "data: expected an object ({} or {\"name\": …})");
    for (const k of Object.keys(data)) if (k !== "name") throw bad(`data.${k.slice(0, 64)}`, "unknown_key", `data.${k.slice(0, 64)}: unknown field; expected name`);
    const label = readLabel(data.name, "data.name");
    return this.ctx.storage.transactionSync(() => this.putEntry(`blocklist:${id}`, kind, key, raw, label, ifMatch));
  }

  deleteBlacklistEntry(id, kind, raw, ifMatch) {
    this.blacklistRow(id);
    const key = this.normalise(kind, raw, this.listCountry(id), kind);
    const e = this.ctx.storage.transactionSync(() => this.deleteEntry(`blocklist:${id}`, kind, key, ifMatch));
    if (!e) throw bad(kind, "not_found", `${kind}: ${key} is not on blacklist ${JSON.stringify(id)}`);
    return e;
  }

  blacklistEntries(id, kind, pageSize, startKey, prefix) {
    this.blacklistRow(id);
    let p = null;
    if (prefix !== null) p = /^\+\d{0,17}$/.test(prefix) ? prefix : this.normalise("prefix", prefix, null, "prefix");
    return { ...this.page(`blocklist:${id}`, kind, { pageSize, startKey, prefix: p }), total: this.kindTotal(`blocklist:${id}`, kind) };
  }

  /**
   * A list's entries of one kind without counting a million rows on every page read: the list's kept count less
   * its prefix rows (a handful, counted), or those prefix rows.
   */
  kindTotal(list, kind) {
    const prefixes = this.sql.exec("SELECT COUNT(*) AS n FROM list_entries WHERE list = ? AND kind = ?", list, KINDS.indexOf("prefix")).one().n;
    return kind === "prefix" ? prefixes : Math.max(this.listState(list).entries - prefixes, 0);
  }

  /** An account's settings as Kazoo's account document shows its blocklist selection. */
  getAccount(id) {
    const row = this.row();
    const a = row && (JSON.parse(row.doc).accounts ?? []).find((x) => x && x.id === id);
    if (!a) throw bad("account", "not_found", `account: no account ${JSON.stringify(id)} in the policy`);
    return { doc: { id: a.id, country: a.country, blacklists: a.blocklists ?? [] }, version: row.version };
  }

  /** Kazoo's account `blacklists: [ids]` (the policy's `accounts[].blocklists`); If-Match on the policy version. */
  patchAccount(id, data, ifMatch, nowIso) {
    const row = this.row();
    checkMatch(ifMatch, row ? row.version : null);
    this.getAccount(id);
    if (data === null || typeof data !== "object" || Array.isArray(data)) throw bad("data", "invalid_type", "data: expected an object");
    for (const k of Object.keys(data)) if (k !== "blacklists") throw bad(`data.${k.slice(0, 64)}`, "unknown_key", `data.${k.slice(0, 64)}: unknown field; expected blacklists`);
    const ids = data.blacklists;
    if (!Array.isArray(ids) || ids.some((x) => typeof x !== "string")) throw bad("data.blacklists", "invalid_type", "data.blacklists: expected an array of blacklist ids");
    ids.forEach((x, i) => {
      if (!this.sql.exec("SELECT 1 FROM blacklists WHERE id = ?", x).toArray().length)
        throw bad(`data.blacklists[${i}]`, "unknown_reference", `data.blacklists[${i}]: no blacklist ${JSON.stringify(x.slice(0, 128))}`);
    });
    const doc = JSON.parse(row.doc);
    doc.accounts = doc.accounts.map((a) => (a && a.id === id ? { ...a, blocklists: ids } : a));
    this.bumpPolicy(doc, nowIso);
    return this.getAccount(id);
  }

  // ---- users' blocklists (Wazo) ----

  /**
   * 404 on `user` unless the user exists: the policy declares it (`accounts[].users[]`), or its list was
   * written (by the user through a verified token, or by an admin's import). cidguard has no user directory:
   * the platform's users (wazo-confd's) exist before their blocklists, so a verified end-user token is proof
   * enough, and the `me` routes (the only ones a token opens) never ask this. Admin routes on a user never
   * seen are 404, as in wazo-confd.
   */
  requireUser(user) {
    this.currentEngine();
    if (this.users.has(user)) return;
    if (!this.sql.exec("SELECT 1 FROM lists WHERE list = ?", `user:${user}`).toArray().length)
      throw bad("user", "not_found", `user: no user ${JSON.stringify(user)}`);
  }

  userEntryRow(r, user) {
    return { uuid: r.uuid, number: r.written, label: r.label, user_uuid: user ?? r.list.slice(5), version: r.version };
  }

  /** A user's entries, filtered (exact `number`, exact `label`, `search` in number or label), ordered, paged. */
  userEntries(user, { number = null, label = null, search = null, order = "number", direction = "asc", limit = null, offset = 0 }) {
    return this.searchUserEntries({ user, number, label, search, order, direction, limit, offset });
  }

  /** Entries across users (the admin view), with the same filters. */
  searchUserEntries({ user = null, number = null, label = null, search = null, order = "number", direction = "asc", limit = null, offset = 0 }) {
    const where = ["kind = 0", "uuid IS NOT NULL"];
    const args = [];
    if (user !== null) { where.push("list = ?"); args.push(`user:${user}`); } else where.push("list >= 'user:' AND list < 'user;'");
    if (number !== null) { where.push("key = ?"); args.push(this.wazoNumber(number, "number")); }
    if (label !== null) { where.push("label = ?"); args.push(label); }
    if (search !== null) { where.push("(instr(written, ?) > 0 OR instr(coalesce(label, ''), ?) > 0)"); args.push(search, search); }
    const w = where.join(" AND ");
    // One user's whole list: its kept count (a user's list holds numbers only), not a count of its rows.
    const total = user !== null && number === null && label === null && search === null ? this.listState(`user:${user}`).entries
      : this.sql.exec(`SELECT COUNT(*) AS n FROM list_entries WHERE ${w}`, ...args).one().n;
    const col = order === "label" ? "label" : order === "user_uuid" ? "list" : "key";
    const rows = this.sql.exec(`SELECT list, key, written, label, uuid, version FROM list_entries WHERE ${w}
      ORDER BY ${col} ${direction === "desc" ? "DESC" : "ASC"}, uuid LIMIT ? OFFSET ?`, ...args, limit ?? -1, offset).toArray();
    return { items: rows.map((r) => this.userEntryRow(r)), total };
  }

  /** Checks a Wazo number (+ and digits, E.164 parseable); its key. */
  wazoNumber(number, field) {
    if (typeof number !== "string" || !/^\+[0-9]{1,127}$/.test(number))
      throw bad(field, "invalid_number", `${field}: Invalid E.164 phone number (write + and the digits, e.g. +33639981234)`);
    return this.normalise("number", number, null, field, "user");
  }

  /** Reads Wazo's `{number, label}` body (both for a create; for an update, number is required too). */
  readUserEntry(body) {
    if (body === null || typeof body !== "object" || Array.isArray(body)) throw bad("body", "invalid_type", "body: expected a JSON object");
    for (const k of Object.keys(body))
      if (!["number", "label", "uuid", "links", "user_uuid", "tenant_uuid"].includes(k))
        throw bad(k.slice(0, 64), "unknown_field", `${k.slice(0, 64)}: unknown field; expected number, label`);
    if (body.number === undefined) throw bad("number", "missing", "number: Missing data for required field.");
    return { key: this.wazoNumber(body.number, "number"), number: body.number, label: readLabel(body.label, "label") };
  }

  createUserEntry(user, body) {
    const e = this.readUserEntry(body);
    const list = `user:${user}`;
    const now = Date.now();
    const uuid = this.sql.exec(`SELECT ${uuidSql("0")} AS u`, now, now).one().u;
    return this.ctx.storage.transactionSync(() => {
      const dup = this.entry(list, "number", e.key);
      if (dup) throw bad("number", "duplicate_number", `number: ${e.key} is already on this blocklist`);
      this.insert(list, "number", e.key, e.number, e.label, uuid);
      return this.userEntryRow(this.entry(list, "number", e.key), user);
    });
  }

  /** One of the user's entries; the same 404 whether it does not exist or is another user's. */
  userEntry(user, uuid) {
    const r = (user === null
      ? this.sql.exec("SELECT list, key, written, label, uuid, version FROM list_entries WHERE uuid = ? AND kind = 0 LIMIT 1", uuid)
      : this.sql.exec("SELECT list, key, written, label, uuid, version FROM list_entries WHERE uuid = ? AND list = ?", uuid, `user:${user}`)).toArray()[0];
    if (!r) throw bad("uuid", "not_found", "uuid: no such blocklist number");
    return this.userEntryRow(r);
  }

  /** One entry: of `user` (a token's), or of any user when `user` is null (the admin's read-only view). */
  getUserEntry(user, uuid) {
    return this.userEntry(user, uuid);
  }

  updateUserEntry(user, uuid, body, ifMatch) {
    const old = this.userEntry(user, uuid);
    checkMatch(ifMatch, old.version);
    const e = this.readUserEntry(body);
    const list = `user:${user}`;
    this.ctx.storage.transactionSync(() => {
      const clash = this.entry(list, "number", e.key);
      if (clash && clash.uuid !== uuid) throw bad("number", "duplicate_number", `number: ${e.key} is already on this blocklist`);
      this.sql.exec("UPDATE list_entries SET key = ?, written = ?, label = ?, version = version + 1 WHERE uuid = ? AND list = ?", e.key, e.number, e.label, uuid, list);
      this.touch(list, 0);
    });
    return this.userEntry(user, uuid);
  }

  deleteUserEntry(user, uuid, ifMatch) {
    const old = this.userEntry(user, uuid);
    checkMatch(ifMatch, old.version);
    this.ctx.storage.transactionSync(() => {
      this.sql.exec("DELETE FROM list_entries WHERE uuid = ? AND list = ?", uuid, `user:${user}`);
      this.touch(`user:${user}`, -1);
    });
    return true;
  }

  /** Wazo's HEAD lookup: the entry of `number_exact` on the user's list, or null. */
  lookupUserEntry(user, numberExact) {
    this.requireUser(user);
    const key = this.wazoNumber(numberExact, "number_exact");
    const e = this.entry(`user:${user}`, "number", key);
    return e ? this.userEntryRow(e, user) : null;
  }

  // ---- end-user credentials ----

  /** The configured end-user token key (secret included: read inside the worker only), or null. */
  userAuth() {
    const r = this.sql.exec("SELECT doc, version FROM user_auth WHERE id = 1").toArray()[0];
    return r ? { ...JSON.parse(r.doc), version: r.version } : null;
  }

  putUserAuth(doc, ifMatch, nowIso) {
    const old = this.userAuth();
    checkMatch(ifMatch, old ? old.version : null);
    const version = (old?.version ?? 0) + 1;
    this.sql.exec(`INSERT INTO user_auth (id, doc, version, updated_at) VALUES (1, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET doc = excluded.doc, version = excluded.version, updated_at = excluded.updated_at`,
    JSON.stringify(doc), version, nowIso);
    return { version };
  }

  // ---- streamed import and export ----

  /**
   * The list an import or export addresses: a blocklist (`{ blacklist }`) or a user's (`{ user }`); its country.
   * An import (`create`) into the list of a user not seen before creates it (an admin writing for the user).
   */
  target(t, create = false) {
    if (t.blacklist !== undefined) {
      this.blacklistRow(t.blacklist);
      return { list: `blocklist:${t.blacklist}`, country: this.listCountry(t.blacklist), user: false };
    }
    if (!create) this.requireUser(t.user);
    return { list: `user:${t.user}`, country: null, user: true };
  }

  importReport(id) {
    const r = this.sql.exec("SELECT * FROM imports WHERE id = ?", id).toArray()[0];
    if (!r) throw bad("import", "not_found", `import: no import ${JSON.stringify(id)}`);
    return { ...r, problems: JSON.parse(r.problems) };
  }

  imports(limit) {
    return this.sql.exec("SELECT id FROM imports ORDER BY created_at DESC, id LIMIT ?", limit).toArray().map((r) => this.importReport(r.id));
  }

  /**
   * Imports a streamed body (CSV with a header row, or NDJSON) into a list, line by line in batches: the core
   * parses and normalises each batch, the rows go to a staging table (a number repeated in the file is a problem
   * of its second line), and only then, in one statement, into the list (existing entries get the new label).
   * `mode` "all": any problem imports nothing; "partial": the good lines are imported. Progress is kept in the
   * import's row after every batch, for `GET …/imports/{id}`.
   */
  async runImport(t, stream, { id, format, mode, totalBytes, totalLines, maxBytes, nowIso }) {
    const { list, country, user } = this.target(t, true);
    if (this.sql.exec("SELECT 1 FROM imports WHERE id = ?", id).toArray().length) throw bad("import_id", "exists", `import_id: import ${JSON.stringify(id)} exists already`);
    this.sql.exec(`INSERT INTO imports (id, list, format, mode, status, processed_lines, processed_bytes, total_bytes, total_lines,
      imported, problem_count, problems, created_at) VALUES (?, ?, ?, ?, 'running', 0, 0, ?, ?, 0, 0, '[]', ?)`,
    id, list, format, mode, totalBytes, totalLines, nowIso);
    const problems = [];
    let count = 0;
    const note = (p) => { count++; if (problems.length < MAX_PROBLEMS) problems.push(p); };
    let header = null;
    let lineNo = 0;
    let bytes = 0;
    let batch = [];
    let first = 1;
    const progress = () => this.sql.exec("UPDATE imports SET processed_lines = ?, processed_bytes = ?, problem_count = ?, problems = ? WHERE id = ?",
      lineNo, bytes, count, JSON.stringify(problems), id);
    const finish = (status) => {
      this.sql.exec("DELETE FROM import_staging WHERE import = ?", id);
      this.sql.exec("UPDATE imports SET status = ?, finished_at = ?, processed_lines = ?, processed_bytes = ?, problem_count = ?, problems = ? WHERE id = ?",
        status, new Date().toISOString(), lineNo, bytes, count, JSON.stringify(problems), id);
      return this.importReport(id);
    };
    const fault = (field, code, message) => {
      const report = finish("failed");
      const e = bad(field, code, message);
      e.extra = { import: report };
      return e;
    };
    const flush = () => {
      if (!batch.length) return;
      const out = core().parseImport({ format, header, country, list: user ? "user" : "blocklist", first_line: first }, batch);
      for (const p of out.problems) note(p);
      // One statement per batch (the batch as one JSON parameter). A number repeated in the file, in this batch or
      // an earlier one, is refused by the staging table's key; only then are the batch's lines looked up (rare).
      const rows = out.entries.map((e) => [KINDS.indexOf(e.kind), e.e164, e.line, e.written, e.label]);
      const w = this.sql.exec(`INSERT INTO import_staging (import, kind, key, line, written, label)
        SELECT ?, json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), json_extract(value, '$[3]'),
          json_extract(value, '$[4]')
        FROM json_each(?) WHERE true ON CONFLICT DO NOTHING`, id, JSON.stringify(rows));
      if (w.rowsWritten < rows.length) {
        for (const [kind, key, line] of rows) {
          const at = this.sql.exec("SELECT line FROM import_staging WHERE import = ? AND kind = ? AND key = ?", id, kind, key).one().line;
          if (at !== line) note({ line, field: "number", code: "duplicate_number", message: `line ${line}: ${kind ? "prefix " : ""}${key} is already on line ${at}` });
        }
      }
      first += batch.length;
      batch = [];
      progress();
    };
    const line = (text) => {
      lineNo++;
      if (format === "csv" && header === null) {
        header = text.replace(/\r$/, "");
        first = lineNo + 1;
        try {
          core().parseImport({ format, header, country, list: user ? "user" : "blocklist", first_line: first }, []);
        } catch (e) {
          throw fault("header", e.code ?? "invalid", `line 1: ${e.message}`);
        }
        return;
      }
      batch.push(text);
      if (batch.length >= IMPORT_BATCH) flush();
    };
    let pending = "";
    let skipping = false;
    const chunks = utf8Chunks(stream, maxBytes, {
      tooLarge: () => { throw fault("body", "too_large", `body: larger than ${maxBytes} bytes`); },
      badEncoding: () => { throw fault("body", "bad_encoding", `body: not valid UTF-8 (after line ${lineNo})`); },
    });
    for await (const chunk of chunks) {
      const text = chunk.text;
      bytes = chunk.bytes;
      let start = 0;
      for (let nl = text.indexOf("\n"); nl !== -1; nl = text.indexOf("\n", start)) {
        const piece = pending + text.slice(start, nl);
        pending = "";
        start = nl + 1;
        // A line that outgrew MAX_LINE_BYTES was dropped as it came: the core reports it as too long.
        line(skipping ? TOO_LONG : piece);
        skipping = false;
      }
      pending += text.slice(start);
      if (pending.length > MAX_LINE_BYTES) { skipping = true; pending = ""; }
    }
    if (skipping) line(TOO_LONG);
    else if (pending !== "") line(pending);
    if (format === "csv" && header === null) throw fault("header", "missing", "line 1: a CSV import starts with its header row (number,label)");
    flush();
    if (count > 0 && mode === "all")
      throw fault("body", "invalid_lines", `body: ${count} line${count > 1 ? "s" : ""} cannot be imported; nothing was imported (first ${problems.length} listed in import.problems)`);
    const imported = this.ctx.storage.transactionSync(() => {
      // New user entries get time-ordered uuids numbered in key order (existing entries keep theirs).
      const now = Date.now();
      if (user) this.sql.exec(`INSERT INTO list_entries (list, kind, key, written, label, uuid, version)
        SELECT ?, 0, key, written, label, ${uuidSql("n")}, 1
        FROM (SELECT key, written, label, row_number() OVER (ORDER BY key) AS n FROM import_staging WHERE import = ? AND kind = 0) ORDER BY key
        ON CONFLICT (list, kind, key) DO UPDATE SET written = excluded.written, label = excluded.label, version = version + 1`, list, now, now, id);
      else this.sql.exec(`INSERT INTO list_entries (list, kind, key, written, label, uuid, version)
        SELECT ?, kind, key, written, label, NULL, 1 FROM import_staging WHERE import = ? ORDER BY kind, key
        ON CONFLICT (list, kind, key) DO UPDATE SET written = excluded.written, label = excluded.label, version = version + 1`, list, id);
      this.recount(list);
      const n = this.sql.exec("SELECT COUNT(*) AS n FROM import_staging WHERE import = ?", id).one().n;
      this.sql.exec("UPDATE imports SET imported = ? WHERE id = ?", n, id);
      return n;
    });
    const report = finish("done");
    return { ...report, imported };
  }

  /**
   * A page of a list's entries for the CSV export, numbers then prefixes, each by key, after the entry `after`
   * (`{ kind, key }`, exclusive; null: from the start). Rows are `{ kind: "number" | "prefix", key, label }`.
   */
  exportPage(t, after, size) {
    const { list } = this.target(t);
    const [kind, key] = after === null ? [-1, ""] : [KINDS.indexOf(after.kind), after.key];
    return this.sql.exec("SELECT kind, key, label FROM list_entries WHERE list = ? AND (kind, key) > (?, ?) ORDER BY kind, key LIMIT ?",
      list, kind, key, size).toArray().map((r) => ({ kind: KINDS[r.kind], key: r.key, label: r.label }));
  }
}
