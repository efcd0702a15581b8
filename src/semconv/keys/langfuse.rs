//! Langfuse keys (what the Langfuse SDK writes and its OTel endpoint reads).
//!
//! Source: `langfuse/langfuse` `packages/shared/src/server/otel/attributes.ts`,
//! `ObservationTypeMapper.ts` and `OtelIngestionProcessor.ts`.

/// Session id (compat alias of `session.id`).
pub const SESSION_ID: &str = "langfuse.session.id";
/// User id (compat alias of `user.id`).
pub const USER_ID: &str = "langfuse.user.id";
/// Session id nested in trace metadata.
pub const TRACE_METADATA_SESSION_ID: &str = "langfuse.trace.metadata.langfuse_session_id";
/// User id nested in trace metadata.
pub const TRACE_METADATA_USER_ID: &str = "langfuse.trace.metadata.langfuse_user_id";
/// The trace's name (Langfuse's workflow concept).
pub const TRACE_NAME: &str = "langfuse.trace.name";
/// Release of the application.
pub const RELEASE: &str = "langfuse.release";
/// Version of the observation's code.
pub const VERSION: &str = "langfuse.version";
/// Environment.
pub const ENVIRONMENT: &str = "langfuse.environment";
/// `span`, `generation`, `event`, `embedding`, `agent`, `tool`, `chain`, `retriever`,
/// `guardrail`, `evaluator`.
pub const OBSERVATION_TYPE: &str = "langfuse.observation.type";
/// `DEBUG`, `DEFAULT`, `WARNING` or `ERROR`.
pub const OBSERVATION_LEVEL: &str = "langfuse.observation.level";
/// Status message of the observation.
pub const OBSERVATION_STATUS_MESSAGE: &str = "langfuse.observation.status_message";
/// Observation input (any JSON).
pub const OBSERVATION_INPUT: &str = "langfuse.observation.input";
/// Observation output (any JSON).
pub const OBSERVATION_OUTPUT: &str = "langfuse.observation.output";
/// Model name of a generation.
pub const OBSERVATION_MODEL_NAME: &str = "langfuse.observation.model.name";
/// Usage of a generation, a JSON object (Langfuse's own `input` excludes cached tokens).
pub const OBSERVATION_USAGE_DETAILS: &str = "langfuse.observation.usage_details";
/// Cost of a generation, a JSON object of USD amounts (`{"input": .., "output": .., "total": ..}`).
pub const OBSERVATION_COST_DETAILS: &str = "langfuse.observation.cost_details";
/// Tool call id, as the Langfuse SDK records it in observation metadata.
pub const OBSERVATION_METADATA_TOOL_CALL_ID: &str = "langfuse.observation.metadata.tool_call_id";

/// `langfuse.observation.type` values.
pub mod observation {
    pub const SPAN: &str = "span";
    pub const GENERATION: &str = "generation";
    pub const EVENT: &str = "event";
    pub const EMBEDDING: &str = "embedding";
    pub const AGENT: &str = "agent";
    pub const TOOL: &str = "tool";
    pub const CHAIN: &str = "chain";
    pub const RETRIEVER: &str = "retriever";
    pub const GUARDRAIL: &str = "guardrail";
    pub const EVALUATOR: &str = "evaluator";
}
