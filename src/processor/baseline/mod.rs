//! `baseline`: statistical baselines and alerts in event time, per workflow and per tool, with
//! no fixed thresholds.
//!
//! While spans pass it notes, per session, the release (`service.version`), each turn's latency
//! and each tool's calls by outcome class (`spotter.tool.outcome`). When a session's summary
//! passes (so `baseline` goes after `session`, the tool processors, `cost` and `outcome`), the
//! session is counted at its end time (span time, never the wall clock) in these series:
//! - rates per workflow: `session_failure_rate` (outcome `failure` among decided sessions),
//!   `silent_failure_rate` (sessions with a `silent_failure` finding), `auth_failure_rate`
//!   (sessions with an `auth` tool outcome or an `auth_rot` finding);
//! - rates per workflow and tool: `tool_error_rate` (calls not `ok`), and one series per outcome
//!   class seen (`class` label);
//! - distributions per workflow: `turn_latency` (p50 and p90), `session_duration`,
//!   `session_cost`, `session_tokens`, `session_turns`.
//!
//! Every `step` of event time (the latest session end minus `lateness`) each series' 1 h and
//! 6 h windows are compared with its baseline ([`window`]): the previous week, or the same hour
//! of the week over four weeks once three weeks of history exist. An alert needs all of:
//! Benjamini-Hochberg significance across the series of that step, the short window at least
//! k σ above expected (k = 3, 4 under two weeks of history), the minimum effect held to the
//! effect's confidence bound, at least `min_history` of history and minimum counts, and the long
//! window's confirmation. For rates the bound is the change-point one: the rate since the rise
//! began (the best suffix of the long window, at least the short window long) must clear
//! max(expected·(1 + min_relative), expected + min_absolute) by k σ (binomial likelihood ratio),
//! which also confirms that the rise lasts, so the whole long window's dilution by the hours
//! before the rise no longer delays a verdict. For distributions the Hodges-Lehmann shift's
//! bound must clear 1 + min_relative by k σ, and the long window k − 1 σ. Only
//! rises are alerts (failures, latency, cost, tokens and turns going down are not). Alerts go
//! pending → firing → resolved ([`alert`]); releases are compared as they roll out
//! ([`release`]).
//!
//! Outputs: `spotter_anomaly_active{workflow,signal[,tool,class,release]}` (0/1),
//! `spotter_anomaly_expected` and `spotter_anomaly_observed` gauges, `GET /v1/anomalies` on the
//! telemetry listener, and pushes to Alertmanager and a webhook ([`notifier`]). State persists
//! in `state_file` ([`state`]). Options: [`config::Config`].

pub mod alert;
pub mod config;
pub mod notifier;
pub mod release;
pub mod sketch;
pub mod state;
pub mod stats;
pub mod window;

mod record;

use std::collections::{BTreeMap, BTreeSet};
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::session_states::SessionStates;
use super::Processor;
use crate::config::ConfigError;
use crate::pipeline::{Batch, Payload};
use crate::summary::SessionSummary;
use alert::{Alert, AlertKey, Board, Change, Lifecycle, State, Verdict};
use record::SessionNotes;
use sketch::Sketch;
use window::{Check, MinEffect, Rate, Series, Windows};

pub use config::Config;

pub const ANOMALY_ACTIVE: &str = "spotter_anomaly_active";
pub const ANOMALY_EXPECTED: &str = "spotter_anomaly_expected";
pub const ANOMALY_OBSERVED: &str = "spotter_anomaly_observed";
pub const SERIES: &str = "spotter_baseline_series";
pub const SERIES_OVERFLOW_TOTAL: &str = "spotter_baseline_series_overflow_total";
pub const STATE_SAVES_TOTAL: &str = "spotter_baseline_state_saves_total";
pub const RELEASE_VERDICTS_TOTAL: &str = "spotter_baseline_release_verdicts_total";

/// One series: what, where.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SeriesKey {
    pub workflow: String,
    pub signal: String,
    #[serde(default)]
    pub tool: String,
    #[serde(default)]
    pub class: String,
}

impl SeriesKey {
    fn alert_key(&self) -> AlertKey {
        AlertKey {
            workflow: self.workflow.clone(),
            signal: self.signal.clone(),
            tool: self.tool.clone(),
            class: self.class.clone(),
            release: String::new(),
        }
    }
}

pub struct BaselineProcessor {
    id: String,
    config: Config,
    windows: Windows,
    lifecycle: Lifecycle,
    sessions: SessionStates<SessionNotes>,
    rates: BTreeMap<SeriesKey, Series<Rate>>,
    dists: BTreeMap<SeriesKey, Series<Sketch>>,
    /// Outcome classes seen per (workflow, tool), so each class series counts every call.
    classes: BTreeMap<(String, String), BTreeSet<String>>,
    releases: BTreeMap<String, release::WorkflowReleases>,
    alerts: BTreeMap<AlertKey, Alert>,
    board: Arc<Mutex<Board>>,
    notifier: Option<notifier::Notifier>,
    watermark_ns: u64,
    evaluated_ns: u64,
    state_file: Option<PathBuf>,
    /// Series evaluations made, and those that ended with the series' alert firing.
    evaluations: u64,
    firing_evaluations: u64,
    dirty: bool,
    last_save: Option<Instant>,
    created: Instant,
}

impl BaselineProcessor {
    pub fn new(id: &str, config: Config, path: &str) -> Result<Self, ConfigError> {
        config.validate(path)?;
        let max_sessions = NonZeroUsize::new(config.max_sessions).ok_or_else(|| {
            ConfigError::invalid(format!("{path}.max_sessions"), "must be at least 1")
        })?;
        let board = Arc::new(Mutex::new(Board {
            max_history: config.max_history,
            ..Board::default()
        }));
        Ok(BaselineProcessor {
            id: id.to_string(),
            windows: config.windows(),
            lifecycle: Lifecycle {
                pending_for_ns: config.pending_for.0.as_nanos() as u64,
                min_dwell_ns: config.min_dwell.0.as_nanos() as u64,
            },
            sessions: SessionStates::new("baseline", max_sessions),
            rates: BTreeMap::new(),
            dists: BTreeMap::new(),
            classes: BTreeMap::new(),
            releases: BTreeMap::new(),
            alerts: BTreeMap::new(),
            board,
            notifier: None,
            watermark_ns: 0,
            evaluated_ns: 0,
            state_file: config.state_file.as_ref().map(PathBuf::from),
            evaluations: 0,
            firing_evaluations: 0,
            dirty: false,
            last_save: None,
            created: Instant::now(),
            config,
        })
    }

    /// The board this processor writes (what `/v1/anomalies` shows).
    pub fn board(&self) -> Arc<Mutex<Board>> {
        self.board.clone()
    }

    /// Alerts pending or firing now.
    pub fn active(&self) -> impl Iterator<Item = &Alert> {
        self.alerts.values()
    }

    /// (series evaluations made, evaluations that ended with the series' alert firing): the
    /// denominator and numerator of a false-alarm rate.
    pub fn evaluation_counts(&self) -> (u64, u64) {
        (self.evaluations, self.firing_evaluations)
    }

    /// Event time up to which steps have been evaluated, Unix ns.
    pub fn evaluated_until(&self) -> u64 {
        self.evaluated_ns
    }

    /// Series kept (rates and distributions).
    pub fn series_count(&self) -> usize {
        self.rates.len() + self.dists.len()
    }

    fn enabled(&self, signal: &str) -> bool {
        self.config.signals.iter().any(|s| s == signal)
    }

    fn room(&self, exists: bool) -> bool {
        if exists || self.series_count() < self.config.max_series {
            true
        } else {
            metrics::counter!(SERIES_OVERFLOW_TOTAL).increment(1);
            false
        }
    }

    fn add_rate(&mut self, key: SeriesKey, at: u64, n: u64, k: u64) {
        if n == 0 || !self.enabled(&key.signal) || !self.room(self.rates.contains_key(&key)) {
            return;
        }
        let w = &self.windows;
        self.rates.entry(key).or_default().record(w, at, |r| {
            r.n += n;
            r.k += k;
        });
    }

    fn add_values(&mut self, key: SeriesKey, at: u64, values: &[f64]) {
        if values.is_empty()
            || !self.enabled(&key.signal)
            || !self.room(self.dists.contains_key(&key))
        {
            return;
        }
        let w = &self.windows;
        self.dists.entry(key).or_default().record(w, at, |s| {
            for v in values {
                s.add(*v);
            }
        });
    }

    /// Evaluate every step boundary the watermark has passed.
    fn advance(&mut self) {
        let step = self.windows.step_ns;
        let due = self
            .watermark_ns
            .saturating_sub(self.config.lateness.0.as_nanos() as u64)
            / step
            * step;
        if self.evaluated_ns == 0 || due > self.evaluated_ns + self.windows.long_ns * 28 {
            // First data, or a jump of weeks: start at the watermark rather than replay the gap.
            self.evaluated_ns = due.saturating_sub(step);
        }
        while self.evaluated_ns + step <= due {
            self.evaluated_ns += step;
            self.evaluate(self.evaluated_ns);
        }
    }

    fn evaluate(&mut self, now: u64) {
        let w = self.windows.clone();
        let min_history = self.config.min_history.0.as_nanos() as u64;
        let mut checks: Vec<(SeriesKey, Check, u64)> = Vec::new();
        let min_effect = MinEffect {
            relative: self.config.rates.min_relative,
            absolute: self.config.rates.min_absolute,
        };
        let dist_effect = MinEffect {
            relative: self.config.distributions.min_relative,
            absolute: self.config.distributions.min_absolute,
        };
        self.rates.retain(|_, s| {
            s.prune(&w, now);
            !s.is_empty()
        });
        self.dists.retain(|_, s| {
            s.prune(&w, now);
            !s.is_empty()
        });
        for (key, s) in self.rates.iter_mut() {
            if now.saturating_sub(s.first_ns) >= min_history {
                if let Some(c) = s.check(&w, now, min_effect) {
                    checks.push((key.clone(), c, s.first_ns));
                }
            }
        }
        for (key, s) in self.dists.iter_mut() {
            if now.saturating_sub(s.first_ns) >= min_history {
                if let Some(c) = s.check(&w, now, key.signal == "turn_latency", dist_effect) {
                    checks.push((key.clone(), c, s.first_ns));
                }
            }
        }
        let p: Vec<f64> = checks.iter().map(|c| c.1.p).collect();
        let discoveries = stats::benjamini_hochberg(&p, self.config.fdr);
        let mut seen = BTreeSet::new();
        for (i, (key, check, first)) in checks.iter().enumerate() {
            let young = now.saturating_sub(*first) < self.config.young_history.0.as_nanos() as u64;
            let k = self.config.k + f64::from(u8::from(young));
            let rate = key.signal.ends_with("_rate");
            let effect = if rate {
                &self.config.rates
            } else {
                &self.config.distributions
            };
            // The effect's confidence bound clears the minimum effect at k σ: for rates the
            // likelihood-ratio bound of the rate since the rise began (best suffix of the long
            // window), for distributions the Hodges-Lehmann shift's rank-test bound.
            let bounded = check.z_effect.is_some_and(|z| z >= k);
            let minimum = if rate {
                check.relative_effect() >= effect.min_relative
            } else {
                bounded
            };
            let short = discoveries[i]
                && check.z_short >= k
                && minimum
                && check.absolute_effect() >= effect.min_absolute;
            // The long window confirms a rise that lasts. For rates that is the change-point
            // bound over the long window: the rate since the rise began (at least the short
            // window long) clears the minimum effect at k σ, which a rise of two hours in a 6 h
            // window does long before the whole window's z does (4 h of old rate dilute it).
            // Distributions need the whole long window at k − 1 σ.
            let confirmed = if rate {
                bounded
            } else {
                check.z_long >= k - 1.0
            };
            let verdict = Verdict {
                short,
                confirmed: short && confirmed,
                stay: check.z_short >= self.config.exit_ratio * k,
            };
            let alert_key = key.alert_key();
            seen.insert(alert_key.clone());
            let evidence = evidence(alert_key, check, now);
            self.transition(verdict, now, evidence);
            let alert = self.alerts.get(&key.alert_key());
            self.evaluations += 1;
            self.firing_evaluations += u64::from(alert.is_some_and(|a| a.state == State::Firing));
            set_gauges(key, check, alert);
        }
        // Alerts whose series gave no verdict this step (traffic stopped) count as not passing.
        let stale: Vec<Alert> = self
            .alerts
            .values()
            .filter(|a| a.key.release.is_empty() && !seen.contains(&a.key))
            .cloned()
            .collect();
        let quiet = Verdict {
            short: false,
            confirmed: false,
            stay: false,
        };
        for a in stale {
            self.transition(quiet, now, a);
        }
        metrics::gauge!(SERIES).set(self.series_count() as f64);
        self.dirty = true;
    }

    fn transition(&mut self, verdict: Verdict, now: u64, evidence: Alert) {
        let key = evidence.key.clone();
        let (next, change) = self
            .lifecycle
            .step(self.alerts.get(&key), verdict, now, evidence);
        let id = format!("{key:?}");
        let mut board = self.board.lock().unwrap_or_else(|p| p.into_inner());
        match &next {
            Some(a) if a.state != State::Resolved => {
                board.active.insert(id, a.clone());
                self.alerts.insert(key, a.clone());
            }
            _ => {
                board.active.remove(&id);
                self.alerts.remove(&key);
            }
        }
        if let (Some(a), true) = (next, change != Change::None) {
            if a.state == State::Resolved {
                clear_active_gauge(&a.key);
            }
            board.remember(&a);
            drop(board);
            if let Some(n) = &self.notifier {
                n.send(&a);
            }
        }
    }
}

fn evidence(key: AlertKey, c: &Check, now: u64) -> Alert {
    Alert {
        key,
        state: State::Pending,
        pending_since_unix_nano: now,
        firing_since_unix_nano: 0,
        resolved_at_unix_nano: 0,
        evaluated_at_unix_nano: now,
        expected: c.expected,
        observed: c.observed,
        expected_p90: c.expected_p90,
        observed_p90: c.observed_p90,
        relative_effect: c.relative_effect(),
        absolute_effect: c.absolute_effect(),
        p_value: Some(c.p),
        e_value: None,
        window: "1h+6h".into(),
        z_short: c.z_short,
        z_long: c.z_long,
        z_effect: c.z_effect,
        count: c.count,
        seasonal: c.seasonal,
    }
}

fn labels(key: &AlertKey) -> Vec<(&'static str, String)> {
    let mut l = vec![
        ("workflow", key.workflow.clone()),
        ("signal", key.signal.clone()),
    ];
    for (name, v) in [
        ("tool", &key.tool),
        ("class", &key.class),
        ("release", &key.release),
    ] {
        if !v.is_empty() {
            l.push((name, v.clone()));
        }
    }
    l
}

fn set_gauges(key: &SeriesKey, c: &Check, alert: Option<&Alert>) {
    let l = labels(&key.alert_key());
    let firing = alert.is_some_and(|a| a.state == State::Firing);
    metrics::gauge!(ANOMALY_ACTIVE, &l).set(f64::from(u8::from(firing)));
    metrics::gauge!(ANOMALY_EXPECTED, &l).set(c.expected);
    metrics::gauge!(ANOMALY_OBSERVED, &l).set(c.observed);
}

fn clear_active_gauge(key: &AlertKey) {
    metrics::gauge!(ANOMALY_ACTIVE, &labels(key)).set(0.0);
}

/// The baseline processor's metrics (part of the processor family's describe hook).
pub fn describe(c: &mut crate::telemetry::Catalog) {
    c.gauge(
        ANOMALY_ACTIVE,
        "1 while a baseline alert fires for the series (workflow, signal, tool, class, release).",
    );
    c.gauge(
        ANOMALY_EXPECTED,
        "Expected value of the series' short window: a rate, or a median for distributions.",
    );
    c.gauge(
        ANOMALY_OBSERVED,
        "Observed value of the series' short window: a rate, or a median for distributions.",
    );
    c.gauge(SERIES, "Series the baseline processor keeps.");
    c.counter(
        SERIES_OVERFLOW_TOTAL,
        "Samples the baseline processor dropped because max_series was reached.",
    );
    c.counter(
        STATE_SAVES_TOTAL,
        "Writes of the baseline state file, by result.",
    );
    c.counter(
        RELEASE_VERDICTS_TOTAL,
        "Release comparisons decided, by verdict.",
    );
    c.counter(
        notifier::NOTIFICATIONS_TOTAL,
        "Alert pushes to Alertmanager and the webhook, by target and result.",
    );
}

impl Processor for BaselineProcessor {
    fn id(&self) -> &str {
        &self.id
    }

    /// Load the state file, publish `/v1/anomalies` and start the notifier.
    fn start(&mut self) {
        self.restore();
        alert::publish(&self.board);
        let c = &self.config;
        self.notifier = notifier::Notifier::start(notifier::Targets {
            alertmanager: c.alertmanager.clone().filter(|u| !u.trim().is_empty()),
            webhook: c.webhook.clone().filter(|u| !u.trim().is_empty()),
            resend_interval: c.resend_interval.0,
            timeout: c.notify_timeout.0,
            max_retries: c.notify_retries,
        });
    }

    fn process(&mut self, batch: Batch, _now: Instant, out: &mut Vec<Batch>) {
        if let Payload::Traces(req) = batch.payload() {
            for view in crate::semconv::spans(req) {
                if let Some(session) = view.session_id() {
                    self.sessions.get_or_default(&session).observe(&view);
                }
            }
        }
        out.push(batch);
    }

    fn enrich_summary(&mut self, summary: &mut SessionSummary) {
        let notes = self
            .sessions
            .remove(&summary.session_id)
            .unwrap_or_default();
        self.record(summary, &notes);
        self.advance();
    }

    fn next_deadline(&self) -> Option<Instant> {
        self.state_file.as_ref()?;
        if !self.dirty {
            return None;
        }
        // Never saved: due since construction (a fixed instant, so `d <= now` holds).
        Some(match self.last_save {
            Some(t) => t + self.config.persist_interval.0,
            None => self.created,
        })
    }

    fn on_tick(&mut self, now: Instant, _out: &mut Vec<Batch>) {
        if self.dirty
            && self
                .last_save
                .is_none_or(|t| now >= t + self.config.persist_interval.0)
        {
            self.persist(now);
        }
    }

    fn shutdown(&mut self, _out: &mut Vec<Batch>) {
        if self.dirty {
            self.persist(Instant::now());
        }
    }
}

#[cfg(test)]
mod tests;
