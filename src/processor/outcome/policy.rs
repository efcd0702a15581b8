//! The outcome decision itself: pure logic over the signals one session left.

use serde::Deserialize;

use crate::summary::Finding;

/// How a session ended for its user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Failure,
    Unknown,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
            Outcome::Unknown => "unknown",
        }
    }
}

/// Reason codes written to `SessionSummary::outcome_reasons` (optionally followed by `: detail`)
/// and used as the `reason` label of `spotter_session_failures_total`.
pub mod reason {
    pub const EXPLICIT_SUCCESS: &str = "explicit_success";
    pub const EXPLICIT_FAILURE: &str = "explicit_failure";
    pub const EXPLICIT_UNKNOWN: &str = "explicit_unknown";
    pub const ESCALATED: &str = "escalated";
    pub const AGENT_ERROR: &str = "agent_error";
    pub const LLM_ERROR: &str = "llm_error";
    pub const UNANSWERED: &str = "unanswered";
    pub const NO_FAILURE_SIGNAL: &str = "no_failure_signal";
    pub const NO_ACTIVITY: &str = "no_activity";
}

/// What the outcome processor saw of one session.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Signals {
    /// The latest explicit verdict (outcome, the attribute key it came from).
    pub explicit: Option<(Outcome, String)>,
    /// End time of the span carrying `explicit`, to keep the latest.
    pub explicit_at: u64,
    /// Escalation tools called, in order (bounded by the caller).
    pub escalations: Vec<String>,
    /// Agent (or chain) spans with error status.
    pub agent_errors: u32,
    /// Turns whose last LLM call failed.
    pub llm_error_turns: u32,
    /// Whether the session's last turn got an answer; `None` when no model call or agent output
    /// was seen at all.
    pub last_turn_answered: Option<bool>,
}

/// The rules that turn signals into an outcome. Every field can be set per workflow.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Policy {
    /// An explicit outcome or feedback attribute decides alone, whatever else happened.
    pub explicit_wins: bool,
    /// Finding kinds that make a session a failure.
    pub failure_findings: Vec<String>,
    pub escalation_is_failure: bool,
    pub agent_error_is_failure: bool,
    pub llm_error_is_failure: bool,
    pub unanswered_is_failure: bool,
    /// With no failure signal and an answered last turn: `success` (default) or `unknown`.
    pub quiet_outcome: QuietOutcome,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QuietOutcome {
    Success,
    Unknown,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            explicit_wins: true,
            failure_findings: [
                "auth_rot",
                "silent_failure",
                "schema_drift",
                "tool_loop",
                "goal_not_met",
            ]
            .map(String::from)
            .to_vec(),
            escalation_is_failure: true,
            agent_error_is_failure: true,
            llm_error_is_failure: true,
            unanswered_is_failure: true,
            quiet_outcome: QuietOutcome::Success,
        }
    }
}

/// Decide one session's outcome and the reasons for it.
pub fn decide(policy: &Policy, signals: &Signals, findings: &[Finding]) -> (Outcome, Vec<String>) {
    if policy.explicit_wins {
        if let Some((outcome, key)) = &signals.explicit {
            let code = match outcome {
                Outcome::Success => reason::EXPLICIT_SUCCESS,
                Outcome::Failure => reason::EXPLICIT_FAILURE,
                Outcome::Unknown => reason::EXPLICIT_UNKNOWN,
            };
            return (*outcome, vec![format!("{code}: {key}")]);
        }
    }
    let mut failures: Vec<String> = Vec::new();
    if let Some((Outcome::Failure, key)) = &signals.explicit {
        failures.push(format!("{}: {key}", reason::EXPLICIT_FAILURE));
    }
    for kind in &policy.failure_findings {
        if let Some(f) = findings.iter().find(|f| &f.kind == kind) {
            failures.push(match &f.tool {
                Some(tool) => format!("{kind}: {tool} (turn {})", f.first_turn),
                None => format!("{kind}: turn {}", f.first_turn),
            });
        }
    }
    if policy.escalation_is_failure {
        if let Some(tool) = signals.escalations.first() {
            failures.push(format!("{}: {tool}", reason::ESCALATED));
        }
    }
    if policy.agent_error_is_failure && signals.agent_errors > 0 {
        failures.push(format!(
            "{}: {} span(s)",
            reason::AGENT_ERROR,
            signals.agent_errors
        ));
    }
    if policy.llm_error_is_failure && signals.llm_error_turns > 0 {
        failures.push(format!(
            "{}: {} turn(s)",
            reason::LLM_ERROR,
            signals.llm_error_turns
        ));
    }
    if policy.unanswered_is_failure && signals.last_turn_answered == Some(false) {
        failures.push(reason::UNANSWERED.to_string());
    }
    if !failures.is_empty() {
        return (Outcome::Failure, failures);
    }
    if let Some((Outcome::Success, key)) = &signals.explicit {
        return (
            Outcome::Success,
            vec![format!("{}: {key}", reason::EXPLICIT_SUCCESS)],
        );
    }
    match (signals.last_turn_answered, policy.quiet_outcome) {
        (None, _) => (Outcome::Unknown, vec![reason::NO_ACTIVITY.to_string()]),
        (Some(_), QuietOutcome::Success) => (
            Outcome::Success,
            vec![reason::NO_FAILURE_SIGNAL.to_string()],
        ),
        (Some(_), QuietOutcome::Unknown) => (
            Outcome::Unknown,
            vec![reason::NO_FAILURE_SIGNAL.to_string()],
        ),
    }
}

/// The reason code of a reason string (`escalated: handoff` → `escalated`).
pub fn reason_code(reason: &str) -> &str {
    reason.split(':').next().unwrap_or(reason).trim()
}

/// Words that read as a verdict in explicit outcome and feedback attributes.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Vocabulary {
    pub success: Vec<String>,
    pub failure: Vec<String>,
    /// Numeric scores at or above this are success, below it failure (thumbs `1`/`0` or
    /// `1`/`-1`, ratings normalised to 0..1).
    pub score_threshold: f64,
}

impl Default for Vocabulary {
    fn default() -> Self {
        let words = |w: &[&str]| w.iter().map(|s| s.to_string()).collect();
        Vocabulary {
            success: words(&[
                "success",
                "succeeded",
                "successful",
                "resolved",
                "completed",
                "complete",
                "pass",
                "passed",
                "ok",
                "positive",
                "good",
                "helpful",
                "correct",
                "accepted",
                "thumbs_up",
                "thumbsup",
                "thumbs-up",
                "thumbs up",
                "up",
                "yes",
                "true",
                "👍",
            ]),
            failure: words(&[
                "failure",
                "failed",
                "fail",
                "unresolved",
                "error",
                "negative",
                "bad",
                "unhelpful",
                "incorrect",
                "rejected",
                "abandoned",
                "thumbs_down",
                "thumbsdown",
                "thumbs-down",
                "thumbs down",
                "down",
                "no",
                "false",
                "👎",
            ]),
            score_threshold: 0.5,
        }
    }
}

impl Vocabulary {
    /// Read a text verdict; numbers are scores. Unrecognised text gives `None` (ignored).
    pub fn text(&self, value: &str) -> Option<Outcome> {
        let v = value.trim().to_lowercase();
        if v.is_empty() {
            return None;
        }
        if self.success.iter().any(|w| w.eq_ignore_ascii_case(&v)) {
            return Some(Outcome::Success);
        }
        if self.failure.iter().any(|w| w.eq_ignore_ascii_case(&v)) {
            return Some(Outcome::Failure);
        }
        if matches!(v.as_str(), "unknown" | "neutral" | "partial" | "none") {
            return Some(Outcome::Unknown);
        }
        v.parse::<f64>().ok().and_then(|s| self.score(s))
    }

    pub fn score(&self, score: f64) -> Option<Outcome> {
        if !score.is_finite() {
            return None;
        }
        Some(if score >= self.score_threshold {
            Outcome::Success
        } else {
            Outcome::Failure
        })
    }

    pub fn boolean(&self, value: bool) -> Outcome {
        if value {
            Outcome::Success
        } else {
            Outcome::Failure
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(kind: &str, tool: Option<&str>, turn: u32) -> Finding {
        Finding {
            kind: kind.into(),
            first_turn: turn,
            tool: tool.map(String::from),
            detail: String::new(),
        }
    }

    fn answered() -> Signals {
        Signals {
            last_turn_answered: Some(true),
            ..Default::default()
        }
    }

    #[test]
    fn a_quiet_answered_session_is_a_success() {
        let (o, r) = decide(&Policy::default(), &answered(), &[]);
        assert_eq!(o, Outcome::Success);
        assert_eq!(r, vec!["no_failure_signal"]);
    }

    #[test]
    fn quiet_sessions_can_be_left_unknown() {
        let p = Policy {
            quiet_outcome: QuietOutcome::Unknown,
            ..Default::default()
        };
        assert_eq!(decide(&p, &answered(), &[]).0, Outcome::Unknown);
    }

    #[test]
    fn a_session_with_no_activity_is_unknown() {
        let (o, r) = decide(&Policy::default(), &Signals::default(), &[]);
        assert_eq!((o, r[0].as_str()), (Outcome::Unknown, "no_activity"));
    }

    #[test]
    fn findings_in_the_failure_list_fail_the_session_with_their_kind() {
        let f = [
            finding("auth_rot", Some("lookup_order"), 2),
            finding("informational", None, 1),
        ];
        let (o, r) = decide(&Policy::default(), &answered(), &f);
        assert_eq!(o, Outcome::Failure);
        assert_eq!(r, vec!["auth_rot: lookup_order (turn 2)"]);
        assert_eq!(reason_code(&r[0]), "auth_rot");
    }

    #[test]
    fn every_failure_signal_is_a_reason() {
        let s = Signals {
            escalations: vec!["escalate_to_human".into()],
            agent_errors: 1,
            llm_error_turns: 2,
            last_turn_answered: Some(false),
            ..Default::default()
        };
        let (o, r) = decide(&Policy::default(), &s, &[finding("tool_loop", None, 2)]);
        assert_eq!(o, Outcome::Failure);
        let codes: Vec<&str> = r.iter().map(|r| reason_code(r)).collect();
        assert_eq!(
            codes,
            [
                "tool_loop",
                "escalated",
                "agent_error",
                "llm_error",
                "unanswered"
            ]
        );
    }

    #[test]
    fn explicit_verdicts_win_by_default_and_count_as_evidence_otherwise() {
        let s = Signals {
            explicit: Some((Outcome::Success, "user.feedback".into())),
            agent_errors: 1,
            last_turn_answered: Some(true),
            ..Default::default()
        };
        let (o, r) = decide(&Policy::default(), &s, &[]);
        assert_eq!(
            (o, r[0].as_str()),
            (Outcome::Success, "explicit_success: user.feedback")
        );
        let p = Policy {
            explicit_wins: false,
            ..Default::default()
        };
        assert_eq!(decide(&p, &s, &[]).0, Outcome::Failure);
        let s = Signals {
            explicit: Some((Outcome::Failure, "spotter.session.outcome".into())),
            last_turn_answered: Some(true),
            ..Default::default()
        };
        let (o, r) = decide(&p, &s, &[]);
        assert_eq!(
            (o, reason_code(&r[0])),
            (Outcome::Failure, "explicit_failure")
        );
    }

    #[test]
    fn disabled_signals_do_not_fail_a_session() {
        let p = Policy {
            failure_findings: vec![],
            escalation_is_failure: false,
            agent_error_is_failure: false,
            llm_error_is_failure: false,
            unanswered_is_failure: false,
            ..Default::default()
        };
        let s = Signals {
            escalations: vec!["handoff".into()],
            agent_errors: 3,
            llm_error_turns: 1,
            last_turn_answered: Some(false),
            ..Default::default()
        };
        assert_eq!(
            decide(&p, &s, &[finding("auth_rot", None, 1)]).0,
            Outcome::Success
        );
    }

    #[test]
    fn vocabulary_reads_words_scores_and_booleans() {
        let v = Vocabulary::default();
        assert_eq!(v.text("Resolved"), Some(Outcome::Success));
        assert_eq!(v.text(" thumbs_down "), Some(Outcome::Failure));
        assert_eq!(v.text("👍"), Some(Outcome::Success));
        assert_eq!(v.text("0.8"), Some(Outcome::Success));
        assert_eq!(v.text("-1"), Some(Outcome::Failure));
        assert_eq!(v.text("neutral"), Some(Outcome::Unknown));
        assert_eq!(v.text("the user said thanks"), None);
        assert_eq!(v.score(0.49), Some(Outcome::Failure));
        assert_eq!(v.score(f64::NAN), None);
        assert_eq!(v.boolean(false), Outcome::Failure);
    }
}
