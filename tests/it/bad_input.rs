//! Malformed input gets a clear error and spotter keeps serving.

use std::time::Duration;

use bytes::Bytes;
use http::uri::PathAndQuery;
use prost::Message;
use spotter::grpc::RawCodec;
use spotter::pipeline::testing::trace_request;

use crate::harness;
use crate::sink::Sink;

#[tokio::test]
async fn bad_http_payloads_get_the_right_status_and_spotter_keeps_serving() {
    let sink = Sink::start().await;
    let service =
        harness::start(&harness::config_to_sink(sink.addr, "  batch:", "batch", "")).await;
    let url = harness::http_url(&service, "/v1/traces");
    let good = trace_request(3).encode_to_vec();

    let truncated = harness::post(
        &url,
        "application/x-protobuf",
        None,
        good[..good.len() - 7].to_vec(),
    )
    .await;
    assert_eq!(truncated.status, 400, "{}", truncated.text());
    assert!(
        truncated.text().contains("cannot decode protobuf"),
        "{}",
        truncated.text()
    );

    let bad_json = harness::post(
        &url,
        "application/json",
        None,
        b"{\"resourceSpans\": [".to_vec(),
    )
    .await;
    assert_eq!(bad_json.status, 400);
    assert!(
        bad_json.text().contains("cannot decode OTLP/JSON"),
        "{}",
        bad_json.text()
    );
    assert!(
        bad_json.text().contains("\"code\":3"),
        "a google.rpc.Status body: {}",
        bad_json.text()
    );

    let wrong_type = harness::post(&url, "text/plain", None, good.clone()).await;
    assert_eq!(wrong_type.status, 415);
    assert!(wrong_type.text().contains("unsupported content type"));

    let oversized = harness::post(&url, "application/x-protobuf", None, vec![0u8; 9 << 20]).await;
    assert_eq!(oversized.status, 413, "{}", oversized.text());

    let bomb = harness::gzip(&vec![b'a'; 64 << 20]);
    let bombed = harness::post(&url, "application/x-protobuf", Some("gzip"), bomb).await;
    assert_eq!(bombed.status, 413, "{}", bombed.text());
    assert!(
        bombed.text().contains("decompressed body exceeds"),
        "{}",
        bombed.text()
    );

    let not_gzip = harness::post(&url, "application/x-protobuf", Some("gzip"), good.clone()).await;
    assert_eq!(not_gzip.status, 400);
    assert!(
        not_gzip.text().contains("cannot decompress gzip"),
        "{}",
        not_gzip.text()
    );

    let wrong_path = harness::post(
        &harness::http_url(&service, "/v1/metrics"),
        "application/x-protobuf",
        None,
        good.clone(),
    )
    .await;
    assert_eq!(wrong_path.status, 404);

    let ok = harness::post(&url, "application/x-protobuf", None, good).await;
    assert_eq!(ok.status, 200);
    assert_eq!(sink.wait_for_spans(3, Duration::from_secs(5)).await, 3);
    service.shutdown().await;
}

#[tokio::test]
async fn invalid_span_ids_are_reported_as_partial_success() {
    let sink = Sink::start().await;
    let service =
        harness::start(&harness::config_to_sink(sink.addr, "  batch:", "batch", "")).await;
    let mut req = trace_request(4);
    req.resource_spans[0].scope_spans[0].spans[2].span_id = vec![1, 2, 3];
    let reply = harness::post(
        &harness::http_url(&service, "/v1/traces"),
        "application/json",
        None,
        serde_json::to_vec(&req).unwrap(),
    )
    .await;
    assert_eq!(reply.status, 200);
    let body: serde_json::Value = serde_json::from_slice(&reply.body).unwrap();
    assert_eq!(body["partialSuccess"]["rejectedSpans"], "1");
    assert!(body["partialSuccess"]["errorMessage"]
        .as_str()
        .unwrap()
        .contains("span-2"));
    assert_eq!(sink.wait_for_spans(3, Duration::from_secs(5)).await, 3);
    service.shutdown().await;
}

#[tokio::test]
async fn garbage_over_grpc_is_invalid_argument_and_spotter_keeps_serving() {
    let sink = Sink::start().await;
    let service =
        harness::start(&harness::config_to_sink(sink.addr, "  batch:", "batch", "")).await;
    let channel = tonic::transport::Endpoint::from_shared(harness::grpc_url(&service))
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut grpc = tonic::client::Grpc::new(channel.clone());
    grpc.ready().await.unwrap();
    let path =
        PathAndQuery::from_static("/opentelemetry.proto.collector.trace.v1.TraceService/Export");
    let err = grpc
        .unary::<Bytes, Bytes, RawCodec>(
            tonic::Request::new(Bytes::from_static(b"\x0a\xff\xff\xff\x0fgarbage")),
            path.clone(),
            RawCodec,
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), tonic::Code::InvalidArgument, "{err}");
    assert!(
        err.message().contains("cannot decode protobuf"),
        "{}",
        err.message()
    );

    grpc.ready().await.unwrap();
    let unknown = grpc
        .unary::<Bytes, Bytes, RawCodec>(
            tonic::Request::new(Bytes::new()),
            PathAndQuery::from_static(
                "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export",
            ),
            RawCodec,
        )
        .await
        .unwrap_err();
    assert_eq!(unknown.code(), tonic::Code::Unimplemented);

    let mut client = opentelemetry_proto::tonic::collector::trace::v1::trace_service_client::TraceServiceClient::new(channel);
    client
        .export(trace_request(2))
        .await
        .expect("still serving");
    assert_eq!(sink.wait_for_spans(2, Duration::from_secs(5)).await, 2);
    service.shutdown().await;
}
