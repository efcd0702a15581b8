//! spotter: an OpenTelemetry-Collector-style sidecar that understands AI agent sessions.
//!
//! Data flows one way. A [`receiver`] (OTLP/gRPC or OTLP/HTTP) decodes a request once and hands
//! the batch to the shared [`pipeline`] entry point, which admits it or pushes back. Each
//! pipeline runs its [`processor`]s in the order the config lists them (the agent processors read
//! spans through the typed views in [`semconv`]), then fans the batch out to its [`exporter`]s,
//! each behind its own bounded sending queue with retry. Processors that track sessions emit
//! [`summary::SessionSummary`] records when a session ends. [`telemetry`] serves the Prometheus
//! endpoint, health and readiness. [`config`] turns YAML into validated, resolved types.
//!
//! Module map:
//! - [`config`]: raw YAML types, `${env:VAR}` substitution, validation with key paths and lines;
//! - [`receiver`]: OTLP/gRPC and OTLP/HTTP listeners and payload decoding;
//! - [`grpc`]: the pass-through gRPC codec and retry-hint statuses receiver and exporter share;
//! - [`pipeline`]: the batch type (`payload`), the intake, the processor runner (`engine`), the
//!   memory guard (`admission`), the write-ahead log (`wal`), the service and shutdown drain;
//! - [`processor`]: the processor trait and one module per processor kind, named as the kind:
//!   `session`, `outcome` (a session's outcome), `cost`, `agent_metrics`, `attributes`,
//!   `redaction`, `batch`, and under `tool/` the tool-call processors `tool_outcome`,
//!   `schema_drift`, `auth_rot`, `silent_failure`, `tool_loop` with their shared parts
//!   (`classifier`: a tool call's outcome classes and rules, `result`, `call`, `names`);
//! - [`pricing`]: model price and context-window tables, model-name matching, call cost;
//! - [`exporter`]: the exporter trait, sending queues, retry, and the otlp/file/debug exporters;
//! - [`semconv`]: attribute keys of every agent instrumentation convention and the span views;
//! - [`summary`]: the session summary record shared by the agent processors;
//! - [`summary_span`]: a finished session as one OTLP span, for vendors;
//! - [`detection`]: `spotter detection`, replaying labelled fixtures and scoring the findings;
//! - [`telemetry`]: self-metrics names, the metrics and health listeners, logging.

pub mod config;
pub mod detection;
pub mod exporter;
pub mod grpc;
pub mod pipeline;
pub mod pricing;
pub mod processor;
pub mod receiver;
pub mod semconv;
pub mod summary;
pub mod summary_span;
pub mod telemetry;
