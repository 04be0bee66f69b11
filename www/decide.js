// The "Call preview" panel: policy document + call event → the core's decision, rendered with its trace.

const el = (tag, attrs = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v;
    else if (k.startsWith("data-")) e.setAttribute(k, v);
    else e[k] = v;
  }
  e.append(...children);
  return e;
};

/** Example call events offered in the preset menu (they refer to the example policy's ids). */
export const PRESETS = {
  "Outbound, *67 through carrier-a gw-2": {
    direction: "outbound", account: "acc-fr", caller_name: "Alice Martin", caller_number: "+33639981234",
    dialled_number: "*67+14155550100", resource: "carrier-a", gateway: "gw-2",
  },
  "Outbound, SIP Privacy: id through a trusted carrier (sip mode)": {
    direction: "outbound", account: "acc-fr", caller_name: "Alice Martin", caller_number: "+33639981234",
    dialled_number: "+14155550100", resource: "carrier-a", gateway: "gw-3", sip: { privacy: "id" },
  },
  "Outbound emergency call with *67 (never anonymised)": {
    direction: "outbound", account: "acc-fr", caller_name: "Alice Martin", caller_number: "+33639981234",
    dialled_number: "*67112", resource: "carrier-a", gateway: "gw-1",
  },
  "Inbound, anonymous caller to a US account": {
    direction: "inbound", account: "acc-us", caller_name: "Anonymous", caller_number: "anonymous",
    sip: { privacy: "id" },
  },
  "Inbound, blocklisted number in French national format": {
    direction: "inbound", account: "acc-fr", caller_name: "", caller_number: "01 70 36 99 99",
  },
  "Inbound, carrier verstat TN-Validation-Passed-B (STIR/SHAKEN)": {
    direction: "inbound", account: "acc-us", caller_name: "Bob", caller_number: "+1 415 555 0123",
    verstat: "TN-Validation-Passed-B",
  },
  "Inbound, STIR Identity header with its certificate (add trust anchors to verify)": {
    direction: "inbound", account: "acc-us", caller_name: "Alice", caller_number: "+12025550100",
    now: 1764806400, identity: "eyJhbGciOiJFUzI1NiIsInBwdCI6InNoYWtlbiIsInR5cCI6InBhc3Nwb3J0IiwieDV1IjoiaHR0cHM6Ly9jZXJ0LmV4YW1wbGUub3JnL3NoYWtlbi5wZW0ifQ.eyJhdHRlc3QiOiJBIiwiZGVzdCI6eyJ0biI6WyIxMjAyNTU1MDE5OSJdfSwiaWF0IjoxNzY0ODA2Mzk1LCJvcmlnIjp7InRuIjoiMTIwMjU1NTAxMDAifSwib3JpZ2lkIjoiMTIzZTQ1NjctZTg5Yi0xMmQzLWE0NTYtNDI2NjU1NDQwMDAwIn0.LGB5LEaLUQVwa5cjdsU_XGC8n13MOOXe9cDQCi3S4EAjeD19KvrHjOdoRkBe7LViONuA8oIcJbekvxCtve7fSA;info=<https://cert.example.org/shaken.pem>;alg=ES256;ppt=shaken",
    certificate_chain: ["-----BEGIN CERTIFICATE-----\nMIIBdDCCARmgAwIBAgIBAzAKBggqhkjOPQQDAjBFMRcwFQYDVQQKDA5jaWRndWFy\nZCB0ZXN0czEqMCgGA1UEAwwhY2lkZ3VhcmQgdGVzdCBTVEktQ0EgaW50ZXJtZWRp\nYXRlMCAXDTI0MDEwMTAwMDAwMFoYDzIwOTkxMjMxMjM1OTU5WjAtMRUwEwYDVQQK\nDAxUZXN0IENhcnJpZXIxFDASBgNVBAMMC1NIQUtFTiAxMjM0MFkwEwYHKoZIzj0C\nAQYIKoZIzj0DAQcDQgAEH61tF87tesmYQRk/00Y8D6Ki14luiGFDyj7PnZajNlUB\n7xu/g5Biwqdv1raftzUXlFiZJ7zyG8KR30UanBU65KMQMA4wDAYDVR0TAQH/BAIw\nADAKBggqhkjOPQQDAgNJADBGAiEA8KMVVHJ8GBznxLAwRzhbEdJdBw/VC2SHOZAs\nozAoGmcCIQCK8MtlLwuWjcm4aqtwYXSIoh4DEaA5pbQ8kWgOdRnF5w==\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nMIIBhTCCASygAwIBAgIBAjAKBggqhkjOPQQDAjA9MRcwFQYDVQQKDA5jaWRndWFy\nZCB0ZXN0czEiMCAGA1UEAwwZY2lkZ3VhcmQgdGVzdCBTVEktQ0Egcm9vdDAgFw0y\nNDAxMDEwMDAwMDBaGA8yMDk5MTIzMTIzNTk1OVowRTEXMBUGA1UECgwOY2lkZ3Vh\ncmQgdGVzdHMxKjAoBgNVBAMMIWNpZGd1YXJkIHRlc3QgU1RJLUNBIGludGVybWVk\naWF0ZTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABCRGEmkkn+gwYYXMfS6SR+3+\nWiqPqKB17Sbnfwi5YrgL+G2FyXtDcV2xoVmbWRcp3lXmt9HJFSbyvsZjmmavjw6j\nEzARMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDRwAwRAIgT0qgrEsAWScI\nmC5EtrJJgIzi3JY37yl0BptqTlYlWXACIEjphADVMZunIIJn8f6u/D5r+lUUWc+D\nVy79PncKlgJX\n-----END CERTIFICATE-----\n"],
  },
  "Inbound, external call to a user who blocked the caller": {
    direction: "inbound", account: "acc-fr", caller_name: "Ex", caller_number: "0033 6 39 98 12 99",
    destination_user: "u-alice",
  },
};

function renderProblems(out, err) {
  const list = err.problems?.length ? err.problems : [{ field: err.field, code: err.code, message: err.message }];
  out.className = "result error";
  out.replaceChildren(
    el("p", {}, `${list.length} problem${list.length === 1 ? "" : "s"}:`),
    el("ul", { class: "problems" }, ...list.map((p) => el("li", { "data-field": p.field, "data-code": p.code }, p.message))),
  );
}

function dl(obj) {
  const d = el("dl");
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined) continue;
    d.append(el("dt", {}, k), el("dd", { "data-key": k }, v === null ? "—" : typeof v === "object" ? JSON.stringify(v) : String(v)));
  }
  return d;
}

/** Renders a decision: verdict, presentation, SIP signalling, then the ordered trace. */
export function renderDecision(out, d) {
  out.className = "result ok";
  const parts = [];
  const s = d.screening;
  if (s) {
    const rejected = s.verdict === "reject" || s.action === "reject" || s.blocked === true;
    const label = rejected ? `Rejected ${s.sip_code ?? ""} (${s.rule})` : `Allowed (${s.rule})`;
    parts.push(el("p", {}, el("span", { class: `verdict ${rejected ? "rejected" : "allowed"}`, id: "verdict" }, label)));
    parts.push(el("h3", {}, "Screening"), dl(s));
  } else {
    parts.push(el("p", {}, el("span", { class: "verdict allowed", id: "verdict" }, "Not screened")));
  }
  if (d.presentation) {
    const p = d.presentation;
    parts.push(el("h3", {}, "Presented as"),
      dl({ caller_name: p.caller_name, caller_number: p.caller_number, routed_number: p.routed_number, mode: p.mode,
        mode_from: p.mode_from ? [p.mode_from.level, p.mode_from.id].filter(Boolean).join(" ") : null, emergency: p.emergency }));
    if (p.sip) parts.push(el("h3", {}, "SIP signalling"), dl(p.sip));
  }
  parts.push(el("h3", {}, "Trace"),
    el("ol", { class: "trace", id: "trace" }, ...(d.trace ?? []).map((t) =>
      el("li", { "data-rule": t.rule, "data-outcome": t.outcome },
        el("span", { class: "outcome" }, t.outcome), " ", el("span", { class: "rule" }, t.rule), " — ", t.detail ?? ""))));
  out.replaceChildren(...parts);
}

export function setupDecide(cidguard, examplePolicy) {
  const policyText = document.getElementById("policy-text");
  const eventText = document.getElementById("event-text");
  const preset = document.getElementById("event-preset");
  const out = document.getElementById("decide-result");
  policyText.value = JSON.stringify(examplePolicy, null, 2);
  for (const name of Object.keys(PRESETS)) preset.append(el("option", { value: name }, name));
  const loadPreset = () => (eventText.value = JSON.stringify(PRESETS[preset.value], null, 2));
  preset.addEventListener("change", loadPreset);
  loadPreset();

  const parse = (text, field) => {
    try {
      return { value: JSON.parse(text) };
    } catch (e) {
      return { error: { field, code: "malformed_json", message: `${field}: malformed JSON (${e.message})` } };
    }
  };
  const run = (fn) => {
    const policy = parse(policyText.value, "policy");
    if (policy.error) return renderProblems(out, policy.error);
    try {
      fn(policy.value);
    } catch (e) {
      renderProblems(out, e);
    }
  };
  document.getElementById("policy-validate").addEventListener("click", () => run((policy) => {
    cidguard.validatePolicy(policy);
    out.className = "result ok";
    out.replaceChildren(el("p", { id: "policy-valid" }, "The policy is valid."));
  }));
  document.getElementById("decide-run").addEventListener("click", () => run((policy) => {
    const event = parse(eventText.value, "event");
    if (event.error) return renderProblems(out, event.error);
    const engine = new cidguard.Engine(policy);
    try {
      renderDecision(out, engine.decide(event.value));
    } finally {
      engine.free();
    }
  }));
}
