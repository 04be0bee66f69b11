//! The number-masking exports over JSON values: the functions `exports::call` dispatches to, taking and
//! returning JSON values exactly as the wasm exports of the same names do.

use crate::error::Error;
use crate::exports::ApiError;
use crate::masking::allocate::{pool_size, read_pool, PoolSizing};
use crate::masking::config::MaskingConfig;
use crate::masking::display::{mask, DisplayPolicy};
use crate::masking::json::{kind, Fields};
use crate::masking::lifecycle::{validate_credentials, Viewer};
use crate::masking::payload::{
    callback_from_value, parse_callback, parse_status, response_from_value, status_from_value,
};
use crate::masking::route::{Counter, MaskingState, Webhook};
use crate::masking::session::{read_sessions, SessionState};
use crate::masking::signature::{sign, verify, Credentials, WebhookKind};
use serde::Serialize;
use serde_json::Value;

/// The exported masking functions (api names = JS names).
pub const FUNCTIONS: [&str; 21] = [
    "validatePool",
    "verifySignature",
    "signWebhook",
    "parseCallback",
    "parseStatus",
    "parseCallbackResponse",
    "routeCallback",
    "allocateSession",
    "maskNumber",
    "poolSize",
    "validateMaskingConfig",
    "MaskingState.route",
    "MaskingState.allocate",
    "MaskingState.handleCallback",
    "MaskingState.createSession",
    "MaskingState.closeSession",
    "MaskingState.sessionViews",
    "MaskingState.callback",
    "MaskingState.statusRecord",
    "MaskingState.viewRecords",
    "validateCredentials",
];

fn out<T: Serialize>(v: T) -> Result<Value, ApiError> {
    serde_json::to_value(v).map_err(|e| Error::new("result", "internal", e.to_string()).into())
}

fn arg<'a>(args: &'a [Value], i: usize, name: &str) -> Result<&'a Value, Error> {
    args.get(i)
        .filter(|v| !v.is_null())
        .ok_or_else(|| Error::new(name, "missing", "required argument is missing"))
}

fn opt_str<'a>(args: &'a [Value], i: usize, name: &str) -> Result<Option<&'a str>, Error> {
    match args.get(i) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => {
            Err(Error::new(name, "invalid_type", format!("expected a string, got {}", kind(other))))
        }
    }
}

/// Epoch seconds, as JS passes them (an integral number).
pub(crate) fn now_arg(args: &[Value], i: usize) -> Result<i64, Error> {
    let v = arg(args, i, "now")?;
    v.as_i64()
        .or_else(|| v.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15).map(|f| f as i64))
        .ok_or_else(|| Error::new("now", "invalid_type", "expected integral epoch seconds"))
}

/// `{apiId, key}`.
fn credentials(v: &Value) -> Result<Credentials, Error> {
    let f = Fields::of(v, "")?;
    Credentials::new(f.req_str("apiId")?, f.req_str("key")?)
}

/// A body that must be given as the raw text (signatures and the worker's path hash the text as received).
fn raw_body(v: &Value) -> Result<&str, Error> {
    v.as_str().ok_or_else(|| {
        Error::new("body", "invalid_type", format!("expected the raw body text, got {}", kind(v)))
    })
}

/// A body given as the raw text (a string) or, for convenience, as parsed JSON.
fn body_value(v: &Value) -> Result<Value, Error> {
    match v {
        Value::String(s) => crate::masking::json::parse_body(s),
        other => Ok(other.clone()),
    }
}

/// Builds the routing state from JSON (`config`, `sessions`), as the wasm `MaskingState` constructor does.
pub fn state(config: &Value, sessions: &Value) -> Result<MaskingState, ApiError> {
    let config = MaskingConfig::from_value(config)?;
    let sessions = read_sessions(sessions, "sessions")?;
    Ok(MaskingState::new(config, sessions)?)
}

/// Builds the state from `{config, sessions}`, the argument of the wasm `MaskingState` constructor.
/// Optional: `webhook` `{url?, status_url?, apiId, key}` (enables the webhook methods; a missing URL means
/// the URL the request arrived at), `pool` (what allocation draws from), `secret` (the tenant secret keying
/// PIN hashes and random tokens), `counters` (stored PIN counters).
pub fn state_from_init(init: &Value) -> Result<MaskingState, ApiError> {
    let f = Fields::of(init, "init")?;
    let pool = f.get("pool").map(read_pool).transpose()?;
    let webhook = match f.get("webhook") {
        None => None,
        Some(w) => {
            let wf = Fields::of(w, "webhook")?;
            Some(Webhook {
                url: wf.opt_str("url")?.map(str::to_owned),
                status_url: wf.opt_str("status_url")?.map(str::to_owned),
                credentials: credentials(w).map_err(|e| e.under("webhook"))?,
            })
        }
    };
    let secret = f.opt_str("secret")?.map(str::to_owned);
    let counters: Vec<Counter> = match f.get("counters") {
        None => Vec::new(),
        Some(c) => serde_json::from_value(c.clone()).map_err(|e| {
            Error::new("counters", "invalid_type", format!("expected [{{key, count, since}}]: {e}"))
        })?,
    };
    let mut st = state(f.req("config")?, f.req("sessions")?)?.with_secret(secret);
    st.set_pool(pool.unwrap_or_default());
    st.set_counters(counters);
    Ok(match webhook {
        Some(w) => st.with_webhook(w),
        None => st,
    })
}

/// `{role?, unmask?}`; absent: an unprivileged reader.
pub(crate) fn viewer(args: &[Value], i: usize) -> Result<Viewer, Error> {
    match args.get(i) {
        None | Some(Value::Null) => Ok(Viewer::default()),
        Some(v) => Viewer::from_value(v),
    }
}

/// A `?status=` filter: `null` or `open` / `closed` / `expired`.
pub(crate) fn state_filter(args: &[Value], i: usize) -> Result<Option<SessionState>, Error> {
    opt_str(args, i, "status")?.map(|s| SessionState::parse("status", s)).transpose()
}

/// Calls masking function `function` with positional JSON `args`.
pub fn call(function: &str, args: &[Value]) -> Result<Value, ApiError> {
    match function {
        // verifySignature({kind, url, body, authorization}, {apiId, key}) -> {valid, apiId, kind}
        "verifySignature" | "signWebhook" => {
            let req = Fields::of(arg(args, 0, "request")?, "")?;
            let creds = credentials(arg(args, 1, "credentials")?).map_err(|e| e.under("credentials"))?;
            let webhook = WebhookKind::parse("kind", req.req_str("kind")?)?;
            let url = req.req_str("url")?;
            let body = raw_body(req.req("body")?)?;
            if function == "signWebhook" {
                return out(sign(&creds, url, body, webhook)?);
            }
            let header = match req.get("authorization") {
                Some(Value::String(s)) => s.as_str(),
                Some(other) => {
                    return Err(Error::new(
                        "authorization",
                        "invalid_type",
                        format!("expected a string, got {}", kind(other)),
                    )
                    .into())
                }
                None => "",
            };
            out(verify(&creds, url, body, webhook, header)?)
        }
        "parseCallback" => match arg(args, 0, "body")? {
            Value::String(s) => out(parse_callback(s)?),
            other => out(callback_from_value(other)?),
        },
        "parseStatus" => match arg(args, 0, "body")? {
            Value::String(s) => out(parse_status(s)?),
            other => out(status_from_value(other)?),
        },
        "parseCallbackResponse" => out(response_from_value(&body_value(arg(args, 0, "response")?)?)?),
        // routeCallback(config, sessions, callback, now) -> Routing
        "routeCallback" => {
            let st = state(arg(args, 0, "config")?, arg(args, 1, "sessions")?)?;
            let cb = callback_from_value(&body_value(arg(args, 2, "callback")?)?)?;
            out(st.route(&cb, now_arg(args, 3)?))
        }
        // allocateSession(config, pool, sessions, request, now) -> {session, trace}
        "allocateSession" => {
            let pool = read_pool(arg(args, 1, "pool")?)?;
            let st = state(arg(args, 0, "config")?, arg(args, 2, "sessions")?)?;
            out(st.allocate_from(&pool, arg(args, 3, "request")?, now_arg(args, 4)?)?)
        }
        // maskNumber(policy, number, role?, secret?) -> {display, masked, reason}
        "maskNumber" => {
            let policy = DisplayPolicy::from_value(arg(args, 0, "policy")?, "policy")?;
            let number = opt_str(args, 1, "number")?
                .ok_or_else(|| Error::new("number", "missing", "required argument is missing"))?;
            out(mask(&policy, number, opt_str(args, 2, "role")?, opt_str(args, 3, "secret")?)?)
        }
        // The `MaskingState` class, as the JS runners call it: `new MaskingState(args[0]).method(...rest)`.
        "MaskingState.route" => {
            let st = state_from_init(arg(args, 0, "init")?)?;
            out(st.route_body(raw_body(arg(args, 1, "body")?)?, now_arg(args, 2)?)?)
        }
        // Returns the routing as JSON text (one string across the wasm boundary instead of an object tree).
        "MaskingState.handleCallback" => {
            let st = state_from_init(arg(args, 0, "init")?)?;
            let header = opt_str(args, 2, "authorization")?.unwrap_or("");
            let routing = st.handle_callback(raw_body(arg(args, 1, "body")?)?, header, now_arg(args, 3)?)?;
            Ok(Value::String(routing.to_json()))
        }
        // allocate(pool | null, request, now): `null` draws from the pool the state holds.
        "MaskingState.allocate" => {
            let st = state_from_init(arg(args, 0, "init")?)?;
            let request = arg(args, 2, "request")?;
            match args.get(1).filter(|p| !p.is_null()) {
                Some(pool) => out(st.allocate_from(&read_pool(pool)?, request, now_arg(args, 3)?)?),
                None => out(st.allocate(request, now_arg(args, 3)?)?),
            }
        }
        // The lifecycle, as the worker's Durable Object calls it on the state it keeps.
        "MaskingState.createSession" => {
            let mut st = state_from_init(arg(args, 0, "init")?)?;
            out(st.create_session(arg(args, 1, "request")?, now_arg(args, 2)?)?)
        }
        "MaskingState.closeSession" => {
            let mut st = state_from_init(arg(args, 0, "init")?)?;
            let id = opt_str(args, 1, "id")?
                .ok_or_else(|| Error::new("id", "missing", "required argument is missing"))?;
            out(st.close_session(id, now_arg(args, 2)?)?)
        }
        // sessionViews(init, status | null, now, viewer)
        "MaskingState.sessionViews" => {
            let st = state_from_init(arg(args, 0, "init")?)?;
            out(st.session_views(state_filter(args, 1)?, now_arg(args, 2)?, &viewer(args, 3)?))
        }
        // callback(init, body, authorization, requestUrl | null, now, priors): priors maps replay keys to the
        // stored records (the wasm method also takes a lookup function).
        "MaskingState.callback" => {
            let mut st = state_from_init(arg(args, 0, "init")?)?;
            let priors = args.get(5).cloned().unwrap_or(Value::Null);
            let mut lookup = |k: &str| priors.get(k).cloned();
            let header = opt_str(args, 2, "authorization")?.unwrap_or("");
            out(st.callback(
                raw_body(arg(args, 1, "body")?)?,
                header,
                opt_str(args, 3, "url")?,
                now_arg(args, 4)?,
                &mut lookup,
            )?)
        }
        "MaskingState.statusRecord" => {
            let st = state_from_init(arg(args, 0, "init")?)?;
            let header = opt_str(args, 2, "authorization")?.unwrap_or("");
            out(st.status_record(raw_body(arg(args, 1, "body")?)?, header, opt_str(args, 3, "url")?)?)
        }
        "MaskingState.viewRecords" => {
            let st = state_from_init(arg(args, 0, "init")?)?;
            out(st.view_records(arg(args, 1, "records")?, &viewer(args, 2)?)?)
        }
        "validateCredentials" => out(validate_credentials(arg(args, 0, "credentials")?)?),
        // validatePool(pool) -> the pool as the allocator reads it (countries filled in), or every problem
        "validatePool" => out(read_pool(arg(args, 0, "pool")?)?),
        "poolSize" => out(pool_size(&PoolSizing::from_value(arg(args, 0, "sizing")?)?)),
        "validateMaskingConfig" => out(MaskingConfig::from_value(arg(args, 0, "config")?)?),
        other => {
            Err(Error::new("function", "unknown_function", format!("no exported function {other:?}")).into())
        }
    }
}
