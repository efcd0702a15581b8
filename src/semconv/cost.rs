//! The cost recogniser: what an SDK already says a model call cost, and what spotter settled.
//!
//! Reported cost precedence (USD): Langfuse `langfuse.observation.cost_details` (its `total`, else
//! the sum of its parts) > OpenInference `llm.cost.total` > Laminar `gen_ai.usage.cost` >
//! Pydantic AI `operation.cost`. spotter's own `spotter.cost.usd` is read apart, by
//! [`SpanView::cost_usd`], so a reported cost is never confused with a computed one.

use serde_json::Value as Json;

use super::keys::{laminar, langfuse, openinference as oi, pydantic_ai as pai, spotter};
use super::value;
use super::view::SpanView;

const REPORTED_COST_KEYS: &[&str] = &[
    oi::LLM_COST_TOTAL,
    laminar::GEN_AI_USAGE_COST,
    pai::OPERATION_COST,
];

impl<'a> SpanView<'a> {
    /// The cost the instrumentation reported for this span, in USD, if any.
    pub fn reported_cost(&self) -> Option<f64> {
        if let Some(details) = self.str_attr(langfuse::OBSERVATION_COST_DETAILS) {
            if let Some(cost) = cost_from_details(details) {
                return Some(cost);
            }
        }
        REPORTED_COST_KEYS
            .iter()
            .find_map(|k| self.f64_attr(k))
            .filter(|c| *c >= 0.0)
    }

    /// `spotter.cost.usd`, once the cost processor wrote it.
    pub fn cost_usd(&self) -> Option<f64> {
        self.span_value(spotter::COST_USD).and_then(value::as_f64)
    }

    /// `spotter.context.utilization`, once the cost processor wrote it.
    pub fn context_utilization(&self) -> Option<f64> {
        self.span_value(spotter::CONTEXT_UTILIZATION)
            .and_then(value::as_f64)
    }

    /// A finite number attribute of the span (doubles, integers, decimal strings).
    pub fn f64_attr(&self, key: &str) -> Option<f64> {
        self.span_value(key).and_then(value::as_f64)
    }
}

/// The total of a Langfuse `cost_details` object: `total`, else the sum of the numeric parts.
fn cost_from_details(text: &str) -> Option<f64> {
    let j: Json = serde_json::from_str(text).ok()?;
    let obj = j.as_object()?;
    if let Some(total) = obj.get("total").and_then(Json::as_f64) {
        return Some(total).filter(|t| t.is_finite() && *t >= 0.0);
    }
    let parts: Vec<f64> = obj.values().filter_map(Json::as_f64).collect();
    (!parts.is_empty())
        .then(|| parts.iter().sum::<f64>())
        .filter(|t| t.is_finite() && *t >= 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::testing::kv;
    use opentelemetry_proto::tonic::common::v1::KeyValue;
    use opentelemetry_proto::tonic::trace::v1::Span;

    fn span(attrs: Vec<KeyValue>) -> Span {
        Span {
            attributes: attrs,
            ..Default::default()
        }
    }

    fn double(key: &str, v: f64) -> KeyValue {
        KeyValue {
            key: key.into(),
            value: Some(value::double(v)),
            ..Default::default()
        }
    }

    #[test]
    fn reported_cost_in_precedence_order() {
        let s = span(vec![
            double("gen_ai.usage.cost", 0.5),
            double("llm.cost.total", 0.25),
        ]);
        assert_eq!(SpanView::new(None, &s).reported_cost(), Some(0.25));
        let s = span(vec![
            kv(
                "langfuse.observation.cost_details",
                r#"{"input": 0.001, "output": 0.002}"#,
            ),
            double("operation.cost", 9.0),
        ]);
        assert_eq!(SpanView::new(None, &s).reported_cost(), Some(0.003));
        let s = span(vec![kv("operation.cost", "0.0125")]);
        assert_eq!(SpanView::new(None, &s).reported_cost(), Some(0.0125));
    }

    #[test]
    fn no_or_invalid_cost_is_none() {
        assert_eq!(SpanView::new(None, &span(vec![])).reported_cost(), None);
        let s = span(vec![
            double("llm.cost.total", -1.0),
            kv("langfuse.observation.cost_details", "not json"),
        ]);
        assert_eq!(SpanView::new(None, &s).reported_cost(), None);
    }

    #[test]
    fn spotters_cost_is_read_apart_from_reported_cost() {
        let s = span(vec![double("spotter.cost.usd", 0.01)]);
        let v = SpanView::new(None, &s);
        assert_eq!(v.cost_usd(), Some(0.01));
        assert_eq!(v.reported_cost(), None);
    }
}
