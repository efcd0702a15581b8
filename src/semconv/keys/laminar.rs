//! Laminar (`lmnr`) keys.
//!
//! Source: `lmnr-ai/lmnr` `app-server/src/traces/span_attributes.rs` and `traces/spans.rs`.

/// `DEFAULT`, `LLM`, `PIPELINE`, `EXECUTOR`, `EVALUATOR`, `HUMAN_EVALUATOR`, `EVALUATION`,
/// `TOOL`, `CACHED`.
pub const SPAN_TYPE: &str = "lmnr.span.type";
/// Span input, a JSON string.
pub const SPAN_INPUT: &str = "lmnr.span.input";
/// Span output, a JSON string.
pub const SPAN_OUTPUT: &str = "lmnr.span.output";
/// Cost of the call in USD, as Laminar's SDK reports it.
pub const GEN_AI_USAGE_COST: &str = "gen_ai.usage.cost";
/// Association property: session id.
pub const ASSOCIATION_SESSION_ID: &str = "lmnr.association.properties.session_id";
/// Association property: user id.
pub const ASSOCIATION_USER_ID: &str = "lmnr.association.properties.user_id";

/// `lmnr.span.type` values.
pub mod span_type {
    pub const DEFAULT: &str = "DEFAULT";
    pub const LLM: &str = "LLM";
    pub const PIPELINE: &str = "PIPELINE";
    pub const EXECUTOR: &str = "EXECUTOR";
    pub const TOOL: &str = "TOOL";
    pub const EVALUATOR: &str = "EVALUATOR";
    pub const CACHED: &str = "CACHED";
}
