//! The span role recogniser: what part of an agent a span is.
//!
//! Precedence (first decisive answer wins):
//! 1. `spotter.span.role`, once stamped;
//! 2. `langfuse.observation.type` (explicit user intent);
//! 3. `openinference.span.kind`;
//! 4. `gen_ai.operation.name` (any era, incl. OpenLLMetry's extra operations);
//! 5. `traceloop.span.kind`, then OpenLLMetry's old `llm.request.type`;
//! 6. `lmnr.span.type`;
//! 7. Vercel AI SDK `ai.operationId`;
//! 8. heuristics: a tool name or call id ⇒ tool; Pydantic AI `agent_name` ⇒ agent; any model
//!    key ⇒ llm; span names `invoke_agent …`, `execute_tool …`, `… .agent`, `… .tool`,
//!    `… .workflow`, `… .task`;
//! 9. otherwise `other`.
//!
//! Generic values (`span`, `event`, `UNKNOWN`, `unknown`, `DEFAULT`) are not decisive: the next
//! convention is asked.

use std::fmt;

use super::keys::{laminar, langfuse, openinference as oi, otel, pydantic_ai as pai, spotter};
use super::keys::{traceloop as tl, vendor};
use super::view::SpanView;

/// The part of an agent a span stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SpanRole {
    Agent,
    Llm,
    Tool,
    Retrieval,
    Embedding,
    Chain,
    Guardrail,
    Other,
}

impl SpanRole {
    pub const ALL: [SpanRole; 8] = [
        SpanRole::Agent,
        SpanRole::Llm,
        SpanRole::Tool,
        SpanRole::Retrieval,
        SpanRole::Embedding,
        SpanRole::Chain,
        SpanRole::Guardrail,
        SpanRole::Other,
    ];

    /// The value stamped as `spotter.span.role`.
    pub fn as_str(self) -> &'static str {
        match self {
            SpanRole::Agent => "agent",
            SpanRole::Llm => "llm",
            SpanRole::Tool => "tool",
            SpanRole::Retrieval => "retrieval",
            SpanRole::Embedding => "embedding",
            SpanRole::Chain => "chain",
            SpanRole::Guardrail => "guardrail",
            SpanRole::Other => "other",
        }
    }

    /// Parse a stamped `spotter.span.role` value.
    pub fn parse(s: &str) -> Option<SpanRole> {
        SpanRole::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Whether spans of this role carry billable token usage (leaf model calls).
    pub fn is_model_call(self) -> bool {
        matches!(self, SpanRole::Llm | SpanRole::Embedding)
    }
}

impl fmt::Display for SpanRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Maps one convention's role value to a role, or `None` when not decisive.
type Recogniser = fn(&str) -> Option<SpanRole>;

fn from_langfuse(v: &str) -> Option<SpanRole> {
    use langfuse::observation as o;
    Some(match v.to_ascii_lowercase().as_str() {
        o::GENERATION => SpanRole::Llm,
        o::EMBEDDING => SpanRole::Embedding,
        o::AGENT => SpanRole::Agent,
        o::TOOL => SpanRole::Tool,
        o::CHAIN => SpanRole::Chain,
        o::RETRIEVER => SpanRole::Retrieval,
        o::GUARDRAIL => SpanRole::Guardrail,
        o::EVALUATOR => SpanRole::Other,
        _ => return None,
    })
}

fn from_openinference(v: &str) -> Option<SpanRole> {
    use oi::kind as k;
    Some(match v.to_ascii_uppercase().as_str() {
        k::LLM => SpanRole::Llm,
        k::EMBEDDING => SpanRole::Embedding,
        k::CHAIN => SpanRole::Chain,
        k::RETRIEVER | k::RERANKER => SpanRole::Retrieval,
        k::TOOL => SpanRole::Tool,
        k::AGENT => SpanRole::Agent,
        k::GUARDRAIL => SpanRole::Guardrail,
        k::EVALUATOR | k::PROMPT => SpanRole::Other,
        _ => return None,
    })
}

fn from_operation(v: &str) -> Option<SpanRole> {
    use otel::operation as op;
    use tl::operation as tlop;
    Some(match v.to_ascii_lowercase().as_str() {
        op::CHAT
        | op::TEXT_COMPLETION
        | op::GENERATE_CONTENT
        | "completion"
        | "generate"
        | tlop::LLM_REQUEST => SpanRole::Llm,
        op::EMBEDDINGS => SpanRole::Embedding,
        op::RETRIEVAL | tlop::VECTOR_DB_RETRIEVE => SpanRole::Retrieval,
        op::EXECUTE_TOOL => SpanRole::Tool,
        op::INVOKE_AGENT | op::CREATE_AGENT => SpanRole::Agent,
        op::INVOKE_WORKFLOW | op::PLAN | tlop::EXECUTE_TASK => SpanRole::Chain,
        _ => return None,
    })
}

fn from_traceloop(v: &str) -> Option<SpanRole> {
    use tl::kind as k;
    Some(match v.to_ascii_lowercase().as_str() {
        k::WORKFLOW | k::TASK => SpanRole::Chain,
        k::AGENT => SpanRole::Agent,
        k::TOOL => SpanRole::Tool,
        _ => return None,
    })
}

fn from_request_type(v: &str) -> Option<SpanRole> {
    Some(match v.to_ascii_lowercase().as_str() {
        "chat" | "completion" => SpanRole::Llm,
        "embedding" => SpanRole::Embedding,
        "rerank" => SpanRole::Retrieval,
        _ => return None,
    })
}

fn from_laminar(v: &str) -> Option<SpanRole> {
    use laminar::span_type as t;
    Some(match v.to_ascii_uppercase().as_str() {
        t::LLM => SpanRole::Llm,
        t::TOOL => SpanRole::Tool,
        t::PIPELINE | t::EXECUTOR => SpanRole::Chain,
        t::EVALUATOR | "HUMAN_EVALUATOR" | "EVALUATION" => SpanRole::Other,
        _ => return None,
    })
}

fn from_ai_sdk(v: &str) -> Option<SpanRole> {
    if v.starts_with("ai.toolCall") {
        Some(SpanRole::Tool)
    } else if v.ends_with(".doGenerate") || v.ends_with(".doStream") {
        Some(SpanRole::Llm)
    } else if v.starts_with("ai.embed") {
        Some(SpanRole::Embedding)
    } else if v.starts_with("ai.") {
        // ai.generateText, ai.streamText, ai.generateObject: the SDK's outer agent loop.
        Some(SpanRole::Agent)
    } else {
        None
    }
}

fn from_span_name(name: &str) -> Option<SpanRole> {
    let name = name.trim();
    let first = name.split_whitespace().next().unwrap_or("");
    if let Some(role) = from_operation(first).filter(|_| name.contains(' ') || first == name) {
        return Some(role);
    }
    let suffix = name.rsplit_once('.').map(|(_, s)| s)?;
    Some(match suffix {
        "agent" => SpanRole::Agent,
        "tool" => SpanRole::Tool,
        "workflow" | "task" => SpanRole::Chain,
        _ => return None,
    })
}

impl<'a> SpanView<'a> {
    /// The span's role; see the module documentation for the precedence.
    pub fn role(&self) -> SpanRole {
        if let Some(role) = self.str_attr(spotter::SPAN_ROLE).and_then(SpanRole::parse) {
            return role;
        }
        let by_key: [(&str, Recogniser); 7] = [
            (langfuse::OBSERVATION_TYPE, from_langfuse),
            (oi::SPAN_KIND, from_openinference),
            (otel::GEN_AI_OPERATION_NAME, from_operation),
            (tl::SPAN_KIND, from_traceloop),
            (tl::LLM_REQUEST_TYPE, from_request_type),
            (laminar::SPAN_TYPE, from_laminar),
            (vendor::AI_OPERATION_ID, from_ai_sdk),
        ];
        for (key, recognise) in by_key {
            if let Some(role) = self.span_str(key).and_then(recognise) {
                return role;
            }
        }
        self.role_by_heuristics()
    }

    fn span_str(&self, key: &str) -> Option<&'a str> {
        self.span_value(key).and_then(super::value::as_str)
    }

    fn role_by_heuristics(&self) -> SpanRole {
        let tool_keys = [
            otel::GEN_AI_TOOL_NAME,
            otel::GEN_AI_TOOL_CALL_ID,
            oi::TOOL_NAME,
            vendor::AI_TOOL_CALL_NAME,
            pai::TOOL_ARGUMENTS,
        ];
        if tool_keys.iter().any(|k| self.span_value(k).is_some()) {
            return SpanRole::Tool;
        }
        if self.span_value(pai::AGENT_NAME).is_some() {
            return SpanRole::Agent;
        }
        let model_keys = [
            otel::GEN_AI_REQUEST_MODEL,
            otel::GEN_AI_RESPONSE_MODEL,
            oi::LLM_MODEL_NAME,
            langfuse::OBSERVATION_MODEL_NAME,
        ];
        if model_keys.iter().any(|k| self.span_value(k).is_some()) {
            return SpanRole::Llm;
        }
        from_span_name(self.name()).unwrap_or(SpanRole::Other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::testing::kv;
    use opentelemetry_proto::tonic::trace::v1::Span;

    fn role_of(name: &str, attrs: &[(&str, &str)]) -> SpanRole {
        let span = Span {
            name: name.into(),
            attributes: attrs.iter().map(|(k, v)| kv(k, v)).collect(),
            ..Default::default()
        };
        SpanView::new(None, &span).role()
    }

    #[test]
    fn otel_operation_names_map_to_roles() {
        let cases = [
            ("chat", SpanRole::Llm),
            ("text_completion", SpanRole::Llm),
            ("generate_content", SpanRole::Llm),
            ("embeddings", SpanRole::Embedding),
            ("retrieval", SpanRole::Retrieval),
            ("execute_tool", SpanRole::Tool),
            ("invoke_agent", SpanRole::Agent),
            ("create_agent", SpanRole::Agent),
            ("invoke_workflow", SpanRole::Chain),
            ("llm_request", SpanRole::Llm),
            ("execute_task", SpanRole::Chain),
        ];
        for (op, want) in cases {
            assert_eq!(role_of("x", &[("gen_ai.operation.name", op)]), want, "{op}");
        }
    }

    #[test]
    fn openinference_kinds_map_to_roles() {
        let cases = [
            ("LLM", SpanRole::Llm),
            ("TOOL", SpanRole::Tool),
            ("AGENT", SpanRole::Agent),
            ("CHAIN", SpanRole::Chain),
            ("RETRIEVER", SpanRole::Retrieval),
            ("RERANKER", SpanRole::Retrieval),
            ("EMBEDDING", SpanRole::Embedding),
            ("GUARDRAIL", SpanRole::Guardrail),
            ("EVALUATOR", SpanRole::Other),
        ];
        for (kind, want) in cases {
            assert_eq!(role_of("x", &[("openinference.span.kind", kind)]), want);
        }
    }

    #[test]
    fn traceloop_kinds_and_old_request_types_map_to_roles() {
        assert_eq!(
            role_of("lookup.tool", &[("traceloop.span.kind", "tool")]),
            SpanRole::Tool
        );
        assert_eq!(
            role_of("a", &[("traceloop.span.kind", "agent")]),
            SpanRole::Agent
        );
        assert_eq!(
            role_of("a", &[("traceloop.span.kind", "workflow")]),
            SpanRole::Chain
        );
        assert_eq!(
            role_of("openai.chat", &[("llm.request.type", "chat")]),
            SpanRole::Llm
        );
        assert_eq!(
            role_of("x", &[("llm.request.type", "embedding")]),
            SpanRole::Embedding
        );
    }

    #[test]
    fn langfuse_observation_type_wins_over_other_conventions() {
        assert_eq!(
            role_of(
                "x",
                &[
                    ("langfuse.observation.type", "tool"),
                    ("gen_ai.operation.name", "chat")
                ]
            ),
            SpanRole::Tool
        );
        assert_eq!(
            role_of("x", &[("langfuse.observation.type", "generation")]),
            SpanRole::Llm
        );
        assert_eq!(
            role_of("x", &[("langfuse.observation.type", "retriever")]),
            SpanRole::Retrieval
        );
    }

    #[test]
    fn generic_values_defer_to_the_next_convention() {
        assert_eq!(
            role_of(
                "x",
                &[
                    ("langfuse.observation.type", "span"),
                    ("openinference.span.kind", "TOOL")
                ]
            ),
            SpanRole::Tool
        );
        assert_eq!(
            role_of("x", &[("openinference.span.kind", "UNKNOWN")]),
            SpanRole::Other
        );
    }

    #[test]
    fn laminar_and_ai_sdk_types_map_to_roles() {
        assert_eq!(role_of("x", &[("lmnr.span.type", "LLM")]), SpanRole::Llm);
        assert_eq!(role_of("x", &[("lmnr.span.type", "TOOL")]), SpanRole::Tool);
        assert_eq!(
            role_of("x", &[("lmnr.span.type", "PIPELINE")]),
            SpanRole::Chain
        );
        assert_eq!(
            role_of("x", &[("ai.operationId", "ai.generateText.doGenerate")]),
            SpanRole::Llm
        );
        assert_eq!(
            role_of("x", &[("ai.operationId", "ai.toolCall")]),
            SpanRole::Tool
        );
        assert_eq!(
            role_of("x", &[("ai.operationId", "ai.generateText")]),
            SpanRole::Agent
        );
    }

    #[test]
    fn heuristics_use_tool_and_model_keys_then_span_names() {
        assert_eq!(
            role_of("running tool", &[("gen_ai.tool.name", "search")]),
            SpanRole::Tool
        );
        assert_eq!(
            role_of(
                "agent run",
                &[("agent_name", "bot"), ("model_name", "gpt-4o")]
            ),
            SpanRole::Agent
        );
        assert_eq!(
            role_of("request", &[("gen_ai.request.model", "gpt-4o")]),
            SpanRole::Llm
        );
        assert_eq!(role_of("invoke_agent Bot", &[]), SpanRole::Agent);
        assert_eq!(role_of("execute_tool search", &[]), SpanRole::Tool);
        assert_eq!(role_of("ShopBot.agent", &[]), SpanRole::Agent);
        assert_eq!(role_of("turn.workflow", &[]), SpanRole::Chain);
        assert_eq!(role_of("GET /health", &[]), SpanRole::Other);
    }

    #[test]
    fn stamped_role_is_honoured_first() {
        assert_eq!(
            role_of(
                "x",
                &[
                    ("spotter.span.role", "guardrail"),
                    ("openinference.span.kind", "LLM")
                ]
            ),
            SpanRole::Guardrail
        );
    }

    #[test]
    fn role_names_round_trip() {
        for role in SpanRole::ALL {
            assert_eq!(SpanRole::parse(role.as_str()), Some(role));
        }
    }
}
