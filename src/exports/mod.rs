//! Every exported function of the package, over JSON: each takes its positional arguments as `serde_json`
//! values, exactly as the JS export receives them, checks their types, calls the core and returns the result
//! as JSON text. The wasm binding (`src/wasm/`) calls these functions directly; the shared vector files under
//! `tests/vectors/` name them, and the native runner finds them in [`EXPORTS`]. So every runtime runs the same
//! argument checks and is held to the same answers.

pub mod console;
pub mod masking;

use crate::error::{Error, Problems};
use crate::policy::Engine;
use serde::{Deserialize, Serialize};
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
    ("Engine.inviteLookupKeys", |args| engine_invite_lookup_keys(&engine(args)?, rest(args))),
    ("Engine.decideInviteRows", |args| engine_decide_invite_rows(&engine(args)?, rest(args), false)),
    ("Engine.decideInviteRowsFlat", |args| engine_decide_invite_rows(&engine(args)?, rest(args), true)),
    ("normalizeEntry", normalize_entry),
    // Lists stored as rows (docs/blocklists.md)
    ("Engine.lookupKeys", |args| engine_lookup_keys(&engine(args)?, rest(args))),
    ("Engine.decideRows", |args| engine_decide_rows(&engine(args)?, rest(args))),
    ("splitPolicy", split_policy),
    ("parseImport", parse_import),
    ("normalizePrefix", normalize_prefix),
    ("identityX5u", identity_x5u),
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
    ("validateCredentials", masking::validate_credentials),
    ("MaskingState.createSession", |args| {
        masking::state_create_session(&mut masking::state(args)?, rest(args))
    }),
    ("MaskingState.closeSession", |args| {
        masking::state_close_session(&mut masking::state(args)?, rest(args))
    }),
    ("MaskingState.sessionViews", |args| masking::state_session_views(&masking::state(args)?, rest(args))),
    ("MaskingState.callback", |args| {
        masking::state_callback_with_records(&mut masking::state(args)?, rest(args))
    }),
    ("MaskingState.statusRecord", |args| masking::state_status_record(&masking::state(args)?, rest(args))),
    ("MaskingState.viewRecords", |args| masking::state_view_records(&masking::state(args)?, rest(args))),
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

/// `normalizeEntry(number, country | null, list?)`: a list entry, checked and normalised for its kind of list
/// (`"blocklist"`, the default, or `"user"`: the rules an import applies, `parseImport`'s `list`).
pub fn normalize_entry(args: &[Value]) -> Exported {
    use crate::screening::import::{normalize_for, Target};
    let country = match args.get(1) {
        None | Some(Value::Null) => None,
        Some(v) => Some(v.as_str().ok_or_else(|| {
            Error::new("country", "invalid_type", "expected an ISO 3166 alpha-2 country or null")
        })?),
    };
    let list = match args.get(2) {
        None | Some(Value::Null) => Target::Blocklist,
        Some(v) => Target::deserialize(v).map_err(|_| {
            Error::new("list", "unknown_value", "expected \"blocklist\" or \"user\" (or null)")
        })?,
    };
    json(normalize_for(arg_str(args, 0, "number")?, country, list))
}

/// `identityX5u(identity)`: the certificate URL of a STIR `Identity` header, or null (never an error for a
/// malformed header: verification reports it).
pub fn identity_x5u(args: &[Value]) -> Exported {
    json::<_, Error>(Ok(crate::screening::stir::passport::x5u(arg_str(args, 0, "identity")?)))
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

/// `engine.lookupKeys(event)`: the lists and keys storage fetches rows for (docs/blocklists.md).
pub fn engine_lookup_keys(engine: &Engine, args: &[Value]) -> Exported {
    json(engine.lookup_keys_json(arg(args, 0, "event")?))
}

/// `engine.decideRows(event, rows)`: the decision from the rows fetched under the call's lookup keys.
pub fn engine_decide_rows(engine: &Engine, args: &[Value]) -> Exported {
    json(engine.decide_rows_json(arg(args, 0, "event")?, arg(args, 1, "rows")?))
}

/// `splitPolicy(policy)`: the validated document split into its settings and its entries as rows.
pub fn split_policy(args: &[Value]) -> Exported {
    json(crate::screening::lookup::split_policy(arg(args, 0, "policy")?))
}

/// `parseImport(options, lines)`: a batch of import lines as normalised entries and problems by line.
pub fn parse_import(args: &[Value]) -> Exported {
    let options = crate::screening::import::Options::deserialize(arg(args, 0, "options")?)
        .map_err(|e| Error::new("options", "invalid", e.to_string()))?;
    let lines: Vec<String> = arg(args, 1, "lines")?
        .as_array()
        .and_then(|a| a.iter().map(|v| v.as_str().map(str::to_owned)).collect())
        .ok_or_else(|| Error::new("lines", "invalid_type", "expected an array of strings"))?;
    json(crate::screening::import::parse(&options, &lines))
}

/// `normalizePrefix(prefix)`: `{ prefix, e164_prefix }` for a prefix in international form.
pub fn normalize_prefix(args: &[Value]) -> Exported {
    let prefix = arg_str(args, 0, "prefix")?;
    let key = crate::screening::lists::parse_prefix(prefix)?;
    json::<_, Error>(Ok(serde_json::json!({ "prefix": prefix, "e164_prefix": key.to_string() })))
}

/// `engine.decideInvite(invite)`: the answer to an INVITE, ready for a SIP server to apply.
pub fn engine_decide_invite(engine: &Engine, args: &[Value]) -> Exported {
    json(crate::sip::decide_invite(engine, arg(args, 0, "invite")?))
}

/// `engine.decideInviteFlat(invite)`: the same answer as `key=value` lines (a JSON string).
pub fn engine_decide_invite_flat(engine: &Engine, args: &[Value]) -> Exported {
    json(crate::sip::decide_invite(engine, arg(args, 0, "invite")?).map(|a| a.to_flat()))
}

/// `engine.inviteLookupKeys(invite)`: the lookup keys of the INVITE's call (lists stored as rows).
pub fn engine_invite_lookup_keys(engine: &Engine, args: &[Value]) -> Exported {
    let event = crate::sip::invite::invite_event(arg(args, 0, "invite")?)?;
    json(engine.lookup_keys(&event))
}

/// `engine.decideInviteRows(invite, rows)` (and `…Flat`): the INVITE's answer from the rows fetched under its
/// lookup keys.
pub fn engine_decide_invite_rows(engine: &Engine, args: &[Value], flat: bool) -> Exported {
    let rows = crate::screening::lookup::read_rows(arg(args, 1, "rows")?)?;
    let answer = crate::sip::invite::decide_invite_rows(engine, arg(args, 0, "invite")?, &rows)?;
    if flat {
        json::<_, Error>(Ok(answer.to_flat()))
    } else {
        json::<_, Error>(Ok(answer))
    }
}
