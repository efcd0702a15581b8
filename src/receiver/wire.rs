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
use prost::encoding::{DecodeContext, WireType};
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
        max_attributes: limits.max_attributes_per_span,
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
    max_attributes: usize,
    items: usize,
    repair: bool,
    bad_utf8: bool,
}

impl Check {
    /// Every occurrence of a string field (see the mirror types below).
    fn texts(&mut self, all: &[Bytes]) {
        self.bad_utf8 |= !all.iter().all(|s| valid_utf8(s));
    }

    fn value(&mut self, v: &AnyValue) {
        self.bad_utf8 |= v.bad_utf8;
        match &v.value {
            Some(Value::String(len)) => self.repair |= *len > self.max_value,
            Some(Value::Array(a)) => a.values.iter().for_each(|v| self.value(v)),
            Some(Value::Kvlist(l)) => self.attributes(&l.values),
            Some(Value::Scalar) | None => {}
        }
    }

    fn attributes(&mut self, kvs: &[KeyValue]) {
        for kv in kvs {
            self.bad_utf8 |= kv.bad_utf8;
            if let Some(v) = &kv.value {
                self.value(v);
            }
        }
    }

    fn resource(&mut self, r: &Option<Resource>) {
        let Some(r) = r else { return };
        self.attributes(&r.attributes);
        for e in &r.entity_refs {
            self.texts(&e.schema_url);
            self.texts(&e.r#type);
            self.texts(&e.id_keys);
            self.texts(&e.description_keys);
        }
    }

    fn scope(&mut self, s: &Option<InstrumentationScope>) {
        let Some(s) = s else { return };
        self.texts(&s.name);
        self.texts(&s.version);
        self.attributes(&s.attributes);
    }

    fn traces(&mut self, req: &ExportTraceServiceRequest) {
        for rs in &req.resource_spans {
            self.resource(&rs.resource);
            self.texts(&rs.schema_url);
            for ss in &rs.scope_spans {
                self.scope(&ss.scope);
                self.texts(&ss.schema_url);
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
        self.repair |= s.attributes.len() > self.max_attributes;
        self.texts(&s.trace_state);
        self.texts(&s.name);
        self.attributes(&s.attributes);
        for e in &s.events {
            self.texts(&e.name);
            self.attributes(&e.attributes);
        }
        for l in &s.links {
            self.texts(&l.trace_state);
            self.attributes(&l.attributes);
        }
        if let Some(st) = &s.status {
            self.texts(&st.message);
        }
    }

    fn logs(&mut self, req: &ExportLogsServiceRequest) {
        for rl in &req.resource_logs {
            self.resource(&rl.resource);
            self.texts(&rl.schema_url);
            for sl in &rl.scope_logs {
                self.scope(&sl.scope);
                self.texts(&sl.schema_url);
                self.items += sl.log_records.len();
                for r in &sl.log_records {
                    self.texts(&r.severity_text);
                    self.texts(&r.event_name);
                    if let Some(b) = &r.body {
                        self.value(b);
                    }
                    self.attributes(&r.attributes);
                }
            }
        }
    }
}

// Mirror types: `opentelemetry-proto` 0.33's messages, field for field. A singular `string`
// is read as `repeated bytes` borrowed from the body: the same wire kind, but every occurrence
// is kept, so each can be checked as prost checks each. Unused fields are still declared so
// their wire types are checked.

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

/// `Message` for a hand-written mirror type: decoding goes to its `merge` method. Mirror types
/// are only ever decoded; as messages they encode to nothing.
macro_rules! decode_only {
    ($t:ty) => {
        impl Message for $t {
            fn encode_raw(&self, _buf: &mut impl bytes::BufMut) {}

            fn merge_field(
                &mut self,
                tag: u32,
                wire_type: WireType,
                buf: &mut impl bytes::Buf,
                ctx: DecodeContext,
            ) -> Result<(), prost::DecodeError> {
                self.merge(tag, wire_type, buf, ctx)
            }

            fn encoded_len(&self) -> usize {
                0
            }

            fn clear(&mut self) {
                *self = Self::default();
            }
        }
    };
}

/// `AnyValue`, by hand: prost checks every occurrence of a string, including ones a later
/// occurrence or another oneof variant replaces, so each string is checked as it is read and
/// the verdict kept (`bad_utf8`), not only the value that ends up in the field.
#[derive(Clone, PartialEq, Default, Debug)]
struct AnyValue {
    value: Option<Value>,
    bad_utf8: bool,
}

#[derive(Clone, PartialEq, Debug)]
enum Value {
    /// A string value, by its length.
    String(usize),
    Array(ArrayValue),
    Kvlist(KeyValueList),
    /// bool, int, double, bytes or string index: nothing to check inside.
    Scalar,
}

/// Read a length-delimited string field as prost would, and say whether it is valid UTF-8.
fn read_text(
    wire_type: WireType,
    buf: &mut impl bytes::Buf,
    ctx: DecodeContext,
) -> Result<(usize, bool), prost::DecodeError> {
    let mut text = Bytes::new();
    prost::encoding::bytes::merge(wire_type, &mut text, buf, ctx)?;
    Ok((text.len(), valid_utf8(&text)))
}

fn valid_utf8(s: &[u8]) -> bool {
    // Keys and short values first: cheaper than the general check. Then SIMD validation:
    // agent spans carry kilobytes of prompt and tool text, and the standard library's check
    // was a quarter of a pass-through run's CPU.
    (s.len() < 64 && s.is_ascii()) || simdutf8::basic::from_utf8(s).is_ok()
}

impl AnyValue {
    fn merge(
        &mut self,
        tag: u32,
        wire_type: WireType,
        buf: &mut impl bytes::Buf,
        ctx: DecodeContext,
    ) -> Result<(), prost::DecodeError> {
        use prost::encoding::{bool as pbool, bytes as pbytes, double, int32, int64, message};
        match tag {
            1 => {
                let (len, ok) = read_text(wire_type, buf, ctx)?;
                self.bad_utf8 |= !ok;
                self.value = Some(Value::String(len));
            }
            2 => pbool::merge(wire_type, &mut false, buf, ctx)?,
            3 => int64::merge(wire_type, &mut 0, buf, ctx)?,
            4 => double::merge(wire_type, &mut 0.0, buf, ctx)?,
            5 => match &mut self.value {
                Some(Value::Array(a)) => return message::merge(wire_type, a, buf, ctx),
                _ => {
                    let mut a = ArrayValue::default();
                    message::merge(wire_type, &mut a, buf, ctx)?;
                    self.value = Some(Value::Array(a));
                }
            },
            6 => match &mut self.value {
                Some(Value::Kvlist(l)) => return message::merge(wire_type, l, buf, ctx),
                _ => {
                    let mut l = KeyValueList::default();
                    message::merge(wire_type, &mut l, buf, ctx)?;
                    self.value = Some(Value::Kvlist(l));
                }
            },
            7 => pbytes::merge(wire_type, &mut Bytes::new(), buf, ctx)?,
            8 => int32::merge(wire_type, &mut 0, buf, ctx)?,
            _ => return prost::encoding::skip_field(wire_type, tag, buf, ctx),
        }
        if matches!(tag, 2 | 3 | 4 | 7 | 8) {
            self.value = Some(Value::Scalar);
        }
        Ok(())
    }
}

decode_only!(AnyValue);

/// `KeyValue`, by hand for the same reason as [`AnyValue`]; it is also the hottest message, and
/// checking the key as it is read saves keeping it.
#[derive(Clone, PartialEq, Default, Debug)]
struct KeyValue {
    value: Option<AnyValue>,
    bad_utf8: bool,
}

impl KeyValue {
    fn merge(
        &mut self,
        tag: u32,
        wire_type: WireType,
        buf: &mut impl bytes::Buf,
        ctx: DecodeContext,
    ) -> Result<(), prost::DecodeError> {
        match tag {
            1 => {
                let (_, ok) = read_text(wire_type, buf, ctx)?;
                self.bad_utf8 |= !ok;
                Ok(())
            }
            2 => prost::encoding::message::merge(
                wire_type,
                self.value.get_or_insert_with(AnyValue::default),
                buf,
                ctx,
            ),
            3 => prost::encoding::int32::merge(wire_type, &mut 0, buf, ctx),
            _ => prost::encoding::skip_field(wire_type, tag, buf, ctx),
        }
    }
}

decode_only!(KeyValue);

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
struct InstrumentationScope {
    #[prost(bytes = "bytes", repeated, tag = "1")]
    name: Vec<Bytes>,
    #[prost(bytes = "bytes", repeated, tag = "2")]
    version: Vec<Bytes>,
    #[prost(message, repeated, tag = "3")]
    attributes: Vec<KeyValue>,
    #[prost(uint32, tag = "4")]
    dropped_attributes_count: u32,
}

#[derive(Clone, PartialEq, Message)]
struct EntityRef {
    #[prost(bytes = "bytes", repeated, tag = "1")]
    schema_url: Vec<Bytes>,
    #[prost(bytes = "bytes", repeated, tag = "2")]
    r#type: Vec<Bytes>,
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
    #[prost(bytes = "bytes", repeated, tag = "3")]
    schema_url: Vec<Bytes>,
}

#[derive(Clone, PartialEq, Message)]
struct ScopeSpans {
    #[prost(message, optional, tag = "1")]
    scope: Option<InstrumentationScope>,
    #[prost(message, repeated, tag = "2")]
    spans: Vec<Span>,
    #[prost(bytes = "bytes", repeated, tag = "3")]
    schema_url: Vec<Bytes>,
}

#[derive(Clone, PartialEq, Message)]
struct Span {
    #[prost(bytes = "bytes", tag = "1")]
    trace_id: Bytes,
    #[prost(bytes = "bytes", tag = "2")]
    span_id: Bytes,
    #[prost(bytes = "bytes", repeated, tag = "3")]
    trace_state: Vec<Bytes>,
    #[prost(bytes = "bytes", tag = "4")]
    parent_span_id: Bytes,
    #[prost(fixed32, tag = "16")]
    flags: u32,
    #[prost(bytes = "bytes", repeated, tag = "5")]
    name: Vec<Bytes>,
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
    #[prost(bytes = "bytes", repeated, tag = "2")]
    name: Vec<Bytes>,
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
    #[prost(bytes = "bytes", repeated, tag = "3")]
    trace_state: Vec<Bytes>,
    #[prost(message, repeated, tag = "4")]
    attributes: Vec<KeyValue>,
    #[prost(uint32, tag = "5")]
    dropped_attributes_count: u32,
    #[prost(fixed32, tag = "6")]
    flags: u32,
}

#[derive(Clone, PartialEq, Message)]
struct Status {
    #[prost(bytes = "bytes", repeated, tag = "2")]
    message: Vec<Bytes>,
    #[prost(int32, tag = "3")]
    code: i32,
}

#[derive(Clone, PartialEq, Message)]
struct ResourceLogs {
    #[prost(message, optional, tag = "1")]
    resource: Option<Resource>,
    #[prost(message, repeated, tag = "2")]
    scope_logs: Vec<ScopeLogs>,
    #[prost(bytes = "bytes", repeated, tag = "3")]
    schema_url: Vec<Bytes>,
}

#[derive(Clone, PartialEq, Message)]
struct ScopeLogs {
    #[prost(message, optional, tag = "1")]
    scope: Option<InstrumentationScope>,
    #[prost(message, repeated, tag = "2")]
    log_records: Vec<LogRecord>,
    #[prost(bytes = "bytes", repeated, tag = "3")]
    schema_url: Vec<Bytes>,
}

#[derive(Clone, PartialEq, Message)]
struct LogRecord {
    #[prost(fixed64, tag = "1")]
    time_unix_nano: u64,
    #[prost(fixed64, tag = "11")]
    observed_time_unix_nano: u64,
    #[prost(int32, tag = "2")]
    severity_number: i32,
    #[prost(bytes = "bytes", repeated, tag = "3")]
    severity_text: Vec<Bytes>,
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
    #[prost(bytes = "bytes", repeated, tag = "12")]
    event_name: Vec<Bytes>,
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
            ..ReceiverLimits::default()
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

    /// Found by the fuzzer: prost checks every occurrence of a string, so an invalid one that
    /// a later occurrence replaces still makes the body undecodable.
    #[test]
    fn a_replaced_invalid_string_is_still_refused() {
        // ResourceLogs.schema_url three times: "", "\xc4", "".
        let logs = [
            0x0a, 0x0a, 0x1a, 0x00, 0x1a, 0x01, 0xc4, 0x1a, 0x00, 0xc8, 0x73, 0x6b,
        ];
        agrees(&logs);
        assert!(scan(Signal::Logs, &Bytes::copy_from_slice(&logs), &limits()).is_none());
        // A KeyValue whose AnyValue holds an invalid string, then a bool in the same oneof.
        let any = [0x0a, 0x01, 0xc4, 0x10, 0x01];
        let kv = [&[0x0a, 0x01, b'k', 0x12, any.len() as u8][..], &any].concat();
        let mut span = vec![0x0a, 16];
        span.extend([1u8; 16]);
        span.extend([0x12, 8]);
        span.extend([1u8; 8]);
        span.extend([0x4a, kv.len() as u8]);
        span.extend(&kv);
        let scope = [vec![0x12, span.len() as u8], span].concat();
        let rs = [vec![0x12, scope.len() as u8], scope].concat();
        let req = [vec![0x0a, rs.len() as u8], rs].concat();
        agrees(&req);
        assert!(scan_traces(req).is_none());
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
