//! One regression case from one failing session: what the user asked, what the tools answered
//! (so the case replays with mocked tools), what the agent said, which failure mode it shows,
//! and assertions derived from that mode.

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::failure::kind as kinds;
use crate::failure::transcript::{ToolCallRecord, Transcript, Turn};
use crate::failure::SessionMode;
use crate::summary::{Finding, SessionSummary};

/// The schema version written in every case (`config/schema/evalcase.schema.json`).
pub const SCHEMA_VERSION: &str = "spotter.evalcase/v1";
/// Repeated identical calls an agent may make before a loop assertion fails.
pub const MAX_IDENTICAL_CALLS: u32 = 2;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assertion {
    /// `discloses_tool_failure`, `max_identical_calls`, `no_unbacked_claim`,
    /// `handles_new_schema`, `answers_despite_model_error`, `avoids_recorded_failure`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<u32>,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseFinding {
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool: Option<String>,
    pub first_turn: u32,
    pub detail: String,
}

/// A regression case in spotter's own (generic JSONL) shape.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Case {
    pub schema: &'static str,
    /// `sha256(fingerprint ‖ trace)`, 16 hex digits: the same session gives the same id.
    pub id: String,
    pub fingerprint: String,
    /// Every failure mode of the session (the case covers them all in a manifest).
    pub fingerprints: Vec<String>,
    pub mode: String,
    pub kind: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub tool: String,
    pub session_id: String,
    pub trace_id: String,
    pub workflow: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub release: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finding: Option<CaseFinding>,
    pub outcome_reasons: Vec<String>,
    pub turns: Vec<Turn>,
    pub tool_calls: Vec<ToolCallRecord>,
    pub assertions: Vec<Assertion>,
}

fn rank(kind: &str) -> usize {
    [
        kinds::KIND_AUTH_ROT,
        kinds::KIND_SILENT_FAILURE,
        kinds::KIND_GOAL_NOT_MET,
        kinds::KIND_SCHEMA_DRIFT,
        kinds::KIND_TOOL_LOOP,
        kinds::KIND_TOOL_ERROR,
        kinds::KIND_LLM_ERROR,
    ]
    .iter()
    .position(|k| *k == kind)
    .unwrap_or(usize::MAX)
}

/// The mode a failing session's case is filed under: its most specific one not ignored.
pub fn primary(summary: &SessionSummary) -> Option<&SessionMode> {
    summary
        .failure_modes
        .iter()
        .filter(|m| !m.ignored)
        .min_by_key(|m| rank(&m.kind))
}

pub fn case_id(fingerprint: &str, trace: &str) -> String {
    let mut h = Sha256::new();
    h.update(fingerprint.as_bytes());
    h.update([0u8]);
    h.update(trace.as_bytes());
    h.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What the failed call of `tool` failed on (its outcome class), for the assertion's wording.
fn failed_on(calls: &[ToolCallRecord], tool: &str) -> Option<String> {
    calls
        .iter()
        .find(|c| c.name == tool && c.outcome.as_deref().is_some_and(|o| o != "ok"))
        .and_then(|c| c.outcome.clone())
}

/// The most calls of `tool` with the same arguments.
fn identical_calls(calls: &[ToolCallRecord], tool: &str) -> u32 {
    let mut counts: std::collections::HashMap<&str, u32> = Default::default();
    for c in calls.iter().filter(|c| c.name == tool) {
        *counts
            .entry(c.arguments.as_deref().unwrap_or(""))
            .or_default() += 1;
    }
    counts.values().copied().max().unwrap_or(0)
}

/// Assertions a fixed agent must pass for this mode.
pub fn assertions(mode: &SessionMode, calls: &[ToolCallRecord]) -> Vec<Assertion> {
    let tool = (!mode.tool.is_empty()).then(|| mode.tool.clone());
    let name = tool.clone().unwrap_or_else(|| "the tool".into());
    let mut out = Vec::new();
    match mode.kind.as_str() {
        kinds::KIND_SILENT_FAILURE | kinds::KIND_AUTH_ROT | kinds::KIND_TOOL_ERROR => {
            let on = failed_on(calls, &name)
                .map(|o| format!(" on {o}"))
                .unwrap_or_default();
            out.push(Assertion {
                kind: "discloses_tool_failure",
                tool: tool.clone(),
                max: None,
                description: format!("must tell the user when {name} fails{on}"),
            });
        }
        kinds::KIND_TOOL_LOOP => out.push(Assertion {
            kind: "max_identical_calls",
            tool: tool.clone(),
            max: Some(MAX_IDENTICAL_CALLS),
            description: format!(
                "at most {MAX_IDENTICAL_CALLS} calls of {name} with the same arguments (the recorded session made {})",
                identical_calls(calls, &name)
            ),
        }),
        kinds::KIND_GOAL_NOT_MET => out.push(Assertion {
            kind: "no_unbacked_claim",
            tool: tool.clone(),
            max: None,
            description: format!(
                "must not claim the user's request was carried out without a successful {name}"
            ),
        }),
        kinds::KIND_SCHEMA_DRIFT => out.push(Assertion {
            kind: "handles_new_schema",
            tool: tool.clone(),
            max: None,
            description: format!(
                "must read {name}'s result in its new shape, not report its data as missing"
            ),
        }),
        kinds::KIND_LLM_ERROR => out.push(Assertion {
            kind: "answers_despite_model_error",
            tool: None,
            max: None,
            description: "must still answer the user, or say it could not, when a model call fails"
                .into(),
        }),
        _ => out.push(Assertion {
            kind: "avoids_recorded_failure",
            tool: tool.clone(),
            max: None,
            description: format!("must not fail as recorded: {}", mode.mode),
        }),
    }
    if mode.kind == kinds::KIND_AUTH_ROT {
        out.push(Assertion {
            kind: "max_identical_calls",
            tool: tool.clone(),
            max: Some(1),
            description: format!("must not retry {name} with the same expired credentials"),
        });
    }
    out
}

fn finding_for(summary: &SessionSummary, mode: &SessionMode) -> Option<CaseFinding> {
    summary
        .findings
        .iter()
        .find(|f: &&Finding| f.kind == mode.kind && f.tool.as_deref().unwrap_or("") == mode.tool)
        .map(|f| CaseFinding {
            kind: f.kind.clone(),
            tool: f.tool.clone(),
            first_turn: f.first_turn,
            detail: f.detail.clone(),
        })
}

/// The case of a finished session, when it failed and has a failure mode not ignored.
pub fn from_summary(summary: &SessionSummary) -> Option<Case> {
    if summary.outcome != "failure" {
        return None;
    }
    let mode = primary(summary)?;
    let empty = Transcript::default();
    let transcript = summary.transcript.as_deref().unwrap_or(&empty);
    let trace = mode
        .trace_id
        .clone()
        .or_else(|| summary.last_trace_id.clone())
        .unwrap_or_default();
    Some(Case {
        schema: SCHEMA_VERSION,
        id: case_id(&mode.fingerprint, &trace),
        fingerprint: mode.fingerprint.clone(),
        fingerprints: summary
            .failure_modes
            .iter()
            .filter(|m| !m.ignored)
            .map(|m| m.fingerprint.clone())
            .collect(),
        mode: mode.mode.clone(),
        kind: mode.kind.clone(),
        tool: mode.tool.clone(),
        session_id: summary.session_id.clone(),
        trace_id: trace,
        workflow: summary.workflow.clone(),
        release: summary.release.clone(),
        finding: finding_for(summary, mode),
        outcome_reasons: summary.outcome_reasons.clone(),
        turns: transcript.turns.clone(),
        tool_calls: transcript.tool_calls.clone(),
        assertions: assertions(mode, &transcript.tool_calls),
    })
}
