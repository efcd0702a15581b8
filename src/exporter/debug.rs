//! `debug`: logs what passes, as a one-line summary per batch or in full.
//!
//! Options:
//! - `verbosity`: `basic` (default; one line per batch: items, resources, bytes), `normal`
//!   (one line per span: trace id, span id, name, status) or `detailed` (every span as OTLP/JSON).

use std::time::Duration;

use futures::future::BoxFuture;
use serde::Deserialize;

use super::{queue::QueueSettings, retry::RetrySettings, Built, ExportError, Exporter};
use crate::config::ConfigError;
use crate::pipeline::{Batch, Payload};
use crate::telemetry::logging::Escaped;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verbosity {
    #[default]
    Basic,
    Normal,
    Detailed,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub verbosity: Verbosity,
}

pub struct DebugExporter {
    id: String,
    verbosity: Verbosity,
}

pub fn build(id: &str, config: Config) -> Result<Built, ConfigError> {
    Ok(Built {
        exporter: Box::new(DebugExporter {
            id: id.to_string(),
            verbosity: config.verbosity,
        }),
        queue: QueueSettings {
            num_consumers: 1,
            ..QueueSettings::default()
        },
        retry: RetrySettings {
            enabled: false,
            ..RetrySettings::default()
        },
        timeout: Duration::from_secs(5),
        profile: None,
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Exporter for DebugExporter {
    fn export<'a>(&'a self, batch: &'a Batch) -> BoxFuture<'a, Result<(), ExportError>> {
        Box::pin(async move {
            match batch.payload() {
                Payload::Traces(req) => {
                    tracing::info!(
                        exporter = %self.id,
                        resource_spans = req.resource_spans.len(),
                        spans = batch.items(),
                        bytes = batch.encoded_len(),
                        "traces"
                    );
                    if self.verbosity == Verbosity::Normal {
                        for span in req
                            .resource_spans
                            .iter()
                            .flat_map(|rs| &rs.scope_spans)
                            .flat_map(|ss| &ss.spans)
                        {
                            tracing::info!(
                                exporter = %self.id,
                                trace_id = %hex(&span.trace_id),
                                span_id = %hex(&span.span_id),
                                name = %Escaped(&span.name),
                                status = span.status.as_ref().map(|s| s.code).unwrap_or(0),
                                "span"
                            );
                        }
                    } else if self.verbosity == Verbosity::Detailed {
                        let json = serde_json::to_string(req).unwrap_or_default();
                        tracing::info!(exporter = %self.id, payload = %json, "traces detail");
                    }
                }
                Payload::Logs(req) => {
                    tracing::info!(
                        exporter = %self.id,
                        resource_logs = req.resource_logs.len(),
                        log_records = batch.items(),
                        bytes = batch.encoded_len(),
                        "logs"
                    );
                    if self.verbosity == Verbosity::Detailed {
                        let json = serde_json::to_string(req).unwrap_or_default();
                        tracing::info!(exporter = %self.id, payload = %json, "logs detail");
                    }
                }
            }
            Ok(())
        })
    }
}
