//! The finish-reason recogniser: why a model call stopped, and whether it stopped to call tools.
//!
//! Precedence: OTel `gen_ai.response.finish_reasons` (string array, also accepted as a JSON
//! string or a single string) > OpenInference `llm.finish_reason` > OpenLLMetry
//! `gen_ai.response.finish_reason` > `gen_ai.completion.0.finish_reason`.

use opentelemetry_proto::tonic::common::v1::any_value::Value;

use super::keys::{openinference as oi, otel, traceloop as tl};
use super::view::SpanView;

/// Finish reasons that mean "the model asked for tools" (OpenAI `tool_calls`/`function_call`,
/// OTel `tool_call`, Anthropic `tool_use`, Gemini `function_call`).
const TOOL_REASONS: &[&str] = &["tool_calls", "tool_call", "function_call", "tool_use"];

const SINGLE_KEYS: &[&str] = &[
    oi::LLM_FINISH_REASON,
    tl::GEN_AI_RESPONSE_FINISH_REASON,
    tl::GEN_AI_COMPLETION_0_FINISH_REASON,
];

impl<'a> SpanView<'a> {
    /// The finish reasons the span reports, lowercased; empty when it reports none.
    pub fn finish_reasons(&self) -> Vec<String> {
        let mut out = Vec::new();
        match self.span_value(otel::GEN_AI_RESPONSE_FINISH_REASONS) {
            Some(Value::ArrayValue(a)) => {
                for v in &a.values {
                    if let Some(Value::StringValue(s)) = &v.value {
                        push(&mut out, s);
                    }
                }
            }
            Some(Value::StringValue(s)) => match serde_json::from_str::<Vec<String>>(s) {
                Ok(list) => list.iter().for_each(|r| push(&mut out, r)),
                Err(_) => push(&mut out, s),
            },
            _ => {}
        }
        if out.is_empty() {
            if let Some(s) = self.first_str(SINGLE_KEYS) {
                push(&mut out, s);
            }
        }
        out
    }

    /// Whether the model call stopped to ask for tools: `Some(true)`/`Some(false)` from its
    /// finish reasons, `None` when it reports none.
    pub fn stopped_for_tools(&self) -> Option<bool> {
        let reasons = self.finish_reasons();
        (!reasons.is_empty()).then(|| reasons.iter().any(|r| TOOL_REASONS.contains(&r.as_str())))
    }
}

fn push(out: &mut Vec<String>, reason: &str) {
    let r = reason.trim().to_ascii_lowercase();
    if !r.is_empty() && out.len() < 16 {
        out.push(r);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::testing::kv;
    use opentelemetry_proto::tonic::common::v1::{AnyValue, ArrayValue, KeyValue};
    use opentelemetry_proto::tonic::trace::v1::Span;

    fn view_of(attrs: Vec<KeyValue>) -> Option<bool> {
        let span = Span {
            attributes: attrs,
            ..Default::default()
        };
        SpanView::new(None, &span).stopped_for_tools()
    }

    #[test]
    fn finish_reasons_in_every_shape() {
        let array = KeyValue {
            key: "gen_ai.response.finish_reasons".into(),
            value: Some(AnyValue {
                value: Some(Value::ArrayValue(ArrayValue {
                    values: vec![crate::semconv::value::string("tool_call")],
                })),
            }),
            ..Default::default()
        };
        assert_eq!(view_of(vec![array]), Some(true));
        assert_eq!(
            view_of(vec![kv("gen_ai.response.finish_reasons", r#"["stop"]"#)]),
            Some(false)
        );
        assert_eq!(
            view_of(vec![kv("llm.finish_reason", "TOOL_USE")]),
            Some(true)
        );
        assert_eq!(
            view_of(vec![kv("gen_ai.completion.0.finish_reason", "length")]),
            Some(false)
        );
        assert_eq!(view_of(vec![]), None);
    }
}
