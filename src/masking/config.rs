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
}

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
        f.deny_unknown("", &["not_allowed", "closed_fallback", "allocation", "display"], problems);
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
        Some(MaskingConfig { not_allowed: not_allowed?, closed_fallback, allocation: allocation?, display })
    }
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
