//! The `goal` processor's optional judge against a fake OpenAI-compatible server on loopback:
//! a verdict is stamped and becomes a finding; garbage, a 500, a hang or no server at all leave
//! the turn undecided, and every span is delivered within the judge's wait.

use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use opentelemetry_proto::tonic::trace::v1::Span;
use spotter::pipeline::testing::kv;
use spotter::pipeline::Batch;
use spotter::processor::goal::{Config, GoalProcessor};
use spotter::processor::tool::testing::{
    agent, all_spans, attr, batch, llm, tool, with_attr, SEC, T0,
};
use spotter::processor::Processor;
use spotter::summary::SessionSummary;

/// How the fake judge answers.
#[derive(Clone)]
enum Mode {
    /// A chat completion whose message content is this text.
    Says(&'static str),
    /// HTTP 500.
    Fails,
    /// Never answers in time.
    Hangs,
}

struct FakeJudge {
    url: String,
    bodies: Arc<Mutex<Vec<serde_json::Value>>>,
}

impl FakeJudge {
    async fn start(mode: Mode) -> FakeJudge {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let bodies: Arc<Mutex<Vec<serde_json::Value>>> = Arc::default();
        let kept = bodies.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (kept, mode) = (kept.clone(), mode.clone());
                tokio::spawn(async move {
                    let svc = service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                        let (kept, mode) = (kept.clone(), mode.clone());
                        async move {
                            assert_eq!(req.uri().path(), "/v1/chat/completions");
                            let body = req.into_body().collect().await.unwrap().to_bytes();
                            kept.lock()
                                .unwrap()
                                .push(serde_json::from_slice(&body).unwrap());
                            let resp = match mode {
                                Mode::Says(content) => hyper::Response::new(Full::new(Bytes::from(
                                    serde_json::json!({
                                        "id": "c1",
                                        "object": "chat.completion",
                                        "choices": [{"index": 0, "finish_reason": "stop",
                                            "message": {"role": "assistant", "content": content}}],
                                    })
                                    .to_string(),
                                ))),
                                Mode::Fails => hyper::Response::builder()
                                    .status(500)
                                    .body(Full::new(Bytes::from("{\"error\":\"boom\"}")))
                                    .unwrap(),
                                Mode::Hangs => {
                                    tokio::time::sleep(Duration::from_secs(30)).await;
                                    hyper::Response::new(Full::new(Bytes::new()))
                                }
                            };
                            Ok::<_, Infallible>(resp)
                        }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), svc)
                        .await;
                });
            }
        });
        FakeJudge {
            url: format!("http://{addr}/v1"),
            bodies,
        }
    }
}

fn goal(endpoint: &str, timeout: &str, wait: &str) -> GoalProcessor {
    let yaml = format!(
        "judge: {{endpoint: '{endpoint}', model: judge-1, timeout: {timeout}, wait: {wait}}}"
    );
    let options: serde_yaml::Value = serde_yaml::from_str(&yaml).unwrap();
    let config: Config = spotter::processor::parse_options(&options, "processors.goal").unwrap();
    let mut p = GoalProcessor::new("goal", config, "processors.goal").unwrap();
    p.start();
    p
}

/// One turn the rules cannot decide: the message names an action without asking in a form the
/// rules read, a reading tool ran, and the answer claims nothing.
fn undecided_turn() -> Vec<Span> {
    let user = "The weekly report R-7 needs to be rescheduled to Monday.";
    let input = serde_json::json!([{"role": "user", "parts": [{"type": "text", "content": user}]}]);
    vec![
        with_attr(
            llm("s", 1, 1, "", T0),
            kv("gen_ai.input.messages", &input.to_string()),
        ),
        tool(
            "s",
            1,
            2,
            "get_report",
            r#"{"id": "R-7"}"#,
            Some(r#"{"id": "R-7", "day": "Friday"}"#),
            T0 + SEC,
        ),
        agent("s", 1, 9, "Report R-7 runs every Friday.", T0),
    ]
}

/// Send the turn, then tick until the processor lets it go; returns the spans and how long
/// they were held.
async fn run(p: &mut GoalProcessor) -> (Vec<Span>, Duration) {
    let started = Instant::now();
    let mut out: Vec<Batch> = Vec::new();
    p.process(batch(undecided_turn()), Instant::now(), &mut out);
    while out.is_empty() && started.elapsed() < Duration::from_secs(20) {
        tokio::time::sleep(Duration::from_millis(20)).await;
        if p.next_deadline().is_some_and(|d| d <= Instant::now()) {
            p.on_tick(Instant::now(), &mut out);
        }
    }
    (all_spans(&out), started.elapsed())
}

fn root(spans: &[Span]) -> &Span {
    spans
        .iter()
        .find(|s| s.parent_span_id.is_empty())
        .expect("root span delivered")
}

fn findings(p: &mut GoalProcessor) -> Vec<String> {
    let mut s = SessionSummary {
        session_id: "s".into(),
        ..Default::default()
    };
    p.enrich_summary(&mut s);
    s.findings.into_iter().map(|f| f.detail).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_judges_verdict_is_stamped_on_the_turn_the_rules_left_undecided() {
    let judge = FakeJudge::start(Mode::Says(
        "```json\n{\"goal_met\": false, \"reason\": \"the report was not rescheduled\"}\n```",
    ))
    .await;
    let mut p = goal(&judge.url, "5s", "10s");
    let (spans, held) = run(&mut p).await;
    assert_eq!(spans.len(), 3);
    assert!(
        held < Duration::from_secs(10),
        "released on the verdict, not the wait"
    );
    let root = root(&spans);
    assert_eq!(attr(root, "spotter.goal_not_met").as_deref(), Some("true"));
    assert_eq!(
        attr(root, "spotter.goal_not_met.source").as_deref(),
        Some("judge")
    );
    assert_eq!(
        attr(root, "spotter.goal_not_met.reason").as_deref(),
        Some("judge: the report was not rescheduled")
    );
    let found = findings(&mut p);
    assert!(
        found
            .iter()
            .any(|d| d.contains("the report was not rescheduled")),
        "{found:?}"
    );
    let asked = judge.bodies.lock().unwrap().clone();
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0]["model"], "judge-1");
    let turn = asked[0]["messages"][1]["content"].as_str().unwrap();
    assert!(
        turn.contains("rescheduled to Monday") && turn.contains("get_report"),
        "{turn}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_judge_that_finds_the_goal_met_stamps_false() {
    let judge = FakeJudge::start(Mode::Says(r#"{"goal_met": true, "reason": "informed"}"#)).await;
    let mut p = goal(&judge.url, "5s", "10s");
    let (spans, _) = run(&mut p).await;
    assert_eq!(spans.len(), 3);
    assert_eq!(
        attr(root(&spans), "spotter.goal_not_met").as_deref(),
        Some("false")
    );
    assert!(findings(&mut p).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_a_500_a_hang_or_no_server_pass_the_turn_undecided_with_every_span() {
    let garbage = FakeJudge::start(Mode::Says("I believe the user is happy.")).await;
    let fails = FakeJudge::start(Mode::Fails).await;
    let hangs = FakeJudge::start(Mode::Hangs).await;
    // A port nothing listens on: bind one, then free it.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/v1", l.local_addr().unwrap())
    };
    let none = Arc::default();
    for (name, url, timeout, bodies) in [
        ("garbage", &garbage.url, "5s", &garbage.bodies),
        ("500", &fails.url, "5s", &fails.bodies),
        ("hang", &hangs.url, "300ms", &hangs.bodies),
        ("no server", &closed, "5s", &none),
    ] {
        let mut p = goal(url, timeout, "3s");
        let (spans, held) = run(&mut p).await;
        assert_eq!(spans.len(), 3, "{name}: every span delivered");
        assert!(held < Duration::from_secs(3), "{name}: held {held:?}");
        if name != "no server" {
            assert_eq!(
                bodies.lock().unwrap().len(),
                1,
                "{name}: the judge was asked"
            );
        }
        let root = root(&spans);
        assert_eq!(attr(root, "spotter.goal_not_met"), None, "{name}");
        assert!(findings(&mut p).is_empty(), "{name}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_judge_slower_than_the_wait_does_not_hold_spans_past_it() {
    let hangs = FakeJudge::start(Mode::Hangs).await;
    let mut p = goal(&hangs.url, "20s", "400ms");
    let (spans, held) = run(&mut p).await;
    assert_eq!(spans.len(), 3);
    assert!(held >= Duration::from_millis(400), "{held:?}");
    assert!(held < Duration::from_secs(3), "{held:?}");
    assert_eq!(attr(root(&spans), "spotter.goal_not_met"), None);
}

#[test]
fn the_judge_is_off_by_default_and_its_options_are_checked_by_path() {
    let plan =
        spotter::config::Config::load(None, &std::collections::HashMap::<String, String>::new());
    let plan = plan.expect("embedded config loads");
    let goal = plan
        .processors
        .get("goal")
        .expect("goal in the embedded config");
    assert!(goal.get("judge").is_none(), "{goal:?}");
    for (yaml, want) in [
        (
            "judge: {endpoint: 'http://127.0.0.1:9/v1', model: m, temperature: 0}",
            "processors.goal.judge",
        ),
        (
            "judge: {endpoint: 'ftp://h', model: m}",
            "processors.goal.judge.endpoint",
        ),
        ("judge: {model: m}", "processors.goal.judge"),
    ] {
        let options: serde_yaml::Value = serde_yaml::from_str(yaml).unwrap();
        let e = spotter::processor::build("goal", &options, "processors.goal")
            .err()
            .unwrap_or_else(|| panic!("{yaml} accepted"));
        assert!(e.to_string().starts_with(want), "{yaml}: {e}");
    }
}

/// The same turn posted to a running spotter whose pipeline has the judge: the downstream
/// receives every span, the root with the judge's verdict.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn through_the_service_the_judges_verdict_reaches_the_downstream() {
    use prost::Message;
    use spotter::pipeline::Payload;

    let judge = FakeJudge::start(Mode::Says(
        r#"{"goal_met": false, "reason": "R-7 still runs on Friday"}"#,
    ))
    .await;
    let sink = crate::sink::Sink::start().await;
    let yaml = crate::harness::config_to_sink(
        sink.addr,
        &format!(
            "  tool_outcome: {{}}\n  goal:\n    judge: {{endpoint: '{}', model: judge-1, timeout: 5s, wait: 5s}}\n  batch:\n    timeout: 50ms",
            judge.url
        ),
        "tool_outcome, goal, batch",
        "",
    );
    let service = crate::harness::start(&yaml).await;
    let request = match batch(undecided_turn()).payload() {
        Payload::Traces(r) => r.encode_to_vec(),
        _ => unreachable!("a trace batch"),
    };
    let reply = crate::harness::post(
        &crate::harness::http_url(&service, "/v1/traces"),
        "application/x-protobuf",
        None,
        request,
    )
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(sink.wait_for_spans(3, Duration::from_secs(10)).await, 3);
    let traces = sink.recorded.traces.lock().unwrap().clone();
    let spans: Vec<Span> = traces
        .iter()
        .flat_map(|r| &r.resource_spans)
        .flat_map(|rs| &rs.scope_spans)
        .flat_map(|ss| ss.spans.clone())
        .collect();
    let root = root(&spans);
    assert_eq!(attr(root, "spotter.goal_not_met").as_deref(), Some("true"));
    assert_eq!(
        attr(root, "spotter.goal_not_met.source").as_deref(),
        Some("judge")
    );
    assert_eq!(judge.bodies.lock().unwrap().len(), 1);
}
