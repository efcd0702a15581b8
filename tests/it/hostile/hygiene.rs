//! Input hygiene: control characters in logged values, the bearer scheme's case, a cap on
//! attributes per span, and values nested as deep as SDKs produce.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_client::TraceServiceClient;
use opentelemetry_proto::tonic::common::v1::{
    any_value::Value, AnyValue, ArrayValue, KeyValue, KeyValueList,
};
use prost::Message;
use spotter::pipeline::testing::kv;

use super::{metric, start_limited, try_post};
use crate::delivery::unique_request;
use crate::harness;
use crate::lifecycle::Daemon;
use crate::sink::Sink;

#[tokio::test]
async fn control_characters_in_a_tool_name_are_escaped_in_the_console_log() {
    let sink = Sink::start().await;
    let sink_addr = sink.addr;
    let daemon = start_limited("ctl", None, move |http, grpc, metrics, health| {
        Daemon::config_text(sink_addr, http, grpc, metrics, health)
            .replace(
                "exporters:\n  otlp/sink:",
                "exporters:\n  debug:\n    verbosity: normal\n  otlp/sink:",
            )
            .replace("exporters: [otlp/sink]", "exporters: [otlp/sink, debug]")
    })
    .await;
    let forged = "web_search\nFORGED spotter: ERROR auth rot detected\u{1b}[31m\r\u{7}";
    let mut req = unique_request(1, 1);
    let span = &mut req.resource_spans[0].scope_spans[0].spans[0];
    span.name = format!("execute_tool {forged}");
    span.attributes
        .push(kv("gen_ai.operation.name", "execute_tool"));
    span.attributes.push(kv("gen_ai.tool.name", forged));
    let status = try_post(
        &format!("http://127.0.0.1:{}/v1/traces", daemon.http),
        req.encode_to_vec(),
    )
    .await;
    assert_eq!(status, Some(200));
    assert_eq!(sink.wait_for_spans(1, Duration::from_secs(10)).await, 1);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let log = daemon.log();
    assert!(log.contains("web_search"), "the span was logged: {log}");
    assert!(
        !log.lines().any(|l| l.starts_with("FORGED")),
        "no forged line: {log}"
    );
    assert!(!log.contains('\u{1b}'), "no raw ESC: {log:?}");
    assert!(!log.contains('\r'), "no raw CR: {log:?}");
    assert!(!log.contains('\u{7}'), "no raw BEL: {log:?}");
}

#[tokio::test]
async fn the_bearer_scheme_is_matched_in_any_case() {
    const TOKEN: &str = "hostile-token-0123456789";
    let sink = Sink::start().await;
    let service = harness::start(
        &harness::config_to_sink(sink.addr, "  batch:", "batch", "").replacen(
            "  otlp:\n    protocols:",
            &format!("  otlp:\n    auth:\n      bearer_token: {TOKEN}\n    protocols:"),
            1,
        ),
    )
    .await;
    let client: hyper_util::client::legacy::Client<_, Full<Bytes>> =
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .build_http();
    for (seq, scheme) in ["BEARER", "bearer", "Bearer", "bEaReR"].iter().enumerate() {
        let req = http::Request::post(harness::http_url(&service, "/v1/traces"))
            .header("content-type", "application/x-protobuf")
            .header("authorization", format!("{scheme} {TOKEN}"))
            .body(Full::new(Bytes::from(
                unique_request(seq as u32, 1).encode_to_vec(),
            )))
            .unwrap();
        let resp = client.request(req).await.unwrap();
        assert_eq!(resp.status(), 200, "scheme {scheme:?} over HTTP");
    }
    let mut grpc = TraceServiceClient::connect(harness::grpc_url(&service))
        .await
        .unwrap();
    let mut req = tonic::Request::new(unique_request(10, 1));
    req.metadata_mut()
        .insert("authorization", format!("BEARER {TOKEN}").parse().unwrap());
    grpc.export(req).await.expect("BEARER over gRPC");
    assert_eq!(sink.wait_for_spans(5, Duration::from_secs(5)).await, 5);
    service.shutdown().await;
}

#[tokio::test]
async fn attributes_past_max_attributes_per_span_are_dropped_and_counted() {
    let sink = Sink::start().await;
    let sink_addr = sink.addr;
    let daemon = start_limited("max-attrs", None, move |http, grpc, metrics, health| {
        Daemon::config_text(sink_addr, http, grpc, metrics, health).replace(
            "  otlp:\n    protocols:",
            "  otlp:\n    limits:\n      max_attributes_per_span: 8\n    protocols:",
        )
    })
    .await;
    let mut req = unique_request(1, 1);
    let span = &mut req.resource_spans[0].scope_spans[0].spans[0];
    span.attributes = (0..20).map(|i| kv(&format!("attr.{i}"), "v")).collect();
    span.dropped_attributes_count = 1;
    let status = try_post(
        &format!("http://127.0.0.1:{}/v1/traces", daemon.http),
        req.encode_to_vec(),
    )
    .await;
    assert_eq!(status, Some(200));
    assert_eq!(sink.wait_for_spans(1, Duration::from_secs(10)).await, 1);
    let got =
        sink.recorded.traces.lock().unwrap()[0].resource_spans[0].scope_spans[0].spans[0].clone();
    assert_eq!(got.attributes.len(), 8, "the first 8 attributes are kept");
    assert_eq!(got.attributes[7].key, "attr.7");
    assert_eq!(
        got.dropped_attributes_count, 13,
        "1 dropped by the SDK + 12"
    );
    let counted = metric(
        &daemon,
        "spotter_receiver_dropped_attributes_total{receiver=\"otlp\"}",
    )
    .await;
    assert_eq!(counted, 12.0);
}

/// An AnyValue of `depth` levels, alternating maps and arrays, with a string at the bottom.
fn nested(depth: usize) -> AnyValue {
    let mut v = AnyValue {
        value: Some(Value::StringValue("leaf".into())),
    };
    for level in 0..depth {
        v = if level % 2 == 0 {
            AnyValue {
                value: Some(Value::KvlistValue(KeyValueList {
                    values: vec![KeyValue {
                        key: format!("l{level}"),
                        value: Some(v),
                        ..Default::default()
                    }],
                })),
            }
        } else {
            AnyValue {
                value: Some(Value::ArrayValue(ArrayValue { values: vec![v] })),
            }
        };
    }
    v
}

#[tokio::test]
async fn values_nested_as_deep_as_sdks_produce_are_accepted_and_deeper_ones_named() {
    let sink = Sink::start().await;
    let service =
        harness::start(&harness::config_to_sink(sink.addr, "  batch:", "batch", "")).await;
    let url = harness::http_url(&service, "/v1/traces");
    // 32 levels: deeper than the JSON documents agents log (tool arguments and results) and
    // than any SDK's attribute encoder produces for a nested map or list.
    let mut req = unique_request(1, 1);
    req.resource_spans[0].scope_spans[0].spans[0]
        .attributes
        .push(KeyValue {
            key: "gen_ai.tool.call.arguments".into(),
            value: Some(nested(32)),
            ..Default::default()
        });
    let r = harness::post(&url, "application/x-protobuf", None, req.encode_to_vec()).await;
    assert_eq!(r.status, 200, "32 levels are accepted: {}", r.text());
    assert_eq!(sink.wait_for_spans(1, Duration::from_secs(5)).await, 1);
    let got = sink.recorded.traces.lock().unwrap()[0].clone();
    assert_eq!(got, req, "forwarded unchanged");

    let mut deep = unique_request(2, 1);
    deep.resource_spans[0].scope_spans[0].spans[0]
        .attributes
        .push(KeyValue {
            key: "deep".into(),
            value: Some(nested(200)),
            ..Default::default()
        });
    let r = harness::post(&url, "application/x-protobuf", None, deep.encode_to_vec()).await;
    assert_eq!(r.status, 400);
    assert!(
        r.text().contains("nested deeper than"),
        "the refusal names the nesting limit: {}",
        r.text()
    );
    service.shutdown().await;
}
