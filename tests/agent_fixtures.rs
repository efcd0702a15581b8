//! The captured fixtures (`../shared/fixtures`) through the default agent pipeline (`session`,
//! the tool processors, `cost`, `outcome`, `agent_metrics`), as a pipeline would drive them:
//! every session's cost must equal the sum of its model calls (and those calls' prices by hand),
//! its turns the labelled turns, its outcome the labelled one where the label decides it, and
//! the Prometheus text must count every session.

mod common;

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use spotter::pipeline::{Batch, Payload};
use spotter::processor::agent_metrics::names;
use spotter::processor::build;
use spotter::processor::chain::Chain;
use spotter::semconv::{spans, SpanRole};
use spotter::summary::SessionSummary;
use spotter::telemetry::Catalog;

use common::{fixtures_dir, requests, LIBRARIES};

struct Label {
    library: String,
    label: String,
    turns: u32,
}

fn labels() -> Result<HashMap<String, Label>> {
    let text = std::fs::read_to_string(fixtures_dir().join("labels.jsonl"))?;
    let mut out = HashMap::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line)?;
        out.insert(
            v["session_id"].as_str().context("session_id")?.to_string(),
            Label {
                library: v["library"].as_str().context("library")?.to_string(),
                label: v["label"].as_str().context("label")?.to_string(),
                turns: v["turns"].as_u64().context("turns")? as u32,
            },
        );
    }
    Ok(out)
}

/// Build the processors of a `processors:` mapping, in order, into the shared driver.
fn chain(config: &str) -> Result<Chain> {
    let doc: serde_yaml::Value = serde_yaml::from_str(config)?;
    let mut out = Vec::new();
    for (id, options) in doc.as_mapping().context("mapping")? {
        let id = id.as_str().context("id")?;
        out.push(build(id, options, &format!("processors.{id}"))?);
    }
    let mut chain = Chain::new(out);
    chain.start();
    Ok(chain)
}

/// Feed requests a millisecond apart, let the session waits run out, drain, and return what
/// left the chain and the finished sessions.
fn run(
    chain: &mut Chain,
    reqs: Vec<ExportTraceServiceRequest>,
) -> (Vec<Batch>, Vec<SessionSummary>) {
    let mut now = Instant::now();
    let mut out = Vec::new();
    for req in reqs {
        now += Duration::from_millis(1);
        out.extend(chain.process(Batch::traces(req, now), now));
    }
    out.extend(chain.tick(now + Duration::from_secs(3)));
    out.extend(chain.shutdown(now));
    (out, chain.summaries(now))
}

const PIPELINE: &str = "
session: { wait: 2s }
schema_drift: {}
tool_outcome: {}
auth_rot: {}
silent_failure: {}
tool_loop: {}
cost: {}
outcome: {}
agent_metrics: {}
";

/// gpt-4o-mini per million tokens: $0.15 input, $0.60 output.
fn hand_price(input: u64, output: u64) -> f64 {
    (input as f64 * 0.15 + output as f64 * 0.60) / 1e6
}

#[test]
fn fixture_sessions_cost_turns_and_outcomes() -> Result<()> {
    let labels = labels()?;
    let catalog = Catalog::of(&[spotter::processor::describe]);
    let recorder = catalog.prometheus_builder()?.build_recorder();
    let handle = recorder.handle();
    let mut outcomes: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut sessions_seen = 0;
    metrics::with_local_recorder(&recorder, || -> Result<()> {
        catalog.register();
        for library in LIBRARIES {
            let mut chain = chain(PIPELINE)?;
            let (out, summaries) = run(&mut chain, requests(library)?);

            // Cost of each session from its model-call spans, and by hand from their tokens.
            let mut span_cost: HashMap<String, f64> = HashMap::new();
            let mut hand_cost: HashMap<String, f64> = HashMap::new();
            for b in &out {
                let Payload::Traces(req) = b.payload() else {
                    continue;
                };
                for v in spans(req) {
                    let session = v.session_id().context("session")?.into_owned();
                    match v.role() {
                        SpanRole::Llm => {
                            let cost = v.cost_usd().with_context(|| {
                                format!("{library}: model call {:?} has no cost", v.name())
                            })?;
                            *span_cost.entry(session.clone()).or_default() += cost;
                            let u = v.usage();
                            assert!(u.input > 0, "{library}: model call without tokens");
                            *hand_cost.entry(session).or_default() += hand_price(u.input, u.output);
                        }
                        _ => assert!(
                            v.cost_usd().is_none(),
                            "{library}: {:?} ({:?}) was priced",
                            v.name(),
                            v.role()
                        ),
                    }
                }
            }

            let expected = labels.values().filter(|l| l.library == *library).count();
            assert_eq!(summaries.len(), expected, "{library}: sessions");
            for s in &summaries {
                sessions_seen += 1;
                let label = labels
                    .get(&s.session_id)
                    .with_context(|| format!("{library}: unlabelled session {}", s.session_id))?;
                assert_eq!(s.turns, label.turns, "{library}: turns of {}", s.session_id);
                let spans_total = span_cost.get(&s.session_id).copied().unwrap_or_default();
                let by_hand = hand_cost.get(&s.session_id).copied().unwrap_or_default();
                assert!(s.cost_usd > 0.0, "{library}: {} cost nothing", s.session_id);
                assert!(
                    (s.cost_usd - spans_total).abs() < 1e-12,
                    "{library}: session {} cost {} but its spans sum to {spans_total}",
                    s.session_id,
                    s.cost_usd
                );
                assert!(
                    (s.cost_usd - by_hand).abs() < 1e-12,
                    "{library}: session {} cost {} but its tokens price to {by_hand}",
                    s.session_id,
                    s.cost_usd
                );
                assert_eq!(s.unpriced_llm_calls, 0);
                assert_eq!(s.priced_llm_calls, s.llm_calls);
                *outcomes
                    .entry((label.label.clone(), s.outcome.clone()))
                    .or_default() += 1;
                // Where the label decides the outcome, the outcome must follow it.
                match label.label.as_str() {
                    "ok" => assert_eq!(
                        s.outcome, "success",
                        "{library}: ok session {} is {} ({:?})",
                        s.session_id, s.outcome, s.outcome_reasons
                    ),
                    "tool_loop" | "auth_rot" | "silent_failure" | "schema_drift" => assert_eq!(
                        s.outcome, "failure",
                        "{library}: {} session {} is {} ({:?})",
                        label.label, s.session_id, s.outcome, s.outcome_reasons
                    ),
                    _ => {}
                }
            }
        }
        Ok(())
    })?;
    eprintln!("label/outcome counts: {outcomes:?}");
    assert_eq!(sessions_seen, 50);

    let text = handle.render();
    let sessions_total: f64 = text
        .lines()
        .filter(|l| l.starts_with("spotter_sessions_total{"))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum();
    assert_eq!(sessions_total, 50.0, "{text}");
    let ok_sessions = outcomes
        .iter()
        .filter(|((label, _), _)| label == "ok")
        .map(|(_, n)| n)
        .sum::<usize>();
    let successes: f64 = text
        .lines()
        .filter(|l| l.starts_with("spotter_sessions_total{") && l.contains(r#"outcome="success""#))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum();
    assert!(successes >= ok_sessions as f64);
    check_with_promtool(&agent_families(&text))?;
    Ok(())
}

/// The lines of the agent metric families (other processors' series are checked elsewhere).
fn agent_families(text: &str) -> String {
    let ours = |name: &str| {
        names::HISTOGRAM_BUCKETS
            .iter()
            .map(|(n, _)| *n)
            .chain([
                names::SESSIONS_TOTAL,
                names::SESSION_FAILURES_TOTAL,
                names::LLM_TOKENS_TOTAL,
                names::COST_UNPRICED_SPANS_TOTAL,
                names::CONTEXT_SATURATED_TOTAL,
                names::CONTEXT_TRUNCATION_SUSPECTED_TOTAL,
                names::AGENT_STATE_EVICTIONS_TOTAL,
            ])
            .any(|n| {
                name == n
                    || name
                        .strip_prefix(n)
                        .is_some_and(|rest| rest.starts_with('_'))
            })
    };
    let mut out = String::new();
    for line in text.lines() {
        let name = match line
            .strip_prefix("# HELP ")
            .or_else(|| line.strip_prefix("# TYPE "))
        {
            Some(rest) => rest.split(' ').next().unwrap_or(""),
            None => line.split(['{', ' ']).next().unwrap_or(""),
        };
        if ours(name) {
            out.push_str(line);
            out.push('\n');
        }
    }
    assert!(out.contains("spotter_sessions_total"), "{out}");
    out
}

/// `promtool check metrics` over the rendered text, when promtool is installed.
fn check_with_promtool(text: &str) -> Result<()> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let Ok(mut child) = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    else {
        eprintln!("promtool not installed; skipping `promtool check metrics`");
        return Ok(());
    };
    child
        .stdin
        .take()
        .context("stdin")?
        .write_all(text.as_bytes())?;
    let out = child.wait_with_output()?;
    assert!(
        out.status.success(),
        "promtool check metrics: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(())
}

/// Throughput of the agent processors over the fixtures, beside the session processor alone.
/// Run in release: `cargo test --release --test agent_fixtures -- --ignored --nocapture`.
#[test]
#[ignore]
fn throughput_with_cost_outcome_and_metrics() -> Result<()> {
    let mut all = Vec::new();
    for library in LIBRARIES {
        all.extend(requests(library)?);
    }
    let spans_per_round: usize = all.iter().map(|r| spans(r).count()).sum();
    let recorder = Catalog::of(&[spotter::processor::describe])
        .prometheus_builder()?
        .build_recorder();
    let rounds = 200;
    let mut rates = Vec::new();
    for pipeline in [
        "session: { wait: 0s }",
        "session: { wait: 0s }\ncost: {}",
        "session: { wait: 0s }\noutcome: {}",
        "session: { wait: 0s }\nagent_metrics: {}",
        "session: { wait: 0s }\ncost: {}\noutcome: {}\nagent_metrics: {}",
    ] {
        let rate = metrics::with_local_recorder(&recorder, || -> Result<f64> {
            let mut chain = chain(pipeline)?;
            let start = Instant::now();
            for _ in 0..rounds {
                let now = Instant::now();
                for req in &all {
                    chain.process(Batch::traces(req.clone(), now), now);
                }
            }
            Ok((spans_per_round * rounds) as f64 / start.elapsed().as_secs_f64())
        })?;
        eprintln!("{pipeline:?}: {rate:.0} spans/s");
        rates.push(rate);
    }
    eprintln!(
        "agent processors keep {:.0}% of the session-only throughput",
        100.0 * rates[rates.len() - 1] / rates[0]
    );
    Ok(())
}
