use std::collections::HashMap;
use std::time::{Duration, Instant};

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::KeyValue;
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};

use super::*;
use crate::pipeline::testing::kv;
use crate::semconv::spans;

fn processor(yaml: &str) -> SessionProcessor {
    let cfg: Config = serde_yaml::from_str(yaml).unwrap();
    SessionProcessor::new("session", cfg, "processors.session").unwrap()
}

fn span(trace: u8, id: u8, parent: u8, start: u64, attrs: Vec<KeyValue>) -> Span {
    Span {
        trace_id: vec![trace; 16],
        span_id: vec![id; 8],
        parent_span_id: if parent == 0 { vec![] } else { vec![parent; 8] },
        name: format!("s{id}"),
        start_time_unix_nano: start,
        end_time_unix_nano: start + 10,
        attributes: attrs,
        ..Default::default()
    }
}

fn batch(spans: Vec<Span>, now: Instant) -> Batch {
    Batch::traces(
        ExportTraceServiceRequest {
            resource_spans: vec![ResourceSpans {
                resource: Some(Resource {
                    attributes: vec![kv("service.name", "bot")],
                    ..Default::default()
                }),
                scope_spans: vec![ScopeSpans {
                    spans,
                    ..Default::default()
                }],
                schema_url: String::new(),
            }],
        },
        now,
    )
}

/// (span id, session, turn, role) of every span in `out`.
fn stamped(out: &[Batch]) -> Vec<(u8, Option<String>, Option<u32>, String)> {
    let mut v: Vec<_> = out
        .iter()
        .filter_map(|b| match b.payload() {
            crate::pipeline::Payload::Traces(r) => Some(r),
            _ => None,
        })
        .flat_map(|r| {
            spans(r)
                .map(|v| {
                    (
                        v.span_id()[0],
                        v.str_attr(spotter::SESSION_ID).map(str::to_string),
                        v.turn(),
                        v.str_attr(spotter::SPAN_ROLE).unwrap_or("").to_string(),
                    )
                })
                .collect::<Vec<_>>()
        })
        .collect();
    v.sort();
    v
}

#[test]
fn child_spans_get_the_session_of_a_parent_arriving_in_a_later_batch() {
    let mut p = processor("wait: 1s");
    let t0 = Instant::now();
    let mut out = Vec::new();
    let child = span(1, 2, 1, 110, vec![kv("gen_ai.operation.name", "chat")]);
    p.process(batch(vec![child], t0), t0, &mut out);
    assert!(
        out.is_empty(),
        "held until the session is known or the wait ends"
    );
    let root = span(
        1,
        1,
        0,
        100,
        vec![
            kv("gen_ai.operation.name", "invoke_agent"),
            kv("gen_ai.conversation.id", "conv-1"),
        ],
    );
    p.process(
        batch(vec![root], t0),
        t0 + Duration::from_millis(10),
        &mut out,
    );
    assert!(out.is_empty());
    assert_eq!(p.next_deadline(), Some(t0 + Duration::from_secs(1)));
    p.on_tick(t0 + Duration::from_secs(1), &mut out);
    let got = stamped(&out);
    assert_eq!(
        got,
        vec![
            (1, Some("conv-1".into()), Some(1), "agent".into()),
            (2, Some("conv-1".into()), Some(1), "llm".into()),
        ]
    );
    // A late span of the released trace passes at once with the same session and turn.
    out.clear();
    let late = span(1, 3, 1, 120, vec![kv("gen_ai.tool.name", "lookup")]);
    p.process(batch(vec![late], t0), t0 + Duration::from_secs(2), &mut out);
    assert_eq!(
        stamped(&out),
        vec![(3, Some("conv-1".into()), Some(1), "tool".into())]
    );
    assert_eq!(p.stats().spans_without_session, 0);
}

#[test]
fn turns_follow_start_time_when_they_arrive_out_of_order_within_the_wait() {
    let mut p = processor("wait: 1s");
    let t0 = Instant::now();
    let mut out = Vec::new();
    let sess = || vec![kv("session.id", "s")];
    // Turn 2 (trace 2) arrives first, then turn 3, then turn 1.
    p.process(batch(vec![span(2, 20, 0, 200, sess())], t0), t0, &mut out);
    p.process(
        batch(vec![span(3, 30, 0, 300, sess())], t0),
        t0 + Duration::from_millis(100),
        &mut out,
    );
    p.process(
        batch(vec![span(1, 10, 0, 100, sess())], t0),
        t0 + Duration::from_millis(900),
        &mut out,
    );
    p.on_tick(t0 + Duration::from_millis(1000), &mut out);
    p.on_tick(t0 + Duration::from_millis(1100), &mut out);
    p.on_tick(t0 + Duration::from_millis(1900), &mut out);
    let turns: Vec<_> = stamped(&out)
        .into_iter()
        .map(|(id, _, t, _)| (id, t))
        .collect();
    assert_eq!(turns, vec![(10, Some(1)), (20, Some(2)), (30, Some(3))]);
    assert_eq!(p.stats().turns_out_of_order, 0);
}

/// (span id, turn) of every span in `out`.
fn turns(out: &[Batch]) -> Vec<(u8, Option<u32>)> {
    stamped(out)
        .into_iter()
        .map(|(id, _, t, _)| (id, t))
        .collect()
}

#[test]
fn a_later_trace_of_a_live_session_passes_as_soon_as_its_session_is_known() {
    let mut p = processor("wait: 2s");
    let t0 = Instant::now();
    let mut out = Vec::new();
    let sess = || vec![kv("session.id", "s")];
    // The session's first trace waits: its turn order is not known yet.
    p.process(batch(vec![span(1, 10, 0, 100, sess())], t0), t0, &mut out);
    assert!(out.is_empty());
    p.on_tick(t0 + Duration::from_secs(2), &mut out);
    assert_eq!(turns(&out), vec![(10, Some(1))]);

    // A later trace of the live session: a child without the session id waits for it...
    out.clear();
    let t1 = t0 + Duration::from_secs(5);
    p.process(batch(vec![span(2, 21, 20, 210, vec![])], t1), t1, &mut out);
    assert!(out.is_empty(), "session not known yet");
    // ...and leaves with its root, which names the session, without waiting.
    p.process(batch(vec![span(2, 20, 0, 200, sess())], t1), t1, &mut out);
    assert_eq!(turns(&out), vec![(20, Some(2)), (21, Some(2))]);
    assert!(stamped(&out)
        .iter()
        .all(|(_, s, _, _)| s.as_deref() == Some("s")));
    // A third trace carrying the session on its first span passes in the same call.
    out.clear();
    p.process(batch(vec![span(3, 30, 0, 300, sess())], t1), t1, &mut out);
    assert_eq!(turns(&out), vec![(30, Some(3))]);
    assert_eq!(p.held_spans(), 0);

    // A trace starting before the latest numbered turn still waits (it is out of order), and
    // so does a new session's first trace.
    out.clear();
    p.process(batch(vec![span(4, 40, 0, 250, sess())], t1), t1, &mut out);
    let other = vec![kv("session.id", "other")];
    p.process(batch(vec![span(5, 50, 0, 500, other)], t1), t1, &mut out);
    assert!(out.is_empty());
    assert_eq!(p.held_spans(), 2);
    assert_eq!(p.stats().turns_out_of_order, 0);
}

#[test]
fn a_turn_arriving_after_the_wait_gets_the_next_number_and_is_counted() {
    let mut p = processor("wait: 1s");
    let t0 = Instant::now();
    let mut out = Vec::new();
    p.process(
        batch(vec![span(2, 20, 0, 200, vec![kv("session.id", "s")])], t0),
        t0,
        &mut out,
    );
    p.on_tick(t0 + Duration::from_secs(1), &mut out);
    let late = t0 + Duration::from_secs(3);
    p.process(
        batch(vec![span(1, 10, 0, 100, vec![kv("session.id", "s")])], late),
        late,
        &mut out,
    );
    p.on_tick(late + Duration::from_secs(1), &mut out);
    let turns: Vec<_> = stamped(&out)
        .into_iter()
        .map(|(id, _, t, _)| (id, t))
        .collect();
    assert_eq!(turns, vec![(10, Some(2)), (20, Some(1))]);
    assert_eq!(p.stats().turns_out_of_order, 1);
}

#[test]
fn traces_without_session_fall_back_to_trace_id_and_are_counted() {
    let mut p = processor("wait: 0s");
    let t0 = Instant::now();
    let mut out = Vec::new();
    p.process(batch(vec![span(7, 1, 0, 5, vec![])], t0), t0, &mut out);
    let got = stamped(&out);
    assert_eq!(
        got[0].1.as_deref(),
        Some("07070707070707070707070707070707")
    );
    assert_eq!(got[0].2, Some(1));
    assert_eq!(p.stats().spans_without_session, 1);

    let mut p = processor("wait: 0s\nfallback: none");
    out.clear();
    p.process(batch(vec![span(7, 1, 0, 5, vec![])], t0), t0, &mut out);
    assert_eq!(stamped(&out)[0].1, None);
    assert_eq!(p.live_sessions(), 0);
}

#[test]
fn session_from_names_sessions_of_agents_without_session_ids() {
    let mut p = processor("wait: 0s\nsession_from: [app.conversation]");
    let t0 = Instant::now();
    let mut out = Vec::new();
    p.process(
        batch(
            vec![span(1, 1, 0, 5, vec![kv("app.conversation", "c-9")])],
            t0,
        ),
        t0,
        &mut out,
    );
    assert_eq!(stamped(&out)[0].1.as_deref(), Some("c-9"));
    assert_eq!(p.stats().spans_without_session, 0);
}

#[test]
fn sessions_end_on_inactivity_end_marker_and_shutdown_with_summaries() {
    let mut p = processor("wait: 0s\ninactivity_timeout: 1m");
    let t0 = Instant::now();
    let mut out = Vec::new();
    let llm = |trace, id, start, s: &str| {
        span(
            trace,
            id,
            0,
            start,
            vec![
                kv("session.id", s),
                kv("user.id", "u-1"),
                kv("gen_ai.operation.name", "chat"),
                crate::pipeline::testing::kv_int("gen_ai.usage.input_tokens", 10),
                crate::pipeline::testing::kv_int("gen_ai.usage.output_tokens", 2),
            ],
        )
    };
    p.process(
        batch(vec![llm(1, 1, 100, "a"), llm(2, 2, 200, "a")], t0),
        t0,
        &mut out,
    );
    p.process(
        batch(
            vec![span(
                3,
                3,
                0,
                50,
                vec![kv("session.id", "b"), kv("spotter.session.end", "true")],
            )],
            t0,
        ),
        t0,
        &mut out,
    );
    let mut summaries = Vec::new();
    p.poll_summaries(t0, &mut summaries);
    assert_eq!(summaries.len(), 1);
    assert_eq!(summaries[0].session_id, "b");
    assert_eq!(summaries[0].end_reason, Some(EndReason::EndMarker));

    assert_eq!(p.next_deadline(), Some(t0 + Duration::from_secs(60)));
    p.on_tick(t0 + Duration::from_secs(60), &mut out);
    summaries.clear();
    p.poll_summaries(t0, &mut summaries);
    let a = &summaries[0];
    assert_eq!(a.session_id, "a");
    assert_eq!(a.end_reason, Some(EndReason::Inactivity));
    assert_eq!((a.turns, a.spans, a.llm_calls), (2, 2, 2));
    assert_eq!((a.input_tokens, a.output_tokens), (20, 4));
    assert_eq!(a.user_id.as_deref(), Some("u-1"));
    assert_eq!(a.workflow, "bot");
    assert_eq!(
        a.service.as_deref(),
        Some("bot"),
        "the agent's service.name"
    );
    assert_eq!(
        a.last_trace_id.as_deref(),
        Some("02020202020202020202020202020202")
    );
    assert_eq!(a.last_root_span_id.as_deref(), Some("0202020202020202"));
    assert_eq!((a.first_seen_unix_nano, a.last_seen_unix_nano), (100, 210));

    // A returning session continues its turn numbering.
    out.clear();
    p.process(
        batch(vec![llm(4, 4, 300, "a")], t0),
        t0 + Duration::from_secs(61),
        &mut out,
    );
    assert_eq!(stamped(&out)[0].2, Some(3));
    p.shutdown(&mut out);
    summaries.clear();
    p.poll_summaries(t0, &mut summaries);
    assert_eq!(summaries[0].end_reason, Some(EndReason::Shutdown));
}

#[test]
fn workflow_rules_and_default() {
    let mut p = processor(
        r#"
wait: 0s
workflow:
  default: misc
  rules:
    - { attribute: gen_ai.agent.name, matches: "^Shop(.*)$", name: "shop-$1" }
    - { root_span_name: true, matches: "^turn" }
"#,
    );
    let t0 = Instant::now();
    let mut out = Vec::new();
    let mut root = span(1, 1, 0, 1, vec![kv("session.id", "a")]);
    root.name = "turn.workflow".into();
    let child = span(1, 2, 1, 2, vec![kv("gen_ai.agent.name", "ShopBot")]);
    p.process(batch(vec![child, root], t0), t0, &mut out);
    p.process(
        batch(vec![span(2, 3, 0, 1, vec![kv("session.id", "b")])], t0),
        t0,
        &mut out,
    );
    let workflows: Vec<_> = out
        .iter()
        .flat_map(|b| match b.payload() {
            crate::pipeline::Payload::Traces(r) => spans(r)
                .map(|v| (v.span_id()[0], v.workflow().unwrap().to_string()))
                .collect::<Vec<_>>(),
            _ => vec![],
        })
        .collect();
    assert!(workflows.contains(&(1, "shop-Bot".to_string())));
    assert!(workflows.contains(&(2, "shop-Bot".to_string())));
    assert!(workflows.contains(&(3, "misc".to_string())));
}

#[test]
fn bad_options_name_their_path() {
    let cfg: Config = serde_yaml::from_str("workflow:\n  rules:\n    - { matches: x }\n").unwrap();
    let err = SessionProcessor::new("session", cfg, "processors.session")
        .err()
        .unwrap();
    assert!(
        err.to_string()
            .contains("processors.session.workflow.rules[0]"),
        "{err}"
    );
    let cfg: Config = serde_yaml::from_str("max_sessions: 0").unwrap();
    let err = SessionProcessor::new("session", cfg, "processors.session")
        .err()
        .unwrap();
    assert!(
        err.to_string().contains("processors.session.max_sessions"),
        "{err}"
    );
    assert!(serde_yaml::from_str::<Config>("wiat: 1s").is_err());
}

#[test]
fn hundred_thousand_sessions_with_a_cap_of_ten_thousand_stay_bounded() {
    let mut p =
        processor("wait: 10ms\nmax_sessions: 10000\nmax_traces: 20000\nmax_held_spans: 5000");
    let t0 = Instant::now();
    let mut out = Vec::new();
    let mut summaries = Vec::new();
    let mut released = 0usize;
    for i in 0..100_000u32 {
        let now = t0 + Duration::from_micros(u64::from(i) * 10);
        let mut s = span(
            0,
            1,
            0,
            u64::from(i),
            vec![kv("session.id", &format!("s{i}"))],
        );
        s.trace_id = [i.to_be_bytes().as_slice(), &[1u8; 12]].concat();
        p.process(batch(vec![s], now), now, &mut out);
        released += out.iter().map(Batch::items).sum::<usize>();
        out.clear();
        assert!(p.live_sessions() <= 10_000);
        assert!(p.tracked_traces() <= 20_000);
        assert!(p.held_spans() <= 5_001);
        if i % 1000 == 0 {
            p.poll_summaries(now, &mut summaries);
            summaries.clear();
        }
    }
    p.shutdown(&mut out);
    released += out.iter().map(Batch::items).sum::<usize>();
    assert_eq!(released, 100_000, "no span lost");
    let stats = p.stats();
    assert_eq!(stats.sessions_started, 100_000);
    assert_eq!(stats.sessions_evicted, 90_000);
    assert_eq!(stats.sessions_ended, 100_000);
}

mod property {
    use super::*;
    use proptest::prelude::*;

    /// (sessions → turns → spans per trace, which span carries the session id), a permutation
    /// seed and batch sizes.
    /// Per session, per turn: (spans in the trace, which span carries the session id).
    type Sessions = Vec<Vec<(u8, u8)>>;

    fn scenario() -> impl Strategy<Value = (Sessions, Vec<usize>, Vec<usize>)> {
        let trace = (1u8..5).prop_flat_map(|n| (Just(n), 0..n));
        let session = prop::collection::vec(trace, 1..5);
        let sessions = prop::collection::vec(session, 1..5);
        sessions.prop_flat_map(|s| {
            let total: usize = s.iter().flatten().map(|(n, _)| *n as usize).sum();
            (
                Just(s),
                Just((0..total).collect::<Vec<usize>>()).prop_shuffle(),
                prop::collection::vec(1usize..6, 1..20),
            )
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]
        #[test]
        fn every_span_gets_its_session_and_turns_do_not_depend_on_arrival(
            (sessions, order, sizes) in scenario()
        ) {
            // Build spans: trace id = (session, turn), span 1 is the root.
            let mut all = Vec::new();
            let mut want = HashMap::new();
            let mut trace_no = 0u8;
            for (si, turns) in sessions.iter().enumerate() {
                for (ti, (n, carrier)) in turns.iter().enumerate() {
                    trace_no += 1;
                    let base = 1_000 * (ti as u64 + 1);
                    for k in 0..*n {
                        let mut attrs = Vec::new();
                        if k == *carrier {
                            attrs.push(kv("session.id", &format!("s{si}")));
                        }
                        let parent = if k == 0 { 0 } else { 1 };
                        let mut s = span(trace_no, k + 1, parent, base + u64::from(k), attrs);
                        s.span_id = vec![trace_no, k + 1, 0, 0, 0, 0, 0, 0];
                        if parent != 0 {
                            s.parent_span_id = vec![trace_no, 1, 0, 0, 0, 0, 0, 0];
                        }
                        want.insert((trace_no, k + 1), (format!("s{si}"), ti as u32 + 1));
                        all.push(s);
                    }
                }
            }
            let mut shuffled: Vec<Span> = order.iter().map(|i| all[*i].clone()).collect();
            let mut p = processor("wait: 10s");
            let t0 = Instant::now();
            let mut out = Vec::new();
            let mut i = 0;
            while !shuffled.is_empty() {
                let n = sizes[i % sizes.len()].min(shuffled.len());
                let chunk: Vec<Span> = shuffled.drain(..n).collect();
                let now = t0 + Duration::from_millis(i as u64);
                p.process(batch(chunk, now), now, &mut out);
                i += 1;
            }
            p.on_tick(t0 + Duration::from_secs(20), &mut out);
            let mut seen = 0;
            for b in &out {
                let crate::pipeline::Payload::Traces(r) = b.payload() else { continue };
                for v in spans(r) {
                    let id = (v.span_id()[0], v.span_id()[1]);
                    let (session, turn) = &want[&id];
                    prop_assert_eq!(v.str_attr(spotter::SESSION_ID), Some(session.as_str()));
                    prop_assert_eq!(v.turn(), Some(*turn));
                    seen += 1;
                }
            }
            prop_assert_eq!(seen, all.len());
            prop_assert_eq!(p.stats().spans_without_session, 0);
        }
    }
}
