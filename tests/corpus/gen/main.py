"""Generate the corpus: plan every session from a fixed seed, start the fake model and the
capture servers on loopback, run one worker process per (library, agent) and write
out/{dev,test}/<library>/ plus labels.jsonl per split.

With `--split dev3` it does the same for the third dev split (agents3.py, plan3.py, seed 37):
out/dev3, out/plan-dev3.json.gz and its own section of out/SUMMARY.md.

With `--split dev2` it generates only the second dev split instead (the agents of agents2.py,
planned by plan2.py from a seed of its own) into out/dev2/, its plan into out/plan-dev2.json.gz
and its section of out/SUMMARY.md; out/dev, out/test and out/plan.json.gz are left alone.

Usage: main.py OUT_DIR [--seed N] [--jobs N] [--split main|dev2|dev3]"""

import argparse
import collections
import json
import os
import shutil
import subprocess
import sys
import time

import plan
import plan2
import plan3
from agents import AGENTS, SPLIT
from agents2 import AGENTS2
from agents3 import AGENTS3
from servers import Capture, ModelServer

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=None, help="default 9 (main), 29 (dev2), 37 (dev3)")
    ap.add_argument("--jobs", type=int, default=4)
    ap.add_argument("--split", choices=["main", "dev2", "dev3"], default="main")
    args = ap.parse_args()
    if args.split == "dev2":
        return main_dev2(args)
    if args.split == "dev3":
        return main_dev3(args)
    sessions = plan.build(9 if args.seed is None else args.seed)
    if os.path.exists(args.out):
        dev2 = [os.path.join(args.out, x) for x in ("dev2", "plan-dev2.json.gz", "dev3", "plan-dev3.json.gz")]
        for x in os.listdir(args.out):
            p = os.path.join(args.out, x)
            if p not in dev2 and x != "SUMMARY.md":
                shutil.rmtree(p) if os.path.isdir(p) else os.remove(p)
    os.makedirs(args.out, exist_ok=True)
    plan_path = os.path.join(args.out, "plan.json")
    with open(plan_path, "w") as f:
        json.dump(sessions, f, ensure_ascii=False)
    captures = {}
    for split in ("dev", "test"):
        for lib in plan.LIBRARIES:
            captures[(split, lib)] = Capture(args.out, split, lib)
    run_workers(sessions, AGENTS, captures, lambda a: SPLIT[a], plan_path, args.jobs)
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


def run_workers(sessions, agents, captures, split_of, plan_path, jobs_n):
    model = ModelServer(sessions)
    jobs = []
    for lib in plan.LIBRARIES:
        for a in agents:
            if any(s["library"] == lib and s["agent"] == a["name"] for s in sessions):
                jobs.append((lib, a["name"]))
    running = []
    env = dict(os.environ, PYTHONPATH=HERE, OTEL_SDK_DISABLED="false", TRACELOOP_TELEMETRY="false",
               PYTHONHASHSEED="0")
    env.pop("OTEL_EXPORTER_OTLP_ENDPOINT", None)
    failed = []
    t0 = time.time()
    while jobs or running:
        while jobs and len(running) < jobs_n:
            lib, agent = jobs.pop(0)
            cap = captures[(split_of(agent), lib)]
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


DEV2_MARK = "<!-- dev2 -->"


def main_dev2(args):
    """The second dev split only: out/dev2, out/plan-dev2.json.gz, the dev2 section of SUMMARY.md."""
    import gzip
    sessions = plan2.build(29 if args.seed is None else args.seed)
    root = os.path.join(args.out, plan2.SPLIT)
    if os.path.exists(root):
        shutil.rmtree(root)
    os.makedirs(root)
    plan_path = os.path.join(args.out, "plan-dev2.json")
    with open(plan_path, "w") as f:
        json.dump(sessions, f, ensure_ascii=False)
    captures = {(plan2.SPLIT, lib): Capture(args.out, plan2.SPLIT, lib) for lib in plan.LIBRARIES}
    run_workers(sessions, AGENTS2, captures, lambda a: plan2.SPLIT, plan_path, args.jobs)
    with open(os.path.join(root, "labels.jsonl"), "w") as f:
        for s in sessions:
            f.write(json.dumps(plan.label_row(s), ensure_ascii=False) + "\n")
    os.remove(plan_path)
    with open(os.path.join(args.out, "plan-dev2.json.gz"), "wb") as f:
        f.write(gzip.compress(json.dumps(sessions, ensure_ascii=False, sort_keys=True).encode(), mtime=0))
    lines = [DEV2_MARK, "", "## dev2 (a second tuning split, not held out)", "",
             "Agents of `gen/agents2.py`, failures and traps of `gen/failures2.py`/`gen/traps2.py` "
             "(`generate.sh --split dev2`, seed 29). A dev split: tune on it like dev, it does not replace test.", "",
             "sessions: %d" % len(sessions), ""]
    for key in ("agent", "label", "library", "lang"):
        c = collections.Counter(s[key] for s in sessions)
        lines.append("by %s: %s" % (key, ", ".join("%s=%d" % kv for kv in sorted(c.items()))))
    lines += ["", "| agent | service | " + " | ".join(LABELS) + " |", "|---|---|" + "---|" * len(LABELS)]
    for a in AGENTS2:
        c = collections.Counter(s["label"] for s in sessions if s["agent"] == a["name"])
        lines.append("| %s | %s | %s |" % (a["name"], a["service"], " | ".join(str(c[k]) for k in LABELS)))
    lines.append("")
    lines.append("requests per folder: " + ", ".join("%s=%d" % (k[1], v.requests) for k, v in sorted(captures.items())))
    turns = collections.Counter(len(s["turns"]) for s in sessions)
    lines.append("turns per session: " + ", ".join("%d=%d" % kv for kv in sorted(turns.items())))
    path = os.path.join(args.out, "SUMMARY.md")
    old = open(path).read() if os.path.exists(path) else ""
    head = old.split(DEV2_MARK)[0].rstrip("\n") + "\n\n" if old else ""
    tail = "\n" + DEV3_MARK + old.split(DEV3_MARK, 1)[1] if DEV3_MARK in old else ""
    with open(path, "w") as f:
        f.write(head + "\n".join(lines) + "\n" + tail)
    print("\n".join(lines))


DEV3_MARK = "<!-- dev3 -->"


def main_dev3(args):
    """The third dev split only: out/dev3, out/plan-dev3.json.gz, the dev3 section of SUMMARY.md."""
    import gzip
    sessions = plan3.build(37 if args.seed is None else args.seed)
    root = os.path.join(args.out, plan3.SPLIT)
    if os.path.exists(root):
        shutil.rmtree(root)
    os.makedirs(root)
    plan_path = os.path.join(args.out, "plan-dev3.json")
    with open(plan_path, "w") as f:
        json.dump(sessions, f, ensure_ascii=False)
    captures = {(plan3.SPLIT, lib): Capture(args.out, plan3.SPLIT, lib) for lib in plan.LIBRARIES}
    run_workers(sessions, AGENTS3, captures, lambda a: plan3.SPLIT, plan_path, args.jobs)
    with open(os.path.join(root, "labels.jsonl"), "w") as f:
        for s in sessions:
            f.write(json.dumps(plan.label_row(s), ensure_ascii=False) + "\n")
    os.remove(plan_path)
    with open(os.path.join(args.out, "plan-dev3.json.gz"), "wb") as f:
        f.write(gzip.compress(json.dumps(sessions, ensure_ascii=False, sort_keys=True).encode(), mtime=0))
    lines = [DEV3_MARK, "", "## dev3 (a third tuning split, not held out)", "",
             "Agents of `gen/agents3.py`, failures and traps of `gen/failures3.py`/`gen/traps3.py` "
             "(`generate.sh --split dev3`, seed 37), written without reading spotter's rules. A dev split: tune on "
             "it like dev, it does not replace test.", "",
             "sessions: %d" % len(sessions), ""]
    for key in ("agent", "label", "library", "lang"):
        c = collections.Counter(s[key] for s in sessions)
        lines.append("by %s: %s" % (key, ", ".join("%s=%d" % kv for kv in sorted(c.items()))))
    lines += ["", "| agent | service | " + " | ".join(LABELS) + " |", "|---|---|" + "---|" * len(LABELS)]
    for a in AGENTS3:
        c = collections.Counter(s["label"] for s in sessions if s["agent"] == a["name"])
        lines.append("| %s | %s | %s |" % (a["name"], a["service"], " | ".join(str(c[k]) for k in LABELS)))
    lines.append("")
    lines.append("requests per folder: " + ", ".join("%s=%d" % (k[1], v.requests) for k, v in sorted(captures.items())))
    turns = collections.Counter(len(s["turns"]) for s in sessions)
    lines.append("turns per session: " + ", ".join("%d=%d" % kv for kv in sorted(turns.items())))
    path = os.path.join(args.out, "SUMMARY.md")
    old = open(path).read() if os.path.exists(path) else ""
    head = old.split(DEV3_MARK)[0].rstrip("\n") + "\n\n" if old else ""
    with open(path, "w") as f:
        f.write(head + "\n".join(lines) + "\n")
    print("\n".join(lines))


LABELS = ["ok", "auth_rot", "schema_drift", "silent_failure", "tool_loop", "goal_not_met"]


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
    path = os.path.join(out, "SUMMARY.md")
    tail = ""
    if os.path.exists(path) and DEV2_MARK in open(path).read():
        tail = "\n" + DEV2_MARK + open(path).read().split(DEV2_MARK, 1)[1]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n" + tail)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
