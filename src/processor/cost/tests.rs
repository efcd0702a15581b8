use std::time::Instant;

use metrics_exporter_prometheus::PrometheusRecorder;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{any_value, KeyValue};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};

use super::*;
use crate::pipeline::testing::{kv, kv_int};
use crate::summary::SessionSummary;

fn recorder() -> PrometheusRecorder {
    crate::telemetry::Catalog::of(&[crate::processor::describe])
        .prometheus_builder()
        .unwrap()
        .build_recorder()
}

fn processor(yaml: &str) -> CostProcessor {
    let cfg: Config = serde_yaml::from_str(yaml).unwrap();
    CostProcessor::new("cost", cfg, "processors.cost").unwrap()
}

/// A chat span of `session` turn `turn`.
fn chat(model: &str, session: &str, turn: i64, input: i64, output: i64) -> Span {
    Span {
        name: format!("chat {model}"),
        trace_id: vec![1; 16],
        span_id: vec![turn as u8, 2, 3, 4, 5, 6, 7, 8],
        start_time_unix_nano: 1_000,
        end_time_unix_nano: 2_000,
        attributes: vec![
            kv("gen_ai.operation.name", "chat"),
            kv("gen_ai.request.model", model),
            kv("gen_ai.provider.name", "openai"),
            kv_int("gen_ai.usage.input_tokens", input),
            kv_int("gen_ai.usage.output_tokens", output),
            kv("session.id", session),
            kv_int("spotter.session.turn", turn),
            kv("spotter.workflow", "shop"),
        ],
        ..Default::default()
    }
}

fn with(mut span: Span, attrs: Vec<KeyValue>) -> Span {
    span.attributes.extend(attrs);
    span
}

fn batch(spans: Vec<Span>) -> Batch {
    Batch::traces(
        ExportTraceServiceRequest {
            resource_spans: vec![ResourceSpans {
                resource: Some(Resource {
                    attributes: vec![kv("service.name", "shop")],
                    ..Default::default()
                }),
                scope_spans: vec![ScopeSpans {
                    spans,
                    ..Default::default()
                }],
                schema_url: String::new(),
            }],
        },
        Instant::now(),
    )
}

fn run(p: &mut CostProcessor, spans: Vec<Span>) -> Vec<Span> {
    let mut out = Vec::new();
    p.process(batch(spans), Instant::now(), &mut out);
    let Payload::Traces(req) = out.remove(0).into_payload() else {
        panic!("traces expected")
    };
    req.resource_spans
        .into_iter()
        .flat_map(|rs| rs.scope_spans)
        .flat_map(|ss| ss.spans)
        .collect()
}

fn attr<'a>(span: &'a Span, key: &str) -> Option<&'a any_value::Value> {
    value::find(&span.attributes, key)
}

fn f64_of(span: &Span, key: &str) -> Option<f64> {
    attr(span, key).and_then(value::as_f64)
}

fn close(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-12, "{a} != {b}");
}

fn summary(p: &mut CostProcessor, session: &str) -> SessionSummary {
    let mut s = SessionSummary {
        session_id: session.into(),
        ..Default::default()
    };
    p.enrich_summary(&mut s);
    s
}

#[test]
fn a_priced_call_gets_its_cost_with_cached_tokens_at_the_cache_rate() {
    let mut p = processor("");
    let span = with(
        chat("gpt-4o-2024-08-06", "s1", 1, 1000, 200),
        vec![kv_int("gen_ai.usage.cache_read.input_tokens", 400)],
    );
    let out = run(&mut p, vec![span]);
    // 600 × $2.50 + 400 × $1.25 + 200 × $10 per million = $0.004
    close(f64_of(&out[0], "spotter.cost.usd").unwrap(), 0.004);
    close(f64_of(&out[0], "gen_ai.usage.cost").unwrap(), 0.004);
    assert_eq!(
        attr(&out[0], "spotter.cost.source").and_then(value::as_str),
        Some("computed")
    );
    let s = summary(&mut p, "s1");
    close(s.cost_usd, 0.004);
    assert_eq!((s.priced_llm_calls, s.cached_input_tokens), (1, 400));
}

#[test]
fn agent_spans_with_rolled_up_usage_are_not_priced_again() {
    let mut p = processor("");
    let agent = Span {
        name: "invoke_agent ShopBot".into(),
        attributes: vec![
            kv("gen_ai.operation.name", "invoke_agent"),
            kv("gen_ai.request.model", "gpt-4o-mini"),
            kv_int("gen_ai.usage.input_tokens", 20_000),
            kv_int("gen_ai.usage.output_tokens", 2_000),
            kv("session.id", "s1"),
        ],
        ..Default::default()
    };
    let out = run(
        &mut p,
        vec![
            chat("gpt-4o-mini", "s1", 1, 10_000, 1_000),
            chat("gpt-4o-mini", "s1", 1, 10_000, 1_000),
            agent,
        ],
    );
    assert!(attr(&out[2], "spotter.cost.usd").is_none());
    // 2 × (10k × $0.15 + 1k × $0.60) per million = $0.0042
    let s = summary(&mut p, "s1");
    close(s.cost_usd, 0.0042);
    assert_eq!((s.input_tokens, s.output_tokens), (20_000, 2_000));
}

#[test]
fn an_sdk_cost_is_kept_unless_computed_cost_is_preferred() {
    let sdk = || {
        with(
            chat("gpt-4o-mini", "s1", 1, 10_000, 1_000),
            vec![kv("llm.cost.total", "0.5")],
        )
    };
    let mut p = processor("");
    let out = run(&mut p, vec![sdk()]);
    close(f64_of(&out[0], "spotter.cost.usd").unwrap(), 0.5);
    assert_eq!(
        attr(&out[0], "spotter.cost.source").and_then(value::as_str),
        Some("reported")
    );
    let mut p = processor("cost_precedence: computed");
    let out = run(&mut p, vec![sdk()]);
    close(f64_of(&out[0], "spotter.cost.usd").unwrap(), 0.0021);
    // The SDK's own attribute is left as it was.
    assert_eq!(
        attr(&out[0], "llm.cost.total").and_then(value::as_str),
        Some("0.5")
    );
    // An SDK-written gen_ai.usage.cost is never overwritten either.
    let mut p = processor("cost_precedence: computed");
    let span = with(
        chat("gpt-4o-mini", "s1", 1, 10_000, 1_000),
        vec![kv("gen_ai.usage.cost", "0.7")],
    );
    let out = run(&mut p, vec![span]);
    assert_eq!(
        attr(&out[0], "gen_ai.usage.cost").and_then(value::as_str),
        Some("0.7")
    );
}

#[test]
fn an_unknown_model_is_counted_and_never_priced_at_zero() {
    let rec = recorder();
    let handle = rec.handle();
    let (out, s) = metrics::with_local_recorder(&rec, || {
        let mut p = processor("");
        let out = run(
            &mut p,
            vec![
                chat("acme-secret-model", "s1", 1, 100, 10),
                chat("acme-secret-model", "s1", 1, 100, 10),
                chat("gpt-4o-mini", "s1", 1, 10_000, 1_000),
            ],
        );
        (out, summary(&mut p, "s1"))
    });
    assert!(attr(&out[0], "spotter.cost.usd").is_none());
    assert!(attr(&out[0], "gen_ai.usage.cost").is_none());
    assert_eq!(
        attr(&out[0], "spotter.cost.unpriced").and_then(value::as_bool),
        Some(true)
    );
    assert_eq!((s.priced_llm_calls, s.unpriced_llm_calls), (1, 2));
    close(s.cost_usd, 0.0021);
    let text = handle.render();
    assert!(
        text.contains(r#"spotter_cost_unpriced_spans_total{model="acme-secret-model"} 2"#),
        "{text}"
    );
}

#[test]
fn saturated_calls_are_flagged_with_an_event_and_observed() {
    let rec = recorder();
    let handle = rec.handle();
    let out = metrics::with_local_recorder(&rec, || {
        let mut p = processor("");
        // gpt-4 has an 8192-token window: 7500 / 8192 = 0.9155
        run(
            &mut p,
            vec![
                chat("gpt-4", "s1", 1, 7500, 10),
                chat("gpt-4", "s1", 1, 100, 10),
            ],
        )
    });
    close(
        f64_of(&out[0], "spotter.context.utilization").unwrap(),
        7500.0 / 8192.0,
    );
    assert_eq!(
        attr(&out[0], "spotter.context.saturated").and_then(value::as_bool),
        Some(true)
    );
    assert_eq!(out[0].events[0].name, "spotter.context.saturated");
    assert!(attr(&out[1], "spotter.context.saturated").is_none());
    assert!(out[1].events.is_empty());
    let text = handle.render();
    // 100 / 8192 falls in the first bucket, 7500 / 8192 between 0.9 and 0.95.
    for (le, n) in [("0.05", 1), ("0.9", 1), ("0.95", 2)] {
        let line = format!(
            r#"spotter_context_utilization_ratio_bucket{{workflow="shop",model="gpt-4",le="{le}"}} {n}"#
        );
        assert!(text.contains(&line), "{line} in {text}");
    }
    assert!(text.contains(r#"spotter_context_saturated_total{workflow="shop",model="gpt-4"} 1"#));
}

#[test]
fn input_that_stops_growing_near_the_window_is_suspected_truncation() {
    let mut p = processor("");
    let out = run(
        &mut p,
        vec![
            chat("gpt-4", "s1", 1, 6500, 10),
            chat("gpt-4", "s1", 2, 6400, 10),
            chat("gpt-4", "s2", 1, 2000, 10),
            chat("gpt-4", "s2", 2, 1500, 10),
        ],
    );
    assert!(attr(&out[0], "spotter.context.truncation_suspected").is_none());
    assert_eq!(
        attr(&out[1], "spotter.context.truncation_suspected").and_then(value::as_bool),
        Some(true)
    );
    assert!(out[1]
        .events
        .iter()
        .any(|e| e.name == "spotter.context.truncation_suspected"));
    assert!(attr(&out[3], "spotter.context.truncation_suspected").is_none());
    assert!(summary(&mut p, "s1").context_truncation_suspected);
    assert!(!summary(&mut p, "s2").context_truncation_suspected);
}

#[test]
fn a_thousand_models_stay_under_the_label_cap() {
    let rec = recorder();
    let handle = rec.handle();
    metrics::with_local_recorder(&rec, || {
        let mut p = processor("max_models: 50");
        let spans = (0..1000)
            .map(|i| chat(&format!("custom-model-{i}"), "s1", 1, 100, 10))
            .collect();
        run(&mut p, spans);
    });
    let text = handle.render();
    let series = text
        .lines()
        .filter(|l| l.starts_with("spotter_cost_unpriced_spans_total{"))
        .count();
    assert_eq!(series, 51, "{text}");
    assert!(text.contains(r#"spotter_cost_unpriced_spans_total{model="other"} 950"#));
}

#[test]
fn session_state_is_bounded() {
    let mut p = processor("max_sessions: 10");
    let spans = (0..100)
        .map(|i| chat("gpt-4o-mini", &format!("s{i}"), 1, 100, 10))
        .collect();
    run(&mut p, spans);
    assert_eq!(p.sessions.len(), 10);
    assert!(summary(&mut p, "s0").priced_llm_calls == 0);
    assert_eq!(summary(&mut p, "s99").priced_llm_calls, 1);
}

#[test]
fn user_pricing_and_context_windows_extend_the_defaults() {
    let mut p = processor(
        r#"
pricing:
  - { id: acme, pattern: "^acme-ft-", input: 4.0, output: 8.0 }
models:
  - { id: acme, pattern: "^acme-ft-", context_window: 1000 }
"#,
    );
    let out = run(&mut p, vec![chat("acme-ft-7", "s1", 1, 900, 100)]);
    // 900 × $4 + 100 × $8 per million
    close(f64_of(&out[0], "spotter.cost.usd").unwrap(), 0.0044);
    close(f64_of(&out[0], "spotter.context.utilization").unwrap(), 0.9);
}

#[test]
fn bad_options_name_their_path() {
    let err = |yaml: &str| {
        let cfg: Config = serde_yaml::from_str(yaml).unwrap();
        CostProcessor::new("cost", cfg, "processors.cost")
            .err()
            .unwrap()
            .to_string()
    };
    assert!(err("saturation_threshold: 0").contains("processors.cost.saturation_threshold"));
    assert!(err("pricing_file: /nonexistent/prices.yaml").contains("processors.cost.pricing_file"));
    assert!(err("max_sessions: 0").contains("processors.cost.max_sessions"));
    let e = crate::processor::parse_options::<Config>(
        &serde_yaml::from_str("cost_precedence: sdk").unwrap(),
        "processors.cost",
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("processors.cost.cost_precedence"), "{e}");
}
