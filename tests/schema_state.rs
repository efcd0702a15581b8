//! `schema_drift` state file: learned schemas survive a restart, and a corrupt file is reported,
//! moved aside and replaced without failing the processor.

use std::path::{Path, PathBuf};
use std::time::Instant;

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, KeyValue};
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};
use spotter::pipeline::{Batch, Payload};
use spotter::processor::tool::schema_drift::{Config, SchemaDriftProcessor};
use spotter::processor::Processor;
use spotter::semconv::spans;

fn kv(key: &str, value: &str) -> KeyValue {
    KeyValue {
        key: key.into(),
        value: Some(AnyValue {
            value: Some(any_value::Value::StringValue(value.into())),
        }),
        ..Default::default()
    }
}

fn weather(id: u8, result: &str) -> Batch {
    let span = Span {
        trace_id: vec![1; 16],
        span_id: vec![id; 8],
        name: "execute_tool get_weather".into(),
        attributes: vec![
            kv("gen_ai.operation.name", "execute_tool"),
            kv("gen_ai.tool.name", "get_weather"),
            kv("gen_ai.tool.call.result", result),
            kv("session.id", "s"),
        ],
        ..Default::default()
    };
    Batch::traces(
        ExportTraceServiceRequest {
            resource_spans: vec![ResourceSpans {
                scope_spans: vec![ScopeSpans {
                    spans: vec![span],
                    ..Default::default()
                }],
                ..Default::default()
            }],
        },
        Instant::now(),
    )
}

fn missing(p: &mut SchemaDriftProcessor, id: u8, result: &str) -> Option<String> {
    let mut out = Vec::new();
    p.process(weather(id, result), Instant::now(), &mut out);
    let Payload::Traces(req) = out[0].payload() else {
        panic!("traces")
    };
    let view = spans(req).next().unwrap();
    view.tool_schema_missing().map(str::to_string)
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("spotter-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn config(file: &Path) -> Config {
    Config {
        state_file: Some(file.to_path_buf()),
        ..Default::default()
    }
}

const V1: &str = r#"{"city": "Lisbon", "temperature_c": 20}"#;
const V2: &str = r#"{"city": "Rome", "temp": {"value": 11}}"#;

#[test]
fn learned_schemas_survive_a_restart() {
    let dir = temp_dir("schema-restart");
    let file = dir.join("schemas.json");
    let mut first = SchemaDriftProcessor::new("schema_drift", config(&file), "p").unwrap();
    first.start();
    assert_eq!(missing(&mut first, 1, V1), None);
    assert_eq!(missing(&mut first, 2, V1), None);
    first.shutdown(&mut Vec::new());
    assert!(file.exists(), "state written on shutdown");
    assert!(
        !dir.join("schemas.json.tmp").exists(),
        "no temporary file left"
    );

    let mut second = SchemaDriftProcessor::new("schema_drift", config(&file), "p").unwrap();
    second.start();
    assert_eq!(
        missing(&mut second, 3, V2).as_deref(),
        Some("temperature_c (number)"),
        "the baseline learned before the restart is in force"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_corrupt_state_file_is_reported_and_replaced() {
    let dir = temp_dir("schema-corrupt");
    let file = dir.join("schemas.json");
    std::fs::write(&file, b"{\"version\": 1, \"tools\": {\"get_weather\": [tru").unwrap();
    let mut p = SchemaDriftProcessor::new("schema_drift", config(&file), "p")
        .expect("a corrupt state file never stops the processor");
    p.start();
    assert!(dir.join("schemas.json.corrupt").exists(), "moved aside");
    assert_eq!(missing(&mut p, 1, V1), None);
    assert_eq!(missing(&mut p, 2, V1), None);
    p.shutdown(&mut Vec::new());
    let text = std::fs::read_to_string(&file).unwrap();
    let state: serde_json::Value = serde_json::from_str(&text).expect("replaced by a valid file");
    // Schemas are keyed `service/tool(argument names)`.
    let tools = state["tools"].as_object().expect("tools");
    assert!(
        tools
            .iter()
            .any(|(key, schema)| key.contains("/get_weather(") && schema.is_object()),
        "the tool learned after the corrupt file is in the new one: {text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_unwritable_state_file_is_reported_not_fatal() {
    let dir = temp_dir("schema-unwritable");
    // A directory where the file should be: the rename fails.
    let file = dir.join("schemas.json");
    std::fs::create_dir_all(file.join("occupied")).unwrap();
    let mut p = SchemaDriftProcessor::new("schema_drift", config(&file), "p").unwrap();
    p.start();
    assert_eq!(missing(&mut p, 1, V1), None);
    p.shutdown(&mut Vec::new());
    let _ = std::fs::remove_dir_all(&dir);
}
