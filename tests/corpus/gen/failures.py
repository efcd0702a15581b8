"""Sessions with exactly one failure mode each: auth_rot, schema_drift, silent_failure,
tool_loop and goal_not_met. `v` (the variant index) walks the encodings, forms and shapes so
that every mode is covered in each of them across the corpus."""

import copy
import json

from agents import MCP_TOOLS, STABLE, actors, readers, tool
from lang import DEFLECT, GAVE_UP, REPEAT

FORMS = ["error", "ok", "exc_ok", "ok", "error"]
AUTH_FORMATS = ["google", "aws_type", "aws_error", "stripe", "github", "rfc7807", "graphql", "grpc_json",
                "grpc_text", "mcp", "soap", "plain", "html", "oauth", "message_only"]
FAIL_FORMATS = ["google", "aws_type", "stripe", "rfc7807", "graphql", "grpc_json", "grpc_text", "mcp", "soap",
                "plain", "html", "github", "aws_error", "message_only"]
FAIL_KINDS = ["unavailable", "timeout", "internal", "rate_limited"]


def targets(b, with_stable=True):
    names = [t.name for t in readers(b.agent) if not t.name.startswith(
        ("get_fx", "enrich", "get_coverage", "get_customs", "get_payroll", "verify_identity", "query_billing"))]
    if with_stable:
        names = [n for n in names if n in STABLE]
    return names


def n_turns(b, lo=3, hi=8):
    return b.rng.randint(lo, hi)


# --- auth rot ----------------------------------------------------------------------------------

def auth_rot(b, v):
    name = b.rng.choice(targets(b))
    fmt = AUTH_FORMATS[v % len(AUTH_FORMATS)]
    form = FORMS[v % len(FORMS)]
    n = n_turns(b, 3, 8)
    f = b.rng.randint(2, n - 1) if n > 3 else 2
    # before the failure: the tool works (turn 1 always uses it)
    b.healthy_turn(name)
    while len(b.turns) < f - 1:
        b.filler() if b.rng.random() < 0.5 else b.healthy_turn(name)
    c, g = b.healthy(name)
    bad = b.fail_call(name, g["args"], "auth_expired", fmt, form)
    if v % 3 == 1:  # in a parallel batch next to a healthy call of another tool
        other = b.rng.choice([t for t in targets(b) if t != name])
        c2, g2 = b.healthy(other)
        b.turn(b.ask(g["obj"] + " / " + g2["obj"]), [[bad, c2]],
               b.found(g2["summary"]) + " " + b.admit(name, "auth"))
    else:
        b.turn(b.ask(g["obj"]), [[bad]], b.admit(name, "auth"))
    f_turn = len(b.turns)
    # the credential stays broken: a later call of the same tool fails the same way
    if len(b.turns) < n - 1 and v % 2 == 0:
        c3, g3 = b.healthy(name)
        b.turn(b.ask(g3["obj"]), [[b.fail_call(name, g3["args"], "auth_expired", fmt, form)]], b.admit(name, "auth"))
    b.fill_to(n, allow_action=False)
    return b.session("auth_rot", "auth_rot/%s/%s" % (fmt, form), f_turn,
                     "%s works earlier in the session, then fails authentication (%s body, %s form): the credential expired"
                     % (name, fmt, form))


def auth_rot_fleet(b, v, name):
    """The credential worked fleet-wide (earlier sessions of this agent, same library, called
    `name` successfully) and fails from this session's first call on."""
    fmt = AUTH_FORMATS[(v * 5 + 3) % len(AUTH_FORMATS)]
    form = ["error", "ok"][v % 2]
    n = n_turns(b, 3, 6)
    c, g = b.healthy(name)
    b.turn(b.ask(g["obj"]), [[b.fail_call(name, g["args"], "auth_expired", fmt, form)]], b.admit(name, "auth"))
    if v % 2 == 0:
        c2, g2 = b.healthy(name)
        b.turn(b.ask(g2["obj"]), [[b.fail_call(name, g2["args"], "auth_expired", fmt, form)]], b.admit(name, "auth"))
    b.fill_to(n, allow_action=False)
    return b.session("auth_rot", "auth_rot/fleet/%s/%s" % (fmt, form), 1,
                     "%s worked in earlier sessions of this agent (fleet-wide) and fails authentication from this "
                     "session's first call (%s body, %s form): the shared credential expired" % (name, fmt, form))


# --- schema drift ------------------------------------------------------------------------------

DRIFTS = ["remove", "rename", "move", "retype", "list_to_object", "null", "case", "envelope", "mcp_text"]


def camel(k):
    parts = k.split("_")
    return parts[0] + "".join(p.title() for p in parts[1:])


def snake(k):
    return "".join("_" + c.lower() if c.isupper() else c for c in k)


def drift(result, kind, field, rng):
    r = copy.deepcopy(result)
    if kind == "remove":
        r.pop(field, None)
    elif kind == "rename":
        r[field + "_v2" if rng.random() < 0.5 else {"status": "state", "state": "phase", "name": "full_name"}.get(
            field, field + "_value")] = r.pop(field)
    elif kind == "move":
        r.setdefault("details", {})[field] = r.pop(field)
    elif kind == "retype":
        val = r[field]
        if isinstance(val, (int, float)) and not isinstance(val, bool):
            r[field] = str(val)
        elif isinstance(val, str):
            r[field] = {"value": val}
        elif isinstance(val, bool):
            r[field] = "true" if val else "false"
        elif isinstance(val, list):
            r[field] = json.dumps(val)
        else:
            r[field] = [val]
    elif kind == "list_to_object":
        val = r[field]
        if isinstance(val, list):
            r[field] = {str(i): x for i, x in enumerate(val)}
        else:
            r[field] = {"items": [val]}
    elif kind == "null":
        r[field] = None
    elif kind == "case":
        r = {(camel(k) if "_" in k else snake(k)) if k != "id" else k: v for k, v in r.items()}
        if all(k == (camel(k) if "_" in k else snake(k)) for k in result):
            r["data"] = r.pop(field)
    elif kind == "envelope":
        r = {"data": r, "meta": {"api_version": "2"}}
    return r


def drift_field(result, kind, name, rng):
    stable = [k for k in STABLE.get(name, []) if k in result]
    if kind == "list_to_object":
        lists = [k for k in stable if isinstance(result[k], list)]
        if lists:
            return rng.choice(lists)
    if kind == "retype":
        scal = [k for k in stable if not isinstance(result[k], (dict,))]
        if scal:
            return rng.choice(scal)
    return rng.choice(stable)


def schema_drift(b, v):
    kind = DRIFTS[v % len(DRIFTS)]
    if kind == "mcp_text":
        cands = [t for t in targets(b) if (b.agent["name"], t) in MCP_TOOLS]
        if not cands:
            kind = "rename"
    if kind == "mcp_text":
        name = cands[0]
        inner = b.rng.choice(["remove", "rename", "retype", "move"])
    else:
        name = b.rng.choice(targets(b))
        inner = kind
    n = n_turns(b, 4, 8)
    f = b.rng.randint(3, n - 1)
    fieldc = None
    # before: at least three healthy results of the tool
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
    # the drift: every later result of the tool has the new shape
    f_turn = len(b.turns) + 1
    after = 0
    while after < 2 or (len(b.turns) < n - 1 and b.rng.random() < 0.5):
        c, g = b.healthy(name, optional=False)
        res = g["result"]
        if fieldc is None:
            fieldc = drift_field(res, inner, name, b.rng)
        new = drift(res, inner, fieldc, b.rng)
        c["result"] = b.wrap(name, new)
        b.turn(b.ask(g["obj"]), [[c]], b.found(g["summary"].split(",")[0]))
        after += 1
        if len(b.turns) >= n:
            break
    b.fill_to(max(n, len(b.turns)), allow_action=True)
    return b.session("schema_drift", "schema_drift/%s" % kind, f_turn,
                     "%s returns one shape for its first calls, then the response changes (%s of field '%s'%s); calls still succeed"
                     % (name, inner, fieldc, ", inside the MCP text content" if kind == "mcp_text" else ""))


# --- silent failure ----------------------------------------------------------------------------

SILENT_SHAPES = ["hard", "hard", "empty", "hard_then_other", "issue_word", "hard_then_fetch", "hard", "empty"]


def fabricate(b, g):
    return b.found(g["summary"])


def silent_failure(b, v):
    name = b.rng.choice(targets(b))
    shape = SILENT_SHAPES[v % len(SILENT_SHAPES)]
    fmt = FAIL_FORMATS[v % len(FAIL_FORMATS)]
    form = FORMS[(v // 2) % len(FORMS)]
    kind = FAIL_KINDS[v % len(FAIL_KINDS)]
    n = n_turns(b)
    f = b.rng.randint(1, n - 1)
    while len(b.turns) < f - 1:
        b.filler()
    c, g = b.healthy(name)
    if shape == "empty":
        bad = b.empty_call(name, g["args"], name.split("_")[-1])
        desc = "%s returns an empty result where it normally returns data" % name
        form_s = "empty"
    else:
        bad = b.fail_call(name, g["args"], kind, fmt, form)
        desc = "%s fails (%s, %s body, %s form)" % (name, kind, fmt, form)
        form_s = "%s/%s" % (fmt, form)
    if shape == "hard_then_other":
        c2, g2 = b.healthy(name)  # same tool, other arguments, serving another question
        b.turn(b.ask(g["obj"] + " / " + g2["obj"]), [[bad], [c2]], b.found(g["summary"] + "; " + g2["summary"]))
        desc += "; the same tool then succeeds for another object, and the answer states made-up data for both"
    elif shape == "hard_then_fetch":
        other = next((t.name for t in b.agent["tools"] if t.name in ("fetch_url", "search_docs", "search_policies",
                                                                      "place_lookup", "get_notes", "get_config")), None)
        c2, g2 = b.healthy(other)
        b.turn(b.ask(g["obj"]), [[bad], [c2]], fabricate(b, g))
        desc += "; a later %s call succeeds, unrelated" % other
    elif shape == "issue_word":
        lead = {"en": "Regarding your issue: ", "de": "Zu deinem Anliegen (issue): ", "fr": "Concernant votre problème : ",
                "es": "Sobre tu problema: ", "ja": "お問い合わせの件について：", "pt": "Sobre o seu problema: "}[b.lang]
        b.turn(b.ask(g["obj"]), [[bad]], lead + fabricate(b, g))
        desc += "; the answer mentions 'issue'/'problem' but states made-up data"
    else:
        b.turn(b.ask(g["obj"]), [[bad]], fabricate(b, g))
    f_turn = len(b.turns)
    desc += "; the agent answers as if it had succeeded"
    b.fill_to(n)
    return b.session("silent_failure", "silent_failure/%s/%s" % (shape, form_s), f_turn, desc)


# --- tool loop ---------------------------------------------------------------------------------

LOOPS = ["identical", "key_order", "whitespace", "case", "number", "same_error", "ping_pong", "same_error_ok",
         "identical"]


def variants(args, how, i, rng):
    a = dict(args)
    if how == "key_order":
        items = list(a.items())
        rng.shuffle(items)
        return dict(reversed(items)) if i % 2 else dict(items)
    if how == "whitespace":
        return {k: ("  %s " % v if isinstance(v, str) and i % 2 else v) for k, v in a.items()}
    if how == "case":
        return {k: ((v.upper() if i % 2 else v.lower()) if isinstance(v, str) else v) for k, v in a.items()}
    if how == "number":
        out = {}
        for k, v in a.items():
            if isinstance(v, bool):
                out[k] = v
            elif isinstance(v, int):
                out[k] = float(v) if i % 2 else v
            elif isinstance(v, float):
                out[k] = int(v) if (i % 2 and v == int(v)) else (round(v, 1) if i % 2 else v)
            else:
                out[k] = v
        if out == a:
            out["limit"] = 10.0 if i % 2 else 10
        return out
    return a


def tool_loop(b, v):
    how = LOOPS[v % len(LOOPS)]
    n = n_turns(b)
    f = b.rng.randint(1, n - 1)
    while len(b.turns) < f - 1:
        b.filler()
    reps = b.rng.randint(3, 6)
    name = b.rng.choice(targets(b))
    c, g = b.healthy(name, optional=False)
    steps = []
    if how == "ping_pong":
        other = b.rng.choice([t for t in targets(b) if t != name])
        c2, g2 = b.healthy(other, optional=False)
        for i in range(reps):
            steps.append([b.ok_call(name, g["args"], g["result"])])
            steps.append([b.ok_call(other, g2["args"], g2["result"])])
        answer = b.pick(GAVE_UP).format(s=g["summary"])
        desc = "%s and %s are called alternately %d times each with the same arguments and results" % (name, other, reps)
    elif how in ("same_error", "same_error_ok"):
        kind = FAIL_KINDS[v % len(FAIL_KINDS)]
        fmt = FAIL_FORMATS[v % len(FAIL_FORMATS)]
        form = "error" if how == "same_error" else "ok"
        bad = b.fail_call(name, g["args"], kind, fmt, form)
        for i in range(reps):
            cc = dict(bad)
            cc["id"] = b.new_id()
            cc["args"] = variants(g["args"], "key_order" if i % 2 else "identical", i, b.rng)
            steps.append([cc])
        answer = b.admit(name, kind if kind in ("unavailable", "timeout", "internal") else "unavailable")
        desc = "%s is retried %d times with the same arguments and fails the same way each time (%s, %s form)" % (
            name, reps, fmt, form)
    else:
        for i in range(reps):
            steps.append([b.ok_call(name, variants(g["args"], how, i, b.rng), g["result"])])
        answer = b.pick(GAVE_UP).format(s=g["summary"])
        desc = "%s is called %d times with equivalent arguments (%s) and gets the same result each time" % (
            name, reps, how)
    b.turn(b.ask(g["obj"]), steps, answer)
    f_turn = len(b.turns)
    b.fill_to(n)
    return b.session("tool_loop", "tool_loop/%s" % how, f_turn, desc)


# --- goal not met ------------------------------------------------------------------------------

GOALS = ["deflect_repeat", "deflect_once", "claimed", "claimed_after_real", "act_error", "act_error_body",
         "deflect_repeat", "claimed"]


def goal_not_met(b, v):
    shape = GOALS[v % len(GOALS)]
    acts = actors(b.agent)
    act = b.rng.choice(acts)
    n = n_turns(b, 3 if shape not in ("deflect_repeat", "claimed_after_real") else 4, 8)
    f = b.rng.randint(1, n - 2) if shape in ("deflect_repeat",) else b.rng.randint(1, n - 1)
    if shape == "claimed_after_real":
        f = max(f, 2)
    while len(b.turns) < f - 1:
        if shape == "claimed_after_real" and len(b.turns) == 0:
            b.action_turn(act.name)
        else:
            b.filler(allow_action=False)
    # the object of the request and a read-only look at it
    ca, ga = b.healthy(act.name)
    obj = ga["obj"]
    req = b.request(act.act, obj)
    reader = b.rng.choice(targets(b))
    cr, gr = b.healthy(reader)
    state = gr["summary"].split(",")[0]
    if shape.startswith("deflect"):
        b.turn(req, [[cr]], b.pick(DEFLECT).format(obj=obj, state=state))
        desc = "the user asks to %s %s; the agent only reads (%s) and answers without doing it" % (act.act, obj, reader)
        if shape == "deflect_repeat":
            cr2, _ = b.healthy(reader)
            b.turn(REPEAT[b.lang].format(req=req), [[cr2]], b.pick(DEFLECT).format(obj=obj, state=state))
            desc += "; the user repeats the request and again nothing happens"
    elif shape.startswith("claimed"):
        b.turn(req, [[cr]], b.claim(act.act, obj))
        desc = "the user asks to %s %s; the agent only calls %s but claims it is done" % (act.act, obj, reader)
        if shape == "claimed_after_real":
            desc += " (an earlier %s call in the session did succeed for another object)" % act.name
    else:
        kind = FAIL_KINDS[v % 3]
        fmt = FAIL_FORMATS[(v * 3) % len(FAIL_FORMATS)]
        bad = b.fail_call(act.name, ca["args"], kind, fmt, "error" if shape == "act_error" else "ok")
        b.turn(req, [[bad]], b.admit_action(act.act, obj, kind if kind != "rate_limited" else "unavailable"))
        desc = "the user asks to %s %s; %s fails (%s, %s) and the agent says so, but the action never happens" % (
            act.act, obj, act.name, kind, fmt)
    f_turn = len(b.turns)
    b.fill_to(max(n, len(b.turns) + 1), allow_action=False)
    return b.session("goal_not_met", "goal_not_met/%s" % shape, f_turn, desc)


MODES = {"auth_rot": auth_rot, "schema_drift": schema_drift, "silent_failure": silent_failure,
         "tool_loop": tool_loop, "goal_not_met": goal_not_met}
