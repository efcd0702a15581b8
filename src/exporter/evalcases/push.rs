//! Optional push of each new case to Langfuse (dataset items) or Phoenix (dataset upload).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use bytes::Bytes;
use http::{Request, Uri};
use http_body_util::{BodyExt, Full};
use serde::Deserialize;
use serde_json::{json, Value};

use super::formats::{self, Format};
use super::CASES_TOTAL;
use crate::client::{http_client, ClientOptions, HttpClient};
use crate::config::{ConfigError, DurationStr};

/// Pushes in flight at once; more are dropped (and counted), the file keeps them.
const MAX_IN_FLIGHT: usize = 64;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushConfig {
    /// Base URL: Langfuse's host, or Phoenix's (`http://127.0.0.1:6006`).
    pub endpoint: String,
    #[serde(default)]
    pub public_key: Option<String>,
    #[serde(default)]
    pub secret_key: Option<String>,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    #[serde(default)]
    pub timeout: Option<DurationStr>,
}

struct Inner {
    client: HttpClient,
    format: Format,
    dataset: String,
    base: String,
    headers: Vec<(http::HeaderName, http::HeaderValue)>,
    timeout: Duration,
    in_flight: AtomicUsize,
    dataset_ready: AtomicBool,
}

pub struct Pusher {
    inner: Arc<Inner>,
}

impl Pusher {
    pub fn new(
        config: &PushConfig,
        format: Format,
        dataset: &str,
        path: &str,
    ) -> Result<Self, ConfigError> {
        if !matches!(format, Format::Langfuse | Format::Phoenix) {
            return Err(ConfigError::invalid(
                path.to_string(),
                "push needs format langfuse or phoenix",
            ));
        }
        let base = config.endpoint.trim_end_matches('/').to_string();
        base.parse::<Uri>().map_err(|e| {
            ConfigError::invalid(format!("{path}.endpoint"), format!("invalid URL: {e}"))
        })?;
        let mut headers = Vec::new();
        if let (Some(p), Some(s)) = (&config.public_key, &config.secret_key) {
            let token = base64::engine::general_purpose::STANDARD.encode(format!("{p}:{s}"));
            headers.push((
                http::header::AUTHORIZATION,
                http::HeaderValue::from_str(&format!("Basic {token}")).map_err(|_| {
                    ConfigError::invalid(format!("{path}.public_key"), "not a valid header value")
                })?,
            ));
        }
        for (k, v) in &config.headers {
            let name = http::HeaderName::from_bytes(k.as_bytes()).map_err(|_| {
                ConfigError::invalid(format!("{path}.headers.{k}"), "invalid header name")
            })?;
            let value = http::HeaderValue::from_str(v).map_err(|_| {
                ConfigError::invalid(format!("{path}.headers.{k}"), "invalid header value")
            })?;
            headers.push((name, value));
        }
        Ok(Pusher {
            inner: Arc::new(Inner {
                client: http_client(ClientOptions::default()),
                format,
                dataset: dataset.to_string(),
                base,
                headers,
                timeout: config
                    .timeout
                    .as_ref()
                    .map_or(Duration::from_secs(10), |d| d.0),
                in_flight: AtomicUsize::new(0),
                dataset_ready: AtomicBool::new(false),
            }),
        })
    }

    /// Send one rendered case in the background.
    pub fn send(&self, line: Value) {
        let Ok(rt) = tokio::runtime::Handle::try_current() else {
            return;
        };
        if self.inner.in_flight.fetch_add(1, Ordering::AcqRel) >= MAX_IN_FLIGHT {
            self.inner.in_flight.fetch_sub(1, Ordering::AcqRel);
            metrics::counter!(CASES_TOTAL, "result" => "push_failed").increment(1);
            return;
        }
        let inner = self.inner.clone();
        rt.spawn(async move {
            let result = inner.push(line).await;
            inner.in_flight.fetch_sub(1, Ordering::AcqRel);
            match result {
                Ok(()) => metrics::counter!(CASES_TOTAL, "result" => "pushed").increment(1),
                Err(e) => {
                    tracing::warn!(endpoint = %inner.base, "cannot push eval case: {e}");
                    metrics::counter!(CASES_TOTAL, "result" => "push_failed").increment(1);
                }
            }
        });
    }
}

impl Inner {
    async fn post(&self, path: &str, body: &Value) -> Result<(), String> {
        let uri: Uri = format!("{}{path}", self.base)
            .parse()
            .map_err(|e| format!("{e}"))?;
        let mut req = Request::post(uri)
            .header(http::header::CONTENT_TYPE, "application/json")
            .body(Full::new(Bytes::from(
                serde_json::to_vec(body).map_err(|e| e.to_string())?,
            )))
            .map_err(|e| e.to_string())?;
        for (k, v) in &self.headers {
            req.headers_mut().insert(k.clone(), v.clone());
        }
        let resp = tokio::time::timeout(self.timeout, self.client.request(req))
            .await
            .map_err(|_| "timed out".to_string())?
            .map_err(|e| e.to_string())?;
        let status = resp.status();
        if status.is_success() {
            return Ok(());
        }
        let body = resp
            .into_body()
            .collect()
            .await
            .map(|b| b.to_bytes())
            .unwrap_or_default();
        let text: String = String::from_utf8_lossy(&body).chars().take(200).collect();
        Err(format!("HTTP {status}: {text}"))
    }

    async fn push(&self, line: Value) -> Result<(), String> {
        match self.format {
            Format::Langfuse => {
                if !self.dataset_ready.load(Ordering::Acquire) {
                    let name = line.get("datasetName").cloned().unwrap_or(Value::Null);
                    // Creating an existing dataset is harmless (upsert by name).
                    self.post("/api/public/v2/datasets", &json!({ "name": name }))
                        .await?;
                    self.dataset_ready.store(true, Ordering::Release);
                }
                self.post("/api/public/dataset-items", &line).await
            }
            Format::Phoenix => {
                let body = formats::phoenix_upload(&self.dataset, "append", &[line]);
                self.post("/v1/datasets/upload?sync=true", &body).await
            }
            _ => Ok(()),
        }
    }
}
