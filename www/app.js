// cidguard admin page: loads the wasm core in the browser and computes every preview locally.
import init, * as cidguard from "./pkg/cidguard.js";

const $ = (sel) => document.querySelector(sel);

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
    dd.textContent = v === null ? "—" : String(v);
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

function setupTabs() {
  const tabs = [...document.querySelectorAll('[role="tab"]')];
  for (const tab of tabs) {
    tab.addEventListener("click", () => {
      for (const t of tabs) {
        const on = t === tab;
        t.setAttribute("aria-selected", String(on));
        document.getElementById(`panel-${t.dataset.panel}`).hidden = !on;
      }
    });
  }
  for (const t of tabs) document.getElementById(`panel-${t.dataset.panel}`).hidden = t.getAttribute("aria-selected") !== "true";
}

function setupNormalize() {
  $("#normalize-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const number = $("#normalize-number").value;
    const country = $("#normalize-country").value;
    renderResult($("#normalize-result"), attempt(() => cidguard.normalize(number, country)));
  });
}

async function main() {
  const t0 = performance.now();
  await init();
  const status = $("#core-status");
  status.textContent = `Decision core loaded in ${Math.round(performance.now() - t0)} ms.`;
  status.dataset.ready = "true";
  document.body.dataset.ready = "true";
  setupTabs();
  setupNormalize();
}

main().catch((e) => {
  const status = $("#core-status");
  status.textContent = `The decision core failed to load: ${e.message}`;
  status.className = "status error";
});
