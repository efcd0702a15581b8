use std::time::Instant;

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::KeyValue;
use opentelemetry_proto::tonic::trace::v1::{
    status::StatusCode, ResourceSpans, ScopeSpans, Span, Status,
};

use super::*;
use crate::pipeline::testing::{kv, kv_int};
use crate::summary::Finding;

fn processor(yaml: &str) -> OutcomeProcessor {
    let cfg: Config = serde_yaml::from_str(yaml).unwrap();
    OutcomeProcessor::new("outcome", cfg, "processors.outcome").unwrap()
}

fn span(name: &str, session: &str, turn: i64, end: u64, mut attrs: Vec<KeyValue>) -> Span {
    attrs.extend([
        kv("session.id", session),
        kv_int("spotter.session.turn", turn),
    ]);
    Span {
        name: name.into(),
        start_time_unix_nano: end - 10,
        end_time_unix_nano: end,
        attributes: attrs,
        ..Default::default()
    }
}

fn failed(mut s: Span) -> Span {
    s.status = Some(Status {
        code: StatusCode::Error as i32,
        message: "boom".into(),
    });
    s
}

/// A model call that answered in text.
fn answer(session: &str, turn: i64, end: u64) -> Span {
    span(
        "chat gpt-4o-mini",
        session,
        turn,
        end,
        vec![
            kv("gen_ai.operation.name", "chat"),
            kv(
                "gen_ai.output.messages",
                r#"[{"role":"assistant","parts":[{"type":"text","content":"Done."}]}]"#,
            ),
        ],
    )
}

/// A model call that asked for a tool.
fn asks_tool(session: &str, turn: i64, end: u64) -> Span {
    span(
        "chat gpt-4o-mini",
        session,
        turn,
        end,
        vec![
            kv("gen_ai.operation.name", "chat"),
            kv(
                "gen_ai.output.messages",
                r#"[{"role":"assistant","parts":[{"type":"tool_call","id":"c1","name":"search_docs","arguments":{"q":"x"}}]}]"#,
            ),
        ],
    )
}

fn tool(name: &str, session: &str, turn: i64, end: u64) -> Span {
    span(
        &format!("execute_tool {name}"),
        session,
        turn,
        end,
        vec![
            kv("gen_ai.operation.name", "execute_tool"),
            kv("gen_ai.tool.name", name),
        ],
    )
}

fn agent(session: &str, turn: i64, end: u64) -> Span {
    span(
        "invoke_agent Bot",
        session,
        turn,
        end,
        vec![kv("gen_ai.operation.name", "invoke_agent")],
    )
}

fn feed(p: &mut OutcomeProcessor, spans: Vec<Span>) {
    let req = ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            scope_spans: vec![ScopeSpans {
                spans,
                ..Default::default()
            }],
            ..Default::default()
        }],
    };
    let mut out = Vec::new();
    p.process(Batch::traces(req, Instant::now()), Instant::now(), &mut out);
    assert_eq!(out.len(), 1);
}

fn decide_for(
    p: &mut OutcomeProcessor,
    session: &str,
    workflow: &str,
    findings: Vec<Finding>,
) -> (String, Vec<String>) {
    let mut s = SessionSummary {
        session_id: session.into(),
        workflow: workflow.into(),
        findings,
        ..Default::default()
    };
    p.enrich_summary(&mut s);
    (s.outcome, s.outcome_reasons)
}

#[test]
fn an_answered_session_without_failure_signals_succeeds() {
    let mut p = processor("");
    feed(
        &mut p,
        vec![
            asks_tool("s", 1, 100),
            tool("lookup_order", "s", 1, 150),
            answer("s", 1, 200),
            agent("s", 1, 210),
            answer("s", 2, 300),
        ],
    );
    let (o, r) = decide_for(&mut p, "s", "shop", vec![]);
    assert_eq!(
        (o.as_str(), r[0].as_str()),
        ("success", "no_failure_signal")
    );
}

#[test]
fn a_last_turn_stuck_asking_for_tools_is_unanswered() {
    let mut p = processor("");
    // Spans arrive out of order; the last call of turn 2 (by end time) asked for a tool.
    feed(
        &mut p,
        vec![
            asks_tool("s", 2, 500),
            answer("s", 1, 100),
            answer("s", 2, 300),
            tool("search_docs", "s", 2, 400),
        ],
    );
    let (o, r) = decide_for(&mut p, "s", "shop", vec![]);
    assert_eq!((o.as_str(), r), ("failure", vec!["unanswered".to_string()]));
}

#[test]
fn a_model_error_retried_within_the_turn_is_not_a_failure() {
    let mut p = processor("");
    feed(
        &mut p,
        vec![failed(answer("s", 1, 100)), answer("s", 1, 200)],
    );
    assert_eq!(decide_for(&mut p, "s", "w", vec![]).0, "success");
    feed(
        &mut p,
        vec![answer("t", 1, 100), failed(answer("t", 1, 200))],
    );
    let (o, r) = decide_for(&mut p, "t", "w", vec![]);
    assert_eq!(o, "failure");
    assert!(r.iter().any(|r| r.starts_with("llm_error")), "{r:?}");
}

#[test]
fn agent_errors_fail_the_session() {
    let mut p = processor("");
    feed(
        &mut p,
        vec![answer("s", 1, 100), failed(agent("s", 1, 200))],
    );
    let (o, r) = decide_for(&mut p, "s", "w", vec![]);
    assert_eq!(o, "failure");
    assert!(r.iter().any(|r| r.starts_with("agent_error")), "{r:?}");
}

#[test]
fn escalation_tools_fail_the_session_unless_the_workflow_says_otherwise() {
    let mut p = processor("workflows:\n  triage:\n    escalation_is_failure: false\n");
    feed(
        &mut p,
        vec![
            tool("HandOff_To_Billing_Team", "a", 1, 100),
            answer("a", 1, 200),
            tool("create_ticket_and_escalate", "b", 1, 100),
            answer("b", 1, 200),
            tool("get_human_resources_policy", "c", 1, 100),
            answer("c", 1, 200),
        ],
    );
    let (o, r) = decide_for(&mut p, "a", "shop", vec![]);
    assert_eq!(
        (o.as_str(), r[0].as_str()),
        ("failure", "escalated: HandOff_To_Billing_Team")
    );
    assert_eq!(decide_for(&mut p, "b", "triage", vec![]).0, "success");
    // A tool that merely mentions humans is no escalation.
    assert_eq!(decide_for(&mut p, "c", "shop", vec![]).0, "success");
}

#[test]
fn explicit_feedback_decides() {
    let mut p = processor("");
    let thumbs = |v: &str, end| span("feedback", "s", 2, end, vec![kv("user.feedback", v)]);
    feed(
        &mut p,
        vec![
            failed(agent("s", 1, 100)),
            thumbs("thumbs_down", 300),
            thumbs("👍", 400),
        ],
    );
    let (o, r) = decide_for(&mut p, "s", "w", vec![]);
    assert_eq!(
        (o.as_str(), r[0].as_str()),
        ("success", "explicit_success: user.feedback")
    );

    let mut p = processor("outcome_keys: [app.score]\nvocabulary: {score_threshold: 3}");
    let score = |v: i64| span("rate", "r", 1, 100, vec![kv_int("app.score", v)]);
    feed(&mut p, vec![answer("r", 1, 50), score(2)]);
    assert_eq!(decide_for(&mut p, "r", "w", vec![]).0, "failure");
}

#[test]
fn findings_fail_the_session_with_their_kind() {
    let mut p = processor("");
    feed(&mut p, vec![answer("s", 1, 100), answer("s", 2, 200)]);
    let finding = Finding {
        kind: "silent_failure".into(),
        first_turn: 2,
        tool: Some("search_docs".into()),
        detail: "503 hidden".into(),
    };
    let (o, r) = decide_for(&mut p, "s", "w", vec![finding]);
    assert_eq!(
        (o.as_str(), r[0].as_str()),
        ("failure", "silent_failure: search_docs (turn 2)")
    );
}

#[test]
fn a_session_never_seen_is_unknown() {
    let mut p = processor("");
    let (o, r) = decide_for(&mut p, "ghost", "w", vec![]);
    assert_eq!((o.as_str(), r[0].as_str()), ("unknown", "no_activity"));
}

#[test]
fn session_state_is_bounded() {
    let mut p = processor("max_sessions: 5");
    let spans = (0..50).map(|i| answer(&format!("s{i}"), 1, 100)).collect();
    feed(&mut p, spans);
    assert_eq!(p.sessions.len(), 5);
    assert_eq!(decide_for(&mut p, "s49", "w", vec![]).0, "success");
    assert_eq!(decide_for(&mut p, "s0", "w", vec![]).0, "unknown");
}

#[test]
fn long_sessions_keep_counting_failed_turns() {
    let mut p = processor("");
    let mut spans: Vec<Span> = (1..=100).map(|t| answer("s", t, t as u64 * 100)).collect();
    spans[0] = failed(answer("s", 1, 100));
    feed(&mut p, spans);
    let (o, r) = decide_for(&mut p, "s", "w", vec![]);
    assert_eq!(o, "failure");
    assert_eq!(r, vec!["llm_error: 1 turn(s)"]);
}

#[test]
fn bad_options_name_their_path() {
    let cfg: Config = serde_yaml::from_str("escalation_pattern: '('").unwrap();
    let err = OutcomeProcessor::new("outcome", cfg, "processors.outcome")
        .err()
        .unwrap()
        .to_string();
    assert!(
        err.contains("processors.outcome.escalation_pattern"),
        "{err}"
    );
    let e = crate::processor::parse_options::<Config>(
        &serde_yaml::from_str("workflows: {shop: {escalation_is_fail: true}}").unwrap(),
        "processors.outcome",
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("processors.outcome.workflows.shop"), "{e}");
}
