//! Long healthy runs through the detection chain: the false-alarm rate the drift and loop
//! defaults are held to (issue 9). 10,000 healthy calls of tools whose results carry optional
//! and nullable fields, or change shape with their arguments, give no drift finding; 1,000
//! healthy turns that poll a job until it finishes or page through a listing give no loop.

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, KeyValue};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};
use serde_json::{json, Value};
use spotter::detection::replay::Chain;

const T0: u64 = 1_790_000_000_000_000_000;
const SEC: u64 = 1_000_000_000;

fn kv(key: &str, value: &str) -> KeyValue {
    KeyValue {
        key: key.into(),
        value: Some(AnyValue {
            value: Some(any_value::Value::StringValue(value.into())),
        }),
        ..Default::default()
    }
}

/// A small deterministic generator (xorshift64*), so a failure is reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() % 10_000) as f64 / 10_000.0 < p
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// One tool call: name, arguments, result.
type Call = (String, Value, Value);

/// One turn of a session as an OpenInference trace: the agent root, then per call a model span
/// and a tool span, then the model's answer.
fn turn_request(
    session: &str,
    n: u64,
    t: usize,
    calls: &[Call],
    answer: &str,
) -> ExportTraceServiceRequest {
    let start = T0 + n * 3_600 * SEC + t as u64 * 60 * SEC;
    let trace: Vec<u8> = (n * 64 + t as u64 + 1).to_be_bytes().repeat(2);
    let root: Vec<u8> = (n * 64 + t as u64 + 1).to_be_bytes().to_vec();
    let mut spans = Vec::new();
    let mut clock = start + SEC;
    let mut id = 2u64;
    let mut child = |name: &str, attrs: Vec<KeyValue>, clock: &mut u64| {
        id += 1;
        let s = Span {
            trace_id: trace.clone(),
            span_id: (n << 24 | (t as u64) << 12 | id).to_be_bytes().to_vec(),
            parent_span_id: root.clone(),
            name: name.into(),
            start_time_unix_nano: *clock,
            end_time_unix_nano: *clock + SEC / 2,
            attributes: attrs,
            ..Default::default()
        };
        *clock += SEC;
        s
    };
    for (tool, args, result) in calls {
        spans.push(child(
            "ChatCompletion",
            vec![
                kv("openinference.span.kind", "LLM"),
                kv("session.id", session),
            ],
            &mut clock,
        ));
        spans.push(child(
            tool,
            vec![
                kv("openinference.span.kind", "TOOL"),
                kv("session.id", session),
                kv("tool.name", tool),
                kv("input.value", &args.to_string()),
                kv("output.value", &result.to_string()),
            ],
            &mut clock,
        ));
    }
    spans.push(child(
        "ChatCompletion",
        vec![
            kv("openinference.span.kind", "LLM"),
            kv("session.id", session),
            kv("llm.output_messages.0.message.role", "assistant"),
            kv("llm.output_messages.0.message.content", answer),
        ],
        &mut clock,
    ));
    spans.push(Span {
        trace_id: trace.clone(),
        span_id: root.clone(),
        name: "agent".into(),
        start_time_unix_nano: start,
        end_time_unix_nano: clock + SEC,
        attributes: vec![
            kv("openinference.span.kind", "AGENT"),
            kv("session.id", session),
            kv("output.value", answer),
        ],
        ..Default::default()
    });
    ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            resource: Some(Resource {
                attributes: vec![
                    kv("service.name", "backoffice"),
                    kv("service.version", "4.1.0"),
                ],
                ..Default::default()
            }),
            scope_spans: vec![ScopeSpans {
                spans,
                ..Default::default()
            }],
            schema_url: String::new(),
        }],
    }
}

/// Every finding of the given kind over a run of sessions.
fn findings_of(kind: &str, sessions: Vec<Vec<ExportTraceServiceRequest>>) -> Vec<String> {
    let mut chain = Chain::detection().unwrap();
    // Eight sessions at a time interleave turn by turn, as concurrent users do.
    let mut sessions = sessions.into_iter().peekable();
    while sessions.peek().is_some() {
        let mut open: Vec<_> = sessions.by_ref().take(8).map(Vec::into_iter).collect();
        loop {
            let mut fed = false;
            for q in open.iter_mut() {
                if let Some(req) = q.next() {
                    chain.feed(req);
                    fed = true;
                }
            }
            if !fed {
                break;
            }
        }
    }
    chain
        .finish()
        .into_iter()
        .flat_map(|s| {
            let id = s.session_id.clone();
            s.findings
                .into_iter()
                .filter(|f| f.kind == kind)
                .map(move |f| format!("{id}: {}", f.detail))
        })
        .collect()
}

/// A customer record: optional and nullable members at several rates, and another shape when
/// asked to `expand` the invoices.
fn customer(rng: &mut Rng, i: u64) -> Call {
    let id = format!("cus_{i:05}");
    if rng.chance(0.15) {
        let n = rng.below(3);
        let invoices: Vec<Value> = (0..n)
            .map(|k| json!({"id": format!("in_{k}"), "amount_due": 12.5}))
            .collect();
        return (
            "get_customer".into(),
            json!({"customer_id": id, "expand": "invoices"}),
            json!({"id": id, "invoices": {"data": invoices, "has_more": false}}),
        );
    }
    let mut r = json!({"id": id, "name": "Ana Ruiz", "plan": "pro", "balance": 10.5, "created": "2026-01-02"});
    let o = r.as_object_mut().unwrap();
    if rng.chance(0.3) {
        o.insert("vat_id".into(), json!("FR0123"));
    }
    o.insert(
        "phone".into(),
        if rng.chance(0.4) {
            Value::Null
        } else {
            json!("+33 6")
        },
    );
    if rng.chance(0.7) {
        o.insert("address".into(), json!({"city": "Lyon", "zip": "69001"}));
    }
    if rng.chance(0.05) {
        o.insert("deleted_at".into(), json!("2026-03-01"));
    }
    ("get_customer".into(), json!({"customer_id": id}), r)
}

/// A search whose hits may be empty, carry optional snippets, and whose cursor is null on the
/// last page; filtered searches add facets.
fn search(rng: &mut Rng) -> Call {
    let n = rng.below(4);
    let hits: Vec<Value> = (0..n)
        .map(|k| {
            if rng.chance(0.5) {
                json!({"title": format!("doc {k}"), "score": 0.5, "snippet": "..."})
            } else {
                json!({"title": format!("doc {k}"), "score": 0.5})
            }
        })
        .collect();
    let next = if rng.chance(0.5) {
        Value::Null
    } else {
        json!("c2")
    };
    if rng.chance(0.2) {
        return (
            "search_docs".into(),
            json!({"query": "refund", "filters": {"lang": "en"}}),
            json!({"hits": hits, "total": n, "next_cursor": next, "facets": {"lang": {"en": n}}}),
        );
    }
    (
        "search_docs".into(),
        json!({"query": "refund"}),
        json!({"hits": hits, "total": n, "next_cursor": next}),
    )
}

/// An order whose shipping and refund members depend on its state.
fn order(rng: &mut Rng, i: u64) -> Call {
    let id = format!("ord_{i}");
    let r = match rng.below(4) {
        0 => {
            json!({"id": id, "status": "pending", "items": [{"sku": "a", "qty": 1}], "shipped_at": null, "tracking": null})
        }
        1 | 2 => {
            json!({"id": id, "status": "shipped", "items": [{"sku": "a", "qty": 2}], "shipped_at": "2026-01-02", "tracking": {"carrier": "UPS", "number": "1Z"}})
        }
        _ => {
            json!({"id": id, "status": "refunded", "items": [], "shipped_at": "2026-01-02", "tracking": null, "refund": {"amount": 3.5, "at": "2026-01-05"}})
        }
    };
    ("get_order".into(), json!({"order_id": id}), r)
}

/// Shipments as a top-level list whose records carry some fields only sometimes (an `eta` once
/// known, `signed_by` once delivered), and a member list of parcels with an optional
/// `weight_kg`: a field present in only some records is optional, not a drift.
fn shipments(rng: &mut Rng, i: u64) -> Call {
    let n = 1 + rng.below(3);
    let records: Vec<Value> = (0..n)
        .map(|k| {
            let mut r = json!({"id": format!("shp_{i}_{k}"), "status": "in_transit"});
            let o = r.as_object_mut().unwrap();
            if rng.chance(0.5) {
                o.insert("eta".into(), json!("2026-02-01"));
            }
            if rng.chance(0.2) {
                o.insert("signed_by".into(), json!("J. Doe"));
            }
            let parcels: Vec<Value> = (0..rng.below(3))
                .map(|p| {
                    if rng.chance(0.5) {
                        json!({"parcel": p, "weight_kg": 1.5})
                    } else {
                        json!({"parcel": p})
                    }
                })
                .collect();
            o.insert("parcels".into(), json!(parcels));
            r
        })
        .collect();
    (
        "list_shipments".into(),
        json!({"customer_id": format!("cus_{i}")}),
        json!(records),
    )
}

/// An invoice whose serialiser leaves out empty lists (`discount_codes` only when there are
/// some) and writes an unset `note` as `null` only sometimes, so one result can lack a field
/// the first results all had while carrying a `null` one they never did.
fn invoice(rng: &mut Rng, i: u64) -> Call {
    let mut r = json!({"id": format!("inv_{i}"), "total": "10.00", "currency": "EUR"});
    let o = r.as_object_mut().unwrap();
    if rng.chance(0.8) {
        o.insert("discount_codes".into(), json!(["WELCOME10"]));
    }
    if rng.chance(0.15) {
        o.insert("note".into(), Value::Null);
    }
    (
        "get_invoice".into(),
        json!({"invoice_id": format!("inv_{i}")}),
        r,
    )
}

#[test]
fn ten_thousand_healthy_calls_of_polymorphic_and_optional_field_tools_give_no_drift() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut sessions = Vec::new();
    let mut calls = 0u64;
    let mut n = 0u64;
    while calls < 10_000 {
        let id = format!("healthy-{n}");
        let mut reqs = Vec::new();
        for t in 0..5 {
            let mut turn = Vec::new();
            for _ in 0..2 {
                calls += 1;
                turn.push(match rng.below(5) {
                    0 => customer(&mut rng, calls),
                    1 => search(&mut rng),
                    2 => shipments(&mut rng, calls),
                    3 => invoice(&mut rng, calls),
                    _ => order(&mut rng, calls),
                });
            }
            reqs.push(turn_request(&id, n, t, &turn, "Here is what I found."));
        }
        sessions.push(reqs);
        n += 1;
    }
    let drift = findings_of("schema_drift", sessions);
    assert!(
        drift.is_empty(),
        "{} drift findings: {:?}",
        drift.len(),
        &drift[..drift.len().min(5)]
    );
}

#[test]
fn a_thousand_healthy_polling_and_paging_turns_give_no_loop() {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let mut sessions = Vec::new();
    for n in 0..250u64 {
        let id = format!("poller-{n}");
        let mut reqs = Vec::new();
        for t in 0..4 {
            let turn: Vec<Call> = if (n + t as u64).is_multiple_of(2) {
                // Poll a job until it finishes: the same arguments, a changing result.
                let job = format!("job-{n}-{t}");
                let polls = 3 + rng.below(4);
                (0..polls)
                    .map(|k| {
                        let done = k + 1 == polls;
                        (
                            "get_job_status".to_string(),
                            json!({"job_id": job}),
                            json!({"job_id": job, "state": if done { "succeeded" } else { "running" }, "progress": if done { 100 } else { k * 25 }}),
                        )
                    })
                    .collect()
            } else {
                // Page through a listing with a cursor.
                let pages = 3 + rng.below(4);
                (0..pages)
                    .map(|k| {
                        let args = if k == 0 {
                            json!({"account": "ACC-1"})
                        } else {
                            json!({"account": "ACC-1", "cursor": format!("p{k}")})
                        };
                        let next = if k + 1 == pages { Value::Null } else { json!(format!("p{}", k + 1)) };
                        (
                            "list_shipments".to_string(),
                            args,
                            json!({"shipments": [{"id": format!("s{n}-{t}-{k}")}], "next_page_token": next}),
                        )
                    })
                    .collect()
            };
            reqs.push(turn_request(
                &id,
                n,
                t,
                &turn,
                "The job finished; here are your shipments.",
            ));
        }
        sessions.push(reqs);
    }
    let loops = findings_of("tool_loop", sessions);
    assert!(
        loops.is_empty(),
        "{} loop findings: {:?}",
        loops.len(),
        &loops[..loops.len().min(5)]
    );
}
