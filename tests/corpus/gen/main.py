"""Generate the corpus: plan every session from a fixed seed, start the fake model and the
capture servers on loopback, run one worker process per (library, agent) and write
out/{dev,test}/<library>/ plus labels.jsonl per split.

Usage: main.py OUT_DIR [--seed N] [--only-library L]"""

import argparse
import collections
import json
import os
import shutil
import subprocess
import sys
import time

import plan
from agents import AGENTS, SPLIT
from servers import Capture, ModelServer

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=9)
    ap.add_argument("--jobs", type=int, default=4)
    args = ap.parse_args()
    sessions = plan.build(args.seed)
    if os.path.exists(args.out):
        shutil.rmtree(args.out)
    os.makedirs(args.out)
    plan_path = os.path.join(args.out, "plan.json")
    with open(plan_path, "w") as f:
        json.dump(sessions, f, ensure_ascii=False)
    model = ModelServer(sessions)
    captures = {}
    for split in ("dev", "test"):
        for lib in plan.LIBRARIES:
            captures[(split, lib)] = Capture(args.out, split, lib)
    jobs = []
    for lib in plan.LIBRARIES:
        for a in AGENTS:
            if any(s["library"] == lib and s["agent"] == a["name"] for s in sessions):
                jobs.append((lib, a["name"]))
    running = []
    env = dict(os.environ, PYTHONPATH=HERE, OTEL_SDK_DISABLED="false", TRACELOOP_TELEMETRY="false",
               PYTHONHASHSEED="0")
    env.pop("OTEL_EXPORTER_OTLP_ENDPOINT", None)
    failed = []
    t0 = time.time()
    while jobs or running:
        while jobs and len(running) < args.jobs:
            lib, agent = jobs.pop(0)
            cap = captures[(SPLIT[agent], lib)]
            p = subprocess.Popen([sys.executable, os.path.join(HERE, "worker.py"), plan_path, lib, agent,
                                  "http://127.0.0.1:%d" % model.port, cap.url], env=env)
            running.append((p, lib, agent))
        time.sleep(0.2)
        for p, lib, agent in list(running):
            if p.poll() is not None:
                running.remove((p, lib, agent))
                print("%6.1fs %s/%s exit %d" % (time.time() - t0, lib, agent, p.returncode), flush=True)
                if p.returncode:
                    failed.append((lib, agent))
    time.sleep(1.0)
    if failed:
        sys.exit("workers failed: %s" % failed)
    for split in ("dev", "test"):
        rows = [plan.label_row(s) for s in sessions if s["split"] == split]
        with open(os.path.join(args.out, split, "labels.jsonl"), "w") as f:
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
    os.remove(plan_path)
    with open(os.path.join(args.out, "plan.json.gz"), "wb") as f:
        import gzip
        f.write(gzip.compress(json.dumps(sessions, ensure_ascii=False, sort_keys=True).encode(), mtime=0))
    summary(sessions, captures, args.out)


def summary(sessions, captures, out):
    lines = ["# Corpus summary", "", "sessions: %d" % len(sessions), ""]
    for key in ("split", "agent", "label", "library", "lang"):
        c = collections.Counter(s[key] for s in sessions)
        lines.append("by %s: %s" % (key, ", ".join("%s=%d" % kv for kv in sorted(c.items()))))
    lines.append("")
    lines.append("| split | agent | " + " | ".join(["ok", "auth_rot", "schema_drift", "silent_failure", "tool_loop",
                                                   "goal_not_met"]) + " |")
    lines.append("|---|---|" + "---|" * 6)
    for a in AGENTS:
        c = collections.Counter(s["label"] for s in sessions if s["agent"] == a["name"])
        lines.append("| %s | %s | %s |" % (SPLIT[a["name"]], a["name"], " | ".join(
            str(c[k]) for k in ["ok", "auth_rot", "schema_drift", "silent_failure", "tool_loop", "goal_not_met"])))
    lines.append("")
    lines.append("requests per folder: " + ", ".join("%s/%s=%d" % (k[0], k[1], v.requests)
                                                    for k, v in sorted(captures.items())))
    turns = collections.Counter(len(s["turns"]) for s in sessions)
    lines.append("turns per session: " + ", ".join("%d=%d" % kv for kv in sorted(turns.items())))
    with open(os.path.join(out, "SUMMARY.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
