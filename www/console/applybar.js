// The draft's status and its Apply / Discard buttons, with the conflict shown (and the draft kept) when
// another save won: one bar, used by every element that edits the shared PolicyDraft.
import { h, showProblems } from "./base.js";

/**
 * Builds the bar for `draft` inside `element` (a CgElement): it re-renders on every draft change and emits
 * `saved` / `conflict` from the element. `scope` is where field problems are shown (by JSON path).
 */
export function applyBar(element, draft, scope) {
  const status = h("span", { class: "muted", role: "status", "data-status": "" });
  const apply = h("button", { type: "button", class: "primary", part: "button primary apply", "data-action": "apply",
    onclick: async () => {
      apply.disabled = true;
      const r = await draft.apply();
      if (r.ok) element.emit("saved", r.ok);
      else if (r.error.conflict) element.emit("conflict", draft.conflict);
      update();
    } }, "Apply");
  const discard = h("button", { type: "button", part: "button discard", "data-action": "discard", onclick: () => draft.discard() }, "Discard draft");
  const conflict = h("div", { class: "conflict", hidden: true });
  const others = h("div", { class: "other-problems", "aria-live": "polite" });
  const bar = h("div", { part: "applybar" }, others, conflict, h("div", { class: "actions" }, apply, discard, status));

  function update() {
    const n = draft.problems.length;
    apply.disabled = !draft.dirty || n > 0;
    discard.disabled = !draft.dirty;
    status.textContent = !draft.loaded ? "Loading…"
      : n ? `${n} problem${n === 1 ? "" : "s"} in the draft`
      : draft.dirty ? `Draft has changes not applied (stored: ${draft.stored ? `version ${draft.stored.version}` : "none"})`
      : draft.stored ? `Stored version ${draft.stored.version}; no changes` : "No policy stored yet";
    showProblems(scope, draft.problems, others);
    const overlaps = draft.overlaps ?? [];
    conflict.hidden = !draft.conflict && !overlaps.length;
    if (!draft.conflict) conflict.replaceChildren(...(overlaps.length && draft.dirty ? [h("div", { class: "banner info", role: "status", "data-overlaps": "" },
      "Merged onto the stored version. Both you and the other save changed: ", overlaps.map((p, i) => [i ? ", " : "", h("code", {}, p)]),
      " — your values are kept; review them before applying.")] : []));
    if (draft.conflict) {
      conflict.replaceChildren(h("div", { class: "banner error", role: "alert", "data-conflict": "" },
        h("strong", {}, "Not saved: the policy was changed by someone else since you loaded it. "),
        "Your draft is kept. Merge your edits onto the version now stored (then review and apply), or discard your draft.",
        h("div", { class: "actions" },
          h("button", { type: "button", "data-action": "rebase", onclick: () => draft.rebase() }, "Merge my edits onto the stored version"),
          h("button", { type: "button", onclick: () => draft.discard().then(() => draft.load(true)) }, "Discard my draft"))));
    }
  }
  draft.addEventListener("change", update);
  update();
  return bar;
}

/** Sets `value` at a JSON path such as `accounts[0].privacy_mode` (undefined deletes the key). */
export function setPath(doc, path, value) {
  const keys = path.match(/[^.[\]]+/g).map((k) => (/^\d+$/.test(k) ? Number(k) : k));
  let o = doc;
  for (let i = 0; i < keys.length - 1; i++) {
    o[keys[i]] ??= typeof keys[i + 1] === "number" ? [] : {};
    o = o[keys[i]];
  }
  const last = keys.at(-1);
  if (value === undefined) delete o[last];
  else o[last] = value;
  return doc;
}

/** The value at a JSON path (undefined when absent). */
export function getPath(doc, path) {
  return path.match(/[^.[\]]+/g).reduce((o, k) => (o == null ? undefined : o[/^\d+$/.test(k) ? Number(k) : k]), doc);
}
