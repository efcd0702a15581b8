use std::time::Instant;

use opentelemetry_proto::tonic::trace::v1::status::StatusCode;

use super::*;
use crate::processor::tool::testing::*;

fn run(
    p: &mut ToolOutcomeProcessor,
    spans: Vec<opentelemetry_proto::tonic::trace::v1::Span>,
) -> Vec<opentelemetry_proto::tonic::trace::v1::Span> {
    let mut out = Vec::new();
    p.process(batch(spans), Instant::now(), &mut out);
    all_spans(&out)
}

fn processor() -> ToolOutcomeProcessor {
    ToolOutcomeProcessor::new("tool_outcome", Config::default(), "processors.tool_outcome").unwrap()
}

#[test]
fn a_failure_inside_an_ok_span_is_classified_and_marked() {
    let mut p = processor();
    let spans = run(
        &mut p,
        vec![
            tool(
                "s",
                1,
                1,
                "lookup_order",
                "{}",
                Some(r#"{"order_id": "A1", "status": "shipped"}"#),
                T0,
            ),
            tool(
                "s",
                1,
                2,
                "lookup_order",
                "{}",
                Some(r#"{"error": "access token expired", "status": 401}"#),
                T0 + SEC,
            ),
        ],
    );
    let ok = by_id(&spans, 1);
    assert_eq!(attr(ok, "spotter.tool.outcome").as_deref(), Some("ok"));
    assert!(ok.status.is_none());
    let failed = by_id(&spans, 2);
    assert_eq!(
        attr(failed, "spotter.tool.outcome").as_deref(),
        Some("auth")
    );
    assert_eq!(
        attr(failed, "spotter.tool.error_type").as_deref(),
        Some("http_401")
    );
    assert!(attr(failed, "spotter.tool.error_detail")
        .unwrap()
        .contains("access token expired"));
    let status = failed.status.as_ref().expect("marked");
    assert_eq!(status.code, StatusCode::Error as i32);
    assert!(status.message.contains("access token expired"));
}

#[test]
fn marking_can_be_turned_off_and_soft_outcomes_are_not_marked() {
    let config = Config {
        mark_failed_spans: false,
        ..Default::default()
    };
    let mut p = ToolOutcomeProcessor::new("tool_outcome", config, "p").unwrap();
    let spans = run(
        &mut p,
        vec![tool("s", 1, 1, "t", "{}", Some("Error: 503 upstream"), T0)],
    );
    assert_eq!(
        attr(&spans[0], "spotter.tool.outcome").as_deref(),
        Some("server_error")
    );
    assert!(spans[0].status.is_none());

    let mut p = processor();
    let mismatch = with_attr(
        tool("s", 1, 1, "t", "{}", Some(r#"{"temp": {"value": 1}}"#), T0),
        crate::pipeline::testing::kv("spotter.tool.schema.missing", "temperature_c (number)"),
    );
    let spans = run(&mut p, vec![mismatch]);
    assert_eq!(
        attr(&spans[0], "spotter.tool.outcome").as_deref(),
        Some("schema_mismatch")
    );
    assert!(spans[0].status.is_none());
}

#[test]
fn empty_results_count_only_for_tools_that_usually_return_data() {
    let mut p = processor();
    let first = run(
        &mut p,
        vec![tool("s", 1, 1, "search", "{}", Some("[]"), T0)],
    );
    assert_eq!(
        attr(&first[0], "spotter.tool.outcome").as_deref(),
        Some("ok")
    );
    for i in 0..4 {
        run(
            &mut p,
            vec![tool(
                "s",
                1,
                2 + i,
                "search",
                "{}",
                Some(r#"[{"id": 1}]"#),
                T0,
            )],
        );
    }
    let later = run(
        &mut p,
        vec![tool("s", 2, 9, "search", "{}", Some("null"), T0)],
    );
    assert_eq!(
        attr(&later[0], "spotter.tool.outcome").as_deref(),
        Some("empty")
    );
}

/// A tool that returned data before and now returns nothing is `empty` from its first data
/// result on; a tool that finds nothing about as often as something is not.
#[test]
fn an_empty_result_after_data_is_empty_and_a_tool_often_empty_is_not() {
    let mut p = processor();
    let data = |id: u8| tool("s", 1, id, "get_rates", "{}", Some(r#"{"rates": [1]}"#), T0);
    let nothing = |id: u8| {
        tool(
            "s",
            2,
            id,
            "get_rates",
            "{}",
            Some(r#"{"results": null}"#),
            T0,
        )
    };
    run(&mut p, vec![data(1)]);
    let after_one = run(&mut p, vec![nothing(2)]);
    assert_eq!(
        attr(&after_one[0], "spotter.tool.outcome").as_deref(),
        Some("empty")
    );
    // Now once data, once nothing: the next empty result is ordinary for this tool.
    let often_empty = run(&mut p, vec![nothing(3)]);
    assert_eq!(
        attr(&often_empty[0], "spotter.tool.outcome").as_deref(),
        Some("ok")
    );
}

/// A health check reports the state of what it checks: `ok: false` with the reason is that
/// state, not a failed call, and is never turned into an ERROR span.
#[test]
fn a_health_check_reporting_a_problem_is_not_a_failed_call() {
    let mut p = processor();
    let spans = run(
        &mut p,
        vec![
            tool(
                "s",
                1,
                1,
                "health_check",
                r#"{"service": "db"}"#,
                Some(r#"{"ok": false, "error": "disk 97% full"}"#),
                T0,
            ),
            tool(
                "s",
                1,
                2,
                "health_check",
                r#"{"service": "db"}"#,
                Some(r#"{"ok": false, "error": "invalid_auth"}"#),
                T0,
            ),
        ],
    );
    let report = by_id(&spans, 1);
    assert_eq!(attr(report, "spotter.tool.outcome").as_deref(), Some("ok"));
    assert!(report.status.is_none());
    assert_eq!(
        attr(by_id(&spans, 2), "spotter.tool.outcome").as_deref(),
        Some("auth"),
        "a check refused for the caller's credentials did fail"
    );
}

#[test]
fn non_tool_spans_are_left_alone_and_summaries_count_outcomes() {
    let mut p = processor();
    let spans = run(
        &mut p,
        vec![
            llm("s", 1, 1, "hello", T0),
            failed_tool("s", 1, 2, "t", "{}", "HTTP 429: Too Many Requests", T0),
            tool("s", 1, 3, "t", "{}", Some("fine"), T0),
        ],
    );
    assert_eq!(attr(by_id(&spans, 1), "spotter.tool.outcome"), None);
    assert_eq!(
        attr(by_id(&spans, 2), "spotter.tool.outcome").as_deref(),
        Some("rate_limited")
    );
    let mut summary = SessionSummary {
        session_id: "s".into(),
        ..Default::default()
    };
    p.enrich_summary(&mut summary);
    assert_eq!(summary.tool_outcomes.get("ok"), Some(&1));
    assert_eq!(summary.tool_outcomes.get("rate_limited"), Some(&1));
}

#[test]
fn invalid_user_rules_name_their_key_path() {
    let config = Config {
        rules: vec![RuleConfig {
            outcome: Outcome::Auth,
            status_codes: vec![],
            codes: vec![],
            patterns: vec!["(".into()],
        }],
        ..Default::default()
    };
    let err = ToolOutcomeProcessor::new("tool_outcome", config, "processors.tool_outcome")
        .err()
        .unwrap();
    assert!(
        err.to_string()
            .starts_with("processors.tool_outcome.rules[0].patterns"),
        "{err}"
    );
}

#[test]
fn results_are_parsed_once_per_batch() {
    let mut p = processor();
    let mut b = batch(vec![tool("s", 1, 1, "t", "{}", Some(r#"{"a": 1}"#), T0)]);
    let mut out = Vec::new();
    b.caches.clear();
    p.process(b, Instant::now(), &mut out);
    assert_eq!(
        out[0]
            .caches
            .get::<crate::processor::tool::result::ToolResultCache>()
            .map_or(0, |c| c.len()),
        1,
        "the parse is left for later processors"
    );
}

#[test]
fn rules_are_read_from_yaml() {
    let yaml = r#"
mark_failed_spans: false
rules:
  - outcome: auth
    status_codes: [419, "490-492"]
    codes: [SESSION_REVOKED]
    patterns: ["re-?login needed"]
  - { outcome: rate_limited, status_codes: ["6xx"] }
"#;
    let options: serde_yaml::Value = serde_yaml::from_str(yaml).unwrap();
    let config: Config =
        crate::processor::parse_options(&options, "processors.tool_outcome").unwrap();
    assert!(!config.mark_failed_spans);
    let mut p =
        ToolOutcomeProcessor::new("tool_outcome", config, "processors.tool_outcome").unwrap();
    let spans = run(
        &mut p,
        vec![
            tool(
                "s",
                1,
                1,
                "t",
                "{}",
                Some(r#"{"status": 491, "message": "x"}"#),
                T0,
            ),
            tool("s", 1, 2, "t", "{}", Some("Error: relogin needed"), T0),
        ],
    );
    assert_eq!(
        attr(by_id(&spans, 1), "spotter.tool.outcome").as_deref(),
        Some("auth")
    );
    assert_eq!(
        attr(by_id(&spans, 2), "spotter.tool.outcome").as_deref(),
        Some("auth")
    );
    let bad: serde_yaml::Value = serde_yaml::from_str("rules: [{outcome: wrong}]").unwrap();
    let err =
        crate::processor::parse_options::<Config>(&bad, "processors.tool_outcome").unwrap_err();
    assert!(
        err.to_string().contains("processors.tool_outcome.rules"),
        "{err}"
    );
}

#[test]
fn business_failures_do_not_become_error_spans() {
    for result in [
        r#"{"id":"pay_81","amount":4200,"status":"failed"}"#,
        r#"{"url":"https://example.com/old","status":404}"#,
        r#"{"service":"payments-db","ok":false}"#,
        "ERROR 2026-01-02T10:00:00Z payment-service: timeout contacting bank",
    ] {
        let mut p = processor();
        let spans = run(
            &mut p,
            vec![tool("s", 1, 1, "check", "{}", Some(result), T0)],
        );
        let span = by_id(&spans, 1);
        assert!(span.status.is_none(), "{result} became an ERROR span");
        assert_eq!(attr(span, "spotter.tool.outcome").as_deref(), Some("ok"));
    }
}
