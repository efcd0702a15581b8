//! Attribute keys of every agent instrumentation convention, and the typed view over spans that
//! every processor reads through.
//!
//! - [`keys`]: one module per convention (OTel GenAI current and old, OpenInference,
//!   OpenLLMetry/Traceloop, Langfuse, Pydantic AI/Logfire, Laminar, other vendors) plus spotter's
//!   canonical keys, each constant with its source;
//! - [`SpanView`]: one view over an OTLP span with one recogniser per concept, each walking the
//!   conventions in a documented precedence: identity (session, user, agent, model, provider,
//!   errors) in `view.rs`, the span role in `role.rs`, token usage in `usage.rs`, tools in
//!   `tool.rs`, messages in `messages.rs`;
//! - [`value`]: reading and writing OTLP attribute values;
//! - [`profile`]: vendor profiles that add the keys a backend reads;
//!
//! Processors never search attributes by string themselves: they ask the view, or pass one of
//! the key constants to [`SpanView::str_attr`] and friends.

mod cost;
pub mod events;
mod finding;
mod finish;
pub mod keys;
mod messages;
pub mod profile;
mod role;
mod tool;
mod usage;
pub mod value;
mod view;

pub use finding::{Finding, Severity};
pub use role::SpanRole;
pub use tool::ToolCall;
pub use usage::Usage;
pub use view::{normalise_provider, spans, SpanView, SESSION_ID_KEYS, USER_ID_KEYS};
