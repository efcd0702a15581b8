//! `otlp`: OTLP over gRPC (`TraceService/Export`, `LogsService/Export`).
//!
//! Options (the Collector's names):
//! - `endpoint` (required): `host:port` or a URL. `http://` is plain text, `https://` is TLS;
//!   a bare `host:port` uses TLS unless `tls.insecure: true`, as in the Collector;
//! - `tls.insecure`: plain text for a bare `host:port`;
//! - `headers`: gRPC metadata sent with every call (vendor auth);
//! - `compression`: `gzip` (default), `zstd` or `none`;
//! - `timeout` (default `10s`) per attempt; `retry_on_failure`; `sending_queue`.
//!
//! UNAVAILABLE, RESOURCE_EXHAUSTED, CANCELLED, DEADLINE_EXCEEDED, ABORTED, OUT_OF_RANGE and
//! DATA_LOSS are retried, honouring RetryInfo; other codes are permanent.
//!
//! Each batch is encoded once; retries reuse the bytes.

use std::collections::BTreeMap;
use std::time::Duration;

use bytes::Bytes;
use futures::future::BoxFuture;
use http::uri::PathAndQuery;
use serde::Deserialize;
use tonic::codec::CompressionEncoding;
use tonic::metadata::{AsciiMetadataKey, AsciiMetadataValue};
use tonic::transport::{Channel, ClientTlsConfig, Endpoint};
use tonic::{Code, Status};

use super::{
    queue::QueueSettings, retry::RetrySettings, Built, Compression, ExportError, Exporter,
    TlsSettings,
};
use crate::config::{ConfigError, DurationStr};
use crate::grpc::RawCodec;
use crate::pipeline::{Batch, Signal};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub endpoint: Option<String>,
    #[serde(default)]
    pub tls: TlsSettings,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    #[serde(default)]
    pub compression: Compression,
    #[serde(default)]
    pub timeout: Option<DurationStr>,
    /// Send one `spotter.session.summary` span per finished session (default false).
    #[serde(default)]
    pub summary_spans: bool,
    /// Vendor profile: `langfuse`, `openinference` or `otel_genai` (adds keys only).
    #[serde(default)]
    pub profile: Option<crate::semconv::profile::Profile>,
    #[serde(default)]
    pub retry_on_failure: RetrySettings,
    #[serde(default)]
    pub sending_queue: QueueSettings,
}

const TRACES_PATH: &str = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";
const LOGS_PATH: &str = "/opentelemetry.proto.collector.logs.v1.LogsService/Export";

pub struct OtlpGrpcExporter {
    endpoint: Endpoint,
    /// Connected lazily on first export, inside the runtime (validation builds exporters too).
    channel: std::sync::OnceLock<Channel>,
    headers: Vec<(AsciiMetadataKey, AsciiMetadataValue)>,
    compression: Option<CompressionEncoding>,
    summary_spans: bool,
}

pub fn build(config: Config, path: &str) -> Result<Built, ConfigError> {
    let Some(endpoint) = config.endpoint.as_deref().map(str::trim) else {
        return Err(ConfigError::invalid(
            format!("{path}.endpoint"),
            "an endpoint is required",
        ));
    };
    let (uri, tls) = if endpoint.starts_with("http://") {
        (endpoint.to_string(), false)
    } else if endpoint.starts_with("https://") {
        (endpoint.to_string(), true)
    } else if config.tls.insecure {
        (format!("http://{endpoint}"), false)
    } else {
        (format!("https://{endpoint}"), true)
    };
    let invalid = |e: &dyn std::fmt::Display| {
        ConfigError::invalid(
            format!("{path}.endpoint"),
            format!("invalid endpoint {endpoint:?}: {e}"),
        )
    };
    let mut ep = Endpoint::from_shared(uri).map_err(|e| invalid(&e))?;
    if tls {
        ep = ep
            .tls_config(ClientTlsConfig::new().with_webpki_roots())
            .map_err(|e| invalid(&e))?;
    }
    let endpoint = ep.connect_timeout(Duration::from_secs(5)).tcp_nodelay(true);
    let mut headers = Vec::new();
    for (k, v) in &config.headers {
        let key =
            AsciiMetadataKey::from_bytes(k.to_ascii_lowercase().as_bytes()).map_err(|_| {
                ConfigError::invalid(format!("{path}.headers.{k}"), "invalid metadata key")
            })?;
        let value = AsciiMetadataValue::try_from(v.as_str()).map_err(|_| {
            ConfigError::invalid(format!("{path}.headers.{k}"), "invalid metadata value")
        })?;
        headers.push((key, value));
    }
    let compression = match config.compression {
        Compression::Gzip => Some(CompressionEncoding::Gzip),
        Compression::Zstd => Some(CompressionEncoding::Zstd),
        Compression::None => None,
    };
    Ok(Built {
        exporter: Box::new(OtlpGrpcExporter {
            summary_spans: config.summary_spans,
            endpoint,
            channel: std::sync::OnceLock::new(),
            headers,
            compression,
        }),
        queue: config.sending_queue,
        retry: config.retry_on_failure,
        timeout: config
            .timeout
            .map(|d| d.0)
            .unwrap_or(Duration::from_secs(10)),
        profile: config.profile,
    })
}

/// Map a gRPC status to retryable or permanent, keeping the server's RetryInfo.
pub fn classify(status: &Status) -> ExportError {
    let message = format!(
        "downstream answered {:?}: {}",
        status.code(),
        status.message()
    );
    match status.code() {
        Code::Unavailable
        | Code::ResourceExhausted
        | Code::Cancelled
        | Code::DeadlineExceeded
        | Code::Aborted
        | Code::OutOfRange
        | Code::DataLoss => {
            ExportError::retryable(message).with_retry_after(crate::grpc::retry_hint(status))
        }
        _ => ExportError::permanent(message),
    }
}

impl Exporter for OtlpGrpcExporter {
    fn export<'a>(&'a self, batch: &'a Batch) -> BoxFuture<'a, Result<(), ExportError>> {
        Box::pin(async move {
            let path = match batch.signal() {
                Signal::Traces => TRACES_PATH,
                Signal::Logs => LOGS_PATH,
            };
            let bytes = batch.to_protobuf();
            let channel = self
                .channel
                .get_or_init(|| self.endpoint.connect_lazy())
                .clone();
            let mut grpc = tonic::client::Grpc::new(channel).max_decoding_message_size(4 << 20);
            if let Some(c) = self.compression {
                grpc = grpc.send_compressed(c);
            }
            grpc.ready()
                .await
                .map_err(|e| ExportError::retryable("cannot connect").with_source(e))?;
            let mut request = tonic::Request::new(Bytes::from(bytes));
            for (k, v) in &self.headers {
                request.metadata_mut().insert(k.clone(), v.clone());
            }
            grpc.unary::<Bytes, Bytes, RawCodec>(request, PathAndQuery::from_static(path), RawCodec)
                .await
                .map(|_| ())
                .map_err(|s| classify(&s))
        })
    }

    fn summary(&self, summary: &crate::summary::SessionSummary) -> Option<Batch> {
        self.summary_spans
            .then(|| crate::summary_span::batch(summary))
            .flatten()
    }
}
