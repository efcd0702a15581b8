//! Reading the failures the detectors left on a span: one [`Failure`] per finding, in order of
//! specificity (the first is the span's primary).

use opentelemetry_proto::tonic::common::v1::any_value::Value;

use super::names::*;
use super::template::{code, template};
use crate::processor::tool::names as tool_names;
use crate::semconv::keys::spotter as keys;
use crate::semconv::{value, SpanRole, SpanView};

/// One finding on one span, before it is fingerprinted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub kind: &'static str,
    pub tool: String,
    /// Outcome class, error code or loop kind, unmasked.
    pub cause: String,
    pub template: String,
}

fn event_str<'a>(view: &SpanView<'a>, event: &str, key: &str) -> Option<&'a str> {
    view.span()
        .events
        .iter()
        .filter(|e| e.name == event)
        .find_map(|e| value::find(&e.attributes, key).and_then(value::as_str))
}

fn truthy(view: &SpanView<'_>, key: &str) -> bool {
    match view.span_value(key) {
        Some(Value::BoolValue(b)) => *b,
        Some(Value::StringValue(s)) => s.eq_ignore_ascii_case("true"),
        _ => false,
    }
}

/// The error text of a failed tool call, as `tool_outcome` wrote it (else the span's status).
fn tool_error_text(view: &SpanView<'_>) -> String {
    view.str_attr(keys::TOOL_ERROR_DETAIL)
        .or_else(|| view.status_message())
        .or_else(|| view.exception_messages().next())
        .unwrap_or_default()
        .to_string()
}

/// Every failure on `view`, most specific first.
pub fn failures(view: &SpanView<'_>) -> Vec<Failure> {
    let mut out = Vec::new();
    let role = view.role();
    let tool_name = if role == SpanRole::Tool {
        view.tool().map(|t| t.name.into_owned())
    } else {
        None
    };
    let outcome = view.tool_outcome().filter(|o| *o != "ok");
    let error_code = view
        .str_attr(keys::TOOL_ERROR_TYPE)
        .map(code)
        .unwrap_or_default();
    let cause = match outcome {
        Some(o) if !error_code.is_empty() => format!("{o}/{error_code}"),
        Some(o) => o.to_string(),
        None => error_code.clone(),
    };
    if let Some(tool) = &tool_name {
        let text = || template(&tool_error_text(view));
        if truthy(view, keys::AUTH_ROT) {
            out.push(Failure {
                kind: KIND_AUTH_ROT,
                tool: tool.clone(),
                cause: cause.clone(),
                template: text(),
            });
        }
        if truthy(view, keys::TOOL_SILENT_FAILURE) {
            out.push(Failure {
                kind: KIND_SILENT_FAILURE,
                tool: tool.clone(),
                cause: cause.clone(),
                template: text(),
            });
        }
    }
    if truthy(view, GOAL_NOT_MET) {
        let tool = tool_name
            .clone()
            .or_else(|| view.str_attr("spotter.goal_not_met.tool").map(String::from))
            .unwrap_or_default();
        let reason = view
            .str_attr("spotter.goal_not_met.reason")
            .map(template)
            .unwrap_or_default();
        out.push(Failure {
            kind: KIND_GOAL_NOT_MET,
            tool,
            cause: String::new(),
            template: reason,
        });
    }
    if let Some(tool) = &tool_name {
        if truthy(view, keys::TOOL_SCHEMA_DRIFT) {
            let diff = event_str(view, tool_names::EVENT_SCHEMA_DRIFT, tool_names::ATTR_DIFF)
                .map(template)
                .unwrap_or_default();
            out.push(Failure {
                kind: KIND_SCHEMA_DRIFT,
                tool: tool.clone(),
                cause: String::new(),
                template: diff,
            });
        }
    }
    // A loop is stamped where it was detected (the span with the loop event), not on every
    // later span of the session.
    if let Some(tool) = event_str(view, tool_names::EVENT_LOOP, tool_names::ATTR_TOOL) {
        out.push(Failure {
            kind: KIND_TOOL_LOOP,
            tool: tool.to_string(),
            cause: String::new(),
            template: String::new(),
        });
    }
    if let (Some(tool), Some(class)) = (&tool_name, outcome) {
        out.push(Failure {
            kind: KIND_TOOL_ERROR,
            tool: tool.clone(),
            cause: if error_code.is_empty() {
                class.to_string()
            } else {
                format!("{class}/{error_code}")
            },
            template: template(&tool_error_text(view)),
        });
    }
    if role == SpanRole::Llm && view.status_is_error() {
        let model = view
            .request_model()
            .or_else(|| view.model())
            .unwrap_or_default();
        let text = view
            .status_message()
            .or_else(|| view.exception_messages().next())
            .unwrap_or_default();
        out.push(Failure {
            kind: KIND_LLM_ERROR,
            tool: model.to_string(),
            cause: view.error_type().map(code).unwrap_or_default(),
            template: template(text),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::testing::kv;
    use crate::processor::tool::testing::*;
    use crate::semconv::spans;

    fn failures_of(span: opentelemetry_proto::tonic::trace::v1::Span) -> Vec<Failure> {
        let b = batch(vec![span]);
        let crate::pipeline::Payload::Traces(req) = b.payload() else {
            unreachable!()
        };
        let f = spans(req).map(|v| failures(&v)).next().unwrap();
        f
    }

    #[test]
    fn a_tool_span_gives_each_finding_most_specific_first() {
        let mut s = tool("s", 1, 1, "get_calendar", "{}", Some("401"), T0);
        s.attributes.push(kv("spotter.tool.outcome", "auth"));
        s.attributes
            .push(kv("spotter.tool.error_detail", "HTTP 401 for user 12"));
        s.attributes.push(kv("spotter.auth_rot", "true"));
        let f = failures_of(s);
        let kinds: Vec<&str> = f.iter().map(|f| f.kind).collect();
        assert_eq!(kinds, vec![KIND_AUTH_ROT, KIND_TOOL_ERROR]);
        assert_eq!(f[1].cause, "auth");
        assert_eq!(f[1].template, "HTTP <*> for user <*>");
    }

    #[test]
    fn an_ok_tool_call_is_no_failure() {
        let mut s = tool("s", 1, 1, "get_calendar", "{}", Some("{}"), T0);
        s.attributes.push(kv("spotter.tool.outcome", "ok"));
        assert!(failures_of(s).is_empty());
    }
}
