//! Vendor profiles: the keys a backend reads, added to every span before export so sessions and
//! span types show correctly whatever convention the agent used.
//!
//! Profiles only add keys that are absent; they never remove or change the original ones.
//! - `langfuse`: `langfuse.session.id`, `langfuse.user.id`, `langfuse.observation.type`
//!   (`generation`, `tool`, `agent`, `chain`, `retriever`, `embedding`, `guardrail`, `span`),
//!   `langfuse.trace.name` (the workflow), `langfuse.release` (resource `service.version`);
//! - `openinference` (Phoenix): `openinference.span.kind`, `session.id`, `user.id`,
//!   `input.value` / `output.value` (tool arguments and result, or the messages),
//!   `llm.model_name`, `tool.name`;
//! - `otel_genai`: the current `gen_ai.*` keys: `gen_ai.operation.name`,
//!   `gen_ai.conversation.id`, `gen_ai.provider.name`, `gen_ai.response.model`,
//!   `gen_ai.usage.*`, `gen_ai.agent.name`, `gen_ai.tool.*`.

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::Span;
use serde::Deserialize;

use super::keys::{langfuse, openinference as oi, otel};
use super::view::normalise_provider;
use super::{value, SpanRole, SpanView};

/// Which vendor's keys to add.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Profile {
    Langfuse,
    #[serde(rename = "openinference")]
    OpenInference,
    OtelGenai,
}

impl Profile {
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Langfuse => "langfuse",
            Profile::OpenInference => "openinference",
            Profile::OtelGenai => "otel_genai",
        }
    }
}

/// Add `profile`'s keys to every span of `req`.
pub fn apply(profile: Profile, req: &mut ExportTraceServiceRequest) {
    let mut adds: Vec<(&'static str, AnyValue)> = Vec::new();
    for rs in &mut req.resource_spans {
        let resource = rs.resource.as_ref();
        for ss in &mut rs.scope_spans {
            for span in &mut ss.spans {
                adds.clear();
                {
                    let view = SpanView::new(resource, span);
                    match profile {
                        Profile::Langfuse => langfuse_keys(&view, resource, &mut adds),
                        Profile::OpenInference => openinference_keys(&view, &mut adds),
                        Profile::OtelGenai => otel_genai_keys(&view, &mut adds),
                    }
                }
                add_all(span, &mut adds);
            }
        }
    }
}

fn add_all(span: &mut Span, adds: &mut Vec<(&'static str, AnyValue)>) {
    let attrs: &mut Vec<KeyValue> = &mut span.attributes;
    for (key, v) in adds.drain(..) {
        value::insert(attrs, key, v);
    }
}

fn langfuse_keys(
    view: &SpanView<'_>,
    resource: Option<&Resource>,
    adds: &mut Vec<(&'static str, AnyValue)>,
) {
    if let Some(s) = view.session_id() {
        adds.push((langfuse::SESSION_ID, value::string(s)));
    }
    if let Some(u) = view.user_id() {
        adds.push((langfuse::USER_ID, value::string(u)));
    }
    let kind = match view.role() {
        SpanRole::Llm => langfuse::observation::GENERATION,
        SpanRole::Tool => langfuse::observation::TOOL,
        SpanRole::Agent => langfuse::observation::AGENT,
        SpanRole::Chain => langfuse::observation::CHAIN,
        SpanRole::Retrieval => langfuse::observation::RETRIEVER,
        SpanRole::Embedding => langfuse::observation::EMBEDDING,
        SpanRole::Guardrail => langfuse::observation::GUARDRAIL,
        SpanRole::Other => langfuse::observation::SPAN,
    };
    adds.push((langfuse::OBSERVATION_TYPE, value::string(kind)));
    if let Some(w) = view.workflow().or_else(|| view.workflow_hint()) {
        adds.push((langfuse::TRACE_NAME, value::string(w)));
    }
    let release = resource
        .and_then(|r| value::find(&r.attributes, otel::SERVICE_VERSION))
        .and_then(value::as_str)
        .or_else(|| view.str_attr(otel::GEN_AI_AGENT_VERSION));
    if let Some(r) = release {
        adds.push((langfuse::RELEASE, value::string(r)));
    }
    if view.role() == SpanRole::Llm {
        if let Some(m) = view.model() {
            adds.push((langfuse::OBSERVATION_MODEL_NAME, value::string(m)));
        }
    }
}

fn openinference_keys(view: &SpanView<'_>, adds: &mut Vec<(&'static str, AnyValue)>) {
    let role = view.role();
    let kind = match role {
        SpanRole::Llm => oi::kind::LLM,
        SpanRole::Tool => oi::kind::TOOL,
        SpanRole::Agent => oi::kind::AGENT,
        SpanRole::Retrieval => oi::kind::RETRIEVER,
        SpanRole::Embedding => oi::kind::EMBEDDING,
        SpanRole::Guardrail => oi::kind::GUARDRAIL,
        SpanRole::Chain | SpanRole::Other => oi::kind::CHAIN,
    };
    adds.push((oi::SPAN_KIND, value::string(kind)));
    if let Some(s) = view.session_id() {
        adds.push((oi::SESSION_ID, value::string(s)));
    }
    if let Some(u) = view.user_id() {
        adds.push((oi::USER_ID, value::string(u)));
    }
    let (input, output) = match view.tool() {
        Some(tool) => {
            adds.push((oi::TOOL_NAME, value::string(tool.name)));
            (tool.arguments, tool.result)
        }
        None => (view.input_messages(), view.output_messages()),
    };
    if let Some(i) = input {
        adds.push((oi::INPUT_VALUE, value::string(i)));
    }
    if let Some(o) = output {
        adds.push((oi::OUTPUT_VALUE, value::string(o)));
    }
    if role.is_model_call() {
        if let Some(m) = view.model() {
            adds.push((oi::LLM_MODEL_NAME, value::string(m)));
        }
    }
}

fn otel_genai_keys(view: &SpanView<'_>, adds: &mut Vec<(&'static str, AnyValue)>) {
    use otel::operation as op;
    let role = view.role();
    let operation = match role {
        SpanRole::Llm => Some(op::CHAT),
        SpanRole::Tool => Some(op::EXECUTE_TOOL),
        SpanRole::Agent => Some(op::INVOKE_AGENT),
        SpanRole::Embedding => Some(op::EMBEDDINGS),
        SpanRole::Retrieval => Some(op::RETRIEVAL),
        SpanRole::Chain | SpanRole::Guardrail | SpanRole::Other => None,
    };
    if let Some(o) = operation {
        adds.push((otel::GEN_AI_OPERATION_NAME, value::string(o)));
    }
    if let Some(s) = view.session_id() {
        adds.push((otel::GEN_AI_CONVERSATION_ID, value::string(s)));
    }
    if let Some(p) = view.provider() {
        adds.push((
            otel::GEN_AI_PROVIDER_NAME,
            value::string(normalise_provider(p)),
        ));
    }
    if role.is_model_call() {
        if let Some(m) = view.model() {
            adds.push((otel::GEN_AI_RESPONSE_MODEL, value::string(m)));
        }
        if let Some(m) = view.request_model().or_else(|| view.model()) {
            adds.push((otel::GEN_AI_REQUEST_MODEL, value::string(m)));
        }
        let u = view.reported_usage();
        if !u.is_zero() {
            let n = |x: u64| value::int(i64::try_from(x).unwrap_or(i64::MAX));
            adds.push((otel::GEN_AI_USAGE_INPUT_TOKENS, n(u.input)));
            adds.push((otel::GEN_AI_USAGE_OUTPUT_TOKENS, n(u.output)));
            if u.cached_input > 0 {
                adds.push((
                    otel::GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
                    n(u.cached_input),
                ));
            }
            if u.cache_write > 0 {
                adds.push((
                    otel::GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
                    n(u.cache_write),
                ));
            }
            if u.reasoning > 0 {
                adds.push((otel::GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, n(u.reasoning)));
            }
        }
    }
    if role == SpanRole::Agent {
        if let Some(a) = view.agent_name() {
            adds.push((otel::GEN_AI_AGENT_NAME, value::string(a)));
        }
    }
    if let Some(tool) = view.tool() {
        adds.push((otel::GEN_AI_TOOL_NAME, value::string(tool.name)));
        if let Some(id) = tool.call_id {
            adds.push((otel::GEN_AI_TOOL_CALL_ID, value::string(id)));
        }
        if let Some(a) = tool.arguments {
            adds.push((otel::GEN_AI_TOOL_CALL_ARGUMENTS, value::string(a)));
        }
        if let Some(r) = tool.result {
            adds.push((otel::GEN_AI_TOOL_CALL_RESULT, value::string(r)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::testing::{kv, kv_int};
    use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans};

    fn request(attrs: Vec<KeyValue>) -> ExportTraceServiceRequest {
        ExportTraceServiceRequest {
            resource_spans: vec![ResourceSpans {
                resource: Some(Resource {
                    attributes: vec![kv("service.version", "1.4.2")],
                    ..Default::default()
                }),
                scope_spans: vec![ScopeSpans {
                    spans: vec![Span {
                        name: "x".into(),
                        attributes: attrs,
                        ..Default::default()
                    }],
                    ..Default::default()
                }],
                schema_url: String::new(),
            }],
        }
    }

    fn attrs(req: &ExportTraceServiceRequest) -> &[KeyValue] {
        &req.resource_spans[0].scope_spans[0].spans[0].attributes
    }

    fn get<'a>(req: &'a ExportTraceServiceRequest, key: &str) -> Option<&'a str> {
        value::find(attrs(req), key).and_then(value::as_str)
    }

    #[test]
    fn profile_names_parse() {
        for p in [
            Profile::Langfuse,
            Profile::OpenInference,
            Profile::OtelGenai,
        ] {
            let parsed: Profile = serde_yaml::from_str(p.as_str()).unwrap();
            assert_eq!(parsed, p);
        }
    }

    #[test]
    fn langfuse_profile_from_traceloop_keys() {
        let mut req = request(vec![
            kv("traceloop.span.kind", "tool"),
            kv("traceloop.entity.name", "lookup"),
            kv("traceloop.association.properties.session_id", "s-1"),
            kv("traceloop.association.properties.user_id", "u-1"),
            kv("traceloop.workflow.name", "support"),
        ]);
        apply(Profile::Langfuse, &mut req);
        assert_eq!(get(&req, "langfuse.session.id"), Some("s-1"));
        assert_eq!(get(&req, "langfuse.user.id"), Some("u-1"));
        assert_eq!(get(&req, "langfuse.observation.type"), Some("tool"));
        assert_eq!(get(&req, "langfuse.trace.name"), Some("support"));
        assert_eq!(get(&req, "langfuse.release"), Some("1.4.2"));
        // Originals are kept.
        assert_eq!(get(&req, "traceloop.span.kind"), Some("tool"));
    }

    #[test]
    fn profiles_never_overwrite_existing_keys() {
        let mut req = request(vec![
            kv("langfuse.observation.type", "span"),
            kv("gen_ai.operation.name", "chat"),
        ]);
        apply(Profile::Langfuse, &mut req);
        assert_eq!(get(&req, "langfuse.observation.type"), Some("span"));
    }

    #[test]
    fn openinference_profile_from_otel_keys() {
        let mut req = request(vec![
            kv("gen_ai.operation.name", "execute_tool"),
            kv("gen_ai.tool.name", "lookup"),
            kv("gen_ai.tool.call.arguments", r#"{"a":1}"#),
            kv("gen_ai.tool.call.result", "ok"),
            kv("gen_ai.conversation.id", "c-1"),
        ]);
        apply(Profile::OpenInference, &mut req);
        assert_eq!(get(&req, "openinference.span.kind"), Some("TOOL"));
        assert_eq!(get(&req, "session.id"), Some("c-1"));
        assert_eq!(get(&req, "input.value"), Some(r#"{"a":1}"#));
        assert_eq!(get(&req, "output.value"), Some("ok"));
        assert_eq!(get(&req, "tool.name"), Some("lookup"));
    }

    #[test]
    fn otel_genai_profile_from_openinference_keys() {
        let mut req = request(vec![
            kv("openinference.span.kind", "LLM"),
            kv("llm.model_name", "gpt-4o-mini"),
            kv("llm.system", "openai"),
            kv("session.id", "s-1"),
            kv_int("llm.token_count.prompt", 220),
            kv_int("llm.token_count.completion", 11),
        ]);
        apply(Profile::OtelGenai, &mut req);
        assert_eq!(get(&req, "gen_ai.operation.name"), Some("chat"));
        assert_eq!(get(&req, "gen_ai.conversation.id"), Some("s-1"));
        assert_eq!(get(&req, "gen_ai.provider.name"), Some("openai"));
        assert_eq!(get(&req, "gen_ai.response.model"), Some("gpt-4o-mini"));
        assert_eq!(
            value::find(attrs(&req), "gen_ai.usage.input_tokens").and_then(value::as_i64),
            Some(220)
        );
    }
}
