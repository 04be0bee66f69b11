//! WebAssembly exports of the what-if replay: the one-shot `replay` and the incremental `Replay` class (feed the
//! log in chunks, read progress, finish), both calling `crate::replay`.

use super::{into_error, json_arg, json_out};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const REPLAY_TS: &'static str = r#"
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
"#;

/// Replays a whole call log (CSV text) under `baseline` and `candidate`: the calls whose outcome changes and
/// the outcomes per time bucket. Throws with every problem of the policies or options, or the header's.
#[wasm_bindgen(unchecked_return_type = "ReplayReport")]
pub fn replay(
    #[wasm_bindgen(unchecked_param_type = "PolicyInput")] baseline: JsValue,
    #[wasm_bindgen(unchecked_param_type = "PolicyInput")] candidate: JsValue,
    log: &str,
    #[wasm_bindgen(unchecked_param_type = "ReplayOptions | undefined")] options: JsValue,
) -> Result<JsValue, js_sys::Error> {
    let options =
        if options.is_undefined() { serde_json::Value::Null } else { json_arg("options", options)? };
    let report = crate::replay::replay(
        &json_arg("baseline", baseline)?,
        &json_arg("candidate", candidate)?,
        log,
        &options,
    )
    .map_err(into_error)?;
    json_out(&report)
}

/// A replay fed in chunks (any split of the text), for logs too large to hold at once and for progress.
#[wasm_bindgen(js_name = Replay)]
pub struct WasmReplay(Option<crate::replay::Replay>);

#[wasm_bindgen(js_class = Replay)]
impl WasmReplay {
    /// Compiles both policies; throws with every problem (`baseline.…`, `candidate.…`, `options.…`).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "PolicyInput")] baseline: JsValue,
        #[wasm_bindgen(unchecked_param_type = "PolicyInput")] candidate: JsValue,
        #[wasm_bindgen(unchecked_param_type = "ReplayOptions | undefined")] options: JsValue,
    ) -> Result<WasmReplay, js_sys::Error> {
        let options =
            if options.is_undefined() { serde_json::Value::Null } else { json_arg("options", options)? };
        let r = crate::replay::Replay::new(
            &json_arg("baseline", baseline)?,
            &json_arg("candidate", candidate)?,
            &options,
        )
        .map_err(into_error)?;
        Ok(WasmReplay(Some(r)))
    }

    /// Reads the next chunk of the log; returns the progress so far.
    #[wasm_bindgen(unchecked_return_type = "ReplayProgress")]
    pub fn feed(&mut self, chunk: &str) -> Result<JsValue, js_sys::Error> {
        let r = self.0.as_mut().ok_or_else(|| into_error(finished()))?;
        json_out(&r.feed(chunk).map_err(into_error)?)
    }

    /// Ends the log and returns the report (the replay cannot be fed afterwards).
    #[wasm_bindgen(unchecked_return_type = "ReplayReport")]
    pub fn finish(&mut self) -> Result<JsValue, js_sys::Error> {
        let r = self.0.take().ok_or_else(|| into_error(finished()))?;
        json_out(&r.finish().map_err(into_error)?)
    }
}

fn finished() -> crate::error::Error {
    crate::error::Error::new("replay", "finished", "this replay has already finished")
}
