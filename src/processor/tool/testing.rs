//! Builders of agent spans for the tool processors' unit tests.

use std::time::Instant;

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::KeyValue;
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{
    status::StatusCode, ResourceSpans, ScopeSpans, Span, Status,
};

use crate::pipeline::testing::{kv, kv_int};
use crate::pipeline::{Batch, Payload};
use crate::semconv::{spans, SpanView};

/// Nanoseconds of the test clock's zero.
pub const T0: u64 = 1_800_000_000_000_000_000;
pub const SEC: u64 = 1_000_000_000;

/// A span stamped as the session processor would.
fn base(session: &str, turn: u32, trace: u8, id: u8, name: &str, start: u64) -> Span {
    Span {
        trace_id: vec![trace; 16],
        span_id: vec![id; 8],
        parent_span_id: vec![trace.wrapping_add(100); 8],
        name: name.to_string(),
        start_time_unix_nano: start,
        end_time_unix_nano: start + SEC / 2,
        attributes: vec![
            kv("session.id", session),
            kv_int("spotter.session.turn", turn as i64),
            kv("spotter.workflow", "shop"),
        ],
        ..Default::default()
    }
}

/// An OTel GenAI `execute_tool` span with arguments and result.
pub fn tool(
    session: &str,
    turn: u32,
    id: u8,
    name: &str,
    args: &str,
    result: Option<&str>,
    start: u64,
) -> Span {
    let mut s = base(
        session,
        turn,
        turn as u8,
        id,
        &format!("execute_tool {name}"),
        start,
    );
    s.attributes.extend([
        kv("gen_ai.operation.name", "execute_tool"),
        kv("gen_ai.tool.name", name),
        kv("gen_ai.tool.call.arguments", args),
    ]);
    if let Some(r) = result {
        s.attributes.push(kv("gen_ai.tool.call.result", r));
    }
    s
}

/// A tool span whose status is `ERROR` with `message`.
pub fn failed_tool(
    session: &str,
    turn: u32,
    id: u8,
    name: &str,
    args: &str,
    message: &str,
    start: u64,
) -> Span {
    let mut s = tool(session, turn, id, name, args, None, start);
    s.status = Some(Status {
        message: message.to_string(),
        code: StatusCode::Error as i32,
    });
    s
}

/// A chat span whose output is `text`.
pub fn llm(session: &str, turn: u32, id: u8, text: &str, start: u64) -> Span {
    let mut s = base(session, turn, turn as u8, id, "chat m", start);
    let out =
        serde_json::json!([{"role": "assistant", "parts": [{"type": "text", "content": text}]}]);
    s.attributes.extend([
        kv("gen_ai.operation.name", "chat"),
        kv("gen_ai.output.messages", &out.to_string()),
    ]);
    s
}

/// The turn's root `invoke_agent` span with its final output `text`.
pub fn agent(session: &str, turn: u32, id: u8, text: &str, start: u64) -> Span {
    let mut s = llm(session, turn, id, text, start);
    s.parent_span_id = Vec::new();
    s.name = "invoke_agent bot".into();
    s.attributes.retain(|kv| kv.key != "gen_ai.operation.name");
    s.attributes
        .push(kv("gen_ai.operation.name", "invoke_agent"));
    s.end_time_unix_nano = start + 30 * SEC;
    s
}

pub fn with_attr(mut s: Span, kv: KeyValue) -> Span {
    s.attributes.push(kv);
    s
}

pub fn batch(spans: Vec<Span>) -> Batch {
    Batch::traces(
        ExportTraceServiceRequest {
            resource_spans: vec![ResourceSpans {
                resource: Some(Resource {
                    attributes: vec![kv("service.name", "bot"), kv("service.version", "1.0")],
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

/// Every span of the batches, in order.
pub fn all_spans(out: &[Batch]) -> Vec<Span> {
    out.iter()
        .filter_map(|b| match b.payload() {
            Payload::Traces(r) => Some(r),
            _ => None,
        })
        .flat_map(|r| spans(r).map(|v| v.span().clone()))
        .collect()
}

/// A string attribute of a span, rendered as text.
pub fn attr(span: &Span, key: &str) -> Option<String> {
    SpanView::new(None, span)
        .value(key)
        .and_then(crate::semconv::value::as_text)
        .map(|c| c.into_owned())
}

/// The span with this id byte.
pub fn by_id(spans: &[Span], id: u8) -> &Span {
    spans
        .iter()
        .find(|s| s.span_id == vec![id; 8])
        .expect("span present")
}
