//! Number masking (seed 004, Infobip; session rules as in Twilio Proxy and Plivo) and display masking
//! (seed 003): the pure decision core the worker and the admin page call.
//!
//! - [`payload`]: Infobip's callback request, callback response and status message;
//! - [`signature`]: the `Authorization: apiId:sha256hex` header, checked on the raw body;
//! - [`session`] and [`route`]: sessions, and routing a callback through an O(1) index;
//! - [`lifecycle`]: create, close, expire, release and cool-off, replays, status keys, credentials, and what
//!   a reader sees of stored data: every rule about sessions the worker would otherwise hold;
//! - [`pin`]: PIN-gated join (`captureDtmf`), hashed PINs, attempt counters;
//! - [`allocate`]: picking proxy numbers from a pool under the uniqueness rule, and pool sizing;
//! - [`display`]: what a viewer of a given role sees of a number;
//! - [`config`]: the masking configuration, validated with every problem reported.

pub mod allocate;
pub mod config;
pub mod display;
pub mod lifecycle;
pub mod number;
pub mod payload;
pub mod pin;
pub mod route;
pub mod session;
pub mod signature;
pub mod states;

pub use allocate::{pool_size, read_pool, Allocation, PoolNumber, PoolSize, PoolSizing};
pub use config::{AllocationRules, GeoMatch, MaskingConfig, PinConfig, RecordsPolicy, Withheld};
pub use display::{mask, DisplayPolicy, Displayed};
pub use lifecycle::{validate_credentials, CallRecord, CallbackResult, Closed, StatusRecord, Viewer};
pub use number::Number;
pub use payload::{
    parse_callback, parse_status, AudioSource, CallbackRequest, CallbackResponse, Dial, StatusMessage,
};
pub use route::{Counter, MaskingState, RouteOutcome, Routing, Webhook};
pub use session::{read_sessions, Fallback, Participant, Session, SessionState, SessionStatus};
pub use signature::{sign, verify, Credentials, Signed, Verified, WebhookKind};
pub use states::{pool_states, PoolStates};
