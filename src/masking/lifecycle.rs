//! A masking session's whole life, decided here and nowhere else: create (allocation, the duplicate-id rule),
//! close, expire, the release of proxy numbers with their cool-off, what a reader sees of stored sessions and
//! logs, which callbacks are replays, which key de-duplicates a status message, and which credentials are
//! acceptable. The host (the worker's Durable Object) stores what these functions return and decides nothing.
//!
//! **Expiry needs no background job.** A session is never rewritten when it expires: every read and every
//! allocation derives its state from `now` ([`Session::state_at`], [`Session::released_at`]), so an expired
//! session stops routing, shows as `expired` and releases its proxy numbers, cool-off included, from the second
//! `expires_at` passes, exactly as an explicit close does from `closed_at`.
//!
//! **Replays.** Infobip's signature covers URL, body and key but no timestamp, so a captured signed callback
//! stays valid forever. A callback whose replay key (its `correlationId`; for a PIN entry, plus a keyed hash of
//! the digits) was already routed is answered with the stored response of the first time, without routing or
//! logging again, while within `replay_window_seconds` (Infobip's own retries); after that it is refused with
//! 401 and logged as refused.

use super::allocate::Allocation;
use super::display::{mask, DisplayPolicy};
use super::number::from_infobip_known;
use super::payload::{callback_with, status_from_value, CallbackRequest};
use super::pin::keyed_hex;
use super::route::MaskingState;
use super::session::{Session, SessionState, SessionStatus};
use super::signature::WebhookKind;
use crate::error::Error;
use crate::policy::reader::{parse_body, Obj};
use crate::trace::{Outcome, Trace};
use serde::Serialize;
use serde_json::{json, Value};

/// Who reads stored data: a role, and whether the credential holds the unmask privilege.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Viewer {
    pub role: Option<String>,
    pub unmask: bool,
}

impl Viewer {
    /// Reads `{role?, unmask?}` (the worker's principal).
    pub fn from_value(v: &Value) -> Result<Viewer, Error> {
        let f = Obj::of(v, "viewer")?;
        Ok(Viewer {
            role: f.opt_str("role")?.map(str::to_owned),
            unmask: f.opt_bool("unmask", false)?.unwrap_or(false),
        })
    }
}

/// The result of closing a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Closed {
    pub session: Session,
    /// False when the session was already closed (nothing to store).
    pub changed: bool,
}

/// One routed (or refused) callback, as the host logs it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CallRecord {
    /// What a replay of this callback is recognised by (`null` for a refused replay and for a callback
    /// without `correlationId`).
    pub replay_key: Option<String>,
    pub correlation_id: Option<String>,
    /// A [`RouteOutcome`] in snake case, or `replay_refused`.
    pub outcome: String,
    pub session_id: Option<String>,
    /// The caller (masked when the policy stores records masked; `null` when withheld).
    pub from: Option<String>,
    /// The proxy number called.
    pub to: Option<String>,
    /// Epoch seconds.
    pub at: i64,
    /// The response sent, kept to answer a replay identically (never shown by the log).
    pub response: Option<Value>,
    pub trace: Trace,
}

/// What to do with one signed callback.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CallbackResult {
    /// The body for Infobip (HTTP 200); `null` when refused.
    pub response: Option<Value>,
    /// The callback was a replay answered from the stored response (nothing to log).
    pub replayed: bool,
    /// The refusal (a replay outside the window): answer with this error.
    pub refused: Option<Error>,
    /// What to log; `null`: log nothing.
    pub record: Option<CallRecord>,
    /// PIN counters to store.
    pub counters: Vec<super::route::Counter>,
}

/// A verified status message and the key that keeps it once per call.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatusRecord {
    pub key: String,
    /// The message as read (numbers masked when the policy stores records masked).
    pub status: Value,
}

/// Credentials as stored: Infobip's `{apiId, key}` plus the webhook URLs configured with Infobip.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredCredentials {
    pub api_id: String,
    pub key: String,
    pub callback_url: Option<String>,
    pub status_url: Option<String>,
}

/// Longest `apiId` or `key` Infobip issues.
pub const MAX_CREDENTIAL_CHARS: usize = 80;

/// Checks credentials as Infobip issues them: `apiId` and `key` alphanumeric, 1–80 characters;
/// `callbackUrl` / `statusUrl` (optional) absolute `https://` or `http://` URLs with a host. Errors are
/// named under `credentials.`.
pub fn validate_credentials(v: &Value) -> Result<StoredCredentials, Error> {
    let f = Obj::of(v, "credentials")?;
    let mut unknown = Vec::new();
    f.deny_unknown("credentials", &["apiId", "key", "callbackUrl", "statusUrl"], &mut unknown);
    if let Some(e) = unknown.into_iter().next() {
        return Err(e);
    }
    let part = |name: &str| -> Result<String, Error> {
        let s = f.req_text(name)?;
        if s.chars().count() > MAX_CREDENTIAL_CHARS {
            return Err(Error::new(
                format!("credentials.{name}"),
                "too_long",
                format!("Infobip issues at most {MAX_CREDENTIAL_CHARS} characters"),
            ));
        }
        if !s.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(Error::new(
                format!("credentials.{name}"),
                "invalid",
                "Infobip issues alphanumeric credentials (A-Z, a-z, 0-9)",
            ));
        }
        Ok(s.to_owned())
    };
    let url = |name: &str| -> Result<Option<String>, Error> {
        let Some(s) = f.opt_str(name)? else { return Ok(None) };
        let rest = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://"));
        let host = rest.map(|r| r.split(['/', '?', '#']).next().unwrap_or(""));
        let clean = s.len() <= 2048 && !s.chars().any(|c| c.is_whitespace() || c.is_control());
        match host {
            Some(h) if clean && !h.is_empty() && !h.starts_with(':') && !h.contains('@') => {
                Ok(Some(s.to_owned()))
            }
            _ => Err(Error::new(
                format!("credentials.{name}"),
                "invalid_url",
                "expected an absolute https:// or http:// URL with a host (the URL configured with Infobip)",
            )),
        }
    };
    Ok(StoredCredentials {
        api_id: part("apiId")?,
        key: part("key")?,
        callback_url: url("callbackUrl")?,
        status_url: url("statusUrl")?,
    })
}

/// The record policy's display rule when the configuration names none: first 3 and last 2 characters.
fn default_records_policy() -> DisplayPolicy {
    DisplayPolicy::Replacement { show_first: 3, show_last: 2, unmask_roles: Vec::new() }
}

impl MaskingState {
    /// Creates a session: allocates its proxy numbers (refusing an id already used, code `duplicate_id`),
    /// hashes its PINs and adds it. Store the returned session as is.
    pub fn create_session(&mut self, request: &Value, now: i64) -> Result<Allocation, Error> {
        let allocation = self.allocate(request, now)?;
        self.upsert(allocation.session.clone())?;
        Ok(allocation)
    }

    /// Closes a session at `now`: it stops routing (the closed fallback applies) and its proxy numbers start
    /// their cool-off from `closed_at`. Closing a closed session changes nothing.
    pub fn close_session(&mut self, id: &str, now: i64) -> Result<Closed, Error> {
        let mut session = self
            .session(id)
            .cloned()
            .ok_or_else(|| Error::new("session", "not_found", format!("no session {id:?}")))?;
        if session.status == SessionStatus::Closed {
            return Ok(Closed { session, changed: false });
        }
        session.status = SessionStatus::Closed;
        session.closed_at = Some(now);
        self.upsert(session.clone())?;
        Ok(Closed { session, changed: true })
    }

    /// What `viewer` sees of a number in stored records: the number itself with the unmask privilege (or a
    /// role the records' display scope unmasks), else the records' display policy applied.
    pub fn record_number(&self, number: &str, viewer: &Viewer) -> String {
        if viewer.unmask {
            return number.to_owned();
        }
        self.masked(number, viewer.role.as_deref())
    }

    fn masked(&self, number: &str, role: Option<&str>) -> String {
        let default = default_records_policy();
        let policy =
            self.config.records.display.as_ref().and_then(|s| self.config.display.get(s)).unwrap_or(&default);
        match mask(policy, number, role, self.secret.as_deref()) {
            Ok(d) => d.display,
            Err(_) => "x".repeat(number.chars().count()),
        }
    }

    /// A number as stored in a record: masked for good when the policy says so.
    fn stored_number(&self, number: &str) -> String {
        if self.config.records.store_masked {
            self.masked(number, None)
        } else {
            number.to_owned()
        }
    }

    /// The sessions as `viewer` reads them at `now`, oldest first, optionally only those in state `filter`:
    /// `status` is the state at `now` (`expired` derived), participants' real numbers masked per the records
    /// policy unless the viewer may unmask, PIN hashes replaced by `pin: true`.
    pub fn session_views(&self, filter: Option<SessionState>, now: i64, viewer: &Viewer) -> Vec<Value> {
        self.sessions()
            .iter()
            .filter(|s| filter.is_none_or(|f| s.state_at(now) == f))
            .map(|s| {
                let mut v = serde_json::to_value(s).unwrap_or(Value::Null);
                v["status"] = json!(s.state_at(now));
                if let Some(ps) = v.get_mut("participants").and_then(Value::as_array_mut) {
                    for (p, real) in ps.iter_mut().zip(&s.participants) {
                        p["number"] = json!(self.record_number(&real.number.e164, viewer));
                        if let Some(o) = p.as_object_mut() {
                            if o.remove("pin_hash").is_some() {
                                o.insert("pin".into(), json!(true));
                            }
                        }
                    }
                }
                v
            })
            .collect()
    }

    /// Log rows (call records and status messages, as stored) as `viewer` reads them: the caller, callee and
    /// transfer numbers masked unless the viewer may unmask; stored responses left out.
    pub fn view_records(&self, rows: &Value, viewer: &Viewer) -> Result<Value, Error> {
        let list = rows
            .as_array()
            .ok_or_else(|| Error::new("records", "invalid_type", "expected an array of records"))?;
        Ok(Value::Array(
            list.iter()
                .map(|r| {
                    let mut r = r.clone();
                    if let Some(o) = r.as_object_mut() {
                        o.remove("response");
                        for k in ["from", "transferTo"] {
                            if let Some(Value::String(n)) = o.get(k) {
                                let shown = self.record_number(n, viewer);
                                o.insert(k.into(), json!(shown));
                            }
                        }
                    }
                    r
                })
                .collect(),
        ))
    }

    /// The key a callback's replays are recognised by: its `correlationId`, and for a PIN entry also a keyed
    /// hash of the digits (each new entry on the same call is a new callback; the digits never appear).
    fn replay_key(&self, cb: &CallbackRequest) -> Option<String> {
        let id = cb.correlation_id.as_deref()?;
        match (cb.dtmf_captured, &cb.digits) {
            (None, _) => Some(id.to_owned()),
            (Some(_), digits) => {
                let entered = digits.as_deref().unwrap_or("");
                let tag = self
                    .secret
                    .as_deref()
                    .and_then(|s| keyed_hex(s, &format!("replay:{entered}")))
                    .unwrap_or_default();
                Some(format!("{id}/dtmf/{}", tag.get(..16).unwrap_or("")))
            }
        }
    }

    /// A signed callback, end to end: verify the signature on the raw body (for the configured callback URL,
    /// else `request_url`), read it, recognise a replay through `prior` (the stored [`CallRecord`] under a
    /// replay key, or `None`), route it at `now`, and say what to answer, log and count.
    pub fn callback(
        &mut self,
        body: &str,
        authorization: &str,
        request_url: Option<&str>,
        now: i64,
        prior: &mut dyn FnMut(&str) -> Option<Value>,
    ) -> Result<CallbackResult, Error> {
        self.verify_webhook(WebhookKind::Callback, body, authorization, request_url)?;
        let cb =
            callback_with(&parse_body(body)?, &|field, raw| from_infobip_known(field, raw, &self.known))?;
        let key = self.replay_key(&cb);
        if let Some(first) = key.as_deref().and_then(&mut *prior) {
            let at = first.get("at").and_then(Value::as_i64).unwrap_or(i64::MIN);
            let window = i64::try_from(self.config.replay_window_seconds).unwrap_or(i64::MAX);
            if now.saturating_sub(at) <= window {
                return Ok(CallbackResult {
                    response: first.get("response").cloned(),
                    replayed: true,
                    refused: None,
                    record: None,
                    counters: Vec::new(),
                });
            }
            let refusal = Error::new(
                "authorization",
                "replayed",
                format!(
                    "callback {:?} was routed at {at}, more than {window} s ago: a replay is refused",
                    cb.correlation_id.as_deref().unwrap_or("")
                ),
            );
            let mut trace = Trace::default();
            trace.push("replay", Outcome::Refused, refusal.message.clone());
            return Ok(CallbackResult {
                response: None,
                replayed: false,
                record: Some(self.record(&cb, None, "replay_refused", None, None, now, trace)),
                refused: Some(refusal),
                counters: Vec::new(),
            });
        }
        let routing = self.route(&cb, now);
        self.apply_counters(&routing.counters);
        let response = serde_json::to_value(&routing.response).ok();
        let outcome = serde_json::to_value(routing.outcome)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let record =
            self.record(&cb, key, &outcome, routing.session_id.clone(), response.clone(), now, routing.trace);
        Ok(CallbackResult {
            response,
            replayed: false,
            refused: None,
            record: Some(record),
            counters: routing.counters,
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn record(
        &self,
        cb: &CallbackRequest,
        replay_key: Option<String>,
        outcome: &str,
        session_id: Option<String>,
        response: Option<Value>,
        now: i64,
        trace: Trace,
    ) -> CallRecord {
        CallRecord {
            replay_key,
            correlation_id: cb.correlation_id.clone(),
            outcome: outcome.to_owned(),
            session_id,
            from: cb.from.as_ref().map(|n| self.stored_number(&n.e164)),
            to: Some(cb.to.e164.clone()),
            at: now,
            response,
            trace: if self.config.records.store_masked { Trace::default() } else { trace },
        }
    }

    /// A signed status message: verified (without the unsigned price members), read, and keyed for
    /// de-duplication by `correlationId`, else `nmCorrelationId` (one record per call: Infobip retries).
    pub fn status_record(
        &self,
        body: &str,
        authorization: &str,
        request_url: Option<&str>,
    ) -> Result<StatusRecord, Error> {
        self.verify_webhook(WebhookKind::Status, body, authorization, request_url)?;
        let status = status_from_value(&parse_body(body)?)?;
        let key =
            status.correlation_id.clone().or_else(|| status.nm_correlation_id.clone()).ok_or_else(|| {
                Error::new(
                    "correlationId",
                    "missing",
                    "correlationId or nmCorrelationId is needed to keep the status once per call",
                )
            })?;
        let mut v = serde_json::to_value(&status).unwrap_or(Value::Null);
        if self.config.records.store_masked {
            for k in ["from", "transferTo"] {
                if let Some(Value::String(n)) = v.get(k) {
                    let m = self.stored_number(n);
                    v[k] = json!(m);
                }
            }
        }
        Ok(StatusRecord { key, status: v })
    }
}
