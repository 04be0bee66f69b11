//! Display masking (seed 003, contact-centre style): what a viewer of a given role sees of a number in a UI
//! or report. Per scope (a "process" and its campaigns) the policy is `random` (an alphanumeric token in
//! place of the number) or `replacement` (`x` for every character but the first `show_first` and the last
//! `show_last`, with `show_first + show_last <= 15`); roles in `unmask_roles` see the real number.
//!
//! The random token is `HMAC-SHA256(secret, number)` mapped to `[0-9A-Za-z]`: the same number always gives
//! the same token for one secret, so a report stays consistent (you can count calls per masked caller)
//! while the number cannot be read back without the secret.

use crate::error::Error;
use crate::policy::reader::{note, Obj};
use hmac::{Hmac, Mac};
use serde::Serialize;
use serde_json::Value;
use sha2::Sha256;

/// Largest `show_first + show_last` (seed 003: "the sum of n and n' cannot exceed 15").
pub const MAX_SHOWN: usize = 15;
/// Token length when `random` does not set one.
pub const DEFAULT_TOKEN_LENGTH: usize = 12;
const TOKEN_LENGTHS: std::ops::RangeInclusive<usize> = 4..=64;
const ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// How one scope masks numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "policy", rename_all = "snake_case")]
pub enum DisplayPolicy {
    /// A keyed alphanumeric token of `length` characters in place of the number.
    Random { length: usize, unmask_roles: Vec<String> },
    /// `x` for every character but the first `show_first` and last `show_last`.
    Replacement { show_first: usize, show_last: usize, unmask_roles: Vec<String> },
}

/// What a viewer sees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Displayed {
    /// The text to show.
    pub display: String,
    /// Whether `display` differs from the real number's text.
    pub masked: bool,
    /// Why: `unmask_role` (the viewer's role may see numbers), `random` or `replacement`.
    pub reason: &'static str,
}

impl DisplayPolicy {
    /// Reads a scope policy at `path`, pushing every problem onto `problems`.
    pub(crate) fn read(v: &Value, path: &str, problems: &mut Vec<Error>) -> Option<DisplayPolicy> {
        let before = problems.len();
        let f = note(problems, Obj::of(v, path))?;
        f.deny_unknown(path, &["policy", "show_first", "show_last", "length", "unmask_roles"], problems);
        let roles = read_roles(&f, problems);
        let size = |key: &str, problems: &mut Vec<Error>| {
            note(problems, f.opt_u64(key, false)).flatten().map(|n| usize::try_from(n).unwrap_or(usize::MAX))
        };
        let policy = match note(problems, f.req_text("policy"))? {
            "random" => {
                let length = size("length", problems).unwrap_or(DEFAULT_TOKEN_LENGTH);
                if !TOKEN_LENGTHS.contains(&length) {
                    problems.push(Error::new(
                        f.path("length"),
                        "out_of_range",
                        format!("token length must be {} to {}", TOKEN_LENGTHS.start(), TOKEN_LENGTHS.end()),
                    ));
                }
                DisplayPolicy::Random { length, unmask_roles: roles.unwrap_or_default() }
            }
            "replacement" => {
                let show_first = size("show_first", problems);
                let show_last = size("show_last", problems);
                for (key, v) in [("show_first", show_first), ("show_last", show_last)] {
                    if v.is_none() && !f.has(key) {
                        problems.push(Error::new(f.path(key), "missing", "required field is missing"));
                    }
                }
                let (first, last) = (show_first.unwrap_or(0), show_last.unwrap_or(0));
                if first.saturating_add(last) > MAX_SHOWN {
                    problems.push(Error::new(
                        f.path("show_last"),
                        "out_of_range",
                        format!(
                            "show_first + show_last is {}; at most {MAX_SHOWN}",
                            first.saturating_add(last)
                        ),
                    ));
                }
                DisplayPolicy::Replacement {
                    show_first: first,
                    show_last: last,
                    unmask_roles: roles.unwrap_or_default(),
                }
            }
            other => {
                problems.push(Error::new(
                    f.path("policy"),
                    "unknown_value",
                    format!("{other:?} is not a display policy (random, replacement)"),
                ));
                return None;
            }
        };
        (problems.len() == before).then_some(policy)
    }

    /// Reads a scope policy, failing on its first problem.
    pub fn from_value(v: &Value, path: &str) -> Result<DisplayPolicy, crate::error::Problems> {
        let mut problems = Vec::new();
        match Self::read(v, path, &mut problems) {
            Some(p) if problems.is_empty() => Ok(p),
            _ => Err(crate::error::Problems(problems)),
        }
    }

    fn unmask_roles(&self) -> &[String] {
        match self {
            DisplayPolicy::Random { unmask_roles, .. } | DisplayPolicy::Replacement { unmask_roles, .. } => {
                unmask_roles
            }
        }
    }
}

fn read_roles(f: &Obj<'_>, problems: &mut Vec<Error>) -> Option<Vec<String>> {
    let list = note(problems, f.opt_array("unmask_roles"))??;
    let mut roles = Vec::with_capacity(list.len());
    for (i, r) in list.iter().enumerate() {
        match r.as_str().map(role_key) {
            Some(k) if !k.is_empty() => roles.push(k),
            _ => problems.push(Error::new(
                format!("{}[{i}]", f.path("unmask_roles")),
                "invalid_type",
                "expected a non-empty role name",
            )),
        }
    }
    Some(roles)
}

/// A role name compared loosely: case-insensitive, with spaces and dashes read as `_`
/// (`Group Manager` = `group-manager` = `group_manager`).
fn role_key(role: &str) -> String {
    role.trim().chars().map(|c| if c == ' ' || c == '-' { '_' } else { c.to_ascii_lowercase() }).collect()
}

/// What a viewer with `role` (none: an unprivileged viewer) sees of `number` under `policy`. `secret` keys
/// the random tokens and is required for `random`.
///
/// Replacement counts characters of the number as given (`+` included). A number with no more characters
/// than `show_first + show_last` would be shown whole, so it is masked entirely instead.
pub fn mask(
    policy: &DisplayPolicy,
    number: &str,
    role: Option<&str>,
    secret: Option<&str>,
) -> Result<Displayed, Error> {
    if let Some(r) = role.map(role_key).filter(|r| !r.is_empty()) {
        if policy.unmask_roles().contains(&r) {
            return Ok(Displayed { display: number.to_owned(), masked: false, reason: "unmask_role" });
        }
    }
    let display = match policy {
        DisplayPolicy::Random { length, .. } => {
            let secret = secret.filter(|s| !s.is_empty()).ok_or_else(|| {
                Error::new("secret", "missing", "the random policy needs a secret to key its tokens")
            })?;
            token(secret, number, *length)
        }
        DisplayPolicy::Replacement { show_first, show_last, .. } => replace(number, *show_first, *show_last),
    };
    let reason = match policy {
        DisplayPolicy::Random { .. } => "random",
        DisplayPolicy::Replacement { .. } => "replacement",
    };
    Ok(Displayed { masked: display != number, display, reason })
}

fn replace(number: &str, first: usize, last: usize) -> String {
    let n = number.chars().count();
    if n <= first.saturating_add(last) {
        return "x".repeat(n);
    }
    number.chars().enumerate().map(|(i, c)| if i < first || i >= n - last { c } else { 'x' }).collect()
}

/// The canonical text a token is computed from: a phone-like value loses its punctuation (so `+41 79 302`
/// and `+4179302` give one token); anything else is used trimmed, as is.
fn canonical(number: &str) -> String {
    let t = number.trim();
    if t.chars().all(|c| c.is_ascii_digit() || " +-.()".contains(c)) {
        t.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect()
    } else {
        t.to_owned()
    }
}

/// `length` characters of `[0-9A-Za-z]` from HMAC-SHA256 blocks over (counter, number), by rejection
/// sampling (bytes >= 248 are skipped) so every character is uniformly likely.
fn token(secret: &str, number: &str, length: usize) -> String {
    let input = canonical(number);
    let mut out = String::with_capacity(length);
    let mut counter = 0u8;
    while out.len() < length {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else { break };
        mac.update(&[counter]);
        mac.update(input.as_bytes());
        for b in mac.finalize().into_bytes() {
            if b < 248 && out.len() < length {
                out.push(char::from(ALPHABET[usize::from(b % 62)]));
            }
        }
        counter = counter.wrapping_add(1);
    }
    out
}
