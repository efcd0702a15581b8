//! Release comparison: when a workflow's sessions show a `service.version` not seen before, the
//! new version's session failure rate and each tool's error rate are compared with the previous
//! version's by the normal-mixture sequential test ([`stats::msprt_two_proportions`]), checked
//! after every session of either version. The test stays valid under this continuous
//! monitoring, so a verdict can be given as soon as the evidence is there:
//! - `worse` / `better`: the e-value passes e-BH at `alpha` across the release's signals, and the
//!   difference is at least the minimum effect (absolute and relative to the previous rate);
//! - `no_difference`: the anytime-valid confidence sequence lies within ± the absolute minimum
//!   effect;
//! - `undecided`: `max_sessions` sessions of the new version without either.

use std::collections::{BTreeMap, VecDeque};

use serde::{Deserialize, Serialize};

use super::stats;
use super::window::Rate;

/// Settings of release comparisons.
#[derive(Debug, Clone)]
pub struct Rules {
    pub alpha: f64,
    pub mixture_sd: f64,
    pub min_sessions: u64,
    pub max_sessions: u64,
    pub min_relative: f64,
    pub min_absolute: f64,
    pub max_versions: usize,
    pub max_tools: usize,
}

/// Counts of one version of a workflow.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct VersionStats {
    /// Sessions with a decided outcome, and failed ones.
    pub sessions: Rate,
    /// Tool calls and failed ones, per tool.
    pub tools: BTreeMap<String, Rate>,
}

/// A running comparison of a new version with the one it replaced.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Comparison {
    pub release: String,
    pub previous: String,
    /// Verdicts reached so far, by signal key (`session_failure_rate`, `tool_error_rate/<tool>`).
    pub decided: BTreeMap<String, String>,
    pub finished: bool,
}

/// Release state of one workflow.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct WorkflowReleases {
    pub current: String,
    /// Versions by first appearance, oldest first, bounded by `max_versions`.
    pub order: VecDeque<String>,
    pub versions: BTreeMap<String, VersionStats>,
    pub comparison: Option<Comparison>,
}

/// One decision of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub release: String,
    pub previous: String,
    /// `session_failure_rate` or `tool_error_rate`.
    pub signal: &'static str,
    pub tool: String,
    pub verdict: &'static str,
    pub sessions: u64,
    pub new_rate: f64,
    pub previous_rate: f64,
    pub e_value: f64,
}

/// One session as the release comparison sees it.
pub struct SessionCounts<'a> {
    pub version: &'a str,
    /// Some(true) failed, Some(false) succeeded, None undecided.
    pub failed: Option<bool>,
    /// (tool, calls, failed calls).
    pub tools: &'a [(String, u64, u64)],
}

impl WorkflowReleases {
    /// Count one session; returns the decisions it completed.
    pub fn observe(&mut self, rules: &Rules, s: &SessionCounts<'_>) -> Vec<Decision> {
        if s.version.is_empty() {
            return Vec::new();
        }
        if !self.versions.contains_key(s.version) {
            if !self.current.is_empty() {
                self.comparison = Some(Comparison {
                    release: s.version.to_string(),
                    previous: self.current.clone(),
                    ..Comparison::default()
                });
            }
            self.current = s.version.to_string();
            self.order.push_back(s.version.to_string());
            self.versions
                .insert(s.version.to_string(), VersionStats::default());
            while self.order.len() > rules.max_versions.max(2) {
                if let Some(old) = self.order.pop_front() {
                    self.versions.remove(&old);
                }
            }
        }
        let stats = self
            .versions
            .get_mut(s.version)
            .expect("version inserted above");
        if let Some(failed) = s.failed {
            stats.sessions.n += 1;
            stats.sessions.k += u64::from(failed);
        }
        for (tool, calls, failed) in s.tools {
            if stats.tools.len() >= rules.max_tools && !stats.tools.contains_key(tool) {
                continue;
            }
            let r = stats.tools.entry(tool.clone()).or_default();
            r.n += calls;
            r.k += failed;
        }
        self.judge(rules)
    }

    fn judge(&mut self, rules: &Rules) -> Vec<Decision> {
        let Some(cmp) = self.comparison.as_mut().filter(|c| !c.finished) else {
            return Vec::new();
        };
        let (Some(new), Some(old)) = (
            self.versions.get(&cmp.release),
            self.versions.get(&cmp.previous),
        ) else {
            cmp.finished = true;
            return Vec::new();
        };
        let sessions = new.sessions.n;
        if sessions < rules.min_sessions || old.sessions.n < rules.min_sessions {
            return Vec::new();
        }
        // Every signal of the release, decided or not, counts in e-BH's m.
        let mut signals: Vec<(&'static str, String, Rate, Rate)> = vec![(
            "session_failure_rate",
            String::new(),
            new.sessions,
            old.sessions,
        )];
        for (tool, rate) in &new.tools {
            if let Some(prev) = old.tools.get(tool) {
                signals.push(("tool_error_rate", tool.clone(), *rate, *prev));
            }
        }
        let tests: Vec<stats::Sequential> = signals
            .iter()
            .map(|(_, _, a, b)| {
                stats::msprt_two_proportions(a.k, a.n, b.k, b.n, rules.mixture_sd, rules.alpha)
            })
            .collect();
        let e: Vec<f64> = tests.iter().map(|t| t.e_value).collect();
        let significant = stats::e_benjamini_hochberg(&e, rules.alpha);
        let mut out = Vec::new();
        for (i, (signal, tool, a, b)) in signals.iter().enumerate() {
            let key = if tool.is_empty() {
                signal.to_string()
            } else {
                format!("{signal}/{tool}")
            };
            if cmp.decided.contains_key(&key) || a.n == 0 || b.n == 0 {
                continue;
            }
            let t = tests[i];
            let (new_rate, prev_rate) = (a.k as f64 / a.n as f64, b.k as f64 / b.n as f64);
            let large = t.diff.abs() >= rules.min_absolute
                && t.diff.abs() >= rules.min_relative * prev_rate;
            let verdict = if significant[i] && large {
                if t.diff > 0.0 {
                    "worse"
                } else {
                    "better"
                }
            } else if t.diff.abs() + t.radius < rules.min_absolute {
                "no_difference"
            } else if sessions >= rules.max_sessions {
                "undecided"
            } else {
                continue;
            };
            cmp.decided.insert(key, verdict.to_string());
            out.push(Decision {
                release: cmp.release.clone(),
                previous: cmp.previous.clone(),
                signal,
                tool: tool.clone(),
                verdict,
                sessions,
                new_rate,
                previous_rate: prev_rate,
                e_value: t.e_value,
            });
        }
        if sessions >= rules.max_sessions {
            cmp.finished = true;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    fn rules() -> Rules {
        Rules {
            alpha: 0.01,
            mixture_sd: 0.05,
            min_sessions: 50,
            max_sessions: 5000,
            min_relative: 0.25,
            min_absolute: 0.01,
            max_versions: 4,
            max_tools: 16,
        }
    }

    /// Sessions of `version` with `calls` calls of `search` failing at `rate`.
    fn session(
        w: &mut WorkflowReleases,
        rng: &mut rand::rngs::StdRng,
        version: &str,
        rate: f64,
    ) -> Vec<Decision> {
        let calls = 2;
        let failed = (0..calls).filter(|_| rng.random_bool(rate)).count() as u64;
        let tools = [("search".to_string(), calls, failed)];
        w.observe(
            &rules(),
            &SessionCounts {
                version,
                failed: Some(rng.random_bool(0.05)),
                tools: &tools,
            },
        )
    }

    #[test]
    fn a_release_doubling_a_tool_error_rate_is_judged_worse_quickly() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let mut w = WorkflowReleases::default();
        for _ in 0..3000 {
            assert!(session(&mut w, &mut rng, "1.0", 0.05).is_empty());
        }
        let mut found = None;
        for i in 1..=600 {
            for d in session(&mut w, &mut rng, "1.1", 0.10) {
                if d.signal == "tool_error_rate" {
                    found = Some((i, d));
                }
            }
            if found.is_some() {
                break;
            }
        }
        let (at, d) = found.expect("judged within 600 sessions");
        assert_eq!(d.verdict, "worse");
        assert_eq!(d.sessions, at);
        assert_eq!(d.previous, "1.0");
    }

    #[test]
    fn an_identical_release_is_never_judged_worse() {
        for seed in 0..20 {
            let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
            let mut w = WorkflowReleases::default();
            for _ in 0..3000 {
                session(&mut w, &mut rng, "1.0", 0.05);
            }
            for _ in 0..3000 {
                for d in session(&mut w, &mut rng, "1.1", 0.05) {
                    assert_ne!(d.verdict, "worse", "seed {seed}: {d:?}");
                    assert_ne!(d.verdict, "better", "seed {seed}: {d:?}");
                }
            }
        }
    }

    #[test]
    fn versions_are_bounded() {
        let mut w = WorkflowReleases::default();
        for v in 0..10 {
            w.observe(
                &rules(),
                &SessionCounts {
                    version: &v.to_string(),
                    failed: Some(false),
                    tools: &[],
                },
            );
        }
        assert_eq!(w.versions.len(), 4);
        assert_eq!(w.current, "9");
    }
}
