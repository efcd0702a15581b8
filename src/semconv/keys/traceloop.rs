//! OpenLLMetry / Traceloop SDK keys.
//!
//! Source: `traceloop/openllmetry`
//! `packages/opentelemetry-semantic-conventions-ai/opentelemetry/semconv_ai/__init__.py`,
//! `packages/traceloop-sdk/traceloop/sdk/decorators/base.py`, `.../tracing/tracing.py`,
//! `.../associations/associations.py`, and the pre-0.5 OpenAI instrumentation
//! (`shared/chat_wrappers.py`) for the flattened `gen_ai.prompt.<i>.*` keys.

/// `workflow`, `task`, `agent`, `tool` or `unknown`, set by the SDK's decorators.
pub const SPAN_KIND: &str = "traceloop.span.kind";
/// The decorated entity's name (the tool name on `tool` spans).
pub const ENTITY_NAME: &str = "traceloop.entity.name";
/// The decorated function's input: JSON `{"args": [...], "kwargs": {...}}`.
pub const ENTITY_INPUT: &str = "traceloop.entity.input";
/// The decorated function's return value, as JSON.
pub const ENTITY_OUTPUT: &str = "traceloop.entity.output";
/// The workflow name, copied onto every span under a `@workflow`.
pub const WORKFLOW_NAME: &str = "traceloop.workflow.name";
/// Association property: session id (set on every span in context).
pub const ASSOCIATION_SESSION_ID: &str = "traceloop.association.properties.session_id";
/// Association property: user id.
pub const ASSOCIATION_USER_ID: &str = "traceloop.association.properties.user_id";
/// Association property: customer id.
pub const ASSOCIATION_CUSTOMER_ID: &str = "traceloop.association.properties.customer_id";
/// Request type before semconv-ai 0.5: `chat`, `completion`, `embedding`, `rerank`, `unknown`.
pub const LLM_REQUEST_TYPE: &str = "llm.request.type";
/// The OpenAI `user` request parameter (before 0.5).
pub const LLM_USER: &str = "llm.user";
/// The OpenAI `user` request parameter (0.5+).
pub const GEN_AI_USER: &str = "gen_ai.user";
/// Total tokens (before 0.5).
pub const LLM_USAGE_TOTAL_TOKENS: &str = "llm.usage.total_tokens";
/// Total tokens (0.5+).
pub const GEN_AI_USAGE_TOTAL_TOKENS: &str = "gen_ai.usage.total_tokens";
/// Cache reads, with underscores (before 0.5; Laminar too).
pub const GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS: &str = "gen_ai.usage.cache_read_input_tokens";
/// Cache writes, with underscores (before 0.5; Laminar too).
pub const GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS: &str =
    "gen_ai.usage.cache_creation_input_tokens";
/// Reasoning tokens (0.5+).
pub const GEN_AI_USAGE_REASONING_TOKENS: &str = "gen_ai.usage.reasoning_tokens";
/// Reasoning tokens (before 0.5).
pub const LLM_USAGE_REASONING_TOKENS: &str = "llm.usage.reasoning_tokens";
/// Why the model stopped, OpenLLMetry's own singular key (≥ 0.5).
pub const GEN_AI_RESPONSE_FINISH_REASON: &str = "gen_ai.response.finish_reason";
/// Why the first choice stopped, flattened completions (before 0.5).
pub const GEN_AI_COMPLETION_0_FINISH_REASON: &str = "gen_ai.completion.0.finish_reason";
/// Prefix of the flattened prompt messages (before 0.5):
/// `gen_ai.prompt.<i>.{role,content,tool_call_id}`, `gen_ai.prompt.<i>.tool_calls.<j>.*`.
pub const GEN_AI_PROMPT_PREFIX: &str = "gen_ai.prompt.";
/// Prefix of the flattened completions (before 0.5):
/// `gen_ai.completion.<i>.{role,content,finish_reason}`,
/// `gen_ai.completion.<i>.tool_calls.<j>.{id,name,arguments}`.
pub const GEN_AI_COMPLETION_PREFIX: &str = "gen_ai.completion.";

/// `traceloop.span.kind` values.
pub mod kind {
    pub const WORKFLOW: &str = "workflow";
    pub const TASK: &str = "task";
    pub const AGENT: &str = "agent";
    pub const TOOL: &str = "tool";
    pub const UNKNOWN: &str = "unknown";
}

/// Extra `gen_ai.operation.name` values OpenLLMetry ≥ 0.5 emits.
pub mod operation {
    pub const LLM_REQUEST: &str = "llm_request";
    pub const EXECUTE_TASK: &str = "execute_task";
    pub const VECTOR_DB_RETRIEVE: &str = "vector_db_retrieve";
}
