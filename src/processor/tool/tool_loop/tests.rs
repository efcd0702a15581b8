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
fn the_third_identical_call_in_a_turn_starts_the_loop() {
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
    let out = run(&mut p, spans);
    assert_eq!(attr(by_id(&out, 1), "spotter.loop"), None);
    assert_eq!(attr(by_id(&out, 10), "spotter.loop"), None);
    assert_eq!(attr(by_id(&out, 11), "spotter.loop"), None);
    let third = by_id(&out, 12);
    assert_eq!(attr(third, "spotter.loop").as_deref(), Some("true"));
    assert!(third.events.iter().any(|e| e.name == "spotter.loop"));
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
    let out = run(
        &mut p,
        (1..=3)
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
            .collect(),
    );
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
                T0,
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
