#!/usr/bin/env bash
# Installs Rotel, the collector the passthrough benchmark compares spotter with, into
# .venv-bench (PyPI's `rotel` package ships the `rotel-agent` binary), and prints the binary's
# path for `--rotel`:
#
#   cargo bench --bench passthrough -- --mode issue --rotel "$(bash benches/rotel.sh)"
#
# Nothing is downloaded at benchmark time; run this once (it is a no-op when installed).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.venv-bench"
version="${ROTEL_VERSION:-0.0.1a15}"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv" >&2
fi
if ! "$venv/bin/python" -m pip show rotel 2>/dev/null | grep -qx "Version: $version"; then
    "$venv/bin/python" -m pip install --quiet "rotel==$version" >&2
fi
bin="$("$venv/bin/python" -c 'import os, rotel; print(os.path.join(os.path.dirname(rotel.__file__), "rotel-agent"))')"
[ -x "$bin" ] || { echo "rotel-agent not found in the rotel package ($bin)" >&2; exit 1; }
echo "$bin"
