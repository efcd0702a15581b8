//! What the baseline processor notes per session while spans pass, how a finished session lands
//! in the series and the release comparison, and saving and restoring state.

use std::collections::BTreeMap;
use std::time::Instant;

use super::alert::{Alert, AlertKey, ReleaseVerdict, State};
use super::release::SessionCounts;
use super::state::{self, Saved};
use super::{BaselineProcessor, SeriesKey, RELEASE_VERDICTS_TOTAL, STATE_SAVES_TOTAL};
use crate::semconv::{SpanRole, SpanView};
use crate::summary::SessionSummary;

/// Turns and tools remembered per session; later ones are ignored.
const MAX_TURNS: usize = 256;
const MAX_TOOLS: usize = 64;

/// Per tool of a session: calls by outcome class.
#[derive(Debug, Default)]
pub struct ToolCalls {
    pub calls: u64,
    pub classes: BTreeMap<String, u64>,
}

#[derive(Debug, Default)]
pub struct SessionNotes {
    pub version: Option<String>,
    /// Turn → (first start, last end), Unix ns.
    pub turns: BTreeMap<u32, (u64, u64)>,
    pub tools: BTreeMap<String, ToolCalls>,
}

impl SessionNotes {
    pub fn observe(&mut self, view: &SpanView<'_>) {
        if self.version.is_none() {
            self.version = view.service_version().map(str::to_string);
        }
        let span = view.span();
        let (start, end) = (span.start_time_unix_nano, span.end_time_unix_nano);
        if let Some(turn) = view.turn().filter(|_| start > 0 && end >= start) {
            if let Some(t) = self.turns.get_mut(&turn) {
                t.0 = t.0.min(start);
                t.1 = t.1.max(end);
            } else if self.turns.len() < MAX_TURNS {
                self.turns.insert(turn, (start, end));
            }
        }
        if view.role() == SpanRole::Tool {
            let Some(tool) = view.tool() else { return };
            let name = tool.name.into_owned();
            if self.tools.len() >= MAX_TOOLS && !self.tools.contains_key(&name) {
                return;
            }
            let entry = self.tools.entry(name).or_default();
            entry.calls += 1;
            let class = view.tool_outcome().unwrap_or("ok");
            if class != "ok" {
                *entry.classes.entry(class.to_string()).or_default() += 1;
            }
        }
    }
}

fn key(workflow: &str, signal: &str, tool: &str, class: &str) -> SeriesKey {
    SeriesKey {
        workflow: workflow.to_string(),
        signal: signal.to_string(),
        tool: tool.to_string(),
        class: class.to_string(),
    }
}

impl BaselineProcessor {
    /// Count a finished session at its end time.
    pub(super) fn record(&mut self, s: &SessionSummary, notes: &SessionNotes) {
        let at = s.last_seen_unix_nano.max(s.first_seen_unix_nano);
        if at == 0 {
            return;
        }
        let wf = if s.workflow.is_empty() {
            "unknown"
        } else {
            s.workflow.as_str()
        };
        let failed = match s.outcome.as_str() {
            "failure" => Some(true),
            "success" => Some(false),
            _ => None,
        };
        if let Some(f) = failed {
            self.add_rate(key(wf, "session_failure_rate", "", ""), at, 1, u64::from(f));
        }
        let has = |kind: &str| s.findings.iter().any(|f| f.kind == kind);
        let silent = has("silent_failure");
        let auth = has("auth_rot")
            || notes.tools.values().any(|t| t.classes.contains_key("auth"))
            || s.tool_outcomes.get("auth").is_some_and(|n| *n > 0);
        self.add_rate(
            key(wf, "silent_failure_rate", "", ""),
            at,
            1,
            u64::from(silent),
        );
        self.add_rate(key(wf, "auth_failure_rate", "", ""), at, 1, u64::from(auth));

        let mut tool_counts = Vec::with_capacity(notes.tools.len());
        for (tool, calls) in &notes.tools {
            let errors: u64 = calls.classes.values().sum();
            tool_counts.push((tool.clone(), calls.calls, errors));
            self.add_rate(
                key(wf, "tool_error_rate", tool, ""),
                at,
                calls.calls,
                errors,
            );
            let known = self
                .classes
                .entry((wf.to_string(), tool.clone()))
                .or_default();
            known.extend(calls.classes.keys().cloned());
            let known: Vec<String> = known.iter().cloned().collect();
            for class in known {
                let k = calls.classes.get(&class).copied().unwrap_or(0);
                self.add_rate(key(wf, "tool_error_rate", tool, &class), at, calls.calls, k);
            }
        }

        let turns: Vec<f64> = notes
            .turns
            .values()
            .map(|(a, b)| (b - a) as f64 / 1e9)
            .collect();
        self.add_values(key(wf, "turn_latency", "", ""), at, &turns);
        let duration = s.last_seen_unix_nano.saturating_sub(s.first_seen_unix_nano) as f64 / 1e9;
        self.add_values(key(wf, "session_duration", "", ""), at, &[duration]);
        self.add_values(key(wf, "session_cost", "", ""), at, &[s.cost_usd]);
        let tokens = (s.input_tokens + s.output_tokens) as f64;
        self.add_values(key(wf, "session_tokens", "", ""), at, &[tokens]);
        let n_turns = s.turns.max(notes.turns.len() as u32) as f64;
        self.add_values(key(wf, "session_turns", "", ""), at, &[n_turns]);

        if let Some(version) = &notes.version {
            self.release(wf, version, failed, &tool_counts, at);
        }
        self.watermark_ns = self.watermark_ns.max(at);
        self.dirty = true;
    }

    fn release(
        &mut self,
        wf: &str,
        version: &str,
        failed: Option<bool>,
        tools: &[(String, u64, u64)],
        at: u64,
    ) {
        // Bounded like the series: a workflow past the cap has no release comparison.
        if !self.releases.contains_key(wf) && self.releases.len() >= self.config.max_series {
            return;
        }
        let rules = self.config.release_rules();
        let tracker = self.releases.entry(wf.to_string()).or_default();
        let decisions = tracker.observe(
            &rules,
            &SessionCounts {
                version,
                failed,
                tools,
            },
        );
        // A firing release alert of an older release resolves once a newer one takes over.
        let current = tracker.current.clone();
        let old: Vec<Alert> = self
            .alerts
            .values()
            .filter(|a| {
                a.key.workflow == wf && !a.key.release.is_empty() && a.key.release != current
            })
            .cloned()
            .collect();
        for mut a in old {
            self.alerts.remove(&a.key);
            a.state = State::Resolved;
            a.resolved_at_unix_nano = at;
            self.announce(a);
        }
        for d in decisions {
            metrics::counter!(RELEASE_VERDICTS_TOTAL, "verdict" => d.verdict).increment(1);
            let verdict = ReleaseVerdict {
                workflow: wf.to_string(),
                signal: d.signal.to_string(),
                tool: d.tool.clone(),
                release: d.release.clone(),
                previous: d.previous.clone(),
                verdict: d.verdict.to_string(),
                sessions: d.sessions,
                new_rate: d.new_rate,
                previous_rate: d.previous_rate,
                e_value: d.e_value,
                decided_at_unix_nano: at,
            };
            self.board
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .remember_release(verdict);
            if d.verdict == "worse" {
                let rel = if d.previous_rate > 0.0 {
                    d.new_rate / d.previous_rate - 1.0
                } else {
                    f64::INFINITY
                };
                let alert = Alert {
                    key: AlertKey {
                        workflow: wf.to_string(),
                        signal: d.signal.to_string(),
                        tool: d.tool.clone(),
                        class: String::new(),
                        release: d.release.clone(),
                    },
                    state: State::Firing,
                    pending_since_unix_nano: at,
                    firing_since_unix_nano: at,
                    resolved_at_unix_nano: 0,
                    evaluated_at_unix_nano: at,
                    expected: d.previous_rate,
                    observed: d.new_rate,
                    expected_p90: None,
                    observed_p90: None,
                    relative_effect: rel,
                    absolute_effect: d.new_rate - d.previous_rate,
                    p_value: None,
                    e_value: Some(d.e_value),
                    window: "release".into(),
                    z_short: 0.0,
                    z_long: 0.0,
                    z_effect: None,
                    count: d.sessions,
                    seasonal: false,
                };
                self.alerts.insert(alert.key.clone(), alert.clone());
                self.announce(alert);
            }
        }
    }

    /// Show a release alert's change on the board, gauges and notifier.
    fn announce(&mut self, a: Alert) {
        let id = format!("{:?}", a.key);
        let labels = super::labels(&a.key);
        metrics::gauge!(super::ANOMALY_ACTIVE, &labels)
            .set(f64::from(u8::from(a.state == State::Firing)));
        metrics::gauge!(super::ANOMALY_EXPECTED, &labels).set(a.expected);
        metrics::gauge!(super::ANOMALY_OBSERVED, &labels).set(a.observed);
        let mut board = self.board.lock().unwrap_or_else(|p| p.into_inner());
        if a.state == State::Firing {
            board.active.insert(id, a.clone());
        } else {
            board.active.remove(&id);
        }
        board.remember(&a);
        drop(board);
        if let Some(n) = &self.notifier {
            n.send(&a);
        }
    }

    pub(super) fn persist(&mut self, now: Instant) {
        let Some(path) = self.state_file.clone() else {
            return;
        };
        let board = self.board.lock().unwrap_or_else(|p| p.into_inner());
        let saved = Saved {
            format: state::FORMAT,
            watermark_ns: self.watermark_ns,
            evaluated_ns: self.evaluated_ns,
            rates: self
                .rates
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            dists: self
                .dists
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            releases: self.releases.clone(),
            alerts: self.alerts.values().cloned().collect(),
            history: board.history.iter().cloned().collect(),
            release_verdicts: board.releases.iter().cloned().collect(),
        };
        drop(board);
        match state::save(&path, &saved) {
            Ok(()) => {
                metrics::counter!(STATE_SAVES_TOTAL, "result" => "ok").increment(1);
                self.dirty = false;
            }
            Err(e) => {
                metrics::counter!(STATE_SAVES_TOTAL, "result" => "error").increment(1);
                tracing::warn!(error = %e, "baseline state not saved");
            }
        }
        self.last_save = Some(now);
    }

    pub(super) fn restore(&mut self) {
        let Some(path) = self.state_file.clone() else {
            return;
        };
        let saved = match state::load(&path) {
            Ok(Some(s)) => s,
            Ok(None) => return,
            Err(e) => {
                tracing::warn!(error = %e, "baseline state ignored; starting afresh");
                return;
            }
        };
        self.watermark_ns = saved.watermark_ns;
        self.evaluated_ns = saved.evaluated_ns;
        let cap = self.config.max_series;
        self.rates = saved.rates.into_iter().take(cap).collect();
        let room = cap.saturating_sub(self.rates.len());
        self.dists = saved.dists.into_iter().take(room).collect();
        for key in self.rates.keys() {
            if key.signal == "tool_error_rate" && !key.class.is_empty() {
                self.classes
                    .entry((key.workflow.clone(), key.tool.clone()))
                    .or_default()
                    .insert(key.class.clone());
            }
        }
        self.releases = saved.releases;
        let mut board = self.board.lock().unwrap_or_else(|p| p.into_inner());
        for a in saved.alerts {
            board.active.insert(format!("{:?}", a.key), a.clone());
            self.alerts.insert(a.key.clone(), a);
        }
        board.history = saved.history.into_iter().collect();
        board.releases = saved.release_verdicts.into_iter().collect();
    }
}
