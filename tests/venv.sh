# Sourced by the Python test runners: a venv installed from a pinned requirements file, reinstalled
# only when that file changes, and the spotter binary the tests drive.

# ensure_venv VENV REQUIREMENTS: create VENV if missing and install REQUIREMENTS into it unless
# the same file (by hash) was installed there before.
ensure_venv() {
    local venv="$1" requirements="$2"
    local stamp="$venv/.requirements.sha256"
    local want
    want="$(sha256sum "$requirements" | cut -d' ' -f1)"
    if [[ ! -x "$venv/bin/python" ]]; then
        "${PYTHON:-python3}" -m venv "$venv"
    fi
    if [[ "$(cat "$stamp" 2>/dev/null)" != "$want" ]]; then
        local start
        start=$(date +%s)
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
        echo "$want" > "$stamp"
        echo "installed $requirements into $venv in $(( $(date +%s) - start ))s"
    fi
}

# ensure_spotter_bin ROOT: build the debug binary unless SPOTTER_BIN names one.
ensure_spotter_bin() {
    if [[ -z "${SPOTTER_BIN:-}" ]]; then
        cargo build --quiet --bin spotter
        export SPOTTER_BIN="$1/target/debug/spotter"
    fi
}
