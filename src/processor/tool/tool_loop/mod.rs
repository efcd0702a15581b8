//! `tool_loop`: an agent calling the same tool with the same arguments again and again, or far
//! more tools than its workflow usually does in a turn. The kind's former name `loop` is still
//! accepted in config.
//!
//! - **Repeats**: the same tool with the same normalised arguments ([`repetition::fingerprint`]:
//!   key order, whitespace, letter case and number formatting do not matter, nor the keys in
//!   `ignore_argument_keys`) called `repeats` times within a turn (`scope: turn`, the default) or
//!   within the session (`scope: session`).
//! - **Excess**: a turn with at least `excess_min_calls` tool calls and more than
//!   `excess_factor` times its workflow's usual count per turn, once the workflow has a baseline
//!   of `excess_baseline_turns` finished turns.
//!
//! From the detection on, every span of the session that passes gets `spotter.loop = true`; the
//! detecting span also gets a `spotter.loop` event (tool, repeats or calls, kind), and
//! `spotter_tool_loops_total{workflow,tool,kind}` counts the detection. The session gets a
//! `tool_loop` finding.
//!
//! Options: `repeats` (default 3), `scope` (`turn` or `session`), `ignore_argument_keys`
//! (default `request_id`, `requestId`, `nonce`, `timestamp`, `idempotency_key`),
//! `excess_factor` (default 4.0), `excess_min_calls` (default 10), `excess_baseline_turns`
//! (default 20), `max_sessions` (default 10000), `max_workflows` (default 256),
//! `max_tool_labels` (default 64), `max_workflow_labels` (default 32).

pub mod repetition;

use std::num::NonZeroUsize;
use std::time::Instant;

use lru::LruCache;
use serde::Deserialize;

use self::repetition::{fingerprint, SessionCalls, TurnBaseline};
use super::call::edit_spans;
use super::edit::{boolean, event, SpanEdit};
use super::findings::SessionFindings;
use super::labels::BoundedLabels;
use super::names;
use super::tool_outcome::state_gauge;
use crate::config::ConfigError;
use crate::pipeline::Batch;
use crate::processor::Processor;
use crate::semconv::keys::spotter as keys;
use crate::semconv::value;
use crate::summary::{Finding, SessionSummary};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    #[default]
    Turn,
    Session,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub repeats: u32,
    pub scope: Scope,
    pub ignore_argument_keys: Vec<String>,
    pub excess_factor: f64,
    pub excess_min_calls: u32,
    pub excess_baseline_turns: u32,
    pub max_sessions: usize,
    pub max_workflows: usize,
    pub max_tool_labels: usize,
    pub max_workflow_labels: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            repeats: 3,
            scope: Scope::Turn,
            ignore_argument_keys: [
                "request_id",
                "requestId",
                "nonce",
                "timestamp",
                "idempotency_key",
            ]
            .map(String::from)
            .to_vec(),
            excess_factor: 4.0,
            excess_min_calls: 10,
            excess_baseline_turns: 20,
            max_sessions: 10_000,
            max_workflows: 256,
            max_tool_labels: 64,
            max_workflow_labels: 32,
        }
    }
}

struct SessionState {
    calls: SessionCalls,
    workflow: String,
}

pub struct LoopProcessor {
    id: String,
    config: Config,
    sessions: LruCache<String, SessionState>,
    baselines: LruCache<String, TurnBaseline>,
    tools: BoundedLabels,
    workflows: BoundedLabels,
    findings: SessionFindings,
}

fn nonzero(n: usize) -> NonZeroUsize {
    NonZeroUsize::new(n.max(1)).expect("non-zero")
}

enum Detection {
    Repeat(u32),
    Excess(u32, f64),
}

impl LoopProcessor {
    pub fn new(id: &str, config: Config, path: &str) -> Result<Self, ConfigError> {
        if config.repeats < 2 {
            return Err(ConfigError::invalid(
                format!("{path}.repeats"),
                "must be at least 2",
            ));
        }
        if config.excess_factor <= 1.0 {
            return Err(ConfigError::invalid(
                format!("{path}.excess_factor"),
                "must be greater than 1",
            ));
        }
        Ok(LoopProcessor {
            id: id.to_string(),
            sessions: LruCache::new(nonzero(config.max_sessions)),
            baselines: LruCache::new(nonzero(config.max_workflows)),
            tools: BoundedLabels::new(config.max_tool_labels),
            workflows: BoundedLabels::new(config.max_workflow_labels),
            findings: SessionFindings::new(config.max_sessions),
            config,
        })
    }

    fn add_finished(&mut self, workflow: &str, finished: Vec<u32>) {
        if finished.is_empty() {
            return;
        }
        let b = self
            .baselines
            .get_or_insert_mut(workflow.to_string(), TurnBaseline::default);
        for calls in finished {
            b.add(calls);
        }
    }
}

impl Processor for LoopProcessor {
    fn id(&self) -> &str {
        &self.id
    }

    fn process(&mut self, mut batch: Batch, _now: Instant, out: &mut Vec<Batch>) {
        edit_spans(&mut batch, |view, _cache| {
            let session = view.session_id()?;
            let turn = view.turn().unwrap_or(0);
            let workflow = view.workflow().unwrap_or("default");
            let state = self
                .sessions
                .get_or_insert_mut(session.to_string(), || SessionState {
                    calls: SessionCalls::default(),
                    workflow: workflow.to_string(),
                });
            let finished = state.calls.advance(turn);
            let already = state.calls.looping_since.is_some();
            let mut detection = None;
            let mut tool_name = None;
            if let Some(call) = view.tool() {
                let fp = fingerprint(
                    &call.name,
                    call.arguments.as_deref(),
                    &self.config.ignore_argument_keys,
                );
                let per_session = self.config.scope == Scope::Session;
                let (repeats, in_turn) = state.calls.count(turn, fp, per_session);
                if !already {
                    if repeats >= self.config.repeats {
                        detection = Some(Detection::Repeat(repeats));
                    } else if let Some(b) = self.baselines.peek(workflow) {
                        if b.turns >= self.config.excess_baseline_turns
                            && in_turn >= self.config.excess_min_calls
                            && f64::from(in_turn) > self.config.excess_factor * b.mean
                        {
                            detection = Some(Detection::Excess(in_turn, b.mean));
                        }
                    }
                }
                if detection.is_some() {
                    state.calls.looping_since = Some(turn);
                }
                tool_name = Some(call.name.into_owned());
            }
            let looping = state.calls.looping_since.is_some();
            let workflow = workflow.to_string();
            self.add_finished(&workflow, finished);
            if !looping {
                return None;
            }
            let mut edit = SpanEdit::default();
            edit.set(keys::LOOP, boolean(true));
            if let (Some(d), Some(tool)) = (detection, tool_name) {
                let (kind, count, detail) = match d {
                    Detection::Repeat(n) => (
                        "repeat",
                        n,
                        format!("{tool} called {n} times with the same arguments"),
                    ),
                    Detection::Excess(n, mean) => (
                        "excess",
                        n,
                        format!("{n} tool calls in one turn, usually {mean:.1}"),
                    ),
                };
                metrics::counter!(names::TOOL_LOOPS_TOTAL,
                    "workflow" => self.workflows.label(&workflow),
                    "tool" => self.tools.label(&tool), "kind" => kind)
                .increment(1);
                edit.events.push(event(
                    names::EVENT_LOOP,
                    view.span().end_time_unix_nano,
                    vec![
                        (names::ATTR_TOOL, value::string(tool.clone())),
                        (names::ATTR_LOOP_KIND, value::string(kind)),
                        (names::ATTR_REPEATS, value::int(i64::from(count))),
                    ],
                ));
                self.findings.add(
                    &session,
                    Finding {
                        kind: names::FINDING_TOOL_LOOP.to_string(),
                        first_turn: turn,
                        tool: Some(tool),
                        detail,
                    },
                );
            }
            Some(edit)
        });
        state_gauge("tool_loop", "sessions", self.sessions.len());
        state_gauge("tool_loop", "workflows", self.baselines.len());
        out.push(batch);
    }

    fn enrich_summary(&mut self, summary: &mut SessionSummary) {
        if let Some(mut state) = self.sessions.pop(&summary.session_id) {
            let finished = state.calls.finish_all();
            self.add_finished(&state.workflow, finished);
        }
        self.findings.enrich(summary);
    }
}

#[cfg(test)]
mod tests;
