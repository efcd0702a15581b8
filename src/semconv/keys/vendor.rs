//! Keys of other producers, and generic keys seen in the wild.
//!
//! Sources: Vercel AI SDK (as mapped by Langfuse's `OtelIngestionProcessor.ts` and Laminar's
//! `span_attributes.rs`), LangSmith's OTel export, and framework baggage keys (LangGraph
//! `thread_id`, plain `session_id`) copied onto spans by baggage span processors.

/// Vercel AI SDK: session id in telemetry metadata.
pub const AI_TELEMETRY_METADATA_SESSION_ID: &str = "ai.telemetry.metadata.sessionId";
/// Vercel AI SDK, snake-case variant Laminar also accepts.
pub const AI_TELEMETRY_METADATA_SESSION_ID_SNAKE: &str = "ai.telemetry.metadata.session_id";
/// Vercel AI SDK: user id in telemetry metadata.
pub const AI_TELEMETRY_METADATA_USER_ID: &str = "ai.telemetry.metadata.userId";
/// Vercel AI SDK, snake-case variant Laminar also accepts.
pub const AI_TELEMETRY_METADATA_USER_ID_SNAKE: &str = "ai.telemetry.metadata.user_id";
/// Vercel AI SDK: function id (its workflow name).
pub const AI_TELEMETRY_FUNCTION_ID: &str = "ai.telemetry.functionId";
/// Vercel AI SDK: operation id (`ai.generateText.doGenerate`, `ai.toolCall`...).
pub const AI_OPERATION_ID: &str = "ai.operationId";
/// Vercel AI SDK: model id.
pub const AI_MODEL_ID: &str = "ai.model.id";
/// Vercel AI SDK: model provider.
pub const AI_MODEL_PROVIDER: &str = "ai.model.provider";
/// Vercel AI SDK: tool name.
pub const AI_TOOL_CALL_NAME: &str = "ai.toolCall.name";
/// Vercel AI SDK: tool call id.
pub const AI_TOOL_CALL_ID: &str = "ai.toolCall.id";
/// Vercel AI SDK: tool arguments (JSON string).
pub const AI_TOOL_CALL_ARGS: &str = "ai.toolCall.args";
/// Vercel AI SDK: tool result (JSON string).
pub const AI_TOOL_CALL_RESULT: &str = "ai.toolCall.result";
/// Vercel AI SDK: prompt messages (JSON string).
pub const AI_PROMPT_MESSAGES: &str = "ai.prompt.messages";
/// Vercel AI SDK: response text.
pub const AI_RESPONSE_TEXT: &str = "ai.response.text";
/// Google ADK: tool arguments.
pub const ADK_TOOL_CALL_ARGS: &str = "gcp.vertex.agent.tool_call_args";
/// Google ADK: tool response.
pub const ADK_TOOL_RESPONSE: &str = "gcp.vertex.agent.tool_response";
/// LangSmith: session (project thread) id.
pub const LANGSMITH_TRACE_SESSION_ID: &str = "langsmith.trace.session_id";
/// Plain `session_id`, as baggage span processors copy it.
pub const SESSION_ID_PLAIN: &str = "session_id";
/// LangGraph's `thread_id`, as baggage span processors copy it.
pub const THREAD_ID: &str = "thread_id";
/// Plain `user_id`, as baggage span processors copy it.
pub const USER_ID_PLAIN: &str = "user_id";
/// Vercel AI SDK: tool calls the model asked for (JSON string).
pub const AI_RESPONSE_TOOL_CALLS: &str = "ai.response.toolCalls";
