//! The record a session leaves behind when it ends.
//!
//! The `session` processor decides when a session ends (inactivity, an explicit end marker,
//! eviction or shutdown) and creates a [`SessionSummary`]. The pipeline then hands the summary to
//! every processor of the pipeline, in order, through
//! [`crate::processor::Processor::enrich_summary`], so each can add what it knows (findings, cost,
//! outcome). Finally the pipeline hands it to each of its exporters
//! ([`crate::exporter::Exporter::summary`]): the file exporter writes it, OTLP exporters may send
//! it as a span.

use std::collections::BTreeMap;

use serde::Serialize;

/// Why a session was closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    Inactivity,
    EndMarker,
    Evicted,
    Shutdown,
}

/// One finding a processor made about a session.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// `auth_rot`, `schema_drift`, `silent_failure`, `tool_loop`, ...
    pub kind: String,
    /// The first turn (1-based) the finding appeared in.
    pub first_turn: u32,
    /// The tool concerned, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool: Option<String>,
    pub detail: String,
}

/// Everything spotter knows about a finished session.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SessionSummary {
    pub session_id: String,
    pub workflow: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// Start of the first span, Unix nanoseconds.
    pub first_seen_unix_nano: u64,
    /// End of the last span, Unix nanoseconds.
    pub last_seen_unix_nano: u64,
    pub turns: u32,
    pub spans: u64,
    pub llm_calls: u64,
    pub tool_calls: u64,
    /// Tool calls by outcome class (`ok`, `auth`, ...).
    pub tool_outcomes: BTreeMap<String, u64>,
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub cost_usd: f64,
    pub findings: Vec<Finding>,
    /// `success`, `failure` or `unknown`; empty until a processor decides.
    pub outcome: String,
    pub outcome_reasons: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_reason: Option<EndReason>,
    /// The trace id (hex) and root span id (hex) of the session's last turn, for summary spans.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_trace_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_root_span_id: Option<String>,
    /// Model calls with a cost (reported by the SDK or computed) and without one.
    pub priced_llm_calls: u64,
    pub unpriced_llm_calls: u64,
    /// Input tokens read from a provider cache (part of `input_tokens`).
    pub cached_input_tokens: u64,
    /// Reasoning tokens (part of `output_tokens`).
    pub reasoning_tokens: u64,
    /// Highest input ÷ context window of any model call of the session.
    pub max_context_utilization: f64,
    /// Model calls at or above the context saturation threshold.
    pub context_saturated_calls: u64,
    /// Whether a model call's input stopped growing near the context window.
    pub context_truncation_suspected: bool,
    /// The session's failure modes (the `failure_modes` processor).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub failure_modes: Vec<crate::failure::SessionMode>,
    /// How much the session deserves a human look, 0..1 (`spotter.review.priority`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review_priority: Option<f64>,
    /// `service.name` of the session's spans (the last one seen), so a summary span lands in the
    /// agent's own service (and a vendor's project routed by it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// `service.version` of the session's spans (the last one seen).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub release: Option<String>,
    /// Inputs, answers and tool calls, for the `evalcases` exporter; not serialised.
    #[serde(skip)]
    pub transcript: Option<std::sync::Arc<crate::failure::transcript::Transcript>>,
}

impl SessionSummary {
    /// Whether every failure mode the `failure_modes` processor matched to this finding is
    /// marked ignored (then it is no session failure).
    pub fn is_ignored(&self, finding: &Finding) -> bool {
        let tool = finding.tool.as_deref().unwrap_or("");
        let mut matched = self
            .failure_modes
            .iter()
            .filter(|m| m.kind == finding.kind && m.tool == tool)
            .peekable();
        matched.peek().is_some() && matched.all(|m| m.ignored)
    }
}
