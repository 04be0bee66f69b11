// A TypeScript consumer of the `cidguard` package that calls every export and reads its results through the
// shipped types. scripts/check-package.sh type-checks it with `tsc --strict --noEmit` against pkg/ installed as
// `node_modules/cidguard` (so the package's `exports` and `types` are what resolve it); it is not run.
import init, {
  initSync,
  normalize,
  normalizeMany,
  normalizeEntry,
  validatePolicy,
  decidePresentation,
  screenCall,
  decide,
  Engine,
  verifySignature,
  signWebhook,
  parseCallback,
  parseStatus,
  parseCallbackResponse,
  routeCallback,
  allocateSession,
  maskNumber,
  poolSize,
  validatePool,
  validateMaskingConfig,
  MaskingState,
  poolStates,
  replay,
  Replay,
  type CidguardError,
  type ReplayReport,
  type PolicyInput,
  type CallEvent,
  type MaskingConfig,
  type MaskingInit,
  type PoolEntry,
  type PoolNumber,
  type Session,
  type TraceStep,
} from "cidguard";

export async function load(wasm: Uint8Array): Promise<void> {
  initSync({ module: wasm });
  await init();
}

export function phone(): string[] {
  const n = normalize("06 39 98 12 34", "FR");
  const region: string | null = n.region;
  const many = normalizeMany(["06 39 98 12 34", "abc"], "FR");
  const firstE164 = many.map((r) => ("ok" in r ? r.ok.e164 : r.error.field));
  const entry = normalizeEntry("+33639981234", null);
  return [n.e164, String(n.valid), region ?? "", ...firstE164, entry.e164, String(entry.valid)];
}

export function policy(): TraceStep[] {
  const doc: PolicyInput = {
    system: { privacy_mode: "kazoo", block_anonymous_caller_id: true },
    accounts: [{ id: "acme", country: "FR", blocklists: ["spam"], users: [{ id: "u1" }] }],
    blocklists: [{ id: "spam", name: "Spam", numbers: ["0639981234", { number: "+33 6 12 34 56 78", label: "x" }] }],
  };
  const event: CallEvent = { direction: "inbound", account: "acme", caller_number: "+33639981234" };
  const checked = validatePolicy(doc);
  const accountCountry: string = checked.accounts[0].country;
  const presented = decidePresentation(doc, event);
  const screened = screenCall(doc, event);
  const decided = decide(doc, event);
  const engine = new Engine(doc);
  const again = engine.decide(event);
  engine.free();
  const verdict: "allow" | "reject" | undefined = screened.screening?.action;
  const code: number | null | undefined = decided.screening?.sip_code;
  void [accountCountry, presented.presentation.caller_number, verdict, code, again.presentation.mode];
  return [...presented.trace, ...screened.trace, ...decided.trace];
}

export function masking(now: number): string[] {
  const config: MaskingConfig = { not_allowed: { fileUrl: "https://example.com/na.mp3" } };
  const sessions: Session[] = [
    {
      id: "s1",
      status: "open",
      expires_at: null,
      participants: [
        { number: "+41793026727", proxy: "+41793026731" },
        { number: "+41793026785", proxy: "+41793026732" },
      ],
    },
  ];
  const pool: PoolNumber[] = [{ number: "+41793026731" }, { number: "+41793026732", reserved: false }];
  const creds = { apiId: "55ddccad2df62a4b615b7e3c472b2ab6", key: "5da086b6a8e4424993646b8699c333ca" };
  const body = '{"from":"41793026727","to":"41793026731"}';
  const url = "https://example.com/cb";
  const signed = signWebhook({ kind: "callback", url, body }, creds);
  const verified = verifySignature({ kind: "callback", url, body, authorization: signed.authorization }, creds);
  const callback = parseCallback(body);
  const status = parseStatus('{"from":"41793026727","to":"41793026731","status":"ANSWERED"}');
  const response = parseCallbackResponse({ command: "audio", fileUrl: "https://example.com/a.mp3" });
  const routing = routeCallback(config, sessions, body, now);
  const request = { id: "s2", participants: [{ number: "+41790000001" }, { number: "+41790000002" }] } as const;
  const allocation = allocateSession(config, pool, sessions, { ...request, participants: [...request.participants] }, now);
  const shown = maskNumber({ policy: "replacement", show_first: 3, show_last: 2 }, "+41793026727", "agent", null);
  const size = poolSize({ max_sessions_per_participant: 5, peak_concurrent_calls: 100 });
  const validPool: PoolEntry[] = validatePool(pool);
  const validConfig: MaskingConfig = validateMaskingConfig(config);
  const init: MaskingInit = { config, sessions, pool, webhook: { url, ...creds } };
  const state = new MaskingState(init);
  const handled: string = state.handleCallback(body, signed.authorization, now);
  const routed = state.route(body, now);
  const drawn = state.allocate(null, { id: "s3", participants: [{ number: "+41790000003" }, { number: "+41790000004" }] }, now);
  state.upsert(drawn.session);
  const held: number = state.size;
  state.free();
  const command: "dial" | "audio" | "captureDtmf" = routing.response.command;
  return [
    String(verified.valid),
    callback.from ?? "withheld",
    status.status ?? "",
    response.command,
    command,
    allocation.session.participants[0].proxy,
    shown.display,
    String(size.numbers),
    String(validPool.length),
    validConfig.not_allowed ? "config" : "",
    handled,
    routed.outcome,
    String(held),
    ...routing.trace.map((s: TraceStep) => s.outcome),
  ];
}

/** The console's exports: a what-if replay (one call and fed in chunks) and the pool's states over time. */
export function console_(policy: PolicyInput, draft: PolicyInput, csv: string, config: MaskingConfig, pool: PoolNumber[], sessions: Session[]): string[] {
  const whole: ReplayReport = replay(policy, draft, csv, { bucket_seconds: 3600 });
  const r = new Replay(policy, draft, null);
  const progress = r.feed(csv);
  const report = r.finish();
  r.free();
  const states = poolStates(config, pool, sessions, [0, 3600]);
  return [String(whole.changed_total), String(progress.lines), ...report.buckets.map((b) => String(b.after.rejected_603)),
    ...report.changed.map((c) => c.after.verdict), String(states[0].free + states[1].in_use)];
}

export function failure(e: unknown): string {
  const err = e as CidguardError;
  return `${err.field}/${err.code}: ${err.problems.map((p) => p.message).join("; ")}`;
}
