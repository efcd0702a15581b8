#!/usr/bin/env bash
# The image, built and run: the Dockerfile's runtime stage is built with buildah (chroot
# isolation, vfs storage) on a Debian bookworm base made with debootstrap, with the host-built
# binary passed in through build arguments (BINARY_STAGE=prebuilt); registry images cannot be
# pulled here. The image is then run with `buildah run` as its own non-root user, and the test
# checks /healthz, /readyz and an OTLP round trip: every fixture request in, every span out to a
# sink on the host (chroot isolation shares the host's network).
#
# Needs root and Debian's buildah and debootstrap (installed by tests/run.sh). The base rootfs is
# cached in $SPOTTER_IMAGE_CACHE (default /var/tmp/spotter-image-base): about 2.5 minutes the
# first time, seconds after.
# Env: SPOTTER_BIN  the binary to put in the image (default target/debug/spotter, built if needed)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
export STORAGE_DRIVER=vfs BUILDAH_ISOLATION=chroot

if [[ -z "${SPOTTER_BIN:-}" ]]; then
    cargo build --quiet --bin spotter
    SPOTTER_BIN="$root/target/debug/spotter"
fi

cache="${SPOTTER_IMAGE_CACHE:-/var/tmp/spotter-image-base}"
if [[ ! -f "$cache/rootfs.tar" ]]; then
    start=$(date +%s)
    rm -rf "$cache/rootfs" && mkdir -p "$cache"
    # The Debian mirror this machine's apt already uses.
    mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
    [[ -n "$mirror" ]] || mirror=$(awk '$1 == "deb" {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
    [[ -n "$mirror" ]] || { echo "no Debian mirror in the apt sources for debootstrap"; exit 1; }
    debootstrap --variant=minbase bookworm "$cache/rootfs" "$mirror" >"$cache/debootstrap.log" 2>&1 \
        || { tail -20 "$cache/debootstrap.log"; exit 1; }
    # The distroless runtime base's user, which the Dockerfile's USER names.
    echo 'nonroot:x:65532:65532:nonroot:/home/nonroot:/usr/sbin/nologin' >>"$cache/rootfs/etc/passwd"
    echo 'nonroot:x:65532:' >>"$cache/rootfs/etc/group"
    tar -C "$cache/rootfs" -cf "$cache/rootfs.tar.part" . && mv "$cache/rootfs.tar.part" "$cache/rootfs.tar"
    rm -rf "$cache/rootfs"
    echo "debootstrap base made in $(( $(date +%s) - start ))s"
fi

base=localhost/spotter-test-base
image=localhost/spotter:test
if ! buildah inspect --type image "$base" >/dev/null 2>&1; then
    ctr=$(buildah from scratch)
    buildah add "$ctr" "$cache/rootfs.tar" / >/dev/null
    buildah commit --rm "$ctr" "$base" >/dev/null
fi

work="$(mktemp -d)"
ctr=""
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill -- -"$pid" 2>/dev/null || true; done
    [[ -n "$ctr" ]] && buildah rm "$ctr" >/dev/null 2>&1 || true
    buildah rmi --prune >/dev/null 2>&1 || true   # earlier builds' untagged images
    rm -rf "$work"
}
trap cleanup EXIT

# The build context: what the runtime stage copies (config/ and the binary), nothing else.
mkdir -p "$work/context"
cp -r config "$work/context/config"
cp "$SPOTTER_BIN" "$work/context/spotter"
start=$(date +%s)
buildah bud --isolation chroot --format docker --layers --force-rm -f Dockerfile --target runtime \
    --build-arg RUNTIME_BASE="$base" --build-arg BINARY_STAGE=prebuilt --build-arg PREBUILT=spotter \
    -t "$image" "$work/context" >"$work/build.log" 2>&1 || { tail -30 "$work/build.log"; exit 1; }
echo "runtime stage built in $(( $(date +%s) - start ))s"

user=$(buildah inspect --type image --format '{{.OCIv1.Config.User}}' "$image")
[[ "$user" == "nonroot:nonroot" ]] || { echo "image user is '$user'"; exit 1; }

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
grpc=$(port); http=$(port); metrics=$(port); health=$(port); sink=$(port)

# A downstream OTLP/HTTP sink on the host: answers 200 and counts requests and bytes.
cat >"$work/sink.py" <<PY
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get("content-length", 0)); body = self.rfile.read(n)
        with open("$work/sink.log", "a") as f:
            f.write(f"{self.path} {self.headers.get('content-type')} {len(body)}\n")
        self.send_response(200); self.send_header("content-type", "application/x-protobuf")
        self.end_headers()
    def log_message(self, *a): pass
http.server.HTTPServer(("127.0.0.1", $sink), H).serve_forever()
PY
setsid python3 "$work/sink.py" & pids+=($!)

cat >"$work/config.yaml" <<YAML
receivers:
  otlp:
    protocols:
      grpc: { endpoint: 127.0.0.1:$grpc }
      http: { endpoint: 127.0.0.1:$http }
processors:
  session: { wait: 200ms, inactivity_timeout: 1s }
  tool_outcome: {}
  cost: {}
  batch: { timeout: 50ms }
exporters:
  otlphttp: { endpoint: "http://127.0.0.1:$sink", compression: none }
extensions:
  health_check: { endpoint: "127.0.0.1:$health" }
service:
  extensions: [health_check]
  pipelines:
    traces: { receivers: [otlp], processors: [session, tool_outcome, cost, batch], exporters: [otlphttp] }
  telemetry:
    metrics: { address: "127.0.0.1:$metrics" }
YAML

ctr=$(buildah from "$image")
buildah copy --chown 65532:65532 "$ctr" "$work/config.yaml" /etc/spotter/test.yaml >/dev/null
# No --user: the image's own USER (nonroot) runs it.
setsid buildah run --isolation chroot "$ctr" -- /usr/local/bin/spotter run --config /etc/spotter/test.yaml \
    >"$work/spotter.log" 2>&1 & pids+=($!)

python3 - "$health" "$http" "$metrics" "$work" <<'PY'
import json, pathlib, sys, time, urllib.request
health, http, metrics, work = sys.argv[1:5]
def get(url):
    with urllib.request.urlopen(url, timeout=5) as r:
        return r.status, r.read().decode()
def fail(msg):
    print(msg); print((pathlib.Path(work) / "spotter.log").read_text()[-3000:]); sys.exit(1)
deadline = time.monotonic() + 60
while True:
    try:
        if get(f"http://127.0.0.1:{health}/healthz")[0] == 200 and get(f"http://127.0.0.1:{health}/readyz")[0] == 200:
            break
    except OSError:
        pass
    if time.monotonic() > deadline:
        fail("spotter in the image never became healthy and ready")
    time.sleep(0.2)
print("spotter in the image: /healthz and /readyz 200")
# The same check the image's HEALTHCHECK runs is exercised by tests/it; here, OTLP through it.
fixtures = pathlib.Path("../shared/fixtures")
sent = 0
for meta_path in sorted(fixtures.glob("*/*.meta.json")):
    meta = json.loads(meta_path.read_text())
    headers = {"content-type": meta["content_type"]}
    if meta.get("content_encoding"):
        headers["content-encoding"] = meta["content_encoding"]
    body = (meta_path.parent / meta["file"]).read_bytes()
    req = urllib.request.Request(f"http://127.0.0.1:{http}{meta['path']}", data=body, headers=headers)
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.status == 200, meta_path
    sent += 1
def sample(text, name):
    return sum(float(l.rsplit(" ", 1)[1]) for l in text.splitlines() if l.startswith(name + "{") or l.startswith(name + " "))
deadline = time.monotonic() + 60
while True:
    _, page = get(f"http://127.0.0.1:{metrics}/metrics")
    accepted = sample(page, "otelcol_receiver_accepted_spans_total")
    exported = sample(page, "otelcol_exporter_sent_spans_total")
    if accepted > 0 and exported >= accepted:
        break
    if time.monotonic() > deadline:
        fail(f"accepted {accepted} spans, sent {exported}")
    time.sleep(0.2)
sink = (pathlib.Path(work) / "sink.log").read_text().splitlines()
got = sum(int(l.split()[2]) for l in sink if l.startswith("/v1/traces"))
if not sink or got == 0:
    fail("the sink received nothing")
print(f"OTLP round trip through the image: {sent} requests in, {int(accepted)} spans accepted, "
      f"{int(exported)} sent, {len(sink)} requests ({got} bytes) at the sink")
PY
