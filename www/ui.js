// Rendering helpers shared by the panels.

/** Renders either a result object as a definition list or a core error (field + message). */
export function renderResult(out, result) {
  out.replaceChildren();
  if (result.error) {
    out.className = "result error";
    const p = document.createElement("p");
    p.dataset.field = result.error.field ?? "";
    p.dataset.code = result.error.code ?? "";
    p.textContent = result.error.message;
    out.append(p);
    return;
  }
  out.className = "result ok";
  const dl = document.createElement("dl");
  for (const [k, v] of Object.entries(result.value)) {
    const dt = document.createElement("dt");
    dt.textContent = k;
    const dd = document.createElement("dd");
    dd.dataset.key = k;
    dd.textContent = v === null || v === undefined ? "—" : typeof v === "object" ? JSON.stringify(v) : String(v);
    dl.append(dt, dd);
  }
  out.append(dl);
}

/** Runs a core call, turning a thrown core error into { error }. */
export function attempt(fn) {
  try {
    return { value: fn() };
  } catch (e) {
    return { error: { field: e.field, code: e.code, message: e.message } };
  }
}
