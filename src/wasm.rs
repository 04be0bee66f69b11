//! WebAssembly bindings: convert types and errors, call the core, nothing else.
//!
//! Every export returns plain JSON-compatible objects and throws a JS `Error` whose `message` names the field
//! and the problem, with `field`, `code` (and, for validation, `problems`) set on it for programs.

use crate::api::ApiError;
use crate::error::{Error, Problems};
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** A problem with one input field, as thrown (`field`, `code` set on the `Error`). */
export interface Problem { field: string; code: string; message: string; }
/** The `Error` every export throws: `message` is `"<field>: <problem>"`. */
export interface CidguardError extends Error { field: string; code: string; problems: Problem[]; }
/** A number in E.164 with its region and validity. */
export interface Normalized { e164: string; region: string | null; valid: boolean; }
"#;

/// Converts any core error into the one JS `Error` shape the exports throw.
pub(crate) fn into_error(err: impl Into<ApiError>) -> js_sys::Error {
    let err = err.into();
    let (message, problems): (String, Vec<Error>) = match &err {
        ApiError::One(e) => (e.to_string(), vec![e.clone()]),
        ApiError::Many(p) => (p.to_string(), p.0.clone()),
    };
    let js = js_sys::Error::new(&message);
    let first = err.first();
    let _ = js_sys::Reflect::set(&js, &"field".into(), &first.field.as_str().into());
    let _ = js_sys::Reflect::set(&js, &"code".into(), &first.code.as_str().into());
    let _ = js_sys::Reflect::set(&js, &"problems".into(), &to_js(&problems).unwrap_or(JsValue::NULL));
    js
}

fn to_js<T: Serialize>(v: &T) -> Result<JsValue, js_sys::Error> {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| into_error(Error::new("result", "internal", e.to_string())))
}

#[allow(dead_code)]
fn from_js<T: serde::de::DeserializeOwned>(field: &str, v: JsValue) -> Result<T, js_sys::Error> {
    serde_wasm_bindgen::from_value(v).map_err(|e| into_error(Error::new(field, "invalid", e.to_string())))
}

#[allow(dead_code)]
fn problems(p: Problems) -> js_sys::Error {
    into_error(p)
}

/// Normalises `number` to E.164, reading national formats with the default `country` (ISO 3166 alpha-2).
#[wasm_bindgen(unchecked_return_type = "Normalized")]
pub fn normalize(number: &str, country: &str) -> Result<JsValue, js_sys::Error> {
    to_js(&crate::phone::normalize(number, country).map_err(into_error)?)
}

// ---- phone ----
/// Normalises a list of numbers with one default `country` in one call; bad entries are reported as values
/// (`{ error }` with field `numbers[i]`), so bulk imports neither stop at the first one nor pay for exceptions.
#[wasm_bindgen(
    js_name = normalizeMany,
    unchecked_return_type = "Array<{ ok: Normalized } | { error: Problem }>"
)]
pub fn normalize_many(
    #[wasm_bindgen(unchecked_param_type = "string[]")] numbers: Vec<String>,
    country: &str,
) -> Result<JsValue, js_sys::Error> {
    let results = crate::phone::normalize_many(&numbers, country).map_err(into_error)?;
    to_js(&results.into_iter().map(crate::phone::Outcome::from).collect::<Vec<_>>())
}
