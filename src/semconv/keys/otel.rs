//! OpenTelemetry semantic conventions: the GenAI registry (current keys, v1.37+, and the older
//! ones still emitted) plus the general registry keys agents use.
//!
//! Sources: `open-telemetry/semantic-conventions` `docs/registry/attributes/gen-ai.md` (v1.37 to
//! v1.41), `docs/gen-ai/gen-ai-spans.md`, `gen-ai-agent-spans.md`, `gen-ai-events.md` and
//! `llm-spans.md` (v1.26); `open-telemetry/semantic-conventions-genai`
//! `model/gen-ai/registry.yaml`; `docs/registry/attributes/{session,user,enduser,error,exception,
//! service,deployment}.md`.

// --- operation and identity -------------------------------------------------------------------

/// The operation a GenAI span performs: `chat`, `text_completion`, `generate_content`,
/// `embeddings`, `retrieval`, `execute_tool`, `invoke_agent`, `create_agent`, `invoke_workflow`.
/// Source: gen-ai registry (v1.28+).
pub const GEN_AI_OPERATION_NAME: &str = "gen_ai.operation.name";
/// The conversation (session) id. Source: gen-ai registry, v1.34+.
pub const GEN_AI_CONVERSATION_ID: &str = "gen_ai.conversation.id";
/// A non-standard session key some emitters use beside `gen_ai.conversation.id`.
/// Source: seen in the wild; listed by spotter's issue 3.
pub const GEN_AI_SESSION_ID: &str = "gen_ai.session.id";
/// Agent name. Source: gen-ai registry, v1.31+.
pub const GEN_AI_AGENT_NAME: &str = "gen_ai.agent.name";
/// Agent id. Source: gen-ai registry, v1.31+.
pub const GEN_AI_AGENT_ID: &str = "gen_ai.agent.id";
/// Agent version. Source: gen-ai registry, v1.40+.
pub const GEN_AI_AGENT_VERSION: &str = "gen_ai.agent.version";
/// Workflow name on `invoke_workflow` spans. Source: gen-ai registry, v1.41+.
pub const GEN_AI_WORKFLOW_NAME: &str = "gen_ai.workflow.name";
/// Data source of retrieval spans. Source: gen-ai registry, v1.40+.
pub const GEN_AI_DATA_SOURCE_ID: &str = "gen_ai.data_source.id";

// --- model and provider -----------------------------------------------------------------------

/// The provider (`openai`, `anthropic`, `aws.bedrock`...). Source: gen-ai registry, v1.37+.
pub const GEN_AI_PROVIDER_NAME: &str = "gen_ai.provider.name";
/// The provider, before v1.37 (renamed to `gen_ai.provider.name`). Source: gen-ai registry ≤ v1.36.
pub const GEN_AI_SYSTEM: &str = "gen_ai.system";
/// The model asked for. Source: gen-ai registry.
pub const GEN_AI_REQUEST_MODEL: &str = "gen_ai.request.model";
/// The model that answered. Source: gen-ai registry.
pub const GEN_AI_RESPONSE_MODEL: &str = "gen_ai.response.model";
/// The provider's id of the completion. Source: gen-ai registry.
pub const GEN_AI_RESPONSE_ID: &str = "gen_ai.response.id";
/// Why generation stopped, one entry per choice. Source: gen-ai registry.
pub const GEN_AI_RESPONSE_FINISH_REASONS: &str = "gen_ai.response.finish_reasons";

// --- usage ------------------------------------------------------------------------------------

/// Input tokens, including cache reads and cache writes. Source: gen-ai registry, v1.28+.
pub const GEN_AI_USAGE_INPUT_TOKENS: &str = "gen_ai.usage.input_tokens";
/// Output tokens, including reasoning. Source: gen-ai registry, v1.28+.
pub const GEN_AI_USAGE_OUTPUT_TOKENS: &str = "gen_ai.usage.output_tokens";
/// Input tokens before v1.28. Source: `llm-spans.md` v1.26; OpenLLMetry before semconv-ai 0.5.
pub const GEN_AI_USAGE_PROMPT_TOKENS: &str = "gen_ai.usage.prompt_tokens";
/// Output tokens before v1.28. Source: `llm-spans.md` v1.26; OpenLLMetry before semconv-ai 0.5.
pub const GEN_AI_USAGE_COMPLETION_TOKENS: &str = "gen_ai.usage.completion_tokens";
/// Input tokens read from the provider's cache. Source: gen-ai registry, v1.40+.
pub const GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS: &str = "gen_ai.usage.cache_read.input_tokens";
/// Input tokens written to the provider's cache. Source: gen-ai registry, v1.40+.
pub const GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS: &str =
    "gen_ai.usage.cache_creation.input_tokens";
/// Reasoning tokens (part of output). Source: gen-ai registry, v1.41+.
pub const GEN_AI_USAGE_REASONING_OUTPUT_TOKENS: &str = "gen_ai.usage.reasoning.output_tokens";

// --- content ----------------------------------------------------------------------------------

/// Input messages (JSON string or structured). Source: gen-ai registry, v1.37+.
pub const GEN_AI_INPUT_MESSAGES: &str = "gen_ai.input.messages";
/// Output messages (JSON string or structured). Source: gen-ai registry, v1.37+.
pub const GEN_AI_OUTPUT_MESSAGES: &str = "gen_ai.output.messages";
/// System instructions. Source: gen-ai registry, v1.37+.
pub const GEN_AI_SYSTEM_INSTRUCTIONS: &str = "gen_ai.system_instructions";
/// Tools offered to the model. Source: gen-ai registry, v1.38+.
pub const GEN_AI_TOOL_DEFINITIONS: &str = "gen_ai.tool.definitions";
/// The whole prompt as one string, on `gen_ai.content.prompt` events. Source: v1.26.
pub const GEN_AI_PROMPT: &str = "gen_ai.prompt";
/// The whole completion as one string, on `gen_ai.content.completion` events. Source: v1.26.
pub const GEN_AI_COMPLETION: &str = "gen_ai.completion";

// --- events (log records with an event name, or span events of the same names) ----------------

/// The event name as a log record attribute, for SDKs older than `LogRecord.event_name`.
/// Source: `docs/general/events.md`.
pub const EVENT_NAME: &str = "event.name";

/// GenAI event names. Source: `docs/gen-ai/gen-ai-events.md` (v1.27–v1.36 per-message events;
/// v1.37+ `gen_ai.client.inference.operation.details` and `gen_ai.evaluation.result`; v1.26
/// `gen_ai.content.*`).
pub mod event {
    pub const SYSTEM_MESSAGE: &str = "gen_ai.system.message";
    pub const USER_MESSAGE: &str = "gen_ai.user.message";
    pub const ASSISTANT_MESSAGE: &str = "gen_ai.assistant.message";
    pub const TOOL_MESSAGE: &str = "gen_ai.tool.message";
    pub const CHOICE: &str = "gen_ai.choice";
    pub const INFERENCE_DETAILS: &str = "gen_ai.client.inference.operation.details";
    pub const CONTENT_PROMPT: &str = "gen_ai.content.prompt";
    pub const CONTENT_COMPLETION: &str = "gen_ai.content.completion";
    pub const EVALUATION_RESULT: &str = "gen_ai.evaluation.result";
}

// --- evaluation -------------------------------------------------------------------------------

/// The evaluation's name (required). Source: gen-ai registry, v1.37+.
pub const GEN_AI_EVALUATION_NAME: &str = "gen_ai.evaluation.name";
/// The evaluator's score. Source: gen-ai registry, v1.37+.
pub const GEN_AI_EVALUATION_SCORE_VALUE: &str = "gen_ai.evaluation.score.value";
/// A low-cardinality reading of the score (`pass`, `fail`). Source: gen-ai registry, v1.37+.
pub const GEN_AI_EVALUATION_SCORE_LABEL: &str = "gen_ai.evaluation.score.label";
/// Why the evaluator gave this score. Source: gen-ai registry, v1.37+.
pub const GEN_AI_EVALUATION_EXPLANATION: &str = "gen_ai.evaluation.explanation";

// --- tools ------------------------------------------------------------------------------------

/// The tool's name, required on `execute_tool`. Source: gen-ai registry.
pub const GEN_AI_TOOL_NAME: &str = "gen_ai.tool.name";
/// The tool call id, the join key to the model's request. Source: gen-ai registry.
pub const GEN_AI_TOOL_CALL_ID: &str = "gen_ai.tool.call.id";
/// The tool's arguments (object, or a JSON string). Source: gen-ai registry, v1.38+.
pub const GEN_AI_TOOL_CALL_ARGUMENTS: &str = "gen_ai.tool.call.arguments";
/// The tool's result (only on success). Source: gen-ai registry, v1.38+.
pub const GEN_AI_TOOL_CALL_RESULT: &str = "gen_ai.tool.call.result";
/// `function`, `extension` or `datastore`. Source: gen-ai registry.
pub const GEN_AI_TOOL_TYPE: &str = "gen_ai.tool.type";

// --- operation name values --------------------------------------------------------------------

/// `gen_ai.operation.name` values. Source: gen-ai registry, plus OpenLLMetry ≥ 0.5 extras.
pub mod operation {
    pub const CHAT: &str = "chat";
    pub const TEXT_COMPLETION: &str = "text_completion";
    pub const GENERATE_CONTENT: &str = "generate_content";
    pub const EMBEDDINGS: &str = "embeddings";
    pub const RETRIEVAL: &str = "retrieval";
    pub const EXECUTE_TOOL: &str = "execute_tool";
    pub const INVOKE_AGENT: &str = "invoke_agent";
    pub const CREATE_AGENT: &str = "create_agent";
    pub const INVOKE_WORKFLOW: &str = "invoke_workflow";
    /// Draft (semantic-conventions-genai): the planning phase of an agent.
    pub const PLAN: &str = "plan";
}

// --- general registry -------------------------------------------------------------------------

/// The session id. Source: `docs/registry/attributes/session.md`.
pub const SESSION_ID: &str = "session.id";
/// The end user id. Source: `docs/registry/attributes/user.md`.
pub const USER_ID: &str = "user.id";
/// The end user id, deprecated in favour of `user.id`. Source: `enduser.md`.
pub const ENDUSER_ID: &str = "enduser.id";
/// A low-cardinality error class. Source: `docs/registry/attributes/error.md`.
pub const ERROR_TYPE: &str = "error.type";
/// The name of the span event recording an exception. Source: `exceptions-spans.md`.
pub const EXCEPTION_EVENT: &str = "exception";
/// Exception class on an `exception` event. Source: `docs/registry/attributes/exception.md`.
pub const EXCEPTION_TYPE: &str = "exception.type";
/// Exception message on an `exception` event. Source: `docs/registry/attributes/exception.md`.
pub const EXCEPTION_MESSAGE: &str = "exception.message";
/// Resource: the service name. Source: `docs/registry/attributes/service.md`.
pub const SERVICE_NAME: &str = "service.name";
/// Resource: the service version. Source: `docs/registry/attributes/service.md`.
pub const SERVICE_VERSION: &str = "service.version";
/// Resource: the deployment environment. Source: `deployment.md` (v1.27+).
pub const DEPLOYMENT_ENVIRONMENT_NAME: &str = "deployment.environment.name";
/// HTTP status of a response. Source: `docs/registry/attributes/http.md`.
pub const HTTP_RESPONSE_STATUS_CODE: &str = "http.response.status_code";
/// Resource: the deployment environment before v1.27. Source: `deployment.md` (deprecated).
pub const DEPLOYMENT_ENVIRONMENT_OLD: &str = "deployment.environment";
/// HTTP status of a response before v1.21. Source: `docs/registry/attributes/http.md`
/// (deprecated `http.status_code`).
pub const HTTP_STATUS_CODE_OLD: &str = "http.status_code";
/// The server a client span talked to. Source: `docs/registry/attributes/server.md`.
pub const SERVER_ADDRESS: &str = "server.address";
/// The full URL of a client request. Source: `docs/registry/attributes/url.md`.
pub const URL_FULL: &str = "url.full";
