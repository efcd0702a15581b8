//! `cost`: prices every leaf model call, watches context-window saturation, and totals each
//! session's cost for its summary.
//!
//! For each span whose role is a model call (`llm` or `embedding`, as the `semconv` view
//! recognises it; agent and chain spans that repeat their children's usage are never priced):
//! - **cost**: the SDK's reported cost (`langfuse.observation.cost_details`, `llm.cost.total`,
//!   `gen_ai.usage.cost`, `operation.cost`) and spotter's computed cost (pricing table, see
//!   [`crate::pricing`]; OTel `input_tokens` already include cached tokens, which are priced at
//!   their own rate). `cost_precedence` picks one; it is written as `spotter.cost.usd` with
//!   `spotter.cost.source` (`reported`|`computed`), and as `gen_ai.usage.cost` when the span has
//!   no such attribute yet (an SDK's value is never overwritten). A call with tokens but no
//!   price at all (unknown model, no SDK cost) gets `spotter.cost.unpriced=true`, is counted in
//!   `spotter_cost_unpriced_spans_total{model}` and logged once per model. It is never priced
//!   at 0.
//! - **context**: on `llm` spans with a known context window (model table),
//!   `spotter.context.utilization` = input tokens ÷ context window, observed in
//!   `spotter_context_utilization_ratio{workflow,model}`. At or above `saturation_threshold`
//!   the span gets `spotter.context.saturated=true` and a `spotter.context.saturated` event.
//!   When a later turn's input does not grow past the previous turn's while that turn was at
//!   or above `truncation_near` of the window, the span gets
//!   `spotter.context.truncation_suspected=true` and an event of the same name.
//! - **session totals**: per session id (bounded by `max_sessions`, evictions counted in
//!   `spotter_agent_state_evictions_total{processor="cost"}`), added to the session summary in
//!   `enrich_summary`: `cost_usd` (the sum of its model calls' `spotter.cost.usd`), priced and
//!   unpriced calls, token totals, highest utilization, saturated calls, suspected truncation.
//!
//! Options:
//! - `pricing`: extra price entries, searched before the defaults (same fields as
//!   `config/pricing.yaml`: `id`, `provider`, `aliases`, `pattern` (regex), `input`, `output`,
//!   `cached_input`, `cache_write`, `reasoning`, `long_context`, `source`, `checked`);
//! - `pricing_file`: a YAML file with more entries (`models: [...]`), read at start;
//! - `default_pricing`: keep the embedded table (default `true`);
//! - `models`, `models_file`, `default_models`: the same for the context-window table
//!   (`id`, `provider`, `aliases`, `pattern`, `context_window`, `max_output`);
//! - `cost_precedence`: `reported` (default: an SDK's cost wins) or `computed`;
//! - `saturation_threshold`: default `0.85`; `truncation_near`: default `0.75`;
//! - `max_sessions`: sessions tracked at once (default 10000);
//! - `max_models`, `max_workflows`: label caps of this processor's metrics (default 100 and
//!   50, as in `agent_metrics`, so both admit the same values); later values are recorded as
//!   `other`.
//!
//! Example:
//! ```yaml
//! processors:
//!   cost:
//!     cost_precedence: computed
//!     pricing:
//!       - { id: acme-ft, pattern: "^acme-ft-", input: 4.0, output: 8.0 }
//!     models:
//!       - { id: acme-ft, pattern: "^acme-ft-", context_window: 32768 }
//! ```

mod context;

use std::num::NonZeroUsize;
use std::time::Instant;

use lru::LruCache;

use super::session_states::SessionStates;
use opentelemetry_proto::tonic::common::v1::KeyValue;
use opentelemetry_proto::tonic::trace::v1::{span::Event, Span};
use serde::Deserialize;

use super::agent_metrics::labels::LabelCap;
use super::agent_metrics::names;
use super::Processor;
use crate::config::ConfigError;
use crate::pipeline::{Batch, Payload};
use crate::pricing::{self, ModelBook, ModelEntry, PriceBook, PriceEntry, PricingError, Tokens};
use crate::semconv::keys::{laminar, spotter};
use crate::semconv::{value, SpanRole, SpanView, Usage};
use crate::summary::SessionSummary;
use context::TurnInputs;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub pricing: Vec<PriceEntry>,
    pub pricing_file: Option<String>,
    pub default_pricing: bool,
    pub models: Vec<ModelEntry>,
    pub models_file: Option<String>,
    pub default_models: bool,
    pub cost_precedence: CostPrecedence,
    pub saturation_threshold: f64,
    pub truncation_near: f64,
    pub max_sessions: usize,
    pub max_models: usize,
    pub max_workflows: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            pricing: Vec::new(),
            pricing_file: None,
            default_pricing: true,
            models: Vec::new(),
            models_file: None,
            default_models: true,
            cost_precedence: CostPrecedence::Reported,
            saturation_threshold: 0.85,
            truncation_near: 0.75,
            max_sessions: 10_000,
            max_models: 100,
            max_workflows: 50,
        }
    }
}

/// Which cost wins when a span has both an SDK-reported and a computed one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CostPrecedence {
    Reported,
    Computed,
}

/// One session's totals so far.
#[derive(Debug, Clone, Default)]
struct SessionCost {
    cost_usd: f64,
    priced_calls: u64,
    unpriced_calls: u64,
    usage: Usage,
    max_utilization: f64,
    saturated_calls: u64,
    truncation_suspected: bool,
    turns: TurnInputs,
}

/// What was decided about one model span, before writing it.
#[derive(Debug, Default)]
struct Verdict {
    cost: Option<(f64, &'static str)>,
    unpriced: bool,
    utilization: Option<(f64, u64)>,
    truncation_suspected: bool,
}

const MAX_LOGGED_MODELS: usize = 1024;

pub struct CostProcessor {
    id: String,
    prices: PriceBook,
    windows: ModelBook,
    precedence: CostPrecedence,
    saturation_threshold: f64,
    truncation_near: f64,
    sessions: SessionStates<SessionCost>,
    logged_unpriced: LruCache<String, ()>,
    model_labels: LabelCap,
    workflow_labels: LabelCap,
}

impl CostProcessor {
    pub fn new(id: &str, config: Config, path: &str) -> Result<Self, ConfigError> {
        let invalid = |key: &str, e: PricingError| {
            ConfigError::invalid(format!("{path}.{key}"), e.to_string())
        };
        let mut user_prices = config.pricing;
        if let Some(file) = &config.pricing_file {
            let text =
                pricing::read_file(file, "pricing").map_err(|e| invalid("pricing_file", e))?;
            user_prices.extend(
                pricing::parse_prices(&text, file).map_err(|e| invalid("pricing_file", e))?,
            );
        }
        let mut user_models = config.models;
        if let Some(file) = &config.models_file {
            let text = pricing::read_file(file, "models").map_err(|e| invalid("models_file", e))?;
            user_models
                .extend(pricing::parse_models(&text, file).map_err(|e| invalid("models_file", e))?);
        }
        let prices = pricing::price_book(user_prices, config.default_pricing)
            .map_err(|e| invalid("pricing", e))?;
        let windows = pricing::model_book(user_models, config.default_models)
            .map_err(|e| invalid("models", e))?;
        for (key, v) in [
            ("saturation_threshold", config.saturation_threshold),
            ("truncation_near", config.truncation_near),
        ] {
            if !(v > 0.0 && v.is_finite()) {
                return Err(ConfigError::invalid(
                    format!("{path}.{key}"),
                    format!("must be a positive ratio, got {v}"),
                ));
            }
        }
        let max_sessions = NonZeroUsize::new(config.max_sessions).ok_or_else(|| {
            ConfigError::invalid(format!("{path}.max_sessions"), "must be at least 1")
        })?;
        Ok(CostProcessor {
            id: id.to_string(),
            prices,
            windows,
            precedence: config.cost_precedence,
            saturation_threshold: config.saturation_threshold,
            truncation_near: config.truncation_near,
            sessions: SessionStates::new("cost", max_sessions),
            logged_unpriced: LruCache::new(NonZeroUsize::new(MAX_LOGGED_MODELS).expect("nonzero")),
            model_labels: LabelCap::new(config.max_models),
            workflow_labels: LabelCap::new(config.max_workflows),
        })
    }

    /// Decide the cost and context of one model span, and update its session.
    fn judge(&mut self, view: &SpanView<'_>) -> Option<Verdict> {
        let role = view.role();
        if !role.is_model_call() {
            return None;
        }
        let usage = view.usage();
        let model = view.model().unwrap_or("");
        let provider = view.provider();
        let reported = view.reported_cost();
        let tokens = Tokens {
            input: usage.input,
            output: usage.output,
            cached_input: usage.cached_input,
            cache_write: usage.cache_write,
            reasoning: usage.reasoning,
        };
        let computed = if usage.is_zero() {
            None
        } else {
            self.prices.lookup(model, provider).map(|p| p.cost(&tokens))
        };
        let cost = match (self.precedence, reported, computed) {
            (CostPrecedence::Reported, Some(r), _) | (CostPrecedence::Computed, Some(r), None) => {
                Some((r, "reported"))
            }
            (_, _, Some(c)) => Some((c, "computed")),
            (_, None, None) => None,
        };
        let unpriced = cost.is_none() && !usage.is_zero();
        let workflow = self.workflow_labels.label(view.workflow().unwrap_or(""));
        let model_label = self.model_labels.label(model);
        if unpriced {
            metrics::counter!(names::COST_UNPRICED_SPANS_TOTAL, "model" => model_label.clone())
                .increment(1);
            if self.logged_unpriced.put(model.to_string(), ()).is_none() {
                tracing::warn!(
                    model,
                    provider = provider.unwrap_or(""),
                    "model has no price; add it to the cost processor's pricing table"
                );
            }
        }

        let window = if role == SpanRole::Llm && usage.input > 0 {
            self.windows
                .lookup(model, provider)
                .map(|m| m.context_window)
        } else {
            None
        };
        let utilization = window.map(|w| (usage.input as f64 / w as f64, w));
        if let Some((u, _)) = utilization {
            let labels = [
                ("workflow", workflow.clone()),
                ("model", model_label.clone()),
            ];
            metrics::histogram!(names::CONTEXT_UTILIZATION_RATIO, &labels).record(u);
            if u >= self.saturation_threshold {
                metrics::counter!(names::CONTEXT_SATURATED_TOTAL, &labels).increment(1);
            }
        }

        let mut verdict = Verdict {
            cost,
            unpriced,
            utilization,
            truncation_suspected: false,
        };
        if let Some(session_id) = view.session_id() {
            let saturation = self.saturation_threshold;
            let near = self.truncation_near;
            let state = self.sessions.get_or_default(&session_id);
            match cost {
                Some((c, _)) => {
                    state.cost_usd += c;
                    state.priced_calls += 1;
                }
                None if unpriced => state.unpriced_calls += 1,
                None => {}
            }
            state.usage.add(&usage);
            if let (Some((u, w)), Some(turn)) = (utilization, view.turn()) {
                state.max_utilization = state.max_utilization.max(u);
                if u >= saturation {
                    state.saturated_calls += 1;
                }
                if state.turns.observe(turn, usage.input, w, near) {
                    state.truncation_suspected = true;
                    verdict.truncation_suspected = true;
                }
            } else if let Some((u, _)) = utilization {
                state.max_utilization = state.max_utilization.max(u);
                if u >= saturation {
                    state.saturated_calls += 1;
                }
            }
        }
        if verdict.truncation_suspected {
            metrics::counter!(
                names::CONTEXT_TRUNCATION_SUSPECTED_TOTAL,
                "workflow" => workflow,
                "model" => model_label
            )
            .increment(1);
        }
        Some(verdict)
    }

    fn write(&self, span: &mut Span, verdict: &Verdict) {
        let attrs = &mut span.attributes;
        if let Some((cost, source)) = verdict.cost {
            value::upsert(attrs, spotter::COST_USD, value::double(cost));
            value::upsert(attrs, spotter::COST_SOURCE, value::string(source));
            value::insert(attrs, laminar::GEN_AI_USAGE_COST, value::double(cost));
        }
        if verdict.unpriced {
            value::upsert(attrs, spotter::COST_UNPRICED, value::boolean(true));
        }
        if let Some((u, window)) = verdict.utilization {
            value::upsert(attrs, spotter::CONTEXT_UTILIZATION, value::double(u));
            if u >= self.saturation_threshold {
                value::upsert(attrs, spotter::CONTEXT_SATURATED, value::boolean(true));
                let event = context_event(span, spotter::CONTEXT_SATURATED, u, window);
                span.events.push(event);
            }
        }
        if verdict.truncation_suspected {
            let (u, window) = verdict.utilization.unwrap_or((0.0, 0));
            value::upsert(
                &mut span.attributes,
                spotter::CONTEXT_TRUNCATION_SUSPECTED,
                value::boolean(true),
            );
            let event = context_event(span, spotter::CONTEXT_TRUNCATION_SUSPECTED, u, window);
            span.events.push(event);
        }
    }
}

fn context_event(span: &Span, name: &str, utilization: f64, window: u64) -> Event {
    let attr = |key: &str, v| KeyValue {
        key: key.to_string(),
        value: Some(v),
        ..Default::default()
    };
    Event {
        time_unix_nano: span.end_time_unix_nano.max(span.start_time_unix_nano),
        name: name.to_string(),
        attributes: vec![
            attr(spotter::CONTEXT_UTILIZATION, value::double(utilization)),
            attr(
                spotter::CONTEXT_WINDOW,
                value::int(i64::try_from(window).unwrap_or(i64::MAX)),
            ),
        ],
        dropped_attributes_count: 0,
    }
}

impl Processor for CostProcessor {
    fn id(&self) -> &str {
        &self.id
    }

    fn process(&mut self, mut batch: Batch, _now: Instant, out: &mut Vec<Batch>) {
        if let Payload::Traces(req) = batch.payload_mut() {
            for rs in &mut req.resource_spans {
                let resource = rs.resource.as_ref();
                for ss in &mut rs.scope_spans {
                    for span in &mut ss.spans {
                        let verdict = self.judge(&SpanView::new(resource, span));
                        if let Some(v) = verdict {
                            self.write(span, &v);
                        }
                    }
                }
            }
        }
        out.push(batch);
    }

    fn enrich_summary(&mut self, summary: &mut SessionSummary) {
        let Some(state) = self.sessions.remove(&summary.session_id) else {
            return;
        };
        summary.cost_usd = state.cost_usd;
        summary.priced_llm_calls = state.priced_calls;
        summary.unpriced_llm_calls = state.unpriced_calls;
        if summary.input_tokens == 0 && summary.output_tokens == 0 {
            summary.input_tokens = state.usage.input;
            summary.output_tokens = state.usage.output;
        }
        summary.cached_input_tokens = state.usage.cached_input;
        summary.reasoning_tokens = state.usage.reasoning;
        summary.max_context_utilization = state.max_utilization;
        summary.context_saturated_calls = state.saturated_calls;
        summary.context_truncation_suspected = state.truncation_suspected;
    }
}

#[cfg(test)]
mod tests;
