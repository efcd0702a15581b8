//! A pipeline that changes nothing forwards the very bytes it received: fields spotter's OTLP
//! version does not know survive, and nothing is encoded twice. A pipeline that changes spans
//! re-encodes them.

use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use prost::Message;
use spotter::pipeline::testing::trace_request;

use crate::harness;

/// An OTLP/HTTP endpoint that keeps every request body as received.
struct RawSink {
    addr: std::net::SocketAddr,
    bodies: Arc<Mutex<Vec<Bytes>>>,
}

impl RawSink {
    async fn start() -> RawSink {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let bodies: Arc<Mutex<Vec<Bytes>>> = Arc::default();
        let kept = bodies.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let kept = kept.clone();
                tokio::spawn(async move {
                    let svc = service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                        let kept = kept.clone();
                        async move {
                            let body = req.into_body().collect().await.unwrap().to_bytes();
                            kept.lock().unwrap().push(body);
                            Ok::<_, Infallible>(hyper::Response::new(Full::new(Bytes::new())))
                        }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), svc)
                        .await;
                });
            }
        });
        RawSink { addr, bodies }
    }

    async fn wait_for_bytes(&self, n: usize) -> Vec<u8> {
        let until = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let all: Vec<u8> = self.bodies.lock().unwrap().concat();
            if all.len() >= n || tokio::time::Instant::now() > until {
                return all;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

/// A request body with a top-level field (number 99) that no OTLP version defines yet.
fn body_with_unknown_field(spans: usize, seq: u8) -> Vec<u8> {
    let mut req = trace_request(spans);
    for span in &mut req.resource_spans[0].scope_spans[0].spans {
        span.trace_id[0] = seq;
    }
    let mut body = req.encode_to_vec();
    let extra = format!("future field {seq}");
    body.extend_from_slice(&[0x9a, 0x06, extra.len() as u8]);
    body.extend_from_slice(extra.as_bytes());
    body
}

fn config(sink: std::net::SocketAddr, processors: &str, pipeline: &str) -> String {
    format!(
        r#"receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:0
processors:
  batch:
    timeout: 300ms
{processors}
exporters:
  otlphttp/raw:
    endpoint: http://{sink}
    compression: none
service:
  pipelines:
    traces:
      receivers: [otlp]
      processors: [{pipeline}]
      exporters: [otlphttp/raw]
  telemetry:
    metrics:
      address: none
"#
    )
}

async fn send(service: &spotter::service::Service, body: &[u8]) {
    let reply = harness::post(
        &harness::http_url(service, "/v1/traces"),
        "application/x-protobuf",
        None,
        body.to_vec(),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
}

#[tokio::test]
async fn an_unchanging_pipeline_forwards_the_received_bytes_unknown_fields_included() {
    let sink = RawSink::start().await;
    let service = harness::start(&config(sink.addr, "", "batch")).await;
    let (a, b) = (body_with_unknown_field(3, 1), body_with_unknown_field(2, 2));
    send(&service, &a).await;
    send(&service, &b).await;
    let got = sink.wait_for_bytes(a.len() + b.len()).await;
    assert_eq!(
        got,
        [a, b].concat(),
        "the two bodies, merged by the batch processor"
    );
    service.shutdown().await;
}

#[tokio::test]
async fn a_changing_pipeline_re_encodes_and_keeps_every_span() {
    let sink = RawSink::start().await;
    let processors = "  attributes:\n    actions:\n      - key: deployment.environment\n        value: test\n        action: upsert\n";
    let service = harness::start(&config(sink.addr, processors, "attributes, batch")).await;
    let a = body_with_unknown_field(3, 1);
    send(&service, &a).await;
    let got = sink.wait_for_bytes(1).await;
    let req = ExportTraceServiceRequest::decode(got.as_slice()).unwrap();
    let spans: Vec<_> = req
        .resource_spans
        .iter()
        .flat_map(|rs| &rs.scope_spans)
        .flat_map(|ss| &ss.spans)
        .collect();
    assert_eq!(spans.len(), 3);
    assert!(spans.iter().all(|s| s
        .attributes
        .iter()
        .any(|kv| kv.key == "deployment.environment")));
    assert!(
        !got.windows(12).any(|w| w == b"future field"),
        "a re-encoded request only holds the fields spotter knows"
    );
    service.shutdown().await;
}
