//! The `health_check` extension: the health listener (`/healthz`, `/readyz`), and the same
//! routes plus Prometheus `/metrics` on the telemetry address.

use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode};
use http_body_util::Full;
use hyper::body::Incoming;
use metrics_exporter_prometheus::PrometheusHandle;
use tokio::net::TcpListener;
use tokio::sync::watch;

use super::Health;
use crate::listener::Protocol;
use crate::telemetry::events;

/// Connections each telemetry listener serves at once (part of `listener::RESERVED_FILES`).
const TELEMETRY_CONNECTIONS: usize = 32;

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
        ("/v1/failure-modes", Some(_)) => match crate::failure::board::answer(req.uri().query()) {
            Ok(body) => text(StatusCode::OK, body, "application/json"),
            Err(e) => text(StatusCode::BAD_REQUEST, format!("{e}\n"), "text/plain"),
        },
        (path, Some(_)) if path.starts_with("/v1/") => {
            match crate::telemetry::documents::render(path) {
                Some(doc) => text(StatusCode::OK, doc, "application/json"),
                None => text(StatusCode::NOT_FOUND, "not found\n", "text/plain"),
            }
        }
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
                    _ = crate::listener::stopped(&mut stop_upkeep) => break,
                }
            }
        });
    }
    let limits = crate::config::ConnectionLimits {
        max_connections: TELEMETRY_CONNECTIONS,
        ..Default::default()
    };
    let name = if metrics.is_some() {
        "metrics"
    } else {
        "health"
    };
    crate::listener::spawn(
        listener,
        None,
        Protocol::Http,
        limits,
        name,
        stop,
        move |req| {
            let resp = route(&req, &health, metrics.as_ref());
            async move { resp }
        },
    );
    Ok(local)
}
