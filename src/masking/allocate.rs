//! Allocating proxy numbers from a pool for a new session, and sizing the pool.
//!
//! The rule that keeps routing unambiguous: a participant never holds the same proxy number in two live
//! sessions (Twilio Proxy's uniqueness rule). One proxy number serves many participants at once.
//! Allocation is a pure function of (pool, sessions, request, now), so the worker can run it inside a
//! Durable Object transaction and store its result as is.
//!
//! For each participant, in order, the candidates are the pool numbers that are not
//! `excluded_from_allocation`, not held for another session (`held_for_session`, or a live session with
//! `hold_numbers`), not resting after a release (the latest of `last_released_at` and the `closed_at` or
//! passed `expires_at` of any session that used it, plus `cooloff_seconds`, is after `now`: closing and
//! expiring release alike), not already held by that participant in a live session, not either participant's
//! own number, and below `max_participants_per_number`. They are ranked by: held for this very session, sticky (the participant's latest proxy, when `sticky` is on; it may skip the cool-off, which
//! protects numbers from other participants), then geo match (area code, then country), then load (fewest
//! live assignments), then pool order. No randomness: the same inputs give the same numbers.

use super::config::{AllocationRules, GeoMatch};
use super::number::Number;
use super::route::MaskingState;
use super::session::{read_session, Participant, Session, SessionStatus};
use crate::error::{Error, Problems};
use crate::policy::reader::{note, Obj};
use crate::trace::{Outcome, Trace};
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;

/// A number of the masking pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PoolNumber {
    pub number: Number,
    /// ISO 3166 alpha-2 country (default: the number's own region).
    pub country: Option<String>,
    /// Area code: leading digits of the national number that make it local (`79` for `+41 79 …`).
    pub area_code: Option<String>,
    /// Never auto-allocated: only given when a request names it as `proxy`. (Read from the old name
    /// `reserved` too, which meant this and nothing else; written back under this name.)
    pub excluded_from_allocation: bool,
    /// Infobip's reservation: the number is held for the session with this id, and allocated to no other.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub held_for_session: Option<String>,
    /// Epoch seconds when the number was last released, for the reuse cool-off.
    pub last_released_at: Option<i64>,
}

/// Reads a pool, reporting every problem (`pool[3].area_code`) and duplicate numbers.
pub fn read_pool(v: &Value) -> Result<Vec<PoolNumber>, Problems> {
    let mut problems = Vec::new();
    let Some(list) = v.as_array() else {
        return Err(Error::new("pool", "invalid_type", "expected an array of pool numbers").into());
    };
    let mut pool: Vec<PoolNumber> = Vec::with_capacity(list.len());
    let mut seen = HashMap::with_capacity(list.len());
    for (i, e) in list.iter().enumerate() {
        let at = format!("pool[{i}]");
        let Some(f) = note(&mut problems, Obj::of(e, &at)) else { continue };
        let number = note(
            &mut problems,
            f.req_text("number").and_then(|n| Number::international(&f.path("number"), n)),
        );
        let country = note(&mut problems, f.opt_str("country")).flatten().map(str::to_ascii_uppercase);
        if let Some(c) = &country {
            if c.len() != 2 || !c.bytes().all(|b| b.is_ascii_alphabetic()) {
                problems.push(Error::new(
                    f.path("country"),
                    "unknown_country",
                    format!("{c:?} is not ISO 3166 alpha-2"),
                ));
            }
        }
        let area_code = note(&mut problems, f.opt_str("area_code")).flatten().map(str::to_owned);
        if let (Some(a), Some(n)) = (&area_code, &number) {
            if !a.bytes().all(|b| b.is_ascii_digit()) || !n.national().starts_with(a.as_str()) {
                problems.push(Error::new(
                    f.path("area_code"),
                    "mismatch",
                    format!("{a:?} is not the start of {}'s national number {}", n.e164, n.national()),
                ));
            }
        }
        let excluded = note(&mut problems, f.opt_bool("excluded_from_allocation", false)).flatten();
        let legacy = note(&mut problems, f.opt_bool("reserved", false)).flatten();
        if excluded.is_some() && legacy.is_some() {
            problems.push(Error::new(
                f.path("reserved"),
                "mutually_exclusive",
                "reserved is the old name of excluded_from_allocation: give only excluded_from_allocation",
            ));
        }
        let excluded_from_allocation = excluded.or(legacy).unwrap_or(false);
        let held_for_session =
            note(&mut problems, f.opt_str("held_for_session")).flatten().map(str::to_owned);
        let last_released_at = note(&mut problems, f.opt_i64("last_released_at")).flatten();
        if let Some(n) = number {
            if let Some(first) = seen.insert(n.key, i) {
                problems.push(Error::new(
                    f.path("number"),
                    "duplicate",
                    format!("{} is also pool[{first}]", n.e164),
                ));
            }
            pool.push(PoolNumber {
                number: n,
                country,
                area_code,
                excluded_from_allocation,
                held_for_session,
                last_released_at,
            });
        }
    }
    if problems.is_empty() {
        Ok(pool)
    } else {
        Err(Problems(problems))
    }
}

/// A new session with its proxy numbers, and how they were chosen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Allocation {
    pub session: Session,
    pub trace: Trace,
}

/// Why pool numbers were passed over for one participant.
#[derive(Default)]
struct Skipped {
    excluded: usize,
    held_for_other: usize,
    resting: usize,
    held: usize,
    full: usize,
    own: usize,
}

impl MaskingState {
    /// Allocates proxy numbers from the state's pool ([`MaskingState::set_pool`]); see
    /// [`MaskingState::allocate_from`].
    pub fn allocate(&self, request: &Value, now: i64) -> Result<Allocation, Error> {
        self.allocate_from(&self.pool, request, now)
    }

    /// Allocates proxy numbers from `pool` for the session `request` (a session whose participants may omit
    /// `proxy`; a given `proxy` pins that number, reserved or not, if the participant does not already hold
    /// it). The session is returned, not added: store it, then [`MaskingState::upsert`] it.
    pub fn allocate_from(&self, pool: &[PoolNumber], request: &Value, now: i64) -> Result<Allocation, Error> {
        let mut problems = Vec::new();
        let draft = read_session(request, "", false, &mut Default::default(), &mut problems);
        let Some(mut draft) = draft.filter(|_| problems.is_empty()) else {
            return Err(problems
                .into_iter()
                .next()
                .unwrap_or_else(|| Error::new("request", "invalid", "invalid request")));
        };
        if self.session(&draft.id).is_some() {
            return Err(Error::new("id", "duplicate_id", format!("a session with id {:?} exists", draft.id)));
        }
        if draft.status != SessionStatus::Open {
            return Err(Error::new("status", "invalid", "a new session is open"));
        }
        let rules = &self.config.allocation;
        // Live assignments, latest release and hold per pool number; load is updated as numbers are assigned.
        let mut load: HashMap<u64, Usage> = pool.iter().map(|p| (p.number.key, self.usage(p, now))).collect();
        let mut trace = Trace::default();
        let [(a, pin_a), (b, pin_b)] = &draft.participants;
        let own = [a.key, b.key];
        let id = draft.id.clone();
        let proxy_a = self.choose(pool, &id, 0, a, pin_a.as_ref(), own, &mut load, &mut trace, now)?;
        let proxy_b = self.choose(pool, &id, 1, b, pin_b.as_ref(), own, &mut load, &mut trace, now)?;
        draft.participants = [(a.clone(), Some(proxy_a)), (b.clone(), Some(proxy_b))];
        let expires_at = draft.expires_at.or_else(|| {
            draft
                .ttl_seconds
                .or(rules.default_ttl_seconds)
                .map(|t| now.saturating_add(i64::try_from(t).unwrap_or(i64::MAX)))
        });
        draft.expires_at = expires_at;
        let has_pin = draft.pins.iter().any(Option::is_some);
        if has_pin && self.secret.is_none() {
            return Err(Error::new(
                "participants",
                "not_configured",
                "PINs need the tenant secret to be hashed",
            ));
        }
        let session = draft
            .into_session_with(&|digits| self.pin_hash(digits))
            .ok_or_else(|| Error::new("participants", "internal", "proxy missing"))?;
        let [Participant { proxy: pa, .. }, Participant { proxy: pb, .. }] = &session.participants;
        trace.push(
            "session",
            Outcome::Open,
            format!(
                "{:?}: calls to {} and {} connect the pair until {}",
                session.id,
                pa.e164,
                pb.e164,
                expires_at.map_or("closed".to_owned(), |t| t.to_string())
            ),
        );
        Ok(Allocation { session, trace })
    }

    /// The proxy for participant `i` (`number`): the pinned one if given and free, else the best candidate.
    #[allow(clippy::too_many_arguments)]
    fn choose(
        &self,
        pool: &[PoolNumber],
        id: &str,
        i: usize,
        number: &Number,
        pinned: Option<&Number>,
        own: [u64; 2],
        load: &mut HashMap<u64, Usage>,
        trace: &mut Trace,
        now: i64,
    ) -> Result<Number, Error> {
        let rules = &self.config.allocation;
        let field = format!("participants[{i}]");
        let chosen = match pinned {
            Some(p) => {
                let Some(entry) = pool.iter().find(|e| e.number.key == p.key) else {
                    return Err(Error::new(
                        format!("{field}.proxy"),
                        "not_in_pool",
                        format!("{} is not a pool number", p.e164),
                    ));
                };
                let held_by_other = entry.held_for_session.as_deref().is_some_and(|h| h != id)
                    || load.get(&p.key).is_some_and(|u| u.held);
                if held_by_other {
                    return Err(Error::new(
                        format!("{field}.proxy"),
                        "proxy_held",
                        format!("{} is held for another session", p.e164),
                    ));
                }
                if self.holds(number, p, now) {
                    return Err(Error::new(
                        format!("{field}.proxy"),
                        "proxy_in_use",
                        format!("{} already holds {} in a live session", number.e164, p.e164),
                    ));
                }
                trace.push(
                    "allocate",
                    Outcome::Pinned,
                    format!("{field} {} keeps the requested proxy {}", number.e164, p.e164),
                );
                p.clone()
            }
            None => {
                let sticky = self.latest_proxy(number.key).filter(|_| rules.sticky);
                let (pick, skipped) = self.pick(pool, id, rules, number, own, sticky, load, now);
                let Some(e) = pick.and_then(|j| pool.get(j)) else {
                    return Err(Error::new(
                        field,
                        "pool_exhausted",
                        format!(
                            "pool exhausted for participant {}: {} numbers, {} excluded from allocation, {} held for other sessions, {} cooling off, {} already held by it, {} at capacity, {} a participant's own number",
                            number.e164, pool.len(), skipped.excluded, skipped.held_for_other, skipped.resting, skipped.held, skipped.full, skipped.own
                        ),
                    ));
                };
                let used = load.get(&e.number.key).map_or(0, |u| u.load);
                let mut why = reasons(e, number, rules.geo_match, sticky == Some(e.number.key), used);
                if e.held_for_session.as_deref() == Some(id) {
                    why = format!("held for this session, {why}");
                }
                trace.push(
                    "allocate",
                    Outcome::Picked,
                    format!(
                        "{field} {} reaches the other party through {} ({why})",
                        number.e164, e.number.e164
                    ),
                );
                e.number.clone()
            }
        };
        load.entry(chosen.key).or_default().load += 1;
        Ok(chosen)
    }

    #[allow(clippy::too_many_arguments)]
    fn pick(
        &self,
        pool: &[PoolNumber],
        id: &str,
        rules: &AllocationRules,
        number: &Number,
        own: [u64; 2],
        sticky: Option<u64>,
        load: &HashMap<u64, Usage>,
        now: i64,
    ) -> (Option<usize>, Skipped) {
        let mut skipped = Skipped::default();
        let mut best: Option<(Rank, usize)> = None;
        for (j, e) in pool.iter().enumerate() {
            let is_sticky = sticky == Some(e.number.key);
            let usage = load.get(&e.number.key).copied().unwrap_or_default();
            let used = usage.load;
            let released = usage.released.max(e.last_released_at);
            let resting = released.is_some_and(|t| {
                t.saturating_add(i64::try_from(rules.cooloff_seconds).unwrap_or(i64::MAX)) > now
            });
            let held_here = e.held_for_session.as_deref() == Some(id);
            if own.contains(&e.number.key) {
                skipped.own += 1;
            } else if e.excluded_from_allocation {
                skipped.excluded += 1;
            } else if (e.held_for_session.is_some() && !held_here) || usage.held {
                skipped.held_for_other += 1;
            } else if resting && !is_sticky {
                skipped.resting += 1;
            } else if self.holds(number, &e.number, now) {
                skipped.held += 1;
            } else if rules.max_participants_per_number.is_some_and(|m| used >= m) {
                skipped.full += 1;
            } else {
                let rank = (
                    u8::from(!held_here),
                    u8::from(!is_sticky),
                    geo_rank(e, number, rules.geo_match),
                    used,
                    j,
                );
                if best.as_ref().is_none_or(|(r, _)| rank < *r) {
                    best = Some((rank, j));
                }
            }
        }
        (best.map(|(_, j)| j), skipped)
    }
}

/// A candidate's rank, lowest first: (not held for this session, not sticky, geo rank, load, pool position).
type Rank = (u8, u8, u8, u64, usize);

/// What the live and past sessions say about one pool number at `now`.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Usage {
    /// Live (participant, proxy) assignments.
    pub load: u64,
    /// The latest release by a closed or expired session.
    pub released: Option<i64>,
    /// Held by a live session with `hold_numbers`.
    pub held: bool,
}

impl MaskingState {
    /// The usage of pool number `e` at `now`, from the sessions that used it.
    pub(crate) fn usage(&self, e: &PoolNumber, now: i64) -> Usage {
        usage_of(e.number.key, self.sessions_on(e.number.key), now)
    }
}

/// The usage of proxy `proxy` at `now` by `sessions` (those using it; others are ignored): the one rule for
/// load, hold and release, shared by allocation and the pool's states over time.
pub(crate) fn usage_of<'a>(proxy: u64, sessions: impl Iterator<Item = &'a Session>, now: i64) -> Usage {
    let mut u = Usage::default();
    for s in sessions {
        let on = s.participants.iter().filter(|p| p.proxy.key == proxy).count() as u64;
        if on == 0 {
            continue;
        }
        if s.is_live(now) {
            u.load += on;
            u.held |= s.hold_numbers;
        } else {
            u.released = u.released.max(s.released_at(now));
        }
    }
    u
}

fn country_of(e: &PoolNumber) -> Option<&str> {
    e.country.as_deref().or(e.number.region.as_deref())
}

/// 0: area code (and country) match; 1: country match; 2: neither (or geo match off: always 0).
fn geo_rank(e: &PoolNumber, n: &Number, geo: GeoMatch) -> u8 {
    let country = country_of(e).is_some() && country_of(e) == n.region.as_deref();
    let area = country && e.area_code.as_deref().is_some_and(|a| n.national().starts_with(a));
    match geo {
        GeoMatch::Off => 0,
        GeoMatch::AreaCode if area => 0,
        GeoMatch::AreaCode if country => 1,
        GeoMatch::Country if country => 0,
        GeoMatch::Country => 1,
        GeoMatch::AreaCode => 2,
    }
}

fn reasons(e: &PoolNumber, n: &Number, geo: GeoMatch, sticky: bool, used: u64) -> String {
    let mut why = Vec::new();
    if sticky {
        why.push("sticky".to_owned());
    }
    match (geo, geo_rank(e, n, geo)) {
        (GeoMatch::Off, _) => {}
        (GeoMatch::AreaCode, 0) => why.push(format!("area code {}", e.area_code.as_deref().unwrap_or(""))),
        (GeoMatch::AreaCode, 1) | (GeoMatch::Country, 0) => {
            why.push(format!("country {}", country_of(e).unwrap_or("")))
        }
        _ => why.push("no geo match available".to_owned()),
    }
    why.push(format!("{used} live assignments before"));
    why.join(", ")
}

/// Inputs of [`pool_size`].
#[derive(Debug, Clone, PartialEq)]
pub struct PoolSizing {
    /// Peak number of live sessions one participant has at once (the busiest participant, on either side).
    pub max_sessions_per_participant: u64,
    /// Peak concurrent calls through the pool; or give `calls_per_hour` and `average_call_seconds`.
    pub peak_concurrent_calls: Option<u64>,
    pub calls_per_hour: Option<f64>,
    pub average_call_seconds: Option<f64>,
    /// Concurrent calls one number carries (a carrier setting).
    pub channels_per_number: Option<u64>,
    /// Peak live participants, with `max_participants_per_number`, for Twilio's per-number cap.
    pub live_participants: Option<u64>,
    pub max_participants_per_number: Option<u64>,
    /// Extra margin on top, percent.
    pub headroom_percent: f64,
}

/// How many numbers a pool needs, and which constraint decides.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PoolSize {
    pub numbers: u64,
    /// The uniqueness rule: a participant needs a distinct number per live session.
    pub by_uniqueness: u64,
    /// ⌈peak concurrent calls / channels per number⌉.
    pub by_call_capacity: Option<u64>,
    /// ⌈live participants / participants per number⌉.
    pub by_participant_cap: Option<u64>,
    pub peak_concurrent_calls: Option<f64>,
    /// `uniqueness`, `call_capacity` or `participant_cap`.
    pub binding: &'static str,
}

impl PoolSizing {
    /// Reads the sizing inputs.
    pub fn from_value(v: &Value) -> Result<PoolSizing, Error> {
        let f = Obj::of(v, "sizing")?;
        let sizing = PoolSizing {
            max_sessions_per_participant: f.opt_u64("max_sessions_per_participant", false)?.ok_or_else(
                || Error::new("max_sessions_per_participant", "missing", "required field is missing"),
            )?,
            peak_concurrent_calls: f.opt_u64("peak_concurrent_calls", false)?,
            calls_per_hour: f.opt_f64("calls_per_hour", false)?,
            average_call_seconds: f.opt_f64("average_call_seconds", false)?,
            channels_per_number: f.opt_u64("channels_per_number", false)?,
            live_participants: f.opt_u64("live_participants", false)?,
            max_participants_per_number: f.opt_u64("max_participants_per_number", false)?,
            headroom_percent: f.opt_f64("headroom_percent", false)?.unwrap_or(0.0),
        };
        for (k, v) in [
            ("channels_per_number", sizing.channels_per_number),
            ("max_participants_per_number", sizing.max_participants_per_number),
        ] {
            if v == Some(0) {
                return Err(Error::new(k, "out_of_range", "must be at least 1"));
            }
        }
        for (k, v) in [
            ("calls_per_hour", sizing.calls_per_hour),
            ("average_call_seconds", sizing.average_call_seconds),
            ("headroom_percent", Some(sizing.headroom_percent)),
        ] {
            if v.is_some_and(|x| x < 0.0) {
                return Err(Error::new(k, "out_of_range", "must not be negative"));
            }
        }
        if sizing.calls_per_hour.is_some() != sizing.average_call_seconds.is_some() {
            return Err(Error::new(
                "average_call_seconds",
                "missing",
                "give calls_per_hour and average_call_seconds together",
            ));
        }
        Ok(sizing)
    }
}

/// Numbers needed: the largest of the uniqueness count (numbers ≥ the busiest participant's concurrent
/// sessions: the count does not grow with traffic), the call-capacity count (peak concurrent calls ≈
/// calls/h × average seconds / 3600, over channels per number) and the per-number participant cap, plus
/// headroom, rounded up.
pub fn pool_size(s: &PoolSizing) -> PoolSize {
    let peak = s
        .peak_concurrent_calls
        .map(|p| p as f64)
        .or_else(|| Some(s.calls_per_hour? * s.average_call_seconds? / 3600.0));
    let by_call_capacity = match (peak, s.channels_per_number) {
        (Some(p), Some(c)) => Some((p / c as f64).ceil() as u64),
        _ => None,
    };
    let by_participant_cap = match (s.live_participants, s.max_participants_per_number) {
        (Some(n), Some(m)) => Some(n.div_ceil(m)),
        _ => None,
    };
    let mut binding = "uniqueness";
    let mut need = s.max_sessions_per_participant;
    for (name, v) in [("call_capacity", by_call_capacity), ("participant_cap", by_participant_cap)] {
        if let Some(v) = v.filter(|&v| v > need) {
            need = v;
            binding = name;
        }
    }
    let numbers = (need as f64 * (1.0 + s.headroom_percent / 100.0)).ceil() as u64;
    PoolSize {
        numbers,
        by_uniqueness: s.max_sessions_per_participant,
        by_call_capacity,
        by_participant_cap,
        peak_concurrent_calls: peak,
        binding,
    }
}
