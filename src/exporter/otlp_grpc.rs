//! `otlp`: OTLP over gRPC (`TraceService/Export`, `LogsService/Export`).
//!
//! Options (the Collector's names):
//! - `endpoint` (required): `host:port` or a URL. `http://` is plain text, `https://` is TLS;
//!   a bare `host:port` uses TLS unless `tls.insecure: true`, as in the Collector;
//! - `tls.insecure`: plain text for a bare `host:port`;
//! - `headers`: gRPC metadata sent with every call (vendor auth);
//! - `compression`: `gzip` (default), `zstd` or `none`; `compression_params.level` (default 1);
//! - `timeout` (default `10s`) per attempt; `retry_on_failure`; `sending_queue`.
//!
//! UNAVAILABLE, RESOURCE_EXHAUSTED, CANCELLED, DEADLINE_EXCEEDED, ABORTED, OUT_OF_RANGE and
//! DATA_LOSS are retried, honouring RetryInfo; other codes are permanent.
//!
//! The call is framed here rather than by a tonic codec: tonic compresses at a fixed gzip level
//! 6 and copies the message into its own buffer. A batch still in the bodies it arrived in is
//! compressed straight from them (or sent as they are, uncompressed) behind the 5-byte gRPC
//! message header, so a pass-through pipeline never re-encodes, as over OTLP/HTTP.

use std::collections::BTreeMap;
use std::time::Duration;

use base64::Engine;
use bytes::Bytes;
use futures::future::BoxFuture;
use http::{HeaderName, HeaderValue};
use http_body_util::BodyExt;
use serde::Deserialize;
use tonic::client::GrpcService;
use tonic::transport::{Channel, ClientTlsConfig, Endpoint};
use tonic::{Code, Status};

use super::body::Chunks;
use super::settings::CompressionParams;
use super::{
    queue::QueueSettings, retry::RetrySettings, Built, Compression, ExportError, Exporter,
    TlsSettings,
};
use crate::config::{ConfigError, DurationStr};
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
    pub compression_params: CompressionParams,
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
    headers: Vec<(HeaderName, HeaderValue)>,
    compression: Compression,
    level: i32,
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
        let key = HeaderName::from_bytes(k.to_ascii_lowercase().as_bytes())
            .ok()
            .filter(|k| !k.as_str().ends_with("-bin") && !k.as_str().starts_with("grpc-"))
            .ok_or_else(|| {
                ConfigError::invalid(format!("{path}.headers.{k}"), "invalid metadata key")
            })?;
        let value = HeaderValue::try_from(v.as_str())
            .ok()
            .filter(|v| v.as_bytes().iter().all(|b| (0x20..0x7f).contains(b)))
            .ok_or_else(|| {
                ConfigError::invalid(format!("{path}.headers.{k}"), "invalid metadata value")
            })?;
        headers.push((key, value));
    }
    Ok(Built {
        exporter: Box::new(OtlpGrpcExporter {
            summary_spans: config.summary_spans,
            endpoint,
            channel: std::sync::OnceLock::new(),
            headers,
            compression: config.compression,
            level: config.compression_params.level,
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

/// The gRPC message frame of a batch: the 5-byte header (compressed flag, big-endian length)
/// followed by the protobuf bodies, compressed or as they are.
fn frame(batch: &Batch, compression: Compression, level: i32) -> Result<Vec<Bytes>, ExportError> {
    let mut pieces = compression
        .compress(batch, level)
        .map_err(|e| ExportError::permanent("cannot compress").with_source(e))?;
    let len: usize = pieces.iter().map(Bytes::len).sum();
    let len = u32::try_from(len)
        .map_err(|_| ExportError::permanent(format!("message of {len} bytes is too large")))?;
    let mut header = [0u8; 5];
    header[0] = u8::from(compression != Compression::None);
    header[1..].copy_from_slice(&len.to_be_bytes());
    pieces.insert(0, Bytes::copy_from_slice(&header));
    Ok(pieces)
}

/// The gRPC status in trailers (or a trailers-only response's headers). A malformed
/// `grpc-status-details-bin` is dropped first: tonic's parser panics on invalid base64.
fn status_of(headers: &http::HeaderMap) -> Option<Status> {
    const DETAILS: &str = "grpc-status-details-bin";
    let lenient = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    );
    match headers.get(DETAILS) {
        Some(d) if lenient.decode(d.as_bytes()).is_err() => {
            let mut headers = headers.clone();
            headers.remove(DETAILS);
            Status::from_header_map(&headers)
        }
        _ => Status::from_header_map(headers),
    }
}

/// What a finished call means: OK, or the status mapped by [`classify`]. An HTTP error before
/// any gRPC status is mapped as gRPC's HTTP-to-status table does.
fn outcome(http: http::StatusCode, status: Option<Status>) -> Result<(), ExportError> {
    match status {
        Some(s) if s.code() == Code::Ok => Ok(()),
        Some(s) => Err(classify(&s)),
        None if !http.is_success() => {
            let code = match http.as_u16() {
                400 => Code::Internal,
                401 => Code::Unauthenticated,
                403 => Code::PermissionDenied,
                404 => Code::Unimplemented,
                429 | 502 | 503 | 504 => Code::Unavailable,
                _ => Code::Unknown,
            };
            Err(classify(&Status::new(code, format!("HTTP {http}"))))
        }
        None => Err(ExportError::retryable(
            "downstream ended the call without a grpc-status",
        )),
    }
}

impl Exporter for OtlpGrpcExporter {
    fn export<'a>(&'a self, batch: &'a Batch) -> BoxFuture<'a, Result<(), ExportError>> {
        Box::pin(async move {
            let path = match batch.signal() {
                Signal::Traces => TRACES_PATH,
                Signal::Logs => LOGS_PATH,
            };
            let body = frame(batch, self.compression, self.level)?;
            let mut request = http::Request::post(path)
                .header(http::header::CONTENT_TYPE, "application/grpc")
                .header(http::header::TE, "trailers")
                .header(
                    http::header::USER_AGENT,
                    concat!("spotter/", env!("CARGO_PKG_VERSION")),
                );
            if let Some(enc) = self.compression.encoding() {
                request = request.header("grpc-encoding", enc);
            }
            for (k, v) in &self.headers {
                request = request.header(k, v);
            }
            let request = request
                .body(tonic::body::Body::new(Chunks::new(body)))
                .map_err(|e| ExportError::permanent("cannot build request").with_source(e))?;
            let mut channel = self
                .channel
                .get_or_init(|| self.endpoint.connect_lazy())
                .clone();
            std::future::poll_fn(|cx| GrpcService::poll_ready(&mut channel, cx))
                .await
                .map_err(|e| ExportError::retryable("cannot connect").with_source(e))?;
            let response = GrpcService::call(&mut channel, request)
                .await
                .map_err(|e| ExportError::retryable("request failed").with_source(e))?;
            let (parts, body) = response.into_parts();
            if let Some(status) = status_of(&parts.headers) {
                // Trailers-only response.
                return outcome(parts.status, Some(status));
            }
            if !parts.status.is_success() {
                return outcome(parts.status, None);
            }
            let collected = body
                .collect()
                .await
                .map_err(|e| ExportError::retryable("response failed").with_source(e))?;
            outcome(parts.status, collected.trailers().and_then(status_of))
        })
    }

    fn summary(&self, summary: &crate::summary::SessionSummary) -> Option<Batch> {
        self.summary_spans
            .then(|| crate::summary_span::batch(summary))
            .flatten()
    }
}
