#!/usr/bin/env bash
# A real Arize Phoenix (PyPI arize-phoenix, pinned in requirements.txt) receives the fixtures
# through config/phoenix.yaml; see test_phoenix.py. Phoenix gets a venv of its own
# ($SPOTTER_PHOENIX_VENV, default /var/tmp/spotter-phoenix-venv):
# its dependencies do not fit the OpenTelemetry SDK pins of tests/python. The first install takes
# about 5 minutes (about 860 MiB); later runs reuse the venv while requirements.txt is unchanged.
#
# Usage: tests/phoenix/run.sh [pytest args...]
# Env:   SPOTTER_BIN  spotter binary to test (default: target/debug/spotter, built if needed)
#        SPOTTER_PHOENIX_VENV  where Phoenix's venv lives
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

# Outside the clone, so fresh clones on the same machine (CI) reuse it.
venv="${SPOTTER_PHOENIX_VENV:-/var/tmp/spotter-phoenix-venv}"
. "$root/tests/venv.sh"
ensure_venv "$venv" "$root/tests/phoenix/requirements.txt"
ensure_spotter_bin "$root"

exec "$venv/bin/python" -m pytest "$root/tests/phoenix" -q -p no:cacheprovider "$@"
