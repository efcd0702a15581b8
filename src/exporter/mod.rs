//! Exporters: the [`Exporter`] trait, sending queues with retry, and the `otlp` (gRPC),
//! `otlphttp`, `file` and `debug` exporters.
//!
//! An exporter only sends; queueing, retry, backoff and self-metrics live once, in
//! [`runner::ExporterRunner`], which wraps any exporter. Each exporter id gets one runner with
//! its own queue, shared by every pipeline that names it.

mod body;
pub mod debug;
pub mod file;
pub mod otlp_grpc;
pub mod otlp_http;
pub mod queue;
pub mod retry;
pub mod runner;
mod settings;

use std::time::Duration;

use futures::future::BoxFuture;

pub use runner::ExporterRunner;
pub use settings::{Compression, TlsSettings};

use crate::config::{parse_component, ConfigError};
use crate::pipeline::Batch;

/// Whether a failed export may be tried again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The downstream may accept later (429, 502, 503, 504, UNAVAILABLE, RESOURCE_EXHAUSTED,
    /// connection errors, timeouts).
    Retryable,
    /// Sending again would fail again (400, INVALID_ARGUMENT, ...); counted as failed.
    Permanent,
}

/// An export attempt failed. `message` says what failed; the library error that caused it, if
/// any, is kept as the source (see [`ExportError::report`] for the whole chain).
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct ExportError {
    pub kind: ErrorKind,
    pub message: String,
    /// The server's hint (Retry-After, RetryInfo).
    pub retry_after: Option<Duration>,
    #[source]
    pub source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl ExportError {
    pub fn retryable(message: impl Into<String>) -> Self {
        ExportError {
            kind: ErrorKind::Retryable,
            message: message.into(),
            retry_after: None,
            source: None,
        }
    }

    pub fn permanent(message: impl Into<String>) -> Self {
        ExportError {
            kind: ErrorKind::Permanent,
            message: message.into(),
            retry_after: None,
            source: None,
        }
    }

    /// Keep the library error that caused this one.
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }

    /// The message followed by every source, `: `-separated, for logs.
    pub fn report(&self) -> String {
        let mut text = self.message.clone();
        let mut next = std::error::Error::source(self);
        while let Some(e) = next {
            text.push_str(": ");
            text.push_str(&e.to_string());
            next = e.source();
        }
        text
    }

    pub fn with_retry_after(mut self, hint: Option<Duration>) -> Self {
        self.retry_after = hint;
        self
    }

    pub fn kind(&self) -> ErrorKind {
        self.kind
    }
}

/// Sends one batch to one destination.
///
/// Contract: `export` makes exactly one attempt and classifies failure as retryable or
/// permanent; it never retries itself and never holds the batch after returning. It must be safe
/// to call from several consumers at once. `shutdown` flushes anything buffered (files).
pub trait Exporter: Send + Sync {
    fn export<'a>(&'a self, batch: &'a Batch) -> BoxFuture<'a, Result<(), ExportError>>;

    fn shutdown(&self) -> BoxFuture<'_, ()> {
        Box::pin(async {})
    }

    /// A session ended. Exporters that carry summaries write them here (the `file` exporter), or
    /// return a batch to send through their queue (OTLP exporters with `summary_spans: true`).
    fn summary(&self, _summary: &crate::summary::SessionSummary) -> Option<Batch> {
        None
    }
}

/// The options every exporter shares, split out of its YAML.
pub struct Built {
    pub exporter: Box<dyn Exporter>,
    pub queue: queue::QueueSettings,
    pub retry: retry::RetrySettings,
    pub timeout: Duration,
    /// Vendor profile whose keys are added to spans before they are queued.
    pub profile: Option<crate::semconv::profile::Profile>,
}

fn kind_of(id: &str) -> &str {
    id.split('/').next().unwrap_or(id)
}

/// Build an exporter from its id and YAML options.
pub fn build(id: &str, options: &serde_yaml::Value, path: &str) -> Result<Built, ConfigError> {
    match kind_of(id) {
        "otlp" => otlp_grpc::build(parse_component(options, path)?, path),
        "otlphttp" => otlp_http::build(parse_component(options, path)?, path),
        "file" => file::build(parse_component(options, path)?, path),
        "debug" => debug::build(id, parse_component(options, path)?),
        other => Err(ConfigError::UnknownComponent {
            path: path.to_string(),
            kind: other.to_string(),
            family: "exporter",
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_error_keeps_the_library_error_as_its_source() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        let err = ExportError::retryable("cannot connect").with_source(io);
        assert_eq!(err.to_string(), "cannot connect");
        let source = std::error::Error::source(&err).expect("a source");
        assert_eq!(source.to_string(), "refused");
        assert_eq!(err.report(), "cannot connect: refused");
        assert_eq!(err.kind(), ErrorKind::Retryable);
    }
}
