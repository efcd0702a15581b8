//! `outcome`: decides whether each finished session was a `success`, a `failure` or `unknown`,
//! with the reasons, and writes them to the session summary (`outcome`, `outcome_reasons`).
//!
//! While spans pass, it collects per session (bounded by `max_sessions`):
//! - **explicit verdicts**: the attributes listed in `outcome_keys`, on any span; text is read
//!   with the `vocabulary` (`success`, `resolved`, `thumbs_up`, `👍`... / `failure`, `failed`,
//!   `thumbs_down`...), booleans as success/failure, numbers as scores (at or above
//!   `vocabulary.score_threshold`, default 0.5, is success). The latest verdict (by span end)
//!   counts;
//! - **escalations**: tool calls whose name is in `escalation_tools` or matches
//!   `escalation_pattern` (case-insensitive);
//! - **agent errors**: agent spans with error status;
//! - **model errors**: turns whose last model call failed (a failed call that was retried
//!   successfully in the same turn does not count);
//! - **the last turn's answer**: the last turn is answered when its last model call succeeded
//!   and did not just ask for tools (by its finish reason, else by the tool calls in its
//!   output; the agent gave up mid-loop or was cut off otherwise); a
//!   turn without model calls is answered when its agent span did not fail.
//!
//! The decision is made in `enrich_summary`, so the processors that add findings (tool outcome,
//! silent failure, auth rot, schema drift, loop) must come before `outcome` in the pipeline.
//!
//! **Default policy** (each rule can be changed in `policy`, and per workflow in `workflows`):
//! 1. An explicit verdict decides alone (`explicit_wins: true`): `explicit_success: KEY`,
//!    `explicit_failure: KEY` or `explicit_unknown: KEY`.
//! 2. Otherwise the session is a **failure** if any of these holds, each giving a reason:
//!    a finding of a kind in `failure_findings` (default `auth_rot`, `silent_failure`,
//!    `schema_drift`, `tool_loop`; reason = the kind); an escalation tool was called
//!    (`escalated`); an agent span failed (`agent_error`); a turn's last model call failed
//!    (`llm_error`); the last turn was left unanswered (`unanswered`).
//! 3. Otherwise, if the session had model calls or agent spans, it is a **success**
//!    (`no_failure_signal`; set `quiet_outcome: unknown` to call it unknown instead).
//! 4. A session with neither is **unknown** (`no_activity`).
//!
//! Options:
//! - `outcome_keys`: default `spotter.session.outcome`, `session.outcome`, `user.feedback`,
//!   `user.feedback.score`, `feedback.score`, `feedback.thumbs`;
//! - `vocabulary`: `{success: [...], failure: [...], score_threshold: 0.5}`;
//! - `escalation_tools`: exact tool names (default `escalate`, `escalate_to_human`,
//!   `handoff_to_human`, `transfer_to_human`, `human_handoff`, `request_human`);
//! - `escalation_pattern`: a regex over tool names (default
//!   `escalat|hand_?off|transfer_to_(human|agent|operator)|human_(agent|takeover)|live_agent`);
//!   set to `""` to disable;
//! - `policy`: `explicit_wins`, `failure_findings`, `escalation_is_failure`,
//!   `agent_error_is_failure`, `llm_error_is_failure`, `unanswered_is_failure` (all `true` by
//!   default) and `quiet_outcome` (`success`);
//! - `workflows`: per workflow name, any subset of the `policy` fields, over `policy`;
//! - `max_sessions`: sessions tracked at once (default 10000).
//!
//! ```yaml
//! processors:
//!   outcome:
//!     outcome_keys: [app.resolution]
//!     workflows:
//!       triage:
//!         escalation_is_failure: false   # handing off is this workflow's job
//! ```

pub mod policy;

use std::collections::{BTreeMap, HashMap};
use std::num::NonZeroUsize;
use std::time::Instant;

use super::session_states::SessionStates;
use opentelemetry_proto::tonic::common::v1::any_value::Value;
use regex::Regex;
use serde::Deserialize;

use super::Processor;
use crate::config::ConfigError;
use crate::pipeline::{Batch, Payload};
use crate::semconv::keys::spotter;
use crate::semconv::{SpanRole, SpanView};
use crate::summary::SessionSummary;
use policy::{decide, Outcome, Policy, QuietOutcome, Signals, Vocabulary};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub outcome_keys: Vec<String>,
    pub vocabulary: Vocabulary,
    pub escalation_tools: Vec<String>,
    pub escalation_pattern: String,
    pub policy: Policy,
    pub workflows: BTreeMap<String, PolicyOverride>,
    pub max_sessions: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            outcome_keys: [
                spotter::SESSION_OUTCOME,
                "session.outcome",
                "user.feedback",
                "user.feedback.score",
                "feedback.score",
                "feedback.thumbs",
            ]
            .map(String::from)
            .to_vec(),
            vocabulary: Vocabulary::default(),
            escalation_tools: [
                "escalate",
                "escalate_to_human",
                "handoff_to_human",
                "transfer_to_human",
                "human_handoff",
                "request_human",
            ]
            .map(String::from)
            .to_vec(),
            escalation_pattern:
                "escalat|hand_?off|transfer_to_(human|agent|operator)|human_(agent|takeover)|live_agent"
                    .to_string(),
            policy: Policy::default(),
            workflows: BTreeMap::new(),
            max_sessions: 10_000,
        }
    }
}

/// Policy fields one workflow changes; the rest come from `policy`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyOverride {
    pub explicit_wins: Option<bool>,
    pub failure_findings: Option<Vec<String>>,
    pub escalation_is_failure: Option<bool>,
    pub agent_error_is_failure: Option<bool>,
    pub llm_error_is_failure: Option<bool>,
    pub unanswered_is_failure: Option<bool>,
    pub quiet_outcome: Option<QuietOutcome>,
}

impl PolicyOverride {
    fn over(&self, base: &Policy) -> Policy {
        Policy {
            explicit_wins: self.explicit_wins.unwrap_or(base.explicit_wins),
            failure_findings: self
                .failure_findings
                .clone()
                .unwrap_or_else(|| base.failure_findings.clone()),
            escalation_is_failure: self
                .escalation_is_failure
                .unwrap_or(base.escalation_is_failure),
            agent_error_is_failure: self
                .agent_error_is_failure
                .unwrap_or(base.agent_error_is_failure),
            llm_error_is_failure: self
                .llm_error_is_failure
                .unwrap_or(base.llm_error_is_failure),
            unanswered_is_failure: self
                .unanswered_is_failure
                .unwrap_or(base.unanswered_is_failure),
            quiet_outcome: self.quiet_outcome.unwrap_or(base.quiet_outcome),
        }
    }
}

/// Turns remembered per session; older turns are folded into counts.
const TURNS_KEPT: usize = 32;
/// Escalation tool names remembered per session.
const ESCALATIONS_KEPT: usize = 8;

/// The last model call (or agent span) of one turn.
#[derive(Debug, Clone, Copy, Default)]
struct TurnEnd {
    /// End time of the last model call seen.
    llm_end: u64,
    llm_seen: bool,
    llm_failed: bool,
    llm_asked_tools: bool,
    agent_seen: bool,
    agent_failed: bool,
}

impl TurnEnd {
    fn answered(&self) -> Option<bool> {
        if self.llm_seen {
            Some(!self.llm_failed && !self.llm_asked_tools)
        } else if self.agent_seen {
            Some(!self.agent_failed)
        } else {
            None
        }
    }
}

#[derive(Debug, Clone, Default)]
struct SessionState {
    signals: Signals,
    turns: BTreeMap<u32, TurnEnd>,
    /// Failed turns already folded out of `turns`.
    folded_llm_error_turns: u32,
}

impl SessionState {
    fn turn_mut(&mut self, turn: u32) -> &mut TurnEnd {
        if !self.turns.contains_key(&turn) && self.turns.len() >= TURNS_KEPT {
            if let Some((_, oldest)) = self.turns.pop_first() {
                if oldest.llm_failed {
                    self.folded_llm_error_turns += 1;
                }
            }
        }
        self.turns.entry(turn).or_default()
    }

    fn finish(mut self) -> Signals {
        self.signals.llm_error_turns = self.folded_llm_error_turns
            + self.turns.values().filter(|t| t.llm_failed).count() as u32;
        self.signals.last_turn_answered = self.turns.values().rev().find_map(TurnEnd::answered);
        self.signals
    }
}

pub struct OutcomeProcessor {
    id: String,
    outcome_keys: Vec<String>,
    vocabulary: Vocabulary,
    escalation_tools: Vec<String>,
    escalation_pattern: Option<Regex>,
    policy: Policy,
    workflows: HashMap<String, Policy>,
    sessions: SessionStates<SessionState>,
}

impl OutcomeProcessor {
    pub fn new(id: &str, config: Config, path: &str) -> Result<Self, ConfigError> {
        let escalation_pattern = if config.escalation_pattern.trim().is_empty() {
            None
        } else {
            Some(
                Regex::new(&format!("(?i){}", config.escalation_pattern)).map_err(|e| {
                    ConfigError::invalid(
                        format!("{path}.escalation_pattern"),
                        format!("invalid regex: {e}"),
                    )
                })?,
            )
        };
        if !config.vocabulary.score_threshold.is_finite() {
            return Err(ConfigError::invalid(
                format!("{path}.vocabulary.score_threshold"),
                "must be a number",
            ));
        }
        let max_sessions = NonZeroUsize::new(config.max_sessions).ok_or_else(|| {
            ConfigError::invalid(format!("{path}.max_sessions"), "must be at least 1")
        })?;
        let workflows = config
            .workflows
            .iter()
            .map(|(name, o)| (name.clone(), o.over(&config.policy)))
            .collect();
        Ok(OutcomeProcessor {
            id: id.to_string(),
            outcome_keys: config.outcome_keys,
            vocabulary: config.vocabulary,
            escalation_tools: config
                .escalation_tools
                .iter()
                .map(|t| t.to_lowercase())
                .collect(),
            escalation_pattern,
            policy: config.policy,
            workflows,
            sessions: SessionStates::new("outcome", max_sessions),
        })
    }

    fn is_escalation(&self, tool: &str) -> bool {
        let lower = tool.to_lowercase();
        self.escalation_tools.contains(&lower)
            || self
                .escalation_pattern
                .as_ref()
                .is_some_and(|re| re.is_match(tool))
    }

    /// The explicit verdict a span carries, with the key it came from.
    fn explicit(&self, view: &SpanView<'_>) -> Option<(Outcome, String)> {
        self.outcome_keys.iter().find_map(|key| {
            let verdict = match view.span_value(key)? {
                Value::StringValue(s) => self.vocabulary.text(s),
                Value::BoolValue(b) => Some(self.vocabulary.boolean(*b)),
                Value::IntValue(i) => self.vocabulary.score(*i as f64),
                Value::DoubleValue(d) => self.vocabulary.score(*d),
                _ => None,
            }?;
            Some((verdict, key.clone()))
        })
    }

    fn observe(&mut self, view: &SpanView<'_>) {
        let Some(session_id) = view.session_id() else {
            return;
        };
        let role = view.role();
        let explicit = self.explicit(view);
        let escalation = match role {
            SpanRole::Tool => view
                .tool()
                .map(|t| t.name.into_owned())
                .filter(|name| self.is_escalation(name)),
            _ => None,
        };
        let llm = (role == SpanRole::Llm).then(|| {
            let failed = view.status_is_error();
            // Finish reasons are cheap to read; the output messages are parsed only without them.
            let asked_tools = !failed
                && view
                    .stopped_for_tools()
                    .unwrap_or_else(|| !view.requested_tool_calls().is_empty());
            (failed, asked_tools)
        });
        let agent_failed = (role == SpanRole::Agent).then(|| view.status_is_error());
        if explicit.is_none() && escalation.is_none() && llm.is_none() && agent_failed.is_none() {
            return;
        }
        let span = view.span();
        let end = span.end_time_unix_nano.max(span.start_time_unix_nano);
        let turn = view.turn().unwrap_or(1);

        let state = self.sessions.get_or_default(&session_id);
        if let Some(verdict) = explicit {
            if state.signals.explicit.is_none() || end >= state.signals.explicit_at {
                state.signals.explicit = Some(verdict);
                state.signals.explicit_at = end;
            }
        }
        if let Some(tool) = escalation {
            if state.signals.escalations.len() < ESCALATIONS_KEPT {
                state.signals.escalations.push(tool);
            }
        }
        if let Some(failed) = agent_failed {
            if failed {
                state.signals.agent_errors += 1;
            }
            let t = state.turn_mut(turn);
            t.agent_seen = true;
            t.agent_failed |= failed;
        }
        if let Some((failed, asked_tools)) = llm {
            let t = state.turn_mut(turn);
            if !t.llm_seen || end >= t.llm_end {
                t.llm_seen = true;
                t.llm_end = end;
                t.llm_failed = failed;
                t.llm_asked_tools = asked_tools;
            }
        }
    }
}

impl Processor for OutcomeProcessor {
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
        let signals = self
            .sessions
            .remove(&summary.session_id)
            .map(SessionState::finish)
            .unwrap_or_default();
        if !summary.outcome.is_empty() {
            return;
        }
        let policy = self
            .workflows
            .get(&summary.workflow)
            .unwrap_or(&self.policy);
        let (outcome, reasons) = decide(policy, &signals, &summary.findings);
        summary.outcome = outcome.as_str().to_string();
        summary.outcome_reasons = reasons;
    }
}

#[cfg(test)]
mod tests;
