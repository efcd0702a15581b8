//! OpenInference (Arize / Phoenix) keys.
//!
//! Source: `Arize-ai/openinference` `spec/semantic_conventions.md`, `spec/tool_calling.md` and
//! `python/openinference-semantic-conventions/src/openinference/semconv/trace/__init__.py`.
//! Lists are flattened as `<prefix>.<index>.<suffix>`, zero-based.

/// The span kind, required on every OpenInference span: `LLM`, `EMBEDDING`, `CHAIN`,
/// `RETRIEVER`, `RERANKER`, `TOOL`, `AGENT`, `GUARDRAIL`, `EVALUATOR`, `PROMPT`, `UNKNOWN`.
pub const SPAN_KIND: &str = "openinference.span.kind";
/// Session id, stamped by `using_session` on every span in the block.
pub const SESSION_ID: &str = "session.id";
/// User id, stamped by `using_user`.
pub const USER_ID: &str = "user.id";
/// Generic input of any span (on LLM spans the whole request; on tools, the arguments).
pub const INPUT_VALUE: &str = "input.value";
/// `text/plain` or `application/json`.
pub const INPUT_MIME_TYPE: &str = "input.mime_type";
/// Generic output of any span (on tools, the result).
pub const OUTPUT_VALUE: &str = "output.value";
/// `text/plain` or `application/json`.
pub const OUTPUT_MIME_TYPE: &str = "output.mime_type";
/// Model name: the response model if known, else the request model.
pub const LLM_MODEL_NAME: &str = "llm.model_name";
/// Model asked for (optional).
pub const LLM_REQUEST_MODEL_NAME: &str = "llm.request.model_name";
/// Model that answered (optional).
pub const LLM_RESPONSE_MODEL_NAME: &str = "llm.response.model_name";
/// Model vendor (`openai`, `anthropic`...).
pub const LLM_SYSTEM: &str = "llm.system";
/// Hosting provider (`openai`, `azure`, `aws`...).
pub const LLM_PROVIDER: &str = "llm.provider";
/// Embedding model name.
pub const EMBEDDING_MODEL_NAME: &str = "embedding.model_name";
/// Prompt tokens (OpenAI semantics: includes cached tokens).
pub const LLM_TOKEN_COUNT_PROMPT: &str = "llm.token_count.prompt";
/// Completion tokens (includes reasoning).
pub const LLM_TOKEN_COUNT_COMPLETION: &str = "llm.token_count.completion";
/// Total tokens.
pub const LLM_TOKEN_COUNT_TOTAL: &str = "llm.token_count.total";
/// Prompt tokens read from cache.
pub const LLM_TOKEN_COUNT_PROMPT_CACHE_READ: &str = "llm.token_count.prompt_details.cache_read";
/// Prompt tokens written to cache.
pub const LLM_TOKEN_COUNT_PROMPT_CACHE_WRITE: &str = "llm.token_count.prompt_details.cache_write";
/// Why the model stopped (`stop`, `tool_calls`, `length`...), a string.
pub const LLM_FINISH_REASON: &str = "llm.finish_reason";
/// Total cost of the call in USD (`llm.cost.*` family).
pub const LLM_COST_TOTAL: &str = "llm.cost.total";
/// Resource attribute naming the Phoenix project the spans go to
/// (`openinference.semconv.resource.ResourceAttributes.PROJECT_NAME`).
pub const PROJECT_NAME: &str = "openinference.project.name";
/// Reasoning tokens.
pub const LLM_TOKEN_COUNT_COMPLETION_REASONING: &str =
    "llm.token_count.completion_details.reasoning";
/// Prefix of the flattened input messages: `llm.input_messages.<i>.message.{role,content,...}`.
pub const LLM_INPUT_MESSAGES_PREFIX: &str = "llm.input_messages.";
/// Prefix of the flattened output messages, including
/// `.message.tool_calls.<j>.tool_call.{id,function.name,function.arguments}`.
pub const LLM_OUTPUT_MESSAGES_PREFIX: &str = "llm.output_messages.";
/// Tool name on `TOOL` spans.
pub const TOOL_NAME: &str = "tool.name";
/// Tool call id on `TOOL` spans (the `tool_call.id` it answers).
pub const TOOL_ID: &str = "tool.id";
/// Tool call id, as some OpenInference instrumentations set it on `TOOL` spans.
pub const TOOL_CALL_ID: &str = "tool_call.id";
/// Agent name on `AGENT` spans.
pub const AGENT_NAME: &str = "agent.name";
/// Free metadata, a JSON string.
pub const METADATA: &str = "metadata";

/// `openinference.span.kind` values.
pub mod kind {
    pub const LLM: &str = "LLM";
    pub const EMBEDDING: &str = "EMBEDDING";
    pub const CHAIN: &str = "CHAIN";
    pub const RETRIEVER: &str = "RETRIEVER";
    pub const RERANKER: &str = "RERANKER";
    pub const TOOL: &str = "TOOL";
    pub const AGENT: &str = "AGENT";
    pub const GUARDRAIL: &str = "GUARDRAIL";
    pub const EVALUATOR: &str = "EVALUATOR";
    pub const PROMPT: &str = "PROMPT";
    pub const UNKNOWN: &str = "UNKNOWN";
}
