// cidguard admin page: loads the wasm core in the browser and computes every preview locally.
import init, * as cidguard from "./pkg/cidguard.js";
import { setupDecide } from "./decide.js";
import { setupMasking } from "./masking.js";
import { renderResult, attempt } from "./ui.js";

const $ = (sel) => document.querySelector(sel);

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
  const [, example] = await Promise.all([init(), fetch("examples/policy.json").then((r) => r.json())]);
  const status = $("#core-status");
  status.textContent = `Decision core loaded in ${Math.round(performance.now() - t0)} ms.`;
  status.dataset.ready = "true";
  document.body.dataset.ready = "true";
  setupTabs();
  setupNormalize();
  setupDecide(cidguard, example);
  setupMasking(cidguard);
}

main().catch((e) => {
  const status = $("#core-status");
  status.textContent = `The decision core failed to load: ${e.message}`;
  status.className = "status error";
});
