//! How much memory a decoded payload takes: its structs and their heap buffers, walked without
//! allocating. The memory guard admits requests by their encoded size, then charges the
//! difference when a batch is decoded, so what it counts is what decoded spans really hold
//! (about 2–4× the encoded size for agent spans, more for many small attributes).

use std::mem::size_of;

use opentelemetry_proto::tonic::common::v1::{any_value::Value, AnyValue, KeyValue};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::Span;

use super::Payload;

/// Bytes the payload holds in memory.
pub fn of(payload: &Payload) -> usize {
    match payload {
        Payload::Traces(r) => {
            let mut n = vec_bytes(&r.resource_spans);
            for rs in &r.resource_spans {
                n += resource(rs.resource.as_ref()) + rs.schema_url.capacity();
                n += vec_bytes(&rs.scope_spans);
                for ss in &rs.scope_spans {
                    n += ss.schema_url.capacity() + vec_bytes(&ss.spans);
                    if let Some(s) = &ss.scope {
                        n += s.name.capacity() + s.version.capacity() + attributes(&s.attributes);
                    }
                    n += ss.spans.iter().map(span).sum::<usize>();
                }
            }
            n
        }
        Payload::Logs(r) => {
            let mut n = vec_bytes(&r.resource_logs);
            for rl in &r.resource_logs {
                n += resource(rl.resource.as_ref()) + rl.schema_url.capacity();
                n += vec_bytes(&rl.scope_logs);
                for sl in &rl.scope_logs {
                    n += sl.schema_url.capacity() + vec_bytes(&sl.log_records);
                    if let Some(s) = &sl.scope {
                        n += s.name.capacity() + s.version.capacity() + attributes(&s.attributes);
                    }
                    for rec in &sl.log_records {
                        n += rec.severity_text.capacity() + rec.event_name.capacity();
                        n += rec.trace_id.capacity() + rec.span_id.capacity();
                        n += attributes(&rec.attributes);
                        n += rec.body.as_ref().map_or(0, any_value);
                    }
                }
            }
            n
        }
    }
}

fn vec_bytes<T>(v: &Vec<T>) -> usize {
    v.capacity() * size_of::<T>()
}

fn resource(r: Option<&Resource>) -> usize {
    r.map_or(0, |r| attributes(&r.attributes) + vec_bytes(&r.entity_refs))
}

/// Bytes one span holds, beyond the payload around it.
pub fn of_span(s: &Span) -> usize {
    size_of::<Span>() + span(s)
}

fn span(s: &Span) -> usize {
    let mut n = s.trace_id.capacity() + s.span_id.capacity() + s.parent_span_id.capacity();
    n += s.trace_state.capacity() + s.name.capacity() + attributes(&s.attributes);
    n += vec_bytes(&s.events) + vec_bytes(&s.links);
    for e in &s.events {
        n += e.name.capacity() + attributes(&e.attributes);
    }
    for l in &s.links {
        n += l.trace_id.capacity() + l.span_id.capacity() + l.trace_state.capacity();
        n += attributes(&l.attributes);
    }
    n + s.status.as_ref().map_or(0, |st| st.message.capacity())
}

fn attributes(kvs: &Vec<KeyValue>) -> usize {
    vec_bytes(kvs)
        + kvs
            .iter()
            .map(|kv| kv.key.capacity() + kv.value.as_ref().map_or(0, any_value))
            .sum::<usize>()
}

fn any_value(v: &AnyValue) -> usize {
    match &v.value {
        Some(Value::StringValue(s)) => s.capacity(),
        Some(Value::BytesValue(b)) => b.capacity(),
        Some(Value::ArrayValue(a)) => {
            size_of::<opentelemetry_proto::tonic::common::v1::ArrayValue>()
                + vec_bytes(&a.values)
                + a.values.iter().map(any_value).sum::<usize>()
        }
        Some(Value::KvlistValue(l)) => {
            size_of::<opentelemetry_proto::tonic::common::v1::KeyValueList>()
                + attributes(&l.values)
        }
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use prost::Message;

    use super::*;
    use crate::pipeline::testing::trace_request;

    #[test]
    fn a_decoded_request_is_counted_larger_than_its_encoding() {
        let req = trace_request(50);
        let encoded = req.encoded_len();
        let decoded = of(&Payload::Traces(req));
        assert!(decoded > encoded, "{decoded} vs {encoded}");
        assert!(decoded >= 50 * size_of::<Span>());
    }

    #[test]
    fn long_strings_count_by_their_length() {
        let mut req = trace_request(1);
        let before = of(&Payload::Traces(req.clone()));
        req.resource_spans[0].scope_spans[0].spans[0].name = "x".repeat(10_000);
        let after = of(&Payload::Traces(req));
        assert!(after - before >= 10_000 - 64, "{before} → {after}");
    }
}
