//! A check of OTLP protobuf bodies that decodes nothing it does not have to.
//!
//! A pass-through pipeline never looks inside spans, so decoding every attribute into an owned
//! `String` (an allocation and a UTF-8 check each) only to throw it away again is most of what
//! such a pipeline would cost. [`scan`] reads a body with prost into mirror types of the OTLP
//! messages whose string and bytes fields borrow from the body, checks what the full decoder
//! would check (every field's wire type, nesting depth, UTF-8 of every string), and counts the
//! spans or log records. When the body also needs no repair (no invalid span id, no value over
//! the size limit, not too many spans), the receiver hands the batch on still encoded, and the
//! full decode happens only if a processor asks for the spans.
//!
//! The mirror types follow `opentelemetry-proto`'s field numbers and kinds exactly, `string`
//! fields becoming `bytes`, so a body passes [`scan`] exactly when it passes the full decode.
//! The `wire` fuzz target checks that equivalence.

use bytes::Bytes;
use prost::Message;

use crate::config::ReceiverLimits;
use crate::pipeline::Signal;

/// What a body holds, when it decodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scan {
    /// Spans or log records.
    pub items: usize,
    /// Whether the receiver must change the data before accepting it: an invalid span id to
    /// reject, a value to cut, spans past the per-request cap. The full decode path does that.
    pub needs_repair: bool,
}

/// Check `body` as a request of `signal`; `None` when it does not decode (the full decoder then
/// produces the error message).
pub fn scan(signal: Signal, body: &Bytes, limits: &ReceiverLimits) -> Option<Scan> {
    let mut check = Check {
        max_value: limits.max_attribute_value_size,
        ..Check::default()
    };
    match signal {
        Signal::Traces => {
            let req = ExportTraceServiceRequest::decode(body.clone()).ok()?;
            check.traces(&req);
        }
        Signal::Logs => {
            let req = ExportLogsServiceRequest::decode(body.clone()).ok()?;
            check.logs(&req);
        }
    }
    if check.bad_utf8 {
        return None;
    }
    Some(Scan {
        items: check.items,
        needs_repair: check.repair || check.items > limits.max_spans_per_request,
    })
}

#[derive(Default)]
struct Check {
    max_value: usize,
    items: usize,
    repair: bool,
    bad_utf8: bool,
}

impl Check {
    fn text(&mut self, s: &Bytes) {
        // SIMD validation: agent spans carry kilobytes of prompt and tool text, and the
        // standard library's check was a quarter of a pass-through run's CPU.
        if s.len() < 64 && s.is_ascii() {
            return; // keys and short values: cheaper than the general check
        }
        if simdutf8::basic::from_utf8(s).is_err() {
            self.bad_utf8 = true;
        }
    }

    fn texts(&mut self, all: &[Bytes]) {
        all.iter().for_each(|s| self.text(s));
    }

    fn value(&mut self, v: &AnyValue) {
        match &v.value {
            Some(any_value::Value::String(s)) => {
                self.text(s);
                self.repair |= s.len() > self.max_value;
            }
            Some(any_value::Value::Array(a)) => a.values.iter().for_each(|v| self.value(v)),
            Some(any_value::Value::Kvlist(l)) => self.attributes(&l.values),
            _ => {}
        }
    }

    fn attributes(&mut self, kvs: &[KeyValue]) {
        for kv in kvs {
            self.text(&kv.key);
            if let Some(v) = &kv.value {
                self.value(v);
            }
        }
    }

    fn resource(&mut self, r: &Option<Resource>) {
        let Some(r) = r else { return };
        self.attributes(&r.attributes);
        for e in &r.entity_refs {
            self.text(&e.schema_url);
            self.text(&e.r#type);
            self.texts(&e.id_keys);
            self.texts(&e.description_keys);
        }
    }

    fn scope(&mut self, s: &Option<InstrumentationScope>) {
        let Some(s) = s else { return };
        self.text(&s.name);
        self.text(&s.version);
        self.attributes(&s.attributes);
    }

    fn traces(&mut self, req: &ExportTraceServiceRequest) {
        for rs in &req.resource_spans {
            self.resource(&rs.resource);
            self.text(&rs.schema_url);
            for ss in &rs.scope_spans {
                self.scope(&ss.scope);
                self.text(&ss.schema_url);
                self.items += ss.spans.len();
                for span in &ss.spans {
                    self.span(span);
                }
            }
        }
    }

    fn span(&mut self, s: &Span) {
        let valid_id = |id: &Bytes, len: usize| id.len() == len && id.iter().any(|b| *b != 0);
        self.repair |= !valid_id(&s.trace_id, 16) || !valid_id(&s.span_id, 8);
        self.text(&s.trace_state);
        self.text(&s.name);
        self.attributes(&s.attributes);
        for e in &s.events {
            self.text(&e.name);
            self.attributes(&e.attributes);
        }
        for l in &s.links {
            self.text(&l.trace_state);
            self.attributes(&l.attributes);
        }
        if let Some(st) = &s.status {
            self.text(&st.message);
        }
    }

    fn logs(&mut self, req: &ExportLogsServiceRequest) {
        for rl in &req.resource_logs {
            self.resource(&rl.resource);
            self.text(&rl.schema_url);
            for sl in &rl.scope_logs {
                self.scope(&sl.scope);
                self.text(&sl.schema_url);
                self.items += sl.log_records.len();
                for r in &sl.log_records {
                    self.text(&r.severity_text);
                    self.text(&r.event_name);
                    if let Some(b) = &r.body {
                        self.value(b);
                    }
                    self.attributes(&r.attributes);
                }
            }
        }
    }
}

// Mirror types: `opentelemetry-proto` 0.33's messages, field for field, with `string` read as
// borrowed `bytes`. Unused fields are still declared so their wire types are checked.

#[derive(Clone, PartialEq, Message)]
struct ExportTraceServiceRequest {
    #[prost(message, repeated, tag = "1")]
    resource_spans: Vec<ResourceSpans>,
}

#[derive(Clone, PartialEq, Message)]
struct ExportLogsServiceRequest {
    #[prost(message, repeated, tag = "1")]
    resource_logs: Vec<ResourceLogs>,
}

#[derive(Clone, PartialEq, Message)]
struct AnyValue {
    #[prost(oneof = "any_value::Value", tags = "1, 2, 3, 4, 5, 6, 7, 8")]
    value: Option<any_value::Value>,
}

mod any_value {
    use bytes::Bytes;

    #[derive(Clone, PartialEq, prost::Oneof)]
    pub(super) enum Value {
        #[prost(bytes = "bytes", tag = "1")]
        String(Bytes),
        #[prost(bool, tag = "2")]
        Bool(bool),
        #[prost(int64, tag = "3")]
        Int(i64),
        #[prost(double, tag = "4")]
        Double(f64),
        #[prost(message, tag = "5")]
        Array(super::ArrayValue),
        #[prost(message, tag = "6")]
        Kvlist(super::KeyValueList),
        #[prost(bytes = "bytes", tag = "7")]
        Bytes(Bytes),
        #[prost(int32, tag = "8")]
        StringIndex(i32),
    }
}

#[derive(Clone, PartialEq, Message)]
struct ArrayValue {
    #[prost(message, repeated, tag = "1")]
    values: Vec<AnyValue>,
}

#[derive(Clone, PartialEq, Message)]
struct KeyValueList {
    #[prost(message, repeated, tag = "1")]
    values: Vec<KeyValue>,
}

#[derive(Clone, PartialEq, Message)]
struct KeyValue {
    #[prost(bytes = "bytes", tag = "1")]
    key: Bytes,
    #[prost(message, optional, tag = "2")]
    value: Option<AnyValue>,
    #[prost(int32, tag = "3")]
    key_strindex: i32,
}

#[derive(Clone, PartialEq, Message)]
struct InstrumentationScope {
    #[prost(bytes = "bytes", tag = "1")]
    name: Bytes,
    #[prost(bytes = "bytes", tag = "2")]
    version: Bytes,
    #[prost(message, repeated, tag = "3")]
    attributes: Vec<KeyValue>,
    #[prost(uint32, tag = "4")]
    dropped_attributes_count: u32,
}

#[derive(Clone, PartialEq, Message)]
struct EntityRef {
    #[prost(bytes = "bytes", tag = "1")]
    schema_url: Bytes,
    #[prost(bytes = "bytes", tag = "2")]
    r#type: Bytes,
    #[prost(bytes = "bytes", repeated, tag = "3")]
    id_keys: Vec<Bytes>,
    #[prost(bytes = "bytes", repeated, tag = "4")]
    description_keys: Vec<Bytes>,
}

#[derive(Clone, PartialEq, Message)]
struct Resource {
    #[prost(message, repeated, tag = "1")]
    attributes: Vec<KeyValue>,
    #[prost(uint32, tag = "2")]
    dropped_attributes_count: u32,
    #[prost(message, repeated, tag = "3")]
    entity_refs: Vec<EntityRef>,
}

#[derive(Clone, PartialEq, Message)]
struct ResourceSpans {
    #[prost(message, optional, tag = "1")]
    resource: Option<Resource>,
    #[prost(message, repeated, tag = "2")]
    scope_spans: Vec<ScopeSpans>,
    #[prost(bytes = "bytes", tag = "3")]
    schema_url: Bytes,
}

#[derive(Clone, PartialEq, Message)]
struct ScopeSpans {
    #[prost(message, optional, tag = "1")]
    scope: Option<InstrumentationScope>,
    #[prost(message, repeated, tag = "2")]
    spans: Vec<Span>,
    #[prost(bytes = "bytes", tag = "3")]
    schema_url: Bytes,
}

#[derive(Clone, PartialEq, Message)]
struct Span {
    #[prost(bytes = "bytes", tag = "1")]
    trace_id: Bytes,
    #[prost(bytes = "bytes", tag = "2")]
    span_id: Bytes,
    #[prost(bytes = "bytes", tag = "3")]
    trace_state: Bytes,
    #[prost(bytes = "bytes", tag = "4")]
    parent_span_id: Bytes,
    #[prost(fixed32, tag = "16")]
    flags: u32,
    #[prost(bytes = "bytes", tag = "5")]
    name: Bytes,
    #[prost(int32, tag = "6")]
    kind: i32,
    #[prost(fixed64, tag = "7")]
    start_time_unix_nano: u64,
    #[prost(fixed64, tag = "8")]
    end_time_unix_nano: u64,
    #[prost(message, repeated, tag = "9")]
    attributes: Vec<KeyValue>,
    #[prost(uint32, tag = "10")]
    dropped_attributes_count: u32,
    #[prost(message, repeated, tag = "11")]
    events: Vec<Event>,
    #[prost(uint32, tag = "12")]
    dropped_events_count: u32,
    #[prost(message, repeated, tag = "13")]
    links: Vec<Link>,
    #[prost(uint32, tag = "14")]
    dropped_links_count: u32,
    #[prost(message, optional, tag = "15")]
    status: Option<Status>,
}

#[derive(Clone, PartialEq, Message)]
struct Event {
    #[prost(fixed64, tag = "1")]
    time_unix_nano: u64,
    #[prost(bytes = "bytes", tag = "2")]
    name: Bytes,
    #[prost(message, repeated, tag = "3")]
    attributes: Vec<KeyValue>,
    #[prost(uint32, tag = "4")]
    dropped_attributes_count: u32,
}

#[derive(Clone, PartialEq, Message)]
struct Link {
    #[prost(bytes = "bytes", tag = "1")]
    trace_id: Bytes,
    #[prost(bytes = "bytes", tag = "2")]
    span_id: Bytes,
    #[prost(bytes = "bytes", tag = "3")]
    trace_state: Bytes,
    #[prost(message, repeated, tag = "4")]
    attributes: Vec<KeyValue>,
    #[prost(uint32, tag = "5")]
    dropped_attributes_count: u32,
    #[prost(fixed32, tag = "6")]
    flags: u32,
}

#[derive(Clone, PartialEq, Message)]
struct Status {
    #[prost(bytes = "bytes", tag = "2")]
    message: Bytes,
    #[prost(int32, tag = "3")]
    code: i32,
}

#[derive(Clone, PartialEq, Message)]
struct ResourceLogs {
    #[prost(message, optional, tag = "1")]
    resource: Option<Resource>,
    #[prost(message, repeated, tag = "2")]
    scope_logs: Vec<ScopeLogs>,
    #[prost(bytes = "bytes", tag = "3")]
    schema_url: Bytes,
}

#[derive(Clone, PartialEq, Message)]
struct ScopeLogs {
    #[prost(message, optional, tag = "1")]
    scope: Option<InstrumentationScope>,
    #[prost(message, repeated, tag = "2")]
    log_records: Vec<LogRecord>,
    #[prost(bytes = "bytes", tag = "3")]
    schema_url: Bytes,
}

#[derive(Clone, PartialEq, Message)]
struct LogRecord {
    #[prost(fixed64, tag = "1")]
    time_unix_nano: u64,
    #[prost(fixed64, tag = "11")]
    observed_time_unix_nano: u64,
    #[prost(int32, tag = "2")]
    severity_number: i32,
    #[prost(bytes = "bytes", tag = "3")]
    severity_text: Bytes,
    #[prost(message, optional, tag = "5")]
    body: Option<AnyValue>,
    #[prost(message, repeated, tag = "6")]
    attributes: Vec<KeyValue>,
    #[prost(uint32, tag = "7")]
    dropped_attributes_count: u32,
    #[prost(fixed32, tag = "8")]
    flags: u32,
    #[prost(bytes = "bytes", tag = "9")]
    trace_id: Bytes,
    #[prost(bytes = "bytes", tag = "10")]
    span_id: Bytes,
    #[prost(bytes = "bytes", tag = "12")]
    event_name: Bytes,
}

#[cfg(test)]
mod tests {
    use opentelemetry_proto::tonic::collector::logs::v1 as full_logs;
    use opentelemetry_proto::tonic::collector::trace::v1 as full_traces;
    use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, KeyValue};

    use super::*;
    use crate::pipeline::testing::trace_request;

    fn limits() -> ReceiverLimits {
        ReceiverLimits {
            max_attribute_value_size: 1024,
            max_spans_per_request: 100,
        }
    }

    fn scan_traces(body: Vec<u8>) -> Option<Scan> {
        scan(Signal::Traces, &Bytes::from(body), &limits())
    }

    /// Whatever the full decoder says of `body`, `scan` must say too.
    fn agrees(body: &[u8]) {
        let full = full_traces::ExportTraceServiceRequest::decode(body);
        let light = scan(Signal::Traces, &Bytes::copy_from_slice(body), &limits());
        assert_eq!(full.is_ok(), light.is_some(), "{full:?} vs {light:?}");
        let full = full_logs::ExportLogsServiceRequest::decode(body);
        let light = scan(Signal::Logs, &Bytes::copy_from_slice(body), &limits());
        assert_eq!(full.is_ok(), light.is_some(), "{full:?} vs {light:?}");
    }

    #[test]
    fn a_clean_request_is_counted_and_needs_no_repair() {
        let s = scan_traces(trace_request(7).encode_to_vec()).unwrap();
        assert_eq!(
            s,
            Scan {
                items: 7,
                needs_repair: false
            }
        );
    }

    #[test]
    fn every_captured_fixture_scans_as_the_full_decoder_decodes() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures");
        let entries = std::fs::read_dir(&dir).expect("../shared/fixtures beside the project");
        let mut seen = 0;
        for entry in entries.flatten() {
            for file in std::fs::read_dir(entry.path())
                .into_iter()
                .flatten()
                .flatten()
            {
                let path = file.path();
                if path.extension().is_some_and(|e| e == "pb") {
                    let body = std::fs::read(&path).unwrap();
                    agrees(&body);
                    let full = full_traces::ExportTraceServiceRequest::decode(body.as_slice());
                    if let (Ok(full), Some(s)) = (full, scan_traces(body)) {
                        let n: usize = full
                            .resource_spans
                            .iter()
                            .flat_map(|rs| &rs.scope_spans)
                            .map(|ss| ss.spans.len())
                            .sum();
                        assert_eq!(n, s.items, "{}", path.display());
                    }
                    seen += 1;
                }
            }
        }
        assert!(seen > 0, "no .pb fixture under {}", dir.display());
    }

    #[test]
    fn truncated_and_mistyped_bodies_fail_like_the_full_decoder() {
        let body = trace_request(3).encode_to_vec();
        for cut in [1, 5, body.len() / 2] {
            agrees(&body[..body.len() - cut]);
            assert!(scan_traces(body[..body.len() - cut].to_vec()).is_none());
        }
        // Span.name (field 5) sent as a varint instead of a string.
        let mut span = vec![0x28, 0x01];
        span.extend([0x0a, 16]);
        span.extend([1u8; 16]);
        let scope = [vec![0x12, span.len() as u8], span].concat();
        let rs = [vec![0x12, scope.len() as u8], scope].concat();
        let req = [vec![0x0a, rs.len() as u8], rs].concat();
        agrees(&req);
        assert!(scan_traces(req).is_none());
    }

    #[test]
    fn invalid_utf8_in_a_deep_string_fails_like_the_full_decoder() {
        let mut req = trace_request(1);
        req.resource_spans[0].scope_spans[0].spans[0].name = "naïve".into();
        let mut body = req.encode_to_vec();
        let at = body.windows(2).position(|w| w == "ï".as_bytes()).unwrap();
        body[at + 1] = 0xff;
        agrees(&body);
        assert!(scan_traces(body).is_none());
    }

    #[test]
    fn bad_ids_long_values_and_too_many_spans_need_repair() {
        let mut req = trace_request(2);
        req.resource_spans[0].scope_spans[0].spans[1].span_id = vec![0; 8];
        assert!(scan_traces(req.encode_to_vec()).unwrap().needs_repair);

        let mut req = trace_request(1);
        req.resource_spans[0].scope_spans[0].spans[0]
            .attributes
            .push(KeyValue {
                key: "big".into(),
                value: Some(AnyValue {
                    value: Some(any_value::Value::StringValue("x".repeat(2000))),
                }),
                ..Default::default()
            });
        assert!(scan_traces(req.encode_to_vec()).unwrap().needs_repair);

        assert!(
            scan_traces(trace_request(101).encode_to_vec())
                .unwrap()
                .needs_repair
        );
    }
}
