//! `evaluation_events`: spotter's verdicts as `gen_ai.evaluation.result` events, so that any
//! backend that reads the GenAI conventions shows them next to the call they judge.
//!
//! Each finding a processor left on a span (see [`SpanView::findings`]: a failed tool outcome,
//! silent failure, auth rot, schema drift, loop, context saturation, unpriced model) and a goal
//! not met (`spotter.goal_not_met`) becomes one span event on that span, which is the event's
//! parent as the conventions ask:
//! - `gen_ai.evaluation.name`: `spotter.<finding>` (`spotter.silent_failure`,
//!   `spotter.goal_not_met`...);
//! - `gen_ai.evaluation.score.label`: `fail` for errors, `warning` for warnings (spotter's
//!   verdicts have no numeric score, so `gen_ai.evaluation.score.value` is not set);
//! - `gen_ai.evaluation.explanation`: the finding's sentence (the goal's reason);
//! - `gen_ai.response.id`, when the span has one.
//!
//! Span events rather than log records: they travel with the judged span to every traces
//! backend, span-only vendors included, and need no logs pipeline. It runs after the last
//! processor that judges spans (`outcome`, `agent_metrics`) and before `redaction`, so that
//! explanations are redacted like everything else. A span that already has the event for a
//! finding (it went through spotter twice) does not get it again. No options.

use std::time::Instant;

use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue};
use opentelemetry_proto::tonic::trace::v1::span::Event;
use serde::Deserialize;

use crate::config::ConfigError;
use crate::pipeline::{Batch, Payload};
use crate::processor::Processor;
use crate::semconv::keys::{otel, spotter as keys};
use crate::semconv::{spans, value, Severity, SpanView};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {}

pub struct EvaluationEventsProcessor {
    id: String,
}

impl EvaluationEventsProcessor {
    pub fn new(id: &str, _cfg: Config, _path: &str) -> Result<Self, ConfigError> {
        Ok(EvaluationEventsProcessor { id: id.to_string() })
    }
}

/// One verdict about a span.
struct Evaluation {
    name: String,
    label: &'static str,
    explanation: String,
}

/// The verdicts spotter left on the span of `view`.
fn evaluations(view: &SpanView<'_>) -> Vec<Evaluation> {
    let mut out: Vec<Evaluation> = view
        .findings()
        .into_iter()
        .map(|f| Evaluation {
            name: format!("spotter.{}", f.name),
            label: match f.severity {
                Severity::Error => "fail",
                Severity::Warning => "warning",
            },
            explanation: f.message,
        })
        .collect();
    if view
        .span_value(keys::GOAL_NOT_MET)
        .is_some_and(|v| value::as_bool(v) != Some(false))
    {
        out.push(Evaluation {
            name: "spotter.goal_not_met".to_string(),
            label: "fail",
            explanation: view
                .str_attr(keys::GOAL_NOT_MET_REASON)
                .unwrap_or("the goal was not met")
                .to_string(),
        });
    }
    let existing: Vec<&str> = view
        .span()
        .events
        .iter()
        .filter(|e| e.name == otel::event::EVALUATION_RESULT)
        .filter_map(|e| value::find(&e.attributes, otel::GEN_AI_EVALUATION_NAME))
        .filter_map(value::as_str)
        .collect();
    out.retain(|e| !existing.contains(&e.name.as_str()));
    out
}

fn kv(key: &str, v: AnyValue) -> KeyValue {
    KeyValue {
        key: key.to_string(),
        value: Some(v),
        ..Default::default()
    }
}

impl Processor for EvaluationEventsProcessor {
    fn id(&self) -> &str {
        &self.id
    }

    fn process(&mut self, mut batch: Batch, _now: Instant, out: &mut Vec<Batch>) {
        let any = match batch.payload() {
            Payload::Traces(req) => spans(req).any(|v| !evaluations(&v).is_empty()),
            Payload::Logs(_) => false,
        };
        if any {
            if let Some(req) = batch.traces_mut() {
                for rs in &mut req.resource_spans {
                    let resource = rs.resource.as_ref();
                    for span in rs.scope_spans.iter_mut().flat_map(|ss| &mut ss.spans) {
                        let (found, response_id) = {
                            let view = SpanView::new(resource, span);
                            (
                                evaluations(&view),
                                view.str_attr(otel::GEN_AI_RESPONSE_ID).map(str::to_string),
                            )
                        };
                        for e in found {
                            let mut attributes = vec![
                                kv(otel::GEN_AI_EVALUATION_NAME, value::string(e.name)),
                                kv(otel::GEN_AI_EVALUATION_SCORE_LABEL, value::string(e.label)),
                                kv(
                                    otel::GEN_AI_EVALUATION_EXPLANATION,
                                    value::string(e.explanation),
                                ),
                            ];
                            if let Some(id) = &response_id {
                                attributes.push(kv(otel::GEN_AI_RESPONSE_ID, value::string(id)));
                            }
                            span.events.push(Event {
                                time_unix_nano: span.end_time_unix_nano,
                                name: otel::event::EVALUATION_RESULT.to_string(),
                                attributes,
                                dropped_attributes_count: 0,
                            });
                        }
                    }
                }
            }
        }
        out.push(batch);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::testing::kv as attr;
    use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
    use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};

    fn run(attrs: Vec<KeyValue>) -> Vec<Event> {
        let req = ExportTraceServiceRequest {
            resource_spans: vec![ResourceSpans {
                scope_spans: vec![ScopeSpans {
                    spans: vec![Span {
                        name: "s".into(),
                        end_time_unix_nano: 42,
                        attributes: attrs,
                        ..Default::default()
                    }],
                    ..Default::default()
                }],
                ..Default::default()
            }],
        };
        let mut p = EvaluationEventsProcessor::new("evaluation_events", Config {}, "p").unwrap();
        let mut out = Vec::new();
        p.process(Batch::traces(req, Instant::now()), Instant::now(), &mut out);
        let mut out2 = Vec::new();
        // A second pass adds nothing.
        p.process(out.pop().unwrap(), Instant::now(), &mut out2);
        match out2[0].payload() {
            Payload::Traces(r) => r.resource_spans[0].scope_spans[0].spans[0].events.clone(),
            Payload::Logs(_) => unreachable!(),
        }
    }

    fn get<'a>(e: &'a Event, key: &str) -> Option<&'a str> {
        value::find(&e.attributes, key).and_then(value::as_str)
    }

    #[test]
    fn a_silent_failure_and_a_missed_goal_become_evaluation_results_once() {
        let events = run(vec![
            attr("gen_ai.operation.name", "execute_tool"),
            attr("gen_ai.tool.name", "refund"),
            attr("spotter.tool.outcome", "auth"),
            attr("spotter.tool.silent_failure", "true"),
            attr("spotter.goal_not_met", "true"),
            attr(
                "spotter.goal_not_met.reason",
                "refund requested, no refund tool ran",
            ),
            attr("gen_ai.response.id", "resp_1"),
        ]);
        let names: Vec<&str> = events
            .iter()
            .map(|e| get(e, otel::GEN_AI_EVALUATION_NAME).unwrap())
            .collect();
        assert_eq!(
            names,
            [
                "spotter.tool_outcome",
                "spotter.silent_failure",
                "spotter.goal_not_met"
            ]
        );
        for e in &events {
            assert_eq!(e.name, "gen_ai.evaluation.result");
            assert_eq!(e.time_unix_nano, 42);
            assert_eq!(get(e, otel::GEN_AI_EVALUATION_SCORE_LABEL), Some("fail"));
            assert_eq!(get(e, otel::GEN_AI_RESPONSE_ID), Some("resp_1"));
        }
        assert_eq!(
            get(&events[2], otel::GEN_AI_EVALUATION_EXPLANATION),
            Some("refund requested, no refund tool ran")
        );
    }

    #[test]
    fn a_span_without_findings_gets_no_evaluation() {
        assert!(run(vec![attr("gen_ai.operation.name", "chat")]).is_empty());
        let warn = run(vec![attr("spotter.loop", "true")]);
        assert_eq!(
            get(&warn[0], otel::GEN_AI_EVALUATION_SCORE_LABEL),
            Some("warning")
        );
    }
}
