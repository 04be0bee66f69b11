// A scripted SIP user agent over UDP (node:dgram), enough to drive Kamailio in tests: a UAC that sends an
// INVITE and reads the final response, and a UAS that answers every INVITE 200 OK and keeps what it received.
// Every wait is bounded; sockets bind to loopback only.
import { createSocket } from "node:dgram";
import { randomBytes } from "node:crypto";

const CRLF = "\r\n";
/** RFC 3261 compact header forms, to look a header up by its full name. */
const COMPACT = { f: "from", t: "to", i: "call-id", v: "via", m: "contact", l: "content-length", k: "supported" };

/** Parses a SIP message: { startLine, status?, reason?, method?, headers: [[name, value]], get(name), all(name) }. */
export function parseMessage(text) {
  const end = text.indexOf(CRLF + CRLF);
  const head = end < 0 ? text : text.slice(0, end);
  const [startLine, ...lines] = head.split(CRLF);
  const headers = [];
  for (const line of lines) {
    if (/^[ \t]/.test(line) && headers.length) headers[headers.length - 1][1] += " " + line.trim();
    else {
      const i = line.indexOf(":");
      if (i > 0) headers.push([line.slice(0, i).trim(), line.slice(i + 1).trim()]);
    }
  }
  const norm = (n) => { const l = n.toLowerCase(); return COMPACT[l] ?? l; };
  const all = (name) => headers.filter(([n]) => norm(n) === name.toLowerCase()).map(([, v]) => v);
  const msg = { startLine, headers, all, get: (name) => all(name)[0] };
  const status = /^SIP\/2\.0 (\d{3}) ?(.*)$/.exec(startLine);
  if (status) Object.assign(msg, { status: Number(status[1]), reason: status[2] });
  else msg.method = startLine.split(" ")[0];
  return msg;
}

const token = () => randomBytes(6).toString("hex");

function bind(address, port = 0) {
  return new Promise((resolve, reject) => {
    const sock = createSocket("udp4");
    sock.once("error", reject);
    sock.bind(port, address, () => { sock.off("error", reject); resolve(sock); });
  });
}

/**
 * A UAC bound to `address` (a loopback address; 127.0.0.2 and 127.0.0.3 stand for other peers). `invite()`
 * sends one INVITE to `proxy` and resolves to the final response (with `ms`, the time to it), or rejects after
 * `timeoutMs`. Non-2xx finals are ACKed, as RFC 3261 asks.
 */
export async function createUac({ address = "127.0.0.1" } = {}) {
  const sock = await bind(address);
  const port = sock.address().port;
  const pending = new Map();
  sock.on("message", (buf) => {
    const msg = parseMessage(buf.toString("utf8"));
    const p = msg.status && pending.get(msg.get("call-id"));
    if (p && msg.status >= 200) p.done(msg);
  });

  async function invite({ proxy, requestUri, from, to, headers = {}, timeoutMs = 5000 }) {
    const callId = `${token()}@${address}`;
    const branch = `z9hG4bK${token()}`;
    const fromHeader = `${from};tag=${token()}`;
    const lines = [
      `INVITE ${requestUri} SIP/2.0`,
      `Via: SIP/2.0/UDP ${address}:${port};branch=${branch};rport`,
      "Max-Forwards: 70",
      `From: ${fromHeader}`,
      `To: ${to}`,
      `Call-ID: ${callId}`,
      "CSeq: 1 INVITE",
      `Contact: <sip:uac@${address}:${port}>`,
      ...Object.entries(headers).flatMap(([n, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${n}: ${x}`)),
      "Content-Length: 0",
    ];
    const data = Buffer.from(lines.join(CRLF) + CRLF + CRLF);
    const started = process.hrtime.bigint();
    const response = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => { pending.delete(callId); reject(new Error(`no final response to INVITE ${callId} within ${timeoutMs} ms`)); }, timeoutMs);
      pending.set(callId, { done: (msg) => { clearTimeout(timer); pending.delete(callId); resolve(msg); } });
      sock.send(data, proxy.port, proxy.host);
    });
    response.ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (response.status >= 300) {
      const ack = [
        `ACK ${requestUri} SIP/2.0`,
        `Via: SIP/2.0/UDP ${address}:${port};branch=${branch};rport`,
        "Max-Forwards: 70",
        `From: ${fromHeader}`,
        `To: ${response.get("to")}`,
        `Call-ID: ${callId}`,
        "CSeq: 1 ACK",
        "Content-Length: 0",
      ];
      sock.send(Buffer.from(ack.join(CRLF) + CRLF + CRLF), proxy.port, proxy.host);
    }
    return response;
  }

  return { address, port, invite, close: () => new Promise((r) => sock.close(r)) };
}

/**
 * A UAS on `address`: answers every INVITE 200 OK (echoing Via, From, Call-ID, CSeq, adding a To tag) and
 * keeps each INVITE it received by Call-ID in `received`.
 */
export async function createUas({ address = "127.0.0.1" } = {}) {
  const sock = await bind(address);
  const port = sock.address().port;
  const received = new Map();
  sock.on("message", (buf, rinfo) => {
    const msg = parseMessage(buf.toString("utf8"));
    if (msg.method !== "INVITE" && msg.method !== "BYE") return;
    if (msg.method === "INVITE") received.set(msg.get("call-id"), msg);
    const to = msg.get("to");
    const reply = [
      "SIP/2.0 200 OK",
      ...msg.all("via").map((v) => `Via: ${v}`),
      ...msg.all("record-route").map((v) => `Record-Route: ${v}`),
      `From: ${msg.get("from")}`,
      `To: ${/;tag=/i.test(to) ? to : `${to};tag=${token()}`}`,
      `Call-ID: ${msg.get("call-id")}`,
      `CSeq: ${msg.get("cseq")}`,
      `Contact: <sip:uas@${address}:${port}>`,
      "Content-Length: 0",
    ];
    sock.send(Buffer.from(reply.join(CRLF) + CRLF + CRLF), rinfo.port, rinfo.address);
  });
  return { address, port, received, close: () => new Promise((r) => sock.close(r)) };
}
