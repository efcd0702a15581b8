"""The dev3 split's failure sessions: one failure mode each, in encodings (formats3), shapes and
phrasings (lang3) neither earlier split uses. `v` walks the variants."""

import copy
import re

import lang3
from agents import tool
from agents3 import MCP_RESOURCE3, MCP_TEXT3, RENDER3, STABLE3, actors3
from failures2 import apply_all, find, fmt_path, remover, setter, shape
from formats3 import AUTH_FORMATS3, FAIL_FORMATS3

FORMS = ["error", "ok", "exc_ok", "ok", "error"]
FAIL_KINDS = ["unavailable", "timeout", "internal", "rate_limited"]


def targets(b):
    return [n for n in b.readers() if n in STABLE3]


def n_turns(b, lo=3, hi=8):
    return b.rng.randint(lo, hi)


# --- auth rot ----------------------------------------------------------------------------------

def fill_without(b, n, name):
    """Fill the session to n turns (a thanks turn last) without calling `name`: once its credential
    has rotted, no later call of it succeeds."""
    others = [t for t in b.readers() if t != name]
    while len(b.turns) < n - 1:
        pick = b.rng.choice(others)
        if b.rng.random() < 0.2:
            c, g = b.healthy(pick)
            c2, g2 = b.healthy(b.rng.choice([t for t in others if t != pick]))
            b.turn(b.ask(g["obj"] + " / " + g2["obj"]), [[c, c2]], b.found(g["summary"] + "; " + g2["summary"]))
        else:
            b.healthy_turn(pick)
    if len(b.turns) < n:
        b.thanks_turn()


def auth_rot(b, v):
    name = b.rng.choice(targets(b))
    fmt = AUTH_FORMATS3[v % len(AUTH_FORMATS3)]
    form = FORMS[v % len(FORMS)]
    if fmt in ("session_page", "data_warnings", "laravel_419", "mcp_resource_error"):
        form = "ok" if fmt != "laravel_419" else form
    n = n_turns(b, 3, 8)
    f = b.rng.randint(2, n - 1) if n > 3 else 2
    shape_ = v % 4
    if shape_ == 3:  # the credential worked in a parallel batch with another tool
        other = b.rng.choice([t for t in targets(b) if t != name])
        b.healthy_turn(name, parallel=False)
        c0, g0 = b.healthy(other)
        b.turns[-1]["steps"].append([c0])
    else:
        b.healthy_turn(name)
    while len(b.turns) < f - 1:
        b.filler(allow_action=False) if b.rng.random() < 0.5 else b.healthy_turn(name)
    c, g = b.healthy(name)
    bad = b.fail_call(name, g["args"], "auth_expired", fmt, form)
    if shape_ == 1:  # a retry right away fails the same way (same turn)
        again = b.fail_call(name, dict(g["args"]), "auth_expired", fmt, form, text=bad["text"])
        b.turn(b.ask(g["obj"]), [[bad], [again]], b.admit(name, "auth"))
    elif shape_ == 2:  # a different tool of the service works in the same batch
        other = b.rng.choice([t for t in targets(b) if t != name])
        c2, g2 = b.healthy(other)
        b.turn(b.ask(g2["obj"] + " / " + g["obj"]), [[bad, c2]], b.found(g2["summary"]) + "\n\n" + b.admit(name, "auth"))
    else:
        b.turn(b.ask(g["obj"]), [[bad]], b.admit(name, "auth"))
    f_turn = len(b.turns)
    if len(b.turns) < n - 1 and v % 2 == 0:
        c3, g3 = b.healthy(name)
        b.turn(b.ask(g3["obj"]), [[b.fail_call(name, g3["args"], "auth_expired", fmt, form)]], b.admit(name, "auth"))
    fill_without(b, n, name)
    return b.session("auth_rot", "auth_rot/%s/%s" % (fmt, form), f_turn,
                     "%s works earlier in the session, then fails authentication (%s body, %s form%s): the credential "
                     "expired or was revoked" % (name, fmt, form, ["", ", retried at once with the same failure",
                                                                   ", next to a healthy call of another tool", ""][shape_]))


def auth_rot_fleet(b, v, name):
    fmt = AUTH_FORMATS3[(v * 7 + 3) % len(AUTH_FORMATS3)]
    form = ["ok", "error"][v % 2] if fmt not in ("session_page", "data_warnings", "mcp_resource_error") else "ok"
    n = n_turns(b, 3, 6)
    c, g = b.healthy(name)
    b.turn(b.ask(g["obj"]), [[b.fail_call(name, g["args"], "auth_expired", fmt, form)]], b.admit(name, "auth"))
    c2, g2 = b.healthy(name)
    b.turn(b.ask(g2["obj"]), [[b.fail_call(name, g2["args"], "auth_expired", fmt, form)]], b.admit(name, "auth"))
    fill_without(b, n, name)
    return b.session("auth_rot", "auth_rot/fleet/%s/%s" % (fmt, form), 1,
                     "%s worked in earlier sessions of this agent (fleet-wide) and fails authentication from this "
                     "session's first call (%s body, %s form)" % (name, fmt, form))


# --- schema drift ------------------------------------------------------------------------------

DRIFTS3 = ["merge_field", "split_field", "nest_move", "date_to_epoch", "ids_to_objects", "enum_to_code",
           "envelope", "pluralise", "table_column", "cents_to_decimal", "turns_null", "mcp_inner"]
SPLIT = {"full_name": ("first_name", "last_name"), "address": ("street", "city"), "vessel": ("vessel_name", "voyage")}
RENAME = {"submissions": "items", "data": "result", "units": "unit_list", "pharmacies": "results",
          "candidates": "matches", "events": "milestones", "entries": "items", "pairs": "interactions",
          "enrollments": "courses", "entry": "entries", "lines": "line_items"}
ENUMS = ("status", "state", "stage", "phase")
COLUMN = {"rent_usd": "monthly_rent", "beds": "bedrooms", "available_from": "available", "all_in_usd": "total_usd",
          "transit_days": "transit_time", "score": "points", "max": "out_of", "distance_mi": "distance",
          "open_now": "is_open", "carrier": "line", "address": "location", "assignment": "item", "name": "pharmacy",
          "service": "equipment", "listing_id": "id"}


def table_key(r):
    for k in ("rows", "pharmacies"):
        if k in r:
            return k
    return None


def plan_drift(r, kind, name, rng, tool_key):
    """A transform fn(result)->result, a description and the kind applied (kinds that do not fit the
    result fall through to the next)."""
    stable = [k for k in STABLE3.get(name, []) if k in r]
    if tool_key in RENDER3 or table_key(r):
        kind = "table_column"
    if kind == "table_column":
        tk = table_key(r)
        cols = [c for c in r[tk][0] if c in COLUMN]
        c = rng.choice(cols)
        if rng.random() < 0.7:
            new = COLUMN[c]

            def ren(x, c=c, new=new, tk=tk):
                x = copy.deepcopy(x)
                x[tk] = [{(new if k == c else k): v for k, v in row.items()} for row in x[tk]]
                return x
            return ren, "column %s renamed to %s" % (c, new), "table_column"

        def drop(x, c=c, tk=tk):
            x = copy.deepcopy(x)
            for row in x[tk]:
                row.pop(c, None)
            return x
        return drop, "column %s removed" % c, "table_column"
    if kind == "merge_field":
        ps = [p for p in find(r, lambda x: isinstance(x, dict) and len(x) == 2 and all(
            isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in x.values())) if p[0] in stable]
        if ps:
            p = rng.choice(ps)
            return setter(p, lambda d: " ".join(str(v) for v in d.values())), \
                "object %s merged into one string" % fmt_path(p), "merge_field"
        kind = "split_field"
    if kind == "split_field":
        ps = [p for p in find(r, lambda x: isinstance(x, str) and " " in x) if p[-1] in SPLIT and
              (p[0] in stable or len(p) > 1)]
        if ps:
            p = rng.choice(ps)
            a, bb = SPLIT[p[-1]]

            def spl(x, p=p, a=a, bb=bb):
                x = copy.deepcopy(x)

                def f(parent, k):
                    v = parent.pop(k)
                    head, _, tail = v.replace(", ", " ", 1).partition(" ")
                    parent[a], parent[bb] = head, tail
                apply_all(x, p, f)
                return x
            return spl, "field %s split into %s and %s" % (fmt_path(p), a, bb), "split_field"
        kind = "nest_move"
    if kind == "date_to_epoch":
        ps = [p for p in find(r, lambda x: isinstance(x, str) and re.fullmatch(r"\d{4}-\d\d-\d\d([T ].*)?", x))
              if p[0] in stable and p[-1] != 0]
        if ps:
            p = rng.choice(ps)
            return setter(p, lambda v: 1796000000000 + sum(map(ord, v)) * 1000), \
                "ISO date string -> epoch milliseconds at %s" % fmt_path(p), "date_to_epoch"
        ps = [p for p in find(r, lambda x: isinstance(x, int) and not isinstance(x, bool) and x > 10 ** 12)
              if p[0] in stable]
        if ps:
            p = rng.choice(ps)
            return setter(p, lambda v: "2026-12-%02dT%02d:00:00Z" % (v % 28 + 1, v % 24)), \
                "epoch milliseconds -> ISO string at %s" % fmt_path(p), "date_to_epoch"
        kind = "enum_to_code"
    if kind == "ids_to_objects":
        ps = [p for p in find(r, lambda x: isinstance(x, list) and x and isinstance(x[0], str)) if p[0] in stable]
        if ps:
            p = rng.choice(ps)
            return setter(p, lambda v: [{"id": s, "href": "/api/v2/%s" % s} for s in v]), \
                "list of ids -> list of objects at %s" % fmt_path(p), "ids_to_objects"
        kind = "pluralise"
    if kind == "enum_to_code":
        ps = [p for p in find(r, lambda x: isinstance(x, str) and not any(ch.isdigit() for ch in x))
              if p[-1] in ENUMS and (p[0] in stable or len(p) > 1)]
        if ps:
            p = rng.choice(ps)
            return setter(p, lambda v: {"active": 1, "scheduled": 2, "under_review": 3, "ready": 4, "ready_for_pickup": 4,
                                        "new": 0, "booked": 2}.get(v, 9)), \
                "enum string -> integer code at %s" % fmt_path(p), "enum_to_code"
        kind = "nest_move"
    if kind == "envelope":
        if len(r) == 1 and isinstance(next(iter(r.values())), dict):
            k = next(iter(r))
            return (lambda x, k=k: copy.deepcopy(x[k])), "envelope %s removed (its fields moved up)" % k, "envelope"
        return (lambda x: {"payload": copy.deepcopy(x), "schema": "v2"}), "payload wrapped into {payload, schema}", \
            "envelope"
    if kind == "pluralise":
        ps = [p for p in find(r, lambda x: isinstance(x, dict) and x) if p[-1] != 0 and not str(p[-1]).endswith("s")
              and (p[0] in stable or len(p) > 1) and len(p) <= 2]
        if ps:
            p = rng.choice(ps)
            k = p[-1]

            def plu(x, p=p, k=k):
                x = copy.deepcopy(x)
                apply_all(x, p, lambda parent, kk: parent.__setitem__(kk + "s", [parent.pop(kk)]))
                return x
            return plu, "object %s -> list %ss" % (fmt_path(p), k), "pluralise"
        kind = "nest_move"
    if kind == "cents_to_decimal":
        ps = [p for p in find(r, lambda x: isinstance(x, int) and not isinstance(x, bool))
              if str(p[-1]).endswith("_cents") and (p[0] in stable or len(p) > 1)]
        if ps:
            p = rng.choice(ps)
            k = p[-1]

            def dec(x, p=p, k=k):
                x = copy.deepcopy(x)
                apply_all(x, p, lambda parent, kk: parent.__setitem__(kk[:-6], "%.2f" % (parent.pop(kk) / 100)))
                return x
            return dec, "integer %s -> decimal string %s" % (fmt_path(p), k[:-6]), "cents_to_decimal"
        kind = "turns_null"
    if kind == "turns_null":
        ps = [p for p in find(r, lambda x: x is not None and not isinstance(x, (dict, list)))
              if (p[0] in stable and len(p) == 1) or (len(p) == 2 and p[0] in stable)]
        if ps:
            p = rng.choice(ps)
            return setter(p, lambda v: None), "field %s is null from now on" % fmt_path(p), "turns_null"
        kind = "nest_move"
    # nest_move: a field moves one level (into a new "details" object, or up out of its wrapper)
    tops = [k for k in stable if not isinstance(r[k], (dict, list))]
    if tops:
        k = rng.choice(tops)

        def down(x, k=k):
            x = copy.deepcopy(x)
            x.setdefault("details", {})[k] = x.pop(k)
            return x
        return down, "field %s moved into details.%s" % (k, k), "nest_move"
    inner = [(k, kk) for k in stable if isinstance(r[k], dict) for kk in r[k] if not isinstance(r[k][kk], (dict, list))]
    if not inner:  # only lists/objects on top: the list key is renamed
        k = rng.choice(stable)
        new = RENAME.get(k, k + "_list")

        def ren(x, k=k, new=new):
            x = copy.deepcopy(x)
            x[new] = x.pop(k)
            return x
        return ren, "field %s renamed to %s" % (k, new), "rename"
    k, kk = rng.choice(inner)

    def up(x, k=k, kk=kk):
        x = copy.deepcopy(x)
        x[kk] = x[k].pop(kk)
        return x
    return up, "field %s.%s moved up to the top level" % (k, kk), "nest_move"


def schema_drift(b, v):
    kind = DRIFTS3[(v * 7) % len(DRIFTS3)]
    cands = targets(b)
    if kind == "mcp_inner":
        mc = [t for t in cands if b.key(t) in MCP_TEXT3 or b.key(t) in MCP_RESOURCE3]
        name = b.rng.choice(mc) if mc else b.rng.choice(cands)
        inner = b.rng.choice(["merge_field", "date_to_epoch", "pluralise", "enum_to_code", "ids_to_objects"])
    elif kind == "table_column":
        tc = [t for t in cands if b.key(t) in RENDER3]
        name, inner = (b.rng.choice(tc) if tc else b.rng.choice(cands)), kind
    else:
        name, inner = b.rng.choice([t for t in cands if b.key(t) not in RENDER3] or cands), kind
    n = n_turns(b, 4, 8)
    f = b.rng.randint(3, n - 1)
    calls_before = 0
    while len(b.turns) < f - 1:
        if calls_before < 3 or b.rng.random() < 0.4:
            k = 2 if (calls_before < 2 and b.rng.random() < 0.5) else 1
            cs, gs = zip(*[b.healthy(name, optional=False) for _ in range(k)])
            b.turn(b.ask(" / ".join(g["obj"] for g in gs)), [list(cs)], b.found("; ".join(g["summary"] for g in gs)))
            calls_before += k
        else:
            b.filler(allow_action=True)
    while calls_before < 3:
        c, g = b.healthy(name, optional=False)
        b.turns[-1]["steps"].append([c])
        calls_before += 1
    f_turn = len(b.turns) + 1
    fn = desc = applied = None
    after = 0
    while after < 2 or (len(b.turns) < n - 1 and b.rng.random() < 0.5):
        c, g = b.healthy(name, optional=False)
        if fn is None:
            fn, desc, applied = plan_drift(g["result"], inner, name, b.rng, b.key(name))
            if shape(fn(g["result"])) == shape(g["result"]):
                fn, desc, applied = plan_drift(g["result"], "nest_move", name, b.rng, b.key(name))
        c["result"] = b.wrap(name, fn(g["result"]))
        b.turn(b.ask(g["obj"]), [[c]], b.found(g["summary"].split(",")[0]))
        after += 1
        if len(b.turns) >= n:
            break
    b.fill_to(max(n, len(b.turns)), allow_action=True)
    where = ""
    if b.key(name) in MCP_TEXT3:
        where, applied = ", inside MCP text content", "mcp_text/" + applied
    elif b.key(name) in MCP_RESOURCE3:
        where, applied = ", inside an MCP resource's text", "mcp_resource/" + applied
    elif b.key(name) in RENDER3:
        where = ", in the tool's %s text" % {"search_listings": "CSV", "get_rate_quote": "TSV", "find_pharmacy": "YAML",
                                            "get_grades": "markdown table"}[name]
    return b.session("schema_drift", "schema_drift/%s" % applied, f_turn,
                     "%s returns one shape for its first calls, then the response changes (%s%s); calls still succeed"
                     % (name, desc, where))


# --- silent failure ----------------------------------------------------------------------------

SILENT3 = ["hard", "empty", "warnings_200", "stale", "topic_answer", "mixed_parallel", "empty_table", "hard",
           "empty", "hard_new_lang"]


def silent_failure(b, v):
    shape_ = SILENT3[v % len(SILENT3)]
    cands = targets(b)
    if shape_ == "empty_table":
        tc = [t for t in cands if b.key(t) in RENDER3]
        name = b.rng.choice(tc) if tc else b.rng.choice(cands)
    else:
        name = b.rng.choice(cands)
    fmt = FAIL_FORMATS3[(v * 5 + 1) % len(FAIL_FORMATS3)]
    form = FORMS[(v // 2) % len(FORMS)]
    kind = FAIL_KINDS[v % len(FAIL_KINDS)]
    if shape_ == "warnings_200":
        fmt, form = "data_warnings", "ok"
    n = n_turns(b)
    f = b.rng.randint(2 if shape_ == "stale" else 1, n - 1) if n > 2 else 1
    if shape_ == "stale":
        c0, g0 = b.healthy(name)
        b.turn(b.ask(g0["obj"]), [[c0]], b.found(g0["summary"]))
    while len(b.turns) < f - 1:
        b.filler()
    if shape_ == "stale":
        g = g0
        args = dict(g0["args"])
    else:
        c, g = b.healthy(name)
        args = g["args"]
    if shape_.startswith("empty"):
        bad = b.empty_call(name, args, name.split("_")[-1], v)
        desc = "%s returns an empty result (%r) where it normally returns data" % (name, bad["result"][:60])
    else:
        bad = b.fail_call(name, args, kind, fmt, form)
        desc = "%s fails (%s, %s body, %s form)" % (name, kind, fmt, form)
    invented = g["summary"]
    if shape_ == "mixed_parallel":
        other = b.rng.choice([t for t in cands if t != name])
        c2, g2 = b.healthy(other)
        b.turn(b.ask(g["obj"] + " / " + g2["obj"]), [[c2, bad]], b.found(invented + "; " + g2["summary"]))
        desc += " in a parallel batch next to a healthy %s call; the answer states both" % other
    elif shape_ == "stale":
        b.turn(lang3.REPEAT_CHECK[b.lang].format(obj=g["obj"]), [[bad]], b.found(invented))
        desc += "; the same object was read successfully in turn 1 and the user asks for a fresh check; the answer " \
                "repeats the old data as current"
    elif shape_ == "topic_answer":
        b.turn(b.ask(g["obj"]), [[bad]], b.pick(lang3.TOPIC).format(s=invented))
        desc += "; the answer mentions failures/expiry only as a general tip"
    else:
        b.turn(b.ask(g["obj"]), [[bad]], b.found(invented))
    f_turn = len(b.turns)
    desc += "; the agent answers as if it had succeeded"
    b.fill_to(max(n, len(b.turns) + (0 if len(b.turns) >= 3 else 3 - len(b.turns))))
    return b.session("silent_failure", "silent_failure/%s/%s" % (shape_, "empty" if shape_.startswith("empty") else
                                                                  "%s/%s" % (fmt, form)), f_turn, desc)


# --- tool loop ---------------------------------------------------------------------------------

LOOPS3 = ["ping_pong", "jitter_ts", "rephrase", "request_id_failure", "stuck_cursor", "poll_no_change",
          "identical", "ping_pong", "rephrase"]
REPHRASE = {
    "HomeKey": ("search_listings", "city", ["Austin", "austin tx", "Austin, Texas", "Austin TX area"]),
    "CampusLMS": ("get_enrollment", "student_id", None),
    "PharmaCare": ("find_pharmacy", "zip", None),
    "FreightDesk": ("classify_hs_code", "description", ["laptop computers", "notebook computers", "portable laptops",
                                                         "laptop PCs", "computers, laptop"]),
}
CURSOR = {"HomeKey": ("list_units", "cursor", "next_cursor"), "CampusLMS": ("list_submissions", "page_token",
                                                                             "nextPageToken"),
          "FreightDesk": ("list_manifests", "after", None), "PharmaCare": ("list_appointments", "page", None)}
POLL_OF = {"HomeKey": "get_work_order", "CampusLMS": "get_export_status", "PharmaCare": "get_refill_status",
           "FreightDesk": "track_container"}


def tool_loop(b, v):
    how = LOOPS3[v % len(LOOPS3)]
    n = n_turns(b)
    f = b.rng.randint(1, n - 1)
    while len(b.turns) < f - 1:
        b.filler()
    reps = b.rng.randint(3, 5)
    cands = targets(b)
    a = b.agent["name"]
    name = b.rng.choice(cands)
    if how == "rephrase" and REPHRASE[a][2] is None:
        how = "identical"
    if how == "rephrase":
        name, arg, phr = REPHRASE[a]
    elif how == "stuck_cursor":
        name = CURSOR[a][0]
    elif how == "poll_no_change":
        name = POLL_OF[a]
    c, g = b.healthy(name, optional=False)
    steps = []
    answer = b.pick({k: [v_] for k, v_ in lang3.GAVE_UP.items()}).format(s=g["summary"])
    if how == "ping_pong":
        other = b.rng.choice([t for t in cands if t != name])
        c2, g2 = b.healthy(other, optional=False)
        rounds = b.rng.randint(3, 4)
        for _ in range(rounds):
            steps += [[b.ok_call(name, dict(g["args"]), g["result"])], [b.ok_call(other, dict(g2["args"]), g2["result"])]]
        desc = "%s and %s are called alternately %d times each with unchanged arguments and results" % (name, other, rounds)
    elif how == "jitter_ts":
        for i in range(reps):
            args = dict(g["args"], as_of="2026-12-07T22:%02d:%02d.%03dZ" % (14 + i // 2, (i * 7) % 60, b.rng.randrange(1000)))
            steps.append([b.ok_call(name, args, g["result"])])
        desc = "%s is called %d times; the arguments differ only in an as_of timestamp a few seconds apart, the " \
               "result is identical" % (name, reps)
    elif how == "rephrase":
        empty = b.rng.random() < 0.5
        for i in range(reps):
            args = dict(g["args"], **{arg: phr[i % len(phr)]})
            if empty:
                steps.append([b.empty_call(name, args, name.split("_")[-1], 0)])
            else:
                steps.append([b.ok_call(name, args, g["result"])])
        if empty:
            answer = b.pick(lang3.NOTHING).format(obj=g["obj"])
        desc = "%s is called %d times with rephrased %s values (%s) and gets the same %s each time" % (
            name, reps, arg, " / ".join(phr[:reps]), "empty result" if empty else "result")
    elif how == "request_id_failure":
        kind = FAIL_KINDS[v % len(FAIL_KINDS)]
        fmt = b.rng.choice(["graph", "aws_v3", "grpc_gateway", "paypal", "envoy", "nginx", "node_axios"])
        form = ["error", "ok"][v % 2]
        first = b.fail_call(name, dict(g["args"], request_id="req-" + "%012x" % b.rng.getrandbits(48)), kind, fmt, form)
        steps.append([first])
        for i in range(reps - 1):
            steps.append([b.fail_call(name, dict(g["args"], request_id="req-%012x" % b.rng.getrandbits(48)), kind, fmt,
                                      form, text=first["text"])])
        answer = b.admit(name, kind)
        desc = "%s is retried %d times without backoff with a fresh client request_id argument each time and fails " \
               "the same way (%s, %s, %s form)" % (name, reps, kind, fmt, form)
    elif how == "stuck_cursor":
        _, cur, nxt = CURSOR[a]
        r = copy.deepcopy(g["result"])
        token = "c_" + "%010x" % b.rng.getrandbits(40)
        if nxt:
            r[nxt] = token
        elif name == "list_manifests":
            r["data"]["manifests"]["pageInfo"] = {"hasNextPage": True, "endCursor": token}
        elif name == "list_appointments":
            r["link"] = [{"relation": "next", "url": "Appointment?patient=%s&page=2" % g["args"]["patient_id"]}]
            token = "2"
        steps.append([b.ok_call(name, dict(g["args"]), r)])
        for i in range(reps):
            steps.append([b.ok_call(name, dict(g["args"], **{cur: token}), r)])
        reps += 1
        desc = "%s pages with %s=%s, but the server returns the same page and the same next cursor every time; the " \
               "agent requests that page %d times" % (name, cur, token, reps - 1)
    elif how == "poll_no_change":
        reps = b.rng.randint(5, 6)
        for i in range(reps):
            steps.append([b.ok_call(name, dict(g["args"]), g["result"])])
        desc = "%s is polled %d times in one turn with the same arguments and the result never changes" % (name, reps)
    else:
        reps = b.rng.randint(4, 6)
        for i in range(reps):
            steps.append([b.ok_call(name, dict(g["args"]), g["result"])])
        desc = "%s is called %d times with identical arguments and gets the same result" % (name, reps)
    b.turn(b.ask(g["obj"]), steps, answer)
    f_turn = len(b.turns)
    b.fill_to(n)
    return b.session("tool_loop", "tool_loop/%s" % how, f_turn, desc)


# --- goal not met ------------------------------------------------------------------------------

GOALS3 = ["handoff", "promise", "claimed_after_read", "rejected_claimed", "rejected_told", "clarify_repeat",
          "wrong_action", "act_error", "deflect_repeat", "claimed_no_tool"]
LOOKALIKE3 = {"PharmaCare": ["get_prescription", "check_interactions"], "FreightDesk": ["get_rate_quote",
                                                                                          "classify_hs_code"],
              "HomeKey": ["get_lease", "search_listings"], "CampusLMS": ["get_enrollment", "get_course"]}
REJECT = {"refill": ("stage", "rejected", "prescription has no refills left; prescriber approval required"),
          "book": ("status", "declined", "slot no longer available"),
          "transfer": ("state", "rejected", "controlled substance cannot be transferred"),
          "cancel": ("status", "booked", "cancellation window closed (less than 24h)"),
          "enroll": ("state", "rejected", "prerequisite MAT110 not met"),
          "extend": ("state", "denied", "course is closed for the term"),
          "renew": ("status", "rejected", "tenant has an outstanding balance"),
          "schedule": ("status", "declined", "listing is no longer available"),
          "file": ("status", "rejected", "ISF missing consignee tax id"),
          "release": ("state", "denied", "exam not yet completed"),
          "create": ("status", "rejected", "duplicate of an open ticket"),
          "send": ("status", "suppressed", "recipient on the bounce list"),
          "post": ("status", "rejected", "course is unpublished")}


def rejected_result(act, g):
    field, val, why = REJECT[act.act]
    r = copy.deepcopy(g["result"])
    holder = r
    for k, vv in r.items():
        if isinstance(vv, dict) and any(x in vv for x in ("status", "state", "stage")):
            holder = vv
            break
    holder[field] = val
    holder["reason"] = why
    for k, flip in (("ack", "REJECTED"), ("published", False)):
        if k in holder:
            holder[k] = flip
    return r, why


def goal_not_met(b, v):
    shape_ = GOALS3[v % len(GOALS3)]
    acts = actors3(b.agent)
    act = b.rng.choice(acts)
    lo = 4 if shape_ in ("deflect_repeat", "clarify_repeat") else 3
    n = n_turns(b, lo, 8)
    f = b.rng.randint(1, n - 2) if shape_ in ("deflect_repeat", "clarify_repeat") else b.rng.randint(1, n - 1)
    while len(b.turns) < f - 1:
        b.filler(allow_action=False)
    ca, ga = b.healthy(act.name)
    obj = ga["obj"]
    req = b.request(act.act, obj)
    reader = b.rng.choice(LOOKALIKE3[b.agent["name"]])
    cr, gr = b.healthy(reader)
    state = gr["summary"].split(",")[0]
    if shape_ == "handoff":
        b.turn(req, [], b.pick(lang3.HANDOFF).format(obj=obj))
        desc = "the user asks to %s %s; the agent says it passed the request on to a team, no tool runs" % (act.act, obj)
    elif shape_ == "promise":
        b.turn(req, [[cr]] if b.rng.random() < 0.5 else [], b.pick(lang3.PROMISE).format(obj=obj))
        desc = "the user asks to %s %s; the agent promises to do it later and never calls %s" % (act.act, obj, act.name)
    elif shape_ == "claimed_after_read":
        b.turn(req, [[cr]], b.claim(act.act, obj))
        desc = "the user asks to %s %s; the agent only calls %s (read-only) and claims it is done" % (act.act, obj, reader)
    elif shape_ == "claimed_no_tool":
        b.turn(req, [], b.claim(act.act, obj))
        desc = "the user asks to %s %s; no tool runs in the turn, yet the answer claims it is done" % (act.act, obj)
    elif shape_ in ("rejected_claimed", "rejected_told"):
        r, why = rejected_result(act, ga)
        call_ = b.ok_call(act.name, ca["args"], r)
        if shape_ == "rejected_claimed":
            b.turn(req, [[call_]], b.claim(act.act, obj))
            desc = "the user asks to %s %s; %s answers 200 but with a business rejection (%s) and the agent claims " \
                   "it is done" % (act.act, obj, act.name, why)
        else:
            b.turn(req, [[call_]], lang3.REJECTED_TOLD[b.lang].format(obj=obj, why=why))
            desc = "the user asks to %s %s; %s answers with a business rejection (%s), the agent says so; the " \
                   "action never happens" % (act.act, obj, act.name, why)
    elif shape_ == "clarify_repeat":
        b.turn(req, [], lang3.CLARIFY[b.lang].format(obj=obj))
        b.turn(lang3.REPEAT[b.lang].format(req=req), [[cr]], lang3.CLARIFY[b.lang].format(obj=obj))
        desc = "the user asks to %s %s twice; the agent asks for clarification both times and never acts" % (act.act, obj)
    elif shape_ == "wrong_action":
        other = [t for t in acts if t.name != act.name]
        if other:
            w = b.rng.choice(other)
            cw, gw = b.healthy(w.name)
            b.turn(req, [[cw]], b.claim(act.act, obj))
            desc = "the user asks to %s %s; the agent calls another action (%s on %s) and claims the requested one " \
                   "is done" % (act.act, obj, w.name, gw["obj"])
        else:
            b.turn(req, [[cr]], b.claim(act.act, obj))
            desc = "the user asks to %s %s; the agent only reads and claims it is done" % (act.act, obj)
    elif shape_ == "deflect_repeat":
        b.turn(req, [[cr]], b.pick(lang3.DEFLECT).format(obj=obj, state=state))
        cr2, _ = b.healthy(reader)
        b.turn(lang3.REPEAT[b.lang].format(req=req), [[cr2]], b.pick(lang3.DEFLECT).format(obj=obj, state=state))
        desc = "the user asks to %s %s twice; the agent only reads (%s) and describes state both times" % (
            act.act, obj, reader)
    else:
        kind = FAIL_KINDS[v % 3]
        fmt = FAIL_FORMATS3[(v * 7) % len(FAIL_FORMATS3)]
        bad = b.fail_call(act.name, ca["args"], kind, fmt, ["error", "ok"][v % 2])
        b.turn(req, [[bad]], b.admit_action(act.act, obj, kind))
        desc = "the user asks to %s %s; %s fails (%s, %s) and the agent says so; the action never happens" % (
            act.act, obj, act.name, kind, fmt)
    f_turn = len(b.turns)
    b.fill_to(max(n, len(b.turns) + 1), allow_action=False)
    return b.session("goal_not_met", "goal_not_met/%s" % shape_, f_turn, desc)


MODES3 = {"auth_rot": auth_rot, "schema_drift": schema_drift, "silent_failure": silent_failure,
          "tool_loop": tool_loop, "goal_not_met": goal_not_met}
