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
    this.revision = 0;
    this.loaded = false;
    this.loading = null;
  }

  /** Loads the stored policy (once unless `force`), and starts the draft from it unless the draft has edits. */
  load(force = false) {
    if (this.loading && !force) return this.loading;
    this.loading = (async () => {
      let stored = null;
      try {
        const r = await apiRequest(this.conn, "GET", "policy");
        stored = { version: r.body.version, policy: r.body.policy, etag: r.etag };
      } catch (e) {
        if (e.status !== 404) throw e;
      }
      const keepDraft = this.dirty;
      this.stored = stored;
      if (!keepDraft) this.draft = clone(stored?.policy ?? EMPTY_POLICY);
      this.loaded = true;
      await this.changedDraft();
    })();
    return this.loading;
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

  /** After a conflict: reloads the stored policy (the other save), keeping this draft to apply over it. */
  async rebase() {
    this.conflict = null;
    await this.load(true);
  }
}
