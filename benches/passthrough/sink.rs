//! The downstream: an OTLP/HTTP and OTLP/gRPC receiver (one port, HTTP/1 or HTTP/2) that
//! decompresses and decodes every request (so its cost is real, on its own core), counts spans
//! and records each span's latency, taken as receipt time minus the span's end time (the
//! generator stamps the send time there). Spans the generator marked `bench.session_known`
//! (later turns of a session already seen) get their own latency figures.
//!
//! It runs as a child process (`passthrough --role sink`), prints `listening <addr>` on stdout,
//! and answers `GET /stats` with JSON.

use std::convert::Infallible;
use std::io::Read;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode};
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use prost::Message;
use tokio::net::TcpListener;

#[derive(Default)]
struct Counts {
    spans: u64,
    requests: u64,
    wire_bytes: u64,
    decoded_bytes: u64,
    errors: u64,
    /// Latency of every span, in microseconds.
    latencies_us: Vec<u32>,
    /// Latency of the spans marked `bench.session_known`, in microseconds.
    known_us: Vec<u32>,
}

/// The attribute the generator sets on spans of a session's later turns.
pub const KNOWN: &str = "bench.session_known";

pub fn now_ns() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_nanos() as u64
}

fn decompress(encoding: Option<&str>, body: &[u8]) -> std::io::Result<Vec<u8>> {
    match encoding {
        Some("gzip") => {
            let mut out = Vec::with_capacity(body.len() * 4);
            flate2::read::GzDecoder::new(body).read_to_end(&mut out)?;
            Ok(out)
        }
        Some("zstd") => zstd::decode_all(body),
        _ => Ok(body.to_vec()),
    }
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx] as f64 / 1000.0
}

fn stats(counts: &Counts) -> String {
    let mut lat = counts.latencies_us.clone();
    lat.sort_unstable();
    let mut known = counts.known_us.clone();
    known.sort_unstable();
    serde_json::json!({
        "known_spans": known.len(),
        "known_latency_ms": {
            "p50": percentile(&known, 0.50),
            "p99": percentile(&known, 0.99),
        },
        "spans": counts.spans,
        "requests": counts.requests,
        "wire_bytes": counts.wire_bytes,
        "decoded_bytes": counts.decoded_bytes,
        "errors": counts.errors,
        "latency_ms": {
            "p50": percentile(&lat, 0.50),
            "p90": percentile(&lat, 0.90),
            "p99": percentile(&lat, 0.99),
            "max": lat.last().map(|v| *v as f64 / 1000.0).unwrap_or(0.0),
        }
    })
    .to_string()
}

type Body = BoxBody<Bytes, Infallible>;

async fn handle(
    req: Request<Incoming>,
    counts: Arc<Mutex<Counts>>,
) -> Result<Response<Body>, Infallible> {
    if req.method() == Method::GET && req.uri().path() == "/stats" {
        let body = stats(&counts.lock().unwrap());
        return Ok(Response::new(Full::new(Bytes::from(body)).boxed()));
    }
    let grpc = req
        .headers()
        .get(http::header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/grpc"));
    let header = if grpc {
        "grpc-encoding"
    } else {
        "content-encoding"
    };
    let encoding = req
        .headers()
        .get(header)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let mut body = match req.into_body().collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => return Ok(status(StatusCode::BAD_REQUEST)),
    };
    let mut encoding = encoding.as_deref();
    if grpc {
        // One message: compressed flag, 4-byte length, message.
        if body.len() < 5 {
            return Ok(status(StatusCode::BAD_REQUEST));
        }
        if body[0] == 0 {
            encoding = None;
        }
        body = body.slice(5..);
    }
    let decoded = decompress(encoding, &body)
        .ok()
        .and_then(|raw| Some((raw.len(), ExportTraceServiceRequest::decode(&raw[..]).ok()?)));
    let received = now_ns();
    let mut c = counts.lock().unwrap();
    let Some((raw_len, request)) = decoded else {
        c.errors += 1;
        return Ok(status(StatusCode::BAD_REQUEST));
    };
    c.requests += 1;
    c.wire_bytes += body.len() as u64;
    c.decoded_bytes += raw_len as u64;
    for span in request
        .resource_spans
        .iter()
        .flat_map(|rs| &rs.scope_spans)
        .flat_map(|ss| &ss.spans)
    {
        c.spans += 1;
        let us = received.saturating_sub(span.end_time_unix_nano) / 1000;
        let us = us.min(u32::MAX as u64) as u32;
        c.latencies_us.push(us);
        if span.attributes.iter().any(|kv| kv.key == KNOWN) {
            c.known_us.push(us);
        }
    }
    drop(c);
    if grpc {
        // An empty ExportTraceServiceResponse, then grpc-status 0 in the trailers.
        let mut trailers = http::HeaderMap::new();
        trailers.insert("grpc-status", http::HeaderValue::from_static("0"));
        let frames = futures::stream::iter([
            Ok::<_, Infallible>(hyper::body::Frame::data(Bytes::from_static(&[
                0, 0, 0, 0, 0,
            ]))),
            Ok(hyper::body::Frame::trailers(trailers)),
        ]);
        let mut resp = Response::new(StreamBody::new(frames).boxed());
        resp.headers_mut().insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/grpc"),
        );
        return Ok(resp);
    }
    let mut resp = Response::new(Full::new(Bytes::new()).boxed());
    resp.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/x-protobuf"),
    );
    Ok(resp)
}

fn status(code: StatusCode) -> Response<Body> {
    let mut r = Response::new(Full::new(Bytes::new()).boxed());
    *r.status_mut() = code;
    r
}

/// Serve until killed.
pub fn run() -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        println!("listening {}", listener.local_addr()?);
        let counts = Arc::new(Mutex::new(Counts::default()));
        loop {
            let (stream, _) = listener.accept().await?;
            let _ = stream.set_nodelay(true);
            let counts = counts.clone();
            tokio::spawn(async move {
                let svc = service_fn(move |req| handle(req, counts.clone()));
                let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(stream), svc)
                    .await;
            });
        }
    })
}
