use std::sync::Arc;

use super::*;
use crate::failure::transcript::{ToolCallRecord, Transcript};
use crate::failure::SessionMode;
use crate::failure::State;

fn mode(fp: &str, kind: &str, tool: &str) -> SessionMode {
    SessionMode {
        fingerprint: fp.into(),
        mode: format!("{kind} {tool}"),
        kind: kind.into(),
        tool: tool.into(),
        service: String::new(),
        cause: String::new(),
        state: State::New,
        occurrences: 1,
        ignored: false,
        evals: vec![],
        trace_id: Some(format!("{fp}-trace")),
    }
}

fn failing(session: &str, modes: Vec<SessionMode>) -> SessionSummary {
    let mut t = Transcript::default();
    for _ in 0..3 {
        t.tool_calls.push(ToolCallRecord {
            turn: 1,
            name: "search".into(),
            arguments: Some("{\"q\":\"flights\"}".into()),
            result: Some("[]".into()),
            outcome: Some("ok".into()),
            ..Default::default()
        });
    }
    SessionSummary {
        session_id: session.into(),
        workflow: "travel".into(),
        outcome: "failure".into(),
        outcome_reasons: vec!["tool_loop: search (turn 1)".into()],
        failure_modes: modes,
        release: Some("1.4.0".into()),
        transcript: Some(Arc::new(t)),
        ..Default::default()
    }
}

fn exporter(dir: &std::path::Path, format: &str) -> EvalCasesExporter {
    let config: Config = serde_yaml::from_str(&format!(
        "path: {}\nformat: {format}\nper_mode: 2\n",
        dir.join(format!("cases.{format}")).display()
    ))
    .unwrap();
    EvalCasesExporter::new(config, "exporters.evalcases").unwrap()
}

fn temp(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("spotter-evalcases-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn a_loop_case_asserts_at_most_two_identical_calls_and_ids_are_idempotent() {
    let dir = temp("loop");
    let e = exporter(&dir, "jsonl");
    let s = failing(
        "s1",
        vec![
            mode("aaa", "tool_error", "search"),
            mode("bbb", "tool_loop", "search"),
        ],
    );
    assert_eq!(e.record(&s), "written");
    assert_eq!(e.record(&s), "duplicate");
    let text = std::fs::read_to_string(dir.join("cases.jsonl")).unwrap();
    let case: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(
        case["fingerprint"], "bbb",
        "filed under the most specific mode"
    );
    assert_eq!(case["fingerprints"], serde_json::json!(["aaa", "bbb"]));
    assert_eq!(case["assertions"][0]["type"], "max_identical_calls");
    assert_eq!(case["assertions"][0]["max"], 2);
    assert!(case["assertions"][0]["description"]
        .as_str()
        .unwrap()
        .starts_with("at most 2 calls of search with the same arguments"));
    assert_eq!(case["tool_calls"].as_array().unwrap().len(), 3);
    assert_eq!(case["release"], "1.4.0");
    // A restart reads the ids back and does not write the case again.
    let again = exporter(&dir, "jsonl");
    assert_eq!(again.record(&s), "duplicate");
}

#[test]
fn only_the_first_sessions_of_a_mode_are_written_and_ignored_or_passing_ones_never() {
    let dir = temp("cap");
    let e = exporter(&dir, "jsonl");
    for i in 0..2 {
        assert_eq!(
            e.record(&failing(
                &format!("s{i}"),
                vec![mode(&format!("x{i}"), "silent_failure", "get_calendar")]
            )),
            "written"
        );
    }
    let mut third = failing("s9", vec![mode("x0", "silent_failure", "get_calendar")]);
    third.failure_modes[0].trace_id = Some("other".into());
    assert_eq!(e.record(&third), "written");
    let mut fourth = third.clone();
    fourth.failure_modes[0].trace_id = Some("yet-another".into());
    assert_eq!(e.record(&fourth), "mode_full");
    let mut passing = failing("ok", vec![mode("y", "tool_error", "t")]);
    passing.outcome = "success".into();
    assert_eq!(e.record(&passing), "not_a_case");
    let mut ignored = failing("ign", vec![mode("z", "tool_error", "t")]);
    ignored.failure_modes[0].ignored = true;
    assert_eq!(e.record(&ignored), "not_a_case");
}

#[test]
fn vendor_shapes_carry_their_documented_fields_and_are_manifests() {
    let dir = temp("shapes");
    let s = failing("s1", vec![mode("fp1", "goal_not_met", "book_flight")]);
    for (format, fields) in [
        (
            "langfuse",
            &[
                "id",
                "datasetName",
                "input",
                "expectedOutput",
                "metadata",
                "sourceTraceId",
            ][..],
        ),
        (
            "braintrust",
            &["id", "input", "expected", "metadata", "tags"][..],
        ),
    ] {
        let e = exporter(&dir, format);
        assert_eq!(e.record(&s), "written");
        let text = std::fs::read_to_string(dir.join(format!("cases.{format}"))).unwrap();
        let v: serde_json::Value = serde_json::from_str(text.trim()).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(|k| k.as_str()).collect();
        let mut want = fields.to_vec();
        want.sort();
        let mut got = keys.clone();
        got.sort();
        assert_eq!(got, want, "{format}");
        assert!(v.to_string().contains("must not claim"), "{format}");
        let manifest =
            crate::failure::annotations::parse_manifest(&text, std::path::Path::new("m")).unwrap();
        assert!(manifest.contains_key("fp1"), "{format} is a manifest");
    }
    let e = exporter(&dir, "phoenix");
    assert_eq!(e.record(&s), "written");
    assert_eq!(
        e.record(&failing(
            "s2",
            vec![mode("fp2", "auth_rot", "get_calendar")]
        )),
        "written"
    );
    let body: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("cases.phoenix")).unwrap()).unwrap();
    assert_eq!(body["action"], "create");
    for k in ["inputs", "outputs", "metadata"] {
        assert_eq!(body[k].as_array().unwrap().len(), 2, "{k}");
    }
    let manifest =
        crate::failure::annotations::parse_manifest(&body.to_string(), std::path::Path::new("m"))
            .unwrap();
    assert!(manifest.contains_key("fp2"));
    assert_eq!(exporter(&dir, "phoenix").record(&s), "duplicate");
}
