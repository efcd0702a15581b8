//! The load generator: OTLP/HTTP protobuf POSTs to spotter, at full speed or at a steady rate.
//! A 429 or 503 answer is counted as push-back and the same request is sent again shortly.

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

pub fn client() -> HttpClient {
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(64)
        .build(connector)
}

/// Send one request until spotter takes it (or refuses it for good).
async fn deliver(client: &HttpClient, url: &Uri, body: Bytes, outcome: &Outcome) {
    loop {
        let req = Request::post(url.clone())
            .header(http::header::CONTENT_TYPE, "application/x-protobuf")
            .body(Full::new(body.clone()))
            .expect("valid request");
        match client.request(req).await {
            Ok(resp) => {
                let status = resp.status();
                let _ = resp.into_body().collect().await;
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
    pool: Arc<Vec<Bytes>>,
    total: u64,
    concurrency: usize,
) -> Arc<Outcome> {
    let client = client();
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
                deliver(&client, &url, body, &outcome).await;
            }
        }));
    }
    for w in workers {
        let _ = w.await;
    }
    outcome
}

/// Send one request of `templates`' spans every `interval` for `duration`, each stamped with
/// its send time, without waiting for earlier requests to finish. Returns the spans sent.
pub async fn steady(
    url: Uri,
    templates: &[ExportTraceServiceRequest],
    interval: Duration,
    duration: Duration,
    outcome: Arc<Outcome>,
) -> u64 {
    let client = client();
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let start = Instant::now();
    let mut sent = 0u64;
    let mut tasks = Vec::new();
    let mut i = 0usize;
    while start.elapsed() < duration {
        ticker.tick().await;
        let mut req = templates[i % templates.len()].clone();
        i += 1;
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
            deliver(&client, &url, body, &outcome).await;
        }));
        tasks.retain(|t| !t.is_finished());
    }
    for t in tasks {
        let _ = t.await;
    }
    sent
}
