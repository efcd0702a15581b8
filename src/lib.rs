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
//! - [`pipeline`]: the batch type, the pipeline graph, the processor runner and shutdown drain;
//! - [`processor`]: the processor trait and one module per processor;
//! - [`pricing`]: model price and context-window tables, model-name matching, call cost;
//! - [`exporter`]: the exporter trait, sending queues, retry, and the otlp/file/debug exporters;
//! - [`semconv`]: attribute keys of every agent instrumentation convention and the span views;
//! - [`summary`]: the session summary record shared by the agent processors;
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
pub mod telemetry;
