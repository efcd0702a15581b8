"""deploy/kubernetes validates against the Kubernetes API schemas and agrees with spotter's config.

The schemas are the ones kubernetes-validate ships inside its wheel (no download at test time);
strict mode rejects unknown fields, so a misspelt key fails. The ConfigMap's pipeline goes through
`spotter validate`, and the pod spec is checked against it: probes on the health extension's port,
the memory limit sized from memory_limiter.limit_mib, the write-ahead log's directory on a volume,
Prometheus annotations on the metrics port, a drain that fits the grace period.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from conftest import REPO_ROOT, spotter_binary

MANIFESTS = REPO_ROOT / "deploy" / "kubernetes"
# Native sidecars (init containers with restartPolicy: Always) are on by default from 1.29 and GA
# in 1.33; earlier schemas reject the field, which is what makes 1.29 the floor.
KUBERNETES_VERSIONS = ["1.29", "1.33"]
# README "Memory guard": the full agent pipeline at overload peaked at about 360 MiB RSS with the
# default 256 MiB budget (benchmark, one run); processor state and allocator retention scale with it.
PEAK_RSS_PER_BUDGET = 360 / 256


def documents() -> list[tuple[Path, dict]]:
    out = []
    for path in sorted(MANIFESTS.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc:
                out.append((path, doc))
    return out


def by_kind(kind: str) -> dict:
    found = [doc for _, doc in documents() if doc["kind"] == kind]
    assert len(found) == 1, f"expected one {kind}, found {len(found)}"
    return found[0]


def mebibytes(quantity: str) -> float:
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti)?", str(quantity))
    assert m, f"unsupported quantity {quantity!r}"
    scale = {None: 1 / 2**20, "Ki": 1 / 1024, "Mi": 1, "Gi": 1024, "Ti": 1024**2}[m.group(2)]
    return float(m.group(1)) * scale


def byte_size(text: str) -> int:
    m = re.fullmatch(r"(\d+)\s*(B|KiB|MiB|GiB)?", text)
    assert m, f"unsupported size {text!r}"
    return int(m.group(1)) * {None: 1, "B": 1, "KiB": 2**10, "MiB": 2**20, "GiB": 2**30}[m.group(2)]


def port_of(endpoint: str) -> int:
    return int(endpoint.rsplit(":", 1)[1])


def spotter_container(deployment: dict) -> dict:
    spec = deployment["spec"]["template"]["spec"]
    found = [c for c in spec.get("initContainers", []) if c["name"] == "spotter"]
    assert found, "spotter is not an init container"
    return found[0]


def pipeline(configmap: dict) -> dict:
    return yaml.safe_load(configmap["data"]["config.yaml"])


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_every_manifest_validates_strictly_against_the_kubernetes_schemas(version: str) -> None:
    docs = documents()
    assert {d["kind"] for _, d in docs} >= {"ConfigMap", "Deployment"}
    for path, doc in docs:
        try:
            kubernetes_validate.validate(doc, version, strict=True)
        except kubernetes_validate.ValidationError as e:
            pytest.fail(f"{path.name} {doc['kind']}: {'.'.join(map(str, e.path))}: {e.message}")


def test_native_sidecars_are_what_the_schema_floor_guards() -> None:
    # The schema before native sidecars refuses restartPolicy on an init container: the
    # strict check above does test the sidecar field, not an ignored extra.
    deployment = by_kind("Deployment")
    with pytest.raises(kubernetes_validate.ValidationError, match="restartPolicy"):
        kubernetes_validate.validate(deployment, "1.27", strict=True)


def test_configmap_pipeline_passes_spotter_validate(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(by_kind("ConfigMap")["data"]["config.yaml"])
    out = subprocess.run(
        [str(spotter_binary()), "validate", "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_configmap_runs_the_whole_agent_pipeline() -> None:
    ours = pipeline(by_kind("ConfigMap"))["service"]["pipelines"]["traces"]["processors"]
    default = yaml.safe_load((REPO_ROOT / "config" / "default.yaml").read_text())
    theirs = default["service"]["pipelines"]["traces"]["processors"]
    assert ours == theirs


def test_spotter_runs_as_a_native_sidecar_with_health_probes() -> None:
    deployment = by_kind("Deployment")
    config = pipeline(by_kind("ConfigMap"))
    spotter = spotter_container(deployment)
    assert spotter["restartPolicy"] == "Always"
    ports = {p["name"]: p["containerPort"] for p in spotter["ports"]}
    health = port_of(config["extensions"]["health_check"]["endpoint"])
    assert config["extensions"]["health_check"]["endpoint"].startswith("0.0.0.0:"), (
        "the kubelet probes the pod IP, not loopback"
    )
    assert ports["health"] == health
    for probe, path in [
        ("livenessProbe", "/healthz"),
        ("readinessProbe", "/readyz"),
        ("startupProbe", "/readyz"),
    ]:
        get = spotter[probe]["httpGet"]
        assert get["path"] == path, probe
        assert get["port"] in ("health", health), probe
    # The agent reaches spotter on loopback inside the pod.
    receiver = config["receivers"]["otlp"]["protocols"]["http"]["endpoint"]
    agent = deployment["spec"]["template"]["spec"]["containers"][0]
    env = {e["name"]: e.get("value") for e in agent.get("env", [])}
    assert env["OTEL_EXPORTER_OTLP_ENDPOINT"] == f"http://127.0.0.1:{port_of(receiver)}"
    # spotter reads the ConfigMap it mounts.
    mount = next(m for m in spotter["volumeMounts"] if m["name"] == "config")
    assert spotter["args"] == ["run", "--config", f"{mount['mountPath']}/config.yaml"]


def test_memory_limit_covers_the_memory_budget_and_its_overhead() -> None:
    config = pipeline(by_kind("ConfigMap"))
    assert "memory_limiter" in config["service"]["extensions"]
    budget = config["extensions"]["memory_limiter"]["limit_mib"]
    resources = spotter_container(by_kind("Deployment"))["resources"]
    limit = mebibytes(resources["limits"]["memory"])
    assert limit >= budget * PEAK_RSS_PER_BUDGET, (
        f"limit {limit} MiB below the measured peak for a {budget} MiB budget"
    )
    assert mebibytes(resources["requests"]["memory"]) >= budget


def test_sidecar_is_non_root_with_a_read_only_root() -> None:
    deployment = by_kind("Deployment")
    pod = deployment["spec"]["template"]["spec"]["securityContext"]
    assert pod["runAsNonRoot"] is True
    assert pod["runAsUser"] != 0
    sc = spotter_container(deployment)["securityContext"]
    assert sc["readOnlyRootFilesystem"] is True
    assert sc["allowPrivilegeEscalation"] is False
    assert sc["capabilities"]["drop"] == ["ALL"]


def test_write_ahead_log_lives_on_a_volume_large_enough() -> None:
    deployment = by_kind("Deployment")
    config = pipeline(by_kind("ConfigMap"))
    assert "file_storage" in config["service"]["extensions"]
    storage = config["extensions"]["file_storage"]
    mounts = {m["mountPath"]: m["name"] for m in spotter_container(deployment)["volumeMounts"]}
    assert storage["directory"] in mounts, "the WAL directory is not on a volume"
    volume = next(
        v
        for v in deployment["spec"]["template"]["spec"]["volumes"]
        if v["name"] == mounts[storage["directory"]]
    )
    if "emptyDir" in volume:
        size = mebibytes(volume["emptyDir"]["sizeLimit"]) * 2**20
        assert size > byte_size(storage["max_size"]), "the volume is smaller than max_size"


def test_prometheus_scrapes_the_metrics_port_and_drain_fits_the_grace_period() -> None:
    deployment = by_kind("Deployment")
    config = pipeline(by_kind("ConfigMap"))
    notes = deployment["spec"]["template"]["metadata"]["annotations"]
    metrics = config["service"]["telemetry"]["metrics"]["address"]
    assert metrics.startswith("0.0.0.0:")
    assert notes["prometheus.io/scrape"] == "true"
    assert int(notes["prometheus.io/port"]) == port_of(metrics)
    assert notes["prometheus.io/path"] == "/metrics"
    drain = int(str(config["service"]["shutdown_timeout"]).rstrip("s"))
    assert drain < deployment["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
