//! Routing a callback: (caller's real number, called proxy number) → the session → what Infobip does.
//!
//! [`MaskingState`] is built once from the configuration and the sessions and indexes them by
//! (participant, proxy), so a callback is routed with one hash lookup however many sessions are open.
//!
//! - a live session (open, not expired) → `dial` the other participant, showing as caller ID the proxy
//!   through which the callee reaches the caller (so calling back works);
//! - only closed or expired sessions → the session's `fallback`, else the configuration's
//!   `closed_fallback`, else the `not_allowed` audio;
//! - no session → `audio` with the `not_allowed` file;
//! - two live sessions on one key (state that allocation never produces) → `not_allowed`: a caller is never
//!   connected to a party chosen by guess.

use super::allocate::PoolNumber;
use super::config::MaskingConfig;
use super::number::{from_infobip_known, Number};
use super::payload::{callback_with, AudioSource, CallbackRequest, CallbackResponse, Dial};
use super::session::{Fallback, Session, SessionStatus};
use super::signature::{verify, Credentials, WebhookKind};
use crate::error::{Error, Problems};
use crate::policy::reader::parse_body;
use crate::trace::{Outcome, Trace};
use serde::Serialize;
use std::collections::HashMap;

/// How a callback was routed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RouteOutcome {
    /// Dialled the other participant of a live session.
    Connect,
    /// The session is closed: fallback.
    Closed,
    /// The session is open but past `expires_at`: fallback.
    Expired,
    /// No session pairs the caller with the called proxy: `not_allowed`.
    Unknown,
    /// More than one live session on the same key: `not_allowed`.
    Conflict,
    /// The caller's number is withheld: `not_allowed`, or the PIN prompt when configured.
    Withheld,
    /// Asked for a PIN (`captureDtmf`): the first time, or again after a wrong one.
    PinPrompt,
    /// The PIN entered matched a participant: dialled the other one.
    PinJoin,
    /// Too many wrong PINs on this call, or too many failures for this caller or proxy: `not_allowed`.
    PinRefused,
    /// The callback was signed but unusable (its `to` is not a number): `not_allowed`, so Infobip still
    /// gets an answer.
    Invalid,
}

/// The decision for one callback: the response for Infobip, why, and which session decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Routing {
    pub outcome: RouteOutcome,
    pub session_id: Option<String>,
    /// The callback response body to send back to Infobip.
    pub response: CallbackResponse,
    pub trace: Trace,
    /// PIN-attempt counters this decision changes (the host stores them; see [`Counter`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub counters: Vec<Counter>,
}

/// A failure counter for PIN attempts: per call (`call:<correlationId>`), per caller (`caller:<E.164>`) and
/// per proxy number (`proxy:<E.164>`). It counts failures since `since`; a window that has passed starts
/// again from zero.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Counter {
    pub key: String,
    pub count: u64,
    pub since: i64,
}

impl Routing {
    /// The routing as JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// The routing key: (participant's real number, proxy number), as E.164 integers.
pub(crate) type Key = (u64, u64);

/// Configuration plus sessions, indexed for O(1) routing; kept in memory by the worker between calls.
#[derive(Debug, Clone)]
pub struct MaskingState {
    pub(crate) config: MaskingConfig,
    pub(crate) sessions: Vec<Session>,
    by_id: HashMap<String, usize>,
    /// (participant, proxy) → positions in `sessions`, ascending.
    index: HashMap<Key, Vec<usize>>,
    /// proxy → positions of the sessions using it (load counting for allocation).
    by_proxy: HashMap<u64, Vec<usize>>,
    /// participant → positions of its sessions (sticky allocation).
    by_participant: HashMap<u64, Vec<usize>>,
    /// Every number of every session, by key: callbacks from known numbers skip re-normalising.
    pub(crate) known: HashMap<u64, Number>,
    /// The callback URL and credentials, for [`MaskingState::handle_callback`].
    webhook: Option<Webhook>,
    /// The proxy-number pool allocation draws from.
    pub(crate) pool: Vec<PoolNumber>,
    /// The tenant's secret (handed in by the host, which draws it once at random): keys PIN hashes, replay
    /// keys of PIN callbacks and random display tokens. The core draws no randomness itself.
    pub(crate) secret: Option<String>,
    /// PIN failure counters by key.
    pub(crate) counters: HashMap<String, Counter>,
}

/// Where Infobip posts callbacks and status messages, and the credentials it signs them with.
#[derive(Debug, Clone)]
pub struct Webhook {
    /// The callback URL exactly as configured with Infobip (it is part of the signed text); `None`: the URL
    /// the request arrived at.
    pub url: Option<String>,
    /// The status URL, likewise.
    pub status_url: Option<String>,
    pub credentials: Credentials,
}

impl MaskingState {
    /// Indexes `sessions` (oldest first). Two open sessions that share a (participant, proxy) key and can
    /// never expire would always be ambiguous, so they are reported as a problem.
    pub fn new(config: MaskingConfig, sessions: Vec<Session>) -> Result<MaskingState, Problems> {
        let mut state = MaskingState {
            config,
            by_id: HashMap::with_capacity(sessions.len()),
            index: HashMap::with_capacity(sessions.len() * 2),
            by_proxy: HashMap::new(),
            by_participant: HashMap::with_capacity(sessions.len() * 2),
            known: HashMap::with_capacity(sessions.len() * 2),
            webhook: None,
            pool: Vec::new(),
            sessions: Vec::with_capacity(sessions.len()),
            secret: None,
            counters: HashMap::new(),
        };
        let mut problems = Vec::new();
        for (i, s) in sessions.into_iter().enumerate() {
            if let Err(e) = state.upsert(s) {
                problems.push(e.under(&format!("sessions[{i}]")));
            }
        }
        if problems.is_empty() {
            Ok(state)
        } else {
            Err(Problems(problems))
        }
    }

    /// The configuration.
    pub fn config(&self) -> &MaskingConfig {
        &self.config
    }

    /// The sessions, in the order they were added.
    pub fn sessions(&self) -> &[Session] {
        &self.sessions
    }

    /// Adds a session, or replaces the one with the same id (closing a session is replacing it with
    /// `status: closed`). Fails, changing nothing, if it would put two never-expiring open sessions on one key.
    pub fn upsert(&mut self, session: Session) -> Result<(), Error> {
        let existing = self.by_id.get(&session.id).copied();
        if session.status == SessionStatus::Open && session.expires_at.is_none() {
            for (i, p) in session.participants.iter().enumerate() {
                let clash =
                    self.positions(key(p)).iter().map(|&j| (j, self.sessions.get(j))).find(|(j, s)| {
                        Some(*j) != existing
                            && s.is_some_and(|s| s.status == SessionStatus::Open && s.expires_at.is_none())
                    });
                if let Some((_, Some(other))) = clash {
                    return Err(Error::new(
                        format!("participants[{i}].proxy"),
                        "conflict",
                        format!(
                            "{} already reaches the other party through {} in open session {:?}, and neither expires",
                            p.number.e164, p.proxy.e164, other.id
                        ),
                    ));
                }
            }
        }
        let pos = match existing {
            Some(pos) => {
                if let Some(old) = self.sessions.get(pos) {
                    for p in &old.participants {
                        unlink(&mut self.index, key(p), pos);
                        unlink(&mut self.by_proxy, p.proxy.key, pos);
                        unlink(&mut self.by_participant, p.number.key, pos);
                    }
                }
                if let Some(slot) = self.sessions.get_mut(pos) {
                    *slot = session;
                }
                pos
            }
            None => {
                self.by_id.insert(session.id.clone(), self.sessions.len());
                self.sessions.push(session);
                self.sessions.len() - 1
            }
        };
        if let Some(s) = self.sessions.get(pos) {
            for p in &s.participants {
                for n in [&p.number, &p.proxy] {
                    self.known.entry(n.key).or_insert_with(|| n.clone());
                }
            }
            for p in &s.participants {
                link(&mut self.index, key(p), pos);
                link(&mut self.by_proxy, p.proxy.key, pos);
                link(&mut self.by_participant, p.number.key, pos);
            }
        }
        Ok(())
    }

    /// Positions of the sessions where participant `key.0` reaches its partner through `key.1`.
    pub(crate) fn positions(&self, key: Key) -> &[usize] {
        self.index.get(&key).map_or(&[], Vec::as_slice)
    }

    /// The session with this id.
    pub fn session(&self, id: &str) -> Option<&Session> {
        self.by_id.get(id).and_then(|&j| self.sessions.get(j))
    }

    /// The sessions (any state) in which some participant uses `proxy`.
    pub(crate) fn sessions_on(&self, proxy: u64) -> impl Iterator<Item = &Session> {
        let positions = self.by_proxy.get(&proxy).map_or(&[][..], Vec::as_slice);
        positions.iter().filter_map(|&j| self.sessions.get(j))
    }

    /// The proxy `participant` had in its latest session (any status), for sticky allocation.
    pub(crate) fn latest_proxy(&self, participant: u64) -> Option<u64> {
        let last = self.by_participant.get(&participant)?.last()?;
        self.sessions
            .get(*last)?
            .participants
            .iter()
            .find(|p| p.number.key == participant)
            .map(|p| p.proxy.key)
    }

    /// Whether `number` holds `proxy` in a session live at `now` (the uniqueness rule's test).
    pub(crate) fn holds(&self, number: &Number, proxy: &Number, now: i64) -> bool {
        self.positions((number.key, proxy.key))
            .iter()
            .any(|&j| self.sessions.get(j).is_some_and(|s| s.is_live(now)))
    }

    /// Reads a callback request body; numbers of known sessions are recognised without re-normalising.
    pub fn parse_callback(&self, body: &str) -> Result<CallbackRequest, Error> {
        callback_with(&parse_body(body)?, &|field, raw| from_infobip_known(field, raw, &self.known))
    }

    /// Replaces the pool (the host updates `last_released_at` when sessions close).
    pub fn set_pool(&mut self, pool: Vec<PoolNumber>) {
        self.pool = pool;
    }

    /// The proxy-number pool.
    pub fn pool(&self) -> &[PoolNumber] {
        &self.pool
    }

    /// The same state, verifying callbacks for `webhook` in [`MaskingState::handle_callback`].
    pub fn with_webhook(mut self, webhook: Webhook) -> MaskingState {
        self.webhook = Some(webhook);
        self
    }

    /// The same state, with the tenant secret that keys PIN hashes and random display tokens.
    pub fn with_secret(mut self, secret: Option<String>) -> MaskingState {
        self.secret = secret.filter(|s| !s.is_empty());
        self
    }

    /// Verifies a webhook's `Authorization` header on the raw body, for the URL configured for `kind` (or,
    /// when none is, `request_url`).
    pub(crate) fn verify_webhook(
        &self,
        kind: WebhookKind,
        body: &str,
        authorization: &str,
        request_url: Option<&str>,
    ) -> Result<(), Error> {
        let w = self
            .webhook
            .as_ref()
            .ok_or_else(|| Error::new("webhook", "missing", "no callback URL and credentials configured"))?;
        let configured = match kind {
            WebhookKind::Callback => w.url.as_deref(),
            WebhookKind::Status => w.status_url.as_deref(),
        };
        let url = configured
            .or(request_url)
            .ok_or_else(|| Error::new("webhook", "missing", "no webhook URL configured"))?;
        verify(&w.credentials, url, body, kind, authorization).map(|_| ())
    }

    /// The whole callback path: verify the `Authorization` header on the raw body, read it, route it.
    pub fn handle_callback(&self, body: &str, authorization: &str, now: i64) -> Result<Routing, Error> {
        self.verify_webhook(WebhookKind::Callback, body, authorization, None)?;
        self.route_body(body, now)
    }

    /// Routes a callback request body (as received; verify its signature first).
    pub fn route_body(&self, body: &str, now: i64) -> Result<Routing, Error> {
        Ok(self.route(&self.parse_callback(body)?, now))
    }

    /// Routes a callback at `now` (epoch seconds).
    pub fn route(&self, cb: &CallbackRequest, now: i64) -> Routing {
        let Some(from) = &cb.from else {
            let mut trace = {
                let mut t = Trace::default();
                t.push("call", Outcome::Withheld, format!("a withheld number called proxy {}", cb.to.e164));
                t
            };
            if let (super::config::Withheld::Pin, Some(_)) = (self.config.withheld, &self.config.pin) {
                trace.push(
                    "withheld",
                    Outcome::Prompt,
                    "the configuration asks withheld callers for a PIN".to_owned(),
                );
                return self.pin_flow(cb, None, now, trace);
            }
            let response = self.not_allowed(&mut trace);
            return Routing {
                outcome: RouteOutcome::Withheld,
                session_id: None,
                response,
                trace,
                counters: Vec::new(),
            };
        };
        let mut trace = {
            let mut t = Trace::default();
            t.push("call", Outcome::Read, format!("{} called proxy {}", from.e164, cb.to.e164));
            t
        };
        if cb.dtmf_captured.is_some() && self.config.pin.is_some() {
            trace.push("pin", Outcome::Entered, "digits captured after the PIN prompt".to_owned());
            return self.pin_flow(cb, Some(from), now, trace);
        }
        let found: Vec<(&Session, usize)> = self
            .positions((from.key, cb.to.key))
            .iter()
            .filter_map(|&j| self.sessions.get(j))
            .filter_map(|s| side_of(s, from, &cb.to).map(|side| (s, side)))
            .collect();
        let live: Vec<&(&Session, usize)> = found.iter().filter(|(s, _)| s.is_live(now)).collect();
        match (live.as_slice(), found.last()) {
            ([(s, side)], _) => {
                trace.push("session", Outcome::Live, describe(s));
                let callee = other(s, *side);
                trace.push(
                    "dial",
                    Outcome::Connect,
                    format!(
                        "dial {} showing {} (the number through which it calls back)",
                        callee.number.e164, callee.proxy.e164
                    ),
                );
                if s.recording.is_some_and(|r| r.enabled) {
                    trace.push(
                        "recording",
                        Outcome::Enabled,
                        "both parties hear their announcement".to_owned(),
                    );
                }
                let response = dial_other(s, callee);
                Routing {
                    outcome: RouteOutcome::Connect,
                    session_id: Some(s.id.clone()),
                    response,
                    trace,
                    counters: Vec::new(),
                }
            }
            ([], Some((s, _))) => {
                let (outcome, word) = if s.status == SessionStatus::Closed {
                    (RouteOutcome::Closed, Outcome::Closed)
                } else {
                    (RouteOutcome::Expired, Outcome::Expired)
                };
                trace.push("session", word, describe(s));
                let response = self.fallback(s, cb, &mut trace);
                Routing { outcome, session_id: Some(s.id.clone()), response, trace, counters: Vec::new() }
            }
            ([], None) => {
                trace.push(
                    "session",
                    Outcome::Absent,
                    format!("no session gives {} the proxy {}", from.e164, cb.to.e164),
                );
                if self.config.pin.as_ref().is_some_and(|p| p.unknown_callers)
                    && self.pin_reachable(&cb.to, now)
                {
                    return self.pin_flow(cb, Some(from), now, trace);
                }
                Routing {
                    outcome: RouteOutcome::Unknown,
                    session_id: None,
                    response: self.not_allowed(&mut trace),
                    trace,
                    counters: Vec::new(),
                }
            }
            (many, _) => {
                let ids: Vec<&str> = many.iter().map(|(s, _)| s.id.as_str()).collect();
                trace.push(
                    "session",
                    Outcome::Conflict,
                    format!("{} live sessions on one key: {ids:?}", many.len()),
                );
                Routing {
                    outcome: RouteOutcome::Conflict,
                    session_id: None,
                    response: self.not_allowed(&mut trace),
                    trace,
                    counters: Vec::new(),
                }
            }
        }
    }

    pub(crate) fn not_allowed(&self, trace: &mut Trace) -> CallbackResponse {
        trace.push("not_allowed", Outcome::Audio, format!("play {}", audio_name(&self.config.not_allowed)));
        CallbackResponse::Audio(self.config.not_allowed.clone())
    }

    fn fallback(&self, s: &Session, cb: &CallbackRequest, trace: &mut Trace) -> CallbackResponse {
        let (chosen, from) = match (&s.fallback, &self.config.closed_fallback) {
            (Some(f), _) => (f, "the session's fallback"),
            (None, Some(f)) => (f, "the configuration's closed_fallback"),
            (None, None) => {
                trace.push("fallback", Outcome::Absent, "no fallback configured".to_owned());
                return self.not_allowed(trace);
            }
        };
        match chosen {
            Fallback::Dial { number } => {
                trace.push(
                    "fallback",
                    Outcome::Dial,
                    format!("{from}: dial {} showing {}", number.e164, cb.to.e164),
                );
                CallbackResponse::Dial(Dial {
                    phone_number: number.infobip().to_owned(),
                    caller_id: cb.to.infobip().to_owned(),
                    announcements: None,
                    recording: None,
                    client_reference_id: s.client_reference_id.clone(),
                })
            }
            Fallback::Audio { file } => {
                trace.push("fallback", Outcome::Audio, format!("{from}: play {}", audio_name(file)));
                CallbackResponse::Audio(file.clone())
            }
        }
    }
}

/// Adds `pos` to the ascending list under `k`.
fn link<K: std::hash::Hash + Eq>(map: &mut HashMap<K, Vec<usize>>, k: K, pos: usize) {
    let v = map.entry(k).or_default();
    if let Err(at) = v.binary_search(&pos) {
        v.insert(at, pos);
    }
}

/// Removes `pos` from the list under `k`.
fn unlink<K: std::hash::Hash + Eq>(map: &mut HashMap<K, Vec<usize>>, k: K, pos: usize) {
    if let Some(v) = map.get_mut(&k) {
        v.retain(|&j| j != pos);
    }
}

fn key(p: &super::session::Participant) -> Key {
    (p.number.key, p.proxy.key)
}

/// Which participant of `s` is `caller` dialling `proxy`.
fn side_of(s: &Session, caller: &Number, proxy: &Number) -> Option<usize> {
    s.participants.iter().position(|p| p.number.key == caller.key && p.proxy.key == proxy.key)
}

/// Infobip's `dial` of a session's other participant, showing that participant's proxy number: one answer for a
/// routed call and for a caller joined by PIN.
pub(crate) fn dial_other(s: &Session, callee: &super::session::Participant) -> CallbackResponse {
    CallbackResponse::Dial(Dial {
        phone_number: callee.number.infobip().to_owned(),
        caller_id: callee.proxy.infobip().to_owned(),
        announcements: s.announcements.clone(),
        recording: s.recording,
        client_reference_id: s.client_reference_id.clone(),
    })
}

pub(crate) fn other(s: &Session, side: usize) -> &super::session::Participant {
    let [a, b] = &s.participants;
    if side == 0 {
        b
    } else {
        a
    }
}

fn describe(s: &Session) -> String {
    let status = match s.status {
        SessionStatus::Open => "open",
        SessionStatus::Closed => "closed",
    };
    match s.expires_at {
        Some(t) => format!("session {:?} ({status}, expires at {t})", s.id),
        None => format!("session {:?} ({status}, no expiry)", s.id),
    }
}

fn audio_name(a: &AudioSource) -> String {
    match a {
        AudioSource::FileId(id) => format!("file id {id}"),
        AudioSource::FileUrl(url) => url.clone(),
    }
}
