//! The state of every proxy number of a pool at given instants: in use (the proxy of a session live then),
//! reserved (not auto-allocated: `excluded_from_allocation` or `held_for_session`), cooling off (released, by a
//! close or an expiry, less than `cooloff_seconds` before: the allocator's own rule) or free. From the stored pool and
//! sessions, instants from now on give the pool's outlook as sessions expire and cool-offs end; the
//! admin console charts it.

use super::allocate::{usage_of, PoolNumber};
use super::config::MaskingConfig;
use super::session::Session;
use serde::Serialize;

/// Most instants one call may ask about.
pub const MAX_INSTANTS: usize = 10_000;

/// How many pool numbers are in each state at `at` (each number counted once, in this precedence).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PoolStates {
    pub at: i64,
    pub in_use: u64,
    pub reserved: u64,
    pub cooling_off: u64,
    pub free: u64,
}

/// The pool's states at each of `instants` (epoch seconds).
pub fn pool_states(
    config: &MaskingConfig,
    pool: &[PoolNumber],
    sessions: &[Session],
    instants: &[i64],
) -> Vec<PoolStates> {
    let cooloff = i64::try_from(config.allocation.cooloff_seconds).unwrap_or(i64::MAX);
    instants
        .iter()
        .map(|&at| {
            let mut s = PoolStates { at, in_use: 0, reserved: 0, cooling_off: 0, free: 0 };
            for n in pool {
                let u = usage_of(n.number.key, sessions.iter(), at);
                let released = u.released.max(n.last_released_at);
                if u.load > 0 {
                    s.in_use += 1;
                } else if n.excluded_from_allocation || n.held_for_session.is_some() {
                    s.reserved += 1;
                } else if released.is_some_and(|t| t <= at && t.saturating_add(cooloff) > at) {
                    s.cooling_off += 1;
                } else {
                    s.free += 1;
                }
            }
            s
        })
        .collect()
}
