//! Failure modes as the rest of spotter sees them: the record a session summary carries for each
//! of its modes, the lifecycle states, the kinds, what a team says about modes (annotations and
//! eval manifests), a session's transcript for regression cases, and the published board that
//! `GET /v1/failure-modes` serves. The `failure_modes` processor
//! (`crate::processor::failure_modes`) fingerprints findings and keeps the registry; the
//! `evalcases` exporter turns failing sessions into cases.

pub mod annotations;
pub mod board;
pub mod transcript;

use serde::{Deserialize, Serialize};

/// The failure kinds, most specific first (the first one on a span is its primary).
pub mod kind {
    pub const KIND_AUTH_ROT: &str = "auth_rot";
    pub const KIND_SILENT_FAILURE: &str = "silent_failure";
    pub const KIND_GOAL_NOT_MET: &str = "goal_not_met";
    pub const KIND_SCHEMA_DRIFT: &str = "schema_drift";
    pub const KIND_TOOL_LOOP: &str = "tool_loop";
    pub const KIND_TOOL_ERROR: &str = "tool_error";
    pub const KIND_LLM_ERROR: &str = "llm_error";
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord, Hash)]
#[serde(rename_all = "snake_case")]
pub enum State {
    New,
    Ongoing,
    Escalating,
    Resolved,
    Regressed,
    Ignored,
}

impl State {
    pub const ALL: [State; 6] = [
        State::New,
        State::Ongoing,
        State::Escalating,
        State::Resolved,
        State::Regressed,
        State::Ignored,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            State::New => "new",
            State::Ongoing => "ongoing",
            State::Escalating => "escalating",
            State::Resolved => "resolved",
            State::Regressed => "regressed",
            State::Ignored => "ignored",
        }
    }

    pub fn parse(s: &str) -> Option<State> {
        State::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

/// One session of a failing trace, as the registry keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Example {
    pub session_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<String>,
}

/// One failure mode of a finished session, as its summary carries it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SessionMode {
    pub fingerprint: String,
    pub mode: String,
    pub kind: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub tool: String,
    /// `service.name` of the session's spans.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub service: String,
    /// Outcome class or error code behind the mode (`auth/http_401`), when there is one.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub cause: String,
    pub state: State,
    pub occurrences: u64,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub ignored: bool,
    /// Eval ids covering the mode (manifest and annotations).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evals: Vec<String>,
    /// The first trace (hex) the mode occurred in, in this session.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<String>,
}
