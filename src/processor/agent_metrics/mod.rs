//! `agent_metrics`: the agent series on spotter's `/metrics`, from spans as they pass and from
//! each finished session's summary.
//!
//! Per leaf model call (role `llm` or `embedding`):
//! - `spotter_llm_call_duration_seconds{workflow,model}` (histogram);
//! - `spotter_llm_tokens_total{workflow,model,type}`, `type` = `input` (cached and cache-write
//!   tokens included, as in OTel), `output` (reasoning included), `cached_input`,
//!   `cache_write`, `reasoning`;
//! - `spotter_llm_cost_usd{workflow,model}` (histogram of the call's `spotter.cost.usd`; its
//!   `_sum` is the running cost in USD). The `metrics` crate's counters hold integers, so the
//!   fractional USD total is this histogram's sum rather than a `_total` counter.
//!
//! Per finished session, from the summary (so `agent_metrics` goes last in the pipeline, after
//! `session`, `cost`, the tool processors and `outcome`):
//! - `spotter_sessions_total{workflow,outcome}`;
//! - `spotter_session_failures_total{workflow,reason}`, once per reason code of a failed
//!   session (`auth_rot`, `silent_failure`, `escalated`, `unanswered`...);
//! - histograms `{workflow,outcome}`: `spotter_session_cost_usd`,
//!   `spotter_session_duration_seconds`, `spotter_session_turns`,
//!   `spotter_session_tool_calls`, `spotter_session_llm_calls`;
//! - `spotter_turn_duration_seconds{workflow,turns_bucket}`: each turn's latency (first span
//!   start to last span end of the turn), by the session's length, `turns_bucket` = `1`, `2-3`,
//!   `4-7`, `8-15` or `16+`;
//! - `spotter_tool_calls_per_session{workflow,tool}`: calls of each tool in one session, for
//!   spotting loops and overuse.
//!
//! Every label is bounded: workflows, models, tools and failure reasons are capped by
//! `max_workflows` (default 50), `max_models` (100), `max_tools` (200) and `max_reasons` (32);
//! values past a cap are recorded as `other`. Histogram buckets per unit are in [`names`], and reach
//! the Prometheus recorder through the describe hook ([`crate::processor::describe`]).
//!
//! Options: the four caps above, `max_sessions` (sessions tracked at once, default 10000) and
//! `max_turns` (turns remembered per session, default 256).

pub mod labels;
pub mod names;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::num::NonZeroUsize;
use std::time::Instant;

use super::session_states::SessionStates;
use serde::Deserialize;

use super::Processor;
use crate::config::ConfigError;
use crate::pipeline::{Batch, Payload};
use crate::semconv::{SpanRole, SpanView};
use crate::summary::SessionSummary;
use labels::{turns_bucket, LabelCap, OTHER, UNKNOWN};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub max_workflows: usize,
    pub max_models: usize,
    pub max_tools: usize,
    pub max_reasons: usize,
    pub max_sessions: usize,
    pub max_turns: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_workflows: 50,
            max_models: 100,
            max_tools: 200,
            max_reasons: 32,
            max_sessions: 10_000,
            max_turns: 256,
        }
    }
}

/// Distinct tools counted per session; later ones count as `other`.
const TOOLS_PER_SESSION: usize = 64;

#[derive(Debug, Default)]
struct SessionState {
    /// Turn → (first start, last end), Unix nanoseconds.
    turns: BTreeMap<u32, (u64, u64)>,
    tools: HashMap<String, u64>,
}

pub struct AgentMetricsProcessor {
    id: String,
    workflows: LabelCap,
    models: LabelCap,
    tools: LabelCap,
    reasons: LabelCap,
    max_turns: usize,
    sessions: SessionStates<SessionState>,
}

impl AgentMetricsProcessor {
    pub fn new(id: &str, config: Config, path: &str) -> Result<Self, ConfigError> {
        let max_sessions = NonZeroUsize::new(config.max_sessions).ok_or_else(|| {
            ConfigError::invalid(format!("{path}.max_sessions"), "must be at least 1")
        })?;
        Ok(AgentMetricsProcessor {
            id: id.to_string(),
            workflows: LabelCap::new(config.max_workflows),
            models: LabelCap::new(config.max_models),
            tools: LabelCap::new(config.max_tools),
            reasons: LabelCap::new(config.max_reasons),
            max_turns: config.max_turns,
            sessions: SessionStates::new("agent_metrics", max_sessions),
        })
    }

    fn observe(&mut self, view: &SpanView<'_>) {
        let role = view.role();
        if role.is_model_call() {
            self.model_call(view);
        }
        let Some(session_id) = view.session_id() else {
            return;
        };
        let tool = (role == SpanRole::Tool)
            .then(|| view.tool().map(|t| t.name.into_owned()))
            .flatten();
        let turn = view.turn();
        if tool.is_none() && turn.is_none() {
            return;
        }
        let span = view.span();
        let (start, end) = (span.start_time_unix_nano, span.end_time_unix_nano);
        let max_turns = self.max_turns;
        let state = self.sessions.get_or_default(&session_id);
        if let Some(turn) = turn.filter(|_| start > 0 && end >= start) {
            if let Some(t) = state.turns.get_mut(&turn) {
                t.0 = t.0.min(start);
                t.1 = t.1.max(end);
            } else if state.turns.len() < max_turns {
                state.turns.insert(turn, (start, end));
            }
        }
        if let Some(tool) = tool {
            let key = if state.tools.len() < TOOLS_PER_SESSION || state.tools.contains_key(&tool) {
                tool
            } else {
                OTHER.to_string()
            };
            *state.tools.entry(key).or_default() += 1;
        }
    }

    fn model_call(&mut self, view: &SpanView<'_>) {
        let workflow = self.workflows.label(view.workflow().unwrap_or(""));
        let model = self.models.label(view.model().unwrap_or(""));
        let span = view.span();
        if span.end_time_unix_nano >= span.start_time_unix_nano && span.start_time_unix_nano > 0 {
            let seconds = (span.end_time_unix_nano - span.start_time_unix_nano) as f64 / 1e9;
            metrics::histogram!(
                names::LLM_CALL_DURATION_SECONDS,
                "workflow" => workflow.clone(),
                "model" => model.clone()
            )
            .record(seconds);
        }
        let usage = view.usage();
        for (kind, n) in [
            ("input", usage.input),
            ("output", usage.output),
            ("cached_input", usage.cached_input),
            ("cache_write", usage.cache_write),
            ("reasoning", usage.reasoning),
        ] {
            if n > 0 {
                metrics::counter!(
                    names::LLM_TOKENS_TOTAL,
                    "workflow" => workflow.clone(),
                    "model" => model.clone(),
                    "type" => kind
                )
                .increment(n);
            }
        }
        if let Some(cost) = view.cost_usd() {
            metrics::histogram!(names::LLM_COST_USD, "workflow" => workflow, "model" => model)
                .record(cost);
        }
    }
}

impl Processor for AgentMetricsProcessor {
    fn id(&self) -> &str {
        &self.id
    }

    fn process(&mut self, batch: Batch, _now: Instant, out: &mut Vec<Batch>) {
        if let Payload::Traces(req) = batch.payload() {
            for view in crate::semconv::spans(req) {
                self.observe(&view);
            }
        }
        out.push(batch);
    }

    fn enrich_summary(&mut self, summary: &mut SessionSummary) {
        let state = self
            .sessions
            .remove(&summary.session_id)
            .unwrap_or_default();
        let workflow = self.workflows.label(&summary.workflow);
        let outcome = match summary.outcome.as_str() {
            "" => UNKNOWN.to_string(),
            o => o.to_string(),
        };
        let labels = [("workflow", workflow.clone()), ("outcome", outcome.clone())];
        metrics::counter!(names::SESSIONS_TOTAL, &labels).increment(1);
        if outcome == "failure" {
            let codes: BTreeSet<&str> = summary
                .outcome_reasons
                .iter()
                .map(|r| crate::processor::outcome::policy::reason_code(r))
                .collect();
            for code in codes {
                let reason = self.reasons.label(code);
                metrics::counter!(
                    names::SESSION_FAILURES_TOTAL,
                    "workflow" => workflow.clone(),
                    "reason" => reason
                )
                .increment(1);
            }
        }
        let duration = summary
            .last_seen_unix_nano
            .saturating_sub(summary.first_seen_unix_nano) as f64
            / 1e9;
        metrics::histogram!(names::SESSION_COST_USD, &labels).record(summary.cost_usd);
        metrics::histogram!(names::SESSION_DURATION_SECONDS, &labels).record(duration);
        metrics::histogram!(names::SESSION_TURNS, &labels).record(summary.turns as f64);
        metrics::histogram!(names::SESSION_TOOL_CALLS, &labels).record(summary.tool_calls as f64);
        metrics::histogram!(names::SESSION_LLM_CALLS, &labels).record(summary.llm_calls as f64);

        let bucket = turns_bucket(summary.turns.max(state.turns.len() as u32));
        for (start, end) in state.turns.values() {
            metrics::histogram!(
                names::TURN_DURATION_SECONDS,
                "workflow" => workflow.clone(),
                "turns_bucket" => bucket
            )
            .record((end - start) as f64 / 1e9);
        }
        for (tool, calls) in &state.tools {
            let tool = self.tools.label(tool);
            metrics::histogram!(
                names::TOOL_CALLS_PER_SESSION,
                "workflow" => workflow.clone(),
                "tool" => tool
            )
            .record(*calls as f64);
        }
    }
}

#[cfg(test)]
mod tests;
