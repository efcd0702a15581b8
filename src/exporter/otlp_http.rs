//! `otlphttp`: OTLP over HTTP, protobuf or JSON, to any OTLP/HTTP endpoint (Langfuse, Phoenix,
//! Honeycomb, Datadog, Braintrust, another collector).
//!
//! Options (the Collector's names):
//! - `endpoint` (required): base URL; traces go to `<endpoint>/v1/traces`, logs to
//!   `<endpoint>/v1/logs`. `https://` uses TLS with the built-in web PKI roots;
//! - `traces_endpoint`, `logs_endpoint`: full URLs that override the above (Langfuse wants
//!   `https://cloud.langfuse.com/api/public/otel/v1/traces`);
//! - `encoding`: `proto` (default) or `json`;
//! - `headers`: extra request headers, e.g. `Authorization: "Basic ${env:LANGFUSE_AUTH}"`;
//! - `compression`: `gzip` (default), `zstd` or `none`; `compression_params.level` (default 1);
//! - `timeout` (default `10s`) per attempt; `retry_on_failure`; `sending_queue`.
//!
//! 429, 502, 503 and 504 are retried, honouring `Retry-After`; other statuses are permanent.

use std::collections::BTreeMap;
use std::time::Duration;

use bytes::Bytes;
use futures::future::BoxFuture;
use http::{HeaderName, HeaderValue, Request, StatusCode, Uri};
use http_body_util::BodyExt;
use serde::Deserialize;

use super::body::Chunks;
use super::settings::CompressionParams;
use super::{
    queue::QueueSettings, retry::RetrySettings, Built, Compression, ExportError, Exporter,
};
use crate::client::{http_client, ClientOptions, HttpClient};
use crate::config::{ConfigError, DurationStr};
use crate::pipeline::{Batch, Payload, Signal};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Encoding {
    #[default]
    Proto,
    Json,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub endpoint: Option<String>,
    #[serde(default)]
    pub traces_endpoint: Option<String>,
    #[serde(default)]
    pub logs_endpoint: Option<String>,
    #[serde(default)]
    pub encoding: Encoding,
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

pub struct OtlpHttpExporter {
    client: HttpClient<Chunks>,
    traces_url: Uri,
    logs_url: Uri,
    encoding: Encoding,
    headers: Vec<(HeaderName, HeaderValue)>,
    compression: Compression,
    level: i32,
    summary_spans: bool,
}

fn url(value: &str, path: &str) -> Result<Uri, ConfigError> {
    let uri: Uri = value
        .parse()
        .map_err(|e| ConfigError::invalid(path, format!("invalid URL {value:?}: {e}")))?;
    match uri.scheme_str() {
        Some("http") | Some("https") => Ok(uri),
        _ => Err(ConfigError::invalid(
            path,
            format!("URL {value:?} must start with http:// or https://"),
        )),
    }
}

/// Parse configured headers into validated name/value pairs.
pub fn parse_headers(
    headers: &BTreeMap<String, String>,
    path: &str,
) -> Result<Vec<(HeaderName, HeaderValue)>, ConfigError> {
    headers
        .iter()
        .map(|(k, v)| {
            let name = HeaderName::from_bytes(k.as_bytes()).map_err(|_| {
                ConfigError::invalid(format!("{path}.headers.{k}"), "invalid header name")
            })?;
            let value = HeaderValue::from_str(v).map_err(|_| {
                ConfigError::invalid(format!("{path}.headers.{k}"), "invalid header value")
            })?;
            Ok((name, value))
        })
        .collect()
}

pub fn build(config: Config, path: &str) -> Result<Built, ConfigError> {
    let base = config.endpoint.as_deref().map(|e| e.trim_end_matches('/'));
    let pick = |explicit: &Option<String>, key: &str, suffix: &str| -> Result<Uri, ConfigError> {
        match (explicit, base) {
            (Some(u), _) => url(u, &format!("{path}.{key}")),
            (None, Some(b)) => url(&format!("{b}{suffix}"), &format!("{path}.endpoint")),
            (None, None) => Err(ConfigError::invalid(
                format!("{path}.endpoint"),
                "an endpoint is required",
            )),
        }
    };
    let traces_url = pick(&config.traces_endpoint, "traces_endpoint", "/v1/traces")?;
    let logs_url = pick(&config.logs_endpoint, "logs_endpoint", "/v1/logs")?;
    let headers = parse_headers(&config.headers, path)?;
    let client = http_client(ClientOptions {
        http2: true,
        pool_idle_timeout: Some(Duration::from_secs(60)),
    });
    Ok(Built {
        exporter: Box::new(OtlpHttpExporter {
            summary_spans: config.summary_spans,
            client,
            traces_url,
            logs_url,
            encoding: config.encoding,
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

/// Parse `Retry-After` given in seconds.
pub fn retry_after(headers: &http::HeaderMap) -> Option<Duration> {
    headers
        .get(http::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()
        .map(Duration::from_secs)
}

impl OtlpHttpExporter {
    /// The body in pieces and its content type: protobuf compressed straight from the batch,
    /// or JSON encoded whole, then compressed.
    fn body(&self, batch: &Batch) -> Result<(Vec<Bytes>, &'static str), ExportError> {
        let compressed = |body: Result<Vec<Bytes>, std::io::Error>| {
            body.map_err(|e| ExportError::permanent("cannot compress").with_source(e))
        };
        match self.encoding {
            Encoding::Proto => Ok((
                compressed(self.compression.compress(batch, self.level))?,
                "application/x-protobuf",
            )),
            Encoding::Json => {
                let json = match batch.payload() {
                    Payload::Traces(r) => serde_json::to_vec(r),
                    Payload::Logs(r) => serde_json::to_vec(r),
                }
                .map_err(|e| ExportError::permanent("cannot encode OTLP/JSON").with_source(e))?;
                Ok((
                    compressed(
                        self.compression
                            .compress_bytes(Bytes::from(json), self.level),
                    )?,
                    "application/json",
                ))
            }
        }
    }
}

impl Exporter for OtlpHttpExporter {
    fn export<'a>(&'a self, batch: &'a Batch) -> BoxFuture<'a, Result<(), ExportError>> {
        Box::pin(async move {
            let (body, content_type) = self.body(batch)?;
            let uri = match batch.signal() {
                Signal::Traces => self.traces_url.clone(),
                Signal::Logs => self.logs_url.clone(),
            };
            let mut req = Request::post(uri)
                .header(http::header::CONTENT_TYPE, content_type)
                .header(
                    http::header::USER_AGENT,
                    concat!("spotter/", env!("CARGO_PKG_VERSION")),
                );
            if let Some(enc) = self.compression.encoding() {
                req = req.header(http::header::CONTENT_ENCODING, enc);
            }
            for (k, v) in &self.headers {
                req = req.header(k, v);
            }
            let req = req
                .body(Chunks::new(body))
                .map_err(|e| ExportError::permanent("cannot build request").with_source(e))?;
            let resp = self
                .client
                .request(req)
                .await
                .map_err(|e| ExportError::retryable("request failed").with_source(e))?;
            let status = resp.status();
            let hint = retry_after(resp.headers());
            let body = resp
                .into_body()
                .collect()
                .await
                .map(|b| b.to_bytes())
                .unwrap_or_default();
            if status.is_success() {
                return Ok(());
            }
            let text = String::from_utf8_lossy(&body[..body.len().min(512)]).into_owned();
            let message = format!("downstream answered {status}: {text}");
            match status {
                StatusCode::TOO_MANY_REQUESTS
                | StatusCode::BAD_GATEWAY
                | StatusCode::SERVICE_UNAVAILABLE
                | StatusCode::GATEWAY_TIMEOUT => {
                    Err(ExportError::retryable(message).with_retry_after(hint))
                }
                _ => Err(ExportError::permanent(message)),
            }
        })
    }

    fn summary(&self, summary: &crate::summary::SessionSummary) -> Option<Batch> {
        self.summary_spans
            .then(|| crate::summary_span::batch(summary))
            .flatten()
    }
}
