"""The evalcases exporter, end to end through the built binary.

Sessions are produced with the real OpenTelemetry Python SDK (OTLP/HTTP protobuf): a calendar
agent whose tool fails on auth while the answer hides it (a silent failure), a search agent
that loops, and healthy sessions. spotter runs `session, tool_outcome, silent_failure,
tool_loop, failure_modes, outcome` and four `evalcases` exporters (jsonl, langfuse, braintrust,
phoenix); the langfuse one pushes to a local capture server, the phoenix one to a real Phoenix.

Checks: every JSONL case validates against config/schema/evalcase.schema.json; the Langfuse
and Braintrust shapes carry exactly their documented fields; the cases pushed to Phoenix come
back as a dataset through Phoenix's REST API; GET /v1/failure-modes lists the modes.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jsonschema
import pytest
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "config/schema/evalcase.schema.json").read_text())
DATASET = "spotter-regressions-test"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_json(url: str, timeout: float = 5.0):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return json.loads(r.read())


def wait(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


class Capture(BaseHTTPRequestHandler):
    """Records every POST, answering like Langfuse's public API."""

    requests: list[tuple[str, dict, dict]] = []

    def do_POST(self):  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        Capture.requests.append((self.path, dict(self.headers), body))
        out = json.dumps({"id": body.get("id", "x")}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def phoenix():
    binary = os.environ.get("PHOENIX_BIN")
    if not binary or not Path(binary).exists():
        pytest.fail("PHOENIX_BIN is not set to the phoenix executable; run tests/evals/run.sh")
    work = Path(tempfile.mkdtemp(prefix="spotter-phoenix-"))
    port = free_port()
    env = dict(os.environ, PHOENIX_HOST="127.0.0.1", PHOENIX_PORT=str(port),
               PHOENIX_GRPC_PORT=str(free_port()), PHOENIX_WORKING_DIR=str(work),
               PHOENIX_TELEMETRY_ENABLED="false", DO_NOT_TRACK="1")
    log = open(work / "phoenix.log", "wb")
    proc = subprocess.Popen([binary, "serve"], env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"

    def up():
        if proc.poll() is not None:
            pytest.fail(f"phoenix exited: {(work / 'phoenix.log').read_text()[-3000:]}")
        try:
            return get_json(f"{base}/v1/datasets", timeout=2) is not None
        except OSError:
            return False

    wait(up, 240, "phoenix to serve /v1/datasets")
    yield base
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def capture():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Capture)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def spotter(phoenix, capture, tmp_path_factory):
    binary = os.environ.get("SPOTTER_BIN", str(ROOT / "target/debug/spotter"))
    d = tmp_path_factory.mktemp("spotter")
    for _ in range(5):
        ports = {k: free_port() for k in ("grpc", "http", "health", "metrics")}
        proc = start_spotter(binary, d, ports, phoenix, capture)
        if proc is not None:
            break
    else:
        pytest.fail(f"spotter found no free ports in 5 tries: {(d / 'spotter.log').read_text()[-3000:]}")
    yield d, ports
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=20)


def start_spotter(binary: str, d: Path, ports: dict, phoenix: str, capture: str):
    """Start spotter on `ports`; None when a port was taken between picking and binding it
    (free_port releases the port it found, so another process can take it first)."""
    config = d / "spotter.yaml"
    config.write_text(f"""\
receivers:
  otlp:
    protocols:
      grpc: {{ endpoint: "127.0.0.1:{ports['grpc']}" }}
      http: {{ endpoint: "127.0.0.1:{ports['http']}" }}
processors:
  session: {{ wait: 100ms }}
  tool_outcome: {{}}
  silent_failure: {{}}
  tool_loop: {{}}
  failure_modes:
    state_file: {d}/modes.json
    manifest: {d}/cases.jsonl
  outcome: {{}}
exporters:
  evalcases/jsonl:
    path: {d}/cases.jsonl
  evalcases/langfuse:
    path: {d}/cases.langfuse.jsonl
    format: langfuse
    dataset: {DATASET}
    push: {{ endpoint: "{capture}", public_key: pk-lf-test, secret_key: sk-lf-test }}
  evalcases/braintrust:
    path: {d}/cases.braintrust.jsonl
    format: braintrust
  evalcases/phoenix:
    path: {d}/cases.phoenix.json
    format: phoenix
    dataset: {DATASET}
    push: {{ endpoint: "{phoenix}" }}
extensions:
  health_check: {{ endpoint: "127.0.0.1:{ports['health']}" }}
service:
  extensions: [health_check]
  pipelines:
    traces:
      receivers: [otlp]
      processors: [session, tool_outcome, silent_failure, tool_loop, failure_modes, outcome]
      exporters: [evalcases/jsonl, evalcases/langfuse, evalcases/braintrust, evalcases/phoenix]
  telemetry:
    metrics: {{ address: "127.0.0.1:{ports['metrics']}" }}
    logs: {{ level: warn }}
""")
    log_path = d / "spotter.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([binary, "--config", str(config)], stdout=log,
                                stderr=subprocess.STDOUT)

    def ready():
        if proc.poll() is not None:
            return "exited"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{ports['health']}/readyz", timeout=1) as r:
                return r.status == 200
        except OSError:
            return False

    if wait(ready, 30, "spotter to be ready") == "exited":
        text = log_path.read_text()
        if "Address already in use" in text:
            return None
        pytest.fail(f"spotter exited with {proc.returncode}: {text[-3000:]}")
    return proc


def send_sessions(http_port: int) -> None:
    provider = TracerProvider(resource=Resource.create(
        {"service.name": "calendar-bot", "service.version": "3.1.0"}))
    provider.add_span_processor(SimpleSpanProcessor(
        OTLPSpanExporter(endpoint=f"http://127.0.0.1:{http_port}/v1/traces")))
    tracer = provider.get_tracer("evalcases-test")

    def turn(session: str, user: str, calls: list[tuple[str, str, str]], answer: str) -> None:
        with tracer.start_as_current_span("invoke_agent assistant", attributes={
            "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "assistant",
            "session.id": session, "spotter.session.end": True,
        }):
            for name, args, result in calls:
                with tracer.start_as_current_span(f"execute_tool {name}", attributes={
                    "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": name,
                    "gen_ai.tool.call.arguments": args, "gen_ai.tool.call.result": result,
                    "session.id": session,
                }):
                    pass
            with tracer.start_as_current_span("chat gpt-4o", attributes={
                "gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o",
                "session.id": session,
                "gen_ai.input.messages": json.dumps(
                    [{"role": "user", "parts": [{"type": "text", "content": user}]}]),
                "gen_ai.output.messages": json.dumps([{"role": "assistant", "parts": [
                    {"type": "text", "content": answer}], "finish_reason": "stop"}]),
            }):
                pass

    for i in range(4):
        turn(f"cal-{i}", "What is on my calendar on Tuesday?",
             [("get_calendar", json.dumps({"user": f"u-{i}", "day": "tuesday"}),
               json.dumps({"error": {"code": 401,
                                     "message": f"access token for user u-{i} expired"}}))],
             "On Tuesday you have a standup at 9:00.")
    for i in range(3):
        same = json.dumps({"q": "flights to Lisbon"})
        turn(f"loop-{i}", "Find me a flight to Lisbon",
             [("search_flights", same, json.dumps({"results": []}))] * 6,
             "I could not find flights.")
    for i in range(3):
        turn(f"ok-{i}", "What is on my calendar on Tuesday?",
             [("get_calendar", json.dumps({"user": f"u-{i}"}),
               json.dumps({"events": [{"title": "standup", "start": "09:00"}]}))],
             "On Tuesday you have a standup at 9:00.")
    provider.shutdown()


def lines(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(x) for x in path.read_text().splitlines() if x.strip()]


def test_failing_sessions_become_cases_in_every_shape_and_reach_phoenix(spotter, phoenix, capture):
    d, ports = spotter
    send_sessions(ports["http"])
    cases = wait(lambda: len(lines(d / "cases.jsonl")) >= 2 and lines(d / "cases.jsonl"),
                 30, "cases in cases.jsonl")
    time.sleep(1.0)
    cases = lines(d / "cases.jsonl")

    # Generic JSONL: the shipped schema, replayable content, mode-derived assertions.
    for case in cases:
        jsonschema.validate(case, SCHEMA)
    kinds = {c["kind"] for c in cases}
    assert "silent_failure" in kinds, cases
    calendar = next(c for c in cases if c["kind"] == "silent_failure")
    assert calendar["turns"][0]["input"] == "What is on my calendar on Tuesday?"
    assert calendar["turns"][0]["answer"].startswith("On Tuesday")
    assert calendar["tool_calls"][0]["name"] == "get_calendar"
    assert "expired" in calendar["tool_calls"][0]["result"]
    assert calendar["release"] == "3.1.0"
    assert any("must tell the user when get_calendar fails" in a["description"]
               for a in calendar["assertions"])
    # First N (3) per mode, not every occurrence.
    per_mode: dict[str, int] = {}
    for c in cases:
        per_mode[c["fingerprint"]] = per_mode.get(c["fingerprint"], 0) + 1
    assert max(per_mode.values()) <= 3, per_mode

    # Langfuse dataset items: the documented fields, pushed with basic auth.
    items = lines(d / "cases.langfuse.jsonl")
    assert len(items) == len(cases)
    for item in items:
        assert set(item) == {"id", "datasetName", "input", "expectedOutput", "metadata",
                             "sourceTraceId"}
        assert item["datasetName"] == DATASET
        assert len(item["sourceTraceId"]) == 32
    pushed = wait(lambda: [r for r in Capture.requests if r[0] == "/api/public/dataset-items"]
                  if len([r for r in Capture.requests
                          if r[0] == "/api/public/dataset-items"]) == len(items) else None,
                  15, "dataset items at the capture server")
    auth = pushed[0][1].get("Authorization") or pushed[0][1].get("authorization")
    assert auth == "Basic " + base64.b64encode(b"pk-lf-test:sk-lf-test").decode()
    assert any(r[0] == "/api/public/v2/datasets" and r[2] == {"name": DATASET}
               for r in Capture.requests)
    assert {r[2]["id"] for r in pushed} == {i["id"] for i in items}

    # Braintrust rows.
    rows = lines(d / "cases.braintrust.jsonl")
    assert len(rows) == len(cases)
    for row in rows:
        assert set(row) == {"id", "input", "expected", "metadata", "tags"}
        assert "spotter" in row["tags"]

    # Phoenix: the upload body on disk, and the dataset read back from the real server.
    body = json.loads((d / "cases.phoenix.json").read_text())
    assert len(body["inputs"]) == len(body["outputs"]) == len(body["metadata"]) == len(cases)

    def dataset():
        found = get_json(f"{phoenix}/v1/datasets?name={DATASET}")["data"]
        if not found:
            return None
        examples = get_json(f"{phoenix}/v1/datasets/{found[0]['id']}/examples")["data"]
        return examples["examples"] if len(examples["examples"]) == len(cases) else None

    examples = wait(dataset, 30, "the cases as a Phoenix dataset")
    assert {e["metadata"]["id"] for e in examples} == {c["id"] for c in cases}
    assert all(e["output"]["assertions"] for e in examples)

    # The registry lists the modes; the manifest (the JSONL itself) covers the exported ones.
    modes = get_json(f"http://127.0.0.1:{ports['metrics']}/v1/failure-modes")["modes"]
    fps = {m["fingerprint"]: m for m in modes}
    assert calendar["fingerprint"] in fps
    assert fps[calendar["fingerprint"]]["state"] == "new"

    def covered():
        m = get_json(f"http://127.0.0.1:{ports['metrics']}/v1/failure-modes")["modes"]
        return next((x for x in m if x["fingerprint"] == calendar["fingerprint"] and x["evals"]), None)

    mode = wait(covered, 10, "the manifest to cover the calendar mode")
    assert calendar["id"] in mode["evals"]
