use std::time::Instant;

use opentelemetry_proto::tonic::trace::v1::Span;

use super::*;
use crate::pipeline::testing::kv;
use crate::processor::tool::testing::*;

fn processor() -> GoalProcessor {
    GoalProcessor::new("goal", Config::default(), "processors.goal").unwrap()
}

/// A turn: the user's message on the model span, the tool calls, the final answer on the root.
fn turn(session: &str, n: u32, user: &str, tools: Vec<Span>, answer: &str) -> Vec<Span> {
    let input = serde_json::json!([{"role": "user", "parts": [{"type": "text", "content": user}]}]);
    let base = T0 + u64::from(n) * 100 * SEC;
    let mut spans = vec![with_attr(
        llm(session, n, 1, "", base),
        kv("gen_ai.input.messages", &input.to_string()),
    )];
    spans.extend(tools);
    spans.push(agent(session, n, 9, answer, base));
    spans
}

fn run_session(
    p: &mut GoalProcessor,
    session: &str,
    turns: Vec<Vec<Span>>,
) -> (Vec<Span>, Vec<Finding>) {
    let mut all = Vec::new();
    for spans in turns {
        let mut out = Vec::new();
        p.process(batch(spans), Instant::now(), &mut out);
        all.extend(all_spans(&out));
    }
    let mut s = SessionSummary {
        session_id: session.into(),
        ..Default::default()
    };
    p.enrich_summary(&mut s);
    (all, s.findings)
}

fn lookup(turn: u32, id: u8) -> Span {
    tool(
        "s",
        turn,
        id,
        "get_order",
        r#"{"id": "A1"}"#,
        Some(r#"{"id": "A1", "status": "processing"}"#),
        T0 + u64::from(turn) * 100 * SEC + SEC,
    )
}

#[test]
fn a_repeated_request_that_no_acting_tool_performed_is_goal_not_met() {
    let mut p = processor();
    let (_, findings) = run_session(
        &mut p,
        "s",
        vec![
            turn(
                "s",
                1,
                "Please cancel my order A1",
                vec![lookup(1, 2)],
                "Your order A1 is processing.",
            ),
            turn(
                "s",
                2,
                "I said: cancel order A1, please.",
                vec![lookup(2, 2)],
                "Order A1 is still processing.",
            ),
        ],
    );
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].kind, "goal_not_met");
    assert!(
        findings[0].detail.contains("requested_not_done: cancel"),
        "{}",
        findings[0].detail
    );
    assert!(findings[0].detail.contains("more than once"));
}

#[test]
fn a_request_an_acting_tool_performed_is_met() {
    let mut p = processor();
    let cancel = tool(
        "s",
        1,
        3,
        "cancel_order",
        r#"{"id": "A1"}"#,
        Some(r#"{"id": "A1", "status": "cancelled"}"#),
        T0 + 102 * SEC,
    );
    let (spans, findings) = run_session(
        &mut p,
        "s",
        vec![turn(
            "s",
            1,
            "Please cancel my order A1",
            vec![lookup(1, 2), cancel],
            "I've cancelled your order A1.",
        )],
    );
    assert!(findings.is_empty(), "{findings:?}");
    assert!(spans
        .iter()
        .all(|s| attr(s, "spotter.goal_not_met").is_none()));
}

#[test]
fn an_acting_tool_that_failed_leaves_the_goal_unmet_even_when_the_answer_says_so() {
    let mut p = processor();
    let cancel = failed_tool(
        "s",
        1,
        3,
        "cancel_order",
        r#"{"id": "A1"}"#,
        "HTTP 409: order already shipped",
        T0 + 102 * SEC,
    );
    let (_, findings) = run_session(
        &mut p,
        "s",
        vec![turn(
            "s",
            1,
            "Bitte storniere meine Bestellung A1",
            vec![cancel],
            "Leider konnte ich die Bestellung nicht stornieren.",
        )],
    );
    assert_eq!(findings.len(), 1, "{findings:?}");
}

#[test]
fn a_claimed_side_effect_without_an_acting_call_in_the_turn_is_stamped_on_the_root() {
    let mut p = processor();
    let cancel_b = tool(
        "s",
        1,
        3,
        "cancel_order",
        r#"{"id": "B2"}"#,
        Some(r#"{"ok": true}"#),
        T0 + 102 * SEC,
    );
    let (spans, findings) = run_session(
        &mut p,
        "s",
        vec![
            turn(
                "s",
                1,
                "Cancel order B2 please",
                vec![cancel_b],
                "Done: order B2 has been cancelled.",
            ),
            turn(
                "s",
                2,
                "Now cancel order A1 too",
                vec![lookup(2, 2)],
                "Done: order A1 has been cancelled.",
            ),
        ],
    );
    let root = spans
        .iter()
        .find(|s| {
            s.parent_span_id.is_empty() && attr(s, "spotter.session.turn").as_deref() == Some("2")
        })
        .unwrap();
    assert_eq!(attr(root, "spotter.goal_not_met").as_deref(), Some("true"));
    assert_eq!(
        attr(root, "spotter.goal_not_met.reason").as_deref(),
        Some("claimed_not_done: cancel")
    );
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].first_turn, 2);
}

#[test]
fn an_action_done_on_another_object_than_the_one_claimed_is_claimed_not_done() {
    let restart = |turn: u32, service: &str| {
        tool(
            "s",
            turn,
            3,
            "restart_service",
            &format!(r#"{{"service": "{service}"}}"#),
            Some(r#"{"rollout": "started"}"#),
            T0 + u64::from(turn) * 100 * SEC + SEC,
        )
    };
    let mut p = processor();
    let (_, findings) = run_session(
        &mut p,
        "s",
        vec![
            turn(
                "s",
                1,
                "Restart service search-gateway, it hangs.",
                vec![restart(1, "search-gateway")],
                "Service search-gateway was restarted.",
            ),
            turn(
                "s",
                2,
                "Restart service checkout-api too.",
                vec![restart(2, "payments-worker")],
                "Service checkout-api was restarted.",
            ),
        ],
    );
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].first_turn, 2);
    assert!(findings[0].detail.contains("claimed_not_done: restart"));
}

#[test]
fn reporting_a_state_the_agent_read_is_not_a_claim() {
    let mut p = processor();
    let (spans, findings) = run_session(
        &mut p,
        "s",
        vec![turn(
            "s",
            1,
            "What's the status of order A1?",
            vec![lookup(1, 2)],
            "Order A1 was cancelled on May 3 and has been refunded.",
        )],
    );
    assert!(findings.is_empty(), "{findings:?}");
    assert!(spans
        .iter()
        .all(|s| attr(s, "spotter.goal_not_met").is_none()));
}

#[test]
fn reading_tools_never_perform_the_action() {
    let mut p = processor();
    let read = tool(
        "s",
        1,
        3,
        "get_cancellation_options",
        r#"{"id": "A1"}"#,
        Some(r#"{"options": ["full"]}"#),
        T0 + 102 * SEC,
    );
    let (_, findings) = run_session(
        &mut p,
        "s",
        vec![turn(
            "s",
            1,
            "Can you cancel order A1?",
            vec![read],
            "You can cancel within 30 days.",
        )],
    );
    assert_eq!(findings.len(), 1, "{findings:?}");
}

#[test]
fn user_messages_are_read_from_several_conventions() {
    assert_eq!(
        last_user_text(
            r#"[{"role":"system","content":"x"},{"role":"user","content":"cancel A1"}]"#
        )
        .as_deref(),
        Some("cancel A1")
    );
    assert_eq!(
        last_user_text("plain request").as_deref(),
        Some("plain request")
    );
}

#[test]
fn an_acting_tool_answering_an_aws_style_internal_failure_did_not_act() {
    let mut p = processor();
    let send = tool(
        "s",
        1,
        3,
        "send_email",
        r#"{"to": "jo@example.org"}"#,
        Some(r#"{"__type":"InternalFailure","message":"内部サーバーエラー"}"#),
        T0 + 102 * SEC,
    );
    let (_, findings) = run_session(
        &mut p,
        "s",
        vec![turn(
            "s",
            1,
            "jo@example.orgにメールを送ってください。",
            vec![send],
            "メールを送信できませんでした。",
        )],
    );
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert!(findings[0].detail.contains("requested_not_done: send"));
}

#[test]
fn a_scheduling_request_in_japanese_is_met_by_the_scheduling_tool() {
    let mut p = processor();
    let schedule = tool(
        "s",
        1,
        3,
        "schedule_interview",
        r#"{"candidate": "A. Costa"}"#,
        Some(r#"{"interview_id": "iv_1", "slot": "2026-10-27T12:00"}"#),
        T0 + 102 * SEC,
    );
    let (_, findings) = run_session(
        &mut p,
        "s",
        vec![turn(
            "s",
            1,
            "an interview with A. Costaを設定してください。",
            vec![schedule],
            "面接を設定しました。",
        )],
    );
    assert!(findings.is_empty(), "{findings:?}");
}

#[test]
fn mcp_hints_override_what_the_tool_name_says() {
    let check_in = |hint: &str| {
        with_attr(
            tool(
                "s",
                1,
                3,
                "check_in_guest",
                r#"{"guest": "G1"}"#,
                Some(r#"{"guest": "G1", "room": 12}"#),
                T0 + 102 * SEC,
            ),
            kv("mcp.tool.annotations", hint),
        )
    };
    for (hint, met) in [
        (r#"{"destructiveHint": true}"#, true),
        (r#"{"destructiveHint": false}"#, false),
        (r#"{"readOnlyHint": true, "destructiveHint": true}"#, false),
    ] {
        let mut p = processor();
        let (_, findings) = run_session(
            &mut p,
            "s",
            vec![turn(
                "s",
                1,
                "Please book guest G1 into a room.",
                vec![check_in(hint)],
                "Guest G1 is in room 12.",
            )],
        );
        assert_eq!(findings.is_empty(), met, "{hint}: {findings:?}");
    }
}

fn renew(turn: u32, status: &str) -> Span {
    tool(
        "s",
        turn,
        3,
        "renew_lease",
        r#"{"lease_id": "L-1", "term_months": 6}"#,
        Some(&format!(
            r#"{{"lease_id": "L-1", "term_months": 6, "status": "{status}"}}"#
        )),
        T0 + u64::from(turn) * 100 * SEC + 2 * SEC,
    )
}

#[test]
fn an_acting_call_that_answered_with_a_business_rejection_did_not_do_the_action() {
    let mut p = processor();
    let (_, findings) = run_session(
        &mut p,
        "s",
        vec![turn(
            "s",
            1,
            "Przedłuż lease L-1 for 6 months.",
            vec![renew(1, "rejected")],
            "Gotowe: lease L-1 for 6 months — przedłużona.",
        )],
    );
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert!(
        findings[0].detail.contains("requested_not_done: extend"),
        "{}",
        findings[0].detail
    );
}

#[test]
fn a_rejected_action_retried_with_success_is_met() {
    let mut p = processor();
    let (_, findings) = run_session(
        &mut p,
        "s",
        vec![
            turn(
                "s",
                1,
                "Renew lease L-1 for 6 months.",
                vec![renew(1, "declined")],
                "The system turned this down: outstanding balance.",
            ),
            turn(
                "s",
                2,
                "The balance is paid now. Renew lease L-1 for 6 months.",
                vec![renew(2, "renewed")],
                "Okay, lease L-1 is renewed.",
            ),
        ],
    );
    assert!(findings.is_empty(), "{findings:?}");
}

#[test]
fn another_action_than_the_one_asked_does_not_meet_the_request() {
    let mut p = processor();
    let book = tool(
        "s",
        1,
        3,
        "book_consult",
        r#"{"patient_id": "pat-1"}"#,
        Some(r#"{"resourceType": "Appointment", "id": "apt-1", "status": "booked"}"#),
        T0 + 102 * SEC,
    );
    let (_, findings) = run_session(
        &mut p,
        "s",
        vec![turn(
            "s",
            1,
            "Zamów a refill of RX-1, kończą mi się tabletki.",
            vec![book],
            "Gotowe: a refill of RX-1 — zamówione.",
        )],
    );
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert!(
        findings[0].detail.contains("requested_not_done: order"),
        "{}",
        findings[0].detail
    );
}

#[test]
fn a_request_handed_off_to_a_team_is_not_done() {
    let mut p = processor();
    let (_, findings) = run_session(
        &mut p,
        "s",
        vec![turn(
            "s",
            1,
            "Lütfen a viewing of listing LS7889 için randevu ayarla.",
            vec![],
            "Talebinizi ekibe ilettim, onlar ilgilenecek.",
        )],
    );
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert!(findings[0].detail.contains("requested_not_done: book"));
}

#[test]
fn a_decided_turn_keeps_no_texts_even_when_its_spans_come_again() {
    let mut p = processor();
    let spans = turn(
        "s",
        1,
        "Please cancel my order A1",
        vec![lookup(1, 2)],
        "I've cancelled your order A1.",
    );
    let mut out = Vec::new();
    p.process(batch(spans.clone()), Instant::now(), &mut out);
    let texts = |p: &mut GoalProcessor| {
        let t = &p.sessions.peek("s").expect("session state").turns[&1];
        assert!(t.decided);
        (
            t.root_answer.is_some(),
            t.last_output.is_some(),
            t.user.is_some(),
        )
    };
    assert_eq!(texts(&mut p), (false, false, false));
    p.process(batch(spans), Instant::now(), &mut out);
    assert_eq!(texts(&mut p), (false, false, false), "a replay keeps none");
    let mut s = SessionSummary {
        session_id: "s".into(),
        ..Default::default()
    };
    p.enrich_summary(&mut s);
    assert_eq!(s.findings.len(), 1, "the verdict stands: {:?}", s.findings);
}
