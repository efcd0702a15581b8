//! spotter's canonical keys: what the `session` processor stamps on every span so that any
//! downstream vendor, and every later processor, reads one agent model.

/// The session a span belongs to. Same key as the OTel registry's `session.id`
/// (`docs/registry/attributes/session.md`), which OpenInference and Langfuse also read.
pub const SESSION_ID: &str = "session.id";
/// The 1-based turn of the session the span belongs to: one top-level agent invocation or root
/// trace, ordered by start time.
pub const SESSION_TURN: &str = "spotter.session.turn";
/// The workflow (low-cardinality agent or application name) of the span's session.
pub const WORKFLOW: &str = "spotter.workflow";
/// The span's role in the agent model: `agent`, `llm`, `tool`, `retrieval`, `embedding`,
/// `chain`, `guardrail` or `other` (see [`crate::semconv::SpanRole`]).
pub const SPAN_ROLE: &str = "spotter.span.role";
/// The end user. Same key as the OTel registry's `user.id` (`docs/registry/attributes/user.md`).
pub const USER_ID: &str = "user.id";
/// An explicit end-of-session marker an agent may set (any true value, or the string `true`) on
/// the last span of a session.
pub const SESSION_END: &str = "spotter.session.end";
