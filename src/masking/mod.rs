//! Number masking (seed 004, Infobip; session rules as in Twilio Proxy and Plivo) and display masking
//! (seed 003): the pure decision core the worker and the admin page call.
//!
//! - [`payload`]: Infobip's callback request, callback response and status message;
//! - [`signature`]: the `Authorization: apiId:sha256hex` header, checked on the raw body;
//! - [`session`] and [`route`]: sessions, and routing a callback through an O(1) index;
//! - [`allocate`]: picking proxy numbers from a pool under the uniqueness rule, and pool sizing;
//! - [`display`]: what a viewer of a given role sees of a number;
//! - [`config`]: the masking configuration, validated with every problem reported.

pub mod allocate;
pub mod config;
pub mod display;
pub mod number;
pub mod payload;
pub mod route;
pub mod session;
pub mod signature;
pub mod states;

pub use allocate::{pool_size, read_pool, Allocation, PoolNumber, PoolSize, PoolSizing};
pub use config::{AllocationRules, GeoMatch, MaskingConfig};
pub use display::{mask, DisplayPolicy, Displayed};
pub use number::Number;
pub use payload::{
    parse_callback, parse_status, AudioSource, CallbackRequest, CallbackResponse, Dial, StatusMessage,
};
pub use route::{MaskingState, RouteOutcome, Routing, Webhook};
pub use session::{read_sessions, Fallback, Participant, Session, SessionStatus};
pub use signature::{sign, verify, Credentials, Signed, Verified, WebhookKind};
pub use states::{pool_states, PoolStates};
