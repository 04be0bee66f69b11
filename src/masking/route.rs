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
}

/// The decision for one callback: the response for Infobip, why, and which session decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Routing {
    pub outcome: RouteOutcome,
    pub session_id: Option<String>,
    /// The callback response body to send back to Infobip.
    pub response: CallbackResponse,
    pub trace: Trace,
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
    known: HashMap<u64, Number>,
    /// The callback URL and credentials, for [`MaskingState::handle_callback`].
    webhook: Option<Webhook>,
    /// The proxy-number pool allocation draws from.
    pub(crate) pool: Vec<PoolNumber>,
}

/// Where Infobip posts callbacks and the credentials it signs them with.
#[derive(Debug, Clone)]
pub struct Webhook {
    /// The callback URL exactly as configured with Infobip (it is part of the signed text).
    pub url: String,
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

    /// Live (participant, `proxy`) assignments at `now`: the proxy number's load.
    pub(crate) fn load(&self, proxy: u64, now: i64) -> u64 {
        let sessions = self.by_proxy.get(&proxy).map_or(&[][..], Vec::as_slice);
        let live = sessions.iter().filter_map(|&j| self.sessions.get(j)).filter(|s| s.is_live(now));
        live.map(|s| s.participants.iter().filter(|p| p.proxy.key == proxy).count() as u64).sum()
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

    /// The whole callback path: verify the `Authorization` header on the raw body, read it, route it.
    pub fn handle_callback(&self, body: &str, authorization: &str, now: i64) -> Result<Routing, Error> {
        let w = self
            .webhook
            .as_ref()
            .ok_or_else(|| Error::new("webhook", "missing", "no callback URL and credentials configured"))?;
        verify(&w.credentials, &w.url, body, WebhookKind::Callback, authorization)?;
        self.route_body(body, now)
    }

    /// Routes a callback request body (as received; verify its signature first).
    pub fn route_body(&self, body: &str, now: i64) -> Result<Routing, Error> {
        Ok(self.route(&self.parse_callback(body)?, now))
    }

    /// Routes a callback at `now` (epoch seconds).
    pub fn route(&self, cb: &CallbackRequest, now: i64) -> Routing {
        let mut trace = Trace::default();
        trace.push("call", Outcome::Read, format!("{} called proxy {}", cb.from.e164, cb.to.e164));
        let found: Vec<(&Session, usize)> = self
            .positions((cb.from.key, cb.to.key))
            .iter()
            .filter_map(|&j| self.sessions.get(j))
            .filter_map(|s| side_of(s, &cb.from, &cb.to).map(|side| (s, side)))
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
                let response = CallbackResponse::Dial(Dial {
                    phone_number: callee.number.infobip().to_owned(),
                    caller_id: callee.proxy.infobip().to_owned(),
                    announcements: s.announcements.clone(),
                    recording: s.recording,
                    client_reference_id: s.client_reference_id.clone(),
                });
                Routing { outcome: RouteOutcome::Connect, session_id: Some(s.id.clone()), response, trace }
            }
            ([], Some((s, _))) => {
                let (outcome, word) = if s.status == SessionStatus::Closed {
                    (RouteOutcome::Closed, Outcome::Closed)
                } else {
                    (RouteOutcome::Expired, Outcome::Expired)
                };
                trace.push("session", word, describe(s));
                let response = self.fallback(s, cb, &mut trace);
                Routing { outcome, session_id: Some(s.id.clone()), response, trace }
            }
            ([], None) => {
                trace.push(
                    "session",
                    Outcome::Absent,
                    format!("no session gives {} the proxy {}", cb.from.e164, cb.to.e164),
                );
                Routing {
                    outcome: RouteOutcome::Unknown,
                    session_id: None,
                    response: self.not_allowed(&mut trace),
                    trace,
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
                }
            }
        }
    }

    fn not_allowed(&self, trace: &mut Trace) -> CallbackResponse {
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

fn other(s: &Session, side: usize) -> &super::session::Participant {
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
