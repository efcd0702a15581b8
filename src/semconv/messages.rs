//! The message recogniser: a span's input and output, whichever convention carries them, plus
//! re-assembly of flattened message lists (`llm.input_messages.<i>.*`, `gen_ai.prompt.<i>.*`).
//!
//! Precedence for input (output is symmetric): `langfuse.observation.input` (explicit) >
//! `gen_ai.input.messages` > OpenInference `llm.input_messages.*` > OpenLLMetry
//! `gen_ai.prompt.*` > Pydantic AI `pydantic_ai.all_messages` > AI SDK `ai.prompt.messages` >
//! OpenInference `input.value` > `traceloop.entity.input` > `lmnr.span.input`.
//! Flattened lists come back as a JSON array; OpenInference's `message` / `tool_call` /
//! `message_content` wrapper segments are dropped, so both rebuild into the OpenAI message shape
//! (`{"role", "content", "tool_calls": [{"id", "function": {"name", "arguments"}}]}` for
//! OpenInference, `{"role", "content", "tool_calls": [{"id", "name", "arguments"}]}` for
//! OpenLLMetry).

use std::borrow::Cow;

use opentelemetry_proto::tonic::common::v1::any_value::Value;
use serde_json::Value as Json;

use super::keys::{laminar, langfuse, openinference as oi, otel, pydantic_ai as pai};
use super::keys::{traceloop as tl, vendor};
use super::value;
use super::view::SpanView;

/// Segments OpenInference inserts after a list index to name the element type.
const WRAPPERS: &[&str] = &[
    "message",
    "tool_call",
    "message_content",
    "document",
    "prompt",
];

/// The most elements a flattened list may claim; indices beyond are ignored, so a hostile key
/// (`llm.input_messages.999999999.x`) cannot make us allocate.
const MAX_FLATTENED_INDEX: usize = 4096;

impl<'a> SpanView<'a> {
    /// The span's input messages or input, raw JSON or text.
    pub fn input_messages(&self) -> Option<Cow<'a, str>> {
        self.first_text(&[langfuse::OBSERVATION_INPUT, otel::GEN_AI_INPUT_MESSAGES])
            .or_else(|| self.flattened(oi::LLM_INPUT_MESSAGES_PREFIX))
            .or_else(|| self.flattened(tl::GEN_AI_PROMPT_PREFIX))
            .or_else(|| {
                self.first_text(&[
                    pai::ALL_MESSAGES,
                    vendor::AI_PROMPT_MESSAGES,
                    oi::INPUT_VALUE,
                    tl::ENTITY_INPUT,
                    laminar::SPAN_INPUT,
                ])
            })
    }

    /// The span's output messages or output, raw JSON or text.
    pub fn output_messages(&self) -> Option<Cow<'a, str>> {
        self.first_text(&[langfuse::OBSERVATION_OUTPUT, otel::GEN_AI_OUTPUT_MESSAGES])
            .or_else(|| self.flattened(oi::LLM_OUTPUT_MESSAGES_PREFIX))
            .or_else(|| self.flattened(tl::GEN_AI_COMPLETION_PREFIX))
            .or_else(|| {
                self.first_text(&[
                    pai::FINAL_RESULT,
                    vendor::AI_RESPONSE_TEXT,
                    oi::OUTPUT_VALUE,
                    tl::ENTITY_OUTPUT,
                    laminar::SPAN_OUTPUT,
                ])
            })
    }

    /// A flattened list under `prefix`, re-assembled as a JSON array string.
    fn flattened(&self, prefix: &'a str) -> Option<Cow<'a, str>> {
        unflatten(self.span_attrs_with_prefix(prefix), prefix).map(|j| Cow::Owned(j.to_string()))
    }

    /// A flattened list under `prefix`, re-assembled as JSON.
    pub(super) fn flattened_json(&self, prefix: &'a str) -> Option<Json> {
        unflatten(self.span_attrs_with_prefix(prefix), prefix)
    }
}

/// Rebuild `<prefix><i>.<path>` keys into a JSON array of objects, ordered by index.
fn unflatten<'v>(attrs: impl Iterator<Item = (&'v str, &'v Value)>, prefix: &str) -> Option<Json> {
    let mut root = Json::Array(Vec::new());
    let mut any = false;
    for (key, v) in attrs {
        let rest = &key[prefix.len()..];
        let mut segs: Vec<&str> = Vec::new();
        let mut prev_index = true;
        for seg in rest.split('.') {
            if prev_index && WRAPPERS.contains(&seg) {
                prev_index = false;
                continue;
            }
            prev_index = seg.parse::<usize>().is_ok();
            segs.push(seg);
        }
        if segs.first().and_then(|s| s.parse::<usize>().ok()).is_none() {
            continue;
        }
        if insert_path(&mut root, &segs, value::to_json(v)) {
            any = true;
        }
    }
    any.then_some(root)
}

fn insert_path(node: &mut Json, segs: &[&str], leaf: Json) -> bool {
    let Some((head, tail)) = segs.split_first() else {
        *node = leaf;
        return true;
    };
    if let Ok(i) = head.parse::<usize>() {
        if i >= MAX_FLATTENED_INDEX {
            return false;
        }
        if !node.is_array() {
            *node = Json::Array(Vec::new());
        }
        let arr = node.as_array_mut().expect("just made an array");
        if arr.len() <= i {
            arr.resize(i + 1, Json::Null);
        }
        insert_path(&mut arr[i], tail, leaf)
    } else {
        if !node.is_object() {
            *node = Json::Object(Default::default());
        }
        let obj = node.as_object_mut().expect("just made an object");
        let child = obj.entry(head.to_string()).or_insert(Json::Null);
        insert_path(child, tail, leaf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::testing::kv;
    use opentelemetry_proto::tonic::common::v1::{AnyValue, ArrayValue, KeyValue};
    use opentelemetry_proto::tonic::trace::v1::Span;

    fn span(attrs: Vec<KeyValue>) -> Span {
        Span {
            name: "x".into(),
            attributes: attrs,
            ..Default::default()
        }
    }

    #[test]
    fn current_otel_messages_as_string_or_structured() {
        let s = span(vec![kv("gen_ai.input.messages", r#"[{"role":"user"}]"#)]);
        assert_eq!(
            SpanView::new(None, &s).input_messages().unwrap(),
            r#"[{"role":"user"}]"#
        );
        let structured = span(vec![KeyValue {
            key: "gen_ai.output.messages".into(),
            value: Some(AnyValue {
                value: Some(Value::ArrayValue(ArrayValue {
                    values: vec![value::string("hi")],
                })),
            }),
            ..Default::default()
        }]);
        assert_eq!(
            SpanView::new(None, &structured).output_messages().unwrap(),
            r#"["hi"]"#
        );
    }

    #[test]
    fn openinference_flattened_messages_rebuild_in_numeric_order() {
        let mut attrs = Vec::new();
        for i in 0..12 {
            attrs.push(kv(
                &format!("llm.input_messages.{i}.message.content"),
                &format!("m{i}"),
            ));
        }
        attrs.push(kv("llm.input_messages.10.message.role", "tool"));
        attrs.push(kv(
            "llm.output_messages.0.message.tool_calls.0.tool_call.function.name",
            "lookup",
        ));
        attrs.push(kv("input.value", "ignored when messages exist"));
        let s = span(attrs);
        let v = SpanView::new(None, &s);
        let input: Json = serde_json::from_str(&v.input_messages().unwrap()).unwrap();
        assert_eq!(input[10]["content"], "m10");
        assert_eq!(input[10]["role"], "tool");
        assert_eq!(input[2]["content"], "m2");
        let output: Json = serde_json::from_str(&v.output_messages().unwrap()).unwrap();
        assert_eq!(output[0]["tool_calls"][0]["function"]["name"], "lookup");
    }

    #[test]
    fn traceloop_flattened_prompt_and_completion() {
        let s = span(vec![
            kv("gen_ai.prompt.0.role", "user"),
            kv("gen_ai.prompt.0.content", "Why?"),
            kv("gen_ai.completion.0.tool_calls.0.name", "lookup_invoices"),
            kv("gen_ai.prompt", "v1.26 single-string prompt is not a list"),
        ]);
        let v = SpanView::new(None, &s);
        let input: Json = serde_json::from_str(&v.input_messages().unwrap()).unwrap();
        assert_eq!(
            input,
            serde_json::json!([{"role": "user", "content": "Why?"}])
        );
        let output: Json = serde_json::from_str(&v.output_messages().unwrap()).unwrap();
        assert_eq!(output[0]["tool_calls"][0]["name"], "lookup_invoices");
    }

    #[test]
    fn generic_inputs_by_precedence() {
        let s = span(vec![
            kv("traceloop.entity.input", r#"{"args":[],"kwargs":{}}"#),
            kv("input.value", "question"),
        ]);
        assert_eq!(
            SpanView::new(None, &s).input_messages().unwrap(),
            "question"
        );
        let s = span(vec![
            kv("langfuse.observation.input", "explicit"),
            kv("gen_ai.input.messages", "[]"),
        ]);
        assert_eq!(
            SpanView::new(None, &s).input_messages().unwrap(),
            "explicit"
        );
        let s = span(vec![
            kv("lmnr.span.output", "\"done\""),
            kv("pydantic_ai.all_messages", "[1]"),
            kv("final_result", "ok"),
        ]);
        let v = SpanView::new(None, &s);
        assert_eq!(v.input_messages().unwrap(), "[1]");
        assert_eq!(v.output_messages().unwrap(), "ok");
    }

    #[test]
    fn huge_flattened_index_is_ignored() {
        let s = span(vec![kv("llm.input_messages.99999999.message.content", "x")]);
        assert!(SpanView::new(None, &s).input_messages().is_none());
    }
}
