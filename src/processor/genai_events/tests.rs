use std::time::{Duration, Instant};

use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, KeyValueList};
use opentelemetry_proto::tonic::logs::v1::{LogRecord, ResourceLogs, ScopeLogs};
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};

use super::*;
use crate::pipeline::testing::kv;

const TRACE: [u8; 16] = [3; 16];

fn span_id(n: u8) -> Vec<u8> {
    vec![0, 0, 0, 0, 0, 0, 0, n]
}

fn chat_span(n: u8) -> Span {
    Span {
        trace_id: TRACE.to_vec(),
        span_id: span_id(n),
        name: "chat gpt-4o".into(),
        start_time_unix_nano: 10,
        end_time_unix_nano: 20,
        attributes: vec![
            kv("gen_ai.operation.name", "chat"),
            kv("gen_ai.request.model", "gpt-4o"),
        ],
        ..Default::default()
    }
}

fn traces(spans: Vec<Span>) -> Batch {
    Batch::traces(
        ExportTraceServiceRequest {
            resource_spans: vec![ResourceSpans {
                scope_spans: vec![ScopeSpans {
                    spans,
                    ..Default::default()
                }],
                ..Default::default()
            }],
        },
        Instant::now(),
    )
}

fn content(text: &str) -> AnyValue {
    AnyValue {
        value: Some(
            opentelemetry_proto::tonic::common::v1::any_value::Value::KvlistValue(KeyValueList {
                values: vec![KeyValue {
                    key: "content".into(),
                    value: Some(value::string(text)),
                    ..Default::default()
                }],
            }),
        ),
    }
}

fn choice(text: &str) -> AnyValue {
    AnyValue {
        value: Some(
            opentelemetry_proto::tonic::common::v1::any_value::Value::KvlistValue(KeyValueList {
                values: vec![
                    KeyValue {
                        key: "finish_reason".into(),
                        value: Some(value::string("stop")),
                        ..Default::default()
                    },
                    KeyValue {
                        key: "message".into(),
                        value: Some(content(text)),
                        ..Default::default()
                    },
                ],
            }),
        ),
    }
}

fn record(n: u8, name: &str, time: u64, body: AnyValue) -> LogRecord {
    LogRecord {
        trace_id: TRACE.to_vec(),
        span_id: span_id(n),
        time_unix_nano: time,
        event_name: name.into(),
        body: Some(body),
        attributes: vec![kv("gen_ai.system", "openai")],
        ..Default::default()
    }
}

/// The user message and the answer of chat span `n`.
fn call_events(n: u8, question: &str, answer: &str) -> Vec<LogRecord> {
    vec![
        record(n, otel::event::USER_MESSAGE, 11, content(question)),
        record(n, otel::event::CHOICE, 19, choice(answer)),
    ]
}

fn logs(records: Vec<LogRecord>) -> Batch {
    Batch::logs(
        ExportLogsServiceRequest {
            resource_logs: vec![ResourceLogs {
                scope_logs: vec![ScopeLogs {
                    log_records: records,
                    ..Default::default()
                }],
                ..Default::default()
            }],
        },
        Instant::now(),
    )
}

fn processor(yaml: &str) -> GenAiEventsProcessor {
    let cfg: Config = serde_yaml::from_str(yaml).unwrap();
    GenAiEventsProcessor::new("genai_events", cfg, "processors.genai_events").unwrap()
}

fn only_spans(out: &[Batch]) -> Vec<Span> {
    out.iter()
        .flat_map(|b| match b.payload() {
            Payload::Traces(r) => r
                .resource_spans
                .iter()
                .flat_map(|rs| &rs.scope_spans)
                .flat_map(|ss| ss.spans.clone())
                .collect::<Vec<_>>(),
            Payload::Logs(_) => panic!("a log batch left the join"),
        })
        .collect()
}

fn attr<'a>(s: &'a Span, key: &str) -> Option<&'a str> {
    value::find(&s.attributes, key).and_then(value::as_str)
}

#[test]
fn events_before_their_span_are_joined_when_it_arrives() {
    let mut p = processor("{}");
    let now = Instant::now();
    let mut out = Vec::new();
    p.process(
        logs(call_events(1, "Refund order 7", "Done, refunded.")),
        now,
        &mut out,
    );
    assert!(out.is_empty(), "the log batch is consumed");
    p.process(traces(vec![chat_span(1)]), now, &mut out);
    let spans = only_spans(&out);
    assert_eq!(spans.len(), 1);
    let view = SpanView::new(None, &spans[0]);
    assert!(view.input_messages().unwrap().contains("Refund order 7"));
    assert!(view.output_messages().unwrap().contains("Done, refunded."));
    let names: Vec<&str> = spans[0].events.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["gen_ai.user.message", "gen_ai.choice"]);
    assert_eq!(
        value::find(&spans[0].events[0].attributes, "content").and_then(value::as_str),
        Some("Refund order 7")
    );
    assert!(p.next_deadline().is_none(), "nothing left waiting");
}

#[test]
fn a_span_before_its_events_waits_for_them() {
    let mut p = processor("{}");
    let now = Instant::now();
    let mut out = Vec::new();
    p.process(traces(vec![chat_span(2)]), now, &mut out);
    assert!(out.is_empty(), "held for its events");
    assert_eq!(p.next_deadline(), Some(now + Duration::from_secs(2)));
    // The input event alone does not release it: the answer is still to come.
    p.process(
        logs(call_events(2, "Where is my parcel?", "x")[..1].to_vec()),
        now,
        &mut out,
    );
    assert!(out.is_empty());
    p.process(
        logs(call_events(2, "", "It is in Leeds.")[1..].to_vec()),
        now,
        &mut out,
    );
    let spans = only_spans(&out);
    assert_eq!(spans.len(), 1);
    let view = SpanView::new(None, &spans[0]);
    assert!(view
        .input_messages()
        .unwrap()
        .contains("Where is my parcel?"));
    assert!(view.output_messages().unwrap().contains("It is in Leeds."));
}

#[test]
fn a_span_whose_events_never_come_leaves_unchanged_after_span_wait() {
    let mut p = processor("span_wait: 500ms");
    let now = Instant::now();
    let mut out = Vec::new();
    p.process(traces(vec![chat_span(3)]), now, &mut out);
    assert!(out.is_empty());
    let due = p.next_deadline().unwrap();
    assert_eq!(due, now + Duration::from_millis(500));
    p.on_tick(due - Duration::from_millis(1), &mut out);
    assert!(out.is_empty());
    p.on_tick(due, &mut out);
    let spans = only_spans(&out);
    assert_eq!(spans, vec![chat_span(3)]);
}

#[test]
fn spans_that_are_not_model_calls_or_have_their_messages_pass_at_once() {
    let mut p = processor("{}");
    let now = Instant::now();
    let mut tool = chat_span(4);
    tool.attributes = vec![
        kv("gen_ai.operation.name", "execute_tool"),
        kv("gen_ai.tool.name", "refund"),
    ];
    let mut with_content = chat_span(5);
    with_content.attributes.push(kv(
        "gen_ai.output.messages",
        r#"[{"role":"assistant","parts":[{"type":"text","content":"hi"}]}]"#,
    ));
    let mut out = Vec::new();
    p.process(traces(vec![tool, with_content]), now, &mut out);
    assert_eq!(only_spans(&out).len(), 2);
    let mut out = Vec::new();
    let mut never = processor("span_wait: 0s");
    never.process(traces(vec![chat_span(6)]), now, &mut out);
    assert_eq!(only_spans(&out).len(), 1, "span_wait 0s never holds");
}

#[test]
fn messages_the_span_already_has_win_over_its_events() {
    let mut p = processor("{}");
    let now = Instant::now();
    let mut out = Vec::new();
    p.process(
        logs(call_events(7, "from the event", "event answer")),
        now,
        &mut out,
    );
    let mut s = chat_span(7);
    s.attributes.push(kv("gen_ai.input.messages", "[]"));
    p.process(traces(vec![s]), now, &mut out);
    let spans = only_spans(&out);
    assert_eq!(attr(&spans[0], "gen_ai.input.messages"), Some("[]"));
    assert!(attr(&spans[0], "gen_ai.output.messages")
        .unwrap()
        .contains("event answer"));
}

#[test]
fn without_attach_to_spans_the_messages_are_removed_before_export() {
    let mut p = processor("attach_to_spans: false");
    let now = Instant::now();
    let mut out = Vec::new();
    p.process(
        logs(call_events(8, "Cancel my plan", "Cancelled.")),
        now,
        &mut out,
    );
    p.process(traces(vec![chat_span(8)]), now, &mut out);
    let inside = only_spans(&out);
    assert!(
        attr(&inside[0], "gen_ai.input.messages").is_some(),
        "later processors read them"
    );
    assert!(inside[0].events.is_empty());
    let mut batch = out.pop().unwrap();
    p.finish(&mut batch);
    let exported = only_spans(&[batch]);
    assert_eq!(exported, vec![chat_span(8)], "the span leaves as it came");
}

#[test]
fn events_that_never_meet_their_span_expire_and_the_pending_set_is_bounded() {
    let mut p = processor("event_wait: 1s\nmax_pending_spans: 2");
    let now = Instant::now();
    let mut out = Vec::new();
    for n in 10..13 {
        p.process(logs(call_events(n, "q", "a")), now, &mut out);
    }
    assert_eq!(p.pending.len(), 2, "the oldest span's events were evicted");
    assert!(!p.pending.contains(&span_key(&TRACE, &span_id(10))));
    assert_eq!(p.next_deadline(), Some(now + Duration::from_secs(1)));
    p.on_tick(now + Duration::from_secs(1), &mut out);
    assert!(out.is_empty());
    assert_eq!(p.pending.len(), 0);
    assert!(p.next_deadline().is_none());
    // A span that comes after its events expired waits for nothing more and passes unchanged.
    let mut fast = processor("span_wait: 0s");
    fast.process(traces(vec![chat_span(11)]), now, &mut out);
    assert_eq!(only_spans(&out), vec![chat_span(11)]);
}

#[test]
fn held_spans_are_bounded_and_released_in_order_on_shutdown() {
    let mut p = processor("max_held_spans: 2");
    let now = Instant::now();
    let mut out = Vec::new();
    for n in 20..23 {
        p.process(traces(vec![chat_span(n)]), now, &mut out);
    }
    assert_eq!(
        only_spans(&out),
        vec![chat_span(20)],
        "the oldest left early"
    );
    out.clear();
    p.shutdown(&mut out);
    assert_eq!(only_spans(&out), vec![chat_span(21), chat_span(22)]);
    assert!(p.next_deadline().is_none());
}

#[test]
fn records_without_a_span_or_of_other_events_are_not_kept() {
    let mut p = processor("{}");
    let now = Instant::now();
    let mut orphan = record(1, otel::event::USER_MESSAGE, 1, content("hi"));
    orphan.span_id.clear();
    let other = LogRecord {
        event_name: "app.login".into(),
        trace_id: TRACE.to_vec(),
        span_id: span_id(1),
        ..Default::default()
    };
    let mut out = Vec::new();
    p.process(logs(vec![orphan, other]), now, &mut out);
    assert!(out.is_empty());
    assert_eq!(p.pending.len(), 0);
}

#[test]
fn pending_events_are_bounded_in_bytes_oldest_span_first() {
    let mut p = processor("max_pending_bytes: 1KiB");
    let now = Instant::now();
    let mut out = Vec::new();
    let long = "x".repeat(400);
    for n in 30..34 {
        p.process(logs(call_events(n, &long, "a")), now, &mut out);
    }
    assert!(p.pending_bytes <= 1024, "{}", p.pending_bytes);
    assert!(p.pending.len() < 4);
    assert!(
        p.pending.contains(&span_key(&TRACE, &span_id(33))),
        "the newest stays"
    );
    assert!(
        !p.pending.contains(&span_key(&TRACE, &span_id(30))),
        "the oldest went"
    );
    // Joining gives the bytes back.
    p.process(traces(vec![chat_span(33)]), now, &mut out);
    assert_eq!(
        p.pending_bytes,
        p.pending.iter().map(|(_, e)| e.bytes).sum::<usize>()
    );
}
