//! Every exported function of the package, over JSON: each takes its positional arguments as `serde_json`
//! values, exactly as the JS export receives them, checks their types, calls the core and returns the result
//! as JSON text. The wasm binding (`src/wasm/`) calls these functions directly; the shared vector files under
//! `tests/vectors/` name them, and the native runner finds them in [`EXPORTS`]. So every runtime runs the same
//! argument checks and is held to the same answers.

pub mod console;
pub mod masking;

use crate::error::{Error, Problems};
use crate::policy::Engine;
use serde::Serialize;
use serde_json::Value;

/// Why an export failed: one problem, or several (validation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportError {
    One(Error),
    Many(Problems),
}

impl From<Error> for ExportError {
    fn from(e: Error) -> Self {
        ExportError::One(e)
    }
}

impl From<Problems> for ExportError {
    fn from(p: Problems) -> Self {
        ExportError::Many(p)
    }
}

impl ExportError {
    /// The first problem (every error has at least one).
    pub fn first(&self) -> &Error {
        match self {
            ExportError::One(e) => e,
            ExportError::Many(p) => &p.0[0],
        }
    }
}

/// What an export answers: its result as JSON text, or why it failed.
pub type Exported = Result<String, ExportError>;

/// An export over its positional JSON arguments.
pub type Export = fn(&[Value]) -> Exported;

/// Every export by the name the JS package gives it (`Class.method` is `new Class(args[0]).method(...rest)`):
/// the table the shared vectors are run through natively.
pub const EXPORTS: &[(&str, Export)] = &[
    // Phone
    ("normalize", normalize),
    ("normalizeMany", normalize_many),
    // Policy (caller-ID privacy and screening)
    ("validatePolicy", validate_policy),
    ("decidePresentation", decide_presentation),
    ("screenCall", screen_call),
    ("decide", decide),
    ("Engine.decide", |args| engine_decide(&engine(args)?, rest(args))),
    // SIP
    ("Engine.decideInvite", |args| engine_decide_invite(&engine(args)?, rest(args))),
    ("Engine.decideInviteFlat", |args| engine_decide_invite_flat(&engine(args)?, rest(args))),
    ("normalizeEntry", normalize_entry),
    // Masking
    ("verifySignature", masking::verify_signature),
    ("signWebhook", masking::sign_webhook),
    ("parseCallback", masking::parse_callback),
    ("parseStatus", masking::parse_status),
    ("parseCallbackResponse", masking::parse_callback_response),
    ("routeCallback", masking::route_callback),
    ("allocateSession", masking::allocate_session),
    ("maskNumber", masking::mask_number),
    ("poolSize", masking::pool_size),
    ("validatePool", masking::validate_pool),
    ("validateMaskingConfig", masking::validate_masking_config),
    ("MaskingState.route", |args| masking::state_route(&masking::state(args)?, rest(args))),
    ("MaskingState.allocate", |args| masking::state_allocate(&masking::state(args)?, rest(args))),
    ("MaskingState.handleCallback", |args| {
        masking::state_handle_callback(&masking::state(args)?, rest(args))
    }),
    ("poolStates", console::pool_states),
    // What-if replay
    ("replay", console::replay),
];

/// Calls the export named `function` with positional JSON `args`, as the JS export of that name would be
/// called, and reads its JSON text back.
pub fn call(function: &str, args: &[Value]) -> Result<Value, ExportError> {
    let (_, export) = EXPORTS.iter().find(|(name, _)| *name == function).ok_or_else(|| {
        Error::new("function", "unknown_function", format!("no exported function {function:?}"))
    })?;
    let text = export(args)?;
    serde_json::from_str(&text).map_err(|e| Error::new("result", "internal", e.to_string()).into())
}

/// The result of a core call as JSON text.
pub(crate) fn json<T: Serialize, E: Into<ExportError>>(result: Result<T, E>) -> Exported {
    let value = result.map_err(Into::into)?;
    serde_json::to_string(&value).map_err(|e| Error::new("result", "internal", e.to_string()).into())
}

/// The arguments after the first (a class method's, the first having built the instance).
fn rest(args: &[Value]) -> &[Value] {
    args.get(1..).unwrap_or_default()
}

fn arg_str<'a>(args: &'a [Value], i: usize, name: &str) -> Result<&'a str, Error> {
    args.get(i).and_then(Value::as_str).ok_or_else(|| Error::new(name, "invalid_type", "expected a string"))
}

fn arg<'a>(args: &'a [Value], i: usize, name: &str) -> Result<&'a Value, Error> {
    args.get(i).ok_or_else(|| Error::new(name, "missing", "argument missing"))
}

/// `normalize(number, country)`: a number in E.164 with its region and validity.
pub fn normalize(args: &[Value]) -> Exported {
    json(crate::phone::normalize(arg_str(args, 0, "number")?, arg_str(args, 1, "country")?))
}

/// `normalizeMany(numbers, country)`: one `{ok}` or `{error}` per number.
pub fn normalize_many(args: &[Value]) -> Exported {
    let numbers: Vec<&str> = args
        .first()
        .and_then(Value::as_array)
        .and_then(|a| a.iter().map(Value::as_str).collect())
        .ok_or_else(|| Error::new("numbers", "invalid_type", "expected an array of strings"))?;
    let results = crate::phone::normalize_many(&numbers, arg_str(args, 1, "country")?)?;
    json::<_, Error>(Ok(results.into_iter().map(crate::phone::Normalization::from).collect::<Vec<_>>()))
}

/// `normalizeEntry(number, country | null)`: a list entry, checked and normalised.
pub fn normalize_entry(args: &[Value]) -> Exported {
    let country = match args.get(1) {
        None | Some(Value::Null) => None,
        Some(v) => Some(v.as_str().ok_or_else(|| {
            Error::new("country", "invalid_type", "expected an ISO 3166 alpha-2 country or null")
        })?),
    };
    json(crate::screening::lists::normalize_entry(arg_str(args, 0, "number")?, country))
}

/// `validatePolicy(policy)`: the validated policy, or every problem.
pub fn validate_policy(args: &[Value]) -> Exported {
    json(crate::policy::validate_policy(arg(args, 0, "policy")?))
}

/// `new Engine(policy)`: the policy validated and compiled.
pub fn engine(args: &[Value]) -> Result<Engine, ExportError> {
    Ok(Engine::new(arg(args, 0, "policy")?)?)
}

/// `decidePresentation(policy, event)`.
pub fn decide_presentation(args: &[Value]) -> Exported {
    json(engine(args)?.present_json(arg(args, 1, "event")?))
}

/// `screenCall(policy, event)`.
pub fn screen_call(args: &[Value]) -> Exported {
    json(engine(args)?.screen_json(arg(args, 1, "event")?))
}

/// `decide(policy, event)`: the policy compiled for this one call.
pub fn decide(args: &[Value]) -> Exported {
    engine_decide(&engine(args)?, rest(args))
}

/// `engine.decide(event)`.
pub fn engine_decide(engine: &Engine, args: &[Value]) -> Exported {
    json(engine.decide_json(arg(args, 0, "event")?))
}

/// `engine.decideInvite(invite)`: the answer to an INVITE, ready for a SIP server to apply.
pub fn engine_decide_invite(engine: &Engine, args: &[Value]) -> Exported {
    json(crate::sip::decide_invite(engine, arg(args, 0, "invite")?))
}

/// `engine.decideInviteFlat(invite)`: the same answer as `key=value` lines (a JSON string).
pub fn engine_decide_invite_flat(engine: &Engine, args: &[Value]) -> Exported {
    json(crate::sip::decide_invite(engine, arg(args, 0, "invite")?).map(|a| a.to_flat()))
}
