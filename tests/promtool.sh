#!/bin/sh
# Check spotter's Prometheus recording rules and alerts, and run the alerts' unit tests.
# Needs promtool (Debian: apt-get install prometheus). Run from anywhere.
set -eu
dir="$(cd "$(dirname "$0")/../config/prometheus" && pwd)"
if ! command -v promtool >/dev/null 2>&1; then
    echo "promtool not found; install the Debian package 'prometheus'" >&2
    exit 2
fi
cd "$dir"
promtool check rules recording-rules.yaml alerts.yaml baseline-rules.yaml
promtool test rules alerts_test.yaml baseline_test.yaml
