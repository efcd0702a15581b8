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

/// Cost of a leaf model call in USD, as spotter settled it (reported by the SDK or computed
/// from the pricing table, see `spotter.cost.source`).
pub const COST_USD: &str = "spotter.cost.usd";
/// Where `spotter.cost.usd` came from: `reported` (the SDK's) or `computed` (spotter's table).
pub const COST_SOURCE: &str = "spotter.cost.source";
/// Set to true on a model call spotter could not price (unknown model, no SDK cost).
pub const COST_UNPRICED: &str = "spotter.cost.unpriced";
/// Input tokens of a model call divided by the model's context window.
pub const CONTEXT_UTILIZATION: &str = "spotter.context.utilization";
/// Set to true on a model call whose context utilization is above the saturation threshold;
/// also the name of the span event that says so.
pub const CONTEXT_SATURATED: &str = "spotter.context.saturated";
/// Set to true on a model call whose input stopped growing near the context window while its
/// session went on; also the name of the span event that says so.
pub const CONTEXT_TRUNCATION_SUSPECTED: &str = "spotter.context.truncation_suspected";
/// Context window (tokens) of the model, on spotter's context events.
pub const CONTEXT_WINDOW: &str = "spotter.context.window";
/// An explicit outcome an agent may send for its session (`success`, `failure`, a score...).
pub const SESSION_OUTCOME: &str = "spotter.session.outcome";

// --- tool-call findings, written by the tool processors (`crate::processor::tool`) ----------

/// The outcome class of a tool call: `ok`, `auth`, `rate_limited`, `timeout`, `network`,
/// `not_found`, `bad_request`, `server_error`, `schema_mismatch`, `empty` or `error`.
pub const TOOL_OUTCOME: &str = "spotter.tool.outcome";
/// A short machine-friendly error type of a failed tool call (`http_401`, `UNAUTHENTICATED`).
pub const TOOL_ERROR_TYPE: &str = "spotter.tool.error_type";
/// The evidence of a failed tool call, truncated.
pub const TOOL_ERROR_DETAIL: &str = "spotter.tool.error_detail";
/// Fields the tool's learned result schema always had that this result lacks, as written by
/// `schema_drift` (`temperature_c (number)`); `tool_outcome` turns it into `schema_mismatch`.
pub const TOOL_SCHEMA_MISSING: &str = "spotter.tool.schema.missing";
/// The result is part of a confirmed schema drift of its tool.
pub const TOOL_SCHEMA_DRIFT: &str = "spotter.tool.schema_drift";
/// The tool call failed and the rest of its turn did not tell the user.
pub const TOOL_SILENT_FAILURE: &str = "spotter.tool.silent_failure";
/// The tool call failed authentication after the tool had authenticated before.
pub const AUTH_ROT: &str = "spotter.auth_rot";
/// The session is in a tool loop (set from the detection on).
pub const LOOP: &str = "spotter.loop";

/// The user asked for an action that did not happen, or the answer claims one that did not.
pub const GOAL_NOT_MET: &str = "spotter.goal_not_met";
/// Why: `claimed_not_done: cancel`, `requested_not_done: book`.
pub const GOAL_NOT_MET_REASON: &str = "spotter.goal_not_met.reason";
/// Which decided the goal verdict: `rules` or `judge` (the optional LLM judge).
pub const GOAL_NOT_MET_SOURCE: &str = "spotter.goal_not_met.source";

/// Content keys the `genai_events` processor added to a span from log events, comma-separated,
/// so that they are removed again before export when `attach_to_spans` is off. Internal: never
/// exported.
pub const GENAI_EVENTS_JOINED: &str = "spotter.genai_events.joined";
