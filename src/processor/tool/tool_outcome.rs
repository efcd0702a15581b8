//! `tool_outcome`: classifies every tool call and makes failures visible.
//!
//! For every tool span it writes `spotter.tool.outcome` (`ok`, `auth`, `rate_limited`,
//! `timeout`, `network`, `not_found`, `bad_request`, `server_error`, `schema_mismatch`, `empty`,
//! `error`) and, for failures, `spotter.tool.error_type` and a truncated
//! `spotter.tool.error_detail`. The evidence and its order are described in
//! [`super::classifier`]. When a call failed hard (not `schema_mismatch` or `empty`, which are
//! about the data, not the call) but its span status is not `ERROR`, `mark_failed_spans` sets the
//! status to `ERROR` with the detail, so every backend finally sees the failure.
//!
//! `empty` needs history: a null or empty result counts as `empty` only for a tool that has
//! returned data at least `empty_after` times and at least twice as often as nothing (it
//! *usually* returns data). The turn's answer then decides whether the emptiness was conveyed
//! (`silent_failure`), so a tool that sometimes finds nothing is not a failure by itself.
//!
//! Metrics: `spotter_tool_calls_total{workflow,tool,outcome}` and
//! `spotter_tool_call_duration_seconds{workflow,tool}`; tool and workflow labels are capped
//! (`max_tool_labels`, `max_workflow_labels`) with an `other` bucket. Each session's summary gets
//! its calls per outcome in `tool_outcomes`.
//!
//! Options:
//! - `rules` (default none): extra class rules, consulted before the built-in ones; each
//!   `{outcome, status_codes: [401, "5xx"], codes: [TOKEN_REVOKED], patterns: ["(?i)vault sealed"]}`;
//! - `mark_failed_spans` (default `true`);
//! - `max_detail_bytes` (default 256);
//! - `empty_after` (default 1);
//! - `max_tool_labels` (default 64), `max_workflow_labels` (default 32);
//! - `max_sessions` (default 10000), `max_tools` (default 4096): state bounds.
//!
//! ```yaml
//! processors:
//!   tool_outcome:
//!     mark_failed_spans: true
//!     rules:
//!       - { outcome: auth, codes: [SESSION_REVOKED], patterns: ["re-?login needed"] }
//!       - { outcome: rate_limited, status_codes: [509] }
//! ```

use std::collections::BTreeMap;
use std::num::NonZeroUsize;
use std::time::Instant;

use lru::LruCache;
use serde::Deserialize;

use super::call::{duration_seconds, edit_spans, evidence, parsed_result};
use super::classifier::{truncate, Classifier, Outcome, RuleConfig, Ruleset};
use super::edit::SpanEdit;
use super::labels::BoundedLabels;
use super::names;
use crate::config::ConfigError;
use crate::pipeline::Batch;
use crate::processor::Processor;
use crate::semconv::keys::spotter as keys;
use crate::semconv::value;
use crate::summary::SessionSummary;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub rules: Vec<RuleConfig>,
    pub mark_failed_spans: bool,
    pub max_detail_bytes: usize,
    pub empty_after: u32,
    pub max_tool_labels: usize,
    pub max_workflow_labels: usize,
    pub max_sessions: usize,
    pub max_tools: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            rules: Vec::new(),
            mark_failed_spans: true,
            max_detail_bytes: 256,
            empty_after: 1,
            max_tool_labels: 64,
            max_workflow_labels: 32,
            max_sessions: 10_000,
            max_tools: 4096,
        }
    }
}

/// How often a tool returned data or nothing.
#[derive(Debug, Clone, Copy, Default)]
struct DataHistory {
    with_data: u32,
    empty: u32,
}

impl DataHistory {
    fn usually_returns_data(&self, after: u32) -> bool {
        self.with_data >= after && self.with_data >= self.empty.saturating_mul(2)
    }
}

pub struct ToolOutcomeProcessor {
    id: String,
    config: Config,
    classifier: Classifier,
    tools: BoundedLabels,
    workflows: BoundedLabels,
    history: LruCache<String, DataHistory>,
    per_session: LruCache<String, BTreeMap<String, u64>>,
}

impl ToolOutcomeProcessor {
    pub fn new(id: &str, config: Config, path: &str) -> Result<Self, ConfigError> {
        let rules = Ruleset::with_user_rules(&config.rules)
            .map_err(|(key, message)| ConfigError::invalid(format!("{path}.{key}"), message))?;
        Ok(ToolOutcomeProcessor {
            id: id.to_string(),
            classifier: Classifier::new(rules),
            tools: BoundedLabels::new(config.max_tool_labels),
            workflows: BoundedLabels::new(config.max_workflow_labels),
            history: LruCache::new(nonzero(config.max_tools)),
            per_session: LruCache::new(nonzero(config.max_sessions)),
            config,
        })
    }
}

/// Report the size of one bounded state.
pub fn state_gauge(processor: &'static str, state: &'static str, entries: usize) {
    metrics::gauge!(names::STATE_ENTRIES, "processor" => processor, "state" => state)
        .set(entries as f64);
}

fn nonzero(n: usize) -> NonZeroUsize {
    NonZeroUsize::new(n.max(1)).expect("non-zero")
}

impl Processor for ToolOutcomeProcessor {
    fn id(&self) -> &str {
        &self.id
    }

    fn process(&mut self, mut batch: Batch, _now: Instant, out: &mut Vec<Batch>) {
        edit_spans(&mut batch, |view, cache| {
            let call = view.tool()?;
            let parsed = parsed_result(view, &call, cache);
            let mut ev = evidence(view, parsed.as_deref());
            let history = self
                .history
                .get(call.name.as_ref())
                .copied()
                .unwrap_or_default();
            ev.usually_returns_data = history.usually_returns_data(self.config.empty_after);
            let verdict = self.classifier.classify(&ev);

            if let Some(p) = parsed.as_deref() {
                let h = self
                    .history
                    .get_or_insert_mut(call.name.to_string(), DataHistory::default);
                if verdict.outcome.is_ok() || verdict.outcome == Outcome::Empty {
                    if p.is_empty() {
                        h.empty = h.empty.saturating_add(1);
                    } else {
                        h.with_data = h.with_data.saturating_add(1);
                    }
                }
            }

            let tool = self.tools.label(&call.name);
            let workflow = self.workflows.label(view.workflow().unwrap_or("default"));
            metrics::counter!(names::TOOL_CALLS_TOTAL,
                "workflow" => workflow.clone(), "tool" => tool.clone(),
                "outcome" => verdict.outcome.as_str())
            .increment(1);
            if let Some(d) = duration_seconds(view) {
                metrics::histogram!(names::TOOL_CALL_DURATION_SECONDS,
                    "workflow" => workflow, "tool" => tool)
                .record(d);
            }
            if let Some(session) = view.session_id() {
                let counts = self
                    .per_session
                    .get_or_insert_mut(session.into_owned(), BTreeMap::new);
                *counts
                    .entry(verdict.outcome.as_str().to_string())
                    .or_default() += 1;
            }

            let mut edit = SpanEdit::default();
            edit.set(keys::TOOL_OUTCOME, value::string(verdict.outcome.as_str()));
            if !verdict.outcome.is_ok() {
                if let Some(t) = &verdict.error_type {
                    edit.set(keys::TOOL_ERROR_TYPE, value::string(truncate(t, 64)));
                }
                let detail = verdict
                    .detail
                    .as_deref()
                    .map(|d| truncate(d, self.config.max_detail_bytes));
                if let Some(d) = &detail {
                    edit.set(keys::TOOL_ERROR_DETAIL, value::string(d.clone()));
                }
                if self.config.mark_failed_spans
                    && verdict.outcome.is_hard_failure()
                    && !view.status_is_error()
                {
                    edit.error_status = Some(
                        detail.unwrap_or_else(|| format!("tool call failed: {}", verdict.outcome)),
                    );
                }
            }
            Some(edit)
        });
        state_gauge("tool_outcome", "tools", self.history.len());
        state_gauge("tool_outcome", "sessions", self.per_session.len());
        out.push(batch);
    }

    fn enrich_summary(&mut self, summary: &mut SessionSummary) {
        if let Some(counts) = self.per_session.pop(&summary.session_id) {
            for (outcome, n) in counts {
                *summary.tool_outcomes.entry(outcome).or_default() += n;
            }
        }
    }
}

#[cfg(test)]
mod tests;
