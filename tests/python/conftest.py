"""Fixtures for the real-client tests: a downstream OTLP/gRPC sink and a running spotter.

The sink is a plain grpcio server implementing `TraceService/Export` from opentelemetry-proto's
generated stubs. It records every request it accepts, and can be told to answer UNAVAILABLE so
that spotter's queue fills and spotter pushes back on its own clients.

spotter is the built binary (`SPOTTER_BIN`, default `target/debug/spotter` under the repo root),
started on free loopback ports with a temporary config and awaited on `/readyz`.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from concurrent import futures
from pathlib import Path

import grpc
import pytest
from opentelemetry.proto.collector.trace.v1 import (
    trace_service_pb2,
    trace_service_pb2_grpc,
)

REPO_ROOT = Path(__file__).resolve().parents[2]


def spotter_binary() -> Path:
    path = Path(os.environ.get("SPOTTER_BIN", "target/debug/spotter"))
    if not path.is_absolute():
        path = REPO_ROOT / path
    if not path.exists():
        pytest.fail(f"spotter binary not found at {path}; run `cargo build` or set SPOTTER_BIN")
    return path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TraceSink(trace_service_pb2_grpc.TraceServiceServicer):
    """A downstream OTLP receiver that keeps every accepted request."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self.requests: list[trace_service_pb2.ExportTraceServiceRequest] = []
        self.metadata: list[dict[str, str]] = []
        self.refused_attempts = 0
        self._unavailable = False

    def set_unavailable(self, value: bool) -> None:
        with self._lock:
            self._unavailable = value

    def Export(self, request, context):  # noqa: N802 (gRPC method name)
        with self._lock:
            if self._unavailable:
                self.refused_attempts += 1
                context.abort(grpc.StatusCode.UNAVAILABLE, "sink is down for the test")
            self.requests.append(request)
            self.metadata.append({k: v for k, v in context.invocation_metadata()})
            self._changed.notify_all()
        return trace_service_pb2.ExportTraceServiceResponse()

    def snapshot(self) -> list[trace_service_pb2.ExportTraceServiceRequest]:
        with self._lock:
            return list(self.requests)

    def wait_for(self, predicate, timeout: float = 20.0):
        """Wait until `predicate(requests)` is truthy; return its value or fail."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                value = predicate(list(self.requests))
                if value:
                    return value
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    pytest.fail(f"sink did not receive the expected data within {timeout}s")
                self._changed.wait(remaining)


@pytest.fixture(scope="module")
def sink():
    servicer = TraceSink()
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=8),
        options=[
            ("grpc.max_receive_message_length", 64 << 20),
            ("grpc.max_send_message_length", 64 << 20),
        ],
    )
    trace_service_pb2_grpc.add_TraceServiceServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    servicer.port = port
    yield servicer
    server.stop(grace=None)


class Spotter:
    """A running spotter process and its addresses."""

    def __init__(self, proc: subprocess.Popen, ports: dict[str, int], log: Path, config: Path):
        self.proc = proc
        self.ports = ports
        self.log = log
        self.config = config

    @property
    def grpc_endpoint(self) -> str:
        return f"127.0.0.1:{self.ports['grpc']}"

    @property
    def http_base(self) -> str:
        return f"http://127.0.0.1:{self.ports['http']}"

    def metrics(self) -> str:
        url = f"http://127.0.0.1:{self.ports['metrics']}/metrics"
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.read().decode()

    def metric_sum(self, name: str) -> float:
        """Sum of every sample of a metric family (counters may carry a `_total` suffix)."""
        total = 0.0
        for line in self.metrics().splitlines():
            if not line or line.startswith("#"):
                continue
            series, _, value = line.rpartition(" ")
            family = series.split("{", 1)[0]
            if family in (name, f"{name}_total"):
                total += float(value)
        return total


def write_config(path: Path, ports: dict[str, int], sink_port: int, extra_exporter: str = "",
                 processors: str = "[batch]") -> None:
    path.write_text(
        f"""\
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:{ports['grpc']}
      http:
        endpoint: 127.0.0.1:{ports['http']}

processors:
  batch:
    timeout: 50ms

exporters:
  otlp/sink:
    endpoint: 127.0.0.1:{sink_port}
    tls:
      insecure: true
    retry_on_failure:
      initial_interval: 50ms
      max_interval: 200ms
      max_elapsed_time: 60s
{extra_exporter}
extensions:
  health_check:
    endpoint: 127.0.0.1:{ports['health']}

service:
  extensions: [health_check]
  pipelines:
    traces:
      receivers: [otlp]
      processors: {processors}
      exporters: [otlp/sink]
  telemetry:
    metrics:
      address: 127.0.0.1:{ports['metrics']}
    logs:
      level: warn
"""
    )


def wait_ready(proc: subprocess.Popen, health_port: int, log: Path, timeout: float = 20.0) -> bool:
    """True once spotter is ready; False when it exited because a port it was given had been
    taken between `free_port` releasing it and spotter binding it (the caller retries)."""
    url = f"http://127.0.0.1:{health_port}/readyz"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            text = log.read_text()
            if "Address already in use" in text:
                return False
            pytest.fail(f"spotter exited with {proc.returncode}:\n{text}")
        try:
            with urllib.request.urlopen(url, timeout=1) as resp:
                if resp.status == 200:
                    return True
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.05)
    pytest.fail(f"spotter was not ready within {timeout}s:\n{log.read_text()}")


def start_spotter(tmp_dir: Path, sink_port: int, **config_options) -> Spotter:
    config = tmp_dir / "spotter.yaml"
    log = tmp_dir / "spotter.log"
    for _ in range(5):
        ports = {name: free_port() for name in ("grpc", "http", "health", "metrics")}
        write_config(config, ports, sink_port, **config_options)
        with open(log, "wb") as out:
            proc = subprocess.Popen(
                [str(spotter_binary()), "--config", str(config)],
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        if wait_ready(proc, ports["health"], log):
            return Spotter(proc, ports, log, config)
    pytest.fail(f"spotter found no free ports in 5 tries:\n{log.read_text()}")


def stop_spotter(spotter: Spotter) -> None:
    if spotter.proc.poll() is None:
        spotter.proc.send_signal(signal.SIGTERM)
        try:
            spotter.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            spotter.proc.kill()
            spotter.proc.wait()


@pytest.fixture(scope="module")
def spotter(sink, tmp_path_factory):
    running = start_spotter(tmp_path_factory.mktemp("spotter"), sink.port)
    yield running
    stop_spotter(running)
    assert running.proc.returncode == 0, running.log.read_text()
