//! WebAssembly exports of number masking: each converts its arguments to JSON and calls the JSON face
//! (`exports::call`) under the same name, so every runtime gives the native answers. `MaskingState` keeps the
//! indexed sessions inside the module, so a worker routes each callback without re-sending 10k sessions.
//!
//! Values cross the boundary as JSON text (`JSON.stringify` / `JSON.parse` on the JS side, serde_json on
//! ours): one string each way instead of a walk over the object tree, which measured several times faster
//! in Node (serde-wasm-bindgen builds JS `Error` objects internally even on success).

use super::into_error;
use crate::error::Error;
use serde_json::Value;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const MASKING_TS: &'static str = r#"
/** An Infobip audio file: an uploaded file's id, or a URL. */
export type AudioSource = { fileId: string } | { fileUrl: string };
export interface Announcements { caller?: AudioSource; callee?: AudioSource; }
export interface RecordingFlags { enabled: boolean; recordCalleeAnnouncement: boolean; }
/** Infobip's callback response: what to do with the inbound call. */
export type CallbackResponse =
  | { command: "dial"; phoneNumber: string; callerId: string; announcements?: Announcements;
      recording?: RecordingFlags; clientReferenceId?: string }
  | ({ command: "audio" } & AudioSource)
  | ({ command: "captureDtmf"; maxLength: number; timeout: number; digitTimeout?: number; terminator?: string;
      addCountryCode?: boolean } & AudioSource);
/** A callback request as read: numbers in E.164. */
export interface CallbackRequest { from: string; to: string; nmCorrelationId?: string; correlationId?: string;
  dtmfCaptured?: boolean; }
/** Infobip's status message as read (numbers in E.164; `fileID` / `fileId` both read as `fileId`). */
export interface StatusMessage {
  action: string | null; from: string; to: string; transferTo: string | null; duration: number | null;
  status: string | null; nmCorrelationId: string | null; fileId: string | null; fileUrl: string | null;
  ringingTime: string | null; answeredTime: string | null; correlationId: string | null;
  inboundDuration: number | null; calculatedDuration: number | null; pricePerSecond: number | null;
  currency: string | null; recordingFileId: string | null; recordCalleeAnnouncement: boolean | null;
  recordingStatus: string | null; machineDetectionResult: string | null; clientReferenceId: string | null;
}
/** A webhook request to check or sign: the body exactly as received (raw text). */
export interface WebhookRequest { kind: "callback" | "status"; url: string; body: string; authorization?: string; }
/** Infobip number-masking credentials. */
export interface MaskingCredentials { apiId: string; key: string; }
export interface Verified { valid: true; apiId: string; kind: "callback" | "status"; }
export interface Signed { authorization: string; signedBody: string; }
export type Fallback = { action: "dial"; number: string } | ({ action: "audio" } & AudioSource);
export interface Participant { number: string; proxy: string; pin_hash?: string; }
/** Who reads stored data: the worker's principal. */
export interface Viewer { role?: string; unmask?: boolean; }
export interface Session {
  id: string; status: "open" | "closed" | "expired"; expires_at: number | null; participants: [Participant, Participant];
  announcements?: Announcements; recording?: RecordingFlags; client_reference_id?: string; fallback?: Fallback;
  closed_at?: number; hold_numbers?: boolean;
}
/** A new session to allocate: `proxy` optional (given = pinned), `ttl_seconds` instead of `expires_at` allowed. */
export interface SessionRequest {
  id: string; expires_at?: number | null; ttl_seconds?: number; hold_numbers?: boolean;
  participants: [{ number: string; proxy?: string; pin?: string }, { number: string; proxy?: string; pin?: string }]; announcements?: Announcements; recording?: Partial<RecordingFlags>;
  client_reference_id?: string; fallback?: Fallback;
}
export type DisplayPolicy =
  | { policy: "random"; length?: number; unmask_roles?: string[] }
  | { policy: "replacement"; show_first: number; show_last: number; unmask_roles?: string[] };
export interface MaskingConfig {
  not_allowed: AudioSource; closed_fallback?: Fallback | null;
  allocation?: { geo_match?: "off" | "country" | "area_code"; sticky?: boolean; cooloff_seconds?: number;
    max_participants_per_number?: number | null; default_ttl_seconds?: number | null };
  display?: Record<string, DisplayPolicy>;
  pin?: { prompt: AudioSource; max_length?: number; timeout_ms?: number; digit_timeout_ms?: number; terminator?: string;
    max_attempts?: number; unknown_callers?: boolean; per_caller?: number; per_proxy?: number; window_seconds?: number };
  withheld?: "not_allowed" | "pin"; replay_window_seconds?: number;
  records?: { display?: string; store_masked?: boolean };
}
export interface PoolNumber { number: string; country?: string; area_code?: string;
  excluded_from_allocation?: boolean; held_for_session?: string; last_released_at?: number | null; }
/** What a `MaskingState` is built from; `webhook` enables `handleCallback`, `pool` feeds `allocate`. */
export interface MaskingInit { config: MaskingConfig; sessions: Session[]; pool?: PoolNumber[];
  webhook?: { url?: string; status_url?: string; apiId: string; key: string }; secret?: string;
  counters?: { key: string; count: number; since: number }[]; }
export interface TraceStep { rule: string; outcome: string; detail: string; }
export interface Routing { outcome: "connect" | "closed" | "expired" | "unknown" | "conflict" | "withheld"
    | "pin_prompt" | "pin_join" | "pin_refused";
  session_id: string | null; response: CallbackResponse; trace: TraceStep[]; }
export interface Allocation { session: Session; trace: TraceStep[]; }
export interface Displayed { display: string; masked: boolean; reason: "unmask_role" | "random" | "replacement"; }
export interface PoolSizing { max_sessions_per_participant: number; peak_concurrent_calls?: number;
  calls_per_hour?: number; average_call_seconds?: number; channels_per_number?: number;
  live_participants?: number; max_participants_per_number?: number; headroom_percent?: number; }
export interface PoolSize { numbers: number; by_uniqueness: number; by_call_capacity: number | null;
  by_participant_cap: number | null; peak_concurrent_calls: number | null;
  binding: "uniqueness" | "call_capacity" | "participant_cap"; }
"#;

/// A JS value as JSON (`undefined`, functions and symbols read as `null`, as `JSON.stringify` has them).
fn from_js(field: &str, v: &JsValue) -> Result<Value, js_sys::Error> {
    let text = js_sys::JSON::stringify(v)
        .map_err(|_| into_error(Error::new(field, "invalid_type", "not representable as JSON")))?;
    match text.as_string() {
        None => Ok(Value::Null),
        Some(t) => {
            serde_json::from_str(&t).map_err(|e| into_error(Error::new(field, "invalid_type", e.to_string())))
        }
    }
}

/// A Rust value as a plain JS value, through JSON text.
fn to_js<T: serde::Serialize>(v: &T) -> Result<JsValue, js_sys::Error> {
    let text =
        serde_json::to_string(v).map_err(|e| into_error(Error::new("result", "internal", e.to_string())))?;
    js_sys::JSON::parse(&text).map_err(|_| into_error(Error::new("result", "internal", "JSON.parse failed")))
}

/// Calls the JSON face's `function` with the JS arguments converted to JSON.
fn call<const N: usize>(function: &str, args: [JsValue; N]) -> Result<JsValue, js_sys::Error> {
    let mut values = Vec::with_capacity(N);
    for (i, a) in args.iter().enumerate() {
        values.push(from_js(&format!("args[{i}]"), a)?);
    }
    to_js(&crate::exports::call(function, &values).map_err(into_error)?)
}

/// Checks an Infobip `Authorization` header on the raw body (constant-time); throws `authorization` errors.
#[wasm_bindgen(js_name = verifySignature, unchecked_return_type = "Verified")]
pub fn verify_signature(
    #[wasm_bindgen(unchecked_param_type = "WebhookRequest")] request: JsValue,
    #[wasm_bindgen(unchecked_param_type = "MaskingCredentials")] credentials: JsValue,
) -> Result<JsValue, js_sys::Error> {
    call("verifySignature", [request, credentials])
}

/// Computes the `Authorization` header Infobip sends with a body (tests, the admin page's debugging tool).
#[wasm_bindgen(js_name = signWebhook, unchecked_return_type = "Signed")]
pub fn sign_webhook(
    #[wasm_bindgen(unchecked_param_type = "WebhookRequest")] request: JsValue,
    #[wasm_bindgen(unchecked_param_type = "MaskingCredentials")] credentials: JsValue,
) -> Result<JsValue, js_sys::Error> {
    call("signWebhook", [request, credentials])
}

/// Reads a callback request (raw body text or parsed object).
#[wasm_bindgen(js_name = parseCallback, unchecked_return_type = "CallbackRequest")]
pub fn parse_callback(
    #[wasm_bindgen(unchecked_param_type = "string | object")] body: JsValue,
) -> Result<JsValue, js_sys::Error> {
    call("parseCallback", [body])
}

/// Reads a status message (raw body text or parsed object).
#[wasm_bindgen(js_name = parseStatus, unchecked_return_type = "StatusMessage")]
pub fn parse_status(
    #[wasm_bindgen(unchecked_param_type = "string | object")] body: JsValue,
) -> Result<JsValue, js_sys::Error> {
    call("parseStatus", [body])
}

/// Checks a callback response against Infobip's schema and returns it normalised.
#[wasm_bindgen(js_name = parseCallbackResponse, unchecked_return_type = "CallbackResponse")]
pub fn parse_callback_response(
    #[wasm_bindgen(unchecked_param_type = "string | object")] response: JsValue,
) -> Result<JsValue, js_sys::Error> {
    call("parseCallbackResponse", [response])
}

/// Routes one callback given the whole state (for previews; a worker keeps a `MaskingState` instead).
#[wasm_bindgen(js_name = routeCallback, unchecked_return_type = "Routing")]
pub fn route_callback(
    #[wasm_bindgen(unchecked_param_type = "MaskingConfig")] config: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Session[]")] sessions: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string | object")] callback: JsValue,
    now: f64,
) -> Result<JsValue, js_sys::Error> {
    call("routeCallback", [config, sessions, callback, now.into()])
}

/// Allocates proxy numbers for a new session (pure: store the returned session, then `upsert` it).
#[wasm_bindgen(js_name = allocateSession, unchecked_return_type = "Allocation")]
pub fn allocate_session(
    #[wasm_bindgen(unchecked_param_type = "MaskingConfig")] config: JsValue,
    #[wasm_bindgen(unchecked_param_type = "PoolNumber[]")] pool: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Session[]")] sessions: JsValue,
    #[wasm_bindgen(unchecked_param_type = "SessionRequest")] request: JsValue,
    now: f64,
) -> Result<JsValue, js_sys::Error> {
    call("allocateSession", [config, pool, sessions, request, now.into()])
}

/// What a viewer with `role` sees of `number` under a display policy; `secret` keys random tokens.
#[wasm_bindgen(js_name = maskNumber, unchecked_return_type = "Displayed")]
pub fn mask_number(
    #[wasm_bindgen(unchecked_param_type = "DisplayPolicy")] policy: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] number: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string | null | undefined")] role: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string | null | undefined")] secret: JsValue,
) -> Result<JsValue, js_sys::Error> {
    call("maskNumber", [policy, number, role, secret])
}

/// Numbers a pool needs for a peak load.
#[wasm_bindgen(js_name = poolSize, unchecked_return_type = "PoolSize")]
pub fn pool_size(
    #[wasm_bindgen(unchecked_param_type = "PoolSizing")] sizing: JsValue,
) -> Result<JsValue, js_sys::Error> {
    call("poolSize", [sizing])
}

/// Validates a proxy-number pool; throws with every problem (`problems`), returns it as the allocator reads it.
#[wasm_bindgen(js_name = validatePool, unchecked_return_type = "PoolNumber[]")]
pub fn validate_pool(
    #[wasm_bindgen(unchecked_param_type = "PoolNumber[]")] pool: JsValue,
) -> Result<JsValue, js_sys::Error> {
    call("validatePool", [pool])
}

/// Validates a masking configuration; throws with every problem (`problems`), returns it with defaults.
#[wasm_bindgen(js_name = validateMaskingConfig, unchecked_return_type = "MaskingConfig")]
pub fn validate_masking_config(
    #[wasm_bindgen(unchecked_param_type = "MaskingConfig")] config: JsValue,
) -> Result<JsValue, js_sys::Error> {
    call("validateMaskingConfig", [config])
}

/// A string argument, checked here: a `&str` parameter would read any other JS value as garbage.
fn text(field: &str, v: &JsValue) -> Result<String, js_sys::Error> {
    v.as_string().ok_or_else(|| into_error(Error::new(field, "invalid_type", "expected a string")))
}

fn epoch(now: f64) -> Result<i64, js_sys::Error> {
    crate::exports::masking::now_arg(&[serde_json::json!(now)], 0).map_err(into_error)
}

/// Sessions indexed once by (participant, proxy), kept in the module: `route` is one hash lookup.
#[wasm_bindgen(js_name = MaskingState)]
pub struct MaskingState {
    inner: crate::masking::MaskingState,
}

#[wasm_bindgen(js_class = MaskingState)]
impl MaskingState {
    /// Builds the state from `{config, sessions}`; throws with every problem found.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "{ config: MaskingConfig; sessions: Session[] }")]
        init: JsValue,
    ) -> Result<MaskingState, js_sys::Error> {
        let v = from_js("init", &init)?;
        let inner = crate::exports::masking::state_from_init(&v).map_err(into_error)?;
        Ok(MaskingState { inner })
    }

    /// Builds the state from the JSON text of `{config, sessions, webhook?}`: much faster than passing
    /// objects for large session lists (one string crosses the boundary instead of an object tree).
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
    ) -> Result<MaskingState, js_sys::Error> {
        let text = self::text("text", &text)?;
        let v: Value = crate::masking::json::parse_body(&text)
            .map_err(|e| into_error(Error { field: "text".into(), ..e }))?;
        let inner = crate::exports::masking::state_from_init(&v).map_err(into_error)?;
        Ok(MaskingState { inner })
    }

    /// The worker's hot path: verifies the `Authorization` header on the raw body with the `webhook` given
    /// at construction, routes the callback at `now`, and returns the `Routing` as JSON text (its `response`
    /// member is the body to send back to Infobip). Throws `authorization` errors on a bad signature.
    #[wasm_bindgen(js_name = handleCallback)]
    pub fn handle_callback(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] body: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string | null | undefined")] authorization: JsValue,
        now: f64,
    ) -> Result<String, js_sys::Error> {
        let body = text("body", &body)?;
        let header = if authorization.is_null() || authorization.is_undefined() {
            String::new()
        } else {
            text("authorization", &authorization)?
        };
        Ok(self.inner.handle_callback(&body, &header, epoch(now)?).map_err(into_error)?.to_json())
    }

    /// Routes a callback body (raw text, already verified) at `now` (epoch seconds).
    #[wasm_bindgen(unchecked_return_type = "Routing")]
    pub fn route(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] body: JsValue,
        now: f64,
    ) -> Result<JsValue, js_sys::Error> {
        let body = text("body", &body)?;
        to_js(&self.inner.route_body(&body, epoch(now)?).map_err(into_error)?)
    }

    /// Allocates proxy numbers for a new session (not added: `upsert` it once stored), from `pool`, or, when
    /// `pool` is `null`, from the pool the state holds (`init.pool` / `setPool`: not re-read on every call).
    #[wasm_bindgen(unchecked_return_type = "Allocation")]
    pub fn allocate(
        &self,
        #[wasm_bindgen(unchecked_param_type = "PoolNumber[] | null")] pool: JsValue,
        #[wasm_bindgen(unchecked_param_type = "SessionRequest")] request: JsValue,
        now: f64,
    ) -> Result<JsValue, js_sys::Error> {
        let request = from_js("request", &request)?;
        let now = epoch(now)?;
        let allocation = if pool.is_null() || pool.is_undefined() {
            self.inner.allocate(&request, now)
        } else {
            let pool = crate::masking::read_pool(&from_js("pool", &pool)?).map_err(into_error)?;
            self.inner.allocate_from(&pool, &request, now)
        };
        to_js(&allocation.map_err(into_error)?)
    }

    /// Replaces the pool (after recording `last_released_at` when sessions close).
    #[wasm_bindgen(js_name = setPool)]
    pub fn set_pool(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "PoolNumber[]")] pool: JsValue,
    ) -> Result<(), js_sys::Error> {
        let pool = crate::masking::read_pool(&from_js("pool", &pool)?).map_err(into_error)?;
        self.inner.set_pool(pool);
        Ok(())
    }

    /// Adds a session or replaces the one with its id (closing = replacing with `status: "closed"`).
    pub fn upsert(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Session")] session: JsValue,
    ) -> Result<(), js_sys::Error> {
        let v = from_js("session", &session)?;
        let s = crate::masking::session::read_one_session(&v, "session").map_err(into_error)?;
        self.inner.upsert(s).map_err(|e: Error| into_error(e.under("session")))
    }

    /// Number of sessions held.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> usize {
        self.inner.sessions().len()
    }

    /// Creates a session (allocation, duplicate-id rule, PIN hashing) and adds it: store the returned session.
    #[wasm_bindgen(js_name = createSession, unchecked_return_type = "Allocation")]
    pub fn create_session(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "SessionRequest")] request: JsValue,
        now: f64,
    ) -> Result<JsValue, js_sys::Error> {
        let request = from_js("request", &request)?;
        to_js(&self.inner.create_session(&request, epoch(now)?).map_err(into_error)?)
    }

    /// Closes a session at `now` (its proxies start their cool-off); store the session when `changed`.
    #[wasm_bindgen(js_name = closeSession, unchecked_return_type = "{ session: Session; changed: boolean }")]
    pub fn close_session(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
        now: f64,
    ) -> Result<JsValue, js_sys::Error> {
        let id = text("id", &id)?;
        to_js(&self.inner.close_session(&id, epoch(now)?).map_err(into_error)?)
    }

    /// The sessions as `viewer` reads them at `now` (state derived, numbers masked unless unmask).
    #[wasm_bindgen(js_name = sessionViews, unchecked_return_type = "Session[]")]
    pub fn session_views(
        &self,
        #[wasm_bindgen(unchecked_param_type = "\"open\" | \"closed\" | \"expired\" | null")] status: JsValue,
        now: f64,
        #[wasm_bindgen(unchecked_param_type = "Viewer | null")] viewer: JsValue,
    ) -> Result<JsValue, js_sys::Error> {
        let args = [from_js("status", &status)?, serde_json::json!(now), from_js("viewer", &viewer)?];
        let filter = crate::exports::masking::state_filter(&args, 0).map_err(into_error)?;
        let viewer = crate::exports::masking::viewer(&args, 2).map_err(into_error)?;
        to_js(&self.inner.session_views(filter, epoch(now)?, &viewer))
    }

    /// A signed callback end to end (verify, replay check, route): returns the `CallbackResult` as JSON text.
    /// `prior` is a function from a replay key to the stored record's JSON text (or `null`), or an object of
    /// records by replay key.
    pub fn callback(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] body: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string | null | undefined")] authorization: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string | null")] url: JsValue,
        now: f64,
        #[wasm_bindgen(
            unchecked_param_type = "((key: string) => string | null) | Record<string, unknown> | null"
        )]
        prior: JsValue,
    ) -> Result<JsValue, js_sys::Error> {
        let body = text("body", &body)?;
        let header = if authorization.is_null() || authorization.is_undefined() {
            String::new()
        } else {
            text("authorization", &authorization)?
        };
        let url = if url.is_null() || url.is_undefined() { None } else { Some(text("url", &url)?) };
        let table = if prior.is_function() { Value::Null } else { from_js("prior", &prior)? };
        let lookup_fn = prior.dyn_ref::<js_sys::Function>().cloned();
        let mut lookup = |key: &str| -> Option<Value> {
            match &lookup_fn {
                Some(f) => {
                    let found = f.call1(&JsValue::NULL, &JsValue::from_str(key)).ok()?;
                    serde_json::from_str(&found.as_string()?).ok()
                }
                None => table.get(key).cloned(),
            }
        };
        let result = self.inner.callback(&body, &header, url.as_deref(), epoch(now)?, &mut lookup);
        to_js(&result.map_err(into_error)?)
    }

    /// A signed status message: verified, read, keyed (`{key, status}`).
    #[wasm_bindgen(js_name = statusRecord, unchecked_return_type = "{ key: string; status: StatusMessage }")]
    pub fn status_record(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] body: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string | null | undefined")] authorization: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string | null")] url: JsValue,
    ) -> Result<JsValue, js_sys::Error> {
        let body = text("body", &body)?;
        let header = if authorization.is_null() || authorization.is_undefined() {
            String::new()
        } else {
            text("authorization", &authorization)?
        };
        let url = if url.is_null() || url.is_undefined() { None } else { Some(text("url", &url)?) };
        to_js(&self.inner.status_record(&body, &header, url.as_deref()).map_err(into_error)?)
    }

    /// Stored log rows as `viewer` reads them (numbers masked unless unmask, stored responses left out).
    #[wasm_bindgen(js_name = viewRecords)]
    pub fn view_records(
        &self,
        #[wasm_bindgen(unchecked_param_type = "object[]")] records: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Viewer | null")] viewer: JsValue,
    ) -> Result<JsValue, js_sys::Error> {
        let records = from_js("records", &records)?;
        let viewer =
            crate::exports::masking::viewer(&[from_js("viewer", &viewer)?], 0).map_err(into_error)?;
        to_js(&self.inner.view_records(&records, &viewer).map_err(into_error)?)
    }
}

/// Checks credentials as Infobip issues them (alphanumeric apiId and key, at most 80 characters; absolute
/// http(s) callback and status URLs) and returns them as stored.
#[wasm_bindgen(js_name = validateCredentials)]
pub fn validate_credentials(
    #[wasm_bindgen(
        unchecked_param_type = "MaskingCredentials & { callbackUrl?: string; statusUrl?: string }"
    )]
    credentials: JsValue,
) -> Result<JsValue, js_sys::Error> {
    call("validateCredentials", [credentials])
}
