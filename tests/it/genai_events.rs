//! GenAI log events through the real listeners: an agent whose prompts, answers and tool
//! messages arrive on `/v1/logs` gets the same verdicts as the same agent with the messages on
//! its spans, whichever arrives first, one span per request; events whose span already left
//! are not attached and the span leaves after the bounded wait; the logs themselves still reach
//! the logs pipeline unchanged.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::any_value::Value;
use opentelemetry_proto::tonic::common::v1::{AnyValue, ArrayValue, KeyValue, KeyValueList};
use opentelemetry_proto::tonic::logs::v1::{LogRecord, ResourceLogs, ScopeLogs};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::status::StatusCode;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span, Status};
use prost::Message;
use serde_json::json;

use crate::harness;
use crate::sink::Sink;

const TRACE: [u8; 16] = [0x5e; 16];
const T0: u64 = 1_800_000_000_000_000_000;
const SEC: u64 = 1_000_000_000;
const ROOT: u8 = 1;
const CHAT1: u8 = 2;
const TOOL: u8 = 3;
const CHAT2: u8 = 4;

const QUESTION: &str = "Please refund order 7.";
const ANSWER: &str = "Your refund for order 7 has been issued.";
const TOOL_ERROR: &str = r#"{"error": "forbidden", "status": 403}"#;

fn s(v: &str) -> AnyValue {
    AnyValue {
        value: Some(Value::StringValue(v.to_string())),
    }
}

fn kv(key: &str, value: AnyValue) -> KeyValue {
    KeyValue {
        key: key.to_string(),
        value: Some(value),
        ..Default::default()
    }
}

fn map(members: Vec<(&str, AnyValue)>) -> AnyValue {
    AnyValue {
        value: Some(Value::KvlistValue(KeyValueList {
            values: members.into_iter().map(|(k, v)| kv(k, v)).collect(),
        })),
    }
}

fn list(values: Vec<AnyValue>) -> AnyValue {
    AnyValue {
        value: Some(Value::ArrayValue(ArrayValue { values })),
    }
}

fn span(id: u8, name: &str, start: u64, attrs: Vec<KeyValue>) -> Span {
    Span {
        trace_id: TRACE.to_vec(),
        span_id: vec![0, 0, 0, 0, 0, 0, 0, id],
        parent_span_id: if id == ROOT {
            Vec::new()
        } else {
            vec![0, 0, 0, 0, 0, 0, 0, ROOT]
        },
        name: name.to_string(),
        kind: if id == ROOT { 1 } else { 3 },
        start_time_unix_nano: T0 + start * SEC,
        end_time_unix_nano: T0 + start * SEC + SEC / 2,
        attributes: attrs,
        ..Default::default()
    }
}

/// The agent's turn, one span per element, in the order they end. With `messages_on_spans`
/// the chat spans carry their messages as `gen_ai.*.messages` attributes (span mode);
/// otherwise they carry none and [`events`] has them (event mode).
fn spans(messages_on_spans: bool) -> Vec<Span> {
    let chat = |id, start, input: serde_json::Value, output: serde_json::Value| {
        let mut attrs = vec![
            kv("gen_ai.operation.name", s("chat")),
            kv("gen_ai.system", s("openai")),
            kv("gen_ai.request.model", s("gpt-4o-mini")),
        ];
        if messages_on_spans {
            attrs.push(kv("gen_ai.input.messages", s(&input.to_string())));
            attrs.push(kv("gen_ai.output.messages", s(&output.to_string())));
        }
        span(id, "chat gpt-4o-mini", start, attrs)
    };
    let user = json!({"role": "user", "parts": [{"type": "text", "content": QUESTION}]});
    let call = json!({"role": "assistant", "parts": [{"type": "tool_call", "id": "call_1", "name": "refund_order", "arguments": {"order": 7}}]});
    let mut tool = span(
        TOOL,
        "execute_tool refund_order",
        3,
        vec![
            kv("gen_ai.operation.name", s("execute_tool")),
            kv("gen_ai.tool.name", s("refund_order")),
            kv("gen_ai.tool.call.id", s("call_1")),
            kv("gen_ai.tool.call.arguments", s(r#"{"order": 7}"#)),
        ],
    );
    tool.status = Some(Status {
        code: StatusCode::Error as i32,
        message: "403 Forbidden".into(),
    });
    let mut root = span(
        ROOT,
        "invoke_agent support",
        0,
        vec![
            kv("gen_ai.operation.name", s("invoke_agent")),
            kv("session.id", s("refund-session")),
        ],
    );
    root.end_time_unix_nano = T0 + 10 * SEC;
    vec![
        chat(
            CHAT1,
            1,
            json!([user]),
            json!([{"role": "assistant", "parts": call["parts"], "finish_reason": "tool_calls"}]),
        ),
        tool,
        chat(
            CHAT2,
            5,
            json!([user, call, {"role": "tool", "parts": [{"type": "tool_call_response", "id": "call_1", "response": TOOL_ERROR}]}]),
            json!([{"role": "assistant", "parts": [{"type": "text", "content": ANSWER}], "finish_reason": "stop"}]),
        ),
        root,
    ]
}

fn record(span: u8, name: &str, at: u64, body: AnyValue) -> LogRecord {
    LogRecord {
        time_unix_nano: T0 + at,
        event_name: name.to_string(),
        trace_id: TRACE.to_vec(),
        span_id: vec![0, 0, 0, 0, 0, 0, 0, span],
        attributes: vec![kv("gen_ai.system", s("openai"))],
        body: Some(body),
        ..Default::default()
    }
}

/// The chat spans' messages as the OpenAI instrumentation's per-message events.
fn events() -> Vec<LogRecord> {
    let tool_calls = || {
        list(vec![map(vec![
            ("id", s("call_1")),
            ("type", s("function")),
            (
                "function",
                map(vec![
                    ("name", s("refund_order")),
                    ("arguments", s(r#"{"order": 7}"#)),
                ]),
            ),
        ])])
    };
    let user = |span| {
        record(
            span,
            "gen_ai.user.message",
            0,
            map(vec![("content", s(QUESTION))]),
        )
    };
    vec![
        user(CHAT1),
        record(
            CHAT1,
            "gen_ai.choice",
            SEC,
            map(vec![
                (
                    "index",
                    AnyValue {
                        value: Some(Value::IntValue(0)),
                    },
                ),
                ("finish_reason", s("tool_calls")),
                (
                    "message",
                    map(vec![("role", s("assistant")), ("tool_calls", tool_calls())]),
                ),
            ]),
        ),
        user(CHAT2),
        record(
            CHAT2,
            "gen_ai.assistant.message",
            1,
            map(vec![("tool_calls", tool_calls())]),
        ),
        record(
            CHAT2,
            "gen_ai.tool.message",
            2,
            map(vec![("content", s(TOOL_ERROR)), ("id", s("call_1"))]),
        ),
        record(
            CHAT2,
            "gen_ai.choice",
            5 * SEC,
            map(vec![
                (
                    "index",
                    AnyValue {
                        value: Some(Value::IntValue(0)),
                    },
                ),
                ("finish_reason", s("stop")),
                (
                    "message",
                    map(vec![("role", s("assistant")), ("content", s(ANSWER))]),
                ),
            ]),
        ),
    ]
}

fn resource() -> Option<Resource> {
    Some(Resource {
        attributes: vec![kv("service.name", s("support-bot"))],
        ..Default::default()
    })
}

fn traces_body(spans: Vec<Span>) -> Vec<u8> {
    ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            resource: resource(),
            scope_spans: vec![ScopeSpans {
                spans,
                ..Default::default()
            }],
            ..Default::default()
        }],
    }
    .encode_to_vec()
}

fn logs_request(records: Vec<LogRecord>) -> ExportLogsServiceRequest {
    ExportLogsServiceRequest {
        resource_logs: vec![ResourceLogs {
            resource: resource(),
            scope_logs: vec![ScopeLogs {
                log_records: records,
                ..Default::default()
            }],
            ..Default::default()
        }],
    }
}

async fn post(service: &spotter::service::Service, path: &str, body: Vec<u8>) {
    let r = harness::post(
        &harness::http_url(service, path),
        "application/x-protobuf",
        None,
        body,
    )
    .await;
    assert_eq!(r.status, 200, "{path}: {}", r.text());
}

fn config(sink: &Sink, join_options: &str) -> String {
    harness::config_to_sink(
        sink.addr,
        &format!(
            "  genai_events: {join_options}\n  session:\n    wait: 300ms\n  schema_drift: {{}}\n  tool_outcome: {{}}\n  auth_rot: {{}}\n  silent_failure: {{}}\n  tool_loop: {{}}\n  goal: {{}}\n  evaluation_events: {{}}\n  batch:\n    timeout: 50ms"
        ),
        "genai_events, session, schema_drift, tool_outcome, auth_rot, silent_failure, tool_loop, goal, evaluation_events, batch",
        "",
    )
}

/// Order in which the agent's data reaches spotter.
#[derive(Clone, Copy)]
enum Order {
    SpansOnly,
    LogsFirst,
    SpansFirst,
}

/// Run the agent's turn through a fresh spotter and return every exported span by id.
async fn run(order: Order) -> (BTreeMap<u8, Span>, Vec<ExportLogsServiceRequest>) {
    let sink = Sink::start().await;
    let service = harness::start(&config(&sink, "{}")).await;
    let send_logs = || async {
        post(&service, "/v1/logs", logs_request(events()).encode_to_vec()).await;
    };
    if let Order::LogsFirst = order {
        send_logs().await;
    }
    for span in spans(matches!(order, Order::SpansOnly)) {
        post(&service, "/v1/traces", traces_body(vec![span])).await;
    }
    if let Order::SpansFirst = order {
        send_logs().await;
    }
    assert_eq!(sink.wait_for_spans(4, Duration::from_secs(10)).await, 4);
    let exported = sink
        .recorded
        .traces
        .lock()
        .unwrap()
        .iter()
        .flat_map(|r| &r.resource_spans)
        .flat_map(|rs| &rs.scope_spans)
        .flat_map(|ss| ss.spans.clone())
        .map(|s| (s.span_id[7], s))
        .collect();
    let logs = sink.recorded.logs.lock().unwrap().clone();
    service.shutdown().await;
    (exported, logs)
}

fn attr<'a>(span: &'a Span, key: &str) -> Option<&'a Value> {
    span.attributes
        .iter()
        .find(|kv| kv.key == key)
        .and_then(|kv| kv.value.as_ref()?.value.as_ref())
}

/// What spotter decided about each span: its `spotter.*` verdict attributes and evaluation
/// events.
fn verdicts(spans: &BTreeMap<u8, Span>) -> BTreeMap<u8, Vec<String>> {
    spans
        .iter()
        .map(|(id, span)| {
            let mut v: Vec<String> = span
                .attributes
                .iter()
                .filter(|kv| kv.key.starts_with("spotter."))
                .map(|kv| format!("{}={:?}", kv.key, kv.value))
                .collect();
            v.extend(
                span.events
                    .iter()
                    .filter(|e| {
                        e.name.starts_with("spotter.") || e.name == "gen_ai.evaluation.result"
                    })
                    .map(|e| format!("{} {:?}", e.name, e.attributes)),
            );
            v.sort();
            (*id, v)
        })
        .collect()
}

fn text(span: &Span, key: &str) -> String {
    match attr(span, key) {
        Some(Value::StringValue(s)) => s.clone(),
        other => panic!("{key} on {}: {other:?}", span.name),
    }
}

#[tokio::test]
async fn an_agent_with_genai_events_gets_the_same_verdicts_as_with_span_attributes() {
    let (by_attributes, _) = run(Order::SpansOnly).await;
    let tool = &by_attributes[&TOOL];
    assert!(
        matches!(
            attr(tool, "spotter.tool.silent_failure"),
            Some(Value::BoolValue(true))
        ),
        "the failed refund hidden behind a success answer is a silent failure: {:?}",
        tool.attributes
    );
    let expected = verdicts(&by_attributes);
    assert!(
        expected[&TOOL]
            .iter()
            .any(|v| v.contains("spotter.silent_failure")
                && v.starts_with("gen_ai.evaluation.result")),
        "{:?}",
        expected[&TOOL]
    );

    for order in [Order::LogsFirst, Order::SpansFirst] {
        let (by_events, logs) = run(order).await;
        assert_eq!(verdicts(&by_events), expected);
        let chat2 = &by_events[&CHAT2];
        assert!(text(chat2, "gen_ai.output.messages").contains(ANSWER));
        assert!(text(chat2, "gen_ai.input.messages").contains("tool_call_response"));
        let names: Vec<&str> = chat2.events.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "gen_ai.user.message",
                "gen_ai.assistant.message",
                "gen_ai.tool.message",
                "gen_ai.choice"
            ],
            "attached as span events, in time order"
        );
        assert_eq!(
            logs,
            vec![logs_request(events())],
            "the logs pipeline got them unchanged"
        );
    }
}

#[tokio::test]
async fn a_span_whose_events_come_too_late_leaves_after_the_bounded_wait() {
    let sink = Sink::start().await;
    let service = harness::start(&config(&sink, "{span_wait: 300ms, event_wait: 400ms}")).await;
    let chat = spans(false).remove(0);
    let sent = Instant::now();
    post(&service, "/v1/traces", traces_body(vec![chat.clone()])).await;
    assert_eq!(sink.wait_for_spans(1, Duration::from_secs(5)).await, 1);
    assert!(
        sent.elapsed() >= Duration::from_millis(300),
        "held for its events"
    );
    // Its events now arrive late: they still reach the logs pipeline, wait for a span that
    // has gone, and expire; nothing more is exported on the traces side.
    post(&service, "/v1/logs", logs_request(events()).encode_to_vec()).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    let traces = sink.recorded.traces.lock().unwrap().clone();
    let exported: Vec<&Span> = traces
        .iter()
        .flat_map(|r| &r.resource_spans)
        .flat_map(|rs| &rs.scope_spans)
        .flat_map(|ss| &ss.spans)
        .collect();
    assert_eq!(exported.len(), 1);
    assert!(attr(exported[0], "gen_ai.input.messages").is_none());
    assert!(exported[0].events.is_empty());
    assert_eq!(
        sink.recorded.logs.lock().unwrap().clone(),
        vec![logs_request(events())]
    );
    service.shutdown().await;
}
