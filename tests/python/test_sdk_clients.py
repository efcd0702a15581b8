"""Real OpenTelemetry Python SDK exporters -> spotter -> a downstream OTLP/gRPC sink.

Each test records an agent session with the SDK (gen_ai.* attributes, long message JSON, tool
arguments and results, events, links, an error, nested spans, every span kind and attribute
type), exports it through one of the SDK's real OTLP exporters from PyPI (gRPC, HTTP/protobuf,
HTTP/JSON; with and without gzip), and checks that the sink received every span intact:

1. field by field against the SDK's own `ReadableSpan`s captured by `InMemorySpanExporter`
   (ids, parent, name, kind, timestamps, attributes, events, links, status, resource, scope);
2. as whole messages against the exporter's own encoding of the same spans, so that nothing
   the client put on the wire (flags, trace state, dropped counts) went missing.
"""

from __future__ import annotations

import base64
import json
import logging
import random
import threading
import time
import zlib

import grpc
import pytest
from google.protobuf import json_format
from opentelemetry.exporter.otlp.common.http import Compression as JsonCompression
from opentelemetry.exporter.otlp.json.common._internal.trace_encoder import (
    encode_spans as encode_spans_json,
)
from opentelemetry.exporter.otlp.json.http.trace_exporter import (
    OTLPSpanExporter as JsonHttpExporter,
)
from opentelemetry.exporter.otlp.proto.common.trace_encoder import (
    encode_spans as encode_spans_proto,
)
from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import (
    OTLPSpanExporter as GrpcExporter,
)
from opentelemetry.exporter.otlp.proto.http import Compression as HttpCompression
from opentelemetry.exporter.otlp.proto.http.trace_exporter import (
    OTLPSpanExporter as ProtoHttpExporter,
)
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    SimpleSpanProcessor,
    SpanExportResult,
)
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import Link, SpanContext, SpanKind, Status, StatusCode, TraceFlags
from opentelemetry.trace.span import TraceState

from conftest import start_spotter, stop_spotter

# ---------------------------------------------------------------------------------------------
# Agent-like spans


def message_json(rng: random.Random, turns: int) -> str:
    """A chat history as instrumentations record it: a JSON array of role/content parts."""
    words = ["the", "agent", "calls", "search", "résumé", "naïve", "日本語", "🚀", "quote\"d",
             "back\\slash", "tab\there", "line\nbreak", "<tag>", "{brace}", "null", "0.5"]
    messages = [{"role": "system", "content": "You are a careful research assistant."}]
    for i in range(turns):
        role = "user" if i % 2 == 0 else "assistant"
        text = " ".join(rng.choice(words) for _ in range(rng.randint(40, 160)))
        messages.append({"role": role, "parts": [{"type": "text", "content": text}]})
    return json.dumps(messages, ensure_ascii=False)


def tool_result(rng: random.Random, size: int) -> str:
    rows = []
    while sum(len(r) for r in rows) < size:
        rows.append(json.dumps({"title": f"result {len(rows)}", "score": rng.random(),
                                "snippet": "lorem ipsum dolor sit amet " * rng.randint(1, 6)}))
    return "[" + ",".join(rows) + "]"


def record_session(provider: TracerProvider, session_id: str, seed: int) -> None:
    """Record one agent run: agent -> llm calls and tools, with a failing tool and a link."""
    rng = random.Random(seed)
    tracer = provider.get_tracer(
        "spotter.tests.agent", "1.2.3", schema_url="https://opentelemetry.io/schemas/1.26.0",
        attributes={"scope.kind": "agent-sdk"},
    )
    # A span from another trace (an earlier turn), linked from this run.
    earlier = SpanContext(
        trace_id=rng.getrandbits(128) | 1, span_id=rng.getrandbits(64) | 1, is_remote=True,
        trace_flags=TraceFlags(TraceFlags.SAMPLED), trace_state=TraceState([("vendor", "a1")]),
    )
    start = 1_760_000_000_123_456_789 + seed * 1_000_000_000
    with tracer.start_as_current_span(
        "invoke_agent research_assistant", kind=SpanKind.SERVER, start_time=start,
        links=[Link(earlier, {"link.reason": "previous_turn", "turn": 3})],
        attributes={
            "gen_ai.operation.name": "invoke_agent",
            "gen_ai.agent.name": "research_assistant",
            "gen_ai.agent.id": "agt_0193",
            "gen_ai.conversation.id": session_id,
            "session.id": session_id,
            "user.id": "u-42",
            "agent.max_steps": 12,
            "agent.tags": ["research", "web", "ünïcode"],
            "agent.weights": [0.25, 0.5, 1e-9],
            "agent.flags": [True, False, True],
            "agent.step_ids": [1, -2, 2**62],
            "agent.dry_run": False,
            "agent.empty": "",
        },
    ) as root:
        for step in range(2):
            with tracer.start_as_current_span("chat gpt-4o", kind=SpanKind.CLIENT) as llm:
                llm.set_attributes({
                    "gen_ai.operation.name": "chat",
                    "gen_ai.system": "openai",
                    "gen_ai.provider.name": "openai",
                    "gen_ai.request.model": "gpt-4o",
                    "gen_ai.response.model": "gpt-4o-2024-08-06",
                    "gen_ai.request.temperature": 0.2,
                    "gen_ai.request.max_tokens": 4096,
                    "gen_ai.usage.input_tokens": 1200 + step * 317,
                    "gen_ai.usage.output_tokens": 87 + step,
                    "gen_ai.response.finish_reasons": ["tool_calls"] if step == 0 else ["stop"],
                    "gen_ai.response.id": f"chatcmpl-{seed}-{step}",
                    "gen_ai.input.messages": message_json(rng, 4 + 2 * step),
                    "gen_ai.output.messages": message_json(rng, 1),
                })
                llm.add_event("gen_ai.content.prompt", {
                    "gen_ai.prompt": message_json(rng, 2),
                })
                llm.add_event("gen_ai.choice", {
                    "index": 0, "finish_reason": "tool_calls", "logprob": -0.125,
                }, timestamp=start + 5_000_000 + step)
                if step == 0:
                    with tracer.start_as_current_span("execute_tool web_search",
                                                      kind=SpanKind.INTERNAL) as tool:
                        tool.set_attributes({
                            "gen_ai.operation.name": "execute_tool",
                            "gen_ai.tool.name": "web_search",
                            "gen_ai.tool.type": "function",
                            "gen_ai.tool.call.id": f"call_{seed}_a",
                            "gen_ai.tool.call.arguments": json.dumps(
                                {"query": "otlp collectors in rust", "top_k": 5}),
                            "gen_ai.tool.call.result": tool_result(rng, rng.randint(200, 8000)),
                        })
                        with tracer.start_as_current_span("GET", kind=SpanKind.CLIENT) as http:
                            http.set_attributes({"http.request.method": "GET",
                                                 "url.full": "https://search.example/q?x=1",
                                                 "http.response.status_code": 200})
        with tracer.start_as_current_span("execute_tool read_file",
                                          kind=SpanKind.INTERNAL) as failing:
            failing.set_attributes({
                "gen_ai.operation.name": "execute_tool",
                "gen_ai.tool.name": "read_file",
                "gen_ai.tool.call.id": f"call_{seed}_b",
                "gen_ai.tool.call.arguments": json.dumps({"path": "/etc/missing.conf"}),
                "error.type": "FileNotFoundError",
            })
            try:
                raise FileNotFoundError("[Errno 2] No such file or directory: '/etc/missing.conf'")
            except FileNotFoundError as exc:
                failing.record_exception(exc, attributes={"tool.retryable": False})
            failing.set_status(Status(StatusCode.ERROR, "tool read_file failed: file not found"))
        with tracer.start_as_current_span("enqueue summary", kind=SpanKind.PRODUCER):
            pass
        with tracer.start_as_current_span("consume feedback", kind=SpanKind.CONSUMER,
                                          start_time=start + 999_999_999,
                                          end_on_exit=False) as consumer:
            consumer.end(end_time=start + 1_999_999_999)
        root.set_status(Status(StatusCode.OK))


RESOURCE_ATTRIBUTES = {
    "service.version": "0.9.1",
    "deployment.environment": "test",
    "host.name": "agent-box",
    "process.runtime.versions": ["3.11", "ok"],
}


def record(exporter, service: str, sessions: int = 2):
    """Record `sessions` agent runs, export them with `exporter` and return what the SDK
    captured."""
    captured = InMemorySpanExporter()
    resource = Resource.create({"service.name": service, **RESOURCE_ATTRIBUTES})
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(SimpleSpanProcessor(captured))
    outcomes: list[SpanExportResult] = []

    class Recording:
        """Wraps the real exporter to keep its results (the SDK's batch processor hides them)."""

        def export(self, spans):
            result = exporter.export(spans)
            outcomes.append(result)
            return result

        def shutdown(self):
            exporter.shutdown()

        def force_flush(self, timeout_millis: int = 30000) -> bool:
            return exporter.force_flush(timeout_millis)

    provider.add_span_processor(BatchSpanProcessor(Recording(), schedule_delay_millis=100,
                                                   max_export_batch_size=5))
    for i in range(sessions):
        record_session(provider, f"sess-{service}-{i}", seed=zlib.crc32(service.encode()) % 1000 + i)
    assert provider.force_flush(30_000)
    provider.shutdown()
    assert outcomes and all(r is SpanExportResult.SUCCESS for r in outcomes), outcomes
    return captured.get_finished_spans()


# ---------------------------------------------------------------------------------------------
# Comparison


def any_value(v):
    kind = v.WhichOneof("value")
    if kind is None:
        return None
    if kind == "array_value":
        return tuple(any_value(x) for x in v.array_value.values)
    if kind == "kvlist_value":
        return {kv.key: any_value(kv.value) for kv in v.kvlist_value.values}
    return getattr(v, kind)


def attrs(kvs) -> dict:
    out = {}
    for kv in kvs:
        assert kv.key not in out, f"duplicate attribute {kv.key}"
        out[kv.key] = any_value(kv.value)
    return out


def sdk_attrs(attributes) -> dict:
    return {k: tuple(v) if isinstance(v, (list, tuple)) else v
            for k, v in (attributes or {}).items()}


def received_spans(requests, trace_ids: set[bytes]):
    """Every span of the given traces, with the resource and scope it arrived under."""
    out = {}
    for req in requests:
        for rs in req.resource_spans:
            for ss in rs.scope_spans:
                for span in ss.spans:
                    if span.trace_id in trace_ids:
                        assert span.span_id not in out, f"span {span.span_id.hex()} arrived twice"
                        out[span.span_id] = (rs, ss, span)
    return out


def wait_for_spans(sink, expected):
    trace_ids = {s.context.trace_id.to_bytes(16, "big") for s in expected}
    want = {s.context.span_id.to_bytes(8, "big") for s in expected}

    def arrived(requests):
        got = received_spans(requests, trace_ids)
        return got if want <= set(got) else None

    got = sink.wait_for(arrived)
    assert set(got) == want, "spans arrived that were never sent"
    return got


def assert_same_span(sdk, rs, ss, span) -> None:
    ctx = sdk.context
    where = f"span {sdk.name!r}"
    assert span.trace_id == ctx.trace_id.to_bytes(16, "big"), where
    assert span.span_id == ctx.span_id.to_bytes(8, "big"), where
    parent = sdk.parent.span_id.to_bytes(8, "big") if sdk.parent else b""
    assert span.parent_span_id == parent, where
    assert span.name == sdk.name
    assert span.kind == sdk.kind.value + 1, where  # SDK kinds start at INTERNAL=0
    assert span.start_time_unix_nano == sdk.start_time, where
    assert span.end_time_unix_nano == sdk.end_time, where
    assert attrs(span.attributes) == sdk_attrs(sdk.attributes), where
    assert span.dropped_attributes_count == sdk.dropped_attributes, where

    assert len(span.events) == len(sdk.events), where
    for got, want in zip(span.events, sdk.events):
        assert got.name == want.name, where
        assert got.time_unix_nano == want.timestamp, where
        assert attrs(got.attributes) == sdk_attrs(want.attributes), f"{where} event {want.name}"

    assert len(span.links) == len(sdk.links), where
    for got, want in zip(span.links, sdk.links):
        assert got.trace_id == want.context.trace_id.to_bytes(16, "big"), where
        assert got.span_id == want.context.span_id.to_bytes(8, "big"), where
        assert attrs(got.attributes) == sdk_attrs(want.attributes), where

    assert span.status.code == sdk.status.status_code.value, where
    assert span.status.message == (sdk.status.description or ""), where

    assert attrs(rs.resource.attributes) == sdk_attrs(sdk.resource.attributes)
    scope = sdk.instrumentation_scope
    assert ss.scope.name == scope.name
    assert ss.scope.version == (scope.version or "")
    assert ss.schema_url == (scope.schema_url or "")
    assert attrs(ss.scope.attributes) == sdk_attrs(scope.attributes)


def hex_ids_to_base64(node):
    """OTLP/JSON writes ids as hex; protobuf's JSON mapping wants base64 for bytes fields."""
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            if k in ("traceId", "spanId", "parentSpanId") and isinstance(v, str):
                out[k] = base64.b64encode(bytes.fromhex(v)).decode()
            else:
                out[k] = hex_ids_to_base64(v)
        return out
    if isinstance(node, list):
        return [hex_ids_to_base64(x) for x in node]
    return node


def client_encoding(spans, encoding: str):
    """The request body the client library itself builds for these spans, as protobuf."""
    if encoding == "json":
        body = json.loads(encode_spans_json(spans).to_json())
        return json_format.ParseDict(hex_ids_to_base64(body),
                                     trace_service_pb2.ExportTraceServiceRequest())
    return encode_spans_proto(spans)


def assert_lossless(spans, got, encoding: str) -> None:
    """Each received span message equals the client's own encoding of it, field for field."""
    sent = {}
    for rs in client_encoding(spans, encoding).resource_spans:
        for ss in rs.scope_spans:
            for span in ss.spans:
                sent[span.span_id] = (rs, ss, span)
    assert set(sent) == set(got)
    for span_id, (rs, ss, span) in sent.items():
        g_rs, g_ss, g_span = got[span_id]
        assert g_span == span, f"span {span.name!r} changed on the way"
        assert g_rs.resource == rs.resource
        assert g_rs.schema_url == rs.schema_url
        assert g_ss.scope == ss.scope
        assert g_ss.schema_url == ss.schema_url


# ---------------------------------------------------------------------------------------------
# Tests


CLIENTS = {
    "grpc": lambda s: GrpcExporter(endpoint=s.grpc_endpoint, insecure=True),
    "grpc-gzip": lambda s: GrpcExporter(endpoint=s.grpc_endpoint, insecure=True,
                                        compression=grpc.Compression.Gzip),
    "http-protobuf": lambda s: ProtoHttpExporter(endpoint=f"{s.http_base}/v1/traces"),
    "http-protobuf-gzip": lambda s: ProtoHttpExporter(endpoint=f"{s.http_base}/v1/traces",
                                                      compression=HttpCompression.Gzip),
    "http-json": lambda s: JsonHttpExporter(endpoint=f"{s.http_base}/v1/traces"),
    # The JSON exporter takes the newer shared enum; the protobuf one's would send an
    # uncompressed body labelled gzip.
    "http-json-gzip": lambda s: JsonHttpExporter(endpoint=f"{s.http_base}/v1/traces",
                                                 compression=JsonCompression.GZIP),
}


@pytest.mark.parametrize("client", list(CLIENTS))
def test_spans_from_sdk_exporter_arrive_intact(client, spotter, sink):
    spans = record(CLIENTS[client](spotter), service=f"agent-{client}")
    assert len(spans) == 2 * 8

    got = wait_for_spans(sink, spans)

    for sdk in spans:
        rs, ss, span = got[sdk.context.span_id.to_bytes(8, "big")]
        assert_same_span(sdk, rs, ss, span)
    assert_lossless(spans, got, "json" if client.startswith("http-json") else "proto")


def test_agent_spans_are_realistically_large(spotter, sink):
    """Guards the test data itself: message and tool payloads of agent size, unicode kept."""
    spans = record(CLIENTS["http-protobuf"](spotter), service="agent-size-check", sessions=1)
    got = wait_for_spans(sink, spans)
    sizes = [span.ByteSize() for _, _, span in got.values()]
    assert max(sizes) > 2000
    llm = [s for _, _, s in got.values() if s.name == "chat gpt-4o"]
    text = attrs(llm[0].attributes)["gen_ai.input.messages"]
    assert "日本語" in text or "🚀" in text or "naïve" in text
    json.loads(text)


def test_http_exporter_backs_off_on_429_and_nothing_is_lost(sink, tmp_path):
    """With the downstream down and a one-batch queue, spotter fills up and answers 429 with
    Retry-After; the SDK's HTTP exporter waits and retries, and once the downstream is back
    every span arrives exactly once."""
    small_queue = """\
    sending_queue:
      num_consumers: 1
      queue_size: 1
"""
    # A second spotter whose sink exporter has a one-batch queue and no batch processor, so the
    # 32-batch pipeline intake fills after a few dozen requests.
    running = start_spotter(tmp_path, sink.port, extra_exporter=small_queue, processors="[]")
    transient = []

    class Capture(logging.Handler):
        def emit(self, record):
            transient.append(record.getMessage())

    http_logger = logging.getLogger("opentelemetry.exporter.otlp.proto.http.trace_exporter")
    handler = Capture()
    http_logger.addHandler(handler)
    sink.set_unavailable(True)
    opened = threading.Event()

    def reopen_after_refusal():
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if running.metric_sum("otelcol_receiver_refused_spans") > 0:
                time.sleep(0.3)
                sink.set_unavailable(False)
                opened.set()
                return
            time.sleep(0.05)
        sink.set_unavailable(False)

    watcher = threading.Thread(target=reopen_after_refusal, daemon=True)
    watcher.start()
    try:
        exporter = ProtoHttpExporter(endpoint=f"{running.http_base}/v1/traces", timeout=20)
        captured = InMemorySpanExporter()
        provider = TracerProvider(resource=Resource.create({"service.name": "agent-backoff"}))
        provider.add_span_processor(SimpleSpanProcessor(captured))
        tracer = provider.get_tracer("spotter.tests.backoff")
        results = []
        for i in range(60):
            with tracer.start_as_current_span(f"execute_tool step_{i}") as s:
                s.set_attribute("gen_ai.tool.call.result", "x" * 2048)
            results.append(exporter.export([captured.get_finished_spans()[-1]]))
        watcher.join(timeout=35)
        assert opened.is_set(), "spotter never refused a request; the queue did not fill"
        assert all(r is SpanExportResult.SUCCESS for r in results), results
        assert any("429" in m or "Too Many" in m for m in transient), transient

        spans = captured.get_finished_spans()
        got = wait_for_spans(sink, spans)  # also fails on any duplicate
        assert len(got) == 60
        assert running.metric_sum("otelcol_receiver_refused_spans") > 0
        exporter.shutdown()
    finally:
        sink.set_unavailable(False)
        http_logger.removeHandler(handler)
        stop_spotter(running)
    assert running.proc.returncode == 0, running.log.read_text()
