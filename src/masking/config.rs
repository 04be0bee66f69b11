//! The masking configuration: what unknown and closed-session calls get, how proxy numbers are allocated,
//! and how each display scope masks numbers. [`MaskingConfig::from_value`] reports every problem at once,
//! each with its JSON path.

use super::display::DisplayPolicy;
use super::payload::AudioSource;
use super::session::Fallback;
use crate::error::{Error, Problems};
use crate::policy::reader::{note, Obj};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// How strongly allocation prefers proxy numbers near the participant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GeoMatch {
    /// Pool order and load only.
    Off,
    /// Prefer numbers of the participant's country.
    Country,
    /// Prefer the participant's area code, then country.
    AreaCode,
}

/// Rules for picking proxy numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AllocationRules {
    /// Default `country`.
    pub geo_match: GeoMatch,
    /// Prefer the proxy number the participant had in its latest session (Twilio's `prefer-sticky`).
    pub sticky: bool,
    /// Seconds a released number rests before another allocation may take it (Plivo's cool-off).
    pub cooloff_seconds: u64,
    /// At most this many live (participant, proxy) assignments per proxy number; `null`: no limit (Twilio
    /// recommends at most 100 participants per number).
    pub max_participants_per_number: Option<u64>,
    /// Lifetime of a new session when the request gives neither `expires_at` nor `ttl_seconds`.
    pub default_ttl_seconds: Option<u64>,
}

impl Default for AllocationRules {
    fn default() -> Self {
        AllocationRules {
            geo_match: GeoMatch::Country,
            sticky: false,
            cooloff_seconds: 0,
            max_participants_per_number: None,
            default_ttl_seconds: None,
        }
    }
}

/// PIN-gated join: how a caller who matches no session is asked for a participant's PIN (Infobip's
/// `captureDtmf`), and the limits on guessing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PinConfig {
    /// The prompt played before digits are collected ("enter your PIN followed by #").
    pub prompt: AudioSource,
    /// Infobip `maxLength` (default 15).
    pub max_length: u64,
    /// Infobip `timeout`: milliseconds to the first digit (default 10000).
    pub timeout_ms: u64,
    /// Infobip `digitTimeout` (default: Infobip uses `timeout`).
    pub digit_timeout_ms: Option<u64>,
    /// Infobip `terminator` (default `#`).
    pub terminator: String,
    /// Wrong PINs one call may enter before it hears the `not_allowed` audio (default 3).
    pub max_attempts: u64,
    /// Whether a caller matching no session is asked for a PIN (default true; false: PINs only for withheld
    /// callers when `withheld` is `pin`).
    pub unknown_callers: bool,
    /// Failed PIN attempts allowed per caller number, and per proxy number, within `window_seconds`
    /// (defaults 5, 20, 3600); beyond them callers hear `not_allowed` without being asked.
    pub per_caller: u64,
    pub per_proxy: u64,
    pub window_seconds: u64,
}

/// What a caller whose number is withheld gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Withheld {
    /// The `not_allowed` audio (the default).
    NotAllowed,
    /// The PIN prompt (needs `pin`).
    Pin,
}

/// How numbers in stored records (sessions API, call and status logs) are shown, and whether they are
/// stored masked at all (seed 003: "backend databases"; irreversible).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordsPolicy {
    /// The display scope whose policy masks record numbers for principals without unmask (default: a
    /// replacement policy showing the first 3 and last 2 characters).
    pub display: Option<String>,
    /// Store call and status records with their numbers already masked (default false).
    pub store_masked: bool,
}

/// The number-masking part of a policy document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MaskingConfig {
    /// Played to a caller who matches no session ("you are not allowed to place this call").
    pub not_allowed: AudioSource,
    /// What a call on a closed or expired session gets (default: the `not_allowed` audio).
    pub closed_fallback: Option<Fallback>,
    pub allocation: AllocationRules,
    /// Display-masking policy per scope name.
    pub display: BTreeMap<String, DisplayPolicy>,
    /// PIN-gated join; `null`: callers matching no session hear `not_allowed`.
    pub pin: Option<PinConfig>,
    pub withheld: Withheld,
    /// A callback whose `correlationId` was routed at most this many seconds ago is answered with the same
    /// response, without routing or logging again; later it is refused (401). Default 300.
    pub replay_window_seconds: u64,
    pub records: RecordsPolicy,
}

/// Default replay window: Infobip retries within seconds; five minutes covers slow retries.
pub const DEFAULT_REPLAY_WINDOW: u64 = 300;

impl MaskingConfig {
    /// Reads and validates a configuration, reporting every problem.
    pub fn from_value(v: &Value) -> Result<MaskingConfig, Problems> {
        let mut problems = Vec::new();
        let config = Self::read(v, &mut problems);
        match config {
            Some(c) if problems.is_empty() => Ok(c),
            _ if problems.is_empty() => Err(Error::new("config", "invalid", "invalid configuration").into()),
            _ => Err(Problems(problems)),
        }
    }

    fn read(v: &Value, problems: &mut Vec<Error>) -> Option<MaskingConfig> {
        let f = note(problems, Obj::of(v, "config"))?;
        f.deny_unknown("", CONFIG_KEYS, problems);
        let not_allowed = match f.get("not_allowed") {
            Some(x) => note(problems, AudioSource::from_value(x, "not_allowed")),
            None => {
                problems.push(Error::new("not_allowed", "missing", "required field is missing"));
                None
            }
        };
        let closed_fallback = note(
            problems,
            f.get("closed_fallback").map(|x| Fallback::from_value(x, "closed_fallback")).transpose(),
        )
        .flatten();
        let allocation =
            f.get("allocation").map_or(Some(AllocationRules::default()), |a| read_rules(a, problems));
        let mut display = BTreeMap::new();
        if let Some(d) = f.get("display") {
            match d.as_object() {
                Some(scopes) => {
                    for (scope, p) in scopes {
                        if let Some(policy) = DisplayPolicy::read(p, &format!("display.{scope}"), problems) {
                            display.insert(scope.clone(), policy);
                        }
                    }
                }
                None => problems.push(Error::new("display", "invalid_type", "expected an object of scopes")),
            }
        }
        let pin = f.get("pin").and_then(|p| read_pin(p, problems));
        let withheld = match note(problems, f.opt_str("withheld")).flatten() {
            None | Some("not_allowed") => Withheld::NotAllowed,
            Some("pin") => Withheld::Pin,
            Some(other) => {
                problems.push(Error::new(
                    "withheld",
                    "unknown_value",
                    format!("{other:?} is not a withheld-caller rule (not_allowed, pin)"),
                ));
                Withheld::NotAllowed
            }
        };
        if withheld == Withheld::Pin && !f.has("pin") {
            problems.push(Error::new("withheld", "requires_pin", "withheld: pin needs a pin configuration"));
        }
        let replay_window_seconds = note(problems, f.opt_u64("replay_window_seconds", false))
            .flatten()
            .unwrap_or(DEFAULT_REPLAY_WINDOW);
        let records =
            f.get("records").map_or(Some(RecordsPolicy { display: None, store_masked: false }), |r| {
                read_records(r, &display, problems)
            });
        Some(MaskingConfig {
            not_allowed: not_allowed?,
            closed_fallback,
            allocation: allocation?,
            display,
            pin,
            withheld,
            replay_window_seconds,
            records: records?,
        })
    }
}

const CONFIG_KEYS: &[&str] = &[
    "not_allowed",
    "closed_fallback",
    "allocation",
    "display",
    "pin",
    "withheld",
    "replay_window_seconds",
    "records",
];

const PIN_KEYS: &[&str] = &[
    "prompt",
    "max_length",
    "timeout_ms",
    "digit_timeout_ms",
    "terminator",
    "max_attempts",
    "unknown_callers",
    "per_caller",
    "per_proxy",
    "window_seconds",
];

fn read_pin(v: &Value, problems: &mut Vec<Error>) -> Option<PinConfig> {
    let before = problems.len();
    let f = note(problems, Obj::of(v, "pin"))?;
    f.deny_unknown("pin", PIN_KEYS, problems);
    let prompt = match f.get("prompt") {
        Some(x) => note(problems, AudioSource::from_value(x, "pin.prompt")),
        None => {
            problems.push(Error::new("pin.prompt", "missing", "required field is missing"));
            None
        }
    };
    let mut count = |key: &str, default: u64, min: u64| {
        let v = note(problems, f.opt_u64(key, false)).flatten().unwrap_or(default);
        if v < min {
            problems.push(Error::new(
                format!("pin.{key}"),
                "out_of_range",
                format!("must be at least {min}"),
            ));
        }
        v
    };
    let max_length = count("max_length", 15, 1);
    let timeout_ms = count("timeout_ms", 10_000, 1);
    let max_attempts = count("max_attempts", 3, 1);
    let per_caller = count("per_caller", 5, 1);
    let per_proxy = count("per_proxy", 20, 1);
    let window_seconds = count("window_seconds", 3600, 1);
    let digit_timeout_ms = note(problems, f.opt_u64("digit_timeout_ms", false)).flatten();
    let terminator = note(problems, f.opt_str("terminator")).flatten().unwrap_or("#").to_owned();
    let one_key = matches!(terminator.as_str(), "#" | "*")
        || (terminator.len() == 1 && terminator.bytes().all(|b| b.is_ascii_digit()));
    if !one_key {
        problems.push(Error::new("pin.terminator", "unknown_value", "one key: 0-9, * or #"));
    }
    let unknown_callers = note(problems, f.opt_bool("unknown_callers", false)).flatten().unwrap_or(true);
    if problems.len() > before {
        return None;
    }
    Some(PinConfig {
        prompt: prompt?,
        max_length,
        timeout_ms,
        digit_timeout_ms,
        terminator,
        max_attempts,
        unknown_callers,
        per_caller,
        per_proxy,
        window_seconds,
    })
}

fn read_records(
    v: &Value,
    display: &BTreeMap<String, DisplayPolicy>,
    problems: &mut Vec<Error>,
) -> Option<RecordsPolicy> {
    let f = note(problems, Obj::of(v, "records"))?;
    f.deny_unknown("records", &["display", "store_masked"], problems);
    let scope = note(problems, f.opt_str("display")).flatten().map(str::to_owned);
    if let Some(s) = &scope {
        if !display.contains_key(s) {
            problems.push(Error::new(
                "records.display",
                "unknown_scope",
                format!("{s:?} is not a scope under display"),
            ));
        }
    }
    let store_masked = note(problems, f.opt_bool("store_masked", false)).flatten().unwrap_or(false);
    Some(RecordsPolicy { display: scope, store_masked })
}

const ALLOCATION_KEYS: &[&str] =
    &["geo_match", "sticky", "cooloff_seconds", "max_participants_per_number", "default_ttl_seconds"];

fn read_rules(v: &Value, problems: &mut Vec<Error>) -> Option<AllocationRules> {
    let f = note(problems, Obj::of(v, "allocation"))?;
    f.deny_unknown("allocation", ALLOCATION_KEYS, problems);
    let d = AllocationRules::default();
    let geo_match = match note(problems, f.opt_str("geo_match")).flatten() {
        None => d.geo_match,
        Some("off") => GeoMatch::Off,
        Some("country") => GeoMatch::Country,
        Some("area_code") => GeoMatch::AreaCode,
        Some(other) => {
            problems.push(Error::new(
                "allocation.geo_match",
                "unknown_value",
                format!("{other:?} is not a geo match level (off, country, area_code)"),
            ));
            d.geo_match
        }
    };
    let max = note(problems, f.opt_u64("max_participants_per_number", false)).flatten();
    if max == Some(0) {
        problems.push(Error::new(
            "allocation.max_participants_per_number",
            "out_of_range",
            "must be at least 1",
        ));
    }
    Some(AllocationRules {
        geo_match,
        sticky: note(problems, f.opt_bool("sticky", false)).flatten().unwrap_or(d.sticky),
        cooloff_seconds: note(problems, f.opt_u64("cooloff_seconds", false)).flatten().unwrap_or(0),
        max_participants_per_number: max,
        default_ttl_seconds: note(problems, f.opt_u64("default_ttl_seconds", false)).flatten(),
    })
}
