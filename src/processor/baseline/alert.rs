//! The alert lifecycle: pending → firing → resolved, with hysteresis and a minimum dwell, and
//! the board that `/v1/anomalies` reads.
//!
//! A series whose short window passes the entry rule becomes `pending`; once the long window
//! confirms it (and it has been pending for `pending_for`, default 0) it is `firing` and
//! notified. A firing alert resolves only when the
//! short window falls below the exit threshold (0.7 k: hysteresis) and it has fired for at least
//! `min_dwell`, so an alert does not flap around its threshold. A pending alert that stops
//! passing is dropped without a notification.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

/// What an alert is about. `tool`, `class` and `release` are empty where they do not apply.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct AlertKey {
    pub workflow: String,
    pub signal: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub tool: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub class: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub release: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Pending,
    Firing,
    Resolved,
}

/// One alert as notified and listed: the evidence of its latest evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    #[serde(flatten)]
    pub key: AlertKey,
    pub state: State,
    /// Event time (Unix ns) the alert became pending, firing, resolved.
    pub pending_since_unix_nano: u64,
    #[serde(default)]
    pub firing_since_unix_nano: u64,
    #[serde(default)]
    pub resolved_at_unix_nano: u64,
    /// Event time of the latest evaluation.
    pub evaluated_at_unix_nano: u64,
    pub expected: f64,
    pub observed: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_p90: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_p90: Option<f64>,
    /// observed ÷ expected − 1.
    pub relative_effect: f64,
    pub absolute_effect: f64,
    /// p-value (windowed checks) or e-value (release comparisons).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p_value: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub e_value: Option<f64>,
    /// `1h+6h` (windowed, both windows confirmed) or `release`.
    pub window: String,
    /// Standardised excess of the short and long windows (windowed checks).
    #[serde(default)]
    pub z_short: f64,
    #[serde(default)]
    pub z_long: f64,
    /// σ by which the effect's confidence bound clears the minimum effect: for rates over the
    /// best suffix of the long window, for distributions the Hodges-Lehmann shift's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub z_effect: Option<f64>,
    /// Sessions or calls behind the observation (the short window, or the new release).
    pub count: u64,
    pub seasonal: bool,
}

/// The lifecycle rules, in event time.
#[derive(Debug, Clone, Copy)]
pub struct Lifecycle {
    pub pending_for_ns: u64,
    pub min_dwell_ns: u64,
}

/// What a step of the lifecycle asks to notify.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    None,
    Fired,
    Resolved,
}

/// One evaluation's verdict on a series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    /// The short window passes the entry rule (significance, k σ, minimum effect).
    pub short: bool,
    /// The long window confirms it (k − 1 σ).
    pub confirmed: bool,
    /// The short window is still above the exit threshold (0.7 k).
    pub stay: bool,
}

impl Lifecycle {
    /// Advance `current` (the alert of this key, if any) with one evaluation. `evidence` carries
    /// the evaluation's figures. Returns the new alert (None when inactive) and what to notify.
    ///
    /// Pending: the short window passes but the long one has not confirmed yet (or not for
    /// `pending_for`). Firing: both pass. Resolved: below the exit threshold after `min_dwell`.
    pub fn step(
        &self,
        current: Option<&Alert>,
        v: Verdict,
        now_ns: u64,
        evidence: Alert,
    ) -> (Option<Alert>, Change) {
        let with = |state: State, pending: u64, firing: u64, resolved: u64| Alert {
            state,
            pending_since_unix_nano: pending,
            firing_since_unix_nano: firing,
            resolved_at_unix_nano: resolved,
            evaluated_at_unix_nano: now_ns,
            ..evidence.clone()
        };
        let pending_since = match current.map(|a| a.state) {
            None | Some(State::Resolved) if v.short => now_ns,
            None | Some(State::Resolved) => return (None, Change::None),
            Some(State::Pending) if !v.short => return (None, Change::None),
            Some(State::Pending) => current.map_or(now_ns, |a| a.pending_since_unix_nano),
            Some(State::Firing) => {
                let a = current.expect("matched Some");
                let (since, fired) = (a.pending_since_unix_nano, a.firing_since_unix_nano);
                let dwelt = now_ns.saturating_sub(fired) >= self.min_dwell_ns;
                return if !v.stay && dwelt {
                    (
                        Some(with(State::Resolved, since, fired, now_ns)),
                        Change::Resolved,
                    )
                } else {
                    (Some(with(State::Firing, since, fired, 0)), Change::None)
                };
            }
        };
        if v.confirmed && now_ns.saturating_sub(pending_since) >= self.pending_for_ns {
            (
                Some(with(State::Firing, pending_since, now_ns, 0)),
                Change::Fired,
            )
        } else {
            (
                Some(with(State::Pending, pending_since, 0, 0)),
                Change::None,
            )
        }
    }
}

/// Release verdicts, as listed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReleaseVerdict {
    pub workflow: String,
    pub signal: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub tool: String,
    pub release: String,
    pub previous: String,
    /// `worse`, `better`, `no_difference` or `undecided`.
    pub verdict: String,
    /// Sessions of the new release when the verdict was reached (or so far).
    pub sessions: u64,
    pub new_rate: f64,
    pub previous_rate: f64,
    pub e_value: f64,
    pub decided_at_unix_nano: u64,
}

/// What `/v1/anomalies` shows: active alerts, bounded history, release verdicts.
#[derive(Debug, Default, Serialize)]
pub struct Board {
    pub active: BTreeMap<String, Alert>,
    pub history: VecDeque<Alert>,
    pub releases: VecDeque<ReleaseVerdict>,
    #[serde(skip)]
    pub max_history: usize,
}

impl Board {
    pub fn json(&self) -> String {
        #[derive(Serialize)]
        struct View<'a> {
            active: Vec<&'a Alert>,
            history: &'a VecDeque<Alert>,
            releases: &'a VecDeque<ReleaseVerdict>,
        }
        serde_json::to_string(&View {
            active: self.active.values().collect(),
            history: &self.history,
            releases: &self.releases,
        })
        .unwrap_or_else(|_| "{}".into())
    }

    /// Record a notified change (fired or resolved) in the history, bounded.
    pub fn remember(&mut self, alert: &Alert) {
        self.history.push_back(alert.clone());
        while self.history.len() > self.max_history.max(1) {
            self.history.pop_front();
        }
    }

    pub fn remember_release(&mut self, verdict: ReleaseVerdict) {
        self.releases.push_back(verdict);
        while self.releases.len() > self.max_history.max(1) {
            self.releases.pop_front();
        }
    }
}

/// Make `board` the one `GET /v1/anomalies` shows: `{"active": [...], "history": [...],
/// "releases": [...]}`.
pub fn publish(board: &Arc<Mutex<Board>>) {
    let board = board.clone();
    crate::telemetry::documents::publish(
        "/v1/anomalies",
        Arc::new(move || board.lock().unwrap_or_else(|p| p.into_inner()).json()),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn evidence() -> Alert {
        Alert {
            key: AlertKey {
                workflow: "w".into(),
                signal: "session_failure_rate".into(),
                tool: String::new(),
                class: String::new(),
                release: String::new(),
            },
            state: State::Pending,
            pending_since_unix_nano: 0,
            firing_since_unix_nano: 0,
            resolved_at_unix_nano: 0,
            evaluated_at_unix_nano: 0,
            expected: 0.05,
            observed: 0.1,
            expected_p90: None,
            observed_p90: None,
            relative_effect: 1.0,
            absolute_effect: 0.05,
            p_value: Some(1e-4),
            e_value: None,
            window: "1h+6h".into(),
            z_short: 4.0,
            z_long: 2.5,
            z_effect: Some(3.5),
            count: 300,
            seasonal: false,
        }
    }

    const MIN: u64 = 60_000_000_000;
    const NONE: Verdict = Verdict {
        short: false,
        confirmed: false,
        stay: false,
    };
    const STAY: Verdict = Verdict {
        short: false,
        confirmed: false,
        stay: true,
    };
    const SHORT: Verdict = Verdict {
        short: true,
        confirmed: false,
        stay: true,
    };
    const BOTH: Verdict = Verdict {
        short: true,
        confirmed: true,
        stay: true,
    };

    #[test]
    fn an_alert_fires_after_pending_and_resolves_only_after_its_dwell() {
        let l = Lifecycle {
            pending_for_ns: 10 * MIN,
            min_dwell_ns: 30 * MIN,
        };
        let (a, c) = l.step(None, SHORT, 0, evidence());
        assert_eq!(
            (a.as_ref().unwrap().state, c),
            (State::Pending, Change::None)
        );
        // Confirmed, but not pending for long enough yet.
        let (a, c) = l.step(a.as_ref(), BOTH, 5 * MIN, evidence());
        assert_eq!(
            (a.as_ref().unwrap().state, c),
            (State::Pending, Change::None)
        );
        let (a, c) = l.step(a.as_ref(), BOTH, 10 * MIN, evidence());
        assert_eq!(
            (a.as_ref().unwrap().state, c),
            (State::Firing, Change::Fired)
        );
        // Below the exit threshold but within the dwell: still firing.
        let (a, c) = l.step(a.as_ref(), NONE, 20 * MIN, evidence());
        assert_eq!(
            (a.as_ref().unwrap().state, c),
            (State::Firing, Change::None)
        );
        // Between exit and entry thresholds after the dwell: hysteresis keeps it firing.
        let (a, c) = l.step(a.as_ref(), STAY, 50 * MIN, evidence());
        assert_eq!(
            (a.as_ref().unwrap().state, c),
            (State::Firing, Change::None)
        );
        let (a, c) = l.step(a.as_ref(), NONE, 60 * MIN, evidence());
        let a = a.unwrap();
        assert_eq!((a.state, c), (State::Resolved, Change::Resolved));
        assert_eq!(a.firing_since_unix_nano, 10 * MIN);
        assert_eq!(a.resolved_at_unix_nano, 60 * MIN);
    }

    #[test]
    fn a_pending_alert_that_stops_passing_is_dropped_silently() {
        let l = Lifecycle {
            pending_for_ns: 10 * MIN,
            min_dwell_ns: 30 * MIN,
        };
        let (a, _) = l.step(None, SHORT, 0, evidence());
        let (a, c) = l.step(a.as_ref(), STAY, 5 * MIN, evidence());
        assert_eq!((a, c), (None, Change::None));
    }

    #[test]
    fn both_windows_passing_at_once_fire_without_waiting_when_pending_for_is_zero() {
        let l = Lifecycle {
            pending_for_ns: 0,
            min_dwell_ns: 30 * MIN,
        };
        let (a, c) = l.step(None, BOTH, 0, evidence());
        assert_eq!((a.unwrap().state, c), (State::Firing, Change::Fired));
    }

    #[test]
    fn history_is_bounded() {
        let mut b = Board {
            max_history: 2,
            ..Board::default()
        };
        for _ in 0..5 {
            b.remember(&evidence());
        }
        assert_eq!(b.history.len(), 2);
        assert!(b.json().contains("\"history\""));
    }
}
