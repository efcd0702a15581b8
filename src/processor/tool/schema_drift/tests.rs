use std::time::{Duration, Instant};

use opentelemetry_proto::tonic::trace::v1::Span;

use super::*;
use crate::pipeline::testing::kv;
use crate::processor::tool::testing::*;
use crate::processor::tool::tool_outcome::{self, ToolOutcomeProcessor};

fn processor(config: Config) -> SchemaDriftProcessor {
    SchemaDriftProcessor::new("schema_drift", config, "processors.schema_drift").unwrap()
}

fn run(p: &mut dyn Processor, spans: Vec<Span>) -> Vec<Span> {
    let mut out = Vec::new();
    p.process(batch(spans), Instant::now(), &mut out);
    all_spans(&out)
}

fn v1(session: &str, turn: u32, id: u8, t: i64) -> Span {
    let r = format!(
        r#"{{"city": "Lisbon", "temperature_c": {t}, "conditions": "rain", "api_version": "1"}}"#
    );
    tool(
        session,
        turn,
        id,
        "get_weather",
        r#"{"city": "Lisbon"}"#,
        Some(&r),
        T0 + turn as u64 * SEC,
    )
}

fn v2(session: &str, turn: u32, id: u8, t: i64) -> Span {
    let r = format!(
        r#"{{"city": "Rome", "temp": {{"value": {t}, "unit": "C"}}, "conditions": "sun", "api_version": "2"}}"#
    );
    let s = tool(
        session,
        turn,
        id,
        "get_weather",
        r#"{"city": "Rome"}"#,
        Some(&r),
        T0 + turn as u64 * SEC,
    );
    with_attr(s, kv("deployment.environment.name", "staging"))
}

#[test]
fn a_renamed_field_is_a_mismatch_then_a_drift_with_diff_and_attribution() {
    let mut p = processor(Config::default());
    run(&mut p, vec![v1("s", 1, 1, 20), v1("s", 2, 2, 21)]);
    let third = run(&mut p, vec![v2("s", 3, 3, 11)]);
    assert_eq!(
        attr(&third[0], "spotter.tool.schema.missing").as_deref(),
        Some("temperature_c (number)")
    );
    assert_eq!(attr(&third[0], "spotter.tool.schema_drift"), None);

    let fourth = run(&mut p, vec![v2("s", 4, 4, 12)]);
    assert_eq!(
        attr(&fourth[0], "spotter.tool.schema_drift").as_deref(),
        Some("true")
    );
    let ev = fourth[0]
        .events
        .iter()
        .find(|e| e.name == "spotter.tool.schema_drift")
        .expect("drift event");
    let get = |k: &str| {
        ev.attributes
            .iter()
            .find(|a| a.key == k)
            .and_then(|a| a.value.as_ref())
            .and_then(|v| crate::semconv::value::as_text(v.value.as_ref()?))
            .map(|c| c.into_owned())
    };
    assert_eq!(
        get(names::ATTR_DIFF).as_deref(),
        Some("removed: temperature_c (number); added: temp.unit (string), temp.value (number)")
    );
    assert_eq!(get(names::ATTR_CHANGES).as_deref(), Some("renamed"));
    assert_eq!(
        get(names::ATTR_FIRST_SERVICE_VERSION).as_deref(),
        Some("1.0")
    );
    assert_eq!(
        get(names::ATTR_FIRST_ENVIRONMENT).as_deref(),
        Some("staging")
    );

    let mut summary = SessionSummary {
        session_id: "s".into(),
        ..Default::default()
    };
    p.enrich_summary(&mut summary);
    assert_eq!(summary.findings.len(), 1);
    assert_eq!(summary.findings[0].kind, "schema_drift");
    assert_eq!(summary.findings[0].first_turn, 3);
    assert_eq!(summary.findings[0].tool.as_deref(), Some("get_weather"));

    // Other sessions use either shape without a new mismatch; one that receives the new shape
    // while the incident is active is counted as affected.
    let out = run(
        &mut p,
        vec![v1("t", 1, 5, 3), v2("t", 2, 6, 4), v1("t", 3, 7, 5)],
    );
    for s in &out {
        assert_eq!(attr(s, "spotter.tool.schema.missing"), None);
    }
    let mut other = SessionSummary {
        session_id: "t".into(),
        ..Default::default()
    };
    p.enrich_summary(&mut other);
    assert_eq!(other.findings.len(), 1, "{:?}", other.findings);
    assert_eq!(other.findings[0].first_turn, 2);
    let mut old_only = SessionSummary {
        session_id: "u".into(),
        ..Default::default()
    };
    run(&mut p, vec![v1("u", 1, 8, 6)]);
    p.enrich_summary(&mut old_only);
    assert!(old_only.findings.is_empty(), "{:?}", old_only.findings);
}

#[test]
fn failed_calls_teach_nothing() {
    let mut p = processor(Config::default());
    run(&mut p, vec![v1("s", 1, 1, 20), v1("s", 2, 2, 21)]);
    let errors = vec![
        tool(
            "s",
            3,
            3,
            "get_weather",
            "{}",
            Some(r#"{"error": {"code": 401, "message": "bad key"}}"#),
            T0,
        ),
        tool(
            "s",
            3,
            4,
            "get_weather",
            "{}",
            Some(r#"{"status": 503, "message": "down"}"#),
            T0,
        ),
        tool(
            "s",
            3,
            5,
            "get_weather",
            "{}",
            Some(r#"{"ok": false, "reason": "quota"}"#),
            T0,
        ),
    ];
    let spans = run(&mut p, errors);
    for s in &spans {
        assert_eq!(attr(s, "spotter.tool.schema.missing"), None);
    }
    assert_eq!(
        p.schema(&schema_key(
            "bot",
            "get_weather",
            Some(r#"{"city": "Lisbon"}"#)
        ))
        .unwrap()
        .variants[0]
            .observations,
        2
    );
}

#[test]
fn tool_outcome_sees_the_mismatch_in_either_order() {
    // schema_drift first: tool_outcome reads the marker.
    let mut drift = processor(Config::default());
    let mut outcome =
        ToolOutcomeProcessor::new("tool_outcome", tool_outcome::Config::default(), "p").unwrap();
    run(&mut drift, vec![v1("s", 1, 1, 20), v1("s", 2, 2, 21)]);
    let marked = run(&mut drift, vec![v2("s", 3, 3, 11)]);
    let classified = run(&mut outcome, marked);
    assert_eq!(
        attr(&classified[0], "spotter.tool.outcome").as_deref(),
        Some("schema_mismatch")
    );

    // tool_outcome first: schema_drift rewrites the `ok`.
    let mut drift = processor(Config::default());
    let mut outcome =
        ToolOutcomeProcessor::new("tool_outcome", tool_outcome::Config::default(), "p").unwrap();
    let first = run(
        &mut outcome,
        vec![v1("s", 1, 1, 20), v1("s", 2, 2, 21), v2("s", 3, 3, 11)],
    );
    let after = run(&mut drift, first);
    assert_eq!(
        attr(by_id(&after, 3), "spotter.tool.outcome").as_deref(),
        Some("schema_mismatch")
    );
    assert_eq!(
        attr(by_id(&after, 1), "spotter.tool.outcome").as_deref(),
        Some("ok")
    );
}

#[test]
fn a_type_change_in_another_tool_is_a_drift() {
    let mut p = processor(Config::default());
    let price = |id: u8, v: &str| {
        tool(
            "s",
            1,
            id,
            "quote",
            "{}",
            Some(&format!(r#"{{"sku": "x", "price": {v}, "tags": ["a"]}}"#)),
            T0,
        )
    };
    run(&mut p, vec![price(1, "10"), price(2, "12.5")]);
    let spans = run(&mut p, vec![price(3, "\"10.00\""), price(4, "\"12.50\"")]);
    assert_eq!(
        attr(by_id(&spans, 4), "spotter.tool.schema_drift").as_deref(),
        Some("true")
    );
    assert_eq!(
        attr(by_id(&spans, 3), "spotter.tool.schema.missing").as_deref(),
        Some("price (number → string)")
    );
}

#[test]
fn pinned_schemas_come_from_config() {
    let yaml = r#"
pinned:
  get_weather:
    type: object
    required: [city, temperature_c]
    properties:
      city: { type: string }
      temperature_c: { type: number }
"#;
    let options: serde_yaml::Value = serde_yaml::from_str(yaml).unwrap();
    let config: Config =
        crate::processor::parse_options(&options, "processors.schema_drift").unwrap();
    let mut p = processor(config);
    let spans = run(&mut p, vec![v2("s", 1, 1, 3)]);
    assert_eq!(
        attr(&spans[0], "spotter.tool.schema.missing").as_deref(),
        Some("temperature_c (number)"),
        "held to the pinned schema from the first call"
    );
}

#[test]
fn invalid_options_name_their_key() {
    let bad = Config {
        persistence: 4,
        window: 3,
        ..Default::default()
    };
    let err = SchemaDriftProcessor::new("schema_drift", bad, "processors.schema_drift")
        .err()
        .unwrap();
    assert!(
        err.to_string()
            .starts_with("processors.schema_drift.persistence"),
        "{err}"
    );
    let mut pinned = BTreeMap::new();
    pinned.insert("t".to_string(), serde_json::json!({"type": "string"}));
    let bad = Config {
        pinned,
        ..Default::default()
    };
    let err = SchemaDriftProcessor::new("schema_drift", bad, "processors.schema_drift")
        .err()
        .unwrap();
    assert!(
        err.to_string()
            .starts_with("processors.schema_drift.pinned.t"),
        "{err}"
    );
    let options: serde_yaml::Value = serde_yaml::from_str("windw: 3").unwrap();
    assert!(crate::processor::parse_options::<Config>(&options, "p").is_err());
}

#[test]
fn schemas_are_keyed_by_service_tool_and_argument_names() {
    assert_eq!(
        schema_key("crm", "search", Some(r#"{"query": "a", "limit": 3}"#)),
        "crm/search(limit,query)"
    );
    assert_eq!(
        schema_key("crm", "search", Some("not json")),
        "crm/search()"
    );
    assert_ne!(
        schema_key("crm", "search", Some(r#"{"query": "a"}"#)),
        schema_key("crm", "search", Some(r#"{"query": "a", "expand": "x"}"#))
    );
    assert_ne!(
        schema_key("crm", "search", None),
        schema_key("hr", "search", None)
    );
}

/// A tool whose result depends on its arguments (`expand`) answers in another shape when
/// called with them, every time: that is not a drift of its plain calls.
#[test]
fn a_polymorphic_tool_called_with_other_arguments_is_not_a_drift() {
    let mut p = processor(Config::default());
    let plain = r#"{"id": "c1", "name": "Ann", "balance": 3.5}"#;
    let expanded = r#"{"id": "c1", "invoices": {"data": [], "has_more": false}}"#;
    let mut spans = Vec::new();
    for i in 0..12u8 {
        let t = T0 + u64::from(i) * 10 * SEC;
        spans.push(tool(
            "s",
            1,
            2 * i + 1,
            "get_customer",
            r#"{"customer_id": "c1"}"#,
            Some(plain),
            t,
        ));
        spans.push(tool(
            "s",
            1,
            2 * i + 2,
            "get_customer",
            r#"{"customer_id": "c1", "expand": "invoices"}"#,
            Some(expanded),
            t + 5 * SEC,
        ));
    }
    let out = run(&mut p, spans);
    for s in &out {
        assert_eq!(attr(s, "spotter.tool.schema_drift"), None);
        assert_eq!(attr(s, "spotter.tool.schema.missing"), None);
    }
}

fn mcp(text: &str) -> String {
    serde_json::json!({"content": [{"type": "text", "text": text}], "isError": false}).to_string()
}

/// MCP servers carry their JSON as a string in `content[].text`: the envelope never changes,
/// the data inside it does.
#[test]
fn a_drift_inside_mcp_text_content_is_a_drift() {
    let mut p = processor(Config::default());
    let mut spans = Vec::new();
    for i in 0..4u8 {
        let r = mcp(&format!(r#"{{"hits": [{{"id": "c{i}"}}], "total": {i}}}"#));
        spans.push(tool(
            "a",
            1,
            i + 1,
            "search_contacts",
            r#"{"query": "x"}"#,
            Some(&r),
            T0 + u64::from(i) * SEC,
        ));
    }
    for i in 0..2u8 {
        let r = mcp(&format!(
            r#"{{"hits": [{{"id": "c{i}"}}], "total_value": {i}}}"#
        ));
        spans.push(tool(
            "b",
            1,
            10 + i,
            "search_contacts",
            r#"{"query": "y"}"#,
            Some(&r),
            T0 + 10 * SEC + u64::from(i) * SEC,
        ));
    }
    let out = run(&mut p, spans);
    assert_eq!(
        attr(by_id(&out, 11), "spotter.tool.schema_drift").as_deref(),
        Some("true")
    );
    assert!(attr(by_id(&out, 10), "spotter.tool.schema.missing").is_some());
}

fn drift_findings(p: &mut SchemaDriftProcessor, session: &str) -> usize {
    let mut s = SessionSummary {
        session_id: session.into(),
        ..Default::default()
    };
    p.enrich_summary(&mut s);
    s.findings
        .iter()
        .filter(|f| f.kind == "schema_drift")
        .count()
}

/// Once confirmed, a drift is an incident: every later session that receives a result of the
/// new shape gets the finding on that span, while sessions still served the old shape do not.
#[test]
fn a_session_that_receives_a_drifted_result_while_the_incident_is_active_is_flagged() {
    let mut p = processor(Config::default());
    let mut spans = Vec::new();
    for i in 0..4u8 {
        spans.push(v1("a", u32::from(i) + 1, i + 1, 20));
    }
    spans.push(v2("b", 1, 10, 11));
    spans.push(v2("b", 2, 11, 12));
    let out = run(&mut p, spans);
    assert_eq!(
        attr(by_id(&out, 11), "spotter.tool.schema_drift").as_deref(),
        Some("true")
    );
    let later = run(&mut p, vec![v2("c", 1, 20, 13), v1("d", 1, 21, 14)]);
    assert_eq!(
        attr(by_id(&later, 20), "spotter.tool.schema_drift").as_deref(),
        Some("true"),
        "the next session to get the new shape is counted"
    );
    assert_eq!(attr(by_id(&later, 21), "spotter.tool.schema_drift"), None);
    assert_eq!(drift_findings(&mut p, "b"), 1);
    assert_eq!(drift_findings(&mut p, "c"), 1);
    assert_eq!(drift_findings(&mut p, "d"), 0);
}

/// After `settle_calls` results of only the new shape, the new shape is just the shape.
#[test]
fn an_incident_settles_after_settle_calls_of_only_the_new_shape() {
    let mut p = processor(Config {
        settle_calls: 3,
        ..Config::default()
    });
    let mut spans = Vec::new();
    for i in 0..4u8 {
        spans.push(v1("a", u32::from(i) + 1, i + 1, 20));
    }
    spans.push(v2("b", 1, 10, 11));
    spans.push(v2("b", 2, 11, 12));
    for i in 0..3u8 {
        spans.push(v2(&format!("c{i}"), 1, 20 + i, 13));
    }
    run(&mut p, spans);
    let out = run(&mut p, vec![v2("e", 1, 30, 14)]);
    assert_eq!(attr(by_id(&out, 30), "spotter.tool.schema_drift"), None);
    assert_eq!(drift_findings(&mut p, "e"), 0);
}

/// Empty results (`{}`, `{"table": null}`, an MCP envelope with no text, nested in a JSON
/// string) have no shape: they never establish a schema and never read as a drift from it.
#[test]
fn empty_results_are_never_learned_as_a_shape_nor_reported_as_drift() {
    let empties = [
        "{}",
        r#"{"table": null}"#,
        r#""{\"content\":[{\"type\":\"text\",\"text\":\"\"}],\"isError\":false}""#,
    ];
    let mut p = processor(Config::default());
    let mut spans = Vec::new();
    let mut id = 1u8;
    for (turn, e) in empties.iter().cycle().take(6).enumerate() {
        spans.push(tool(
            "a",
            turn as u32 + 1,
            id,
            "describe_table",
            "{}",
            Some(e),
            T0,
        ));
        id += 1;
    }
    run(&mut p, spans);
    let data = r#"{"table": "orders", "columns": ["id"], "row_estimate": 10}"#;
    let mut spans = Vec::new();
    for turn in 1..=4u32 {
        spans.push(tool("b", turn, id, "describe_table", "{}", Some(data), T0));
        id += 1;
    }
    // And empty results after the data shape is established are no drift from it either.
    for (turn, e) in empties.iter().cycle().take(6).enumerate() {
        spans.push(tool(
            "c",
            turn as u32 + 1,
            id,
            "describe_table",
            "{}",
            Some(e),
            T0,
        ));
        id += 1;
    }
    let out = run(&mut p, spans);
    for s in &out {
        assert_eq!(attr(s, "spotter.tool.schema_drift"), None);
        assert_eq!(attr(s, "spotter.tool.schema.missing"), None);
    }
    for session in ["a", "b", "c"] {
        assert_eq!(drift_findings(&mut p, session), 0, "{session}");
    }
}

/// The span at event time `t` (start and end).
fn at(mut s: Span, t: u64) -> Span {
    s.start_time_unix_nano = t;
    s.end_time_unix_nano = t + 1;
    s
}

/// Besides `settle_calls`, an incident settles once only the new shape has been seen for
/// `settle_after` of event time; a result of the old shape in between restarts that span.
#[test]
fn an_incident_settles_after_settle_after_of_event_time_with_only_the_new_shape() {
    const MIN: u64 = 60 * SEC;
    let options: serde_yaml::Value = serde_yaml::from_str("settle_after: 1h").unwrap();
    let config: Config = crate::processor::parse_options(&options, "p").unwrap();
    assert_eq!(config.settle_after.0, Duration::from_secs(3600));
    assert_eq!(
        Config::default().settle_after.0,
        Duration::from_secs(86_400)
    );
    let confirmed = |p: &mut SchemaDriftProcessor| {
        let mut spans = Vec::new();
        for i in 0..4u8 {
            spans.push(at(v1("a", u32::from(i) + 1, i + 1, 20), T0 + u64::from(i)));
        }
        spans.push(at(v2("b", 1, 10, 11), T0 + 10));
        spans.push(at(v2("b", 2, 11, 12), T0 + 11));
        let out = run(p, spans);
        assert_eq!(
            attr(by_id(&out, 11), "spotter.tool.schema_drift").as_deref(),
            Some("true")
        );
    };
    let drifted = |p: &mut SchemaDriftProcessor, session: &str, id: u8, t: u64| {
        let out = run(p, vec![at(v2(session, 1, id, 13), t)]);
        attr(by_id(&out, id), "spotter.tool.schema_drift").is_some()
    };

    let mut p = processor(config.clone());
    confirmed(&mut p);
    assert!(drifted(&mut p, "c", 20, T0 + 10 * MIN), "active: counted");
    assert!(
        drifted(&mut p, "d", 21, T0 + 50 * MIN),
        "50 min of only the new shape"
    );
    assert!(
        !drifted(&mut p, "e", 22, T0 + 2 * 60 * MIN),
        "settled after 1h"
    );
    assert_eq!(drift_findings(&mut p, "e"), 0);

    let mut p = processor(config);
    confirmed(&mut p);
    assert!(drifted(&mut p, "c", 20, T0 + 10 * MIN));
    // The old shape is still served at +30 min: the incident is active, the span restarts.
    run(&mut p, vec![at(v1("f", 1, 30, 21), T0 + 30 * MIN)]);
    assert!(drifted(&mut p, "d", 21, T0 + 50 * MIN));
    assert!(
        drifted(&mut p, "e", 22, T0 + 100 * MIN),
        "50 min since the old shape was last seen"
    );
    assert!(!drifted(&mut p, "g", 23, T0 + 160 * MIN), "then it settles");
}

/// Nine results of `old`, then three of `new`, from one tool in one session: the drift findings.
fn drift_after(old: &str, new: &str) -> usize {
    let mut p = processor(Config::default());
    for turn in 1..=12u32 {
        let result = if turn <= 9 { old } else { new };
        let span = tool(
            "s",
            turn,
            turn as u8,
            "list_lines",
            r#"{"order": "1"}"#,
            Some(result),
            T0 + turn as u64 * SEC,
        );
        run(&mut p, vec![span]);
    }
    drift_findings(&mut p, "s")
}

#[test]
fn a_top_level_list_whose_records_lose_a_field_is_a_drift() {
    let old = r#"[{"sku": "a", "qty": 1, "price": 2.5}, {"sku": "b", "qty": 2, "price": 1.5}]"#;
    assert_eq!(
        drift_after(old, r#"[{"sku": "a", "qty": 1}, {"sku": "b", "qty": 2}]"#),
        1
    );
    assert_eq!(
        drift_after(old, r#"[{"sku": "a", "qty": "1", "price": 2.5}]"#),
        1,
        "a retyped field"
    );
    // Other records of the same shape, another length, or an empty list are not a drift.
    assert_eq!(
        drift_after(old, r#"[{"sku": "c", "qty": 7, "price": 9.0}]"#),
        0
    );
    assert_eq!(drift_after(old, "[]"), 0);
    // A list of scalars that stays a list of scalars is not a drift either.
    assert_eq!(drift_after(r#"["a", "b"]"#, r#"["c"]"#), 0);
}

fn resource(text: &str) -> String {
    serde_json::json!({"content": [{"type": "resource", "resource": {"uri": "rx://p/1",
        "mimeType": "application/json", "text": text}}], "isError": false})
    .to_string()
}

/// MCP embedded resources carry their JSON in `content[].resource.text`, as text items do.
#[test]
fn a_drift_inside_an_mcp_embedded_resource_is_a_drift() {
    let old = resource(r#"{"rx": "RX-1", "refills_remaining": 4, "status": "active"}"#);
    let moved =
        resource(r#"{"rx": "RX-1", "status": "active", "details": {"refills_remaining": 4}}"#);
    assert_eq!(drift_after(&old, &moved), 1);
    let other = resource(r#"{"rx": "RX-2", "refills_remaining": 1, "status": "expired"}"#);
    assert_eq!(drift_after(&old, &other), 0);
}

/// A table's columns are its schema: one removed or renamed is a drift; other rows, fewer rows
/// or a header alone are not.
#[test]
fn a_table_column_removed_or_renamed_is_a_drift() {
    let tsv = "carrier\tservice\tall_in_usd\nMSC\tFCL 20GP\t2600\nHapag\tFCL 40HC\t2100\n";
    assert_eq!(drift_after(tsv, "carrier\tservice\nMSC\tFCL 20GP\n"), 1);
    assert_eq!(
        drift_after(tsv, "carrier\tservice\tall_in_usd\nCMA\tLCL\t90\n"),
        0
    );
    assert_eq!(drift_after(tsv, "carrier\tservice\tall_in_usd\n"), 0);
    let md = "| assignment | score | max |\n|---|---|---|\n| HW1 | 95 | 100 |";
    assert_eq!(
        drift_after(
            md,
            "| item | score | max |\n|---|---|---|\n| HW1 | 95 | 100 |"
        ),
        1
    );
    assert_eq!(
        drift_after(md, "| assignment | score | max |\n|---|---|---|"),
        0
    );
}

/// Relay paging: `pageInfo.endCursor` is a string on every page but the last, where it is null:
/// paging ending, not drift. A renamed cursor, or a data field turning null, still is one.
#[test]
fn a_paging_cursor_that_ends_on_the_last_page_is_not_a_drift() {
    let page = |cursor: &str| {
        format!(
            r#"{{"data": {{"manifests": {{"edges": [{{"node": {{"bl": "B1"}}}}], "pageInfo": {{"hasNextPage": {}, "endCursor": {cursor}}}}}}}}}"#,
            cursor != "null"
        )
    };
    assert_eq!(drift_after(&page("\"c1\""), &page("null")), 0);
    let rest = r#"{"items": [{"id": 1}], "links": {"self": "/p/1", "next": "/p/2"}}"#;
    assert_eq!(
        drift_after(
            rest,
            r#"{"items": [{"id": 1}], "links": {"self": "/p/9", "next": null}}"#
        ),
        0
    );
    let snake = r#"{"items": [{"id": 1}], "next_cursor": "c1"}"#;
    assert_eq!(
        drift_after(snake, r#"{"items": [{"id": 1}], "nextCursor": "c1"}"#),
        1
    );
    // A data field turning null is still one.
    let status = r#"{"refill": "RF-1", "stage": "ready", "store": "S1"}"#;
    assert_eq!(
        drift_after(
            status,
            r#"{"refill": "RF-1", "stage": null, "store": "S1"}"#
        ),
        1
    );
}

/// A 200 body whose data is empty and whose warnings carry an error code is a failed call, not
/// a new shape of the tool's results.
#[test]
fn an_empty_body_with_coded_warnings_is_not_a_new_shape() {
    let old = r#"{"student": {"id": "S1", "name": "Ana"}, "enrollments": [{"course": "CS101"}]}"#;
    let warned = r#"{"data": [], "warnings": [{"code": "SOURCE_ERROR", "message": "Unexpected error"}], "meta": {"partial": true}}"#;
    assert_eq!(drift_after(old, warned), 0);
}
