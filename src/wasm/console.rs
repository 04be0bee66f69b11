//! The console's exports (see the parent module for the convention): the what-if replay, in one call or as a
//! `Replay` fed in chunks, and the pool's states over time.

use super::{args, into_error, out};
use crate::exports::console as exports;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const CONSOLE_TS: &'static str = r#"
export type ReplayVerdict = "allowed" | "rejected433" | "rejected603" | "not_screened";
export interface ReplayOutcome { verdict: ReplayVerdict; rule: string | null; caller_name: string; caller_number: string; }
export interface ReplayCounts { allowed: number; rejected_433: number; rejected_603: number; not_screened: number; }
export interface ReplayOptions { bucket_seconds?: number; max_changed?: number; account?: string; }
export interface ReplayProgress { lines: number; calls: number; changed: number; problems: number; }
export interface ReplayReport {
  calls: number; changed_total: number;
  changed: Array<{ line: number; time: number; event: CallEvent; before: ReplayOutcome; after: ReplayOutcome }>;
  before: ReplayCounts; after: ReplayCounts; bucket_seconds: number;
  buckets: Array<{ start: number; before: ReplayCounts; after: ReplayCounts }>;
  problems_total: number; problems: Problem[];
}
export interface PoolStates { at: number; in_use: number; reserved: number; cooling_off: number; free: number; }
"#;

/// Replays a whole call log (CSV text) under `baseline` and `candidate`: the calls whose outcome changes and
/// the outcomes per time bucket. Throws with every problem of the policies or options, or the header's.
#[wasm_bindgen(unchecked_return_type = "ReplayReport")]
pub fn replay(
    #[wasm_bindgen(unchecked_param_type = "PolicyInput")] baseline: JsValue,
    #[wasm_bindgen(unchecked_param_type = "PolicyInput")] candidate: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] log: JsValue,
    #[wasm_bindgen(unchecked_param_type = "ReplayOptions | null | undefined")] options: JsValue,
) -> Result<JsValue, js_sys::Error> {
    out(exports::replay(&args(&[
        ("baseline", &baseline),
        ("candidate", &candidate),
        ("log", &log),
        ("options", &options),
    ])?))
}

/// A replay fed in chunks (any split of the text), for logs too large to hold at once and for progress.
#[wasm_bindgen(js_name = Replay)]
pub struct Replay(Option<crate::replay::Replay>);

#[wasm_bindgen(js_class = Replay)]
impl Replay {
    /// Compiles both policies; throws with every problem (`baseline.…`, `candidate.…`, `options.…`).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "PolicyInput")] baseline: JsValue,
        #[wasm_bindgen(unchecked_param_type = "PolicyInput")] candidate: JsValue,
        #[wasm_bindgen(unchecked_param_type = "ReplayOptions | null | undefined")] options: JsValue,
    ) -> Result<Replay, js_sys::Error> {
        let r = exports::replay_new(&args(&[
            ("baseline", &baseline),
            ("candidate", &candidate),
            ("options", &options),
        ])?)
        .map_err(into_error)?;
        Ok(Replay(Some(r)))
    }

    /// Reads the next chunk of the log; returns the progress so far.
    #[wasm_bindgen(unchecked_return_type = "ReplayProgress")]
    pub fn feed(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] chunk: JsValue,
    ) -> Result<JsValue, js_sys::Error> {
        let r = self.0.as_mut().ok_or_else(|| into_error(finished()))?;
        out(exports::replay_feed(r, &args(&[("chunk", &chunk)])?))
    }

    /// Ends the log and returns the report (the replay cannot be fed afterwards).
    #[wasm_bindgen(unchecked_return_type = "ReplayReport")]
    pub fn finish(&mut self) -> Result<JsValue, js_sys::Error> {
        out(exports::replay_finish(self.0.take().ok_or_else(|| into_error(finished()))?))
    }
}

fn finished() -> crate::error::Error {
    crate::error::Error::new("replay", "finished", "this replay has already finished")
}

/// The state of the pool's numbers (in use, reserved, cooling off, free) at each instant (epoch seconds).
#[wasm_bindgen(js_name = poolStates, unchecked_return_type = "PoolStates[]")]
pub fn pool_states(
    #[wasm_bindgen(unchecked_param_type = "MaskingConfig")] config: JsValue,
    #[wasm_bindgen(unchecked_param_type = "PoolNumber[]")] pool: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Session[]")] sessions: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number[]")] instants: JsValue,
) -> Result<JsValue, js_sys::Error> {
    out(exports::pool_states(&args(&[
        ("config", &config),
        ("pool", &pool),
        ("sessions", &sessions),
        ("instants", &instants),
    ])?))
}
