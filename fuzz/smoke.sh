#!/usr/bin/env bash
# Build every fuzz target and run each for a short while: the CI smoke run.
#
#   fuzz/smoke.sh                      # 20000 inputs per target from a fixed seed: repeatable
#   FUZZ_RUNS=20000 fuzz/smoke.sh      # more inputs, still repeatable
#   FUZZ_SECONDS=300 fuzz/smoke.sh     # exploratory: 300 s per target, random seed
#   FUZZ_TARGETS="redaction config" fuzz/smoke.sh
#
# The default run is deterministic (libFuzzer's -seed and -runs), so CI on an unchanged tree
# gives the same verdict every time; exploratory runs look for new bugs, and every crash they
# find becomes a unit test and a committed seed in fuzz/seeds/<target>.
#
# Installs cargo-fuzz when missing. On a stable toolchain, RUSTC_BOOTSTRAP=1 lets cargo-fuzz use
# the sanitizer flags it needs. Each target starts from the committed seeds (fuzz/seeds/<target>)
# and, when ../shared/fixtures exists beside the project, from the captured OTLP payloads; new
# inputs go to fuzz/corpus/<target> (git-ignored), crashes to fuzz/artifacts/<target>. Exits
# non-zero on the first crash, panic, timeout or out-of-memory.
set -euo pipefail
cd "$(dirname "$0")"

if [ -n "${FUZZ_SECONDS:-}" ]; then
    BUDGET=(-max_total_time="$FUZZ_SECONDS")
    DESCRIBE="${FUZZ_SECONDS}s"
else
    BUDGET=(-seed=1 -runs="${FUZZ_RUNS:-20000}")
    DESCRIBE="${FUZZ_RUNS:-20000} inputs, seed 1"
fi
TARGETS="${FUZZ_TARGETS:-otlp_protobuf otlp_json decompress config redaction}"
# FUZZ_SANITIZER=none skips AddressSanitizer: spotter forbids unsafe code, so panics (which
# libFuzzer still catches) are what a short smoke run looks for, and the build is much faster.
SANITIZER_ARGS=()
if [ -n "${FUZZ_SANITIZER:-}" ]; then SANITIZER_ARGS=(--sanitizer "$FUZZ_SANITIZER"); fi
export RUSTC_BOOTSTRAP="${RUSTC_BOOTSTRAP:-1}"

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "=== installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

echo "=== building fuzz targets"
cargo fuzz build "${SANITIZER_ARGS[@]}"

fixtures=../../shared/fixtures
seed() {
    local target=$1 dir=$2
    mkdir -p "$dir"
    cp -n seeds/"$target"/* "$dir"/ 2>/dev/null || true
    [ -d "$fixtures" ] || return 0
    local f name
    case $target in
        otlp_protobuf)
            for f in "$fixtures"/*/*.pb; do
                [ -e "$f" ] || continue
                name=$dir/fixture-$(basename "$(dirname "$f")")-$(basename "$f")
                [ -e "$name" ] || { printf '\x00'; cat "$f"; } >"$name"
            done ;;
        otlp_json)
            for f in "$fixtures"/*/*.json; do
                case $f in *.meta.json|*/INDEX.json|*/capture_stats.json) continue ;; esac
                name=$dir/fixture-$(basename "$(dirname "$f")")-$(basename "$f")
                [ -e "$name" ] || { printf '\x00'; cat "$f"; } >"$name"
            done ;;
        decompress)
            for f in "$fixtures"/*/*.gz; do
                [ -e "$f" ] || continue
                name=$dir/fixture-$(basename "$f")
                [ -e "$name" ] || { printf '\x00'; cat "$f"; } >"$name"
            done ;;
    esac
}

# The repeatable run starts every time from the committed seeds and fixtures alone, in a scratch
# corpus; the exploratory run keeps what it learns in corpus/<target>.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for target in $TARGETS; do
    if [ -n "${FUZZ_SECONDS:-}" ]; then dir=corpus/$target; else dir=$scratch/$target; fi
    seed "$target" "$dir"
    echo "=== fuzzing $target ($DESCRIBE)"
    cargo fuzz run "${SANITIZER_ARGS[@]}" "$target" "$dir" -- \
        "${BUDGET[@]}" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -print_final_stats=1
done
echo "=== fuzz smoke run passed: $TARGETS"
