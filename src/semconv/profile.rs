//! Vendor profiles: the keys a backend reads, added to every span before export so sessions and
//! span types show correctly whatever convention the agent used.
//!
//! Profiles only add keys that are absent; they never remove or change the original ones, except
//! that the `openinference` profile adds a `spotter` entry to a JSON `metadata` object.
//! - `langfuse`: `langfuse.session.id`, `langfuse.user.id`, `langfuse.observation.type`
//!   (`generation`, `tool`, `agent`, `chain`, `retriever`, `embedding`, `guardrail`, `span`),
//!   `langfuse.trace.name` (the workflow), `langfuse.release` (resource `service.version`);
//!   `langfuse.observation.usage_details` and `cost_details` (JSON, from whatever convention
//!   carried the usage and spotter's settled cost); `langfuse.observation.level` (`ERROR` or
//!   `WARNING`) and `status_message` from spotter's findings; `langfuse.observation.input` /
//!   `output` where the span has no key Langfuse reads itself (`input.value`, `gen_ai.prompt`),
//!   as with OTel GenAI and OpenLLMetry sources. Source: Langfuse's OTel property mapping.
//! - `openinference` (Phoenix): `openinference.span.kind`, `session.id`, `user.id`,
//!   `input.value` / `output.value` (tool arguments and result, or the messages),
//!   `llm.model_name`, `tool.name`; `llm.token_count.*` (so Langfuse-SDK usage shows as tokens),
//!   `llm.cost.total` from spotter's settled cost, `metadata` with spotter's findings, and the
//!   resource attribute `openinference.project.name` from `service.name` (Phoenix's project).
//!   Source: the OpenInference semantic conventions (`llm.cost.*`, `ResourceAttributes`).
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
use super::{value, Severity, SpanRole, SpanView};

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
        if profile == Profile::OpenInference {
            project_from_service_name(rs.resource.as_mut());
        }
        let resource = rs.resource.as_ref();
        for ss in &mut rs.scope_spans {
            for span in &mut ss.spans {
                adds.clear();
                let metadata = {
                    let view = SpanView::new(resource, span);
                    match profile {
                        Profile::Langfuse => {
                            langfuse_keys(&view, resource, &mut adds);
                            None
                        }
                        Profile::OpenInference => openinference_keys(&view, &mut adds),
                        Profile::OtelGenai => {
                            otel_genai_keys(&view, &mut adds);
                            None
                        }
                    }
                };
                add_all(span, &mut adds);
                if let Some(m) = metadata {
                    value::upsert(&mut span.attributes, oi::METADATA, value::string(m));
                }
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

/// Phoenix files spans under the resource's `openinference.project.name`; without one, every
/// library lands in `default`. The service's name is the project unless the agent set one.
fn project_from_service_name(resource: Option<&mut Resource>) {
    let Some(resource) = resource else { return };
    let service = value::find(&resource.attributes, otel::SERVICE_NAME)
        .and_then(value::as_str)
        .map(str::to_string);
    if let Some(service) = service {
        value::insert(
            &mut resource.attributes,
            oi::PROJECT_NAME,
            value::string(service),
        );
    }
}

/// Token counts as a JSON object of Langfuse's usage keys: `input` and `output` exclude the
/// cached and reasoning parts, which get keys of their own; `total` is everything.
fn langfuse_usage_details(u: &super::Usage) -> String {
    let mut d = serde_json::Map::new();
    let input = u.input.saturating_sub(u.cached_input + u.cache_write);
    d.insert("input".into(), input.into());
    d.insert("output".into(), u.output.saturating_sub(u.reasoning).into());
    if u.cached_input > 0 {
        d.insert("input_cached_tokens".into(), u.cached_input.into());
    }
    if u.cache_write > 0 {
        d.insert("input_cache_creation".into(), u.cache_write.into());
    }
    if u.reasoning > 0 {
        d.insert("output_reasoning_tokens".into(), u.reasoning.into());
    }
    d.insert("total".into(), u.total().into());
    serde_json::Value::Object(d).to_string()
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
    if view.role().is_model_call() {
        let u = view.reported_usage();
        if !u.is_zero() {
            let details = langfuse_usage_details(&u);
            adds.push((langfuse::OBSERVATION_USAGE_DETAILS, value::string(details)));
        }
        if let Some(cost) = view.cost_usd() {
            let details = serde_json::json!({ "total": cost }).to_string();
            adds.push((langfuse::OBSERVATION_COST_DETAILS, value::string(details)));
        }
    }
    let findings = view.findings();
    if let Some(worst) = findings.first() {
        let level = match worst.severity {
            Severity::Error => "ERROR",
            Severity::Warning => "WARNING",
        };
        adds.push((langfuse::OBSERVATION_LEVEL, value::string(level)));
        let message: Vec<&str> = findings.iter().map(|f| f.message.as_str()).collect();
        adds.push((
            langfuse::OBSERVATION_STATUS_MESSAGE,
            value::string(message.join("; ")),
        ));
    }
    // Langfuse reads `input.value` and `gen_ai.prompt` itself; other conventions (current OTel
    // GenAI messages, OpenLLMetry's flattened prompts, tool arguments) need its own keys.
    let read_by_langfuse = [oi::INPUT_VALUE, otel::GEN_AI_PROMPT]
        .iter()
        .any(|k| view.span_value(k).is_some());
    if !read_by_langfuse {
        let (input, output) = match view.tool() {
            Some(tool) => (tool.arguments, tool.result),
            None => (view.input_messages(), view.output_messages()),
        };
        if let Some(i) = input {
            adds.push((langfuse::OBSERVATION_INPUT, value::string(i)));
        }
        if let Some(o) = output {
            adds.push((langfuse::OBSERVATION_OUTPUT, value::string(o)));
        }
    }
}

/// Adds OpenInference keys; returns the `metadata` to write over the span's own (which it
/// extends) when there are findings.
fn openinference_keys(
    view: &SpanView<'_>,
    adds: &mut Vec<(&'static str, AnyValue)>,
) -> Option<String> {
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
        let u = view.reported_usage();
        if !u.is_zero() {
            let n = |x: u64| value::int(i64::try_from(x).unwrap_or(i64::MAX));
            adds.push((oi::LLM_TOKEN_COUNT_PROMPT, n(u.input)));
            adds.push((oi::LLM_TOKEN_COUNT_COMPLETION, n(u.output)));
            adds.push((oi::LLM_TOKEN_COUNT_TOTAL, n(u.total())));
            if u.cached_input > 0 {
                adds.push((oi::LLM_TOKEN_COUNT_PROMPT_CACHE_READ, n(u.cached_input)));
            }
            if u.cache_write > 0 {
                adds.push((oi::LLM_TOKEN_COUNT_PROMPT_CACHE_WRITE, n(u.cache_write)));
            }
            if u.reasoning > 0 {
                adds.push((oi::LLM_TOKEN_COUNT_COMPLETION_REASONING, n(u.reasoning)));
            }
        }
        if let Some(cost) = view.cost_usd() {
            adds.push((oi::LLM_COST_TOTAL, value::double(cost)));
        }
    }
    let findings = view.findings();
    if !findings.is_empty() {
        let names: Vec<&str> = findings.iter().map(|f| f.name).collect();
        let messages: Vec<&str> = findings.iter().map(|f| f.message.as_str()).collect();
        let ours = serde_json::json!({ "findings": names, "messages": messages });
        // OpenInference instrumentations often send `metadata` already: spotter's findings go
        // in beside what it holds, under their own `spotter` key.
        let metadata = match view.str_attr(oi::METADATA) {
            None => Some(serde_json::json!({ "spotter": ours })),
            Some(existing) => match serde_json::from_str::<serde_json::Value>(existing) {
                Ok(serde_json::Value::Object(mut map)) if !map.contains_key("spotter") => {
                    map.insert("spotter".into(), ours);
                    Some(serde_json::Value::Object(map))
                }
                _ => None,
            },
        };
        if let Some(m) = metadata {
            return Some(m.to_string());
        }
    }
    None
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

    #[test]
    fn langfuse_sdk_usage_becomes_openinference_token_counts_and_cost() {
        let mut req = request(vec![
            kv("langfuse.observation.type", "generation"),
            kv("langfuse.observation.model.name", "gpt-4o-mini"),
            kv(
                "langfuse.observation.usage_details",
                r#"{"input": 220, "output": 11, "total": 231}"#,
            ),
            KeyValue {
                key: "spotter.cost.usd".into(),
                value: Some(value::double(0.0000396)),
                ..Default::default()
            },
        ]);
        apply(Profile::OpenInference, &mut req);
        let int = |k: &str| value::find(attrs(&req), k).and_then(value::as_i64);
        assert_eq!(get(&req, "openinference.span.kind"), Some("LLM"));
        assert_eq!(int("llm.token_count.prompt"), Some(220));
        assert_eq!(int("llm.token_count.completion"), Some(11));
        assert_eq!(int("llm.token_count.total"), Some(231));
        assert_eq!(
            value::find(attrs(&req), "llm.cost.total").and_then(value::as_f64),
            Some(0.0000396)
        );
    }

    #[test]
    fn openinference_project_is_the_service_name_unless_set() {
        let mut req = request(vec![kv("openinference.span.kind", "CHAIN")]);
        let resource = req.resource_spans[0].resource.as_mut().unwrap();
        resource.attributes.push(kv("service.name", "shopbot"));
        apply(Profile::OpenInference, &mut req);
        let resource = req.resource_spans[0].resource.as_ref().unwrap();
        let project = value::find(&resource.attributes, "openinference.project.name");
        assert_eq!(project.and_then(value::as_str), Some("shopbot"));

        let mut req = request(vec![]);
        let resource = req.resource_spans[0].resource.as_mut().unwrap();
        resource.attributes.push(kv("service.name", "shopbot"));
        resource
            .attributes
            .push(kv("openinference.project.name", "agents"));
        apply(Profile::OpenInference, &mut req);
        let resource = req.resource_spans[0].resource.as_ref().unwrap();
        let project = value::find(&resource.attributes, "openinference.project.name");
        assert_eq!(project.and_then(value::as_str), Some("agents"));
    }

    #[test]
    fn findings_become_langfuse_level_and_status_message_and_phoenix_metadata() {
        let failed = vec![
            kv("gen_ai.operation.name", "execute_tool"),
            kv("gen_ai.tool.name", "lookup_order"),
            kv("gen_ai.tool.call.arguments", r#"{"id":7}"#),
            kv("spotter.tool.outcome", "auth"),
            kv("spotter.auth_rot", "true"),
        ];
        let mut req = request(failed.clone());
        apply(Profile::Langfuse, &mut req);
        assert_eq!(get(&req, "langfuse.observation.level"), Some("ERROR"));
        let message = get(&req, "langfuse.observation.status_message").unwrap();
        assert!(message.contains("lookup_order failed: auth"), "{message}");
        assert!(message.contains("auth rot"), "{message}");
        // OTel GenAI tool arguments are not read by Langfuse itself: added as its input.
        assert_eq!(get(&req, "langfuse.observation.input"), Some(r#"{"id":7}"#));

        let mut req = request(failed);
        apply(Profile::OpenInference, &mut req);
        let metadata: serde_json::Value =
            serde_json::from_str(get(&req, "metadata").unwrap()).unwrap();
        assert_eq!(
            metadata["spotter"]["findings"],
            serde_json::json!(["tool_outcome", "auth_rot"])
        );
    }

    #[test]
    fn langfuse_usage_details_split_cached_and_reasoning_tokens() {
        let mut req = request(vec![
            kv("gen_ai.operation.name", "chat"),
            kv("gen_ai.request.model", "o3"),
            kv_int("gen_ai.usage.input_tokens", 1000),
            kv_int("gen_ai.usage.output_tokens", 300),
            kv_int("gen_ai.usage.cache_read.input_tokens", 400),
            kv_int("gen_ai.usage.reasoning.output_tokens", 200),
            kv("gen_ai.input.messages", r#"[{"role":"user"}]"#),
        ]);
        apply(Profile::Langfuse, &mut req);
        let usage: serde_json::Value =
            serde_json::from_str(get(&req, "langfuse.observation.usage_details").unwrap()).unwrap();
        assert_eq!(
            usage,
            serde_json::json!({"input": 600, "input_cached_tokens": 400, "output": 100,
                "output_reasoning_tokens": 200, "total": 1300})
        );
        assert_eq!(
            get(&req, "langfuse.observation.input"),
            Some(r#"[{"role":"user"}]"#)
        );
        // No findings: no level.
        assert_eq!(get(&req, "langfuse.observation.level"), None);
    }

    #[test]
    fn findings_join_the_metadata_an_openinference_agent_sent() {
        let mut req = request(vec![
            kv("openinference.span.kind", "TOOL"),
            kv("tool.name", "search_docs"),
            kv("metadata", r#"{"tenant":"acme"}"#),
            kv("spotter.tool.outcome", "server_error"),
        ]);
        apply(Profile::OpenInference, &mut req);
        let metadata: serde_json::Value =
            serde_json::from_str(get(&req, "metadata").unwrap()).unwrap();
        assert_eq!(metadata["tenant"], "acme");
        assert_eq!(
            metadata["spotter"]["findings"],
            serde_json::json!(["tool_outcome"])
        );
        assert_eq!(
            attrs(&req).iter().filter(|kv| kv.key == "metadata").count(),
            1
        );
    }
}
