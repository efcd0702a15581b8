//! `retry_on_failure`: exponential backoff with jitter, honouring the server's retry hint.

use std::time::Duration;

use rand::Rng;
use serde::Deserialize;

use crate::config::DurationStr;

/// `retry_on_failure` options (the Collector's names and defaults).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RetrySettings {
    pub enabled: bool,
    pub initial_interval: DurationStr,
    pub max_interval: DurationStr,
    /// Give up after this long; `0s` retries until shutdown.
    pub max_elapsed_time: DurationStr,
    pub multiplier: f64,
    /// Each wait is drawn from `interval × [1 − r, 1 + r]`.
    pub randomization_factor: f64,
}

impl Default for RetrySettings {
    fn default() -> Self {
        RetrySettings {
            enabled: true,
            initial_interval: DurationStr(Duration::from_secs(5)),
            max_interval: DurationStr(Duration::from_secs(30)),
            max_elapsed_time: DurationStr(Duration::from_secs(300)),
            multiplier: 1.5,
            randomization_factor: 0.5,
        }
    }
}

/// The backoff state of one batch's delivery.
pub struct Backoff {
    settings: RetrySettings,
    next_interval: Duration,
}

impl Backoff {
    pub fn new(settings: &RetrySettings) -> Self {
        Backoff {
            settings: settings.clone(),
            next_interval: settings.initial_interval.0,
        }
    }

    /// How long to wait before the next attempt, given the time spent so far and the server's
    /// hint; `None` when retrying is off or the time is up.
    pub fn next_wait(&mut self, elapsed: Duration, hint: Option<Duration>) -> Option<Duration> {
        if !self.settings.enabled {
            return None;
        }
        let r = self.settings.randomization_factor.clamp(0.0, 1.0);
        let base = self.next_interval.as_secs_f64();
        let jittered = if r > 0.0 {
            base * rand::rng().random_range((1.0 - r)..=(1.0 + r))
        } else {
            base
        };
        let grown = (base * self.settings.multiplier.max(1.0))
            .min(self.settings.max_interval.0.as_secs_f64());
        self.next_interval = Duration::from_secs_f64(grown);
        let mut wait = Duration::from_secs_f64(jittered);
        if let Some(h) = hint {
            wait = wait.max(h);
        }
        let max = self.settings.max_elapsed_time.0;
        if !max.is_zero() && elapsed + wait > max {
            return None;
        }
        Some(wait)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(max_elapsed: u64) -> RetrySettings {
        RetrySettings {
            initial_interval: DurationStr(Duration::from_millis(100)),
            max_interval: DurationStr(Duration::from_millis(400)),
            max_elapsed_time: DurationStr(Duration::from_secs(max_elapsed)),
            randomization_factor: 0.0,
            ..RetrySettings::default()
        }
    }

    #[test]
    fn grows_to_max_interval() {
        let mut b = Backoff::new(&settings(0));
        let waits: Vec<u128> = (0..6)
            .map(|_| b.next_wait(Duration::ZERO, None).unwrap().as_millis())
            .collect();
        assert_eq!(waits, vec![100, 150, 225, 337, 400, 400]);
    }

    #[test]
    fn honours_server_hint() {
        let mut b = Backoff::new(&settings(0));
        let w = b
            .next_wait(Duration::ZERO, Some(Duration::from_secs(2)))
            .unwrap();
        assert_eq!(w, Duration::from_secs(2));
    }

    #[test]
    fn stops_after_max_elapsed() {
        let mut b = Backoff::new(&settings(1));
        assert!(b.next_wait(Duration::from_millis(950), None).is_none());
    }

    #[test]
    fn disabled_never_retries() {
        let mut b = Backoff::new(&RetrySettings {
            enabled: false,
            ..RetrySettings::default()
        });
        assert!(b.next_wait(Duration::ZERO, None).is_none());
    }
}
