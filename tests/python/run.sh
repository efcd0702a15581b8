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
. "$root/tests/venv.sh"
ensure_venv "$venv" "$root/tests/python/requirements.txt"
ensure_spotter_bin "$root"

exec "$venv/bin/python" -m pytest "$root/tests/python" -q -p no:cacheprovider "$@"
