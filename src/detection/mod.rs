//! The detection report: replays labelled fixture sessions through the session and tool
//! processors and scores the findings against the labels.
//!
//! [`run`] takes a fixtures folder laid out like `../shared/fixtures`: one folder per
//! instrumentation library holding captured OTLP requests (`.pb`, `.pb.gz`, `.json`), and a
//! `labels.jsonl` with `session_id`, `library` and `label` per session. Each library is replayed
//! through its own fresh [`replay::pipeline`] (the session and tool processors of the default
//! config: `session`, `schema_drift`, `tool_outcome`, `auth_rot`, `silent_failure`, `tool_loop`;
//! default options) in capture order, or with [`Daemons::One`] all libraries through one
//! pipeline, interleaved in capture order as one daemon would receive them; on a simulated clock
//! (half a second between requests). The [`Report`] gives precision and recall per failure mode
//! (a session is predicted positive for a mode when its summary has a finding of that kind) and
//! the false-positive rate on `ok` sessions (an `ok` session with any finding of an in-scope
//! kind). Labels outside [`MODES`] are not scored, but their findings count as false positives
//! of the modes they name. [`Report::below`] lists the modes under an F1 bar, so that
//! `spotter detection DIR --min-f1 X` can gate on it.
//!
//! Captured requests may be stored gzip-compressed whatever their format (`.pb.gz`,
//! `.json.gz`), as the wide corpus under `tests/corpus/out/` stores them.

pub mod replay;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::summary::SessionSummary;

/// The failure modes scored, named as the labels and the finding kinds name them.
pub const MODES: &[&str] = &[
    "auth_rot",
    "schema_drift",
    "silent_failure",
    "tool_loop",
    "goal_not_met",
];

#[derive(Debug, thiserror::Error)]
pub enum DetectionError {
    #[error("cannot read {path:?}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot decode {path:?}: {message}")]
    Decode { path: PathBuf, message: String },
    #[error("invalid labels {path:?} line {line}: {message}")]
    Labels {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("cannot build the detection pipeline: {0}")]
    Pipeline(String),
}

#[derive(Debug, Clone, Deserialize)]
struct Label {
    session_id: String,
    library: String,
    label: String,
}

/// One labelled session and what spotter found.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionResult {
    pub session_id: String,
    pub library: String,
    pub label: String,
    /// Finding kinds, sorted.
    pub found: BTreeSet<String>,
    /// `kind (turn N): detail` per finding.
    pub details: Vec<String>,
}

/// Precision and recall of one mode.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ModeScore {
    pub mode: &'static str,
    pub true_positives: usize,
    pub false_positives: usize,
    pub false_negatives: usize,
}

impl ModeScore {
    pub fn precision(&self) -> f64 {
        ratio(
            self.true_positives,
            self.true_positives + self.false_positives,
        )
    }

    pub fn recall(&self) -> f64 {
        ratio(
            self.true_positives,
            self.true_positives + self.false_negatives,
        )
    }

    /// The harmonic mean of precision and recall (0 when both are 0).
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

/// The scored replay.
#[derive(Debug, Clone)]
pub struct Report {
    pub sessions: Vec<SessionResult>,
    pub modes: Vec<ModeScore>,
    pub ok_sessions: usize,
    pub ok_with_findings: usize,
    /// Labelled sessions the replay produced no summary for.
    pub missing: Vec<String>,
}

impl Report {
    pub fn ok_false_positive_rate(&self) -> f64 {
        if self.ok_sessions == 0 {
            0.0
        } else {
            self.ok_with_findings as f64 / self.ok_sessions as f64
        }
    }

    /// Modes whose F1 is below `min_f1`.
    pub fn below(&self, min_f1: f64) -> Vec<&ModeScore> {
        self.modes.iter().filter(|m| m.f1() < min_f1).collect()
    }

    pub fn mode(&self, mode: &str) -> Option<&ModeScore> {
        self.modes.iter().find(|m| m.mode == mode)
    }

    /// Sessions whose findings disagree with their label.
    pub fn mistakes(&self) -> impl Iterator<Item = &SessionResult> {
        self.sessions.iter().filter(|s| {
            let expected: BTreeSet<String> = MODES
                .iter()
                .filter(|m| **m == s.label)
                .map(|m| m.to_string())
                .collect();
            s.found != expected
        })
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "detection on {} labelled sessions", self.sessions.len())?;
        writeln!(
            f,
            "{:<16} {:>9} {:>7} {:>5} {:>4} {:>4} {:>4}",
            "mode", "precision", "recall", "f1", "tp", "fp", "fn"
        )?;
        for m in &self.modes {
            writeln!(
                f,
                "{:<16} {:>9.2} {:>7.2} {:>5.2} {:>4} {:>4} {:>4}",
                m.mode,
                m.precision(),
                m.recall(),
                m.f1(),
                m.true_positives,
                m.false_positives,
                m.false_negatives
            )?;
        }
        writeln!(
            f,
            "ok sessions: {}, with findings: {} (false-positive rate {:.2})",
            self.ok_sessions,
            self.ok_with_findings,
            self.ok_false_positive_rate()
        )?;
        let mistakes: Vec<&SessionResult> = self.mistakes().collect();
        if !mistakes.is_empty() {
            writeln!(f, "sessions whose findings differ from their label:")?;
            for s in mistakes {
                let found: Vec<&str> = s.found.iter().map(String::as_str).collect();
                writeln!(
                    f,
                    "  {} {} label={} found=[{}]",
                    s.library,
                    s.session_id,
                    s.label,
                    found.join(",")
                )?;
                for d in &s.details {
                    writeln!(f, "    {d}")?;
                }
            }
        }
        if !self.missing.is_empty() {
            writeln!(
                f,
                "labelled sessions without a summary: {}",
                self.missing.join(", ")
            )?;
        }
        Ok(())
    }
}

fn read_labels(path: &Path) -> Result<Vec<Label>, DetectionError> {
    let text = std::fs::read_to_string(path).map_err(|source| DetectionError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|e| DetectionError::Labels {
                path: path.to_path_buf(),
                line: i + 1,
                message: e.to_string(),
            })
        })
        .collect()
}

/// How the captured requests are delivered to the pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Delivery {
    /// As captured.
    #[default]
    Original,
    /// Every span in its own request, in capture order (the worst batching).
    OneSpanPerRequest,
    /// Every request's spans reversed (children after parents, roots first).
    Reversed,
}

/// Replay every library folder of `dir` through **one** chain, as one daemon would receive
/// them: the requests of all libraries interleaved in capture order (the `seq` of each
/// request's `.meta.json`; files without one follow in name order). Returns the summaries by
/// session id.
pub fn replay_folder(
    dir: &Path,
    libraries: &[&str],
    delivery: Delivery,
) -> Result<BTreeMap<String, SessionSummary>, DetectionError> {
    let mut files = Vec::new();
    for lib in libraries {
        for file in replay::request_files(&dir.join(lib))? {
            files.push((replay::capture_seq(&file), lib.to_string(), file));
        }
    }
    files.sort();
    let mut chain = replay::Chain::detection()?;
    for (_, _, file) in files {
        let req = replay::decode(&file)?;
        match delivery {
            Delivery::Original => chain.feed(req),
            Delivery::OneSpanPerRequest => {
                for one in replay::split_spans(req) {
                    chain.feed_quick(one);
                }
                chain.advance(std::time::Duration::from_millis(500));
            }
            Delivery::Reversed => chain.feed(replay::reversed(req)),
        }
    }
    Ok(chain
        .finish()
        .into_iter()
        .map(|s| (s.session_id.clone(), s))
        .collect())
}

/// Replay every library of `dir` as captured and score the findings against
/// `dir/labels.jsonl`.
pub fn run(dir: &Path) -> Result<Report, DetectionError> {
    run_with(dir, Delivery::Original)
}

/// How many pipelines the libraries of a folder are replayed through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Daemons {
    /// A fresh pipeline per library folder.
    #[default]
    PerLibrary,
    /// One pipeline for all libraries, requests interleaved in capture order, as one daemon
    /// receiving every agent would see them.
    One,
}

/// [`run`] with another delivery of the same requests.
pub fn run_with(dir: &Path, delivery: Delivery) -> Result<Report, DetectionError> {
    run_replay(dir, delivery, Daemons::PerLibrary)
}

/// [`run_with`], choosing how many pipelines replay the libraries. Session ids are unique
/// across libraries.
pub fn run_replay(
    dir: &Path,
    delivery: Delivery,
    daemons: Daemons,
) -> Result<Report, DetectionError> {
    let labels = read_labels(&dir.join("labels.jsonl"))?;
    let libraries: BTreeSet<&str> = labels.iter().map(|l| l.library.as_str()).collect();
    let libraries: Vec<&str> = libraries.into_iter().collect();
    let summaries = match daemons {
        Daemons::One => replay_folder(dir, &libraries, delivery)?,
        Daemons::PerLibrary => {
            let mut all = BTreeMap::new();
            for lib in &libraries {
                all.extend(replay_folder(dir, &[lib], delivery)?);
            }
            all
        }
    };
    let mut sessions = Vec::new();
    let mut missing = Vec::new();
    for l in &labels {
        let Some(summary) = summaries.get(&l.session_id) else {
            missing.push(l.session_id.clone());
            continue;
        };
        let in_scope = summary
            .findings
            .iter()
            .filter(|f| MODES.contains(&f.kind.as_str()));
        sessions.push(SessionResult {
            session_id: l.session_id.clone(),
            library: l.library.clone(),
            label: l.label.clone(),
            found: in_scope.clone().map(|f| f.kind.clone()).collect(),
            details: in_scope
                .map(|f| format!("{} (turn {}): {}", f.kind, f.first_turn, f.detail))
                .collect(),
        });
    }
    let modes = MODES
        .iter()
        .map(|mode| {
            let mut m = ModeScore {
                mode,
                true_positives: 0,
                false_positives: 0,
                false_negatives: 0,
            };
            for s in &sessions {
                let predicted = s.found.contains(*mode);
                let actual = s.label == *mode;
                match (predicted, actual) {
                    (true, true) => m.true_positives += 1,
                    (true, false) => m.false_positives += 1,
                    (false, true) => m.false_negatives += 1,
                    (false, false) => {}
                }
            }
            m
        })
        .collect();
    let ok: Vec<&SessionResult> = sessions.iter().filter(|s| s.label == "ok").collect();
    Ok(Report {
        ok_sessions: ok.len(),
        ok_with_findings: ok.iter().filter(|s| !s.found.is_empty()).count(),
        modes,
        sessions,
        missing,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixtures() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures")
    }

    #[test]
    fn scores_count_as_documented() {
        let m = ModeScore {
            mode: "auth_rot",
            true_positives: 9,
            false_positives: 1,
            false_negatives: 0,
        };
        assert!((m.precision() - 0.9).abs() < 1e-9);
        assert_eq!(m.recall(), 1.0);
        assert!((m.f1() - 2.0 * 0.9 / 1.9).abs() < 1e-9);
    }

    #[test]
    fn f1_is_zero_when_nothing_is_found() {
        let m = ModeScore {
            mode: "goal_not_met",
            true_positives: 0,
            false_positives: 0,
            false_negatives: 4,
        };
        assert_eq!(m.f1(), 0.0);
        let report = Report {
            sessions: Vec::new(),
            modes: vec![m],
            ok_sessions: 0,
            ok_with_findings: 0,
            missing: Vec::new(),
        };
        assert_eq!(report.below(0.5).len(), 1);
        assert!(report.below(0.0).is_empty());
    }

    #[test]
    fn labels_with_errors_name_the_line() {
        let dir = fixtures();
        let err = read_labels(&dir.join("no-such-labels.jsonl")).unwrap_err();
        assert!(matches!(err, DetectionError::Read { .. }));
    }
}
