//! The registry as users see it: `GET /v1/failure-modes` on the telemetry port and the
//! `spotter_failure_modes{state}` gauge.
//!
//! The processor publishes a snapshot here when something changed (at most once a second); the
//! telemetry listener answers from the snapshot, so it never touches the pipeline's state.
//!
//! The answer is JSON `{"watermark": RFC 3339, "eval_coverage_ratio": r, "modes": [...]}`, modes
//! sorted by impact = sessions × recency × novelty, where recency = `exp(−age / resolve_after)`
//! (age since last seen, in event time) and novelty is 2 for `new` and `regressed`, 1.5 for
//! `escalating`, 1 for `ongoing`, 0.5 for `resolved` and 0.1 for `ignored`. Query parameters
//! `state` and `kind` filter (comma-separated lists); `limit` caps the list (default 100).

use std::collections::HashMap;
use std::sync::{OnceLock, RwLock};
use std::time::Duration;

use serde::Serialize;

use super::annotations::Annotation;
use super::names;
use super::registry::{Example, Registry, State};
use crate::processor::tool::auth_rot::rfc3339;

#[derive(Debug, Clone, Serialize)]
pub struct ModeView {
    pub fingerprint: String,
    pub name: String,
    pub kind: String,
    pub service: String,
    pub tool: String,
    pub cause: String,
    pub template: String,
    pub state: State,
    pub confirmed: bool,
    pub first_seen: String,
    pub last_seen: String,
    pub occurrences: u64,
    pub sessions: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_release: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_release: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub regressed_in: Option<String>,
    pub evals: Vec<String>,
    pub examples: Vec<Example>,
    pub impact: f64,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Snapshot {
    pub watermark: String,
    pub eval_coverage_ratio: f64,
    pub modes: Vec<ModeView>,
}

fn board() -> &'static RwLock<Snapshot> {
    static BOARD: OnceLock<RwLock<Snapshot>> = OnceLock::new();
    BOARD.get_or_init(|| RwLock::new(Snapshot::default()))
}

fn novelty(state: State) -> f64 {
    match state {
        State::New | State::Regressed => 2.0,
        State::Escalating => 1.5,
        State::Ongoing => 1.0,
        State::Resolved => 0.5,
        State::Ignored => 0.1,
    }
}

/// Replace the published snapshot; returns the eval coverage ratio (1 with no active mode).
pub fn publish(
    registry: &Registry,
    annotations: &HashMap<String, Annotation>,
    evals: impl Fn(&str) -> Vec<String>,
    resolve_after: Duration,
) -> f64 {
    let horizon = resolve_after.as_secs_f64().max(1.0);
    let mut counts: HashMap<State, u64> = State::ALL.iter().map(|s| (*s, 0)).collect();
    let (mut active, mut covered) = (0u64, 0u64);
    let mut modes: Vec<ModeView> = registry
        .iter()
        .map(|m| {
            let note = annotations.get(&m.fingerprint);
            let state = if note.is_some_and(|a| a.ignored) {
                State::Ignored
            } else {
                m.state
            };
            let evals = evals(&m.fingerprint);
            *counts.entry(state).or_default() += 1;
            if !matches!(state, State::Resolved | State::Ignored) {
                active += 1;
                covered += u64::from(!evals.is_empty());
            }
            let age = registry.watermark.saturating_sub(m.last_seen) as f64 / 1e9;
            ModeView {
                fingerprint: m.fingerprint.clone(),
                name: note
                    .and_then(|a| a.name.clone())
                    .unwrap_or_else(|| m.name.clone()),
                kind: m.kind.clone(),
                service: m.service.clone(),
                tool: m.tool.clone(),
                cause: m.cause.clone(),
                template: m.template.clone(),
                state,
                confirmed: note.is_some_and(|a| a.confirmed),
                first_seen: rfc3339(m.first_seen),
                last_seen: rfc3339(m.last_seen),
                occurrences: m.occurrences,
                sessions: m.sessions,
                first_release: m.first_release.clone(),
                last_release: m.last_release.clone(),
                regressed_in: m.regressed_in.clone(),
                evals,
                examples: m.examples.clone(),
                impact: m.sessions as f64 * (-age / horizon).exp() * novelty(state),
            }
        })
        .collect();
    modes.sort_by(|a, b| {
        b.impact
            .total_cmp(&a.impact)
            .then_with(|| a.fingerprint.cmp(&b.fingerprint))
    });
    for (state, n) in counts {
        metrics::gauge!(names::MODES, "state" => state.as_str()).set(n as f64);
    }
    let ratio = if active == 0 {
        1.0
    } else {
        covered as f64 / active as f64
    };
    let snapshot = Snapshot {
        watermark: rfc3339(registry.watermark),
        eval_coverage_ratio: ratio,
        modes,
    };
    if let Ok(mut b) = board().write() {
        *b = snapshot;
    }
    ratio
}

fn decode(s: &str) -> String {
    let s = s.replace('+', " ");
    let mut out = Vec::with_capacity(s.len());
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The JSON body of `GET /v1/failure-modes?{query}`, or an error message for a bad query.
pub fn answer(query: Option<&str>) -> Result<String, String> {
    let mut states: Vec<State> = Vec::new();
    let mut kinds: Vec<String> = Vec::new();
    let mut limit = 100usize;
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let v = decode(v);
        match k {
            "state" => {
                for s in v.split(',').filter(|s| !s.is_empty()) {
                    states.push(State::parse(s).ok_or_else(|| format!("unknown state {s:?}"))?);
                }
            }
            "kind" => kinds.extend(v.split(',').filter(|s| !s.is_empty()).map(String::from)),
            "limit" => limit = v.parse().map_err(|_| format!("invalid limit {v:?}"))?,
            other => return Err(format!("unknown parameter {other:?}")),
        }
    }
    let b = board()
        .read()
        .map_err(|_| "failure modes unavailable".to_string())?;
    let modes: Vec<&ModeView> = b
        .modes
        .iter()
        .filter(|m| states.is_empty() || states.contains(&m.state))
        .filter(|m| kinds.is_empty() || kinds.contains(&m.kind))
        .take(limit)
        .collect();
    serde_json::to_string(&serde_json::json!({
        "watermark": b.watermark,
        "eval_coverage_ratio": b.eval_coverage_ratio,
        "modes": modes,
    }))
    .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_queries_are_refused_by_name() {
        assert!(answer(Some("state=bogus")).unwrap_err().contains("bogus"));
        assert!(answer(Some("colour=red")).unwrap_err().contains("colour"));
        assert!(answer(Some("state=new,resolved&kind=tool_error&limit=5")).is_ok());
        assert_eq!(decode("a%2Cb+c%"), "a,b c%");
    }
}
