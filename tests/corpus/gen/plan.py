"""The whole corpus as a deterministic plan: which sessions exist, their labels, scripts,
libraries and order. Everything random comes from one seeded generator."""

import random
import uuid

from agents import AGENTS, SPLIT
from failures import MODES
from lang import LANGS
from sessions import Builder
from traps import ok_session

LIBRARIES = ["otel-proto", "otel-json", "openinference", "traceloop", "langfuse"]
FAILURES_PER_MODE = 9  # per agent
OK_PER_AGENT = 48


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
            b = Builder(agent, pick_lang(srng), srng, sid)
            s = fn(b, v)
            k = lib_counter.get(mode, ai)
            lib_counter[mode] = k + 1
            s["library"] = LIBRARIES[k % len(LIBRARIES)]
            s["split"] = SPLIT[agent["name"]]
            s["user_id"] = "user-%04d" % srng.randrange(10000)
            s["turns_n"] = len(s["turns"])
            sessions.append(s)
    rng.shuffle(sessions)
    return sessions


def schedule(sessions, concurrent=4):
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


def label_row(s):
    return {"session_id": s["id"], "library": s["library"], "label": s["label"], "scenario": s["scenario"],
            "first_failing_turn": s["first_failing_turn"], "turns": len(s["turns"]),
            "description": s["description"], "split": s["split"], "agent": s["agent"], "service": s["service"],
            "lang": s["lang"], "user_id": s["user_id"]}
