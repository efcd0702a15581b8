//! Publishing the registry ([`crate::failure::board`]) and the `spotter_failure_modes{state}`
//! gauge, when something changed (at most once a second).
//!
//! Impact = sessions × recency × novelty, where recency = `exp(−age / resolve_after)` (age since
//! last seen, in event time) and novelty is 2 for `new` and `regressed`, 1.5 for `escalating`,
//! 1 for `ongoing`, 0.5 for `resolved` and 0.1 for `ignored`.

use std::collections::HashMap;
use std::time::Duration;

use super::names;
use super::registry::{Registry, State};
use crate::failure::annotations::Annotation;
use crate::failure::board::{store, ModeView, Snapshot};
use crate::processor::tool::auth_rot::rfc3339;

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
    store(snapshot);
    ratio
}
