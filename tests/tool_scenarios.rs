//! Agent sessions with other tools, conventions and error formats than the captured fixtures,
//! through the same chain as the detection report (`session`, `schema_drift`, `tool_outcome`,
//! `auth_rot`, `silent_failure`, `loop`). Spans use OpenInference keys (`output.value`,
//! `tool.name`, flattened `llm.output_messages`) and one trace per turn, exported per turn.

use std::collections::BTreeMap;

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, KeyValue};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};
use spotter::detection::replay::Chain;
use spotter::pipeline::Payload;
use spotter::semconv::spans;
use spotter::summary::SessionSummary;

fn kv(key: &str, value: &str) -> KeyValue {
    KeyValue {
        key: key.into(),
        value: Some(AnyValue {
            value: Some(any_value::Value::StringValue(value.into())),
        }),
        ..Default::default()
    }
}

const T0: u64 = 1_790_000_000_000_000_000;
const SEC: u64 = 1_000_000_000;

/// One turn: (tool name, arguments, result) calls, then the model's answer.
struct Turn<'a> {
    calls: Vec<(&'a str, &'a str, &'a str)>,
    answer: &'a str,
}

/// A session's turns as OpenInference traces, one request per turn.
fn session(id: &str, seed: u8, turns: &[Turn<'_>]) -> Vec<ExportTraceServiceRequest> {
    let mut out = Vec::new();
    for (t, turn) in turns.iter().enumerate() {
        let trace = vec![seed.wrapping_mul(16).wrapping_add(t as u8 + 1); 16];
        let start = T0 + (u64::from(seed) * 1000 + t as u64 * 60) * SEC;
        let root_id = vec![1u8, seed, t as u8, 0, 0, 0, 0, 1];
        let mut spans = Vec::new();
        let mut clock = start + SEC;
        let mut n = 2u8;
        let child = |name: &str, attrs: Vec<KeyValue>, clock: &mut u64, n: &mut u8| {
            let s = Span {
                trace_id: trace.clone(),
                span_id: vec![2, seed, t as u8, *n, 0, 0, 0, 1],
                parent_span_id: root_id.clone(),
                name: name.to_string(),
                start_time_unix_nano: *clock,
                end_time_unix_nano: *clock + SEC / 2,
                attributes: attrs,
                ..Default::default()
            };
            *clock += SEC;
            *n += 1;
            s
        };
        for (tool, args, result) in &turn.calls {
            spans.push(child(
                "ChatCompletion",
                vec![kv("openinference.span.kind", "LLM"), kv("session.id", id)],
                &mut clock,
                &mut n,
            ));
            spans.push(child(
                tool,
                vec![
                    kv("openinference.span.kind", "TOOL"),
                    kv("session.id", id),
                    kv("tool.name", tool),
                    kv("input.value", args),
                    kv("output.value", result),
                ],
                &mut clock,
                &mut n,
            ));
        }
        spans.push(child(
            "ChatCompletion",
            vec![
                kv("openinference.span.kind", "LLM"),
                kv("session.id", id),
                kv("llm.output_messages.0.message.role", "assistant"),
                kv("llm.output_messages.0.message.content", turn.answer),
            ],
            &mut clock,
            &mut n,
        ));
        spans.push(Span {
            trace_id: trace.clone(),
            span_id: root_id.clone(),
            name: "agent".into(),
            start_time_unix_nano: start,
            end_time_unix_nano: clock + SEC,
            attributes: vec![
                kv("openinference.span.kind", "AGENT"),
                kv("session.id", id),
                kv("output.value", turn.answer),
            ],
            ..Default::default()
        });
        out.push(ExportTraceServiceRequest {
            resource_spans: vec![ResourceSpans {
                resource: Some(Resource {
                    attributes: vec![
                        kv("service.name", "helpdesk"),
                        kv("service.version", "3.2.0"),
                    ],
                    ..Default::default()
                }),
                scope_spans: vec![ScopeSpans {
                    spans,
                    ..Default::default()
                }],
                schema_url: String::new(),
            }],
        });
    }
    out
}

struct Outcome {
    findings: BTreeMap<String, Vec<String>>,
    /// (tool span name, spotter.tool.outcome) in export order.
    outcomes: Vec<(String, String)>,
}

fn replay(sessions: Vec<Vec<ExportTraceServiceRequest>>) -> Outcome {
    let mut chain = Chain::detection().unwrap().keep_exported();
    for s in sessions {
        for req in s {
            chain.feed(req);
        }
    }
    let (summaries, exported): (Vec<SessionSummary>, _) = chain.finish_with_exported();
    let findings = summaries
        .into_iter()
        .map(|s| {
            (
                s.session_id,
                s.findings.into_iter().map(|f| f.kind).collect(),
            )
        })
        .collect();
    let mut outcomes = Vec::new();
    for b in &exported {
        if let Payload::Traces(r) = b.payload() {
            for v in spans(r) {
                if let Some(o) = v.tool_outcome() {
                    outcomes.push((v.name().to_string(), o.to_string()));
                }
            }
        }
    }
    Outcome { findings, outcomes }
}

fn kinds<'a>(o: &'a Outcome, session: &str) -> Vec<&'a str> {
    o.findings
        .get(session)
        .map(|v| v.iter().map(String::as_str).collect())
        .unwrap_or_default()
}

const CUSTOMER: &str =
    r#"{"customer": {"id": "C-9", "name": "Ada", "plan": "pro"}, "open_tickets": 2}"#;

#[test]
fn an_mcp_error_result_after_success_is_auth_rot_and_not_silent() {
    let expired = r#"{"content": [{"type": "text", "text": "Error: OAuth token has expired, please re-authenticate"}], "isError": true}"#;
    let o = replay(vec![session(
        "crm-1",
        1,
        &[
            Turn {
                calls: vec![("crm_get_customer", r#"{"id": "C-9"}"#, CUSTOMER)],
                answer: "Ada is on the pro plan.",
            },
            Turn {
                calls: vec![("crm_get_customer", r#"{"id": "C-10"}"#, expired)],
                answer: "I'm sorry, I can't reach the CRM right now.",
            },
        ],
    )]);
    assert_eq!(kinds(&o, "crm-1"), vec!["auth_rot"]);
    assert!(o
        .outcomes
        .contains(&("crm_get_customer".into(), "auth".into())));
}

#[test]
fn an_html_gateway_page_answered_confidently_is_a_silent_failure() {
    let page = "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>";
    let o = replay(vec![session(
        "billing-1",
        2,
        &[
            Turn {
                calls: vec![(
                    "get_invoice",
                    r#"{"month": "2025-05"}"#,
                    r#"{"total": 120.5, "currency": "USD"}"#,
                )],
                answer: "Your May invoice is 120.50 USD.",
            },
            Turn {
                calls: vec![("get_invoice", r#"{"month": "2025-06"}"#, page)],
                answer: "Your June invoice is 98.00 USD.",
            },
        ],
    )]);
    assert_eq!(kinds(&o, "billing-1"), vec!["silent_failure"]);
    assert!(o
        .outcomes
        .contains(&("get_invoice".into(), "server_error".into())));
}

#[test]
fn a_grpc_error_retried_successfully_is_neither_silent_nor_rot() {
    let unavailable = r#"{"code": 14, "message": "upstream connect error or disconnect/reset before headers", "details": []}"#;
    let o = replay(vec![session(
        "geo-1",
        3,
        &[Turn {
            calls: vec![
                ("geocode", r#"{"q": "Lisbon"}"#, unavailable),
                (
                    "geocode",
                    r#"{"q": "Lisbon"}"#,
                    r#"{"lat": 38.72, "lon": -9.14}"#,
                ),
            ],
            answer: "Lisbon is at 38.72, -9.14.",
        }],
    )]);
    assert!(kinds(&o, "geo-1").is_empty(), "{:?}", o.findings);
    assert!(o
        .outcomes
        .contains(&("geocode".into(), "server_error".into())));
}

#[test]
fn a_price_that_turns_into_a_string_is_schema_drift() {
    let o = replay(vec![session(
        "stocks-1",
        4,
        &[
            Turn {
                calls: vec![(
                    "get_quote",
                    r#"{"sym": "ACME"}"#,
                    r#"{"symbol": "ACME", "price": 12.5, "ts": 1}"#,
                )],
                answer: "ACME trades at 12.50.",
            },
            Turn {
                calls: vec![(
                    "get_quote",
                    r#"{"sym": "INIT"}"#,
                    r#"{"symbol": "INIT", "price": 80.1, "ts": 2}"#,
                )],
                answer: "INIT trades at 80.10.",
            },
            Turn {
                calls: vec![(
                    "get_quote",
                    r#"{"sym": "ACME"}"#,
                    r#"{"symbol": "ACME", "price": "12.75", "ts": 3}"#,
                )],
                answer: "ACME trades at 12.75.",
            },
            Turn {
                calls: vec![(
                    "get_quote",
                    r#"{"sym": "BOLT"}"#,
                    r#"{"symbol": "BOLT", "price": "7.20", "ts": 4}"#,
                )],
                answer: "BOLT trades at 7.20.",
            },
        ],
    )]);
    assert_eq!(kinds(&o, "stocks-1"), vec!["schema_drift"]);
}

#[test]
fn the_same_listing_again_and_again_is_a_loop() {
    let listing = r#"{"files": ["a.txt", "b.txt"]}"#;
    let o = replay(vec![session(
        "files-1",
        5,
        &[Turn {
            calls: vec![
                (
                    "list_files",
                    r#"{"path": "/data", "recursive": false}"#,
                    listing,
                ),
                (
                    "list_files",
                    r#"{"recursive": false, "path": "/data"}"#,
                    listing,
                ),
                (
                    "list_files",
                    r#"{"path":"/data","recursive":false}"#,
                    listing,
                ),
                (
                    "list_files",
                    r#"{"path": "/data", "recursive": false}"#,
                    listing,
                ),
            ],
            answer: "I stopped after too many steps.",
        }],
    )]);
    assert_eq!(kinds(&o, "files-1"), vec!["tool_loop"]);
}

#[test]
fn healthy_sessions_about_errors_have_no_findings() {
    let kb = r#"{"results": [{"title": "Handling 401 errors", "snippet": "When you get 401 Unauthorized, your token expired: refresh it."}, {"title": "Error codes", "snippet": "503 means the service is unavailable."}], "errors": [], "error_count": 0}"#;
    let log = "Error handling guide\n\nRetries: on a 503, wait and retry. On 429, back off.";
    let o = replay(vec![
        session(
            "kb-1",
            6,
            &[
                Turn {
                    calls: vec![("search_kb", r#"{"q": "401"}"#, kb)],
                    answer: "A 401 error means your token expired; please refresh it.",
                },
                Turn {
                    calls: vec![("read_doc", r#"{"id": "errors"}"#, log)],
                    answer: "Sorry for the trouble: on a 503 you should retry later.",
                },
                Turn {
                    calls: vec![("search_kb", r#"{"q": "429"}"#, kb)],
                    answer: "Back off when you see 429.",
                },
            ],
        ),
        session(
            "kb-2",
            7,
            &[Turn {
                calls: vec![
                    ("search_kb", r#"{"q": "401"}"#, kb),
                    ("search_kb", r#"{"q": "401 again"}"#, kb),
                ],
                answer: "Refresh the token.",
            }],
        ),
    ]);
    assert!(kinds(&o, "kb-1").is_empty(), "{:?}", o.findings);
    assert!(kinds(&o, "kb-2").is_empty(), "{:?}", o.findings);
    assert!(
        o.outcomes.iter().all(|(_, outcome)| outcome == "ok"),
        "{:?}",
        o.outcomes
    );
}
