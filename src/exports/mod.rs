//! The exported functions over JSON values: one entry per wasm export, taking and returning `serde_json` values.
//! The shared vector files under `tests/vectors/` name these functions; the native runner calls them here and
//! the JS runners call the wasm exports of the same name, so every runtime is held to the same answers.

pub mod masking;

use crate::error::{Error, Problems};
use serde::Serialize;
use serde_json::Value;

/// Why a call through the JSON face failed: one problem, or several (validation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    One(Error),
    Many(Problems),
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        ApiError::One(e)
    }
}

impl From<Problems> for ApiError {
    fn from(p: Problems) -> Self {
        ApiError::Many(p)
    }
}

impl ApiError {
    /// The first problem (every error has at least one).
    pub fn first(&self) -> &Error {
        match self {
            ApiError::One(e) => e,
            ApiError::Many(p) => &p.0[0],
        }
    }
}

fn to_value<T: Serialize>(v: T) -> Value {
    serde_json::to_value(v).expect("core output types always serialise")
}

fn arg_str<'a>(args: &'a [Value], i: usize, name: &str) -> Result<&'a str, Error> {
    args.get(i).and_then(Value::as_str).ok_or_else(|| Error::new(name, "invalid_type", "expected a string"))
}

fn arg<'a>(args: &'a [Value], i: usize, name: &str) -> Result<&'a Value, Error> {
    args.get(i).ok_or_else(|| Error::new(name, "missing", "argument missing"))
}

/// Calls the exported function `function` with positional JSON `args`, as the wasm export of that name would.
pub fn call(function: &str, args: &[Value]) -> Result<Value, ApiError> {
    match function {
        "normalize" => {
            Ok(to_value(crate::phone::normalize(arg_str(args, 0, "number")?, arg_str(args, 1, "country")?)?))
        }
        // Phone
        "normalizeMany" => {
            let numbers: Vec<String> = args
                .first()
                .and_then(Value::as_array)
                .and_then(|a| a.iter().map(|v| v.as_str().map(str::to_owned)).collect())
                .ok_or_else(|| Error::new("numbers", "invalid_type", "expected an array of strings"))?;
            let results = crate::phone::normalize_many(&numbers, arg_str(args, 1, "country")?)?;
            Ok(to_value(results.into_iter().map(crate::phone::Outcome::from).collect::<Vec<_>>()))
        }
        // Policy (caller-ID privacy and screening)
        "validatePolicy" => Ok(to_value(crate::policy::validate_policy(arg(args, 0, "policy")?)?)),
        "decidePresentation" => {
            Ok(to_value(crate::Engine::new(arg(args, 0, "policy")?)?.present_json(arg(args, 1, "event")?)?))
        }
        "screenCall" => {
            Ok(to_value(crate::Engine::new(arg(args, 0, "policy")?)?.screen_json(arg(args, 1, "event")?)?))
        }
        // `Engine.decide`: the wasm class (`new Engine(policy).decide(event)`), same answer as `decide`.
        "decide" | "Engine.decide" => {
            Ok(to_value(crate::Engine::new(arg(args, 0, "policy")?)?.decide_json(arg(args, 1, "event")?)?))
        }
        "normalizeEntry" => {
            let country = match args.get(1) {
                None | Some(Value::Null) => None,
                Some(v) => Some(v.as_str().ok_or_else(|| {
                    Error::new("country", "invalid_type", "expected an ISO 3166 alpha-2 country or null")
                })?),
            };
            Ok(to_value(crate::screening::lists::normalize_entry(arg_str(args, 0, "number")?, country)?))
        }
        "identityX5u" => Ok(to_value(crate::screening::stir::passport::x5u(arg_str(args, 0, "identity")?))),
        // Masking
        f if crate::exports::masking::FUNCTIONS.contains(&f) => crate::exports::masking::call(f, args),
        other => {
            Err(Error::new("function", "unknown_function", format!("no exported function {other:?}")).into())
        }
    }
}
