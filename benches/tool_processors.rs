//! Throughput of the session processor alone, and with the tool processors after it
//! (those of `spotter detection`: `schema_drift`, `tool_outcome`, `auth_rot`, `silent_failure`,
//! `tool_loop`), on an agent workload:
//! per turn one agent root, three LLM spans and two tool spans whose results are ~8 KB of JSON.
//! Prints spans/s per pipeline and their ratio (run with `cargo bench --bench tool_processors`).

use std::time::Instant;

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, KeyValue};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};
use spotter::detection::replay::pipeline;
use spotter::pipeline::Batch;
use spotter::processor::build;
use spotter::processor::chain::Chain;

fn kv(key: &str, value: &str) -> KeyValue {
    KeyValue {
        key: key.into(),
        value: Some(AnyValue {
            value: Some(any_value::Value::StringValue(value.into())),
        }),
        ..Default::default()
    }
}

/// A search result of about 8 KB.
fn big_result(i: usize) -> String {
    let hits: Vec<String> = (0..40)
        .map(|h| {
            format!(
                r#"{{"id": "doc-{i}-{h}", "title": "Article {h} about shipping and returns", "score": 0.{h:02}, "snippet": "Orders ship within two business days; returns are accepted for thirty days after delivery.", "tags": ["help", "orders"]}}"#
            )
        })
        .collect();
    format!(
        r#"{{"query": "q{i}", "total": 40, "results": [{}]}}"#,
        hits.join(",")
    )
}

fn turn(session: usize, turn: usize) -> Vec<Span> {
    let trace = {
        let mut t = vec![0u8; 16];
        t[..8].copy_from_slice(&(session as u64).to_be_bytes());
        t[8..].copy_from_slice(&(turn as u64).to_be_bytes());
        t
    };
    let sid = format!("session-{session}");
    let start = 1_800_000_000_000_000_000u64 + (session * 1000 + turn * 10) as u64 * 1_000_000_000;
    let span = |id: u8, parent: Option<u8>, name: &str, attrs: Vec<KeyValue>| Span {
        trace_id: trace.clone(),
        span_id: vec![id; 8],
        parent_span_id: parent.map(|p| vec![p; 8]).unwrap_or_default(),
        name: name.into(),
        start_time_unix_nano: start + u64::from(id) * 1_000_000,
        end_time_unix_nano: start + u64::from(id) * 1_000_000 + 500_000,
        attributes: attrs,
        ..Default::default()
    };
    let llm = |id: u8, text: &str| {
        span(
            id,
            Some(1),
            "chat",
            vec![
                kv("gen_ai.operation.name", "chat"),
                kv("gen_ai.conversation.id", &sid),
                kv(
                    "gen_ai.output.messages",
                    &format!(
                        r#"[{{"role":"assistant","parts":[{{"type":"text","content":"{text}"}}]}}]"#
                    ),
                ),
            ],
        )
    };
    let tool = |id: u8, n: usize| {
        span(
            id,
            Some(1),
            "execute_tool search_docs",
            vec![
                kv("gen_ai.operation.name", "execute_tool"),
                kv("gen_ai.tool.name", "search_docs"),
                kv("gen_ai.conversation.id", &sid),
                kv(
                    "gen_ai.tool.call.arguments",
                    &format!(r#"{{"query": "q{n}"}}"#),
                ),
                kv("gen_ai.tool.call.result", &big_result(n)),
            ],
        )
    };
    vec![
        llm(2, ""),
        tool(3, turn * 2),
        llm(4, ""),
        tool(5, turn * 2 + 1),
        llm(6, "Orders ship within two business days."),
        span(
            1,
            None,
            "invoke_agent bot",
            vec![
                kv("gen_ai.operation.name", "invoke_agent"),
                kv("gen_ai.conversation.id", &sid),
            ],
        ),
    ]
}

fn workload(sessions: usize, turns: usize) -> Vec<ExportTraceServiceRequest> {
    let mut reqs = Vec::new();
    for t in 0..turns {
        for s in 0..sessions {
            reqs.push(ExportTraceServiceRequest {
                resource_spans: vec![ResourceSpans {
                    resource: Some(Resource {
                        attributes: vec![kv("service.name", "bench")],
                        ..Default::default()
                    }),
                    scope_spans: vec![ScopeSpans {
                        spans: turn(s, t + 1),
                        ..Default::default()
                    }],
                    schema_url: String::new(),
                }],
            });
        }
    }
    reqs
}

fn chain(ids: &[String]) -> Chain {
    let wait: serde_yaml::Value = serde_yaml::from_str("wait: 0s").unwrap();
    let processors = ids
        .iter()
        .map(|id| {
            let opts = if id == "session" {
                wait.clone()
            } else {
                serde_yaml::Value::Null
            };
            build(id, &opts, "bench").unwrap()
        })
        .collect();
    Chain::new(processors)
}

fn run(ids: &[String], reqs: &[ExportTraceServiceRequest]) -> (f64, usize) {
    let mut chain = chain(ids);
    chain.start();
    let now = Instant::now();
    let mut spans = 0;
    let started = Instant::now();
    for req in reqs {
        let out = chain.process(Batch::traces(req.clone(), now), now);
        spans += out.iter().map(Batch::items).sum::<usize>();
    }
    chain.shutdown(now);
    let secs = started.elapsed().as_secs_f64();
    (spans as f64 / secs, spans)
}

fn main() {
    let reqs = workload(200, 5);
    // Warm up once, then measure each pipeline three times and keep the best.
    // The session and tool processors of the default config, as `spotter detection` runs them.
    let all = pipeline().expect("the default config has a detection pipeline");
    let plain = all[..1].to_vec();
    run(&plain, &reqs);
    let best = |ids: &[String]| {
        (0..3)
            .map(|_| run(ids, &reqs))
            .fold((0.0f64, 0usize), |a, b| if b.0 > a.0 { b } else { a })
    };
    let (p, n) = best(&plain);
    let (a, _) = best(&all);
    println!("workload: {n} spans, {} tool results of ~8 KB", n / 3);
    println!("session only:              {:>10.0} spans/s", p);
    println!("session + tool processors: {:>10.0} spans/s", a);
    println!("ratio (tools / plain):     {:>10.2}", a / p);
    for one in &all[1..] {
        let (x, _) = best(&[all[0].clone(), one.clone()]);
        println!("session + {one:<15} {:>10.0} spans/s", x);
    }
}
