//! Pydantic AI and Logfire keys (beside the OTel GenAI keys they also emit).
//!
//! Source: `pydantic/pydantic-ai` `pydantic_ai_slim/pydantic_ai/_instrumentation.py`,
//! `models/instrumented.py`, `capabilities/instrumentation.py`.

/// Logfire's rendered message; its presence marks a Logfire span.
pub const LOGFIRE_MSG: &str = "logfire.msg";
/// Agent name, instrumentation format 2.
pub const AGENT_NAME: &str = "agent_name";
/// Model name on agent spans.
pub const MODEL_NAME: &str = "model_name";
/// Full message history on the agent span (input).
pub const ALL_MESSAGES: &str = "pydantic_ai.all_messages";
/// Final result on the agent span (output).
pub const FINAL_RESULT: &str = "final_result";
/// Tool arguments, instrumentation format 2 (`running tool` spans).
pub const TOOL_ARGUMENTS: &str = "tool_arguments";
/// Tool response, instrumentation format 2.
pub const TOOL_RESPONSE: &str = "tool_response";
/// Prefix of the run totals on agent spans; never summed again (leaf LLM spans carry the usage).
pub const AGGREGATED_USAGE_PREFIX: &str = "gen_ai.aggregated_usage.";
/// Cost of a model call in USD, priced by `genai-prices`.
pub const OPERATION_COST: &str = "operation.cost";
/// Scope name of Pydantic AI spans.
pub const SCOPE_NAME: &str = "pydantic-ai";
