//! The failure-mode registry: one record per fingerprint, its lifecycle state, bounded, persisted.
//!
//! **Time.** Everything runs on event time: a session's time is the end of its last span, and the
//! registry's clock (the watermark) is the latest session time seen. Replays and late data give
//! the same states as live traffic. Session times more than [`MAX_FUTURE`] ahead of the wall
//! clock are clamped, so one bad client clock cannot resolve every mode at once.
//!
//! **States.** `new` until `new_for` has passed since first seen; then `ongoing`; `escalating`
//! while the escalation test holds (below); `resolved` once no session had the mode for
//! `resolve_after`; `regressed` when a resolved mode is seen again (with the release that brought
//! it back), turning `ongoing` after `new_for`. `ignored` comes from the annotations file and
//! overrides the computed state when shown.
//!
//! **Escalation test.** Sessions are counted in windows of `window` (event time). With `n` the
//! sessions of the current window and `λ` the mode's mean sessions per window over the trailing
//! `baseline` (or over its age, if younger, at least one window), the mode escalates when
//! `n ≥ min_sessions` and the Poisson upper tail `P(X ≥ n | λ)` is below `p_value`. It leaves
//! `escalating` as soon as a window fails the test. Modes still `new` never escalate.
//!
//! **Bounds.** At most `max_modes` records; the least recently seen is evicted (counted in
//! `spotter_failure_modes_evicted_total`). Each keeps at most `examples` sessions and one count
//! per window of the baseline.

use crate::extension::state_file;
use std::collections::VecDeque;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};

use lru::LruCache;
use serde::{Deserialize, Serialize};

use super::names;
pub use crate::failure::{Example, State};

/// Session times further ahead of the wall clock than this are clamped to it.
pub const MAX_FUTURE: u64 = 3_600 * 1_000_000_000;
const STATE_VERSION: u32 = 1;

/// The lifecycle settings, in nanoseconds of event time.
#[derive(Debug, Clone)]
pub struct Lifecycle {
    pub resolve_after: u64,
    pub new_for: u64,
    pub window: u64,
    pub baseline: u64,
    pub min_sessions: u32,
    pub p_value: f64,
    pub examples: usize,
}

/// One failure mode.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mode {
    pub fingerprint: String,
    pub name: String,
    pub kind: String,
    pub service: String,
    pub tool: String,
    pub cause: String,
    pub template: String,
    /// Event time, Unix nanoseconds.
    pub first_seen: u64,
    pub last_seen: u64,
    pub occurrences: u64,
    pub sessions: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_release: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_release: Option<String>,
    pub state: State,
    /// When the current state began (event time).
    pub state_since: u64,
    /// The release a regression came back with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regressed_in: Option<String>,
    pub examples: Vec<Example>,
    /// (window index, sessions) for the windows of the baseline, oldest first.
    #[serde(default)]
    pub windows: VecDeque<(u64, u32)>,
}

/// What one finished session contributes to one mode.
#[derive(Debug, Clone)]
pub struct Sighting {
    pub fingerprint: String,
    pub name: String,
    pub kind: String,
    pub service: String,
    pub tool: String,
    pub cause: String,
    pub template: String,
    pub occurrences: u64,
    pub session_id: String,
    pub trace_id: Option<String>,
    pub release: Option<String>,
    /// Event time of the session, Unix nanoseconds.
    pub time: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("cannot read failure-mode state {path:?}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "corrupt failure-mode state {path:?} ({message}); moved to {moved_to:?}, starting empty"
    )]
    Corrupt {
        path: PathBuf,
        message: String,
        moved_to: PathBuf,
    },
    #[error("cannot write failure-mode state {path:?}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

#[derive(Serialize, Deserialize)]
struct StateFile {
    version: u32,
    watermark: u64,
    /// Least recently seen first, so loading restores the eviction order.
    modes: Vec<Mode>,
}

pub struct Registry {
    modes: LruCache<String, Mode>,
    pub lifecycle: Lifecycle,
    /// The latest event time seen.
    pub watermark: u64,
    pub dirty: bool,
    pub evictions: u64,
}

/// `P(X ≥ n)` for `X ~ Poisson(λ)`, computed in log space.
pub fn poisson_upper_tail(n: u32, lambda: f64) -> f64 {
    if n == 0 {
        return 1.0;
    }
    if lambda <= 0.0 {
        return 0.0;
    }
    let mut log_term = -lambda; // log P(X = 0)
    let mut below = log_term.exp();
    for k in 1..n {
        log_term += lambda.ln() - f64::from(k).ln();
        below += log_term.exp();
    }
    (1.0 - below).clamp(0.0, 1.0)
}

impl Registry {
    pub fn new(max_modes: usize, lifecycle: Lifecycle) -> Self {
        Registry {
            modes: LruCache::new(NonZeroUsize::new(max_modes.max(1)).expect("non-zero")),
            lifecycle,
            watermark: 0,
            dirty: false,
            evictions: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.modes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.modes.is_empty()
    }

    pub fn get(&self, fingerprint: &str) -> Option<&Mode> {
        self.modes.peek(fingerprint)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Mode> {
        self.modes.iter().map(|(_, m)| m)
    }

    fn window_of(&self, t: u64) -> u64 {
        t / self.lifecycle.window.max(1)
    }

    /// Move event time forward to a session's time (every session does, failing or not).
    pub fn observe_time(&mut self, time: u64, wall_now: u64) {
        let time = time.min(wall_now.saturating_add(MAX_FUTURE));
        if time > self.watermark {
            self.watermark = time;
        }
    }

    /// Record one session's sighting of one mode; returns the mode's state afterwards.
    pub fn record(&mut self, s: Sighting, wall_now: u64) -> State {
        let time = s.time.min(wall_now.saturating_add(MAX_FUTURE));
        self.watermark = self.watermark.max(time);
        self.dirty = true;
        let window = self.window_of(time);
        let keep = self.lifecycle.baseline / self.lifecycle.window.max(1) + 1;
        let examples = self.lifecycle.examples;
        if !self.modes.contains(&s.fingerprint) {
            if self.modes.len() == self.modes.cap().get() {
                self.modes.pop_lru();
                self.evictions += 1;
                metrics::counter!(names::EVICTED_TOTAL).increment(1);
            }
            self.modes.push(
                s.fingerprint.clone(),
                Mode {
                    fingerprint: s.fingerprint.clone(),
                    name: s.name.clone(),
                    kind: s.kind.clone(),
                    service: s.service.clone(),
                    tool: s.tool.clone(),
                    cause: s.cause.clone(),
                    template: s.template.clone(),
                    first_seen: time,
                    last_seen: time,
                    occurrences: 0,
                    sessions: 0,
                    first_release: s.release.clone(),
                    last_release: None,
                    state: State::New,
                    state_since: time,
                    regressed_in: None,
                    examples: Vec::new(),
                    windows: VecDeque::new(),
                },
            );
        }
        let mode = self.modes.get_mut(&s.fingerprint).expect("present");
        if mode.state == State::Resolved {
            mode.state = State::Regressed;
            mode.state_since = time;
            mode.regressed_in = s.release.clone();
            tracing::warn!(fingerprint = %mode.fingerprint, mode = %mode.name,
                release = s.release.as_deref().unwrap_or("unknown"), "failure mode regressed");
        }
        mode.first_seen = mode.first_seen.min(time);
        mode.last_seen = mode.last_seen.max(time);
        mode.occurrences += s.occurrences.max(1);
        mode.sessions += 1;
        if s.release.is_some() {
            if mode.first_release.is_none() {
                mode.first_release = s.release.clone();
            }
            mode.last_release = s.release.clone();
        }
        if mode.examples.len() < examples
            && !mode.examples.iter().any(|e| e.session_id == s.session_id)
        {
            mode.examples.push(Example {
                session_id: s.session_id,
                trace_id: s.trace_id,
            });
        }
        match mode.windows.iter_mut().find(|(w, _)| *w == window) {
            Some((_, n)) => *n = n.saturating_add(1),
            None => {
                let at = mode.windows.partition_point(|(w, _)| *w < window);
                mode.windows.insert(at, (window, 1));
            }
        }
        while mode.windows.front().is_some_and(|(w, _)| w + keep < window) {
            mode.windows.pop_front();
        }
        while mode.windows.len() as u64 > keep {
            mode.windows.pop_front();
        }
        mode.state
    }

    /// Whether a mode's current window is significantly above its own trailing rate.
    fn escalated(&self, mode: &Mode) -> bool {
        let lc = &self.lifecycle;
        let current = self.window_of(self.watermark);
        let n = mode
            .windows
            .iter()
            .find(|(w, _)| *w == current)
            .map_or(0, |(_, n)| *n);
        if n < lc.min_sessions {
            return false;
        }
        let baseline_windows = (lc.baseline / lc.window.max(1)).max(1);
        let first = self.window_of(mode.first_seen);
        let age_windows = current.saturating_sub(first).clamp(1, baseline_windows);
        let trailing: u64 = mode
            .windows
            .iter()
            .filter(|(w, _)| *w < current && w + age_windows >= current)
            .map(|(_, n)| u64::from(*n))
            .sum();
        let lambda = trailing as f64 / age_windows as f64;
        poisson_upper_tail(n, lambda) < lc.p_value
    }

    /// Move every mode to the state the watermark puts it in; returns how many changed.
    pub fn advance(&mut self) -> usize {
        let now = self.watermark;
        let lc = self.lifecycle.clone();
        let mut changes: Vec<(String, State)> = Vec::new();
        for (fp, mode) in self.modes.iter() {
            let next = if now.saturating_sub(mode.last_seen) >= lc.resolve_after {
                State::Resolved
            } else {
                match mode.state {
                    State::Resolved | State::Ignored => mode.state,
                    State::New if now.saturating_sub(mode.first_seen) < lc.new_for => State::New,
                    State::Regressed if now.saturating_sub(mode.state_since) < lc.new_for => {
                        if self.escalated(mode) {
                            State::Escalating
                        } else {
                            State::Regressed
                        }
                    }
                    _ => {
                        if self.escalated(mode) {
                            State::Escalating
                        } else {
                            State::Ongoing
                        }
                    }
                }
            };
            if next != mode.state {
                changes.push((fp.clone(), next));
            }
        }
        for (fp, next) in &changes {
            if let Some(m) = self.modes.peek_mut(fp) {
                tracing::info!(fingerprint = %fp, mode = %m.name, from = m.state.as_str(),
                    to = next.as_str(), "failure mode state changed");
                m.state = *next;
                m.state_since = now;
            }
        }
        if !changes.is_empty() {
            self.dirty = true;
        }
        changes.len()
    }

    pub fn encode(&self) -> Vec<u8> {
        let state = StateFile {
            version: STATE_VERSION,
            watermark: self.watermark,
            modes: self.modes.iter().rev().map(|(_, m)| m.clone()).collect(),
        };
        serde_json::to_vec(&state).expect("failure-mode state serialises")
    }

    pub fn decode_into(&mut self, bytes: &[u8]) -> Result<usize, String> {
        let state: StateFile = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
        if state.version != STATE_VERSION {
            return Err(format!("unsupported version {}", state.version));
        }
        self.watermark = self.watermark.max(state.watermark);
        let n = state.modes.len();
        for m in state.modes {
            if self.modes.len() == self.modes.cap().get() && !self.modes.contains(&m.fingerprint) {
                self.modes.pop_lru();
                self.evictions += 1;
                metrics::counter!(names::EVICTED_TOTAL).increment(1);
            }
            self.modes.push(m.fingerprint.clone(), m);
        }
        Ok(n)
    }

    /// Load `path`. A missing file is an empty registry; a corrupt one is moved aside.
    pub fn load(&mut self, path: &Path) -> Result<usize, RegistryError> {
        let read = state_file::read(path).map_err(|source| RegistryError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let Some(bytes) = read else {
            return Ok(0);
        };
        self.decode_into(&bytes).map_err(|message| {
            let moved_to = state_file::set_aside(path);
            RegistryError::Corrupt {
                path: path.to_path_buf(),
                message,
                moved_to,
            }
        })
    }

    /// Write the state atomically (see [`state_file::write_atomic`]).
    pub fn save(&mut self, path: &Path) -> Result<(), RegistryError> {
        state_file::write_atomic(path, &self.encode()).map_err(|source| RegistryError::Write {
            path: path.to_path_buf(),
            source,
        })?;
        self.dirty = false;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
