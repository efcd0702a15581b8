//! Processors: small types behind one trait, run in the order a pipeline lists them.
//!
//! Each processor module holds its YAML options (`Config`, with `deny_unknown_fields`), its
//! documentation and its unit tests. [`registry::KINDS`] lists every kind with its constructor;
//! [`build`] turns a component id and its YAML into a boxed processor through it (the kind is the
//! part of the id before `/`: `attributes/env` is an `attributes`). [`chain::Chain`] drives a
//! list of processors the one way the engine, `spotter detection` and the benchmarks share.

pub mod agent_metrics;
pub mod attributes;
pub mod baseline;
pub mod batch;
pub mod chain;
pub mod cost;
pub mod evaluation_events;
pub mod failure_modes;
pub mod genai_events;
pub mod goal;
pub mod outcome;
pub mod redaction;
pub mod registry;
pub mod screen;
pub mod session;
pub mod session_states;
pub mod tool;

use std::time::Instant;

use serde::de::DeserializeOwned;

use crate::config::ConfigError;
use crate::pipeline::Batch;
use crate::summary::SessionSummary;
use crate::telemetry::Catalog;

/// What a pipeline asks of a processor.
///
/// Contract:
/// - `process` takes ownership of a batch and pushes zero or more batches to `out`. It may change
///   attributes, status and events of spans, and may add spans; it must not drop spans unless its
///   documentation says so (counted by the pipeline as incoming minus outgoing).
/// - A processor may hold data back (batching, session grouping). It then reports, through
///   `next_deadline`, when it next wants `on_tick`, and must release held data no later than the
///   wait its documentation promises.
/// - Building a processor (`new`) only checks and resolves its options: no files are read
///   besides config input, no state is loaded and no metric is set, so `spotter validate` can
///   build every processor without side effects. `start` loads state (files) and publishes
///   initial gauges; it is called once, before the first batch.
/// - `shutdown` releases everything still held; it is called once, when the pipeline drains.
/// - Processors are driven by one task per pipeline, so they need no locking of their own state,
///   and must never block or await.
/// - Session-aware processors may emit finished sessions in `poll_summaries`; every processor of
///   the pipeline then gets to add what it knows in `enrich_summary`, in pipeline order.
/// - A processor that `takes_logs` gets the log batches of its receivers too, and must consume
///   them; `finish` sees every outgoing batch, and may only remove what the processor added.
pub trait Processor: Send {
    /// The component id, e.g. `batch` or `attributes/env`.
    fn id(&self) -> &str;

    /// Load state and publish initial gauges; called once before the first batch.
    fn start(&mut self) {}

    fn process(&mut self, batch: Batch, now: Instant, out: &mut Vec<Batch>);

    /// When this processor next needs `on_tick`, if it holds anything.
    fn next_deadline(&self) -> Option<Instant> {
        None
    }

    /// Release whatever is due at `now`.
    fn on_tick(&mut self, _now: Instant, _out: &mut Vec<Batch>) {}

    /// Release everything still held; the pipeline is draining.
    fn shutdown(&mut self, _out: &mut Vec<Batch>) {}

    /// Move finished sessions to `out`.
    fn poll_summaries(&mut self, _now: Instant, _out: &mut Vec<SessionSummary>) {}

    /// Add this processor's knowledge to a finished session.
    fn enrich_summary(&mut self, _summary: &mut SessionSummary) {}

    /// Whether this processor of a traces pipeline also takes the log batches its receivers
    /// get (the `genai_events` join). Such a processor must come first in its pipeline and
    /// consume every log batch, so that no later processor or exporter sees logs.
    fn takes_logs(&self) -> bool {
        false
    }

    /// Called on every batch leaving the pipeline's last processor, in pipeline order: undo
    /// what this processor added only for the later processors' benefit.
    fn finish(&mut self, _batch: &mut Batch) {}
}

/// The processors' self-metrics (the describe hook of the processor family).
pub fn describe(c: &mut Catalog) {
    session::describe(c);
    tool::names::describe(c);
    agent_metrics::names::describe(c);
    failure_modes::names::describe(c);
    baseline::describe(c);
    genai_events::describe(c);
    goal::judge::describe(c);
}

/// Build one processor from its component id and YAML options, through the [`registry`].
///
/// `path` is the config path of the options (`processors.batch`), for error messages.
pub fn build(
    id: &str,
    options: &serde_yaml::Value,
    path: &str,
) -> Result<Box<dyn Processor>, ConfigError> {
    match registry::kind_of(id) {
        Some(kind) => (kind.build)(id, options, path),
        None => Err(ConfigError::UnknownComponent {
            path: path.to_string(),
            kind: id.split('/').next().unwrap_or(id).to_string(),
            family: "processor",
        }),
    }
}

/// Deserialize a component's options, naming the offending key path on error.
/// A missing or `null` options block means all defaults.
pub fn parse_options<T: DeserializeOwned + Default>(
    options: &serde_yaml::Value,
    path: &str,
) -> Result<T, ConfigError> {
    crate::config::parse_component(options, path)
}
