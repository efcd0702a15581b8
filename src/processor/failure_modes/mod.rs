//! `failure_modes`: groups every finding of the detectors into a few failure modes, keeps their
//! lifecycle, and marks what a team said about them.
//!
//! Place it after the detectors (`schema_drift`, `tool_outcome`, `auth_rot`, `silent_failure`,
//! `loop`, and any that add findings) and before `outcome`, which then treats ignored modes as no
//! session failure.
//!
//! - **Fingerprints** ([`template`], [`extract`]): each failure on a span (tool outcome classes
//!   as `tool_error`, `auth_rot`, `silent_failure`, `schema_drift`, `tool_loop`, `goal_not_met`,
//!   failed model calls as `llm_error`) gets a fingerprint from kind + `service.name` + tool (the
//!   model for `llm_error`) + cause (outcome class, error code) + the masked error template (for
//!   drift, the diff). The span gets `spotter.failure.fingerprint` and `spotter.failure.mode`
//!   of its most specific failure (and `spotter.failure.fingerprints` when it has several);
//!   findings of the session summary that no span carried get one from their own text.
//! - **Registry** ([`registry`]): per mode, first/last seen in event time, occurrences,
//!   sessions, releases, examples and a state (new, ongoing, escalating, resolved, regressed,
//!   ignored), persisted to `state_file` (atomic writes every `flush_interval` and on shutdown).
//! - **Annotations** ([`annotations`]): `annotations_file` names, confirms, ignores modes and
//!   links evals; `manifest` lists evals and the fingerprints they cover. Both are re-read when
//!   they change.
//! - **Where it shows** ([`board`]): `GET /v1/failure-modes` on the telemetry port; metrics
//!   `spotter_failure_mode_sessions_total{kind,tool,mode}`, `spotter_failure_modes{state}`,
//!   `spotter_eval_coverage_ratio`; each session summary gets `failure_modes` and
//!   `review_priority`, and (when `transcripts` is on) the transcript the `evalcases` exporter
//!   turns into regression cases.
//!
//! ```yaml
//! processors:
//!   failure_modes:
//!     state_file: /var/lib/spotter/failure-modes.json
//!     resolve_after: 14d
//!     annotations_file: /etc/spotter/failure-modes.yaml
//!     manifest: evals/manifest.jsonl
//! ```

pub mod board;
pub mod extract;
pub mod names;
pub mod registry;
pub mod template;
pub mod transcript;

use std::collections::{BTreeSet, HashMap};
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use lru::LruCache;
use serde::Deserialize;

use super::tool::call::edit_spans;
use super::tool::edit::{boolean, SpanEdit};
use super::tool::labels::BoundedLabels;
use super::Processor;
use crate::config::{ConfigError, DurationStr};
use crate::failure::annotations::{self, Annotation, Watched};
use crate::failure::transcript::Transcript;
pub use crate::failure::SessionMode;
use crate::semconv::value;
use crate::summary::{Finding, SessionSummary};
use registry::{Lifecycle, Registry, Sighting, State};
use template::Key;

const DAY: Duration = Duration::from_secs(86_400);

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub state_file: Option<PathBuf>,
    pub resolve_after: DurationStr,
    pub annotations_file: Option<PathBuf>,
    pub manifest: Option<PathBuf>,
    /// How long a mode stays `new` (and a regression `regressed`).
    pub new_for: DurationStr,
    pub escalation: Escalation,
    pub max_modes: usize,
    pub max_sessions: usize,
    pub examples: usize,
    pub max_mode_labels: usize,
    pub max_tool_labels: usize,
    pub flush_interval: DurationStr,
    /// Keep each session's inputs, answers and tool calls for the `evalcases` exporter.
    pub transcripts: bool,
    /// Live sessions with a transcript at once; later sessions get none (bounds memory to about
    /// this × 200 KiB at worst).
    pub max_transcripts: usize,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Escalation {
    pub window: DurationStr,
    pub baseline: DurationStr,
    pub min_sessions: u32,
    pub p_value: f64,
}

impl Default for Escalation {
    fn default() -> Self {
        Escalation {
            window: DurationStr(Duration::from_secs(3600)),
            baseline: DurationStr(7 * DAY),
            min_sessions: 5,
            p_value: 0.001,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            state_file: None,
            resolve_after: DurationStr(14 * DAY),
            annotations_file: None,
            manifest: None,
            new_for: DurationStr(DAY),
            escalation: Escalation::default(),
            max_modes: 10_000,
            max_sessions: 10_000,
            examples: 5,
            max_mode_labels: 100,
            max_tool_labels: 50,
            flush_interval: DurationStr(Duration::from_secs(10)),
            transcripts: true,
            max_transcripts: 256,
        }
    }
}

/// A fingerprinted failure seen in a live session.
#[derive(Debug, Clone)]
struct Seen {
    fingerprint: String,
    kind: &'static str,
    tool: String,
    cause: String,
    template: String,
    occurrences: u64,
    trace_id: Option<String>,
}

#[derive(Debug, Default)]
struct Live {
    service: String,
    release: Option<String>,
    last_time: u64,
    seen: Vec<Seen>,
    transcript: Option<Transcript>,
}

/// Failures kept per live session.
const MAX_SEEN: usize = 64;

pub struct FailureModesProcessor {
    id: String,
    config: Config,
    registry: Registry,
    sessions: LruCache<String, Live>,
    annotations: HashMap<String, Annotation>,
    covered: HashMap<String, BTreeSet<String>>,
    annotations_watch: Option<Watched>,
    manifest_watch: Option<Watched>,
    mode_labels: BoundedLabels,
    tool_labels: BoundedLabels,
    next_tick: Instant,
    last_flush: Instant,
    /// Live sessions holding a transcript.
    transcripts_live: usize,
    published: bool,
}

fn wall_nanos() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn string_array(
    items: impl Iterator<Item = String>,
) -> opentelemetry_proto::tonic::common::v1::AnyValue {
    use opentelemetry_proto::tonic::common::v1::{any_value::Value, ArrayValue};
    opentelemetry_proto::tonic::common::v1::AnyValue {
        value: Some(Value::ArrayValue(ArrayValue {
            values: items.map(value::string).collect(),
        })),
    }
}

fn nanos(d: Duration) -> u64 {
    d.as_nanos().min(u128::from(u64::MAX)) as u64
}

impl FailureModesProcessor {
    pub fn new(id: &str, config: Config, path: &str) -> Result<Self, ConfigError> {
        let positive = |value: Duration, key: &str| {
            if value.is_zero() {
                Err(ConfigError::invalid(
                    format!("{path}.{key}"),
                    "must be above zero",
                ))
            } else {
                Ok(())
            }
        };
        positive(config.resolve_after.0, "resolve_after")?;
        positive(config.escalation.window.0, "escalation.window")?;
        positive(config.flush_interval.0, "flush_interval")?;
        if config.escalation.baseline.0 < config.escalation.window.0 {
            return Err(ConfigError::invalid(
                format!("{path}.escalation.baseline"),
                "must be at least one window",
            ));
        }
        if !(config.escalation.p_value > 0.0 && config.escalation.p_value < 1.0) {
            return Err(ConfigError::invalid(
                format!("{path}.escalation.p_value"),
                "must be between 0 and 1",
            ));
        }
        let max_sessions = NonZeroUsize::new(config.max_sessions).ok_or_else(|| {
            ConfigError::invalid(format!("{path}.max_sessions"), "must be at least 1")
        })?;
        if config.max_modes == 0 {
            return Err(ConfigError::invalid(
                format!("{path}.max_modes"),
                "must be at least 1",
            ));
        }
        let lifecycle = Lifecycle {
            resolve_after: nanos(config.resolve_after.0),
            new_for: nanos(config.new_for.0),
            window: nanos(config.escalation.window.0),
            baseline: nanos(config.escalation.baseline.0),
            min_sessions: config.escalation.min_sessions.max(1),
            p_value: config.escalation.p_value,
            examples: config.examples,
        };
        let registry = Registry::new(config.max_modes, lifecycle);
        let now = Instant::now();
        Ok(FailureModesProcessor {
            id: id.to_string(),
            registry,
            sessions: LruCache::new(max_sessions),
            annotations: HashMap::new(),
            covered: HashMap::new(),
            annotations_watch: config.annotations_file.clone().map(Watched::new),
            manifest_watch: config.manifest.clone().map(Watched::new),
            mode_labels: BoundedLabels::new(config.max_mode_labels),
            tool_labels: BoundedLabels::new(config.max_tool_labels),
            next_tick: now,
            last_flush: now,
            transcripts_live: 0,
            published: false,
            config,
        })
    }

    /// Load the state file, the annotations and the manifest; publish the registry.
    fn load(&mut self) {
        if let Some(file) = &self.config.state_file {
            match self.registry.load(file) {
                Ok(n) => tracing::info!(path = %file.display(), modes = n, "failure modes loaded"),
                Err(e) => {
                    let error = match e {
                        registry::RegistryError::Corrupt { .. } => "corrupt",
                        _ => "read",
                    };
                    metrics::counter!(names::STATE_ERRORS_TOTAL, "error" => error).increment(1);
                    tracing::warn!("{e}");
                }
            }
        }
        self.reload_files();
        self.registry.advance();
        self.publish();
    }

    fn reload_files(&mut self) {
        if let Some(w) = self.annotations_watch.as_mut() {
            match w.changed().and_then(|t| {
                t.map(|t| annotations::parse_annotations(&t, &w.path))
                    .transpose()
            }) {
                Ok(Some(a)) => {
                    tracing::info!(path = %w.path.display(), modes = a.len(), "annotations loaded");
                    self.annotations = a;
                    self.published = false;
                }
                Ok(None) => {}
                Err(e) => {
                    metrics::counter!(names::STATE_ERRORS_TOTAL, "error" => "annotations")
                        .increment(1);
                    tracing::warn!("{e}; keeping the previous annotations");
                }
            }
        }
        if let Some(w) = self.manifest_watch.as_mut() {
            match w.changed().and_then(|t| {
                t.map(|t| annotations::parse_manifest(&t, &w.path))
                    .transpose()
            }) {
                Ok(Some(m)) => {
                    tracing::info!(path = %w.path.display(), fingerprints = m.len(), "eval manifest loaded");
                    self.covered = m;
                    self.published = false;
                }
                Ok(None) => {}
                Err(e) => {
                    metrics::counter!(names::STATE_ERRORS_TOTAL, "error" => "manifest")
                        .increment(1);
                    tracing::warn!("{e}; keeping the previous manifest");
                }
            }
        }
    }

    fn is_ignored(&self, fingerprint: &str) -> bool {
        self.annotations.get(fingerprint).is_some_and(|a| a.ignored)
    }

    /// Eval ids covering a mode.
    fn evals(&self, fingerprint: &str) -> Vec<String> {
        let mut out: BTreeSet<String> = self.covered.get(fingerprint).cloned().unwrap_or_default();
        if let Some(a) = self.annotations.get(fingerprint) {
            out.extend(a.evals.iter().cloned());
        }
        out.into_iter().collect()
    }

    fn mode_name(&self, fingerprint: &str, auto: String) -> String {
        self.annotations
            .get(fingerprint)
            .and_then(|a| a.name.clone())
            .unwrap_or(auto)
    }

    fn stamp(&mut self, batch: &mut crate::pipeline::Batch) {
        let transcripts = self.config.transcripts;
        let max_transcripts = self.config.max_transcripts;
        let transcripts_live = &mut self.transcripts_live;
        let annotations = &self.annotations;
        let sessions = &mut self.sessions;
        let mut work: Vec<(String, Live)> = Vec::new();
        edit_spans(batch, |view, _| {
            let failures = extract::failures(view);
            let session = view.session_id();
            if failures.is_empty() && !(transcripts && session.is_some()) {
                return None;
            }
            let service = view
                .resource_value("service.name")
                .and_then(value::as_str)
                .unwrap_or_default()
                .to_string();
            let span = view.span();
            let trace = hex(view.trace_id());
            let fps: Vec<(String, String)> = failures
                .iter()
                .map(|f| {
                    let key = Key {
                        kind: f.kind,
                        service: &service,
                        tool: &f.tool,
                        cause: &f.cause,
                        template: &f.template,
                    };
                    let fp = key.fingerprint();
                    let name = annotations
                        .get(&fp)
                        .and_then(|a| a.name.clone())
                        .unwrap_or_else(|| key.name());
                    (fp, name)
                })
                .collect();
            if let Some(session) = session {
                let live = match work.iter().position(|(s, _)| s.as_str() == session) {
                    Some(i) => &mut work[i].1,
                    None => {
                        let live = sessions.pop(session.as_ref()).unwrap_or_default();
                        work.push((session.into_owned(), live));
                        &mut work.last_mut().expect("just pushed").1
                    }
                };
                if live.service.is_empty() {
                    live.service.clone_from(&service);
                }
                if let Some(v) = view.service_version() {
                    live.release = Some(v.to_string());
                }
                live.last_time = live.last_time.max(span.end_time_unix_nano);
                for (f, (fp, _)) in failures.iter().zip(&fps) {
                    let full = live.seen.len() >= MAX_SEEN;
                    match live.seen.iter_mut().find(|s| &s.fingerprint == fp) {
                        Some(s) => s.occurrences += 1,
                        None if !full => live.seen.push(Seen {
                            fingerprint: fp.clone(),
                            kind: f.kind,
                            tool: f.tool.clone(),
                            cause: f.cause.clone(),
                            template: f.template.clone(),
                            occurrences: 1,
                            trace_id: Some(trace.clone()),
                        }),
                        None => {}
                    }
                }
                if transcripts && live.transcript.is_none() && *transcripts_live < max_transcripts {
                    live.transcript = Some(Transcript::default());
                    *transcripts_live += 1;
                }
                if let Some(t) = live.transcript.as_mut() {
                    transcript::observe(t, view, fps.first().map(|(fp, _)| fp.as_str()));
                }
            }
            let (primary, name) = fps.first()?;
            let mut edit = SpanEdit::default();
            edit.set(names::ATTR_FINGERPRINT, value::string(primary.clone()));
            edit.set(names::ATTR_MODE, value::string(name.clone()));
            if fps.len() > 1 {
                edit.set(
                    names::ATTR_FINGERPRINTS,
                    string_array(fps.iter().map(|(fp, _)| fp.clone())),
                );
            }
            if fps
                .iter()
                .all(|(fp, _)| annotations.get(fp).is_some_and(|a| a.ignored))
            {
                edit.set(names::ATTR_IGNORED, boolean(true));
            }
            Some(edit)
        });
        for (session, live) in work {
            if let Some((evicted, old)) = self.sessions.push(session.clone(), live) {
                if evicted != session {
                    if old.transcript.is_some() {
                        self.transcripts_live = self.transcripts_live.saturating_sub(1);
                    }
                    metrics::counter!(super::agent_metrics::names::AGENT_STATE_EVICTIONS_TOTAL,
                        "processor" => "failure_modes")
                    .increment(1);
                }
            }
        }
    }

    /// The fingerprint of a summary finding no span carried (findings made retroactively).
    fn fallback(&self, f: &Finding, service: &str) -> Seen {
        let tool = f.tool.clone().unwrap_or_default();
        let kind: &'static str = match f.kind.as_str() {
            names::KIND_AUTH_ROT => names::KIND_AUTH_ROT,
            names::KIND_SILENT_FAILURE => names::KIND_SILENT_FAILURE,
            names::KIND_GOAL_NOT_MET => names::KIND_GOAL_NOT_MET,
            names::KIND_SCHEMA_DRIFT => names::KIND_SCHEMA_DRIFT,
            names::KIND_TOOL_LOOP => names::KIND_TOOL_LOOP,
            names::KIND_LLM_ERROR => names::KIND_LLM_ERROR,
            _ => "other",
        };
        // Loops and unmet goals are fingerprinted by tool alone, as on spans; a drift finding's
        // text is the diff followed by where it was first seen.
        let template = match kind {
            names::KIND_TOOL_LOOP | names::KIND_GOAL_NOT_MET => String::new(),
            names::KIND_SCHEMA_DRIFT => {
                template::template(f.detail.split(" (first seen with").next().unwrap_or(""))
            }
            "other" => template::template(&format!("{} {}", f.kind, f.detail)),
            _ => template::template(&f.detail),
        };
        let key = Key {
            kind,
            service,
            tool: &tool,
            cause: "",
            template: &template,
        };
        Seen {
            fingerprint: key.fingerprint(),
            kind,
            tool,
            cause: String::new(),
            template,
            occurrences: 1,
            trace_id: None,
        }
    }

    /// Publish the registry to `/v1/failure-modes` and the gauges.
    fn publish(&mut self) {
        let coverage = board::publish(
            &self.registry,
            &self.annotations,
            |fp| self.evals(fp),
            self.config.resolve_after.0,
        );
        metrics::gauge!(names::EVAL_COVERAGE_RATIO).set(coverage);
        self.published = true;
    }

    fn flush(&mut self) {
        if let Some(file) = &self.config.state_file {
            if self.registry.dirty {
                if let Err(e) = self.registry.save(file) {
                    metrics::counter!(names::STATE_ERRORS_TOTAL, "error" => "write").increment(1);
                    tracing::warn!("{e}");
                }
            }
        }
    }
}

/// How much a session deserves review, 0..1: `1 − Π(1 − wᵢ)` over its modes that are not
/// ignored, with `w = severity(kind) × novelty(state) × (0.6 when an eval covers the mode)`.
pub fn review_priority(modes: &[SessionMode]) -> f64 {
    let mut keep = 1.0f64;
    for m in modes.iter().filter(|m| !m.ignored) {
        let severity = match m.kind.as_str() {
            names::KIND_SILENT_FAILURE | names::KIND_GOAL_NOT_MET => 0.9,
            names::KIND_AUTH_ROT => 0.8,
            names::KIND_TOOL_LOOP => 0.7,
            names::KIND_SCHEMA_DRIFT => 0.6,
            names::KIND_LLM_ERROR => 0.5,
            _ => 0.3,
        };
        let novelty = match m.state {
            State::New | State::Regressed => 1.0,
            State::Escalating => 0.9,
            State::Ongoing => 0.6,
            State::Resolved | State::Ignored => 0.4,
        };
        let covered = if m.evals.is_empty() { 1.0 } else { 0.6 };
        keep *= 1.0 - severity * novelty * covered;
    }
    (1.0f64 - keep).clamp(0.0, 1.0)
}

impl Processor for FailureModesProcessor {
    fn id(&self) -> &str {
        &self.id
    }

    fn process(
        &mut self,
        mut batch: crate::pipeline::Batch,
        _now: Instant,
        out: &mut Vec<crate::pipeline::Batch>,
    ) {
        self.stamp(&mut batch);
        out.push(batch);
    }

    fn start(&mut self) {
        self.load();
    }

    fn next_deadline(&self) -> Option<Instant> {
        Some(self.next_tick)
    }

    fn on_tick(&mut self, now: Instant, _out: &mut Vec<crate::pipeline::Batch>) {
        if now < self.next_tick {
            return;
        }
        self.next_tick = now + Duration::from_secs(1);
        self.reload_files();
        if self.registry.advance() > 0 {
            self.published = false;
        }
        if !self.published {
            self.publish();
        }
        if now.duration_since(self.last_flush) >= self.config.flush_interval.0 {
            self.last_flush = now;
            self.flush();
        }
    }

    fn shutdown(&mut self, _out: &mut Vec<crate::pipeline::Batch>) {
        self.registry.advance();
        self.publish();
        self.flush();
    }

    fn enrich_summary(&mut self, summary: &mut SessionSummary) {
        let mut live = self.sessions.pop(&summary.session_id).unwrap_or_default();
        if live.transcript.is_some() {
            self.transcripts_live = self.transcripts_live.saturating_sub(1);
        }
        let time = live.last_time.max(summary.last_seen_unix_nano);
        for f in &summary.findings {
            let tool = f.tool.clone().unwrap_or_default();
            let matched = live.seen.iter().any(|s| s.kind == f.kind && s.tool == tool)
                || (live.seen.iter().filter(|s| s.kind == f.kind).count() == 1
                    && f.kind == names::KIND_GOAL_NOT_MET);
            if !matched && live.seen.len() < MAX_SEEN {
                let seen = self.fallback(f, &live.service);
                if !live.seen.iter().any(|s| s.fingerprint == seen.fingerprint) {
                    live.seen.push(seen);
                }
            }
        }
        let wall = wall_nanos();
        self.registry.observe_time(time, wall);
        let mut modes = Vec::with_capacity(live.seen.len());
        for s in live.seen {
            let key = Key {
                kind: s.kind,
                service: &live.service,
                tool: &s.tool,
                cause: &s.cause,
                template: &s.template,
            };
            let auto = key.name();
            let state = self.registry.record(
                Sighting {
                    fingerprint: s.fingerprint.clone(),
                    name: auto.clone(),
                    kind: s.kind.to_string(),
                    service: live.service.clone(),
                    tool: s.tool.clone(),
                    cause: s.cause.clone(),
                    template: s.template.clone(),
                    occurrences: s.occurrences,
                    session_id: summary.session_id.clone(),
                    trace_id: s.trace_id.clone().or_else(|| summary.last_trace_id.clone()),
                    release: live.release.clone(),
                    time,
                },
                wall,
            );
            let ignored = self.is_ignored(&s.fingerprint);
            metrics::counter!(names::SESSIONS_TOTAL,
                "kind" => s.kind,
                "tool" => self.tool_labels.label(&s.tool),
                "mode" => self.mode_labels.label(&s.fingerprint))
            .increment(1);
            modes.push(SessionMode {
                mode: self.mode_name(&s.fingerprint, auto),
                evals: self.evals(&s.fingerprint),
                fingerprint: s.fingerprint,
                kind: s.kind.to_string(),
                tool: s.tool,
                service: live.service.clone(),
                cause: s.cause,
                state: if ignored { State::Ignored } else { state },
                occurrences: s.occurrences,
                ignored,
                trace_id: s.trace_id,
            });
        }
        if !modes.is_empty() {
            self.published = false;
            summary.review_priority = Some(review_priority(&modes));
        }
        summary.failure_modes = modes;
        summary.release = live.release;
        summary.transcript = live.transcript.map(Arc::new);
    }
}

#[cfg(test)]
mod tests;
