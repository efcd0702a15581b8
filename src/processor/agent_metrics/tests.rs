use std::time::Instant;

use metrics_exporter_prometheus::PrometheusRecorder;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::KeyValue;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};

use super::*;
use crate::pipeline::testing::{kv, kv_int};
use crate::semconv::value;

const SEC: u64 = 1_000_000_000;

fn recorder() -> PrometheusRecorder {
    crate::telemetry::Catalog::of(&[crate::processor::describe])
        .prometheus_builder()
        .unwrap()
        .build_recorder()
}

fn processor(yaml: &str) -> AgentMetricsProcessor {
    let cfg: Config = serde_yaml::from_str(yaml).unwrap();
    AgentMetricsProcessor::new("agent_metrics", cfg, "processors.agent_metrics").unwrap()
}

fn span(name: &str, session: &str, turn: i64, start: u64, end: u64, attrs: Vec<KeyValue>) -> Span {
    let mut attributes = vec![
        kv("session.id", session),
        kv_int("spotter.session.turn", turn),
        kv("spotter.workflow", "shop"),
    ];
    attributes.extend(attrs);
    Span {
        name: name.into(),
        start_time_unix_nano: start,
        end_time_unix_nano: end,
        attributes,
        ..Default::default()
    }
}

fn chat(model: &str, session: &str, turn: i64, start: u64, end: u64, cost: f64) -> Span {
    span(
        &format!("chat {model}"),
        session,
        turn,
        start,
        end,
        vec![
            kv("gen_ai.operation.name", "chat"),
            kv("gen_ai.request.model", model),
            kv_int("gen_ai.usage.input_tokens", 1000),
            kv_int("gen_ai.usage.output_tokens", 100),
            kv_int("gen_ai.usage.cache_read.input_tokens", 400),
            KeyValue {
                key: "spotter.cost.usd".into(),
                value: Some(value::double(cost)),
                ..Default::default()
            },
        ],
    )
}

fn tool(name: &str, session: &str, turn: i64, start: u64, end: u64) -> Span {
    span(
        &format!("execute_tool {name}"),
        session,
        turn,
        start,
        end,
        vec![
            kv("gen_ai.operation.name", "execute_tool"),
            kv("gen_ai.tool.name", name),
        ],
    )
}

fn feed(p: &mut AgentMetricsProcessor, spans: Vec<Span>) {
    let req = ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            scope_spans: vec![ScopeSpans {
                spans,
                ..Default::default()
            }],
            ..Default::default()
        }],
    };
    let mut out = Vec::new();
    p.process(Batch::traces(req, Instant::now()), Instant::now(), &mut out);
}

fn has(text: &str, line: &str) {
    assert!(
        text.lines().any(|l| l == line),
        "missing {line:?} in\n{text}"
    );
}

#[test]
fn model_calls_record_duration_tokens_and_cost() {
    let rec = recorder();
    let handle = rec.handle();
    metrics::with_local_recorder(&rec, || {
        let mut p = processor("");
        feed(
            &mut p,
            vec![
                chat("gpt-4o", "s", 1, 10 * SEC, 12 * SEC, 0.25),
                chat("gpt-4o", "s", 1, 13 * SEC, 13 * SEC + SEC / 2, 0.5),
            ],
        );
    });
    let text = handle.render();
    for line in [
        r#"spotter_llm_tokens_total{workflow="shop",model="gpt-4o",type="input"} 2000"#,
        r#"spotter_llm_tokens_total{workflow="shop",model="gpt-4o",type="cached_input"} 800"#,
        r#"spotter_llm_cost_usd_sum{workflow="shop",model="gpt-4o"} 0.75"#,
        r#"spotter_llm_call_duration_seconds_bucket{workflow="shop",model="gpt-4o",le="0.5"} 1"#,
        r#"spotter_llm_call_duration_seconds_bucket{workflow="shop",model="gpt-4o",le="2"} 2"#,
    ] {
        has(&text, line);
    }
    assert!(!text.contains(r#"type="reasoning""#));
}

#[test]
fn a_finished_session_records_its_series() {
    let rec = recorder();
    let handle = rec.handle();
    metrics::with_local_recorder(&rec, || {
        let mut p = processor("");
        feed(
            &mut p,
            vec![
                chat("gpt-4o", "s", 1, 100 * SEC, 101 * SEC, 0.25),
                tool("lookup_order", "s", 1, 101 * SEC, 102 * SEC),
                chat("gpt-4o", "s", 1, 102 * SEC, 103 * SEC, 0.25),
                tool("lookup_order", "s", 2, 200 * SEC, 201 * SEC),
                tool("lookup_order", "s", 2, 201 * SEC, 202 * SEC),
                tool("search_docs", "s", 2, 202 * SEC, 203 * SEC),
                chat("gpt-4o", "s", 2, 203 * SEC, 206 * SEC, 0.5),
            ],
        );
        let mut summary = SessionSummary {
            session_id: "s".into(),
            workflow: "shop".into(),
            first_seen_unix_nano: 100 * SEC,
            last_seen_unix_nano: 206 * SEC,
            turns: 2,
            llm_calls: 3,
            tool_calls: 4,
            cost_usd: 1.0,
            outcome: "failure".into(),
            outcome_reasons: vec![
                "auth_rot: lookup_order (turn 2)".into(),
                "unanswered".into(),
            ],
            ..Default::default()
        };
        p.enrich_summary(&mut summary);
        assert!(p.sessions.is_empty());
    });
    let text = handle.render();
    for line in [
        r#"spotter_sessions_total{workflow="shop",outcome="failure"} 1"#,
        r#"spotter_session_failures_total{workflow="shop",reason="auth_rot"} 1"#,
        r#"spotter_session_failures_total{workflow="shop",reason="unanswered"} 1"#,
        r#"spotter_session_cost_usd_sum{workflow="shop",outcome="failure"} 1"#,
        r#"spotter_session_duration_seconds_sum{workflow="shop",outcome="failure"} 106"#,
        r#"spotter_session_turns_sum{workflow="shop",outcome="failure"} 2"#,
        r#"spotter_session_tool_calls_sum{workflow="shop",outcome="failure"} 4"#,
        r#"spotter_session_llm_calls_sum{workflow="shop",outcome="failure"} 3"#,
    ] {
        has(&text, line);
    }
    // Turn 1 took 3 s, turn 2 took 6 s.
    for line in [
        r#"spotter_turn_duration_seconds_sum{workflow="shop",turns_bucket="2-3"} 9"#,
        r#"spotter_turn_duration_seconds_count{workflow="shop",turns_bucket="2-3"} 2"#,
        r#"spotter_tool_calls_per_session_sum{workflow="shop",tool="lookup_order"} 3"#,
        r#"spotter_tool_calls_per_session_sum{workflow="shop",tool="search_docs"} 1"#,
    ] {
        has(&text, line);
    }
}

#[test]
fn ten_thousand_tools_and_a_thousand_models_stay_under_the_caps() {
    let rec = recorder();
    let handle = rec.handle();
    metrics::with_local_recorder(&rec, || {
        let mut p = processor("max_tools: 100\nmax_models: 20\nmax_workflows: 5");
        for s in 0..100 {
            let session = format!("s{s}");
            let mut spans = Vec::new();
            for t in 0..100 {
                let n = s * 100 + t;
                spans.push(tool(&format!("tool_{n}"), &session, 1, SEC, 2 * SEC));
            }
            for m in 0..10 {
                let n = s * 10 + m;
                spans.push(chat(
                    &format!("model-{n}"),
                    &session,
                    1,
                    SEC,
                    2 * SEC,
                    0.001,
                ));
            }
            feed(&mut p, spans);
            let mut summary = SessionSummary {
                session_id: session,
                workflow: format!("workflow-{s}"),
                outcome: "success".into(),
                ..Default::default()
            };
            p.enrich_summary(&mut summary);
        }
    });
    let text = handle.render();
    let label_sets = |family: &str, label: &str| -> BTreeSet<String> {
        text.lines()
            .filter(|l| {
                l.starts_with(&format!("{family}{{")) || l.starts_with(&format!("{family}_sum{{"))
            })
            .filter_map(|l| {
                let start = l.find(&format!("{label}=\""))? + label.len() + 2;
                let end = start + l[start..].find('"')?;
                Some(l[start..end].to_string())
            })
            .collect()
    };
    let tools = label_sets("spotter_tool_calls_per_session", "tool");
    assert_eq!(tools.len(), 101, "100 tools plus other");
    assert!(tools.contains("other"));
    let models = label_sets("spotter_llm_tokens_total", "model");
    assert_eq!(models.len(), 21, "20 models plus other");
    let workflows = label_sets("spotter_sessions_total", "workflow");
    // The spans' workflow took one of the 5 places; the sessions' workflows fill the rest.
    assert!(
        workflows.len() <= 6 && workflows.contains("other"),
        "{workflows:?}"
    );
    // Every series of every family, buckets included, stays within what the caps allow.
    let series = text
        .lines()
        .filter(|l| l.starts_with("spotter_") && !l.starts_with('#'))
        .count();
    let per_histogram = 16 + 3; // at most 16 buckets, +Inf, _sum, _count
    let bound = (6 * 101 + 6 * 21 * 6 + 6 * 21 + 6 * 3 * 5) * per_histogram;
    assert!(series < bound, "{series} series");
}

#[test]
fn sessions_without_an_outcome_are_unknown() {
    let rec = recorder();
    let handle = rec.handle();
    metrics::with_local_recorder(&rec, || {
        let mut p = processor("");
        let mut summary = SessionSummary {
            session_id: "x".into(),
            workflow: "faq".into(),
            ..Default::default()
        };
        p.enrich_summary(&mut summary);
    });
    has(
        &handle.render(),
        r#"spotter_sessions_total{workflow="faq",outcome="unknown"} 1"#,
    );
}
