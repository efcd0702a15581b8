"""The whole corpus as a deterministic plan: which sessions exist, their labels, scripts,
libraries and order. Everything random comes from one seeded generator."""

import random
import uuid

from agents import AGENTS, SPLIT
from failures import MODES, auth_rot_fleet, targets
from lang import LANGS
from sessions import Builder
from traps import ok_session

LIBRARIES = ["otel-proto", "otel-json", "openinference", "traceloop", "langfuse", "logfire"]
FAILURES_PER_MODE = 9  # per agent
OK_PER_AGENT = 48
FLEET_PER_AGENT = 2  # extra auth_rot sessions whose credential rotted fleet-wide
CONCURRENT = 4  # sessions a worker keeps open at once


def pick_lang(rng):
    return "en" if rng.random() < 0.4 else rng.choice(LANGS[1:])


def build(seed):
    rng = random.Random(seed)
    sessions = []
    for ai, agent in enumerate(AGENTS):
        jobs = []
        for mode, fn in MODES.items():
            for v in range(FAILURES_PER_MODE):
                jobs.append((mode, fn, v + ai))
        for v in range(OK_PER_AGENT):
            jobs.append(("ok", ok_session, v + ai * 3))
        lib_counter = {}
        for mode, fn, v in jobs:
            sid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            srng = random.Random(rng.getrandbits(64))
            lang = pick_lang(srng)
            for _ in range(20):  # sessions have 3 to 8 turns
                b = Builder(agent, lang, srng, sid)
                s = fn(b, v)
                if 3 <= len(s["turns"]) <= 8:
                    break
            else:
                raise RuntimeError("no session of 3-8 turns for %s/%s" % (agent["name"], mode))
            k = lib_counter.get(mode, ai)
            lib_counter[mode] = k + 1
            s["library"] = LIBRARIES[k % len(LIBRARIES)]
            s["split"] = SPLIT[agent["name"]]
            s["user_id"] = "user-%04d" % srng.randrange(10000)
            s["turns_n"] = len(s["turns"])
            sessions.append(s)
    rng.shuffle(sessions)
    # Fleet-wide auth rot: run last in their worker, on a tool that earlier sessions of the same
    # agent and library called successfully (sessions that finished before, given the worker's
    # `concurrent` open sessions).
    late = []
    for ai, agent in enumerate(AGENTS):
        for v in range(FLEET_PER_AGENT):
            lib = LIBRARIES[(ai + v * 2) % len(LIBRARIES)]
            before = [s for s in sessions if s["agent"] == agent["name"] and s["library"] == lib][:-CONCURRENT]
            used = {c["tool"] for s in before for t in s["turns"] for st in t["steps"] for c in st
                    if not c["error"] and c.get("kind") != "empty"}
            sid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            srng = random.Random(rng.getrandbits(64))
            lang = pick_lang(srng)
            b = Builder(agent, lang, srng, sid)
            name = srng.choice(sorted(set(targets(b)) & used))
            s = auth_rot_fleet(b, v, name)
            s.update(library=lib, split=SPLIT[agent["name"]], user_id="user-%04d" % srng.randrange(10000),
                     turns_n=len(s["turns"]))
            late.append(s)
    return sessions + late


def schedule(sessions, concurrent=CONCURRENT):
    """The order in which one worker runs its sessions' turns: up to `concurrent` sessions are
    open at once and take turns, so sessions interleave in time."""
    queue = list(sessions)
    active = []
    order = []
    while queue or active:
        while queue and len(active) < concurrent:
            active.append([queue.pop(0), 0])
        nxt = []
        for s, t in active:
            order.append((s, t))
            if t + 1 < len(s["turns"]):
                nxt.append([s, t + 1])
        active = nxt
    return order


EXPORTER = {"otel-proto": "otlp-http-protobuf", "otel-json": "otlp-http-json", "openinference": "otlp-http-protobuf",
            "traceloop": "otlp-http-protobuf", "langfuse": "otlp-http-protobuf+gzip (langfuse path)",
            "logfire": "otlp-http-protobuf"}


def label_row(s):
    return {"session_id": s["id"], "library": s["library"], "exporter": EXPORTER[s["library"]],
            "label": s["label"], "scenario": s["scenario"],
            "first_failing_turn": s["first_failing_turn"], "turns": len(s["turns"]),
            "description": s["description"], "split": s["split"], "agent": s["agent"], "service": s["service"],
            "lang": s["lang"], "user_id": s["user_id"]}
