//! Downstream outages and full queues: retried to exactly-once arrival, back-pressure instead of
//! loss.

use std::collections::HashSet;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use prost::Message;
use spotter::pipeline::testing::trace_request;

use crate::harness;
use crate::sink::{Recorded, Sink};

/// `spans` spans with ids unique to `seq`.
pub fn unique_request(seq: u32, spans: usize) -> ExportTraceServiceRequest {
    let mut req = trace_request(spans);
    for (i, span) in req.resource_spans[0].scope_spans[0]
        .spans
        .iter_mut()
        .enumerate()
    {
        let mut trace_id = [0u8; 16];
        trace_id[..4].copy_from_slice(&(seq + 1).to_be_bytes());
        trace_id[15] = 1;
        span.trace_id = trace_id.to_vec();
        span.span_id = (((seq as u64 + 1) << 16) | (i as u64 + 1))
            .to_be_bytes()
            .to_vec();
    }
    req
}

fn assert_exactly_once(recorded: &Recorded, expected: usize) {
    let ids = recorded.span_ids();
    let unique: HashSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), expected, "every accepted span arrives");
    assert_eq!(ids.len(), expected, "no span arrives twice");
}

const FAST_RETRY: &str = "    retry_on_failure:\n      initial_interval: 50ms\n      max_interval: 200ms\n      max_elapsed_time: 60s\n";

#[tokio::test]
async fn spans_sent_during_an_outage_arrive_exactly_once_when_the_downstream_returns() {
    let addr = harness::down_addr();

    let service = harness::start(&harness::config_to_sink(
        addr,
        "  batch:\n    timeout: 20ms",
        "batch",
        FAST_RETRY,
    ))
    .await;
    let url = harness::http_url(&service, "/v1/traces");
    for seq in 0..20 {
        let r = harness::post(
            &url,
            "application/x-protobuf",
            None,
            unique_request(seq, 10).encode_to_vec(),
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.text());
    }
    tokio::time::sleep(Duration::from_millis(800)).await;
    let recorded = Arc::new(Recorded::default());
    let sink = Sink::start_at(addr, recorded.clone()).await;
    assert_eq!(sink.wait_for_spans(200, Duration::from_secs(20)).await, 200);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_exactly_once(&recorded, 200);
    service.shutdown().await;
}

#[tokio::test]
async fn a_full_queue_pushes_back_on_clients_and_loses_nothing_accepted() {
    let sink = Sink::start().await;
    sink.recorded.fail_unavailable.store(1, Ordering::SeqCst);
    let extra =
        format!("{FAST_RETRY}    sending_queue:\n      queue_size: 2\n      num_consumers: 1\n");
    let service = harness::start(&harness::config_to_sink(
        sink.addr,
        "  batch:\n    timeout: 0s",
        "batch",
        &extra,
    ))
    .await;
    let url = harness::http_url(&service, "/v1/traces");
    let mut accepted = 0usize;
    let mut refused = None;
    for seq in 0..200 {
        let r = harness::post(
            &url,
            "application/x-protobuf",
            None,
            unique_request(seq, 5).encode_to_vec(),
        )
        .await;
        match r.status {
            200 => accepted += 5,
            429 => {
                refused = Some(r);
                break;
            }
            other => panic!("unexpected status {other}: {}", r.text()),
        }
    }
    let refused = refused.expect("the client is told to back off once the queue is full");
    assert!(
        refused.headers.contains_key("retry-after"),
        "429 carries Retry-After"
    );
    assert!(refused.text().contains("capacity"), "{}", refused.text());

    // gRPC clients get RESOURCE_EXHAUSTED with a RetryInfo.
    let mut client = opentelemetry_proto::tonic::collector::trace::v1::trace_service_client::TraceServiceClient::connect(harness::grpc_url(&service)).await.unwrap();
    let status = client.export(unique_request(10_000, 5)).await.unwrap_err();
    assert_eq!(status.code(), tonic::Code::ResourceExhausted);
    assert!(
        spotter::grpc::retry_hint(&status).is_some(),
        "RESOURCE_EXHAUSTED carries RetryInfo"
    );

    sink.recorded.fail_unavailable.store(0, Ordering::SeqCst);
    assert_eq!(
        sink.wait_for_spans(accepted, Duration::from_secs(20)).await,
        accepted
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_exactly_once(&sink.recorded, accepted);
    service.shutdown().await;
}

#[tokio::test]
async fn a_failing_exporter_does_not_hold_up_another() {
    // An exporter whose downstream refuses connections keeps retrying on its own queue.
    let sink = Sink::start().await;
    let yaml = harness::config_to_sink(sink.addr, "  batch:\n    timeout: 0s", "batch", "")
        .replace(
            "  otlp/sink:\n    endpoint: http://",
            "  otlphttp/bad:\n    endpoint: http://127.0.0.1:1/never\n    retry_on_failure:\n      initial_interval: 10ms\n      max_elapsed_time: 500ms\n  otlp/sink:\n    endpoint: http://",
        )
        .replace("exporters: [otlp/sink]\n    logs", "exporters: [otlp/sink, otlphttp/bad]\n    logs");
    let service = harness::start(&yaml).await;
    let r = harness::post(
        &harness::http_url(&service, "/v1/traces"),
        "application/x-protobuf",
        None,
        unique_request(1, 3).encode_to_vec(),
    )
    .await;
    assert_eq!(r.status, 200);
    // The failing exporter does not hold up the healthy one.
    assert_eq!(sink.wait_for_spans(3, Duration::from_secs(5)).await, 3);
    service.shutdown().await;
}
