// The base of every cidguard console element: a shadow root with adopted (constructable) stylesheets, the
// connection properties (`baseUrl`, `credential` or `fetch`), one JSON request path with the API's error shape,
// a DOM builder that never parses HTML, and DOM events that cross the shadow boundary.

/** Styles shared by every element: a full reset at the root, so no host page style reaches inside. */
export const BASE_CSS = `
:host { display: block !important; contain: content; min-width: 0; max-width: 100%; }
:host([hidden]) { display: none !important; }
.root { all: initial; display: block; box-sizing: border-box; max-width: 100%;
  font-family: var(--cg-font, system-ui, sans-serif); font-size: var(--cg-font-size, 15px); line-height: 1.45;
  color: var(--cg-fg, #1b1f24); background: var(--cg-bg, #fff); border: 1px solid var(--cg-border, #d6dbe1);
  border-radius: var(--cg-radius, 6px); padding: var(--cg-pad, 1rem); }
*, *::before, *::after { box-sizing: border-box; }
h2 { font-size: 1.15em; margin: 0 0 .5rem; }
h3 { font-size: 1em; margin: 1rem 0 .4rem; }
p { margin: .4rem 0; }
.muted { color: var(--cg-muted, #515a65); }
.row { display: flex; flex-wrap: wrap; gap: .6rem; align-items: flex-end; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 13rem), 1fr)); gap: .6rem; }
.field { display: flex; flex-direction: column; gap: .15rem; min-width: 0; }
.field > label, .field > .label { font-size: .85em; color: var(--cg-muted, #515a65); }
input, select, textarea, button { font: inherit; color: inherit; margin: 0; }
input, select, textarea { padding: .35rem .5rem; border: 1px solid var(--cg-input-border, #8a939e); border-radius: 4px;
  background: var(--cg-input-bg, #fff); min-width: 0; max-width: 100%; }
input[type="checkbox"] { width: 1.1rem; height: 1.1rem; }
textarea { width: 100%; min-height: 10rem; font-family: ui-monospace, monospace; font-size: .85em; }
button { cursor: pointer; border: 1px solid var(--cg-accent, #0b57d0); background: var(--cg-bg, #fff);
  color: var(--cg-accent, #0b57d0); border-radius: 4px; padding: .35rem .8rem; display: inline-block; }
button.primary { background: var(--cg-accent, #0b57d0); color: var(--cg-on-accent, #fff); }
button:disabled { opacity: .55; cursor: default; }
:focus-visible { outline: 2px solid var(--cg-focus, #0b57d0); outline-offset: 2px; }
.problem { color: var(--cg-danger, #b3261e); font-size: .85em; }
.problem code, code { font-family: ui-monospace, monospace; font-size: .92em; overflow-wrap: anywhere; }
.badge { display: inline-block; font-weight: 600; padding: .3rem .6rem; border-radius: 4px; }
.badge.allow { background: #e6f4ea; color: var(--cg-ok, #0f5223); }
.badge.reject { background: #fce8e6; color: var(--cg-danger, #a1221a); }
.badge.none { background: #eef1f4; color: var(--cg-fg, #1b1f24); }
.banner { border-radius: 4px; padding: .5rem .75rem; margin: .5rem 0; }
.banner.error { background: #fce8e6; color: #8c1d18; }
.banner.info { background: #e8f0fe; color: #0b3d91; }
.banner.ok { background: #e6f4ea; color: #0f5223; }
table { border-collapse: collapse; width: 100%; font-size: .9em; }
th, td { text-align: left; padding: .3rem .4rem; border-bottom: 1px solid var(--cg-border, #d6dbe1); vertical-align: top; }
th { font-weight: 600; }
.scroll { overflow-x: auto; max-width: 100%; }
dl.kv { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: .15rem .8rem; margin: 0; }
dl.kv dt { color: var(--cg-muted, #515a65); }
dl.kv dd { margin: 0; font-family: ui-monospace, monospace; overflow-wrap: anywhere; }
ol.trace { padding-left: 1.3rem; margin: .3rem 0; font-size: .88em; }
ol.trace .rule { font-family: ui-monospace, monospace; }
ol.trace .outcome { display: inline-block; min-width: 5.5rem; color: var(--cg-muted, #515a65); }
.actions { display: flex; flex-wrap: wrap; gap: .5rem; margin-top: .75rem; align-items: center; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
progress { width: 100%; height: 1rem; }
`;

const sheets = new Map();
/** One constructable stylesheet per CSS text, shared by every instance (adopted, so the CSP allows it). */
export function sheet(css) {
  let s = sheets.get(css);
  if (!s) {
    s = new CSSStyleSheet();
    s.replaceSync(css);
    sheets.set(css, s);
  }
  return s;
}

/**
 * Builds an element without parsing HTML: `h("button", { class: "primary", onclick: fn }, "Save")`.
 * Attributes: `class`, `part`, `for`, `aria-*`, `data-*`, `role` …; `on<event>` adds a listener; `value`,
 * `checked`, `disabled`, `selected`, `hidden` are set as properties. Children: nodes, strings, arrays, null.
 */
export function h(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") e.addEventListener(k.slice(2), v);
    else if (k === "value" || k === "checked" || k === "disabled" || k === "selected" || k === "hidden") e[k] = v;
    else e.setAttribute(k, v === true ? "" : String(v));
  }
  append(e, children);
  return e;
}

function append(e, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(e, c);
    else e.append(c instanceof Node ? c : String(c));
  }
}

let uid = 0;
/** A fresh id, unique within the page (ids live in shadow roots, so they never collide with a host's). */
export const nextId = (prefix = "cg") => `${prefix}-${++uid}`;

/** An API error as the worker answers it: `{ field, code, message, problems }` plus the HTTP status. */
export class ApiError extends Error {
  constructor(status, error) {
    super(error?.message ?? `HTTP ${status}`);
    this.status = status;
    this.field = error?.field ?? null;
    this.code = error?.code ?? "http_" + status;
    this.problems = error?.problems?.length ? error.problems : [{ field: this.field, code: this.code, message: this.message }];
    /** The whole error object as answered (e.g. an import's report under `import`). */
    this.detail = error ?? null;
  }
}

/**
 * One request to the tenant API of a connection `{ baseUrl, credential, fetch }`: JSON in and out, errors
 * thrown as ApiError with the worker's field and code. Resolves to { status, body, etag, headers } (or the
 * Response itself with `raw`). `body` may be an object (sent as JSON), a string, a Blob or a ReadableStream
 * (sent as is, with `type`).
 */
export async function apiRequest(conn, method, path, { body, type, ifMatch, signal, raw = false } = {}) {
  const headers = {};
  if (conn.credential) headers.authorization = `Bearer ${conn.credential}`;
  if (ifMatch) headers["if-match"] = ifMatch;
  let payload;
  if (body !== undefined) {
    if (typeof body === "string" || body instanceof Blob || body instanceof ReadableStream) {
      payload = body;
      headers["content-type"] = type ?? "text/plain";
    } else {
      payload = JSON.stringify(body);
      headers["content-type"] = "application/json";
    }
  }
  const url = String(conn.baseUrl).replace(/\/+$/, "") + (path ? "/" + path : "");
  const init = { method, headers, body: payload, signal };
  if (payload instanceof ReadableStream) init.duplex = "half";
  const res = await (conn.fetch ?? globalThis.fetch.bind(globalThis))(url, init);
  if (raw && res.ok) return res;
  const text = res.status === 204 || method === "HEAD" ? "" : await res.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = text; }
  }
  if (!res.ok) throw new ApiError(res.status, data?.error);
  return { status: res.status, body: data, etag: res.headers.get("etag"), headers: res.headers };
}

/**
 * The base element. Properties: `baseUrl` (the tenant's API base, e.g. `https://host/v1/tenants/acme`),
 * `credential` (a tenant key or a user token, sent as `Authorization: Bearer`) or `fetch` (a function with
 * the signature of `fetch`, for hosts that authenticate requests themselves).
 */
export class CgElement extends HTMLElement {
  static css = "";

  constructor() {
    super();
    this.attachShadow({ mode: "open" });
    this.shadowRoot.adoptedStyleSheets = [sheet(BASE_CSS), sheet(this.constructor.css)];
    this.root = h("div", { class: "root", part: "root" });
    this.shadowRoot.append(this.root);
    this._connected = false;
  }

  /** Follows a shared PolicyDraft: `onChange` runs on each of its changes; the previous draft is let go. */
  followDraft(d, onChange) {
    this._draft?.removeEventListener("change", this._onDraft);
    this._draft = d;
    this._onDraft ??= onChange;
    d.addEventListener("change", this._onDraft);
  }

  get baseUrl() { return this._baseUrl ?? this.getAttribute("base-url") ?? ""; }
  set baseUrl(v) { this._baseUrl = v; this.changed(); }
  get credential() { return this._credential ?? null; }
  set credential(v) { this._credential = v; this.changed(); }
  get fetch() { return this._fetch ?? null; }
  set fetch(v) { this._fetch = v; this.changed(); }

  connectedCallback() {
    if (!this._connected) {
      this._connected = true;
      this.render();
    }
    this.changed();
  }

  /** Builds the element's DOM once (subclasses). */
  render() {}

  /** Called when a connection property changes: subclasses reload (debounced to one call per task). */
  changed() {
    if (!this._connected || this._pending) return;
    this._pending = true;
    queueMicrotask(() => {
      this._pending = false;
      if (this.baseUrl && (this.credential || this.fetch)) this.load?.();
    });
  }

  /** One request to the tenant API through this element's connection (see `apiRequest`). */
  api(method, path, options) {
    return apiRequest(this, method, path, options);
  }

  /** Dispatches a DOM event that bubbles out of the shadow root (`decision`, `saved`, `conflict`, …). */
  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  $(sel) { return this.shadowRoot.querySelector(sel); }
  $$(sel) { return [...this.shadowRoot.querySelectorAll(sel)]; }
}

/** A labelled form field (`label` over the control), with a slot for its problems (matched by JSON path). */
export function field(label, control, path) {
  const id = control.id || (control.id = nextId("f"));
  const problems = h("div", { class: "problems", "data-for": path ?? "", role: "status" });
  if (path) {
    control.dataset.path = path;
    const pid = nextId("p");
    problems.id = pid;
    control.setAttribute("aria-describedby", pid);
  }
  return h("div", { class: "field", part: "field" }, h("label", { for: id }, label), control, problems);
}

/** A `<select>` over `[value, label]` pairs (or plain strings). */
export function select(options, value, attrs = {}) {
  return h("select", attrs, options.map((o) => {
    const [v, l] = Array.isArray(o) ? o : [o, o];
    return h("option", { value: v, selected: v === value }, l);
  }));
}

/**
 * Shows every problem next to the control whose data-path is its path (the closest ancestor path when no
 * control has it); the rest go to `fallback`, each with its path. Returns the number shown.
 */
export function showProblems(scope, problems, fallback) {
  for (const box of scope.querySelectorAll(".problems")) box.replaceChildren();
  for (const c of scope.querySelectorAll("[aria-invalid]")) c.removeAttribute("aria-invalid");
  const rest = [];
  for (const p of problems) {
    let path = p.field ?? "";
    let box = null;
    while (path && !(box = scope.querySelector(`.problems[data-for="${CSS.escape(path)}"]`))) {
      const cut = Math.max(path.lastIndexOf("."), path.lastIndexOf("["));
      path = cut > 0 ? path.slice(0, cut) : "";
    }
    if (box) {
      box.append(h("div", { class: "problem", "data-field": p.field, "data-code": p.code }, h("code", {}, p.field), " ", p.message.replace(/^[^:]*: /, "")));
      scope.querySelector(`[data-path="${CSS.escape(path)}"]`)?.setAttribute("aria-invalid", "true");
    } else rest.push(p);
  }
  fallback?.replaceChildren(...rest.map((p) =>
    h("div", { class: "problem", "data-field": p.field, "data-code": p.code }, h("code", {}, p.field || "(document)"), " ", p.message)));
  return problems.length;
}

/** The problems of a thrown core or API error. */
export const problemsOf = (e) => (e?.problems?.length ? e.problems : [{ field: e?.field ?? "", code: e?.code ?? "error", message: e?.message ?? String(e) }]);
