#!/usr/bin/env bash
# Real-client tests: the OpenTelemetry Python SDK's OTLP exporters (gRPC, HTTP/protobuf,
# HTTP/JSON) send agent spans through a running spotter to a downstream sink.
#
# Usage: tests/python/run.sh [pytest args...]
# Env:   SPOTTER_BIN  spotter binary to test (default: target/debug/spotter, built if needed)
#        PYTHON       interpreter for the venv (default: python3)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

venv="$root/.venv"
requirements="$root/tests/python/requirements.txt"
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$requirements" | cut -d' ' -f1)"

if [[ ! -x "$venv/bin/python" ]]; then
    "${PYTHON:-python3}" -m venv "$venv"
fi
if [[ "$(cat "$stamp" 2>/dev/null)" != "$want" ]]; then
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
    echo "$want" > "$stamp"
fi

if [[ -z "${SPOTTER_BIN:-}" ]]; then
    cargo build --quiet --bin spotter
    export SPOTTER_BIN="$root/target/debug/spotter"
fi

exec "$venv/bin/python" -m pytest "$root/tests/python" -q -p no:cacheprovider "$@"
