#!/usr/bin/env bash
# Regenerate the labelled corpus under tests/corpus/out/ (fixed seed; see README.md).
# Makes its own venv under tests/corpus/.venv from requirements.txt, starts a fake
# OpenAI-compatible model and capture servers on 127.0.0.1, and runs every agent of every
# library through the real instrumentation. Takes a few minutes; CI does not run it.
#   SEED=9 JOBS=4 tests/corpus/generate.sh
# The second and third dev splits (out/dev2, agents2.py, seed 29; out/dev3, agents3.py, seed 37)
# are generated on their own, leaving
# out/dev, out/test and out/plan.json.gz untouched:
#   tests/corpus/generate.sh --split dev2
#   tests/corpus/generate.sh --split dev3
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/pip install -q --disable-pip-version-check -r requirements.txt
OTEL_SDK_DISABLED= .venv/bin/python gen/main.py out ${SEED:+--seed "$SEED"} --jobs "${JOBS:-4}" "$@"
