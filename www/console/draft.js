// Draft and apply for a tenant's policy document: the stored version (with its ETag) and the draft being edited.
// Edits change only the draft; the core validates the draft on every change and the previews decide against
// both; `apply()` saves with `If-Match`, and a conflicting save (412) keeps the draft and reports the conflict.
import { apiRequest, problemsOf } from "./base.js";
import { loadCore } from "./core.js";

/** The document a tenant without a stored policy starts from. */
export const EMPTY_POLICY = Object.freeze({ system: {}, accounts: [], resources: [], blocklists: [] });

const clone = (v) => structuredClone(v);

/**
 * Events: `change` (the draft, the stored policy or the problems changed), `saved` ({ version }), `conflict`
 * ({ status, message }). Fields: `stored` ({ version, policy, etag } or null), `draft`, `problems` (the core's
 * validation of the draft, each with its JSON path), `conflict`, `revision` (bumped on every draft change).
 */
export class PolicyDraft extends EventTarget {
  /** `conn`: { baseUrl, credential, fetch } (any console element will do). */
  constructor(conn) {
    super();
    this.conn = conn;
    this.stored = null;
    this.draft = clone(EMPTY_POLICY);
    this.problems = [];
    this.conflict = null;
    this.overlaps = [];
    this.revision = 0;
    this.loaded = false;
    this.loading = null;
  }

  /** Loads the stored policy (once unless `force`), and starts the draft from it unless the draft has edits. */
  load(force = false) {
    if (this.loading && !force) return this.loading;
    this.loading = (async () => {
      const stored = await this.readStored();
      const keepDraft = this.dirty;
      this.stored = stored;
      if (!keepDraft) this.draft = clone(stored?.policy ?? EMPTY_POLICY);
      this.loaded = true;
      await this.changedDraft();
    })();
    return this.loading;
  }

  /** The stored policy: { version, policy, etag }, or null when none is stored. */
  async readStored() {
    try {
      const r = await apiRequest(this.conn, "GET", "policy");
      return { version: r.body.version, policy: r.body.policy, etag: r.etag };
    } catch (e) {
      if (e.status !== 404) throw e;
      return null;
    }
  }

  /**
   * After a change made outside the draft (a list's entries through the list routes, which is a new policy
   * version too): reads the stored policy again and carries the draft's edits onto it as `rebase` does, so the
   * next Apply is not refused for a change this console made itself.
   */
  async sync() {
    const base = this.stored?.policy ?? EMPTY_POLICY;
    const dirty = this.dirty;
    const stored = await this.readStored();
    const overlaps = [];
    this.draft = dirty ? merge3(base, this.draft, stored?.policy ?? EMPTY_POLICY, "", overlaps) : clone(stored?.policy ?? EMPTY_POLICY);
    this.stored = stored;
    if (overlaps.length) this.overlaps = overlaps;
    await this.changedDraft();
  }

  /** True when the draft differs from the stored document. */
  get dirty() {
    return JSON.stringify(this.draft) !== JSON.stringify(this.stored?.policy ?? EMPTY_POLICY);
  }

  /** Applies `fn` to a copy of the draft (it may mutate it or return a new document). */
  async edit(fn) {
    const next = clone(this.draft);
    this.draft = fn(next) ?? next;
    await this.changedDraft();
  }

  /** Replaces the draft (the JSON view). */
  async replace(doc) {
    this.draft = clone(doc);
    await this.changedDraft();
  }

  /** Drops the draft's edits. */
  async discard() {
    this.draft = clone(this.stored?.policy ?? EMPTY_POLICY);
    this.conflict = null;
    this.overlaps = [];
    await this.changedDraft();
  }

  async changedDraft() {
    const cg = await loadCore();
    try {
      cg.validatePolicy(this.draft);
      this.problems = [];
    } catch (e) {
      this.problems = problemsOf(e);
    }
    this.revision++;
    this.dispatchEvent(new CustomEvent("change"));
  }

  /**
   * Saves the draft with `If-Match` (the stored ETag). Resolves to { ok: { version } } or { error } (the
   * worker's problems, or a conflict: the draft is kept and `conflict` names the stored version that won).
   */
  async apply() {
    try {
      const r = await apiRequest(this.conn, "PUT", "policy", { body: this.draft, ifMatch: this.stored?.etag ?? undefined });
      this.stored = { version: r.body.version, policy: clone(this.draft), etag: r.etag ?? null };
      if (!this.stored.etag) await this.refreshEtag();
      this.conflict = null;
      this.overlaps = [];
      this.problems = [];
      this.revision++;
      this.dispatchEvent(new CustomEvent("change"));
      this.dispatchEvent(new CustomEvent("saved", { detail: { version: this.stored.version } }));
      return { ok: { version: this.stored.version } };
    } catch (e) {
      if (e.status === 412) {
        this.conflict = { status: 412, message: e.message };
        this.dispatchEvent(new CustomEvent("change"));
        this.dispatchEvent(new CustomEvent("conflict", { detail: this.conflict }));
        return { error: { conflict: true, message: e.message } };
      }
      this.problems = problemsOf(e);
      this.dispatchEvent(new CustomEvent("change"));
      return { error: { problems: this.problems, status: e.status } };
    }
  }

  /** After a save without an ETag in the answer, reads the stored version's ETag (if the API gives one). */
  async refreshEtag() {
    try {
      const r = await apiRequest(this.conn, "GET", "policy");
      if (r.body.version === this.stored.version) this.stored.etag = r.etag;
    } catch { /* the next apply simply goes without If-Match */ }
  }

  /**
   * After a conflict: reloads the stored policy (the other save) and replays this draft's edits onto it (a
   * three-way merge by JSON path against the version the draft started from). Where both sides changed the same
   * value differently, the draft's value is kept and the path is listed in `overlaps` for review before Apply.
   */
  async rebase() {
    const base = this.stored?.policy ?? EMPTY_POLICY;
    const mine = this.draft;
    this.conflict = null;
    this.draft = clone(EMPTY_POLICY); // not dirty while reloading: load() takes the stored document
    this.stored = null;
    this.loading = null;
    await this.load(true);
    const overlaps = [];
    this.draft = merge3(base, mine, this.stored?.policy ?? EMPTY_POLICY, "", overlaps);
    this.overlaps = overlaps;
    await this.changedDraft();
    return overlaps;
  }
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * Three-way merge of JSON values: `mine` and `theirs` both derived from `base`. Objects merge key by key;
 * arrays of objects with an `id` merge item by item (by id, in `theirs`' order then the draft's new ones); any
 * other value is taken from the side that changed it, or from `mine` when both did (its path added to `overlaps`).
 */
export function merge3(base, mine, theirs, path = "", overlaps = []) {
  if (same(mine, base)) return clone(theirs);
  if (same(theirs, base) || same(mine, theirs)) return clone(mine);
  if (isObject(mine) && isObject(theirs)) {
    const b = isObject(base) ? base : {};
    const out = {};
    for (const k of new Set([...Object.keys(theirs), ...Object.keys(mine)])) {
      const v = merge3(b[k], mine[k], theirs[k], path ? `${path}.${k}` : k, overlaps);
      if (v !== undefined) out[k] = v;
    }
    return out;
  }
  const byId = (a) => Array.isArray(a) && a.every((x) => isObject(x) && typeof x.id === "string");
  if (byId(mine) && byId(theirs) && (base === undefined || byId(base))) {
    const index = (a) => new Map((a ?? []).map((x) => [x.id, x]));
    const [b, m, t] = [index(base), index(mine), index(theirs)];
    const ids = [...new Set([...theirs.map((x) => x.id), ...mine.map((x) => x.id)])];
    return ids.map((id, i) => merge3(b.get(id), m.get(id), t.get(id), `${path}[${i}]`, overlaps)).filter((x) => x !== undefined);
  }
  overlaps.push(path);
  return clone(mine);
}
