//! Masking sessions: two participants (real numbers), each reaching the other through a proxy number.
//!
//! Participant `i` dials its `proxy` to reach the other participant, and sees that same proxy as the caller
//! ID when the other participant calls it, so calling back always works. The routing key is therefore
//! (participant's real number, proxy number); allocation keeps it unique among live sessions.

use super::number::{Number, Numbers};
use super::payload::{check_client_reference, check_recording, Announcements, AudioSource, Recording};
use crate::error::Error;
use crate::policy::reader::{note, Obj};
use serde::Serialize;
use serde_json::Value;

/// Whether a session still connects its participants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionStatus {
    Open,
    Closed,
}

/// A session's state at a given time: the stored status with expiry applied (derived from `now` on every
/// read, so no background job is needed: a session is expired from the first second at or after
/// `expires_at`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionState {
    Open,
    Closed,
    Expired,
}

impl SessionState {
    /// Reads `open`, `closed` or `expired` (the `?status=` filter).
    pub fn parse(field: &str, s: &str) -> Result<SessionState, Error> {
        match s {
            "open" => Ok(SessionState::Open),
            "closed" => Ok(SessionState::Closed),
            "expired" => Ok(SessionState::Expired),
            other => Err(Error::new(
                field,
                "unknown_value",
                format!("{other:?} is not a session state (open, closed, expired)"),
            )),
        }
    }
}

/// One side of a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Participant {
    /// The participant's real number (E.164).
    pub number: Number,
    /// The proxy number this participant dials to reach the other one, and sees as the other's caller ID.
    pub proxy: Number,
    /// `HMAC-SHA256(tenant secret, "pin:" + digits)`, hex: a caller from any number who enters this PIN at
    /// the proxy is connected as this participant. The PIN itself is never stored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pin_hash: Option<String>,
}

/// A participant's PIN as read: the digits of a new session's request, or the stored hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PinInput {
    Digits(String),
    Hash(String),
}

/// Shortest and longest PIN (Plivo's bounds: 4 to 15 digits; Infobip's `maxLength` default is 15).
pub const PIN_DIGITS: std::ops::RangeInclusive<usize> = 4..=15;

/// What a call on a closed or expired session gets instead of the other participant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Fallback {
    /// Dial this number (e.g. a call centre), showing the called proxy number as caller ID.
    Dial { number: Number },
    /// Play this file and hang up.
    Audio {
        #[serde(flatten)]
        file: AudioSource,
    },
}

impl Fallback {
    /// Reads `{"action": "dial", "number": "+41…"}` or `{"action": "audio", "fileUrl"|"fileId": …}`.
    pub(crate) fn from_value(v: &Value, path: &str) -> Result<Fallback, Error> {
        let f = Obj::of(v, path)?;
        match f.req_text("action")? {
            "dial" => Ok(Fallback::Dial {
                number: Number::international(&f.path("number"), f.req_text("number")?)?,
            }),
            "audio" => Ok(Fallback::Audio { file: AudioSource::from_obj(&f, path)? }),
            other => Err(Error::new(
                f.path("action"),
                "unknown_value",
                format!("{other:?} is not a fallback action (dial, audio)"),
            )),
        }
    }
}

/// A masking session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Session {
    /// The host's id for the session (unique among the sessions it passes in).
    pub id: String,
    pub status: SessionStatus,
    /// Epoch seconds after which the session no longer connects (`null`: no expiry).
    pub expires_at: Option<i64>,
    pub participants: [Participant; 2],
    /// Announcements played on every call (required for both parties when recording).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub announcements: Option<Announcements>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recording: Option<Recording>,
    /// Sent to Infobip as `clientReferenceId` (≤ 200 characters): it comes back in the status message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_reference_id: Option<String>,
    /// Overrides the configuration's `closed_fallback` for this session.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fallback: Option<Fallback>,
    /// Epoch seconds when the session was closed (set by [`MaskingState::close_session`]).
    ///
    /// [`MaskingState::close_session`]: super::route::MaskingState::close_session
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<i64>,
    /// Infobip's "number reservation": while the session is live, its proxy numbers are held for it alone
    /// (no other session is allocated them); released, with the cool-off, when it closes or expires.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub hold_numbers: bool,
}

impl Session {
    /// Whether the session connects calls at `now`: open and not past `expires_at`.
    pub fn is_live(&self, now: i64) -> bool {
        self.status == SessionStatus::Open && self.expires_at.is_none_or(|t| now < t)
    }

    /// The session's state at `now`: closed, expired (open but past `expires_at`) or open.
    pub fn state_at(&self, now: i64) -> SessionState {
        match self.status {
            SessionStatus::Closed => SessionState::Closed,
            SessionStatus::Open if self.is_live(now) => SessionState::Open,
            SessionStatus::Open => SessionState::Expired,
        }
    }

    /// When the session released its proxy numbers, as seen at `now`: its `closed_at`, or its `expires_at`
    /// once passed. Closing and expiring release alike, so the cool-off counts from either.
    pub fn released_at(&self, now: i64) -> Option<i64> {
        match self.status {
            SessionStatus::Closed => self.closed_at.or(self.expires_at.filter(|&t| t <= now)),
            SessionStatus::Open => self.expires_at.filter(|&t| t <= now),
        }
    }
}

/// Both participants' (number, proxy if known).
type Pair = [(Number, Option<Number>); 2];

/// A session as read from JSON, where proxies may still be missing (an allocation request).
pub(crate) struct SessionDraft {
    pub id: String,
    pub status: SessionStatus,
    pub expires_at: Option<i64>,
    pub ttl_seconds: Option<u64>,
    pub participants: [(Number, Option<Number>); 2],
    pub pins: [Option<PinInput>; 2],
    pub announcements: Option<Announcements>,
    pub recording: Option<Recording>,
    pub client_reference_id: Option<String>,
    pub fallback: Option<Fallback>,
    pub closed_at: Option<i64>,
    pub hold_numbers: bool,
}

/// Reads a session (or, with `proxies_required` false, an allocation request) at `path`, pushing every
/// problem found onto `problems`.
pub(crate) fn read_session(
    v: &Value,
    path: &str,
    proxies_required: bool,
    numbers: &mut Numbers,
    problems: &mut Vec<Error>,
) -> Option<SessionDraft> {
    let before = problems.len();
    let f = note(problems, Obj::of(v, path))?;
    let id = note(problems, f.req_text("id")).map(str::to_owned);
    let status = note(
        problems,
        match f.opt_str("status") {
            Ok(None) | Ok(Some("open")) => Ok(SessionStatus::Open),
            Ok(Some("closed")) => Ok(SessionStatus::Closed),
            Ok(Some(other)) => Err(Error::new(
                f.path("status"),
                "unknown_value",
                format!("{other:?} is not a session status (open, closed)"),
            )),
            Err(e) => Err(e),
        },
    );
    let expires_at = note(problems, f.opt_i64("expires_at")).flatten();
    let ttl_seconds =
        if proxies_required { None } else { note(problems, f.opt_u64("ttl_seconds", false)).flatten() };
    if !proxies_required && expires_at.is_some() && ttl_seconds.is_some() {
        problems.push(Error::new(
            f.path("ttl_seconds"),
            "mutually_exclusive",
            "give expires_at or ttl_seconds, not both",
        ));
    }
    let closed_at = note(problems, f.opt_i64("closed_at")).flatten();
    let hold_numbers = note(problems, f.opt_bool("hold_numbers", false)).flatten().unwrap_or(false);
    let participants = read_participants(&f, proxies_required, numbers, problems);
    let announcements = note(
        problems,
        f.get("announcements").map(|a| Announcements::from_value(a, &f.path("announcements"))).transpose(),
    )
    .flatten();
    let recording = note(
        problems,
        f.get("recording").map(|r| Recording::from_value(r, &f.path("recording"))).transpose(),
    )
    .flatten();
    note(problems, check_recording(recording.as_ref(), announcements.as_ref(), path));
    let client_reference_id = note(problems, f.opt_str("client_reference_id")).flatten().map(str::to_owned);
    if let Some(c) = &client_reference_id {
        note(problems, check_client_reference(&f.path("client_reference_id"), c));
    }
    let fallback =
        note(problems, f.get("fallback").map(|x| Fallback::from_value(x, &f.path("fallback"))).transpose())
            .flatten();
    if problems.len() > before {
        return None;
    }
    let (participants, pins) = participants?;
    Some(SessionDraft {
        id: id?,
        status: status?,
        expires_at,
        ttl_seconds,
        participants,
        pins,
        announcements,
        recording,
        client_reference_id,
        fallback,
        closed_at,
        hold_numbers,
    })
}

fn read_participants(
    f: &Obj<'_>,
    proxies_required: bool,
    numbers: &mut Numbers,
    problems: &mut Vec<Error>,
) -> Option<(Pair, [Option<PinInput>; 2])> {
    let list = note(problems, f.opt_array("participants"))?;
    let path = f.path("participants");
    let Some(list) = list else {
        problems.push(Error::new(path, "missing", "required field is missing"));
        return None;
    };
    if list.len() != 2 {
        problems.push(Error::new(
            path,
            "invalid_length",
            format!("a session pairs exactly 2 participants, got {}", list.len()),
        ));
        return None;
    }
    let mut read = Vec::with_capacity(2);
    for (i, p) in list.iter().enumerate() {
        let at = format!("{path}[{i}]");
        let Some(pf) = note(problems, Obj::of(p, &at)) else { continue };
        let number =
            note(problems, pf.req_text("number").and_then(|n| numbers.international(&pf.path("number"), n)));
        let proxy = match pf.opt_str("proxy") {
            Ok(Some(x)) => note(problems, numbers.international(&pf.path("proxy"), x)).map(Some),
            Ok(None) if proxies_required => {
                problems.push(Error::new(pf.path("proxy"), "missing", "required field is missing"));
                None
            }
            Ok(None) => Some(None),
            Err(e) => {
                problems.push(e);
                None
            }
        };
        let pin = read_pin(&pf, proxies_required, problems);
        if let (Some(n), Some(p), Some(pin)) = (number, proxy, pin) {
            read.push((n, p, pin));
        }
    }
    let mut it = read.into_iter();
    let ((a0, a1, pa), (b0, b1, pb)) = (it.next()?, it.next()?);
    let (a, b) = ((a0, a1), (b0, b1));
    if a.0 == b.0 {
        problems.push(Error::new(
            format!("{path}[1].number"),
            "duplicate",
            "both participants have the same real number",
        ));
        return None;
    }
    for (i, (n, p)) in [&a, &b].into_iter().enumerate() {
        if p.as_ref() == Some(n) {
            problems.push(Error::new(
                format!("{path}[{i}].proxy"),
                "is_participant",
                "a proxy cannot be the participant's own number",
            ));
        }
    }
    if let (Some(PinInput::Digits(x)), Some(PinInput::Digits(y))) = (&pa, &pb) {
        if x == y {
            problems.push(Error::new(
                format!("{path}[1].pin"),
                "duplicate",
                "the participants' PINs must differ (a PIN names the participant it connects)",
            ));
        }
    }
    Some(([a, b], [pa, pb]))
}

/// Reads a participant's `pin` (a new session: 4-15 digits) or `pin_hash` (a stored session). `None`: a
/// problem was recorded.
fn read_pin(pf: &Obj<'_>, stored: bool, problems: &mut Vec<Error>) -> Option<Option<PinInput>> {
    let (key, other) = if stored { ("pin_hash", "pin") } else { ("pin", "pin_hash") };
    if pf.has(other) {
        let why = if stored {
            "a stored session holds pin_hash; the PIN itself is never stored"
        } else {
            "give the PIN as pin (digits); pin_hash is computed from it"
        };
        problems.push(Error::new(pf.path(other), "not_allowed_here", why));
        return None;
    }
    let raw = note(problems, pf.opt_str(key))?;
    let Some(raw) = raw else { return Some(None) };
    if stored {
        if raw.len() != 64 || !raw.bytes().all(|b| b.is_ascii_hexdigit()) {
            problems.push(Error::new(pf.path(key), "invalid", "expected 64 hex digits (HMAC-SHA256)"));
            return None;
        }
        return Some(Some(PinInput::Hash(raw.to_ascii_lowercase())));
    }
    if !raw.bytes().all(|b| b.is_ascii_digit()) || !PIN_DIGITS.contains(&raw.len()) {
        problems.push(Error::new(
            pf.path(key),
            "invalid_pin",
            format!("a PIN is {} to {} digits 0-9", PIN_DIGITS.start(), PIN_DIGITS.end()),
        ));
        return None;
    }
    Some(Some(PinInput::Digits(raw.to_owned())))
}

/// Reads a list of sessions, reporting every problem with its path (`sessions[3].participants[0].proxy`)
/// and duplicate ids.
pub fn read_sessions(v: &Value, path: &str) -> Result<Vec<Session>, crate::error::Problems> {
    let mut problems = Vec::new();
    let Some(list) = v.as_array() else {
        return Err(Error::new(
            path,
            "invalid_type",
            format!("expected an array, got {}", crate::policy::reader::type_name(v)),
        )
        .into());
    };
    let mut sessions = Vec::with_capacity(list.len());
    let mut ids = std::collections::HashSet::with_capacity(list.len());
    let mut numbers = Numbers::default();
    for (i, s) in list.iter().enumerate() {
        let at = format!("{path}[{i}]");
        if let Some(d) = read_session(s, &at, true, &mut numbers, &mut problems) {
            if !ids.insert(d.id.clone()) {
                problems.push(Error::new(
                    format!("{at}.id"),
                    "duplicate_id",
                    format!("session id {:?} appears twice", d.id),
                ));
            }
            if let Some(s) = d.into_session() {
                sessions.push(s);
            }
        }
    }
    if problems.is_empty() {
        Ok(sessions)
    } else {
        Err(crate::error::Problems(problems))
    }
}

/// Reads one session.
pub fn read_one_session(v: &Value, path: &str) -> Result<Session, crate::error::Problems> {
    let mut problems = Vec::new();
    match read_session(v, path, true, &mut Numbers::default(), &mut problems)
        .and_then(SessionDraft::into_session)
    {
        Some(s) if problems.is_empty() => Ok(s),
        _ if problems.is_empty() => Err(Error::new(path, "invalid", "incomplete session").into()),
        _ => Err(crate::error::Problems(problems)),
    }
}

impl SessionDraft {
    /// The session, when both proxies are known; a PIN still in digits is hashed with `hash`.
    pub(crate) fn into_session_with(self, hash: &dyn Fn(&str) -> Option<String>) -> Option<Session> {
        let [(n0, p0), (n1, p1)] = self.participants;
        let [h0, h1] = self.pins.map(|p| match p {
            None => Some(None),
            Some(PinInput::Hash(h)) => Some(Some(h)),
            Some(PinInput::Digits(d)) => hash(&d).map(Some),
        });
        Some(Session {
            id: self.id,
            status: self.status,
            expires_at: self.expires_at,
            participants: [
                Participant { number: n0, proxy: p0?, pin_hash: h0? },
                Participant { number: n1, proxy: p1?, pin_hash: h1? },
            ],
            announcements: self.announcements,
            recording: self.recording,
            client_reference_id: self.client_reference_id,
            fallback: self.fallback,
            closed_at: self.closed_at,
            hold_numbers: self.hold_numbers,
        })
    }

    /// The session, when both proxies are known and no PIN needs hashing.
    pub(crate) fn into_session(self) -> Option<Session> {
        self.into_session_with(&|_| None)
    }
}
