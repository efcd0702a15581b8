"""A real Arize Phoenix, offline on 127.0.0.1, receives the fixtures through config/phoenix.yaml.

Phoenix (PyPI `arize-phoenix`, pinned in requirements.txt) runs with telemetry off, no external
resources and a scratch working directory (SQLite). spotter runs the shipped config/phoenix.yaml
with only its ports and PHOENIX_ENDPOINT changed, every captured fixture request is replayed into
it, and spotter is stopped with SIGTERM so sessions end and everything is flushed. Then, through
Phoenix's REST and GraphQL APIs, every library's project must hold its spans, each with a known
span kind, its sessions, token counts on every LLM span, a cost Phoenix computed, and spotter's
findings (metadata.spotter, and ERROR status on failed tool calls).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO.parent / "shared" / "fixtures"
# Sessions per library, from the fixtures' labels (10 ShopBot conversations each).
LIBRARIES = ["otel-proto", "otel-json", "openinference", "traceloop", "langfuse"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method: str, url: str, body: bytes | None = None, headers: dict | None = None):
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return resp.status, resp.read()


def wait_for(what: str, probe, timeout: float, proc: subprocess.Popen, log: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"{what}: process exited {proc.returncode}\n{log.read_text()[-4000:]}")
        try:
            got = probe()
            if got:
                return got
        except OSError:
            pass
        time.sleep(0.25)
    pytest.fail(f"timed out waiting for {what}\n{log.read_text()[-4000:]}")


def resource_attrs_of_fixture(path: Path) -> dict[str, str]:
    """service.name and openinference.project.name of a captured request's first resource."""
    raw = path.read_bytes()
    if path.name.endswith(".json"):
        doc = json.loads(raw)
        attrs = doc["resourceSpans"][0]["resource"]["attributes"]
        return {a["key"]: a["value"].get("stringValue", "") for a in attrs}
    import gzip

    from opentelemetry.proto.collector.trace.v1 import trace_service_pb2

    if path.name.endswith(".gz"):
        raw = gzip.decompress(raw)
    req = trace_service_pb2.ExportTraceServiceRequest.FromString(raw)
    attrs = req.resource_spans[0].resource.attributes
    return {a.key: a.value.string_value for a in attrs}


def expected_projects() -> dict[str, str]:
    """Library -> the Phoenix project its spans must land in: the project its agent named
    itself, else its service.name (what spotter's openinference profile adds)."""
    out = {}
    for lib in LIBRARIES:
        first = sorted(p for p in (FIXTURES / lib).iterdir() if not p.name.endswith(".meta.json"))[0]
        attrs = resource_attrs_of_fixture(first)
        out[lib] = attrs.get("openinference.project.name") or attrs["service.name"]
    return out


@pytest.fixture(scope="module")
def phoenix(tmp_path_factory):
    work = tmp_path_factory.mktemp("phoenix")
    port, grpc_port = free_port(), free_port()
    log = work / "phoenix.log"
    env = {
        **os.environ,
        "PHOENIX_HOST": "127.0.0.1",
        "PHOENIX_PORT": str(port),
        "PHOENIX_GRPC_PORT": str(grpc_port),
        "PHOENIX_WORKING_DIR": str(work),
        "PHOENIX_TELEMETRY_ENABLED": "false",
        "PHOENIX_ALLOW_EXTERNAL_RESOURCES": "false",
    }
    proc = subprocess.Popen(
        [os.sys.executable, "-m", "phoenix.server.main", "serve"],
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    wait_for("phoenix", lambda: http("GET", f"{base}/healthz")[0] == 200, 180, proc, log)
    print(f"phoenix ready in {time.monotonic() - started:.1f}s")
    yield base
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def forwarded(phoenix, tmp_path_factory):
    """Run config/phoenix.yaml, replay every fixture into it, stop it; returns Phoenix's URL."""
    work = tmp_path_factory.mktemp("spotter")
    shipped = (REPO / "config" / "phoenix.yaml").read_text()
    grpc, http_port, metrics, health = free_port(), free_port(), free_port(), free_port()
    config = (
        shipped.replace("-127.0.0.1}:4317", f"-127.0.0.1}}:{grpc}")
        .replace("-127.0.0.1}:4318", f"-127.0.0.1}}:{http_port}")
        .replace("127.0.0.1:8888", f"127.0.0.1:{metrics}")
        .replace("127.0.0.1:13133", f"127.0.0.1:{health}")
    )
    assert config != shipped
    (work / "config.yaml").write_text(config)
    log = work / "spotter.log"
    binary = Path(os.environ.get("SPOTTER_BIN", REPO / "target" / "debug" / "spotter"))
    proc = subprocess.Popen(
        [str(binary), "--config", str(work / "config.yaml")],
        env={**os.environ, "PHOENIX_ENDPOINT": phoenix},
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    wait_for(
        "spotter",
        lambda: http("GET", f"http://127.0.0.1:{health}/readyz")[0] == 200,
        30,
        proc,
        log,
    )
    for meta_path in sorted(FIXTURES.glob("*/*.meta.json")):
        meta = json.loads(meta_path.read_text())
        headers = {"content-type": meta["content_type"]}
        if meta.get("content_encoding"):
            headers["content-encoding"] = meta["content_encoding"]
        body = (meta_path.parent / meta["file"]).read_bytes()
        status, _ = http("POST", f"http://127.0.0.1:{http_port}{meta['path']}", body, headers)
        assert status == 200, meta_path
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=60) == 0, log.read_text()[-4000:]
    return phoenix


def graphql(base: str, query: str) -> dict:
    status, body = http(
        "POST",
        f"{base}/graphql",
        json.dumps({"query": query}).encode(),
        {"content-type": "application/json"},
    )
    doc = json.loads(body)
    assert status == 200 and not doc.get("errors"), doc
    return doc["data"]


def spans_of(base: str, project: str) -> list[dict]:
    out, cursor = [], None
    while True:
        q = {"limit": "1000"}
        if cursor:
            q["cursor"] = cursor
        url = f"{base}/v1/projects/{urllib.parse.quote(project)}/spans?{urllib.parse.urlencode(q)}"
        _, body = http("GET", url)
        doc = json.loads(body)
        out.extend(doc["data"])
        cursor = doc.get("next_cursor")
        if not cursor:
            return out


def attr(span: dict, key: str):
    """A span attribute from Phoenix's REST span, whether flat or nested by dots."""
    attrs = span.get("attributes") or {}
    if key in attrs:
        return attrs[key]
    node = attrs
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def project_summary(base: str) -> dict[str, dict]:
    data = graphql(
        base,
        "{ projects { edges { node { name traceCount sessionCount tokenCountTotal "
        "costSummary { total { cost tokens } } } } } }",
    )
    return {e["node"]["name"]: e["node"] for e in data["projects"]["edges"]}


def test_every_library_lands_in_its_project_with_sessions_kinds_tokens_cost_and_findings(forwarded):
    base = forwarded
    projects = expected_projects()
    labels = [json.loads(line) for line in (FIXTURES / "labels.jsonl").read_text().splitlines() if line.strip()]
    # Phoenix ingests asynchronously: wait until every project has all its sessions.
    deadline = time.monotonic() + 60
    while True:
        summary = project_summary(base)
        if all(summary.get(p, {}).get("sessionCount", 0) >= 10 for p in projects.values()):
            break
        if time.monotonic() > deadline:
            break
        time.sleep(0.5)
    print(json.dumps(summary, indent=1))
    sessions_total = 0
    for lib, project in projects.items():
        assert project in summary, f"{lib}: no Phoenix project {project!r}; have {sorted(summary)}"
        p = summary[project]
        spans = spans_of(base, project)
        assert spans, f"{lib}: no spans in {project}"
        kinds = {s["span_kind"] for s in spans}
        assert "UNKNOWN" not in kinds, f"{lib}: spans of unknown kind ({kinds})"
        assert {"LLM", "TOOL"} <= kinds, f"{lib}: kinds {kinds}"
        llm = [s for s in spans if s["span_kind"] == "LLM"]
        for s in llm:
            assert (attr(s, "llm.token_count.prompt") or 0) > 0, f"{lib}: {s['name']} without tokens"
            assert attr(s, "llm.token_count.completion") is not None, s["name"]
        assert p["tokenCountTotal"] > 0, f"{lib}: Phoenix counted no tokens"
        cost = p["costSummary"]["total"]["cost"]
        assert cost is not None and cost > 0, f"{lib}: Phoenix computed no cost ({p['costSummary']})"
        assert p["sessionCount"] >= 10, f"{lib}: {p['sessionCount']} sessions"
        sessions_total += p["sessionCount"]
        finding_keys = [
            "spotter.tool.silent_failure",
            "spotter.auth_rot",
            "spotter.tool.schema_drift",
            "spotter.loop",
        ]
        with_findings = [s for s in spans if any(attr(s, k) is not None for k in finding_keys)]
        found = {k for s in with_findings for k in finding_keys if attr(s, k) is not None}
        assert {"spotter.tool.silent_failure", "spotter.auth_rot"} <= found, (
            f"{lib}: findings visible in Phoenix: {sorted(found)}"
        )
        failed_tools = [
            s
            for s in spans
            if s["span_kind"] == "TOOL"
            # Hard failures; schema_mismatch and empty are about the data, not the call, and
            # keep their status (tool_outcome's mark_failed_spans).
            and attr(s, "spotter.tool.outcome") not in (None, "ok", "schema_mismatch", "empty")
        ]
        assert failed_tools, f"{lib}: no failed tool call found"
        assert all(s["status_code"] == "ERROR" for s in failed_tools), (
            f"{lib}: failed tool calls not marked ERROR: "
            f"{[(s['name'], s['status_code']) for s in failed_tools if s['status_code'] != 'ERROR']}"
        )
        print(f"{lib}: project {project}: {len(spans)} spans, kinds {sorted(kinds)}, "
              f"{p['sessionCount']} sessions, {p['tokenCountTotal']} tokens, cost {cost:.6f} USD, "
              f"{len(with_findings)} spans with findings, {len(failed_tools)} failed tool calls")
    assert sessions_total >= len(labels), f"{sessions_total} sessions, the labels hold {len(labels)}"
