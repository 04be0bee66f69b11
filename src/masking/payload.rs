//! Infobip number-masking webhook payloads in Infobip's own field names: the callback request (an inbound
//! call asks what to do), the callback response (`dial`, `audio` or `captureDtmf`) and the status message
//! (the summary sent when the call ends). Unknown members are tolerated and ignored; a missing or malformed
//! member that matters gives an [`Error`] naming it.

use super::number::Number;
use crate::error::Error;
use crate::policy::reader::{parse_body, type_name, Obj};
use serde::Serialize;
use serde_json::Value;

/// Longest `clientReferenceId` Infobip accepts (it also names SFTP recording files).
pub const MAX_CLIENT_REFERENCE_ID: usize = 200;

/// The callback request Infobip posts to the callback URL when a masking number is called.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CallbackRequest {
    /// The caller's real number (E.164 once read); `null` when withheld: `from` absent, empty, a word such
    /// as `anonymous`, `withheld`, `private`, `unknown`, or anything that is not an international number.
    pub from: Option<Number>,
    /// The called masking (proxy) number.
    pub to: Number,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nm_correlation_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<String>,
    /// Present (true) only on the callback that follows a `captureDtmf` command.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dtmf_captured: Option<bool>,
    /// The digits captured, when `dtmfCaptured` carries them as a string. Never serialised: they may be a PIN.
    #[serde(skip)]
    pub digits: Option<String>,
}

/// Whether a caller text means "no number" (case-insensitive): empty, or a word carriers use for a
/// withheld caller ID.
fn withheld_word(raw: &str) -> bool {
    let t = raw.trim().to_ascii_lowercase();
    t.is_empty()
        || ["anonymous", "withheld", "private", "unknown", "restricted", "unavailable", "null"]
            .contains(&t.as_str())
}

/// Reads a callback request body.
pub fn parse_callback(body: &str) -> Result<CallbackRequest, Error> {
    callback_from_value(&parse_body(body)?)
}

/// Reads a callback request already parsed as JSON.
pub fn callback_from_value(v: &Value) -> Result<CallbackRequest, Error> {
    callback_with(v, &Number::from_infobip)
}

/// Reads a callback request, reading its numbers with `number(field, raw)`.
pub(crate) fn callback_with(
    v: &Value,
    number: &dyn Fn(&str, &str) -> Result<Number, Error>,
) -> Result<CallbackRequest, Error> {
    let f = Obj::of(v, "")?;
    // A withheld or unusable caller is not an error: the call is real and Infobip needs an answer.
    let from = match f.get("from") {
        None => None,
        Some(Value::String(s)) if withheld_word(s) => None,
        Some(Value::String(s)) => number("from", s).ok(),
        Some(other) => {
            return Err(Error::new(
                "from",
                "invalid_type",
                format!("expected a string, got {}", type_name(other)),
            ))
        }
    };
    let (dtmf_captured, digits) = match f.get("dtmfCaptured") {
        None => (None, None),
        Some(Value::String(s)) if s.bytes().all(|b| b.is_ascii_digit() || b == b'*' || b == b'#') => {
            (Some(true), Some(s.trim_end_matches('#').to_owned()))
        }
        Some(_) => (f.opt_bool("dtmfCaptured", true)?, None),
    };
    Ok(CallbackRequest {
        from,
        to: number("to", f.req_text("to")?)?,
        nm_correlation_id: f.opt_str("nmCorrelationId")?.map(str::to_owned),
        correlation_id: f.opt_str("correlationId")?.map(str::to_owned),
        dtmf_captured,
        digits,
    })
}

/// An audio file for Infobip to play: an uploaded file's id or a URL (Infobip's spelling, as sent to it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum AudioSource {
    #[serde(rename = "fileId")]
    FileId(String),
    #[serde(rename = "fileUrl")]
    FileUrl(String),
}

impl AudioSource {
    /// Reads `{"fileId": …}` or `{"fileUrl": …}` (exactly one) at `path`.
    pub(crate) fn from_value(v: &Value, path: &str) -> Result<AudioSource, Error> {
        let f = Obj::of(v, path)?;
        Self::from_obj(&f, path)
    }

    /// Reads the `fileId` / `fileUrl` members of an object that may hold other members too.
    pub(crate) fn from_obj(f: &Obj<'_>, path: &str) -> Result<AudioSource, Error> {
        match (f.opt_str("fileId")?, f.opt_str("fileUrl")?) {
            (Some(id), None) => Ok(AudioSource::FileId(id.to_owned())),
            (None, Some(url)) => Ok(AudioSource::FileUrl(url.to_owned())),
            (Some(_), Some(_)) => Err(Error::new(
                f.path("fileUrl"),
                "mutually_exclusive",
                "give either fileId or fileUrl, not both",
            )),
            (None, None) => Err(Error::new(
                if path.is_empty() { "fileUrl" } else { path },
                "missing",
                "one of fileId or fileUrl is required",
            )),
        }
    }
}

/// Announcements played before a dialled call is bridged: to the caller, and to the callee on answer.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Announcements {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caller: Option<AudioSource>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub callee: Option<AudioSource>,
}

impl Announcements {
    pub(crate) fn from_value(v: &Value, path: &str) -> Result<Announcements, Error> {
        let f = Obj::of(v, path)?;
        let side = |key: &str| f.get(key).map(|v| AudioSource::from_value(v, &f.path(key))).transpose();
        Ok(Announcements { caller: side("caller")?, callee: side("callee")? })
    }

    /// Whether both parties hear an announcement, as recording requires (they must be told).
    pub fn both(&self) -> bool {
        self.caller.is_some() && self.callee.is_some()
    }
}

/// Recording flags of a dial response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Recording {
    pub enabled: bool,
    /// Whether the callee announcement is part of the recording (Infobip's default: true).
    pub record_callee_announcement: bool,
}

impl Recording {
    pub(crate) fn from_value(v: &Value, path: &str) -> Result<Recording, Error> {
        let f = Obj::of(v, path)?;
        Ok(Recording {
            enabled: f.opt_bool("enabled", false)?.unwrap_or(false),
            record_callee_announcement: f.opt_bool("recordCalleeAnnouncement", false)?.unwrap_or(true),
        })
    }
}

/// Checks the rule Infobip states for recording: announcements for both parties are required.
pub(crate) fn check_recording(
    recording: Option<&Recording>,
    announcements: Option<&Announcements>,
    path: &str,
) -> Result<(), Error> {
    let wanted = recording.is_some_and(|r| r.enabled);
    let missing = |side: &str| {
        Error::new(
            crate::error::join_path(path, &format!("announcements.{side}")),
            "required_for_recording",
            format!("recording is enabled, so the {side} must hear an announcement"),
        )
    };
    match announcements {
        _ if !wanted => Ok(()),
        None => Err(missing("caller")),
        Some(a) if a.caller.is_none() => Err(missing("caller")),
        Some(a) if a.callee.is_none() => Err(missing("callee")),
        Some(_) => Ok(()),
    }
}

/// Checks a `clientReferenceId` is at most 200 characters (emptiness is checked where it is read).
pub(crate) fn check_client_reference(field: &str, id: &str) -> Result<(), Error> {
    let n = id.chars().count();
    if n > MAX_CLIENT_REFERENCE_ID {
        return Err(Error::new(
            field,
            "too_long",
            format!("{n} characters; Infobip allows at most {MAX_CLIENT_REFERENCE_ID}"),
        ));
    }
    Ok(())
}

/// `command: "dial"`: call `phoneNumber` showing `callerId`, bridge on answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Dial {
    /// Destination, international digits without `+`.
    pub phone_number: String,
    /// Caller ID shown to the called party, international digits without `+`.
    pub caller_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub announcements: Option<Announcements>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recording: Option<Recording>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_reference_id: Option<String>,
}

/// `command: "captureDtmf"`: play a prompt, collect digits, then call back with `dtmfCaptured`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CaptureDtmf {
    #[serde(flatten)]
    pub prompt: AudioSource,
    /// Maximum number of digits (Infobip's default 15).
    pub max_length: u64,
    /// Milliseconds to wait for the first digit.
    pub timeout: u64,
    /// Milliseconds between digits (Infobip: defaults to `timeout`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digit_timeout: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub terminator: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub add_country_code: Option<bool>,
}

/// What Infobip should do with the call: the body of the callback response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "command")]
pub enum CallbackResponse {
    #[serde(rename = "dial")]
    Dial(Dial),
    /// Play the file, then hang up.
    #[serde(rename = "audio")]
    Audio(AudioSource),
    #[serde(rename = "captureDtmf")]
    CaptureDtmf(CaptureDtmf),
}

impl CallbackResponse {
    /// The response as JSON text, ready to send.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Reads and checks a callback response against Infobip's schema (for the admin page's debugging tool and
/// for tests): required members present, one audio source, recording only with both announcements,
/// `clientReferenceId` within 200 characters.
pub fn response_from_value(v: &Value) -> Result<CallbackResponse, Error> {
    let f = Obj::of(v, "")?;
    match f.req_text("command")? {
        "dial" => {
            let announcements =
                f.get("announcements").map(|a| Announcements::from_value(a, "announcements")).transpose()?;
            let recording = f.get("recording").map(|r| Recording::from_value(r, "recording")).transpose()?;
            check_recording(recording.as_ref(), announcements.as_ref(), "")?;
            let client_reference_id = f.opt_str("clientReferenceId")?.map(str::to_owned);
            if let Some(id) = &client_reference_id {
                check_client_reference("clientReferenceId", id)?;
            }
            Ok(CallbackResponse::Dial(Dial {
                phone_number: Number::from_infobip("phoneNumber", f.req_text("phoneNumber")?)?
                    .infobip()
                    .to_owned(),
                caller_id: Number::from_infobip("callerId", f.req_text("callerId")?)?.infobip().to_owned(),
                announcements,
                recording,
                client_reference_id,
            }))
        }
        "audio" => Ok(CallbackResponse::Audio(AudioSource::from_obj(&f, "")?)),
        "captureDtmf" => Ok(CallbackResponse::CaptureDtmf(CaptureDtmf {
            prompt: AudioSource::from_obj(&f, "")?,
            max_length: f.opt_u64("maxLength", false)?.unwrap_or(15),
            timeout: f
                .opt_u64("timeout", false)?
                .ok_or_else(|| Error::new("timeout", "missing", "required field is missing"))?,
            digit_timeout: f.opt_u64("digitTimeout", false)?,
            terminator: f.opt_str("terminator")?.map(str::to_owned),
            add_country_code: f.opt_bool("addCountryCode", false)?,
        })),
        other => Err(Error::new(
            "command",
            "unknown_value",
            format!("{other:?} is not an Infobip command (dial, audio, captureDtmf)"),
        )),
    }
}

/// The status message Infobip posts to the status URL when a masked call ends: the session summary.
///
/// Durations and the price may arrive as numbers or as decimal strings (Infobip's own example mixes both);
/// the file id arrives as `fileID` (Infobip's model) or `fileId` (its docs' example) and is returned as
/// `fileId`. A member repeated in the body takes its last value, as `JSON.parse` does.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusMessage {
    /// The command that was executed: `dial`, `audio` or `captureDtmf`.
    pub action: Option<String>,
    pub from: Number,
    pub to: Number,
    /// The number the call was transferred to (the dialled participant).
    pub transfer_to: Option<Number>,
    /// Outbound call duration, seconds.
    pub duration: Option<u64>,
    /// `answered`, `busy`, `no answer`, `failed`, `congestion` (kept as sent).
    pub status: Option<String>,
    pub nm_correlation_id: Option<String>,
    pub file_id: Option<String>,
    pub file_url: Option<String>,
    pub ringing_time: Option<String>,
    pub answered_time: Option<String>,
    pub correlation_id: Option<String>,
    /// Inbound call duration, seconds.
    pub inbound_duration: Option<u64>,
    /// Outbound duration after the billing model (1/1, 15/15, …) is applied, seconds.
    pub calculated_duration: Option<u64>,
    /// Price of the outbound leg in cents per second.
    pub price_per_second: Option<f64>,
    pub currency: Option<String>,
    pub recording_file_id: Option<String>,
    pub record_callee_announcement: Option<bool>,
    /// `HOSTED`, `SFTP` or `FAILED` (kept as sent).
    pub recording_status: Option<String>,
    /// `HUMAN` or `MACHINE` (kept as sent).
    pub machine_detection_result: Option<String>,
    pub client_reference_id: Option<String>,
}

/// Reads a status message body.
pub fn parse_status(body: &str) -> Result<StatusMessage, Error> {
    status_from_value(&parse_body(body)?)
}

/// Reads a status message already parsed as JSON.
pub fn status_from_value(v: &Value) -> Result<StatusMessage, Error> {
    let f = Obj::of(v, "")?;
    let s = |k: &str| f.opt_str(k).map(|o| o.map(str::to_owned));
    let file_id = match (s("fileID")?, s("fileId")?) {
        (Some(a), Some(b)) if a != b => {
            return Err(Error::new("fileId", "mismatch", "fileID and fileId disagree"));
        }
        (a, b) => a.or(b),
    };
    Ok(StatusMessage {
        action: s("action")?,
        from: Number::from_infobip("from", f.req_text("from")?)?,
        to: Number::from_infobip("to", f.req_text("to")?)?,
        transfer_to: f.opt_str("transferTo")?.map(|t| Number::from_infobip("transferTo", t)).transpose()?,
        duration: f.opt_u64("duration", true)?,
        status: s("status")?,
        nm_correlation_id: s("nmCorrelationId")?,
        file_id,
        file_url: s("fileUrl")?,
        ringing_time: s("ringingTime")?,
        answered_time: s("answeredTime")?,
        correlation_id: s("correlationId")?,
        inbound_duration: f.opt_u64("inboundDuration", true)?,
        calculated_duration: f.opt_u64("calculatedDuration", true)?,
        price_per_second: f.opt_f64("pricePerSecond", true)?,
        currency: s("currency")?,
        recording_file_id: s("recordingFileId")?,
        record_callee_announcement: f.opt_bool("recordCalleeAnnouncement", true)?,
        recording_status: s("recordingStatus")?,
        machine_detection_result: s("machineDetectionResult")?,
        client_reference_id: s("clientReferenceId")?,
    })
}
