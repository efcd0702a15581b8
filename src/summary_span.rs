//! A finished session as one OTLP span (`spotter.session.summary`), for vendors that do not
//! aggregate sessions themselves. The span joins the session's last trace as a child of its root
//! span and carries every aggregate as an attribute.

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, InstrumentationScope, KeyValue};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};

use crate::summary::SessionSummary;

pub const SPAN_NAME: &str = "spotter.session.summary";

fn kv(key: &str, value: any_value::Value) -> KeyValue {
    KeyValue {
        key: key.to_string(),
        value: Some(AnyValue { value: Some(value) }),
        ..Default::default()
    }
}

fn from_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok())
        .collect()
}

/// The summary span as a batch ready for an exporter's queue.
pub fn batch(s: &SessionSummary) -> Option<crate::pipeline::Batch> {
    request(s).map(|r| crate::pipeline::Batch::traces(r, std::time::Instant::now()))
}

/// The summary span request, or `None` when the session's last trace is unknown.
pub fn request(s: &SessionSummary) -> Option<ExportTraceServiceRequest> {
    use any_value::Value::{BoolValue, DoubleValue, IntValue, StringValue};
    let trace_id = from_hex(s.last_trace_id.as_deref()?).filter(|t| t.len() == 16)?;
    let parent = s
        .last_root_span_id
        .as_deref()
        .and_then(from_hex)
        .filter(|p| p.len() == 8)
        .unwrap_or_default();
    let mut span_id: [u8; 8] = rand::random();
    span_id[0] |= 1;
    let mut attributes = vec![
        kv("session.id", StringValue(s.session_id.clone())),
        kv("gen_ai.conversation.id", StringValue(s.session_id.clone())),
        kv("spotter.workflow", StringValue(s.workflow.clone())),
        kv("spotter.session.turns", IntValue(i64::from(s.turns))),
        kv("spotter.session.spans", IntValue(s.spans as i64)),
        kv("spotter.session.llm_calls", IntValue(s.llm_calls as i64)),
        kv("spotter.session.tool_calls", IntValue(s.tool_calls as i64)),
        kv(
            "spotter.session.input_tokens",
            IntValue(s.input_tokens as i64),
        ),
        kv(
            "spotter.session.output_tokens",
            IntValue(s.output_tokens as i64),
        ),
        kv("spotter.session.cost_usd", DoubleValue(s.cost_usd)),
        kv("spotter.session.outcome", StringValue(s.outcome.clone())),
        kv(
            "spotter.session.outcome_reasons",
            StringValue(s.outcome_reasons.join(",")),
        ),
        kv(
            "spotter.session.findings",
            StringValue(serde_json::to_string(&s.findings).unwrap_or_default()),
        ),
        kv(
            "spotter.session.context_truncation_suspected",
            BoolValue(s.context_truncation_suspected),
        ),
    ];
    if let Some(u) = &s.user_id {
        attributes.push(kv("user.id", StringValue(u.clone())));
    }
    for (outcome, n) in &s.tool_outcomes {
        attributes.push(kv(
            &format!("spotter.session.tool_outcomes.{outcome}"),
            IntValue(*n as i64),
        ));
    }
    let span = Span {
        trace_id,
        span_id: span_id.to_vec(),
        parent_span_id: parent,
        name: SPAN_NAME.to_string(),
        kind: 1,
        start_time_unix_nano: s.first_seen_unix_nano,
        end_time_unix_nano: s.last_seen_unix_nano.max(s.first_seen_unix_nano),
        attributes,
        ..Default::default()
    };
    Some(ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            resource: Some(Resource {
                attributes: vec![kv(
                    "service.name",
                    StringValue(s.service.as_deref().unwrap_or("spotter").into()),
                )],
                ..Default::default()
            }),
            scope_spans: vec![ScopeSpans {
                scope: Some(InstrumentationScope {
                    name: "spotter".into(),
                    version: env!("CARGO_PKG_VERSION").into(),
                    ..Default::default()
                }),
                spans: vec![span],
                schema_url: String::new(),
            }],
            schema_url: String::new(),
        }],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_span_joins_the_last_trace_under_its_root_in_the_agents_service() {
        let s = SessionSummary {
            session_id: "s1".into(),
            workflow: "support".into(),
            turns: 3,
            cost_usd: 0.0123,
            outcome: "failure".into(),
            outcome_reasons: vec!["auth_rot".into()],
            last_trace_id: Some("0af7651916cd43dd8448eb211c80319c".into()),
            last_root_span_id: Some("b7ad6b7169203331".into()),
            first_seen_unix_nano: 10,
            last_seen_unix_nano: 20,
            service: Some("shopbot".into()),
            ..Default::default()
        };
        let req = request(&s).unwrap();
        let resource = req.resource_spans[0].resource.as_ref().unwrap();
        assert_eq!(
            resource.attributes[0].value,
            Some(AnyValue {
                value: Some(any_value::Value::StringValue("shopbot".into()))
            }),
            "the summary span belongs to the agent's service, not to spotter"
        );
        let span = &req.resource_spans[0].scope_spans[0].spans[0];
        assert_eq!(span.name, SPAN_NAME);
        assert_eq!(
            span.trace_id,
            from_hex("0af7651916cd43dd8448eb211c80319c").unwrap()
        );
        assert_eq!(span.parent_span_id, from_hex("b7ad6b7169203331").unwrap());
        assert!(span
            .attributes
            .iter()
            .any(|kv| kv.key == "spotter.session.outcome_reasons"));
    }

    #[test]
    fn no_span_without_a_trace() {
        assert!(request(&SessionSummary::default()).is_none());
    }
}
