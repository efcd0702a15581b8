use std::collections::HashMap;

use super::*;

fn env() -> HashMap<String, String> {
    HashMap::new()
}

#[test]
fn embedded_default_config_is_valid() {
    let cfg = Config::load(None, &env()).unwrap();
    assert_eq!(cfg.receivers.len(), 1);
    let r = &cfg.receivers[0];
    assert_eq!(
        r.grpc.as_ref().unwrap().endpoint.to_string(),
        "127.0.0.1:4317"
    );
    assert_eq!(
        r.http.as_ref().unwrap().endpoint.to_string(),
        "127.0.0.1:4318"
    );
    assert!(r.grpc.as_ref().unwrap().max_recv_msg_size >= 16 << 20);
    assert_eq!(
        cfg.telemetry.metrics_address.unwrap().to_string(),
        "127.0.0.1:8888"
    );
    assert_eq!(cfg.pipelines.len(), 2);
}

#[test]
fn unknown_top_level_key_names_key_and_line() {
    let text =
        "receivers:\n  otlp:\n    protocols:\n      grpc:\nservice:\n  pipelines: {}\nbogus: 1\n";
    let err = Config::from_yaml(text, &env()).unwrap_err().to_string();
    assert!(err.contains("bogus"), "{err}");
    assert!(err.contains("line 7"), "{err}");
}

#[test]
fn unknown_component_option_names_path_and_line() {
    let text = "receivers:\n  otlp:\n    protocols:\n      grpc:\n        endpoint: 127.0.0.1:4317\n        max_recv_msg_sise_mib: 4\nexporters:\n  debug:\nservice:\n  pipelines:\n    traces: {receivers: [otlp], exporters: [debug]}\n";
    let err = Config::from_yaml(text, &env()).unwrap_err().to_string();
    assert!(err.contains("receivers.otlp.protocols.grpc"), "{err}");
    assert!(err.contains("max_recv_msg_sise_mib"), "{err}");
    assert!(err.contains("line 6"), "{err}");
}

#[test]
fn undefined_pipeline_reference_is_named() {
    let text = "receivers:\n  otlp:\n    protocols:\n      http:\nexporters:\n  debug:\nservice:\n  pipelines:\n    traces:\n      receivers: [otlp]\n      processors: [batch]\n      exporters: [debug]\n";
    let err = Config::from_yaml(text, &env()).unwrap_err().to_string();
    assert!(
        err.contains("service.pipelines.traces.processors[0]"),
        "{err}"
    );
    assert!(err.contains("\"batch\""), "{err}");
}

#[test]
fn env_substitution_applies_before_parsing() {
    let mut e = env();
    e.insert("GRPC_PORT".into(), "5317".into());
    let text = "receivers:\n  otlp:\n    protocols:\n      grpc:\n        endpoint: 127.0.0.1:${env:GRPC_PORT}\n      http:\n        endpoint: ${env:HTTP_EP:-127.0.0.1:5318}\nexporters:\n  debug:\nservice:\n  pipelines:\n    traces: {receivers: [otlp], exporters: [debug]}\n";
    let cfg = Config::from_yaml(text, &e).unwrap();
    assert_eq!(
        cfg.receivers[0].grpc.as_ref().unwrap().endpoint.port(),
        5317
    );
    assert_eq!(
        cfg.receivers[0].http.as_ref().unwrap().endpoint.port(),
        5318
    );
}

#[test]
fn invalid_yaml_reports_line() {
    let err = Config::from_yaml("receivers:\n  otlp: [\n", &env())
        .unwrap_err()
        .to_string();
    assert!(err.contains("line"), "{err}");
}

#[test]
fn every_shipped_example_config_is_valid() {
    let mut e = env();
    e.insert("LANGFUSE_AUTH".into(), "cGs6c2s=".into());
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config");
    let mut checked = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|x| x.to_str()) != Some("yaml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        if !text.contains("service:") {
            continue; // pricing and model tables
        }
        Config::from_yaml(&text, &e).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        checked += 1;
    }
    assert!(checked >= 4, "default, otlp, langfuse and phoenix examples");
}
