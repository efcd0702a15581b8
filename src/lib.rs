//! spotter: an OpenTelemetry-Collector-style sidecar that understands AI agent sessions.
//!
//! Data flows one way. A [`receiver`] (OTLP/gRPC or OTLP/HTTP) decodes a request once and hands
//! the batch to the shared [`pipeline`] intake, which admits it or pushes back. Each pipeline
//! runs its [`processor`]s in the order the config lists them (the agent processors read spans
//! through the typed views in [`semconv`]), then fans the batch out to its [`exporter`]s, each
//! behind its own bounded sending queue with retry. Processors that track sessions emit
//! [`summary::SessionSummary`] records when a session ends. The [`service`] builds and runs all
//! of it from a [`config`], which only describes; [`extension`]s (health, memory limiter, file
//! storage) serve the pipelines beside the data path.
//!
//! Modules are layered: each uses only modules of lower layers (checked by
//! `tests/architecture.rs`; DESIGN.md, "Module order"), bottom first:
//! - [`config`]: raw YAML types, `${env:VAR}` substitution, validation with key paths and lines;
//! - [`telemetry`]: the describe hook every component lists its metrics through, the
//!   self-metric events of the data path, logging;
//! - [`listener`]: HTTP serving shared by receivers and health endpoints (connection timeouts
//!   and caps, accept back-off, clean closes), TLS and bearer auth;
//!   [`grpc`]: the pass-through gRPC codec and retry-hint statuses;
//! - [`extension`]: `health_check` (with `/metrics`), `memory_limiter`, `file_storage` (the
//!   write-ahead log);
//! - [`pipeline`]: the batch type and its per-batch caches, the intake receivers submit to;
//! - [`semconv`]: attribute keys of every agent instrumentation convention and the span views;
//!   [`pricing`]: model price and context-window tables; [`summary`]: the session summary
//!   record; [`summary_span`]: a finished session as one OTLP span, for vendors;
//! - [`receiver`]: OTLP/gRPC and OTLP/HTTP listeners and payload decoding;
//!   [`processor`]: the processor trait, the `registry` of kinds, the `chain` that drives
//!   processors, and one module per processor kind, named as the kind: `session`, `outcome` (a
//!   session's outcome), `cost`, `agent_metrics`, `attributes`, `redaction`, `batch`, `goal`
//!   (goal_not_met), and under
//!   `tool/` the tool-call processors `tool_outcome`, `schema_drift`, `auth_rot`,
//!   `silent_failure`, `tool_loop` with their shared parts (`classifier`: a tool call's outcome
//!   classes and rules, `result`, `call`, `names`);
//!   [`exporter`]: the exporter trait, sending queues, retry, and the otlp/file/debug exporters;
//! - [`service`]: the `plan` that builds every component from config once, then starts
//!   listeners and, behind them, a generation of pipelines (the engine) and exporters; reloads
//!   swap the generation with rollback, shutdown drains it within its deadline; [`detection`]: `spotter detection`, replaying labelled fixtures.

pub mod client;
pub mod config;
pub mod detection;
pub mod exporter;
pub mod extension;
pub mod failure;
pub mod grpc;
pub mod listener;
pub mod pipeline;
pub mod pricing;
pub mod processor;
pub mod receiver;
pub mod semconv;
pub mod service;
pub mod summary;
pub mod summary_span;
pub mod telemetry;
