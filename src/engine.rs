//! The one entry point for the worker and the admin page: an [`Engine`] is built once per policy version
//! (validation plus whatever indexes the decisions need) and then decides any number of calls.

use crate::error::{Error, Problems};
use crate::event::{read_event, CallEvent};
use crate::policy::{validate_policy, Policy};
use crate::privacy::{present, Presentation, Scope};
use crate::trace::Trace;
use serde::Serialize;
use serde_json::Value;

/// A validated policy, ready to decide calls.
#[derive(Debug, Clone)]
pub struct Engine {
    policy: Policy,
}

/// The decision for one call: how its caller ID is presented, and the trace of every rule consulted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub presentation: Presentation,
    pub trace: Trace,
}

impl Engine {
    /// Validates a policy document and builds the engine; every problem is reported with its path.
    pub fn new(policy: &Value) -> Result<Engine, Problems> {
        Ok(Engine::from_policy(validate_policy(policy)?))
    }

    /// Builds the engine for an already validated policy.
    pub fn from_policy(policy: Policy) -> Engine {
        Engine { policy }
    }

    /// The validated policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Decides a call event given as JSON (checked first, every problem reported).
    pub fn decide_json(&self, event: &Value) -> Result<Decision, Problems> {
        let event = read_event(event)?;
        Ok(self.decide(&event)?)
    }

    /// Decides only the presentation of a call event given as JSON.
    pub fn present_json(&self, event: &Value) -> Result<Decision, Problems> {
        self.decide_json(event)
    }

    /// Decides a call: its presentation, with one trace.
    pub fn decide(&self, event: &CallEvent) -> Result<Decision, Error> {
        let scope = Scope::resolve(&self.policy, event)?;
        let mut trace = Trace::default();
        let presentation = present(event, &scope, &mut trace);
        Ok(Decision { presentation, trace })
    }
}
