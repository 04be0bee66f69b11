//! The console's exports (see the parent module for the convention): the what-if replay, in one call or as a
//! `Replay` fed in chunks, and the pool's states over time.

use super::{args, into_error, out};
use crate::error::Error;
use crate::exports::console as exports;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const CONSOLE_TS: &'static str = r#"
export type ReplayVerdict = "allowed" | "rejected433" | "rejected603" | "not_screened";
export interface ReplayOutcome { verdict: ReplayVerdict; rule: string | null; caller_name: string; caller_number: string; }
export interface ReplayCounts { allowed: number; rejected_433: number; rejected_603: number; not_screened: number; }
export interface ReplayOptions { bucket_seconds?: number; max_changed?: number; account?: string; }
/** The rows a replay asks its caller for: those of `lists` whose key is one of `keys` (synchronous). */
export type FetchRows = (lists: string[], keys: string[]) => ListRow[];
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
/// the outcomes per time bucket. With `rows` (stored list rows), each call is decided from rows as `/decide`
/// decides it. Throws with every problem of the policies, options or rows, or the header's.
#[wasm_bindgen(unchecked_return_type = "ReplayReport")]
pub fn replay(
    #[wasm_bindgen(unchecked_param_type = "PolicyInput")] baseline: JsValue,
    #[wasm_bindgen(unchecked_param_type = "PolicyInput")] candidate: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] log: JsValue,
    #[wasm_bindgen(unchecked_param_type = "ReplayOptions | null | undefined")] options: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "ListRow[] | null")] rows: JsValue,
) -> Result<JsValue, js_sys::Error> {
    out(exports::replay(&args(&[
        ("baseline", &baseline),
        ("candidate", &candidate),
        ("log", &log),
        ("options", &options),
        ("rows", &rows),
    ])?))
}

/// A JS `fetchRows(lists, keys)` as the replay's row source: called synchronously, its answer checked as
/// `decideRows` checks rows. A throw or a bad row ends the replay (field `fetchRows`).
struct JsRows<'f>(&'f js_sys::Function);

impl crate::replay::RowSource for JsRows<'_> {
    fn rows(
        &mut self,
        lists: &[String],
        keys: &[String],
    ) -> Result<Vec<crate::screening::lookup::Row>, Error> {
        let strings = |v: &[String]| v.iter().map(|s| JsValue::from_str(s)).collect::<js_sys::Array>();
        let got = self.0.call2(&JsValue::NULL, &strings(lists), &strings(keys)).map_err(|e| {
            let why = js_sys::Reflect::get(&e, &"message".into()).ok().and_then(|m| m.as_string());
            Error::new("fetchRows", "failed", format!("the row source failed: {}", why.unwrap_or_default()))
        })?;
        let value = super::arg("fetchRows", &got)
            .map_err(|_| Error::new("fetchRows", "invalid_type", "expected an array of rows"))?;
        exports::fetched_rows(&value)
    }
}

/// The optional `fetchRows` argument: a function, or absent (`undefined`/`null`).
fn row_source(f: &JsValue) -> Result<Option<&js_sys::Function>, js_sys::Error> {
    if f.is_undefined() || f.is_null() {
        return Ok(None);
    }
    f.dyn_ref::<js_sys::Function>().map(Some).ok_or_else(|| {
        into_error(Error::new("fetchRows", "invalid_type", "expected a function (lists, keys) => rows"))
    })
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

    /// Reads the next chunk of the log; returns the progress so far. With `fetchRows` (the caller's storage,
    /// synchronous), each call is decided from the rows it returns for the lists the documents do not carry.
    #[wasm_bindgen(unchecked_return_type = "ReplayProgress")]
    pub fn feed(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] chunk: JsValue,
        #[wasm_bindgen(js_name = fetchRows, unchecked_optional_param_type = "FetchRows | null")]
        fetch_rows: JsValue,
    ) -> Result<JsValue, js_sys::Error> {
        let source = row_source(&fetch_rows)?;
        let r = self.0.as_mut().ok_or_else(|| into_error(finished()))?;
        let chunk = args(&[("chunk", &chunk)])?;
        match source {
            None => out(exports::replay_feed(r, &chunk, None)),
            Some(f) => out(exports::replay_feed(r, &chunk, Some(&mut JsRows(f)))),
        }
    }

    /// Ends the log and returns the report (the replay cannot be fed afterwards); `fetchRows` as for `feed`.
    #[wasm_bindgen(unchecked_return_type = "ReplayReport")]
    pub fn finish(
        &mut self,
        #[wasm_bindgen(js_name = fetchRows, unchecked_optional_param_type = "FetchRows | null")]
        fetch_rows: JsValue,
    ) -> Result<JsValue, js_sys::Error> {
        let source = row_source(&fetch_rows)?;
        let r = self.0.take().ok_or_else(|| into_error(finished()))?;
        match source {
            None => out(exports::replay_finish(r, None)),
            Some(f) => out(exports::replay_finish(r, Some(&mut JsRows(f)))),
        }
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
