//! Options of the `baseline` processor, with the reasoning behind each default.

use std::time::Duration;

use serde::Deserialize;

use super::release::Rules;
use super::window::{Windows, HOUR_NS};
use crate::config::{ConfigError, DurationStr};

fn d(secs: u64) -> DurationStr {
    DurationStr(Duration::from_secs(secs))
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Evaluation step and fine bucket width (10m): the 30-minute dwell is three steps, and a
    /// 6-hour window is 36 buckets.
    pub step: DurationStr,
    /// The confirming windows (1h and 6h, Latitude's escalation detector).
    pub short_window: DurationStr,
    pub long_window: DurationStr,
    /// Plain baseline period before the long window (168h: one full week, so every hour of the
    /// week is in it and weekly seasonality averages out).
    pub baseline: DurationStr,
    /// History after which baselines become hour-of-week seasonal (504h: three weeks, as
    /// Datadog's weekly seasonality needs), over `seasonal_weeks` weeks (4, Latitude).
    pub seasonal_after: DurationStr,
    pub seasonal_weeks: u64,
    /// Entry threshold in σ for the short window; the long window needs k − 1 (3, Latitude).
    pub k: f64,
    /// Below this much history k is one higher (336h: two weeks, Latitude).
    pub young_history: DurationStr,
    /// A firing alert resolves below exit_ratio · k (0.7, Latitude) after `min_dwell` (30m).
    pub exit_ratio: f64,
    pub min_dwell: DurationStr,
    /// How long an alert stays pending (short window passing) at least before the long window's
    /// confirmation fires it (0: the long window is the confirmation).
    pub pending_for: DurationStr,
    /// Benjamini-Hochberg false-discovery rate across the series evaluated at one step (0.01).
    pub fdr: f64,
    /// No verdict before a series has this much history (24h).
    pub min_history: DurationStr,
    /// Minimum sessions (or turns, or calls) in the short window (10) and in its baseline (100).
    pub min_window_count: u64,
    pub min_baseline_count: u64,
    /// Minimum effects for rates and for distributions. The effect's confidence bound must
    /// clear the relative one at k σ: for rates the likelihood-ratio bound over the best suffix
    /// of the long window (a rise of a fifth against a 25% minimum never fires however long it
    /// lasts), for distributions the Hodges-Lehmann shift's rank-test bound (Kayenta). The
    /// absolute minimum of distributions applies to the point estimates (medians and p90s).
    pub rates: Effect,
    pub distributions: Effect,
    /// Signals to evaluate (default: all).
    pub signals: Vec<String>,
    /// Event time allowed for late sessions before a step is evaluated (5m).
    pub lateness: DurationStr,
    /// Series kept at once (5000); samples of series past the cap are counted and dropped.
    pub max_series: usize,
    /// Sessions tracked at once while their spans pass (10000).
    pub max_sessions: usize,
    /// Alerts and release verdicts kept in `/v1/anomalies` history (500).
    pub max_history: usize,
    /// Where state is kept across restarts; none by default.
    pub state_file: Option<String>,
    /// How often (wall time) changed state is written (30s).
    pub persist_interval: DurationStr,
    pub release: Release,
    /// Alertmanager base URL (`http://127.0.0.1:9093`); alerts go to `/api/v2/alerts`. Empty or
    /// absent: no pushes.
    pub alertmanager: Option<String>,
    /// Generic webhook URL; each fired or resolved alert is POSTed as JSON.
    pub webhook: Option<String>,
    /// Re-send firing alerts to Alertmanager this often (60s, below its 5m resolve_timeout).
    pub resend_interval: DurationStr,
    pub notify_timeout: DurationStr,
    pub notify_retries: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Effect {
    /// observed ÷ expected − 1 must reach this.
    pub min_relative: f64,
    /// observed − expected must reach this (in the signal's unit).
    pub min_absolute: f64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Release {
    /// Error level of the sequential test, across a release's signals with e-BH (0.01).
    pub alpha: f64,
    /// Standard deviation of the normal mixture over the rate difference (0.05: the test is
    /// most sensitive to differences of about five points).
    pub mixture_sd: f64,
    /// Sessions of each version before a verdict (50).
    pub min_sessions: u64,
    /// Sessions of the new version after which it is `undecided` (20000).
    pub max_sessions: u64,
    /// Minimum effect for `worse`/`better`; `no_difference` needs the confidence sequence within
    /// ± min_absolute.
    pub min_relative: f64,
    pub min_absolute: f64,
    /// Versions remembered per workflow (8) and tools per version (64).
    pub max_versions: usize,
    pub max_tools: usize,
}

impl Default for Release {
    fn default() -> Self {
        Release {
            alpha: 0.01,
            mixture_sd: 0.05,
            min_sessions: 50,
            max_sessions: 20_000,
            min_relative: 0.25,
            min_absolute: 0.01,
            max_versions: 8,
            max_tools: 64,
        }
    }
}

pub const SIGNALS: &[&str] = &[
    "session_failure_rate",
    "tool_error_rate",
    "silent_failure_rate",
    "auth_failure_rate",
    "turn_latency",
    "session_duration",
    "session_cost",
    "session_tokens",
    "session_turns",
];

impl Default for Config {
    fn default() -> Self {
        Config {
            step: d(600),
            short_window: d(3600),
            long_window: d(6 * 3600),
            baseline: d(168 * 3600),
            seasonal_after: d(504 * 3600),
            seasonal_weeks: 4,
            k: 3.0,
            young_history: d(336 * 3600),
            exit_ratio: 0.7,
            min_dwell: d(1800),
            pending_for: d(0),
            fdr: 0.01,
            min_history: d(24 * 3600),
            min_window_count: 10,
            min_baseline_count: 100,
            // A quarter up, and a point for rates: smaller moves are rarely worth a page.
            rates: Effect {
                min_relative: 0.25,
                min_absolute: 0.01,
            },
            distributions: Effect {
                min_relative: 0.25,
                min_absolute: 0.0,
            },
            signals: SIGNALS.iter().map(|s| s.to_string()).collect(),
            lateness: d(300),
            max_series: 5000,
            max_sessions: 10_000,
            max_history: 500,
            state_file: None,
            persist_interval: d(30),
            release: Release::default(),
            alertmanager: None,
            webhook: None,
            resend_interval: d(60),
            notify_timeout: d(5),
            notify_retries: 3,
        }
    }
}

impl Config {
    /// Check the options; `path` is the config path for messages.
    pub fn validate(&self, path: &str) -> Result<(), ConfigError> {
        let bad = |key: &str, msg: &str| Err(ConfigError::invalid(format!("{path}.{key}"), msg));
        let step = self.step.0.as_nanos() as u64;
        if step == 0 || !HOUR_NS.is_multiple_of(step) {
            return bad("step", "must divide one hour (e.g. 5m, 10m, 15m)");
        }
        for (key, v) in [
            ("short_window", &self.short_window),
            ("long_window", &self.long_window),
        ] {
            let ns = v.0.as_nanos() as u64;
            if ns < step || !ns.is_multiple_of(step) {
                return bad(key, "must be a positive multiple of step");
            }
        }
        if self.long_window.0 < self.short_window.0 {
            return bad("long_window", "must not be shorter than short_window");
        }
        if self.baseline.0.as_secs() < 3600 {
            return bad("baseline", "must be at least 1h");
        }
        if self.k.is_nan() || self.k <= 1.0 {
            return bad("k", "must be above 1 (the long window uses k - 1)");
        }
        if !(self.exit_ratio > 0.0 && self.exit_ratio <= 1.0) {
            return bad("exit_ratio", "must be in (0, 1]");
        }
        if !(self.fdr > 0.0 && self.fdr < 1.0) {
            return bad("fdr", "must be in (0, 1)");
        }
        if self.max_series == 0 || self.max_sessions == 0 {
            return bad("max_series", "caps must be at least 1");
        }
        for s in &self.signals {
            if !SIGNALS.contains(&s.as_str()) {
                return bad(
                    "signals",
                    &format!("unknown signal {s:?}; known: {}", SIGNALS.join(", ")),
                );
            }
        }
        for (key, url) in [
            ("alertmanager", &self.alertmanager),
            ("webhook", &self.webhook),
        ] {
            let url = url.as_deref().unwrap_or("").trim();
            let scheme = url.starts_with("http://") || url.starts_with("https://");
            if !url.is_empty() && (!scheme || url.parse::<http::Uri>().is_err()) {
                return bad(key, &format!("{url:?} is not an http(s) URL"));
            }
        }
        let r = &self.release;
        if !(r.alpha > 0.0 && r.alpha < 1.0) {
            return bad("release.alpha", "must be in (0, 1)");
        }
        if r.mixture_sd.is_nan() || r.mixture_sd <= 0.0 {
            return bad("release.mixture_sd", "must be positive");
        }
        Ok(())
    }

    pub fn windows(&self) -> Windows {
        Windows {
            step_ns: self.step.0.as_nanos() as u64,
            short_ns: self.short_window.0.as_nanos() as u64,
            long_ns: self.long_window.0.as_nanos() as u64,
            baseline_hours: self.baseline.0.as_secs() / 3600,
            seasonal_after_ns: self.seasonal_after.0.as_nanos() as u64,
            seasonal_weeks: self.seasonal_weeks,
            min_window_count: self.min_window_count,
            min_baseline_count: self.min_baseline_count,
        }
    }

    pub fn release_rules(&self) -> Rules {
        let r = &self.release;
        Rules {
            alpha: r.alpha,
            mixture_sd: r.mixture_sd,
            min_sessions: r.min_sessions,
            max_sessions: r.max_sessions,
            min_relative: r.min_relative,
            min_absolute: r.min_absolute,
            max_versions: r.max_versions,
            max_tools: r.max_tools,
        }
    }
}
