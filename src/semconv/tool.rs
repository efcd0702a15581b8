//! The tool recogniser: the tool a tool span ran, and the tool calls an LLM span asked for.
//!
//! Precedence on tool spans:
//! - name: `gen_ai.tool.name` > OpenInference `tool.name` > Traceloop `traceloop.entity.name` >
//!   AI SDK `ai.toolCall.name` > the span name (`execute_tool {name}`, `{name}.tool`, or as is);
//! - call id: `gen_ai.tool.call.id` > OpenInference `tool.id` / `tool_call.id` > Langfuse
//!   `langfuse.observation.metadata.tool_call_id` > AI SDK `ai.toolCall.id`;
//! - arguments: `gen_ai.tool.call.arguments` (object or JSON string) > OpenInference
//!   `input.value` > `traceloop.entity.input` (its `{"args", "kwargs"}` wrapper removed) >
//!   Pydantic AI `tool_arguments` > AI SDK `ai.toolCall.args` > Google ADK > `lmnr.span.input` >
//!   `langfuse.observation.input`;
//! - result: the same order with `gen_ai.tool.call.result`, `output.value`,
//!   `traceloop.entity.output`, `tool_response`, `ai.toolCall.result`, ADK, `lmnr.span.output`,
//!   `langfuse.observation.output`.
//!
//! Requested calls come from the LLM span's output messages: `gen_ai.output.messages` parts of
//! type `tool_call`, OpenInference `llm.output_messages.<i>.message.tool_calls.<j>.tool_call.*`,
//! OpenLLMetry `gen_ai.completion.<i>.tool_calls.<j>.*`, an OpenAI-shaped message or response in
//! `langfuse.observation.output` / `output.value`, and AI SDK `ai.response.toolCalls`.

use std::borrow::Cow;

use serde_json::Value as Json;

use super::keys::{laminar, langfuse, openinference as oi, otel, pydantic_ai as pai};
use super::keys::{traceloop as tl, vendor};
use super::role::SpanRole;
use super::value;
use super::view::SpanView;

/// One tool call: what a tool span ran, or what an LLM asked for (then `result` is `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolCall<'a> {
    pub name: Cow<'a, str>,
    pub call_id: Option<Cow<'a, str>>,
    /// Raw JSON (or text) of the arguments.
    pub arguments: Option<Cow<'a, str>>,
    /// Raw JSON (or text) of the result.
    pub result: Option<Cow<'a, str>>,
}

/// The most requested calls read from one span.
const MAX_REQUESTED_CALLS: usize = 256;

impl<'a> SpanView<'a> {
    /// The tool this span ran, if it is a tool span.
    pub fn tool(&self) -> Option<ToolCall<'a>> {
        if self.role() != SpanRole::Tool {
            return None;
        }
        Some(ToolCall {
            name: Cow::Borrowed(self.tool_name()),
            call_id: self.tool_call_id(),
            arguments: self.tool_arguments(),
            result: self.tool_result(),
        })
    }

    /// The tool's name, without reading its arguments or result.
    pub fn tool_name(&self) -> &'a str {
        if let Some(name) = self.first_str(&[otel::GEN_AI_TOOL_NAME, oi::TOOL_NAME]) {
            return name;
        }
        if let Some(name) = self.str_attr(tl::ENTITY_NAME) {
            return name;
        }
        if let Some(name) = self.str_attr(vendor::AI_TOOL_CALL_NAME) {
            return name;
        }
        let span_name = self.name().trim();
        span_name
            .strip_prefix(otel::operation::EXECUTE_TOOL)
            .or_else(|| span_name.strip_prefix("running tool"))
            .map(|s| s.trim().trim_matches(':').trim())
            .or_else(|| span_name.strip_suffix(".tool"))
            .filter(|s| !s.is_empty())
            .unwrap_or(span_name)
    }

    fn tool_call_id(&self) -> Option<Cow<'a, str>> {
        self.first_id(&[otel::GEN_AI_TOOL_CALL_ID, oi::TOOL_ID, oi::TOOL_CALL_ID])
            .or_else(|| {
                self.str_attr(langfuse::OBSERVATION_METADATA_TOOL_CALL_ID)
                    .map(unquote)
            })
            .or_else(|| self.first_id(&[vendor::AI_TOOL_CALL_ID]))
    }

    fn tool_arguments(&self) -> Option<Cow<'a, str>> {
        self.first_text(&[otel::GEN_AI_TOOL_CALL_ARGUMENTS, oi::INPUT_VALUE])
            .or_else(|| self.str_attr(tl::ENTITY_INPUT).map(strip_args_wrapper))
            .or_else(|| {
                self.first_text(&[
                    pai::TOOL_ARGUMENTS,
                    vendor::AI_TOOL_CALL_ARGS,
                    vendor::ADK_TOOL_CALL_ARGS,
                    laminar::SPAN_INPUT,
                    langfuse::OBSERVATION_INPUT,
                ])
            })
    }

    fn tool_result(&self) -> Option<Cow<'a, str>> {
        self.first_text(&[otel::GEN_AI_TOOL_CALL_RESULT, oi::OUTPUT_VALUE])
            .or_else(|| self.str_attr(tl::ENTITY_OUTPUT).map(unquote))
            .or_else(|| {
                self.first_text(&[
                    pai::TOOL_RESPONSE,
                    vendor::AI_TOOL_CALL_RESULT,
                    vendor::ADK_TOOL_RESPONSE,
                    laminar::SPAN_OUTPUT,
                    langfuse::OBSERVATION_OUTPUT,
                ])
            })
    }

    /// The tool calls the model asked for in this span's output (empty for non-LLM spans).
    pub fn requested_tool_calls(&self) -> Vec<ToolCall<'static>> {
        let mut out = Vec::new();
        if self.role() != SpanRole::Llm {
            return out;
        }
        let sources = [
            self.text_json(otel::GEN_AI_OUTPUT_MESSAGES),
            self.flattened_json(oi::LLM_OUTPUT_MESSAGES_PREFIX),
            self.flattened_json(tl::GEN_AI_COMPLETION_PREFIX),
            self.text_json(langfuse::OBSERVATION_OUTPUT),
            self.text_json(oi::OUTPUT_VALUE),
            self.text_json(vendor::AI_RESPONSE_TOOL_CALLS),
        ];
        for source in sources.into_iter().flatten() {
            collect_calls(&source, &mut out, 0);
            if !out.is_empty() {
                break;
            }
        }
        out
    }

    fn text_json(&self, key: &str) -> Option<Json> {
        match self.span_value(key)? {
            v @ (opentelemetry_proto::tonic::common::v1::any_value::Value::ArrayValue(_)
            | opentelemetry_proto::tonic::common::v1::any_value::Value::KvlistValue(_)) => {
                Some(value::to_json(v))
            }
            v => serde_json::from_str(value::as_str(v)?).ok(),
        }
    }
}

/// `"abc"` (a JSON-encoded string, as Langfuse metadata and Traceloop outputs store them) → `abc`.
fn unquote(s: &str) -> Cow<'_, str> {
    let t = s.trim();
    if t.len() >= 2 && t.starts_with('"') && t.ends_with('"') {
        if let Ok(Json::String(inner)) = serde_json::from_str::<Json>(t) {
            return Cow::Owned(inner);
        }
    }
    Cow::Borrowed(s)
}

/// Traceloop records a decorated function's input as `{"args": [...], "kwargs": {...}}`. A tool
/// called with keyword arguments only gives its kwargs; with one positional argument, that one.
fn strip_args_wrapper(s: &str) -> Cow<'_, str> {
    let Ok(Json::Object(obj)) = serde_json::from_str::<Json>(s) else {
        return Cow::Borrowed(s);
    };
    let (Some(args), Some(kwargs)) = (obj.get("args"), obj.get("kwargs")) else {
        return Cow::Borrowed(s);
    };
    let no_args = args.as_array().is_some_and(|a| a.is_empty());
    let no_kwargs = kwargs.as_object().is_some_and(|k| k.is_empty());
    match (no_args, no_kwargs, args.as_array()) {
        (true, _, _) => Cow::Owned(kwargs.to_string()),
        (false, true, Some(a)) if a.len() == 1 => Cow::Owned(a[0].to_string()),
        _ => Cow::Borrowed(s),
    }
}

fn json_text(j: &Json) -> Option<Cow<'static, str>> {
    match j {
        Json::Null => None,
        Json::String(s) => Some(Cow::Owned(s.clone())),
        other => Some(Cow::Owned(other.to_string())),
    }
}

fn push_call(out: &mut Vec<ToolCall<'static>>, name: &Json, id: &Json, args: &Json) {
    let Some(name) = name.as_str().filter(|n| !n.is_empty()) else {
        return;
    };
    if out.len() < MAX_REQUESTED_CALLS {
        out.push(ToolCall {
            name: Cow::Owned(name.to_string()),
            call_id: json_text(id),
            arguments: json_text(args),
            result: None,
        });
    }
}

/// Walk message-shaped JSON and collect the tool calls in it.
fn collect_calls(j: &Json, out: &mut Vec<ToolCall<'static>>, depth: usize) {
    if depth > 6 {
        return;
    }
    match j {
        Json::Array(items) => items.iter().for_each(|i| collect_calls(i, out, depth + 1)),
        Json::Object(obj) => {
            if obj.get("type").and_then(Json::as_str) == Some("tool_call") {
                push_call(out, &j["name"], &j["id"], &j["arguments"]);
            }
            if obj.contains_key("toolName") {
                push_call(out, &j["toolName"], &j["toolCallId"], &j["args"]);
            }
            if let Some(calls) = obj.get("tool_calls").and_then(Json::as_array) {
                for call in calls {
                    let f = &call["function"];
                    if f.is_object() {
                        push_call(out, &f["name"], &call["id"], &f["arguments"]);
                    } else {
                        push_call(out, &call["name"], &call["id"], &call["arguments"]);
                    }
                }
            }
            for key in ["parts", "choices", "message", "output"] {
                if let Some(inner) = obj.get(key) {
                    collect_calls(inner, out, depth + 1);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::testing::kv;
    use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, KeyValue, KeyValueList};
    use opentelemetry_proto::tonic::trace::v1::Span;

    fn span(name: &str, attrs: Vec<KeyValue>) -> Span {
        Span {
            name: name.into(),
            attributes: attrs,
            ..Default::default()
        }
    }

    #[test]
    fn otel_execute_tool_with_structured_arguments() {
        let args = KeyValue {
            key: "gen_ai.tool.call.arguments".into(),
            value: Some(AnyValue {
                value: Some(any_value::Value::KvlistValue(KeyValueList {
                    values: vec![kv("customer", "u-981")],
                })),
            }),
            ..Default::default()
        };
        let s = span(
            "execute_tool lookup_invoices",
            vec![
                kv("gen_ai.operation.name", "execute_tool"),
                kv("gen_ai.tool.name", "lookup_invoices"),
                kv("gen_ai.tool.call.id", "call_01"),
                args,
                kv("gen_ai.tool.call.result", r#"{"ok":true}"#),
            ],
        );
        let t = SpanView::new(None, &s).tool().unwrap();
        assert_eq!(t.name, "lookup_invoices");
        assert_eq!(t.call_id.as_deref(), Some("call_01"));
        assert_eq!(t.arguments.as_deref(), Some(r#"{"customer":"u-981"}"#));
        assert_eq!(t.result.as_deref(), Some(r#"{"ok":true}"#));
    }

    #[test]
    fn openinference_tool_span_reads_input_and_output_values() {
        let s = span(
            "lookup_invoices",
            vec![
                kv("openinference.span.kind", "TOOL"),
                kv("tool.name", "lookup_invoices"),
                kv("tool.id", "call_01"),
                kv("input.value", r#"{"customer":"u-981"}"#),
                kv("output.value", "timeout"),
            ],
        );
        let t = SpanView::new(None, &s).tool().unwrap();
        assert_eq!(
            (t.name.as_ref(), t.call_id.as_deref()),
            ("lookup_invoices", Some("call_01"))
        );
        assert_eq!(t.arguments.as_deref(), Some(r#"{"customer":"u-981"}"#));
        assert_eq!(t.result.as_deref(), Some("timeout"));
    }

    #[test]
    fn traceloop_tool_span_unwraps_entity_input_and_output() {
        let s = span(
            "lookup_invoices.tool",
            vec![
                kv("traceloop.span.kind", "tool"),
                kv("traceloop.entity.name", "lookup_invoices"),
                kv(
                    "traceloop.entity.input",
                    r#"{"args": [], "kwargs": {"customer": "u-981"}}"#,
                ),
                kv("traceloop.entity.output", r#""{\"status\": 401}""#),
            ],
        );
        let t = SpanView::new(None, &s).tool().unwrap();
        assert_eq!(t.name, "lookup_invoices");
        assert_eq!(t.arguments.as_deref(), Some(r#"{"customer":"u-981"}"#));
        assert_eq!(t.result.as_deref(), Some(r#"{"status": 401}"#));
        let positional = span(
            "x.tool",
            vec![
                kv("traceloop.span.kind", "tool"),
                kv(
                    "traceloop.entity.input",
                    r#"{"args": ["B2"], "kwargs": {}}"#,
                ),
            ],
        );
        let t = SpanView::new(None, &positional).tool().unwrap();
        assert_eq!(t.name, "x");
        assert_eq!(t.arguments.as_deref(), Some(r#""B2""#));
    }

    #[test]
    fn langfuse_tool_span_uses_observation_io_and_metadata_call_id() {
        let s = span(
            "cancel_order",
            vec![
                kv("langfuse.observation.type", "tool"),
                kv("langfuse.observation.input", r#"{"order_id": "A1"}"#),
                kv("langfuse.observation.output", r#"{"error": "HTTP 401"}"#),
                kv("langfuse.observation.metadata.tool_call_id", r#""call_9""#),
            ],
        );
        let t = SpanView::new(None, &s).tool().unwrap();
        assert_eq!(t.name, "cancel_order");
        assert_eq!(t.call_id.as_deref(), Some("call_9"));
        assert_eq!(t.result.as_deref(), Some(r#"{"error": "HTTP 401"}"#));
    }

    #[test]
    fn pydantic_ai_format_2_and_ai_sdk_and_laminar_tools() {
        let pai = span(
            "running tool: search",
            vec![
                kv("gen_ai.tool.name", "search"),
                kv("tool_arguments", r#"{"q":"x"}"#),
                kv("tool_response", "found"),
            ],
        );
        let t = SpanView::new(None, &pai).tool().unwrap();
        assert_eq!(
            (t.name.as_ref(), t.arguments.as_deref(), t.result.as_deref()),
            ("search", Some(r#"{"q":"x"}"#), Some("found"))
        );
        let aisdk = span(
            "ai.toolCall",
            vec![
                kv("ai.operationId", "ai.toolCall"),
                kv("ai.toolCall.name", "weather"),
                kv("ai.toolCall.id", "tc1"),
                kv("ai.toolCall.args", r#"{"city":"Oslo"}"#),
                kv("ai.toolCall.result", r#"{"t":3}"#),
            ],
        );
        let t = SpanView::new(None, &aisdk).tool().unwrap();
        assert_eq!(
            (t.name.as_ref(), t.call_id.as_deref()),
            ("weather", Some("tc1"))
        );
        let lmnr = span(
            "get_weather",
            vec![
                kv("lmnr.span.type", "TOOL"),
                kv("lmnr.span.input", r#"{"city":"Oslo"}"#),
                kv("lmnr.span.output", "sunny"),
            ],
        );
        let t = SpanView::new(None, &lmnr).tool().unwrap();
        assert_eq!(
            (t.name.as_ref(), t.result.as_deref()),
            ("get_weather", Some("sunny"))
        );
    }

    #[test]
    fn non_tool_spans_have_no_tool() {
        let s = span("chat gpt-4o", vec![kv("gen_ai.operation.name", "chat")]);
        assert!(SpanView::new(None, &s).tool().is_none());
    }

    #[test]
    fn requested_calls_from_every_message_shape() {
        let otel = span(
            "chat",
            vec![
                kv("gen_ai.operation.name", "chat"),
                kv(
                    "gen_ai.output.messages",
                    r#"[{"role":"assistant","parts":[{"type":"tool_call","id":"call_01","name":"lookup_invoices","arguments":{"customer":"u-981"}}]}]"#,
                ),
            ],
        );
        let calls = SpanView::new(None, &otel).requested_tool_calls();
        assert_eq!(calls.len(), 1);
        assert_eq!(calls[0].name, "lookup_invoices");
        assert_eq!(
            calls[0].arguments.as_deref(),
            Some(r#"{"customer":"u-981"}"#)
        );

        let oi = span(
            "ChatCompletion",
            vec![
                kv("openinference.span.kind", "LLM"),
                kv(
                    "llm.output_messages.0.message.tool_calls.0.tool_call.id",
                    "c1",
                ),
                kv(
                    "llm.output_messages.0.message.tool_calls.0.tool_call.function.name",
                    "lookup",
                ),
                kv(
                    "llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments",
                    r#"{"a":1}"#,
                ),
                kv(
                    "llm.output_messages.0.message.tool_calls.1.tool_call.function.name",
                    "b",
                ),
            ],
        );
        let calls = SpanView::new(None, &oi).requested_tool_calls();
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[0].call_id.as_deref(), Some("c1"));
        assert_eq!(calls[0].arguments.as_deref(), Some(r#"{"a":1}"#));

        let tl_old = span(
            "openai.chat",
            vec![
                kv("llm.request.type", "chat"),
                kv("gen_ai.completion.0.tool_calls.0.id", "call_01"),
                kv("gen_ai.completion.0.tool_calls.0.name", "lookup_invoices"),
                kv("gen_ai.completion.0.tool_calls.0.arguments", r#"{"c":1}"#),
            ],
        );
        let calls = SpanView::new(None, &tl_old).requested_tool_calls();
        assert_eq!(calls[0].name, "lookup_invoices");

        let lf = span(
            "OpenAI-generation",
            vec![
                kv("langfuse.observation.type", "generation"),
                kv(
                    "langfuse.observation.output",
                    r#"{"role":"assistant","tool_calls":[{"id":"c2","function":{"name":"cancel","arguments":"{}"},"type":"function"}]}"#,
                ),
            ],
        );
        let calls = SpanView::new(None, &lf).requested_tool_calls();
        assert_eq!(
            (calls[0].name.as_ref(), calls[0].call_id.as_deref()),
            ("cancel", Some("c2"))
        );

        let openai_response = span(
            "ChatCompletion",
            vec![
                kv("openinference.span.kind", "LLM"),
                kv(
                    "output.value",
                    r#"{"choices":[{"message":{"tool_calls":[{"id":"c3","function":{"name":"w","arguments":"{}"}}]}}]}"#,
                ),
            ],
        );
        let calls = SpanView::new(None, &openai_response).requested_tool_calls();
        assert_eq!(calls[0].name, "w");
    }
}
