//! Turning request bytes into OTLP requests: decompression with a size cap, protobuf and
//! OTLP/JSON decoding, and the per-span checks behind partial success.

use std::io::Read;

use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use prost::Message;

use crate::pipeline::{Batch, Signal};

/// Why a payload could not be decoded. Every variant is the client's fault (400 /
/// INVALID_ARGUMENT), except `TooLarge` (413 / RESOURCE_EXHAUSTED).
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("cannot decode protobuf {what}: {message}")]
    Protobuf { what: &'static str, message: String },
    /// Past the protobuf decoder's recursion limit of 100 nested messages: about 31 levels of
    /// maps or 47 of lists inside an attribute value or log body.
    #[error("cannot decode protobuf {what}: values nested deeper than 100 messages (about 31 levels of maps or 47 of lists in an attribute or log body)")]
    TooDeep { what: &'static str },
    #[error("cannot decode OTLP/JSON {what}: {message}")]
    Json { what: &'static str, message: String },
    #[error("cannot decompress {encoding} body: {message}")]
    Decompress { encoding: String, message: String },
    #[error("decompressed body exceeds the limit of {limit} bytes")]
    TooLarge { limit: usize },
    #[error("unsupported content encoding {0:?}; use gzip, zstd, deflate or identity")]
    UnsupportedEncoding(String),
}

/// The wire format of a request body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Protobuf,
    Json,
}

/// A protobuf decode error; running into the recursion limit is named as such.
fn protobuf_error(what: &'static str, e: prost::DecodeError) -> DecodeError {
    let message = e.to_string();
    if message.contains("recursion limit") {
        DecodeError::TooDeep { what }
    } else {
        DecodeError::Protobuf { what, message }
    }
}

/// Undo `Content-Encoding`, refusing to inflate past `limit` bytes (compression bombs).
pub fn decompress(
    encoding: Option<&str>,
    body: &bytes::Bytes,
    limit: usize,
) -> Result<bytes::Bytes, DecodeError> {
    let encoding = encoding.map(|e| e.trim().to_ascii_lowercase());
    let fail = |enc: &str, e: std::io::Error| DecodeError::Decompress {
        encoding: enc.to_string(),
        message: e.to_string(),
    };
    let read_capped = |reader: &mut dyn Read, enc: &str| -> Result<bytes::Bytes, DecodeError> {
        let mut out = Vec::with_capacity((body.len() * 4).min(limit));
        let read = reader
            .take(limit as u64 + 1)
            .read_to_end(&mut out)
            .map_err(|e| fail(enc, e))?;
        if read > limit {
            return Err(DecodeError::TooLarge { limit });
        }
        Ok(bytes::Bytes::from(out))
    };
    match encoding.as_deref() {
        None | Some("") | Some("identity") => {
            if body.len() > limit {
                return Err(DecodeError::TooLarge { limit });
            }
            Ok(body.clone())
        }
        Some("gzip") | Some("x-gzip") => {
            read_capped(&mut flate2::read::MultiGzDecoder::new(&body[..]), "gzip")
        }
        Some("deflate") => read_capped(&mut flate2::read::ZlibDecoder::new(&body[..]), "deflate"),
        Some("zstd") => {
            let mut dec =
                zstd::stream::read::Decoder::new(&body[..]).map_err(|e| fail("zstd", e))?;
            read_capped(&mut dec, "zstd")
        }
        Some(other) => Err(DecodeError::UnsupportedEncoding(other.to_string())),
    }
}

/// Decode a body of the given signal and format into a batch.
pub fn decode(
    signal: Signal,
    format: Format,
    body: &[u8],
    received: std::time::Instant,
) -> Result<Batch, DecodeError> {
    let what = match signal {
        Signal::Traces => "ExportTraceServiceRequest",
        Signal::Logs => "ExportLogsServiceRequest",
    };
    match (signal, format) {
        (Signal::Traces, Format::Protobuf) => ExportTraceServiceRequest::decode(body)
            .map(|r| Batch::traces(r, received))
            .map_err(|e| protobuf_error(what, e)),
        (Signal::Logs, Format::Protobuf) => ExportLogsServiceRequest::decode(body)
            .map(|r| Batch::logs(r, received))
            .map_err(|e| protobuf_error(what, e)),
        (Signal::Traces, Format::Json) => serde_json::from_slice::<ExportTraceServiceRequest>(body)
            .map(|r| Batch::traces(r, received))
            .map_err(|e| DecodeError::Json {
                what,
                message: e.to_string(),
            }),
        (Signal::Logs, Format::Json) => serde_json::from_slice::<ExportLogsServiceRequest>(body)
            .map(|r| Batch::logs(r, received))
            .map_err(|e| DecodeError::Json {
                what,
                message: e.to_string(),
            }),
    }
}

/// Spans the OTLP data model forbids: a trace id that is not 16 bytes or all zero, a span id
/// that is not 8 bytes or all zero. They are removed and reported through partial success.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Rejected {
    pub count: i64,
    pub message: String,
}

pub fn reject_invalid_spans(batch: &mut Batch) -> Rejected {
    let Some(req) = batch.traces_mut() else {
        return Rejected::default();
    };
    let mut count = 0i64;
    let mut first = None;
    for rs in &mut req.resource_spans {
        for ss in &mut rs.scope_spans {
            ss.spans.retain(|s| {
                let bad_trace = s.trace_id.len() != 16 || s.trace_id.iter().all(|b| *b == 0);
                let bad_span = s.span_id.len() != 8 || s.span_id.iter().all(|b| *b == 0);
                if bad_trace || bad_span {
                    count += 1;
                    if first.is_none() {
                        first = Some(format!(
                            "span {:?} has an invalid {}",
                            s.name,
                            if bad_trace {
                                "trace_id (must be 16 non-zero bytes)"
                            } else {
                                "span_id (must be 8 non-zero bytes)"
                            }
                        ));
                    }
                    false
                } else {
                    true
                }
            });
        }
        rs.scope_spans.retain(|ss| !ss.spans.is_empty());
    }
    req.resource_spans.retain(|rs| !rs.scope_spans.is_empty());
    Rejected {
        count,
        message: first
            .map(|m| format!("{count} span(s) rejected; first: {m}"))
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::time::Instant;

    use super::*;
    use crate::pipeline::testing::trace_request;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn gzip_round_trip() {
        let body = trace_request(3).encode_to_vec();
        let out = decompress(Some("gzip"), &gzip(&body).into(), 1 << 20).unwrap();
        assert_eq!(out, body);
    }

    #[test]
    fn gzip_bomb_is_refused_by_the_decompressed_limit() {
        let bomb = gzip(&vec![0u8; 10 << 20]);
        assert!(bomb.len() < 64 << 10);
        let err = decompress(Some("gzip"), &bomb.into(), 1 << 20).unwrap_err();
        assert!(matches!(err, DecodeError::TooLarge { limit } if limit == 1 << 20));
    }

    #[test]
    fn truncated_protobuf_is_a_decode_error() {
        let body = trace_request(3).encode_to_vec();
        let err = decode(
            Signal::Traces,
            Format::Protobuf,
            &body[..body.len() - 5],
            Instant::now(),
        )
        .unwrap_err();
        assert!(
            err.to_string().starts_with("cannot decode protobuf"),
            "{err}"
        );
    }

    #[test]
    fn json_with_hex_ids_and_string_ints_decodes() {
        let json = br#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"a"}}]},"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"x","kind":1,"startTimeUnixNano":"1544712660000000000","endTimeUnixNano":"1544712661000000000","attributes":[{"key":"n","value":{"intValue":"42"}}],"status":{"code":2}}]}]}]}"#;
        let b = decode(Signal::Traces, Format::Json, json, Instant::now()).unwrap();
        let crate::pipeline::Payload::Traces(req) = b.payload() else {
            panic!()
        };
        let span = &req.resource_spans[0].scope_spans[0].spans[0];
        assert_eq!(span.trace_id.len(), 16);
        assert_eq!(span.start_time_unix_nano, 1544712660000000000);
        assert_eq!(span.status.as_ref().unwrap().code, 2);
    }

    #[test]
    fn invalid_ids_are_rejected_individually() {
        let mut req = trace_request(3);
        req.resource_spans[0].scope_spans[0].spans[1].trace_id = vec![0; 16];
        let mut batch = Batch::traces(req, Instant::now());
        let rejected = reject_invalid_spans(&mut batch);
        assert_eq!(rejected.count, 1);
        assert_eq!(batch.items(), 2);
        assert!(rejected.message.contains("span-1"), "{}", rejected.message);
    }

    #[test]
    fn unknown_encoding_is_named() {
        let err = decompress(Some("br"), &bytes::Bytes::from_static(b"x"), 10).unwrap_err();
        assert!(err.to_string().contains("\"br\""));
    }
}

/// What [`apply_limits`] changed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Limited {
    pub truncated_values: usize,
    pub spans_over_cap: i64,
    /// Span attributes dropped past `max_attributes_per_span`.
    pub dropped_attributes: usize,
}

/// Cut string attribute values (span, event, link, resource and log attributes, and log bodies)
/// longer than `max_value` bytes, marking how much was cut; drop span attributes past
/// `max_attributes_per_span` (counted in the span's `dropped_attributes_count`); and reject
/// spans past `max_spans` in the request.
pub fn apply_limits(batch: &mut Batch, limits: &crate::config::ReceiverLimits) -> Limited {
    use opentelemetry_proto::tonic::common::v1::{any_value::Value, AnyValue, KeyValue};

    fn cut(value: &mut AnyValue, max: usize, n: &mut usize) {
        match value.value.as_mut() {
            Some(Value::StringValue(s)) if s.len() > max => {
                let mut end = max;
                while !s.is_char_boundary(end) {
                    end -= 1;
                }
                let dropped = s.len() - end;
                s.truncate(end);
                s.push_str(&format!("…[truncated {dropped} bytes]"));
                *n += 1;
            }
            Some(Value::ArrayValue(a)) => a.values.iter_mut().for_each(|v| cut(v, max, n)),
            Some(Value::KvlistValue(l)) => l
                .values
                .iter_mut()
                .filter_map(|kv| kv.value.as_mut())
                .for_each(|v| cut(v, max, n)),
            _ => {}
        }
    }
    fn cut_all(attrs: &mut [KeyValue], max: usize, n: &mut usize) {
        for kv in attrs {
            if let Some(v) = kv.value.as_mut() {
                cut(v, max, n);
            }
        }
    }

    let max = limits.max_attribute_value_size;
    let mut out = Limited::default();
    let n = &mut out.truncated_values;
    match batch.payload_mut() {
        crate::pipeline::Payload::Traces(req) => {
            let mut kept = 0usize;
            for rs in &mut req.resource_spans {
                if let Some(r) = rs.resource.as_mut() {
                    cut_all(&mut r.attributes, max, n);
                }
                for ss in &mut rs.scope_spans {
                    let room = limits.max_spans_per_request.saturating_sub(kept);
                    if ss.spans.len() > room {
                        out.spans_over_cap += (ss.spans.len() - room) as i64;
                        ss.spans.truncate(room);
                    }
                    kept += ss.spans.len();
                    for span in &mut ss.spans {
                        let over = span
                            .attributes
                            .len()
                            .saturating_sub(limits.max_attributes_per_span);
                        if over > 0 {
                            span.attributes.truncate(limits.max_attributes_per_span);
                            span.dropped_attributes_count = span
                                .dropped_attributes_count
                                .saturating_add(u32::try_from(over).unwrap_or(u32::MAX));
                            out.dropped_attributes += over;
                        }
                        cut_all(&mut span.attributes, max, n);
                        for e in &mut span.events {
                            cut_all(&mut e.attributes, max, n);
                        }
                        for l in &mut span.links {
                            cut_all(&mut l.attributes, max, n);
                        }
                    }
                }
                rs.scope_spans.retain(|ss| !ss.spans.is_empty());
            }
            req.resource_spans.retain(|rs| !rs.scope_spans.is_empty());
        }
        crate::pipeline::Payload::Logs(req) => {
            for rl in &mut req.resource_logs {
                if let Some(r) = rl.resource.as_mut() {
                    cut_all(&mut r.attributes, max, n);
                }
                for sl in &mut rl.scope_logs {
                    for rec in &mut sl.log_records {
                        cut_all(&mut rec.attributes, max, n);
                        if let Some(body) = rec.body.as_mut() {
                            cut(body, max, n);
                        }
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod limit_tests {
    use std::time::Instant;

    use super::*;
    use crate::config::ReceiverLimits;
    use crate::pipeline::testing::{kv, trace_request};
    use crate::pipeline::Payload;

    #[test]
    fn long_values_are_cut_on_a_char_boundary_with_a_marker() {
        let mut req = trace_request(1);
        let long = "é".repeat(100);
        req.resource_spans[0].scope_spans[0].spans[0]
            .attributes
            .push(kv("big", &long));
        let mut batch = Batch::traces(req, Instant::now());
        let limits = ReceiverLimits {
            max_attribute_value_size: 65,
            max_spans_per_request: 10,
            ..ReceiverLimits::default()
        };
        let got = apply_limits(&mut batch, &limits);
        assert_eq!(got.truncated_values, 1);
        let Payload::Traces(req) = batch.payload() else {
            panic!()
        };
        let attr = req.resource_spans[0].scope_spans[0].spans[0]
            .attributes
            .iter()
            .find(|a| a.key == "big")
            .unwrap();
        let Some(opentelemetry_proto::tonic::common::v1::any_value::Value::StringValue(s)) =
            &attr.value.as_ref().unwrap().value
        else {
            panic!()
        };
        assert!(s.starts_with(&"é".repeat(32)));
        assert!(s.ends_with("…[truncated 136 bytes]"), "{s}");
    }

    /// A span attribute of `depth` nested maps (or lists) around a string.
    fn nested_request(depth: usize, maps: bool) -> Vec<u8> {
        use opentelemetry_proto::tonic::common::v1::{
            any_value::Value, AnyValue, ArrayValue, KeyValue, KeyValueList,
        };
        use prost::Message;
        let mut v = AnyValue {
            value: Some(Value::StringValue("leaf".into())),
        };
        for _ in 0..depth {
            let value = if maps {
                Value::KvlistValue(KeyValueList {
                    values: vec![KeyValue {
                        key: "k".into(),
                        value: Some(v),
                        ..Default::default()
                    }],
                })
            } else {
                Value::ArrayValue(ArrayValue { values: vec![v] })
            };
            v = AnyValue { value: Some(value) };
        }
        let mut req = trace_request(1);
        req.resource_spans[0].scope_spans[0].spans[0]
            .attributes
            .push(KeyValue {
                key: "deep".into(),
                value: Some(v),
                ..Default::default()
            });
        req.encode_to_vec()
    }

    #[test]
    fn the_documented_nesting_limit_holds_and_is_named() {
        let decodes = |depth, maps| {
            decode(
                Signal::Traces,
                Format::Protobuf,
                &nested_request(depth, maps),
                Instant::now(),
            )
        };
        assert!(decodes(31, true).is_ok());
        assert!(matches!(
            decodes(32, true),
            Err(DecodeError::TooDeep { .. })
        ));
        assert!(decodes(47, false).is_ok());
        assert!(matches!(
            decodes(48, false),
            Err(DecodeError::TooDeep { .. })
        ));
    }

    #[test]
    fn spans_past_the_cap_are_rejected() {
        let mut batch = Batch::traces(trace_request(7), Instant::now());
        let limits = ReceiverLimits {
            max_attribute_value_size: 1024,
            max_spans_per_request: 5,
            ..ReceiverLimits::default()
        };
        assert_eq!(apply_limits(&mut batch, &limits).spans_over_cap, 2);
        assert_eq!(batch.items(), 5);
    }

    #[test]
    fn attributes_past_the_cap_are_dropped_and_counted_on_the_span() {
        let mut req = trace_request(1);
        let span = &mut req.resource_spans[0].scope_spans[0].spans[0];
        span.attributes = (0..10).map(|i| kv(&format!("a{i}"), "v")).collect();
        span.dropped_attributes_count = 2;
        let mut batch = Batch::traces(req, Instant::now());
        let limits = ReceiverLimits {
            max_attributes_per_span: 4,
            ..ReceiverLimits::default()
        };
        assert_eq!(apply_limits(&mut batch, &limits).dropped_attributes, 6);
        let Payload::Traces(req) = batch.payload() else {
            panic!()
        };
        let span = &req.resource_spans[0].scope_spans[0].spans[0];
        assert_eq!(span.attributes.len(), 4);
        assert_eq!(span.attributes[3].key, "a3");
        assert_eq!(span.dropped_attributes_count, 8);
    }
}
