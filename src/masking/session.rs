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

/// One side of a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Participant {
    /// The participant's real number (E.164).
    pub number: Number,
    /// The proxy number this participant dials to reach the other one, and sees as the other's caller ID.
    pub proxy: Number,
}

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
}

impl Session {
    /// Whether the session connects calls at `now`: open and not past `expires_at`.
    pub fn is_live(&self, now: i64) -> bool {
        self.status == SessionStatus::Open && self.expires_at.is_none_or(|t| now < t)
    }
}

/// A session as read from JSON, where proxies may still be missing (an allocation request).
pub(crate) struct SessionDraft {
    pub id: String,
    pub status: SessionStatus,
    pub expires_at: Option<i64>,
    pub ttl_seconds: Option<u64>,
    pub participants: [(Number, Option<Number>); 2],
    pub announcements: Option<Announcements>,
    pub recording: Option<Recording>,
    pub client_reference_id: Option<String>,
    pub fallback: Option<Fallback>,
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
            "conflict",
            "give expires_at or ttl_seconds, not both",
        ));
    }
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
    Some(SessionDraft {
        id: id?,
        status: status?,
        expires_at,
        ttl_seconds,
        participants: participants?,
        announcements,
        recording,
        client_reference_id,
        fallback,
    })
}

fn read_participants(
    f: &Obj<'_>,
    proxies_required: bool,
    numbers: &mut Numbers,
    problems: &mut Vec<Error>,
) -> Option<[(Number, Option<Number>); 2]> {
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
        if let (Some(n), Some(p)) = (number, proxy) {
            read.push((n, p));
        }
    }
    let mut it = read.into_iter();
    let (a, b) = (it.next()?, it.next()?);
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
    Some([a, b])
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
                    "duplicate",
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
    /// The session, when both proxies are known.
    pub(crate) fn into_session(self) -> Option<Session> {
        let [(n0, p0), (n1, p1)] = self.participants;
        Some(Session {
            id: self.id,
            status: self.status,
            expires_at: self.expires_at,
            participants: [Participant { number: n0, proxy: p0? }, Participant { number: n1, proxy: p1? }],
            announcements: self.announcements,
            recording: self.recording,
            client_reference_id: self.client_reference_id,
            fallback: self.fallback,
        })
    }
}
