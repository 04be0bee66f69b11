// The console host page: signs in with a tenant key (or a user token) and mounts the console's custom elements,
// all sharing one connection and one policy draft. It decides nothing: the elements ask the API and the core.
import { PolicyDraft, apiRequest } from "./console/index.js";

const $ = (sel) => document.querySelector(sel);

/** The sections an administrator sees: a tab each, with the elements it mounts. */
const ADMIN_SECTIONS = [
  { id: "policy", label: "Preview and privacy", two: true, elements: ["cg-privacy-settings", "cg-call-preview"] },
  { id: "blocklists", label: "Blocklists", two: true, elements: ["cg-blocklists", "cg-call-preview"] },
  { id: "replay", label: "What-if replay", elements: ["cg-replay"] },
  { id: "masking", label: "Number masking", elements: ["cg-masking"] },
];
/** What a user token sees: only that user's own blocklist. */
const USER_SECTIONS = [{ id: "mine", label: "My blocklist", elements: ["cg-user-blocklist"] }];

function tabs(sections) {
  const nav = $("#tabs");
  const panels = $("#panels");
  nav.replaceChildren();
  panels.replaceChildren();
  const buttons = sections.map((s, i) => {
    const b = document.createElement("button");
    b.type = "button";
    b.role = "tab";
    b.id = `tab-${s.id}`;
    b.textContent = s.label;
    b.setAttribute("aria-controls", `panel-${s.id}`);
    b.setAttribute("aria-selected", String(i === 0));
    b.tabIndex = i === 0 ? 0 : -1;
    return b;
  });
  const select = (b) => {
    for (const o of buttons) {
      const on = o === b;
      o.setAttribute("aria-selected", String(on));
      o.tabIndex = on ? 0 : -1;
      document.getElementById(o.getAttribute("aria-controls")).hidden = !on;
    }
  };
  for (const b of buttons) {
    b.addEventListener("click", () => select(b));
    b.addEventListener("keydown", (e) => {
      const i = buttons.indexOf(b);
      const next = e.key === "ArrowRight" ? buttons[(i + 1) % buttons.length] : e.key === "ArrowLeft" ? buttons.at(i - 1) : null;
      if (next) { select(next); next.focus(); e.preventDefault(); }
    });
  }
  nav.append(...buttons);
  return sections.map((s, i) => {
    const panel = document.createElement("section");
    panel.id = `panel-${s.id}`;
    panel.className = s.two ? "panel two" : "panel";
    panel.role = "tabpanel";
    panel.setAttribute("aria-labelledby", `tab-${s.id}`);
    panel.hidden = i !== 0;
    panels.append(panel);
    return { section: s, panel };
  });
}

async function signIn(tenant, credential, kind) {
  const conn = { baseUrl: `${location.origin}/v1/tenants/${encodeURIComponent(tenant)}`, credential };
  // A tenant key can read the policy (404 when none is stored yet); a user token can read its own list.
  try {
    await apiRequest(conn, "GET", kind === "user" ? "users/me/blocklist/numbers" : "policy");
  } catch (e) {
    if (!(kind === "tenant" && e.status === 404 && e.field === "policy")) throw e;
  }
  const sections = kind === "user" ? USER_SECTIONS : ADMIN_SECTIONS;
  const draft = kind === "user" ? null : new PolicyDraft(conn);
  for (const { section, panel } of tabs(sections)) {
    for (const name of section.elements) {
      await customElements.whenDefined(name);
      const el = document.createElement(name);
      if (draft && "draft" in el) el.draft = draft;
      el.baseUrl = conn.baseUrl;
      el.credential = credential;
      panel.append(el);
    }
  }
  await draft?.load();
  $("#who").textContent = kind === "user" ? `Signed in to ${tenant} with a user token` : `Signed in to tenant ${tenant}`;
  $("#signin").hidden = true;
  $("#console").hidden = false;
  document.body.dataset.ready = "true";
}

$("#signin").addEventListener("submit", async (e) => {
  e.preventDefault();
  const f = new FormData(e.target);
  $("#signin-error").textContent = "";
  try {
    await signIn(String(f.get("tenant")).trim(), String(f.get("credential")), String(f.get("kind")));
  } catch (err) {
    $("#signin-error").textContent = err.status === 401 || err.status === 404
      ? "Sign-in failed: unknown tenant or credential." : `Sign-in failed: ${err.message}`;
  }
});
$("#signout").addEventListener("click", () => location.reload());
document.body.dataset.loaded = "true";
