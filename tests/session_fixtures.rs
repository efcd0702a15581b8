//! The `session` processor over the captured fixtures of five instrumentation libraries
//! (`../shared/fixtures`), in their original batching, shuffled, and one span per request.
//! Every span must carry its labelled session, turns must be 1..n per session by start time,
//! roles must match the span kinds, and no session may be split or merged.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use spotter::pipeline::{Batch, Payload};
use spotter::processor::session::{Config, SessionProcessor};
use spotter::processor::Processor;
use spotter::semconv::keys::spotter as canon;
use spotter::semconv::{spans, SpanRole};

use common::{fixtures_dir, requests, LIBRARIES};

struct Label {
    turns: u32,
}

fn labels(library: &str) -> Result<HashMap<String, Label>> {
    let text = std::fs::read_to_string(fixtures_dir().join("labels.jsonl"))?;
    let mut out = HashMap::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line)?;
        if v["library"] == library {
            out.insert(
                v["session_id"].as_str().context("session_id")?.to_string(),
                Label {
                    turns: v["turns"].as_u64().context("turns")? as u32,
                },
            );
        }
    }
    Ok(out)
}

/// The role each span name of the fixtures stands for (from INDEX.json's span names).
fn expected_role(name: &str) -> SpanRole {
    match name {
        "chat gpt-4o-mini" | "ChatCompletion" | "openai.chat" | "OpenAI-generation" => {
            SpanRole::Llm
        }
        "invoke_agent ShopBot" | "ShopBot" | "ShopBot.agent" => SpanRole::Agent,
        "support_turn.workflow" => SpanRole::Chain,
        n if ["lookup_order", "cancel_order", "get_weather", "search_docs"]
            .iter()
            .any(|t| n.contains(t)) =>
        {
            SpanRole::Tool
        }
        other => panic!("unexpected span name {other:?} in fixtures"),
    }
}

/// Split requests into one request per span, keeping resource and scope.
fn one_span_per_request(reqs: &[ExportTraceServiceRequest]) -> Vec<ExportTraceServiceRequest> {
    let mut out = Vec::new();
    for req in reqs {
        for rs in &req.resource_spans {
            for ss in &rs.scope_spans {
                for span in &ss.spans {
                    out.push(ExportTraceServiceRequest {
                        resource_spans: vec![ResourceSpans {
                            resource: rs.resource.clone(),
                            scope_spans: vec![ScopeSpans {
                                scope: ss.scope.clone(),
                                spans: vec![span.clone()],
                                schema_url: ss.schema_url.clone(),
                            }],
                            schema_url: rs.schema_url.clone(),
                        }],
                    });
                }
            }
        }
    }
    out
}

fn shuffled(mut reqs: Vec<ExportTraceServiceRequest>, seed: u64) -> Vec<ExportTraceServiceRequest> {
    let mut rng = StdRng::seed_from_u64(seed);
    for req in &mut reqs {
        for rs in &mut req.resource_spans {
            for ss in &mut rs.scope_spans {
                ss.spans.shuffle(&mut rng);
            }
        }
    }
    reqs.shuffle(&mut rng);
    reqs
}

/// Feed requests 1 ms apart (well within the 2 s wait), then let every wait run out.
fn run(reqs: Vec<ExportTraceServiceRequest>) -> Vec<ExportTraceServiceRequest> {
    let cfg: Config = serde_yaml::from_str("wait: 2s").unwrap();
    let mut p = SessionProcessor::new("session", cfg, "processors.session").unwrap();
    let t0 = Instant::now();
    let mut out = Vec::new();
    let mut now = t0;
    for req in reqs {
        now += Duration::from_millis(1);
        p.process(Batch::traces(req, now), now, &mut out);
    }
    p.on_tick(now + Duration::from_secs(3), &mut out);
    p.shutdown(&mut out);
    assert_eq!(p.stats().spans_without_session, 0);
    assert_eq!(p.stats().turns_out_of_order, 0);
    out.into_iter()
        .filter_map(|b| match b.into_payload() {
            Payload::Traces(r) => Some(r),
            Payload::Logs(_) => None,
        })
        .collect()
}

fn check(
    library: &str,
    mode: &str,
    input: &[ExportTraceServiceRequest],
    out: &[ExportTraceServiceRequest],
) -> Result<()> {
    let labels = labels(library)?;
    let in_spans: usize = input.iter().map(|r| spans(r).count()).sum();
    let out_spans: usize = out.iter().map(|r| spans(r).count()).sum();
    assert_eq!(in_spans, out_spans, "{library}/{mode}: spans lost or added");

    // session -> trace -> (turn, root start)
    let mut sessions: BTreeMap<String, BTreeMap<Vec<u8>, (u32, u64)>> = BTreeMap::new();
    let mut trace_session: HashMap<Vec<u8>, String> = HashMap::new();
    for r in out {
        for v in spans(r) {
            let session = v
                .str_attr(canon::SESSION_ID)
                .with_context(|| format!("{library}/{mode}: span {:?} has no session", v.name()))?
                .to_string();
            assert!(
                labels.contains_key(&session),
                "{library}/{mode}: session {session} is not a labelled session"
            );
            let turn = v.turn().context("turn")?;
            let role = v.str_attr(canon::SPAN_ROLE).context("role")?;
            assert_eq!(
                role,
                expected_role(v.name()).as_str(),
                "{library}/{mode}: role of {:?}",
                v.name()
            );
            let trace = v.trace_id().to_vec();
            if let Some(prev) = trace_session.insert(trace.clone(), session.clone()) {
                assert_eq!(
                    prev, session,
                    "{library}/{mode}: a trace split across sessions"
                );
            }
            let entry = sessions
                .entry(session)
                .or_default()
                .entry(trace)
                .or_insert((turn, u64::MAX));
            assert_eq!(entry.0, turn, "{library}/{mode}: one trace, two turns");
            entry.1 = entry.1.min(v.span().start_time_unix_nano);
        }
    }
    assert_eq!(
        sessions.keys().collect::<BTreeSet<_>>(),
        labels.keys().collect::<BTreeSet<_>>(),
        "{library}/{mode}: sessions split or merged"
    );
    for (session, traces) in &sessions {
        let label = &labels[session];
        let mut by_start: Vec<(u64, u32)> = traces.values().map(|(t, s)| (*s, *t)).collect();
        by_start.sort();
        let turns: Vec<u32> = by_start.iter().map(|(_, t)| *t).collect();
        let want: Vec<u32> = (1..=label.turns).collect();
        assert_eq!(turns, want, "{library}/{mode}: turns of session {session}");
    }
    Ok(())
}

#[test]
fn every_fixture_library_gets_labelled_sessions_turns_and_roles() -> Result<()> {
    for library in LIBRARIES {
        let original = requests(library)?;
        assert!(!original.is_empty(), "{library}: no fixtures found");
        check(library, "original", &original, &run(original.clone()))?;
        for seed in [1, 2, 3] {
            let s = shuffled(original.clone(), seed);
            check(library, "shuffled", &original, &run(s))?;
        }
        let single = shuffled(one_span_per_request(&original), 7);
        check(library, "one-span-per-request", &original, &run(single))?;
    }
    Ok(())
}

#[test]
fn openinference_fixture_through_langfuse_profile_carries_langfuse_session_and_type() -> Result<()>
{
    use spotter::semconv::keys::langfuse;
    use spotter::semconv::profile::{apply, Profile};
    let labels = labels("openinference")?;
    let mut seen = 0;
    for mut req in requests("openinference")? {
        apply(Profile::Langfuse, &mut req);
        for v in spans(&req) {
            let session = v
                .str_attr(langfuse::SESSION_ID)
                .context("langfuse.session.id")?;
            assert!(labels.contains_key(session), "unknown session {session}");
            let want = match expected_role(v.name()) {
                SpanRole::Llm => "generation",
                SpanRole::Agent => "agent",
                SpanRole::Tool => "tool",
                other => panic!("no OpenInference span should be {other}"),
            };
            assert_eq!(
                v.str_attr(langfuse::OBSERVATION_TYPE),
                Some(want),
                "{}",
                v.name()
            );
            assert!(
                v.str_attr("openinference.span.kind").is_some(),
                "originals kept"
            );
            seen += 1;
        }
    }
    assert_eq!(seen, 127);
    Ok(())
}
