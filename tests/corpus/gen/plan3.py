"""The dev3 split's plan: four more agents (agents3), their failures (failures3) and traps
(traps3), from a seed of its own. Same session dicts and label rows as plan.py."""

import random
import uuid

from agents3 import AGENTS3
from failures3 import MODES3, auth_rot_fleet, targets
from lang3 import LANGS3
from plan import CONCURRENT, LIBRARIES
from sessions3 import Builder3
from traps3 import ok_session

SPLIT = "dev3"
FAILURES_PER_MODE = 6  # per agent
OK_PER_AGENT = 34
FLEET_PER_AGENT = 2


def pick_lang(rng):
    return "en" if rng.random() < 0.35 else rng.choice(LANGS3[1:])


def build(seed):
    rng = random.Random(seed)
    sessions = []
    for ai, agent in enumerate(AGENTS3):
        jobs = []
        for mode, fn in MODES3.items():
            for v in range(FAILURES_PER_MODE):
                jobs.append((mode, fn, v + ai * FAILURES_PER_MODE))
        for v in range(OK_PER_AGENT):
            jobs.append(("ok", ok_session, v + ai * 5))
        lib_counter = {}
        for mode, fn, v in jobs:
            sid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            srng = random.Random(rng.getrandbits(64))
            lang = pick_lang(srng)
            for _ in range(20):
                b = Builder3(agent, lang, srng, sid)
                s = fn(b, v)
                if 3 <= len(s["turns"]) <= 8:
                    break
            else:
                raise RuntimeError("no session of 3-8 turns for %s/%s" % (agent["name"], mode))
            k = lib_counter.get(mode, ai)
            lib_counter[mode] = k + 1
            s["library"] = LIBRARIES[k % len(LIBRARIES)]
            s["split"] = SPLIT
            s["user_id"] = "user-%04d" % srng.randrange(10000)
            s["turns_n"] = len(s["turns"])
            sessions.append(s)
    rng.shuffle(sessions)
    late = []
    for ai, agent in enumerate(AGENTS3):
        for v in range(FLEET_PER_AGENT):
            lib = LIBRARIES[(ai * 3 + v * 2 + 2) % len(LIBRARIES)]
            before = [s for s in sessions if s["agent"] == agent["name"] and s["library"] == lib][:-CONCURRENT]
            used = {c["tool"] for s in before for t in s["turns"] for st in t["steps"] for c in st
                    if not c["error"] and c.get("kind") != "empty"}
            sid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            srng = random.Random(rng.getrandbits(64))
            b = Builder3(agent, pick_lang(srng), srng, sid)
            name = srng.choice(sorted(set(targets(b)) & used))
            s = auth_rot_fleet(b, v + ai * FLEET_PER_AGENT, name)
            s.update(library=lib, split=SPLIT, user_id="user-%04d" % srng.randrange(10000), turns_n=len(s["turns"]))
            late.append(s)
    return sessions + late
