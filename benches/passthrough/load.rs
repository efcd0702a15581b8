//! The load generator: OTLP/HTTP protobuf POSTs (or OTLP/gRPC calls, gzip-compressed as SDKs
//! send them) to spotter, at full speed or at a steady rate. A 429 or 503 answer (gRPC:
//! RESOURCE_EXHAUSTED or UNAVAILABLE) is counted as push-back and the same request is sent again
//! shortly.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{Request, StatusCode, Uri};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use prost::Message;

use crate::sink::now_ns;
use crate::workload::stamp_sent;

type HttpClient = Client<HttpConnector, Full<Bytes>>;

/// How long a pushed-back request waits before it is sent again.
const PUSHBACK_WAIT: Duration = Duration::from_millis(20);

#[derive(Default)]
pub struct Outcome {
    pub requests: AtomicU64,
    pub pushbacks: AtomicU64,
    pub errors: AtomicU64,
}

/// How requests travel to the collector under test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Http,
    /// `TraceService/Export`; bodies are already gRPC frames (see [`grpc_frame`]).
    Grpc,
}

pub fn client(transport: Transport) -> HttpClient {
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(64)
        .http2_only(transport == Transport::Grpc)
        .build(connector)
}

/// A gzip-compressed gRPC message frame of `message`.
pub fn grpc_frame(message: &[u8]) -> Bytes {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(1));
    enc.write_all(message).expect("in memory");
    let gz = enc.finish().expect("in memory");
    let mut out = Vec::with_capacity(gz.len() + 5);
    out.push(1);
    out.extend_from_slice(&(gz.len() as u32).to_be_bytes());
    out.extend_from_slice(&gz);
    Bytes::from(out)
}

/// Send one request until spotter takes it (or refuses it for good).
async fn deliver(
    client: &HttpClient,
    transport: Transport,
    url: &Uri,
    body: Bytes,
    outcome: &Outcome,
) {
    loop {
        let req = match transport {
            Transport::Http => Request::post(url.clone())
                .header(http::header::CONTENT_TYPE, "application/x-protobuf")
                .body(Full::new(body.clone())),
            Transport::Grpc => Request::post(url.clone())
                .header(http::header::CONTENT_TYPE, "application/grpc")
                .header(http::header::TE, "trailers")
                .header("grpc-encoding", "gzip")
                .body(Full::new(body.clone())),
        }
        .expect("valid request");
        match client.request(req).await {
            Ok(resp) => {
                let mut status = resp.status();
                let headers = resp.headers().clone();
                let collected = resp.into_body().collect().await.ok();
                if transport == Transport::Grpc && status.is_success() {
                    let code = headers
                        .get("grpc-status")
                        .or_else(|| collected.as_ref()?.trailers()?.get("grpc-status"))
                        .and_then(|v| v.to_str().ok()?.parse::<u32>().ok());
                    status = match code {
                        Some(0) => StatusCode::OK,
                        Some(8) => StatusCode::TOO_MANY_REQUESTS,
                        Some(14) => StatusCode::SERVICE_UNAVAILABLE,
                        _ => StatusCode::INTERNAL_SERVER_ERROR,
                    };
                }
                if status.is_success() {
                    outcome.requests.fetch_add(1, Ordering::Relaxed);
                    return;
                }
                if status == StatusCode::TOO_MANY_REQUESTS
                    || status == StatusCode::SERVICE_UNAVAILABLE
                {
                    outcome.pushbacks.fetch_add(1, Ordering::Relaxed);
                    tokio::time::sleep(PUSHBACK_WAIT).await;
                    continue;
                }
                outcome.errors.fetch_add(1, Ordering::Relaxed);
                return;
            }
            Err(_) => {
                outcome.errors.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(PUSHBACK_WAIT).await;
            }
        }
    }
}

/// Send `total` requests drawn round-robin from pre-encoded `pool`, `concurrency` at a time.
pub async fn max_rate(
    url: Uri,
    transport: Transport,
    pool: Arc<Vec<Bytes>>,
    total: u64,
    concurrency: usize,
) -> Arc<Outcome> {
    let client = client(transport);
    let next = Arc::new(AtomicU64::new(0));
    let outcome = Arc::new(Outcome::default());
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let (client, url, pool, next, outcome) = (
            client.clone(),
            url.clone(),
            pool.clone(),
            next.clone(),
            outcome.clone(),
        );
        workers.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= total {
                    return;
                }
                let body = pool[(i % pool.len() as u64) as usize].clone();
                deliver(&client, transport, &url, body, &outcome).await;
            }
        }));
    }
    for w in workers {
        let _ = w.await;
    }
    outcome
}

/// Send one request every `interval` for `duration`, each made by `next` and stamped with its
/// send time, without waiting for earlier requests to finish. Returns the spans sent.
pub async fn steady(
    url: Uri,
    mut next: impl FnMut() -> ExportTraceServiceRequest,
    interval: Duration,
    duration: Duration,
    outcome: Arc<Outcome>,
) -> u64 {
    let client = client(Transport::Http);
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let start = Instant::now();
    let mut sent = 0u64;
    let mut tasks = Vec::new();
    while start.elapsed() < duration {
        ticker.tick().await;
        let mut req = next();
        stamp_sent(&mut req, now_ns());
        sent += req
            .resource_spans
            .iter()
            .flat_map(|rs| &rs.scope_spans)
            .map(|ss| ss.spans.len() as u64)
            .sum::<u64>();
        let body = Bytes::from(req.encode_to_vec());
        let (client, url, outcome) = (client.clone(), url.clone(), outcome.clone());
        tasks.push(tokio::spawn(async move {
            deliver(&client, Transport::Http, &url, body, &outcome).await;
        }));
        tasks.retain(|t| !t.is_finished());
    }
    for t in tasks {
        let _ = t.await;
    }
    sent
}
