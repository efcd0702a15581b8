"""GenAI events from a real instrumentation: the OTel OpenAI instrumentation
(opentelemetry-instrumentation-openai-v2) runs one support-agent turn against a fake
OpenAI-compatible model on loopback (tests/corpus/gen/servers.py) and exports traces and logs
over OTLP/HTTP to spotter, in three modes (see genai_agent.py): messages on the spans, one log
event per message, and one `gen_ai.client.inference.operation.details` log event per call.

The turn hides a failed tool call behind a success answer. spotter must give the same verdicts
in every mode (the silent failure, the tool's outcome, their evaluation events), join the events
to their chat spans, and still write every log record to the logs pipeline.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO_ROOT, free_port, spotter_binary, stop_spotter, wait_ready, Spotter

sys.path.insert(0, str(REPO_ROOT / "tests" / "corpus" / "gen"))
from servers import ModelServer  # noqa: E402  (the corpus generator's fake model)

AGENT = Path(__file__).with_name("genai_agent.py")
ANSWER = "Your refund for order 7 has been issued."
MESSAGE_EVENTS = {
    "gen_ai.system.message",
    "gen_ai.user.message",
    "gen_ai.assistant.message",
    "gen_ai.tool.message",
    "gen_ai.choice",
}


def config(tmp: Path, ports: dict[str, int]) -> Path:
    path = tmp / "spotter.yaml"
    path.write_text(
        f"""\
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:{ports['http']}
processors:
  genai_events: {{}}
  session:
    wait: 500ms
    inactivity_timeout: 1s
  schema_drift: {{}}
  tool_outcome: {{}}
  auth_rot: {{}}
  silent_failure: {{}}
  tool_loop: {{}}
  goal: {{}}
  evaluation_events: {{}}
  batch:
    timeout: 50ms
exporters:
  file/traces:
    path: {tmp / 'traces.jsonl'}
  file/logs:
    path: {tmp / 'logs.jsonl'}
    sessions: false
extensions:
  health_check:
    endpoint: 127.0.0.1:{ports['health']}
service:
  extensions: [health_check]
  pipelines:
    traces:
      receivers: [otlp]
      processors: [genai_events, session, schema_drift, tool_outcome, auth_rot, silent_failure, tool_loop, goal, evaluation_events, batch]
      exporters: [file/traces]
    logs:
      receivers: [otlp]
      processors: [batch]
      exporters: [file/logs]
  telemetry:
    metrics:
      address: 127.0.0.1:{ports['metrics']}
    logs:
      level: warn
"""
    )
    return path


def lines(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def spans_of(requests: list[dict]) -> list[dict]:
    return [
        span
        for req in requests
        for rs in req.get("resourceSpans", [])
        for ss in rs.get("scopeSpans", [])
        for span in ss.get("spans", [])
    ]


def records_of(requests: list[dict]) -> list[dict]:
    return [
        rec
        for req in requests
        for rl in req.get("resourceLogs", [])
        for sl in rl.get("scopeLogs", [])
        for rec in sl.get("logRecords", [])
    ]


def value(v: dict):
    for kind in ("stringValue", "boolValue", "intValue", "doubleValue"):
        if kind in v:
            return v[kind]
    return json.dumps(v, sort_keys=True)


def attrs(items: list[dict]) -> dict:
    return {kv["key"]: value(kv.get("value", {})) for kv in items}


def run_agent(mode: str, tmp: Path) -> tuple[dict[str, dict], list[dict], list[dict]]:
    """Run the agent in `mode` through a fresh spotter; return its spans by name, the session
    summaries and the log records the logs pipeline wrote."""
    log = tmp / "spotter.log"
    for _ in range(5):
        ports = {name: free_port() for name in ("http", "health", "metrics")}
        cfg = config(tmp, ports)
        with open(log, "wb") as out:
            proc = subprocess.Popen(
                [str(spotter_binary()), "--config", str(cfg)], stdout=out, stderr=subprocess.STDOUT
            )
        if wait_ready(proc, ports["health"], log):
            break
    else:
        pytest.fail(f"spotter found no free ports in 5 tries:\n{log.read_text()}")
    running = Spotter(proc, ports, log, cfg)
    session = f"refund-{mode}"
    plan = [{"id": session, "turns": [{
        "steps": [[{"id": "call_1", "tool": "refund_order", "args": {"order": 7}}]],
        "answer": ANSWER,
    }]}]
    model = ModelServer(plan)
    try:
        agent = subprocess.run(
            [sys.executable, str(AGENT), mode, f"http://127.0.0.1:{ports['http']}",
             str(model.port), session],
            capture_output=True, text=True, timeout=120,
        )
        assert agent.returncode == 0, agent.stderr
        deadline = time.monotonic() + 20
        while len(spans_of(lines(tmp / "traces.jsonl"))) < 4:
            if time.monotonic() > deadline:
                pytest.fail(f"{mode}: spotter did not export the 4 spans:\n{log.read_text()}")
            time.sleep(0.1)
    finally:
        model.close()
        stop_spotter(running)
    assert proc.returncode == 0, log.read_text()
    spans = spans_of(lines(tmp / "traces.jsonl"))
    assert len(spans) == 4, [s["name"] for s in spans]
    by_name = {s["name"]: s for s in spans if not s["name"].startswith("chat")}
    # The two chat spans are told apart by their place in the turn.
    chats = sorted((s for s in spans if s["name"].startswith("chat")),
                   key=lambda s: int(s["startTimeUnixNano"]))
    by_name["chat/tool_calls"], by_name["chat/answer"] = chats
    return by_name, lines(tmp / "traces.sessions.jsonl"), records_of(lines(tmp / "logs.jsonl"))


def verdicts(spans: dict[str, dict]) -> dict[str, dict]:
    """What spotter decided about each span: its spotter.* attributes and evaluation events."""
    out = {}
    for name, span in spans.items():
        a = {k: v for k, v in attrs(span.get("attributes", [])).items() if k.startswith("spotter.")}
        evaluations = sorted(
            json.dumps(attrs(e.get("attributes", [])), sort_keys=True)
            for e in span.get("events", [])
            if e["name"] == "gen_ai.evaluation.result"
        )
        out[name] = {"attributes": a, "evaluations": evaluations}
    return out


def findings(sessions: list[dict]) -> list[str]:
    return sorted(f.get("kind", "") for s in sessions for f in s.get("findings", []))


@pytest.fixture(scope="module")
def by_mode(tmp_path_factory):
    return {mode: run_agent(mode, tmp_path_factory.mktemp(mode)) for mode in ("span", "events", "details")}


def test_span_attribute_mode_finds_the_silent_failure(by_mode) -> None:
    spans, sessions, _ = by_mode["span"]
    tool = attrs(spans["execute_tool refund_order"]["attributes"])
    assert tool.get("spotter.tool.silent_failure") is True, tool
    assert "silent_failure" in findings(sessions), sessions
    names = [
        attrs(e["attributes"]).get("gen_ai.evaluation.name")
        for e in spans["execute_tool refund_order"].get("events", [])
        if e["name"] == "gen_ai.evaluation.result"
    ]
    assert "spotter.silent_failure" in names, names


@pytest.mark.parametrize("mode", ["events", "details"])
def test_an_agent_sending_genai_events_gets_the_same_verdicts_as_with_span_attributes(by_mode, mode) -> None:
    expected_spans, expected_sessions, _ = by_mode["span"]
    spans, sessions, _ = by_mode[mode]
    assert verdicts(spans) == verdicts(expected_spans)
    assert findings(sessions) == findings(expected_sessions)


def test_per_message_events_are_joined_to_their_chat_span_and_attached(by_mode) -> None:
    spans, _, records = by_mode["events"]
    answer = spans["chat/answer"]
    a = attrs(answer["attributes"])
    assert ANSWER in a["gen_ai.output.messages"]
    assert "tool_call_response" in a["gen_ai.input.messages"]
    events = [e["name"] for e in answer.get("events", []) if e["name"] in MESSAGE_EVENTS]
    assert events == [
        "gen_ai.system.message",
        "gen_ai.user.message",
        "gen_ai.assistant.message",
        "gen_ai.tool.message",
        "gen_ai.choice",
    ], events
    # Every event still reached the logs pipeline, with its ids and body.
    names = sorted(r.get("eventName", "") for r in records)
    assert names.count("gen_ai.choice") == 2 and names.count("gen_ai.tool.message") == 1, names
    assert all(r.get("spanId") and r.get("body") for r in records)


def test_inference_details_events_are_joined_to_their_chat_span(by_mode) -> None:
    spans, _, records = by_mode["details"]
    a = attrs(spans["chat/answer"]["attributes"])
    assert ANSWER in a["gen_ai.output.messages"]
    assert [r.get("eventName") for r in records] == ["gen_ai.client.inference.operation.details"] * 2
