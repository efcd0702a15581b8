//! Findings per session, kept until the session's summary is enriched.

use std::num::NonZeroUsize;

use lru::LruCache;

use crate::summary::{Finding, SessionSummary};

/// Findings of live sessions, bounded (least recently touched sessions are forgotten).
pub struct SessionFindings {
    by_session: LruCache<String, Vec<Finding>>,
}

impl SessionFindings {
    pub fn new(max_sessions: usize) -> Self {
        SessionFindings {
            by_session: LruCache::new(NonZeroUsize::new(max_sessions.max(1)).expect("non-zero")),
        }
    }

    /// Record a finding; one per kind and tool per session, keeping the earliest turn.
    pub fn add(&mut self, session: &str, finding: Finding) {
        if !self.by_session.contains(session) {
            self.by_session.push(session.to_string(), Vec::new());
        }
        let list = self.by_session.get_mut(session).expect("just inserted");
        match list
            .iter_mut()
            .find(|f| f.kind == finding.kind && f.tool == finding.tool)
        {
            Some(f) => {
                if finding.first_turn < f.first_turn {
                    *f = finding;
                }
            }
            None => list.push(finding),
        }
    }

    /// Move this session's findings into its summary.
    pub fn enrich(&mut self, summary: &mut SessionSummary) {
        if let Some(list) = self.by_session.pop(&summary.session_id) {
            for f in list {
                if !summary
                    .findings
                    .iter()
                    .any(|g| g.kind == f.kind && g.tool == f.tool)
                {
                    summary.findings.push(f);
                }
            }
        }
    }

    pub fn has(&self, session: &str, kind: &str) -> bool {
        self.by_session
            .peek(session)
            .is_some_and(|l| l.iter().any(|f| f.kind == kind))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(turn: u32) -> Finding {
        Finding {
            kind: "auth_rot".into(),
            first_turn: turn,
            tool: Some("t".into()),
            detail: format!("turn {turn}"),
        }
    }

    #[test]
    fn one_finding_per_kind_and_tool_with_the_earliest_turn() {
        let mut f = SessionFindings::new(4);
        f.add("s", finding(3));
        f.add("s", finding(2));
        f.add("s", finding(5));
        let mut summary = SessionSummary {
            session_id: "s".into(),
            ..Default::default()
        };
        f.enrich(&mut summary);
        assert_eq!(summary.findings, vec![finding(2)]);
        assert!(!f.has("s", "auth_rot"), "moved out on enrich");
    }
}
