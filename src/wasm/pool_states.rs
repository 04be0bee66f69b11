//! WebAssembly export of the pool's states over time (`crate::masking::states`), for the console's chart.

use super::{into_error, json_arg, json_out};
use wasm_bindgen::prelude::*;

/// The state of the pool's numbers (in use, reserved, cooling off, free) at each instant (epoch seconds).
#[wasm_bindgen(
    js_name = poolStates,
    unchecked_return_type = "Array<{ at: number; in_use: number; reserved: number; cooling_off: number; free: number }>"
)]
pub fn pool_states(
    #[wasm_bindgen(unchecked_param_type = "MaskingConfig")] config: JsValue,
    #[wasm_bindgen(unchecked_param_type = "PoolNumber[]")] pool: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Session[]")] sessions: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number[]")] instants: JsValue,
) -> Result<JsValue, js_sys::Error> {
    let args = [
        json_arg("config", config)?,
        json_arg("pool", pool)?,
        json_arg("sessions", sessions)?,
        json_arg("instants", instants)?,
    ];
    json_out(&crate::exports::call("poolStates", &args).map_err(into_error)?)
}
