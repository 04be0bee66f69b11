//! The number-masking exports (see the parent module for the convention). `MaskingState` keeps the indexed
//! sessions inside the module, so a worker routes each callback without re-sending 10k sessions.

use super::{args, into_error, out};
use crate::exports::masking as exports;
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
export interface CallbackRequest { from: string | null; to: string; nmCorrelationId?: string; correlationId?: string;
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
/** A session as the core returns it (allocated, validated). */
export interface Session {
  id: string; status: "open" | "closed"; expires_at: number | null; participants: [Participant, Participant];
  announcements?: Announcements; recording?: RecordingFlags; client_reference_id?: string; fallback?: Fallback;
  closed_at?: number; hold_numbers?: boolean;
}
/** A session as a reader sees it (`sessionViews`): its state at the time asked, numbers masked unless the
 * viewer may unmask, `pin: true` instead of the PIN hash. */
export interface SessionView {
  id: string; status: "open" | "closed" | "expired"; expires_at: number | null;
  participants: [{ number: string; proxy: string; pin?: true }, { number: string; proxy: string; pin?: true }];
  announcements?: Announcements; recording?: RecordingFlags; client_reference_id?: string; fallback?: Fallback;
  closed_at?: number; hold_numbers?: boolean;
}
/** A session as given to the core: `status` defaults to "open", `expires_at` to no expiry. */
export interface SessionInput {
  id: string; status?: "open" | "closed"; expires_at?: number | null; participants: [Participant, Participant];
  announcements?: Announcements; recording?: Partial<RecordingFlags>; client_reference_id?: string;
  fallback?: Fallback; closed_at?: number | null; hold_numbers?: boolean;
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
  pin?: { prompt: AudioSource; max_length?: number; timeout_ms?: number; digit_timeout_ms?: number | null;
    terminator?: string; max_attempts?: number; unknown_callers?: boolean; per_caller?: number; per_proxy?: number;
    window_seconds?: number } | null;
  withheld?: "not_allowed" | "pin"; replay_window_seconds?: number;
  records?: { display?: string | null; store_masked?: boolean };
}
/** A pool number as given: `country` and `area_code` help geographic matching; `reserved` is the old name of
 * `excluded_from_allocation`, still read. */
export interface PoolNumber { number: string; country?: string | null; area_code?: string | null;
  excluded_from_allocation?: boolean; reserved?: boolean; held_for_session?: string | null;
  last_released_at?: number | null; }
/** A pool number as the allocator reads it (`validatePool`). */
export interface PoolEntry { number: string; country: string | null; area_code: string | null;
  excluded_from_allocation: boolean; held_for_session?: string; last_released_at: number | null; }
/** What a `MaskingState` is built from; `webhook` enables the webhook methods, `pool` feeds `allocate(null, …)`. */
export interface MaskingInit { config: MaskingConfig; sessions: SessionInput[]; pool?: PoolNumber[];
  webhook?: { url?: string; status_url?: string; apiId: string; key: string }; secret?: string;
  counters?: { key: string; count: number; since: number }[]; }
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

/// Checks an Infobip `Authorization` header on the raw body (constant-time); throws `authorization` errors.
#[wasm_bindgen(js_name = verifySignature, unchecked_return_type = "Verified")]
pub fn verify_signature(
    #[wasm_bindgen(unchecked_param_type = "WebhookRequest")] request: JsValue,
    #[wasm_bindgen(unchecked_param_type = "MaskingCredentials")] credentials: JsValue,
) -> Result<JsValue, js_sys::Error> {
    out(exports::verify_signature(&args(&[("request", &request), ("credentials", &credentials)])?))
}

/// Computes the `Authorization` header Infobip sends with a body (tests, the admin page's debugging tool).
#[wasm_bindgen(js_name = signWebhook, unchecked_return_type = "Signed")]
pub fn sign_webhook(
    #[wasm_bindgen(unchecked_param_type = "WebhookRequest")] request: JsValue,
    #[wasm_bindgen(unchecked_param_type = "MaskingCredentials")] credentials: JsValue,
) -> Result<JsValue, js_sys::Error> {
    out(exports::sign_webhook(&args(&[("request", &request), ("credentials", &credentials)])?))
}

/// Reads a callback request (raw body text or parsed object).
#[wasm_bindgen(js_name = parseCallback, unchecked_return_type = "CallbackRequest")]
pub fn parse_callback(
    #[wasm_bindgen(unchecked_param_type = "string | object")] body: JsValue,
) -> Result<JsValue, js_sys::Error> {
    out(exports::parse_callback(&args(&[("body", &body)])?))
}

/// Reads a status message (raw body text or parsed object).
#[wasm_bindgen(js_name = parseStatus, unchecked_return_type = "StatusMessage")]
pub fn parse_status(
    #[wasm_bindgen(unchecked_param_type = "string | object")] body: JsValue,
) -> Result<JsValue, js_sys::Error> {
    out(exports::parse_status(&args(&[("body", &body)])?))
}

/// Checks a callback response against Infobip's schema and returns it normalised.
#[wasm_bindgen(js_name = parseCallbackResponse, unchecked_return_type = "CallbackResponse")]
pub fn parse_callback_response(
    #[wasm_bindgen(unchecked_param_type = "string | object")] response: JsValue,
) -> Result<JsValue, js_sys::Error> {
    out(exports::parse_callback_response(&args(&[("response", &response)])?))
}

/// Routes one callback given the whole state (for previews; a worker keeps a `MaskingState` instead).
#[wasm_bindgen(js_name = routeCallback, unchecked_return_type = "Routing")]
pub fn route_callback(
    #[wasm_bindgen(unchecked_param_type = "MaskingConfig")] config: JsValue,
    #[wasm_bindgen(unchecked_param_type = "SessionInput[]")] sessions: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string | object")] callback: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] now: JsValue,
) -> Result<JsValue, js_sys::Error> {
    let named = [("config", &config), ("sessions", &sessions), ("callback", &callback), ("now", &now)];
    out(exports::route_callback(&args(&named)?))
}

/// Allocates proxy numbers for a new session (pure: store the returned session, then `upsert` it).
#[wasm_bindgen(js_name = allocateSession, unchecked_return_type = "Allocation")]
pub fn allocate_session(
    #[wasm_bindgen(unchecked_param_type = "MaskingConfig")] config: JsValue,
    #[wasm_bindgen(unchecked_param_type = "PoolNumber[]")] pool: JsValue,
    #[wasm_bindgen(unchecked_param_type = "SessionInput[]")] sessions: JsValue,
    #[wasm_bindgen(unchecked_param_type = "SessionRequest")] request: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] now: JsValue,
) -> Result<JsValue, js_sys::Error> {
    let named =
        [("config", &config), ("pool", &pool), ("sessions", &sessions), ("request", &request), ("now", &now)];
    out(exports::allocate_session(&args(&named)?))
}

/// What a viewer with `role` sees of `number` under a display policy; `secret` keys random tokens.
#[wasm_bindgen(js_name = maskNumber, unchecked_return_type = "Displayed")]
pub fn mask_number(
    #[wasm_bindgen(unchecked_param_type = "DisplayPolicy")] policy: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] number: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string | null | undefined")] role: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string | null | undefined")] secret: JsValue,
) -> Result<JsValue, js_sys::Error> {
    let named = [("policy", &policy), ("number", &number), ("role", &role), ("secret", &secret)];
    out(exports::mask_number(&args(&named)?))
}

/// Numbers a pool needs for a peak load.
#[wasm_bindgen(js_name = poolSize, unchecked_return_type = "PoolSize")]
pub fn pool_size(
    #[wasm_bindgen(unchecked_param_type = "PoolSizing")] sizing: JsValue,
) -> Result<JsValue, js_sys::Error> {
    out(exports::pool_size(&args(&[("sizing", &sizing)])?))
}

/// Validates a proxy-number pool; throws with every problem (`problems`), returns it as the allocator reads it.
#[wasm_bindgen(js_name = validatePool, unchecked_return_type = "PoolEntry[]")]
pub fn validate_pool(
    #[wasm_bindgen(unchecked_param_type = "PoolNumber[]")] pool: JsValue,
) -> Result<JsValue, js_sys::Error> {
    out(exports::validate_pool(&args(&[("pool", &pool)])?))
}

/// Validates a masking configuration; throws with every problem (`problems`), returns it with defaults.
#[wasm_bindgen(js_name = validateMaskingConfig, unchecked_return_type = "MaskingConfig")]
pub fn validate_masking_config(
    #[wasm_bindgen(unchecked_param_type = "MaskingConfig")] config: JsValue,
) -> Result<JsValue, js_sys::Error> {
    out(exports::validate_masking_config(&args(&[("config", &config)])?))
}

/// Sessions indexed once by (participant, proxy), kept in the module: `route` is one hash lookup.
#[wasm_bindgen(js_name = MaskingState)]
pub struct MaskingState(crate::masking::MaskingState);

#[wasm_bindgen(js_class = MaskingState)]
impl MaskingState {
    /// Builds the state from `{config, sessions, pool?, webhook?}`; throws with every problem found.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "MaskingInit")] init: JsValue,
    ) -> Result<MaskingState, js_sys::Error> {
        Ok(MaskingState(exports::state(&args(&[("init", &init)])?).map_err(into_error)?))
    }

    /// Verifies the `Authorization` header on the raw body with the `webhook` given at construction, routes
    /// the callback at `now`, and returns the `Routing` as JSON text (its `response` member is the body to send
    /// back to Infobip). Throws `authorization` errors on a bad signature.
    #[wasm_bindgen(js_name = handleCallback)]
    pub fn handle_callback(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] body: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string | null | undefined")] authorization: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] now: JsValue,
    ) -> Result<JsValue, js_sys::Error> {
        let named = [("body", &body), ("authorization", &authorization), ("now", &now)];
        out(exports::state_handle_callback(&self.0, &args(&named)?))
    }

    /// Routes a callback body (raw text, already verified) at `now` (epoch seconds).
    #[wasm_bindgen(unchecked_return_type = "Routing")]
    pub fn route(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] body: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] now: JsValue,
    ) -> Result<JsValue, js_sys::Error> {
        out(exports::state_route(&self.0, &args(&[("body", &body), ("now", &now)])?))
    }

    /// Allocates proxy numbers for a new session (not added: `upsert` it once stored), from `pool`, or, when
    /// `pool` is `null`, from `init.pool`.
    #[wasm_bindgen(unchecked_return_type = "Allocation")]
    pub fn allocate(
        &self,
        #[wasm_bindgen(unchecked_param_type = "PoolNumber[] | null")] pool: JsValue,
        #[wasm_bindgen(unchecked_param_type = "SessionRequest")] request: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] now: JsValue,
    ) -> Result<JsValue, js_sys::Error> {
        out(exports::state_allocate(
            &self.0,
            &args(&[("pool", &pool), ("request", &request), ("now", &now)])?,
        ))
    }

    /// Adds a session or replaces the one with its id (closing = replacing with `status: "closed"`).
    pub fn upsert(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "SessionInput")] session: JsValue,
    ) -> Result<(), js_sys::Error> {
        exports::state_upsert(&mut self.0, &args(&[("session", &session)])?).map_err(into_error)
    }

    /// Number of sessions held.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> usize {
        self.0.sessions().len()
    }

    /// Creates a session (allocation, duplicate-id rule, PIN hashing) and adds it: store the returned session.
    #[wasm_bindgen(js_name = createSession, unchecked_return_type = "Allocation")]
    pub fn create_session(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "SessionRequest")] request: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] now: JsValue,
    ) -> Result<JsValue, js_sys::Error> {
        out(exports::state_create_session(&mut self.0, &args(&[("request", &request), ("now", &now)])?))
    }

    /// Closes a session at `now` (its proxies start their cool-off); store the session when `changed`.
    #[wasm_bindgen(js_name = closeSession, unchecked_return_type = "{ session: Session; changed: boolean }")]
    pub fn close_session(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] now: JsValue,
    ) -> Result<JsValue, js_sys::Error> {
        out(exports::state_close_session(&mut self.0, &args(&[("id", &id), ("now", &now)])?))
    }

    /// The sessions as `viewer` reads them at `now` (state derived, numbers masked unless unmask).
    #[wasm_bindgen(js_name = sessionViews, unchecked_return_type = "SessionView[]")]
    pub fn session_views(
        &self,
        #[wasm_bindgen(unchecked_param_type = "\"open\" | \"closed\" | \"expired\" | null")] status: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] now: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Viewer | null")] viewer: JsValue,
    ) -> Result<JsValue, js_sys::Error> {
        out(exports::state_session_views(
            &self.0,
            &args(&[("status", &status), ("now", &now), ("viewer", &viewer)])?,
        ))
    }

    /// A signed callback end to end (verify, replay check, route): `{response, replayed, refused, record,
    /// counters}`. `prior` is a function from a replay key to the stored record's JSON text (or `null`), or an
    /// object of records by replay key.
    pub fn callback(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] body: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string | null | undefined")] authorization: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string | null")] url: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] now: JsValue,
        #[wasm_bindgen(
            unchecked_param_type = "((key: string) => string | null) | Record<string, unknown> | null"
        )]
        prior: JsValue,
    ) -> Result<JsValue, js_sys::Error> {
        let named = [("body", &body), ("authorization", &authorization), ("url", &url), ("now", &now)];
        let values = args(&named)?;
        match prior.dyn_ref::<js_sys::Function>() {
            Some(lookup) => {
                let mut find = |key: &str| -> Option<serde_json::Value> {
                    let found = lookup.call1(&JsValue::NULL, &JsValue::from_str(key)).ok()?;
                    serde_json::from_str(&found.as_string()?).ok()
                };
                out(exports::state_callback(&mut self.0, &values, &mut find))
            }
            None => {
                let mut with_records = values;
                with_records.extend(args(&[("prior", &prior)])?);
                out(exports::state_callback_with_records(&mut self.0, &with_records))
            }
        }
    }

    /// A signed status message: verified, read, keyed (`{key, status}`).
    #[wasm_bindgen(js_name = statusRecord, unchecked_return_type = "{ key: string; status: StatusMessage }")]
    pub fn status_record(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] body: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string | null | undefined")] authorization: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string | null")] url: JsValue,
    ) -> Result<JsValue, js_sys::Error> {
        let named = [("body", &body), ("authorization", &authorization), ("url", &url)];
        out(exports::state_status_record(&self.0, &args(&named)?))
    }

    /// Stored log rows as `viewer` reads them (numbers masked unless unmask, stored responses left out).
    #[wasm_bindgen(js_name = viewRecords)]
    pub fn view_records(
        &self,
        #[wasm_bindgen(unchecked_param_type = "object[]")] records: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Viewer | null")] viewer: JsValue,
    ) -> Result<JsValue, js_sys::Error> {
        out(exports::state_view_records(&self.0, &args(&[("records", &records), ("viewer", &viewer)])?))
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
    out(exports::validate_credentials(&args(&[("credentials", &credentials)])?))
}
