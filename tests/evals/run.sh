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
requirements="$root/tests/phoenix/requirements.txt"
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$requirements" | cut -d' ' -f1)"

if [[ ! -x "$venv/bin/python" ]]; then
    "${PYTHON:-python3}" -m venv "$venv"
fi
if [[ "$(cat "$stamp" 2>/dev/null)" != "$want" ]]; then
    # arize-phoenix and its dependencies: about 850 MB, several minutes on a cold cache.
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
    echo "$want" > "$stamp"
fi

if [[ -z "${SPOTTER_BIN:-}" ]]; then
    cargo build --quiet --bin spotter
    export SPOTTER_BIN="$root/target/debug/spotter"
fi

export PHOENIX_BIN="$venv/bin/phoenix"
exec "$venv/bin/python" -m pytest "$root/tests/evals" -q -p no:cacheprovider "$@"
