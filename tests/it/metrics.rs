//! /metrics is valid Prometheus text and its self-metrics match what was sent.

use std::collections::HashMap;
use std::time::Duration;

use prost::Message;

use crate::delivery::unique_request;
use crate::harness;
use crate::lifecycle::Daemon;
use crate::sink::Sink;

/// Parse Prometheus text exposition: `name{labels} value` lines, `# HELP`/`# TYPE` comments.
/// Panics on any line that is neither.
pub fn parse(text: &str) -> HashMap<String, f64> {
    let re = regex::Regex::new(
        r#"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? (-?[0-9.eE+-]+|NaN|\+Inf|-Inf)$"#,
    )
    .unwrap();
    let mut out = HashMap::new();
    for line in text.lines() {
        if line.is_empty() || line.starts_with("# HELP ") || line.starts_with("# TYPE ") {
            continue;
        }
        let caps = re
            .captures(line)
            .unwrap_or_else(|| panic!("not Prometheus text: {line:?}"));
        let key = format!("{}{}", &caps[1], caps.get(2).map_or("", |m| m.as_str()));
        out.insert(key, caps[3].parse().unwrap());
    }
    out
}

#[tokio::test]
async fn self_metrics_parse_and_match_what_was_sent() {
    let sink = Sink::start().await;
    let daemon = Daemon::start(sink.addr, "metrics").await;
    let url = format!("http://127.0.0.1:{}/v1/traces", daemon.http);
    for seq in 0..7 {
        let r = harness::post(
            &url,
            "application/x-protobuf",
            None,
            unique_request(seq, 6).encode_to_vec(),
        )
        .await;
        assert_eq!(r.status, 200);
    }
    let bad = harness::post(&url, "application/x-protobuf", None, vec![0xff; 10]).await;
    assert_eq!(bad.status, 400);
    assert_eq!(sink.wait_for_spans(42, Duration::from_secs(5)).await, 42);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let text = harness::get(&format!("http://127.0.0.1:{}/metrics", daemon.metrics))
        .await
        .text();
    let m = parse(&text);
    let get = |k: &str| *m.get(k).unwrap_or_else(|| panic!("missing {k} in\n{text}"));
    assert_eq!(
        get(r#"otelcol_receiver_accepted_spans_total{receiver="otlp",transport="http"}"#),
        42.0
    );
    assert_eq!(
        get(r#"otelcol_exporter_sent_spans_total{exporter="otlp/sink"}"#),
        42.0
    );
    assert_eq!(
        get(
            r#"otelcol_processor_incoming_items_total{processor="batch",pipeline="traces",otel_signal="traces"}"#
        ),
        42.0
    );
    assert_eq!(
        get(
            r#"otelcol_processor_outgoing_items_total{processor="batch",pipeline="traces",otel_signal="traces"}"#
        ),
        42.0
    );
    assert_eq!(
        get(
            r#"otelcol_receiver_requests_total{receiver="otlp",transport="http",outcome="invalid"}"#
        ),
        1.0
    );
    assert_eq!(
        get(r#"otelcol_exporter_queue_size{exporter="otlp/sink"}"#),
        0.0
    );
    assert_eq!(
        get(r#"otelcol_exporter_queue_capacity{exporter="otlp/sink"}"#),
        1000.0
    );
    assert!(!m
        .keys()
        .any(|k| k.starts_with("otelcol_exporter_send_failed_spans_total")));
}
