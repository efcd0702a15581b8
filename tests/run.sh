#!/usr/bin/env bash
# The whole test suite, as CI runs it: formatting, lints, Rust unit and integration tests,
# Prometheus rule checks, the real-client Python tests and a short fuzzing smoke run.
# Installs what it needs on a clean machine (Debian's prometheus for promtool and the scrape
# test, a Python venv with the OpenTelemetry SDK, cargo-fuzz) before running.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n=== %s\n' "$*"; }

if ! command -v promtool >/dev/null 2>&1 || ! command -v prometheus >/dev/null 2>&1; then
    step "installing Debian's prometheus (promtool and the server for the scrape test)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends prometheus >/dev/null
    # The package starts a system service on :9090 where it can; the tests start their own.
    (systemctl stop prometheus 2>/dev/null || service prometheus stop 2>/dev/null || pkill -x prometheus) >/dev/null 2>&1 || true
fi

if ! command -v prometheus-alertmanager >/dev/null 2>&1; then
    step "installing Debian's prometheus-alertmanager (the baseline alert test reads alerts back through its API)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends prometheus-alertmanager >/dev/null
    # The package may start a system service on :9093; the test starts its own on a free port.
    (systemctl stop prometheus-alertmanager 2>/dev/null || service prometheus-alertmanager stop 2>/dev/null) >/dev/null 2>&1 || true
fi

if ! command -v buildah >/dev/null 2>&1 || ! command -v debootstrap >/dev/null 2>&1; then
    step "installing Debian's buildah and debootstrap (the image test)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends buildah debootstrap >/dev/null
fi

step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy --all-targets -- -D warnings"
cargo clippy --all-targets --locked -- -D warnings

step "cargo test (unit and integration tests)"
cargo test --locked --tests

step "promtool: recording rules, alerts and their unit tests"
sh tests/promtool.sh

step "fuzzing smoke run (cargo-fuzz, repeatable: fixed seed and input count)"
FUZZ_SANITIZER="${FUZZ_SANITIZER:-none}" bash fuzz/smoke.sh

step "real-client tests (OpenTelemetry Python SDK; Kubernetes manifests against the API schemas)"
bash tests/python/run.sh

# A real Arize Phoenix on 127.0.0.1 behind config/phoenix.yaml. First install about 5 minutes
# (its own venv under /var/tmp, reused by later clones), then about 1.5 minutes per run
# (Phoenix starts in about 50 seconds).
step "real Phoenix (arize-phoenix, offline on loopback)"
bash tests/phoenix/run.sh

# The Dockerfile's runtime stage built with buildah on a debootstrap base (about 2.5 minutes the
# first time, then about 20 seconds) and run as its non-root user: health and an OTLP round trip.
step "the image: buildah build of the runtime stage, run as non-root"
bash tests/image/run.sh

step "evalcases against real consumers (jsonschema, a Langfuse-shaped capture server, a real Phoenix)"
bash tests/evals/run.sh
