use std::time::Instant;

use opentelemetry_proto::tonic::trace::v1::Span;

use super::*;
use crate::processor::tool::testing::*;

fn processor(config: Config) -> LoopProcessor {
    LoopProcessor::new("tool_loop", config, "processors.tool_loop").unwrap()
}

fn run(p: &mut LoopProcessor, spans: Vec<Span>) -> Vec<Span> {
    let mut out = Vec::new();
    p.process(batch(spans), Instant::now(), &mut out);
    all_spans(&out)
}

fn findings(p: &mut LoopProcessor, session: &str) -> Vec<Finding> {
    let mut s = SessionSummary {
        session_id: session.into(),
        ..Default::default()
    };
    p.enrich_summary(&mut s);
    s.findings
}

#[test]
fn the_same_answer_to_the_same_request_three_times_in_a_turn_is_a_loop() {
    let mut p = processor(Config::default());
    let mut spans = vec![tool(
        "s",
        1,
        1,
        "search_kb",
        r#"{"q": "reset"}"#,
        Some("{}"),
        T0,
    )];
    for i in 0..4u8 {
        // Same arguments, other formatting.
        let args = if i % 2 == 0 {
            r#"{"q":"reset"}"#
        } else {
            r#"{ "q": "Reset" }"#
        };
        spans.push(tool(
            "s",
            2,
            10 + i,
            "search_kb",
            args,
            Some("{}"),
            T0 + u64::from(i) * SEC,
        ));
    }
    spans.push(llm("s", 2, 20, "stopped", T0 + 10 * SEC));
    spans.push(agent("s", 2, 21, "stopped", T0));
    let out = run(&mut p, spans);
    assert_eq!(attr(by_id(&out, 1), "spotter.loop"), None);
    for id in 10..=12 {
        assert_eq!(
            attr(by_id(&out, id), "spotter.loop").as_deref(),
            Some("true")
        );
    }
    assert!(by_id(&out, 21)
        .events
        .iter()
        .any(|e| e.name == "spotter.loop"));
    assert_eq!(
        attr(by_id(&out, 13), "spotter.loop").as_deref(),
        Some("true")
    );
    assert_eq!(
        attr(by_id(&out, 20), "spotter.loop").as_deref(),
        Some("true"),
        "every later span"
    );
    let f = findings(&mut p, "s");
    assert_eq!(f.len(), 1);
    assert_eq!((f[0].kind.as_str(), f[0].first_turn), ("tool_loop", 2));
}

#[test]
fn the_same_call_in_different_turns_or_with_other_arguments_is_no_loop() {
    let mut p = processor(Config::default());
    let out = run(
        &mut p,
        vec![
            tool(
                "s",
                1,
                1,
                "lookup_order",
                r#"{"order_id": "A1"}"#,
                Some("{}"),
                T0,
            ),
            tool(
                "s",
                2,
                2,
                "lookup_order",
                r#"{"order_id": "A1"}"#,
                Some("{}"),
                T0,
            ),
            tool(
                "s",
                3,
                3,
                "lookup_order",
                r#"{"order_id": "A1"}"#,
                Some("{}"),
                T0,
            ),
            tool(
                "s",
                3,
                4,
                "lookup_order",
                r#"{"order_id": "A2"}"#,
                Some("{}"),
                T0,
            ),
            tool(
                "s",
                3,
                5,
                "lookup_order",
                r#"{"order_id": "A3"}"#,
                Some("{}"),
                T0,
            ),
        ],
    );
    assert!(out.iter().all(|s| attr(s, "spotter.loop").is_none()));
    assert!(findings(&mut p, "s").is_empty());

    let mut p = processor(Config {
        scope: Scope::Session,
        ..Default::default()
    });
    let mut spans: Vec<Span> = (1..=3)
        .map(|t| {
            tool(
                "s",
                t,
                t as u8,
                "lookup_order",
                r#"{"order_id": "A1"}"#,
                Some("{}"),
                T0,
            )
        })
        .collect();
    spans.push(agent("s", 3, 9, "done", T0));
    let out = run(&mut p, spans);
    assert_eq!(
        attr(by_id(&out, 3), "spotter.loop").as_deref(),
        Some("true")
    );
}

#[test]
fn far_more_calls_than_the_workflow_usually_makes_is_a_loop() {
    let mut p = processor(Config {
        excess_baseline_turns: 5,
        ..Default::default()
    });
    // Five sessions of two turns with two calls each make the baseline (2 per turn).
    for s in 0..5 {
        let sid = format!("base{s}");
        for turn in 1..=2 {
            run(
                &mut p,
                vec![
                    tool(
                        &sid,
                        turn,
                        1,
                        "a",
                        &format!(r#"{{"x": {turn}}}"#),
                        Some("{}"),
                        T0,
                    ),
                    tool(
                        &sid,
                        turn,
                        2,
                        "b",
                        &format!(r#"{{"y": {turn}}}"#),
                        Some("{}"),
                        T0,
                    ),
                ],
            );
        }
        findings(&mut p, &sid);
    }
    // Twelve distinct calls in one turn: no repeats, but six times the usual.
    let spans: Vec<Span> = (0..12u8)
        .map(|i| {
            tool(
                "x",
                1,
                i + 1,
                "fetch_page",
                &format!(r#"{{"page": {i}}}"#),
                Some("{}"),
                T0 + u64::from(i) * SEC,
            )
        })
        .collect();
    let out = run(&mut p, spans);
    assert_eq!(attr(by_id(&out, 9), "spotter.loop"), None);
    assert_eq!(
        attr(by_id(&out, 10), "spotter.loop").as_deref(),
        Some("true")
    );
    let f = findings(&mut p, "x");
    assert!(f[0].detail.contains("usually 2.0"), "{}", f[0].detail);
}

#[test]
fn invalid_options_are_rejected() {
    let err = LoopProcessor::new(
        "tool_loop",
        Config {
            repeats: 1,
            ..Default::default()
        },
        "processors.loop",
    )
    .err()
    .unwrap();
    assert!(
        err.to_string().starts_with("processors.loop.repeats"),
        "{err}"
    );
    let options: serde_yaml::Value = serde_yaml::from_str("scope: forever").unwrap();
    assert!(crate::processor::parse_options::<Config>(&options, "p").is_err());
}

#[test]
fn former_kind_name_loop_still_builds_the_tool_loop_processor() {
    let options = serde_yaml::Value::Null;
    for id in ["tool_loop", "loop", "loop/strict"] {
        let p = crate::processor::build(id, &options, "processors.x").unwrap();
        assert_eq!(p.id(), id);
    }
    assert!(crate::processor::build("loops", &options, "processors.loops").is_err());
}

fn loop_found(spans: Vec<Span>) -> bool {
    let mut p = processor(Config::default());
    run(&mut p, spans);
    !findings(&mut p, "s").is_empty()
}

#[test]
fn polling_a_job_status_three_times_with_changing_results_is_not_a_loop() {
    let states = ["queued", "running", "running", "running", "done"];
    let mut spans: Vec<Span> = states
        .iter()
        .enumerate()
        .map(|(i, state)| {
            tool(
                "s",
                1,
                i as u8 + 1,
                "get_job_status",
                r#"{"job_id": "j-1"}"#,
                Some(&format!(r#"{{"job_id": "j-1", "state": "{state}"}}"#)),
                T0 + i as u64 * 5 * SEC,
            )
        })
        .collect();
    spans.push(agent("s", 1, 50, "The export finished.", T0));
    assert!(!loop_found(spans));
}

#[test]
fn retries_with_backoff_that_succeed_are_not_a_loop() {
    let mut spans: Vec<Span> = (0..3u8)
        .map(|i| {
            failed_tool(
                "s",
                1,
                i + 1,
                "charge",
                r#"{"id": 1}"#,
                "HTTP 503",
                T0 + (1 << i) * SEC,
            )
        })
        .collect();
    spans.push(tool(
        "s",
        1,
        9,
        "charge",
        r#"{"id": 1}"#,
        Some(r#"{"ok": true}"#),
        T0 + 20 * SEC,
    ));
    spans.push(agent("s", 1, 50, "Charged.", T0));
    assert!(!loop_found(spans));
}

#[test]
fn the_same_failure_three_times_is_a_loop() {
    let mut spans: Vec<Span> = (0..3u8)
        .map(|i| {
            failed_tool(
                "s",
                1,
                i + 1,
                "charge",
                r#"{"id": 1}"#,
                "HTTP 503",
                T0 + u64::from(i) * SEC,
            )
        })
        .collect();
    spans.push(agent("s", 1, 50, "Done.", T0));
    assert!(loop_found(spans));
}

#[test]
fn a_loop_of_rephrased_queries_is_a_loop() {
    let queries = [
        "refund policy for damaged items",
        "damaged item refund policy",
        "policy on refunds for damaged goods",
    ];
    let mut spans: Vec<Span> = queries
        .iter()
        .enumerate()
        .map(|(i, q)| {
            tool(
                "s",
                1,
                i as u8 + 1,
                "search_docs",
                &serde_json::json!({ "query": q }).to_string(),
                Some(r#"{"results": []}"#),
                T0 + i as u64 * SEC,
            )
        })
        .collect();
    spans.push(agent("s", 1, 50, "Here is what I know.", T0));
    assert!(loop_found(spans));
}

#[test]
fn ping_pong_between_two_tools_without_progress_is_a_loop() {
    let mut spans = Vec::new();
    for i in 0..3u8 {
        spans.push(tool(
            "s",
            1,
            2 * i + 1,
            "find_user",
            r#"{"email": "a@b.c"}"#,
            Some(r#"{"id": "u1"}"#),
            T0 + u64::from(2 * i) * SEC,
        ));
        spans.push(tool(
            "s",
            1,
            2 * i + 2,
            "get_orders",
            r#"{"user": "u1"}"#,
            Some(r#"{"orders": []}"#),
            T0 + u64::from(2 * i + 1) * SEC,
        ));
    }
    spans.push(agent("s", 1, 50, "No orders.", T0));
    assert!(loop_found(spans));
}

#[test]
fn a_thousand_healthy_polling_and_paging_turns_give_no_loop() {
    let mut p = processor(Config::default());
    let mut loops = 0;
    for n in 0..1000u32 {
        let sid = format!("healthy-{n}");
        let mut spans = Vec::new();
        let calls = 3 + (n % 6) as u8;
        for i in 0..calls {
            let span = if n % 2 == 0 {
                // Polling: the same request until the job is done; progress shows in the result.
                let state = if i + 1 == calls {
                    "done".to_string()
                } else {
                    format!("running {}%", (u32::from(i) * 17 + n) % 100)
                };
                tool(
                    &sid,
                    1,
                    i + 1,
                    "get_job_status",
                    &format!(r#"{{"job_id": "j-{n}"}}"#),
                    Some(&format!(r#"{{"state": "{state}"}}"#)),
                    T0 + u64::from(i) * 2 * SEC,
                )
            } else {
                // Paging with a cursor: each request names the next page.
                let cursor = if i == 0 {
                    String::new()
                } else {
                    format!("c{n}-{i}")
                };
                tool(
                    &sid,
                    1,
                    i + 1,
                    "list_invoices",
                    &format!(r#"{{"cursor": "{cursor}", "limit": 50}}"#),
                    Some(&format!(
                        r#"{{"items": [{{"id": "inv-{n}-{i}"}}], "next": "c{n}-{}"}}"#,
                        i + 1
                    )),
                    T0 + u64::from(i) * SEC,
                )
            };
            spans.push(span);
        }
        spans.push(agent(&sid, 1, 200, "Done.", T0));
        run(&mut p, spans);
        if !findings(&mut p, &sid).is_empty() {
            loops += 1;
        }
    }
    println!("healthy polling/paging turns: 1000, loops: {loops}");
    assert_eq!(loops, 0);
}

fn turn_of(calls: &[(&str, String)]) -> Vec<Span> {
    let mut spans: Vec<Span> = calls
        .iter()
        .enumerate()
        .map(|(i, (args, result))| {
            tool(
                "s",
                1,
                i as u8 + 1,
                "get_order",
                args,
                Some(result),
                T0 + i as u64 * SEC,
            )
        })
        .collect();
    spans.push(agent("s", 1, 50, "Here is your order.", T0));
    spans
}

#[test]
fn a_default_argument_given_or_omitted_with_the_same_result_is_a_loop() {
    let result = r#"{"order_id": "o-1", "status": "paid"}"#.to_string();
    let calls: Vec<(&str, String)> = (0..4)
        .map(|i| {
            let args = if i % 2 == 0 {
                r#"{"order_id": "o-1"}"#
            } else {
                r#"{"order_id": "o-1", "limit": 20}"#
            };
            (args, result.clone())
        })
        .collect();
    assert!(loop_found(turn_of(&calls)));
    // Paging: the cursor added to the first page's arguments brings a different page.
    let pages: Vec<(&str, String)> = vec![
        (
            r#"{"account": "A"}"#,
            r#"{"items": [1], "next": "p1"}"#.into(),
        ),
        (
            r#"{"account": "A", "cursor": "p1"}"#,
            r#"{"items": [2], "next": "p2"}"#.into(),
        ),
        (
            r#"{"account": "A", "cursor": "p2"}"#,
            r#"{"items": [3], "next": null}"#.into(),
        ),
    ];
    assert!(!loop_found(turn_of(&pages)));
}

#[test]
fn a_number_given_as_a_string_is_the_same_argument_for_loops() {
    let result = r#"{"hotels": 7}"#.to_string();
    let calls: Vec<(&str, String)> = (0..3)
        .map(|i| {
            let args = if i % 2 == 0 {
                r#"{"nights": 3, "late": false}"#
            } else {
                r#"{"nights": "3", "late": "false"}"#
            };
            (args, result.clone())
        })
        .collect();
    assert!(loop_found(turn_of(&calls)));
}

#[test]
fn results_differing_only_in_a_request_id_are_the_same_answer_for_loops() {
    let ids = ["0ed4980371d0c7c6", "5891c4c4f456adb7", "9eec3011ec515965"];
    let calls: Vec<(&str, String)> = ids
        .iter()
        .map(|id| {
            (
                r#"{"order_id": "o-1"}"#,
                format!(r#"{{"order_id": "o-1", "meta": {{"request_id": "{id}"}}}}"#),
            )
        })
        .collect();
    assert!(loop_found(turn_of(&calls)));
    // A status that changes is progress even with a request id.
    let states = ["queued", "running", "done"];
    let polls: Vec<(&str, String)> = states
        .iter()
        .zip(ids)
        .map(|(s, id)| {
            (
                r#"{"order_id": "o-1"}"#,
                format!(r#"{{"state": "{s}", "request_id": "{id}"}}"#),
            )
        })
        .collect();
    assert!(!loop_found(turn_of(&polls)));
}

#[test]
fn the_same_failure_with_a_new_trace_id_each_time_is_a_loop() {
    let spans: Vec<Span> = ["a493db3d8f95a1271592237bb2dd7421", "3020da08b15ef78862f335489eee705d", "92aa19ae4a22bc95a149689189855e96"]
        .iter()
        .enumerate()
        .map(|(i, trace)| {
            failed_tool(
                "s",
                1,
                i as u8 + 1,
                "get_invoice",
                r#"{"id": 1}"#,
                &format!(r#"{{"title":"Gateway Timeout","status":504,"traceId":"00-{trace}-063ea4bc31538403-00"}}"#),
                T0 + i as u64 * SEC,
            )
        })
        .chain(std::iter::once(agent("s", 1, 50, "Sorry.", T0)))
        .collect();
    assert!(loop_found(spans));
}
