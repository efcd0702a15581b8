//! The Prometheus `/metrics` listener and the health listener (`/healthz`, `/readyz`).

use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::Duration;

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode};
use http_body_util::Full;
use hyper::body::Incoming;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tokio::net::TcpListener;
use tokio::sync::watch;

use super::{events, Health};
use crate::receiver::listener::Protocol;

static RECORDER: OnceLock<PrometheusHandle> = OnceLock::new();

const SECONDS_BUCKETS: &[f64] = &[
    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0,
    600.0, 1800.0,
];
const USD_BUCKETS: &[f64] = &[
    0.0001, 0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 25.0,
];
const RATIO_BUCKETS: &[f64] = &[0.1, 0.25, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 1.0];
const COUNT_BUCKETS: &[f64] = &[
    1.0, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 16.0, 24.0, 32.0, 64.0, 128.0,
];

/// Install the process-wide Prometheus recorder once, and return its handle.
pub fn recorder() -> PrometheusHandle {
    RECORDER
        .get_or_init(|| {
            let builder =
                crate::processor::agent_metrics::names::with_buckets(PrometheusBuilder::new())
                    .and_then(|b| b.set_buckets(COUNT_BUCKETS))
                    .and_then(|b| {
                        b.set_buckets_for_metric(
                            Matcher::Suffix("_seconds".into()),
                            SECONDS_BUCKETS,
                        )
                    })
                    .and_then(|b| {
                        b.set_buckets_for_metric(Matcher::Suffix("_usd".into()), USD_BUCKETS)
                    })
                    .and_then(|b| {
                        b.set_buckets_for_metric(Matcher::Suffix("_ratio".into()), RATIO_BUCKETS)
                    })
                    .expect("bucket lists are non-empty");
            let recorder = builder.build_recorder();
            let handle = recorder.handle();
            // Another recorder may already be installed (tests); spotter then renders its own.
            let _ = metrics::set_global_recorder(recorder);
            events::describe();
            handle
        })
        .clone()
}

fn text(status: StatusCode, body: impl Into<Bytes>, content_type: &str) -> Response<Full<Bytes>> {
    Response::builder()
        .status(status)
        .header(http::header::CONTENT_TYPE, content_type)
        .body(Full::new(body.into()))
        .expect("static response parts")
}

/// Answer one request on the telemetry listeners.
fn route(
    req: &Request<Incoming>,
    health: &Health,
    metrics: Option<&PrometheusHandle>,
) -> Response<Full<Bytes>> {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return text(StatusCode::METHOD_NOT_ALLOWED, "use GET\n", "text/plain");
    }
    match (req.uri().path(), metrics) {
        ("/metrics", Some(handle)) => text(
            StatusCode::OK,
            handle.render(),
            "text/plain; version=0.0.4; charset=utf-8",
        ),
        ("/v1/anomalies", Some(_)) => text(
            StatusCode::OK,
            crate::processor::baseline::alert::anomalies_json(),
            "application/json",
        ),
        ("/healthz", _) | ("/livez", _) => text(StatusCode::OK, "ok\n", "text/plain"),
        ("/readyz", _) | ("/", _) => {
            if health.is_ready() {
                text(StatusCode::OK, "ready\n", "text/plain")
            } else if health.is_draining() {
                text(StatusCode::SERVICE_UNAVAILABLE, "draining\n", "text/plain")
            } else {
                text(StatusCode::SERVICE_UNAVAILABLE, "starting\n", "text/plain")
            }
        }
        _ => text(StatusCode::NOT_FOUND, "not found\n", "text/plain"),
    }
}

/// Bind a telemetry listener; returns the bound address. `metrics` adds `/metrics`.
pub async fn serve(
    addr: SocketAddr,
    health: Health,
    metrics: Option<PrometheusHandle>,
    stop: watch::Receiver<bool>,
) -> std::io::Result<SocketAddr> {
    let listener = TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    if let Some(handle) = metrics.clone() {
        let mut stop_upkeep = stop.clone();
        let started = std::time::Instant::now();
        metrics::gauge!(events::BUILD_INFO, "version" => env!("CARGO_PKG_VERSION")).set(1.0);
        tokio::spawn(async move {
            loop {
                metrics::counter!(events::PROCESS_UPTIME).absolute(started.elapsed().as_secs());
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_secs(5)) => handle.run_upkeep(),
                    _ = crate::pipeline::stopped(&mut stop_upkeep) => break,
                }
            }
        });
    }
    crate::receiver::listener::spawn(listener, None, Protocol::Http, stop, move |req| {
        let resp = route(&req, &health, metrics.as_ref());
        async move { resp }
    });
    Ok(local)
}
