#!/usr/bin/env bash
# The evalcases exporter against real consumers: the JSON Schema it ships (jsonschema), a local
# Langfuse-shaped capture server, and a real Phoenix (PyPI arize-phoenix, offline on 127.0.0.1)
# that must list the uploaded cases as a dataset through its REST API.
#
# Usage: tests/evals/run.sh [pytest args...]
# Env:   SPOTTER_BIN  spotter binary to test (default: target/debug/spotter, built if needed)
#        PYTHON       interpreter for the venv (default: python3)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

# The same pinned Phoenix venv as tests/phoenix (one install serves both).
venv="${SPOTTER_PHOENIX_VENV:-/var/tmp/spotter-phoenix-venv}"
. "$root/tests/venv.sh"
ensure_venv "$venv" "$root/tests/phoenix/requirements.txt"
ensure_spotter_bin "$root"

export PHOENIX_BIN="$venv/bin/phoenix"
exec "$venv/bin/python" -m pytest "$root/tests/evals" -q -p no:cacheprovider "$@"
