//! Agent sessions through the real listeners: the session processor stamps every span and the
//! Langfuse profile adds the keys Langfuse groups by.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use opentelemetry_proto::tonic::common::v1::any_value::Value;
use opentelemetry_proto::tonic::trace::v1::Span;

use crate::harness::{self, fixtures_dir};
use crate::sink::Sink;

fn str_attr<'a>(span: &'a Span, key: &str) -> Option<&'a str> {
    span.attributes
        .iter()
        .find(|kv| kv.key == key)
        .and_then(|kv| match kv.value.as_ref()?.value.as_ref()? {
            Value::StringValue(s) => Some(s.as_str()),
            _ => None,
        })
}

/// POST every protobuf request of one fixture library, in capture order.
async fn post_protobuf_library(service: &spotter::service::Service, library: &str) {
    let mut files: Vec<_> = std::fs::read_dir(fixtures_dir().join(library))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "pb"))
        .collect();
    files.sort();
    for f in &files {
        let r = harness::post(
            &harness::http_url(service, "/v1/traces"),
            "application/x-protobuf",
            None,
            std::fs::read(f).unwrap(),
        )
        .await;
        assert_eq!(r.status, 200, "{}", f.display());
    }
}

#[tokio::test]
async fn openinference_sessions_reach_the_vendor_with_langfuse_keys() {
    let sink = Sink::start().await;
    let yaml = harness::config_to_sink(
        sink.addr,
        "  session:\n    wait: 300ms\n  batch:\n    timeout: 50ms",
        "session, batch",
        "    profile: langfuse",
    );
    let service = harness::start(&yaml).await;
    post_protobuf_library(&service, "openinference").await;
    assert_eq!(sink.wait_for_spans(127, Duration::from_secs(10)).await, 127);
    let labels: HashSet<String> = std::fs::read_to_string(fixtures_dir().join("labels.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| v["library"] == "openinference")
        .map(|v| v["session_id"].as_str().unwrap().to_string())
        .collect();
    let mut turns: HashMap<String, HashSet<String>> = HashMap::new();
    for req in sink.recorded.traces.lock().unwrap().iter() {
        for span in req
            .resource_spans
            .iter()
            .flat_map(|rs| &rs.scope_spans)
            .flat_map(|ss| &ss.spans)
        {
            let session = str_attr(span, "session.id").expect("every span has session.id");
            assert!(
                labels.contains(session),
                "session {session} is a labelled one"
            );
            assert_eq!(str_attr(span, "langfuse.session.id"), Some(session));
            assert!(
                str_attr(span, "langfuse.observation.type").is_some(),
                "{}",
                span.name
            );
            assert!(str_attr(span, "spotter.span.role").is_some());
            let turn = span
                .attributes
                .iter()
                .find(|kv| kv.key == "spotter.session.turn")
                .expect("turn stamped");
            turns
                .entry(session.to_string())
                .or_default()
                .insert(format!("{:?}", turn.value));
        }
    }
    assert_eq!(turns.len(), labels.len(), "no session split or merged");
    service.shutdown().await;
}

#[tokio::test]
async fn finished_sessions_reach_the_file_and_the_vendor_as_summaries() {
    let sink = Sink::start().await;
    let dir = std::env::temp_dir().join(format!("spotter-summaries-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let spans_file = dir.join("spans.jsonl");
    let yaml = harness::config_to_sink(
        sink.addr,
        "  session:\n    wait: 200ms\n  cost: {}\n  outcome: {}\n  batch:\n    timeout: 50ms",
        "session, cost, outcome, batch",
        &format!(
            "    summary_spans: true\n  file:\n    path: {}",
            spans_file.display()
        ),
    )
    .replace(
        "exporters: [otlp/sink]\n    logs",
        "exporters: [otlp/sink, file]\n    logs",
    );
    let service = harness::start(&yaml).await;
    post_protobuf_library(&service, "otel-proto").await;
    assert_eq!(sink.wait_for_spans(127, Duration::from_secs(10)).await, 127);
    // Shutdown ends every open session.
    service.shutdown().await;

    let summaries: Vec<serde_json::Value> =
        std::fs::read_to_string(dir.join("spans.sessions.jsonl"))
            .expect("session summaries written beside the spans")
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
    assert_eq!(summaries.len(), 10, "one summary per session");
    for s in &summaries {
        assert!(s["turns"].as_u64().unwrap() >= 1);
        assert!(s["cost_usd"].as_f64().unwrap() > 0.0, "{s}");
        assert!(["success", "failure", "unknown"].contains(&s["outcome"].as_str().unwrap()));
    }
    let summary_spans: Vec<Span> = sink
        .recorded
        .traces
        .lock()
        .unwrap()
        .iter()
        .flat_map(|r| &r.resource_spans)
        .flat_map(|rs| &rs.scope_spans)
        .flat_map(|ss| &ss.spans)
        .filter(|s| s.name == "spotter.session.summary")
        .cloned()
        .collect();
    assert_eq!(summary_spans.len(), 10, "one summary span per session");
    let sessions: HashSet<&str> = summaries
        .iter()
        .map(|s| s["session_id"].as_str().unwrap())
        .collect();
    for span in &summary_spans {
        assert!(sessions.contains(str_attr(span, "session.id").unwrap()));
        assert_eq!(
            span.parent_span_id.len(),
            8,
            "parented to the last turn's root"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
