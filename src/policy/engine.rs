//! The one entry point for the worker and the admin page: an [`Engine`] is built once per policy version
//! (validation, then the screening index) and then decides any number of calls: privacy detection once,
//! the trust of the call's source, screening (inbound calls), presentation, all appended to one trace.

use crate::error::{Error, Problems};
use crate::policy::event::{read_event, CallEvent, Direction};
use crate::policy::trust::{carrier_trusted, source_trust, SourceTrust};
use crate::policy::{validate_policy, Policy, User};
use crate::privacy::{detect, present_detected, Detected, Presentation, Requested, Scope};
use crate::screening::lookup::{lookup_keys, read_rows, screen_rows, LookupKeys, Resolved, Row};
use crate::screening::{resolve_user, screen, Context, Screening, ScreeningIndex};
use crate::trace::Trace;
use serde::Serialize;
use serde_json::Value;

/// A validated policy and its lookup tables, ready to decide calls.
#[derive(Debug, Clone)]
pub struct Engine {
    policy: Policy,
    index: ScreeningIndex,
}

/// The decision for one call: how its caller ID is presented, the screening verdict (null for calls that
/// are not inbound), and the trace of every rule consulted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub presentation: Presentation,
    pub screening: Option<Screening>,
    pub trace: Trace,
}

/// The presentation half alone (`decidePresentation`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PresentationDecision {
    pub presentation: Presentation,
    pub trace: Trace,
}

/// The screening half alone (`screenCall`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScreeningDecision {
    pub screening: Option<Screening>,
    pub trace: Trace,
}

/// What both halves start from: the call's scope, destination user, privacy detection and trace.
struct Prepared<'e> {
    scope: Scope<'e>,
    user: Option<&'e User>,
    detected: Detected,
    trust: SourceTrust,
    trace: Trace,
}

impl Engine {
    /// Validates a policy document and builds the engine; every problem is reported with its path.
    pub fn new(policy: &Value) -> Result<Engine, Problems> {
        Ok(Engine::from_policy(validate_policy(policy)?))
    }

    /// Builds the engine (the screening index) for an already validated policy.
    pub fn from_policy(policy: Policy) -> Engine {
        let index = ScreeningIndex::build(&policy);
        Engine { policy, index }
    }

    /// The validated policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The screening lookup tables.
    pub fn index(&self) -> &ScreeningIndex {
        &self.index
    }

    /// Decides a call event given as JSON (checked first, every problem reported).
    pub fn decide_json(&self, event: &Value) -> Result<Decision, Problems> {
        Ok(self.decide(&read_event(event)?)?)
    }

    /// Decides only the presentation of a call event given as JSON.
    pub fn present_json(&self, event: &Value) -> Result<PresentationDecision, Problems> {
        Ok(self.present(&read_event(event)?)?)
    }

    /// Decides only the presentation of a call.
    pub fn present(&self, event: &CallEvent) -> Result<PresentationDecision, Error> {
        let Prepared { scope, detected, mut trace, .. } = self.prepare(event, Trace::default())?;
        let presentation = present_detected(event, &scope, detected, &mut trace);
        Ok(PresentationDecision { presentation, trace })
    }

    /// Screens only a call event given as JSON.
    pub fn screen_json(&self, event: &Value) -> Result<ScreeningDecision, Problems> {
        Ok(self.screen_event(&read_event(event)?)?)
    }

    /// Screens only a call (null screening for calls that are not inbound).
    pub fn screen_event(&self, event: &CallEvent) -> Result<ScreeningDecision, Error> {
        let Prepared { scope, user, detected, trust, mut trace } = self.prepare(event, Trace::default())?;
        let screening = self.screen(event, &scope, user, &detected.requested, &trust, &mut trace);
        Ok(ScreeningDecision { screening, trace })
    }

    /// Decides a call: privacy detection, screening, presentation, with one trace.
    pub fn decide(&self, event: &CallEvent) -> Result<Decision, Error> {
        self.decide_into(event, Trace::default())
    }

    /// [`Engine::decide`] with a silent trace: the same decision, its trace left empty and no step formatted
    /// (the what-if replay decides every call twice and compares outcomes; traces are for people).
    pub fn decide_untraced(&self, event: &CallEvent) -> Result<Decision, Error> {
        self.decide_into(event, Trace::silent())
    }

    fn decide_into(&self, event: &CallEvent, trace: Trace) -> Result<Decision, Error> {
        let Prepared { scope, user, detected, trust, mut trace } = self.prepare(event, trace)?;
        let screening = self.screen(event, &scope, user, &detected.requested, &trust, &mut trace);
        let presentation = present_detected(event, &scope, detected, &mut trace);
        Ok(Decision { presentation, screening, trace })
    }

    /// The keys storage must fetch list rows by for a call (lists stored as rows, docs/blocklists.md).
    pub fn lookup_keys(&self, event: &CallEvent) -> Result<LookupKeys, Error> {
        let scope = Scope::resolve(&self.policy, event)?;
        let user = resolve_user(scope.account, event)?;
        Ok(lookup_keys(event, &self.policy, scope.account, user, &self.source_trust(event)))
    }

    /// [`Engine::lookup_keys`] for a call event given as JSON.
    pub fn lookup_keys_json(&self, event: &Value) -> Result<LookupKeys, Problems> {
        Ok(self.lookup_keys(&read_event(event)?)?)
    }

    /// Decides a call from the rows storage fetched under its lookup keys: the same decision, trace
    /// included, as a policy document carrying the whole lists.
    pub fn decide_rows(&self, event: &CallEvent, rows: &[Row]) -> Result<Decision, Error> {
        self.decide_rows_into(event, rows, Trace::default())
    }

    /// [`Engine::decide_rows`] with a silent trace (the what-if replay from rows; see
    /// [`Engine::decide_untraced`]).
    pub fn decide_rows_untraced(&self, event: &CallEvent, rows: &[Row]) -> Result<Decision, Error> {
        self.decide_rows_into(event, rows, Trace::silent())
    }

    fn decide_rows_into(&self, event: &CallEvent, rows: &[Row], trace: Trace) -> Result<Decision, Error> {
        let Prepared { scope, user, detected, trust, mut trace } = self.prepare(event, trace)?;
        let call = Resolved { account: scope.account, user, requested: &detected.requested, trust: &trust };
        let screening = screen_rows(event, &self.policy, &call, rows, &mut trace);
        let presentation = present_detected(event, &scope, detected, &mut trace);
        Ok(Decision { presentation, screening, trace })
    }

    /// [`Engine::decide_rows`] for a call event and rows given as JSON.
    pub fn decide_rows_json(&self, event: &Value, rows: &Value) -> Result<Decision, Problems> {
        let event = read_event(event)?;
        Ok(self.decide_rows(&event, &read_rows(rows)?)?)
    }

    fn prepare<'e>(&'e self, event: &CallEvent, mut trace: Trace) -> Result<Prepared<'e>, Error> {
        let scope = Scope::resolve(&self.policy, event)?;
        let user = resolve_user(scope.account, event)?;
        let trust = self.source_trust(event);
        let detected = detect(event, scope.system, &mut trace);
        Ok(Prepared { scope, user, detected, trust, trace })
    }

    /// Whether the call's source is a trusted peer of the policy (`system.trusted_peers`): only then are its
    /// identity headers (PAI, PPI, RPID) believed.
    pub fn source_trust(&self, event: &CallEvent) -> SourceTrust {
        source_trust(&self.policy.system.trusted_peers, event.source.as_ref())
    }

    /// For an outbound call through a resource: whether that carrier (its gateway, else the resource) is trusted
    /// with the real caller ID. `None` for other calls.
    pub fn carrier_trusted(&self, event: &CallEvent) -> Result<Option<bool>, Error> {
        if event.direction != Direction::Outbound || event.resource.is_none() {
            return Ok(None);
        }
        let scope = Scope::resolve(&self.policy, event)?;
        Ok(Some(carrier_trusted(scope.resource, scope.gateway)))
    }

    fn screen(
        &self,
        event: &CallEvent,
        scope: &Scope<'_>,
        user: Option<&User>,
        requested: &Requested,
        trust: &SourceTrust,
        trace: &mut Trace,
    ) -> Option<Screening> {
        let cx = Context {
            policy: &self.policy,
            index: &self.index,
            account: scope.account,
            user,
            requested,
            trust,
        };
        screen(event, &cx, trace)
    }
}
