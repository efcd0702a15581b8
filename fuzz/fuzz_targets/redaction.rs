//! The redaction processor over arbitrary text in span attributes, events, status messages and
//! log bodies. Besides not panicking, redaction must be idempotent: a second pass over its own
//! output changes nothing (masks are never masked again, and masking never creates a new
//! secret).
#![no_main]

use std::sync::Mutex;
use std::sync::OnceLock;
use std::time::Instant;

use libfuzzer_sys::fuzz_target;
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, KeyValue};
use opentelemetry_proto::tonic::logs::v1::{LogRecord, ResourceLogs, ScopeLogs};
use opentelemetry_proto::tonic::trace::v1::span::Event;
use opentelemetry_proto::tonic::trace::v1::Status;
use spotter::pipeline::testing::trace_batch;
use spotter::pipeline::{Batch, Payload};
use spotter::processor::redaction::{Config, RedactionProcessor};

fn string(key: &str, value: &str) -> KeyValue {
    KeyValue {
        key: key.to_string(),
        value: Some(AnyValue {
            value: Some(any_value::Value::StringValue(value.to_string())),
        }),
        ..Default::default()
    }
}

fn processor() -> &'static Mutex<RedactionProcessor> {
    static P: OnceLock<Mutex<RedactionProcessor>> = OnceLock::new();
    P.get_or_init(|| {
        let config = Config {
            salt: Some("fuzz".into()),
            emails: true,
            phone_numbers: true,
            card_numbers: true,
            secret_fields: vec!["session_key".into()],
            ..Default::default()
        };
        Mutex::new(RedactionProcessor::new("redaction", config, "processors.redaction").unwrap())
    })
}

fn batches(key: &str, text: &str) -> [Batch; 2] {
    let now = Instant::now();
    let mut traces = trace_batch(1, now);
    let span = &mut traces.traces_mut().unwrap().resource_spans[0].scope_spans[0].spans[0];
    span.attributes.push(string(key, text));
    span.attributes
        .push(string("gen_ai.tool.call.arguments", text));
    span.events.push(Event {
        name: "exception".into(),
        attributes: vec![string("exception.message", text)],
        ..Default::default()
    });
    span.status = Some(Status {
        message: text.to_string(),
        code: 2,
    });
    let logs = Batch::logs(
        ExportLogsServiceRequest {
            resource_logs: vec![ResourceLogs {
                scope_logs: vec![ScopeLogs {
                    log_records: vec![LogRecord {
                        body: Some(AnyValue {
                            value: Some(any_value::Value::StringValue(text.to_string())),
                        }),
                        attributes: vec![string(key, text)],
                        ..Default::default()
                    }],
                    ..Default::default()
                }],
                ..Default::default()
            }],
        },
        now,
    );
    [traces, logs]
}

fn payload(b: &Batch) -> &Payload {
    b.payload()
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // A short prefix doubles as the attribute key, so key-based masking is exercised too.
    let key: String = text.chars().take_while(|c| *c != '\n').take(24).collect();
    let mut p = processor().lock().unwrap();
    for mut batch in batches(&key, &text) {
        p.redact_batch(&mut batch);
        let once = payload(&batch).clone();
        p.redact_batch(&mut batch);
        assert_eq!(&once, payload(&batch), "redaction is not idempotent");
    }
});
