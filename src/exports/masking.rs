//! The number-masking exports over JSON (see the parent module): number masking's functions and the methods
//! of the `MaskingState` class, each over its positional arguments.

use super::{json, ExportError, Exported};
use crate::error::Error;
use crate::masking::allocate::{self, read_pool, PoolSizing};
use crate::masking::config::MaskingConfig;
use crate::masking::display::{mask, DisplayPolicy};
use crate::masking::lifecycle::{validate_credentials as check_credentials, Viewer};
use crate::masking::payload::{self, callback_from_value, response_from_value, status_from_value};
use crate::masking::route::{Counter, MaskingState, Webhook};
use crate::masking::session::{read_one_session, read_sessions, SessionState};
use crate::masking::signature::{sign, verify, Credentials, WebhookKind};
use crate::policy::reader::{type_name as kind, Obj};
use serde_json::Value;

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
    let f = Obj::of(v, "")?;
    Credentials::new(f.req_text("apiId")?, f.req_text("key")?)
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
        Value::String(s) => crate::policy::reader::parse_body(s),
        other => Ok(other.clone()),
    }
}

/// Builds the routing state from a configuration and sessions (the stateless exports).
fn state_of(config: &Value, sessions: &Value) -> Result<MaskingState, ExportError> {
    let config = MaskingConfig::from_value(config)?;
    let sessions = read_sessions(sessions, "sessions")?;
    Ok(MaskingState::new(config, sessions)?)
}

/// Builds the state from `{config, sessions}`, the argument of the wasm `MaskingState` constructor.
/// Optional: `webhook` `{url?, status_url?, apiId, key}` (enables the webhook methods; a missing URL means
/// the URL the request arrived at), `pool` (what allocation draws from), `secret` (the tenant secret keying
/// PIN hashes and random tokens), `counters` (stored PIN counters).
pub fn state_from_init(init: &Value) -> Result<MaskingState, ExportError> {
    let f = Obj::of(init, "init")?;
    let pool = f.get("pool").map(read_pool).transpose()?;
    let webhook = match f.get("webhook") {
        None => None,
        Some(w) => {
            let wf = Obj::of(w, "webhook")?;
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
    let mut st = state_of(f.req("config")?, f.req("sessions")?)?.with_secret(secret);
    st.set_pool(pool.unwrap_or_default());
    st.set_counters(counters);
    Ok(match webhook {
        Some(w) => st.with_webhook(w),
        None => st,
    })
}

/// `new MaskingState(init)`.
pub fn state(args: &[Value]) -> Result<MaskingState, ExportError> {
    state_from_init(arg(args, 0, "init")?)
}

/// The request and credentials of `verifySignature` / `signWebhook`: `({kind, url, body, authorization?},
/// {apiId, key})`.
fn webhook_request(args: &[Value]) -> Result<(Obj<'_>, Credentials, WebhookKind, &str, &str), Error> {
    let req = Obj::of(arg(args, 0, "request")?, "")?;
    let creds = credentials(arg(args, 1, "credentials")?).map_err(|e| e.under("credentials"))?;
    let webhook = WebhookKind::parse("kind", req.req_text("kind")?)?;
    let url = req.req_text("url")?;
    let body = raw_body(req.req("body")?)?;
    Ok((req, creds, webhook, url, body))
}

/// `verifySignature(request, credentials)`: `{valid, apiId, kind}`, or an `authorization` error.
pub fn verify_signature(args: &[Value]) -> Exported {
    let (req, creds, webhook, url, body) = webhook_request(args)?;
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
    json(verify(&creds, url, body, webhook, header))
}

/// `signWebhook(request, credentials)`: the `Authorization` header Infobip would send.
pub fn sign_webhook(args: &[Value]) -> Exported {
    let (_, creds, webhook, url, body) = webhook_request(args)?;
    json(sign(&creds, url, body, webhook))
}

/// `parseCallback(body)`: raw text or parsed object.
pub fn parse_callback(args: &[Value]) -> Exported {
    match arg(args, 0, "body")? {
        Value::String(s) => json(payload::parse_callback(s)),
        other => json(callback_from_value(other)),
    }
}

/// `parseStatus(body)`: raw text or parsed object.
pub fn parse_status(args: &[Value]) -> Exported {
    match arg(args, 0, "body")? {
        Value::String(s) => json(payload::parse_status(s)),
        other => json(status_from_value(other)),
    }
}

/// `parseCallbackResponse(response)`: checked against Infobip's schema and normalised.
pub fn parse_callback_response(args: &[Value]) -> Exported {
    json(response_from_value(&body_value(arg(args, 0, "response")?)?))
}

/// `routeCallback(config, sessions, callback, now)`.
pub fn route_callback(args: &[Value]) -> Exported {
    let st = state_of(arg(args, 0, "config")?, arg(args, 1, "sessions")?)?;
    let cb = callback_from_value(&body_value(arg(args, 2, "callback")?)?)?;
    json::<_, Error>(Ok(st.route(&cb, now_arg(args, 3)?)))
}

/// `allocateSession(config, pool, sessions, request, now)`: `{session, trace}`.
pub fn allocate_session(args: &[Value]) -> Exported {
    let pool = read_pool(arg(args, 1, "pool")?)?;
    let st = state_of(arg(args, 0, "config")?, arg(args, 2, "sessions")?)?;
    json(st.allocate_from(&pool, arg(args, 3, "request")?, now_arg(args, 4)?))
}

/// `maskNumber(policy, number, role?, secret?)`: `{display, masked, reason}`.
pub fn mask_number(args: &[Value]) -> Exported {
    let policy = DisplayPolicy::from_value(arg(args, 0, "policy")?, "policy")?;
    let number = opt_str(args, 1, "number")?
        .ok_or_else(|| Error::new("number", "missing", "required argument is missing"))?;
    json(mask(&policy, number, opt_str(args, 2, "role")?, opt_str(args, 3, "secret")?))
}

/// `validatePool(pool)`: the pool as the allocator reads it (countries filled in), or every problem.
pub fn validate_pool(args: &[Value]) -> Exported {
    json(read_pool(arg(args, 0, "pool")?))
}

/// `poolSize(sizing)`: the numbers a pool needs for a peak load.
pub fn pool_size(args: &[Value]) -> Exported {
    json::<_, Error>(Ok(allocate::pool_size(&PoolSizing::from_value(arg(args, 0, "sizing")?)?)))
}

/// `validateMaskingConfig(config)`: the configuration with its defaults, or every problem.
pub fn validate_masking_config(args: &[Value]) -> Exported {
    json(MaskingConfig::from_value(arg(args, 0, "config")?))
}

/// `state.route(body, now)`: routes a callback body (raw text, already verified).
pub fn state_route(st: &MaskingState, args: &[Value]) -> Exported {
    json(st.route_body(raw_body(arg(args, 0, "body")?)?, now_arg(args, 1)?))
}

/// `state.handleCallback(body, authorization, now)`: verifies with the state's `webhook`, routes, and returns
/// the routing as JSON text (a string).
pub fn state_handle_callback(st: &MaskingState, args: &[Value]) -> Exported {
    let header = opt_str(args, 1, "authorization")?.unwrap_or("");
    let routing = st.handle_callback(raw_body(arg(args, 0, "body")?)?, header, now_arg(args, 2)?)?;
    json::<_, Error>(Ok(routing.to_json()))
}

/// `state.allocate(pool | null, request, now)`: `null` draws from the pool the state holds (`init.pool`).
pub fn state_allocate(st: &MaskingState, args: &[Value]) -> Exported {
    let request = arg(args, 1, "request")?;
    match args.first().filter(|p| !p.is_null()) {
        Some(pool) => json(st.allocate_from(&read_pool(pool)?, request, now_arg(args, 2)?)),
        None => json(st.allocate(request, now_arg(args, 2)?)),
    }
}

/// `state.upsert(session)`: adds a session or replaces the one with its id.
pub fn state_upsert(st: &mut MaskingState, args: &[Value]) -> Result<(), ExportError> {
    let session = read_one_session(arg(args, 0, "session")?, "session")?;
    st.upsert(session).map_err(|e| e.under("session").into())
}

/// `{role?, unmask?}`; absent: an unprivileged reader.
fn viewer(args: &[Value], i: usize) -> Result<Viewer, Error> {
    match args.get(i) {
        None | Some(Value::Null) => Ok(Viewer::default()),
        Some(v) => Viewer::from_value(v),
    }
}

/// `validateCredentials(credentials)`: Infobip-shaped credentials and webhook URLs, as stored.
pub fn validate_credentials(args: &[Value]) -> Exported {
    json(check_credentials(arg(args, 0, "credentials")?))
}

/// `state.createSession(request, now)`: allocates, hashes PINs, adds the session; `{session, trace}`.
pub fn state_create_session(st: &mut MaskingState, args: &[Value]) -> Exported {
    json(st.create_session(arg(args, 0, "request")?, now_arg(args, 1)?))
}

/// `state.closeSession(id, now)`: `{session, changed}`.
pub fn state_close_session(st: &mut MaskingState, args: &[Value]) -> Exported {
    let id =
        opt_str(args, 0, "id")?.ok_or_else(|| Error::new("id", "missing", "required argument is missing"))?;
    json(st.close_session(id, now_arg(args, 1)?))
}

/// `state.sessionViews(status | null, now, viewer)`: the sessions as the viewer may read them.
pub fn state_session_views(st: &MaskingState, args: &[Value]) -> Exported {
    let filter = opt_str(args, 0, "status")?.map(|s| SessionState::parse("status", s)).transpose()?;
    json::<_, Error>(Ok(st.session_views(filter, now_arg(args, 1)?, &viewer(args, 2)?)))
}

/// `state.callback(body, authorization, requestUrl | null, now, prior)`: `prior` is an object of stored
/// records by replay key (the wasm method also takes a lookup function).
pub fn state_callback(
    st: &mut MaskingState,
    args: &[Value],
    prior: &mut dyn FnMut(&str) -> Option<Value>,
) -> Exported {
    let header = opt_str(args, 1, "authorization")?.unwrap_or("");
    let url = opt_str(args, 2, "url")?;
    json(st.callback(raw_body(arg(args, 0, "body")?)?, header, url, now_arg(args, 3)?, prior))
}

/// [`state_callback`] with the records given as an object (the JSON face, for the vectors).
pub fn state_callback_with_records(st: &mut MaskingState, args: &[Value]) -> Exported {
    let records = args.get(4).cloned().unwrap_or(Value::Null);
    state_callback(st, args, &mut |k| records.get(k).cloned())
}

/// `state.statusRecord(body, authorization, requestUrl | null)`: `{key, status}`.
pub fn state_status_record(st: &MaskingState, args: &[Value]) -> Exported {
    let header = opt_str(args, 1, "authorization")?.unwrap_or("");
    json(st.status_record(raw_body(arg(args, 0, "body")?)?, header, opt_str(args, 2, "url")?))
}

/// `state.viewRecords(rows, viewer)`: log rows as the viewer may read them.
pub fn state_view_records(st: &MaskingState, args: &[Value]) -> Exported {
    json(st.view_records(arg(args, 0, "records")?, &viewer(args, 1)?))
}
