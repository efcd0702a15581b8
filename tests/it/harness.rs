//! Starting spotter (in-process with real listeners, or as the built binary) and talking to it.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;
use spotter::config::Config;
use spotter::extension::Health;
use spotter::service::{Plan, Service};

pub fn fixtures_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures")
}

/// A config with OTLP receivers on free loopback ports, the given processors, and an `otlp`
/// exporter to `sink` with the given extra exporter options.
pub fn config_to_sink(
    sink: SocketAddr,
    processors: &str,
    pipeline_processors: &str,
    exporter_extra: &str,
) -> String {
    format!(
        r#"receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:0
      http:
        endpoint: 127.0.0.1:0
        max_request_body_size: 8MiB
        max_decompressed_body_size: 32MiB
processors:
{processors}
exporters:
  otlp/sink:
    endpoint: http://{sink}
{exporter_extra}
service:
  pipelines:
    traces:
      receivers: [otlp]
      processors: [{pipeline_processors}]
      exporters: [otlp/sink]
    logs:
      receivers: [otlp]
      exporters: [otlp/sink]
  telemetry:
    metrics:
      address: none
"#
    )
}

pub async fn start(yaml: &str) -> Service {
    let config = Config::from_yaml(yaml, &HashMap::new()).expect("test config is valid");
    let plan = Plan::new(config).expect("test config plans");
    Service::start(plan, Health::default(), None)
        .await
        .expect("spotter starts")
}

pub fn http_url(service: &Service, path: &str) -> String {
    format!("http://{}{}", service.bound.http["otlp"], path)
}

pub fn grpc_url(service: &Service) -> String {
    format!("http://{}", service.bound.grpc["otlp"])
}

pub struct Reply {
    pub status: u16,
    pub headers: http::HeaderMap,
    pub body: Bytes,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// POST a body with the given content type and encoding.
pub async fn post(url: &str, content_type: &str, encoding: Option<&str>, body: Vec<u8>) -> Reply {
    let client: Client<HttpConnector, Full<Bytes>> =
        Client::builder(TokioExecutor::new()).build_http();
    let mut req = http::Request::post(url).header("content-type", content_type);
    if let Some(e) = encoding {
        req = req.header("content-encoding", e);
    }
    let resp = tokio::time::timeout(
        Duration::from_secs(20),
        client.request(req.body(Full::new(Bytes::from(body))).unwrap()),
    )
    .await
    .expect("request timed out")
    .expect("request sent");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    Reply {
        status,
        headers,
        body,
    }
}

pub async fn get(url: &str) -> Reply {
    let client: Client<HttpConnector, Full<Bytes>> =
        Client::builder(TokioExecutor::new()).build_http();
    let resp = client
        .request(
            http::Request::get(url)
                .body(Full::new(Bytes::new()))
                .unwrap(),
        )
        .await
        .expect("request sent");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    Reply {
        status,
        headers,
        body,
    }
}

pub fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// A free loopback port for a spotter under test, from the same non-ephemeral allocator as
/// [`down_addr`], so a port freed by a restart is not handed to anyone else meanwhile.
pub fn free_port() -> u16 {
    down_addr().port()
}

/// A loopback address outside the ephemeral port range, for a downstream that is down for a
/// while and then comes up on the same port. `free_port` (ephemeral) can never hand it to a
/// spotter under test meanwhile, so "down" really means connection refused.
pub fn down_addr() -> std::net::SocketAddr {
    use std::sync::atomic::{AtomicU16, Ordering};
    static NEXT: AtomicU16 = AtomicU16::new(0);
    let base = 20_000 + (std::process::id() % 500) as u16 * 16;
    loop {
        let port = base + NEXT.fetch_add(1, Ordering::SeqCst) % 4000;
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return std::net::SocketAddr::from(([127, 0, 0, 1], port));
        }
    }
}
