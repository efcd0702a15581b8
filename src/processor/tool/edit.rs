//! Changes a tool processor decided for one span, applied after the span's view is dropped.

use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue};
use opentelemetry_proto::tonic::trace::v1::span::Event;
use opentelemetry_proto::tonic::trace::v1::{status::StatusCode, Span, Status};

use crate::semconv::value;

#[derive(Debug, Default)]
pub struct SpanEdit {
    pub attrs: Vec<(&'static str, AnyValue)>,
    pub events: Vec<Event>,
    /// Set the span status to `ERROR` with this message.
    pub error_status: Option<String>,
}

impl SpanEdit {
    pub fn is_empty(&self) -> bool {
        self.attrs.is_empty() && self.events.is_empty() && self.error_status.is_none()
    }

    pub fn set(&mut self, key: &'static str, v: AnyValue) {
        self.attrs.push((key, v));
    }

    pub fn apply(self, span: &mut Span) {
        for (k, v) in self.attrs {
            value::upsert(&mut span.attributes, k, v);
        }
        span.events.extend(self.events);
        if let Some(message) = self.error_status {
            span.status = Some(Status {
                message,
                code: StatusCode::Error as i32,
            });
        }
    }
}

/// A boolean attribute value.
pub fn boolean(b: bool) -> AnyValue {
    AnyValue {
        value: Some(opentelemetry_proto::tonic::common::v1::any_value::Value::BoolValue(b)),
    }
}

/// A span event at `time_unix_nano` with string attributes.
pub fn event(name: &str, time_unix_nano: u64, attrs: Vec<(&str, AnyValue)>) -> Event {
    Event {
        time_unix_nano,
        name: name.to_string(),
        attributes: attrs
            .into_iter()
            .map(|(k, v)| KeyValue {
                key: k.to_string(),
                value: Some(v),
                ..Default::default()
            })
            .collect(),
        dropped_attributes_count: 0,
    }
}
