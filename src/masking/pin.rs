//! PIN-gated join (Infobip `captureDtmf`, as Plivo's and Exotel's PIN authentication): a caller whose number
//! matches no session (or is withheld) is asked for a participant's PIN; the callback that follows carries the
//! digits (`dtmfCaptured`) and is connected as the participant whose PIN matches.
//!
//! PINs are stored only as `HMAC-SHA256(tenant secret, "pin:" + digits)` and compared in constant time. Failed
//! attempts are counted per call, per caller number and per proxy number ([`Counter`]); the host stores the
//! counters the core returns and hands them back, the core decides. The trace never contains the digits.

use super::number::Number;
use super::payload::{CallbackRequest, CallbackResponse, CaptureDtmf};
use super::route::{dial_other, other, Counter, MaskingState, RouteOutcome, Routing};
use crate::trace::{Outcome, Trace};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// `HMAC-SHA256(secret, text)`, hex.
pub(crate) fn keyed_hex(secret: &str, text: &str) -> Option<String> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).ok()?;
    mac.update(text.as_bytes());
    Some(mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect())
}

/// Equality of two strings in time independent of where they differ.
pub(crate) fn ct_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl MaskingState {
    /// The stored form of a PIN; `None` without a tenant secret.
    pub(crate) fn pin_hash(&self, digits: &str) -> Option<String> {
        keyed_hex(self.secret.as_deref()?, &format!("pin:{digits}"))
    }

    /// Whether some live session gives a PIN to a participant reaching its partner through `proxy`.
    pub(crate) fn pin_reachable(&self, proxy: &Number, now: i64) -> bool {
        self.sessions_on(proxy.key).any(|s| {
            s.is_live(now) && s.participants.iter().any(|p| p.proxy.key == proxy.key && p.pin_hash.is_some())
        })
    }

    /// Failures counted under `key` within the window ending at `now`.
    fn failures(&self, key: &str, now: i64, window: i64) -> u64 {
        match self.counters.get(key) {
            Some(c) if now.saturating_sub(c.since) < window => c.count,
            _ => 0,
        }
    }

    /// The counter under `key` after one more failure at `now`.
    fn bump(&self, key: String, now: i64, window: i64) -> Counter {
        match self.counters.get(&key) {
            Some(c) if now.saturating_sub(c.since) < window => {
                Counter { key, count: c.count + 1, since: c.since }
            }
            _ => Counter { key, count: 1, since: now },
        }
    }

    /// Replaces the counters (as stored by the host).
    pub fn set_counters(&mut self, counters: Vec<Counter>) {
        self.counters = counters.into_iter().map(|c| (c.key.clone(), c)).collect();
    }

    /// Stores counters returned by a decision (the in-memory copy of what the host stores).
    pub(crate) fn apply_counters(&mut self, counters: &[Counter]) {
        for c in counters {
            self.counters.insert(c.key.clone(), c.clone());
        }
    }

    /// The PIN prompt, or, after `dtmfCaptured`, the PIN check. `caller` is `None` for a withheld number.
    pub(crate) fn pin_flow(
        &self,
        cb: &CallbackRequest,
        caller: Option<&Number>,
        now: i64,
        mut trace: Trace,
    ) -> Routing {
        let refuse = |this: &Self, mut trace: Trace, counters: Vec<Counter>| Routing {
            outcome: RouteOutcome::PinRefused,
            session_id: None,
            response: this.not_allowed(&mut trace),
            trace,
            counters,
        };
        let Some(cfg) = &self.config.pin else { return refuse(self, trace, Vec::new()) };
        let window = i64::try_from(cfg.window_seconds).unwrap_or(i64::MAX);
        let caller_key = caller.map(|c| format!("caller:{}", c.e164));
        let proxy_key = format!("proxy:{}", cb.to.e164);
        let by_caller = caller_key.as_deref().map_or(0, |k| self.failures(k, now, window));
        let by_proxy = self.failures(&proxy_key, now, window);
        if by_caller >= cfg.per_caller || by_proxy >= cfg.per_proxy {
            trace.push("pin", Outcome::RateLimited, format!(
                    "{by_caller} failed PINs from this caller (limit {}), {by_proxy} at this proxy (limit {}) in the last {window} s",
                    cfg.per_caller, cfg.per_proxy
                ));
            return refuse(self, trace, Vec::new());
        }
        let prompt = CallbackResponse::CaptureDtmf(CaptureDtmf {
            prompt: cfg.prompt.clone(),
            max_length: cfg.max_length,
            timeout: cfg.timeout_ms,
            digit_timeout: cfg.digit_timeout_ms,
            terminator: Some(cfg.terminator.clone()),
            add_country_code: None,
        });
        if cb.dtmf_captured.is_none() {
            trace.push("pin", Outcome::Prompt, format!("ask for a PIN (up to {} digits)", cfg.max_length));
            return Routing {
                outcome: RouteOutcome::PinPrompt,
                session_id: None,
                response: prompt,
                trace,
                counters: Vec::new(),
            };
        }
        let entered = cb.digits.as_deref().unwrap_or("");
        let hash = self.pin_hash(entered);
        let matched = hash.as_deref().and_then(|h| {
            self.sessions_on(cb.to.key).filter(|s| s.is_live(now)).find_map(|s| {
                let side = s.participants.iter().position(|p| {
                    p.proxy.key == cb.to.key && p.pin_hash.as_deref().is_some_and(|stored| ct_eq(stored, h))
                })?;
                Some((s, side))
            })
        });
        if let Some((s, side)) = matched {
            let callee = other(s, side);
            trace.push(
                "pin",
                Outcome::Accepted,
                format!("the PIN of participant {side} of session {:?}", s.id),
            );
            trace.push(
                "dial",
                Outcome::Connect,
                format!("dial {} showing {}", callee.number.e164, callee.proxy.e164),
            );
            let response = dial_other(s, callee);
            return Routing {
                outcome: RouteOutcome::PinJoin,
                session_id: Some(s.id.clone()),
                response,
                trace,
                counters: Vec::new(),
            };
        }
        let call = cb.correlation_id.as_deref().or(cb.nm_correlation_id.as_deref()).unwrap_or("");
        let mut counters = vec![self.bump(format!("call:{call}"), now, window)];
        counters.extend(caller_key.map(|k| self.bump(k, now, window)));
        counters.push(self.bump(proxy_key, now, window));
        let attempts = counters.first().map_or(1, |c| c.count);
        if attempts >= cfg.max_attempts {
            trace.push(
                "pin",
                Outcome::Refused,
                format!("wrong PIN, attempt {attempts} of {}: no more attempts", cfg.max_attempts),
            );
            return refuse(self, trace, counters);
        }
        trace.push(
            "pin",
            Outcome::Retry,
            format!("wrong PIN, attempt {attempts} of {}: ask again", cfg.max_attempts),
        );
        Routing { outcome: RouteOutcome::PinPrompt, session_id: None, response: prompt, trace, counters }
    }
}
