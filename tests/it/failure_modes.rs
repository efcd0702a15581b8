//! The failure-mode loop through the real binary: sessions replayed with synthetic event
//! timestamps over 30 days go new → ongoing → escalating → resolved (14 days quiet) → regressed
//! with the new release; the evalcases file doubles as the manifest and coverage rises; the
//! registry survives SIGKILL.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

use super::harness;
use super::lifecycle::Daemon;

const DAY: u64 = 86_400 * 1_000_000_000;
const MINUTE: u64 = 60 * 1_000_000_000;

fn attr(key: &str, value: Value) -> Value {
    let v = match value {
        Value::Bool(b) => json!({ "boolValue": b }),
        Value::String(s) => json!({ "stringValue": s }),
        other => json!({ "stringValue": other.to_string() }),
    };
    json!({ "key": key, "value": v })
}

/// One single-turn session: the calendar tool fails on auth (or works) and the agent claims
/// success either way.
fn session(id: &str, n: u64, start: u64, release: &str, failing: bool) -> Value {
    let trace = format!("{:032x}", (n + 1) * 7919);
    let span = |k: u64| format!("{:016x}", (n + 1) * 1000 + k);
    let result = if failing {
        format!(
            r#"{{"error": {{"code": 401, "message": "access token for user u-{n} expired at 2026-11-0{}T10:00:00Z"}}}}"#,
            n % 9 + 1
        )
    } else {
        r#"{"events": [{"title": "standup", "start": "09:00"}]}"#.to_string()
    };
    let common = |extra: Vec<Value>| {
        let mut a = vec![attr("session.id", json!(id))];
        a.extend(extra);
        a
    };
    json!({
      "resourceSpans": [{
        "resource": { "attributes": [
            attr("service.name", json!("calendar-bot")),
            attr("service.version", json!(release)) ] },
        "scopeSpans": [{ "spans": [
          { "traceId": trace, "spanId": span(1), "name": "invoke_agent assistant", "kind": 1,
            "startTimeUnixNano": start.to_string(), "endTimeUnixNano": (start + 4_000_000_000).to_string(),
            "attributes": common(vec![
                attr("gen_ai.operation.name", json!("invoke_agent")),
                attr("gen_ai.agent.name", json!("assistant")),
                attr("spotter.session.end", json!(true))]) },
          { "traceId": trace, "spanId": span(2), "parentSpanId": span(1), "name": "execute_tool get_calendar",
            "startTimeUnixNano": (start + 1_000_000_000).to_string(), "endTimeUnixNano": (start + 1_500_000_000).to_string(),
            "attributes": common(vec![
                attr("gen_ai.operation.name", json!("execute_tool")),
                attr("gen_ai.tool.name", json!("get_calendar")),
                attr("gen_ai.tool.call.arguments", json!(format!(r#"{{"user": "u-{n}", "day": "tuesday"}}"#))),
                attr("gen_ai.tool.call.result", json!(result))]) },
          { "traceId": trace, "spanId": span(3), "parentSpanId": span(1), "name": "chat gpt-4o",
            "startTimeUnixNano": (start + 2_000_000_000).to_string(), "endTimeUnixNano": (start + 3_000_000_000).to_string(),
            "attributes": common(vec![
                attr("gen_ai.operation.name", json!("chat")),
                attr("gen_ai.request.model", json!("gpt-4o")),
                attr("gen_ai.input.messages", json!(r#"[{"role":"user","parts":[{"type":"text","content":"What is on my calendar on Tuesday?"}]}]"#)),
                attr("gen_ai.output.messages", json!(r#"[{"role":"assistant","parts":[{"type":"text","content":"On Tuesday you have a standup at 9:00."}],"finish_reason":"stop"}]"#))]) }
        ]}]
      }]
    })
}

struct Loop {
    d: Daemon,
    base: u64,
    n: u64,
}

impl Loop {
    async fn send(&mut self, day: u64, count: u64, release: &str, failing: bool) {
        for i in 0..count {
            self.n += 1;
            let id = format!("s-{day}-{i}-{}", self.n);
            let body = session(
                &id,
                self.n,
                self.base + day * DAY + i * MINUTE,
                release,
                failing,
            );
            let r = harness::post(
                &format!("http://127.0.0.1:{}/v1/traces", self.d.http),
                "application/json",
                None,
                serde_json::to_vec(&body).unwrap(),
            )
            .await;
            assert_eq!(r.status, 200, "{}", r.text());
        }
    }

    async fn modes(&self) -> Value {
        let r = harness::get(&format!(
            "http://127.0.0.1:{}/v1/failure-modes?kind=silent_failure",
            self.d.metrics
        ))
        .await;
        assert_eq!(r.status, 200, "{}", r.text());
        serde_json::from_slice(&r.body).unwrap()
    }

    /// Wait until the calendar mode reaches `state` (sessions end after the session wait).
    async fn expect(&self, state: &str, sessions: u64) -> Value {
        let mut last = Value::Null;
        for _ in 0..100 {
            last = self.modes().await;
            if let Some(m) = last["modes"].as_array().and_then(|a| a.first()) {
                if m["state"] == state && m["sessions"].as_u64() == Some(sessions) {
                    return m.clone();
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "mode never reached {state} with {sessions} sessions: {last:#}\nlog: {}",
            self.d.log()
        );
    }

    async fn metric(&self, name: &str) -> String {
        let r = harness::get(&format!("http://127.0.0.1:{}/metrics", self.d.metrics)).await;
        r.text()
            .lines()
            .filter(|l| l.starts_with(name))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

#[tokio::test]
async fn a_failure_mode_lives_new_escalating_resolved_regressed_and_survives_sigkill() {
    let d = Daemon::start_with("failure-modes", |http, grpc, metrics, health| {
        let dir =
            std::env::temp_dir().join(format!("spotter-it-failure-modes-{}", std::process::id()));
        let state = dir.join("modes.json");
        let cases = dir.join("cases.jsonl");
        format!(
            r#"receivers:
  otlp:
    protocols:
      grpc: {{ endpoint: "127.0.0.1:{grpc}" }}
      http: {{ endpoint: "127.0.0.1:{http}" }}
processors:
  session: {{ wait: 50ms }}
  tool_outcome: {{}}
  silent_failure: {{}}
  failure_modes:
    state_file: {state}
    manifest: {cases}
    new_for: 1d
    flush_interval: 100ms
    escalation: {{ window: 24h, baseline: 168h, min_sessions: 5 }}
  outcome: {{}}
exporters:
  evalcases:
    path: {cases}
    per_mode: 2
extensions:
  health_check:
    endpoint: 127.0.0.1:{health}
service:
  extensions: [health_check]
  pipelines:
    traces:
      receivers: [otlp]
      processors: [session, tool_outcome, silent_failure, failure_modes, outcome]
      exporters: [evalcases]
  telemetry:
    metrics:
      address: 127.0.0.1:{metrics}
"#,
            state = state.display(),
            cases = cases.display()
        )
    })
    .await;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let mut l = Loop {
        base: now - 31 * DAY,
        d,
        n: 0,
    };

    // Day 0: a failure appears and is listed as a new mode.
    l.send(0, 1, "1.0", true).await;
    let m = l.expect("new", 1).await;
    assert_eq!(m["tool"], "get_calendar");
    assert_eq!(m["first_release"], "1.0");
    let fp = m["fingerprint"].as_str().unwrap().to_string();
    // Days 1-9: one session a day, the same fingerprint whatever the user and time in the text.
    for day in 1..10 {
        l.send(day, 1, "1.0", true).await;
    }
    l.expect("ongoing", 10).await;
    // Its cases were exported (the first 2), the manifest is the same file: coverage rises.
    let cases = std::fs::read_to_string(l.d.dir.join("cases.jsonl")).unwrap();
    let lines: Vec<Value> = cases
        .lines()
        .map(|x| serde_json::from_str(x).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{cases}");
    assert_eq!(lines[0]["fingerprint"], fp.as_str());
    assert!(lines[0]["assertions"][0]["description"]
        .as_str()
        .unwrap()
        .contains("must tell the user when get_calendar fails"));
    let mut coverage = String::new();
    for _ in 0..50 {
        coverage = l.metric("spotter_eval_coverage_ratio").await;
        if coverage.ends_with(" 1") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(coverage.ends_with(" 1"), "{coverage}");
    // Day 10: twelve sessions in one day against about one a day: escalating.
    l.send(10, 12, "1.0", true).await;
    l.expect("escalating", 22).await;
    // Days 11-25: only healthy sessions; 14 days after the last failure it is resolved.
    for day in 11..24 {
        l.send(day, 1, "1.0", false).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_ne!(
        l.modes().await["modes"][0]["state"],
        "resolved",
        "not before 14 days"
    );
    l.send(24, 1, "1.0", false).await;
    l.send(25, 1, "1.0", false).await;
    l.expect("resolved", 22).await;
    // Day 27: release 2.0 brings it back.
    l.send(27, 1, "2.0", true).await;
    let m = l.expect("regressed", 23).await;
    assert_eq!(m["regressed_in"], "2.0");
    assert_eq!(m["last_release"], "2.0");
    assert_eq!(m["first_release"], "1.0");
    let sessions = l.metric("spotter_failure_mode_sessions_total").await;
    assert!(sessions.contains(&format!("mode=\"{fp}\"")), "{sessions}");
    let states = l.metric("spotter_failure_modes{").await;
    // Two modes share that life: the silent failure and the tool's auth error under it.
    assert!(states.contains("state=\"regressed\"} 2"), "{states}");

    // SIGKILL after the state was flushed: the registry comes back as it was.
    tokio::time::sleep(Duration::from_millis(500)).await;
    l.d.crash();
    l.d.restart().await;
    let back = l.modes().await;
    assert_eq!(back["modes"][0]["fingerprint"], fp.as_str(), "{back:#}");
    assert_eq!(back["modes"][0]["state"], "regressed");
    assert_eq!(back["modes"][0]["sessions"], 23);
}
